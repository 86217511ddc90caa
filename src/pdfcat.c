/*
 * pdfcat.c - joins finished PDFs into one print batch.
 *
 * Drawing each piece again for its batch cost about as much as making it
 * (the ledger read again, layout, libharu, compression); copying its
 * objects costs a read and a copy, and the batch then holds exactly the
 * bytes of the archive's pages. Objects are renumbered as they are
 * copied, children before parents, so a parent is written once its
 * children's numbers are known. An object whose bytes, renumbered, equal
 * one already in the batch is not written again but shared: every piece
 * has the same glyph maps and Unicode maps per font, and often the same
 * font subset.
 *
 * Each page that gets marks gets them in a stream of its own after its
 * content, which is wrapped in q ... Q so that nothing the page left set
 * (a transformation, a colour) moves or tints the marks.
 */
#include "pdfcat.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flate.h"
#include "pdfnum.h"

enum {
	OBJ_CATALOG = 1,
	OBJ_PAGES = 2,
	OBJ_INFO = 3,
	OBJ_SAVE = 4,        /* the stream "q" every marked page starts with */
	OBJ_FIRST = 5,
};

#define BUSY UINT32_MAX      /* a source object whose copy is under way */

struct obj {
	size_t at;           /* where "n 0 obj" starts in the batch */
	size_t body, len;    /* its body, between "obj\n" and "\nendobj" */
	uint64_t hash;
};

struct pdf_cat {
	unsigned char *out;              /* the batch so far */
	size_t n, cap;
	struct obj *obj;                 /* obj[k]: batch object k */
	uint32_t nobj, objcap;           /* nobj: the next number */
	uint32_t *slot;                  /* shared objects by hash: their numbers, 0 for none */
	size_t nslot, nshared;
	uint32_t *kid;                   /* the batch's pages in order */
	size_t nkid, kidcap;
	unsigned char *scratch;          /* a marks stream, then compressed */
	size_t scratch_cap;
	char mediabox[64];               /* the last page's, for blank pages */
	/* The piece being added. */
	const unsigned char *src;
	size_t srclen;
	size_t *xoff;                    /* its objects' offsets (0: free) */
	uint32_t *map;                   /* their numbers in the batch (0: not copied yet) */
	size_t nsrc, srccap;
	struct ng_err *err;
};

static int oom(struct pdf_cat *c)
{
	return ng_fail(c->err, NG_EINTERNAL, "out of memory joining a print batch");
}

static int bad(struct pdf_cat *c, const char *what)
{
	return ng_fail(c->err, NG_EDATA, "not a PDF as noticegen writes them: %s", what);
}

/* ---- the batch's bytes ---- */

static int put(struct pdf_cat *c, const void *p, size_t n)
{
	if (c->n + n > c->cap) {
		size_t cap = c->cap ? c->cap : (size_t)1 << 20;
		unsigned char *q;

		while (cap < c->n + n)
			cap *= 2;
		if (!(q = realloc(c->out, cap)))
			return oom(c);
		c->out = q;
		c->cap = cap;
	}
	memcpy(c->out + c->n, p, n);
	c->n += n;
	return 0;
}

static int putf(struct pdf_cat *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int putf(struct pdf_cat *c, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= sizeof(buf))
		return ng_fail(c->err, NG_EINTERNAL, "a PDF line too long for the batch writer");
	return put(c, buf, (size_t)k);
}

/* "num 0 R", without printf: the batch writes one for every reference it copies. */
static int put_ref(struct pdf_cat *c, uint32_t num)
{
	char b[16];
	int k = sizeof(b);

	b[--k] = 'R', b[--k] = ' ', b[--k] = '0', b[--k] = ' ';
	do
		b[--k] = (char)('0' + num % 10);
	while ((num /= 10) > 0);
	return put(c, b + k, sizeof(b) - (size_t)k);
}

