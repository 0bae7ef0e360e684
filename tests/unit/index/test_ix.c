/*
 * test_ix.c - daftar's own index (ix.h) against two references:
 *
 *  - FTS5 with daftar's tokenizer, over the same documents, for what
 *    matches: for generated expressions (forms of a word, AND, OR, NOT,
 *    phrases, prefixes, NEAR) the set of documents ix finds must be the
 *    set FTS5 finds;
 *  - ix itself without pruning, for what ranks: the top 10 with MaxScore
 *    and skipped blocks must be the first 10 of every match scored.
 *
 * Documents are added out of id order, in many small segments that the
 * writer merges, and the answers must not change when everything is
 * merged into one segment, nor when the rows are in the format of the
 * index before (1: a posting's count always written), which readers and
 * merges take. A damaged postings blob gives an error, not a crash or
 * wrong hits, and dft_ix_check (daftar verify) names it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daftar/core.h"
#include "daftar/index.h"
#include "daftar/ix.h"
#include "daftar/text.h"
#include "../../../src/index/ix_internal.h" /* the blob formats: rows rewritten as format 1 */

#define NDOCS 900
#define NEXPR 400

static const char *const words[] = {
	"boundary", "layers", "layer", "flow", "flows", "wing", "wings", "pressure", "heat", "transfer",
	"supersonic", "shock", "wave", "waves", "plate", "plates", "model", "theory", "Adnani", "Raqqa",
	"مدرسة", "المدرسة", "والمدرسة", "كتاب", "الكتاب", "بالكتاب", "الرقة", "العدناني", "دولة", "الدولة",
	"ولاية", "رسالة", "الرسالة", "عبد", "الكريم", "جندي", "الجنود", "مكتب", "المكتب", "ديوان",
};
#define NWORDS (sizeof words / sizeof words[0])

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

/* a word drawn with a skew, so some are common and some rare */
static const char *draw(void)
{
	uint32_t a = rnd(NWORDS), b = rnd(NWORDS);
	return words[a < b ? a : b];
}

static char *make_text(int nwords)
{
	dft_buf b;
	char *s;
	dft_buf_init(&b, 1 << 20);
	for (int i = 0; i < nwords; i++) {
		if (i)
			dft_buf_addc(&b, rnd(12) ? ' ' : '\n');
		dft_buf_adds(&b, draw());
	}
	s = strdup(dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	return s;
}

struct corpus {
	char *title[NDOCS + 1], *path[NDOCS + 1], *body[NDOCS + 1];
};

static struct corpus C;

static void make_corpus(void)
{
	for (int d = 1; d <= NDOCS; d++) {
		char p[64];
		C.title[d] = rnd(4) ? strdup("") : make_text(1 + (int)rnd(3));
		snprintf(p, sizeof p, "folder%u/%s-%d.txt", rnd(3), draw(), d);
		C.path[d] = strdup(p);
		/* lengths from 1 to ~400 words, a few long ones */
		C.body[d] = make_text(rnd(10) ? 1 + (int)rnd(60) : 100 + (int)rnd(300));
	}
}

static sqlite3 *open_db(void)
{
	sqlite3 *db;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(dft_index_register(db), 0);
	assert_int_equal(dft_ix_schema(db), 0);
	return db;
}

/* index the corpus into ix (segments of `seg_docs` documents, ids in a
 * shuffled order) and into FTS5 */
static void build(sqlite3 *db, int seg_docs, int with_fts)
{
	dft_ix_writer *w;
	dft_analyzer *an;
	int order[NDOCS];
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	for (int i = 0; i < NDOCS; i++)
		order[i] = i + 1;
	for (int i = NDOCS - 1; i > 0; i--) {
		int j = (int)rnd((uint32_t)i + 1), t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	if (with_fts)
		assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE fts USING fts5(title, path, body, tokenize='daftar')",
					      NULL, NULL, NULL),
				 SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	for (int i = 0; i < NDOCS; i++) {
		int d = order[i];
		assert_int_equal(dft_ix_add(w, (uint32_t)d, DFT_IX_BODY, an, C.body[d], strlen(C.body[d])), 0);
		assert_int_equal(dft_ix_add(w, (uint32_t)d, DFT_IX_TITLE, an, C.title[d], strlen(C.title[d])), 0);
		assert_int_equal(dft_ix_add(w, (uint32_t)d, DFT_IX_PATH, an, C.path[d], strlen(C.path[d])), 0);
		if (with_fts) {
			sqlite3_stmt *s;
			assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, title, path, body) VALUES(?,?,?,?)", -1,
							    &s, NULL),
					 SQLITE_OK);
			sqlite3_bind_int(s, 1, d);
			sqlite3_bind_text(s, 2, C.title[d], -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 3, C.path[d], -1, SQLITE_STATIC);
			sqlite3_bind_text(s, 4, C.body[d], -1, SQLITE_STATIC);
			assert_int_equal(sqlite3_step(s), SQLITE_DONE);
			sqlite3_finalize(s);
		}
		if ((i + 1) % seg_docs == 0 || i + 1 == NDOCS) {
			if (dft_ix_flush(w, db) < 0)
				fail_msg("flush: %s", dft_error_msg());
		}
	}
	assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
}

