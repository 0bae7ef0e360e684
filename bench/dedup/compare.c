/*
 * compare.c - near-duplicate detection, daftar against ssdeep and TLSH
 * (issue #6 "Speed"; bench/dedup/compare.sh runs it, docs/BENCHMARKS.md
 * "Duplicates: daftar vs ssdeep vs TLSH" has the figures).
 *
 *   compare [--rows K] [--sample-methods ssdeep,tlsh] [--seed S]
 *           [--methods daftar,ssdeep,tlsh] [--ssdeep T,T,..] [--tlsh T,T,..]
 *           [--tlsh-keep D] [--sweep] [--label L] DIR
 *
 * Defaults: ssdeep thresholds 60,70,80; TLSH 10,20,30; TLSH pairs with a
 * diff above --tlsh-keep (40) are not kept (at 100k documents a loose
 * TLSH threshold matches a fifth of all pairs: gigabytes).
 *
 * DIR: a folder of text files (every regular file under it, in sorted path
 * order, is one document). Each method runs in its own process (this
 * program re-executed with --child), so that its time (wall and CPU, from
 * getrusage) and peak RSS (ru_maxrss) are its own; every method reads the
 * files itself, one at a time, and keeps only what it needs:
 *
 *  - daftar: the library's pipeline in-process, as src/dedup/dedup.c runs
 *    it for `daftar dups`: dft_shingles_of_text + dft_minhash_sign for each
 *    text (texts under DFT_DEDUP_MIN_TOKENS words get no signature), one
 *    entry per normalised text (same-text copies), dft_forms_find (the form
 *    families step, whose cost dups always pays), then dft_near_pairs (LSH
 *    + verification, the exact Jaccard near the threshold re-reads and
 *    re-shingles both files, as dups re-reads texts from the store). One
 *    difference: every LSH candidate is verified (dups skips pairs already
 *    in one cluster), because we score pairs, not clusters.
 *  - ssdeep: fuzzy_hash_buf of each text, then fuzzy_compare of every pair
 *    of hashes (ssdeep has no index); a pair is found at score >= T.
 *  - tlsh: a Tlsh hash of each text (libtlsh, via compare_tlsh.cc), then
 *    totalDiff of every pair; found at diff <= T. Texts TLSH cannot hash
 *    (under its minimum length or with too little variety) are counted and
 *    never found.
 *
 * --rows K: ssdeep and TLSH (or the methods --sample-methods names) compare
 * only K random documents (seeded) with every other document instead of all
 * pairs: the compare time is then
 * extrapolated to all N(N-1)/2 pairs (printed as such), and precision and
 * recall are computed on the pairs that touch the sample.
 *
 * The truth: pairs of documents whose exact word 3-shingle Jaccard
 * (dft_shingles_of_text, dft_shingles_jaccard) is >= 0.8, over documents
 * with at least DFT_DEDUP_MIN_TOKENS words (pairs with shorter documents
 * are left out of every method's score). All pairs are covered, not a
 * sample: a prefix-filter join (if J(x,y) >= t then the first
 * |x| - ceil(t|x|) + 1 hashes of x's sorted shingle set and of y's share a
 * hash), which skips no pair that can reach the threshold; it is checked
 * against brute force on a random sample of documents (every pair of a
 * sampled document with all others) and the result printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fuzzy.h>

#include "daftar/core.h"
#include "daftar/dedup.h"
#include "daftar/text.h"

#define THRESHOLD 0.8

void *cmp_tlsh_new(const unsigned char *buf, size_t len);
int cmp_tlsh_diff(const void *a, const void *b);
void cmp_tlsh_free(void *t);
const char *cmp_tlsh_version(void);

/* ---- small helpers --------------------------------------------------------- */

static void die(const char *what)
{
	fprintf(stderr, "compare: %s: %s\n", what, errno ? strerror(errno) : "failed");
	exit(1);
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static double cpu_seconds(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
	       (double)ru.ru_stime.tv_usec / 1e6;
}

/* Read a whole file into b (reset first). */
static int read_file(const char *path, dft_buf *b)
{
	char chunk[65536];
	size_t got;
	FILE *f = fopen(path, "rb");
	dft_buf_reset(b);
	if (!f)
		return -1;
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (dft_buf_add(b, chunk, got) < 0) {
			fclose(f);
			return -1;
		}
	fclose(f);
	return 0;
}

/* ---- the document list ----------------------------------------------------- */

static char **paths;
static size_t npaths, cap_paths;

static int on_file(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)ftw;
	if (flag != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	if (npaths == cap_paths) {
		cap_paths = cap_paths ? cap_paths * 2 : 4096;
		paths = xrealloc(paths, cap_paths * sizeof(char *));
	}
	paths[npaths++] = strdup(p);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_list(const char *list)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f = fopen(list, "r");
	if (!f)
		die(list);
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (npaths == cap_paths) {
			cap_paths = cap_paths ? cap_paths * 2 : 4096;
			paths = xrealloc(paths, cap_paths * sizeof(char *));
		}
		paths[npaths++] = strdup(line);
	}
	free(line);
	fclose(f);
}

