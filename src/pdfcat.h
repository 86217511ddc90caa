/*
 * pdfcat.h - joins finished PDFs into one: a print batch made of the
 * night's per-case PDFs, byte for byte what the archive holds, with the
 * mail house's marks drawn over their pages and blank pages where asked.
 *
 * Reads the PDFs noticegen's libharu writes (one classic cross-reference
 * table, one flat page tree, no encryption) and refuses anything else.
 */
#ifndef NG_PDFCAT_H
#define NG_PDFCAT_H

#include <stddef.h>

#include "dlist.h"
#include "err.h"

struct pdf_cat;

struct pdf_cat *pdfcat_new(void);
void pdfcat_free(struct pdf_cat *c);

/* Starts a new batch (the memory of the last one is kept). */
void pdfcat_begin(struct pdf_cat *c);

/*
 * Appends the pages of pdf (len bytes), marks' filled rectangles drawn
 * over them (item page k on the piece's page k; NULL: none), then blanks
 * blank pages of the last page's size. *pages gets the piece's own pages.
 */
int pdfcat_add(struct pdf_cat *c, const unsigned char *pdf, size_t len, const struct dlist *marks,
	       int blanks, int *pages, struct ng_err *err);

/*
 * Finishes the batch: title and date (YYYY-MM-DD, its creation date) in
 * its information. *buf and *len hold the file, valid until the next
 * pdfcat_begin.
 */
int pdfcat_end(struct pdf_cat *c, const char *title, const char *date, const unsigned char **buf,
	       size_t *len, struct ng_err *err);

/* Zeroes the batch's bytes (PIN letters). */
void pdfcat_wipe(struct pdf_cat *c);

#endif
