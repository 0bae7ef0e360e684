/*
 * test_crypt.c - encryption at rest (crypt.h): blob streams round-trip at
 * every chunk boundary and refuse a flipped bit, a cut, a lost final chunk
 * or another blob's name; custody lines seal and open, and a changed one
 * does not open; CASE/keys unlocks with its passphrase only, and an edited
 * slot list is refused; a process holding a key leaves no core dump, and a
 * forked child (an extraction worker) sees zeros where the key is; the
 * keys a process unlocked are zeros after dft_crypt_wipe_keys (run at
 * exit), and the encrypting VFS then neither writes nor takes them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "daftar/crypt.h"
#include "daftar/cryptvfs.h"
#include <sodium.h>
#include <sqlite3.h>
#include "../helpers.h"

static char dir[4096], keyfile[4200];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (test_dir(dir, sizeof(dir), "crypt") < 0 || mkdir(dir, 0700) < 0)
		return -1;
	snprintf(keyfile, sizeof(keyfile), "%s/pass", dir);
	write_file(keyfile, "correct horse\n");
	setenv("DAFTAR_TEST_PWHASH_LIMITS", "1:8192", 1);
	dft_crypt_use_key_file(keyfile);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dft_crypt_use_key_file(NULL);
	return test_rmrf(dir);
}

/* Encrypt data into path; 0 or an error. */
static int seal_blob(const dft_crypt *k, const char *path, const unsigned char *data, size_t n, const char *sha)
{
	dft_crypt_stream *s;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), rc;
	size_t off = 0;
	assert_true(fd >= 0);
	assert_int_equal(dft_crypt_push_open(&s, k, fd, path), 0);
	while (off < n) { /* in uneven pieces */
		size_t piece = n - off < 7777 ? n - off : 7777;
		assert_int_equal(dft_crypt_push(s, data + off, piece), 0);
		off += piece;
	}
	rc = dft_crypt_push_final(s, sha);
	dft_crypt_stream_free(s);
	close(fd);
	return rc;
}

/* Decrypt path into out (cap bytes); *got what came before the end or an
 * error; returns 0 or the error. */
static int open_blob(const dft_crypt *k, const char *path, const char *sha, unsigned char *out, size_t cap,
		     size_t *got)
{
	dft_crypt_stream *s;
	int fd = open(path, O_RDONLY), rc;
	size_t n;
	assert_true(fd >= 0);
	*got = 0;
	if ((rc = dft_crypt_pull_open(&s, k, fd, path, sha)) == 0) {
		while ((rc = dft_crypt_pull(s, out + *got, cap - *got > 5000 ? 5000 : cap - *got, &n)) == 0 && n > 0)
			*got += n;
		dft_crypt_stream_free(s);
	}
	close(fd);
	return rc;
}

static off_t file_size(const char *path)
{
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	return sb.st_size;
}

static void flip(const char *path, off_t at)
{
	int fd = open(path, O_RDWR);
	unsigned char c;
	assert_true(fd >= 0);
	assert_int_equal(pread(fd, &c, 1, at), 1);
	c ^= 0x10;
	assert_int_equal(pwrite(fd, &c, 1, at), 1);
	close(fd);
}

