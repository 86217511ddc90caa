#include "ledger.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ledger_sql.h"
#include "utf8.h"

extern const char ng_schema_sql[];

#define SCHEMA_VERSION 2
#define MAX_AMOUNT ((ng_cents)100000000000)   /* one billion dollars: anything larger is a typo */

enum stmt_id {
	Q_CASE_KEYS, Q_CASE, Q_PARTIES, Q_ORDERS,
	Q_SUM_CHARGES, Q_SUM_PAYMENTS, Q_SUM_ADJ,
	Q_CHARGES, Q_PAYMENTS, Q_ADJ, Q_DISB,
	Q_J_LOOKUP, Q_J_ADD, Q_J_MERGE, Q_J_EACH, Q_X_ADD, Q_X_EACH, Q_RUN_MARK,
	Q_PIN_GET, Q_PIN_PUT, Q_PIN_AUDIT, Q_NEED_PIN, Q_PIN_LETTERS, Q_BAD_ROWS, Q_REPRINTS,
	Q_COUNT
};

/* Every query of the run, prepared once. Each per-case query is served by an index. */
static const char *const sql[Q_COUNT] = {
	[Q_CASE_KEYS] = "SELECT case_key FROM cases WHERE case_key > ?1 ORDER BY case_key LIMIT ?2",
	[Q_CASE] = "SELECT case_id, county, status FROM cases WHERE case_key = ?1",
	[Q_PARTIES] = "SELECT party_id, role, name, addr1, addr2, city, state, zip, country, lang, ssn, delivery_point"
		      " FROM parties WHERE case_key = ?1 ORDER BY party_id",
	[Q_ORDERS] = "SELECT order_id, monthly_cents, start_date, end_date, pay_method, recorded_on"
		     " FROM orders WHERE case_key = ?1 ORDER BY order_id",
	[Q_SUM_CHARGES] = "SELECT coalesce(sum(amount_cents), 0), count(*) FROM charges"
			  " WHERE case_key = ?1 AND charge_date < ?2",
	[Q_SUM_PAYMENTS] = "SELECT coalesce(sum(amount_cents), 0), count(*) FROM payments"
			   " WHERE case_key = ?1 AND received_on < ?2",
	[Q_SUM_ADJ] = "SELECT coalesce(sum(amount_cents), 0), count(*) FROM adjustments"
		      " WHERE case_key = ?1 AND adjusted_on < ?2",
	[Q_CHARGES] = "SELECT charge_date, kind, amount_cents FROM charges"
		      " WHERE case_key = ?1 AND charge_date >= ?2 AND charge_date <= ?3"
		      " ORDER BY charge_date, charge_id",
	[Q_PAYMENTS] = "SELECT received_on, source, amount_cents FROM payments"
		       " WHERE case_key = ?1 AND received_on >= ?2 AND received_on <= ?3"
		       " ORDER BY received_on, payment_id",
	[Q_ADJ] = "SELECT adjusted_on, reason, amount_cents FROM adjustments"
		  " WHERE case_key = ?1 AND adjusted_on >= ?2 AND adjusted_on <= ?3"
		  " ORDER BY adjusted_on, adjustment_id",
	[Q_DISB] = "SELECT disbursed_on, method, amount_cents FROM disbursements"
		   " WHERE case_key = ?1 AND disbursed_on >= ?2 AND disbursed_on <= ?3"
		   " ORDER BY disbursed_on, disbursement_id",
	[Q_J_LOOKUP] = "SELECT run_date, path, bytes, sha256 FROM journal"
		       " WHERE doc_type = ?1 AND party_id = ?2 AND period = ?3 AND copy = 0",
	[Q_J_ADD] = "INSERT INTO journal (run_date, ord, doc_type, period, case_key, party_id, lang,"
		    " pages, sheets, bytes, path, sha256, copy, reprint_of)"
		    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
	[Q_J_MERGE] = "INSERT OR IGNORE INTO journal (run_date, ord, doc_type, period, case_key, party_id,"
		      " lang, pages, sheets, bytes, path, sha256, copy, reprint_of)"
		      " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)",
	[Q_J_EACH] = "SELECT j.run_date, j.ord, j.doc_type, j.period, j.case_key, j.party_id,"
		     " c.case_id, c.county, p.role, j.lang, j.pages, j.sheets, j.bytes, j.path, j.sha256,"
		     " p.name, p.addr1, coalesce(p.addr2, ''), p.city, p.state, p.zip, p.country,"
		     " j.copy, coalesce(j.reprint_of, ''), coalesce(pp.batch, ''), coalesce(pp.batch_page, 0),"
		     " coalesce(pp.batch_pages, 0), coalesce(pp.serial, -1), coalesce(pp.routing, ''),"
		     " coalesce(pp.tracking, ''),"
		     " coalesce(p.delivery_point, '')"
		     " FROM journal j JOIN cases c ON c.case_key = j.case_key"
		     " JOIN parties p ON p.party_id = j.party_id"
		     " LEFT JOIN print_pieces pp ON pp.run_date = j.run_date AND pp.ord = j.ord"
		     " WHERE j.run_date = ?1 AND j.ord > ?2 ORDER BY j.ord LIMIT ?3",
	[Q_X_ADD] = "INSERT OR IGNORE INTO exceptions (run_date, case_key, party_id, doc_type, reason)"
		    " VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_X_EACH] = "SELECT x.case_key, coalesce(c.case_id, ''), x.party_id, coalesce(x.doc_type, ''),"
		     " x.reason FROM exceptions x LEFT JOIN cases c ON c.case_key = x.case_key"
		     " WHERE x.run_date = ?1 ORDER BY x.case_key, x.party_id, x.doc_type, x.reason",
	[Q_RUN_MARK] = "INSERT INTO runs (run_date, started_at, status) VALUES (?1, ?2, ?3)"
		       " ON CONFLICT (run_date) DO UPDATE SET status = ?3,"
		       " finished_at = CASE WHEN ?3 = 'running' THEN NULL ELSE ?2 END",
	[Q_PIN_GET] = "SELECT key_id, nonce, sealed FROM pins WHERE party_id = ?1",
	[Q_PIN_PUT] = "INSERT OR REPLACE INTO pins (party_id, key_id, nonce, sealed, issued_on)"
		      " VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_PIN_AUDIT] = "INSERT INTO pin_audit (party_id, case_key, at, event, staff, reason)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[Q_NEED_PIN] = "SELECT DISTINCT p.party_id, p.case_key FROM orders o"
		       " JOIN cases c ON c.case_key = o.case_key AND c.status = 'open'"
		       " JOIN parties p ON p.case_key = o.case_key"
		       " WHERE o.recorded_on >= ?1 AND o.recorded_on <= ?2"
		       " AND NOT EXISTS (SELECT 1 FROM pins WHERE pins.party_id = p.party_id)"
		       " ORDER BY p.party_id",
	/*
	 * Rows outside the periods are only summed, so they are checked here, all
	 * at once: a whole, positive (adjustments: any sign), sane number of
	 * cents on a real date. sum() would otherwise take 'abc' as 0 and 12.5 as is.
	 */
#define GOOD_DATE(c) "(" c " BETWEEN '1900-01-01' AND '2199-12-31' AND date(julianday(" c ")) IS " c ")"
#define GOOD_CENTS(c, min) "(typeof(" c ") = 'integer' AND " c " >= " min " AND abs(" c ") <= 100000000000)"
	[Q_BAD_ROWS] = "SELECT 'payment', received_on, typeof(amount_cents), CAST(amount_cents AS TEXT) FROM payments"
		       " WHERE case_key = ?1 AND NOT (" GOOD_DATE("received_on") " AND " GOOD_CENTS("amount_cents", "1") ")"
		       " UNION ALL SELECT 'charge', charge_date, typeof(amount_cents), CAST(amount_cents AS TEXT) FROM charges"
		       " WHERE case_key = ?1 AND NOT (" GOOD_DATE("charge_date") " AND " GOOD_CENTS("amount_cents", "1") ")"
		       " UNION ALL SELECT 'adjustment', adjusted_on, typeof(amount_cents), CAST(amount_cents AS TEXT) FROM adjustments"
		       " WHERE case_key = ?1 AND NOT (" GOOD_DATE("adjusted_on") " AND " GOOD_CENTS("amount_cents", "-100000000000") ")"
		       " UNION ALL SELECT 'disbursement', disbursed_on, typeof(amount_cents), CAST(amount_cents AS TEXT) FROM disbursements"
		       " WHERE case_key = ?1 AND NOT (" GOOD_DATE("disbursed_on") " AND " GOOD_CENTS("amount_cents", "1") ")"
		       " LIMIT 1",
	/* Letters sent on an earlier night are left out: the window may hold more events than a night's slots. */
	[Q_PIN_LETTERS] = "SELECT a.audit_id, a.party_id FROM pin_audit a"
			  " WHERE a.case_key = ?1 AND a.event IN ('issue', 'reissue', 'replace')"
			  " AND substr(a.at, 1, 10) >= ?2 AND substr(a.at, 1, 10) <= ?3"
			  " AND NOT EXISTS (SELECT 1 FROM journal j WHERE j.doc_type = 'pinletter'"
			  " AND j.party_id = a.party_id AND j.period = 'pin-' || a.audit_id AND j.copy = 0"
			  " AND j.run_date < ?3) ORDER BY a.audit_id",
	/* Pieces of the case the print shop spoiled on an earlier night and not yet printed again. */
	[Q_REPRINTS] = "SELECT f.doc_type, f.party_id, f.period, f.copy, coalesce(j.reprint_of, j.run_date),"
		       " j.ord, j.sha256, j.path FROM fates f"
		       " JOIN journal j ON j.doc_type = f.doc_type AND j.party_id = f.party_id"
		       " AND j.period = f.period AND j.copy = f.copy"
		       " WHERE f.case_key = ?1 AND f.status = 'spoiled' AND f.run_date < ?2"
		       " AND NOT EXISTS (SELECT 1 FROM journal r WHERE r.doc_type = f.doc_type"
		       " AND r.party_id = f.party_id AND r.period = f.period AND r.copy = f.copy + 1)"
		       " ORDER BY f.run_date, f.seq",
};

