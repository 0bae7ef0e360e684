/*
 * test_analyzer.c - the analyzer's rules one by one: the normalisation
 * table (Arabic letters, tashkeel, presentation forms, digits, Latin
 * diacritics), tokenisation (numbers, apostrophes, hyphens, direction
 * marks, invalid UTF-8, a 10 MB word), byte offsets into the original,
 * Arabic clitics and Latin/Cyrillic articles, stems, and the name keys of
 * the names daftar's users search for.
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
#include "daftar/text.h"

#define MAXTOK 512

struct tok {
	char text[300];
	size_t start, end;
	int kind, colocated;
};

struct toks {
	struct tok t[MAXTOK];
	size_t n, seen;
	int stop_after; /* >0: return 42 after that many tokens */
};

static int collect(void *ctx, const dft_token *t)
{
	struct toks *ts = ctx;
	ts->seen++;
	assert_true(t->len > 0);
	assert_true(t->start < t->end);
	assert_true(t->len < sizeof ts->t[0].text);
	if (ts->n < MAXTOK) {
		struct tok *o = &ts->t[ts->n++];
		memcpy(o->text, t->text, t->len);
		o->text[t->len] = '\0';
		o->start = t->start;
		o->end = t->end;
		o->kind = t->kind;
		o->colocated = t->colocated;
	}
	if (ts->stop_after && (int)ts->seen >= ts->stop_after)
		return 42;
	return 0;
}

static struct toks *run(const char *lang, unsigned flags, const char *text)
{
	static struct toks ts;
	dft_analyzer *a = NULL;
	memset(&ts, 0, sizeof ts);
	assert_int_equal(dft_analyzer_new(&a, lang, flags), 0);
	assert_int_equal(dft_analyze(a, text, strlen(text), collect, &ts), 0);
	dft_analyzer_free(a);
	return &ts;
}

/* The surface tokens joined by one space. */
static const char *surfaces(const struct toks *ts)
{
	static char out[8192];
	size_t i, k = 0;
	out[0] = '\0';
	for (i = 0; i < ts->n; i++) {
		if (ts->t[i].kind != DFT_TOK_SURFACE)
			continue;
		k += (size_t)snprintf(out + k, sizeof out - k, "%s%s", k ? " " : "",
				      ts->t[i].text);
	}
	return out;
}

/* Is there a token of this kind and text colocated with surface `surf`? */
static int has(const struct toks *ts, const char *surf, int kind, const char *text)
{
	size_t i;
	const char *cur = NULL;
	for (i = 0; i < ts->n; i++) {
		if (ts->t[i].kind == DFT_TOK_SURFACE)
			cur = ts->t[i].text;
		else if (!ts->t[i].colocated)
			fail_msg("token %s not colocated", ts->t[i].text);
		if (cur && strcmp(cur, surf) == 0 && ts->t[i].kind == kind &&
		    strcmp(ts->t[i].text, text) == 0)
			return 1;
	}
	return 0;
}

static size_t count_kind(const struct toks *ts, const char *surf, int kind)
{
	size_t i, c = 0;
	const char *cur = NULL;
	for (i = 0; i < ts->n; i++) {
		if (ts->t[i].kind == DFT_TOK_SURFACE)
			cur = ts->t[i].text;
		if (cur && strcmp(cur, surf) == 0 && ts->t[i].kind == kind)
			c++;
	}
	return c;
}

