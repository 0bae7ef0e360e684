/*
 * crypt.c - encryption at rest (see crypt.h): the key slots of CASE/keys,
 * passphrases, the process's unlocked keys, and the sealing primitives the
 * store uses for blobs and custody lines. Everything is libsodium:
 * Argon2id (crypto_pwhash) for passphrases, XChaCha20-Poly1305 for the
 * wrapped key and custody lines, secretstream for blobs, crypto_kdf for the
 * subkeys, keyed BLAKE2b for blob names and the MAC of CASE/keys.
 *
 * CASE/keys is a small text file:
 *     daftar-keys 1
 *     slot ID CREATED OPSLIMIT MEMLIMIT SALT NONCE WRAPPED   (hex; one a slot)
 *     mac HEX            (keyed with the data key, over the lines before it)
 * A slot's wrapped key is authenticated together with its id, limits and
 * salt, so a slot whose limits were lowered no longer opens.
 */
#include "daftar/crypt.h"
#include "daftar/cryptvfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#define KEYS_MAGIC "daftar-keys 1"
#define KEYS_MAX_BYTES 65536
#define PASS_MAX 1024
#define KDF_CONTEXT "daftar01"
enum { SUB_DB = 1, SUB_BLOB = 2, SUB_NAME = 3, SUB_CUSTODY = 4, SUB_KEYSMAC = 5 };
static const char BLOB_MAGIC[8] = {'D', 'F', 'T', 'B', 'L', 'O', 'B', '1'};
#define CUSTODY_AD "daftar custody 1"
#define WRAPPED_BYTES (DFT_CRYPT_KEYBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)

struct slot_rec {
	int id;
	char created[32];
	unsigned long long ops;
	size_t mem;
	unsigned char salt[crypto_pwhash_SALTBYTES];
	unsigned char nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
	unsigned char wrapped[WRAPPED_BYTES];
};

/* All of it in sodium_malloc'ed memory: guarded, mlocked, wiped on free. */
struct dft_crypt {
	unsigned char master[DFT_CRYPT_KEYBYTES];
	unsigned char db[DFT_CRYPT_KEYBYTES];
	unsigned char blob[crypto_secretstream_xchacha20poly1305_KEYBYTES];
	unsigned char name[crypto_generichash_KEYBYTES];
	unsigned char custody[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char mac[crypto_generichash_KEYBYTES];
	int nslots;
	int unlocked_by;
	struct slot_rec slots[DFT_CRYPT_MAX_SLOTS];
};

static const char *key_file, *new_key_file;

void dft_crypt_use_key_file(const char *path) { key_file = path; }
void dft_crypt_use_new_key_file(const char *path) { new_key_file = path; }

static int sodium_ready(void)
{
	if (sodium_init() < 0)
		return dft_error_set(DFT_ERROR, "libsodium cannot start");
	return 0;
}

/* A process that holds a key leaves no core dump (and cannot be ptrace'd
 * by other processes of the same user). */
static void no_core_dumps(void)
{
	struct rlimit r = {0, 0};
	setrlimit(RLIMIT_CORE, &r);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

/* Forked children (extraction workers: untrusted parsers) see zeros in
 * these pages. The whole pages around [p, p+n) are marked: they belong
 * to sodium_malloc's own mapping (which ends at a guard page). */
static void wipe_on_fork(void *p, size_t n)
{
#ifdef MADV_WIPEONFORK
	uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t a = (uintptr_t)p & ~(pg - 1), e = ((uintptr_t)p + n + pg - 1) & ~(pg - 1);
	(void)madvise((void *)a, e - a, MADV_WIPEONFORK);
#else
	(void)p;
	(void)n;
#endif
}

static dft_crypt *crypt_alloc(void)
{
	dft_crypt *k;
	if (sodium_ready() < 0)
		return NULL;
	if (!(k = sodium_malloc(sizeof(*k)))) {
		dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a key");
		return NULL;
	}
	sodium_memzero(k, sizeof(*k));
	wipe_on_fork(k, sizeof(*k));
	no_core_dumps();
	return k;
}

void dft_crypt_free(dft_crypt *k)
{
	if (k)
		sodium_free(k); /* zeroes it first */
}

static void derive_subkeys(dft_crypt *k)
{
	crypto_kdf_derive_from_key(k->db, sizeof(k->db), SUB_DB, KDF_CONTEXT, k->master);
	crypto_kdf_derive_from_key(k->blob, sizeof(k->blob), SUB_BLOB, KDF_CONTEXT, k->master);
	crypto_kdf_derive_from_key(k->name, sizeof(k->name), SUB_NAME, KDF_CONTEXT, k->master);
	crypto_kdf_derive_from_key(k->custody, sizeof(k->custody), SUB_CUSTODY, KDF_CONTEXT, k->master);
	crypto_kdf_derive_from_key(k->mac, sizeof(k->mac), SUB_KEYSMAC, KDF_CONTEXT, k->master);
}

/* ---- passphrases ---------------------------------------------------------- */

/* A passphrase in locked memory. */
struct pass {
	char *p;
	size_t len;
};

static void pass_free(struct pass *s)
{
	if (s->p)
		sodium_free(s->p);
	s->p = NULL;
	s->len = 0;
}

/* One line from fd, a byte at a time (the next line stays for the next
 * read), without its newline (or CR LF). 0, or DFT_ENOTFOUND at the end. */
static int read_line(int fd, struct pass *s, const char *from)
{
	size_t n = 0;
	if (!(s->p = sodium_malloc(PASS_MAX + 1)))
		return dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a passphrase");
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			pass_free(s);
			return dft_error_set(DFT_EIO, "cannot read the passphrase from %s: %s", from, strerror(errno));
		}
		if (r == 0 || c == '\n')
			break;
		if (n == PASS_MAX) {
			pass_free(s);
			return dft_error_set(DFT_ELIMIT, "the passphrase from %s is longer than %d bytes", from, PASS_MAX);
		}
		s->p[n++] = c;
	}
	if (n && s->p[n - 1] == '\r')
		n--;
	s->p[n] = '\0';
	s->len = n;
	if (n == 0) {
		pass_free(s);
		return dft_error_set(DFT_EINVAL, "no passphrase from %s (an empty line, or nothing)", from);
	}
	return 0;
}

