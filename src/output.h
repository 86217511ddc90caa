/*
 * output.h - what a run leaves for people: document files written
 * atomically, and the reports made from the journal (manifest CSV and XLSX
 * with a totals sheet, exceptions report, run summary).
 *
 * Every file is written under a temporary name in its final folder and
 * renamed into place, so a reader never sees half a file. Reports are made
 * from the journal, not from memory, so a resumed run reports the same.
 */
#ifndef NG_OUTPUT_H
#define NG_OUTPUT_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "ledger.h"

/* mkdir -p, with mode for the folders it makes. */
int out_mkdirs(const char *path, mode_t mode, struct ng_err *err);

/* Writes buf to path via a temporary file and rename. sync: fsync the file first. */
int out_write_file(const char *path, const void *buf, size_t len, mode_t mode, int sync,
		   struct ng_err *err);

/* Flushes every file written so far in the file system holding dir. */
int out_sync_dir(const char *dir, struct ng_err *err);

/* SHA-256 of buf as 64 lower-case hex digits. */
void out_sha256(const void *buf, size_t len, char hex[65]);

/* Counts of one document type in one language. */
struct out_count {
	char doc[16], lang[8];
	long pieces, pages, sheets;
};

/* Totals of a run, by document type and language, as the manifest states them. */
struct out_totals {
	struct out_count *v;
	size_t n, cap;
	long pieces, pages, sheets, exceptions;
};

/*
 * Writes manifest.csv and manifest.xlsx (rows and a Totals sheet) for
 * run_date into run_dir from the journal, and exceptions.csv. Fills t.
 */
int out_reports(struct ledger *L, const char *run_dir, const char *run_date, struct out_totals *t,
		struct ng_err *err);
void out_totals_release(struct out_totals *t);

/*
 * A report written as name.csv and name.xlsx (one sheet, continued in
 * "<sheet> 2"... past the 1,048,575 rows a sheet holds) in dir from the
 * same cells: open with the column names, then per row one call per
 * column and row_end; commit renames both into place, abort removes them.
 */
struct out_table;
struct lxw_workbook;
struct out_table *out_table_open(const char *dir, const char *name, const char *sheet, const char *title,
				 const char *run_date, const char *const *cols, size_t ncols, struct ng_err *err);
void out_table_text(struct out_table *t, const char *s);
void out_table_num(struct out_table *t, long long v);
int out_table_row_end(struct out_table *t);
/* The workbook, to add sheets (a totals sheet) before commit. */
struct lxw_workbook *out_table_workbook(struct out_table *t);
int out_table_commit(struct out_table *t, struct ng_err *err);
void out_table_abort(struct out_table *t);

#endif
