/*
 * helpers.h - what the unit tests share: where they write (a fresh folder
 * under $DAFTAR_TEST_TMP), the shared corpora and how a test that needs
 * them is skipped where they are absent (a user's clone has no ../shared:
 * the binary then exits 77, which ctest reports as Skipped), and a case on
 * the store the run asks for: SQLite by default or, when
 * DAFTAR_TEST_PG_URL names a PostgreSQL server (tests/pg/run-unit.sh
 * starts one on loopback), a server-mode case on a new database of that
 * server, so the same test checks both back ends.
 */
#ifndef DAFTAR_TEST_HELPERS_H
#define DAFTAR_TEST_HELPERS_H

#include "daftar/custody.h"
#include "daftar/store.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- where a test writes ----------------------------------------------- */

/* $DAFTAR_TEST_TMP (ctest sets it to build/tmp), else /tmp; made if absent. */
static inline const char *test_tmp(void)
{
	const char *tmp = getenv("DAFTAR_TEST_TMP");
	if (!tmp || !*tmp)
		tmp = "/tmp";
	mkdir(tmp, 0755);
	return tmp;
}

/* Remove a folder and everything in it: 0, or -1. */
static inline int test_rmrf(const char *dir)
{
	char cmd[4200];
	if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) >= (int)sizeof(cmd))
		return -1;
	return system(cmd) == 0 ? 0 : -1;
}

/* out = "<tmp>/unit-<name>-<pid>", removed if it was there (not made):
 * the case folder of one test binary. 0, or -1. */
static inline int test_dir(char *out, size_t size, const char *name)
{
	if (snprintf(out, size, "%s/unit-%s-%d", test_tmp(), name, (int)getpid()) >= (int)size)
		return -1;
	return test_rmrf(out);
}

/* ---- the shared corpora ------------------------------------------------ */

static int test_corpora_skips; /* checks skipped for want of the corpora */

/* $DAFTAR_SHARED/corpora/<rel> when that file or folder exists, in out;
 * else NULL. ctest sets DAFTAR_SHARED to ../shared beside the source. */
static inline const char *test_corpus(char *out, size_t size, const char *rel)
{
	const char *shared = getenv("DAFTAR_SHARED");
	if (!shared || !*shared)
		return NULL;
	if (snprintf(out, size, "%s/corpora/%s", shared, rel) >= (int)size)
		return NULL;
	return access(out, F_OK) == 0 ? out : NULL;
}

/* Say why a check is skipped and count it; the caller then calls skip(). */
static inline void test_note_no_corpus(const char *rel)
{
	test_corpora_skips++;
	printf("skipped: ../shared/corpora not present (%s)\n", rel);
}

/* Read $DAFTAR_SHARED/corpora/<rel> into b (initialised here, 256 MiB at
 * most): 0, or -1 when absent, noted as skipped for want of the corpora
 * (the caller then calls skip()). */
static inline int test_read_corpus(const char *rel, dft_buf *b)
{
	char path[1024], chunk[65536];
	FILE *f;
	size_t n;
	if (!test_corpus(path, sizeof(path), rel) || !(f = fopen(path, "rb"))) {
		test_note_no_corpus(rel);
		return -1;
	}
	dft_buf_init(b, (size_t)256 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		dft_buf_add(b, chunk, n);
	fclose(f);
	return 0;
}

/* Skip the calling check where $DAFTAR_SHARED/corpora/<rel> is absent;
 * else the path is in buf. */
#define TEST_NEEDS_CORPUS(buf, rel)                                  \
	do {                                                         \
		if (!test_corpus((buf), sizeof(buf), (rel))) {       \
			test_note_no_corpus(rel);                    \
			skip();                                      \
		}                                                    \
	} while (0)

/* main's exit status: the failures, else 77 (ctest's SKIP_RETURN_CODE) when
 * a check was skipped for want of the corpora, else 0. */
static inline int test_exit(int failures)
{
	if (failures)
		return failures;
	if (test_corpora_skips) {
		printf("skipped: %d check(s) need ../shared/corpora, which is not present; the others passed\n",
		       test_corpora_skips);
		return 77;
	}
	return 0;
}

/* ---- a case on either store ------------------------------------------ */

static inline int test_case_init(const char *dir)
{
	static int serial;
	const char *url = getenv("DAFTAR_TEST_PG_URL");
	char db[64], sql[128], newurl[1024];
	const char *slash;
	PGconn *c;
	PGresult *r;
	int ok;
	if (!url || !*url)
		return dft_store_init(dir);
	snprintf(db, sizeof(db), "unit_%d_%d", (int)getpid(), ++serial);
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	if (!(c = PQconnectdb(url)) || PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "test_case_init: %s", c ? PQerrorMessage(c) : "out of memory\n");
		PQfinish(c);
		return -1;
	}
	r = PQexec(c, sql);
	ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "test_case_init: %s", PQresultErrorMessage(r));
	PQclear(r);
	PQfinish(c);
	if (!ok)
		return -1;
	slash = strrchr(url, '/');
	snprintf(newurl, sizeof(newurl), "%.*s/%s", (int)(slash - url), url, db);
	return dft_store_init_server(dir, newurl);
}

