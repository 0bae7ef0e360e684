/*
 * claims_store.c - the SQL of the claims ledger (findings.h; schema
 * migration 7). A claim and its citations are written with their custody
 * entry ("claim") in one transaction; a status change likewise
 * ("claim_status"). The entry carries the SHA-256 of the claim's text and
 * of its source, and for each citation the document, the SHA-256 of the
 * original, of the extracted text and of the quotation, and its place, so
 * that an evidence pack can show the claim as it was recorded.
 */
#include "daftar/findings.h"
#include "store_internal.h"

#include <stdlib.h>
#include <string.h>

int dft_store_claim_put(dft_store *st, const char *text, const char *source, const char *status,
			const char *user, const char *at, const dft_citation_row *rows, size_t n, int64_t *id)
{
	dft_stmt *s;
	int rc, own;
	size_t i;
	int64_t cid;
	if (!st->custody)
		return dft_error_set(DFT_EINVAL, "the case is open read-only");
	if ((rc = dft_store_own_begin(st, &own)) < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO claims(text, source, status, \"user\", created, updated)"
					    " VALUES(?1, ?2, ?3, ?4, ?5, ?5) RETURNING id")) < 0)
		goto done;
	dft_sql_bind_text(s, 1, text, -1);
	dft_sql_bind_text(s, 2, source, -1);
	dft_sql_bind_text(s, 3, status, -1);
	dft_sql_bind_text(s, 4, user, -1);
	dft_sql_bind_text(s, 5, at, -1);
	rc = dft_sql_step(s) == DFT_ROW ? 0 : dft_store_db_err(st, "adding a claim");
	cid = rc == 0 ? dft_sql_col_int64(s, 0) : 0;
	dft_sql_finalize(s);
	if (rc < 0)
		goto done;
	for (i = 0; i < n; i++) {
		const dft_citation_row *r = &rows[i];
		if ((rc = dft_sql_prepare(st, &s,
					    "INSERT INTO claim_citations(claim_id, seq, doc_id, doc_sha256, text_sha256,"
					    " page, start, \"end\", byte_start, byte_end, quote)"
					    " VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) < 0)
			goto done;
		dft_sql_bind_int64(s, 1, cid);
		dft_sql_bind_int64(s, 2, (int64_t)i + 1);
		dft_sql_bind_int64(s, 3, r->doc);
		dft_sql_bind_text(s, 4, r->doc_sha256, -1);
		dft_sql_bind_text(s, 5, r->text_sha256, -1);
		dft_sql_bind_int64(s, 6, r->page);
		dft_sql_bind_int64(s, 7, r->start);
		dft_sql_bind_int64(s, 8, r->end);
		dft_sql_bind_int64(s, 9, r->byte_start);
		dft_sql_bind_int64(s, 10, r->byte_end);
		dft_sql_bind_text(s, 11, r->quote, (int)r->quote_len);
		if ((rc = dft_store_step_done(st, s, "adding a citation")) < 0)
			goto done;
	}
	{
		char h[DFT_SHA256_HEX];
		dft_json *j = dft_custody_begin(st->custody, "claim");
		dft_json_key(j, "claim");
		dft_json_int(j, cid);
		dft_json_key(j, "status");
		dft_json_str(j, status);
		dft_json_key(j, "user");
		dft_json_str(j, user);
		dft_sha256_hex(h, text, strlen(text));
		dft_json_key(j, "claim_sha256");
		dft_json_str(j, h);
		dft_json_key(j, "source_sha256");
		if (source) {
			dft_sha256_hex(h, source, strlen(source));
			dft_json_str(j, h);
		} else {
			dft_json_null(j);
		}
		dft_json_key(j, "citations");
		dft_json_arr_open(j);
		for (i = 0; i < n; i++) {
			const dft_citation_row *r = &rows[i];
			dft_json_obj_open(j);
			dft_json_key(j, "seq");
			dft_json_int(j, (int64_t)i + 1);
			dft_json_key(j, "doc");
			dft_json_int(j, r->doc);
			dft_json_key(j, "doc_sha256");
			dft_json_str(j, r->doc_sha256);
			dft_json_key(j, "text_sha256");
			dft_json_str(j, r->text_sha256);
			dft_json_key(j, "page");
			dft_json_int(j, r->page);
			dft_json_key(j, "start");
			dft_json_int(j, r->start);
			dft_json_key(j, "end");
			dft_json_int(j, r->end);
			dft_json_key(j, "byte_start");
			dft_json_int(j, r->byte_start);
			dft_json_key(j, "byte_end");
			dft_json_int(j, r->byte_end);
			dft_sha256_hex(h, r->quote, r->quote_len);
			dft_json_key(j, "quote_sha256");
			dft_json_str(j, h);
			dft_json_obj_close(j);
		}
		dft_json_arr_close(j);
		rc = dft_custody_end(st->custody);
	}
	if (rc == 0 && id)
		*id = cid;
done:
	return dft_store_own_end(st, own, rc);
}

int dft_store_claim_status(dft_store *st, int64_t id, const char *status, const char *user, const char *at)
{
	dft_stmt *s;
	char prev[16] = "";
	int rc, own;
	if (!st->custody)
		return dft_error_set(DFT_EINVAL, "the case is open read-only");
	if ((rc = dft_store_own_begin(st, &own)) < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s, "SELECT status FROM claims WHERE id = ?")) < 0)
		goto done;
	dft_sql_bind_int64(s, 1, id);
	if ((rc = dft_sql_step(s)) == DFT_ROW)
		snprintf(prev, sizeof(prev), "%s", dft_sql_col_text(s, 0));
	rc = rc == DFT_ROW || rc == DFT_DONE ? 0 : dft_store_db_err(st, "reading a claim");
	dft_sql_finalize(s);
	if (rc < 0)
		goto done;
	if (!prev[0]) {
		rc = dft_error_set(DFT_ENOTFOUND, "there is no claim %lld", (long long)id);
		goto done;
	}
	if ((rc = dft_sql_prepare(st, &s, "UPDATE claims SET status = ?, updated = ? WHERE id = ?")) < 0)
		goto done;
	dft_sql_bind_text(s, 1, status, -1);
	dft_sql_bind_text(s, 2, at, -1);
	dft_sql_bind_int64(s, 3, id);
	if ((rc = dft_store_step_done(st, s, "changing a claim's status")) < 0)
		goto done;
	{
		dft_json *j = dft_custody_begin(st->custody, "claim_status");
		dft_json_key(j, "claim");
		dft_json_int(j, id);
		dft_json_key(j, "status");
		dft_json_str(j, status);
		dft_json_key(j, "previous");
		dft_json_str(j, prev);
		dft_json_key(j, "user");
		dft_json_str(j, user);
		rc = dft_custody_end(st->custody);
	}
done:
	return dft_store_own_end(st, own, rc);
}

