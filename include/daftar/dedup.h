/*
 * dedup.h - copies, near-copies and versions (src/dedup/).
 *
 * Three kinds of duplicate, from cheapest to dearest:
 *
 *  - exact: the same bytes. The store already keeps one document per
 *    SHA-256, so an exact duplicate is ONE document seen at several places:
 *    its cluster lists that one id and every path.
 *  - text: different bytes, the same normalised text (the analyzer's surface
 *    tokens joined by one space, hashed with SHA-256): the .docx and the
 *    .pdf of one letter, a file re-saved in another encoding.
 *  - near: MinHash signatures over word 3-shingles (minhash.c), an LSH index
 *    of bands x rows chosen for the Jaccard threshold (lsh.c), candidate
 *    pairs verified by the estimated Jaccard and, near the threshold, by the
 *    exact one; clusters by union-find (dedup.c).
 *  - template (forms.c): a family of filled-in copies of one printed form;
 *    its members are compared on their filled-in parts only, so copies of
 *    one filled form are near and different people's forms are not.
 *
 * Signatures are stored (table dedup_sigs, src/store/dedup_store.c) and
 * computed only for documents that have none, so a new batch is compared
 * against everything before it without re-reading old texts.
 *
 * diff.c gives the word-level differences of two texts (Myers, bounded,
 * with a patience-anchor fallback) for `daftar show CASE A --diff B`.
 */
#ifndef DAFTAR_DEDUP_H
#define DAFTAR_DEDUP_H

#include "daftar/core.h"
#include "daftar/store.h"
#include "daftar/text.h"
#include <stddef.h>
#include <stdint.h>

/* ---- shingles and MinHash (minhash.c) ------------------------------------ */

#define DFT_MINHASH_PERM 128   /* permutations (values) in a signature */
#define DFT_SHINGLE_WORDS 3    /* words in a shingle; see minhash.c */
#define DFT_DEDUP_VERSION 3    /* of shingling + hashing: stored signatures of another version are redone
				  (2: a second signature over character grams; 3: a sample of them) */
#define DFT_DEDUP_MIN_TOKENS 8 /* fewer words: no near-duplicate signature (exact and text still apply) */
#define DFT_CHAR_GRAM 5        /* code points in a character gram (copies across media, below) */
#define DFT_CHAR_SAMPLE 4      /* one gram in DFT_CHAR_SAMPLE, by hash, is signed (minhash.c) */
/* Copies across media: a pair where at least one text was OCR'd is a
 * candidate when the character-gram signatures estimate a Jaccard of at
 * least this, and is then judged by its aligned similarity (align.c). The
 * LSH has DFT_MEDIA_ROWS rows a band (32 x 4: P(candidate) 0.91 at J 0.5,
 * 0.99 at 0.6; copies that align at 0.8 have J >= 0.46 on the bench, most
 * above 0.6), not the 42 x 3 that J = 0.4 alone would ask: on texts of a
 * small vocabulary that made 3.5M candidates of 7,334 texts. */
#define DFT_MEDIA_CANDIDATE 0.40
#define DFT_MEDIA_ROWS 4

/* A text's shingles as a sorted set of 64-bit hashes, its word count and the
 * SHA-256 of its normalised word stream ("" when it has no words). */
typedef struct dft_shingles {
	uint64_t *h; /* sorted, unique; owned */
	size_t n, cap;
	size_t tokens;
	char norm_sha[DFT_SHA256_HEX];
} dft_shingles;

typedef struct dft_minhash {
	uint32_t v[DFT_MINHASH_PERM];
} dft_minhash;

void dft_shingles_init(dft_shingles *s);
void dft_shingles_dispose(dft_shingles *s);
/* Shingle a text with an analyzer made with flags 0 (surface forms only). */
int dft_shingles_of_text(dft_shingles *out, dft_analyzer *a, const char *text, size_t len);
/* The same, and (chars non-NULL) in the same pass the set of character
 * grams: DFT_CHAR_GRAM code points of the analyzer's words run together
 * without spaces (chars->tokens: code points), the fingerprint that OCR
 * errors break least (a misread letter costs DFT_CHAR_GRAM grams, not
 * three word shingles; a word split or joined by OCR costs nothing). */
