/*
 * test_core.c - the buffer's limit, the JSON writer's escaping and commas,
 * SHA-256 against known vectors, UTF-8 validation and repair, errors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "daftar/core.h"

static void buf_grows_and_stops_at_max(void **state)
{
	dft_buf b;
	int i;
	(void)state;
	dft_buf_init(&b, 100);
	assert_string_equal(dft_buf_cstr(&b), "");
	for (i = 0; i < 10; i++)
		assert_int_equal(dft_buf_adds(&b, "0123456789"), 0);
	assert_int_equal(b.len, 100);
	assert_int_equal(dft_buf_addc(&b, 'x'), DFT_ELIMIT);
	/* a failed add frees the buffer: nothing half-written is left */
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(dft_buf_addf(&b, "%d-%s", 42, "ok"), 0);
	assert_string_equal(dft_buf_cstr(&b), "42-ok");
	dft_buf_reset(&b);
	assert_int_equal(dft_buf_addf(&b, "%0300d", 1), DFT_ELIMIT);
	dft_buf_dispose(&b);
}

static void json_escapes_and_places_commas(void **state)
{
	dft_buf b;
	dft_json j;
	(void)state;
	dft_buf_init(&b, 0);
	dft_json_init(&j, &b);
	dft_json_obj_open(&j);
	dft_json_key(&j, "s");
	dft_json_str(&j, "a\"b\\c\n\x01 العدناني");
	dft_json_key(&j, "bad");
	dft_json_strn(&j, "x\xff\xfey", 4);
	dft_json_key(&j, "arr");
	dft_json_arr_open(&j);
	dft_json_int(&j, -5);
	dft_json_double(&j, 2.5);
	dft_json_bool(&j, 1);
	dft_json_null(&j);
	dft_json_str(&j, NULL);
	dft_json_arr_close(&j);
	dft_json_key(&j, "empty");
	dft_json_obj_open(&j);
	dft_json_obj_close(&j);
	dft_json_obj_close(&j);
	assert_int_equal(dft_json_finish(&j), 0);
	assert_string_equal(dft_buf_cstr(&b),
			    "{\"s\":\"a\\\"b\\\\c\\n\\u0001 العدناني\",\"bad\":\"x\xEF\xBF\xBD\xEF\xBF\xBDy\","
			    "\"arr\":[-5,2.5,true,null,null],\"empty\":{}}");
	dft_buf_dispose(&b);
}

