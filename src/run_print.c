/*
 * run_print.c - the night's side of the print shop's handoff: pieces laid
 * out again for the batches (as of the night each was first made), the
 * batches drawn by workers, the ticket checked against the manifest, and
 * the reprint of pieces the shop spoiled.
 */
#include "night.h"

#include <stdio.h>
#include <string.h>

#include "log.h"
#include "pdf.h"

#define REPRINT_ORD (1LL << 52)  /* reprints follow the night's own pieces (schema.sql, journal) */

static enum doc_type type_of(const char *doc)
{
	int t;

	for (t = 0; t < DOC_TYPES - 1 && strcmp(doc_names[t], doc); t++)
		;
	return (enum doc_type)t;
}

/*
 * Loads key's case as it stood for a document made as of as_of, and finds
 * party. NG_EDATA (with the reason) if the case or party cannot be served.
 */
static int load_as_of(struct night *n, int64_t key, const char *as_of, int64_t party,
		      const struct party **p, struct ng_err *err)
{
	struct ng_date d;
	int i, rc;

	if (dates_parse(as_of, &d))
		return ng_fail(err, NG_EDATA, "bad date '%s' in the journal", as_of);
	night_plan_as_of(n, d);
	n->as_of = as_of;
	rc = ledger_load_case(n->led, key, &n->cf, err);
	if (rc)
		return rc;
	*p = NULL;
	for (i = 0; i < n->cf.nparty; i++)
		if (n->cf.party[i].id == party)
			*p = &n->cf.party[i];
	return *p ? 0 : ng_fail(err, NG_EDATA, "party %lld is no longer on the case", (long long)party);
}

static void back_to_tonight(struct night *n)
{
	night_plan_as_of(n, n->date);
	n->as_of = NULL;
}

/*
 * A piece the print shop spoiled, printed again tonight as the next copy
 * of the same document: laid out as of its first night, and only if the
 * bytes are the same as the copy spoiled (else the ledger changed since,
 * and staff must decide: an exception says so).
 */
static int reprint_one(struct night *n, int64_t key, const struct reprint *rp, struct ng_err *err)
{
	enum doc_type type = type_of(rp->doc);
	const struct party *p = NULL;
	struct ng_err why = { 0 };
	struct journal_row r;
	const unsigned char *buf;
	char doc[40], sha[65];
	size_t len;
	int pages, rc;

	snprintf(doc, sizeof(doc), "%s (reprint)", rp->doc);
	rc = load_as_of(n, key, rp->as_of, rp->party_id, &p, &why);
	if (!rc)
		rc = night_render(n, type, p, &buf, &len, &pages, &why);
	if (rc) {
		back_to_tonight(n);
		if (why.code != NG_EDATA) {
			*err = why;
			return -1;
		}
		return night_exception(n, p, doc, why.msg, err);
	}
	out_sha256(buf, len, sha);
	if (strcmp(sha, rp->sha256)) {
		if (type == DOC_PINLETTER)
			pdf_wipe(n->pdf);
		back_to_tonight(n);
		return night_exception(n, p, doc, "the document made again differs from the spoiled copy (the "
				 "ledger changed since); reissue it by hand", err);
	}
	rc = night_store(n, type, p, rp->period, buf, len, pages, &r, err);
	back_to_tonight(n);
	if (rc)
		return -1;
	r.copy = rp->copy + 1;
	snprintf(r.reprint_of, sizeof(r.reprint_of), "%s", rp->as_of);
	/* After the night's own pieces: by first night, then the first printing's place. */
	{
		struct ng_date first;
		int64_t orig = rp->ord >= REPRINT_ORD ? rp->ord & 0xFFFFFFFF : rp->ord;

		dates_parse(rp->as_of, &first);
		r.ord = REPRINT_ORD + ((int64_t)(dates_to_days(first) & 0xFFFFF) << 32) + (orig & 0xFFFFFFFF);
	}
	return night_journal(n, &r, err);
}

