/*
 * align.c - the aligned similarity of two texts: how much of them is the
 * same words in the same order when some words are misread. It judges the
 * candidate copies across media (a scan or photo and its typed text, two
 * scans of one letter) that the character-gram MinHash of dedup.c finds,
 * where the word shingles of minhash.c fail: one misread letter in a word
 * breaks three word shingles, and an OCR'd Arabic page misreads a word in
 * six or seven.
 *
 * Similarity 2 L / (n_a + n_b) (Dice), L the longest common subsequence of
 * the two word sequences under a tolerant match: equal words, or words of
 * 3+ code points within Levenshtein distance 1 (2 from 6 code points). The
 * order constraint keeps chance matches low: letters of one office share
 * their letterhead and closing and score what those are of the letter
 * (0.3-0.5 on the bench, bench/dups-media), while an OCR'd copy scores 0.9+.
 *
 * An OCR'd text's words that the OCR engine read with a confidence under
 * DFT_ALIGN_MIN_CONF (meta ocr_words) are left out: on a phone photo they
 * are mostly marks of the table, the paper's edge or the shadow read as
 * letters, which would count as words the typed text lacks.
 *
 * Cost: O(n_a n_b) cells, each an integer compare and, when the lengths
 * allow, a bounded edit distance on short words; when n_a n_b passes
 * ALIGN_FULL_CELLS, only a band around the diagonal is computed (copies
 * align near it), so a pair costs at most ~ALIGN_FULL_CELLS cells.
 */
#include "daftar/dedup.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define WORD_MAX_CP 24 /* longer words match only when equal */
#define ALIGN_FULL_CELLS ((size_t)4 << 20)

struct aword {
	uint64_t h;
	uint64_t mask; /* bit cp % 64 of each code point: a cheap test before the edit distance */
	uint32_t off;  /* into cp[] */
	uint16_t n;    /* code points (capped at WORD_MAX_CP + 1) */
};

struct range {
	uint64_t start, end;
};

struct dft_align_words {
	struct aword *w;
	size_t n, cap;
	uint32_t *cp;
	size_t ncp, cpcap;
	/* words to leave out (low OCR confidence), by their bytes in the text */
	struct range *skip;
	size_t nskip, iskip, cskip;
	size_t skipped;
};

