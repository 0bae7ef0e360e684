/*
 * forms_store.c - the store's side of forms and records (forms.h "store
 * side"; SQLite migration 11, pg.c's pg_forms_schema): the set computed by
 * records.c written whole when the texts changed, read back a template, a
 * list of documents or a --where lookup at a time, and the editors'
 * corrections (form_corrections, by document and label, so that a new
 * computation applies them again; each one a custody entry "corrected").
 * SQL only: what a field means is src/forms/'s.
 */
#include "store_internal.h"
#include "daftar/forms.h"

#include <stdlib.h>
#include <string.h>

/* ---- the stamp: as of which texts the set was computed ---------------------- */

int dft_store_forms_stamp(dft_store *st, dft_buf *now, dft_buf *saved)
{
	dft_stmt *s;
	int rc, r;
	dft_buf_reset(now);
	dft_buf_reset(saved);
	if ((rc = dft_sql_prepare(st, &s, "SELECT count(*), coalesce(max(doc_id), 0) FROM texts")) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW)
		rc = dft_buf_addf(now, "v%d %lld %lld", DFT_RECORDS_VERSION, (long long)dft_sql_col_int64(s, 0),
				  (long long)dft_sql_col_int64(s, 1));
	else
		rc = dft_store_db_err(st, "counting the texts");
	dft_sql_finalize(s);
	if (rc < 0 || (rc = dft_sql_prepare(st, &s, "SELECT value FROM form_state WHERE key = 'stamp'")) < 0)
		return rc;
	r = dft_sql_step(s);
	if (r == DFT_ROW)
		rc = dft_buf_adds(saved, dft_sql_col_text(s, 0));
	else if (r != DFT_DONE)
		rc = dft_store_db_err(st, "reading the forms' state");
	dft_sql_finalize(s);
	if (now->ptr)
		now->ptr[now->len] = '\0';
	if (saved->ptr)
		saved->ptr[saved->len] = '\0';
	return rc;
}

/* ---- writing the set ------------------------------------------------------------ */

static int state_put(dft_store *st, const char *key, const char *value)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO form_state(key, value) VALUES(?, ?)")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, key, -1);
	dft_sql_bind_text(s, 2, value, -1);
	return dft_store_step_done(st, s, "writing the forms' state");
}

static void bind_text_or_null(dft_stmt *s, int i, const char *v)
{
	if (v)
		dft_sql_bind_text(s, i, v, -1);
	else
		dft_sql_bind_null(s, i);
}

/* The columns of form_fields after doc_id, idx, template (?4 on). */
#define FIELD_COLS                                                                                              \
	"value, normalized, fkey, nkey, page, start, \"end\", byte_start, byte_end, box_x, box_y, box_w, box_h," \
	" confidence, truncated, original, corrected_by, corrected_at"

static int field_insert(dft_store *st, dft_stmt *s, int64_t doc, size_t idx, int64_t tmpl, const dft_record_field *f)
{
	int64_t fkey, nkey;
	int has_nkey, k;
	dft_record_field_keys(f, &fkey, &nkey, &has_nkey);
	dft_sql_reset(s);
	dft_sql_bind_int64(s, 1, doc);
	dft_sql_bind_int64(s, 2, (int64_t)idx);
	dft_sql_bind_int64(s, 3, tmpl);
	dft_sql_bind_text(s, 4, f->value, -1);
	bind_text_or_null(s, 5, f->normalized);
	dft_sql_bind_int64(s, 6, fkey);
	if (has_nkey)
		dft_sql_bind_int64(s, 7, nkey);
	else
		dft_sql_bind_null(s, 7);
	dft_sql_bind_int64(s, 8, f->page);
	dft_sql_bind_int64(s, 9, f->start);
	dft_sql_bind_int64(s, 10, f->end);
	dft_sql_bind_int64(s, 11, f->bstart);
	dft_sql_bind_int64(s, 12, f->bend);
	for (k = 0; k < 4; k++)
		if (f->has_box)
			dft_sql_bind_double(s, 13 + k, f->box[k]);
		else
			dft_sql_bind_null(s, 13 + k);
	if (f->confidence >= 0)
		dft_sql_bind_double(s, 17, f->confidence);
	else
		dft_sql_bind_null(s, 17);
	dft_sql_bind_int64(s, 18, f->truncated);
	bind_text_or_null(s, 19, f->corrected_by ? f->original : NULL);
	bind_text_or_null(s, 20, f->corrected_by);
	bind_text_or_null(s, 21, f->corrected_at);
	return dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, "writing a record's field");
}

