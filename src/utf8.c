#include "utf8.h"

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