struct ledger {
	sqlite3 *db;
	char path[1024];
	sqlite3_stmt *st[Q_COUNT];
	struct timespec busy_since;       /* when the current wait for a lock began */
	int truncating;                   /* this connection commits in TRUNCATE mode (keep_journal) */
};

/*
 * How long to wait for another connection's lock: a --jobs worker holds its
 * read lock while it draws and writes a case, and a write can stall while
 * the kernel flushes dirty pages. A nightly job can afford to wait.
 */
#define BUSY_LIMIT_S 30

/*
 * Waits for a lock another connection holds, in steps of 50 us to 1 ms,
 * for BUSY_LIMIT_S at most.
 * SQLite's own wait sleeps 1, 2, 5, 10... ms; a --jobs worker waiting for
 * the other's commit, which holds the lock for a millisecond, slept up to
 * ten times that, and the night's second core sat idle.
 */
static int busy_wait(void *arg, int tries)
{
	struct ledger *L = arg;
	struct timespec now, nap = { 0, 0 };

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (tries == 0)
		L->busy_since = now;
	else if ((now.tv_sec - L->busy_since.tv_sec) * 1000 + (now.tv_nsec - L->busy_since.tv_nsec) / 1000000 >=
		 BUSY_LIMIT_S * 1000)
		return 0;
	nap.tv_nsec = 50000L << (tries < 5 ? tries : 5);
	if (nap.tv_nsec > 1000000L)
		nap.tv_nsec = 1000000L;
	nanosleep(&nap, NULL);
	return 1;
}

static int dbfail(struct ledger *L, const char *what, struct ng_err *err)
{
	int rc = sqlite3_extended_errcode(L->db) & 0xff;

	/* A full disk or an I/O error is an output problem (exit 73), not a bad ledger. */
	return ng_fail(err, rc == SQLITE_FULL || rc == SQLITE_IOERR ? NG_EOUTPUT : NG_ELEDGER,
		       "ledger '%s': %s: %s", L->path, what, sqlite3_errmsg(L->db));
}

int ledger_sqlfail(struct ledger *L, const char *what, struct ng_err *err)
{
	return dbfail(L, what, err);
}

sqlite3_stmt *ledger_prepare(struct ledger *L, const char *q, const char *what, struct ng_err *err)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(L->db, q, -1, &s, NULL) != SQLITE_OK) {
		dbfail(L, what, err);
		sqlite3_finalize(s);
		return NULL;
	}
	return s;
}

/*
 * Schema 1 to 2 (the print shop's handoff): the journal gains copy and
 * reprint_of, and copy joins its key, so the table is made again; parties
 * gain delivery_point; the new tables come from the schema itself. One
 * transaction: an upgrade that fails leaves the ledger as it was.
 */
