/*
 * run.h - one night: decide what is due on a date, render it, journal it,
 * and leave the print shop a manifest.
 *
 * Order is deterministic (cases by key; per case notice, statements,
 * coupon, PIN letters), so sequence numbers and file bytes are the same
 * on every run of the same ledger, config and date. A document is due at
 * most once: the journal remembers what earlier nights sent, and a run
 * that stopped half-way resumes where it left off.
 */
#ifndef NG_RUN_H
#define NG_RUN_H

#include <limits.h>

#include "err.h"

struct run_opts {
	const char *config;
	const char *date;        /* YYYY-MM-DD */
	int progress;            /* show a progress line (stderr is a terminal) */
};

struct run_result {
	long written;            /* documents rendered by this invocation */
	long resumed;            /* already journaled for this date by an interrupted run */
	long pieces;             /* manifest rows for the date */
	long exceptions;         /* exceptions report rows for the date */
	double seconds;
	char run_dir[PATH_MAX + 16];
};

/*
 * Runs the night. Returns 0 when it completed (exceptions or not: see
 * res->exceptions), or an error code with err filled when it could not.
 * Configuration, font and layout errors are found before any output.
 */
int run_night(const struct run_opts *o, struct run_result *res, struct ng_err *err);

#endif
