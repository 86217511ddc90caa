#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
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

	/* Most calls find the folder there already (a case's second document): one system call. */
	if (mkdir(path, mode) == 0 || errno == EEXIST)
		return 0;
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

/*
 * SHA-256 by OpenSSL's libcrypto, which uses the CPU's SHA instructions:
 * about five times libsodium's portable code here, and every document is
 * hashed twice (for the manifest, then checked as its batch is made).
 * libsodium's gives the same digest if libcrypto cannot start.
 */
void out_sha256(const void *buf, size_t len, char hex[65])
{
	static EVP_MD *md;
	static EVP_MD_CTX *ctx;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (!md)
		md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!ctx)
		ctx = EVP_MD_CTX_new();
	if (!md || !ctx || !EVP_DigestInit_ex(ctx, md, NULL) || !EVP_DigestUpdate(ctx, buf, len) ||
	    !EVP_DigestFinal_ex(ctx, h, &n) || n != crypto_hash_sha256_BYTES)
		crypto_hash_sha256(h, buf, len);
	sodium_bin2hex(hex, 65, h, crypto_hash_sha256_BYTES);
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
	"address_line2", "city", "state", "zip", "delivery_point", "country", "language", "pages",
	"sheets", "bytes", "pdf_path", "sha256", "copy", "reprint_of", "batch", "batch_page",
	"batch_pages", "imb_barcode_id", "imb_service_type", "imb_mailer_id", "imb_serial", "imb_routing",
};
#define NCOLS (sizeof(columns) / sizeof(*columns))

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

struct manifest {
	struct out_table *tab;
	struct out_totals *t;
};

/*
 * The IMb's tracking code split into its fields (USPS-B-3200): barcode ID
 * (2), service type (3), Mailer ID (6, or 9 when it starts with 9), serial.
 */
static void imb_fields(const char *tracking, char f[4][16])
{
	int mid = tracking[5] == '9' ? 9 : 6;

	memset(f, 0, 4 * sizeof(*f));
	if (strlen(tracking) != 20)
		return;
	memcpy(f[0], tracking, 2);
	memcpy(f[1], tracking + 2, 3);
	memcpy(f[2], tracking + 5, (size_t)mid);
	memcpy(f[3], tracking + 5 + mid, (size_t)(15 - mid));
}

