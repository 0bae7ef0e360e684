/*
 * test_html.c - the HTML extractor (dft_extract_html): metadata from the
 * head, the visible text of the body laid out in lines, charsets declared
 * in <meta> tags (Arabic pages in Windows-1256 and ISO-8859-6), BOMs,
 * hostile nesting, the text limit, and empty input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "daftar/extract.h"

typedef struct run {
	dft_sink_mem m;
	dft_buf tmp;
	dft_limits lim;
} run;

/* Extract n bytes of HTML into r (0 or the extractor's error). */
static int extract(run *r, const void *data, size_t n, uint64_t max_text)
{
	dft_input in;
	dft_limits_default(&r->lim);
	if (max_text)
		r->lim.max_text = max_text;
	dft_sink_mem_init(&r->m, 0);
	dft_buf_init(&r->tmp, 0);
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = data;
	in.size = n;
	in.mime = "text/html";
	in.name = "page.html";
	in.limits = &r->lim;
	return dft_extract_html(&r->m.sink, &in);
}

static const char *meta(run *r, const char *key)
{
	return dft_sink_mem_meta(&r->m, key, &r->tmp);
}

static const char *text(run *r)
{
	return dft_buf_cstr(&r->m.text);
}

static void done(run *r)
{
	dft_sink_mem_dispose(&r->m);
	dft_buf_dispose(&r->tmp);
}

/* UTF-8 to charset cs with ICU, failing on anything unmappable. */
static char *encode(const char *utf8, const char *cs, size_t *outlen)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t ulen = 0, blen;
	UChar *u;
	char *out;
	UConverter *c;
	u_strFromUTF8(NULL, 0, &ulen, utf8, -1, &err);
	err = U_ZERO_ERROR;
	u = malloc(((size_t)ulen + 1) * sizeof(*u));
	assert_non_null(u);
	u_strFromUTF8(u, ulen + 1, NULL, utf8, -1, &err);
	c = ucnv_open(cs, &err);
	ucnv_setFromUCallBack(c, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &err);
	out = malloc((size_t)ulen * 4 + 8);
	assert_non_null(out);
	blen = ucnv_fromUChars(c, out, ulen * 4 + 8, u, ulen, &err);
	assert_true(U_SUCCESS(err));
	ucnv_close(c);
	free(u);
	*outlen = (size_t)blen;
	return out;
}

static void test_basic_page(void **state)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html lang=\"ar\" dir=\"rtl\"><head>\n"
		"<meta charset=\"utf-8\">\n"
		"<title>  تقرير   الشرق\n الأوسط </title>\n"
		"<meta name=\"Description\" content=\"  ملخص   الخبر \">\n"
		"<meta name=\"author\" content=\"سلمان الدوسري\">\n"
		"<meta name=\"keywords\" content=\"العراق, السعودية\">\n"
		"<meta name=\"generator\" content=\"WordPress 4.2\">\n"
		"<meta property=\"og:title\" content=\"المالكي ونصيحة سعود الفيصل\">\n"
		"<meta name=\"viewport\" content=\"width=device-width\">\n"
		"<style>body { color: red }</style>\n"
		"<script>var secret = 'SCRIPT_TEXT';</script>\n"
		"</head><body>\n"
		"<h1>العنوان   الرئيسي</h1>\n"
		"<p>Tom &amp; Jerry &eacute;t&eacute; &#x627;&#x644;&#1593;&#1585;&#1576;&nbsp;نص</p>"
		"<p>first\n   line <b>bold</b><i>italic</i> <mark>one</mark> <mark>two</mark></p>\n"
		"<ul><li>item 1</li><li>item 2</li></ul>\n"
		"<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>\n"
		"line<br>break<div>div text</div>\n"
		"<noscript>NOSCRIPT_TEXT</noscript><template>TEMPLATE_TEXT</template>\n"
		"<svg><text>SVG_TEXT</text></svg>\n"
		"<pre>  keep\n    this  </pre>\n"
		"<script type=\"text/javascript\">document.write('SCRIPT2');</script>\n"
		"<!-- COMMENT_TEXT -->\n"
		"</body></html>\n";
	static const char want[] =
		"العنوان الرئيسي\n"
		"Tom & Jerry été العرب نص\n"
		"first line bolditalic one two\n"
		"item 1\n"
		"item 2\n"
		"a b\n"
		"c d\n"
		"line\n"
		"break\n"
		"div text\n"
		"  keep\n    this\n";
	run r;
	(void)state;
	assert_int_equal(extract(&r, page, sizeof(page) - 1, 0), 0);
	assert_string_equal(meta(&r, "title"), "تقرير الشرق الأوسط");
	assert_string_equal(meta(&r, "lang"), "ar");
	assert_string_equal(meta(&r, "description"), "ملخص الخبر");
	assert_string_equal(meta(&r, "author"), "سلمان الدوسري");
	assert_string_equal(meta(&r, "keywords"), "العراق, السعودية");
	assert_string_equal(meta(&r, "generator"), "WordPress 4.2");
	assert_string_equal(meta(&r, "og:title"), "المالكي ونصيحة سعود الفيصل");
	assert_string_equal(meta(&r, "charset"), "UTF-8");
	assert_null(meta(&r, "viewport"));
	assert_string_equal(text(&r), want);
	assert_null(strstr(text(&r), "SCRIPT"));
	assert_null(strstr(text(&r), "color"));
	assert_null(strstr(text(&r), "NOSCRIPT_TEXT"));
	assert_null(strstr(text(&r), "TEMPLATE_TEXT"));
	assert_null(strstr(text(&r), "SVG_TEXT"));
	assert_null(strstr(text(&r), "COMMENT_TEXT"));
	assert_null(strstr(text(&r), "تقرير")); /* the title is not body text */
	assert_string_equal(dft_buf_cstr(&r.m.notes), "");
	done(&r);
}

