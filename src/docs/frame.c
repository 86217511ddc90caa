/*
 * frame.c - the parts every document shares: letterhead, return address,
 * the recipient's address in the envelope window, case information, the
 * portal QR code, headings and "page x of y" footers.
 */
#include "doc.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

const char *const doc_names[DOC_TYPES] = { "notice", "statement", "coupon", "pinletter" };

const char *T(struct doc_ctx *c, const char *key)
{
	return i18n_get(c->i18n, c->lang, key);
}

const char *Tf(struct doc_ctx *c, char *buf, size_t cap, const char *key,
	       const struct i18n_arg *args, size_t nargs)
{
	i18n_expand(buf, cap, T(c, key), args, nargs);
	return buf;
}

const char *doc_date(struct doc_ctx *c, char *buf, size_t cap, struct ng_date d)
{
	/* Only the date's own month is looked up: a statement formats a date per row. */
	const char *months[12] = { NULL };

	if (d.m >= 1 && d.m <= 12)
		months[d.m - 1] = i18n_month_name(c->i18n, c->lang, d.m);
	dates_format(buf, cap, d, T(c, "fmt.date_long"), months);
	return buf;
}

const char *doc_money(char *buf, size_t cap, ng_cents v)
{
	money_format(buf, cap, v);
	return buf;
}

static int is_zip(const char *z)
{
	int i;

	for (i = 0; i < 5; i++)
		if (!isdigit((unsigned char)z[i]))
			return 0;
	if (z[5] == '\0')
		return 1;
	if (z[5] != '-')
		return 0;
	for (i = 6; i < 10; i++)
		if (!isdigit((unsigned char)z[i]))
			return 0;
	return z[10] == '\0';
}

/* USPS state, district, territory and military codes (Publication 28, appendix B). */
static int is_us_state(const char *s)
{
	static const char codes[] =
		"AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH "
		"NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI FM MH PW AA AE AP";
	const char *at;

	if (strlen(s) != 2)
		return 0;
	for (at = strstr(codes, s); at; at = strstr(at + 1, s))
		if ((at - codes) % 3 == 0)
			return 1;
	return 0;
}

const char *doc_address_problem(const struct party *p)
{
	static char why[128];    /* one process, one case at a time: valid until the next call */

	if (!p->addr1[0])
		return "no street address";
	if (!strcmp(p->country, "US") || !p->country[0]) {
		if (!p->city[0] || !p->state[0])
			return "no city or state";
		if (!is_us_state(p->state)) {
			snprintf(why, sizeof(why), "state '%.8s' is not a US state or territory: a foreign "
				 "address needs its country (parties.country)", p->state);
			return why;
		}
		if (!is_zip(p->zip))
			return "no valid ZIP code (12345 or 12345-6789)";
	} else if (!p->city[0]) {
		return "no city";
	}
	return NULL;
}

/* The address block: each line shrinks to fit the window's width, never below min_size. */
static int draw_address(struct doc_ctx *c, struct ng_err *err)
{
	const struct box *b = layout_box(c->L, c->name, "address");
	const struct party *p = c->to;
	char last[160];
	const char *lines[6];
	int n = 0, i;
	float y, size = b->size, s;

	snprintf(last, sizeof(last), "%s, %s %s", p->city, p->state, p->zip);
	lines[n++] = p->name;
	lines[n++] = p->addr1;
	if (p->addr2[0])
		lines[n++] = p->addr2;
	lines[n++] = last;
	if (p->country[0] && strcmp(p->country, "US"))
		lines[n++] = p->country;
	if (b->max_lines && n > b->max_lines)
		return ng_fail(err, NG_EDATA, "the address has %d lines; the window holds %d", n, b->max_lines);
	/* One size for the whole block: the smallest any line needs. */
	for (i = 0; i < n; i++) {
		s = text_fit(c->fonts, b->face, b->size, b->min_size, b->w, lines[i]);
		if (s == 0)
			return ng_fail(err, NG_EDATA, "address line '%.40s' is too long for the envelope window",
				       lines[i]);
		if (s < size)
			size = s;
	}
	if (n * b->leading * size / b->size > b->h)
		return ng_fail(err, NG_EDATA, "the address is too tall for the envelope window");
	y = b->top - size;
	for (i = 0; i < n; i++, y -= b->leading * size / b->size)
		dl_text(c->dl, b->face, size, b->x, y, lines[i], strlen(lines[i]), 0);
	return 0;
}

