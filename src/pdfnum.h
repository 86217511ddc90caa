/*
 * pdfnum.h - a number as a PDF content stream wants it, without printf:
 * float formatting was most of the cost of writing coordinates.
 */
#ifndef NG_PDFNUM_H
#define NG_PDFNUM_H

#include <math.h>

/* v with at most 3 decimals, no trailing zeros, into out (24 bytes); returns its length. */
static inline int pdf_num(char *out, float v)
{
	long t = lrintf(v * 1000.0f);
	unsigned long a = (unsigned long)(t < 0 ? -t : t), frac = a % 1000;
	int k = 0, d = 0;
	char rev[24];

	if (t < 0)
		out[k++] = '-';
	a /= 1000;
	do
		rev[d++] = (char)('0' + a % 10);
	while ((a /= 10) > 0);
	while (d > 0)
		out[k++] = rev[--d];
	if (frac) {
		out[k++] = '.';
		for (unsigned long p = 100; frac; p /= 10) {
			out[k++] = (char)('0' + frac / p);
			frac %= p;
		}
	}
	out[k] = 0;
	return k;
}

#endif