static void blob_streams(void **state)
{
	const size_t C = DFT_CRYPT_CHUNK;
	size_t sizes[] = {0, 1, C - 1, C, C + 1, 3 * C + 7}, i, got;
	const char *sha = "5e1f0000000000000000000000000000000000000000000000000000000000aa";
	unsigned char *data = malloc(3 * C + 7), *back = malloc(3 * C + 8);
	char path[4300], name[DFT_SHA256_HEX], name2[DFT_SHA256_HEX];
	dft_crypt *k;
	(void)state;
	assert_non_null(data);
	assert_non_null(back);
	for (i = 0; i < 3 * C + 7; i++)
		data[i] = (unsigned char)(i * 7 + (i >> 9));
	assert_int_equal(dft_crypt_new(&k), 0);
	snprintf(path, sizeof(path), "%s/blob", dir);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		assert_int_equal(seal_blob(k, path, data, n, sha), 0);
		assert_int_equal((uint64_t)file_size(path), dft_crypt_stored_size(n));
		assert_int_equal(open_blob(k, path, sha, back, 3 * C + 8, &got), 0);
		assert_int_equal(got, n);
		assert_memory_equal(back, data, n);
		/* bound to its SHA-256: the file under another name fails */
		assert_int_equal(open_blob(k, path, "00", back, 3 * C + 8, &got), DFT_ECORRUPT);
		/* a flipped bit in the last byte, in the header, in the middle */
		flip(path, file_size(path) - 1);
		assert_int_equal(open_blob(k, path, sha, back, 3 * C + 8, &got), DFT_ECORRUPT);
		flip(path, file_size(path) - 1);
		flip(path, 12);
		assert_int_equal(open_blob(k, path, sha, back, 3 * C + 8, &got), DFT_ECORRUPT);
		assert_int_equal(got, 0); /* nothing wrong came out */
		flip(path, 12);
		if (n > C) {
			flip(path, (off_t)(C + 55)); /* in chunk 2 */
			assert_int_equal(open_blob(k, path, sha, back, 3 * C + 8, &got), DFT_ECORRUPT);
			assert_true(got <= C); /* only the good first chunk */
			assert_memory_equal(back, data, got);
			flip(path, (off_t)(C + 55)); /* in chunk 2 */
			/* the final chunk cut off at a chunk boundary */
			assert_int_equal(truncate(path, (off_t)(dft_crypt_stored_size(C))), 0);
			assert_int_equal(open_blob(k, path, sha, back, 3 * C + 8, &got), DFT_ECORRUPT);
		} else {
			assert_int_equal(truncate(path, file_size(path) - 1), 0);
			assert_int_equal(open_blob(k, path, sha, back, 3 * C + 8, &got), DFT_ECORRUPT);
		}
		assert_non_null(strstr(dft_error_msg(), path)); /* names the file */
	}
	/* names: keyed, fixed, not the SHA-256 */
	dft_crypt_blob_name(k, sha, name);
	dft_crypt_blob_name(k, sha, name2);
	assert_string_equal(name, name2);
	assert_int_equal(strlen(name), 64);
	assert_string_not_equal(name, sha);
	dft_crypt_free(k);
	free(data);
	free(back);
}

static void custody_lines(void **state)
{
	const char *line = "{\"n\":1,\"event\":\"received\",\"path\":\"a/b.txt\"}";
	dft_buf a, b, plain;
	dft_crypt *k;
	(void)state;
	assert_int_equal(dft_crypt_new(&k), 0);
	dft_buf_init(&a, 0);
	dft_buf_init(&b, 0);
	dft_buf_init(&plain, 0);
	assert_int_equal(dft_crypt_seal_line(k, line, strlen(line), &a), 0);
	assert_int_equal(dft_crypt_seal_line(k, line, strlen(line), &b), 0);
	assert_int_equal(a.len, dft_crypt_sealed_len(strlen(line)));
	assert_null(memchr(a.ptr, '\n', a.len));
	assert_null(strstr(a.ptr, "received"));
	assert_string_not_equal(a.ptr, b.ptr); /* a fresh nonce each time */
	assert_int_equal(dft_crypt_open_line(k, a.ptr, a.len, &plain), 0);
	assert_string_equal(dft_buf_cstr(&plain), line);
	a.ptr[30] = a.ptr[30] == 'A' ? 'B' : 'A';
	dft_buf_reset(&plain);
	assert_int_equal(dft_crypt_open_line(k, a.ptr, a.len, &plain), DFT_ECORRUPT);
	assert_int_equal(plain.len, 0);
	dft_buf_dispose(&a);
	dft_buf_dispose(&b);
	dft_buf_dispose(&plain);
	dft_crypt_free(k);
}

