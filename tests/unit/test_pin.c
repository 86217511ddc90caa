/*
 * PINs: drawn uniformly, sealed to their party, refused on a loose key file,
 * never stored in clear. Uses a real SQLite ledger in a temporary folder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ledger.h"
#include "pin.h"

struct fixture {
	char dir[64], db[128], key[128];
	struct ledger *L;
	struct pin_key k;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct ng_err err = { 0 };
	sqlite3 *db;

	snprintf(f->dir, sizeof(f->dir), "/tmp/ng-test-pin-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->db, sizeof(f->db), "%s/ledger.db", f->dir);
	snprintf(f->key, sizeof(f->key), "%s/pin.key", f->dir);
	assert_int_equal(ledger_init(f->db, &err), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"INSERT INTO cases VALUES (1, 'AB12345C1', 'Kings', 'open', '2026-01-01');"
		"INSERT INTO parties (party_id, case_key, role, name, lang) VALUES (10, 1, 'CP', 'A', 'en'), (11, 1, 'NCP', 'B', 'en');"
		/* The same case id in another county, and a closed case. */
		"INSERT INTO cases VALUES (2, 'AB12345C1', 'Queens', 'open', '2026-01-01');"
		"INSERT INTO cases VALUES (3, 'CD22222C2', 'Bronx', 'closed', '2025-01-01');"
		"INSERT INTO parties (party_id, case_key, role, name, lang) VALUES (20, 2, 'CP', 'C', 'en'), (30, 3, 'NCP', 'D', 'en');",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pin_key_create(f->key, &err), 0);
	assert_int_equal(pin_key_load(&f->k, f->key, &err), 0);
	f->L = ledger_open(f->db, &err);
	assert_non_null(f->L);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	ledger_close(f->L);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static void issue_then_reveal(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	char a[6], b[6];

	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, a, &err), 0);
	assert_int_equal(strlen(a), 5);
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, b, &err), 0);
	assert_string_equal(a, b);
	/* No PIN for the other party yet. */
	assert_int_not_equal(pin_reveal(f->L, &f->k, 11, 1, b, &err), 0);
}

/* A sealed PIN copied onto another party's row must not open. */
static void copied_ciphertext_fails(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	char pin[6];
	sqlite3 *db;

	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"INSERT OR REPLACE INTO pins SELECT 11, key_id, nonce, sealed, issued_on FROM pins WHERE party_id = 10",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(pin_reveal(f->L, &f->k, 11, 1, pin, &err), NG_ESECRET);
	assert_non_null(strstr(err.msg, "does not open"));
	assert_string_equal(pin, "");
}

static void wrong_key_fails(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct pin_key other;
	char path[160], pin[6];

	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	snprintf(path, sizeof(path), "%s/other.key", f->dir);
	assert_int_equal(pin_key_create(path, &err), 0);
	assert_int_equal(pin_key_load(&other, path, &err), 0);
	assert_int_equal(pin_reveal(f->L, &other, 10, 1, pin, &err), NG_ESECRET);
}

static void loose_key_file_refused(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct pin_key k;

	assert_int_equal(chmod(f->key, 0644), 0);
	assert_int_not_equal(pin_key_load(&k, f->key, &err), 0);
	assert_non_null(strstr(err.msg, "chmod 600"));
	assert_int_equal(chmod(f->key, 0600), 0);
	/* A key is never overwritten. */
	assert_int_not_equal(pin_key_create(f->key, &err), 0);
}

/* A key owned by another user: the fix named is chown, not chmod (as root only: others cannot chown). */
static void foreign_key_file_refused(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct pin_key k;

	if (geteuid() != 0)
		skip();
	assert_int_equal(chown(f->key, 65534, (gid_t)-1), 0);
	assert_int_not_equal(pin_key_load(&k, f->key, &err), 0);
	assert_non_null(strstr(err.msg, "owned by uid 65534"));
	assert_non_null(strstr(err.msg, "chown 0 "));
	assert_int_equal(chown(f->key, 0, (gid_t)-1), 0);
	assert_int_equal(pin_key_load(&k, f->key, &err), 0);
}

