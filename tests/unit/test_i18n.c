/* Unit tests for src/i18n.c; run from the repository root. */
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

#ifndef TEST_DATA_DIR
#define TEST_DATA_DIR "tests/unit/data"
#endif

/* Six header lines, so a test's first own line is line 7. */
#define HDR "@language = xx\n@name = X\n@translator = T\n@reviewed = yes\n" \
	    "@script = latin\n@direction = ltr\n"

#define assert_msg(err, text) do { \
	if (!strstr((err).msg, (text))) \
		fail_msg("expected \"%s\" in \"%s\"", (text), (err).msg); \
} while (0)

/* Loads len bytes from an exact-size heap copy, so ASan sees over-reads. */
static int load_bytes(struct i18n *i, const char *text, size_t len, struct ng_err *err)
{
	char *copy = malloc(len ? len : 1);
	int ret;

	assert_non_null(copy);
	memcpy(copy, text, len);
	ret = i18n_load_buffer(i, "t.cat", copy, len, err);
	free(copy);
	return ret;
}

static int load_text(struct i18n *i, const char *text, struct ng_err *err)
{
	return load_bytes(i, text, strlen(text), err);
}

/* Loads len bytes expecting failure with a message containing want. */
static void expect_error_bytes(const char *text, size_t len, const char *want)
{
	struct i18n *i = i18n_new();
	struct ng_err err = {0};

	assert_int_not_equal(load_bytes(i, text, len, &err), 0);
	assert_int_equal(err.code, NG_ECONFIG);
	assert_msg(err, want);
	assert_null(i18n_lang(i, "xx"));
	i18n_free(i);
}

static void expect_error(const char *text, const char *want)
{
	expect_error_bytes(text, strlen(text), want);
}

