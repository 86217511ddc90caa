#include "pdf.h"

#include "haru_fast.h"
#include "haru_mem.h"

#include <ft2build.h>
#include FT_FREETYPE_H
#include <hpdf.h>
#include <hpdf_doc.h>
#include <hpdf_pages.h>
#include <hpdf_conf.h>
#include <hpdf_streams.h>
#include <qrencode.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memo.h"
#include "pdfnum.h"
#include "utf8.h"

#define MAX_FACES 32

#define QR_KEPT 64                  /* QR codes kept encoded (a night has a few dozen) */

struct qr_ops {
	char *payload, *ops;
	int width;
	HPDF_Dict form;                 /* its Form XObject in document number doc */
	unsigned doc;
};

#define MAX_PAGE_FONTS 8                 /* fonts whose page names are kept (page_font) */

struct pdf_writer {
	HPDF_Doc pdf;
	struct fonts *fonts;
	const char *font_name[MAX_FACES];   /* libharu's names of the loaded faces */
	HPDF_Font font[MAX_FACES];          /* this document's font objects, made on first use */
	HPDF_STATUS error, detail;          /* the last error libharu reported */
	HPDF_STATUS last_error;             /* the error that failed the last render */
	unsigned char *buf;
	size_t cap;
	HPDF_Page *pages;
	int npages_cap;
	uint16_t **comps[MAX_FACES];        /* each glyph's components, all levels: count, then ids */
	struct qr_ops qr[QR_KEPT];
	unsigned qr_next;
	/* The text object open on tpage (NULL: none) and the state it has set. */
	HPDF_Page tpage;
	HPDF_Font tfont;
	float tsize, tgray;
	int tmode;
	int tstroke;                        /* the object has set its stroke gray and line width: */
	float tstroke_gray, tline_w;        /* these */
	/* The fonts put in fpage's resources so far, and their names there (page_font). */
	HPDF_Page fpage;
	HPDF_Font ffont[MAX_PAGE_FONTS];
	const char *fname[MAX_PAGE_FONTS];
	int nffont;
	char *tbuf;                         /* one text run's operators */
	struct memo *shaped;                /* a shaped run's operators, by its size and text (draw_shaped) */
	size_t tcap;
	unsigned doc;                       /* documents begun: which QR forms belong to this one */
	/* Per face, the characters whose glyphs this document has flagged already (a bit each). */
	uint8_t *flagged[MAX_FACES];
	unsigned flagged_doc[MAX_FACES];
	struct wcode *wcodes[MAX_FACES];    /* per face, the codes its W array can list (trim_widths) */
	unsigned nwcodes[MAX_FACES];
	char *wtext[MAX_FACES];             /* per face, this document's W array as text (trim_widths) */
	size_t wcap[MAX_FACES];
	char *tounicode[MAX_FACES];         /* per face, its ToUnicode CMap (tounicode_cmap) */
	size_t ntounicode[MAX_FACES];
};

/* A code of a face whose glyph is not of the default width: what a W array lists. */
struct wcode {
	uint16_t code, gid;
	int16_t width;
};

static const uint16_t no_comps[1] = { 0 };   /* a glyph with no components */

/* libharu calls this on every error; remember it and let the caller check. Never longjmp. */
static void on_error(HPDF_STATUS error, HPDF_STATUS detail, void *data)
{
	struct pdf_writer *w = data;

	if (!w->error) {
		w->error = error;
		w->detail = detail;
	}
}

static int harufail(struct pdf_writer *w, const char *what, struct ng_err *err)
{
	ng_fail(err, NG_EINTERNAL, "PDF library failed %s (libharu error 0x%04X, detail %u)", what,
		(unsigned)w->error, (unsigned)w->detail);
	w->last_error = w->error;
	w->error = 0;
	return -1;
}

struct pdf_writer *pdf_new(struct fonts *fonts, struct ng_err *err)
{
	struct pdf_writer *w = calloc(1, sizeof(*w));
	int i, fast;

	if (!w) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	w->fonts = fonts;
	fast = haru_fast_init();
	w->pdf = HPDF_NewEx(on_error, haru_mem_alloc_fn(fast), haru_mem_free_fn(fast), 0, w);
	if (!w->pdf) {
		ng_fail(err, NG_EINTERNAL, "cannot start the PDF library");
		goto fail;
	}
	HPDF_UseUTFEncodings(w->pdf);
	HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
	for (i = 0; i < fonts_count(fonts) && i < MAX_FACES; i++) {
		const struct font_face *f = fonts_face(fonts, i);

		if (fonts_base(fonts, i) != i) {
			w->font_name[i] = w->font_name[fonts_base(fonts, i)];
			continue;
		}
		w->font_name[i] = HPDF_LoadTTFontFromFile(w->pdf, f->cut, HPDF_TRUE);
		/* libharu keys fonts by name: a second cut of the same font would silently draw with the first. */
		for (int k = 0; w->font_name[i] && k < i; k++)
			if (w->font_name[k] && fonts_base(fonts, k) == k && !strcmp(w->font_name[k], w->font_name[i])) {
				ng_fail(err, NG_ECONFIG, "fonts '%s' and '%s' are the same font (%s); the PDF library "
					"loads a font once per run: use one section for both scripts", fonts_face(fonts, k)->id,
					f->id, w->font_name[i]);
				goto fail;
			}
		if (!w->font_name[i] || w->error) {
			ng_fail(err, NG_ECONFIG,
				"the PDF library cannot load font '%s' (error 0x%04X); use a TrueType font",
				f->src, (unsigned)w->error);
			goto fail;
		}
		if (fonts_hb(fonts, i) && haru_fast_glyph_codes(HPDF_GetFontDef(w->pdf, w->font_name[i]))) {
			ng_fail(err, NG_ECONFIG, "font '%s' (%s), cut for a shaped script, has more than %d glyphs "
				"or the PDF library is not version 2.3.0: narrow its keep = ranges", f->src, f->id,
				HARU_GLYPH_CODE_LAST - HARU_GLYPH_CODE_FIRST + 1);
			goto fail;
		}
	}
	return w;
fail:
	pdf_free(w);
	return NULL;
}

