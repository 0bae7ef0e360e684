/*
 * forms_store.c - the store's side of forms and records (forms.h "store
 * side"; SQLite migration 11, pg.c's pg_forms_schema): the set computed by
 * records.c when the texts changed, its templates and links written anew
 * and each record only when it changed (or came, or went), read back a template, a
 * list of documents or a --where lookup at a time, and the editors'
 * corrections (form_corrections, by document and label, so that a new
 * computation applies them again; each one a custody entry "corrected").
 * SQL only: what a field means is src/forms/'s.
 */
#include "store_internal.h"
#include "daftar/forms.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

/* ---- the stamp: as of which texts the set was computed ---------------------- */

int dft_store_forms_stamp(dft_store *st, dft_buf *now, dft_buf *saved)
{
	dft_stmt *s;
	int rc, r;
	dft_buf_reset(now);
	dft_buf_reset(saved);
	/* cheap, not a count of the texts (a scan of them): a text is written
	 * with a new document or in a batch, and a batch ends closed, so a
	 * new text moves one of these */
	if ((rc = dft_sql_prepare(st, &s, "SELECT (SELECT coalesce(max(doc_id), 0) FROM texts),"
					   " (SELECT coalesce(max(id), 0) FROM batches),"
					   " (SELECT count(closed_at) FROM batches)")) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW)
		rc = dft_buf_addf(now, "v%d %lld %lld %lld", DFT_RECORDS_VERSION, (long long)dft_sql_col_int64(s, 0),
				  (long long)dft_sql_col_int64(s, 1), (long long)dft_sql_col_int64(s, 2));
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

/* A read of several statements sees one state of the case, and SQLite
 * takes its read lock once, not once a statement. */
void dft_store_forms_snapshot(dft_store *st, int begin)
{
	if (!st->db || st->in_txn)
		return;
	sqlite3_exec(st->db, begin ? "BEGIN" : "COMMIT", NULL, NULL, NULL);
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

/* ---- a record packed: its fields in one blob -------------------------------------
 * For each field present: u32 idx, u32 flags (1 box, 2 confidence, 4
 * truncated), i64 page, start, end, byte start, byte end, f64 box[4],
 * f64 confidence, then value, normalized, original, corrected_by,
 * corrected_at each as u32 length (0xffffffff: none) and bytes; all
 * little-endian as this machine writes them (the case is read where it
 * was written, as dedup_sigs' signatures are). */

#define NONE_LEN 0xffffffffu

static int put_str(dft_buf *b, const char *s)
{
	uint32_t n = s ? (uint32_t)strlen(s) : NONE_LEN;
	int rc = dft_buf_add(b, &n, sizeof(n));
	return rc < 0 || !s ? rc : dft_buf_add(b, s, n);
}

static int record_pack(dft_buf *b, const dft_record *R, size_t nlabels)
{
	size_t l;
	int rc = 0;
	dft_buf_reset(b);
	for (l = 0; l < nlabels && rc == 0; l++) {
		const dft_record_field *f = &R->fields[l];
		uint32_t head[2];
		int64_t pos[5];
		double d[5];
		if (!f->value)
			continue;
		head[0] = (uint32_t)l;
		head[1] = (f->has_box ? 1u : 0) | (f->confidence >= 0 ? 2u : 0) | (f->truncated ? 4u : 0);
		pos[0] = f->page, pos[1] = f->start, pos[2] = f->end, pos[3] = f->bstart, pos[4] = f->bend;
		memcpy(d, f->box, sizeof(f->box));
		d[4] = f->confidence;
		if ((rc = dft_buf_add(b, head, sizeof(head))) < 0 || (rc = dft_buf_add(b, pos, sizeof(pos))) < 0 ||
		    (rc = dft_buf_add(b, d, sizeof(d))) < 0 || (rc = put_str(b, f->value)) < 0 ||
		    (rc = put_str(b, f->normalized)) < 0 || (rc = put_str(b, f->corrected_by ? f->original : NULL)) < 0 ||
		    (rc = put_str(b, f->corrected_by)) < 0 || (rc = put_str(b, f->corrected_at)) < 0)
			break;
	}
	return rc;
}

static int get_str(const unsigned char **p, const unsigned char *e, char **out)
{
	uint32_t n;
	*out = NULL;
	if ((size_t)(e - *p) < sizeof(n))
		return DFT_ECORRUPT;
	memcpy(&n, *p, sizeof(n));
	*p += sizeof(n);
	if (n == NONE_LEN)
		return 0;
	if ((size_t)(e - *p) < n)
		return DFT_ECORRUPT;
	if (!(*out = dft_malloc((size_t)n + 1)))
		return DFT_ENOMEM;
	memcpy(*out, *p, n);
	(*out)[n] = '\0';
	*p += n;
	return 0;
}

static int record_unpack(dft_record *R, size_t nlabels, const void *blob, size_t len)
{
	const unsigned char *p = blob, *e = p + len;
	int rc = 0;
	while (p < e && rc == 0) {
		uint32_t head[2];
		int64_t pos[5];
		double d[5];
		dft_record_field *f, tmp;
		if ((size_t)(e - p) < sizeof(head) + sizeof(pos) + sizeof(d))
			return dft_error_set(DFT_ECORRUPT, "a stored record of document %lld is cut", (long long)R->doc);
		memcpy(head, p, sizeof(head));
		p += sizeof(head);
		memcpy(pos, p, sizeof(pos));
		p += sizeof(pos);
		memcpy(d, p, sizeof(d));
		p += sizeof(d);
		memset(&tmp, 0, sizeof(tmp));
		f = head[0] < nlabels ? &R->fields[head[0]] : &tmp;
		if (f->value) /* the same field twice: keep the first */
			f = &tmp;
		f->page = pos[0], f->start = pos[1], f->end = pos[2], f->bstart = pos[3], f->bend = pos[4];
		f->has_box = (head[1] & 1) != 0;
		memcpy(f->box, d, sizeof(f->box));
		f->confidence = head[1] & 2 ? d[4] : -1;
		f->truncated = (head[1] & 4) != 0;
		if ((rc = get_str(&p, e, &f->value)) < 0 || (rc = get_str(&p, e, &f->normalized)) < 0 ||
		    (rc = get_str(&p, e, &f->original)) < 0 || (rc = get_str(&p, e, &f->corrected_by)) < 0 ||
		    (rc = get_str(&p, e, &f->corrected_at)) < 0) {
			if (rc == DFT_ECORRUPT)
				rc = dft_error_set(DFT_ECORRUPT, "a stored record of document %lld is cut", (long long)R->doc);
		}
		if (f == &tmp) {
			free(tmp.value);
			free(tmp.normalized);
			free(tmp.original);
			free(tmp.corrected_by);
			free(tmp.corrected_at);
		}
	}
	return rc;
}

enum { REC_INSERT, REC_FIELDS, REC_REWRITE };

/* A record's row and its fields' rows, its fields packed in b already:
 * REC_INSERT a new record; REC_FIELDS its fields only (a correction);
 * REC_REWRITE its template, place and fields (the set computed again). */
static int record_put(dft_store *st, int64_t tmpl, int64_t seq, const dft_record *R, size_t nlabels,
		      const dft_buf *b, int how)
{
	dft_stmt *s;
	size_t l;
	int rc;
	if ((rc = dft_sql_cached(st, &s, how == REC_FIELDS    ? "UPDATE form_records SET fields = ?4 WHERE doc_id = ?1"
					 : how == REC_REWRITE ? "UPDATE form_records SET template = ?2, seq = ?3,"
								 " fields = ?4 WHERE doc_id = ?1"
							      : "INSERT INTO form_records(doc_id, template, seq, fields)"
								" VALUES(?1, ?2, ?3, ?4)")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, R->doc);
	if (how != REC_FIELDS) {
		dft_sql_bind_int64(s, 2, tmpl);
		dft_sql_bind_int64(s, 3, seq);
	}
	dft_sql_bind_blob(s, 4, b->ptr ? b->ptr : "", (int64_t)b->len);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, "writing a record");
	dft_sql_release(st, s);
	if (rc == 0 && how == REC_REWRITE) {
		if ((rc = dft_sql_cached(st, &s, "DELETE FROM form_fields WHERE doc_id = ?")) < 0)
			return rc;
		dft_sql_bind_int64(s, 1, R->doc);
		rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, "writing a record");
		dft_sql_release(st, s);
	}
	if (rc < 0)
		return rc;
	if ((rc = dft_sql_cached(st, &s, "INSERT INTO form_fields(doc_id, idx, template, fkey, nkey) VALUES(?, ?, ?, ?, ?)"
					  " ON CONFLICT(doc_id, idx) DO UPDATE SET fkey = excluded.fkey, nkey = excluded.nkey")) < 0)
		return rc;
	for (l = 0; l < nlabels && rc == 0; l++) {
		int64_t fkey, nkey;
		int has_nkey;
		if (!R->fields[l].value)
			continue;
		dft_record_field_keys(&R->fields[l], &fkey, &nkey, &has_nkey);
		dft_sql_reset(s);
		dft_sql_bind_int64(s, 1, R->doc);
		dft_sql_bind_int64(s, 2, (int64_t)l);
		dft_sql_bind_int64(s, 3, tmpl);
		dft_sql_bind_int64(s, 4, fkey);
		if (has_nkey)
			dft_sql_bind_int64(s, 5, nkey);
		else
			dft_sql_bind_null(s, 5);
		if (dft_sql_step(s) != DFT_DONE)
			rc = dft_store_db_err(st, "writing a record's field");
	}
	dft_sql_release(st, s);
	return rc;
}

/* What is stored of a record: enough to see whether it changed. */
struct was {
	int64_t doc, tmpl, seq;
	uint64_t hash; /* of its packed fields */
	int kept;
};

static int cmp_was(const void *a, const void *b)
{
	const struct was *x = a, *y = b;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

/* Run sql (one document id) for each stored record not kept. */
static int remove_gone(dft_store *st, const char *sql, const struct was *was, size_t nwas)
{
	dft_stmt *s;
	size_t i;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, sql)) < 0)
		return rc;
	for (i = 0; i < nwas && rc == 0; i++) {
		if (was[i].kept)
			continue;
		dft_sql_reset(s);
		dft_sql_bind_int64(s, 1, was[i].doc);
		if (dft_sql_step(s) != DFT_DONE)
			rc = dft_store_db_err(st, "removing a record");
	}
	dft_sql_finalize(s);
	return rc;
}

