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
		"INSERT INTO parties (party_id, case_key, role, name, lang) VALUES (10, 1, 'CP', 'A', 'en'), (11, 1, 'NCP', 'B', 'en');",
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(issue_then_reveal, setup, teardown),
		cmocka_unit_test_setup_teardown(copied_ciphertext_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_key_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(loose_key_file_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(no_clear_pin_at_rest, setup, teardown),
		cmocka_unit_test(draws_are_uniform),
	};

	return cmocka_run_group_tests_name("pin", tests, NULL, NULL);
}