void pdf_free(struct pdf_writer *w)
{
	if (!w)
		return;
	for (int f = 0; w->pdf && f < fonts_count(w->fonts) && f < MAX_FACES; f++)
		if (w->font_name[f] && fonts_hb(w->fonts, f))
			haru_fast_glyph_codes_off(HPDF_GetFontDef(w->pdf, w->font_name[f]));
	if (w->pdf)
		HPDF_Free(w->pdf);
	for (int f = 0; f < MAX_FACES; f++) {
		for (int g = 0; w->comps[f] && g < 0x10000; g++)
			if (w->comps[f][g] != no_comps)
				free(w->comps[f][g]);
		free(w->comps[f]);
		free(w->flagged[f]);
		free(w->wcodes[f]);
		free(w->wtext[f]);
		free(w->tounicode[f]);
	}
	for (int i = 0; i < QR_KEPT; i++) {
		free(w->qr[i].payload);
		free(w->qr[i].ops);
	}
	free(w->buf);
	free(w->tbuf);
	memo_free(w->shaped);
	free(w->pages);
	free(w);
}

void pdf_wipe(struct pdf_writer *w)
{
	if (w->buf)
		explicit_bzero(w->buf, w->cap);
}

/* A CMap's entries go in sections of at most 100: before entry k of total, a section may begin; after it, end. */
static void section_begin(FILE *f, const char *kind, unsigned k, unsigned total)
{
	if (k % 100 == 0)
		fprintf(f, "%u begin%s\n", total - k < 100 ? total - k : 100, kind);
}

static void section_end(FILE *f, const char *kind, unsigned k, unsigned total)
{
	if ((k + 1) % 100 == 0 || k + 1 == total)
		fprintf(f, "end%s\n", kind);
}

/*
 * libharu 2.3.0 writes as a Type0 font's ToUnicode the encoder's CID CMap
 * (begincidrange), which maps no code to Unicode: readers warn about it,
 * and copy or search text only by guessing from the embedded font. This
 * is a real one. A code is its character's code point (the UTF-8 encoder),
 * so the map is the identity, in blocks of 256 codes: those where the
 * font has a character (a cut font has a few dozen). A shaped face's
 * glyph code (HARU_GLYPH_CODE_FIRST + glyph) maps to the one character the
 * font draws with that glyph, where there is one; conjuncts and reordered
 * forms have none, and their runs' /ActualText gives their text. The same
 * in every document, so it is compressed once a run.
 */
