/*
 * pin_cmd.c - `noticegen pin ...`: the PIN's life after the nightly run
 * issued it. Staff reissue a lost letter (the same PIN, as New York does)
 * or replace a compromised PIN while the parent waits on the phone; the
 * online portal checks a PIN; an administrator changes the key.
 *
 *   pin verify  --config F --case C [--county N] --party CP|NCP   (PIN on stdin)
 *   pin reissue --config F --case C [--county N] --party CP|NCP --staff ID --reason TEXT
 *               [--now] [--new-pin]
 *   pin history --config F --case C [--county N]
 *   pin rekey   --config F --new-key FILE [--staff ID]
 *
 * The sealed format, for a portal that reimplements `pin verify`:
 *   - table pins: party_id, key_id, nonce, sealed, issued_on (one row per party);
 *   - sealed = libsodium crypto_aead_xchacha20poly1305_ietf_encrypt of the 5
 *     ASCII digits: 21 bytes, 5 of ciphertext then the 16-byte Poly1305 tag;
 *   - nonce = 24 random bytes, new every time a PIN is sealed;
 *   - associated data = "noticegen-pin-v1|party=<party_id>|case=<case_key>",
 *     decimal, no NUL: a row copied onto another party fails to open;
 *   - the key file holds the 32-byte key as 64 hex digits and a newline,
 *     mode 0600, owned by the user running noticegen;
 *   - key_id = hex of the 8-byte BLAKE2b (crypto_generichash, no key) of the
 *     32 key bytes: tells which key a row is under, so a rekey that was
 *     interrupted can be checked and finished.
 * Compare the opened PIN with the candidate in constant time (sodium_memcmp).
 *
 * Exit statuses (the README's table, plus the ones only these commands use):
 *   0 done (verify: the PIN matches)       1 verify: the PIN does not match
 *   64 usage, or a reissue without --staff and --reason
 *   65 the ledger cannot be read or written
 *   67 no such case, or no such party on the case
 *   69 refused by policy: closed case, reissue limit reached, no PIN issued yet
 *   73 the letter could not be written     75 a run holds the ledger (rekey)
 *   77 key file missing or loose, or a stored PIN that does not open
 *   78 bad configuration
 *
 * Every reissue, replacement and refusal on a case that exists is written
 * to pin_audit with the staff id and reason; a refusal changes no PIN. No
 * clear PIN is ever printed, logged or stored: it lives in a 6-byte buffer
 * only while it is compared, re-sealed or drawn on a letter, then is wiped.
 */
#include "pin_cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "ledger.h"
#include "log.h"
#include "pin.h"
#include "run.h"
#include "utf8.h"

#define EXIT_MISMATCH 1
#define EXIT_USAGE 64
#define EXIT_LEDGER 65
#define EXIT_NOTFOUND 67
#define EXIT_REFUSED 69
#define EXIT_SECRET 77

#define STAFF_MAX 64       /* bytes of a staff id */
#define REASON_MAX 400     /* bytes of a reason */

static const char usage[] =
	"usage: noticegen pin verify  --config FILE --case CASEID [--county NAME] --party CP|NCP < PIN\n"
	"       noticegen pin reissue --config FILE --case CASEID [--county NAME] --party CP|NCP\n"
	"                             --staff ID --reason TEXT [--now] [--new-pin]\n"
	"       noticegen pin history --config FILE --case CASEID [--county NAME]\n"
	"       noticegen pin rekey   --config FILE --new-key KEYFILE [--staff ID]\n";

struct pin_opts {
	const char *config, *case_id, *county, *role;
	const char *staff, *reason, *new_key;
	int now, new_pin;
};

/* What every subcommand but rekey works on: one party (or case) of the ledger. */
struct pin_ctx {
	struct config cfg;
	struct ledger *L;
	struct pin_key key;
	struct ledger_case c;
	int64_t party;
	const char *role;
	time_t now;
	char stamp[21], today[11];
	int staff_checked;      /* --staff was found not to hold the party's PIN */
};