int dft_shingles_of_text2(dft_shingles *out, dft_shingles *chars, dft_analyzer *a, const char *text, size_t len);
/* Exact Jaccard of two shingle sets (1 when both are empty). */
double dft_shingles_jaccard(const dft_shingles *a, const dft_shingles *b);

void dft_minhash_sign(dft_minhash *out, const dft_shingles *s);
/* Estimated Jaccard: the share of equal values. */
double dft_minhash_similarity(const dft_minhash *a, const dft_minhash *b);
/* Little-endian bytes (DFT_MINHASH_PERM * 4) for storage, and back. */
void dft_minhash_pack(const dft_minhash *m, unsigned char out[DFT_MINHASH_PERM * 4]);
int dft_minhash_unpack(dft_minhash *out, const void *bytes, size_t len);

/* ---- aligned similarity, for copies across media (align.c) ------------- */

/* How much of two texts is the same words in the same order when a word
 * may be misread: 2 L / (n_a + n_b), where L is the longest common
 * subsequence of their words (the analyzer's surface forms, flags 0) and
 * two words match when equal or, for words of 3+ letters, within edit
 * distance 1 (2 for words of 6+ letters). An OCR'd page and its typed text
 * score 0.9-1; letters of one office sharing a letterhead and closing, 0.3-0.5.
 * Texts past DFT_ALIGN_MAX_WORDS words are compared on their first ones. */
#define DFT_ALIGN_MAX_WORDS 20000
typedef struct dft_align_words dft_align_words;
int dft_align_words_new(dft_align_words **out, dft_analyzer *a, const char *text, size_t len);
/* The same for an OCR'd text: ocr_words is its meta "ocr_words"
 * ([[page,x0,y0,x1,y1,start,end,conf],...], start/end bytes of the text)
 * and the words read with confidence under DFT_ALIGN_MIN_CONF are left out;
 * NULL: none. */
#define DFT_ALIGN_MIN_CONF 30
int dft_align_words_new_ocr(dft_align_words **out, dft_analyzer *a, const char *text, size_t len,
			    const char *ocr_words);
void dft_align_words_free(dft_align_words *w);
size_t dft_align_words_count(const dft_align_words *w);
/* *out: the similarity; DFT_ENOMEM only. */
int dft_align_similarity(const dft_align_words *a, const dft_align_words *b, double *out);

/* ---- LSH (lsh.c) --------------------------------------------------------- */

/* Bands x rows (bands * rows <= DFT_MINHASH_PERM) for a Jaccard threshold:
 * the most rows for which a pair exactly at the threshold is still a
 * candidate with probability >= 0.995. */
void dft_lsh_params(double threshold, int *bands, int *rows);
/* 1 - (1 - j^rows)^bands: the chance that a pair of Jaccard j is a candidate. */
double dft_lsh_probability(double j, int bands, int rows);

/* Near-duplicate pairs among n signatures. Candidates come from the LSH
 * buckets (never all pairs); each is verified once: the estimated Jaccard
 * decides when it is far from the threshold (4 standard errors), and when
 * `shingles` is given, the exact Jaccard decides the rest.
 *  - side: NULL, or one byte a signature: only pairs whose sides differ
 *    (a new batch against the old ones) are considered;
 *  - want: NULL, or 0 to skip a candidate unverified (already clustered);
 *  - shingles: NULL, or fills the shingle set of item i (exact check);
 *  - pair: each verified pair (a < b) with its similarity and whether it is
 *    exact (1) or estimated (0); a non-zero return stops and is returned. */
