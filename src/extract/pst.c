/*
 * pst.c - Outlook personal folders (.pst) and offline folders (.ost), with
 * libpst.
 *
 * libpst opens a file by name (pst_open → fopen), which the sandbox
 * forbids. But struct pst_file is public and everything after the open
 * reads through its FILE *fp with fseeko/fread. So the extractor gives it
 * a FILE made with fopencookie() over the document - the mapped bytes, or
 * pread() on the fd when the file is too large to map - and does the few
 * things pst_open does after fopen (check the "!BDN" signature, read the
 * index type, the encryption byte and the two b-tree roots). No file is
 * opened and nothing in the sandbox changes.
 *
 * Every item that is not a folder (mail, but also contacts, appointments,
 * notes, tasks) becomes a child RFC 822 message written here: headers
 * (From, To, Cc, Bcc, Subject, Date, Message-ID, In-Reply-To), the body
 * (text/plain, text/html, or the RTF body as an attachment "body.rtf") and
 * its attachments as base64 MIME parts. The child is named by its folder
 * path, "Inbox/0001-<subject>.eml", and the pipeline extracts it as e-mail.
 * The .pst's own text lists its folders with their message counts.
 */
#include "mail.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpst/libpst.h>
#include <libpst/lzfu.h>

#define PST_MAX_DEPTH 64 /* folders nested */
#define PST_SUBJ_NAME 60  /* bytes of a subject in a child's name */

/* ---- a FILE over the document ---------------------------------------------------- */

typedef struct pst_cookie {
	const dft_input *in;
	uint64_t pos;
} pst_cookie;

static ssize_t pstc_read(void *c, char *buf, size_t n)
{
	pst_cookie *k = c;
	if (k->pos >= k->in->size)
		return 0;
	if (n > k->in->size - k->pos)
		n = (size_t)(k->in->size - k->pos);
	if (k->in->data) {
		memcpy(buf, k->in->data + k->pos, n);
	} else {
		ssize_t r;
		do
			r = pread(k->in->fd, buf, n, (off_t)k->pos);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			return -1;
		n = (size_t)r;
	}
	k->pos += n;
	return (ssize_t)n;
}

static int pstc_seek(void *c, off64_t *off, int whence)
{
	pst_cookie *k = c;
	int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? (int64_t)k->pos : (int64_t)k->in->size;
	if (base + *off < 0)
		return -1;
	k->pos = (uint64_t)(base + *off);
	*off = (off64_t)k->pos;
	return 0;
}

static int pstc_close(void *c)
{
	(void)c;
	return 0;
}