int dft_store_forms_save(dft_store *st, const dft_record_set *rs, const char *stamp)
{
	dft_stmt *s = NULL;
	size_t t, r, l, i;
	int rc, own;
	char num[64];
	if ((rc = dft_store_own_begin(st, &own)) < 0)
		return rc;
	if ((rc = dft_sql_exec(st, "DELETE FROM form_fields; DELETE FROM form_records; DELETE FROM form_labels;"
				   " DELETE FROM form_templates; DELETE FROM form_links; DELETE FROM form_state;")) < 0)
		goto done;
	for (t = 0; t < rs->ntmpl && rc == 0; t++) {
		const dft_record_template *T = &rs->tmpl[t];
		if ((rc = dft_sql_prepare(st, &s, "INSERT INTO form_templates(id, language, date_order, members)"
						   " VALUES(?, ?, ?, ?)")) < 0)
			goto done;
		dft_sql_bind_int64(s, 1, T->id);
		dft_sql_bind_text(s, 2, T->language, -1);
		dft_sql_bind_text(s, 3, T->date_order == 'm' ? "m" : "d", 1);
		dft_sql_bind_int64(s, 4, (int64_t)T->members);
		if ((rc = dft_store_step_done(st, s, "writing a template")) < 0)
			goto done;
		if ((rc = dft_sql_prepare(st, &s, "INSERT INTO form_labels(template, idx, label, reading, kind)"
						   " VALUES(?, ?, ?, ?, ?)")) < 0)
			goto done;
		for (l = 0; l < T->nlabels && rc == 0; l++) {
			dft_sql_reset(s);
			dft_sql_bind_int64(s, 1, T->id);
			dft_sql_bind_int64(s, 2, (int64_t)l);
			dft_sql_bind_text(s, 3, T->labels[l], -1);
			dft_sql_bind_text(s, 4, T->readings[l], -1);
			dft_sql_bind_int64(s, 5, T->kinds[l]);
			if (dft_sql_step(s) != DFT_DONE)
				rc = dft_store_db_err(st, "writing a template's label");
		}
		dft_sql_finalize(s);
		s = NULL;
		if (rc < 0 ||
		    (rc = dft_sql_prepare(st, &s, "INSERT INTO form_records(doc_id, template, seq) VALUES(?, ?, ?)")) < 0)
			goto done;
		for (r = 0; r < T->nrecords && rc == 0; r++) {
			dft_sql_reset(s);
			dft_sql_bind_int64(s, 1, rs->rec[T->records[r]].doc);
			dft_sql_bind_int64(s, 2, T->id);
			dft_sql_bind_int64(s, 3, (int64_t)r);
			if (dft_sql_step(s) != DFT_DONE)
				rc = dft_store_db_err(st, "writing a record");
		}
		dft_sql_finalize(s);
		s = NULL;
		if (rc < 0 || (rc = dft_sql_prepare(st, &s, "INSERT INTO form_fields(doc_id, idx, template, " FIELD_COLS
							     ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13,"
							     " ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)")) < 0)
			goto done;
		for (r = 0; r < T->nrecords && rc == 0; r++) {
			const dft_record *R = &rs->rec[T->records[r]];
			for (l = 0; l < T->nlabels && rc == 0; l++)
				if (R->fields[l].value)
					rc = field_insert(st, s, R->doc, l, T->id, &R->fields[l]);
		}
		dft_sql_finalize(s);
		s = NULL;
	}
	if (rc < 0 || (rc = dft_sql_prepare(st, &s, "INSERT INTO form_links(a, b, reason) VALUES(?, ?, ?)"
						  " ON CONFLICT DO NOTHING")) < 0)
		goto done;
	for (i = 0; i < rs->nlinks && rc == 0; i++) {
		dft_sql_reset(s);
		dft_sql_bind_int64(s, 1, rs->links[i].a);
		dft_sql_bind_int64(s, 2, rs->links[i].b);
		dft_sql_bind_text(s, 3, rs->links[i].reason, -1);
		if (dft_sql_step(s) != DFT_DONE)
			rc = dft_store_db_err(st, "writing a same-person link");
	}
	dft_sql_finalize(s);
	s = NULL;
	if (rc < 0 || (rc = state_put(st, "stamp", stamp)) < 0)
		goto done;
	snprintf(num, sizeof(num), "%zu %zu %zu %.3f", rs->texts, rs->candidates, rs->rejected, rs->seconds);
	rc = state_put(st, "counts", num);
done:
	if (s)
		dft_sql_finalize(s);
	return dft_store_own_end(st, own, rc);
}