static char *norm(const char *w)
{
	static char out[512];
	dft_buf b;
	dft_buf_init(&b, 4096);
	assert_int_equal(dft_normalize_word(w, strlen(w), &b), 0);
	snprintf(out, sizeof out, "%s", dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	return out;
}

static char *key(const char *w)
{
	static char out[8][512];
	static int k;
	dft_buf b;
	char *o = out[k++ & 7];
	dft_buf_init(&b, 4096);
	assert_int_equal(dft_name_key(w, strlen(w), &b), 0);
	snprintf(o, 512, "%s", dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	return o;
}

static char *fine(const char *w)
{
	static char out[8][512];
	static int k;
	dft_buf b;
	char *o = out[k++ & 7];
	dft_buf_init(&b, 4096);
	assert_int_equal(dft_name_key_fine(w, strlen(w), &b), 0);
	snprintf(o, 512, "%s", dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	return o;
}

/* ---- normalisation ------------------------------------------------------- */

static void normalisation_table(void **state)
{
	static const char *const cases[][2] = {
		/* alef forms, ى, ة, ؤ, ئ */
		{"أحمد", "احمد"},       {"إسلام", "اسلام"},   {"آمن", "امن"},
		{"ٱلله", "الله"},       {"مستشفى", "مستشفي"}, {"مدرسة", "مدرسه"},
		{"مؤتمر", "موتمر"},     {"رئيس", "رييس"},
		/* Persian/Urdu letters */
		{"کتاب", "كتاب"},       {"ایران", "ايران"},   {"ہند", "هند"},
		/* tashkeel, superscript alef, Quranic marks, tatweel */
		{"مُحَمَّدٌ", "محمد"},    {"هٰذا", "هذا"},      {"ٱلرَّحْمَٰنِ", "الرحمن"},
		{"مـــحـمد", "محمد"},   {"ذَٰلِكَ ۖ", "ذلك"},
		/* standalone hamza dropped (both sides of the index) */
		{"سماء", "سما"},        {"شيء", "شي"},
		/* presentation forms and ligatures */
		{"ﻣﺤﻤﺪ", "محمد"},       {"ﺍﻟﺮﻗﺔ", "الرقه"},    {"ﻻ", "لا"},
		{"ﻷن", "لان"},          {"ﷲ", "الله"},
		/* digits */
		{"٣٤٥", "345"},         {"۱۲۳", "123"},       {"٣٫٥", "3.5"},
		{"١٬٠٠٠", "1,000"},
		/* Latin: case, diacritics, ß, ı, İ, ligatures, fullwidth */
		{"Café", "cafe"},       {"Straße", "strasse"}, {"ıstanbul", "istanbul"},
		{"İstanbul", "istanbul"}, {"Ørsted", "orsted"}, {"Łódź", "lodz"},
		{"ﬁle", "file"},        {"Ａｂｃ", "abc"},     {"ʿAbbās", "abbas"},
		{"Qur'an", "quran"},    {"naïve", "naive"},   {"e\xcc\x81t\xc3\xa9", "ete"},
		/* Cyrillic: ё → е, й kept */
		{"Ёлка", "елка"},       {"Йемен", "йемен"},
		/* direction marks and joiners inside a word */
		{"ال\u200cرقة", "الرقه"}, {"\u200fمحمد\u200e", "محمد"},
		{"ab\u00adc", "abc"},
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *got = norm(cases[i][0]);
		if (strcmp(got, cases[i][1]) != 0)
			fail_msg("normalize(%s) = %s, want %s", cases[i][0], got, cases[i][1]);
	}
}

/* ---- tokenisation --------------------------------------------------------- */

static void words_and_numbers(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, 0, "Hello, World! state-of-the-art (x)");
	assert_string_equal(surfaces(ts), "hello world state of the art x");
	ts = run(NULL, 0, "1,000 and 12.5 and ٣٫٥ and ١٬٠٠٠ in 2015. Call 3.14,");
	assert_string_equal(surfaces(ts), "1,000 and 12.5 and 3.5 and 1,000 in 2015 call 3.14");
	ts = run(NULL, 0, ",5 5, .5 1..2");
	assert_string_equal(surfaces(ts), "5 5 5 1 2");
	ts = run(NULL, 0, "Qur'an don't 'quoted' ʿAbbās ʾIbn John’s");
	assert_string_equal(surfaces(ts), "quran dont quoted abbas ibn johns");
	/* a change of script ends a word; digits join either */
	ts = run(NULL, 0, "الرقةRaqqa A4 ب2015");
	assert_string_equal(surfaces(ts), "الرقه raqqa a4 ب2015");
	/* marks and tatweel alone are no words */
	ts = run(NULL, 0, "\xd9\x8e \xd9\x80 ء x");
	assert_string_equal(surfaces(ts), "x");
}

static void offsets_point_into_the_original(void **state)
{
	const char *text = "قالَ مُحَمَّدٌ: ﺍﻟﺮﻗﺔ \u200fابن\u200f X";
	struct toks *ts;
	const char *m = strstr(text, "مُ"), *p = strstr(text, "ﺍ"), *b = strstr(text, "ابن");
	(void)state;
	ts = run(NULL, 0, text);
	assert_int_equal(ts->n, 5);
	assert_string_equal(ts->t[0].text, "قال");
	assert_int_equal(ts->t[0].start, 0);
	assert_int_equal(ts->t[0].end, strlen("قالَ"));
	assert_string_equal(ts->t[1].text, "محمد");
	assert_int_equal(ts->t[1].start, (size_t)(m - text));
	assert_int_equal(ts->t[1].end, (size_t)(m - text) + strlen("مُحَمَّدٌ"));
	assert_string_equal(ts->t[2].text, "الرقه");
	assert_int_equal(ts->t[2].start, (size_t)(p - text));
	assert_int_equal(ts->t[2].end, (size_t)(p - text) + strlen("ﺍﻟﺮﻗﺔ"));
	assert_string_equal(ts->t[3].text, "ابن");
	assert_int_equal(ts->t[3].start, (size_t)(b - text));
	assert_int_equal(ts->t[3].end, (size_t)(b - text) + strlen("ابن"));
	assert_int_equal(ts->t[4].start, strlen(text) - 1);
}

static void invalid_utf8_is_skipped(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, 0, "abc\xff\xfe" "def \xc0\xafx \xed\xa0\x80y \xe2\x82 z \xd8");
	assert_string_equal(surfaces(ts), "abc def x y z");
	assert_int_equal(ts->t[1].start, 5);
	ts = run(NULL, 0, "\xd9\x85\xd8\xad\xd9\x85\xd8");
	assert_string_equal(surfaces(ts), "مح" "م");
}

static void huge_word_is_cut_not_fatal(void **state)
{
	size_t n = (size_t)10 << 20, i;
	char *big = malloc(n + 1);
	struct toks ts;
	dft_analyzer *a = NULL;
	(void)state;
	assert_non_null(big);
	memset(big, 'a', n);
	big[n] = '\0';
	memset(&ts, 0, sizeof ts);
	assert_int_equal(dft_analyzer_new(&a, NULL, DFT_AN_INDEX), 0);
	assert_int_equal(dft_analyze(a, big, n, collect, &ts), 0);
	assert_int_equal(ts.t[0].start, 0);
	assert_int_equal(ts.t[0].end, n);
	assert_int_equal(strlen(ts.t[0].text), 128);
	/* the same in Arabic (two bytes a letter): cut on a letter boundary */
	for (i = 0; i + 1 < n; i += 2) {
		big[i] = '\xd8';
		big[i + 1] = '\xa8';
	}
	memset(&ts, 0, sizeof ts);
	assert_int_equal(dft_analyze(a, big, n, collect, &ts), 0);
	assert_int_equal(ts.t[0].end, n);
	assert_int_equal(strlen(ts.t[0].text), 128);
	for (i = 0; i < ts.n; i++)
		assert_true(ts.t[i].colocated || i == 0);
	dft_analyzer_free(a);
	free(big);
}

static void callback_stops_the_walk(void **state)
{
	struct toks ts;
	dft_analyzer *a = NULL;
	(void)state;
	memset(&ts, 0, sizeof ts);
	ts.stop_after = 2;
	assert_int_equal(dft_analyzer_new(&a, NULL, 0), 0);
	assert_int_equal(dft_analyze(a, "one two three", 13, collect, &ts), 42);
	assert_int_equal(ts.seen, 2);
	assert_int_equal(dft_analyze(a, "", 0, collect, &ts), 0);
	dft_analyzer_free(a);
	assert_int_equal(dft_analyzer_new(&a, "english!", 0), DFT_EINVAL);
	assert_null(a);
}

/* ---- clitics and articles ------------------------------------------------ */

static void arabic_clitics(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, DFT_AN_STRIP, "الرقة والرقة بالرقة فالرقة وبالرقة كالرقة للمدينة وللمدينة");
	assert_string_equal(surfaces(ts),
			    "الرقه والرقه بالرقه فالرقه وبالرقه كالرقه للمدينه وللمدينه");
	assert_true(has(ts, "الرقه", DFT_TOK_STRIPPED, "رقه"));
	assert_true(has(ts, "والرقه", DFT_TOK_STRIPPED, "رقه"));
	assert_true(has(ts, "بالرقه", DFT_TOK_STRIPPED, "رقه"));
	assert_true(has(ts, "فالرقه", DFT_TOK_STRIPPED, "رقه"));
	assert_true(has(ts, "وبالرقه", DFT_TOK_STRIPPED, "رقه"));
	assert_true(has(ts, "كالرقه", DFT_TOK_STRIPPED, "رقه"));
	assert_true(has(ts, "للمدينه", DFT_TOK_STRIPPED, "مدينه"));
	assert_true(has(ts, "وللمدينه", DFT_TOK_STRIPPED, "مدينه"));
	/* the stripped form sits at the surface's position */
	assert_int_equal(ts->t[1].kind, DFT_TOK_STRIPPED);
	assert_int_equal(ts->t[1].colocated, 1);
	assert_int_equal(ts->t[1].start, ts->t[0].start);
	assert_int_equal(ts->t[1].end, ts->t[0].end);

	/* three letters must stay: short words and names are left alone */
	ts = run(NULL, DFT_AN_STRIP, "بيت الله ولد لبن الرق وله بحر");
	assert_int_equal(ts->n, 7);
	/* single-letter clitics when three letters stay */
	ts = run(NULL, DFT_AN_STRIP, "وحلب بحمص والله");
	assert_true(has(ts, "وحلب", DFT_TOK_STRIPPED, "حلب"));
	assert_true(has(ts, "بحمص", DFT_TOK_STRIPPED, "حمص"));
	assert_true(has(ts, "والله", DFT_TOK_STRIPPED, "الله"));
	/* not emitted when nothing is stripped, nor without the flag */
	ts = run(NULL, DFT_AN_STRIP, "رقة");
	assert_int_equal(ts->n, 1);
	ts = run(NULL, 0, "والرقة");
	assert_int_equal(ts->n, 1);
	/* presentation forms strip the same way */
	ts = run(NULL, DFT_AN_STRIP, "ﻭﺍﻟﺮﻗﺔ");
	assert_true(has(ts, "والرقه", DFT_TOK_STRIPPED, "رقه"));
}

