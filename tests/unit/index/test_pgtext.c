/*
 * test_pgtext.c - the PostgreSQL full-text pieces (pgtext.h) without a
 * PostgreSQL: tsvector literals of English and Arabic text (every form at
 * its surface's position, weights, quoting, the 256-position and 16383
 * clamps, a 5 MB body under 1 MiB) checked against what FTS5 itself indexes
 * with daftar's tokenizer in an in-memory SQLite; tsquery translations of
 * every form dft_query_compile writes; snippets and pages checked against
 * FTS5's snippet() and dft_page.
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
#include "daftar/pgtext.h"

/* ---- a tsvector literal, parsed back ------------------------------------ */

struct entry {
	char lex[300];
	int npos;
	int pos[300];
	char weight[300]; /* 'A' 'B' 'C' 'D' */
};

struct tsv {
	struct entry *e;
	size_t n;
};

/* Parse 'lex':1A,2,... 'lex2':... as PostgreSQL reads it; fails the test on
 * anything it would not accept from us. */
static struct tsv parse_tsv(const char *s)
{
	struct tsv v = {NULL, 0};
	size_t cap = 0;
	while (*s) {
		struct entry *e;
		size_t k = 0;
		if (*s == ' ') {
			s++;
			continue;
		}
		assert_int_equal(*s, '\'');
		if (v.n == cap) {
			cap = cap ? cap * 2 : 256;
			v.e = realloc(v.e, cap * sizeof(*v.e));
			assert_non_null(v.e);
		}
		e = &v.e[v.n++];
		memset(e, 0, sizeof(*e));
		for (s++;; s++) {
			assert_true(*s != '\0');
			if (*s == '\\') {
				s++;
				assert_true(*s == '\\' || *s == '\'');
			} else if (*s == '\'') {
				if (s[1] != '\'')
					break;
				s++;
			}
			assert_true(k < sizeof(e->lex) - 1);
			e->lex[k++] = *s;
		}
		s++; /* closing quote */
		if (*s != ':')
			continue;
		do {
			char *end;
			long p;
			s++;
			p = strtol(s, &end, 10);
			assert_true(end > s);
			assert_true(p >= 1 && p <= 16383);
			s = end;
			assert_true(e->npos < 300);
			e->pos[e->npos] = (int)p;
			e->weight[e->npos] = 'D';
			if (*s >= 'A' && *s <= 'D')
				e->weight[e->npos] = *s++;
			e->npos++;
		} while (*s == ',');
		assert_true(*s == ' ' || *s == '\0');
	}
	return v;
}

static const struct entry *find(const struct tsv *v, const char *lex)
{
	size_t i;
	for (i = 0; i < v->n; i++)
		if (strcmp(v->e[i].lex, lex) == 0)
			return &v->e[i];
	return NULL;
}

/* Does lex have position pos with this weight? */
static int has_pos(const struct tsv *v, const char *lex, int pos, char weight)
{
	const struct entry *e = find(v, lex);
	int i;
	if (!e)
		return 0;
	for (i = 0; i < e->npos; i++)
		if (e->pos[i] == pos && e->weight[i] == weight)
			return 1;
	return 0;
}

/* The binary size PostgreSQL gives this tsvector (tsvector.c: header,
 * WordEntry array, lexemes, each position list short-aligned). */
static size_t binary_size(const struct tsv *v)
{
	size_t data = 0, i;
	for (i = 0; i < v->n; i++) {
		data += strlen(v->e[i].lex);
		if (v->e[i].npos)
			data = ((data + 1) & ~(size_t)1) + 2 + 2 * (size_t)v->e[i].npos;
	}
	return 8 + 4 * v->n + data;
}

static struct tsv tsvector(const char *title, const char *path, const char *body, int *rc, dft_buf *b)
{
	dft_buf_reset(b);
	*rc = dft_pg_tsvector(title, title ? strlen(title) : 0, path, path ? strlen(path) : 0, body,
			      body ? strlen(body) : 0, NULL, b);
	assert_true(*rc >= 0);
	return parse_tsv(dft_buf_cstr(b));
}