/* ---- reading it back ------------------------------------------------------------- */

int dft_store_forms_templates(dft_store *st, dft_record_set *out)
{
	dft_stmt *s;
	int rc;
	size_t n = 0, t;
	memset(out, 0, sizeof(*out));
	out->stored = 1;
	if ((rc = dft_sql_prepare(st, &s, "SELECT count(*) FROM form_templates")) < 0)
		return rc;
	n = dft_sql_step(s) == DFT_ROW ? (size_t)dft_sql_col_int64(s, 0) : 0;
	dft_sql_finalize(s);
	if (!(out->tmpl = dft_calloc(n + 1, sizeof(*out->tmpl))))
		return DFT_ENOMEM;
	if ((rc = dft_sql_prepare(st, &s, "SELECT id, language, date_order, members,"
					   " (SELECT count(*) FROM form_labels l WHERE l.template = t.id)"
					   " FROM form_templates t ORDER BY id")) < 0)
		return rc;
	while (rc == 0 && out->ntmpl < n && dft_sql_next(s, &rc)) {
		dft_record_template *T = &out->tmpl[out->ntmpl];
		size_t nl = (size_t)dft_sql_col_int64(s, 4);
		T->id = dft_sql_col_int64(s, 0);
		snprintf(T->language, sizeof(T->language), "%s", dft_sql_col_text(s, 1));
		T->date_order = dft_sql_col_text(s, 2)[0] == 'm' ? 'm' : 'd';
		T->members = (size_t)dft_sql_col_int64(s, 3);
		if (!(T->labels = dft_calloc(nl + 1, sizeof(char *))) || !(T->readings = dft_calloc(nl + 1, sizeof(char *))) ||
		    !(T->keys = dft_calloc(nl + 1, sizeof(uint64_t))) || !(T->kinds = dft_calloc(nl + 1, sizeof(int))))
			rc = DFT_ENOMEM;
		T->nlabels = nl;
		out->ntmpl++;
	}
	dft_sql_finalize(s);
	if (rc < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s, "SELECT template, idx, label, reading, kind FROM form_labels"
					   " ORDER BY template, idx")) < 0)
		return rc;
	t = 0;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		int64_t id = dft_sql_col_int64(s, 0);
		size_t l = (size_t)dft_sql_col_int64(s, 1);
		dft_record_template *T;
		while (t < out->ntmpl && out->tmpl[t].id < id)
			t++;
		if (t == out->ntmpl || out->tmpl[t].id != id || l >= out->tmpl[t].nlabels)
			continue;
		T = &out->tmpl[t];
		T->kinds[l] = (int)dft_sql_col_int64(s, 4);
		if (!(T->labels[l] = dft_strdup(dft_sql_col_text(s, 2))) ||
		    !(T->readings[l] = dft_strdup(dft_sql_col_text(s, 3))))
			rc = DFT_ENOMEM;
	}
	dft_sql_finalize(s);
	for (t = 0; rc == 0 && t < out->ntmpl; t++) {
		size_t l;
		for (l = 0; l < out->tmpl[t].nlabels; l++)
			if (!out->tmpl[t].labels[l] && (!(out->tmpl[t].labels[l] = dft_strdup("")) ||
							 !(out->tmpl[t].readings[l] = dft_strdup(""))))
				rc = DFT_ENOMEM;
	}
	if (rc < 0 || (rc = dft_sql_prepare(st, &s, "SELECT value FROM form_state WHERE key = 'counts'")) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW) {
		const char *v = dft_sql_col_text(s, 0);
		char *e;
		out->texts = (size_t)strtoull(v, &e, 10);
		out->candidates = (size_t)strtoull(e, &e, 10);
		out->rejected = (size_t)strtoull(e, &e, 10);
		out->seconds = strtod(e, NULL);
	}
	dft_sql_finalize(s);
	return 0;
}

