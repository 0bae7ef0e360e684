/*
 * analysis.c - what the extraction workers read in each text for the
 * ingest (analysis.h): the near-duplicate signature (dft_dedup_sig_of_text),
 * the entity mentions (dft_entity_extract) and the full-text index's terms
 * (dft_ix_analyse), the same functions the parent called before, now run
 * in the worker beside the extractor so that the parent only stores. Both halves of the frames are here: encoded in
 * the worker, decoded and checked in the parent, which trusts nothing a
 * worker says (sizes, offsets, types, UTF-8).
 *
 *   'S'  u64 tokens, u64 shingles, u8 has_minhash, 64 bytes norm_sha (hex,
 *        or zeros for none), then with has_minhash the two signatures
 *        packed (dft_minhash_pack), 2 * DFT_MINHASH_PERM * 4 bytes
 *   'P'  u8 last, u64 dropped (mentions not sent), then whole records:
 *        u8 type, u64 start, u64 end, f64 score, u32 n + value,
 *        u32 n + extra (n = 0xffffffff: none); integers little-endian as
 *        the machine's own (both ends are one binary on one machine)
 *   'I'  u8 last, then the next bytes of the text's analysis for the
 *        index (ix.h: dft_ix_analyse's bytes, cut anywhere), checked
 *        whole by the parent when the last frame comes
 */
#include "analysis.h"
#include "daftar/ix.h"
#include "daftar/text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SIG_FIXED (8 + 8 + 1 + 64)
#define SIG_MINHASH (2 * DFT_MINHASH_PERM * 4)
#define MENTION_HEAD (1 + 8)
#define MENTION_STRING_MAX 65536          /* bytes of a value or an extra */
#define MENTION_BYTES_MAX ((size_t)64 << 20) /* strings of one document's set */
#define NO_EXTRA 0xffffffffu

struct dft_analysis {
	int entities, index_terms;
	dft_text_hook hook;
	/* in a worker, after setup */
	dft_analyzer *an;
	dft_analyzer *ix_an; /* the index's analyzer (DFT_AN_INDEX), as the store's */
	dft_buf terms;
	dft_entity_extractor *x;
	dft_mention_set ms;
	dft_buf out;
};

/* ---- the worker's side ------------------------------------------------------ */

static int setup(void *ctx)
{
	dft_analysis *a = ctx;
	int rc;
	if ((rc = dft_analyzer_new(&a->an, NULL, 0)) < 0)
		return rc;
	if (a->entities && (rc = dft_entity_extractor_new(&a->x)) < 0)
		return rc;
	if (a->index_terms && (rc = dft_analyzer_new(&a->ix_an, NULL, DFT_AN_INDEX)) < 0)
		return rc;
	dft_mention_set_init(&a->ms);
	dft_buf_init(&a->out, DFT_FRAME_MAX);
	dft_buf_init(&a->terms, DFT_ANALYSIS_TERMS_BYTES);
	return 0;
}

static int send_sig(dft_analysis *a, const dft_dedup_sig *g, dft_frame_send_fn send, void *sctx)
{
	unsigned char b[SIG_FIXED + SIG_MINHASH];
	uint64_t v;
	size_t n = SIG_FIXED;
	memset(b, 0, sizeof(b));
	v = (uint64_t)g->tokens;
	memcpy(b, &v, 8);
	v = (uint64_t)g->shingles;
	memcpy(b + 8, &v, 8);
	b[16] = g->has_minhash ? 1 : 0;
	if (g->norm_sha[0])
		memcpy(b + 17, g->norm_sha, 64);
	if (g->has_minhash) {
		dft_minhash_pack(&g->minhash, b + SIG_FIXED);
		dft_minhash_pack(&g->cminhash, b + SIG_FIXED + DFT_MINHASH_PERM * 4);
		n += SIG_MINHASH;
	}
	(void)a;
	return send(sctx, DFT_FRAME_SIG, b, n);
}

static int add_u32_string(dft_buf *b, const char *s)
{
	uint32_t n;
	int rc;
	if (!s) {
		n = NO_EXTRA;
		return dft_buf_add(b, &n, 4);
	}
	n = (uint32_t)strlen(s);
	if ((rc = dft_buf_add(b, &n, 4)) < 0)
		return rc;
	return dft_buf_add(b, s, n);
}

