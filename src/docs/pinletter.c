/*
 * pinletter.c - the letter that carries a parent's account PIN, with the
 * agency flyer's instructions and QR codes to the NY.gov registration and
 * account-linking pages.
 *
 * The PIN is drawn in the sheet's middle third: the top third shows through
 * the envelope window, and a fold would crease the digits. The clear PIN is
 * in c->pin only while this runs; the caller wipes it.
 */
#include "doc.h"

#include <stdio.h>
#include <string.h>

/* A QR code with its title and text beside it. */
static void qr_block(struct doc_ctx *c, const struct box *q, const char *url, const char *title,
		     const char *body)
{
	int bold = fonts_find(c->fonts, "latin.bold");
	struct box side = *q;
	float y;

	dl_qr(c->dl, q->x, q->bottom, q->w, url);
	side.x = q->x + q->w + 8;
	side.w = 260 - q->w - 8;
	side.bottom = q->bottom;
	y = q->top - q->size - 4;
	text_para(c->dl, c->fonts, &side, bold, q->size, q->leading, &y, title);
	text_para(c->dl, c->fonts, &side, q->face, q->size, q->leading, &y, body);
}

/* Paragraphs in a fixed box, shrunk together until they fit. */
static int paras(struct doc_ctx *c, const struct box *b, const char *const *s, const int *bold, int n,
		 struct ng_err *err)
{
	int bface = fonts_find(c->fonts, "latin.bold");
	float size = text_fit_paras(c->fonts, b, b->face, s, n, 0.3f), leading, y;
	int i;

	if (size == 0)
		return ng_fail(err, NG_ECONFIG, "the PIN letter's text does not fit the layout's box at %g pt",
			       b->min_size);
	leading = b->leading * size / b->size;
	y = b->top - size;
	for (i = 0; i < n; i++) {
		if (text_para(c->dl, c->fonts, b, bold[i] ? bface : b->face, size, leading, &y, s[i]))
			return ng_fail(err, NG_ECONFIG, "the PIN letter's text does not fit its box");
		y -= leading * 0.3f;
	}
	return 0;
}

int doc_pinletter(struct doc_ctx *c, struct ng_err *err)
{
	const struct box *pin = layout_box(c->L, "pinletter", "pin");
	const struct box *body = layout_box(c->L, "pinletter", "body");
	const struct box *after = layout_box(c->L, "pinletter", "after");
	const char *mid[6], *end[3];
	int mid_bold[6] = { 0, 0, 0, 1, 0, 1 }, end_bold[3] = { 1, 1, 0 };
	char label[200];
	float y;

	if (!c->pin || strlen(c->pin) != 5)
		return ng_fail(err, NG_ESECRET, "no PIN to print");
	if (doc_frame(c, &y, err))
		return -1;
	/* The PIN, boxed, in the middle third. */
	dl_rect(c->dl, pin->x, pin->bottom, pin->w, pin->h, 0.93f, 1, DL_FILL | DL_STROKE);
	snprintf(label, sizeof(label), "%s", T(c, "pin.label"));
	text_line(c->dl, c->fonts, body->face, 9, 7, pin->x + 10, pin->top - 14, pin->w - 20, ALIGN_LEFT, label);
	text_line(c->dl, c->fonts, pin->face, pin->size, pin->min_size, pin->x, pin->bottom + 10, pin->w,
		  ALIGN_CENTER, c->pin);
	mid[0] = T(c, "pin.keep");
	mid[1] = T(c, "pin.intro");
	mid[2] = T(c, c->to->role == ROLE_CP ? "pin.services.cp" : "pin.services.ncp");
	mid[3] = T(c, "pin.step1.title");
	mid[4] = T(c, "pin.step1.body");
	mid[5] = T(c, "pin.step2.title");
	if (paras(c, body, mid, mid_bold, 6, err))
		return -1;
	qr_block(c, layout_box(c->L, "pinletter", "qr_register"), c->cfg->url_register,
		 T(c, "pin.register.title"), T(c, "pin.register.body"));
	qr_block(c, layout_box(c->L, "pinletter", "qr_link"), c->cfg->url_link,
		 T(c, "pin.link.title"), T(c, "pin.link.body"));
	end[0] = T(c, "pin.step3.title");
	end[1] = T(c, "pin.questions.title");
	end[2] = T(c, "pin.questions.body");
	return paras(c, after, end, end_bold, 3, err);
}