typedef struct dft_near_opts {
	double threshold;
	const unsigned char *side;
	int (*want)(void *ctx, size_t a, size_t b);
	int (*shingles)(void *ctx, size_t i, dft_shingles *out);
	int (*pair)(void *ctx, size_t a, size_t b, double similarity, int exact);
	void *ctx;
	size_t cache_max; /* bytes of shingle sets kept between checks; 0: 256 MB */
	int rows;         /* rows a band; 0: dft_lsh_params(threshold) */
} dft_near_opts;

typedef struct dft_near_stats {
	int bands, rows;
	uint64_t candidates; /* distinct pairs met in a bucket */
	uint64_t estimated;  /* decided by the estimate */
	uint64_t exact;      /* decided by the exact Jaccard */
	uint64_t accepted;
	uint64_t big_buckets; /* buckets so big that not every pair was compared (lsh.c) */
} dft_near_stats;

int dft_near_pairs(const dft_minhash *sigs, size_t n, const dft_near_opts *o, dft_near_stats *stats);

/* ---- forms: template families and their filled-in parts (forms.c) ------- */

/* A trove of one printed form filled in thousands of times: every pair of
 * forms shares the printed text, so plain near-duplicates would join them
 * all. forms.c finds the families (a template: text shared by many
 * documents, with "field" structure) and compares the members of a family
 * on what was filled in only. docs/DEDUP.md "Forms". */

#define DFT_FORM_MIN_FAMILY 16      /* fewer distinct texts: not a template family */
#define DFT_FORM_FILLED_THRESHOLD 0.5 /* Jaccard of the filled-in parts for a copy */

typedef struct dft_form_field {
	char *label;   /* the label as first seen (text before ':' on a line) */
	char **value;  /* per family member (members order); NULL: no such line */
	size_t line;   /* its line number in the first member that has it (fields are in this order) */
} dft_form_field;

typedef struct dft_form_family {
	size_t *members; /* entry indexes, ascending; owned */
	size_t n;
	size_t template_words;  /* distinct words of the template */
	size_t field_anchors;   /* template words that precede a filled-in run in most members */
	double template_share;  /* mean share of a member's words that are template words */
	dft_form_field *fields; /* aligned "label: value" lines; owned */
	size_t nfields;
} dft_form_family;

typedef struct dft_forms_opts {
	size_t min_family;        /* 0: DFT_FORM_MIN_FAMILY */
	/* the text of entry i (read only for form candidates) */
	int (*text)(void *ctx, size_t i, dft_buf *out);
	void *ctx;
	dft_analyzer *an;         /* flags 0 */
} dft_forms_opts;

typedef struct dft_forms {
	size_t n;                 /* entries */
	size_t *family_of;        /* entry -> family index; SIZE_MAX: not a form */
	dft_form_family *fam;
	size_t nfam;
	dft_shingles *filled;     /* per entry: the filled-in part as a set (forms only) */
	size_t candidates;        /* entries with many widely shared MinHash values */
	size_t rejected;          /* families dropped: no field structure (e.g. many versions of one letter) */
	size_t texts_read;
	double seconds;
} dft_forms;

/* Find the form families among n signatures (one entry per distinct text). */
int dft_forms_find(dft_forms *out, const dft_minhash *sigs, size_t n, const dft_forms_opts *o);
void dft_forms_dispose(dft_forms *f);
/* Pairs of forms of one family whose filled-in parts have Jaccard >=
 * threshold (0: DFT_FORM_FILLED_THRESHOLD), through MinHash + LSH and the
 * exact Jaccard near the threshold; side/want as in dft_near_opts; pair gets
 * entry indexes (a < b). Stats are added to *st. */
int dft_forms_pairs(const dft_forms *f, double threshold, const unsigned char *side,
		    int (*want)(void *ctx, size_t a, size_t b),
		    int (*pair)(void *ctx, size_t a, size_t b, double similarity, int exact), void *ctx,
		    dft_near_stats *st);

/* ---- word diff (diff.c) -------------------------------------------------- */

enum { DFT_DIFF_EQUAL = 0, DFT_DIFF_DELETE = 1, DFT_DIFF_INSERT = 2 };

