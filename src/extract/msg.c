/*
 * msg.c - Outlook .msg files: a message saved by Outlook, which is an OLE2
 * compound file (MS-OXMSG) holding one stream per MAPI property.
 *
 * libgsf reads the compound file from memory. Properties are streams named
 * __substg1.0_IIIITTTT (property id, type: 001F UTF-16LE, 001E 8-bit in the
 * message's code page, 0102 binary) or fixed-size values in the
 * __properties_version1.0 stream (dates, code page, attach method). The
 * text is a header block (From, To, Cc, Date, Subject) and the body: the
 * plain body (1000), else the HTML body (1013) laid out by the HTML
 * extractor, else the compressed RTF body (1009), decompressed here (LZFu,
 * MS-OXRTFCP) and given as a child "body.rtf". Attachments
 * (__attach_version1.0_#N storages) become children: their bytes (3701
 * binary) under their file name, and an embedded message (3701 storage) is
 * written out again as a compound file of its own, a child .msg that the
 * pipeline then extracts the same way.
 *
 * libmagic calls Outlook .pst files application/vnd.ms-outlook too, which
 * maps to "msg": a file that begins with the PST signature "!BDN" is handed
 * to the PST extractor.
 */
#include "mail.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gsf/gsf.h>
#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-output-memory.h>

#define MSG_PROP_MAX ((size_t)64 << 20)   /* bytes of one property stream read */
#define MSG_PROPS_MAX ((size_t)1 << 20)   /* bytes of a __properties stream read */
#define MSG_RTF_MAX ((size_t)64 << 20)    /* bytes of decompressed RTF */
#define MSG_COPY_DEPTH 16                 /* storages nested in an embedded message */
#define MSG_NAME_MAX 120

/* ---- reading properties ------------------------------------------------------ */

typedef struct msgx {
	dft_sink *sink;
	const dft_input *in;
	dft_limits lim;
	dft_mail_text text;
	dft_mail_names *names;
	dft_buf name, tmp, val;
	char charset[40]; /* from the code page, for 001E strings */
	uint64_t children, skipped;
} msgx;

static GsfInput *msg_child(GsfInfile *dir, const char *fmt, unsigned id, unsigned type)
{
	char name[64];
	snprintf(name, sizeof(name), fmt, id, type);
	return gsf_infile_child_by_name(dir, name);
}

/* Read a whole stream into out (bounded). */
static int msg_read(GsfInput *in, dft_buf *out, size_t max)
{
	gsf_off_t size = gsf_input_size(in);
	guint8 chunk[65536];
	dft_buf_reset(out);
	if (size < 0)
		return dft_error_set(DFT_ECORRUPT, "unreadable stream");
	if ((uint64_t)size > max)
		return dft_error_set(DFT_ELIMIT, "stream of %" PRId64 " bytes beyond the limit of %zu",
				     (int64_t)size, max);
	while (gsf_input_remaining(in) > 0) {
		size_t k = gsf_input_remaining(in) < (gsf_off_t)sizeof(chunk) ? (size_t)gsf_input_remaining(in)
									  : sizeof(chunk);
		int rc;
		if (!gsf_input_read(in, k, chunk))
			return dft_error_set(DFT_ECORRUPT, "truncated stream");
		if ((rc = dft_buf_add(out, chunk, k)) < 0)
			return rc;
	}
	return 0;
}

/* A string property (001F or 001E) as UTF-8 in out: 1 found, 0 not. */
static int msg_string(msgx *x, GsfInfile *dir, unsigned id, dft_buf *out)
{
	GsfInput *in = msg_child(dir, "__substg1.0_%04X%04X", id, 0x001F);
	int utf16 = in != NULL, rc;
	size_t n;
	dft_buf_reset(out);
	if (!in)
		in = msg_child(dir, "__substg1.0_%04X%04X", id, 0x001E);
	if (!in)
		return 0;
	rc = msg_read(in, &x->tmp, MSG_PROP_MAX);
	g_object_unref(in);
	if (rc < 0)
		return rc == DFT_ENOMEM ? rc : 0;
	n = x->tmp.len;
	/* drop trailing NULs */
	if (utf16) {
		n &= ~(size_t)1;
		while (n >= 2 && x->tmp.ptr[n - 1] == 0 && x->tmp.ptr[n - 2] == 0)
			n -= 2;
	} else
		while (n && x->tmp.ptr[n - 1] == 0)
			n--;
	if (!n)
		return 0;
	rc = dft_decode_text(out, (const unsigned char *)x->tmp.ptr, n,
			     utf16 ? "UTF-16LE" : (x->charset[0] ? x->charset : NULL), NULL);
	return rc < 0 ? rc : 1;
}

