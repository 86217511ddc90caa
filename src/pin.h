/*
 * pin.h - account PINs: drawn, sealed, opened.
 *
 * A PIN is 5 decimal digits drawn uniformly from the operating system's
 * cryptographic source (libsodium's randombytes_uniform: no modulo bias).
 * At rest it is sealed with XChaCha20-Poly1305 under the key file, with the
 * party id and case key as associated data, so a sealed PIN copied onto
 * another party's row fails to open. The clear PIN lives in a caller's
 * 6-byte buffer only while a letter is drawn; pin_wipe clears it.
 */
#ifndef NG_PIN_H
#define NG_PIN_H

#include <stdint.h>
#include <time.h>

#include "err.h"
#include "ledger.h"

#define PIN_KEY_BYTES 32

struct pin_key {
	unsigned char k[PIN_KEY_BYTES];
	char id[17];          /* hex fingerprint of the key, stored beside each sealed PIN */
};

/* Creates a new random key file at path, mode 0600. Refuses to overwrite one. */
int pin_key_create(const char *path, struct ng_err *err);

/*
 * Reads the key file (64 hex digits). Refuses a file that group or others
 * may read or write, or that another user owns. Wipe with pin_key_wipe.
 */
int pin_key_load(struct pin_key *key, const char *path, struct ng_err *err);
void pin_key_wipe(struct pin_key *key);

/* Draws 5 uniform random decimal digits into pin (NUL-terminated). */
void pin_draw(char pin[6]);

/* Draws a PIN for party, seals it and stores it; audits the event. Never reveals it. */
int pin_issue(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	      const char *today, struct ng_err *err);

/* Opens party's PIN into pin (5 digits + NUL). Returns 0, or NG_ESECRET if none or it does not open. */
int pin_reveal(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	       char pin[6], struct ng_err *err);

void pin_wipe(char pin[6]);

/*
 * A keyed digest of party's PIN (32 hex digits and a NUL) that its letter
 * carries. The journal, the manifest and SHA256SUMS publish each letter's
 * SHA-256, and everything else on a letter is in the ledger: without a
 * secret in its bytes, rendering it for each of the 100,000 PINs and
 * comparing hashes would find the PIN. With the mark, doing so needs the
 * key, which opens the PIN anyway. Deterministic: a reprint is the same file.
 */
void pin_letter_mark(const struct pin_key *key, int64_t party, const char pin[6], char out[33]);

/* ------------------------------------------------------------------ */
/* The PIN's life after issue: verify, replace, reissue limit, rekey.   */
/* ------------------------------------------------------------------ */

#define PIN_NONCE_BYTES 24    /* crypto_aead_xchacha20poly1305_ietf_NPUBBYTES */
#define PIN_SEALED_BYTES 21   /* 5 digits and the 16-byte Poly1305 tag */

/* A PIN as it rests in the ledger's pins row: sealed, never clear. */
struct pin_sealed {
	char key_id[17];
	unsigned char nonce[PIN_NONCE_BYTES];
	unsigned char box[PIN_SEALED_BYTES];
	char issued_on[11];
};

/* Seals the 5 digits of pin to (party, case_key) under key with a fresh nonce. */
int pin_seal(const struct pin_key *key, int64_t party, int64_t case_key, const char pin[6],
	     struct pin_sealed *out, struct ng_err *err);

/*
 * Opens sp into pin (5 digits + NUL). NG_ESECRET if sp is under another key,
 * or does not open: altered, or another party's.
 */
int pin_open(const struct pin_key *key, int64_t party, int64_t case_key, const struct pin_sealed *sp,
	     char pin[6], struct ng_err *err);

/* Reads party's stored PIN: 1 found, 0 none, -1 error. */
int pin_load_sealed(struct ledger *L, int64_t party, struct pin_sealed *sp, struct ng_err *err);

/* Stores sp as party's PIN, over any earlier one (the caller holds the transaction). */
int pin_store_sealed(struct ledger *L, int64_t party, const struct pin_sealed *sp, struct ng_err *err);

/*
 * Compares given (a NUL-terminated string from outside) with party's
 * current PIN in constant time; *match is 1 only if they are equal.
 * Returns 0, or NG_ESECRET when there is no PIN or it does not open.
 */
int pin_check(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	      const char *given, int *match, struct ng_err *err);

/*
 * Draws a new PIN for party and stores it sealed over the old one, dated
 * today; the old PIN stops verifying. The new sealed row is copied into
 * *now if not NULL. The caller holds the transaction and writes the audit
 * row; the clear PIN never leaves this function.
 */
int pin_replace(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
		const char *today, struct pin_sealed *now, struct ng_err *err);

/* 1 if s holds the 5 digits of pin anywhere (staff text must not carry a PIN), else 0. */
int pin_in_text(const char *s, const char pin[6]);

/* t as the audit's UTC timestamp, "YYYY-MM-DDTHH:MM:SSZ". */
void pin_utc_stamp(char out[21], time_t t);

/*
 * The reissue limit: *used is how many reissues and replacements of
 * party's PIN are dated within window_days before now. Returns 1 if one
 * more is allowed (*used < limit), 0 if not, -1 on a ledger error.
 */
int pin_reissue_allowed(struct ledger *L, int64_t party, time_t now, int window_days, int limit,
			int *used, struct ng_err *err);

/*
 * Re-seals every stored PIN under new_key, inside the caller's transaction:
 * a row under old_key is opened, sealed again under new_key and checked to
 * open; a row already under new_key is only checked. So a rekey rerun after
 * a crash finishes the job and a second run changes nothing. Counts go to
 * *changed and *kept. Any row that does not open, or is under a third key,
 * fails with a message naming the party and case: the caller rolls back.
 */
int pin_rekey(struct ledger *L, const struct pin_key *old_key, const struct pin_key *new_key,
	      long *changed, long *kept, struct ng_err *err);

#endif