static int tounicode_cmap(struct pdf_writer *w, int face)
{
	FT_Face ft = fonts_ft(w->fonts, face);
	int shaped = fonts_hb(w->fonts, face) != NULL;
	unsigned code[HARU_GLYPH_CODE_LAST - HARU_GLYPH_CODE_FIRST + 1];   /* per glyph, its character */
	const unsigned ncodes = sizeof(code) / sizeof(*code);
	unsigned char block[256] = { 0 };
	unsigned hi, c, blocks = 0, glyphs = 0, k;
	int bad;
	char *b = NULL;
	size_t n = 0;
	FILE *f;
	FT_ULong cp;
	FT_UInt gid;

	/* The blocks with characters; for a shaped face, each glyph's character if it has one only. */
	memset(code, 0, sizeof(code));
	for (cp = FT_Get_First_Char(ft, &gid); gid; cp = FT_Get_Next_Char(ft, cp, &gid)) {
		if (cp > 0xFFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			continue;
		if (!shaped || cp < HARU_GLYPH_CODE_FIRST || cp > HARU_GLYPH_CODE_LAST)
			block[cp >> 8] = 1;
		if (shaped && gid < ncodes)
			code[gid] = code[gid] ? UINT32_MAX : (unsigned)cp;
	}
	for (hi = 0; hi < 256; hi++)
		blocks += block[hi];
	for (c = 0; c < ncodes; c++)
		glyphs += code[c] && code[c] != UINT32_MAX;
	if (!(f = open_memstream(&b, &n)))
		return -1;
	fputs("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
	      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
	      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
	      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n", f);
	for (hi = 0, k = 0; hi < 256; hi++) {
		if (!block[hi])
			continue;
		section_begin(f, "bfrange", k, blocks);
		fprintf(f, "<%02X00> <%02XFF> <%02X00>\n", hi, hi, hi);
		section_end(f, "bfrange", k++, blocks);
	}
	for (c = 0, k = 0; c < ncodes; c++) {
		if (!code[c] || code[c] == UINT32_MAX)
			continue;
		section_begin(f, "bfchar", k, glyphs);
		fprintf(f, "<%04X> <%04X>\n", HARU_GLYPH_CODE_FIRST + c, code[c]);
		section_end(f, "bfchar", k++, glyphs);
	}
	fputs("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n", f);
	/* A stream in memory fails only when out of memory, and says so at the end. */
	bad = ferror(f);
	bad |= fclose(f) != 0;
	if (bad) {
		free(b);
		return -1;
	}
	w->tounicode[face] = b;
	w->ntounicode[face] = n;
	return 0;
}

/* Gives font (face's, new in this document) the face's ToUnicode CMap in place of libharu's. */
static void fix_tounicode(struct pdf_writer *w, int face, HPDF_Font font)
{
	HPDF_FontAttr fa = font ? (HPDF_FontAttr)font->attr : NULL;
	HPDF_Dict cmap = fa ? fa->cmap_stream : NULL;
	static const char *const junk[] = { "Type", "CMapName", "CIDSystemInfo", "WMode" };
	HPDF_Stream s;

	if (!cmap || (!w->tounicode[face] && tounicode_cmap(w, face)))
		return;
	if (!(s = HPDF_MemStream_New(cmap->mmgr, HPDF_STREAM_BUF_SIZ)))
		return;
	/* A ToUnicode stream's dictionary holds its length and filter only. */
	for (unsigned i = 0; i < sizeof(junk) / sizeof(*junk); i++)
		HPDF_Dict_RemoveElement(cmap, junk[i]);
	HPDF_Stream_Free(cmap->stream);
	cmap->stream = s;
	HPDF_Stream_Write(s, (const HPDF_BYTE *)w->tounicode[face], (HPDF_UINT)w->ntounicode[face]);
}

static HPDF_Font font_for(struct pdf_writer *w, int face)
{
	face = fonts_base(w->fonts, face);
	if (!w->font[face]) {
		w->font[face] = HPDF_GetFont(w->pdf, w->font_name[face], "UTF-8");
		fix_tounicode(w, face, w->font[face]);
	}
	return w->font[face];
}

/* "a b c" and then tail, for three numbers from 0 to 999 (QR modules): printf is a third of the QR's cost. */
static const char *small_ints(char *buf, int a, int b, int c, const char *tail)
{
	const int v[3] = { a, b, c };
	char *p = buf;

	for (int i = 0; i < 3; i++) {
		int n = v[i] < 0 ? 0 : v[i] > 999 ? 999 : v[i];

		if (i)
			*p++ = ' ';
		if (n >= 100)
			*p++ = (char)('0' + n / 100);
		if (n >= 10)
			*p++ = (char)('0' + n / 10 % 10);
		*p++ = (char)('0' + n % 10);
	}
	strcpy(p, tail);
	return buf;
}

/*
 * A QR code as filled rectangles, one per horizontal run of dark modules:
 * crisp at any resolution, and a tenth of the rectangles of one per module.
 * The box includes the four-module quiet zone scanners need. The runs are
 * written in module units under one cm, as small integers: a third of the
 * bytes of page coordinates, and less to compress in every document.
 */
/*
 * A QR code's modules as rectangle operators, in module units (row r at
 * y = width - 1 - r). A night draws a few dozen distinct codes (the portal
 * in each language, registration, linking) on every document: each is
 * encoded once per run and kept here by its payload.
 */
static struct qr_ops *qr_ops(struct pdf_writer *w, const char *payload)
{
	struct qr_ops *q;
	QRcode *qr;
	FILE *fp;
	char op[64];
	size_t n;
	int i, r, c;

	for (i = 0; i < QR_KEPT; i++)
		if (w->qr[i].payload && !strcmp(w->qr[i].payload, payload))
			return &w->qr[i];
	qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	q = &w->qr[w->qr_next++ % QR_KEPT];
	free(q->payload);
	free(q->ops);
	q->payload = strdup(payload);
	q->ops = NULL;
	q->form = NULL;
	q->width = qr->width;
	fp = q->payload ? open_memstream(&q->ops, &n) : NULL;
	for (r = 0; fp && r < qr->width; r++) {
		const unsigned char *row = qr->data + r * qr->width;

		for (c = 0; c < qr->width;) {
			int start;

			if (!(row[c] & 1)) {
				c++;
				continue;
			}
			start = c;
			while (c < qr->width && (row[c] & 1))
				c++;
			fputs(small_ints(op, start, qr->width - 1 - r, c - start, " 1 re\n"), fp);
		}
	}
	QRcode_free(qr);
	if (!fp || fclose(fp) != 0) {
		free(q->payload);
		free(q->ops);
		q->payload = q->ops = NULL;
		return NULL;
	}
	return q;
}

/*
 * The code's Form XObject in this document, one module a unit. A code's
 * payload is the same on every document of a language (the portal's
 * address), so the form's stream is too: compressed once per run, not per
 * page, and stored once per print batch.
 */
static HPDF_Dict qr_form(struct pdf_writer *w, struct qr_ops *q)
{
	HPDF_Box box = { 0, 0, (HPDF_REAL)q->width, (HPDF_REAL)q->width };
	HPDF_Dict obj;

	if (q->doc == w->doc && q->form)
		return q->form;
	obj = HPDF_DictStream_New(w->pdf->mmgr, w->pdf->xref);
	if (!obj)
		return NULL;
	obj->header.obj_class |= HPDF_OSUBCLASS_XOBJECT;
	obj->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	if (HPDF_Dict_AddName(obj, "Type", "XObject") != HPDF_OK ||
	    HPDF_Dict_AddName(obj, "Subtype", "Form") != HPDF_OK ||
	    HPDF_Dict_Add(obj, "BBox", HPDF_Box_Array_New(w->pdf->mmgr, box)) != HPDF_OK ||
	    HPDF_Stream_WriteStr(obj->stream, q->ops) != HPDF_OK || HPDF_Stream_WriteStr(obj->stream, "f\n") != HPDF_OK)
		return NULL;
	q->form = obj;
	q->doc = w->doc;
	return obj;
}

static void draw_qr(struct pdf_writer *w, HPDF_Page page, const struct dl_item *it, const char *payload)
{
	struct qr_ops *q = qr_ops(w, payload);
	HPDF_Dict form = q ? qr_form(w, q) : NULL;
	float m;

	if (!form)
		return;
	m = it->w / (float)(q->width + 8);
	HPDF_Page_SetGrayFill(page, 0);
	HPDF_Page_GSave(page);
	HPDF_Page_Concat(page, m, 0, 0, m, it->x + 4 * m, it->y + it->h - 4 * m - q->width * m);
	HPDF_Page_ExecuteXObject(page, form);
	HPDF_Page_GRestore(page);
}


/*
 * libharu 2.3.0 embeds the glyphs drawn and their first-level components
 * only: a glyph built from a glyph built from others (accented letters,
 * Arabic letters with dots, some Han characters) loses parts, silently.
 * Before saving, flag every component of every used glyph, recursively.
 */
static void collect_components(FT_Face ft, uint16_t *list, unsigned *n, unsigned num, unsigned gid, int depth)
{
	FT_Int index, flags_ft, a1, a2;
	FT_Matrix m;
	FT_UInt k;

	if (depth > 8 || FT_Load_Glyph(ft, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE) != 0 ||
	    ft->glyph->format != FT_GLYPH_FORMAT_COMPOSITE)
		return;
	for (k = 0; k < ft->glyph->num_subglyphs; k++) {
		if (FT_Get_SubGlyph_Info(ft->glyph, k, &index, (FT_UInt *)&flags_ft, &a1, &a2, &m) != 0 ||
		    index < 0 || (unsigned)index >= num || *n >= 4096)
			continue;
		list[(*n)++] = (uint16_t)index;
		collect_components(ft, list, n, num, (unsigned)index, depth + 1);
		/* The recursion reloaded the slot: load this glyph again for the next component. */
		FT_Load_Glyph(ft, gid, FT_LOAD_NO_SCALE | FT_LOAD_NO_RECURSE);
	}
}

/* Flags the components of glyph gid of face, all levels down; asks FreeType once per glyph per run. */
static void flag_components(struct pdf_writer *w, int face, HPDF_BYTE *flags, unsigned num, unsigned gid)
{
	uint16_t **c = w->comps[face], list[4096];
	unsigned n = 0;

	if (gid >= 0x10000)
		return;
	if (!c && !(c = w->comps[face] = calloc(0x10000, sizeof(*c))))
		return;
	if (!c[gid]) {
		collect_components(fonts_ft(w->fonts, face), list, &n, num, gid, 0);
		if (n == 0 || !(c[gid] = malloc((n + 1) * sizeof(uint16_t)))) {
			c[gid] = (uint16_t *)no_comps;
		} else {
			c[gid][0] = (uint16_t)n;
			memcpy(c[gid] + 1, list, n * sizeof(uint16_t));
		}
	}
	for (unsigned k = 1; k <= c[gid][0]; k++)
		flags[c[gid][k]] = 1;
}

/*
 * libharu marks the glyphs a document uses in the font definition, which
 * outlives the document: left alone, every document would embed the glyphs
 * of all those before it, and its bytes would depend on what came first
 * (a resumed run or a second worker would write other files). Start each
 * document from the glyph .notdef and the face's always_embed characters.
 */
static void forget_glyphs(struct pdf_writer *w)
{
	const uint32_t *always;
	unsigned n;
	int f;

	for (f = 0; f < fonts_count(w->fonts) && f < MAX_FACES; f++) {
		HPDF_FontDef def;
		HPDF_TTFontDefAttr ta;

		if (fonts_base(w->fonts, f) != f || !w->font_name[f])
			continue;
		def = HPDF_GetFontDef(w->pdf, w->font_name[f]);
		if (!def || def->type != HPDF_FONTDEF_TYPE_TRUETYPE)
			continue;
		ta = (HPDF_TTFontDefAttr)def->attr;
		memset(ta->glyph_tbl.flgs, 0, ta->num_glyphs);
		ta->glyph_tbl.flgs[0] = 1;
		always = fonts_always(w->fonts, f, &n);
		for (unsigned i = 0; i < n; i++) {
			HPDF_UINT16 g = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)always[i]);

			if (g < ta->num_glyphs)
				ta->glyph_tbl.flgs[g] = 1;
		}
	}
}

