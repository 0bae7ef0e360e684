/*
 * stored.c - the record set kept in the store (forms.h; the tables are
 * forms_store.c's). records.c computes templates and records from every
 * text, which takes seconds on 22,000 forms; so the set is computed when
 * the texts change (the end of an ingest, `daftar forms`, or the first
 * `records` that finds it older than the texts and may write) and stored,
 * and `records` reads back only what it asks for: a template's records,
 * or the documents a --where finds through the indexes of hashed folded
 * and normalised values (64-bit: what dft_record_keep would keep).
 *
 * Corrections are the editors' (the workbench, `daftar correct`): kept by
 * document and label apart from the computed set, and applied again over
 * every new computation, the computed reading kept as the original.
 */
#include "daftar/forms.h"
#include "daftar/entities.h"
#include "daftar/text.h"

#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static int64_t hash_of(const dft_buf *b)
{
	return (int64_t)XXH3_64bits(b->ptr ? b->ptr : "", b->len);
}

/* lower-cased ASCII of s into b */
static int lower_into(dft_buf *b, const char *s)
{
	size_t i, n = strlen(s);
	int rc;
	dft_buf_reset(b);
	if ((rc = dft_buf_add(b, s, n)) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if (b->ptr[i] >= 'A' && b->ptr[i] <= 'Z')
			b->ptr[i] = (char)(b->ptr[i] + 32);
	return 0;
}

void dft_record_field_keys(const dft_record_field *f, int64_t *fkey, int64_t *nkey, int *has_nkey)
{
	dft_buf b;
	dft_buf_init(&b, DFT_RECORDS_VALUE_MAX * 4);
	*fkey = 0;
	*nkey = 0;
	*has_nkey = 0;
	if (f->value && dft_records_fold(f->value, strlen(f->value), &b) == 0)
		*fkey = hash_of(&b);
	if (f->normalized && lower_into(&b, f->normalized) == 0) {
		*nkey = hash_of(&b);
		*has_nkey = 1;
	}
	dft_buf_dispose(&b);
}

/* ---- corrections over a computed set ------------------------------------------- */

struct docrec {
	int64_t doc;
	size_t rec;
};

static int cmp_docrec(const void *a, const void *b)
{
	const struct docrec *x = a, *y = b;
	return x->doc < y->doc ? -1 : x->doc > y->doc;
}

struct apply_ctx {
	dft_record_set *rs;
	struct docrec *dr;
	size_t n;
};

/* The label of T a correction names: the same clean spelling, else as a user names it. */
static int label_index(const dft_record_template *T, const char *label)
{
	size_t l;
	for (l = 0; l < T->nlabels; l++)
		if (!strcmp(T->labels[l], label))
			return (int)l;
	return dft_record_label_find(T, label);
}

static int on_correction(void *ctx, const dft_form_correction *c)
{
	struct apply_ctx *a = ctx;
	struct docrec key, *hit;
	dft_record *R;
	const dft_record_template *T;
	dft_record_field *f;
	int l;
	memset(&key, 0, sizeof key);
	key.doc = c->doc;
	if (!(hit = bsearch(&key, a->dr, a->n, sizeof(*a->dr), cmp_docrec)))
		return 0; /* the document is no form any more: the correction waits */
	R = &a->rs->rec[hit->rec];
	T = &a->rs->tmpl[R->tmpl];
	if ((l = label_index(T, c->label)) < 0)
		return 0;
	f = &R->fields[l];
	free(f->original);
	f->original = f->value;
	f->value = NULL;
	if (!(f->value = dft_strdup(c->value)) || !(f->corrected_by = dft_strdup(c->user)) ||
	    !(f->corrected_at = dft_strdup(c->at)))
		return DFT_ENOMEM;
	return dft_record_field_normalize(f, T->kinds[l], T->date_order);
}

/* Apply the stored corrections to a set just computed. */
static int apply_corrections(dft_store *st, dft_record_set *rs)
{
	struct apply_ctx a;
	size_t i;
	int rc;
	a.rs = rs;
	a.n = rs->nrec;
	if (!(a.dr = dft_malloc((rs->nrec + 1) * sizeof(*a.dr))))
		return DFT_ENOMEM;
	for (i = 0; i < rs->nrec; i++) {
		a.dr[i].doc = rs->rec[i].doc;
		a.dr[i].rec = i;
	}
	if (a.n > 1)
		dft_sort(a.dr, a.n, sizeof(*a.dr), cmp_docrec);
	rc = dft_store_forms_corrections(st, on_correction, &a);
	free(a.dr);
	return rc;
}

/* ---- computed, stored ----------------------------------------------------------------- */

int dft_records_current(dft_store *st)
{
	dft_buf now, saved;
	int rc;
	dft_buf_init(&now, 256);
	dft_buf_init(&saved, 256);
	rc = dft_store_forms_stamp(st, &now, &saved);
	if (rc == 0)
		rc = saved.len && !strcmp(dft_buf_cstr(&now), dft_buf_cstr(&saved));
	else
		dft_error_clear();
	dft_buf_dispose(&now);
	dft_buf_dispose(&saved);
	return rc < 0 ? 0 : rc;
}

int dft_records_update(dft_store *st, int force, int *updated)
{
	dft_buf now, saved;
	dft_record_set rs;
	dft_records_opts o;
	int rc;
	double t0 = dft_now();
	if (updated)
		*updated = 0;
	dft_buf_init(&now, 256);
	dft_buf_init(&saved, 256);
	memset(&rs, 0, sizeof(rs));
	if ((rc = dft_store_forms_stamp(st, &now, &saved)) < 0)
		goto done;
	if (!force && saved.len && !strcmp(dft_buf_cstr(&now), dft_buf_cstr(&saved)))
		goto done;
	memset(&o, 0, sizeof(o));
	o.no_entities = 1; /* looked up when read: entities change after */
	if ((rc = dft_records_build(&rs, st, &o)) < 0 || (rc = apply_corrections(st, &rs)) < 0 ||
	    (rc = dft_store_forms_save(st, &rs, dft_buf_cstr(&now))) < 0)
		goto done;
	if (updated)
		*updated = 1;
	dft_log("forms: %zu templates and %zu records stored in %.2f s", rs.ntmpl, rs.nrec, dft_now() - t0);
done:
	dft_record_set_dispose(&rs);
	dft_buf_dispose(&now);
	dft_buf_dispose(&saved);
	if (rc < 0)
		dft_error_prefix("storing the forms' records");
	return rc;
}

/* ---- read back ------------------------------------------------------------------------ */

/* The documents of template t whose fields pass every filter (sorted), via
 * the hashes (what dft_record_keep keeps, but for a 64-bit collision). *docs NULL: a filter names
 * no label of t. */
static int where_docs(dft_store *st, const dft_record_template *T, const dft_record_where *w, size_t nw,
		      int64_t **docs, size_t *ndocs)
{
	dft_buf b;
	int64_t *acc = NULL;
	size_t nacc = 0, i;
	int rc = 0;
	*docs = NULL;
	*ndocs = 0;
	dft_buf_init(&b, DFT_RECORDS_VALUE_MAX * 4);
	for (i = 0; i < nw; i++) {
		int l = dft_record_label_find(T, w[i].label), has;
		int64_t fkey, nkeys[3], *v = NULL;
		size_t nn = 0, nv = 0, x, y, k;
		dft_record_field q;
		const char *cc;
		char iso[16];
		if (l < 0) {
			free(acc);
			acc = NULL;
			goto done;
		}
		/* the value as a field would hold it: folded, and normalised as
		 * written ("TN"), as a country, as a date (dft_record_field_matches) */
		memset(&q, 0, sizeof(q));
		q.value = (char *)w[i].value;
		q.normalized = (char *)w[i].value;
		dft_record_field_keys(&q, &fkey, &nkeys[0], &has);
		nn = 1;
		if (T->kinds[l] == DFT_FIELD_COUNTRY && (cc = dft_country_code(w[i].value)) &&
		    lower_into(&b, cc) == 0)
			nkeys[nn++] = hash_of(&b);
		if (T->kinds[l] == DFT_FIELD_DATE && dft_field_date(w[i].value, 'd', iso) == 0 && lower_into(&b, iso) == 0)
			nkeys[nn++] = hash_of(&b);
		if ((rc = dft_store_forms_match(st, T->id, (size_t)l, fkey, nkeys, nn, &v, &nv)) < 0)
			goto done;
		if (i == 0) {
			acc = v;
			nacc = nv;
			continue;
		}
		/* intersect (both sorted) */
		for (x = y = k = 0; x < nacc && y < nv;) {
			if (acc[x] < v[y])
				x++;
			else if (acc[x] > v[y])
				y++;
			else
				acc[k++] = acc[x], x++, y++;
		}
		nacc = k;
		free(v);
	}
	if (!acc && !(acc = dft_malloc(sizeof(*acc)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	*docs = acc;
	*ndocs = nacc;
	acc = NULL;
done:
	free(acc);
	dft_buf_dispose(&b);
	return rc;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

/* The entity of each name field, as of now. */
static int name_entities(dft_store *st, dft_record_set *rs)
{
	size_t r, l;
	int rc = 0;
	for (r = 0; r < rs->nrec && rc == 0; r++) {
		dft_record *R = &rs->rec[r];
		const dft_record_template *T = &rs->tmpl[R->tmpl];
		for (l = 0; l < T->nlabels && rc == 0; l++) {
			dft_record_field *f = &R->fields[l];
			if (T->kinds[l] == DFT_FIELD_NAME && f->value && *f->value && f->bend > f->bstart)
				rc = dft_store_entity_at(st, R->doc, (size_t)f->bstart, (size_t)f->bend, &f->entity);
		}
	}
	return rc;
}

int dft_records_load(dft_record_set *out, dft_store *st, int64_t tmpl, const dft_record_where *w, size_t nw,
		     int what)
{
	size_t t, i;
	int64_t *all = NULL;
	size_t nall = 0;
	int rc, some = tmpl || nw;
	double t0 = dft_now();
	memset(out, 0, sizeof(*out));
	dft_store_forms_snapshot(st, 1);
	if (!dft_records_current(st)) {
		dft_store_forms_snapshot(st, 0);
		/* not stored as of these texts (a read-only store): computed now */
		dft_log("forms: the stored records are older than the texts (or none): computed from the texts");
		if ((rc = dft_records_build(out, st, NULL)) == 0 && (rc = apply_corrections(st, out)) < 0)
			dft_error_clear(), rc = 0; /* a case without the tables has no corrections */
		return rc;
	}
	if ((rc = dft_store_forms_templates(st, out)) < 0 || !what)
		goto done;
	for (t = 0; t < out->ntmpl && rc == 0; t++) {
		int64_t *docs = NULL;
		size_t nd = 0, first = out->nrec;
		if (tmpl && out->tmpl[t].id != tmpl)
			continue;
		if (nw) {
			if ((rc = where_docs(st, &out->tmpl[t], w, nw, &docs, &nd)) < 0 || !docs)
				continue;
			rc = dft_store_forms_records(st, out, t, docs, nd);
			free(docs);
		} else {
			rc = dft_store_forms_records(st, out, t, NULL, 0);
		}
		if (rc == 0 && some) {
			int64_t *q = dft_realloc(all, (nall + out->nrec - first + 1) * sizeof(*q));
			if (!q) {
				rc = DFT_ENOMEM;
				break;
			}
			all = q;
			for (i = first; i < out->nrec; i++)
				all[nall++] = out->rec[i].doc;
		}
	}
	if (rc < 0)
		goto done;
	if (some) {
		if (nall > 1)
			dft_sort(all, nall, sizeof(*all), cmp_i64);
		rc = nall ? dft_store_forms_links(st, out, all, nall) : 0;
	} else {
		rc = dft_store_forms_links(st, out, NULL, 0);
	}
	out->filtered = nw > 0;
	if (rc == 0 && (what & DFT_RECORDS_ENTITIES))
		rc = name_entities(st, out);
done:
	dft_store_forms_snapshot(st, 0);
	dft_log("forms: %zu stored records read in %.3f s", out->nrec, dft_now() - t0);
	free(all);
	if (rc < 0)
		dft_record_set_dispose(out);
	return rc;
}

/* ---- a correction ------------------------------------------------------------------------ */

static int value_ok(const char *v)
{
	size_t n = strlen(v), i;
	if (n > DFT_RECORDS_VALUE_MAX || !dft_utf8_valid(v, n))
		return dft_error_set(DFT_EINVAL, "a corrected value is at most %d bytes of UTF-8", DFT_RECORDS_VALUE_MAX);
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F)
			return dft_error_set(DFT_EINVAL, "a corrected value cannot hold control characters");
	}
	return 0;
}

int dft_records_correct(dft_store *st, int64_t doc, const char *label, const char *value, const char *user)
{
	dft_record_set rs;
	const dft_record_template *T = NULL;
	dft_record_field *f;
	char *reading = NULL;
	int64_t tid = 0;
	size_t t;
	int rc, l;
	char at[32];
	memset(&rs, 0, sizeof(rs));
	if ((rc = value_ok(value)) < 0)
		return rc;
	if (!user || !*user)
		return dft_error_set(DFT_EINVAL, "a correction needs a user");
	if ((rc = dft_records_update(st, 0, NULL)) < 0 || (rc = dft_store_forms_doc_template(st, doc, &tid)) < 0)
		return rc;
	if (!tid)
		return dft_error_set(DFT_ENOTFOUND, "document %lld is no filled form (daftar records lists them)",
				     (long long)doc);
	if ((rc = dft_store_forms_templates(st, &rs)) < 0)
		goto done;
	for (t = 0; t < rs.ntmpl; t++)
		if (rs.tmpl[t].id == tid)
			T = &rs.tmpl[t];
	if (!T) {
		rc = dft_error_set(DFT_ENOTFOUND, "document %lld is no filled form", (long long)doc);
		goto done;
	}
	if ((l = dft_record_label_find(T, label)) < 0) {
		rc = dft_error_set(DFT_ENOTFOUND, "template %lld has no label '%s' (daftar forms lists them)",
				   (long long)T->id, label);
		goto done;
	}
	if ((rc = dft_store_forms_records(st, &rs, (size_t)(T - rs.tmpl), &doc, 1)) < 0)
		goto done;
	if (!rs.nrec) {
		rc = dft_error_set(DFT_ENOTFOUND, "document %lld is no filled form", (long long)doc);
		goto done;
	}
	f = &rs.rec[rs.nrec - 1].fields[l];
	/* the first reading is kept: a second correction replaces the first */
	if (!f->corrected_by) {
		free(f->original);
		f->original = f->value;
		f->value = NULL;
		if (!f->original) { /* absent from the form: no place */
			f->page = f->start = f->end = f->bstart = f->bend = 0;
			f->has_box = 0;
			f->confidence = -1;
		}
	}
	free(f->value);
	free(f->corrected_by);
	free(f->corrected_at);
	dft_utc_iso(at);
	f->value = dft_strdup(value);
	f->corrected_by = dft_strdup(user);
	f->corrected_at = dft_strdup(at);
	if (!f->value || !f->corrected_by || !f->corrected_at) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (f->original && !(reading = dft_strdup(f->original))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if ((rc = dft_record_field_normalize(f, T->kinds[l], T->date_order)) < 0)
		goto done;
	rc = dft_store_forms_correct(st, T->id, &rs.rec[rs.nrec - 1], T->nlabels, (size_t)l, T->labels[l], reading);
done:
	free(reading);
	dft_record_set_dispose(&rs);
	return rc;
}
