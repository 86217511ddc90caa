/*
 * haru_fast.c - faster versions of some of libharu 2.3.0's internal
 * functions: the same documents, and byte-identical but for how streams
 * are compressed.
 *
 * libharu calls these through the shared library's symbol table, so the
 * definitions here take their place. Profiling a night showed 38% of the
 * time in HPDF_TTFontDef_GetGlyphid: building a document's CID-to-glyph map
 * asks it for all 65,536 code points, and it scans the font's cmap segments
 * linearly for each; a binary search returns the same glyph ids. The byte
 * copy and fill loops become libc's memcpy and memset.
 *
 * Three more do the same work once per run instead of once per document,
 * since it gives the same bytes every time:
 * - HPDF_Type0Font_New (a font object for a document) walks all 65,536
 *   code points three times to build the same widths array and the same
 *   128 KB CID-to-glyph map for a given font; the first document's are
 *   kept and later documents get copies.
 * - HPDF_Stream_WriteToStreamWithDeflate compresses every stream when a
 *   document is saved; a stream seen before (the CID-to-glyph maps, the
 *   ToUnicode CMap, a page seen before) gets the bytes it was compressed to
 *   the first time, found by comparing the whole input.
 * - HPDF_TTFontDef_SaveFontData builds a font program from the cut font's
 *   tables kept in memory, once per set of glyphs: a document embedding
 *   glyphs an earlier one did gets that program's compressed bytes.
 * - HPDF_Array_Write writes an array given as text (a font's W array).
 * - HPDF_TTFontDef_GetCharWidth reads a glyph from the font file, each
 *   time a document first uses it, to flag the parts of a composite glyph;
 *   the parts libharu found the first time are kept per font.
 *
 * And the streams are compressed by other libraries than zlib, still as
 * zlib streams (FlateDecode), but other bytes than zlib's: font programs
 * and glyph maps by libdeflate (about twice as fast as zlib at the same
 * level), a document's own streams by flate.c (ISA-L, 3 times as fast
 * again on a page).
 *
 * They are used only with the library version they were written against
 * (checked at start-up by haru_fast_init), and NOTICEGEN_PLAIN_LIBHARU=1
 * turns them off (libharu and zlib alone) so a test can prove the
 * documents are the same: byte for byte once every stream is uncompressed.
 */
#include "haru_fast.h"

#include <dlfcn.h>
#include <hpdf.h>
#include <hpdf_conf.h>
#include <hpdf_encoder.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <hpdf_utils.h>
#include <libdeflate.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flate.h"

static int fast;

/* Not in libharu's public headers, but called through its symbol table. */
HPDF_STATUS HPDF_Stream_WriteToStreamWithDeflate(HPDF_Stream src, HPDF_Stream dst, HPDF_Encrypt e);

typedef HPDF_UINT16 (*glyphid_fn)(HPDF_FontDef, HPDF_UINT16);
typedef HPDF_BYTE *(*memcpy_fn)(HPDF_BYTE *, const HPDF_BYTE *, HPDF_UINT);
typedef void *(*memset_fn)(void *, HPDF_BYTE, HPDF_UINT);
typedef HPDF_Font (*type0_fn)(HPDF_MMgr, HPDF_FontDef, HPDF_Encoder, HPDF_Xref);
typedef void (*fontdef_free_fn)(HPDF_FontDef);
typedef void (*encoder_free_fn)(HPDF_Encoder);
typedef HPDF_STATUS (*deflate_fn)(HPDF_Stream, HPDF_Stream, HPDF_Encrypt);
typedef HPDF_STATUS (*array_write_fn)(HPDF_Array, HPDF_Stream, HPDF_Encrypt);
typedef HPDF_STATUS (*save_font_fn)(HPDF_FontDef, HPDF_Stream);
typedef HPDF_INT16 (*char_width_fn)(HPDF_FontDef, HPDF_UINT16);

static glyphid_fn plain_glyphid;
static memcpy_fn plain_memcpy;
static memset_fn plain_memset;
static type0_fn plain_type0;
static fontdef_free_fn plain_fontdef_free;
static encoder_free_fn plain_encoder_free;
static deflate_fn plain_deflate;
static array_write_fn plain_array_write;
static save_font_fn plain_save_font;
static char_width_fn plain_char_width;

static int version_ok(void)
{
	return !strcmp(HPDF_GetVersion(), "2.3.0");
}

