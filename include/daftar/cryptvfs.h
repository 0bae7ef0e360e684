/*
 * cryptvfs.h - an SQLite VFS that keeps a case's database encrypted at rest
 * (#22): every page of store.db, of its WAL and of its rollback journal is
 * sealed with XChaCha20-Poly1305 under the case's data key, the nonce and
 * the tag in the page's reserved bytes; temporary files never reach the
 * disk. The store opens its database through it when the case is
 * encrypted; the design and what it does not hide are in
 * src/store/cryptvfs.c and docs/SECURITY.md.
 */
#ifndef DAFTAR_CRYPTVFS_H
#define DAFTAR_CRYPTVFS_H

#include <sqlite3.h>

#define DFT_CRYPTVFS_KEYBYTES 32
/* Bytes each page reserves for nonce (24) + tag (16); the store must set
 * this with sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &n)
 * before the first table is created (dft_cryptvfs_prepare does). */
#define DFT_CRYPTVFS_RESERVE 40
/* The one page size of an encrypted database: the VFS must know it to
 * find page 1's nonce and tag before it can read the header that says it. */
#define DFT_CRYPTVFS_PAGE_SIZE 4096

/* Register an SQLite VFS named `name` (e.g. "daftar-crypt-1") that wraps
 * the default VFS and encrypts everything that goes through it with `key`
 * (copied into locked memory: sodium_malloc, read-only but while it is
 * written; wiped by unregister). Open a database through it with
 * sqlite3_open_v2(path, &db, flags, name). 0, DFT_EEXISTS when a VFS of
 * that name is registered, or another negative dft error code. */
int dft_cryptvfs_register(const char *name, const unsigned char key[DFT_CRYPTVFS_KEYBYTES]);
/* Unregister it and wipe its key; every connection opened through it must
 * be closed first. Unknown names are ignored. */
void dft_cryptvfs_unregister(const char *name);
/* Zero the key of every registered VFS, in place (they stay registered: a
 * connection still open then fails as in a forked child, never seals a
 * page with zeros). For the end of a process (dft_crypt_wipe_keys). */
void dft_cryptvfs_wipe_keys(void);

/* Call on each connection opened through the VFS, before anything else
 * (and, on a new database, before PRAGMA journal_mode=WAL and the first
 * table): page size, reserved bytes, temp_store=MEMORY. On an existing
 * database it reads page 1, so a wrong key fails here: DFT_EIO with
 * dft_cryptvfs_last_error() naming page 1. 0, or a negative dft code with
 * dft_error_set's message. */
int dft_cryptvfs_prepare(sqlite3 *db);

/* What the store calls: open the database at `path` (flags as for
 * sqlite3_open_v2) through the encrypting VFS of `key` - registered at the
 * first call for that key under a name derived from it, and kept for the
 * process - with extended result codes on (SQLITE_IOERR_DATA), then
 * dft_cryptvfs_prepare. A database that page 1 shows is not this key's:
 * DFT_EENCRYPTED, "PATH: wrong passphrase or not a daftar case ...".
 * 0 and *out open, or a negative dft code and *out NULL. */
int dft_cryptvfs_open(sqlite3 **out, const char *path, int flags, const unsigned char key[DFT_CRYPTVFS_KEYBYTES]);

/* The last page or frame that failed authentication (or another refusal
 * of the VFS) on this thread: "store.db page 17: authentication failed",
 * "store.db-wal frame 3 (page 2): authentication failed", ... "" when
 * none since the last dft_cryptvfs_clear_error(). When SQLite reports
 * SQLITE_IOERR_DATA on a connection of this VFS, this says where. */
const char *dft_cryptvfs_last_error(void);
void dft_cryptvfs_clear_error(void);
/* Is this failure of page 1 of the main database, i.e. most likely a
 * wrong key (or a file that is no daftar case)? */
int dft_cryptvfs_last_error_is_page1(void);

#endif
