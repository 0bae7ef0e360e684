/*
 * entity_store.c - the store's side of the entities stage (entities.h):
 * mentions a document (rewritten when its text changes), the variants
 * table that maps each mentioned (type, value) to an entity, entities with
 * their counts, co-occurrence edges, and the merges and splits made by
 * hand (schema migration 5).
 */
#include "store_internal.h"
#include "daftar/entities.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int exec_sql(dft_store *st, const char *sql, const char *what)
{
	int rc = dft_sql_exec(st, sql);
	if (rc < 0)
		dft_error_prefix("%s", what);
	return rc;
}

/* Step a statement of the cache (dft_sql_cached) to its end and give it back. */
static int cached_step_done(dft_store *st, dft_stmt *s, const char *what)
{
	int rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, what);
	dft_sql_release(st, s);
	return rc;
}

int dft_store_each_id(dft_store *st, dft_stmt *s, const char *what, int (*fn)(void *ctx, int64_t id),
		      void *ctx)
{
	int rc = 0, r;
	int64_t *ids = NULL;
	size_t n = 0, cap = 0;
	while ((r = dft_sql_step(s)) == DFT_ROW) {
		if (n == cap) {
			size_t c = cap ? cap * 2 : 1024;
			int64_t *p = dft_realloc(ids, c * sizeof(*p));
			if (!p) {
				rc = DFT_ENOMEM;
				goto done;
			}
			ids = p;
			cap = c;
		}
		ids[n++] = dft_sql_col_int64(s, 0);
	}
	if (r != DFT_DONE) {
		rc = dft_store_db_err(st, what);
		goto done;
	}
	dft_sql_finalize(s);
	s = NULL;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = fn(ctx, ids[i]);
done:
	dft_sql_finalize(s);
	free(ids);
	return rc;
}

int dft_store_entity_pending(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT t.doc_id FROM texts t LEFT JOIN entity_state e ON e.doc_id = t.doc_id"
				    " WHERE e.doc_id IS NULL OR abs(e.version) != ?1 OR e.text_sha != t.sha256"
				    " ORDER BY t.doc_id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, DFT_ENTITIES_VERSION);
	return dft_store_each_id(st, s, "listing texts to scan for entities", fn, ctx);
}