/* print_ctx.render: a journaled piece made again, as of its night. */
static int remake(void *arg, const struct print_piece *pp, const unsigned char **buf, size_t *len,
		  struct ng_err *err)
{
	struct night *n = arg;
	enum doc_type type = type_of(pp->doc);
	const struct party *p = NULL;
	int pages, rc = load_as_of(n, pp->case_key, pp->as_of, pp->party_id, &p, err);

	if (!rc)
		rc = night_render(n, type, p, buf, len, &pages, err);
	back_to_tonight(n);
	if (rc)
		ng_err_prefix(err, "making piece %lld again for its print batch", (long long)pp->seq);
	return rc ? -1 : 0;
}

/* print_ctx.done: a PIN letter made again left its PIN in the list and the writer. */
static void remade(void *arg, const struct print_piece *pp)
{
	struct night *n = arg;

	if (type_of(pp->doc) == DOC_PINLETTER) {
		dl_wipe(&n->dl);
		pdf_wipe(n->pdf);
	}
}

static struct print_ctx print_ctx(struct night *n)
{
	return (struct print_ctx){ .L = n->led, .cfg = &n->cfg, .layout = n->layout, .run_dir = n->run_dir,
				   .date = n->iso, .render = remake, .done = remade, .arg = n, .job = 0, .jobs = 1 };
}

/*
 * The print shop's files once the manifest is written: job ticket and
 * checksums, whose totals must be the manifest's (else something is badly
 * wrong, and the shop must not pick the night up).
 */
int night_handoff(struct night *n, const struct out_totals *t, struct print_totals *pt,
			 struct ng_err *err)
{
	struct print_ctx c = print_ctx(n);

	if (print_ticket(&c, pt, err))
		return -1;
	if (pt->pieces != t->pieces || pt->pages < t->pages || pt->sheets != t->sheets)
		return ng_fail(err, NG_EINTERNAL, "the job ticket (%lld pieces, %lld sheets) does not match the "
			       "manifest (%ld pieces, %ld sheets); print/READY not written", pt->pieces, pt->sheets,
			       t->pieces, t->sheets);
	return 0;
}

static int draw_task(struct night *n, const void *arg, struct ng_err *err)
{
	struct print_ctx c = print_ctx(n);

	double t = now_s();
	int rc;

	(void)arg;
	c.job = n->job;
	c.jobs = n->jobs;
	rc = print_draw(&c, err);
	n->stage[ST_PRINT] += now_s() - t;
	return rc;
}

/*
 * The night's print batches: planned here, drawn by jobs workers (batch
 * Bnnn by worker nnn mod jobs), then side. With workers, side runs in the
 * parent while they draw: the manifest needs the plan, not the batches.
 */
int night_batches(struct night *n, int jobs, night_task side, const void *arg, struct ng_err *err)
{
	struct print_ctx c = print_ctx(n);
	struct night_workers w;
	double t = now_s();
	int rc = print_plan(&c, err);

	/* Stage times add up the workers' own (like the cases'), not the wall time. */
	n->stage[ST_PRINT] += now_s() - t;
	if (rc)
		return -1;
	if (jobs <= 1)
		return draw_task(n, NULL, err) || (side && side(n, arg, err)) ? -1 : 0;
	if (night_workers_start(n, jobs, draw_task, NULL, &w, err))
		return -1;
	rc = side ? side(n, arg, err) : 0;
	/* The workers are waited for even if side failed: none is left drawing. */
	return night_workers_wait(n, &w, rc ? NULL : err) || rc ? -1 : 0;
}


int night_reprints(struct night *n, int64_t key, struct ng_err *err)
{
	struct reprint rp[8];
	int k, np = ledger_reprints(n->led, key, n->iso, rp, 8, err);

	if (np < 0)
		return -1;
	for (k = 0; k < np; k++)
		if (reprint_one(n, key, &rp[k], err))
			return -1;
	return 0;
}

int night_ready(struct night *n, const struct print_totals *pt, struct ng_err *err)
{
	struct print_ctx c = print_ctx(n);

	return print_ready(&c, pt, err);
}
