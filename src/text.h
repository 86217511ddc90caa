/*
 * text.h - fitting text into boxes: one line that shrinks to fit, and
 * paragraphs that wrap, shrinking as a whole when the box is fixed.
 *
 * Text never overflows its box: when even the smallest size allowed by the
 * layout does not fit, the call fails and the caller reports it (the case
 * goes to the exceptions report rather than print a clipped address).
 */
#ifndef NG_TEXT_H
#define NG_TEXT_H

#include "dlist.h"
#include "fonts.h"
#include "layout.h"

enum text_align { ALIGN_LEFT, ALIGN_RIGHT, ALIGN_CENTER };

/*
 * Largest size from size down to min_size (half-point steps) at which s is
 * at most w wide in face; 0 if none.
 */
float text_fit(struct fonts *fonts, int face, float size, float min_size, float w, const char *s);

/*
 * Draws s on one line at baseline y, anchored at x according to align,
 * shrunk to fit w. Returns the size used, or 0 (and draws nothing) if it
 * does not fit at min_size.
 */
float text_line(struct dlist *dl, struct fonts *fonts, int face, float size, float min_size,
		float x, float y, float w, enum text_align align, const char *s);

/* Number of lines s wraps to at size in width w. */
int text_count_lines(struct fonts *fonts, int face, float size, float w, const char *s);

/*
 * Draws s wrapped to the box's width, first baseline at *y, and moves *y
 * one leading per line. Fails (returns -1, draws nothing) if the last line
 * would fall below the box's bottom.
 */
int text_para(struct dlist *dl, struct fonts *fonts, const struct box *b, int face, float size,
	      float leading, float *y, const char *s);

/*
 * Largest size in [b->min_size, b->size] at which the paragraphs in s[0..n)
 * (each followed by gap*leading) fit in the box's height; 0 if none.
 */
float text_fit_paras(struct fonts *fonts, const struct box *b, int face, const char *const *s,
		     int n, float gap);

struct i18n;

/*
 * Checks that every string of every catalog can be drawn: each character,
 * after right-to-left shaping, has a glyph in the font that would draw it.
 * A string that would print as boxes is a configuration error, found at
 * start-up rather than on paper.
 */
int text_check_catalogs(struct fonts *fonts, const struct i18n *i18n, struct ng_err *err);

#endif