/* The set in frames of whole records, at most DFT_FRAME_MAX bytes each;
 * the last says so. At most DFT_MENTIONS_STORED records are sent (what
 * the store keeps); the rest are counted in `dropped`. */
static int send_mentions(dft_analysis *a, dft_frame_send_fn send, void *sctx)
{
	const dft_mention_set *ms = &a->ms;
	size_t sent = ms->n < DFT_MENTIONS_STORED ? ms->n : DFT_MENTIONS_STORED, i = 0;
	uint64_t dropped = (uint64_t)(ms->n - sent + ms->dropped);
	int rc;
	do {
		dft_buf *b = &a->out;
		unsigned char last = 0;
		dft_buf_reset(b);
		if ((rc = dft_buf_add(b, &last, 1)) < 0 || (rc = dft_buf_add(b, &dropped, 8)) < 0)
			return rc;
		for (; i < sent; i++) {
			const dft_mention_rec *m = &ms->v[i];
			const char *value = ms->strings.ptr + m->value;
			const char *extra = m->extra == SIZE_MAX ? NULL : ms->strings.ptr + m->extra;
			size_t need = 1 + 8 + 8 + 8 + 4 + strlen(value) + 4 + (extra ? strlen(extra) : 0);
			unsigned char type = (unsigned char)m->type;
			uint64_t start = m->start, end = m->end;
			if (strlen(value) > MENTION_STRING_MAX || (extra && strlen(extra) > MENTION_STRING_MAX))
				continue; /* the parent would refuse it: leave it out */
			if (b->len + need > DFT_FRAME_MAX)
				break;
			if ((rc = dft_buf_add(b, &type, 1)) < 0 || (rc = dft_buf_add(b, &start, 8)) < 0 ||
			    (rc = dft_buf_add(b, &end, 8)) < 0 || (rc = dft_buf_add(b, &m->score, 8)) < 0 ||
			    (rc = add_u32_string(b, value)) < 0 || (rc = add_u32_string(b, extra)) < 0)
				return rc;
		}
		if (i == sent)
			b->ptr[0] = 1;
		if ((rc = send(sctx, DFT_FRAME_MENTIONS, b->ptr, b->len)) < 0)
			return rc;
	} while (i < sent);
	return 0;
}

/* The text's terms for the index in frames of at most DFT_FRAME_MAX
 * bytes, the first byte of each saying whether it is the last. */
static int send_terms(dft_analysis *a, dft_frame_send_fn send, void *sctx)
{
	const char *p = a->terms.ptr;
	size_t left = a->terms.len;
	int rc;
	do {
		size_t k = left < DFT_FRAME_MAX - 1 ? left : DFT_FRAME_MAX - 1;
		unsigned char last = k == left;
		dft_buf_reset(&a->out);
		if ((rc = dft_buf_add(&a->out, &last, 1)) < 0 || (rc = dft_buf_add(&a->out, p, k)) < 0 ||
		    (rc = send(sctx, DFT_FRAME_TERMS, a->out.ptr, a->out.len)) < 0)
			return rc;
		p += k;
		left -= k;
	} while (left);
	return 0;
}

/* A signature, an analysis or a scan that fails here (out of memory, a
 * limit) is not the document's failure: nothing is sent for it and the
 * parent does that part itself. Only a failed send is an error. */
static int run(void *ctx, const char *text, size_t len, dft_frame_send_fn send, void *sctx)
{
	dft_analysis *a = ctx;
	dft_dedup_sig g;
	int rc;
	memset(&g, 0, sizeof(g));
	if (dft_dedup_sig_of_text(a->an, text, len, &g) == 0 && (rc = send_sig(a, &g, send, sctx)) < 0)
		return rc;
	if (a->ix_an && len <= DFT_ANALYSIS_TERMS_MAX) {
		dft_buf_reset(&a->terms);
		if (dft_ix_analyse(a->ix_an, text, len, &a->terms) == 0 && (rc = send_terms(a, send, sctx)) < 0)
			return rc;
		if (a->terms.cap > ((size_t)4 << 20))
			dft_buf_dispose(&a->terms); /* a long text's terms are not kept for the next */
	}
	if (!a->x || len > DFT_ANALYSIS_ENTITIES_MAX)
		return 0;
	dft_mention_set_reset(&a->ms);
	if (dft_entity_extract(a->x, text, len, NULL, &a->ms) < 0)
		return 0;
	return send_mentions(a, send, sctx);
}

