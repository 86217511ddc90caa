/*
 * haru_fast.h - faster drop-in versions of libharu internals (see the .c).
 */
#ifndef NG_HARU_FAST_H
#define NG_HARU_FAST_H

/* Turns them on if the library is the version they match; returns 1 if on. */
int haru_fast_init(void);

/*
 * Streams are compressed at libdeflate level `level` (1-12) instead of the
 * level of a case's documents (CASE_LEVEL in the .c), without the streams
 * kept from those; 0 returns to the case level. Print batches use 1: they
 * are read once, by the print shop, and it halves their compression time.
 * No effect with the faster internals off.
 */
void haru_fast_deflate_level(int level);

#endif
