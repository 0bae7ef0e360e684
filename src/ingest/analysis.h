/*
 * analysis.h - the reading of each extracted text that the ingest leaves to
 * its sandboxed workers (analysis.c): the near-duplicate signature and the
 * entity mentions, computed in the worker by the same functions the parent
 * and `daftar entities` call, and sent back in frames ('S', 'P') that the
 * parent decodes and checks here. Internal to src/ingest/.
 */
#ifndef DAFTAR_INGEST_ANALYSIS_H
#define DAFTAR_INGEST_ANALYSIS_H

#include "daftar/dedup.h"
#include "daftar/entities.h"
#include "daftar/extract.h"

/* Texts longer than this are not scanned for entities in the worker: the
 * entity pass after the ingest scans them, as it does a text whose worker
 * sent nothing (a worker's analysis counts against the document's time
 * limit, and NER reads about 2 MB/s). Every text is signed in the worker
 * (about 10 MB/s). */
#define DFT_ANALYSIS_ENTITIES_MAX ((size_t)16 << 20)

/* Texts longer than this are analysed for the full-text index by the
 * parent (their terms would be held in the parent while the document is
 * in hand; about the text's size), as is a text whose worker sent none
 * (a failed extraction); and the terms of one text, as sent, are at most
 * DFT_ANALYSIS_TERMS_BYTES: a worker sends none when they would be more. */
#define DFT_ANALYSIS_TERMS_MAX ((size_t)16 << 20)
#define DFT_ANALYSIS_TERMS_BYTES ((size_t)64 << 20)

/* The worker's side: a text hook (extract.h) whose context lives in the
 * parent and is set up in each worker after the fork. entities: also scan
 * for entities (0 for --no-entities); index_terms: also analyse the text
 * for the full-text index (0 in server mode, whose index is PostgreSQL's). */
typedef struct dft_analysis dft_analysis;
int dft_analysis_new(dft_analysis **out, int entities, int index_terms);
void dft_analysis_free(dft_analysis *a);
const dft_text_hook *dft_analysis_hook(dft_analysis *a);

/* The parent's side: what one document's worker sent. */
typedef struct dft_analysis_result {
	int has_sig;
	dft_dedup_sig sig;      /* doc_id and batch unset */
	int mentions_done;      /* the last 'P' frame came: ms is the whole set */
	dft_mention_set ms;
	size_t mention_bytes;   /* strings received, bounded */
	int terms_done;         /* the last 'I' frame came: terms is the whole analysis */
	dft_buf terms;          /* the text analysed for the index (dft_ix_analyse), checked */
} dft_analysis_result;

void dft_analysis_result_init(dft_analysis_result *r);
void dft_analysis_result_dispose(dft_analysis_result *r);
/* Take one 'S', 'P' or 'I' frame; text_len is the text received so far
 * (every mention must lie in it). A malformed frame is DFT_EINVAL, as any
 * bad frame: the parent ends that worker and fails the document. The
 * terms are checked whole (dft_ix_terms_check) when their last frame
 * comes. */
int dft_analysis_take(dft_analysis_result *r, int kind, const char *p, size_t n, size_t text_len,
		      const char *text);

#endif
