/*
 * naive_xref.c - the baseline for `daftar xref` (bench/entities/run.sh):
 * the same cross-script matching done the obvious way, every listed name
 * against every document.
 *
 *   naive_xref CASE LIST.csv [MAX_NAMES]
 *
 * Each text is read once into a stream of word keys (" k1 k2 k3 ", the
 * same keys daftar xref uses: dft_name_word_key), each listed name into its
 * key sequence; then for each name, for each document, memmem. Prints the
 * names tried, the (name, document) pairs found and the seconds of the
 * names x documents loop, as one JSON line. MAX_NAMES limits the rows read
 * (the loop is linear in them: the script extrapolates, and says so).
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct stream_ctx {
	const char *text;
	dft_buf *out;
	dft_buf norm, key;
} stream_ctx;

static int on_token(void *ctx, const dft_token *t)
{
	stream_ctx *c = ctx;
	int role;
	if (t->kind != DFT_TOK_SURFACE)
		return 0;
	role = dft_name_word_key(DFT_ENT_PERSON, c->text + t->start, t->end - t->start, 1, &c->norm, &c->key, NULL);
	if (role < 0 || role == DFT_NAME_SKIP)
		return 0;
	dft_buf_add(c->out, c->key.ptr, c->key.len);
	return dft_buf_addc(c->out, ' ');
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	dft_watchlist w;
	dft_analyzer *an;
	char path[4096];
	char **docs = NULL;
	size_t *lens = NULL, ndocs = 0, cap = 0, max_names = (size_t)-1, names = 0;
	long long found = 0;
	double t0, t1;
	if (argc < 3) {
		fprintf(stderr, "usage: naive_xref CASE LIST.csv [MAX_NAMES]\n");
		return 2;
	}
	if (argc > 3)
		max_names = strtoul(argv[3], NULL, 10);
	if (dft_watchlist_load(&w, argv[2]) < 0) {
		fprintf(stderr, "naive_xref: %s\n", dft_error_msg());
		return 1;
	}
	snprintf(path, sizeof path, "%s/store.db", argv[1]);
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT text FROM texts ORDER BY doc_id", -1, &s, NULL) != SQLITE_OK) {
		fprintf(stderr, "naive_xref: %s: %s\n", path, sqlite3_errmsg(db));
		return 1;
	}
	dft_analyzer_new(&an, NULL, 0);
	t0 = dft_now();
	while (sqlite3_step(s) == SQLITE_ROW) {
		dft_buf out;
		stream_ctx c;
		const char *text = (const char *)sqlite3_column_text(s, 0);
		dft_buf_init(&out, (size_t)1 << 30);
		dft_buf_init(&c.norm, 4096);
		dft_buf_init(&c.key, 4096);
		c.text = text ? text : "";
		c.out = &out;
		dft_buf_addc(&out, ' ');
		dft_analyze(an, c.text, strlen(c.text), on_token, &c);
		if (ndocs == cap) {
			cap = cap ? cap * 2 : 1024;
			docs = realloc(docs, cap * sizeof(*docs));
			lens = realloc(lens, cap * sizeof(*lens));
		}
		lens[ndocs] = out.len;
		docs[ndocs++] = dft_buf_detach(&out);
		dft_buf_dispose(&c.norm);
		dft_buf_dispose(&c.key);
	}
	t1 = dft_now();
	fprintf(stderr, "naive_xref: %zu texts keyed in %.2f s\n", ndocs, t1 - t0);
	t0 = dft_now();
	for (size_t e = 0; e < w.n && e < max_names; e++)
		for (size_t m = 0; m < w.e[e].nnames; m++) {
			dft_name n;
			dft_buf seq;
			const char *nm = w.e[e].names[m];
			if (dft_name_parse(w.e[e].type, nm, strlen(nm), &n) < 0 || n.n == 0)
				continue;
			names++;
			dft_buf_init(&seq, 4096);
			dft_buf_addc(&seq, ' ');
			dft_name_key_string(&n, &seq);
			dft_buf_addc(&seq, ' ');
			for (size_t d = 0; d < ndocs; d++)
				if (memmem(docs[d], lens[d], seq.ptr, seq.len))
					found++;
			dft_buf_dispose(&seq);
		}
	t1 = dft_now();
	printf("{\"names\": %zu, \"documents\": %zu, \"pairs_found\": %lld, \"seconds\": %.3f}\n", names, ndocs, found,
	       t1 - t0);
	for (size_t d = 0; d < ndocs; d++)
		free(docs[d]);
	free(docs);
	free(lens);
	sqlite3_finalize(s);
	sqlite3_close(db);
	dft_analyzer_free(an);
	dft_watchlist_dispose(&w);
	return 0;
}
