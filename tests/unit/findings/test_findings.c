/*
 * test_findings.c - the claims ledger's arithmetic and its checks
 * (findings.h): pages and code points to bytes and back (Arabic, form
 * feeds, the ends of a page), --cite parsing (paths with ':'), and
 * dft_claims_verify on a real store: intact, a blob altered, a text
 * altered, a quotation moved (its place changed under it).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daftar/findings.h"
#include "daftar/store.h"
#include "../helpers.h"

/* page 1: "ab"; page 2: "الرقة x" (5 Arabic letters of 2 bytes); page 3: "third" */
static const char TEXT[] = "ab\f\xd8\xa7\xd9\x84\xd8\xb1\xd9\x82\xd8\xa9 x\fthird";

static void locate_pages_and_code_points(void **state)
{
	size_t bs, be, len = sizeof(TEXT) - 1;
	int64_t page, cp, s, e;
	(void)state;
	assert_int_equal(dft_cite_locate(TEXT, len, 1, 0, 2, &bs, &be), 0);
	assert_int_equal(bs, 0);
	assert_int_equal(be, 2);
	/* page 2, characters 0-5: the Arabic word, 10 bytes after the \f */
	assert_int_equal(dft_cite_locate(TEXT, len, 2, 0, 5, &bs, &be), 0);
	assert_int_equal(bs, 3);
	assert_int_equal(be, 13);
	assert_int_equal(dft_cite_locate(TEXT, len, 2, 6, 7, &bs, &be), 0);
	assert_int_equal(TEXT[bs], 'x');
	assert_int_equal(dft_cite_locate(TEXT, len, 3, 0, 5, &bs, &be), 0);
	assert_memory_equal(TEXT + bs, "third", 5);
	assert_int_equal(be, len);
	/* errors: no page 4, past the page's end (not into the next), empty */
	assert_int_equal(dft_cite_locate(TEXT, len, 4, 0, 1, &bs, &be), DFT_EINVAL);
	assert_int_equal(dft_cite_locate(TEXT, len, 1, 0, 3, &bs, &be), DFT_EINVAL);
	assert_int_equal(dft_cite_locate(TEXT, len, 2, 3, 3, &bs, &be), DFT_EINVAL);
	assert_int_equal(dft_cite_locate(TEXT, len, 0, 0, 1, &bs, &be), DFT_EINVAL);
	/* and back */
	assert_int_equal(dft_cite_position(TEXT, len, 13, &page, &cp), 0);
	assert_int_equal(page, 2);
	assert_int_equal(cp, 5);
	assert_int_equal(dft_cite_position(TEXT, len, 16, &page, &cp), 0);
	assert_int_equal(page, 3);
	assert_int_equal(cp, 0);
	assert_int_equal(dft_cite_find(TEXT, len, "x", 1, &page, &s, &e), 0);
	assert_int_equal(page, 2);
	assert_int_equal(s, 6);
	assert_int_equal(e, 7);
	assert_int_equal(dft_cite_find(TEXT, len, "b\fa", 3, &page, &s, &e), DFT_ENOTFOUND);
	assert_int_equal(dft_cite_find(TEXT, len, "zzz", 3, &page, &s, &e), DFT_ENOTFOUND);
}

static void parse_cite_specs(void **state)
{
	char *doc;
	int64_t p, s, e;
	(void)state;
	assert_int_equal(dft_cite_parse("12:3:10-25", &doc, &p, &s, &e), 0);
	assert_string_equal(doc, "12");
	assert_int_equal(p, 3);
	assert_int_equal(s, 10);
	assert_int_equal(e, 25);
	free(doc);
	assert_int_equal(dft_cite_parse("a:b.zip!/c:d.txt:1:0-4", &doc, &p, &s, &e), 0);
	assert_string_equal(doc, "a:b.zip!/c:d.txt");
	free(doc);
	assert_int_equal(dft_cite_parse("12:3", &doc, &p, &s, &e), DFT_EUSAGE);
	assert_int_equal(dft_cite_parse("12:3:10", &doc, &p, &s, &e), DFT_EUSAGE);
	assert_int_equal(dft_cite_parse("12:x:1-2", &doc, &p, &s, &e), DFT_EUSAGE);
	assert_int_equal(dft_cite_parse(":1:1-2", &doc, &p, &s, &e), DFT_EUSAGE);
}

/* ---- verification on a store ---------------------------------------------------- */

static char case_dir[4096];

struct problems {
	char kinds[8][32];
	int64_t claim[8], seq[8];
	int n;
};

static int on_problem(void *ctx, int64_t claim, int64_t seq, const char *kind, const char *detail)
{
	struct problems *p = ctx;
	assert_non_null(detail);
	if (p->n < 8) {
		snprintf(p->kinds[p->n], 32, "%s", kind);
		p->claim[p->n] = claim;
		p->seq[p->n++] = seq;
	}
	return 0;
}

static int has_kind(const struct problems *p, const char *kind)
{
	int i;
	for (i = 0; i < p->n; i++)
		if (!strcmp(p->kinds[i], kind))
			return 1;
	return 0;
}

static void run_verify(dft_store *st, struct problems *p, int64_t *failed)
{
	int64_t checked;
	memset(p, 0, sizeof(*p));
	assert_int_equal(dft_claims_verify(st, 0, on_problem, p, &checked, failed), 0);
	assert_int_equal(checked, 1);
}