static int setup_dir(void **state)
{
	struct i18n *i = i18n_new();
	struct ng_err err = {0};

	if (!i || i18n_load_dir(i, TEST_DATA_DIR, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		i18n_free(i);
		return -1;
	}
	*state = i;
	return 0;
}

static int teardown_dir(void **state)
{
	i18n_free(*state);
	return 0;
}

static void test_load_dir_headers(void **state)
{
	const struct i18n *i = *state;
	const struct i18n_lang *es = i18n_lang(i, "es"), *ar = i18n_lang(i, "ar");

	assert_string_equal(i18n_lang_at(i, 0)->code, "ar");
	assert_string_equal(i18n_lang_at(i, 1)->code, "en");
	assert_string_equal(i18n_lang_at(i, 2)->code, "es");
	assert_null(i18n_lang_at(i, 3));
	assert_null(i18n_lang(i, "ko"));
	assert_non_null(es);
	assert_string_equal(es->name, "Español");
	assert_string_equal(es->translator, "Example Translations LLC");
	assert_false(es->reviewed);
	assert_false(es->rtl);
	assert_string_equal(es->path, TEST_DATA_DIR "/es.cat");
	assert_true(i18n_lang(i, "en")->reviewed);	/* trailing comment stripped */
	assert_true(ar->rtl);
	assert_string_equal(ar->script, "arabic");
	assert_int_equal(ar->nkeys, 1);
}

static void test_get_and_fallback(void **state)
{
	const struct i18n *i = *state;

	assert_string_equal(i18n_get(i, "es", "notice.title"),
			    "Aviso mensual de manutención cobrada y pagada");
	assert_int_equal(i18n_fallback_count(i, "es"), 0);
	/* missing in es: English, recorded once however often asked */
	assert_string_equal(i18n_get(i, "es", "path.example"), "C:\\agency\\notices");
	assert_string_equal(i18n_get(i, "es", "path.example"), "C:\\agency\\notices");
	assert_string_equal(i18n_get(i, "es", "only.english"), "Only in English");
	assert_int_equal(i18n_fallback_count(i, "es"), 2);
	assert_string_equal(i18n_fallback_key(i, "es", 0), "only.english");
	assert_string_equal(i18n_fallback_key(i, "es", 1), "path.example");
	assert_null(i18n_fallback_key(i, "es", 2));
	/* missing everywhere: "" (never the key, never NULL), recorded twice */
	assert_string_equal(i18n_get(i, "es", "no.such.key"), "");
	assert_int_equal(i18n_fallback_count(i, "es"), 3);
	assert_int_equal(i18n_fallback_count(i, "en"), 1);
	assert_string_equal(i18n_fallback_key(i, "en", 0), "no.such.key");
	/* a code not loaded reads English and records nothing */
	assert_string_equal(i18n_get(i, "ko", "notice.title"),
			    "Monthly Notice of Support Collected and Disbursed");
	assert_int_equal(i18n_fallback_count(i, "ko"), 0);
	assert_string_equal(i18n_get(i, "es", NULL), "");
	assert_string_equal(i18n_get(NULL, "es", "notice.title"), "");
}

static void test_continuation_and_escapes(void **state)
{
	const struct i18n *i = *state;

	assert_string_equal(i18n_get(i, "en", "pin.step1.body"),
			    "You'll need your Personal Identification Number (PIN). "
			    "A notice with your PIN was mailed to you.\nKeep it safe.");
	assert_string_equal(i18n_get(i, "en", "path.example"), "C:\\agency\\notices");
}

static void test_month_names(void **state)
{
	const struct i18n *i = *state;
	const char *m[12];

	i18n_month_names(i, "es", m);
	assert_string_equal(m[0], "enero");
	assert_string_equal(m[10], "noviembre");
	assert_string_equal(m[11], "December");	/* month.12 missing in es */
	assert_string_equal(i18n_get(i, "es", "fmt.date_long"), "{d} de {month} de {yyyy}");
}

static void test_report(void **state)
{
	const struct i18n *i = *state;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int problems;

	assert_non_null(f);
	problems = i18n_report(i, f);
	fclose(f);
	/* en 0; ar 18 missing; es: header, 4 missing, 1 extra, 1 placeholder, 2 ?= */
	assert_int_equal(problems, 27);
	assert_non_null(strstr(text, "en (English): 19 keys, reviewed"));
	assert_non_null(strstr(text, "es (Español): 16 keys, NOT reviewed"));
	assert_non_null(strstr(text, "  missing (falls back to English): pin.step1.body\n"));
	assert_non_null(strstr(text, "  missing (falls back to English): month.12\n"));
	assert_non_null(strstr(text, "  not in en: only.spanish\n"));
	assert_non_null(strstr(text, "  placeholder {date} of en missing: notice.amount\n"));
	assert_non_null(strstr(text, "  unreviewed (?=): notice.greeting\n"));
	assert_non_null(strstr(text, "  unreviewed (?=): month.11\n"));
	assert_null(strstr(text, "unreviewed (?=): notice.title"));
	free(text);
}

static void test_bom_crlf_no_final_newline(void **state)
{
	struct i18n *i = i18n_new();
	struct ng_err err = {0};
	const char *text = "\xEF\xBB\xBF@language = xx\r\n@name = X\r\n@translator = T\r\n"
			   "@reviewed = no\r\n@script = hebrew\r\n@direction = rtl\r\n"
			   "# comment\r\n\r\nk = v \r\n  cont\t\r\nempty =\r\n"
			   "joined = one\\n\r\n  two\r\nlast ?= x";

	(void)state;
	assert_int_equal(load_text(i, text, &err), 0);
	assert_true(i18n_lang(i, "xx")->rtl);
	assert_string_equal(i18n_get(i, "xx", "k"), "v cont");
	assert_string_equal(i18n_get(i, "xx", "empty"), "");
	assert_string_equal(i18n_get(i, "xx", "joined"), "one\ntwo");
	assert_string_equal(i18n_get(i, "xx", "last"), "x");
	assert_int_equal(i18n_fallback_count(i, "xx"), 0);
	assert_int_equal(load_text(i, text, &err), -1);	/* xx twice */
	assert_msg(err, "language 'xx' is already loaded");
	i18n_free(i);
}

static void test_parse_errors(void **state)
{
	static const char nul[] = HDR "ok = 1\nbad = a\0b\n";

	(void)state;
	expect_error(HDR "a = 1\nb = 2\n\na = 3\n",
		     "t.cat:10: duplicate key 'a' (also on line 7)");
	expect_error(HDR "ok = fine\nbad = caf\xC3\x28\n",
		     "t.cat:8: invalid UTF-8 in value of 'bad'; save the file as UTF-8");
	expect_error(HDR "x = \xC0\xAF\n", "t.cat:7: invalid UTF-8");
	expect_error(HDR "x = \xED\xA0\x80\n", "t.cat:7: invalid UTF-8");
	expect_error(HDR "x = \xE0\x80\xAF\n", "t.cat:7: invalid UTF-8");
	expect_error(HDR "x = \xF4\x90\x80\x80\n", "t.cat:7: invalid UTF-8");
	expect_error(HDR "x = \xE2\x82", "t.cat:7: invalid UTF-8");
	expect_error(HDR "# caf\xE9\n", "t.cat:7: invalid UTF-8;");
	expect_error_bytes(nul, sizeof(nul) - 1, "t.cat:8: NUL byte in value of 'bad'");
	expect_error(HDR "x = a\rb\n", "t.cat:7: control character 0x0d");
	expect_error(HDR "Notice.title = x\n", "t.cat:7: expected 'key = value'");
	expect_error(HDR "title x\n", "t.cat:7: expected 'key = value'");
	expect_error(HDR "  orphan\n", "t.cat:7: indented line");
	expect_error(HDR "a = 1\n\n  orphan\n", "t.cat:9: indented");
	expect_error(HDR "a = tab\\t\n", "t.cat:7: in value of 'a': a backslash");
	expect_error(HDR "a = end\\\n", "t.cat:7: in value of 'a'");
	expect_error(HDR "@colour = red\n", "t.cat:7: unknown header '@colour'");
	expect_error(HDR "@name = Y\n", "t.cat:7: duplicate header '@name' (first on line 2)");
	expect_error("@language = xx\n@name = X\n", "t.cat: missing header '@translator'");
	expect_error("@language = XX\n", "t.cat:1: bad value 'XX' for @language");
	expect_error("@reviewed = maybe\n", "bad value 'maybe' for @reviewed");
	expect_error("@script = klingon\n", "bad value 'klingon' for @script");
	expect_error("@language = xx\n@name = X\n@translator = T\n@reviewed = yes\n"
		     "@script = arabic\n@direction = ltr\n",
		     "t.cat:6: @script = arabic is written right to left; set @direction = rtl");
}

static void test_load_dir_errors(void **state)
{
	char dir[] = "/tmp/test_i18n.XXXXXX", path[256], path2[256];
	struct i18n *i = i18n_new();
	struct ng_err err = {0};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/es.cat", dir);
	assert_non_null(f = fopen(path, "w"));
	fputs(HDR, f);		/* says @language = xx */
	fclose(f);
	assert_int_not_equal(i18n_load_dir(i, dir, &err), 0);
	assert_msg(err, "es.cat:1: @language = xx does not match the file name");
	snprintf(path2, sizeof(path2), "%s/xx.cat", dir);
	assert_int_equal(rename(path, path2), 0);
	assert_int_not_equal(i18n_load_dir(i, dir, &err), 0);
	assert_msg(err, "no en.cat; English is required");
	assert_non_null(i18n_lang(i, "xx"));
	unlink(path2);
	rmdir(dir);
	assert_int_not_equal(i18n_load_dir(i, dir, &err), 0);
	assert_msg(err, "unable to open catalog directory");
	assert_int_not_equal(i18n_load_file(i, dir, &err), 0);
	assert_msg(err, "unable to open");
	i18n_free(i);
	i18n_free(NULL);
}

static void test_expand(void **state)
{
	const struct i18n_arg args[] = {
		{"name", "Ana María"}, {"amount", "$1,234.56"}, {"empty", NULL},
	};
	char buf[64], small[8];
	const char *t = "Dear {name}, you paid {amount}{empty} {unknown} {Name} {} { x";

	(void)state;
	assert_int_equal(i18n_expand(buf, sizeof(buf), t, args, 3),
			 strlen("Dear Ana María, you paid $1,234.56 {unknown} {Name} {} { x"));
	assert_string_equal(buf, "Dear Ana María, you paid $1,234.56 {unknown} {Name} {} { x");
	/* truncation: NUL-terminated, full length returned */
	assert_int_equal(i18n_expand(small, sizeof(small), "{amount}!", args, 3), 10);
	assert_string_equal(small, "$1,234.");
	/* never cut inside a UTF-8 character: the 2-byte í is bytes 7-8 */
	assert_int_equal(i18n_expand(buf, 9, "{name}", args, 3), strlen("Ana María"));
	assert_string_equal(buf, "Ana Mar");
	assert_int_equal(i18n_expand(buf, 10, "{name}", args, 3), strlen("Ana María"));
	assert_string_equal(buf, "Ana Marí");
	assert_int_equal(i18n_expand(NULL, 0, "{name}", args, 3), strlen("Ana María"));
	assert_int_equal(i18n_expand(small, 1, "abc", NULL, 0), 3);
	assert_string_equal(small, "");
	assert_int_equal(i18n_expand(buf, sizeof(buf), "{name}", NULL, 0), 6);
	assert_string_equal(buf, "{name}");
}

/* Every prefix of a tricky catalog must load or fail cleanly (ASan). */
static void test_prefixes_are_safe(void **state)
{
	const char text[] = "\xEF\xBB\xBF" HDR "a = x\\n\r\n  \xC3\xA9 y\\\\ {z}\r\nb ?= \xF0\x9F\x98\x80\n";

	(void)state;
	for (size_t n = 0; n <= sizeof(text) - 1; n++) {
		struct i18n *i = i18n_new();
		struct ng_err err = {0};

		load_bytes(i, text, n, &err);
		i18n_free(i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_dir_headers),
		cmocka_unit_test(test_get_and_fallback),
		cmocka_unit_test(test_continuation_and_escapes),
		cmocka_unit_test(test_month_names),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_bom_crlf_no_final_newline),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_load_dir_errors),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_prefixes_are_safe),
	};

	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
