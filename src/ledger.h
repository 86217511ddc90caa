/*
 * ledger.h - the only code that speaks SQL: the case ledger, the run
 * journal, exceptions, PINs at rest.
 *
 * Reading a case validates it: text must be clean UTF-8 of sane length,
 * codes known, amounts in range, dates real. A case that fails comes back
 * as NG_EDATA with the reason in err, for the exceptions report; the run
 * goes on with the next.
 */
#ifndef NG_LEDGER_H
#define NG_LEDGER_H

#include <stddef.h>
#include <stdint.h>

#include "dates.h"
#include "err.h"
#include "money.h"

#define LEDGER_TEXT 192      /* longest name or address line accepted, in bytes */
#define LEDGER_PARTIES 4
#define LEDGER_ORDERS 8

enum role { ROLE_CP, ROLE_NCP };

struct party {
	int64_t id;
	enum role role;
	char name[LEDGER_TEXT];
	char addr1[LEDGER_TEXT], addr2[LEDGER_TEXT];
	char city[64], state[8], zip[16], country[32];
	char lang[8];
	char ssn4[5];           /* last four digits of the SSN, or "" */
	char dp[4];             /* USPS delivery point (2 digits), or "" */
};

struct order {
	int64_t id;
	ng_cents monthly;
	struct ng_date start, end;  /* end.y == 0 while the order runs */
	struct ng_date recorded;
	int direct;                 /* the NCP pays the agency directly (gets coupons) */
};

/* One dated amount: a payment, a charge, an adjustment or a disbursement. */
struct money_row {
	struct ng_date date;
	char what[48];              /* source, method, kind or reason code */
	ng_cents amount;
};

struct rows {
	struct money_row *v;
	size_t n, cap;
};

/* A period of days, both ends included. */
struct period {
	struct ng_date from, to;
};

/* What a case's documents are made from, for one run date. Reused case to case. */
struct case_facts {
	int64_t key;
	char id[16], county[32];
	int closed;
	struct party party[LEDGER_PARTIES];
	int nparty;
	struct order order[LEDGER_ORDERS];
	int norder;

	struct ng_date run;          /* the run date */
	struct period stmt;          /* the statement's period */
	ng_cents opening, closing;   /* NCP's balance before and at the end of stmt (negative: credit) */
	struct rows charges, payments, adjustments;   /* within stmt */

	struct period month;         /* the monthly notice's month */
	struct rows collected, disbursed;              /* within month */

	struct ng_date due;          /* the coupon's due date */
	ng_cents past_due;           /* owed before due's month, as of the run date */
	ng_cents current;            /* support falling due on due */
};

struct journal_row {
	char run_date[11];
	int64_t ord;             /* the document's place in the night's order (written) */
	int64_t seq;             /* its rank among the date's documents: the manifest's number (read) */
	char doc[16], period[24];
	int64_t case_key, party_id;
	char case_id[16], county[32], role[4], lang[8];
	int pages, sheets;
	int64_t bytes;
	char path[256], sha256[65];
	/* The recipient, from the ledger, for the manifest. */
	char name[LEDGER_TEXT], addr1[LEDGER_TEXT], addr2[LEDGER_TEXT];
	char city[64], state[8], zip[16], country[32];
	char dp[4];
	int copy;                /* 0: first printing; 1, 2...: reprints of a spoiled piece */
	char reprint_of[11];     /* a reprint: the first printing's run date, "" otherwise */
	/* Where the print batches put it (empty until they are planned). */
	char batch[64];
	int batch_page, batch_pages;
	int64_t serial;          /* IMb serial, -1 without an IMb */
	char tracking[21], routing[12];
};

struct ledger;

/* Creates the schema in path (a new or existing file). */
int ledger_init(const char *path, struct ng_err *err);

/*
 * The connection, for the ledger's own satellite files (ledger_pin.c) only:
 * all SQL stays in the ledger module.
 */
struct sqlite3 *ledger_db(struct ledger *L);

/*
 * How many of the per-case queries read a whole table (EXPLAIN QUERY PLAN
 * says SCAN), naming them in why. For tests: the answer must be 0.
 */
int ledger_scans(struct ledger *L, char *why, size_t cap);

