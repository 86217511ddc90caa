/* Unit tests for src/money.c. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "money.h"

static void expect_parse(const char *s, ng_cents want)
{
	ng_cents c = 7;

	if (money_parse(s, &c) != 0)
		fail_msg("money_parse(\"%s\") failed", s);
	assert_int_equal(c, want);
}

static void expect_reject(const char *s)
{
	ng_cents c = 7;

	if (money_parse(s, &c) != -1)
		fail_msg("money_parse(\"%s\") accepted it", s ? s : "(null)");
	assert_int_equal(c, 7);	/* untouched */
}

static void test_parse(void **state)
{
	(void)state;
	expect_parse("1234.56", 123456);
	expect_parse("-12.50", -1250);
	expect_parse("0", 0);
	expect_parse("-0.00", 0);
	expect_parse("0.05", 5);
	expect_parse("007", 700);
	expect_parse("10000000000000.00", MONEY_MAX_CENTS);
	expect_parse("-10000000000000", -MONEY_MAX_CENTS);
	expect_reject("10000000000000.01");
	expect_reject("99999999999999999999999999");
	expect_reject("-92233720368547758.08");
	expect_reject("-12.5");
	expect_reject("1.567");
	expect_reject("1.");
	expect_reject(".50");
	expect_reject("");
	expect_reject("-");
	expect_reject("+1.00");
	expect_reject("$1,234.56");
	expect_reject("1,234.56");
	expect_reject(" 1.00");
	expect_reject("1.00 ");
	expect_reject("1e3");
	expect_reject("1.0x");
	expect_reject("--1");
	expect_reject(NULL);
}

static void test_add(void **state)
{
	ng_cents c = 0;

	(void)state;
	assert_int_equal(money_add(150, -200, &c), 0);
	assert_int_equal(c, -50);
	assert_int_equal(money_add(INT64_MAX - 1, 1, &c), 0);
	assert_int_equal(c, INT64_MAX);
	assert_int_equal(money_add(INT64_MIN + 1, -1, &c), 0);
	assert_int_equal(c, INT64_MIN);
	c = 9;
	assert_int_equal(money_add(INT64_MAX, 1, &c), -1);
	assert_int_equal(money_add(INT64_MIN, -1, &c), -1);
	assert_int_equal(money_add(INT64_MIN, INT64_MIN, &c), -1);
	assert_int_equal(c, 9);
}

static void expect_format(ng_cents c, const char *want)
{
	char buf[32];

	assert_int_equal(money_format(buf, sizeof(buf), c), strlen(want));
	assert_string_equal(buf, want);
}

static void test_format(void **state)
{
	char buf[8];

	(void)state;
	expect_format(0, "$0.00");
	expect_format(5, "$0.05");
	expect_format(-500, "-$5.00");
	expect_format(99999, "$999.99");
	expect_format(100000, "$1,000.00");
	expect_format(123456, "$1,234.56");
	expect_format(-123456789, "-$1,234,567.89");
	expect_format(INT64_MAX, "$92,233,720,368,547,758.07");
	expect_format(INT64_MIN, "-$92,233,720,368,547,758.08");
	/* never a truncated amount: "" and the length needed */
	assert_int_equal(money_format(buf, sizeof(buf), 123456), 9);
	assert_string_equal(buf, "");
	assert_int_equal(money_format(buf, 6, 12345), 7);
	assert_string_equal(buf, "");
	assert_int_equal(money_format(buf, 8, 12345), 7);
	assert_string_equal(buf, "$123.45");
	assert_int_equal(money_format(NULL, 0, -1), 6);
}

static void test_format_digits(void **state)
{
	char buf[16];

	(void)state;
	assert_int_equal(money_format_digits(buf, sizeof(buf), 12345, 10), 10);
	assert_string_equal(buf, "0000012345");
	assert_int_equal(money_format_digits(buf, sizeof(buf), 0, 3), 3);
	assert_string_equal(buf, "000");
	assert_int_equal(money_format_digits(buf, sizeof(buf), 999, 3), 3);
	assert_string_equal(buf, "999");
	assert_int_equal(money_format_digits(buf, sizeof(buf), 1000, 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(money_format_digits(buf, sizeof(buf), -1, 10), 0);
	assert_int_equal(money_format_digits(buf, sizeof(buf), INT64_MIN, 15), 0);
	assert_int_equal(money_format_digits(buf, sizeof(buf), 5, 0), 0);
	assert_int_equal(money_format_digits(buf, sizeof(buf), 5, -3), 0);
	assert_int_equal(money_format_digits(buf, 10, 5, 10), 0);	/* no room for NUL */
	assert_int_equal(money_format_digits(buf, 11, 5, 10), 10);
	assert_int_equal(money_format_digits(buf, sizeof(buf), INT64_MAX, 15), 0);
	assert_int_equal(money_format_digits(NULL, 0, 5, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_add),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_digits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
