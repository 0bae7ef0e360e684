/*
 * search.c - running a compiled query (index.h) against the case. SQLite
 * cases: daftar's own index (ix.h, ix_store.c) finds the first page and
 * the total, BM25 with title and path weighing more than the body; filters
 * as SQL on documents/meta/locations/doc_tags (a bitmap the index reads);
 * facets and date orders over dft_hit(id); snippets in the original
 * characters and the page of the first match made in C; a time limit per
 * query on the SQL.
 *
 * Server mode (PostgreSQL): the same query, translated to a tsquery over
 * the tsvector daftar's analyzer made (pgtext.h), ranked by ts_rank with
 * the same column weights, snippets and pages made here in C from the
 * texts of the page of hits. Where it differs from SQLite cases: ts_rank is not
 * BM25 (no inverse document frequency: a rare word does not weigh more
 * than a common one), NEAR does not enforce the distance, fuzzy words~N
 * are expanded from search_terms (which has no document counts, so ties
 * between equally distant words are broken alphabetically, not by how
 * common they are), and a phrase is marked word by word in snippets.
 */
#include "store_internal.h"
#include "daftar/findings.h" /* dft_tag_key */
#include "daftar/ix.h"
#include "daftar/pgtext.h"

#include <stdlib.h>
#include <string.h>

/* The same for ts_rank, whose weights are {D, C, B, A}: body D, path B,
 * title A (pgtext.c labels them so) */
#define TS_WEIGHTS "'{0.1, 0.0, 0.3, 1.0}'"

struct deadline {
	double end;
	int hit;
};

static int progress(void *ctx)
{
	struct deadline *d = ctx;
	if (dft_now() > d->end) {
		d->hit = 1;
		return 1;
	}
	return 0;
}

/* The document's date: as the extractors recorded it. */
#define DOC_DATE "(SELECT value FROM meta m WHERE m.doc_id = d.id AND m.key IN ('date', 'created', 'modified') " \
		 "ORDER BY CASE m.key WHEN 'date' THEN 0 WHEN 'created' THEN 1 ELSE 2 END LIMIT 1)"

/* The documents one filter lets through, as "SELECT id ... ?n": the one
 * place each filter is written (docs/QUERY.md). add_filters joins them to
 * a query as "d.id IN (...)"; filter_bitmap (SQLite cases) runs each alone,
 * from the table that holds the value rather than a probe a document. */
static int filter_select(dft_buf *sql, const dft_query_filter *f, int n)
{
	if (!strcmp(f->field, "type"))
		return dft_buf_addf(sql, "SELECT id FROM documents WHERE type = ?%d", n);
	if (!strcmp(f->field, "lang"))
		return dft_buf_addf(sql, "SELECT id FROM documents WHERE language = ?%d", n);
	if (!strcmp(f->field, "batch"))
		return dft_buf_addf(sql, "SELECT l.doc_id FROM locations l JOIN batches b ON b.id = l.batch_id "
					 "WHERE b.label = ?%d OR CAST(b.id AS TEXT) = ?%d", n, n);
	if (!strcmp(f->field, "path"))
		return dft_buf_addf(sql, "SELECT doc_id FROM locations WHERE instr(lower(path), lower(?%d)) > 0", n);
	if (!strcmp(f->field, "date")) {
		const char *dots = strstr(f->value, "..");
		if (dots) /* lo..hi, either may be empty; compared as ISO text */
			return dft_buf_addf(sql, "SELECT d.id FROM documents d WHERE coalesce(" DOC_DATE ", '') != '' AND "
						 "(substr(?%d, 1, instr(?%d, '..') - 1) = '' OR " DOC_DATE " >= substr(?%d, 1, instr(?%d, '..') - 1)) AND "
						 "(substr(?%d, instr(?%d, '..') + 2) = '' OR substr(" DOC_DATE ", 1, length(substr(?%d, instr(?%d, '..') + 2))) <= substr(?%d, instr(?%d, '..') + 2))",
					    n, n, n, n, n, n, n, n, n, n);
		return dft_buf_addf(sql, "SELECT d.id FROM documents d WHERE substr(" DOC_DATE ", 1, length(?%d)) = ?%d", n, n);
	}
	if (!strcmp(f->field, "docs")) /* form.LABEL:VALUE, resolved by the api into "17,19,44" */
		return dft_buf_addf(sql, "SELECT id FROM documents WHERE instr(',' || ?%d || ',', ',' || CAST(id AS TEXT) || ',') > 0", n);
	if (!strcmp(f->field, "tag")) /* tags on documents (auth.h); the value is bound as its key */
		return dft_buf_addf(sql, "SELECT doc_id FROM doc_tags WHERE key = ?%d", n);
	/* from to subject title: the field is one of query.c's known names */
	return dft_buf_addf(sql, "SELECT doc_id FROM meta WHERE key = '%s' AND instr(lower(value), lower(?%d)) > 0",
			    f->field, n);
}

