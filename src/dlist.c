#include "dlist.h"

#include <stdlib.h>
#include <string.h>

void dl_init(struct dlist *dl, float page_w, float page_h)
{
	memset(dl, 0, sizeof(*dl));
	dl->page_w = page_w;
	dl->page_h = page_h;
}

void dl_release(struct dlist *dl)
{
	free(dl->item);
	free(dl->arena);
	memset(dl, 0, sizeof(*dl));
}

void dl_reset(struct dlist *dl)
{
	dl->n = 0;
	dl->alen = 0;
	dl->npages = 0;
	dl->oom = 0;
	dl->lost = 0;
	dl->lost_text[0] = '\0';
}

void dl_wipe(struct dlist *dl)
{
	if (dl->arena)
		explicit_bzero(dl->arena, dl->acap);
	dl_reset(dl);
}

int dl_page(struct dlist *dl)
{
	return dl->npages++;
}

static struct dl_item *push(struct dlist *dl, enum dl_kind kind)
{
	struct dl_item *it;

	if (dl->npages == 0)
		dl->npages = 1;
	if (dl->n == dl->cap) {
		size_t cap = dl->cap ? dl->cap * 2 : 256;
		struct dl_item *p = realloc(dl->item, cap * sizeof(*p));

		if (!p) {
			dl->oom = 1;
			return NULL;
		}
		dl->item = p;
		dl->cap = cap;
	}
	it = &dl->item[dl->n++];
	memset(it, 0, sizeof(*it));
	it->kind = (uint8_t)kind;
	it->page = (uint16_t)(dl->npages - 1);
	return it;
}

/* Copies s into the arena (NUL-terminated, for the PDF library); returns its offset. */
static int keep_str(struct dlist *dl, const char *s, size_t len, uint32_t *off)
{
	if (dl->alen + len + 1 > dl->acap) {
		size_t cap = dl->acap ? dl->acap : 4096;
		char *p;

		while (dl->alen + len + 1 > cap)
			cap *= 2;
		p = realloc(dl->arena, cap);
		if (!p) {
			dl->oom = 1;
			return -1;
		}
		dl->arena = p;
		dl->acap = cap;
	}
	memcpy(dl->arena + dl->alen, s, len);
	dl->arena[dl->alen + len] = '\0';
	*off = (uint32_t)dl->alen;
	dl->alen += len + 1;
	return 0;
}

void dl_text(struct dlist *dl, int face, float size, float x, float y, const char *s, size_t len,
	     unsigned flags)
{
	uint32_t off;
	struct dl_item *it;

	if (len == 0 || keep_str(dl, s, len, &off) != 0 || !(it = push(dl, DL_TEXT)))
		return;
	it->face = (int16_t)face;
	it->size = size;
	it->x = x;
	it->y = y;
	it->off = off;
	it->len = (uint32_t)len;
	it->flags = (uint8_t)flags;
}

void dl_shaped(struct dlist *dl, int face, float size, float x, float y, const char *s, size_t len)
{
	size_t before = dl->n;

	dl_text(dl, face, size, x, y, s, len, 0);
	if (dl->n > before)
		dl->item[dl->n - 1].kind = DL_SHAPED;
}

void dl_rect(struct dlist *dl, float x, float y, float w, float h, float gray, float stroke,
	     unsigned flags)
{
	struct dl_item *it = push(dl, DL_RECT);

	if (!it)
		return;
	it->x = x; it->y = y; it->w = w; it->h = h;
	it->gray = gray;
	it->size = stroke;
	it->flags = (uint8_t)flags;
}

void dl_line(struct dlist *dl, float x1, float y1, float x2, float y2, float width, unsigned flags)
{
	struct dl_item *it = push(dl, DL_LINE);

	if (!it)
		return;
	it->x = x1; it->y = y1; it->w = x2; it->h = y2;
	it->size = width;
	it->flags = (uint8_t)flags;
}

void dl_qr(struct dlist *dl, float x, float y, float size, const char *payload)
{
	uint32_t off;
	size_t len = strlen(payload);
	struct dl_item *it;

	if (keep_str(dl, payload, len, &off) != 0 || !(it = push(dl, DL_QR)))
		return;
	it->x = x; it->y = y; it->w = size; it->h = size;
	it->off = off;
	it->len = (uint32_t)len;
}
