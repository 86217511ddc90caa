#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

int out_mkdirs(const char *path, mode_t mode, struct ng_err *err)
{
	char buf[4096];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return ng_fail(err, NG_EOUTPUT, "path too long: '%s'", path);
	for (p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, mode) != 0 && errno != EEXIST)
				return ng_fail(err, NG_EOUTPUT, "cannot create folder '%s': %s", buf, strerror(errno));
			*p = c;
			if (!c)
				break;
		}
	}
	return 0;
}

int out_write_file(const char *path, const void *buf, size_t len, mode_t mode, int sync,
		   struct ng_err *err)
{
	char tmp[4200];
	const char *p = buf;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return ng_fail(err, NG_EOUTPUT, "cannot create '%s': %s", tmp, strerror(errno));
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		p += n;
		len -= (size_t)n;
	}
	if (sync && fsync(fd) != 0)
		goto fail;
	if (close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	ng_fail(err, NG_EOUTPUT, "cannot write '%s': %s", path, strerror(errno ? errno : EIO));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return NG_EOUTPUT;
}

int out_sync_dir(const char *dir, struct ng_err *err)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return ng_fail(err, NG_EOUTPUT, "cannot open '%s': %s", dir, strerror(errno));
	if (syncfs(fd) != 0) {
		close(fd);
		return ng_fail(err, NG_EOUTPUT, "cannot flush '%s' to disk: %s", dir, strerror(errno));
	}
	close(fd);
	return 0;
}

void out_sha256(const void *buf, size_t len, char hex[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(hex, 65, h, sizeof(h));
}

/* A CSV field, quoted when it holds a comma, quote or line break (RFC 4180). */
static void csv(FILE *fp, const char *s, int last)
{
	if (strpbrk(s, ",\"\r\n")) {
		fputc('"', fp);
		for (; *s; s++) {
			if (*s == '"')
				fputc('"', fp);
			fputc(*s, fp);
		}
		fputc('"', fp);
	} else {
		fputs(s, fp);
	}
	fputs(last ? "\r\n" : ",", fp);
}

static void csvl(FILE *fp, long long v, int last)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	csv(fp, buf, last);
}

static const char *const columns[] = {
	"seq", "doc_type", "case_id", "county", "party_role", "recipient_name", "address_line1",
	"address_line2", "city", "state", "zip", "country", "language", "pages", "sheets", "bytes",
	"pdf_path", "sha256",
};
#define NCOLS (sizeof(columns) / sizeof(*columns))

struct manifest {
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row;
	struct out_totals *t;
};

static int count(struct out_totals *t, const struct journal_row *r)
{
	struct out_count *c = NULL;
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].doc, r->doc) && !strcmp(t->v[i].lang, r->lang))
			c = &t->v[i];
	if (!c) {
		if (t->n == t->cap) {
			size_t cap = t->cap ? t->cap * 2 : 16;
			struct out_count *v = realloc(t->v, cap * sizeof(*v));

			if (!v)
				return -1;
			t->v = v;
			t->cap = cap;
		}
		c = &t->v[t->n++];
		memset(c, 0, sizeof(*c));
		snprintf(c->doc, sizeof(c->doc), "%s", r->doc);
		snprintf(c->lang, sizeof(c->lang), "%s", r->lang);
	}
	c->pieces++;
	c->pages += r->pages;
	c->sheets += r->sheets;
	t->pieces++;
	t->pages += r->pages;
	t->sheets += r->sheets;
	return 0;
}

static int manifest_row(const struct journal_row *r, void *arg)
{
	struct manifest *m = arg;
	const char *text[NCOLS] = {
		NULL, r->doc, r->case_id, r->county, r->role, r->name, r->addr1, r->addr2, r->city,
		r->state, r->zip, r->country, r->lang, NULL, NULL, NULL, r->path, r->sha256,
	};
	const long long num[NCOLS] = { [0] = r->seq, [13] = r->pages, [14] = r->sheets, [15] = r->bytes };
	size_t i;

	m->row++;
	for (i = 0; i < NCOLS; i++) {
		if (text[i]) {
			csv(m->csv, text[i], i == NCOLS - 1);
			worksheet_write_string(m->ws, m->row, (lxw_col_t)i, text[i], NULL);
		} else {
			csvl(m->csv, num[i], i == NCOLS - 1);
			worksheet_write_number(m->ws, m->row, (lxw_col_t)i, (double)num[i], NULL);
		}
	}
	return count(m->t, r) || ferror(m->csv);
}

static int cmp_count(const void *a, const void *b)
{
	const struct out_count *x = a, *y = b;
	int c = strcmp(x->doc, y->doc);

	return c ? c : strcmp(x->lang, y->lang);
}

