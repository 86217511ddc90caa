#include "text.h"

#include <string.h>

#include "utf8.h"

float text_fit(struct fonts *fonts, int face, float size, float min_size, float w, const char *s)
{
	double at_one = fonts_width(fonts, face, s, strlen(s), 1.0);
	float sz;

	for (sz = size; sz >= min_size - 0.001f; sz -= 0.5f)
		if (at_one * sz <= w + 0.01)
			return sz;
	return 0;
}

float text_line(struct dlist *dl, struct fonts *fonts, int face, float size, float min_size,
		float x, float y, float w, enum text_align align, const char *s)
{
	float sz = text_fit(fonts, face, size, min_size, w, s);
	size_t len = strlen(s);
	double tw;

	if (sz == 0)
		return 0;
	tw = fonts_width(fonts, face, s, len, sz);
	if (align == ALIGN_RIGHT)
		x -= (float)tw;
	else if (align == ALIGN_CENTER)
		x += (float)((w - tw) / 2);
	dl_text(dl, face, sz, x, y, s, len, 0);
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
	while (p < end) {
		const char *at = p;
		uint32_t cp = utf8_next(&p, end);

		if (cp == '\n') {
			*skip = 1;
			return (size_t)(at - s);
		}
		x += fonts_width(fonts, face, at, (size_t)(p - at), size);
		if (x > w + 0.01) {
			if (brk) {
				*skip = 1;
				return brk;
			}
			/* One word wider than the line: cut it, keeping at least one character. */
			return at == s ? (size_t)(p - s) : (size_t)(at - s);
		}
		if (cp == ' ')
			brk = (size_t)(at - s);
	}
	return len;
}

/* Calls draw (if dl) for each wrapped line; returns the line count. */
static int wrap(struct dlist *dl, struct fonts *fonts, int face, float size, float leading,
		float x, float y, float w, const char *s)
{
	size_t len = strlen(s), skip;
	int lines = 0;

	while (len > 0) {
		size_t n = next_line(fonts, face, size, w, s, len, &skip);

		if (dl)
			dl_text(dl, face, size, x, y - lines * leading, s, n, 0);
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

	if (*y - (lines - 1) * leading < b->bottom + size * 0.25f)
		return -1;
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
