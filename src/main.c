/*
 * main.c - the command line: parses arguments, calls one operation, reports
 * its error once, and is the only place that picks an exit code.
 *
 * Exit codes (sysexits-style, documented in the README):
 *   0  done, nothing went to the exceptions report
 *   1  done, with exceptions: some documents were not made (exceptions.csv)
 *   64 usage error          65 ledger error        70 internal error
 *   73 output error         75 another run holds the lock
 *   77 key file or PIN error 78 configuration, layout, catalog or font error
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "i18n.h"
#include "ledger.h"
#include "log.h"
#include "pin.h"
#include "pin_cmd.h"
#include "reconcile.h"
#include "run.h"

#define EXIT_EXCEPTIONS 1

static const char usage[] =
	"usage: noticegen run --config FILE --date YYYY-MM-DD [--rerun] [--jobs N | --shard K/N] [--quiet | --verbose]\n"
	"       noticegen prepare --config FILE --date YYYY-MM-DD\n"
	"       noticegen merge --config FILE --date YYYY-MM-DD --shards N\n"
	"       noticegen init-db LEDGER\n"
	"       noticegen keygen KEYFILE\n"
	"       noticegen lang-report --config FILE\n"
	"       noticegen reconcile --config FILE RETURNFILE\n"
	"       noticegen pin verify  --config FILE --case CASEID [--county NAME] --party CP|NCP < PIN\n"
	"       noticegen pin reissue --config FILE --case CASEID [--county NAME] --party CP|NCP\n"
	"                             --staff ID --reason TEXT [--now] [--new-pin]\n"
	"       noticegen pin history --config FILE --case CASEID [--county NAME]\n"
	"       noticegen pin rekey   --config FILE --new-key KEYFILE [--staff ID]\n"
	"\n"
	"run          render tonight's notices, statements, coupons and PIN letters\n"
	"init-db      create the ledger schema in LEDGER\n"
	"keygen       create a new PIN key file (mode 0600)\n"
	"lang-report  list, per language, catalog keys missing or not yet reviewed\n"
	"reconcile    record the print shop's return file: pieces mailed, spoiled (printed again), returned\n"
	"pin          check a PIN, reissue or replace a PIN letter, show a case's PIN audit, change the key\n";

static int exit_code(enum ng_code code)
{
	switch (code) {
	case NG_OK:        return 0;
	case NG_EUSAGE:    return 64;
	case NG_ELEDGER:   return 65;
	case NG_EDATA:     return 65;
	case NG_EOUTPUT:   return 73;
	case NG_ELOCKED:   return 75;
	case NG_ESECRET:   return 77;
	case NG_ECONFIG:   return 78;
	case NG_EINTERNAL: return 70;
	}
	return 70;
}

static int fail(const struct ng_err *err)
{
	log_error("%s", err->msg[0] ? err->msg : ng_code_name(err->code));
	return exit_code(err->code ? err->code : NG_EINTERNAL);
}

/* "K/N": shard K (0-based) of N. */
static int parse_shard(const char *s, struct run_opts *o)
{
	int k, n, used = 0;

	if (sscanf(s, "%d/%d%n", &k, &n, &used) != 2 || s[used] || n < 1 || n > 4096 || k < 0 || k >= n) {
		fprintf(stderr, "noticegen: --shard '%s': write K/N with 0 <= K < N, e.g. 0/4\n", s);
		return -1;
	}
	o->shard = k;
	o->shards = n;
	return 0;
}

/*
 * Without --shard, a scheduler's array job says which shard this is: Slurm
 * (SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT) or a Kubernetes Indexed
 * Job (JOB_COMPLETION_INDEX, with the count from --shards). Returns -1 on
 * a contradiction, having said why.
 */