/* The README's mapping from error kinds to exit statuses. */
static int status_of(enum ng_code code)
{
	switch (code) {
	case NG_OK:        return 0;
	case NG_EUSAGE:    return EXIT_USAGE;
	case NG_ELEDGER:   return EXIT_LEDGER;
	case NG_EDATA:     return EXIT_LEDGER;
	case NG_EOUTPUT:   return 73;
	case NG_ELOCKED:   return 75;
	case NG_ESECRET:   return EXIT_SECRET;
	case NG_ECONFIG:   return 78;
	case NG_EINTERNAL: return 70;
	}
	return 70;
}

/* The commands' edge: the one place an error is printed. */
static int report(int status, const struct ng_err *err)
{
	if (status)
		log_error("%s", err->msg[0] ? err->msg : ng_code_name(err->code));
	return status;
}

static int bad_usage(const char *why)
{
	if (why)
		log_error("%s", why);
	fputs(usage, stderr);
	return EXIT_USAGE;
}

static int parse(int argc, char **argv, struct pin_opts *o)
{
	enum { O_CONFIG = 1, O_CASE, O_COUNTY, O_PARTY, O_STAFF, O_REASON, O_NOW, O_NEW_PIN, O_NEW_KEY };
	static const struct option opts[] = {
		{ "config", required_argument, NULL, O_CONFIG },
		{ "case", required_argument, NULL, O_CASE },
		{ "county", required_argument, NULL, O_COUNTY },
		{ "party", required_argument, NULL, O_PARTY },
		{ "staff", required_argument, NULL, O_STAFF },
		{ "reason", required_argument, NULL, O_REASON },
		{ "now", no_argument, NULL, O_NOW },
		{ "new-pin", no_argument, NULL, O_NEW_PIN },
		{ "new-key", required_argument, NULL, O_NEW_KEY },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;           /* GNU getopt: start afresh */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case O_CONFIG:  o->config = optarg; break;
		case O_CASE:    o->case_id = optarg; break;
		case O_COUNTY:  o->county = optarg; break;
		case O_PARTY:   o->role = optarg; break;
		case O_STAFF:   o->staff = optarg; break;
		case O_REASON:  o->reason = optarg; break;
		case O_NOW:     o->now = 1; break;
		case O_NEW_PIN: o->new_pin = 1; break;
		case O_NEW_KEY: o->new_key = optarg; break;
		default:        return -1;
		}
	}
	if (optind != argc) {
		log_error("unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!o->config) {
		log_error("--config FILE is required");
		return -1;
	}
	if (o->role && strcmp(o->role, "CP") && strcmp(o->role, "NCP")) {
		log_error("--party is '%s'; write CP or NCP", o->role);
		return -1;
	}
	return 0;
}

/* Printable text of at most max bytes: it goes into the audit and onto terminals. */
static int clean_text(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n > 0 && n <= max && utf8_is_clean(s, n) && !strchr(s, '\n');
}

static const char *role_name(const char *role)
{
	return !strcmp(role, "CP") ? "custodial parent (CP)" : "noncustodial parent (NCP)";
}

static void ctx_release(struct pin_ctx *x)
{
	ledger_close(x->L);
	pin_key_wipe(&x->key);
}

/*
 * Loads the config, opens the ledger and finds the case (and the party,
 * if o->role is set). Returns 0, or an exit status with err filled; a
 * party missing from an existing case leaves x->c set, so it can be audited.
 */