static void latin_and_cyrillic_articles(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, DFT_AN_STRIP,
		 "al-Adnani Al-Adnani el-Adnani ad-Dawsari ash-Sharif ar-Raqqa "
		 "as-Sayyid at-Tikriti an-Nasr az-Zawahiri ath-Thani adh-Dhahabi");
	assert_true(has(ts, "aladnani", DFT_TOK_STRIPPED, "adnani"));
	assert_true(has(ts, "eladnani", DFT_TOK_STRIPPED, "adnani"));
	assert_true(has(ts, "addawsari", DFT_TOK_STRIPPED, "dawsari"));
	assert_true(has(ts, "ashsharif", DFT_TOK_STRIPPED, "sharif"));
	assert_true(has(ts, "arraqqa", DFT_TOK_STRIPPED, "raqqa"));
	assert_true(has(ts, "assayyid", DFT_TOK_STRIPPED, "sayyid"));
	assert_true(has(ts, "attikriti", DFT_TOK_STRIPPED, "tikriti"));
	assert_true(has(ts, "annasr", DFT_TOK_STRIPPED, "nasr"));
	assert_true(has(ts, "azzawahiri", DFT_TOK_STRIPPED, "zawahiri"));
	assert_true(has(ts, "aththani", DFT_TOK_STRIPPED, "thani"));
	assert_true(has(ts, "adhdhahabi", DFT_TOK_STRIPPED, "dhahabi"));
	/* an English "at-risk" is two words: assimilation needs the consonant */
	ts = run(NULL, DFT_AN_STRIP, "at-risk as-is an-other Al Adnani");
	assert_string_equal(surfaces(ts), "at risk as is an other al adnani");
	ts = run(NULL, DFT_AN_STRIP, "аль-Аднани ад-Дагестани аш-Шишани");
	assert_true(has(ts, "альаднани", DFT_TOK_STRIPPED, "аднани"));
	assert_true(has(ts, "аддагестани", DFT_TOK_STRIPPED, "дагестани"));
	assert_true(has(ts, "ашшишани", DFT_TOK_STRIPPED, "шишани"));
	/* French elision */
	ts = run(NULL, DFT_AN_STRIP, "l'État d'Alembert qu'il");
	assert_true(has(ts, "letat", DFT_TOK_STRIPPED, "etat"));
	assert_true(has(ts, "dalembert", DFT_TOK_STRIPPED, "alembert"));
}