static void test_tsvector_english(void **state)
{
	dft_buf b;
	int rc;
	struct tsv v;
	(void)state;
	dft_buf_init(&b, 1 << 24);
	v = tsvector("Barrel bombs", "letters/2016/bombs.txt", "The regime dropped barrel bombs.", &rc, &b);
	assert_int_equal(rc, 0);
	/* title from 1, weight A; each form at its surface's position */
	assert_true(has_pos(&v, "barrel", 1, 'A'));
	assert_true(has_pos(&v, "bombs", 2, 'A'));
	assert_true(has_pos(&v, "s:bomb", 2, 'A'));
	assert_true(has_pos(&v, "k:brl", 1, 'A'));
	/* lower case in a text with capitals: not a name; in the path, written
	 * without capitals, every word is keyed */
	assert_false(has_pos(&v, "k:bmbs", 2, 'A'));
	assert_true(has_pos(&v, "k:bmbs", 2 + DFT_PG_COLUMN_GAP + 3, 'B'));
	/* path after the gap, weight B */
	assert_true(has_pos(&v, "letters", 2 + DFT_PG_COLUMN_GAP + 1, 'B'));
	assert_true(has_pos(&v, "s:letter", 2 + DFT_PG_COLUMN_GAP + 1, 'B'));
	assert_true(has_pos(&v, "2016", 2 + DFT_PG_COLUMN_GAP + 2, 'B'));
	assert_true(has_pos(&v, "bombs", 2 + DFT_PG_COLUMN_GAP + 3, 'B'));
	/* body after another gap, weight D (no label) */
	{
		int body = 2 + DFT_PG_COLUMN_GAP + 4 + DFT_PG_COLUMN_GAP + 1;
		assert_true(has_pos(&v, "the", body, 'D'));
		assert_true(has_pos(&v, "dropped", body + 2, 'D'));
		assert_true(has_pos(&v, "s:drop", body + 2, 'D'));
		assert_true(has_pos(&v, "bombs", body + 4, 'D'));
	}
	/* one entry a lexeme, positions grouped and in order */
	assert_int_equal(find(&v, "bombs")->npos, 3);
	assert_non_null(strstr(b.ptr, "'bombs':2A,13B,"));
	free(v.e);

	/* no title, no path: the body starts after both gaps */
	v = tsvector(NULL, NULL, "word", &rc, &b);
	assert_true(has_pos(&v, "word", 1 + 2 * DFT_PG_COLUMN_GAP, 'D'));
	free(v.e);
	v = tsvector(NULL, NULL, NULL, &rc, &b);
	assert_int_equal(v.n, 0);
	assert_string_equal(dft_buf_cstr(&b), "");
	free(v.e);
	dft_buf_dispose(&b);
}

static void test_tsvector_arabic(void **state)
{
	dft_buf b;
	int rc;
	struct tsv v;
	(void)state;
	dft_buf_init(&b, 1 << 24);
	v = tsvector("ديوان الزكاة", NULL, "وبالرقة أعلنت الدولة الإسلامية والمعلمون", &rc, &b);
	assert_int_equal(rc, 0);
	/* normalised (ة → ه, أ → ا), weight A */
	assert_true(has_pos(&v, "ديوان", 1, 'A'));
	assert_true(has_pos(&v, "الزكاه", 2, 'A'));
	assert_true(has_pos(&v, "زكاه", 2, 'A'));
	{
		int body = 2 + 2 * DFT_PG_COLUMN_GAP + 1;
		/* clitics stripped, at the surface's position */
		assert_true(has_pos(&v, "وبالرقه", body, 'D'));
		assert_true(has_pos(&v, "رقه", body, 'D'));
		assert_true(has_pos(&v, "اعلنت", body + 1, 'D'));
		assert_true(has_pos(&v, "الدوله", body + 2, 'D'));
		assert_true(has_pos(&v, "دوله", body + 2, 'D'));
		assert_true(has_pos(&v, "الاسلاميه", body + 3, 'D'));
		assert_true(has_pos(&v, "اسلاميه", body + 3, 'D'));
		/* the stem of والمعلمون, without its و */
		assert_true(has_pos(&v, "والمعلمون", body + 4, 'D'));
		assert_true(has_pos(&v, "s:معلم", body + 4, 'D'));
	}
	free(v.e);
	dft_buf_dispose(&b);
}

