/* Unit tests for src/output.c's reports: a real CSV and XLSX, read back with unzip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "output.h"

#define SHEET_ROWS 1048576L             /* an XLSX worksheet's rows, header included */

/* How many times needle occurs in what cmd prints (read in blocks: sheet1.xml is ~60 MB). */
static long count_in_output(const char *cmd, const char *needle)
{
	static char buf[1 << 16];
	FILE *p = popen(cmd, "r");
	size_t n, keep = 0, nl = strlen(needle);
	long count = 0;

	assert_non_null(p);
	while ((n = fread(buf + keep, 1, sizeof(buf) - 1 - keep, p)) > 0) {
		size_t len = keep + n;
		char *s = buf;

		buf[len] = '\0';
		while ((s = strstr(s, needle))) {
			count++;
			s += nl;
		}
		/* The last nl-1 bytes go on to the next block: a match may span the two. */
		keep = len < nl - 1 ? len : nl - 1;
		memmove(buf, buf + len - keep, keep);
	}
	assert_int_equal(pclose(p), 0);
	return count;
}

/*
 * A night with more documents than a worksheet has rows: the XLSX goes on
 * in a second sheet with the header again, and the CSV has every row.
 */
static void test_rows_past_one_sheet(void **state)
{
	static const char *const cols[] = { "seq", "doc_type" };
	char dir[] = "/tmp/noticegen-output-XXXXXX", cmd[256];
	struct ng_err err = { 0 };
	struct out_table *t;
	long rows = SHEET_ROWS - 1 + 3, i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	t = out_table_open(dir, "big", "Manifest", "test", "2026-11-03", cols, 2, &err);
	assert_non_null(t);
	for (i = 1; i <= rows; i++) {
		out_table_num(t, i);
		out_table_text(t, "notice");
		assert_int_equal(out_table_row_end(t), 0);
	}
	assert_int_equal(out_table_commit(t, &err), 0);

	snprintf(cmd, sizeof(cmd), "test $(wc -l < %s/big.csv) -eq %ld", dir, rows + 1);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "unzip -p %s/big.xlsx xl/workbook.xml", dir);
	assert_int_equal(count_in_output(cmd, "name=\"Manifest 2\""), 1);
	snprintf(cmd, sizeof(cmd), "unzip -p %s/big.xlsx xl/worksheets/sheet2.xml", dir);
	/* The header and the last three rows: 1048576, 1048577, 1048578. */
	assert_int_equal(count_in_output(cmd, "<row "), 4);
	assert_int_equal(count_in_output(cmd, ">seq<"), 1);
	assert_int_equal(count_in_output(cmd, "<v>1048578</v>"), 1);
	snprintf(cmd, sizeof(cmd), "unzip -p %s/big.xlsx xl/worksheets/sheet1.xml", dir);
	assert_int_equal(count_in_output(cmd, "<row "), SHEET_ROWS);
	assert_int_equal(count_in_output(cmd, "<v>1048575</v>"), 1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_past_one_sheet),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