static void sha256_known_vectors(void **state)
{
	char hex[DFT_SHA256_HEX];
	dft_sha256 s;
	(void)state;
	assert_int_equal(dft_sha256_hex(hex, "", 0), 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	assert_int_equal(dft_sha256_hex(hex, "abc", 3), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* in pieces, the same */
	assert_int_equal(dft_sha256_init(&s), 0);
	dft_sha256_update(&s, "a", 1);
	dft_sha256_update(&s, "bc", 2);
	assert_int_equal(dft_sha256_final(&s, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void utf8_validation_and_repair(void **state)
{
	dft_buf b;
	size_t bad = 0;
	(void)state;
	assert_true(dft_utf8_valid("abc العدناني Аднани", strlen("abc العدناني Аднани")));
	assert_false(dft_utf8_valid("\xc0\xaf", 2));         /* overlong */
	assert_false(dft_utf8_valid("\xed\xa0\x80", 3));     /* surrogate */
	assert_false(dft_utf8_valid("\xf4\x90\x80\x80", 4)); /* beyond U+10FFFF */
	assert_false(dft_utf8_valid("\xe0\xa4", 2));         /* cut short */
	dft_buf_init(&b, 0);
	assert_int_equal(dft_utf8_sanitize(&b, "a\xff" "b\xc3\xa9", 5, &bad), 0);
	assert_int_equal(bad, 1);
	assert_string_equal(dft_buf_cstr(&b), "a\xEF\xBF\xBD" "b" "\xc3\xa9");
	dft_buf_dispose(&b);
}

static size_t width_of(const char *s)
{
	return dft_utf8_width(s, strlen(s));
}

/* Display width: what the command-line tables pad and cut by. */
static void utf8_display_width(void **state)
{
	const char *name = "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf";           /* محمد: 8 bytes */
	const char *voweled = "\xd9\x85\xd9\x8f\xd8\xad\xd9\x8e\xd9\x85\xd9\x8e\xd9\x91\xd8\xaf"; /* مُحَمَّد */
	size_t cols, n;
	(void)state;
	assert_int_equal(width_of(""), 0);
	assert_int_equal(width_of("Raqqa"), 5);
	assert_int_equal(width_of(name), 4);    /* two bytes a letter, one column */
	assert_int_equal(width_of(voweled), 4); /* damma, fatha, shadda: no column */
	assert_int_equal(width_of("\xd8\xa7\xd9\x84\xd8\xb1\xd9\x82\xd8\xa9 Raqqa"), 11); /* الرقة Raqqa */
	assert_int_equal(width_of("\xd9\xa1\xd9\xa4\xd9\xa3\xd9\xa7"), 4); /* ١٤٣٧ */
	assert_int_equal(width_of("\xe2\x80\x8f" "a\xe2\x80\x8b" "b"), 2);    /* RLM, ZWSP: format */
	assert_int_equal(width_of("e\xcc\x81"), 1);                           /* e + combining acute */
	assert_int_equal(width_of("\xe4\xb8\xad\xe6\x96\x87"), 4);          /* 中文: wide */
	assert_int_equal(width_of("\xef\xbc\xa1"), 2);                       /* fullwidth A */
	assert_int_equal(width_of("\xf0\x9f\x98\x80"), 2);                  /* an emoji */
	assert_int_equal(width_of("\xd1\x80\xd0\xb0\xd0\xba\xd0\xba\xd0\xb0"), 5); /* Cyrillic */
	assert_int_equal(width_of("a\tb"), 2);                                 /* a control: none */
	assert_int_equal(width_of("a\xff" "b"), 3); /* an invalid byte: U+FFFD, one column */
	assert_int_equal(dft_char_width(0x064E), 0); /* fatha */
	assert_int_equal(dft_char_width(0x0627), 1); /* alef */
	assert_int_equal(dft_char_width(0x3000), 2); /* ideographic space */

	/* cut on a character boundary, the marks kept with their letter */
	n = dft_utf8_fit(voweled, strlen(voweled), 2, &cols);
	assert_int_equal(cols, 2);
	assert_int_equal(n, 8); /* mim damma ha fatha */
	n = dft_utf8_fit(voweled, strlen(voweled), 3, &cols);
	assert_int_equal(n, 14); /* ... mim fatha shadda */
	n = dft_utf8_fit("\xe4\xb8\xad\xe6\x96\x87", 6, 3, &cols); /* a wide character is not split */
	assert_int_equal(n, 3);
	assert_int_equal(cols, 2);
	assert_int_equal(dft_utf8_fit("abc", 3, 10, &cols), 3);
	assert_int_equal(cols, 3);
	assert_int_equal(dft_utf8_fit(name, strlen(name), 0, NULL), 0);
}

static void errors_carry_context(void **state)
{
	(void)state;
	assert_int_equal(dft_error_set(DFT_EIO, "cannot read %s", "a.txt"), DFT_EIO);
	assert_int_equal(dft_error_prefix("while ingesting %s", "letters.zip"), DFT_EIO);
	assert_string_equal(dft_error_msg(), "while ingesting letters.zip: cannot read a.txt");
	dft_error_clear();
	assert_string_equal(dft_error_msg(), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(buf_grows_and_stops_at_max),
		cmocka_unit_test(json_escapes_and_places_commas),
		cmocka_unit_test(sha256_known_vectors),
		cmocka_unit_test(utf8_validation_and_repair),
		cmocka_unit_test(utf8_display_width),
		cmocka_unit_test(errors_carry_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