/* Every (term, column, offset) FTS5 indexes with daftar's tokenizer is in
 * the tsvector at the matching position and weight, and nothing else. */
static void check_against_fts5(const char *title, const char *path, const char *body)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	dft_buf b;
	int rc, first[3] = {0, 0, 0};
	size_t nfts = 0, ntsv = 0, i;
	const char weights[3] = {'A', 'B', 'D'};
	struct tsv v;

	dft_buf_init(&b, 1 << 26);
	v = tsvector(title, path, body, &rc, &b);
	assert_int_equal(rc, 0);
	for (i = 0; i < v.n; i++) {
		int j;
		for (j = 0; j < v.e[i].npos; j++) {
			int c = v.e[i].weight[j] == 'A' ? 0 : v.e[i].weight[j] == 'B' ? 1 : 2;
			if (!first[c] || v.e[i].pos[j] < first[c])
				first[c] = v.e[i].pos[j];
			ntsv++;
		}
	}
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(dft_index_register(db), 0);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, path, body, tokenize='daftar');"
					  "CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t VALUES(?1, ?2, ?3)", -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, body, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT term, col, offset FROM v", -1, &s, NULL), SQLITE_OK);
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *term = (const char *)sqlite3_column_text(s, 0);
		const char *col = (const char *)sqlite3_column_text(s, 1);
		int c = !strcmp(col, "title") ? 0 : !strcmp(col, "path") ? 1 : 2;
		int pos = first[c] + sqlite3_column_int(s, 2);
		if (pos > 16383)
			continue;
		if (!has_pos(&v, term, pos, weights[c]))
			fail_msg("FTS5 has %s at %s:%d, the tsvector does not (%d)", term, col, sqlite3_column_int(s, 2),
				 pos);
		nfts++;
	}
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(nfts, ntsv);
	free(v.e);
	dft_buf_dispose(&b);
}

static void test_tsvector_same_as_fts5(void **state)
{
	(void)state;
	check_against_fts5("Barrel bombs over Raqqa", "letters.zip!/2016/letter-17.txt",
			   "Adnani met al-Adnani (العدناني) in Raqqa: 1,000 USD, l'État, Qur'an.\n"
			   "قال المتحدث إن ودولة الخلافة أعلنت. ثم إن الدولة قررت والمعلمون بالرقة\f"
			   "Аднани — page two, barrel bombs again; U.S. F.A. e-mail foo@example.org");
	check_against_fts5("", "a", "ديوان الزكاة في الرقة");
}

/* Apostrophes and backslashes never reach a lexeme (the analyzer drops
 * them: Qur'an → quran), but the quoting must hold for any text: the
 * literal parses back, and a hand-written stem token keeps both. */
static void test_quoting(void **state)
{
	const char *q = "\"s:it's\\x\" AND \"k:a''b\"";
	dft_buf b;
	int rc;
	struct tsv v;
	(void)state;
	dft_buf_init(&b, 1 << 20);
	v = tsvector("O'Brien's \\\\server\\share", "C:\\dir\\it's.txt", "'quoted' \\ '' \\'", &rc, &b);
	assert_non_null(find(&v, "obriens"));
	assert_non_null(find(&v, "server"));
	assert_non_null(find(&v, "share"));
	assert_non_null(find(&v, "its"));
	free(v.e);

	dft_buf_reset(&b);
	assert_int_equal(dft_pg_tsquery(q, strlen(q), &b), 0);
	assert_string_equal(dft_buf_cstr(&b), "'s:it''s\\\\x' & 'k:a''''b'");
	dft_buf_dispose(&b);
}