/* one word of the vocabulary as dft_query_compile writes it */
static void compiled_word(dft_buf *out, const char *w, int prefix)
{
	dft_query q;
	char text[256];
	if (prefix) {
		/* the first 3 letters (bytes of whole characters) of the word, then * */
		size_t n = 0, chars = 0;
		while (w[n] && chars < 3) {
			n++;
			while (((unsigned char)w[n] & 0xC0) == 0x80)
				n++;
			chars++;
		}
		snprintf(text, sizeof text, "%.*s*", (int)n, w);
	} else {
		snprintf(text, sizeof text, "%s", w);
	}
	assert_int_equal(dft_query_compile(&q, text, NULL, NULL), 0);
	dft_buf_add(out, q.match.ptr, q.match.len);
	dft_query_dispose(&q);
}

/* a random expression of the kinds query.c writes */
static void make_expr(dft_buf *out)
{
	dft_buf tmp;
	uint32_t kind = rnd(9);
	dft_buf_init(&tmp, 1 << 16);
	switch (kind) {
	case 0: /* one word, all its forms */
	case 1:
		compiled_word(out, draw(), 0);
		break;
	case 2: /* a AND b */
		compiled_word(out, draw(), 0);
		dft_buf_adds(out, " AND ");
		compiled_word(out, draw(), 0);
		break;
	case 3: /* a OR b OR c, as the user's OR */
		dft_buf_adds(out, "(");
		compiled_word(out, draw(), 0);
		dft_buf_adds(out, ") OR (");
		compiled_word(out, draw(), 0);
		dft_buf_adds(out, ") OR (");
		compiled_word(out, draw(), 0);
		dft_buf_adds(out, ")");
		break;
	case 4: /* a NOT b */
		compiled_word(out, draw(), 0);
		dft_buf_adds(out, " NOT ");
		compiled_word(out, draw(), 0);
		break;
	case 5: { /* a phrase of two or three consecutive words of a document */
		dft_query q;
		const char *b = C.body[1 + rnd(NDOCS)], *p = b;
		int skip = (int)rnd(5), take = 2 + (int)rnd(2);
		dft_buf_adds(&tmp, "\"");
		for (int w = 0; *p && w < skip + take; w++) {
			const char *st = p;
			while (*p && *p != ' ' && *p != '\n')
				p++;
			if (w >= skip) {
				if (w > skip)
					dft_buf_addc(&tmp, ' ');
				dft_buf_add(&tmp, st, (size_t)(p - st));
			}
			while (*p == ' ' || *p == '\n')
				p++;
		}
		if (tmp.len == 1) /* a body shorter than the words skipped */
			dft_buf_adds(&tmp, draw());
		dft_buf_adds(&tmp, "\"");
		if (dft_query_compile(&q, dft_buf_cstr(&tmp), NULL, NULL) < 0)
			fail_msg("%s: %s", dft_buf_cstr(&tmp), dft_error_msg());
		dft_buf_add(out, q.match.ptr, q.match.len);
		dft_query_dispose(&q);
		break;
	}
	case 6: /* a prefix */
		compiled_word(out, draw(), 1);
		break;
	case 7: /* a prefix AND a word */
		compiled_word(out, draw(), 1);
		dft_buf_adds(out, " AND ");
		compiled_word(out, draw(), 0);
		break;
	default: { /* NEAR of two words */
		dft_query q;
		char text[256];
		snprintf(text, sizeof text, "NEAR(%s %s, %u)", draw(), draw(), rnd(6));
		assert_int_equal(dft_query_compile(&q, text, NULL, NULL), 0);
		dft_buf_add(out, q.match.ptr, q.match.len);
		dft_query_dispose(&q);
		break;
	}
	}
	dft_buf_dispose(&tmp);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* the documents FTS5 matches, sorted */
static size_t fts_matches(sqlite3 *db, const char *expr, uint32_t *out)
{
	sqlite3_stmt *s;
	size_t n = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM fts WHERE fts MATCH ?1 ORDER BY rowid", -1, &s, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(s, 1, expr, -1, SQLITE_STATIC);
	while (sqlite3_step(s) == SQLITE_ROW)
		out[n++] = (uint32_t)sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

static size_t ix_matches(dft_ix *ix, const char *expr, uint32_t *out, dft_ix_result *all)
{
	if (dft_ix_search(ix, expr, NDOCS + 10, NULL, 0, 1, all) < 0)
		fail_msg("ix: %s: %s", expr, dft_error_msg());
	for (size_t i = 0; i < all->nhits; i++)
		out[i] = all->hits[i].doc;
	qsort(out, all->nhits, sizeof *out, cmp_u32);
	return all->nhits;
}

static void check_expressions(sqlite3 *db, sqlite3 *other, int *kinds_seen)
{
	dft_ix *ix, *ix2 = NULL;
	static uint32_t a[NDOCS + 10], b[NDOCS + 10];
	int nonempty = 0;
	assert_int_equal(dft_ix_open(&ix, db), 0);
	if (other)
		assert_int_equal(dft_ix_open(&ix2, other), 0);
	for (int q = 0; q < NEXPR; q++) {
		dft_buf e;
		dft_ix_result all, top, top2, cnt;
		size_t na, nb;
		dft_buf_init(&e, 1 << 20);
		make_expr(&e);
		na = fts_matches(db, dft_buf_cstr(&e), a);
		nb = ix_matches(ix, dft_buf_cstr(&e), b, &all);
		if (na != nb || memcmp(a, b, na * sizeof *a))
			fail_msg("%s: FTS5 matches %zu documents, ix %zu", dft_buf_cstr(&e), na, nb);
		assert_int_equal(all.total, (int64_t)na);
		nonempty += na > 0;
		/* pruned top 10 = the first 10 of all scored */
		assert_int_equal(dft_ix_search(ix, dft_buf_cstr(&e), 10, NULL, 0, 0, &top), 0);
		assert_int_equal(top.nhits, na < 10 ? na : 10);
		for (size_t i = 0; i < top.nhits; i++) {
			if (top.hits[i].doc != all.hits[i].doc)
				fail_msg("%s: hit %zu is %u (%.6f), scored in full %u (%.6f)", dft_buf_cstr(&e), i,
					 top.hits[i].doc, top.hits[i].score, all.hits[i].doc, all.hits[i].score);
			assert_true(top.hits[i].score > 0);
		}
		/* the count alone, exact when asked */
		assert_int_equal(dft_ix_search(ix, dft_buf_cstr(&e), 10, NULL, 0, 1, &cnt), 0);
		assert_int_equal(cnt.total, (int64_t)na);
		assert_true(cnt.total_exact);
		if (!top.total_exact)
			assert_true(top.total <= (int64_t)na);
		/* the same index in other segments gives the same answer */
		if (ix2) {
			assert_int_equal(dft_ix_search(ix2, dft_buf_cstr(&e), 10, NULL, 0, 1, &top2), 0);
			assert_int_equal(top2.nhits, top.nhits);
			assert_int_equal(top2.total, cnt.total);
			for (size_t i = 0; i < top.nhits; i++) {
				assert_int_equal(top2.hits[i].doc, top.hits[i].doc);
				assert_float_equal(top2.hits[i].score, top.hits[i].score, 1e-4);
			}
			dft_ix_result_dispose(&top2);
		}
		if (strstr(dft_buf_cstr(&e), " + "))
			kinds_seen[0]++;
		if (strstr(dft_buf_cstr(&e), "*"))
			kinds_seen[1]++;
		if (strstr(dft_buf_cstr(&e), "NEAR("))
			kinds_seen[2]++;
		if (strstr(dft_buf_cstr(&e), " NOT "))
			kinds_seen[3]++;
		dft_ix_result_dispose(&all);
		dft_ix_result_dispose(&top);
		dft_ix_result_dispose(&cnt);
		dft_buf_dispose(&e);
	}
	assert_true(nonempty > NEXPR / 2);
	dft_ix_close(ix);
	dft_ix_close(ix2);
}

static int count_segments(sqlite3 *db)
{
	sqlite3_stmt *s;
	int n;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM ix_segs", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return n;
}

/* Rewrite every row in format 1 (ix_internal.h), as an index written
 * before format 2 holds them: each posting's count written, each
 * document's positions headed by their count. */
static void to_format1(sqlite3 *db)
{
	sqlite3_stmt *s, *u;
	int rows = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid, post, pos FROM ix_terms", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE ix_terms SET post = ?1, pos = ?3 WHERE rowid = ?2", -1, &u, NULL),
			 SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const uint8_t *b = sqlite3_column_blob(s, 1), *end = b + sqlite3_column_bytes(s, 1), *p = b, *data;
		int has_pos = sqlite3_column_type(s, 2) != SQLITE_NULL;
		uint32_t df, nb, pos_offset[64];
		ix_block_header h[64];
		dft_buf out, pos1, blocks;
		size_t starts[64];
		uint8_t v[10];
		assert_int_equal(ix_post_format(&p, end), 2);
		assert_non_null(data = ix_parse_headers(p, end, &df, &nb, h, 64));
		dft_buf_init(&out, 1 << 20);
		dft_buf_init(&pos1, 1 << 20);
		dft_buf_init(&blocks, 1 << 20);
		/* the positions first: where each block's start */
		if (has_pos) {
			const uint8_t *q = sqlite3_column_blob(s, 2), *qend = q + sqlite3_column_bytes(s, 2);
			for (uint32_t i = 0; i < df; i++) {
				uint32_t first;
				int have_first;
				uint32_t k = ix_get_pos_head(&q, qend, 2, &first, &have_first);
				if (i % IX_BLOCK == 0)
					pos_offset[i / IX_BLOCK] = (uint32_t)pos1.len;
				dft_buf_add(&pos1, v, ix_put_varint(v, k));
				if (have_first)
					dft_buf_add(&pos1, v, ix_put_varint(v, first));
				for (uint32_t j = have_first; j < k; j++)
					dft_buf_add(&pos1, v, ix_put_varint(v, ix_get_varint(&q, qend)));
			}
			assert_true(q == qend);
		}
		for (uint32_t k = 0; k < nb; k++) {
			const uint8_t *q = data, *qend = data + h[k].data_bytes;
			starts[k] = blocks.len;
			while (q < qend) {
				uint32_t delta, tf;
				ix_get_posting(&q, qend, 2, &delta, &tf);
				dft_buf_add(&blocks, v, ix_put_varint(v, delta));
				dft_buf_add(&blocks, v, ix_put_varint(v, tf));
			}
			data = qend;
		}
		dft_buf_add(&out, v, ix_put_varint(v, df));
		dft_buf_add(&out, v, ix_put_varint(v, nb));
		for (uint32_t k = 0; k < nb; k++) {
			size_t len = (k + 1 < nb ? starts[k + 1] : blocks.len) - starts[k];
			uint8_t two[2] = {h[k].flags, h[k].min_norm};
			dft_buf_add(&out, v, ix_put_varint(v, h[k].last_doc));
			dft_buf_add(&out, v, ix_put_varint(v, len));
			dft_buf_add(&out, v, ix_put_varint(v, h[k].max_tf));
			dft_buf_add(&out, two, 2);
			dft_buf_add(&out, v, ix_put_varint(v, has_pos ? pos_offset[k] : h[k].pos_offset));
		}
		dft_buf_add(&out, blocks.ptr, blocks.len);
		assert_int_not_equal((uint8_t)out.ptr[0], 0);
		sqlite3_bind_blob(u, 1, out.ptr, (int)out.len, SQLITE_TRANSIENT);
		sqlite3_bind_int64(u, 2, sqlite3_column_int64(s, 0));
		if (has_pos)
			sqlite3_bind_blob(u, 3, pos1.ptr, (int)pos1.len, SQLITE_TRANSIENT);
		else
			sqlite3_bind_null(u, 3);
		assert_int_equal(sqlite3_step(u), SQLITE_DONE);
		sqlite3_reset(u);
		dft_buf_dispose(&out);
		dft_buf_dispose(&pos1);
		dft_buf_dispose(&blocks);
		rows++;
	}
	sqlite3_finalize(s);
	sqlite3_finalize(u);
	assert_true(rows > 40);
}

