/*
 * coupon.c - the payment coupon, to a noncustodial parent who pays the
 * agency directly: what is due and when, and below a cut line a stub to
 * return with the payment, with the remittance address and a scan line in
 * OCR-A for the lockbox.
 *
 * Scan line: "KKKKKKKKKK AAAAAAAAAA YYYYMMDD C" - the case key (10 digits,
 * zero-filled; the case identifier has letters, the key does not), the
 * amount due in cents (10 digits, zero-filled), the due date, and a Luhn
 * mod-10 check digit over the 28 digits before it.
 */
#include "doc.h"

#include <stdio.h>
#include <string.h>

#include "money.h"

int coupon_check_digit(const char *s)
{
	size_t n = strlen(s), i;
	int sum = 0, dbl = 1;

	for (i = n; i-- > 0;) {
		int d;

		if (s[i] < '0' || s[i] > '9')
			continue;
		d = s[i] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
		dbl = !dbl;
	}
	return (10 - sum % 10) % 10;
}

/* The scan line for case key, amount and due date, into buf (at least 40 bytes). */
static int scan_line(char *buf, size_t cap, int64_t key, ng_cents amount, struct ng_date due)
{
	char k[16], a[16];

	if (key < 0 || key > 9999999999LL || !money_format_digits(a, sizeof(a), amount, 10))
		return -1;
	snprintf(k, sizeof(k), "%010lld", (long long)key);
	snprintf(buf, cap, "%s %s %04d%02d%02d ", k, a, due.y, due.m, due.d);
	snprintf(buf + strlen(buf), cap - strlen(buf), "%d", coupon_check_digit(buf));
	return 0;
}

static void amount_line(struct doc_ctx *c, const struct box *b, float *y, int face, const char *label,
			ng_cents v)
{
	char amt[32];

	text_line(c->dl, c->fonts, face, b->size, b->min_size, b->x, *y, 280, ALIGN_LEFT, label);
	text_line(c->dl, c->fonts, face, b->size, b->min_size, b->x + 500, *y, 120, ALIGN_RIGHT,
		  doc_money(amt, sizeof(amt), v));
	*y -= b->leading;
}

/*
 * The stub's amount due: its label where the lines above start, the amount
 * in the 100 points past the label's 200, on the side a reader comes to
 * second. Right-to-left the label hangs from the lines' right edge and the
 * amount stands to its left; the two never share a point.
 */
static void stub_amount(struct doc_ctx *c, const struct box *st, int bold, float y, const char *amt)
{
	const char *label = T(c, "coupon.amount_due");

	if (fonts_rtl(c->fonts)) {
		text_line(c->dl, c->fonts, bold, st->size, st->min_size, st->x + 100, y, 200, ALIGN_LEFT, label);
		text_line(c->dl, c->fonts, bold, st->size, st->min_size, st->x, y, 100, ALIGN_LEFT, amt);
	} else {
		text_line(c->dl, c->fonts, bold, st->size, st->min_size, st->x, y, 200, ALIGN_LEFT, label);
		text_line(c->dl, c->fonts, bold, st->size, st->min_size, st->x + 300, y, 100, ALIGN_RIGHT, amt);
	}
}

