/*
 * test_dedup.c - the pieces of duplicate detection one by one: shingles of
 * normalised words (letter forms, case, spacing do not matter; order does),
 * MinHash estimates within their standard error, the LSH bands x rows and
 * S-curve, signature packing, and the word diff: ops that rebuild both
 * texts, minimal on small cases (checked against an LCS table), and the
 * anchored fallback on 60k-word texts far apart; character grams and the
 * aligned similarity of copies across media (an OCR'd letter and its typed
 * text against two letters sharing a letterhead and closing).
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

#include "daftar/core.h"
#include "daftar/dedup.h"
#include "daftar/text.h"

static dft_analyzer *an;

static int setup(void **state)
{
	(void)state;
	return dft_analyzer_new(&an, NULL, 0);
}

static int teardown(void **state)
{
	(void)state;
	dft_analyzer_free(an);
	return 0;
}

static void shingle(dft_shingles *s, const char *text)
{
	dft_shingles_init(s);
	assert_int_equal(dft_shingles_of_text(s, an, text, strlen(text)), 0);
}

static void test_shingles_normalised(void **state)
{
	dft_shingles a, b, c, d, e;
	(void)state;
	shingle(&a, "إلى الأخ والي الرقة أبو محمد العدناني");
	/* other alef forms, tashkeel, tatweel, spacing, line breaks */
	shingle(&b, "  الى   الاخ\nوالي الرقـة أَبو محمد\r\n العدناني ");
	assert_string_equal(a.norm_sha, b.norm_sha);
	assert_int_equal(a.tokens, 7);
	assert_int_equal(a.n, 5);
	assert_true(dft_shingles_jaccard(&a, &b) == 1.0);
	shingle(&c, "Salaries were PAID in July, said the Memo.");
	shingle(&d, "salaries were paid in july said the memo");
	assert_string_equal(c.norm_sha, d.norm_sha);
	/* order matters */
	shingle(&e, "memo the said july in paid were salaries");
	assert_string_not_equal(c.norm_sha, e.norm_sha);
	assert_true(dft_shingles_jaccard(&c, &e) == 0.0);
	dft_shingles_dispose(&a);
	dft_shingles_dispose(&b);
	dft_shingles_dispose(&c);
	dft_shingles_dispose(&d);
	dft_shingles_dispose(&e);
}

static void test_shingles_short(void **state)
{
	dft_shingles a, b, c;
	(void)state;
	shingle(&a, "");
	assert_int_equal(a.tokens, 0);
	assert_int_equal(a.n, 0);
	assert_string_equal(a.norm_sha, "");
	shingle(&b, "Invoice 17");
	assert_int_equal(b.tokens, 2);
	assert_int_equal(b.n, 1); /* one shingle of all its words */
	shingle(&c, "invoice 18");
	assert_true(dft_shingles_jaccard(&b, &c) == 0.0);
	dft_shingles_dispose(&a);
	dft_shingles_dispose(&b);
	dft_shingles_dispose(&c);
}

/* Two synthetic sets with a known Jaccard: the estimate is within 4 sigma. */
static void test_minhash_estimate(void **state)
{
	static const double js[] = {0.2, 0.5, 0.8, 0.9, 0.95, 1.0};
	size_t t;
	(void)state;
	for (t = 0; t < sizeof(js) / sizeof(js[0]); t++) {
		dft_shingles a, b;
		dft_minhash ma, mb;
		size_t n = 2000, shared = (size_t)(js[t] * 2 * n / (1 + js[t]) + 0.5), i;
		double exact, est, sigma;
		dft_shingles_init(&a);
		dft_shingles_init(&b);
		a.h = malloc(n * sizeof(uint64_t));
		b.h = malloc(n * sizeof(uint64_t));
		for (i = 0; i < n; i++) {
			a.h[i] = i * 2654435761u + 1;
			b.h[i] = i < shared ? a.h[i] : (i + n) * 2654435761u + 7;
		}
		a.n = b.n = n;
		/* sorted for the exact Jaccard */
		for (i = 1; i < n; i++)
			assert_true(a.h[i] > a.h[i - 1]);
		exact = (double)shared / (double)(2 * n - shared);
		dft_minhash_sign(&ma, &a);
		dft_minhash_sign(&mb, &b);
		est = dft_minhash_similarity(&ma, &mb);
		sigma = sqrt(exact * (1 - exact) / DFT_MINHASH_PERM);
		printf("  J %.3f: estimate %.3f (sigma %.3f)\n", exact, est, sigma);
		assert_true(fabs(est - exact) <= 4 * sigma + 1e-9);
		free(a.h);
		free(b.h);
	}
}

