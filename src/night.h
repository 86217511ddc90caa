/*
 * night.h - the state of one night's run, shared by the files that make
 * it: run.c (setup, what is due, the case loop, reports), run_print.c (the
 * print shop's batches and the reprints of spoiled pieces) and
 * run_workers.c (--jobs worker processes). Not for the rest of the program:
 * run.h is the run's interface.
 */
#ifndef NG_NIGHT_H
#define NG_NIGHT_H

#include <limits.h>
#include <sys/types.h>
#include <time.h>

#include "config.h"
#include "dates.h"
#include "docs/doc.h"
#include "dlist.h"
#include "ledger.h"
#include "output.h"
#include "pin.h"
#include "print.h"

#define COMMIT_EVERY 256          /* documents per journal transaction (one flush to disk each) */
#define CASE_PIECES_MAX 64        /* one case's documents (or exceptions) in a night, at most */
/* A piece's order in the night's batches is case key * 16 + its slot: 0 notice, 1-2 statements, 3 coupon, 4-15 PINs. */
#define PIN_SLOTS 12              /* PIN letters of one case in a night, at most */

/* An exception found, not yet in the ledger (written at the next checkpoint). */
struct pending_exception {
	int64_t case_key, party;         /* party 0: the whole case */
	char doc[32];                    /* "" for none */
	char reason[sizeof(((struct ng_err *)0)->msg)];
};

/* Where the time goes, for the run summary and the benchmark. */
enum stage { ST_LEDGER, ST_LAYOUT, ST_PDF, ST_WRITE, ST_HASH, ST_JOURNAL, ST_PRINT, ST_REPORTS, ST_COUNT };

struct night {
	double stage[ST_COUNT];
	struct config cfg;
	struct i18n *i18n;
	struct fonts *fonts;
	struct layout *layout;
	struct pdf_writer *pdf;
	struct ledger *led;
	struct pin_key key;
	struct dlist dl;
	struct doc_ctx doc;
	struct case_facts cf;
	char run_dir[PATH_MAX + 64];
	int lock_fd, locked;
	struct ng_date date;
	char iso[11];
	const char *as_of;                       /* the date documents are made as of: iso, or a reprint's */
	char pin_mark[33];                       /* a PIN letter's keyed mark (pin_letter_mark), "" otherwise */
	struct journal_row pend[COMMIT_EVERY + CASE_PIECES_MAX];   /* written and flushed at the next checkpoint */
	int npend;
	struct pending_exception exc[COMMIT_EVERY + CASE_PIECES_MAX];  /* recorded at the next checkpoint too */
	int nexc;
	int job, jobs;                           /* this worker serves cases with key % jobs == job */
	pid_t parent;
	long written, resumed;
	int notice_due, statement_due, coupon_due;
	struct ng_date pin_from;
	struct ng_err *pin_err;          /* where issue_one reports */
};

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Work done on a night: by the run itself, a worker, or the parent beside its workers. */
typedef int (*night_task)(struct night *n, const void *arg, struct ng_err *err);

/* run.c */

/* Makes the night's plan (periods, what is due) as of d, keeping tonight's date. */
void night_plan_as_of(struct night *n, struct ng_date d);

/* Records an exception for the current case (p, doc may be NULL) and logs it. */
int night_exception(struct night *n, const struct party *p, const char *doc, const char *reason,
		    struct ng_err *err);

/* Lays out one document for p into n->dl; a PIN letter's PIN is opened just for it and wiped. */
int night_layout(struct night *n, enum doc_type type, const struct party *p, struct ng_err *err);

/* Lays out and draws one document for p; a PIN letter's layout is wiped too before this returns. */
int night_render(struct night *n, enum doc_type type, const struct party *p, const unsigned char **buf,
		 size_t *len, int *pages, struct ng_err *err);

/* Writes a drawn document into the run folder and fills its journal row, all but ord and copy. */
int night_store(struct night *n, enum doc_type type, const struct party *p, const char *period,
		const unsigned char *buf, size_t len, int pages, struct journal_row *r, struct ng_err *err);

/* Queues r for the journal (written at the next checkpoint). */
int night_journal(struct night *n, const struct journal_row *r, struct ng_err *err);

/* run_print.c */

/* Prints again the pieces of case key the shop spoiled on earlier nights. */
int night_reprints(struct night *n, int64_t key, struct ng_err *err);

/*
 * Plans the night's print batches, draws them with jobs workers and runs
 * side (NULL: nothing), which needs the plan but not the batches: beside
 * the workers if there are any, else after the drawing.
 */
int night_batches(struct night *n, int jobs, night_task side, const void *arg, struct ng_err *err);

/* Job ticket and checksums, once the manifest is written; fails if their totals differ. */
int night_handoff(struct night *n, const struct out_totals *t, struct print_totals *pt, struct ng_err *err);

/* print/READY: last of all. */
int night_ready(struct night *n, const struct print_totals *pt, struct ng_err *err);

/* run_workers.c */

/* Worker processes under way: started by night_workers_start, ended by night_workers_wait. */
struct night_workers {
	pid_t pid[64];
	int fd[64][2];
	int jobs;                 /* started */
};

/*
 * Starts task in jobs worker processes, worker k with n->job = k (each with
 * its own ledger connection and PDF writer). The parent keeps a connection
 * of its own and may work meanwhile. On failure, those started are waited for.
 */
int night_workers_start(struct night *n, int jobs, night_task task, const void *arg, struct night_workers *w,
			struct ng_err *err);

/* Waits for the workers and adds up what they did; their first error in err (NULL: just wait). */
int night_workers_wait(struct night *n, struct night_workers *w, struct ng_err *err);

/*
 * Runs task in jobs worker processes, worker k with n->job = k (each with
 * its own ledger connection and PDF writer), and waits for all of them.
 */
int night_in_workers(struct night *n, int jobs, night_task task, const void *arg, struct ng_err *err);

#endif
