/*
 * store.h - the case store: the one module that talks to the database.
 *
 * A case is a folder: store.db (SQLite, WAL), blobs/ (every original and
 * every derived document's bytes, content-addressed by SHA-256 and fanned
 * out as blobs/ab/cd/<sha256>), custody.log (append-only, hash-chained; see
 * custody.h). No other module issues SQL, so that a PostgreSQL back end can
 * be added behind the same functions later.
 *
 * A *document* is one distinct content (one SHA-256) in the case; a
 * *location* is one place it was seen (a file path, or an archive member
 * path such as "letters.zip!/2016/a.txt"), in one batch. The same bytes seen
 * twice are one document with two locations. A member that could not be
 * read at all (encrypted, truncated, unreadable file) is a failed document
 * without a SHA-256.
 */
#ifndef DAFTAR_STORE_H
#define DAFTAR_STORE_H

#include "daftar/core.h"
#include <stdint.h>

typedef struct dft_store dft_store;

/* Make a new case folder. Refuses a folder that holds other things. */
int dft_store_init(const char *case_dir);
/* The same, encrypted at rest (crypt.h, docs/SECURITY.md): asks a new
 * passphrase, writes CASE/keys, and everything after is ciphertext. */
int dft_store_init_encrypted(const char *case_dir);
/* The case is encrypted at rest (its key is unlocked in this process). */
int dft_store_encrypted(const dft_store *st);
/* Its database (store.db, WAL, journal) is ciphertext too (the encrypting
 * SQLite VFS); 0 in a clear case. */
int dft_store_db_encrypted(const dft_store *st);
/* How dft_store_open opens a case (its `writable` argument):
 *  - DFT_STORE_READ: reads only; runs beside any writer (SQLite WAL).
 *  - DFT_STORE_INGEST: the ingest's writer: takes CASE/lock (one at a
 *    time), empties blobs/tmp, and waits up to DFT_STORE_INGEST_BUSY_MS
 *    for a workbench's write.
 *  - DFT_STORE_SHARED: the workbench's writer, for its own short
 *    transactions (users, sessions, failed logins, audit, tags, notes,
 *    entity merges and splits) beside a running ingest: no CASE/lock, no
 *    blobs/tmp cleaning, and a write waits at most DFT_STORE_SHARED_BUSY_MS
 *    for the ingest's current transaction (then the write fails and
 *    dft_store_busy says so). Both writers append to the one custody chain:
 *    every append happens under SQLite's write lock, after
 *    dft_custody_sync has linked the entries onto the end another writer
 *    may have moved (dft_store_commit).
 * Both writers reconcile the custody log with the database after a crash.
 * In server mode (PostgreSQL) every writer is concurrent already; INGEST
 * and SHARED are the same there. */
enum { DFT_STORE_READ = 0, DFT_STORE_INGEST = 1, DFT_STORE_SHARED = 2 };
#define DFT_STORE_INGEST_BUSY_MS 60000
#define DFT_STORE_SHARED_BUSY_MS 5000
int dft_store_open(dft_store **out, const char *case_dir, int writable);
/* The last write failed because another writer kept the case's write
 * lock past this store's busy timeout (SQLite; a retry may succeed). */
int dft_store_busy(const dft_store *st);
/* Seconds the open write transaction has been held (0: none). */
double dft_store_txn_age(const dft_store *st);
/* SQLite's page cache for this connection, in MiB (64 when opened; no-op
 * in server mode). */
int dft_store_cache_mib(dft_store *st, int mib);
/* Bytes of full-text index the open transaction holds in memory, written
 * at its commit as one segment (SQLite cases; 0 in server mode). */
size_t dft_store_ix_pending(const dft_store *st);
/* The ingest's writer (SQLite), inside a transaction: a workbench write
 * is waiting for it (commit soon). One system call. */
int dft_store_writer_waiting(dft_store *st);
void dft_store_free(dft_store *st);
const char *dft_store_dir(const dft_store *st);

/* ---- server mode (src/store/pg.c; docs/SCALING.md) ----------------------
 * The same store on PostgreSQL: a case folder holding server.conf (the
 * URL) and blobs/ (shared by every worker), the rows in the database.
 * dft_store_open takes the folder or the URL itself. */
int dft_store_is_url(const char *s);
int dft_store_init_server(const char *case_dir, const char *url);
/* The same with its blobs encrypted as an encrypted case's (crypt.h: the
 * passphrase asked now, CASE/keys beside blobs/, secretstream blobs under
 * keyed names); the database stays PostgreSQL's to protect (SCALING.md). */
