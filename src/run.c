#include "run.h"
#include "night.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "docs/doc.h"
#include "fonts.h"
#include "i18n.h"
#include "layout.h"
#include "ledger.h"
#include "log.h"
#include "output.h"
#include "pdf.h"
#include "pin.h"
#include "print.h"
#include "shard.h"
#include "text.h"

#define BATCH_CASES 256

/* The language codes the agency serves (English and New York's twelve). */
static const char *const served[] = {
	"en", "es", "zh", "ru", "yi", "bn", "ko", "ht", "it", "ar", "pl", "fr", "ur", NULL,
};

static const char *const stage_names[ST_COUNT] = {
	"ledger", "layout", "pdf", "write", "hash", "journal", "print", "reports",
};

/* Frees the lock file's room (take_lock) for the ledger's last write; the lock stays. */
static void release_room(struct night *n)
{
	int rc = n->locked ? ftruncate(n->lock_fd, 0) : 0;

	(void)rc;                       /* nothing to do about it: the room was a loan */
}

static void night_release(struct night *n)
{
	case_facts_release(&n->cf);
	dl_release(&n->dl);
	pdf_free(n->pdf);
	layout_free(n->layout);
	fonts_free(n->fonts);
	i18n_free(n->i18n);
	ledger_close(n->led);
	pin_key_wipe(&n->key);
	if (n->lock_fd > 0) {
		release_room(n);
		close(n->lock_fd);
	}
}

/* Bytes the lock file holds during a run: a few pages of the ledger and its rollback journal. */
#define LOCK_ROOM (256 * 1024)

