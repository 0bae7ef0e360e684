/*
 * test_email.c - the e-mail extractors (dft_extract_email, dft_extract_mbox)
 * on messages generated here: multipart/mixed with a base64 zip, a
 * quoted-printable Arabic body in Windows-1256, an HTML-only mail, RFC 2047
 * Arabic subjects, a forwarded message/rfc822, mailboxes with a broken
 * message in the middle, ">From " quoting and a truncated end, and hostile
 * input (10,000 attachments, deep nesting, garbage base64); then the real
 * mail in ../shared/corpora (sisimai, tika).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <unicode/ucnv.h>
#include <unicode/ustring.h>

#include "daftar/extract.h"
#include "../helpers.h"

typedef struct run {
	dft_sink_mem m;
	dft_buf tmp;
	dft_limits lim;
} run;

static int extract_with(run *r, int (*fn)(dft_sink *, const dft_input *), const void *data,
			size_t n, int fd, const char *name)
{
	dft_input in;
	dft_sink_mem_init(&r->m, 0);
	dft_buf_init(&r->tmp, 0);
	memset(&in, 0, sizeof(in));
	in.fd = fd;
	in.data = data;
	in.size = n;
	in.mime = "message/rfc822";
	in.name = name;
	in.limits = &r->lim;
	return fn(&r->m.sink, &in);
}

static int eml(run *r, const char *s, size_t n)
{
	dft_limits_default(&r->lim);
	return extract_with(r, dft_extract_email, s, n ? n : strlen(s), -1, "test.eml");
}

static const char *meta(run *r, const char *key)
{
	return dft_sink_mem_meta(&r->m, key, &r->tmp);
}

static const char *text(run *r)
{
	return dft_buf_cstr(&r->m.text);
}

static dft_mem_child *child(run *r, const char *name)
{
	size_t i;
	for (i = 0; i < r->m.nchildren; i++)
		if (strcmp(r->m.children[i].name, name) == 0)
			return &r->m.children[i];
	return NULL;
}

static void done(run *r)
{
	dft_sink_mem_dispose(&r->m);
	dft_buf_dispose(&r->tmp);
}

/* ---- generators ----------------------------------------------------------- */

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
	out[blen] = '\0';
	*outlen = (size_t)blen;
	return out;
}

static void b64(dft_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
			     i + 2 < n ? tab[v & 63] : '='};
		assert_int_equal(dft_buf_add(out, q, 4), 0);
		if ((col += 4) >= 76) {
			assert_int_equal(dft_buf_adds(out, "\r\n"), 0);
			col = 0;
		}
	}
	assert_int_equal(dft_buf_adds(out, "\r\n"), 0);
}

static void qp(dft_buf *out, const unsigned char *p, size_t n)
{
	size_t i, col = 0;
	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			assert_int_equal(dft_buf_adds(out, "\r\n"), 0);
			col = 0;
			continue;
		}
		if (col >= 70) {
			assert_int_equal(dft_buf_adds(out, "=\r\n"), 0);
			col = 0;
		}
		if (p[i] >= 0x80 || p[i] == '=') {
			assert_int_equal(dft_buf_addf(out, "=%02X", p[i]), 0);
			col += 3;
		} else {
			assert_int_equal(dft_buf_addc(out, (char)p[i]), 0);
			col++;
		}
	}
	assert_int_equal(dft_buf_adds(out, "\r\n"), 0);
}

/* A zip holding one file, made with libarchive (free() it). */
static unsigned char *make_zip(const char *name, const char *content, size_t *len)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();
	size_t cap = 65536, used = 0;
	unsigned char *buf = malloc(cap);
	assert_non_null(buf);
	assert_int_equal(archive_write_set_format_zip(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_memory(a, buf, cap, &used), ARCHIVE_OK);
	archive_entry_set_pathname(e, name);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, (la_int64_t)strlen(content));
	assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
	assert_int_equal(archive_write_data(a, content, strlen(content)), (la_ssize_t)strlen(content));
	archive_entry_free(e);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	*len = used;
	return buf;
}

static const char ARABIC[] = "السلام عليكم، هذه رسالة من وزارة الداخلية بتاريخ 2015.\n"
			     "الاجتماع في بغداد يوم الأحد.\n";

/* ---- single messages -------------------------------------------------------- */

