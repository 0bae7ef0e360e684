/*
 * test_ner.c - the NER tagger (src/entities/ner.c) with the committed
 * models (models/, copied to build/models/ner-{en,ar}.model, found beside the test
 * executable or through $DAFTAR_MODELS): entity-level F1 on the held-out
 * CoNLL-2003 and ANERcorp test splits (scored here, independently of
 * daftar-train), raw English and Arabic sentences with their byte offsets,
 * empty and invalid UTF-8 input, a callback that stops the scan, and
 * missing, truncated and corrupted model files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daftar/core.h"
#include "daftar/entities.h"
#include "../helpers.h"

/* F1 reached when the tests were written (docs/NER.md), minus a margin. */
#define EN_TEST_F1_MIN 0.85
#define AR_TEST_F1_MIN 0.79

static dft_ner *load(const char *lang)
{
	dft_ner *n = NULL;
	int rc = dft_ner_load(&n, lang, NULL);
	if (rc)
		fail_msg("no %s model: %s (build the models with make)", lang, dft_error_msg());
	return n;
}

/* ---- F1 on a test split ------------------------------------------------------ */

static int parse_tag(const char *s, size_t n, int prev)
{
	int type;
	if (n < 3 || (s[0] != 'B' && s[0] != 'I') || s[1] != '-')
		return 0;
	if (strncmp(s + 2, "PER", 3) == 0)
		type = DFT_ENT_PERSON;
	else if (strncmp(s + 2, "ORG", 3) == 0)
		type = DFT_ENT_ORG;
	else if (strncmp(s + 2, "LOC", 3) == 0)
		type = DFT_ENT_PLACE;
	else if (strncmp(s + 2, "MISC", 4) == 0)
		type = DFT_ENT_MISC;
	else
		return 0;
	/* IOB1 and IOB2 alike: I-x continues only an x */
	if (s[0] == 'I' && (prev == 1 + 2 * type || prev == 2 + 2 * type))
		return 2 + 2 * type;
	return 1 + 2 * type;
}

struct counts {
	size_t tp, fp, fn;
};

static size_t span_end(const int *t, size_t n, size_t i)
{
	size_t j = i + 1;
	while (j < n && t[j] == t[i] + 1 - (t[i] % 2 == 0))
		j++;
	return j;
}

static void score(struct counts *c, const int *gold, const int *pred, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int gs = gold[i] && (gold[i] % 2 == 1 || i == 0 || gold[i - 1] == 0 ||
				     (gold[i - 1] - 1) / 2 != (gold[i] - 1) / 2);
		int ps = pred[i] && (pred[i] % 2 == 1 || i == 0 || pred[i - 1] == 0 ||
				     (pred[i - 1] - 1) / 2 != (pred[i] - 1) / 2);
		if (gs && ps && (gold[i] - 1) / 2 == (pred[i] - 1) / 2 &&
		    span_end(gold, n, i) == span_end(pred, n, i))
			c->tp++;
		else {
			c->fn += (size_t)gs;
			c->fp += (size_t)ps;
		}
	}
}

/* One document of a split (the words between -DOCSTART- lines, or the
 * whole file), tagged with dft_ner_tag_doc as daftar tags a text. */
struct split_doc {
	char **words;
	size_t *lens, *sent_lens, nw, ns, cap, scap;
	int *gold, *pred;
};

static void doc_push_word(struct split_doc *d, const char *w, size_t len, int gold)
{
	if (d->nw == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4096;
		d->words = realloc(d->words, d->cap * sizeof *d->words);
		d->lens = realloc(d->lens, d->cap * sizeof *d->lens);
		d->gold = realloc(d->gold, d->cap * sizeof *d->gold);
		d->pred = realloc(d->pred, d->cap * sizeof *d->pred);
		assert_true(d->words && d->lens && d->gold && d->pred);
	}
	d->words[d->nw] = malloc(len + 1);
	assert_non_null(d->words[d->nw]);
	memcpy(d->words[d->nw], w, len);
	d->words[d->nw][len] = 0;
	d->lens[d->nw] = len;
	d->gold[d->nw] = gold;
	d->nw++;
}

static void doc_end_sentence(struct split_doc *d, size_t words)
{
	if (!words)
		return;
	if (d->ns == d->scap) {
		d->scap = d->scap ? d->scap * 2 : 256;
		d->sent_lens = realloc(d->sent_lens, d->scap * sizeof *d->sent_lens);
		assert_non_null(d->sent_lens);
	}
	d->sent_lens[d->ns++] = words;
}

