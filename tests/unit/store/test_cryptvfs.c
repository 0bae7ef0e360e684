/*
 * test_cryptvfs.c - the encrypting SQLite VFS (src/store/cryptvfs.c): a
 * database written through it (more pages than the cache holds, WAL
 * checkpoints, daftar's FTS5 tokenizer, incremental vacuum) reads back the
 * same after reopening; a marker written into its rows is in no byte of
 * the database, the WAL, the -shm or a hot rollback journal; a wrong key
 * and a database opened without the VFS fail cleanly; the WAL's frames
 * open with the key alone and their checksums are masked; a flipped bit in a
 * page of the database or of a WAL frame is an error naming the file, never
 * altered data; a writer killed with SIGKILL in the middle of a transaction
 * (WAL and rollback journal) leaves the last committed data; a forked
 * child, whose copy of the key is wiped, neither reads nor writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <signal.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daftar/cryptvfs.h"
#include "daftar/index.h"
#include "../helpers.h"

#define MARKER "QZX-CRYPT-MARKER-7731"
#define VFS_A "test-crypt-a"
#define VFS_B "test-crypt-b"
#define ROWS_PER_COMMIT 200

static char dir[4096], db_path[4200];
static unsigned char key_a[DFT_CRYPTVFS_KEYBYTES], key_b[DFT_CRYPTVFS_KEYBYTES];

static int setup(void **state)
{
	(void)state;
	if (test_dir(dir, sizeof(dir), "cryptvfs") < 0 || mkdir(dir, 0755) < 0)
		return -1;
	snprintf(db_path, sizeof(db_path), "%s/store.db", dir);
	randombytes_buf(key_a, sizeof(key_a));
	randombytes_buf(key_b, sizeof(key_b));
	if (dft_cryptvfs_register(VFS_A, key_a) < 0 || dft_cryptvfs_register(VFS_B, key_b) < 0)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dft_cryptvfs_unregister(VFS_A);
	dft_cryptvfs_unregister(VFS_B);
	return test_rmrf(dir);
}

/* ---- helpers --------------------------------------------------------------- */

static sqlite3 *open_crypt(const char *vfs)
{
	sqlite3 *db = NULL;
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	sqlite3_extended_result_codes(db, 1); /* SQLITE_IOERR_DATA, not SQLITE_IOERR */
	assert_int_equal(dft_cryptvfs_prepare(db), 0);
	assert_int_equal(dft_index_register(db), 0);
	return db;
}

static void exec(sqlite3 *db, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("%s: %s (%s)", sql, err ? err : "?", dft_cryptvfs_last_error());
	sqlite3_free(err);
}

static int64_t one_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	int64_t v = -1;
	assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	else
		fail_msg("%s: %s (%s)", sql, sqlite3_errmsg(db), dft_cryptvfs_last_error());
	sqlite3_finalize(s);
	return v;
}

/* the text of row id: what every check compares against */
static void row_body(char *out, size_t n, int64_t id)
{
	snprintf(out, n, "%s row %lld alpha beta gamma delta: the letter from the office of %lld, "
		 "filed and copied again, filed and copied again, filed and copied again, "
		 "filed and copied again, filed and copied again, filed and copied again, "
		 "filed and copied again, filed and copied again, filed and copied again.",
		 MARKER, (long long)id, (long long)(id * 7919 % 1000));
}

static void create_tables(sqlite3 *db)
{
	exec(db, "CREATE TABLE IF NOT EXISTS t(id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
		 "CREATE INDEX IF NOT EXISTS t_body ON t(body);"
		 "CREATE VIRTUAL TABLE IF NOT EXISTS f USING fts5(body, tokenize='daftar');");
}

