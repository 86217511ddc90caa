#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ini.h"

/* Resolves a path from the config relative to the config file's folder. */
static int resolve(char *out, const char *cfg_path, const char *value)
{
	const char *slash = strrchr(cfg_path, '/');
	int n;

	if (value[0] == '/' || !slash)
		n = snprintf(out, PATH_MAX, "%s", value);
	else
		n = snprintf(out, PATH_MAX, "%.*s/%s", (int)(slash - cfg_path), cfg_path, value);
	return n >= PATH_MAX ? -1 : 0;
}

static int get_path(const struct ini *ini, const char *key, char *out, struct ng_err *err)
{
	const char *v;

	if (ini_str(ini, key, &v, err) != 0)
		return -1;
	if (resolve(out, ini_path(ini), v) != 0)
		return ng_fail(err, NG_ECONFIG, "%s: key '%s': path too long", ini_path(ini), key);
	return 0;
}

static int get_text(const struct ini *ini, const char *key, char *out, size_t cap, int required,
		    struct ng_err *err)
{
	const char *v = ini_str_or(ini, key, NULL);

	if (!v && required)
		return ini_str(ini, key, &v, err);
	if (v && strlen(v) >= cap)
		return ng_fail(err, NG_ECONFIG, "%s: key '%s' is longer than %zu characters; shorten it",
			       ini_path(ini), key, cap - 1);
	snprintf(out, cap, "%s", v ? v : "");
	return 0;
}

static int get_url(const struct ini *ini, const char *key, char *out, size_t cap, struct ng_err *err)
{
	if (get_text(ini, key, out, cap, 1, err) != 0)
		return -1;
	if (strncmp(out, "https://", 8) != 0)
		return ng_fail(err, NG_ECONFIG, "%s: key '%s' is '%s'; it must be an https:// address",
			       ini_path(ini), key, out);
	return 0;
}

static int get_lines(const struct ini *ini, const char *sec, char lines[CFG_LINES][128],
		     struct ng_err *err)
{
	char key[64];
	int i;

	for (i = 0; i < CFG_LINES; i++) {
		snprintf(key, sizeof(key), "%s:line%d", sec, i + 1);
		if (get_text(ini, key, lines[i], sizeof(lines[i]), i < 2, err) != 0)
			return -1;
	}
	return 0;
}

const char *const config_job_names[CFG_JOBS] = { "notice", "statement", "coupon", "pinletter" };

/* A string of exactly one of the lengths in lens (0-terminated), all digits. */
static int get_digits(const struct ini *ini, const char *key, char *out, size_t cap, const int *lens,
		      const char *fix, struct ng_err *err)
{
	size_t n, i;

	if (get_text(ini, key, out, cap, 1, err))
		return -1;
	n = strlen(out);
	for (i = 0; i < n && out[i] >= '0' && out[i] <= '9'; i++)
		;
	for (; *lens && (size_t)*lens != n; lens++)
		;
	if (i < n || !*lens)
		return ng_fail(err, NG_ECONFIG, "%s: key '%s' is '%s'; %s", ini_path(ini), key, out, fix);
	return 0;
}

/* The Intelligent Mail barcode's fixed fields, checked as USPS-B-3200 defines them. */
static int get_imb(const struct ini *ini, struct config *cfg, struct ng_err *err)
{
	static const int two[] = { 2, 0 }, three[] = { 3, 0 }, mid[] = { 6, 9, 0 };

	if (get_digits(ini, "print:imb_barcode_id", cfg->imb_barcode_id, sizeof(cfg->imb_barcode_id), two,
		       "write two digits, the second 0 to 4 (00 when the mail is not presorted)", err) ||
	    get_digits(ini, "print:imb_service_type", cfg->imb_service_type, sizeof(cfg->imb_service_type),
		       three, "write the three-digit Service Type ID from USPS (e.g. 040)", err) ||
	    get_digits(ini, "print:imb_mailer_id", cfg->imb_mailer_id, sizeof(cfg->imb_mailer_id), mid,
		       "write the Mailer ID USPS assigned: 6 digits, or 9 digits starting with 9", err))
		return -1;
	if (cfg->imb_barcode_id[1] > '4')
		return ng_fail(err, NG_ECONFIG, "%s: key 'print:imb_barcode_id' is '%s'; its second digit must "
			       "be 0 to 4", ini_path(ini), cfg->imb_barcode_id);
	if ((strlen(cfg->imb_mailer_id) == 9) != (cfg->imb_mailer_id[0] == '9'))
		return ng_fail(err, NG_ECONFIG, "%s: key 'print:imb_mailer_id' is '%s'; 6-digit Mailer IDs "
			       "start with 0 to 8, 9-digit ones with 9", ini_path(ini), cfg->imb_mailer_id);
	return 0;
}

/*
 * [print.<type>]: each job's sides and materials, with the shop's usual
 * defaults; [print] duplex is the default sides of notices and statements.
 */