static void doc_score(dft_ner *n, struct split_doc *d, struct counts *c)
{
	size_t at = 0;
	if (!d->ns)
		return;
	assert_int_equal(dft_ner_tag_doc(n, (const char *const *)d->words, d->lens, d->sent_lens,
					 d->ns, d->pred),
			 0);
	for (size_t k = 0; k < d->ns; k++) {
		score(c, d->gold + at, d->pred + at, d->sent_lens[k]);
		at += d->sent_lens[k];
	}
	for (size_t i = 0; i < d->nw; i++)
		free(d->words[i]);
	d->nw = d->ns = 0;
}

static double split_f1(dft_ner *n, const char *rel)
{
	char path[4096], line[4096];
	FILE *f;
	struct split_doc d;
	size_t nw = 0, sentences = 0;
	struct counts c = {0, 0, 0};
	double p, r;

	memset(&d, 0, sizeof d);
	TEST_NEEDS_CORPUS(path, rel);
	f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	for (;;) {
		char *ok = fgets(line, sizeof line, f);
		size_t len = ok ? strlen(line) : 0, a, b;
		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == ' '))
			line[--len] = 0;
		if (!ok || len == 0 || strncmp(line, "-DOCSTART-", 10) == 0) {
			if (nw)
				sentences++;
			doc_end_sentence(&d, nw);
			nw = 0;
			if (!ok || len)
				doc_score(n, &d, &c);
			if (!ok)
				break;
			continue;
		}
		for (a = 0; a < len && line[a] != ' ' && line[a] != '\t'; a++)
			;
		for (b = len; b > a && line[b - 1] != ' ' && line[b - 1] != '\t'; b--)
			;
		if (a == len || nw == 512)
			continue;
		doc_push_word(&d, line, a, parse_tag(line + b, len - b, nw ? d.gold[d.nw - 1] : 0));
		nw++;
	}
	fclose(f);
	free(d.words);
	free(d.lens);
	free(d.gold);
	free(d.pred);
	free(d.sent_lens);
	p = c.tp + c.fp ? (double)c.tp / (double)(c.tp + c.fp) : 0;
	r = c.tp + c.fn ? (double)c.tp / (double)(c.tp + c.fn) : 0;
	print_message("%s: %zu sentences, precision %.4f recall %.4f F1 %.4f\n", rel, sentences, p,
		      r, p + r > 0 ? 2 * p * r / (p + r) : 0);
	return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static void test_english_f1(void **state)
{
	dft_ner *n = load("en");
	double f1 = split_f1(n, "conll2003-en/test.txt");
	assert_true(f1 >= EN_TEST_F1_MIN);
	dft_ner_free(n);
}

static void test_arabic_f1(void **state)
{
	dft_ner *n = load("ar");
	double f1 = split_f1(n, "anercorp-ar/test.txt");
	assert_true(f1 >= AR_TEST_F1_MIN);
	dft_ner_free(n);
}

/* ---- raw text ---------------------------------------------------------------- */

struct found {
	int type[64];
	size_t start[64], end[64];
	char value[64][256];
	double score[64];
	size_t n;
	const char *text;
	size_t len;
	int stop_after;
	size_t last_end;
};

static int collect(void *ctx, const dft_mention *m)
{
	struct found *f = ctx;
	assert_true(m->start < m->end);
	assert_true(m->end <= f->len);
	assert_true(m->score >= 0 && m->score <= 1);
	assert_null(m->extra);
	assert_true(m->type >= DFT_ENT_PERSON && m->type <= DFT_ENT_MISC);
	assert_true(m->start >= f->last_end);
	f->last_end = m->end;
	if (f->n < 64) {
		f->type[f->n] = m->type;
		f->start[f->n] = m->start;
		f->end[f->n] = m->end;
		f->score[f->n] = m->score;
		snprintf(f->value[f->n], sizeof f->value[0], "%s", m->value);
	}
	f->n++;
	if (f->stop_after && f->n == (size_t)f->stop_after)
		return 7;
	return 0;
}

static void scan(dft_ner *n, const char *text, struct found *f)
{
	memset(f, 0, sizeof *f);
	f->text = text;
	f->len = strlen(text);
	assert_int_equal(dft_ner_scan(n, text, f->len, collect, f), 0);
}

