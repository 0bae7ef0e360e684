/*
 * test_case.h - make a case for a unit test on the store the run asks for:
 * SQLite by default or, when DAFTAR_TEST_PG_URL names a PostgreSQL server
 * (tests/pg/run-unit.sh starts one on loopback), a server-mode case on a
 * new database of that server. The same test then checks both back ends.
 */
#ifndef DAFTAR_TEST_CASE_H
#define DAFTAR_TEST_CASE_H

#include "daftar/custody.h"
#include "daftar/store.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
