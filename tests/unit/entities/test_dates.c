/*
 * test_dates.c - the date scanner (src/entities/dates.c): numeric, English,
 * French and Arabic (Levantine and Egyptian month names, Arabic-Indic
 * digits) Gregorian dates, Hijri dates (numeric with a marker, Arabic and
 * transliterated month names), exact offsets, what must not be a date, and
 * Hijri <-> Gregorian against known Umm al-Qura dates and in round trips.
 * Prints a throughput figure (not asserted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "daftar/core.h"
#include "daftar/entities.h"

typedef struct got {
	size_t start, end;
	char value[16], extra[32];
} got;

typedef struct found {
	got m[32];
	size_t n;
} found;

static int collect(void *ctx, const dft_mention *m)
{
	found *f = ctx;
	assert_int_equal(m->type, DFT_ENT_DATE);
	if (f->n < sizeof f->m / sizeof f->m[0]) {
		got *g = &f->m[f->n++];
		g->start = m->start;
		g->end = m->end;
		snprintf(g->value, sizeof g->value, "%s", m->value);
		snprintf(g->extra, sizeof g->extra, "%s", m->extra ? m->extra : "");
	}
	return 0;
}

static void scan(dft_dates *d, const char *text, found *f)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(dft_dates_scan(d, text, strlen(text), collect, f), 0);
}

static const struct yes {
	const char *text, *span, *value, *extra;
} yes_cases[] = {
	/* numeric Gregorian */
	{"on 15/03/2016, we", "15/03/2016", "2016-03-15", ""},
	{"15-03-2016", "15-03-2016", "2016-03-15", ""},
	{"le 15.03.2016.", "15.03.2016", "2016-03-15", ""},
	{"2016-03-15", "2016-03-15", "2016-03-15", ""},
	{"03/15/2016", "03/15/2016", "2016-03-15", ""}, /* month first: 15 > 12 */
	{"04/03/2016", "04/03/2016", "2016-03-04", ""}, /* ambiguous: day first */
	{"29/02/2016", "29/02/2016", "2016-02-29", ""},
	{"بتاريخ ١٥/٠٣/٢٠١٦م", "١٥/٠٣/٢٠١٦م", "2016-03-15", ""},
	{"و١٥/٣/٢٠١٦", "١٥/٣/٢٠١٦", "2016-03-15", ""},
	/* English, French */
	{"March 15, 2016;", "March 15, 2016", "2016-03-15", ""},
	{"on 15 March 2016.", "15 March 2016", "2016-03-15", ""},
	{"Mar. 15 2016", "Mar. 15 2016", "2016-03-15", ""},
	{"the 15th of March, 2016", "15th of March, 2016", "2016-03-15", ""},
	{"in September 2015 they", "September 2015", "2015-09", ""},
	{"le 1er janvier 2015", "1er janvier 2015", "2015-01-01", ""},
	{"15 mars 2016", "15 mars 2016", "2016-03-15", ""},
	{"3 août 2014", "3 août 2014", "2014-08-03", ""},
	{"24 décembre 2011", "24 décembre 2011", "2011-12-24", ""},
	/* Arabic Gregorian */
	{"في ١٥ آذار ٢٠١٦ وصل", "١٥ آذار ٢٠١٦", "2016-03-15", ""},
	{"15 مارس 2016م", "15 مارس 2016م", "2016-03-15", ""},
	{"3 تشرين الأول 2015", "3 تشرين الأول 2015", "2015-10-03", ""},
	{"3 تشرين اول 2015", "3 تشرين اول 2015", "2015-10-03", ""},
	{"١ كانون الثاني ٢٠١٤", "١ كانون الثاني ٢٠١٤", "2014-01-01", ""},
	{"٢٠ شباط ٢٠١٣", "٢٠ شباط ٢٠١٣", "2013-02-20", ""},
	{"5 ابريل 2017", "5 ابريل 2017", "2017-04-05", ""},
	{"7 يونية 2012", "7 يونية 2012", "2012-06-07", ""},
	{"9 أغسطس 2012", "9 أغسطس 2012", "2012-08-09", ""},
	{"و١٥ آذار (مارس) ٢٠١٦", "١٥ آذار (مارس) ٢٠١٦", "2016-03-15", ""},
	{"في آذار 2016 بدأ", "آذار 2016", "2016-03", ""},
	{"خلال أيلول ٢٠١٥", "أيلول ٢٠١٥", "2015-09", ""},
	/* Hijri numeric */
	{"١٤٣٧/٦/٦ هـ", "١٤٣٧/٦/٦ هـ", "2016-03-15", "hijri:1437-06-06"},
	{"6/6/1437هـ", "6/6/1437هـ", "2016-03-15", "hijri:1437-06-06"},
	{"1437-06-06 AH", "1437-06-06 AH", "2016-03-15", "hijri:1437-06-06"},
	{"1/9/1437 ه.", "1/9/1437 ه", "2016-06-06", "hijri:1437-09-01"},
	/* Hijri, Arabic month names */
	{"٦ جمادى الآخرة ١٤٣٧ هـ", "٦ جمادى الآخرة ١٤٣٧ هـ", "2016-03-15", "hijri:1437-06-06"},
	{"6 جمادي الثانية 1437", "6 جمادي الثانية 1437", "2016-03-15", "hijri:1437-06-06"},
	{"1 رمضان 1437", "1 رمضان 1437", "2016-06-06", "hijri:1437-09-01"},
	{"1 شوال 1435هـ", "1 شوال 1435هـ", "2014-07-28", "hijri:1435-10-01"},
	{"و1 محرم 1437", "1 محرم 1437", "2015-10-14", "hijri:1437-01-01"},
	{"١٢ ربيع الأول ١٤٣٧", "١٢ ربيع الأول ١٤٣٧", "2015-12-23", "hijri:1437-03-12"},
	{"10 ذي الحجة 1436", "10 ذي الحجة 1436", "2015-09-23", "hijri:1436-12-10"},
	{"في رمضان 1437 هـ", "رمضان 1437 هـ", "2016-06", "hijri:1437-09"},
	/* Hijri, transliterated */
	{"6 Jumada al-Akhirah 1437", "6 Jumada al-Akhirah 1437", "2016-03-15", "hijri:1437-06-06"},
	{"6 Jumada II 1437", "6 Jumada II 1437", "2016-03-15", "hijri:1437-06-06"},
	{"12 Rabi al-Awwal 1437", "12 Rabi al-Awwal 1437", "2015-12-23", "hijri:1437-03-12"},
	{"12 Rabi' al-Awwal 1437 AH", "12 Rabi' al-Awwal 1437 AH", "2015-12-23", "hijri:1437-03-12"},
	{"10 Dhu al-Hijjah 1436", "10 Dhu al-Hijjah 1436", "2015-09-23", "hijri:1436-12-10"},
	{"10 Dhul Hijjah 1436", "10 Dhul Hijjah 1436", "2015-09-23", "hijri:1436-12-10"},
	{"1 Muharram 1437", "1 Muharram 1437", "2015-10-14", "hijri:1437-01-01"},
	{"1 Shawwal 1435", "1 Shawwal 1435", "2014-07-28", "hijri:1435-10-01"},
	{"in Ramadan 1437,", "Ramadan 1437", "2016-06", "hijri:1437-09"},
};