static void test_minhash_pack(void **state)
{
	dft_shingles s;
	dft_minhash m, m2;
	unsigned char bytes[DFT_MINHASH_PERM * 4];
	(void)state;
	shingle(&s, "one two three four five six seven eight nine ten");
	dft_minhash_sign(&m, &s);
	dft_minhash_pack(&m, bytes);
	assert_int_equal(dft_minhash_unpack(&m2, bytes, sizeof(bytes)), 0);
	assert_memory_equal(&m, &m2, sizeof(m));
	assert_true(dft_minhash_similarity(&m, &m2) == 1.0);
	assert_int_equal(dft_minhash_unpack(&m2, bytes, 17), DFT_ECORRUPT);
	dft_shingles_dispose(&s);
}

static void test_lsh_params(void **state)
{
	int b, r;
	(void)state;
	dft_lsh_params(0.8, &b, &r);
	assert_int_equal(b, 21);
	assert_int_equal(r, 6);
	assert_true(dft_lsh_probability(0.8, b, r) >= 0.995);
	assert_true(dft_lsh_probability(0.3, b, r) < 0.02);
	dft_lsh_params(0.9, &b, &r);
	assert_true(b * r <= DFT_MINHASH_PERM && dft_lsh_probability(0.9, b, r) >= 0.995);
	assert_true(r > 6);
	dft_lsh_params(0.5, &b, &r);
	assert_true(b * r <= DFT_MINHASH_PERM && dft_lsh_probability(0.5, b, r) >= 0.995);
	/* the textbook 16 x 8 would miss 5% at 0.8 */
	assert_true(dft_lsh_probability(0.8, 16, 8) < 0.95);
}

/* ---- a bucket of thousands: forms that differ in one word --------------- */

static size_t *uf;

static size_t uf_root(size_t x)
{
	while (uf[x] != x)
		x = uf[x] = uf[uf[x]];
	return x;
}

static int uf_want(void *ctx, size_t a, size_t b)
{
	(void)ctx;
	return uf_root(a) != uf_root(b);
}

static int uf_join(void *ctx, size_t a, size_t b, double sim, int exact)
{
	size_t x = uf_root(a), y = uf_root(b);
	(void)ctx, (void)exact;
	assert_true(sim >= 0.8);
	if (x != y)
		uf[x < y ? y : x] = x < y ? x : y;
	return 0;
}

static int count_pair(void *ctx, size_t a, size_t b, double sim, int exact)
{
	(void)a, (void)b, (void)sim, (void)exact;
	(*(size_t *)ctx)++;
	return 0;
}

static void test_lsh_big_bucket(void **state)
{
	size_t n = 5000, i, pairs = 0;
	dft_minhash *m = malloc(n * sizeof(*m));
	unsigned char *side = malloc(n);
	dft_near_opts o;
	dft_near_stats st;
	(void)state;
	uf = malloc(n * sizeof(*uf));
	for (i = 0; i < n; i++) {
		char t[600];
		dft_shingles s;
		snprintf(t, sizeof(t),
			 "Form 17 of the department of zakat. Name of the applicant: person%zu. Address: district "
			 "of the city, street of the mosque, house number twelve. The applicant requests support "
			 "for a family of six, and declares that the statements above are true. Signature and stamp.",
			 i);
		shingle(&s, t);
		dft_minhash_sign(&m[i], &s);
		dft_shingles_dispose(&s);
		uf[i] = i;
		side[i] = i >= n - 100; /* the last 100 are a new batch */
	}
	memset(&o, 0, sizeof(o));
	o.threshold = 0.8;
	o.want = uf_want;
	o.pair = uf_join;
	assert_int_equal(dft_near_pairs(m, n, &o, &st), 0);
	printf("  %zu forms: %llu candidates, %llu big buckets\n", n, (unsigned long long)st.candidates,
	       (unsigned long long)st.big_buckets);
	assert_true(st.big_buckets > 0);
	assert_true(st.candidates < 4 * n); /* not n^2 / 2 */
	for (i = 0; i < n; i++)
		assert_int_equal(uf_root(i), 0); /* still one cluster */
	/* across sides: each new form is matched, at most a window of old ones each */
	memset(&o, 0, sizeof(o));
	o.threshold = 0.8;
	o.side = side;
	o.pair = count_pair;
	o.ctx = &pairs;
	assert_int_equal(dft_near_pairs(m, n, &o, &st), 0);
	assert_true(pairs >= 100 && pairs <= 100 * 64 * 21); /* a window a band */
	free(m);
	free(side);
	free(uf);
}