/* A fixed-size property from __properties_version1.0: 1 found. */
static int msg_fixed(msgx *x, GsfInfile *dir, size_t header, unsigned id, unsigned type, uint64_t *v)
{
	GsfInput *in = gsf_infile_child_by_name(dir, "__properties_version1.0");
	size_t off;
	int rc;
	if (!in)
		return 0;
	rc = msg_read(in, &x->tmp, MSG_PROPS_MAX);
	g_object_unref(in);
	if (rc < 0)
		return rc == DFT_ENOMEM ? rc : 0;
	for (off = header; off + 16 <= x->tmp.len; off += 16) {
		const unsigned char *e = (const unsigned char *)x->tmp.ptr + off;
		uint32_t tag = (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
		if ((tag >> 16) == id && (tag & 0xFFFF) == type) {
			*v = gsf_le_get_guint64(e + 8);
			return 1;
		}
	}
	return 0;
}

/* A Windows code page to a charset name ICU knows. */
void dft_mail_codepage(char out[40], uint64_t cp)
{
	switch (cp) {
	case 65001: snprintf(out, 40, "UTF-8"); break;
	case 1200: snprintf(out, 40, "UTF-16LE"); break;
	case 20127: snprintf(out, 40, "US-ASCII"); break;
	case 932: snprintf(out, 40, "Shift_JIS"); break;
	case 936: snprintf(out, 40, "GBK"); break;
	case 949: snprintf(out, 40, "windows-949"); break;
	case 950: snprintf(out, 40, "Big5"); break;
	case 20866: snprintf(out, 40, "KOI8-R"); break;
	case 21866: snprintf(out, 40, "KOI8-U"); break;
	case 50220: case 50221: case 50222: snprintf(out, 40, "ISO-2022-JP"); break;
	case 51932: snprintf(out, 40, "EUC-JP"); break;
	case 51949: snprintf(out, 40, "EUC-KR"); break;
	case 54936: snprintf(out, 40, "GB18030"); break;
	default:
		if (cp >= 28591 && cp <= 28606)
			snprintf(out, 40, "ISO-8859-%u", (unsigned)(cp - 28590));
		else if (cp >= 1250 && cp <= 1258)
			snprintf(out, 40, "windows-%u", (unsigned)cp);
		else if (cp > 0 && cp < 100000)
			snprintf(out, 40, "cp%u", (unsigned)cp);
		else
			out[0] = '\0';
	}
}

/* ---- LZFu (compressed RTF, MS-OXRTFCP) --------------------------------------- */

int dft_msg_lzfu(dft_buf *out, const unsigned char *p, size_t n, size_t max);

int dft_msg_lzfu(dft_buf *out, const unsigned char *p, size_t n, size_t max)
{
	static const char prebuf[] =
		"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss "
		"\\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier"
		"{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";
	unsigned char dict[4096];
	uint32_t comp, raw, type;
	size_t pos = 16, wpos = sizeof(prebuf) - 1, end;
	int rc;
	if (n < 16)
		return dft_error_set(DFT_ECORRUPT, "compressed RTF: too short");
	comp = (uint32_t)GSF_LE_GET_GUINT32(p);
	raw = (uint32_t)GSF_LE_GET_GUINT32(p + 4);
	type = (uint32_t)GSF_LE_GET_GUINT32(p + 8);
	end = (size_t)comp + 4 < n ? (size_t)comp + 4 : n;
	if (raw > max)
		return dft_error_set(DFT_ELIMIT, "compressed RTF declares %u bytes", raw);
	if (type == 0x414C454D) /* "MELA": stored */
		return dft_buf_add(out, p + 16, end - 16 < raw ? end - 16 : raw);
	if (type != 0x75465A4C) /* "LZFu" */
		return dft_error_set(DFT_ECORRUPT, "compressed RTF: unknown type %08x", type);
	memset(dict, 0, sizeof(dict));
	memcpy(dict, prebuf, sizeof(prebuf) - 1);
	while (pos < end) {
		unsigned flags = p[pos++], bit;
		for (bit = 0; bit < 8 && pos < end; bit++) {
			if (!(flags & (1u << bit))) {
				unsigned char c = p[pos++];
				dict[wpos] = c;
				wpos = (wpos + 1) & 4095;
				if (out->len >= raw || (rc = dft_buf_addc(out, (char)c)) < 0)
					return out->len >= raw ? 0 : rc;
			} else {
				unsigned word, off, len, i;
				if (pos + 2 > end)
					return 0;
				word = (unsigned)p[pos] << 8 | p[pos + 1];
				pos += 2;
				off = word >> 4;
				len = (word & 15) + 2;
				if (off == wpos)
					return 0; /* the end marker */
				for (i = 0; i < len; i++) {
					unsigned char c = dict[(off + i) & 4095];
					dict[wpos] = c;
					wpos = (wpos + 1) & 4095;
					if (out->len >= raw)
						return 0;
					if ((rc = dft_buf_addc(out, (char)c)) < 0)
						return rc;
				}
			}
		}
	}
	return 0;
}

/* ---- children ------------------------------------------------------------------ */

static int msg_deliver(msgx *x, const void *p, size_t n)
{
	size_t off;
	int rc;
	if ((rc = dft_mail_names_unique(x->names, &x->name)) < 0)
		return rc;
	x->children++;
	if ((rc = x->sink->child_begin(x->sink, dft_buf_cstr(&x->name), (int64_t)n, 0)) < 0)
		return rc;
	for (off = 0; off < n; off += (size_t)1 << 20)
		if ((rc = x->sink->child_data(x->sink, (const char *)p + off,
					      n - off < ((size_t)1 << 20) ? n - off : (size_t)1 << 20)) < 0)
			return rc;
	return x->sink->child_end(x->sink);
}

/* Copy storage src into out (an OLE outfile), recursively. At the top of
 * an embedded message, its 24-byte __properties header grows to the 32
 * bytes of a message that stands alone. */
static int msg_copy(GsfInfile *src, GsfOutfile *out, int depth, int top)
{
	int i, n = gsf_infile_num_children(src);
	if (depth > MSG_COPY_DEPTH)
		return dft_error_set(DFT_ELIMIT, "embedded message nested too deep");
	for (i = 0; i < n; i++) {
		const char *name = gsf_infile_name_by_index(src, i);
		GsfInput *c = gsf_infile_child_by_index(src, i);
		GsfOutput *o;
		int rc = 0;
		if (!c || !name) {
			if (c)
				g_object_unref(c);
			continue;
		}
		if (GSF_IS_INFILE(c) && gsf_infile_num_children(GSF_INFILE(c)) >= 0) {
			o = gsf_outfile_new_child(out, name, TRUE);
			if (o)
				rc = msg_copy(GSF_INFILE(c), GSF_OUTFILE(o), depth + 1, 0);
		} else {
			o = gsf_outfile_new_child(out, name, FALSE);
			if (o && top && strcmp(name, "__properties_version1.0") == 0 &&
			    gsf_input_size(c) >= 24) {
				static const guint8 zeros[8];
				const guint8 *h = gsf_input_read(c, 24, NULL);
				if (h) {
					guint8 head[24];
					memcpy(head, h, 24);
					gsf_output_write(o, 24, head);
					gsf_output_write(o, 8, zeros);
				}
			}
			if (o && gsf_input_remaining(c) > 0 && !gsf_input_copy(c, o))
				rc = dft_error_set(DFT_ECORRUPT, "cannot copy stream %s", name);
		}
		if (o) {
			gsf_output_close(o);
			g_object_unref(o);
		}
		g_object_unref(c);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int msg_embedded(msgx *x, GsfInfile *storage)
{
	GsfOutput *mem = gsf_output_memory_new();
	GsfOutfile *ole = mem ? gsf_outfile_msole_new(mem) : NULL;
	int rc;
	if (!ole) {
		if (mem)
			g_object_unref(mem);
		return dft_error_set(DFT_ENOMEM, "cannot write the embedded message");
	}
	rc = msg_copy(storage, ole, 0, 1);
	gsf_output_close(GSF_OUTPUT(ole));
	g_object_unref(ole);
	if (!gsf_output_is_closed(mem))
		gsf_output_close(mem);
	if (rc == 0)
		rc = msg_deliver(x, gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(mem)),
				 (size_t)gsf_output_size(mem));
	g_object_unref(mem);
	return rc;
}

static int msg_attachment(msgx *x, GsfInfile *att)
{
	GsfInput *data;
	dft_buf name;
	int rc = 0;
	if (x->children >= x->lim.max_members) {
		x->skipped++;
		return 0;
	}
	dft_buf_init(&name, 0);
	if ((rc = msg_string(x, att, 0x3707, &name)) == 0 && (rc = msg_string(x, att, 0x3704, &name)) == 0)
		rc = msg_string(x, att, 0x3001, &name);
	if (rc < 0)
		goto done;
	dft_buf_reset(&x->name);
	if (name.len && (rc = dft_mail_name_add(&x->name, name.ptr, MSG_NAME_MAX)) < 0)
		goto done;
	data = msg_child(att, "__substg1.0_%04X%04X", 0x3701, 0x000D);
	if (data && GSF_IS_INFILE(data) && gsf_infile_num_children(GSF_INFILE(data)) >= 0) {
		/* an embedded message (or OLE object) */
		GsfInput *props = gsf_infile_child_by_name(GSF_INFILE(data), "__properties_version1.0");
		size_t n;
		if (props)
			g_object_unref(props);
		if (!x->name.len)
			rc = dft_buf_addf(&x->name, "attachment-%" PRIu64, x->children + x->skipped + 1);
		n = x->name.len;
		if (rc == 0 && props && (n < 4 || strcasecmp(x->name.ptr + n - 4, ".msg") != 0))
			rc = dft_buf_adds(&x->name, ".msg");
		if (rc == 0)
			rc = msg_embedded(x, GSF_INFILE(data));
		if (rc < 0 && rc != DFT_ENOMEM) {
			rc = x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), -1, dft_error_msg());
			x->children++;
		}
		g_object_unref(data);
		goto done;
	}
	if (data)
		g_object_unref(data);
	if (!x->name.len)
		rc = dft_buf_addf(&x->name, "attachment-%" PRIu64 ".bin", x->children + x->skipped + 1);
	if (rc < 0)
		goto done;
	data = msg_child(att, "__substg1.0_%04X%04X", 0x3701, 0x0102);
	if (!data)
		goto done; /* a link, or an attachment with no bytes */
	rc = msg_read(data, &x->val, (size_t)(x->lim.max_member_size < ((uint64_t)1 << 30)
						      ? x->lim.max_member_size : ((uint64_t)1 << 30)));
	g_object_unref(data);
	if (rc < 0) {
		if (rc == DFT_ENOMEM)
			goto done;
		if ((rc = dft_mail_names_unique(x->names, &x->name)) < 0)
			goto done;
		x->children++;
		rc = x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), -1, dft_error_msg());
		goto done;
	}
	rc = msg_deliver(x, x->val.ptr ? x->val.ptr : "", x->val.len);
