/* store_internal.h - what the store's own files share; nothing outside
 * src/store includes it. */
#ifndef DAFTAR_STORE_INTERNAL_H
#define DAFTAR_STORE_INTERNAL_H

#include "daftar/custody.h"
#include "daftar/index.h"
#include "daftar/store.h"
#include <sqlite3.h>
#include <stdio.h>

#define DFT_STMT_CACHE 64

struct dft_store {
	sqlite3 *db;
	struct {
		char *sql;
		sqlite3_stmt *stmt;
		int busy;
	} cached[DFT_STMT_CACHE];
	size_t ncached;
	char *dir;
	int writable;
	int lock_fd;
	int in_txn;
	struct dft_custody *custody;
};

int dft_store_migrate(sqlite3 *db);
int dft_store_prepare(dft_store *st, sqlite3_stmt **s, const char *sql);
int dft_store_db_err(dft_store *st, const char *what);
/* Step a prepared statement whose first column is an id, collect every id,
 * finalize it, then call fn for each: the caller may write to the tables
 * the statement read (what: for the error message). */
int dft_store_each_id(dft_store *st, sqlite3_stmt *s, const char *what, int (*fn)(void *ctx, int64_t id),
		      void *ctx);

#endif
