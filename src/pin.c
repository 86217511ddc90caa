#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

static int sodium_ready(struct ng_err *err)
{
	if (sodium_init() < 0)
		return ng_fail(err, NG_EINTERNAL, "libsodium failed to start");
	return 0;
}

static void fingerprint(struct pin_key *key)
{
	unsigned char h[8];

	crypto_generichash(h, sizeof(h), key->k, sizeof(key->k), NULL, 0);
	sodium_bin2hex(key->id, sizeof(key->id), h, sizeof(h));
}

int pin_key_create(const char *path, struct ng_err *err)
{
	unsigned char k[PIN_KEY_BYTES];
	char hex[2 * PIN_KEY_BYTES + 2];
	int fd, ok;

	if (sodium_ready(err))
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return ng_fail(err, NG_ESECRET, "cannot create key file '%s': %s%s", path, strerror(errno),
			       errno == EEXIST ? " (a key is never overwritten; use 'pin rekey' to change keys)" : "");
	randombytes_buf(k, sizeof(k));
	sodium_bin2hex(hex, sizeof(hex), k, sizeof(k));
	strcat(hex, "\n");
	ok = write(fd, hex, strlen(hex)) == (ssize_t)strlen(hex) && fsync(fd) == 0;
	ok = (close(fd) == 0) && ok;
	sodium_memzero(k, sizeof(k));
	sodium_memzero(hex, sizeof(hex));
	if (!ok) {
		unlink(path);
		return ng_fail(err, NG_ESECRET, "cannot write key file '%s': %s", path, strerror(errno));
	}
	return 0;
}

int pin_key_load(struct pin_key *key, const char *path, struct ng_err *err)
{
	char hex[2 * PIN_KEY_BYTES + 8];
	struct stat st;
	size_t bin_len = 0;
	ssize_t n;
	int fd, ret = -1;

	memset(key, 0, sizeof(*key));
	if (sodium_ready(err))
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return ng_fail(err, NG_ESECRET, "cannot open PIN key file '%s': %s; "
			       "create one with 'noticegen keygen %s'", path, strerror(errno), path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ng_fail(err, NG_ESECRET, "PIN key '%s' is not a regular file", path);
		goto cleanup;
	}
	/* The fix named is the one that applies: the owner first (chown), then the mode. */
	if (st.st_uid != geteuid()) {
		ng_fail(err, NG_ESECRET, "PIN key '%s' is owned by uid %u, not by uid %u that runs noticegen: "
			"it must belong to the user that reads it; run 'chown %u %s' as root (and 'chmod 600 %s')",
			path, (unsigned)st.st_uid, (unsigned)geteuid(), (unsigned)geteuid(), path, path);
		goto cleanup;
	}
	if (st.st_mode & 077) {
		ng_fail(err, NG_ESECRET, "PIN key '%s' has mode %03o: it must be readable by its owner alone; "
			"run 'chmod 600 %s'", path, (unsigned)(st.st_mode & 0777), path);
		goto cleanup;
	}
	n = read(fd, hex, sizeof(hex) - 1);
	if (n < 2 * PIN_KEY_BYTES ||
	    sodium_hex2bin(key->k, sizeof(key->k), hex, (size_t)n, "\n\r ", &bin_len, NULL) != 0 ||
	    bin_len != PIN_KEY_BYTES) {
		ng_fail(err, NG_ESECRET, "PIN key '%s' is not 64 hexadecimal digits", path);
		goto cleanup;
	}
	fingerprint(key);
	ret = 0;
cleanup:
	sodium_memzero(hex, sizeof(hex));
	close(fd);
	if (ret)
		pin_key_wipe(key);
	return ret;
}

void pin_key_wipe(struct pin_key *key)
{
	sodium_memzero(key, sizeof(*key));
}

void pin_wipe(char pin[6])
{
	sodium_memzero(pin, 6);
}

void pin_letter_mark(const struct pin_key *key, int64_t party, const char pin[6], char out[33])
{
	unsigned char h[16];
	char msg[64];
	int n = snprintf(msg, sizeof(msg), "noticegen PIN letter mark\n%lld\n%.5s", (long long)party, pin);

	crypto_generichash(h, sizeof(h), (const unsigned char *)msg, (unsigned long long)n, key->k, sizeof(key->k));
	sodium_bin2hex(out, 33, h, sizeof(h));
	sodium_memzero(msg, sizeof(msg));
	sodium_memzero(h, sizeof(h));
}

/* The associated data: binds a sealed PIN to its party and case. */
static size_t bind_to(char *ad, size_t cap, int64_t party, int64_t case_key)
{
	return (size_t)snprintf(ad, cap, "noticegen-pin-v1|party=%lld|case=%lld", (long long)party,
				(long long)case_key);
}