/* One run of words: [a_from, a_to) words of A and [b_from, b_to) of B, with
 * the byte range of the run in the original texts. */
typedef struct dft_diff_op {
	int op;
	size_t a_from, a_to, b_from, b_to;       /* word indexes */
	size_t a_start, a_end, b_start, b_end;   /* byte offsets in the texts */
} dft_diff_op;

typedef struct dft_diff {
	dft_diff_op *ops; /* owned */
	size_t nops, cap;
	size_t words_a, words_b;
	size_t deleted, inserted; /* words */
	double similarity; /* Jaccard of the word 3-shingles, as `dups` measures it */
	int anchored; /* 1: the edit distance passed the bound, so the diff was
			 cut at words unique in both texts (patience) and only the
			 gaps between them were diffed with Myers */
} dft_diff;

#define DFT_DIFF_MAX_D 1500 /* Myers' bound on D for one range (trace: (D+1)^2 longs, 18 MB) */

void dft_diff_init(dft_diff *d);
void dft_diff_dispose(dft_diff *d);
/* Word diff of two texts, words as the analyzer normalises them (so "é"
 * and "e", or two alef forms, are the same word). */
int dft_diff_texts(dft_diff *out, const char *a, size_t alen, const char *b, size_t blen);

/* ---- the case: signatures, clusters, what a batch adds (dedup.c) --------- */

typedef struct dft_dedup_opts {
	double threshold; /* near-duplicate Jaccard; 0: 0.8 */
	int progress;     /* a progress line on stderr while signing */
	int save;         /* store new signatures (the store is writable) */
} dft_dedup_opts;

typedef struct dft_dedup_field {
	const char *label;
	const char *const *values; /* one per cluster document (docs order); NULL: no such line */
} dft_dedup_field;

typedef struct dft_dedup_cluster {
	const char *kind;  /* "exact" | "text" | "template" | "near" */
	double similarity; /* 1 for exact and text; the weakest verified link for near
			      (of the filled-in parts for forms); for template, the
			      mean share of a member's words that are the template's */
	int64_t representative; /* the earliest document (lowest id) */
	const int64_t *docs; size_t ndocs; /* ascending */
	int64_t template_rep; /* near clusters of forms: their template cluster's representative; else 0 */
	const dft_dedup_field *fields; size_t nfields; /* template: aligned fields */
	size_t template_words; /* template: distinct words of the template */
	int media; /* near: some link joins an OCR'd text, measured by aligned similarity */
} dft_dedup_cluster;

typedef struct dft_dedup_summary {
	int64_t signed_now;  /* signatures computed in this run */
	int64_t documents;   /* documents with a signature */
	int bands, rows;
	dft_near_stats near;
	dft_near_stats forms_near; /* the filled-in parts' LSH (forms.c) */
	size_t form_candidates, form_families, form_members, form_rejected;
	double form_seconds;
	dft_near_stats media_near; /* copies across media: the character-gram LSH */
	uint64_t media_aligned;    /* pairs aligned word by word */
	double media_seconds;
	double seconds;
} dft_dedup_summary;

/* Sign what has no signature yet (stored with o->save, else kept for this
 * run only), then call fn for every cluster:
 * exact, then text, then near. */
int dft_dedup_clusters(dft_store *st, const dft_dedup_opts *o,
		       int (*fn)(void *ctx, const dft_dedup_cluster *c), void *ctx,
		       dft_dedup_summary *summary);

/* What batch B adds: for each document seen in B, whether it is new or a
 * copy of something an earlier batch had. */
typedef struct dft_dedup_verdict {
	int64_t id;
	const char *kind; /* "new" | "exact" (the same bytes were seen before) |
			     "text" (same text) | "near" */
	int64_t of;       /* the earlier document it copies (0 for new) */
	double similarity;
	int compared;     /* 0: no words to compare, so "new" by its bytes only */
	int64_t template_rep; /* a filled form: its template cluster's representative
				 (compared on its filled-in part only); else 0 */
	int media; /* near: an OCR'd text, measured by aligned similarity */
} dft_dedup_verdict;

