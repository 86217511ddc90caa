#include "text.h"

#include <fribidi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "memo.h"
#include "utf8.h"

#define LINE_MAX_CHARS 1024
#define VISUAL_SLOTS 8192           /* right-to-left lines kept in visual order */

static struct memo *visual_kept;

/*
 * Yiddish is written with points (komets, pasekh, dagesh...) that the PDF
 * library cannot place; the alphabetic presentation forms carry them drawn.
 */
static const struct { uint32_t base, mark, form; } hebrew_forms[] = {
	{ 0x05D9, 0x05B4, 0xFB1D }, { 0x05F2, 0x05B7, 0xFB1F }, { 0x05E9, 0x05C1, 0xFB2A },
	{ 0x05E9, 0x05C2, 0xFB2B }, { 0x05D0, 0x05B7, 0xFB2E }, { 0x05D0, 0x05B8, 0xFB2F },
	{ 0x05D1, 0x05BC, 0xFB31 }, { 0x05D5, 0x05BC, 0xFB35 }, { 0x05DB, 0x05BC, 0xFB3B },
	{ 0x05E4, 0x05BC, 0xFB44 }, { 0x05EA, 0x05BC, 0xFB4A }, { 0x05D5, 0x05B9, 0xFB4B },
	{ 0x05D1, 0x05BF, 0xFB4C }, { 0x05DB, 0x05BF, 0xFB4D }, { 0x05E4, 0x05BF, 0xFB4E },
	{ 0x05E9, 0x05BC, 0xFB49 },
};

/* 1 if s has a letter of a right-to-left script (Hebrew, Arabic and their presentation forms). */
static int has_rtl(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		uint32_t cp = utf8_next(&p, end);

		if ((cp >= 0x0590 && cp <= 0x08FF) || (cp >= 0xFB1D && cp <= 0xFDFF) || (cp >= 0xFE70 && cp <= 0xFEFF))
			return 1;
	}
	return 0;
}

/*
 * The visual form of one logical line of right-to-left text: Arabic letters
 * joined into their presentation forms, Hebrew points composed, the runs
 * ordered right to left with numbers and Latin left to right (fribidi).
 * Returns out (NUL-terminated UTF-8) or s itself for left-to-right text.
 */
static const char *visual(struct fonts *fonts, const char *s, size_t len, char *out, size_t cap,
			  size_t *outlen)
{
	static FriBidiChar in[LINE_MAX_CHARS], vis[LINE_MAX_CHARS];
	FriBidiParType base = FRIBIDI_PAR_RTL;
	const char *p = s, *end = s + len;
	FriBidiStrIndex n = 0, i, j;
	size_t k;

	const char *kept;
	size_t n_kept;

	if (!fonts_rtl(fonts) || !has_rtl(s, len)) {
		/* Names, addresses, amounts: left to right even in an Arabic part. */
		*outlen = len;
		return s;
	}
	/* Kept for the run (the same labels come back in every document); process-wide, as fribidi's buffers. */
	if (!visual_kept)
		visual_kept = memo_new(VISUAL_SLOTS);
	if (visual_kept && (kept = memo_get(visual_kept, 0, s, len, &n_kept))) {
		memcpy(out, kept, n_kept);     /* with its NUL */
		*outlen = n_kept - 1;
		return out;
	}
	while (p < end && n < LINE_MAX_CHARS) {
		uint32_t cp = utf8_next(&p, end);

		for (k = 0; n > 0 && k < sizeof(hebrew_forms) / sizeof(*hebrew_forms); k++)
			if (in[n - 1] == hebrew_forms[k].base && cp == hebrew_forms[k].mark) {
				in[n - 1] = hebrew_forms[k].form;
				cp = 0;
				break;
			}
		if (cp)
			in[n++] = cp;
	}
	if (!fribidi_log2vis(in, n, &base, vis, NULL, NULL, NULL))
		memcpy(vis, in, (size_t)n * sizeof(*vis));
	/* fribidi leaves U+FEFF where a lam-alef ligature swallowed a letter. */
	for (i = j = 0; i < n; i++)
		if (vis[i] != 0xFEFF)
			vis[j++] = vis[i];
	*outlen = fribidi_unicode_to_charset(FRIBIDI_CHAR_SET_UTF8, vis, j, out);
	(void)cap;
	if (visual_kept)
		memo_put(visual_kept, 0, s, len, out, *outlen + 1);
	return out;
}

