/*
 * replay.h - the driver every fuzz harness uses when it is NOT built for
 * libFuzzer (the default; ctest fuzz/replay_*, and `make asan`):
 *
 *  1. replay: every file under the arguments (folders walked, sorted,
 *     symlinks not followed) through every parser of the harness;
 *  2. mutate: then, for a fixed budget (DAFTAR_FUZZ_MUTATE_SECONDS, default
 *     10; 0 turns it off), inputs made from those files by deterministic
 *     random mutations (bit flips, byte sets, inserts, deletions,
 *     duplicated ranges, truncations, splices of two files) go through
 *     LLVMFuzzerTestOneInput. The generator's seed is printed
 *     (DAFTAR_FUZZ_SEED to choose it); an input that crashes is written to
 *     $DAFTAR_FUZZ_CRASH_DIR (default .) as fuzz-crash-<harness>, from the
 *     signal handler, so it can be kept in tests/fuzz/regress/.
 *
 * It is no substitute for `make fuzz` (coverage-guided, libFuzzer), but it
 * mutates in every CI run, for a short, fixed time, so a parser that breaks
 * on slightly wrong input is caught before a merge.
 *
 * A harness defines replay_whole() (one file through every parser) and
 * LLVMFuzzerTestOneInput(), then: return fuzz_replay_main(argc, argv, name,
 * replay_whole, max_bytes);
 */
#ifndef DAFTAR_FUZZ_REPLAY_H
#define DAFTAR_FUZZ_REPLAY_H

#include "daftar/core.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

typedef void (*fuzz_whole_fn)(const unsigned char *data, size_t size);

typedef struct fuzz_seed {
	unsigned char *data;
	size_t len;
} fuzz_seed;

static struct {
	fuzz_seed *seeds;
	size_t n, cap;
	size_t files;
	size_t max_bytes;
	fuzz_whole_fn whole;
	/* the input being run, for the crash handler */
	const unsigned char *cur;
	size_t cur_len;
	char crash_path[4096];
} fz;

static int fuzz_by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void fuzz_keep(const unsigned char *data, size_t len)
{
	/* mutation works on the first 64 KiB of each file: enough for every
	 * header and structure, and fast */
	size_t keep = len < 65536 ? len : 65536;
	if (fz.n == fz.cap) {
		size_t c = fz.cap ? fz.cap * 2 : 256;
		fuzz_seed *p = realloc(fz.seeds, c * sizeof(*p));
		if (!p)
			return;
		fz.seeds = p;
		fz.cap = c;
	}
	fz.seeds[fz.n].data = malloc(keep + 1);
	if (!fz.seeds[fz.n].data)
		return;
	memcpy(fz.seeds[fz.n].data, data, keep);
	fz.seeds[fz.n].len = keep;
	fz.n++;
}

static void fuzz_replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return;
	}
	if ((size_t)n > fz.max_bytes)
		n = (long)fz.max_bytes;
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		fz.cur = buf;
		fz.cur_len = (size_t)n;
		fz.whole(buf, (size_t)n);
		fz.cur = NULL;
		fz.cur_len = 0;
		fuzz_keep(buf, (size_t)n);
		fz.files++;
	}
	free(buf);
	fclose(f);
}

static void fuzz_replay(const char *path, int depth)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0;
	if (depth > 16)
		return;
	if (lstat(path, &sb) != 0) {
		/* a corpus of ../shared, which a user's clone does not have */
		if (depth == 0)
			printf("skipped input: %s not present\n", path);
		return;
	}
	if (S_ISREG(sb.st_mode)) {
		fuzz_replay_file(path);
		return;
	}
	if (!S_ISDIR(sb.st_mode) || !(d = opendir(path)))
		return;
	while ((e = readdir(d)) != NULL) {
		char **p;
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			p = realloc(names, cap * sizeof(*p));
			if (!p)
				break;
			names = p;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	if (names)
		qsort(names, n, sizeof(*names), fuzz_by_name);
	for (size_t i = 0; i < n; i++) {
		char sub[4096];
		if (names[i]) {
			snprintf(sub, sizeof sub, "%s/%s", path, names[i]);
			fuzz_replay(sub, depth + 1);
		}
		free(names[i]);
	}
	free(names);
}

/* On a crash: the input, to a file (only async-signal-safe calls, and
 * raw system calls: under ASan, an intercepted write() would check the
 * buffer and report again from inside a report, which deadlocks). Nothing
 * when no input was running (a leak report at exit, say). */
