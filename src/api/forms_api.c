/*
 * forms_api.c - the JSON shapes of `daftar forms` and `daftar records`
 * (include/daftar/api.h; ../shared/INTERFACE.md "forms", "records";
 * docs/FORMS.md): one producer for the command line and the workbench.
 */
#include "daftar/api.h"
#include "daftar/forms.h"

#include <stdlib.h>
#include <string.h>

static void str_array(dft_json *j, const char *key, char **v, size_t n)
{
	size_t i;
	dft_json_key(j, key);
	dft_json_arr_open(j);
	for (i = 0; i < n; i++)
		dft_json_str(j, v[i]);
	dft_json_arr_close(j);
}

static void template_head(dft_json *j, const dft_record_template *T)
{
	size_t l;
	dft_json_key(j, "id");
	dft_json_int(j, T->id);
	dft_json_key(j, "documents");
	dft_json_int(j, (int64_t)T->members);
	dft_json_key(j, "language");
	dft_json_str(j, T->language);
	str_array(j, "labels", T->labels, T->nlabels);
	str_array(j, "readings", T->readings, T->nlabels);
	dft_json_key(j, "kinds");
	dft_json_arr_open(j);
	for (l = 0; l < T->nlabels; l++)
		dft_json_str(j, dft_field_kind_name(T->kinds[l]));
	dft_json_arr_close(j);
	dft_json_key(j, "date_order");
	dft_json_str(j, T->date_order == 'm' ? "month-first" : "day-first");
}

