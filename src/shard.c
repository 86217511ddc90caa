#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

/* Tabs and line breaks would break a TSV line; a reason or name never needs them. */
static void tsv(FILE *fp, const char *s, int last)
{
	for (; *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
	fputc(last ? '\n' : '\t', fp);
}

static int journal_line(const struct journal_row *r, void *arg)
{
	FILE *fp = arg;

	fprintf(fp, "%lld\t%lld\t%lld\t%d\t%d\t%lld\t%d\t", (long long)r->ord, (long long)r->case_key,
		(long long)r->party_id, r->pages, r->sheets, (long long)r->bytes, r->copy);
	tsv(fp, r->reprint_of, 0);
	tsv(fp, r->doc, 0);
	tsv(fp, r->period, 0);
	tsv(fp, r->lang, 0);
	tsv(fp, r->path, 0);
	tsv(fp, r->sha256, 1);
	return ferror(fp);
}

static int exception_line(int64_t case_key, const char *case_id, int64_t party, const char *doc,
			  const char *reason, void *arg)
{
	FILE *fp = arg;

	(void)case_id;
	fprintf(fp, "%lld\t%lld\t", (long long)case_key, (long long)party);
	tsv(fp, doc ? doc : "", 0);
	tsv(fp, reason, 1);
	return ferror(fp);
}

/* Writes dir/name through a temporary file, with fill() providing the lines. */
static int write_tsv(const char *dir, const char *name, int (*fill)(FILE *, void *), void *arg,
		     struct ng_err *err)
{
	char path[4200], tmp[4300];
	FILE *fp;
	int filled, bad;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fp = fopen(tmp, "w");
	if (!fp)
		return ng_fail(err, NG_EOUTPUT, "cannot create '%s': %s", tmp, strerror(errno));
	filled = fill(fp, arg);             /* non-zero: err says why */
	bad = ferror(fp) || fflush(fp) != 0 || fsync(fileno(fp)) != 0;
	bad |= fclose(fp) != 0;
	if (filled || bad || rename(tmp, path) != 0) {
		unlink(tmp);
		return filled ? -1 : ng_fail(err, NG_EOUTPUT, "cannot write '%s'", path);
	}
	return 0;
}

struct export {
	struct ledger *L;
	const char *date;
	struct ng_err *err;
};

static int fill_exceptions(FILE *fp, void *arg)
{
	struct export *x = arg;

	return ledger_exceptions_each(x->L, x->date, exception_line, fp, x->err);
}

static int fill_journal(FILE *fp, void *arg)
{
	struct export *x = arg;

	return ledger_journal_each(x->L, x->date, journal_line, fp, x->err);
}

int shard_export(struct ledger *L, const char *dir, const char *run_date, struct ng_err *err)
{
	struct export x = { L, run_date, err };

	/* The journal last: its presence says the shard is complete. */
	if (write_tsv(dir, "exceptions.tsv", fill_exceptions, &x, err))
		return -1;
	return write_tsv(dir, "journal.tsv", fill_journal, &x, err);
}

/* Splits a TSV line in place into at most max fields; returns how many. */
static int fields(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (!line)
			break;
		*line++ = '\0';
	}
	return n;
}

/* Moves one document from the shard into the date's folder, checking it is the file the journal names. */
static int take_file(const char *shard_dir, const char *run_dir, const char *rel, const char *sha,
		     struct ng_err *err)
{
	char src[4600], dst[4600], dir[4600], hex[65];
	struct stat st;
	unsigned char *buf;
	FILE *fp;
	size_t len;

