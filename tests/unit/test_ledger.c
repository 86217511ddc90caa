/*
 * The ledger's queries: every per-case query is served by an index (read
 * from EXPLAIN QUERY PLAN, on a real SQLite file made from the schema), and
 * a bad case comes back as a data error with its reason.
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
#include <unistd.h>

#include "ledger.h"

static char dir[64], db[128];

static int setup(void **state)
{
	struct ng_err err = { 0 };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ng-test-ledger-XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(db, sizeof(db), "%s/ledger.db", dir);
	if (ledger_init(db, &err))
		fail_msg("%s", err.msg);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static void per_case_queries_use_indexes(void **state)
{
	struct ng_err err = { 0 };
	struct ledger *L = ledger_open(db, &err);
	char why[2048];

	(void)state;
	assert_non_null(L);
	if (ledger_scans(L, why, sizeof(why)))
		fail_msg("full table scans: %s", why);
	ledger_close(L);
}

/* Without the indexes the same check must fail: the test can tell. */
static void the_check_sees_a_scan(void **state)
{
	struct ng_err err = { 0 };
	struct ledger *L;
	sqlite3 *h;
	char why[2048];

	(void)state;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "DROP INDEX payments_case", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	L = ledger_open(db, &err);
	assert_non_null(L);
	assert_true(ledger_scans(L, why, sizeof(why)) > 0);
	assert_non_null(strstr(why, "payments"));
	ledger_close(L);
}

static void bad_case_is_a_data_error(void **state)
{
	struct ng_err err = { 0 };
	struct case_facts cf;
	struct ledger *L;
	sqlite3 *h;

	(void)state;
	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
		"INSERT INTO cases VALUES (1, 'AB12345C1', 'Kings', 'open', '2026-01-01');"
		"INSERT INTO parties (party_id, case_key, role, name, lang) VALUES (1, 1, 'CP', 'A', 'en'), (2, 1, 'GP', 'B', 'en');",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	L = ledger_open(db, &err);
	assert_non_null(L);
	memset(&cf, 0, sizeof(cf));
	cf.run = cf.due = cf.stmt.from = cf.stmt.to = cf.month.from = cf.month.to = (struct ng_date){ 2026, 11, 3 };
	assert_int_equal(ledger_load_case(L, 1, &cf, &err), NG_EDATA);
	assert_non_null(strstr(err.msg, "unknown role 'GP'"));
	case_facts_release(&cf);
	ledger_close(L);
}

/* The ledger's journal mode, as a fresh connection finds it. */
static void mode_of(char out[16])
{
	sqlite3 *h;
	sqlite3_stmt *s;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	snprintf(out, 16, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
	sqlite3_close(h);
}

/* A commit through the ledger, then close: 0 if the -journal file is left behind. */
static int commit_and_close(int *journal_while_open)
{
	struct ng_err err = { 0 };
	struct ledger *L = ledger_open(db, &err);
	char path[160];

	assert_non_null(L);
	assert_int_equal(ledger_run_mark(L, "2026-11-03", "running", "2026-11-03T01:00:00Z", &err), 0);
	snprintf(path, sizeof(path), "%s-journal", db);
	*journal_while_open = access(path, F_OK) == 0;
	ledger_close(L);
	return access(path, F_OK) != 0;
}

/*
 * noticegen commits in TRUNCATE mode on a DELETE-mode ledger (the journal
 * file kept between commits), and leaves the ledger as it found it: the
 * mode is not written in the file, and the journal file is gone at close.
 * A WAL ledger stays WAL.
 */
static void journal_mode_is_left_as_found(void **state)
{
	char mode[16];
	int kept;

	(void)state;
	mode_of(mode);
	assert_string_equal(mode, "delete");
	assert_true(commit_and_close(&kept));
	assert_true(kept);                      /* TRUNCATE: the file stays between commits */
	mode_of(mode);
	assert_string_equal(mode, "delete");
	{
		sqlite3 *h;

		assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
		assert_int_equal(sqlite3_exec(h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h);
	}
	assert_true(commit_and_close(&kept));
	assert_false(kept);
	mode_of(mode);
	assert_string_equal(mode, "wal");
}

/* A schema-1 ledger (the journal as it was) is refused by the run and upgraded by init-db. */
static void schema_1_is_upgraded(void **state)
{
	struct ng_err err = { 0 };
	struct ledger *L;
	sqlite3 *h;
	char old[160];
	sqlite3_stmt *s;

	(void)state;
	snprintf(old, sizeof(old), "%s/v1.db", dir);
	assert_int_equal(sqlite3_open(old, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h,
		"PRAGMA user_version = 1;"
		"CREATE TABLE cases (case_key INTEGER PRIMARY KEY, case_id TEXT NOT NULL, county TEXT NOT NULL,"
		" status TEXT NOT NULL DEFAULT 'open', opened_on TEXT, UNIQUE (case_id, county));"
		"CREATE TABLE parties (party_id INTEGER PRIMARY KEY, case_key INTEGER NOT NULL, role TEXT NOT NULL,"
		" name TEXT NOT NULL, addr1 TEXT, addr2 TEXT, city TEXT, state TEXT, zip TEXT,"
		" country TEXT NOT NULL DEFAULT 'US', lang TEXT NOT NULL DEFAULT 'en', ssn TEXT);"
		"CREATE TABLE journal (run_date TEXT NOT NULL, ord INTEGER NOT NULL, doc_type TEXT NOT NULL,"
		" period TEXT NOT NULL, case_key INTEGER NOT NULL, party_id INTEGER NOT NULL, lang TEXT NOT NULL,"
		" pages INTEGER NOT NULL, sheets INTEGER NOT NULL, bytes INTEGER NOT NULL, path TEXT NOT NULL,"
		" sha256 TEXT NOT NULL, PRIMARY KEY (doc_type, party_id, period), UNIQUE (run_date, ord));"
		"CREATE INDEX journal_case ON journal(case_key);"
		"INSERT INTO journal VALUES ('2026-10-03', 17, 'notice', '2026-09', 1, 1, 'en', 1, 1, 100, 'a.pdf', 'ab');",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_null(ledger_open(old, &err));
	assert_non_null(strstr(err.msg, "init-db"));
	if (ledger_init(old, &err))
		fail_msg("%s", err.msg);
	L = ledger_open(old, &err);
	if (!L)
		fail_msg("%s", err.msg);
	ledger_close(L);
	assert_int_equal(sqlite3_open(old, &h), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT ord, copy, reprint_of IS NULL FROM journal", -1, &s, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(s, 0), 17);
	assert_int_equal(sqlite3_column_int(s, 1), 0);
	assert_int_equal(sqlite3_column_int(s, 2), 1);
	sqlite3_finalize(s);
	sqlite3_close(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(per_case_queries_use_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(the_check_sees_a_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_case_is_a_data_error, setup, teardown),
		cmocka_unit_test_setup_teardown(schema_1_is_upgraded, setup, teardown),
		cmocka_unit_test_setup_teardown(journal_mode_is_left_as_found, setup, teardown),
	};

	return cmocka_run_group_tests_name("ledger", tests, NULL, NULL);
}