/* rows first..last (inclusive) in one transaction */
static void insert_rows(sqlite3 *db, int64_t first, int64_t last)
{
	sqlite3_stmt *s, *fs;
	char body[1024];
	int64_t id;
	exec(db, "BEGIN");
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO t(id, body) VALUES (?, ?)", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO f(rowid, body) VALUES (?, ?)", -1, &fs, NULL),
			 SQLITE_OK);
	for (id = first; id <= last; id++) {
		row_body(body, sizeof(body), id);
		sqlite3_bind_int64(s, 1, id);
		sqlite3_bind_text(s, 2, body, -1, SQLITE_STATIC);
		if (sqlite3_step(s) != SQLITE_DONE)
			fail_msg("insert %lld: %s (%s)", (long long)id, sqlite3_errmsg(db), dft_cryptvfs_last_error());
		sqlite3_reset(s);
		sqlite3_bind_int64(fs, 1, id);
		sqlite3_bind_text(fs, 2, body, -1, SQLITE_STATIC);
		if (sqlite3_step(fs) != SQLITE_DONE)
			fail_msg("fts insert %lld: %s", (long long)id, sqlite3_errmsg(db));
		sqlite3_reset(fs);
	}
	sqlite3_finalize(s);
	sqlite3_finalize(fs);
	exec(db, "COMMIT");
}

/* Read every row of t in order: each must be exactly what was written.
 * The number of rows read, and in *rc the step's last result (SQLITE_DONE,
 * or the error that stopped it). */