/* One run per ledger at a time: an advisory lock the kernel drops if the holder dies. */
static int take_lock(struct night *n, struct ng_err *err)
{
	char path[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s.lock", n->cfg.ledger);
	n->lock_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (n->lock_fd < 0)
		return ng_fail(err, NG_EOUTPUT, "cannot create lock file '%s': %s", path, strerror(errno));
	if (flock(n->lock_fd, LOCK_EX | LOCK_NB) != 0)
		return ng_fail(err, NG_ELOCKED, "another noticegen run holds '%s'; wait for it to finish",
			       path);
	n->locked = 1;
	/*
	 * Room for the ledger to record a failed run: a full disk that stops
	 * the night is often the ledger's too, and SQLite needs a journal to
	 * write even one row. Given back before that write (release_room).
	 * Best effort: a disk already full has nothing to lend.
	 */
	if (posix_fallocate(n->lock_fd, 0, LOCK_ROOM) != 0)
		release_room(n);
	return 0;
}

/*
 * The PINs must be sealed under the configured key. After `pin rekey` they
 * are under the new one until the config names it: a night then would seal
 * its new PINs under the old key and could not open the others.
 */
static int key_matches_pins(struct night *n, const char *config, struct ng_err *err)
{
	char other[17] = "";
	long k = ledger_pins_other_key(n->led, n->key.id, other, err);

	if (k < 0)
		return -1;
	if (k > 0)
		return ng_fail(err, NG_ESECRET, "%ld PINs in '%s' are sealed under key %s, not under the configured "
			       "key %s ('%s'); after pin rekey, set [paths] pin_key in '%s' to the new key file",
			       k, n->cfg.ledger, other, n->key.id, n->cfg.pin_key, config);
	return 0;
}

/* Everything that can be wrong with the set-up is found here, before any output. */
static int setup(struct night *n, const char *config, const char *date, struct ng_err *err)
{
	if (dates_parse(date, &n->date))
		return ng_fail(err, NG_EUSAGE, "--date '%s' is not a date YYYY-MM-DD from 1900 to 2199", date);
	dates_iso(n->iso, n->date);
	if (config_load(&n->cfg, config, err))
		return -1;
	n->i18n = i18n_new();
	if (!n->i18n)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	if (i18n_load_dir(n->i18n, n->cfg.lang, err))
		return -1;
	if (pin_key_load(&n->key, n->cfg.pin_key, err))
		return -1;
	n->fonts = fonts_load(n->cfg.fonts, NULL, n->i18n, err);
	if (!n->fonts)
		return -1;
	if (text_check_catalogs(n->fonts, n->i18n, err))
		return -1;
	n->layout = layout_load(n->cfg.layouts, n->fonts, err);
	if (!n->layout)
		return -1;
	n->pdf = pdf_new(n->fonts, err);
	if (!n->pdf)
		return -1;
	n->led = ledger_open(n->cfg.ledger, err);
	if (!n->led)
		return -1;
	if (key_matches_pins(n, config, err))
		return -1;
	dl_init(&n->dl, layout_page_w(n->layout), layout_page_h(n->layout));
	n->jobs = 1;
	n->doc.cfg = &n->cfg;
	n->doc.L = n->layout;
	n->doc.fonts = n->fonts;
	n->doc.i18n = n->i18n;
	n->doc.dl = &n->dl;
	n->doc.run = n->date;
	return 0;
}

/*
 * --rerun: the date's folder moves aside to <date>.replaced-N and the
 * journal forgets the date, so the night is made again from scratch.
 */
static int set_aside(struct night *n, struct ng_err *err)
{
	char aside[sizeof(n->run_dir) + 32];
	int i;

	for (i = 1; i < 1000; i++) {
		snprintf(aside, sizeof(aside), "%s.replaced-%d", n->run_dir, i);
		if (access(aside, F_OK) != 0)
			break;
	}
	if (access(n->run_dir, F_OK) == 0) {
		if (rename(n->run_dir, aside) != 0)
			return ng_fail(err, NG_EOUTPUT, "cannot move '%s' aside to '%s': %s", n->run_dir, aside,
				       strerror(errno));
		log_info("rerun: the earlier output of %s is now in %s", n->iso, aside);
	}
	return ledger_forget_date(n->led, n->iso, err);
}

static int start(struct night *n, const struct run_opts *o, struct ng_err *err)
{
	if (setup(n, o->config, o->date, err) || take_lock(n, err))
		return -1;
	if (o->shards)
		snprintf(n->run_dir, sizeof(n->run_dir), "%s/%s/shard-%d-of-%d", n->cfg.output, n->iso,
			 o->shard, o->shards);
	else
		snprintf(n->run_dir, sizeof(n->run_dir), "%s/%s", n->cfg.output, n->iso);
	if (o->rerun && set_aside(n, err))
		return -1;
	return out_mkdirs(n->run_dir, 0755, err);
}

/* The periods every case of the night shares, and which documents are due at all. */
static void plan_night(struct night *n)
{
	struct ng_date first = { n->date.y, n->date.m, 1 };
	const struct config *c = &n->cfg;
	struct case_facts *cf = &n->cf;

	cf->run = n->date;
	cf->month.from = dates_add_months(first, -1);
	cf->month.to = dates_add_days(first, -1);
	cf->stmt = cf->month;
	n->notice_due = n->date.d >= c->cycle_day;
	n->statement_due = n->notice_due;
	if (c->statement_freq == FREQ_QUARTERLY) {
		n->statement_due &= (n->date.m - 1) % 3 == 0;
		cf->stmt.from = dates_add_months(first, -3);
	}
	cf->due = (struct ng_date){ n->date.y, n->date.m, c->coupon_due_day };
	if (n->date.d > c->coupon_due_day)
		cf->due = dates_add_months(cf->due, 1);
	n->coupon_due = dates_to_days(n->date) >= dates_to_days(cf->due) - c->coupon_lead_days;
	n->pin_from = dates_add_days(n->date, -c->pin_lookback_days);
}

/*
 * Documents are made as of their night: a reprint is laid out with the
 * plan of its first printing's date, then the night's own plan returns.
 */
void night_plan_as_of(struct night *n, struct ng_date d)
{
	struct ng_date tonight = n->date;

	n->date = d;
	n->doc.run = d;
	plan_night(n);
	n->date = tonight;
}

static int issue_one(int64_t party, int64_t case_key, void *arg)
{
	struct night *n = arg;

	return pin_issue(n->led, &n->key, party, case_key, n->iso, n->pin_err) ? -1 : 0;
}

/* PINs for the parties of newly recorded orders, in one transaction, before any letter is drawn. */
static int issue_pins(struct night *n, struct ng_err *err)
{
	if (ledger_begin(n->led, err))
		return -1;
	n->pin_err = err;
	if (ledger_parties_needing_pin(n->led, n->pin_from, n->date, issue_one, n, err)) {
		ledger_rollback(n->led);
		ng_err_prefix(err, "issuing the night's PINs");
		return -1;
	}
	return ledger_commit(n->led, err);
}

static int count_one(int64_t party, int64_t case_key, void *arg)
{
	(void)party;
	(void)case_key;
	++*(long *)arg;
	return 0;
}

/* Shards must not draw PINs: each snapshot would draw different ones. */
static int pins_prepared(struct night *n, struct ng_err *err)
{
	long missing = 0;

	if (ledger_parties_needing_pin(n->led, n->pin_from, n->date, count_one, &missing, err))
		return -1;
	if (missing)
		return ng_fail(err, NG_EUSAGE, "%ld parties of new orders have no PIN yet: run 'noticegen prepare "
			       "--date %s' on the master ledger before taking the snapshot the shards read", missing, n->iso);
	return 0;
}

/* Letters, digits and hyphens only: case ids and counties become folder names. */
static void path_part(char *out, size_t cap, const char *s)
{
	size_t j = 0;

	for (; *s && j + 1 < cap; s++)
		if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-')
			out[j++] = *s;
	out[j] = '\0';
}

/*
 * The journal is only told about files already flushed to disk, in one
 * short transaction per batch (workers share the ledger: none holds its
 * write lock for longer than that).
 */
static int checkpoint(struct night *n, struct ng_err *err)
{
	double t = now_s();
	int i;

	if (!n->npend && !n->nexc)
		return 0;
	if (n->npend && out_sync_dir(n->run_dir, err))
		return -1;
	n->stage[ST_WRITE] += now_s() - t;
	t = now_s();
	if (ledger_begin(n->led, err))
		return -1;
	for (i = 0; i < n->npend; i++)
		if (ledger_journal_add(n->led, &n->pend[i], err))
			goto fail;
	for (i = 0; i < n->nexc; i++) {
		const struct pending_exception *x = &n->exc[i];

		if (ledger_exception_add(n->led, n->iso, x->case_key, x->party, x->doc[0] ? x->doc : NULL, x->reason,
					 err))
			goto fail;
	}
	if (ledger_commit(n->led, err))
		return -1;
	n->stage[ST_JOURNAL] += now_s() - t;
	n->npend = n->nexc = 0;
	return 0;
fail:
	ledger_rollback(n->led);
	return -1;
}

/*
 * Logged now, recorded at the next checkpoint with the journal rows: one
 * write to the ledger per batch, not one per exception (each had been a
 * commit of its own, flushed to disk, that --jobs workers waited for).
 * A run killed before then finds the case's problem again when resumed.
 */
int night_exception(struct night *n, const struct party *p, const char *doc, const char *reason,
		    struct ng_err *err)
{
	struct pending_exception *x;

	log_warn("case %s (%s)%s%s%s%s: %s", n->cf.id[0] ? n->cf.id : "?", n->cf.county,
		 p ? ", " : "", p ? (p->role == ROLE_CP ? "CP" : "NCP") : "", doc ? ", " : "",
		 doc ? doc : "", reason);
	if (n->nexc == COMMIT_EVERY + CASE_PIECES_MAX)
		return ng_fail(err, NG_EINTERNAL, "case %s has more than %d exceptions tonight", n->cf.id, CASE_PIECES_MAX);
	x = &n->exc[n->nexc++];
	x->case_key = n->cf.key;
	x->party = p ? p->id : 0;
	snprintf(x->doc, sizeof(x->doc), "%s", doc ? doc : "");
	snprintf(x->reason, sizeof(x->reason), "%s", reason);
	return 0;
}

/*
 * Lays out and draws one document. A PIN letter's PIN is opened just for
 * it and wiped, with the layout's copy, before this returns.
 */
int night_layout(struct night *n, enum doc_type type, const struct party *p, struct ng_err *err)
{
	char pin[6] = "";
	int rc = 0;

	n->pin_mark[0] = '\0';
	if (type == DOC_PINLETTER && !(rc = pin_reveal(n->led, &n->key, p->id, n->cf.key, pin, err)))
		pin_letter_mark(&n->key, p->id, pin, n->pin_mark);
	n->doc.pin = pin;
	if (!rc)
		rc = doc_build(&n->doc, type, &n->cf, p, err);
	pin_wipe(pin);
	n->doc.pin = NULL;
	return rc;
}

int night_render(struct night *n, enum doc_type type, const struct party *p,
		 const unsigned char **buf, size_t *len, int *pages, struct ng_err *err)
{
	double t0 = now_s(), t1;
	int rc = night_layout(n, type, p, err);

	t1 = now_s();
	n->stage[ST_LAYOUT] += t1 - t0;
	if (!rc)
		rc = pdf_render(n->pdf, &n->dl,
				&(struct pdf_meta){ n->doc.title, n->as_of ? n->as_of : n->iso,
						    n->pin_mark[0] ? n->pin_mark : NULL },
				buf, len, err);
	n->stage[ST_PDF] += now_s() - t1;
	*pages = n->dl.npages;
	if (type == DOC_PINLETTER)
		dl_wipe(&n->dl);
	return rc;
}

/*
 * Writes a drawn document into the run folder (cases/<County>-<CaseId>/)
 * and fills its journal row, all but ord and copy.
 */
int night_store(struct night *n, enum doc_type type, const struct party *p, const char *period,
		 const unsigned char *buf, size_t len, int pages, struct journal_row *r, struct ng_err *err)
{
	const char *doc = doc_names[type];
	char id[16], county[32], rel[64], path[PATH_MAX + 400];
	double t;
	int rc;

	path_part(id, sizeof(id), n->cf.id);
	path_part(county, sizeof(county), n->cf.county);
	snprintf(rel, sizeof(rel), "cases/%s-%s", county, id);
	snprintf(path, sizeof(path), "%s/%s", n->run_dir, rel);
	if (out_mkdirs(path, 0755, err))
		return -1;
	memset(r, 0, sizeof(*r));
	snprintf(r->path, sizeof(r->path), "%s/%s-%s-%s.pdf", rel, doc, p->role == ROLE_CP ? "CP" : "NCP", period);
	snprintf(path, sizeof(path), "%s/%s", n->run_dir, r->path);
	/* PIN letters are for their recipient alone: owner-only, like the key. */
	t = now_s();
	rc = out_write_file(path, buf, len, type == DOC_PINLETTER ? 0600 : 0644, 0, err);
	n->stage[ST_WRITE] += now_s() - t;
	t = now_s();
	out_sha256(buf, len, r->sha256);
	n->stage[ST_HASH] += now_s() - t;
	if (type == DOC_PINLETTER)
		pdf_wipe(n->pdf);
	if (rc)
		return -1;
	snprintf(r->run_date, sizeof(r->run_date), "%s", n->iso);
	snprintf(r->doc, sizeof(r->doc), "%s", doc);
	snprintf(r->period, sizeof(r->period), "%s", period);
	r->case_key = n->cf.key;
	r->party_id = p->id;
	/* The language the document is in (beside English): the manifest says what was printed. */
	snprintf(r->lang, sizeof(r->lang), "%s", doc_language(&n->doc, p));
	r->pages = pages;
	r->sheets = n->cfg.job[type].duplex ? (r->pages + 1) / 2 : r->pages;
	r->bytes = (int64_t)len;
	return 0;
}

int night_journal(struct night *n, const struct journal_row *r, struct ng_err *err)
{
	if (n->npend == COMMIT_EVERY + CASE_PIECES_MAX)
		return ng_fail(err, NG_EINTERNAL, "case %s has more than %d documents tonight", n->cf.id, CASE_PIECES_MAX);
	n->pend[n->npend++] = *r;
	n->written++;
	return 0;
}

/* Renders one piece and journals it. NG_EDATA means an exception (recorded); others stop the run. */
static int piece(struct night *n, enum doc_type type, const struct party *p, const char *period,
		 int slot, struct ng_err *err)
{
	const char *doc = doc_names[type];
	struct journal_row r;
	struct ng_err why = { 0 };
	char done[11], path[PATH_MAX + 400], jpath[256], jsha[65] = "", sha[65];
	const unsigned char *buf;
	size_t len;
	const char *problem;
	int64_t jbytes = 0;
	struct stat st;
	int found, rc, pages;

	found = ledger_journal_lookup(n->led, doc, p->id, period, done, jpath, sizeof(jpath), &jbytes, jsha, err);
	if (found < 0)
		return -1;
	if (found && strcmp(done, n->iso))
		return 0;                         /* sent on an earlier night */
	if ((problem = doc_address_problem(p)))
		return night_exception(n, p, doc, problem, err);
	if (found) {
		/* Made by an earlier try of this date: trust it only if it is still there, whole. */
		snprintf(path, sizeof(path), "%s/%s", n->run_dir, jpath);
		if (stat(path, &st) == 0 && st.st_size == jbytes) {
			n->resumed++;
			return 0;
		}
		log_warn("%s is journaled but missing or cut short; writing it again", path);
	}
	rc = night_render(n, type, p, &buf, &len, &pages, &why);
	if (rc) {
		if (why.code == NG_EDATA)
			return night_exception(n, p, doc, why.msg, err);
		*err = why;
		return -1;
	}
	if (found) {
		/*
		 * Rendering is deterministic: the bytes the journal recorded, unless
		 * the ledger changed since. Then nothing is written over the
		 * journaled file (the manifest and the print shop have its SHA-256),
		 * and the night stops as the print stage would.
		 */
		out_sha256(buf, len, sha);
		if (strcmp(sha, jsha)) {
			if (type == DOC_PINLETTER)
				pdf_wipe(n->pdf);
			return ng_fail(err, NG_EDATA, "%s (%s, case %s) made again is not the document the journal "
				       "records: the ledger changed since the documents were made; make the date again "
				       "with --rerun", path, doc, n->cf.id);
		}
	}
	if (night_store(n, type, p, period, buf, len, pages, &r, err))
		return -1;
	r.ord = n->cf.key * 16 + slot;
	if (found) {
		n->written++;
		return 0;
	}
	return night_journal(n, &r, err);
}

static const struct party *party_of(const struct case_facts *cf, enum role role)
{
	int i;

	for (i = 0; i < cf->nparty; i++)
		if (cf->party[i].role == role)
			return &cf->party[i];
	return NULL;
}

/* Any order in force at some time in [from, to]. */
static int order_active(const struct case_facts *cf, struct ng_date from, struct ng_date to, int direct)
{
	int i;

	for (i = 0; i < cf->norder; i++) {
		const struct order *o = &cf->order[i];

		if ((!direct || o->direct) && dates_cmp(o->start, to) <= 0 &&
		    (o->end.y == 0 || dates_cmp(o->end, from) >= 0))
			return 1;
	}
	return 0;
}

/* What one case is owed tonight, in the fixed order that makes sequence numbers stable. */
static int serve_case_now(struct night *n, int64_t key, struct ng_err *err)
{
	struct case_facts *cf = &n->cf;
	const struct party *cp, *ncp;
	char month[16], stmt[24], due[11], pinp[32];
	struct ng_err why = { 0 };
	int rc, i;

	cf->id[0] = cf->county[0] = '\0';
	double t = now_s();

	rc = ledger_load_case(n->led, key, cf, &why);
	n->stage[ST_LEDGER] += now_s() - t;
	if (rc == NG_EDATA)
		return night_exception(n, NULL, NULL, why.msg, err);
	if (rc) {
		*err = why;
		return -1;
	}
	if (cf->closed)
		return 0;
	cp = party_of(cf, ROLE_CP);
	ncp = party_of(cf, ROLE_NCP);
	for (i = 0; i < cf->nparty; i++) {
		int k;

		for (k = 0; served[k] && strcmp(served[k], cf->party[i].lang); k++)
			;
		if (!served[k]) {
			char why[160];

			snprintf(why, sizeof(why), "unknown language code '%s'; expected one of "
				 "en es zh ru yi bn ko ht it ar pl fr ur", cf->party[i].lang);
			return night_exception(n, &cf->party[i], NULL, why, err);
		}
	}
	snprintf(month, sizeof(month), "%04d-%02d", cf->month.from.y, cf->month.from.m);
	if (n->cfg.statement_freq == FREQ_QUARTERLY)
		snprintf(stmt, sizeof(stmt), "%04d-Q%d", cf->stmt.from.y, (cf->stmt.from.m + 2) / 3);
	else
		snprintf(stmt, sizeof(stmt), "%s", month);
	dates_iso(due, cf->due);
	/* Each piece has its fixed place (slot) among the case's: 0 notice, 1-2 statements, 3 coupon, 4- PINs. */
	if (n->notice_due && order_active(cf, cf->month.from, cf->month.to, 0) &&
	    piece(n, DOC_NOTICE, cp, month, 0, err))
		return -1;
	if (n->statement_due && order_active(cf, cf->stmt.from, cf->stmt.to, 0) &&
	    (piece(n, DOC_STATEMENT, cp, stmt, 1, err) || piece(n, DOC_STATEMENT, ncp, stmt, 2, err)))
		return -1;
	if (n->coupon_due && order_active(cf, cf->due, cf->due, 1) && cf->current + cf->past_due > 0 &&
	    piece(n, DOC_COUPON, ncp, due, 3, err))
		return -1;
	/* A letter for each PIN event in the window: the first issue, and staff reissues or replacements. */
	{
		int64_t audit[PIN_SLOTS], party[PIN_SLOTS];
		int k, np = ledger_pin_letters(n->led, key, n->pin_from, n->date, audit, party, PIN_SLOTS, err);

		if (np < 0)
			return -1;
		if (np > PIN_SLOTS) {
			char why[200];

			snprintf(why, sizeof(why), "%d PIN letters are due on this case, %d go out a night; "
				 "the other %d go out on the next night", np, PIN_SLOTS, np - PIN_SLOTS);
			if (night_exception(n, NULL, doc_names[DOC_PINLETTER], why, err))
				return -1;
			np = PIN_SLOTS;
		}
		for (k = 0; k < np; k++) {
			const struct party *p = party[k] == cp->id ? cp : party[k] == ncp->id ? ncp : NULL;

			if (!p)
				continue;
			snprintf(pinp, sizeof(pinp), "pin-%lld", (long long)audit[k]);
			if (piece(n, DOC_PINLETTER, p, pinp, 4 + k, err))
				return -1;
		}
	}
	/* Last: pieces the print shop spoiled on earlier nights (this reloads the case as of then). */
	return night_reprints(n, key, err);
}

/*
 * A case is read in one read transaction: its facts, its journal rows, its
 * PIN events, its reprints. Its documents and exceptions are queued, and
 * written to the ledger between cases, outside it. So a case takes one
 * shared lock, not one per query, and a --jobs worker that wants to write
 * waits for the other's case at most.
 */
static int serve_case(struct night *n, int64_t key, struct ng_err *err)
{
	int began = ledger_read_begin(n->led);
	int rc = serve_case_now(n, key, err);

	ledger_read_end(n->led, began);
	if (!rc && (n->npend >= COMMIT_EVERY || n->nexc >= COMMIT_EVERY))
		rc = checkpoint(n, err);
	return rc;
}

int run_pin_letter_now(const char *config, const char *today, int64_t case_key, int64_t party_id,
		       int64_t audit_id, char *path, size_t cap, struct ng_err *err)
{
	struct night *n = calloc(1, sizeof(*n));
	const struct party *p = NULL;
	const unsigned char *buf;
	char dir[PATH_MAX + 64], id[16], county[32];
	size_t len;
	int i, pages, ret = -1;

	if (!n)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	if (setup(n, config, today, err))
		goto cleanup;
	plan_night(n);
	if (ledger_load_case(n->led, case_key, &n->cf, err))
		goto cleanup;
	for (i = 0; i < n->cf.nparty; i++)
		if (n->cf.party[i].id == party_id)
			p = &n->cf.party[i];
	if (!p) {
		ng_fail(err, NG_EUSAGE, "party %lld is not on case %s", (long long)party_id, n->cf.id);
		goto cleanup;
	}
	if (doc_address_problem(p)) {
		ng_fail(err, NG_EDATA, "case %s: the %s has %s; correct the address first", n->cf.id,
			p->role == ROLE_CP ? "CP" : "NCP", doc_address_problem(p));
		goto cleanup;
	}
	if (night_render(n, DOC_PINLETTER, p, &buf, &len, &pages, err))
		goto cleanup;
	path_part(id, sizeof(id), n->cf.id);
	path_part(county, sizeof(county), n->cf.county);
	snprintf(dir, sizeof(dir), "%s/reissues/%s", n->cfg.output, n->iso);
	if (out_mkdirs(dir, 0700, err))
		goto cleanup;
	snprintf(path, cap, "%s/%s-%s-%s-pin-%lld.pdf", dir, county, id, p->role == ROLE_CP ? "CP" : "NCP",
		 (long long)audit_id);
	ret = out_write_file(path, buf, len, 0600, 1, err);
	pdf_wipe(n->pdf);
cleanup:
	night_release(n);
	free(n);
	return ret;
}

/* A progress line for a person watching a terminal: cases done, rate, time left. */
static void progress(const struct night *n, long cases, long total, double t0)
{
	double s = now_s() - t0, eta = cases > 0 && total > cases ? s * (total - cases) / cases : 0;
	int width = 30, done = total > 0 ? (int)(width * cases / total) : width;

	fprintf(stderr, "\r[%.*s%*s] %ld/%ld cases, %ld documents, %.0f/s, %d:%02d left ",
		done, "##############################", width - done, "", cases, total, n->written,
		s > 0 ? n->written / s : 0.0, (int)eta / 60, (int)eta % 60);
}

static int each_case(struct night *n, const struct run_opts *o, struct ng_err *err)
{
	int64_t keys[BATCH_CASES], after = 0;
	long cases = 0, total = o->progress ? ledger_case_count(n->led) : 0;
	double t0 = now_s();
	int got, i;

	while ((got = ledger_case_keys(n->led, after, keys, BATCH_CASES, err)) > 0) {
		for (i = 0; i < got; i++)
			if (keys[i] % n->jobs == n->job && serve_case(n, keys[i], err))
				return -1;
		after = keys[got - 1];
		cases += got;
		if (o->progress)
			progress(n, cases, total, t0);
	}
	if (o->progress)
		fputc('\n', stderr);
	if (got < 0)
		return -1;
	return checkpoint(n, err);
}

static int cases_task(struct night *n, const void *arg, struct ng_err *err)
{
	struct run_opts quiet = *(const struct run_opts *)arg;

	quiet.progress = 0;
	return each_case(n, &quiet, err);
}

/* --jobs N: worker k serves the cases whose key modulo N is k. */
static int each_case_parallel(struct night *n, const struct run_opts *o, struct ng_err *err)
{
	return night_in_workers(n, o->jobs, cases_task, o, err);
}

static void now_iso(char buf[32])
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* summary.json: what the night did, for monitoring. Counts come from the journal. */
static int write_summary(struct night *n, const struct out_totals *t, double secs, struct ng_err *err)
{
	char path[4200], buf[8192];
	struct rusage ru;
	size_t i, len = 0;

#define PUT(...) len += (size_t)snprintf(buf + len, len < sizeof(buf) ? sizeof(buf) - len : 0, __VA_ARGS__)
	PUT("{\n  \"run_date\": \"%s\",\n  \"pieces\": %ld,\n  \"pages\": %ld,\n  \"sheets\": %ld,\n"
	    "  \"exceptions\": %ld,\n  \"written_now\": %ld,\n  \"resumed\": %ld,\n  \"seconds\": %.3f,\n"
	    "  \"documents_per_second\": %.1f,\n  \"by_type_and_language\": [",
	    n->iso, t->pieces, t->pages, t->sheets, t->exceptions, n->written, n->resumed, secs,
	    secs > 0 ? n->written / secs : 0.0);
	for (i = 0; i < t->n; i++)
		PUT("%s\n    {\"doc_type\": \"%s\", \"language\": \"%s\", \"pieces\": %ld, \"pages\": %ld}",
		    i ? "," : "", t->v[i].doc, t->v[i].lang, t->v[i].pieces, t->v[i].pages);
	PUT("\n  ],\n  \"stage_seconds\": {");
	for (i = 0; i < ST_COUNT; i++)
		PUT("%s\"%s\": %.3f", i ? ", " : "", stage_names[i], n->stage[i]);
	getrusage(RUSAGE_SELF, &ru);
	PUT("},\n  \"cpu_seconds\": %.3f,\n  \"peak_rss_kib\": %ld\n}\n",
	    ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
	    ru.ru_maxrss);
#undef PUT
	if (len >= sizeof(buf))
		return ng_fail(err, NG_EINTERNAL, "run summary too long");
	snprintf(path, sizeof(path), "%s/summary.json", n->run_dir);
	return out_write_file(path, buf, len, 0644, 1, err);
}

/* The manifest and exceptions report (totals in arg, a struct out_totals). */
static int reports_task(struct night *n, const void *arg, struct ng_err *err)
{
	double t = now_s();
	int rc = out_reports(n->led, n->run_dir, n->iso, (struct out_totals *)arg, err);

	n->stage[ST_REPORTS] += now_s() - t;
	return rc;
}

int run_night(const struct run_opts *o, struct run_result *res, struct ng_err *err)
{
	struct night *n = calloc(1, sizeof(*n));
	struct out_totals t = { 0 };
	struct print_totals pt = { 0 };
	struct timespec t0, t1;
	double t_reports;
	char now[32];
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!n)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (start(n, o, err))
		goto cleanup;
	plan_night(n);
	now_iso(now);
	log_info("run %s: ledger %s, output %s", n->iso, n->cfg.ledger, n->run_dir);
	if (o->shards) {
		/* A shard serves its part of the cases from a snapshot taken after `prepare`. */
		n->job = o->shard;
		n->jobs = o->shards;
		if (pins_prepared(n, err))
			goto cleanup;
	}
	if (ledger_run_mark(n->led, n->iso, "running", now, err) || ledger_forget_exceptions(n->led, n->iso, err) ||
	    (!o->shards && issue_pins(n, err)) ||
	    (o->jobs > 1 ? each_case_parallel(n, o, err) : each_case(n, o, err)))
		goto cleanup;
	/* A shard leaves the print batches to the merge: they need the whole night, in ZIP order. */
	if (o->shards ? reports_task(n, &t, err) : night_batches(n, o->jobs, reports_task, &t, err))
		goto cleanup;
	t_reports = now_s();
	if (!o->shards && night_handoff(n, &t, &pt, err))
		goto cleanup;
	n->stage[ST_REPORTS] += now_s() - t_reports;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	res->seconds = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (write_summary(n, &t, res->seconds, err) || (o->shards && shard_export(n->led, n->run_dir, n->iso, err)))
		goto cleanup;
	now_iso(now);
	release_room(n);
	if (ledger_run_mark(n->led, n->iso, t.exceptions ? "done_with_exceptions" : "done", now, err))
		goto cleanup;
	if (!o->shards && night_ready(n, &pt, err))
		goto cleanup;
	res->written = n->written;
	res->resumed = n->resumed;
	res->pieces = t.pieces;
	res->exceptions = t.exceptions;
	snprintf(res->run_dir, sizeof(res->run_dir), "%s", n->run_dir);
	ret = 0;
cleanup:
	release_room(n);
	if (ret && n->led && n->locked) {
		/* Best effort: the morning should not find the night still "running". */
		now_iso(now);
		ledger_run_mark(n->led, n->iso, "failed", now, NULL);
	}
	out_totals_release(&t);
	night_release(n);
	free(n);
	return ret ? (err->code ? (int)err->code : -1) : 0;
}