static int shard_from_scheduler(struct run_opts *o, int count)
{
	const char *id = getenv("SLURM_ARRAY_TASK_ID"), *n = getenv("SLURM_ARRAY_TASK_COUNT");
	const char *index = getenv("JOB_COMPLETION_INDEX");
	char spec[64];

	if (id && n) {
		snprintf(spec, sizeof(spec), "%s/%s", id, n);
		return parse_shard(spec, o);
	}
	if (index && count) {
		snprintf(spec, sizeof(spec), "%s/%d", index, count);
		return parse_shard(spec, o);
	}
	if (index || count) {
		fputs("noticegen: a Kubernetes Indexed Job needs both JOB_COMPLETION_INDEX and --shards N\n", stderr);
		return -1;
	}
	return 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "date", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },        { "verbose", no_argument, NULL, 'v' },
		{ "rerun", no_argument, NULL, 'r' },        { "jobs", required_argument, NULL, 'j' },
		{ "shard", required_argument, NULL, 's' },  { "shards", required_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	struct run_result res;
	struct ng_err err = { 0 };
	int c, count = 0;

	o.jobs = 1;
	while ((c = getopt_long(argc, argv, "c:d:qvrj:s:S:", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 's':
			if (parse_shard(optarg, &o) != 0)
				return 64;
			break;
		case 'S':
			count = (int)strtol(optarg, &end, 10);
			if (*end || count < 1 || count > 4096) {
				fputs("noticegen: --shards takes a number from 1 to 4096\n", stderr);
				return 64;
			}
			break;
		case 'r': o.rerun = 1; break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 64) {
				fputs("noticegen: --jobs takes a number from 1 to 64\n", stderr);
				return 64;
			}
			break;
		case 'c': o.config = optarg; break;
		case 'd': o.date = optarg; break;
		case 'q': log_set_level(LOG_WARN); break;
		case 'v': log_set_level(LOG_DEBUG); break;
		default: fputs(usage, stderr); return 64;
		}
	}
	if (!o.config || !o.date || optind != argc) {
		fputs(usage, stderr);
		return 64;
	}
	if (!o.shards && shard_from_scheduler(&o, count) != 0)
		return 64;
	if (o.shards && o.jobs > 1) {
		fputs("noticegen: --jobs and --shard do not go together: run more shards\n", stderr);
		return 64;
	}
	o.progress = isatty(STDERR_FILENO);
	if (run_night(&o, &res, &err))
		return fail(&err);
	log_info("done: %ld documents in the manifest (%ld written now, %ld already made by an earlier run of this date), "
		 "%ld exceptions, %.1f s; see %s", res.pieces, res.written, res.resumed, res.exceptions,
		 res.seconds, res.run_dir);
	return res.exceptions ? EXIT_EXCEPTIONS : 0;
}

static int cmd_lang_report(int argc, char **argv)
{
	struct config cfg;
	struct ng_err err = { 0 };
	struct i18n *i;
	int problems;

	if (argc != 3 || strcmp(argv[1], "--config")) {
		fputs(usage, stderr);
		return 64;
	}
	if (config_load(&cfg, argv[2], &err))
		return fail(&err);
	i = i18n_new();
	if (!i || i18n_load_dir(i, cfg.lang, &err)) {
		i18n_free(i);
		return fail(&err);
	}
	problems = i18n_report(i, stdout);
	i18n_free(i);
	return problems ? EXIT_EXCEPTIONS : 0;
}

/* prepare and merge: --config FILE --date D [--shards N]. */
static int cmd_prepare_merge(int argc, char **argv, int merge)
{
	const char *config = NULL, *date = NULL;
	struct run_result res;
	struct ng_err err = { 0 };
	int i, shards = 0;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--config"))
			config = argv[i + 1];
		else if (!strcmp(argv[i], "--date"))
			date = argv[i + 1];
		else if (!strcmp(argv[i], "--shards"))
			shards = atoi(argv[i + 1]);
		else
			break;
	}
	if (i != argc || !config || !date || (merge && (shards < 1 || shards > 4096))) {
		fputs(usage, stderr);
		return 64;
	}
	if (!merge)
		return run_prepare(config, date, &err) ? fail(&err) : 0;
	if (run_merge(config, date, shards, &res, &err))
		return fail(&err);
	log_info("merged %d shards: %ld documents in the manifest, %ld exceptions; see %s", shards,
		 res.pieces, res.exceptions, res.run_dir);
	return res.exceptions ? EXIT_EXCEPTIONS : 0;
}

/* reconcile --config FILE RETURNFILE */
static int cmd_reconcile(int argc, char **argv)
{
	struct reconcile_result res;
	struct ng_err err = { 0 };

	if (argc != 4 || strcmp(argv[1], "--config")) {
		fputs(usage, stderr);
		return 64;
	}
	if (reconcile_file(argv[2], argv[3], &res, &err))
		return fail(&err);
	log_info("reconcile: %s: %ld mailed, %ld spoiled (printed again on the next run), %ld returned",
		 argv[3], res.n[0], res.n[1], res.n[2]);
	return 0;
}

int main(int argc, char **argv)
{
	struct ng_err err = { 0 };

	/* Past a file-size limit, write() should fail with EFBIG and be reported, not kill us. */
	signal(SIGXFSZ, SIG_IGN);

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? 64 : 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "pin"))
		return pin_cmd_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "prepare"))
		return cmd_prepare_merge(argc - 1, argv + 1, 0);
	if (!strcmp(argv[1], "merge"))
		return cmd_prepare_merge(argc - 1, argv + 1, 1);
	if (!strcmp(argv[1], "reconcile"))
		return cmd_reconcile(argc - 1, argv + 1);
	if (!strcmp(argv[1], "lang-report"))
		return cmd_lang_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "init-db") && argc == 3)
		return ledger_init(argv[2], &err) ? fail(&err) : 0;
	if (!strcmp(argv[1], "keygen") && argc == 3)
		return pin_key_create(argv[2], &err) ? fail(&err) : 0;
	fputs(usage, stderr);
	return 64;
}
