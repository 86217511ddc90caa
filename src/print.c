/*
 * print.c - the print shop's handoff: the night's pieces in print batches
 * (ZIP order, duplex padding, IMb and sheet marks), the job ticket, the
 * checksums and the READY trigger.
 *
 * Batches are planned in the ledger first (piece -> batch, page, IMb
 * serial), in one transaction, then drawn batch by batch: a resumed run
 * draws the same batches with the same serials, and skips batches already
 * written whole. A batch is its pieces' per-case PDFs joined (pdfcat.c),
 * each checked against the SHA-256 its journal row holds, so the shop
 * prints what the archive holds; a piece whose file is gone is made again
 * from the ledger and must come out the same.
 */
#include "print.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "dates.h"
#include "log.h"
#include "marks.h"
#include "output.h"
#include "pdfcat.h"

#define IMB_DAYS 45              /* USPS: a serial must not repeat within 45 days */

static int job_of(const char *doc)
{
	int i;

	for (i = 0; i < CFG_JOBS && strcmp(config_job_names[i], doc); i++)
		;
	return i < CFG_JOBS ? i : 0;
}

static int foreign(const struct print_piece *p)
{
	return p->country[0] && strcmp(p->country, "US");
}

/* ---- planning ---- */

struct planner {
	const struct config *cfg;
	char group[48];
	int batches, pages;          /* batches so far; pages in the current one */
	char batch[64];
	int64_t next, space;         /* IMb serials */
	int64_t pieces;
};

/* The routing code: the ZIP's digits, and the delivery point with a ZIP+4. */
static void routing(const struct print_piece *p, char out[12])
{
	size_t n = 0;
	const char *z;

	for (z = p->zip; *z && n < 9; z++)
		if (*z >= '0' && *z <= '9')
			out[n++] = *z;
	if (n == 9 && p->dp[0])
		out[n++] = p->dp[0], out[n++] = p->dp[1];
	out[n] = '\0';
}

static int place(struct print_piece *p, void *arg)
{
	struct planner *pl = arg;
	const struct config *cfg = pl->cfg;
	const struct print_job *job = &cfg->job[job_of(p->doc)];
	int flat = p->sheets > cfg->fold_max_sheets;
	char group[48];

	p->batch_pages = job->duplex ? p->pages + p->pages % 2 : p->pages;
	snprintf(group, sizeof(group), "%s-%s%s%s%s", p->doc, job->duplex ? "duplex" : "simplex",
		 flat ? "-flat" : "", foreign(p) ? "-intl" : "", job->secure ? "-secure" : "");
	if (strcmp(group, pl->group) || (pl->pages && pl->pages + p->batch_pages > cfg->batch_max_pages)) {
		snprintf(pl->group, sizeof(pl->group), "%s", group);
		snprintf(pl->batch, sizeof(pl->batch), "B%03d-%.40s.pdf", ++pl->batches, group);
		pl->pages = 0;
	}
	snprintf(p->batch, sizeof(p->batch), "%s", pl->batch);
	p->batch_page = pl->pages + 1;
	pl->pages += p->batch_pages;
	p->serial = -1;
	if (!foreign(p)) {
		size_t mid = strlen(cfg->imb_mailer_id);
		int64_t v;
		int i;

		p->serial = pl->next++ % pl->space;
		/* Barcode ID, service type, Mailer ID, and the serial zero-filled to 20 digits in all. */
		memcpy(p->tracking, cfg->imb_barcode_id, 2);
		memcpy(p->tracking + 2, cfg->imb_service_type, 3);
		memcpy(p->tracking + 5, cfg->imb_mailer_id, mid);
		for (i = 19, v = p->serial; i >= 5 + (int)mid; i--, v /= 10)
			p->tracking[i] = (char)('0' + v % 10);
		p->tracking[20] = '\0';
		routing(p, p->routing);
	}
	pl->pieces++;
	return 0;
}

/*
 * Plans date's batches once. IMb serials continue from the last night's;
 * a night that would reuse a serial given out in the last 45 days stops
 * here, before anything is printed.
 */