/* A cheap 64-bit hash to find equal objects; equality is always decided by comparing bytes. */
static uint64_t hash(const unsigned char *p, size_t n)
{
	/* Four words at a time in four independent chains: a font program is hashed in every piece. */
	uint64_t h[4] = { 0x9E3779B97F4A7C15ULL ^ n, 0xC2B2AE3D27D4EB4FULL, 0x165667B19E3779F9ULL, 0x27D4EB2F165667C5ULL };
	uint64_t w;
	size_t i = 0;

	for (; i + 32 <= n; i += 32)
		for (int k = 0; k < 4; k++) {
			memcpy(&w, p + i + 8 * k, 8);
			h[k] = (h[k] ^ w) * 0xFF51AFD7ED558CCDULL;
			h[k] ^= h[k] >> 29;
		}
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, p + i, 8);
		h[0] = (h[0] ^ w) * 0xFF51AFD7ED558CCDULL;
		h[0] ^= h[0] >> 29;
	}
	w = 0;
	memcpy(&w, p + i, n - i);
	w = (h[0] ^ w) * 0xC4CEB9FE1A85EC53ULL ^ h[1] * 0x9E3779B97F4A7C15ULL ^ h[2] * 0xFF51AFD7ED558CCDULL ^
	    h[3] * 0xC2B2AE3D27D4EB4FULL;
	return w ^ (w >> 32);
}

/* Batch object number num starts here. */
static int start_obj(struct pdf_cat *c, uint32_t num)
{
	if (num >= c->objcap) {
		uint32_t cap = c->objcap ? c->objcap * 2 : 4096;
		struct obj *o;

		while (cap <= num)
			cap *= 2;
		if (!(o = realloc(c->obj, cap * sizeof(*o))))
			return oom(c);
		c->obj = o;
		c->objcap = cap;
	}
	c->obj[num].at = c->n;
	if (putf(c, "%u 0 obj\n", num))
		return -1;
	c->obj[num].body = c->n;
	return 0;
}

static int end_obj(struct pdf_cat *c, uint32_t num)
{
	c->obj[num].len = c->n - c->obj[num].body;
	return put(c, "\nendobj\n", 8);
}

static int grow_slots(struct pdf_cat *c)
{
	size_t n = c->nslot ? c->nslot * 2 : 4096, i, k;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return oom(c);
	for (i = 0; i < c->nslot; i++)
		if (c->slot[i]) {
			for (k = c->obj[c->slot[i]].hash & (n - 1); s[k]; k = (k + 1) & (n - 1))
				;
			s[k] = c->slot[i];
		}
	free(c->slot);
	c->slot = s;
	c->nslot = n;
	return 0;
}

/*
 * The object just written as num: if one written before has the same
 * body, num is dropped (its bytes taken back) and *to is that one;
 * else num is kept and remembered.
 */
static int share(struct pdf_cat *c, uint32_t num, uint32_t *to)
{
	struct obj *o = &c->obj[num];
	size_t k;

	o->len = c->n - o->body;
	o->hash = hash(c->out + o->body, o->len);
	if ((c->nshared + 1) * 2 > c->nslot && grow_slots(c))
		return -1;
	for (k = o->hash & (c->nslot - 1); c->slot[k]; k = (k + 1) & (c->nslot - 1)) {
		const struct obj *p = &c->obj[c->slot[k]];

		if (p->hash == o->hash && p->len == o->len && !memcmp(c->out + p->body, c->out + o->body, o->len)) {
			c->n = o->at;
			*to = c->slot[k];
			return 0;
		}
	}
	c->slot[k] = num;
	c->nshared++;
	c->nobj++;
	*to = num;
	return end_obj(c, num);
}

/* ---- reading the piece ---- */

static int is_ws(unsigned char ch)
{
	return ch == ' ' || ch == '\n' || ch == '\r' || ch == '\t' || ch == '\f' || ch == 0;
}

static int is_delim(unsigned char ch)
{
	switch (ch) {
	case '(': case ')': case '<': case '>': case '[': case ']': case '{': case '}': case '/': case '%':
		return 1;
	default:
		return is_ws(ch);
	}
}

static int is_digit(unsigned char ch)
{
	return ch >= '0' && ch <= '9';
}

static size_t skip_ws(const struct pdf_cat *c, size_t i, size_t e)
{
	while (i < e && is_ws(c->src[i]))
		i++;
	return i;
}

/* An unsigned number at *i (advanced past it); 0 if none. */
static int number(const struct pdf_cat *c, size_t *i, size_t e, unsigned long *v)
{
	size_t j = *i;

	*v = 0;
	while (j < e && is_digit(c->src[j]) && j - *i < 10)
		*v = *v * 10 + (unsigned long)(c->src[j++] - '0');
	if (j == *i || (j < e && is_digit(c->src[j])))
		return 0;
	*i = j;
	return 1;
}

