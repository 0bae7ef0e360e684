/*
 * minhash.c - a text's word shingles and their MinHash signature: the
 * fingerprint that near-duplicate detection (lsh.c, dedup.c) compares.
 *
 * Words are the analyzer's surface tokens (text.h, flags 0): NFKC, case
 * folded, Latin diacritics and Arabic letter forms, tashkeel and tatweel
 * unified, digits made ASCII. So a re-typed letter with other alef forms, or
 * the same text in another encoding, gives the same words.
 *
 * Shingle size: 3 words. Leaked letters are short (50-300 words), and one
 * changed word removes k shingles of ~n: for a 100-word letter with two words
 * changed, J = (n-2k)/(n+2k) is 0.89 with k = 3 and 0.82 with k = 5, so 5-word
 * shingles would push ordinary versions below the 0.8 threshold, and OCR
 * noise (a few percent of words) more so. 2-word shingles are too common
 * ("of the", "إلى الأخ"): unrelated letters on one subject would share a
 * tenth of them. Word trigrams are rare enough outside copies. A text of
 * 1..2 words is one shingle of all its words.
 *
 * Hashing: each word is hashed with XXH3-64 (xxHash, a Debian library made
 * for this), a shingle is the splitmix64-chained hash of its words (order
 * matters), and the DFT_MINHASH_PERM "permutations" are multiply-add hashes
 * h_i(x) = (a_i x + b_i) mod 2^64 with odd a_i, keeping the top 32 bits
 * (the well-mixed ones). The a_i, b_i come from splitmix64 of a fixed seed,
 * so signatures are stable across runs and machines (DFT_DEDUP_VERSION
 * changes if any of this does). 32-bit values make a signature 512 bytes;
 * two different shingles then share a value with chance 2^-32, far below the
 * estimator's own error (sqrt(J(1-J)/128) ~ 0.035 at J = 0.8).
 */
#include "daftar/dedup.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The permutations' a_i (odd) and b_i; made on each call (256 splitmix64
 * steps, nothing beside the shingles' cost) so there is no shared state. */
static void perm_make(uint64_t a[DFT_MINHASH_PERM], uint64_t b[DFT_MINHASH_PERM])
{
	uint64_t s = 0x64616674617231ULL; /* "daftar1" */
	int i;
	for (i = 0; i < DFT_MINHASH_PERM; i++) {
		s = splitmix64(s);
		a[i] = s | 1;
		s = splitmix64(s);
		b[i] = s;
	}
}

void dft_shingles_init(dft_shingles *s)
{
	memset(s, 0, sizeof(*s));
}

void dft_shingles_dispose(dft_shingles *s)
{
	free(s->h);
	dft_shingles_init(s);
}

struct shingler {
	dft_shingles *out;
	uint64_t win[DFT_SHINGLE_WORDS];
	dft_sha256 sha;
	int err;
	/* character grams (NULL: not wanted): the last DFT_CHAR_GRAM code
	 * points of the words run together, and how many were seen */
	dft_shingles *chars;
	uint32_t cwin[DFT_CHAR_GRAM];
	size_t cps;
};

static int push(dft_shingles *s, uint64_t h)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 256;
		uint64_t *p = dft_realloc(s->h, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		s->h = p;
		s->cap = cap;
	}
	s->h[s->n++] = h;
	return 0;
}

static uint64_t shingle_hash(const uint64_t *w, size_t k)
{
	uint64_t h = 0x5368696e676c65ULL; /* "Shingle" */
	size_t i;
	for (i = 0; i < k; i++)
		h = splitmix64(h ^ w[i]);
	return h;
}

static uint64_t gram_hash(const uint32_t *cp, size_t k)
{
	uint64_t h = 0x4368617273ULL; /* "Chars" */
	size_t i;
	for (i = 0; i < k; i++)
		h = splitmix64(h ^ cp[i]);
	return h;
}

/* The word's code points into the character window: one gram a code point
 * once the window is full. Words are run together without a separator, so
 * a word that OCR split in two or joined to the next gives the same grams.
 * Only the grams whose hash is 0 modulo DFT_CHAR_SAMPLE are kept: the same
 * grams in every text, so the Jaccard of the kept sets estimates that of
 * the whole ones (a letter of 1,500 grams keeps ~375), and signing costs a
 * quarter of what all grams would (128 hashes a gram: the char signature
 * would otherwise cost more than the tokenising). */
static int push_chars(struct shingler *sh, const dft_token *t)
{
	size_t i = 0;
	int rc;
	while (i < t->len) {
		uint32_t c = dft_utf8_next(t->text, t->len, &i);
		memmove(sh->cwin, sh->cwin + 1, (DFT_CHAR_GRAM - 1) * sizeof(uint32_t));
		sh->cwin[DFT_CHAR_GRAM - 1] = c;
		if (++sh->cps >= DFT_CHAR_GRAM) {
			uint64_t h = gram_hash(sh->cwin, DFT_CHAR_GRAM);
			if (h % DFT_CHAR_SAMPLE == 0 && (rc = push(sh->chars, h)) < 0)
				return rc;
		}
	}
	return 0;
}