static const char upgrade_1_2[] =
	"BEGIN IMMEDIATE;"
	"ALTER TABLE parties ADD COLUMN delivery_point TEXT;"
	"ALTER TABLE journal RENAME TO journal_v1;"
	"DROP INDEX IF EXISTS journal_case;"
	"CREATE TABLE journal (run_date TEXT NOT NULL, ord INTEGER NOT NULL, doc_type TEXT NOT NULL,"
	" period TEXT NOT NULL, case_key INTEGER NOT NULL, party_id INTEGER NOT NULL, lang TEXT NOT NULL,"
	" pages INTEGER NOT NULL, sheets INTEGER NOT NULL, bytes INTEGER NOT NULL, path TEXT NOT NULL,"
	" sha256 TEXT NOT NULL, copy INTEGER NOT NULL DEFAULT 0, reprint_of TEXT,"
	" PRIMARY KEY (doc_type, party_id, period, copy), UNIQUE (run_date, ord));"
	"INSERT INTO journal (run_date, ord, doc_type, period, case_key, party_id, lang, pages, sheets, bytes,"
	" path, sha256) SELECT run_date, ord, doc_type, period, case_key, party_id, lang, pages, sheets, bytes,"
	" path, sha256 FROM journal_v1;"
	"DROP TABLE journal_v1;";

static int schema_version(sqlite3 *db)
{
	sqlite3_stmt *v = NULL;
	int version = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &v, NULL) == SQLITE_OK && sqlite3_step(v) == SQLITE_ROW)
		version = sqlite3_column_int(v, 0);
	sqlite3_finalize(v);
	return version;
}

int ledger_init(const char *path, struct ng_err *err)
{
	sqlite3 *db = NULL;
	char *msg = NULL;
	int ret = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) == SQLITE_OK &&
	    schema_version(db) == 1) {
		/* The schema script (IF NOT EXISTS) then adds what is new, in the same transaction. */
		if (sqlite3_exec(db, upgrade_1_2, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, ng_schema_sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			ret = ng_fail(err, NG_ELEDGER, "cannot upgrade '%s' from schema 1 to %d: %s; it is unchanged",
				      path, SCHEMA_VERSION, msg ? msg : sqlite3_errmsg(db));
			sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		}
		sqlite3_free(msg);
		sqlite3_close(db);
		return ret;
	}
	if (!db || sqlite3_exec(db, ng_schema_sql, NULL, NULL, &msg) != SQLITE_OK)
		ret = ng_fail(err, NG_ELEDGER, "cannot create the schema in '%s': %s", path,
			      msg ? msg : (db ? sqlite3_errmsg(db) : "out of memory"));
	sqlite3_free(msg);
	sqlite3_close(db);
	return ret;
}

