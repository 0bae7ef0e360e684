/*
 * query.c - what `daftar records` asks of a record set (forms.h): a
 * template by id, the label a user means (folded, in either language of
 * a bilingual form, or misread by OCR), whether a field holds a value
 * (as written or normalised), and the key a field is counted by.
 */
#include "daftar/forms.h"
#include "daftar/index.h"

#include <stdio.h>

#include <stdlib.h>
#include <string.h>

const dft_record_template *dft_record_set_template(const dft_record_set *s, int64_t id)
{
	size_t i;
	for (i = 0; i < s->ntmpl; i++)
		if (s->tmpl[i].id == id)
			return &s->tmpl[i];
	return NULL;
}

/* Is q (folded words) a run of whole words of s? */
static int has_words(const char *s, const char *q)
{
	size_t ql = strlen(q);
	const char *p = s;
	if (!ql)
		return 0;
	while ((p = strstr(p, q)) != NULL) {
		if ((p == s || p[-1] == ' ') && (p[ql] == '\0' || p[ql] == ' '))
			return 1;
		p++;
	}
	return 0;
}

int dft_record_label_find(const dft_record_template *T, const char *label)
{
	dft_buf q, l;
	size_t i;
	int hit = -1, words = -1, nwords = 0;
	dft_buf_init(&q, 4096);
	dft_buf_init(&l, 4096);
	if (dft_records_fold(label, strlen(label), &q) < 0 || !q.len)
		goto done;
	for (i = 0; i < T->nlabels && hit < 0; i++) {
		int r;
		for (r = 0; r < 2 && hit < 0; r++) {
			const char *s = r ? T->readings[i] : T->labels[i];
			dft_buf_reset(&l);
			if (dft_records_fold(s, strlen(s), &l) < 0)
				goto done;
			if (!strcmp(dft_buf_cstr(&l), dft_buf_cstr(&q)))
				hit = (int)i;
			else if (has_words(dft_buf_cstr(&l), dft_buf_cstr(&q)) && words != (int)i)
				words = (int)i, nwords++;
		}
	}
	if (hit < 0 && nwords == 1)
		hit = words;
done:
	dft_buf_dispose(&q);
	dft_buf_dispose(&l);
	return hit;
}

static int ascii_ieq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

int dft_record_field_matches(const dft_record_field *f, int kind, const char *value)
{
	dft_buf a, b;
	int yes = 0;
	if (!f->value)
		return 0;
	if (f->normalized && ascii_ieq(f->normalized, value))
		return 1;
	if (kind == DFT_FIELD_COUNTRY && f->normalized) {
		const char *cc = dft_country_code(value);
		if (cc && !strcmp(cc, f->normalized))
			return 1;
	}
	if (kind == DFT_FIELD_DATE && f->normalized) {
		char iso[16];
		if (dft_field_date(value, 'd', iso) == 0 && !strcmp(iso, f->normalized))
			return 1;
	}
	dft_buf_init(&a, DFT_RECORDS_VALUE_MAX * 2);
	dft_buf_init(&b, DFT_RECORDS_VALUE_MAX * 2);
	if (dft_records_fold(f->value, strlen(f->value), &a) == 0 && dft_records_fold(value, strlen(value), &b) == 0)
		yes = !strcmp(dft_buf_cstr(&a), dft_buf_cstr(&b));
	dft_buf_dispose(&a);
	dft_buf_dispose(&b);
	return yes;
}

int dft_record_count_key(const dft_record_field *f, int unit, dft_buf *out)
{
	if (!f->value || !*f->value)
		return 0;
	if (f->normalized) {
		size_t n = strlen(f->normalized);
		if (unit == 'm' && n >= 7 && f->normalized[4] == '-')
			n = 7;
		else if (unit == 'y' && n >= 4 && f->normalized[4] == '-')
			n = 4;
		return dft_buf_add(out, f->normalized, n);
	}
	return dft_records_fold(f->value, strlen(f->value), out);
}

int dft_record_where_parse(const char *spec, dft_record_where *out, char **buf)
{
	char *s, *eq;
	*buf = NULL;
	if (!(s = dft_strdup(spec)))
		return DFT_ENOMEM;
	eq = strchr(s, '=');
	if (!eq || eq == s) {
		free(s);
		return dft_error_set(DFT_EINVAL, "--where takes LABEL=VALUE, not '%s'", spec);
	}
	*eq = '\0';
	out->label = s;
	out->value = eq + 1;
	*buf = s;
	return 0;
}

int dft_record_keep(const dft_record_template *T, const dft_record *R, const dft_record_where *w, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int l = dft_record_label_find(T, w[i].label);
		if (l < 0 || !dft_record_field_matches(&R->fields[l], T->kinds[l], w[i].value))
			return 0;
	}
	return 1;
}

int dft_record_set_keep(const dft_record_set *rs, const dft_record *R, const dft_record_where *w, size_t n)
{
	return rs->filtered || dft_record_keep(&rs->tmpl[R->tmpl], R, w, n);
}

struct ckey {
	char *key;
	const char *example;
};