/* A page in Windows-1256 that says so in a meta tag: the bytes alone are
 * too few for detection to be sure, the declaration decides. */
static void test_windows1256_meta(void **state)
{
	static const char page[] =
		"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
		"charset=windows-1256\"><title>الأخبار</title></head>"
		"<body><p>قال المالكي «لا»، ثم غادر.</p><p>من</p></body></html>";
	size_t n;
	char *bytes = encode(page, "windows-1256", &n);
	run r;
	(void)state;
	assert_int_equal(extract(&r, bytes, n, 0), 0);
	assert_string_equal(meta(&r, "charset"), "WINDOWS-1256");
	assert_string_equal(meta(&r, "title"), "الأخبار");
	assert_string_equal(text(&r), "قال المالكي «لا»، ثم غادر.\nمن\n");
	assert_null(meta(&r, "invalid_bytes"));
	done(&r);
	free(bytes);
}

static void test_iso8859_6_meta_charset(void **state)
{
	static const char page[] =
		"<!-- <meta charset=\"koi8-r\"> in a comment does not count -->"
		"<meta charset='ISO-8859-6'><p>من كل</p>";
	size_t n;
	char *bytes = encode(page, "ISO-8859-6", &n);
	run r;
	(void)state;
	assert_int_equal(extract(&r, bytes, n, 0), 0);
	assert_string_equal(meta(&r, "charset"), "ISO-8859-6");
	assert_string_equal(text(&r), "من كل\n");
	done(&r);
	free(bytes);
}

/* No declaration: the charset is detected (real Arabic news text). */
static void test_detected_charset(void **state)
{
	static const char page[] =
		"<html><body><p>بهجومه غير المسبوق على السعودية ومطالبته السمجة بوضعها "
		"تحت الوصاية الدولية، يكون نوري المالكي نائب الرئيس العراقي قد سدد ضربة "
		"قاضية لأي تقارب بين بغداد والرياض في الفترة القادمة.</p></body></html>";
	size_t n;
	char *bytes = encode(page, "windows-1256", &n);
	run r;
	(void)state;
	assert_int_equal(extract(&r, bytes, n, 0), 0);
	assert_string_equal(meta(&r, "charset"), "WINDOWS-1256");
	assert_non_null(strstr(text(&r), "نوري المالكي نائب الرئيس العراقي"));
	done(&r);
	free(bytes);
}

