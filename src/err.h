/*
 * err.h - the one error type of noticegen.
 *
 * Low-level code never prints and never exits: it fills a struct ng_err
 * that its caller passed in, with a message naming the operation, the file,
 * the key or the case, and returns non-zero. Only main and the run loop
 * print it and turn its code into an exit status.
 */
#ifndef NG_ERR_H
#define NG_ERR_H

#include <stddef.h>

enum ng_code {
	NG_OK = 0,
	NG_ECONFIG,     /* bad configuration, layout, catalog or font: fix the file */
	NG_ELEDGER,     /* the ledger cannot be read or has the wrong shape */
	NG_EDATA,       /* one case's data is bad: goes to the exceptions report */
	NG_EOUTPUT,     /* cannot write output (disk full, permission) */
	NG_ELOCKED,     /* another run holds the lock */
	NG_EUSAGE,      /* bad command line */
	NG_ESECRET,     /* key file or PIN problem */
	NG_EINTERNAL,   /* a library failed in a way the input does not explain */
};

struct ng_err {
	enum ng_code code;
	char msg[1024];
};

/* Fills err (if not NULL) with a formatted message and returns code. */
int ng_fail(struct ng_err *err, enum ng_code code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefixes err->msg with a formatted context ("statement for case X: ..."). */
void ng_err_prefix(struct ng_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Returns a short name for code, for logs ("config error"). */
const char *ng_code_name(enum ng_code code);

#endif
