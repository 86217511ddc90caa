/*
 * config.h - the run's settings, read once from an INI file and checked
 * before any output is made.
 *
 * Relative paths in the file are taken relative to the file's own folder,
 * so a cron job can run from anywhere.
 */
#ifndef NG_CONFIG_H
#define NG_CONFIG_H

#include <limits.h>

#include "err.h"

enum stmt_freq { FREQ_MONTHLY, FREQ_QUARTERLY };

#define CFG_LINES 4

/* How the print shop handles one document type: [print.<type>] in the config. */
struct print_job {
	int duplex;                  /* both sides of the sheet */
	int secure;                  /* a secure job of its own (PIN letters) */
	char paper[96], envelope[96], insert[96];
};

/* The document types in the order of enum doc_type (docs/doc.h). */
#define CFG_JOBS 4
extern const char *const config_job_names[CFG_JOBS];

struct config {
	char path[PATH_MAX];
	char ledger[PATH_MAX], output[PATH_MAX], layouts[PATH_MAX];
	char fonts[PATH_MAX], lang[PATH_MAX], pin_key[PATH_MAX];

	int cycle_day;               /* day of month notices and statements go out */
	enum stmt_freq statement_freq;
	int coupon_due_day;          /* support falls due on this day of each month */
	int coupon_lead_days;        /* coupons are mailed this many days before */
	int pin_lookback_days;       /* orders recorded this recently get PIN letters */

	char url_portal[512], url_register[512], url_link[512];
	char agency[CFG_LINES][128]; /* return address, as printed */
	char remit[CFG_LINES][128];  /* where coupons' payments go */
	char phone[32], tty[32];
	struct print_job job[CFG_JOBS];
	int batch_max_pages;         /* a print batch is split before it grows past this */
	int fold_max_sheets;         /* more sheets than this go flat, in the large envelope */
	char flat_envelope[96];
	/* USPS Intelligent Mail barcode fields (USPS-B-3200), digits as text. */
	char imb_barcode_id[3], imb_service_type[4], imb_mailer_id[10];

	int reissue_new_pin;         /* [pin] reissue = new: a reissue replaces the PIN (default: same) */
	int reissue_limit;           /* reissues allowed per party in the window */
	int reissue_window_days;
};

/* Reads and checks path into cfg. On error err names the file, key and fix. */
int config_load(struct config *cfg, const char *path, struct ng_err *err);

#endif
