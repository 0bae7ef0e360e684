/*
 * annotations_store.c - the store's side of tags and notes on documents
 * (findings.h; schema migration 6: doc_tags, doc_notes). SQL only: the
 * rules (what a tag or a note may hold) are in src/findings/annotate.c.
 * Every change also appends a custody entry (tagged, untagged, noted) in
 * the same transaction when the store is writable. The workbench makes
 * these changes beside a running ingest through a DFT_STORE_SHARED store:
 * the transaction is one document's rows and one entry, and the entry
 * joins the chain under SQLite's write lock (dft_store_commit).
 */
#include "store_internal.h"
#include "daftar/findings.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

/* ---- tag keys ------------------------------------------------------------- */

int dft_tag_key(const char *tag, size_t len, dft_buf *out)
{
	UErrorCode err = U_ZERO_ERROR;
	const UNormalizer2 *nf = unorm2_getNFKCCasefoldInstance(&err);
	UChar in[256], folded[1024];
	int32_t nin = 0, nf_len, n8 = 0;
	char u8[4096];
	if (U_FAILURE(err))
		return dft_error_set(DFT_ERROR, "tag key: ICU: %s", u_errorName(err));
	if (len > 255)
		return dft_error_set(DFT_EINVAL, "a tag is at most 64 bytes");
	u_strFromUTF8(in, 256, &nin, tag, (int32_t)len, &err);
	if (U_FAILURE(err))
		return dft_error_set(DFT_EINVAL, "a tag must be UTF-8");
	nf_len = unorm2_normalize(nf, in, nin, folded, 1024, &err);
	if (U_FAILURE(err))
		return dft_error_set(DFT_EINVAL, "tag key: ICU: %s", u_errorName(err));
	u_strToUTF8(u8, (int32_t)sizeof(u8), &n8, folded, nf_len, &err);
	if (U_FAILURE(err))
		return dft_error_set(DFT_EINVAL, "tag key: ICU: %s", u_errorName(err));
	dft_buf_reset(out);
	return dft_buf_add(out, u8, (size_t)n8);
}

/* ---- tags and notes ---------------------------------------------------------------- */

/* The document's SHA-256 ("" for bytes never read); DFT_ENOTFOUND */
int dft_store_doc_sha(dft_store *st, int64_t doc, char sha[DFT_SHA256_HEX])
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s, "SELECT coalesce(sha256, '') FROM documents WHERE id = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	r = dft_sql_step(s);
	if (r == DFT_ROW)
		snprintf(sha, DFT_SHA256_HEX, "%s", dft_sql_col_text(s, 0));
	else if (r == DFT_DONE)
		rc = dft_error_set(DFT_ENOTFOUND, "there is no document %lld", (long long)doc);
	else
		rc = dft_store_db_err(st, "reading a document");
	dft_sql_finalize(s);
	return rc;
}

static dft_json *custody_doc(dft_store *st, const char *event, int64_t doc, const char *sha, const char *user)
{
	dft_json *j = dft_custody_begin(st->custody, event);
	dft_json_key(j, "doc");
	dft_json_int(j, doc);
	dft_json_key(j, "doc_sha256");
	dft_json_str(j, sha);
	dft_json_key(j, "user");
	dft_json_str(j, user);
	return j;
}