static int cmp_ckey(const void *a, const void *b)
{
	return strcmp(((const struct ckey *)a)->key, ((const struct ckey *)b)->key);
}

static int cmp_count(const void *a, const void *b)
{
	const dft_record_count *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->value, y->value);
}

void dft_record_counts_free(dft_record_count *c, size_t n)
{
	size_t i;
	for (i = 0; c && i < n; i++)
		free(c[i].value);
	free(c);
}

int dft_records_count(const dft_record_set *rs, int64_t tmpl, const dft_record_where *w, size_t nw,
		      const char *count_by, dft_record_count **out, size_t *nout, size_t *total)
{
	char *label = dft_strdup(count_by), *colon;
	int unit = 0, rc = 0, any = 0;
	struct ckey *v = NULL;
	dft_record_count *c = NULL;
	size_t n = 0, i, s, t, nc = 0;
	dft_buf b;
	*out = NULL;
	*nout = *total = 0;
	if (!label)
		return DFT_ENOMEM;
	dft_buf_init(&b, DFT_RECORDS_VALUE_MAX * 2);
	if ((colon = strrchr(label, ':')) && (!strcmp(colon, ":month") || !strcmp(colon, ":year"))) {
		unit = colon[1] == 'm' ? 'm' : 'y';
		*colon = '\0';
	}
	if (!(v = dft_calloc(rs->nrec + 1, sizeof(*v)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < rs->ntmpl; i++) {
		const dft_record_template *T = &rs->tmpl[i];
		size_t r;
		int l;
		if (tmpl && T->id != tmpl)
			continue;
		if ((l = dft_record_label_find(T, label)) < 0)
			continue;
		any = 1;
		for (r = 0; r < T->nrecords; r++) {
			const dft_record *R = &rs->rec[T->records[r]];
			if (!dft_record_set_keep(rs, R, w, nw))
				continue;
			dft_buf_reset(&b);
			if ((rc = dft_record_count_key(&R->fields[l], unit, &b)) < 0)
				goto done;
			if (!(v[n].key = dft_strdup(dft_buf_cstr(&b)))) {
				rc = DFT_ENOMEM;
				goto done;
			}
			v[n++].example = R->fields[l].value ? R->fields[l].value : "";
		}
	}
	if (!any) {
		rc = dft_error_set(DFT_ENOTFOUND, "no template has a label '%s' (daftar forms lists them)", label);
		goto done;
	}
	if (n > 1)
		dft_sort(v, n, sizeof(*v), cmp_ckey);
	if (!(c = dft_calloc(n + 1, sizeof(*c)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (s = 0; s < n; s = t) {
		for (t = s + 1; t < n && !strcmp(v[t].key, v[s].key); t++)
			;
		c[nc].value = v[s].key;
		v[s].key = NULL;
		c[nc].example = v[s].example;
		c[nc++].n = (int64_t)(t - s);
	}
	if (nc > 1)
		dft_sort(c, nc, sizeof(*c), cmp_count);
	*out = c;
	*nout = nc;
	*total = n;
	c = NULL;
done:
	for (i = 0; v && i < n; i++)
		free(v[i].key);
	free(v);
	dft_record_counts_free(c, nc);
	free(label);
	dft_buf_dispose(&b);
	return rc;
}

/* form.LABEL:VALUE filters: the documents whose filled form has that field
 * holding that value (forms.h), as a "docs" filter of their ids ("0": none). */
int dft_records_resolve_query(dft_store *st, dft_query *q)
{
	size_t i, t, r;
	int rc = 0;
	for (i = 0; i < q->nfilters && rc == 0; i++) {
		dft_query_filter *f = &q->filters[i];
		dft_record_set rs;
		char *sep;
		dft_buf ids;
		dft_record_where w;
		if (strcmp(f->field, "form") || !(sep = strchr(f->value, '\x1f')))
			continue;
		*sep = '\0';
		w.label = f->value;
		w.value = sep + 1;
		/* the stored records this filter finds (stored.c), or every record */
		if ((rc = dft_records_load(&rs, st, 0, &w, 1, DFT_RECORDS_RECORDS)) < 0)
			return rc;
		dft_buf_init(&ids, (size_t)1 << 30);
		for (t = 0; t < rs.ntmpl && rc == 0; t++)
			for (r = 0; r < rs.tmpl[t].nrecords && rc == 0; r++) {
				const dft_record *R = &rs.rec[rs.tmpl[t].records[r]];
				if (dft_record_set_keep(&rs, R, &w, 1))
					rc = dft_buf_addf(&ids, "%s%lld", ids.len ? "," : "", (long long)R->doc);
			}
		dft_record_set_dispose(&rs);
		if (rc == 0 && !ids.len)
			rc = dft_buf_addc(&ids, '0');
		if (rc == 0) {
			free(f->value);
			f->value = dft_buf_detach(&ids);
			snprintf(f->field, sizeof(f->field), "docs");
			if (!f->value)
				rc = DFT_ENOMEM;
		}
		dft_buf_dispose(&ids);
	}
	return rc;
}
