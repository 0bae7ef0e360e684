/*
 * ix.c - writing daftar's own index (ix.h): documents analysed into an
 * in-memory segment, written as one row a term into ix_terms in the
 * caller's transaction, and the newest segments merged as they pile up
 * (each merge takes a run of consecutive segments, so segments keep
 * covering disjoint, rising ranges of document ids and a term's postings
 * are read by concatenation).
 *
 * Why our own: FTS5 cannot stop early (its rank scores every match), keeps
 * a position for every token including stems and name keys, and has no
 * per-block score bounds; see docs/ARCHITECTURE.md ("search core").
 */
#include "ix_internal.h"
#include "daftar/text.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#define MERGE_FANIN 8 /* merge when this many newest segments are within 4x */

/* ---- growable arrays ---------------------------------------------------- */

typedef struct u32vec {
	uint32_t *v;
	size_t n, cap;
} u32vec;

static int u32_push(u32vec *a, uint32_t x)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4;
		uint32_t *v = realloc(a->v, cap * sizeof *v);
		if (!v)
			return DFT_ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	a->v[a->n++] = x;
	return 0;
}

typedef struct bytevec {
	uint8_t *p;
	size_t n, cap;
} bytevec;

static int bytes_reserve(bytevec *b, size_t more)
{
	if (b->n + more > b->cap) {
		size_t cap = b->cap ? b->cap : 16;
		uint8_t *p;
		while (cap < b->n + more)
			cap *= 2;
		if (!(p = realloc(b->p, cap)))
			return DFT_ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	return 0;
}

static int bytes_varint(bytevec *b, uint64_t v)
{
	if (bytes_reserve(b, 10) < 0)
		return DFT_ENOMEM;
	b->n += ix_put_varint(b->p + b->n, v);
	return 0;
}

static int bytes_add(bytevec *b, const void *p, size_t n)
{
	if (bytes_reserve(b, n) < 0)
		return DFT_ENOMEM;
	memcpy(b->p + b->n, p, n);
	b->n += n;
	return 0;
}

/* ---- the pending segment ------------------------------------------------ */

typedef struct term_entry {
	char *text;
	uint32_t len;
	uint32_t hash;
	int has_pos;
	u32vec docs, tfs, npos; /* one a posting */
	u32vec posoff;          /* where a posting's positions start in pos */
	bytevec pos;            /* position deltas, npos[i] of them a posting */
	uint32_t last_code;     /* last position code of the current doc */
} term_entry;

struct dft_ix_writer {
	term_entry **slots; /* open addressing */
	size_t nslots, nterms;
	uint32_t doc;       /* the document being added */
	int have_doc;
	uint32_t doc_len;   /* positions of the current document */
	int field;          /* the field last added */
	u32vec docs, lens;  /* documents of the segment and their lengths */
	size_t bytes;
	/* every document's norm, read once and kept up to date by this writer
	 * (the one writer of a case's index: the ingest holds the case lock) */
	uint8_t *norms;
	uint32_t norms_cap;
	int norms_loaded;
	dft_buf scratch;    /* a field's analysis (dft_ix_add) */
};

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

int dft_ix_writer_new(dft_ix_writer **out)
{
	dft_ix_writer *w = calloc(1, sizeof *w);
	if (!w)
		return dft_error_set(DFT_ENOMEM, "ix: out of memory");
	w->nslots = 4096;
	dft_buf_init(&w->scratch, SIZE_MAX / 2);
	w->slots = calloc(w->nslots, sizeof *w->slots);
	if (!w->slots) {
		free(w);
		return dft_error_set(DFT_ENOMEM, "ix: out of memory");
	}
	*out = w;
	return 0;
}

static void entry_free(term_entry *e)
{
	free(e->text);
	free(e->docs.v);
	free(e->tfs.v);
	free(e->npos.v);
	free(e->posoff.v);
	free(e->pos.p);
	free(e);
}

static void writer_clear(dft_ix_writer *w)
{
	for (size_t i = 0; i < w->nslots; i++)
		if (w->slots[i]) {
			entry_free(w->slots[i]);
			w->slots[i] = NULL;
		}
	w->nterms = 0;
	w->docs.n = w->lens.n = 0;
	w->have_doc = 0;
	w->bytes = 0;
}

void dft_ix_writer_reset(dft_ix_writer *w)
{
	writer_clear(w);
}

void dft_ix_writer_free(dft_ix_writer *w)
{
	if (!w)
		return;
	writer_clear(w);
	free(w->slots);
	free(w->docs.v);
	free(w->lens.v);
	free(w->norms);
	dft_buf_dispose(&w->scratch);
	free(w);
}

size_t dft_ix_pending_bytes(const dft_ix_writer *w)
{
	return w->bytes;
}

static int grow_slots(dft_ix_writer *w)
{
	size_t n = w->nslots * 2;
	term_entry **s = calloc(n, sizeof *s);
	if (!s)
		return DFT_ENOMEM;
	for (size_t i = 0; i < w->nslots; i++) {
		term_entry *e = w->slots[i];
		size_t j;
		if (!e)
			continue;
		for (j = e->hash & (n - 1); s[j]; j = (j + 1) & (n - 1))
			;
		s[j] = e;
	}
	free(w->slots);
	w->slots = s;
	w->nslots = n;
	return 0;
}

static term_entry *lookup(dft_ix_writer *w, const char *t, size_t n, int create)
{
	uint32_t h = hash_bytes(t, n);
	size_t j;
	term_entry *e;
	if (create && (w->nterms + 1) * 2 > w->nslots && grow_slots(w) < 0)
		return NULL;
	for (j = h & (w->nslots - 1); (e = w->slots[j]); j = (j + 1) & (w->nslots - 1))
		if (e->hash == h && e->len == n && !memcmp(e->text, t, n))
			return e;
	if (!create || !(e = calloc(1, sizeof *e)))
		return NULL;
	if (!(e->text = malloc(n + 1))) {
		free(e);
		return NULL;
	}
	memcpy(e->text, t, n);
	e->text[n] = 0;
	e->len = (uint32_t)n;
	e->hash = h;
	w->slots[j] = e;
	w->nterms++;
	w->bytes += sizeof *e + n + 32;
	return e;
}

/* ---- a field analysed apart from the writer --------------------------------
 *
 * dft_ix_analyse turns a field's text into the bytes dft_ix_add_terms
 * takes, and dft_ix_add is the two in a row, so the index is the same
 * whether the writer analyses a text or an extraction worker did:
 *
 *   varint words            the field's length (tokens not colocated)
 *   then a record a distinct term, in byte order of the terms:
 *     varint len, the term's bytes (UTF-8, no NUL)
 *     varint tf             its occurrences in the field (>= 1)
 *     varint npos           the positions kept (<= tf): only for the forms a
 *                           phrase can ask for (token_has_pos), each once
 *     npos varints          the first position, then rising deltas (>= 1),
 *                           every position below max(words, 1)
 */

#define TERM_BYTES_MAX 65536 /* a term's bytes (the analyzer cuts words at 128) */
#define FIELD_TF_MAX (1u << 29) /* occurrences of a term in a field (tf << 2 fits) */
#define FIELD_WORDS_MAX (1u << 30)

/* Which forms keep positions: those a phrase or a name phrase can ask for
 * (a phrase's word matches a word with clitics through its stripped form,
 * as in FTS5). Stems never appear in phrases, nor do a name's fine keys
 * ("k:=": query.c asks for them beside the phrase of the coarse keys, not
 * in a row), which saves a quarter of the positions. */
static int token_has_pos(int kind, const char *t, size_t n)
{
	return kind != DFT_TOK_STEM && !(kind == DFT_TOK_KEY && n > 2 && t[2] == '=');
}

typedef struct field_term {
	uint32_t off, len, hash;
	uint32_t tf, npos, last_pos;
} field_term;

/* one field's distinct terms while its tokens arrive */
typedef struct field_terms {
	dft_buf text;           /* the terms' bytes */
	field_term *v;
	size_t n, cap;
	uint32_t *slots;        /* index + 1, open addressing */
	size_t nslots;
	u32vec occ_term, occ_pos; /* the positions kept, in token order */
	uint32_t pos, words;
	int first;
} field_terms;

static void field_terms_dispose(field_terms *f)
{
	dft_buf_dispose(&f->text);
	free(f->v);
	free(f->slots);
	free(f->occ_term.v);
	free(f->occ_pos.v);
}

static int field_grow(field_terms *f)
{
	size_t n = f->nslots ? f->nslots * 2 : 1024;
	uint32_t *s = calloc(n, sizeof *s);
	if (!s)
		return DFT_ENOMEM;
	for (size_t i = 0; i < f->n; i++) {
		size_t j = f->v[i].hash & (n - 1);
		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(f->slots);
	f->slots = s;
	f->nslots = n;
	return 0;
}

static int field_token(void *ctx, const dft_token *t)
{
	field_terms *f = ctx;
	uint32_t h = hash_bytes(t->text, t->len);
	field_term *e = NULL;
	size_t j;
	if (!t->colocated) {
		if (!f->first)
			f->pos++;
		f->first = 0;
		f->words++;
	}
	if ((f->n + 1) * 2 > f->nslots && field_grow(f) < 0)
		return dft_error_set(DFT_ENOMEM, "ix: out of memory");
	for (j = h & (f->nslots - 1); f->slots[j]; j = (j + 1) & (f->nslots - 1)) {
		field_term *x = &f->v[f->slots[j] - 1];
		if (x->hash == h && x->len == t->len && !memcmp(f->text.ptr + x->off, t->text, t->len)) {
			e = x;
			break;
		}
	}
	if (!e) {
		if (f->n == f->cap) {
			size_t cap = f->cap ? f->cap * 2 : 256;
			field_term *v = realloc(f->v, cap * sizeof *v);
			if (!v)
				return dft_error_set(DFT_ENOMEM, "ix: out of memory");
			f->v = v;
			f->cap = cap;
		}
		e = &f->v[f->n];
		memset(e, 0, sizeof *e);
		e->off = (uint32_t)f->text.len;
		e->len = (uint32_t)t->len;
		e->hash = h;
		if (dft_buf_add(&f->text, t->text, t->len) < 0)
			return dft_error_set(DFT_ENOMEM, "ix: out of memory");
		f->slots[j] = (uint32_t)++f->n;
	}
	e->tf++;
	/* the same form twice at one position is kept once, as the writer
	 * keeps a position code once */
	if (token_has_pos(t->kind, t->text, t->len) && (!e->npos || f->pos > e->last_pos)) {
		if (u32_push(&f->occ_term, (uint32_t)(e - f->v)) < 0 || u32_push(&f->occ_pos, f->pos) < 0)
			return dft_error_set(DFT_ENOMEM, "ix: out of memory");
		e->npos++;
		e->last_pos = f->pos;
	}
	return 0;
}

static int cmp_field_term(const void *a, const void *b, void *ctx)
{
	const field_terms *f = ctx;
	const field_term *x = &f->v[*(const uint32_t *)a], *y = &f->v[*(const uint32_t *)b];
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(f->text.ptr + x->off, f->text.ptr + y->off, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int add_varint(dft_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	return dft_buf_add(b, tmp, ix_put_varint(tmp, v));
}

int dft_ix_analyse(struct dft_analyzer *an, const char *text, size_t len, dft_buf *out)
{
	field_terms f;
	uint32_t *order = NULL, *start = NULL, *grouped = NULL;
	int rc;
	memset(&f, 0, sizeof f);
	f.first = 1;
	dft_buf_init(&f.text, SIZE_MAX / 2);
	if ((rc = dft_analyze(an, text, len, field_token, &f)) < 0)
		goto out;
	if (f.words > FIELD_WORDS_MAX) {
		rc = dft_error_set(DFT_ELIMIT, "ix: a field of more than %u words", FIELD_WORDS_MAX);
		goto out;
	}
	order = malloc((f.n + 1) * sizeof *order);
	start = malloc((f.n + 1) * sizeof *start);
	grouped = malloc((f.occ_pos.n + 1) * sizeof *grouped);
	if (!order || !start || !grouped) {
		rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
		goto out;
	}
	/* each term's positions together, in token order (so rising) */
	start[0] = 0;
	for (size_t i = 0; i < f.n; i++) {
		start[i + 1] = start[i] + f.v[i].npos;
		f.v[i].npos = 0;
	}
	for (size_t k = 0; k < f.occ_pos.n; k++) {
		field_term *e = &f.v[f.occ_term.v[k]];
		grouped[start[f.occ_term.v[k]] + e->npos++] = f.occ_pos.v[k];
	}
	for (size_t i = 0; i < f.n; i++)
		order[i] = (uint32_t)i;
	dft_sort_r(order, f.n, sizeof *order, cmp_field_term, &f);
	rc = add_varint(out, f.words);
	for (size_t k = 0; k < f.n && rc == 0; k++) {
		const field_term *e = &f.v[order[k]];
		const uint32_t *p = grouped + start[order[k]];
		if (e->len > TERM_BYTES_MAX || e->tf > FIELD_TF_MAX) {
			rc = dft_error_set(DFT_ELIMIT, "ix: a term of %u bytes, %u times in a field", e->len, e->tf);
			break;
		}
		if ((rc = add_varint(out, e->len)) < 0 || (rc = dft_buf_add(out, f.text.ptr + e->off, e->len)) < 0 ||
		    (rc = add_varint(out, e->tf)) < 0 || (rc = add_varint(out, e->npos)) < 0)
			break;
		for (uint32_t i = 0; i < e->npos && rc == 0; i++)
			rc = add_varint(out, i ? p[i] - p[i - 1] : p[0]);
	}
out:
	free(order);
	free(start);
	free(grouped);
	field_terms_dispose(&f);
	return rc;
}

/* A varint of an analysis: 0, or -1 when it is cut short or too long. */
static int take_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; *p < end && shift < 64; shift += 7) {
		uint8_t b = *(*p)++;
		*v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return 0;
	}
	return -1;
}

/* Walk a field's analysis: check it (bounds, order, UTF-8) when `check`,
 * add it to the writer when w is not NULL. */
static int walk_terms(dft_ix_writer *w, int field, const uint8_t *p, size_t n, int check)
{
	const uint8_t *end = p + n, *prev = NULL;
	uint64_t words, prev_len = 0;
	if (take_varint(&p, end, &words) < 0 || words > FIELD_WORDS_MAX)
		return dft_error_set(DFT_EINVAL, "ix: bad analysis: its length");
	if (w) {
		w->doc_len += (uint32_t)words;
		w->lens.v[w->lens.n - 1] = w->doc_len;
	}
	while (p < end) {
		uint64_t len, tf, npos, at = 0;
		const uint8_t *term;
		term_entry *e = NULL;
		size_t last = 0;
		if (take_varint(&p, end, &len) < 0 || len > TERM_BYTES_MAX || (uint64_t)(end - p) < len)
			return dft_error_set(DFT_EINVAL, "ix: bad analysis: a term's length");
		term = p;
		p += len;
		if (check) {
			size_t m = prev_len < len ? (size_t)prev_len : (size_t)len;
			int c = prev ? memcmp(prev, term, m) : -1;
			if (prev && (c > 0 || (c == 0 && prev_len >= len)))
				return dft_error_set(DFT_EINVAL, "ix: bad analysis: terms out of order");
			if (memchr(term, '\0', (size_t)len) || !dft_utf8_valid((const char *)term, (size_t)len))
				return dft_error_set(DFT_EINVAL, "ix: bad analysis: a term is not UTF-8 text");
		}
		prev = term;
		prev_len = len;
		if (take_varint(&p, end, &tf) < 0 || take_varint(&p, end, &npos) < 0 || tf < 1 || tf > FIELD_TF_MAX ||
		    npos > tf)
			return dft_error_set(DFT_EINVAL, "ix: bad analysis: a term's counts");
		if (w) {
			if (!(e = lookup(w, (const char *)term, (size_t)len, 1)))
				return dft_error_set(DFT_ENOMEM, "ix: out of memory");
			if (!e->docs.n || e->docs.v[e->docs.n - 1] != w->doc) {
				if (u32_push(&e->docs, w->doc) < 0 || u32_push(&e->tfs, 0) < 0 ||
				    u32_push(&e->npos, 0) < 0 || u32_push(&e->posoff, (uint32_t)e->pos.n) < 0)
					return dft_error_set(DFT_ENOMEM, "ix: out of memory");
				e->last_code = 0;
				w->bytes += 12;
			}
			last = e->docs.n - 1;
			if (field == DFT_IX_BODY)
				e->tfs.v[last] += 4 * (uint32_t)tf;
			else
				e->tfs.v[last] |= field == DFT_IX_TITLE ? 2 : 1;
		}
		for (uint64_t i = 0; i < npos; i++) {
			uint64_t d;
			if (take_varint(&p, end, &d) < 0 || (i && d == 0) || d >= FIELD_WORDS_MAX ||
			    (at += d) >= (words ? words : 1))
				return dft_error_set(DFT_EINVAL, "ix: bad analysis: a position");
			if (w) {
				uint32_t code = ix_pos_code(field, (uint32_t)at);
				e->has_pos = 1;
				if (e->npos.v[last] && code <= e->last_code)
					continue; /* the same form twice at one position */
				if (bytes_varint(&e->pos, e->npos.v[last] ? code - e->last_code : code) < 0)
					return dft_error_set(DFT_ENOMEM, "ix: out of memory");
				e->npos.v[last]++;
				e->last_code = code;
				w->bytes += 2;
			}
		}
	}
	return 0;
}

int dft_ix_terms_check(const void *p, size_t n)
{
	return walk_terms(NULL, DFT_IX_BODY, p, n, 1);
}

/* the order a document's fields arrive in: body, title, path (their
 * position codes rise in that order: ix_pos_code) */
static int field_rank(int field)
{
	return field == DFT_IX_BODY ? 0 : field == DFT_IX_TITLE ? 1 : field == DFT_IX_PATH ? 2 : -1;
}

static int add_terms(dft_ix_writer *w, uint32_t doc, int field, const void *p, size_t n, int check)
{
	if (field < DFT_IX_TITLE || field > DFT_IX_BODY)
		return dft_error_set(DFT_EINVAL, "ix: no field %d", field);
	if (!w->have_doc || doc != w->doc) {
		if (u32_push(&w->docs, doc) < 0 || u32_push(&w->lens, 0) < 0)
			return dft_error_set(DFT_ENOMEM, "ix: out of memory");
		w->doc = doc;
		w->have_doc = 1;
		w->field = -1;
		w->doc_len = 0;
	} else if (field_rank(field) <= field_rank(w->field)) {
		return dft_error_set(DFT_EINVAL, "ix: document %u: fields out of order", doc);
	}
	w->field = field;
	return walk_terms(w, field, p, n, check);
}

int dft_ix_add_terms(dft_ix_writer *w, uint32_t doc, int field, const void *p, size_t n)
{
	int rc;
	/* checked whole before the first change to the segment */
	if ((rc = dft_ix_terms_check(p, n)) < 0)
		return rc;
	return add_terms(w, doc, field, p, n, 0);
}

int dft_ix_add(dft_ix_writer *w, uint32_t doc, int field, struct dft_analyzer *an, const char *text,
	       size_t len)
{
	int rc;
	dft_buf_reset(&w->scratch);
	if ((rc = dft_ix_analyse(an, text, len, &w->scratch)) < 0)
		return rc;
	return add_terms(w, doc, field, w->scratch.ptr, w->scratch.len, 0);
}

/* ---- sorting a term's postings by document ---------------------------------- */

typedef struct sort_item {
	uint32_t doc, i;
} sort_item;

static int cmp_item(const void *a, const void *b)
{
	const sort_item *x = a, *y = b;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Put the postings in document order (they arrive in the order documents
 * were extracted, and a merge joins segments whose ranges may overlap); a
 * document met twice keeps its first posting. */
static int sort_postings(u32vec *docs, u32vec *tfs, u32vec *npos, u32vec *posoff, bytevec *pos)
{
	size_t n = docs->n, m = 0;
	sort_item *it;
	uint32_t *d2, *t2, *n2, *o2;
	bytevec p2 = {0};
	int sorted = 1;
	for (size_t i = 1; i < n && sorted; i++)
		sorted = docs->v[i - 1] < docs->v[i];
	if (sorted)
		return 0;
	it = malloc(n * sizeof *it);
	d2 = malloc(n * sizeof *d2);
	t2 = malloc(n * sizeof *t2);
	n2 = malloc(n * sizeof *n2);
	o2 = malloc(n * sizeof *o2);
	if (!it || !d2 || !t2 || !n2 || !o2 || bytes_reserve(&p2, pos->n + 1) < 0) {
		free(it), free(d2), free(t2), free(n2), free(o2), free(p2.p);
		return DFT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		it[i].doc = docs->v[i];
		it[i].i = (uint32_t)i;
	}
	dft_sort(it, n, sizeof *it, cmp_item);
	for (size_t k = 0; k < n; k++) {
		uint32_t i = it[k].i;
		size_t end = i + 1 < n ? posoff->v[i + 1] : pos->n;
		if (m && d2[m - 1] == it[k].doc)
			continue;
		d2[m] = docs->v[i];
		t2[m] = tfs->v[i];
		n2[m] = npos->v[i];
		o2[m] = (uint32_t)p2.n;
		if (end > posoff->v[i])
			memcpy(p2.p + p2.n, pos->p + posoff->v[i], end - posoff->v[i]);
		p2.n += end - posoff->v[i];
		m++;
	}
	free(it);
	free(docs->v), free(tfs->v), free(npos->v), free(posoff->v), free(pos->p);
	docs->v = d2, tfs->v = t2, npos->v = n2, posoff->v = o2;
	docs->n = tfs->n = npos->n = posoff->n = m;
	docs->cap = tfs->cap = npos->cap = posoff->cap = n;
	*pos = p2;
	return 0;
}

/* ---- encoding a term's postings ------------------------------------------- */

/* One term's postings, decoded: what the writer and a merge both encode. */
typedef struct postings {
	const uint32_t *docs, *tfs, *npos;
	size_t n;
	const uint8_t *pos; /* npos[i] varints a posting */
	size_t pos_len;
	int has_pos;
} postings;

static int encode_postings(const postings *p, const uint8_t *norms, uint32_t norms_cap, bytevec *post,
			   bytevec *pos)
{
	bytevec data = {0}, headers = {0};
	const uint8_t *pp = p->pos, *pend = p->pos + p->pos_len;
	size_t i = 0, nblocks = (p->n + IX_BLOCK - 1) / IX_BLOCK;
	uint32_t prev = 0;
	int rc = 0;
	post->n = pos->n = 0;
	for (size_t b = 0; b < nblocks && rc == 0; b++) {
		size_t end = i + IX_BLOCK < p->n ? i + IX_BLOCK : p->n, start_bytes = data.n;
		uint32_t max_tf = 0, pos_offset = (uint32_t)pos->n;
		uint8_t flags = 0, min_norm = 255;
		for (; i < end && rc == 0; i++) {
			uint32_t d = p->docs[i], tf = p->tfs[i];
			uint8_t nm = d < norms_cap ? norms[d] : 0;
			if ((rc = bytes_reserve(&data, 15)) == 0)
				data.n += ix_put_posting(data.p + data.n, d - prev, tf);
			prev = d;
			if (tf >> 2 > max_tf)
				max_tf = tf >> 2;
			flags |= (uint8_t)(tf & 3);
			if (nm < min_norm)
				min_norm = nm;
			if (p->has_pos && rc == 0) { /* deltas from 0: the first is the position */
				const uint8_t *s = pp;
				uint32_t first = p->npos[i] ? (uint32_t)ix_get_varint(&pp, pend) : 0;
				for (uint32_t k = 1; k < p->npos[i]; k++)
					(void)ix_get_varint(&pp, pend);
				if ((rc = bytes_reserve(pos, 10)) == 0)
					pos->n += ix_put_pos_head(pos->p + pos->n, p->npos[i], first);
				if (rc == 0 && p->npos[i] != 1) /* else the head holds it */
					rc = bytes_add(pos, s, (size_t)(pp - s));
			}
		}
		if (rc == 0)
			rc = bytes_varint(&headers, prev);
		if (rc == 0)
			rc = bytes_varint(&headers, data.n - start_bytes);
		if (rc == 0)
			rc = bytes_varint(&headers, max_tf);
		if (rc == 0) {
			uint8_t two[2] = {flags, min_norm};
			rc = bytes_add(&headers, two, 2);
		}
		if (rc == 0)
			rc = bytes_varint(&headers, pos_offset);
	}
	if (rc == 0)
		rc = bytes_add(post, "\0\2", 2); /* format 2 */
	if (rc == 0)
		rc = bytes_varint(post, p->n);
	if (rc == 0)
		rc = bytes_varint(post, nblocks);
	if (rc == 0)
		rc = bytes_add(post, headers.p, headers.n);
	if (rc == 0)
		rc = bytes_add(post, data.p, data.n);
	free(data.p);
	free(headers.p);
	return rc < 0 ? dft_error_set(DFT_ENOMEM, "ix: out of memory") : 0;
}

/* ---- tables ---------------------------------------------------------------- */

int dft_ix_schema(sqlite3 *db)
{
	const char *sql =
		/* a rowid table: rows up to 4 KB stay in their leaf page (a WITHOUT
		 * ROWID table spills rows past 1 KB into overflow pages, which
		 * left 22 MB of 88 unused on the bench corpus); a segment's rows
		 * are inserted together, in term order, so its rows are the
		 * range lo_row..hi_row of ix_segs */
		"CREATE TABLE IF NOT EXISTS ix_terms(id INTEGER PRIMARY KEY, term TEXT NOT NULL, seg INTEGER NOT NULL,"
		"  df INTEGER NOT NULL, post BLOB NOT NULL, pos BLOB);"
		"CREATE UNIQUE INDEX IF NOT EXISTS ix_terms_term ON ix_terms(term, seg);"
		"CREATE TABLE IF NOT EXISTS ix_segs(seg INTEGER PRIMARY KEY, mindoc INTEGER NOT NULL,"
		"  maxdoc INTEGER NOT NULL, ndocs INTEGER NOT NULL, bytes INTEGER NOT NULL, lo_row INTEGER, hi_row INTEGER);"
		"CREATE TABLE IF NOT EXISTS ix_norms(chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);"
		"CREATE TABLE IF NOT EXISTS ix_stats(key TEXT PRIMARY KEY, value INTEGER NOT NULL);";
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dft_error_set(DFT_EIO, "ix: schema: %s", sqlite3_errmsg(db));
	return 0;
}

static int sql_fail(sqlite3 *db, const char *what)
{
	return dft_error_set(DFT_EIO, "ix: %s: %s", what, sqlite3_errmsg(db));
}

int ix_load_norms(sqlite3 *db, uint8_t **norms, uint32_t *cap)
{
	sqlite3_stmt *s = NULL;
	uint8_t *n = NULL;
	uint32_t c = 0;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "SELECT chunk, data FROM ix_norms ORDER BY chunk", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "norms");
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t chunk = sqlite3_column_int64(s, 0);
		int len = sqlite3_column_bytes(s, 1);
		const void *data = sqlite3_column_blob(s, 1);
		uint32_t need;
		if (chunk < 0 || chunk > 65535 || len != IX_NORM_CHUNK) {
			rc = dft_error_set(DFT_ECORRUPT, "ix: norms chunk %lld is malformed", (long long)chunk);
			goto out;
		}
		need = (uint32_t)(chunk + 1) * IX_NORM_CHUNK;
		if (need > c) {
			uint8_t *m = realloc(n, need);
			if (!m) {
				rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
				goto out;
			}
			memset(m + c, 0, need - c);
			n = m;
			c = need;
		}
		memcpy(n + (uint32_t)chunk * IX_NORM_CHUNK, data, IX_NORM_CHUNK);
	}
	rc = rc == SQLITE_DONE ? 0 : sql_fail(db, "norms");
out:
	sqlite3_finalize(s);
	if (rc < 0) {
		free(n);
		return rc;
	}
	*norms = n;
	*cap = c;
	return 0;
}

/* Write the norms of the pending documents (read-modify-write of chunks). */
static int store_norms(sqlite3 *db, const dft_ix_writer *w, uint8_t **norms, uint32_t *cap)
{
	sqlite3_stmt *s = NULL;
	int rc;
	int64_t last_chunk = -1;
	if (w->docs.n == 0)
		return 0;
	{
		uint32_t need = (w->docs.v[w->docs.n - 1] / IX_NORM_CHUNK + 1) * IX_NORM_CHUNK;
		if (need > *cap) {
			uint8_t *m = realloc(*norms, need);
			if (!m)
				return dft_error_set(DFT_ENOMEM, "ix: out of memory");
			memset(m + *cap, 0, need - *cap);
			*norms = m;
			*cap = need;
		}
	}
	for (size_t i = 0; i < w->docs.n; i++)
		(*norms)[w->docs.v[i]] = ix_norm_encode(w->lens.v[i]);
	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO ix_norms(chunk, data) VALUES(?1, ?2)", -1, &s, NULL) !=
	    SQLITE_OK)
		return sql_fail(db, "norms");
	rc = 0;
	for (size_t i = 0; i < w->docs.n && rc == 0; i++) {
		int64_t chunk = w->docs.v[i] / IX_NORM_CHUNK;
		if (chunk == last_chunk)
			continue;
		last_chunk = chunk;
		sqlite3_bind_int64(s, 1, chunk);
		sqlite3_bind_blob(s, 2, *norms + chunk * IX_NORM_CHUNK, IX_NORM_CHUNK, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			rc = sql_fail(db, "norms");
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	return rc;
}

static int add_stat(sqlite3 *db, const char *key, int64_t delta)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO ix_stats(key, value) VALUES(?1, ?2) "
			       "ON CONFLICT(key) DO UPDATE SET value = value + excluded.value",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "stats");
	sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, delta);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sql_fail(db, "stats");
	sqlite3_finalize(s);
	return rc;
}

