#include "utf8.h"

uint32_t utf8_next(const char **p, const char *end)
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

int utf8_is_clean(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while (p < end) {
		const char *at = p;
		uint32_t cp = utf8_next(&p, end);

		if (cp == 0xFFFD && !(p - at == 3 && (unsigned char)at[0] == 0xEF))
			return 0;
		if ((cp < 0x20 && cp != '\n') || cp == 0x7F || (cp >= 0x80 && cp < 0xA0))
			return 0;
	}
	return 1;
}

size_t utf8_count(const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	size_t n = 0;

	while (p < end) {
		utf8_next(&p, end);
		n++;
	}
	return n;
}

size_t utf8_prefix(const char *s, size_t len, size_t n)
{
	const char *p = s, *end = s + len;

	while (p < end && n--)
		utf8_next(&p, end);
	return (size_t)(p - s);
}
