#include "pdf.h"

#include <hpdf.h>
#include <qrencode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FACES 32

struct pdf_writer {
	HPDF_Doc pdf;
	struct fonts *fonts;
	const char *font_name[MAX_FACES];   /* libharu's names of the loaded faces */
	HPDF_Font font[MAX_FACES];          /* this document's font objects, made on first use */
	HPDF_STATUS error, detail;          /* the last error libharu reported */
	HPDF_STATUS last_error;             /* the error of the last failed render */
	unsigned char *buf;
	size_t cap;
	HPDF_Page *pages;
	int npages_cap;
};

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
	int i;

	if (!w) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	w->fonts = fonts;
	w->pdf = HPDF_New(on_error, w);
	if (!w->pdf) {
		ng_fail(err, NG_EINTERNAL, "cannot start the PDF library");
		goto fail;
	}
	HPDF_UseUTFEncodings(w->pdf);
	HPDF_SetCurrentEncoder(w->pdf, "UTF-8");
	for (i = 0; i < fonts_count(fonts) && i < MAX_FACES; i++) {
		const struct font_face *f = fonts_face(fonts, i);

		w->font_name[i] = HPDF_LoadTTFontFromFile(w->pdf, f->cut, HPDF_TRUE);
		if (!w->font_name[i] || w->error) {
			ng_fail(err, NG_ECONFIG,
				"the PDF library cannot load font '%s' (error 0x%04X); use a TrueType font",
				f->src, (unsigned)w->error);
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
	if (w->pdf)
		HPDF_Free(w->pdf);
	free(w->buf);
	free(w->pages);
	free(w);
}

void pdf_wipe(struct pdf_writer *w)
{
	if (w->buf)
		explicit_bzero(w->buf, w->cap);
}

static HPDF_Font font_for(struct pdf_writer *w, int face)
{
	if (!w->font[face])
		w->font[face] = HPDF_GetFont(w->pdf, w->font_name[face], "UTF-8");
	return w->font[face];
}

/*
 * A QR code as filled rectangles, one per horizontal run of dark modules:
 * crisp at any resolution, and a tenth of the rectangles of one per module.
 * The box includes the four-module quiet zone scanners need.
 */
static void draw_qr(HPDF_Page page, const struct dl_item *it, const char *payload)
{
	QRcode *qr = QRcode_encodeString(payload, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	float m, x0, y0;
	int r, c;

	if (!qr)
		return;
	m = it->w / (float)(qr->width + 8);
	x0 = it->x + 4 * m;
	y0 = it->y + it->h - 4 * m;
	HPDF_Page_SetGrayFill(page, 0);
	for (r = 0; r < qr->width; r++) {
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
			HPDF_Page_Rectangle(page, x0 + start * m, y0 - (r + 1) * m, (c - start) * m, m);
		}
	}
	HPDF_Page_Fill(page);
	QRcode_free(qr);
}

static void draw_item(struct pdf_writer *w, HPDF_Page page, const struct dlist *dl,
		      const struct dl_item *it)
{
	static const HPDF_UINT16 dash[] = { 3 };

	switch ((enum dl_kind)it->kind) {
	case DL_TEXT:
		HPDF_Page_SetGrayFill(page, it->gray);
		HPDF_Page_BeginText(page);
		if (it->flags & DL_INVISIBLE)
			HPDF_Page_SetTextRenderingMode(page, HPDF_INVISIBLE);
		HPDF_Page_SetFontAndSize(page, font_for(w, it->face), it->size);
		HPDF_Page_TextOut(page, it->x, it->y, dl_str(dl, it));
		if (it->flags & DL_INVISIBLE)
			HPDF_Page_SetTextRenderingMode(page, HPDF_FILL);
		HPDF_Page_EndText(page);
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
		draw_qr(page, it, dl_str(dl, it));
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

static int render_once(struct pdf_writer *w, const struct dlist *dl, const struct pdf_meta *meta,
		       int pad, const unsigned char **buf, size_t *len, struct ng_err *err)
{
	int cur, size;
	size_t i;

	if (dl->oom)
		return ng_fail(err, NG_EINTERNAL, "out of memory laying out a document");
	w->error = 0;
	w->last_error = 0;
	HPDF_ResetError(w->pdf);
	HPDF_NewDoc(w->pdf);
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
	/* Pages first: builders may add to an earlier page later (footers, a summary). */
	if (dl->npages > w->npages_cap) {
		HPDF_Page *p = realloc(w->pages, (size_t)dl->npages * sizeof(*p));

		if (!p)
			return ng_fail(err, NG_EINTERNAL, "out of memory");
		w->pages = p;
		w->npages_cap = dl->npages;
	}
	for (cur = 0; cur < dl->npages; cur++) {
		w->pages[cur] = HPDF_AddPage(w->pdf);
		HPDF_Page_SetWidth(w->pages[cur], dl->page_w);
		HPDF_Page_SetHeight(w->pages[cur], dl->page_h);
	}
	for (i = 0; i < dl->n; i++)
		if (dl->item[i].page < dl->npages)
			draw_item(w, w->pages[dl->item[i].page], dl, &dl->item[i]);
	if (pad > 0) {
		/* Spaces of other widths: a glyph more in the font, nothing seen, a blank when extracted. */
		static const char *const extra[] = { "", "\u2009", "\u2007", "\u2002", "\u200A" };
		HPDF_Page p = w->pages[dl->npages - 1];

		HPDF_Page_BeginText(p);
		HPDF_Page_SetTextRenderingMode(p, HPDF_INVISIBLE);
		HPDF_Page_SetFontAndSize(p, font_for(w, 0), 1);
		HPDF_Page_TextOut(p, 1, 1, extra[pad]);
		HPDF_Page_EndText(p);
	}
	if (w->error)
		return harufail(w, "to draw a page", err);
	size = take_bytes(w, err);
	if (size < 0)
		return -1;
	*buf = w->buf;
	*len = (size_t)size;
	return 0;
}

/*
 * Debian's libharu 2.3.0 fails to save (HPDF_INVALID_OBJECT) about one
 * document in a hundred, depending on which glyphs of the embedded font it
 * uses: take any one text run away and it saves. The same page with one
 * more glyph (an invisible thin space) saves and looks the same. Retrying so
 * keeps the output deterministic: a given document always takes the same
 * path, and tests check every file with qpdf.
 */
int pdf_render(struct pdf_writer *w, const struct dlist *dl, const struct pdf_meta *meta,
	       const unsigned char **buf, size_t *len, struct ng_err *err)
{
	int pad, rc = -1;

	for (pad = 0; pad < 5; pad++) {
		rc = render_once(w, dl, meta, pad, buf, len, err);
		if (rc == 0 || w->last_error != HPDF_INVALID_OBJECT)
			break;
	}
	return rc;
}