/* Append the SQL of the filters; values become parameters ?N from first_param on. */
static int add_filters(dft_buf *sql, const dft_query *q, int first_param)
{
	int rc = 0;
	for (size_t i = 0; i < q->nfilters && rc == 0; i++) {
		rc = dft_buf_adds(sql, q->filters[i].negated ? " AND d.id NOT IN (" : " AND d.id IN (");
		if (rc == 0)
			rc = filter_select(sql, &q->filters[i], first_param + (int)i);
		if (rc == 0)
			rc = dft_buf_addc(sql, ')');
	}
	return rc;
}

/* Bind filter i's value as ?n */
static void bind_filter(dft_stmt *s, const dft_query_filter *f, int n)
{
	if (!strcmp(f->field, "tag")) {
		/* tag: matches the tag case-insensitively (NFKC case-folded);
		 * a value that cannot be a tag matches nothing */
		dft_buf key;
		dft_buf_init(&key, 4096);
		if (dft_tag_key(f->value, strlen(f->value), &key) == 0)
			dft_sql_bind_text(s, n, dft_buf_cstr(&key), (int)key.len);
		else
			dft_sql_bind_null(s, n);
		dft_buf_dispose(&key);
		return;
	}
	dft_sql_bind_text(s, n, f->value, -1);
}

static void bind_filters(dft_stmt *s, const dft_query *q, int first_param)
{
	for (size_t i = 0; i < q->nfilters; i++)
		bind_filter(s, &q->filters[i], first_param + (int)i);
}

/* Whether the filters are written into base_sql: not where the matches
 * come from daftar's index (a SQLite case with words), which let through
 * only the documents of the filters' bitmap (search_ix): the facets would
 * run every filter's SQL again. */
static int filters_in_sql(const dft_query *q, int pg)
{
	return pg || !q->match.len;
}

/* FROM ... WHERE ... shared by the hits, the total and the facets. ?1 is
 * the MATCH expression; filters from ?2 (filters_in_sql). */
static int base_sql(dft_buf *sql, const dft_query *q, int pg)
{
	int rc;
	if (q->match.len && pg)
		rc = dft_buf_adds(sql, " FROM search JOIN documents d ON d.id = search.id WHERE search.tsv @@ CAST(?1 AS tsquery)");
	else if (q->match.len) /* the matches of daftar's index (search_ix) */
		rc = dft_buf_adds(sql, " FROM documents d WHERE dft_hit(d.id) AND ?1 IS NOT NULL");
	else
		rc = dft_buf_adds(sql, " FROM documents d WHERE CAST(?1 AS TEXT) IS NULL");
	if (rc == 0 && filters_in_sql(q, pg))
		rc = add_filters(sql, q, 2);
	return rc;
}

/* match: the MATCH expression, or in server mode its tsquery */
static void bind_base(dft_stmt *s, const dft_query *q, const dft_buf *match, int pg)
{
	if (q->match.len)
		dft_sql_bind_text(s, 1, match->ptr, (int64_t)match->len);
	else
		dft_sql_bind_null(s, 1);
	if (filters_in_sql(q, pg))
		bind_filters(s, q, 2);
}