/* The sampled rows: K distinct documents, the same for every process. */
static unsigned char *sample_rows(size_t n, size_t k, uint64_t seed)
{
	unsigned char *in = calloc(n + 1, 1);
	size_t *perm = xmalloc((n + 1) * sizeof(size_t)), i;
	if (!in)
		die("out of memory");
	rng_state = seed;
	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = 0; i < k && i < n; i++) {
		size_t j = i + (size_t)(rng_next() % (uint64_t)(n - i)), t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
		in[perm[i]] = 1;
	}
	free(perm);
	return in;
}

/* ---- what a child reports -------------------------------------------------- */

struct rec {
	uint32_t a, b; /* a < b */
	int32_t score; /* daftar: similarity * 1000; ssdeep: 0..100; tlsh: the diff */
};

struct stats {
	double wall, cpu;           /* the whole process (after the list is read) */
	double hash_wall, hash_cpu; /* signing / hashing every text */
	double cmp_wall, cmp_cpu;   /* comparing (LSH + verification, or pairs) */
	double forms_wall;          /* daftar: the form-families step (in cmp) */
	long rss_kb;
	uint64_t hashed, unhashable;
	uint64_t compared, all_pairs; /* pairs compared; all pairs of hashed texts */
	uint64_t candidates, exact_checks, entries, families, stored;
	int bands, rows;
	char version[64];
};

static FILE *pairs_out;
static uint64_t pairs_written;

static void emit(size_t a, size_t b, int score)
{
	struct rec r;
	r.a = (uint32_t)(a < b ? a : b);
	r.b = (uint32_t)(a < b ? b : a);
	r.score = score;
	if (fwrite(&r, sizeof(r), 1, pairs_out) != 1)
		die("write pairs");
	pairs_written++;
}

/* ---- daftar ------------------------------------------------------------------ */

struct dctx {
	dft_analyzer *an;
	dft_buf text;
	size_t *rep; /* entry -> document */
};

static int d_shingles(void *ctx, size_t i, dft_shingles *out)
{
	struct dctx *c = ctx;
	if (read_file(paths[c->rep[i]], &c->text) < 0)
		return DFT_EIO;
	return dft_shingles_of_text(out, c->an, dft_buf_cstr(&c->text), c->text.len);
}

static int d_text(void *ctx, size_t i, dft_buf *out)
{
	struct dctx *c = ctx;
	return read_file(paths[c->rep[i]], out) < 0 ? DFT_EIO : 0;
}

/* groups: documents with the same normalised text */
static size_t *g_start, *g_members;

static int d_pair(void *ctx, size_t a, size_t b, double sim, int exact)
{
	size_t x, y;
	(void)ctx, (void)exact;
	for (x = g_start[a]; x < g_start[a + 1]; x++)
		for (y = g_start[b]; y < g_start[b + 1]; y++)
			emit(g_members[x], g_members[y], (int)(sim * 1000 + 0.5));
	return 0;
}

static char (*norm)[DFT_SHA256_HEX];

static int cmp_norm(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(norm[x], norm[y]);
	return c ? c : (x < y ? -1 : x > y);
}

