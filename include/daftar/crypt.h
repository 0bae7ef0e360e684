/*
 * crypt.h - encryption at rest of a case (docs/SECURITY.md): the key slots
 * in CASE/keys, the unlocked data key, and what the store seals with it
 * (blobs, blob names, custody lines; the database through the encrypting
 * SQLite VFS, cryptvfs.h).
 *
 * A case made with `daftar init --encrypt` has a random 32-byte data key.
 * It is never stored in the clear: each key slot of CASE/keys holds it
 * wrapped (XChaCha20-Poly1305) by a key derived from one passphrase with
 * Argon2id, with the salt and the limits beside it; the file ends with a
 * MAC made with the data key, so a slot list altered by anyone without it
 * is refused after unlocking. Adding or removing a passphrase rewrites
 * CASE/keys only; the case itself is never re-encrypted.
 *
 * Every other key is derived from the data key (crypto_kdf): one for the
 * database, one for blob contents, one for blob names, one for custody
 * lines, one for the MAC of CASE/keys.
 *
 * Key material lives in sodium_malloc'ed memory (guarded, mlocked, not in
 * core dumps), marked MADV_WIPEONFORK so that a forked worker, which parses
 * untrusted bytes, sees zeros there; it is wiped when freed. A process that
 * holds a key has core dumps off (RLIMIT_CORE 0, not dumpable).
 *
 * Passphrases come from, in this order: the key file given with
 * dft_crypt_use_key_file (its first line), the terminal (no echo; asked
 * twice for a new passphrase) when stdin is one, or else one line of
 * stdin. Each further passphrase a command needs is the next line.
 */
#ifndef DAFTAR_CRYPT_H
#define DAFTAR_CRYPT_H

#include "daftar/core.h"
#include <stddef.h>
#include <stdint.h>

#define DFT_CRYPT_KEYBYTES 32
#define DFT_CRYPT_MAX_SLOTS 16
/* Argon2id limits of a new slot: about 1 s on the team's laptop
 * (docs/SECURITY.md has the measurement). */
#define DFT_CRYPT_OPSLIMIT 7ULL
#define DFT_CRYPT_MEMLIMIT ((size_t)256 << 20)

typedef struct dft_crypt dft_crypt;

/* ---- passphrase sources (for this process) ------------------------------ */

/* Read the passphrase that unlocks from this file (its first line) instead
 * of the terminal or stdin; NULL: back to those. The path is kept. */
void dft_crypt_use_key_file(const char *path);
/* The same for the new passphrase of `key add` (NULL: terminal or stdin). */
void dft_crypt_use_new_key_file(const char *path);

/* ---- a case's keys ---------------------------------------------------- */

/* 1: the case folder is encrypted (it has CASE/keys); 0: it is not. */
int dft_crypt_case_encrypted(const char *case_dir);
/* A new random data key, and its first slot from a new passphrase (asked
 * twice on a terminal); nothing is written yet: dft_crypt_save writes
 * CASE/keys (the folder must exist). */
int dft_crypt_new(dft_crypt **out);
int dft_crypt_save(dft_crypt *k, const char *case_dir);
/* Unlock a case: read a passphrase, try it on every slot, check the MAC of
 * CASE/keys. A wrong passphrase is DFT_EINVAL with a clear message. */
int dft_crypt_unlock(const char *case_dir, dft_crypt **out);
void dft_crypt_free(dft_crypt *k);
/* The key of an encrypted case for this process: unlocked at the first
 * call (the passphrase is read once) and kept until exit, when it is wiped
 * (dft_crypt_wipe_keys, registered with atexit by the first unlock); *out
 * NULL and 0 for a case in the clear. The server's threads share it. */
int dft_crypt_for_case(const char *case_dir, const dft_crypt **out);
/* Zero every key dft_crypt_for_case unlocked in this process and the keys
 * of the encrypting VFS (cryptvfs.h), in place: after it, the keys it gave
 * out are zeros (a VFS connection fails, never seals with them). Does
 * nothing in a forked child (its copies are zeros already: WIPEONFORK). */
void dft_crypt_wipe_keys(void);

/* Key slots. add: unlock, then a new passphrase (asked twice on a
 * terminal) in a new slot (*slot gets its number). remove: unlock, then
 * drop slot `slot` (never the last one). */
