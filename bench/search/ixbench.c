/*
 * ixbench.c - daftar's own index (include/daftar/ix.h) alone, in one
 * long-lived process like xapian-bench.cc and LuceneBench.java:
 *
 *   ixbench index DB CORPUS                 every file of CORPUS/<folder>/ as a document
 *   ixbench query DB CORPUS QUERIES OUT     the queries of make-queries.py, twice
 *   ixbench map CORPUS cran|cisi SHARED     MAP@100 of the collection's queries (OR of words),
 *                                           the collection indexed alone in memory
 *   ixbench gen DB CORPUS N                 N documents of the corpus's lines drawn at random
 *
 * index: documents numbered 1.. in sorted path order, the path as the path
 * field and the text as the body, analysed by daftar's analyzer (stemmer
 * chosen per word by its script), a segment written every 2,000 documents
 * in its own transaction, merged as ix.c merges; prints build time and
 * the sizes of postings, positions and terms.
 * query: OUT gets one line a query, as xapian-bench's: kind, top-10 ms
 * (total a lower bound), exact ms (top 10 and every match counted), 0
 * (no snippets here), exact total. The second pass of two is kept.
 *
 * Built by bench/search/run-ix.sh against the library of a daftar build.
 */
#define _GNU_SOURCE
#include "daftar/index.h"
#include "daftar/ix.h"
#include "daftar/text.h"

#include <dirent.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* CORPUS/<folder>/<file>, sorted: paths[i] is document i + 1 */
static char **list_corpus(const char *dir, size_t *n)
{
	char **v = NULL;
	size_t cap = 0;
	DIR *d = opendir(dir);
	struct dirent *e;
	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char sub[4096];
		DIR *s;
		struct dirent *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
		if (!(s = opendir(sub)))
			continue;
		while ((f = readdir(s))) {
			char *p;
			if (f->d_name[0] == '.')
				continue;
			if (*n == cap) {
				cap = cap ? cap * 2 : 1024;
				v = realloc(v, cap * sizeof *v);
			}
			p = malloc(strlen(e->d_name) + strlen(f->d_name) + 2);
			sprintf(p, "%s/%s", e->d_name, f->d_name);
			v[(*n)++] = p;
		}
		closedir(s);
	}
	closedir(d);
	qsort(v, *n, sizeof *v, cmp_str);
	return v;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = 0;
	fclose(f);
	return b;
}

static int do_index(const char *dbpath, const char *corpus)
{
	sqlite3 *db;
	dft_ix_writer *w;
	dft_analyzer *an;
	size_t n;
	char **paths = list_corpus(corpus, &n);
	double t0 = now_ms();
	int64_t post, pos, terms;
	if (!paths || sqlite3_open(dbpath, &db) != SQLITE_OK)
		return 1;
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if (dft_ix_schema(db) < 0 || dft_ix_writer_new(&w) < 0 || dft_analyzer_new(&an, NULL, DFT_AN_INDEX) < 0)
		return 1;
	for (size_t i = 0; i < n; i++) {
		char full[8192];
		size_t len;
		char *text;
		snprintf(full, sizeof full, "%s/%s", corpus, paths[i]);
		if (!(text = read_file(full, &len)))
			continue;
		if (dft_ix_add(w, (uint32_t)(i + 1), DFT_IX_BODY, an, text, len) < 0 ||
		    dft_ix_add(w, (uint32_t)(i + 1), DFT_IX_PATH, an, paths[i], strlen(paths[i])) < 0) {
			fprintf(stderr, "ixbench: %s: %s\n", paths[i], dft_error_msg());
			return 1;
		}
		free(text);
		if ((i + 1) % 2000 == 0 || i + 1 == n) {
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
			if (dft_ix_flush(w, db) < 0) {
				fprintf(stderr, "ixbench: flush: %s\n", dft_error_msg());
				return 1;
			}
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		}
	}
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	dft_ix_optimize(db);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	sqlite3_exec(db, "VACUUM", NULL, NULL, NULL);
	dft_ix_size(db, &post, &pos, &terms);
	fprintf(stderr, "ixbench: indexed %zu documents in %.1f s; postings %.1f MB, positions %.1f MB, terms %.1f MB\n", n,
		(now_ms() - t0) / 1000, post / 1e6, pos / 1e6, terms / 1e6);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	sqlite3_close(db);
	return 0;
}

/* N generated documents: lines of the corpus drawn at random (seeded),
 * 1 to 40 a document, so vocabulary and frequencies are the corpus's;
 * documents numbered 1..N, path gen/N. For how query times grow. */