static void run_daftar(struct stats *s)
{
	struct dctx c;
	dft_shingles sh;
	dft_minhash *mh = xmalloc((npaths + 1) * sizeof(*mh)), *sigs;
	unsigned char *has = calloc(npaths + 1, 1);
	size_t *order = xmalloc((npaths + 1) * sizeof(size_t)), i, k, nh = 0, ng = 0;
	dft_near_opts o;
	dft_near_stats st;
	dft_forms fm;
	dft_forms_opts fo;
	double t0 = dft_now(), c0 = cpu_seconds(), tf;

	norm = xmalloc((npaths + 1) * sizeof(*norm));
	memset(&c, 0, sizeof(c));
	dft_buf_init(&c.text, 0);
	if (!has || dft_analyzer_new(&c.an, NULL, 0) < 0)
		die("analyzer");
	dft_shingles_init(&sh);
	for (i = 0; i < npaths; i++) {
		if (read_file(paths[i], &c.text) < 0)
			die(paths[i]);
		if (dft_shingles_of_text(&sh, c.an, dft_buf_cstr(&c.text), c.text.len) < 0)
			die("shingles");
		memcpy(norm[i], sh.norm_sha, sizeof(norm[i]));
		if (sh.tokens >= DFT_DEDUP_MIN_TOKENS) {
			dft_minhash_sign(&mh[i], &sh);
			has[i] = 1;
			order[nh++] = i;
			s->hashed++;
		} else
			s->unhashable++;
	}
	dft_shingles_dispose(&sh);
	s->hash_wall = dft_now() - t0;
	s->hash_cpu = cpu_seconds() - c0;

	t0 = dft_now();
	c0 = cpu_seconds();
	/* one entry per normalised text, as dedup.c's groups */
	qsort(order, nh, sizeof(size_t), cmp_norm);
	g_start = xmalloc((nh + 2) * sizeof(size_t));
	g_members = order;
	c.rep = xmalloc((nh + 1) * sizeof(size_t));
	sigs = xmalloc((nh + 1) * sizeof(*sigs));
	for (i = 0; i < nh; i = k) {
		for (k = i + 1; k < nh && !strcmp(norm[order[k]], norm[order[i]]); k++)
			;
		g_start[ng] = i;
		c.rep[ng] = order[i];
		sigs[ng++] = mh[order[i]];
	}
	g_start[ng] = nh;
	free(mh);
	s->entries = ng;
	/* same text: every pair of a group */
	for (i = 0; i < ng; i++) {
		size_t x, y;
		for (x = g_start[i]; x < g_start[i + 1]; x++)
			for (y = x + 1; y < g_start[i + 1]; y++)
				emit(order[x], order[y], 1000);
	}
	/* the form families step (dups runs it before the near pairs) */
	tf = dft_now();
	memset(&fo, 0, sizeof(fo));
	fo.text = d_text;
	fo.ctx = &c;
	fo.an = c.an;
	if (dft_forms_find(&fm, sigs, ng, &fo) < 0)
		die("forms");
	s->families = fm.nfam;
	dft_forms_dispose(&fm);
	s->forms_wall = dft_now() - tf;
	memset(&o, 0, sizeof(o));
	o.threshold = THRESHOLD;
	o.shingles = d_shingles;
	o.pair = d_pair;
	o.ctx = &c;
	if (dft_near_pairs(sigs, ng, &o, &st) != 0)
		die("near pairs");
	s->cmp_wall = dft_now() - t0;
	s->cmp_cpu = cpu_seconds() - c0;
	s->candidates = st.candidates;
	s->exact_checks = st.exact;
	s->compared = st.candidates;
	s->bands = st.bands;
	s->rows = st.rows;
	s->all_pairs = (uint64_t)nh * (nh - (nh > 0)) / 2;
	snprintf(s->version, sizeof(s->version), "MinHash %d, LSH %dx%d", DFT_MINHASH_PERM, st.bands, st.rows);
	dft_analyzer_free(c.an);
	dft_buf_dispose(&c.text);
	free(sigs);
	free(c.rep);
	free(g_start);
	free(order);
	free(has);
	free(norm);
}

/* ---- ssdeep and TLSH: hash everything, then pairs ----------------------------- */

static void pairs_loop(struct stats *s, size_t n, const unsigned char *ok, const unsigned char *rows,
		       int (*score)(size_t a, size_t b), int (*keep)(int sc))
{
	size_t i, j, nok = 0;
	double t0 = dft_now(), c0 = cpu_seconds();
	for (i = 0; i < n; i++)
		nok += ok[i];
	s->all_pairs = (uint64_t)nok * (nok - (nok > 0)) / 2;
	for (i = 0; i < n; i++) {
		if (!ok[i] || (rows && !rows[i]))
			continue;
		if (rows) { /* a sampled row against every other document */
			for (j = 0; j < n; j++) {
				int sc;
				if (j == i || !ok[j] || (rows[j] && j < i))
					continue;
				sc = score(i, j);
				s->compared++;
				if (keep(sc))
					emit(i, j, sc);
			}
		} else {
			for (j = i + 1; j < n; j++) {
				int sc;
				if (!ok[j])
					continue;
				sc = score(i, j);
				s->compared++;
				if (keep(sc))
					emit(i, j, sc);
			}
		}
	}
	s->cmp_wall = dft_now() - t0;
	s->cmp_cpu = cpu_seconds() - c0;
}

