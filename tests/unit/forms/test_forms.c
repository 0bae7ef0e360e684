/*
 * test_forms.c - the forms stage's pieces one by one (include/daftar/forms.h):
 * label segments of a line (colon, full-width colon, dash, columns, boxes,
 * underscores, numbering, URLs and clock times that are no labels; what
 * OCR does to a line), the
 * kinds labels say, nationalities to ISO 3166 (Arabic adjectives in both
 * genders, English demonyms, country names), dates day- and month-first
 * and Hijri, numbers with Arabic-Indic digits, phones to E.164.
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
#include "daftar/forms.h"

struct segs {
	char got[2048];
};

static int on_seg(void *ctx, const char *label, size_t llen, const char *value, size_t vlen, size_t line)
{
	struct segs *s = ctx;
	size_t n = strlen(s->got);
	snprintf(s->got + n, sizeof(s->got) - n, "%s[%.*s=%.*s]", n ? "," : "", (int)llen, label, (int)vlen, value);
	(void)line;
	return 0;
}

static const char *segs_of(struct segs *s, const char *text)
{
	s->got[0] = '\0';
	assert_int_equal(dft_records_scan_text(text, strlen(text), on_seg, s), 0);
	return s->got;
}

static void test_segments(void **state)
{
	struct segs s;
	(void)state;
	assert_string_equal(segs_of(&s, "Full name: John Smith\n"), "[Full name=John Smith]");
	assert_string_equal(segs_of(&s, "الجنسية: تونسية\n"), "[الجنسية=تونسية]");
	assert_string_equal(segs_of(&s, "الجنسية：تونسية\n"), "[الجنسية=تونسية]");
	assert_string_equal(segs_of(&s, "Surname: Haddad        Given names: Omar Ali\n"),
			    "[Surname=Haddad],[Given names=Omar Ali]");
	assert_string_equal(segs_of(&s, "| الاسم | محمد علي | الجنسية | سوري |\n"), "[الاسم=محمد علي],[الجنسية=سوري]");
	assert_string_equal(segs_of(&s, "Phone: ______\n"), "[Phone=]");
	assert_string_equal(segs_of(&s, "Signature ____________\n"), "[Signature=]");
	assert_string_equal(segs_of(&s, "3. Date of entry: 12/03/2015\n"), "[Date of entry=12/03/2015]");
	assert_string_equal(segs_of(&s, "Point of entry - Tal Abyad\n"), "[Point of entry=Tal Abyad]");
	assert_string_equal(segs_of(&s, "see http://example.org/x for more\n"), "");
	assert_string_equal(segs_of(&s, "10:30 the meeting starts\n"), "");
	assert_string_equal(segs_of(&s, "He said, after a long pause: no\n"), "");
	assert_string_equal(segs_of(&s, "just a line of prose\n"), "");
}

/* What OCR does to a line of a form: a number laid out before its Arabic
 * label, a stray digit before a label, direction marks around an empty
 * field's underscore */
static void test_segments_ocr(void **state)
{
	struct segs s;
	(void)state;
	assert_string_equal(segs_of(&s, "\xd9\xa1\xd9\xa0\xd9\xa0 \xe2\x80\x8f\xd8\xa7\xd9\x84\xd8\xb1\xd8\xa7\xd8\xaa\xd8\xa8:\xe2\x80\x8e\n"),
			    "[\xd8\xa7\xd9\x84\xd8\xb1\xd8\xa7\xd8\xaa\xd8\xa8=\xd9\xa1\xd9\xa0\xd9\xa0]"); /* ١٠٠ الراتب: */
	assert_string_equal(segs_of(&s, "12/03/2015 Date of entry:\n"), "[Date of entry=12/03/2015]");
	assert_string_equal(segs_of(&s, "\xe2\x80\x8f" "1 التقييم: ممتاز\n"), "[التقييم=ممتاز]");
	assert_string_equal(segs_of(&s, "توقيع المسؤول:  \xe2\x80\x8e _\xe2\x80\x8f\n"), "[توقيع المسؤول=]");
	assert_string_equal(segs_of(&s, "______ :Signature / التوقيع\n"), "[Signature=]");
	assert_string_equal(segs_of(&s, "______ :Address\n"), "[Address=]");
	/* a number with a value after it stays a label's (not swapped) */
	assert_string_equal(segs_of(&s, "12 Main street: closed\n"), "[Main street=closed]");
	assert_string_equal(segs_of(&s, "Room 12: Haddad\n"), "[Room 12=Haddad]");
}

