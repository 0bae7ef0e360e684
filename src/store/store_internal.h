/* store_internal.h - what the store's own files share; nothing outside
 * src/store includes it. */
#ifndef DAFTAR_STORE_INTERNAL_H
#define DAFTAR_STORE_INTERNAL_H

#include "daftar/custody.h"
#include "daftar/store.h"
#include <sqlite3.h>
#include <stdio.h>

struct dft_store {
	sqlite3 *db;
	char *dir;
	int writable;
	int lock_fd;
	int in_txn;
	struct dft_custody *custody;
};

int dft_store_migrate(sqlite3 *db);

#endif
