/*
 * pdfcat: real PDFs from libharu joined into one, checked by qpdf and
 * pdftotext (tools nobody here wrote); shared objects written once; what
 * is not a PDF as noticegen writes them refused with a reason.
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
#include "pdfcat.h"
#include "text.h"

#include "pdf_fixture.h"

static struct pdf_cat *cat;

static int setup(void **state)
{
	(void)state;
	pdf_fixture_up("pdfcat");
	cat = pdfcat_new();
	assert_non_null(cat);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	pdfcat_free(cat);
	return pdf_fixture_down();
}

/* A document of pages pages, each saying "<word> page n", rendered by libharu (a copy, malloc'd). */
static unsigned char *render(const char *word, int pages, size_t *len)
{
	struct ng_err err = { 0 };
	struct dlist dl;
	const unsigned char *buf;
	unsigned char *copy;
	char line[64];

	dl_init(&dl, 612, 792);
	for (int p = 0; p < pages; p++) {
		dl_page(&dl);
		snprintf(line, sizeof(line), "%s page %d", word, p + 1);
		text_line(&dl, fonts, fonts_find(fonts, "latin.regular"), 12, 12, 72, 700, 400, ALIGN_LEFT, line);
		dl_rect(&dl, 72, 600, 100, 20, 0.5f, 1, DL_STROKE);
	}
	if (pdf_render(pdf, &dl, &(struct pdf_meta){ "test", "2026-11-03", NULL }, &buf, len, &err))
		fail_msg("%s", err.msg);
	copy = malloc(*len);
	assert_non_null(copy);
	memcpy(copy, buf, *len);
	dl_release(&dl);
	return copy;
}

static void save(const char *name, const unsigned char *buf, size_t len)
{
	char path[128];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	fclose(fp);
}

/* The output of a shell command run in dir (at most size - 1 bytes). */
static void run(const char *cmd, char *out, size_t size)
{
	char full[512];
	FILE *p;
	size_t n;

	snprintf(full, sizeof(full), "cd %s && %s", dir, cmd);
	p = popen(full, "r");
	assert_non_null(p);
	n = fread(out, 1, size - 1, p);
	out[n] = 0;
	pclose(p);
}

static size_t count(const unsigned char *buf, size_t len, const char *s)
{
	size_t n = 0, k = strlen(s);

	for (size_t i = 0; i + k <= len; i++)
		n += !memcmp(buf + i, s, k);
	return n;
}

/* Two documents and a blank page: qpdf finds no fault, the text is theirs in order, fonts shared. */
static void joins_pages_in_order(void **state)
{
	struct ng_err err = { 0 };
	struct dlist marks;
	const unsigned char *out;
	unsigned char *a, *b;
	size_t alen, blen, len;
	int pages = 0;
	char text[4096];

	(void)state;
	a = render("alpha", 2, &alen);
	b = render("beta", 1, &blen);
	dl_init(&marks, 612, 792);
	dl_rect(&marks, 10, 10, 20, 20, 0, 0, DL_FILL);
	pdfcat_begin(cat);
	assert_int_equal(pdfcat_add(cat, a, alen, &marks, 0, &pages, &err), 0);
	assert_int_equal(pages, 2);
	assert_int_equal(pdfcat_add(cat, b, blen, NULL, 1, &pages, &err), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(pdfcat_end(cat, "batch (test)", "2026-11-03", &out, &len, &err), 0);
	save("batch.pdf", out, len);
	/*
	 * The Unicode map and the font (its program carries every letter of
	 * always_embed, so "alpha" and "beta" embed the same one) are written
	 * once; only page 1 has marks.
	 */
	assert_int_equal(count(a, alen, "/ToUnicode "), 1);
	assert_int_equal(count(out, len, "/ToUnicode "), 1);
	assert_int_equal(count(out, len, "/Subtype /CIDFontType2"), 1);
	assert_int_equal(count(out, len, "/FontFile2"), 1);
	assert_int_equal(count(out, len, "/Contents [ 4 0 R "), 1);
	run("qpdf --check batch.pdf >/dev/null 2>&1 && echo clean", text, sizeof(text));
	assert_string_equal(text, "clean\n");
	run("qpdf --show-npages batch.pdf", text, sizeof(text));
	assert_string_equal(text, "4\n");
	run("pdftotext -layout batch.pdf - | tr -s ' \\n\\f' ' '", text, sizeof(text));
	assert_string_equal(text, "alpha page 1 alpha page 2 beta page 1 ");
	run("qpdf --show-object=4 --filtered-stream-data batch.pdf", text, sizeof(text));
	assert_string_equal(text, "q\n");
	dl_release(&marks);
	free(a);
	free(b);
}

/* The same pieces in the same order give the same bytes. */
static void same_pieces_same_bytes(void **state)
{
	struct ng_err err = { 0 };
	const unsigned char *out;
	unsigned char *a, *first;
	size_t alen, len, len2;
	int pages;

	(void)state;
	a = render("gamma", 1, &alen);
	pdfcat_begin(cat);
	assert_int_equal(pdfcat_add(cat, a, alen, NULL, 1, &pages, &err), 0);
	assert_int_equal(pdfcat_end(cat, "t", "2026-11-03", &out, &len, &err), 0);
	first = malloc(len);
	assert_non_null(first);
	memcpy(first, out, len);
	pdfcat_begin(cat);
	assert_int_equal(pdfcat_add(cat, a, alen, NULL, 1, &pages, &err), 0);
	assert_int_equal(pdfcat_end(cat, "t", "2026-11-03", &out, &len2, &err), 0);
	assert_int_equal(len, len2);
	assert_memory_equal(first, out, len);
	free(first);
	free(a);
}

/* A cut-short file, a broken cross-reference table, garbage: refused with the reason. */
static void refuses_what_it_cannot_read(void **state)
{
	struct ng_err err = { 0 };
	unsigned char *a, *bad;
	size_t alen;
	int pages;
	char *x;

	(void)state;
	a = render("delta", 1, &alen);
	pdfcat_begin(cat);
	assert_int_equal(pdfcat_add(cat, a, alen / 2, NULL, 0, &pages, &err), -1);
	assert_int_equal(err.code, NG_EDATA);
	assert_non_null(strstr(err.msg, "startxref"));

	bad = malloc(alen);
	assert_non_null(bad);
	memcpy(bad, a, alen);
	x = memmem(bad, alen, "xref\n0 ", 7);
	assert_non_null(x);
	x = memchr(x + 7, '\n', 16);
	assert_non_null(x);
	memcpy(x + 21, "0000000001", 10);                       /* object 1 points at the header */
	memset(&err, 0, sizeof(err));
	pdfcat_begin(cat);
	assert_int_equal(pdfcat_add(cat, bad, alen, NULL, 0, &pages, &err), -1);
	assert_non_null(strstr(err.msg, "beside an object"));

	memset(bad, 'x', alen);
	memset(&err, 0, sizeof(err));
	pdfcat_begin(cat);
	assert_int_equal(pdfcat_add(cat, bad, alen, NULL, 0, &pages, &err), -1);
	assert_int_equal(err.code, NG_EDATA);
	free(bad);
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(joins_pages_in_order),
		cmocka_unit_test(same_pieces_same_bytes),
		cmocka_unit_test(refuses_what_it_cannot_read),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