/* The ledger's journal mode as SQLite names it ("delete", "wal"...), into mode; "" if unknown. */
static void journal_mode(struct ledger *L, char mode[16])
{
	sqlite3_stmt *s = NULL;

	mode[0] = '\0';
	if (sqlite3_prepare_v2(L->db, "PRAGMA journal_mode", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
		snprintf(mode, 16, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

/*
 * A ledger in SQLite's default rollback mode (DELETE) creates its journal
 * file at every commit and unlinks it after: two changes to the ledger's
 * folder a commit, and a --jobs worker starting a read while the other
 * commits finds the file there and must check it. This connection commits
 * in TRUNCATE mode instead: the same journal, kept and cut to zero bytes,
 * the truncation being the commit point as the unlink was. (Three rounds
 * here, in turn: a --jobs 2 night 6-8% faster, --jobs 1 the same; the
 * machine's noise is as large.) The mode is this connection's
 * alone, not written in the ledger; ledger_close sets DELETE again, which
 * removes the file. A ledger in any other mode (WAL) is left as it is.
 */
static void keep_journal(struct ledger *L)
{
	char mode[16];

	journal_mode(L, mode);
	if (!strcmp(mode, "delete") &&
	    sqlite3_exec(L->db, "PRAGMA journal_mode = TRUNCATE", NULL, NULL, NULL) == SQLITE_OK)
		L->truncating = 1;
}

struct ledger *ledger_open(const char *path, struct ng_err *err)
{
	struct ledger *L = calloc(1, sizeof(*L));
	sqlite3_stmt *v = NULL;
	int i, version = -1;

	if (!L) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	snprintf(L->path, sizeof(L->path), "%s", path);
	if (sqlite3_open_v2(path, &L->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		ng_fail(err, NG_ELEDGER, "cannot open ledger '%s': %s; check paths:ledger in the config",
			path, L->db ? sqlite3_errmsg(L->db) : "out of memory");
		goto fail;
	}
	sqlite3_busy_handler(L->db, busy_wait, L);
	if (sqlite3_prepare_v2(L->db, "PRAGMA user_version", -1, &v, NULL) != SQLITE_OK ||
	    sqlite3_step(v) != SQLITE_ROW) {
		ng_fail(err, NG_ELEDGER, "'%s' is not an SQLite ledger (%s)", path, sqlite3_errmsg(L->db));
		sqlite3_finalize(v);
		goto fail;
	}
	version = sqlite3_column_int(v, 0);
	sqlite3_finalize(v);
	if (version == 1) {
		ng_fail(err, NG_ELEDGER, "ledger '%s' has schema version 1, this noticegen reads %d: back it up, "
			"then upgrade it with 'noticegen init-db %s'", path, SCHEMA_VERSION, path);
		goto fail;
	}
	if (version != SCHEMA_VERSION) {
		ng_fail(err, NG_ELEDGER, "ledger '%s' has schema version %d, this noticegen reads %d; "
			"create it with 'noticegen init-db'", path, version, SCHEMA_VERSION);
		goto fail;
	}
	keep_journal(L);
	for (i = 0; i < Q_COUNT; i++) {
		if (sqlite3_prepare_v3(L->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &L->st[i], NULL) != SQLITE_OK) {
			dbfail(L, "the ledger's tables are not as the schema says", err);
			goto fail;
		}
	}
	return L;
fail:
	ledger_close(L);
	return NULL;
}

int ledger_scans(struct ledger *L, char *why, size_t cap)
{
	/* The queries run once per case or per document: none may read a whole table. */
	static const enum stmt_id per_case[] = {
		Q_CASE, Q_PARTIES, Q_ORDERS, Q_SUM_CHARGES, Q_SUM_PAYMENTS, Q_SUM_ADJ, Q_CHARGES,
		Q_PAYMENTS, Q_ADJ, Q_DISB, Q_J_LOOKUP, Q_PIN_GET, Q_PIN_LETTERS, Q_BAD_ROWS, Q_CASE_KEYS,
	};
	size_t i, used = 0;
	int found = 0;

	why[0] = '\0';
	for (i = 0; i < sizeof(per_case) / sizeof(*per_case); i++) {
		char *q = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql[per_case[i]]);
		sqlite3_stmt *s = NULL;

		if (q && sqlite3_prepare_v2(L->db, q, -1, &s, NULL) == SQLITE_OK)
			while (sqlite3_step(s) == SQLITE_ROW) {
				const char *d = (const char *)sqlite3_column_text(s, 3);

				if (d && !strncmp(d, "SCAN ", 5) && strncmp(d, "SCAN CONSTANT", 13)) {
					found++;
					used += (size_t)snprintf(why + used, used < cap ? cap - used : 0, "%s%s in: %.60s",
								 used ? "; " : "", d, sql[per_case[i]]);
				}
			}
		sqlite3_finalize(s);
		sqlite3_free(q);
	}
	return found;
}

struct sqlite3 *ledger_db(struct ledger *L)
{
	return L->db;
}

void ledger_close(struct ledger *L)
{
	int i;

	if (!L)
		return;
	for (i = 0; i < Q_COUNT; i++)
		sqlite3_finalize(L->st[i]);
	if (L->truncating)
		sqlite3_exec(L->db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
	sqlite3_close(L->db);
	free(L);
}

static int exec(struct ledger *L, const char *s, struct ng_err *err)
{
	if (sqlite3_exec(L->db, s, NULL, NULL, NULL) != SQLITE_OK)
		return dbfail(L, s, err);
	return 0;
}

int ledger_begin(struct ledger *L, struct ng_err *err)
{
	return exec(L, "BEGIN IMMEDIATE", err);
}

int ledger_commit(struct ledger *L, struct ng_err *err)
{
	return exec(L, "COMMIT", err);
}

void ledger_rollback(struct ledger *L)
{
	sqlite3_exec(L->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Resets statement id and binds its first parameter; returns it. */
static sqlite3_stmt *use(struct ledger *L, enum stmt_id id)
{
	sqlite3_stmt *s = L->st[id];

	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return s;
}

static void bind_date(sqlite3_stmt *s, int i, struct ng_date d)
{
	char buf[11];

	dates_iso(buf, d);
	sqlite3_bind_text(s, i, buf, -1, SQLITE_TRANSIENT);
}

long ledger_case_count(struct ledger *L)
{
	sqlite3_stmt *s = NULL;
	long n = 0;

	if (sqlite3_prepare_v2(L->db, "SELECT count(*) FROM cases", -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

int ledger_exec_each(struct ledger *L, const char *const *q, size_t n, const char *arg, const char *what,
		     struct ng_err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		sqlite3_stmt *s = ledger_prepare(L, q[i], what, err);
		int rc;

		if (!s)
			return -1;
		sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return dbfail(L, what, err);
	}
	return 0;
}

int ledger_forget_date(struct ledger *L, const char *run_date, struct ng_err *err)
{
	static const char *const del[] = {
		"DELETE FROM journal WHERE run_date = ?1", "DELETE FROM exceptions WHERE run_date = ?1",
		"DELETE FROM runs WHERE run_date = ?1", "DELETE FROM print_pieces WHERE run_date = ?1",
		"DELETE FROM print_batches WHERE run_date = ?1",
	};

	if (ledger_begin(L, err))
		return -1;
	if (ledger_exec_each(L, del, sizeof(del) / sizeof(*del), run_date, "forgetting the date for --rerun", err)) {
		ledger_rollback(L);
		return -1;
	}
	return ledger_commit(L, err);
}

int ledger_forget_exceptions(struct ledger *L, const char *run_date, struct ng_err *err)
{
	static const char *const del[] = { "DELETE FROM exceptions WHERE run_date = ?1" };

	return ledger_exec_each(L, del, 1, run_date, "forgetting an earlier try's exceptions", err);
}

int ledger_case_keys(struct ledger *L, int64_t after, int64_t *keys, int max, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_CASE_KEYS);
	int n = 0, rc;

	sqlite3_bind_int64(s, 1, after);
	sqlite3_bind_int(s, 2, max);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		keys[n++] = sqlite3_column_int64(s, 0);
	if (rc != SQLITE_DONE)
		return dbfail(L, "listing cases", err), -1;
	return n;
}

/*
 * Copies a text column into out, refusing what cannot be printed: invalid
 * UTF-8, control characters, or more than fits.
 */
static int take_text(sqlite3_stmt *s, int col, char *out, size_t cap, int required,
		     const char *what, struct ng_err *err)
{
	const char *v = (const char *)sqlite3_column_text(s, col);
	int len = sqlite3_column_bytes(s, col);

	out[0] = '\0';
	if (!v || len == 0) {
		if (required)
			return ng_fail(err, NG_EDATA, "%s is empty", what);
		return 0;
	}
	if ((size_t)len >= cap)
		return ng_fail(err, NG_EDATA, "%s is %d bytes long; at most %zu fit", what, len, cap - 1);
	if ((int)strlen(v) != len || !utf8_is_clean(v, (size_t)len) || memchr(v, '\n', (size_t)len))
		return ng_fail(err, NG_EDATA, "%s holds invalid UTF-8 or control characters", what);
	memcpy(out, v, (size_t)len + 1);
	return 0;
}

static int take_date(sqlite3_stmt *s, int col, struct ng_date *d, int required, const char *what,
		     struct ng_err *err)
{
	const char *v = (const char *)sqlite3_column_text(s, col);

	memset(d, 0, sizeof(*d));
	if (!v || !*v)
		return required ? ng_fail(err, NG_EDATA, "%s is missing", what) : 0;
	if (dates_parse(v, d) != 0)
		return ng_fail(err, NG_EDATA, "%s '%.20s' is not a date from 1900 to 2199", what, v);
	return 0;
}

static int take_amount(sqlite3_stmt *s, int col, ng_cents *out, int sign, const char *what,
		       struct ng_err *err)
{
	sqlite3_int64 v;

	if (sqlite3_column_type(s, col) != SQLITE_INTEGER)
		return ng_fail(err, NG_EDATA, "%s is not a whole number of cents", what);
	v = sqlite3_column_int64(s, col);
	if (v > MAX_AMOUNT || v < -MAX_AMOUNT || (sign > 0 && v <= 0))
		return ng_fail(err, NG_EDATA, "%s of %lld cents is %s", what, (long long)v,
			       sign > 0 && v <= 0 ? "not positive" : "out of range");
	*out = v;
	return 0;
}

static int load_parties(struct ledger *L, struct case_facts *cf, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_PARTIES);
	int rc, ncp = 0, cp = 0;

	sqlite3_bind_int64(s, 1, cf->key);
	cf->nparty = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct party *p;
		char role[8], ssn[16];

		if (cf->nparty == LEDGER_PARTIES)
			return ng_fail(err, NG_EDATA, "more than %d parties", LEDGER_PARTIES);
		p = &cf->party[cf->nparty];
		memset(p, 0, sizeof(*p));
		p->id = sqlite3_column_int64(s, 0);
		if (take_text(s, 1, role, sizeof(role), 1, "party role", err) ||
		    take_text(s, 2, p->name, sizeof(p->name), 1, "party name", err) ||
		    take_text(s, 3, p->addr1, sizeof(p->addr1), 0, "address line 1", err) ||
		    take_text(s, 4, p->addr2, sizeof(p->addr2), 0, "address line 2", err) ||
		    take_text(s, 5, p->city, sizeof(p->city), 0, "city", err) ||
		    take_text(s, 6, p->state, sizeof(p->state), 0, "state", err) ||
		    take_text(s, 7, p->zip, sizeof(p->zip), 0, "ZIP code", err) ||
		    take_text(s, 8, p->country, sizeof(p->country), 0, "country", err) ||
		    take_text(s, 9, p->lang, sizeof(p->lang), 1, "language code", err) ||
		    take_text(s, 10, ssn, sizeof(ssn), 0, "SSN", err) ||
		    take_text(s, 11, p->dp, sizeof(p->dp), 0, "delivery point", err)) {
			ng_err_prefix(err, "party %lld", (long long)p->id);
			return NG_EDATA;
		}
		if (!strcmp(role, "CP")) {
			p->role = ROLE_CP;
			cp++;
		} else if (!strcmp(role, "NCP")) {
			p->role = ROLE_NCP;
			ncp++;
		} else {
			return ng_fail(err, NG_EDATA, "party %lld has unknown role '%s' (expected CP or NCP)",
				       (long long)p->id, role);
		}
		if (p->dp[0] && (strlen(p->dp) != 2 || !isdigit((unsigned char)p->dp[0]) ||
				 !isdigit((unsigned char)p->dp[1])))
			return ng_fail(err, NG_EDATA, "party %lld: delivery point '%s' is not two digits",
				       (long long)p->id, p->dp);
		if (strlen(ssn) >= 4)
			memcpy(p->ssn4, ssn + strlen(ssn) - 4, 5);
		cf->nparty++;
	}
	if (rc != SQLITE_DONE)
		return dbfail(L, "reading parties", err);
	if (cp != 1 || ncp != 1)
		return ng_fail(err, NG_EDATA, "the case has %d custodial and %d noncustodial parents; "
			       "it needs one of each", cp, ncp);
	return 0;
}

static int load_orders(struct ledger *L, struct case_facts *cf, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_ORDERS);
	int rc;

	sqlite3_bind_int64(s, 1, cf->key);
	cf->norder = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct order *o;
		char method[16];

		if (cf->norder == LEDGER_ORDERS)
			return ng_fail(err, NG_EDATA, "more than %d support orders", LEDGER_ORDERS);
		o = &cf->order[cf->norder];
		o->id = sqlite3_column_int64(s, 0);
		if (take_amount(s, 1, &o->monthly, 1, "monthly support", err) ||
		    take_date(s, 2, &o->start, 1, "order start date", err) ||
		    take_date(s, 3, &o->end, 0, "order end date", err) ||
		    take_text(s, 4, method, sizeof(method), 1, "payment method", err) ||
		    take_date(s, 5, &o->recorded, 1, "order recorded date", err)) {
			ng_err_prefix(err, "order %lld", (long long)o->id);
			return NG_EDATA;
		}
		/* Every field set on every row: the struct is reused case after case. */
		o->direct = !strcmp(method, "direct");
		if (!o->direct && strcmp(method, "iwo"))
			return ng_fail(err, NG_EDATA, "order %lld has unknown payment method '%s' "
				       "(expected direct or iwo)", (long long)o->id, method);
		cf->norder++;
	}
	if (rc != SQLITE_DONE)
		return dbfail(L, "reading orders", err);
	return 0;
}

/* Sum of a money table before a date, overflow-checked by SQLite itself. */
static int sum_before(struct ledger *L, enum stmt_id id, int64_t key, struct ng_date before,
		      ng_cents *out, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, id);
	int rc;

	sqlite3_bind_int64(s, 1, key);
	bind_date(s, 2, before);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW) {
		if (sqlite3_errcode(L->db) == SQLITE_ERROR)
			return ng_fail(err, NG_EDATA, "amounts overflow: %s", sqlite3_errmsg(L->db));
		return dbfail(L, "summing amounts", err);
	}
	*out = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (*out > MAX_AMOUNT * 100 || *out < -MAX_AMOUNT * 100)
		return ng_fail(err, NG_EDATA, "a balance of %lld cents is out of range", (long long)*out);
	return 0;
}

static int push_row(struct rows *r, const struct money_row *m)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 32;
		struct money_row *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return -1;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = *m;
	return 0;
}

static const char *const sources[] = { "iwo", "direct", "tax_offset", "ui", "other", NULL };
static const char *const methods[] = { "direct_deposit", "debit_card", "check", NULL };
static const char *const kinds[] = { "support", "fee", NULL };

static int known(const char *const *codes, const char *v)
{
	for (; *codes; codes++)
		if (!strcmp(*codes, v))
			return 1;
	return 0;
}

/*
 * Reads the rows of one money table in a period, validating each; codes
 * lists the values the text column may take (NULL: free text).
 */
static int load_rows(struct ledger *L, enum stmt_id id, int64_t key, struct period p, int sign,
		     const char *const *codes, const char *what, struct rows *out, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, id);
	int rc;

	out->n = 0;
	sqlite3_bind_int64(s, 1, key);
	bind_date(s, 2, p.from);
	bind_date(s, 3, p.to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct money_row m;

		if (take_date(s, 0, &m.date, 1, what, err) ||
		    take_text(s, 1, m.what, sizeof(m.what), 1, what, err) ||
		    take_amount(s, 2, &m.amount, sign, what, err))
			return NG_EDATA;
		if (codes && !known(codes, m.what))
			return ng_fail(err, NG_EDATA, "%s on %04d-%02d-%02d has unknown code '%s'", what,
				       m.date.y, m.date.m, m.date.d, m.what);
		if (push_row(out, &m))
			return ng_fail(err, NG_EINTERNAL, "out of memory");
	}
	if (rc != SQLITE_DONE)
		return dbfail(L, "reading amounts", err);
	return 0;
}

