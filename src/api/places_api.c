/*
 * places_api.c - the places of a case with their coordinates and the
 * routes between them (include/daftar/api.h; ../shared/INTERFACE.md
 * "places"; docs/ENTITIES.md "Places on the map"): read once from the
 * store into dft_places_data, which `daftar places`, GET /api/places and
 * the GEXF and FtM exports share.
 */
#include "daftar/api.h"
#include "daftar/entities.h"

#include <stdlib.h>
#include <string.h>

#define NAMES_MAX 64

typedef struct load_ctx {
	dft_places_data *d;
	size_t *by_id; /* indexes of d->p sorted by id */
	size_t cap;
} load_ctx;

static int oom(void)
{
	return dft_error_set(DFT_ENOMEM, "out of memory reading the places");
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return 0;
	{
		size_t c = *cap ? *cap * 2 : 64;
		void *p = dft_realloc(*v, c * size);
		if (!p)
			return oom();
		*v = p;
		*cap = c;
	}
	return 0;
}

static int on_place(void *ctx, const dft_place_row *r)
{
	load_ctx *c = ctx;
	dft_place_item *p;
	int rc;
	if ((rc = grow((void **)&c->d->p, &c->cap, c->d->np, sizeof(*c->d->p))) < 0)
		return rc;
	p = &c->d->p[c->d->np++];
	memset(p, 0, sizeof *p);
	p->id = r->id;
	p->documents = r->documents;
	p->mentions = r->mentions;
	p->has_geo = r->has_geo;
	if (!(p->name = dft_strdup(r->name ? r->name : "")))
		return oom();
	if (r->has_geo) {
		p->lat = r->geo.lat;
		p->lon = r->geo.lon;
		p->geonameid = r->geo.geonameid;
		if ((r->geo.country && !(p->country = dft_strdup(r->geo.country))) ||
		    !(p->why = dft_strdup(r->geo.why ? r->geo.why : "")) ||
		    !(p->source = dft_strdup(r->geo.source ? r->geo.source : "")))
			return oom();
	}
	return 0;
}

static dft_place_item *find(load_ctx *c, int64_t id)
{
	size_t lo = 0, hi = c->d->np;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->d->p[c->by_id[mid]].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->d->np && c->d->p[c->by_id[lo]].id == id ? &c->d->p[c->by_id[lo]] : NULL;
}

static int on_name(void *ctx, int64_t entity, const char *value)
{
	dft_place_item *p = find(ctx, entity);
	char **v;
	if (!p || p->nnames >= NAMES_MAX)
		return 0;
	if (!(v = dft_realloc(p->names, (p->nnames + 1) * sizeof(*v))) || !(v[p->nnames] = dft_strdup(value))) {
		if (v)
			p->names = v;
		return oom();
	}
	p->names = v;
	p->nnames++;
	return 0;
}

static int on_month(void *ctx, int64_t entity, const char *month, int64_t docs)
{
	dft_place_item *p = find(ctx, entity);
	char **v;
	int64_t *n;
	if (!p || !month)
		return 0;
	if (!(v = dft_realloc(p->months, (p->nmonths + 1) * sizeof(*v))))
		return oom();
	p->months = v;
	if (!(n = dft_realloc(p->month_docs, (p->nmonths + 1) * sizeof(*n))))
		return oom();
	p->month_docs = n;
	if (!(v[p->nmonths] = dft_strdup(month)))
		return oom();
	n[p->nmonths++] = docs;
	return 0;
}

typedef struct route_ctx {
	dft_places_data *d;
	size_t cap;
} route_ctx;

static int on_route(void *ctx, int64_t from, int64_t to, int64_t doc, const char *date)
{
	route_ctx *c = ctx;
	dft_route_item *r = c->d->nr ? &c->d->r[c->d->nr - 1] : NULL;
	int rc;
	if (!r || r->from != from || r->to != to) {
		if ((rc = grow((void **)&c->d->r, &c->cap, c->d->nr, sizeof(*c->d->r))) < 0)
			return rc;
		r = &c->d->r[c->d->nr++];
		memset(r, 0, sizeof *r);
		r->from = from;
		r->to = to;
	}
	if (!r->ndocs || r->docs[r->ndocs - 1] != doc) {
		int64_t *v = dft_realloc(r->docs, (r->ndocs + 1) * sizeof(*v));
		if (!v)
			return oom();
		r->docs = v;
		r->docs[r->ndocs++] = doc;
	}
	if (date) {
		size_t k;
		for (k = 0; k < r->ndates && strcmp(r->dates[k], date); k++)
			;
		if (k == r->ndates && r->ndates < 1000) {
			char **v = dft_realloc(r->dates, (r->ndates + 1) * sizeof(*v));
			if (!v)
				return oom();
			r->dates = v;
			if (!(r->dates[r->ndates] = dft_strdup(date)))
				return oom();
			r->ndates++;
		}
	}
	return 0;
}

