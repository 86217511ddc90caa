/*
 * flate.h - the deflate compression of a document's own streams (its
 * pages' content): a zlib stream, as FlateDecode reads it, made by Intel's
 * ISA-L at its fastest level with a Huffman code fixed for page content.
 */
#ifndef NG_FLATE_H
#define NG_FLATE_H

#include <stddef.h>

/* The most bytes flate_page makes of n. */
size_t flate_bound(size_t n);

/* n bytes at in compressed into out (cap >= flate_bound(n)); their length, or 0 on failure. */
size_t flate_page(const unsigned char *in, size_t n, unsigned char *out, size_t cap);

#endif