/* ---- stems ----------------------------------------------------------------- */

static void stems(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, DFT_AN_STEM, "running searches connection cat");
	assert_true(has(ts, "running", DFT_TOK_STEM, "s:run"));
	assert_true(has(ts, "searches", DFT_TOK_STEM, "s:search"));
	assert_true(has(ts, "connection", DFT_TOK_STEM, "s:connect"));
	assert_int_equal(count_kind(ts, "cat", DFT_TOK_STEM), 0); /* same: none */
	ts = run(NULL, DFT_AN_STEM | DFT_AN_STRIP, "المكتبات يكتبون والمعلمون");
	assert_true(has(ts, "المكتبات", DFT_TOK_STEM, "s:مكتب"));
	assert_true(has(ts, "يكتبون", DFT_TOK_STEM, "s:يكتب"));
	assert_true(has(ts, "والمعلمون", DFT_TOK_STEM, "s:معلم"));
	ts = run(NULL, DFT_AN_STEM, "книгами");
	assert_true(has(ts, "книгами", DFT_TOK_STEM, "s:книг"));
	/* the language picks the stemmer for its script */
	ts = run("fr", DFT_AN_STEM, "continuellement running");
	assert_true(has(ts, "continuellement", DFT_TOK_STEM, "s:continuel"));
	assert_true(has(ts, "running", DFT_TOK_STEM, "s:running") ||
		    count_kind(ts, "running", DFT_TOK_STEM) == 0);
	ts = run("de", DFT_AN_STEM, "häuser");
	assert_true(has(ts, "hauser", DFT_TOK_STEM, "s:haus"));
	/* Persian: no Snowball stemmer, no stems; Latin still by default */
	ts = run("fa", DFT_AN_STEM, "کتابها searches");
	assert_int_equal(count_kind(ts, "كتابها", DFT_TOK_STEM), 0);
	assert_true(has(ts, "searches", DFT_TOK_STEM, "s:search"));
	/* numbers are not stemmed */
	ts = run("en", DFT_AN_INDEX, "1,000s 2015");
	assert_string_equal(surfaces(ts), "1,000s 2015");
	assert_int_equal(ts->n, 2);
}

