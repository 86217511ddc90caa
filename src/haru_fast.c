/*
 * haru_fast.c - faster versions of some of libharu 2.3.0's internal
 * functions, with identical results.
 *
 * libharu calls these through the shared library's symbol table, so the
 * definitions here take their place. Profiling a night showed 38% of the
 * time in HPDF_TTFontDef_GetGlyphid: building a document's CID-to-glyph map
 * asks it for all 65,536 code points, and it scans the font's cmap segments
 * linearly for each; a binary search returns the same glyph ids. The byte
 * copy and fill loops become libc's memcpy and memset.
 *
 * Two more do the same work once per run instead of once per document,
 * since it gives the same bytes every time:
 * - HPDF_Type0Font_New (a font object for a document) walks all 65,536
 *   code points three times to build the same widths array and the same
 *   128 KB CID-to-glyph map for a given font; the first document's are
 *   kept and later documents get copies.
 * - HPDF_Stream_WriteToStreamWithDeflate compresses every stream when a
 *   document is saved; a stream seen before (the CID-to-glyph maps, the
 *   ToUnicode CMap, a font program with the same glyphs) gets the bytes
 *   zlib gave the first time, found by comparing the whole input.
 *
 * They are used only with the library version they were written against
 * (checked at start-up by haru_fast_init), and NOTICEGEN_PLAIN_LIBHARU=1
 * turns them off so a test can prove the output is byte-identical.
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
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

static glyphid_fn plain_glyphid;
static memcpy_fn plain_memcpy;
static memset_fn plain_memset;
static type0_fn plain_type0;
static fontdef_free_fn plain_fontdef_free;
static encoder_free_fn plain_encoder_free;
static deflate_fn plain_deflate;
static array_write_fn plain_array_write;

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
	fast = !strcmp(HPDF_GetVersion(), "2.3.0") && !(off && *off == '1') &&
	       plain_glyphid && plain_memcpy && plain_memset && plain_type0 && plain_fontdef_free &&
	       plain_encoder_free && plain_deflate && plain_array_write;
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

#define ZCACHE_SLOTS 48                      /* kept inputs and their compressed bytes */
#define ZCACHE_SEEN 64                       /* fingerprints of inputs compressed once */
#define ZCACHE_MAX_BYTES (24UL << 20)        /* inputs plus outputs, all slots */

struct zentry {
	unsigned char *in, *out;
	unsigned long nin, nout;
	unsigned long used;                      /* the clock when last used: the least recent goes first */
};

static struct zentry zcache[ZCACHE_SLOTS];
static unsigned long zclock, zbytes;
static uint64_t zseen[ZCACHE_SEEN];
static unsigned zseen_next;

/*
 * A cheap fingerprint of a stream's input (its size and a few bytes from
 * the start, the middle and the end) to notice the same input a second
 * time. Only then is it kept: a page's content is new in every document
 * and would only push out what is worth keeping. Equality is always decided
 * by comparing every byte, never by the fingerprint.
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

static struct zentry *zfind(HPDF_Stream src, unsigned long len)
{
	for (int i = 0; i < ZCACHE_SLOTS; i++)
		if (zcache[i].in && zcache[i].nin == len && mem_equal(src, zcache[i].in, len))
			return &zcache[i];
	return NULL;
}

/* 1 the second time an input with this fingerprint is compressed. */
static int seen_before(uint64_t fp)
{
	for (int i = 0; i < ZCACHE_SEEN; i++)
		if (zseen[i] == fp)
			return 1;
	zseen[zseen_next++ % ZCACHE_SEEN] = fp;
	return 0;
}

static void zdrop(struct zentry *e)
{
	zbytes -= e->nin + e->nout;
	free(e->in);
	free(e->out);
	memset(e, 0, sizeof(*e));
}

/* Keeps in -> out (taking both buffers), pushing out the least recently used. */
static void zkeep(unsigned char *in, unsigned long nin, unsigned char *out, unsigned long nout)
{
	struct zentry *slot = NULL;

	if (nin + nout > ZCACHE_MAX_BYTES / 4) {
		free(in);
		free(out);
		return;
	}
	for (;;) {
		struct zentry *old = NULL;

		slot = NULL;
		for (int i = 0; i < ZCACHE_SLOTS; i++) {
			if (!zcache[i].in && !slot)
				slot = &zcache[i];
			if (zcache[i].in && (!old || zcache[i].used < old->used))
				old = &zcache[i];
		}
		if (slot && zbytes + nin + nout <= ZCACHE_MAX_BYTES)
			break;
		zdrop(old);
	}
	slot->in = in;
	slot->nin = nin;
	slot->out = out;
	slot->nout = nout;
	slot->used = ++zclock;
	zbytes += nin + nout;
}

HPDF_STATUS HPDF_Stream_WriteToStreamWithDeflate(HPDF_Stream src, HPDF_Stream dst, HPDF_Encrypt e)
{
	long len = fast && !e ? mem_size(src) : -1;
	long before = len > 0 ? mem_size(dst) : -1;
	struct zentry *hit;
	unsigned char *in, *out;
	unsigned long nout;
	HPDF_STATUS ret;

	if (len <= 0 || before < 0)
		return plain_deflate(src, dst, e);
	hit = zfind(src, (unsigned long)len);
	if (hit) {
		hit->used = ++zclock;
		return HPDF_Stream_Write(dst, hit->out, (HPDF_UINT)hit->nout);
	}
	ret = plain_deflate(src, dst, e);
	if (ret != HPDF_OK || mem_size(dst) < before || !seen_before(fingerprint(src, (unsigned long)len)))
		return ret;
	/* The second time: keep the input and what zlib made of it (the end of dst). */
	nout = (unsigned long)(mem_size(dst) - before);
	in = mem_dup(src, (unsigned long)len);
	out = malloc(nout ? nout : 1);
	if (!in || !out) {
		free(in);
		free(out);
		return ret;
	}
	mem_copy(dst, (unsigned long)before, nout, out);
	zkeep(in, (unsigned long)len, out, nout);
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
 * writes the text libharu wrote for the original in its place.
 */
struct type0_tmpl {
	HPDF_FontDef def;
	HPDF_Encoder enc;
	HPDF_INT32 id;
	unsigned char *w, *map, *tounicode;  /* the W array as written; the two streams' bytes */
	unsigned long nw, nmap, ntounicode;
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

void HPDF_FontDef_Free(HPDF_FontDef fontdef)
{
	tmpl_forget(fontdef, NULL);
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

HPDF_STATUS HPDF_Array_Write(HPDF_Array array, HPDF_Stream stream, HPDF_Encrypt e)
{
	const HPDF_Obj_Header *h;
	const struct type0_tmpl *t;
	HPDF_INT32 v;

	if (!fast || !array->list || array->list->count != 1 || !(h = array->list->obj[0]) ||
	    (h->obj_class & HPDF_OCLASS_ANY) != HPDF_OCLASS_NUMBER)
		return plain_array_write(array, stream, e);
	v = ((const HPDF_Number_Rec *)(const void *)h)->value;
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
	    HPDF_Stream_Write(fa->map_stream->stream, t->map, (HPDF_UINT)t->nmap) != HPDF_OK)
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