int dft_store_mentions_put(dft_store *st, int64_t doc_id, const char *text, size_t len,
			   const dft_mention_set *ms)
{
	dft_stmt *s;
	int rc;
	size_t at = 0;
	int64_t page = 1;
	if ((rc = dft_sql_cached(st, &s, "DELETE FROM mentions WHERE doc_id = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc_id);
	if ((rc = cached_step_done(st, s, "removing old mentions")) < 0)
		return rc;
	for (size_t i = 0; i < ms->n; i++) {
		const dft_mention_rec *m = &ms->v[i];
		if (m->end > len || m->start > m->end)
			continue;
		/* mentions come in text order: count form feeds once */
		if (m->start >= at) {
			for (; at < m->start; at++)
				page += text[at] == '\f';
		} else {
			page = 1;
			for (at = 0; at < m->start; at++)
				page += text[at] == '\f';
		}
		if ((rc = dft_sql_cached(st, &s,
					    "INSERT INTO mentions(doc_id, type, value, start, \"end\", page, surface, extra, score)"
					    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)")) < 0)
			return rc;
		dft_sql_bind_int64(s, 1, doc_id);
		dft_sql_bind_text(s, 2, dft_entity_type_name(m->type), -1);
		dft_sql_bind_text(s, 3, ms->strings.ptr + m->value, -1);
		dft_sql_bind_int64(s, 4, (int64_t)m->start);
		dft_sql_bind_int64(s, 5, (int64_t)m->end);
		dft_sql_bind_int64(s, 6, page);
		dft_sql_bind_text(s, 7, text + m->start, (int)(m->end - m->start));
		if (m->extra != SIZE_MAX)
			dft_sql_bind_text(s, 8, ms->strings.ptr + m->extra, -1);
		dft_sql_bind_double(s, 9, m->score);
		if ((rc = cached_step_done(st, s, "storing a mention")) < 0)
			return rc;
	}
	/* scanned, not yet resolved (the version negated): resolution, which
	 * may run in another process after a kill, finds it so */
	if ((rc = dft_sql_cached(st, &s,
				 "INSERT INTO entity_state(doc_id, version, text_sha)"
				 " SELECT doc_id, ?2, sha256 FROM texts WHERE doc_id = ?1"
				 " ON CONFLICT(doc_id) DO UPDATE SET version = excluded.version, text_sha = excluded.text_sha")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc_id);
	dft_sql_bind_int64(s, 2, -(int64_t)DFT_ENTITIES_VERSION);
	return cached_step_done(st, s, "marking a text scanned");
}

int dft_store_entity_unresolved(dft_store *st, int *any)
{
	dft_stmt *s;
	int rc, r;
	*any = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT 1 FROM entity_state WHERE version = ?1 LIMIT 1")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, -(int64_t)DFT_ENTITIES_VERSION);
	r = dft_sql_step(s);
	if (r == DFT_ROW)
		*any = 1;
	else if (r != DFT_DONE)
		rc = dft_store_db_err(st, "looking for mentions not yet resolved");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entity_values(dft_store *st, int (*fn)(void *ctx, const dft_entity_value *v), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	/* Resolution, which starts here, reads every mention (a GROUP BY, the
	 * counts, the materialised co-occurrence pairs): with the ingest's
	 * 64 MiB page cache SQLite's sorters and pages took as much again, and
	 * the resolution of a 20,000-document case peaked at 200 MB. 16 MiB
	 * is as fast (25 s either way for those statements; measured); the
	 * rest of this process keeps it. */
	if (!st->pg && (rc = dft_sql_exec(st, "PRAGMA cache_size=-16384")) < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT type, value, COUNT(*), COUNT(DISTINCT doc_id) FROM mentions"
				    " GROUP BY type, value ORDER BY type, value")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_entity_value v;
		v.type = dft_entity_type_parse(dft_sql_col_text(s, 0));
		v.value = dft_sql_col_text(s, 1);
		v.mentions = dft_sql_col_int64(s, 2);
		v.documents = dft_sql_col_int64(s, 3);
		if (v.type >= 0 && v.value)
			rc = fn(ctx, &v);
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "reading mentioned values");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entities_replace(dft_store *st, const dft_entity_assign *a, size_t n)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_store_begin(st)) < 0)
		return rc;
	if ((rc = exec_sql(st, "DELETE FROM entity_variants", "resolving entities")) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		const char *type = dft_entity_type_name(a[i].type);
		const char *etype = dft_entity_type_name(a[i].entity_type);
		if ((rc = dft_sql_cached(st, &s,
					    "INSERT INTO entities(type, key, name) VALUES(?1, ?2, ?3)"
					    " ON CONFLICT(type, key) DO UPDATE SET name = excluded.name")) < 0)
			return rc;
		dft_sql_bind_text(s, 1, etype, -1);
		dft_sql_bind_text(s, 2, a[i].key, -1);
		dft_sql_bind_text(s, 3, a[i].name, -1);
		if ((rc = cached_step_done(st, s, "storing an entity")) < 0)
			return rc;
		if ((rc = dft_sql_cached(st, &s,
					    "INSERT INTO entity_variants(type, value, entity_id, mentions, reason)"
					    " SELECT ?1, ?2, id, ?4, ?5 FROM entities WHERE type = ?6 AND key = ?3"
					    " ON CONFLICT(type, value) DO UPDATE SET entity_id = excluded.entity_id,"
					    " mentions = excluded.mentions, reason = excluded.reason")) < 0)
			return rc;
		dft_sql_bind_text(s, 1, type, -1);
		dft_sql_bind_text(s, 2, a[i].value, -1);
		dft_sql_bind_text(s, 3, a[i].key, -1);
		dft_sql_bind_int64(s, 4, a[i].mentions);
		dft_sql_bind_text(s, 5, a[i].reason ? a[i].reason : "", -1);
		dft_sql_bind_text(s, 6, etype, -1);
		if ((rc = cached_step_done(st, s, "storing a variant")) < 0)
			return rc;
	}
	if ((rc = dft_sql_prepare(st, &s, "UPDATE entity_state SET version = ?1 WHERE version = ?2")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, DFT_ENTITIES_VERSION);
	dft_sql_bind_int64(s, 2, -(int64_t)DFT_ENTITIES_VERSION);
	if ((rc = dft_store_step_done(st, s, "marking mentions resolved")) < 0)
		return rc;
	rc = exec_sql(st,
		      "DELETE FROM entities WHERE id NOT IN (SELECT entity_id FROM entity_variants);"
		      "UPDATE entities SET"
		      "  mentions = (SELECT SUM(v.mentions) FROM entity_variants v WHERE v.entity_id = entities.id),"
		      "  documents = (SELECT COUNT(DISTINCT m.doc_id) FROM entity_variants v"
		      "    JOIN mentions m ON m.type = v.type AND m.value = v.value WHERE v.entity_id = entities.id);"
		      /* co-occurrence: people, organisations and places named in one document */
		      "DELETE FROM entity_edges;"
		      "WITH de AS MATERIALIZED (SELECT DISTINCT m.doc_id, v.entity_id FROM mentions m"
		      "  JOIN entity_variants v ON v.type = m.type AND v.value = m.value"
		      "  JOIN entities e ON e.id = v.entity_id"
		      "  WHERE e.type IN ('person', 'organization', 'place'))"
		      "INSERT INTO entity_edges(a, b, documents) SELECT x.entity_id, y.entity_id, COUNT(*)"
		      "  FROM de x JOIN de y ON y.doc_id = x.doc_id AND y.entity_id > x.entity_id"
		      "  GROUP BY x.entity_id, y.entity_id;",
		      "counting entities");
	if (rc < 0)
		return rc;
	return dft_store_commit(st);
}

int dft_store_entities_list(dft_store *st, const dft_entity_filter *f,
			    int (*fn)(void *ctx, const dft_entity_row *r), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT e.id, e.type, e.name, e.mentions, e.documents FROM entities e"
				    " WHERE (CAST(?1 AS TEXT) IS NULL OR e.type = ?1) AND (?3 = 0 OR e.id = ?3)"
				    "   AND (?2 = 0 OR e.id IN (SELECT v.entity_id FROM mentions m JOIN entity_variants v"
				    "     ON v.type = m.type AND v.value = m.value WHERE m.doc_id = ?2))"
				    " ORDER BY e.documents DESC, e.mentions DESC, e.id LIMIT ?4 OFFSET ?5")) < 0)
		return rc;
	if (f->type >= 0)
		dft_sql_bind_text(s, 1, dft_entity_type_name(f->type), -1);
	dft_sql_bind_int64(s, 2, f->doc);
	dft_sql_bind_int64(s, 3, f->id);
	dft_sql_bind_int64(s, 4, f->limit > 0 ? f->limit : INT64_MAX);
	dft_sql_bind_int64(s, 5, f->offset);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_entity_row e;
		e.id = dft_sql_col_int64(s, 0);
		e.type = dft_entity_type_parse(dft_sql_col_text(s, 1));
		e.name = dft_sql_col_text(s, 2);
		e.mentions = dft_sql_col_int64(s, 3);
		e.documents = dft_sql_col_int64(s, 4);
		rc = fn(ctx, &e);
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing entities");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entity_variants(dft_store *st, int64_t id,
			      int (*fn)(void *ctx, const char *value, int64_t mentions, const char *reason),
			      void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT value, mentions, reason FROM entity_variants WHERE entity_id = ?"
				    " ORDER BY mentions DESC, value")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_text(s, 0), dft_sql_col_int64(s, 1),
			dft_sql_col_text(s, 2));
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing variants");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entity_at(dft_store *st, int64_t doc, size_t start, size_t end, int64_t *id)
{
	dft_stmt *s;
	int rc;
	*id = 0;
	/* cached: `records` asks this of every name field of every form */
	if ((rc = dft_sql_cached(st, &s,
				   "SELECT v.entity_id FROM mentions m JOIN entity_variants v"
				   " ON v.type = m.type AND v.value = m.value"
				   " WHERE m.doc_id = ?1 AND m.start < ?3 AND m.\"end\" > ?2"
				   "   AND m.type IN ('person', 'organization', 'place', 'misc')"
				   " ORDER BY m.\"end\" - m.start DESC LIMIT 1")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	dft_sql_bind_int64(s, 2, (int64_t)start);
	dft_sql_bind_int64(s, 3, (int64_t)end);
	if (dft_sql_step(s) == DFT_ROW)
		*id = dft_sql_col_int64(s, 0);
	dft_sql_release(st, s);
	return 0;
}

int dft_store_entity_override(dft_store *st, int type, const char *value, const char *action,
			      const char *target, const char *by)
{
	dft_stmt *s;
	char at[32];
	int rc;
	dft_utc_iso(at);
	if ((rc = dft_sql_prepare(st, &s,
				    "INSERT INTO entity_overrides(type, value, action, target, by, at)"
				    " VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(type, value) DO UPDATE SET action = excluded.action,"
				    " target = excluded.target, by = excluded.by, at = excluded.at")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, dft_entity_type_name(type), -1);
	dft_sql_bind_text(s, 2, value, -1);
	dft_sql_bind_text(s, 3, action, -1);
	if (target)
		dft_sql_bind_text(s, 4, target, -1);
	dft_sql_bind_text(s, 5, by ? by : "", -1);
	dft_sql_bind_text(s, 6, at, -1);
	return dft_store_step_done(st, s, "storing a merge or split");
}

int dft_store_entity_overrides(dft_store *st,
			       int (*fn)(void *ctx, int type, const char *value, const char *action,
					 const char *target),
			       void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, "SELECT type, value, action, target FROM entity_overrides ORDER BY at")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_entity_type_parse(dft_sql_col_text(s, 0)),
			dft_sql_col_text(s, 1), dft_sql_col_text(s, 2),
			dft_sql_col_text(s, 3));
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "reading merges and splits");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_texts_each(dft_store *st, int (*fn)(void *ctx, int64_t id, const char *text, size_t len),
			 void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, "SELECT doc_id, text FROM texts ORDER BY doc_id")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		const char *t = dft_sql_col_text(s, 1);
		rc = fn(ctx, dft_sql_col_int64(s, 0), t ? t : "", (size_t)dft_sql_col_bytes(s, 1));
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "reading texts");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_texts_count(dft_store *st, int64_t *n)
{
	dft_stmt *s;
	int rc;
	*n = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT COUNT(*) FROM texts")) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW)
		*n = dft_sql_col_int64(s, 0);
	dft_sql_finalize(s);
	return 0;
}

int dft_store_name_spans(dft_store *st, int64_t doc, int (*fn)(void *ctx, size_t start, size_t end), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT start, \"end\" FROM mentions WHERE doc_id = ?"
				    " AND type IN ('person', 'organization', 'place', 'misc') ORDER BY start")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, (size_t)dft_sql_col_int64(s, 0), (size_t)dft_sql_col_int64(s, 1));
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "reading name mentions");
	dft_sql_finalize(s);
	return rc;
}