/* ---- name keys ------------------------------------------------------------- */

static void same_key(const char *const *names, size_t n)
{
	const char *k0 = key(names[0]);
	char first[64];
	size_t i;
	snprintf(first, sizeof first, "%s", k0);
	if (!first[0])
		fail_msg("no key for %s", names[0]);
	for (i = 1; i < n; i++) {
		const char *k = key(names[i]);
		if (strcmp(k, first) != 0)
			fail_msg("key(%s) = %s but key(%s) = %s", names[0], first,
				 names[i], k);
	}
}

#define SAME(...)                                                              \
	do {                                                                   \
		static const char *const v[] = {__VA_ARGS__};                  \
		same_key(v, sizeof v / sizeof v[0]);                           \
	} while (0)

static void name_keys_cross_scripts(void **state)
{
	(void)state;
	SAME("Adnani", "al-Adnani", "Al-Adnani", "el-Adnani", "Adnany", "العدناني",
	     "العدنانى", "Аднани", "аль-Аднани");
	SAME("Raqqa", "Raqqah", "Rakka", "Ar-Raqqah", "ar-Raqqa", "الرقة", "Ракка");
	SAME("Baghdadi", "Bagdadi", "al-Baghdadi", "البغدادي", "Багдади", "аль-Багдади");
	SAME("Muhammad", "Mohammed", "Mohamed", "Muhamad", "Mohammad", "محمد",
	     "مُحَمَّد", "Мухаммед", "Мухаммад");
	SAME("Qurashi", "Kurashi", "Gurashi", "al-Qurashi", "القرشي", "Кураши", "аль-Кураши");
	SAME("Youssef", "Yusuf", "Yousef", "Jussuf", "يوسف", "Юсуф");
	SAME("Khalid", "Khaled", "Chaled", "خالد", "Халид");
	SAME("Shami", "Chami", "al-Shami", "ash-Shami", "الشامي", "Шами");
	SAME("Abbas", "ʿAbbās", "'Abbas", "عباس", "Аббас");
	SAME("Haddad", "Hadad", "حداد", "Хаддад");
	SAME("Dawsari", "ad-Dawsari", "al-Dosari", "الدوسري", "ад-Давсари");
	SAME("Kurdi", "Alkurdi", "al-Kurdi", "الكردي", "Курди");
	SAME("Masri", "Elmasry", "al-Masri", "المصري");
	SAME("Abdullah", "Abdallah", "عبدالله", "Абдалла");
	SAME("Omar", "Umar", "عمر", "Умар");
	SAME("Jamal", "Djamal", "جمال", "Джамаль");
	SAME("Zawahiri", "az-Zawahiri", "الظواهري", "Завахири");
	SAME("Osama", "Usama", "Oussama", "أسامة", "Усама");
	SAME("Tikriti", "at-Tikriti", "التكريتي", "Тикрити");
}

