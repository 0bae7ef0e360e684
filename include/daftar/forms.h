/*
 * forms.h - the forms stage (src/forms/): filled copies of one printed form
 * found from the short labels they share, and the records filled into them
 * (docs/FORMS.md, `daftar forms`, `daftar records`).
 *
 *  - records.c: every stored text is cut into label segments ("label:
 *    value" lines, two columns, "| label | value |" boxes, "label ____");
 *    labels are folded with the analyzer, OCR misreadings of a label are
 *    mapped to its common spelling (edit distance on the folded label),
 *    documents sharing most of their labels become one template, and each
 *    member's fields become a record with their places (page, code points,
 *    the OCR box and confidence).
 *  - kinds.c: what a field holds (date, name, phone, nationality, number)
 *    and its normalised value (ISO date, E.164, ISO 3166, digits).
 *
 *  - stored.c: the set is computed once when the texts change (at the end
 *    of an ingest, or by `daftar forms`) and stored (store.h, tables
 *    form_*), so `records` reads it back with its --where filters as
 *    index lookups; corrections by editors are kept apart and applied
 *    again over every new computation.
 */
#ifndef DAFTAR_FORMS_H
#define DAFTAR_FORMS_H

#include "daftar/core.h"
#include "daftar/store.h"

#include <stddef.h>
#include <stdint.h>

#define DFT_RECORDS_MIN_MEMBERS 3   /* fewer filled copies: not a template */
#define DFT_RECORDS_MAX_LABELS 200  /* labels a template keeps at most */
#define DFT_RECORDS_MAX_SEGMENTS 2000 /* label segments read from one document */
#define DFT_RECORDS_VALUE_MAX 16384 /* bytes of one value kept (cut on a character) */

enum dft_field_kind {
	DFT_FIELD_TEXT = 0,
	DFT_FIELD_NAME,
	DFT_FIELD_DATE,
	DFT_FIELD_PHONE,
	DFT_FIELD_COUNTRY,
	DFT_FIELD_NUMBER
};
/* "text", "name", "date", "phone", "country", "number" */
const char *dft_field_kind_name(int kind);

/* One field of one record. */
typedef struct dft_record_field {
	char *value;      /* as written, "" for an empty or "______" field; NULL: the label is absent */
	char *normalized; /* ISO date, E.164, ISO 3166 alpha-2, digits; NULL when unclear */
	int64_t page, start, end; /* page from 1; code points of that page's text, end exclusive */
	double box[4];    /* x, y, w, h in page pixels, when has_box */
	int has_box;
	double confidence; /* OCR confidence 0..1, or -1 for typed text */
	int64_t entity;    /* names: the entity of the mention there (0: none) */
	int truncated;     /* the value was longer than DFT_RECORDS_VALUE_MAX */
	int64_t bstart, bend; /* bytes of the document's text (entities are looked up there) */
	/* a correction (stored.c): value is then the corrected one */
	char *original;     /* the reading before any correction (NULL: not corrected) */
	char *corrected_by; /* the user */
	char *corrected_at; /* ISO time */
} dft_record_field;

typedef struct dft_record {
	int64_t doc;
	size_t tmpl;              /* index into the set's templates */
	dft_record_field *fields; /* one a label of the template */
} dft_record;

typedef struct dft_record_template {
	int64_t id;        /* 1..n, by size */
	char **labels;     /* the clean spelling of each label, in form order */
	char **readings;   /* the most common reading of each label (OCR included) */
	uint64_t *keys;    /* internal: the labels' canonical ids */
	int *kinds;        /* enum dft_field_kind per label */
	size_t nlabels;
	char language[8];  /* "ar", "en", ... ; "ar+en" for a form in two languages */
	int date_order;    /* 'd' day first, 'm' month first (numeric dates) */
	size_t *records;   /* indexes into the set's records, in document order */
	size_t nrecords;   /* records in this set (a stored set may hold only those asked for) */
	size_t members;    /* filled copies of the template in the case */
} dft_record_template;

/* Two records probably of one person. */
typedef struct dft_record_link {
	int64_t a, b; /* documents */
	char *reason; /* "name key ..., born ..., father ..." */
} dft_record_link;

typedef struct dft_record_set {
	dft_record_template *tmpl;
	size_t ntmpl;
	dft_record *rec;
	size_t nrec;
	dft_record_link *links;
	size_t nlinks;
	/* what the pass saw */
	size_t texts, candidates, rejected;
	double seconds;
	int stored;   /* read from the store's tables (not computed now) */
	int filtered; /* holds only the records that pass the filters it was read with */
} dft_record_set;

typedef struct dft_records_opts {
	size_t min_members; /* 0: DFT_RECORDS_MIN_MEMBERS */
	int no_entities;    /* do not look up name entities */
	int no_boxes;       /* do not read OCR boxes */
} dft_records_opts;

/* Find the templates and read the records of every text in the store.
 * out is disposed with dft_record_set_dispose, also after a failure. */