/* A new record of template index t for doc (fields absent). */
static int record_add(dft_record_set *rs, size_t t, int64_t doc)
{
	dft_record_template *T = &rs->tmpl[t];
	dft_record *R;
	size_t l;
	if (rs->nrec % 1024 == 0) {
		dft_record *q = dft_realloc(rs->rec, (rs->nrec + 1024) * sizeof(*q));
		if (!q)
			return DFT_ENOMEM;
		rs->rec = q;
	}
	if (T->nrecords % 1024 == 0) {
		size_t *q = dft_realloc(T->records, (T->nrecords + 1024) * sizeof(*q));
		if (!q)
			return DFT_ENOMEM;
		T->records = q;
	}
	R = &rs->rec[rs->nrec];
	R->doc = doc;
	R->tmpl = t;
	if (!(R->fields = dft_calloc(T->nlabels + 1, sizeof(*R->fields))))
		return DFT_ENOMEM;
	for (l = 0; l < T->nlabels; l++)
		R->fields[l].confidence = -1;
	T->records[T->nrecords++] = rs->nrec++;
	return 0;
}

static char *col_strdup(dft_stmt *s, int i, int *rc)
{
	char *v;
	if (dft_sql_col_null(s, i))
		return NULL;
	if (!(v = dft_strdup(dft_sql_col_text(s, i))))
		*rc = DFT_ENOMEM;
	return v;
}

/* A row of "SELECT idx, FIELD_COLS" into f. */
static int field_read(dft_stmt *s, dft_record_field *f)
{
	int rc = 0, k;
	free(f->value);
	free(f->normalized);
	f->value = col_strdup(s, 1, &rc);
	f->normalized = col_strdup(s, 2, &rc);
	f->page = dft_sql_col_int64(s, 5);
	f->start = dft_sql_col_int64(s, 6);
	f->end = dft_sql_col_int64(s, 7);
	f->bstart = dft_sql_col_int64(s, 8);
	f->bend = dft_sql_col_int64(s, 9);
	f->has_box = !dft_sql_col_null(s, 10);
	for (k = 0; k < 4; k++)
		f->box[k] = f->has_box ? dft_sql_col_double(s, 10 + k) : 0;
	f->confidence = dft_sql_col_null(s, 14) ? -1 : dft_sql_col_double(s, 14);
	f->truncated = (int)dft_sql_col_int64(s, 15);
	f->original = col_strdup(s, 16, &rc);
	f->corrected_by = col_strdup(s, 17, &rc);
	f->corrected_at = col_strdup(s, 18, &rc);
	return rc;
}

struct docrec {
	int64_t doc;
	size_t rec;
};

