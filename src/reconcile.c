/*
 * reconcile.c - `noticegen reconcile`: the print shop's return file says
 * what became of each piece (mailed, spoiled, returned); the ledger keeps
 * it, and the next run prints spoiled pieces again.
 *
 * The file is taken whole or not at all: every line is checked inside one
 * transaction, and a single bad line (unknown piece, unknown status)
 * rolls all of it back, with every bad line listed, so the shop can fix
 * the file and send it again without anyone untangling half a load.
 */
#include "reconcile.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "config.h"
#include "dates.h"
#include "ledger.h"
#include "log.h"

#define MAX_REPORTED 10          /* bad lines listed in the error; the count says the rest */

static const char *const statuses[] = { "mailed", "spoiled", "returned", NULL };

/* Splits a CSV line (no quoted commas in this format) in place; strips quotes, spaces and CR. */
static int split(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		char *end = strchr(p, ',');

		if (end)
			*end = '\0';
		while (isspace((unsigned char)*p) || *p == '"')
			p++;
		f[n] = p;
		for (p += strlen(p); p > f[n] && (isspace((unsigned char)p[-1]) || p[-1] == '"'); p--)
			p[-1] = '\0';
		n++;
		if (!end)
			break;
		p = end + 1;
	}
	return n;
}

static int column(char **f, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(f[i], name))
			return i;
	return -1;
}

struct load {
	struct ledger *L;
	const char *file, *now;
	struct reconcile_result *res;
	char bad[1024];
	size_t badlen;
	long nbad;
};

static void bad_line(struct load *ld, long line, const char *why, const char *what)
{
	if (ld->nbad++ < MAX_REPORTED)
		ld->badlen += (size_t)snprintf(ld->bad + ld->badlen, ld->badlen < sizeof(ld->bad) ?
					       sizeof(ld->bad) - ld->badlen : 0, "; line %ld: %s '%.24s'",
					       line, why, what);
	if (ld->badlen > sizeof(ld->bad))
		ld->badlen = sizeof(ld->bad);
}

static int one(struct load *ld, long line, const char *date, const char *seqs, const char *status,
	       struct ng_err *err)
{
	struct ng_date d;
	char *end;
	long long seq;
	int k, rc;

	for (k = 0; statuses[k] && strcasecmp(statuses[k], status); k++)
		;
	errno = 0;
	seq = strtoll(seqs, &end, 10);
	if (dates_parse(date, &d))
		return bad_line(ld, line, "run date is not a date YYYY-MM-DD", date), 0;
	if (!*seqs || *end || errno || seq < 1)
		return bad_line(ld, line, "seq is not a piece's sequence number", seqs), 0;
	if (!statuses[k])
		return bad_line(ld, line, "status is not mailed, spoiled or returned", status), 0;
	rc = ledger_fate_record(ld->L, date, seq, statuses[k], ld->now, ld->file, err);
	if (rc < 0)
		return -1;
	if (rc == 0)
		return bad_line(ld, line, "no such piece was printed on that night: seq", seqs), 0;
	ld->res->n[k]++;
	return 0;
}

static int load_lines(struct load *ld, FILE *fp, struct ng_err *err)
{
	char line[1024], head[1024], *f[16];
	int n, cd, cs, ct;
	long no = 1;

	if (!fgets(head, sizeof(head), fp))
		return ng_fail(err, NG_EDATA, "'%s' is empty; it needs a header line run_date,seq,status", ld->file);
	n = split(head, f, 16);
	cd = column(f, n, "run_date");
	cs = column(f, n, "seq");
	ct = column(f, n, "status");
	if (cd < 0 || cs < 0 || ct < 0)
		return ng_fail(err, NG_EDATA, "'%s': the header must name the columns run_date, seq and status "
			       "(in any order)", ld->file);
	while (fgets(line, sizeof(line), fp)) {
		no++;
		if (line[strspn(line, " \t\r\n")] == '\0')
			continue;
		n = split(line, f, 16);
		if (n <= cd || n <= cs || n <= ct) {
			bad_line(ld, no, "too few fields", line);
			continue;
		}
		if (one(ld, no, f[cd], f[cs], f[ct], err))
			return -1;
	}
	if (ferror(fp))
		return ng_fail(err, NG_EDATA, "cannot read '%s': %s", ld->file, strerror(errno));
	return 0;
}

int reconcile_file(const char *config, const char *file, struct reconcile_result *res, struct ng_err *err)
{
	struct config cfg;
	struct load ld = { .file = file, .res = res };
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	FILE *fp;
	int ret = -1;

	memset(res, 0, sizeof(*res));
	gmtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
	ld.now = now;
	if (config_load(&cfg, config, err))
		return -1;
	fp = fopen(file, "r");
	if (!fp)
		return ng_fail(err, NG_EUSAGE, "cannot open the return file '%s': %s", file, strerror(errno));
	ld.L = ledger_open(cfg.ledger, err);
	if (!ld.L || ledger_begin(ld.L, err))
		goto done;
	if (load_lines(&ld, fp, err)) {
		ledger_rollback(ld.L);
		goto done;
	}
	if (ld.nbad) {
		ledger_rollback(ld.L);
		ng_fail(err, NG_EDATA, "'%s': %ld bad line%s, nothing recorded%.*s%s", file, ld.nbad,
			ld.nbad == 1 ? "" : "s", (int)ld.badlen, ld.bad, ld.nbad > MAX_REPORTED ? "; ..." : "");
		goto done;
	}
	ret = ledger_commit(ld.L, err);
done:
	fclose(fp);
	ledger_close(ld.L);
	return ret;
}