/* The fine key: the same across scripts for the usual spellings ... */
static void fine_keys_cross_scripts(void **state)
{
	size_t g, i;
	static const char *const groups[][8] = {
		{"Shami", "Chami", "ash-Shami", "الشامي", "Шами", NULL},
		{"Sharani", "شراني", NULL},
		{"Jamaame", "جامامي", NULL},
		{"Haddad", "Hadad", "حداد", "Хаддад", NULL},
		{"Muhammad", "Mohammed", "Mohamed", "محمد", "Мухаммед", NULL},
		{"Adnani", "al-Adnani", "العدناني", "Аднани", NULL},
		{"Raqqa", "Raqqah", "الرقة", "Ракка", NULL},
		{"Khalid", "Khaled", "خالد", "Халид", NULL},
		{"Osama", "Usama", "أسامة", "Усама", NULL},
		{"Abdullah", "Abdallah", "عبدالله", NULL},
		{"Qurashi", "القرشي", "Кураши", NULL},
		{"Mitchan", "ميتشان", NULL},
	};
	(void)state;
	for (g = 0; g < sizeof groups / sizeof groups[0]; g++) {
		char first[64];
		snprintf(first, sizeof first, "%s", fine(groups[g][0]));
		if (!first[0])
			fail_msg("no fine key for %s", groups[g][0]);
		for (i = 1; groups[g][i]; i++)
			if (strcmp(fine(groups[g][i]), first) != 0)
				fail_msg("fine(%s) = %s but fine(%s) = %s", groups[g][0],
					 first, groups[g][i], fine(groups[g][i]));
	}
	assert_string_equal(fine("Shami"), "xma");
	assert_string_equal(fine("Jamaame"), "jmma");
}

/* ... and apart where the coarse key merges: ش vs ح/ه/خ, m-a-m vs m, a
 * final vowel vs none. The coarse keys stay equal (recall). */