static char (*ss)[FUZZY_MAX_RESULT];
static void **tl;
static int tlsh_keep_max = 150;

static int ss_score(size_t a, size_t b)
{
	return fuzzy_compare(ss[a], ss[b]);
}

static int ss_keep(int sc)
{
	return sc > 0;
}

static int tl_score(size_t a, size_t b)
{
	return cmp_tlsh_diff(tl[a], tl[b]);
}

static int tl_keep(int sc)
{
	return sc <= tlsh_keep_max;
}

static void run_hashes(struct stats *s, int tlsh, const unsigned char *rows)
{
	dft_buf b;
	unsigned char *ok = calloc(npaths + 1, 1);
	size_t i;
	double t0 = dft_now(), c0 = cpu_seconds();
	if (!ok)
		die("out of memory");
	dft_buf_init(&b, 0);
	if (tlsh)
		tl = calloc(npaths + 1, sizeof(void *));
	else
		ss = calloc(npaths + 1, sizeof(*ss));
	if (!tl && !ss)
		die("out of memory");
	for (i = 0; i < npaths; i++) {
		if (read_file(paths[i], &b) < 0)
			die(paths[i]);
		if (tlsh)
			ok[i] = (tl[i] = cmp_tlsh_new((const unsigned char *)dft_buf_cstr(&b), b.len)) != NULL;
		else
			ok[i] = fuzzy_hash_buf((const unsigned char *)dft_buf_cstr(&b), (uint32_t)b.len, ss[i]) == 0;
		if (ok[i])
			s->hashed++;
		else
			s->unhashable++;
	}
	dft_buf_dispose(&b);
	s->hash_wall = dft_now() - t0;
	s->hash_cpu = cpu_seconds() - c0;
	if (tlsh) {
		pairs_loop(s, npaths, ok, rows, tl_score, tl_keep);
		snprintf(s->version, sizeof(s->version), "%s", cmp_tlsh_version());
		for (i = 0; i < npaths; i++)
			if (tl[i])
				cmp_tlsh_free(tl[i]);
		free(tl);
	} else {
		pairs_loop(s, npaths, ok, rows, ss_score, ss_keep);
		snprintf(s->version, sizeof(s->version), "libfuzzy (ssdeep) 2.14");
		free(ss);
	}
	free(ok);
}

static int child(int argc, char **argv)
{
	/* --child METHOD LIST OUTPREFIX ROWS SEED TLSHKEEP */
	struct stats s;
	char fn[4096];
	FILE *f;
	size_t k;
	unsigned char *rows = NULL;
	double t0, c0;
	if (argc < 8)
		return 2;
	read_list(argv[3]);
	k = (size_t)strtoull(argv[5], NULL, 10);
	tlsh_keep_max = atoi(argv[7]);
	if (k && k < npaths)
		rows = sample_rows(npaths, k, strtoull(argv[6], NULL, 10));
	snprintf(fn, sizeof(fn), "%s.pairs", argv[4]);
	if (!(pairs_out = fopen(fn, "wb")))
		die(fn);
	memset(&s, 0, sizeof(s));
	t0 = dft_now();
	c0 = cpu_seconds();
	if (!strcmp(argv[2], "daftar"))
		run_daftar(&s);
	else if (!strcmp(argv[2], "ssdeep"))
		run_hashes(&s, 0, rows);
	else if (!strcmp(argv[2], "tlsh"))
		run_hashes(&s, 1, rows);
	else
		return 2;
	if (fclose(pairs_out))
		die("pairs");
	s.wall = dft_now() - t0;
	s.cpu = cpu_seconds() - c0;
	s.stored = pairs_written;
	{
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		s.rss_kb = ru.ru_maxrss;
	}
	snprintf(fn, sizeof(fn), "%s.stats", argv[4]);
	if (!(f = fopen(fn, "wb")) || fwrite(&s, sizeof(s), 1, f) != 1 || fclose(f))
		die(fn);
	return 0;
}

/* ---- the truth -------------------------------------------------------------- */

struct post {
	uint64_t h;
	uint32_t doc;
};

static int cmp_post(const void *a, const void *b)
{
	const struct post *x = a, *y = b;
	if (x->h != y->h)
		return x->h < y->h ? -1 : 1;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

struct keys {
	uint64_t *k;
	size_t n, cap;
};

static void keys_add(struct keys *p, size_t a, size_t b)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 4096;
		p->k = xrealloc(p->k, p->cap * sizeof(uint64_t));
	}
	p->k[p->n++] = (uint64_t)(a < b ? a : b) << 32 | (uint64_t)(a < b ? b : a);
}