static int stored_records(dft_store *st, struct was **out, size_t *nout)
{
	dft_stmt *s;
	struct was *v = NULL;
	size_t n = 0, cap = 0;
	int rc;
	*out = NULL;
	*nout = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT doc_id, template, seq, fields FROM form_records")) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		if (n == cap) {
			struct was *q = dft_realloc(v, (cap = cap ? cap * 2 : 1024) * sizeof(*q));
			if (!q) {
				rc = DFT_ENOMEM;
				break;
			}
			v = q;
		}
		v[n].doc = dft_sql_col_int64(s, 0);
		v[n].tmpl = dft_sql_col_int64(s, 1);
		v[n].seq = dft_sql_col_int64(s, 2);
		v[n].hash = XXH3_64bits(dft_sql_col_blob(s, 3), (size_t)dft_sql_col_bytes(s, 3));
		v[n++].kept = 0;
	}
	dft_sql_finalize(s);
	if (rc < 0) {
		free(v);
		return rc;
	}
	if (n > 1)
		dft_sort(v, n, sizeof(*v), cmp_was);
	*out = v;
	*nout = n;
	return 0;
}

int dft_store_forms_save(dft_store *st, const dft_record_set *rs, const char *stamp)
{
	dft_stmt *s = NULL;
	size_t t, r, l, i;
	int rc, own;
	char num[64];
	dft_buf pack;
	struct was *was = NULL;
	size_t nwas = 0, unchanged = 0;
	dft_buf_init(&pack, (size_t)DFT_RECORDS_MAX_LABELS * (DFT_RECORDS_VALUE_MAX + 256) * 2);
	if ((rc = dft_store_own_begin(st, &own)) < 0) {
		dft_buf_dispose(&pack);
		return rc;
	}
	/* the templates, links and state anew; a record written only when it
	 * changed (a second delivery of 10 forms writes about 10 records) */
	if ((rc = stored_records(st, &was, &nwas)) < 0 ||
	    (rc = dft_sql_exec(st, "DELETE FROM form_labels; DELETE FROM form_templates; DELETE FROM form_links;"
				   " DELETE FROM form_state;")) < 0)
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
		for (r = 0; r < T->nrecords && rc == 0; r++) {
			const dft_record *R = &rs->rec[T->records[r]];
			struct was key, *w;
			if ((rc = record_pack(&pack, R, T->nlabels)) < 0)
				break;
			memset(&key, 0, sizeof key);
			key.doc = R->doc;
			w = nwas ? bsearch(&key, was, nwas, sizeof(*was), cmp_was) : NULL;
			if (w) {
				w->kept = 1;
				if (w->tmpl == T->id && w->seq == (int64_t)r &&
				    w->hash == XXH3_64bits(pack.ptr ? pack.ptr : "", pack.len)) {
					unchanged++;
					continue;
				}
			}
			rc = record_put(st, T->id, (int64_t)r, R, T->nlabels, &pack, w ? REC_REWRITE : REC_INSERT);
		}
	}
	/* the records of documents that are no filled form any more */
	if (rc == 0 && (rc = remove_gone(st, "DELETE FROM form_records WHERE doc_id = ?", was, nwas)) == 0)
		rc = remove_gone(st, "DELETE FROM form_fields WHERE doc_id = ?", was, nwas);
	if (rc == 0)
		dft_log("forms: %zu records unchanged, %zu written", unchanged, rs->nrec - unchanged);
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
	free(was);
	dft_buf_dispose(&pack);
	rc = dft_store_own_end(st, own, rc);
	/* a set is tens of MB of WAL: folded into the database now, so that
	 * a reader opening the case next does not read the WAL through */
	if (rc == 0 && own && st->db)
		sqlite3_exec(st->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL);
	return rc;
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