/* Run SQL in a case's database from outside daftar (as an intruder or a
 * curious admin would): 0, or -1 with the database's message in err. The
 * first column of the first row, if any, goes to out. */
static inline int test_case_sql(const char *dir, const char *sql, char *out, size_t outsz, char *err, size_t errsz)
{
	char path[4200];
	dft_buf url;
	int rc = 0, server;
	if (out && outsz)
		out[0] = '\0';
	if (err && errsz)
		err[0] = '\0';
	dft_buf_init(&url, 0);
	server = dft_store_server_conf(dir, &url) > 0;
	if (server) {
		PGconn *c = PQconnectdb(dft_buf_cstr(&url));
		PGresult *r = PQexec(c, sql);
		ExecStatusType k = PQresultStatus(r);
		if (k != PGRES_COMMAND_OK && k != PGRES_TUPLES_OK) {
			rc = -1;
			if (err)
				snprintf(err, errsz, "%s", PQresultErrorMessage(r));
		} else if (out && k == PGRES_TUPLES_OK && PQntuples(r) > 0)
			snprintf(out, outsz, "%s", PQgetvalue(r, 0, 0));
		PQclear(r);
		PQfinish(c);
		dft_buf_dispose(&url);
		return rc;
	}
	dft_buf_dispose(&url);
	{
		sqlite3 *db;
		sqlite3_stmt *s;
		snprintf(path, sizeof(path), "%s/store.db", dir);
		if (sqlite3_open(path, &db) != SQLITE_OK)
			return -1;
		sqlite3_busy_timeout(db, 5000);
		if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) {
			if (err)
				snprintf(err, errsz, "%s", sqlite3_errmsg(db));
			sqlite3_close(db);
			return -1;
		}
		rc = sqlite3_step(s);
		if (rc == SQLITE_ROW && out)
			snprintf(out, outsz, "%s", sqlite3_column_text(s, 0) ? (const char *)sqlite3_column_text(s, 0) : "");
		if (rc != SQLITE_ROW && rc != SQLITE_DONE && err)
			snprintf(err, errsz, "%s", sqlite3_errmsg(db));
		rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
		sqlite3_finalize(s);
		sqlite3_close(db);
		return rc;
	}
}

/* How many custody entries of the case contain `needle` (the log file, or
 * the custody_log table of a server-mode case). */
struct test_log_count {
	const char *needle;
	int64_t n;
};
static inline int test_log_entry(void *ctx, int64_t n, const char *line, size_t len)
{
	struct test_log_count *c = ctx;
	(void)n;
	if (memmem(line, len, c->needle, strlen(c->needle)))
		c->n++;
	return 0;
}
static inline int test_log_problem(void *ctx, const char *kind, const char *sha, const char *detail)
{
	(void)ctx;
	(void)kind;
	(void)sha;
	fprintf(stderr, "custody: %s\n", detail);
	return -1;
}
static inline int64_t test_log_count(dft_store *st, const char *needle)
{
	struct test_log_count c = {needle, 0};
	dft_custody_check chk;
	int64_t checked;
	chk.ctx = &c;
	chk.entry = test_log_entry;
	chk.problem = test_log_problem;
	if (dft_store_custody_check(st, &chk, &checked) < 0)
		return -1;
	return c.n;
}

#endif