static int read_from_file(const char *path, struct pass *s)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY), rc;
	if (fd < 0)
		return dft_error_set(DFT_EIO, "cannot read the key file %s: %s", path, strerror(errno));
	rc = read_line(fd, s, path);
	close(fd);
	return rc;
}

/* From the terminal on stdin, without echo. */
static int read_from_terminal(const char *prompt, struct pass *s)
{
	struct termios old, quiet;
	int rc, restore = 0;
	/* echo off first, then the prompt: what is typed after it is never
	 * shown (and what was typed before it is dropped, as getpass does) */
	if (tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		restore = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (write(STDERR_FILENO, prompt, strlen(prompt)) < 0) {
		/* no stderr: ask anyway */
	}
	rc = read_line(STDIN_FILENO, s, "the terminal");
	if (restore)
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
	return rc;
}

/* The passphrase that unlocks: the key file, the terminal or one line of
 * stdin. */
static int pass_unlock(const char *case_dir, struct pass *s)
{
	char prompt[PATH_MAX + 64];
	if (key_file)
		return read_from_file(key_file, s);
	if (isatty(STDIN_FILENO)) {
		snprintf(prompt, sizeof(prompt), "passphrase of %s: ", case_dir);
		return read_from_terminal(prompt, s);
	}
	return read_line(STDIN_FILENO, s, "stdin");
}

/* A new passphrase: file (new_key_file, else key_file when `file_ok`), the
 * terminal (asked twice) or one line of stdin. */
static int pass_new(struct pass *s, int file_ok)
{
	struct pass again = {NULL, 0};
	int rc;
	if (new_key_file)
		return read_from_file(new_key_file, s);
	if (file_ok && key_file)
		return read_from_file(key_file, s);
	if (!isatty(STDIN_FILENO))
		return read_line(STDIN_FILENO, s, "stdin");
	if ((rc = read_from_terminal("new passphrase: ", s)) < 0)
		return rc;
	if ((rc = read_from_terminal("the same again: ", &again)) < 0) {
		pass_free(s);
		return rc;
	}
	if (again.len != s->len || sodium_memcmp(again.p, s->p, s->len) != 0) {
		pass_free(s);
		pass_free(&again);
		return dft_error_set(DFT_EINVAL, "the two passphrases differ; nothing was changed");
	}
	pass_free(&again);
	return 0;
}

/* ---- slots ------------------------------------------------------------------ */

/* The Argon2id limits of a new slot. DAFTAR_TEST_PWHASH_LIMITS=OPS:BYTES
 * is for the test suite only (it makes a passphrase cheap to guess). */
static void new_limits(unsigned long long *ops, size_t *mem)
{
	const char *t = getenv("DAFTAR_TEST_PWHASH_LIMITS");
	*ops = DFT_CRYPT_OPSLIMIT;
	*mem = DFT_CRYPT_MEMLIMIT;
	if (t && *t) {
		char *end;
		unsigned long long o = strtoull(t, &end, 10), m;
		if (*end == ':') {
			m = strtoull(end + 1, &end, 10);
			if (!*end && o >= crypto_pwhash_OPSLIMIT_MIN && m >= crypto_pwhash_MEMLIMIT_MIN) {
				*ops = o;
				*mem = (size_t)m;
			}
		}
	}
}

static void slot_ad(const struct slot_rec *r, char *ad, size_t n)
{
	char salt[2 * crypto_pwhash_SALTBYTES + 1];
	sodium_bin2hex(salt, sizeof(salt), r->salt, sizeof(r->salt));
	snprintf(ad, n, "%s slot %d ops %llu mem %zu salt %s", KEYS_MAGIC, r->id, r->ops, r->mem, salt);
}

/* The key-encrypting key of a slot from a passphrase (locked memory). */
static int slot_kek(const struct slot_rec *r, const struct pass *s, unsigned char *kek)
{
	if (crypto_pwhash(kek, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, s->p, s->len, r->salt, r->ops, r->mem,
			  crypto_pwhash_ALG_ARGON2ID13) != 0)
		return dft_error_set(DFT_ENOMEM, "Argon2id needs %zu MiB of memory that this machine cannot give now",
				     r->mem >> 20);
	return 0;
}

/* Wrap k->master into a new slot for passphrase s. */
static int slot_make(dft_crypt *k, const struct pass *s, int *id_out)
{
	struct slot_rec *r;
	unsigned char *kek;
	char ad[256];
	int id = 1, i, rc;
	if (k->nslots >= DFT_CRYPT_MAX_SLOTS)
		return dft_error_set(DFT_ELIMIT, "a case has at most %d key slots", DFT_CRYPT_MAX_SLOTS);
	for (i = 0; i < k->nslots; i++)
		if (k->slots[i].id >= id)
			id = k->slots[i].id + 1;
	r = &k->slots[k->nslots];
	memset(r, 0, sizeof(*r));
	r->id = id;
	dft_utc_iso(r->created);
	new_limits(&r->ops, &r->mem);
	randombytes_buf(r->salt, sizeof(r->salt));
	randombytes_buf(r->nonce, sizeof(r->nonce));
	if (!(kek = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)))
		return dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a key");
	if ((rc = slot_kek(r, s, kek)) == 0) {
		slot_ad(r, ad, sizeof(ad));
		crypto_aead_xchacha20poly1305_ietf_encrypt(r->wrapped, NULL, k->master, DFT_CRYPT_KEYBYTES,
							   (const unsigned char *)ad, strlen(ad), NULL, r->nonce, kek);
		k->nslots++;
		if (id_out)
			*id_out = id;
	}
	sodium_free(kek);
	return rc;
}

