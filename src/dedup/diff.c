/*
 * diff.c - what changed between two versions of a document, word by word:
 * `daftar show CASE A --diff B`.
 *
 * Words are the analyzer's surface tokens (so letter forms, case, tashkeel
 * and digits do not count as changes) with their byte offsets in each text,
 * so the caller can print the original characters around a change.
 *
 * Myers' O(ND) greedy algorithm, after stripping the common head and tail,
 * finds a shortest edit script when D (words deleted + inserted) is at most
 * DFT_DIFF_MAX_D; its trace is (D+1)^2 longs, so the bound keeps memory at
 * 18 MB. Past the bound (two 100k-word texts that differ a lot), the range
 * is cut at anchors, words that occur exactly once in each side, kept in
 * the longest increasing run (patience diff), and only the gaps between
 * anchors are diffed, recursively; a gap with no anchor and too many
 * changes becomes one deletion and one insertion. The result is then not
 * always minimal, and dft_diff.anchored says so.
 */
#include "daftar/dedup.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define MAX_DEPTH 48

struct word {
	uint64_t h;
	size_t start, end;
};

struct words {
	struct word *w;
	size_t n, cap;
};

struct ctx {
	dft_diff *out;
	const struct words *a, *b;
	const char *ta, *tb;
	size_t alen, blen;
};

void dft_diff_init(dft_diff *d)
{
	memset(d, 0, sizeof(*d));
}

void dft_diff_dispose(dft_diff *d)
{
	free(d->ops);
	dft_diff_init(d);
}