static void test_utf16_bom_page(void **state)
{
	static const char page[] = "<html><body><p>مرحبا بكم</p></body></html>";
	size_t n;
	char *bytes = encode(page, "UTF-16LE", &n);
	char *withbom = malloc(n + 2);
	run r;
	(void)state;
	memcpy(withbom, "\xFF\xFE", 2);
	memcpy(withbom + 2, bytes, n);
	assert_int_equal(extract(&r, withbom, n + 2, 0), 0);
	assert_string_equal(meta(&r, "charset"), "UTF-16LE");
	assert_string_equal(text(&r), "مرحبا بكم\n");
	done(&r);
	free(bytes);
	free(withbom);
}

static void test_invalid_bytes_noted(void **state)
{
	static const char page[] = "<meta charset=utf-8><p>caf\xE9 et th\xE9</p>";
	run r;
	(void)state;
	assert_int_equal(extract(&r, page, sizeof(page) - 1, 0), 0);
	assert_string_equal(text(&r), "caf\xEF\xBF\xBD et th\xEF\xBF\xBD\n");
	assert_string_equal(meta(&r, "invalid_bytes"), "2");
	assert_string_equal(dft_buf_cstr(&r.m.notes), "2 invalid bytes replaced (charset UTF-8)\n");
	done(&r);
}

/* 100,000 nested divs: no crash, and the text after them is not lost
 * (libxml2 stops at 256 levels unless told otherwise). */
static void test_deep_nesting(void **state)
{
	const size_t depth = 100000;
	dft_buf b;
	size_t i;
	run r;
	(void)state;
	dft_buf_init(&b, 0);
	assert_int_equal(dft_buf_adds(&b, "<html><body>before"), 0);
	for (i = 0; i < depth; i++)
		assert_int_equal(dft_buf_adds(&b, "<div>"), 0);
	assert_int_equal(dft_buf_adds(&b, "deep"), 0);
	for (i = 0; i < depth; i++)
		assert_int_equal(dft_buf_adds(&b, "</div>"), 0);
	assert_int_equal(dft_buf_adds(&b, "after</body></html>"), 0);
	assert_int_equal(extract(&r, b.ptr, b.len, 0), 0);
	assert_string_equal(text(&r), "before\ndeep\nafter\n");
	done(&r);

	/* and unclosed: every level still open at the end */
	dft_buf_reset(&b);
	for (i = 0; i < depth; i++)
		assert_int_equal(dft_buf_adds(&b, "<div><span>x"), 0);
	assert_int_equal(extract(&r, b.ptr, b.len, 0), 0);
	assert_int_equal(strncmp(text(&r), "x\nx\nx\n", 6), 0);
	done(&r);
	dft_buf_dispose(&b);
}

static void test_empty(void **state)
{
	run r;
	(void)state;
	assert_int_equal(extract(&r, "", 0, 0), 0);
	assert_string_equal(text(&r), "");
	assert_string_equal(meta(&r, "charset"), "UTF-8");
	done(&r);
	{
		static const char e[] = "<html><head><title></title></head><body> </body></html>";
		assert_int_equal(extract(&r, e, strlen(e), 0), 0);
	}
	assert_string_equal(text(&r), "");
	assert_null(meta(&r, "title"));
	done(&r);
}

static void test_truncated(void **state)
{
	dft_buf b;
	size_t i;
	run r;
	char want[200];
	(void)state;
	dft_buf_init(&b, 0);
	assert_int_equal(dft_buf_adds(&b, "<html><body>"), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(dft_buf_adds(&b, "<p>فقرة عربية</p>"), 0); /* 19 bytes of text + \n */
	assert_int_equal(extract(&r, b.ptr, b.len, 501), 0);
	assert_true(r.m.text.len <= 501);
	assert_true(dft_utf8_valid(r.m.text.ptr, r.m.text.len));
	assert_int_equal(strncmp(text(&r), "فقرة عربية\nفقرة عربية\n", 40), 0);
	snprintf(want, sizeof(want), "text truncated at 0.0 MiB of 0.0 MiB (%zu of %d bytes kept)\n",
		 r.m.text.len, 200 * 20);
	assert_string_equal(dft_buf_cstr(&r.m.notes), want);
	done(&r);
	dft_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_page),
		cmocka_unit_test(test_windows1256_meta),
		cmocka_unit_test(test_iso8859_6_meta_charset),
		cmocka_unit_test(test_detected_charset),
		cmocka_unit_test(test_utf16_bom_page),
		cmocka_unit_test(test_invalid_bytes_noted),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_truncated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