static char *dup_col(dft_stmt *s, int i)
{
	const unsigned char *t = (const unsigned char *)dft_sql_col_text(s, i);
	return t ? dft_strdup((const char *)t) : NULL;
}

static void cites_free(dft_citation *v, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		free((char *)v[i].path);
		free((char *)v[i].doc_sha256);
		free((char *)v[i].text_sha256);
		free((char *)v[i].quote);
	}
	free(v);
}

static int load_cites(dft_store *st, int64_t claim, dft_citation **out, size_t *nout)
{
	dft_stmt *s;
	dft_citation *v = NULL;
	size_t n = 0, cap = 0;
	int rc, r;
	*out = NULL;
	*nout = 0;
	if ((rc = dft_sql_prepare(st, &s,
				    "SELECT c.id, c.seq, c.doc_id, d.path, c.doc_sha256, c.text_sha256, c.page, c.start,"
				    " c.\"end\", c.byte_start, c.byte_end, c.quote FROM claim_citations c"
				    " LEFT JOIN documents d ON d.id = c.doc_id WHERE c.claim_id = ? ORDER BY c.seq")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, claim);
	while ((r = dft_sql_step(s)) == DFT_ROW) {
		dft_citation *c;
		if (n == cap) {
			dft_citation *nv = dft_realloc(v, (cap ? cap * 2 : 4) * sizeof(*v));
			if (!nv) {
				rc = DFT_ENOMEM;
				break;
			}
			v = nv;
			cap = cap ? cap * 2 : 4;
		}
		c = &v[n++];
		memset(c, 0, sizeof(*c));
		c->id = dft_sql_col_int64(s, 0);
		c->claim = claim;
		c->seq = dft_sql_col_int64(s, 1);
		c->doc = dft_sql_col_int64(s, 2);
		c->path = dup_col(s, 3);
		c->doc_sha256 = dup_col(s, 4);
		c->text_sha256 = dup_col(s, 5);
		c->page = dft_sql_col_int64(s, 6);
		c->start = dft_sql_col_int64(s, 7);
		c->end = dft_sql_col_int64(s, 8);
		c->byte_start = dft_sql_col_int64(s, 9);
		c->byte_end = dft_sql_col_int64(s, 10);
		c->quote = dup_col(s, 11);
		if (!c->doc_sha256 || !c->text_sha256 || !c->quote) {
			rc = DFT_ENOMEM;
			break;
		}
	}
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading citations");
	dft_sql_finalize(s);
	if (rc < 0) {
		cites_free(v, n);
		return rc;
	}
	*out = v;
	*nout = n;
	return 0;
}

int dft_store_claims_each(dft_store *st, int64_t id,
			  int (*fn)(void *ctx, const dft_claim *c, const dft_citation *cites, size_t n), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE, found = 0;
	/* claims are read first, then each claim's citations, so that no
	 * statement stays open across the callback */
	struct row {
		dft_claim c;
	} *rows = NULL;
	size_t n = 0, cap = 0, i;
	if ((rc = dft_sql_prepare(st, &s, id ? "SELECT id, text, source, status, \"user\", created, updated FROM claims"
						 " WHERE id = ?"
					       : "SELECT id, text, source, status, \"user\", created, updated FROM claims"
						 " ORDER BY id")) < 0)
		return rc;
	if (id)
		dft_sql_bind_int64(s, 1, id);
	while ((r = dft_sql_step(s)) == DFT_ROW) {
		if (n == cap) {
			struct row *nv = dft_realloc(rows, (cap ? cap * 2 : 8) * sizeof(*rows));
			if (!nv) {
				rc = DFT_ENOMEM;
				break;
			}
			rows = nv;
			cap = cap ? cap * 2 : 8;
		}
		rows[n].c.id = dft_sql_col_int64(s, 0);
		rows[n].c.text = dup_col(s, 1);
		rows[n].c.source = dup_col(s, 2);
		rows[n].c.status = dup_col(s, 3);
		rows[n].c.user = dup_col(s, 4);
		rows[n].c.created = dup_col(s, 5);
		rows[n].c.updated = dup_col(s, 6);
		n++;
	}
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading claims");
	dft_sql_finalize(s);
	for (i = 0; rc == 0 && i < n; i++) {
		dft_citation *cites;
		size_t nc;
		found = 1;
		if ((rc = load_cites(st, rows[i].c.id, &cites, &nc)) < 0)
			break;
		rc = fn(ctx, &rows[i].c, cites, nc);
		cites_free(cites, nc);
	}
	for (i = 0; i < n; i++) {
		free((char *)rows[i].c.text);
		free((char *)rows[i].c.source);
		free((char *)rows[i].c.status);
		free((char *)rows[i].c.user);
		free((char *)rows[i].c.created);
		free((char *)rows[i].c.updated);
	}
	free(rows);
	if (rc == 0 && id && !found)
		rc = dft_error_set(DFT_ENOTFOUND, "there is no claim %lld", (long long)id);
	return rc;
}
