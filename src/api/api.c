/*
 * api.c - the one producer of each JSON shape (include/daftar/api.h): the
 * command line's --json output and the workbench's HTTP API both call these.
 * Shapes: docs/CLI.md (the team's contract: ../shared/INTERFACE.md), docs/DEDUP.md,
 * docs/ENTITIES.md, docs/API.md. Fields may be added, never removed or renamed.
 */
#include "daftar/api.h"
#include "daftar/forms.h"
#include "daftar/index.h"
#include "daftar/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- status ------------------------------------------------------------- */

static void json_counts(dft_json *j, const char *key, const dft_count *c, size_t n)
{
	size_t i;
	dft_json_key(j, key);
	dft_json_obj_open(j);
	for (i = 0; i < n; i++) {
		dft_json_key(j, c[i].key);
		dft_json_int(j, c[i].n);
	}
	dft_json_obj_close(j);
}

int dft_api_status(dft_store *st, dft_json *j)
{
	dft_status s;
	size_t i;
	int rc;
	if ((rc = dft_store_status(st, &s)) < 0)
		return rc;
	dft_json_obj_open(j);
	dft_json_key(j, "documents");
	dft_json_int(j, s.documents);
	dft_json_key(j, "originals");
	dft_json_int(j, s.originals);
	dft_json_key(j, "bytes");
	dft_json_int(j, s.bytes);
	dft_json_key(j, "failed");
	dft_json_int(j, s.failed);
	dft_json_key(j, "pending");
	dft_json_int(j, s.pending);
	dft_json_key(j, "notes");
	dft_json_int(j, s.notes);
	dft_json_key(j, "batches");
	dft_json_arr_open(j);
	for (i = 0; i < s.nbatches; i++) {
		dft_json_obj_open(j);
		dft_json_key(j, "id");
		dft_json_int(j, s.batches[i].id);
		dft_json_key(j, "label");
		dft_json_str(j, s.batches[i].label);
		dft_json_key(j, "documents");
		dft_json_int(j, s.batches[i].documents);
		dft_json_key(j, "at");
		dft_json_str(j, s.batches[i].started_at);
		dft_json_key(j, "closed");
		dft_json_str(j, s.batches[i].closed_at[0] ? s.batches[i].closed_at : NULL);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	json_counts(j, "by_type", s.by_type, s.ntypes);
	json_counts(j, "by_language", s.by_language, s.nlanguages);
	/* what is ciphertext on disk (null: a case in the clear) */
	dft_json_key(j, "encrypted");
	if (dft_store_encrypted(st)) {
		dft_json_obj_open(j);
		dft_json_key(j, "blobs");
		dft_json_bool(j, 1);
		dft_json_key(j, "custody_log"); /* server mode: in the database */
		dft_json_bool(j, !dft_store_is_server(st));
		dft_json_key(j, "database");
		dft_json_bool(j, dft_store_db_encrypted(st));
		dft_json_obj_close(j);
	} else {
		dft_json_null(j);
	}
	dft_json_obj_close(j);
	dft_status_dispose(&s);
	return 0;
}

/* ---- documents ---------------------------------------------------------- */

static int add_path(void *ctx, const char *path, int64_t batch)
{
	(void)batch;
	dft_json_str(ctx, path);
	return 0;
}

int dft_api_doc_fields(dft_json *j, dft_store *st, const dft_doc *d)
{
	int rc;
	dft_json_key(j, "id");
	dft_json_int(j, d->id);
	dft_json_key(j, "sha256");
	dft_json_str(j, d->sha256[0] ? d->sha256 : NULL);
	dft_json_key(j, "path");
	dft_json_str(j, d->path);
	dft_json_key(j, "paths");
	dft_json_arr_open(j);
	rc = dft_store_doc_locations(st, d->id, add_path, j);
	dft_json_arr_close(j);
	dft_json_key(j, "parent");
	if (d->parent)
		dft_json_int(j, d->parent);
	else
		dft_json_null(j);
	dft_json_key(j, "type");
	dft_json_str(j, d->type);
	dft_json_key(j, "mime");
	dft_json_str(j, d->mime);
	dft_json_key(j, "language");
	dft_json_str(j, d->language);
	dft_json_key(j, "batch");
	dft_json_int(j, d->batch);
	dft_json_key(j, "size");
	dft_json_int(j, d->size);
	dft_json_key(j, "status");
	dft_json_str(j, d->status);
	dft_json_key(j, "error");
	dft_json_str(j, d->error);
	return rc;
}

struct docs_ctx {
	dft_store *st;
	dft_json *j;
};

static int docs_one(void *ctx, const dft_doc *d)
{
	struct docs_ctx *c = ctx;
	dft_json_obj_open(c->j);
	(void)dft_api_doc_fields(c->j, c->st, d); /* a path list cut short is no reason to stop */
	dft_json_obj_close(c->j);
	return 0;
}

int dft_api_docs(dft_store *st, const dft_api_docs_params *p, dft_json *j)
{
	dft_doc_filter f;
	struct docs_ctx c = {st, j};
	int rc;
	memset(&f, 0, sizeof(f));
	f.failed_only = p->failed;
	f.type = p->type;
	f.limit = p->limit;
	f.offset = p->offset;
	if (p->batch && (rc = dft_store_batch_find(st, p->batch, &f.batch)) < 0)
		return rc;
	dft_json_obj_open(j);
	dft_json_key(j, "documents");
	dft_json_arr_open(j);
	if ((rc = dft_store_docs(st, &f, docs_one, &c)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}

/* ---- show --------------------------------------------------------------- */

static int add_child_id(void *ctx, int64_t id, const char *path)
{
	(void)path;
	dft_json_int(ctx, id);
	return 0;
}

/* Keys kept in the meta table that show prints as fields of their own. */
static int is_own_field(const char *k)
{
	return !strcmp(k, "main_text") || !strcmp(k, "ocr_words");
}

static int add_meta(void *ctx, const char *k, const char *v)
{
	if (is_own_field(k))
		return 0;
	dft_json_key(ctx, k);
	dft_json_str(ctx, v);
	return 0;
}

struct main_text_ctx {
	dft_json *j;
	int found;
};

/* With the text: main_text (web pages) and ocr_words (scans: the JSON
 * array [[page, x0, y0, x1, y1, start, end], ...] as a string; boxes in
 * image pixels, or PDF points for scanned PDF pages; start/end are byte
 * offsets into text). */
static int add_main_text(void *ctx, const char *k, const char *v)
{
	struct main_text_ctx *mt = ctx;
	if (!strcmp(k, "ocr_words")) {
		dft_json_key(mt->j, "ocr_words");
		dft_json_str(mt->j, v);
		return 0;
	}
	if (strcmp(k, "main_text") != 0)
		return 0;
	dft_json_key(mt->j, "main_text");
	dft_json_str(mt->j, v);
	mt->found = 1;
	return 0;
}

static void json_notes(dft_json *j, const char *key, const char *notes)
{
	const char *p = notes;
	dft_json_key(j, key);
	dft_json_arr_open(j);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		dft_json_strn(j, p, n);
		p += n + (nl ? 1 : 0);
	}
	dft_json_arr_close(j);
}

struct copies_ctx {
	dft_store *st;
	dft_json *j;
};

/* One copy of the shown document: id, path, kind, similarity, and whether
 * it was measured on aligned words (an OCR'd text) */
static int add_copy(void *ctx, const dft_dedup_copy *c)
{
	struct copies_ctx *x = ctx;
	dft_doc d;
	dft_json_obj_open(x->j);
	dft_json_key(x->j, "id");
	dft_json_int(x->j, c->id);
	if (dft_store_doc_get(x->st, c->id, &d) == 0) {
		dft_json_key(x->j, "path");
		dft_json_str(x->j, d.path);
		dft_doc_dispose(&d);
	}
	dft_json_key(x->j, "kind");
	dft_json_str(x->j, c->kind);
	dft_json_key(x->j, "similarity");
	dft_json_double(x->j, c->similarity);
	if (c->media) {
		dft_json_key(x->j, "ocr_aligned");
		dft_json_bool(x->j, 1);
	}
	dft_json_obj_close(x->j);
	return 0;
}

int dft_api_show(dft_store *st, int64_t id, unsigned flags,
		 int (*extra)(void *ctx, dft_store *st, int64_t id, dft_json *j), void *ctx, dft_json *j)
{
	dft_doc d;
	dft_buf text;
	int rc, has_text = 0;
	if ((rc = dft_store_doc_get(st, id, &d)) < 0)
		return rc;
	dft_buf_init(&text, (size_t)1 << 31);
	if ((flags & DFT_API_SHOW_TEXT) && (rc = dft_store_doc_text(st, id, &text, &has_text)) < 0)
		goto done;
	dft_json_obj_open(j);
	(void)dft_api_doc_fields(j, st, &d);
	if (d.stored && d.sha256[0] && !(flags & DFT_API_SHOW_ANNOTATE)) {
		/* the file in the case that holds its bytes (in an encrypted
		 * case named by a keyed hash, not the SHA-256); the command
		 * line only: the workbench does not tell its file system */
		dft_buf blob;
		dft_buf_init(&blob, 1 << 16);
		if (dft_store_blob_path(st, d.sha256, &blob) == 0) {
			dft_json_key(j, "blob");
			dft_json_str(j, dft_buf_cstr(&blob));
		}
		dft_buf_dispose(&blob);
	}
	dft_json_key(j, "children");
	dft_json_arr_open(j);
	dft_store_doc_children(st, id, add_child_id, j);
	dft_json_arr_close(j);
	dft_json_key(j, "meta");
	dft_json_obj_open(j);
	dft_store_doc_meta(st, id, add_meta, j);
	dft_json_obj_close(j);
	dft_json_key(j, "pages");
	if (d.pages)
		dft_json_int(j, d.pages);
	else
		dft_json_null(j);
	json_notes(j, flags & DFT_API_SHOW_ANNOTATE ? "extract_notes" : "notes", d.notes);
	/* its copies: same text, near copies, copies across media (dedup.c) */
	{
		struct copies_ctx cc = {st, j};
		dft_json_key(j, "copies");
		dft_json_arr_open(j);
		if ((rc = dft_dedup_copies(st, id, 0, add_copy, &cc)) < 0)
			goto done;
		dft_json_arr_close(j);
	}
	/* where the original lay on the ingesting machine: for the command
	 * line, not for workbench users (a viewer learns nothing of the
	 * server's disks) */
	if (!(flags & DFT_API_SHOW_ANNOTATE)) {
		dft_json_key(j, "source");
		dft_json_str(j, d.source);
	}
	if (flags & DFT_API_SHOW_TEXT) {
		struct main_text_ctx mt = {j, 0};
		dft_json_key(j, "text");
		dft_json_strn(j, has_text ? dft_buf_cstr(&text) : NULL, text.len);
		dft_store_doc_meta(st, id, add_main_text, &mt);
		if (!mt.found) {
			dft_json_key(j, "main_text");
			dft_json_null(j);
		}
	}
	if (extra && (rc = extra(ctx, st, id, j)) < 0)
		goto done;
	dft_json_obj_close(j);
	rc = 0;
done:
	dft_buf_dispose(&text);
	dft_doc_dispose(&d);
	return rc;
}

/* ---- search ------------------------------------------------------------- */

struct search_ctx {
	dft_store *st;
	dft_json *j;
	char facet[32];
	int in_facets;
};

static int on_hit(void *ctx, const dft_hit *h)
{
	struct search_ctx *c = ctx;
	dft_json_obj_open(c->j);
	dft_json_key(c->j, "id");
	dft_json_int(c->j, h->id);
	dft_json_key(c->j, "path");
	dft_json_str(c->j, h->path);
	dft_json_key(c->j, "paths");
	dft_json_arr_open(c->j);
	dft_store_doc_locations(c->st, h->id, add_path, c->j);
	dft_json_arr_close(c->j);
	dft_json_key(c->j, "title");
	dft_json_str(c->j, h->title);
	dft_json_key(c->j, "score");
	dft_json_double(c->j, h->score);
	dft_json_key(c->j, "page");
	if (h->page > 0)
		dft_json_int(c->j, h->page);
	else
		dft_json_null(c->j);
	dft_json_key(c->j, "snippet");
	dft_json_str(c->j, h->snippet);
	dft_json_obj_close(c->j);
	return 0;
}

static int on_facet(void *ctx, const char *facet, const char *value, int64_t n)
{
	struct search_ctx *c = ctx;
	if (!c->in_facets) {
		/* the hits are all written: the facets follow them */
		dft_json_arr_close(c->j);
		dft_json_key(c->j, "facets");
		dft_json_obj_open(c->j);
		c->in_facets = 1;
	}
	if (strcmp(c->facet, facet) != 0) {
		if (c->facet[0])
			dft_json_obj_close(c->j);
		dft_json_key(c->j, facet);
		dft_json_obj_open(c->j);
		snprintf(c->facet, sizeof(c->facet), "%s", facet);
	}
	dft_json_key(c->j, value);
	dft_json_int(c->j, n);
	return 0;
}

int dft_api_search(dft_store *st, const dft_api_search_params *p, dft_json *j)
{
	dft_query q;
	dft_search_opts o;
	dft_search_result r;
	struct search_ctx c;
	int rc;
	if ((rc = dft_query_compile(&q, p->q ? p->q : "", dft_store_fuzzy, st)) < 0 ||
	    (rc = dft_records_resolve_query(st, &q)) < 0) {
		dft_query_dispose(&q);
		return rc;
	}
	dft_log("FTS5 expression: %s", dft_buf_cstr(&q.match));
	memset(&o, 0, sizeof(o));
	o.limit = p->limit >= 0 ? p->limit : 20;
	o.offset = p->offset;
	o.facets = p->facets;
	o.sort = p->sort;
	o.control_marks = p->marks;
	memset(&c, 0, sizeof(c));
	c.st = st;
	c.j = j;
	dft_json_obj_open(j);
	dft_json_key(j, "query");
	dft_json_str(j, p->q);
	dft_json_key(j, "hits");
	dft_json_arr_open(j);
	rc = dft_store_search(st, &q, &o, on_hit, on_facet, &c, &r);
	if (rc >= 0) {
		if (c.in_facets) {
			dft_json_obj_close(j); /* the last facet */
			dft_json_obj_close(j); /* facets */
		} else {
			dft_json_arr_close(j);
			if (p->facets) {
				dft_json_key(j, "facets");
				dft_json_obj_open(j);
				dft_json_obj_close(j);
			}
		}
		dft_json_key(j, "total");
		dft_json_int(j, r.total);
		dft_json_key(j, "took_ms");
		dft_json_double(j, r.took_ms);
		dft_json_key(j, "fts5");
		dft_json_str(j, dft_buf_cstr(&q.match));
		dft_json_obj_close(j);
		rc = 0;
	}
	dft_query_dispose(&q);
	return rc;
}

/* ---- dups, new, diff ------------------------------------------------------ */

struct dups_ctx {
	dft_store *st;
	dft_json *j;
};

static int on_cluster(void *ctx, const dft_dedup_cluster *c)
{
	struct dups_ctx *d = ctx;
	size_t i;
	dft_json_obj_open(d->j);
	dft_json_key(d->j, "kind");
	dft_json_str(d->j, c->kind);
	dft_json_key(d->j, "similarity");
	dft_json_double(d->j, c->similarity);
	dft_json_key(d->j, "representative");
	dft_json_int(d->j, c->representative);
	dft_json_key(d->j, "documents");
	dft_json_arr_open(d->j);
	for (i = 0; i < c->ndocs; i++)
		dft_json_int(d->j, c->docs[i]);
	dft_json_arr_close(d->j);
	if (c->kind[0] == 'e') {
		dft_json_key(d->j, "paths");
		dft_json_arr_open(d->j);
		dft_store_doc_locations(d->st, c->docs[0], add_path, d->j);
		dft_json_arr_close(d->j);
	}
	if (c->template_rep) { /* near copies of a filled form: compared on the filled-in part */
		dft_json_key(d->j, "template");
		dft_json_int(d->j, c->template_rep);
	}
	if (c->media) { /* copies across media: a link measured by the aligned words of an OCR'd text */
		dft_json_key(d->j, "ocr_aligned");
		dft_json_bool(d->j, 1);
	}
	if (!strcmp(c->kind, "template")) {
		size_t f;
		dft_json_key(d->j, "template_words");
		dft_json_int(d->j, (int64_t)c->template_words);
		dft_json_key(d->j, "fields");
		dft_json_arr_open(d->j);
		for (f = 0; f < c->nfields; f++) {
			dft_json_obj_open(d->j);
			dft_json_key(d->j, "label");
			dft_json_str(d->j, c->fields[f].label);
			dft_json_key(d->j, "values");
			dft_json_arr_open(d->j);
			for (i = 0; i < c->ndocs; i++) {
				if (!c->fields[f].values[i])
					continue;
				dft_json_obj_open(d->j);
				dft_json_key(d->j, "document");
				dft_json_int(d->j, c->docs[i]);
				dft_json_key(d->j, "value");
				dft_json_str(d->j, c->fields[f].values[i]);
				dft_json_obj_close(d->j);
			}
			dft_json_arr_close(d->j);
			dft_json_obj_close(d->j);
		}
		dft_json_arr_close(d->j);
	}
	dft_json_obj_close(d->j);
	return 0;
}

static void json_dedup_summary(dft_json *j, const dft_dedup_summary *s, double threshold)
{
	dft_json_key(j, "threshold");
	dft_json_double(j, threshold);
	dft_json_key(j, "signed");
	dft_json_int(j, s->signed_now);
	dft_json_key(j, "signatures");
	dft_json_int(j, s->documents);
	dft_json_key(j, "lsh");
	dft_json_obj_open(j);
	dft_json_key(j, "bands");
	dft_json_int(j, s->bands);
	dft_json_key(j, "rows");
	dft_json_int(j, s->rows);
	dft_json_key(j, "candidates");
	dft_json_int(j, (int64_t)s->near.candidates);
	dft_json_key(j, "exact_checks");
	dft_json_int(j, (int64_t)s->near.exact);
	dft_json_key(j, "big_buckets");
	dft_json_int(j, (int64_t)s->near.big_buckets);
	dft_json_obj_close(j);
	dft_json_key(j, "forms");
	dft_json_obj_open(j);
	dft_json_key(j, "candidates");
	dft_json_int(j, (int64_t)s->form_candidates);
	dft_json_key(j, "families");
	dft_json_int(j, (int64_t)s->form_families);
	dft_json_key(j, "members");
	dft_json_int(j, (int64_t)s->form_members);
	dft_json_key(j, "rejected");
	dft_json_int(j, (int64_t)s->form_rejected);
	dft_json_key(j, "candidates_filled");
	dft_json_int(j, (int64_t)s->forms_near.candidates);
	dft_json_key(j, "seconds");
	dft_json_double(j, s->form_seconds);
	dft_json_obj_close(j);
	dft_json_key(j, "media"); /* copies across media: character-gram LSH, aligned words */
	dft_json_obj_open(j);
	dft_json_key(j, "candidates");
	dft_json_int(j, (int64_t)s->media_near.candidates);
	dft_json_key(j, "aligned");
	dft_json_int(j, (int64_t)s->media_aligned);
	dft_json_key(j, "seconds");
	dft_json_double(j, s->media_seconds);
	dft_json_obj_close(j);
	dft_json_key(j, "seconds");
	dft_json_double(j, s->seconds);
}

int dft_api_dups(dft_store *st, const dft_dedup_opts *o, dft_json *j)
{
	dft_dedup_summary sum;
	struct dups_ctx c = {st, j};
	int rc;
	dft_json_obj_open(j);
	dft_json_key(j, "clusters");
	dft_json_arr_open(j);
	if ((rc = dft_dedup_clusters(st, o, on_cluster, &c, &sum)) < 0)
		return rc;
	dft_json_arr_close(j);
	json_dedup_summary(j, &sum, o->threshold > 0 ? o->threshold : 0.8);
	dft_json_obj_close(j);
	return 0;
}


static void json_ids(dft_json *j, const char *key, const dft_dedup_verdicts *c, const char *k1, const char *k2)
{
	size_t i;
	dft_json_key(j, key);
	dft_json_arr_open(j);
	for (i = 0; i < c->n; i++)
		if (!strcmp(c->v[i].kind, k1) || (k2 && !strcmp(c->v[i].kind, k2)))
			dft_json_int(j, c->v[i].id);
	dft_json_arr_close(j);
}

int dft_api_new(dft_store *st, int64_t batch, const dft_dedup_opts *o, dft_json *j)
{
	dft_dedup_summary sum;
	dft_dedup_verdicts c = {0};
	size_t i;
	int rc;
	if ((rc = dft_dedup_new(st, batch, o, dft_dedup_verdicts_add, &c, &sum)) < 0) {
		free(c.v);
		return rc;
	}
	dft_json_obj_open(j);
	dft_json_key(j, "batch");
	dft_json_int(j, batch);
	json_ids(j, "new", &c, "new", NULL);
	json_ids(j, "copies", &c, "exact", "text");
	json_ids(j, "near_copies", &c, "near", NULL);
	dft_json_key(j, "unchecked"); /* new by their bytes: no text to compare */
	dft_json_arr_open(j);
	for (i = 0; i < c.n; i++)
		if (!c.v[i].compared)
			dft_json_int(j, c.v[i].id);
	dft_json_arr_close(j);
	dft_json_key(j, "of");
	dft_json_arr_open(j);
	for (i = 0; i < c.n; i++) {
		if (!c.v[i].of)
			continue;
		dft_json_obj_open(j);
		dft_json_key(j, "id");
		dft_json_int(j, c.v[i].id);
		dft_json_key(j, "kind");
		dft_json_str(j, c.v[i].kind);
		dft_json_key(j, "of");
		dft_json_int(j, c.v[i].of);
		dft_json_key(j, "similarity");
		dft_json_double(j, c.v[i].similarity);
		if (c.v[i].template_rep) {
			dft_json_key(j, "template");
			dft_json_int(j, c.v[i].template_rep);
		}
		if (c.v[i].media) {
			dft_json_key(j, "ocr_aligned");
			dft_json_bool(j, 1);
		}
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	json_dedup_summary(j, &sum, o->threshold > 0 ? o->threshold : 0.8);
	dft_json_obj_close(j);
	free(c.v);
	return 0;
}

int dft_api_diff(dft_store *st, int64_t ia, int64_t ib, dft_json *j)
{
	dft_buf ta, tb;
	dft_diff d;
	int rc, ha = 0, hb = 0;
	size_t i;
	dft_buf_init(&ta, (size_t)1 << 31);
	dft_buf_init(&tb, (size_t)1 << 31);
	dft_diff_init(&d);
	if ((rc = dft_store_doc_text(st, ia, &ta, &ha)) < 0 || (rc = dft_store_doc_text(st, ib, &tb, &hb)) < 0 ||
	    (rc = dft_diff_texts(&d, dft_buf_cstr(&ta), ta.len, dft_buf_cstr(&tb), tb.len)) < 0)
		goto done;
	dft_json_obj_open(j);
	dft_json_key(j, "a");
	dft_json_int(j, ia);
	dft_json_key(j, "b");
	dft_json_int(j, ib);
	dft_json_key(j, "words_a");
	dft_json_int(j, (int64_t)d.words_a);
	dft_json_key(j, "words_b");
	dft_json_int(j, (int64_t)d.words_b);
	dft_json_key(j, "deleted");
	dft_json_int(j, (int64_t)d.deleted);
	dft_json_key(j, "inserted");
	dft_json_int(j, (int64_t)d.inserted);
	dft_json_key(j, "similarity");
	dft_json_double(j, d.similarity);
	dft_json_key(j, "anchored");
	dft_json_bool(j, d.anchored);
	dft_json_key(j, "changes");
	dft_json_arr_open(j);
	for (i = 0; i < d.nops; i++) {
		const dft_diff_op *op = &d.ops[i];
		if (op->op == DFT_DIFF_EQUAL)
			continue;
		dft_json_obj_open(j);
		dft_json_key(j, "op");
		dft_json_str(j, op->op == DFT_DIFF_DELETE ? "delete" : "insert");
		dft_json_key(j, "a_words");
		dft_json_arr_open(j);
		dft_json_int(j, (int64_t)op->a_from);
		dft_json_int(j, (int64_t)op->a_to);
		dft_json_arr_close(j);
		dft_json_key(j, "b_words");
		dft_json_arr_open(j);
		dft_json_int(j, (int64_t)op->b_from);
		dft_json_int(j, (int64_t)op->b_to);
		dft_json_arr_close(j);
		dft_json_key(j, "text");
		if (op->op == DFT_DIFF_DELETE)
			dft_json_strn(j, ta.ptr + op->a_start, op->a_end - op->a_start);
		else
			dft_json_strn(j, tb.ptr + op->b_start, op->b_end - op->b_start);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	rc = 0;
done:
	dft_diff_dispose(&d);
	dft_buf_dispose(&ta);
	dft_buf_dispose(&tb);
	return rc;
}

/* ---- entities ------------------------------------------------------------- */

struct ent_ctx {
	dft_store *st;
	dft_json *j;
	dft_buf norm_q, norm;
	int match;
	int64_t skip, left; /* q: offset and limit applied here */
};

static int on_variant_name(void *ctx, const char *value, int64_t mentions, const char *reason)
{
	(void)mentions;
	(void)reason;
	dft_json_str(ctx, value);
	return 0;
}

static int on_variant_detail(void *ctx, const char *value, int64_t mentions, const char *reason)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_json_key(j, "value");
	dft_json_str(j, value);
	dft_json_key(j, "mentions");
	dft_json_int(j, mentions);
	dft_json_key(j, "reason");
	dft_json_str(j, reason);
	dft_json_obj_close(j);
	return 0;
}

static int json_entity(dft_json *j, dft_store *st, const dft_entity_row *e)
{
	int rc;
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_int(j, e->id);
	dft_json_key(j, "type");
	dft_json_str(j, dft_entity_type_name(e->type));
	dft_json_key(j, "name");
	dft_json_str(j, e->name);
	dft_json_key(j, "variants");
	dft_json_arr_open(j);
	if ((rc = dft_store_entity_variants(st, e->id, on_variant_name, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_key(j, "documents");
	dft_json_int(j, e->documents);
	dft_json_key(j, "mentions");
	dft_json_int(j, e->mentions);
	dft_json_key(j, "variants_detail");
	dft_json_arr_open(j);
	if ((rc = dft_store_entity_variants(st, e->id, on_variant_detail, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}

/* The text as one folded string: each word normalised, one space between. */
static void fold_text(dft_buf *out, const char *s)
{
	dft_buf_reset(out);
	while (*s) {
		size_t n;
		while (*s == ' ' || *s == '\t' || *s == '-' || *s == '\'' || *s == '.')
			s++;
		n = strcspn(s, " \t-'.");
		if (!n)
			break;
		if (out->len)
			dft_buf_addc(out, ' ');
		dft_normalize_word(s, n, out);
		s += n;
	}
}

static int on_variant_match(void *ctx, const char *value, int64_t mentions, const char *reason)
{
	struct ent_ctx *c = ctx;
	(void)mentions;
	(void)reason;
	fold_text(&c->norm, value);
	if (strstr(dft_buf_cstr(&c->norm), dft_buf_cstr(&c->norm_q)))
		c->match = 1;
	return c->match; /* stop at the first */
}

static int on_entity(void *ctx, const dft_entity_row *e)
{
	struct ent_ctx *c = ctx;
	int rc;
	if (c->norm_q.len) {
		c->match = 0;
		fold_text(&c->norm, e->name);
		if (strstr(dft_buf_cstr(&c->norm), dft_buf_cstr(&c->norm_q)))
			c->match = 1;
		else if ((rc = dft_store_entity_variants(c->st, e->id, on_variant_match, c)) < 0)
			return rc;
		if (!c->match)
			return 0;
		if (c->skip > 0) {
			c->skip--;
			return 0;
		}
		if (c->left == 0)
			return 1; /* enough */
		if (c->left > 0)
			c->left--;
	}
	return json_entity(c->j, c->st, e);
}

int dft_api_entities(dft_store *st, const dft_entity_filter *f, const char *q, const dft_entities_stats *stats,
		     dft_json *j)
{
	struct ent_ctx c;
	dft_entity_filter g = *f;
	int rc;
	memset(&c, 0, sizeof c);
	c.st = st;
	c.j = j;
	dft_buf_init(&c.norm_q, 4096);
	dft_buf_init(&c.norm, 1 << 20);
	if (q && *q) {
		fold_text(&c.norm_q, q);
		c.skip = f->offset;
		c.left = f->limit > 0 ? f->limit : -1;
		g.limit = 0;
		g.offset = 0;
	}
	dft_json_obj_open(j);
	dft_json_key(j, "entities");
	dft_json_arr_open(j);
	rc = dft_store_entities_list(st, &g, on_entity, &c);
	dft_buf_dispose(&c.norm_q);
	dft_buf_dispose(&c.norm);
	if (rc < 0)
		return rc;
	dft_json_arr_close(j);
	if (stats) {
		dft_json_key(j, "scanned");
		dft_json_int(j, stats->scanned);
		dft_json_key(j, "mentions_found");
		dft_json_int(j, stats->mentions);
		dft_json_key(j, "bytes_scanned");
		dft_json_int(j, stats->text_bytes);
		dft_json_key(j, "models");
		dft_json_str(j, stats->models);
		dft_json_key(j, "extract_seconds");
		dft_json_double(j, stats->extract_seconds);
		dft_json_key(j, "resolve_seconds");
		dft_json_double(j, stats->resolve_seconds);
		dft_json_key(j, "seconds");
		dft_json_double(j, stats->extract_seconds + stats->resolve_seconds);
	}
	dft_json_obj_close(j);
	return 0;
}

struct one_ctx {
	dft_store *st;
	dft_json *j;
	int found;
};

static int on_one_entity(void *ctx, const dft_entity_row *e)
{
	struct one_ctx *c = ctx;
	c->found = 1;
	dft_json_key(c->j, "entity");
	return json_entity(c->j, c->st, e);
}

static int on_entity_doc(void *ctx, int64_t doc, const char *path, int64_t mentions)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_int(j, doc);
	dft_json_key(j, "path");
	dft_json_str(j, path);
	dft_json_key(j, "mentions");
	dft_json_int(j, mentions);
	dft_json_obj_close(j);
	return 0;
}

static void json_node(dft_json *j, const dft_entity_row *r)
{
	dft_json_key(j, "id");
	dft_json_int(j, r->id);
	dft_json_key(j, "type");
	dft_json_str(j, dft_entity_type_name(r->type));
	dft_json_key(j, "name");
	dft_json_str(j, r->name);
	dft_json_key(j, "documents");
	dft_json_int(j, r->documents);
}

static int on_cooccurring(void *ctx, const dft_entity_row *r, int64_t shared)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	json_node(j, r);
	dft_json_key(j, "shared");
	dft_json_int(j, shared);
	dft_json_obj_close(j);
	return 0;
}

int dft_api_entity(dft_store *st, int64_t id, dft_json *j)
{
	dft_entity_filter f;
	struct one_ctx c = {st, j, 0};
	int rc;
	memset(&f, 0, sizeof f);
	f.type = -1;
	f.id = id;
	f.limit = 1;
	dft_json_obj_open(j);
	if ((rc = dft_store_entities_list(st, &f, on_one_entity, &c)) < 0)
		return rc;
	if (!c.found)
		return dft_error_set(DFT_ENOTFOUND, "no entity %lld", (long long)id);
	dft_json_key(j, "documents");
	dft_json_arr_open(j);
	if ((rc = dft_store_entity_documents(st, id, 1000, on_entity_doc, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_key(j, "cooccurring");
	dft_json_arr_open(j);
	if ((rc = dft_store_entity_cooccurring(st, id, 100, on_cooccurring, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}

static int on_doc_entity(void *ctx, const dft_entity_row *e)
{
	struct one_ctx *c = ctx;
	return json_entity(c->j, c->st, e);
}

void dft_api_mention_fields(dft_json *j, const dft_doc_mention *m)
{
	dft_json_key(j, "entity");
	if (m->entity)
		dft_json_int(j, m->entity);
	else
		dft_json_null(j);
	dft_json_key(j, "type");
	dft_json_str(j, dft_entity_type_name(m->type));
	dft_json_key(j, "value");
	dft_json_str(j, m->value);
	dft_json_key(j, "start");
	dft_json_int(j, m->start);
	dft_json_key(j, "end");
	dft_json_int(j, m->end);
	dft_json_key(j, "page");
	dft_json_int(j, m->page);
}

static int on_mention(void *ctx, const dft_doc_mention *m)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_api_mention_fields(j, m);
	dft_json_obj_close(j);
	return 0;
}

int dft_api_doc_entities(dft_store *st, int64_t doc, dft_json *j)
{
	dft_entity_filter f;
	struct one_ctx c = {st, j, 0};
	dft_doc d;
	int rc;
	if ((rc = dft_store_doc_get(st, doc, &d)) < 0)
		return rc;
	dft_doc_dispose(&d);
	memset(&f, 0, sizeof f);
	f.type = -1;
	f.doc = doc;
	dft_json_obj_open(j);
	dft_json_key(j, "document");
	dft_json_int(j, doc);
	dft_json_key(j, "entities");
	dft_json_arr_open(j);
	if ((rc = dft_store_entities_list(st, &f, on_doc_entity, &c)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_key(j, "mentions");
	dft_json_arr_open(j);
	if ((rc = dft_store_doc_mentions(st, doc, on_mention, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}

struct graph_ctx {
	dft_json *j;
	int in_edges;
};

static int on_node(void *ctx, const dft_entity_row *r)
{
	struct graph_ctx *g = ctx;
	dft_json_obj_open(g->j);
	json_node(g->j, r);
	dft_json_obj_close(g->j);
	return 0;
}

static int on_edge(void *ctx, int64_t a, int64_t b, int64_t documents)
{
	struct graph_ctx *g = ctx;
	if (!g->in_edges) {
		dft_json_arr_close(g->j);
		dft_json_key(g->j, "edges");
		dft_json_arr_open(g->j);
		g->in_edges = 1;
	}
	dft_json_obj_open(g->j);
	dft_json_key(g->j, "a");
	dft_json_int(g->j, a);
	dft_json_key(g->j, "b");
	dft_json_int(g->j, b);
	dft_json_key(g->j, "documents");
	dft_json_int(g->j, documents);
	dft_json_obj_close(g->j);
	return 0;
}

int dft_api_graph(dft_store *st, const dft_api_graph_params *p, dft_json *j)
{
	struct graph_ctx g = {j, 0};
	dft_buf types;
	int t, rc;
	dft_buf_init(&types, 4096);
	if (p->types) {
		dft_buf_addc(&types, ',');
		for (t = 0; t < DFT_ENT__COUNT; t++)
			if (p->types & (1u << t))
				dft_buf_addf(&types, "%s,", dft_entity_type_name(t));
	}
	dft_json_obj_open(j);
	dft_json_key(j, "nodes");
	dft_json_arr_open(j);
	rc = dft_store_entity_graph(st, p->types ? dft_buf_cstr(&types) : NULL, p->min_weight,
				    p->limit > 0 ? p->limit : 300, on_node, on_edge, &g);
	dft_buf_dispose(&types);
	if (rc < 0)
		return rc;
	if (!g.in_edges) {
		dft_json_arr_close(j);
		dft_json_key(j, "edges");
		dft_json_arr_open(j);
	}
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}

static int on_date(void *ctx, const dft_dated_mention *m)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_json_key(j, "date");
	dft_json_str(j, m->date);
	dft_json_key(j, "hijri");
	dft_json_str(j, m->extra && !strncmp(m->extra, "hijri:", 6) ? m->extra + 6 : NULL);
	dft_json_key(j, "doc");
	dft_json_int(j, m->doc);
	dft_json_key(j, "page");
	dft_json_int(j, m->page);
	dft_json_key(j, "surface");
	dft_json_str(j, m->surface);
	dft_json_obj_close(j);
	return 0;
}

int dft_api_timeline(dft_store *st, const char *from, const char *to, int64_t limit, dft_json *j)
{
	int rc;
	dft_json_obj_open(j);
	dft_json_key(j, "dates");
	dft_json_arr_open(j);
	if ((rc = dft_store_timeline(st, from, to, limit > 0 ? limit : 5000, on_date, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}
