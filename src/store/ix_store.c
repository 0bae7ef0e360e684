/*
 * ix_store.c - the case's full-text index (SQLite cases): daftar's own
 * index (ix.h) kept in store.db. A document's title, path and text are
 * analysed when its extraction is stored (the text by the extraction
 * worker, when it sent its terms), the pending segment written in
 * the same transaction just before COMMIT (so after kill -9 the index has
 * exactly the committed documents), dropped on ROLLBACK. Readers keep one
 * open index a connection and reload it when another connection commits
 * (PRAGMA data_version). dft_hit(id) lets SQL (facets, date order) see the
 * documents a query matched. A document's fields are the view search_src
 * (schema.c: the title and subject, the first path, the text), as they
 * were FTS5's.
 *
 * Server mode (PostgreSQL) keeps its tsvector index (pgtext.h).
 */
#include "store_internal.h"
#include "daftar/ix.h"
#include "daftar/text.h"

#include <stdlib.h>
#include <string.h>

/* flush before a transaction's COMMIT, or sooner when it grows past this */
#define IX_PENDING_MAX ((size_t)256 << 20)

int dft_store_ix_add(dft_store *st, int64_t doc_id, const char *text, size_t len, const void *terms,
		     size_t terms_len)
{
	dft_stmt *s = NULL;
	int rc;
	if (st->pg)
		return 0;
	if (!st->ix_an && (rc = dft_analyzer_new(&st->ix_an, NULL, DFT_AN_INDEX)) < 0)
		return rc;
	if (!st->ixw && (rc = dft_ix_writer_new(&st->ixw)) < 0)
		return rc;
	if (doc_id <= 0 || doc_id > (int64_t)UINT32_MAX - 1)
		return dft_error_set(DFT_ELIMIT, "document %lld: beyond the index's 4 billion documents", (long long)doc_id);
	if ((rc = dft_sql_cached(st, &s,
				 "SELECT title, path FROM search_src WHERE id = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc_id);
	if (terms)
		rc = dft_ix_add_terms(st->ixw, (uint32_t)doc_id, DFT_IX_BODY, terms, terms_len);
	else
		rc = dft_ix_add(st->ixw, (uint32_t)doc_id, DFT_IX_BODY, st->ix_an, text ? text : "", text ? len : 0);
	if (rc == 0 && dft_sql_step(s) == DFT_ROW) {
		const char *title = dft_sql_col_text(s, 0), *path = dft_sql_col_text(s, 1);
		if (title)
			rc = dft_ix_add(st->ixw, (uint32_t)doc_id, DFT_IX_TITLE, st->ix_an, title, strlen(title));
		if (rc == 0 && path)
			rc = dft_ix_add(st->ixw, (uint32_t)doc_id, DFT_IX_PATH, st->ix_an, path, strlen(path));
	}
	dft_sql_release(st, s);
	if (rc == 0 && dft_ix_pending_bytes(st->ixw) > IX_PENDING_MAX)
		rc = dft_store_ix_flush(st);
	return rc;
}

int dft_store_ix_flush(dft_store *st)
{
	int rc;
	if (!st->ixw || !dft_ix_pending_bytes(st->ixw))
		return 0;
	if ((rc = dft_ix_flush(st->ixw, st->db)) < 0)
		return rc;
	st->ix_stale = 1;
	return 0;
}

size_t dft_store_ix_pending(const dft_store *st)
{
	return st->ixw ? dft_ix_pending_bytes(st->ixw) : 0;
}

void dft_store_ix_discard(dft_store *st)
{
	if (st->ixw)
		dft_ix_writer_reset(st->ixw);
}

void dft_store_ix_free(dft_store *st)
{
	dft_ix_writer_free(st->ixw);
	dft_analyzer_free(st->ix_an);
	dft_ix_close(st->ix);
	free(st->hits);
	st->ixw = NULL;
	st->ix_an = NULL;
	st->ix = NULL;
	st->hits = NULL;
}

int dft_store_ix_reader(dft_store *st, dft_ix **out)
{
	int64_t version = -1;
	int rc;
	if ((rc = dft_sql_value(st, "PRAGMA data_version", &version)) < 0)
		return rc;
	if (st->ix && (version != st->ix_version || st->ix_stale)) {
		dft_ix_close(st->ix);
		st->ix = NULL;
	}
	if (!st->ix) {
		if ((rc = dft_ix_open(&st->ix, st->db)) < 0)
			return rc;
		st->ix_version = version;
		st->ix_stale = 0;
	}
	*out = st->ix;
	return 0;
}

/* ---- dft_hit(id): is the document among the current query's matches ---- */

static void hit_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	dft_store *st = sqlite3_user_data(ctx);
	int64_t id = sqlite3_value_int64(argv[0]);
	(void)argc;
	sqlite3_result_int(ctx, st->hits && id >= 0 && (uint64_t)id < st->hits_bits &&
					(st->hits[id >> 3] >> (id & 7) & 1));
}

int dft_store_ix_register(dft_store *st)
{
	if (sqlite3_create_function(st->db, "dft_hit", 1, SQLITE_UTF8, st, hit_fn, NULL, NULL) != SQLITE_OK)
		return dft_error_set(DFT_EIO, "cannot register dft_hit: %s", sqlite3_errmsg(st->db));
	return 0;
}

int dft_store_ix_set_hits(dft_store *st, const dft_ix_result *all)
{
	uint32_t max = 0;
	free(st->hits);
	st->hits = NULL;
	st->hits_bits = 0;
	for (size_t i = 0; i < all->nhits; i++)
		max = all->hits[i].doc > max ? all->hits[i].doc : max;
	if (!(st->hits = calloc((size_t)max / 8 + 1, 1)))
		return dft_error_set(DFT_ENOMEM, "out of memory");
	st->hits_bits = (uint64_t)max + 1;
	for (size_t i = 0; i < all->nhits; i++)
		st->hits[all->hits[i].doc >> 3] |= (uint8_t)(1 << (all->hits[i].doc & 7));
	return 0;
}

/* ---- building the index of a case made before it (schema migration) ---- */

int dft_store_ix_rebuild(sqlite3 *db)
{
	sqlite3_stmt *s = NULL;
	dft_ix_writer *w = NULL;
	dft_analyzer *an = NULL;
	int rc, step, n = 0;
	if ((rc = dft_ix_schema(db)) < 0 || (rc = dft_ix_writer_new(&w)) < 0 ||
	    (rc = dft_analyzer_new(&an, NULL, DFT_AN_INDEX)) < 0)
		goto out;
	if (sqlite3_prepare_v2(db,
			       "SELECT id, title, path, body FROM search_src "
			       "WHERE id IN (SELECT id FROM documents WHERE status != 'pending') ORDER BY id",
			       -1, &s, NULL) != SQLITE_OK) {
		rc = dft_error_set(DFT_EIO, "index: %s", sqlite3_errmsg(db));
		goto out;
	}
	while (rc == 0 && (step = sqlite3_step(s)) == SQLITE_ROW) {
		uint32_t id = (uint32_t)sqlite3_column_int64(s, 0);
		const char *title = (const char *)sqlite3_column_text(s, 1), *path = (const char *)sqlite3_column_text(s, 2);
		const char *body = (const char *)sqlite3_column_text(s, 3);
		rc = dft_ix_add(w, id, DFT_IX_BODY, an, body ? body : "", body ? strlen(body) : 0);
		if (rc == 0 && title)
			rc = dft_ix_add(w, id, DFT_IX_TITLE, an, title, strlen(title));
		if (rc == 0 && path)
			rc = dft_ix_add(w, id, DFT_IX_PATH, an, path, strlen(path));
		if (rc == 0 && (++n % 4096 == 0 || dft_ix_pending_bytes(w) > IX_PENDING_MAX))
			rc = dft_ix_flush(w, db);
	}
	if (rc == 0 && step != SQLITE_DONE)
		rc = dft_error_set(DFT_EIO, "index: %s", sqlite3_errmsg(db));
	if (rc == 0)
		rc = dft_ix_flush(w, db);
out:
	sqlite3_finalize(s);
	dft_ix_writer_free(w);
	dft_analyzer_free(an);
	return rc;
}