static int step_error(dft_store *st, struct deadline *dl, const char *what)
{
	if (dl->hit || (st->pg && !strcmp(st->pg_sqlstate, "57014")))
		return dft_error_set(DFT_ELIMIT, "the query took longer than the time limit: make it narrower");
	if (!st->pg && strstr(sqlite3_errmsg(st->db), "fts5"))
		return dft_error_set(DFT_EINVAL, "query: %s", sqlite3_errmsg(st->db));
	return dft_store_db_err(st, what);
}

static int run_facet(dft_store *st, const dft_query *q, const dft_buf *match, struct deadline *dl,
		     const char *name, const char *expr,
		     int (*facet)(void *, const char *, const char *, int64_t), void *ctx)
{
	dft_stmt *s;
	dft_buf sql;
	int rc, step;
	dft_buf_init(&sql, 1 << 20);
	rc = dft_buf_addf(&sql, "SELECT v, n FROM (SELECT %s AS v, count(*) AS n", expr);
	if (rc == 0)
		rc = base_sql(&sql, q, st->pg != NULL);
	if (rc == 0)
		rc = dft_buf_adds(&sql, " GROUP BY 1) f WHERE v IS NOT NULL AND v != '' ORDER BY 2 DESC, 1 LIMIT 20");
	if (rc == 0)
		rc = dft_sql_prepare(st, &s, sql.ptr);
	dft_buf_dispose(&sql);
	if (rc < 0)
		return rc;
	bind_base(s, q, match, st->pg != NULL);
	while ((step = dft_sql_step(s)) == DFT_ROW && rc == 0)
		rc = facet(ctx, name, dft_sql_col_text(s, 0), dft_sql_col_int64(s, 1));
	if (rc == 0 && step != DFT_DONE && step != DFT_ROW)
		rc = step_error(st, dl, "facets");
	dft_sql_finalize(s);
	return rc;
}

/* ---- SQLite cases: daftar's own index (ix.h) ---------------------------- */

static int cmp_hit_doc(const void *a, const void *b)
{
	const dft_ix_hit *x = a, *y = b;
	return (x->doc > y->doc) - (x->doc < y->doc);
}

/* One filter's documents as a bitmap over ids (bits: one past the largest) */
static int run_filter(dft_store *st, const dft_query_filter *f, struct deadline *dl, uint8_t **out, size_t *bits)
{
	dft_stmt *s = NULL;
	dft_buf sql;
	uint8_t *b = NULL;
	size_t cap = 0;
	int rc, step;
	dft_buf_init(&sql, 1 << 16);
	rc = filter_select(&sql, f, 1);
	if (rc == 0)
		rc = dft_sql_prepare(st, &s, sql.ptr);
	dft_buf_dispose(&sql);
	if (rc < 0)
		return rc;
	bind_filter(s, f, 1);
	while ((step = dft_sql_step(s)) == DFT_ROW) {
		int64_t id = dft_sql_col_int64(s, 0);
		if (id < 0 || id > (int64_t)UINT32_MAX - 1)
			continue;
		if ((size_t)id / 8 >= cap) {
			size_t ncap = ((size_t)id / 8 + 1) * 2;
			uint8_t *nb = dft_realloc(b, ncap);
			if (!nb) {
				rc = DFT_ENOMEM;
				break;
			}
			memset(nb + cap, 0, ncap - cap);
			b = nb;
			cap = ncap;
		}
		b[id >> 3] |= (uint8_t)(1 << (id & 7));
	}
	if (rc == 0 && step != DFT_DONE)
		rc = step_error(st, dl, "search filters");
	dft_sql_finalize(s);
	if (rc < 0) {
		free(b);
		return rc;
	}
	*out = b;
	*bits = cap * 8;
	return 0;
}

/* The case as of now, for the filter cache: another connection's commits
 * change data_version (read by dft_store_ix_reader, which search_ix calls
 * first), this connection's own writes total_changes. */