/* 1: passphrase s opens slot r (k->master set), 0: it does not. */
static int slot_open(dft_crypt *k, const struct slot_rec *r, const struct pass *s)
{
	unsigned char *kek;
	char ad[256];
	int rc;
	if (!(kek = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)))
		return dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a key");
	if ((rc = slot_kek(r, s, kek)) == 0) {
		slot_ad(r, ad, sizeof(ad));
		rc = crypto_aead_xchacha20poly1305_ietf_decrypt(k->master, NULL, NULL, r->wrapped, WRAPPED_BYTES,
							       (const unsigned char *)ad, strlen(ad), r->nonce,
							       kek) == 0;
	}
	sodium_free(kek);
	return rc;
}

/* ---- CASE/keys ------------------------------------------------------------- */

static int keys_path(char *out, size_t n, const char *case_dir)
{
	if ((size_t)snprintf(out, n, "%s/keys", case_dir) >= n)
		return dft_error_set(DFT_EINVAL, "path too long: %s", case_dir);
	return 0;
}

int dft_crypt_case_encrypted(const char *case_dir)
{
	char p[PATH_MAX];
	return keys_path(p, sizeof(p), case_dir) == 0 && access(p, F_OK) == 0;
}

/* The text of CASE/keys up to (not including) its mac line. */
static int keys_body(const dft_crypt *k, dft_buf *b)
{
	int i, rc = dft_buf_addf(b, "%s\n", KEYS_MAGIC);
	for (i = 0; rc == 0 && i < k->nslots; i++) {
		const struct slot_rec *r = &k->slots[i];
		char salt[2 * sizeof(r->salt) + 1], nonce[2 * sizeof(r->nonce) + 1], w[2 * WRAPPED_BYTES + 1];
		sodium_bin2hex(salt, sizeof(salt), r->salt, sizeof(r->salt));
		sodium_bin2hex(nonce, sizeof(nonce), r->nonce, sizeof(r->nonce));
		sodium_bin2hex(w, sizeof(w), r->wrapped, sizeof(r->wrapped));
		rc = dft_buf_addf(b, "slot %d %s %llu %zu %s %s %s\n", r->id, r->created, r->ops, r->mem, salt, nonce, w);
	}
	return rc;
}

static void keys_mac(const dft_crypt *k, const char *body, size_t len, unsigned char mac[32])
{
	crypto_generichash(mac, 32, (const unsigned char *)body, len, k->mac, sizeof(k->mac));
}

