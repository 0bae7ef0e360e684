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
		cmocka_unit_test(errors_carry_context),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