static void draw_stub(struct doc_ctx *c, ng_cents due_amt, const char *due)
{
	const struct box *st = layout_box(c->L, "coupon", "stub");
	const struct box *am = layout_box(c->L, "coupon", "amount");
	const struct box *sc = layout_box(c->L, "coupon", "scanline");
	int bold = fonts_find(c->fonts, "latin.bold");
	float cut = layout_page_h(c->L) - layout_num(c->L, "coupon", "cut_y");
	float y = st->top - st->size;
	char buf[320], amt[32], line[48];
	int i;

	dl_line(c->dl, 18, cut, layout_page_w(c->L) - 18, cut, 0.75f, DL_DASHED);
	text_line(c->dl, c->fonts, st->face, 7, 6, st->x, cut + 4, st->w, ALIGN_CENTER, T(c, "coupon.detach"));
	text_line(c->dl, c->fonts, bold, st->size + 1, st->min_size, st->x, y, st->w, ALIGN_LEFT,
		  T(c, "coupon.stub_title"));
	y -= st->leading * 1.4f;
	text_line(c->dl, c->fonts, st->face, st->size, st->min_size, st->x, y, 300, ALIGN_LEFT,
		  Tf(c, buf, sizeof(buf), "info.case", &(struct i18n_arg){ "case", c->cf->id }, 1));
	y -= st->leading;
	text_line(c->dl, c->fonts, st->face, st->size, st->min_size, st->x, y, 300, ALIGN_LEFT,
		  Tf(c, buf, sizeof(buf), "coupon.from", &(struct i18n_arg){ "name", c->to->name }, 1));
	y -= st->leading;
	text_line(c->dl, c->fonts, st->face, st->size, st->min_size, st->x, y, 300, ALIGN_LEFT,
		  Tf(c, buf, sizeof(buf), "coupon.due_date", &(struct i18n_arg){ "date", due }, 1));
	y -= st->leading;
	stub_amount(c, st, bold, y, doc_money(amt, sizeof(amt), due_amt));
	y -= st->leading * 1.5f;
	text_line(c->dl, c->fonts, st->face, st->size, st->min_size, st->x, y, 300, ALIGN_LEFT, T(c, "coupon.pay_to"));
	y -= st->leading;
	for (i = 0; i < CFG_LINES; i++) {
		if (!c->cfg->remit[i][0])
			continue;
		text_line(c->dl, c->fonts, st->face, st->size, st->min_size, st->x + 12, y, 300, ALIGN_LEFT,
			  c->cfg->remit[i]);
		y -= st->leading;
	}
	/* The payer writes what they enclose here. */
	text_line(c->dl, c->fonts, am->face, am->size, am->min_size, am->x, am->top + 4, am->w,
		  ALIGN_LEFT, T(c, "coupon.enclosed"));
	dl_rect(c->dl, am->x, am->bottom, am->w, am->h, 0, 0.75f, DL_STROKE);
	text_line(c->dl, c->fonts, am->face, am->size + 3, am->min_size, am->x + 6, am->bottom + am->h / 2 - 4,
		  20, ALIGN_LEFT, "$");
	if (scan_line(line, sizeof(line), c->cf->key, due_amt, c->cf->due) == 0)
		text_line(c->dl, c->fonts, sc->face, sc->size, sc->min_size, sc->x + sc->w, sc->bottom + 6,
			  sc->w, ALIGN_RIGHT, line);
}

int doc_coupon(struct doc_ctx *c, struct ng_err *err)
{
	const struct box *body = layout_box(c->L, "coupon", "body");
	const struct case_facts *cf = c->cf;
	int bold = fonts_find(c->fonts, "latin.bold");
	ng_cents due_amt = cf->current + cf->past_due;
	char due[64], buf[320], line[48];
	float y;

	if (due_amt <= 0)
		return ng_fail(err, NG_EDATA, "nothing is due on the coupon (credit covers it)");
	if (scan_line(line, sizeof(line), cf->key, due_amt, cf->due) != 0)
		return ng_fail(err, NG_EDATA, "the case key or amount does not fit the scan line");
	doc_date(c, due, sizeof(due), cf->due);
	if (doc_frame(c, &y, err))
		return -1;
	if (text_para(c->dl, c->fonts, body, body->face, body->size, body->leading, &y, T(c, "coupon.intro")))
		return ng_fail(err, NG_ECONFIG, "the coupon's introduction does not fit its box");
	y -= body->leading;
	amount_line(c, body, &y, body->face,
		    Tf(c, buf, sizeof(buf), "coupon.current", &(struct i18n_arg){ "date", due }, 1), cf->current);
	amount_line(c, body, &y, body->face, T(c, cf->past_due < 0 ? "coupon.credit" : "coupon.past_due"),
		    cf->past_due);
	dl_line(c->dl, body->x + 400, y + body->leading - 3, body->x + 500, y + body->leading - 3, 0.5f, 0);
	amount_line(c, body, &y, bold, T(c, "coupon.amount_due"), due_amt);
	text_line(c->dl, c->fonts, body->face, body->size, body->min_size, body->x, y, body->w, ALIGN_LEFT,
		  Tf(c, buf, sizeof(buf), "coupon.due_date", &(struct i18n_arg){ "date", due }, 1));
	draw_stub(c, due_amt, due);
	return 0;
}
