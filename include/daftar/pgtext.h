/*
 * pgtext.h - the full-text pieces of the PostgreSQL store (issue #11), in
 * plain C and without a database: a document's tsvector input literal
 * holding exactly the tokens daftar's FTS5 tokenizer indexes, the FTS5 MATCH
 * expression of dft_query_compile translated to tsquery syntax, and a
 * snippet with the page of the first match that looks like the one FTS5's
 * snippet() gives in src/store/search.c.
 *
 * Both literals are *input text* for a cast: bind them as parameters
 * ($1::tsvector, $2::tsquery), never through to_tsvector()/to_tsquery(),
 * which would run PostgreSQL's own parser and dictionaries over tokens that
 * daftar's analyzer already made. Lexemes are written '...' with ' doubled
 * and \ escaped as \\, as tsvector and tsquery input require; putting a
 * literal into SQL text would need another level of quoting.
 */
#ifndef DAFTAR_PGTEXT_H
#define DAFTAR_PGTEXT_H

#include "daftar/core.h"

#include <stddef.h>
#include <stdint.h>

/* PostgreSQL's limits (tsearch/ts_type.h) and what is done at each:
 *  - a lexeme is at most 2046 bytes here (MAXSTRLEN is 2047): longer ones
 *    are left out (the analyzer cuts words at 128 bytes, so this never
 *    happens with its tokens);
 *  - a position is 1..16383 (MAXENTRYPOS - 1): later ones are written as
 *    16383, as PostgreSQL itself clamps them, so phrase search (<->) works
 *    only in about the first 16k words of a document (title and path come
 *    first); a word later than that is still found, at position 16383;
 *  - a lexeme keeps at most 256 positions (MAXNUMPOS), the first ones;
 *  - a tsvector is below 1 MiB (positions are 20-bit offsets): no new
 *    lexeme is added once the estimated binary size passes 900 KiB, and no
 *    position at all past 1000 KiB. dft_pg_tsvector returns how many
 *    tokens were left out for size, so the caller can note the document as
 *    indexed in part. */
#define DFT_PG_MAX_LEXEME 2046
#define DFT_PG_MAX_POS 16383
#define DFT_PG_MAX_NPOS 256
#define DFT_PG_SOFT_BYTES (900 * 1024)
#define DFT_PG_HARD_BYTES (1000 * 1024)
/* Positions skipped between title, path and body, so that a phrase (<->)
 * never runs from one into the next. */
#define DFT_PG_COLUMN_GAP 8

/* The tsvector input literal of a document, appended to out: the tokens of
 * title (weight A), path (B) and body (D, written without a label), one
 * entry per lexeme with all its positions ('raqqa':3A,17,40 'k:rq':3A,...),
 * lexemes in order of first occurrence. Every form the FTS5 tokenizer
 * indexes is there (surface, clitic-stripped, "s:" stem, "k:"/"k:=" name
 * keys), a colocated form at the position of its surface form. Positions
 * run from 1 through the title, then the path, then the body, with
 * DFT_PG_COLUMN_GAP between them. NULL columns (length 0) are empty.
 *
 * lang is accepted for the store's convenience but, like tokenizer.c (whose
 * FTS5 tokenizer has no language), the analysis picks a stemmer per word by
 * its script: query.c stems the query words that way, so a stem made with a
 * document language (French, German ...) would never be asked for.
 *
 * Returns the number of tokens left out because of the size limit (0: the
 * document is indexed whole), or a negative DFT_E* code. */
int dft_pg_tsvector(const char *title, size_t tlen, const char *path, size_t plen, const char *body, size_t blen,
		    const char *lang, dft_buf *out);

/* Translate an FTS5 MATCH expression written by dft_query_compile (q->match)
 * into tsquery input text, appended to out:
 *   "x"            'x'   (each string is split by daftar's query analyzer
 *                         as FTS5 does; "s:..." and "k:..." pass as they are)
 *   "a" + "b"      'a' <-> 'b'
 *   "a" *          'a':*  ("a" + "b" *: 'a' <-> 'b':*)
 *   x AND y, x y   x & y
 *   x OR y         x | y
 *   x NOT y        x & !y  (FTS5's NOT is binary: x and not y)
 *   ( ... )        ( ... )
 *   NEAR(p q, N)   ( p & q ): an approximation, PostgreSQL mode does not
 *                  enforce the proximity (tsquery's <N> is an exact,
 *                  ordered distance and cannot say "within N, any order")
 * with FTS5's precedence (NOT over AND over OR) kept by parentheses where
 * tsquery's differs. Column filters (col : ...), the initial-token "^" and
 * anything else dft_query_compile never writes give DFT_EINVAL. */
int dft_pg_tsquery(const char *fts5_match, size_t len, dft_buf *out);

/* A snippet of about 24 tokens of text around its best window of matches,
 * appended to snippet, in the look of FTS5's snippet(search, -1, '«', '»',
 * '…', 24): the original characters, each matching token between « and »
 * (U+0002 and U+0003 when control_marks), "…" where the text is cut. The
 * window is chosen as FTS5 chooses it: each form of a query word counts as
 * a phrase, as in the expression query.c writes, scoring 1000 the first
 * time in a window and 1 after; matches centred; a window starting at a
 * sentence scores 100 more. With no match it is the start of the text,
 * unmarked. One difference: FTS5 marks a phrase ("barrel bombs", or a
 * word the analyzer splits, U.S.) as one span, here each word is marked
 * on its own (the words do not say which were a phrase).
 *
 * words: dft_query.words ("\n"-separated surface forms). A token matches a
 * word when one of its forms (surface, clitic-stripped, stem) is one of the
 * word's forms, both analysed as the index analyses them; when no token
 * matches that way, tokens sharing a cross-script name key with a word
 * match instead (a ~name query). Fuzzy matches (word~1) are not marked.
 * lang: as for dft_pg_tsvector (stems by script, as the index does).
 *
 * *page (may be NULL): the 1-based page (form feeds) of the first matching
 * token, as dft_page counts them, or 0 when no token matches. */
int dft_pg_snippet(const char *text, size_t len, const char *lang, const char *words, int control_marks,
		   dft_buf *snippet, int64_t *page);

#endif
