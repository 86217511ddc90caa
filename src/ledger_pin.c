/*
 * ledger_pin.c - the SQL of PIN administration (`noticegen pin ...`):
 * finding a case and party as staff name them, counting reissues in the
 * limit's window, the audit trail, and the rekey's walk over every PIN.
 *
 * These run once per command, not once per case, so each statement is
 * prepared where it is used rather than kept in the ledger's table of
 * persistent statements. Like the rest of the ledger module this never
 * sees a clear PIN: only sealed bytes and key fingerprints.
 */
#include "ledger.h"
#include "ledger_sql.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The audit events that count against the reissue limit. */
#define REISSUE_EVENTS "('reissue', 'reissue_now', 'replace', 'replace_now')"

int ledger_case_find(struct ledger *L, const char *case_id, const char *county, struct ledger_case *c,
		     char *counties, size_t cap, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT case_key, case_id, county, status FROM cases"
				     " WHERE case_id = ?1 COLLATE NOCASE"
				     " AND (?2 IS NULL OR county = ?2 COLLATE NOCASE)"
				     " ORDER BY county, case_key", "finding a case", err);
	size_t used = 0;
	int n = 0, rc;

	if (!s)
		return -1;
	memset(c, 0, sizeof(*c));
	if (cap)
		counties[0] = '\0';
	sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC);
	if (county)
		sqlite3_bind_text(s, 2, county, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		const char *where = (const char *)sqlite3_column_text(s, 2);

		if (!n++) {
			const char *status = (const char *)sqlite3_column_text(s, 3);

			c->key = sqlite3_column_int64(s, 0);
			ledger_text_col(s, 1, c->id, sizeof(c->id));
			ledger_text_col(s, 2, c->county, sizeof(c->county));
			c->closed = status && !strcmp(status, "closed");
		}
		if (used < cap)
			used += (size_t)snprintf(counties + used, cap - used, "%s%s", n > 1 ? ", " : "",
						 where ? where : "?");
	}
	if (rc != SQLITE_DONE) {
		ledger_sqlfail(L, "finding a case", err);
		n = -1;
	}
	sqlite3_finalize(s);
	return n;
}

int ledger_party_find(struct ledger *L, int64_t case_key, const char *role, int64_t *party,
		      struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT party_id FROM parties WHERE case_key = ?1 AND role = ?2"
				     " ORDER BY party_id", "finding a party", err);
	int n = 0, rc;

	if (!s)
		return -1;
	*party = 0;
	sqlite3_bind_int64(s, 1, case_key);
	sqlite3_bind_text(s, 2, role, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		if (!n++)
			*party = sqlite3_column_int64(s, 0);
	if (rc != SQLITE_DONE) {
		ledger_sqlfail(L, "finding a party", err);
		n = -1;
	}
	sqlite3_finalize(s);
	return n;
}

int ledger_pin_issued_on(struct ledger *L, int64_t party, char issued_on[11], struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT issued_on FROM pins WHERE party_id = ?1",
				  "reading a PIN's issue date", err);
	int rc, ret;

	if (!s)
		return -1;
	issued_on[0] = '\0';
	sqlite3_bind_int64(s, 1, party);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		ledger_text_col(s, 0, issued_on, 11);
		ret = 1;
	} else if (rc == SQLITE_DONE) {
		ret = 0;
	} else {
		ledger_sqlfail(L, "reading a PIN's issue date", err);
		ret = -1;
	}
	sqlite3_finalize(s);
	return ret;
}

int ledger_pin_reseal(struct ledger *L, int64_t party, const char *key_id, const unsigned char *nonce,
		      size_t nonce_len, const unsigned char *sealed, size_t sealed_len,
		      struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "UPDATE pins SET key_id = ?2, nonce = ?3, sealed = ?4"
				     " WHERE party_id = ?1", "re-sealing a PIN", err);
	int ret = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, party);
	sqlite3_bind_text(s, 2, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 3, nonce, (int)nonce_len, SQLITE_STATIC);
	sqlite3_bind_blob(s, 4, sealed, (int)sealed_len, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ledger_sqlfail(L, "re-sealing a PIN", err);
	else if (sqlite3_changes(ledger_db(L)) != 1)
		ret = ng_fail(err, NG_ELEDGER, "ledger: party %lld has no PIN to re-seal", (long long)party);
	sqlite3_finalize(s);
	return ret;
}

long ledger_pins_other_key(struct ledger *L, const char *key_id, char other[17], struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT count(*), min(key_id) FROM pins WHERE key_id <> ?1",
					 "reading the PINs' keys", err);
	long n = -1;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW) {
		n = (long)sqlite3_column_int64(s, 0);
		ledger_text_col(s, 1, other, 17);
	} else {
		ledger_sqlfail(L, "reading the PINs' keys", err);
	}
	sqlite3_finalize(s);
	return n;
}