static void test_multipart_zip_and_arabic(void **state)
{
	dft_buf msg;
	size_t zlen, alen;
	unsigned char *zip = make_zip("inner/report.txt", "secret report\n", &zlen);
	char *ar = encode(ARABIC, "windows-1256", &alen);
	char *subj_ar;
	size_t slen;
	dft_buf subj;
	run r;
	dft_mem_child *c;
	(void)state;

	/* Subject: RFC 2047 base64 UTF-8 word then a Q word in windows-1256 */
	dft_buf_init(&subj, 0);
	b64(&subj, (const unsigned char *)"تقرير سري", strlen("تقرير سري"));
	while (subj.len && (subj.ptr[subj.len - 1] == '\n' || subj.ptr[subj.len - 1] == '\r'))
		subj.ptr[--subj.len] = '\0';
	subj_ar = encode("عاجل", "windows-1256", &slen);

	dft_buf_init(&msg, 0);
	assert_int_equal(dft_buf_addf(&msg,
		"Return-Path: <x@example.org>\r\n"
		"From: =?utf-8?B?2KPYrdmF2K8g2KfZhNi52K/Zhtin2YbZig==?= <ahmad@example.iq>\r\n"
		"To: Sara <sara@example.com>,\r\n\tOmar <omar@example.com>\r\n"
		"Cc: boss@example.com\r\n"
		"Bcc: hidden@example.com\r\n"
		"Date: Sun, 12 Apr 2015 09:30:00 +0300\r\n"
		"Subject: =?UTF-8?B?%s?= =?windows-1256?Q?", subj.ptr), 0);
	{
		size_t i;
		for (i = 0; i < slen; i++)
			assert_int_equal(dft_buf_addf(&msg, "=%02X", (unsigned char)subj_ar[i]), 0);
	}
	assert_int_equal(dft_buf_adds(&msg, "?=\r\n"
		"Message-ID: <abc123@example.iq>\r\n"
		"In-Reply-To: <prev@example.com>\r\n"
		"References: <first@example.com> <prev@example.com>\r\n"
		"MIME-Version: 1.0\r\n"
		"Content-Type: multipart/mixed; boundary=\"==outer==\"\r\n\r\n"
		"This is a multi-part message in MIME format.\r\n"
		"--==outer==\r\n"
		"Content-Type: text/plain; charset=windows-1256\r\n"
		"Content-Transfer-Encoding: quoted-printable\r\n\r\n"), 0);
	qp(&msg, (const unsigned char *)ar, alen);
	assert_int_equal(dft_buf_adds(&msg, "--==outer==\r\n"
		"Content-Type: application/zip; name=\"evidence.zip\"\r\n"
		"Content-Disposition: attachment; filename=\"evidence.zip\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n"), 0);
	b64(&msg, zip, zlen);
	assert_int_equal(dft_buf_adds(&msg, "--==outer==\r\n"
		"Content-Type: image/png\r\n"
		"Content-Disposition: inline\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n"
		"iVBORw0KGgo=\r\n"
		"--==outer==\r\n"
		"Content-Type: application/octet-stream; name=\"=?utf-8?B?2YXZhNmBLnBkZg==?=\"\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n"
		"JVBERi0xLjQK\r\n"
		"--==outer==--\r\n"), 0);

	assert_int_equal(eml(&r, msg.ptr, msg.len), 0);
	assert_string_equal(meta(&r, "from"), "أحمد العدناني <ahmad@example.iq>");
	assert_string_equal(meta(&r, "to"), "Sara <sara@example.com>, Omar <omar@example.com>");
	assert_string_equal(meta(&r, "cc"), "boss@example.com");
	assert_string_equal(meta(&r, "bcc"), "hidden@example.com");
	assert_string_equal(meta(&r, "date"), "2015-04-12T09:30:00+03:00");
	assert_string_equal(meta(&r, "date_header"), "Sun, 12 Apr 2015 09:30:00 +0300");
	assert_string_equal(meta(&r, "subject"), "تقرير سريعاجل");
	assert_string_equal(meta(&r, "title"), "تقرير سريعاجل");
	assert_string_equal(meta(&r, "message_id"), "<abc123@example.iq>");
	assert_string_equal(meta(&r, "in_reply_to"), "<prev@example.com>");
	assert_string_equal(meta(&r, "references"), "<first@example.com> <prev@example.com>");
	assert_string_equal(meta(&r, "charset"), "WINDOWS-1256");
	assert_string_equal(meta(&r, "attachments"), "3");
	/* header block, then the body decoded from QP Windows-1256 */
	assert_non_null(strstr(text(&r), "From: أحمد العدناني <ahmad@example.iq>\n"
					 "To: Sara <sara@example.com>, Omar <omar@example.com>\n"
					 "Cc: boss@example.com\n"
					 "Date: Sun, 12 Apr 2015 09:30:00 +0300\n"
					 "Subject: تقرير سريعاجل\n\n"));
	assert_non_null(strstr(text(&r), ARABIC));
	assert_null(strstr(text(&r), "hidden@example.com"));
	assert_null(strstr(text(&r), "multi-part message"));
	/* children: exact bytes */
	assert_int_equal(r.m.nchildren, 3);
	c = child(&r, "evidence.zip");
	assert_non_null(c);
	assert_int_equal(c->data.len, zlen);
	assert_memory_equal(c->data.ptr, zip, zlen);
	c = child(&r, "attachment-2.png");
	assert_non_null(c);
	assert_int_equal(c->data.len, 8);
	assert_memory_equal(c->data.ptr, "\x89PNG\r\n\x1a\n", 8);
	c = child(&r, "ملف.pdf");
	assert_non_null(c);
	assert_memory_equal(c->data.ptr, "%PDF-1.4\n", 9);
	done(&r);
	dft_buf_dispose(&msg);
	dft_buf_dispose(&subj);
	free(zip);
	free(ar);
	free(subj_ar);
}

