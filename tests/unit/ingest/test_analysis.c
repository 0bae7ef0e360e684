/*
 * test_analysis.c - the text analysis the extraction workers run for the
 * ingest (src/ingest/analysis.c): what the worker sends decodes in the
 * parent to exactly what the parent would have computed itself (the
 * signature, the mentions and the index's terms, over several frames when
 * there are many; the index written from the worker's terms is the one
 * written from the text, row for row and byte for byte), and every
 * malformed frame a hostile worker could send is refused as a protocol
 * error (DFT_EINVAL), never taken and never a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../../src/ingest/analysis.h"
#include "daftar/ix.h"
#include "daftar/text.h"
#include <sqlite3.h>

/* The frames a worker sent, in order. */
#define FRAMES_MAX 256
struct frames {
	int kind[FRAMES_MAX];
	dft_buf data[FRAMES_MAX];
	size_t n;
};

static int capture(void *sctx, int kind, const void *p, size_t n)
{
	struct frames *f = sctx;
	if (f->n >= FRAMES_MAX)
		return DFT_ERROR;
	f->kind[f->n] = kind;
	dft_buf_init(&f->data[f->n], DFT_FRAME_MAX + 1);
	if (dft_buf_add(&f->data[f->n], p, n) < 0)
		return DFT_ENOMEM;
	f->n++;
	return 0;
}

static void frames_dispose(struct frames *f)
{
	for (size_t i = 0; i < f->n; i++)
		dft_buf_dispose(&f->data[i]);
	f->n = 0;
}

/* Run the worker's side on text, then the parent's on what it sent. */
static void round_trip(const char *text, size_t len, struct frames *f, dft_analysis_result *r)
{
	dft_analysis *a;
	const dft_text_hook *h;
	assert_int_equal(dft_analysis_new(&a, 1, 1), 0);
	h = dft_analysis_hook(a);
	assert_int_equal(h->setup(h->ctx), 0);
	memset(f, 0, sizeof(*f));
	assert_int_equal(h->run(h->ctx, text, len, capture, f), 0);
	dft_analysis_free(a);
	dft_analysis_result_init(r);
	for (size_t i = 0; i < f->n; i++) {
		assert_true(f->data[i].len <= DFT_FRAME_MAX);
		assert_int_equal(dft_analysis_take(r, f->kind[i], f->data[i].ptr, f->data[i].len, len, text), 0);
	}
}

static const char letter[] =
	"To the director of the northern office. On 12 May 2016 Abu Muhammad al-Adnani met the governor "
	"of Raqqa; call +963 944 123 456 or write to finance@example.org. The sum of 1500 USD was paid. "
	"\xd9\x88\xd8\xb5\xd9\x84 \xd8\xa7\xd9\x84\xd9\x88\xd9\x81\xd8\xaf \xd8\xa5\xd9\x84\xd9\x89 "
	"\xd8\xa7\xd9\x84\xd8\xb1\xd9\x82\xd8\xa9 \xd9\x81\xd9\x8a 3 \xd8\xb1\xd9\x85\xd8\xb6\xd8\xa7\xd9\x86 1437.";

