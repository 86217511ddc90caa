/*
 * notice.c - the monthly notice to the custodial parent: what was collected
 * on the case last month, and what was sent to them, each with its total.
 */
#include "doc.h"

#include <stdio.h>
#include <string.h>

static const char *code_label(struct doc_ctx *c, const char *prefix, const char *code, char *key,
			      size_t cap)
{
	snprintf(key, cap, "%s.%s", prefix, code);
	return T(c, key);
}

/*
 * One table: heading, column titles, a row per amount, and a total that is
 * the sum of the rows as printed. Continues onto a new page when full.
 */
static void money_table(struct doc_ctx *c, float *y, const char *heading, const char *what_col,
			const char *prefix, const struct rows *rows, const char *none,
			const char *total_label)
{
	const struct box *b = layout_box(c->L, "notice", "table");
	const float row_h = layout_num(c->L, "notice", "row_h");
	const float x_date = b->x + layout_num(c->L, "notice", "col_date");
	const float x_what = b->x + layout_num(c->L, "notice", "col_what");
	const float x_amt = b->x + layout_num(c->L, "notice", "col_amount");
	int bold = fonts_find(c->fonts, "latin.bold");
	char date[64], amt[32], key[64];
	ng_cents sum = 0;
	size_t i;

	doc_room(c, y, row_h * 4);
	doc_heading(c, b, y, heading);
	if (rows->n == 0) {
		text_line(c->dl, c->fonts, b->face, b->size, b->min_size, b->x, *y, b->w, ALIGN_LEFT, none);
		*y -= row_h * 1.5f;
		return;
	}
	text_line(c->dl, c->fonts, bold, b->size, b->min_size, x_date, *y, x_what - x_date, ALIGN_LEFT, T(c, "col.date"));
	text_line(c->dl, c->fonts, bold, b->size, b->min_size, x_what, *y, x_amt - x_what - 90, ALIGN_LEFT, what_col);
	text_line(c->dl, c->fonts, bold, b->size, b->min_size, x_amt, *y, 90, ALIGN_RIGHT, T(c, "col.amount"));
	*y -= row_h;
	for (i = 0; i < rows->n; i++) {
		const struct money_row *r = &rows->v[i];

		if (doc_room(c, y, row_h * 2))
			*y -= row_h * 0.5f;
		doc_date(c, date, sizeof(date), r->date);
		text_line(c->dl, c->fonts, b->face, b->size, b->min_size, x_date, *y, x_what - x_date - 4, ALIGN_LEFT, date);
		text_line(c->dl, c->fonts, b->face, b->size, b->min_size, x_what, *y, x_amt - x_what - 90, ALIGN_LEFT,
			  code_label(c, prefix, r->what, key, sizeof(key)));
		text_line(c->dl, c->fonts, b->face, b->size, b->min_size, x_amt, *y, 90, ALIGN_RIGHT,
			  doc_money(amt, sizeof(amt), r->amount));
		sum += r->amount;
		*y -= row_h;
	}
	doc_room(c, y, row_h * 2);
	dl_line(c->dl, x_amt - 90, *y + row_h - 3, x_amt, *y + row_h - 3, 0.5f, 0);
	text_line(c->dl, c->fonts, bold, b->size, b->min_size, x_what, *y, x_amt - x_what - 90, ALIGN_LEFT, total_label);
	text_line(c->dl, c->fonts, bold, b->size, b->min_size, x_amt, *y, 90, ALIGN_RIGHT,
		  doc_money(amt, sizeof(amt), sum));
	*y -= row_h * 1.5f;
}

int doc_notice(struct doc_ctx *c, struct ng_err *err)
{
	const struct box *body = layout_box(c->L, "notice", "body");
	const char *months[12];
	char month[64], buf[3][400];
	struct i18n_arg m = { "month", month };
	float y;

	i18n_month_names(c->i18n, c->lang, months);
	dates_format(month, sizeof(month), c->cf->month.from, T(c, "fmt.month_year"), months);
	if (doc_frame(c, &y, err))
		return -1;
	if (text_para(c->dl, c->fonts, body, body->face, body->size, body->leading, &y,
		      Tf(c, buf[0], sizeof(buf[0]), "notice.intro", &m, 1)))
		return ng_fail(err, NG_ECONFIG, "the notice's introduction does not fit its box");
	y -= body->leading * 0.5f;
	money_table(c, &y, Tf(c, buf[1], sizeof(buf[1]), "notice.collected", &m, 1), T(c, "col.source"),
		    "src", &c->cf->collected, Tf(c, buf[2], sizeof(buf[2]), "notice.none_collected", &m, 1),
		    T(c, "notice.total_collected"));
	money_table(c, &y, Tf(c, buf[1], sizeof(buf[1]), "notice.disbursed", &m, 1), T(c, "col.method"),
		    "method", &c->cf->disbursed, Tf(c, buf[2], sizeof(buf[2]), "notice.none_disbursed", &m, 1),
		    T(c, "notice.total_disbursed"));
	{
		struct i18n_arg h[] = { { "phone", c->cfg->phone }, { "tty", c->cfg->tty } };

		doc_room(c, &y, body->leading * 2);
		text_para(c->dl, c->fonts, body, body->face, body->size, body->leading, &y,
			  Tf(c, buf[0], sizeof(buf[0]), "help", h, 2));
	}
	return 0;
}
