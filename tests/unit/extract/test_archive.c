/*
 * test_archive.c - unit tests of the archive extractor (src/extract/archive.c).
 * The test archives are made at run time, with libarchive's write API or
 * with the zip, 7z, tar, gzip, bzip2, xz and zstd commands when installed
 * (a test whose tool is missing is skipped), in a directory under
 * $DAFTAR_TEST_TMP (else /tmp) that is removed at the end. The last test
 * runs the extractor under seccomp to show it needs no open, exec or write.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "daftar/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char g_dir[512]; /* this run's scratch directory */

/* ---- helpers --------------------------------------------------------------- */

static void path_in(char *out, size_t n, const char *rel)
{
	snprintf(out, n, "%s/%s", g_dir, rel);
}

static void write_file(const char *rel, const void *data, size_t len)
{
	char p[1024];
	FILE *f;
	path_in(p, sizeof(p), rel);
	f = fopen(p, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void make_dir(const char *rel)
{
	char p[1024];
	path_in(p, sizeof(p), rel);
	assert_true(mkdir(p, 0755) == 0 || errno == EEXIST);
}

/* pseudo-random bytes that deflate cannot shrink */
static unsigned char *random_bytes(size_t n, uint32_t seed)
{
	unsigned char *p = malloc(n ? n : 1);
	size_t i;
	assert_non_null(p);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (unsigned char)(seed >> 16);
	}
	return p;
}

static int have(const char *tool)
{
	const char *path = getenv("PATH");
	char buf[1024];
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t len = colon ? (size_t)(colon - path) : strlen(path);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)len, path, tool);
		if (access(buf, X_OK) == 0)
			return 1;
		path = colon ? colon + 1 : NULL;
	}
	return 0;
}

