/* store_internal.h - what the store's own files share; nothing outside
 * src/store includes it. */
#ifndef DAFTAR_STORE_INTERNAL_H
#define DAFTAR_STORE_INTERNAL_H

#include "daftar/crypt.h"
#include "daftar/custody.h"
#include "daftar/index.h"
#include "daftar/store.h"
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>

#define DFT_STMT_CACHE 64

typedef struct dft_stmt dft_stmt;

#define DFT_FILTER_CACHE 16 /* filters whose documents a connection keeps (search.c) */

struct dft_store {
	sqlite3 *db;       /* SQLite case; NULL in server mode */
	PGconn *pg;        /* server mode (PostgreSQL); NULL for SQLite */
	char *pg_label;    /* the server, for messages (no password) */
	char *pg_error;    /* PostgreSQL's last error message */
	char pg_sqlstate[6];
	int64_t pg_changes;
	int pg_nprepared;
	int64_t pg_locked_commits; /* commits that took the writers' lock */
	double pg_locked_s;        /* and how long they held it, in all */
	uint64_t *pg_terms; /* words already in search_terms (pg.c) */
	size_t pg_nterms;
	struct {
		char *sql;
		dft_stmt *stmt;
		int busy;
	} cached[DFT_STMT_CACHE];
	size_t ncached;
	char *dir;
	int writable;
	int lock_fd;
	int in_txn;
	double txn_started; /* dft_now() at BEGIN (SQLite) */
	int turn;           /* a shared writer holds the turnstile (store.c) */
	int busy;           /* a statement met SQLITE_BUSY: another writer held the case past the timeout */
	struct dft_custody *custody;
	const struct dft_crypt *crypt; /* an encrypted case: its key (crypt.h), NULL in the clear */
	int db_encrypted;              /* store.db is opened through the encrypting VFS */
	/* the full-text index (ix_store.c) */
	struct dft_ix_writer *ixw;   /* the pending segment */
	struct dft_analyzer *ix_an;
	struct dft_ix *ix;           /* the reader, as of ix_version */
	int64_t ix_version;
	int ix_stale;                /* this connection wrote segments since */
	uint8_t *hits;               /* dft_hit(id): the current query's matches */
	uint64_t hits_bits;
	/* the documents of recent filters (search.c) */
	struct dft_filter_cache {
		char *key;              /* field NUL value */
		size_t key_len;
		int64_t version;        /* of the case when computed */
		uint8_t *bits;
		size_t nbits;
		uint64_t used;
	} filters[DFT_FILTER_CACHE];
	uint64_t filters_clock;
};

/* ---- one statement interface over SQLite and PostgreSQL (sql.c) ----
 * Step returns DFT_ROW, DFT_DONE or another value on error (the message
 * is in dft_sql_errmsg). Text and blobs are copied when bound. */
#define DFT_ROW SQLITE_ROW
#define DFT_DONE SQLITE_DONE
int dft_sql_prepare(dft_store *st, dft_stmt **out, const char *sql);
int dft_sql_cached(dft_store *st, dft_stmt **out, const char *sql);
void dft_sql_release(dft_store *st, dft_stmt *s);
/* The first column of the first row of a statement without parameters
 * (kept prepared); *out is left as it was when there is no row. */
int dft_sql_value(dft_store *st, const char *sql, int64_t *out);
void dft_sql_cache_free(dft_store *st);
void dft_sql_finalize(dft_stmt *s);
void dft_sql_reset(dft_stmt *s);
int dft_sql_step(dft_stmt *s);
/* Step a loop over rows: 1 on a row; 0 at the end, or on an error, which
 * goes to *rc (when it is 0) with its message: a page that cannot be read
 * (an encrypted database's failed page, cryptvfs.h) is no end of the table.
 *   while (rc == 0 && dft_sql_next(s, &rc)) ... */