int dft_crypt_slot_add(const char *case_dir, int *slot);
int dft_crypt_slot_remove(const char *case_dir, int slot);
typedef struct dft_crypt_slot {
	int id;
	char created[32];
	unsigned long long opslimit;
	size_t memlimit;
	int unlocked_by; /* this slot unlocked the key (dft_crypt_slots) */
} dft_crypt_slot;
/* The slots of an unlocked case (out has room for DFT_CRYPT_MAX_SLOTS). */
int dft_crypt_slots(const dft_crypt *k, dft_crypt_slot *out, size_t *n);

/* ---- what the store seals ---------------------------------------------- */

/* The key of the database, for the encrypting VFS (cryptvfs.h). */
const unsigned char *dft_crypt_db_key(const dft_crypt *k);
/* A blob's file name: a keyed hash of its SHA-256 (64 hex digits + NUL),
 * so that the name does not tell which known document is in the case. */
void dft_crypt_blob_name(const dft_crypt *k, const char *sha256_hex, char out[DFT_SHA256_HEX]);

/* A blob's contents: a magic, a secretstream header, then chunks of
 * DFT_CRYPT_CHUNK bytes (the last one shorter, tagged final, with the
 * SHA-256 of the plaintext as associated data: a blob file moved under
 * another name fails). Written and read in chunks: a large original is
 * never whole in memory. */
#define DFT_CRYPT_CHUNK ((size_t)1 << 16)
typedef struct dft_crypt_stream dft_crypt_stream;
/* Encrypt into fd (path for messages): the header is written now. */
int dft_crypt_push_open(dft_crypt_stream **out, const dft_crypt *k, int fd, const char *path);
int dft_crypt_push(dft_crypt_stream *s, const void *data, size_t len);
/* The last chunk, bound to the plaintext's SHA-256. */
int dft_crypt_push_final(dft_crypt_stream *s, const char *sha256_hex);
/* Decrypt from fd (path names the file in errors); sha256_hex is what the
 * final chunk was bound to. */
int dft_crypt_pull_open(dft_crypt_stream **out, const dft_crypt *k, int fd, const char *path,
			const char *sha256_hex);
/* Up to cap plaintext bytes into buf; *got 0 at the end. A chunk that
 * fails authentication (a flipped bit, a cut, another blob's file) is
 * DFT_ECORRUPT naming the file: wrong bytes are never returned. */
int dft_crypt_pull(dft_crypt_stream *s, void *buf, size_t cap, size_t *got);
void dft_crypt_stream_free(dft_crypt_stream *s);
/* The size on disk of a blob of `plain` bytes. */
uint64_t dft_crypt_stored_size(uint64_t plain);

/* ---- files sealed to a recipient (evidence packs, export --to) ----------
 * A key pair (crypto_box, X25519): the secret in FILE (0600), the public
 * key in FILE.pub, each a line of hex after a header line. A sealed file
 * is a magic, a random stream key sealed to the public key
 * (crypto_box_seal), then chunks as a blob's, the last one bound to
 * "daftar sealed file": only the secret key opens it, and a flipped bit,
 * a cut or an added chunk fails authentication. */
int dft_crypt_keypair_write(const char *path);
/* Encrypt into fd for the holder of the public key in pub_path. */
int dft_crypt_push_open_to(dft_crypt_stream **out, const char *pub_path, int fd, const char *path);
int dft_crypt_push_end(dft_crypt_stream *s); /* the final chunk of a sealed file */
/* 1: fd (at offset 0) starts as a sealed file does; 0: it does not. */
int dft_crypt_is_sealed(int fd);
/* Decrypt a sealed file with the secret key in secret_path. */
int dft_crypt_pull_open_sealed(dft_crypt_stream **out, const char *secret_path, int fd, const char *path);

/* A custody line, sealed (AEAD with its own subkey and a random nonce) as
 * one line of base64 without a newline, appended to out; and opened. The
 * sealed length depends on the plain length alone. */
int dft_crypt_seal_line(const dft_crypt *k, const char *line, size_t len, dft_buf *out);
int dft_crypt_open_line(const dft_crypt *k, const char *sealed, size_t len, dft_buf *out);
size_t dft_crypt_sealed_len(size_t plain_len);

#endif