int run_prepare(const char *config, const char *date, struct ng_err *err)
{
	struct night *n = calloc(1, sizeof(*n));
	int ret = -1;

	if (!n)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	if (!setup(n, config, date, err) && !take_lock(n, err)) {
		plan_night(n);
		ret = issue_pins(n, err);
	}
	night_release(n);
	free(n);
	return ret;
}

int run_merge(const char *config, const char *date, int shards, struct run_result *res, struct ng_err *err)
{
	struct night *n = calloc(1, sizeof(*n));
	struct out_totals t = { 0 };
	struct print_totals pt = { 0 };
	char now[32];
	int ret = -1;

	memset(res, 0, sizeof(*res));
	if (!n)
		return ng_fail(err, NG_EINTERNAL, "out of memory");
	if (setup(n, config, date, err) || take_lock(n, err))
		goto cleanup;
	snprintf(n->run_dir, sizeof(n->run_dir), "%s/%s", n->cfg.output, n->iso);
	now_iso(now);
	if (ledger_run_mark(n->led, n->iso, "running", now, err) ||
	    shard_merge(n->led, n->run_dir, n->iso, shards, err) || night_batches(n, 1, reports_task, &t, err) ||
	    night_handoff(n, &t, &pt, err) ||
	    write_summary(n, &t, 0, err))
		goto cleanup;
	now_iso(now);
	if (ledger_run_mark(n->led, n->iso, t.exceptions ? "done_with_exceptions" : "done", now, err) ||
	    night_ready(n, &pt, err))
		goto cleanup;
	res->pieces = t.pieces;
	res->exceptions = t.exceptions;
	snprintf(res->run_dir, sizeof(res->run_dir), "%s", n->run_dir);
	ret = 0;
cleanup:
	out_totals_release(&t);
	night_release(n);
	free(n);
	return ret ? (err->code ? (int)err->code : -1) : 0;
}