static void test_html_only(void **state)
{
	static const char msg[] =
		"From: news@example.com\n"
		"To: you@example.com\n"
		"Subject: =?iso-8859-1?Q?Caf=E9_news?=\n"
		"Date: Tue, 3 Mar 2020 10:00:00 GMT\n"
		"Content-Type: text/html; charset=iso-8859-1\n"
		"Content-Transfer-Encoding: quoted-printable\n"
		"\n"
		"<html><head><title>T</title><meta charset=3D\"windows-1256\">"
		"<style>p{}</style></head><body><h1>Caf=E9</h1>"
		"<p>first <b>para</b></p><script>evil()</script><p>second</p></body></html>\n";
	run r;
	(void)state;
	assert_int_equal(eml(&r, msg, 0), 0);
	assert_string_equal(meta(&r, "subject"), "Café news");
	assert_string_equal(meta(&r, "date"), "2020-03-03T10:00:00Z");
	assert_non_null(strstr(text(&r), "Subject: Café news\n\nCafé\nfirst para\nsecond\n"));
	assert_null(strstr(text(&r), "evil"));
	assert_null(strstr(text(&r), "<p>"));
	assert_int_equal(r.m.nchildren, 0);
	done(&r);
}

static void test_alternative_and_forward(void **state)
{
	static const char msg[] =
		"From: a@example.com\r\n"
		"To: b@example.com\r\n"
		"Subject: Fwd: plan\r\n"
		"Content-Type: multipart/mixed; boundary=m\r\n\r\n"
		"--m\r\n"
		"Content-Type: multipart/alternative; boundary=alt\r\n\r\n"
		"--alt\r\n"
		"Content-Type: text/plain; charset=utf-8\r\n\r\n"
		"PLAIN body here\r\n"
		"--alt\r\n"
		"Content-Type: multipart/related; boundary=rel\r\n\r\n"
		"--rel\r\n"
		"Content-Type: text/html; charset=utf-8\r\n\r\n"
		"<p>HTML body here</p>\r\n"
		"--rel\r\n"
		"Content-Type: image/gif\r\n"
		"Content-ID: <logo>\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n"
		"R0lGODlh\r\n"
		"--rel--\r\n"
		"--alt--\r\n"
		"--m\r\n"
		"Content-Type: message/rfc822\r\n\r\n"
		"From: c@example.com\r\n"
		"To: a@example.com\r\n"
		"Subject: the plan\r\n\r\n"
		"INNER body\r\n"
		"--m\r\n"
		"Content-Type: application/ms-tnef; name=winmail.dat\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n"
		"eJ8+IgAA\r\n"
		"--m\r\n"
		"Content-Type: text/plain; name=\"../../etc/passwd\"\r\n"
		"Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\n"
		"root:x:0:0\r\n"
		"--m--\r\n";
	run r;
	dft_mem_child *c;
	(void)state;
	assert_int_equal(eml(&r, msg, 0), 0);
	assert_non_null(strstr(text(&r), "PLAIN body here"));
	assert_null(strstr(text(&r), "HTML body here"));
	assert_null(strstr(text(&r), "INNER body"));
	assert_int_equal(r.m.nchildren, 4);
	c = child(&r, "attachment-1.gif");
	assert_non_null(c);
	assert_memory_equal(c->data.ptr, "GIF89a", 6);
	c = child(&r, "the plan.eml");
	assert_non_null(c);
	assert_non_null(strstr(dft_buf_cstr(&c->data), "Subject: the plan"));
	assert_non_null(strstr(dft_buf_cstr(&c->data), "INNER body"));
	c = child(&r, "winmail.dat");
	assert_non_null(c);
	assert_memory_equal(c->data.ptr, "\x78\x9f\x3e\x22\x00\x00", 6);
	c = child(&r, ".._.._etc_passwd");
	assert_non_null(c);
	/* the line end before a boundary belongs to the boundary */
	assert_string_equal(dft_buf_cstr(&c->data), "root:x:0:0");
	done(&r);
	/* the forwarded message, extracted on its own as the pipeline would */
	{
		run r2;
		assert_int_equal(eml(&r, msg, 0), 0);
		c = child(&r, "the plan.eml");
		assert_int_equal(eml(&r2, c->data.ptr, c->data.len), 0);
		assert_string_equal(meta(&r2, "subject"), "the plan");
		assert_non_null(strstr(text(&r2), "INNER body"));
		done(&r2);
		done(&r);
	}
}