static int ctx_open(struct pin_ctx *x, const struct pin_opts *o, struct ng_err *err)
{
	char counties[256];
	int n;

	memset(x, 0, sizeof(*x));
	x->now = time(NULL);
	pin_utc_stamp(x->stamp, x->now);
	memcpy(x->today, x->stamp, 10);
	x->today[10] = '\0';
	if (!o->case_id)
		return ng_fail(err, NG_EUSAGE, "--case CASEID is required"), EXIT_USAGE;
	if (config_load(&x->cfg, o->config, err))
		return status_of(err->code);
	x->L = ledger_open(x->cfg.ledger, err);
	if (!x->L)
		return status_of(err->code);
	n = ledger_case_find(x->L, o->case_id, o->county, &x->c, counties, sizeof(counties), err);
	if (n < 0)
		return EXIT_LEDGER;
	if (n == 0) {
		memset(&x->c, 0, sizeof(x->c));
		if (o->county)
			ng_fail(err, NG_EUSAGE, "no case '%s' in county '%s'", o->case_id, o->county);
		else
			ng_fail(err, NG_EUSAGE, "no case '%s' in the ledger", o->case_id);
		return EXIT_NOTFOUND;
	}
	if (n > 1) {
		/* A case is its id and county: guessing the county could reissue to a stranger. */
		memset(&x->c, 0, sizeof(x->c));
		return ng_fail(err, NG_EUSAGE, "case id '%s' is used in %d counties (%s); say which with "
			       "--county", o->case_id, n, counties), EXIT_USAGE;
	}
	if (!o->role)
		return 0;
	x->role = o->role;
	n = ledger_party_find(x->L, x->c.key, o->role, &x->party, err);
	if (n < 0)
		return EXIT_LEDGER;
	if (n == 0)
		return ng_fail(err, NG_EUSAGE, "case %s (%s) has no %s", x->c.id, x->c.county,
			       role_name(o->role)), EXIT_NOTFOUND;
	if (n > 1)
		return ng_fail(err, NG_EDATA, "case %s (%s) has %d parties with role %s; correct the "
			       "ledger", x->c.id, x->c.county, n, o->role), EXIT_LEDGER;
	return 0;
}

/* 1 if s holds five ASCII digits in a row. */
static int five_digits(const char *s)
{
	int run = 0;

	for (; *s && run < 5; s++)
		run = *s >= '0' && *s <= '9' ? run + 1 : 0;
	return run == 5;
}

/*
 * Writes a refusal to the audit (when the case exists), in its own
 * transaction, after the caller rolled back whatever it had begun. The
 * reason is the message the operator sees, which never holds a PIN.
 * Returns status, so a caller can `return refuse(...)`.
 */
static int refuse(struct pin_ctx *x, const struct pin_opts *o, const char *what, int status,
		  const struct ng_err *why)
{
	struct ng_err err = { 0 };
	char reason[sizeof(why->msg) + 64];
	const char *staff = clean_text(o->staff, STAFF_MAX) ? o->staff : NULL;

	if (!x->L || !x->c.key)
		return status;
	/* Refused before the PIN check, a staff id with five digits in a row might be the PIN itself. */
	if (staff && !x->staff_checked && five_digits(staff))
		staff = NULL;
	snprintf(reason, sizeof(reason), "%s refused: %s", what, why->msg);
	if (ledger_begin(x->L, &err) ||
	    ledger_pin_audit_add(x->L, x->party, x->c.key, x->stamp, "refuse", staff, reason, NULL, &err) ||
	    ledger_commit(x->L, &err)) {
		ledger_rollback(x->L);
		log_warn("the refusal could not be audited: %s", err.msg);
	}
	return status;
}

/*
 * Reads the PIN from fd: one line of exactly 5 digits; anything else is
 * refused. From a terminal it asks, with echo off, so the PIN never shows.
 */
static int read_pin(int fd, char pin[6], struct ng_err *err)
{
	struct termios saved, quiet;
	char buf[16];
	size_t n = 0;
	ssize_t r;
	int i, ok, tty = isatty(fd) && tcgetattr(fd, &saved) == 0;

	memset(pin, 0, 6);
	if (tty) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(fd, TCSAFLUSH, &quiet);
		fputs("PIN: ", stderr);
	}
	/* read(2), not stdio: stdio's buffer would keep a copy of the PIN that cannot be wiped. */
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		n += (size_t)r;
		if (tty && buf[n - 1] == '\n')
			break;
	}
	if (tty) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	ok = n == 5;
	for (i = 0; ok && i < 5; i++)
		ok = buf[i] >= '0' && buf[i] <= '9';
	if (ok)
		memcpy(pin, buf, 5);
	sodium_memzero(buf, sizeof(buf));
	if (!ok)
		return ng_fail(err, NG_EUSAGE, "standard input must hold the PIN: one line of exactly 5 "
			       "digits");
	return 0;
}

