/* Unit tests for src/dates.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dates.h"

static struct ng_date date(int y, int m, int d)
{
	struct ng_date r = {y, m, d};

	return r;
}

static void expect_date(struct ng_date got, int y, int m, int d)
{
	if (got.y != y || got.m != m || got.d != d)
		fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", got.y, got.m, got.d, y, m, d);
}

static void expect_reject(const char *s)
{
	struct ng_date d = {1, 2, 3};

	if (dates_parse(s, &d) != -1)
		fail_msg("dates_parse(\"%s\") accepted it", s ? s : "(null)");
	expect_date(d, 1, 2, 3);
}

static void test_parse(void **state)
{
	struct ng_date d;

	(void)state;
	assert_int_equal(dates_parse("2026-11-03", &d), 0);
	expect_date(d, 2026, 11, 3);
	assert_int_equal(dates_parse("1900-01-01", &d), 0);
	assert_int_equal(dates_parse("2199-12-31", &d), 0);
	assert_int_equal(dates_parse("2024-02-29", &d), 0);
	assert_int_equal(dates_parse("2000-02-29", &d), 0);
	expect_reject("2026-02-29");
	expect_reject("1900-02-29");	/* 1900 was not a leap year */
	expect_reject("2100-02-29");
	expect_reject("2026-02-30");
	expect_reject("2026-04-31");
	expect_reject("2026-13-01");
	expect_reject("2026-00-10");
	expect_reject("2026-01-00");
	expect_reject("9999-01-01");
	expect_reject("1899-12-31");
	expect_reject("2200-01-01");
	expect_reject("2026-1-1");
	expect_reject("2026-01-01 ");
	expect_reject("2026-01-01T00:00");
	expect_reject("2026/01/01");
	expect_reject("+026-01-01");
	expect_reject("2026-01-0");
	expect_reject("2026-01");
	expect_reject("");
	expect_reject(NULL);
	assert_int_equal(dates_parse_month("2026-02", &d), 0);
	expect_date(d, 2026, 2, 1);
	assert_int_equal(dates_parse_month("2026-13", &d), -1);
	assert_int_equal(dates_parse_month("2026-02-01", &d), -1);
	assert_int_equal(dates_parse_month("9999-01", &d), -1);
	assert_int_equal(dates_parse_month("2026-2", &d), -1);
}

static void test_days_in_month(void **state)
{
	(void)state;
	assert_int_equal(dates_days_in_month(2024, 2), 29);
	assert_int_equal(dates_days_in_month(2026, 2), 28);
	assert_int_equal(dates_days_in_month(1900, 2), 28);
	assert_int_equal(dates_days_in_month(2000, 2), 29);
	assert_int_equal(dates_days_in_month(2026, 4), 30);
	assert_int_equal(dates_days_in_month(2026, 12), 31);
	assert_int_equal(dates_days_in_month(2026, 0), 0);
	assert_int_equal(dates_days_in_month(2026, 13), 0);
}

/* Every day 1900-01-01 .. 2199-12-31 converts both ways, one day apart. */
static void test_days_round_trip(void **state)
{
	struct ng_date d = date(1900, 1, 1), prev;
	long first = dates_to_days(d), n;

	(void)state;
	assert_int_equal(dates_to_days(date(1970, 1, 1)), 0);
	assert_int_equal(dates_to_days(date(1969, 12, 31)), -1);
	assert_int_equal(dates_to_days(date(2000, 3, 1)), 11017);
	assert_int_equal(first, -25567);
	for (n = first; n <= dates_to_days(date(2199, 12, 31)); n++) {
		prev = d;
		d = dates_from_days(n);
		assert_int_equal(dates_to_days(d), n);
		assert_true(d.m >= 1 && d.m <= 12 && d.d >= 1 && d.d <= dates_days_in_month(d.y, d.m));
		if (n > first)
			assert_true(dates_cmp(prev, d) < 0);
	}
	expect_date(d, 2199, 12, 31);
	assert_int_equal(n - first, 109573);	/* 300 years, 73 leap days */
}

