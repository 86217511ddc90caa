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

#include <stdint.h>

#include "err.h"

struct run_opts {
	const char *config;
	const char *date;        /* YYYY-MM-DD */
	int progress;            /* show a progress line (stderr is a terminal) */
	int rerun;               /* make the date again from scratch, keeping the earlier output aside */
	int jobs;                /* worker processes (1: this one) */
	int shard, shards;       /* serve shard K of N (shards 0: all cases) */
};

struct run_result {
	long written;            /* documents rendered by this invocation */
	long resumed;            /* already journaled for this date by an interrupted run */
	long pieces;             /* manifest rows for the date */
	long exceptions;         /* exceptions report rows for the date */
	double seconds;
	char run_dir[PATH_MAX + 64];
};

/*
 * Runs the night. Returns 0 when it completed (exceptions or not: see
 * res->exceptions), or an error code with err filled when it could not.
 * Configuration, font and layout errors are found before any output.
 */
int run_night(const struct run_opts *o, struct run_result *res, struct ng_err *err);

/*
 * Renders the PIN letter of party (on case_key) at once, for a staff reissue
 * while the parent waits: into <output>/reissues/<today>/, mode 0600, path
 * returned in path. audit_id names the reissue in the file name. The letter
 * is not part of any nightly batch.
 */
int run_pin_letter_now(const char *config, const char *today, int64_t case_key, int64_t party_id,
		       int64_t audit_id, char *path, size_t cap, struct ng_err *err);

/* Issues the night's missing PINs on the master ledger, before snapshots are taken for shards. */
int run_prepare(const char *config, const char *date, struct ng_err *err);

/* Joins the finished shards of a date into its folder and the master ledger; writes the reports. */
int run_merge(const char *config, const char *date, int shards, struct run_result *res, struct ng_err *err);

#endif