static int do_gen(const char *dbpath, const char *corpus, long ndocs)
{
	sqlite3 *db;
	dft_ix_writer *w;
	dft_analyzer *an;
	size_t n, nlines = 0, cap = 0;
	char **paths = list_corpus(corpus, &n), **lines = NULL;
	uint64_t rng = 88172645463325252ull;
	double t0 = now_ms();
	int64_t post, pos, terms;
	dft_buf doc;
	if (!paths || sqlite3_open(dbpath, &db) != SQLITE_OK)
		return 1;
	for (size_t i = 0; i < n; i++) {
		char full[8192], *text, *p;
		size_t len;
		snprintf(full, sizeof full, "%s/%s", corpus, paths[i]);
		if (!(text = read_file(full, &len)))
			continue;
		for (p = text; *p;) {
			char *nl = strchr(p, '\n');
			if (nl)
				*nl = 0;
			if (strlen(p) > 20) {
				if (nlines == cap) {
					cap = cap ? cap * 2 : 65536;
					lines = realloc(lines, cap * sizeof *lines);
				}
				lines[nlines++] = p;
			}
			if (!nl)
				break;
			p = nl + 1;
		}
	}
	sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
	if (!nlines || dft_ix_schema(db) < 0 || dft_ix_writer_new(&w) < 0 || dft_analyzer_new(&an, NULL, DFT_AN_INDEX) < 0)
		return 1;
	dft_buf_init(&doc, 1 << 24);
	for (long d = 1; d <= ndocs; d++) {
		char path[64];
		int k;
		rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
		k = 1 + (int)(rng % 40);
		dft_buf_reset(&doc);
		for (int j = 0; j < k; j++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			dft_buf_adds(&doc, lines[rng % nlines]);
			dft_buf_addc(&doc, '\n');
		}
		snprintf(path, sizeof path, "gen/%ld.txt", d);
		if (dft_ix_add(w, (uint32_t)d, DFT_IX_BODY, an, doc.ptr, doc.len) < 0 ||
		    dft_ix_add(w, (uint32_t)d, DFT_IX_PATH, an, path, strlen(path)) < 0)
			return 1;
		if (d % 2000 == 0 || d == ndocs) {
			sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
			if (dft_ix_flush(w, db) < 0) {
				fprintf(stderr, "ixbench: flush: %s\n", dft_error_msg());
				return 1;
			}
			sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		}
	}
	dft_ix_size(db, &post, &pos, &terms);
	fprintf(stderr, "ixbench: generated and indexed %ld documents in %.1f s; postings %.1f MB, positions %.1f MB, terms %.1f MB\n",
		ndocs, (now_ms() - t0) / 1000, post / 1e6, pos / 1e6, terms / 1e6);
	dft_buf_dispose(&doc);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	sqlite3_close(db);
	return 0;
}

struct query {
	char kind[16];
	char *text;
};

/* documents whose path contains v, case-insensitively, as daftar's path:
 * (search.c). With IXBENCH_FILTER_CACHE=1 a value's bitmap is kept, as
 * daftar's connection keeps its 16 most recent filters; else every query
 * scans the paths, as a filter's first use does. The caller frees it
 * unless it is cached (*cached). */
static uint8_t *path_bitmap(char **paths, size_t n, const char *v, int *cached)
{
	static char *keys[16];
	static uint8_t *bits[16];
	static int next;
	int use_cache = getenv("IXBENCH_FILTER_CACHE") != NULL;
	uint8_t *b;
	*cached = use_cache;
	for (int i = 0; use_cache && i < 16; i++)
		if (keys[i] && !strcmp(keys[i], v))
			return bits[i];
	b = calloc(n / 8 + 2, 1);
	for (size_t i = 0; i < n; i++)
		if (strcasestr(paths[i], v))
			b[(i + 1) >> 3] |= (uint8_t)(1 << ((i + 1) & 7));
	if (use_cache) {
		free(keys[next]);
		free(bits[next]);
		keys[next] = strdup(v);
		bits[next] = b;
		next = (next + 1) % 16;
	}
	return b;
}