int dft_store_forms_records(dft_store *st, dft_record_set *rs, size_t t, const int64_t *docs, size_t ndocs)
{
	dft_record_template *T = &rs->tmpl[t];
	dft_stmt *s = NULL;
	size_t i;
	int rc = 0;
	if (docs) { /* these documents */
		if ((rc = dft_sql_prepare(st, &s, "SELECT fields FROM form_records WHERE doc_id = ?")) < 0)
			return rc;
		for (i = 0; i < ndocs && rc == 0; i++) {
			dft_sql_reset(s);
			dft_sql_bind_int64(s, 1, docs[i]);
			if (dft_sql_step(s) != DFT_ROW)
				continue;
			if ((rc = record_add(rs, t, docs[i])) == 0)
				rc = record_unpack(&rs->rec[rs->nrec - 1], T->nlabels, dft_sql_col_blob(s, 0),
						   (size_t)dft_sql_col_bytes(s, 0));
		}
		dft_sql_finalize(s);
		return rc;
	}
	/* the whole template, in order */
	if ((rc = dft_sql_prepare(st, &s, "SELECT doc_id, fields FROM form_records WHERE template = ? ORDER BY seq")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, T->id);
	while (rc == 0 && dft_sql_next(s, &rc))
		if ((rc = record_add(rs, t, dft_sql_col_int64(s, 0))) == 0)
			rc = record_unpack(&rs->rec[rs->nrec - 1], T->nlabels, dft_sql_col_blob(s, 1),
					   (size_t)dft_sql_col_bytes(s, 1));
	dft_sql_finalize(s);
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
	int rc;
	/* one read of the table (a link a pair of forms of one person: few),
	 * the links of the documents asked for kept */
	if ((rc = dft_sql_prepare(st, &s, "SELECT a, b, reason FROM form_links ORDER BY a, b")) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		int64_t a = dft_sql_col_int64(s, 0), b = dft_sql_col_int64(s, 1);
		if (docs && !bsearch(&a, docs, ndocs, sizeof(*docs), cmp_i64) &&
		    !bsearch(&b, docs, ndocs, sizeof(*docs), cmp_i64))
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

int dft_store_forms_correct(dft_store *st, int64_t tmpl, const dft_record *R, size_t nlabels, size_t idx,
			    const char *label, const char *reading)
{
	dft_stmt *s;
	char sha[DFT_SHA256_HEX];
	int rc, own;
	int64_t doc = R->doc;
	const dft_record_field *f = &R->fields[idx];
	dft_buf pack;
	dft_buf_init(&pack, (size_t)DFT_RECORDS_MAX_LABELS * (DFT_RECORDS_VALUE_MAX + 256) * 2);
	if ((rc = dft_store_own_begin(st, &own)) < 0) {
		dft_buf_dispose(&pack);
		return rc;
	}
	if ((rc = dft_store_doc_sha(st, doc, sha)) < 0)
		goto done;
	/* the record with the corrected field (its first reading in original) */
	if ((rc = record_pack(&pack, R, nlabels)) < 0 || (rc = record_put(st, tmpl, 0, R, nlabels, &pack, REC_FIELDS)) < 0)
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
	dft_buf_dispose(&pack);
	return dft_store_own_end(st, own, rc);
}
