/*
 * test_outlook.c - Outlook files: .msg (dft_extract_msg, with LZFu
 * compressed RTF) and .pst (dft_extract_pst, read through a FILE made over
 * the document's bytes, since the sandbox forbids opening files), on the
 * real files of ../shared/corpora/tika-test-documents. A .pst handed to the
 * msg extractor (libmagic calls both application/vnd.ms-outlook) goes to
 * the PST extractor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daftar/extract.h"
#include "../helpers.h"

int dft_msg_lzfu(dft_buf *out, const unsigned char *p, size_t n, size_t max);

typedef struct run {
	dft_sink_mem m;
	dft_buf tmp;
	dft_limits lim;
	unsigned char *file;
} run;

static unsigned char *slurp(const char *name, size_t *n)
{
	char path[1024], rel[300];
	FILE *f;
	unsigned char *p;
	long len;
	snprintf(rel, sizeof(rel), "tika-test-documents/%s", name);
	if (!test_corpus(path, sizeof(path), rel) || !(f = fopen(path, "rb"))) {
		test_note_no_corpus(rel); /* the caller skips */
		return NULL;
	}
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return p;
}

/* Extract a tika test file with fn; skip when the corpus is absent. */
static int extract(run *r, int (*fn)(dft_sink *, const dft_input *), const char *name)
{
	dft_input in;
	size_t n = 0;
	memset(r, 0, sizeof(*r));
	r->file = slurp(name, &n);
	if (!r->file)
		return 1;
	dft_limits_default(&r->lim);
	dft_sink_mem_init(&r->m, 0);
	dft_buf_init(&r->tmp, 0);
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = r->file;
	in.size = n;
	in.mime = "application/vnd.ms-outlook";
	in.name = name;
	in.limits = &r->lim;
	if (fn(&r->m.sink, &in) != 0)
		fail_msg("%s: %s", name, dft_error_msg());
	return 0;
}

static const char *meta(run *r, const char *key)
{
	const char *v = dft_sink_mem_meta(&r->m, key, &r->tmp);
	return v ? v : "(none)";
}

static const char *text(run *r)
{
	return dft_buf_cstr(&r->m.text);
}

static void done(run *r)
{
	dft_sink_mem_dispose(&r->m);
	dft_buf_dispose(&r->tmp);
	free(r->file);
}

static void test_lzfu(void **state)
{
	/* the example of MS-OXRTFCP 3.1.1 */
	static const unsigned char comp[] = {
		0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5, 0xc7, 0xa7,
		0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42, 0x32, 0x0a, 0xf3, 0x20,
		0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0, 0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f,
		0xa0};
	static const unsigned char stored[] = {
		0x0e, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x4d, 0x45, 0x4c, 0x41, 0, 0, 0, 0, '{', '}'};
	dft_buf out;
	(void)state;
	dft_buf_init(&out, 0);
	assert_int_equal(dft_msg_lzfu(&out, comp, sizeof(comp), 1 << 20), 0);
	assert_string_equal(dft_buf_cstr(&out), "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n");
	dft_buf_reset(&out);
	assert_int_equal(dft_msg_lzfu(&out, stored, sizeof(stored), 1 << 20), 0);
	assert_string_equal(dft_buf_cstr(&out), "{}");
	/* truncated and garbage input: an error or a short output, never more */
	dft_buf_reset(&out);
	assert_true(dft_msg_lzfu(&out, comp, 10, 1 << 20) < 0);
	dft_buf_reset(&out);
	assert_int_equal(dft_msg_lzfu(&out, comp, 30, 1 << 20), 0);
	assert_true(out.len <= 0x2b);
	dft_buf_dispose(&out);
}