/* The worker's result, decoded, is what the parent computes itself. */
static void same_as_the_parent(void **state)
{
	struct frames f;
	dft_analysis_result r;
	dft_analyzer *an;
	dft_dedup_sig g;
	dft_entity_extractor *x;
	dft_mention_set ms;
	size_t len = strlen(letter);
	(void)state;

	round_trip(letter, len, &f, &r);
	assert_true(r.has_sig);
	assert_true(r.mentions_done);

	assert_int_equal(dft_analyzer_new(&an, NULL, 0), 0);
	memset(&g, 0, sizeof(g));
	assert_int_equal(dft_dedup_sig_of_text(an, letter, len, &g), 0);
	assert_int_equal(r.sig.tokens, g.tokens);
	assert_int_equal(r.sig.shingles, g.shingles);
	assert_string_equal(r.sig.norm_sha, g.norm_sha);
	assert_int_equal(r.sig.has_minhash, g.has_minhash);
	assert_true(g.has_minhash);
	assert_memory_equal(&r.sig.minhash, &g.minhash, sizeof(g.minhash));
	assert_memory_equal(&r.sig.cminhash, &g.cminhash, sizeof(g.cminhash));
	dft_analyzer_free(an);

	assert_int_equal(dft_entity_extractor_new(&x), 0);
	dft_mention_set_init(&ms);
	assert_int_equal(dft_entity_extract(x, letter, len, NULL, &ms), 0);
	assert_true(ms.n >= 4); /* a date, a phone, an e-mail, money at least */
	assert_int_equal(r.ms.n, ms.n);
	for (size_t i = 0; i < ms.n; i++) {
		const dft_mention_rec *a = &r.ms.v[i], *b = &ms.v[i];
		assert_int_equal(a->type, b->type);
		assert_int_equal(a->start, b->start);
		assert_int_equal(a->end, b->end);
		assert_true(a->score == b->score);
		assert_string_equal(r.ms.strings.ptr + a->value, ms.strings.ptr + b->value);
		assert_int_equal(a->extra == SIZE_MAX, b->extra == SIZE_MAX);
		if (b->extra != SIZE_MAX)
			assert_string_equal(r.ms.strings.ptr + a->extra, ms.strings.ptr + b->extra);
	}
	dft_mention_set_dispose(&ms);
	dft_entity_extractor_free(x);
	dft_analysis_result_dispose(&r);
	frames_dispose(&f);
}

/* The index of a document written from the terms a worker sent and the
 * one written from its text (the parent analysing, dft_ix_add): every row
 * of every table, byte for byte. The title and path are the parent's in
 * both. */
static void index_rows(sqlite3 *db, dft_buf *out)
{
	static const char *const q[] = {"SELECT term, seg, df, post, pos FROM ix_terms ORDER BY id",
					"SELECT * FROM ix_segs ORDER BY seg", "SELECT * FROM ix_norms ORDER BY chunk",
					"SELECT * FROM ix_stats ORDER BY key"};
	for (size_t i = 0; i < sizeof(q) / sizeof(*q); i++) {
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(db, q[i], -1, &s, NULL), SQLITE_OK);
		while (sqlite3_step(s) == SQLITE_ROW)
			for (int c = 0; c < sqlite3_column_count(s); c++) {
				const void *b = sqlite3_column_blob(s, c);
				int n = sqlite3_column_bytes(s, c);
				assert_int_equal(dft_buf_addf(out, "%zu:%d:%d:", i, c, n), 0);
				if (n)
					assert_int_equal(dft_buf_add(out, b, (size_t)n), 0);
			}
		sqlite3_finalize(s);
	}
}

static void index_of(const char *text, size_t len, const void *terms, size_t terms_len, dft_buf *rows)
{
	sqlite3 *db;
	dft_ix_writer *w;
	dft_analyzer *an;
	static const char title[] = "Letter to the northern office", path[] = "letters/2016/raqqa-12.txt";
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(dft_ix_schema(db), 0);
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	for (uint32_t doc = 1; doc <= 3; doc++) { /* the same text three times, some terms in all */
		if (terms)
			assert_int_equal(dft_ix_add_terms(w, doc, DFT_IX_BODY, terms, terms_len), 0);
		else
			assert_int_equal(dft_ix_add(w, doc, DFT_IX_BODY, an, text, len), 0);
		assert_int_equal(dft_ix_add(w, doc, DFT_IX_TITLE, an, title, strlen(title)), 0);
		assert_int_equal(dft_ix_add(w, doc, DFT_IX_PATH, an, path, strlen(path)), 0);
	}
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(dft_ix_flush(w, db), 0);
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	index_rows(db, rows);
	dft_analyzer_free(an);
	dft_ix_writer_free(w);
	sqlite3_close(db);
}

static void same_index(const char *text, size_t len, const dft_analysis_result *r)
{
	dft_buf a, b;
	dft_buf_init(&a, (size_t)1 << 30);
	dft_buf_init(&b, (size_t)1 << 30);
	assert_true(r->terms_done);
	index_of(text, len, r->terms.ptr, r->terms.len, &a);
	index_of(text, len, NULL, 0, &b);
	assert_true(a.len > 100);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.ptr, b.ptr, a.len);
	dft_buf_dispose(&a);
	dft_buf_dispose(&b);
}