int dft_api_forms(const dft_record_set *rs, dft_json *j)
{
	size_t i;
	dft_json_obj_open(j);
	dft_json_key(j, "templates");
	dft_json_arr_open(j);
	for (i = 0; i < rs->ntmpl; i++) {
		dft_json_obj_open(j);
		template_head(j, &rs->tmpl[i]);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_key(j, "texts");
	dft_json_int(j, (int64_t)rs->texts);
	dft_json_key(j, "candidates");
	dft_json_int(j, (int64_t)rs->candidates);
	dft_json_key(j, "rejected");
	dft_json_int(j, (int64_t)rs->rejected);
	dft_json_key(j, "seconds");
	dft_json_double(j, rs->seconds);
	dft_json_obj_close(j);
	return 0;
}

static void field_json(dft_json *j, const dft_record_field *f, int kind)
{
	dft_json_obj_open(j);
	dft_json_key(j, "value");
	dft_json_str(j, f->value);
	dft_json_key(j, "normalized");
	dft_json_str(j, f->normalized);
	dft_json_key(j, "kind");
	dft_json_str(j, dft_field_kind_name(kind));
	if (f->value) {
		dft_json_key(j, "page");
		dft_json_int(j, f->page);
		dft_json_key(j, "start");
		dft_json_int(j, f->start);
		dft_json_key(j, "end");
		dft_json_int(j, f->end);
	}
	dft_json_key(j, "box");
	if (f->has_box) {
		int k;
		dft_json_arr_open(j);
		for (k = 0; k < 4; k++)
			dft_json_int(j, (int64_t)(f->box[k] + 0.5));
		dft_json_arr_close(j);
	} else {
		dft_json_null(j);
	}
	dft_json_key(j, "confidence");
	if (f->confidence >= 0)
		dft_json_double(j, f->confidence);
	else
		dft_json_null(j);
	if (kind == DFT_FIELD_NAME) {
		dft_json_key(j, "entity");
		if (f->entity)
			dft_json_int(j, f->entity);
		else
			dft_json_null(j);
	}
	if (f->truncated) {
		dft_json_key(j, "truncated");
		dft_json_bool(j, 1);
	}
	dft_json_key(j, "corrected_by");
	dft_json_str(j, f->corrected_by);
	if (f->corrected_by) {
		dft_json_key(j, "corrected_at");
		dft_json_str(j, f->corrected_at);
		dft_json_key(j, "original");
		dft_json_str(j, f->original);
	}
	dft_json_obj_close(j);
}

void dft_api_record_fields(dft_json *j, const dft_record_set *rs, const dft_record *R)
{
	const dft_record_template *T = &rs->tmpl[R->tmpl];
	size_t l;
	dft_json_key(j, "fields");
	dft_json_obj_open(j);
	for (l = 0; l < T->nlabels; l++) {
		dft_json_key(j, T->labels[l]);
		field_json(j, &R->fields[l], T->kinds[l]);
	}
	dft_json_obj_close(j);
}

static void same_as(dft_json *j, const dft_record_set *rs, size_t r)
{
	size_t i;
	int open = 0;
	for (i = 0; i < rs->nlinks; i++) {
		const dft_record_link *k = &rs->links[i];
		int64_t other;
		if (k->a == rs->rec[r].doc)
			other = k->b;
		else if (k->b == rs->rec[r].doc)
			other = k->a;
		else
			continue;
		if (!open) {
			dft_json_key(j, "same_person");
			dft_json_arr_open(j);
			open = 1;
		}
		dft_json_obj_open(j);
		dft_json_key(j, "document");
		dft_json_int(j, other);
		dft_json_key(j, "reason");
		dft_json_str(j, k->reason);
		dft_json_obj_close(j);
	}
	if (open)
		dft_json_arr_close(j);
}

static void template_records(dft_json *j, const dft_record_set *rs, const dft_record_template *T,
			     const dft_api_records_params *p)
{
	size_t r;
	dft_json_obj_open(j);
	dft_json_key(j, "template");
	dft_json_int(j, T->id);
	str_array(j, "labels", T->labels, T->nlabels);
	dft_json_key(j, "language");
	dft_json_str(j, T->language);
	dft_json_key(j, "records");
	dft_json_arr_open(j);
	for (r = 0; r < T->nrecords; r++) {
		const dft_record *R = &rs->rec[T->records[r]];
		if (!dft_record_set_keep(rs, R, p->where, p->nwhere))
			continue;
		dft_json_obj_open(j);
		dft_json_key(j, "document");
		dft_json_int(j, R->doc);
		dft_api_record_fields(j, rs, R);
		same_as(j, rs, T->records[r]);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_obj_close(j);
}

static int count_by(const dft_record_set *rs, const dft_api_records_params *p, dft_json *j)
{
	dft_record_count *c = NULL;
	size_t n = 0, total = 0, i;
	int rc;
	if ((rc = dft_records_count(rs, p->tmpl, p->where, p->nwhere, p->count_by, &c, &n, &total)) < 0)
		return rc;
	dft_json_obj_open(j);
	dft_json_key(j, "count_by");
	dft_json_str(j, p->count_by);
	if (p->tmpl) {
		dft_json_key(j, "template");
		dft_json_int(j, p->tmpl);
	}
	dft_json_key(j, "records");
	dft_json_int(j, (int64_t)total);
	dft_json_key(j, "counts");
	dft_json_arr_open(j);
	for (i = 0; i < n; i++) {
		dft_json_obj_open(j);
		dft_json_key(j, "value");
		if (c[i].value[0])
			dft_json_str(j, c[i].value);
		else
			dft_json_null(j);
		dft_json_key(j, "count");
		dft_json_int(j, c[i].n);
		dft_json_key(j, "example");
		dft_json_str(j, c[i].example);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	dft_record_counts_free(c, n);
	return 0;
}

int dft_api_records(const dft_record_set *rs, const dft_api_records_params *p, dft_json *j)
{
	size_t i, w;
	if (p->tmpl && !dft_record_set_template(rs, p->tmpl))
		return dft_error_set(DFT_ENOTFOUND, "no template %lld (daftar forms lists them)", (long long)p->tmpl);
	for (w = 0; w < p->nwhere; w++) {
		int found = 0;
		for (i = 0; i < rs->ntmpl && !found; i++)
			if ((!p->tmpl || rs->tmpl[i].id == p->tmpl) && dft_record_label_find(&rs->tmpl[i], p->where[w].label) >= 0)
				found = 1;
		if (!found)
			return dft_error_set(DFT_ENOTFOUND, "--where: no template has a label '%s' (daftar forms lists them)",
					     p->where[w].label);
	}
	if (p->count_by)
		return count_by(rs, p, j);
	if (p->tmpl) {
		template_records(j, rs, dft_record_set_template(rs, p->tmpl), p);
		return 0;
	}
	dft_json_obj_open(j);
	dft_json_key(j, "templates");
	dft_json_arr_open(j);
	for (i = 0; i < rs->ntmpl; i++)
		template_records(j, rs, &rs->tmpl[i], p);
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}