int ledger_pin_audit_add(struct ledger *L, int64_t party, int64_t case_key, const char *at,
			 const char *event, const char *staff, const char *reason, int64_t *audit_id,
			 struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "INSERT INTO pin_audit (party_id, case_key, at, event, staff, reason)"
				     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", "writing the PIN audit", err);
	int ret = 0;

	if (!s)
		return -1;
	if (party)
		sqlite3_bind_int64(s, 1, party);
	if (case_key)
		sqlite3_bind_int64(s, 2, case_key);
	sqlite3_bind_text(s, 3, at, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, event, -1, SQLITE_STATIC);
	if (staff)
		sqlite3_bind_text(s, 5, staff, -1, SQLITE_STATIC);
	if (reason)
		sqlite3_bind_text(s, 6, reason, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ledger_sqlfail(L, "writing the PIN audit", err);
	else if (audit_id)
		*audit_id = sqlite3_last_insert_rowid(ledger_db(L));
	sqlite3_finalize(s);
	return ret;
}

int ledger_pin_audit_withdraw(struct ledger *L, int64_t audit_id, const char *event, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "DELETE FROM pin_audit WHERE audit_id = ?1 AND event = ?2",
				  "withdrawing a PIN audit row", err);
	int ret = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, audit_id);
	sqlite3_bind_text(s, 2, event, -1, SQLITE_STATIC);
	if (sqlite3_step(s) != SQLITE_DONE)
		ret = ledger_sqlfail(L, "withdrawing a PIN audit row", err);
	sqlite3_finalize(s);
	return ret;
}

int ledger_pin_reissues_since(struct ledger *L, int64_t party, const char *since, struct ng_err *err)
{
	/* Timestamps are all "YYYY-MM-DDTHH:MM:SSZ", so text order is time order. */
	sqlite3_stmt *s = ledger_prepare(L, "SELECT count(*) FROM pin_audit WHERE party_id = ?1"
				     " AND event IN " REISSUE_EVENTS " AND at >= ?2",
				  "counting reissues", err);
	int n = -1;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, party);
	sqlite3_bind_text(s, 2, since, -1, SQLITE_STATIC);
	if (sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int(s, 0);
	else
		ledger_sqlfail(L, "counting reissues", err);
	sqlite3_finalize(s);
	return n;
}

int ledger_pin_history(struct ledger *L, int64_t case_key,
		       int (*fn)(const struct ledger_pin_event *e, void *arg), void *arg,
		       struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT a.audit_id, coalesce(a.party_id, 0), a.at, a.event,"
				     " coalesce(p.role, ''), coalesce(a.staff, ''), coalesce(a.reason, '')"
				     " FROM pin_audit a LEFT JOIN parties p ON p.party_id = a.party_id"
				     " WHERE a.case_key = ?1 OR a.event = 'rekey' ORDER BY a.audit_id",
				  "reading the PIN audit", err);
	struct ledger_pin_event e;
	int rc, ret = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, case_key);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&e, 0, sizeof(e));
		e.audit_id = sqlite3_column_int64(s, 0);
		e.party = sqlite3_column_int64(s, 1);
		ledger_text_col(s, 2, e.at, sizeof(e.at));
		ledger_text_col(s, 3, e.event, sizeof(e.event));
		ledger_text_col(s, 4, e.role, sizeof(e.role));
		ledger_text_col(s, 5, e.staff, sizeof(e.staff));
		ledger_text_col(s, 6, e.reason, sizeof(e.reason));
		if ((ret = fn(&e, arg)))
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = ledger_sqlfail(L, "reading the PIN audit", err);
	sqlite3_finalize(s);
	return ret;
}

long ledger_pin_refs(struct ledger *L, struct ledger_pin_ref **refs, struct ng_err *err)
{
	sqlite3_stmt *s = ledger_prepare(L, "SELECT k.party_id, coalesce(p.case_key, 0), k.key_id,"
				     " coalesce(c.case_id, ''), coalesce(c.county, '') FROM pins k"
				     " LEFT JOIN parties p ON p.party_id = k.party_id"
				     " LEFT JOIN cases c ON c.case_key = p.case_key ORDER BY k.party_id",
				  "listing PINs", err);
	struct ledger_pin_ref *v = NULL;
	size_t n = 0, cap = 0;
	int rc;

	*refs = NULL;
	if (!s)
		return -1;
	/* Collected first: the caller rewrites these rows, which must not happen under an open read. */
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n == cap) {
			struct ledger_pin_ref *p = realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*p));

			if (!p) {
				free(v);
				sqlite3_finalize(s);
				return ng_fail(err, NG_EINTERNAL, "out of memory listing PINs"), -1;
			}
			v = p;
		}
		v[n].party = sqlite3_column_int64(s, 0);
		v[n].case_key = sqlite3_column_int64(s, 1);
		ledger_text_col(s, 2, v[n].key_id, sizeof(v[n].key_id));
		ledger_text_col(s, 3, v[n].case_id, sizeof(v[n].case_id));
		ledger_text_col(s, 4, v[n].county, sizeof(v[n].county));
		n++;
	}
	if (rc != SQLITE_DONE) {
		ledger_sqlfail(L, "listing PINs", err);
		sqlite3_finalize(s);
		free(v);
		return -1;
	}
	sqlite3_finalize(s);
	*refs = v;
	return (long)n;
}
