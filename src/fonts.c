#include "fonts.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include FT_ADVANCES_H
#include <harfbuzz/hb.h>
#include <harfbuzz/hb-subset.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "i18n.h"
#include "ini.h"
#include "memo.h"
#include "utf8.h"

#define MAX_FACES 32
#define NO_WIDTH 0xFFFF

struct face {
	struct font_face pub;
	int memfd;              /* the cut font, when kept in memory (0: none) */
	int base;               /* a synthetic bold: the regular face it is drawn from; else itself */
	FT_Face ft;
	hb_font_t *hb;          /* for shaped scripts */
	double upem;
	uint32_t *always;       /* always_embed: code points every document embeds (regular faces) */
	unsigned nalways;
	int fixed_digits;       /* always embeds 0-9: digits may join its runs (regular faces) */
	uint16_t *adv;          /* advance per BMP code point, font units; lazily filled */
	uint8_t *cov;           /* per BMP code point: 0 not asked yet, 1 lacking, 2 covered */
};

#define MAX_ALIASES 8

#define SHAPED_SLOTS 16384        /* shaped runs kept (a power of two) */
#define WIDTH_SLOTS 16384         /* widths of texts kept */
#define WIDTH_MIN_LEN 4           /* shorter texts are measured each time */

struct fonts {
	struct memo *shaped;    /* face, text -> struct shaped_run and its arrays */
	struct memo *runs;      /* face and active script, text -> struct font_runs */
	struct memo *widths;    /* face and active script, text -> width at size 1 */
	int script_face;        /* the active script's regular face + 1; 0 for none */
	struct { char script[24], section[24]; } alias[MAX_ALIASES];   /* serves = ... */
	int nalias;
	FT_Library ft;
	int n;
	struct face face[MAX_FACES];
	int remap[MAX_FACES];   /* face -> the active script's face for it, or -1 */
	int rtl;                /* the active script reads right to left */
};

static const char *const styles[] = { "regular", "bold" };

/* Adds the ranges of a "keep" list ("0020-007E 00A0 ...") to set. */
static int parse_keep(const char *file, const char *key, const char *list, hb_set_t *set,
		      struct ng_err *err)
{
	const char *p = list;

	while (*p) {
		char *end;
		unsigned long lo, hi;

		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (!*p)
			break;
		lo = strtoul(p, &end, 16);
		if (end == p)
			goto bad;
		hi = lo;
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 16);
			if (end == p)
				goto bad;
		}
		if (hi < lo || hi > 0xFFFF)
			goto bad;
		hb_set_add_range(set, (hb_codepoint_t)lo, (hb_codepoint_t)hi);
		p = end;
		if (*p && *p != ' ' && *p != '\t' && *p != ',')
			goto bad;
	}
	return 0;
bad:
	return ng_fail(err, NG_ECONFIG,
		       "%s: key '%s' has a bad range near '%.20s'; write hex ranges like 0020-007E 00A0 "
		       "(the PDF library serves the Basic Multilingual Plane only)", file, key, p);
}

/* Adds every character the catalogs written in script use. */
static void add_catalog(hb_set_t *set, const struct i18n *i18n, const char *script)
{
	const struct i18n_lang *l;
	size_t li, k;

	for (li = 0; i18n && (l = i18n_lang_at(i18n, li)); li++) {
		const char *v;

		if (strcmp(l->script, script))
			continue;
		for (k = 0; (v = i18n_value_at(i18n, l->code, k, NULL)); k++) {
			const char *p = v, *end = v + strlen(v);

			while (p < end) {
				uint32_t cp = utf8_next(&p, end);

				if (cp <= 0xFFFF)
					hb_set_add(set, cp);
			}
		}
	}
}

