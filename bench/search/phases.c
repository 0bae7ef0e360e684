/*
 * phases.c - where daftar's query time goes: each query of the benchmark
 * (its daftar column) compiled by dft_query_compile and run straight on the
 * case's store.db (read-only, daftar's tokenizer registered with
 * dft_index_register) in four ways, each over the list twice, the second
 * (warm) pass kept:
 *   count    SELECT count(*) FROM search WHERE search MATCH ?   (daftar's exact total)
 *   top10    SELECT rowid ... ORDER BY bm25(search, 10, 3, 1) LIMIT 10
 *   snip     top10 plus snippet(search, -1, '«', '»', '…', 24) and dft_page
 *   daftar   dft_store_search as `daftar search --limit 10` runs it (count +
 *            top 10 + snippets + path and title, filters as SQL): its took_ms
 *   snip10   snip written so that snippets are made for the 10 hits only:
 *            SQLite computes a SELECT's columns for every row it sorts, so
 *            'snip' (and daftar) make a snippet for every match, then keep 10;
 *            here the top 10 rowids come from a subquery first
 * Filters (path:) are applied only in the last (the first three time the
 * MATCH part). Prints one line a query: kind, count ms, top10 ms, snip ms,
 * daftar ms, snip10 ms.
 *
 *   phases CASE QUERIES.tsv > OUT.tsv
 *
 * Built at bench time against the library of a daftar build (run.sh).
 */
#define _POSIX_C_SOURCE 200809L
#include "daftar/index.h"
#include "daftar/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *SQL[5] = {
	"SELECT count(*) FROM search WHERE search MATCH ?1",
	"SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY bm25(search, 10.0, 3.0, 1.0) LIMIT 10",
	"SELECT rowid, snippet(search, -1, '«', '»', '…', 24), dft_page(search) FROM search WHERE search MATCH ?1 "
	"ORDER BY bm25(search, 10.0, 3.0, 1.0) LIMIT 10",
	NULL,
	"SELECT rowid, snippet(search, -1, '«', '»', '…', 24), dft_page(search) FROM search WHERE search MATCH ?1 "
	"AND rowid IN (SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY bm25(search, 10.0, 3.0, 1.0) LIMIT 10) "
	"ORDER BY bm25(search, 10.0, 3.0, 1.0)",
};

static int on_hit(void *ctx, const dft_hit *h)
{
	(void)ctx;
	(void)h;
	return 0;
}

int main(int argc, char **argv)
{
	char db_path[4096], line[8192];
	sqlite3 *db = NULL;
	dft_store *st = NULL;
	FILE *f;
	size_t n = 0, cap = 0;
	char **kind = NULL, **text = NULL;
	double *t[5];

	if (argc != 3) {
		fprintf(stderr, "usage: phases CASE QUERIES.tsv\n");
		return 2;
	}
	snprintf(db_path, sizeof db_path, "%s/store.db", argv[1]);
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK || dft_index_register(db) < 0 ||
	    dft_store_open(&st, argv[1], 0) < 0) {
		fprintf(stderr, "phases: cannot open %s\n", argv[1]);
		return 1;
	}
	sqlite3_exec(db, "PRAGMA cache_size = -65536", NULL, NULL, NULL);
	if (!(f = fopen(argv[2], "r")))
		return 1;
	while (fgets(line, sizeof line, f)) {
		char *a = strchr(line, '\t'), *b = a ? strchr(a + 1, '\t') : NULL;
		if (!b)
			continue;
		*a = *b = '\0';
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			kind = realloc(kind, cap * sizeof *kind);
			text = realloc(text, cap * sizeof *text);
		}
		kind[n] = strdup(line);
		text[n] = strdup(a + 1);
		n++;
	}
	fclose(f);
	for (int m = 0; m < 5; m++)
		t[m] = calloc(n, sizeof(double));
	for (int m = 0; m < 5; m++) {
		for (int pass = 0; pass < 2; pass++) {
			for (size_t i = 0; i < n; i++) {
				dft_query q;
				double t0 = now_ms();
				if (dft_query_compile(&q, text[i], NULL, NULL) < 0) {
					t[m][i] = -1;
					continue;
				}
				if (m == 3) {
					dft_search_opts o = {10, 0, 0, NULL, 0};
					dft_search_result r;
					dft_store_search(st, &q, &o, on_hit, NULL, NULL, &r);
				} else if (q.match.len) {
					sqlite3_stmt *s;
					if (sqlite3_prepare_v2(db, SQL[m], -1, &s, NULL) == SQLITE_OK) {
						sqlite3_bind_text(s, 1, q.match.ptr, (int)q.match.len, SQLITE_TRANSIENT);
						while (sqlite3_step(s) == SQLITE_ROW)
							;
						sqlite3_finalize(s);
					}
				}
				t[m][i] = now_ms() - t0;
				dft_query_dispose(&q);
			}
		}
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", kind[i], t[0][i], t[1][i], t[2][i], t[3][i], t[4][i]);
	dft_store_free(st);
	sqlite3_close(db);
	return 0;
}