int dft_records_build(dft_record_set *out, dft_store *st, const dft_records_opts *o);
void dft_record_set_dispose(dft_record_set *s);

/* ---- for tests and the query language ---------------------------------------- */

/* The parsed label segments of one text (records.c's first step), for tests:
 * calls fn with each label and value (as written) and the line's number. */
int dft_records_scan_text(const char *text, size_t len,
			  int (*fn)(void *ctx, const char *label, size_t llen, const char *value, size_t vlen,
				    size_t line),
			  void *ctx);

/* f->normalized set again from f->value for a field of that kind and date
 * order ('d', 'm'): a corrected value is normalised like a read one. */
int dft_record_field_normalize(dft_record_field *f, int kind, int order);

/* Fold a label or value for comparison (the analyzer's surface forms, one
 * space between words; digits ASCII). Appends to out. */
int dft_records_fold(const char *s, size_t n, dft_buf *out);

/* ---- query.c: what `records` asks of a set ---------------------------------- */

/* The template by id, or NULL. */
const dft_record_template *dft_record_set_template(const dft_record_set *s, int64_t id);
/* The index of the template's label the user means by `label` (folded:
 * the same label, one of its words in either language, or within an OCR
 * error), or -1. */
int dft_record_label_find(const dft_record_template *T, const char *label);
/* Does field f hold `value` (folded as written, or normalised: "TN" and
 * "تونسية" both match a Tunisian)? */
int dft_record_field_matches(const dft_record_field *f, int kind, const char *value);
/* The key --count-by counts a field by: its normalised value, else its
 * folded value ("" when empty); unit 'm' (month) or 'y' (year) cuts an ISO
 * date. Appends to out. */
int dft_record_count_key(const dft_record_field *f, int unit, dft_buf *out);

/* One --where LABEL=VALUE, resolved against a template. */
typedef struct dft_record_where {
	const char *label; /* as the user wrote it */
	const char *value;
} dft_record_where;
/* Split "LABEL=VALUE" (the last '=' that leaves a label); DFT_EINVAL when
 * there is none. The strings point into a copy the caller frees (*buf). */
int dft_record_where_parse(const char *spec, dft_record_where *out, char **buf);
/* Does record R of template T pass every filter? A filter naming a label T
 * lacks fails it. */
int dft_record_keep(const dft_record_template *T, const dft_record *R, const dft_record_where *w, size_t n);
/* The same for a record of rs: yes without a look when rs was read with
 * these filters (rs->filtered: the index found them, by 64-bit hashes of
 * the folded and normalised values). */
int dft_record_set_keep(const dft_record_set *rs, const dft_record *R, const dft_record_where *w, size_t n);

/* --count-by: the records (of template tmpl, or all when 0) that pass the
 * filters, counted by dft_record_count_key of the field `label` names
 * ("LABEL", "LABEL:month", "LABEL:year"); most common first. *out is an
 * array of *nout (free with dft_record_counts_free); *total the records
 * counted. DFT_ENOTFOUND when no template has the label. */
typedef struct dft_record_count {
	char *value;         /* "" for the empty ones */
	const char *example; /* one value as written (points into the set) */
	int64_t n;
} dft_record_count;
int dft_records_count(const dft_record_set *rs, int64_t tmpl, const dft_record_where *w, size_t nw,
		      const char *label, dft_record_count **out, size_t *nout, size_t *total);
void dft_record_counts_free(dft_record_count *c, size_t n);

/* The query language's form.LABEL:VALUE filters of a compiled query
 * (index.h) turned into filters of the documents whose filled form has
 * that field holding that value: search (CLI, workbench) calls this after
 * dft_query_compile. A query without them is left as it is. */
struct dft_query;
int dft_records_resolve_query(dft_store *st, struct dft_query *q);

/* ---- ftm.c: records as FollowTheMoney Person entities ------------------------ */

/* Is p a property of an FtM Person? */
int dft_ftm_prop_known(const char *p);
/* The default mapping of T's labels to Person properties (props[l]: a
 * static string, or NULL for a label left out). */
void dft_ftm_mapping_default(const dft_record_template *T, const char **props);
/* A mapping file ("LABEL = property" lines, "#" comments, "-": left out):
 * labels it does not name are left out. DFT_EINVAL with the line at fault. */
int dft_ftm_mapping_read(const dft_record_template *T, const char *text, size_t len, const char **props);

/* ---- kinds.c ------------------------------------------------------------------ */

/* The kind a label names (from its words), or DFT_FIELD_TEXT. */
int dft_field_kind_of_label(const char *folded_label);
/* ISO 3166 alpha-2 of a nationality or country as written ("تونسية",
 * "Moroccan", "المملكة العربية السعودية"), or NULL. */
const char *dft_country_code(const char *value);
/* A date as written → "YYYY-MM-DD" (Hijri with هـ/AH converted). order:
 * 'd' day first or 'm' month first for numeric dates. 0 or DFT_ENOTFOUND. */