/* Writes the subset of src holding the code points in keep to dst. */
static int cut_font(const char *src, const char *dst, hb_set_t *keep, struct ng_err *err)
{
	hb_blob_t *blob = hb_blob_create_from_file_or_fail(src), *out = NULL;
	hb_face_t *face = NULL, *sub = NULL;
	hb_subset_input_t *in = NULL;
	const char *data;
	unsigned int len = 0;
	FILE *fp = NULL;
	int ret = -1;

	if (!blob) {
		ng_fail(err, NG_ECONFIG, "cannot read font '%s'", src);
		goto cleanup;
	}
	data = hb_blob_get_data(blob, &len);
	if (len < 12 || (memcmp(data, "\0\1\0\0", 4) && memcmp(data, "true", 4))) {
		ng_fail(err, NG_ECONFIG, "'%s' is not a TrueType font%s; name a .ttf file", src,
			(len >= 4 && !memcmp(data, "OTTO", 4)) ?
			" (it has CFF outlines, which Debian's libharu 2.3 cannot embed)" : "");
		goto cleanup;
	}
	face = hb_face_create(blob, 0);
	in = hb_subset_input_create_or_fail();
	if (!face || !in) {
		ng_fail(err, NG_EINTERNAL, "out of memory cutting '%s'", src);
		goto cleanup;
	}
	hb_set_union(hb_subset_input_unicode_set(in), keep);
	/* Hints only matter on screens at small sizes; print does without, and they are a third of the bytes. */
	hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
	sub = hb_subset_or_fail(face, in);
	if (!sub) {
		ng_fail(err, NG_ECONFIG, "cannot cut font '%s' (HarfBuzz refused it); is it a valid font?", src);
		goto cleanup;
	}
	out = hb_face_reference_blob(sub);
	data = hb_blob_get_data(out, &len);
	fp = fopen(dst, "wb");
	if (!fp || fwrite(data, 1, len, fp) != len || fclose(fp) != 0) {
		fp = NULL;
		ng_fail(err, NG_EOUTPUT, "cannot write cut font '%s': %s", dst, strerror(errno));
		goto cleanup;
	}
	fp = NULL;
	ret = 0;
cleanup:
	if (fp)
		fclose(fp);
	hb_blob_destroy(out);
	hb_face_destroy(sub);
	hb_subset_input_destroy(in);
	hb_face_destroy(face);
	hb_blob_destroy(blob);
	return ret;
}