/*
 * Draws visual text run by run, each run in the face that has its glyphs
 * (a Korean font for Hangul, the Latin one for a name), shaped scripts by
 * their glyphs. runs: s's (fonts_runs), or NULL to find them here. Returns
 * the width drawn.
 */
static double emit(struct dlist *dl, struct fonts *fonts, int face, float size, float x, float y,
		   const char *s, size_t len, double whole, const struct font_runs *runs)
{
	const char *p = s, *end = s + len;
	double w = 0;

	if (runs) {
		for (unsigned i = 0; i < runs->n; i++) {
			const struct font_run *r = &runs->run[i];
			/* One run (most lines): its width is the line's, measured already. */
			double rw = runs->n == 1 && whole >= 0 ? whole : r->width * size;

			if (dl && fonts_hb(fonts, r->face))
				dl_shaped(dl, r->face, size, x + (float)w, y, p, r->len);
			else if (dl)
				dl_text(dl, r->face, size, x + (float)w, y, p, r->len, 0);
			p += r->len;
			w += rw;
		}
		return w;
	}
	while (p < end) {
		const char *start = p;
		int fc;
		double rw;

		p += fonts_run(fonts, face, p, (size_t)(end - p), &fc);
		/* One run (most lines): its width is the line's, measured already. */
		rw = start == s && p == end && whole >= 0 ? whole : fonts_width(fonts, fc, start, (size_t)(p - start), size);
		if (dl) {
			if (fonts_hb(fonts, fc))
				dl_shaped(dl, fc, size, x + (float)w, y, start, (size_t)(p - start));
			else
				dl_text(dl, fc, size, x + (float)w, y, start, (size_t)(p - start), 0);
		}
		w += rw;
	}
	return w;
}

/* The largest size from size down to min_size, by half points, at which a text of width at_one (at size 1) fits w; 0 if none. */
static float fit(double at_one, float size, float min_size, float w)
{
	float sz;

	for (sz = size; sz >= min_size - 0.001f; sz -= 0.5f)
		if (at_one * sz <= w + 0.01)
			return sz;
	return 0;
}

float text_fit(struct fonts *fonts, int face, float size, float min_size, float w, const char *s)
{
	char vbuf[LINE_MAX_CHARS * 4 + 4];
	size_t vlen;
	const char *v = visual(fonts, s, strlen(s), vbuf, sizeof(vbuf), &vlen);

	return fit(fonts_width(fonts, face, v, vlen, 1.0), size, min_size, w);
}

/* v's width at size 1: its runs' (one lookup, not two), or measured where they are not kept. */
static double width_at_one(struct fonts *fonts, int face, const char *v, size_t len, const struct font_runs *runs)
{
	return runs ? runs->width : fonts_width(fonts, face, v, len, 1.0);
}

float text_line(struct dlist *dl, struct fonts *fonts, int face, float size, float min_size,
		float x, float y, float w, enum text_align align, const char *s)
{
	char vbuf[LINE_MAX_CHARS * 4 + 4];
	size_t len;
	const char *v = visual(fonts, s, strlen(s), vbuf, sizeof(vbuf), &len);
	const struct font_runs *runs = fonts_runs(fonts, face, v, len);
	double at_one = width_at_one(fonts, face, v, len, runs), tw;
	float sz = fit(at_one, size, min_size, w);

	if (sz == 0) {
		/* Never clipped, never silently dropped: the document is refused, naming the text. */
		if (dl && !dl->lost++)
			snprintf(dl->lost_text, sizeof(dl->lost_text), "%s", s);
		return 0;
	}
	tw = at_one * sz;
	/* Right-to-left text hangs from the right edge of its box. */
	if (align == ALIGN_LEFT && fonts_rtl(fonts))
		x += w - (float)tw;
	else if (align == ALIGN_RIGHT)
		x -= (float)tw;
	else if (align == ALIGN_CENTER)
		x += (float)((w - tw) / 2);
	emit(dl, fonts, face, sz, x, y, v, len, tw, runs);
	return sz;
}