int dft_crypt_save(dft_crypt *k, const char *case_dir)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8], hex[65];
	unsigned char mac[32];
	dft_buf b;
	int fd = -1, rc;
	size_t done = 0;
	dft_buf_init(&b, KEYS_MAX_BYTES);
	if ((rc = keys_path(path, sizeof(path), case_dir)) < 0 || (rc = keys_body(k, &b)) < 0)
		goto done;
	keys_mac(k, b.ptr, b.len, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	if ((rc = dft_buf_addf(&b, "mac %s\n", hex)) < 0)
		goto done;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) < 0) {
		rc = dft_error_set(DFT_EIO, "cannot write %s: %s", tmp, strerror(errno));
		goto done;
	}
	while (done < b.len) {
		ssize_t n = write(fd, b.ptr + done, b.len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dft_error_set(DFT_EIO, "cannot write %s: %s", tmp, strerror(errno));
			goto done;
		}
		done += (size_t)n;
	}
	if (fsync(fd) < 0 || close(fd) < 0) {
		fd = -1;
		rc = dft_error_set(DFT_EIO, "cannot sync %s: %s", tmp, strerror(errno));
		goto done;
	}
	fd = -1;
	/* the old slots stay whole until the new file replaces them */
	if (rename(tmp, path) < 0) {
		rc = dft_error_set(DFT_EIO, "cannot replace %s: %s", path, strerror(errno));
		goto done;
	}
	if ((fd = open(case_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(fd);
		close(fd);
	}
	fd = -1;
done:
	if (fd >= 0) {
		close(fd);
		unlink(tmp);
	}
	dft_buf_dispose(&b);
	return rc;
}

static int hex_field(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;
	if (strlen(hex) != 2 * n || sodium_hex2bin(out, n, hex, 2 * n, NULL, &got, NULL) != 0 || got != n)
		return -1;
	return 0;
}

/* Split line (modified in place) at spaces into at most max words. */
static int split_words(char *line, char **w, int max)
{
	int n = 0;
	char *p = line;
	while (*p && n < max) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		w[n++] = p;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
	return *p ? -1 : n;
}

/* Read CASE/keys into k's slots; *body_len: bytes before the mac line,
 * mac: its value. */
static int keys_read(const char *case_dir, dft_crypt *k, dft_buf *text, size_t *body_len, unsigned char mac[32])
{
	char path[PATH_MAX], tmp[4096];
	int fd, rc = 0, have_mac = 0, lineno = 0;
	char *p, *nl;
	if ((rc = keys_path(path, sizeof(path), case_dir)) < 0)
		return rc;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return dft_error_set(DFT_ENOTFOUND, "%s is not an encrypted case (no keys file)", case_dir);
		return dft_error_set(DFT_EIO, "cannot read %s: %s", path, strerror(errno));
	}
	for (;;) {
		ssize_t n = read(fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n < 0)
				rc = dft_error_set(DFT_EIO, "cannot read %s: %s", path, strerror(errno));
			break;
		}
		if ((rc = dft_buf_add(text, tmp, (size_t)n)) < 0) {
			rc = dft_error_set(DFT_ECORRUPT, "%s is larger than a keys file can be", path);
			break;
		}
	}
	close(fd);
	if (rc < 0)
		return rc;
	p = text->ptr;
	k->nslots = 0;
	while (p && (nl = strchr(p, '\n'))) {
		char *w[9], line[1024];
		int nw;
		size_t at = (size_t)(p - text->ptr);
		lineno++;
		if ((size_t)(nl - p) >= sizeof(line))
			return dft_error_set(DFT_ECORRUPT, "%s: line %d is too long", path, lineno);
		memcpy(line, p, (size_t)(nl - p));
		line[nl - p] = '\0';
		if (lineno == 1) {
			if (strcmp(line, KEYS_MAGIC) != 0)
				return dft_error_set(DFT_ECORRUPT, "%s: line 1 is not '%s'", path, KEYS_MAGIC);
		} else if ((nw = split_words(line, w, 9)) < 0) {
			return dft_error_set(DFT_ECORRUPT, "%s: line %d is not understood", path, lineno);
		} else if (nw == 8 && !strcmp(w[0], "slot") && !have_mac) {
			struct slot_rec *r;
			char *end;
			if (k->nslots == DFT_CRYPT_MAX_SLOTS)
				return dft_error_set(DFT_ECORRUPT, "%s: more than %d slots", path, DFT_CRYPT_MAX_SLOTS);
			r = &k->slots[k->nslots];
			memset(r, 0, sizeof(*r));
			r->id = (int)strtol(w[1], &end, 10);
			if (*end || r->id < 1 || strlen(w[2]) >= sizeof(r->created))
				return dft_error_set(DFT_ECORRUPT, "%s: line %d is not a valid slot", path, lineno);
			memcpy(r->created, w[2], strlen(w[2]) + 1);
			errno = 0;
			r->ops = strtoull(w[3], &end, 10);
			if (*end || errno || r->ops < crypto_pwhash_OPSLIMIT_MIN || r->ops > crypto_pwhash_OPSLIMIT_MAX)
				return dft_error_set(DFT_ECORRUPT, "%s: line %d: bad Argon2id limits", path, lineno);
			r->mem = (size_t)strtoull(w[4], &end, 10);
			if (*end || errno || r->mem < crypto_pwhash_MEMLIMIT_MIN || r->mem > ((size_t)4 << 30))
				return dft_error_set(DFT_ECORRUPT, "%s: line %d: bad Argon2id limits", path, lineno);
			if (hex_field(w[5], r->salt, sizeof(r->salt)) < 0 || hex_field(w[6], r->nonce, sizeof(r->nonce)) < 0 ||
			    hex_field(w[7], r->wrapped, sizeof(r->wrapped)) < 0)
				return dft_error_set(DFT_ECORRUPT, "%s: line %d is not a valid slot", path, lineno);
			k->nslots++;
		} else if (nw == 2 && !strcmp(w[0], "mac") && !have_mac) {
			if (hex_field(w[1], mac, 32) < 0)
				return dft_error_set(DFT_ECORRUPT, "%s: line %d: bad mac", path, lineno);
			*body_len = at;
			have_mac = 1;
		} else {
			return dft_error_set(DFT_ECORRUPT, "%s: line %d is not understood", path, lineno);
		}
		p = nl + 1;
	}
	if (!have_mac || k->nslots == 0 || (p && *p))
		return dft_error_set(DFT_ECORRUPT, "%s is incomplete (no slot, or no mac at its end)", path);
	return 0;
}

int dft_crypt_new(dft_crypt **out)
{
	struct pass s = {NULL, 0};
	dft_crypt *k;
	int rc;
	*out = NULL;
	if (!(k = crypt_alloc()))
		return DFT_ENOMEM;
	if ((rc = pass_new(&s, 1)) < 0)
		goto done;
	randombytes_buf(k->master, sizeof(k->master));
	derive_subkeys(k);
	if ((rc = slot_make(k, &s, &k->unlocked_by)) < 0)
		goto done;
	*out = k;
	k = NULL;
done:
	pass_free(&s);
	dft_crypt_free(k);
	return rc;
}

int dft_crypt_unlock(const char *case_dir, dft_crypt **out)
{
	struct pass s = {NULL, 0};
	dft_crypt *k;
	dft_buf text;
	size_t body_len = 0;
	unsigned char mac[32], want[32];
	int rc, i, opened = 0;
	*out = NULL;
	if (!(k = crypt_alloc()))
		return DFT_ENOMEM;
	dft_buf_init(&text, KEYS_MAX_BYTES);
	if ((rc = keys_read(case_dir, k, &text, &body_len, mac)) < 0)
		goto done;
	if ((rc = pass_unlock(case_dir, &s)) < 0)
		goto done;
	for (i = 0; i < k->nslots && !opened; i++) {
		if ((opened = slot_open(k, &k->slots[i], &s)) < 0) {
			rc = opened;
			goto done;
		}
		if (opened)
			k->unlocked_by = k->slots[i].id;
	}
	if (!opened) {
		rc = dft_error_set(DFT_EINVAL, "wrong passphrase for %s (it opens none of its %d key slots)", case_dir,
				   k->nslots);
		goto done;
	}
	derive_subkeys(k);
	keys_mac(k, text.ptr, body_len, want);
	if (sodium_memcmp(want, mac, 32) != 0) {
		rc = dft_error_set(DFT_ECORRUPT,
				   "%s/keys was altered: its slots do not match the MAC made with the case's key", case_dir);
		goto done;
	}
	*out = k;
	k = NULL;
done:
	pass_free(&s);
	dft_buf_dispose(&text);
	dft_crypt_free(k);
	return rc;
}

int dft_crypt_slot_add(const char *case_dir, int *slot)
{
	struct pass s = {NULL, 0};
	dft_crypt *k;
	int rc;
	if ((rc = dft_crypt_unlock(case_dir, &k)) < 0)
		return rc;
	if ((rc = pass_new(&s, 0)) == 0 && (rc = slot_make(k, &s, slot)) == 0)
		rc = dft_crypt_save(k, case_dir);
	pass_free(&s);
	dft_crypt_free(k);
	return rc;
}