static void test_bad_messages(void **state)
{
	run r;
	dft_buf msg;
	int i;
	(void)state;

	/* not a message at all */
	assert_true(eml(&r, "\x01\x02\x03 no headers here", 0) < 0);
	assert_non_null(strstr(dft_error_msg(), "no header"));
	done(&r);

	/* garbage base64: the part is still a child, the text is there */
	assert_int_equal(eml(&r,
		"From: a@b\nSubject: junk\nContent-Type: multipart/mixed; boundary=x\n\n"
		"--x\nContent-Type: text/plain\n\nbody text\n"
		"--x\nContent-Type: application/pdf; name=a.pdf\nContent-Transfer-Encoding: base64\n\n"
		"!!!!****%%%%$$$$ not base64 at all ~~~~\n@@@@\n--x--\n", 0), 0);
	assert_non_null(strstr(text(&r), "body text"));
	assert_non_null(child(&r, "a.pdf"));
	done(&r);

	/* a truncated multipart: no end boundary, part cut mid-base64 */
	assert_int_equal(eml(&r,
		"From: a@b\nSubject: cut\nContent-Type: multipart/mixed; boundary=x\n\n"
		"--x\nContent-Type: text/plain\n\nbefore the cut\n"
		"--x\nContent-Type: application/zip; name=z.zip\nContent-Transfer-Encoding: base64\n\n"
		"UEsDBBQAAAAIA", 0), 0);
	assert_non_null(strstr(text(&r), "before the cut"));
	assert_non_null(child(&r, "z.zip"));
	done(&r);

	/* 10,000 attachments with a limit of 100 */
	dft_buf_init(&msg, 0);
	assert_int_equal(dft_buf_adds(&msg, "From: a@b\nSubject: many\n"
				      "Content-Type: multipart/mixed; boundary=x\n\n"
				      "--x\nContent-Type: text/plain\n\nmany files\n"), 0);
	for (i = 0; i < 10000; i++)
		assert_int_equal(dft_buf_addf(&msg, "--x\nContent-Type: application/octet-stream; "
					      "name=f%d.bin\n\nbytes %d\n", i, i), 0);
	assert_int_equal(dft_buf_adds(&msg, "--x--\n"), 0);
	dft_limits_default(&r.lim);
	r.lim.max_members = 100;
	assert_int_equal(extract_with(&r, dft_extract_email, msg.ptr, msg.len, -1, "many.eml"), 0);
	assert_int_equal(r.m.nchildren, 100);
	assert_non_null(child(&r, "f99.bin"));
	assert_null(child(&r, "f100.bin"));
	assert_non_null(strstr(dft_buf_cstr(&r.m.notes), "9900 attachments beyond the limit of 100"));
	assert_string_equal(meta(&r, "attachments"), "10000");
	done(&r);
	dft_buf_dispose(&msg);

	/* deep nesting: 5,000 multiparts, one inside the other */
	dft_buf_init(&msg, 0);
	assert_int_equal(dft_buf_adds(&msg, "From: a@b\nSubject: deep\n"), 0);
	for (i = 0; i < 5000; i++)
		assert_int_equal(dft_buf_addf(&msg, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", i, i), 0);
	assert_int_equal(dft_buf_adds(&msg, "Content-Type: text/plain\n\ndeepest\n"), 0);
	for (i = 4999; i >= 0; i--)
		assert_int_equal(dft_buf_addf(&msg, "--b%d--\n", i), 0);
	assert_int_equal(eml(&r, msg.ptr, msg.len), 0);
	assert_non_null(strstr(dft_buf_cstr(&r.m.notes), "nested deeper than"));
	assert_null(strstr(text(&r), "deepest"));
	done(&r);
	dft_buf_dispose(&msg);

	/* the text limit */
	dft_buf_init(&msg, 0);
	assert_int_equal(dft_buf_adds(&msg, "From: a@b\nSubject: long\n\n"), 0);
	for (i = 0; i < 2000; i++)
		assert_int_equal(dft_buf_adds(&msg, "كلمة word "), 0);
	dft_limits_default(&r.lim);
	r.lim.max_text = 1001;
	assert_int_equal(extract_with(&r, dft_extract_email, msg.ptr, msg.len, -1, "long.eml"), 0);
	assert_true(r.m.text.len <= 1001);
	assert_true(dft_utf8_valid(r.m.text.ptr, r.m.text.len));
	assert_non_null(strstr(dft_buf_cstr(&r.m.notes), "text truncated"));
	done(&r);
	dft_buf_dispose(&msg);
}

/* ---- mbox ------------------------------------------------------------------- */

static const char MBOX[] =
	"From ahmad@example.iq Sun Apr 12 09:30:00 2015\n"
	"From: Ahmad <ahmad@example.iq>\n"
	"Date: Sun, 12 Apr 2015 09:30:00 +0300\n"
	"Subject: =?utf-8?B?2KrZgtix2YrYsQ==?= 1/2\n"
	"\n"
	"first body\n"
	">From the start, quoted\n"
	">>From twice quoted\n"
	"From here on not a separator: no blank line before\n"
	"\n"
	"From broken Mon Apr 13 10:00:00 2015\n"
	"\x01\x02 this message is broken: no header at all\n"
	"\n"
	"From sara@example.com Tue Apr 14 11:00:00 2015\n"
	"From: Sara <sara@example.com>\n"
	"Subject: third\n"
	"Content-Type: multipart/mixed; boundary=x\n"
	"\n"
	"--x\n"
	"Content-Type: text/plain\n"
	"\n"
	"third body, cut in the middle of its attach";

static const char FIRST[] = "From: Ahmad <ahmad@example.iq>\n"
			    "Date: Sun, 12 Apr 2015 09:30:00 +0300\n"
			    "Subject: =?utf-8?B?2KrZgtix2YrYsQ==?= 1/2\n"
			    "\n"
			    "first body\n"
			    "From the start, quoted\n"
			    ">From twice quoted\n"
			    "From here on not a separator: no blank line before\n";

static void test_mbox(void **state)
{
	run r, r2;
	dft_mem_child *c;
	char path[512];
	const char *tmp = getenv("DAFTAR_TEST_TMP");
	int fd;
	(void)state;

	dft_limits_default(&r.lim);
	assert_int_equal(extract_with(&r, dft_extract_mbox, MBOX, strlen(MBOX), -1, "box.mbox"), 0);
	assert_string_equal(meta(&r, "messages"), "3");
	assert_int_equal(r.m.nchildren, 3);
	assert_string_equal(r.m.children[0].name, "message-0001-تقرير 1_2.eml");
	assert_string_equal(r.m.children[1].name, "message-0002.eml");
	assert_string_equal(r.m.children[2].name, "message-0003-third.eml");
	c = &r.m.children[0];
	assert_string_equal(dft_buf_cstr(&c->data), FIRST);
	assert_string_equal(text(&r), "2015-04-12T09:30:00+03:00 | Ahmad <ahmad@example.iq> | تقرير 1/2\n"
				      " |  | \n"
				      " | Sara <sara@example.com> | third\n");
	/* each child as the pipeline extracts it: the broken one fails alone */
	assert_int_equal(eml(&r2, r.m.children[0].data.ptr, r.m.children[0].data.len), 0);
	assert_string_equal(meta(&r2, "subject"), "تقرير 1/2");
	done(&r2);
	assert_true(eml(&r2, r.m.children[1].data.ptr, r.m.children[1].data.len) < 0);
	done(&r2);
	assert_int_equal(eml(&r2, r.m.children[2].data.ptr, r.m.children[2].data.len), 0);
	assert_non_null(strstr(text(&r2), "third body, cut in the middle"));
	done(&r2);
	done(&r);

	/* the same through the fd, as for a mailbox too large to map */
	snprintf(path, sizeof(path), "%s/test_email_box.mbox", tmp ? tmp : "/tmp");
	if (tmp)
		mkdir(tmp, 0755);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, MBOX, strlen(MBOX)), (ssize_t)strlen(MBOX));
	dft_limits_default(&r.lim);
	r.lim.max_members = 2;
	assert_int_equal(extract_with(&r, dft_extract_mbox, NULL, strlen(MBOX), fd, "box.mbox"), 0);
	close(fd);
	unlink(path);
	assert_string_equal(meta(&r, "messages"), "3");
	assert_int_equal(r.m.nchildren, 2);
	assert_string_equal(dft_buf_cstr(&r.m.children[0].data), FIRST);
	assert_non_null(strstr(dft_buf_cstr(&r.m.notes), "1 messages beyond the limit of 2"));
	assert_non_null(strstr(text(&r), "| third\n"));
	done(&r);

	/* not a mailbox */
	dft_limits_default(&r.lim);
	assert_true(extract_with(&r, dft_extract_mbox, "hello\nworld\n", 12, -1, "x.mbox") < 0);
	done(&r);
	assert_true(extract_with(&r, dft_extract_mbox, "\n\n", 2, -1, "x.mbox") < 0);
	done(&r);
	/* CRLF mailbox */
	{
		static const char crlf[] = "From a Mon Jun 01 10:00:00 2009\r\nSubject: one\r\n\r\nx\r\n\r\n"
					   "From b Mon Jun 01 11:00:00 2009\r\nSubject: two\r\n\r\ny\r\n";
		assert_int_equal(extract_with(&r, dft_extract_mbox, crlf, sizeof(crlf) - 1, -1, "crlf.mbox"), 0);
	}
	assert_string_equal(meta(&r, "messages"), "2");
	assert_string_equal(r.m.children[0].name, "message-0001-one.eml");
	assert_string_equal(dft_buf_cstr(&r.m.children[0].data), "Subject: one\r\n\r\nx\r\n");
	done(&r);
}

