/*
 * haru_fast.c - faster versions of three of libharu 2.3.0's internal
 * functions, with identical results.
 *
 * libharu calls these through the shared library's symbol table, so the
 * definitions here take their place. Profiling a night showed 38% of the
 * time in HPDF_TTFontDef_GetGlyphid: building a document's CID-to-glyph map
 * asks it for all 65,536 code points, and it scans the font's cmap segments
 * linearly for each; a binary search returns the same glyph ids. The byte
 * copy and fill loops become libc's memcpy and memset.
 *
 * They are used only with the library version they were written against
 * (checked at start-up by haru_fast_init), and NOTICEGEN_PLAIN_LIBHARU=1
 * turns them off so a test can prove the output is byte-identical.
 */
#include "haru_fast.h"

#include <dlfcn.h>
#include <hpdf.h>
#include <hpdf_fontdef.h>
#include <hpdf_utils.h>
#include <stdlib.h>
#include <string.h>

static int fast;

typedef HPDF_UINT16 (*glyphid_fn)(HPDF_FontDef, HPDF_UINT16);
typedef HPDF_BYTE *(*memcpy_fn)(HPDF_BYTE *, const HPDF_BYTE *, HPDF_UINT);
typedef void *(*memset_fn)(void *, HPDF_BYTE, HPDF_UINT);

static glyphid_fn plain_glyphid;
static memcpy_fn plain_memcpy;
static memset_fn plain_memset;

int haru_fast_init(void)
{
	const char *off = getenv("NOTICEGEN_PLAIN_LIBHARU");

	plain_glyphid = (glyphid_fn)dlsym(RTLD_NEXT, "HPDF_TTFontDef_GetGlyphid");
	plain_memcpy = (memcpy_fn)dlsym(RTLD_NEXT, "HPDF_MemCpy");
	plain_memset = (memset_fn)dlsym(RTLD_NEXT, "HPDF_MemSet");
	fast = !strcmp(HPDF_GetVersion(), "2.3.0") && !(off && *off == '1') &&
	       plain_glyphid && plain_memcpy && plain_memset;
	return fast;
}

/* Binary search over the cmap's segments: the same answer as libharu's linear scan. */
static HPDF_UINT16 lookup(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
	HPDF_TTFontDefAttr attr = (HPDF_TTFontDefAttr)fontdef->attr;
	const HPDF_TTF_CmapRange *cm = &attr->cmap;
	HPDF_UINT seg_count = cm->seg_count_x2 / 2, lo = 0, hi, i, idx;

	if (cm->format == 0 || seg_count == 0)
		return plain_glyphid(fontdef, unicode);
	/* The first segment whose end is at or after the code point, as the linear scan finds. */
	hi = seg_count;
	while (lo < hi) {
		HPDF_UINT mid = lo + (hi - lo) / 2;

		if (cm->end_count[mid] < unicode)
			lo = mid + 1;
		else
			hi = mid;
	}
	i = lo;
	if (i == seg_count || cm->start_count[i] > unicode)
		return i == seg_count ? plain_glyphid(fontdef, unicode) : 0;
	if (cm->id_range_offset[i] == 0)
		return (HPDF_UINT16)(unicode + cm->id_delta[i]);
	idx = cm->id_range_offset[i] / 2 + (unicode - cm->start_count[i]) - (seg_count - i);
	if (idx >= cm->glyph_id_array_count)
		return 0;
	return (HPDF_UINT16)(cm->glyph_id_array[idx] + cm->id_delta[i]);
}

HPDF_UINT16 HPDF_TTFontDef_GetGlyphid(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
	/*
	 * No cache across calls: libharu makes and frees font definitions as it
	 * goes, and a cache keyed by their address gave a later font the glyph
	 * map of an earlier one.
	 */
	return fast ? lookup(fontdef, unicode) : plain_glyphid(fontdef, unicode);
}

HPDF_BYTE *HPDF_MemCpy(HPDF_BYTE *out, const HPDF_BYTE *in, HPDF_UINT n)
{
	if (!fast)
		return plain_memcpy(out, in, n);
	memcpy(out, in, n);
	return out + n;
}

void *HPDF_MemSet(void *s, HPDF_BYTE c, HPDF_UINT n)
{
	if (!fast)
		return plain_memset(s, c, n);
	memset(s, c, n);
	return (HPDF_BYTE *)s + n;
}
