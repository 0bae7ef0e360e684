/*
 * verify.c - `daftar verify`: prove that nothing in the case was altered
 * since it was received. Three checks: every blob re-hashed against its
 * SHA-256; the custody log's hash chain and its head as the database
 * recorded it; and the database against the log (a document's hash, or its
 * extracted text, changed in store.db without a custody entry). In a
 * SQLite case a fourth: the full-text index decodes whole and holds every
 * stored document (ix.h, dft_ix_check); it is made from the texts, so a
 * damaged one is rebuilt, not evidence lost.
 */
#include "store_internal.h"
#include "daftar/ix.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct logged {
	int64_t doc, n;
	char sha[DFT_SHA256_HEX];
	int text; /* 1: an "extracted" entry; sha is the text hash ("" none) */
};

struct vctx {
	dft_store *st;
	int (*problem)(void *ctx, const char *kind, const char *sha256, const char *detail);
	void *pctx;
	dft_verify_result *out;
	struct logged *log;
	size_t nlog, caplog;
	int64_t (*tails)[2]; /* uncommitted ranges [from, to] */
	size_t ntails;
	char *chunk;
};

static int report(struct vctx *v, const char *kind, const char *sha, const char *fmt, ...) DFT_PRINTF(4, 5);
static int report(struct vctx *v, const char *kind, const char *sha, const char *fmt, ...)
{
	char detail[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	v->out->problems++;
	return v->problem(v->pctx, kind, sha, detail);
}

static int on_problem(void *ctx, const char *kind, const char *sha, const char *detail)
{
	struct vctx *v = ctx;
	return report(v, kind, sha, "%s", detail);
}

static int on_entry(void *ctx, int64_t n, const char *line, size_t len)
{
	struct vctx *v = ctx;
	size_t elen = 0, slen = 0;
	const char *ev = dft_custody_field(line, len, "event", &elen), *sha;
	struct logged *l;
	int text;
	if (!ev)
		return 0;
	if (elen == 9 && memcmp(ev, "recovered", 9) == 0) {
		int64_t k = dft_custody_field_int(line, len, "uncommitted_entries");
		int64_t(*t)[2];
		if (k <= 0)
			return 0;
		if (!(t = dft_realloc(v->tails, (v->ntails + 1) * sizeof(*t))))
			return DFT_ENOMEM;
		v->tails = t;
		t[v->ntails][0] = n - k;
		t[v->ntails][1] = n - 1;
		v->ntails++;
		return 0;
	}
	text = elen == 9 && memcmp(ev, "extracted", 9) == 0;
	if (!text && !((elen == 8 && memcmp(ev, "received", 8) == 0) || (elen == 7 && memcmp(ev, "derived", 7) == 0)))
		return 0;
	sha = dft_custody_field(line, len, text ? "text_sha256" : "sha256", &slen);
	if (v->nlog == v->caplog) {
		size_t cap = v->caplog ? v->caplog * 2 : 1024;
		if (!(l = dft_realloc(v->log, cap * sizeof(*l))))
			return DFT_ENOMEM;
		v->log = l;
		v->caplog = cap;
	}
	l = &v->log[v->nlog++];
	l->doc = dft_custody_field_int(line, len, "doc");
	l->n = n;
	l->text = text;
	snprintf(l->sha, sizeof(l->sha), "%.*s", sha && slen == 64 ? 64 : 0, sha ? sha : "");
	return 0;
}

static int cmp_logged(const void *a, const void *b)
{
	const struct logged *x = a, *y = b;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return x->n < y->n ? -1 : x->n > y->n;
}

static int in_tail(struct vctx *v, int64_t n)
{
	size_t i;
	for (i = 0; i < v->ntails; i++)
		if (n >= v->tails[i][0] && n <= v->tails[i][1])
			return 1;
	return 0;
}

/* Re-hash one document's bytes (decrypted and authenticated on the way
 * in an encrypted case: a blob that fails is reported as modified, naming
 * its file). */
static int check_blob(void *ctx, int64_t id, const char *sha, int stored, const char *source, int64_t size)
{
	struct vctx *v = ctx;
	dft_blob_reader *r = NULL;
	dft_sha256 h;
	char got[DFT_SHA256_HEX];
	int rc = 0, hashing = 0;
	size_t n;

	v->out->originals_checked++;
	if ((rc = dft_blob_reader_open(v->st, sha, stored ? NULL : source ? source : "", &r)) < 0) {
		if (rc == DFT_ENOMEM)
			goto done;
		rc = report(v, rc == DFT_ECORRUPT ? "modified" : "missing", sha, "document %lld: %s", (long long)id,
			    dft_error_msg());
		goto done;
	}
	if ((rc = dft_sha256_init(&h)) < 0)
		goto done;
	hashing = 1;
	while ((rc = dft_blob_reader_read(r, v->chunk, 1 << 20, &n)) == 0 && n > 0)
		dft_sha256_update(&h, v->chunk, n);
	if (rc < 0) {
		if (rc == DFT_ENOMEM)
			goto done;
		rc = report(v, rc == DFT_ECORRUPT ? "modified" : "missing", sha, "document %lld: %s", (long long)id,
			    dft_error_msg());
		goto done;
	}
	hashing = 0;
	if ((rc = dft_sha256_final(&h, got)) < 0)
		goto done;
	if (strcmp(got, sha) != 0)
		rc = report(v, "modified", sha, "document %lld: %s now has SHA-256 %s", (long long)id,
			    dft_blob_reader_path(r), got);
	(void)size;
done:
	if (hashing)
		dft_sha256_dispose(&h);
	dft_blob_reader_free(r);
	return rc;
}

/* The database against the log, document by document. */
static int check_doc(void *ctx, int64_t id, const char *sha, int stored, const char *source, int64_t size)
{
	struct vctx *v = ctx;
	struct logged key, *l;
	char text_sha[DFT_SHA256_HEX];
	const char *logged_text = NULL;
	int received = 0, rc;
	size_t i;
	(void)stored;
	(void)source;
	(void)size;
	memset(&key, 0, sizeof(key));
	key.doc = id;
	key.n = -1;
	/* first entry for this doc */
	l = v->log;
	{
		size_t lo = 0, hi = v->nlog;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (v->log[mid].doc < id)
				lo = mid + 1;
			else
				hi = mid;
		}
		i = lo;
	}
	for (; i < v->nlog && l[i].doc == id; i++) {
		if (l[i].text)
			logged_text = l[i].sha;
		else if (strcmp(l[i].sha, sha) == 0)
			received = 1;
	}
	if (!received)
		return report(v, "store", sha,
			      "document %lld: the store gives SHA-256 %s, which the custody log never recorded for it",
			      (long long)id, sha);
	if ((rc = dft_store_text_sha(v->st, id, text_sha)) < 0)
		return rc;
	if (logged_text && strcmp(logged_text, text_sha) != 0)
		return report(v, "store", sha,
			      "document %lld: its extracted text in the store differs from the text recorded at extraction",
			      (long long)id);
	if (!logged_text && text_sha[0])
		return report(v, "store", sha, "document %lld: the store holds text the custody log never recorded",
			      (long long)id);
	return 0;
}

