#include "dates.h"

#include <stdio.h>
#include <string.h>

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int dates_days_in_month(int y, int m)
{
	static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m < 1 || m > 12)
		return 0;
	return m == 2 && is_leap(y) ? 29 : len[m - 1];
}

/* Reads n ASCII digits at s into *out; fails on anything else (NUL too). */
static int read_digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* Parses "YYYY-MM" and, if with_day, "-DD"; then requires the end. */
static int parse_ymd(const char *s, int with_day, struct ng_date *out)
{
	struct ng_date d = {0, 0, 1};

	if (!s || read_digits(s, 4, &d.y) || s[4] != '-' || read_digits(s + 5, 2, &d.m))
		return -1;
	s += 7;
	if (with_day) {
		if (s[0] != '-' || read_digits(s + 1, 2, &d.d))
			return -1;
		s += 3;
	}
	if (*s != '\0' || d.y < 1900 || d.y > 2199 || d.m < 1 || d.m > 12 ||
	    d.d < 1 || d.d > dates_days_in_month(d.y, d.m))
		return -1;
	*out = d;
	return 0;
}

int dates_parse(const char *s, struct ng_date *out)
{
	return parse_ymd(s, 1, out);
}

int dates_parse_month(const char *s, struct ng_date *out)
{
	return parse_ymd(s, 0, out);
}

/* Howard Hinnant's days_from_civil: exact for the proleptic calendar. */
long dates_to_days(struct ng_date d)
{
	long y = (long)d.y - (d.m <= 2);
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (d.m + (d.m > 2 ? -3 : 9)) + 2) / 5 + d.d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* The inverse, civil_from_days. */
struct ng_date dates_from_days(long z)
{
	long era, doe, yoe, doy, mp;
	struct ng_date r;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	r.d = (int)(doy - (153 * mp + 2) / 5 + 1);
	r.m = (int)(mp < 10 ? mp + 3 : mp - 9);
	r.y = (int)(yoe + era * 400 + (r.m <= 2));
	return r;
}

struct ng_date dates_add_days(struct ng_date d, long n)
{
	return dates_from_days(dates_to_days(d) + n);
}

struct ng_date dates_add_months(struct ng_date d, int n)
{
	long t = (long)d.y * 12 + (d.m - 1) + n;
	long y = t >= 0 ? t / 12 : -((-t + 11) / 12);	/* floor division */
	int dim;

	d.y = (int)y;
	d.m = (int)(t - y * 12) + 1;
	dim = dates_days_in_month(d.y, d.m);
	if (d.d > dim)
		d.d = dim;
	return d;
}

int dates_cmp(struct ng_date a, struct ng_date b)
{
	if (a.y != b.y)
		return a.y < b.y ? -1 : 1;
	if (a.m != b.m)
		return a.m < b.m ? -1 : 1;
	return (a.d > b.d) - (a.d < b.d);
}

void dates_iso(char buf[11], struct ng_date d)
{
	char tmp[40];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", d.y, d.m, d.d);
	memcpy(buf, tmp, 10);
	buf[10] = '\0';
}

/* Appends n bytes of s to buf as far as they fit, keeping *len the total. */
static void put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
	if (*len < cap)
		memcpy(buf + *len, s, cap - *len < n ? cap - *len : n);
	*len += n;
}

/*
 * Returns the text for the token of tok bytes at p ("{dd}"), formatting
 * numbers into num, or NULL if p does not start a date token.
 */
static const char *token_value(const char *p, size_t tok, struct ng_date d,
			       const char *const names[12], char num[16])
{
	static const struct {
		const char *name;
		char field;	/* d, m, y, or M for the month name */
		int width;
	} toks[] = {
		{"{d}", 'd', 0}, {"{dd}", 'd', 2}, {"{m}", 'm', 0},
		{"{mm}", 'm', 2}, {"{yyyy}", 'y', 4}, {"{month}", 'M', 0},
	};

	for (size_t i = 0; i < sizeof(toks) / sizeof(toks[0]); i++) {
		if (strlen(toks[i].name) != tok || strncmp(p, toks[i].name, tok))
			continue;
		if (toks[i].field == 'M' && names && d.m >= 1 && d.m <= 12 && names[d.m - 1])
			return names[d.m - 1];
		snprintf(num, 16, "%0*d", toks[i].width,
			 toks[i].field == 'd' ? d.d : toks[i].field == 'y' ? d.y : d.m);
		return num;
	}
	return NULL;
}

size_t dates_format(char *buf, size_t cap, struct ng_date d,
		    const char *pattern, const char *const month_names[12])
{
	size_t len = 0;
	const char *p = pattern ? pattern : "";

	while (*p) {
		char num[16];
		const char *close = *p == '{' ? memchr(p, '}', strnlen(p, 8)) : NULL;
		size_t tok = close ? (size_t)(close - p) + 1 : 0;
		const char *val = tok ? token_value(p, tok, d, month_names, num) : NULL;

		if (val) {
			put(buf, cap, &len, val, strlen(val));
			p += tok;
		} else {
			put(buf, cap, &len, p++, 1);
		}
	}
	if (cap > 0) {
		/* Cut at cap - 1, backing off so no UTF-8 character is split. */
		size_t end = len < cap ? len : cap - 1;

		while (end < len && end > 0 && ((unsigned char)buf[end] & 0xC0) == 0x80)
			end--;
		buf[end] = '\0';
	}
	return len;
}