static void key_slots(void **state)
{
	char keys[4300], wrong[4300], text[8192];
	dft_crypt *k, *u;
	FILE *f;
	size_t n;
	char *p;
	(void)state;
	assert_int_equal(dft_crypt_new(&k), 0);
	assert_int_equal(dft_crypt_save(k, dir), 0);
	assert_true(dft_crypt_case_encrypted(dir));
	assert_int_equal(dft_crypt_unlock(dir, &u), 0);
	assert_memory_equal(dft_crypt_db_key(u), dft_crypt_db_key(k), DFT_CRYPT_KEYBYTES);
	dft_crypt_free(u);
	/* a wrong passphrase: refused, says so */
	snprintf(wrong, sizeof(wrong), "%s/wrong", dir);
	write_file(wrong, "correct horse \n");
	dft_crypt_use_key_file(wrong);
	assert_int_equal(dft_crypt_unlock(dir, &u), DFT_EINVAL);
	assert_non_null(strstr(dft_error_msg(), "wrong passphrase"));
	dft_crypt_use_key_file(keyfile);
	/* the slot list edited without the key: refused after unlocking */
	snprintf(keys, sizeof(keys), "%s/keys", dir);
	f = fopen(keys, "r");
	assert_non_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(p = strstr(text, "T"));
	*(p - 1) = *(p - 1) == '1' ? '2' : '1'; /* the day the slot was made */
	write_file(keys, text);
	assert_int_equal(dft_crypt_unlock(dir, &u), DFT_ECORRUPT);
	assert_non_null(strstr(dft_error_msg(), "altered"));
	/* the slot's Argon2id limits changed: it no longer opens */
	assert_int_equal(dft_crypt_save(k, dir), 0);
	f = fopen(keys, "r");
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	assert_non_null(p = strstr(text, "Z 1 8192 "));
	p[4] = '9'; /* 8192 -> 9192 bytes */
	write_file(keys, text);
	assert_int_equal(dft_crypt_unlock(dir, &u), DFT_EINVAL);
	dft_crypt_free(k);
}

static void no_dumps_and_wiped_in_children(void **state)
{
	struct rlimit r;
	unsigned char zero[DFT_CRYPT_KEYBYTES] = {0};
	dft_crypt *k;
	pid_t pid;
	int status = 0;
	(void)state;
	assert_int_equal(dft_crypt_new(&k), 0);
	assert_int_equal(getrlimit(RLIMIT_CORE, &r), 0);
	assert_int_equal(r.rlim_cur, 0);
	assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
	assert_memory_not_equal(dft_crypt_db_key(k), zero, DFT_CRYPT_KEYBYTES);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(memcmp(dft_crypt_db_key(k), zero, DFT_CRYPT_KEYBYTES) == 0 ? 0 : 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0); /* the child saw zeros */
	assert_memory_not_equal(dft_crypt_db_key(k), zero, DFT_CRYPT_KEYBYTES);
	dft_crypt_free(k);
}

/* In a child (the keys this process unlocks are its own until exit): the
 * case's key and its VFS's, zeros after the wipe. 0: as it should be. */
static int wipe_in_child(void)
{
	const dft_crypt *k = NULL;
	sqlite3 *db = NULL, *db2 = NULL;
	char path[4200];
	snprintf(path, sizeof(path), "%s/t.db", dir);
	if (dft_crypt_for_case(dir, &k) < 0 || !k || sodium_is_zero(dft_crypt_db_key(k), DFT_CRYPT_KEYBYTES))
		return 1;
	if (dft_cryptvfs_open(&db, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, dft_crypt_db_key(k)) < 0 ||
	    sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES('before')", NULL, NULL,
			 NULL) != SQLITE_OK)
		return 2;
	dft_crypt_wipe_keys();
	if (!sodium_is_zero(dft_crypt_db_key(k), DFT_CRYPT_KEYBYTES))
		return 3;
	/* the open connection cannot seal a page any more */
	if (sqlite3_exec(db, "INSERT INTO t VALUES('after')", NULL, NULL, NULL) == SQLITE_OK)
		return 4;
	if (!strstr(dft_cryptvfs_last_error(), "wiped"))
		return 5;
	/* and the wiped key opens nothing */
	if (dft_cryptvfs_open(&db2, path, SQLITE_OPEN_READWRITE, dft_crypt_db_key(k)) == 0)
		return 6;
	sqlite3_close(db);
	return 0;
}

static void wiped_after_use(void **state)
{
	dft_crypt *k;
	pid_t pid;
	int status = 0;
	(void)state;
	assert_int_equal(dft_crypt_new(&k), 0);
	assert_int_equal(dft_crypt_save(k, dir), 0);
	dft_crypt_free(k);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(wipe_in_child());
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(blob_streams, setup, teardown),
		cmocka_unit_test_setup_teardown(custody_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(key_slots, setup, teardown),
		cmocka_unit_test_setup_teardown(no_dumps_and_wiped_in_children, setup, teardown),
		cmocka_unit_test_setup_teardown(wiped_after_use, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