static void fine_keys_keep_names_apart(void **state)
{
	(void)state;
	assert_string_equal(key("Shami"), key("Hami"));
	assert_string_not_equal(fine("Shami"), fine("Hami"));
	assert_string_not_equal(fine("الشامي"), fine("حامي"));
	assert_string_not_equal(fine("Sharani"), fine("Harani"));
	assert_string_equal(key("Jamaame"), key("Jam"));
	assert_string_not_equal(fine("Jamaame"), fine("Jam"));
	assert_string_not_equal(fine("جامامي"), fine("جام"));
	assert_string_not_equal(fine("Sham"), fine("Shami"));
	assert_string_equal(fine("2015"), "");
	assert_string_equal(fine("x"), "");
	assert_string_equal(fine(""), "");
}

static void name_keys_keep_names_apart(void **state)
{
	(void)state;
	assert_string_not_equal(key("Adnani"), key("Baghdadi"));
	assert_string_not_equal(key("Abbas"), key("Bass"));
	assert_string_not_equal(key("Khalid"), key("Walid"));
	assert_string_not_equal(key("Yusuf"), key("Musa"));
	assert_string_not_equal(key("Raqqa"), key("Riyadh"));
	assert_string_not_equal(key("Muhammad"), key("Ahmad"));
	/* no key: digits, one letter, one consonant */
	assert_string_equal(key("2015"), "");
	assert_string_equal(key("x"), "");
	assert_string_equal(key("ب"), "");
	assert_string_equal(key(""), "");
	assert_string_equal(key("A4"), "");
}

static void keys_in_the_token_stream(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, DFT_AN_INDEX, "وصل العدناني إلى الرقة مع al-Adnani و Аднани 2015");
	assert_true(has(ts, "العدناني", DFT_TOK_KEY, "k:adn"));
	assert_true(has(ts, "aladnani", DFT_TOK_KEY, "k:adn"));
	assert_true(has(ts, "аднани", DFT_TOK_KEY, "k:adn"));
	assert_true(has(ts, "العدناني", DFT_TOK_KEY, "k:=adnna"));
	assert_true(has(ts, "aladnani", DFT_TOK_KEY, "k:=adnna"));
	assert_true(has(ts, "الرقه", DFT_TOK_KEY, "k:rk"));
	assert_int_equal(count_kind(ts, "2015", DFT_TOK_KEY), 0);
	/* the key of a word with clitics is the key of the name */
	ts = run(NULL, DFT_AN_KEY, "وبالرقة");
	assert_true(has(ts, "وبالرقه", DFT_TOK_KEY, "k:rk"));
	/* order: surface, stripped, stem, key, fine key */
	ts = run(NULL, DFT_AN_INDEX, "والمعلمون");
	assert_int_equal(ts->n, 5);
	assert_int_equal(ts->t[0].kind, DFT_TOK_SURFACE);
	assert_int_equal(ts->t[1].kind, DFT_TOK_STRIPPED);
	assert_int_equal(ts->t[2].kind, DFT_TOK_STEM);
	assert_int_equal(ts->t[3].kind, DFT_TOK_KEY);
	assert_int_equal(ts->t[4].kind, DFT_TOK_KEY);
	assert_true(strncmp(ts->t[4].text, "k:=", 3) == 0 && ts->t[4].text[3]);
}

/* Name keys where a name can be: capitalised Latin and Cyrillic words, the
 * particles inside names, every Arabic word; every word of a text written
 * without capitals. */