/* A reference "num 0 R" at *i (advanced past it); 0 if there is none. */
static int reference(const struct pdf_cat *c, size_t *i, size_t e, unsigned long *num)
{
	size_t j = *i, k;
	unsigned long gen;

	if (!number(c, &j, e, num) || (k = skip_ws(c, j, e)) == j || !number(c, &k, e, &gen) || gen != 0)
		return 0;
	j = skip_ws(c, k, e);
	if (j == k || j >= e || c->src[j] != 'R' || (j + 1 < e && !is_delim(c->src[j + 1])))
		return 0;
	*i = j + 1;
	return 1;
}

/* Past a literal string "( ... )" starting at i. */
static size_t skip_string(const struct pdf_cat *c, size_t i, size_t e)
{
	int depth = 0;

	do {
		if (c->src[i] == '\\')
			i++;
		else if (c->src[i] == '(')
			depth++;
		else if (c->src[i] == ')')
			depth--;
		i++;
	} while (i < e && depth > 0);
	return i;
}

/* Past the dictionary "<< ... >>" starting at i; 0 if it does not end. */
static size_t dict_end(const struct pdf_cat *c, size_t i, size_t e)
{
	/* The bytes that can change the depth; a font's widths array is long and has none. */
	static const unsigned char special[256] = { ['<'] = 1, ['>'] = 1, ['('] = 1 };
	int depth = 0;

	while (i + 1 < e) {
		const unsigned char *s = c->src + i;

		if (!special[s[0]]) {
			i++;
			while (i + 1 < e && !special[c->src[i]])
				i++;
			continue;
		}
		if (s[0] == '<' && s[1] == '<')
			depth++, i += 2;
		else if (s[0] == '>' && s[1] == '>') {
			i += 2;
			if (--depth == 0)
				return i;
		} else if (s[0] == '(')
			i = skip_string(c, i, e);
		else
			i++;
	}
	return 0;
}

/* Where the value of key /name starts in [b, e) (at any depth); 0 if absent. */
static size_t key(const struct pdf_cat *c, size_t b, size_t e, const char *name)
{
	size_t n = strlen(name), i;

	for (i = b; i + n + 1 < e; i++)
		if (c->src[i] == '/' && !memcmp(c->src + i + 1, name, n) && is_delim(c->src[i + 1 + n]))
			return skip_ws(c, i + 1 + n, e);
	return 0;
}

struct body {
	size_t b, e;             /* the object's value: a dictionary, number, array... */
	size_t data, len;        /* its stream's bytes, if stream is set */
	int stream;
};

static int locate(struct pdf_cat *c, unsigned long k, struct body *o, int depth);

/* The /Length of the stream dictionary [b, e): a number, or a reference to one. */
static int stream_length(struct pdf_cat *c, size_t b, size_t e, size_t *len, int depth)
{
	size_t i = key(c, b, e, "Length");
	unsigned long v;
	struct body o;

	if (!i)
		return bad(c, "a stream without /Length");
	if (reference(c, &i, e, &v)) {
		if (locate(c, v, &o, depth + 1))
			return -1;
		i = o.b;
		if (!number(c, &i, o.e, &v))
			return bad(c, "a stream length that is not a number");
	} else if (!number(c, &i, e, &v)) {
		return bad(c, "a stream length that is not a number");
	}
	*len = v;
	return 0;
}

/* Finds source object k: "k 0 obj", its value, its stream. */
static int locate(struct pdf_cat *c, unsigned long k, struct body *o, int depth)
{
	size_t n = c->srclen, i;
	unsigned long v, gen;

	memset(o, 0, sizeof(*o));
	if (depth > 2 || k >= c->nsrc || !(i = c->xoff[k]))
		return bad(c, "a reference to an object that is not there");
	if (!number(c, &i, n, &v) || v != k || !number(c, (i = skip_ws(c, i, n), &i), n, &gen) || gen ||
	    (i = skip_ws(c, i, n)) + 3 > n || memcmp(c->src + i, "obj", 3))
		return bad(c, "the cross-reference table points beside an object");
	o->b = skip_ws(c, i + 3, n);
	if (o->b + 1 < n && c->src[o->b] == '<' && c->src[o->b + 1] == '<') {
		if (!(o->e = dict_end(c, o->b, n)))
			return bad(c, "a dictionary that does not end");
		i = skip_ws(c, o->e, n);
		if (i + 6 <= n && !memcmp(c->src + i, "stream", 6)) {
			i += 6;
			i += i < n && c->src[i] == '\r';
			i += i < n && c->src[i] == '\n';
			o->stream = 1;
			o->data = i;
			if (stream_length(c, o->b, o->e, &o->len, depth))
				return -1;
			i = o->data + o->len;
			if (o->len > n - o->data || (i = skip_ws(c, i, n)) + 9 > n || memcmp(c->src + i, "endstream", 9))
				return bad(c, "a stream that does not end where its /Length says");
		}
		return 0;
	}
	{
		const unsigned char *end = memmem(c->src + o->b, n - o->b, "endobj", 6);

		if (!end)
			return bad(c, "an object that does not end");
		for (o->e = (size_t)(end - c->src); o->e > o->b && is_ws(c->src[o->e - 1]); o->e--)
			;
	}
	return 0;
}