static void test_kinds(void **state)
{
	dft_buf b;
	(void)state;
	dft_buf_init(&b, 0);
#define KIND(label, want)                                                  \
	do {                                                               \
		dft_buf_reset(&b);                                         \
		assert_int_equal(dft_records_fold(label, strlen(label), &b), 0); \
		assert_string_equal(dft_field_kind_name(dft_field_kind_of_label(dft_buf_cstr(&b))), want); \
	} while (0)
	KIND("Date of birth", "date");
	KIND("Place of birth", "text");
	KIND("تاريخ الميلاد", "date");
	KIND("مكان الولادة", "text");
	KIND("الجنسية", "country");
	KIND("Nationality", "country");
	KIND("رقم الهاتف", "phone");
	KIND("Phone number", "phone");
	KIND("رقم جواز السفر", "number");
	KIND("اسم الأب", "name");
	KIND("Father's name", "name");
	KIND("Blood type", "text");
#undef KIND
	dft_buf_dispose(&b);
}

#define CC(v, want)                                  \
	do {                                         \
		const char *cc_ = dft_country_code(v); \
		if (!cc_)                              \
			fail_msg("no country for %s", v); \
		assert_string_equal(cc_, want);        \
	} while (0)

static void test_countries(void **state)
{
	(void)state;
	CC("تونسية", "TN");
	CC("تونسي", "TN");
	CC("مغربية", "MA");
	CC("سعودي", "SA");
	CC("السعودية", "SA");
	CC("المملكة العربية السعودية", "SA");
	CC("العراق", "IQ");
	CC("Tunisian", "TN");
	CC("MOROCCAN", "MA");
	CC("British", "GB");
	CC("Syria", "SY");
	CC("فرنسيون", "FR");
	assert_null(dft_country_code("طالب"));
	assert_null(dft_country_code(""));
	assert_null(dft_country_code("engineer"));
}

static void test_dates(void **state)
{
	char iso[16];
	(void)state;
	assert_int_equal(dft_field_date("13/10/1983", 'd', iso), 0);
	assert_string_equal(iso, "1983-10-13");
	assert_int_equal(dft_field_date("10/13/1983", 'm', iso), 0);
	assert_string_equal(iso, "1983-10-13");
	assert_int_equal(dft_field_date("03/04/2015", 'd', iso), 0);
	assert_string_equal(iso, "2015-04-03");
	assert_int_equal(dft_field_date("03/04/2015", 'm', iso), 0);
	assert_string_equal(iso, "2015-03-04");
	assert_int_equal(dft_field_date("2014-05-10", 'm', iso), 0);
	assert_string_equal(iso, "2014-05-10");
	assert_int_equal(dft_field_date("١٣/١٠/١٩٨٣", 'd', iso), 0);
	assert_string_equal(iso, "1983-10-13");
	/* Hijri: 1 Ramadan 1437 AH is 6 June 2016 (Umm al-Qura) */
	assert_int_equal(dft_field_date("1437/09/01 هـ", 'd', iso), 0);
	assert_string_equal(iso, "2016-06-06");
	assert_int_equal(dft_field_date("12 March 2016", 'd', iso), 0);
	assert_string_equal(iso, "2016-03-12");
	assert_int_equal(dft_field_date("32/13/2015", 'd', iso), DFT_ENOTFOUND);
	assert_int_equal(dft_field_date("not a date", 'd', iso), DFT_ENOTFOUND);
	assert_int_equal(dft_field_date_order("13/10/1983"), 'd');
	assert_int_equal(dft_field_date_order("10/13/1983"), 'm');
	assert_int_equal(dft_field_date_order("10/11/1983"), 0);
}

static void test_numbers_phones(void **state)
{
	dft_buf b;
	(void)state;
	dft_buf_init(&b, 0);
	assert_int_equal(dft_field_number("١٢٣", &b), 0);
	assert_string_equal(dft_buf_cstr(&b), "123");
	dft_buf_reset(&b);
	assert_int_equal(dft_field_number("12,500", &b), 0);
	assert_string_equal(dft_buf_cstr(&b), "12500");
	dft_buf_reset(&b);
	assert_int_equal(dft_field_number("Иван 0", &b), DFT_ENOTFOUND);
	dft_buf_reset(&b);
	assert_int_equal(dft_field_phone("+963 944 123 456", &b), 0);
	assert_string_equal(dft_buf_cstr(&b), "+963944123456");
	dft_buf_reset(&b);
	assert_int_equal(dft_field_phone("00963-944-123456", &b), 0);
	assert_string_equal(dft_buf_cstr(&b), "+963944123456");
	dft_buf_reset(&b);
	assert_int_equal(dft_field_phone("0944 123 456", &b), DFT_ENOTFOUND);
	dft_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_segments), cmocka_unit_test(test_segments_ocr), cmocka_unit_test(test_kinds), cmocka_unit_test(test_countries),
		cmocka_unit_test(test_dates), cmocka_unit_test(test_numbers_phones),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