/* ---- diff ------------------------------------------------------------------ */

struct wl {
	char **w;
	size_t n;
};

static int wl_add(void *ctx, const dft_token *t)
{
	struct wl *l = ctx;
	if (t->kind != DFT_TOK_SURFACE || t->colocated)
		return 0;
	l->w = realloc(l->w, (l->n + 1) * sizeof(char *));
	l->w[l->n] = strndup(t->text, t->len);
	l->n++;
	return 0;
}

static void wl_free(struct wl *l)
{
	size_t i;
	for (i = 0; i < l->n; i++)
		free(l->w[i]);
	free(l->w);
}

/* Ops cover both texts in order, equal runs are equal; returns D. */
static size_t check_ops(const dft_diff *d, const char *ta, const char *tb)
{
	struct wl a = {0}, b = {0};
	size_t i, k, pa = 0, pb = 0, D = 0;
	assert_int_equal(dft_analyze(an, ta, strlen(ta), wl_add, &a), 0);
	assert_int_equal(dft_analyze(an, tb, strlen(tb), wl_add, &b), 0);
	assert_int_equal(d->words_a, a.n);
	assert_int_equal(d->words_b, b.n);
	for (i = 0; i < d->nops; i++) {
		const dft_diff_op *o = &d->ops[i];
		assert_int_equal(o->a_from, pa);
		assert_int_equal(o->b_from, pb);
		if (o->op == DFT_DIFF_EQUAL) {
			assert_int_equal(o->a_to - o->a_from, o->b_to - o->b_from);
			for (k = 0; k < o->a_to - o->a_from; k++)
				assert_string_equal(a.w[o->a_from + k], b.w[o->b_from + k]);
		} else if (o->op == DFT_DIFF_DELETE) {
			assert_int_equal(o->b_to, o->b_from);
			D += o->a_to - o->a_from;
		} else {
			assert_int_equal(o->a_to, o->a_from);
			D += o->b_to - o->b_from;
		}
		assert_true(o->a_start <= o->a_end && o->a_end <= strlen(ta));
		assert_true(o->b_start <= o->b_end && o->b_end <= strlen(tb));
		pa = o->a_to;
		pb = o->b_to;
	}
	assert_int_equal(pa, a.n);
	assert_int_equal(pb, b.n);
	assert_int_equal(D, d->deleted + d->inserted);
	wl_free(&a);
	wl_free(&b);
	return D;
}

static size_t lcs_distance(const char *ta, const char *tb)
{
	struct wl a = {0}, b = {0};
	size_t i, j, *t, r;
	dft_analyze(an, ta, strlen(ta), wl_add, &a);
	dft_analyze(an, tb, strlen(tb), wl_add, &b);
	t = calloc((a.n + 1) * (b.n + 1), sizeof(size_t));
	for (i = 1; i <= a.n; i++)
		for (j = 1; j <= b.n; j++)
			t[i * (b.n + 1) + j] = !strcmp(a.w[i - 1], b.w[j - 1])
				? t[(i - 1) * (b.n + 1) + j - 1] + 1
				: (t[(i - 1) * (b.n + 1) + j] > t[i * (b.n + 1) + j - 1] ? t[(i - 1) * (b.n + 1) + j]
											  : t[i * (b.n + 1) + j - 1]);
	r = a.n + b.n - 2 * t[a.n * (b.n + 1) + b.n];
	free(t);
	wl_free(&a);
	wl_free(&b);
	return r;
}

