/*
 * phases.c - daftar's search as the workbench runs it: one long-lived
 * connection to the case (dft_store_open), each query of the benchmark
 * compiled by dft_query_compile and run by dft_store_search as `daftar
 * search --limit 10` runs it (the exact total, the top 10 by BM25 from the
 * index, snippets and pages, path and title; filters as bitmaps, through
 * the connection's cache of recent filters), over the list twice, the
 * second (warm) pass kept. The CLI pays the same plus a process start and
 * an open case each time (run-daftar.py), the workbench does not.
 *
 * Prints one line a query: kind, ms (measured here: compile + search),
 * daftar's took_ms, total, then the error if the query failed.
 *
 *   phases CASE QUERIES.tsv > OUT.tsv
 *
 * Built at bench time against the library of a daftar build (run.sh).
 */
#define _POSIX_C_SOURCE 200809L
#include "daftar/index.h"
#include "daftar/store.h"

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

static int on_hit(void *ctx, const dft_hit *h)
{
	(void)ctx;
	(void)h;
	return 0;
}

int main(int argc, char **argv)
{
	char line[8192];
	dft_store *st = NULL;
	FILE *f;
	size_t n = 0, cap = 0;
	char **kind = NULL, **text = NULL, **err;
	double *ms, *took;
	int64_t *total;
	if (argc != 3) {
		fprintf(stderr, "usage: phases CASE QUERIES.tsv\n");
		return 2;
	}
	if (dft_store_open(&st, argv[1], 0) < 0) {
		fprintf(stderr, "phases: cannot open %s: %s\n", argv[1], dft_error_msg());
		return 1;
	}
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
	ms = calloc(n + 1, sizeof *ms);
	took = calloc(n + 1, sizeof *took);
	total = calloc(n + 1, sizeof *total);
	err = calloc(n + 1, sizeof *err);
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			dft_query q;
			dft_search_opts o = {.limit = 10};
			dft_search_result r;
			double t0 = now_ms();
			int rc = dft_query_compile(&q, text[i], dft_store_fuzzy, st);
			memset(&r, 0, sizeof r);
			if (rc == 0)
				rc = dft_store_search(st, &q, &o, on_hit, NULL, NULL, &r);
			ms[i] = now_ms() - t0;
			took[i] = r.took_ms;
			total[i] = rc < 0 ? -1 : r.total;
			free(err[i]);
			err[i] = rc < 0 ? strdup(dft_error_msg()) : NULL;
			dft_query_dispose(&q);
		}
	}
	for (size_t i = 0; i < n; i++)
		printf("%s\t%.4f\t%.4f\t%lld\t%s\n", kind[i], ms[i], took[i], (long long)total[i], err[i] ? err[i] : "");
	dft_store_free(st);
	return 0;
}