/* The piece's cross-reference table; *root: its catalog's number. */
static int read_xref(struct pdf_cat *c, unsigned long *root)
{
	size_t n = c->srclen, i, at, k;
	unsigned long off, first, count, e;

	if (n < 64)
		return bad(c, "too short");
	for (k = n - 9; memcmp(c->src + k, "startxref", 9); k--)
		if (k + 64 < n)
			return bad(c, "no startxref at the end");
	i = skip_ws(c, k + 9, n);
	if (!number(c, &i, n, &off) || off + 4 > n || memcmp(c->src + off, "xref", 4))
		return bad(c, "no cross-reference table where startxref says");
	at = skip_ws(c, off + 4, n);
	if (!number(c, &at, n, &first) || first != 0 || !number(c, (at = skip_ws(c, at, n), &at), n, &count) ||
	    count == 0 || (at = skip_ws(c, at, n)) + 20 * count > n)
		return bad(c, "a cross-reference table not in one section from object 0");
	if (count > c->srccap) {
		size_t *x = realloc(c->xoff, count * sizeof(*x));
		uint32_t *m = x ? realloc(c->map, count * sizeof(*m)) : NULL;

		if (x)
			c->xoff = x;
		if (!m)
			return oom(c);
		c->map = m;
		c->srccap = count;
	}
	c->nsrc = count;
	memset(c->map, 0, count * sizeof(*c->map));
	for (e = 0; e < count; e++, at += 20) {
		i = at;
		if (!number(c, &i, n, &off) || (c->src[at + 17] != 'n' && c->src[at + 17] != 'f'))
			return bad(c, "a bad cross-reference entry");
		c->xoff[e] = c->src[at + 17] == 'n' && off < n ? off : 0;
	}
	if (!(i = key(c, at, k, "Root")) || !reference(c, &i, k, root))
		return bad(c, "a trailer without /Root");
	return 0;
}

/* The piece's pages in order, into c->kid from *first on: the catalog's /Pages /Kids. */
static int read_pages(struct pdf_cat *c, unsigned long root, unsigned long *pages, unsigned long **kids,
		      size_t *nkids)
{
	struct body cat, tree;
	size_t i, cap = 0;
	unsigned long k, *v = NULL;

	if (locate(c, root, &cat, 0))
		return -1;
	if (!(i = key(c, cat.b, cat.e, "Pages")) || !reference(c, &i, cat.e, pages))
		return bad(c, "a catalog without /Pages");
	if (locate(c, *pages, &tree, 0))
		return -1;
	if (!(i = key(c, tree.b, tree.e, "Kids")) || c->src[i] != '[')
		return bad(c, "a page tree without /Kids");
	*nkids = 0;
	for (i = skip_ws(c, i + 1, tree.e); i < tree.e && c->src[i] != ']'; i = skip_ws(c, i, tree.e)) {
		if (!reference(c, &i, tree.e, &k)) {
			free(v);
			return bad(c, "/Kids that are not references");
		}
		if (*nkids == cap) {
			unsigned long *w = realloc(v, (cap = cap ? cap * 2 : 8) * sizeof(*w));

			if (!w) {
				free(v);
				return oom(c);
			}
			v = w;
		}
		v[(*nkids)++] = k;
	}
	*kids = v;
	return 0;
}

/* ---- copying ---- */

static int copy(struct pdf_cat *c, unsigned long k, uint32_t *to);