static ng_cents total(const struct rows *r)
{
	ng_cents t = 0;
	size_t i;

	for (i = 0; i < r->n; i++)
		t += r->v[i].amount;
	return t;
}


/* Any row of the case's money tables that is not a sane amount on a real date. */
static int check_rows(struct ledger *L, int64_t key, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_BAD_ROWS);
	int rc;

	sqlite3_bind_int64(s, 1, key);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		char what[16], date[32], type[16], amount[48];

		ledger_text_col(s, 0, what, sizeof(what));
		ledger_text_col(s, 1, date, sizeof(date));
		ledger_text_col(s, 2, type, sizeof(type));
		ledger_text_col(s, 3, amount, sizeof(amount));
		sqlite3_reset(s);
		return ng_fail(err, NG_EDATA, "a %s dated '%s' has amount '%s' (%s): it needs a real date "
			       "from 1900 to 2199 and a %swhole number of cents, in range (at most a billion dollars)",
			       what, date, amount, type, strcmp(what, "adjustment") ? "positive " : "");
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		return dbfail(L, "checking amounts", err);
	return 0;
}

/* Balances: what the NCP owed before the statement, at its end, and for the coupon. */
static int load_balances(struct ledger *L, struct case_facts *cf, struct ng_err *err)
{
	ng_cents ch, pay, adj, pay_now, adj_now, ch_due;
	struct ng_date due_month = { cf->due.y, cf->due.m, 1 };
	struct ng_date after_run = dates_add_days(cf->run, 1);
	size_t i;

	if (sum_before(L, Q_SUM_CHARGES, cf->key, cf->stmt.from, &ch, err) ||
	    sum_before(L, Q_SUM_PAYMENTS, cf->key, cf->stmt.from, &pay, err) ||
	    sum_before(L, Q_SUM_ADJ, cf->key, cf->stmt.from, &adj, err))
		return -1;
	cf->opening = ch + adj - pay;
	cf->closing = cf->opening + total(&cf->charges) + total(&cf->adjustments) - total(&cf->payments);
	/* The coupon: owed from before the due month, less everything paid so far. */
	if (sum_before(L, Q_SUM_CHARGES, cf->key, due_month, &ch_due, err) ||
	    sum_before(L, Q_SUM_PAYMENTS, cf->key, after_run, &pay_now, err) ||
	    sum_before(L, Q_SUM_ADJ, cf->key, after_run, &adj_now, err))
		return -1;
	cf->past_due = ch_due + adj_now - pay_now;
	cf->current = 0;
	for (i = 0; i < (size_t)cf->norder; i++) {
		const struct order *o = &cf->order[i];

		if (o->direct && dates_cmp(o->start, cf->due) <= 0 &&
		    (o->end.y == 0 || dates_cmp(o->end, cf->due) >= 0))
			cf->current += o->monthly;
	}
	return 0;
}