static int cmd_verify(int argc, char **argv)
{
	struct pin_opts o;
	struct pin_ctx x;
	struct pin_sealed sp;
	struct ng_err err = { 0 };
	char given[6] = "";
	int status, match = 0, found;

	if (parse(argc, argv, &o) || !o.case_id || !o.role)
		return bad_usage(o.config && (!o.case_id || !o.role) ? "pin verify needs --case and --party" : NULL);
	if (read_pin(STDIN_FILENO, given, &err))
		return report(EXIT_USAGE, &err);
	status = ctx_open(&x, &o, &err);
	if (status)
		goto cleanup;
	if (pin_key_load(&x.key, x.cfg.pin_key, &err)) {
		status = EXIT_SECRET;
		goto cleanup;
	}
	found = pin_load_sealed(x.L, x.party, &sp, &err);
	if (found < 0) {
		status = status_of(err.code);
		goto cleanup;
	}
	if (!found) {
		ng_fail(&err, NG_EUSAGE, "the %s of case %s (%s) has no PIN yet", role_name(x.role), x.c.id,
			x.c.county);
		status = EXIT_REFUSED;
		goto cleanup;
	}
	if (pin_check(x.L, &x.key, x.party, x.c.key, given, &match, &err)) {
		status = status_of(err.code);
		goto cleanup;
	}
	if (!match) {
		ng_fail(&err, NG_EUSAGE, "PIN does not match");
		status = EXIT_MISMATCH;
		goto cleanup;
	}
	puts("PIN matches");
cleanup:
	pin_wipe(given);
	ctx_release(&x);
	return report(status, &err);
}

/* Whether the staff id or the reason carries the party's current PIN: the audit must never hold one. */
static int text_holds_pin(struct pin_ctx *x, const struct pin_opts *o, int *in_staff, int *in_reason,
			  struct ng_err *err)
{
	char pin[6];
	int ret;

	*in_staff = *in_reason = 0;
	ret = pin_reveal(x->L, &x->key, x->party, x->c.key, pin, err);
	if (!ret) {
		*in_staff = pin_in_text(o->staff, pin);
		*in_reason = pin_in_text(o->reason, pin);
	}
	pin_wipe(pin);
	return ret;
}

/*
 * A replacement sent --now whose letter could not be written is undone:
 * the old sealed PIN goes back and the replacement's audit row is
 * withdrawn with it (the caller then audits the failure as a refusal), so
 * the parent is never left with a PIN nobody mailed them and the limit
 * counts only what happened. If someone replaced the PIN again meanwhile,
 * theirs stands.
 */
static void undo_replace(struct pin_ctx *x, const struct pin_sealed *old, const struct pin_sealed *fresh,
			 int64_t audit_id)
{
	struct pin_sealed cur;
	struct ng_err err = { 0 };
	int found;

	if (ledger_begin(x->L, &err))
		goto fail;
	found = pin_load_sealed(x->L, x->party, &cur, &err);
	if (found < 0)
		goto rollback;
	if (found && !memcmp(cur.nonce, fresh->nonce, sizeof(cur.nonce)) &&
	    (pin_store_sealed(x->L, x->party, old, &err) ||
	     ledger_pin_audit_withdraw(x->L, audit_id, "replace_now", &err)))
		goto rollback;
	if (!ledger_commit(x->L, &err))
		return;
rollback:
	ledger_rollback(x->L);
fail:
	log_warn("the replaced PIN could not be put back (%s); the new PIN stands: mail it with "
		 "'noticegen pin reissue' once the letter can be written", err.msg);
}