static size_t common(const struct keys *a, const struct keys *b)
{
	size_t i = 0, j = 0, c = 0;
	while (i < a->n && j < b->n) {
		if (a->k[i] < b->k[j])
			i++;
		else if (a->k[i] > b->k[j])
			j++;
		else
			c++, i++, j++;
	}
	return c;
}

static size_t prefix_len(size_t n)
{
	size_t need = (4 * n + 4) / 5; /* ceil(0.8 n): shingles two sets with J >= 0.8 must share */
	return n ? n - need + 1 : 0;
}

static int may_reach(size_t a, size_t b)
{
	size_t lo = a < b ? a : b, hi = a < b ? b : a;
	return 5 * lo >= 4 * hi; /* J <= lo / hi */
}

/* Every pair with exact J >= 0.8 among the valid documents. */
static void truth_join(const dft_shingles *sh, const unsigned char *valid, size_t n, struct keys *truth,
		       uint64_t *checked)
{
	struct post *p;
	size_t np = 0, i, k, *mark = xmalloc((n + 1) * sizeof(size_t));
	for (i = 0; i < n; i++)
		if (valid[i])
			np += prefix_len(sh[i].n);
	p = xmalloc((np + 1) * sizeof(*p));
	np = 0;
	for (i = 0; i < n; i++) {
		mark[i] = SIZE_MAX;
		if (valid[i])
			for (k = 0; k < prefix_len(sh[i].n); k++) {
				p[np].h = sh[i].h[k];
				p[np++].doc = (uint32_t)i;
			}
	}
	qsort(p, np, sizeof(*p), cmp_post);
	for (i = 0; i < n; i++) {
		if (!valid[i])
			continue;
		for (k = 0; k < prefix_len(sh[i].n); k++) {
			size_t lo = 0, hi = np, at;
			uint64_t h = sh[i].h[k];
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (p[mid].h < h)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (at = lo; at < np && p[at].h == h; at++) {
				size_t j = p[at].doc;
				if (j <= i || mark[j] == i)
					continue;
				mark[j] = i;
				if (!may_reach(sh[i].n, sh[j].n))
					continue;
				(*checked)++;
				if (dft_shingles_jaccard(&sh[i], &sh[j]) >= THRESHOLD)
					keys_add(truth, i, j);
			}
		}
	}
	free(p);
	free(mark);
	qsort(truth->k, truth->n, sizeof(uint64_t), cmp_u64);
}

/* ---- scoring ----------------------------------------------------------------- */

struct method {
	const char *name;
	struct stats s;
	struct rec *r;
	size_t nr;
	int sampled;
};

static const unsigned char *g_valid, *g_rows;
static const dft_shingles *g_sh;

/* a pair that is scored: both documents valid; for a sampled method, one
 * of them in the sample (the others' pairs were not all compared) */
static int counts(const struct rec *r, int sampled)
{
	if (!g_valid[r->a] || !g_valid[r->b])
		return 0;
	return !sampled || !g_rows || g_rows[r->a] || g_rows[r->b];
}

/* precision and recall of the pairs with pass(score); *fp_near: the share
 * of the false pairs whose exact Jaccard is still >= 0.5 */
static void score(const struct method *m, const struct keys *truth, int kind, int t, double *p, double *r,
		  size_t *found, double *fp_near)
{
	struct keys got = {0};
	size_t i, c, fp = 0, near = 0;
	for (i = 0; i < m->nr; i++) {
		const struct rec *x = &m->r[i];
		int pass = kind == 0 ? 1 : kind == 1 ? x->score >= t : x->score <= t;
		if (pass && counts(x, m->sampled))
			keys_add(&got, x->a, x->b);
	}
	qsort(got.k, got.n, sizeof(uint64_t), cmp_u64);
	c = common(&got, truth);
	for (i = 0; fp_near && i < got.n; i++) {
		size_t a = (size_t)(got.k[i] >> 32), b = (size_t)(got.k[i] & 0xffffffffu);
		if (bsearch(&got.k[i], truth->k, truth->n, sizeof(uint64_t), cmp_u64))
			continue;
		fp++;
		near += dft_shingles_jaccard(&g_sh[a], &g_sh[b]) >= 0.5;
	}
	if (fp_near)
		*fp_near = fp ? (double)near / (double)fp : 0;
	*p = got.n ? (double)c / (double)got.n : 1.0;
	*r = truth->n ? (double)c / (double)truth->n : 1.0;
	*found = got.n;
	free(got.k);
}