static int tag_change(dft_store *st, int64_t doc, const char *tag, const char *user, const char *at, int add)
{
	dft_stmt *s;
	char sha[DFT_SHA256_HEX];
	dft_buf key;
	int rc, own;
	dft_buf_init(&key, 4096);
	if ((rc = dft_tag_key(tag, strlen(tag), &key)) < 0) {
		dft_buf_dispose(&key);
		return rc;
	}
	if ((rc = dft_store_own_begin(st, &own)) < 0) {
		dft_buf_dispose(&key);
		return rc;
	}
	if ((rc = dft_store_doc_sha(st, doc, sha)) < 0)
		goto done;
	if (add)
		rc = dft_sql_prepare(st, &s, "INSERT INTO doc_tags(doc_id, tag, key, \"user\", at)"
					       " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
	else
		rc = dft_sql_prepare(st, &s, "DELETE FROM doc_tags WHERE doc_id = ?1 AND key = ?3");
	if (rc < 0)
		goto done;
	dft_sql_bind_int64(s, 1, doc);
	if (add) {
		dft_sql_bind_text(s, 2, tag, -1);
		dft_sql_bind_text(s, 4, user, -1);
		dft_sql_bind_text(s, 5, at, -1);
	}
	dft_sql_bind_text(s, 3, dft_buf_cstr(&key), (int)key.len);
	if ((rc = dft_store_step_done(st, s, add ? "tagging a document" : "removing a tag")) < 0)
		goto done;
	if (!dft_sql_changes(st)) {
		rc = add ? DFT_EEXISTS : dft_error_set(DFT_ENOTFOUND, "document %lld has no tag %s", (long long)doc, tag);
		goto done;
	}
	if (st->custody) {
		dft_json *j = custody_doc(st, add ? "tagged" : "untagged", doc, sha, user);
		dft_json_key(j, "tag");
		dft_json_str(j, tag);
		rc = dft_custody_end(st->custody);
	}
done:
	dft_buf_dispose(&key);
	if (rc == DFT_EEXISTS) {
		/* already tagged: nothing changed, nothing to roll back */
		rc = dft_store_own_end(st, own, 0);
		return rc < 0 ? rc : DFT_EEXISTS;
	}
	return dft_store_own_end(st, own, rc);
}

int dft_store_tag_put(dft_store *st, int64_t doc, const char *tag, const char *user, const char *at)
{
	return tag_change(st, doc, tag, user, at, 1);
}

int dft_store_tag_delete(dft_store *st, int64_t doc, const char *tag, const char *user, const char *at)
{
	return tag_change(st, doc, tag, user, at, 0);
}

int dft_tags(dft_store *st, int64_t doc, int (*fn)(void *ctx, const char *tag), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, "SELECT tag FROM doc_tags WHERE doc_id = ? ORDER BY key, tag")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_text(s, 0));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing tags");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_note_put(dft_store *st, int64_t doc, const char *text, const char *user, const char *at,
		       int64_t *id)
{
	int64_t note_id = 0;
	dft_stmt *s;
	char sha[DFT_SHA256_HEX], text_sha[DFT_SHA256_HEX];
	int rc, own;
	if ((rc = dft_store_own_begin(st, &own)) < 0)
		return rc;
	if ((rc = dft_store_doc_sha(st, doc, sha)) < 0)
		goto done;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO doc_notes(doc_id, \"user\", at, text) VALUES(?, ?, ?, ?) RETURNING id")) < 0)
		goto done;
	dft_sql_bind_int64(s, 1, doc);
	dft_sql_bind_text(s, 2, user, -1);
	dft_sql_bind_text(s, 3, at, -1);
	dft_sql_bind_text(s, 4, text, -1);
	rc = dft_sql_step(s) == DFT_ROW ? 0 : dft_store_db_err(st, "adding a note");
	note_id = rc == 0 ? dft_sql_col_int64(s, 0) : 0;
	dft_sql_finalize(s);
	if (rc < 0)
		goto done;
	if (id)
		*id = note_id;
	if (st->custody) {
		dft_json *j;
		if ((rc = dft_sha256_hex(text_sha, text, strlen(text))) < 0)
			goto done;
		j = custody_doc(st, "noted", doc, sha, user);
		dft_json_key(j, "note");
		dft_json_int(j, note_id);
		dft_json_key(j, "note_sha256");
		dft_json_str(j, text_sha);
		rc = dft_custody_end(st->custody);
	}
done:
	return dft_store_own_end(st, own, rc);
}

int dft_notes(dft_store *st, int64_t doc, int (*fn)(void *ctx, const dft_note *n), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, "SELECT id, \"user\", at, text FROM doc_notes WHERE doc_id = ? ORDER BY id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, doc);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_note n;
		n.id = dft_sql_col_int64(s, 0);
		n.user = dft_sql_col_text(s, 1);
		n.at = dft_sql_col_text(s, 2);
		n.text = dft_sql_col_text(s, 3);
		rc = fn(ctx, &n);
	}
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing notes");
	dft_sql_finalize(s);
	return rc;
}