/* Opens an existing ledger read-write and checks its schema version. Close with ledger_close. */
struct ledger *ledger_open(const char *path, struct ng_err *err);
void ledger_close(struct ledger *L);

/*
 * A read transaction: the queries until ledger_read_end share one shared
 * lock and one check of the file. Nothing may be written meanwhile (two
 * connections that both hold one and then write would deadlock). Returns
 * whether it began one (not inside another); pass that to ledger_read_end.
 */
int ledger_read_begin(struct ledger *L);
void ledger_read_end(struct ledger *L, int began);

int ledger_begin(struct ledger *L, struct ng_err *err);
int ledger_commit(struct ledger *L, struct ng_err *err);
void ledger_rollback(struct ledger *L);

/* Number of cases (for a progress line's estimate). */
long ledger_case_count(struct ledger *L);

/* Forgets what the journal knows of run_date (its documents, exceptions, run row): --rerun. */
int ledger_forget_date(struct ledger *L, const char *run_date, struct ng_err *err);

/*
 * Forgets run_date's exceptions. A run of a date finds every exception
 * again, so those of an earlier try (fixed since, or found twice) go first.
 */
int ledger_forget_exceptions(struct ledger *L, const char *run_date, struct ng_err *err);

/*
 * Fills keys[0..max) with the case keys after `after`, in order; returns
 * how many (0 at the end), or -1 on error.
 */
int ledger_case_keys(struct ledger *L, int64_t after, int64_t *keys, int max, struct ng_err *err);

/*
 * Reads and validates case key for a run on the periods in cf (run, stmt,
 * month, due set by the caller). Returns 0, NG_EDATA with the reason for a
 * bad case, or another code when the ledger itself fails.
 */
int ledger_load_case(struct ledger *L, int64_t key, struct case_facts *cf, struct ng_err *err);
void case_facts_release(struct case_facts *cf);

/*
 * Run journal. lookup: 1 if journaled, with the run date that wrote it, the
 * file's path (relative to its run folder), size and SHA-256; 0 if not; -1
 * on error.
 */
int ledger_journal_lookup(struct ledger *L, const char *doc, int64_t party, const char *period,
			  char run_date[11], char *path, size_t cap, int64_t *bytes, char sha256[65],
			  struct ng_err *err);
int ledger_journal_add(struct ledger *L, const struct journal_row *r, struct ng_err *err);
/* The same, but a row already there (a merge run again) is left as it is. */
int ledger_journal_merge(struct ledger *L, const struct journal_row *r, struct ng_err *err);

/* Calls fn for each journal row of run_date in sequence order. */
int ledger_journal_each(struct ledger *L, const char *run_date,
			int (*fn)(const struct journal_row *r, void *arg), void *arg, struct ng_err *err);

/* A spoiled piece to print again: the journal row of the copy the shop spoiled. */
struct reprint {
	char doc[16];
	int64_t party_id;
	char period[24];
	int copy;                /* the spoiled copy; the reprint is copy + 1 */
	char as_of[11];          /* the run date the document was first made as of */
	int64_t ord;             /* the spoiled copy's ord */
	char sha256[65], path[256];
};

/* Spoiled pieces of case_key from nights before tonight not yet printed again (at most max). */
int ledger_reprints(struct ledger *L, int64_t case_key, const char *tonight, struct reprint *out, int max,
		    struct ng_err *err);

/*
 * The print-shop handoff (ledger_print.c). A piece as the batches see it:
 * its journal row, the recipient's ZIP, and its place once planned.
 */
struct print_piece {
	int64_t ord, seq, case_key, party_id;
	char doc[16], period[24], as_of[11], lang[8];
	int copy, pages, sheets;
	char zip[16], dp[4], country[32];
	char batch[64];
	int batch_page, batch_pages;
	int64_t serial;              /* -1: no IMb */
	char tracking[21], routing[12];
	/* Its per-case PDF (in the run folder) as journaled: read by the batch's drawing only. */
	char path[256], sha256[65];
	int64_t bytes;
};

/* A print batch as written, for the job ticket. */
struct batch_row {
	char batch[64], doc[16];
	int64_t pieces, pages, sheets, first_seq, last_seq, bytes;
	char sha256[65];
};

