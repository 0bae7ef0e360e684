/*
 * forms.c - template-aware duplicates: families of filled-in forms, and
 * their comparison on what was filled in (dedup.h, docs/DEDUP.md "Forms").
 *
 * 1. Candidates, from the stored signatures alone (no text read): a MinHash
 *    value is the hash of one of the document's shingles (the one with the
 *    least hash under that permutation). For a form, each value is a
 *    template shingle with probability ~ the template's share of its
 *    shingles, and then it is the SAME value in every member whose
 *    filled-in shingles all hash higher: a value (permutation, value)
 *    shared by >= min_family entries is "heavy". One sort of n values per
 *    permutation counts them. An entry with >= HEAVY_MIN of its 128 values
 *    heavy is a candidate (an ordinary letter sharing a closing formula
 *    has 2 or 3).
 * 2. Families: two candidates of one family agree on a position when both
 *    drew the template's value there: ~ h_a h_b / 128 times for h_a, h_b
 *    heavy positions; two of different templates only when the value is a
 *    shingle the templates share (a common header, a common label), so
 *    ~ J(templates) times that. Candidates whose signatures, restricted to
 *    heavy values (the others replaced by values unique to the entry),
 *    agree on >= FAMILY_SIM * h_a h_b / 128 positions (and >= FAMILY_AGREE)
 *    are joined (LSH with 1 row a band: the buckets are exactly the heavy
 *    values; union-find). Each heavy value
 *    then belongs to the family holding the majority of its entries, and
 *    every candidate goes to the family most of its heavy values belong to
 *    (stragglers of a family join it; a value shared by two templates
 *    does not join them).
 * 3. The template, exactly: the texts of a family's members are read and
 *    cut into words (the analyzer's surface tokens). Template words are the
 *    words in >= half of the members (counted on up to SAMPLE_MAX members,
 *    evenly spread: memory bounded). A member's filled-in runs are its
 *    maximal runs of non-template words; a run's anchor is the template
 *    word before it (the label). Field anchors are anchors found in >= half
 *    of the members. A family is a form family when it has a field anchor
 *    and >= FORM_SHARE of its members have a run after one; many versions
 *    of one letter (edits at random places) have none and stay ordinary
 *    near-duplicates.
 * 4. The filled-in part of a member: the words of its runs after field
 *    anchors, each keyed with its anchor, plus the word pairs inside runs,
 *    as a set of hashes. Runs after other template words (OCR noise in the
 *    printed text) and before the first template word (another header) are
 *    left out. Two members are copies when these sets have Jaccard >=
 *    DFT_FORM_FILLED_THRESHOLD (dft_forms_pairs: MinHash + LSH + exact).
 * 5. Fields: lines "label: value" (':' or the full-width colon) whose label
 *    (its words) is in >= half of the members and whose value differs
 *    between members; each member's value is that line's text after the
 *    colon. Best effort: a form printed without colons gets no fields.
 *
 * Cost: step 1 is 128 sorts of n 8-byte keys, step 2 an LSH over the
 * candidates; only candidates' texts are read, once. Memory: 16 bytes a
 * signature for the heavy masks, 512 a candidate for the masked signature,
 * and per family the words of its members (8 bytes a word, one family at a
 * time) plus the filled-in sets kept for the comparison.
 */
#include "daftar/dedup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define HEAVY_MIN 16     /* of 128 values heavy: a candidate */
#define FAMILY_AGREE 4   /* heavy values two candidates share at least, to be compared */
#define FAMILY_SIM 0.5   /* and their agreement over the one expected in a family */
#define VOTE_MIN 8       /* heavy values of one family a candidate needs to join it */
#define TEMPLATE_DF 0.5  /* share of members a template word (or label, or anchor) is in */
#define FORM_SHARE 0.7   /* share of members with a filled-in run after a field anchor */
#define SAMPLE_MAX 2000  /* members the template is counted on */

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int has_u64(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo] == x;
}