/* Resets every statement still in progress: a transaction ends only when none is. */
static void reset_all(struct ledger *L)
{
	for (sqlite3_stmt *s = sqlite3_next_stmt(L->db, NULL); s; s = sqlite3_next_stmt(L->db, s))
		if (sqlite3_stmt_busy(s))
			sqlite3_reset(s);
}

static int load_case(struct ledger *L, int64_t key, struct case_facts *cf, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_CASE);
	char status[16];
	int rc;

	cf->key = key;
	sqlite3_bind_int64(s, 1, key);
	rc = sqlite3_step(s);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? ng_fail(err, NG_EDATA, "no such case") :
			dbfail(L, "reading a case", err);
	if (take_text(s, 0, cf->id, sizeof(cf->id), 1, "case identifier", err) ||
	    take_text(s, 1, cf->county, sizeof(cf->county), 1, "county", err) ||
	    take_text(s, 2, status, sizeof(status), 1, "case status", err))
		return NG_EDATA;
	if (strcmp(status, "open") && strcmp(status, "closed"))
		return ng_fail(err, NG_EDATA, "unknown case status '%s' (expected open or closed)", status);
	cf->closed = !strcmp(status, "closed");
	sqlite3_reset(s);
	if ((rc = load_parties(L, cf, err)) || (rc = load_orders(L, cf, err)) || (rc = check_rows(L, key, err)) ||
	    (rc = load_rows(L, Q_CHARGES, key, cf->stmt, 0, kinds, "a charge", &cf->charges, err)) ||
	    (rc = load_rows(L, Q_PAYMENTS, key, cf->stmt, 1, sources, "a payment", &cf->payments, err)) ||
	    (rc = load_rows(L, Q_ADJ, key, cf->stmt, 0, NULL, "an adjustment", &cf->adjustments, err)) ||
	    (rc = load_rows(L, Q_PAYMENTS, key, cf->month, 1, sources, "a payment", &cf->collected, err)) ||
	    (rc = load_rows(L, Q_DISB, key, cf->month, 1, methods, "a disbursement", &cf->disbursed, err)))
		return rc;
	if (load_balances(L, cf, err))
		return err->code;
	return 0;
}