/* The stored row holds no clear digits: the sealed blob is not the PIN. */
static void no_clear_pin_at_rest(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	char pin[6], sql[128];
	sqlite3 *db;
	sqlite3_stmt *st;

	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, pin, &err), 0);
	assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM pins WHERE instr(CAST(sealed AS TEXT), '%s') > 0", pin);
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	pin_wipe(pin);
}

/*
 * 100,000 draws over 100 buckets (by the first two digits) and over the
 * last digit: a chi-square far above the 0.9999 quantile means bias (a
 * modulo-biased generator over 16 bits fails this at once).
 */
static void draws_are_uniform(void **state)
{
	static long first2[100], last[10];
	double chi = 0, chi_last = 0, e = 100000.0 / 100, e10 = 100000.0 / 10;
	char pin[6];
	int i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		pin_draw(pin);
		assert_int_equal(strlen(pin), 5);
		first2[(pin[0] - '0') * 10 + pin[1] - '0']++;
		last[pin[4] - '0']++;
	}
	for (i = 0; i < 100; i++)
		chi += (first2[i] - e) * (first2[i] - e) / e;
	for (i = 0; i < 10; i++)
		chi_last += (last[i] - e10) * (last[i] - e10) / e10;
	/* 99 degrees of freedom: p = 0.9999 at about 161; 9 degrees: about 33.7. */
	assert_true(chi < 161);
	assert_true(chi_last < 33.7);
}

/*
 * Runs sql on the fixture's ledger connection: a second connection would
 * wait on the read that ledger_pin_get leaves open on its statement.
 */
static void exec_sql(const struct fixture *f, const char *sql)
{
	assert_int_equal(sqlite3_exec(ledger_db(f->L), sql, NULL, NULL, NULL), SQLITE_OK);
}

