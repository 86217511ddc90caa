#include "money.h"

#include <stdbool.h>
#include <string.h>

int money_parse(const char *s, ng_cents *out)
{
	const ng_cents max_dollars = MONEY_MAX_CENTS / 100;
	bool neg = false;
	ng_cents dollars = 0, cents = 0, v;
	size_t ndigits = 0;

	if (!s)
		return -1;
	if (*s == '-') {
		neg = true;
		s++;
	}
	for (; *s >= '0' && *s <= '9'; s++, ndigits++) {
		dollars = dollars * 10 + (*s - '0');
		if (dollars > max_dollars)	/* checked each digit: no overflow */
			return -1;
	}
	if (ndigits == 0)
		return -1;
	if (*s == '.') {
		if (s[1] < '0' || s[1] > '9' || s[2] < '0' || s[2] > '9')
			return -1;
		cents = (s[1] - '0') * 10 + (s[2] - '0');
		s += 3;
	}
	if (*s != '\0')
		return -1;
	v = dollars * 100 + cents;
	if (v > MONEY_MAX_CENTS)
		return -1;
	*out = neg ? -v : v;
	return 0;
}

int money_add(ng_cents a, ng_cents b, ng_cents *out)
{
	if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b))
		return -1;
	*out = a + b;
	return 0;
}

size_t money_format(char *buf, size_t cap, ng_cents c)
{
	/* Built right to left; the magnitude as uint64_t makes INT64_MIN safe. */
	uint64_t u = c < 0 ? -(uint64_t)c : (uint64_t)c;
	char tmp[40];
	size_t n = sizeof(tmp), len;
	int group = 0;

	tmp[--n] = '\0';
	tmp[--n] = (char)('0' + u % 10);
	u /= 10;
	tmp[--n] = (char)('0' + u % 10);
	u /= 10;
	tmp[--n] = '.';
	do {
		if (group++ == 3) {
			tmp[--n] = ',';
			group = 1;
		}
		tmp[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	tmp[--n] = '$';
	if (c < 0)
		tmp[--n] = '-';
	len = sizeof(tmp) - 1 - n;
	if (cap > len)
		memcpy(buf, tmp + n, len + 1);
	else if (cap > 0)
		buf[0] = '\0';
	return len;
}

size_t money_format_digits(char *buf, size_t cap, ng_cents c, int width)
{
	size_t w = width > 0 ? (size_t)width : 0;

	if (cap > 0)
		buf[0] = '\0';
	if (c < 0 || w == 0 || w + 1 > cap)
		return 0;
	buf[w] = '\0';
	for (size_t i = w; i-- > 0; c /= 10)
		buf[i] = (char)('0' + c % 10);
	if (c != 0) {		/* digits left over: c needs more than width */
		buf[0] = '\0';
		return 0;
	}
	return w;
}
