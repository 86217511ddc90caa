/*
 * dates.h - calendar dates: strict parsing and pure arithmetic.
 *
 * Proleptic Gregorian calendar, no time zones. Parsing accepts only years
 * 1900-2199, so that a mistyped year in the ledger ("9999-01-01") is
 * rejected rather than printed. Localised text comes from the message
 * catalog: pass its pattern and month names to dates_format.
 */
#ifndef NG_DATES_H
#define NG_DATES_H

#include <stddef.h>

struct ng_date {
	int y, m, d;		/* 2026, 1-12, 1-31 */
};

/*
 * Parses strict ISO "YYYY-MM-DD" (exactly 10 characters, a real calendar
 * date, year 1900-2199) into *out. Returns 0, or -1 leaving *out alone.
 */
int dates_parse(const char *s, struct ng_date *out);

/* Same for "YYYY-MM" (a billing month); sets d = 1. */
int dates_parse_month(const char *s, struct ng_date *out);

/* Days in month m (1-12) of year y, or 0 if m is out of range. */
int dates_days_in_month(int y, int m);

/* Days since 1970-01-01 (negative before), and back. */
long dates_to_days(struct ng_date d);
struct ng_date dates_from_days(long days);

struct ng_date dates_add_days(struct ng_date d, long n);

/*
 * Moves d by n months (n may be negative), clamping the day to the length
 * of the resulting month: 2026-01-31 + 1 month = 2026-02-28.
 */
struct ng_date dates_add_months(struct ng_date d, int n);

/* Returns <0, 0 or >0 as a is before, the same as, or after b. */
int dates_cmp(struct ng_date a, struct ng_date b);

/* Writes "YYYY-MM-DD" and a NUL into buf (years 0-9999). */
void dates_iso(char buf[11], struct ng_date d);

/*
 * Expands pattern into buf of cap bytes: {d} day, {dd} 2-digit day, {m},
 * {mm}, {yyyy}, {month} month_names[m - 1] (the number if month_names or
 * that entry is NULL); any other text, braces included, is copied. E.g.
 * "{month} {d}, {yyyy}" -> "November 3, 2026". Always NUL-terminates when
 * cap > 0, cutting only between UTF-8 characters; returns the length the
 * full text needs (ret >= cap means it was truncated). The caller keeps
 * ownership of pattern and month_names.
 */
size_t dates_format(char *buf, size_t cap, struct ng_date d,
		    const char *pattern, const char *const month_names[12]);

#endif
