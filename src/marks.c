/*
 * marks.c - the marks a mail house's machines read, drawn into a display
 * list: the USPS Intelligent Mail barcode and the DataMatrix sheet mark.
 *
 * Both are encoded by zint (Debian's libzint), not by hand: the IMb's
 * CRC, codeword tables and bar mapping are easy to get subtly wrong, and
 * tests check zint's result against the USPS specification's examples.
 * zint draws in its own units; the bars are redrawn here to the USPS
 * dimensions, the matrix at the module size the layout asks for.
 */
#include "marks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zint.h>

/* USPS-B-3200 dimensions, in points: the middle of each allowed range. */
#define IMB_PITCH (72.0f / 22.0f)          /* 22 bars per inch (20 to 24) */
#define IMB_BAR_W (0.020f * 72.0f)         /* 0.015 to 0.025 in */
#define IMB_FULL (0.145f * 72.0f)          /* 0.125 to 0.165 in */
#define IMB_TRACKER (0.048f * 72.0f)       /* 0.039 to 0.057 in */

static struct zint_symbol *encode(int type, const char *data, struct ng_err *err)
{
	struct zint_symbol *sym = ZBarcode_Create();
	int rc;

	if (!sym) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	sym->symbology = type;
	sym->show_hrt = 0;
	sym->whitespace_width = 0;
	sym->border_width = 0;
	sym->scale = 1.0f;
	rc = ZBarcode_Encode(sym, (const unsigned char *)data, (int)strlen(data));
	if (rc < ZINT_ERROR)
		rc = ZBarcode_Buffer_Vector(sym, 0);
	if (rc >= ZINT_ERROR) {
		ng_fail(err, NG_EDATA, "cannot encode '%s' as %s: %s", data,
			type == BARCODE_USPS_IMAIL ? "an Intelligent Mail barcode" : "a DataMatrix", sym->errtxt);
		ZBarcode_Delete(sym);
		return NULL;
	}
	return sym;
}

/* A filled black rectangle on page (marks go on pages the document has already). */
static void bar(struct dlist *dl, int page, float x, float y, float w, float h)
{
	size_t at = dl->n;

	dl_rect(dl, x, y, w, h, 0, 0, DL_FILL);
	if (dl->n > at)
		dl->item[at].page = (uint16_t)page;
}

static int by_x(const void *a, const void *b)
{
	const struct zint_vector_rect *x = *(struct zint_vector_rect *const *)a;
	const struct zint_vector_rect *y = *(struct zint_vector_rect *const *)b;

	return (x->x > y->x) - (x->x < y->x);
}

int marks_imb_bars(const char *tracking, const char *routing, char bars[66], struct ng_err *err)
{
	struct zint_vector_rect *r, *v[65];
	struct zint_symbol *sym;
	char data[40];
	float top = 1e9f, bottom = -1e9f;
	int n = 0, i;

	if (strlen(tracking) != 20 || strlen(routing) > 11)
		return ng_fail(err, NG_EDATA, "an IMb needs a 20-digit tracking code and a routing code "
			       "of at most 11 digits");
	snprintf(data, sizeof(data), "%s%s%s", tracking, routing[0] ? "-" : "", routing);
	sym = encode(BARCODE_USPS_IMAIL, data, err);
	if (!sym)
		return -1;
	/* zint's bars come in no particular order; sorted by x they are the 65 bars. */
	for (r = sym->vector->rectangles; r && n < 65; r = r->next)
		v[n++] = r;
	if (n != 65 || r) {
		ZBarcode_Delete(sym);
		return ng_fail(err, NG_EINTERNAL, "zint drew %d bars for an IMb, not 65", n);
	}
	qsort(v, 65, sizeof(*v), by_x);
	for (i = 0; i < 65; i++) {
		top = v[i]->y < top ? v[i]->y : top;
		bottom = v[i]->y + v[i]->height > bottom ? v[i]->y + v[i]->height : bottom;
	}
	/* zint's y axis points down: a bar reaching the top ascends, one reaching the bottom descends. */
	for (i = 0; i < 65; i++) {
		int asc = v[i]->y - top < 0.01f, desc = bottom - (v[i]->y + v[i]->height) < 0.01f;

		bars[i] = asc && desc ? 'F' : asc ? 'A' : desc ? 'D' : 'T';
	}
	bars[65] = '\0';
	ZBarcode_Delete(sym);
	return 0;
}

int marks_imb(struct dlist *dl, int page, float x, float y, const char *tracking, const char *routing,
	      struct ng_err *err)
{
	float mid = y + IMB_FULL / 2, half_t = IMB_TRACKER / 2;
	char bars[66];
	int i;

	if (marks_imb_bars(tracking, routing, bars, err))
		return -1;
	for (i = 0; i < 65; i++) {
		float lo = bars[i] == 'F' || bars[i] == 'D' ? y : mid - half_t;
		float hi = bars[i] == 'F' || bars[i] == 'A' ? y + IMB_FULL : mid + half_t;

		bar(dl, page, x + i * IMB_PITCH, lo, IMB_BAR_W, hi - lo);
	}
	return dl->oom ? ng_fail(err, NG_EINTERNAL, "out of memory") : 0;
}

float marks_imb_width(void)
{
	return 64 * IMB_PITCH + IMB_BAR_W;
}

float marks_imb_height(void)
{
	return IMB_FULL;
}

int marks_datamatrix(struct dlist *dl, int page, float x, float y, float side, const char *text,
		     struct ng_err *err)
{
	struct zint_symbol *sym = encode(BARCODE_DATAMATRIX, text, err);
	struct zint_vector_rect *r;
	float unit, top, module;

	if (!sym)
		return -1;
	/* As large as fits in side: the symbol's size in modules depends on the text. */
	module = side / (float)(sym->width > sym->rows ? sym->width : sym->rows);
	/* Without border or quiet zone the drawing is exactly width modules wide. */
	unit = sym->vector->width / (float)sym->width;
	top = y + sym->rows * module;
	for (r = sym->vector->rectangles; r; r = r->next)
		bar(dl, page, x + r->x / unit * module, top - (r->y + r->height) / unit * module,
		    r->width / unit * module, r->height / unit * module);
	ZBarcode_Delete(sym);
	return dl->oom ? ng_fail(err, NG_EINTERNAL, "out of memory") : 0;
}