/* ---- real mail ------------------------------------------------------------- */

static unsigned char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long len;
	if (!f)
		return NULL;
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

static void test_real_sisimai(void **state)
{
	static const char *const dirs[] = {"bsd", "dos", "mac", "err", "not"};
	char path[1400], corpus[1024];
	size_t i, ok = 0, total = 0, withtext = 0;
	(void)state;
	TEST_NEEDS_CORPUS(corpus, "sisimai-emails");
	for (i = 0; i < 5; i++) {
		DIR *d;
		struct dirent *e;
		snprintf(path, sizeof(path), "%s/maildir/%s", corpus, dirs[i]);
		d = opendir(path);
		if (!d)
			continue;
		while ((e = readdir(d))) {
			char f[1700];
			unsigned char *p;
			size_t n;
			run r;
			if (e->d_name[0] == '.')
				continue;
			snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
			if (!(p = slurp(f, &n)))
				continue;
			total++;
			if (eml(&r, (const char *)p, n) == 0) {
				ok++;
				if (strstr(text(&r), "\n\n") && r.m.text.len > 40)
					withtext++;
			} else
				print_message("failed: %s: %s\n", f, dft_error_msg());
			done(&r);
			free(p);
		}
		closedir(d);
	}
	print_message("sisimai maildir: %zu of %zu extracted, %zu with a body\n", ok, total, withtext);
	assert_true(total > 800);
	assert_true(ok >= total - 2);
	assert_true(withtext * 10 >= total * 9);

	/* the mailboxes: as many messages as envelope lines */
	snprintf(path, sizeof(path), "%s/mailbox/mbox-0", corpus);
	{
		size_t n, j, froms = 0;
		unsigned char *p = slurp(path, &n);
		run r;
		assert_non_null(p);
		for (j = 0; j + 5 <= n; j++)
			if ((j == 0 || p[j - 1] == '\n') && memcmp(p + j, "From ", 5) == 0)
				froms++;
		dft_limits_default(&r.lim);
		assert_int_equal(extract_with(&r, dft_extract_mbox, p, n, -1, "mbox-0"), 0);
		print_message("mbox-0: %zu envelope lines, %zu messages\n", froms, r.m.nchildren);
		assert_true(r.m.nchildren >= 30 && r.m.nchildren <= froms);
		for (j = 0; j < r.m.nchildren; j++) {
			run r2;
			assert_int_equal(eml(&r2, r.m.children[j].data.ptr, r.m.children[j].data.len), 0);
			done(&r2);
		}
		done(&r);
		free(p);
	}
}