static int64_t check_rows(sqlite3 *db, int *rc)
{
	sqlite3_stmt *s;
	char body[1024];
	int64_t n = 0;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, body FROM t ORDER BY id", -1, &s, NULL), SQLITE_OK);
	while ((*rc = sqlite3_step(s)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(s, 0);
		const char *got = (const char *)sqlite3_column_text(s, 1);
		n++;
		assert_int_equal(id, n);
		row_body(body, sizeof(body), id);
		assert_non_null(got);
		assert_string_equal(got, body);
	}
	sqlite3_finalize(s);
	return n;
}

/* Does the file hold the marker (ASCII, or UTF-16LE)? -1 when absent. */
static int file_has_marker(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *data;
	char u16[2 * sizeof(MARKER)];
	long size;
	size_t i;
	int found;
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	data = malloc((size_t)size + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	for (i = 0; i < sizeof(MARKER) - 1; i++) {
		u16[2 * i] = MARKER[i];
		u16[2 * i + 1] = 0;
	}
	found = memmem(data, (size_t)size, MARKER, sizeof(MARKER) - 1) != NULL ||
		memmem(data, (size_t)size, u16, 2 * (sizeof(MARKER) - 1)) != NULL ||
		memmem(data, (size_t)size, "SQLite format 3", 15) != NULL;
	free(data);
	return found;
}

/* Check that no file of the folder holds the marker; how many were read. */
static int scan_folder(const char *need_suffix)
{
	static const char *suffixes[] = {"", "-wal", "-shm", "-journal"};
	char p[4300];
	size_t i;
	int n = 0, found_needed = need_suffix == NULL;
	for (i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
		int has;
		snprintf(p, sizeof(p), "%s%s", db_path, suffixes[i]);
		has = file_has_marker(p);
		if (has < 0)
			continue;
		n++;
		if (need_suffix && strcmp(need_suffix, suffixes[i]) == 0)
			found_needed = 1;
		if (has)
			fail_msg("%s holds the marker or an SQLite header in the clear", p);
	}
	if (!found_needed)
		fail_msg("%s%s was expected on disk", db_path, need_suffix);
	return n;
}

static void flip_bit(const char *path, long off, int bit)
{
	FILE *f = fopen(path, "r+b");
	int c;
	assert_non_null(f);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	c = fgetc(f);
	assert_true(c != EOF);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	fputc(c ^ (1 << bit), f);
	fclose(f);
}

static long file_size(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

/* ---- the checks ------------------------------------------------------------- */

static void round_trip(void **state)
{
	sqlite3 *db;
	int64_t pages_before, id;
	int rc;
	char wal[4300];
	(void)state;
	db = open_crypt(VFS_A);
	exec(db, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA cache_size=20;"
		 "PRAGMA wal_autocheckpoint=100");
	create_tables(db);
	for (id = 1; id <= 3000; id += ROWS_PER_COMMIT)
		insert_rows(db, id, id + ROWS_PER_COMMIT - 1);
	/* open: store.db, -wal and -shm all there, none in the clear */
	assert_int_equal(scan_folder("-wal"), 3);
	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	assert_true(file_size(wal) > 0);
	assert_true(file_size(db_path) > 100 * DFT_CRYPTVFS_PAGE_SIZE); /* checkpoints copied pages in */
	assert_int_equal(one_int(db, "SELECT count(*) FROM f WHERE f MATCH 'gamma'"), 3000);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	scan_folder(NULL);

	db = open_crypt(VFS_A);
	exec(db, "PRAGMA cache_size=20");
	assert_int_equal(check_rows(db, &rc), 3000);
	assert_int_equal(rc, SQLITE_DONE);
	assert_int_equal(one_int(db, "SELECT count(*) FROM f WHERE f MATCH 'alpha AND copied'"), 3000);
	assert_int_equal(one_int(db, "SELECT count(*) FROM t WHERE body = (SELECT body FROM t WHERE id = 2999)"), 1);
	/* incremental vacuum: free pages go back to the file system */
	exec(db, "DELETE FROM t WHERE id > 1000; DELETE FROM f WHERE rowid > 1000");
	pages_before = one_int(db, "PRAGMA page_count");
	assert_true(one_int(db, "PRAGMA freelist_count") > 100);
	exec(db, "PRAGMA incremental_vacuum");
	assert_int_equal(one_int(db, "PRAGMA freelist_count"), 0);
	assert_true(one_int(db, "PRAGMA page_count") < pages_before - 100);
	/* a statement journal and the sorter, which SQLite keeps in temporary files */
	exec(db, "UPDATE t SET body = body WHERE id % 3 = 0");
	assert_int_equal(one_int(db, "SELECT count(*) FROM (SELECT body FROM t ORDER BY substr(body, 30) DESC)"),
			 1000);
	exec(db, "VACUUM");
	assert_int_equal(check_rows(db, &rc), 1000);
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_stmt *s;
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	scan_folder(NULL);
}

static void wrong_key_and_no_key(void **state)
{
	sqlite3 *db;
	char *err = NULL;
	int rc;
	(void)state;
	db = open_crypt(VFS_A);
	exec(db, "PRAGMA journal_mode=WAL");
	create_tables(db);
	insert_rows(db, 1, 10);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	/* another key: page 1 does not authenticate, at open or at prepare */
	dft_cryptvfs_clear_error();
	db = NULL;
	rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, VFS_B);
	if (rc == SQLITE_OK)
		rc = dft_cryptvfs_prepare(db) < 0 ? SQLITE_IOERR : SQLITE_OK;
	assert_int_not_equal(rc, SQLITE_OK);
	assert_true(dft_cryptvfs_last_error_is_page1());
	assert_non_null(strstr(dft_cryptvfs_last_error(), "store.db page 1: authentication failed"));
	sqlite3_close(db);

	/* no key at all: not a database */
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	rc = sqlite3_exec(db, "SELECT count(*) FROM t", NULL, NULL, &err);
	assert_int_equal(rc, SQLITE_NOTADB);
	sqlite3_free(err);
	sqlite3_close(db);

	/* nothing changed: the right key still reads it */
	db = open_crypt(VFS_A);
	assert_int_equal(check_rows(db, &rc), 10);
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_close(db);
}

static void flipped_bit_in_database(void **state)
{
	sqlite3 *db;
	int64_t n, pages;
	int rc;
	(void)state;
	db = open_crypt(VFS_A);
	exec(db, "PRAGMA journal_mode=WAL");
	create_tables(db);
	insert_rows(db, 1, 2000);
	pages = one_int(db, "PRAGMA page_count");
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	assert_int_equal(file_size(db_path), pages * DFT_CRYPTVFS_PAGE_SIZE);

	/* a bit of every part of a page in turn (content, nonce, tag), in
	 * pages of the middle of the file: reading every row, then checking
	 * every page, must stop at it */
	static const long where[] = {100, DFT_CRYPTVFS_PAGE_SIZE - 30, DFT_CRYPTVFS_PAGE_SIZE - 5};
	for (size_t i = 0; i < sizeof(where) / sizeof(*where); i++) {
		long page = (long)pages / 2 + (long)i * 7;
		char expect[64];
		flip_bit(db_path, (page - 1) * DFT_CRYPTVFS_PAGE_SIZE + where[i], (int)i + 2);
		db = open_crypt(VFS_A);
		dft_cryptvfs_clear_error();
		n = check_rows(db, &rc);
		assert_true(n <= 2000);
		if (rc == SQLITE_DONE) /* a page of the index or of the FTS tables */
			rc = sqlite3_exec(db, "PRAGMA integrity_check", NULL, NULL, NULL);
		assert_int_equal(rc, SQLITE_IOERR_DATA);
		snprintf(expect, sizeof(expect), "store.db page %ld: authentication failed", page);
		assert_non_null(strstr(dft_cryptvfs_last_error(), expect));
		assert_false(dft_cryptvfs_last_error_is_page1());
		sqlite3_close(db);
		flip_bit(db_path, (page - 1) * DFT_CRYPTVFS_PAGE_SIZE + where[i], (int)i + 2); /* mend it */
	}
	db = open_crypt(VFS_A);
	assert_int_equal(check_rows(db, &rc), 2000);
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_close(db);

	/* page 1 altered: the open fails as with a wrong key */
	flip_bit(db_path, 2000, 0);
	db = NULL;
	rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, VFS_A);
	if (rc == SQLITE_OK)
		rc = dft_cryptvfs_prepare(db) < 0 ? SQLITE_IOERR : SQLITE_OK;
	assert_int_not_equal(rc, SQLITE_OK);
	assert_true(dft_cryptvfs_last_error_is_page1());
	sqlite3_close(db);
}

static void flipped_bit_in_wal(void **state)
{
	sqlite3 *writer, *reader;
	char wal[4300], expect[64];
	int64_t n;
	long frames, frame;
	int rc;
	(void)state;
	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	writer = open_crypt(VFS_A);
	exec(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0");
	sqlite3_db_config(writer, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	create_tables(writer);
	insert_rows(writer, 1, 1000);
	exec(writer, "PRAGMA wal_checkpoint(TRUNCATE)");
	insert_rows(writer, 1001, 2000); /* in the WAL only */
	frames = (file_size(wal) - 32) / (24 + DFT_CRYPTVFS_PAGE_SIZE);
	assert_true(frames > 20);
	scan_folder("-wal");

	/* a frame of the second transaction: a reader that needs it fails,
	 * naming the WAL; every row it gave before is intact */
	frame = frames / 2;
	flip_bit(wal, 32 + (frame - 1) * (24 + DFT_CRYPTVFS_PAGE_SIZE) + 24 + 700, 5);
	reader = open_crypt(VFS_A);
	sqlite3_db_config(reader, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	dft_cryptvfs_clear_error();
	n = check_rows(reader, &rc);
	if (rc == SQLITE_DONE) /* the frame held a page of the index or FTS */
		rc = sqlite3_exec(reader, "PRAGMA integrity_check; SELECT count(*) FROM f WHERE f MATCH 'gamma'", NULL,
				  NULL, NULL);
	assert_int_equal(rc, SQLITE_IOERR_DATA);
	snprintf(expect, sizeof(expect), "store.db-wal frame %ld (page ", frame);
	assert_non_null(strstr(dft_cryptvfs_last_error(), expect));
	assert_true(n <= 2000);
	assert_int_equal(sqlite3_close(reader), SQLITE_OK);
	assert_int_equal(sqlite3_close(writer), SQLITE_OK);

	/* no connection left: the next open recovers the WAL from its
	 * frames; the altered one ends it, so the second transaction (whose
	 * commit frame comes after it) is not there, and the first is whole */
	assert_true(file_size(wal) > 0);
	dft_cryptvfs_clear_error();
	reader = open_crypt(VFS_A); /* recovery: the log ends before the frame */
	assert_non_null(strstr(dft_cryptvfs_last_error(), "authentication failed; the log is taken up to the frame before"));
	assert_int_equal(check_rows(reader, &rc), 1000);
	assert_int_equal(rc, SQLITE_DONE);
	assert_non_null(strstr(dft_cryptvfs_last_error(), expect));
	assert_int_equal(one_int(reader, "SELECT count(*) FROM f WHERE f MATCH 'gamma'"), 1000);
	sqlite3_close(reader);
}

/* SQLite's running checksum of a WAL frame, over its header's first 8
 * bytes and its page, from the checksum before it (wal.c's
 * walChecksumBytes; the magic's low bit says the words' byte order) */
static void wal_checksum(int big_endian, const unsigned char *p, size_t n, uint32_t s[2])
{
	for (size_t i = 0; i < n; i += 8) {
		uint32_t a, b;
		if (big_endian) {
			a = (uint32_t)p[i] << 24 | (uint32_t)p[i + 1] << 16 | (uint32_t)p[i + 2] << 8 | p[i + 3];
			b = (uint32_t)p[i + 4] << 24 | (uint32_t)p[i + 5] << 16 | (uint32_t)p[i + 6] << 8 | p[i + 7];
		} else {
			a = (uint32_t)p[i + 3] << 24 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 1] << 8 | p[i];
			b = (uint32_t)p[i + 7] << 24 | (uint32_t)p[i + 6] << 16 | (uint32_t)p[i + 5] << 8 | p[i + 4];
		}
		s[0] += a + s[1];
		s[1] += b + s[0];
	}
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The WAL's format, read with the key alone: the first frame's page opens
 * with 'D' + the page number in its header, nonce and tag in its last 40
 * bytes; and the checksum in its header is not SQLite's over the plaintext
 * (which would confirm a guess of the page), yet SQLite recovers the log. */
static void wal_format_and_masked_checksum(void **state)
{
	sqlite3 *db;
	char wal[4300];
	unsigned char head[32], frame[24 + DFT_CRYPTVFS_PAGE_SIZE], ad[5], plain[DFT_CRYPTVFS_PAGE_SIZE];
	const unsigned char *page = frame + 24;
	uint32_t sum[2];
	FILE *f;
	int rc;
	(void)state;
	snprintf(wal, sizeof(wal), "%s-wal", db_path);
	db = open_crypt(VFS_A);
	exec(db, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0");
	sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
	create_tables(db);
	insert_rows(db, 1, 100);
	exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
	insert_rows(db, 101, 110);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);

	assert_non_null(f = fopen(wal, "rb"));
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	assert_int_equal(fread(frame, 1, sizeof(frame), f), sizeof(frame));
	fclose(f);
	assert_int_equal(be32(head) & ~1u, 0x377f0682u);
	assert_int_equal(be32(head + 8), DFT_CRYPTVFS_PAGE_SIZE);
	ad[0] = 'D';
	memcpy(ad + 1, frame, 4);
	assert_int_equal(crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
				 plain, NULL, page, DFT_CRYPTVFS_PAGE_SIZE - DFT_CRYPTVFS_RESERVE,
				 page + DFT_CRYPTVFS_PAGE_SIZE - 16, ad, sizeof(ad),
				 page + DFT_CRYPTVFS_PAGE_SIZE - DFT_CRYPTVFS_RESERVE, key_a),
			 0);
	memset(plain + DFT_CRYPTVFS_PAGE_SIZE - DFT_CRYPTVFS_RESERVE, 0, DFT_CRYPTVFS_RESERVE);
	sum[0] = be32(head + 24);
	sum[1] = be32(head + 28);
	wal_checksum(be32(head) & 1, frame, 8, sum);
	wal_checksum(be32(head) & 1, plain, sizeof(plain), sum);
	assert_false(sum[0] == be32(frame + 16) && sum[1] == be32(frame + 20));

	/* and SQLite, through the VFS, finds the checksums right: the
	 * recovered log has the second transaction */
	db = open_crypt(VFS_A);
	assert_int_equal(check_rows(db, &rc), 110);
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_close(db);
}

/* ---- kill -9 --------------------------------------------------------------- */

/* The child: commits of ROWS_PER_COMMIT rows, each reported on the pipe as
 * its number; after `commits` (when > 0) one more transaction that spills
 * pages, 'M' on the pipe, and a wait for the kill. commits == 0: commit
 * until killed. */
static void writer_child(int fd, const char *journal_mode, int commits)
{
	sqlite3 *db = NULL;
	char sql[128];
	int64_t k;
	/* the parent's VFS has its key wiped in this child (MADV_WIPEONFORK):
	 * one of its own, with the same key */
	if (dft_cryptvfs_register("test-crypt-child", key_a) < 0)
		_exit(2);
	if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, "test-crypt-child") != SQLITE_OK ||
	    dft_cryptvfs_prepare(db) < 0 || dft_index_register(db) < 0)
		_exit(3);
	snprintf(sql, sizeof(sql), "PRAGMA journal_mode=%s; PRAGMA cache_size=10; PRAGMA wal_autocheckpoint=50",
		 journal_mode);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		_exit(4);
	create_tables(db);
	for (k = 1; commits == 0 || k <= commits; k++) {
		insert_rows(db, (k - 1) * ROWS_PER_COMMIT + 1, k * ROWS_PER_COMMIT);
		if (write(fd, &k, sizeof(k)) != sizeof(k))
			_exit(5);
	}
	/* a transaction that rewrites every row (the old pages, marker and
	 * all, go to a rollback journal) and adds more: pages spill to the
	 * WAL, or to the database with the journal hot, before any commit */
	if (sqlite3_exec(db, "BEGIN; UPDATE t SET body = 'overwritten ' || id; DELETE FROM f;", NULL, NULL, NULL) !=
	    SQLITE_OK)
		_exit(6);
	k = -1;
	if (write(fd, &k, sizeof(k)) != sizeof(k))
		_exit(7);
	for (;;)
		pause();
}

static void killed_writer(const char *journal_mode, int commits, const char *spill_file)
{
	int fds[2], status, rc;
	int64_t k, last = 0;
	pid_t pid;
	sqlite3 *db;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fds[0]);
		writer_child(fds[1], journal_mode, commits);
		_exit(0);
	}
	close(fds[1]);
	while (read(fds[0], &k, sizeof(k)) == sizeof(k)) {
		if (k < 0)
			break; /* in the middle of a transaction */
		last = k;
		if (commits == 0 && last >= 12)
			break; /* wherever it is now */
	}
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	/* commits it reported after the one read last */
	while (commits == 0 && read(fds[0], &k, sizeof(k)) == sizeof(k))
		last = k;
	close(fds[0]);
	assert_true(WIFSIGNALED(status));
	assert_true(last >= (commits ? commits : 12));
	if (spill_file)
		scan_folder(spill_file);
	else
		scan_folder(NULL);

	db = open_crypt(VFS_A);
	{
		int64_t n = check_rows(db, &rc);
		assert_int_equal(rc, SQLITE_DONE);
		if (commits) {
			assert_int_equal(n, last * ROWS_PER_COMMIT);
		} else { /* the last reported commit, or one more it made */
			assert_int_equal(n % ROWS_PER_COMMIT, 0);
			assert_true(n >= last * ROWS_PER_COMMIT && n <= (last + 1) * ROWS_PER_COMMIT);
		}
		assert_int_equal(one_int(db, "SELECT count(*) FROM f WHERE f MATCH 'gamma'"), n);
	}
	{
		sqlite3_stmt *s;
		assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(s), SQLITE_ROW);
		assert_string_equal((const char *)sqlite3_column_text(s, 0), "ok");
		sqlite3_finalize(s);
	}
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	scan_folder(NULL);
}

