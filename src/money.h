/*
 * money.h - amounts of money as integer cents.
 *
 * Money is an ng_cents (int64_t count of US cents) everywhere in noticegen,
 * never a floating-point number, so that sums in the ledger, on the notice
 * and on the scan line agree to the cent.
 */
#ifndef NG_MONEY_H
#define NG_MONEY_H

#include <stddef.h>
#include <stdint.h>

typedef int64_t ng_cents;

/* The largest magnitude money_parse accepts: $10,000,000,000,000.00. */
#define MONEY_MAX_CENTS ((ng_cents)1000000000000000)

/*
 * Parses s, which must be exactly [-]digits[.dd] ("1234.56", "-12", "0.05";
 * no '+', '$', ',', blanks or a single decimal), into *out. Returns 0, or -1
 * (leaving *out alone) for anything else or a magnitude over MONEY_MAX_CENTS.
 */
int money_parse(const char *s, ng_cents *out);

/* Sets *out = a + b and returns 0, or returns -1 if that overflows int64. */
int money_add(ng_cents a, ng_cents b, ng_cents *out);

/*
 * Writes c as US dollars ("$1,234.56", "-$5.00", "$0.00"; any value,
 * INT64_MIN included) into buf of cap bytes and returns its length. If the
 * text does not fit, buf gets "" rather than a truncated amount; the return
 * value is still the length needed, so ret >= cap means it did not fit.
 * buf may be NULL when cap is 0. 32 bytes always suffice.
 */
size_t money_format(char *buf, size_t cap, ng_cents c);

/*
 * Writes c as exactly width zero-filled digits without sign or separators,
 * for an OCR scan line (12345, width 10 -> "0000012345"). Returns width, or
 * 0 (buf gets "" if cap > 0) if c < 0, width < 1, width + 1 > cap or c has
 * more than width digits.
 */
size_t money_format_digits(char *buf, size_t cap, ng_cents c, int width);

#endif