static int add_face(struct fonts *f, const struct ini *ini, const char *script,
		    const char *style, const char *cut_dir, hb_set_t *keep, struct ng_err *err)
{
	struct face *fc;
	char key[128];
	const char *src, *pkg;

	snprintf(key, sizeof(key), "%s:%s", script, style);
	src = ini_str_or(ini, key, NULL);
	if (!src)
		return 0;
	if (f->n == MAX_FACES)
		return ng_fail(err, NG_ECONFIG, "%s: more than %d font faces", ini_path(ini), MAX_FACES);
	/*
	 * A synthetic bold is the regular face drawn thicker: one font program
	 * less in every document, and embedding fonts is most of a document's cost.
	 */
	if (!strcmp(src, "synthetic") && f->n > 0 && !strcmp(style, "bold")) {
		struct face *reg = &f->face[f->n - 1];

		fc = &f->face[f->n];
		*fc = *reg;
		snprintf(fc->pub.id, sizeof(fc->pub.id), "%s.%s", script, style);
		fc->pub.synthetic_bold = 1;
		fc->base = f->n - 1;
		fc->ft = NULL;
		fc->hb = NULL;
		fc->adv = NULL;
		fc->cov = NULL;
		fc->always = NULL;
		fc->nalways = 0;
		if (FT_New_Face(f->ft, fc->pub.cut, 0, &fc->ft) != 0 ||
		    !(fc->adv = malloc(0x10000 * sizeof(*fc->adv)))) {
			return ng_fail(err, NG_EINTERNAL, "cannot open '%s' again", fc->pub.cut);
		}
		memset(fc->adv, 0xFF, 0x10000 * sizeof(*fc->adv));
		f->n++;
		return 0;
	}
	snprintf(key, sizeof(key), "%s:package", script);
	pkg = ini_str_or(ini, key, "the Debian package that ships it");
	fc = &f->face[f->n];
	fc->base = f->n;
	snprintf(fc->pub.id, sizeof(fc->pub.id), "%s.%s", script, style);
	snprintf(fc->pub.src, sizeof(fc->pub.src), "%s", src);
	if (cut_dir) {
		snprintf(fc->pub.cut, sizeof(fc->pub.cut), "%s/%s.%s.ttf", cut_dir, script, style);
	} else {
		/*
		 * In memory, named through /proc: the kernel drops it with the last
		 * process that holds it, so a killed run leaves nothing behind.
		 */
		fc->memfd = memfd_create(fc->pub.id, 0);
		if (fc->memfd < 0) {
			fc->memfd = 0;
			return ng_fail(err, NG_EINTERNAL, "cannot make an in-memory file: %s", strerror(errno));
		}
		snprintf(fc->pub.cut, sizeof(fc->pub.cut), "/proc/self/fd/%d", fc->memfd);
	}
	if (access(src, R_OK) != 0)
		return ng_fail(err, NG_ECONFIG,
			       "%s: [%s] %s = %s: font file not found; install it with "
			       "'apt-get install %s' or point the key at another TrueType file",
			       ini_path(ini), script, style, src, pkg);
	if (cut_font(src, fc->pub.cut, keep, err) != 0) {
		ng_err_prefix(err, "%s: [%s] %s", ini_path(ini), script, style);
		return -1;
	}
	if (FT_New_Face(f->ft, fc->pub.cut, 0, &fc->ft) != 0) {
		fc->ft = NULL;
		return ng_fail(err, NG_ECONFIG, "%s: [%s] %s = %s: FreeType cannot open the cut font",
			       ini_path(ini), script, style, src);
	}
	fc->upem = fc->ft->units_per_EM ? fc->ft->units_per_EM : 1000;
	fc->adv = malloc(0x10000 * sizeof(*fc->adv));
	if (!fc->adv)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	memset(fc->adv, 0xFF, 0x10000 * sizeof(*fc->adv));
	f->n++;
	return 0;
}

/*
 * always_embed = ranges: characters of the regular face that every
 * document embedding it carries, used or not. Documents then mostly embed
 * one and the same font program, compressed once per run and shared in
 * the print batches, instead of one per set of letters a name brings.
 */
static int take_always(struct fonts *f, const struct ini *ini, const char *script, struct face *fc,
		       struct ng_err *err)
{
	char key[128];
	const char *list;
	hb_set_t *set;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	int ret = 0;

	snprintf(key, sizeof(key), "%s:always_embed", script);
	if (!(list = ini_str_or(ini, key, NULL)))
		return 0;
	if (!(set = hb_set_create()))
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	if (parse_keep(ini_path(ini), key, list, set, err) != 0) {
		ret = -1;
	} else if (!(fc->always = malloc((hb_set_get_population(set) + 1) * sizeof(*fc->always)))) {
		ret = ng_fail(err, NG_EINTERNAL, "out of memory");
	} else {
		while (hb_set_next(set, &cp))
			if (cp < 0x10000 && fonts_covers(f, (int)(fc - f->face), cp))
				fc->always[fc->nalways++] = cp;
		fc->fixed_digits = 1;
		for (cp = '0'; cp <= '9'; cp++)
			fc->fixed_digits &= hb_set_has(set, cp) && fonts_covers(f, (int)(fc - f->face), cp);
	}
	hb_set_destroy(set);
	return ret;
}

const uint32_t *fonts_always(const struct fonts *f, int face, unsigned *n)
{
	*n = f->face[face].nalways;
	return f->face[face].always;
}

struct fonts *fonts_load(const char *ini_path, const char *cut_dir, const struct i18n *i18n,
			 struct ng_err *err)
{
	struct fonts *f = calloc(1, sizeof(*f));
	struct ini *ini = NULL;
	hb_set_t *keep = hb_set_create();
	int i, s, ok = 0;