int dft_crypt_slot_remove(const char *case_dir, int slot)
{
	dft_crypt *k;
	int rc, i, at = -1;
	if ((rc = dft_crypt_unlock(case_dir, &k)) < 0)
		return rc;
	for (i = 0; i < k->nslots; i++)
		if (k->slots[i].id == slot)
			at = i;
	if (at < 0)
		rc = dft_error_set(DFT_ENOTFOUND, "%s has no key slot %d ('daftar key list' shows them)", case_dir, slot);
	else if (k->nslots == 1)
		rc = dft_error_set(DFT_EINVAL, "slot %d is the last key slot of %s: it is never removed "
					      "(add another passphrase first)", slot, case_dir);
	if (rc == 0) {
		memmove(&k->slots[at], &k->slots[at + 1], (size_t)(k->nslots - at - 1) * sizeof(k->slots[0]));
		k->nslots--;
		sodium_memzero(&k->slots[k->nslots], sizeof(k->slots[0]));
		rc = dft_crypt_save(k, case_dir);
	}
	dft_crypt_free(k);
	return rc;
}

int dft_crypt_slots(const dft_crypt *k, dft_crypt_slot *out, size_t *n)
{
	int i;
	for (i = 0; i < k->nslots; i++) {
		out[i].id = k->slots[i].id;
		memcpy(out[i].created, k->slots[i].created, sizeof(out[i].created));
		out[i].opslimit = k->slots[i].ops;
		out[i].memlimit = k->slots[i].mem;
		out[i].unlocked_by = k->slots[i].id == k->unlocked_by;
	}
	*n = (size_t)k->nslots;
	return 0;
}

/* ---- the process's unlocked keys ----------------------------------------- */

#define CACHE_MAX 8
static struct {
	char *dir; /* realpath of the case */
	dft_crypt *k;
} cache[CACHE_MAX];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static pid_t cache_pid; /* the process that unlocked them */

void dft_crypt_wipe_keys(void)
{
	int i;
	pthread_mutex_lock(&cache_lock);
	if (cache_pid == getpid()) {
		for (i = 0; i < CACHE_MAX && cache[i].dir; i++)
			sodium_memzero(cache[i].k, sizeof(*cache[i].k));
		dft_cryptvfs_wipe_keys();
	}
	pthread_mutex_unlock(&cache_lock);
}

/* At exit, not at free: the kernel does not clear a dead process's pages
 * until it gives them to another one, so the key would stay in RAM. */
static void wipe_at_exit(void) { dft_crypt_wipe_keys(); }

int dft_crypt_for_case(const char *case_dir, const dft_crypt **out)
{
	char real[PATH_MAX];
	dft_crypt *k = NULL;
	int i, rc = 0;
	*out = NULL;
	if (!dft_crypt_case_encrypted(case_dir))
		return 0;
	if (!realpath(case_dir, real))
		return dft_error_set(DFT_EIO, "cannot resolve %s: %s", case_dir, strerror(errno));
	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < CACHE_MAX && cache[i].dir; i++)
		if (!strcmp(cache[i].dir, real)) {
			*out = cache[i].k;
			goto done;
		}
	if (i == CACHE_MAX) {
		rc = dft_error_set(DFT_ELIMIT, "at most %d encrypted cases in one process", CACHE_MAX);
		goto done;
	}
	if ((rc = dft_crypt_unlock(case_dir, &k)) < 0)
		goto done;
	if (!(cache[i].dir = dft_strdup(real))) {
		dft_crypt_free(k);
		rc = DFT_ENOMEM;
		goto done;
	}
	/* kept until exit, and wiped then (not freed: sodium_free in a
	 * forked child would meet the wiped canary) */
	cache[i].k = k;
	*out = k;
	if (cache_pid != getpid()) {
		cache_pid = getpid();
		atexit(wipe_at_exit);
	}
done:
	pthread_mutex_unlock(&cache_lock);
	return rc;
}

/* ---- subkeys in use ----------------------------------------------------------- */

const unsigned char *dft_crypt_db_key(const dft_crypt *k) { return k->db; }

void dft_crypt_blob_name(const dft_crypt *k, const char *sha256_hex, char out[DFT_SHA256_HEX])
{
	unsigned char h[32];
	crypto_generichash(h, sizeof(h), (const unsigned char *)sha256_hex, strlen(sha256_hex), k->name, sizeof(k->name));
	sodium_bin2hex(out, DFT_SHA256_HEX, h, sizeof(h));
}

/* ---- blob streams ----------------------------------------------------------- */

#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define BLOB_PREFIX (sizeof(BLOB_MAGIC) + SS_HEADER)

struct dft_crypt_stream {
	crypto_secretstream_xchacha20poly1305_state state;
	int fd;
	int pull;
	char *path;
	unsigned char *plain;  /* DFT_CRYPT_CHUNK */
	unsigned char *cipher; /* DFT_CRYPT_CHUNK + SS_ABYTES */
	size_t plen, ppos;
	uint64_t off, size, chunk;
	char sha[DFT_SHA256_HEX];
	int ended;
};

uint64_t dft_crypt_stored_size(uint64_t plain)
{
	uint64_t chunks = plain == 0 ? 1 : (plain + DFT_CRYPT_CHUNK - 1) / DFT_CRYPT_CHUNK;
	return BLOB_PREFIX + chunks * SS_ABYTES + plain;
}

void dft_crypt_stream_free(dft_crypt_stream *s)
{
	if (!s)
		return;
	if (s->plain) {
		sodium_memzero(s->plain, DFT_CRYPT_CHUNK);
		free(s->plain);
	}
	free(s->cipher);
	free(s->path);
	sodium_memzero(&s->state, sizeof(s->state));
	free(s);
}