/* The mention of `value` with its offsets, or fail. */
static void expect(const struct found *f, int type, const char *value)
{
	const char *at = strstr(f->text, value);
	assert_non_null(at);
	for (size_t i = 0; i < f->n && i < 64; i++) {
		if (strcmp(f->value[i], value) == 0) {
			if (f->type[i] != type)
				fail_msg("\"%s\": type %s, expected %s", value, dft_entity_type_name(f->type[i]),
					 dft_entity_type_name(type));
			assert_int_equal(f->start[i], (size_t)(at - f->text));
			assert_int_equal(f->end[i], (size_t)(at - f->text) + strlen(value));
			return;
		}
	}
	for (size_t i = 0; i < f->n && i < 64; i++)
		print_message("  found %s \"%s\"\n", dft_entity_type_name(f->type[i]), f->value[i]);
	fail_msg("\"%s\" not found", value);
}

static void test_english_raw(void **state)
{
	dft_ner *n = load("en");
	struct found f;
	scan(n, "German Chancellor Angela Merkel met U.S. President Barack Obama in Berlin on "
		"Monday, officials said.\nThe European Commission and Microsoft Corp. declined to "
		"comment.",
	     &f);
	expect(&f, DFT_ENT_PERSON, "Angela Merkel");
	expect(&f, DFT_ENT_PERSON, "Barack Obama");
	expect(&f, DFT_ENT_PLACE, "Berlin");
	expect(&f, DFT_ENT_ORG, "European Commission");
	expect(&f, DFT_ENT_MISC, "German");
	/* a name across a line break keeps one space in its value */
	scan(n, "Talks between Syria and Turkey resumed in Geneva; Bashar  al-Assad was absent.",
	     &f);
	expect(&f, DFT_ENT_PLACE, "Syria");
	expect(&f, DFT_ENT_PLACE, "Turkey");
	expect(&f, DFT_ENT_PLACE, "Geneva");
	{
		int ok = 0;
		for (size_t i = 0; i < f.n; i++)
			if (f.type[i] == DFT_ENT_PERSON && strcmp(f.value[i], "Bashar al-Assad") == 0) {
				ok = 1;
				assert_int_equal(f.end[i] - f.start[i], strlen("Bashar  al-Assad"));
			}
		assert_true(ok);
	}
	dft_ner_free(n);
}

/* Parts of one document (dft_ner_scan_parts): offsets into the whole text,
 * nothing found outside the parts, the same mentions as one scan of the
 * parts' text; a part that ends before it starts is refused. */
static void test_document_parts(void **state)
{
	dft_ner *n = load("en");
	const char *text = "Angela Merkel met Barack Obama in Berlin.\n\nSKIPPED Microsoft Corp "
			   "Paris\n\nLater Merkel flew to Rome.";
	size_t p1 = strstr(text, "\n\nSKIPPED") - text, p2 = strstr(text, "Later") - text;
	size_t parts[4] = {0, p1, p2, strlen(text)}, bad[2] = {5, 4};
	struct found f;
	memset(&f, 0, sizeof f);
	f.text = text;
	f.len = strlen(text);
	assert_int_equal(dft_ner_scan_parts(n, text, parts, 2, collect, &f), 0);
	expect(&f, DFT_ENT_PERSON, "Angela Merkel");
	expect(&f, DFT_ENT_PLACE, "Berlin");
	expect(&f, DFT_ENT_PLACE, "Rome");
	for (size_t i = 0; i < f.n; i++)
		assert_true(f.end[i] <= p1 || f.start[i] >= p2);
	assert_int_equal(dft_ner_scan_parts(n, text, bad, 1, collect, &f), DFT_EINVAL);
	assert_int_equal(dft_ner_scan_parts(n, NULL, NULL, 0, collect, &f), 0);
	dft_ner_free(n);
}

static void test_arabic_raw(void **state)
{
	dft_ner *n = load("ar");
	struct found f;
	scan(n, "وقال الرئيس السوري بشار الأسد في دمشق إن الأمم المتحدة لم تفعل شيئا. "
		"وزار وزير الخارجية الروسي سيرغي لافروف بيروت يوم الاثنين.",
	     &f);
	expect(&f, DFT_ENT_PERSON, "بشار الأسد");
	expect(&f, DFT_ENT_PLACE, "دمشق");
	expect(&f, DFT_ENT_ORG, "الأمم المتحدة");
	expect(&f, DFT_ENT_PERSON, "سيرغي لافروف");
	expect(&f, DFT_ENT_PLACE, "بيروت");
	dft_ner_free(n);
}