static int on_token(void *ctx, const dft_token *t)
{
	struct shingler *sh = ctx;
	dft_shingles *s = sh->out;
	int rc;
	if (t->kind != DFT_TOK_SURFACE || t->colocated)
		return 0;
	if (sh->chars && (rc = push_chars(sh, t)) < 0)
		return rc;
	if (s->tokens && (rc = dft_sha256_update(&sh->sha, " ", 1)) < 0)
		return rc;
	if ((rc = dft_sha256_update(&sh->sha, t->text, t->len)) < 0)
		return rc;
	memmove(sh->win, sh->win + 1, (DFT_SHINGLE_WORDS - 1) * sizeof(uint64_t));
	sh->win[DFT_SHINGLE_WORDS - 1] = XXH3_64bits(t->text, t->len);
	s->tokens++;
	if (s->tokens >= DFT_SHINGLE_WORDS)
		return push(s, shingle_hash(sh->win, DFT_SHINGLE_WORDS));
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static void sort_unique(dft_shingles *s)
{
	size_t i, j;
	if (s->n > 1) {
		dft_sort(s->h, s->n, sizeof(uint64_t), cmp_u64);
		for (i = 1, j = 1; i < s->n; i++)
			if (s->h[i] != s->h[j - 1])
				s->h[j++] = s->h[i];
		s->n = j;
	}
}

int dft_shingles_of_text(dft_shingles *out, dft_analyzer *a, const char *text, size_t len)
{
	return dft_shingles_of_text2(out, NULL, a, text, len);
}

int dft_shingles_of_text2(dft_shingles *out, dft_shingles *chars, dft_analyzer *a, const char *text, size_t len)
{
	struct shingler sh;
	int rc;
	out->n = 0;
	out->tokens = 0;
	out->norm_sha[0] = '\0';
	memset(&sh, 0, sizeof(sh));
	sh.out = out;
	if (chars) {
		chars->n = 0;
		chars->tokens = 0;
		chars->norm_sha[0] = '\0';
		sh.chars = chars;
	}
	if ((rc = dft_sha256_init(&sh.sha)) < 0)
		return rc;
	rc = dft_analyze(a, text, len, on_token, &sh);
	if (rc == 0 && out->tokens > 0 && out->tokens < DFT_SHINGLE_WORDS) {
		/* a text shorter than a shingle: one shingle of all its words */
		rc = push(out, shingle_hash(sh.win + DFT_SHINGLE_WORDS - out->tokens, out->tokens));
	}
	if (rc == 0 && chars) {
		chars->tokens = sh.cps;
		/* a text shorter than a gram, or none of whose grams was kept: one
		 * gram (an empty set would look like every other empty one) */
		if (sh.cps > 0 && sh.cps < DFT_CHAR_GRAM)
			rc = push(chars, gram_hash(sh.cwin + DFT_CHAR_GRAM - sh.cps, sh.cps));
		else if (sh.cps > 0 && chars->n == 0)
			rc = push(chars, gram_hash(sh.cwin, DFT_CHAR_GRAM));
	}
	if (rc < 0) {
		dft_sha256_dispose(&sh.sha);
		return rc;
	}
	if (out->tokens)
		rc = dft_sha256_final(&sh.sha, out->norm_sha);
	else
		dft_sha256_dispose(&sh.sha);
	if (rc < 0)
		return rc;
	sort_unique(out);
	if (chars)
		sort_unique(chars);
	return 0;
}

double dft_shingles_jaccard(const dft_shingles *a, const dft_shingles *b)
{
	size_t i = 0, j = 0, inter = 0;
	if (a->n == 0 && b->n == 0)
		return 1.0;
	while (i < a->n && j < b->n) {
		if (a->h[i] < b->h[j])
			i++;
		else if (a->h[i] > b->h[j])
			j++;
		else {
			inter++;
			i++;
			j++;
		}
	}
	return (double)inter / (double)(a->n + b->n - inter);
}

void dft_minhash_sign(dft_minhash *out, const dft_shingles *s)
{
	uint64_t perm_a[DFT_MINHASH_PERM], perm_b[DFT_MINHASH_PERM];
	size_t k;
	int i;
	perm_make(perm_a, perm_b);
	for (i = 0; i < DFT_MINHASH_PERM; i++)
		out->v[i] = UINT32_MAX;
	for (k = 0; k < s->n; k++) {
		uint64_t x = s->h[k];
		for (i = 0; i < DFT_MINHASH_PERM; i++) {
			uint32_t v = (uint32_t)((perm_a[i] * x + perm_b[i]) >> 32);
			out->v[i] = v < out->v[i] ? v : out->v[i];
		}
	}
}

double dft_minhash_similarity(const dft_minhash *a, const dft_minhash *b)
{
	int i, eq = 0;
	for (i = 0; i < DFT_MINHASH_PERM; i++)
		eq += a->v[i] == b->v[i];
	return (double)eq / DFT_MINHASH_PERM;
}

void dft_minhash_pack(const dft_minhash *m, unsigned char out[DFT_MINHASH_PERM * 4])
{
	int i;
	for (i = 0; i < DFT_MINHASH_PERM; i++) {
		out[4 * i] = (unsigned char)m->v[i];
		out[4 * i + 1] = (unsigned char)(m->v[i] >> 8);
		out[4 * i + 2] = (unsigned char)(m->v[i] >> 16);
		out[4 * i + 3] = (unsigned char)(m->v[i] >> 24);
	}
}

int dft_minhash_unpack(dft_minhash *out, const void *bytes, size_t len)
{
	const unsigned char *p = bytes;
	int i;
	if (!p || len != DFT_MINHASH_PERM * 4)
		return dft_error_set(DFT_ECORRUPT, "stored MinHash signature has %zu bytes, not %d", len,
				     DFT_MINHASH_PERM * 4);
	for (i = 0; i < DFT_MINHASH_PERM; i++)
		out->v[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16 |
			    (uint32_t)p[4 * i + 3] << 24;
	return 0;
}