/* If "n 0 R" ends with the R at at in [b, e), where it starts; else SIZE_MAX. */
static size_t ref_start(const struct pdf_cat *c, size_t b, size_t at, size_t e)
{
	const unsigned char *s = c->src;
	size_t i = at;

	if ((at + 1 < e && !is_delim(s[at + 1])) || i == b || !is_ws(s[i - 1]))
		return SIZE_MAX;
	while (i > b && is_ws(s[i - 1]))
		i--;
	if (i == b || s[--i] != '0' || i == b || !is_ws(s[i - 1]))
		return SIZE_MAX;
	while (i > b && is_ws(s[i - 1]))
		i--;
	if (i == b || !is_digit(s[i - 1]))
		return SIZE_MAX;
	while (i > b && is_digit(s[i - 1]))
		i--;
	return i > b && !is_delim(s[i - 1]) ? SIZE_MAX : i;
}

/* 1 if the key just before position i in [b, i) is /Contents. */
static int after_contents(const struct pdf_cat *c, size_t b, size_t i)
{
	while (i > b && is_ws(c->src[i - 1]))
		i--;
	return i >= b + 9 && !memcmp(c->src + i - 9, "/Contents", 9);
}

/*
 * Walks the text [b, e) of a source object from one R to the next (memchr:
 * most of an object is numbers, the fonts' widths arrays above all). Pass
 * 0 copies every object it refers to; pass 1 writes it with the
 * references renumbered, and, given a marks stream (0: none), a page's /Contents
 * reference as [ q, contents, marks ]. Strings are not told apart: libharu
 * writes none that holds "n 0 R" but in the document information, which
 * is not copied.
 */
static int walk(struct pdf_cat *c, size_t b, size_t e, int pass, uint32_t marks)
{
	const unsigned char *s = c->src, *hit;
	size_t lit = b, r = b, i, j;
	unsigned long k;
	uint32_t to;

	while (r < e && (hit = memchr(s + r, 'R', e - r))) {
		size_t at = (size_t)(hit - s);

		r = at + 1;
		if ((i = ref_start(c, b, at, e)) == SIZE_MAX || (j = i, !reference(c, &j, e, &k)) || j != r)
			continue;
		if (pass == 0) {
			if (copy(c, k, &to))
				return -1;
			continue;
		}
		if (put(c, s + lit, i - lit))
			return -1;
		if (marks && after_contents(c, b, i)) {
			if (putf(c, "[ %u 0 R %u 0 R %u 0 R ]", OBJ_SAVE, c->map[k], marks))
				return -1;
		} else if (put_ref(c, c->map[k])) {
			return -1;
		}
		lit = r;
	}
	return pass == 1 ? put(c, s + lit, e - lit) : 0;
}

/* Writes source object o as batch object num (its references copied already). */
static int write_obj(struct pdf_cat *c, uint32_t num, const struct body *o, uint32_t marks)
{
	if (start_obj(c, num) || walk(c, o->b, o->e, 1, marks))
		return -1;
	if (o->stream && (put(c, "\nstream\r\n", 9) || put(c, c->src + o->data, o->len) || put(c, "\nendstream", 10)))
		return -1;
	return 0;
}

/* Copies source object k (and all it refers to) into the batch, or finds its equal there. */
static int copy(struct pdf_cat *c, unsigned long k, uint32_t *to)
{
	struct body o;

	if (k < c->nsrc && c->map[k] == BUSY)
		return bad(c, "objects that refer to each other");
	if (k < c->nsrc && c->map[k]) {
		*to = c->map[k];
		return 0;
	}
	if (locate(c, k, &o, 0))
		return -1;
	c->map[k] = BUSY;
	if (walk(c, o.b, o.e, 0, 0) || write_obj(c, c->nobj, &o, 0) || share(c, c->nobj, to))
		return -1;
	c->map[k] = *to;
	return 0;
}

/* A stream object of data (compressed: FlateDecode) as the next number. */
static int new_stream(struct pdf_cat *c, const void *data, size_t len, int compressed, uint32_t num)
{
	if (start_obj(c, num) ||
	    putf(c, "<<\n/Length %zu\n%s>>\nstream\r\n", len, compressed ? "/Filter [ /FlateDecode ]\n" : "") ||
	    put(c, data, len) || put(c, "\nendstream", 10) || end_obj(c, num))
		return -1;
	if (num == c->nobj)
		c->nobj++;
	return 0;
}

