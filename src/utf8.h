/*
 * utf8.h - decoding UTF-8, strictly (overlongs, surrogates and code points
 * above U+10FFFF are invalid).
 */
#ifndef NG_UTF8_H
#define NG_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decodes one code point at *p (p < end) and advances *p past it. An
 * invalid sequence yields U+FFFD and advances one byte, so a loop over
 * garbage always terminates.
 */
uint32_t utf8_next(const char **p, const char *end);

/* Returns 1 if s[0..len) is valid UTF-8 without NUL or C0/C1 controls other than \n. */
int utf8_is_clean(const char *s, size_t len);

/* Number of code points in s (invalid bytes count one each). */
size_t utf8_count(const char *s, size_t len);

/* Length in bytes of the longest prefix of s holding at most n code points. */
size_t utf8_prefix(const char *s, size_t len, size_t n);

#endif
