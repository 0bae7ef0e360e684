/*
 * locate.c - where each place entity is, after resolution (resolve.c
 * calls dft_places_locate): coordinates and the reason, into place_geo,
 * for `daftar places` and the workbench's map.
 *
 * In order of trust:
 *  1. places.c's gazetteer of Syria and Iraq: a mention it found carries
 *     "place:NAME;geo:LAT,LON;CC" (its coordinates are GeoNames', checked
 *     by tests/unit/entities/test_gazetteer.c).
 *  2. GeoNames (gazetteer.c) by each spelling of the entity, most
 *     mentioned first: the spelling itself (Tripoli, Ar Raqqah), else the
 *     cross-script key (طرابلس, Ракка), the key only within the region
 *     (Syria, Iraq, their neighbours) or for cities over a million, since
 *     a consonant skeleton names many small towns. Candidates more than
 *     50 km apart make the name ambiguous: the one in the country most
 *     named with it wins (the countries of the places resolved in step 1
 *     or without ambiguity, weighted by the documents they share with
 *     this place), then the one of the country most named in the case,
 *     then the most populous.
 *  3. Coordinates written in the documents just after the name (the
 *     pattern scanner's "coordinates" mentions, within 64 bytes): they
 *     pick the candidate within 25 km of them, or stand alone when the
 *     gazetteers know the name not or place it elsewhere.
 * The reason names the source, the candidate and what decided.
 */
#include "daftar/entities.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATES 48
#define VARIANTS 8 /* spellings of one place looked up */

typedef struct cand {
	dft_geo_match m;
	int exact;
} cand;

typedef struct loc_place {
	int64_t entity;
	int nvar;
	int has;          /* 0 none, 1 decided, 2 ambiguous: pass 2 */
	int written;      /* coordinates written beside it */
	double wlat, wlon;
	int64_t wdoc;
	cand *c;
	size_t nc;
	dft_place_geo g;
	char country[4];
	char *why;
} loc_place;

typedef struct loc_edge {
	int64_t a, b, documents;
} loc_edge;

typedef struct locator {
	dft_gazetteer *gz;
	loc_place *p;
	size_t n, cap;
	loc_edge *e;
	size_t ne, cape;
	dft_buf why;
	dft_geo_match tmp[CANDIDATES];
} locator;

static const char *const region[] = {"SY", "IQ", "TR", "JO", "LB", "IR", "SA", "KW", "IL", "PS", "EG", NULL};

static int in_region(const char *cc)
{
	for (const char *const *r = region; *r; r++)
		if (!strcmp(*r, cc))
			return 1;
	return 0;
}

static loc_place *place_of(locator *l, int64_t entity)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->p[mid].entity < entity)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->n && l->p[lo].entity == entity ? &l->p[lo] : NULL;
}

static int set_why(loc_place *p, const dft_buf *b)
{
	free(p->why);
	if (!(p->why = dft_strdup(dft_buf_cstr(b))))
		return dft_error_set(DFT_ENOMEM, "out of memory locating places");
	return 0;
}

/* places.c's extra: "place:NAME;geo:LAT,LON;CC" */
static int parse_extra(const char *extra, char *name, size_t nsize, double *lat, double *lon, char cc[4])
{
	const char *g, *c;
	char *end;
	if (strncmp(extra, "place:", 6) || !(g = strstr(extra, ";geo:")))
		return 0;
	snprintf(name, nsize, "%.*s", (int)(g - extra - 6), extra + 6);
	*lat = strtod(g + 5, &end);
	if (*end != ',')
		return 0;
	*lon = strtod(end + 1, &end);
	c = strchr(end, ';');
	snprintf(cc, 4, "%.*s", c ? (int)strcspn(c + 1, ";") : 0, c ? c + 1 : "");
	return 1;
}

static int on_variant(void *ctx, int64_t entity, const char *value, int64_t mentions, const char *extra)
{
	locator *l = ctx;
	loc_place *p = l->n ? &l->p[l->n - 1] : NULL;
	int n, rc;
	(void)mentions;
	if (!p || p->entity != entity) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? l->cap * 2 : 256;
			loc_place *np = dft_realloc(l->p, cap * sizeof(*np));
			if (!np)
				return dft_error_set(DFT_ENOMEM, "out of memory locating places");
			l->p = np;
			l->cap = cap;
		}
		p = &l->p[l->n++];
		memset(p, 0, sizeof *p);
		p->entity = entity;
	}
	if (p->has == 1)
		return 0;
	if (extra) {
		char name[128];
		double lat, lon;
		if (parse_extra(extra, name, sizeof name, &lat, &lon, p->country)) {
			p->has = 1;
			p->g.lat = lat;
			p->g.lon = lon;
			p->g.source = "places";
			dft_buf_reset(&l->why);
			dft_buf_addf(&l->why, "gazetteer of Syria and Iraq: %s (%s), as \"%s\"", name, p->country, value);
			free(p->c);
			p->c = NULL;
			p->nc = 0;
			return set_why(p, &l->why);
		}
	}
	if (p->nvar++ >= VARIANTS)
		return 0;
	if ((n = dft_gazetteer_find(l->gz, value, strlen(value), l->tmp, CANDIDATES)) < 0)
		return n;
	for (int i = 0; i < n; i++) {
		size_t k;
		if (!l->tmp[i].exact && !in_region(l->tmp[i].country) && l->tmp[i].population < 1000000)
			continue;
		for (k = 0; k < p->nc && p->c[k].m.geonameid != l->tmp[i].geonameid; k++)
			;
		if (k < p->nc) {
			p->c[k].exact |= l->tmp[i].exact;
			continue;
		}
		if (p->nc >= CANDIDATES)
			break;
		if (!p->c && !(p->c = calloc(CANDIDATES, sizeof(*p->c))))
			return dft_error_set(DFT_ENOMEM, "out of memory locating places");
		p->c[p->nc].m = l->tmp[i];
		p->c[p->nc].exact = l->tmp[i].exact;
		p->nc++;
	}
	rc = 0;
	return rc;
}

