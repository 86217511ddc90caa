/*
 * memo.c - an open-addressing hash table of (tag, key bytes) -> value
 * bytes, each entry one allocation: the value first (so it is aligned),
 * then the key.
 */
#include "memo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	uint64_t hash;
	int tag;
	size_t klen, vlen;
	unsigned char *data;          /* NULL: an empty slot */
};

struct memo {
	struct entry *slot;
	unsigned nslots, used;
};

/* The value's room, rounded up so that the key after it does not matter to alignment. */
#define VROOM(n) (((n) + 15) & ~(size_t)15)

/*
 * Eight bytes a step, each mixed in by a multiply and a shift: the keys
 * are whole lines of text, and Korean or Bengali ones are three bytes a
 * letter. (Byte by byte, hashing was a tenth of laying out a document.)
 */
static uint64_t hash(int tag, const unsigned char *k, size_t len)
{
	const uint64_t m = 0x9E3779B97F4A7C15ULL;
	uint64_t h = (uint64_t)len * m ^ (uint64_t)(unsigned)tag, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, k + i, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, k + i, len - i);
	h = (h ^ w) * m;
	return h ^ h >> 32;
}

struct memo *memo_new(unsigned slots)
{
	struct memo *m = calloc(1, sizeof(*m));

	if (!m || !(m->slot = calloc(slots, sizeof(*m->slot)))) {
		free(m);
		return NULL;
	}
	m->nslots = slots;
	return m;
}

static void empty(struct memo *m)
{
	for (unsigned i = 0; i < m->nslots; i++)
		free(m->slot[i].data);
	memset(m->slot, 0, m->nslots * sizeof(*m->slot));
	m->used = 0;
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	empty(m);
	free(m->slot);
	free(m);
}

/* The slot holding (tag, key), or the empty slot where it would go. */
static struct entry *find(struct memo *m, uint64_t h, int tag, const void *key, size_t klen)
{
	unsigned i = (unsigned)h & (m->nslots - 1);

	for (; m->slot[i].data; i = (i + 1) & (m->nslots - 1)) {
		struct entry *e = &m->slot[i];

		if (e->hash == h && e->tag == tag && e->klen == klen && !memcmp(e->data + VROOM(e->vlen), key, klen))
			return e;
	}
	return &m->slot[i];
}

void *memo_get(struct memo *m, int tag, const void *key, size_t klen, size_t *len)
{
	struct entry *e = find(m, hash(tag, key, klen), tag, key, klen);

	if (!e->data)
		return NULL;
	if (len)
		*len = e->vlen;
	return e->data;
}

void *memo_put(struct memo *m, int tag, const void *key, size_t klen, const void *val, size_t vlen)
{
	uint64_t h = hash(tag, key, klen);
	struct entry *e;

	if (m->used + 1 > m->nslots / 4 * 3)
		empty(m);
	e = find(m, h, tag, key, klen);
	if (!(e->data = malloc(VROOM(vlen) + klen + 1)))
		return NULL;
	if (val)
		memcpy(e->data, val, vlen);
	else
		memset(e->data, 0, vlen);
	memcpy(e->data + VROOM(vlen), key, klen);
	e->hash = h;
	e->tag = tag;
	e->klen = klen;
	e->vlen = vlen;
	m->used++;
	return e->data;
}