/* Face f's codes with a glyph whose width is not the font's default, once per writer. */
static int face_wcodes(struct pdf_writer *w, int f, HPDF_FontDef def)
{
	HPDF_TTFontDefAttr ta = (HPDF_TTFontDefAttr)def->attr;
	struct wcode *v;
	unsigned n = 0;

	if (w->wcodes[f])
		return 0;
	if (!(v = malloc(0x10000 * sizeof(*v))))
		return -1;
	for (unsigned c = 0; c < 0x10000; c++) {
		HPDF_UINT16 g = HPDF_TTFontDef_GetGlyphid(def, (HPDF_UINT16)c);
		HPDF_INT16 gw;

		if (g == 0 || g >= ta->num_glyphs || (gw = HPDF_TTFontDef_GetGidWidth(def, g)) == def->missing_width)
			continue;
		v[n++] = (struct wcode){ (uint16_t)c, g, gw };
	}
	w->wcodes[f] = realloc(v, (n ? n : 1) * sizeof(*v));
	if (!w->wcodes[f])
		w->wcodes[f] = v;
	w->nwcodes[f] = n;
	return 0;
}

/*
 * The W array as libharu writes it ("[ 32 [ 260 ] 44 [ 268 322 ] ]"),
 * into w->wtext[f]: in a Bengali or Korean document, hundreds of numbers
 * that were each an object to make, write and free. 0 if out of memory.
 */
static size_t widths_text(struct pdf_writer *w, int f, const HPDF_BYTE *flags)
{
	size_t n = 0, need = 4 + (size_t)w->nwcodes[f] * 20;   /* "65535 [ -32768 ] " at most */
	long prev = -2;
	char *t;

	if (need > w->wcap[f]) {
		if (!(t = realloc(w->wtext[f], need)))
			return 0;
		w->wtext[f] = t;
		w->wcap[f] = need;
	}
	t = w->wtext[f];
	t[n++] = '[', t[n++] = ' ';
	for (unsigned i = 0; i < w->nwcodes[f]; i++) {
		const struct wcode *e = &w->wcodes[f][i];

		if (!flags[e->gid])
			continue;
		if (e->code != prev + 1) {
			if (prev >= 0)
				t[n++] = ']', t[n++] = ' ';
			n += (size_t)pdf_num(t + n, e->code);   /* integers below 2^24: exact */
			t[n++] = ' ', t[n++] = '[', t[n++] = ' ';
		}
		n += (size_t)pdf_num(t + n, e->width);
		t[n++] = ' ';
		prev = e->code;
	}
	if (prev >= 0)
		t[n++] = ']', t[n++] = ' ';
	t[n++] = ']';
	return n;
}

/*
 * The font's W array lists only the glyphs the document embeds. libharu
 * lists every code of the font: for the Latin face, 4.8 KB in every
 * document, more than its text. A function of the glyph flags alone, so
 * documents that embed the same font program have the same W too (and
 * share both in a print batch).
 *
 * As text where the faster internals are on (widths_text); as libharu's
 * objects, one per number, where they are off.
 */
static int trim_widths(struct pdf_writer *w, int f, HPDF_FontAttr fa)
{
	const HPDF_BYTE *flags = ((HPDF_TTFontDefAttr)fa->fontdef->attr)->glyph_tbl.flgs;
	HPDF_Array W = HPDF_Dict_GetItem(fa->descendant_font, "W", HPDF_OCLASS_ARRAY), run = NULL;
	HPDF_STATUS ret = HPDF_OK;
	long prev = -2;
	size_t n;

	if (!W || face_wcodes(w, f, fa->fontdef))
		return -1;
	if ((n = widths_text(w, f, flags)) && haru_fast_array_text(W, w->wtext[f], n) == 0)
		return 0;
	HPDF_Array_Clear(W);
	for (unsigned i = 0; i < w->nwcodes[f] && ret == HPDF_OK; i++) {
		const struct wcode *e = &w->wcodes[f][i];

		if (!flags[e->gid])
			continue;
		if (e->code != prev + 1) {
			ret |= HPDF_Array_AddNumber(W, e->code);
			if (!(run = HPDF_Array_New(W->mmgr)) || HPDF_Array_Add(W, run) != HPDF_OK)
				return -1;
		}
		ret |= HPDF_Array_AddNumber(run, e->width);
		prev = e->code;
	}
	return ret == HPDF_OK ? 0 : -1;
}