int haru_fast_init(void)
{
	const char *off = getenv("NOTICEGEN_PLAIN_LIBHARU");

	plain_glyphid = (glyphid_fn)dlsym(RTLD_NEXT, "HPDF_TTFontDef_GetGlyphid");
	plain_memcpy = (memcpy_fn)dlsym(RTLD_NEXT, "HPDF_MemCpy");
	plain_memset = (memset_fn)dlsym(RTLD_NEXT, "HPDF_MemSet");
	plain_type0 = (type0_fn)dlsym(RTLD_NEXT, "HPDF_Type0Font_New");
	plain_fontdef_free = (fontdef_free_fn)dlsym(RTLD_NEXT, "HPDF_FontDef_Free");
	plain_encoder_free = (encoder_free_fn)dlsym(RTLD_NEXT, "HPDF_Encoder_Free");
	plain_deflate = (deflate_fn)dlsym(RTLD_NEXT, "HPDF_Stream_WriteToStreamWithDeflate");
	plain_array_write = (array_write_fn)dlsym(RTLD_NEXT, "HPDF_Array_Write");
	plain_save_font = (save_font_fn)dlsym(RTLD_NEXT, "HPDF_TTFontDef_SaveFontData");
	plain_char_width = (char_width_fn)dlsym(RTLD_NEXT, "HPDF_TTFontDef_GetCharWidth");
	fast = version_ok() && !(off && *off == '1') &&
	       plain_glyphid && plain_memcpy && plain_memset && plain_type0 && plain_fontdef_free &&
	       plain_encoder_free && plain_deflate && plain_array_write &&
	       plain_save_font && plain_char_width;
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

/* ---- Glyphs by number, for shaped scripts (in both modes: it is no speed-up). ---- */

#define GLYPH_FONTS 8

static struct {
	HPDF_FontDef def;
	char name[HPDF_LIMIT_MAX_NAME_LEN + 1];
} glyph_fonts[GLYPH_FONTS];

int haru_fast_glyph_codes(HPDF_FontDef def)
{
	HPDF_TTFontDefAttr a = def ? def->attr : NULL;

	if (!version_ok() || !a || def->type != HPDF_FONTDEF_TYPE_TRUETYPE ||
	    a->num_glyphs > HARU_GLYPH_CODE_LAST - HARU_GLYPH_CODE_FIRST + 1)
		return -1;
	for (int i = 0; i < GLYPH_FONTS; i++)
		if (!glyph_fonts[i].def || glyph_fonts[i].def == def) {
			glyph_fonts[i].def = def;
			snprintf(glyph_fonts[i].name, sizeof(glyph_fonts[i].name), "%s", def->base_font);
			return 0;
		}
	return -1;
}

void haru_fast_glyph_codes_off(HPDF_FontDef def)
{
	for (int i = 0; i < GLYPH_FONTS; i++)
		if (glyph_fonts[i].def == def)
			glyph_fonts[i].def = NULL;
}

/* The glyph a private-use code names in a font given glyph codes; -1 if none. */
static int glyph_code(HPDF_FontDef def, HPDF_UINT16 unicode)
{
	if (unicode < HARU_GLYPH_CODE_FIRST || unicode > HARU_GLYPH_CODE_LAST)
		return -1;
	for (int i = 0; i < GLYPH_FONTS; i++)
		if (glyph_fonts[i].def == def && !strcmp(glyph_fonts[i].name, def->base_font)) {
			unsigned gid = unicode - HARU_GLYPH_CODE_FIRST;

			return gid < ((HPDF_TTFontDefAttr)def->attr)->num_glyphs ? (int)gid : 0;
		}
	return -1;
}

HPDF_UINT16 HPDF_TTFontDef_GetGlyphid(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
	int g = glyph_code(fontdef, unicode);

	if (g >= 0)
		return (HPDF_UINT16)g;
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

/* ---- Memory streams: libharu keeps their bytes in a list of equal-size buffers. ---- */

/* The stream's size if it is a memory stream whose buffers add up to it; else -1. */
static long mem_size(HPDF_Stream s)
{
	HPDF_MemStreamAttr a;
	unsigned long n;

	if (!s || s->type != HPDF_STREAM_MEMORY || !(a = s->attr) || !a->buf || !a->buf_siz)
		return -1;
	n = a->buf->count ? (unsigned long)(a->buf->count - 1) * a->buf_siz + a->w_pos : 0;
	return n == s->size ? (long)n : -1;
}

/* Copies len bytes from offset off of memory stream s (checked by mem_size) to out. */
static void mem_copy(HPDF_Stream s, unsigned long off, unsigned long len, unsigned char *out)
{
	HPDF_MemStreamAttr a = s->attr;

	while (len > 0) {
		unsigned long i = off / a->buf_siz, at = off % a->buf_siz, n = a->buf_siz - at;

		n = n < len ? n : len;
		memcpy(out, (const unsigned char *)a->buf->obj[i] + at, n);
		out += n;
		off += n;
		len -= n;
	}
}

/* 1 if memory stream s (checked by mem_size) holds exactly the len bytes at p. */
static int mem_equal(HPDF_Stream s, const unsigned char *p, unsigned long len)
{
	HPDF_MemStreamAttr a = s->attr;
	unsigned long off = 0;

	if (s->size != len)
		return 0;
	for (HPDF_UINT i = 0; off < len; i++) {
		unsigned long n = len - off < a->buf_siz ? len - off : a->buf_siz;

		if (memcmp(a->buf->obj[i], p + off, n))
			return 0;
		off += n;
	}
	return 1;
}

/* The len bytes of memory stream s (checked by mem_size) in a new buffer, or NULL. */
static unsigned char *mem_dup(HPDF_Stream s, unsigned long len)
{
	unsigned char *p = malloc(len ? len : 1);

	if (p)
		mem_copy(s, 0, len, p);
	return p;
}

/* ---- Compressed streams, kept by their exact input. ---- */

#define ZSLOTS 4096                          /* kept inputs (a power of two, at most 3/4 used) */
#define ZSEEN 8192                           /* fingerprints of inputs compressed once (a power of two) */
#define ZMAX_BYTES (32UL << 20)              /* inputs plus outputs kept */

struct zentry {
	uint64_t fp;                             /* 0: empty */
	unsigned char *in, *out;
	unsigned long nin, nout;
};

static struct zentry *zcache;
static unsigned long zcount, zbytes;
static uint64_t *zseen;

/*
 * A cheap fingerprint of a stream's input (its size and a few bytes from
 * the start, the middle and the end) to find it again, and to notice the
 * same input a second time. Only then is it kept: a page's content is new
 * in most documents and would only fill the table. Equality is always
 * decided by comparing every byte, never by the fingerprint.
 */
static uint64_t fingerprint(HPDF_Stream s, unsigned long len)
{
	unsigned char b[48] = { 0 };
	uint64_t h = 1469598103934665603ULL ^ len;
	unsigned long k = len < 16 ? len : 16;

	mem_copy(s, 0, k, b);
	mem_copy(s, len / 2 - k / 2, k, b + 16);
	mem_copy(s, len - k, k, b + 32);
	for (unsigned i = 0; i < sizeof(b); i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h | 1;
}

static struct zentry *zfind(HPDF_Stream src, unsigned long len, uint64_t fp)
{
	for (unsigned long i = fp & (ZSLOTS - 1); zcache[i].fp; i = (i + 1) & (ZSLOTS - 1))
		if (zcache[i].fp == fp && zcache[i].nin == len && mem_equal(src, zcache[i].in, len))
			return &zcache[i];
	return NULL;
}

/* 1 the second time an input with this fingerprint is compressed (a hint only: slots are shared). */
static int seen_before(uint64_t fp)
{
	uint64_t *slot = &zseen[fp & (ZSEEN - 1)];

	if (*slot == fp)
		return 1;
	*slot = fp;
	return 0;
}

/* Forgets every kept stream: simpler than choosing, and rare (the table holds a night's fonts). */
static void zclear(void)
{
	for (unsigned long i = 0; i < ZSLOTS; i++) {
		free(zcache[i].in);
		free(zcache[i].out);
	}
	memset(zcache, 0, ZSLOTS * sizeof(*zcache));
	zcount = zbytes = 0;
}

/* Keeps in -> out (taking both buffers). */
static void zkeep(uint64_t fp, unsigned char *in, unsigned long nin, unsigned char *out, unsigned long nout)
{
	unsigned long i;

	if (nin + nout > ZMAX_BYTES / 8) {
		free(in);
		free(out);
		return;
	}
	if (zcount + 1 > ZSLOTS / 4 * 3 || zbytes + nin + nout > ZMAX_BYTES)
		zclear();
	for (i = fp & (ZSLOTS - 1); zcache[i].fp; i = (i + 1) & (ZSLOTS - 1))
		;
	zcache[i].fp = fp;
	zcache[i].in = in;
	zcache[i].nin = nin;
	zcache[i].out = out;
	zcache[i].nout = nout;
	zcount++;
	zbytes += nin + nout;
}

/*
 * Font programs and glyph maps are compressed by libdeflate, about twice
 * as fast as zlib at the same level, into a zlib stream as libharu writes
 * (FlateDecode), at its fastest level: 1.6 times as fast as level 4 for
 * 2.5% more bytes. They are compressed once and written again in many
 * documents; a document's own streams, new in most documents, go to
 * flate.c instead.
 */
#define CASE_LEVEL 1

static struct libdeflate_compressor *compressor;      /* kept for the run */
static unsigned char *zin, *zout;            /* one stream's input and output, reused */
static size_t zin_cap, zout_cap;

/* Grows *buf to at least n bytes; 0 if out of memory. */
static int reserve(unsigned char **buf, size_t *cap, size_t n)
{
	unsigned char *p;

	if (n <= *cap)
		return 1;
	if (!(p = realloc(*buf, n)))
		return 0;
	*buf = p;
	*cap = n;
	return 1;
}

/*
 * A font program or a glyph map (a map is 128 KB; a page seldom reaches
 * 64 KB, and one that does goes to libdeflate too): kept and written
 * again in later documents, so worth libdeflate's better ratio. Told by the bytes alone, so that the same stream is compressed
 * the same way whichever path it takes (the first document builds its
 * maps itself; later ones take the kept ones).
 */
static int kept_kind(const unsigned char *in, unsigned long len)
{
	return len >= 0x10000 || (len >= 4 && (!memcmp(in, "\0\1\0\0", 4) || !memcmp(in, "true", 4)));
}

/* The len bytes at in compressed, in zout; 0 on failure. A document's own streams go to flate.c, faster. */
static size_t compress_raw(const unsigned char *in, unsigned long len)
{
	size_t n;

	if (!kept_kind(in, len) && reserve(&zout, &zout_cap, flate_bound(len)) &&
	    (n = flate_page(in, len, zout, zout_cap)))
		return n;
	if (!compressor && !(compressor = libdeflate_alloc_compressor(CASE_LEVEL)))
		return 0;
	if (!reserve(&zout, &zout_cap, libdeflate_zlib_compress_bound(compressor, len)))
		return 0;
	return libdeflate_zlib_compress(compressor, in, len, zout, zout_cap);
}

/* The len bytes of memory stream src (checked by mem_size) compressed, in zout; 0 on failure. */
static size_t compress_mem(HPDF_Stream src, unsigned long len)
{
	if (!reserve(&zin, &zin_cap, len))
		return 0;
	mem_copy(src, 0, len, zin);
	return compress_raw(zin, len);
}

/*
 * A stream whose compressed bytes are known (a font template's map), in
 * place of a memory stream holding its bytes: written as it is compressed,
 * where each document had copied 128 KB into its map, then found them
 * again in the cache, byte by byte. attr: the template's struct stored.
 */
struct stored {
	unsigned char *z;
	unsigned long n, nz;                 /* bytes, and compressed */
};

static void stored_free(HPDF_Stream s)
{
	(void)s;                             /* the bytes are the template's */
}

static HPDF_UINT32 stored_size(HPDF_Stream s)
{
	return s->size;
}

/* Compresses n bytes at in into st; 0 on failure (st then unused). */
static int stored_take(struct stored *st, const unsigned char *in, unsigned long n)
{
	size_t nz = compress_raw(in, n);

	if (!nz || !(st->z = malloc(nz)))
		return 0;
	memcpy(st->z, zout, nz);
	st->n = n;
	st->nz = nz;
	return 1;
}

/* Makes dict (a new stream dictionary) write st; 0 if it cannot (its own stream stays). */
static int stored_use(HPDF_Dict dict, const struct stored *st)
{
	HPDF_Stream s;

	if (!st->z || !(s = HPDF_GetMem(dict->mmgr, sizeof(*s))))
		return 0;
	memset(s, 0, sizeof(*s));
	s->sig_bytes = HPDF_STREAM_SIG_BYTES;
	s->type = HPDF_STREAM_CALLBACK;
	s->mmgr = dict->mmgr;
	s->error = dict->error;
	s->size = (HPDF_UINT)st->n;
	s->free_fn = stored_free;
	s->size_fn = stored_size;
	s->attr = (void *)st;
	HPDF_Stream_Free(dict->stream);
	dict->stream = s;
	return 1;
}

static int kept_write(HPDF_Stream src, long len, HPDF_Stream dst, HPDF_STATUS *ret);

HPDF_STATUS HPDF_Stream_WriteToStreamWithDeflate(HPDF_Stream src, HPDF_Stream dst, HPDF_Encrypt e)
{
	long len = fast && !e ? mem_size(src) : -1;
	struct zentry *hit;
	unsigned char *in, *out;
	size_t n;
	uint64_t fp;
	HPDF_STATUS ret;

	if (src && src->free_fn == stored_free) {
		const struct stored *st = src->attr;

		return HPDF_Stream_Write(dst, st->z, (HPDF_UINT)st->nz);
	}
	if (kept_write(src, len, dst, &ret))
		return ret;
	if (len <= 0 || (!zcache && !(zcache = calloc(ZSLOTS, sizeof(*zcache)))) ||
	    (!zseen && !(zseen = calloc(ZSEEN, sizeof(*zseen)))))
		return plain_deflate(src, dst, e);
	fp = fingerprint(src, (unsigned long)len);
	hit = zfind(src, (unsigned long)len, fp);
	if (hit)
		return HPDF_Stream_Write(dst, hit->out, (HPDF_UINT)hit->nout);
	if (!(n = compress_mem(src, (unsigned long)len)))
		return plain_deflate(src, dst, e);
	ret = HPDF_Stream_Write(dst, zout, (HPDF_UINT)n);
	if (ret != HPDF_OK || !seen_before(fp))
		return ret;
	/* The second time: keep the input and its compressed bytes. */
	in = malloc((size_t)len);
	out = malloc(n);
	if (!in || !out) {
		free(in);
		free(out);
		return ret;
	}
	memcpy(in, zin, (size_t)len);
	memcpy(out, zout, n);
	zkeep(fp, in, (unsigned long)len, out, n);
	return ret;
}

/* ---- Type0 fonts: what a font definition always gives, built once per run. ---- */

/*
 * What HPDF_Type0Font_New builds for one font definition and encoder that
 * depends on nothing else: the widths array, the CID-to-glyph map and the
 * ToUnicode CMap, taken from the first font object libharu built itself.
 *
 * The widths array (a thousand numbers for a Latin font) is the costliest
 * to build, write and free again in every document. A copy holds one
 * number instead, W_MARK + the template's id, and HPDF_Array_Write below
 * writes the text libharu wrote for the original in its place. (noticegen's
 * pdf.c replaces every document's array with the widths of the glyphs it
 * embeds before saving; the mark keeps this file a faithful libharu for any
 * other caller.)
 */
struct type0_tmpl {
	HPDF_FontDef def;
	HPDF_Encoder enc;
	HPDF_INT32 id;
	unsigned char *w, *map, *tounicode;  /* the W array as written; the two streams' bytes */
	unsigned long nw, nmap, ntounicode;
	struct stored zmap, ztounicode;      /* the two streams compressed (z NULL: not) */
	struct type0_tmpl *next;
};

#define W_MARK INT32_MIN                 /* no width array holds such numbers */
#define W_IDS 0x100000

static struct type0_tmpl *tmpls;

/* libharu's own (static) functions, taken from the first font it built. */
static struct {
	HPDF_Dict_FreeFunc free_fn;
	HPDF_Dict_BeforeWriteFunc before_write_fn;
	HPDF_Font_TextWidths_Func text_width_fn;
	HPDF_Font_MeasureText_Func measure_text_fn;
} type0_fns;

static void tmpl_free(struct type0_tmpl *t)
{
	if (!t)
		return;
	free(t->w);
	free(t->map);
	free(t->tounicode);
	free(t->zmap.z);
	free(t->ztounicode.z);
	free(t);
}

/* Drops the templates of a font definition or an encoder libharu is freeing. */
static void tmpl_forget(const void *def, const void *enc)
{
	struct type0_tmpl **p = &tmpls;

	while (*p) {
		struct type0_tmpl *t = *p;

		if ((def && t->def == def) || (enc && t->enc == enc)) {
			*p = t->next;
			tmpl_free(t);
		} else {
			p = &t->next;
		}
	}
}

static void prog_forget(const void *def);
static void comps_forget(const void *def);

void HPDF_FontDef_Free(HPDF_FontDef fontdef)
{
	tmpl_forget(fontdef, NULL);
	prog_forget(fontdef);
	comps_forget(fontdef);
	plain_fontdef_free(fontdef);
}

void HPDF_Encoder_Free(HPDF_Encoder encoder)
{
	tmpl_forget(NULL, encoder);
	plain_encoder_free(encoder);
}

/* The font definitions and encoders built here: a TrueType font, embedded, Identity-H (UTF-8). */
static int eligible(HPDF_FontDef def, HPDF_Encoder enc)
{
	HPDF_CMapEncoderAttr ea;

	if (!def || !enc || def->type != HPDF_FONTDEF_TYPE_TRUETYPE ||
	    enc->type != HPDF_ENCODER_TYPE_DOUBLE_BYTE || !def->attr || !(ea = enc->attr))
		return 0;
	return ((HPDF_TTFontDefAttr)def->attr)->embedding && !strcmp(ea->ordering, "Identity-H");
}

/* The W array of a font libharu built, as libharu writes it; 0 on failure. */
static int take_widths(HPDF_Dict cid_font, struct type0_tmpl *t)
{
	HPDF_Array w = HPDF_Dict_GetItem(cid_font, "W", HPDF_OCLASS_ARRAY);
	HPDF_Stream tmp;
	long n;

	if (!w || !(tmp = HPDF_MemStream_New(cid_font->mmgr, HPDF_STREAM_BUF_SIZ)))
		return 0;
	if (plain_array_write(w, tmp, NULL) == HPDF_OK && (n = mem_size(tmp)) >= 0 &&
	    (t->w = mem_dup(tmp, (unsigned long)n)))
		t->nw = (unsigned long)n;
	HPDF_Stream_Free(tmp);
	return t->w != NULL;
}

static const struct type0_tmpl *tmpl_by_id(HPDF_INT32 id)
{
	for (const struct type0_tmpl *t = tmpls; t; t = t->next)
		if (t->id == id)
			return t;
	return NULL;
}

/*
 * Arrays given as their text (haru_fast_array_text): a ring of the latest
 * TEXT_SLOTS, each written by the document it was given for before the
 * ring comes round (a document has a handful). An array so given holds
 * one number, TEXT_MARK + its slot.
 */
#define TEXT_MARK (W_MARK + W_IDS + 1)
#define TEXT_SLOTS 256

static struct {
	const char *s;
	unsigned long n;
} texts[TEXT_SLOTS];
static unsigned next_text;

int haru_fast_array_text(HPDF_Array array, const char *text, unsigned long n)
{
	unsigned slot = next_text;

	if (!fast)
		return -1;
	HPDF_Array_Clear(array);
	if (HPDF_Array_AddNumber(array, TEXT_MARK + (HPDF_INT32)slot) != HPDF_OK)
		return -1;
	texts[slot].s = text;
	texts[slot].n = n;
	next_text = (slot + 1) % TEXT_SLOTS;
	return 0;
}

HPDF_STATUS HPDF_Array_Write(HPDF_Array array, HPDF_Stream stream, HPDF_Encrypt e)
{
	const HPDF_Obj_Header *h;
	const struct type0_tmpl *t;
	HPDF_INT32 v;

	if (!fast || !array->list || array->list->count != 1 || !(h = array->list->obj[0]) ||
	    (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_NUMBER)
		return plain_array_write(array, stream, e);
	v = ((const HPDF_Number_Rec *)(const void *)h)->value;
	if (v >= TEXT_MARK && v < TEXT_MARK + TEXT_SLOTS)
		return HPDF_Stream_Write(stream, (const HPDF_BYTE *)texts[v - TEXT_MARK].s,
					 (HPDF_UINT)texts[v - TEXT_MARK].n);
	if (v <= W_MARK || v > W_MARK + W_IDS)
		return plain_array_write(array, stream, e);
	t = tmpl_by_id(v - W_MARK);
	/* The font definition is freed only with the document: never, but never write a wrong width either. */
	if (!t)
		return HPDF_SetError(array->error, HPDF_INVALID_OBJECT, 0);
	return HPDF_Stream_Write(stream, t->w, (HPDF_UINT)t->nw);
}

/* Remembers what libharu built for def and enc (font is its result); silently skips on failure. */
static void tmpl_take(HPDF_Font font, HPDF_FontDef def, HPDF_Encoder enc)
{
	HPDF_FontAttr fa = font->attr;
	static HPDF_INT32 next_id;
	struct type0_tmpl *t = calloc(1, sizeof(*t));
	long nmap, ntu;

	if (!t || next_id == W_IDS) {
		free(t);
		return;
	}
	t->def = def;
	t->enc = enc;
	t->id = ++next_id;
	if (!fa || !fa->descendant_font || !fa->map_stream || !fa->cmap_stream ||
	    (nmap = mem_size(fa->map_stream->stream)) < 0 ||
	    (ntu = mem_size(fa->cmap_stream->stream)) < 0 || !take_widths(fa->descendant_font, t) ||
	    !(t->map = mem_dup(fa->map_stream->stream, (unsigned long)nmap)) ||
	    !(t->tounicode = mem_dup(fa->cmap_stream->stream, (unsigned long)ntu))) {
		tmpl_free(t);
		return;
	}
	t->nmap = (unsigned long)nmap;
	t->ntounicode = (unsigned long)ntu;
	/* Compressed as any stream is (the same level, the same bytes), once. */
	stored_take(&t->zmap, t->map, t->nmap);
	stored_take(&t->ztounicode, t->tounicode, t->ntounicode);
	type0_fns.free_fn = font->free_fn;
	type0_fns.before_write_fn = font->before_write_fn;
	type0_fns.text_width_fn = fa->text_width_fn;
	type0_fns.measure_text_fn = fa->measure_text_fn;
	t->next = tmpls;
	tmpls = t;
}

/* The ToUnicode CMap stream, as libharu's CreateCMap makes it. */
static HPDF_Dict make_tounicode(const struct type0_tmpl *t, HPDF_Encoder enc, HPDF_Xref xref)
{
	HPDF_CMapEncoderAttr ea = enc->attr;
	HPDF_Dict cmap = HPDF_DictStream_New(enc->mmgr, xref), info;
	HPDF_STATUS ret = 0;

	if (!cmap)
		return NULL;
	ret += HPDF_Dict_AddName(cmap, "Type", "CMap");
	ret += HPDF_Dict_AddName(cmap, "CMapName", enc->name);
	info = HPDF_Dict_New(enc->mmgr);
	if (!info || HPDF_Dict_Add(cmap, "CIDSystemInfo", info) != HPDF_OK)
		return NULL;
	ret += HPDF_Dict_Add(info, "Registry", HPDF_String_New(enc->mmgr, ea->registry, NULL));
	ret += HPDF_Dict_Add(info, "Ordering", HPDF_String_New(enc->mmgr, ea->ordering, NULL));
	ret += HPDF_Dict_AddNumber(info, "Supplement", ea->suppliment);
	ret += HPDF_Dict_AddNumber(cmap, "WMode", (HPDF_UINT32)ea->writing_mode);
	if (!stored_use(cmap, &t->ztounicode))
		ret += HPDF_Stream_Write(cmap->stream, t->tounicode, (HPDF_UINT)t->ntounicode);
	return ret == HPDF_OK ? cmap : NULL;
}

/* The descendant CIDFontType2 dictionary, as libharu's CIDFontType2_New makes it. */
static HPDF_Dict make_cid_font(const struct type0_tmpl *t, HPDF_Font parent, HPDF_Xref xref)
{
	HPDF_FontAttr fa = parent->attr;
	HPDF_FontDef def = fa->fontdef;
	HPDF_CMapEncoderAttr ea = fa->encoder->attr;
	HPDF_Dict font = HPDF_Dict_New(parent->mmgr), info;
	HPDF_Array array;
	HPDF_STATUS ret = 0;

	if (!font || HPDF_Xref_Add(xref, font) != HPDF_OK)
		return NULL;
	parent->before_write_fn = type0_fns.before_write_fn;
	ret += HPDF_Dict_AddName(font, "Type", "Font");
	ret += HPDF_Dict_AddName(font, "Subtype", "CIDFontType2");
	ret += HPDF_Dict_AddNumber(font, "DW", def->missing_width);
	if (ret != HPDF_OK || !(array = HPDF_Array_New(font->mmgr)) ||
	    HPDF_Dict_Add(font, "DW2", array) != HPDF_OK)
		return NULL;
	ret += HPDF_Array_AddNumber(array, (HPDF_INT32)(def->font_bbox.bottom));
	ret += HPDF_Array_AddNumber(array, (HPDF_INT32)(def->font_bbox.bottom - def->font_bbox.top));
	if (ret != HPDF_OK || !(array = HPDF_Array_New(font->mmgr)) ||
	    HPDF_Dict_Add(font, "W", array) != HPDF_OK || HPDF_Array_AddNumber(array, W_MARK + t->id) != HPDF_OK)
		return NULL;
	fa->map_stream = HPDF_DictStream_New(font->mmgr, xref);
	if (!fa->map_stream || HPDF_Dict_Add(font, "CIDToGIDMap", fa->map_stream) != HPDF_OK ||
	    (!stored_use(fa->map_stream, &t->zmap) &&
	     HPDF_Stream_Write(fa->map_stream->stream, t->map, (HPDF_UINT)t->nmap) != HPDF_OK))
		return NULL;
	info = HPDF_Dict_New(parent->mmgr);
	if (!info || HPDF_Dict_Add(font, "CIDSystemInfo", info) != HPDF_OK)
		return NULL;
	ret += HPDF_Dict_Add(info, "Registry", HPDF_String_New(parent->mmgr, ea->registry, NULL));
	ret += HPDF_Dict_Add(info, "Ordering", HPDF_String_New(parent->mmgr, ea->ordering, NULL));
	ret += HPDF_Dict_AddNumber(info, "Supplement", ea->suppliment);
	return ret == HPDF_OK ? font : NULL;
}

/* HPDF_Type0Font_New's Identity-H TrueType path, from a template: the same calls in the same order. */
static HPDF_Font make_type0(const struct type0_tmpl *t, HPDF_MMgr mmgr, HPDF_FontDef def,
			    HPDF_Encoder enc, HPDF_Xref xref)
{
	HPDF_Dict font = HPDF_Dict_New(mmgr);
	HPDF_FontAttr attr;
	HPDF_Array descendants;
	HPDF_STATUS ret = 0;

	if (!font)
		return NULL;
	font->header.obj_class |= HPDF_OSUBCLASS_FONT;
	attr = HPDF_GetMem(mmgr, sizeof(HPDF_FontAttr_Rec));
	if (!attr) {
		HPDF_Dict_Free(font);
		return NULL;
	}
	font->write_fn = NULL;
	font->free_fn = type0_fns.free_fn;
	font->attr = attr;
	memset(attr, 0, sizeof(*attr));
	attr->writing_mode = ((HPDF_CMapEncoderAttr)enc->attr)->writing_mode;
	attr->text_width_fn = type0_fns.text_width_fn;
	attr->measure_text_fn = type0_fns.measure_text_fn;
	attr->fontdef = def;
	attr->encoder = enc;
	attr->xref = xref;
	if (HPDF_Xref_Add(xref, font) != HPDF_OK)
		return NULL;
	ret += HPDF_Dict_AddName(font, "Type", "Font");
	ret += HPDF_Dict_AddName(font, "BaseFont", def->base_font);
	ret += HPDF_Dict_AddName(font, "Subtype", "Type0");
	ret += HPDF_Dict_AddName(font, "Encoding", "Identity-H");
	attr->cmap_stream = make_tounicode(t, enc, xref);
	if (!attr->cmap_stream)
		return NULL;
	ret += HPDF_Dict_Add(font, "ToUnicode", attr->cmap_stream);
	if (ret != HPDF_OK || !(descendants = HPDF_Array_New(mmgr)) ||
	    HPDF_Dict_Add(font, "DescendantFonts", descendants) != HPDF_OK)
		return NULL;
	attr->descendant_font = make_cid_font(t, font, xref);
	attr->type = HPDF_FONT_TYPE0_TT;
	if (!attr->descendant_font || HPDF_Array_Add(descendants, attr->descendant_font) != HPDF_OK)
		return NULL;
	return font;
}

HPDF_Font HPDF_Type0Font_New(HPDF_MMgr mmgr, HPDF_FontDef fontdef, HPDF_Encoder encoder, HPDF_Xref xref)
{
	struct type0_tmpl *t;
	HPDF_Font font;

	if (!fast || !eligible(fontdef, encoder))
		return plain_type0(mmgr, fontdef, encoder, xref);
	for (t = tmpls; t; t = t->next)
		if (t->def == fontdef && t->enc == encoder)
			return make_type0(t, mmgr, fontdef, encoder, xref);
	font = plain_type0(mmgr, fontdef, encoder, xref);
	if (font)
		tmpl_take(font, fontdef, encoder);
	return font;
}

/* ---- Font programs: the cut font's tables kept in memory, the glyphs picked per document. ---- */

/*
 * HPDF_TTFontDef_SaveFontData writes the embedded font program: thirteen
 * tables, of which only glyf and loca depend on the glyphs a document
 * uses. libharu copies the others from the font file four bytes at a time,
 * every document. Here they come from one run of libharu's own function
 * with every glyph flagged, and each document's glyf and loca are built
 * from that run's glyphs the way libharu's RecreateGLYF builds them.
 */
#define NTAGS 13
#define DIR_BYTES (12 + 16 * NTAGS)
static const char tags[NTAGS][5] = { "OS/2", "cmap", "cvt ", "fpgm", "glyf", "head", "hhea",
				     "hmtx", "loca", "maxp", "name", "post", "prep" };
enum { T_CMAP = 1, T_GLYF = 4, T_HEAD = 5, T_HHEA = 6, T_HMTX = 7, T_LOCA = 8 };
/* The tables a document's program holds: all but cmap (see build_prog). */
#define NOUT (NTAGS - 1)
#define OUT_DIR_BYTES (12 + 16 * NOUT)
_Static_assert(NOUT == 12, "build_prog's directory header is written for 12 tables");

struct prog_tmpl {
	HPDF_FontDef def;
	char tag_name[HPDF_TTF_FONT_TAG_LEN + 1];   /* the name table holds it */
	int failed;                                 /* not this font: always libharu's own way */
	unsigned char head[12];                     /* version, table count, search fields */
	unsigned char *tbl[NTAGS];
	unsigned long len[NTAGS];
	unsigned long *glyph;                       /* glyph g is glyf bytes glyph[g] .. glyph[g + 1] */
	struct prog_tmpl *next;
};

static struct prog_tmpl *progs;
static unsigned char *prog_buf;                     /* one document's font program, reused */
static unsigned long prog_cap;
static HPDF_UINT32 *prog_loca;

static void prog_free(struct prog_tmpl *t)
{
	for (int i = 0; t && i < NTAGS; i++)
		free(t->tbl[i]);
	if (t)
		free(t->glyph);
	free(t);
}

static void prog_forget(const void *def)
{
	struct prog_tmpl **p = &progs;

	while (*p) {
		struct prog_tmpl *t = *p;

		if (t->def == def) {
			*p = t->next;
			prog_free(t);
		} else {
			p = &t->next;
		}
	}
}

static unsigned long be32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 | (unsigned long)p[2] << 8 | p[3];
}

static void put32(unsigned char *p, unsigned long v)
{
	p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Splits a font program libharu wrote with every glyph flagged into the template; 0 if unexpected. */
static int prog_parse(struct prog_tmpl *t, const unsigned char *b, unsigned long n)
{
	HPDF_TTFontDefAttr a = t->def->attr;
	int shortfmt = a->header.index_to_loc_format == 0;
	const unsigned char *loca;

	if (n < DIR_BYTES || b[4] != 0 || b[5] != NTAGS)
		return 0;
	memcpy(t->head, b, 12);
	for (int i = 0; i < NTAGS; i++) {
		const unsigned char *d = b + 12 + 16 * i;
		unsigned long off = be32(d + 8), len = be32(d + 12);

		if (memcmp(d, tags[i], 4) || off < DIR_BYTES || off > n || len > n - off ||
		    !(t->tbl[i] = malloc(len ? len : 1)))
			return 0;
		memcpy(t->tbl[i], b + off, len);
		t->len[i] = len;
	}
	if (t->len[T_HEAD] < 12 || t->len[T_LOCA] != (a->num_glyphs + 1UL) * (shortfmt ? 2 : 4) ||
	    !(t->glyph = malloc((a->num_glyphs + 1UL) * sizeof(*t->glyph))))
		return 0;
	memset(t->tbl[T_HEAD] + 8, 0, 4);   /* checkSumAdjustment: computed per document */
	loca = t->tbl[T_LOCA];
	for (unsigned g = 0; g <= a->num_glyphs; g++) {
		t->glyph[g] = shortfmt ? (loca[2 * g] << 8 | loca[2 * g + 1]) * 2UL : be32(loca + 4 * g);
		if (t->glyph[g] > t->len[T_GLYF] || (g > 0 && t->glyph[g] < t->glyph[g - 1]))
			return 0;
		/* Each glyph as long as the font's own offsets say: what RecreateGLYF copies. */
		if (g > 0 && t->glyph[g] - t->glyph[g - 1] !=
		    (a->glyph_tbl.offsets[g] - a->glyph_tbl.offsets[g - 1]) * (shortfmt ? 2UL : 1UL))
			return 0;
	}
	return 1;
}

/* A template for def, made now if need be (by libharu, into a scratch stream); NULL if none. */
static struct prog_tmpl *prog_for(HPDF_FontDef def)
{
	HPDF_TTFontDefAttr a = def->attr;
	struct prog_tmpl *t;
	HPDF_Stream tmp;
	unsigned char *flags, *bytes = NULL;
	long n;

	for (t = progs; t; t = t->next)
		if (t->def == def && !memcmp(t->tag_name, a->tag_name, sizeof(t->tag_name)))
			return t->failed ? NULL : t;
	prog_forget(def);
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	t->def = def;
	memcpy(t->tag_name, a->tag_name, sizeof(t->tag_name));
	t->next = progs;
	progs = t;
	flags = malloc(a->num_glyphs ? a->num_glyphs : 1);
	tmp = HPDF_MemStream_New(def->mmgr, HPDF_STREAM_BUF_SIZ);
	if (flags && tmp) {
		memcpy(flags, a->glyph_tbl.flgs, a->num_glyphs);
		memset(a->glyph_tbl.flgs, 1, a->num_glyphs);
		if (plain_save_font(def, tmp) == HPDF_OK && (n = mem_size(tmp)) >= 0)
			bytes = mem_dup(tmp, (unsigned long)n);
		else
			HPDF_Error_Reset(def->error);   /* a scratch run: not the document's error */
		memcpy(a->glyph_tbl.flgs, flags, a->num_glyphs);
		t->failed = !bytes || !prog_parse(t, bytes, (unsigned long)n);
	} else {
		t->failed = 1;
	}
	free(bytes);
	free(flags);
	if (tmp)
		HPDF_Stream_Free(tmp);
	if (t->failed)
		for (int i = 0; i < NTAGS; i++)
			free(t->tbl[i]), t->tbl[i] = NULL;
	return t->failed ? NULL : t;
}

/* A table's checksum: its big-endian words, the last one padded with zeros. */
static unsigned long checksum(const unsigned char *p, unsigned long len)
{
	unsigned long sum = 0, i;

	for (i = 0; i + 4 <= len; i += 4)
		sum += be32(p + i);
	if (i < len) {
		unsigned char w[4] = { 0 };

		memcpy(w, p + i, len - i);
		sum += be32(w);
	}
	return sum & 0xFFFFFFFFUL;
}

/* glyf and loca for the glyphs flagged now, at out (room checked); returns glyf's length. */
static unsigned long build_glyf(const struct prog_tmpl *t, unsigned char *out)
{
	HPDF_TTFontDefAttr a = t->def->attr;
	int shortfmt = a->header.index_to_loc_format == 0;
	unsigned long size = 0, save = 0;

	for (unsigned g = 0; g < a->num_glyphs; g++) {
		if (a->glyph_tbl.flgs[g] == 1) {
			unsigned long len = t->glyph[g + 1] - t->glyph[g];

			prog_loca[g] = (HPDF_UINT32)(shortfmt ? size / 2 : size);
			memcpy(out + size, t->tbl[T_GLYF] + t->glyph[g], len);
			size += len;
			save = shortfmt ? size / 2 : size;
		} else {
			prog_loca[g] = (HPDF_UINT32)save;
		}
	}
	prog_loca[a->num_glyphs] = (HPDF_UINT32)save;
	return size;
}

/*
 * The first glyph from g on whose flag is set, or num_glyphs: eight flags
 * at a time, since a document uses a few hundred glyphs of thousands and
 * every document's glyphs are looked for twice.
 */
static unsigned next_flagged(HPDF_TTFontDefAttr a, unsigned g)
{
	const HPDF_BYTE *f = a->glyph_tbl.flgs;
	unsigned n = a->num_glyphs;
	uint64_t w;

	while (g < n && g % 8)
		if (f[g++])
			return g - 1;
	for (; g + 8 <= n; g += 8) {
		memcpy(&w, f + g, 8);
		if (w)
			break;
	}
	while (g < n && !f[g])
		g++;
	return g;
}

int haru_fast_save_fails(HPDF_FontDef fontdef)
{
	HPDF_TTFontDefAttr a = fontdef ? fontdef->attr : NULL;
	const struct prog_tmpl *t;
	unsigned long size = 0;

	if (!fast || !a || fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE || !a->embedding ||
	    HPDF_Error_GetCode(fontdef->error) != HPDF_OK || !(t = prog_for(fontdef)))
		return 0;
	/* The size HPDF_TTFontDef_SaveFontData below finds, without building the program. */
	for (int k = 0; k < NTAGS; k++)
		if (k != T_GLYF)
			size += t->len[k];
	for (unsigned g = next_flagged(a, 0); g < a->num_glyphs; g = next_flagged(a, g + 1))
		size += t->glyph[g + 1] - t->glyph[g];
	return size % HPDF_STREAM_BUF_SIZ == 0;
}

/* hmtx for the glyphs flagged now, at out: the template's, with the metrics of every other glyph 0. */
static void build_hmtx(const struct prog_tmpl *t, unsigned char *out)
{
	HPDF_TTFontDefAttr a = t->def->attr;
	unsigned long n = t->len[T_HMTX], hm = 0;

	memcpy(out, t->tbl[T_HMTX], n);
	if (t->len[T_HHEA] >= 36)
		hm = (unsigned long)t->tbl[T_HHEA][34] << 8 | t->tbl[T_HHEA][35];   /* numberOfHMetrics */
	for (unsigned g = 1; g < a->num_glyphs; g++) {
		unsigned long at = g < hm ? 4UL * g : 4 * hm + 2UL * (g - hm), w = g < hm ? 4 : 2;

		if (a->glyph_tbl.flgs[g] != 1 && at + w <= n)
			memset(out + at, 0, w);
	}
}

/*
 * Builds def's program for the glyphs flagged now into prog_buf (from
 * template t); returns its length, 0 on failure (out of memory) or where
 * libharu's own save fails: libharu seeks to each table to sum it, and a
 * seek to the very end of a stream whose size is a whole number of its
 * 4 KB buffers fails (HPDF_INVALID_OBJECT); the caller lets libharu fail
 * the same way there, so both ways pad the same documents (pdf.c).
 *
 * Two things libharu embeds are left out, as font subsetters do, for a
 * smaller program in every document (about 1.7 KB compressed for a
 * Latin face, 3.3 KB for the Arabic one):
 * - cmap, the font's map from characters to glyphs: a CIDFontType2 font
 *   is drawn by glyph, through its CIDToGIDMap, and the PDF standard
 *   (ISO 32000-1, 9.9) asks for cmap only in a simple TrueType font;
 * - the metrics (hmtx) of the glyphs not embedded: zeros, which
 *   compress to nothing, in place of the widths of a whole font.
 */
static unsigned long build_prog(HPDF_FontDef def, const struct prog_tmpl *t)
{
	HPDF_TTFontDefAttr a = def->attr;
	unsigned long size = 0, off[NTAGS], len[NTAGS], sum = 0, need = OUT_DIR_BYTES, i;
	int shortfmt = a->header.index_to_loc_format == 0, k, j;
	unsigned char *tables;

	for (k = 0; k < NTAGS; k++)
		need += t->len[k];   /* glyf holds every glyph here: room for any document's */
	if (need > prog_cap) {
		unsigned char *p = realloc(prog_buf, need);

		if (!p)
			return 0;
		prog_buf = p;
		prog_cap = need;
	}
	if (!prog_loca && !(prog_loca = malloc(0x10001 * sizeof(*prog_loca))))
		return 0;
	tables = prog_buf + OUT_DIR_BYTES;
	for (k = 0; k < NTAGS; k++) {
		off[k] = size;
		len[k] = t->len[k];
		if (k == T_CMAP) {
			len[k] = 0;
		} else if (k == T_GLYF) {
			len[k] = build_glyf(t, tables + size);
		} else if (k == T_LOCA) {
			for (unsigned g = 0; g <= a->num_glyphs; g++)
				if (shortfmt)
					tables[size + 2 * g] = (unsigned char)(prog_loca[g] >> 8),
					tables[size + 2 * g + 1] = (unsigned char)prog_loca[g];
				else
					put32(tables + size + 4 * g, prog_loca[g]);
		} else if (k == T_HMTX) {
			build_hmtx(t, tables + size);
		} else {
			memcpy(tables + size, t->tbl[k], len[k]);
		}
		size += len[k];
	}
	if ((size + t->len[T_CMAP]) % HPDF_STREAM_BUF_SIZ == 0)   /* the size libharu's program has */
		return 0;
	/* The directory: 12 tables (searchRange 8 * 16, entrySelector 3, rangeShift 4 * 16). */
	memcpy(prog_buf, t->head, 4);
	memcpy(prog_buf + 4, "\0\x0c\0\x80\0\x03\0\x40", 8);
	for (k = 0, j = 0; k < NTAGS; k++) {
		unsigned char *d = prog_buf + 12 + 16 * j;

		if (k == T_CMAP)
			continue;
		memcpy(d, tags[k], 4);
		put32(d + 4, checksum(tables + off[k], len[k]));
		put32(d + 8, off[k] + OUT_DIR_BYTES);
		put32(d + 12, len[k]);
		j++;
	}
	/* checkSumAdjustment, as libharu sums it: the tables only, whole words only. */
	for (i = 0; i + 4 <= size; i += 4)
		sum += be32(tables + i);
	put32(tables + off[T_HEAD] + 8, (0xB1B0AFBAUL - sum) & 0xFFFFFFFFUL);
	return size + OUT_DIR_BYTES;
}

/*
 * Font programs kept by the glyphs they hold. Most documents embed a set
 * of glyphs an earlier one did (the Korean statements of a night, a few
 * dozen sets), so each program is built and compressed once: the
 * document's stream is given a token instead of the program (see
 * kept_token), and the compressed bytes take its place when the document
 * is saved. Tables of up to KEPT_BYTES; a full one is retired and a new
 * one begun, the retired one freed at the next turn, so a token given
 * during a save is always found again in that save.
 */
#define KEPT_BUCKETS 4096                    /* a power of two */
#define KEPT_BYTES (48UL << 20)

struct kept_prog {
	const struct prog_tmpl *tmpl;       /* the font (and its cut) */
	uint64_t hash;
	uint16_t *gids;                     /* the glyphs flagged, ascending */
	unsigned ngids;
	unsigned long len;                  /* the program's bytes (Length1) */
	unsigned char *z;                   /* and compressed */
	unsigned long nz;
	uint64_t gen, num;                  /* its table's generation, its number there: its token */
	struct kept_prog *next;             /* in its bucket */
};

struct kept_table {
	struct kept_prog *bucket[KEPT_BUCKETS];
	struct kept_prog **all;             /* by number, for tokens */
	unsigned n, cap;
	unsigned long bytes;
	uint64_t gen;                       /* which table a token names */
};

static struct kept_table *kept, *kept_retired;
static uint16_t *flagged_gids;          /* the glyphs a document flags, reused */

static void kept_free(struct kept_table *k)
{
	if (!k)
		return;
	for (unsigned i = 0; i < k->n; i++) {
		free(k->all[i]->gids);
		free(k->all[i]->z);
		free(k->all[i]);
	}
	free(k->all);
	free(k);
}

/* The glyphs of def flagged now, into flagged_gids, and their hash; -1 if out of memory. */
static long flagged_set(HPDF_TTFontDefAttr a, uint64_t *hash)
{
	uint64_t h = 1469598103934665603ULL;
	long n = 0;

	if (!flagged_gids && !(flagged_gids = malloc(0x10000 * sizeof(*flagged_gids))))
		return -1;
	for (unsigned g = next_flagged(a, 0); g < a->num_glyphs && g < 0x10000; g = next_flagged(a, g + 1))
		if (a->glyph_tbl.flgs[g] == 1) {
			flagged_gids[n++] = (uint16_t)g;
			h = (h ^ g) * 1099511628211ULL;
		}
	*hash = h;
	return n;
}

static struct kept_prog *kept_find(const struct prog_tmpl *t, uint64_t hash, long n)
{
	struct kept_prog *e;

	for (e = kept ? kept->bucket[hash & (KEPT_BUCKETS - 1)] : NULL; e; e = e->next)
		if (e->tmpl == t && e->hash == hash && e->ngids == (unsigned)n &&
		    !memcmp(e->gids, flagged_gids, (size_t)n * sizeof(*flagged_gids)))
			return e;
	return NULL;
}

/* Keeps the program in prog_buf (len bytes) compressed, for the glyphs in flagged_gids; NULL if it cannot. */
static struct kept_prog *kept_add(const struct prog_tmpl *t, uint64_t hash, long n, unsigned long len)
{
	static uint64_t gens;
	struct kept_prog *e = calloc(1, sizeof(*e));
	size_t nz = compress_raw(prog_buf, len);

	if (!e || !nz || !(e->gids = malloc((size_t)(n ? n : 1) * sizeof(*e->gids))) || !(e->z = malloc(nz)))
		goto fail;
	if (!kept || kept->bytes + nz > KEPT_BYTES) {
		kept_free(kept_retired);
		kept_retired = kept;
		if (!(kept = calloc(1, sizeof(*kept))))
			goto fail;
		kept->gen = ++gens;
	}
	if (kept->n == kept->cap) {
		unsigned cap = kept->cap ? 2 * kept->cap : 64;
		struct kept_prog **all = realloc(kept->all, cap * sizeof(*all));

		if (!all)
			goto fail;
		kept->all = all;
		kept->cap = cap;
	}
	memcpy(e->gids, flagged_gids, (size_t)n * sizeof(*e->gids));
	memcpy(e->z, zout, nz);
	e->tmpl = t;
	e->hash = hash;
	e->ngids = (unsigned)n;
	e->len = len;
	e->nz = nz;
	e->gen = kept->gen;
	e->num = kept->n;
	e->next = kept->bucket[hash & (KEPT_BUCKETS - 1)];
	kept->bucket[hash & (KEPT_BUCKETS - 1)] = e;
	kept->all[kept->n++] = e;
	kept->bytes += nz + (size_t)n * sizeof(*e->gids);
	return e;
fail:
	if (e) {
		free(e->gids);
		free(e->z);
	}
	free(e);
	return NULL;
}

/*
 * What a font program's stream holds in place of the program: a marker no
 * other stream begins with, the table's generation and the entry's number.
 */
static const unsigned char kept_magic[8] = { 0xFF, 'n', 'g', 'p', 'r', 'o', 'g', 0xFF };
#define KEPT_TOKEN 24

static HPDF_STATUS kept_token(HPDF_Stream stream, const struct kept_prog *e)
{
	unsigned char tok[KEPT_TOKEN];

	memcpy(tok, kept_magic, 8);
	memcpy(tok + 8, &e->gen, 8);
	memcpy(tok + 16, &e->num, 8);
	return HPDF_Stream_Write(stream, tok, KEPT_TOKEN);
}

/* The kept program a token (KEPT_TOKEN bytes at tok) names; NULL if none. */
static const struct kept_prog *kept_named(const unsigned char *tok)
{
	uint64_t gen, num;

	if (memcmp(tok, kept_magic, 8))
		return NULL;
	memcpy(&gen, tok + 8, 8);
	memcpy(&num, tok + 16, 8);
	if (kept && gen == kept->gen && num < kept->n)
		return kept->all[num];
	if (kept_retired && gen == kept_retired->gen && num < kept_retired->n)
		return kept_retired->all[num];
	return NULL;
}

/* 1 if src (len bytes) is a kept program's token: then its compressed bytes are written to dst. */
static int kept_write(HPDF_Stream src, long len, HPDF_Stream dst, HPDF_STATUS *ret)
{
	unsigned char tok[KEPT_TOKEN];
	const struct kept_prog *e;

	if (len != KEPT_TOKEN)
		return 0;
	mem_copy(src, 0, KEPT_TOKEN, tok);
	if (!(e = kept_named(tok)))
		return 0;
	*ret = HPDF_Stream_Write(dst, e->z, (HPDF_UINT)e->nz);
	return 1;
}

HPDF_STATUS HPDF_TTFontDef_SaveFontData(HPDF_FontDef fontdef, HPDF_Stream stream)
{
	HPDF_TTFontDefAttr a = fontdef->attr;
	const struct prog_tmpl *t;
	struct kept_prog *e;
	unsigned long len;
	uint64_t hash;
	long n;

	if (!fast || !a || HPDF_Error_GetCode(fontdef->error) != HPDF_OK || mem_size(stream) != 0 ||
	    !(t = prog_for(fontdef)) || (n = flagged_set(a, &hash)) < 0)
		return plain_save_font(fontdef, stream);
	if ((e = kept_find(t, hash, n))) {
		a->length1 = (HPDF_UINT)e->len;
		return kept_token(stream, e);
	}
	if (!(len = build_prog(fontdef, t)))
		return plain_save_font(fontdef, stream);
	a->length1 = (HPDF_UINT)len;
	if ((e = kept_add(t, hash, n, len)))
		return kept_token(stream, e);
	return HPDF_Stream_Write(stream, prog_buf, (HPDF_UINT)len);
}

/* ---- Character widths: a glyph's components found once per run, not once per document. ---- */

/*
 * HPDF_TTFontDef_GetCharWidth flags the glyph of a character the first
 * time a document uses it and, for an embedded font, reads the glyph from
 * the font file (a seek and a few reads) to flag the components of a
 * composite glyph, first level only. pdf.c clears the flags before every
 * document, so that happens for each glyph of each document. Here
 * libharu's own function finds a glyph's components the first time, on a
 * scratch copy of the flags, and they are kept per font definition.
 */
struct comps_tmpl {
	HPDF_FontDef def;
	char tag_name[HPDF_TTF_FONT_TAG_LEN + 1];   /* with num_glyphs: the same font, not a new one at the same address */
	HPDF_UINT num_glyphs;
	uint16_t **comp;                            /* per glyph: NULL unknown, else [n, index...] */
	HPDF_BYTE *scratch;                         /* all zero between calls */
	struct comps_tmpl *next;
};

static struct comps_tmpl *comps;
static uint16_t no_comp[1];                         /* a glyph known to have none */

static void comps_free(struct comps_tmpl *t)
{
	for (HPDF_UINT g = 0; g < t->num_glyphs; g++)
		if (t->comp[g] != no_comp)
			free(t->comp[g]);
	free(t->comp);
	free(t->scratch);
	free(t);
}

static void comps_forget(const void *def)
{
	struct comps_tmpl **p = &comps;

	while (*p) {
		struct comps_tmpl *t = *p;

		if (t->def == def) {
			*p = t->next;
			comps_free(t);
		} else {
			p = &t->next;
		}
	}
}

/* The kept components of def's glyphs, started now if need be; NULL if out of memory. */
static struct comps_tmpl *comps_for(HPDF_FontDef def)
{
	HPDF_TTFontDefAttr a = def->attr;
	struct comps_tmpl *t;

	for (t = comps; t; t = t->next)
		if (t->def == def && t->num_glyphs == a->num_glyphs &&
		    !memcmp(t->tag_name, a->tag_name, sizeof(t->tag_name)))
			return t;
	comps_forget(def);
	if (!(t = calloc(1, sizeof(*t))))
		return NULL;
	t->def = def;
	memcpy(t->tag_name, a->tag_name, sizeof(t->tag_name));
	t->num_glyphs = a->num_glyphs;
	t->comp = calloc(a->num_glyphs, sizeof(*t->comp));
	t->scratch = calloc(a->num_glyphs, 1);
	if (!t->comp || !t->scratch) {
		free(t->comp);
		free(t->scratch);
		free(t);
		return NULL;
	}
	t->next = comps;
	comps = t;
	return t;
}

/*
 * Asks libharu which glyphs it flags along with glyph gid (unicode's) by
 * letting it flag them in the zeroed scratch array instead of the font's;
 * keeps them unless reading the font failed. Returns the list, or NULL
 * for libharu's own way (which reads the font again and sets the error).
 */
static const uint16_t *comps_learn(struct comps_tmpl *t, HPDF_UINT16 unicode, HPDF_UINT16 gid)
{
	HPDF_TTFontDefAttr a = t->def->attr;
	HPDF_BYTE *flags = a->glyph_tbl.flgs;
	static uint16_t list[0x10000];
	unsigned n = 0;
	const HPDF_BYTE *p = t->scratch, *end = t->scratch + t->num_glyphs;

	a->glyph_tbl.flgs = t->scratch;
	plain_char_width(t->def, unicode);
	a->glyph_tbl.flgs = flags;
	while ((p = memchr(p, 1, (size_t)(end - p)))) {
		unsigned g = (unsigned)(p - t->scratch);

		t->scratch[g] = 0;
		if (g != gid)
			list[n++] = (uint16_t)g;
		p++;
	}
	if (HPDF_Error_GetCode(t->def->error) != HPDF_OK)
		return NULL;
	if (n == 0)
		return t->comp[gid] = no_comp;
	if (!(t->comp[gid] = malloc((n + 1) * sizeof(uint16_t))))
		return NULL;
	t->comp[gid][0] = (uint16_t)n;
	memcpy(t->comp[gid] + 1, list, n * sizeof(uint16_t));
	return t->comp[gid];
}

/* A glyph's width in thousandths of an em, as libharu computes it. */
static HPDF_INT16 gid_width(HPDF_TTFontDefAttr a, HPDF_UINT16 gid)
{
	return (HPDF_INT16)(HPDF_UINT16)((HPDF_UINT)a->h_metric[gid].advance_width * 1000 / a->header.units_per_em);
}

HPDF_INT16 HPDF_TTFontDef_GetCharWidth(HPDF_FontDef fontdef, HPDF_UINT16 unicode)
{
	HPDF_TTFontDefAttr a = fontdef ? fontdef->attr : NULL;
	struct comps_tmpl *t;
	const uint16_t *c;
	HPDF_UINT16 gid;

	if (!fast || !a || fontdef->type != HPDF_FONTDEF_TYPE_TRUETYPE || !a->embedding ||
	    HPDF_Error_GetCode(fontdef->error) != HPDF_OK)
		return plain_char_width(fontdef, unicode);
	gid = HPDF_TTFontDef_GetGlyphid(fontdef, unicode);
	if (gid >= a->num_glyphs)
		return fontdef->missing_width;
	if (a->glyph_tbl.flgs[gid])
		return gid_width(a, gid);
	if (!(t = comps_for(fontdef)) || !(c = t->comp[gid] ? t->comp[gid] : comps_learn(t, unicode, gid)))
		return plain_char_width(fontdef, unicode);
	a->glyph_tbl.flgs[gid] = 1;
	for (unsigned k = 1; k <= c[0]; k++)
		a->glyph_tbl.flgs[c[k]] = 1;
	return gid_width(a, gid);
}
