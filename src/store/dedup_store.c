/*
 * dedup_store.c - the store's side of duplicate detection (dedup.h): the
 * table dedup_sigs (schema migration 3) of MinHash signatures and
 * normalised-text hashes, kept so that a later batch is compared with the
 * earlier ones without re-reading their texts.
 *
 * The minhash column holds, since DFT_DEDUP_VERSION 2, the word signature
 * and then the character-gram one (2 x 128 x uint32 LE, 1024 bytes): one
 * value a document, so neither store's schema changed for it. Whether a
 * text came from OCR is not stored here: it is the document's meta "ocr",
 * read with the signatures.
 */
#include "store_internal.h"
#include "daftar/dedup.h"

#include <stdlib.h>
#include <string.h>

int dft_store_dedup_ready(dft_store *st)
{
	dft_stmt *s;
	int ok = 0;
	if (st->pg) /* made with the rest of the server-mode schema */
		return 1;
	if (dft_sql_prepare(st, &s, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='dedup_sigs'") < 0)
		return 0;
	ok = dft_sql_step(s) == DFT_ROW;
	dft_sql_finalize(s);
	return ok;
}

int dft_store_dedup_unsigned(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx)
{
	dft_stmt *s;
	int rc;
	const char *sql = dft_store_dedup_ready(st)
		? "SELECT t.doc_id FROM texts t LEFT JOIN dedup_sigs g ON g.doc_id = t.doc_id"
		  " WHERE g.doc_id IS NULL OR g.version != ?1 OR g.text_sha != t.sha256 ORDER BY t.doc_id"
		: "SELECT doc_id FROM texts WHERE CAST(?1 AS TEXT) IS NOT NULL ORDER BY doc_id";
	if ((rc = dft_sql_prepare(st, &s, sql)) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, DFT_DEDUP_VERSION);
	/* ids first: the caller writes signatures while we would be reading */
	return dft_store_each_id(st, s, "listing unsigned texts", fn, ctx);
}

int dft_store_dedup_put(dft_store *st, const dft_dedup_sig *g)
{
	dft_stmt *s;
	unsigned char blob[2 * DFT_MINHASH_PERM * 4];
	int rc;
	if ((rc = dft_sql_prepare(st, &s,
				    "INSERT INTO dedup_sigs(doc_id, version, text_sha, norm_sha, tokens, shingles, minhash)"
				    " SELECT ?1, ?2, sha256, ?3, ?4, ?5, ?6 FROM texts WHERE doc_id = ?1"
				    " ON CONFLICT(doc_id) DO UPDATE SET version = excluded.version, text_sha = excluded.text_sha,"
				    " norm_sha = excluded.norm_sha, tokens = excluded.tokens, shingles = excluded.shingles,"
				    " minhash = excluded.minhash")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, g->doc_id);
	dft_sql_bind_int64(s, 2, DFT_DEDUP_VERSION);
	if (g->norm_sha[0])
		dft_sql_bind_text(s, 3, g->norm_sha, -1);
	dft_sql_bind_int64(s, 4, g->tokens);
	dft_sql_bind_int64(s, 5, g->shingles);
	if (g->has_minhash) {
		dft_minhash_pack(&g->minhash, blob);
		dft_minhash_pack(&g->cminhash, blob + DFT_MINHASH_PERM * 4);
		dft_sql_bind_blob(s, 6, blob, (int)sizeof(blob));
	}
	if (dft_sql_step(s) != DFT_DONE)
		rc = dft_store_db_err(st, "storing a signature");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_dedup_each(dft_store *st, int (*fn)(void *ctx, const dft_dedup_sig *s), void *ctx)
{
	dft_stmt *s;
	dft_dedup_sig g;
	int rc, r = DFT_DONE;
	if (!dft_store_dedup_ready(st))
		return 0;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT g.doc_id, d.batch_id, g.tokens, g.shingles, g.norm_sha, g.minhash,"
				    " CASE WHEN EXISTS(SELECT 1 FROM meta m WHERE m.doc_id = g.doc_id AND m.key = 'ocr')"
				    " THEN 1 ELSE 0 END"
				    " FROM dedup_sigs g JOIN documents d ON d.id = g.doc_id JOIN texts t ON t.doc_id = g.doc_id"
				    " WHERE g.version = ? AND g.text_sha = t.sha256 ORDER BY g.doc_id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, DFT_DEDUP_VERSION);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		const unsigned char *ns = (const unsigned char *)dft_sql_col_text(s, 4);
		memset(&g, 0, sizeof(g));
		g.doc_id = dft_sql_col_int64(s, 0);
		g.batch = dft_sql_col_int64(s, 1);
		g.tokens = dft_sql_col_int64(s, 2);
		g.shingles = dft_sql_col_int64(s, 3);
		if (ns)
			snprintf(g.norm_sha, sizeof(g.norm_sha), "%s", (const char *)ns);
		g.ocr = dft_sql_col_int64(s, 6) != 0;
		if (!dft_sql_col_null(s, 5)) {
			const unsigned char *b = dft_sql_col_blob(s, 5);
			size_t n = (size_t)dft_sql_col_bytes(s, 5), half = DFT_MINHASH_PERM * 4;
			rc = n == 2 * half ? dft_minhash_unpack(&g.minhash, b, half) : DFT_ECORRUPT;
			if (rc == 0)
				rc = dft_minhash_unpack(&g.cminhash, b + half, half);
			else
				dft_error_set(rc, "stored signatures have %zu bytes, not %zu", n, 2 * half);
			if (rc < 0) {
				dft_error_prefix("document %lld", (long long)g.doc_id);
				break;
			}
			g.has_minhash = 1;
		}
		rc = fn(ctx, &g);
	}
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading signatures");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_dedup_multi_located(dft_store *st, int (*fn)(void *ctx, int64_t id, int64_t places), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT doc_id, count(*) FROM locations GROUP BY doc_id HAVING count(*) > 1 ORDER BY doc_id")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_int64(s, 1));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing copies");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_dedup_batch_docs(dft_store *st, int64_t batch,
			       int (*fn)(void *ctx, int64_t id, int64_t first_batch), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT d.id, d.batch_id FROM documents d WHERE d.id IN"
				    " (SELECT doc_id FROM locations WHERE batch_id = ?) ORDER BY d.id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, batch);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_int64(s, 1));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing a batch");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_dedup_is_ocr(dft_store *st, int64_t id)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s, "SELECT 1 FROM meta WHERE doc_id = ? AND key = 'ocr'")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	r = dft_sql_step(s);
	rc = r == DFT_ROW ? 1 : r == DFT_DONE ? 0 : dft_store_db_err(st, "reading a document's meta");
	dft_sql_finalize(s);
	return rc;
}