/* ---- what the workbench reads (docs/API.md) ------------------------------------- */

static void entity_row(dft_stmt *s, int col, dft_entity_row *e)
{
	e->id = dft_sql_col_int64(s, col);
	e->type = dft_entity_type_parse(dft_sql_col_text(s, col + 1));
	e->name = dft_sql_col_text(s, col + 2);
	e->mentions = dft_sql_col_int64(s, col + 3);
	e->documents = dft_sql_col_int64(s, col + 4);
}

int dft_store_entity_documents(dft_store *st, int64_t entity, int64_t limit,
			       int (*fn)(void *ctx, int64_t doc, const char *path, int64_t mentions), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT m.doc_id, (SELECT l.path FROM locations l WHERE l.doc_id = m.doc_id"
				    "   ORDER BY l.id LIMIT 1), COUNT(*) AS n"
				    " FROM entity_variants v JOIN mentions m ON m.type = v.type AND m.value = v.value"
				    " WHERE v.entity_id = ?1 GROUP BY m.doc_id ORDER BY n DESC, m.doc_id LIMIT ?2")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, entity);
	dft_sql_bind_int64(s, 2, limit > 0 ? limit : INT64_MAX);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1),
			dft_sql_col_int64(s, 2));
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing an entity's documents");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entity_cooccurring(dft_store *st, int64_t entity, int64_t limit,
				 int (*fn)(void *ctx, const dft_entity_row *r, int64_t shared), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT e.id, e.type, e.name, e.mentions, e.documents, x.n FROM"
				    " (SELECT b AS o, documents AS n FROM entity_edges WHERE a = ?1"
				    "  UNION ALL SELECT a, documents FROM entity_edges WHERE b = ?1) x"
				    " JOIN entities e ON e.id = x.o ORDER BY x.n DESC, e.documents DESC, e.id LIMIT ?2")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, entity);
	dft_sql_bind_int64(s, 2, limit > 0 ? limit : INT64_MAX);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_entity_row e;
		entity_row(s, 0, &e);
		rc = fn(ctx, &e, dft_sql_col_int64(s, 5));
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing co-occurring entities");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entity_graph(dft_store *st, const char *types, int64_t min_weight, int64_t limit,
			   int (*node)(void *ctx, const dft_entity_row *r),
			   int (*edge)(void *ctx, int64_t a, int64_t b, int64_t documents), void *ctx)
{
	/* a document number is no node unless asked for by type: it names
	 * a letter, not someone who appears with someone */
	static const char nodes_sql[] =
		"SELECT id, type, name, mentions, documents FROM entities"
		" WHERE (CAST(?1 AS TEXT) IS NULL AND type <> 'document_number'"
		"  OR instr(?1, ',' || type || ',') > 0)"
		" ORDER BY documents DESC, mentions DESC, id LIMIT ?2";
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, nodes_sql)) < 0)
		return rc;
	if (types)
		dft_sql_bind_text(s, 1, types, -1);
	dft_sql_bind_int64(s, 2, limit > 0 ? limit : INT64_MAX);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_entity_row e;
		entity_row(s, 0, &e);
		rc = node(ctx, &e);
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing graph nodes");
	dft_sql_finalize(s);
	if (rc < 0)
		return rc;
	r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "WITH n AS (SELECT id FROM entities"
				    " WHERE (CAST(?1 AS TEXT) IS NULL AND type <> 'document_number'"
				    "  OR instr(?1, ',' || type || ',') > 0)"
				    " ORDER BY documents DESC, mentions DESC, id LIMIT ?2)"
				    " SELECT a, b, documents FROM entity_edges"
				    " WHERE documents >= ?3 AND a IN (SELECT id FROM n) AND b IN (SELECT id FROM n) ORDER BY documents DESC, a, b")) < 0)
		return rc;
	if (types)
		dft_sql_bind_text(s, 1, types, -1);
	dft_sql_bind_int64(s, 2, limit > 0 ? limit : INT64_MAX);
	dft_sql_bind_int64(s, 3, min_weight > 0 ? min_weight : 1);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = edge(ctx, dft_sql_col_int64(s, 0), dft_sql_col_int64(s, 1), dft_sql_col_int64(s, 2));
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing graph edges");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_timeline(dft_store *st, const char *from, const char *to, int64_t limit,
		       int (*fn)(void *ctx, const dft_dated_mention *m), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT value, extra, doc_id, page, surface FROM mentions"
				    " WHERE type = 'date' AND (CAST(?1 AS TEXT) IS NULL OR value >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR value <= ?2)"
				    " ORDER BY value, doc_id, start LIMIT ?3")) < 0)
		return rc;
	if (from)
		dft_sql_bind_text(s, 1, from, -1);
	if (to)
		dft_sql_bind_text(s, 2, to, -1);
	dft_sql_bind_int64(s, 3, limit > 0 ? limit : INT64_MAX);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_dated_mention m;
		m.date = dft_sql_col_text(s, 0);
		m.extra = dft_sql_col_text(s, 1);
		m.doc = dft_sql_col_int64(s, 2);
		m.page = dft_sql_col_int64(s, 3);
		m.surface = dft_sql_col_text(s, 4);
		rc = fn(ctx, &m);
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing dates");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_doc_mentions(dft_store *st, int64_t doc, int (*fn)(void *ctx, const dft_doc_mention *m),
			   void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT v.entity_id, m.type, m.value, m.start, m.\"end\", m.page FROM mentions m"
				    " LEFT JOIN entity_variants v ON v.type = m.type AND v.value = m.value"
				    " WHERE m.doc_id = ? ORDER BY m.start, m.\"end\"")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_doc_mention m;
		m.entity = dft_sql_col_int64(s, 0);
		m.type = dft_entity_type_parse(dft_sql_col_text(s, 1));
		m.value = dft_sql_col_text(s, 2);
		m.start = dft_sql_col_int64(s, 3);
		m.end = dft_sql_col_int64(s, 4);
		m.page = dft_sql_col_int64(s, 5);
		rc = fn(ctx, &m);
	}
	if (rc == 0 && r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "listing a document's mentions");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_entity_of(dft_store *st, int type, const char *value, int64_t *id)
{
	dft_stmt *s;
	int rc;
	*id = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT entity_id FROM entity_variants WHERE type = ? AND value = ?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, dft_entity_type_name(type), -1);
	dft_sql_bind_text(s, 2, value, -1);
	if (dft_sql_step(s) == DFT_ROW)
		*id = dft_sql_col_int64(s, 0);
	dft_sql_finalize(s);
	return *id ? 0 : dft_error_set(DFT_ENOTFOUND, "no %s '%s' in this case", dft_entity_type_name(type), value);
}