int dft_dedup_new(dft_store *st, int64_t batch, const dft_dedup_opts *o,
		  int (*fn)(void *ctx, const dft_dedup_verdict *v), void *ctx,
		  dft_dedup_summary *summary);

/* The verdicts of dft_dedup_new kept in an array, for callers that print
 * them after the run: pass dft_dedup_verdicts_add as fn and the struct
 * (zeroed) as ctx; free(v) after. */
typedef struct dft_dedup_verdicts {
	dft_dedup_verdict *v;
	size_t n, cap;
} dft_dedup_verdicts;
int dft_dedup_verdicts_add(void *verdicts, const dft_dedup_verdict *v);

/* The documents whose text copies doc's, each measured against doc alone
 * (the document view; `dups` joins chains of such pairs into clusters):
 * "text" (the same normalised words, similarity 1) or "near" (word
 * shingles' Jaccard >= threshold, or, when either text was OCR'd, aligned
 * words >= threshold: media 1). By similarity, highest first. Compares
 * doc's signature with every stored one (O(documents), no LSH) and reads
 * the texts of the few pairs near the threshold; forms are compared as
 * whole texts here. threshold 0: 0.8. */
typedef struct dft_dedup_copy {
	int64_t id;
	const char *kind; /* "text" | "near" */
	double similarity;
	int media;
} dft_dedup_copy;
int dft_dedup_copies(dft_store *st, int64_t doc, double threshold,
		     int (*fn)(void *ctx, const dft_dedup_copy *c), void *ctx);

/* Sign one document's text now and store the signature (in the caller's
 * transaction): the hook for ingest, right after the text is stored, so
 * that `dups` and `new` find nothing left to sign. `an`: an analyzer made
 * with flags 0 (NULL: one is made for this call). */
int dft_dedup_sign(dft_store *st, dft_analyzer *an, int64_t doc_id, const char *text, size_t len);

/* ---- the store's side (src/store/dedup_store.c) -------------------------- */

typedef struct dft_dedup_sig {
	int64_t doc_id;
	int64_t batch;      /* the document's first batch */
	int64_t tokens;
	int64_t shingles;
	char norm_sha[DFT_SHA256_HEX]; /* "" when the text has no words */
	int has_minhash;
	dft_minhash minhash;
	dft_minhash cminhash; /* over character grams; with has_minhash (version 2) */
	int ocr;              /* read: the text came from OCR (meta "ocr") */
} dft_dedup_sig;

/* The signature of a text, without the store: what dft_dedup_sign stores
 * (out->doc_id and out->batch are left as they were). The extraction
 * workers sign each text this way and send the result to the parent. */
int dft_dedup_sig_of_text(dft_analyzer *an, const char *text, size_t len, dft_dedup_sig *out);

/* Documents with a text and no current signature (none, another
 * DFT_DEDUP_VERSION, or a text that changed), in id order. */
int dft_store_dedup_unsigned(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx);
/* Store a signature for a document's current text (text_sha: texts.sha256). */
int dft_store_dedup_put(dft_store *st, const dft_dedup_sig *s);
/* Every stored current signature, in id order. */
int dft_store_dedup_each(dft_store *st, int (*fn)(void *ctx, const dft_dedup_sig *s), void *ctx);
/* Documents seen at more than one place, in id order. */
int dft_store_dedup_multi_located(dft_store *st, int (*fn)(void *ctx, int64_t id, int64_t places), void *ctx);
/* Documents seen in a batch, in id order, with their first batch. */
int dft_store_dedup_batch_docs(dft_store *st, int64_t batch,
			       int (*fn)(void *ctx, int64_t id, int64_t first_batch), void *ctx);
/* 1 when the document's text came from OCR (its meta has "ocr"), 0 if not. */
int dft_store_dedup_is_ocr(dft_store *st, int64_t id);
/* 1 when the store has the signatures table (a read-only open of an old case may not). */
int dft_store_dedup_ready(dft_store *st);

#endif