/* Case number, county, date, the recipient's role; the last four of the SSN on PIN letters. */
static void draw_info(struct doc_ctx *c)
{
	const struct box *b = layout_box(c->L, c->name, "info");
	char date[64], buf[4][160];
	const char *lines[5];
	int n = 0, i;
	float y = b->top - b->size;

	doc_date(c, date, sizeof(date), c->run);
	lines[n++] = Tf(c, buf[0], sizeof(buf[0]), "info.case", &(struct i18n_arg){ "case", c->cf->id }, 1);
	lines[n++] = Tf(c, buf[1], sizeof(buf[1]), "info.county", &(struct i18n_arg){ "county", c->cf->county }, 1);
	lines[n++] = Tf(c, buf[2], sizeof(buf[2]), "info.date", &(struct i18n_arg){ "date", date }, 1);
	lines[n++] = T(c, c->to->role == ROLE_CP ? "info.role.cp" : "info.role.ncp");
	if (c->type == DOC_PINLETTER && c->to->ssn4[0])
		lines[n++] = Tf(c, buf[3], sizeof(buf[3]), "info.ssn", &(struct i18n_arg){ "last4", c->to->ssn4 }, 1);
	for (i = 0; i < n; i++, y -= b->leading)
		text_line(c->dl, c->fonts, b->face, b->size, b->min_size, b->x, y, b->w, ALIGN_LEFT, lines[i]);
}

/* The portal's address with the recipient's language, so they land on the page in it. */
static void draw_portal_qr(struct doc_ctx *c)
{
	const struct box *b = layout_box(c->L, c->name, "portal_qr");
	char url[600];
	const char *caption = T(c, "qr.portal");

	snprintf(url, sizeof(url), "%s%slang=%s", c->cfg->url_portal,
		 strchr(c->cfg->url_portal, '?') ? "&" : "?", c->to->lang);
	dl_qr(c->dl, b->x, b->bottom, b->w, url);
	text_line(c->dl, c->fonts, layout_box(c->L, c->name, "return_address")->face, 7, 5,
		  b->x, b->bottom - 8, b->w, ALIGN_CENTER, caption);
}

int doc_frame(struct doc_ctx *c, float *y, struct ng_err *err)
{
	const struct box *lh = layout_box(c->L, c->name, "letterhead");
	const struct box *ra = layout_box(c->L, c->name, "return_address");
	const struct box *ti = layout_box(c->L, c->name, "title");
	float ry = ra->top - ra->size;
	int i;

	dl_page(c->dl);
	text_line(c->dl, c->fonts, lh->face, lh->size, lh->min_size, lh->x, lh->top - lh->size,
		  lh->w, ALIGN_LEFT, c->cfg->agency[0]);
	for (i = 1; i < CFG_LINES; i++) {
		if (!c->cfg->agency[i][0])
			continue;
		text_line(c->dl, c->fonts, ra->face, ra->size, ra->min_size, ra->x, ry, ra->w,
			  ALIGN_LEFT, c->cfg->agency[i]);
		ry -= ra->leading;
	}
	draw_info(c);
	if (draw_address(c, err))
		return -1;
	draw_portal_qr(c);
	if (!text_line(c->dl, c->fonts, ti->face, ti->size, ti->min_size, ti->x, ti->top - ti->size,
		       ti->w, ALIGN_LEFT, c->title))
		return ng_fail(err, NG_ECONFIG, "the title '%s' does not fit the layout's [title] box", c->title);
	*y = layout_box(c->L, c->name, "body")->top - layout_box(c->L, c->name, "body")->size;
	return 0;
}

float doc_next_page(struct doc_ctx *c)
{
	const struct box *lh = layout_box(c->L, c->name, "letterhead");
	const struct box *co = layout_box(c->L, c->name, "continued");
	char buf[320];

	dl_page(c->dl);
	Tf(c, buf, sizeof(buf), "continued", &(struct i18n_arg){ "title", c->title }, 1);
	text_line(c->dl, c->fonts, lh->face, lh->size, lh->min_size, lh->x, lh->top - lh->size,
		  lh->w, ALIGN_LEFT, buf);
	return co->top - co->size;
}

/*
 * Footers on pages from..to-1, one language's part: each part is numbered
 * on its own ("Page 1 of 1", then the translation's "1 of 1"), as a
 * reader of either language sees one whole document.
 */