static int on_written(void *ctx, int64_t entity, int64_t doc, const char *coords)
{
	locator *l = ctx;
	loc_place *p = place_of(l, entity);
	double lat, lon;
	char *end;
	if (!p || p->written)
		return 0;
	if (!(coords = strstr(coords, "written:")))
		return 0;
	lat = strtod(coords + 8, &end);
	if (*end != ',')
		return 0;
	lon = strtod(end + 1, NULL);
	if (!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
		return 0;
	p->written = 1;
	p->wlat = lat;
	p->wlon = lon;
	p->wdoc = doc;
	return 0;
}

static int on_edge(void *ctx, int64_t a, int64_t b, int64_t documents)
{
	locator *l = ctx;
	if (l->ne == l->cape) {
		size_t cap = l->cape ? l->cape * 2 : 1024;
		loc_edge *np = dft_realloc(l->e, cap * sizeof(*np));
		if (!np)
			return dft_error_set(DFT_ENOMEM, "out of memory locating places");
		l->e = np;
		l->cape = cap;
	}
	l->e[l->ne].a = a;
	l->e[l->ne].b = b;
	l->e[l->ne].documents = documents;
	l->ne++;
	return 0;
}

static void choose(loc_place *p, const cand *c)
{
	p->has = 1;
	p->g.lat = c->m.lat;
	p->g.lon = c->m.lon;
	p->g.geonameid = c->m.geonameid;
	p->g.source = "geonames";
	snprintf(p->country, sizeof p->country, "%s", c->m.country);
}

static void describe(locator *l, const cand *c)
{
	dft_buf_addf(&l->why, "GeoNames %lld: %s, %s (%s, population %lld), by its %s", (long long)c->m.geonameid,
		     c->m.name, c->m.country, c->m.feature, (long long)c->m.population,
		     c->exact ? "spelling" : "cross-script name key");
}

/* Pass 1: the candidates of the best tier (exact spellings if any), and
 * whether they are one place (within 50 km of the first) or several. */
static int first_pass(locator *l, loc_place *p)
{
	size_t w = 0;
	int exact = 0;
	if (p->has == 1)
		return 0;
	for (size_t i = 0; i < p->nc; i++)
		exact |= p->c[i].exact;
	for (size_t i = 0; i < p->nc; i++)
		if (p->c[i].exact == exact)
			p->c[w++] = p->c[i];
	p->nc = w;
	/* most populous first */
	for (size_t i = 1; i < p->nc; i++) {
		cand v = p->c[i];
		size_t j = i;
		while (j > 0 && p->c[j - 1].m.population < v.m.population) {
			p->c[j] = p->c[j - 1];
			j--;
		}
		p->c[j] = v;
	}
	dft_buf_reset(&l->why);
	if (p->written) {
		for (size_t i = 0; i < p->nc; i++)
			if (dft_geo_distance_km(p->wlat, p->wlon, p->c[i].m.lat, p->c[i].m.lon) < 25) {
				choose(p, &p->c[i]);
				describe(l, &p->c[i]);
				dft_buf_addf(&l->why, "; agrees with the coordinates written beside it in document %lld",
					     (long long)p->wdoc);
				return set_why(p, &l->why);
			}
		p->has = 1;
		p->g.lat = p->wlat;
		p->g.lon = p->wlon;
		p->g.source = "written";
		dft_buf_addf(&l->why, "coordinates written beside the name in document %lld", (long long)p->wdoc);
		if (p->nc)
			dft_buf_addf(&l->why, " (GeoNames' %s, %s is %.0f km away)", p->c[0].m.name, p->c[0].m.country,
				     dft_geo_distance_km(p->wlat, p->wlon, p->c[0].m.lat, p->c[0].m.lon));
		return set_why(p, &l->why);
	}
	if (!p->nc)
		return 0;
	for (size_t i = 1; i < p->nc; i++)
		if (dft_geo_distance_km(p->c[0].m.lat, p->c[0].m.lon, p->c[i].m.lat, p->c[i].m.lon) > 50) {
			p->has = 2;
			return 0;
		}
	choose(p, &p->c[0]);
	describe(l, &p->c[0]);
	return set_why(p, &l->why);
}

typedef struct cc_weight {
	char cc[4];
	int64_t w;
} cc_weight;

static int64_t weight_of(const cc_weight *v, size_t n, const char *cc)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].cc, cc))
			return v[i].w;
	return 0;
}