int ledger_read_begin(struct ledger *L)
{
	return sqlite3_get_autocommit(L->db) && sqlite3_exec(L->db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
}

void ledger_read_end(struct ledger *L, int began)
{
	if (!began)
		return;
	reset_all(L);
	sqlite3_exec(L->db, "COMMIT", NULL, NULL, NULL);
}

int ledger_load_case(struct ledger *L, int64_t key, struct case_facts *cf, struct ng_err *err)
{
	/* A dozen queries in one read transaction: one shared lock, one check of the file, instead of a dozen. */
	int own = ledger_read_begin(L);
	int rc = load_case(L, key, cf, err);

	ledger_read_end(L, own);
	return rc;
}

void case_facts_release(struct case_facts *cf)
{
	free(cf->charges.v);
	free(cf->payments.v);
	free(cf->adjustments.v);
	free(cf->collected.v);
	free(cf->disbursed.v);
	memset(cf, 0, sizeof(*cf));
}

int ledger_journal_lookup(struct ledger *L, const char *doc, int64_t party, const char *period,
			  char run_date[11], char *path, size_t cap, int64_t *bytes, char sha256[65],
			  struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_J_LOOKUP);
	int rc;

	sqlite3_bind_text(s, 1, doc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, party);
	sqlite3_bind_text(s, 3, period, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(run_date, 11, "%s", (const char *)sqlite3_column_text(s, 0));
		ledger_text_col(s, 1, path, cap);
		*bytes = sqlite3_column_int64(s, 2);
		ledger_text_col(s, 3, sha256, 65);
	}
	/* Reset at once: a statement left open keeps a read lock other processes would wait on. */
	sqlite3_reset(s);
	if (rc == SQLITE_ROW)
		return 1;
	if (rc != SQLITE_DONE)
		return dbfail(L, "reading the journal", err), -1;
	return 0;
}

static int step_done(struct ledger *L, sqlite3_stmt *s, const char *what, struct ng_err *err)
{
	if (sqlite3_step(s) != SQLITE_DONE)
		return dbfail(L, what, err);
	return 0;
}

static int journal_insert(struct ledger *L, enum stmt_id id, const struct journal_row *r, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, id);

	sqlite3_bind_text(s, 1, r->run_date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, r->ord);
	sqlite3_bind_text(s, 3, r->doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, r->period, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, r->case_key);
	sqlite3_bind_int64(s, 6, r->party_id);
	sqlite3_bind_text(s, 7, r->lang, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 8, r->pages);
	sqlite3_bind_int(s, 9, r->sheets);
	sqlite3_bind_int64(s, 10, r->bytes);
	sqlite3_bind_text(s, 11, r->path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, r->sha256, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 13, r->copy);
	if (r->reprint_of[0])
		sqlite3_bind_text(s, 14, r->reprint_of, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(s, 14);
	return step_done(L, s, "writing the journal", err);
}

int ledger_journal_add(struct ledger *L, const struct journal_row *r, struct ng_err *err)
{
	return journal_insert(L, Q_J_ADD, r, err);
}

int ledger_journal_merge(struct ledger *L, const struct journal_row *r, struct ng_err *err)
{
	return journal_insert(L, Q_J_MERGE, r, err);
}

void ledger_text_col(sqlite3_stmt *s, int col, char *out, size_t cap)
{
	const char *v = (const char *)sqlite3_column_text(s, col);

	snprintf(out, cap, "%s", v ? v : "");
}

static void journal_row_read(sqlite3_stmt *s, struct journal_row *r)
{
	memset(r, 0, sizeof(*r));
	ledger_text_col(s, 0, r->run_date, sizeof(r->run_date));
	r->ord = sqlite3_column_int64(s, 1);
	ledger_text_col(s, 2, r->doc, sizeof(r->doc));
	ledger_text_col(s, 3, r->period, sizeof(r->period));
	r->case_key = sqlite3_column_int64(s, 4);
	r->party_id = sqlite3_column_int64(s, 5);
	ledger_text_col(s, 6, r->case_id, sizeof(r->case_id));
	ledger_text_col(s, 7, r->county, sizeof(r->county));
	ledger_text_col(s, 8, r->role, sizeof(r->role));
	ledger_text_col(s, 9, r->lang, sizeof(r->lang));
	r->pages = sqlite3_column_int(s, 10);
	r->sheets = sqlite3_column_int(s, 11);
	r->bytes = sqlite3_column_int64(s, 12);
	ledger_text_col(s, 13, r->path, sizeof(r->path));
	ledger_text_col(s, 14, r->sha256, sizeof(r->sha256));
	ledger_text_col(s, 15, r->name, sizeof(r->name));
	ledger_text_col(s, 16, r->addr1, sizeof(r->addr1));
	ledger_text_col(s, 17, r->addr2, sizeof(r->addr2));
	ledger_text_col(s, 18, r->city, sizeof(r->city));
	ledger_text_col(s, 19, r->state, sizeof(r->state));
	ledger_text_col(s, 20, r->zip, sizeof(r->zip));
	ledger_text_col(s, 21, r->country, sizeof(r->country));
	r->copy = sqlite3_column_int(s, 22);
	ledger_text_col(s, 23, r->reprint_of, sizeof(r->reprint_of));
	ledger_text_col(s, 24, r->batch, sizeof(r->batch));
	r->batch_page = sqlite3_column_int(s, 25);
	r->batch_pages = sqlite3_column_int(s, 26);
	r->serial = sqlite3_column_int64(s, 27);
	ledger_text_col(s, 28, r->routing, sizeof(r->routing));
	ledger_text_col(s, 29, r->tracking, sizeof(r->tracking));
	ledger_text_col(s, 30, r->dp, sizeof(r->dp));
}

#define JOURNAL_CHUNK 256

/*
 * The rows are read a chunk at a time, each chunk in its own short read
 * transaction, and handed to fn after it ends: writing a million-row
 * manifest takes minutes, and a read held that long would keep --jobs
 * workers (drawing the print batches meanwhile) from recording theirs.
 * The date's journal does not change once its cases are served.
 */
int ledger_journal_each(struct ledger *L, const char *run_date,
			int (*fn)(const struct journal_row *r, void *arg), void *arg, struct ng_err *err)
{
	struct journal_row *rows = malloc(JOURNAL_CHUNK * sizeof(*rows));
	int64_t after = INT64_MIN, seq = 0;
	int n, i, rc, ret = 0;

	if (!rows)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	do {
		sqlite3_stmt *s = use(L, Q_J_EACH);

		sqlite3_bind_text(s, 1, run_date, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(s, 2, after);
		sqlite3_bind_int(s, 3, JOURNAL_CHUNK);
		for (n = 0; (rc = sqlite3_step(s)) == SQLITE_ROW; n++)
			journal_row_read(s, &rows[n]);
		if (rc != SQLITE_DONE) {
			ret = dbfail(L, "reading the journal", err);
			break;
		}
		sqlite3_reset(s);
		for (i = 0; i < n && !ret; i++) {
			rows[i].seq = ++seq;
			if (fn(&rows[i], arg))
				ret = ng_fail(err, NG_EOUTPUT, "cannot write the manifest");
		}
		if (n)
			after = rows[n - 1].ord;
	} while (n == JOURNAL_CHUNK && !ret);
	free(rows);
	return ret;
}

int ledger_exception_add(struct ledger *L, const char *run_date, int64_t case_key, int64_t party,
			 const char *doc, const char *reason, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_X_ADD);

	sqlite3_bind_text(s, 1, run_date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, case_key);
	if (party)
		sqlite3_bind_int64(s, 3, party);
	if (doc)
		sqlite3_bind_text(s, 4, doc, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, reason, -1, SQLITE_STATIC);
	return step_done(L, s, "recording an exception", err);
}