static int cmp_entry(const void *a, const void *b)
{
	const term_entry *x = *(term_entry *const *)a, *y = *(term_entry *const *)b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->text, y->text, n);
	return c ? c : (x->len > y->len) - (x->len < y->len);
}

static int next_seg(sqlite3 *db, int64_t *seg)
{
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT coalesce(max(seg), 0) + 1 FROM ix_segs", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "segments");
	if (sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		return sql_fail(db, "segments");
	}
	*seg = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return 0;
}

/* rows: the first and last row written (0: none yet) */
static int insert_term(sqlite3_stmt *ins, const char *term, size_t len, int64_t seg, size_t df,
		       const bytevec *post, const bytevec *pos, int has_pos, int64_t *bytes, int64_t rows[2])
{
	sqlite3_bind_text(ins, 1, term, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(ins, 2, seg);
	sqlite3_bind_int64(ins, 3, (int64_t)df);
	sqlite3_bind_blob(ins, 4, post->p, (int)post->n, SQLITE_STATIC);
	if (has_pos)
		sqlite3_bind_blob(ins, 5, pos->p ? (const void *)pos->p : "", (int)pos->n, SQLITE_STATIC);
	else
		sqlite3_bind_null(ins, 5);
	*bytes += (int64_t)(post->n + pos->n + len);
	if (sqlite3_step(ins) != SQLITE_DONE)
		return DFT_EIO;
	rows[1] = sqlite3_last_insert_rowid(sqlite3_db_handle(ins));
	if (!rows[0])
		rows[0] = rows[1];
	sqlite3_reset(ins);
	return 0;
}

static int insert_seg(sqlite3 *db, int64_t seg, uint32_t mindoc, uint32_t maxdoc, int64_t ndocs,
		      int64_t bytes, const int64_t rows[2])
{
	sqlite3_stmt *s = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "INSERT INTO ix_segs(seg, mindoc, maxdoc, ndocs, bytes, lo_row, hi_row) "
				   "VALUES(?1,?2,?3,?4,?5,?6,?7)",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "segments");
	if (rows[0]) {
		sqlite3_bind_int64(s, 6, rows[0]);
		sqlite3_bind_int64(s, 7, rows[1]);
	}
	sqlite3_bind_int64(s, 1, seg);
	sqlite3_bind_int64(s, 2, mindoc);
	sqlite3_bind_int64(s, 3, maxdoc);
	sqlite3_bind_int64(s, 4, ndocs);
	sqlite3_bind_int64(s, 5, bytes);
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = sql_fail(db, "segments");
	sqlite3_finalize(s);
	return rc;
}