static void same_index_as_the_parent(void **state)
{
	struct frames f;
	dft_analysis_result r;
	size_t len = strlen(letter);
	(void)state;
	round_trip(letter, len, &f, &r);
	same_index(letter, len, &r);
	dft_analysis_result_dispose(&r);
	frames_dispose(&f);
}

/* A long text's terms go in several frames, each within the limit. */
static void many_terms(void **state)
{
	struct frames f;
	dft_analysis_result r;
	dft_buf t;
	size_t nterms = 0;
	(void)state;
	dft_buf_init(&t, (size_t)64 << 20);
	for (size_t i = 0; i < 120000; i++)
		assert_int_equal(dft_buf_addf(&t, "Clerk%zu wrote to \xd8\xa7\xd9\x84\xd8\xb1\xd9\x82\xd8\xa9 office%zu, ", i, i % 97), 0);
	round_trip(t.ptr, t.len, &f, &r);
	for (size_t i = 0; i < f.n; i++)
		nterms += f.kind[i] == DFT_FRAME_TERMS;
	assert_true(nterms >= 2);
	same_index(t.ptr, t.len, &r);
	dft_analysis_result_dispose(&r);
	frames_dispose(&f);
	dft_buf_dispose(&t);
}

/* Many mentions go in several frames, each within the frame limit, and
 * all arrive; at most DFT_MENTIONS_STORED are sent. */
static void many_mentions(void **state)
{
	struct frames f;
	dft_analysis_result r;
	dft_buf t;
	size_t i, nmentions = 0;
	(void)state;
	dft_buf_init(&t, (size_t)64 << 20);
	for (i = 0; i < 30000; i++)
		assert_int_equal(dft_buf_addf(&t, "write to clerk%zu@office%zu.example.org today.\n", i, i % 97), 0);
	round_trip(t.ptr, t.len, &f, &r);
	assert_true(f.n >= 3); /* the signature and at least two of mentions */
	assert_true(r.mentions_done);
	for (i = 0; i < r.ms.n; i++)
		nmentions += r.ms.v[i].type == DFT_ENT_EMAIL;
	assert_true(nmentions >= 30000);
	assert_int_equal(r.ms.dropped, 0);
	dft_analysis_result_dispose(&r);
	frames_dispose(&f);
	dft_buf_dispose(&t);
}

/* Build one 'P' frame: last flag, dropped, one record. */
static size_t mention_frame(unsigned char *b, int last, unsigned type, uint64_t start, uint64_t end,
			    double score, const char *value, uint32_t vlen, uint32_t xlen)
{
	size_t n = 0;
	uint64_t dropped = 0;
	b[n++] = (unsigned char)last;
	memcpy(b + n, &dropped, 8), n += 8;
	b[n++] = (unsigned char)type;
	memcpy(b + n, &start, 8), n += 8;
	memcpy(b + n, &end, 8), n += 8;
	memcpy(b + n, &score, 8), n += 8;
	memcpy(b + n, &vlen, 4), n += 4;
	if (value && vlen <= 8) { /* the values below are 8-byte arrays */
		memcpy(b + n, value, vlen);
		n += vlen;
	}
	memcpy(b + n, &xlen, 4), n += 4;
	return n;
}

static void expect_refused(int kind, const void *p, size_t n, const char *text)
{
	dft_analysis_result r;
	dft_analysis_result_init(&r);
	assert_int_equal(dft_analysis_take(&r, kind, p, n, text ? strlen(text) : 0, text), DFT_EINVAL);
	assert_int_equal(dft_error_code(), DFT_EINVAL);
	dft_analysis_result_dispose(&r);
}

