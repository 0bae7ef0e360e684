/*
 * places_store.c - the store's side of places on the map (entities.h,
 * "places on the map and routes"): the routes a document states (schema
 * migration 10, rewritten with its mentions), the coordinates resolution
 * gives each place entity (place_geo, rewritten at each resolution by
 * locate.c) and its documents by month (place_months, migration 12), and
 * what `daftar places` and GET /api/places read.
 */
#include "store_internal.h"
#include "daftar/entities.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int dft_store_routes_put(dft_store *st, int64_t doc_id, const dft_route_rec *r, size_t n)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "DELETE FROM routes WHERE doc_id = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc_id);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, "removing old routes");
	dft_sql_release(st, s);
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = dft_sql_cached(st, &s,
					 "INSERT INTO routes(doc_id, from_value, to_value, start, \"end\", date)"
					 " VALUES(?, ?, ?, ?, ?, ?)")) < 0)
			return rc;
		dft_sql_bind_int64(s, 1, doc_id);
		dft_sql_bind_text(s, 2, r[i].from, -1);
		dft_sql_bind_text(s, 3, r[i].to, -1);
		dft_sql_bind_int64(s, 4, (int64_t)r[i].start);
		dft_sql_bind_int64(s, 5, (int64_t)r[i].end);
		if (r[i].date)
			dft_sql_bind_text(s, 6, r[i].date, -1);
		else
			dft_sql_bind_null(s, 6);
		rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, "storing a route");
		dft_sql_release(st, s);
	}
	return rc;
}

int dft_store_place_variants(dft_store *st,
			     int (*fn)(void *ctx, int64_t entity, const char *value, int64_t mentions,
				       const char *extra),
			     void *ctx)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT v.entity_id, v.value, v.mentions, (SELECT m.extra FROM mentions m"
				  "  WHERE m.type = 'place' AND m.value = v.value AND m.extra LIKE 'place:%' LIMIT 1)"
				  " FROM entity_variants v WHERE v.type = 'place' ORDER BY v.entity_id, v.mentions DESC, v.value")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1), dft_sql_col_int64(s, 2),
			dft_sql_col_null(s, 3) ? NULL : dft_sql_col_text(s, 3));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading the places");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_place_written(dft_store *st,
			    int (*fn)(void *ctx, int64_t entity, int64_t doc, const char *coordinates), void *ctx)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT v.entity_id, p.doc_id, p.extra FROM mentions p"
				  " JOIN entity_variants v ON v.type = 'place' AND v.value = p.value"
				  " WHERE p.type = 'place' AND p.extra LIKE '%written:%'"
				  " ORDER BY v.entity_id, p.doc_id LIMIT 100000")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_int64(s, 1), dft_sql_col_text(s, 2));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading coordinates written beside places");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_place_edges(dft_store *st, int (*fn)(void *ctx, int64_t a, int64_t b, int64_t documents), void *ctx)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT x.a, x.b, x.documents FROM entity_edges x"
				  " JOIN entities ea ON ea.id = x.a AND ea.type = 'place'"
				  " JOIN entities eb ON eb.id = x.b AND eb.type = 'place' LIMIT 1000000")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_int64(s, 1), dft_sql_col_int64(s, 2));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading the places named together");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_place_geo_replace(dft_store *st, const dft_place_geo *g, size_t n)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_store_begin(st)) < 0 || (rc = dft_sql_exec(st, "DELETE FROM place_geo")) < 0)
		return rc;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if ((rc = dft_sql_cached(st, &s,
					 "INSERT INTO place_geo(entity_id, lat, lon, country, geonameid, source, why)"
					 " VALUES(?, ?, ?, ?, ?, ?, ?)")) < 0)
			return rc;
		dft_sql_bind_int64(s, 1, g[i].entity);
		dft_sql_bind_double(s, 2, g[i].lat);
		dft_sql_bind_double(s, 3, g[i].lon);
		if (g[i].country)
			dft_sql_bind_text(s, 4, g[i].country, -1);
		else
			dft_sql_bind_null(s, 4);
		dft_sql_bind_int64(s, 5, g[i].geonameid);
		dft_sql_bind_text(s, 6, g[i].source, -1);
		dft_sql_bind_text(s, 7, g[i].why, -1);
		rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, "storing a place's coordinates");
		dft_sql_release(st, s);
	}
	/* the documents of each place by the month of their first date (a
	 * letter's date is at its head), for the map's slider */
	if (rc == 0)
		rc = dft_sql_exec(st,
				  "DELETE FROM place_months;" DFT_PLACE_MONTHS_SQL);
	if (rc < 0)
		return rc;
	return dft_store_commit(st);
}

int dft_store_places_list(dft_store *st, int (*fn)(void *ctx, const dft_place_row *r), void *ctx)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT e.id, e.name, e.documents, e.mentions, g.entity_id IS NOT NULL, g.lat, g.lon,"
				  " g.country, g.geonameid, g.source, g.why FROM entities e"
				  " LEFT JOIN place_geo g ON g.entity_id = e.id WHERE e.type = 'place'"
				  " ORDER BY e.documents DESC, e.mentions DESC, e.id")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_place_row p;
		memset(&p, 0, sizeof p);
		p.id = dft_sql_col_int64(s, 0);
		p.name = dft_sql_col_text(s, 1);
		p.documents = dft_sql_col_int64(s, 2);
		p.mentions = dft_sql_col_int64(s, 3);
		p.has_geo = (int)dft_sql_col_int64(s, 4);
		if (p.has_geo) {
			p.geo.entity = p.id;
			p.geo.lat = dft_sql_col_double(s, 5);
			p.geo.lon = dft_sql_col_double(s, 6);
			p.geo.country = dft_sql_col_null(s, 7) ? NULL : dft_sql_col_text(s, 7);
			p.geo.geonameid = dft_sql_col_int64(s, 8);
			p.geo.source = dft_sql_col_text(s, 9);
			p.geo.why = dft_sql_col_text(s, 10);
		}
		rc = fn(ctx, &p);
	}
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing the places");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_places_names(dft_store *st, int (*fn)(void *ctx, int64_t entity, const char *value), void *ctx)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT entity_id, value FROM entity_variants WHERE type = 'place'"
				  " ORDER BY entity_id, mentions DESC, value")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading the places' names");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_places_months(dft_store *st,
			    int (*fn)(void *ctx, int64_t entity, const char *month, int64_t documents), void *ctx)
{
	dft_stmt *s;
	int rc, r;
	/* computed at resolution (dft_store_place_geo_replace) */
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT entity_id, month, documents FROM place_months ORDER BY entity_id, month")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1), dft_sql_col_int64(s, 2));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading the places' dates");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_routes_list(dft_store *st,
			  int (*fn)(void *ctx, int64_t from, int64_t to, int64_t doc, const char *date), void *ctx)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s,
				  "SELECT DISTINCT f.entity_id, t.entity_id, r.doc_id, r.date FROM routes r"
				  " JOIN entity_variants f ON f.type = 'place' AND f.value = r.from_value"
				  " JOIN entity_variants t ON t.type = 'place' AND t.value = r.to_value"
				  " WHERE f.entity_id != t.entity_id"
				  " ORDER BY f.entity_id, t.entity_id, r.doc_id, r.date")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_int64(s, 1), dft_sql_col_int64(s, 2),
			dft_sql_col_null(s, 3) ? NULL : dft_sql_col_text(s, 3));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing the routes");
	dft_sql_finalize(s);
	return rc;
}