static int manifest_row(const struct journal_row *r, void *arg)
{
	struct manifest *m = arg;
	char imb[4][16];
	const char *text[NCOLS] = {
		NULL, r->doc, r->case_id, r->county, r->role, r->name, r->addr1, r->addr2, r->city,
		r->state, r->zip, r->dp, r->country, r->lang, NULL, NULL, NULL, r->path, r->sha256, NULL,
		r->reprint_of, r->batch, NULL, NULL, imb[0], imb[1], imb[2], imb[3], r->routing,
	};
	const long long num[NCOLS] = {
		[0] = r->seq, [14] = r->pages, [15] = r->sheets, [16] = r->bytes, [19] = r->copy,
		[22] = r->batch_page, [23] = r->batch_pages,
	};
	size_t i;

	imb_fields(r->tracking, imb);
	for (i = 0; i < NCOLS; i++) {
		if (text[i])
			out_table_text(m->tab, text[i]);
		else
			out_table_num(m->tab, num[i]);
	}
	return count(m->t, r) || out_table_row_end(m->tab);
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

	if (t->n)
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

/* A report written twice, as CSV and as an XLSX sheet, from the same cells. */
struct out_table {
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_row_t row;
	lxw_col_t col;
	size_t ncols;
	const char *const *cols;
	char sheet[32];
	int sheets;
	char path[4200], tmp[4300], xpath[4200], xtmp[4300];
};

/*
 * A worksheet holds 1,048,576 rows, and a night can have more documents:
 * rows past that go on in "<sheet> 2", "<sheet> 3"..., each with the
 * header row again (libxlsxwriter would silently drop them).
 */
static void next_sheet(struct out_table *t)
{
	char name[32];

	if (++t->sheets == 1)
		snprintf(name, sizeof(name), "%s", t->sheet);
	else
		snprintf(name, sizeof(name), "%.24s %d", t->sheet, t->sheets % 10000);
	t->ws = workbook_add_worksheet(t->wb, name);
	for (size_t i = 0; i < t->ncols; i++)
		worksheet_write_string(t->ws, 0, (lxw_col_t)i, t->cols[i], NULL);
	t->row = 1;
}

struct out_table *out_table_open(const char *dir, const char *name, const char *sheet, const char *title,
				 const char *run_date, const char *const *cols, size_t ncols, struct ng_err *err)
{
	struct out_table *t = calloc(1, sizeof(*t));
	lxw_workbook_options opt = { .constant_memory = LXW_TRUE, .tmpdir = NULL };
	lxw_doc_properties props = { 0 };
	struct tm tm = { 0 };
	size_t i;

	if (!t) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	t->ncols = ncols;
	t->cols = cols;
	snprintf(t->sheet, sizeof(t->sheet), "%s", sheet);
	snprintf(t->path, sizeof(t->path), "%s/%s.csv", dir, name);
	snprintf(t->xpath, sizeof(t->xpath), "%s/%s.xlsx", dir, name);
	snprintf(t->xtmp, sizeof(t->xtmp), "%s/.%s.xlsx.tmp", dir, name);
	t->csv = report_open(t->path, t->tmp, sizeof(t->tmp), err);
	if (!t->csv) {
		free(t);
		return NULL;
	}
	t->wb = workbook_new_opt(t->xtmp, &opt);
	if (!t->wb) {
		ng_fail(err, NG_EOUTPUT, "cannot create '%s'", t->xtmp);
		out_table_abort(t);
		return NULL;
	}
	/* A fixed creation time keeps the workbook byte-identical between runs of a date. */
	sscanf(run_date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	props.created = timegm(&tm);
	props.title = (char *)title;
	workbook_set_properties(t->wb, &props);
	next_sheet(t);
	for (i = 0; i < ncols; i++)
		csv(t->csv, cols[i], i + 1 == ncols);
	return t;
}

void out_table_text(struct out_table *t, const char *s)
{
	csv(t->csv, s, t->col + 1u == t->ncols);
	worksheet_write_string(t->ws, t->row, t->col++, s, NULL);
}

void out_table_num(struct out_table *t, long long v)
{
	csvl(t->csv, v, t->col + 1u == t->ncols);
	worksheet_write_number(t->ws, t->row, t->col++, (double)v, NULL);
}

int out_table_row_end(struct out_table *t)
{
	if (++t->row == LXW_ROW_MAX)
		next_sheet(t);
	t->col = 0;
	return ferror(t->csv);
}

struct lxw_workbook *out_table_workbook(struct out_table *t)
{
	return t->wb;
}

void out_table_abort(struct out_table *t)
{
	if (!t)
		return;
	if (t->csv)
		fclose(t->csv);
	unlink(t->tmp);
	if (t->wb)
		workbook_close(t->wb);
	unlink(t->xtmp);
	free(t);
}

int out_table_commit(struct out_table *t, struct ng_err *err)
{
	lxw_error xerr;
	int ret;

	ret = report_commit(t->csv, t->tmp, t->path, err);
	t->csv = NULL;
	if (ret) {
		out_table_abort(t);
		return -1;
	}
	xerr = workbook_close(t->wb);
	t->wb = NULL;
	if (xerr != LXW_NO_ERROR || rename(t->xtmp, t->xpath) != 0) {
		ng_fail(err, NG_EOUTPUT, "cannot write '%s': %s", t->xpath, xerr ? lxw_strerror(xerr) : strerror(errno));
		out_table_abort(t);
		return -1;
	}
	free(t);
	return 0;
}

int out_reports(struct ledger *L, const char *run_dir, const char *run_date, struct out_totals *t,
		struct ng_err *err)
{
	char path[4200], tmp[4300];
	struct manifest m = { 0 };
	struct xrow x = { 0 };

	memset(t, 0, sizeof(*t));
	m.t = t;
	m.tab = out_table_open(run_dir, "manifest", "Manifest", "noticegen mailing manifest", run_date, columns,
			       NCOLS, err);
	if (!m.tab)
		return -1;
	if (ledger_journal_each(L, run_date, manifest_row, &m, err)) {
		out_table_abort(m.tab);
		return -1;
	}
	totals_sheet(out_table_workbook(m.tab), t);
	if (out_table_commit(m.tab, err))
		return -1;
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