static void fuzz_on_crash(int sig)
{
	int fd = fz.cur ? (int)syscall(SYS_open, fz.crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644) : -1;
	if (fd >= 0) {
		size_t off = 0;
		while (off < fz.cur_len) {
			ssize_t w = syscall(SYS_write, fd, fz.cur + off, fz.cur_len - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		syscall(SYS_close, fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static uint64_t fuzz_rand(uint64_t *s)
{
	/* xorshift64*: fast, and the same sequence for the same seed */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

/* One mutated input from the kept files into buf (cap bytes); its length. */
static size_t fuzz_mutant(uint64_t *rs, unsigned char *buf, size_t cap)
{
	const fuzz_seed *a = &fz.seeds[fuzz_rand(rs) % fz.n];
	size_t len = a->len < cap ? a->len : cap;
	int edits = 1 + (int)(fuzz_rand(rs) % 8);
	memcpy(buf, a->data, len);
	while (edits-- > 0) {
		size_t at = len ? (size_t)(fuzz_rand(rs) % len) : 0;
		switch (fuzz_rand(rs) % 8) {
		case 0: /* flip a bit */
			if (len)
				buf[at] ^= (unsigned char)(1u << (fuzz_rand(rs) % 8));
			break;
		case 1: /* an interesting byte */ {
			static const unsigned char v[] = {0, 0xFF, 0x7F, 0x80, '<', '"', '\\', '\n', '%', 0xD8};
			if (len)
				buf[at] = v[fuzz_rand(rs) % sizeof v];
			break;
		}
		case 2: /* insert random bytes */ {
			size_t k = 1 + (size_t)(fuzz_rand(rs) % 16);
			if (len + k <= cap) {
				memmove(buf + at + k, buf + at, len - at);
				for (size_t i = 0; i < k; i++)
					buf[at + i] = (unsigned char)fuzz_rand(rs);
				len += k;
			}
			break;
		}
		case 3: /* delete a range */ {
			size_t k = len ? (size_t)(fuzz_rand(rs) % (len - at + 1)) : 0;
			if (k > 256)
				k = 256;
			memmove(buf + at, buf + at + k, len - at - k);
			len -= k;
			break;
		}
		case 4: /* duplicate a range */ {
			size_t k = len ? 1 + (size_t)(fuzz_rand(rs) % 64) : 0;
			if (at + k <= len && len + k <= cap) {
				memmove(buf + at + k, buf + at, len - at);
				len += k;
			}
			break;
		}
		case 5: /* truncate */
			len = at;
			break;
		case 6: /* splice another file in */ {
			const fuzz_seed *b = &fz.seeds[fuzz_rand(rs) % fz.n];
			size_t from = b->len ? (size_t)(fuzz_rand(rs) % b->len) : 0;
			size_t k = b->len - from;
			if (k > cap - at)
				k = cap - at;
			memcpy(buf + at, b->data + from, k);
			if (at + k > len)
				len = at + k;
			break;
		}
		default: /* a number turned extreme, as text */ {
			static const char *const nums[] = {"-1", "0", "4294967295", "99999999999999999999", "1e308", "-2147483648"};
			const char *nm = nums[fuzz_rand(rs) % 6];
			size_t k = strlen(nm);
			if (at + k <= cap) {
				memcpy(buf + at, nm, k);
				if (at + k > len)
					len = at + k;
			}
			break;
		}
		}
	}
	return len;
}

static int fuzz_replay_main(int argc, char **argv, const char *name, fuzz_whole_fn whole, size_t max_bytes)
{
	const char *secs_env = getenv("DAFTAR_FUZZ_MUTATE_SECONDS"), *seed_env = getenv("DAFTAR_FUZZ_SEED");
	const char *dir = getenv("DAFTAR_FUZZ_CRASH_DIR");
	double secs = secs_env ? strtod(secs_env, NULL) : 10, t0;
	uint64_t seed = seed_env ? strtoull(seed_env, NULL, 10) : 20261125, rs;
	unsigned char *buf;
	size_t cap = 65536 + 4096, runs = 0;
	fz.whole = whole;
	fz.max_bytes = max_bytes;
	snprintf(fz.crash_path, sizeof fz.crash_path, "%s/fuzz-crash-%s", dir ? dir : ".", name);
	/* under ASan its own SEGV handler prints the report (then aborts
	 * with abort_on_error=1, which comes here) */
	signal(SIGABRT, fuzz_on_crash);
#if !defined(__SANITIZE_ADDRESS__)
	signal(SIGSEGV, fuzz_on_crash);
	signal(SIGBUS, fuzz_on_crash);
	signal(SIGFPE, fuzz_on_crash);
#endif
	for (int i = 1; i < argc; i++)
		fuzz_replay(argv[i], 0);
	printf("%s: %zu files replayed through every parser\n", name, fz.files);
	if (!fz.files) {
		fprintf(stderr, "%s: no input files\n", name);
		return 1;
	}
	buf = malloc(cap);
	rs = seed ? seed : 1;
	t0 = dft_now();
	while (buf && secs > 0 && dft_now() - t0 < secs) {
		for (int k = 0; k < 64; k++) {
			fz.cur_len = fuzz_mutant(&rs, buf, cap);
			fz.cur = buf;
			LLVMFuzzerTestOneInput(buf, fz.cur_len);
			runs++;
		}
	}
	fz.cur = NULL;
	fz.cur_len = 0;
	printf("%s: %zu mutated inputs in %.1f s (seed %llu): no crash\n", name, runs, dft_now() - t0,
	       (unsigned long long)seed);
	free(buf);
	for (size_t i = 0; i < fz.n; i++)
		free(fz.seeds[i].data);
	free(fz.seeds);
	return 0;
}

#endif
