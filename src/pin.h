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

#endif