int dft_store_init_server_encrypted(const char *case_dir, const char *url);
int dft_store_is_server(const dft_store *st);
/* The URL in CASE/server.conf: 1 and url set; 0: not a server-mode case */
int dft_store_server_conf(const char *case_dir, dft_buf *url);

/* The job queue: pending documents are the jobs. claim leases the lowest
 * unleased one to `owner` for lease_s seconds (1 and *id set, 0: none
 * free); renew extends every lease of owner; held (inside a write
 * transaction) says whether the document is still pending and ours, so
 * that a worker whose lease ran out and was taken over never stores its
 * result. counts: pending documents, and how many are leased now. */
int dft_store_job_claim(dft_store *st, const char *owner, int lease_s, int64_t *id, int64_t *attempts);
int dft_store_job_renew(dft_store *st, const char *owner, int lease_s);
int dft_store_job_held(dft_store *st, int64_t id, const char *owner);
int dft_store_job_counts(dft_store *st, int64_t *pending, int64_t *leased);
/* Free the leases of this host's workers that are no longer running
 * (names host:pid:..., the pid gone): their documents are claimable at
 * once instead of when the lease ends. */
int dft_store_job_reap(dft_store *st, const char *host, int64_t *freed);
/* Server mode: how many commits of this store took the writers' lock and
 * how long they held it in all (what bounds the case's commit rate). */
void dft_store_lock_stats(const dft_store *st, int64_t *commits, double *seconds);

/* Group writes; commit flushes the custody log first (log before database,
 * so that every committed row has its custody entry on disk). */
int dft_store_begin(dft_store *st);
int dft_store_commit(dft_store *st);
/* Drop the open transaction and the custody entries it built. */
int dft_store_rollback(dft_store *st);
/* The last error is one a retry of the transaction may not meet
 * (server mode: a deadlock, a serialisation failure, a key another
 * writer took meanwhile). */
int dft_store_retryable(dft_store *st);

/* ---- batches ------------------------------------------------------------ */
typedef struct dft_batch {
	int64_t id;
	char label[128];
	char started_at[32];
	char closed_at[32]; /* "" while open (or interrupted) */
	int64_t documents;  /* documents with a location in this batch */
} dft_batch;

/* Open a batch; when the last batch is still open with the same label (a
 * run that was killed), it is resumed and *resumed is set. */
int dft_store_batch_open(dft_store *st, const char *label, int64_t *id_out, int *resumed);
int dft_store_batch_close(dft_store *st, int64_t id);
/* Batch by id (text of digits) or by label; 0 and *id set, or DFT_ENOTFOUND */
int dft_store_batch_find(dft_store *st, const char *id_or_label, int64_t *id);

/* ---- blobs ------------------------------------------------------------- */
typedef struct dft_blob_writer {
	int fd;
	char tmp_path[4096];
	dft_sha256 sha;
	uint64_t size;
	int copy; /* 0: only hash (--no-copy originals) */
	struct dft_crypt_stream *enc; /* an encrypted case: the bytes go through it */
	const struct dft_crypt *key;
} dft_blob_writer;

int dft_blob_writer_open(dft_store *st, dft_blob_writer *w, int copy);
int dft_blob_writer_write(dft_blob_writer *w, const void *data, size_t len);
/* Finish: sha_out gets the hash; the bytes are moved into blobs/ (or
 * dropped when the same blob is already there). */
int dft_blob_writer_commit(dft_store *st, dft_blob_writer *w, char sha_out[DFT_SHA256_HEX]);
void dft_blob_writer_abort(dft_blob_writer *w);
/* Path of a blob in this case (whether or not it exists). In an encrypted
 * case its name is a keyed hash of the SHA-256, not the SHA-256. */
int dft_store_blob_path(const dft_store *st, const char *sha256, dft_buf *out);

/* Reading a document's bytes: its blob (sha256; decrypted as it streams
 * in an encrypted case) or, with `source` set, a --no-copy original's own
 * file. Every reader of blob files goes through here. A blob that fails
 * authentication is DFT_ECORRUPT naming the file, before any wrong byte
 * is returned; a missing file is DFT_ENOTFOUND. */