static int64_t case_version(const dft_store *st)
{
	return st->ix_version * 1000003 + (int64_t)sqlite3_total_changes64(st->db);
}

/* A filter's bitmap from the connection's cache (a few recent filters: the
 * workbench asks for the same ones page after page and for its facets),
 * else from SQL. The cache owns it. */
static int cached_filter(dft_store *st, const dft_query_filter *f, struct deadline *dl, int64_t version,
			 const uint8_t **out, size_t *bits)
{
	struct dft_filter_cache *c = NULL;
	size_t fl = strlen(f->field), vl = strlen(f->value);
	int rc;
	for (int i = 0; i < DFT_FILTER_CACHE; i++) {
		struct dft_filter_cache *e = &st->filters[i];
		if (e->key && e->version == version && e->key_len == fl + 1 + vl && !memcmp(e->key, f->field, fl) &&
		    !memcmp(e->key + fl + 1, f->value, vl)) {
			e->used = ++st->filters_clock;
			*out = e->bits;
			*bits = e->nbits;
			return 0;
		}
		if (!c || !e->key || (c->key && e->used < c->used))
			c = e; /* the slot to reuse: empty, else the least recently used */
	}
	free(c->key);
	free(c->bits);
	memset(c, 0, sizeof *c);
	if ((rc = run_filter(st, f, dl, &c->bits, &c->nbits)) < 0)
		return rc;
	if (!(c->key = malloc(fl + 1 + vl))) {
		free(c->bits);
		c->bits = NULL;
		return DFT_ENOMEM;
	}
	memcpy(c->key, f->field, fl);
	c->key[fl] = 0;
	memcpy(c->key + fl + 1, f->value, vl);
	c->key_len = fl + 1 + vl;
	c->version = version;
	c->used = ++st->filters_clock;
	*out = c->bits;
	*bits = c->nbits;
	return 0;
}

void dft_store_filters_free(dft_store *st)
{
	for (int i = 0; i < DFT_FILTER_CACHE; i++) {
		free(st->filters[i].key);
		free(st->filters[i].bits);
	}
	memset(st->filters, 0, sizeof st->filters);
}

/* Bytes of a bitmap over every document id */
static int max_doc_bytes(dft_store *st, size_t *nbytes)
{
	int64_t max = 0;
	int rc;
	if ((rc = dft_sql_value(st, "SELECT max(id) FROM documents", &max)) < 0)
		return rc;
	*nbytes = max > 0 && max < (int64_t)UINT32_MAX ? (size_t)max / 8 + 1 : 0;
	return 0;
}

/* The documents the filters let through, as a bitmap over ids: each
 * filter's documents (cached), intersected, a negated one subtracted. */
static int filter_bitmap(dft_store *st, const dft_query *q, struct deadline *dl, uint8_t **out, size_t *bits)
{
	int64_t version = case_version(st);
	size_t nbytes = 0;
	uint8_t *b = NULL;
	int rc = 0;
	/* the result is no wider than the narrowest positive filter; with a
	 * negated one first, as wide as the largest document id */
	for (size_t i = 0; i < q->nfilters && rc == 0; i++) {
		int neg = q->filters[i].negated;
		const uint8_t *fb;
		size_t fbits, fbytes;
		if ((rc = cached_filter(st, &q->filters[i], dl, version, &fb, &fbits)) < 0)
			break;
		fbytes = fbits / 8;
		if (!b) {
			nbytes = fbytes;
			if (neg && (rc = max_doc_bytes(st, &nbytes)) < 0)
				break;
			if (!(b = dft_realloc(NULL, nbytes + 1))) {
				rc = DFT_ENOMEM;
				break;
			}
			memset(b, neg ? 0xff : 0, nbytes + 1);
			if (!neg) {
				if (nbytes)
					memcpy(b, fb, nbytes);
				continue;
			}
		} else if (!neg && fbytes < nbytes) {
			nbytes = fbytes;
		}
		for (size_t k = 0; k < nbytes; k++) {
			uint8_t x = k < fbytes ? fb[k] : 0;
			b[k] = neg ? (uint8_t)(b[k] & ~x) : (uint8_t)(b[k] & x);
		}
	}
	if (rc < 0) {
		free(b);
		return rc;
	}
	if (!b && !(b = dft_realloc(NULL, 1))) /* no filter: nothing is let through */
		return DFT_ENOMEM;
	if (!nbytes)
		b[0] = 0;
	*out = b;
	*bits = nbytes ? nbytes * 8 : 1;
	return 0;
}