static void test_tsvector_limits(void **state)
{
	dft_buf body, b;
	int rc, i;
	struct tsv v;
	const struct entry *e;
	(void)state;
	dft_buf_init(&body, 1 << 24);
	dft_buf_init(&b, 1 << 24);
	/* 300 times "alpha", then 20000 words: the first 256 positions kept */
	for (i = 0; i < 300; i++)
		assert_int_equal(dft_buf_adds(&body, "alpha "), 0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(dft_buf_addf(&body, "w%d ", i % 1000), 0);
	assert_int_equal(dft_buf_adds(&body, "omega zeta omega"), 0);
	v = tsvector("title", NULL, body.ptr, &rc, &b);
	assert_int_equal(rc, 0);
	e = find(&v, "alpha");
	assert_non_null(e);
	assert_int_equal(e->npos, 256);
	assert_int_equal(e->pos[0], 1 + 2 * DFT_PG_COLUMN_GAP + 1);
	assert_int_equal(e->pos[255], 1 + 2 * DFT_PG_COLUMN_GAP + 256);
	/* past 16383 every word is at 16383, once */
	e = find(&v, "omega");
	assert_non_null(e);
	assert_int_equal(e->npos, 1);
	assert_int_equal(e->pos[0], 16383);
	assert_true(has_pos(&v, "zeta", 16383, 'D'));
	/* a word seen before and after the clamp: its positions end at 16383 */
	e = find(&v, "w999");
	assert_non_null(e);
	assert_true(e->npos <= 256);
	for (i = 1; i < e->npos; i++)
		assert_true(e->pos[i] > e->pos[i - 1]);
	free(v.e);
	dft_buf_dispose(&body);
	dft_buf_dispose(&b);
}

/* A 5 MB body of ever new words: the tsvector stays under 1 MiB and says
 * how many tokens it left out; one of few words is whole. */
static void test_tsvector_5mb(void **state)
{
	dft_buf body, b;
	int rc;
	uint32_t x = 12345;
	struct tsv v;
	size_t size;
	(void)state;
	dft_buf_init(&body, 1 << 24);
	dft_buf_init(&b, 1 << 26);
	while (body.len < 5u << 20) {
		char w[16];
		int k, n;
		x = x * 1103515245u + 12345u;
		n = 4 + (int)(x >> 28) % 8;
		for (k = 0; k < n; k++) {
			x = x * 1103515245u + 12345u;
			w[k] = (char)('a' + (x >> 16) % 26);
		}
		w[n] = ' ';
		assert_int_equal(dft_buf_add(&body, w, (size_t)n + 1), 0);
	}
	v = tsvector("title", "path", body.ptr, &rc, &b);
	assert_true(rc > 0);
	size = binary_size(&v);
	assert_true(size < 1u << 20);
	assert_true(size <= DFT_PG_HARD_BYTES);
	assert_true(size > 800u * 1024);
	assert_true(has_pos(&v, "title", 1, 'A'));
	free(v.e);

	/* 5 MB of a small vocabulary: every lexeme fits */
	dft_buf_reset(&body);
	while (body.len < 5u << 20)
		assert_int_equal(dft_buf_adds(&body, "the barrel bombs fell on Raqqa and Mosul again today "), 0);
	v = tsvector("title", "path", body.ptr, &rc, &b);
	assert_int_equal(rc, 0);
	assert_int_equal(find(&v, "raqqa")->npos, 256);
	assert_true(binary_size(&v) < 1u << 20);
	free(v.e);
	dft_buf_dispose(&body);
	dft_buf_dispose(&b);
}

/* ---- tsquery ---------------------------------------------------------------- */

static int fake_fuzzy(void *ctx, const char *norm, int dist, dft_buf *out)
{
	(void)ctx;
	(void)dist;
	return dft_buf_addf(out, "\"%s\" OR \"ward\"", norm);
}

static void check_query(const char *query, dft_fuzzy_fn fuzzy, const char *match, const char *expected)
{
	dft_query q;
	dft_buf b;
	int rc = dft_query_compile(&q, query, fuzzy, NULL);
	if (rc < 0)
		fail_msg("%s: %s", query, dft_error_msg());
	if (match && strcmp(dft_buf_cstr(&q.match), match) != 0)
		fail_msg("%s: query.c now writes %s (the test expects %s)", query, dft_buf_cstr(&q.match), match);
	dft_buf_init(&b, 1 << 20);
	rc = dft_pg_tsquery(q.match.ptr, q.match.len, &b);
	if (rc < 0)
		fail_msg("%s: %s", query, dft_error_msg());
	if (strcmp(dft_buf_cstr(&b), expected) != 0)
		fail_msg("%s: %s gave %s, expected %s", query, dft_buf_cstr(&q.match), dft_buf_cstr(&b), expected);
	dft_buf_dispose(&b);
	dft_query_dispose(&q);
}

/* "bombs": the word, its stem class ("s:bomb", "bomb") and the
 * inflections the stemmer puts in it (query.c, add_inflections; the
 * forms that occur nowhere cost a lookup and find nothing) */
#define BOMBS_EXPR "(\"bombs\" OR \"s:bomb\" OR \"bomb\" OR \"bombed\" OR \"bombing\" OR \"bombe\" OR \"bombes\")"
#define BOMBS_TSQ "( 'bombs' | 's:bomb' | 'bomb' | 'bombed' | 'bombing' | 'bombe' | 'bombes' )"

static void test_tsquery_forms(void **state)
{
	(void)state;
	/* a word: its forms as alternatives; an English word also its whole
	 * stem class ("s:X" and X, the word that is its own stem) */
	check_query("Adnani", NULL, "(\"adnani\" OR \"s:adnani\" OR \"adnanis\" OR \"adnanied\" OR \"adnaniing\")",
		    "( 'adnani' | 's:adnani' | 'adnanis' | 'adnanied' | 'adnaniing' )");
	check_query("bombs", NULL, BOMBS_EXPR, BOMBS_TSQ);
	/* a phrase */
	check_query("\"barrel bombs\"", NULL, "\"barrel\" + \"bombs\"", "'barrel' <-> 'bombs'");
	/* OR, NOT, AND and groups */
	check_query("a OR b", NULL, "((\"a\") OR (\"b\"))", "( 'a' | 'b' )");
	check_query("a -b", NULL, "(\"a\") NOT (\"b\")", "'a' & !'b'");
	check_query("a NOT b", NULL, "(\"a\") NOT (\"b\")", "'a' & !'b'");
	check_query("a -b -c", NULL, "(\"a\") NOT ((\"b\") OR (\"c\"))", "'a' & !( 'b' | 'c' )");
	check_query("NOT x y", NULL, "(\"y\") NOT (\"x\")", "'y' & !'x'");
	check_query("(a OR b) c", NULL, "(((\"a\") OR (\"b\"))) AND (\"c\")", "( 'a' | 'b' ) & 'c'");
	check_query("a AND b OR c d", NULL, "((\"a\") AND (\"b\") OR (\"c\") AND (\"d\"))",
		    "( 'a' & 'b' | 'c' & 'd' )");
	check_query("a (b OR c) -\"d e\"", NULL, "(\"a\") AND (((\"b\") OR (\"c\"))) NOT \"d\" + \"e\"",
		    "'a' & ( 'b' | 'c' ) & !( 'd' <-> 'e' )");
	check_query("raqq* OR \"x y\" -(z OR w)", NULL,
		    "(\"raqq\" * OR \"x\" + \"y\" NOT (((\"z\") OR (\"w\"))))",
		    "( 'raqq':* | 'x' <-> 'y' & !( 'z' | 'w' ) )");
	/* prefix, also of a word the analyzer splits */
	check_query("bomb*", NULL, "\"bomb\" *", "'bomb':*");
	check_query("U.S*", NULL, "\"u\" + \"s\" *", "'u' <-> 's':*");
	/* NEAR: the words together, the distance not enforced */
	check_query("NEAR(a b, 5)", NULL, "NEAR(\"a\" \"b\", 5)", "( 'a' & 'b' )");
	check_query("NEAR(\"a b\" c)", NULL, "NEAR(\"a\" + \"b\" \"c\", 10)", "( 'a' <-> 'b' & 'c' )");
	check_query("x -NEAR(a b)", NULL, "(\"x\") NOT NEAR(\"a\" \"b\", 10)", "'x' & !( 'a' & 'b' )");
	/* Arabic with clitics: the surface and the stripped form */
	check_query("الدولة الإسلامية", NULL, "(\"الدوله\" OR \"دوله\") AND (\"الاسلاميه\" OR \"اسلاميه\")",
		    "( 'الدوله' | 'دوله' ) & ( 'الاسلاميه' | 'اسلاميه' )");
	check_query("وبالرقة", NULL, "(\"وبالرقه\" OR \"رقه\")", "( 'وبالرقه' | 'رقه' )");
	check_query("\"ديوان الزكاة\"", NULL, "\"ديوان\" + \"الزكاه\"", "'ديوان' <-> 'الزكاه'");
	/* a word the analyzer splits: its phrase or its stripped form */
	check_query("U.S.", NULL, "(\"u\" + \"s\")", "( 'u' <-> 's' )");
	check_query("al-Adnani", NULL,
		    "(\"aladnani\" OR \"adnani\" OR \"s:aladnani\" OR \"aladnanis\" OR \"aladnanied\" OR \"aladnaniing\")",
		    "( 'aladnani' | 'adnani' | 's:aladnani' | 'aladnanis' | 'aladnanied' | 'aladnaniing' )");
	/* cross-script names: the keys */
	check_query("~Adnani", NULL, "(\"k:=adnna\" OR \"k:adn\")", "( 'k:=adnna' | 'k:adn' )");
	/* fuzzy: without a vocabulary the word itself, with one the group */
	check_query("word~1", NULL, "\"word\"", "'word'");
	check_query("word~", fake_fuzzy, "(\"word\" OR \"ward\")", "( 'word' | 'ward' )");
	/* filters leave FTS5 (and tsquery) alone */
	check_query("type:pdf bombs", NULL, BOMBS_EXPR, BOMBS_TSQ);
}

static void check_raw(const char *match, const char *expected)
{
	dft_buf b;
	int rc;
	dft_buf_init(&b, 1 << 20);
	rc = dft_pg_tsquery(match, strlen(match), &b);
	if (expected == NULL) {
		if (rc != DFT_EINVAL)
			fail_msg("%s: accepted as %s", match, dft_buf_cstr(&b));
		assert_non_null(strstr(dft_error_msg(), "tsquery"));
	} else {
		if (rc < 0)
			fail_msg("%s: %s", match, dft_error_msg());
		if (strcmp(dft_buf_cstr(&b), expected) != 0)
			fail_msg("%s gave %s, expected %s", match, dft_buf_cstr(&b), expected);
	}
	dft_buf_dispose(&b);
}

static void test_tsquery_syntax(void **state)
{
	(void)state;
	/* FTS5's precedence: NOT over AND over OR */
	check_raw("\"x\" OR \"y\" NOT \"z\"", "'x' | 'y' & !'z'");
	check_raw("(\"x\" OR \"y\") NOT \"z\"", "( 'x' | 'y' ) & !'z'");
	check_raw("\"a\" NOT \"b\" NOT \"c\"", "'a' & !'b' & !'c'");
	check_raw("\"a\" NOT (\"b\" AND \"c\")", "'a' & !( 'b' & 'c' )");
	check_raw("\"a\" NOT \"b\" + \"c\"", "'a' & !( 'b' <-> 'c' )");
	check_raw("(\"a\" + \"b\") OR \"c\"", "( 'a' <-> 'b' ) | 'c'");
	/* implicit AND, barewords, "" inside a string, stars, a string the
	 * query analyzer splits */
	check_raw("\"a\" \"b\"", "'a' & 'b'");
	check_raw("alpha AND beta", "'alpha' & 'beta'");
	check_raw("\"a\" * + \"b\"", "'a':* <-> 'b'");
	check_raw("\"Barrel Bombs\"", "'barrel' <-> 'bombs'");
	check_raw("NEAR(\"a\")", "'a'");
	check_raw("NEAR( \"a\"  \"b\" , 3 )", "( 'a' & 'b' )");
	check_raw("  (  \"a\"  )  ", "'a'");
	/* what dft_query_compile never writes */
	check_raw("title : \"x\"", NULL);
	check_raw("{title path}: \"x\"", NULL);
	check_raw("- title : \"x\"", NULL);
	check_raw("^\"x\"", NULL);
	check_raw("\"x", NULL);
	check_raw("(\"x\"", NULL);
	check_raw("\"x\" )", NULL);
	check_raw("\"x\" AND", NULL);
	check_raw("OR \"x\"", NULL);
	check_raw("NEAR(\"a\" \"b\"", NULL);
	check_raw("NEAR(\"a\", x)", NULL);
	check_raw("NEAR()", NULL);
	check_raw("\"...\"", NULL);
	check_raw("", NULL);
	check_raw("   ", NULL);
	check_raw("\"a\" * *", NULL);
}

/* ---- snippets --------------------------------------------------------------- */

static char *snippet(const char *text, const char *query, int marks, int64_t *page)
{
	static char out[8192];
	dft_query q;
	dft_buf b;
	assert_int_equal(dft_query_compile(&q, query, NULL, NULL), 0);
	dft_buf_init(&b, 1 << 20);
	assert_int_equal(dft_pg_snippet(text, strlen(text), NULL, q.words.ptr, marks, &b, page), 0);
	snprintf(out, sizeof(out), "%s", dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	dft_query_dispose(&q);
	return out;
}

static void test_snippet_english(void **state)
{
	int64_t page = -1;
	(void)state;
	assert_string_equal(snippet("The regime dropped barrel bombs on the city.", "bombs", 0, &page),
			    "The regime dropped barrel «bombs» on the city.");
	assert_int_equal(page, 1);
	/* a stem matches (bombing ~ bombs), the marks may be control characters */
	assert_string_equal(snippet("  Bombing, then more bombs!  ", "bombs", 1, &page),
			    "  \x02"
			    "Bombing\x03, then more \x02"
			    "bombs\x03!  ");
	/* cut at both ends, centred on the matches */
	{
		dft_buf t;
		int i;
		dft_buf_init(&t, 1 << 20);
		for (i = 0; i < 60; i++)
			dft_buf_addf(&t, "w%d ", i);
		dft_buf_adds(&t, "Raqqa and Mosul ");
		for (i = 60; i < 120; i++)
			dft_buf_addf(&t, "w%d ", i);
		assert_string_equal(snippet(t.ptr, "mosul raqqa", 0, &page),
				    "…w50 w51 w52 w53 w54 w55 w56 w57 w58 w59 «Raqqa» and «Mosul» w60 w61 w62 w63 w64 "
				    "w65 w66 w67 w68 w69 w70…");
		/* no match: the start of the text, page 0 */
		assert_string_equal(snippet(t.ptr, "absent", 0, &page),
				    "w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12 w13 w14 w15 w16 w17 w18 w19 w20 w21 w22 w23…");
		assert_int_equal(page, 0);
		dft_buf_dispose(&t);
	}
	/* empty text */
	assert_string_equal(snippet("", "x", 0, &page), "");
	assert_int_equal(page, 0);
}

static void test_snippet_arabic(void **state)
{
	int64_t page = -1;
	(void)state;
	/* الدولة and ودولة share their stripped form دوله */
	assert_string_equal(snippet("قال المتحدث إن ودولة الخلافة أعلنت. ثم إن الدولة قررت", "الدولة", 0, &page),
			    "قال المتحدث إن «ودولة» الخلافة أعلنت. ثم إن «الدولة» قررت");
	assert_int_equal(page, 1);
	/* the query's clitic form finds the bare word: وبالرقة → رقه */
	assert_string_equal(snippet("وصلوا إلى الرقة أمس", "وبالرقة", 0, &page), "وصلوا إلى «الرقة» أمس");
	/* « » of the text itself stay as they are */
	assert_string_equal(snippet("«الدولة» قالت", "الدولة", 1, &page), "«\x02الدولة\x03» قالت");
	/* a ~name: no surface form matches, the cross-script key does */
	assert_string_equal(snippet("A letter about العدناني and Аднани.", "~Adnani", 0, &page),
			    "A letter about «العدناني» and «Аднани».");
}

static void test_snippet_page(void **state)
{
	int64_t page = -1;
	(void)state;
	snippet("page one\fpage two\f\fpage four has Raqqa, and Raqqa", "raqqa", 0, &page);
	assert_int_equal(page, 4);
	snippet("Raqqa\fRaqqa", "raqqa", 0, &page);
	assert_int_equal(page, 1);
	snippet("one\ftwo", "absent", 0, &page);
	assert_int_equal(page, 0);
	snippet("\f\fالرقة", "الرقة", 0, NULL); /* page may be NULL */
}

/* The same snippet and page as FTS5's snippet() and dft_page over daftar's
 * tokenizer, for single-word and AND queries (a phrase FTS5 marks as one
 * span: see pgtext.h). */
static void test_snippet_same_as_fts5(void **state)
{
	static const char *const texts[] = {
		"The regime dropped barrel bombs on the city. Witnesses said the bombing lasted hours. Later that "
		"day, the council in Raqqa met. Barrel bombs fell again on Raqqa: the council fled. Nobody knew "
		"what the council would do next, and the bombs kept falling for days and days over the old town.",
		"page one text\fpage two: the office paid 184,500 USD to al-Adnani\fpage three. Adnani again, "
		"with more words after it so that the window has to choose where to start and where to stop "
		"when it shows the words of the snippet around Adnani.",
		"قال المتحدث إن ودولة الخلافة أعلنت. ثم إن الدولة قررت أن ديوان الزكاة في الرقة سيجمع الأموال "
		"من التجار في المدينة وفي الريف، وقال شهود إن الدولة الإسلامية أرسلت رسائل إلى العدناني في "
		"الرقة. وبالرقة اجتمع المجلس مرة أخرى بعد القصف بالبراميل المتفجرة على المدينة.",
	};
	static const char *const queries[] = {"bombs", "council", "raqqa bombs", "days", "adnani", "office USD",
					      "stop", "الدولة", "الرقة", "الزكاة المدينة", "المجلس", "قال"};
	sqlite3 *db;
	sqlite3_stmt *ins, *sel;
	size_t t, k;
	(void)state;
	assert_int_equal(sqlite3_open(":memory:", &db), SQLITE_OK);
	assert_int_equal(dft_index_register(db), 0);
	assert_int_equal(sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(body, tokenize='daftar')", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(rowid, body) VALUES(1, ?1)", -1, &ins, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT snippet(t, -1, '«', '»', '…', 24), dft_page(t) FROM t WHERE t MATCH ?1",
					    -1, &sel, NULL),
			 SQLITE_OK);
	for (t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		int matched = 0;
		sqlite3_exec(db, "DELETE FROM t", NULL, NULL, NULL);
		sqlite3_bind_text(ins, 1, texts[t], -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(ins), SQLITE_DONE);
		sqlite3_reset(ins);
		for (k = 0; k < sizeof(queries) / sizeof(queries[0]); k++) {
			dft_query q;
			int64_t page = -1;
			char *ours;
			assert_int_equal(dft_query_compile(&q, queries[k], NULL, NULL), 0);
			sqlite3_bind_text(sel, 1, q.match.ptr, (int)q.match.len, SQLITE_STATIC);
			if (sqlite3_step(sel) == SQLITE_ROW) {
				ours = snippet(texts[t], queries[k], 0, &page);
				if (strcmp(ours, (const char *)sqlite3_column_text(sel, 0)) != 0)
					fail_msg("text %zu, %s:\nFTS5: %s\nours: %s", t, queries[k],
						 sqlite3_column_text(sel, 0), ours);
				assert_int_equal(page, sqlite3_column_int64(sel, 1));
				matched++;
			}
			sqlite3_reset(sel);
			dft_query_dispose(&q);
		}
		assert_true(matched >= 3);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(sel);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsvector_english),
		cmocka_unit_test(test_tsvector_arabic),
		cmocka_unit_test(test_tsvector_same_as_fts5),
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_tsvector_limits),
		cmocka_unit_test(test_tsvector_5mb),
		cmocka_unit_test(test_tsquery_forms),
		cmocka_unit_test(test_tsquery_syntax),
		cmocka_unit_test(test_snippet_english),
		cmocka_unit_test(test_snippet_arabic),
		cmocka_unit_test(test_snippet_page),
		cmocka_unit_test(test_snippet_same_as_fts5),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