static void finds_dates_with_offsets(void **state)
{
	dft_dates *d = *state;
	for (size_t i = 0; i < sizeof yes_cases / sizeof yes_cases[0]; i++) {
		const struct yes *c = &yes_cases[i];
		found f;
		int hit = 0;
		scan(d, c->text, &f);
		for (size_t k = 0; k < f.n; k++)
			if (f.m[k].end - f.m[k].start == strlen(c->span) &&
			    memcmp(c->text + f.m[k].start, c->span, strlen(c->span)) == 0 &&
			    strcmp(f.m[k].value, c->value) == 0 && strcmp(f.m[k].extra, c->extra) == 0)
				hit = 1;
		if (!hit || f.n != 1) {
			print_error("case %zu: \"%s\": want \"%s\" = %s %s; got:\n", i, c->text, c->span,
				    c->value, c->extra);
			for (size_t k = 0; k < f.n; k++)
				print_error("  [%zu,%zu) \"%.*s\" = %s %s\n", f.m[k].start, f.m[k].end,
					    (int)(f.m[k].end - f.m[k].start), c->text + f.m[k].start,
					    f.m[k].value, f.m[k].extra);
		}
		assert_true(hit);
		assert_int_equal(f.n, 1);
	}
}

static const char *const no_cases[] = {
	"31/02/2016",		/* no such day */
	"30/02/2016",		"29/02/2015", /* not a leap year */
	"13/13/2016",		/* no month */
	"15/03/16",		/* two-digit years are not read */
	"in 2016 we met",	/* a bare year */
	"15/03/1850",		/* numeric outside 1900-2100 */
	"1/1/2150",		"1437/6/6",   /* a Hijri year without a marker */
	"6/6/1600هـ",		/* numeric Hijri outside 1300-1500 */
	"32 March 2016",	"0 March 2016",
	"30 جمادى الآخرة 1437", /* Jumada II 1437 had 29 days (Umm al-Qura) */
	"رجب 1250",		/* a name and a number: outside the range without a day */
	"15 March 2016 هـ",	/* a Gregorian month with a Hijri marker */
	"version 1.2.2016.4",	"192.168.10.2016", "call 2016-2017",
	"May I have 5?",	"صفر من الأصفار",
};

