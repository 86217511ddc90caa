/*
 * ledger_print.c - the SQL of the print-shop handoff: planning a night's
 * pieces into batches in ZIP order, IMb serial numbers, the batches
 * written, and the pieces' fates from the shop's return files.
 *
 * These run once per night or command, not per case: statements are
 * prepared where they are used. Planning and listing stream rows (SQLite
 * sorts on disk when it must), so memory does not grow with the night.
 */
#include "ledger.h"
#include "ledger_sql.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
/* Batches by number: past B999 their names no longer sort as text ("B1000-..." < "B101-..."). */
#define BATCH_ORDER " ORDER BY CAST(substr(batch, 2) AS INTEGER)"

/*
 * A night's pieces in print order: by job (document type), pieces too
 * thick to fold after the rest, foreign addresses after domestic, then
 * 5-digit ZIP, ZIP+4, delivery point, and the manifest's order.
 */
static const char plan_sql[] =
	"SELECT j.ord, j.seq, j.case_key, j.party_id, j.doc_type, j.period, j.copy,"
	" coalesce(j.reprint_of, j.run_date), j.lang, j.pages, j.sheets,"
	" coalesce(p.zip, ''), coalesce(p.delivery_point, ''), coalesce(p.country, '')"
	" FROM (SELECT ord, case_key, party_id, doc_type, period, copy, reprint_of, run_date, lang, pages, sheets,"
	" row_number() OVER (ORDER BY ord) AS seq FROM journal WHERE run_date = ?1) j"
	" JOIN parties p ON p.party_id = j.party_id"
	" ORDER BY CASE j.doc_type WHEN 'notice' THEN 0 WHEN 'statement' THEN 1 WHEN 'coupon' THEN 2 ELSE 3 END,"
	" j.sheets > ?2, coalesce(p.country, '') NOT IN ('', 'US'), substr(p.zip, 1, 5), substr(p.zip, 7, 4),"
	" p.delivery_point, j.ord";

static void read_piece(sqlite3_stmt *s, struct print_piece *p)
{
	memset(p, 0, sizeof(*p));
	p->ord = sqlite3_column_int64(s, 0);
	p->seq = sqlite3_column_int64(s, 1);
	p->case_key = sqlite3_column_int64(s, 2);
	p->party_id = sqlite3_column_int64(s, 3);
	ledger_text_col(s, 4, p->doc, sizeof(p->doc));
	ledger_text_col(s, 5, p->period, sizeof(p->period));
	p->copy = sqlite3_column_int(s, 6);
	ledger_text_col(s, 7, p->as_of, sizeof(p->as_of));
	ledger_text_col(s, 8, p->lang, sizeof(p->lang));
	p->pages = sqlite3_column_int(s, 9);
	p->sheets = sqlite3_column_int(s, 10);
	ledger_text_col(s, 11, p->zip, sizeof(p->zip));
	ledger_text_col(s, 12, p->dp, sizeof(p->dp));
	ledger_text_col(s, 13, p->country, sizeof(p->country));
	p->serial = -1;
}

/* The number the query gives for its one text argument (0 when it gives no row). */
static int number_of(struct ledger *L, const char *sql, const char *arg, const char *what, int64_t *n,
		     struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, sql, what, err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
	sqlite3_finalize(s);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : ledger_sqlfail(L, what, err);
}

int ledger_print_planned(struct ledger *L, const char *date, int64_t *n, int *stale, struct ng_err *err)
{
	int64_t matched, journaled;

	/* The plan holds if it covers the date's journal exactly: piece for piece, same places. */
	if (number_of(L, "SELECT count(*) FROM print_pieces WHERE run_date = ?1", date,
		     "reading the print plan", n, err) ||
	    number_of(L, "SELECT count(*) FROM print_pieces pp JOIN (SELECT ord, row_number() OVER"
			" (ORDER BY ord) AS seq FROM journal WHERE run_date = ?1) j"
			" ON j.ord = pp.ord AND j.seq = pp.seq WHERE pp.run_date = ?1", date,
		     "reading the print plan", &matched, err) ||
	    number_of(L, "SELECT count(*) FROM journal WHERE run_date = ?1", date,
		     "reading the print plan", &journaled, err))
		return -1;
	*stale = *n && (matched != *n || journaled != *n);
	return 0;
}

int ledger_print_forget(struct ledger *L, const char *date, struct ng_err *err)
{
	static const char *const del[] = {
		"DELETE FROM print_pieces WHERE run_date = ?1", "DELETE FROM print_batches WHERE run_date = ?1",
	};

	return ledger_exec_each(L, del, sizeof(del) / sizeof(*del), date, "forgetting a stale print plan", err);
}

int ledger_imb_recent(struct ledger *L, const char *since, int64_t *n, struct ng_err *err)
{
	return number_of(L, "SELECT count(serial) FROM print_pieces WHERE run_date >= ?1", since,
			"counting recent IMb serials", n, err);
}

int ledger_imb_next(struct ledger *L, const char *mailer_id, int64_t *next, struct ng_err *err)
{
	return number_of(L, "SELECT next FROM imb_serials WHERE mailer_id = ?1", mailer_id,
			 "reading the next IMb serial", next, err);
}

