/*
 * dedup.c - duplicate detection over a case: signs the texts that have no
 * signature yet, then finds exact copies (one document, many places), same
 * texts (different bytes, same normalised words) and near-duplicates
 * (MinHash + LSH, lsh.c), and says what a batch adds to the ones before it.
 *
 * Documents with the same normalised text have the same shingles and so the
 * same signature: they enter the LSH index once, as one group, so a text
 * copied a thousand times costs one entry and no pairs. Near-duplicate
 * clusters are the connected components (union-find) of verified pairs of
 * groups; a cluster's similarity is its weakest verified link and its
 * representative its earliest document (lowest id).
 */
#include "daftar/dedup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct item {
	int64_t id;
	int64_t batch;
	char norm[DFT_SHA256_HEX];
	int has;
	int ocr;
	dft_minhash mh, cmh;
};

struct items {
	struct item *v;
	size_t n, cap;
};

static int items_add(struct items *it, const dft_dedup_sig *g)
{
	struct item *x;
	if (it->n == it->cap) {
		size_t cap = it->cap ? it->cap * 2 : 1024;
		struct item *p = dft_realloc(it->v, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		it->v = p;
		it->cap = cap;
	}
	x = &it->v[it->n++];
	x->id = g->doc_id;
	x->batch = g->batch;
	memcpy(x->norm, g->norm_sha, sizeof(x->norm));
	x->has = g->has_minhash;
	x->ocr = g->ocr;
	x->mh = g->minhash;
	x->cmh = g->cminhash;
	return 0;
}

static int on_stored(void *ctx, const dft_dedup_sig *g)
{
	return items_add(ctx, g);
}

/* Signatures of one text: word shingles and character grams (sh, ch:
 * the caller's buffers). */
static int sign_text(dft_analyzer *an, const char *text, size_t len, dft_dedup_sig *g, dft_shingles *sh,
		     dft_shingles *ch)
{
	int rc;
	if ((rc = dft_shingles_of_text2(sh, ch, an, text, len)) < 0)
		return rc;
	g->tokens = (int64_t)sh->tokens;
	g->shingles = (int64_t)sh->n;
	memcpy(g->norm_sha, sh->norm_sha, sizeof(g->norm_sha));
	g->has_minhash = sh->tokens >= DFT_DEDUP_MIN_TOKENS;
	if (g->has_minhash) {
		dft_minhash_sign(&g->minhash, sh);
		dft_minhash_sign(&g->cminhash, ch);
	}
	return 0;
}

int dft_dedup_sig_of_text(dft_analyzer *an, const char *text, size_t len, dft_dedup_sig *out)
{
	dft_shingles sh, ch;
	int rc;
	dft_shingles_init(&sh);
	dft_shingles_init(&ch);
	rc = sign_text(an, text, len, out, &sh, &ch);
	dft_shingles_dispose(&sh);
	dft_shingles_dispose(&ch);
	return rc;
}

int dft_dedup_sign(dft_store *st, dft_analyzer *an, int64_t doc_id, const char *text, size_t len)
{
	dft_analyzer *own = NULL;
	dft_dedup_sig g;
	int rc;
	if (!an && (rc = dft_analyzer_new(&own, NULL, 0)) < 0)
		return rc;
	memset(&g, 0, sizeof(g));
	g.doc_id = doc_id;
	if ((rc = dft_dedup_sig_of_text(an ? an : own, text, len, &g)) == 0)
		rc = dft_store_dedup_put(st, &g);
	dft_analyzer_free(own);
	return rc;
}

struct signer {
	dft_store *st;
	dft_analyzer *an;
	const dft_dedup_opts *o;
	struct items *fresh; /* not saved: kept here */
	dft_buf text;
	dft_shingles sh, ch;
	int64_t done;
	double t0, last;
};

static int sign_one(void *ctx, int64_t id)
{
	struct signer *s = ctx;
	dft_dedup_sig g;
	int has = 0, rc;
	memset(&g, 0, sizeof(g));
	g.doc_id = id;
	dft_buf_reset(&s->text);
	if ((rc = dft_store_doc_text(s->st, id, &s->text, &has)) < 0 || !has)
		return rc;
	if ((rc = sign_text(s->an, dft_buf_cstr(&s->text), s->text.len, &g, &s->sh, &s->ch)) < 0)
		return dft_error_prefix("signing document %lld", (long long)id);
	if (s->o->save) {
		if ((rc = dft_store_dedup_put(s->st, &g)) < 0)
			return rc;
		if (++s->done % 500 == 0 && ((rc = dft_store_commit(s->st)) < 0 || (rc = dft_store_begin(s->st)) < 0))
			return rc;
	} else {
		dft_doc d;
		if ((rc = dft_store_doc_get(s->st, id, &d)) < 0)
			return rc;
		g.batch = d.batch;
		dft_doc_dispose(&d);
		if ((rc = dft_store_dedup_is_ocr(s->st, id)) < 0)
			return rc;
		g.ocr = rc;
		s->done++;
		if ((rc = items_add(s->fresh, &g)) < 0)
			return rc;
	}
	if (s->o->progress && dft_now() - s->last > 0.5) {
		s->last = dft_now();
		fprintf(stderr, "\rsigning: %lld documents", (long long)s->done);
	}
	return 0;
}

static int cmp_item_id(const void *a, const void *b)
{
	const struct item *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* Every document with a text, signed; sorted by id. */
static int load_items(dft_store *st, const dft_dedup_opts *o, struct items *it, dft_dedup_summary *sum)
{
	struct signer s;
	int rc;
	memset(&s, 0, sizeof(s));
	s.st = st;
	s.o = o;
	s.fresh = it;
	s.last = s.t0 = dft_now();
	dft_buf_init(&s.text, (size_t)1 << 31);
	dft_shingles_init(&s.sh);
	dft_shingles_init(&s.ch);
	if ((rc = dft_analyzer_new(&s.an, NULL, 0)) < 0)
		goto done;
	if (o->save && (rc = dft_store_begin(st)) < 0)
		goto done;
	rc = dft_store_dedup_unsigned(st, sign_one, &s);
	dft_log("dedup: %lld texts signed in %.2f s", (long long)s.done, dft_now() - s.t0);
	if (o->save) {
		int rc2 = rc == 0 ? dft_store_commit(st) : 0;
		if (rc == 0)
			rc = rc2;
	}
	if (o->progress && s.done)
		fprintf(stderr, "\rsigning: %lld documents, done\n", (long long)s.done);
	if (rc < 0)
		goto done;
	if ((rc = dft_store_dedup_each(st, on_stored, it)) < 0)
		goto done;
	if (it->n > 1)
		dft_sort(it->v, it->n, sizeof(*it->v), cmp_item_id);
	dft_log("dedup: %zu signatures loaded at %.2f s", it->n, dft_now() - s.t0);
	sum->signed_now = s.done;
	sum->documents = (int64_t)it->n;
done:
	dft_analyzer_free(s.an);
	dft_shingles_dispose(&s.sh);
	dft_shingles_dispose(&s.ch);
	dft_buf_dispose(&s.text);
	return rc;
}

/* ---- groups of one normalised text ---------------------------------------- */

struct groups {
	size_t *order;  /* item indexes sorted by (norm, id) */
	size_t *start;  /* group g = order[start[g] .. start[g+1]) */
	size_t n;
	size_t *group_of; /* item -> group, SIZE_MAX for items without words */
};

static const struct item *sort_base;

static int cmp_norm(const void *a, const void *b)
{
	const struct item *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
	int c = strcmp(x->norm, y->norm);
	if (c)
		return c;
	return x->id < y->id ? -1 : x->id > y->id;
}

static const struct groups *sort_groups;

/* Groups by their earliest document (items are in id order). */
static int cmp_group_first(const void *a, const void *b)
{
	size_t x = sort_groups->order[sort_groups->start[*(const size_t *)a]];
	size_t y = sort_groups->order[sort_groups->start[*(const size_t *)b]];
	return x < y ? -1 : x > y;
}

static void groups_dispose(struct groups *g)
{
	free(g->order);
	free(g->start);
	free(g->group_of);
	memset(g, 0, sizeof(*g));
}

/* Group the items that have words (and, when max_batch > 0, a first batch
 * up to it) by normalised text. */
static int groups_make(struct groups *g, const struct items *it, int64_t max_batch)
{
	size_t i, m = 0;
	memset(g, 0, sizeof(*g));
	if (!(g->order = dft_malloc((it->n + 1) * sizeof(size_t))) ||
	    !(g->start = dft_malloc((it->n + 2) * sizeof(size_t))) ||
	    !(g->group_of = dft_malloc((it->n + 1) * sizeof(size_t)))) {
		groups_dispose(g);
		return DFT_ENOMEM;
	}
	for (i = 0; i < it->n; i++) {
		g->group_of[i] = SIZE_MAX;
		if (it->v[i].norm[0] && (max_batch <= 0 || it->v[i].batch <= max_batch))
			g->order[m++] = i;
	}
	sort_base = it->v;
	dft_sort(g->order, m, sizeof(size_t), cmp_norm);
	for (i = 0; i < m; i++) {
		if (i == 0 || strcmp(it->v[g->order[i]].norm, it->v[g->order[i - 1]].norm) != 0)
			g->start[g->n++] = i;
		g->group_of[g->order[i]] = g->n - 1;
	}
	g->start[g->n] = m;
	return 0;
}

/* ---- near pairs over groups ------------------------------------------------ */

struct near_ctx {
	dft_store *st;
	dft_analyzer *an;
	const struct items *it;
	const size_t *rep; /* LSH index -> item */
	size_t *parent;    /* union-find over LSH indexes */
	double *weakest;
	/* for new: best old match of each new-side index */
	size_t *best;
	double *best_sim;
	dft_buf text, meta;
	const dft_forms *forms; /* form families: compared on their filled-in parts only */
	/* copies across media */
	const unsigned char *ocr; /* per LSH index: a text of the group came from OCR */
	unsigned char *media;     /* dups: per root, a link was aligned; new: per new index, its best was */
	int in_media;             /* the pair being reported was aligned */
	double threshold;
	const dft_minhash *sigs;  /* the LSH entries' whole-text signatures (forms' second look) */
	dft_align_words **aw;     /* aligned words of LSH index i, loaded when needed */
	size_t naw;
	size_t aw_words;          /* words held in aw (bounded: AW_MAX_WORDS) */
	uint64_t aligned;
};

static void near_ctx_init(struct near_ctx *nc)
{
	memset(nc, 0, sizeof(*nc));
	dft_buf_init(&nc->text, (size_t)1 << 31);
	dft_buf_init(&nc->meta, (size_t)1 << 31);
}

static void aw_clear(struct near_ctx *nc, size_t n, size_t keep)
{
	size_t i;
	nc->aw_words = 0;
	for (i = 0; i < n; i++) {
		if (i == keep)
			nc->aw_words += dft_align_words_count(nc->aw[i]);
		else if (nc->aw[i]) {
			dft_align_words_free(nc->aw[i]);
			nc->aw[i] = NULL;
		}
	}
}

static void near_ctx_dispose(struct near_ctx *nc)
{
	if (nc->aw) {
		aw_clear(nc, nc->naw, SIZE_MAX);
		free(nc->aw);
	}
	free(nc->media);
	dft_analyzer_free(nc->an);
	dft_buf_dispose(&nc->text);
	dft_buf_dispose(&nc->meta);
	free(nc->parent);
	free(nc->weakest);
	free(nc->best);
	free(nc->best_sim);
}

static size_t uf_find(size_t *p, size_t x)
{
	while (p[x] != x) {
		p[x] = p[p[x]];
		x = p[x];
	}
	return x;
}

static int is_form(const struct near_ctx *c, size_t i)
{
	return c->forms && c->forms->family_of && c->forms->family_of[i] != SIZE_MAX;
}

/* Ordinary near-duplicates: forms are left to dft_forms_pairs. */
static int want_unjoined(void *ctx, size_t a, size_t b)
{
	struct near_ctx *c = ctx;
	if (is_form(c, a) || is_form(c, b))
		return 0;
	return uf_find(c->parent, a) != uf_find(c->parent, b);
}

static int want_unjoined_form(void *ctx, size_t a, size_t b)
{
	struct near_ctx *c = ctx;
	return uf_find(c->parent, a) != uf_find(c->parent, b);
}

static int on_pair_join(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct near_ctx *c = ctx;
	size_t ra = uf_find(c->parent, a), rb = uf_find(c->parent, b);
	double w = sim;
	(void)exact;
	if (ra == rb)
		return 0;
	if (c->weakest[ra] < w)
		w = c->weakest[ra];
	if (c->weakest[rb] < w)
		w = c->weakest[rb];
	if (ra < rb)
		c->parent[rb] = ra, c->weakest[ra] = w;
	else
		c->parent[ra] = rb, c->weakest[rb] = w;
	if (c->media)
		c->media[ra < rb ? ra : rb] |= c->media[ra] | c->media[rb] | (unsigned char)c->in_media;
	return 0;
}

/* Members of a form family (filled forms, or letters whose office's header
 * and closing made one) are compared on their filled-in parts. A pair is a
 * near copy when that part is as similar as the near-duplicate threshold
 * says, or, when it is at least DFT_FORM_FILLED_THRESHOLD, when the whole
 * texts are (a copy with a few words edited: its small filled-in part
 * loses more than the whole). Different letters of one office, whose
 * "filled-in parts" agree 0.5-0.7, are neither (issue #18). */
static int form_near(const struct near_ctx *c, size_t a, size_t b, double *sim)
{
	double whole;
	if (*sim >= c->threshold)
		return 1;
	whole = dft_minhash_similarity(&c->sigs[a], &c->sigs[b]);
	if (whole < c->threshold)
		return 0;
	*sim = whole;
	return 1;
}

static int on_form_pair_join(void *ctx, size_t a, size_t b, double sim, int exact)
{
	return form_near(ctx, a, b, &sim) ? on_pair_join(ctx, a, b, sim, exact) : 0;
}


static int load_text(void *ctx, size_t i, dft_buf *out)
{
	struct near_ctx *c = ctx;
	int has = 0;
	return dft_store_doc_text(c->st, c->it->v[c->rep[i]].id, out, &has);
}

/* Form families among the LSH entries (logged and counted in the summary). */
static int find_forms(struct near_ctx *nc, const dft_minhash *sigs, size_t nsig, dft_forms *fm,
		      dft_dedup_summary *sum)
{
	dft_forms_opts fo;
	size_t i;
	int rc;
	memset(&fo, 0, sizeof(fo));
	fo.text = load_text;
	fo.ctx = nc;
	fo.an = nc->an;
	if ((rc = dft_forms_find(fm, sigs, nsig, &fo)) < 0)
		return rc;
	nc->forms = fm;
	sum->form_candidates = fm->candidates;
	sum->form_families = fm->nfam;
	sum->form_rejected = fm->rejected;
	for (i = 0; i < fm->nfam; i++)
		sum->form_members += fm->fam[i].n;
	dft_log("forms: %zu families, %zu members, %zu texts read, %.2f s", fm->nfam, sum->form_members,
		fm->texts_read, fm->seconds);
	return 0;
}

/* The earliest document of each form family's groups. */
static int family_reps(const dft_forms *fm, const struct groups *g, const struct items *it, const size_t *rep,
		       int64_t **out)
{
	size_t i, m;
	int64_t *r = dft_calloc(fm->nfam + 1, sizeof(*r));
	if (!r)
		return DFT_ENOMEM;
	for (i = 0; i < fm->nfam; i++)
		for (m = 0; m < fm->fam[i].n; m++) {
			size_t gi = g->group_of[rep[fm->fam[i].members[m]]];
			int64_t id = it->v[g->order[g->start[gi]]].id; /* groups are sorted by id */
			if (!r[i] || id < r[i])
				r[i] = id;
		}
	*out = r;
	return 0;
}

struct doc_member {
	int64_t id;
	size_t member;
};

static int cmp_doc_member(const void *a, const void *b)
{
	const struct doc_member *x = a, *y = b;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* One template cluster: every document of the family's groups, with the
 * fields' values per document. */
static int emit_template(const dft_form_family *F, const struct groups *g, const struct items *it, const size_t *rep,
			 int64_t *docs, int (*fn)(void *ctx, const dft_dedup_cluster *c), void *ctx)
{
	struct doc_member *dm = NULL;
	dft_dedup_field *fields = NULL;
	const char **vals = NULL;
	size_t n = 0, m, j, f;
	int rc = 0;
	for (m = 0; m < F->n; m++) {
		size_t gi = g->group_of[rep[F->members[m]]];
		n += g->start[gi + 1] - g->start[gi];
	}
	if (!(dm = dft_malloc((n + 1) * sizeof(*dm))) ||
	    !(fields = dft_calloc(F->nfields + 1, sizeof(*fields))) ||
	    !(vals = dft_calloc(F->nfields * n + 1, sizeof(*vals)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	n = 0;
	for (m = 0; m < F->n; m++) {
		size_t gi = g->group_of[rep[F->members[m]]];
		for (j = g->start[gi]; j < g->start[gi + 1]; j++) {
			dm[n].id = it->v[g->order[j]].id;
			dm[n++].member = m;
		}
	}
	dft_sort(dm, n, sizeof(*dm), cmp_doc_member);
	for (j = 0; j < n; j++)
		docs[j] = dm[j].id;
	for (f = 0; f < F->nfields; f++) {
		fields[f].label = F->fields[f].label;
		fields[f].values = vals + f * n;
		for (j = 0; j < n; j++)
			vals[f * n + j] = F->fields[f].value[dm[j].member];
	}
	{
		dft_dedup_cluster c = {"template", F->template_share, docs[0], docs, n, 0, fields, F->nfields,
				       F->template_words, 0};
		rc = fn(ctx, &c);
	}
done:
	free(dm);
	free(fields);
	free(vals);
	return rc;
}

static int load_shingles(void *ctx, size_t i, dft_shingles *out)
{
	struct near_ctx *c = ctx;
	int has = 0, rc;
	int64_t id = c->it->v[c->rep[i]].id;
	dft_buf_reset(&c->text);
	if ((rc = dft_store_doc_text(c->st, id, &c->text, &has)) < 0)
		return rc;
	return dft_shingles_of_text(out, c->an, dft_buf_cstr(&c->text), c->text.len);
}

/* ---- copies across media ---------------------------------------------------- */

/* A scan or photo and its typed text, or two scans of one letter: OCR
 * errors break the word shingles, so a second LSH over the character-gram
 * signatures finds the candidates (estimated Jaccard >= DFT_MEDIA_CANDIDATE,
 * for pairs where at least one text came from OCR), and the aligned
 * similarity of their words (align.c) decides against the threshold. Pairs
 * of typed texts never take this path: for them the threshold keeps its
 * word-shingle meaning. */

#define AW_MAX_WORDS ((size_t)8 << 20) /* aligned words kept between pairs */

struct ocr_meta {
	dft_buf *out;
	int found;
};

static int on_meta_ocr_words(void *ctx, const char *k, const char *v)
{
	struct ocr_meta *m = ctx;
	if (strcmp(k, "ocr_words") || !v || m->found)
		return 0;
	m->found = 1;
	return dft_buf_adds(m->out, v);
}

/* A document's aligned words; an OCR'd one's without its low-confidence words. */
static int load_aligned(dft_store *st, dft_analyzer *an, int64_t id, int ocr, dft_buf *text, dft_buf *meta,
			dft_align_words **out)
{
	struct ocr_meta m = {meta, 0};
	int has = 0, rc;
	dft_buf_reset(text);
	dft_buf_reset(meta);
	if ((rc = dft_store_doc_text(st, id, text, &has)) < 0 ||
	    (ocr && (rc = dft_store_doc_meta(st, id, on_meta_ocr_words, &m)) < 0))
		return rc;
	return dft_align_words_new_ocr(out, an, dft_buf_cstr(text), text->len, m.found ? dft_buf_cstr(meta) : NULL);
}

static int aligned_words(struct near_ctx *c, size_t i, size_t keep, dft_align_words **out)
{
	int rc;
	if (!c->aw[i]) {
		const struct item *x = &c->it->v[c->rep[i]];
		if (c->aw_words > AW_MAX_WORDS)
			aw_clear(c, c->naw, keep);
		if ((rc = load_aligned(c->st, c->an, x->id, x->ocr, &c->text, &c->meta, &c->aw[i])) < 0)
			return rc;
		c->aw_words += dft_align_words_count(c->aw[i]);
	}
	*out = c->aw[i];
	return 0;
}

static int media_similarity(struct near_ctx *c, size_t a, size_t b, double *sim)
{
	dft_align_words *wa, *wb;
	int rc;
	if ((rc = aligned_words(c, b, SIZE_MAX, &wb)) < 0 || (rc = aligned_words(c, a, b, &wa)) < 0)
		return rc;
	c->aligned++;
	return dft_align_similarity(wa, wb, sim);
}

/* Two filled copies of one printed form share its printed words, so their
 * aligned similarity overstates how alike their filled-in parts are: with
 * s the family's share of template words, (sim - s) / (1 - s) estimates
 * the aligned share of the rest, which must pass DFT_FORM_FILLED_THRESHOLD
 * as forms.c's filled-in parts must (different people's OCR'd forms of a
 * form that is mostly print do not become copies). */
static int media_form_ok(const struct near_ctx *c, size_t a, size_t b, double sim)
{
	double s;
	if (!is_form(c, a) || !is_form(c, b) || c->forms->family_of[a] != c->forms->family_of[b])
		return 1;
	s = c->forms->fam[c->forms->family_of[a]].template_share;
	return s >= 1 || (sim - s) / (1 - s) >= DFT_FORM_FILLED_THRESHOLD;
}

static int want_media(void *ctx, size_t a, size_t b)
{
	struct near_ctx *c = ctx;
	return (c->ocr[a] || c->ocr[b]) && uf_find(c->parent, a) != uf_find(c->parent, b);
}

/* A pair of the character-gram LSH: aligned, and when it is a copy, handed
 * to `on` (on_pair_join for dups, on_pair_best for new) as a media pair. */
static int media_pair(struct near_ctx *c, size_t a, size_t b, int (*on)(void *, size_t, size_t, double, int))
{
	double sim;
	int rc;
	if ((rc = media_similarity(c, a, b, &sim)) < 0 || sim < c->threshold || !media_form_ok(c, a, b, sim))
		return rc;
	c->in_media = 1;
	rc = on(c, a, b, sim, 1);
	c->in_media = 0;
	return rc;
}

static int on_media_join(void *ctx, size_t a, size_t b, double est, int exact)
{
	(void)est, (void)exact;
	return media_pair(ctx, a, b, on_pair_join);
}

/* The character-gram LSH over n entries (nothing when no text was OCR'd). */
static int media_pass(struct near_ctx *nc, const dft_minhash *csigs, size_t n, const unsigned char *side,
		      int (*want)(void *ctx, size_t a, size_t b),
		      int (*pair)(void *ctx, size_t a, size_t b, double sim, int exact), dft_dedup_summary *sum)
{
	dft_near_opts no;
	size_t i;
	double t0 = dft_now();
	int rc, any = 0;
	for (i = 0; i < n && !any; i++)
		any = nc->ocr[i];
	if (!any)
		return 0;
	if (!(nc->aw = dft_calloc(n + 1, sizeof(*nc->aw))))
		return DFT_ENOMEM;
	nc->naw = n;
	memset(&no, 0, sizeof(no));
	no.threshold = DFT_MEDIA_CANDIDATE;
	no.rows = DFT_MEDIA_ROWS;
	no.side = side;
	no.want = want;
	no.pair = pair;
	no.ctx = nc;
	rc = dft_near_pairs(csigs, n, &no, &sum->media_near);
	sum->media_aligned = nc->aligned;
	sum->media_seconds = dft_now() - t0;
	dft_log("dedup: copies across media: %llu candidates, %llu aligned, %.2f s",
		(unsigned long long)sum->media_near.candidates, (unsigned long long)nc->aligned, sum->media_seconds);
	return rc;
}

/* ---- clusters -------------------------------------------------------------- */

struct exact_ctx {
	int (*fn)(void *ctx, const dft_dedup_cluster *c);
	void *ctx;
};

static int on_multi(void *ctx, int64_t id, int64_t places)
{
	struct exact_ctx *e = ctx;
	dft_dedup_cluster c = {"exact", 1.0, id, &id, 1, 0, NULL, 0, 0, 0};
	(void)places;
	return e->fn(e->ctx, &c);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int dft_dedup_clusters(dft_store *st, const dft_dedup_opts *o,
		       int (*fn)(void *ctx, const dft_dedup_cluster *c), void *ctx,
		       dft_dedup_summary *sum)
{
	struct items it = {0};
	struct groups g;
	struct near_ctx nc;
	struct exact_ctx ec = {fn, ctx};
	dft_minhash *sigs = NULL, *csigs = NULL;
	unsigned char *ocr = NULL;
	size_t *rep = NULL, *lsh_of = NULL, nsig = 0, i, j, k;
	int64_t *docs = NULL, *fam_rep = NULL;
	dft_near_opts no;
	dft_forms fm;
	double t0 = dft_now();
	int rc;

	memset(sum, 0, sizeof(*sum));
	memset(&g, 0, sizeof(g));
	memset(&fm, 0, sizeof(fm));
	near_ctx_init(&nc);
	if ((rc = load_items(st, o, &it, sum)) < 0)
		goto done;
	/* exact: one document, several places */
	if ((rc = dft_store_dedup_multi_located(st, on_multi, &ec)) != 0)
		goto done;
	if ((rc = groups_make(&g, &it, 0)) < 0)
		goto done;
	if (!(docs = dft_malloc((it.n + 1) * sizeof(*docs))) || !(rep = dft_malloc((g.n + 1) * sizeof(*rep))) ||
	    !(lsh_of = dft_malloc((g.n + 1) * sizeof(*lsh_of))) || !(sigs = dft_malloc((g.n + 1) * sizeof(*sigs))) ||
	    !(csigs = dft_malloc((g.n + 1) * sizeof(*csigs))) || !(ocr = dft_calloc(g.n + 1, 1))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	/* groups in the order of their earliest document, so that clusters
	 * come out in that order and a component's root (its lowest index)
	 * holds its representative */
	for (i = 0; i < g.n; i++)
		lsh_of[i] = i;
	sort_groups = &g;
	dft_sort(lsh_of, g.n, sizeof(size_t), cmp_group_first);
	memcpy(rep, lsh_of, g.n * sizeof(size_t)); /* rep: the group order for now */
	/* text: a group of two or more */
	for (k = 0; k < g.n; k++) {
		size_t gi = rep[k], n = g.start[gi + 1] - g.start[gi];
		const struct item *first = &it.v[g.order[g.start[gi]]];
		if (first->has) {
			/* nsig <= k: rep[nsig] is free again */
			rep[nsig] = g.order[g.start[gi]];
			csigs[nsig] = first->cmh;
			for (j = 0; j < n; j++)
				ocr[nsig] |= (unsigned char)it.v[g.order[g.start[gi] + j]].ocr;
			sigs[nsig++] = first->mh;
		}
		if (n > 1) {
			dft_dedup_cluster c = {"text", 1.0, first->id, docs, n, 0, NULL, 0, 0, 0};
			for (j = 0; j < n; j++)
				docs[j] = it.v[g.order[g.start[gi] + j]].id;
			if ((rc = fn(ctx, &c)) != 0)
				goto done;
		}
	}
	/* near: components of verified pairs of groups */
	if (!(nc.parent = dft_malloc((nsig + 1) * sizeof(size_t))) ||
	    !(nc.weakest = dft_malloc((nsig + 1) * sizeof(double))) || !(nc.media = dft_calloc(nsig + 1, 1))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < nsig; i++) {
		nc.parent[i] = i;
		nc.weakest[i] = 1.0;
	}
	if ((rc = dft_analyzer_new(&nc.an, NULL, 0)) < 0)
		goto done;
	nc.st = st;
	nc.it = &it;
	nc.rep = rep;
	/* template: form families, then their members' copies on the filled-in parts */
	if ((rc = find_forms(&nc, sigs, nsig, &fm, sum)) < 0 || (rc = family_reps(&fm, &g, &it, rep, &fam_rep)) < 0)
		goto done;
	for (i = 0; i < fm.nfam; i++)
		if ((rc = emit_template(&fm.fam[i], &g, &it, rep, docs, fn, ctx)) != 0)
			goto done;
	{
		double tp = dft_now();
		/* forms are near copies on what was filled in (form_near) */
		nc.threshold = o->threshold > 0 ? o->threshold : 0.8;
		nc.sigs = sigs;
		if ((rc = dft_forms_pairs(&fm, 0, NULL, want_unjoined_form, on_form_pair_join, &nc, &sum->forms_near)) != 0)
			goto done;
		sum->form_seconds = fm.seconds + (dft_now() - tp);
	}
	memset(&no, 0, sizeof(no));
	no.threshold = o->threshold > 0 ? o->threshold : 0.8;
	no.want = want_unjoined;
	no.shingles = load_shingles;
	no.pair = on_pair_join;
	no.ctx = &nc;
	if ((rc = dft_near_pairs(sigs, nsig, &no, &sum->near)) != 0)
		goto done;
	sum->bands = sum->near.bands;
	sum->rows = sum->near.rows;
	nc.ocr = ocr;
	nc.threshold = no.threshold;
	if ((rc = media_pass(&nc, csigs, nsig, NULL, want_media, on_media_join, sum)) != 0)
		goto done;
	/* members of each component, by counting sort on the root */
	if (!(nc.best = dft_calloc(nsig + 2, sizeof(size_t))) || !(nc.best_sim = dft_malloc((nsig + 1) * sizeof(double)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	{
		size_t *count = nc.best, *members = lsh_of; /* lsh_of is not needed any more */
		for (k = 0; k < nsig; k++)
			count[uf_find(nc.parent, k) + 1]++;
		for (k = 0; k < nsig; k++)
			count[k + 1] += count[k];
		for (k = 0; k < nsig; k++)
			members[count[uf_find(nc.parent, k)]++] = k;
		/* count[r] is now the end of root r's members; they start at the end of r-1's */
		for (k = 0; k < nsig && rc == 0; k++) {
			size_t from = k ? count[k - 1] : 0, to = count[k], m, n = 0;
			if (to - from < 2)
				continue;
			for (m = from; m < to; m++) {
				size_t gi = g.group_of[rep[members[m]]];
				for (j = g.start[gi]; j < g.start[gi + 1]; j++)
					docs[n++] = it.v[g.order[j]].id;
			}
			dft_sort(docs, n, sizeof(*docs), cmp_i64);
			{
				dft_dedup_cluster c = {"near", nc.weakest[k], docs[0], docs, n,
						       is_form(&nc, k) ? fam_rep[fm.family_of[k]] : 0, NULL, 0, 0,
						       nc.media && nc.media[k]};
				rc = fn(ctx, &c);
			}
		}
	}
done:
	sum->seconds = dft_now() - t0;
	near_ctx_dispose(&nc);
	dft_forms_dispose(&fm);
	free(fam_rep);
	free(sigs);
	free(csigs);
	free(ocr);
	free(rep);
	free(lsh_of);
	free(docs);
	groups_dispose(&g);
	free(it.v);
	return rc;
}

/* ---- what a batch adds ------------------------------------------------------ */

struct batch_docs {
	int64_t *id, *first; /* documents seen in the batch and their first batch */
	size_t n, cap;
};

static int on_batch_doc(void *ctx, int64_t id, int64_t first_batch)
{
	struct batch_docs *b = ctx;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		int64_t *p = dft_realloc(b->id, cap * sizeof(*p)), *q;
		if (!p)
			return DFT_ENOMEM;
		b->id = p;
		if (!(q = dft_realloc(b->first, cap * sizeof(*q))))
			return DFT_ENOMEM;
		b->first = q;
		b->cap = cap;
	}
	b->id[b->n] = id;
	b->first[b->n++] = first_batch;
	return 0;
}

static int want_any(void *ctx, size_t a, size_t b)
{
	(void)ctx, (void)a, (void)b;
	return 1;
}

static int want_not_form(void *ctx, size_t a, size_t b)
{
	struct near_ctx *c = ctx;
	return !is_form(c, a) && !is_form(c, b);
}

/* Keep, for each new-side index, its most similar old-side index. */
static int on_pair_best(void *ctx, size_t a, size_t b, double sim, int exact)
{
	struct near_ctx *c = ctx;
	size_t nw = c->parent[a] ? a : b, old = nw == a ? b : a; /* parent[] holds the side here */
	(void)exact;
	if (c->best[nw] == SIZE_MAX || sim > c->best_sim[nw]) {
		c->best[nw] = old;
		c->best_sim[nw] = sim;
		if (c->media)
			c->media[nw] = (unsigned char)c->in_media;
	}
	return 0;
}

static int on_form_pair_best(void *ctx, size_t a, size_t b, double sim, int exact)
{
	return form_near(ctx, a, b, &sim) ? on_pair_best(ctx, a, b, sim, exact) : 0;
}

/* new: a new text whose copy the word shingles found is not aligned again */
static int want_media_new(void *ctx, size_t a, size_t b)
{
	struct near_ctx *c = ctx;
	size_t nw = c->parent[a] ? a : b;
	return (c->ocr[a] || c->ocr[b]) && (c->best[nw] == SIZE_MAX || c->media[nw]);
}

static int on_media_best(void *ctx, size_t a, size_t b, double est, int exact)
{
	(void)est, (void)exact;
	return media_pair(ctx, a, b, on_pair_best);
}

/* The earliest document of group gi first seen before `batch` (0: none). */
static int64_t earliest_before(const struct groups *g, const struct items *it, size_t gi, int64_t batch)
{
	size_t j;
	for (j = g->start[gi]; j < g->start[gi + 1]; j++) /* sorted by id */
		if (it->v[g->order[j]].batch < batch)
			return it->v[g->order[j]].id;
	return 0;
}

static const struct item *find_item(const struct items *it, int64_t id, size_t *idx)
{
	size_t lo = 0, hi = it->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (it->v[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < it->n && it->v[lo].id == id) {
		*idx = lo;
		return &it->v[lo];
	}
	return NULL;
}

int dft_dedup_new(dft_store *st, int64_t batch, const dft_dedup_opts *o,
		  int (*fn)(void *ctx, const dft_dedup_verdict *v), void *ctx,
		  dft_dedup_summary *sum)
{
	struct items it = {0};
	struct groups g;
	struct near_ctx nc;
	struct batch_docs bd = {0};
	dft_minhash *sigs = NULL, *csigs = NULL;
	unsigned char *side = NULL, *ocr = NULL;
	size_t *rep = NULL, *lsh_of = NULL, nsig = 0, i;
	int64_t *fam_rep = NULL;
	dft_near_opts no;
	dft_forms fm;
	double t0 = dft_now();
	int rc;

	memset(sum, 0, sizeof(*sum));
	memset(&g, 0, sizeof(g));
	memset(&fm, 0, sizeof(fm));
	near_ctx_init(&nc);
	if ((rc = load_items(st, o, &it, sum)) < 0)
		goto done;
	if ((rc = dft_store_dedup_batch_docs(st, batch, on_batch_doc, &bd)) < 0)
		goto done;
	dft_log("dedup: %zu documents in batch %lld, at %.2f s", bd.n, (long long)batch, dft_now() - t0);
	/* groups of the texts seen up to this batch; later batches do not count */
	if ((rc = groups_make(&g, &it, batch)) < 0)
		goto done;
	if (!(rep = dft_malloc((g.n + 1) * sizeof(*rep))) || !(lsh_of = dft_malloc((g.n + 1) * sizeof(*lsh_of))) ||
	    !(sigs = dft_malloc((g.n + 1) * sizeof(*sigs))) || !(side = dft_malloc(g.n + 1)) ||
	    !(nc.parent = dft_malloc((g.n + 1) * sizeof(size_t))) || !(nc.best = dft_malloc((g.n + 1) * sizeof(size_t))) ||
	    !(nc.best_sim = dft_malloc((g.n + 1) * sizeof(double))) || !(csigs = dft_malloc((g.n + 1) * sizeof(*csigs))) ||
	    !(ocr = dft_calloc(g.n + 1, 1)) || !(nc.media = dft_calloc(g.n + 1, 1))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	/* old side (0): groups with a document before the batch; new side (1):
	 * groups first seen in it */
	for (i = 0; i < g.n; i++) {
		const struct item *first = &it.v[g.order[g.start[i]]];
		lsh_of[i] = SIZE_MAX;
		if (!first->has)
			continue;
		lsh_of[i] = nsig;
		rep[nsig] = g.order[g.start[i]];
		side[nsig] = earliest_before(&g, &it, i, batch) ? 0 : 1;
		nc.parent[nsig] = side[nsig];
		nc.best[nsig] = SIZE_MAX;
		nc.best_sim[nsig] = 0;
		csigs[nsig] = first->cmh;
		{
			size_t j;
			for (j = g.start[i]; j < g.start[i + 1]; j++)
				ocr[nsig] |= (unsigned char)it.v[g.order[j]].ocr;
		}
		sigs[nsig++] = first->mh;
	}
	if ((rc = dft_analyzer_new(&nc.an, NULL, 0)) < 0)
		goto done;
	nc.st = st;
	nc.it = &it;
	nc.rep = rep;
	/* a filled form is new unless it copies an earlier form (form_near) */
	nc.threshold = o->threshold > 0 ? o->threshold : 0.8;
	nc.sigs = sigs;
	if ((rc = find_forms(&nc, sigs, nsig, &fm, sum)) < 0 || (rc = family_reps(&fm, &g, &it, rep, &fam_rep)) < 0 ||
	    (rc = dft_forms_pairs(&fm, 0, side, want_any, on_form_pair_best, &nc, &sum->forms_near)) != 0)
		goto done;
	sum->form_seconds = dft_now() - t0; /* includes loading the signatures */
	memset(&no, 0, sizeof(no));
	no.threshold = o->threshold > 0 ? o->threshold : 0.8;
	no.side = side;
	no.want = want_not_form;
	no.shingles = load_shingles;
	no.pair = on_pair_best;
	no.ctx = &nc;
	dft_log("dedup: LSH over %zu groups from %.2f s", nsig, dft_now() - t0);
	if ((rc = dft_near_pairs(sigs, nsig, &no, &sum->near)) != 0)
		goto done;
	dft_log("dedup: LSH done at %.2f s", dft_now() - t0);
	sum->bands = sum->near.bands;
	sum->rows = sum->near.rows;
	nc.ocr = ocr;
	nc.threshold = no.threshold;
	if ((rc = media_pass(&nc, csigs, nsig, side, want_media_new, on_media_best, sum)) != 0)
		goto done;
	for (i = 0; i < bd.n && rc == 0; i++) {
		dft_dedup_verdict v = {bd.id[i], "new", 0, 0, 0, 0, 0};
		const struct item *x;
		size_t xi, gi;
		if (bd.first[i] < batch) {
			v.kind = "exact";
			v.of = bd.id[i];
			v.similarity = 1;
			v.compared = 1;
		} else if ((x = find_item(&it, bd.id[i], &xi)) && (gi = g.group_of[xi]) != SIZE_MAX) {
			int64_t before = earliest_before(&g, &it, gi, batch);
			v.compared = 1;
			if (lsh_of[gi] != SIZE_MAX && is_form(&nc, lsh_of[gi]))
				v.template_rep = fam_rep[fm.family_of[lsh_of[gi]]];
			if (before) {
				v.kind = "text";
				v.of = before;
				v.similarity = 1;
			} else if (lsh_of[gi] != SIZE_MAX && nc.best[lsh_of[gi]] != SIZE_MAX) {
				size_t old = nc.best[lsh_of[gi]];
				v.kind = "near";
				v.of = earliest_before(&g, &it, g.group_of[rep[old]], batch);
				v.similarity = nc.best_sim[lsh_of[gi]];
				v.media = nc.media[lsh_of[gi]];
			}
		}
		rc = fn(ctx, &v);
	}
done:
	sum->seconds = dft_now() - t0;
	near_ctx_dispose(&nc);
	dft_forms_dispose(&fm);
	free(fam_rep);
	free(side);
	free(ocr);
	free(csigs);
	free(sigs);
	free(rep);
	free(lsh_of);
	free(bd.id);
	free(bd.first);
	groups_dispose(&g);
	free(it.v);
	return rc;
}

int dft_dedup_verdicts_add(void *verdicts, const dft_dedup_verdict *v)
{
	dft_dedup_verdicts *c = verdicts;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 256;
		dft_dedup_verdict *p = dft_realloc(c->v, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n++] = *v; /* kind points at a string constant */
	return 0;
}

/* ---- one document's copies (the document view) ------------------------------ */

struct copies_run {
	dft_store *st;
	dft_analyzer *an;
	dft_buf text, meta;
	dft_dedup_copy *v;
	size_t n, cap;
};

static int copies_add(struct copies_run *r, int64_t id, const char *kind, double sim, int media)
{
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		dft_dedup_copy *p = dft_realloc(r->v, cap * sizeof(*p));
		if (!p)
			return DFT_ENOMEM;
		r->v = p;
		r->cap = cap;
	}
	r->v[r->n].id = id;
	r->v[r->n].kind = kind;
	r->v[r->n].similarity = sim;
	r->v[r->n++].media = media;
	return 0;
}

static int cmp_copy(const void *a, const void *b)
{
	const dft_dedup_copy *x = a, *y = b;
	if (x->similarity != y->similarity)
		return x->similarity > y->similarity ? -1 : 1;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int doc_shingles(struct copies_run *r, int64_t id, dft_shingles *out)
{
	int has = 0, rc;
	dft_buf_reset(&r->text);
	if ((rc = dft_store_doc_text(r->st, id, &r->text, &has)) < 0)
		return rc;
	return dft_shingles_of_text(out, r->an, dft_buf_cstr(&r->text), r->text.len);
}

static int doc_words(struct copies_run *r, int64_t id, int ocr, dft_align_words **out)
{
	return load_aligned(r->st, r->an, id, ocr, &r->text, &r->meta, out);
}

int dft_dedup_copies(dft_store *st, int64_t doc, double threshold, int (*fn)(void *ctx, const dft_dedup_copy *c),
		     void *ctx)
{
	struct items it = {0};
	struct copies_run r;
	dft_shingles mine, other;
	dft_align_words *wmine = NULL, *wother = NULL;
	struct item me;
	size_t i, xi;
	const struct item *x;
	double t = threshold > 0 ? threshold : 0.8, margin;
	int rc;

	memset(&r, 0, sizeof(r));
	r.st = st;
	dft_buf_init(&r.text, (size_t)1 << 31);
	dft_buf_init(&r.meta, (size_t)1 << 31);
	dft_shingles_init(&mine);
	dft_shingles_init(&other);
	margin = 4.0 * sqrt(t * (1.0 - t) / DFT_MINHASH_PERM);
	if (margin < 0.02)
		margin = 0.02;
	if ((rc = dft_analyzer_new(&r.an, NULL, 0)) < 0 || (rc = dft_store_dedup_each(st, on_stored, &it)) < 0)
		goto done;
	if ((x = find_item(&it, doc, &xi))) {
		me = *x;
	} else { /* not signed yet (an old case opened read-only): sign it now */
		dft_dedup_sig g;
		dft_shingles ch;
		int has = 0;
		memset(&g, 0, sizeof(g));
		dft_buf_reset(&r.text);
		if ((rc = dft_store_doc_text(st, doc, &r.text, &has)) < 0 || !has)
			goto done;
		dft_shingles_init(&ch);
		rc = sign_text(r.an, dft_buf_cstr(&r.text), r.text.len, &g, &mine, &ch);
		dft_shingles_dispose(&ch);
		if (rc < 0 || (rc = dft_store_dedup_is_ocr(st, doc)) < 0)
			goto done;
		memset(&me, 0, sizeof(me));
		me.id = doc;
		memcpy(me.norm, g.norm_sha, sizeof(me.norm));
		me.has = g.has_minhash;
		me.ocr = rc;
		me.mh = g.minhash;
		me.cmh = g.cminhash;
		rc = 0;
	}
	if (!me.norm[0])
		goto done;
	for (i = 0; i < it.n; i++) {
		const struct item *o = &it.v[i];
		double est, sim;
		if (o->id == doc || !o->norm[0])
			continue;
		if (!strcmp(o->norm, me.norm)) {
			if ((rc = copies_add(&r, o->id, "text", 1.0, 0)) < 0)
				goto done;
			continue;
		}
		if (!me.has || !o->has)
			continue;
		est = dft_minhash_similarity(&me.mh, &o->mh);
		if (est >= t - margin) {
			sim = est;
			if (est < t + margin) { /* near the threshold: the exact Jaccard */
				if (!mine.n && (rc = doc_shingles(&r, doc, &mine)) < 0)
					goto done;
				if ((rc = doc_shingles(&r, o->id, &other)) < 0)
					goto done;
				sim = dft_shingles_jaccard(&mine, &other);
			}
			if (sim >= t) {
				if ((rc = copies_add(&r, o->id, "near", sim, 0)) < 0)
					goto done;
				continue;
			}
		}
		if ((me.ocr || o->ocr) && dft_minhash_similarity(&me.cmh, &o->cmh) >= DFT_MEDIA_CANDIDATE) {
			if (!wmine && (rc = doc_words(&r, doc, me.ocr, &wmine)) < 0)
				goto done;
			if ((rc = doc_words(&r, o->id, o->ocr, &wother)) < 0 ||
			    (rc = dft_align_similarity(wmine, wother, &sim)) < 0)
				goto done;
			dft_align_words_free(wother);
			wother = NULL;
			if (sim >= t && (rc = copies_add(&r, o->id, "near", sim, 1)) < 0)
				goto done;
		}
	}
	if (r.n > 1)
		dft_sort(r.v, r.n, sizeof(*r.v), cmp_copy);
	for (i = 0; i < r.n && rc == 0; i++)
		rc = fn(ctx, &r.v[i]);
done:
	dft_align_words_free(wmine);
	dft_align_words_free(wother);
	dft_shingles_dispose(&mine);
	dft_shingles_dispose(&other);
	dft_analyzer_free(r.an);
	dft_buf_dispose(&r.text);
	dft_buf_dispose(&r.meta);
	free(r.v);
	free(it.v);
	return rc;
}