	if (!f || !keep) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		goto cleanup;
	}
	if (FT_Init_FreeType(&f->ft) != 0) {
		ng_fail(err, NG_EINTERNAL, "cannot start FreeType");
		goto cleanup;
	}
	ini = ini_load(ini_path, err);
	if (!ini)
		goto cleanup;
	for (i = 0; i < MAX_FACES; i++)
		f->remap[i] = -1;
	for (i = 0; i < ini_nsections(ini); i++) {
		const char *script = ini_section(ini, i), *list;
		char key[128];
		int catalog, first = f->n;

		snprintf(key, sizeof(key), "%s:keep", script);
		if (ini_str(ini, key, &list, err) != 0)
			goto cleanup;
		hb_set_clear(keep);
		if (parse_keep(ini_path, key, list, keep, err) != 0)
			goto cleanup;
		snprintf(key, sizeof(key), "%s:catalog", script);
		if (ini_bool(ini, key, 0, &catalog, err))
			goto cleanup;
		if (catalog)
			add_catalog(keep, i18n, script);
		/* serves = other scripts this section's fonts draw too (han-hans by han-hant's font). */
		snprintf(key, sizeof(key), "%s:serves", script);
		{
			char list[128], *tok, *save = NULL;

			snprintf(list, sizeof(list), "%s", ini_str_or(ini, key, ""));
			for (tok = strtok_r(list, " ,", &save); tok; tok = strtok_r(NULL, " ,", &save)) {
				if (f->nalias == MAX_ALIASES) {
					ng_fail(err, NG_ECONFIG, "%s: too many scripts in serves =", ini_path);
					goto cleanup;
				}
				snprintf(f->alias[f->nalias].script, sizeof(f->alias[0].script), "%s", tok);
				snprintf(f->alias[f->nalias++].section, sizeof(f->alias[0].section), "%s", script);
				if (catalog)
					add_catalog(keep, i18n, tok);
			}
		}
		for (s = 0; s < 2; s++)
			if (add_face(f, ini, script, styles[s], cut_dir, keep, err) != 0)
				goto cleanup;
		if (first < f->n && take_always(f, ini, script, &f->face[first], err))
			goto cleanup;
		snprintf(key, sizeof(key), "%s:shaping", script);
		if (!strcmp(ini_str_or(ini, key, "none"), "harfbuzz"))
			for (s = first; s < f->n; s++) {
				/*
				 * HarfBuzz's own OpenType functions, in font units (its default
				 * scale): positions scale to any size later. Its FreeType
				 * functions would give zero advances without a char size.
				 */
				hb_blob_t *blob = hb_blob_create_from_file(f->face[s].pub.cut);
				hb_face_t *face = hb_face_create(blob, 0);

				f->face[s].hb = hb_font_create(face);
				hb_face_destroy(face);
				hb_blob_destroy(blob);
			}
	}
	if (fonts_find(f, "latin.regular") < 0) {
		ng_fail(err, NG_ECONFIG, "%s: no [latin] regular font; every document needs one",
			ini_path);
		goto cleanup;
	}
	ok = 1;
cleanup:
	hb_set_destroy(keep);
	ini_free(ini);
	if (!ok) {
		fonts_free(f);
		return NULL;
	}
	return f;
}

void fonts_free(struct fonts *f)
{
	int i;

	if (!f)
		return;
	/* All slots, not just n: a face that failed half-way holds resources too. */
	for (i = 0; i < MAX_FACES; i++) {
		if (f->face[i].memfd > 0 && f->face[i].base == i)
			close(f->face[i].memfd);
		if (f->face[i].hb)
			hb_font_destroy(f->face[i].hb);
		if (f->face[i].ft)
			FT_Done_Face(f->face[i].ft);
		free(f->face[i].adv);
		free(f->face[i].cov);
		free(f->face[i].always);
	}
	if (f->ft)
		FT_Done_FreeType(f->ft);
	memo_free(f->shaped);
	memo_free(f->runs);
	memo_free(f->widths);
	free(f);
}