void doc_footers(struct doc_ctx *c, int from, int to)
{
	const struct box *f = layout_box(c->L, c->name, "footer");
	char page[12], pages[12], buf[400];
	int p, n = c->dl->npages;

	snprintf(pages, sizeof(pages), "%d", to - from);
	for (p = from; p < to; p++) {
		struct i18n_arg a[] = { { "case", c->cf->id }, { "title", c->title },
					{ "page", page }, { "pages", pages } };

		snprintf(page, sizeof(page), "%d", p - from + 1);
		Tf(c, buf, sizeof(buf), "footer", a, 4);
		/* Items carry their page: draw the footer as if on page p. */
		c->dl->npages = p + 1;
		text_line(c->dl, c->fonts, f->face, f->size, f->min_size, f->x, f->top - f->size,
			  f->w, ALIGN_CENTER, buf);
	}
	c->dl->npages = n;
}

int doc_room(struct doc_ctx *c, float *y, float h)
{
	const struct box *b = layout_box(c->L, c->name, c->dl->npages > 1 ? "continued" : "body");

	if (*y - h >= b->bottom)
		return 0;
	*y = doc_next_page(c);
	return 1;
}

void doc_heading(struct doc_ctx *c, const struct box *b, float *y, const char *s)
{
	int bold = fonts_find(c->fonts, "latin.bold");

	*y -= b->leading * 0.4f;
	text_line(c->dl, c->fonts, bold >= 0 ? bold : b->face, b->size + 1, b->min_size, b->x, *y,
		  b->w, ALIGN_LEFT, s);
	*y -= b->leading * 1.2f;
}

/* Sets the language of what is drawn next: its strings, its script's fonts, its direction. */
static void use_language(struct doc_ctx *c, const char *lang, enum doc_type type)
{
	static const char *const titles[DOC_TYPES] = {
		"notice.title", "statement.title", "coupon.title", "pin.title",
	};
	const struct i18n_lang *l = i18n_lang(c->i18n, lang);

	c->lang = lang;
	fonts_use(c->fonts, l ? l->script : NULL, l ? l->rtl : 0);
	snprintf(c->title, sizeof(c->title), "%s", T(c, titles[type]));
}

const char *doc_language(const struct doc_ctx *c, const struct party *to)
{
	const struct i18n_lang *l = i18n_lang(c->i18n, to->lang);

	/* A language gets its part only when its catalog and its script's font are there. */
	if (!l || !strcmp(to->lang, "en") ||
	    (strcmp(l->script, "latin") && strcmp(l->script, "cyrillic") && !fonts_has_script(c->fonts, l->script)))
		return "en";
	return to->lang;
}

/* Text that fitted nowhere makes the document an exception rather than print it incomplete. */
static int lost_text(struct doc_ctx *c, struct ng_err *err)
{
	if (!c->dl->lost)
		return 0;
	return ng_fail(err, NG_EDATA, "'%s' does not fit its box in layouts/%s.ini even at the smallest "
		       "size allowed (%d such text)", c->dl->lost_text, c->name, c->dl->lost);
}

int doc_build(struct doc_ctx *c, enum doc_type type, const struct case_facts *cf,
	      const struct party *to, struct ng_err *err)
{
	static int (*const build[DOC_TYPES])(struct doc_ctx *, struct ng_err *) = {
		doc_notice, doc_statement, doc_coupon, doc_pinletter,
	};
	const char *lang = doc_language(c, to);
	int english_pages, ret = -1;

	dl_reset(c->dl);
	c->type = type;
	c->name = doc_names[type];
	c->cf = cf;
	c->to = to;
	/* English first, then the same document in the recipient's language, as the agency's flyers are. */
	use_language(c, "en", type);
	if (build[type](c, err) || lost_text(c, err))
		goto done;
	english_pages = c->dl->npages;
	doc_footers(c, 0, english_pages);
	if (strcmp(lang, "en")) {
		use_language(c, lang, type);
		if (build[type](c, err) || lost_text(c, err)) {
			ng_err_prefix(err, "the %s part", lang);
			goto done;
		}
		doc_footers(c, english_pages, c->dl->npages);
	}
	ret = 0;
done:
	fonts_use(c->fonts, NULL, 0);
	c->lang = "en";
	return ret;
}