	snprintf(src, sizeof(src), "%s/%s", shard_dir, rel);
	snprintf(dst, sizeof(dst), "%s/%s", run_dir, rel);
	if (stat(src, &st) != 0) {
		if (stat(dst, &st) == 0)
			return 0;               /* moved by an earlier merge */
		return ng_fail(err, NG_EOUTPUT, "'%s' is in the shard's journal but not on disk", src);
	}
	buf = malloc((size_t)st.st_size + 1);
	fp = fopen(src, "rb");
	len = buf && fp ? fread(buf, 1, (size_t)st.st_size, fp) : 0;
	if (fp)
		fclose(fp);
	out_sha256(buf, len, hex);
	free(buf);
	if (len != (size_t)st.st_size || strcmp(hex, sha))
		return ng_fail(err, NG_EOUTPUT, "'%s' does not match its SHA-256 in the shard's journal", src);
	snprintf(dir, sizeof(dir), "%s", dst);
	*strrchr(dir, '/') = '\0';
	if (out_mkdirs(dir, 0755, err))
		return -1;
	if (rename(src, dst) != 0)
		return ng_fail(err, NG_EOUTPUT, "cannot move '%s' to '%s': %s", src, dst, strerror(errno));
	return 0;
}

static int merge_one(struct ledger *L, const char *run_dir, const char *run_date, int k, int n,
		     struct ng_err *err)
{
	char dir[4300], path[4400], line[2048], *f[13];
	FILE *fp;
	int ret = 0;

	snprintf(dir, sizeof(dir), "%s/shard-%d-of-%d", run_dir, k, n);
	snprintf(path, sizeof(path), "%s/journal.tsv", dir);
	fp = fopen(path, "r");
	if (!fp)
		return ng_fail(err, NG_EOUTPUT, "shard %d of %d is not finished: no '%s'", k, n, path);
	while (!ret && fgets(line, sizeof(line), fp)) {
		struct journal_row r;

		if (fields(line, f, 13) != 13) {
			ret = ng_fail(err, NG_EOUTPUT, "'%s': a line is not 13 fields", path);
			break;
		}
		memset(&r, 0, sizeof(r));
		snprintf(r.run_date, sizeof(r.run_date), "%s", run_date);
		r.ord = strtoll(f[0], NULL, 10);
		r.case_key = strtoll(f[1], NULL, 10);
		r.party_id = strtoll(f[2], NULL, 10);
		r.pages = atoi(f[3]);
		r.sheets = atoi(f[4]);
		r.bytes = strtoll(f[5], NULL, 10);
		r.copy = atoi(f[6]);
		snprintf(r.reprint_of, sizeof(r.reprint_of), "%s", f[7]);
		snprintf(r.doc, sizeof(r.doc), "%s", f[8]);
		snprintf(r.period, sizeof(r.period), "%s", f[9]);
		snprintf(r.lang, sizeof(r.lang), "%s", f[10]);
		snprintf(r.path, sizeof(r.path), "%s", f[11]);
		snprintf(r.sha256, sizeof(r.sha256), "%s", f[12]);
		ret = take_file(dir, run_dir, r.path, r.sha256, err) || ledger_journal_merge(L, &r, err);
	}
	fclose(fp);
	if (ret)
		return -1;
	snprintf(path, sizeof(path), "%s/exceptions.tsv", dir);
	fp = fopen(path, "r");
	while (fp && !ret && fgets(line, sizeof(line), fp))
		if (fields(line, f, 4) == 4)
			ret = ledger_exception_add(L, run_date, strtoll(f[0], NULL, 10), strtoll(f[1], NULL, 10),
						   f[2][0] ? f[2] : NULL, f[3], err);
	if (fp)
		fclose(fp);
	return ret ? -1 : 0;
}

int shard_merge(struct ledger *L, const char *run_dir, const char *run_date, int n, struct ng_err *err)
{
	int k;

	if (ledger_begin(L, err))
		return -1;
	/* The shards' exceptions are the night's: an earlier merge's go first. */
	if (ledger_forget_exceptions(L, run_date, err)) {
		ledger_rollback(L);
		return -1;
	}
	for (k = 0; k < n; k++)
		if (merge_one(L, run_dir, run_date, k, n, err)) {
			ledger_rollback(L);
			return -1;
		}
	return ledger_commit(L, err);
}