static int merge_newest(sqlite3 *db, int all, uint8_t *norms, uint32_t cap);

int dft_ix_flush(dft_ix_writer *w, sqlite3 *db)
{
	term_entry **sorted = NULL;
	sqlite3_stmt *ins = NULL;
	bytevec post = {0}, pos = {0};
	int64_t seg, bytes = 0, total_len = 0, rows[2] = {0, 0};
	size_t n = 0;
	int rc;
	if (w->docs.n == 0)
		return 0;
	if ((rc = dft_ix_schema(db)) < 0)
		return rc;
	if (!w->norms_loaded) {
		if ((rc = ix_load_norms(db, &w->norms, &w->norms_cap)) < 0)
			return rc;
		w->norms_loaded = 1;
	}
	if ((rc = store_norms(db, w, &w->norms, &w->norms_cap)) < 0 || (rc = next_seg(db, &seg)) < 0)
		goto out;
	if (!(sorted = malloc((w->nterms + 1) * sizeof *sorted))) {
		rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
		goto out;
	}
	for (size_t i = 0; i < w->nslots; i++)
		if (w->slots[i])
			sorted[n++] = w->slots[i];
	dft_sort(sorted, n, sizeof *sorted, cmp_entry);
	if (sqlite3_prepare_v2(db, "INSERT INTO ix_terms(term, seg, df, post, pos) VALUES(?1,?2,?3,?4,?5)", -1, &ins,
			       NULL) != SQLITE_OK) {
		rc = sql_fail(db, "terms");
		goto out;
	}
	for (size_t i = 0; i < n && rc == 0; i++) {
		term_entry *e = sorted[i];
		postings p;
		if (sort_postings(&e->docs, &e->tfs, &e->npos, &e->posoff, &e->pos) < 0) {
			rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
			break;
		}
		p = (postings) {e->docs.v, e->tfs.v, e->npos.v, e->docs.n, e->pos.p, e->pos.n, e->has_pos};
		if ((rc = encode_postings(&p, w->norms, w->norms_cap, &post, &pos)) == 0 &&
		    insert_term(ins, e->text, e->len, seg, e->docs.n, &post, &pos, e->has_pos, &bytes, rows) < 0)
			rc = sql_fail(db, "terms");
	}
	for (size_t i = 0; i < w->lens.n; i++)
		total_len += w->lens.v[i];
	if (rc == 0) {
		uint32_t lo = UINT32_MAX, hi = 0;
		for (size_t i = 0; i < w->docs.n; i++) {
			lo = w->docs.v[i] < lo ? w->docs.v[i] : lo;
			hi = w->docs.v[i] > hi ? w->docs.v[i] : hi;
		}
		rc = insert_seg(db, seg, lo, hi, (int64_t)w->docs.n, bytes, rows);
	}
	if (rc == 0)
		rc = add_stat(db, "docs", (int64_t)w->docs.n);
	if (rc == 0)
		rc = add_stat(db, "length", total_len);
	if (rc == 0)
		rc = merge_newest(db, 0, w->norms, w->norms_cap);
	if (rc == 0)
		writer_clear(w);
out:
	sqlite3_finalize(ins);
	free(sorted);
	free(post.p);
	free(pos.p);
	return rc;
}