int dft_analysis_new(dft_analysis **out, int entities, int index_terms)
{
	dft_analysis *a = dft_calloc(1, sizeof(*a));
	*out = NULL;
	if (!a)
		return DFT_ENOMEM;
	a->entities = entities;
	a->index_terms = index_terms;
	a->hook.setup = setup;
	a->hook.run = run;
	a->hook.ctx = a;
	a->hook.max_text = SIZE_MAX; /* every text the parent keeps */
	{
		/* DAFTAR_WORKER_ANALYSIS_MAX=bytes: texts longer are left to the
		 * parent (0: the parent does it all, as before; the tests
		 * compare the two) */
		const char *env = getenv("DAFTAR_WORKER_ANALYSIS_MAX");
		char *end;
		unsigned long long v;
		if (env && *env) {
			v = strtoull(env, &end, 10);
			if (*end == '\0' && v < SIZE_MAX)
				a->hook.max_text = (size_t)v;
		}
	}
	*out = a;
	return 0;
}

void dft_analysis_free(dft_analysis *a)
{
	if (!a)
		return;
	/* set up only in the workers; in the parent these are empty */
	dft_analyzer_free(a->an);
	dft_analyzer_free(a->ix_an);
	dft_entity_extractor_free(a->x);
	if (a->an || a->x || a->ix_an) {
		dft_mention_set_dispose(&a->ms);
		dft_buf_dispose(&a->out);
		dft_buf_dispose(&a->terms);
	}
	free(a);
}

const dft_text_hook *dft_analysis_hook(dft_analysis *a) { return &a->hook; }

/* ---- the parent's side ------------------------------------------------------ */

void dft_analysis_result_init(dft_analysis_result *r)
{
	memset(r, 0, sizeof(*r));
	dft_mention_set_init(&r->ms);
	dft_buf_init(&r->terms, DFT_ANALYSIS_TERMS_BYTES);
}

void dft_analysis_result_dispose(dft_analysis_result *r)
{
	dft_mention_set_dispose(&r->ms);
	dft_buf_dispose(&r->terms);
	memset(r, 0, sizeof(*r));
}