int fonts_base(const struct fonts *f, int face)
{
	return f->face[face].base;
}

int fonts_count(const struct fonts *f)
{
	return f->n;
}

const struct font_face *fonts_face(const struct fonts *f, int i)
{
	return &f->face[i].pub;
}

int fonts_find(const struct fonts *f, const char *id)
{
	int i;

	for (i = 0; i < f->n; i++)
		if (!strcmp(f->face[i].pub.id, id))
			return i;
	return -1;
}

/* Kept per code point: choosing a face per character asked FreeType twice a character. */
int fonts_covers(struct fonts *f, int face, uint32_t cp)
{
	struct face *fc = &f->face[face];

	if (cp > 0xFFFF || (!fc->cov && !(fc->cov = calloc(0x10000, 1))))
		return FT_Get_Char_Index(fc->ft, cp) != 0;
	if (!fc->cov[cp])
		fc->cov[cp] = FT_Get_Char_Index(fc->ft, cp) ? 2 : 1;
	return fc->cov[cp] == 2;
}

/* Advance of cp in font units; characters the face lacks measure as its .notdef. */
static unsigned advance(struct face *fc, uint32_t cp)
{
	FT_Fixed adv = 0;

	if (cp > 0xFFFF)
		cp = ' ';
	if (fc->adv[cp] == NO_WIDTH) {
		FT_UInt gid = FT_Get_Char_Index(fc->ft, cp);

		if (FT_Get_Advance(fc->ft, gid, FT_LOAD_NO_SCALE, &adv) != 0 || adv < 0 || adv >= NO_WIDTH)
			adv = 0;
		fc->adv[cp] = (uint16_t)adv;
	}
	return fc->adv[cp];
}

/* Latin letters, digits and common punctuation: names, amounts, case numbers. */
static int latinish(uint32_t cp)
{
	return cp < 0x250 || (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2000 && cp <= 0x206F);
}

int fonts_pick(struct fonts *f, int face, uint32_t cp)
{
	int alt = f->remap[face];

	/* A name like "Nguyễn" stays in one Latin face inside a Korean letter. */
	if (alt < 0 || (latinish(cp) && fonts_covers(f, face, cp)) || !fonts_covers(f, alt, cp))
		return face;
	return alt;
}

/*
 * Spaces and ASCII punctuation belong to no script: they stay in the run
 * they are in when its face has them. So do digits, in a face that always
 * embeds them (always_embed): they come from the ledger, and in any other
 * face they would make its font program differ from document to document.
 * "2026년 10월 1일" is then two runs, not six.
 */
