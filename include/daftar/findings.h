/*
 * findings.h - what an investigation records about its documents
 * (docs/FINDINGS.md): the claims ledger with verifiable citations, the
 * evidence pack a recipient checks without the case, and the exports for
 * other tools (JSONL, CSV, FollowTheMoney, GEXF).
 *
 *  - src/findings/annotate.c: tags and notes on documents (the SQL in
 *    src/store/annotations_store.c).
 *  - src/findings/offsets.c: citations' places (page + code points) to
 *    bytes of the stored text and back.
 *  - src/findings/claims.c: claims and their citations, claim verify.
 *  - src/findings/pack.c: the evidence pack (zip) and verify-pack.
 *  - src/findings/export.c: jsonl, csv, ftm, gexf.
 *  - src/store/claims_store.c: the SQL (schema migration 7).
 *
 * A citation's place: PAGE counts from 1 (pages are separated by "\f" in
 * the stored text; a text without form feeds is page 1); START-END are
 * Unicode code points within that page, from 0, END exclusive: "page 2,
 * 10-25" is the 15 characters after the first 10 of page 2. A quotation
 * never crosses a page break.
 */
#ifndef DAFTAR_FINDINGS_H
#define DAFTAR_FINDINGS_H

#include "daftar/core.h"
#include "daftar/store.h"
#include <stdint.h>
#include <stdio.h>

/* ---- tags and notes on documents (annotate.c) --------------------------------
 * One implementation for the command line and the workbench. Each change
 * is one transaction of its own unless the caller holds one, with its
 * custody entry (tagged, untagged, noted); the workbench makes them beside
 * a running ingest through a DFT_STORE_SHARED store (store.h). */

/* tag: 1-64 bytes of UTF-8 without control characters; kept as given,
 * matched case-insensitively by the query language's tag: filter. */
int dft_tag_add(dft_store *st, int64_t doc, const char *tag, const char *user);
int dft_tag_remove(dft_store *st, int64_t doc, const char *tag, const char *user);
int dft_tags(dft_store *st, int64_t doc, int (*fn)(void *ctx, const char *tag), void *ctx);
int dft_note_add(dft_store *st, int64_t doc, const char *text, const char *user);
typedef struct dft_note {
	int64_t id;
	const char *user, *at, *text;
} dft_note;
int dft_notes(dft_store *st, int64_t doc, int (*fn)(void *ctx, const dft_note *n), void *ctx);

/* The key tag: matches on: the tag NFKC case-folded (ICU), so "Important",
 * "IMPORTANT" and "important" are one tag on a document. */
int dft_tag_key(const char *tag, size_t len, dft_buf *out);

/* The store side (src/store/annotations_store.c): SQL only. Tags and
 * notes also append a custody entry (tagged, untagged, noted)
 * when the store is writable. tag_put: 0, or DFT_EEXISTS when the
 * document already carries it; tag_delete: DFT_ENOTFOUND when it did not;
 * both DFT_ENOTFOUND for no such document. */
int dft_store_tag_put(dft_store *st, int64_t doc, const char *tag, const char *user, const char *at);
int dft_store_tag_delete(dft_store *st, int64_t doc, const char *tag, const char *user, const char *at);
int dft_store_note_put(dft_store *st, int64_t doc, const char *text, const char *user, const char *at,
		       int64_t *id);

/* ---- offsets (offsets.c) ---------------------------------------------------- */

/* Bytes [*bstart, *bend) of text (len bytes, UTF-8) holding code points
 * [start, end) of page `page`. DFT_EINVAL (with the reason) when the page
 * does not exist, start >= end, or the range runs past the page's end. */
int dft_cite_locate(const char *text, size_t len, int64_t page, int64_t start, int64_t end, size_t *bstart,
		    size_t *bend);
/* The page (from 1) and code point offset within it of byte `byte`. */
int dft_cite_position(const char *text, size_t len, size_t byte, int64_t *page, int64_t *cp);
/* The first occurrence of quote (bytes) in text: page and code points.
 * DFT_ENOTFOUND when absent or when it crosses a page break. */
int dft_cite_find(const char *text, size_t len, const char *quote, size_t qlen, int64_t *page, int64_t *start,
		  int64_t *end);
/* "DOC:PAGE:START-END" (DOC may itself hold ':'; it is split from the
 * right). *doc is malloc'ed. */
int dft_cite_parse(const char *spec, char **doc, int64_t *page, int64_t *start, int64_t *end);

/* ---- claims (claims.c, claims_store.c) -------------------------------------- */

typedef struct dft_cite_req {
	int64_t doc;
	int64_t page, start, end;
} dft_cite_req;

