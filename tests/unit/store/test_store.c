/*
 * test_store.c - the case store: init refuses what it must, the same bytes
 * twice are one document with two locations, commits write the custody log
 * before the database, a log longer than the database (a crash between the
 * two) is recovered with a "recovered" entry, a shortened log is refused.
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

#include "daftar/custody.h"
#include "daftar/store.h"
#include "../helpers.h"

static char case_dir[4096];

static int setup(void **state)
{
	(void)state;
	return test_dir(case_dir, sizeof(case_dir), "store");
}

static int teardown(void **state)
{
	(void)state;
	return test_rmrf(case_dir);
}

static int64_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int64_t n = 0;
	int c;
	if (!f)
		return -1;
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

static void add_blob(dft_store *st, const char *bytes, char sha[DFT_SHA256_HEX])
{
	dft_blob_writer w;
	assert_int_equal(dft_blob_writer_open(st, &w, 1), 0);
	assert_int_equal(dft_blob_writer_write(&w, bytes, strlen(bytes)), 0);
	assert_int_equal(dft_blob_writer_commit(st, &w, sha), 0);
}

static void init_refuses_and_opens(void **state)
{
	dft_store *st = NULL;
	char p[4300];
	(void)state;
	assert_int_equal(dft_store_open(&st, case_dir, 0), DFT_ENOTFOUND);
	assert_int_equal(dft_store_init(case_dir), 0);
	assert_int_equal(dft_store_init(case_dir), DFT_EEXISTS);
	snprintf(p, sizeof(p), "%s/other", case_dir);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/other/file", case_dir);
	fclose(fopen(p, "w"));
	snprintf(p, sizeof(p), "%s/other", case_dir);
	assert_int_equal(dft_store_init(p), DFT_EEXISTS);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	dft_store_free(st);
}

static void same_bytes_one_document(void **state)
{
	dft_store *st;
	dft_location loc;
	char sha[DFT_SHA256_HEX], p[4300];
	int64_t batch, id1, id2;
	int resumed, is_new;
	struct stat sb;
	dft_doc d;
	(void)state;
	assert_int_equal(dft_store_init(case_dir), 0);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	assert_int_equal(dft_store_batch_open(st, "march", &batch, &resumed), 0);
	assert_int_equal(resumed, 0);
	add_blob(st, "letter\n", sha);
	dft_store_blob_path(st, sha, &(dft_buf){0});
	snprintf(p, sizeof(p), "%s/blobs/%.2s/%.2s/%s", case_dir, sha, sha + 2, sha);
	assert_int_equal(stat(p, &sb), 0);
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = 7;
	loc.path = "a.txt";
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, &id1, &is_new), 0);
	assert_true(is_new);
	loc.path = "copies/a.txt";
	assert_int_equal(dft_store_add_location(st, &loc, &id2, &is_new), 0);
	assert_false(is_new);
	assert_int_equal(id1, id2);
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_store_doc_get(st, id1, &d), 0);
	assert_string_equal(d.path, "a.txt");
	assert_string_equal(d.status, "pending");
	dft_doc_dispose(&d);
	assert_int_equal(dft_store_doc_resolve(st, "copies/a.txt", &id2), 0);
	assert_int_equal(id1, id2);
	/* batch_opened + 2 received */
	snprintf(p, sizeof(p), "%s/custody.log", case_dir);
	assert_int_equal(count_lines(p), 3);
	dft_store_free(st);
}

static void crash_between_log_and_database(void **state)
{
	dft_store *st;
	dft_location loc;
	char sha[DFT_SHA256_HEX], p[4300], cmd[20000];
	int64_t batch, id, entries, offset;
	char head[DFT_SHA256_HEX];
	int resumed, is_new;
	(void)state;
	assert_int_equal(dft_store_init(case_dir), 0);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	assert_int_equal(dft_store_batch_open(st, "march", &batch, &resumed), 0);
	add_blob(st, "one\n", sha);
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = 4;
	loc.path = "one.txt";
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, &id, &is_new), 0);
	/* the log is written, the database commit never happens */
	assert_int_equal(dft_custody_flush(dft_store_custody(st)), 0);
	dft_store_free(st); /* rolls back */
	snprintf(p, sizeof(p), "%s/custody.log", case_dir);
	assert_int_equal(count_lines(p), 2);
	assert_int_equal(dft_store_open(&st, case_dir, 1), 0);
	assert_int_equal(dft_store_doc_resolve(st, "one.txt", &id), DFT_ENOTFOUND);
	assert_int_equal(dft_store_commit(st), 0);
	dft_store_free(st);
	/* a "recovered" entry was appended and committed */
	assert_int_equal(count_lines(p), 3);
	assert_int_equal(dft_store_open(&st, case_dir, 0), 0);
	assert_int_equal(dft_store_custody_head(st, &entries, head, &offset), 0);
	assert_int_equal(entries, 3);
	dft_store_free(st);
	/* now cut the log: a writer must refuse the case */
	snprintf(cmd, sizeof(cmd), "head -n 2 '%s' > '%s.x' && mv '%s.x' '%s'", p, p, p, p);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(dft_store_open(&st, case_dir, 1), DFT_ECORRUPT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_refuses_and_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(same_bytes_one_document, setup, teardown),
		cmocka_unit_test_setup_teardown(crash_between_log_and_database, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
