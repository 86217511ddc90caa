/*
 * reconcile.h - records the print shop's return file in the ledger:
 * which pieces were mailed, spoiled or returned. A spoiled piece is
 * printed again, byte for byte, on the next run.
 */
#ifndef NG_RECONCILE_H
#define NG_RECONCILE_H

#include "err.h"

struct reconcile_result {
	long n[3];               /* mailed, spoiled, returned */
};

/*
 * Reads file (CSV with a header naming run_date, seq and status; other
 * columns are ignored) and records every line, or none: a bad line fails
 * the whole file with NG_EDATA, naming the lines.
 */
int reconcile_file(const char *config, const char *file, struct reconcile_result *res, struct ng_err *err);

#endif