static void kill_mid_transaction_wal(void **state)
{
	(void)state;
	killed_writer("WAL", 8, "-wal");
}

static void kill_anywhere_wal(void **state)
{
	(void)state;
	killed_writer("WAL", 0, "-wal");
}

static void kill_mid_transaction_journal(void **state)
{
	(void)state;
	killed_writer("DELETE", 6, "-journal");
}

/* the store's way in: one VFS a key, found again by the key */
static void open_by_key(void **state)
{
	sqlite3 *db, *db2;
	int rc;
	(void)state;
	assert_int_equal(dft_cryptvfs_open(&db, db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, key_a), 0);
	assert_int_equal(dft_index_register(db), 0);
	exec(db, "PRAGMA journal_mode=WAL");
	create_tables(db);
	insert_rows(db, 1, 50);
	/* a second connection with the same key shares its VFS and sees the rows */
	assert_int_equal(dft_cryptvfs_open(&db2, db_path, SQLITE_OPEN_READONLY, key_a), 0);
	assert_string_equal(sqlite3_db_filename(db2, "main"), sqlite3_db_filename(db, "main"));
	assert_int_equal(check_rows(db2, &rc), 50);
	assert_int_equal(rc, SQLITE_DONE);
	sqlite3_close(db2);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	/* the VFS registered by the first call is the one of VFS_A's key: the
	 * database it wrote opens through VFS_A */
	db = open_crypt(VFS_A);
	assert_int_equal(check_rows(db, &rc), 50);
	sqlite3_close(db);
	/* another key: the error the store shows */
	assert_int_equal(dft_cryptvfs_open(&db, db_path, SQLITE_OPEN_READWRITE, key_b), DFT_EENCRYPTED);
	assert_null(db);
	assert_non_null(strstr(dft_error_msg(), "store.db: wrong passphrase or not a daftar case"));
	assert_non_null(strstr(dft_error_msg(), "page 1"));
}