static void test_diff_small(void **state)
{
	static const char *cases[][2] = {
		{"", ""},
		{"", "one two"},
		{"one two", ""},
		{"the letter was sent on Monday", "the letter was sent on Tuesday"},
		{"a b c a b b a", "c b a b a c"},
		{"إلى الأخ والي الرقة أبو محمد", "الى الاخ والي دير الزور أبو محمد"},
		{"x y z", "x y z"},
		{"alpha beta gamma delta", "delta gamma beta alpha"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		dft_diff d;
		dft_diff_init(&d);
		assert_int_equal(dft_diff_texts(&d, cases[i][0], strlen(cases[i][0]), cases[i][1], strlen(cases[i][1])), 0);
		assert_int_equal(check_ops(&d, cases[i][0], cases[i][1]), lcs_distance(cases[i][0], cases[i][1]));
		assert_false(d.anchored);
		dft_diff_dispose(&d);
	}
}

static void random_text(dft_buf *b, unsigned *seed, size_t n, size_t vocab)
{
	size_t i;
	for (i = 0; i < n; i++)
		dft_buf_addf(b, "w%u%s", (unsigned)(rand_r(seed) % vocab), i % 12 == 11 ? ".\n" : " ");
}

static void test_diff_random(void **state)
{
	unsigned seed = 7;
	int round;
	(void)state;
	for (round = 0; round < 30; round++) {
		dft_buf a, b;
		dft_diff d;
		size_t n = 20 + (size_t)(rand_r(&seed) % 150);
		dft_buf_init(&a, 0);
		dft_buf_init(&b, 0);
		random_text(&a, &seed, n, 30);
		random_text(&b, &seed, n / 2 + (size_t)(rand_r(&seed) % n), 30);
		dft_diff_init(&d);
		assert_int_equal(dft_diff_texts(&d, a.ptr, a.len, b.ptr, b.len), 0);
		assert_int_equal(check_ops(&d, a.ptr, b.ptr), lcs_distance(a.ptr, b.ptr));
		dft_diff_dispose(&d);
		dft_buf_dispose(&a);
		dft_buf_dispose(&b);
	}
}

/* 60k words, a few thousand changes: past Myers' bound, anchored. */
static void test_diff_large(void **state)
{
	unsigned seed = 11;
	dft_buf a, b;
	dft_diff d;
	size_t i, n = 60000;
	double t0;
	(void)state;
	dft_buf_init(&a, 0);
	dft_buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		unsigned r = (unsigned)rand_r(&seed);
		dft_buf_addf(&a, "w%zu ", i);
		if (r % 20 == 0)
			dft_buf_addf(&b, "new%u ", r); /* changed */
		else if (r % 20 == 1)
			continue; /* deleted */
		else
			dft_buf_addf(&b, "w%zu ", i);
	}
	dft_diff_init(&d);
	t0 = dft_now();
	assert_int_equal(dft_diff_texts(&d, a.ptr, a.len, b.ptr, b.len), 0);
	printf("  60k words, %zu deleted + %zu inserted in %.2f s (anchored %d)\n", d.deleted, d.inserted,
	       dft_now() - t0, d.anchored);
	assert_true(d.anchored);
	check_ops(&d, a.ptr, b.ptr);
	/* every word is unique: the anchored diff is minimal too */
	assert_true(d.deleted < n / 8 && d.inserted < n / 8);
	dft_diff_dispose(&d);
	dft_buf_dispose(&a);
	dft_buf_dispose(&b);
}

static double char_jaccard(const char *a, const char *b)
{
	dft_shingles wa, wb, ca, cb;
	double j;
	dft_shingles_init(&wa);
	dft_shingles_init(&wb);
	dft_shingles_init(&ca);
	dft_shingles_init(&cb);
	assert_int_equal(dft_shingles_of_text2(&wa, &ca, an, a, strlen(a)), 0);
	assert_int_equal(dft_shingles_of_text2(&wb, &cb, an, b, strlen(b)), 0);
	j = dft_shingles_jaccard(&ca, &cb);
	dft_shingles_dispose(&wa);
	dft_shingles_dispose(&wb);
	dft_shingles_dispose(&ca);
	dft_shingles_dispose(&cb);
	return j;
}

