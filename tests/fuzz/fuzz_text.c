/*
 * fuzz_text.c - one harness for the parsers of untrusted TEXT (the
 * extractors' output and the user's input), as fuzz_extract.c is for
 * untrusted files: the query language, the analyzer, the pattern and date
 * scanners, the NER tagger, the watchlist CSV reader and the name parser.
 *
 * Built with -fsanitize=fuzzer (make fuzz) it is a libFuzzer target: the
 * first byte picks the parser, the rest is its input. Built without it
 * (the default), main() replays files and folders given as arguments
 * through every parser, in this process, so that ASan and UBSan see each
 * one (ctest fuzz/replay_text, `make asan`). NER needs its models: they are
 * looked up the usual way (models/ beside the executable, $DAFTAR_MODELS);
 * without them that parser is skipped and the replay says so.
 */
#include "daftar/entities.h"
#include "daftar/index.h"
#include "daftar/text.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static dft_patterns *patterns;
static dft_dates *dates;
static dft_ner *ner_en, *ner_ar;
static dft_analyzer *analyzer;

static int count_mention(void *ctx, const dft_mention *m)
{
	size_t *n = ctx;
	/* offsets must lie in the input, in order */
	if (m->start > m->end)
		abort();
	(*n)++;
	return 0;
}

static int count_token(void *ctx, const dft_token *t)
{
	size_t *n = ctx;
	if (t->start > t->end)
		abort();
	(*n)++;
	return 0;
}

static void setup(void)
{
	static int done;
	if (done)
		return;
	done = 1;
	if (dft_patterns_new(&patterns) < 0 || dft_dates_new(&dates) < 0 || dft_analyzer_new(&analyzer, NULL, DFT_AN_INDEX) < 0) {
		fprintf(stderr, "fuzz_text: setup failed: %s\n", dft_error_msg());
		exit(1);
	}
	if (dft_ner_load(&ner_en, "en", NULL) < 0)
		ner_en = NULL;
	if (dft_ner_load(&ner_ar, "ar", NULL) < 0)
		ner_ar = NULL;
	dft_error_clear();
}

enum { P_QUERY, P_ANALYZER, P_PATTERNS, P_DATES, P_NER, P_CSV, P_NAMES, P_COUNT };
static const char *const parser_names[P_COUNT] = {"query", "analyzer", "patterns", "dates", "ner", "csv", "names"};

static void run_one(int which, const char *data, size_t size)
{
	size_t n = 0;
	switch (which) {
	case P_QUERY: {
		dft_query q;
		char *s = malloc(size + 1);
		if (!s)
			return;
		memcpy(s, data, size);
		s[size] = 0; /* the query is a C string */
		(void)dft_query_compile(&q, s, NULL, NULL);
		dft_query_dispose(&q);
		free(s);
		break;
	}
	case P_ANALYZER:
		(void)dft_analyze(analyzer, data, size, count_token, &n);
		break;
	case P_PATTERNS:
		(void)dft_patterns_scan(patterns, data, size, "SY", count_mention, &n);
		break;
	case P_DATES:
		(void)dft_dates_scan(dates, data, size, count_mention, &n);
		break;
	case P_NER:
		if (ner_en)
			(void)dft_ner_scan(ner_en, data, size, count_mention, &n);
		if (ner_ar)
			(void)dft_ner_scan(ner_ar, data, size, count_mention, &n);
		break;
	case P_CSV: {
		dft_watchlist w;
		if (dft_watchlist_parse(&w, data, size, "fuzz.csv") == 0)
			dft_watchlist_dispose(&w);
		break;
	}
	case P_NAMES: {
		/* two names split at the first newline, compared both ways */
		const char *nl = memchr(data, '\n', size);
		size_t a = nl ? (size_t)(nl - data) : size;
		const char *b = nl ? nl + 1 : "";
		size_t bl = nl ? size - a - 1 : 0;
		dft_name nm;
		(void)dft_name_parse(DFT_ENT_PERSON, data, a, &nm);
		(void)dft_name_compare_text(DFT_ENT_PERSON, data, a, b, bl, NULL);
		(void)dft_name_compare_text(DFT_ENT_PLACE, b, bl, data, a, NULL);
		break;
	}
	default:
		break;
	}
	dft_error_clear();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	setup();
	if (size < 1)
		return 0;
	run_one(data[0] % P_COUNT, (const char *)data + 1, size - 1);
	return 0;
}

#ifndef DAFTAR_LIBFUZZER
#include "replay.h"

/* One file through every parser. */
static void replay_whole(const unsigned char *data, size_t size)
{
	for (int p = 0; p < P_COUNT; p++)
		run_one(p, (const char *)data, size);
}

int main(int argc, char **argv)
{
	int rc;
	setup();
	printf("fuzz_text: parsers");
	for (int p = 0; p < P_COUNT; p++)
		printf(" %s", parser_names[p]);
	printf("; NER %s\n", ner_en && ner_ar ? "models found" : "skipped: no models");
	/* the first 8 MiB are enough to exercise a parser */
	rc = fuzz_replay_main(argc, argv, "fuzz_text", replay_whole, (size_t)8 << 20);
	dft_patterns_free(patterns);
	dft_dates_free(dates);
	dft_ner_free(ner_en);
	dft_ner_free(ner_ar);
	dft_analyzer_free(analyzer);
	return rc;
}
#endif
