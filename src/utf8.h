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
 * garbage always terminates. Inline: layout and drawing call it for every
 * character of every document.
 */
static inline uint32_t utf8_next(const char **p, const char *end)
{
	const unsigned char *s = (const unsigned char *)*p;
	uint32_t cp, min;
	int n, i;

	if (s[0] < 0x80) {
		*p += 1;
		return s[0];
	}
	if ((s[0] & 0xE0) == 0xC0) {
		n = 1; cp = s[0] & 0x1F; min = 0x80;
	} else if ((s[0] & 0xF0) == 0xE0) {
		n = 2; cp = s[0] & 0x0F; min = 0x800;
	} else if ((s[0] & 0xF8) == 0xF0) {
		n = 3; cp = s[0] & 0x07; min = 0x10000;
	} else {
		goto bad;
	}
	if ((const char *)s + n >= end)
		goto bad;
	for (i = 1; i <= n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			goto bad;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		goto bad;
	*p += n + 1;
	return cp;
bad:
	*p += 1;
	return 0xFFFD;
}

/* Returns 1 if s[0..len) is valid UTF-8 without NUL or C0/C1 controls other than \n. */
int utf8_is_clean(const char *s, size_t len);

/* Number of code points in s (invalid bytes count one each). */
size_t utf8_count(const char *s, size_t len);

/* Length in bytes of the longest prefix of s holding at most n code points. */
size_t utf8_prefix(const char *s, size_t len, size_t n);

#endif