static int do_query(const char *dbpath, const char *corpus, const char *qfile, const char *out)
{
	sqlite3 *db;
	dft_ix *ix;
	size_t n, nq = 0, cap = 0;
	char **paths = list_corpus(corpus, &n);
	struct query *qs = NULL;
	char line[65536];
	FILE *f = fopen(qfile, "r"), *o;
	double *t[2];
	long *total;
	if (!f || sqlite3_open(dbpath, &db) != SQLITE_OK || dft_ix_open(&ix, db) < 0)
		return 1;
	while (fgets(line, sizeof line, f)) {
		char *tab = strchr(line, '\t'), *tab2;
		if (!tab)
			continue;
		*tab = 0;
		tab2 = strchr(tab + 1, '\t');
		if (tab2)
			*tab2 = 0;
		if (nq == cap) {
			cap = cap ? cap * 2 : 256;
			qs = realloc(qs, cap * sizeof *qs);
		}
		snprintf(qs[nq].kind, sizeof qs[nq].kind, "%s", line);
		qs[nq].text = strdup(tab + 1);
		nq++;
	}
	fclose(f);
	t[0] = calloc(nq, sizeof(double));
	t[1] = calloc(nq, sizeof(double));
	total = calloc(nq, sizeof(long));
	for (int pass = 0; pass < 2; pass++)
		for (int mode = 0; mode < 2; mode++)
			for (size_t i = 0; i < nq; i++) {
				dft_query q;
				dft_ix_result r;
				uint8_t *allowed = NULL;
				int cached = 0;
				double t0 = now_ms();
				if (dft_query_compile(&q, qs[i].text, NULL, NULL) < 0) {
					fprintf(stderr, "?%s: %s\n", qs[i].text, dft_error_msg());
					continue;
				}
				for (size_t k = 0; k < q.nfilters; k++)
					if (!strcmp(q.filters[k].field, "path"))
						allowed = path_bitmap(paths, n, q.filters[k].value, &cached);
				if (dft_ix_search(ix, dft_buf_cstr(&q.match), 10, allowed, allowed ? n + 1 : 0, mode, &r) < 0)
					fprintf(stderr, "!%s: %s\n", dft_buf_cstr(&q.match), dft_error_msg());
				t[mode][i] = now_ms() - t0;
				if (mode == 1)
					total[i] = (long)r.total;
				dft_ix_result_dispose(&r);
				if (!cached)
					free(allowed);
				dft_query_dispose(&q);
			}
	if (!(o = fopen(out, "w")))
		return 1;
	for (size_t i = 0; i < nq; i++)
		fprintf(o, "%s\t%.4f\t%.4f\t0\t%ld\n", qs[i].kind, t[0][i], t[1][i], total[i]);
	fclose(o);
	dft_ix_close(ix);
	sqlite3_close(db);
	return 0;
}

/* ---- MAP@100 on Cranfield / CISI ---------------------------------------- */

/* the queries (.I n, .W text) of a Cranfield-style file: texts[n] */
static char **read_coll_queries(const char *path, int *nq)
{
	size_t len;
	char *s = read_file(path, &len), *p, **q = calloc(1024, sizeof *q);
	int cur = -1, inw = 0, count = 0;
	dft_buf b;
	dft_buf_init(&b, 1 << 20);
	if (!s)
		return NULL;
	for (p = strtok(s, "\r\n"); p; p = strtok(NULL, "\r\n")) {
		if (!strncmp(p, ".I", 2)) {
			if (cur >= 0 && cur < 1024)
				q[cur] = strdup(dft_buf_cstr(&b));
			dft_buf_reset(&b);
			cur = ++count; /* queries are numbered in order (Cranfield's .I are not) */
			inw = 0;
		} else if (p[0] == '.' && p[1] && p[2] == 0) {
			inw = p[1] == 'W';
		} else if (inw) {
			dft_buf_adds(&b, p);
			dft_buf_addc(&b, ' ');
		}
	}
	if (cur >= 0 && cur < 1024)
		q[cur] = strdup(dft_buf_cstr(&b));
	*nq = count;
	dft_buf_dispose(&b);
	free(s);
	return q;
}

/* The same collection in FTS5: "porter unicode61" (the baseline),
 * or daftar's tokenizer with daftar's compiled query (today's ranking) */
static sqlite3 *fts_collection(char **paths, size_t n, const char *corpus, const char *prefix, const char *tokenize)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	char sql[256];
	sqlite3_open(":memory:", &db);
	dft_index_register(db);
	snprintf(sql, sizeof sql, "CREATE VIRTUAL TABLE f USING fts5(body, tokenize='%s')", tokenize);
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	sqlite3_prepare_v2(db, "INSERT INTO f(rowid, body) VALUES(?, ?)", -1, &s, NULL);
	for (size_t i = 0; i < n; i++) {
		char full[8192];
		size_t len;
		char *text;
		if (strncmp(paths[i], prefix, strlen(prefix)))
			continue;
		snprintf(full, sizeof full, "%s/%s", corpus, paths[i]);
		if (!(text = read_file(full, &len)))
			continue;
		sqlite3_bind_int64(s, 1, (sqlite3_int64)(i + 1));
		sqlite3_bind_text(s, 2, text, (int)len, SQLITE_TRANSIENT);
		sqlite3_step(s);
		sqlite3_reset(s);
		free(text);
	}
	sqlite3_finalize(s);
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	return db;
}