done:
	dft_buf_dispose(&name);
	return rc;
}

/* ---- the message ---------------------------------------------------------------- */

static int msg_line(msgx *x, const char *label, const char *key, const dft_buf *v)
{
	int rc;
	if (!v->len)
		return 0;
	if (key && (rc = x->sink->meta(x->sink, key, v->ptr)) < 0)
		return rc;
	if (!label)
		return 0;
	if ((rc = dft_mail_text_add(&x->text, label, strlen(label))) < 0 ||
	    (rc = dft_mail_text_add(&x->text, ": ", 2)) < 0 ||
	    (rc = dft_mail_text_add(&x->text, v->ptr, v->len)) < 0)
		return rc;
	return dft_mail_text_add(&x->text, "\n", 1);
}

/* "Name <addr>" lists of each recipient type from the recipient storages. */
static int msg_recipients(msgx *x, GsfInfile *root, dft_buf lists[3])
{
	int i, n = gsf_infile_num_children(root), rc = 0;
	dft_buf name, addr;
	dft_buf_init(&name, 0);
	dft_buf_init(&addr, 0);
	for (i = 0; i < n && rc >= 0; i++) {
		const char *cn = gsf_infile_name_by_index(root, i);
		GsfInput *c;
		uint64_t type = 1;
		dft_buf *l;
		if (!cn || strncmp(cn, "__recip_version1.0_", 19) != 0)
			continue;
		c = gsf_infile_child_by_index(root, i);
		if (!c)
			continue;
		if (!GSF_IS_INFILE(c)) {
			g_object_unref(c);
			continue;
		}
		if ((rc = msg_string(x, GSF_INFILE(c), 0x3001, &name)) >= 0 &&
		    (rc = msg_string(x, GSF_INFILE(c), 0x39FE, &addr)) == 0)
			rc = msg_string(x, GSF_INFILE(c), 0x3003, &addr);
		if (rc >= 0)
			rc = msg_fixed(x, GSF_INFILE(c), 8, 0x0C15, 0x0003, &type);
		g_object_unref(c);
		if (rc < 0)
			break;
		rc = 0;
		l = &lists[type >= 1 && type <= 3 ? type - 1 : 0];
		if (l->len)
			rc = dft_buf_adds(l, ", ");
		if (rc == 0 && name.len)
			rc = dft_buf_adds(l, name.ptr);
		if (rc == 0 && addr.len && (!name.len || strcmp(name.ptr, addr.ptr) != 0))
			rc = dft_buf_addf(l, name.len ? " <%s>" : "%s", addr.ptr);
	}
	dft_buf_dispose(&name);
	dft_buf_dispose(&addr);
	return rc < 0 ? rc : 0;
}