static void sql(const char *stmt)
{
	char err[512];
	if (test_case_sql(case_dir, stmt, NULL, 0, err, sizeof(err)) < 0)
		fail_msg("%s: %s", stmt, err);
}

static void verify_failures(void **state)
{
	const char bytes[] = "the original bytes";
	char sha[DFT_SHA256_HEX], tsha[DFT_SHA256_HEX];
	dft_store *st;
	dft_blob_writer w;
	dft_location loc;
	dft_extraction ex;
	dft_cite_req req;
	dft_buf blob;
	struct problems p;
	int64_t batch, doc, claim, failed;
	int resumed, is_new;
	FILE *f;
	(void)state;
	assert_int_equal(test_dir(case_dir, sizeof(case_dir), "findings"), 0);
	assert_int_equal(test_case_init(case_dir), 0);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	assert_int_equal(dft_store_batch_open(st, "one", &batch, &resumed), 0);
	assert_int_equal(dft_blob_writer_open(st, &w, 1), 0);
	assert_int_equal(dft_blob_writer_write(&w, bytes, strlen(bytes)), 0);
	assert_int_equal(dft_blob_writer_commit(st, &w, sha), 0);
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = (int64_t)strlen(bytes);
	loc.path = "a.pdf";
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, &doc, &is_new), 0);
	memset(&ex, 0, sizeof(ex));
	ex.mime = "application/pdf";
	ex.type = "pdf";
	ex.status = "ok";
	ex.text = TEXT;
	ex.text_len = sizeof(TEXT) - 1;
	assert_int_equal(dft_sha256_hex(tsha, TEXT, sizeof(TEXT) - 1), 0);
	ex.text_sha256 = tsha;
	ex.pages = 3;
	assert_int_equal(dft_store_set_extraction(st, doc, &ex), 0);
	assert_int_equal(dft_store_batch_close(st, batch), 0);
	assert_int_equal(dft_store_commit(st), 0);

	/* the Arabic word on page 2 */
	req.doc = doc;
	req.page = 2;
	req.start = 0;
	req.end = 5;
	assert_int_equal(dft_claim_add(st, "a claim", NULL, "confirmed", "tester", &req, 1, &claim), 0);
	req.page = 9;
	assert_int_equal(dft_claim_add(st, "bad page", NULL, NULL, "tester", &req, 1, NULL), DFT_EINVAL);
	assert_int_equal(dft_claim_add(st, "x", NULL, "maybe", "tester", &req, 1, NULL), DFT_EUSAGE);
	assert_int_equal(dft_claim_set_status(st, claim, "disputed", "tester"), 0);
	assert_int_equal(dft_claim_set_status(st, 99, "open", "tester"), DFT_ENOTFOUND);
	dft_store_free(st);
	assert_int_equal(dft_store_open(&st, case_dir, 0), 0);

	/* intact */
	run_verify(st, &p, &failed);
	assert_int_equal(failed, 0);
	assert_int_equal(p.n, 0);

	/* a blob altered: original_modified, on claim 1 citation 1 */
	dft_buf_init(&blob, 8192);
	assert_int_equal(dft_store_blob_path(st, sha, &blob), 0);
	chmod(dft_buf_cstr(&blob), 0644);
	assert_non_null(f = fopen(dft_buf_cstr(&blob), "we"));
	fputs("the 0riginal bytes", f);
	fclose(f);
	run_verify(st, &p, &failed);
	assert_int_equal(failed, 1);
	assert_true(has_kind(&p, "original_modified"));
	assert_int_equal(p.claim[0], claim);
	assert_int_equal(p.seq[0], 1);
	/* the blob gone */
	unlink(dft_buf_cstr(&blob));
	run_verify(st, &p, &failed);
	assert_true(has_kind(&p, "original_missing"));
	/* put it back */
	assert_non_null(f = fopen(dft_buf_cstr(&blob), "we"));
	fputs(bytes, f);
	fclose(f);
	run_verify(st, &p, &failed);
	assert_int_equal(failed, 0);

	/* a quotation moved: the place recorded changed, the text did not */
	sql("UPDATE claim_citations SET start = 1, \"end\" = 6");
	run_verify(st, &p, &failed);
	assert_int_equal(failed, 1);
	assert_int_equal(p.n, 1);
	assert_string_equal(p.kinds[0], "quote_moved");
	sql("UPDATE claim_citations SET start = 0, \"end\" = 5");
	run_verify(st, &p, &failed);
	assert_int_equal(failed, 0);

	/* the text altered (one letter added before the quotation) */
	sql("UPDATE texts SET text = 'ab\fy' || substr(text, 4)");
	run_verify(st, &p, &failed);
	assert_int_equal(failed, 1);
	assert_true(has_kind(&p, "text_changed"));
	assert_true(has_kind(&p, "quote_moved"));
	assert_false(has_kind(&p, "original_modified"));

	dft_buf_dispose(&blob);
	dft_store_free(st);
	assert_int_equal(test_rmrf(case_dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(locate_pages_and_code_points),
		cmocka_unit_test(parse_cite_specs),
		cmocka_unit_test(verify_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