/*
 * Length of the next line of s (at most w wide): breaks after the last
 * space that fits, at a newline, or inside a word longer than the line.
 * *skip is how many bytes to pass over after it (the space or newline).
 */
static size_t next_line(struct fonts *fonts, int face, float size, float w, const char *s,
			size_t len, size_t *skip)
{
	const char *p = s, *end = s + len;
	size_t brk = 0;
	double x = 0;

	*skip = 0;
	/*
	 * Word by word: a word's width is kept (the same words come back in
	 * every document), a line's is not. A word measured alone can differ
	 * a little from the same word inside its line (a space or comma takes
	 * the face of the run it is in), so the line found is measured whole.
	 */
	while (p < end) {
		const char *word = p;

		while (p < end && *p != ' ' && *p != '\n')
			p++;
		x += fonts_width(fonts, face, word, (size_t)(p - word), size);
		if (x > w + 0.01)
			break;
		if (p == end || *p == '\n') {
			brk = (size_t)(p - s);
			break;
		}
		brk = (size_t)(p - s);
		x += fonts_width(fonts, face, p, 1, size);
		p++;
	}
	while (brk > 0 && fonts_width(fonts, face, s, brk, size) > w + 0.01)
		while (--brk > 0 && s[brk] != ' ')
			;
	if (brk > 0) {
		*skip = brk < len && (s[brk] == ' ' || s[brk] == '\n');
		return brk;
	}
	if (len > 0 && *s == '\n') {
		*skip = 1;
		return 0;
	}
	/* One word wider than the line: cut it, keeping at least one character. */
	x = 0;
	for (p = s; p < end;) {
		const char *at = p;

		utf8_next(&p, end);
		x += fonts_width(fonts, face, at, (size_t)(p - at), size);
		if (x > w + 0.01)
			return at == s ? (size_t)(p - s) : (size_t)(at - s);
	}
	return len;
}

/*
 * Where a paragraph breaks into lines at a size and width: kept for the
 * whole run, since a paragraph is measured to count its lines and again
 * to draw them, and the same paragraphs come back in every document.
 */
#define BREAKS_SLOTS 4096           /* paragraphs kept (a power of two) */
#define BREAKS_MAX 64               /* lines of a paragraph kept; a longer one is broken each time */
#define BREAKS_KEY (LINE_MAX_CHARS * 4)

struct breaks {
	unsigned n;
	struct line_break {
		uint32_t len, skip;          /* the line's bytes, and those passed over after it */
	} line[];
};

static struct memo *breaks_kept;

/* The lines of s (len bytes) at size in width w; NULL if not kept (too long, out of memory). */
static const struct breaks *line_breaks(struct fonts *fonts, int face, float size, float w,
					const char *s, size_t len)
{
	char key[2 * sizeof(float) + BREAKS_KEY];
	struct line_break line[BREAKS_MAX];
	size_t klen = 2 * sizeof(float) + len, skip;
	int tag = face * 64 + fonts_active(fonts);
	struct breaks *b;
	unsigned n = 0;

	if (len > BREAKS_KEY || (!breaks_kept && !(breaks_kept = memo_new(BREAKS_SLOTS))))
		return NULL;
	memcpy(key, &size, sizeof(float));
	memcpy(key + sizeof(float), &w, sizeof(float));
	memcpy(key + 2 * sizeof(float), s, len);
	if ((b = memo_get(breaks_kept, tag, key, klen, NULL)))
		return b;
	while (len > 0 && n < BREAKS_MAX) {
		size_t k = next_line(fonts, face, size, w, s, len, &skip);

		line[n].len = (uint32_t)k;
		line[n++].skip = (uint32_t)skip;
		s += k + skip;
		len -= k + skip;
	}
	if (len > 0 || !(b = memo_put(breaks_kept, tag, key, klen, NULL, sizeof(*b) + n * sizeof(*line))))
		return NULL;
	b->n = n;
	memcpy(b->line, line, n * sizeof(*line));
	return b;
}