static int plan(struct ledger *L, const struct config *cfg, const char *date, struct ng_err *err)
{
	struct planner pl = { .cfg = cfg };
	struct ng_date d, since;
	char since_iso[11];
	int64_t done, recent;
	int stale;

	pl.space = strlen(cfg->imb_mailer_id) == 6 ? 1000000000LL : 1000000LL;
	if (ledger_begin(L, err))
		return -1;
	if (ledger_print_planned(L, date, &done, &stale, err))
		goto fail;
	if (done && !stale)
		return ledger_commit(L, err);
	/* The journal changed since (rows removed by hand, a case served later): plan afresh. */
	if (stale) {
		log_warn("print: the plan of %s no longer matches its journal; planning the batches again", date);
		if (ledger_print_forget(L, date, err))
			goto fail;
	}
	dates_parse(date, &d);
	since = dates_add_days(d, -(IMB_DAYS - 1));
	dates_iso(since_iso, since);
	if (ledger_imb_next(L, cfg->imb_mailer_id, &pl.next, err) ||
	    ledger_imb_recent(L, since_iso, &recent, err) ||
	    ledger_print_plan(L, date, cfg->fold_max_sheets, place, &pl, err))
		goto fail;
	if (recent + pl.pieces > pl.space) {
		ng_fail(err, NG_ECONFIG, "%s: Mailer ID %s has %lld IMb serials; %lld pieces in the last %d days "
			"would reuse some. Use a 6-digit Mailer ID (a billion serials) or mail fewer pieces per "
			"Mailer ID", cfg->path, cfg->imb_mailer_id, (long long)pl.space,
			(long long)(recent + pl.pieces), IMB_DAYS);
		goto fail;
	}
	if (ledger_imb_save(L, cfg->imb_mailer_id, pl.next % pl.space, err))
		goto fail;
	log_info("print: %lld pieces planned into %d batches", (long long)pl.pieces, pl.batches);
	return ledger_commit(L, err);
fail:
	ledger_rollback(L);
	return -1;
}

/* ---- drawing ---- */

struct drawer {
	const struct print_ctx *c;
	const struct box *imb, *mark;
	struct pdf_cat *cat;
	struct dlist marks;              /* one piece's IMb and sheet marks */
	unsigned char *file;             /* one piece's per-case PDF, read back */
	size_t file_cap;
	struct batch_row row;
	struct ng_err *err;
};

/* The sheet mark: batch number, the piece's sequence number, sheet n of m. */
static int sheet_marks(struct drawer *d, const struct print_piece *p, int duplex)
{
	int step = duplex ? 2 : 1, sheets = (p->batch_pages + step - 1) / step, s;
	char text[48];

	for (s = 0; s < sheets && s * step < p->pages; s++) {
		/* The batch's number whole: "B1000", not "B100" (that batch's own). */
		snprintf(text, sizeof(text), "%.*s %06lld %d/%d", (int)strcspn(p->batch, "-"), p->batch,
			 (long long)p->seq, s + 1, sheets);
		if (marks_datamatrix(&d->marks, s * step, d->mark->x, d->mark->bottom, d->mark->w, text, d->err))
			return -1;
	}
	return 0;
}

/* path's bytes into d->file if it holds exactly len bytes; -1 (no error) if not. */
static int read_back(struct drawer *d, const char *path, int64_t len)
{
	FILE *fp = fopen(path, "rb");
	struct stat st;
	int ok;

	if (!fp)
		return -1;
	ok = fstat(fileno(fp), &st) == 0 && st.st_size == len && len > 0;
	if (ok && (size_t)len > d->file_cap) {
		unsigned char *b = realloc(d->file, (size_t)len);

		if ((ok = b != NULL)) {
			d->file = b;
			d->file_cap = (size_t)len;
		}
	}
	ok = ok && fread(d->file, 1, (size_t)len, fp) == (size_t)len;
	fclose(fp);
	return ok ? 0 : -1;
}

/*
 * The piece's per-case PDF as the archive holds it, if its SHA-256 is
 * the journal's; else (the file gone or changed since) made again from
 * the ledger, which must give the journal's bytes.
 */
static int piece_bytes(struct drawer *d, const struct print_piece *p, const unsigned char **buf, size_t *len)
{
	const struct print_ctx *c = d->c;
	char path[PATH_MAX + 300], sha[65];

	snprintf(path, sizeof(path), "%s/%s", c->run_dir, p->path);
	if (read_back(d, path, p->bytes) == 0) {
		out_sha256(d->file, (size_t)p->bytes, sha);
		if (!strcmp(sha, p->sha256)) {
			*buf = d->file;
			*len = (size_t)p->bytes;
			return 0;
		}
	}
	if (c->render(c->arg, p, buf, len, d->err))
		return -1;
	out_sha256(*buf, *len, sha);
	if (strcmp(sha, p->sha256))
		return ng_fail(d->err, NG_EDATA, "piece %lld (%s, case key %lld) made again is not the document "
			       "the journal records (%s): the ledger changed since the documents were made; "
			       "make the date again with --rerun", (long long)p->seq, p->doc,
			       (long long)p->case_key, p->path);
	return 0;
}

