/*
 * haru_mem.c - a size-class allocator for libharu.
 *
 * libharu makes every object of a document (each dictionary, name, number
 * and array element) with its own malloc, and frees them all again when
 * the next document begins: about 450 blocks for an English document,
 * 800 for a bilingual one, most of them under 100 bytes. glibc's free
 * keeps only seven blocks of a size at hand; the rest go back to its bins,
 * to be merged and split again for the next document, and both ends of
 * that showed in profiles (an eighth of drawing a bilingual document).
 *
 * Here a freed block goes onto a list for its size (16-byte steps up to
 * 4 KB, libharu's stream buffers included) and the next request of that
 * size takes it back: no searching, no merging. New blocks are cut from
 * 256 KB slabs. Nothing is given back to the system before the process
 * ends: what it holds is the most one document needs at once, a few
 * megabytes. Larger blocks go to malloc. One writer per process, so no
 * locking.
 */
#include "haru_mem.h"

#include <stdint.h>
#include <stdlib.h>

#define STEP 16
#define CLASSES 256                          /* up to 256 * 16 = 4 KB */
#define SLAB (256 * 1024)
#define LARGE UINT32_MAX

/* Before each block: 16 bytes, so the block stays 16-byte aligned as malloc's are. */
struct head {
	uint32_t cls;
	struct head *next;                       /* on a free list */
};
#define HEAD_BYTES 16
_Static_assert(sizeof(struct head) <= HEAD_BYTES, "a block's head fits its 16 bytes");

static struct head *free_list[CLASSES + 1];
static unsigned char *slab_at, *slab_end;

static void *mem_alloc(HPDF_UINT size)
{
	size_t cls = ((size_t)size + STEP - 1) / STEP, need;
	struct head *h;

	if (cls == 0)
		cls = 1;
	if (cls > CLASSES) {
		if (!(h = malloc(HEAD_BYTES + (size_t)size)))
			return NULL;
		h->cls = LARGE;
		return (unsigned char *)h + HEAD_BYTES;
	}
	if ((h = free_list[cls])) {
		free_list[cls] = h->next;
		return (unsigned char *)h + HEAD_BYTES;
	}
	need = HEAD_BYTES + cls * STEP;
	if ((size_t)(slab_end - slab_at) < need) {
		/* The rest of the old slab is left unused: at most 4 KB of 256. */
		if (!(slab_at = malloc(SLAB)))
			return slab_end = NULL, NULL;
		slab_end = slab_at + SLAB;
	}
	h = (struct head *)slab_at;
	slab_at += need;
	h->cls = (uint32_t)cls;
	return (unsigned char *)h + HEAD_BYTES;
}

static void mem_free(void *p)
{
	struct head *h;

	if (!p)
		return;
	h = (struct head *)((unsigned char *)p - HEAD_BYTES);
	if (h->cls == LARGE) {
		free(h);
		return;
	}
	h->next = free_list[h->cls];
	free_list[h->cls] = h;
}

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* 1 if the lists are used: with the faster internals on, and not under AddressSanitizer. */
static int on(int fast)
{
#ifdef UNDER_ASAN
	(void)fast;
	return 0;
#else
	return fast;
#endif
}

HPDF_Alloc_Func haru_mem_alloc_fn(int fast)
{
	return on(fast) ? mem_alloc : NULL;
}

HPDF_Free_Func haru_mem_free_fn(int fast)
{
	return on(fast) ? mem_free : NULL;
}