int ledger_exceptions_each(struct ledger *L, const char *run_date,
			   int (*fn)(int64_t case_key, const char *case_id, int64_t party,
				     const char *doc, const char *reason, void *arg),
			   void *arg, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_X_EACH);
	int rc;

	sqlite3_bind_text(s, 1, run_date, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (fn(sqlite3_column_int64(s, 0), (const char *)sqlite3_column_text(s, 1),
		       sqlite3_column_int64(s, 2), (const char *)sqlite3_column_text(s, 3),
		       (const char *)sqlite3_column_text(s, 4), arg))
			return ng_fail(err, NG_EOUTPUT, "cannot write the exceptions report");
	if (rc != SQLITE_DONE)
		return dbfail(L, "reading exceptions", err);
	return 0;
}

int ledger_run_mark(struct ledger *L, const char *run_date, const char *status, const char *now,
		    struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_RUN_MARK);

	sqlite3_bind_text(s, 1, run_date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	return step_done(L, s, "recording the run", err);
}

int ledger_pin_get(struct ledger *L, int64_t party, char key_id[17], unsigned char *nonce,
		   size_t nonce_len, unsigned char *sealed, size_t *sealed_len, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_PIN_GET);
	int rc;

	sqlite3_bind_int64(s, 1, party);
	rc = sqlite3_step(s);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc != SQLITE_ROW)
		return dbfail(L, "reading a PIN", err), -1;
	ledger_text_col(s, 0, key_id, 17);
	if ((size_t)sqlite3_column_bytes(s, 1) != nonce_len ||
	    (size_t)sqlite3_column_bytes(s, 2) > *sealed_len) {
		sqlite3_reset(s);
		return ng_fail(err, NG_ESECRET, "the stored PIN of party %lld is malformed",
			       (long long)party), -1;
	}
	memcpy(nonce, sqlite3_column_blob(s, 1), nonce_len);
	*sealed_len = (size_t)sqlite3_column_bytes(s, 2);
	memcpy(sealed, sqlite3_column_blob(s, 2), *sealed_len);
	sqlite3_reset(s);
	return 1;
}

int ledger_pin_put(struct ledger *L, int64_t party, const char *key_id, const unsigned char *nonce,
		   size_t nonce_len, const unsigned char *sealed, size_t sealed_len,
		   const char *issued_on, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_PIN_PUT);

	sqlite3_bind_int64(s, 1, party);
	sqlite3_bind_text(s, 2, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, nonce, (int)nonce_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, sealed, (int)sealed_len, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, issued_on, -1, SQLITE_STATIC);
	return step_done(L, s, "storing a PIN", err);
}

int ledger_pin_audit(struct ledger *L, int64_t party, int64_t case_key, const char *at,
		     const char *event, const char *staff, const char *reason, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_PIN_AUDIT);

	sqlite3_bind_int64(s, 1, party);
	sqlite3_bind_int64(s, 2, case_key);
	sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, event, -1, SQLITE_STATIC);
	if (staff)
		sqlite3_bind_text(s, 5, staff, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
	return step_done(L, s, "writing the PIN audit", err);
}

int ledger_parties_needing_pin(struct ledger *L, struct ng_date from, struct ng_date to,
			       int (*fn)(int64_t party, int64_t case_key, void *arg), void *arg,
			       struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_NEED_PIN);
	int64_t *ids = NULL;
	size_t n = 0, cap = 0, i;
	int rc, ret = 0;

	bind_date(s, 1, from);
	bind_date(s, 2, to);
	/* Collected first: fn writes to the ledger, which must not happen under an open read. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n + 2 > cap) {
			int64_t *p = realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof(*p));

			if (!p) {
				free(ids);
				return ng_fail(err, NG_EINTERNAL, "out of memory");
			}
			ids = p;
		}
		ids[n++] = sqlite3_column_int64(s, 0);
		ids[n++] = sqlite3_column_int64(s, 1);
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE)
		ret = dbfail(L, "finding new orders", err);
	for (i = 0; !ret && i < n; i += 2)
		ret = fn(ids[i], ids[i + 1], arg);
	free(ids);
	return ret;
}

int ledger_pin_letters(struct ledger *L, int64_t case_key, struct ng_date from, struct ng_date to,
		       int64_t *audit, int64_t *party, int max, struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_PIN_LETTERS);
	int n = 0, rc;

	sqlite3_bind_int64(s, 1, case_key);
	bind_date(s, 2, from);
	bind_date(s, 3, to);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n < max) {
			audit[n] = sqlite3_column_int64(s, 0);
			party[n] = sqlite3_column_int64(s, 1);
		}
		n++;
	}
	if (rc != SQLITE_DONE)
		return dbfail(L, "reading the PIN audit", err), -1;
	return n;
}

int ledger_reprints(struct ledger *L, int64_t case_key, const char *tonight, struct reprint *out, int max,
		    struct ng_err *err)
{
	sqlite3_stmt *s = use(L, Q_REPRINTS);
	int n = 0, rc;

	sqlite3_bind_int64(s, 1, case_key);
	sqlite3_bind_text(s, 2, tonight, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < max) {
		struct reprint *r = &out[n++];

		ledger_text_col(s, 0, r->doc, sizeof(r->doc));
		r->party_id = sqlite3_column_int64(s, 1);
		ledger_text_col(s, 2, r->period, sizeof(r->period));
		r->copy = sqlite3_column_int(s, 3);
		ledger_text_col(s, 4, r->as_of, sizeof(r->as_of));
		r->ord = sqlite3_column_int64(s, 5);
		ledger_text_col(s, 6, r->sha256, sizeof(r->sha256));
		ledger_text_col(s, 7, r->path, sizeof(r->path));
	}
	sqlite3_reset(s);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return dbfail(L, "reading the pieces to print again", err), -1;
	return n;
}