/* Calls draw (if dl) for each wrapped line; returns the line count. */
static int wrap(struct dlist *dl, struct fonts *fonts, int face, float size, float leading,
		float x, float y, float w, const char *s)
{
	size_t len = strlen(s), skip;
	const struct breaks *b = line_breaks(fonts, face, size, w, s, len);
	int lines = 0;

	if (b && !dl)
		return (int)b->n;
	while (len > 0) {
		size_t n;

		if (b) {
			n = b->line[lines].len;
			skip = b->line[lines].skip;
		} else {
			n = next_line(fonts, face, size, w, s, len, &skip);
		}

		if (dl) {
			char vbuf[LINE_MAX_CHARS * 4 + 4];
			size_t vlen;
			const char *v = visual(fonts, s, n, vbuf, sizeof(vbuf), &vlen);
			const struct font_runs *runs = fonts_runs(fonts, face, v, vlen);
			float lx = x;

			if (fonts_rtl(fonts))
				lx += w - (float)(width_at_one(fonts, face, v, vlen, runs) * size);
			emit(dl, fonts, face, size, lx, y - lines * leading, v, vlen, -1, runs);
		}
		lines++;
		s += n + skip;
		len -= n + skip;
	}
	return lines;
}

int text_count_lines(struct fonts *fonts, int face, float size, float w, const char *s)
{
	return wrap(NULL, fonts, face, size, 0, 0, 0, w, s);
}

int text_para(struct dlist *dl, struct fonts *fonts, const struct box *b, int face, float size,
	      float leading, float *y, const char *s)
{
	int lines = text_count_lines(fonts, face, size, b->w, s);

	if (*y - (lines - 1) * leading < b->bottom + size * 0.25f) {
		/* Never dropped in silence: the document is refused, naming the text (as text_line does). */
		if (dl && !dl->lost++)
			snprintf(dl->lost_text, sizeof(dl->lost_text), "%s", s);
		return -1;
	}
	wrap(dl, fonts, face, size, leading, b->x, *y, b->w, s);
	*y -= lines * leading;
	return 0;
}

float text_fit_paras(struct fonts *fonts, const struct box *b, int face, const char *const *s,
		     int n, float gap)
{
	float sz;
	int i;

	for (sz = b->size; sz >= b->min_size - 0.001f; sz -= 0.5f) {
		float leading = b->leading * sz / b->size, used = 0;

		for (i = 0; i < n; i++)
			used += (text_count_lines(fonts, face, sz, b->w, s[i]) + gap) * leading;
		if (used - gap * leading <= b->h)
			return sz;
	}
	return 0;
}

int text_check_catalogs(struct fonts *fonts, const struct i18n *i18n, struct ng_err *err)
{
	int face = fonts_find(fonts, "latin.regular");
	const struct i18n_lang *l;
	size_t li, k;

	for (li = 0; (l = i18n_lang_at(i18n, li)); li++) {
		const char *v, *key;

		fonts_use(fonts, l->script, l->rtl);
		for (k = 0; (v = i18n_value_at(i18n, l->code, k, &key)); k++) {
			char vbuf[LINE_MAX_CHARS * 4 + 4];
			size_t len;
			const char *s = visual(fonts, v, strlen(v), vbuf, sizeof(vbuf), &len);
			const char *p = s, *end = s + len;

			while (p < end) {
				uint32_t cp = utf8_next(&p, end);

				if (cp == ' ' || cp == '\n' || fonts_covers(fonts, fonts_pick(fonts, face, cp), cp))
					continue;
				fonts_use(fonts, NULL, 0);
				return ng_fail(err, NG_ECONFIG,
					       "%s: '%s' has U+%04X, which no font of script '%s' draws (it would print "
					       "as a box); add the character's range to keep = in the fonts file, or "
					       "a font that has it", l->path, key, (unsigned)cp, l->script);
			}
		}
	}
	fonts_use(fonts, NULL, 0);
	return 0;
}
