#include "layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"

#define MAX_BOXES 96
#define MAX_NUMS 64

struct named_box {
	char doc[16], name[32];
	struct box box;
};

struct named_num {
	char doc[16], key[32];
	float v;
};

#define BOX_SLOTS 256                   /* a power of two, over twice MAX_BOXES */

struct layout {
	float page_w, page_h;
	int nbox, nnum;
	struct named_box box[MAX_BOXES];
	unsigned char slot[BOX_SLOTS];      /* box index + 1 by hash of (doc, name); 0: none */
	struct named_num num[MAX_NUMS];
};

static const char *const docs[] = { "notice", "statement", "coupon", "pinletter" };

/* The boxes and numbers the builders use: checked at load, so a lookup never fails mid-run. */
static const char *const need_boxes[] = {
	"common.letterhead", "common.return_address", "common.address", "common.info",
	"common.title", "common.body", "common.footer", "common.portal_qr", "common.continued",
	"common.imb", "common.sheet_mark",
	"statement.table", "notice.table", "coupon.stub", "coupon.scanline", "coupon.amount",
	"pinletter.pin", "pinletter.qr_register", "pinletter.qr_link", "pinletter.body",
	"pinletter.after",
};
static const char *const need_nums[] = {
	"statement.row_h", "statement.col_date", "statement.col_what", "statement.col_charged",
	"statement.col_paid", "statement.col_amount",
	"notice.row_h", "notice.col_date", "notice.col_what", "notice.col_amount",
	"coupon.cut_y",
};