/* ---- merging ---------------------------------------------------------------- */

/* Append one stored row's postings (of a later segment) to a decoded list. */
static int append_row(const uint8_t *blob, size_t len, const uint8_t *posblob, size_t poslen, u32vec *docs,
		      u32vec *tfs, u32vec *npos, u32vec *posoff, bytevec *pos)
{
	const uint8_t *p, *end = blob + len, *pp = posblob, *pend = posblob ? posblob + poslen : NULL;
	uint32_t df, nb, prev = 0;
	int format;
	p = blob;
	format = ix_post_format(&p, end);
	p = format ? ix_parse_headers(p, end, &df, &nb, NULL, UINT32_MAX) : NULL;
	if (!p)
		return DFT_ECORRUPT;
	for (uint32_t i = 0; i < df; i++) {
		uint32_t delta, tf, d;
		ix_get_posting(&p, end, format, &delta, &tf);
		d = prev + delta;
		prev = d;
		if (u32_push(docs, d) < 0 || u32_push(tfs, tf) < 0 || u32_push(posoff, (uint32_t)pos->n) < 0)
			return DFT_ENOMEM;
		if (posblob) { /* kept as deltas, the count apart */
			uint32_t first;
			int have_first;
			uint32_t k = ix_get_pos_head(&pp, pend, format, &first, &have_first);
			const uint8_t *s = pp;
			if (u32_push(npos, k) < 0)
				return DFT_ENOMEM;
			if (have_first) {
				if (bytes_varint(pos, first) < 0)
					return DFT_ENOMEM;
			} else {
				for (uint32_t j = 0; j < k; j++)
					(void)ix_get_varint(&pp, pend);
				if (bytes_add(pos, s, (size_t)(pp - s)) < 0)
					return DFT_ENOMEM;
			}
		} else if (u32_push(npos, 0) < 0) {
			return DFT_ENOMEM;
		}
	}
	return 0;
}

