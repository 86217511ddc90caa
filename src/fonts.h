/*
 * fonts.h - which TrueType face serves which script, cut down for the run.
 *
 * fonts/fonts.ini maps a script (latin, ocr, ...) and a style (regular,
 * bold) to a font file. At start-up each face is cut with HarfBuzz's
 * subsetter to the Unicode ranges the run may print, written to a private
 * folder, and opened with FreeType for metrics and coverage. The PDF writer
 * embeds the cut files; layout measures with the same metrics, so what is
 * measured is what is drawn.
 */
#ifndef NG_FONTS_H
#define NG_FONTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct fonts;
struct i18n;
struct hb_font_t;
struct FT_FaceRec_;

/* A face's public facts. Owned by struct fonts. */
struct font_face {
	char id[48];          /* "latin.regular" */
	char src[512];        /* the installed font file */
	char cut[512];        /* the cut copy the PDF embeds */
	int synthetic_bold;   /* drawn from the regular face, thickened */
};

/*
 * Reads ini_path, checks every file exists and is TrueType, cuts each face
 * into cut_dir (which must exist and be private to the run; NULL: into
 * memory, gone with the process however it ends) keeping the
 * configured ranges and, for scripts marked catalog = yes, every character
 * the catalogs in i18n of that script use (i18n may be NULL). On error
 * returns NULL with err naming the file, the key and the fix (the Debian
 * package to install). Free with fonts_free().
 */
struct fonts *fonts_load(const char *ini_path, const char *cut_dir, const struct i18n *i18n,
			 struct ng_err *err);
void fonts_free(struct fonts *f);

int fonts_count(const struct fonts *f);
const struct font_face *fonts_face(const struct fonts *f, int i);

/* The face whose font program draws face (itself, or the regular face of a synthetic bold). */
int fonts_base(const struct fonts *f, int face);

/* Index of the face "script.style", or -1. */
int fonts_find(const struct fonts *f, const char *id);

/*
 * The code points (always_embed = in the fonts file) that every document
 * embedding face carries, whether it prints them or not; *n of them.
 */
const uint32_t *fonts_always(const struct fonts *f, int face, unsigned *n);
/* Width in points of utf8 text set in face at size. */
double fonts_width(struct fonts *f, int face, const char *s, size_t len, double size);

/* 1 if face has a glyph for code point cp (after the cut). */
int fonts_covers(struct fonts *f, int face, uint32_t cp);

/*
 * First code point of s that face cannot draw, or 0 when it draws them all.
 * Spaces and line breaks are always drawable.
 */
uint32_t fonts_first_missing(struct fonts *f, int face, const char *s, size_t len);

/*
 * Makes script ("hangul", "arabic"; NULL or "latin" for none) the active
 * one: text set in a latin face is drawn in the script's face of the same
 * style wherever that face has the character. rtl: lines read right to left.
 */
void fonts_use(struct fonts *f, const char *script, int rtl);
int fonts_rtl(const struct fonts *f);
/* The active script, as a number (0: none): what measured text depends on besides its face. */
int fonts_active(const struct fonts *f);
int fonts_has_script(const struct fonts *f, const char *script);

/* The face that draws cp for text set in face, under the active script. */
int fonts_pick(struct fonts *f, int face, uint32_t cp);

/*
 * The length in bytes of the run that starts s (len > 0): the characters
 * drawn in one face, returned in *run_face. Spaces and ASCII punctuation
 * stay in the run's face when it has them. Measuring and
 * drawing split text alike.
 */
size_t fonts_run(struct fonts *f, int face, const char *s, size_t len, int *run_face);

/*
 * s split into its runs, each with its face and its width at size 1 (as
 * fonts_width measures it in that face). Kept for the whole run of the
 * program, by text and active script, since the same lines come back in
 * every document; valid until the next call. NULL when out of memory.
 */
struct font_runs {
	unsigned n;
	double width;         /* the line's: its runs' widths summed in order (what fonts_width gives) */
	struct font_run {
		size_t len;
		int face;
		double width;
	} run[];
};
const struct font_runs *fonts_runs(struct fonts *f, int face, const char *s, size_t len);

/*
 * A run of a shaped face (fonts_hb not NULL) shaped with HarfBuzz, in font
 * units: glyph ids, advances and offsets. Runs are kept for the whole run
 * (the same labels come back in every document), so the result stays valid
 * until the next call. NULL when out of memory.
 */
struct shaped_run {
	unsigned n;
	uint32_t *gid;
	int32_t *x_adv, *x_off, *y_off;
	long width;           /* the sum of the advances */
};
const struct shaped_run *fonts_shape(struct fonts *f, int face, const char *s, size_t len);

/* For drawing shaped scripts: HarfBuzz font (NULL if the face is not shaped), FreeType face, units per em. */
struct hb_font_t *fonts_hb(const struct fonts *f, int face);
struct FT_FaceRec_ *fonts_ft(const struct fonts *f, int face);
double fonts_upem(const struct fonts *f, int face);

/* Ascender in points for size (the cap-height-ish baseline offset). */
double fonts_ascent(const struct fonts *f, int face, double size);

#endif
