/*
 * haru_mem.h - the memory libharu's objects live in: freed blocks kept by
 * size and given out again, instead of malloc and free for each.
 */
#ifndef NG_HARU_MEM_H
#define NG_HARU_MEM_H

#include <hpdf.h>

/*
 * The allocation functions for HPDF_NewEx: NULL for both (libharu's own
 * malloc and free) when fast is 0 (the faster internals off: what
 * haru_fast_init returned) or under AddressSanitizer, which must see each
 * block.
 */
HPDF_Alloc_Func haru_mem_alloc_fn(int fast);
HPDF_Free_Func haru_mem_free_fn(int fast);

#endif