static long count_sql(const struct fixture *f, const char *sql)
{
	sqlite3_stmt *st;
	long n;

	assert_int_equal(sqlite3_prepare_v2(ledger_db(f->L), sql, -1, &st, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* A case is its id and county: an id in two counties needs the county. */
static void case_find_by_id_and_county(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct ledger_case c;
	char counties[64];

	assert_int_equal(ledger_case_find(f->L, "AB12345C1", NULL, &c, counties, sizeof(counties), &err), 2);
	assert_string_equal(counties, "Kings, Queens");
	assert_int_equal(ledger_case_find(f->L, "ab12345c1", "queens", &c, counties, sizeof(counties), &err), 1);
	assert_int_equal(c.key, 2);
	assert_string_equal(c.county, "Queens");
	assert_false(c.closed);
	assert_int_equal(ledger_case_find(f->L, "CD22222C2", NULL, &c, counties, sizeof(counties), &err), 1);
	assert_true(c.closed);
	assert_int_equal(ledger_case_find(f->L, "ZZ00000Z0", NULL, &c, counties, sizeof(counties), &err), 0);
	assert_int_equal(ledger_case_find(f->L, "AB12345C1", "Bronx", &c, counties, sizeof(counties), &err), 0);
}

static void party_find_by_role(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	int64_t party;

	assert_int_equal(ledger_party_find(f->L, 1, "CP", &party, &err), 1);
	assert_int_equal(party, 10);
	assert_int_equal(ledger_party_find(f->L, 1, "NCP", &party, &err), 1);
	assert_int_equal(party, 11);
	assert_int_equal(ledger_party_find(f->L, 2, "NCP", &party, &err), 0);
	assert_int_equal(party, 0);
}

static int collect(const struct ledger_pin_event *e, void *arg)
{
	char *out = arg;
	size_t n = strlen(out);

	snprintf(out + n, 512 - n, "%s/%s/%s/%s;", e->event, e->role, e->staff, e->reason);
	return 0;
}

/* History: the case's rows (roles from the parties) and every rekey, in order; nothing else. */
static void audit_and_history(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	int64_t id1 = 0, id2 = 0;
	char out[512] = "";

	assert_int_equal(ledger_pin_audit_add(f->L, 10, 1, "2026-11-03T10:00:00Z", "reissue", "clerk",
					      "lost", &id1, &err), 0);
	assert_int_equal(ledger_pin_audit_add(f->L, 0, 0, "2026-11-03T11:00:00Z", "rekey", NULL,
					      "2 PINs re-sealed", &id2, &err), 0);
	assert_int_equal(ledger_pin_audit_add(f->L, 20, 2, "2026-11-03T12:00:00Z", "reissue", "clerk",
					      "other case", NULL, &err), 0);
	assert_int_equal(ledger_pin_audit_add(f->L, 0, 1, "2026-11-03T13:00:00Z", "refuse", "clerk",
					      "no such party", NULL, &err), 0);
	assert_true(id2 > id1);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM pin_audit WHERE event = 'rekey' AND party_id IS NULL"
				   " AND case_key IS NULL AND staff IS NULL"), 1);
	assert_int_equal(ledger_pin_history(f->L, 1, collect, out, &err), 0);
	assert_string_equal(out, "reissue/CP/clerk/lost;rekey///2 PINs re-sealed;refuse//clerk/no such party;");
	/* Withdraw removes only the row of the event named. */
	assert_int_equal(ledger_pin_audit_withdraw(f->L, id1, "replace_now", &err), 0);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM pin_audit"), 4);
	assert_int_equal(ledger_pin_audit_withdraw(f->L, id1, "reissue", &err), 0);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM pin_audit"), 3);
}

/*
 * The limit counts reissues and replacements (queued or --now) of one
 * party within window_days before now, rolling, not refusals or issues.
 */
static void reissue_limit_window(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct tm tm = { .tm_year = 126, .tm_mon = 10, .tm_mday = 23, .tm_hour = 12 };
	time_t now = timegm(&tm);      /* 2026-11-23T12:00:00Z */
	char stamp[21];
	int used = -1;

	pin_utc_stamp(stamp, now);
	assert_string_equal(stamp, "2026-11-23T12:00:00Z");
	exec_sql(f, "INSERT INTO pin_audit (party_id, case_key, at, event, staff, reason) VALUES"
		 " (10, 1, '2026-11-03', 'issue', 'noticegen', 'new order recorded'),"
		 " (10, 1, '2026-10-24T11:59:59Z', 'reissue', 's', 'just outside 30 days'),"
		 " (10, 1, '2026-10-24T12:00:00Z', 'reissue_now', 's', 'first second inside'),"
		 " (10, 1, '2026-11-20T09:00:00Z', 'refuse', 's', 'refusals do not count'),"
		 " (11, 1, '2026-11-20T09:00:00Z', 'replace', 's', 'another party');");
	assert_int_equal(pin_reissue_allowed(f->L, 10, now, 30, 3, &used, &err), 1);
	assert_int_equal(used, 1);
	exec_sql(f, "INSERT INTO pin_audit (party_id, case_key, at, event, staff, reason) VALUES"
		 " (10, 1, '2026-11-21T09:00:00Z', 'replace', 's', 'x'),"
		 " (10, 1, '2026-11-23T11:00:00Z', 'replace_now', 's', 'x');");
	assert_int_equal(pin_reissue_allowed(f->L, 10, now, 30, 3, &used, &err), 0);
	assert_int_equal(used, 3);
	/* A shorter window lets the old ones fall out. */
	assert_int_equal(pin_reissue_allowed(f->L, 10, now, 7, 3, &used, &err), 1);
	assert_int_equal(used, 2);
	assert_int_equal(pin_reissue_allowed(f->L, 11, now, 30, 1, &used, &err), 0);
	assert_int_equal(used, 1);
}

static void check_is_exact(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	char pin[6], other[6];
	int match = -1;

	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, pin, &err), 0);
	assert_int_equal(pin_check(f->L, &f->k, 10, 1, pin, &match, &err), 0);
	assert_int_equal(match, 1);
	memcpy(other, pin, sizeof(other));
	other[4] = pin[4] == '9' ? '0' : (char)(pin[4] + 1);
	assert_int_equal(pin_check(f->L, &f->k, 10, 1, other, &match, &err), 0);
	assert_int_equal(match, 0);
	assert_int_equal(pin_check(f->L, &f->k, 10, 1, "1234", &match, &err), 0);
	assert_int_equal(match, 0);
	/* No PIN yet: an error, not a mismatch. */
	assert_int_equal(pin_check(f->L, &f->k, 11, 1, pin, &match, &err), NG_ESECRET);
	assert_int_equal(match, 0);
	assert_true(pin_in_text("caller read out 1-2345 and 12345.", "12345"));
	assert_false(pin_in_text("caller read out 1-2345", "12345"));
	assert_false(pin_in_text("", "12345"));
	pin_wipe(pin);
	pin_wipe(other);
}