int dft_field_date(const char *value, int order, char out[16]);
/* The order the numeric dates of a field are written in: 'd', 'm', or 0 (unclear). */
int dft_field_date_order(const char *value);
/* Digits of a number ("١٢٣", "12,500") → "12500", or DFT_ENOTFOUND. */
int dft_field_number(const char *value, dft_buf *out);
/* A phone number → E.164 when its country code is written ("+963 944 ...",
 * "00963..."), or DFT_ENOTFOUND. */
int dft_field_phone(const char *value, dft_buf *out);

/* ---- stored.c: the set kept in the store ---------------------------------------- */

/* 1 when the stored set was computed from the texts as they are now. */
int dft_records_current(dft_store *st);
/* Compute the set again and store it when the texts changed since it was
 * stored (or force): *updated says whether it was. Needs a writable store. */
int dft_records_update(dft_store *st, int force, int *updated);
/* The set as `records` shows it: the stored one when it is current, with
 * only the records of template tmpl (0: all) that pass the filters (index
 * lookups); else computed from the texts now (a read-only store, or texts
 * added since; the filters are then the caller's to apply: the set holds
 * every record). what: DFT_RECORDS_TEMPLATES (no records),
 * DFT_RECORDS_RECORDS, or with DFT_RECORDS_ENTITIES the entity of every
 * name field looked up too (JSON shows it). */
enum { DFT_RECORDS_TEMPLATES = 0, DFT_RECORDS_RECORDS = 1, DFT_RECORDS_ENTITIES = 2 };
int dft_records_load(dft_record_set *out, dft_store *st, int64_t tmpl, const dft_record_where *w, size_t nw,
		     int what);
/* Correct a field of a document's record: `label` as `records` takes it,
 * `value` the right reading (at most DFT_RECORDS_VALUE_MAX bytes of UTF-8).
 * Stored with the user and the time, the first reading kept, and a custody
 * entry "corrected"; DFT_ENOTFOUND when the document has no record or its
 * template no such label. The store must be writable (or shared). */
int dft_records_correct(dft_store *st, int64_t doc, const char *label, const char *value, const char *user);

/* ---- the store's side (src/store/forms_store.c) ----------------------------------- */

/* Goes up when records.c reads forms differently: a stored set of an older
 * version is computed again. */
#define DFT_RECORDS_VERSION 5

/* The hashes form_fields is looked up by: of the folded value, and of the
 * lower-cased normalised one (*has_nkey 0 when there is none). */
void dft_record_field_keys(const dft_record_field *f, int64_t *fkey, int64_t *nkey, int *has_nkey);

/* begin 1: one read transaction for the reads that follow (SQLite; none
 * when the store is in a transaction already); 0: its end. */
void dft_store_forms_snapshot(dft_store *st, int begin);
/* The texts' state now ("v1 MAXTEXT BATCHES CLOSED") and the one the stored set was
 * computed from ("" when none). */
int dft_store_forms_stamp(dft_store *st, dft_buf *now, dft_buf *saved);
/* Replace the stored set by rs (corrections applied already), as of stamp. */
int dft_store_forms_save(dft_store *st, const dft_record_set *rs, const char *stamp);
/* The stored templates with their labels, no records (out->stored = 1). */
int dft_store_forms_templates(dft_store *st, dft_record_set *out);
/* Add to rs the records of its template index t: those of docs[0..ndocs)
 * (each a member of it), or all of them (docs NULL). */
int dft_store_forms_records(dft_store *st, dft_record_set *rs, size_t t, const int64_t *docs, size_t ndocs);
/* The documents (sorted; *docs freed by the caller) whose field idx of
 * template tmpl has the folded-value hash fkey or one of the nn (<= 3)
 * normalised-value hashes: a superset that dft_record_keep then checks. */
int dft_store_forms_match(dft_store *st, int64_t tmpl, size_t idx, int64_t fkey, const int64_t *nkeys, size_t nn,
			  int64_t **docs, size_t *ndocs);
/* Add to rs the same-person links of docs[0..ndocs) (sorted), or all (NULL). */
int dft_store_forms_links(dft_store *st, dft_record_set *rs, const int64_t *docs, size_t ndocs);
/* The template of a document's record (0: none). */
int dft_store_forms_doc_template(dft_store *st, int64_t doc, int64_t *tmpl);

typedef struct dft_form_correction {
	int64_t doc;
	const char *label, *value, *original, *user, *at;
} dft_form_correction;
int dft_store_forms_corrections(dft_store *st, int (*fn)(void *ctx, const dft_form_correction *c), void *ctx);
/* Store a correction of field idx (labelled `label`) of record R of
 * template tmpl: R->fields[idx] holds the new value, normalised,
 * original, corrected_by and corrected_at; `reading` is the reading it
 * replaces (NULL: absent), for the corrections table and the custody log. */
int dft_store_forms_correct(dft_store *st, int64_t tmpl, const dft_record *R, size_t nlabels, size_t idx,
			    const char *label, const char *reading);

#endif