static int on_word(void *ctx, const dft_token *t)
{
	dft_align_words *a = ctx;
	struct aword *x;
	size_t i = 0, k = 0;
	if (t->kind != DFT_TOK_SURFACE || t->colocated)
		return 0;
	while (a->iskip < a->nskip && a->skip[a->iskip].end <= t->start)
		a->iskip++;
	if (a->iskip < a->nskip && a->skip[a->iskip].start <= t->start) {
		a->skipped++;
		return 0;
	}
	if (a->n >= DFT_ALIGN_MAX_WORDS)
		return 1; /* enough: stop the walk */
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		struct aword *p = dft_realloc(a->w, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		a->w = p;
		a->cap = cap;
	}
	if (a->ncp + WORD_MAX_CP + 1 > a->cpcap) {
		size_t cap = a->cpcap ? a->cpcap * 2 : 2048;
		uint32_t *p = dft_realloc(a->cp, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		a->cp = p;
		a->cpcap = cap;
	}
	x = &a->w[a->n++];
	x->h = XXH3_64bits(t->text, t->len);
	x->off = (uint32_t)a->ncp;
	x->mask = 0;
	while (i < t->len && k <= WORD_MAX_CP) {
		uint32_t c = dft_utf8_next(t->text, t->len, &i);
		a->cp[a->ncp + k++] = c;
		x->mask |= (uint64_t)1 << (c % 64);
	}
	x->n = (uint16_t)k;
	a->ncp += k;
	return 0;
}

static int cmp_range(const void *x, const void *y)
{
	const struct range *a = x, *b = y;
	return a->start < b->start ? -1 : a->start > b->start;
}

/* The byte ranges of the words read with confidence < min_conf, from meta
 * ocr_words: [[page,x0,y0,x1,y1,start,end,conf],...]. Anything else in the
 * value is skipped over: a malformed list leaves nothing out. */
static int low_confidence(dft_align_words *a, const char *json, int min_conf)
{
	const char *p = json;
	double v[8];
	int depth = 0, k = 0;
	while (*p) {
		if (*p == '[') {
			if (++depth == 2)
				k = 0;
			p++;
		} else if (*p == ']') {
			if (depth-- == 2 && k == 8 && v[7] < min_conf && v[5] >= 0 && v[6] > v[5] && v[6] < 9e18) {
				if (a->nskip == a->cskip) {
					size_t cap = a->cskip ? a->cskip * 2 : 64;
					struct range *r = dft_realloc(a->skip, cap * sizeof(*r));
					if (!r)
						return DFT_ENOMEM;
					a->skip = r;
					a->cskip = cap;
				}
				a->skip[a->nskip].start = (uint64_t)v[5];
				a->skip[a->nskip++].end = (uint64_t)v[6];
			}
			p++;
		} else if (depth == 2 && (*p == '-' || (*p >= '0' && *p <= '9'))) {
			char *e;
			double x = strtod(p, &e);
			if (e == p)
				p++;
			else {
				if (k < 8)
					v[k] = x;
				k++;
				p = e;
			}
		} else {
			p++;
		}
	}
	if (a->nskip > 1)
		dft_sort(a->skip, a->nskip, sizeof(*a->skip), cmp_range);
	return 0;
}

int dft_align_words_new(dft_align_words **out, dft_analyzer *an, const char *text, size_t len)
{
	return dft_align_words_new_ocr(out, an, text, len, NULL);
}

int dft_align_words_new_ocr(dft_align_words **out, dft_analyzer *an, const char *text, size_t len,
			    const char *ocr_words)
{
	dft_align_words *a = dft_calloc(1, sizeof(*a));
	int rc;
	*out = NULL;
	if (!a)
		return DFT_ENOMEM;
	if (ocr_words && (rc = low_confidence(a, ocr_words, DFT_ALIGN_MIN_CONF)) < 0) {
		dft_align_words_free(a);
		return rc;
	}
	rc = dft_analyze(an, text, len, on_word, a);
	if (rc < 0) {
		dft_align_words_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

void dft_align_words_free(dft_align_words *a)
{
	if (!a)
		return;
	free(a->w);
	free(a->cp);
	free(a->skip);
	free(a);
}

size_t dft_align_words_count(const dft_align_words *a)
{
	return a ? a->n : 0;
}

/* Levenshtein distance of x and y if <= k, else k + 1 (short words). */
static int within(const uint32_t *x, int nx, const uint32_t *y, int ny, int k)
{
	int prev[WORD_MAX_CP + 2], cur[WORD_MAX_CP + 2], i, j;
	for (j = 0; j <= ny; j++)
		prev[j] = j;
	for (i = 1; i <= nx; i++) {
		int best = cur[0] = i;
		for (j = 1; j <= ny; j++) {
			int v = prev[j - 1] + (x[i - 1] != y[j - 1]);
			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (cur[j - 1] + 1 < v)
				v = cur[j - 1] + 1;
			cur[j] = v;
			if (v < best)
				best = v;
		}
		if (best > k)
			return k + 1;
		memcpy(prev, cur, (size_t)(ny + 1) * sizeof(int));
	}
	return prev[ny];
}

static int popcount64(uint64_t x)
{
	int n = 0;
	for (; x; x &= x - 1)
		n++;
	return n;
}

static int match(const dft_align_words *A, const struct aword *a, const dft_align_words *B, const struct aword *b)
{
	int m = a->n > b->n ? a->n : b->n, k, d;
	if (a->h == b->h)
		return 1;
	if (m < 3 || a->n > WORD_MAX_CP || b->n > WORD_MAX_CP)
		return 0;
	k = m < 6 ? 1 : 2;
	d = a->n > b->n ? a->n - b->n : b->n - a->n;
	/* an edit changes the set of letters by at most two: words whose
	 * letter sets differ by more than 2k are further apart than k */
	if (d > k || popcount64(a->mask ^ b->mask) > 2 * k)
		return 0;
	return within(A->cp + a->off, a->n, B->cp + b->off, b->n, k) <= k;
}

int dft_align_similarity(const dft_align_words *A, const dft_align_words *B, double *out)
{
	size_t n = A->n, m = B->n, i, j, band;
	uint32_t *prev, *cur;
	*out = 0;
	if (n == 0 && m == 0) {
		*out = 1;
		return 0;
	}
	if (n == 0 || m == 0)
		return 0;
	/* past ALIGN_FULL_CELLS, a band of half-width `band` around the
	 * diagonal j = i m / n (the length difference always fits in it) */
	band = m;
	if (n * m > ALIGN_FULL_CELLS) {
		band = ALIGN_FULL_CELLS / (2 * (n > m ? n : m));
		if (band < (n > m ? n - m : m - n) + 64)
			band = (n > m ? n - m : m - n) + 64;
	}
	if (!(prev = dft_calloc(m + 1, sizeof(*prev))) || !(cur = dft_calloc(m + 1, sizeof(*cur)))) {
		free(prev);
		return DFT_ENOMEM;
	}
	for (i = 1; i <= n; i++) {
		size_t mid = i * m / n, lo = mid > band ? mid - band : 1, hi = mid + band < m ? mid + band : m;
		uint32_t *t;
		if (lo < 1)
			lo = 1;
		/* cells outside the band keep the row's best so far from the left */
		for (j = 1; j < lo; j++)
			cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
		for (j = lo; j <= hi; j++) {
			uint32_t v;
			if (match(A, &A->w[i - 1], B, &B->w[j - 1]))
				v = prev[j - 1] + 1;
			else
				v = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
			cur[j] = v;
		}
		for (j = hi + 1; j <= m; j++)
			cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
		t = prev;
		prev = cur;
		cur = t;
	}
	*out = 2.0 * prev[m] / (double)(n + m);
	free(prev);
	free(cur);
	return 0;
}