static void rejects_non_dates(void **state)
{
	dft_dates *d = *state;
	for (size_t i = 0; i < sizeof no_cases / sizeof no_cases[0]; i++) {
		found f;
		scan(d, no_cases[i], &f);
		for (size_t k = 0; k < f.n; k++)
			print_error("\"%s\": unexpected [%zu,%zu) = %s %s\n", no_cases[i], f.m[k].start,
				    f.m[k].end, f.m[k].value, f.m[k].extra);
		assert_int_equal(f.n, 0);
	}
}

static void several_in_order(void **state)
{
	dft_dates *d = *state;
	found f;
	const char *t = "٦ جمادى الآخرة ١٤٣٧ هـ الموافق ١٥ آذار ٢٠١٦ م، ثم 2016-04-01 و May 2016.";
	scan(d, t, &f);
	assert_int_equal(f.n, 4);
	assert_string_equal(f.m[0].value, "2016-03-15");
	assert_string_equal(f.m[0].extra, "hijri:1437-06-06");
	assert_string_equal(f.m[1].value, "2016-03-15");
	assert_string_equal(f.m[1].extra, "");
	assert_string_equal(f.m[2].value, "2016-04-01");
	assert_string_equal(f.m[3].value, "2016-05");
	for (size_t k = 1; k < f.n; k++)
		assert_true(f.m[k].start >= f.m[k - 1].end);
}

/* Known Umm al-Qura dates. Source: ICU's islamic-umalqura (checked with
 * ICU 72 on this machine), which agrees with the Saudi Umm al-Qura
 * calendar: 1 Ramadan 1437 = 6 June 2016 and 1 Shawwal 1435 (Eid al-Fitr) =
 * 28 July 2014 were Saudi Arabia's official dates. */
static void hijri_known_dates(void **state)
{
	static const int known[][6] = {
		{1437, 1, 1, 2015, 10, 14}, {1437, 9, 1, 2016, 6, 6},  {1435, 10, 1, 2014, 7, 28},
		{1437, 6, 6, 2016, 3, 15},  {1436, 12, 10, 2015, 9, 23},
	};
	(void)state;
	for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
		int gy, gm, gd, hy, hm, hd;
		assert_int_equal(dft_hijri_to_gregorian(known[i][0], known[i][1], known[i][2], &gy, &gm, &gd), 0);
		assert_int_equal(gy, known[i][3]);
		assert_int_equal(gm, known[i][4]);
		assert_int_equal(gd, known[i][5]);
		assert_int_equal(dft_gregorian_to_hijri(gy, gm, gd, &hy, &hm, &hd), 0);
		assert_int_equal(hy, known[i][0]);
		assert_int_equal(hm, known[i][1]);
		assert_int_equal(hd, known[i][2]);
	}
	{
		int gy, gm, gd;
		/* no 30th of Jumada II 1437, no month 13, no day 0 */
		assert_int_not_equal(dft_hijri_to_gregorian(1437, 6, 30, &gy, &gm, &gd), 0);
		assert_int_not_equal(dft_hijri_to_gregorian(1437, 13, 1, &gy, &gm, &gd), 0);
		assert_int_not_equal(dft_hijri_to_gregorian(1437, 1, 0, &gy, &gm, &gd), 0);
		assert_int_not_equal(dft_gregorian_to_hijri(2015, 2, 29, &gy, &gm, &gd), 0);
		/* outside Umm al-Qura's range: the civil calendar */
		assert_int_equal(dft_hijri_to_gregorian(1200, 1, 1, &gy, &gm, &gd), 0);
		assert_int_equal(gy, 1785);
	}
}

/* Every 3rd day from 1950 to 2060: Gregorian -> Hijri -> Gregorian is the
 * same day; the 1st and 29th of every month 1300-1500 AH the other way. */