void pin_draw(char pin[6])
{
	/* randombytes_uniform rejects the biased top of the range: every PIN is equally likely. */
	snprintf(pin, 6, "%05u", (unsigned)randombytes_uniform(100000));
}

_Static_assert(PIN_NONCE_BYTES == NONCE, "pin.h's nonce size is XChaCha20's");
_Static_assert(PIN_SEALED_BYTES == 5 + TAG, "pin.h's sealed size is 5 digits and a tag");

int pin_seal(const struct pin_key *key, int64_t party, int64_t case_key, const char pin[6],
	     struct pin_sealed *out, struct ng_err *err)
{
	unsigned long long len = 0;
	char ad[96];
	size_t adlen = bind_to(ad, sizeof(ad), party, case_key);

	if (sodium_ready(err))
		return -1;
	memset(out, 0, sizeof(*out));
	snprintf(out->key_id, sizeof(out->key_id), "%s", key->id);
	randombytes_buf(out->nonce, sizeof(out->nonce));
	crypto_aead_xchacha20poly1305_ietf_encrypt(out->box, &len, (const unsigned char *)pin, 5,
						   (const unsigned char *)ad, adlen, NULL, out->nonce, key->k);
	if (len != sizeof(out->box))
		return ng_fail(err, NG_EINTERNAL, "sealing a PIN gave %llu bytes, not %zu", len,
			       sizeof(out->box));
	return 0;
}

int pin_open(const struct pin_key *key, int64_t party, int64_t case_key, const struct pin_sealed *sp,
	     char pin[6], struct ng_err *err)
{
	unsigned long long len = 0;
	char ad[96];
	size_t adlen = bind_to(ad, sizeof(ad), party, case_key);
	int i;

	memset(pin, 0, 6);
	if (sodium_ready(err))
		return -1;
	if (strcmp(sp->key_id, key->id))
		return ng_fail(err, NG_ESECRET, "the PIN of party %lld is sealed under key %s, "
			       "not the configured key %s", (long long)party, sp->key_id, key->id);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)pin, &len, NULL, sp->box,
						       sizeof(sp->box), (const unsigned char *)ad, adlen,
						       sp->nonce, key->k) != 0 || len != 5)
		goto refuse;
	/* Authentic yet not 5 digits cannot come from pin_draw: treat it as altered. */
	for (i = 0; i < 5; i++)
		if (pin[i] < '0' || pin[i] > '9')
			goto refuse;
	pin[5] = '\0';
	return 0;
refuse:
	pin_wipe(pin);
	return ng_fail(err, NG_ESECRET, "the stored PIN of party %lld does not open: it was "
		       "altered or belongs to another party", (long long)party);
}

int pin_load_sealed(struct ledger *L, int64_t party, struct pin_sealed *sp, struct ng_err *err)
{
	unsigned char sealed[64];
	size_t sealed_len = sizeof(sealed);
	int found;

	memset(sp, 0, sizeof(*sp));
	found = ledger_pin_get(L, party, sp->key_id, sp->nonce, sizeof(sp->nonce), sealed, &sealed_len, err);
	if (found <= 0)
		return found;
	if (sealed_len != sizeof(sp->box))
		return ng_fail(err, NG_ESECRET, "the stored PIN of party %lld does not open: it was "
			       "altered or belongs to another party", (long long)party), -1;
	memcpy(sp->box, sealed, sizeof(sp->box));
	if (ledger_pin_issued_on(L, party, sp->issued_on, err) < 0)
		return -1;
	return 1;
}

int pin_store_sealed(struct ledger *L, int64_t party, const struct pin_sealed *sp, struct ng_err *err)
{
	return ledger_pin_put(L, party, sp->key_id, sp->nonce, sizeof(sp->nonce), sp->box,
			      sizeof(sp->box), sp->issued_on, err);
}

int pin_reveal(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	       char pin[6], struct ng_err *err)
{
	struct pin_sealed sp;
	int found;

	memset(pin, 0, 6);
	found = pin_load_sealed(L, party, &sp, err);
	if (found < 0)
		return err->code;
	if (!found)
		return ng_fail(err, NG_ESECRET, "party %lld has no PIN", (long long)party);
	return pin_open(key, party, case_key, &sp, pin, err);
}

int pin_check(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	      const char *given, int *match, struct ng_err *err)
{
	char pin[6];
	int ret;

	*match = 0;
	ret = pin_reveal(L, key, party, case_key, pin, err);
	/* Length is public (always 5); only the digits are compared, in constant time. */
	if (!ret && strlen(given) == 5)
		*match = sodium_memcmp(pin, given, 5) == 0;
	pin_wipe(pin);
	return ret;
}