static int is_hex64(const char *p)
{
	for (int i = 0; i < 64; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return 0;
	return 1;
}

static int take_sig(dft_analysis_result *r, const unsigned char *p, size_t n)
{
	static const char zeros[64];
	uint64_t v;
	if (r->has_sig || n < SIG_FIXED || p[16] > 1 || n != SIG_FIXED + (p[16] ? SIG_MINHASH : 0))
		return dft_error_set(DFT_EINVAL, "bad signature frame");
	memset(&r->sig, 0, sizeof(r->sig));
	memcpy(&v, p, 8);
	if (v > (uint64_t)INT64_MAX)
		return dft_error_set(DFT_EINVAL, "bad signature frame: tokens");
	r->sig.tokens = (int64_t)v;
	memcpy(&v, p + 8, 8);
	if (v > (uint64_t)INT64_MAX)
		return dft_error_set(DFT_EINVAL, "bad signature frame: shingles");
	r->sig.shingles = (int64_t)v;
	if (memcmp(p + 17, zeros, 64) != 0) {
		if (!is_hex64((const char *)p + 17))
			return dft_error_set(DFT_EINVAL, "bad signature frame: the text's hash");
		memcpy(r->sig.norm_sha, p + 17, 64);
		r->sig.norm_sha[64] = '\0';
	}
	r->sig.has_minhash = p[16];
	if (r->sig.has_minhash &&
	    (dft_minhash_unpack(&r->sig.minhash, p + SIG_FIXED, DFT_MINHASH_PERM * 4) < 0 ||
	     dft_minhash_unpack(&r->sig.cminhash, p + SIG_FIXED + DFT_MINHASH_PERM * 4, DFT_MINHASH_PERM * 4) < 0))
		return dft_error_set(DFT_EINVAL, "bad signature frame: the MinHash values");
	r->has_sig = 1;
	return 0;
}

/* A string of a record: u32 length, bytes, valid UTF-8 without NUL. */
static int take_string(const unsigned char **p, const unsigned char *end, dft_buf *tmp, int may_be_none,
		       const char **out)
{
	uint32_t n;
	if (end - *p < 4)
		return -1;
	memcpy(&n, *p, 4);
	*p += 4;
	if (n == NO_EXTRA && may_be_none) {
		*out = NULL;
		return 0;
	}
	if (n > MENTION_STRING_MAX || (size_t)(end - *p) < n || memchr(*p, '\0', n) ||
	    !dft_utf8_valid((const char *)*p, n))
		return -1;
	dft_buf_reset(tmp);
	if (dft_buf_add(tmp, *p, n) < 0)
		return -1;
	*out = dft_buf_cstr(tmp);
	*p += n;
	return 0;
}

static int take_mentions(dft_analysis_result *r, const unsigned char *p, size_t n, size_t text_len,
			 const char *text)
{
	const unsigned char *end = p + n;
	dft_buf value, extra;
	uint64_t dropped;
	int rc = 0, last;

	if (r->mentions_done || n < MENTION_HEAD || p[0] > 1)
		return dft_error_set(DFT_EINVAL, "bad mentions frame");
	last = p[0];
	memcpy(&dropped, p + 1, 8);
	p += MENTION_HEAD;
	dft_buf_init(&value, MENTION_STRING_MAX + 1);
	dft_buf_init(&extra, MENTION_STRING_MAX + 1);
	while (p < end && rc == 0) {
		dft_mention m;
		uint64_t start, stop;
		double score;
		memset(&m, 0, sizeof(m));
		if (end - p < 1 + 8 + 8 + 8) {
			rc = -1;
			break;
		}
		m.type = p[0];
		memcpy(&start, p + 1, 8);
		memcpy(&stop, p + 9, 8);
		memcpy(&score, p + 17, 8);
		p += 25;
		if (!text || m.type >= DFT_ENT__COUNT || start > stop || stop > text_len || !isfinite(score) ||
		    !dft_utf8_valid(text + start, (size_t)(stop - start)) ||
		    take_string(&p, end, &value, 0, &m.value) < 0 || take_string(&p, end, &extra, 1, &m.extra) < 0) {
			rc = -1;
			break;
		}
		m.start = (size_t)start;
		m.end = (size_t)stop;
		m.score = score;
		r->mention_bytes += value.len + (m.extra ? extra.len : 0) + 2;
		if (r->mention_bytes > MENTION_BYTES_MAX || r->ms.n >= DFT_MENTIONS_STORED) {
			rc = -1;
			break;
		}
		if (dft_mention_set_add(&r->ms, &m) < 0)
			rc = -1;
	}
	dft_buf_dispose(&value);
	dft_buf_dispose(&extra);
	if (rc < 0)
		return dft_error_set(DFT_EINVAL, "bad mentions frame");
	if (last) {
		r->mentions_done = 1;
		r->ms.dropped = dropped > DFT_MENTIONS_MAX ? DFT_MENTIONS_MAX : (size_t)dropped;
	}
	return 0;
}

static int take_terms(dft_analysis_result *r, const char *p, size_t n)
{
	int rc;
	if (r->terms_done || n < 1 || (unsigned char)p[0] > 1)
		return dft_error_set(DFT_EINVAL, "bad terms frame");
	if (dft_buf_add(&r->terms, p + 1, n - 1) < 0)
		return dft_error_set(DFT_EINVAL, "bad terms frame: more than %zu MiB", DFT_ANALYSIS_TERMS_BYTES >> 20);
	if (!p[0])
		return 0;
	if ((rc = dft_ix_terms_check(r->terms.ptr, r->terms.len)) < 0)
		return dft_error_prefix("bad terms frame");
	r->terms_done = 1;
	return 0;
}

int dft_analysis_take(dft_analysis_result *r, int kind, const char *p, size_t n, size_t text_len,
		      const char *text)
{
	if (kind == DFT_FRAME_SIG)
		return take_sig(r, (const unsigned char *)p, n);
	if (kind == DFT_FRAME_TERMS)
		return take_terms(r, p, n);
	return take_mentions(r, (const unsigned char *)p, n, text_len, text);
}