/* dft_ix_check's faults, one line each */
static int check_problems;
static char check_last[512];
static int on_check_problem(void *ctx, const char *detail)
{
	(void)ctx;
	check_problems++;
	snprintf(check_last, sizeof check_last, "%s", detail);
	return 0;
}

/* the documents table dft_ix_check compares the index with */
static void add_documents(sqlite3 *db, int n)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "CREATE TABLE documents(id INTEGER PRIMARY KEY, status TEXT);"
		 "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d) "
		 "INSERT INTO documents SELECT i, 'ok' FROM c",
		 n);
	assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
}

static int ix_problems(sqlite3 *db)
{
	int64_t rows;
	check_problems = 0;
	assert_int_equal(dft_ix_check(db, on_check_problem, NULL, &rows), 0);
	assert_true(rows > 0);
	return check_problems;
}

static void test_matches_and_ranking(void **state)
{
	sqlite3 *many, *one;
	int kinds[4] = {0};
	(void)state;
	make_corpus();
	rng = 12345;
	many = open_db();
	build(many, 7, 1); /* 129 flushes of 7: merged as they pile up */
	one = open_db();
	build(one, NDOCS, 0);
	assert_true(count_segments(many) > 1);
	assert_int_equal(count_segments(one), 1);
	check_expressions(many, one, kinds);
	/* every kind of expression was tried */
	assert_true(kinds[0] > 10 && kinds[1] > 10 && kinds[2] > 10 && kinds[3] > 10);
	add_documents(many, NDOCS);
	add_documents(one, NDOCS);
	assert_int_equal(ix_problems(many), 0);
	assert_int_equal(ix_problems(one), 0);
	/* rows of the format before: read and checked the same */
	to_format1(many);
	assert_int_equal(ix_problems(many), 0);
	check_expressions(many, one, kinds);
	/* merged into one segment (written in format 2): the same answers */
	assert_int_equal(sqlite3_exec(many, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(dft_ix_optimize(many), 0);
	assert_int_equal(sqlite3_exec(many, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(count_segments(many), 1);
	assert_int_equal(ix_problems(many), 0);
	check_expressions(many, one, kinds);
	sqlite3_close(many);
	sqlite3_close(one);
	for (int d = 1; d <= NDOCS; d++) {
		free(C.title[d]);
		free(C.path[d]);
		free(C.body[d]);
	}
}

/* A rare word ranks a document where it occurs often and the document is
 * short above one where it occurs once in a long text; the title counts. */
static void test_bm25_order(void **state)
{
	sqlite3 *db = open_db();
	dft_ix_writer *w;
	dft_analyzer *an;
	dft_ix *ix;
	dft_ix_result r;
	const char *bodies[] = {
		"zeppelin airship hangar", /* 1: short, once */
		"zeppelin zeppelin zeppelin airship", /* 2: short, three times */
		"airship hangar mooring mast crew ballast gas cell envelope frame girder zeppelin engine gondola", /* 3: long, once */
		"nothing here at all", /* 4 */
	};
	(void)state;
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	for (int d = 1; d <= 4; d++)
		assert_int_equal(dft_ix_add(w, (uint32_t)d, DFT_IX_BODY, an, bodies[d - 1], strlen(bodies[d - 1])), 0);
	assert_int_equal(dft_ix_add(w, 5, DFT_IX_BODY, an, bodies[2], strlen(bodies[2])), 0);
	assert_int_equal(dft_ix_add(w, 5, DFT_IX_TITLE, an, "Zeppelin", 8), 0);
	/* a field twice, or out of order: refused */
	assert_int_equal(dft_ix_add(w, 5, DFT_IX_BODY, an, "x", 1), DFT_EINVAL);
	assert_int_equal(dft_ix_flush(w, db), 0);
	assert_int_equal(dft_ix_open(&ix, db), 0);
	assert_int_equal(dft_ix_search(ix, "(\"zeppelin\")", 10, NULL, 0, 1, &r), 0);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.nhits, 4);
	assert_int_equal(r.hits[0].doc, 5); /* in its title, which weighs 10 */
	assert_int_equal(r.hits[1].doc, 2); /* three times in a short text */
	assert_int_equal(r.hits[2].doc, 1);
	assert_int_equal(r.hits[3].doc, 3); /* once in a long text, no title */
	dft_ix_result_dispose(&r);
	/* filters: only the documents let through */
	{
		uint8_t allowed[1] = {1 << 3 | 1 << 1};
		assert_int_equal(dft_ix_search(ix, "(\"zeppelin\")", 10, allowed, 8, 1, &r), 0);
		assert_int_equal(r.total, 2);
		assert_int_equal(r.hits[0].doc, 1);
		assert_int_equal(r.hits[1].doc, 3);
		dft_ix_result_dispose(&r);
	}
	dft_ix_close(ix);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	sqlite3_close(db);
}

/* The top hits of a query as the product compiles it (query.c). */
static void search_query(dft_ix *ix, const char *text, dft_ix_result *r)
{
	dft_query q;
	assert_int_equal(dft_query_compile(&q, text, NULL, NULL), 0);
	assert_int_equal(dft_ix_search(ix, dft_buf_cstr(&q.match), 10, NULL, 0, 1, r), 0);
	dft_query_dispose(&q);
}

/* An English word finds and scores its whole stem class (circular finds
 * circularity and circularized), its spelling and inflections rank first,
 * and a stop word beside other words matches but scores nothing, unless
 * the query has nothing else. */
static void test_stem_class_and_stop_words(void **state)
{
	sqlite3 *db = open_db();
	dft_ix_writer *w;
	dft_analyzer *an;
	dft_ix *ix;
	dft_ix_result r;
	const char *bodies[] = {
		"the circular orbit of a moon",      /* 1: the stem itself */
		"circularized orbits of the moon",   /* 2: an inflection */
		"what what what is there",           /* 3 */
		"the circularity of an orbit here",  /* 4: derived, as long as 1 */
		"heat in a slab of metal",           /* 5 */
	};
	(void)state;
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	for (int d = 1; d <= 5; d++)
		assert_int_equal(dft_ix_add(w, (uint32_t)d, DFT_IX_BODY, an, bodies[d - 1], strlen(bodies[d - 1])), 0);
	assert_int_equal(dft_ix_flush(w, db), 0);
	assert_int_equal(dft_ix_open(&ix, db), 0);
	/* "circular" is its own stem: it has no "s:" token, the others do */
	search_query(ix, "circular", &r);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.hits[0].doc, 1); /* the spelling asked for */
	dft_ix_result_dispose(&r);
	search_query(ix, "circularizing", &r);
	assert_int_equal(r.total, 3);
	assert_int_equal(r.hits[0].doc, 2); /* an inflection of the word asked for */
	dft_ix_result_dispose(&r);
	/* among other words the class is one word: circular and circularity
	 * score alike in documents of one length (scored apart, "circular" and
	 * "s:circular" have their own idf); the spelling adds its share */
	search_query(ix, "circularized OR heat", &r);
	assert_int_equal(r.total, 4);
	assert_int_equal(r.hits[1].doc, 2);
	assert_true(r.hits[2].score > 0 && r.hits[2].score == r.hits[3].score);
	assert_true(r.hits[1].score > r.hits[2].score);
	dft_ix_result_dispose(&r);
	/* "what" is in a document three times, yet ranks it nowhere beside
	 * a content word; it still matches */
	search_query(ix, "what OR heat", &r);
	assert_int_equal(r.total, 2);
	assert_int_equal(r.hits[0].doc, 5);
	assert_int_equal(r.hits[1].doc, 3);
	assert_true(r.hits[1].score == 0);
	dft_ix_result_dispose(&r);
	/* stop words alone keep their scores */
	search_query(ix, "what", &r);
	assert_int_equal(r.total, 1);
	assert_true(r.hits[0].score > 0);
	dft_ix_result_dispose(&r);
	dft_ix_close(ix);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	sqlite3_close(db);
}

/* A prefix of many words (read one word at a time into one list): the
 * documents FTS5 finds, the counts of different words added up. */
static void test_wide_prefix(void **state)
{
	sqlite3 *db = open_db();
	dft_ix_writer *w;
	dft_analyzer *an;
	dft_ix *ix;
	dft_ix_result r, all;
	static uint32_t a[400], b[400];
	size_t na;
	(void)state;
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE fts USING fts5(title, path, body, tokenize='daftar')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	for (uint32_t d = 1; d <= 300; d++) {
		char text[256];
		sqlite3_stmt *s;
		/* zetaN for 40 values of N, a few a document; every 7th none */
		snprintf(text, sizeof text, "alpha zeta%u beta zeta%u zeta%u gamma", rnd(40), rnd(40), rnd(40));
		if (d % 7 == 0)
			snprintf(text, sizeof text, "alpha beta gamma zet");
		assert_int_equal(dft_ix_add(w, d, DFT_IX_BODY, an, text, strlen(text)), 0);
		assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, body) VALUES(?, ?)", -1, &s, NULL), SQLITE_OK);
		sqlite3_bind_int(s, 1, (int)d);
		sqlite3_bind_text(s, 2, text, -1, SQLITE_TRANSIENT);
		assert_int_equal(sqlite3_step(s), SQLITE_DONE);
		sqlite3_finalize(s);
		if (d % 50 == 0)
			assert_int_equal(dft_ix_flush(w, db), 0);
	}
	assert_int_equal(dft_ix_open(&ix, db), 0);
	na = fts_matches(db, "\"zeta\" *", a);
	assert_true(na > 200 && na < 300);
	assert_int_equal(ix_matches(ix, "\"zeta\" *", b, &all), na);
	assert_memory_equal(a, b, na * sizeof *a);
	/* more words of the prefix, more score */
	assert_int_equal(dft_ix_search(ix, "\"zeta\" *", 10, NULL, 0, 1, &r), 0);
	assert_int_equal(r.total, (int64_t)na);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(r.hits[i].doc, all.hits[i].doc);
	dft_ix_result_dispose(&r);
	dft_ix_result_dispose(&all);
	dft_ix_close(ix);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	sqlite3_close(db);
}

/* A damaged row: an error naming the term, never a crash or a wrong hit. */
static void test_damaged_postings(void **state)
{
	sqlite3 *db = open_db();
	dft_ix_writer *w;
	dft_analyzer *an;
	dft_ix *ix;
	dft_ix_result r;
	(void)state;
	assert_int_equal(dft_ix_writer_new(&w), 0);
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	for (uint32_t d = 1; d <= 300; d++)
		assert_int_equal(dft_ix_add(w, d, DFT_IX_BODY, an, "kestrel falcon", 14), 0);
	assert_int_equal(dft_ix_flush(w, db), 0);
	/* cut the postings short, then claim more blocks than there are */
	assert_int_equal(sqlite3_exec(db, "UPDATE ix_terms SET post = substr(post, 1, 5) WHERE term = 'kestrel';"
					  "UPDATE ix_terms SET post = x'ff01ffffffff0f' WHERE term = 'falcon'",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(dft_ix_open(&ix, db), 0);
	assert_int_equal(dft_ix_search(ix, "(\"kestrel\")", 10, NULL, 0, 1, &r), DFT_ECORRUPT);
	assert_non_null(strstr(dft_error_msg(), "kestrel"));
	assert_int_equal(dft_ix_search(ix, "(\"falcon\")", 10, NULL, 0, 1, &r), DFT_ECORRUPT);
	/* daftar verify names both; and a document the index lacks */
	add_documents(db, 301);
	assert_int_equal(ix_problems(db), 3);
	assert_non_null(strstr(check_last, "the case stores 301"));
	/* and a malformed expression is refused */
	assert_int_equal(dft_ix_search(ix, "(\"falcon\"", 10, NULL, 0, 1, &r), DFT_EINVAL);
	dft_ix_close(ix);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches_and_ranking),
		cmocka_unit_test(test_bm25_order),
		cmocka_unit_test(test_stem_class_and_stop_words),
		cmocka_unit_test(test_wide_prefix),
		cmocka_unit_test(test_damaged_postings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
