/*
 * lsh.c - locality-sensitive hashing over MinHash signatures: which pairs of
 * documents are worth comparing, without comparing all pairs.
 *
 * A signature of P = b * r values is cut into b bands of r rows; two
 * documents are a candidate pair when all r values of some band agree. Each
 * value agrees with probability J (their Jaccard), so
 *
 *     P(candidate | J) = 1 - (1 - J^r)^b          (the "S-curve")
 *
 * which rises steeply around J ~ (1/b)^(1/r). dft_lsh_params takes the most
 * rows (the steepest curve, the fewest useless candidates) for which a pair
 * exactly at the threshold is still found with probability >= 0.995. With
 * P = 128:
 *
 *     threshold  b x r     P(cand) at J = 0.3   0.5    0.7    0.8    0.9
 *     0.8        21 x 6              0.015      0.28   0.93   0.998  1.000
 *     0.9        12 x 10             0.000      0.012  0.25   0.69   0.9988...
 *     0.7        32 x 4              0.23       0.87   1.000  1.000  1.000
 *
 * (16 x 8, the usual textbook choice, finds only 94.7% of the pairs at
 * J = 0.8: too few for a 0.95 recall target.) Pairs above the threshold are
 * almost all found; the pairs found below it cost one 128-value comparison
 * each and are dropped by verification.
 *
 * Verification: the estimated Jaccard (share of equal values) has standard
 * error sqrt(J(1-J)/P), 0.035 at J = 0.8. A candidate more than 4 standard
 * errors above the threshold is accepted and one more than 4 below it is
 * rejected on the estimate alone; in between, the exact Jaccard of the two
 * shingle sets decides (when the caller can give them), so precision and
 * recall near the threshold do not depend on luck.
 *
 * Cost: per band one sort of n keys, plus the pairs in shared buckets:
 * about linear in n for a trove of mostly distinct documents. A family of m
 * near-identical documents makes buckets of m; the caller's `want` skips
 * pairs already in one cluster, and a bucket past RUN_ALL members compares
 * each with a window of RUN_WINDOW others (run_pairs), so 40,000 forms that
 * differ in one word cluster in 0.15 s instead of 15.
 */
#include "daftar/dedup.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

double dft_lsh_probability(double j, int bands, int rows)
{
	return 1.0 - pow(1.0 - pow(j, rows), bands);
}

void dft_lsh_params(double threshold, int *bands, int *rows)
{
	int r;
	for (r = DFT_MINHASH_PERM / 2; r > 1; r--) {
		int b = DFT_MINHASH_PERM / r;
		if (dft_lsh_probability(threshold, b, r) >= 0.995) {
			*bands = b;
			*rows = r;
			return;
		}
	}
	*bands = DFT_MINHASH_PERM;
	*rows = 1;
}

/* ---- a set of verified pairs (open addressing, key 0 = empty) ------------ */

struct pairset {
	uint64_t *k;
	size_t cap, n;
};

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	return x;
}

static int pairset_grow(struct pairset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024, i;
	uint64_t *k = dft_calloc(cap, sizeof(*k));
	if (!k)
		return DFT_ENOMEM;
	for (i = 0; i < s->cap; i++) {
		if (s->k[i]) {
			size_t p = mix(s->k[i]) & (cap - 1);
			while (k[p])
				p = (p + 1) & (cap - 1);
			k[p] = s->k[i];
		}
	}
	free(s->k);
	s->k = k;
	s->cap = cap;
	return 0;
}

/* 1: added, 0: was there, <0: error */
static int pairset_add(struct pairset *s, uint64_t key)
{
	size_t p;
	int rc;
	if ((s->n + 1) * 2 > s->cap && (rc = pairset_grow(s)) < 0)
		return rc;
	p = mix(key) & (s->cap - 1);
	while (s->k[p]) {
		if (s->k[p] == key)
			return 0;
		p = (p + 1) & (s->cap - 1);
	}
	s->k[p] = key;
	s->n++;
	return 1;
}

/* ---- candidates and verification ------------------------------------------ */

struct entry {
	uint64_t key;
	uint32_t item;
};

static int cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->item < y->item ? -1 : x->item > y->item;
}

struct near_run {
	const dft_minhash *sigs;
	size_t n;
	const dft_near_opts *o;
	dft_near_stats *st;
	double margin;
	struct pairset seen;
	dft_shingles **cache;
	size_t cache_bytes, cache_max;
};

/* Free every cached set but `keep`'s. */
static void cache_clear(struct near_run *r, size_t keep)
{
	size_t i;
	r->cache_bytes = 0;
	for (i = 0; i < r->n; i++) {
		if (i == keep && r->cache[i]) {
			r->cache_bytes = r->cache[i]->n * sizeof(uint64_t) + sizeof(dft_shingles);
		} else if (r->cache[i]) {
			dft_shingles_dispose(r->cache[i]);
			free(r->cache[i]);
			r->cache[i] = NULL;
		}
	}
}

static int cached_shingles(struct near_run *r, size_t i, size_t keep, dft_shingles **out)
{
	dft_shingles *s;
	int rc;
	if (r->cache[i]) {
		*out = r->cache[i];
		return 0;
	}
	if (r->cache_bytes > r->cache_max)
		cache_clear(r, keep);
	if (!(s = dft_malloc(sizeof(*s))))
		return DFT_ENOMEM;
	dft_shingles_init(s);
	if ((rc = r->o->shingles(r->o->ctx, i, s)) < 0) {
		dft_shingles_dispose(s);
		free(s);
		return rc;
	}
	r->cache[i] = s;
	r->cache_bytes += s->n * sizeof(uint64_t) + sizeof(*s);
	*out = s;
	return 0;
}

