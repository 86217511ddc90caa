/*
 * print.h - the handoff to the print shop, made after the night's
 * documents: print/ in the run folder holds the batches (one PDF of many
 * pieces per job, in ZIP order, duplex pieces padded to start on a front,
 * an IMb in each address window, a DataMatrix sheet mark on each sheet),
 * jobticket.csv/.xlsx, SHA256SUMS, and READY, written last.
 */
#ifndef NG_PRINT_H
#define NG_PRINT_H

#include "config.h"
#include "dlist.h"
#include "err.h"
#include "layout.h"
#include "ledger.h"

struct print_ctx {
	struct ledger *L;
	const struct config *cfg;
	const struct layout *layout;
	const char *run_dir, *date;
	/*
	 * Makes piece p's per-case PDF again, as of its night (the bytes are
	 * the callee's, valid until the next call), when its file is gone;
	 * done is called after each piece is added (to wipe a PIN).
	 */
	int (*render)(void *arg, const struct print_piece *p, const unsigned char **buf, size_t *len,
		      struct ng_err *err);
	void (*done)(void *arg, const struct print_piece *p);
	void *arg;
	int job, jobs;               /* draw only batches whose number modulo jobs is job */
};

struct print_totals {
	long long pieces, pages, sheets;
};

/* Plans date's batches (once: a resumed run keeps the plan and its IMb serials). */
int print_plan(const struct print_ctx *c, struct ng_err *err);

/* Draws the planned batches (this job's share); skips batches already written whole. */
int print_draw(const struct print_ctx *c, struct ng_err *err);

/* Writes the job ticket (CSV, XLSX) and SHA256SUMS; t gets the ticket's totals. */
int print_ticket(const struct print_ctx *c, struct print_totals *t, struct ng_err *err);

/* Writes print/READY: call last, after every other file of the run. */
int print_ready(const struct print_ctx *c, const struct print_totals *t, struct ng_err *err);

#endif