/* Text of an HTML body, through the HTML extractor. */
static int msg_html(msgx *x, const dft_buf *html)
{
	return dft_mail_html_text(&x->text, x->sink, x->in, &x->lim, (const unsigned char *)html->ptr,
				  html->len, x->charset[0] ? x->charset : NULL, NULL);
}

static int msg_body(msgx *x, GsfInfile *root)
{
	GsfInput *in;
	int rc;
	size_t i, j;
	if ((rc = msg_string(x, root, 0x1000, &x->val)) < 0)
		return rc;
	if (rc == 1) {
		for (i = j = 0; i < x->val.len; i++) /* CRLF to LF */
			if (!(x->val.ptr[i] == '\r' && i + 1 < x->val.len && x->val.ptr[i + 1] == '\n'))
				x->val.ptr[j++] = x->val.ptr[i];
		x->val.len = j;
		if ((rc = dft_mail_text_add(&x->text, x->val.ptr, x->val.len)) < 0)
			return rc;
		return j && x->val.ptr[j - 1] != '\n' ? dft_mail_text_add(&x->text, "\n", 1) : 0;
	}
	in = msg_child(root, "__substg1.0_%04X%04X", 0x1013, 0x0102);
	if (in) {
		rc = msg_read(in, &x->val, MSG_PROP_MAX);
		g_object_unref(in);
		if (rc == 0 && x->val.len)
			return msg_html(x, &x->val);
		if (rc == DFT_ENOMEM)
			return rc;
	}
	in = msg_child(root, "__substg1.0_%04X%04X", 0x1009, 0x0102);
	if (in) {
		dft_buf rtf;
		rc = msg_read(in, &x->tmp, MSG_PROP_MAX);
		g_object_unref(in);
		if (rc == DFT_ENOMEM)
			return rc;
		if (rc < 0)
			return 0;
		dft_buf_init(&rtf, MSG_RTF_MAX + 1);
		rc = dft_msg_lzfu(&rtf, (const unsigned char *)x->tmp.ptr, x->tmp.len, MSG_RTF_MAX);
		if (rc == 0 && rtf.len && x->children < x->lim.max_members) {
			dft_buf_reset(&x->name);
			if ((rc = dft_buf_adds(&x->name, "body.rtf")) == 0)
				rc = msg_deliver(x, rtf.ptr, rtf.len);
			if (rc == 0)
				rc = x->sink->note(x->sink, "the body is in RTF only: it is the child body.rtf");
		} else if (rc < 0 && rc != DFT_ENOMEM) {
			char why[300];
			snprintf(why, sizeof(why), "the RTF body could not be read: %.200s", dft_error_msg());
			rc = x->sink->note(x->sink, why);
		}
		dft_buf_dispose(&rtf);
		return rc;
	}
	return 0;
}

