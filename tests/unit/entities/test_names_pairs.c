/*
 * test_names_pairs.c - the names test set of issue #19 (tests/data/
 * names-pairs.tsv, made by tests/data/gen-names-pairs.py): spellings of
 * one person's full name that must match across Latin, Arabic and
 * Cyrillic (ʿAbd compounds fused and apart, articles, vowel variants of
 * family names, bin/ibn chains, kunyas), and names of different people
 * that share parts (Abd al-Rahman / Abd al-Rahim, Abd al-Karim / Karim, a
 * bare family name, father and son swapped) that must not.
 *
 * A pair matches when dft_name_compare_text says the same full name
 * (>= 0.88: "same name", 0.9 or 0.97; a part of a longer name scores
 * less). Precision and recall are printed for the tune part and for the
 * held-out test part (pairs with ʿAbd names and family names that were
 * never looked at while tuning), and per kind; the test fails below
 * recall 0.95 or precision 0.99 on either. The third part, different
 * people whose names differ only in vowels written in two scripts (which
 * a consonant key cannot tell apart), is printed, not scored.
 * DAFTAR_NAMES_DUMP=1 prints every wrong answer.
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FULL_NAME 0.88

struct tally {
	size_t tp, fp, fn, tn;
};

static const char *pairs_path(char *buf, size_t cap)
{
	const char *f = __FILE__, *p = f + strlen(f);
	int up = 0;
	/* __FILE__ = <src>/tests/unit/entities/test_names_pairs.c */
	while (p > f && up < 3) {
		p--;
		if (*p == '/')
			up++;
	}
	snprintf(buf, cap, "%.*s/data/names-pairs.tsv", (int)(p - f), f);
	return buf;
}

static double prec(const struct tally *t)
{
	return t->tp + t->fp ? (double)t->tp / (double)(t->tp + t->fp) : 1.0;
}

static double rec(const struct tally *t)
{
	return t->tp + t->fn ? (double)t->tp / (double)(t->tp + t->fn) : 1.0;
}

#define MAX_KINDS 32

static void test_pairs(void **state)
{
	char path[4096], line[2048];
	struct tally split[3] = {{0, 0, 0, 0}, {0, 0, 0, 0}, {0, 0, 0, 0}}, kind[MAX_KINDS];
	static const char *const split_names[3] = {"tune", "test", "xscript-limit"};
	char kinds[MAX_KINDS][32];
	int nkinds = 0, dump = getenv("DAFTAR_NAMES_DUMP") != NULL;
	FILE *f = fopen(pairs_path(path, sizeof path), "r");
	(void)state;
	memset(kind, 0, sizeof kind);
	assert_non_null(f);
	while (fgets(line, sizeof line, f)) {
		char *fld[5], *p = line;
		int nf = 0, k, said, same, test;
		const char *why = "";
		double s;
		if (line[0] == '#')
			continue;
		line[strcspn(line, "\r\n")] = 0;
		while (nf < 5) {
			fld[nf++] = p;
			p = strchr(p, '\t');
			if (!p)
				break;
			*p++ = 0;
		}
		if (nf < 5)
			continue;
		test = !strcmp(fld[0], "test") ? 1 : !strcmp(fld[0], "tune") ? 0 : 2;
		same = fld[1][0] == '1';
		for (k = 0; k < nkinds && strcmp(kinds[k], fld[2]); k++)
			;
		if (k == nkinds && nkinds < MAX_KINDS)
			snprintf(kinds[nkinds++], sizeof kinds[0], "%s", fld[2]);
		s = dft_name_compare_text(DFT_ENT_PERSON, fld[3], strlen(fld[3]), fld[4], strlen(fld[4]), &why);
		said = s >= FULL_NAME;
		if (said && same)
			split[test].tp++, kind[k].tp++;
		else if (said)
			split[test].fp++, kind[k].fp++;
		else if (same)
			split[test].fn++, kind[k].fn++;
		else
			split[test].tn++, kind[k].tn++;
		if (dump && said != same)
			printf("  %s %s: %s | %s (%.2f, %s)\n", said ? "false match" : "missed", fld[2], fld[3],
			       fld[4], s, why);
	}
	fclose(f);
	for (int k = 0; k < nkinds; k++)
		printf("names-pairs %-18s %4zu pairs  precision %.3f  recall %.3f\n", kinds[k],
		       kind[k].tp + kind[k].fp + kind[k].fn + kind[k].tn, prec(&kind[k]), rec(&kind[k]));
	for (int t = 0; t < 3; t++)
		printf("names-pairs %-5s %4zu pairs (%zu same, %zu different)  precision %.3f  recall %.3f"
		       "  (tp %zu fp %zu fn %zu tn %zu)\n",
		       split_names[t], split[t].tp + split[t].fp + split[t].fn + split[t].tn,
		       split[t].tp + split[t].fn, split[t].fp + split[t].tn, prec(&split[t]), rec(&split[t]),
		       split[t].tp, split[t].fp, split[t].fn, split[t].tn);
	for (int t = 0; t < 2; t++) {
		assert_true(split[t].tp + split[t].fn >= 100 && split[t].fp + split[t].tn >= 100);
		assert_true(rec(&split[t]) >= 0.95);
		assert_true(prec(&split[t]) >= 0.99);
	}
}

/* The index and the query key a compound alike: the analyzer's k: tokens
 * of a text naming it (what documents are indexed with) hold the key the
 * query computes for ~Abdulkarim, in every spelling. */
static int collect_keys(void *ctx, const dft_token *t)
{
	dft_buf *b = ctx;
	if (t->kind == DFT_TOK_KEY && t->len > 2 && t->text[2] != '=' && t->text[2] != '_') {
		dft_buf_add(b, t->text + 2, t->len - 2);
		dft_buf_addc(b, ' ');
	}
	return 0;
}

static void test_index_query_keys(void **state)
{
	static const char *const spellings[] = {
		"Abd al-Karim", "Abdul Kareem", "Abdulkarim", "Abdel-Karim", "Abd-ul-Karim", "Abd al Karim",
		"عبد الكريم", "عبدالكريم", "وعبدالكريم", "وعبد الكريم", "لعبد الكريم", "Абдулкарим", "Абд аль-Карим", "Абдул Карим",
	};
	dft_analyzer *an;
	dft_buf toks, q;
	(void)state;
	assert_int_equal(dft_analyzer_new(&an, NULL, DFT_AN_INDEX), 0);
	dft_buf_init(&toks, 1 << 16);
	dft_buf_init(&q, 256);
	assert_int_equal(dft_name_key("Abdulkarim", 10, &q), 0);
	assert_string_equal(dft_buf_cstr(&q), "abdkrm");
	for (size_t i = 0; i < sizeof spellings / sizeof spellings[0]; i++) {
		char text[256];
		snprintf(text, sizeof text, "The letter from %s arrived.", spellings[i]);
		dft_buf_reset(&toks);
		dft_buf_addc(&toks, ' '); /* the lower-case words around carry no keys */
		assert_int_equal(dft_analyze(an, text, strlen(text), collect_keys, &toks), 0);
		printf("index keys of \"%s\": %s\n", spellings[i], dft_buf_cstr(&toks));
		assert_non_null(strstr(dft_buf_cstr(&toks), " abdkrm "));
		/* Abd al-Karim is not Karim: no krm of its own */
		assert_null(strstr(dft_buf_cstr(&toks), " krm "));
	}
	dft_buf_dispose(&toks);
	dft_buf_dispose(&q);
	dft_analyzer_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(test_pairs), cmocka_unit_test(test_index_query_keys)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
