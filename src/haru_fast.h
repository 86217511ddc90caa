/*
 * haru_fast.h - faster drop-in versions of libharu internals (see the .c).
 */
#ifndef NG_HARU_FAST_H
#define NG_HARU_FAST_H

#include <hpdf.h>
#include <hpdf_fontdef.h>

/* Turns them on if the library is the version they match; returns 1 if on. */
int haru_fast_init(void);

/*
 * Glyphs by number: in a font given glyph codes, the private-use code
 * point HARU_GLYPH_CODE_FIRST + g draws glyph g, so that text shaped by
 * HarfBuzz (conjuncts, reordered vowel signs: glyphs no character maps to)
 * can be drawn as text in the embedded font. It holds in both modes, since
 * it is not a speed-up. -1 if the font has more glyphs than there are
 * codes, or the library is not the version this was written against.
 */
#define HARU_GLYPH_CODE_FIRST 0xE000
#define HARU_GLYPH_CODE_LAST 0xF8FF
int haru_fast_glyph_codes(HPDF_FontDef def);
void haru_fast_glyph_codes_off(HPDF_FontDef def);

/*
 * 1 if saving a document now would fail on libharu's font-size bug (see
 * pdf_render) because of fontdef's program: known before saving, since a
 * failed save leaks a dictionary libharu was making. 0 if it would not,
 * or cannot be told (the faster internals off).
 */
int haru_fast_save_fails(HPDF_FontDef fontdef);

/*
 * Makes array (of a document not yet saved) be written as text, its
 * elements as libharu would write them ("[ 1 [ 500 ] ]"); text must stay
 * as it is until the document is saved. -1 (array untouched) with the
 * faster internals off: build the array's objects instead.
 */
int haru_fast_array_text(HPDF_Array array, const char *text, unsigned long n);

#endif
