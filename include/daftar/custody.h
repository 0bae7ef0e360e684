/*
 * custody.h - the chain-of-custody log: custody.log in the case folder, one
 * JSON object a line, append-only. Every entry carries the SHA-256 of the
 * previous line ("prev"), so editing, deleting or reordering any entry
 * breaks the chain; the database records the head (count, hash, size) so
 * that cutting entries off the end is seen too.
 *
 * Entries: batch_opened, batch_closed, received (bytes at a location),
 * derived (a child document from a parent), extracted (text hash of a
 * document), skipped, tagged, untagged, noted, claim, claim_status,
 * recovered (an interrupted writer's uncommitted tail).
 *
 * Writers: an ingest (or any command holding CASE/lock) and the
 * workbench's short transactions beside it append to the one chain. Each
 * appends only inside its SQLite write transaction, where
 * dft_custody_sync first takes the end the other may have moved.
 */
#ifndef DAFTAR_CUSTODY_H
#define DAFTAR_CUSTODY_H

#include "daftar/core.h"

typedef struct dft_custody dft_custody;
struct dft_crypt;

/* In an encrypted case (key not NULL: crypt.h) each line of custody.log is
 * sealed on its own (one line of base64); the chain, the entry numbers
 * and the head are those of the plain lines, so everything below works
 * on plain lines and only the file holds sealed ones. `offset` is then a
 * size of the sealed file. */

/* Open for appending: `entries`, `head` and `offset` are what the database
 * recorded. A longer log (a crash between log write and database commit) is
 * accepted and marked with a "recovered" entry; a shorter or different one
 * is refused (DFT_ECORRUPT: run verify). */
int dft_custody_open(dft_custody **out, const char *path, int64_t entries,
		     const char *head, int64_t offset, const struct dft_crypt *key);
void dft_custody_free(dft_custody *c);
/* Open for appending without reading the log yet: the chain's end is
 * taken at the first dft_custody_sync, under the database's write lock
 * (the workbench's writer, which must not wait for an ingest to open). */
int dft_custody_open_deferred(dft_custody **out, const char *path, const struct dft_crypt *key);

/* Build one entry: begin returns a JSON writer with the object opened and
 * n/at/prev/event written; add fields, then end. */
dft_json *dft_custody_begin(dft_custody *c, const char *event);
int dft_custody_end(dft_custody *c);
/* Before writing: take (entries, head, offset), the chain's end as the
 * database holds it now, read under the database's write lock. When
 * another writer (the workbench beside an ingest, or the ingest beside
 * it) committed entries since this log's last flush, the pending entries
 * are renumbered and linked onto the new end; a tail a killed writer left
 * is kept with a "recovered" entry, as at open. Without another writer it
 * costs one fstat. */
int dft_custody_sync(dft_custody *c, int64_t entries, const char *head, int64_t offset);
/* Write pending entries to the file and fdatasync it. */
int dft_custody_flush(dft_custody *c);
void dft_custody_head(const dft_custody *c, int64_t *entries, char head[DFT_SHA256_HEX], int64_t *offset);

/* One field of a log line: the raw text of "key":"value" (not unescaped)
 * and its length, or NULL; an integer field, or -1 when absent. */
const char *dft_custody_field(const char *line, size_t len, const char *key, size_t *vlen);
int64_t dft_custody_field_int(const char *line, size_t len, const char *key);

/* Verification: walk the log, check the chain; fn gets every entry line
 * (parsed fields it needs are the caller's business) and problems are
 * reported through `problem` (kind "chain", detail). */
typedef struct dft_custody_check {
	void *ctx;
	int (*entry)(void *ctx, int64_t n, const char *line, size_t len);
	int (*problem)(void *ctx, const char *kind, const char *sha256, const char *detail);
} dft_custody_check;
int dft_custody_verify(const char *path, int64_t entries, const char *head,
		       const dft_custody_check *chk, int64_t *checked, const struct dft_crypt *key);

/* The same check over lines from any source: next() gives one line
 * (without its newline) and returns 1, or 0 at the end, or < 0. */
int dft_custody_verify_lines(int (*next)(void *src, const char **line, size_t *len), void *src,
			     int64_t entries, const char *head, const dft_custody_check *chk, int64_t *checked);

/* Server mode: the log lives in the database (custody_log), written in the
 * same transaction as the rows it speaks for. open_memory makes a log with
 * no file; pending gives the complete lines built since the last commit,
 * for the store to insert (after dft_custody_rechain below); written marks
 * them stored; discard forgets them (a rolled-back transaction). */
int dft_custody_open_memory(dft_custody **out);
const char *dft_custody_pending(const dft_custody *c, size_t *len);
void dft_custody_written(dft_custody *c);
void dft_custody_discard(dft_custody *c);
/* Renumber and rechain the pending lines from (entries, head), the chain's
 * end as the database holds it under the writers' lock: in server mode a
 * transaction builds its entries first and links them into the chain only
 * at commit, so the lock is held for the commit alone. */
int dft_custody_rechain(dft_custody *c, int64_t entries, const char *head);

#endif