static int scratch(struct pdf_cat *c, size_t need)
{
	unsigned char *p;

	if (need <= c->scratch_cap)
		return 0;
	if (!(p = realloc(c->scratch, need)))
		return oom(c);
	c->scratch = p;
	c->scratch_cap = need;
	return 0;
}

/* The marks on page of the piece (filled rectangles) as a stream ending the page's q; *to 0 if none. */
static int marks_stream(struct pdf_cat *c, const struct dlist *m, int page, uint32_t *to)
{
	size_t i, n = 0, cap;
	size_t zlen;

	*to = 0;
	for (i = 0; m && i < m->n; i++)
		n += m->item[i].page == page && m->item[i].kind == DL_RECT;
	if (!n)
		return 0;
	cap = 16 + n * 4 * 34;
	if (scratch(c, cap + flate_bound(cap)))
		return -1;
	n = (size_t)snprintf((char *)c->scratch, cap, "Q\n0 g\n");
	for (i = 0; i < m->n; i++) {
		const struct dl_item *it = &m->item[i];

		if (it->page != page || it->kind != DL_RECT)
			continue;
		for (int k = 0; k < 4; k++) {
			n += (size_t)pdf_num((char *)c->scratch + n, k == 0 ? it->x : k == 1 ? it->y : k == 2 ? it->w : it->h);
			c->scratch[n++] = ' ';
		}
		memcpy(c->scratch + n, "re\n", 3);
		n += 3;
	}
	n += (size_t)snprintf((char *)c->scratch + n, cap - n, "f\n");
	/* Uncompressed if it cannot be (it always can, but for a failure to start ISA-L). */
	zlen = flate_page(c->scratch, n, c->scratch + cap, c->scratch_cap - cap);
	*to = c->nobj;
	return zlen ? new_stream(c, c->scratch + cap, zlen, 1, c->nobj) : new_stream(c, c->scratch, n, 0, c->nobj);
}

static int add_kid(struct pdf_cat *c, uint32_t num)
{
	if (c->nkid == c->kidcap) {
		size_t cap = c->kidcap ? c->kidcap * 2 : 1024;
		uint32_t *k = realloc(c->kid, cap * sizeof(*k));

		if (!k)
			return oom(c);
		c->kid = k;
		c->kidcap = cap;
	}
	c->kid[c->nkid++] = num;
	return 0;
}

/* Copies source page k, with page's marks, as a page of the batch. */
static int copy_page(struct pdf_cat *c, unsigned long k, const struct dlist *marks, int page)
{
	uint32_t marks_num = 0;
	struct body o;
	uint32_t num;
	size_t i, j;

	if (locate(c, k, &o, 0) || o.stream)
		return o.stream ? bad(c, "a page that is a stream") : -1;
	if (c->map[k])
		return bad(c, "a page twice in the page tree");
	if ((i = key(c, o.b, o.e, "Contents")) && c->src[i] == '[')
		return bad(c, "a page whose /Contents is an array");
	c->map[k] = BUSY;
	if (walk(c, o.b, o.e, 0, 0) || marks_stream(c, marks, page, &marks_num))
		return -1;
	if ((i = key(c, o.b, o.e, "MediaBox")) && c->src[i] == '[') {
		for (j = i; j < o.e && c->src[j] != ']'; j++)
			;
		if (j < o.e && j - i + 2 < sizeof(c->mediabox))
			snprintf(c->mediabox, sizeof(c->mediabox), "%.*s", (int)(j - i + 1), c->src + i);
	}
	num = c->nobj++;
	if (write_obj(c, num, &o, marks_num) || end_obj(c, num))
		return -1;
	c->map[k] = num;
	return add_kid(c, num);
}

static int blank_page(struct pdf_cat *c)
{
	uint32_t num = c->nobj++;

	return start_obj(c, num) ||
	       putf(c, "<<\n/Type /Page\n/MediaBox %s\n/Resources <<\n>>\n/Parent %u 0 R\n>>",
		    c->mediabox[0] ? c->mediabox : "[ 0 0 612 792 ]", OBJ_PAGES) ||
	       end_obj(c, num) || add_kid(c, num) ? -1 : 0;
}

/* ---- the batch ---- */

struct pdf_cat *pdfcat_new(void)
{
	return calloc(1, sizeof(struct pdf_cat));
}