static int msg_message(msgx *x, GsfInfile *root)
{
	dft_buf lists[3], v, hdr;
	uint64_t cp = 0, ft = 0;
	char iso[40] = "", num[24];
	int i, n, rc;

	for (i = 0; i < 3; i++)
		dft_buf_init(&lists[i], 0);
	dft_buf_init(&v, 0);
	dft_buf_init(&hdr, 0);
	if ((rc = msg_fixed(x, root, 32, 0x3FDE, 0x0003, &cp)) < 0)
		goto done;
	if (!rc && (rc = msg_fixed(x, root, 32, 0x3FFD, 0x0003, &cp)) < 0)
		goto done;
	dft_mail_codepage(x->charset, cp & 0xFFFFFFFFu);

	/* transport headers, when the message came over the Internet */
	if ((rc = msg_string(x, root, 0x007D, &hdr)) < 0)
		goto done;

	/* From */
	{
		dft_buf name, addr;
		dft_buf_init(&name, 0);
		dft_buf_init(&addr, 0);
		if ((rc = msg_string(x, root, 0x0C1A, &name)) >= 0 &&
		    (rc = msg_string(x, root, 0x5D01, &addr)) == 0 &&
		    (rc = msg_string(x, root, 0x0C1F, &addr)) == 0)
			rc = msg_string(x, root, 0x0065, &addr);
		if (rc >= 0) {
			rc = 0;
			dft_buf_reset(&v);
			if (name.len)
				rc = dft_buf_adds(&v, name.ptr);
			if (rc == 0 && addr.len && strchr(addr.ptr, '@') &&
			    (!name.len || strcmp(name.ptr, addr.ptr) != 0))
				rc = dft_buf_addf(&v, name.len ? " <%s>" : "%s", addr.ptr);
			else if (rc == 0 && !name.len && addr.len)
				rc = dft_buf_adds(&v, addr.ptr);
		}
		dft_buf_dispose(&name);
		dft_buf_dispose(&addr);
		if (rc < 0 || (rc = msg_line(x, "From", "from", &v)) < 0)
			goto done;
	}
	/* To, Cc, Bcc: recipients with addresses, else the display lists */
	if ((rc = msg_recipients(x, root, lists)) < 0)
		goto done;
	if (!lists[0].len && (rc = msg_string(x, root, 0x0E04, &lists[0])) < 0)
		goto done;
	if (!lists[1].len && (rc = msg_string(x, root, 0x0E03, &lists[1])) < 0)
		goto done;
	if (!lists[2].len && (rc = msg_string(x, root, 0x0E02, &lists[2])) < 0)
		goto done;
	if ((rc = msg_line(x, "To", "to", &lists[0])) < 0 || (rc = msg_line(x, "Cc", "cc", &lists[1])) < 0 ||
	    (rc = msg_line(x, NULL, "bcc", &lists[2])) < 0)
		goto done;
	/* Date: submitted, else delivered, else the Date header */
	if ((rc = msg_fixed(x, root, 32, 0x0039, 0x0040, &ft)) < 0)
		goto done;
	if (!rc && (rc = msg_fixed(x, root, 32, 0x0E06, 0x0040, &ft)) < 0)
		goto done;
	if (rc)
		dft_mail_filetime_iso(iso, ft);
	if (!iso[0] && hdr.len) {
		if ((rc = dft_mail_raw_header(hdr.ptr, hdr.len, "Date", &v)) < 0)
			goto done;
		dft_mail_iso_date(iso, dft_buf_cstr(&v));
	}
	if (iso[0]) {
		dft_buf_reset(&v);
		if ((rc = dft_buf_adds(&v, iso)) < 0 || (rc = msg_line(x, "Date", "date", &v)) < 0)
			goto done;
	}
	if ((rc = msg_string(x, root, 0x0037, &v)) < 0 || (rc = msg_line(x, "Subject", "subject", &v)) < 0 ||
	    (rc = msg_line(x, NULL, "title", &v)) < 0)
		goto done;
	if ((rc = msg_string(x, root, 0x1035, &v)) < 0)
		goto done;
	if (!v.len && hdr.len && (rc = dft_mail_raw_header(hdr.ptr, hdr.len, "Message-ID", &v)) < 0)
		goto done;
	if ((rc = msg_line(x, NULL, "message_id", &v)) < 0)
		goto done;
	if ((rc = msg_string(x, root, 0x1042, &v)) < 0)
		goto done;
	if (!v.len && hdr.len && (rc = dft_mail_raw_header(hdr.ptr, hdr.len, "In-Reply-To", &v)) < 0)
		goto done;
	if ((rc = msg_line(x, NULL, "in_reply_to", &v)) < 0)
		goto done;
	if (hdr.len && ((rc = dft_mail_raw_header(hdr.ptr, hdr.len, "References", &v)) < 0 ||
			(rc = msg_line(x, NULL, "references", &v)) < 0))
		goto done;
	if ((rc = msg_string(x, root, 0x001A, &v)) < 0 || (rc = msg_line(x, NULL, "message_class", &v)) < 0)
		goto done;
	if (x->charset[0] && (rc = x->sink->meta(x->sink, "charset", x->charset)) < 0)
		goto done;
	if ((rc = dft_mail_text_add(&x->text, "\n", 1)) < 0)
		goto done;
	if ((rc = msg_body(x, root)) < 0)
		goto done;

	/* attachments */
	n = gsf_infile_num_children(root);
	for (i = 0; i < n; i++) {
		const char *cn = gsf_infile_name_by_index(root, i);
		GsfInput *c;
		if (!cn || strncmp(cn, "__attach_version1.0_", 20) != 0)
			continue;
		c = gsf_infile_child_by_index(root, i);
		if (!c)
			continue;
		rc = GSF_IS_INFILE(c) ? msg_attachment(x, GSF_INFILE(c)) : 0;
		g_object_unref(c);
		if (rc < 0)
			goto done;
	}
	snprintf(num, sizeof(num), "%" PRIu64, x->children + x->skipped);
	if ((rc = x->sink->meta(x->sink, "attachments", num)) < 0)
		goto done;
	if (x->skipped) {
		char msg[160];
		snprintf(msg, sizeof(msg), "%" PRIu64 " attachments beyond the limit of %" PRIu64 " not extracted",
			 x->skipped, x->lim.max_members);
		if ((rc = x->sink->note(x->sink, msg)) < 0)
			goto done;
	}
	rc = 0;
done:
	for (i = 0; i < 3; i++)
		dft_buf_dispose(&lists[i]);
	dft_buf_dispose(&v);
	dft_buf_dispose(&hdr);
	return rc;
}

