/*
 * layout.h - where things go on each document, read from the INI files in layouts/.
 *
 * Positions are data so the agency can move the address window or change
 * a font without recompiling. A box is given in points from the page's top
 * left corner (x, y, w, h), with a font face, a size, and for text that may
 * not fit, a smallest size it may shrink to. layouts/common.ini holds the
 * boxes every document shares (letterhead, windows, footer); each document
 * type's file adds its own and may override a common one.
 */
#ifndef NG_LAYOUT_H
#define NG_LAYOUT_H

#include "err.h"
#include "fonts.h"

struct box {
	float x, y, w, h;    /* points; y from the top of the page */
	float top, bottom;   /* PDF coordinates of the top and bottom edges */
	int face;            /* font face index */
	float size;          /* font size */
	float min_size;      /* smallest size text may shrink to, to fit */
	float leading;       /* line advance */
	int max_lines;       /* 0: as many as fit */
};

struct layout;

/*
 * Reads common.ini and the documents' files from dir, resolving faces in
 * fonts. Every box a builder uses must exist and lie on the page; on error
 * err names the file, the [section] and the fix.
 */
struct layout *layout_load(const char *dir, struct fonts *fonts, struct ng_err *err);
void layout_free(struct layout *L);

float layout_page_w(const struct layout *L);
float layout_page_h(const struct layout *L);

/* The box named name for document doc ("statement"), or the common one. Never NULL after load. */
const struct box *layout_box(const struct layout *L, const char *doc, const char *name);

/* A number from the document's [doc] section (e.g. "statement", "row_h"). */
float layout_num(const struct layout *L, const char *doc, const char *key);

#endif