static void hijri_round_trips(void **state)
{
	int y = 1950, m = 1, dd = 1, n = 0;
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	(void)state;
	while (y < 2060) {
		int hy, hm, hd, gy, gm, gd, len = dm[m - 1] + (m == 2 && y % 4 == 0 && (y % 100 || y % 400 == 0));
		assert_int_equal(dft_gregorian_to_hijri(y, m, dd, &hy, &hm, &hd), 0);
		assert_true(hy >= 1369 && hy <= 1483);
		assert_true(hd >= 1 && hd <= 30);
		assert_int_equal(dft_hijri_to_gregorian(hy, hm, hd, &gy, &gm, &gd), 0);
		if (gy != y || gm != m || gd != dd)
			print_error("%d-%d-%d -> %d-%d-%d -> %d-%d-%d\n", y, m, dd, hy, hm, hd, gy, gm, gd);
		assert_int_equal(gy, y);
		assert_int_equal(gm, m);
		assert_int_equal(gd, dd);
		n++;
		dd += 3;
		if (dd > len) {
			dd -= len;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	/* and the other way: the 1st and the 29th of every Hijri month 1300-1500 */
	for (int hy = 1300; hy <= 1500; hy++)
		for (int hm = 1; hm <= 12; hm++)
			for (int hd = 1; hd <= 29; hd += 28) {
				int gy, gm, gd, ry, rm, rd;
				assert_int_equal(dft_hijri_to_gregorian(hy, hm, hd, &gy, &gm, &gd), 0);
				assert_int_equal(dft_gregorian_to_hijri(gy, gm, gd, &ry, &rm, &rd), 0);
				assert_int_equal(ry, hy);
				assert_int_equal(rm, hm);
				assert_int_equal(rd, hd);
				n++;
			}
	print_message("hijri round trips: %d days\n", n);
	assert_true(n > 18000);
}

static void empty_inputs(void **state)
{
	dft_dates *d = NULL;
	found f;
	(void)state;
	assert_int_equal(dft_dates_new(&d), 0);
	memset(&f, 0, sizeof f);
	assert_int_equal(dft_dates_scan(d, NULL, 0, collect, &f), 0);
	assert_int_equal(dft_dates_scan(d, "no dates", 8, collect, &f), 0);
	assert_int_equal(f.n, 0);
	dft_dates_free(d);
	dft_dates_free(NULL);
}

static int count_cb(void *ctx, const dft_mention *m)
{
	(void)m;
	(*(size_t *)ctx)++;
	return 0;
}

static void throughput(void **state)
{
	static const char *const para[] = {
		"The meeting on 15/03/2016 in Damascus was confirmed on March 17, 2016 by Ahmad "
		"(ahmad@example.com); payment of $1,500,000 followed in April 2016. ",
		"وصل الكتاب بتاريخ ٦ جمادى الآخرة ١٤٣٧ هـ الموافق ١٥ آذار ٢٠١٦ م، وجرى الرد في "
		"أيار ٢٠١٦ حسب التقرير رقم ١٢٣ المؤرخ في 2016-05-02. ",
		"Plain narrative text follows here with many ordinary words and a few numbers such as "
		"2016, 45 and 3.14, none of which is a date mention in this sentence at all. ",
		"ويتابع النص العربي العادي هنا بكلمات كثيرة دون تواريخ، كما في أي تقرير إداري طويل "
		"يتحدث عن الاجتماعات والقرارات والمراسلات بين الدوائر المختلفة في المحافظة. "};
	dft_dates *d = *state;
	dft_buf b;
	size_t n = 0, i = 0;
	double t0, dt;
	dft_buf_init(&b, 8u << 20);
	while (b.len < (4u << 20))
		assert_int_equal(dft_buf_adds(&b, para[i++ % 4]), 0);
	t0 = dft_now();
	assert_int_equal(dft_dates_scan(d, b.ptr, b.len, count_cb, &n), 0);
	dt = dft_now() - t0;
	print_message("dates throughput: %.1f MB in %.3f s = %.1f MB/s, %zu dates\n",
		      (double)b.len / 1e6, dt, (double)b.len / 1e6 / (dt > 0 ? dt : 1e-9), n);
	assert_true(n > 1000);
	dft_buf_dispose(&b);
}

static int setup(void **state)
{
	dft_dates *d = NULL;
	if (dft_dates_new(&d) != 0) {
		print_error("%s\n", dft_error_msg());
		return -1;
	}
	*state = d;
	return 0;
}

static int teardown(void **state)
{
	dft_dates_free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_dates_with_offsets), cmocka_unit_test(rejects_non_dates),
		cmocka_unit_test(several_in_order),	   cmocka_unit_test(hijri_known_dates),
		cmocka_unit_test(hijri_round_trips),	   cmocka_unit_test(empty_inputs),
		cmocka_unit_test(throughput),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