/*
 * How many of date's pieces are planned into batches (0: not yet); *stale
 * if the plan no longer matches the date's journal piece for piece.
 */
int ledger_print_planned(struct ledger *L, const char *date, int64_t *n, int *stale, struct ng_err *err);

/* Drops date's print plan and batch records (a stale plan is made again). */
int ledger_print_forget(struct ledger *L, const char *date, struct ng_err *err);

/*
 * Plans date's pieces in print order (by job, folded before flat,
 * domestic before foreign, then ZIP, ZIP+4, delivery point): place fills
 * each piece's batch, pages and IMb, which are recorded. Call inside a
 * transaction.
 */
int ledger_print_plan(struct ledger *L, const char *date, int fold_max_sheets,
		      int (*place)(struct print_piece *p, void *arg), void *arg, struct ng_err *err);

/* The next IMb serial for mailer_id (0 if none yet), and saving it. */
int ledger_imb_next(struct ledger *L, const char *mailer_id, int64_t *next, struct ng_err *err);
int ledger_imb_save(struct ledger *L, const char *mailer_id, int64_t next, struct ng_err *err);

/* IMb serials given to pieces of nights from since on. */
int ledger_imb_recent(struct ledger *L, const char *since, int64_t *n, struct ng_err *err);

/* date's batch names in order, and one batch's pieces in page order. */
int ledger_print_batch_names(struct ledger *L, const char *date, int (*fn)(const char *batch, void *arg),
			     void *arg, struct ng_err *err);
int ledger_print_batch_pieces(struct ledger *L, const char *date, const char *batch,
			      int (*fn)(struct print_piece *p, void *arg), void *arg, struct ng_err *err);

/* Batches written: record one; call fn for each of date's (or only batch, if not NULL). */
int ledger_batch_record(struct ledger *L, const char *date, const struct batch_row *b, struct ng_err *err);
int ledger_batch_each(struct ledger *L, const char *date, const char *batch,
		      int (*fn)(const struct batch_row *b, void *arg), void *arg, struct ng_err *err);

/*
 * Records the fate (mailed, spoiled, returned) of piece seq of date's
 * print run. 1 if recorded, 0 if date had no such piece, -1 on error.
 */
int ledger_fate_record(struct ledger *L, const char *date, int64_t seq, const char *status,
		       const char *now, const char *source, struct ng_err *err);

int ledger_exception_add(struct ledger *L, const char *run_date, int64_t case_key, int64_t party,
			 const char *doc, const char *reason, struct ng_err *err);
int ledger_exceptions_each(struct ledger *L, const char *run_date,
			   int (*fn)(int64_t case_key, const char *case_id, int64_t party,
				     const char *doc, const char *reason, void *arg),
			   void *arg, struct ng_err *err);

int ledger_run_mark(struct ledger *L, const char *run_date, const char *status, const char *now,
		    struct ng_err *err);

/* PINs at rest: sealed bytes only. get returns 1 if found, 0 if none. */
int ledger_pin_get(struct ledger *L, int64_t party, char key_id[17], unsigned char *nonce,
		   size_t nonce_len, unsigned char *sealed, size_t *sealed_len, struct ng_err *err);
int ledger_pin_put(struct ledger *L, int64_t party, const char *key_id, const unsigned char *nonce,
		   size_t nonce_len, const unsigned char *sealed, size_t sealed_len,
		   const char *issued_on, struct ng_err *err);
int ledger_pin_audit(struct ledger *L, int64_t party, int64_t case_key, const char *at,
		     const char *event, const char *staff, const char *reason, struct ng_err *err);

/*
 * Calls fn for each party (in party order) of an open case with an order
 * recorded in [from, to] and no PIN yet.
 */
int ledger_parties_needing_pin(struct ledger *L, struct ng_date from, struct ng_date to,
			       int (*fn)(int64_t party, int64_t case_key, void *arg), void *arg,
			       struct ng_err *err);

/*
 * The PIN events of a case that call for a letter (issue, reissue, replace)
 * dated in [from, to] and not sent on a night before to, in audit order:
 * the first max audit ids and parties into the arrays. Returns how many
 * there are (possibly more than max), or -1.
 */