void pdfcat_free(struct pdf_cat *c)
{
	if (!c)
		return;
	free(c->out);
	free(c->obj);
	free(c->slot);
	free(c->kid);
	free(c->scratch);
	free(c->xoff);
	free(c->map);
	free(c);
}

void pdfcat_begin(struct pdf_cat *c)
{
	c->n = 0;
	c->nobj = OBJ_FIRST;
	c->nkid = 0;
	c->nshared = 0;
	c->mediabox[0] = 0;
	if (c->slot)
		memset(c->slot, 0, c->nslot * sizeof(*c->slot));
}

int pdfcat_add(struct pdf_cat *c, const unsigned char *pdf, size_t len, const struct dlist *marks,
	       int blanks, int *pages, struct ng_err *err)
{
	unsigned long root, tree, *kids = NULL;
	size_t nkids = 0, i;
	int rc = 0;

	c->err = err;
	c->src = pdf;
	c->srclen = len;
	if (c->n == 0 && (put(c, "%PDF-1.3\n%\xb7\xbe\xad\xaa\n", 15) || new_stream(c, "q\n", 2, 0, OBJ_SAVE)))
		return -1;
	if (read_xref(c, &root) || read_pages(c, root, &tree, &kids, &nkids))
		return -1;
	if (tree < c->nsrc)
		c->map[tree] = OBJ_PAGES;   /* the pages' /Parent: the batch's page tree */
	for (i = 0; i < nkids && !rc; i++)
		rc = copy_page(c, kids[i], marks, (int)i);
	for (i = 0; !rc && (int)i < blanks; i++)
		rc = blank_page(c);
	free(kids);
	*pages = (int)nkids;
	c->src = NULL;
	return rc;
}

/* A PDF string of s: parentheses and backslashes escaped. */
static int put_string(struct pdf_cat *c, const char *s)
{
	if (put(c, "(", 1))
		return -1;
	for (; *s; s++)
		if ((strchr("()\\", *s) && put(c, "\\", 1)) || put(c, s, 1))
			return -1;
	return put(c, ")", 1);
}

int pdfcat_end(struct pdf_cat *c, const char *title, const char *date, const unsigned char **buf,
	       size_t *len, struct ng_err *err)
{
	size_t i, xref;
	int y = 0, m = 0, d = 0;

	c->err = err;
	if (!c->nkid)
		return ng_fail(err, NG_EINTERNAL, "a print batch with no pages");
	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return ng_fail(err, NG_EINTERNAL, "bad batch date '%s'", date);
	if (start_obj(c, OBJ_CATALOG) || putf(c, "<<\n/Type /Catalog\n/Pages %u 0 R\n>>", OBJ_PAGES) ||
	    end_obj(c, OBJ_CATALOG) || start_obj(c, OBJ_PAGES) || putf(c, "<<\n/Type /Pages\n/Kids [ "))
		return -1;
	for (i = 0; i < c->nkid; i++)
		if (putf(c, "%u 0 R ", c->kid[i]))
			return -1;
	if (putf(c, "]\n/Count %zu\n>>", c->nkid) || end_obj(c, OBJ_PAGES) || start_obj(c, OBJ_INFO) ||
	    putf(c, "<<\n/Producer (noticegen)\n/Title ") || put_string(c, title) ||
	    putf(c, "\n/CreationDate (D:%04d%02d%02d000000+00'00')\n>>", y, m, d) || end_obj(c, OBJ_INFO))
		return -1;
	xref = c->n;
	if (putf(c, "xref\n0 %u\n0000000000 65535 f\r\n", c->nobj))
		return -1;
	for (i = 1; i < c->nobj; i++)
		if (putf(c, "%010zu 00000 n\r\n", c->obj[i].at))
			return -1;
	if (putf(c, "trailer\n<<\n/Root %u 0 R\n/Info %u 0 R\n/Size %u\n>>\nstartxref\n%zu\n%%%%EOF\n",
		 OBJ_CATALOG, OBJ_INFO, c->nobj, xref))
		return -1;
	*buf = c->out;
	*len = c->n;
	return 0;
}

void pdfcat_wipe(struct pdf_cat *c)
{
	if (c->out) {
		volatile unsigned char *p = c->out;

		for (size_t i = 0; i < c->cap; i++)
			p[i] = 0;
	}
	if (c->scratch)
		memset(c->scratch, 0, c->scratch_cap);
}
