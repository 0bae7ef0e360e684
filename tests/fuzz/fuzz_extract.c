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
#include "replay.h"

/* One file through every extractor. */
static void replay_whole(const unsigned char *data, size_t size)
{
	for (size_t i = 0; i < NEXTRACTORS; i++)
		run_one(i, data, size);
}

int main(int argc, char **argv)
{
	dft_email_init();
	/* big files are the e2e tests' business */
	return fuzz_replay_main(argc, argv, "fuzz_extract", replay_whole, (size_t)32 << 20);
}
#endif