/* The Totals sheet: one row per document type and language, and a grand total the shop reconciles. */
static void totals_sheet(lxw_workbook *wb, struct out_totals *t)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, "Totals");
	static const char *const head[] = { "doc_type", "language", "pieces", "pages", "sheets" };
	lxw_row_t r = 0;
	size_t i;

	qsort(t->v, t->n, sizeof(*t->v), cmp_count);
	for (i = 0; i < 5; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], NULL);
	for (i = 0; i < t->n; i++) {
		r++;
		worksheet_write_string(ws, r, 0, t->v[i].doc, NULL);
		worksheet_write_string(ws, r, 1, t->v[i].lang, NULL);
		worksheet_write_number(ws, r, 2, (double)t->v[i].pieces, NULL);
		worksheet_write_number(ws, r, 3, (double)t->v[i].pages, NULL);
		worksheet_write_number(ws, r, 4, (double)t->v[i].sheets, NULL);
	}
	r++;
	worksheet_write_string(ws, r, 0, "TOTAL", NULL);
	worksheet_write_string(ws, r, 1, "", NULL);
	worksheet_write_number(ws, r, 2, (double)t->pieces, NULL);
	worksheet_write_number(ws, r, 3, (double)t->pages, NULL);
	worksheet_write_number(ws, r, 4, (double)t->sheets, NULL);
}

struct xrow {
	FILE *fp;
	long n;
};

static int exception_row(int64_t case_key, const char *case_id, int64_t party, const char *doc,
			 const char *reason, void *arg)
{
	struct xrow *x = arg;

	csvl(x->fp, case_key, 0);
	csv(x->fp, case_id ? case_id : "", 0);
	if (party)
		csvl(x->fp, party, 0);
	else
		csv(x->fp, "", 0);
	csv(x->fp, doc ? doc : "", 0);
	csv(x->fp, reason, 1);
	x->n++;
	return ferror(x->fp);
}

/* Opens path.tmp for a report; out_commit renames it into place. */
static FILE *report_open(const char *path, char *tmp, size_t cap, struct ng_err *err)
{
	FILE *fp;

	snprintf(tmp, cap, "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (!fp)
		ng_fail(err, NG_EOUTPUT, "cannot create '%s': %s", tmp, strerror(errno));
	return fp;
}

static int report_commit(FILE *fp, const char *tmp, const char *path, struct ng_err *err)
{
	int bad = ferror(fp);

	bad |= fflush(fp) != 0 || fsync(fileno(fp)) != 0;
	bad |= fclose(fp) != 0;
	if (bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return ng_fail(err, NG_EOUTPUT, "cannot write '%s': %s", path, strerror(errno ? errno : EIO));
	}
	return 0;
}

static char manifest_title[] = "noticegen mailing manifest";

int out_reports(struct ledger *L, const char *run_dir, const char *run_date, struct out_totals *t,
		struct ng_err *err)
{
	char path[4200], tmp[4300], xpath[4200], xtmp[4300];
	struct manifest m = { 0 };
	struct xrow x = { 0 };
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_doc_properties props = { 0 };
	struct tm tm = { 0 };
	lxw_error xerr;
	size_t i;

	memset(t, 0, sizeof(*t));
	m.t = t;
	snprintf(path, sizeof(path), "%s/manifest.csv", run_dir);
	snprintf(xpath, sizeof(xpath), "%s/manifest.xlsx", run_dir);
	snprintf(xtmp, sizeof(xtmp), "%s/.manifest.xlsx.tmp", run_dir);
	m.csv = report_open(path, tmp, sizeof(tmp), err);
	if (!m.csv)
		return -1;
	m.wb = workbook_new_opt(xtmp, &opt);
	if (!m.wb) {
		fclose(m.csv);
		unlink(tmp);
		return ng_fail(err, NG_EOUTPUT, "cannot create '%s'", xtmp);
	}
	/* A fixed creation time keeps the workbook byte-identical between runs of a date. */
	sscanf(run_date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	props.created = timegm(&tm);
	props.title = manifest_title;
	workbook_set_properties(m.wb, &props);
	m.ws = workbook_add_worksheet(m.wb, "Manifest");
	for (i = 0; i < NCOLS; i++) {
		csv(m.csv, columns[i], i == NCOLS - 1);
		worksheet_write_string(m.ws, 0, (lxw_col_t)i, columns[i], NULL);
	}
	if (ledger_journal_each(L, run_date, manifest_row, &m, err)) {
		fclose(m.csv);
		unlink(tmp);
		workbook_close(m.wb);
		unlink(xtmp);
		return -1;
	}
	totals_sheet(m.wb, t);
	if (report_commit(m.csv, tmp, path, err))
		return -1;
	xerr = workbook_close(m.wb);
	if (xerr != LXW_NO_ERROR || rename(xtmp, xpath) != 0) {
		unlink(xtmp);
		return ng_fail(err, NG_EOUTPUT, "cannot write '%s': %s", xpath,
			       xerr ? lxw_strerror(xerr) : strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/exceptions.csv", run_dir);
	x.fp = report_open(path, tmp, sizeof(tmp), err);
	if (!x.fp)
		return -1;
	fputs("case_key,case_id,party_id,doc_type,reason\r\n", x.fp);
	if (ledger_exceptions_each(L, run_date, exception_row, &x, err)) {
		fclose(x.fp);
		unlink(tmp);
		return -1;
	}
	t->exceptions = x.n;
	return report_commit(x.fp, tmp, path, err);
}

void out_totals_release(struct out_totals *t)
{
	free(t->v);
	memset(t, 0, sizeof(*t));
}