static void keys_only_where_names_can_be(void **state)
{
	struct toks *ts;
	(void)state;
	ts = run(NULL, DFT_AN_INDEX, "The regime dropped barrel bombs on Raqqa, said Abd al-Latif bin Abd al-Qadir.");
	assert_true(has(ts, "raqqa", DFT_TOK_KEY, "k:rk"));
	assert_int_equal(count_kind(ts, "bombs", DFT_TOK_KEY), 0);
	assert_int_equal(count_kind(ts, "dropped", DFT_TOK_KEY), 0);
	assert_true(count_kind(ts, "bin", DFT_TOK_KEY) > 0);
	assert_true(count_kind(ts, "regime", DFT_TOK_KEY) == 0);
	/* a chat in lower case: every word keyed */
	ts = run(NULL, DFT_AN_INDEX, "met abu omar in raqqa today, bombs everywhere");
	assert_true(has(ts, "raqqa", DFT_TOK_KEY, "k:rk"));
	assert_true(count_kind(ts, "bombs", DFT_TOK_KEY) > 0);
	/* Arabic and Cyrillic words in a text with capitals */
	ts = run(NULL, DFT_AN_INDEX, "Reports From الرقة and Ракка: Bombs Fell, Many Died.");
	assert_true(has(ts, "الرقه", DFT_TOK_KEY, "k:rk"));
	assert_true(count_kind(ts, "ракка", DFT_TOK_KEY) > 0);
	assert_int_equal(count_kind(ts, "and", DFT_TOK_KEY), 0);
}

/* Random strings built from awkward pieces: every token must lie inside
 * the text, in order, and be short; nothing may crash (run under ASan). */
struct inv {
	size_t len, last_start, n;
};

static int check_token(void *ctx, const dft_token *t)
{
	struct inv *v = ctx;
	assert_true(t->len > 0 && t->len <= 2 * 128 + 2);
	assert_true(t->start < t->end && t->end <= v->len);
	if (!t->colocated)
		assert_true(t->start >= v->last_start);
	v->last_start = t->start;
	v->n++;
	return 0;
}

static void random_text_keeps_invariants(void **state)
{
	static const char *const pieces[] = {
		"a", "Z", "é", "ß", "ı", "İ", "й", "ё", "ال", "و", "ب", "لل", "ة",
		"ى", "أ", "ء", "\xd9\x8e", "\xd9\x80", "ﻻ", "ﷺ", "ﷲ", "ﺍ", "٣", "٫",
		"٬", "1", ",", ".", "-", "'", "ʿ", "’", " ", "\n", "\u200f", "\u200d",
		"\u202e", "\xef\xbb\xbf", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98\x80",
		"中", "𝐀", "ᄀ", "al-", "ash-", "аль-", "l'", "\xcc\x81", "ـ", "\xdb\x9e",
	};
	const size_t np = sizeof pieces / sizeof pieces[0];
	dft_analyzer *a = NULL;
	char buf[4096];
	uint32_t seed = 12345;
	int round;
	(void)state;
	assert_int_equal(dft_analyzer_new(&a, NULL, DFT_AN_INDEX), 0);
	for (round = 0; round < 3000; round++) {
		size_t len = 0;
		int k, m;
		struct inv v = {0, 0, 0};
		seed = seed * 1103515245u + 12345u;
		m = (int)((seed >> 16) % 300);
		for (k = 0; k < m; k++) {
			const char *p;
			size_t pl;
			seed = seed * 1103515245u + 12345u;
			p = pieces[(seed >> 16) % np];
			pl = strlen(p);
			if (len + pl >= sizeof buf)
				break;
			memcpy(buf + len, p, pl);
			len += pl;
		}
		v.len = len;
		assert_int_equal(dft_analyze(a, buf, len, check_token, &v), 0);
	}
	dft_analyzer_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(normalisation_table),
		cmocka_unit_test(words_and_numbers),
		cmocka_unit_test(offsets_point_into_the_original),
		cmocka_unit_test(invalid_utf8_is_skipped),
		cmocka_unit_test(huge_word_is_cut_not_fatal),
		cmocka_unit_test(callback_stops_the_walk),
		cmocka_unit_test(arabic_clitics),
		cmocka_unit_test(latin_and_cyrillic_articles),
		cmocka_unit_test(stems),
		cmocka_unit_test(name_keys_cross_scripts),
		cmocka_unit_test(name_keys_keep_names_apart),
		cmocka_unit_test(fine_keys_cross_scripts),
		cmocka_unit_test(fine_keys_keep_names_apart),
		cmocka_unit_test(keys_in_the_token_stream),
		cmocka_unit_test(keys_only_where_names_can_be),
		cmocka_unit_test(random_text_keeps_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