/* Run argv in g_dir/cwd, output thrown away; the exit status. */
static int run(const char *cwd, const char *const argv[])
{
	char dir[1024];
	pid_t pid;
	int st;
	path_in(dir, sizeof(dir), cwd ? cwd : ".");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		if (chdir(dir) != 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

#define RUN(cwd, ...)                                                      \
	do {                                                               \
		const char *const argv_[] = {__VA_ARGS__, NULL};           \
		assert_int_equal(run(cwd, argv_), 0);                      \
	} while (0)

#define NEED(tool)                                                         \
	do {                                                               \
		if (!have(tool)) {                                         \
			print_message("%s not installed: skipped\n", tool); \
			skip();                                            \
		}                                                          \
	} while (0)

typedef struct ent {
	const char *name;
	const void *data; /* NULL: len zero bytes */
	size_t len;
	unsigned type;    /* AE_IFREG (0 means it), AE_IFDIR, AE_IFLNK */
	const char *link; /* symlink target, or for AE_IFREG a hardlink's */
} ent;

/* An archive made with libarchive's write API, in memory (free() it).
 * Names are written as UTF-8 (the tar writers cannot convert them in the
 * C locale); the extractor itself runs in the C locale. */
static unsigned char *build(int (*format)(struct archive *), int (*filter)(struct archive *),
			    const ent *e, size_t n, size_t *out_len)
{
	struct archive *a;
	struct archive_entry *ae;
	static const unsigned char zeros[1 << 20];
	size_t cap = (1 << 20), used = 0, i;
	unsigned char *buf;
	locale_t utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0), old = (locale_t)0;
	if (utf8)
		old = uselocale(utf8);
	a = archive_write_new();
	for (i = 0; i < n; i++)
		cap += e[i].data ? e[i].len + 1024 : (e[i].len / 256) + 1024;
	buf = malloc(cap);
	assert_non_null(a);
	assert_non_null(buf);
	assert_int_equal(format(a), ARCHIVE_OK);
	if (filter)
		assert_int_equal(filter(a), ARCHIVE_OK);
	assert_int_equal(archive_write_set_bytes_in_last_block(a, 1), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	for (i = 0; i < n; i++) {
		unsigned type = e[i].type ? e[i].type : AE_IFREG;
		ae = archive_entry_new();
		archive_entry_set_pathname(ae, e[i].name);
		archive_entry_set_filetype(ae, type);
		archive_entry_set_perm(ae, type == AE_IFDIR ? 0755 : 0644);
		archive_entry_set_mtime(ae, 1700000000, 0);
		if (type == AE_IFLNK)
			archive_entry_set_symlink(ae, e[i].link);
		else if (e[i].link) /* a regular file with a link: a hardlink */
			archive_entry_set_hardlink(ae, e[i].link);
		archive_entry_set_size(ae, type == AE_IFREG ? (la_int64_t)e[i].len : 0);
		if (archive_write_header(a, ae) != ARCHIVE_OK)
			fail_msg("write header %s: %s", e[i].name, archive_error_string(a));
		if (type == AE_IFREG) {
			size_t done = 0;
			while (done < e[i].len) {
				size_t k = e[i].len - done;
				if (k > sizeof(zeros))
					k = sizeof(zeros);
				assert_int_equal(archive_write_data(a, e[i].data ? (const char *)e[i].data + done
										 : (const void *)zeros, k),
						 (la_ssize_t)k);
				done += k;
			}
		}
		archive_entry_free(ae);
	}
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	if (utf8) {
		uselocale(old);
		freelocale(utf8);
	}
	*out_len = used;
	return buf;
}

static int extract_mem(dft_sink_mem *m, const void *data, size_t len, const char *name,
		       const dft_limits *lim)
{
	dft_input in;
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = data;
	in.size = len;
	in.name = name;
	in.limits = lim;
	dft_sink_mem_init(m, 0);
	dft_error_clear();
	return dft_extract_archive(&m->sink, &in);
}

enum { BY_FD, BY_MMAP };

/* The file at g_dir/rel given as an fd only (data NULL) or mapped. */
static int extract_file(dft_sink_mem *m, const char *rel, int how, const dft_limits *lim)
{
	char p[1024];
	struct stat st;
	dft_input in;
	void *map = NULL;
	int fd, rc;
	path_in(p, sizeof(p), rel);
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	memset(&in, 0, sizeof(in));
	in.fd = fd;
	in.size = (uint64_t)st.st_size;
	in.name = p;
	in.limits = lim;
	if (how == BY_MMAP && st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		assert_true(map != MAP_FAILED);
		in.data = map;
	}
	dft_sink_mem_init(m, 0);
	dft_error_clear();
	rc = dft_extract_archive(&m->sink, &in);
	if (map)
		munmap(map, (size_t)st.st_size);
	close(fd);
	return rc;
}

static dft_mem_child *child(dft_sink_mem *m, const char *name)
{
	size_t i;
	for (i = 0; i < m->nchildren; i++)
		if (strcmp(m->children[i].name, name) == 0)
			return &m->children[i];
	return NULL;
}

/* a child delivered whole, with exactly these bytes */
static void assert_child(dft_sink_mem *m, const char *name, const void *data, size_t len)
{
	dft_mem_child *c = child(m, name);
	if (!c)
		fail_msg("no child named \"%s\"", name);
	if (c->failed)
		fail_msg("child \"%s\" failed: %s", name, c->failed);
	assert_int_equal(c->data.len, len);
	assert_int_equal(c->size, (int64_t)len);
	if (len)
		assert_memory_equal(c->data.ptr, data, len);
}

static void assert_failed_child(dft_sink_mem *m, const char *name, const char *reason_part)
{
	dft_mem_child *c = child(m, name);
	if (!c)
		fail_msg("no child named \"%s\"", name);
	if (!c->failed)
		fail_msg("child \"%s\" delivered, expected a failure", name);
	if (!strstr(c->failed, reason_part))
		fail_msg("child \"%s\" failed with \"%s\", expected \"%s\"", name, c->failed, reason_part);
	assert_int_equal(c->data.len, 0);
}

static size_t good_children(dft_sink_mem *m)
{
	size_t i, n = 0;
	for (i = 0; i < m->nchildren; i++)
		n += m->children[i].failed == NULL;
	return n;
}

static void assert_meta(dft_sink_mem *m, const char *key, const char *want)
{
	dft_buf tmp;
	const char *v;
	dft_buf_init(&tmp, 0);
	v = dft_sink_mem_meta(m, key, &tmp);
	if (!v || strcmp(v, want) != 0)
		fail_msg("meta %s is \"%s\", expected \"%s\"", key, v ? v : "(none)", want);
	dft_buf_dispose(&tmp);
}

static void assert_msg_has(const char *part)
{
	if (!strstr(dft_error_msg(), part))
		fail_msg("error \"%s\" does not contain \"%s\"", dft_error_msg(), part);
}

static const char alpha[] = "alpha: the first file\n";
static const char beta[] = "beta \xd8\xa8\xd8\xaa sub file\n";

/* ---- tests ------------------------------------------------------------------ */

static void test_zip_nested_dirs(void **state)
{
	dft_sink_mem m;
	unsigned char *bin = random_bytes(70000, 1);
	NEED("zip");
	make_dir("zsrc");
	make_dir("zsrc/top");
	make_dir("zsrc/top/sub");
	make_dir("zsrc/top/sub/deep");
	write_file("zsrc/top/a.txt", alpha, strlen(alpha));
	write_file("zsrc/top/sub/b.txt", beta, strlen(beta));
	write_file("zsrc/top/sub/deep/c.bin", bin, 70000);
	write_file("zsrc/top/sub/deep/empty", "", 0);
	RUN("zsrc", "zip", "-q", "-r", "../nested.zip", "top");

	assert_int_equal(extract_file(&m, "nested.zip", BY_FD, NULL), 0);
	assert_int_equal(m.nchildren, 4);
	assert_child(&m, "top/a.txt", alpha, strlen(alpha));
	assert_child(&m, "top/sub/b.txt", beta, strlen(beta));
	assert_child(&m, "top/sub/deep/c.bin", bin, 70000);
	assert_child(&m, "top/sub/deep/empty", "", 0);
	/* the listing holds every entry, directories too */
	assert_non_null(strstr(dft_buf_cstr(&m.text), "top/sub/deep/c.bin\n"));
	assert_non_null(strstr(dft_buf_cstr(&m.text), "top/sub/\n"));
	assert_meta(&m, "members", "7");
	assert_meta(&m, "format", "ZIP");
	dft_sink_mem_dispose(&m);
	free(bin);
}

static void test_tar_gz(void **state)
{
	dft_sink_mem m;
	unsigned char *bin = random_bytes(300000, 2);
	NEED("tar");
	make_dir("tsrc");
	make_dir("tsrc/sub");
	write_file("tsrc/a.txt", alpha, strlen(alpha));
	write_file("tsrc/sub/b.bin", bin, 300000);
	RUN("tsrc", "tar", "-czf", "../t.tar.gz", ".");

	assert_int_equal(extract_file(&m, "t.tar.gz", BY_MMAP, NULL), 0);
	/* "./a.txt" is listed and delivered as "a.txt" */
	assert_int_equal(m.nchildren, 2);
	assert_child(&m, "a.txt", alpha, strlen(alpha));
	assert_child(&m, "sub/b.bin", bin, 300000);
	assert_meta(&m, "members", "3"); /* sub/, a.txt, sub/b.bin; not "./" */
	assert_meta(&m, "compression", "gzip");
	assert_null(strstr(dft_buf_cstr(&m.text), "./"));
	dft_sink_mem_dispose(&m);
	free(bin);
}

static void test_7z(void **state)
{
	dft_sink_mem m;
	unsigned char *bin = random_bytes(100000, 3);
	NEED("7z");
	make_dir("ssrc");
	make_dir("ssrc/top");
	make_dir("ssrc/top/sub");
	write_file("ssrc/top/a.txt", alpha, strlen(alpha));
	write_file("ssrc/top/sub/b.bin", bin, 100000);
	RUN("ssrc", "7z", "a", "-bd", "-y", "../t.7z", "top");

	assert_int_equal(extract_file(&m, "t.7z", BY_MMAP, NULL), 0);
	assert_int_equal(m.nchildren, 2);
	assert_child(&m, "top/a.txt", alpha, strlen(alpha));
	assert_child(&m, "top/sub/b.bin", bin, 100000);
	assert_non_null(strstr(dft_buf_cstr(&m.meta), "format=7-Zip"));
	dft_sink_mem_dispose(&m);
	free(bin);
}

/* x.txt.gz, .bz2, .xz, .zst: one member, named after the file */
static void test_lone_compressed(void **state)
{
	static const struct {
		const char *tool, *suffix, *compression;
	} tools[] = {
		{"gzip", ".gz", "gzip"}, {"bzip2", ".bz2", "bzip2"},
		{"xz", ".xz", "xz"},     {"zstd", ".zst", "zstd"},
	};
	size_t i, tried = 0;
	make_dir("lone");
	write_file("lone/notes.txt", beta, strlen(beta));
	for (i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		dft_sink_mem m;
		char rel[64];
		if (!have(tools[i].tool))
			continue;
		tried++;
		if (strcmp(tools[i].tool, "zstd") == 0)
			RUN("lone", "zstd", "-q", "-f", "notes.txt");
		else
			RUN("lone", tools[i].tool, "-k", "-f", "notes.txt");
		snprintf(rel, sizeof(rel), "lone/notes.txt%s", tools[i].suffix);
		assert_int_equal(extract_file(&m, rel, i % 2 ? BY_FD : BY_MMAP, NULL), 0);
		assert_int_equal(m.nchildren, 1);
		assert_child(&m, "notes.txt", beta, strlen(beta));
		assert_string_equal(dft_buf_cstr(&m.text), "notes.txt\n");
		assert_meta(&m, "members", "1");
		assert_meta(&m, "compression", tools[i].compression);
		dft_sink_mem_dispose(&m);
	}
	if (!tried)
		skip();
}

static size_t count_dir(const char *rel)
{
	char p[1024];
	DIR *d;
	struct dirent *de;
	size_t n = 0;
	path_in(p, sizeof(p), rel);
	d = opendir(p);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Hostile names are labels: reported as given, never a path to write. */
static void test_hostile_names(void **state)
{
	static const ent tar_ents[] = {
		{"../../evil.txt", "evil", 4, 0, NULL},
		{"/etc/passwd", "root:x:0:0", 10, 0, NULL},
		{"./././ok.txt", "ok", 2, 0, NULL},
		{"line\nbreak\x1b[31m.txt", "esc", 3, 0, NULL},
		{"bad\xff\xfe.txt", "bad", 3, 0, NULL},
		{"link", NULL, 0, AE_IFLNK, "/etc/shadow"},
		{"", "anon", 4, 0, NULL},
		{"hard", NULL, 0, 0, "ok.txt"},
	};
	static const ent zip_ents[] = {
		{"../../evil.txt", "evil", 4, 0, NULL},
		{"/etc/passwd", "root:x:0:0", 10, 0, NULL},
	};
	char cwd[1024], jail[1024];
	struct stat before, after;
	unsigned char *tar, *zip;
	size_t tar_len, zip_len;
	dft_sink_mem m, z;
	dft_mem_child *c;
	const char *bad = NULL;
	size_t i;
	int rc;

	tar = build(archive_write_set_format_ustar, NULL, tar_ents,
		    sizeof(tar_ents) / sizeof(tar_ents[0]), &tar_len);
	zip = build(archive_write_set_format_zip, NULL, zip_ents, 2, &zip_len);
	assert_int_equal(stat("/etc/passwd", &before), 0);
	make_dir("jail");
	make_dir("jail/a");
	make_dir("jail/a/b");
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	path_in(jail, sizeof(jail), "jail/a/b");
	assert_int_equal(chdir(jail), 0);
	rc = extract_mem(&m, tar, tar_len, "hostile.tar", NULL);
	assert_int_equal(rc, 0);
	assert_int_equal(extract_mem(&z, zip, zip_len, "hostile.zip", NULL), 0);
	assert_int_equal(chdir(cwd), 0);

	assert_child(&m, "../../evil.txt", "evil", 4);
	assert_child(&m, "/etc/passwd", "root:x:0:0", 10);
	assert_child(&m, "ok.txt", "ok", 2);
	assert_child(&z, "../../evil.txt", "evil", 4);
	assert_child(&z, "/etc/passwd", "root:x:0:0", 10);
	/* control characters do not survive into a label */
	assert_child(&m, "line\xEF\xBF\xBD" "break\xEF\xBF\xBD[31m.txt", "esc", 3);
	/* invalid UTF-8 becomes U+FFFD (or whatever libarchive converts it to) */
	for (i = 0; i < m.nchildren; i++)
		if (strncmp(m.children[i].name, "bad", 3) == 0)
			bad = m.children[i].name;
	assert_non_null(bad);
	assert_true(dft_utf8_valid(bad, strlen(bad)));
	assert_int_equal(strncmp(bad + strlen(bad) - 4, ".txt", 4), 0);
	/* an empty name gets one; the symlink is a note, not a child */
	c = child(&m, "unnamed-7");
	assert_non_null(c);
	assert_null(child(&m, "link"));
	assert_null(child(&m, "hard"));
	assert_non_null(strstr(dft_buf_cstr(&m.notes), "symlink link -> /etc/shadow not followed"));
	assert_non_null(strstr(dft_buf_cstr(&m.notes), "hardlink hard -> ok.txt not followed"));
	assert_meta(&m, "members", "8");
	assert_int_equal(good_children(&m), 6);
	assert_non_null(strstr(dft_buf_cstr(&m.text), "../../evil.txt\n/etc/passwd\nok.txt\n"));

	/* and nothing was written anywhere */
	assert_int_equal(count_dir("jail/a/b"), 0);
	assert_int_equal(count_dir("jail/a"), 1);
	assert_int_equal(count_dir("jail"), 1);
	path_in(jail, sizeof(jail), "evil.txt");
	assert_int_not_equal(access(jail, F_OK), 0);
	assert_int_equal(stat("/etc/passwd", &after), 0);
	assert_int_equal(before.st_size, after.st_size);
	assert_int_equal(before.st_mtime, after.st_mtime);
	dft_sink_mem_dispose(&m);
	dft_sink_mem_dispose(&z);
	free(tar);
	free(zip);
}

static void test_encrypted_zip(void **state)
{
	dft_sink_mem m;
	NEED("zip");
	make_dir("enc");
	write_file("enc/secret.txt", "the secret plan\n", 16);
	write_file("enc/plain.txt", alpha, strlen(alpha));
	RUN("enc", "zip", "-q", "-P", "hunter2", "e.zip", "secret.txt");
	RUN("enc", "zip", "-q", "e.zip", "plain.txt"); /* appended without -P */

	assert_int_equal(extract_file(&m, "enc/e.zip", BY_FD, NULL), 0);
	assert_int_equal(m.nchildren, 2);
	assert_failed_child(&m, "secret.txt", "encrypted");
	assert_child(&m, "plain.txt", alpha, strlen(alpha));
	assert_meta(&m, "members", "2");
	dft_sink_mem_dispose(&m);
}

static void test_encrypted_7z(void **state)
{
	dft_sink_mem m;
	NEED("7z");
	make_dir("enc7");
	write_file("enc7/secret.txt", "the secret plan\n", 16);
	RUN("enc7", "7z", "a", "-bd", "-y", "-phunter2", "data.7z", "secret.txt");
	RUN("enc7", "7z", "a", "-bd", "-y", "-phunter2", "-mhe=on", "headers.7z", "secret.txt");

	/* the data is encrypted: the member fails, the archive does not */
	assert_int_equal(extract_file(&m, "enc7/data.7z", BY_MMAP, NULL), 0);
	assert_int_equal(m.nchildren, 1);
	assert_failed_child(&m, "secret.txt", "encrypted");
	dft_sink_mem_dispose(&m);
	/* even the names are: the archive cannot be read */
	assert_int_equal(extract_file(&m, "enc7/headers.7z", BY_MMAP, NULL), DFT_EENCRYPTED);
	assert_msg_has("encrypted");
	assert_int_equal(m.nchildren, 0);
	dft_sink_mem_dispose(&m);
}

static void test_truncated_zip(void **state)
{
	unsigned char *big = random_bytes(300000, 4), *zip;
	const ent ents[] = {
		{"first.txt", alpha, strlen(alpha), 0, NULL},
		{"big.bin", big, 300000, 0, NULL},
	};
	dft_sink_mem m;
	size_t len, i;

	zip = build(archive_write_set_format_zip, NULL, ents, 2, &len);
	/* the complete archive reads */
	assert_int_equal(extract_mem(&m, zip, len, "t.zip", NULL), 0);
	assert_child(&m, "big.bin", big, 300000);
	dft_sink_mem_dispose(&m);

	/* cut in the middle of big.bin */
	write_file("cut.zip", zip, len / 2);
	assert_int_equal(extract_file(&m, "cut.zip", BY_FD, NULL), DFT_ECORRUPT);
	assert_msg_has("truncated archive");
	assert_child(&m, "first.txt", alpha, strlen(alpha));
	assert_failed_child(&m, "big.bin", "truncated");
	for (i = 0; i < m.nchildren; i++)
		if (!m.children[i].failed)
			assert_string_equal(m.children[i].name, "first.txt");
	assert_int_equal(m.in_child, 0);
	assert_meta(&m, "members", "2");
	dft_sink_mem_dispose(&m);
	free(zip);
	free(big);
}

/* A bad CRC spoils one member, not the archive: that member fails alone. */
static void test_corrupt_member(void **state)
{
	static const char b[] = "the middle member, whose bytes get damaged\n";
	char p[1024];
	unsigned char buf[4096], *hit;
	dft_sink_mem m;
	size_t len;
	FILE *f;
	NEED("zip");
	make_dir("crc");
	write_file("crc/a.txt", alpha, strlen(alpha));
	write_file("crc/b.txt", b, strlen(b));
	write_file("crc/c.txt", beta, strlen(beta));
	RUN("crc", "zip", "-q", "-0", "crc.zip", "a.txt", "b.txt", "c.txt");
	path_in(p, sizeof(p), "crc/crc.zip");
	f = fopen(p, "rb");
	assert_non_null(f);
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	hit = memmem(buf, len, "whose bytes", 11);
	assert_non_null(hit);
	hit[0] ^= 0x20; /* stored, so the damage reaches the CRC check */
	write_file("crc/crc.zip", buf, len);

	assert_int_equal(extract_file(&m, "crc/crc.zip", BY_MMAP, NULL), 0);
	assert_child(&m, "a.txt", alpha, strlen(alpha));
	assert_failed_child(&m, "b.txt", "corrupt");
	assert_child(&m, "c.txt", beta, strlen(beta));
	dft_sink_mem_dispose(&m);
}

/* Past 64 MiB a member is streamed; a failure then fails the archive with
 * a note, and the open child is left for the caller to drop. */
static void test_large_member_streams(void **state)
{
	const size_t n = (size_t)70 << 20;
	unsigned char *gz, *pat = malloc(n);
	const ent ents[] = {{"data", pat, n, 0, NULL}};
	dft_limits lim;
	dft_sink_mem m;
	dft_mem_child *c;
	size_t len, i;

	/* not zeros: 70 MiB of zeros would read as an empty tar */
	assert_non_null(pat);
	for (i = 0; i < n; i++)
		pat[i] = (unsigned char)('a' + (i * 7) % 251 % 26);
	dft_limits_default(&lim);
	lim.max_ratio = 1e9; /* it compresses well: not the point here */
	gz = build(archive_write_set_format_raw, archive_write_add_filter_gzip, ents, 1, &len);
	assert_int_equal(extract_mem(&m, gz, len, "/x/zeros.bin.GZ", &lim), 0);
	assert_int_equal(m.nchildren, 1);
	c = &m.children[0];
	assert_string_equal(c->name, "zeros.bin");
	assert_null(c->failed);
	assert_int_equal(c->data.len, n);
	assert_int_equal(c->size, -1); /* gzip does not say */
	assert_memory_equal(c->data.ptr, pat, n);
	dft_sink_mem_dispose(&m);

	/* the last 64 bytes of the gzip stream missing: > 64 MiB came out */
	assert_int_equal(extract_mem(&m, gz, len - 64, "zeros.bin.gz", &lim), DFT_ECORRUPT);
	assert_msg_has("truncated archive");
	assert_non_null(strstr(dft_buf_cstr(&m.notes), "not a document"));
	assert_int_equal(m.nchildren, 1);
	assert_int_equal(m.in_child, 1); /* begun, never ended */
	dft_sink_mem_dispose(&m);
	free(gz);
	free(pat);
}

static void test_zip_bomb(void **state)
{
	const ent ents[] = {{"zeros.bin", NULL, (size_t)200 << 20, 0, NULL}};
	unsigned char *zip;
	dft_limits lim;
	dft_sink_mem m;
	size_t len;

	zip = build(archive_write_set_format_zip, NULL, ents, 1, &len);
	write_file("bomb.zip", zip, len);
	free(zip);
	dft_limits_default(&lim);
	lim.max_ratio = 100;
	lim.ratio_floor = (uint64_t)1 << 20;
	assert_int_equal(extract_file(&m, "bomb.zip", BY_FD, &lim), DFT_ELIMIT);
	assert_msg_has("bomb");
	assert_failed_child(&m, "zeros.bin", "bomb");
	assert_int_equal(good_children(&m), 0);
	assert_meta(&m, "members", "1");
	dft_sink_mem_dispose(&m);

	/* with the default limits too (200:1 past 32 MiB) */
	assert_int_equal(extract_file(&m, "bomb.zip", BY_MMAP, NULL), DFT_ELIMIT);
	assert_msg_has("zip bomb: expands");
	dft_sink_mem_dispose(&m);
}

static void test_max_members(void **state)
{
	ent ents[20];
	char names[20][16];
	unsigned char *zip;
	dft_limits lim;
	dft_sink_mem m;
	size_t len, i;

	for (i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "f%02zu.txt", i);
		ents[i] = (ent){names[i], names[i], strlen(names[i]), 0, NULL};
	}
	zip = build(archive_write_set_format_zip, NULL, ents, 20, &len);
	dft_limits_default(&lim);
	lim.max_members = 5;
	assert_int_equal(extract_mem(&m, zip, len, "many.zip", &lim), DFT_ELIMIT);
	assert_msg_has("more than 5 members");
	/* the members before the stop are complete and stay */
	assert_int_equal(m.nchildren, 5);
	for (i = 0; i < 5; i++)
		assert_child(&m, names[i], names[i], strlen(names[i]));
	dft_sink_mem_dispose(&m);

	lim.max_members = 20;
	assert_int_equal(extract_mem(&m, zip, len, "many.zip", &lim), 0);
	assert_int_equal(m.nchildren, 20);
	dft_sink_mem_dispose(&m);

	/* a listing longer than max_text stops with a note; members go on */
	lim.max_text = 40; /* "fNN.txt\n" is 8 bytes: 5 names */
	assert_int_equal(extract_mem(&m, zip, len, "many.zip", &lim), 0);
	assert_int_equal(m.nchildren, 20);
	assert_string_equal(dft_buf_cstr(&m.text), "f00.txt\nf01.txt\nf02.txt\nf03.txt\nf04.txt\n");
	assert_non_null(strstr(dft_buf_cstr(&m.notes), "listing stops after 5 names"));
	assert_meta(&m, "members", "20");
	dft_sink_mem_dispose(&m);
	free(zip);
}

static void test_size_limits(void **state)
{
	unsigned char *a = random_bytes(10000, 5), *arc;
	const ent ents[] = {
		{"a.bin", a, 10000, 0, NULL},
		{"b.bin", a, 10000, 0, NULL},
		{"c.bin", a, 10000, 0, NULL},
	};
	dft_limits lim;
	dft_sink_mem m;
	size_t len;

	/* all members together */
	arc = build(archive_write_set_format_zip, NULL, ents, 3, &len);
	dft_limits_default(&lim);
	lim.max_expanded = 25000;
	assert_int_equal(extract_mem(&m, arc, len, "x.zip", &lim), DFT_ELIMIT);
	assert_msg_has("archive expands beyond 24.4 KiB");
	assert_child(&m, "a.bin", a, 10000);
	assert_child(&m, "b.bin", a, 10000);
	assert_failed_child(&m, "c.bin", "expands beyond");
	dft_sink_mem_dispose(&m);

	/* one member, by its declared size */
	dft_limits_default(&lim);
	lim.max_member_size = 4096;
	assert_int_equal(extract_mem(&m, arc, len, "x.zip", &lim), DFT_ELIMIT);
	assert_msg_has("beyond 4 KiB");
	assert_failed_child(&m, "a.bin", "beyond 4 KiB");
	dft_sink_mem_dispose(&m);
	free(arc);

	/* one member with no declared size: counted as it expands */
	arc = build(archive_write_set_format_raw, archive_write_add_filter_gzip, ents, 1, &len);
	assert_int_equal(extract_mem(&m, arc, len, "a.bin.gz", &lim), DFT_ELIMIT);
	assert_msg_has("member a.bin expands beyond 4 KiB");
	assert_failed_child(&m, "a.bin", "expands beyond 4 KiB");
	dft_sink_mem_dispose(&m);
	free(arc);
	free(a);
}

static void test_garbage(void **state)
{
	static const char text[] = "just some words, not an archive\n";
	unsigned char *junk = random_bytes(4096, 6);
	dft_sink_mem m;

	assert_int_equal(extract_mem(&m, junk, 4096, "junk.zip", NULL), DFT_ECORRUPT);
	assert_msg_has("not a readable archive");
	assert_int_equal(m.nchildren, 0);
	dft_sink_mem_dispose(&m);
	assert_int_equal(extract_mem(&m, text, strlen(text), "t.gz", NULL), DFT_ECORRUPT);
	assert_msg_has("not a readable archive");
	dft_sink_mem_dispose(&m);
	/* a zip signature and then junk */
	memcpy(junk, "PK\003\004", 4);
	write_file("junk.zip", junk, 4096);
	assert_int_equal(extract_file(&m, "junk.zip", BY_FD, NULL), DFT_ECORRUPT);
	assert_int_equal(good_children(&m), 0);
	dft_sink_mem_dispose(&m);
	free(junk);
}

static void test_empty_zip(void **state)
{
	static const unsigned char eocd[22] = {'P', 'K', 5, 6};
	dft_sink_mem m;

	write_file("empty.zip", eocd, sizeof(eocd));
	assert_int_equal(extract_file(&m, "empty.zip", BY_MMAP, NULL), 0);
	assert_int_equal(m.nchildren, 0);
	assert_string_equal(dft_buf_cstr(&m.text), "");
	assert_meta(&m, "members", "0");
	dft_sink_mem_dispose(&m);
	assert_int_equal(extract_file(&m, "empty.zip", BY_FD, NULL), 0);
	assert_int_equal(m.nchildren, 0);
	dft_sink_mem_dispose(&m);
}

/* The extractor under a seccomp filter that kills the process on any open,
 * exec, fork or file-system change, as the worker's sandbox forbids them:
 * reading archives of every kind must need none of them. */
static void test_sandboxed(void **state)
{
	static const int banned[] = {
		SCMP_SYS(open), SCMP_SYS(openat), SCMP_SYS(creat), SCMP_SYS(execve),
		SCMP_SYS(execveat), SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(clone),
		SCMP_SYS(clone3), SCMP_SYS(mkdir), SCMP_SYS(mkdirat), SCMP_SYS(unlink),
		SCMP_SYS(unlinkat), SCMP_SYS(rename), SCMP_SYS(renameat), SCMP_SYS(renameat2),
		SCMP_SYS(symlink), SCMP_SYS(symlinkat), SCMP_SYS(link), SCMP_SYS(linkat),
		SCMP_SYS(truncate), SCMP_SYS(ftruncate), SCMP_SYS(chmod), SCMP_SYS(fchmodat),
	};
	unsigned char *big = random_bytes(200000, 7), *arc;
	const ent ents[] = {
		{"dir/a.txt", alpha, strlen(alpha), 0, NULL},
		{"dir/\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1.txt", beta, strlen(beta), 0, NULL},
		{"../../evil.bin", big, 200000, 0, NULL},
		{"/etc/cron.d/x", "* * * * * root id\n", 18, 0, NULL},
		{"lnk", NULL, 0, AE_IFLNK, "/etc/passwd"},
	};
	const ent zeros[] = {{"zeros.bin", NULL, (size_t)100 << 20, 0, NULL}};
	static const struct {
		const char *file;
		int (*format)(struct archive *);
		int (*filter)(struct archive *);
		int bomb;
	} kinds[] = {
		{"s.zip", archive_write_set_format_zip, NULL, 0},
		{"s.tar.gz", archive_write_set_format_ustar, archive_write_add_filter_gzip, 0},
		{"s.tar.xz", archive_write_set_format_pax_restricted, archive_write_add_filter_xz, 0},
		{"s.7z", archive_write_set_format_7zip, NULL, 0},
		{"s.cpio.zst", archive_write_set_format_cpio_newc, archive_write_add_filter_zstd, 0},
		{"s.iso", archive_write_set_format_iso9660, NULL, 0},
		{"s.bin.bz2", archive_write_set_format_raw, archive_write_add_filter_bzip2, 0},
		{"bomb.zip", archive_write_set_format_zip, NULL, 1},
	};
	enum { N = sizeof(kinds) / sizeof(kinds[0]) };
	int fds[N];
	size_t i, len;
	pid_t pid;
	int st;

	make_dir("sandbox");
	for (i = 0; i < N; i++) {
		char rel[64], p[1024];
		size_t n = kinds[i].bomb ? 1 : kinds[i].format == archive_write_set_format_raw ? 1 : 5;
		arc = build(kinds[i].format, kinds[i].filter, kinds[i].bomb ? zeros : ents, n, &len);
		snprintf(rel, sizeof(rel), "sandbox/%s", kinds[i].file);
		write_file(rel, arc, len);
		free(arc);
		path_in(p, sizeof(p), rel);
		fds[i] = open(p, O_RDONLY);
		assert_true(fds[i] >= 0);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
		int bad = 0;
		if (!ctx)
			_exit(100);
		for (i = 0; i < sizeof(banned) / sizeof(banned[0]); i++)
			if (seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, banned[i], 0) != 0)
				_exit(101);
		if (seccomp_load(ctx) != 0)
			_exit(102);
		for (i = 0; i < N; i++) {
			dft_sink_mem m;
			dft_input in;
			struct stat sb;
			size_t want = kinds[i].bomb ? 0 : kinds[i].format == archive_write_set_format_raw ? 1 : 4;
			int rc;
			if (fstat(fds[i], &sb) != 0)
				_exit(103);
			memset(&in, 0, sizeof(in));
			in.fd = fds[i];
			in.size = (uint64_t)sb.st_size;
			in.name = kinds[i].file;
			dft_sink_mem_init(&m, 0);
			rc = dft_extract_archive(&m.sink, &in);
			if (rc != (kinds[i].bomb ? DFT_ELIMIT : 0) || good_children(&m) != want) {
				fprintf(stderr, "%s: rc %d (%s), %zu children\n", kinds[i].file, rc,
					dft_error_msg(), good_children(&m));
				bad++;
			}
			dft_sink_mem_dispose(&m);
		}
		_exit(bad);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFSIGNALED(st))
		fail_msg("the extractor was killed by signal %d (a forbidden system call)", WTERMSIG(st));
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	for (i = 0; i < N; i++)
		close(fds[i]);
	free(big);
}

/* ---- setup ------------------------------------------------------------------ */

static int setup(void **state)
{
	const char *base = getenv("DAFTAR_TEST_TMP");
	if (!base || !*base)
		base = "/tmp";
	if (mkdir(base, 0755) != 0 && errno != EEXIST)
		base = "/tmp";
	snprintf(g_dir, sizeof(g_dir), "%s/test_archive.XXXXXX", base);
	return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	const char *const argv[] = {"rm", "-rf", g_dir, NULL};
	pid_t pid;
	if (getenv("DAFTAR_KEEP_TMP"))
		return 0;
	pid = fork();
	if (pid == 0) {
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zip_nested_dirs),
		cmocka_unit_test(test_tar_gz),
		cmocka_unit_test(test_7z),
		cmocka_unit_test(test_lone_compressed),
		cmocka_unit_test(test_hostile_names),
		cmocka_unit_test(test_encrypted_zip),
		cmocka_unit_test(test_encrypted_7z),
		cmocka_unit_test(test_truncated_zip),
		cmocka_unit_test(test_corrupt_member),
		cmocka_unit_test(test_large_member_streams),
		cmocka_unit_test(test_zip_bomb),
		cmocka_unit_test(test_max_members),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_empty_zip),
		cmocka_unit_test(test_sandboxed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
