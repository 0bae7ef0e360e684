/*
 * test_dedup_store.c - duplicate detection over a real case store: the
 * ingest hook (dft_dedup_sign) stores a signature in the caller's
 * transaction, dups signs only what has none, a re-extracted text is
 * re-signed, same-text and near clusters, and what a second batch adds
 * (a later batch never makes an earlier one's documents copies).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daftar/dedup.h"
#include "daftar/store.h"
#include "../helpers.h"

static char case_dir[4096];

static int setup(void **state)
{
	(void)state;
	return test_dir(case_dir, sizeof(case_dir), "dedup");
}

static int teardown(void **state)
{
	(void)state;
	return test_rmrf(case_dir);
}

static const char letter[] =
	"To the director of the northern office. We write to inform you that the salaries of the month "
	"of July were paid in full to the staff of the Raqqa office on the third day of the month, and "
	"that the fuel convoy left Deir ez-Zor in the morning and arrived in the evening without loss.";
static const char letter_spaced[] =
	"TO THE DIRECTOR of the northern office.\n\nWe write to inform you that the salaries of the month\n"
	"of July were paid in full to the staff of the Raqqa office on the third day of the month, and\n"
	"that the fuel convoy left Deir ez-Zor in the morning and arrived in the evening without loss.\n";
static const char letter_v2[] =
	"To the director of the northern office. We write to inform you that the salaries of the month "
	"of July were paid in full to the staff of the Raqqa office on the fifth day of the month, and "
	"that the fuel convoy left Deir ez-Zor in the morning and arrived in the evening without loss.";
static const char letter_v3[] =
	"To the director of the northern office. We write to inform you that the salaries of the month "
	"of July were paid in full to the staff of the Raqqa office on the fifth day of the month, and "
	"that the fuel convoy left Deir ez-Zor in the morning and arrived in the evening with no loss.";
static const char other[] =
	"Minutes of the meeting of the logistics committee held on Tuesday: the roads between Tabqa and "
	"Manbij, the trucks available for the coming month, and two more ambulances.";

static int64_t add_doc(dft_store *st, int64_t batch, const char *path, const char *text)
{
	dft_location loc;
	dft_extraction ex;
	char sha[DFT_SHA256_HEX];
	int64_t id;
	int is_new;
	dft_sha256_hex(sha, path, strlen(path)); /* distinct bytes a document */
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = (int64_t)strlen(text);
	loc.path = path;
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, &id, &is_new), 0);
	memset(&ex, 0, sizeof(ex));
	ex.mime = "text/plain";
	ex.type = "text";
	ex.status = "ok";
	ex.text = text;
	ex.text_len = strlen(text);
	assert_int_equal(dft_store_set_extraction(st, id, &ex), 0);
	return id;
}

struct seen {
	int text, near, exact;
	int64_t text_docs[8], near_docs[8];
	size_t ntext, nnear;
	double near_sim;
};

static int on_cluster(void *ctx, const dft_dedup_cluster *c)
{
	struct seen *s = ctx;
	if (!strcmp(c->kind, "text")) {
		s->text++;
		s->ntext = c->ndocs < 8 ? c->ndocs : 8;
		memcpy(s->text_docs, c->docs, s->ntext * sizeof(int64_t));
	} else if (!strcmp(c->kind, "near")) {
		s->near++;
		s->nnear = c->ndocs < 8 ? c->ndocs : 8;
		memcpy(s->near_docs, c->docs, s->nnear * sizeof(int64_t));
		s->near_sim = c->similarity;
	} else {
		s->exact++;
	}
	return 0;
}

struct verdicts {
	dft_dedup_verdict v[8];
	size_t n;
};

static int on_verdict(void *ctx, const dft_dedup_verdict *v)
{
	struct verdicts *vs = ctx;
	if (vs->n < 8)
		vs->v[vs->n++] = *v;
	return 0;
}