/* Merge the segments from..to (consecutive) into one new segment: one
 * cursor a segment over its rowid range (a segment's rows are in term
 * order), the smallest term taken from them all, so nothing is sorted and
 * one term's postings are in memory at a time (an ORDER BY over the rows
 * sorted every blob of the segments, in memory when temp_store is). */
static int merge_range(sqlite3 *db, int64_t from, int64_t to, const uint8_t *norms, uint32_t cap)
{
	sqlite3_stmt *ins = NULL, *st = NULL, **cur = NULL;
	int *live = NULL;
	u32vec docs = {0}, tfs = {0}, npos = {0}, posoff = {0};
	bytevec pos = {0}, post = {0}, opos = {0};
	char *term = NULL;
	int has_pos = 0, rc = 0, ncur = 0;
	int64_t seg, bytes = 0, mindoc = 0, maxdoc = 0, ndocs = 0, lo_row = 0, hi_row = -1, rows[2] = {0, 0};
	if ((rc = next_seg(db, &seg)) < 0)
		return rc;
	if (sqlite3_prepare_v2(db,
			       "SELECT min(mindoc), max(maxdoc), sum(ndocs), min(lo_row), max(hi_row) FROM ix_segs "
			       "WHERE seg BETWEEN ?1 AND ?2",
			       -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO ix_terms(term, seg, df, post, pos) VALUES(?1,?2,?3,?4,?5)", -1, &ins,
			       NULL) != SQLITE_OK) {
		rc = sql_fail(db, "merge");
		goto out;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	if (sqlite3_step(st) == SQLITE_ROW) {
		mindoc = sqlite3_column_int64(st, 0);
		maxdoc = sqlite3_column_int64(st, 1);
		ndocs = sqlite3_column_int64(st, 2);
		if (sqlite3_column_type(st, 3) != SQLITE_NULL) {
			lo_row = sqlite3_column_int64(st, 3);
			hi_row = sqlite3_column_int64(st, 4);
		}
	}
	sqlite3_finalize(st);
	st = NULL;
	/* a cursor a segment */
	if (sqlite3_prepare_v2(db, "SELECT lo_row, hi_row FROM ix_segs WHERE seg BETWEEN ?1 AND ?2 AND lo_row IS NOT NULL ORDER BY seg",
			       -1, &st, NULL) != SQLITE_OK) {
		rc = sql_fail(db, "merge");
		goto out;
	}
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while (sqlite3_step(st) == SQLITE_ROW) {
		sqlite3_stmt **c = realloc(cur, (size_t)(ncur + 1) * sizeof *c);
		int *l = realloc(live, (size_t)(ncur + 1) * sizeof *l);
		if (c)
			cur = c;
		if (l)
			live = l;
		if (!c || !l) {
			rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
			goto out;
		}
		cur[ncur] = NULL;
		if (sqlite3_prepare_v2(db, "SELECT term, post, pos FROM ix_terms WHERE id BETWEEN ?1 AND ?2 ORDER BY id", -1,
				       &cur[ncur], NULL) != SQLITE_OK) {
			ncur++;
			rc = sql_fail(db, "merge");
			goto out;
		}
		sqlite3_bind_int64(cur[ncur], 1, sqlite3_column_int64(st, 0));
		sqlite3_bind_int64(cur[ncur], 2, sqlite3_column_int64(st, 1));
		live[ncur] = sqlite3_step(cur[ncur]) == SQLITE_ROW;
		ncur++;
	}
	for (;;) {
		const char *t = NULL;
		postings p;
		/* the smallest term of the cursors; earlier segments first */
		for (int i = 0; i < ncur; i++)
			if (live[i]) {
				const char *x = (const char *)sqlite3_column_text(cur[i], 0);
				if (x && (!t || strcmp(x, t) < 0))
					t = x;
			}
		if (!t)
			break;
		if (!(term = strdup(t))) {
			rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
			goto out;
		}
		for (int i = 0; i < ncur; i++) {
			const char *x;
			if (!live[i] || !(x = (const char *)sqlite3_column_text(cur[i], 0)) || strcmp(x, term))
				continue;
			has_pos |= sqlite3_column_type(cur[i], 2) != SQLITE_NULL;
			rc = append_row(sqlite3_column_blob(cur[i], 1), (size_t)sqlite3_column_bytes(cur[i], 1),
					sqlite3_column_type(cur[i], 2) != SQLITE_NULL ? sqlite3_column_blob(cur[i], 2) : NULL,
					(size_t)sqlite3_column_bytes(cur[i], 2), &docs, &tfs, &npos, &posoff, &pos);
			if (rc == DFT_ECORRUPT) {
				rc = dft_error_set(DFT_ECORRUPT, "ix: term %s: malformed postings", term);
				goto out;
			} else if (rc < 0) {
				rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
				goto out;
			}
			live[i] = sqlite3_step(cur[i]) == SQLITE_ROW;
		}
		if (sort_postings(&docs, &tfs, &npos, &posoff, &pos) < 0) {
			rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
			goto out;
		}
		p = (postings){docs.v, tfs.v, npos.v, docs.n, pos.p, pos.n, has_pos};
		if ((rc = encode_postings(&p, norms, cap, &post, &opos)) < 0)
			goto out;
		if (insert_term(ins, term, strlen(term), seg, docs.n, &post, &opos, has_pos, &bytes, rows) < 0) {
			rc = sql_fail(db, "merge");
			goto out;
		}
		free(term);
		term = NULL;
		docs.n = tfs.n = npos.n = posoff.n = 0;
		pos.n = 0;
		has_pos = 0;
	}
	for (int i = 0; i < ncur; i++) {
		sqlite3_finalize(cur[i]);
		cur[i] = NULL;
	}
	{
		char sql[256];
		snprintf(sql, sizeof sql,
			 "DELETE FROM ix_terms WHERE id BETWEEN %lld AND %lld; DELETE FROM ix_segs WHERE seg BETWEEN %lld AND %lld",
			 (long long)lo_row, (long long)hi_row, (long long)from, (long long)to);
		if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
			rc = sql_fail(db, "merge");
			goto out;
		}
	}
	rc = insert_seg(db, seg, (uint32_t)mindoc, (uint32_t)maxdoc, ndocs, bytes, rows);
out:
	for (int i = 0; i < ncur; i++)
		sqlite3_finalize(cur[i]);
	free(cur);
	free(live);
	sqlite3_finalize(ins);
	sqlite3_finalize(st);
	free(term);
	free(docs.v);
	free(tfs.v);
	free(npos.v);
	free(posoff.v);
	free(pos.p);
	free(post.p);
	free(opos.p);
	return rc;
}