static size_t fts_top(sqlite3 *db, const char *match, uint32_t *out)
{
	sqlite3_stmt *s;
	size_t n = 0;
	if (sqlite3_prepare_v2(db, "SELECT rowid FROM f WHERE f MATCH ?1 ORDER BY bm25(f) LIMIT 100", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, match, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW && n < 100)
		out[n++] = (uint32_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static int do_map(const char *corpus, const char *coll, const char *shared, const char *params)
{
	sqlite3 *db;
	dft_ix *ix;
	size_t n;
	char **paths = list_corpus(corpus, &n);
	char qpath[4096], rpath[4096], prefix[64];
	int nq;
	char **qs;
	static unsigned char rel[1024][2048];
	int nrel[1024] = {0};
	double sum = 0, sum_porter = 0, sum_fts = 0;
	int counted = 0;
	sqlite3 *porter, *today;
	FILE *f;
	int a, b;
	double c, d;
	if (!strcmp(coll, "cran")) {
		snprintf(qpath, sizeof qpath, "%s/corpora/cranfield/cran.qry", shared);
		snprintf(rpath, sizeof rpath, "%s/corpora/cranfield/cranqrel", shared);
	} else {
		snprintf(qpath, sizeof qpath, "%s/corpora/cisi/CISI.QRY", shared);
		snprintf(rpath, sizeof rpath, "%s/corpora/cisi/CISI.REL", shared);
	}
	snprintf(prefix, sizeof prefix, "%s/", coll);
	if (!paths || !(qs = read_coll_queries(qpath, &nq)) || !(f = fopen(rpath, "r")))
		return 1;
	char rline[256];
	while (fgets(rline, sizeof rline, f) && sscanf(rline, "%d %d %lf %lf", &a, &b, &c, &d) >= 3) {
		/* cranqrel: q doc relevance (-1 or 1..4: 1..4 relevant); CISI.REL: q doc 0 0.0 */
		if (a > 0 && a < 1024 && b > 0 && b < 2048 && !rel[a][b]) {
			if (!strcmp(coll, "cran") && !(c >= 1 && c <= 4))
				continue;
			rel[a][b] = 1;
			nrel[a]++;
		}
	}
	fclose(f);
	/* like the baselines, an index of the collection alone (idf from it) */
	{
		dft_ix_writer *w;
		dft_analyzer *an;
		sqlite3_open(":memory:", &db);
		dft_ix_schema(db);
		dft_ix_writer_new(&w);
		dft_analyzer_new(&an, NULL, DFT_AN_INDEX);
		for (size_t i = 0; i < n; i++) {
			char full[8192];
			size_t len;
			char *text;
			if (strncmp(paths[i], prefix, strlen(prefix)))
				continue;
			snprintf(full, sizeof full, "%s/%s", corpus, paths[i]);
			if (!(text = read_file(full, &len)))
				continue;
			dft_ix_add(w, (uint32_t)(i + 1), DFT_IX_BODY, an, text, len);
			free(text);
		}
		sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
		dft_ix_flush(w, db);
		sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
		dft_ix_writer_free(w);
		dft_analyzer_free(an);
	}
	if (dft_ix_open(&ix, db) < 0)
		return 1;
	if (params) {
		dft_ix_params p;
		p.synonyms = 0;
		p.w_exact = 0.1;
		if (sscanf(params, "%lf,%lf,%lf,%lf,%d,%lf", &p.k1, &p.b, &p.w_title, &p.w_path, &p.synonyms, &p.w_exact) >= 4)
			dft_ix_set_params(ix, &p);
	}
	porter = fts_collection(paths, n, corpus, prefix, "porter unicode61");
	today = fts_collection(paths, n, corpus, prefix, "daftar");
	/* IXBENCH_RUNS=DIR: each engine's top 100 for bench/search/map.py */
	FILE *runs[3] = {NULL, NULL, NULL};
	if (getenv("IXBENCH_RUNS")) {
		const char *names[3] = {"ix", "porter", "fts5-daftar"};
		for (int e = 0; e < 3; e++) {
			char rp[4096];
			snprintf(rp, sizeof rp, "%s/%s-%s.tsv", getenv("IXBENCH_RUNS"), names[e], coll);
			runs[e] = fopen(rp, "w");
		}
	}
	/* the collection's documents: a bitmap of the paths under coll/ */
	uint8_t *allowed = calloc(n / 8 + 2, 1);
	for (size_t i = 0; i < n; i++)
		if (!strncmp(paths[i], prefix, strlen(prefix)))
			allowed[(i + 1) >> 3] |= (uint8_t)(1 << ((i + 1) & 7));
	for (int i = 1; i <= nq && i < 1024; i++) {
		dft_buf or;
		const char *s = qs[i];
		dft_query q;
		dft_ix_result r;
		double ap = 0;
		int hits = 0;
		if (!s || !nrel[i])
			continue;
		/* the OR of the query's words, as the baseline */
		dft_buf_init(&or, 1 << 20);
		for (const char *p = s; *p;) {
			while (*p && !((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
				p++;
			const char *st = p;
			while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
				p++;
			if (p > st) {
				if (or.len)
					dft_buf_adds(&or, " OR ");
				for (const char *c = st; c < p; c++) /* lower case: never the operators AND OR NOT */
					dft_buf_addc(&or, (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c));
			}
		}
		if (dft_query_compile(&q, dft_buf_cstr(&or), NULL, NULL) < 0 ||
		    dft_ix_search(ix, dft_buf_cstr(&q.match), 100, allowed, n + 1, 0, &r) < 0) {
			fprintf(stderr, "query %d: %s\n", i, dft_error_msg());
			dft_buf_dispose(&or);
			continue;
		}
		{
			uint32_t ids[3][100];
			size_t nids[3];
			double *sums[3] = {&sum, &sum_porter, &sum_fts};
			nids[0] = r.nhits;
			for (size_t h = 0; h < r.nhits; h++)
				ids[0][h] = r.hits[h].doc;
			nids[1] = fts_top(porter, dft_buf_cstr(&or), ids[1]);
			nids[2] = fts_top(today, dft_buf_cstr(&q.match), ids[2]);
			for (int e = 0; e < 3; e++) {
				if (runs[e])
					for (size_t h = 0; h < nids[e]; h++)
						fprintf(runs[e], "%d\t%ld\n", i, strtol(paths[ids[e][h] - 1] + strlen(prefix), NULL, 10));
				ap = 0;
				hits = 0;
				for (size_t h = 0; h < nids[e]; h++) {
					/* coll/NNNN.txt: the collection's own document number */
					const char *pp = paths[ids[e][h] - 1] + strlen(prefix);
					int docno = (int)strtol(pp, NULL, 10);
					if (docno > 0 && docno < 2048 && rel[i][docno]) {
						hits++;
						ap += (double)hits / (double)(h + 1);
					}
				}
				*sums[e] += ap / (nrel[i] < 100 ? nrel[i] : 100);
				if (getenv("IXBENCH_DEBUG"))
					fprintf(stderr, "q%d e%d ap %.3f%s", i, e, ap / (nrel[i] < 100 ? nrel[i] : 100), e == 2 ? "\n" : "  ");
			}
		}
		counted++;
		dft_ix_result_dispose(&r);
		dft_query_dispose(&q);
		dft_buf_dispose(&or);
	}
	printf("%s\tqueries %d\tMAP@100 ix %.4f\tFTS5 porter %.4f\tFTS5 daftar %.4f\n", coll, counted,
	       counted ? sum / counted : 0, counted ? sum_porter / counted : 0, counted ? sum_fts / counted : 0);
	for (int e = 0; e < 3; e++)
		if (runs[e])
			fclose(runs[e]);
	sqlite3_close(porter);
	sqlite3_close(today);
	dft_ix_close(ix);
	sqlite3_close(db);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "index"))
		return do_index(argv[2], argv[3]);
	if (argc == 5 && !strcmp(argv[1], "gen"))
		return do_gen(argv[2], argv[3], strtol(argv[4], NULL, 10));
	if (argc == 6 && !strcmp(argv[1], "query"))
		return do_query(argv[2], argv[3], argv[4], argv[5]);
	if ((argc == 5 || argc == 6) && !strcmp(argv[1], "map"))
		return do_map(argv[2], argv[3], argv[4], argc == 6 ? argv[5] : NULL);
	fprintf(stderr, "usage: ixbench index DB CORPUS | gen DB CORPUS N | query DB CORPUS QUERIES OUT | "
			"map CORPUS cran|cisi SHARED [k1,b,wt,wp[,synonyms[,w_exact]]]\n");
	return 2;
}