static int cmp_docrec(const void *a, const void *b)
{
	const struct docrec *x = a, *y = b;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

int dft_store_forms_records(dft_store *st, dft_record_set *rs, size_t t, const int64_t *docs, size_t ndocs)
{
	dft_record_template *T = &rs->tmpl[t];
	dft_stmt *s = NULL;
	struct docrec *dr = NULL;
	size_t first = rs->nrec, n, i;
	int rc = 0;
	if (docs) { /* these documents, each with its fields */
		if ((rc = dft_sql_prepare(st, &s, "SELECT idx, " FIELD_COLS " FROM form_fields WHERE doc_id = ?")) < 0)
			return rc;
		for (i = 0; i < ndocs && rc == 0; i++) {
			dft_record *R;
			if ((rc = record_add(rs, t, docs[i])) < 0)
				break;
			R = &rs->rec[rs->nrec - 1];
			dft_sql_reset(s);
			dft_sql_bind_int64(s, 1, docs[i]);
			while (rc == 0 && dft_sql_next(s, &rc)) {
				size_t l = (size_t)dft_sql_col_int64(s, 0);
				if (l < T->nlabels)
					rc = field_read(s, &R->fields[l]);
			}
		}
		dft_sql_finalize(s);
		return rc;
	}
	/* the whole template: its records in order, then its fields */
	if ((rc = dft_sql_prepare(st, &s, "SELECT doc_id FROM form_records WHERE template = ? ORDER BY seq")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, T->id);
	while (rc == 0 && dft_sql_next(s, &rc))
		rc = record_add(rs, t, dft_sql_col_int64(s, 0));
	dft_sql_finalize(s);
	if (rc < 0)
		return rc;
	n = rs->nrec - first;
	if (!(dr = dft_malloc((n + 1) * sizeof(*dr))))
		return DFT_ENOMEM;
	for (i = 0; i < n; i++) {
		dr[i].doc = rs->rec[first + i].doc;
		dr[i].rec = first + i;
	}
	if (n > 1)
		dft_sort(dr, n, sizeof(*dr), cmp_docrec);
	if ((rc = dft_sql_prepare(st, &s, "SELECT idx, " FIELD_COLS ", doc_id FROM form_fields WHERE template = ?")) < 0)
		goto done;
	dft_sql_bind_int64(s, 1, T->id);
	while (rc == 0 && dft_sql_next(s, &rc)) {
		struct docrec key, *hit;
		size_t l = (size_t)dft_sql_col_int64(s, 0);
		key.doc = dft_sql_col_int64(s, 19);
		if (l >= T->nlabels || !(hit = bsearch(&key, dr, n, sizeof(*dr), cmp_docrec)))
			continue;
		rc = field_read(s, &rs->rec[hit->rec].fields[l]);
	}
	dft_sql_finalize(s);
done:
	free(dr);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

int dft_store_forms_match(dft_store *st, int64_t tmpl, size_t idx, int64_t fkey, const int64_t *nkeys, size_t nn,
			  int64_t **docs, size_t *ndocs)
{
	dft_stmt *s;
	int64_t *v = NULL;
	size_t n = 0, cap = 0, i;
	int rc;
	*docs = NULL;
	*ndocs = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT doc_id FROM form_fields WHERE template = ?1 AND idx = ?2 AND fkey = ?3"
					   " UNION SELECT doc_id FROM form_fields WHERE template = ?1 AND idx = ?2"
					   " AND nkey IN (?4, ?5, ?6)")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, tmpl);
	dft_sql_bind_int64(s, 2, (int64_t)idx);
	dft_sql_bind_int64(s, 3, fkey);
	for (i = 0; i < 3; i++)
		if (i < nn)
			dft_sql_bind_int64(s, 4 + (int)i, nkeys[i]);
		else
			dft_sql_bind_null(s, 4 + (int)i);
	while (rc == 0 && dft_sql_next(s, &rc)) {
		if (n == cap) {
			int64_t *q = dft_realloc(v, (cap = cap ? cap * 2 : 256) * sizeof(*q));
			if (!q) {
				rc = DFT_ENOMEM;
				break;
			}
			v = q;
		}
		v[n++] = dft_sql_col_int64(s, 0);
	}
	dft_sql_finalize(s);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (n > 1)
		dft_sort(v, n, sizeof(*v), cmp_i64);
	*docs = v;
	*ndocs = n;
	return 0;
}

int dft_store_forms_links(dft_store *st, dft_record_set *rs, const int64_t *docs, size_t ndocs)
{
	dft_stmt *s;
	size_t i;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, docs ? "SELECT a, b, reason FROM form_links WHERE a = ?1"
						 " UNION SELECT a, b, reason FROM form_links WHERE b = ?1"
					       : "SELECT a, b, reason FROM form_links WHERE ?1 = ?1")) < 0)
		return rc;
	for (i = 0; (docs ? i < ndocs : i < 1) && rc == 0; i++) {
		dft_sql_reset(s);
		dft_sql_bind_int64(s, 1, docs ? docs[i] : 0);
		while (rc == 0 && dft_sql_next(s, &rc)) {
			int64_t a = dft_sql_col_int64(s, 0), b = dft_sql_col_int64(s, 1);
			/* a link between two documents asked for: once */
			if (docs && a != docs[i] && bsearch(&a, docs, ndocs, sizeof(*docs), cmp_i64))
				continue;
			if (rs->nlinks % 256 == 0) {
				dft_record_link *q = dft_realloc(rs->links, (rs->nlinks + 256) * sizeof(*q));
				if (!q) {
					rc = DFT_ENOMEM;
					break;
				}
				rs->links = q;
			}
			rs->links[rs->nlinks].a = a;
			rs->links[rs->nlinks].b = b;
			if (!(rs->links[rs->nlinks].reason = dft_strdup(dft_sql_col_text(s, 2))))
				rc = DFT_ENOMEM;
			else
				rs->nlinks++;
		}
	}
	dft_sql_finalize(s);
	return rc;
}

int dft_store_forms_doc_template(dft_store *st, int64_t doc, int64_t *tmpl)
{
	dft_stmt *s;
	int rc, r;
	*tmpl = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT template FROM form_records WHERE doc_id = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	r = dft_sql_step(s);
	if (r == DFT_ROW)
		*tmpl = dft_sql_col_int64(s, 0);
	else if (r != DFT_DONE)
		rc = dft_store_db_err(st, "reading a record");
	dft_sql_finalize(s);
	return rc;
}