/* a forked child sees the parent's key wiped: its connection through the
 * parent's VFS refuses to read or write rather than use a key of zeros */
static void forked_child_has_no_key(void **state)
{
	sqlite3 *db;
	pid_t pid;
	int status;
	(void)state;
	db = open_crypt(VFS_A);
	exec(db, "PRAGMA journal_mode=WAL");
	create_tables(db);
	insert_rows(db, 1, 10);
	assert_int_equal(sqlite3_close(db), SQLITE_OK);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		sqlite3 *c = NULL;
		int rc = sqlite3_open_v2(db_path, &c, SQLITE_OPEN_READWRITE, VFS_A);
		if (rc == SQLITE_OK)
			rc = sqlite3_exec(c, "SELECT count(*) FROM t", NULL, NULL, NULL);
		_exit(rc != SQLITE_OK && strstr(dft_cryptvfs_last_error(), "was wiped (in a forked process") ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void refuses_unprepared_database(void **state)
{
	sqlite3 *db = NULL;
	char *err = NULL;
	(void)state;
	/* without prepare, page 1 has no room for nonce and tag: refused */
	assert_int_equal(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, VFS_A), SQLITE_OK);
	dft_cryptvfs_clear_error();
	assert_int_not_equal(sqlite3_exec(db, "CREATE TABLE x(a)", NULL, NULL, &err), SQLITE_OK);
	sqlite3_free(err);
	assert_non_null(strstr(dft_cryptvfs_last_error(), "dft_cryptvfs_prepare"));
	sqlite3_close(db);
	/* a database opened without the VFS is not prepared */
	assert_int_equal(sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	assert_int_equal(dft_cryptvfs_prepare(db), DFT_EINVAL);
	sqlite3_close(db);
	/* one name, one VFS */
	assert_int_equal(dft_cryptvfs_register(VFS_A, key_b), DFT_EEXISTS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_key_and_no_key, setup, teardown),
		cmocka_unit_test_setup_teardown(flipped_bit_in_database, setup, teardown),
		cmocka_unit_test_setup_teardown(flipped_bit_in_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(wal_format_and_masked_checksum, setup, teardown),
		cmocka_unit_test_setup_teardown(kill_mid_transaction_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(kill_anywhere_wal, setup, teardown),
		cmocka_unit_test_setup_teardown(kill_mid_transaction_journal, setup, teardown),
		cmocka_unit_test_setup_teardown(open_by_key, setup, teardown),
		cmocka_unit_test_setup_teardown(forked_child_has_no_key, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_unprepared_database, setup, teardown),
	};
	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