static int get_jobs(const struct ini *ini, struct config *cfg, struct ng_err *err)
{
	static const char *const envelope[CFG_JOBS] = {
		"#10 window", "#10 window", "#10 window", "#10 security-tint window",
	};
	static const char *const insert[CFG_JOBS] = {
		"none", "none", "#9 reply envelope to the remittance address", "none",
	};
	char key[64];
	int i, duplex;

	if (ini_bool(ini, "print:duplex", 1, &duplex, err))
		return -1;
	for (i = 0; i < CFG_JOBS; i++) {
		struct print_job *j = &cfg->job[i];
		const char *name = config_job_names[i];
		/* Coupons and PIN letters are one sheet, printed one side. */
		int sides = i < 2 ? duplex : 0;

		snprintf(key, sizeof(key), "print.%s:duplex", name);
		if (ini_bool(ini, key, sides, &j->duplex, err))
			return -1;
		snprintf(key, sizeof(key), "print.%s:secure", name);
		if (ini_bool(ini, key, !strcmp(name, "pinletter"), &j->secure, err))
			return -1;
		snprintf(key, sizeof(key), "print.%s:paper", name);
		snprintf(j->paper, sizeof(j->paper), "%s", ini_str_or(ini, key, "Letter, 24 lb white"));
		snprintf(key, sizeof(key), "print.%s:envelope", name);
		snprintf(j->envelope, sizeof(j->envelope), "%s", ini_str_or(ini, key, envelope[i]));
		snprintf(key, sizeof(key), "print.%s:insert", name);
		snprintf(j->insert, sizeof(j->insert), "%s", ini_str_or(ini, key, insert[i]));
	}
	return 0;
}

int config_load(struct config *cfg, const char *path, struct ng_err *err)
{
	struct ini *ini;
	const char *freq;
	long n;
	int ret = -1;

	memset(cfg, 0, sizeof(*cfg));
	snprintf(cfg->path, sizeof(cfg->path), "%s", path);
	ini = ini_load(path, err);
	if (!ini)
		return -1;
	if (get_path(ini, "paths:ledger", cfg->ledger, err) ||
	    get_path(ini, "paths:output", cfg->output, err) ||
	    get_path(ini, "paths:layouts", cfg->layouts, err) ||
	    get_path(ini, "paths:fonts", cfg->fonts, err) ||
	    get_path(ini, "paths:lang", cfg->lang, err) ||
	    get_path(ini, "paths:pin_key", cfg->pin_key, err))
		goto cleanup;
	if (ini_long(ini, "schedule:cycle_day", 1, 28, 0, 1, &n, err))
		goto cleanup;
	cfg->cycle_day = (int)n;
	if (ini_long(ini, "schedule:coupon_due_day", 1, 28, 0, 1, &n, err))
		goto cleanup;
	cfg->coupon_due_day = (int)n;
	if (ini_long(ini, "schedule:coupon_lead_days", 0, 60, 0, 1, &n, err))
		goto cleanup;
	cfg->coupon_lead_days = (int)n;
	/* At least 1: a letter queued during a day (a reissue) goes out the next night. */
	if (ini_long(ini, "schedule:pin_lookback_days", 1, 365, 30, 0, &n, err))
		goto cleanup;
	cfg->pin_lookback_days = (int)n;
	freq = ini_str_or(ini, "schedule:statement_frequency", "monthly");
	if (!strcasecmp(freq, "monthly")) {
		cfg->statement_freq = FREQ_MONTHLY;
	} else if (!strcasecmp(freq, "quarterly")) {
		cfg->statement_freq = FREQ_QUARTERLY;
	} else {
		ng_fail(err, NG_ECONFIG, "%s: key 'schedule:statement_frequency' is '%s'; write monthly or quarterly",
			path, freq);
		goto cleanup;
	}
	if (get_url(ini, "urls:portal", cfg->url_portal, sizeof(cfg->url_portal), err) ||
	    get_url(ini, "urls:register", cfg->url_register, sizeof(cfg->url_register), err) ||
	    get_url(ini, "urls:link", cfg->url_link, sizeof(cfg->url_link), err) ||
	    get_lines(ini, "agency", cfg->agency, err) ||
	    get_lines(ini, "remit", cfg->remit, err) ||
	    get_text(ini, "agency:phone", cfg->phone, sizeof(cfg->phone), 1, err) ||
	    get_text(ini, "agency:tty", cfg->tty, sizeof(cfg->tty), 1, err))
		goto cleanup;
	if (get_jobs(ini, cfg, err) || get_imb(ini, cfg, err) ||
	    ini_long(ini, "print:batch_max_pages", 10, 100000, 1000, 0, &n, err))
		goto cleanup;
	cfg->batch_max_pages = (int)n;
	if (ini_long(ini, "print:fold_max_sheets", 1, 20, 5, 0, &n, err))
		goto cleanup;
	cfg->fold_max_sheets = (int)n;
	snprintf(cfg->flat_envelope, sizeof(cfg->flat_envelope), "%s",
		 ini_str_or(ini, "print:flat_envelope", "9 x 12 window, unfolded"));
	freq = ini_str_or(ini, "pin:reissue", "same");
	if (strcasecmp(freq, "same") && strcasecmp(freq, "new")) {
		ng_fail(err, NG_ECONFIG, "%s: key 'pin:reissue' is '%s'; write same (mail the same PIN again) "
			"or new (replace it)", path, freq);
		goto cleanup;
	}
	cfg->reissue_new_pin = !strcasecmp(freq, "new");
	if (ini_long(ini, "pin:reissue_limit", 1, 100, 3, 0, &n, err))
		goto cleanup;
	cfg->reissue_limit = (int)n;
	if (ini_long(ini, "pin:reissue_window_days", 1, 3650, 30, 0, &n, err))
		goto cleanup;
	cfg->reissue_window_days = (int)n;
	ret = 0;
cleanup:
	ini_free(ini);
	return ret;
}
