/*
 * dlist.h - a document laid out: pages of positioned text runs, rules,
 * boxes and 2-D codes, in PDF points (origin bottom left).
 *
 * Builders produce a display list; the PDF writer draws it. Keeping the two
 * apart lets one layout be drawn into a per-case PDF and again into a print
 * batch, and lets tests check layout (did the name fit the window?) without
 * parsing PDFs. One dlist is reused for every document of a run: dl_reset
 * keeps its memory.
 */
#ifndef NG_DLIST_H
#define NG_DLIST_H

#include <stddef.h>
#include <stdint.h>

enum dl_kind { DL_TEXT, DL_RECT, DL_LINE, DL_QR, DL_SHAPED };

enum dl_flags {
	DL_FILL = 1,         /* rect: filled with gray */
	DL_STROKE = 2,       /* rect: outlined */
	DL_DASHED = 4,       /* line: dashed (a cut line) */
	DL_INVISIBLE = 8,    /* text: searchable but not drawn */
};

struct dl_item {
	uint8_t kind, flags;
	uint16_t page;
	int16_t face;        /* text: font face index */
	float x, y;          /* text: baseline start; rect/qr: lower-left; line: start */
	float w, h;          /* rect/qr: size; line: end point */
	float size;          /* text: font size; line/rect: stroke width */
	float gray;          /* 0 black .. 1 white */
	uint32_t off, len;   /* text / QR payload bytes in the arena */
};

struct dlist {
	float page_w, page_h;
	int npages;
	struct dl_item *item;
	size_t n, cap;
	char *arena;
	size_t alen, acap;
	int oom;             /* an allocation failed; the list is incomplete */
	int lost;            /* text that fitted nowhere was left out (see lost_text) */
	char lost_text[80];
};

void dl_init(struct dlist *dl, float page_w, float page_h);
void dl_release(struct dlist *dl);

/* Empties the list for the next document, keeping its memory. */
void dl_reset(struct dlist *dl);

/* Zeroes the list's text memory (after drawing a secret) and empties it. */
void dl_wipe(struct dlist *dl);

/* Starts a new page; returns its index (0-based). */
int dl_page(struct dlist *dl);

void dl_text(struct dlist *dl, int face, float size, float x, float y, const char *s, size_t len,
	     unsigned flags);
/* Text drawn as its shaped glyphs (complex scripts), the text itself kept as /ActualText. */
void dl_shaped(struct dlist *dl, int face, float size, float x, float y, const char *s, size_t len);
void dl_rect(struct dlist *dl, float x, float y, float w, float h, float gray, float stroke,
	     unsigned flags);
void dl_line(struct dlist *dl, float x1, float y1, float x2, float y2, float width, unsigned flags);
void dl_qr(struct dlist *dl, float x, float y, float size, const char *payload);

/* The bytes of an item's text or payload. */
static inline const char *dl_str(const struct dlist *dl, const struct dl_item *it)
{
	return dl->arena + it->off;
}

#endif
