/*
 * ledger_sql.h - what the ledger module's files share among themselves
 * (ledger.c, ledger_pin.c, ledger_print.c). Not for the rest of the
 * program: SQL stays inside the ledger module.
 */
#ifndef NG_LEDGER_SQL_H
#define NG_LEDGER_SQL_H

#include <sqlite3.h>
#include <stddef.h>

#include "ledger.h"

/* A text column into out ("" for NULL), cut to cap. */
void ledger_text_col(sqlite3_stmt *s, int col, char *out, size_t cap);

/* Fails err with what went wrong, naming the ledger file; NG_EOUTPUT for a full disk. */
int ledger_sqlfail(struct ledger *L, const char *what, struct ng_err *err);

/* A one-off statement (run once per command or night, not per case); NULL with err set. */
sqlite3_stmt *ledger_prepare(struct ledger *L, const char *sql, const char *what, struct ng_err *err);

/* Runs each statement of q in turn with ?1 bound to arg; stops at the first that fails. */
int ledger_exec_each(struct ledger *L, const char *const *q, size_t n, const char *arg, const char *what,
		     struct ng_err *err);

#endif