static int on_word(void *vctx, const dft_token *t)
{
	struct words *ws = vctx;
	if (t->kind != DFT_TOK_SURFACE || t->colocated)
		return 0;
	if (ws->n == ws->cap) {
		size_t cap = ws->cap ? ws->cap * 2 : 1024;
		struct word *p = dft_realloc(ws->w, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		ws->w = p;
		ws->cap = cap;
	}
	ws->w[ws->n].h = XXH3_64bits(t->text, t->len);
	ws->w[ws->n].start = t->start;
	ws->w[ws->n].end = t->end;
	ws->n++;
	return 0;
}

/* Byte offset where word i of ws begins (or the text's end). */
static size_t off_start(const struct words *ws, size_t i, size_t len)
{
	return i < ws->n ? ws->w[i].start : len;
}

/* Append a run, merged with the previous one when it continues it. */
static int emit(struct ctx *c, int op, size_t a0, size_t a1, size_t b0, size_t b1)
{
	dft_diff *d = c->out;
	dft_diff_op *o;
	if (a0 == a1 && b0 == b1)
		return 0;
	if (op == DFT_DIFF_DELETE)
		d->deleted += a1 - a0;
	else if (op == DFT_DIFF_INSERT)
		d->inserted += b1 - b0;
	if (d->nops && d->ops[d->nops - 1].op == op && d->ops[d->nops - 1].a_to == a0 &&
	    d->ops[d->nops - 1].b_to == b0) {
		o = &d->ops[d->nops - 1];
	} else {
		if (d->nops == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 64;
			dft_diff_op *p = dft_realloc(d->ops, cap * sizeof(*p));
			if (!p)
				return DFT_ENOMEM;
			d->ops = p;
			d->cap = cap;
		}
		o = &d->ops[d->nops++];
		o->op = op;
		o->a_from = a0;
		o->b_from = b0;
		o->a_start = off_start(c->a, a0, c->alen);
		o->b_start = off_start(c->b, b0, c->blen);
	}
	o->a_to = a1;
	o->b_to = b1;
	o->a_end = a1 > o->a_from ? c->a->w[a1 - 1].end : o->a_start;
	o->b_end = b1 > o->b_from ? c->b->w[b1 - 1].end : o->b_start;
	return 0;
}

/* A step of the backtrack, kept in reverse before emitting. */
struct step {
	int op;
	size_t a0, a1, b0, b1;
};

/* Myers on a[a0..a1) x b[b0..b1); DFT_ELIMIT when D passes the bound. */
static int myers(struct ctx *c, size_t a0, size_t a1, size_t b0, size_t b1)
{
	const struct word *A = c->a->w + a0, *B = c->b->w + b0;
	long N = (long)(a1 - a0), M = (long)(b1 - b0), max = N + M, d, k, D = -1;
	long *V = NULL, *trace = NULL, x, y;
	struct step *steps = NULL;
	size_t nsteps = 0, tcap = 0, i;
	int rc = 0;

	if (max > DFT_DIFF_MAX_D)
		max = DFT_DIFF_MAX_D;
	if (!(V = dft_calloc((size_t)(2 * max + 3), sizeof(*V))))
		return DFT_ENOMEM;
#define VK(kk) V[(kk) + max + 1]
	for (d = 0; d <= max && D < 0; d++) {
		size_t need = (size_t)((d + 1) * (d + 1));
		if (need > tcap) {
			size_t cap = tcap ? tcap * 2 : 1024;
			long *p;
			while (cap < need)
				cap *= 2;
			if (!(p = dft_realloc(trace, cap * sizeof(*p)))) {
				rc = DFT_ENOMEM;
				goto done;
			}
			trace = p;
			tcap = cap;
		}
		for (k = -d; k <= d; k += 2) {
			if (k == -d || (k != d && VK(k - 1) < VK(k + 1)))
				x = VK(k + 1);
			else
				x = VK(k - 1) + 1;
			y = x - k;
			while (x < N && y < M && A[x].h == B[y].h)
				x++, y++;
			VK(k) = x;
			if (x >= N && y >= M)
				D = d;
		}
		/* the slice -d..d of V after round d starts at d*d */
		memcpy(trace + d * d, &VK(-d), (size_t)(2 * d + 1) * sizeof(*V));
	}
	if (D < 0) {
		rc = DFT_ELIMIT;
		goto done;
	}
	if (!(steps = dft_malloc((size_t)(2 * D + 2) * sizeof(*steps)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	x = N;
	y = M;
	for (d = D; d > 0; d--) {
		const long *Vp = trace + (d - 1) * (d - 1); /* index k + (d-1) */
		long pk, px, py, mx, my;
		k = x - y;
		if (k == -d || (k != d && Vp[k - 1 + d - 1] < Vp[k + 1 + d - 1]))
			pk = k + 1; /* down: a word of B inserted */
		else
			pk = k - 1; /* right: a word of A deleted */
		px = Vp[pk + d - 1];
		py = px - pk;
		mx = pk == k + 1 ? px : px + 1;
		my = pk == k + 1 ? py + 1 : py;
		steps[nsteps++] = (struct step){DFT_DIFF_EQUAL, (size_t)mx, (size_t)x, (size_t)my, (size_t)y};
		if (pk == k + 1)
			steps[nsteps++] = (struct step){DFT_DIFF_INSERT, (size_t)px, (size_t)px, (size_t)py, (size_t)py + 1};
		else
			steps[nsteps++] = (struct step){DFT_DIFF_DELETE, (size_t)px, (size_t)px + 1, (size_t)py, (size_t)py};
		x = px;
		y = py;
	}
	steps[nsteps++] = (struct step){DFT_DIFF_EQUAL, 0, (size_t)x, 0, (size_t)y};
	for (i = nsteps; i-- > 0 && rc == 0;)
		rc = emit(c, steps[i].op, a0 + steps[i].a0, a0 + steps[i].a1, b0 + steps[i].b0, b0 + steps[i].b1);
done:
#undef VK
	free(steps);
	free(trace);
	free(V);
	return rc;
}

struct occ {
	uint64_t h;
	size_t idx;
	int side;
};

static int cmp_occ(const void *x, const void *y)
{
	const struct occ *p = x, *q = y;
	if (p->h != q->h)
		return p->h < q->h ? -1 : 1;
	if (p->side != q->side)
		return p->side - q->side;
	return p->idx < q->idx ? -1 : p->idx > q->idx;
}

struct anchor {
	size_t a, b;
};

static int cmp_anchor(const void *x, const void *y)
{
	const struct anchor *p = x, *q = y;
	return p->a < q->a ? -1 : p->a > q->a;
}

static int diff_range(struct ctx *c, size_t a0, size_t a1, size_t b0, size_t b1, int depth);

/* Patience: anchors = words unique in both ranges, longest run increasing
 * in both; the gaps between them are diffed on their own. */
static int anchored(struct ctx *c, size_t a0, size_t a1, size_t b0, size_t b1, int depth)
{
	size_t na = a1 - a0, nb = b1 - b0, n = na + nb, i, j, nanch = 0, len = 0;
	struct occ *occ = NULL;
	struct anchor *an = NULL;
	size_t *tails = NULL, *prev = NULL, *chain = NULL;
	int rc = 0;

	c->out->anchored = 1;
	if (depth >= MAX_DEPTH)
		goto whole;
	if (!(occ = dft_malloc(n * sizeof(*occ))) || !(an = dft_malloc((n / 2 + 1) * sizeof(*an)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < na; i++)
		occ[i] = (struct occ){c->a->w[a0 + i].h, a0 + i, 0};
	for (i = 0; i < nb; i++)
		occ[na + i] = (struct occ){c->b->w[b0 + i].h, b0 + i, 1};
	dft_sort(occ, n, sizeof(*occ), cmp_occ);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && occ[j].h == occ[i].h; j++)
			;
		if (j - i == 2 && occ[i].side == 0 && occ[i + 1].side == 1)
			an[nanch++] = (struct anchor){occ[i].idx, occ[i + 1].idx};
	}
	if (nanch == 0)
		goto whole;
	dft_sort(an, nanch, sizeof(*an), cmp_anchor);
	/* longest increasing subsequence of an[].b (patience sorting) */
	if (!(tails = dft_malloc(nanch * sizeof(*tails))) || !(prev = dft_malloc(nanch * sizeof(*prev))) ||
	    !(chain = dft_malloc(nanch * sizeof(*chain)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < nanch; i++) {
		size_t lo = 0, hi = len;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (an[tails[mid]].b < an[i].b)
				lo = mid + 1;
			else
				hi = mid;
		}
		prev[i] = lo ? tails[lo - 1] : (size_t)-1;
		tails[lo] = i;
		if (lo == len)
			len++;
	}
	for (i = len, j = tails[len - 1]; i-- > 0; j = prev[j])
		chain[i] = j;
	{
		size_t pa = a0, pb = b0;
		for (i = 0; i < len && rc == 0; i++) {
			const struct anchor *x = &an[chain[i]];
			if ((rc = diff_range(c, pa, x->a, pb, x->b, depth + 1)) == 0)
				rc = emit(c, DFT_DIFF_EQUAL, x->a, x->a + 1, x->b, x->b + 1);
			pa = x->a + 1;
			pb = x->b + 1;
		}
		if (rc == 0)
			rc = diff_range(c, pa, a1, pb, b1, depth + 1);
	}
	goto done;
whole:
	if ((rc = emit(c, DFT_DIFF_DELETE, a0, a1, b0, b0)) == 0)
		rc = emit(c, DFT_DIFF_INSERT, a1, a1, b0, b1);
done:
	free(chain);
	free(prev);
	free(tails);
	free(an);
	free(occ);
	return rc;
}

static int diff_range(struct ctx *c, size_t a0, size_t a1, size_t b0, size_t b1, int depth)
{
	size_t p = 0, s = 0;
	int rc;
	while (a0 + p < a1 && b0 + p < b1 && c->a->w[a0 + p].h == c->b->w[b0 + p].h)
		p++;
	while (a1 - s > a0 + p && b1 - s > b0 + p && c->a->w[a1 - 1 - s].h == c->b->w[b1 - 1 - s].h)
		s++;
	if ((rc = emit(c, DFT_DIFF_EQUAL, a0, a0 + p, b0, b0 + p)) < 0)
		return rc;
	a0 += p;
	b0 += p;
	if (a0 == a1 - s)
		rc = emit(c, DFT_DIFF_INSERT, a0, a0, b0, b1 - s);
	else if (b0 == b1 - s)
		rc = emit(c, DFT_DIFF_DELETE, a0, a1 - s, b0, b0);
	else {
		rc = myers(c, a0, a1 - s, b0, b1 - s);
		if (rc == DFT_ELIMIT)
			rc = anchored(c, a0, a1 - s, b0, b1 - s, depth);
	}
	if (rc == 0)
		rc = emit(c, DFT_DIFF_EQUAL, a1 - s, a1, b1 - s, b1);
	return rc;
}

int dft_diff_texts(dft_diff *out, const char *a, size_t alen, const char *b, size_t blen)
{
	dft_analyzer *an = NULL;
	struct words wa = {0}, wb = {0};
	struct ctx c;
	int rc;
	dft_diff_dispose(out);
	if ((rc = dft_analyzer_new(&an, NULL, 0)) < 0)
		return rc;
	if ((rc = dft_analyze(an, a, alen, on_word, &wa)) < 0 || (rc = dft_analyze(an, b, blen, on_word, &wb)) < 0)
		goto done;
	out->words_a = wa.n;
	out->words_b = wb.n;
	c.out = out;
	c.a = &wa;
	c.b = &wb;
	c.ta = a;
	c.tb = b;
	c.alen = alen;
	c.blen = blen;
	if ((rc = diff_range(&c, 0, wa.n, 0, wb.n, 0)) < 0)
		goto done;
	{
		dft_shingles sa, sb;
		dft_shingles_init(&sa);
		dft_shingles_init(&sb);
		if ((rc = dft_shingles_of_text(&sa, an, a, alen)) == 0 && (rc = dft_shingles_of_text(&sb, an, b, blen)) == 0)
			out->similarity = dft_shingles_jaccard(&sa, &sb);
		dft_shingles_dispose(&sa);
		dft_shingles_dispose(&sb);
	}
done:
	if (rc < 0)
		dft_diff_dispose(out);
	free(wa.w);
	free(wb.w);
	dft_analyzer_free(an);
	return rc;
}