static int cmd_reissue(int argc, char **argv)
{
	struct pin_opts o;
	struct pin_ctx x;
	struct pin_sealed old, fresh;
	struct ng_err err = { 0 };
	char path[4096], who[160];
	const char *event, *what;
	int64_t audit_id = 0;
	int status, replace, used = 0, in_staff = 0, in_reason = 0, in_tx = 0, found;

	if (parse(argc, argv, &o) || !o.case_id || !o.role)
		return bad_usage(o.config && (!o.case_id || !o.role) ? "pin reissue needs --case and --party" : NULL);
	status = ctx_open(&x, &o, &err);
	if (status)
		goto refused;
	replace = o.new_pin || x.cfg.reissue_new_pin;
	what = replace ? "replacement" : "reissue";
	snprintf(who, sizeof(who), "the %s of case %s (%s)", role_name(x.role), x.c.id, x.c.county);
	if (!o.staff || !o.reason) {
		ng_fail(&err, NG_EUSAGE, "a %s needs --staff ID and --reason TEXT: who asked for it, and why%s",
			what, o.new_pin ? " the PIN must change" : "");
		status = EXIT_USAGE;
		goto refused;
	}
	if (!clean_text(o.staff, STAFF_MAX) || !clean_text(o.reason, REASON_MAX)) {
		ng_fail(&err, NG_EUSAGE, "--staff (up to %d bytes) and --reason (up to %d bytes) must be "
			"non-empty printable text on one line", STAFF_MAX, REASON_MAX);
		status = EXIT_USAGE;
		goto refused;
	}
	if (x.c.closed) {
		ng_fail(&err, NG_EUSAGE, "case %s (%s) is closed: no PIN letters go out on a closed case",
			x.c.id, x.c.county);
		status = EXIT_REFUSED;
		goto refused;
	}
	if (pin_key_load(&x.key, x.cfg.pin_key, &err)) {
		status = EXIT_SECRET;
		goto refused;
	}
	/* IMMEDIATE: two staff reissuing for one caller at once cannot both pass the limit. */
	if (ledger_begin(x.L, &err)) {
		status = EXIT_LEDGER;
		goto cleanup;
	}
	in_tx = 1;
	switch (pin_reissue_allowed(x.L, x.party, x.now, x.cfg.reissue_window_days, x.cfg.reissue_limit,
				    &used, &err)) {
	case -1:
		status = EXIT_LEDGER;
		goto cleanup;
	case 0:
		ng_fail(&err, NG_EUSAGE, "%s has had %d reissues or replacements in the last %d days, "
			"which is the limit ([pin] reissue_limit); a supervisor can review them with "
			"'noticegen pin history'", who, used, x.cfg.reissue_window_days);
		status = EXIT_REFUSED;
		goto refused;
	}
	found = pin_load_sealed(x.L, x.party, &old, &err);
	if (found < 0) {
		status = status_of(err.code);
		goto refused;
	}
	if (!found) {
		ng_fail(&err, NG_EUSAGE, "%s has no PIN yet: the nightly run issues one when an order "
			"is recorded", who);
		status = EXIT_REFUSED;
		goto refused;
	}
	/* Even a replacement first opens the old PIN: a row that does not open means tampering. */
	if (text_holds_pin(&x, &o, &in_staff, &in_reason, &err)) {
		status = status_of(err.code);
		goto refused;
	}
	x.staff_checked = !in_staff;
	if (in_staff || in_reason) {
		ng_fail(&err, NG_EUSAGE, "%s contains the party's PIN; never write a PIN into the audit "
			"trail", in_staff ? "--staff" : "--reason");
		if (in_staff)
			o.staff = NULL;     /* the refusal is audited without it */
		status = EXIT_USAGE;
		goto refused;
	}
	if (replace && pin_replace(x.L, &x.key, x.party, x.c.key, x.today, &fresh, &err)) {
		status = status_of(err.code);
		goto cleanup;
	}
	event = replace ? (o.now ? "replace_now" : "replace") : (o.now ? "reissue_now" : "reissue");
	if (ledger_pin_audit_add(x.L, x.party, x.c.key, x.stamp, event, o.staff, o.reason, &audit_id, &err)) {
		status = EXIT_LEDGER;
		goto cleanup;
	}
	if (!o.now || replace) {
		/* A replacement is committed first: the letter is drawn from what the ledger holds. */
		if (ledger_commit(x.L, &err)) {
			status = EXIT_LEDGER;
			goto cleanup;
		}
		in_tx = 0;
	}
	if (!o.now) {
		printf("%s of %s recorded (audit %lld): the letter joins the next nightly print batch\n",
		       replace ? "a new PIN" : "a reissue", who, (long long)audit_id);
		goto cleanup;
	}
	/*
	 * A same-PIN reissue keeps its audit row uncommitted while the letter is
	 * drawn (the renderer reads the committed PIN, which is the same): if the
	 * letter fails, nothing was recorded as sent.
	 */
	if (run_pin_letter_now(o.config, x.today, x.c.key, x.party, audit_id, path, sizeof(path), &err)) {
		status = status_of(err.code);
		ng_err_prefix(&err, "the letter could not be written");
		if (in_tx) {
			ledger_rollback(x.L);
			in_tx = 0;
		} else {
			undo_replace(&x, &old, &fresh, audit_id);
		}
		goto refused;
	}
	if (in_tx && ledger_commit(x.L, &err)) {
		unlink(path);
		status = EXIT_LEDGER;
		goto cleanup;
	}
	in_tx = 0;
	printf("PIN letter written to %s\n", path);
	goto cleanup;
refused:
	if (in_tx) {
		ledger_rollback(x.L);
		in_tx = 0;
	}
	refuse(&x, &o, o.new_pin || x.cfg.reissue_new_pin ? "replacement" : "reissue", status, &err);
cleanup:
	if (in_tx)
		ledger_rollback(x.L);
	sodium_memzero(&old, sizeof(old));
	sodium_memzero(&fresh, sizeof(fresh));
	ctx_release(&x);
	return report(status, &err);
}

