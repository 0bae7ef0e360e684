/*
 * case-sql.c - the end-to-end tests' sqlite3 for an encrypted case: run SQL
 * on CASE/store.db through the encrypting VFS (cryptvfs.h), unlocked with
 * the passphrase of $DAFTAR_KEY_FILE (else stdin), and print the rows as
 * the sqlite3 shell does (columns joined by |, NULL as nothing). The
 * case_sql helper of tests/e2e/lib.sh uses it when the case has a keys
 * file, so that a test that looks into the database runs on encrypted
 * cases too (tests/crypt/run-e2e.sh), and its case_hold holds the write
 * lock with sleep_ms(). A test tool, not part of daftar.
 */
#include "daftar/core.h"
#include "daftar/crypt.h"
#include "daftar/cryptvfs.h"
#include "daftar/index.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

/* sleep_ms(N): so that a test can hold the write lock a while (lib.sh's
 * case_hold: BEGIN IMMEDIATE; SELECT sleep_ms(N); COMMIT) */
static void sleep_ms(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	sqlite3_result_int(ctx, sqlite3_sleep(sqlite3_value_int(argv[0])));
}

static int print_row(void *ctx, int n, char **values, char **names)
{
	int i;
	(void)ctx;
	(void)names;
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "|" : "", values[i] ? values[i] : "");
	printf("\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *keyfile = getenv("DAFTAR_KEY_FILE");
	char path[4096], *err = NULL;
	dft_crypt *k = NULL;
	sqlite3 *db = NULL;
	int rc = 1;
	if (argc != 3) {
		fprintf(stderr, "usage: case-sql CASE SQL\n");
		return 2;
	}
	if (keyfile && *keyfile)
		dft_crypt_use_key_file(keyfile);
	snprintf(path, sizeof(path), "%s/store.db", argv[1]);
	if (dft_crypt_unlock(argv[1], &k) < 0 ||
	    dft_cryptvfs_open(&db, path, SQLITE_OPEN_READWRITE, dft_crypt_db_key(k)) < 0 ||
	    dft_index_register(db) < 0) {
		fprintf(stderr, "case-sql: %s\n", dft_error_msg());
		goto done;
	}
	sqlite3_busy_timeout(db, 10000);
	sqlite3_create_function(db, "sleep_ms", 1, SQLITE_UTF8, NULL, sleep_ms, NULL, NULL);
	if (sqlite3_exec(db, argv[2], print_row, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "Error: %s\n", err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		goto done;
	}
	rc = 0;
done:
	sqlite3_close(db);
	dft_crypt_free(k);
	return rc;
}