static int complete_glyphs(struct pdf_writer *w)
{
	int f;

	for (f = 0; f < fonts_count(w->fonts) && f < MAX_FACES; f++) {
		HPDF_FontAttr fa;
		HPDF_TTFontDefAttr ta;
		unsigned g;

		if (!w->font[f])
			continue;
		fa = (HPDF_FontAttr)w->font[f]->attr;
		if (!fa || !fa->fontdef || fa->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
			continue;
		ta = (HPDF_TTFontDefAttr)fa->fontdef->attr;
		for (g = 0; g < ta->num_glyphs; g++)
			if (ta->glyph_tbl.flgs[g])
				flag_components(w, f, ta->glyph_tbl.flgs, ta->num_glyphs, g);
		if (trim_widths(w, f, fa))
			return -1;
	}
	return 0;
}

/*
 * Text runs in a row on a page share one text object, and the fill, font
 * and rendering mode are set only when they change: a page is mostly
 * text runs, and each had cost a BT, g, Tf, Td, Tj, ET of its own.
 */
static void text_close(struct pdf_writer *w)
{
	if (!w->tpage)
		return;
	if (w->tmode != HPDF_FILL)
		HPDF_Page_SetTextRenderingMode(w->tpage, HPDF_FILL);
	HPDF_Page_EndText(w->tpage);
	w->tpage = NULL;
}

/* font's name in page's resources, once libharu has put it there; NULL before. */
static const char *page_font(struct pdf_writer *w, HPDF_Page page, HPDF_Font font)
{
	if (w->fpage != page) {
		w->fpage = page;
		w->nffont = 0;
	}
	for (int i = 0; i < w->nffont; i++)
		if (w->ffont[i] == font)
			return w->fname[i];
	return NULL;
}

/*
 * Sets the font and size as HPDF_Page_SetFontAndSize does: libharu the
 * first time on a page (it adds the font to the page's resources), then
 * the operator written here, with libharu's state kept the same. A
 * bilingual page changes font at every name, amount and date.
 */
static void set_font(struct pdf_writer *w, HPDF_Page page, HPDF_Font font, float size)
{
	const char *name = page_font(w, page, font);
	HPDF_PageAttr pa = (HPDF_PageAttr)page->attr;
	char buf[HPDF_LIMIT_MAX_NAME_LEN + 40];
	size_t n;

	if (!name || strlen(name) > HPDF_LIMIT_MAX_NAME_LEN) {
		HPDF_Page_SetFontAndSize(page, font, size);
		if (w->nffont < MAX_PAGE_FONTS && (name = HPDF_Page_GetLocalFontName(page, font))) {
			w->ffont[w->nffont] = font;
			w->fname[w->nffont++] = name;
		}
		return;
	}
	n = (size_t)sprintf(buf, "/%s ", name);
	n += (size_t)pdf_num(buf + n, size);
	memcpy(buf + n, " Tf\n", 4);
	HPDF_Stream_Write(pa->stream, (const HPDF_BYTE *)buf, (HPDF_UINT)(n + 4));
	pa->gstate->font = font;
	pa->gstate->font_size = size;
	pa->gstate->writing_mode = ((HPDF_FontAttr)font->attr)->writing_mode;
}

/* Opens (or continues) the page's text object with the item's gray, font, size and rendering mode. */
static void text_state(struct pdf_writer *w, HPDF_Page page, const struct dl_item *it, HPDF_Font font, int mode)
{
	if (w->tpage != page) {
		text_close(w);
		HPDF_Page_SetGrayFill(page, it->gray);
		HPDF_Page_BeginText(page);
		w->tpage = page;
		w->tfont = NULL;
		w->tgray = it->gray;
		w->tmode = HPDF_FILL;
		w->tstroke = 0;
	} else if (it->gray != w->tgray) {
		HPDF_Page_SetGrayFill(page, it->gray);
		w->tgray = it->gray;
	}
	if (mode == HPDF_FILL_THEN_STROKE) {
		/* Stroking the glyphs' outlines as well as filling them thickens them (set once per text object). */
		float lw = it->size * 0.035f;

		if (!w->tstroke || w->tstroke_gray != it->gray)
			HPDF_Page_SetGrayStroke(page, it->gray);
		if (!w->tstroke || w->tline_w != lw)
			HPDF_Page_SetLineWidth(page, lw);
		w->tstroke = 1;
		w->tstroke_gray = it->gray;
		w->tline_w = lw;
	}
	if (mode != w->tmode) {
		HPDF_Page_SetTextRenderingMode(page, (HPDF_TextRenderingMode)mode);
		w->tmode = mode;
	}
	if (font != w->tfont || it->size != w->tsize) {
		set_font(w, page, font, it->size);
		w->tfont = font;
		w->tsize = it->size;
	}
}

static void text_byte(char *out, size_t *n, unsigned char b)
{
	switch (b) {
	case '(': case ')': case '\\':
		out[(*n)++] = '\\', out[(*n)++] = (char)b;
		break;
	case '\r':
		out[(*n)++] = '\\', out[(*n)++] = 'r';
		break;
	case '\n':
		out[(*n)++] = '\\', out[(*n)++] = 'n';
		break;
	default:
		out[(*n)++] = (char)b;
	}
}

/* Room for n bytes in the writer's text buffer; 0 if out of memory. */
static int tbuf_room(struct pdf_writer *w, size_t n)
{
	char *b;

	if (n <= w->tcap)
		return 1;
	if (!(b = realloc(w->tbuf, 2 * n)))
		return 0;
	w->tbuf = b;
	w->tcap = 2 * n;
	return 1;
}

/* face's bitmap of the codes whose glyphs this document has flagged (a bit each); NULL if out of memory. */
static uint8_t *flagged_map(struct pdf_writer *w, int face)
{
	if (!w->flagged[face] && !(w->flagged[face] = malloc(0x10000 / 8)))
		return NULL;
	if (w->flagged_doc[face] != w->doc) {
		memset(w->flagged[face], 0, 0x10000 / 8);
		w->flagged_doc[face] = w->doc;
	}
	return w->flagged[face];
}

/* Flags code's glyph for the subset once per document, not once per use. */
static void flag_code(uint8_t *flagged, HPDF_FontDef def, uint16_t code)
{
	if (!(flagged[code >> 3] & (1u << (code & 7)))) {
		flagged[code >> 3] |= (uint8_t)(1u << (code & 7));
		HPDF_TTFontDef_GetCharWidth(def, code);
	}
}

/*
 * Shows s at (x, y) as libharu's ShowText would for a Type0 font with the
 * UTF-8 encoder (each character a 2-byte CID, its code point; its glyph
 * flagged for the subset), but as a binary string: half the bytes of
 * libharu's hex, and no width computed. -1 (nothing written) for text
 * outside the Basic Multilingual Plane, left to libharu.
 */
static int show_text(struct pdf_writer *w, HPDF_Page page, HPDF_Font font, int face, float x, float y,
		     const char *s)
{
	HPDF_FontAttr fa = (HPDF_FontAttr)font->attr;
	const char *p = s, *end = s + strlen(s);
	size_t n = 0, need = 64 + 4 * (size_t)(end - s);
	uint8_t *flagged;

	if (fa->type != HPDF_FONT_TYPE0_TT || !fa->fontdef || fa->fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE)
		return -1;
	if (!tbuf_room(w, need) || !(flagged = flagged_map(w, face)))
		return -1;
	memcpy(w->tbuf, "1 0 0 1 ", 8);
	n = 8 + (size_t)pdf_num(w->tbuf + 8, x);
	w->tbuf[n++] = ' ';
	n += (size_t)pdf_num(w->tbuf + n, y);
	memcpy(w->tbuf + n, " Tm\n(", 5);
	n += 5;
	/* Each character's glyph flagged for the subset once per document, not once per use. */
	while (p < end) {
		uint32_t cp = utf8_next(&p, end);

		if (cp == 0 || cp > 0xFFFF)
			return -1;
		text_byte(w->tbuf, &n, (unsigned char)(cp >> 8));
		text_byte(w->tbuf, &n, (unsigned char)cp);
		flag_code(flagged, fa->fontdef, (uint16_t)cp);
	}
	memcpy(w->tbuf + n, ") Tj\n", 5);
	n += 5;
	HPDF_Stream_Write(((HPDF_PageAttr)page->attr)->stream, (const HPDF_BYTE *)w->tbuf, (HPDF_UINT)n);
	return 0;
}

/* s as the UTF-16BE string of an /ActualText (binary, as show_text writes), at w->tbuf + *n (room checked by the caller). */
static void actual_text(struct pdf_writer *w, size_t *n, const char *s)
{
	const char *p = s, *end = s + strlen(s);

	memcpy(w->tbuf + *n, "(\xFE\xFF", 3);
	*n += 3;
	while (p < end) {
		uint32_t cp = utf8_next(&p, end), unit[2] = { cp, 0 };
		int k = 1;

		if (cp > 0xFFFF && cp <= 0x10FFFF) {
			unit[0] = 0xD800 + ((cp - 0x10000) >> 10);
			unit[1] = 0xDC00 + ((cp - 0x10000) & 0x3FF);
			k = 2;
		}
		for (int u = 0; u < k; u++) {
			text_byte(w->tbuf, n, (unsigned char)(unit[u] >> 8));
			text_byte(w->tbuf, n, (unsigned char)unit[u]);
		}
	}
	w->tbuf[(*n)++] = ')';
}

/*
 * A complex-script run (Bengali): shaped by HarfBuzz into glyphs no
 * character maps to (conjuncts, reordered vowel signs), drawn as text in
 * the embedded font all the same, each glyph by its glyph code (see
 * haru_fast_glyph_codes), in one TJ array whose numbers put each glyph
 * where shaping placed it (a text rise for marks set above or below).
 * The run's /ActualText is the text itself, so it is searched and copied
 * as Bengali, not as the glyph codes.
 *
 * What a run draws does not depend on where (its Tm is written apart),
 * and the same labels come back in every document: the operators are
 * made once per run of the program and kept (struct shaped_ops), with the
 * glyph codes to flag for the subset.
 */
struct shaped_ops {
	size_t nspan, nbody;            /* "/Span <<...>> BDC\n", then "[...] TJ\n...EMC\n" */
	unsigned ncodes;                /* glyph codes drawn, each once */
	/* then the span, the body and the codes (uint16_t) */
};

#define SHAPED_OPS_SLOTS 8192           /* runs kept (a power of two) */

/* Appends a literal to the text buffer at *n. */
#define TPUT(w, n, lit) (memcpy((w)->tbuf + *(n), lit, sizeof(lit) - 1), *(n) += sizeof(lit) - 1)

/* The TJ array of run at size, then EMC, at w->tbuf + *n; its glyph codes at codes (each once); returns their count. */
static unsigned shaped_body(struct pdf_writer *w, const struct shaped_run *run, int face, float size,
			    size_t *n, uint16_t *codes)
{
	double upem = fonts_upem(w->fonts, face);
	double k = 1000.0 / upem;                              /* font units to thousandths of the size */
	HPDF_FontDef def = ((HPDF_FontAttr)font_for(w, face)->attr)->fontdef;
	double pos = 0, rise = 0;
	long pen = 0;
	unsigned ncodes = 0;
	int open = 0;                                          /* a string is open in the array */

	w->tbuf[(*n)++] = '[';
	for (unsigned i = 0; i < run->n; i++) {
		unsigned code = HARU_GLYPH_CODE_FIRST + run->gid[i];
		double at = (pen + run->x_off[i]) * k, y = run->y_off[i] * size / upem;
		unsigned c;

		pen += run->x_adv[i];
		if (code > HARU_GLYPH_CODE_LAST)
			continue;
		if (y != rise) {
			if (open)
				w->tbuf[(*n)++] = ')';
			TPUT(w, n, "] TJ\n");
			*n += (size_t)pdf_num(w->tbuf + *n, (float)y);
			TPUT(w, n, " Ts\n[");
			open = 0;
			rise = y;
		}
		if (at - pos > 0.0005 || pos - at > 0.0005) {
			if (open)
				w->tbuf[(*n)++] = ')';
			*n += (size_t)pdf_num(w->tbuf + *n, (float)(pos - at));
			open = 0;
		}
		if (!open)
			w->tbuf[(*n)++] = '(';
		open = 1;
		text_byte(w->tbuf, n, (unsigned char)(code >> 8));
		text_byte(w->tbuf, n, (unsigned char)code);
		pos = at + HPDF_TTFontDef_GetCharWidth(def, (HPDF_UINT16)code);   /* flags the glyph too */
		for (c = 0; c < ncodes && codes[c] != code; c++)
			;
		if (c == ncodes)
			codes[ncodes++] = (uint16_t)code;
	}
	if (open)
		w->tbuf[(*n)++] = ')';
	TPUT(w, n, "] TJ\n");
	if (rise != 0)
		TPUT(w, n, "0 Ts\n");
	TPUT(w, n, "EMC\n");
	return ncodes;
}

/* The operators of s (it's face and size) shaped, kept for the run; NULL if out of memory. */
static const struct shaped_ops *shaped_ops(struct pdf_writer *w, const struct dl_item *it, const char *s)
{
	size_t klen = sizeof(it->size) + it->len, n = 0, nspan;
	const struct shaped_run *run = fonts_shape(w->fonts, it->face, s, it->len);
	struct shaped_ops *ops;
	uint16_t *codes;
	unsigned ncodes;
	char *key;

	if (!run || (!w->shaped && !(w->shaped = memo_new(SHAPED_OPS_SLOTS))) ||
	    !tbuf_room(w, sizeof(it->size) + it->len + 64 + 12 * it->len + 80 * (size_t)run->n) ||
	    !(key = malloc(klen)))
		return NULL;
	memcpy(key, &it->size, sizeof(it->size));
	memcpy(key + sizeof(it->size), s, it->len);
	if ((ops = memo_get(w->shaped, it->face, key, klen, NULL))) {
		free(key);
		return ops;
	}
	codes = malloc((run->n ? run->n : 1) * sizeof(*codes));
	if (codes) {
		TPUT(w, &n, "/Span <</ActualText ");
		actual_text(w, &n, s);
		TPUT(w, &n, ">> BDC\n");
		nspan = n;
		ncodes = shaped_body(w, run, it->face, it->size, &n, codes);
		ops = memo_put(w->shaped, it->face, key, klen, NULL, sizeof(*ops) + n + ncodes * sizeof(*codes));
		if (ops) {
			ops->nspan = nspan;
			ops->nbody = n - nspan;
			ops->ncodes = ncodes;
			memcpy(ops + 1, w->tbuf, n);
			memcpy((char *)(ops + 1) + n, codes, ncodes * sizeof(*codes));
		}
	}
	free(codes);
	free(key);
	return ops;
}

static void draw_shaped(struct pdf_writer *w, HPDF_Page page, const struct dl_item *it, const char *s)
{
	const struct shaped_ops *ops = shaped_ops(w, it, s);
	HPDF_Font font = font_for(w, it->face);
	HPDF_FontDef def = ((HPDF_FontAttr)font->attr)->fontdef;
	HPDF_Stream out = ((HPDF_PageAttr)page->attr)->stream;
	const char *span = (const char *)(ops + 1);
	uint8_t *flagged = flagged_map(w, fonts_base(w->fonts, it->face));
	uint16_t code;
	size_t n = 0;

	if (!ops || !flagged || !tbuf_room(w, 64))
		return;
	/* In the page's text object, as other text (marked content may nest inside one), bold alike. */
	text_state(w, page, it, font, fonts_face(w->fonts, it->face)->synthetic_bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL);
	TPUT(w, &n, "1 0 0 1 ");
	n += (size_t)pdf_num(w->tbuf + n, it->x);
	w->tbuf[n++] = ' ';
	n += (size_t)pdf_num(w->tbuf + n, it->y);
	TPUT(w, &n, " Tm\n");
	HPDF_Stream_Write(out, (const HPDF_BYTE *)span, (HPDF_UINT)ops->nspan);
	HPDF_Stream_Write(out, (const HPDF_BYTE *)w->tbuf, (HPDF_UINT)n);
	HPDF_Stream_Write(out, (const HPDF_BYTE *)span + ops->nspan, (HPDF_UINT)ops->nbody);
	/* Each glyph flagged for the subset, as drawing it had: the same glyphs as the first time. */
	for (unsigned i = 0; i < ops->ncodes; i++) {
		memcpy(&code, span + ops->nspan + ops->nbody + i * sizeof(code), sizeof(code));
		flag_code(flagged, def, code);
	}
}

static void draw_text(struct pdf_writer *w, HPDF_Page page, const struct dlist *dl, const struct dl_item *it)
{
	int bold = fonts_face(w->fonts, it->face)->synthetic_bold;
	int mode = (it->flags & DL_INVISIBLE) ? HPDF_INVISIBLE : bold ? HPDF_FILL_THEN_STROKE : HPDF_FILL;
	HPDF_Font font = font_for(w, it->face);
	const char *s = dl_str(dl, it);

	if (!*s)
		return;
	text_state(w, page, it, font, mode);
	if (show_text(w, page, font, fonts_base(w->fonts, it->face), it->x, it->y, s)) {
		HPDF_Page_SetTextMatrix(page, 1, 0, 0, 1, it->x, it->y);
		HPDF_Page_ShowText(page, s);
	}
}

static void draw_item(struct pdf_writer *w, HPDF_Page page, const struct dlist *dl,
		      const struct dl_item *it)
{
	static const HPDF_UINT16 dash[] = { 3 };

	if (it->kind == DL_TEXT) {
		draw_text(w, page, dl, it);
		return;
	}
	if (it->kind == DL_SHAPED) {
		draw_shaped(w, page, it, dl_str(dl, it));
		return;
	}
	text_close(w);
	switch ((enum dl_kind)it->kind) {
	case DL_TEXT:
	case DL_SHAPED:
		break;
	case DL_RECT:
		if (it->flags & DL_FILL)
			HPDF_Page_SetGrayFill(page, it->gray);
		if (it->flags & DL_STROKE)
			HPDF_Page_SetLineWidth(page, it->size);
		HPDF_Page_Rectangle(page, it->x, it->y, it->w, it->h);
		if ((it->flags & DL_FILL) && (it->flags & DL_STROKE))
			HPDF_Page_FillStroke(page);
		else if (it->flags & DL_FILL)
			HPDF_Page_Fill(page);
		else
			HPDF_Page_Stroke(page);
		break;
	case DL_LINE:
		HPDF_Page_SetLineWidth(page, it->size);
		if (it->flags & DL_DASHED)
			HPDF_Page_SetDash(page, dash, 1, 0);
		HPDF_Page_MoveTo(page, it->x, it->y);
		HPDF_Page_LineTo(page, it->w, it->h);
		HPDF_Page_Stroke(page);
		if (it->flags & DL_DASHED)
			HPDF_Page_SetDash(page, NULL, 0, 0);
		break;
	case DL_QR:
		draw_qr(w, page, it, dl_str(dl, it));
		break;
	}
}

/* Copies the saved document out of libharu's stream into the writer's buffer. */
static int take_bytes(struct pdf_writer *w, struct ng_err *err)
{
	HPDF_UINT32 size;

	if (HPDF_SaveToStream(w->pdf) != HPDF_OK)
		return harufail(w, "to save a document", err);
	size = HPDF_GetStreamSize(w->pdf);
	if (size > w->cap) {
		unsigned char *p = realloc(w->buf, size);

		if (!p)
			return ng_fail(err, NG_EINTERNAL, "out of memory");
		w->buf = p;
		w->cap = size;
	}
	HPDF_ResetStream(w->pdf);
	/* Reading to the very end reports HPDF_STREAM_EOF as an error: not one for us. */
	if (HPDF_ReadFromStream(w->pdf, w->buf, &size) != HPDF_OK && w->error != HPDF_STREAM_EOF &&
	    w->error)
		return harufail(w, "to read back a document", err);
	HPDF_ResetError(w->pdf);
	w->error = 0;
	w->cap = w->cap > size ? w->cap : size;
	return (int)size;
}

/*
 * One more glyph, drawn invisible, in every font the document uses: the
 * pad-th character (a space of some width where the font has one) that the
 * font covers. Changes the size of each embedded font program.
 */
static void pad_fonts(struct pdf_writer *w, HPDF_Page page, int pad)
{
	static const uint32_t spaces[] = { 0x2009, 0x2007, 0x2002, 0x200A, 0x3000, 0x00A0 };
	int f;

	for (f = 0; f < fonts_count(w->fonts) && f < MAX_FACES; f++) {
		FT_Face ft = fonts_ft(w->fonts, f);
		FT_ULong cp = 0;
		FT_UInt gid;
		char utf8[8];
		int k = 0, i;

		if (!w->font[f])
			continue;
		/* Spaces first (nothing to see, a blank when extracted), then the font's own characters. */
		for (i = 0; i < (int)(sizeof(spaces) / sizeof(*spaces)) && k < pad; i++)
			if (FT_Get_Char_Index(ft, spaces[i]) && ++k == pad)
				cp = spaces[i];
		for (cp = k == pad ? cp : FT_Get_First_Char(ft, &gid); k < pad && gid; cp = FT_Get_Next_Char(ft, cp, &gid))
			if (cp > 0x20 && ++k == pad)
				break;
		if (cp > 0xFFFF || cp < 0x20)
			continue;
		if (cp < 0x80) {
			utf8[0] = (char)cp, utf8[1] = 0;
		} else if (cp < 0x800) {
			utf8[0] = (char)(0xC0 | cp >> 6), utf8[1] = (char)(0x80 | (cp & 0x3F)), utf8[2] = 0;
		} else {
			utf8[0] = (char)(0xE0 | cp >> 12), utf8[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			utf8[2] = (char)(0x80 | (cp & 0x3F)), utf8[3] = 0;
		}
		HPDF_Page_BeginText(page);
		HPDF_Page_SetTextRenderingMode(page, HPDF_INVISIBLE);
		HPDF_Page_SetFontAndSize(page, w->font[f], 1);
		HPDF_Page_TextOut(page, 1, 1, utf8);
		HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
		HPDF_Page_EndText(page);
	}
}

/* A new document on the writer's handle: fonts stay loaded, everything else starts afresh. */
static void begin_doc(struct pdf_writer *w, const struct pdf_meta *meta)
{
	w->error = 0;
	w->doc++;
	HPDF_ResetError(w->pdf);
	HPDF_NewDoc(w->pdf);
	w->tpage = NULL;
	w->fpage = NULL;                /* a new document's page may take an old one's address */
	forget_glyphs(w);
	HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
	HPDF_SetCompressionMode(w->pdf, HPDF_COMP_ALL);
	memset(w->font, 0, sizeof(w->font));
	if (meta) {
		HPDF_Date d = { 0 };

		HPDF_SetInfoAttr(w->pdf, HPDF_INFO_PRODUCER, "noticegen");
		if (meta->title)
			HPDF_SetInfoAttr(w->pdf, HPDF_INFO_TITLE, meta->title);
		if (meta->date && sscanf(meta->date, "%4d-%2d-%2d", &d.year, &d.month, &d.day) == 3) {
			d.ind = '+';
			HPDF_SetInfoDateAttr(w->pdf, HPDF_INFO_CREATION_DATE, d);
		}
	}
}

/*
 * Adds dl's pages to the document, then draws dl on them. Pages first:
 * builders may add to an earlier page later (footers, a summary).
 */
static int draw_pages(struct pdf_writer *w, const struct dlist *dl, const char *mark, struct ng_err *err)
{
	size_t i;
	int p;

	if (dl->oom)
		return ng_fail(err, NG_EINTERNAL, "out of memory laying out a document");
	if (dl->npages > w->npages_cap) {
		HPDF_Page *pp = realloc(w->pages, (size_t)dl->npages * sizeof(*pp));

		if (!pp)
			return ng_fail(err, NG_EINTERNAL, "out of memory");
		w->pages = pp;
		w->npages_cap = dl->npages;
	}
	for (p = 0; p < dl->npages; p++) {
		w->pages[p] = HPDF_AddPage(w->pdf);
		HPDF_Page_SetWidth(w->pages[p], dl->page_w);
		HPDF_Page_SetHeight(w->pages[p], dl->page_h);
	}
	/* In the page's content, not the document's dictionary: a print batch copies pages only. */
	if (mark && dl->npages > 0) {
		HPDF_Stream s = ((HPDF_PageAttr)w->pages[0]->attr)->stream;

		HPDF_Stream_WriteStr(s, "% ");
		HPDF_Stream_WriteStr(s, mark);
		HPDF_Stream_WriteStr(s, "\n");
	}
	for (i = 0; i < dl->n; i++)
		if (dl->item[i].page < dl->npages)
			draw_item(w, w->pages[dl->item[i].page], dl, &dl->item[i]);
	text_close(w);
	return w->error ? harufail(w, "to draw a page", err) : 0;
}

/* 1 if libharu's save would fail on one of the document's font programs (see pdf_render). */
static int save_fails(struct pdf_writer *w)
{
	for (int f = 0; f < fonts_count(w->fonts) && f < MAX_FACES; f++) {
		HPDF_FontAttr fa = w->font[f] ? (HPDF_FontAttr)w->font[f]->attr : NULL;

		if (fa && fa->fontdef && haru_fast_save_fails(fa->fontdef))
			return 1;
	}
	return 0;
}

/* Saves the document into the writer's buffer; pad: invisible glyphs per font (see pdf_render). */
static int save_doc(struct pdf_writer *w, int pad, const unsigned char **buf, size_t *len, struct ng_err *err)
{
	HPDF_Page last = HPDF_GetCurrentPage(w->pdf);
	int size;

	if (pad > 0 && last)
		pad_fonts(w, last, pad);
	if (complete_glyphs(w)) {
		w->error = HPDF_FAILD_TO_ALLOC_MEM;
		return harufail(w, "to list a font's glyph widths", err);
	}
	if (save_fails(w)) {
		w->error = HPDF_INVALID_OBJECT;
		return harufail(w, "to save a document (its font program)", err);
	}
	size = take_bytes(w, err);
	if (size < 0)
		return -1;
	*buf = w->buf;
	*len = (size_t)size;
	return 0;
}

static int render_once(struct pdf_writer *w, const struct dlist *dl, const struct pdf_meta *meta,
		       int pad, const unsigned char **buf, size_t *len, struct ng_err *err)
{
	begin_doc(w, meta);
	return draw_pages(w, dl, meta ? meta->mark : NULL, err) || save_doc(w, pad, buf, len, err) ? -1 : 0;
}

/*
 * Debian's libharu 2.3.0 fails to save (HPDF_INVALID_OBJECT) a few
 * documents in a hundred, depending on which glyphs of an embedded font
 * they use (the size of the font program it writes; take any one text run
 * away and the document saves). The same document with one more invisible
 * glyph per font saves and looks the same. Retrying so keeps the output
 * deterministic: a given document always takes the same path.
 */
int pdf_render(struct pdf_writer *w, const struct dlist *dl, const struct pdf_meta *meta,
	       const unsigned char **buf, size_t *len, struct ng_err *err)
{
	int pad, rc = -1;

	for (pad = 0; pad < 6; pad++) {
		w->last_error = 0;
		rc = render_once(w, dl, meta, pad, buf, len, err);
		if (rc == 0 || w->last_error != HPDF_INVALID_OBJECT)
			break;
	}
	return rc;
}

