/*
 * gazetteer_internal.h - what gazetteer.c, its generated table
 * (gazetteer_data.c) and places.c share inside src/entities/.
 */
#ifndef DAFTAR_GAZETTEER_INTERNAL_H
#define DAFTAR_GAZETTEER_INTERNAL_H

#include "daftar/entities.h"

/* One GeoNames city (tools/gazetteer/gen-gazetteer.mjs). */
typedef struct dft_geoname {
	int64_t id;             /* GeoNames geonameid */
	const char *country;    /* ISO 3166-1 alpha-2 */
	const char *feature;    /* GeoNames feature code: PPLC capital, PPLA seat of a province ... */
	double lat, lon;
	int64_t population;
	const char *name;       /* as GeoNames writes it ("Ar Raqqah", "Ḩamāh") */
	const char *ascii;      /* without diacritics and ʿ ("Hamah") */
} dft_geoname;

extern const dft_geoname dft_geonames[];
extern const size_t dft_geonames_count;

/* places.c's lookup key of a spelling (articles dropped, -ah read -a,
 * letters normalised as the index reads them), appended to out. */
int dft_places_key(dft_buf *norm, const char *s, size_t len, dft_buf *out);

#endif