/* A replacement is a fresh seal, dated today; the old PIN stops matching. */
static void replace_revokes_old(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct pin_sealed before, after, now;
	char old[6], fresh[6];
	int match = -1;

	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	assert_int_equal(pin_load_sealed(f->L, 10, &before, &err), 1);
	assert_string_equal(before.issued_on, "2026-11-03");
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, old, &err), 0);
	assert_int_equal(pin_replace(f->L, &f->k, 10, 1, "2026-11-23", &now, &err), 0);
	assert_int_equal(pin_load_sealed(f->L, 10, &after, &err), 1);
	assert_string_equal(after.issued_on, "2026-11-23");
	assert_memory_equal(after.nonce, now.nonce, sizeof(now.nonce));
	assert_memory_not_equal(after.nonce, before.nonce, sizeof(before.nonce));
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, fresh, &err), 0);
	assert_int_equal(pin_check(f->L, &f->k, 10, 1, fresh, &match, &err), 0);
	assert_int_equal(match, 1);
	if (strcmp(old, fresh)) {     /* 1 in 100000 the draw repeats */
		assert_int_equal(pin_check(f->L, &f->k, 10, 1, old, &match, &err), 0);
		assert_int_equal(match, 0);
	}
	/* Putting the old row back (an undone replacement) restores the old PIN. */
	assert_int_equal(pin_store_sealed(f->L, 10, &before, &err), 0);
	assert_int_equal(pin_check(f->L, &f->k, 10, 1, old, &match, &err), 0);
	assert_int_equal(match, 1);
	pin_wipe(old);
	pin_wipe(fresh);
}

/* A seal is bound to its party and case both. */
static void seal_binds_party_and_case(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct pin_sealed sp;
	char pin[6];

	assert_int_equal(pin_seal(&f->k, 10, 1, "04217", &sp, &err), 0);
	assert_string_equal(sp.key_id, f->k.id);
	assert_int_equal(pin_open(&f->k, 10, 1, &sp, pin, &err), 0);
	assert_string_equal(pin, "04217");
	assert_int_equal(pin_open(&f->k, 11, 1, &sp, pin, &err), NG_ESECRET);
	assert_string_equal(pin, "");
	assert_int_equal(pin_open(&f->k, 10, 2, &sp, pin, &err), NG_ESECRET);
	sp.box[0] ^= 1;
	assert_int_equal(pin_open(&f->k, 10, 1, &sp, pin, &err), NG_ESECRET);
	assert_non_null(strstr(err.msg, "does not open"));
}

static void load_other_key(struct fixture *f, const char *name, struct pin_key *k)
{
	struct ng_err err = { 0 };
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", f->dir, name);
	assert_int_equal(pin_key_create(path, &err), 0);
	assert_int_equal(pin_key_load(k, path, &err), 0);
}