static void add_weight(cc_weight *v, size_t *n, size_t max, const char *cc, int64_t w)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(v[i].cc, cc)) {
			v[i].w += w;
			return;
		}
	if (*n < max) {
		snprintf(v[*n].cc, sizeof v[*n].cc, "%s", cc);
		v[(*n)++].w = w;
	}
}

/* Pass 2: an ambiguous name takes the candidate in the country most named
 * with it, then in the case, then the most populous. */
static int second_pass(locator *l, loc_place *p, const cc_weight *cw, size_t ncw)
{
	cc_weight near[32];
	size_t nn = 0, best = 0;
	int64_t bw = -1;
	const char *by = "population";
	for (size_t i = 0; i < l->ne; i++) {
		loc_place *o;
		if (l->e[i].a == p->entity)
			o = place_of(l, l->e[i].b);
		else if (l->e[i].b == p->entity)
			o = place_of(l, l->e[i].a);
		else
			continue;
		if (o && o->has == 1 && o->country[0])
			add_weight(near, &nn, 32, o->country, l->e[i].documents);
	}
	for (size_t i = 0; i < p->nc; i++) {
		int64_t w = weight_of(near, nn, p->c[i].m.country);
		if (w > bw) {
			bw = w;
			best = i;
		}
	}
	if (bw > 0) {
		by = "near";
	} else {
		bw = -1;
		for (size_t i = 0; i < p->nc; i++) {
			int64_t w = weight_of(cw, ncw, p->c[i].m.country);
			if (w > bw) {
				bw = w;
				best = i;
			}
		}
		by = bw > 0 ? "case" : "population";
		if (bw <= 0)
			best = 0;
	}
	choose(p, &p->c[best]);
	dft_buf_reset(&l->why);
	describe(l, &p->c[best]);
	dft_buf_addf(&l->why, "; %zu places of that name", p->nc);
	if (!strcmp(by, "near"))
		dft_buf_addf(&l->why, "; chosen by country: the places named in the same documents are in %s (%lld documents)",
			     p->c[best].m.country, (long long)bw);
	else if (!strcmp(by, "case"))
		dft_buf_addf(&l->why, "; chosen by country: %s is the country the case names most (%lld places)",
			     p->c[best].m.country, (long long)bw);
	else
		dft_buf_adds(&l->why, "; chosen by population (no country context)");
	for (size_t i = 0, k = 0; i < p->nc && k < 2; i++)
		if (i != best) {
			dft_buf_addf(&l->why, "%s %s, %s (%lld)", k ? "," : "; not", p->c[i].m.name, p->c[i].m.country,
				     (long long)p->c[i].m.population);
			k++;
		}
	return set_why(p, &l->why);
}

int dft_places_locate(dft_store *st)
{
	locator l;
	dft_place_geo *g = NULL;
	cc_weight cw[64];
	size_t ncw = 0, ng = 0;
	int rc;
	double t0 = dft_now();
	memset(&l, 0, sizeof l);
	dft_buf_init(&l.why, 4096);
	if ((rc = dft_gazetteer_new(&l.gz)) < 0 || (rc = dft_store_place_variants(st, on_variant, &l)) < 0 ||
	    (rc = dft_store_place_written(st, on_written, &l)) < 0 || (rc = dft_store_place_edges(st, on_edge, &l)) < 0)
		goto done;
	for (size_t i = 0; i < l.n && rc == 0; i++)
		rc = first_pass(&l, &l.p[i]);
	for (size_t i = 0; i < l.n; i++)
		if (l.p[i].has == 1 && l.p[i].country[0])
			add_weight(cw, &ncw, 64, l.p[i].country, 1);
	for (size_t i = 0; i < l.n && rc == 0; i++)
		if (l.p[i].has == 2)
			rc = second_pass(&l, &l.p[i], cw, ncw);
	if (rc < 0)
		goto done;
	if (!(g = calloc(l.n ? l.n : 1, sizeof(*g)))) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory locating places");
		goto done;
	}
	for (size_t i = 0; i < l.n; i++) {
		loc_place *p = &l.p[i];
		if (p->has != 1)
			continue;
		g[ng] = p->g;
		g[ng].entity = p->entity;
		g[ng].country = p->country[0] ? p->country : NULL;
		g[ng].why = p->why ? p->why : "";
		ng++;
	}
	rc = dft_store_place_geo_replace(st, g, ng);
	dft_log("places: %zu of %zu located in %.3f s", ng, l.n, dft_now() - t0);
done:
	for (size_t i = 0; i < l.n; i++) {
		free(l.p[i].c);
		free(l.p[i].why);
	}
	free(l.p);
	free(l.e);
	free(g);
	dft_buf_dispose(&l.why);
	dft_gazetteer_free(l.gz);
	return rc;
}