static int draw_piece(struct print_piece *p, void *arg)
{
	struct drawer *d = arg;
	const struct print_ctx *c = d->c;
	int duplex = c->cfg->job[job_of(p->doc)].duplex, pages = 0, ret;
	const unsigned char *buf;
	size_t len;

	dl_reset(&d->marks);
	ret = piece_bytes(d, p, &buf, &len) ||
	      (p->serial >= 0 && marks_imb(&d->marks, 0, d->imb->x, d->imb->bottom, p->tracking, p->routing, d->err)) ||
	      sheet_marks(d, p, duplex) ||
	      pdfcat_add(d->cat, buf, len, &d->marks, p->batch_pages - p->pages, &pages, d->err);
	if (!ret && pages != p->pages)
		ret = ng_fail(d->err, NG_EDATA, "piece %lld (%s, case key %lld) has %d pages, but its journal "
			      "says %d; make the date again with --rerun", (long long)p->seq, p->doc,
			      (long long)p->case_key, pages, p->pages);
	if (d->file && c->cfg->job[job_of(p->doc)].secure)
		memset(d->file, 0, d->file_cap);   /* a PIN letter's bytes hold its PIN */
	if (!d->row.pieces)
		d->row.first_seq = p->seq;
	d->row.last_seq = p->seq;
	d->row.pieces++;
	d->row.pages += p->batch_pages;
	d->row.sheets += duplex ? p->batch_pages / 2 : p->batch_pages;
	snprintf(d->row.doc, sizeof(d->row.doc), "%s", p->doc);
	if (c->done)
		c->done(c->arg, p);
	return ret ? -1 : 0;
}

static int already_written(const struct batch_row *b, void *arg)
{
	struct drawer *d = arg;
	char path[PATH_MAX + 200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/print/%s", d->c->run_dir, b->batch);
	if (stat(path, &st) == 0 && st.st_size == b->bytes)
		d->row = *b;
	return 0;
}

static int draw_batch(const char *batch, void *arg)
{
	struct drawer *d = arg;
	const struct print_ctx *c = d->c;
	const unsigned char *buf;
	char path[PATH_MAX + 200], title[128];
	int rc, secure = strstr(batch, "-secure") != NULL;
	size_t len = 0;

	/* With workers, batch Bnnn is worker nnn modulo jobs's. */
	if (c->jobs > 1 && atoi(batch + 1) % c->jobs != c->job)
		return 0;
	memset(&d->row, 0, sizeof(d->row));
	if (ledger_batch_each(c->L, c->date, batch, already_written, d, d->err))
		return -1;
	if (d->row.pieces)
		return 0;                                   /* written whole by an earlier try */
	snprintf(d->row.batch, sizeof(d->row.batch), "%s", batch);
	snprintf(title, sizeof(title), "noticegen print batch %s %s", c->date, batch);
	pdfcat_begin(d->cat);
	if (ledger_print_batch_pieces(c->L, c->date, batch, draw_piece, d, d->err))
		return -1;
	if (!d->row.pieces)
		return ng_fail(d->err, NG_EINTERNAL, "print batch %s has no pieces", batch);
	if (pdfcat_end(d->cat, title, c->date, &buf, &len, d->err))
		return -1;
	snprintf(path, sizeof(path), "%s/print/%s", c->run_dir, batch);
	out_sha256(buf, len, d->row.sha256);
	d->row.bytes = (int64_t)len;
	/* PIN letters' batches hold PINs: owner-only, like the letters. */
	rc = out_write_file(path, buf, len, secure ? 0600 : 0644, 1, d->err);
	if (secure)
		pdfcat_wipe(d->cat);
	if (rc || ledger_batch_record(c->L, c->date, &d->row, d->err))
		return -1;
	log_info("print: %s: %lld pieces, %lld pages", batch, (long long)d->row.pieces, (long long)d->row.pages);
	return 0;
}

int print_plan(const struct print_ctx *c, struct ng_err *err)
{
	char dir[PATH_MAX + 100];

	snprintf(dir, sizeof(dir), "%s/print", c->run_dir);
	return out_mkdirs(dir, 0755, err) || plan(c->L, c->cfg, c->date, err) ? -1 : 0;
}

int print_draw(const struct print_ctx *c, struct ng_err *err)
{
	struct drawer d = { .c = c, .err = err };
	int rc;

	d.imb = layout_box(c->layout, "common", "imb");
	d.mark = layout_box(c->layout, "common", "sheet_mark");
	if (!(d.cat = pdfcat_new()))
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	dl_init(&d.marks, 612, 792);
	rc = ledger_print_batch_names(c->L, c->date, draw_batch, &d, err);
	pdfcat_free(d.cat);
	dl_release(&d.marks);
	free(d.file);
	return rc;
}

/* ---- job ticket, checksums, READY ---- */

static const char *const ticket_cols[] = {
	"batch", "job", "sides", "secure", "paper", "envelope", "insert", "pieces", "pages", "sheets",
	"first_seq", "last_seq", "bytes", "sha256",
};
#define TICKET_COLS (sizeof(ticket_cols) / sizeof(*ticket_cols))

struct ticket {
	const struct config *cfg;
	struct out_table *tab;
	FILE *sums;
	struct batch_row total;
};

static int ticket_row(const struct batch_row *b, void *arg)
{
	struct ticket *t = arg;
	const struct print_job *job = &t->cfg->job[job_of(b->doc)];

	out_table_text(t->tab, b->batch);
	out_table_text(t->tab, b->doc);
	out_table_text(t->tab, job->duplex ? "duplex" : "simplex");
	out_table_text(t->tab, job->secure ? "yes" : "no");
	out_table_text(t->tab, job->paper);
	out_table_text(t->tab, strstr(b->batch, "-flat") ? t->cfg->flat_envelope : job->envelope);
	out_table_text(t->tab, job->insert);
	out_table_num(t->tab, b->pieces);
	out_table_num(t->tab, b->pages);
	out_table_num(t->tab, b->sheets);
	out_table_num(t->tab, b->first_seq);
	out_table_num(t->tab, b->last_seq);
	out_table_num(t->tab, b->bytes);
	out_table_text(t->tab, b->sha256);
	t->total.pieces += b->pieces;
	t->total.pages += b->pages;
	t->total.sheets += b->sheets;
	t->total.bytes += b->bytes;
	fprintf(t->sums, "%s  %s\n", b->sha256, b->batch);
	return out_table_row_end(t->tab);
}

static int sum_file(FILE *sums, const char *dir, const char *name, struct ng_err *err)
{
	char path[PATH_MAX + 200], hex[65];
	unsigned char *buf = NULL;
	long n;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "rb");
	if (!fp || fseek(fp, 0, SEEK_END) || (n = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) ||
	    !(buf = malloc((size_t)n + 1)) || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
		if (fp)
			fclose(fp);
		free(buf);
		return ng_fail(err, NG_EOUTPUT, "cannot read back '%s': %s", path, strerror(errno ? errno : EIO));
	}
	fclose(fp);
	out_sha256(buf, (size_t)n, hex);
	free(buf);
	fprintf(sums, "%s  %s\n", hex, name);
	return 0;
}