/* Control characters from the ledger are shown as '?': history goes to terminals. */
static void print_safe(const char *s, int width)
{
	int n = 0;

	for (; *s; s++, n++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
	for (; n < width; n++)
		putchar(' ');
}

static int history_row(const struct ledger_pin_event *e, void *arg)
{
	int *rows = arg;

	printf("%-6lld %-21s %-12s ", (long long)e->audit_id, e->at, e->event);
	print_safe(e->party ? (e->role[0] ? e->role : "?") : "all", 6);
	putchar(' ');
	print_safe(e->staff[0] ? e->staff : "-", 12);
	putchar(' ');
	print_safe(e->reason, 0);
	putchar('\n');
	(*rows)++;
	return 0;
}

static int cmd_history(int argc, char **argv)
{
	struct pin_opts o;
	struct pin_ctx x;
	struct ng_err err = { 0 };
	int status, rows = 0;

	if (parse(argc, argv, &o) || !o.case_id || o.role)
		return bad_usage(o.config && !o.case_id ? "pin history needs --case" : NULL);
	status = ctx_open(&x, &o, &err);
	if (status)
		goto cleanup;
	printf("PIN history of case %s (%s)%s\n", x.c.id, x.c.county, x.c.closed ? ", closed" : "");
	printf("%-6s %-21s %-12s %-6s %-12s %s\n", "audit", "time (UTC)", "event", "party", "staff", "reason");
	if (ledger_pin_history(x.L, x.c.key, history_row, &rows, &err)) {
		status = status_of(err.code);
		goto cleanup;
	}
	if (!rows)
		puts("(no PIN events)");
cleanup:
	ctx_release(&x);
	return report(status, &err);
}

/* The nightly run's lock: a rekey must not swap keys under a run that is drawing letters. */
static int lock_ledger(const char *ledger, int *fd, struct ng_err *err)
{
	char path[PATH_MAX + 8];

	snprintf(path, sizeof(path), "%s.lock", ledger);
	*fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0)
		return ng_fail(err, NG_EOUTPUT, "cannot create lock file '%s': %s", path, strerror(errno));
	if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		return ng_fail(err, NG_ELOCKED, "a noticegen run holds '%s'; rekey when it has finished", path);
	return 0;
}