static double aligned(const char *a, const char *b)
{
	dft_align_words *wa, *wb;
	double s = -1;
	assert_int_equal(dft_align_words_new(&wa, an, a, strlen(a)), 0);
	assert_int_equal(dft_align_words_new(&wb, an, b, strlen(b)), 0);
	assert_int_equal(dft_align_similarity(wa, wb, &s), 0);
	dft_align_words_free(wa);
	dft_align_words_free(wb);
	return s;
}

/* Letterhead and closing shared by both letters of the office; the typed
 * letter, its OCR (misread letters, a word split, two joined, a lost line
 * break) and another letter of the office with other content. */
#define HEAD "بسم الله الرحمن الرحيم ولاية الرقة ديوان الزكاة مكتب الجباية والتوزيع قسم المراسلات "
#define CLOSE " نرجو منكم التكرم بالاطلاع والإفادة بما تم بخصوص هذا الكتاب والسلام عليكم ورحمة الله وبركاته مسؤول ديوان الزكاة"
static const char *typed = HEAD "الرقم: 181/ز/1435 إلى الأخ مسؤول المكتب الأمني الموضوع: تزكية "
	"نحيطكم علماً بأن الأخ أبو محمد قد عمل معنا في مكتب الجباية مدة سنتين وكان أميناً على ما استلم من أموال "
	"ونشهد له بحسن السيرة والسلوك ونوصي بقبوله في المكتب الأمني بعد إتمام الدورة الشرعية" CLOSE;
static const char *ocred = "بم الله الرحمن الرحيم ولاية الرقة ديوان الزكاة مكتب الجباية والتوزيع قسم المراسلاات "
	"الرقم: 181/ظ/1435 إلى الأخ مسؤول المكتب الأمني الموضوع: تزكية "
	"نحيطم علما بأن الأخ أبو محمد قد عمل معنا في مكتب الجباية مدة سنتين وكان أمينا علىما استلم من أموال "
	"ونشهد له بحسن السيرة والسلوك ونوصي بقبو له في المكتب الأمني بعد إتمام الدورة الشرعيه"
	" نرجو متك التكرم بالاطلاع والإفادة بما تم مخصوص هذا الككاب والسلام عليكم ورحمة الله وبركاته مسؤول ديوان الزكاة";
static const char *other = HEAD "الرقم: 22/ب/1436 إلى الإخوة في ديوان الجند الموضوع: طلب صرف مستحقات "
	"نرفق لكم كشفاً بأسماء العاملين في الجباية لشهر رجب مع المبالغ المستحقة لكل منهم "
	"ونطلب صرفها من بيت المال في أقرب وقت لأن الإخوة لم يستلموا رواتبهم منذ شهرين" CLOSE;

