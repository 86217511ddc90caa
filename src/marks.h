/*
 * marks.h - machine-readable marks on a mail piece: the USPS Intelligent
 * Mail barcode (IMb) in the address window and a DataMatrix sheet mark
 * for the inserter. Encoded with zint; drawn as filled rectangles into a
 * display list, on the page given, in points from the bottom left.
 */
#ifndef NG_MARKS_H
#define NG_MARKS_H

#include "dlist.h"
#include "err.h"

/*
 * The 65 bars of the IMb for tracking (barcode ID, service type, Mailer
 * ID and serial: 20 digits) and routing (0, 5, 9 or 11 digits), as the
 * letters USPS-B-3200 uses: F full, A ascender, D descender, T tracker.
 */
int marks_imb_bars(const char *tracking, const char *routing, char bars[66], struct ng_err *err);

/* Draws that IMb with its bottom-left corner at (x, y). */
int marks_imb(struct dlist *dl, int page, float x, float y, const char *tracking, const char *routing,
	      struct ng_err *err);

/* The drawn IMb's size in points. */
float marks_imb_width(void);
float marks_imb_height(void);

/* Draws text as a DataMatrix at most side points square, its bottom-left corner at (x, y). */
int marks_datamatrix(struct dlist *dl, int page, float x, float y, float side, const char *text,
		     struct ng_err *err);

#endif