static int by_id(const void *a, const void *b, void *ctx)
{
	const dft_places_data *d = ctx;
	int64_t x = d->p[*(const size_t *)a].id, y = d->p[*(const size_t *)b].id;
	return (x > y) - (x < y);
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int dft_places_load(dft_store *st, dft_places_data *out)
{
	load_ctx c;
	route_ctx rc_;
	int rc;
	memset(out, 0, sizeof *out);
	memset(&c, 0, sizeof c);
	c.d = out;
	if ((rc = dft_store_places_list(st, on_place, &c)) < 0)
		goto done;
	if (!(c.by_id = malloc((out->np ? out->np : 1) * sizeof(*c.by_id)))) {
		rc = oom();
		goto done;
	}
	for (size_t i = 0; i < out->np; i++)
		c.by_id[i] = i;
	dft_sort_r(c.by_id, out->np, sizeof(*c.by_id), by_id, out);
	if ((rc = dft_store_places_names(st, on_name, &c)) < 0 || (rc = dft_store_places_months(st, on_month, &c)) < 0)
		goto done;
	memset(&rc_, 0, sizeof rc_);
	rc_.d = out;
	if ((rc = dft_store_routes_list(st, on_route, &rc_)) < 0)
		goto done;
	for (size_t i = 0; i < out->nr; i++)
		if (out->r[i].ndates > 1)
			dft_sort(out->r[i].dates, out->r[i].ndates, sizeof(char *), by_str);
done:
	free(c.by_id);
	if (rc < 0)
		dft_places_data_dispose(out);
	return rc;
}

void dft_places_data_dispose(dft_places_data *d)
{
	for (size_t i = 0; i < d->np; i++) {
		dft_place_item *p = &d->p[i];
		free(p->name);
		free(p->country);
		free(p->why);
		free(p->source);
		for (size_t k = 0; k < p->nnames; k++)
			free(p->names[k]);
		free(p->names);
		for (size_t k = 0; k < p->nmonths; k++)
			free(p->months[k]);
		free(p->months);
		free(p->month_docs);
	}
	free(d->p);
	for (size_t i = 0; i < d->nr; i++) {
		free(d->r[i].docs);
		for (size_t k = 0; k < d->r[i].ndates; k++)
			free(d->r[i].dates[k]);
		free(d->r[i].dates);
	}
	free(d->r);
	memset(d, 0, sizeof *d);
}

int dft_api_places(const dft_places_data *d, dft_json *j)
{
	dft_json_obj_open(j);
	dft_json_key(j, "places");
	dft_json_arr_open(j);
	for (size_t i = 0; i < d->np; i++) {
		const dft_place_item *p = &d->p[i];
		dft_json_obj_open(j);
		dft_json_key(j, "id");
		dft_json_int(j, p->id);
		dft_json_key(j, "name");
		dft_json_str(j, p->name);
		dft_json_key(j, "names");
		dft_json_arr_open(j);
		for (size_t k = 0; k < p->nnames; k++)
			dft_json_str(j, p->names[k]);
		dft_json_arr_close(j);
		dft_json_key(j, "lat");
		if (p->has_geo)
			dft_json_double(j, p->lat);
		else
			dft_json_null(j);
		dft_json_key(j, "lon");
		if (p->has_geo)
			dft_json_double(j, p->lon);
		else
			dft_json_null(j);
		dft_json_key(j, "country");
		dft_json_str(j, p->country);
		dft_json_key(j, "documents");
		dft_json_int(j, p->documents);
		dft_json_key(j, "mentions");
		dft_json_int(j, p->mentions);
		dft_json_key(j, "why");
		dft_json_str(j, p->has_geo ? p->why : "no gazetteer knows this name and no coordinates are written beside it");
		dft_json_key(j, "source");
		dft_json_str(j, p->source);
		dft_json_key(j, "geonameid");
		if (p->geonameid)
			dft_json_int(j, p->geonameid);
		else
			dft_json_null(j);
		dft_json_key(j, "months");
		dft_json_obj_open(j);
		for (size_t k = 0; k < p->nmonths; k++) {
			dft_json_key(j, p->months[k]);
			dft_json_int(j, p->month_docs[k]);
		}
		dft_json_obj_close(j);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_key(j, "routes");
	dft_json_arr_open(j);
	for (size_t i = 0; i < d->nr; i++) {
		const dft_route_item *r = &d->r[i];
		dft_json_obj_open(j);
		dft_json_key(j, "from");
		dft_json_int(j, r->from);
		dft_json_key(j, "to");
		dft_json_int(j, r->to);
		dft_json_key(j, "documents");
		dft_json_arr_open(j);
		for (size_t k = 0; k < r->ndocs; k++)
			dft_json_int(j, r->docs[k]);
		dft_json_arr_close(j);
		dft_json_key(j, "dates");
		dft_json_arr_open(j);
		for (size_t k = 0; k < r->ndates; k++)
			dft_json_str(j, r->dates[k]);
		dft_json_arr_close(j);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_obj_close(j);
	return 0;
}