static uint64_t pst_le(const dft_input *in, uint64_t off, int bytes)
{
	unsigned char b[8] = {0};
	uint64_t v = 0;
	int i;
	if (off + (uint64_t)bytes > in->size)
		return 0;
	if (in->data)
		memcpy(b, in->data + off, (size_t)bytes);
	else if (pread(in->fd, b, (size_t)bytes, (off_t)off) != bytes)
		return 0;
	for (i = bytes - 1; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* What pst_open() does after its fopen(), on our FILE. */
static int pst_open_input(pst_file *pf, const dft_input *in, pst_cookie *ck)
{
	cookie_io_functions_t io = {pstc_read, NULL, pstc_seek, pstc_close};
	int r64;
	memset(pf, 0, sizeof(*pf));
	/* no pst_unicode_init() here: dft_email_init() ran it before the
	 * sandbox closed, and a second iconv_open() could fail inside it */
	if (in->size < 0x210 || pst_le(in, 0, 4) != 0x4E444221)
		return dft_error_set(DFT_EINVAL, "not an Outlook .pst/.ost file: no !BDN signature");
	pf->ind_type = (int)pst_le(in, 0x0A, 1);
	switch (pf->ind_type) {
	case 0x0E: case 0x0F: r64 = 0; break;
	case 0x17: case 0x15: r64 = 1; break;
	case 0x24: r64 = 2; break;
	default:
		return dft_error_set(DFT_EINVAL, "Outlook file of an unknown format (index type %#x)", pf->ind_type);
	}
	pf->do_read64 = r64;
	pf->encryption = (unsigned char)pst_le(in, r64 ? 0x201 : 0x1CD, 1);
	pf->index2_back = pst_le(in, r64 ? 0xD8 : 0xB8, r64 ? 8 : 4);
	pf->index2 = pst_le(in, r64 ? 0xE0 : 0xBC, r64 ? 8 : 4);
	pf->size = pst_le(in, r64 ? 0xB8 : 0xA8, r64 ? 8 : 4);
	pf->index1_back = pst_le(in, r64 ? 0xE8 : 0xC0, r64 ? 8 : 4);
	pf->index1 = pst_le(in, r64 ? 0xF0 : 0xC4, r64 ? 8 : 4);
	ck->in = in;
	ck->pos = 0;
	pf->fp = fopencookie(ck, "rb", io);
	if (!pf->fp)
		return dft_error_set(DFT_ENOMEM, "cannot make a stream over the .pst");
	return 0;
}

/* ---- writing one item as an RFC 822 message ----------------------------------- */

typedef struct pstx {
	dft_sink *sink;
	const dft_input *in;
	dft_limits lim;
	pst_file pf;
	dft_mail_text text;
	dft_mail_names *names;
	dft_buf eml, name, path, tmp, val;
	uint64_t messages, delivered, skipped, folders, failed, embedded;
	int too_deep;
} pstx;

/* A pst_string as UTF-8 in out ("" when empty). */
static int pst_str(pstx *x, pst_item *item, const pst_string *s, dft_buf *out)
{
	char cs[40] = "";
	dft_buf_reset(out);
	if (!s || !s->str || !*s->str)
		return 0;
	if (s->is_utf8)
		return dft_utf8_sanitize(out, s->str, strlen(s->str), NULL);
	if (item && item->body_charset.str && strlen(item->body_charset.str) < sizeof(cs))
		snprintf(cs, sizeof(cs), "%s", item->body_charset.str);
	else if (item && item->internet_cpid)
		dft_mail_codepage(cs, (uint64_t)item->internet_cpid);
	else if (item && item->message_codepage)
		dft_mail_codepage(cs, (uint64_t)item->message_codepage);
	(void)x;
	return dft_decode_text(out, (const unsigned char *)s->str, strlen(s->str), cs[0] ? cs : NULL, NULL);
}

static int pst_b64(dft_buf *out, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, col = 0;
	int rc = 0;
	for (i = 0; i < n && rc == 0; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
			     (i + 2 < n ? p[i + 2] : 0);
		char q[4] = {tab[v >> 18 & 63], tab[v >> 12 & 63], i + 1 < n ? tab[v >> 6 & 63] : '=',
			     i + 2 < n ? tab[v & 63] : '='};
		rc = dft_buf_add(out, q, 4);
		if (rc == 0 && (col += 4) >= 76) {
			rc = dft_buf_adds(out, "\r\n");
			col = 0;
		}
	}
	if (rc == 0 && col)
		rc = dft_buf_adds(out, "\r\n");
	return rc;
}

/* A header line; non-ASCII values as RFC 2047 UTF-8 base64 words. */
static int pst_header(dft_buf *out, const char *name, const char *v)
{
	const unsigned char *p = (const unsigned char *)v;
	int ascii = 1, rc;
	size_t i, n = strlen(v);
	if (!n)
		return 0;
	for (i = 0; i < n; i++)
		if (p[i] >= 0x80 || p[i] < 0x20)
			ascii = 0;
	if ((rc = dft_buf_addf(out, "%s: ", name)) < 0)
		return rc;
	if (ascii)
		return dft_buf_addf(out, "%s\r\n", v);
	/* words of at most 45 bytes, cut at character boundaries */
	for (i = 0; i < n;) {
		size_t k = n - i < 45 ? n - i : 45;
		dft_buf w;
		while (i + k < n && (p[i + k] & 0xC0) == 0x80)
			k--;
		dft_buf_init(&w, 0);
		rc = pst_b64(&w, p + i, k);
		while (rc == 0 && w.len && (w.ptr[w.len - 1] == '\n' || w.ptr[w.len - 1] == '\r'))
			w.ptr[--w.len] = '\0';
		if (rc == 0)
			rc = dft_buf_addf(out, "%s=?UTF-8?B?%s?=", i ? "\r\n " : "", dft_buf_cstr(&w));
		dft_buf_dispose(&w);
		if (rc < 0)
			return rc;
		i += k;
	}
	return dft_buf_adds(out, "\r\n");
}

static int pst_filetime_rfc(char out[64], const FILETIME *ft)
{
	uint64_t v;
	time_t t;
	struct tm tm;
	out[0] = '\0';
	if (!ft)
		return 0;
	v = (uint64_t)ft->dwHighDateTime << 32 | ft->dwLowDateTime;
	if (v / 10000000ULL < 11644473600ULL)
		return 0;
	t = (time_t)(v / 10000000ULL - 11644473600ULL);
	if (!gmtime_r(&t, &tm) || tm.tm_year > 8000)
		return 0;
	strftime(out, 64, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	return 1;
}

static int pst_part_head(dft_buf *e, const char *boundary, const char *type)
{
	return dft_buf_addf(e, "--%s\r\nContent-Type: %s\r\nContent-Transfer-Encoding: base64\r\n", boundary, type);
}

/* The bytes of an attachment (malloc'ed by libpst when not inline). */
static int pst_attach_part(pstx *x, pst_item *item, pst_item_attach *a, const char *boundary, int n)
{
	dft_buf *e = &x->eml;
	pst_binary b = {0, NULL};
	int owned = 0, rc;
	const char *mime;
	if (a->method == PST_ATTACH_EMBEDDED) {
		x->embedded++;
		return 0;
	}
	if (a->data.data) {
		b = a->data;
	} else if (a->i_id) {
		b = pst_attach_to_mem(&x->pf, a);
		owned = 1;
	}
	if ((rc = pst_str(x, item, a->filename2.str ? &a->filename2 : &a->filename1, &x->val)) < 0)
		goto done;
	dft_buf_reset(&x->tmp);
	if (x->val.len && (rc = dft_mail_name_add(&x->tmp, x->val.ptr, 120)) < 0)
		goto done;
	if (!x->tmp.len && (rc = dft_buf_addf(&x->tmp, "attachment-%d.bin", n)) < 0)
		goto done;
	mime = a->mimetype.str && strchr(a->mimetype.str, '/') && !strpbrk(a->mimetype.str, "\r\n;\"")
		       ? a->mimetype.str : "application/octet-stream";
	if ((rc = pst_part_head(e, boundary, mime)) < 0 ||
	    (rc = pst_header(e, "Content-Disposition", "attachment")) < 0)
		goto done;
	/* the name: RFC 2231 percent-encoded UTF-8 */
	e->len -= 2;
	if ((rc = dft_buf_adds(e, "; filename*=UTF-8''")) < 0)
		goto done;
	{
		const unsigned char *p = (const unsigned char *)x->tmp.ptr;
		for (; *p && rc == 0; p++)
			rc = (*p >= 0x80 || *p <= 0x20 || strchr("%'*()<>@,;:\\\"/[]?=", *p))
				     ? dft_buf_addf(e, "%%%02X", *p)
				     : dft_buf_addc(e, (char)*p);
	}
	if (rc < 0 || (rc = dft_buf_adds(e, "\r\n\r\n")) < 0)
		goto done;
	rc = pst_b64(e, (const unsigned char *)(b.data ? b.data : ""), b.data ? b.size : 0);
done:
	if (owned)
		free(b.data);
	return rc;
}

/* Write item as an RFC 822 message into x->eml. */
static int pst_write_eml(pstx *x, pst_item *item)
{
	pst_item_email *em = item->email;
	dft_buf *e = &x->eml;
	char date[64], boundary[64];
	pst_item_attach *a;
	int rc = 0, n = 0, have_html;
	dft_buf_reset(e);
	snprintf(boundary, sizeof(boundary), "=_daftar_pst_%" PRIu64, x->messages);

	if (em) {
		dft_buf v;
		dft_buf_init(&v, 0);
		if ((rc = pst_str(x, item, &em->outlook_sender_name, &v)) == 0 &&
		    (rc = pst_str(x, item, &em->sender_address, &x->val)) == 0) {
			if (v.len && x->val.len && strchr(x->val.ptr, '@') && strcmp(v.ptr, x->val.ptr) != 0)
				rc = dft_buf_addf(&v, " <%s>", x->val.ptr);
			else if (!v.len)
				rc = dft_buf_add(&v, x->val.ptr ? x->val.ptr : "", x->val.len);
			if (rc == 0)
				rc = pst_header(e, "From", dft_buf_cstr(&v));
		}
		dft_buf_dispose(&v);
		if (rc < 0)
			return rc;
		if ((rc = pst_str(x, item, &em->sentto_address, &x->val)) < 0 ||
		    (rc = pst_header(e, "To", dft_buf_cstr(&x->val))) < 0 ||
		    (rc = pst_str(x, item, &em->cc_address, &x->val)) < 0 ||
		    (rc = pst_header(e, "Cc", dft_buf_cstr(&x->val))) < 0 ||
		    (rc = pst_str(x, item, &em->bcc_address, &x->val)) < 0 ||
		    (rc = pst_header(e, "Bcc", dft_buf_cstr(&x->val))) < 0)
			return rc;
		if (pst_filetime_rfc(date, em->sent_date) || pst_filetime_rfc(date, em->arrival_date))
			if ((rc = pst_header(e, "Date", date)) < 0)
				return rc;
		if ((rc = pst_str(x, item, &em->messageid, &x->val)) < 0 ||
		    (rc = pst_header(e, "Message-ID", dft_buf_cstr(&x->val))) < 0 ||
		    (rc = pst_str(x, item, &em->in_reply_to, &x->val)) < 0 ||
		    (rc = pst_header(e, "In-Reply-To", dft_buf_cstr(&x->val))) < 0)
			return rc;
		if (em->header.str && (rc = pst_str(x, item, &em->header, &x->val)) == 0 && x->val.len) {
			dft_buf refs;
			dft_buf_init(&refs, 0);
			if ((rc = dft_mail_raw_header(x->val.ptr, x->val.len, "References", &refs)) == 0)
				rc = pst_header(e, "References", dft_buf_cstr(&refs));
			dft_buf_dispose(&refs);
		}
		if (rc < 0)
			return rc;
	} else if (pst_filetime_rfc(date, item->create_date) && (rc = pst_header(e, "Date", date)) < 0)
		return rc;
	if ((rc = pst_str(x, item, &item->subject, &x->val)) < 0)
		return rc;
	/* libpst leaves the two "normalised subject" prefix bytes in some */
	if (x->val.len >= 2 && (unsigned char)x->val.ptr[0] == 0x01)
		memmove(x->val.ptr, x->val.ptr + 2, (x->val.len -= 2) + 1);
	if ((rc = pst_header(e, "Subject", dft_buf_cstr(&x->val))) < 0)
		return rc;
	if (item->ascii_type && (rc = pst_header(e, "X-Outlook-Type", item->ascii_type)) < 0)
		return rc;
	if ((rc = dft_buf_addf(e, "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n",
			       boundary)) < 0)
		return rc;

	/* the body */
	if ((rc = pst_str(x, item, &item->body, &x->val)) < 0)
		return rc;
	have_html = em && em->htmlbody.str && *em->htmlbody.str;
	if (x->val.len || !have_html) {
		if ((rc = pst_part_head(e, boundary, "text/plain; charset=UTF-8")) < 0 ||
		    (rc = dft_buf_adds(e, "\r\n")) < 0 ||
		    (rc = pst_b64(e, (const unsigned char *)dft_buf_cstr(&x->val), x->val.len)) < 0)
			return rc;
	}
	if (have_html && !x->val.len) {
		if ((rc = pst_str(x, item, &em->htmlbody, &x->val)) < 0 ||
		    (rc = pst_part_head(e, boundary, "text/html; charset=UTF-8")) < 0 ||
		    (rc = dft_buf_adds(e, "\r\n")) < 0 ||
		    (rc = pst_b64(e, (const unsigned char *)dft_buf_cstr(&x->val), x->val.len)) < 0)
			return rc;
	} else if (!x->val.len && em && em->rtf_compressed.data && em->rtf_compressed.size > 16) {
		size_t rtf_len = 0;
		char *rtf = pst_lzfu_decompress(em->rtf_compressed.data, (uint32_t)em->rtf_compressed.size, &rtf_len);
		if (rtf) {
			if ((rc = pst_part_head(e, boundary, "application/rtf")) == 0 &&
			    (rc = dft_buf_adds(e, "Content-Disposition: attachment; filename=\"body.rtf\"\r\n\r\n")) == 0)
				rc = pst_b64(e, (const unsigned char *)rtf, rtf_len);
			free(rtf);
			if (rc < 0)
				return rc;
		}
	}
	for (a = item->attach; a; a = a->next)
		if ((rc = pst_attach_part(x, item, a, boundary, ++n)) < 0)
			return rc;
	return dft_buf_addf(e, "--%s--\r\n", boundary);
}

/* ---- walking the folders ------------------------------------------------------ */

static int pst_message(pstx *x, pst_item *item, uint64_t number)
{
	size_t off;
	int rc;
	if (x->delivered + x->failed >= x->lim.max_members) {
		x->skipped++;
		return 0;
	}
	dft_buf_reset(&x->name);
	if (x->path.len && ((rc = dft_buf_add(&x->name, x->path.ptr, x->path.len)) < 0 ||
			    (rc = dft_buf_addc(&x->name, '/')) < 0))
		return rc;
	if ((rc = dft_buf_addf(&x->name, "%04" PRIu64, number)) < 0 ||
	    (rc = pst_str(x, item, &item->subject, &x->val)) < 0)
		return rc;
	if (x->val.len >= 2 && (unsigned char)x->val.ptr[0] == 0x01)
		memmove(x->val.ptr, x->val.ptr + 2, (x->val.len -= 2) + 1);
	if (x->val.len && ((rc = dft_buf_addc(&x->name, '-')) < 0 ||
			   (rc = dft_mail_name_add(&x->name, x->val.ptr, PST_SUBJ_NAME)) < 0))
		return rc;
	if ((rc = dft_buf_adds(&x->name, ".eml")) < 0 || (rc = dft_mail_names_unique(x->names, &x->name)) < 0)
		return rc;
	rc = pst_write_eml(x, item);
	if (rc < 0) {
		if (rc == DFT_ENOMEM)
			return rc;
		x->failed++;
		return x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), -1, dft_error_msg());
	}
	if ((rc = x->sink->child_begin(x->sink, dft_buf_cstr(&x->name), (int64_t)x->eml.len, 0)) < 0)
		return rc;
	for (off = 0; off < x->eml.len; off += (size_t)1 << 20)
		if ((rc = x->sink->child_data(x->sink, x->eml.ptr + off,
					      x->eml.len - off < ((size_t)1 << 20) ? x->eml.len - off
										: (size_t)1 << 20)) < 0)
			return rc;
	x->delivered++;
	return x->sink->child_end(x->sink);
}

static int pst_folder(pstx *x, pst_desc_tree *d, int depth)
{
	uint64_t count = 0;
	size_t path_len = x->path.len;
	int rc = 0;
	if (depth > PST_MAX_DEPTH) {
		x->too_deep = 1;
		return 0;
	}
	for (; d && rc >= 0; d = d->next) {
		pst_item *item;
		if (!d->desc)
			continue;
		item = pst_parse_item(&x->pf, d, NULL);
		if (!item)
			continue;
		if (item->folder) {
			dft_buf line;
			x->folders++;
			rc = pst_str(x, item, &item->file_as, &x->val);
			if (rc == 0 && path_len)
				rc = dft_buf_addc(&x->path, '/');
			if (rc == 0)
				rc = dft_mail_name_add(&x->path, x->val.len ? x->val.ptr : "folder", 80);
			if (rc == 0 && d->child) {
				dft_buf_init(&line, 0);
				rc = dft_buf_add(&line, x->path.ptr, x->path.len);
				if (rc == 0)
					rc = pst_folder(x, d->child, depth + 1);
				dft_buf_dispose(&line);
			}
			x->path.len = path_len;
			if (x->path.ptr)
				x->path.ptr[path_len] = '\0';
		} else {
			x->messages++;
			rc = pst_message(x, item, ++count);
		}
		pst_freeItem(item);
	}
	if (rc >= 0) {
		/* listing: "path: N messages" for folders holding messages */
		dft_buf line;
		dft_buf_init(&line, 0);
		if (count && (rc = dft_buf_addf(&line, "%s: %" PRIu64 " message%s\n",
						path_len ? dft_buf_cstr(&x->path) : "(top)", count,
						count == 1 ? "" : "s")) == 0)
			rc = dft_mail_text_add(&x->text, line.ptr, line.len);
		dft_buf_dispose(&line);
	}
	return rc;
}

int dft_extract_pst(dft_sink *sink, const dft_input *in)
{
	pst_cookie ck;
	pst_item *root = NULL;
	pst_desc_tree *top;
	pstx x;
	char num[24], msg[200];
	int rc, opened = 0;

	dft_email_init();
	memset(&x, 0, sizeof(x));
	x.sink = sink;
	x.in = in;
	dft_mail_limits(&x.lim, in);
	dft_mail_text_init(&x.text, x.lim.max_text);
	dft_buf_init(&x.eml, (size_t)1 << 30);
	dft_buf_init(&x.name, 0);
	dft_buf_init(&x.path, 0);
	dft_buf_init(&x.tmp, 0);
	dft_buf_init(&x.val, (size_t)1 << 30);
	if (!(x.names = dft_mail_names_new())) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (!in->data && in->fd < 0) {
		rc = dft_error_set(DFT_EIO, "no bytes to read");
		goto done;
	}
	if ((rc = pst_open_input(&x.pf, in, &ck)) < 0)
		goto done;
	opened = 1;
	if (pst_load_index(&x.pf) != 0) {
		rc = dft_error_set(DFT_ECORRUPT, "the .pst index cannot be read (damaged or truncated file)");
		goto done;
	}
	pst_load_extended_attributes(&x.pf);
	if (x.pf.encryption == 2) {
		/* libpst reads the "high" encoding too; say so */
		if ((rc = sink->note(sink, "the .pst uses Outlook's high encoding (not a password)")) < 0)
			goto done;
	}
	root = x.pf.d_head ? pst_parse_item(&x.pf, x.pf.d_head, NULL) : NULL;
	if (!root || !root->message_store) {
		rc = dft_error_set(DFT_ECORRUPT, "the .pst has no message store record");
		goto done;
	}
	top = pst_getTopOfFolders(&x.pf, root);
	if (!top) {
		rc = dft_error_set(DFT_ECORRUPT, "the .pst has no top of folders");
		goto done;
	}
	if ((rc = pst_folder(&x, top->child, 0)) < 0)
		goto done;
	snprintf(num, sizeof(num), "%" PRIu64, x.messages);
	if ((rc = sink->meta(sink, "messages", num)) < 0)
		goto done;
	snprintf(num, sizeof(num), "%" PRIu64, x.folders);
	if ((rc = sink->meta(sink, "folders", num)) < 0)
		goto done;
	if (x.skipped) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " messages beyond the limit of %" PRIu64 " not extracted",
			 x.skipped, x.lim.max_members);
		if ((rc = sink->note(sink, msg)) < 0)
			goto done;
	}
	if (x.embedded) {
		snprintf(msg, sizeof(msg), "%" PRIu64 " embedded messages (attached .msg) not extracted",
			 x.embedded);
		if ((rc = sink->note(sink, msg)) < 0)
			goto done;
	}
	if (x.too_deep && (rc = sink->note(sink, "folders nested too deep were not read")) < 0)
		goto done;
	rc = dft_mail_text_flush(&x.text, sink);
done:
	if (root)
		pst_freeItem(root);
	if (opened)
		pst_close(&x.pf);
	dft_mail_text_dispose(&x.text);
	dft_mail_names_free(x.names);
	dft_buf_dispose(&x.eml);
	dft_buf_dispose(&x.name);
	dft_buf_dispose(&x.path);
	dft_buf_dispose(&x.tmp);
	dft_buf_dispose(&x.val);
	return rc;
}