static void test_real_tika(void **state)
{
	static const char *const emls[] = {
		"testRFC822_multipart_attachments.eml", "testThunderbirdEml.eml", "testLotusEml.eml",
		"testGroupWiseEml.eml", "testEmailWithPNGAtt.eml", "testRFC822_dkim.eml",
		"testEML_embedded_xhtml_and_img.eml", "testRFC822_x-.eml", "test-incremental-updates.eml",
	};
	static const struct { const char *name; int messages; } boxes[] = {
		{"simple.mbox", 2}, {"complex.mbox", 3}, {"headers.mbox", 1}, {"multiline.mbox", 1},
		{"quoted.mbox", 1}, {"single_mail.mbox", 1}, {"testMBOX_complex.mbox", 1},
		{"testMBOX_lengthy_x-headers.mbox", 1},
	};
	char path[1400], corpus[1024];
	size_t i, n;
	(void)state;
	TEST_NEEDS_CORPUS(corpus, "tika-test-documents");
	for (i = 0; i < sizeof(emls) / sizeof(emls[0]); i++) {
		unsigned char *p;
		run r;
		snprintf(path, sizeof(path), "%s/%s", corpus, emls[i]);
		p = slurp(path, &n);
		assert_non_null(p);
		if (eml(&r, (const char *)p, n) != 0)
			fail_msg("%s: %s", emls[i], dft_error_msg());
		print_message("%s: %zu bytes of text, %zu children, subject %s\n", emls[i], r.m.text.len,
			      r.m.nchildren, meta(&r, "subject") ? meta(&r, "subject") : "-");
		if (i == 0) {
			/* two text attachments, the text/plain body chosen */
			assert_int_equal(r.m.nchildren, 2);
			assert_non_null(child(&r, "Test TxtA.txt"));
			assert_non_null(child(&r, "Test TxtB.txt"));
			assert_non_null(strstr(text(&r), "This is test email for EML1\n"));
		}
		done(&r);
		free(p);
	}
	for (i = 0; i < sizeof(boxes) / sizeof(boxes[0]); i++) {
		unsigned char *p;
		run r;
		snprintf(path, sizeof(path), "%s/%s", corpus, boxes[i].name);
		p = slurp(path, &n);
		assert_non_null(p);
		dft_limits_default(&r.lim);
		if (extract_with(&r, dft_extract_mbox, p, n, -1, boxes[i].name) != 0)
			fail_msg("%s: %s", boxes[i].name, dft_error_msg());
		if ((int)r.m.nchildren != boxes[i].messages)
			fail_msg("%s: %zu messages, expected %d", boxes[i].name, r.m.nchildren, boxes[i].messages);
		done(&r);
		free(p);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_multipart_zip_and_arabic),
		cmocka_unit_test(test_html_only),
		cmocka_unit_test(test_alternative_and_forward),
		cmocka_unit_test(test_bad_messages),
		cmocka_unit_test(test_mbox),
		cmocka_unit_test(test_real_sisimai),
		cmocka_unit_test(test_real_tika),
	};
	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
