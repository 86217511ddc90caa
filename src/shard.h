/*
 * shard.h - one night spread over machines, and joined again.
 *
 * `noticegen prepare` issues the night's PINs on the master ledger; each
 * machine then runs `noticegen run --shard K/N` on a read-only snapshot of
 * it, serving the cases whose key modulo N is K, into
 * <output>/<date>/shard-K-of-N/, and ends by writing the shard's journal
 * there (journal.tsv, last, so a half-done shard is never taken for done).
 * `noticegen merge` moves the shards' documents into the date's folder,
 * checks each file's SHA-256, adds their journal and exceptions to the
 * master ledger, and writes one manifest: sequence numbers are ranks in the
 * night's fixed order, so they are the same as an unsharded run's.
 */
#ifndef NG_SHARD_H
#define NG_SHARD_H

#include "err.h"
#include "ledger.h"

/* Writes dir/journal.tsv from the journal rows of run_date. */
int shard_export(struct ledger *L, const char *dir, const char *run_date, struct ng_err *err);

/*
 * Joins shards 0..n-1 of run_date found under run_dir into run_dir and the
 * ledger L. Safe to run again. Returns 0, or an error naming the shard.
 */
int shard_merge(struct ledger *L, const char *run_dir, const char *run_date, int n, struct ng_err *err);

#endif
