/*
 * memo.h - values kept by the bytes of their key, for the run of the
 * program: what a night computes again and again from the same text
 * (a label's width, its shaped glyphs, its visual order) is computed once.
 * Bounded: the table is emptied when three quarters full, so keys that
 * never come back (names, amounts) cannot make it grow.
 */
#ifndef NG_MEMO_H
#define NG_MEMO_H
#include <stddef.h>

struct memo;

/* A table of slots entries (a power of two); NULL if out of memory. */
struct memo *memo_new(unsigned slots);
void memo_free(struct memo *m);
/*
 * The value kept for (tag, key), its length in *len (may be NULL); NULL
 * if none. It stays valid until the next memo_put on m.
 */
void *memo_get(struct memo *m, int tag, const void *key, size_t klen, size_t *len);
/*
 * Keeps a copy of the vlen bytes at val (val NULL: vlen zero bytes) for
 * (tag, key), which must not be kept already. Returns the copy, aligned
 * for any type, valid until the next memo_put; NULL if out of memory.
 */
void *memo_put(struct memo *m, int tag, const void *key, size_t klen, const void *val, size_t vlen);
#endif