/* What a hostile worker could send is refused. */
static void hostile_frames(void **state)
{
	static const char text[] = "Raqqa and Mosul";
	unsigned char b[4096];
	size_t n;
	dft_analysis_result r;
	(void)state;

	/* signatures: too short, a bad flag, a wrong length, a bad hash */
	memset(b, 0, sizeof(b));
	expect_refused(DFT_FRAME_SIG, b, 10, text);
	b[16] = 2;
	expect_refused(DFT_FRAME_SIG, b, 8 + 8 + 1 + 64, text);
	b[16] = 1;
	expect_refused(DFT_FRAME_SIG, b, 8 + 8 + 1 + 64, text);
	b[16] = 0;
	memset(b + 17, 'z', 64);
	expect_refused(DFT_FRAME_SIG, b, 8 + 8 + 1 + 64, text);
	memset(b, 0xff, 8); /* tokens past int64 */
	memset(b + 17, 0, 64);
	expect_refused(DFT_FRAME_SIG, b, 8 + 8 + 1 + 64, text);
	/* a second signature */
	memset(b, 0, sizeof(b));
	dft_analysis_result_init(&r);
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_SIG, (char *)b, 8 + 8 + 1 + 64, strlen(text), text), 0);
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_SIG, (char *)b, 8 + 8 + 1 + 64, strlen(text), text),
			 DFT_EINVAL);
	dft_analysis_result_dispose(&r);

	/* mentions: a good one is taken */
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, "Raqqa", 5, 0xffffffffu);
	dft_analysis_result_init(&r);
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_MENTIONS, (char *)b, n, strlen(text), text), 0);
	assert_int_equal(r.ms.n, 1);
	assert_true(r.mentions_done);
	/* nothing after the last frame */
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_MENTIONS, (char *)b, n, strlen(text), text), DFT_EINVAL);
	dft_analysis_result_dispose(&r);
	/* no text at all */
	expect_refused(DFT_FRAME_MENTIONS, b, n, NULL);
	/* past the text, backwards, a type that is none */
	n = mention_frame(b, 1, DFT_ENT_PLACE, 10, 99, 0.9, "Raqqa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	n = mention_frame(b, 1, DFT_ENT_PLACE, 5, 2, 0.9, "Raqqa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	n = mention_frame(b, 1, 200, 0, 5, 0.9, "Raqqa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	/* a score that is not a number */
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, (double)NAN, "Raqqa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	/* a value longer than the frame, with a NUL, not UTF-8, too long */
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, NULL, 500, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, "Ra\0qa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, "Ra\xffqa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, NULL, 100000, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	/* an extra that runs past the frame; a record cut short */
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, "Raqqa", 5, 40);
	expect_refused(DFT_FRAME_MENTIONS, b, n, text);
	n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 5, 0.9, "Raqqa", 5, 0xffffffffu);
	expect_refused(DFT_FRAME_MENTIONS, b, n - 7, text);
	/* a mention that cuts a character of the text in two */
	{
		static const char ar[] = "\xd8\xa7\xd9\x84\xd8\xb1\xd9\x82\xd8\xa9";
		n = mention_frame(b, 1, DFT_ENT_PLACE, 0, 3, 0.9, "x", 1, 0xffffffffu);
		expect_refused(DFT_FRAME_MENTIONS, b, n, ar);
	}
	/* a bad header */
	b[0] = 7;
	expect_refused(DFT_FRAME_MENTIONS, b, 9, text);
	expect_refused(DFT_FRAME_MENTIONS, b, 3, text);
}

/* One 'I' frame: last flag, then bytes (written as a C string: varints
 * below 128 are one byte each). */
static size_t terms_frame(unsigned char *b, int last, const char *bytes, size_t n)
{
	b[0] = (unsigned char)last;
	memcpy(b + 1, bytes, n);
	return n + 1;
}

#define TERMS(b, last, lit) terms_frame(b, last, lit, sizeof(lit) - 1)