static void run_child(const char *self, const char *method, const char *list, const char *prefix, size_t rows,
		      uint64_t seed, int tkeep, struct method *m)
{
	char fn[4300], a5[32], a6[32], a7[32];
	pid_t pid;
	int st;
	FILE *f;
	struct stat sb;
	snprintf(a5, sizeof(a5), "%zu", rows);
	snprintf(a6, sizeof(a6), "%llu", (unsigned long long)seed);
	snprintf(a7, sizeof(a7), "%d", tkeep);
	fprintf(stderr, "compare: %s ...\n", method);
	fflush(NULL);
	if ((pid = fork()) < 0)
		die("fork");
	if (pid == 0) {
		char *argv[] = {(char *)"compare", (char *)"--child", (char *)method, (char *)list, (char *)prefix,
				a5, a6, a7, NULL};
		execv(self, argv);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "compare: the %s run failed\n", method);
		exit(1);
	}
	memset(m, 0, sizeof(*m));
	m->name = method;
	snprintf(fn, sizeof(fn), "%s.stats", prefix);
	if (!(f = fopen(fn, "rb")) || fread(&m->s, sizeof(m->s), 1, f) != 1)
		die(fn);
	fclose(f);
	snprintf(fn, sizeof(fn), "%s.pairs", prefix);
	if (stat(fn, &sb) < 0 || !(f = fopen(fn, "rb")))
		die(fn);
	m->nr = (size_t)sb.st_size / sizeof(struct rec);
	m->r = xmalloc((m->nr + 1) * sizeof(struct rec));
	if (m->nr && fread(m->r, sizeof(struct rec), m->nr, f) != m->nr)
		die(fn);
	fclose(f);
	unlink(fn);
	snprintf(fn, sizeof(fn), "%s.stats", prefix);
	unlink(fn);
	m->sampled = strcmp(method, "daftar") && m->s.compared < m->s.all_pairs;
}