/* Rekey: every row moves; a rerun finds nothing to do; a third key stops it, naming the party. */
static void rekey_moves_every_pin_once(void **state)
{
	struct fixture *f = *state;
	struct ng_err err = { 0 };
	struct pin_key nk, third;
	struct pin_sealed sp;
	char a[6], b[6], again[6];
	long changed = -1, kept = -1;

	load_other_key(f, "new.key", &nk);
	load_other_key(f, "third.key", &third);
	assert_int_equal(pin_issue(f->L, &f->k, 10, 1, "2026-11-03", &err), 0);
	assert_int_equal(pin_issue(f->L, &f->k, 20, 2, "2026-11-03", &err), 0);
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, a, &err), 0);
	assert_int_equal(pin_reveal(f->L, &f->k, 20, 2, b, &err), 0);

	assert_int_equal(ledger_begin(f->L, &err), 0);
	assert_int_equal(pin_rekey(f->L, &f->k, &nk, &changed, &kept, &err), 0);
	assert_int_equal(ledger_commit(f->L, &err), 0);
	assert_int_equal(changed, 2);
	assert_int_equal(kept, 0);
	assert_int_equal(pin_reveal(f->L, &nk, 10, 1, again, &err), 0);
	assert_string_equal(again, a);
	assert_int_equal(pin_reveal(f->L, &nk, 20, 2, again, &err), 0);
	assert_string_equal(again, b);
	assert_int_equal(pin_reveal(f->L, &f->k, 10, 1, again, &err), NG_ESECRET);
	assert_non_null(strstr(err.msg, "sealed under key"));
	/* The issue date survives a rekey. */
	assert_int_equal(pin_load_sealed(f->L, 10, &sp, &err), 1);
	assert_string_equal(sp.issued_on, "2026-11-03");

	assert_int_equal(ledger_begin(f->L, &err), 0);
	assert_int_equal(pin_rekey(f->L, &f->k, &nk, &changed, &kept, &err), 0);
	assert_int_equal(ledger_commit(f->L, &err), 0);
	assert_int_equal(changed, 0);
	assert_int_equal(kept, 2);

	/* A row under neither key: the whole rekey is refused and rolled back. */
	assert_int_equal(pin_issue(f->L, &third, 11, 1, "2026-11-03", &err), 0);
	assert_int_equal(ledger_begin(f->L, &err), 0);
	assert_int_not_equal(pin_rekey(f->L, &nk, &f->k, &changed, &kept, &err), 0);
	ledger_rollback(f->L);
	assert_non_null(strstr(err.msg, "party 11 (case AB12345C1, Kings)"));
	assert_non_null(strstr(err.msg, "neither"));
	assert_int_equal(count_sql(f, "SELECT count(*) FROM pins WHERE key_id = (SELECT key_id FROM pins WHERE party_id = 10)"), 2);

	/* A tampered row is named too, and nothing is re-sealed. */
	exec_sql(f, "DELETE FROM pins WHERE party_id = 11;"
		 "UPDATE pins SET sealed = (SELECT sealed FROM pins WHERE party_id = 10) WHERE party_id = 20");
	assert_int_equal(ledger_begin(f->L, &err), 0);
	assert_int_equal(pin_rekey(f->L, &nk, &third, &changed, &kept, &err), NG_ESECRET);
	ledger_rollback(f->L);
	assert_non_null(strstr(err.msg, "party 20 (case AB12345C1, Queens)"));
	assert_non_null(strstr(err.msg, "does not open"));
	assert_int_equal(pin_reveal(f->L, &nk, 10, 1, again, &err), 0);
	pin_wipe(a);
	pin_wipe(b);
	pin_wipe(again);
	pin_key_wipe(&nk);
	pin_key_wipe(&third);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(issue_then_reveal, setup, teardown),
		cmocka_unit_test_setup_teardown(copied_ciphertext_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_key_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(loose_key_file_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(foreign_key_file_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(no_clear_pin_at_rest, setup, teardown),
		cmocka_unit_test(draws_are_uniform),
		cmocka_unit_test_setup_teardown(case_find_by_id_and_county, setup, teardown),
		cmocka_unit_test_setup_teardown(party_find_by_role, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_and_history, setup, teardown),
		cmocka_unit_test_setup_teardown(reissue_limit_window, setup, teardown),
		cmocka_unit_test_setup_teardown(check_is_exact, setup, teardown),
		cmocka_unit_test_setup_teardown(replace_revokes_old, setup, teardown),
		cmocka_unit_test_setup_teardown(seal_binds_party_and_case, setup, teardown),
		cmocka_unit_test_setup_teardown(rekey_moves_every_pin_once, setup, teardown),
	};

	return cmocka_run_group_tests_name("pin", tests, NULL, NULL);
}