static int verify(struct near_run *r, size_t a, size_t b)
{
	const dft_near_opts *o = r->o;
	double est, t = o->threshold;
	int rc;
	if (a > b) {
		size_t x = a;
		a = b;
		b = x;
	}
	if (o->want && !o->want(o->ctx, a, b))
		return 0;
	if ((rc = pairset_add(&r->seen, ((uint64_t)a << 32) | b)) <= 0)
		return rc;
	r->st->candidates++;
	est = dft_minhash_similarity(&r->sigs[a], &r->sigs[b]);
	if (est >= t + r->margin || est < t - r->margin || !o->shingles) {
		r->st->estimated++;
		if (est < t)
			return 0;
		r->st->accepted++;
		return o->pair(o->ctx, a, b, est, 0);
	} else {
		dft_shingles *sa, *sb;
		double j;
		if ((rc = cached_shingles(r, b, (size_t)-1, &sb)) < 0 ||
		    (rc = cached_shingles(r, a, b, &sa)) < 0)
			return rc;
		j = dft_shingles_jaccard(sa, sb);
		r->st->exact++;
		if (j < t)
			return 0;
		r->st->accepted++;
		return o->pair(o->ctx, a, b, j, 1);
	}
}

/* Bounds on one bucket: up to RUN_ALL members, every pair; past that (a
 * family of thousands of near-identical forms), each member is compared
 * with the RUN_WINDOW members before it and with the first (clusters still
 * form, by chains), or, across sides, with the first RUN_WINDOW old members:
 * work O(m * RUN_WINDOW), not O(m^2). Counted in stats->big_buckets. */
#define RUN_ALL 1000
#define RUN_WINDOW 64

static int run_pairs(struct near_run *r, struct entry *e, size_t m)
{
	size_t i, j;
	int rc;
	if (m > RUN_ALL)
		r->st->big_buckets++;
	if (r->o->side) {
		size_t k = 0;
		for (i = 0; i < m; i++)
			if (!r->o->side[e[i].item]) {
				struct entry x = e[k];
				e[k++] = e[i];
				e[i] = x;
			}
		for (j = k; j < m; j++)
			for (i = 0; i < k && (m <= RUN_ALL || i < RUN_WINDOW); i++)
				if ((rc = verify(r, e[i].item, e[j].item)))
					return rc;
		return 0;
	}
	if (r->o->want) {
		/* a run already in one cluster (a family met in an earlier band)
		 * costs m checks, not m^2 */
		for (j = 1; j < m; j++)
			if (r->o->want(r->o->ctx, e[0].item < e[j].item ? e[0].item : e[j].item,
				       e[0].item < e[j].item ? e[j].item : e[0].item))
				break;
		if (j == m)
			return 0;
	}
	for (j = 1; j < m; j++) {
		size_t from = m <= RUN_ALL || j <= RUN_WINDOW ? 0 : j - RUN_WINDOW;
		if (from > 0 && (rc = verify(r, e[0].item, e[j].item)))
			return rc;
		for (i = from; i < j; i++)
			if ((rc = verify(r, e[i].item, e[j].item)))
				return rc;
	}
	return 0;
}

int dft_near_pairs(const dft_minhash *sigs, size_t n, const dft_near_opts *o, dft_near_stats *stats)
{
	struct near_run r;
	struct entry *e = NULL;
	dft_near_stats local;
	int band, rc = 0;
	size_t i, s;

	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	if (o->threshold <= 0 || o->threshold > 1 || !o->pair)
		return dft_error_set(DFT_EINVAL, "near-duplicates: threshold must be in (0, 1]");
	if (n > UINT32_MAX)
		return dft_error_set(DFT_ELIMIT, "near-duplicates: more than 2^32 documents");
	dft_lsh_params(o->threshold, &stats->bands, &stats->rows);
	if (o->rows > 0 && o->rows <= DFT_MINHASH_PERM) {
		stats->rows = o->rows;
		stats->bands = DFT_MINHASH_PERM / o->rows;
	}
	memset(&r, 0, sizeof(r));
	r.sigs = sigs;
	r.n = n;
	r.o = o;
	r.st = stats;
	r.margin = 4.0 * sqrt(o->threshold * (1.0 - o->threshold) / DFT_MINHASH_PERM);
	if (r.margin < 0.02)
		r.margin = 0.02;
	r.cache_max = o->cache_max ? o->cache_max : (size_t)256 << 20;
	if (n < 2)
		return 0;
	if (!(e = dft_malloc(n * sizeof(*e))) || (o->shingles && !(r.cache = dft_calloc(n, sizeof(*r.cache))))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (band = 0; band < stats->bands; band++) {
		for (i = 0; i < n; i++) {
			e[i].key = XXH3_64bits_withSeed(&sigs[i].v[band * stats->rows],
							(size_t)stats->rows * sizeof(uint32_t), (uint64_t)band);
			e[i].item = (uint32_t)i;
		}
		dft_sort(e, n, sizeof(*e), cmp_entry);
		for (s = 0; s < n;) {
			size_t t = s + 1;
			while (t < n && e[t].key == e[s].key)
				t++;
			if (t - s > 1 && (rc = run_pairs(&r, e + s, t - s)))
				goto done;
			s = t;
		}
	}
done:
	if (r.cache) {
		cache_clear(&r, (size_t)-1);
		free(r.cache);
	}
	free(r.seen.k);
	free(e);
	return rc;
}