static int on_index_problem(void *ctx, const char *detail)
{
	return report(ctx, "index", NULL, "%s", detail);
}

static int doc_exists(dft_store *st, int64_t id)
{
	dft_stmt *s;
	int r;
	if (dft_sql_prepare(st, &s, "SELECT 1 FROM documents WHERE id=?") < 0)
		return -1;
	dft_sql_bind_int64(s, 1, id);
	r = dft_sql_step(s);
	dft_sql_finalize(s);
	/* a page that cannot be read is an error, not a missing document */
	return r == DFT_ROW ? 1 : r == DFT_DONE ? 0 : -1;
}

int dft_verify(dft_store *st,
	       int (*problem)(void *ctx, const char *kind, const char *sha256, const char *detail),
	       void *ctx, dft_verify_result *out)
{
	struct vctx v;
	dft_custody_check chk;
	dft_buf p;
	int64_t entries, offset, checked = 0, last_doc = -1;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	v.st = st;
	v.problem = problem;
	v.pctx = ctx;
	v.out = out;
	dft_buf_init(&p, 1 << 16);
	if (!(v.chunk = dft_malloc(1 << 20)))
		return DFT_ENOMEM;
	if ((rc = dft_store_custody_head(st, &entries, out->head, &offset)) < 0)
		goto done;
	/* 1. the chain */
	chk.ctx = &v;
	chk.entry = on_entry;
	chk.problem = on_problem;

	dft_buf_addf(&p, "%s/custody.log", st->dir);
	if ((rc = dft_store_custody_check(st, &chk, &checked)) < 0)
		goto done;
	out->entries_checked = checked;
	if (v.nlog > 1)
		dft_sort(v.log, v.nlog, sizeof(*v.log), cmp_logged);
	/* 2. every blob */
	if ((rc = dft_store_each_blob(st, check_blob, &v)) < 0)
		goto done;
	/* 3. the database against the log, both ways */
	if ((rc = dft_store_each_blob(st, check_doc, &v)) < 0)
		goto done;
	for (i = 0; i < v.nlog && rc == 0; i++) {
		int ex;
		if (v.log[i].text || v.log[i].doc == last_doc || in_tail(&v, v.log[i].n))
			continue;
		last_doc = v.log[i].doc;
		if ((ex = doc_exists(st, v.log[i].doc)) < 0) {
			rc = dft_store_db_err(st, "verify");
			break;
		}
		if (!ex)
			rc = report(&v, "store", v.log[i].sha,
				    "document %lld is in the custody log (entry %lld) but missing from the store",
				    (long long)v.log[i].doc, (long long)v.log[i].n);
	}
	/* 4. the full-text index (SQLite cases; server mode keeps tsvectors) */
	if (rc == 0 && !st->pg)
		rc = dft_ix_check(st->db, on_index_problem, &v, &out->index_rows_checked);
done:
	free(v.chunk);
	free(v.log);
	free(v.tails);
	dft_buf_dispose(&p);
	return rc;
}

int dft_store_custody_check(dft_store *st, const dft_custody_check *chk, int64_t *checked)
{
	int64_t entries, offset;
	char head[DFT_SHA256_HEX];
	dft_buf p;
	int rc;
	if ((rc = dft_store_custody_head(st, &entries, head, &offset)) < 0)
		return rc;
	if (st->pg)
		return dft_pg_custody_verify(st, entries, head, chk, checked);
	dft_buf_init(&p, 8192);
	if ((rc = dft_buf_addf(&p, "%s/custody.log", st->dir)) == 0)
		rc = dft_custody_verify(dft_buf_cstr(&p), entries, head, chk, checked, st->crypt);
	dft_buf_dispose(&p);
	return rc;
}