typedef struct dft_blob_reader dft_blob_reader;
int dft_blob_reader_open(dft_store *st, const char *sha256, const char *source, dft_blob_reader **out);
/* Up to cap bytes into buf; *got 0 at the end. */
int dft_blob_reader_read(dft_blob_reader *r, void *buf, size_t cap, size_t *got);
const char *dft_blob_reader_path(const dft_blob_reader *r);
void dft_blob_reader_free(dft_blob_reader *r);
/* A file descriptor of the document's bytes, at offset 0, for a worker to
 * map or the server to send: the file itself in a clear case; in an
 * encrypted one a sealed memfd (memory, never disk) of the decrypted and
 * authenticated bytes. The caller closes it. */
int dft_blob_open_fd(dft_store *st, const char *sha256, const char *source, int *fd);

/* ---- documents ---------------------------------------------------------- */
typedef struct dft_doc {
	int64_t id;
	char sha256[DFT_SHA256_HEX]; /* "" for a document whose bytes were never read */
	int64_t size;
	char *path;   /* first location */
	int64_t parent;
	int64_t batch; /* first batch */
	int depth;
	int stored;   /* bytes in blobs/ (0: --no-copy, read from source) */
	char *source; /* file system path of a top-level original, else NULL */
	char *mime;
	char *type;
	char *language;
	char *status; /* "pending" | "ok" | "failed" */
	char *error;
	char *notes;  /* newline-separated, or NULL */
	int64_t pages;
} dft_doc;

void dft_doc_dispose(dft_doc *d);

/* What ingest knows when it sees bytes at a location. */
typedef struct dft_location {
	const char *sha256;  /* NULL for a failed read */
	int64_t size;
	const char *path;    /* display path, valid UTF-8 */
	const char *source;  /* file system path (top-level files) or NULL */
	int64_t parent;      /* 0 for top-level */
	int64_t batch;
	int64_t mtime;
	int depth;
	int stored;
	const char *error;   /* failed before extraction (unreadable, encrypted) */
} dft_location;

/* Record bytes seen at a location: a new document (status pending, or
 * failed with loc->error) when the sha256 is new, else one more location of
 * the existing document. *doc_id gets the document; *is_new says which. */
int dft_store_add_location(dft_store *st, const dft_location *loc, int64_t *doc_id, int *is_new);

/* Incremental ingest: was this file (raw path bytes, size, mtime) seen? */
int dft_store_seen_file(dft_store *st, const char *source, int64_t size, int64_t mtime_ns, int *seen);
int dft_store_mark_seen(dft_store *st, const char *source, int64_t size, int64_t mtime_ns, int64_t doc_id);

/* A note about something at a path that is not a document (a special file
 * skipped, a symlink not followed, a directory loop); once per batch. */
int dft_store_add_note(dft_store *st, int64_t batch, const char *path, const char *note);
int dft_store_notes(dft_store *st, int64_t batch,
		    int (*fn)(void *ctx, int64_t batch, const char *path, const char *note), void *ctx);

/* Extraction results */
typedef struct dft_extraction {
	const char *mime;
	const char *type;
	const char *status; /* "ok" | "failed" */
	const char *error;
	const char *text; size_t text_len;
	const char *text_sha256;
	const char *meta;  /* "key\0value\0" pairs */
	size_t meta_len;
	const char *notes;
	const char *language; /* "" or NULL: unknown */
	int64_t pages;
	/* the text already analysed for the full-text index (dft_ix_analyse's
	 * bytes, from an extraction worker), or NULL: the store analyses it */
	const void *index_terms;
	size_t index_terms_len;
} dft_extraction;
int dft_store_set_extraction(dft_store *st, int64_t doc_id, const dft_extraction *ex);

/* Documents still to extract, in id order; calls fn for each. */
int dft_store_pending(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx);

int dft_store_doc_get(dft_store *st, int64_t id, dft_doc *out);
/* DOC as the CLI takes it: an id, a SHA-256 prefix (6+ hex digits) or a path */
int dft_store_doc_resolve(dft_store *st, const char *spec, int64_t *id);
/* Every place the document was seen; fn gets each path and its batch */
int dft_store_doc_locations(dft_store *st, int64_t id,
			    int (*fn)(void *ctx, const char *path, int64_t batch), void *ctx);
/* Documents found inside this one, with the path each has inside it. */
int dft_store_doc_children(dft_store *st, int64_t id,
			   int (*fn)(void *ctx, int64_t child, const char *path), void *ctx);
int dft_store_doc_text(dft_store *st, int64_t id, dft_buf *out, int *has_text);
int dft_store_doc_meta(dft_store *st, int64_t id,
		       int (*fn)(void *ctx, const char *key, const char *value), void *ctx);