int ledger_imb_save(struct ledger *L, const char *mailer_id, int64_t next, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "INSERT INTO imb_serials (mailer_id, next) VALUES (?1, ?2)"
					    " ON CONFLICT (mailer_id) DO UPDATE SET next = ?2",
					 "saving the next IMb serial", err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, mailer_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, next);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : ledger_sqlfail(L, "saving the next IMb serial", err);
}

int ledger_print_plan(struct ledger *L, const char *date, int fold_max_sheets,
		      int (*place)(struct print_piece *p, void *arg), void *arg, struct ng_err *err)
{
	sqlite3_stmt *q = ledger_prepare(L, plan_sql, "planning the print batches", err);
	sqlite3_stmt *ins = q ? ledger_prepare(L, "INSERT INTO print_pieces (run_date, ord, seq, batch,"
					       " batch_page, batch_pages, serial, tracking, routing)"
					       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
					       "planning the print batches", err) : NULL;
	struct print_piece p;
	int rc = SQLITE_DONE, ret = 0;

	if (!ins) {
		sqlite3_finalize(q);
		return -1;
	}
	sqlite3_bind_text(q, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, fold_max_sheets);
	sqlite3_bind_text(ins, 1, date, -1, SQLITE_STATIC);
	while (!ret && (rc = sqlite3_step(q)) == SQLITE_ROW) {
		read_piece(q, &p);
		if ((ret = place(&p, arg)) != 0)
			break;
		sqlite3_bind_int64(ins, 2, p.ord);
		sqlite3_bind_int64(ins, 3, p.seq);
		sqlite3_bind_text(ins, 4, p.batch, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 5, p.batch_page);
		sqlite3_bind_int(ins, 6, p.batch_pages);
		if (p.serial >= 0) {
			sqlite3_bind_int64(ins, 7, p.serial);
			sqlite3_bind_text(ins, 8, p.tracking, -1, SQLITE_STATIC);
			sqlite3_bind_text(ins, 9, p.routing, -1, SQLITE_STATIC);
		} else {
			sqlite3_bind_null(ins, 7);
			sqlite3_bind_null(ins, 8);
			sqlite3_bind_null(ins, 9);
		}
		if (sqlite3_step(ins) != SQLITE_DONE)
			ret = ledger_sqlfail(L, "recording the print plan", err);
		sqlite3_reset(ins);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = ledger_sqlfail(L, "planning the print batches", err);
	sqlite3_finalize(q);
	sqlite3_finalize(ins);
	return ret;
}

/* Doubles the array *v of *cap elements of size bytes (64 at first); -1 if out of memory. */
static int grow(void **v, size_t *cap, size_t size)
{
	size_t n = *cap ? *cap * 2 : 64;
	void *p = realloc(*v, n * size);

	if (!p)
		return -1;
	*v = p;
	*cap = n;
	return 0;
}

int ledger_print_batch_names(struct ledger *L, const char *date, int (*fn)(const char *batch, void *arg),
			     void *arg, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT DISTINCT batch FROM print_pieces WHERE run_date = ?1"
					    BATCH_ORDER, "listing the print batches", err);
	char (*names)[64] = NULL;
	size_t n = 0, cap = 0, i;
	int rc, ret = 0;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
	/*
	 * Names first, then work: a statement left open holds a read lock, and
	 * a worker drawing batches must not keep another from recording one.
	 */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap && grow((void **)&names, &cap, sizeof(*names))) {
			rc = SQLITE_NOMEM;
			break;
		}
		ledger_text_col(s, 0, names[n++], sizeof(*names));
	}
	if (rc != SQLITE_DONE)
		ret = rc == SQLITE_NOMEM ? ng_fail(err, NG_EINTERNAL, "out of memory") :
					   ledger_sqlfail(L, "listing the print batches", err);
	sqlite3_finalize(s);
	for (i = 0; !ret && i < n; i++)
		ret = fn(names[i], arg);
	free(names);
	return ret;
}

