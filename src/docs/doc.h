/*
 * doc.h - what every document builder shares: the context of a run, the
 * page frame (letterhead, windows, info, QR, footer) and small helpers.
 *
 * A builder turns one case's facts into a display list for one recipient.
 * It fails with NG_EDATA and a reason when the case cannot be printed as
 * it stands (an address that does not fit the window, an unknown code);
 * the run sends that to the exceptions report.
 */
#ifndef NG_DOC_H
#define NG_DOC_H

#include "config.h"
#include "dlist.h"
#include "err.h"
#include "fonts.h"
#include "i18n.h"
#include "layout.h"
#include "ledger.h"
#include "text.h"

enum doc_type { DOC_NOTICE, DOC_STATEMENT, DOC_COUPON, DOC_PINLETTER, DOC_TYPES };

struct doc_ctx {
	const struct config *cfg;
	const struct layout *L;
	struct fonts *fonts;
	struct i18n *i18n;
	struct dlist *dl;
	struct ng_date run;

	/* Per document, set by doc_begin. */
	enum doc_type type;
	const char *name;            /* "statement": the layout's file */
	const char *lang;            /* catalog code of the text being drawn */
	const struct case_facts *cf;
	const struct party *to;
	char title[256];
	const char *pin;             /* PIN letter only: the clear PIN, wiped by the caller */
};

extern const char *const doc_names[DOC_TYPES];

/* Builders: fill ctx->dl for one recipient. */
int doc_notice(struct doc_ctx *c, struct ng_err *err);
int doc_statement(struct doc_ctx *c, struct ng_err *err);
int doc_coupon(struct doc_ctx *c, struct ng_err *err);
int doc_pinletter(struct doc_ctx *c, struct ng_err *err);

/* Luhn mod-10 check digit over the digits of s (the coupon's scan line). */
int coupon_check_digit(const char *s);

/* Dispatches to the builder of type, after resetting the list. */
int doc_build(struct doc_ctx *c, enum doc_type type, const struct case_facts *cf,
	      const struct party *to, struct ng_err *err);

/* NULL if the party's address can go through a window envelope, else why not. */
const char *doc_address_problem(const struct party *p);

/* The catalog string key in the document's language (English where missing). */
const char *T(struct doc_ctx *c, const char *key);

/* T with placeholders expanded into buf. */
const char *Tf(struct doc_ctx *c, char *buf, size_t cap, const char *key,
	       const struct i18n_arg *args, size_t nargs);

/* A date in the document's language, long form ("November 3, 2026"). */
const char *doc_date(struct doc_ctx *c, char *buf, size_t cap, struct ng_date d);

/* "$1,234.56" */
const char *doc_money(char *buf, size_t cap, ng_cents v);

/*
 * Draws the first page's frame and the title; returns the baseline where
 * content starts. Fails if the address does not fit its window.
 */
int doc_frame(struct doc_ctx *c, float *y, struct ng_err *err);

/* Starts another page with a short heading; returns its first baseline. */
float doc_next_page(struct doc_ctx *c);

/* Adds "page x of y" footers to pages [from, to), in the current language. */
void doc_footers(struct doc_ctx *c, int from, int to);

/* The language of the document's second part for to: its own, or "en" (English only). */
const char *doc_language(const struct doc_ctx *c, const struct party *to);

/*
 * Makes room for h points below baseline *y: when the page is full, starts
 * the next and moves *y to its top. Returns 1 if a page began.
 */
int doc_room(struct doc_ctx *c, float *y, float h);

/* A section heading in bold at *y, moving *y down. */
void doc_heading(struct doc_ctx *c, const struct box *b, float *y, const char *s);

#endif
