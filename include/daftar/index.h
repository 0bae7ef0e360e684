/*
 * index.h - the full-text index: daftar's FTS5 tokenizer (the analyzer of
 * text.h inside SQLite) and the query language (docs/QUERY.md) compiled to
 * an FTS5 MATCH expression plus SQL filters. The store runs the compiled
 * query (store.h: dft_store_search); nothing here touches a case.
 *
 * User text never reaches FTS5 unchecked: every word becomes a quoted,
 * normalised token in an expression this module writes.
 */
#ifndef DAFTAR_INDEX_H
#define DAFTAR_INDEX_H

#include "daftar/core.h"

struct sqlite3;

/* Register the "daftar" FTS5 tokenizer and the "dft_page" auxiliary
 * function on a database connection. */
int dft_index_register(struct sqlite3 *db);

/* A filter on documents that FTS5 does not handle (type:, lang:, ...). */
typedef struct dft_query_filter {
	char field[16]; /* type lang batch path from to subject date tag title */
	char *value;    /* as given (dates: "2016-01..2016-06" or "2016") */
	int negated;
} dft_query_filter;

typedef struct dft_query {
	dft_buf match; /* FTS5 MATCH expression; empty: filters only */
	dft_query_filter *filters;
	size_t nfilters;
	/* normalised words of the query, for highlighting and the test set */
	dft_buf words; /* "\n"-separated */
} dft_query;

/* Expands a fuzzy term (word~N): append an FTS5 OR-group of the indexed
 * terms within edit distance `dist` of `norm` (or the term itself). */
typedef int (*dft_fuzzy_fn)(void *ctx, const char *norm, int dist, dft_buf *out);

/* Parse and compile. Errors: DFT_EINVAL with a message that names the
 * position and what was expected ("at 14: a closing quote"). */
int dft_query_compile(dft_query *q, const char *text, dft_fuzzy_fn fuzzy, void *fuzzy_ctx);
void dft_query_dispose(dft_query *q);

/* Edit distance of two UTF-8 strings (by code point), stopping past max. */
int dft_edit_distance(const char *a, const char *b, int max);

#define DFT_QUERY_MAX_BYTES 65536
#define DFT_QUERY_MAX_TERMS 1024

#endif
