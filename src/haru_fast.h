/*
 * haru_fast.h - faster drop-in versions of libharu internals (see the .c).
 */
#ifndef NG_HARU_FAST_H
#define NG_HARU_FAST_H

/* Turns them on if the library is the version they match; returns 1 if on. */
int haru_fast_init(void);

#endif
