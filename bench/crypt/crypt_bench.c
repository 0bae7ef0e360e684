/*
 * crypt_bench.c - what the encrypting VFS (src/store/cryptvfs.c) costs: the
 * same store-like workload on a database in the clear and on one opened
 * through the VFS, alternately, in the same run (bench/crypt/run.sh,
 * docs/BENCHMARKS.md).
 *
 *   bench_crypt DIR [DOCS] [RUNS]
 *
 * Workload, as the store does it (WAL, synchronous=NORMAL, a 64 MiB page
 * cache - BENCH_CACHE_KIB sets another -, daftar's FTS5 tokenizer, FTS5
 * leaves of 4000 bytes in both): insert DOCS documents (default 10,000)
 * of about 2 KB of Arabic and Latin words (table + FTS5 index, 500 a
 * transaction), then, on a fresh connection as every daftar command opens
 * one, 200 full-text queries, 20,000 look-ups by id and one scan of every
 * text; and apart, the worst case, a fresh connection that only reads
 * every page. Each figure is the median of RUNS runs (default 5), the two
 * kinds taking turns so that the machine's load falls on both alike, in
 * CPU seconds of the process (user + system): on a shared machine
 * wall-clock time measures the neighbours. The disk is not in them (WAL,
 * synchronous=NORMAL: a sync at each checkpoint only).
 */
#include "daftar/core.h"
#include "daftar/cryptvfs.h"
#include "daftar/index.h"

#include <sodium.h>
#include <time.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define VFS "bench-crypt"
#define MAX_RUNS 15

static const char *words[] = {
	"الدولة", "ديوان", "المال", "الرقة", "الموصل", "كتاب", "رسالة", "أمير", "الجند", "العدناني",
	"مكتب", "العلاقات", "العامة", "رقم", "تاريخ", "ولاية", "الحسبة", "الزكاة", "سجل", "الأخ",
	"letter", "office", "report", "transfer", "weapons", "payment", "border", "Raqqa", "Mosul", "Adnani",
	"salary", "fighters", "list", "names", "stamp", "signed", "copy", "received", "department", "order",
	"2015", "1437", "17", "104", "march", "april", "النفط", "الحدود", "المعسكر", "الطبية"};
#define NWORDS (sizeof(words) / sizeof(*words))

/* CPU seconds of this process: the machine is shared, and other work
 * stretches wall-clock time but not this */
static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 88172645463325252ULL;
static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void make_text(dft_buf *b, int64_t id)
{
	dft_buf_reset(b);
	dft_buf_addf(b, "document %lld: ", (long long)id);
	while (b->len < 2000) {
		dft_buf_adds(b, words[next_rand() % NWORDS]);
		dft_buf_addc(b, ' ');
	}
}

static int check(sqlite3 *db, int rc, const char *what)
{
	if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW)
		return 0;
	fprintf(stderr, "bench_crypt: %s: %s %s\n", what, sqlite3_errmsg(db), dft_cryptvfs_last_error());
	exit(1);
}

static int cache_kib = 65536; /* the store's cache_size; BENCH_CACHE_KIB */

static sqlite3 *open_db(const char *path, int crypt)
{
	sqlite3 *db = NULL;
	char pragmas[160];
	check(db, sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, crypt ? VFS : NULL), "open");
	if (crypt && dft_cryptvfs_prepare(db) < 0) {
		fprintf(stderr, "bench_crypt: %s\n", dft_error_msg());
		exit(1);
	}
	dft_index_register(db);
	snprintf(pragmas, sizeof(pragmas), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-%d;",
		 cache_kib);
	check(db, sqlite3_exec(db, pragmas, NULL, NULL, NULL), "pragmas");
	return db;
}

