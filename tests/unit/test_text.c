/*
 * Fitting text: lines shrink to fit and refuse when they cannot, paragraphs
 * wrap inside their width, and the longest names stay inside the envelope
 * window. Uses the real fonts, cut as a run cuts them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docs/doc.h"
#include "fonts.h"
#include "layout.h"
#include "text.h"

static char dir[64];
static struct fonts *fonts;
static struct layout *layout;

static int setup(void **state)
{
	struct ng_err err = { 0 };

	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/ng-test-text-XXXXXX");
	assert_non_null(mkdtemp(dir));
	fonts = fonts_load("fonts/fonts.ini", dir, NULL, &err);
	if (!fonts)
		fail_msg("%s", err.msg);
	layout = layout_load("layouts", fonts, &err);
	if (!layout)
		fail_msg("%s", err.msg);
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	layout_free(layout);
	fonts_free(fonts);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

/* Every item of the list lies within [x0, x1] horizontally. */
static void assert_within(const struct dlist *dl, float x0, float x1)
{
	size_t i;

	assert_true(dl->n > 0);
	for (i = 0; i < dl->n; i++) {
		const struct dl_item *it = &dl->item[i];
		double w = fonts_width(fonts, it->face, dl_str(dl, it), it->len, it->size);

		assert_true(it->x >= x0 - 0.01f);
		assert_true(it->x + w <= x1 + 0.05);
	}
}

static void line_shrinks_then_refuses(void **state)
{
	const struct box *win = layout_box(layout, "common", "address");
	const char *name = "María de los Ángeles Rodríguez-Villanueva O'Sullivan Nguyễn";   /* 60 characters */
	struct dlist dl;
	float size;

	(void)state;
	dl_init(&dl, 612, 792);
	size = text_line(&dl, fonts, win->face, win->size, win->min_size, win->x, 600, win->w, ALIGN_LEFT, name);
	assert_true(size >= win->min_size && size <= win->size);
	assert_within(&dl, win->x, win->x + win->w);
	/* Twice as long cannot fit the window at any allowed size: nothing is drawn. */
	dl_reset(&dl);
	{
		char twice[256];

		snprintf(twice, sizeof(twice), "%s %s", name, name);
		assert_true(text_line(&dl, fonts, win->face, win->size, win->min_size, win->x, 600, win->w,
				      ALIGN_LEFT, twice) == 0);
		assert_int_equal(dl.n, 0);
	}
	dl_release(&dl);
}

static void paragraph_wraps_inside_its_box(void **state)
{
	const struct box *b = layout_box(layout, "pinletter", "body");
	const char *s = "You'll need your Personal Identification Number (PIN). A notice with the PIN was "
			"mailed to you after your child support order was recorded. If you do not have this "
			"letter, call 888-208-4485 (TTY: 866-875-9975) to have it mailed to you. "
			"Supercalifragilisticexpialidociousandthensomemoreletterswithoutanyspaceatallsoitmustbreak";
	struct dlist dl;
	float y = b->top - b->size;
	int lines = text_count_lines(fonts, b->face, b->size, b->w, s);

	(void)state;
	dl_init(&dl, 612, 792);
	assert_true(lines >= 3);
	assert_int_equal(text_para(&dl, fonts, b, b->face, b->size, b->leading, &y, s), 0);
	assert_int_equal((int)dl.n, lines);
	assert_within(&dl, b->x, b->x + b->w);
	/* A paragraph taller than the box is refused, not clipped. */
	y = b->bottom + b->size;
	dl_reset(&dl);
	assert_int_equal(text_para(&dl, fonts, b, b->face, b->size, b->leading, &y, s), -1);
	assert_int_equal(dl.n, 0);
	/* And recorded as lost, naming it, so a caller that goes on still has the document refused. */
	assert_int_equal(dl.lost, 1);
	assert_int_equal(strncmp(dl.lost_text, s, 20), 0);
	dl_release(&dl);
}

static void address_problems(void **state)
{
	struct party p;

	(void)state;
	memset(&p, 0, sizeof(p));
	snprintf(p.addr1, sizeof(p.addr1), "1 Main St");
	snprintf(p.city, sizeof(p.city), "Bronx");
	snprintf(p.state, sizeof(p.state), "NY");
	snprintf(p.country, sizeof(p.country), "US");
	snprintf(p.zip, sizeof(p.zip), "10451");
	assert_null(doc_address_problem(&p));
	snprintf(p.zip, sizeof(p.zip), "10451-1234");
	assert_null(doc_address_problem(&p));
	snprintf(p.zip, sizeof(p.zip), "1045");
	assert_non_null(doc_address_problem(&p));
	snprintf(p.zip, sizeof(p.zip), "10451-12");
	assert_non_null(doc_address_problem(&p));
	p.addr1[0] = '\0';
	snprintf(p.zip, sizeof(p.zip), "10451");
	assert_non_null(doc_address_problem(&p));
}

/* Luhn: the classic example 7992739871 has check digit 3; the scan line's spaces are skipped. */
static void scan_line_check_digit(void **state)
{
	(void)state;
	assert_int_equal(coupon_check_digit("7992739871"), 3);
	assert_int_equal(coupon_check_digit("79927 39871"), 3);
	assert_int_equal(coupon_check_digit("0000000000"), 0);
	/* One digit changed changes the check digit (a single-digit misread is caught). */
	assert_int_not_equal(coupon_check_digit("0000000023 0000067500 20261115"),
			     coupon_check_digit("0000000023 0000067600 20261115"));
}

/* A layout whose box leaves the page is refused with the file and section. */
static void layout_outside_page_refused(void **state)
{
	struct ng_err err = { 0 };
	char tmp[64], cmd[256];
	struct layout *bad;

	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/ng-test-layout-XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(cmd, sizeof(cmd), "cp layouts/*.ini %s/ && sed -i '/^\\[address\\]/,/^x/ s/^x = .*/x = 500/' %s/common.ini", tmp, tmp);
	assert_int_equal(system(cmd), 0);
	bad = layout_load(tmp, fonts, &err);
	assert_null(bad);
	assert_int_equal(err.code, NG_ECONFIG);
	assert_non_null(strstr(err.msg, "common.ini"));
	assert_non_null(strstr(err.msg, "[address]"));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmp);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_shrinks_then_refuses),
		cmocka_unit_test(paragraph_wraps_inside_its_box),
		cmocka_unit_test(address_problems),
		cmocka_unit_test(scan_line_check_digit),
		cmocka_unit_test(layout_outside_page_refused),
	};

	return cmocka_run_group_tests_name("text", tests, setup, teardown);
}
