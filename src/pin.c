#include "pin.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
	if ((st.st_mode & 077) || st.st_uid != geteuid()) {
		ng_fail(err, NG_ESECRET, "PIN key '%s' has mode %03o and owner %u: it must be readable by "
			"its owner alone; run 'chmod 600 %s' as uid %u", path,
			(unsigned)(st.st_mode & 0777), (unsigned)st.st_uid, path, (unsigned)geteuid());
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

int pin_issue(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	      const char *today, struct ng_err *err)
{
	unsigned char nonce[NONCE], sealed[5 + TAG];
	unsigned long long sealed_len;
	char pin[6], ad[96];
	size_t adlen = bind_to(ad, sizeof(ad), party, case_key);
	int ret;

	if (sodium_ready(err))
		return -1;
	pin_draw(pin);
	randombytes_buf(nonce, sizeof(nonce));
	crypto_aead_xchacha20poly1305_ietf_encrypt(sealed, &sealed_len, (const unsigned char *)pin, 5,
						   (const unsigned char *)ad, adlen, NULL, nonce, key->k);
	pin_wipe(pin);
	ret = ledger_pin_put(L, party, key->id, nonce, sizeof(nonce), sealed, (size_t)sealed_len,
			     today, err);
	if (!ret)
		ret = ledger_pin_audit(L, party, case_key, today, "issue", "noticegen",
				       "new order recorded", err);
	return ret;
}

int pin_reveal(struct ledger *L, const struct pin_key *key, int64_t party, int64_t case_key,
	       char pin[6], struct ng_err *err)
{
	unsigned char nonce[NONCE], sealed[64];
	size_t sealed_len = sizeof(sealed);
	unsigned long long len = 0;
	char key_id[17], ad[96];
	size_t adlen = bind_to(ad, sizeof(ad), party, case_key);
	int found;

	memset(pin, 0, 6);
	found = ledger_pin_get(L, party, key_id, nonce, sizeof(nonce), sealed, &sealed_len, err);
	if (found < 0)
		return err->code;
	if (!found)
		return ng_fail(err, NG_ESECRET, "party %lld has no PIN", (long long)party);
	if (strcmp(key_id, key->id))
		return ng_fail(err, NG_ESECRET, "the PIN of party %lld is sealed under key %s, "
			       "not the configured key %s", (long long)party, key_id, key->id);
	if (sealed_len != 5 + TAG ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)pin, &len, NULL, sealed,
						       sealed_len, (const unsigned char *)ad, adlen,
						       nonce, key->k) != 0 || len != 5) {
		pin_wipe(pin);
		return ng_fail(err, NG_ESECRET, "the stored PIN of party %lld does not open: it was "
			       "altered or belongs to another party", (long long)party);
	}
	pin[5] = '\0';
	return 0;
}
