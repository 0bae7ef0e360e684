/*
 * ner_model.c - the NER model shared by the tagger (ner.c) and the trainer
 * (tools/daftar-train.c): word preparation, the one feature extractor, the
 * gazetteer, Viterbi decoding over BIO tags and the model file. Training
 * and tagging call the same functions, so their features cannot drift.
 *
 * The model file (little-endian, version 2, docs/NER.md):
 *   "DFTNER\r\n", u32 version, u32 tags (9), char lang[8], u64 nfeat,
 *   u64 ngaz, u32 gaz maxlen, f32 weight scale, f32 trans[81],
 *   f32 start[9]; then the features in key order, each the varint
 *   difference from the previous key, a u16 mask of the tags with a weight
 *   and an int16 a weight (times the scale); then the gazetteer in key
 *   order, each a varint key difference and a varint value; u64 FNV-1a of
 *   every byte before it. Every read is bounded by the file's length.
 */
#include "ner_internal.h"

#include "daftar/text.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- hashing ------------------------------------------------------------- */

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t ner_hash(unsigned kind, const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ ((uint64_t)kind * 0x100000001b3ULL);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	h = splitmix(h);
	return h ? h : 1;
}

uint64_t ner_hash_mix(uint64_t a, uint64_t b)
{
	uint64_t h = splitmix(a * 31 + splitmix(b));
	return h ? h : 1;
}

size_t ner_utf8(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		c = s[0] & 0x1f;
		len = 2;
	} else if ((s[0] & 0xf0) == 0xe0) {
		c = s[0] & 0x0f;
		len = 3;
	} else if ((s[0] & 0xf8) == 0xf0) {
		c = s[0] & 0x07;
		len = 4;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 2 && c < 0x80) || (len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* ---- the hash table ---------------------------------------------------------- */

int ner_htab_init(ner_htab *t, size_t cap)
{
	size_t c = 16;
	while (c < cap * 2)
		c <<= 1;
	t->keys = dft_calloc(c, sizeof *t->keys);
	t->vals = dft_calloc(c, sizeof *t->vals);
	t->cap = c;
	t->n = 0;
	if (!t->keys || !t->vals) {
		ner_htab_dispose(t);
		return DFT_ENOMEM;
	}
	return 0;
}

void ner_htab_dispose(ner_htab *t)
{
	free(t->keys);
	free(t->vals);
	t->keys = NULL;
	t->vals = NULL;
	t->cap = t->n = 0;
}

uint32_t *ner_htab_get(const ner_htab *t, uint64_t key)
{
	size_t mask, i;
	if (!t->cap)
		return NULL;
	mask = t->cap - 1;
	for (i = (size_t)key & mask;; i = (i + 1) & mask) {
		if (t->keys[i] == key)
			return &t->vals[i];
		if (t->keys[i] == 0)
			return NULL;
	}
}

static int htab_grow(ner_htab *t)
{
	ner_htab nt;
	int rc = ner_htab_init(&nt, t->cap);
	if (rc)
		return rc;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->keys[i]) {
			size_t j, mask = nt.cap - 1;
			for (j = (size_t)t->keys[i] & mask; nt.keys[j]; j = (j + 1) & mask)
				;
			nt.keys[j] = t->keys[i];
			nt.vals[j] = t->vals[i];
			nt.n++;
		}
	}
	ner_htab_dispose(t);
	*t = nt;
	return 0;
}

int ner_htab_put(ner_htab *t, uint64_t key, uint32_t **slot, int *added)
{
	size_t mask, i;
	int rc;
	if (!t->cap || (t->n + 1) * 2 > t->cap) {
		if (!t->cap)
			rc = ner_htab_init(t, 16);
		else
			rc = htab_grow(t);
		if (rc)
			return rc;
	}
	mask = t->cap - 1;
	for (i = (size_t)key & mask;; i = (i + 1) & mask) {
		if (t->keys[i] == key) {
			*slot = &t->vals[i];
			if (added)
				*added = 0;
			return 0;
		}
		if (t->keys[i] == 0)
			break;
	}
	t->keys[i] = key;
	t->vals[i] = 0;
	t->n++;
	*slot = &t->vals[i];
	if (added)
		*added = 1;
	return 0;
}

/* ---- words ------------------------------------------------------------------- */

static size_t utf8_count(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	return c;
}

/* Byte length of the first k characters (or last k) of s. */
static size_t utf8_head(const char *s, size_t n, size_t k)
{
	size_t i = 0, c = 0;
	while (i < n) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (c == k)
				break;
			c++;
		}
		i++;
	}
	return i;
}

static size_t utf8_tail(const char *s, size_t n, size_t k)
{
	size_t i = n, c = 0;
	while (i > 0 && c < k) {
		i--;
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			c++;
	}
	return n - i;
}

/* Arabic proclitics and the article, longest first (normalised spelling). */
static const char *const clitics[] = {
	"\xd9\x88\xd8\xa8\xd8\xa7\xd9\x84", /* وبال */
	"\xd9\x88\xd9\x83\xd8\xa7\xd9\x84", /* وكال */
	"\xd9\x81\xd8\xa8\xd8\xa7\xd9\x84", /* فبال */
	"\xd9\x88\xd9\x84\xd9\x84",         /* ولل */
	"\xd9\x81\xd8\xa7\xd9\x84",         /* فال */
	"\xd9\x88\xd8\xa7\xd9\x84",         /* وال */
	"\xd8\xa8\xd8\xa7\xd9\x84",         /* بال */
	"\xd9\x83\xd8\xa7\xd9\x84",         /* كال */
	"\xd9\x84\xd9\x84",                 /* لل */
	"\xd8\xa7\xd9\x84",                 /* ال */
	"\xd9\x88",                         /* و */
	"\xd9\x81",                         /* ف */
	"\xd8\xa8",                         /* ب */
	"\xd9\x84",                         /* ل */
	"\xd9\x83",                         /* ك */
};