int dft_extract_msg(dft_sink *sink, const dft_input *in)
{
	GsfInput *src = NULL;
	GsfInfile *root = NULL;
	GError *err = NULL;
	msgx x;
	int rc;

	if (in->data && in->size >= 4 && memcmp(in->data, "!BDN", 4) == 0)
		return dft_extract_pst(sink, in);
	if (!in->data && in->fd >= 0) {
		unsigned char sig[4];
		if (pread(in->fd, sig, 4, 0) == 4 && memcmp(sig, "!BDN", 4) == 0)
			return dft_extract_pst(sink, in);
	}
	if (!in->data)
		return dft_error_set(DFT_ELIMIT, "Outlook message of %.1f MiB too large to read",
				     (double)in->size / 1048576.0);
	dft_email_init();
	memset(&x, 0, sizeof(x));
	x.sink = sink;
	x.in = in;
	dft_mail_limits(&x.lim, in);
	dft_mail_text_init(&x.text, x.lim.max_text);
	dft_buf_init(&x.name, 0);
	dft_buf_init(&x.tmp, MSG_PROP_MAX + 16);
	dft_buf_init(&x.val, (size_t)1 << 30);
	x.names = dft_mail_names_new();
	if (!x.names) {
		rc = DFT_ENOMEM;
		goto done;
	}
	src = gsf_input_memory_new(in->data, (gsf_off_t)in->size, FALSE);
	root = src ? gsf_infile_msole_new(src, &err) : NULL;
	if (!root) {
		rc = dft_error_set(DFT_ECORRUPT, "not an Outlook message: %s",
				   err && err->message ? err->message : "not an OLE2 compound file");
		goto done;
	}
	{
		GsfInput *props = gsf_infile_child_by_name(root, "__properties_version1.0");
		if (!props) {
			rc = dft_error_set(DFT_EINVAL, "not an Outlook message: an OLE2 file with no MAPI properties");
			goto done;
		}
		g_object_unref(props);
	}
	if ((rc = msg_message(&x, root)) < 0)
		goto done;
	rc = dft_mail_text_flush(&x.text, sink);
done:
	if (err)
		g_error_free(err);
	if (root)
		g_object_unref(root);
	if (src)
		g_object_unref(src);
	dft_mail_text_dispose(&x.text);
	dft_mail_names_free(x.names);
	dft_buf_dispose(&x.name);
	dft_buf_dispose(&x.tmp);
	dft_buf_dispose(&x.val);
	return rc;
}
