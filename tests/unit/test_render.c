/*
 * What only pixels show: names keep their diacritics on the page (libharu
 * 2.3 silently drops parts of composite glyphs), and every catalog string
 * has its glyphs. Renders real PDFs and rasterizes them with pdftoppm.
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

#include "i18n.h"
#include "pdf.h"
#include "text.h"

#include "pdf_fixture.h"

static int setup(void **state)
{
	(void)state;
	pdf_fixture_up("render");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return pdf_fixture_down();
}

/* Renders s large at 150 dpi, returns the number of dark pixels (PGM from pdftoppm). */
static long ink(const char *s, const char *script)
{
	struct ng_err err = { 0 };
	struct dlist dl;
	const unsigned char *buf;
	size_t len;
	char path[128], cmd[512];
	FILE *fp;
	long dark = 0;
	int c, w, h, max, i;

	dl_init(&dl, 400, 100);
	dl_page(&dl);
	fonts_use(fonts, script, 0);
	text_line(&dl, fonts, fonts_find(fonts, "latin.regular"), 40, 40, 10, 40, 380, ALIGN_LEFT, s);
	fonts_use(fonts, NULL, 0);
	if (pdf_render(pdf, &dl, NULL, &buf, &len, &err))
		fail_msg("%s", err.msg);
	snprintf(path, sizeof(path), "%s/t.pdf", dir);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
	snprintf(cmd, sizeof(cmd), "pdftoppm -r 150 -gray %s > %s/t.pgm 2>/dev/null", path, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof(path), "%s/t.pgm", dir);
	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fscanf(fp, "P5 %d %d %d", &w, &h, &max), 3);
	fgetc(fp);
	for (i = 0; i < w * h && (c = fgetc(fp)) != EOF; i++)
		dark += c < 128;
	fclose(fp);
	dl_release(&dl);
	return dark;
}

/* The accented name carries more ink than the bare one: its diacritics were drawn. */
static void diacritics_are_drawn(void **state)
{
	static const char *const pairs[][2] = {
		{ "Nguyễn", "Nguyen" }, { "Łukasz", "Lukasz" }, { "Siobhán", "Siobhan" },
		{ "Zoë", "Zoe" }, { "Đặng Thị Ngọc", "Dang Thi Ngoc" }, { "Wiśniewski", "Wisniewski" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(pairs) / sizeof(*pairs); i++) {
		long with = ink(pairs[i][0], NULL), without = ink(pairs[i][1], NULL);

		if (with <= without + 20)
			fail_msg("'%s' has %ld dark pixels, '%s' %ld: diacritics missing", pairs[i][0], with,
				 pairs[i][1], without);
	}
	/* The same inside a Korean letter, where the Latin face must still draw the name. */
	assert_true(ink("Nguyễn", "hangul") > ink("Nguyen", "hangul") + 20);
}

/* Arabic letters keep their dots (composite glyphs): ب (one dot below) outweighs its dotless form ٮ. */
static void arabic_dots_are_drawn(void **state)
{
	(void)state;
	assert_true(ink("\xd8\xa8\xd8\xa8\xd8\xa8", "arabic") > ink("\xd9\xae\xd9\xae\xd9\xae", "arabic") + 10);
}

/*
 * Bengali is shaped, and the shaped glyphs are drawn: the conjunct ক্ষ
 * (ka, virama, ssa) is one glyph, drawn otherwise than ক্‌ষ, the same
 * letters kept apart by a zero-width non-joiner (ka with a visible virama,
 * then ssa); and the i-sign of কি is drawn (before the ka, by shaping).
 */
static void bengali_is_shaped(void **state)
{
	long conjunct = ink("\xe0\xa6\x95\xe0\xa7\x8d\xe0\xa6\xb7", "bengali");
	long apart = ink("\xe0\xa6\x95\xe0\xa7\x8d\xe2\x80\x8c\xe0\xa6\xb7", "bengali");
	long ka = ink("\xe0\xa6\x95", "bengali"), ki = ink("\xe0\xa6\x95\xe0\xa6\xbf", "bengali");

	(void)state;
	print_message("# ink: conjunct %ld, apart %ld, ka %ld, ki %ld\n", conjunct, apart, ka, ki);
	assert_true(conjunct > 20 && apart > 20);
	assert_true(labs(conjunct - apart) > conjunct / 10);
	assert_true(ki > ka + ka / 4);
}

static void every_catalog_string_has_glyphs(void **state)
{
	struct ng_err err = { 0 };

	(void)state;
	if (text_check_catalogs(fonts, i18n, &err))
		fail_msg("%s", err.msg);
}

/* A character no font has is caught at start-up, naming the file and key. */
static void missing_glyph_is_caught(void **state)
{
	static const char cat[] =
		"@language = ko\n@name = test\n@translator = test\n@reviewed = no\n"
		"@script = hangul\n@direction = ltr\n\nnotice.title = \xe2\x98\x83 snow\n";
	struct i18n *one = i18n_new();
	struct ng_err err = { 0 };

	(void)state;
	assert_int_equal(i18n_load_buffer(one, "ko-test.cat", cat, sizeof(cat) - 1, &err), 0);
	assert_int_not_equal(text_check_catalogs(fonts, one, &err), 0);
	assert_int_equal(err.code, NG_ECONFIG);
	assert_non_null(strstr(err.msg, "notice.title"));
	assert_non_null(strstr(err.msg, "U+2603"));
	i18n_free(one);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(diacritics_are_drawn),
		cmocka_unit_test(arabic_dots_are_drawn),
		cmocka_unit_test(bengali_is_shaped),
		cmocka_unit_test(every_catalog_string_has_glyphs),
		cmocka_unit_test(missing_glyph_is_caught),
	};

	return cmocka_run_group_tests_name("render", tests, setup, teardown);
}