/* What a hostile worker could send as the index's terms is refused. */
static void hostile_terms(void **state)
{
	static const char text[] = "Raqqa and Mosul";
	unsigned char b[256];
	size_t n;
	dft_analysis_result r;
	(void)state;

	/* a good one: 3 words, "and" once at 1, "mosul" once at 2 */
	n = TERMS(b, 1, "\3\3and\1\1\1\5mosul\1\1\2");
	dft_analysis_result_init(&r);
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_TERMS, (char *)b, n, strlen(text), text), 0);
	assert_true(r.terms_done);
	/* nothing after the last frame */
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_TERMS, (char *)b, n, strlen(text), text), DFT_EINVAL);
	dft_analysis_result_dispose(&r);
	/* in two frames, cut inside a term */
	dft_analysis_result_init(&r);
	n = TERMS(b, 0, "\3\3an");
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_TERMS, (char *)b, n, strlen(text), text), 0);
	assert_false(r.terms_done);
	n = TERMS(b, 1, "d\1\1\1");
	assert_int_equal(dft_analysis_take(&r, DFT_FRAME_TERMS, (char *)b, n, strlen(text), text), 0);
	assert_true(r.terms_done);
	dft_analysis_result_dispose(&r);

	/* no bytes, no flag, a flag that is none */
	expect_refused(DFT_FRAME_TERMS, b, 0, text);
	n = TERMS(b, 1, "");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 2, "\3");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* a length cut short, past the limit */
	n = TERMS(b, 1, "\x80");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\xff\xff\xff\xff\x7f");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* a term longer than what is left, its counts missing or cut */
	n = TERMS(b, 1, "\3\x09and\1\1\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and\1\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and\1\1\x81");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* a term past the limit of a term's bytes (its bytes are not there) */
	n = TERMS(b, 1, "\3\x81\x80\x04");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* not UTF-8, a NUL in it */
	n = TERMS(b, 1, "\3\3a\xff" "d\1\1\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = terms_frame(b, 1, "\3\3a\0d\1\1\1", 9);
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* terms out of order, twice */
	n = TERMS(b, 1, "\3\5mosul\1\1\2\3and\1\1\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and\1\1\1\3and\1\1\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* no occurrence, more positions than occurrences */
	n = TERMS(b, 1, "\3\3and\0\0");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and\1\2\0\1");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* a position past the field's words, a position twice */
	n = TERMS(b, 1, "\3\3and\1\1\3");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	n = TERMS(b, 1, "\3\3and\2\2\1\0");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* a field of more words than a field has */
	n = TERMS(b, 1, "\xff\xff\xff\xff\x0f");
	expect_refused(DFT_FRAME_TERMS, b, n, text);
	/* occurrences past the limit */
	n = TERMS(b, 1, "\3\3and\xff\xff\xff\xff\x0f\0");
	expect_refused(DFT_FRAME_TERMS, b, n, text);

	/* frames past the bytes one text's terms may take */
	{
		unsigned char *big = calloc(1, DFT_FRAME_MAX);
		int rc = 0;
		assert_non_null(big);
		dft_analysis_result_init(&r);
		for (size_t i = 0; rc == 0 && i <= DFT_ANALYSIS_TERMS_BYTES / (DFT_FRAME_MAX - 1) + 1; i++)
			rc = dft_analysis_take(&r, DFT_FRAME_TERMS, (char *)big, DFT_FRAME_MAX, strlen(text), text);
		assert_int_equal(rc, DFT_EINVAL);
		dft_analysis_result_dispose(&r);
		free(big);
	}
}

/* The store's writer refuses bad bytes whole, before any change: the
 * segment it then writes holds only the good document. */
static void bad_terms_change_nothing(void **state)
{
	static const char good[] = "\3\3and\1\1\1\5mosul\1\1\2", bad[] = "\3\3and\1\1\1\3and\1\1\1";
	dft_ix_writer *w;
	(void)state;
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_ix_add_terms(w, 7, DFT_IX_BODY, bad, sizeof(bad) - 1), DFT_EINVAL);
	assert_int_equal(dft_ix_pending_bytes(w), 0);
	assert_int_equal(dft_ix_add_terms(w, 7, DFT_IX_BODY, good, sizeof(good) - 1), 0);
	assert_true(dft_ix_pending_bytes(w) > 0);
	assert_int_equal(dft_ix_terms_check(bad, sizeof(bad) - 1), DFT_EINVAL);
	assert_int_equal(dft_ix_terms_check(good, sizeof(good) - 1), 0);
	dft_ix_writer_free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_as_the_parent),
		cmocka_unit_test(many_mentions),
		cmocka_unit_test(hostile_frames),
		cmocka_unit_test(same_index_as_the_parent),
		cmocka_unit_test(many_terms),
		cmocka_unit_test(hostile_terms),
		cmocka_unit_test(bad_terms_change_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
