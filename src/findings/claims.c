/*
 * claims.c - the claims ledger (findings.h): a claim cites passages of
 * documents; each citation is taken from the document's current text when
 * the claim is added (quote, page, code-point and byte offsets, SHA-256 of
 * the original and of the text) and re-checked by dft_claims_verify: the
 * original re-hashed, the text re-hashed, the quotation still in place.
 */
#include "daftar/findings.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int dft_claim_status_ok(const char *status)
{
	return status && (!strcmp(status, "confirmed") || !strcmp(status, "disputed") || !strcmp(status, "open"));
}

int dft_claim_quote_sha(const dft_citation *c, char out[DFT_SHA256_HEX])
{
	return dft_sha256_hex(out, c->quote, strlen(c->quote));
}

int dft_claim_add(dft_store *st, const char *text, const char *source, const char *status, const char *user,
		  const dft_cite_req *cites, size_t n, int64_t *id)
{
	dft_citation_row *rows = NULL;
	dft_buf *texts = NULL;
	char (*shas)[2][DFT_SHA256_HEX] = NULL;
	char at[32];
	size_t i;
	int rc = 0;
	if (!text || !*text)
		return dft_error_set(DFT_EUSAGE, "a claim needs its text");
	if (!status)
		status = "open";
	if (!dft_claim_status_ok(status))
		return dft_error_set(DFT_EUSAGE, "--status takes confirmed, disputed or open, not '%s'", status);
	if (!n)
		return dft_error_set(DFT_EUSAGE, "a claim needs at least one --cite DOC:PAGE:START-END");
	if (!(rows = dft_calloc(n, sizeof(*rows))) || !(texts = dft_calloc(n, sizeof(*texts))) ||
	    !(shas = dft_calloc(n, sizeof(*shas)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < n; i++)
		dft_buf_init(&texts[i], (size_t)1 << 31);
	for (i = 0; i < n; i++) {
		dft_doc d;
		int has = 0;
		size_t bs, be;
		memset(&d, 0, sizeof(d));
		if ((rc = dft_store_doc_get(st, cites[i].doc, &d)) < 0)
			goto done;
		snprintf(shas[i][0], DFT_SHA256_HEX, "%s", d.sha256);
		dft_doc_dispose(&d);
		if (!shas[i][0][0]) {
			rc = dft_error_set(DFT_EINVAL, "document %lld has no bytes to cite", (long long)cites[i].doc);
			goto done;
		}
		if ((rc = dft_store_doc_text(st, cites[i].doc, &texts[i], &has)) < 0)
			goto done;
		if (!has) {
			rc = dft_error_set(DFT_EINVAL, "document %lld has no extracted text to cite",
					   (long long)cites[i].doc);
			goto done;
		}
		if ((rc = dft_cite_locate(texts[i].ptr ? texts[i].ptr : "", texts[i].len, cites[i].page,
					  cites[i].start, cites[i].end, &bs, &be)) < 0) {
			dft_error_prefix("citation %zu (document %lld)", i + 1, (long long)cites[i].doc);
			goto done;
		}
		if ((rc = dft_sha256_hex(shas[i][1], dft_buf_cstr(&texts[i]), texts[i].len)) < 0)
			goto done;
		rows[i].doc = cites[i].doc;
		rows[i].page = cites[i].page;
		rows[i].start = cites[i].start;
		rows[i].end = cites[i].end;
		rows[i].byte_start = (int64_t)bs;
		rows[i].byte_end = (int64_t)be;
		rows[i].doc_sha256 = shas[i][0];
		rows[i].text_sha256 = shas[i][1];
		rows[i].quote = texts[i].ptr + bs;
		rows[i].quote_len = be - bs;
	}
	dft_utc_iso(at);
	rc = dft_store_claim_put(st, text, source, status, user, at, rows, n, id);
done:
	if (texts)
		for (i = 0; i < n; i++)
			dft_buf_dispose(&texts[i]);
	free(texts);
	free(rows);
	free(shas);
	return rc;
}

int dft_claim_set_status(dft_store *st, int64_t id, const char *status, const char *user)
{
	char at[32];
	if (!dft_claim_status_ok(status))
		return dft_error_set(DFT_EUSAGE, "a claim's status is confirmed, disputed or open, not '%s'",
				     status ? status : "");
	dft_utc_iso(at);
	return dft_store_claim_status(st, id, status, user, at);
}

int dft_claims_each(dft_store *st, int64_t id,
		    int (*fn)(void *ctx, const dft_claim *c, const dft_citation *cites, size_t n), void *ctx)
{
	return dft_store_claims_each(st, id, fn, ctx);
}

/* SHA-256 of a file; DFT_ENOTFOUND when it cannot be opened. */
/* Re-hash a document's bytes (its blob, or source with --no-copy):
 * DFT_ENOTFOUND when they cannot be read, DFT_ECORRUPT when an encrypted
 * blob fails authentication. */
static int hash_original(dft_store *st, const char *sha, const char *source, char out[DFT_SHA256_HEX])
{
	dft_blob_reader *r;
	dft_sha256 h;
	char buf[1 << 16];
	size_t n;
	int rc;
	if ((rc = dft_blob_reader_open(st, sha, source, &r)) < 0)
		return rc == DFT_EIO ? DFT_ENOTFOUND : rc;
	if ((rc = dft_sha256_init(&h)) < 0) {
		dft_blob_reader_free(r);
		return rc;
	}
	while ((rc = dft_blob_reader_read(r, buf, sizeof(buf), &n)) == 0 && n > 0)
		if ((rc = dft_sha256_update(&h, buf, n)) < 0)
			break;
	dft_blob_reader_free(r);
	if (rc < 0) {
		dft_sha256_dispose(&h);
		return rc;
	}
	return dft_sha256_final(&h, out);
}

struct verify_ctx {
	dft_store *st;
	int (*problem)(void *ctx, int64_t claim, int64_t seq, const char *kind, const char *detail);
	void *ctx;
	int64_t checked, failed;
};

static int report(struct verify_ctx *v, const dft_citation *c, const char *kind, int *bad, const char *fmt, ...)
	DFT_PRINTF(5, 6);
static int report(struct verify_ctx *v, const dft_citation *c, const char *kind, int *bad, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	*bad = 1;
	return v->problem(v->ctx, c->claim, c->seq, kind, detail);
}

static int verify_one(struct verify_ctx *v, const dft_citation *c)
{
	dft_doc d;
	dft_buf text;
	char h[DFT_SHA256_HEX];
	int rc = 0, has = 0, bad = 0, r;
	memset(&d, 0, sizeof(d));
	dft_buf_init(&text, (size_t)1 << 31);
	v->checked++;
	/* the original: re-hashed from its blob (or its source with --no-copy) */
	if (dft_store_doc_get(v->st, c->doc, &d) < 0) {
		rc = report(v, c, "document_changed", &bad, "document %lld is no longer in the case", (long long)c->doc);
		goto text;
	}
	if (strcmp(d.sha256, c->doc_sha256) != 0 &&
	    (rc = report(v, c, "document_changed", &bad,
			 "document %lld is recorded as %.16s… in the store, the citation as %.16s…", (long long)c->doc,
			 d.sha256[0] ? d.sha256 : "(none)", c->doc_sha256)) < 0)
		goto done;
	r = hash_original(v->st, c->doc_sha256, d.stored ? NULL : d.source ? d.source : "", h);
	if (r == DFT_ECORRUPT)
		rc = report(v, c, "original_modified", &bad, "the original of document %lld (%s): %s",
			    (long long)c->doc, d.path ? d.path : "?", dft_error_msg());
	else if (r == DFT_ENOTFOUND)
		rc = report(v, c, "original_missing", &bad, "the original of document %lld (%s) cannot be read: %s",
			    (long long)c->doc, d.path ? d.path : "?", dft_error_msg());
	else if (r < 0)
		rc = r;
	else if (strcmp(h, c->doc_sha256) != 0)
		rc = report(v, c, "original_modified", &bad,
			    "the original of document %lld (%s) hashes to %.16s…, not %.16s… as when cited",
			    (long long)c->doc, d.path ? d.path : "?", h, c->doc_sha256);
	if (rc < 0)
		goto done;
text:
	/* the extracted text and the quotation in it */
	if ((rc = dft_store_doc_text(v->st, c->doc, &text, &has)) < 0)
		goto done;
	if (!has) {
		rc = report(v, c, "text_missing", &bad, "document %lld has no extracted text any more", (long long)c->doc);
		goto done;
	}
	if ((rc = dft_sha256_hex(h, dft_buf_cstr(&text), text.len)) < 0)
		goto done;
	if (strcmp(h, c->text_sha256) != 0 &&
	    (rc = report(v, c, "text_changed", &bad,
			 "the text of document %lld hashes to %.16s…, not %.16s… as when cited", (long long)c->doc, h,
			 c->text_sha256)) < 0)
		goto done;
	{
		size_t bs, be, ql = strlen(c->quote);
		if (dft_cite_locate(dft_buf_cstr(&text), text.len, c->page, c->start, c->end, &bs, &be) < 0)
			rc = report(v, c, "quote_moved", &bad, "page %lld, characters %lld-%lld: %s", (long long)c->page,
				    (long long)c->start, (long long)c->end, dft_error_msg());
		else if (be - bs != ql || memcmp(text.ptr + bs, c->quote, ql) != 0 || (int64_t)bs != c->byte_start)
			rc = report(v, c, "quote_moved", &bad,
				    "page %lld, characters %lld-%lld no longer hold the quoted text", (long long)c->page,
				    (long long)c->start, (long long)c->end);
	}
done:
	if (bad)
		v->failed++;
	dft_doc_dispose(&d);
	dft_buf_dispose(&text);
	return rc;
}

static int verify_claim(void *ctx, const dft_claim *cl, const dft_citation *cites, size_t n)
{
	struct verify_ctx *v = ctx;
	size_t i;
	int rc = 0;
	for (i = 0; rc == 0 && i < n; i++)
		rc = verify_one(v, &cites[i]);
	return rc;
}

int dft_claims_verify(dft_store *st, int64_t id,
		      int (*problem)(void *ctx, int64_t claim, int64_t seq, const char *kind, const char *detail),
		      void *ctx, int64_t *checked, int64_t *failed)
{
	struct verify_ctx v = {st, problem, ctx, 0, 0};
	int rc = dft_store_claims_each(st, id, verify_claim, &v);
	*checked = v.checked;
	*failed = v.failed;
	return rc;
}