/* A document asks for its boxes by name, many times a page: hashed, not searched. */
static unsigned box_hash(const char *doc, const char *name)
{
	unsigned h = 2166136261u;

	for (; *doc; doc++)
		h = (h ^ (unsigned char)*doc) * 16777619u;
	h = (h ^ 0xFFu) * 16777619u;
	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* The slot of (doc, name): its box's, or the empty one where it would go. */
static unsigned box_slot(const struct layout *L, const char *doc, const char *name)
{
	unsigned i = box_hash(doc, name) & (BOX_SLOTS - 1);

	for (; L->slot[i]; i = (i + 1) & (BOX_SLOTS - 1)) {
		const struct named_box *nb = &L->box[L->slot[i] - 1];

		if (!strcmp(nb->doc, doc) && !strcmp(nb->name, name))
			break;
	}
	return i;
}

static const struct box *find(const struct layout *L, const char *doc, const char *name)
{
	unsigned i = box_slot(L, doc, name);

	return L->slot[i] ? &L->box[L->slot[i] - 1].box : NULL;
}

static int read_box(struct layout *L, const struct ini *ini, const char *doc, const char *sec,
		    struct fonts *fonts, struct ng_err *err)
{
	struct named_box *nb;
	struct box *b;
	double x, y, w, h, size, min_size, leading;
	long lines;
	const char *face;
	char k[96];

	if (L->nbox == MAX_BOXES)
		return ng_fail(err, NG_ECONFIG, "%s: more than %d boxes", ini_path(ini), MAX_BOXES);
	nb = &L->box[L->nbox];
	b = &nb->box;
#define NUM(key, lo, hi, def, req, out) \
	(snprintf(k, sizeof(k), "%s:" key, sec), ini_num(ini, k, lo, hi, def, req, out, err))
	if (NUM("x", 0, L->page_w, 0, 1, &x) || NUM("y", 0, L->page_h, 0, 1, &y) ||
	    NUM("w", 0, L->page_w, 0, 1, &w) || NUM("h", 0, L->page_h, 0, 1, &h) ||
	    NUM("size", 4, 72, 10, 0, &size) || NUM("min_size", 4, 72, size, 0, &min_size) ||
	    NUM("leading", 4, 100, size * 1.3, 0, &leading))
		return -1;
#undef NUM
	snprintf(k, sizeof(k), "%s:max_lines", sec);
	if (ini_long(ini, k, 0, 200, 0, 0, &lines, err))
		return -1;
	if (x + w > L->page_w + 0.01 || y + h > L->page_h + 0.01)
		return ng_fail(err, NG_ECONFIG,
			       "%s: [%s] reaches outside the %gx%g-point page (x+w = %g, y+h = %g); "
			       "move or shrink the box", ini_path(ini), sec, L->page_w, L->page_h, x + w, y + h);
	if (min_size > size)
		return ng_fail(err, NG_ECONFIG, "%s: [%s] min_size %g is larger than size %g",
			       ini_path(ini), sec, min_size, size);
	snprintf(k, sizeof(k), "%s:font", sec);
	face = ini_str_or(ini, k, "latin.regular");
	b->face = fonts_find(fonts, face);
	if (b->face < 0)
		return ng_fail(err, NG_ECONFIG,
			       "%s: [%s] font = %s: no such face in the fonts file; use script.style, e.g. latin.bold",
			       ini_path(ini), sec, face);
	b->x = (float)x; b->y = (float)y; b->w = (float)w; b->h = (float)h;
	b->top = L->page_h - b->y;
	b->bottom = b->top - b->h;
	b->size = (float)size;
	b->min_size = (float)min_size;
	b->leading = (float)leading;
	b->max_lines = (int)lines;
	snprintf(nb->doc, sizeof(nb->doc), "%s", doc);
	snprintf(nb->name, sizeof(nb->name), "%s", sec);
	L->nbox++;
	L->slot[box_slot(L, nb->doc, nb->name)] = (unsigned char)L->nbox;
	return 0;
}

/* Reads the numbers of a document's own [doc] section (table columns, cut line...). */
static int read_nums(struct layout *L, const struct ini *ini, const char *doc, struct ng_err *err)
{
	size_t i;

	for (i = 0; i < sizeof(need_nums) / sizeof(*need_nums); i++) {
		const char *dot = strchr(need_nums[i], '.');
		char k[96];
		double v;

		if (strncmp(need_nums[i], doc, (size_t)(dot - need_nums[i])) || doc[dot - need_nums[i]])
			continue;
		if (L->nnum == MAX_NUMS)
			return ng_fail(err, NG_ECONFIG, "too many layout numbers");
		snprintf(k, sizeof(k), "%s:%s", doc, dot + 1);
		if (ini_num(ini, k, 0, 2000, 0, 1, &v, err))
			return -1;
		snprintf(L->num[L->nnum].doc, sizeof(L->num[0].doc), "%s", doc);
		snprintf(L->num[L->nnum].key, sizeof(L->num[0].key), "%s", dot + 1);
		L->num[L->nnum++].v = (float)v;
	}
	return 0;
}

static int read_file(struct layout *L, const char *dir, const char *doc, struct fonts *fonts,
		     struct ng_err *err)
{
	char path[4096];
	struct ini *ini;
	int i, ret = -1;

	snprintf(path, sizeof(path), "%s/%s.ini", dir, doc);
	ini = ini_load(path, err);
	if (!ini)
		return -1;
	if (!strcmp(doc, "common")) {
		double w, h;

		if (ini_num(ini, "page:width", 144, 2000, 0, 1, &w, err) ||
		    ini_num(ini, "page:height", 144, 2000, 0, 1, &h, err))
			goto cleanup;
		L->page_w = (float)w;
		L->page_h = (float)h;
	}
	for (i = 0; i < ini_nsections(ini); i++) {
		const char *sec = ini_section(ini, i);

		if (!strcmp(sec, "page") || !strcmp(sec, doc))
			continue;
		if (read_box(L, ini, doc, sec, fonts, err))
			goto cleanup;
	}
	if (read_nums(L, ini, doc, err))
		goto cleanup;
	ret = 0;
cleanup:
	ini_free(ini);
	return ret;
}

struct layout *layout_load(const char *dir, struct fonts *fonts, struct ng_err *err)
{
	struct layout *L = calloc(1, sizeof(*L));
	size_t i;

	if (!L) {
		ng_fail(err, NG_EINTERNAL, "out of memory");
		return NULL;
	}
	if (read_file(L, dir, "common", fonts, err))
		goto fail;
	for (i = 0; i < sizeof(docs) / sizeof(*docs); i++)
		if (read_file(L, dir, docs[i], fonts, err))
			goto fail;
	for (i = 0; i < sizeof(need_boxes) / sizeof(*need_boxes); i++) {
		char doc[16];
		const char *dot = strchr(need_boxes[i], '.');

		snprintf(doc, sizeof(doc), "%.*s", (int)(dot - need_boxes[i]), need_boxes[i]);
		if (!find(L, doc, dot + 1)) {
			ng_fail(err, NG_ECONFIG, "%s/%s.ini: missing section [%s]; add it with x, y, w, h",
				dir, doc, dot + 1);
			goto fail;
		}
	}
	return L;
fail:
	free(L);
	return NULL;
}

void layout_free(struct layout *L)
{
	free(L);
}

float layout_page_w(const struct layout *L)
{
	return L->page_w;
}

float layout_page_h(const struct layout *L)
{
	return L->page_h;
}

const struct box *layout_box(const struct layout *L, const char *doc, const char *name)
{
	static const struct box none;
	const struct box *b = find(L, doc, name);

	if (!b)
		b = find(L, "common", name);
	return b ? b : &none;
}

float layout_num(const struct layout *L, const char *doc, const char *key)
{
	int i;

	for (i = 0; i < L->nnum; i++)
		if (!strcmp(L->num[i].doc, doc) && !strcmp(L->num[i].key, key))
			return L->num[i].v;
	return 0;
}