int ledger_pin_letters(struct ledger *L, int64_t case_key, struct ng_date from, struct ng_date to,
		       int64_t *audit, int64_t *party, int max, struct ng_err *err);

/* ------------------------------------------------------------------ */
/* PIN administration (src/ledger_pin.c): the `noticegen pin` commands.  */
/* ------------------------------------------------------------------ */

/* A case as staff name it: its identifier and county. */
struct ledger_case {
	int64_t key;
	char id[16], county[32];
	int closed;
};

/*
 * Finds the case with identifier case_id (and county, unless NULL),
 * ignoring letter case. Returns how many cases match (0, 1 or more) with
 * the first in *c and, when there are several, their counties as "A, B"
 * in counties (cap bytes); -1 on a ledger error.
 */
int ledger_case_find(struct ledger *L, const char *case_id, const char *county, struct ledger_case *c,
		     char *counties, size_t cap, struct ng_err *err);

/* The parties of case_key with role ("CP" or "NCP"): how many (first id in *party), or -1. */
int ledger_party_find(struct ledger *L, int64_t case_key, const char *role, int64_t *party,
		      struct ng_err *err);

/* The date (YYYY-MM-DD) party's PIN was stored: 1 if it has one, 0 if not, -1 on error. */
int ledger_pin_issued_on(struct ledger *L, int64_t party, char issued_on[11], struct ng_err *err);

/*
 * Re-seals party's PIN in place (key, nonce, ciphertext), keeping its issue
 * date. Fails if the party has no PIN row.
 */
int ledger_pin_reseal(struct ledger *L, int64_t party, const char *key_id, const unsigned char *nonce,
		      size_t nonce_len, const unsigned char *sealed, size_t sealed_len,
		      struct ng_err *err);
/* How many PINs are sealed under another key than key_id (one such key's id in other); -1 on error. */
long ledger_pins_other_key(struct ledger *L, const char *key_id, char other[17], struct ng_err *err);

/*
 * Appends an audit row like ledger_pin_audit, but party and case_key 0 are
 * stored as NULL (a rekey concerns no one party), and the new row's id is
 * returned in *audit_id (if not NULL): a staff reissue's letter is named by it.
 */
int ledger_pin_audit_add(struct ledger *L, int64_t party, int64_t case_key, const char *at,
			 const char *event, const char *staff, const char *reason, int64_t *audit_id,
			 struct ng_err *err);

/*
 * Withdraws audit row audit_id of event (a replacement undone in the same
 * breath because its letter could not be written: the trail and the
 * reissue limit count only what happened). Returns 0 or an error.
 */
int ledger_pin_audit_withdraw(struct ledger *L, int64_t audit_id, const char *event, struct ng_err *err);

/*
 * How many reissues and replacements (events reissue, reissue_now, replace,
 * replace_now) of party's PIN are dated at or after since (a UTC timestamp
 * YYYY-MM-DDTHH:MM:SSZ). Returns the count, or -1.
 */
int ledger_pin_reissues_since(struct ledger *L, int64_t party, const char *since, struct ng_err *err);

/* One row of the PIN audit trail, as `pin history` shows it. Never holds a PIN. */
struct ledger_pin_event {
	int64_t audit_id, party;      /* party 0: the event concerns no one party (rekey) */
	char at[24], event[16], role[8];
	char staff[128], reason[512];
};

/*
 * Calls fn for each audit row of case_key's PINs, and each rekey (which
 * touched every PIN), in audit order. fn returns non-zero to stop; that
 * value is returned.
 */
int ledger_pin_history(struct ledger *L, int64_t case_key,
		       int (*fn)(const struct ledger_pin_event *e, void *arg), void *arg,
		       struct ng_err *err);

/* Where a stored PIN is, and under which key: what a rekey walks. */
struct ledger_pin_ref {
	int64_t party, case_key;      /* case_key 0: no such party in the ledger */
	char key_id[17];
	char case_id[16], county[32]; /* for messages: "" if unknown */
};

/*
 * Every stored PIN, in party order, into *refs (you own it: free(3) it).
 * Returns how many, or -1.
 */
long ledger_pin_refs(struct ledger *L, struct ledger_pin_ref **refs, struct ng_err *err);

#endif