int print_ticket(const struct print_ctx *c, struct print_totals *tot, struct ng_err *err)
{
	struct ticket t = { .cfg = c->cfg };
	char dir[PATH_MAX + 100], *sums = NULL;
	size_t sums_len = 0;
	int ret;

	snprintf(dir, sizeof(dir), "%s/print", c->run_dir);
	t.sums = open_memstream(&sums, &sums_len);
	if (!t.sums)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	t.tab = out_table_open(dir, "jobticket", "Job ticket", "noticegen job ticket", c->date, ticket_cols,
			       TICKET_COLS, err);
	if (!t.tab || ledger_batch_each(c->L, c->date, NULL, ticket_row, &t, err)) {
		out_table_abort(t.tab);
		fclose(t.sums);
		free(sums);
		return -1;
	}
	out_table_text(t.tab, "TOTAL");
	for (size_t i = 1; i < 7; i++)
		out_table_text(t.tab, "");
	out_table_num(t.tab, t.total.pieces);
	out_table_num(t.tab, t.total.pages);
	out_table_num(t.tab, t.total.sheets);
	out_table_text(t.tab, "");
	out_table_text(t.tab, "");
	out_table_num(t.tab, t.total.bytes);
	out_table_text(t.tab, "");
	out_table_row_end(t.tab);
	ret = out_table_commit(t.tab, err) || sum_file(t.sums, dir, "jobticket.csv", err) ||
	      sum_file(t.sums, dir, "jobticket.xlsx", err);
	fclose(t.sums);
	if (!ret) {
		char path[PATH_MAX + 200];

		snprintf(path, sizeof(path), "%s/SHA256SUMS", dir);
		ret = out_write_file(path, sums, sums_len, 0644, 1, err);
	}
	free(sums);
	tot->pieces = t.total.pieces;
	tot->pages = t.total.pages;
	tot->sheets = t.total.sheets;
	return ret ? -1 : 0;
}

int print_ready(const struct print_ctx *c, const struct print_totals *t, struct ng_err *err)
{
	char path[PATH_MAX + 200], buf[256];
	int n;

	n = snprintf(buf, sizeof(buf), "run_date=%s\npieces=%lld\npages=%lld\nsheets=%lld\n", c->date,
		     (long long)t->pieces, (long long)t->pages, (long long)t->sheets);
	snprintf(path, sizeof(path), "%s/print/READY", c->run_dir);
	/* Synced into place last: the pickup may take everything the moment it appears. */
	return out_sync_dir(c->run_dir, err) || out_write_file(path, buf, (size_t)n, 0644, 1, err) ? -1 : 0;
}