/* Tiered merging: take the newest segments while each older one is no
 * more than 4 times the sum taken so far; merge them when there are
 * MERGE_FANIN of them (all of them when `all`). */
static int merge_newest(sqlite3 *db, int all, uint8_t *norms, uint32_t cap)
{
	for (;;) {
		sqlite3_stmt *s = NULL;
		int64_t first = 0, last = 0, sum = 0, count = 0;
		int rc;
		if (sqlite3_prepare_v2(db, "SELECT seg, bytes FROM ix_segs ORDER BY seg DESC", -1, &s, NULL) != SQLITE_OK)
			return sql_fail(db, "segments");
		while (sqlite3_step(s) == SQLITE_ROW) {
			int64_t seg = sqlite3_column_int64(s, 0), b = sqlite3_column_int64(s, 1);
			if (count && !all && b > 4 * sum)
				break;
			if (!count)
				last = seg;
			first = seg;
			sum += b;
			count++;
		}
		sqlite3_finalize(s);
		if (count < 2 || (!all && count < MERGE_FANIN))
			return 0;
		if ((rc = merge_range(db, first, last, norms, cap)) < 0)
			return rc;
		if (all)
			return 0;
	}
}

int dft_ix_optimize(sqlite3 *db)
{
	uint8_t *norms = NULL;
	uint32_t cap = 0;
	int rc = dft_ix_schema(db);
	if (rc == 0 && (rc = ix_load_norms(db, &norms, &cap)) == 0)
		rc = merge_newest(db, 1, norms, cap);
	free(norms);
	return rc;
}