static dft_crypt_stream *stream_new(int fd, const char *path)
{
	dft_crypt_stream *s = dft_calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->fd = fd;
	if (!(s->path = dft_strdup(path)) || !(s->plain = dft_malloc(DFT_CRYPT_CHUNK)) ||
	    !(s->cipher = dft_malloc(DFT_CRYPT_CHUNK + SS_ABYTES))) {
		dft_crypt_stream_free(s);
		return NULL;
	}
	return s;
}

static int write_all(int fd, const void *data, size_t len, const char *path)
{
	const char *p = data;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return dft_error_set(DFT_EIO, "cannot write %s: %s", path, strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int dft_crypt_push_open(dft_crypt_stream **out, const dft_crypt *k, int fd, const char *path)
{
	unsigned char head[BLOB_PREFIX];
	dft_crypt_stream *s;
	int rc;
	*out = NULL;
	if (!(s = stream_new(fd, path)))
		return DFT_ENOMEM;
	memcpy(head, BLOB_MAGIC, sizeof(BLOB_MAGIC));
	crypto_secretstream_xchacha20poly1305_init_push(&s->state, head + sizeof(BLOB_MAGIC), k->blob);
	if ((rc = write_all(fd, head, sizeof(head), path)) < 0) {
		dft_crypt_stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

static int push_chunk(dft_crypt_stream *s, unsigned char tag, const char *ad)
{
	unsigned long long clen;
	crypto_secretstream_xchacha20poly1305_push(&s->state, s->cipher, &clen, s->plain, s->plen,
						   (const unsigned char *)ad, ad ? strlen(ad) : 0, tag);
	s->plen = 0;
	return write_all(s->fd, s->cipher, (size_t)clen, s->path);
}

int dft_crypt_push(dft_crypt_stream *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	int rc;
	while (len) {
		size_t n;
		/* a full chunk goes out only when more follows: the last one,
		 * full or not, is tagged final */
		if (s->plen == DFT_CRYPT_CHUNK &&
		    (rc = push_chunk(s, crypto_secretstream_xchacha20poly1305_TAG_MESSAGE, NULL)) < 0)
			return rc;
		n = DFT_CRYPT_CHUNK - s->plen;
		if (n > len)
			n = len;
		memcpy(s->plain + s->plen, p, n);
		s->plen += n;
		p += n;
		len -= n;
	}
	return 0;
}

int dft_crypt_push_final(dft_crypt_stream *s, const char *sha256_hex)
{
	return push_chunk(s, crypto_secretstream_xchacha20poly1305_TAG_FINAL, sha256_hex);
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off, const char *path)
{
	char *p = buf;
	while (len) {
		ssize_t n = pread(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return dft_error_set(DFT_EIO, "cannot read %s: %s", path, strerror(errno));
		if (n == 0)
			return dft_error_set(DFT_ECORRUPT, "%s: cut short (the file was truncated)", path);
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

int dft_crypt_pull_open(dft_crypt_stream **out, const dft_crypt *k, int fd, const char *path, const char *sha256_hex)
{
	unsigned char head[BLOB_PREFIX];
	dft_crypt_stream *s;
	struct stat sb;
	int rc;
	*out = NULL;
	if (fstat(fd, &sb) < 0)
		return dft_error_set(DFT_EIO, "cannot stat %s: %s", path, strerror(errno));
	if ((uint64_t)sb.st_size < BLOB_PREFIX + SS_ABYTES)
		return dft_error_set(DFT_ECORRUPT, "%s: too short to be an encrypted blob (%lld bytes)", path,
				     (long long)sb.st_size);
	if (!(s = stream_new(fd, path)))
		return DFT_ENOMEM;
	s->pull = 1;
	s->size = (uint64_t)sb.st_size;
	snprintf(s->sha, sizeof(s->sha), "%s", sha256_hex);
	if ((rc = pread_all(fd, head, sizeof(head), 0, path)) < 0)
		goto fail;
	if (memcmp(head, BLOB_MAGIC, sizeof(BLOB_MAGIC)) != 0) {
		rc = dft_error_set(DFT_ECORRUPT, "%s: not an encrypted blob of daftar (its first bytes are wrong)", path);
		goto fail;
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(&s->state, head + sizeof(BLOB_MAGIC), k->blob) != 0) {
		rc = dft_error_set(DFT_ECORRUPT, "%s: its stream header is invalid", path);
		goto fail;
	}
	s->off = BLOB_PREFIX;
	*out = s;
	return 0;
fail:
	dft_crypt_stream_free(s);
	return rc;
}

/* Decrypt the next chunk into s->plain. */
static int pull_chunk(dft_crypt_stream *s)
{
	uint64_t left = s->size - s->off;
	size_t clen = left > DFT_CRYPT_CHUNK + SS_ABYTES ? DFT_CRYPT_CHUNK + SS_ABYTES : (size_t)left;
	int last = clen == left;
	unsigned long long plen;
	unsigned char tag;
	int rc;
	if (clen < SS_ABYTES)
		return dft_error_set(DFT_ECORRUPT, "%s: cut short after chunk %llu (the file was truncated)", s->path,
				     (unsigned long long)s->chunk);
	if ((rc = pread_all(s->fd, s->cipher, clen, s->off, s->path)) < 0)
		return rc;
	if (crypto_secretstream_xchacha20poly1305_pull(&s->state, s->plain, &plen, &tag, s->cipher, clen,
						       last ? (const unsigned char *)s->sha : NULL,
						       last ? strlen(s->sha) : 0) != 0)
		return dft_error_set(DFT_ECORRUPT,
				     "%s: authentication failed in chunk %llu (bytes %llu-%llu): the file was altered, "
				     "cut, or put in another's place",
				     s->path, (unsigned long long)s->chunk + 1, (unsigned long long)s->off,
				     (unsigned long long)(s->off + clen - 1));
	if (last != (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL))
		return dft_error_set(DFT_ECORRUPT, "%s: chunk %llu is %s (the file was cut or extended)", s->path,
				     (unsigned long long)s->chunk + 1, last ? "not the final one" : "final too early");
	s->off += clen;
	s->chunk++;
	s->plen = (size_t)plen;
	s->ppos = 0;
	s->ended = last;
	return 0;
}

int dft_crypt_pull(dft_crypt_stream *s, void *buf, size_t cap, size_t *got)
{
	int rc;
	*got = 0;
	while (s->ppos == s->plen) {
		if (s->ended)
			return 0;
		if ((rc = pull_chunk(s)) < 0)
			return rc;
	}
	*got = s->plen - s->ppos < cap ? s->plen - s->ppos : cap;
	memcpy(buf, s->plain + s->ppos, *got);
	s->ppos += *got;
	return 0;
}

/* ---- files sealed to a recipient ------------------------------------------- */

static const char SEALED_MAGIC[8] = {'D', 'F', 'T', 'S', 'E', 'A', 'L', '1'};
#define SEALED_AD "daftar sealed file"
#define SEALED_KEY (crypto_box_SEALBYTES + crypto_secretstream_xchacha20poly1305_KEYBYTES)
#define SEALED_PREFIX (sizeof(SEALED_MAGIC) + SEALED_KEY + SS_HEADER)

static int write_key_file(const char *path, const char *header, const unsigned char *key, size_t n, mode_t mode)
{
	char hex[2 * 64 + 1];
	int fd, rc = 0;
	dft_buf b;
	sodium_bin2hex(hex, sizeof(hex), key, n);
	dft_buf_init(&b, 1024);
	if ((rc = dft_buf_addf(&b, "%s\n%s\n", header, hex)) < 0)
		goto done;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)) < 0) {
		rc = dft_error_set(errno == EEXIST ? DFT_EEXISTS : DFT_EIO, "cannot write %s: %s", path, strerror(errno));
		goto done;
	}
	rc = write_all(fd, b.ptr, b.len, path);
	if (rc == 0 && fsync(fd) < 0)
		rc = dft_error_set(DFT_EIO, "cannot sync %s: %s", path, strerror(errno));
	close(fd);
	if (rc < 0)
		unlink(path);
done:
	sodium_memzero(hex, sizeof(hex));
	if (b.ptr)
		sodium_memzero(b.ptr, b.len);
	dft_buf_dispose(&b);
	return rc;
}

/* The key of a key file: its first line must be `header`, its second n
 * bytes in hex. */
static int read_key_file(const char *path, const char *header, unsigned char *key, size_t n)
{
	char text[512], *nl;
	ssize_t got;
	size_t hl = strlen(header), bin = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return dft_error_set(DFT_EIO, "cannot read the key %s: %s", path, strerror(errno));
	got = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (got < 0)
		return dft_error_set(DFT_EIO, "cannot read the key %s: %s", path, strerror(errno));
	text[got] = '\0';
	nl = strchr(text + (got > (ssize_t)hl ? hl + 1 : 0), '\n');
	if (got < (ssize_t)(hl + 1 + 2 * n) || memcmp(text, header, hl) != 0 || text[hl] != '\n' ||
	    sodium_hex2bin(key, n, text + hl + 1, nl ? (size_t)(nl - (text + hl + 1)) : strlen(text + hl + 1), NULL,
			   &bin, NULL) != 0 ||
	    bin != n) {
		sodium_memzero(text, sizeof(text));
		return dft_error_set(DFT_EINVAL, "%s is not a %s file of daftar (daftar keygen makes them)", path, header);
	}
	sodium_memzero(text, sizeof(text));
	return 0;
}

int dft_crypt_keypair_write(const char *path)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], *sk;
	char pub[PATH_MAX];
	int rc;
	if ((rc = sodium_ready()) < 0)
		return rc;
	if ((size_t)snprintf(pub, sizeof(pub), "%s.pub", path) >= sizeof(pub))
		return dft_error_set(DFT_EINVAL, "path too long: %s", path);
	if (access(path, F_OK) == 0 || access(pub, F_OK) == 0)
		return dft_error_set(DFT_EEXISTS, "%s or %s exists already: a key is never overwritten", path, pub);
	if (!(sk = sodium_malloc(crypto_box_SECRETKEYBYTES)))
		return dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a key");
	no_core_dumps();
	crypto_box_keypair(pk, sk);
	if ((rc = write_key_file(path, "daftar-secret-key 1", sk, crypto_box_SECRETKEYBYTES, 0600)) == 0 &&
	    (rc = write_key_file(pub, "daftar-public-key 1", pk, sizeof(pk), 0644)) < 0)
		unlink(path);
	sodium_free(sk);
	return rc;
}

int dft_crypt_push_open_to(dft_crypt_stream **out, const char *pub_path, int fd, const char *path)
{
	unsigned char pk[crypto_box_PUBLICKEYBYTES], head[SEALED_PREFIX], *key;
	dft_crypt_stream *s;
	int rc;
	*out = NULL;
	if ((rc = sodium_ready()) < 0 || (rc = read_key_file(pub_path, "daftar-public-key 1", pk, sizeof(pk))) < 0)
		return rc;
	if (!(key = sodium_malloc(crypto_secretstream_xchacha20poly1305_KEYBYTES)))
		return dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a key");
	if (!(s = stream_new(fd, path))) {
		sodium_free(key);
		return DFT_ENOMEM;
	}
	crypto_secretstream_xchacha20poly1305_keygen(key);
	memcpy(head, SEALED_MAGIC, sizeof(SEALED_MAGIC));
	crypto_box_seal(head + sizeof(SEALED_MAGIC), key, crypto_secretstream_xchacha20poly1305_KEYBYTES, pk);
	crypto_secretstream_xchacha20poly1305_init_push(&s->state, head + sizeof(SEALED_MAGIC) + SEALED_KEY, key);
	sodium_free(key);
	if ((rc = write_all(fd, head, sizeof(head), path)) < 0) {
		dft_crypt_stream_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int dft_crypt_push_end(dft_crypt_stream *s)
{
	return push_chunk(s, crypto_secretstream_xchacha20poly1305_TAG_FINAL, SEALED_AD);
}

int dft_crypt_is_sealed(int fd)
{
	char m[sizeof(SEALED_MAGIC)];
	return pread(fd, m, sizeof(m), 0) == (ssize_t)sizeof(m) && memcmp(m, SEALED_MAGIC, sizeof(m)) == 0;
}

int dft_crypt_pull_open_sealed(dft_crypt_stream **out, const char *secret_path, int fd, const char *path)
{
	unsigned char head[SEALED_PREFIX], pk[crypto_box_PUBLICKEYBYTES], *sk = NULL, *key = NULL;
	dft_crypt_stream *s = NULL;
	struct stat sb;
	int rc;
	*out = NULL;
	if ((rc = sodium_ready()) < 0)
		return rc;
	if (fstat(fd, &sb) < 0)
		return dft_error_set(DFT_EIO, "cannot stat %s: %s", path, strerror(errno));
	if ((uint64_t)sb.st_size < SEALED_PREFIX + SS_ABYTES)
		return dft_error_set(DFT_ECORRUPT, "%s: too short to be a sealed file", path);
	if (!(sk = sodium_malloc(crypto_box_SECRETKEYBYTES)) ||
	    !(key = sodium_malloc(crypto_secretstream_xchacha20poly1305_KEYBYTES))) {
		rc = dft_error_set(DFT_ENOMEM, "cannot allocate locked memory for a key");
		goto done;
	}
	no_core_dumps();
	if ((rc = read_key_file(secret_path, "daftar-secret-key 1", sk, crypto_box_SECRETKEYBYTES)) < 0 ||
	    (rc = pread_all(fd, head, sizeof(head), 0, path)) < 0)
		goto done;
	crypto_scalarmult_base(pk, sk);
	if (memcmp(head, SEALED_MAGIC, sizeof(SEALED_MAGIC)) != 0) {
		rc = dft_error_set(DFT_ECORRUPT, "%s: not a sealed file of daftar", path);
		goto done;
	}
	if (crypto_box_seal_open(key, head + sizeof(SEALED_MAGIC), SEALED_KEY, pk, sk) != 0) {
		rc = dft_error_set(DFT_EINVAL, "%s: not sealed to the key %s (or its key was altered)", path, secret_path);
		goto done;
	}
	if (!(s = stream_new(fd, path))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (crypto_secretstream_xchacha20poly1305_init_pull(&s->state, head + sizeof(SEALED_MAGIC) + SEALED_KEY, key) !=
	    0) {
		rc = dft_error_set(DFT_ECORRUPT, "%s: its stream header is invalid", path);
		goto done;
	}
	s->pull = 1;
	s->size = (uint64_t)sb.st_size;
	s->off = SEALED_PREFIX;
	snprintf(s->sha, sizeof(s->sha), "%s", SEALED_AD);
	*out = s;
	s = NULL;
done:
	dft_crypt_stream_free(s);
	if (sk)
		sodium_free(sk);
	if (key)
		sodium_free(key);
	return rc;
}

/* ---- custody lines -------------------------------------------------------- */

#define LINE_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define LINE_ABYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define B64 sodium_base64_VARIANT_URLSAFE_NO_PADDING

size_t dft_crypt_sealed_len(size_t plain_len)
{
	return sodium_base64_ENCODED_LEN(LINE_NONCE + plain_len + LINE_ABYTES, B64) - 1;
}

int dft_crypt_seal_line(const dft_crypt *k, const char *line, size_t len, dft_buf *out)
{
	size_t blen = LINE_NONCE + len + LINE_ABYTES, elen = dft_crypt_sealed_len(len);
	unsigned char *bin = dft_malloc(blen);
	char *enc = dft_malloc(elen + 1);
	int rc = DFT_ENOMEM;
	if (bin && enc) {
		randombytes_buf(bin, LINE_NONCE);
		crypto_aead_xchacha20poly1305_ietf_encrypt(bin + LINE_NONCE, NULL, (const unsigned char *)line, len,
							   (const unsigned char *)CUSTODY_AD, strlen(CUSTODY_AD), NULL,
							   bin, k->custody);
		sodium_bin2base64(enc, elen + 1, bin, blen, B64);
		rc = dft_buf_add(out, enc, elen);
	}
	free(bin);
	free(enc);
	return rc;
}

int dft_crypt_open_line(const dft_crypt *k, const char *sealed, size_t len, dft_buf *out)
{
	size_t blen = 0, cap = len; /* base64 is longer than what it holds */
	unsigned char *bin = dft_malloc(cap + 1), *plain = NULL;
	unsigned long long plen = 0;
	int rc;
	if (!bin)
		return DFT_ENOMEM;
	if (sodium_base642bin(bin, cap, sealed, len, NULL, &blen, NULL, B64) != 0 || blen < LINE_NONCE + LINE_ABYTES) {
		rc = dft_error_set(DFT_ECORRUPT, "not a sealed line");
		goto done;
	}
	if (!(plain = dft_malloc(blen))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, bin + LINE_NONCE, blen - LINE_NONCE,
						       (const unsigned char *)CUSTODY_AD, strlen(CUSTODY_AD), bin,
						       k->custody) != 0) {
		rc = dft_error_set(DFT_ECORRUPT, "authentication failed (the line was altered)");
		goto done;
	}
	rc = dft_buf_add(out, plain, (size_t)plen);
done:
	free(bin);
	free(plain);
	return rc;
}