static int cmd_rekey(int argc, char **argv)
{
	struct pin_opts o;
	struct config cfg;
	struct pin_key old_key, new_key;
	struct ledger *L = NULL;
	struct ng_err err = { 0 };
	char now[21], reason[160], abs_new[PATH_MAX];
	long changed = 0, kept = 0;
	int status = 0, lock_fd = -1, in_tx = 0;

	memset(&old_key, 0, sizeof(old_key));
	memset(&new_key, 0, sizeof(new_key));
	if (parse(argc, argv, &o) || !o.new_key || o.case_id || o.role)
		return bad_usage(o.config && !o.new_key ? "pin rekey needs --new-key FILE" : NULL);
	if (o.staff && !clean_text(o.staff, STAFF_MAX))
		return bad_usage("--staff must be printable text on one line");
	if (config_load(&cfg, o.config, &err)) {
		status = status_of(err.code);
		goto cleanup;
	}
	if (pin_key_load(&old_key, cfg.pin_key, &err) || pin_key_load(&new_key, o.new_key, &err)) {
		status = EXIT_SECRET;
		goto cleanup;
	}
	if (lock_ledger(cfg.ledger, &lock_fd, &err)) {
		status = status_of(err.code);
		goto cleanup;
	}
	L = ledger_open(cfg.ledger, &err);
	if (!L) {
		status = status_of(err.code);
		goto cleanup;
	}
	/*
	 * One transaction: killed at any point, SQLite's journal leaves every
	 * row as it was or every row re-sealed, never a mix of keys.
	 */
	if (ledger_begin(L, &err)) {
		status = EXIT_LEDGER;
		goto cleanup;
	}
	in_tx = 1;
	if (pin_rekey(L, &old_key, &new_key, &changed, &kept, &err)) {
		status = status_of(err.code);
		ng_err_prefix(&err, "rekey stopped, nothing changed");
		goto cleanup;
	}
	pin_utc_stamp(now, time(NULL));
	snprintf(reason, sizeof(reason), "%ld PINs re-sealed from key %s to key %s", changed, old_key.id,
		 new_key.id);
	if (changed && ledger_pin_audit_add(L, 0, 0, now, "rekey", o.staff, reason, NULL, &err)) {
		status = EXIT_LEDGER;
		goto cleanup;
	}
	if (ledger_commit(L, &err)) {
		status = EXIT_LEDGER;
		goto cleanup;
	}
	in_tx = 0;
	if (changed)
		printf("rekey done: %ld PINs re-sealed under key %s (%ld already were)\n", changed,
		       new_key.id, kept);
	else
		printf("nothing to re-seal: all %ld PINs are already under key %s\n", kept, new_key.id);
	if (!strcmp(old_key.id, new_key.id)) {
		printf("the config already names this key: nothing else to do\n");
		goto cleanup;
	}
	/* Until the config names the new key, the nightly run and `pin verify` refuse every PIN. */
	printf("next: set 'pin_key = %s' under [paths] in %s now: until then the nightly run and\n"
	       "'pin verify' refuse every PIN; then check one with 'noticegen pin verify'. Keep the old\n"
	       "key %s until no backup of the ledger is sealed under it, then destroy it\n",
	       realpath(o.new_key, abs_new) ? abs_new : o.new_key, cfg.path, cfg.pin_key);
cleanup:
	if (in_tx)
		ledger_rollback(L);
	ledger_close(L);
	pin_key_wipe(&old_key);
	pin_key_wipe(&new_key);
	if (lock_fd >= 0)
		close(lock_fd);
	return report(status, &err);
}

int pin_cmd_main(int argc, char **argv)
{
	if (argc < 2)
		return bad_usage(NULL);
	if (!strcmp(argv[1], "verify"))
		return cmd_verify(argc - 1, argv + 1);
	if (!strcmp(argv[1], "reissue"))
		return cmd_reissue(argc - 1, argv + 1);
	if (!strcmp(argv[1], "history"))
		return cmd_history(argc - 1, argv + 1);
	if (!strcmp(argv[1], "rekey"))
		return cmd_rekey(argc - 1, argv + 1);
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage, stdout);
		return 0;
	}
	return bad_usage(NULL);
}