static void test_media_similarity(void **state)
{
	double copy, office;
	(void)state;
	/* OCR errors cost the word shingles most of their overlap... */
	{
		dft_shingles a, b;
		shingle(&a, typed);
		shingle(&b, ocred);
		assert_true(dft_shingles_jaccard(&a, &b) < 0.6);
		dft_shingles_dispose(&a);
		dft_shingles_dispose(&b);
	}
	/* ...the character grams far less, and they still tell the other letter apart */
	copy = char_jaccard(typed, ocred);
	office = char_jaccard(typed, other);
	assert_true(copy >= DFT_MEDIA_CANDIDATE);
	assert_true(office < copy - 0.2);
	/* the aligned similarity: the copy above 0.8, the letter of the same
	 * office far below (its share is the letterhead and closing) */
	copy = aligned(typed, ocred);
	office = aligned(typed, other);
	assert_true(copy >= 0.85);
	assert_true(office <= 0.6);
	assert_true(fabs(aligned(typed, typed) - 1.0) < 1e-9);
	assert_true(fabs(aligned(ocred, typed) - copy) < 1e-9); /* symmetric */
	assert_true(aligned("", "") == 1.0);
	assert_true(aligned(typed, "") == 0.0);
	/* words OCR read with low confidence (the table's edge read as
	 * letters) are left out, when meta ocr_words says so */
	{
		dft_buf t;
		dft_align_words *wa, *wb;
		double with, without;
		size_t skip_end;
		char json[256];
		dft_buf_init(&t, 0);
		dft_buf_adds(&t, "qzx vvk jjw ");
		skip_end = t.len;
		dft_buf_adds(&t, typed);
		snprintf(json, sizeof(json), "[[1,0,0,9,9,0,3,12],[1,9,0,19,9,4,7,0],[1,20,0,29,9,8,%zu,29],[1,30,0,40,9,%zu,%zu,96]]",
			 skip_end - 1, skip_end, skip_end + 6);
		assert_int_equal(dft_align_words_new(&wa, an, typed, strlen(typed)), 0);
		assert_int_equal(dft_align_words_new_ocr(&wb, an, dft_buf_cstr(&t), t.len, NULL), 0);
		assert_int_equal(dft_align_similarity(wa, wb, &without), 0);
		dft_align_words_free(wb);
		assert_int_equal(dft_align_words_new_ocr(&wb, an, dft_buf_cstr(&t), t.len, json), 0);
		assert_int_equal(dft_align_similarity(wa, wb, &with), 0);
		assert_true(without < 0.99);
		assert_true(fabs(with - 1.0) < 1e-9);
		dft_align_words_free(wb);
		/* a malformed list leaves nothing out */
		assert_int_equal(dft_align_words_new_ocr(&wb, an, dft_buf_cstr(&t), t.len, "[[1,2,[x]]],]"), 0);
		assert_int_equal(dft_align_similarity(wa, wb, &with), 0);
		assert_true(fabs(with - without) < 1e-9);
		dft_align_words_free(wb);
		/* nor do offsets out of any range (no overflow on the cast) */
		assert_int_equal(dft_align_words_new_ocr(&wb, an, dft_buf_cstr(&t), t.len,
							 "[[1,0,0,1,1,0,1e300,0],[1,0,0,1,1,-5,3,0],[1,0,0,1,1,-inf,inf,0]]"),
				 0);
		assert_int_equal(dft_align_similarity(wa, wb, &with), 0);
		assert_true(fabs(with - without) < 1e-9);
		dft_align_words_free(wb);
		dft_align_words_free(wa);
		dft_buf_dispose(&t);
	}
}

/* A long text (past the full table) is aligned in a band: a copy with a
 * few changes still scores near 1, unrelated text near 0. */
static void test_media_similarity_long(void **state)
{
	dft_buf a, b, c;
	unsigned r = 7;
	int i;
	(void)state;
	dft_buf_init(&a, 0);
	dft_buf_init(&b, 0);
	dft_buf_init(&c, 0);
	for (i = 0; i < 6000; i++) {
		char w[16];
		r = r * 1103515245u + 12345u;
		snprintf(w, sizeof(w), "w%u ", (r >> 8) % 5000);
		dft_buf_adds(&a, w);
		dft_buf_adds(&b, i % 50 == 0 ? "xx " : w);
		r = r * 1103515245u + 12345u;
		snprintf(w, sizeof(w), "v%u ", (r >> 8) % 5000);
		dft_buf_adds(&c, w);
	}
	assert_true(aligned(dft_buf_cstr(&a), dft_buf_cstr(&b)) > 0.97);
	assert_true(aligned(dft_buf_cstr(&a), dft_buf_cstr(&c)) < 0.1);
	dft_buf_dispose(&a);
	dft_buf_dispose(&b);
	dft_buf_dispose(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shingles_normalised),
		cmocka_unit_test(test_shingles_short),
		cmocka_unit_test(test_minhash_estimate),
		cmocka_unit_test(test_minhash_pack),
		cmocka_unit_test(test_lsh_params),
		cmocka_unit_test(test_lsh_big_bucket),
		cmocka_unit_test(test_diff_small),
		cmocka_unit_test(test_diff_random),
		cmocka_unit_test(test_diff_large),
		cmocka_unit_test(test_media_similarity),
		cmocka_unit_test(test_media_similarity_long),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
