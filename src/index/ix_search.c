/*
 * ix_search.c - reading daftar's own index (ix.h): the FTS5 expression of
 * a compiled query parsed into a tree of postings cursors, evaluated
 * document at a time, the best k kept in a heap.
 *
 * Pruning, so the first page does not cost every match:
 *  - one word (or one group of its forms): blocks whose score bound (the
 *    largest frequency and the shortest document in the block) cannot
 *    beat the k-th best so far are skipped without being decoded;
 *  - OR of several: MaxScore (Turtle & Flood 1995): the cursors whose
 *    bounds together cannot lift a document into the top k only confirm
 *    documents the others found;
 *  - AND: leapfrog on the rarest cursor.
 * An exact count of the matches is a second pass that decodes doc ids
 * only, and only when asked.
 *
 * Scoring: BM25 over the body, a title or path occurrence counting as
 * w_title / w_path body occurrences (a simple BM25F); the forms of one word
 * (as written, without clitics, stem) are one "synonym" term: their
 * frequencies add up and their most common member's document frequency
 * gives the idf (Lucene's SynonymQuery), so a word is not counted three
 * times.
 */
#include "ix_internal.h"
#include "daftar/text.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>

#define MAX_NODES 4096
#define MAX_PREFIX_TERMS 2048
#define MAX_DEPTH 64

enum node_type { N_TERM, N_SYN, N_PHRASE, N_NEAR, N_AND, N_OR, N_NOT };

typedef struct blockref {
	const uint8_t *data;    /* the block's doc deltas and tf codes */
	const uint8_t *pos;     /* its positions (NULL: none stored) */
	const uint8_t *pos_end;
	uint32_t base;          /* doc the first delta is from */
	ix_block_header h;
} blockref;

typedef struct node node;
struct node {
	int type;
	node **kids;
	int nkids;
	int dist;       /* NEAR */
	char *term;     /* N_TERM as parsed (prefix: the prefix) */
	int prefix;
	int segs;       /* N_SYN: the segments of one term (disjoint documents) */
	int paren;      /* came in parentheses */
	int stem_class; /* N_OR: the forms of an English word with its stem class (class_of) */
	int in_class;   /* a kid of such a group: "s:X", or X itself */
	int spelling;   /* a kid of such a group that adds a share: the spelling asked for, an inflection */
	int solo;       /* such a group that is the whole query: its spellings count in full */
	int stop;       /* a stop word beside other words: matches, scores nothing */
	int need_pos;
	int started;    /* next_geq has positioned it */
	/* cursor */
	uint32_t doc;
	float ub;       /* score bound over all documents */
	double idf;
	uint32_t df;
	/* N_TERM */
	uint8_t *blob, *posblob;
	blockref *blocks;
	uint32_t nblocks, cur;  /* current block (nblocks: done) */
	uint32_t bdocs[IX_BLOCK], btfs[IX_BLOCK], bn, bi;
	int decoded;
	int format;             /* of its post blob (ix_internal.h) */
	const uint8_t *pos_at;  /* positions of doc pos_at_i of block pos_block */
	uint32_t pos_at_i, pos_block;
	uint32_t max_tfc_flags; /* max tf over the term | flags << 28 */
	uint8_t min_norm;
	/* materialised (a large N_SYN) */
	uint32_t *mdocs, *mtfs;
	size_t mn, mi;
	/* positions of the current doc (phrase, near) */
	uint32_t *poss;
	size_t nposs, capposs;
};

struct dft_ix {
	sqlite3 *db;
	sqlite3_stmt *get, *range;
	uint8_t *norms;
	uint32_t norms_cap;
	double ndocs, avglen;
	dft_ix_params p;
	double normcache[256]; /* k1 * (1 - b + b * len / avglen) for each norm byte */
};

/* ---- opening ------------------------------------------------------------------ */

static void compute_cache(dft_ix *ix)
{
	for (int i = 0; i < 256; i++)
		ix->normcache[i] =
			ix->p.k1 * (1 - ix->p.b + ix->p.b * (double)ix_norm_decode((uint8_t)i) / (ix->avglen > 0 ? ix->avglen : 1));
}