static size_t sort_unique(uint64_t *v, size_t n)
{
	size_t i, j;
	if (n < 2)
		return n;
	dft_sort(v, n, sizeof(*v), cmp_u64);
	for (i = 1, j = 1; i < n; i++)
		if (v[i] != v[j - 1])
			v[j++] = v[i];
	return j;
}

/* ---- a growable array of u64 ---------------------------------------------- */

struct u64s {
	uint64_t *v;
	size_t n, cap;
};

static int u64s_push(struct u64s *a, uint64_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 256;
		uint64_t *p = dft_realloc(a->v, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		a->v = p;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

/* ---- 1. heavy values ------------------------------------------------------- */

struct heavy {
	uint64_t (*mask)[2];  /* per entry: which of the 128 positions are heavy */
	uint32_t *values[DFT_MINHASH_PERM]; /* per position: the heavy values, sorted */
	size_t nvalues[DFT_MINHASH_PERM];
	size_t base[DFT_MINHASH_PERM + 1]; /* run id = base[i] + index in values[i] */
};

static void heavy_dispose(struct heavy *h)
{
	int i;
	free(h->mask);
	for (i = 0; i < DFT_MINHASH_PERM; i++)
		free(h->values[i]);
	memset(h, 0, sizeof(*h));
}

static int popcount128(const uint64_t m[2])
{
	return __builtin_popcountll(m[0]) + __builtin_popcountll(m[1]);
}

static int is_heavy(const uint64_t m[2], int i)
{
	return (int)((m[i >> 6] >> (i & 63)) & 1);
}

static int heavy_make(struct heavy *h, const dft_minhash *sigs, size_t n, size_t min_family)
{
	uint64_t *key = NULL;
	size_t s, t, k;
	int i, rc = 0;
	memset(h, 0, sizeof(*h));
	if (!(h->mask = dft_calloc(n + 1, sizeof(*h->mask))) || !(key = dft_malloc((n + 1) * sizeof(*key))))
		return DFT_ENOMEM;
	for (i = 0; i < DFT_MINHASH_PERM && rc == 0; i++) {
		struct u64s vals = {0};
		for (k = 0; k < n; k++)
			key[k] = (uint64_t)sigs[k].v[i] << 32 | (uint64_t)k;
		dft_sort(key, n, sizeof(*key), cmp_u64);
		for (s = 0; s < n && rc == 0; s = t) {
			for (t = s + 1; t < n && key[t] >> 32 == key[s] >> 32; t++)
				;
			if (t - s < min_family)
				continue;
			rc = u64s_push(&vals, key[s] >> 32);
			for (k = s; k < t; k++) {
				size_t e = (size_t)(key[k] & 0xffffffffu);
				h->mask[e][i >> 6] |= (uint64_t)1 << (i & 63);
			}
		}
		if (rc == 0 && vals.n && !(h->values[i] = dft_malloc(vals.n * sizeof(uint32_t))))
			rc = DFT_ENOMEM;
		for (k = 0; rc == 0 && k < vals.n; k++)
			h->values[i][k] = (uint32_t)vals.v[k];
		h->nvalues[i] = vals.n;
		free(vals.v);
	}
	for (i = 0; i < DFT_MINHASH_PERM; i++)
		h->base[i + 1] = h->base[i] + h->nvalues[i];
	free(key);
	return rc;
}

static size_t run_id(const struct heavy *h, int i, uint32_t v)
{
	size_t lo = 0, hi = h->nvalues[i];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->values[i][mid] < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return h->base[i] + lo; /* v is there: the entry's position is heavy */
}

/* ---- 2. families of candidates --------------------------------------------- */

struct uf_ctx {
	size_t *parent;
	int *heavy; /* heavy positions of each candidate */
};

static size_t uf_find(size_t *p, size_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static int uf_want(void *ctx, size_t a, size_t b)
{
	struct uf_ctx *u = ctx;
	return uf_find(u->parent, a) != uf_find(u->parent, b);
}

static int uf_pair(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct uf_ctx *u = ctx;
	size_t ra = uf_find(u->parent, a), rb = uf_find(u->parent, b);
	double agree = sim * DFT_MINHASH_PERM;
	(void)exact;
	/* agreement over what two members of one family would have by chance
	 * of both drawing a template value: ~1 in a family, ~ the Jaccard of
	 * the two templates across families */
	if (agree * DFT_MINHASH_PERM < FAMILY_SIM * (double)u->heavy[a] * (double)u->heavy[b])
		return 0;
	if (ra < rb)
		u->parent[rb] = ra;
	else if (rb < ra)
		u->parent[ra] = rb;
	return 0;
}

/* Candidates -> tentative family per entry (SIZE_MAX: none), nfam. */
static int families_make(const struct heavy *h, const dft_minhash *sigs, size_t n, size_t min_family,
			 size_t *fam_of, size_t *nfam, size_t *ncand_out)
{
	size_t *cand = NULL, ncand = 0, k, c, *size = NULL, *seed = NULL, nruns = h->base[DFT_MINHASH_PERM];
	size_t *owner = NULL, *ocount = NULL;
	dft_minhash *masked = NULL;
	struct uf_ctx u = {NULL};
	dft_near_opts no;
	int i, rc = 0;

	*nfam = 0;
	for (k = 0; k < n; k++)
		fam_of[k] = SIZE_MAX;
	for (k = 0; k < n; k++)
		ncand += popcount128(h->mask[k]) >= HEAVY_MIN;
	*ncand_out = ncand;
	if (getenv("DAFTAR_FORMS_DEBUG")) { /* the heavy-value histogram, for tuning */
		size_t hist[9] = {0};
		for (k = 0; k < n; k++)
			hist[popcount128(h->mask[k]) / 16]++;
		for (k = 0; k < 9; k++)
			fprintf(stderr, "heavy %zu-%zu: %zu\n", k * 16, k * 16 + 15, hist[k]);
	}
	if (ncand < min_family)
		return 0;
	if (!(cand = dft_malloc(ncand * sizeof(*cand))) || !(masked = dft_malloc(ncand * sizeof(*masked))) ||
	    !(u.parent = dft_malloc(ncand * sizeof(size_t))) || !(u.heavy = dft_malloc(ncand * sizeof(int))) || !(size = dft_calloc(ncand, sizeof(size_t))) ||
	    !(seed = dft_malloc(ncand * sizeof(size_t))) || !(owner = dft_malloc((nruns + 1) * sizeof(size_t))) ||
	    !(ocount = dft_calloc(nruns + 1, sizeof(size_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (k = 0, c = 0; k < n; k++) {
		if (popcount128(h->mask[k]) < HEAVY_MIN)
			continue;
		cand[c] = k;
		u.parent[c] = c;
		u.heavy[c] = popcount128(h->mask[k]);
		for (i = 0; i < DFT_MINHASH_PERM; i++)
			masked[c].v[i] = is_heavy(h->mask[k], i)
				? sigs[k].v[i]
				: (uint32_t)mix64((uint64_t)k * DFT_MINHASH_PERM + (uint64_t)i + 0x466f726d73ULL);
		c++;
	}
	memset(&no, 0, sizeof(no));
	no.threshold = (double)FAMILY_AGREE / DFT_MINHASH_PERM;
	no.want = uf_want;
	no.pair = uf_pair;
	no.ctx = &u;
	if ((rc = dft_near_pairs(masked, ncand, &no, NULL)) != 0)
		goto done;
	/* seeds: components of min_family or more */
	for (c = 0; c < ncand; c++)
		size[uf_find(u.parent, c)]++;
	for (c = 0; c < ncand; c++) {
		seed[c] = SIZE_MAX;
		if (size[c] >= min_family)
			seed[c] = (*nfam)++;
	}
	/* each heavy value's family: majority vote (Boyer-Moore, then counted) */
	for (k = 0; k < nruns; k++)
		owner[k] = SIZE_MAX;
	for (c = 0; c < ncand; c++) {
		size_t f = seed[uf_find(u.parent, c)];
		if (f == SIZE_MAX)
			continue;
		for (i = 0; i < DFT_MINHASH_PERM; i++) {
			size_t r;
			if (!is_heavy(h->mask[cand[c]], i))
				continue;
			r = run_id(h, i, sigs[cand[c]].v[i]);
			if (ocount[r] == 0)
				owner[r] = f, ocount[r] = 1;
			else if (owner[r] == f)
				ocount[r]++;
			else
				ocount[r]--;
		}
	}
	/* a candidate joins the family most of its heavy values belong to */
	for (c = 0; c < ncand; c++) {
		size_t vf[DFT_MINHASH_PERM], vn[DFT_MINHASH_PERM], nv = 0, best = 0, j;
		for (i = 0; i < DFT_MINHASH_PERM; i++) {
			size_t r, f;
			if (!is_heavy(h->mask[cand[c]], i))
				continue;
			r = run_id(h, i, sigs[cand[c]].v[i]);
			if (ocount[r] == 0 || (f = owner[r]) == SIZE_MAX)
				continue;
			for (j = 0; j < nv && vf[j] != f; j++)
				;
			if (j == nv)
				vf[nv] = f, vn[nv++] = 0;
			vn[j]++;
		}
		for (j = 1; j < nv; j++)
			if (vn[j] > vn[best])
				best = j;
		if (nv && vn[best] >= VOTE_MIN)
			fam_of[cand[c]] = vf[best];
	}
done:
	free(cand);
	free(masked);
	free(u.parent);
	free(u.heavy);
	free(size);
	free(seed);
	free(owner);
	free(ocount);
	return rc;
}

/* ---- 3. the template of one family, exactly -------------------------------- */

struct fline {
	uint64_t key;  /* the label's words */
	size_t member, line;
	char *label, *value;
};

struct famwork {
	dft_analyzer *an;
	struct u64s words; /* every member's word hashes, one after another */
	size_t *off;       /* member m: words.v[off[m] .. off[m+1]) */
	struct fline *lines;
	size_t nlines, caplines;
	/* while tokenising one label */
	uint64_t key;
};

static int on_word(void *ctx, const dft_token *t)
{
	struct u64s *w = ctx;
	if (t->kind != DFT_TOK_SURFACE || t->colocated)
		return 0;
	return u64s_push(w, XXH3_64bits(t->text, t->len));
}

static int on_label_word(void *ctx, const dft_token *t)
{
	struct famwork *fw = ctx;
	if (t->kind != DFT_TOK_SURFACE || t->colocated)
		return 0;
	fw->key = mix64(fw->key ^ XXH3_64bits(t->text, t->len));
	return 0;
}

static char *dup_trim(const char *s, size_t n)
{
	char *o;
	while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (!(o = dft_malloc(n + 1)))
		return NULL;
	memcpy(o, s, n);
	o[n] = '\0';
	return o;
}

/* Lines "label: value" of one member. */
static int scan_lines(struct famwork *fw, size_t member, const char *text, size_t len)
{
	size_t at = 0, lineno = 0;
	int rc;
	while (at < len) {
		const char *line = text + at, *nl = memchr(line, '\n', len - at), *colon = NULL, *p;
		size_t ll = nl ? (size_t)(nl - line) : len - at, cl = 0;
		at += ll + 1;
		lineno++;
		for (p = line; p < line + ll && !colon; p++) {
			if (*p == ':')
				colon = p, cl = 1;
			else if (p + 3 <= line + ll && !memcmp(p, "\xef\xbc\x9a", 3)) /* U+FF1A */
				colon = p, cl = 3;
		}
		if (!colon || colon == line || colon - line > 120)
			continue;
		fw->key = 0x4c6162656cULL; /* "Label" */
		if ((rc = dft_analyze(fw->an, line, (size_t)(colon - line), on_label_word, fw)) < 0)
			return rc;
		if (fw->key == 0x4c6162656cULL)
			continue; /* no words before the colon */
		if (fw->nlines == fw->caplines) {
			size_t cap = fw->caplines ? fw->caplines * 2 : 256;
			struct fline *q = dft_realloc(fw->lines, cap * sizeof(*q));
			if (!q)
				return DFT_ENOMEM;
			fw->lines = q;
			fw->caplines = cap;
		}
		{
			struct fline *f = &fw->lines[fw->nlines];
			f->key = fw->key;
			f->member = member;
			f->line = lineno;
			f->label = dup_trim(line, (size_t)(colon - line));
			f->value = dup_trim(colon + cl, ll - (size_t)(colon - line) - cl);
			if (!f->label || !f->value) {
				free(f->label);
				free(f->value);
				return DFT_ENOMEM;
			}
			fw->nlines++;
		}
	}
	return 0;
}

static int cmp_fline(const void *a, const void *b)
{
	const struct fline *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->member < y->member ? -1 : x->member > y->member;
}

static void famwork_clear(struct famwork *fw)
{
	size_t i;
	for (i = 0; i < fw->nlines; i++) {
		free(fw->lines[i].label);
		free(fw->lines[i].value);
	}
	fw->nlines = 0;
	fw->words.n = 0;
}

/* The words that are in >= TEMPLATE_DF of the sampled members (sorted). */
static int df_words(const struct famwork *fw, size_t nm, size_t stride, struct u64s *out, size_t *nsample,
		    int anchors, const struct u64s *tmpl)
{
	struct u64s all = {0}, one = {0};
	size_t m, s, t, k;
	int rc = 0;
	*nsample = 0;
	out->n = 0;
	for (m = 0; m < nm && rc == 0; m += stride) {
		const uint64_t *w = fw->words.v + fw->off[m];
		size_t n = fw->off[m + 1] - fw->off[m];
		uint64_t anchor = 0;
		int in_run = 0;
		one.n = 0;
		(*nsample)++;
		for (k = 0; k < n && rc == 0; k++) {
			if (!anchors) {
				rc = u64s_push(&one, w[k]);
			} else if (has_u64(tmpl->v, tmpl->n, w[k])) {
				anchor = w[k];
				in_run = 0;
			} else if (!in_run) {
				in_run = 1;
				if (anchor)
					rc = u64s_push(&one, anchor);
			}
		}
		one.n = sort_unique(one.v, one.n);
		for (k = 0; k < one.n && rc == 0; k++)
			rc = u64s_push(&all, one.v[k]);
	}
	if (rc == 0) {
		double need = TEMPLATE_DF * (double)*nsample;
		dft_sort(all.v, all.n, sizeof(uint64_t), cmp_u64);
		for (s = 0; s < all.n && rc == 0; s = t) {
			for (t = s + 1; t < all.n && all.v[t] == all.v[s]; t++)
				;
			if ((double)(t - s) >= need)
				rc = u64s_push(out, all.v[s]);
		}
	}
	free(all.v);
	free(one.v);
	return rc;
}

static uint64_t elem_word(uint64_t anchor, uint64_t w)
{
	return mix64(mix64(anchor ^ 0x57) ^ w);
}

static uint64_t elem_pair(uint64_t a, uint64_t b)
{
	return mix64(mix64(a ^ 0x50) ^ b) ^ 0x1;
}

/* The filled-in part of member m; returns whether it has a run after a field anchor. */
static int filled_set(const struct famwork *fw, size_t m, const struct u64s *tmpl, const struct u64s *anchors,
		      dft_shingles *out, size_t *tmpl_words)
{
	const uint64_t *w = fw->words.v + fw->off[m];
	size_t n = fw->off[m + 1] - fw->off[m], k;
	uint64_t anchor = 0, prev = 0;
	int in_field = 0, any = 0;
	struct u64s set = {0};
	*tmpl_words = 0;
	for (k = 0; k < n; k++) {
		if (has_u64(tmpl->v, tmpl->n, w[k])) {
			anchor = w[k];
			in_field = 0;
			prev = 0;
			++*tmpl_words;
			continue;
		}
		if (!prev) /* a run starts */
			in_field = anchor && has_u64(anchors->v, anchors->n, anchor);
		if (in_field) {
			any = 1;
			if (u64s_push(&set, elem_word(anchor, w[k])) < 0 ||
			    (prev && u64s_push(&set, elem_pair(prev, w[k])) < 0)) {
				free(set.v);
				return DFT_ENOMEM;
			}
		}
		prev = w[k];
	}
	dft_shingles_dispose(out);
	out->h = set.v;
	out->cap = set.cap;
	out->n = sort_unique(set.v, set.n);
	out->tokens = n;
	return any;
}

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

/* Fields: labels in >= TEMPLATE_DF of the members, values that differ. */
static int make_fields(struct famwork *fw, dft_form_family *F)
{
	size_t s, t, k;
	if (fw->nlines > 1)
		dft_sort(fw->lines, fw->nlines, sizeof(*fw->lines), cmp_fline);
	for (s = 0; s < fw->nlines; s = t) {
		size_t members = 0, differ = 0;
		dft_form_field *fl, *q;
		for (t = s + 1; t < fw->nlines && fw->lines[t].key == fw->lines[s].key; t++)
			;
		for (k = s; k < t; k++)
			if (k == s || fw->lines[k].member != fw->lines[k - 1].member) {
				members++;
				differ += k > s && cmp_str(fw->lines[k].value, fw->lines[s].value) != 0;
			}
		if ((double)members < TEMPLATE_DF * (double)F->n || !differ)
			continue;
		if (!(q = dft_realloc(F->fields, (F->nfields + 1) * sizeof(*q))))
			return DFT_ENOMEM;
		F->fields = q;
		fl = &F->fields[F->nfields];
		memset(fl, 0, sizeof(*fl));
		if (!(fl->value = dft_calloc(F->n, sizeof(char *))))
			return DFT_ENOMEM;
		F->nfields++;
		fl->label = fw->lines[s].label;
		fl->line = fw->lines[s].line;
		fw->lines[s].label = NULL;
		for (k = s; k < t; k++)
			if (!fl->value[fw->lines[k].member]) {
				fl->value[fw->lines[k].member] = fw->lines[k].value;
				fw->lines[k].value = NULL;
			}
	}
	return 0;
}

static void family_free(dft_form_family *F)
{
	size_t i, j;
	for (i = 0; i < F->nfields; i++) {
		free(F->fields[i].label);
		for (j = 0; F->fields[i].value && j < F->n; j++)
			free(F->fields[i].value[j]);
		free(F->fields[i].value);
	}
	free(F->fields);
	free(F->members);
	memset(F, 0, sizeof(*F));
}

static int cmp_field(const void *a, const void *b)
{
	const dft_form_field *x = a, *y = b;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Read the family's texts, find its template; 1: a form family, 0: not. */
static int family_exact(dft_forms *f, dft_form_family *F, const dft_forms_opts *o, struct famwork *fw, dft_buf *text)
{
	struct u64s tmpl = {0}, anchors = {0};
	size_t m, nsample = 0, stride, with_field = 0;
	double share = 0;
	int rc = 0, any;

	famwork_clear(fw);
	if (!(fw->off = dft_realloc(fw->off, (F->n + 1) * sizeof(size_t))))
		return DFT_ENOMEM;
	for (m = 0; m < F->n && rc == 0; m++) {
		fw->off[m] = fw->words.n;
		dft_buf_reset(text);
		if ((rc = o->text(o->ctx, F->members[m], text)) < 0)
			break;
		f->texts_read++;
		if ((rc = dft_analyze(o->an, dft_buf_cstr(text), text->len, on_word, &fw->words)) < 0 ||
		    (rc = scan_lines(fw, m, dft_buf_cstr(text), text->len)) < 0)
			break;
	}
	if (rc < 0)
		goto done;
	fw->off[F->n] = fw->words.n;
	stride = F->n > SAMPLE_MAX ? (F->n + SAMPLE_MAX - 1) / SAMPLE_MAX : 1;
	if ((rc = df_words(fw, F->n, stride, &tmpl, &nsample, 0, NULL)) < 0 ||
	    (rc = df_words(fw, F->n, stride, &anchors, &nsample, 1, &tmpl)) < 0)
		goto done;
	F->template_words = tmpl.n;
	F->field_anchors = anchors.n;
	if (anchors.n == 0)
		goto done; /* rc 0: not a form family */
	for (m = 0; m < F->n; m++) {
		size_t e = F->members[m], tw;
		if ((any = filled_set(fw, m, &tmpl, &anchors, &f->filled[e], &tw)) < 0) {
			rc = any;
			goto done;
		}
		with_field += (size_t)any;
		share += f->filled[e].tokens ? (double)tw / (double)f->filled[e].tokens : 0;
	}
	if ((double)with_field < FORM_SHARE * (double)F->n)
		goto done;
	F->template_share = share / (double)F->n;
	if ((rc = make_fields(fw, F)) < 0)
		goto done;
	if (F->nfields > 1)
		dft_sort(F->fields, F->nfields, sizeof(*F->fields), cmp_field);
	rc = 1;
done:
	if (rc <= 0)
		for (m = 0; m < F->n; m++)
			dft_shingles_dispose(&f->filled[F->members[m]]);
	free(tmpl.v);
	free(anchors.v);
	return rc;
}

void dft_forms_dispose(dft_forms *f)
{
	size_t i;
	for (i = 0; i < f->nfam; i++)
		family_free(&f->fam[i]);
	free(f->fam);
	if (f->filled)
		for (i = 0; i < f->n; i++)
			dft_shingles_dispose(&f->filled[i]);
	free(f->filled);
	free(f->family_of);
	memset(f, 0, sizeof(*f));
}

int dft_forms_find(dft_forms *f, const dft_minhash *sigs, size_t n, const dft_forms_opts *o)
{
	struct heavy h;
	struct famwork fw;
	dft_buf text;
	size_t min_family = o->min_family ? o->min_family : DFT_FORM_MIN_FAMILY, nf = 0, k, i, kept = 0;
	size_t *count = NULL;
	double t0 = dft_now();
	int rc;

	memset(f, 0, sizeof(*f));
	memset(&fw, 0, sizeof(fw));
	memset(&h, 0, sizeof(h));
	dft_buf_init(&text, (size_t)1 << 31);
	fw.an = o->an;
	f->n = n;
	if (!(f->family_of = dft_malloc((n + 1) * sizeof(size_t))) || !(f->filled = dft_calloc(n + 1, sizeof(dft_shingles)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (k = 0; k < n; k++)
		f->family_of[k] = SIZE_MAX;
	if (n < min_family) {
		rc = 0;
		goto done;
	}
	if ((rc = heavy_make(&h, sigs, n, min_family)) < 0 ||
	    (rc = families_make(&h, sigs, n, min_family, f->family_of, &nf, &f->candidates)) < 0)
		goto done;
	dft_log("forms: %zu candidates, %zu tentative families at %.2f s", f->candidates, nf, dft_now() - t0);
	if (nf == 0)
		goto done;
	/* members of each tentative family */
	if (!(count = dft_calloc(nf, sizeof(size_t))) || !(f->fam = dft_calloc(nf, sizeof(*f->fam)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (k = 0; k < n; k++)
		if (f->family_of[k] != SIZE_MAX)
			count[f->family_of[k]]++;
	for (i = 0; i < nf; i++)
		if (count[i] && !(f->fam[i].members = dft_malloc(count[i] * sizeof(size_t)))) {
			rc = DFT_ENOMEM;
			goto done;
		}
	f->nfam = nf;
	for (k = 0; k < n; k++)
		if (f->family_of[k] != SIZE_MAX) {
			dft_form_family *F = &f->fam[f->family_of[k]];
			F->members[F->n++] = k;
		}
	/* exactly, one family at a time; keep the form families */
	for (i = 0; i < nf; i++) {
		dft_form_family *F = &f->fam[i];
		int form = 0;
		if (F->n >= min_family && (form = family_exact(f, F, o, &fw, &text)) < 0) {
			rc = form;
			goto done;
		}
		if (!form) {
			for (k = 0; k < F->n; k++)
				f->family_of[F->members[k]] = SIZE_MAX;
			f->rejected += F->n >= min_family;
			family_free(F);
			continue;
		}
		for (k = 0; k < F->n; k++)
			f->family_of[F->members[k]] = kept;
		if (kept != i) {
			f->fam[kept] = *F;
			memset(F, 0, sizeof(*F));
		}
		kept++;
	}
	f->nfam = kept;
	rc = 0;
done:
	famwork_clear(&fw);
	free(fw.lines);
	free(fw.words.v);
	free(fw.off);
	free(count);
	heavy_dispose(&h);
	dft_buf_dispose(&text);
	f->seconds = dft_now() - t0;
	if (rc < 0)
		dft_forms_dispose(f);
	return rc;
}

/* ---- 4. copies among the forms of a family ---------------------------------- */

struct fpair_ctx {
	const dft_forms *f;
	const size_t *members;
	int (*want)(void *ctx, size_t a, size_t b);
	int (*pair)(void *ctx, size_t a, size_t b, double similarity, int exact);
	void *ctx;
};

static int fp_want(void *ctx, size_t a, size_t b)
{
	struct fpair_ctx *c = ctx;
	return !c->want || c->want(c->ctx, c->members[a], c->members[b]);
}

static int fp_pair(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct fpair_ctx *c = ctx;
	return c->pair(c->ctx, c->members[a], c->members[b], sim, exact);
}

static int fp_shingles(void *ctx, size_t i, dft_shingles *out)
{
	struct fpair_ctx *c = ctx;
	const dft_shingles *s = &c->f->filled[c->members[i]];
	uint64_t *p = dft_realloc(out->h, (s->n + 1) * sizeof(uint64_t));
	if (!p)
		return DFT_ENOMEM;
	out->h = p;
	out->cap = s->n + 1;
	if (s->n)
		memcpy(p, s->h, s->n * sizeof(uint64_t));
	out->n = s->n;
	out->tokens = s->tokens;
	return 0;
}

int dft_forms_pairs(const dft_forms *f, double threshold, const unsigned char *side,
		    int (*want)(void *ctx, size_t a, size_t b),
		    int (*pair)(void *ctx, size_t a, size_t b, double similarity, int exact), void *ctx,
		    dft_near_stats *st)
{
	dft_minhash *sigs = NULL;
	unsigned char *fside = NULL;
	struct fpair_ctx c;
	dft_near_opts no;
	dft_near_stats one;
	size_t i, m, most = 0;
	int rc = 0;

	for (i = 0; i < f->nfam; i++)
		most = f->fam[i].n > most ? f->fam[i].n : most;
	if (!most)
		return 0;
	if (!(sigs = dft_malloc(most * sizeof(*sigs))) || (side && !(fside = dft_malloc(most)))) {
		free(sigs);
		return DFT_ENOMEM;
	}
	memset(&c, 0, sizeof(c));
	c.f = f;
	c.want = want;
	c.pair = pair;
	c.ctx = ctx;
	memset(&no, 0, sizeof(no));
	no.threshold = threshold > 0 ? threshold : DFT_FORM_FILLED_THRESHOLD;
	no.want = fp_want;
	no.shingles = fp_shingles;
	no.pair = fp_pair;
	no.ctx = &c;
	no.side = fside;
	no.cache_max = (size_t)64 << 20;
	for (i = 0; i < f->nfam && rc == 0; i++) {
		const dft_form_family *F = &f->fam[i];
		c.members = F->members;
		for (m = 0; m < F->n; m++) {
			dft_minhash_sign(&sigs[m], &f->filled[F->members[m]]);
			if (fside)
				fside[m] = side[F->members[m]];
		}
		if ((rc = dft_near_pairs(sigs, F->n, &no, &one)) != 0)
			break;
		if (st) {
			st->bands = one.bands;
			st->rows = one.rows;
			st->candidates += one.candidates;
			st->estimated += one.estimated;
			st->exact += one.exact;
			st->accepted += one.accepted;
			st->big_buckets += one.big_buckets;
		}
	}
	free(sigs);
	free(fside);
	return rc;
}