static void test_edge_input(void **state)
{
	dft_ner *n = load("en");
	struct found f;
	static const char bad[] = "\xff\xfe Barack Obama \xc3 visited \xe2\x82 Paris\xf0\x9f";
	char big[70000];

	scan(n, "", &f);
	assert_int_equal(f.n, 0);
	memset(&f, 0, sizeof f);
	assert_int_equal(dft_ner_scan(n, NULL, 0, collect, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_equal(dft_ner_scan(n, NULL, 5, collect, &f), DFT_EINVAL);

	memset(&f, 0, sizeof f);
	f.text = bad;
	f.len = sizeof bad - 1;
	assert_int_equal(dft_ner_scan(n, bad, sizeof bad - 1, collect, &f), 0);
	for (size_t i = 0; i < f.n; i++)
		assert_true(dft_utf8_valid(f.value[i], strlen(f.value[i])));

	/* punctuation only, one very long word, a sentence of 20,000 words */
	scan(n, ".,;:!?()[]{}\"'-- ... ؟ ، ؛", &f);
	memset(big, 'A', sizeof big - 1);
	big[sizeof big - 1] = 0;
	scan(n, big, &f);
	for (size_t i = 0; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "Xy ", 3);
	big[sizeof big - 1] = 0;
	scan(n, big, &f);

	/* the callback's non-zero return stops the scan and is returned */
	memset(&f, 0, sizeof f);
	f.text = "Obama met Merkel and Putin in Paris.";
	f.len = strlen(f.text);
	f.stop_after = 1;
	assert_int_equal(dft_ner_scan(n, f.text, f.len, collect, &f), 7);
	assert_int_equal(f.n, 1);
	dft_ner_free(n);
}

/* ---- model files --------------------------------------------------------- */

static void write_file(const char *path, const unsigned char *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(d, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static void test_model_files(void **state)
{
	const char *tmp = getenv("DAFTAR_TEST_TMP");
	char src[4096], path[4096];
	char *dir = NULL;
	dft_ner *n = NULL;
	unsigned char *data;
	size_t size;
	FILE *f;
	const char *models = getenv("DAFTAR_MODELS");

	assert_int_equal(dft_ner_load(&n, "xx", NULL), DFT_ENOTFOUND);
	assert_null(n);
	assert_int_equal(dft_ner_load(&n, "../en", NULL), DFT_EINVAL);
	assert_int_equal(dft_ner_load(&n, "en", "/nonexistent/ner.model"), DFT_ENOTFOUND);

	/* a copy of the English model, truncated and with a flipped byte */
	if (models && *models)
		snprintf(src, sizeof src, "%s/ner-en.model", models);
	else
		snprintf(src, sizeof src, "models/ner-en.model");
	f = fopen(src, "rb");
	if (!f) {
		/* tests run in the build directory, beside models/ */
		fail_msg("cannot open %s", src);
	}
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = (size_t)ftell(f);
	assert_int_equal(fseek(f, 0, SEEK_SET), 0);
	data = malloc(size);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, size, f), size);
	fclose(f);

	if (!tmp) {
		dir = strdup("/tmp");
		tmp = dir;
	}
	snprintf(path, sizeof path, "mkdir -p '%s'", tmp);
	assert_int_equal(system(path), 0);
	snprintf(path, sizeof path, "%s/ner-test.model", tmp);

	write_file(path, data, size);
	assert_int_equal(dft_ner_load(&n, "en", path), 0);
	dft_ner_free(n);
	n = NULL;

	write_file(path, data, size / 2);
	assert_int_equal(dft_ner_load(&n, "en", path), DFT_ECORRUPT);
	assert_null(n);
	write_file(path, data, 10);
	assert_int_equal(dft_ner_load(&n, "en", path), DFT_ECORRUPT);
	data[size / 3] ^= 0x40;
	write_file(path, data, size);
	assert_int_equal(dft_ner_load(&n, "en", path), DFT_ECORRUPT);
	assert_non_null(strstr(dft_error_msg(), "checksum"));
	data[size / 3] ^= 0x40;
	data[0] = 'X';
	write_file(path, data, size);
	assert_int_equal(dft_ner_load(&n, "en", path), DFT_ECORRUPT);
	assert_non_null(strstr(dft_error_msg(), "magic"));
	/* a header that claims a huge feature count */
	data[0] = 'D';
	memset(data + 24, 0xff, 8);
	write_file(path, data, size);
	assert_int_equal(dft_ner_load(&n, "en", path), DFT_ECORRUPT);
	remove(path);
	free(data);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_model_files), cmocka_unit_test(test_edge_input),
		cmocka_unit_test(test_english_raw), cmocka_unit_test(test_arabic_raw),
		cmocka_unit_test(test_document_parts),
		cmocka_unit_test(test_english_f1),  cmocka_unit_test(test_arabic_f1),
	};
	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
