/*
 * pdf.h - draws display lists into PDF files with libharu.
 *
 * One writer serves a whole run (or a worker): it loads the cut fonts once
 * and starts each document with HPDF_NewDoc on the same handle, which keeps
 * the parsed fonts. Output is deterministic: no clock, no random /ID; the
 * creation date is the run date.
 */
#ifndef NG_PDF_H
#define NG_PDF_H

#include <stddef.h>

#include "dlist.h"
#include "err.h"
#include "fonts.h"

struct pdf_writer;

struct pdf_meta {
	const char *title;
	const char *date;    /* YYYY-MM-DD: the run date, as the creation date */
	const char *mark;    /* NULL, or text (no line break) written as a comment at the head of page 1 */
};

/* Loads every face of fonts into a new writer. fonts must outlive it. */
struct pdf_writer *pdf_new(struct fonts *fonts, struct ng_err *err);
void pdf_free(struct pdf_writer *w);

/*
 * Draws dl as one PDF. On success *buf and *len hold the file's bytes, owned by
 * the writer and valid until the next pdf_render or pdf_free.
 */
int pdf_render(struct pdf_writer *w, const struct dlist *dl, const struct pdf_meta *meta,
	       const unsigned char **buf, size_t *len, struct ng_err *err);


/* Zeroes the last document's bytes (after a PIN letter). */
void pdf_wipe(struct pdf_writer *w);

#endif