static int parse_list(const char *s, int *out, int max)
{
	int n = 0;
	while (*s && n < max) {
		char *end;
		out[n++] = (int)strtol(s, &end, 10);
		s = *end == ',' ? end + 1 : end;
		if (end == s && *s)
			break;
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *label = "corpus", *methods = "daftar,ssdeep,tlsh", *sampled = "ssdeep,tlsh";
	char self[4096], tmp[4096], list[4200], prefix[4200];
	size_t rows = 0, i, nvalid = 0, ntv = 0;
	uint64_t seed = 1, checked = 0;
	int ss_t[8] = {60, 70, 80}, nss = 3, tl_t[8] = {10, 20, 30}, ntl = 3, tkeep = 40, sweep = 0, a;
	struct method m[3];
	int nm = 0;
	dft_shingles *sh;
	unsigned char *valid;
	struct keys truth = {0}, truth_rows = {0};
	dft_analyzer *an;
	dft_buf b;
	double t0, t_shingle, t_join;
	ssize_t sl;
	FILE *f;

	if (argc > 1 && !strcmp(argv[1], "--child"))
		return child(argc, argv);
	for (a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--rows") && a + 1 < argc)
			rows = (size_t)strtoull(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 10);
		else if (!strcmp(argv[a], "--sample-methods") && a + 1 < argc)
			sampled = argv[++a];
		else if (!strcmp(argv[a], "--methods") && a + 1 < argc)
			methods = argv[++a];
		else if (!strcmp(argv[a], "--ssdeep") && a + 1 < argc)
			nss = parse_list(argv[++a], ss_t, 8);
		else if (!strcmp(argv[a], "--tlsh") && a + 1 < argc)
			ntl = parse_list(argv[++a], tl_t, 8);
		else if (!strcmp(argv[a], "--tlsh-keep") && a + 1 < argc)
			tkeep = atoi(argv[++a]);
		else if (!strcmp(argv[a], "--label") && a + 1 < argc)
			label = argv[++a];
		else if (!strcmp(argv[a], "--sweep"))
			sweep = 1;
		else if (argv[a][0] != '-' && !dir)
			dir = argv[a];
		else {
			fprintf(stderr, "usage: compare [--rows K] [--sample-methods ssdeep,tlsh] [--seed S] [--methods daftar,ssdeep,tlsh] "
					"[--ssdeep T,..] [--tlsh T,..] [--tlsh-keep D] [--sweep] [--label L] DIR\n");
			return 2;
		}
	}
	if (!dir) {
		fprintf(stderr, "compare: no DIR\n");
		return 2;
	}
	if ((sl = readlink("/proc/self/exe", self, sizeof(self) - 1)) < 0)
		die("/proc/self/exe");
	self[sl] = '\0';
	if (nftw(dir, on_file, 64, FTW_PHYS) < 0)
		die(dir);
	qsort(paths, npaths, sizeof(char *), cmp_str);
	if (npaths == 0 || npaths > UINT32_MAX) {
		fprintf(stderr, "compare: %zu documents\n", npaths);
		return 1;
	}
	snprintf(tmp, sizeof(tmp), "%s/compare-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmp))
		die("mkdtemp");
	snprintf(list, sizeof(list), "%s/list", tmp);
	if (!(f = fopen(list, "w")))
		die(list);
	for (i = 0; i < npaths; i++)
		fprintf(f, "%s\n", paths[i]);
	if (fclose(f))
		die(list);

	/* each method in its own process */
	{
		const char *names[3] = {"daftar", "ssdeep", "tlsh"};
		int k;
		for (k = 0; k < 3; k++)
			if (strstr(methods, names[k])) {
				snprintf(prefix, sizeof(prefix), "%s/%s", tmp, names[k]);
				run_child(self, names[k], list, prefix, k && strstr(sampled, names[k]) ? rows : 0, seed,
					  tkeep, &m[nm++]);
			}
	}
	unlink(list);
	rmdir(tmp);

	/* the truth */
	t0 = dft_now();
	sh = xmalloc((npaths + 1) * sizeof(*sh));
	valid = calloc(npaths + 1, 1);
	if (!valid || dft_analyzer_new(&an, NULL, 0) < 0)
		die("analyzer");
	dft_buf_init(&b, 0);
	for (i = 0; i < npaths; i++) {
		dft_shingles_init(&sh[i]);
		if (read_file(paths[i], &b) < 0 || dft_shingles_of_text(&sh[i], an, dft_buf_cstr(&b), b.len) < 0)
			die(paths[i]);
		valid[i] = sh[i].tokens >= DFT_DEDUP_MIN_TOKENS && sh[i].n > 0;
		nvalid += valid[i];
	}
	t_shingle = dft_now() - t0;
	t0 = dft_now();
	truth_join(sh, valid, npaths, &truth, &checked);
	t_join = dft_now() - t0;
	g_valid = valid;

	printf("## %s: %zu documents (%zu with >= %d words), %zu pairs with J >= %.1f\n\n", label, npaths, nvalid,
	       DFT_DEDUP_MIN_TOKENS, truth.n, THRESHOLD);
	printf("truth: shingles %.1f s, prefix-filter join %.1f s (%llu exact Jaccards)\n", t_shingle, t_join,
	       (unsigned long long)checked);
	/* check the join against brute force on a sample of documents */
	{
		size_t k = npaths < 200 ? npaths : 200, j, bf = 0, in = 0, x;
		unsigned char *smp = sample_rows(npaths, k, seed + 7);
		double tb = dft_now();
		for (i = 0; i < npaths; i++) {
			if (!smp[i] || !valid[i])
				continue;
			for (j = 0; j < npaths; j++) {
				uint64_t key;
				if (j == i || !valid[j] || (smp[j] && j < i) || !may_reach(sh[i].n, sh[j].n))
					continue;
				if (dft_shingles_jaccard(&sh[i], &sh[j]) < THRESHOLD)
					continue;
				bf++;
				key = (uint64_t)(i < j ? i : j) << 32 | (uint64_t)(i < j ? j : i);
				in += bsearch(&key, truth.k, truth.n, sizeof(uint64_t), cmp_u64) != NULL;
			}
		}
		for (x = 0; x < truth.n; x++) {
			size_t p = (size_t)(truth.k[x] >> 32), q = (size_t)(truth.k[x] & 0xffffffffu);
			ntv += smp[p] || smp[q];
		}
		printf("truth check: brute force on %zu random documents against all: %zu pairs, %zu of them in the "
		       "join's truth, which has %zu pairs touching them (%.1f s)\n",
		       k, bf, in, ntv, dft_now() - tb);
		free(smp);
	}
	if (rows && rows < npaths) {
		unsigned char *rs = sample_rows(npaths, rows, seed);
		for (i = 0; i < truth.n; i++) {
			size_t p = (size_t)(truth.k[i] >> 32), q = (size_t)(truth.k[i] & 0xffffffffu);
			if (rs[p] || rs[q])
				truth_rows.k = xrealloc(truth_rows.k, (truth_rows.n + 1) * sizeof(uint64_t)),
				truth_rows.k[truth_rows.n++] = truth.k[i];
		}
		g_rows = rs;
		printf("sampled pairs: ssdeep and TLSH compare %zu random documents with all others; their "
		       "precision and recall are on the %zu true pairs that touch those documents\n",
		       rows, truth_rows.n);
	}
	g_sh = sh;

	printf("\n| N | method | threshold | seconds (wall) | CPU s | hash s | compare s | peak MB | pairs found | "
	       "precision | recall | false pairs with J >= 0.5 | notes |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (a = 0; a < nm; a++) {
		const struct method *x = &m[a];
		const struct stats *s = &x->s;
		int kind = !strcmp(x->name, "daftar") ? 0 : !strcmp(x->name, "ssdeep") ? 1 : 2;
		int nt = kind == 0 ? 1 : kind == 1 ? nss : ntl, t;
		const int *tv = kind == 1 ? ss_t : tl_t;
		const struct keys *tr = x->sampled ? &truth_rows : &truth;
		double wall = s->wall, cpu = s->cpu, cmpw = s->cmp_wall;
		char note[512];
		if (x->sampled) {
			double f = (double)s->all_pairs / (double)(s->compared ? s->compared : 1);
			cmpw = s->cmp_wall * f;
			wall = s->wall - s->cmp_wall + cmpw;
			cpu = s->cpu - s->cmp_cpu + s->cmp_cpu * f;
		}
		if (kind == 0)
			snprintf(note, sizeof(note),
				 "%s; %llu entries (distinct texts), %llu candidates, %llu exact checks, forms step %.2f s "
				 "(%llu families)",
				 s->version, (unsigned long long)s->entries, (unsigned long long)s->candidates,
				 (unsigned long long)s->exact_checks, s->forms_wall, (unsigned long long)s->families);
		else
			snprintf(note, sizeof(note), "%s; %llu hashed, %llu unhashable; %s%llu of %llu pairs compared%s",
				 s->version, (unsigned long long)s->hashed, (unsigned long long)s->unhashable,
				 x->sampled ? "EXTRAPOLATED compare time: " : "", (unsigned long long)s->compared,
				 (unsigned long long)s->all_pairs,
				 x->sampled ? "" : " (all)");
		for (t = 0; t < nt; t++) {
			double p, r, fpn;
			size_t found;
			char th[32];
			score(x, tr, kind, kind ? tv[t] : 0, &p, &r, &found, &fpn);
			if (kind == 0)
				snprintf(th, sizeof(th), "J >= 0.8");
			else
				snprintf(th, sizeof(th), "%s %d", kind == 1 ? "score >=" : "diff <=", tv[t]);
			printf("| %zu | %s | %s | %s%.1f | %s%.1f | %.1f | %s%.1f | %.0f | %zu%s | %.4f | %.4f | %.2f | %s |\n",
			       npaths, x->name, th, x->sampled ? "~" : "", wall, x->sampled ? "~" : "", cpu, s->hash_wall,
			       x->sampled ? "~" : "", cmpw, (double)s->rss_kb / 1024.0, found,
			       x->sampled ? " (sample)" : "", p, r, fpn, t ? "" : note);
			if (x->sampled && t == 0)
				printf("| | | | measured: %.1f s wall, %.1f s CPU on the sample (compare %.1f s) | | | | | | | | | |\n",
				       s->wall, s->cpu, s->cmp_wall);
		}
	}
	if (sweep) {
		printf("\nthreshold sweep (F1 = 2PR/(P+R)):\n");
		for (a = 0; a < nm; a++) {
			int kind = !strcmp(m[a].name, "daftar") ? 0 : !strcmp(m[a].name, "ssdeep") ? 1 : 2, t;
			const struct keys *tr = m[a].sampled ? &truth_rows : &truth;
			if (!kind)
				continue;
			for (t = kind == 1 ? 10 : 0; kind == 1 ? t <= 100 : t <= tkeep; t += 10) {
				double p, r;
				size_t found;
				score(&m[a], tr, kind, t, &p, &r, &found, NULL);
				printf("  %s %s %3d: found %8zu precision %.4f recall %.4f F1 %.4f\n", m[a].name,
				       kind == 1 ? ">=" : "<=", t, found, p, r, p + r > 0 ? 2 * p * r / (p + r) : 0);
			}
		}
	}
	fflush(stdout);
	for (i = 0; i < npaths; i++)
		dft_shingles_dispose(&sh[i]);
	free(sh);
	dft_analyzer_free(an);
	dft_buf_dispose(&b);
	return 0;
}