/* One hit of a page: path, title and the text its snippet is made from. */
static int emit_ix_hit(dft_store *st, const dft_query *q, const dft_search_opts *o, int64_t id, double score,
		       dft_buf *snippet, int (*hit)(void *ctx, const dft_hit *h), void *ctx)
{
	dft_stmt *s;
	dft_hit h;
	int rc;
	if ((rc = dft_sql_cached(st, &s,
				 "SELECT d.path, (SELECT text FROM texts t WHERE t.doc_id = d.id), "
				 "(SELECT value FROM meta m WHERE m.doc_id = d.id AND m.key IN ('title', 'subject') LIMIT 1) "
				 "FROM documents d WHERE d.id = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	if (dft_sql_step(s) != DFT_ROW) {
		dft_sql_release(st, s);
		return 0; /* indexed, then gone: not a hit */
	}
	{
		const char *text = dft_sql_col_text(s, 1);
		h.id = id;
		h.path = dft_sql_col_text(s, 0);
		h.title = dft_sql_col_text(s, 2);
		h.score = score;
		h.page = 0;
		dft_buf_reset(snippet);
		rc = dft_pg_snippet(text ? text : "", text ? strlen(text) : 0, NULL, dft_buf_cstr(&q->words),
				    o->control_marks, snippet, &h.page);
		h.snippet = dft_buf_cstr(snippet);
		if (rc == 0)
			rc = hit(ctx, &h);
	}
	dft_sql_release(st, s);
	return rc;
}

static int search_ix(dft_store *st, const dft_query *q, const dft_search_opts *o, struct deadline *dl,
		     int (*hit)(void *ctx, const dft_hit *h), void *ctx, dft_search_result *r, dft_buf *snippet)
{
	dft_ix *ix;
	dft_ix_result res;
	uint8_t *allowed = NULL;
	size_t bits = 0;
	int64_t limit = o->limit > 0 ? o->limit : 20, offset = o->offset > 0 ? o->offset : 0;
	int by_date = o->sort && (!strcmp(o->sort, "date") || !strcmp(o->sort, "oldest"));
	int rc;
	memset(&res, 0, sizeof res);
	if ((rc = dft_store_ix_reader(st, &ix)) < 0)
		return rc;
	if (q->nfilters && (rc = filter_bitmap(st, q, dl, &allowed, &bits)) < 0)
		return rc;
	/* the first page by relevance: the top offset + limit, pruned; every
	 * match when facets or a date order need them all */
	rc = dft_ix_search(ix, q->match.ptr, by_date || o->facets ? (size_t)UINT32_MAX / 2 : (size_t)(offset + limit),
			   allowed, bits, 1, &res);
	free(allowed);
	if (rc == DFT_EINVAL)
		return dft_error_set(DFT_EINVAL, "query: %s", dft_error_msg());
	if (rc < 0)
		return rc;
	r->total = res.total;
	if ((by_date || o->facets) && (rc = dft_store_ix_set_hits(st, &res)) < 0)
		goto done;
	if (!by_date) {
		for (size_t i = (size_t)offset; i < res.nhits && i < (size_t)(offset + limit) && rc == 0; i++)
			rc = emit_ix_hit(st, q, o, res.hits[i].doc, res.hits[i].score, snippet, hit, ctx);
	} else {
		/* the page in date order among the matches; scores looked up */
		dft_stmt *s = NULL;
		int step;
		dft_sort(res.hits, res.nhits, sizeof *res.hits, cmp_hit_doc);
		if ((rc = dft_sql_prepare(st, &s, !strcmp(o->sort, "date")
							  ? "SELECT d.id FROM documents d WHERE dft_hit(d.id) "
							    "ORDER BY coalesce(" DOC_DATE ", '') DESC, d.id DESC LIMIT ?1 OFFSET ?2"
							  : "SELECT d.id FROM documents d WHERE dft_hit(d.id) "
							    "ORDER BY coalesce(" DOC_DATE ", '9999') ASC, d.id ASC LIMIT ?1 OFFSET ?2")) < 0)
			goto done;
		dft_sql_bind_int64(s, 1, limit);
		dft_sql_bind_int64(s, 2, offset);
		while (rc == 0 && (step = dft_sql_step(s)) == DFT_ROW) {
			dft_ix_hit key = {(uint32_t)dft_sql_col_int64(s, 0), 0}, *found;
			found = bsearch(&key, res.hits, res.nhits, sizeof *res.hits, cmp_hit_doc);
			rc = emit_ix_hit(st, q, o, key.doc, found ? found->score : 0, snippet, hit, ctx);
		}
		if (rc == 0 && step != DFT_DONE)
			rc = step_error(st, dl, "search");
		dft_sql_finalize(s);
	}
done:
	dft_ix_result_dispose(&res);
	return rc;
}

int dft_store_search(dft_store *st, const dft_query *q, const dft_search_opts *o,
		     int (*hit)(void *ctx, const dft_hit *h),
		     int (*facet)(void *ctx, const char *facet, const char *value, int64_t n),
		     void *ctx, dft_search_result *r)
{
	struct deadline dl;
	dft_stmt *s = NULL;
	dft_buf sql, match, snippet;
	double t0 = dft_now();
	int rc = 0, step, nf = (int)q->nfilters, pg = st->pg != NULL;
	const char *order;

	memset(r, 0, sizeof(*r));
	dl.end = t0 + (o->timeout_s > 0 ? o->timeout_s : 10.0);
	dl.hit = 0;
	dft_buf_init(&sql, 1 << 20);
	dft_buf_init(&match, (size_t)1 << 20);
	dft_buf_init(&snippet, (size_t)1 << 20);
	if (pg) {
		char set[64];
		snprintf(set, sizeof(set), "SET statement_timeout = %d", (int)((dl.end - t0) * 1000));
		if ((rc = dft_sql_exec(st, set)) < 0)
			goto done;
		if (q->match.len && (rc = dft_pg_tsquery(q->match.ptr, q->match.len, &match)) < 0)
			goto done;
	} else {
		sqlite3_progress_handler(st->db, 1000, progress, &dl);
		if ((rc = dft_buf_add(&match, q->match.ptr ? q->match.ptr : "", q->match.len)) < 0)
			goto done;
	}

	if (!pg && q->match.len) {
		if ((rc = search_ix(st, q, o, &dl, hit, ctx, r, &snippet)) < 0 || !o->facets || !facet)
			goto done;
		goto facets;
	}

	/* the total */
	rc = dft_buf_adds(&sql, "SELECT count(*)");
	if (rc == 0)
		rc = base_sql(&sql, q, pg);
	if (rc == 0 && (rc = dft_sql_prepare(st, &s, sql.ptr)) == 0) {
		bind_base(s, q, &match, pg);
		step = dft_sql_step(s);
		if (step == DFT_ROW)
			r->total = dft_sql_col_int64(s, 0);
		else
			rc = step_error(st, &dl, "search");
		dft_sql_finalize(s);
		s = NULL;
	}
	if (rc < 0)
		goto done;

	/* the hits */
	dft_buf_reset(&sql);
	if (o->sort && !strcmp(o->sort, "date"))
		order = "coalesce(" DOC_DATE ", '') DESC, d.id DESC";
	else if (o->sort && !strcmp(o->sort, "oldest"))
		order = "coalesce(" DOC_DATE ", '9999') ASC, d.id ASC";
	else
		order = q->match.len ? (pg ? "rank DESC, d.id" : "rank") : "d.id";
	if (q->match.len && pg) {
		/* rank in the database; snippets and pages below, in C */
		rc = dft_buf_addf(&sql, "WITH top AS (SELECT d.id AS id, ts_rank(" TS_WEIGHTS ", search.tsv, CAST(?1 AS tsquery)) AS rank, "
					"coalesce(" DOC_DATE ", '') AS date");
		if (rc == 0)
			rc = base_sql(&sql, q, pg);
		if (rc == 0)
			rc = dft_buf_addf(&sql, " ORDER BY %s LIMIT ?%d OFFSET ?%d) "
						"SELECT d.id, d.path, top.rank, (SELECT text FROM texts t WHERE t.doc_id = d.id), 0, "
						"(SELECT value FROM meta m WHERE m.doc_id = d.id AND m.key IN ('title', 'subject') LIMIT 1) "
						"FROM top JOIN documents d ON d.id = top.id ORDER BY %s",
					  order, nf + 2, nf + 3,
					  !strcmp(order, "rank DESC, d.id") ? "top.rank DESC, top.id" : o->sort && !strcmp(o->sort, "oldest")
					  ? "coalesce(nullif(top.date, ''), '9999') ASC, top.id ASC" : "top.date DESC, top.id DESC");
	} else {
		rc = dft_buf_adds(&sql, "SELECT d.id, d.path, 0.0, "
					"(SELECT substr(text, 1, 200) FROM texts t WHERE t.doc_id = d.id), NULL, "
					"(SELECT value FROM meta m WHERE m.doc_id = d.id AND m.key IN ('title', 'subject') LIMIT 1), 0");
		if (rc == 0)
			rc = base_sql(&sql, q, pg);
		if (rc == 0)
			rc = dft_buf_addf(&sql, " ORDER BY %s LIMIT ?%d OFFSET ?%d", order, nf + 2, nf + 3);
	}
	if (rc < 0 || (rc = dft_sql_prepare(st, &s, sql.ptr)) < 0)
		goto done;
	bind_base(s, q, &match, pg);
	dft_sql_bind_int64(s, nf + 2, o->limit > 0 ? o->limit : 20);
	dft_sql_bind_int64(s, nf + 3, o->offset > 0 ? o->offset : 0);
	while ((step = dft_sql_step(s)) == DFT_ROW) {
		dft_hit h;
		h.id = dft_sql_col_int64(s, 0);
		h.path = dft_sql_col_text(s, 1);
		h.score = dft_sql_col_double(s, 2);
		h.snippet = dft_sql_col_text(s, 3);
		h.page = dft_sql_col_int64(s, 4);
		h.title = dft_sql_col_text(s, 5);
		if (pg && q->match.len) {
			/* column 3 is the whole text: the snippet is made from it */
			const char *text = h.snippet ? h.snippet : "";
			dft_buf_reset(&snippet);
			if ((rc = dft_pg_snippet(text, strlen(text), NULL, dft_buf_cstr(&q->words), o->control_marks,
						 &snippet, &h.page)) < 0)
				break;
			h.snippet = dft_buf_cstr(&snippet);
		}
		if ((rc = hit(ctx, &h)) < 0)
			break;
	}
	if (rc == 0 && step != DFT_DONE)
		rc = step_error(st, &dl, "search");
	dft_sql_finalize(s);
	s = NULL;
	if (rc < 0 || !o->facets || !facet)
		goto done;

	/* facets */
facets:
	if ((rc = run_facet(st, q, &match, &dl, "type", "d.type", facet, ctx)) < 0 ||
	    (rc = run_facet(st, q, &match, &dl, "language", "d.language", facet, ctx)) < 0 ||
	    (rc = run_facet(st, q, &match, &dl, "batch", "(SELECT b.label FROM batches b WHERE b.id = d.batch_id)", facet, ctx)) < 0 ||
	    (rc = run_facet(st, q, &match, &dl, "year", "substr(" DOC_DATE ", 1, 4)", facet, ctx)) < 0 ||
	    (rc = run_facet(st, q, &match, &dl, "sender_domain",
			    "(SELECT lower(rtrim(substr(m.value, instr(m.value, '@') + 1), '> ')) FROM meta m "
			    "WHERE m.doc_id = d.id AND m.key = 'from' AND instr(m.value, '@') > 0)", facet, ctx)) < 0)
		goto done;
done:
	if (pg)
		dft_sql_exec(st, "SET statement_timeout = 0");
	else
		sqlite3_progress_handler(st->db, 0, NULL, NULL);
	dft_buf_dispose(&sql);
	dft_buf_dispose(&match);
	dft_buf_dispose(&snippet);
	r->took_ms = (dft_now() - t0) * 1000.0;
	return rc;
}

/* ---- fuzzy terms ------------------------------------------------------------ */

struct candidate {
	char *term;
	int dist;
	int64_t docs;
};

static int cmp_candidate(const void *a, const void *b)
{
	const struct candidate *x = a, *y = b;
	if (x->dist != y->dist)
		return x->dist - y->dist;
	return x->docs > y->docs ? -1 : x->docs < y->docs;
}

int dft_store_fuzzy(void *ctx, const char *norm, int dist, dft_buf *out)
{
	dft_store *st = ctx;
	dft_stmt *s;
	struct candidate *c = NULL;
	size_t n = 0, i, first = 1;
	char lo[8], hi[8];
	int rc;

	/* same first character: a typo there is rare, and it bounds the scan */
	while (norm[first] && ((unsigned char)norm[first] & 0xC0) == 0x80)
		first++;
	if (first >= sizeof(lo))
		first = 1;
	memcpy(lo, norm, first);
	lo[first] = '\0';
	memcpy(hi, norm, first);
	hi[first - 1]++;
	hi[first] = '\0';
	/* server mode: search_terms has the words, without document counts */
	if ((rc = dft_sql_prepare(st, &s, st->pg ? "SELECT term, 0 FROM search_terms WHERE term >= ?1 AND term < ?2 "
						     "AND length(term) BETWEEN ?3 AND ?4"
						   : "SELECT term, sum(df) FROM ix_terms WHERE term >= ?1 AND term < ?2 "
						     "AND length(term) BETWEEN ?3 AND ?4 GROUP BY term")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, lo, -1);
	dft_sql_bind_text(s, 2, hi, -1);
	{
		/* length in characters, as SQLite counts them */
		int chars = 0;
		const char *p;
		for (p = norm; *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		dft_sql_bind_int64(s, 3, chars - dist);
		dft_sql_bind_int64(s, 4, chars + dist);
	}
	while (dft_sql_step(s) == DFT_ROW && rc == 0) {
		const char *t = dft_sql_col_text(s, 0);
		int d;
		if (!t || (t[1] == ':' && (t[0] == 's' || t[0] == 'k')))
			continue;
		if ((d = dft_edit_distance(norm, t, dist)) > dist)
			continue;
		if (n % 64 == 0) {
			struct candidate *cc = dft_realloc(c, (n + 64) * sizeof(*c));
			if (!cc) {
				rc = DFT_ENOMEM;
				break;
			}
			c = cc;
		}
		c[n].term = dft_strdup(t);
		c[n].dist = d;
		c[n].docs = dft_sql_col_int64(s, 1);
		n++;
	}
	dft_sql_finalize(s);
	if (rc == 0) {
		dft_sort(c, n, sizeof(*c), cmp_candidate);
		if (n == 0)
			rc = dft_buf_addf(out, "\"%s\"", norm);
		for (i = 0; i < n && i < 32 && rc == 0; i++) {
			const char *t = c[i].term;
			if (i)
				rc = dft_buf_adds(out, " OR ");
			if (rc == 0)
				rc = dft_buf_addc(out, '"');
			for (; *t && rc == 0; t++)
				rc = *t == '"' ? dft_buf_adds(out, "\"\"") : dft_buf_addc(out, *t);
			if (rc == 0)
				rc = dft_buf_addc(out, '"');
		}
	}
	for (i = 0; i < n; i++)
		free(c[i].term);
	free(c);
	return rc;
}
