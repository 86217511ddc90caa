/*
 * statement.c - the account statement, to either parent: a summary of the
 * period (opening balance, support charged, payments, adjustments, closing
 * balance, arrears or credit) and every transaction of the period with a
 * running balance, continued onto further pages when long.
 *
 * The balance is what the noncustodial parent owes; negative is a credit.
 * Every printed total is the sum of the printed rows: the table's totals row
 * and the summary are computed from the same rows the table draws.
 */
#include "doc.h"

#include <stdio.h>
#include <string.h>

enum kind { K_CHARGE, K_ADJUST, K_PAYMENT };

struct cols {
	const struct box *b;
	float row_h, x_date, x_what, x_charged, x_paid, x_bal;
	int bold;
};

static struct cols columns(struct doc_ctx *c)
{
	struct cols k;

	k.b = layout_box(c->L, "statement", "table");
	k.row_h = layout_num(c->L, "statement", "row_h");
	k.x_date = k.b->x + layout_num(c->L, "statement", "col_date");
	k.x_what = k.b->x + layout_num(c->L, "statement", "col_what");
	k.x_charged = k.b->x + layout_num(c->L, "statement", "col_charged");
	k.x_paid = k.b->x + layout_num(c->L, "statement", "col_paid");
	k.x_bal = k.b->x + layout_num(c->L, "statement", "col_amount");
	k.bold = fonts_find(c->fonts, "latin.bold");
	return k;
}

static void cell(struct doc_ctx *c, const struct cols *k, int face, float x, float y, float w,
		 enum text_align a, const char *s)
{
	text_line(c->dl, c->fonts, face, k->b->size, k->b->min_size, x, y, w, a, s);
}

static void header_row(struct doc_ctx *c, const struct cols *k, float *y)
{
	cell(c, k, k->bold, k->x_date, *y, k->x_what - k->x_date - 4, ALIGN_LEFT, T(c, "col.date"));
	cell(c, k, k->bold, k->x_what, *y, k->x_charged - k->x_what - 80, ALIGN_LEFT, T(c, "col.description"));
	cell(c, k, k->bold, k->x_charged, *y, 76, ALIGN_RIGHT, T(c, "col.charged"));
	cell(c, k, k->bold, k->x_paid, *y, 76, ALIGN_RIGHT, T(c, "col.paid"));
	cell(c, k, k->bold, k->x_bal, *y, 76, ALIGN_RIGHT, T(c, "col.balance"));
	dl_line(c->dl, k->b->x, *y - 3, k->b->x + k->b->w, *y - 3, 0.5f, 0);
	*y -= k->row_h;
}

/* A table row; charged or paid may be NULL. Starts a new page (with headings) when full. */
static void row(struct doc_ctx *c, const struct cols *k, float *y, int face, const char *date,
		const char *what, const char *charged, const char *paid, const char *bal)
{
	if (doc_room(c, y, k->row_h * 2))
		header_row(c, k, y);
	if (date)
		cell(c, k, face, k->x_date, *y, k->x_what - k->x_date - 4, ALIGN_LEFT, date);
	cell(c, k, face, k->x_what, *y, k->x_charged - k->x_what - 80, ALIGN_LEFT, what);
	if (charged)
		cell(c, k, face, k->x_charged, *y, 76, ALIGN_RIGHT, charged);
	if (paid)
		cell(c, k, face, k->x_paid, *y, 76, ALIGN_RIGHT, paid);
	cell(c, k, face, k->x_bal, *y, 76, ALIGN_RIGHT, bal);
	*y -= k->row_h;
}

/* The next row in date order across the three lists: charges, then adjustments, then payments on a day. */
static int next_row(const struct case_facts *cf, size_t at[3], enum kind *kind)
{
	const struct rows *r[3] = { &cf->charges, &cf->adjustments, &cf->payments };
	int best = -1, i;

	for (i = 0; i < 3; i++)
		if (at[i] < r[i]->n &&
		    (best < 0 || dates_cmp(r[i]->v[at[i]].date, r[best]->v[at[best]].date) < 0))
			best = i;
	if (best >= 0)
		*kind = (enum kind)best;
	return best;
}

static const char *describe(struct doc_ctx *c, enum kind kind, const struct money_row *m,
			    char *buf, size_t cap)
{
	char key[64];

	if (kind == K_ADJUST)
		return Tf(c, buf, cap, "adjustment", &(struct i18n_arg){ "reason", m->what }, 1);
	snprintf(key, sizeof(key), "%s.%s", kind == K_CHARGE ? "charge" : "src", m->what);
	snprintf(buf, cap, "%s", T(c, key));
	return buf;
}