static void test_add(void **state)
{
	(void)state;
	expect_date(dates_add_days(date(2024, 2, 28), 1), 2024, 2, 29);
	expect_date(dates_add_days(date(2026, 2, 28), 1), 2026, 3, 1);
	expect_date(dates_add_days(date(2026, 12, 31), 1), 2027, 1, 1);
	expect_date(dates_add_days(date(2026, 1, 1), -1), 2025, 12, 31);
	expect_date(dates_add_months(date(2026, 1, 31), 1), 2026, 2, 28);
	expect_date(dates_add_months(date(2024, 1, 31), 1), 2024, 2, 29);
	expect_date(dates_add_months(date(2026, 3, 31), 1), 2026, 4, 30);
	expect_date(dates_add_months(date(2026, 11, 15), 2), 2027, 1, 15);
	expect_date(dates_add_months(date(2026, 1, 15), -1), 2025, 12, 15);
	expect_date(dates_add_months(date(2026, 3, 31), -13), 2025, 2, 28);
	expect_date(dates_add_months(date(2026, 5, 31), -24), 2024, 5, 31);
	expect_date(dates_add_months(date(2026, 5, 10), 0), 2026, 5, 10);
}

static void test_cmp_iso(void **state)
{
	char buf[11];

	(void)state;
	assert_true(dates_cmp(date(2026, 1, 1), date(2025, 12, 31)) > 0);
	assert_true(dates_cmp(date(2026, 1, 31), date(2026, 2, 1)) < 0);
	assert_true(dates_cmp(date(2026, 2, 1), date(2026, 2, 2)) < 0);
	assert_int_equal(dates_cmp(date(2026, 2, 1), date(2026, 2, 1)), 0);
	dates_iso(buf, date(2026, 3, 7));
	assert_string_equal(buf, "2026-03-07");
	dates_iso(buf, date(1900, 12, 31));
	assert_string_equal(buf, "1900-12-31");
}

static void test_format(void **state)
{
	static const char *const en[12] = {
		"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December",
	};
	static const char *const es[12] = {
		"enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
		"agosto", "septiembre", "octubre", "noviembre", "diciembre",
	};
	struct ng_date d = date(2026, 11, 3);
	char buf[64];

	(void)state;
	assert_int_equal(dates_format(buf, sizeof(buf), d, "{month} {d}, {yyyy}", en),
			 strlen("November 3, 2026"));
	assert_string_equal(buf, "November 3, 2026");
	dates_format(buf, sizeof(buf), d, "{d} de {month} de {yyyy}", es);
	assert_string_equal(buf, "3 de noviembre de 2026");
	dates_format(buf, sizeof(buf), d, "{yyyy}년 {m}월 {d}일", NULL);
	assert_string_equal(buf, "2026년 11월 3일");
	dates_format(buf, sizeof(buf), d, "{mm}/{dd}/{yyyy} {x} {dd {} {", en);
	assert_string_equal(buf, "11/03/2026 {x} {dd {} {");
	dates_format(buf, sizeof(buf), d, "{month}", NULL);	/* no names: number */
	assert_string_equal(buf, "11");
	/* truncation: NUL-terminated, never inside a UTF-8 character */
	assert_int_equal(dates_format(buf, 10, d, "{yyyy}년 {m}월", NULL), strlen("2026년 11월"));
	assert_string_equal(buf, "2026년 1");
	dates_format(buf, 13, d, "{yyyy}년 {m}월", NULL);	/* 월 is bytes 11-13 */
	assert_string_equal(buf, "2026년 11");
	assert_int_equal(dates_format(buf, 7, d, "{yyyy}년", NULL), strlen("2026년"));
	assert_string_equal(buf, "2026");
	assert_int_equal(dates_format(NULL, 0, d, "{yyyy}", NULL), 4);
	assert_int_equal(dates_format(buf, sizeof(buf), d, NULL, NULL), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_days_in_month),
		cmocka_unit_test(test_days_round_trip),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_cmp_iso),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
