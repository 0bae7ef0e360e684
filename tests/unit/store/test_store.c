/*
 * test_store.c - the case store: init refuses what it must, the same bytes
 * twice are one document with two locations, commits write the custody log
 * before the database, a log longer than the database (a crash between the
 * two) is recovered with a "recovered" entry, a shortened log is refused;
 * the ingest's writer and the workbench's shared writer append to one
 * chain in turn, also after a shared writer was killed between its log
 * write and its commit.
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
#include <sys/wait.h>
#include <unistd.h>

#include "daftar/custody.h"
#include "daftar/findings.h"
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

static int count_problem(void *ctx, const char *kind, const char *sha256, const char *detail)
{
	(void)kind;
	(void)sha256;
	fprintf(stderr, "verify: %s\n", detail);
	(*(int *)ctx)++;
	return 0;
}

static void add_file(dft_store *st, int64_t batch, const char *path, const char *bytes, int64_t *id)
{
	dft_location loc;
	char sha[DFT_SHA256_HEX];
	int is_new;
	add_blob(st, bytes, sha);
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = (int64_t)strlen(bytes);
	loc.path = path;
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, id, &is_new), 0);
}

static void two_writers_one_chain(void **state)
{
	dft_store *ing, *wb, *other, *ro;
	dft_verify_result vr;
	char p[4300];
	int64_t batch, a, b, c, entries, offset;
	char head[DFT_SHA256_HEX];
	int resumed, problems = 0, i, wstatus, go[2];
	pid_t child;
	(void)state;
	assert_int_equal(dft_store_init(case_dir), 0);
	/* the other process, forked before this one opens the database
	 * (SQLite's locks do not survive a fork), tags document 1 when told */
	assert_int_equal(pipe(go), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char x;
		int rc = read(go[0], &x, 1) == 1 ? 0 : DFT_EIO;
		if (rc == 0 && (rc = dft_store_open(&other, case_dir, DFT_STORE_SHARED)) == 0)
			rc = dft_tag_add(other, 1, "from-another-process", "dan");
		if (rc < 0)
			fprintf(stderr, "child: %s\n", dft_error_msg());
		_exit(rc == 0 ? 0 : 1);
	}
	assert_int_equal(dft_store_open(&ing, case_dir, DFT_STORE_INGEST), 0);
	/* the workbench's writer opens beside the ingest (CASE/lock is
	 * not its; that a second ingest is refused needs another process:
	 * POSIX record locks are the process's) */
	assert_int_equal(dft_store_open(&wb, case_dir, DFT_STORE_SHARED), 0);
	assert_int_equal(dft_store_batch_open(ing, "march", &batch, &resumed), 0);
	add_file(ing, batch, "a.txt", "alpha\n", &a);
	assert_int_equal(a, 1);
	assert_int_equal(dft_store_commit(ing), 0);
	/* the ingest and the workbench take turns on the one log */
	assert_int_equal(dft_tag_add(wb, a, "important", "alice"), 0);
	add_file(ing, batch, "b.txt", "beta\n", &b);
	assert_int_equal(dft_store_commit(ing), 0);
	assert_int_equal(dft_note_add(wb, b, "seen", "alice"), 0);
	assert_int_equal(dft_tag_add(wb, b, "later", "bob"), 0);
	add_file(ing, batch, "c.txt", "gamma\n", &c);
	/* the ingest's transaction is open; nobody waits for it */
	assert_int_equal(dft_store_writer_waiting(ing), 0);
	/* another process's workbench write waits for it (its turn taken),
	 * the ingest sees that, commits, and the write goes through */
	assert_int_equal(write(go[1], "g", 1), 1);
	for (i = 0; i < 3000 && !dft_store_writer_waiting(ing); i++)
		usleep(1000);
	assert_int_equal(dft_store_writer_waiting(ing), 1);
	assert_int_equal(dft_store_commit(ing), 0);
	assert_int_equal(waitpid(child, &wstatus, 0), child);
	assert_true(WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0);
	/* a shared writer killed after its log write, before its commit */
	assert_int_equal(dft_store_begin(wb), 0);
	assert_int_equal(dft_tag_add(wb, c, "lost", "carol"), 0); /* inside our transaction: not committed */
	/* what dft_store_commit does first: link onto the chain's end, write */
	assert_int_equal(dft_store_custody_head(wb, &entries, head, &offset), 0);
	assert_int_equal(dft_custody_sync(dft_store_custody(wb), entries, head, offset), 0);
	assert_int_equal(dft_custody_flush(dft_store_custody(wb)), 0);
	dft_store_free(wb); /* rolls back: the tag is gone, its entry stays in the log */
	add_file(ing, batch, "d.txt", "delta\n", &c);
	assert_int_equal(dft_store_batch_close(ing, batch), 0);
	assert_int_equal(dft_store_commit(ing), 0);
	dft_store_free(ing);
	/* batch_opened, 4 received, tagged, noted, tagged, the other
	 * process's tagged, the lost tagged, recovered, batch_closed */
	snprintf(p, sizeof(p), "%s/custody.log", case_dir);
	assert_int_equal(count_lines(p), 12);
	assert_int_equal(dft_store_open(&ro, case_dir, DFT_STORE_READ), 0);
	memset(&vr, 0, sizeof(vr));
	assert_int_equal(dft_verify(ro, count_problem, &problems, &vr), 0);
	assert_int_equal(problems, 0);
	assert_int_equal(vr.entries_checked, 12);
	dft_store_free(ro);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(init_refuses_and_opens, setup, teardown),
		cmocka_unit_test_setup_teardown(same_bytes_one_document, setup, teardown),
		cmocka_unit_test_setup_teardown(crash_between_log_and_database, setup, teardown),
		cmocka_unit_test_setup_teardown(two_writers_one_chain, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