/* The history table; returns the totals it printed. */
static void history(struct doc_ctx *c, float *y, ng_cents sums[3])
{
	const struct case_facts *cf = c->cf;
	const struct rows *lists[3] = { &cf->charges, &cf->adjustments, &cf->payments };
	struct cols k = columns(c);
	size_t at[3] = { 0, 0, 0 };
	char date[64], what[128], amt[32], bal[32];
	ng_cents balance = cf->opening;
	enum kind kind;
	int i;

	sums[0] = sums[1] = sums[2] = 0;
	doc_room(c, y, k.row_h * 5);
	doc_heading(c, k.b, y, T(c, "statement.history"));
	header_row(c, &k, y);
	row(c, &k, y, k.b->face, doc_date(c, date, sizeof(date), cf->stmt.from),
	    T(c, "statement.opening_row"), NULL, NULL, doc_money(bal, sizeof(bal), balance));
	while ((i = next_row(cf, at, &kind)) >= 0) {
		const struct money_row *m = &lists[i]->v[at[i]++];

		doc_date(c, date, sizeof(date), m->date);
		describe(c, kind, m, what, sizeof(what));
		doc_money(amt, sizeof(amt), m->amount);
		balance += kind == K_PAYMENT ? -m->amount : m->amount;
		sums[kind] += m->amount;
		row(c, &k, y, k.b->face, date, what, kind == K_PAYMENT ? NULL : amt,
		    kind == K_PAYMENT ? amt : NULL, doc_money(bal, sizeof(bal), balance));
	}
	{
		char ch[32], pd[32];

		/* Adjustments sit in the charged column, so its total is charges + adjustments. */
		row(c, &k, y, k.bold, NULL, T(c, "statement.totals"),
		    doc_money(ch, sizeof(ch), sums[K_CHARGE] + sums[K_ADJUST]),
		    doc_money(pd, sizeof(pd), sums[K_PAYMENT]), doc_money(bal, sizeof(bal), balance));
	}
}

/* Label on the left, amount on the right, one line of the summary. */
static void summary_line(struct doc_ctx *c, const struct box *b, float *y, int face,
			 const char *label, ng_cents v)
{
	char amt[32];

	text_line(c->dl, c->fonts, face, b->size, b->min_size, b->x, *y, 300, ALIGN_LEFT, label);
	text_line(c->dl, c->fonts, face, b->size, b->min_size, b->x + 400, *y, 150, ALIGN_RIGHT,
		  doc_money(amt, sizeof(amt), v));
	*y -= b->leading;
}

int doc_statement(struct doc_ctx *c, struct ng_err *err)
{
	const struct box *body = layout_box(c->L, "statement", "body");
	const struct case_facts *cf = c->cf;
	int bold = fonts_find(c->fonts, "latin.bold");
	char from[64], to[64], period[160], buf[320];
	ng_cents sums[3];
	float y, ys;
	struct dlist *dl = c->dl;
	int first_page;

	if (doc_frame(c, &y, err))
		return -1;
	first_page = dl->npages;
	doc_date(c, from, sizeof(from), cf->stmt.from);
	doc_date(c, to, sizeof(to), cf->stmt.to);
	{
		struct i18n_arg a[] = { { "from", from }, { "to", to } };

		Tf(c, period, sizeof(period), "fmt.period", a, 2);
	}
	text_line(dl, c->fonts, body->face, body->size, body->min_size, body->x, y, body->w, ALIGN_LEFT,
		  Tf(c, buf, sizeof(buf), "statement.period", &(struct i18n_arg){ "period", period }, 1));
	y -= body->leading;
	/* The summary is drawn after the table, from the table's own totals, into the space kept here. */
	ys = y;
	y -= body->leading * 8.4f;
	history(c, &y, sums);
	{
		int page = dl->npages;

		dl->npages = first_page;
		doc_heading(c, body, &ys, T(c, "statement.summary"));
		summary_line(c, body, &ys, body->face,
			     Tf(c, buf, sizeof(buf), "statement.opening", &(struct i18n_arg){ "date", from }, 1),
			     cf->opening);
		summary_line(c, body, &ys, body->face, T(c, "statement.charged"), sums[K_CHARGE]);
		summary_line(c, body, &ys, body->face, T(c, "statement.paid"), sums[K_PAYMENT]);
		summary_line(c, body, &ys, body->face, T(c, "statement.adjusted"), sums[K_ADJUST]);
		summary_line(c, body, &ys, bold,
			     Tf(c, buf, sizeof(buf), "statement.closing", &(struct i18n_arg){ "date", to }, 1),
			     cf->opening + sums[K_CHARGE] + sums[K_ADJUST] - sums[K_PAYMENT]);
		/*
		 * A month's support is due by its coupon_due_day (at most the 28th):
		 * at the period's end all that is owed is past due, as the coupon
		 * mailed the same night counts it. (The last month's charge had been
		 * taken off, paid or not, which printed $0.00 for a parent who paid
		 * that month and owed from before.)
		 */
		if (cf->closing < 0)
			summary_line(c, body, &ys, body->face, T(c, "statement.credit"), -cf->closing);
		else
			summary_line(c, body, &ys, body->face, T(c, "statement.arrears"), cf->closing);
		dl->npages = page;
	}
	if (cf->opening + sums[K_CHARGE] + sums[K_ADJUST] - sums[K_PAYMENT] != cf->closing)
		return ng_fail(err, NG_EDATA, "the statement's rows do not add up to the closing balance");
	doc_room(c, &y, body->leading * 3);
	y -= body->leading * 0.5f;
	text_para(dl, c->fonts, body, body->face, body->size - 1, body->leading, &y, T(c, "statement.sign_note"));
	{
		struct i18n_arg h[] = { { "phone", c->cfg->phone }, { "tty", c->cfg->tty } };

		text_para(dl, c->fonts, body, body->face, body->size - 1, body->leading, &y,
			  Tf(c, buf, sizeof(buf), "help", h, 2));
	}
	return 0;
}