static void case_store(void **state)
{
	dft_store *st;
	dft_dedup_opts o;
	dft_dedup_summary sum;
	struct seen s;
	struct verdicts vs;
	int64_t b1, b2, a, b, c, d, e, f;
	int resumed;
	(void)state;
	assert_int_equal(test_case_init(case_dir), 0);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	assert_int_equal(dft_store_batch_open(st, "one", &b1, &resumed), 0);
	a = add_doc(st, b1, "a.txt", letter);
	b = add_doc(st, b1, "b.txt", letter_spaced);
	c = add_doc(st, b1, "c.txt", letter_v2);
	d = add_doc(st, b1, "d.txt", other);
	/* the ingest hook: signed in the same transaction as the text */
	assert_int_equal(dft_dedup_sign(st, NULL, a, letter, strlen(letter)), 0);
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_store_batch_close(st, b1), 0);

	memset(&o, 0, sizeof(o));
	o.save = 1;
	memset(&s, 0, sizeof(s));
	assert_int_equal(dft_dedup_clusters(st, &o, on_cluster, &s, &sum), 0);
	assert_int_equal(sum.signed_now, 3); /* a was signed by the hook */
	assert_int_equal(sum.documents, 4);
	assert_int_equal(s.exact, 0);
	assert_int_equal(s.text, 1);
	assert_int_equal(s.ntext, 2);
	assert_true(s.text_docs[0] == a && s.text_docs[1] == b);
	assert_int_equal(s.near, 1);
	assert_int_equal(s.nnear, 3);
	assert_true(s.near_docs[0] == a && s.near_docs[1] == b && s.near_docs[2] == c);
	assert_true(s.near_sim >= 0.8 && s.near_sim < 1.0);
	(void)d;

	/* nothing left to sign; a re-extracted text is signed again */
	assert_int_equal(dft_dedup_clusters(st, &o, on_cluster, &s, &sum), 0);
	assert_int_equal(sum.signed_now, 0);
	{
		dft_extraction ex;
		memset(&ex, 0, sizeof(ex));
		ex.mime = "text/plain";
		ex.type = "text";
		ex.status = "ok";
		ex.text = "Minutes of the meeting, second reading: the roads between Tabqa and Manbij.";
		ex.text_len = strlen(ex.text);
		assert_int_equal(dft_store_begin(st), 0);
		assert_int_equal(dft_store_set_extraction(st, d, &ex), 0);
		assert_int_equal(dft_store_commit(st), 0);
	}
	assert_int_equal(dft_dedup_clusters(st, &o, on_cluster, &s, &sum), 0);
	assert_int_equal(sum.signed_now, 1); /* d's new text */

	/* batch 2: a later version of c, and something new */
	assert_int_equal(dft_store_batch_open(st, "two", &b2, &resumed), 0);
	e = add_doc(st, b2, "e.txt", letter_v3);
	f = add_doc(st, b2, "f.txt", "A new letter about the bakery in Mayadin and the price of flour, which rose again.");
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_store_batch_close(st, b2), 0);
	memset(&vs, 0, sizeof(vs));
	assert_int_equal(dft_dedup_new(st, b2, &o, on_verdict, &vs, &sum), 0);
	assert_int_equal(sum.signed_now, 2);
	assert_int_equal(vs.n, 2);
	assert_int_equal(vs.v[0].id, e);
	assert_string_equal(vs.v[0].kind, "near");
	assert_int_equal(vs.v[0].of, c); /* the closest earlier document */
	assert_int_equal(vs.v[1].id, f);
	assert_string_equal(vs.v[1].kind, "new");
	assert_int_equal(vs.v[1].compared, 1);
	/* batch 1 is judged against nothing before it, not against batch 2 */
	memset(&vs, 0, sizeof(vs));
	assert_int_equal(dft_dedup_new(st, b1, &o, on_verdict, &vs, &sum), 0);
	assert_int_equal(vs.n, 4);
	assert_string_equal(vs.v[2].kind, "new");
	assert_string_equal(vs.v[0].kind, "new");
	dft_store_free(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(case_store, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