static void copy_cut(char *dst, size_t cap, size_t *dlen, const char *src, size_t n)
{
	if (n >= cap) {
		n = cap - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xc0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = 0;
	*dlen = n;
}

static char shape_of(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return 'X';
	if (c >= 'a' && c <= 'z')
		return 'x';
	if ((c >= '0' && c <= '9') || (c >= 0x660 && c <= 0x669) || (c >= 0x6f0 && c <= 0x6f9))
		return 'd';
	if (c >= 0x600 && c <= 0x6ff)
		return 'a';
	if (c >= 0xc0 && c < 0x250)
		return 'x';
	if (c < 0x80)
		return (char)c;
	return 'o';
}

int ner_word_prep(ner_word *w, const char *raw, size_t len, int arabic)
{
	dft_buf b;
	const unsigned char *s = (const unsigned char *)raw;
	size_t i, rlen = len > 128 ? 128 : len;
	unsigned letters = 0, upper = 0, digits = 0, chars = 0;
	char last = 0;
	int rc;

	memset(w, 0, sizeof *w);
	w->raw = raw;
	w->rawlen = len;
	dft_buf_init(&b, 1024);
	while (rlen > 0 && rlen < len && (s[rlen] & 0xc0) == 0x80)
		rlen--;
	rc = dft_normalize_word(raw, rlen, &b);
	if (rc) {
		dft_buf_dispose(&b);
		return rc;
	}
	if (b.len)
		copy_cut(w->norm, sizeof w->norm, &w->normlen, b.ptr, b.len);
	else
		copy_cut(w->norm, sizeof w->norm, &w->normlen, raw, rlen);
	dft_buf_dispose(&b);

	for (i = 0; i < len;) {
		uint32_t c = 0;
		size_t l = ner_utf8(s + i, len - i, &c);
		char sh;
		if (!l) {
			i++;
			continue;
		}
		i += l;
		sh = shape_of(c);
		chars++;
		if (sh == 'X' || sh == 'x' || sh == 'a') {
			letters++;
			if (sh == 'X')
				upper++;
			if (sh != 'a')
				w->flags |= NER_F_LATIN;
			if (chars == 1 && sh == 'X')
				w->flags |= NER_F_INITCAP;
		} else if (sh == 'd')
			digits++;
		else if (c == '-')
			w->flags |= NER_F_HYPHEN;
		if (w->shapelen < sizeof w->shape - 1)
			w->shape[w->shapelen++] = sh;
		if (sh != last && w->sshapelen < sizeof w->sshape - 1)
			w->sshape[w->sshapelen++] = sh;
		last = sh;
	}
	if (letters && upper == letters)
		w->flags |= NER_F_ALLCAP;
	if (digits)
		w->flags |= NER_F_DIGIT;
	if (digits && digits == chars)
		w->flags |= NER_F_ALLDIGIT;
	if (!letters && !digits)
		w->flags |= NER_F_PUNCT;

	memcpy(w->strip, w->norm, w->normlen + 1);
	w->striplen = w->normlen;
	if (arabic) {
		size_t nc = utf8_count(w->norm, w->normlen);
		for (i = 0; i < sizeof clitics / sizeof *clitics; i++) {
			size_t cl = strlen(clitics[i]);
			if (w->normlen > cl && memcmp(w->norm, clitics[i], cl) == 0 &&
			    nc - cl / 2 >= 3) {
				memcpy(w->pre, clitics[i], cl);
				w->pre[cl] = 0;
				w->prelen = cl;
				w->striplen = w->normlen - cl;
				memmove(w->strip, w->norm + cl, w->striplen);
				w->strip[w->striplen] = 0;
				break;
			}
		}
	}
	w->hnorm = ner_hash(1, w->norm, w->normlen);
	w->hstrip = ner_hash(1, w->strip, w->striplen);
	return 0;
}

/* ---- gazetteer ------------------------------------------------------------------- */

int ner_gaz_init(ner_gaz *g)
{
	g->maxlen = 0;
	return ner_htab_init(&g->tab, 1024);
}

void ner_gaz_dispose(ner_gaz *g)
{
	ner_htab_dispose(&g->tab);
}

static uint64_t gaz_key(const uint64_t *h, size_t n)
{
	uint64_t k = h[0];
	for (size_t i = 1; i < n; i++)
		k = ner_hash_mix(k, h[i]);
	return k;
}

int ner_gaz_add_hashes(ner_gaz *g, const uint64_t *h, size_t n, int type)
{
	uint32_t *v;
	int rc;
	if (n == 0 || n > NER_GAZ_MAXLEN || type < 0 || type > 3)
		return 0;
	rc = ner_htab_put(&g->tab, gaz_key(h, n), &v, NULL);
	if (rc)
		return rc;
	if (((*v >> (8 * type)) & 0xff) != 0xff)
		*v += 1u << (8 * type);
	if ((int)n > g->maxlen)
		g->maxlen = (int)n;
	return 0;
}

int ner_gaz_add_text(ner_gaz *g, const char *s, size_t len, int type, int arabic)
{
	uint64_t h[NER_GAZ_MAXLEN];
	uint64_t first_strip = 0;
	size_t n = 0, i = 0;
	int rc;
	while (i < len) {
		size_t j;
		ner_word w;
		while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
			i++;
		if (i >= len)
			break;
		for (j = i; j < len && s[j] != ' ' && s[j] != '\t' && s[j] != '\r' && s[j] != '\n';
		     j++)
			;
		if (n == NER_GAZ_MAXLEN)
			return 0;
		rc = ner_word_prep(&w, s + i, j - i, arabic);
		if (rc)
			return rc;
		if (n == 0 && w.striplen != w.normlen)
			first_strip = w.hstrip;
		h[n++] = w.hnorm;
		i = j;
	}
	if (!n)
		return 0;
	rc = ner_gaz_add_hashes(g, h, n, type);
	if (rc == 0 && first_strip) {
		h[0] = first_strip;
		rc = ner_gaz_add_hashes(g, h, n, type);
	}
	return rc;
}

int ner_gaz_copy(ner_gaz *dst, const ner_gaz *src)
{
	dst->maxlen = src->maxlen;
	dst->tab.cap = src->tab.cap;
	dst->tab.n = src->tab.n;
	dst->tab.keys = dft_malloc(src->tab.cap * sizeof(uint64_t));
	dst->tab.vals = dft_malloc(src->tab.cap * sizeof(uint32_t));
	if (!dst->tab.keys || !dst->tab.vals) {
		ner_htab_dispose(&dst->tab);
		return DFT_ENOMEM;
	}
	memcpy(dst->tab.keys, src->tab.keys, src->tab.cap * sizeof(uint64_t));
	memcpy(dst->tab.vals, src->tab.vals, src->tab.cap * sizeof(uint32_t));
	return 0;
}

void ner_gaz_match(const ner_gaz *g, const ner_word *w, size_t n, size_t i, int arabic,
		   uint32_t vals[NER_GAZ_MAXLEN + 1])
{
	uint64_t k1 = 0, k2 = 0;
	size_t L;
	memset(vals, 0, (NER_GAZ_MAXLEN + 1) * sizeof *vals);
	for (L = 1; L <= (size_t)g->maxlen && i + L <= n; L++) {
		uint32_t *v;
		if (L == 1) {
			k1 = w[i].hnorm;
			k2 = (arabic && w[i].hstrip != w[i].hnorm) ? w[i].hstrip : 0;
		} else {
			k1 = ner_hash_mix(k1, w[i + L - 1].hnorm);
			if (k2)
				k2 = ner_hash_mix(k2, w[i + L - 1].hnorm);
		}
		v = ner_htab_get(&g->tab, k1);
		if (!v && k2)
			v = ner_htab_get(&g->tab, k2);
		if (v)
			vals[L] = *v;
	}
}

unsigned ner_gaz_mask(uint32_t v)
{
	unsigned m = 0;
	for (int t = 0; t < 4; t++)
		if ((v >> (8 * t)) & 0xff)
			m |= 1u << t;
	return m;
}

int ner_gaz_major(uint32_t v)
{
	int best = -1;
	unsigned bc = 0;
	for (int t = 0; t < 4; t++) {
		unsigned c = (v >> (8 * t)) & 0xff;
		if (c > bc) {
			bc = c;
			best = t;
		}
	}
	return best;
}

/* ---- features ------------------------------------------------------------------- */

enum {
	FK_BIAS = 10,
	FK_W0,
	FK_RAW0,
	FK_WM1,
	FK_WP1,
	FK_WM2,
	FK_WP2,
	FK_BI_M1,
	FK_BI_P1,
	FK_PRE,
	FK_SUF = FK_PRE + 5,
	FK_SHAPE = FK_SUF + 5,
	FK_SSHAPE0,
	FK_SSHAPEM1,
	FK_SSHAPEP1,
	FK_SSHAPE3,
	FK_FLAGS,
	FK_FLAGS_FIRST,
	FK_STRIP0,
	FK_STRIPM1,
	FK_STRIPP1,
	FK_CLITIC,
	FK_SSUF,
	FK_GAZ0 = FK_SSUF + 5,
	FK_GAZM1,
	FK_GAZP1,
	FK_GAZCAP,
	FK_GAZLEN,
	FK_RAWM1,
	FK_RAWP1,
	FK_W0_SSHAPEM1,
	FK_SKIP,
	FK_CTXCAP,
	FK_DOC_CASE,
	FK_DOC_GAZ,
	FK_DOC_RUN,
	FK_DOC_AGGP,
	FK_DOC_AGGN
};

static const char bos[] = "<s>", eos[] = "</s>";

static uint64_t h2(unsigned kind, uint64_t a, uint64_t b)
{
	return ner_hash_mix(ner_hash_mix((uint64_t)kind * 0x9e3779b97f4a7c15ULL, a), b);
}

static uint64_t hnum(unsigned kind, uint64_t x)
{
	return ner_hash_mix((uint64_t)kind * 0x9e3779b97f4a7c15ULL + 7, x);
}

#define ADD(h)                                                                             \
	do {                                                                               \
		if (k < NER_MAXFEAT)                                                       \
			f[k++] = (h);                                                      \
	} while (0)

void ner_gaz_spans(const ner_gaz *g, const ner_word *w, size_t n, int arabic, uint16_t *gz,
		   uint8_t *glen)
{
	size_t i, L;
	memset(gz, 0, n * sizeof *gz);
	memset(glen, 0, n * sizeof *glen);
	if (!g || g->maxlen <= 0)
		return;
	for (i = 0; i < n; i++) {
		uint32_t vals[NER_GAZ_MAXLEN + 1];
		ner_gaz_match(g, w, n, i, arabic, vals);
		for (L = 1; L <= NER_GAZ_MAXLEN; L++) {
			unsigned m = ner_gaz_mask(vals[L]);
			if (!m)
				continue;
			gz[i] |= (uint16_t)m;
			for (size_t j = i + 1; j < i + L; j++)
				gz[j] |= (uint16_t)(m << 4);
			for (size_t j = i; j < i + L; j++)
				if (glen[j] < L)
					glen[j] = (uint8_t)L;
		}
	}
}

/* ---- the document --------------------------------------------------------------- */

void ner_doc_init(ner_doc *d)
{
	memset(d, 0, sizeof *d);
}

void ner_doc_dispose(ner_doc *d)
{
	free(d->h);
	free(d->type);
	free(d->next);
	free(d->info);
	free(d->gz);
	free(d->glen);
	free(d->types);
	ner_htab_dispose(&d->index);
	memset(d, 0, sizeof *d);
}

void ner_doc_reset(ner_doc *d)
{
	d->n = 0;
	d->ntypes = 0;
	if (d->index.cap) {
		memset(d->index.keys, 0, d->index.cap * sizeof *d->index.keys);
		d->index.n = 0;
	}
}

static int doc_grow(ner_doc *d, size_t need)
{
	size_t nc = d->cap ? d->cap : 1024;
	while (nc < need)
		nc *= 2;
	if (nc == d->cap)
		return 0;
	uint64_t *h = dft_realloc(d->h, nc * sizeof *h);
	if (h)
		d->h = h;
	uint32_t *ty = h ? dft_realloc(d->type, nc * sizeof *ty) : NULL;
	if (ty)
		d->type = ty;
	uint32_t *nx = ty ? dft_realloc(d->next, nc * sizeof *nx) : NULL;
	if (nx)
		d->next = nx;
	uint8_t *in = nx ? dft_realloc(d->info, nc) : NULL;
	if (in)
		d->info = in;
	uint16_t *gz = in ? dft_realloc(d->gz, nc * sizeof *gz) : NULL;
	if (gz)
		d->gz = gz;
	uint8_t *gl = gz ? dft_realloc(d->glen, nc) : NULL;
	if (!gl)
		return DFT_ENOMEM;
	d->glen = gl;
	d->cap = nc;
	return 0;
}

static void sat16(uint16_t *c)
{
	if (*c != UINT16_MAX)
		(*c)++;
}

static void sat8(uint8_t *c)
{
	if (*c != UINT8_MAX)
		(*c)++;
}

static unsigned doc_case(const ner_word *x, size_t i, size_t n)
{
	unsigned info = 0;
	if (x->flags & NER_F_ALLCAP)
		info |= x->rawlen > 1 ? NER_DI_ALLCAP : NER_DI_CAP;
	else if (x->flags & NER_F_INITCAP)
		info |= NER_DI_CAP;
	else if (x->rawlen && x->raw[0] >= 'a' && x->raw[0] <= 'z')
		info |= NER_DI_LOW;
	if (i == 0)
		info |= NER_DI_FIRST;
	if (i + 1 == n)
		info |= NER_DI_LAST;
	return info;
}

int ner_doc_add(ner_doc *d, const ner_word *w, size_t n, const uint16_t *gz,
		const uint8_t *glen)
{
	int rc = doc_grow(d, d->n + n);
	if (rc)
		return rc;
	for (size_t i = 0; i < n; i++) {
		size_t p = d->n + i;
		unsigned info = doc_case(&w[i], i, n);
		/* runs of capitalised words (not all capitals: headlines) */
		if (info & NER_DI_CAP) {
			int pc = i > 0 && (doc_case(&w[i - 1], i - 1, n) & NER_DI_CAP);
			int nc = i + 1 < n && (doc_case(&w[i + 1], i + 1, n) & NER_DI_CAP);
			if (pc || nc)
				info |= (unsigned)(pc && nc ? 2 : pc ? 3 : 1) * NER_DI_RUN0;
		}
		d->h[p] = w[i].hnorm;
		d->info[p] = (uint8_t)info;
		d->gz[p] = gz[i];
		d->glen[p] = glen[i];
		d->next[p] = UINT32_MAX;
	}
	d->n += n;
	return 0;
}

int ner_doc_finish(ner_doc *d)
{
	size_t p;
	int rc;
	if (d->ntypes || !d->n)
		return 0;
	for (p = 0; p < d->n; p++) {
		uint32_t *slot;
		int added = 0;
		rc = ner_htab_put(&d->index, d->h[p], &slot, &added);
		if (rc)
			return rc;
		if (added) {
			if (d->ntypes == d->captypes) {
				size_t nc = d->captypes ? d->captypes * 2 : 1024;
				ner_doc_type *nt = dft_realloc(d->types, nc * sizeof *nt);
				if (!nt)
					return DFT_ENOMEM;
				d->types = nt;
				d->captypes = nc;
			}
			memset(&d->types[d->ntypes], 0, sizeof *d->types);
			d->types[d->ntypes].first = (uint32_t)p;
			*slot = (uint32_t)++d->ntypes;
		}
		d->type[p] = *slot - 1;
	}
	/* next links, from the end so each type's list is in text order */
	{
		uint32_t *last = dft_malloc(d->ntypes * sizeof *last);
		if (!last)
			return DFT_ENOMEM;
		for (size_t t = 0; t < d->ntypes; t++)
			last[t] = UINT32_MAX;
		for (p = d->n; p-- > 0;) {
			d->next[p] = last[d->type[p]];
			last[d->type[p]] = (uint32_t)p;
		}
		free(last);
	}
	for (p = 0; p < d->n; p++) {
		ner_doc_type *t = &d->types[d->type[p]];
		unsigned info = d->info[p], run = (info / NER_DI_RUN0) & 3;
		if (info & NER_DI_LOW)
			sat16(&t->nlow);
		if ((info & NER_DI_CAP) && !(info & NER_DI_FIRST))
			sat16(&t->ncap);
		for (int b = 0; b < 8; b++)
			if (d->gz[p] & (1u << b))
				sat8(&t->gzc[b]);
		if (run)
			sat8(&t->runc[run - 1]);
	}
	return 0;
}

/* What the document's other occurrences of token p's word say. */
static size_t doc_features(const ner_doc *d, size_t p, uint64_t *f, size_t k)
{
	const ner_doc_type *t = &d->types[d->type[p]];
	unsigned info = d->info[p], run = (info / NER_DI_RUN0) & 3;
	unsigned own = (info & NER_DI_ALLCAP ? 1u : 0u) + (info & NER_DI_FIRST ? 2u : 0u);
	unsigned nlow = t->nlow - (info & NER_DI_LOW ? 1u : 0u);
	unsigned ncap = t->ncap - ((info & NER_DI_CAP) && !(info & NER_DI_FIRST) ? 1u : 0u);
	unsigned agg = 0, steps = 0;
	ADD(hnum(FK_DOC_CASE, own * 4 + (nlow ? 1u : 0u) + (ncap ? 2u : 0u)));
	for (unsigned b = 0; b < 8; b++)
		if (t->gzc[b] > ((d->gz[p] >> b) & 1u))
			ADD(hnum(FK_DOC_GAZ, b * 2 + ((d->gz[p] >> b) & 1u)));
	for (unsigned r = 0; r < 3; r++)
		if (t->runc[r] > (run == r + 1 ? 1u : 0u))
			ADD(hnum(FK_DOC_RUN, r * 4 + run));
	/* the words around its first capitalised occurrences (of its first 64) */
	for (uint32_t q = t->first; q != UINT32_MAX && agg < 4 && steps < 64;
	     q = d->next[q], steps++) {
		if (q == p || !(d->info[q] & (NER_DI_CAP | NER_DI_ALLCAP)))
			continue;
		agg++;
		if (!(d->info[q] & NER_DI_FIRST))
			ADD(hnum(FK_DOC_AGGP, d->h[q - 1]));
		if (!(d->info[q] & NER_DI_LAST))
			ADD(hnum(FK_DOC_AGGN, d->h[q + 1]));
	}
	return k;
}

void ner_features(const ner_word *w, size_t n, const ner_gaz *g, int arabic,
		  const ner_doc *doc, size_t off, uint64_t *feats, uint8_t *nf)
{
	uint16_t gz[NER_SENT_MAX];
	uint8_t glen[NER_SENT_MAX];
	size_t i;
	if (n > NER_SENT_MAX)
		n = NER_SENT_MAX;
	if (doc && (arabic || off + n > doc->n || !doc->ntypes))
		doc = NULL;
	if (doc) { /* matched when the document was read */
		memcpy(gz, doc->gz + off, n * sizeof *gz);
		memcpy(glen, doc->glen + off, n * sizeof *glen);
	} else
		ner_gaz_spans(g, w, n, arabic, gz, glen);
	for (i = 0; i < n; i++) {
		const ner_word *x = &w[i];
		uint64_t *f = feats + i * NER_MAXFEAT;
		size_t k = 0, j, nc;
		uint64_t hm1 = i > 0 ? w[i - 1].hnorm : ner_hash(1, bos, 3);
		uint64_t hp1 = i + 1 < n ? w[i + 1].hnorm : ner_hash(1, eos, 4);
		uint64_t hm2 = i > 1 ? w[i - 2].hnorm : ner_hash(1, bos, 3);
		uint64_t hp2 = i + 2 < n ? w[i + 2].hnorm : ner_hash(1, eos, 4);
		uint64_t sm1 = i > 0 ? ner_hash(2, w[i - 1].sshape, w[i - 1].sshapelen)
				     : ner_hash(2, bos, 3);
		uint64_t sp1 = i + 1 < n ? ner_hash(2, w[i + 1].sshape, w[i + 1].sshapelen)
					 : ner_hash(2, eos, 4);
		uint64_t s0 = ner_hash(2, x->sshape, x->sshapelen);

		ADD(hnum(FK_BIAS, 0));
		ADD(hnum(FK_W0, x->hnorm));
		if (!arabic) {
			ADD(hnum(FK_RAW0, ner_hash(3, x->raw, x->rawlen > 64 ? 64 : x->rawlen)));
			if (i > 0)
				ADD(hnum(FK_RAWM1, ner_hash(3, w[i - 1].raw,
							      w[i - 1].rawlen > 64 ? 64 : w[i - 1].rawlen)));
			if (i + 1 < n)
				ADD(hnum(FK_RAWP1, ner_hash(3, w[i + 1].raw,
							      w[i + 1].rawlen > 64 ? 64 : w[i + 1].rawlen)));
		}
		ADD(hnum(FK_WM1, hm1));
		ADD(hnum(FK_WP1, hp1));
		ADD(hnum(FK_WM2, hm2));
		ADD(hnum(FK_WP2, hp2));
		ADD(h2(FK_BI_M1, hm1, x->hnorm));
		ADD(h2(FK_BI_P1, x->hnorm, hp1));
		ADD(h2(FK_SKIP, hm1, hp1));
		ADD(h2(FK_CTXCAP, x->hnorm, (i > 0 ? w[i - 1].flags & 3 : 4) * 8 + (i + 1 < n ? w[i + 1].flags & 3 : 4)));
		nc = utf8_count(x->norm, x->normlen);
		for (j = 1; j <= 4 && j < nc; j++) {
			ADD(hnum(FK_PRE + (unsigned)j, ner_hash(4, x->norm, utf8_head(x->norm, x->normlen, j))));
			size_t t = utf8_tail(x->norm, x->normlen, j);
			ADD(hnum(FK_SUF + (unsigned)j, ner_hash(4, x->norm + x->normlen - t, t)));
		}
		ADD(hnum(FK_SHAPE, ner_hash(2, x->shape, x->shapelen)));
		ADD(hnum(FK_SSHAPE0, s0));
		ADD(hnum(FK_SSHAPEM1, sm1));
		ADD(hnum(FK_SSHAPEP1, sp1));
		ADD(h2(FK_SSHAPE3, h2(FK_SSHAPE3, sm1, s0), sp1));
		ADD(h2(FK_W0_SSHAPEM1, x->hnorm, sm1));
		ADD(hnum(FK_FLAGS, x->flags));
		ADD(hnum(FK_FLAGS_FIRST, x->flags * 2 + (i == 0)));
		if (arabic) {
			size_t sc = utf8_count(x->strip, x->striplen);
			if (x->striplen != x->normlen)
				ADD(hnum(FK_STRIP0, x->hstrip));
			ADD(hnum(FK_STRIPM1, i > 0 ? w[i - 1].hstrip : 1));
			ADD(hnum(FK_STRIPP1, i + 1 < n ? w[i + 1].hstrip : 1));
			ADD(hnum(FK_CLITIC, ner_hash(5, x->pre, x->prelen)));
			for (j = 2; j <= 3 && j < sc; j++) {
				size_t t = utf8_tail(x->strip, x->striplen, j);
				ADD(hnum(FK_SSUF + (unsigned)j, ner_hash(4, x->strip + x->striplen - t, t)));
				size_t hl = utf8_head(x->strip, x->striplen, j);
				ADD(hnum(FK_SSUF + 2 + (unsigned)j, ner_hash(4, x->strip, hl)));
			}
		}
		for (j = 0; j < 8; j++) {
			if (gz[i] & (1u << j)) {
				ADD(hnum(FK_GAZ0, j));
				ADD(hnum(FK_GAZCAP, j * 64 + (x->flags & (NER_F_INITCAP | NER_F_ALLCAP)) +
							     (i == 0 ? 32 : 0)));
			}
			if (i > 0 && (gz[i - 1] & (1u << j)))
				ADD(hnum(FK_GAZM1, j));
			if (i + 1 < n && (gz[i + 1] & (1u << j)))
				ADD(hnum(FK_GAZP1, j));
		}
		if (glen[i])
			ADD(hnum(FK_GAZLEN, glen[i]));
		if (doc && (x->flags & NER_F_LATIN) && (x->flags & (NER_F_INITCAP | NER_F_ALLCAP)))
			k = doc_features(doc, off + i, f, k);
		nf[i] = (uint8_t)k;
	}
}

/* ---- decoding -------------------------------------------------------------------- */

static int allowed(int prev, int cur)
{
	if (!NER_TAG_IS_I(cur))
		return 1;
	return prev == cur || prev == cur - 1;
}

void ner_viterbi(const float *emit, size_t n, const float *trans, const float *start, int *tags,
		 int *back)
{
	float sc[NER_NT], nsc[NER_NT];
	size_t i;
	int t, p, best;
	if (n == 0)
		return;
	for (t = 0; t < NER_NT; t++)
		sc[t] = NER_TAG_IS_I(t) ? -INFINITY : start[t] + emit[t];
	for (i = 1; i < n; i++) {
		for (t = 0; t < NER_NT; t++) {
			float bv = -INFINITY;
			int bp = 0;
			for (p = 0; p < NER_NT; p++) {
				float v;
				if (!allowed(p, t) || sc[p] == -INFINITY)
					continue;
				v = sc[p] + trans[p * NER_NT + t];
				if (v > bv) {
					bv = v;
					bp = p;
				}
			}
			nsc[t] = bv == -INFINITY ? bv : bv + emit[i * NER_NT + t];
			back[i * NER_NT + t] = bp;
		}
		memcpy(sc, nsc, sizeof sc);
	}
	best = 0;
	for (t = 1; t < NER_NT; t++)
		if (sc[t] > sc[best])
			best = t;
	tags[n - 1] = best;
	for (i = n - 1; i > 0; i--)
		tags[i - 1] = back[i * NER_NT + tags[i]];
}

int ner_tag_parse(const char *s, size_t n, int prev)
{
	int bi, type;
	char u[32];
	size_t i, m = 0;
	if (n < 3 || (s[0] != 'B' && s[0] != 'I') || (s[1] != '-' && s[1] != '_'))
		return 0;
	bi = s[0] == 'B';
	for (i = 2; i < n && m < sizeof u - 1; i++)
		if (s[i] != '-')
			u[m++] = (char)(s[i] >= 'a' && s[i] <= 'z' ? s[i] - 32 : s[i]);
	u[m] = 0;
	if (strncmp(u, "PER", 3) == 0)
		type = DFT_ENT_PERSON;
	else if (strncmp(u, "ORG", 3) == 0)
		type = DFT_ENT_ORG;
	else if (strncmp(u, "LOC", 3) == 0 || strncmp(u, "GPE", 3) == 0)
		type = DFT_ENT_PLACE;
	else if (strncmp(u, "MIS", 3) == 0)
		type = DFT_ENT_MISC;
	else
		return 0;
	/* IOB1 and IOB2 alike: I-x continues only an x, else it starts one */
	if (!bi && (prev == NER_TAG_B(type) || prev == NER_TAG_I(type)))
		return NER_TAG_I(type);
	return NER_TAG_B(type);
}

/* ---- the model ------------------------------------------------------------------- */

void ner_emit(const struct dft_ner *m, const uint64_t *feats, const uint8_t *nf, size_t n,
	      float *emit)
{
	for (size_t i = 0; i < n; i++) {
		float *e = emit + i * NER_NT;
		memset(e, 0, NER_NT * sizeof *e);
		for (size_t k = 0; k < nf[i]; k++) {
			const uint32_t *v = ner_htab_get(&m->ftab, feats[i * NER_MAXFEAT + k]);
			if (v) {
				const float *wr = m->w + (size_t)*v * NER_NT;
				for (int t = 0; t < NER_NT; t++)
					e[t] += wr[t];
			}
		}
	}
}

static int put_u32(dft_buf *b, uint32_t v)
{
	unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	return dft_buf_add(b, x, 4);
}

static int put_u64(dft_buf *b, uint64_t v)
{
	int rc = put_u32(b, (uint32_t)v);
	return rc ? rc : put_u32(b, (uint32_t)(v >> 32));
}

static int put_f32(dft_buf *b, float f)
{
	uint32_t v;
	memcpy(&v, &f, 4);
	return put_u32(b, v);
}

/* LEB128: 7 bits a byte, low first */
static int put_varint(dft_buf *b, uint64_t v)
{
	unsigned char x[10];
	size_t n = 0;
	do {
		x[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			x[n] |= 0x80;
		n++;
	} while (v);
	return dft_buf_add(b, x, n);
}

static uint32_t get_u32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	       ((uint32_t)p[3] << 24);
}

static uint64_t get_u64(const unsigned char *p)
{
	return (uint64_t)get_u32(p) | ((uint64_t)get_u32(p + 4) << 32);
}

static float get_f32(const unsigned char *p)
{
	uint32_t v = get_u32(p);
	float f;
	memcpy(&f, &v, 4);
	return f;
}

static uint64_t fnv(const unsigned char *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/*
 * Weight quantisation: every stored weight is a 16-bit fixed-point number,
 * q * scale with scale = max|w| / 32767 over the model. Averaged-perceptron
 * weights cluster around +-1 with small differences that decide ties, so
 * 8 bits (even a k-means codebook of 256 values) cost 0.003 F1 on
 * CoNLL-2003; 16 bits cost nothing measurable (docs/NER.md).
 */
static int16_t quantise(float w, float scale)
{
	long q = lroundf(w / scale);
	return (int16_t)(q > 32767 ? 32767 : q < -32767 ? -32767 : q);
}

struct key_index {
	uint64_t key;
	size_t i;
};

static int cmp_key_index(const void *a, const void *b)
{
	uint64_t x = ((const struct key_index *)a)->key, y = ((const struct key_index *)b)->key;
	return (x > y) - (x < y);
}

#define HEADER_BYTES (8 + 4 + 4 + 8 + 8 + 8 + 4 + 4 + 4 * (NER_NT * NER_NT + NER_NT))

static int model_encode(const struct dft_ner *m, float prune, dft_buf *b)
{
	struct key_index *fk = NULL, *gk = NULL;
	float maxw = 0, scale;
	size_t kept = 0, ngaz = 0, i;
	uint64_t prev;
	char lang[8] = {0};
	int rc = 0;

	fk = dft_malloc((m->nfeat + 1) * sizeof *fk);
	gk = dft_malloc((m->gaz.tab.n + 1) * sizeof *gk);
	if (!fk || !gk) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < m->nfeat; i++) {
		int any = 0;
		for (int t = 0; t < NER_NT; t++)
			if (fabsf(m->w[i * NER_NT + t]) > prune) {
				maxw = fmaxf(maxw, fabsf(m->w[i * NER_NT + t]));
				any = 1;
			}
		if (any) {
			fk[kept].key = m->keys[i];
			fk[kept++].i = i;
		}
	}
	scale = maxw > 0 ? maxw / 32767.0f : 1.0f;
	dft_sort(fk, kept, sizeof *fk, cmp_key_index);
	for (i = 0; i < m->gaz.tab.cap; i++)
		if (m->gaz.tab.keys[i]) {
			gk[ngaz].key = m->gaz.tab.keys[i];
			gk[ngaz++].i = i;
		}
	dft_sort(gk, ngaz, sizeof *gk, cmp_key_index);

	memcpy(lang, m->lang, strnlen(m->lang, 7));
	rc = dft_buf_add(b, NER_MAGIC, 8);
	rc = rc ? rc : put_u32(b, NER_VERSION);
	rc = rc ? rc : put_u32(b, NER_NT);
	rc = rc ? rc : dft_buf_add(b, lang, 8);
	rc = rc ? rc : put_u64(b, kept);
	rc = rc ? rc : put_u64(b, ngaz);
	rc = rc ? rc : put_u32(b, (uint32_t)m->gaz.maxlen);
	rc = rc ? rc : put_f32(b, scale);
	for (i = 0; !rc && i < NER_NT * NER_NT; i++)
		rc = put_f32(b, m->trans[i]);
	for (i = 0; !rc && i < NER_NT; i++)
		rc = put_f32(b, m->start[i]);
	/* features in key order: the key's difference from the previous one,
	 * a 9-bit mask of the tags with a weight, an int16 a weight */
	for (i = 0, prev = 0; !rc && i < kept; i++) {
		const float *w = m->w + fk[i].i * NER_NT;
		unsigned char codes[2 + 2 * NER_NT];
		unsigned mask = 0;
		size_t nc = 2;
		for (int t = 0; t < NER_NT; t++)
			if (fabsf(w[t]) > prune) {
				mask |= 1u << t;
				uint16_t q = (uint16_t)quantise(w[t], scale);
				codes[nc++] = (unsigned char)q;
				codes[nc++] = (unsigned char)(q >> 8);
			}
		codes[0] = (unsigned char)mask;
		codes[1] = (unsigned char)(mask >> 8);
		rc = put_varint(b, fk[i].key - prev);
		rc = rc ? rc : dft_buf_add(b, codes, nc);
		prev = fk[i].key;
	}
	for (i = 0, prev = 0; !rc && i < ngaz; i++) {
		rc = put_varint(b, gk[i].key - prev);
		rc = rc ? rc : put_varint(b, m->gaz.tab.vals[gk[i].i]);
		prev = gk[i].key;
	}
	rc = rc ? rc : put_u64(b, fnv((const unsigned char *)b->ptr, b->len));
done:
	free(fk);
	free(gk);
	return rc;
}

int ner_model_save(const struct dft_ner *m, const char *path, float prune)
{
	dft_buf b, tmp;
	FILE *f = NULL;
	int rc;

	dft_buf_init(&b, (size_t)1 << 31);
	dft_buf_init(&tmp, 4096);
	if ((rc = model_encode(m, prune, &b)) != 0) {
		rc = dft_error_prefix("NER model %s", path);
		goto done;
	}
	rc = dft_buf_addf(&tmp, "%s.tmp", path);
	if (rc)
		goto done;
	f = fopen(dft_buf_cstr(&tmp), "wb");
	if (!f) {
		rc = dft_error_set(DFT_EIO, "cannot write %s: %s", dft_buf_cstr(&tmp), strerror(errno));
		goto done;
	}
	if (fwrite(b.ptr, 1, b.len, f) != b.len || fclose(f) != 0) {
		f = NULL;
		rc = dft_error_set(DFT_EIO, "cannot write %s: %s", dft_buf_cstr(&tmp), strerror(errno));
		goto done;
	}
	f = NULL;
	if (rename(dft_buf_cstr(&tmp), path) != 0)
		rc = dft_error_set(DFT_EIO, "cannot rename to %s: %s", path, strerror(errno));
done:
	if (f)
		fclose(f);
	dft_buf_dispose(&b);
	dft_buf_dispose(&tmp);
	return rc;
}

void ner_model_free(struct dft_ner *m)
{
	if (!m)
		return;
	free(m->keys);
	free(m->w);
	ner_htab_dispose(&m->ftab);
	ner_gaz_dispose(&m->gaz);
	free(m);
}

/* A bounded reader over the file's bytes: a read past the end sets bad. */
typedef struct model_cursor {
	const unsigned char *p, *end;
	int bad;
} model_cursor;

static uint64_t cur_varint(model_cursor *c)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		unsigned char x;
		if (c->p >= c->end) {
			c->bad = 1;
			return 0;
		}
		x = *c->p++;
		if (shift == 63 && (x & 0x7e)) { /* more than 64 bits */
			c->bad = 1;
			return 0;
		}
		v |= (uint64_t)(x & 0x7f) << shift;
		if (!(x & 0x80))
			return v;
	}
	c->bad = 1;
	return 0;
}

