/*
 * haru_fast.h - faster drop-in versions of libharu internals (see the .c).
 */
#ifndef NG_HARU_FAST_H
#define NG_HARU_FAST_H

/* Turns them on if the library is the version they match; returns 1 if on. */
int haru_fast_init(void);

/*
 * Streams not seen before are compressed at zlib level (1-9) instead of
 * libharu's default; 0 returns to libharu's. Print batches use 1: they are
 * read once, by the print shop, and it halves their compression time. No
 * effect with the faster internals off.
 */
void haru_fast_deflate_level(int level);

#endif