int ledger_print_batch_pieces(struct ledger *L, const char *date, const char *batch,
			      int (*fn)(struct print_piece *p, void *arg), void *arg, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L,
		"SELECT j.ord, pp.seq, j.case_key, j.party_id, j.doc_type, j.period, j.copy,"
		" coalesce(j.reprint_of, j.run_date), j.lang, j.pages, j.sheets,"
		" coalesce(p.zip, ''), coalesce(p.delivery_point, ''), coalesce(p.country, ''),"
		" pp.batch, pp.batch_page, pp.batch_pages, coalesce(pp.serial, -1), coalesce(pp.tracking, ''),"
		" coalesce(pp.routing, ''), j.path, j.sha256, j.bytes"
		" FROM print_pieces pp JOIN journal j ON j.run_date = pp.run_date AND j.ord = pp.ord"
		" JOIN parties p ON p.party_id = j.party_id"
		" WHERE pp.run_date = ?1 AND pp.batch = ?2 ORDER BY pp.batch_page",
		"reading a print batch", err);
	struct print_piece *v = NULL, *p;
	size_t n = 0, cap = 0, i;
	int rc, ret = 0;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, batch, -1, SQLITE_STATIC);
	/* Read whole (a batch is at most batch_max_pages pieces), then drawn with no read lock held. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap && grow((void **)&v, &cap, sizeof(*v))) {
			rc = SQLITE_NOMEM;
			break;
		}
		p = &v[n++];
		read_piece(s, p);
		ledger_text_col(s, 14, p->batch, sizeof(p->batch));
		p->batch_page = sqlite3_column_int(s, 15);
		p->batch_pages = sqlite3_column_int(s, 16);
		p->serial = sqlite3_column_int64(s, 17);
		ledger_text_col(s, 18, p->tracking, sizeof(p->tracking));
		ledger_text_col(s, 19, p->routing, sizeof(p->routing));
		ledger_text_col(s, 20, p->path, sizeof(p->path));
		ledger_text_col(s, 21, p->sha256, sizeof(p->sha256));
		p->bytes = sqlite3_column_int64(s, 22);
	}
	if (rc != SQLITE_DONE)
		ret = rc == SQLITE_NOMEM ? ng_fail(err, NG_EINTERNAL, "out of memory") :
					   ledger_sqlfail(L, "reading a print batch", err);
	sqlite3_finalize(s);
	for (i = 0; !ret && i < n; i++)
		ret = fn(&v[i], arg);
	free(v);
	return ret;
}

static const char batch_cols[] = "batch, doc_type, pieces, pages, sheets, first_seq, last_seq, bytes, sha256";

static void read_batch(sqlite3_stmt *s, struct batch_row *b)
{
	memset(b, 0, sizeof(*b));
	ledger_text_col(s, 0, b->batch, sizeof(b->batch));
	ledger_text_col(s, 1, b->doc, sizeof(b->doc));
	b->pieces = sqlite3_column_int64(s, 2);
	b->pages = sqlite3_column_int64(s, 3);
	b->sheets = sqlite3_column_int64(s, 4);
	b->first_seq = sqlite3_column_int64(s, 5);
	b->last_seq = sqlite3_column_int64(s, 6);
	b->bytes = sqlite3_column_int64(s, 7);
	ledger_text_col(s, 8, b->sha256, sizeof(b->sha256));
}

int ledger_batch_record(struct ledger *L, const char *date, const struct batch_row *b, struct ng_err *err)
{
	char sql[320];
	sqlite3_stmt *s;
	int rc;

	snprintf(sql, sizeof(sql), "INSERT OR REPLACE INTO print_batches (run_date, %s)"
		 " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", batch_cols);
	s = ledger_prepare(L, sql, "recording a print batch", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, b->batch, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, b->doc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, b->pieces);
	sqlite3_bind_int64(s, 5, b->pages);
	sqlite3_bind_int64(s, 6, b->sheets);
	sqlite3_bind_int64(s, 7, b->first_seq);
	sqlite3_bind_int64(s, 8, b->last_seq);
	sqlite3_bind_int64(s, 9, b->bytes);
	sqlite3_bind_text(s, 10, b->sha256, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : ledger_sqlfail(L, "recording a print batch", err);
}

int ledger_batch_each(struct ledger *L, const char *date, const char *batch,
		      int (*fn)(const struct batch_row *b, void *arg), void *arg, struct ng_err *err)
{
	char sql[320];
	sqlite3_stmt *s;
	struct batch_row b;
	int rc = SQLITE_DONE, ret = 0;

	snprintf(sql, sizeof(sql), "SELECT %s FROM print_batches WHERE run_date = ?1"
		 " AND (?2 IS NULL OR batch = ?2)" BATCH_ORDER, batch_cols);
	s = ledger_prepare(L, sql, "reading the print batches", err);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
	if (batch)
		sqlite3_bind_text(s, 2, batch, -1, SQLITE_STATIC);
	while (!ret && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		read_batch(s, &b);
		ret = fn(&b, arg);
	}
	if (!ret && rc != SQLITE_DONE)
		ret = ledger_sqlfail(L, "reading the print batches", err);
	sqlite3_finalize(s);
	return ret;
}

int ledger_fate_record(struct ledger *L, const char *date, int64_t seq, const char *status,
		       const char *now, const char *source, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L,
		"INSERT INTO fates (run_date, seq, case_key, doc_type, party_id, period, copy, status,"
		" recorded_at, source)"
		" SELECT pp.run_date, pp.seq, j.case_key, j.doc_type, j.party_id, j.period, j.copy, ?3, ?4, ?5"
		" FROM print_pieces pp JOIN journal j ON j.run_date = pp.run_date AND j.ord = pp.ord"
		" WHERE pp.run_date = ?1 AND pp.seq = ?2"
		" ON CONFLICT (run_date, seq) DO UPDATE SET status = excluded.status,"
		" recorded_at = excluded.recorded_at, source = excluded.source",
		"recording a piece's fate", err);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, date, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, seq);
	sqlite3_bind_text(s, 3, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, now, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, source, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return ledger_sqlfail(L, "recording a piece's fate", err);
	return sqlite3_changes(ledger_db(L)) ? 1 : 0;
}