static double insert_docs(const char *path, int crypt, int docs)
{
	sqlite3 *db;
	sqlite3_stmt *s, *fs;
	dft_buf text;
	double t0 = cpu_now();
	int64_t id;
	rng = 88172645463325252ULL;
	db = open_db(path, crypt);
	check(db, sqlite3_exec(db, "CREATE TABLE doc(id INTEGER PRIMARY KEY, sha TEXT, body TEXT);"
				   "CREATE INDEX doc_sha ON doc(sha);"
				   "CREATE VIRTUAL TABLE search USING fts5(body, content='doc', content_rowid='id', "
				   "tokenize='daftar');"
				   /* FTS5's leaves in one page with 40 bytes reserved
				    * (its default, 4050, overflows a 4056-byte page) */
				   "INSERT INTO search(search, rank) VALUES ('pgsz', 4000);",
			       NULL, NULL, NULL), "schema");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO doc(id, sha, body) VALUES (?, ?, ?)", -1, &s, NULL), "prep");
	check(db, sqlite3_prepare_v2(db, "INSERT INTO search(rowid, body) VALUES (?, ?)", -1, &fs, NULL), "prep");
	dft_buf_init(&text, 0);
	for (id = 1; id <= docs; id++) {
		char sha[DFT_SHA256_HEX];
		if (id % 500 == 1)
			check(db, sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), "begin");
		make_text(&text, id);
		dft_sha256_hex(sha, text.ptr, text.len);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, sha, -1, SQLITE_STATIC);
		sqlite3_bind_text(s, 3, text.ptr, (int)text.len, SQLITE_STATIC);
		check(db, sqlite3_step(s), "insert");
		sqlite3_reset(s);
		sqlite3_bind_int64(fs, 1, id);
		sqlite3_bind_text(fs, 2, text.ptr, (int)text.len, SQLITE_STATIC);
		check(db, sqlite3_step(fs), "index");
		sqlite3_reset(fs);
		if (id % 500 == 0 || id == docs)
			check(db, sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), "commit");
	}
	dft_buf_dispose(&text);
	sqlite3_finalize(s);
	sqlite3_finalize(fs);
	check(db, sqlite3_close(db), "close"); /* the last checkpoint is part of it */
	return cpu_now() - t0;
}

static double query_docs(const char *path, int crypt, int docs, int64_t *hits)
{
	sqlite3 *db;
	sqlite3_stmt *q, *g, *all;
	double t0 = cpu_now();
	int i;
	rng = 1234567;
	*hits = 0;
	db = open_db(path, crypt);
	check(db, sqlite3_prepare_v2(db, "SELECT rowid FROM search WHERE search MATCH ? ORDER BY rank LIMIT 20", -1, &q,
				     NULL), "prep");
	check(db, sqlite3_prepare_v2(db, "SELECT length(body) FROM doc WHERE id = ?", -1, &g, NULL), "prep");
	check(db, sqlite3_prepare_v2(db, "SELECT sum(length(body)) FROM doc", -1, &all, NULL), "prep");
	for (i = 0; i < 200; i++) {
		char expr[256];
		snprintf(expr, sizeof(expr), "\"%s\" AND \"%s\"", words[next_rand() % NWORDS], words[next_rand() % NWORDS]);
		sqlite3_bind_text(q, 1, expr, -1, SQLITE_TRANSIENT);
		while (sqlite3_step(q) == SQLITE_ROW)
			(*hits)++;
		check(db, sqlite3_reset(q), "match");
	}
	for (i = 0; i < 20000; i++) {
		sqlite3_bind_int64(g, 1, (int64_t)(next_rand() % (uint64_t)docs) + 1);
		if (sqlite3_step(g) == SQLITE_ROW)
			(*hits)++;
		check(db, sqlite3_reset(g), "get");
	}
	if (sqlite3_step(all) == SQLITE_ROW)
		*hits += sqlite3_column_int64(all, 0) > 0;
	sqlite3_finalize(q);
	sqlite3_finalize(g);
	sqlite3_finalize(all);
	check(db, sqlite3_close(db), "close");
	return cpu_now() - t0;
}

/* The page-bound worst case: a fresh connection reads every page of the
 * table and of its index once (one decryption each), and little else. */
static double scan_docs(const char *path, int crypt, int64_t *hits)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	double t0 = cpu_now();
	db = open_db(path, crypt);
	check(db, sqlite3_prepare_v2(db, "SELECT (SELECT sum(length(body)) FROM doc), "
					 "(SELECT count(*) FROM doc WHERE sha > ''), (SELECT count(*) FROM search_data)",
				     -1, &s, NULL), "prep");
	if (sqlite3_step(s) == SQLITE_ROW)
		*hits += sqlite3_column_int64(s, 0) + sqlite3_column_int64(s, 1) + sqlite3_column_int64(s, 2);
	sqlite3_finalize(s);
	check(db, sqlite3_close(db), "close");
	return cpu_now() - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	dft_sort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void remove_db(const char *path)
{
	char p[4200];
	const char *suffix[] = {"", "-wal", "-shm", "-journal"};
	for (int i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", path, suffix[i]);
		unlink(p);
	}
}