int dft_sql_next(dft_stmt *s, int *rc);
int dft_sql_bind_int64(dft_stmt *s, int i, int64_t v);
int dft_sql_bind_double(dft_stmt *s, int i, double v);
int dft_sql_bind_null(dft_stmt *s, int i);
int dft_sql_bind_text(dft_stmt *s, int i, const char *v, int64_t n);
int dft_sql_bind_blob(dft_stmt *s, int i, const void *v, int64_t n);
int dft_sql_col_null(dft_stmt *s, int i);
int64_t dft_sql_col_int64(dft_stmt *s, int i);
double dft_sql_col_double(dft_stmt *s, int i);
const char *dft_sql_col_text(dft_stmt *s, int i);
const void *dft_sql_col_blob(dft_stmt *s, int i);
int dft_sql_col_bytes(dft_stmt *s, int i);
int dft_sql_exec(dft_store *st, const char *sql);
int64_t dft_sql_changes(dft_store *st);
const char *dft_sql_errmsg(dft_store *st);
/* the last error was a UNIQUE or PRIMARY KEY violation */
int dft_store_unique_violation(dft_store *st);
/* a blob column (raw file system paths) as a NUL-terminated copy */
char *dft_sql_col_bytes_strdup(dft_stmt *s, int i);

int dft_store_migrate(sqlite3 *db);

/* A document's SHA-256 for a custody entry about it ("" for bytes never
 * read); DFT_ENOTFOUND (annotations_store.c) */
int dft_store_doc_sha(dft_store *st, int64_t doc, char sha[DFT_SHA256_HEX]);

/* ---- the full-text index of SQLite cases (ix_store.c) ---- */
struct dft_ix;
struct dft_ix_result;
/* terms: the text analysed already (dft_ix_analyse), or NULL */
int dft_store_ix_add(dft_store *st, int64_t doc_id, const char *text, size_t len, const void *terms,
		     size_t terms_len);
int dft_store_ix_flush(dft_store *st);
void dft_store_ix_discard(dft_store *st);
void dft_store_ix_free(dft_store *st);
int dft_store_ix_reader(dft_store *st, struct dft_ix **out);
void dft_store_filters_free(dft_store *st);
int dft_store_ix_register(dft_store *st);
int dft_store_ix_set_hits(dft_store *st, const struct dft_ix_result *all);
int dft_store_ix_rebuild(sqlite3 *db);

/* ---- server mode (pg.c) ---- */
int dft_pg_open(dft_store *st, const char *case_dir, const char *url, int writable);
int dft_pg_begin(dft_store *st);
int dft_pg_commit(dft_store *st);
void dft_pg_rollback(dft_store *st);
void dft_pg_forget_terms(dft_store *st);
int dft_pg_index(dft_store *st, int64_t doc_id, const char *text, size_t text_len, const char *language);
int dft_pg_custody_verify(dft_store *st, int64_t entries, const char *head, const dft_custody_check *chk,
			  int64_t *checked);
int dft_store_db_err(dft_store *st, const char *what);
/* Step a prepared statement whose first column is an id, collect every id,
 * finalize it, then call fn for each: the caller may write to the tables
 * the statement read (what: for the error message). */
int dft_store_each_id(dft_store *st, dft_stmt *s, const char *what, int (*fn)(void *ctx, int64_t id),
		      void *ctx);

/* A transaction of the calling function's own unless its caller holds
 * one: dft_store_own_begin, the work, then dft_store_own_end with its
 * result (commit, or roll back with the custody entries it built). */
int dft_store_own_begin(dft_store *st, int *own);
int dft_store_own_end(dft_store *st, int own, int rc);
/* Step a statement that returns no row and finalise it: 0, or the
 * database's error about `what`. */
int dft_store_step_done(dft_store *st, dft_stmt *s, const char *what);


/* The documents of each place by the month of its documents' first date
 * (a letter's date is at its head): what place_months holds. Migration 12
 * fills it for an older case; each resolution again (places_store.c). */
#define DFT_PLACE_MONTHS_SQL \
	"INSERT INTO place_months(entity_id, month, documents)" \
	" SELECT entity_id, month, COUNT(*) FROM (SELECT pd.entity_id," \
	"  (SELECT substr(x.value, 1, 7) FROM mentions x WHERE x.doc_id = pd.doc_id AND x.type = 'date'" \
	"   ORDER BY x.start LIMIT 1) AS month" \
	"  FROM (SELECT DISTINCT v.entity_id, m.doc_id FROM mentions m" \
	"   JOIN entity_variants v ON v.type = 'place' AND v.value = m.value WHERE m.type = 'place') pd) q" \
	" WHERE month IS NOT NULL GROUP BY entity_id, month"

#endif