/* ---- corrections --------------------------------------------------------------------- */

int dft_store_forms_corrections(dft_store *st, int (*fn)(void *ctx, const dft_form_correction *c), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "SELECT doc_id, label, value, original, corrected_by, corrected_at"
					   " FROM form_corrections ORDER BY doc_id, label")) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		dft_form_correction c;
		c.doc = dft_sql_col_int64(s, 0);
		c.label = dft_sql_col_text(s, 1);
		c.value = dft_sql_col_text(s, 2);
		c.original = dft_sql_col_null(s, 3) ? NULL : dft_sql_col_text(s, 3);
		c.user = dft_sql_col_text(s, 4);
		c.at = dft_sql_col_text(s, 5);
		rc = fn(ctx, &c);
	}
	dft_sql_finalize(s);
	return rc;
}

static int hash_hex(char out[DFT_SHA256_HEX], const char *s)
{
	return dft_sha256_hex(out, s ? s : "", s ? strlen(s) : 0);
}

int dft_store_forms_correct(dft_store *st, int64_t tmpl, size_t idx, const char *label, int64_t doc,
			    const dft_record_field *f, const char *reading)
{
	dft_stmt *s;
	char sha[DFT_SHA256_HEX];
	int rc, own, r;
	if ((rc = dft_store_own_begin(st, &own)) < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s, "SELECT coalesce(sha256, '') FROM documents WHERE id = ?")) < 0)
		goto done;
	dft_sql_bind_int64(s, 1, doc);
	r = dft_sql_step(s);
	if (r == DFT_ROW)
		snprintf(sha, sizeof(sha), "%s", dft_sql_col_text(s, 0));
	else
		rc = r == DFT_DONE ? dft_error_set(DFT_ENOTFOUND, "there is no document %lld", (long long)doc)
				   : dft_store_db_err(st, "reading a document");
	dft_sql_finalize(s);
	if (rc < 0)
		goto done;
	/* the field: the first reading goes to original, once */
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO form_fields(doc_id, idx, template, " FIELD_COLS
					   ") VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,"
					   " ?16, ?17, ?18, ?19, ?20, ?21)"
					   " ON CONFLICT(doc_id, idx) DO UPDATE SET"
					   " original = CASE WHEN form_fields.corrected_by IS NULL THEN form_fields.value"
					   " ELSE form_fields.original END,"
					   " value = excluded.value, normalized = excluded.normalized, fkey = excluded.fkey,"
					   " nkey = excluded.nkey, corrected_by = excluded.corrected_by,"
					   " corrected_at = excluded.corrected_at")) < 0)
		goto done;
	rc = field_insert(st, s, doc, idx, tmpl, f);
	dft_sql_finalize(s);
	if (rc < 0)
		goto done;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO form_corrections(doc_id, label, value, original, corrected_by,"
					   " corrected_at) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(doc_id, label) DO UPDATE SET"
					   " value = excluded.value, corrected_by = excluded.corrected_by,"
					   " corrected_at = excluded.corrected_at")) < 0)
		goto done;
	dft_sql_bind_int64(s, 1, doc);
	dft_sql_bind_text(s, 2, label, -1);
	dft_sql_bind_text(s, 3, f->value, -1);
	bind_text_or_null(s, 4, reading);
	dft_sql_bind_text(s, 5, f->corrected_by, -1);
	dft_sql_bind_text(s, 6, f->corrected_at, -1);
	if ((rc = dft_store_step_done(st, s, "writing a correction")) < 0)
		goto done;
	if (st->custody) {
		char vsha[DFT_SHA256_HEX], osha[DFT_SHA256_HEX];
		dft_json *j;
		if ((rc = hash_hex(vsha, f->value)) < 0 || (rc = hash_hex(osha, reading)) < 0)
			goto done;
		j = dft_custody_begin(st->custody, "corrected");
		dft_json_key(j, "doc");
		dft_json_int(j, doc);
		dft_json_key(j, "doc_sha256");
		dft_json_str(j, sha);
		dft_json_key(j, "user");
		dft_json_str(j, f->corrected_by);
		dft_json_key(j, "label");
		dft_json_str(j, label);
		dft_json_key(j, "value_sha256");
		dft_json_str(j, vsha);
		dft_json_key(j, "original_sha256");
		dft_json_str(j, osha);
		rc = dft_custody_end(st->custody);
	}
done:
	return dft_store_own_end(st, own, rc);
}