typedef struct dft_citation {
	int64_t id, claim, seq, doc;
	const char *path;  /* the document's first location */
	const char *doc_sha256, *text_sha256;
	int64_t page, start, end;       /* code points in the page */
	int64_t byte_start, byte_end;   /* bytes in the stored text */
	const char *quote;
} dft_citation;

typedef struct dft_claim {
	int64_t id;
	const char *text, *source, *status, *user, *created, *updated;
} dft_claim;

/* "confirmed", "disputed", "open" */
int dft_claim_status_ok(const char *status);

/* Add a claim citing n passages: each is read from the document's
 * current text, and the claim, its citations (quote, place, SHA-256 of
 * the original and of the text) and a custody entry "claim" are written
 * in one transaction. */
int dft_claim_add(dft_store *st, const char *text, const char *source, const char *status, const char *user,
		  const dft_cite_req *cites, size_t n, int64_t *id);
/* Change a claim's status (custody entry "claim_status"). */
int dft_claim_set_status(dft_store *st, int64_t id, const char *status, const char *user);

/* Every claim (id 0) or one, each with its citations, in id order.
 * DFT_ENOTFOUND when id names no claim. */
int dft_claims_each(dft_store *st, int64_t id,
		    int (*fn)(void *ctx, const dft_claim *c, const dft_citation *cites, size_t n), void *ctx);

/* Re-check every citation of every claim (id 0) or of one: the original's
 * bytes still hash to the recorded SHA-256 (re-hashed), the document row
 * still names it, the stored text still hashes to the recorded text
 * SHA-256, and the quotation is still at its place. Each failure goes to
 * `problem` with kind "original_missing" | "original_modified" |
 * "document_changed" | "text_missing" | "text_changed" | "quote_moved";
 * *checked counts the citations. */
int dft_claims_verify(dft_store *st, int64_t id,
		      int (*problem)(void *ctx, int64_t claim, int64_t seq, const char *kind, const char *detail),
		      void *ctx, int64_t *checked, int64_t *failed);

/* The claim's custody entry content, as written: used by the pack. */
int dft_claim_quote_sha(const dft_citation *c, char out[DFT_SHA256_HEX]);

/* Store side (claims_store.c): SQL only. */
typedef struct dft_citation_row {
	int64_t doc, page, start, end, byte_start, byte_end;
	const char *doc_sha256, *text_sha256, *quote;
	size_t quote_len;
} dft_citation_row;
int dft_store_claim_put(dft_store *st, const char *text, const char *source, const char *status,
			const char *user, const char *at, const dft_citation_row *rows, size_t n, int64_t *id);
int dft_store_claim_status(dft_store *st, int64_t id, const char *status, const char *user, const char *at);
int dft_store_claims_each(dft_store *st, int64_t id,
			  int (*fn)(void *ctx, const dft_claim *c, const dft_citation *cites, size_t n), void *ctx);

/* ---- evidence pack (pack.c) ------------------------------------------------- */

enum { DFT_REDACT_PERSON = 1, DFT_REDACT_ORG = 2, DFT_REDACT_PLACE = 4 };

typedef struct dft_pack_opts {
	unsigned redact; /* DFT_REDACT_* */
	int64_t context; /* characters of context either side of a passage (default 300) */
	const char *to;  /* a public key file (crypt.h): the pack is sealed to its holder; NULL: in the clear */
} dft_pack_opts;

typedef struct dft_pack_result {
	int64_t claims, citations, documents, files, custody_entries;
} dft_pack_result;

int dft_pack_write(dft_store *st, const char *path, const dft_pack_opts *o, dft_pack_result *r);

typedef struct dft_pack_check {
	int64_t files, citations, custody_entries, problems;
	int redacted;
} dft_pack_check;
/* Check a pack with nothing but the pack (and, for a pack sealed to a
 * recipient, the secret key file: NULL for a pack in the clear). kinds:
 * "pack", "file", "quote", "custody", "claim". */
int dft_pack_verify(const char *path, const char *secret_key,
		    int (*problem)(void *ctx, const char *kind, const char *where, const char *detail), void *ctx,
		    dft_pack_check *out);

/* ---- exports (export.c) ------------------------------------------------------ */

/* format: "jsonl" | "csv" | "ftm" | "gexf"; table (csv only):
 * "documents" (default), "entities", "mentions". Writes to out. */
typedef struct dft_export_counts {
	int64_t documents, entities, mentions, edges, lines;
} dft_export_counts;
int dft_export(dft_store *st, const char *format, const char *table, FILE *out, dft_export_counts *n);

#endif
