/*
 * api.h - the one producer of each JSON shape (src/api/api.c): the command
 * line's --json output and the workbench's HTTP API (docs/API.md) both call
 * these, so a shape cannot drift between them (docs/CLI.md,
 * docs/DEDUP.md, docs/ENTITIES.md).
 *
 * Each function writes one complete JSON object into j. On failure it
 * returns a negative DFT_E* code with the message set (dft_error_set) and
 * whatever it wrote into j must be thrown away: DFT_ENOTFOUND for an
 * unknown document, entity or batch, DFT_EINVAL for a bad query.
 */
#ifndef DAFTAR_API_H
#define DAFTAR_API_H

#include "daftar/core.h"
#include "daftar/dedup.h"
#include "daftar/entities.h"
#include "daftar/store.h"

int dft_api_status(dft_store *st, dft_json *j);

typedef struct dft_api_search_params {
	const char *q;
	int64_t limit, offset; /* limit < 0: 20 */
	int facets;
	const char *sort; /* NULL, "relevance", "date", "oldest" */
	int marks;        /* 1: highlighted words between U+0002 and U+0003, not « » */
} dft_api_search_params;
int dft_api_search(dft_store *st, const dft_api_search_params *p, dft_json *j);

typedef struct dft_api_docs_params {
	const char *batch; /* id or label, or NULL */
	const char *type;
	int failed;
	int64_t limit, offset; /* limit < 0: all */
} dft_api_docs_params;
int dft_api_docs(dft_store *st, const dft_api_docs_params *p, dft_json *j);

enum {
	DFT_API_SHOW_TEXT = 1,     /* "text" and "main_text" */
	DFT_API_SHOW_ANNOTATE = 2  /* the workbench's show: extraction notes under
				      "extract_notes"; `extra` writes "tags" and "notes" */
};
/* extra (may be NULL) writes more keys into the object before it closes. */
int dft_api_show(dft_store *st, int64_t id, unsigned flags,
		 int (*extra)(void *ctx, dft_store *st, int64_t id, dft_json *j), void *ctx, dft_json *j);

int dft_api_diff(dft_store *st, int64_t a, int64_t b, dft_json *j);
int dft_api_dups(dft_store *st, const dft_dedup_opts *o, dft_json *j);
int dft_api_new(dft_store *st, int64_t batch, const dft_dedup_opts *o, dft_json *j);

/* stats: what the update pass did (the command line's extra fields), or NULL.
 * q: only entities whose name or a variant contains q (both normalised). */
int dft_api_entities(dft_store *st, const dft_entity_filter *f, const char *q, const dft_entities_stats *stats,
		     dft_json *j);
/* {"entity": {...}, "documents": [...], "cooccurring": [...]} */
int dft_api_entity(dft_store *st, int64_t id, dft_json *j);
/* The entities of one document plus its "mentions". */
int dft_api_doc_entities(dft_store *st, int64_t doc, dft_json *j);
/* One document's fields (id, sha256, path, paths, parent, type, mime,
 * language, batch, size, status, error) into an open object: the shape
 * docs, show and the exports share. Returns the locations' read status. */
int dft_api_doc_fields(dft_json *j, dft_store *st, const dft_doc *d);
/* One mention's fields (entity, type, value, start, end, page) into an
 * open object: the shape every mention list shares (exports too). */
struct dft_doc_mention;
void dft_api_mention_fields(dft_json *j, const struct dft_doc_mention *m);

typedef struct dft_api_graph_params {
	unsigned types;     /* bit (1 << DFT_ENT_*) per type wanted; 0: all */
	int64_t min_weight; /* < 1: 1 */
	int64_t limit;      /* nodes; < 1: 300 */
} dft_api_graph_params;
int dft_api_graph(dft_store *st, const dft_api_graph_params *p, dft_json *j);
/* from, to: "YYYY-MM-DD" or NULL; limit < 1: 5000 */
int dft_api_timeline(dft_store *st, const char *from, const char *to, int64_t limit, dft_json *j);

/* ---- forms and records (src/api/forms_api.c, include/daftar/forms.h) ---- */
struct dft_record_set;
struct dft_record_where;
/* {"templates": [{"id", "documents", "language", "labels", "readings", "kinds", "date_order"}], ...} */
int dft_api_forms(const struct dft_record_set *rs, dft_json *j);
typedef struct dft_api_records_params {
	int64_t tmpl; /* 0: every template */
	const struct dft_record_where *where;
	size_t nwhere;
	const char *count_by; /* "LABEL", "LABEL:month", "LABEL:year", or NULL */
} dft_api_records_params;
/* records (one template: its object; else {"templates": [...]}) or, with
 * count_by, {"count_by", "counts": [{"value", "count", "example"}], "records"}.
 * DFT_ENOTFOUND for an unknown template or a label no template has. */
int dft_api_records(const struct dft_record_set *rs, const dft_api_records_params *p, dft_json *j);
/* "fields": {label: {value, normalized, ..., corrected_by, original}} of one record of rs. */
struct dft_record;
void dft_api_record_fields(dft_json *j, const struct dft_record_set *rs, const struct dft_record *R);

/* ---- places on the map (src/api/places_api.c; entities.h) ---- */
typedef struct dft_place_item {
	int64_t id, documents, mentions, geonameid;
	char *name, *country, *why, *source; /* country, why, source: NULL without coordinates */
	int has_geo;
	double lat, lon;
	char **names; /* its spellings, most mentioned first (at most 64) */
	size_t nnames;
	char **months; /* "YYYY-MM" of its documents' first dates, with how many documents */
	int64_t *month_docs;
	size_t nmonths;
} dft_place_item;
typedef struct dft_route_item {
	int64_t from, to; /* place ids */
	int64_t *docs;
	size_t ndocs;
	char **dates; /* distinct, sorted */
	size_t ndates;
} dft_route_item;
typedef struct dft_places_data {
	dft_place_item *p; /* by documents */
	size_t np;
	dft_route_item *r; /* by from, to */
	size_t nr;
} dft_places_data;
/* Read the case's places and routes (the store's place_geo, routes). */
int dft_places_load(dft_store *st, dft_places_data *out);
void dft_places_data_dispose(dft_places_data *d);
/* {"places": [{"id", "name", "names", "lat", "lon", "country", "documents",
 * "mentions", "why", "source", "geonameid", "months"}], "routes": [{"from",
 * "to", "documents", "dates"}]} (../shared/INTERFACE.md "places") */
int dft_api_places(const dft_places_data *d, dft_json *j);

#endif
