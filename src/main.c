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
#include "run.h"

#define EXIT_EXCEPTIONS 1

static const char usage[] =
	"usage: noticegen run --config FILE --date YYYY-MM-DD [--rerun] [--jobs N] [--quiet | --verbose]\n"
	"       noticegen init-db LEDGER\n"
	"       noticegen keygen KEYFILE\n"
	"       noticegen lang-report --config FILE\n"
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

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' }, { "date", required_argument, NULL, 'd' },
		{ "quiet", no_argument, NULL, 'q' },        { "verbose", no_argument, NULL, 'v' },
		{ "rerun", no_argument, NULL, 'r' },        { "jobs", required_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_opts o = { 0 };
	struct run_result res;
	struct ng_err err = { 0 };
	int c;

	o.jobs = 1;
	while ((c = getopt_long(argc, argv, "c:d:qvrj:", opts, NULL)) != -1) {
		char *end;

		switch (c) {
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
	if (!strcmp(argv[1], "lang-report"))
		return cmd_lang_report(argc - 1, argv + 1);
	if (!strcmp(argv[1], "init-db") && argc == 3)
		return ledger_init(argv[2], &err) ? fail(&err) : 0;
	if (!strcmp(argv[1], "keygen") && argc == 3)
		return pin_key_create(argv[2], &err) ? fail(&err) : 0;
	fputs(usage, stderr);
	return 64;
}