/* Listing with filters (NULL/0 = any). */
typedef struct dft_doc_filter {
	int64_t batch;     /* documents seen in this batch */
	int failed_only;
	const char *type;
	int64_t limit, offset;
} dft_doc_filter;
int dft_store_docs(dft_store *st, const dft_doc_filter *f,
		   int (*fn)(void *ctx, const dft_doc *d), void *ctx);

/* ---- counts ------------------------------------------------------------- */
typedef struct dft_count { char key[64]; int64_t n; } dft_count;
typedef struct dft_status {
	int64_t documents, originals, bytes, failed, pending, notes;
	dft_batch *batches; size_t nbatches;
	dft_count *by_type; size_t ntypes;
	dft_count *by_language; size_t nlanguages;
} dft_status;
int dft_store_status(dft_store *st, dft_status *out);
void dft_status_dispose(dft_status *s);

/* For verify: every document with bytes (sha256, stored, source, id). */
int dft_store_each_blob(dft_store *st,
			int (*fn)(void *ctx, int64_t id, const char *sha256, int stored, const char *source, int64_t size),
			void *ctx);
/* Custody head as recorded in the database. */
int dft_store_custody_head(dft_store *st, int64_t *entries, char head[DFT_SHA256_HEX], int64_t *offset);
/* For verify's cross-check: text hash stored for a document ("" when none) */
int dft_store_text_sha(dft_store *st, int64_t id, char out[DFT_SHA256_HEX]);

/* Walk the case's custody log (custody.log, or the custody_log table in
 * server mode) against the head the store recorded: chk->entry gets every
 * line, chk->problem every break in the chain. */
struct dft_custody_check;
int dft_store_custody_check(dft_store *st, const struct dft_custody_check *chk, int64_t *checked);

/* The custody log of this store (writable stores only). */
struct dft_custody;
struct dft_custody *dft_store_custody(dft_store *st);

#endif

#ifndef DAFTAR_STORE_VERIFY
#define DAFTAR_STORE_VERIFY
/* ---- verify -------------------------------------------------------------
 * Re-hash every document's bytes and check the custody chain, and that the
 * database agrees with the log (every document's SHA-256 as received, every
 * stored text as extracted). Each problem goes to `problem`, with kind
 * "modified" | "missing" | "chain" | "store". */
typedef struct dft_verify_result {
	int64_t originals_checked; /* documents whose bytes were re-hashed */
	int64_t entries_checked;   /* custody log entries */
	int64_t index_rows_checked; /* rows of the full-text index decoded (SQLite cases) */
	int64_t problems;
	char head[DFT_SHA256_HEX]; /* hash of the last committed entry */
} dft_verify_result;
int dft_verify(dft_store *st,
	       int (*problem)(void *ctx, const char *kind, const char *sha256, const char *detail),
	       void *ctx, dft_verify_result *out);
#endif

#ifndef DAFTAR_STORE_SEARCH
#define DAFTAR_STORE_SEARCH
/* ---- search (src/store/search.c) ----------------------------------------
 * Runs a query compiled by index.h over the case's FTS5 index. */
struct dft_query;

typedef struct dft_search_opts {
	int64_t limit, offset;
	int facets;
	const char *sort;  /* "relevance" (default), "date" (newest first), "oldest" */
	double timeout_s;  /* per query; 0: 10 s */
	int control_marks; /* 1: snippets mark words with U+0002 ... U+0003, else « ... » */
} dft_search_opts;

typedef struct dft_hit {
	int64_t id;
	const char *path;
	const char *title;   /* NULL when the document has none */
	double score;        /* higher is better */
	int64_t page;        /* 0: unknown */
	const char *snippet; /* matched words between « and » */
} dft_hit;

typedef struct dft_search_result {
	int64_t total;
	double took_ms;
} dft_search_result;

int dft_store_search(dft_store *st, const struct dft_query *q, const dft_search_opts *o,
		     int (*hit)(void *ctx, const dft_hit *h),
		     int (*facet)(void *ctx, const char *facet, const char *value, int64_t n),
		     void *ctx, dft_search_result *r);

/* dft_fuzzy_fn for index.h: indexed terms within `dist` edits of `norm`;
 * ctx is the dft_store. */
int dft_store_fuzzy(void *ctx, const char *norm, int dist, dft_buf *out);
#endif