int main(int argc, char **argv)
{
	unsigned char key[DFT_CRYPTVFS_KEYBYTES];
	double ins[2][MAX_RUNS], qry[2][MAX_RUNS], scan[2][MAX_RUNS];
	int64_t hits[2] = {0, 0}, size[2] = {0, 0};
	char path[4096];
	int docs, runs, r, crypt;

	if (argc < 2) {
		fprintf(stderr, "usage: bench_crypt DIR [DOCS] [RUNS]\n");
		return 2;
	}
	docs = argc > 2 ? (int)strtol(argv[2], NULL, 10) : 10000;
	runs = argc > 3 ? (int)strtol(argv[3], NULL, 10) : 5;
	if (docs < 1 || runs < 1 || runs > MAX_RUNS) {
		fprintf(stderr, "bench_crypt: DOCS >= 1, 1 <= RUNS <= %d\n", MAX_RUNS);
		return 2;
	}
	if (getenv("BENCH_CACHE_KIB"))
		cache_kib = (int)strtol(getenv("BENCH_CACHE_KIB"), NULL, 10);
	if (cache_kib < 1000) {
		fprintf(stderr, "bench_crypt: BENCH_CACHE_KIB of at least 1000\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	randombytes_buf(key, sizeof(key));
	if (dft_cryptvfs_register(VFS, key) < 0) {
		fprintf(stderr, "bench_crypt: %s\n", dft_error_msg());
		return 1;
	}
	for (r = 0; r < runs; r++)
		for (crypt = 0; crypt < 2; crypt++) {
			/* the first kind alternates too, so neither is always first */
			int kind = (r % 2) ? 1 - crypt : crypt;
			FILE *f;
			snprintf(path, sizeof(path), "%s/%s.db", argv[1], kind ? "crypt" : "clear");
			remove_db(path);
			ins[kind][r] = insert_docs(path, kind, docs);
			qry[kind][r] = query_docs(path, kind, docs, &hits[kind]);
			scan[kind][r] = scan_docs(path, kind, &hits[kind]);
			if ((f = fopen(path, "rb"))) {
				fseek(f, 0, SEEK_END);
				size[kind] = ftell(f);
				fclose(f);
			}
			remove_db(path);
		}
	if (hits[0] != hits[1]) {
		fprintf(stderr, "bench_crypt: the two databases answered differently (%lld and %lld rows)\n",
			(long long)hits[0], (long long)hits[1]);
		return 1;
	}
	{
		double ic = median(ins[0], runs), ie = median(ins[1], runs);
		double qc = median(qry[0], runs), qe = median(qry[1], runs);
		printf("| %d documents, %d MiB page cache, CPU seconds, median of %d runs | in the clear | encrypted (cryptvfs) | encrypted / clear |\n",
		       docs, cache_kib / 1024, runs);
		printf("|---|---:|---:|---:|\n");
		printf("| insert (table + FTS5, 500 a transaction, close) | %.2f s | %.2f s | %.3f |\n", ic, ie, ie / ic);
		printf("| query (fresh connection: 200 MATCH, 20,000 by id, one scan) | %.2f s | %.2f s | %.3f |\n", qc,
		       qe, qe / qc);
		printf("| insert + query | %.2f s | %.2f s | %.3f |\n", ic + qc, ie + qe, (ie + qe) / (ic + qc));
		{
			double sc = median(scan[0], runs), se = median(scan[1], runs);
			printf("| scan (fresh connection: every page of the texts, the index and FTS5 once) | %.3f s | %.3f s | "
			       "%.3f |\n", sc, se, se / sc);
		}
		printf("| database size | %.1f MB | %.1f MB | %.3f |\n", size[0] / 1e6, size[1] / 1e6,
		       (double)size[1] / (double)size[0]);
	}
	dft_cryptvfs_unregister(VFS);
	return 0;
}