static void test_msg(void **state)
{
	run r;
	(void)state;
	if (extract(&r, dft_extract_msg, "testMSG.msg"))
		skip();
	assert_string_equal(meta(&r, "from"), "Jukka Zitting <jukka.zitting@gmail.com>");
	assert_string_equal(meta(&r, "to"), "tika-dev@lucene.apache.org");
	assert_string_equal(meta(&r, "subject"), "MIME registry use cases");
	assert_string_equal(meta(&r, "date"), "2009-01-29T19:16:40Z");
	assert_string_equal(meta(&r, "message_id"),
			    "<510143ac0901291116s5f368dfby9d6423ce61acc36a@mail.gmail.com>");
	assert_non_null(strstr(text(&r), "Subject: MIME registry use cases\n\nHi,\n\nAs discussed, I've been working"));
	done(&r);

	/* attachments: a .doc and a .txt */
	if (extract(&r, dft_extract_msg, "testMSG_att_doc.msg"))
		skip();
	assert_string_equal(meta(&r, "subject"), "test pièce jointe 1");
	assert_int_equal(r.m.nchildren, 2);
	assert_string_equal(r.m.children[0].name, "test-unicode.doc");
	assert_int_equal(r.m.children[0].data.len, 24064);
	assert_memory_equal(r.m.children[0].data.ptr, "\xD0\xCF\x11\xE0", 4);
	assert_string_equal(r.m.children[1].name, "pj1.txt");
	done(&r);

	/* an attached message, written out as a .msg that reads back */
	if (extract(&r, dft_extract_msg, "testMSG_att_msg.msg"))
		skip();
	assert_int_equal(r.m.nchildren, 2);
	assert_string_equal(r.m.children[0].name, "Test Attachment.msg");
	{
		run r2;
		dft_input in;
		memset(&r2, 0, sizeof(r2));
		dft_limits_default(&r2.lim);
		dft_sink_mem_init(&r2.m, 0);
		dft_buf_init(&r2.tmp, 0);
		memset(&in, 0, sizeof(in));
		in.fd = -1;
		in.data = (const unsigned char *)r.m.children[0].data.ptr;
		in.size = r.m.children[0].data.len;
		in.limits = &r2.lim;
		assert_int_equal(dft_extract_msg(&r2.m.sink, &in), 0);
		assert_string_equal(meta(&r2, "subject"), "Test Attachment");
		assert_true(r2.m.text.len > 60);
		done(&r2);
	}
	done(&r);

	/* Chinese (UTF-16 properties) */
	if (extract(&r, dft_extract_msg, "testMSG_chinese.msg"))
		skip();
	assert_non_null(strstr(meta(&r, "subject"), "MSG 格式測試"));
	assert_non_null(strstr(text(&r), "中文測試"));
	done(&r);

	/* not a message */
	{
		static const unsigned char junk[600] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
		dft_input in;
		memset(&r, 0, sizeof(r));
		dft_limits_default(&r.lim);
		dft_sink_mem_init(&r.m, 0);
		dft_buf_init(&r.tmp, 0);
		memset(&in, 0, sizeof(in));
		in.fd = -1;
		in.data = junk;
		in.size = sizeof(junk);
		in.limits = &r.lim;
		assert_true(dft_extract_msg(&r.m.sink, &in) < 0);
		done(&r);
	}
}

static void test_pst(void **state)
{
	run r;
	(void)state;
	/* through the msg extractor, as the type table sends it */
	if (extract(&r, dft_extract_msg, "testPST.pst"))
		skip();
	assert_string_equal(meta(&r, "messages"), "7");
	assert_int_equal(r.m.nchildren, 7);
	assert_string_equal(r.m.children[0].name, "0001-Re_ Feature Generators.eml");
	assert_non_null(strstr(dft_buf_cstr(&r.m.children[0].data), "Subject: Re: Feature Generators\r\n"));
	done(&r);

	if (extract(&r, dft_extract_pst, "testPST_variousBodyTypes.pst"))
		skip();
	assert_string_equal(meta(&r, "messages"), "4");
	assert_string_equal(text(&r), "Inbox/tmp: 4 messages\n");
	assert_int_equal(r.m.nchildren, 4);
	assert_string_equal(r.m.children[0].name, "Inbox/tmp/0001-original email.eml");
	assert_string_equal(r.m.children[1].name, "Inbox/tmp/0002-FW_ original email.eml");
	assert_string_equal(r.m.children[2].name, "Inbox/tmp/0003-FW_ original email.eml");
	/* each child is an e-mail the e-mail extractor reads */
	{
		size_t i;
		for (i = 0; i < r.m.nchildren; i++) {
			run r2;
			dft_input in;
			memset(&r2, 0, sizeof(r2));
			dft_limits_default(&r2.lim);
			dft_sink_mem_init(&r2.m, 0);
			dft_buf_init(&r2.tmp, 0);
			memset(&in, 0, sizeof(in));
			in.fd = -1;
			in.data = (const unsigned char *)r.m.children[i].data.ptr;
			in.size = r.m.children[i].data.len;
			in.limits = &r2.lim;
			assert_int_equal(dft_extract_email(&r2.m.sink, &in), 0);
			assert_non_null(strstr(meta(&r2, "subject"), "original email"));
			assert_string_equal(meta(&r2, "from"), "Allison, Timothy B.");
			assert_non_null(strstr(text(&r2), "original email"));
			done(&r2);
		}
	}
	done(&r);

	/* a truncated .pst fails with a reason */
	{
		size_t n;
		unsigned char *p = slurp("testPST.pst", &n);
		dft_input in;
		if (!p)
			skip();
		memset(&r, 0, sizeof(r));
		dft_limits_default(&r.lim);
		dft_sink_mem_init(&r.m, 0);
		dft_buf_init(&r.tmp, 0);
		memset(&in, 0, sizeof(in));
		in.fd = -1;
		in.data = p;
		in.size = 4096;
		in.limits = &r.lim;
		assert_true(dft_extract_pst(&r.m.sink, &in) < 0);
		done(&r);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lzfu),
		cmocka_unit_test(test_msg),
		cmocka_unit_test(test_pst),
	};
	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