static const unsigned char *cur_take(model_cursor *c, size_t n)
{
	const unsigned char *p = c->p;
	if ((size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	c->p += n;
	return p;
}

#define MODEL_MAX ((size_t)512 << 20)

static int model_decode(struct dft_ner *m, const unsigned char *data, size_t size, const char *path)
{
	model_cursor c = {data + HEADER_BYTES, data + size - 8, 0};
	uint64_t nfeat = get_u64(data + 24), ngaz = get_u64(data + 32), key = 0;
	float scale = get_f32(data + 44);
	size_t i;
	const unsigned char *p = data + 48;

	if (nfeat > ((uint64_t)1 << 26) || ngaz > ((uint64_t)1 << 26) ||
	    get_u32(data + 40) > NER_GAZ_MAXLEN || !isfinite(scale) || scale <= 0 ||
	    nfeat * (1 + 2) > size || ngaz * 2 > size)
		return dft_error_set(DFT_ECORRUPT, "NER model %s: implausible sizes", path);
	memcpy(m->lang, data + 16, 7);
	m->arabic = strcmp(m->lang, "ar") == 0 || strcmp(m->lang, "fa") == 0;
	m->nfeat = (size_t)nfeat;
	m->gaz.maxlen = (int)get_u32(data + 40);
	for (i = 0; i < NER_NT * NER_NT; i++, p += 4)
		m->trans[i] = get_f32(p);
	for (i = 0; i < NER_NT; i++, p += 4)
		m->start[i] = get_f32(p);
	for (i = 0; i < NER_NT * NER_NT; i++)
		if (!isfinite(m->trans[i]) || (i < NER_NT && !isfinite(m->start[i])))
			return dft_error_set(DFT_ECORRUPT, "NER model %s: a weight is not finite", path);
	m->keys = dft_malloc((m->nfeat ? m->nfeat : 1) * sizeof *m->keys);
	m->w = dft_calloc((m->nfeat ? m->nfeat : 1) * NER_NT, sizeof *m->w);
	if (!m->keys || !m->w || ner_htab_init(&m->ftab, m->nfeat) ||
	    ner_htab_init(&m->gaz.tab, (size_t)ngaz))
		return DFT_ENOMEM;
	for (i = 0; i < m->nfeat && !c.bad; i++) {
		uint64_t delta = cur_varint(&c);
		const unsigned char *mk;
		unsigned mask;
		uint32_t *v;
		int added = 0;
		/* keys strictly increase and are never 0 */
		if (c.bad || delta == 0 || key + delta < key || !(mk = cur_take(&c, 2)))
			goto bad_features;
		key += delta;
		mask = (unsigned)mk[0] | ((unsigned)mk[1] << 8);
		if (mask == 0 || mask >> NER_NT)
			goto bad_features;
		for (int t = 0; t < NER_NT; t++)
			if (mask & (1u << t)) {
				const unsigned char *q = cur_take(&c, 2);
				if (!q)
					goto bad_features;
				m->w[i * NER_NT + t] = (float)(int16_t)(q[0] | (q[1] << 8)) * scale;
			}
		m->keys[i] = key;
		if (ner_htab_put(&m->ftab, key, &v, &added) || !added)
			goto bad_features;
		*v = (uint32_t)i;
	}
	if (c.bad)
		goto bad_features;
	for (i = 0, key = 0; i < ngaz; i++) {
		uint64_t delta = cur_varint(&c), val = cur_varint(&c);
		uint32_t *v;
		int added = 0;
		if (c.bad || delta == 0 || key + delta < key || val > UINT32_MAX)
			return dft_error_set(DFT_ECORRUPT, "NER model %s: bad gazetteer", path);
		key += delta;
		if (ner_htab_put(&m->gaz.tab, key, &v, &added) || !added)
			return dft_error_set(DFT_ECORRUPT, "NER model %s: bad gazetteer", path);
		*v = (uint32_t)val;
	}
	if (c.p != c.end)
		return dft_error_set(DFT_ECORRUPT, "NER model %s: %zu bytes after the gazetteer", path,
				     (size_t)(c.end - c.p));
	return 0;
bad_features:
	return dft_error_set(DFT_ECORRUPT, "NER model %s: bad feature table", path);
}

int ner_model_read(struct dft_ner **out, const char *path)
{
	FILE *f = NULL;
	unsigned char *data = NULL;
	struct dft_ner *m = NULL;
	size_t size = 0;
	int rc = 0;
	long sz;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		if (errno == ENOENT)
			return dft_error_set(DFT_ENOTFOUND, "NER model %s: not found", path);
		return dft_error_set(DFT_EIO, "NER model %s: %s", path, strerror(errno));
	}
	if (fseek(f, 0, SEEK_END) != 0 || (sz = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		rc = dft_error_set(DFT_EIO, "NER model %s: cannot read its size", path);
		goto done;
	}
	size = (size_t)sz;
	if (size > MODEL_MAX) {
		rc = dft_error_set(DFT_ECORRUPT, "NER model %s: %zu bytes, more than the limit", path,
				   size);
		goto done;
	}
	if (size < HEADER_BYTES + 8) {
		rc = dft_error_set(DFT_ECORRUPT, "NER model %s: truncated (%zu bytes)", path, size);
		goto done;
	}
	data = dft_malloc(size);
	if (!data) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (fread(data, 1, size, f) != size) {
		rc = dft_error_set(DFT_EIO, "NER model %s: short read", path);
		goto done;
	}
	if (memcmp(data, NER_MAGIC, 8) != 0) {
		rc = dft_error_set(DFT_ECORRUPT, "NER model %s: not a daftar NER model (bad magic)",
				   path);
		goto done;
	}
	if (get_u32(data + 8) != NER_VERSION || get_u32(data + 12) != NER_NT) {
		rc = dft_error_set(DFT_ECORRUPT, "NER model %s: version %u with %u tags, expected %u/%u",
				   path, get_u32(data + 8), get_u32(data + 12), NER_VERSION, NER_NT);
		goto done;
	}
	if (fnv(data, size - 8) != get_u64(data + size - 8)) {
		rc = dft_error_set(DFT_ECORRUPT, "NER model %s: checksum mismatch", path);
		goto done;
	}
	if (!(m = dft_calloc(1, sizeof *m))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if ((rc = model_decode(m, data, size, path)) != 0)
		goto done;
	*out = m;
	m = NULL;
done:
	if (f)
		fclose(f);
	free(data);
	ner_model_free(m);
	return rc;
}