int pin_replace(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
		const char *today, struct pin_sealed *now, struct ng_err *err)
{
	struct pin_sealed sp;
	char pin[6];
	int ret;

	/* The clear PIN lives only between the draw and the seal. */
	pin_draw(pin);
	ret = pin_seal(key, party, case_key, pin, &sp, err);
	pin_wipe(pin);
	if (ret)
		return ret;
	snprintf(sp.issued_on, sizeof(sp.issued_on), "%s", today);
	ret = pin_store_sealed(L, party, &sp, err);
	if (!ret && now)
		*now = sp;
	return ret;
}

int pin_issue(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	      const char *today, struct ng_err *err)
{
	/* A first PIN is a replacement of none, audited as an issue. */
	int ret = pin_replace(L, key, party, case_key, today, NULL, err);

	if (!ret)
		ret = ledger_pin_audit(L, party, case_key, today, "issue", "noticegen",
				       "new order recorded", err);
	return ret;
}

int pin_in_text(const char *s, const char pin[6])
{
	size_t i, n = strlen(s);

	for (i = 0; i + 5 <= n; i++)
		if (sodium_memcmp(s + i, pin, 5) == 0)
			return 1;
	return 0;
}

void pin_utc_stamp(char out[21], time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int pin_reissue_allowed(struct ledger *L, int64_t party, time_t now, int window_days, int limit,
			int *used, struct ng_err *err)
{
	char since[21];
	int n;

	/* A rolling window: exactly window_days * 24 hours back from now, not calendar days. */
	pin_utc_stamp(since, now - (time_t)window_days * 86400);
	n = ledger_pin_reissues_since(L, party, since, err);
	*used = n < 0 ? 0 : n;
	if (n < 0)
		return -1;
	return n < limit;
}

/* Re-seals one row under new_key (or only checks it, if already there). */
static int rekey_one(struct ledger *L, const struct pin_key *old_key, const struct pin_key *new_key,
		     const struct ledger_pin_ref *r, int *changed, struct ng_err *err)
{
	struct pin_sealed sp, again;
	char pin[6] = "";
	int ret = -1;

	*changed = 0;
	if (!r->case_key)
		return ng_fail(err, NG_ESECRET, "the PIN row of party %lld names no party of the ledger, so "
			       "it cannot be opened; restore the party or delete that row",
			       (long long)r->party);
	if (pin_load_sealed(L, r->party, &sp, err) <= 0)
		return err->code ? -1 : ng_fail(err, NG_ELEDGER, "the PIN of party %lld vanished",
						(long long)r->party);
	if (!strcmp(sp.key_id, new_key->id)) {
		ret = pin_open(new_key, r->party, r->case_key, &sp, pin, err);
		goto cleanup;
	}
	if (strcmp(sp.key_id, old_key->id)) {
		ret = ng_fail(err, NG_ESECRET, "the PIN of party %lld is sealed under key %s, which is "
			      "neither the configured key %s nor the new key %s", (long long)r->party,
			      sp.key_id, old_key->id, new_key->id);
		goto cleanup;
	}
	if (pin_open(old_key, r->party, r->case_key, &sp, pin, err) ||
	    pin_seal(new_key, r->party, r->case_key, pin, &again, err) ||
	    ledger_pin_reseal(L, r->party, again.key_id, again.nonce, sizeof(again.nonce), again.box,
			      sizeof(again.box), err))
		goto cleanup;
	pin_wipe(pin);
	/* Read back what was written: only a row that opens under the new key may be committed. */
	if (pin_reveal(L, new_key, r->party, r->case_key, pin, err))
		goto cleanup;
	*changed = 1;
	ret = 0;
cleanup:
	pin_wipe(pin);
	return ret;
}

int pin_rekey(struct ledger *L, const struct pin_key *old_key, const struct pin_key *new_key,
	      long *changed, long *kept, struct ng_err *err)
{
	struct ledger_pin_ref *refs = NULL;
	long n, i;
	int ret = 0, did;

	*changed = *kept = 0;
	if (sodium_ready(err))
		return -1;
	n = ledger_pin_refs(L, &refs, err);
	if (n < 0)
		return -1;
	for (i = 0; i < n && !ret; i++) {
		ret = rekey_one(L, old_key, new_key, &refs[i], &did, err);
		if (ret) {
			if (refs[i].case_id[0])
				ng_err_prefix(err, "party %lld (case %s, %s)", (long long)refs[i].party,
					      refs[i].case_id, refs[i].county);
			else
				ng_err_prefix(err, "party %lld", (long long)refs[i].party);
		} else if (did) {
			(*changed)++;
		} else {
			(*kept)++;
		}
	}
	free(refs);
	return ret ? (err->code ? (int)err->code : -1) : 0;
}
