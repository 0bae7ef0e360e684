/*
 * dedup_store.c - the store's side of duplicate detection (dedup.h): the
 * table dedup_sigs (schema migration 3) of MinHash signatures and
 * normalised-text hashes, kept so that a later batch is compared with the
 * earlier ones without re-reading their texts.
 */
#include "store_internal.h"
#include "daftar/dedup.h"

#include <stdlib.h>
#include <string.h>

int dft_store_dedup_ready(dft_store *st)
{
	sqlite3_stmt *s;
	int ok = 0;
	if (dft_store_prepare(st, &s, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='dedup_sigs'") < 0)
		return 0;
	ok = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return ok;
}

int dft_store_dedup_unsigned(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx)
{
	sqlite3_stmt *s;
	int rc;
	const char *sql = dft_store_dedup_ready(st)
		? "SELECT t.doc_id FROM texts t LEFT JOIN dedup_sigs g ON g.doc_id = t.doc_id"
		  " WHERE g.doc_id IS NULL OR g.version != ?1 OR g.text_sha != t.sha256 ORDER BY t.doc_id"
		: "SELECT doc_id FROM texts WHERE ?1 IS NOT NULL ORDER BY doc_id";
	if ((rc = dft_store_prepare(st, &s, sql)) < 0)
		return rc;
	sqlite3_bind_int(s, 1, DFT_DEDUP_VERSION);
	/* ids first: the caller writes signatures while we would be reading */
	return dft_store_each_id(st, s, "listing unsigned texts", fn, ctx);
}

int dft_store_dedup_put(dft_store *st, const dft_dedup_sig *g)
{
	sqlite3_stmt *s;
	unsigned char blob[DFT_MINHASH_PERM * 4];
	int rc;
	if ((rc = dft_store_prepare(st, &s,
				    "INSERT OR REPLACE INTO dedup_sigs(doc_id, version, text_sha, norm_sha, tokens, shingles, minhash)"
				    " SELECT ?1, ?2, sha256, ?3, ?4, ?5, ?6 FROM texts WHERE doc_id = ?1")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, g->doc_id);
	sqlite3_bind_int(s, 2, DFT_DEDUP_VERSION);
	if (g->norm_sha[0])
		sqlite3_bind_text(s, 3, g->norm_sha, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 4, g->tokens);
	sqlite3_bind_int64(s, 5, g->shingles);
	if (g->has_minhash) {
		dft_minhash_pack(&g->minhash, blob);
		sqlite3_bind_blob(s, 6, blob, (int)sizeof(blob), SQLITE_STATIC);
	}
	if (sqlite3_step(s) != SQLITE_DONE)
		rc = dft_store_db_err(st, "storing a signature");
	sqlite3_finalize(s);
	return rc;
}

int dft_store_dedup_each(dft_store *st, int (*fn)(void *ctx, const dft_dedup_sig *s), void *ctx)
{
	sqlite3_stmt *s;
	dft_dedup_sig g;
	int rc, r = SQLITE_DONE;
	if (!dft_store_dedup_ready(st))
		return 0;
	if ((rc = dft_store_prepare(st, &s,
				    "SELECT g.doc_id, d.batch_id, g.tokens, g.shingles, g.norm_sha, g.minhash"
				    " FROM dedup_sigs g JOIN documents d ON d.id = g.doc_id JOIN texts t ON t.doc_id = g.doc_id"
				    " WHERE g.version = ? AND g.text_sha = t.sha256 ORDER BY g.doc_id")) < 0)
		return rc;
	sqlite3_bind_int(s, 1, DFT_DEDUP_VERSION);
	while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW) {
		const unsigned char *ns = sqlite3_column_text(s, 4);
		memset(&g, 0, sizeof(g));
		g.doc_id = sqlite3_column_int64(s, 0);
		g.batch = sqlite3_column_int64(s, 1);
		g.tokens = sqlite3_column_int64(s, 2);
		g.shingles = sqlite3_column_int64(s, 3);
		if (ns)
			snprintf(g.norm_sha, sizeof(g.norm_sha), "%s", (const char *)ns);
		if (sqlite3_column_type(s, 5) == SQLITE_BLOB) {
			rc = dft_minhash_unpack(&g.minhash, sqlite3_column_blob(s, 5), (size_t)sqlite3_column_bytes(s, 5));
			if (rc < 0) {
				dft_error_prefix("document %lld", (long long)g.doc_id);
				break;
			}
			g.has_minhash = 1;
		}
		rc = fn(ctx, &g);
	}
	if (rc == 0 && r != SQLITE_DONE)
		rc = dft_store_db_err(st, "reading signatures");
	sqlite3_finalize(s);
	return rc;
}

int dft_store_dedup_multi_located(dft_store *st, int (*fn)(void *ctx, int64_t id, int64_t places), void *ctx)
{
	sqlite3_stmt *s;
	int rc, r = SQLITE_DONE;
	if ((rc = dft_store_prepare(st, &s,
				    "SELECT doc_id, count(*) FROM locations GROUP BY doc_id HAVING count(*) > 1 ORDER BY doc_id")) < 0)
		return rc;
	while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW)
		rc = fn(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
	if (rc == 0 && r != SQLITE_DONE)
		rc = dft_store_db_err(st, "listing copies");
	sqlite3_finalize(s);
	return rc;
}

int dft_store_dedup_batch_docs(dft_store *st, int64_t batch,
			       int (*fn)(void *ctx, int64_t id, int64_t first_batch), void *ctx)
{
	sqlite3_stmt *s;
	int rc, r = SQLITE_DONE;
	if ((rc = dft_store_prepare(st, &s,
				    "SELECT d.id, d.batch_id FROM documents d WHERE d.id IN"
				    " (SELECT doc_id FROM locations WHERE batch_id = ?) ORDER BY d.id")) < 0)
		return rc;
	sqlite3_bind_int64(s, 1, batch);
	while (rc == 0 && (r = sqlite3_step(s)) == SQLITE_ROW)
		rc = fn(ctx, sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1));
	if (rc == 0 && r != SQLITE_DONE)
		rc = dft_store_db_err(st, "listing a batch");
	sqlite3_finalize(s);
	return rc;
}
