/*
 * ix_segments.c - what a segment of the full-text index costs the ingest's
 * parent a document, by the number of documents in it (#21): every file of
 * a list is analysed as a worker analyses it (dft_ix_analyse, not timed),
 * its terms appended to the writer (dft_ix_add_terms, timed) and the
 * pending segment written and merged every N documents (dft_ix_flush,
 * timed), into an in-memory database. CPU time of this one process, so
 * the load of a shared machine moves it little.
 *
 *   cc -O2 -Iinclude bench/ingest/ix_segments.c build/libdaftar_lib.a \
 *      $(tr ' ' '\n' < build/CMakeFiles/daftar.dir/link.txt | grep -E '^-l|\.so|\.a$' | grep -v daftar_lib) \
 *      -o /tmp/ix_segments
 *   find CORPUS/small -type f | sort > /tmp/files; for n in 100 300 1000 3000; do /tmp/ix_segments /tmp/files $n; done
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "daftar/ix.h"
#include "daftar/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double cpu_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv)
{
	static char text[1 << 22];
	sqlite3 *db;
	dft_ix_writer *w;
	dft_analyzer *an;
	dft_buf terms;
	char line[4096];
	uint32_t doc = 0;
	double t_analyse = 0, t_add = 0, t_flush = 0, t;
	FILE *list;
	int every;
	if (argc != 3 || !(list = fopen(argv[1], "r")) || (every = atoi(argv[2])) < 1) {
		fprintf(stderr, "usage: ix_segments FILE-LIST DOCS-A-SEGMENT\n");
		return 2;
	}
	if (sqlite3_open(":memory:", &db) != SQLITE_OK || dft_ix_schema(db) < 0 || dft_ix_writer_new(&w) < 0 ||
	    dft_analyzer_new(&an, NULL, DFT_AN_INDEX) < 0)
		return 1;
	dft_buf_init(&terms, (size_t)1 << 30);
	sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
	while (fgets(line, sizeof(line), list)) {
		FILE *f;
		size_t n;
		line[strcspn(line, "\n")] = '\0';
		if (!(f = fopen(line, "rb")))
			continue;
		n = fread(text, 1, sizeof(text), f);
		fclose(f);
		dft_buf_reset(&terms);
		t = cpu_now();
		if (dft_ix_analyse(an, text, n, &terms) < 0)
			return 1;
		t_analyse += cpu_now() - t;
		t = cpu_now();
		if (dft_ix_add_terms(w, ++doc, DFT_IX_BODY, terms.ptr, terms.len) < 0)
			return 1;
		t_add += cpu_now() - t;
		if (doc % (uint32_t)every == 0) {
			t = cpu_now();
			if (dft_ix_flush(w, db) < 0)
				return 1;
			t_flush += cpu_now() - t;
		}
	}
	t = cpu_now();
	if (dft_ix_flush(w, db) < 0)
		return 1;
	t_flush += cpu_now() - t;
	sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	printf("%u documents, %d a segment: analyse %.2f s (the workers'), append %.2f s, write and merge %.2f s: "
	       "the parent %.3f ms a document\n",
	       doc, every, t_analyse, t_add, t_flush, (t_add + t_flush) * 1000 / doc);
	dft_buf_dispose(&terms);
	dft_analyzer_free(an);
	dft_ix_writer_free(w);
	sqlite3_close(db);
	fclose(list);
	return 0;
}