int dft_ix_size(sqlite3 *db, int64_t *post, int64_t *pos, int64_t *terms)
{
	sqlite3_stmt *s = NULL;
	int rc = 0;
	if (sqlite3_prepare_v2(db, "SELECT sum(length(post)), sum(coalesce(length(pos), 0)), sum(length(term)) FROM ix_terms",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "size");
	if (sqlite3_step(s) == SQLITE_ROW) {
		*post = sqlite3_column_int64(s, 0);
		*pos = sqlite3_column_int64(s, 1);
		*terms = sqlite3_column_int64(s, 2);
	} else {
		rc = sql_fail(db, "size");
	}
	sqlite3_finalize(s);
	return rc;
}

/* ---- checking (daftar verify) ------------------------------------------------ */

/* One row's postings and positions, decoded from end to end: NULL when
 * they hold together, else what is wrong (a static string). */
static const char *check_row(const uint8_t *blob, size_t len, const uint8_t *pos, size_t poslen, int64_t df,
			     int64_t mindoc, int64_t maxdoc)
{
	const uint8_t *p, *end = blob + len, *pp = pos, *pend = pos ? pos + poslen : NULL;
	uint32_t bdf, nb, prev = 0, n = 0;
	int format;
	ix_block_header *h;
	if (!blob || !len || !(h = malloc(((size_t)len + 1) * sizeof *h)))
		return !blob || !len ? "no postings" : "out of memory";
	p = blob;
	format = ix_post_format(&p, end);
	p = format ? ix_parse_headers(p, end, &bdf, &nb, h, (uint32_t)len) : NULL;
	if (!p || bdf != df || nb == 0 || nb > bdf || nb != (bdf + IX_BLOCK - 1) / IX_BLOCK) {
		free(h);
		return "its block headers do not parse or disagree with its document count";
	}
	for (uint32_t b = 0; b < nb; b++) {
		const uint8_t *bend = p + h[b].data_bytes;
		uint32_t max_tf = 0, cnt = b + 1 < nb ? IX_BLOCK : bdf - b * IX_BLOCK;
		if (h[b].data_bytes > (size_t)(end - p) || (pos && h[b].pos_offset != (size_t)(pp - pos))) {
			free(h);
			return "a block runs past its blob";
		}
		for (uint32_t i = 0; i < cnt; i++, n++) {
			uint32_t delta, tf;
			if (p >= bend) {
				free(h);
				return "a block ends before its documents";
			}
			ix_get_posting(&p, bend, format, &delta, &tf);
			if ((n && delta == 0) || (uint64_t)prev + delta > UINT32_MAX || tf == 0 || p > bend) {
				free(h);
				return "its documents are not in rising order or a count is zero";
			}
			prev += delta;
			if (prev < mindoc || prev > maxdoc) {
				free(h);
				return "a document lies outside its segment's range";
			}
			if (tf >> 2 > max_tf)
				max_tf = tf >> 2;
			if (pos) { /* a head (a byte even without positions), then rising deltas */
				uint32_t k, first;
				int have_first;
				if (pp >= pend) {
					free(h);
					return "its positions end before its documents";
				}
				k = ix_get_pos_head(&pp, pend, format, &first, &have_first);
				for (uint32_t j = have_first; j < k; j++) {
					int whole = pp < pend;
					uint32_t d = (uint32_t)ix_get_varint(&pp, pend);
					if (!whole || (j && d == 0)) {
						free(h);
						return "its positions run past their blob or do not rise";
					}
				}
			}
		}
		if (p != bend || prev != h[b].last_doc || max_tf > h[b].max_tf) {
			free(h);
			return "a block's header disagrees with its documents (last document or largest count)";
		}
	}
	free(h);
	if (p != end || (pos && pp != pend))
		return "bytes are left over after its last document";
	return NULL;
}

int dft_ix_check(sqlite3 *db, int (*problem)(void *ctx, const char *detail), void *ctx, int64_t *rows)
{
	sqlite3_stmt *s = NULL;
	char detail[512];
	int rc = 0, step;
	int64_t docs = -1, segdocs = -1, stored = -1;
	*rows = 0;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE name = 'ix_terms'", -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "check");
	step = sqlite3_step(s);
	sqlite3_finalize(s);
	if (step != SQLITE_ROW)
		return 0; /* a case from before the index (schema 9): nothing to check */
	/* every row, with its segment's range */
	if (sqlite3_prepare_v2(db,
			       "SELECT t.term, t.seg, t.df, t.post, t.pos, s.mindoc, s.maxdoc FROM ix_terms t "
			       "LEFT JOIN ix_segs s ON s.seg = t.seg",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "check");
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		const char *why;
		(*rows)++;
		if (sqlite3_column_type(s, 5) == SQLITE_NULL)
			why = "its segment is not in ix_segs";
		else
			why = check_row(sqlite3_column_blob(s, 3), (size_t)sqlite3_column_bytes(s, 3),
					sqlite3_column_blob(s, 4), (size_t)sqlite3_column_bytes(s, 4),
					sqlite3_column_int64(s, 2), sqlite3_column_int64(s, 5), sqlite3_column_int64(s, 6));
		if (why) {
			snprintf(detail, sizeof detail, "index: term \"%.100s\" of segment %lld: %s",
				 (const char *)sqlite3_column_text(s, 0), (long long)sqlite3_column_int64(s, 1), why);
			rc = problem(ctx, detail);
		}
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = sql_fail(db, "check");
	sqlite3_finalize(s);
	if (rc != 0)
		return rc;
	/* every stored document indexed once: one statement, one snapshot */
	if (sqlite3_prepare_v2(db,
			       "SELECT (SELECT value FROM ix_stats WHERE key = 'docs'), (SELECT sum(ndocs) FROM ix_segs), "
			       "(SELECT count(*) FROM documents WHERE status != 'pending')",
			       -1, &s, NULL) != SQLITE_OK)
		return sql_fail(db, "check");
	if (sqlite3_step(s) == SQLITE_ROW) {
		docs = sqlite3_column_int64(s, 0);
		segdocs = sqlite3_column_int64(s, 1);
		stored = sqlite3_column_int64(s, 2);
	}
	sqlite3_finalize(s);
	if (docs != segdocs || docs != stored) {
		snprintf(detail, sizeof detail,
			 "index: it holds %lld documents (its segments %lld), the case stores %lld", (long long)docs,
			 (long long)segdocs, (long long)stored);
		rc = problem(ctx, detail);
	}
	return rc;
}
