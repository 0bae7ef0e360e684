/*
 * fuzz_extract.c - one harness for every extractor (the parsers of
 * untrusted bytes). Built with -fsanitize=fuzzer it is a libFuzzer target:
 * the first byte picks the extractor, the rest is the document. Built
 * without it (the default, see CMakeLists.txt), main() replays files and
 * folders given as arguments through every extractor, in this process and
 * without the sandbox, so that AddressSanitizer sees each parser directly
 * (libgit2's standalone_driver idea).
 */
#include "daftar/extract.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef int (*extractor_fn)(dft_sink *, const dft_input *);

static const struct {
	const char *name;
	const char *mime;
	extractor_fn fn;
} extractors[] = {
	{"text", "text/plain", dft_extract_text},
	{"html", "text/html", dft_extract_html},
	{"archive", "application/zip", dft_extract_archive},
	{"rtf", "text/rtf", dft_extract_rtf},
	{"ooxml", "application/zip", dft_extract_ooxml},
	{"odf", "application/zip", dft_extract_odf},
	{"email", "message/rfc822", dft_extract_email},
	{"mbox", "application/mbox", dft_extract_mbox},
	/* MuPDF in this process, OCR off (dft_ocr_init is not called) */
	{"pdf", "application/pdf", dft_extract_pdf},
	/* the OLE compound documents, through libgsf: doc xls ppt, Outlook .msg */
	{"ole", "application/msword", dft_extract_ole},
	{"msg", "application/vnd.ms-outlook", dft_extract_msg},
	{"pst", "application/vnd.ms-outlook-pst", dft_extract_pst},
};
#define NEXTRACTORS (sizeof(extractors) / sizeof(extractors[0]))

static void run_one(size_t which, const unsigned char *data, size_t size)
{
	dft_sink_mem m;
	dft_input in;
	dft_limits l;
	dft_limits_default(&l);
	l.max_text = (uint64_t)8 << 20;
	l.max_members = 1000;
	l.max_expanded = (uint64_t)64 << 20;
	l.max_member_size = (uint64_t)32 << 20;
	l.ratio_floor = (uint64_t)1 << 20;
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = data;
	in.size = size;
	in.mime = extractors[which].mime;
	in.name = "fuzz-input";
	in.limits = &l;
	dft_sink_mem_init(&m, (size_t)16 << 20);
	(void)extractors[which].fn(&m.sink, &in);
	dft_sink_mem_dispose(&m);
	dft_error_clear();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1)
		return 0;
	run_one(data[0] % NEXTRACTORS, data + 1, size - 1);
	return 0;
}

#ifndef DAFTAR_LIBFUZZER
static int replay_file(const char *path, int *count)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;
	size_t i;
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	if (n < 0 || n > (32L << 20)) {
		fclose(f);
		return 0; /* big files are the e2e tests' business */
	}
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	for (i = 0; i < NEXTRACTORS; i++)
		run_one(i, buf, (size_t)n);
	free(buf);
	(*count)++;
	return 0;
}

static int replay(const char *path, int *count, int depth)
{
	struct stat sb;
	DIR *d;
	struct dirent *e;
	char child[4096];
	int rc = 0;
	if (depth > 16 || lstat(path, &sb) < 0)
		return 0;
	if (S_ISREG(sb.st_mode))
		return replay_file(path, count);
	if (!S_ISDIR(sb.st_mode) || !(d = opendir(path)))
		return 0;
	while ((e = readdir(d)) && rc == 0) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(child, sizeof(child), "%s/%s", path, e->d_name);
		rc = replay(child, count, depth + 1);
	}
	closedir(d);
	return rc;
}

int main(int argc, char **argv)
{
	int i, count = 0;
	dft_email_init();
	for (i = 1; i < argc; i++)
		if (replay(argv[i], &count, 0) < 0) {
			fprintf(stderr, "fuzz_extract: cannot read %s\n", argv[i]);
			return 1;
		}
	printf("fuzz_extract: %d files through %zu extractors: no crash\n", count, NEXTRACTORS);
	return 0;
}
#endif