int dft_ix_open(dft_ix **out, sqlite3 *db)
{
	dft_ix *ix = calloc(1, sizeof *ix);
	sqlite3_stmt *s = NULL;
	int rc;
	if (!ix)
		return dft_error_set(DFT_ENOMEM, "ix: out of memory");
	ix->db = db;
	ix->p.k1 = 1.2;
	ix->p.b = 0.75;
	/* as FTS5's bm25(search, 10, 3, 1) weighed the columns */
	ix->p.w_title = 10;
	ix->p.w_path = 3;
	ix->p.w_exact = 0.1;
	if ((rc = dft_ix_schema(db)) < 0 || (rc = ix_load_norms(db, &ix->norms, &ix->norms_cap)) < 0)
		goto fail;
	if (sqlite3_prepare_v2(db, "SELECT key, value FROM ix_stats", -1, &s, NULL) != SQLITE_OK)
		goto sqlfail;
	while (sqlite3_step(s) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(s, 0);
		if (!strcmp(k, "docs"))
			ix->ndocs = (double)sqlite3_column_int64(s, 1);
		else if (!strcmp(k, "length"))
			ix->avglen = (double)sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (ix->ndocs > 0)
		ix->avglen /= ix->ndocs;
	if (sqlite3_prepare_v2(db, "SELECT post, pos FROM ix_terms WHERE term = ?1 ORDER BY seg", -1, &ix->get, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT DISTINCT term FROM ix_terms WHERE term >= ?1 AND term < ?2 ORDER BY term",
			       -1, &ix->range, NULL) != SQLITE_OK)
		goto sqlfail;
	compute_cache(ix);
	*out = ix;
	return 0;
sqlfail:
	rc = dft_error_set(DFT_EIO, "ix: %s", sqlite3_errmsg(db));
fail:
	dft_ix_close(ix);
	return rc;
}

void dft_ix_close(dft_ix *ix)
{
	if (!ix)
		return;
	sqlite3_finalize(ix->get);
	sqlite3_finalize(ix->range);
	free(ix->norms);
	free(ix);
}

void dft_ix_set_params(dft_ix *ix, const dft_ix_params *p)
{
	ix->p = *p;
	compute_cache(ix);
}

/* ---- the expression (as query.c writes it) ----------------------------------- */

struct parser {
	const char *s;
	size_t pos, len;
	int nodes, depth;
	int err;
	int synonyms; /* dft_ix_params.synonyms */
};

static node *new_node(struct parser *p, int type)
{
	node *n;
	if (++p->nodes > MAX_NODES) {
		p->err = 1;
		return NULL;
	}
	if (!(n = calloc(1, sizeof *n))) {
		p->err = 1;
		return NULL;
	}
	n->type = type;
	return n;
}

static int add_kid(node *n, node *k)
{
	node **v = realloc(n->kids, (size_t)(n->nkids + 1) * sizeof *v);
	if (!v)
		return -1;
	n->kids = v;
	n->kids[n->nkids++] = k;
	return 0;
}

static void node_free(node *n)
{
	if (!n)
		return;
	for (int i = 0; i < n->nkids; i++)
		node_free(n->kids[i]);
	free(n->kids);
	free(n->term);
	free(n->blob);
	free(n->posblob);
	free(n->blocks);
	free(n->mdocs);
	free(n->mtfs);
	free(n->poss);
	free(n);
}

static void skip_ws(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n'))
		p->pos++;
}

static int at_word(struct parser *p, const char *w)
{
	size_t n = strlen(w);
	skip_ws(p);
	if (p->pos + n > p->len || memcmp(p->s + p->pos, w, n))
		return 0;
	if (p->pos + n < p->len && p->s[p->pos + n] != ' ' && p->s[p->pos + n] != '(' && p->s[p->pos + n] != '"')
		return 0;
	return 1;
}

/* "..." with "" for a quote inside */
static node *parse_quoted(struct parser *p)
{
	dft_buf b;
	node *n;
	dft_buf_init(&b, 4096);
	p->pos++;
	for (;;) {
		if (p->pos >= p->len) {
			p->err = 1;
			dft_buf_dispose(&b);
			return NULL;
		}
		if (p->s[p->pos] == '"') {
			if (p->pos + 1 < p->len && p->s[p->pos + 1] == '"') {
				dft_buf_addc(&b, '"');
				p->pos += 2;
				continue;
			}
			p->pos++;
			break;
		}
		dft_buf_addc(&b, p->s[p->pos++]);
	}
	if (!(n = new_node(p, N_TERM))) {
		dft_buf_dispose(&b);
		return NULL;
	}
	n->term = strdup(dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	if (!n->term)
		p->err = 1;
	return n;
}

/* phrase := quoted ("+" quoted)* ["*"] */
static node *parse_phrase(struct parser *p)
{
	node *ph = NULL, *t;
	skip_ws(p);
	if (p->pos >= p->len || p->s[p->pos] != '"') {
		p->err = 1;
		return NULL;
	}
	t = parse_quoted(p);
	for (;;) {
		skip_ws(p);
		if (p->err)
			break;
		if (p->pos < p->len && p->s[p->pos] == '+') {
			p->pos++;
			skip_ws(p);
			if (p->pos >= p->len || p->s[p->pos] != '"') {
				p->err = 1;
				break;
			}
			if (!ph) {
				if (!(ph = new_node(p, N_PHRASE)) || add_kid(ph, t) < 0) {
					p->err = 1;
					break;
				}
			}
			if (!(t = parse_quoted(p)) || add_kid(ph, t) < 0) {
				p->err = 1;
				break;
			}
			continue;
		}
		if (p->pos < p->len && p->s[p->pos] == '*') {
			p->pos++;
			t->prefix = 1;
		}
		break;
	}
	if (p->err) {
		node_free(ph ? ph : t);
		return NULL;
	}
	if (ph)
		for (int i = 0; i < ph->nkids; i++)
			ph->kids[i]->need_pos = 1;
	return ph ? ph : t;
}

static node *parse_or(struct parser *p);

/* Is n an OR of plain words only, i.e. the forms of one word? */
static int plain_or(const node *n)
{
	if (n->type != N_OR)
		return 0;
	for (int i = 0; i < n->nkids; i++)
		if (n->kids[i]->type != N_TERM || n->kids[i]->prefix || n->kids[i]->paren)
			return 0;
	return 1;
}

/* The forms of an English word as query.c writes them, ("flows" OR
 * "s:flow" OR "flow"): "s:flow" (every inflected form in the index) and
 * "flow" (the word that is its own stem, which has no "s:" token) are its
 * stem class, scored as one word with their counts added, as a stemming
 * engine scores it; the word as written (kids[0], also when it is its own
 * stem) and, in a one-word query, its inflections (query.c) add w_exact
 * of their own score, so the exact spelling ranks first among equals
 * (spelling_weight; docs/BENCHMARKS-SEARCH.md says how it was chosen).
 * Arabic words keep their forms scored apart: a clitic-stripped form and a
 * stem are not one spelling. */
static void class_of(node *n)
{
	const char *stem = NULL;
	for (int i = 0; i < n->nkids; i++) {
		const char *t = n->kids[i]->term;
		if (t[0] == 's' && t[1] == ':' && t[2] >= 'a' && t[2] <= 'z')
			stem = t + 2;
	}
	if (!stem)
		return;
	n->stem_class = 1;
	for (int i = 0; i < n->nkids; i++) {
		const char *t = n->kids[i]->term;
		n->kids[i]->in_class = (t[0] == 's' && t[1] == ':') || !strcmp(t, stem);
		n->kids[i]->spelling = !n->kids[i]->in_class || i == 0;
	}
}

/* The share of their own score the spellings of a stem class add: in
 * full when the word is the whole query (build), else w_exact. */
static double spelling_weight(const dft_ix *ix, const node *n)
{
	return n->solo ? 1 : ix->p.w_exact;
}

static node *parse_primary(struct parser *p)
{
	node *n;
	skip_ws(p);
	if (p->pos >= p->len) {
		p->err = 1;
		return NULL;
	}
	if (p->s[p->pos] == '(') {
		p->pos++;
		if (++p->depth > MAX_DEPTH) {
			p->err = 1;
			return NULL;
		}
		n = parse_or(p);
		p->depth--;
		skip_ws(p);
		if (!n || p->pos >= p->len || p->s[p->pos] != ')') {
			p->err = 1;
			node_free(n);
			return NULL;
		}
		p->pos++;
		/* The forms of one word, ("bombs" OR "s:bomb"), score as FTS5
		 * scores them: each with its own idf, added up, so the form as
		 * written, and a name's fine key beside its coarse one, rank a
		 * document first. Scored as one synonym term instead (the
		 * largest count, the commonest form's idf) Cranfield and CISI
		 * gained 2-9% MAP but Arabic clitic and cross-script name
		 * queries lost up to half their MRR (docs/BENCHMARKS-SEARCH.md);
		 * dft_ix_params.synonyms keeps that experiment. */
		if (plain_or(n) && p->synonyms)
			n->type = N_SYN;
		else if (plain_or(n))
			class_of(n);
		n->paren = 1; /* ("a") OR ("b"): two words, not two forms of one */
		return n;
	}
	if (p->pos + 5 <= p->len && !memcmp(p->s + p->pos, "NEAR(", 5)) {
		node *nr = new_node(p, N_NEAR);
		if (!nr)
			return NULL;
		p->pos += 5;
		nr->dist = 10;
		for (;;) {
			skip_ws(p);
			if (p->pos < p->len && p->s[p->pos] == ')') {
				p->pos++;
				break;
			}
			if (p->pos < p->len && p->s[p->pos] == ',') {
				p->pos++;
				skip_ws(p);
				nr->dist = (int)strtol(p->s + p->pos, NULL, 10);
				while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
					p->pos++;
				continue;
			}
			if (!(n = parse_phrase(p)) || add_kid(nr, n) < 0) {
				node_free(n);
				node_free(nr);
				p->err = 1;
				return NULL;
			}
			n->need_pos = 1;
			for (int i = 0; i < n->nkids; i++)
				n->kids[i]->need_pos = 1;
		}
		if (nr->nkids == 0) {
			node_free(nr);
			p->err = 1;
			return NULL;
		}
		return nr;
	}
	return parse_phrase(p);
}

/* not := primary ("NOT" primary)* */
static node *parse_not(struct parser *p)
{
	node *a = parse_primary(p);
	while (a && !p->err && at_word(p, "NOT")) {
		node *b, *n;
		p->pos += 3;
		if (!(b = parse_primary(p)) || !(n = new_node(p, N_NOT)) || add_kid(n, a) < 0 || add_kid(n, b) < 0) {
			node_free(a);
			node_free(b);
			p->err = 1;
			return NULL;
		}
		a = n;
	}
	return a;
}

static int at_primary(struct parser *p)
{
	skip_ws(p);
	return p->pos < p->len && (p->s[p->pos] == '(' || p->s[p->pos] == '"' ||
				   (p->pos + 5 <= p->len && !memcmp(p->s + p->pos, "NEAR(", 5)));
}

/* a (sep a)*: an N_AND or N_OR of the parts, or the one part alone;
 * implicit: parts may also follow each other without sep (AND) */
static node *parse_chain(struct parser *p, int type, node *(*part)(struct parser *), const char *sep, int implicit)
{
	node *first = part(p), *n = NULL;
	while ((first || n) && !p->err) {
		node *b;
		if (at_word(p, sep))
			p->pos += strlen(sep);
		else if (!implicit || !at_primary(p))
			break;
		if (!(b = part(p))) {
			p->err = 1;
			break;
		}
		if (n) {
			if (add_kid(n, b) < 0) {
				node_free(b);
				p->err = 1;
				break;
			}
			continue;
		}
		n = new_node(p, type);
		if (!n || add_kid(n, first) < 0) {
			node_free(n);
			n = NULL;
			node_free(b);
			p->err = 1;
			break;
		}
		first = NULL; /* n has it */
		if (add_kid(n, b) < 0) {
			node_free(b);
			p->err = 1;
			break;
		}
	}
	if (p->err) {
		node_free(n);
		node_free(first);
		return NULL;
	}
	return n ? n : first;
}

static node *parse_and(struct parser *p)
{
	return parse_chain(p, N_AND, parse_not, "AND", 1);
}

static node *parse_or(struct parser *p)
{
	return parse_chain(p, N_OR, parse_and, "OR", 0);
}

/* ---- postings cursors -------------------------------------------------------- */

static inline double tfc_of(const dft_ix *ix, uint32_t code)
{
	return (double)(code >> 2) + ix->p.w_title * ((code >> 1) & 1) + ix->p.w_path * (code & 1);
}

static inline double bm25(const dft_ix *ix, double idf, double tfc, uint8_t norm)
{
	return tfc <= 0 ? 0 : idf * tfc * (ix->p.k1 + 1) / (tfc + ix->normcache[norm]);
}

static double idf_of(const dft_ix *ix, double df)
{
	double idf = log((ix->ndocs - df + 0.5) / (df + 0.5));
	return idf > 1e-6 ? idf : 1e-6;
}

static inline uint8_t norm_of(const dft_ix *ix, uint32_t doc)
{
	return doc < ix->norms_cap ? ix->norms[doc] : 0;
}

/* Point a leaf's blocks into its copy of one segment's row. */
static int load_row(node *n, const char *term, const void *post, size_t post_len, const void *pos, size_t pos_len)
{
	const uint8_t *b, *end, *data;
	uint32_t df, nb, base = 0;
	ix_block_header *h = NULL;
	if (!(n->blob = malloc(post_len ? post_len : 1)) || (pos_len && !(n->posblob = malloc(pos_len))))
		return DFT_ENOMEM;
	memcpy(n->blob, post, post_len);
	if (pos_len)
		memcpy(n->posblob, pos, pos_len);
	b = n->blob;
	end = b + post_len;
	n->format = ix_post_format(&b, end);
	n->min_norm = 255;
	if (!n->format)
		return dft_error_set(DFT_ECORRUPT, "ix: term %s: postings in a format this daftar cannot read", term);
	if (!ix_parse_headers(b, end, &df, &nb, NULL, UINT32_MAX) || !(h = malloc((nb ? nb : 1) * sizeof *h)) ||
	    !(n->blocks = malloc((nb ? nb : 1) * sizeof *n->blocks)) || !(data = ix_parse_headers(b, end, &df, &nb, h, nb))) {
		int nomem = h != NULL && n->blocks == NULL;
		free(h);
		return nomem ? DFT_ENOMEM : dft_error_set(DFT_ECORRUPT, "ix: term %s: malformed postings", term);
	}
	n->df = df;
	for (uint32_t k = 0; k < nb; k++) {
		blockref *r = &n->blocks[k];
		r->h = h[k];
		r->base = base;
		r->data = data;
		r->pos = pos_len ? n->posblob + h[k].pos_offset : NULL;
		r->pos_end = pos_len ? n->posblob + pos_len : NULL;
		data += h[k].data_bytes;
		base = h[k].last_doc;
		if (data > end || (pos_len && h[k].pos_offset > pos_len)) {
			free(h);
			return dft_error_set(DFT_ECORRUPT, "ix: term %s: malformed postings", term);
		}
		if (h[k].max_tf > (n->max_tfc_flags & 0x0fffffff))
			n->max_tfc_flags = (n->max_tfc_flags & 0xf0000000) | (h[k].max_tf & 0x0fffffff);
		n->max_tfc_flags |= (uint32_t)h[k].flags << 28;
		if (h[k].min_norm < n->min_norm)
			n->min_norm = h[k].min_norm;
	}
	n->nblocks = nb;
	free(h);
	return 0;
}

/* A term's rows: one leaf when it is in one segment; otherwise n becomes
 * a group (N_SYN, segs) of one leaf a segment, whose documents are
 * disjoint. */
static int load_term(dft_ix *ix, node *n, const char *term)
{
	int rc = 0, step, rows = 0;
	sqlite3_reset(ix->get);
	sqlite3_bind_text(ix->get, 1, term, -1, SQLITE_TRANSIENT);
	while ((step = sqlite3_step(ix->get)) == SQLITE_ROW) {
		const void *post = sqlite3_column_blob(ix->get, 0), *pos = NULL;
		size_t post_len = (size_t)sqlite3_column_bytes(ix->get, 0), pos_len = 0;
		node *leaf = n;
		if (n->need_pos && sqlite3_column_type(ix->get, 1) != SQLITE_NULL) {
			pos = sqlite3_column_blob(ix->get, 1);
			pos_len = (size_t)sqlite3_column_bytes(ix->get, 1);
		}
		if (rows == 1) {
			/* a second segment: the first leaf moves under a group */
			node *first = calloc(1, sizeof *first);
			if (!first) {
				rc = DFT_ENOMEM;
				break;
			}
			*first = *n;
			first->term = NULL;
			first->kids = NULL;
			first->nkids = 0;
			n->blob = n->posblob = NULL;
			n->blocks = NULL;
			n->poss = NULL;
			n->capposs = 0;
			n->type = N_SYN;
			n->segs = 1;
			if (add_kid(n, first) < 0) {
				node_free(first);
				rc = DFT_ENOMEM;
				break;
			}
		}
		if (rows >= 1) {
			if (!(leaf = calloc(1, sizeof *leaf)) || add_kid(n, leaf) < 0) {
				free(leaf);
				rc = DFT_ENOMEM;
				break;
			}
			leaf->type = N_TERM;
			leaf->need_pos = n->need_pos;
		}
		if ((rc = load_row(leaf, term, post, post_len, pos, pos_len)) < 0)
			break;
		rows++;
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = dft_error_set(DFT_EIO, "ix: %s", sqlite3_errmsg(ix->db));
	sqlite3_reset(ix->get);
	if (rc == DFT_ENOMEM)
		rc = dft_error_set(DFT_ENOMEM, "ix: out of memory");
	return rc;
}

static double bound_of(const dft_ix *ix, uint32_t max_tf, uint8_t flags)
{
	return max_tf + ((flags & 2) ? ix->p.w_title : 0) + ((flags & 1) ? ix->p.w_path : 0);
}

/* A term's score bound over all its documents (its idf set). */
static float term_bound(const dft_ix *ix, const node *n)
{
	return (float)bm25(ix, n->idf, bound_of(ix, n->max_tfc_flags & 0x0fffffff, (uint8_t)(n->max_tfc_flags >> 28)),
			   n->min_norm);
}

static void decode_block(node *n)
{
	const blockref *r = &n->blocks[n->cur];
	const uint8_t *p = r->data, *end = r->data + r->h.data_bytes;
	uint32_t d = r->base, i;
	for (i = 0; i < IX_BLOCK && p < end; i++) {
		uint32_t delta;
		ix_get_posting(&p, end, n->format, &delta, &n->btfs[i]);
		d += delta;
		n->bdocs[i] = d;
	}
	n->bn = i;
	n->bi = 0;
	n->decoded = 1;
	n->pos_at = NULL;
}

/* N_TERM: the first doc >= target. */
static uint32_t term_next_geq(node *n, uint32_t target)
{
	if (n->doc >= target && n->decoded && n->doc != IX_DOC_END)
		return n->doc;
	while (n->cur < n->nblocks && n->blocks[n->cur].h.last_doc < target) {
		n->cur++;
		n->decoded = 0;
	}
	if (n->cur >= n->nblocks)
		return n->doc = IX_DOC_END;
	if (!n->decoded)
		decode_block(n);
	while (n->bi < n->bn && n->bdocs[n->bi] < target)
		n->bi++;
	if (n->bi >= n->bn) { /* a malformed block: move on */
		n->cur++;
		n->decoded = 0;
		return term_next_geq(n, target);
	}
	return n->doc = n->bdocs[n->bi];
}

static uint32_t term_tf(const node *n)
{
	return n->bdocs[n->bi] == n->doc ? n->btfs[n->bi] : 0;
}

/* The tf code of a term, or of a group of forms, at its current doc. */
static uint32_t leaf_tf(const node *n)
{
	uint32_t body = 0, flags = 0;
	if (n->type == N_TERM)
		return term_tf(n);
	if (n->mdocs)
		return n->mi < n->mn && n->mdocs[n->mi] == n->doc ? n->mtfs[n->mi] : 0;
	for (int i = 0; i < n->nkids; i++)
		if (n->kids[i]->doc == n->doc) {
			uint32_t c = leaf_tf(n->kids[i]);
			/* the words of a prefix are different words: their counts add
			 * up; the forms of one word (as written, without clitics, its
			 * stem) sit at the same positions: the largest count is the
			 * word's */
			if (n->prefix)
				body += c >> 2;
			else if (c >> 2 > body)
				body = c >> 2;
			flags |= c & 3;
		}
	return body << 2 | flags;
}

/* Positions of the current doc of a term cursor (decoded from its block). */
static int term_positions(node *n, uint32_t **out, size_t *nout)
{
	const blockref *r = &n->blocks[n->cur];
	const uint8_t *p = r->pos, *end = r->pos_end;
	uint32_t k = 0, i = 0;
	if (!p) {
		*nout = 0;
		return 0;
	}
	/* documents of a block are visited in order: go on from the last one
	 * read rather than from the block's start */
	if (n->pos_at && n->pos_block == n->cur && n->pos_at_i <= n->bi) {
		p = n->pos_at;
		i = n->pos_at_i;
	}
	for (; i <= n->bi; i++) {
		if (i == n->bi) {
			n->pos_at = p;
			n->pos_at_i = i;
			n->pos_block = n->cur;
		}
		uint32_t first = 0, code = 0;
		int have_first;
		uint32_t cnt = ix_get_pos_head(&p, end, n->format, &first, &have_first);
		if (i < n->bi) {
			for (uint32_t j = have_first; j < cnt; j++)
				(void)ix_get_varint(&p, end);
			continue;
		}
		if (cnt > n->capposs) {
			uint32_t *v = realloc(n->poss, cnt * sizeof *v);
			if (!v)
				return DFT_ENOMEM;
			n->poss = v;
			n->capposs = cnt;
		}
		k = 0;
		if (have_first)
			n->poss[k++] = code = first;
		for (; k < cnt; k++) {
			code += (uint32_t)ix_get_varint(&p, end);
			n->poss[k] = code;
		}
	}
	*out = n->poss;
	*nout = k;
	return 0;
}

/* ---- the tree ------------------------------------------------------------- */

struct eval {
	dft_ix *ix;
	int rc;
};

static uint32_t next_geq(struct eval *e, node *n, uint32_t target);
static double score_of(struct eval *e, node *n);

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}


static int resolve(struct eval *e, node *n);

/* Free what a cursor read (its counts and bounds stay). */
static void node_release(node *n)
{
	for (int i = 0; i < n->nkids; i++)
		node_release(n->kids[i]);
	free(n->blob);
	free(n->posblob);
	free(n->blocks);
	n->blob = n->posblob = NULL;
	n->blocks = NULL;
	n->nblocks = 0;
}

/* A group of many words (a prefix's, a fuzzy word's): read one member at
 * a time into one list a document, frequencies added up, each member's
 * postings freed once read, so a prefix of thousands of words holds one
 * counter a document (4 bytes), not every posting. */
static int materialize(struct eval *e, node *n)
{
	dft_ix *ix = e->ix;
	size_t cap = ix->norms_cap ? ix->norms_cap : 1, m = 0;
	uint32_t *acc = calloc(cap, sizeof *acc);
	int rc = 0;
	if (!acc)
		return e->rc = DFT_ENOMEM;
	for (int i = 0; i < n->nkids && rc == 0; i++) {
		node *k = n->kids[i];
		if ((rc = resolve(e, k)) < 0)
			break;
		for (uint32_t d = next_geq(e, k, 0); d != IX_DOC_END && e->rc == 0; d = next_geq(e, k, d + 1)) {
			uint32_t a = d < cap ? acc[d] : 0, c = leaf_tf(k), body;
			if (d >= cap)
				continue;
			body = n->prefix ? (a >> 2) + (c >> 2) : ((a >> 2) > (c >> 2) ? a >> 2 : c >> 2);
			acc[d] = body << 2 | ((a | c) & 3);
			m += a == 0;
		}
		rc = e->rc;
		node_release(k);
	}
	if (rc == 0) {
		n->mdocs = malloc((m ? m : 1) * sizeof *n->mdocs);
		n->mtfs = malloc((m ? m : 1) * sizeof *n->mtfs);
		if (!n->mdocs || !n->mtfs)
			rc = e->rc = DFT_ENOMEM;
	}
	n->mn = 0;
	for (size_t d = 0; d < cap && rc == 0; d++)
		if (acc[d]) {
			n->mdocs[n->mn] = (uint32_t)d;
			n->mtfs[n->mn++] = acc[d];
		}
	free(acc);
	n->mi = 0;
	return rc;
}

/* Expand a prefix into the terms that start with it. */
static int expand_prefix(struct eval *e, node *n)
{
	dft_ix *ix = e->ix;
	size_t l = strlen(n->term);
	char *hi = malloc(l + 2);
	int rc = 0, step, count = 0;
	if (!hi)
		return e->rc = DFT_ENOMEM;
	memcpy(hi, n->term, l + 1);
	/* the first string after every one that starts with the prefix */
	while (l > 0 && (uint8_t)hi[l - 1] == 0xff)
		l--;
	if (l == 0) {
		hi[0] = (char)0xff;
		hi[1] = 0;
	} else {
		hi[l - 1] = (char)((uint8_t)hi[l - 1] + 1);
		hi[l] = 0;
	}
	sqlite3_reset(ix->range);
	sqlite3_bind_text(ix->range, 1, n->term, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(ix->range, 2, hi, -1, SQLITE_TRANSIENT);
	n->type = N_SYN;
	while ((step = sqlite3_step(ix->range)) == SQLITE_ROW && count < MAX_PREFIX_TERMS) {
		node *k = calloc(1, sizeof *k);
		if (!k || !(k->term = strdup((const char *)sqlite3_column_text(ix->range, 0))) || add_kid(n, k) < 0) {
			if (k)
				free(k->term);
			free(k);
			rc = DFT_ENOMEM;
			break;
		}
		k->type = N_TERM;
		k->need_pos = n->need_pos;
		count++;
	}
	sqlite3_reset(ix->range);
	free(hi);
	return rc < 0 ? (e->rc = rc) : 0;
}

/* Load the postings under n and compute idf and score bounds. */
static int resolve(struct eval *e, node *n)
{
	dft_ix *ix = e->ix;
	int rc;
	if (n->type == N_TERM && n->prefix) {
		if ((rc = expand_prefix(e, n)) < 0)
			return rc;
	}
	if (n->type == N_TERM) {
		if ((rc = load_term(ix, n, n->term)) < 0)
			return e->rc = rc;
		if (n->type == N_SYN) { /* in several segments */
			n->df = 0;
			n->min_norm = 255;
			for (int i = 0; i < n->nkids; i++) {
				node *k = n->kids[i];
				n->df += k->df;
				if ((k->max_tfc_flags & 0x0fffffff) > (n->max_tfc_flags & 0x0fffffff))
					n->max_tfc_flags = (n->max_tfc_flags & 0xf0000000) | (k->max_tfc_flags & 0x0fffffff);
				n->max_tfc_flags |= k->max_tfc_flags & 0xf0000000;
				if (k->min_norm < n->min_norm)
					n->min_norm = k->min_norm;
			}
			n->idf = idf_of(ix, n->df);
			n->ub = 0;
			for (int i = 0; i < n->nkids; i++) {
				node *k = n->kids[i];
				k->idf = n->idf;
				k->ub = term_bound(ix, k);
				if (k->ub > n->ub)
					n->ub = k->ub;
			}
			return 0;
		}
		n->idf = idf_of(ix, n->df);
		n->ub = term_bound(ix, n);
		return 0;
	}
	if (n->type == N_SYN && !n->segs && n->nkids > 8 && !n->need_pos) {
		if ((rc = materialize(e, n)) < 0) /* resolves the kids */
			return rc;
	} else {
		for (int i = 0; i < n->nkids; i++) {
			if (n->type == N_SYN || n->type == N_PHRASE || n->type == N_NEAR)
				n->kids[i]->need_pos |= n->need_pos || n->type != N_SYN;
			if ((rc = resolve(e, n->kids[i])) < 0)
				return rc;
		}
	}
	switch (n->type) {
	case N_SYN: {
		uint32_t maxdf = 0, tf = 0;
		uint8_t flags = 0, mn = 255;
		for (int i = 0; i < n->nkids; i++) {
			node *k = n->kids[i];
			if (k->df > maxdf)
				maxdf = k->df;
			if (n->prefix)
				tf += k->max_tfc_flags & 0x0fffffff;
			else if ((k->max_tfc_flags & 0x0fffffff) > tf)
				tf = k->max_tfc_flags & 0x0fffffff;
			flags |= (uint8_t)(k->max_tfc_flags >> 28);
			if (k->min_norm < mn)
				mn = k->min_norm;
		}
		n->df = maxdf;
		n->idf = idf_of(ix, maxdf);
		n->ub = (float)bm25(ix, n->idf, bound_of(ix, tf, flags), mn);
		break;
	}
	case N_OR:
		if (n->stem_class) {
			uint32_t df = 0, tf = 0;
			uint8_t flags = 0, mn = 255;
			double exact = 0;
			for (int i = 0; i < n->nkids; i++) {
				node *k = n->kids[i];
				if (k->spelling)
					exact += k->ub;
				if (!k->in_class)
					continue;
				df += k->df; /* at most the documents of the class */
				tf += k->max_tfc_flags & 0x0fffffff;
				flags |= (uint8_t)(k->max_tfc_flags >> 28);
				if (k->min_norm < mn)
					mn = k->min_norm;
			}
			n->df = df < ix->ndocs ? df : (uint32_t)ix->ndocs;
			n->idf = idf_of(ix, n->df);
			n->ub = (float)(bm25(ix, n->idf, bound_of(ix, tf, flags), mn) + spelling_weight(ix, n) * exact);
			break;
		}
		__attribute__((fallthrough));
	case N_PHRASE:
	case N_NEAR:
	case N_AND:
		n->ub = 0;
		n->idf = 0;
		for (int i = 0; i < n->nkids; i++) {
			n->ub += n->kids[i]->ub;
			n->idf += n->kids[i]->idf;
		}
		break;
	case N_NOT:
		n->ub = n->kids[0]->ub;
		break;
	}
	return 0;
}

/* Positions of the current doc of a term or a group of forms. */
static int positions(struct eval *e, node *n, uint32_t **out, size_t *nout)
{
	if (n->type == N_TERM)
		return term_positions(n, out, nout);
	/* N_SYN: the union of its members' at this doc */
	n->nposs = 0;
	for (int i = 0; i < n->nkids; i++) {
		node *k = n->kids[i];
		uint32_t *p;
		size_t c;
		if (k->doc != n->doc || (k->type != N_TERM && k->type != N_SYN))
			continue;
		if (positions(e, k, &p, &c) < 0)
			return e->rc = DFT_ENOMEM;
		if (n->nposs + c > n->capposs) {
			size_t cap = (n->nposs + c) * 2;
			uint32_t *v = realloc(n->poss, cap * sizeof *v);
			if (!v)
				return e->rc = DFT_ENOMEM;
			n->poss = v;
			n->capposs = cap;
		}
		memcpy(n->poss + n->nposs, p, c * sizeof *p);
		n->nposs += c;
	}
	dft_sort(n->poss, n->nposs, sizeof *n->poss, cmp_u32);
	*out = n->poss;
	*nout = n->nposs;
	return 0;
}

/* Occurrences of the phrase in the current doc (all kids are on it). */
static uint32_t phrase_count(struct eval *e, node *n, uint32_t *first_codes, size_t *nfirst)
{
	uint32_t *p0, count = 0;
	size_t n0;
	if (positions(e, n->kids[0], &p0, &n0) < 0)
		return 0;
	/* copy: the kids' position buffers are reused */
	uint32_t *cand = malloc((n0 ? n0 : 1) * sizeof *cand);
	size_t nc = n0;
	if (!cand) {
		e->rc = DFT_ENOMEM;
		return 0;
	}
	memcpy(cand, p0, n0 * sizeof *p0);
	for (int i = 1; i < n->nkids && nc; i++) {
		uint32_t *pi;
		size_t ni, w = 0, j = 0;
		if (positions(e, n->kids[i], &pi, &ni) < 0)
			break;
		for (size_t c = 0; c < nc; c++) {
			uint32_t want = cand[c] + (uint32_t)i;
			while (j < ni && pi[j] < want)
				j++;
			if (j < ni && pi[j] == want)
				cand[w++] = cand[c];
		}
		nc = w;
	}
	count = (uint32_t)nc;
	if (first_codes) {
		size_t m = nc < *nfirst ? nc : *nfirst;
		memcpy(first_codes, cand, m * sizeof *cand);
		*nfirst = m;
	}
	free(cand);
	return count;
}

/* Leapfrog: the first doc >= target that every kid has. */
static uint32_t and_next_geq(struct eval *e, node *n, uint32_t target)
{
	uint32_t d = target;
	for (;;) {
		int all = 1;
		for (int i = 0; i < n->nkids; i++) {
			uint32_t x = next_geq(e, n->kids[i], d);
			if (x == IX_DOC_END)
				return n->doc = IX_DOC_END;
			if (x != d) {
				d = x;
				all = 0;
				break;
			}
		}
		if (all)
			return n->doc = d;
	}
}

static int near_match(struct eval *e, node *n)
{
	/* every phrase occurs, and some choice of one occurrence each spans
	 * at most dist tokens between them (FTS5's NEAR) */
	uint32_t *starts[16];
	size_t ns[16], idx[16];
	int k = n->nkids < 16 ? n->nkids : 16, ok = 0;
	for (int i = 0; i < k; i++) {
		node *c = n->kids[i];
		size_t cap = 4096;
		starts[i] = malloc(cap * sizeof(uint32_t));
		ns[i] = cap;
		idx[i] = 0;
		if (!starts[i]) {
			for (int j = 0; j < i; j++)
				free(starts[j]);
			e->rc = DFT_ENOMEM;
			return 0;
		}
		if (c->type == N_PHRASE) {
			(void)phrase_count(e, c, starts[i], &ns[i]);
		} else {
			uint32_t *p;
			size_t m;
			if (positions(e, c, &p, &m) < 0)
				m = 0;
			ns[i] = m < cap ? m : cap;
			memcpy(starts[i], p, ns[i] * sizeof *p);
		}
	}
	/* sweep: the smallest window holding one of each */
	for (;;) {
		uint32_t lo = UINT32_MAX, hi = 0;
		int lo_i = -1, done = 0;
		for (int i = 0; i < k; i++) {
			if (idx[i] >= ns[i]) {
				done = 1;
				break;
			}
			uint32_t v = starts[i][idx[i]];
			uint32_t end = v + (uint32_t)(n->kids[i]->type == N_PHRASE ? n->kids[i]->nkids - 1 : 0);
			if (v < lo) {
				lo = v;
				lo_i = i;
			}
			if (end > hi)
				hi = end;
		}
		if (done)
			break;
		/* FTS5: at most dist tokens between the end of one and the start of the next */
		{
			uint32_t span = hi - lo + 1, lens = 0;
			for (int i = 0; i < k; i++)
				lens += (uint32_t)(n->kids[i]->type == N_PHRASE ? n->kids[i]->nkids : 1);
			if (ix_code_field(hi) == ix_code_field(lo) && span <= lens + (uint32_t)n->dist) {
				ok = 1;
				break;
			}
		}
		idx[lo_i]++;
	}
	for (int i = 0; i < k; i++)
		free(starts[i]);
	return ok;
}

static uint32_t next_geq(struct eval *e, node *n, uint32_t target)
{
	n->started = 1;
	if (e->rc < 0)
		return n->doc = IX_DOC_END;
	switch (n->type) {
	case N_TERM:
		return term_next_geq(n, target);
	case N_SYN:
		if (n->mdocs) {
			while (n->mi < n->mn && n->mdocs[n->mi] < target)
				n->mi++;
			return n->doc = n->mi < n->mn ? n->mdocs[n->mi] : IX_DOC_END;
		}
		/* a group of few forms: the doc is the smallest of the kids' */
		__attribute__((fallthrough));
	case N_OR: {
		uint32_t m = IX_DOC_END;
		for (int i = 0; i < n->nkids; i++) {
			node *k = n->kids[i];
			uint32_t x = k->started && k->doc >= target ? k->doc : next_geq(e, k, target);
			if (x < m)
				m = x;
		}
		return n->doc = m;
	}
	case N_AND:
		return and_next_geq(e, n, target);
	case N_PHRASE:
	case N_NEAR:
		for (uint32_t d = target;; d++) {
			d = and_next_geq(e, n, d);
			if (d == IX_DOC_END)
				return d;
			if (n->type == N_PHRASE ? phrase_count(e, n, NULL, NULL) > 0 : near_match(e, n))
				return n->doc = d;
			if (e->rc < 0)
				return n->doc = IX_DOC_END;
		}
	case N_NOT:
		for (uint32_t d = target;; d++) {
			d = next_geq(e, n->kids[0], d);
			if (d == IX_DOC_END)
				return n->doc = d;
			if (next_geq(e, n->kids[1], d) != d)
				return n->doc = d;
		}
	}
	return n->doc = IX_DOC_END;
}

static double score_of(struct eval *e, node *n)
{
	dft_ix *ix = e->ix;
	double s = 0;
	if (n->stop)
		return 0;
	switch (n->type) {
	case N_TERM:
		return bm25(ix, n->idf, tfc_of(ix, term_tf(n)), norm_of(ix, n->doc));
	case N_SYN:
		return bm25(ix, n->idf, tfc_of(ix, leaf_tf(n)), norm_of(ix, n->doc));
	case N_PHRASE: {
		uint32_t c = phrase_count(e, n, NULL, NULL);
		return bm25(ix, n->idf, (double)c, norm_of(ix, n->doc));
	}
	case N_OR:
		if (n->stem_class) {
			uint32_t body = 0, flags = 0;
			double exact = 0;
			for (int i = 0; i < n->nkids; i++) {
				node *k = n->kids[i];
				if (k->doc != n->doc)
					continue;
				if (k->in_class) {
					uint32_t c = leaf_tf(k);
					body += c >> 2;
					flags |= c & 3;
				}
				if (k->spelling)
					exact += score_of(e, k);
			}
			return bm25(ix, n->idf, tfc_of(ix, body << 2 | flags), norm_of(ix, n->doc)) +
			       spelling_weight(ix, n) * exact;
		}
		__attribute__((fallthrough));
	case N_NEAR:
	case N_AND:
		for (int i = 0; i < n->nkids; i++)
			if (n->kids[i]->doc == n->doc)
				s += score_of(e, n->kids[i]);
		return s;
	case N_NOT:
		return score_of(e, n->kids[0]);
	}
	return 0;
}

/* ---- top k -------------------------------------------------------------------- */

typedef struct topk {
	dft_ix_hit *h;
	size_t n, k;
} topk;

static int hit_worse(const dft_ix_hit *a, const dft_ix_hit *b)
{
	return a->score < b->score || (a->score == b->score && a->doc > b->doc);
}

/* a min-heap on score: h[0] is the k-th best */
static void topk_push(topk *t, uint32_t doc, float score)
{
	dft_ix_hit x = {doc, score};
	size_t i;
	if (t->n < t->k) {
		i = t->n++;
		while (i > 0 && hit_worse(&x, &t->h[(i - 1) / 2])) {
			t->h[i] = t->h[(i - 1) / 2];
			i = (i - 1) / 2;
		}
		t->h[i] = x;
		return;
	}
	if (!hit_worse(&t->h[0], &x))
		return;
	i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		const dft_ix_hit *best = &x;
		if (l < t->n && hit_worse(&t->h[l], best)) {
			m = l;
			best = &t->h[l];
		}
		if (r < t->n && hit_worse(&t->h[r], best))
			m = r;
		if (m == i)
			break;
		t->h[i] = t->h[m];
		i = m;
	}
	t->h[i] = x;
}

static float threshold(const topk *t)
{
	return t->n < t->k ? 0.0f : t->h[0].score;
}

static int allowed_doc(const uint8_t *allowed, size_t bits, uint32_t d)
{
	return !allowed || (d < bits && (allowed[d >> 3] >> (d & 7) & 1));
}

/* One word: skip the blocks whose bound cannot enter the top k. */
static void run_term(struct eval *e, node *n, topk *t, const uint8_t *allowed, size_t bits, int64_t *scored)
{
	dft_ix *ix = e->ix;
	while (n->cur < n->nblocks) {
		blockref *r = &n->blocks[n->cur];
		double ub = bm25(ix, n->idf, bound_of(ix, r->h.max_tf, r->h.flags), r->h.min_norm);
		if (t->n == t->k && ub <= threshold(t)) {
			n->cur++;
			n->decoded = 0;
			continue;
		}
		decode_block(n);
		for (; n->bi < n->bn; n->bi++) {
			uint32_t d = n->bdocs[n->bi];
			if (!allowed_doc(allowed, bits, d))
				continue;
			n->doc = d;
			(*scored)++;
			topk_push(t, d, (float)bm25(ix, n->idf, tfc_of(ix, n->btfs[n->bi]), norm_of(ix, d)));
		}
		n->cur++;
		n->decoded = 0;
	}
}

static int cmp_ub(const void *a, const void *b)
{
	const node *x = *(node *const *)a, *y = *(node *const *)b;
	return (x->ub > y->ub) - (x->ub < y->ub);
}

/* MaxScore over the kids of an OR. */
static void run_maxscore(struct eval *e, node *n, topk *t, const uint8_t *allowed, size_t bits, int64_t *scored)
{
	int m = n->nkids, first = 0;
	node **k = n->kids;
	double *cum = malloc((size_t)m * sizeof *cum);
	if (!cum) {
		e->rc = DFT_ENOMEM;
		return;
	}
	dft_sort(k, (size_t)m, sizeof *k, cmp_ub);
	for (int i = 0; i < m; i++) {
		cum[i] = k[i]->ub + (i ? cum[i - 1] : 0);
		next_geq(e, k[i], 0);
	}
	for (;;) {
		uint32_t d = IX_DOC_END;
		double s = 0;
		for (int i = first; i < m; i++)
			if (k[i]->doc < d)
				d = k[i]->doc;
		if (d == IX_DOC_END || e->rc < 0)
			break;
		if (allowed_doc(allowed, bits, d)) {
			for (int i = first; i < m; i++)
				if (k[i]->doc == d)
					s += score_of(e, k[i]);
			for (int i = first - 1; i >= 0; i--) {
				if (s + cum[i] <= threshold(t))
					break;
				if (next_geq(e, k[i], d) == d)
					s += score_of(e, k[i]);
			}
			(*scored)++;
			if (s > threshold(t) || t->n < t->k) {
				topk_push(t, d, (float)s);
				while (first < m && t->n == t->k && cum[first] <= threshold(t))
					first++;
			}
		}
		for (int i = first; i < m; i++)
			if (k[i]->doc == d)
				next_geq(e, k[i], d + 1);
	}
	free(cum);
}

static void run_generic(struct eval *e, node *n, topk *t, const uint8_t *allowed, size_t bits, int64_t *scored)
{
	for (uint32_t d = next_geq(e, n, 0); d != IX_DOC_END && e->rc == 0; d = next_geq(e, n, d + 1)) {
		if (!allowed_doc(allowed, bits, d))
			continue;
		(*scored)++;
		topk_push(t, d, (float)score_of(e, n));
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const dft_ix_hit *x = a, *y = b;
	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

/* Is n a word (its group of forms, or one form) that is a stop word? The
 * form as written comes first in its group (query.c). */
static int stop_word(const node *n)
{
	while ((n->type == N_OR || n->type == N_SYN) && n->nkids && !n->prefix)
		n = n->kids[0];
	return n->type == N_TERM && !n->prefix && n->term && dft_is_stopword(n->term, strlen(n->term));
}

/* The words of a query typed as a sentence: its stop words (what, are,
 * the, of ...) still match but score nothing beside other words, as
 * engines that drop them at indexing rank (Lucene's EnglishAnalyzer). A
 * query of stop words only ("the who") keeps their scores. */
static void drop_stop_words(node *root)
{
	int stops = 0;
	if ((root->type != N_OR && root->type != N_AND) || plain_or(root))
		return; /* not words (plain_or: the forms of one word) */
	for (int i = 0; i < root->nkids; i++)
		stops += stop_word(root->kids[i]);
	if (stops == 0 || stops == root->nkids)
		return;
	root->ub = 0;
	for (int i = 0; i < root->nkids; i++) {
		node *k = root->kids[i];
		if (stop_word(k)) {
			k->stop = 1;
			k->ub = 0;
		}
		root->ub += k->ub;
	}
}

static node *build(struct eval *e, const char *expr, int *rc)
{
	struct parser p = {expr, 0, strlen(expr), 0, 0, 0, e->ix->p.synonyms};
	node *root = parse_or(&p);
	skip_ws(&p);
	if (!root || p.err || p.pos != p.len) {
		node_free(root);
		*rc = dft_error_set(DFT_EINVAL, "ix: cannot read the expression at %zu", p.pos + 1);
		return NULL;
	}
	/* A query of one word ranks by nothing else: the spelling asked for
	 * and its inflections count in full (circularized above circular for
	 * circularized). Among several words the class is the word and a
	 * spelling adds w_exact: tuned on CISI, checked on Cranfield. */
	root->solo = root->stem_class;
	if ((*rc = resolve(e, root)) < 0) {
		node_free(root);
		return NULL;
	}
	drop_stop_words(root);
	return root;
}

int dft_ix_search(dft_ix *ix, const char *expr, size_t k, const uint8_t *allowed, size_t bits, int exact_total,
		  dft_ix_result *res)
{
	struct eval e = {ix, 0};
	topk t = {NULL, 0, k ? k : 1};
	if (t.k > (size_t)ix->ndocs + 1) /* every document at most */
		t.k = (size_t)ix->ndocs + 1;
	int64_t scored = 0;
	int rc;
	node *root;
	memset(res, 0, sizeof *res);
	if (!(root = build(&e, expr, &rc)))
		return rc;
	if (!(t.h = malloc(t.k * sizeof *t.h))) {
		node_free(root);
		return dft_error_set(DFT_ENOMEM, "ix: out of memory");
	}
	if (root->type == N_TERM) {
		run_term(&e, root, &t, allowed, bits, &scored);
	} else if (root->type == N_SYN && root->segs) {
		/* one word in several segments: each on its own, documents are disjoint */
		for (int i = 0; i < root->nkids; i++)
			run_term(&e, root->kids[i], &t, allowed, bits, &scored);
	} else if (root->type == N_OR && !root->stem_class) {
		/* (one word's stem class is one term: scored whole below) */
		run_maxscore(&e, root, &t, allowed, bits, &scored);
	} else {
		run_generic(&e, root, &t, allowed, bits, &scored);
	}
	res->total = scored;
	res->total_exact = root->type != N_TERM && root->type != N_OR && !(root->type == N_SYN && root->segs);
	if ((root->type == N_TERM || (root->type == N_SYN && root->segs)) && !allowed) {
		res->total = root->df;
		res->total_exact = 1;
	}
	if (exact_total && !res->total_exact && e.rc == 0) {
		/* count, decoding doc ids only */
		node *again = build(&e, expr, &rc);
		int64_t n = 0;
		if (!again) {
			free(t.h);
			node_free(root);
			return rc;
		}
		for (uint32_t d = next_geq(&e, again, 0); d != IX_DOC_END && e.rc == 0; d = next_geq(&e, again, d + 1))
			n += allowed_doc(allowed, bits, d);
		node_free(again);
		res->total = n;
		res->total_exact = 1;
	}
	node_free(root);
	if (e.rc < 0) {
		free(t.h);
		return e.rc == DFT_ENOMEM ? dft_error_set(DFT_ENOMEM, "ix: out of memory") : e.rc;
	}
	dft_sort(t.h, t.n, sizeof *t.h, cmp_hit);
	res->hits = t.h;
	res->nhits = t.n;
	res->scored = scored;
	return 0;
}

void dft_ix_result_dispose(dft_ix_result *res)
{
	free(res->hits);
	memset(res, 0, sizeof *res);
}