static int neutral(const struct fonts *f, int face, uint32_t cp)
{
	if (cp >= '0' && cp <= '9')
		return f->face[f->face[face].base].fixed_digits;
	return (cp < 0x80 && !((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z')) || cp == 0xA0;
}

/*
 * The face of a run that begins with characters of no script (digits,
 * spaces, punctuation) at p: the script's face when the first character
 * of a script after them is its, and it has them all ("2026년" is one
 * run); else fc, the first character's own.
 */
static int lead_face(struct fonts *f, int face, int fc, const char *p, const char *end)
{
	int alt = f->remap[face];

	if (alt < 0 || fc == alt)
		return fc;
	while (p < end) {
		uint32_t cp = utf8_next(&p, end);

		if (!(neutral(f, alt, cp) && fonts_covers(f, alt, cp)))
			return fonts_pick(f, face, cp) == alt ? alt : fc;
	}
	return fc;
}

size_t fonts_run(struct fonts *f, int face, const char *s, size_t len, int *run_face)
{
	const char *p = s, *end = s + len;
	uint32_t first = utf8_next(&p, end);
	int fc = fonts_pick(f, face, first);

	if (f->remap[face] >= 0 && neutral(f, f->remap[face], first) && fonts_covers(f, f->remap[face], first))
		fc = lead_face(f, face, fc, p, end);

	/*
	 * A space or comma inside a Korean line stays in the Korean face when
	 * it has one: a line is one run, not one per word.
	 */
	while (p < end) {
		const char *at = p;
		uint32_t cp = utf8_next(&p, end);

		if (fonts_pick(f, face, cp) != fc && !(neutral(f, fc, cp) && fonts_covers(f, fc, cp))) {
			p = at;
			break;
		}
	}
	*run_face = fc;
	return (size_t)(p - s);
}

/*
 * s shaped with HarfBuzz, kept in f->shaped as one block: the run, then
 * its four arrays. NULL if out of memory.
 */
static struct shaped_run *shape(struct fonts *f, int face, const char *s, size_t len)
{
	hb_buffer_t *buf = hb_buffer_create();
	hb_glyph_info_t *info;
	hb_glyph_position_t *pos;
	struct shaped_run *r;
	unsigned int n, i;

	hb_buffer_add_utf8(buf, s, (int)len, 0, (int)len);
	hb_buffer_guess_segment_properties(buf);
	hb_shape(f->face[face].hb, buf, NULL, 0);
	info = hb_buffer_get_glyph_infos(buf, &n);
	pos = hb_buffer_get_glyph_positions(buf, &n);
	r = memo_put(f->shaped, face, s, len, NULL, sizeof(*r) + (size_t)n * 4 * sizeof(uint32_t));
	if (!r) {
		hb_buffer_destroy(buf);
		return NULL;
	}
	r->gid = (uint32_t *)(r + 1);
	r->x_adv = (int32_t *)(r->gid + n);
	r->x_off = r->x_adv + n;
	r->y_off = r->x_off + n;
	r->n = n;
	r->width = 0;
	for (i = 0; i < n; i++) {
		r->gid[i] = info[i].codepoint;
		r->x_adv[i] = pos[i].x_advance;
		r->x_off[i] = pos[i].x_offset;
		r->y_off[i] = pos[i].y_offset;
		r->width += pos[i].x_advance;
	}
	hb_buffer_destroy(buf);
	return r;
}

const struct shaped_run *fonts_shape(struct fonts *f, int face, const char *s, size_t len)
{
	struct shaped_run *r;

	if (!f->face[face].hb || (!f->shaped && !(f->shaped = memo_new(SHAPED_SLOTS))))
		return NULL;
	r = memo_get(f->shaped, face, s, len, NULL);
	return r ? r : shape(f, face, s, len);
}

/* Width of a run shaped with HarfBuzz (conjuncts and reordering change it). */
static double shaped_width(struct fonts *f, int face, const char *s, size_t len, double size)
{
	const struct shaped_run *r = fonts_shape(f, face, s, len);

	return r ? (double)r->width * size / f->face[face].upem : 0;
}

/* The width of s at size 1, run by run, each in the face that draws it. */
static double width_at_1(struct fonts *f, int face, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	double w = 0;

	while (p < end) {
		const char *start = p;
		int fc;
		size_t n = fonts_run(f, face, p, (size_t)(end - p), &fc);
		unsigned long units = 0;

		p += n;
		if (f->face[fc].hb) {
			w += shaped_width(f, fc, start, n, 1.0);
			continue;
		}
		for (const char *q = start; q < p;)
			units += advance(&f->face[fc], utf8_next(&q, p));
		w += (double)units / f->face[fc].upem;
	}
	return w;
}

double fonts_width(struct fonts *f, int face, const char *s, size_t len, double size)
{
	/* Which face draws a character depends on the active script too. */
	int tag = face * (MAX_FACES + 1) + f->script_face;
	double *kept, w;

	if (len < WIDTH_MIN_LEN || (!f->widths && !(f->widths = memo_new(WIDTH_SLOTS))))
		return width_at_1(f, face, s, len) * size;
	if ((kept = memo_get(f->widths, tag, s, len, NULL)))
		return *kept * size;
	w = width_at_1(f, face, s, len);
	memo_put(f->widths, tag, s, len, &w, sizeof(w));
	return w * size;
}

#define RUNS_SLOTS 16384          /* lines split into runs kept (a power of two) */
#define MAX_RUNS 256              /* runs of a line kept; a line with more is split each time */

const struct font_runs *fonts_runs(struct fonts *f, int face, const char *s, size_t len)
{
	int tag = face * (MAX_FACES + 1) + f->script_face;
	struct font_run run[MAX_RUNS];
	struct font_runs *kept;
	const char *p = s, *end = s + len;
	unsigned n = 0;

	if (!f->runs && !(f->runs = memo_new(RUNS_SLOTS)))
		return NULL;
	if ((kept = memo_get(f->runs, tag, s, len, NULL)))
		return kept;
	while (p < end && n < MAX_RUNS) {
		const char *start = p;

		p += fonts_run(f, face, p, (size_t)(end - p), &run[n].face);
		run[n].len = (size_t)(p - start);
		run[n].width = fonts_width(f, run[n].face, start, run[n].len, 1.0);
		n++;
	}
	if (p < end || !(kept = memo_put(f->runs, tag, s, len, NULL, sizeof(*kept) + n * sizeof(*run))))
		return NULL;
	kept->n = n;
	kept->width = 0;
	for (unsigned i = 0; i < n; i++)
		kept->width += run[i].width;
	memcpy(kept->run, run, n * sizeof(*run));
	return kept;
}

/* The fonts section that draws script: its own, or one that serves it. */
static const char *section_of(const struct fonts *f, const char *script)
{
	int i;

	for (i = 0; i < f->nalias; i++)
		if (!strcmp(f->alias[i].script, script))
			return f->alias[i].section;
	return script;
}

void fonts_use(struct fonts *f, const char *script, int rtl)
{
	char id[64];
	int i, reg, bold;

	for (i = 0; i < MAX_FACES; i++)
		f->remap[i] = -1;
	f->rtl = rtl;
	f->script_face = 0;
	if (!script || !strcmp(script, "latin"))
		return;
	script = section_of(f, script);
	snprintf(id, sizeof(id), "%s.regular", script);
	reg = fonts_find(f, id);
	snprintf(id, sizeof(id), "%s.bold", script);
	bold = fonts_find(f, id);
	if (reg < 0)
		return;
	f->script_face = reg + 1;
	f->remap[fonts_find(f, "latin.regular")] = reg;
	if (fonts_find(f, "latin.bold") >= 0)
		f->remap[fonts_find(f, "latin.bold")] = bold >= 0 ? bold : reg;
}

int fonts_rtl(const struct fonts *f)
{
	return f->rtl;
}

int fonts_active(const struct fonts *f)
{
	return f->script_face;
}

int fonts_has_script(const struct fonts *f, const char *script)
{
	char id[64];

	snprintf(id, sizeof(id), "%s.regular", section_of(f, script));
	return fonts_find(f, id) >= 0;
}

struct hb_font_t *fonts_hb(const struct fonts *f, int face)
{
	return f->face[face].hb;
}

struct FT_FaceRec_ *fonts_ft(const struct fonts *f, int face)
{
	return f->face[face].ft;
}

double fonts_upem(const struct fonts *f, int face)
{
	return f->face[face].upem;
}

uint32_t fonts_first_missing(struct fonts *f, int face, const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		uint32_t cp = utf8_next(&p, end);

		if (cp != ' ' && cp != '\n' && !fonts_covers(f, face, cp))
			return cp;
	}
	return 0;
}

double fonts_ascent(const struct fonts *f, int face, double size)
{
	const struct face *fc = &f->face[face];

	return fc->ft->ascender * size / fc->upem;
}
