/* Unit tests for src/marks.c: the IMb against USPS-B-3200's own examples. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "marks.h"

/*
 * The four encodings printed in the Intelligent Mail barcode specification
 * (USPS-B-3200, appendix): tracking code 01 234 567094 987654321 with no
 * routing code, a ZIP, a ZIP+4 and a ZIP+4 with delivery point.
 */
static const struct {
	const char *routing, *bars;
} spec[] = {
	{ "", "ATTFATTDTTADTAATTDTDTATTDAFDDFADFDFTFFFFFTATFAAAATDFFTDAADFTFDTDT" },
	{ "01234", "DTTAFADDTTFTDTFTFDTDDADADAFADFATDDFTAAAFDTTADFAAATDFDTDFADDDTDFFT" },
	{ "012345678", "ADFTTAFDTTTTFATTADTAAATFTFTATDAAAFDDADATATDTDTTDFDTDATADADTDFFTFA" },
	{ "01234567891", "AADTFFDFTDADTAADAATFDTDDAAADDTDTTDAFADADDDTFFFDDTTTADFAAADFTDAADA" },
};

static void test_spec_examples(void **state)
{
	struct ng_err err = { 0 };
	char bars[66];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(spec) / sizeof(*spec); i++) {
		if (marks_imb_bars("01234567094987654321", spec[i].routing, bars, &err))
			fail_msg("routing '%s': %s", spec[i].routing, err.msg);
		assert_string_equal(bars, spec[i].bars);
	}
}

static void test_bad_input(void **state)
{
	struct ng_err err = { 0 };
	char bars[66];

	(void)state;
	assert_int_not_equal(marks_imb_bars("0123456709498765432", "", bars, &err), 0);
	assert_int_not_equal(marks_imb_bars("01234567094987654321", "0123", bars, &err), 0);
	assert_int_not_equal(marks_imb_bars("0123456709498765432x", "", bars, &err), 0);
}

/* Drawn bars: 65 rectangles, full bars taller than trackers, within USPS's height limits. */
static void test_drawn(void **state)
{
	struct ng_err err = { 0 };
	struct dlist dl;
	float full = 0, tracker = 1e9f;
	size_t i;

	(void)state;
	dl_init(&dl, 612, 792);
	dl_page(&dl);
	dl_page(&dl);
	assert_int_equal(marks_imb(&dl, 1, 72, 100, "01234567094987654321", "01234567891", &err), 0);
	assert_int_equal(dl.n, 65);
	for (i = 0; i < dl.n; i++) {
		assert_int_equal(dl.item[i].page, 1);
		full = dl.item[i].h > full ? dl.item[i].h : full;
		tracker = dl.item[i].h < tracker ? dl.item[i].h : tracker;
	}
	assert_true(full >= 0.125f * 72 && full <= 0.165f * 72);
	assert_true(tracker >= 0.039f * 72 && tracker <= 0.057f * 72);
	assert_true(marks_imb_width() <= 3.2f * 72);
	dl_reset(&dl);
	assert_int_equal(marks_datamatrix(&dl, 0, 10, 10, 20, "B001 000042 1/2", &err), 0);
	assert_true(dl.n > 10);
	dl_release(&dl);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_examples),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_drawn),
	};

	return cmocka_run_group_tests_name("marks", tests, NULL, NULL);
}
