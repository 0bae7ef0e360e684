/*
 * ix.h - daftar's own inverted index, the search core of issue #20: the
 * analyzer's tokens (text.h) in compact postings with per-block score
 * bounds, evaluated document at a time with MaxScore pruning, so the first
 * page of hits costs a small part of the matches (FTS5 scores every match
 * before it can return ten).
 *
 * Layout (tables in the case's own database, so one transaction covers the
 * documents and their postings, and kill -9 leaves both or neither):
 *
 *   ix_terms(term, seg, df, post, pos)  one row a term a segment
 *   ix_segs(seg, mindoc, maxdoc, ndocs)  segments cover disjoint, rising doc ranges
 *   ix_norms(chunk, data)                one length byte a document
 *   ix_stats(key, value)                 documents and total length
 *
 * post: blocks of up to 128 documents; a header a block (last doc, byte
 * length, the largest term frequency and the shortest length in it: the
 * block's score bound), then doc deltas and frequencies as varints, a
 * frequency of one left out (ix_internal.h has the bytes).
 * pos: word positions, only for the forms a phrase can ask for (the word as
 * written and name keys); stems and clitic-stripped forms carry none.
 *
 * Queries arrive as the FTS5 expression query.c compiles (index.h), so
 * the query language has one parser and both engines read the same
 * expression while FTS5 is still the index of record.
 */
#ifndef DAFTAR_IX_H
#define DAFTAR_IX_H

#include "daftar/core.h"
#include <stdint.h>
#include <stddef.h>

struct sqlite3;
struct dft_analyzer;

enum dft_ix_field { DFT_IX_TITLE = 0, DFT_IX_PATH = 1, DFT_IX_BODY = 2 };

/* ---- writing ---------------------------------------------------------- */

typedef struct dft_ix_writer dft_ix_writer;

/* Create the tables when missing. */
int dft_ix_schema(struct sqlite3 *db);
int dft_ix_writer_new(dft_ix_writer **out);
void dft_ix_writer_free(dft_ix_writer *w);
/* Drop the pending segment (its transaction rolled back). */
void dft_ix_writer_reset(dft_ix_writer *w);
/* Analyse one field of document `doc` into the pending segment: its
 * fields in the order body, title, path, one call each (any may be left
 * out); documents in any order, each once (a document added again keeps
 * its first postings). */
int dft_ix_add(dft_ix_writer *w, uint32_t doc, int field, struct dft_analyzer *an, const char *text,
	       size_t len);
/* The same in two halves, so that the analysis can run where the text is
 * (the ingest's extraction workers) and the writer only appends: a field's
 * text analysed into bytes (appended to out: its length, then its distinct
 * terms in byte order with their counts and the positions kept; ix.c has
 * the layout), and those bytes added as dft_ix_add adds the text, which is
 * the two in a row. dft_ix_add_terms checks the bytes whole first (as
 * dft_ix_terms_check: lengths, bounds, order, UTF-8; DFT_EINVAL) and
 * changes nothing when they are bad. */
int dft_ix_analyse(struct dft_analyzer *an, const char *text, size_t len, dft_buf *out);
int dft_ix_terms_check(const void *p, size_t n);
int dft_ix_add_terms(dft_ix_writer *w, uint32_t doc, int field, const void *p, size_t n);
/* Bytes the pending segment holds in memory (flush when it grows). */
size_t dft_ix_pending_bytes(const dft_ix_writer *w);
/* Write the pending segment in the caller's transaction, then merge the
 * newest segments while there are more than a few of similar size. */
int dft_ix_flush(dft_ix_writer *w, struct sqlite3 *db);
/* Merge every segment into one. */
int dft_ix_optimize(struct sqlite3 *db);

/* ---- searching -------------------------------------------------------- */

typedef struct dft_ix dft_ix;

typedef struct dft_ix_params {
	double k1, b;             /* BM25 */
	double w_title, w_path;   /* a title or path occurrence counts this many body ones */
	double w_exact;           /* an English word scores as its stem class; the word as
				   * written adds this share of its own score */
	int synonyms;             /* score the forms of a word as one term (an experiment: bench/search) */
} dft_ix_params;

typedef struct dft_ix_hit {
	uint32_t doc;
	float score;
} dft_ix_hit;

typedef struct dft_ix_result {
	dft_ix_hit *hits; /* best first */
	size_t nhits;
	int64_t total;    /* matching documents: exact when total_exact */
	int total_exact;
	int64_t scored;   /* documents scored (the rest were skipped) */
} dft_ix_result;

/* Open a reader on the database (reads the norms into memory). */
int dft_ix_open(dft_ix **out, struct sqlite3 *db);
void dft_ix_close(dft_ix *ix);
void dft_ix_set_params(dft_ix *ix, const dft_ix_params *p);
/* The top k of an FTS5 expression (as dft_query_compile writes it).
 * allowed: NULL, or a bitmap of the documents filters let through (bit
 * doc), of allowed_bits bits. exact_total: count every match (otherwise
 * total is a lower bound when not exact). */
int dft_ix_search(dft_ix *ix, const char *expr, size_t k, const uint8_t *allowed, size_t allowed_bits,
		  int exact_total, dft_ix_result *res);
void dft_ix_result_dispose(dft_ix_result *res);

/* daftar verify: decode every stored row (documents rising and inside
 * their segment, counts and block headers agreeing, positions whole) and
 * compare the documents indexed with the documents the case stores
 * (table documents); problem() gets one line a fault (a non-zero return
 * stops). *rows: the rows checked. */
int dft_ix_check(struct sqlite3 *db, int (*problem)(void *ctx, const char *detail), void *ctx, int64_t *rows);

/* Sizes for benchmarks: bytes of postings, positions and terms stored. */
int dft_ix_size(struct sqlite3 *db, int64_t *post, int64_t *pos, int64_t *terms);

#endif
