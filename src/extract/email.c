/*
 * email.c - e-mail: one message (.eml, RFC 5322 + MIME) and mailboxes
 * (mbox), plus the helpers the Outlook extractors share (mail.h).
 *
 * A message is parsed with GMime from memory (or, past the mapping limit,
 * from the fd). Its text is a block of the headers a reader looks at first
 * (From, To, Cc, Date, Subject) followed by the body: the text/plain part,
 * or else the text/html part laid out as text by the HTML extractor. Every
 * other part - attachments, inline images, forwarded messages
 * (message/rfc822), delivery reports, winmail.dat - becomes a child
 * document with its transfer encoding undone, so the pipeline extracts it
 * with its own extractor (a zip in a mail is opened like any zip).
 *
 * Charsets are never left to iconv: inside the sandbox iconv cannot load
 * its gconv modules. Bodies and header values (RFC 2047 encoded words and
 * raw 8-bit bytes alike) are decoded with dft_decode_text (ICU), the part's
 * charset parameter being the hint.
 *
 * A mailbox is split on its "From " lines as it is read, from the mapping
 * or with pread() in pieces, so a mailbox of many GB costs little memory.
 * Each message, ">From " lines unquoted (mboxrd), is a child document
 * "message-0001-<subject>.eml" that the pipeline then extracts as e-mail;
 * a broken message only fails its own child. The mailbox's own text lists
 * its messages, "date | from | subject", one a line.
 */
#include "mail.h"

#include <errno.h>
#include <iconv.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gmime/gmime.h>
#include <gsf/gsf-utils.h>
#include <libpst/libpst.h>

#define EM_MAX_DEPTH 48                  /* MIME nesting walked */
#define EM_HEADER_MAX ((size_t)64 << 10) /* bytes of one header value read */
#define EM_NAME_MAX 120                  /* bytes of a child's name from a subject or file name */
#define EM_CHUNK ((size_t)1 << 20)       /* bytes handed to child_data at a time */
#define MB_READ ((size_t)4 << 20)        /* bytes read from an mbox fd at a time */
#define MB_LINE_MAX ((size_t)16 << 20)   /* a longer line is cut (never a "From ") */
#define MB_HEAD_MAX ((size_t)256 << 10)  /* bytes of a message's header scanned for the listing */

/* ---- worker init ----------------------------------------------------------- */

static int em_ready;

/* libpst's UTF-16 converter; in its vbuf.h, which is not installed */
void pst_unicode_init(void);

/* iconv converters opened before the sandbox closes, never closed */
static iconv_t kept_iconv[40];

int dft_email_init(void)
{
	/* Kept open for the life of the worker: glibc keeps a gconv module
	 * loaded while a converter uses it, and in the sandbox it could not
	 * load one. GMime (parameter values) and libpst (bodies in a code
	 * page) use iconv; daftar's own decoding uses ICU. */
	static const char *const charsets[] = {
		"WINDOWS-1256", "ISO-8859-6", "WINDOWS-1252", "ISO-8859-1", "ISO-8859-15",
		"WINDOWS-1251", "KOI8-R", "WINDOWS-1250", "ISO-8859-2", "WINDOWS-1253",
		"WINDOWS-1254", "WINDOWS-1255", "WINDOWS-1257", "ISO-8859-7", "ISO-8859-8",
		"ISO-8859-9", "ISO-2022-JP", "SHIFT_JIS", "EUC-JP", "GB18030", "GBK",
		"BIG5", "EUC-KR", "UTF-16LE", "UTF-7", "CP850", "CP437", "TIS-620", NULL,
	};
	/* kept open for the life of the worker (file scope: only written) */
	size_t i;
	if (em_ready)
		return 0;
	g_mime_init();
	gsf_init();
	/* GLib reads charset.alias and the local time zone on first use: do
	 * it here, before the worker's sandbox forbids open */
	g_get_charset(NULL);
	g_time_zone_unref(g_time_zone_new_local());
	pst_unicode_init();
	for (i = 0; i + 1 < sizeof(charsets) / sizeof(charsets[0]) && i < sizeof(kept_iconv) / sizeof(kept_iconv[0]); i++)
		kept_iconv[i] = iconv_open("UTF-8", charsets[i]);
	em_ready = 1;
	return 0;
}

static void em_init_once(void)
{
	if (!em_ready)
		dft_email_init();
}

/* ---- shared helpers (mail.h) ------------------------------------------------- */

void dft_mail_text_init(dft_mail_text *t, uint64_t max_text)
{
	memset(t, 0, sizeof(*t));
	t->max = max_text;
	dft_buf_init(&t->buf, max_text >= SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)max_text + 16);
}

int dft_mail_text_add(dft_mail_text *t, const char *s, size_t n)
{
	if (!n)
		return 0;
	t->total += n;
	if (t->truncated)
		return 0;
	if (t->buf.len + n > t->max) {
		size_t room = (size_t)(t->max - t->buf.len);
		while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
			room--;
		n = room;
		t->truncated = 1;
	}
	return n ? dft_buf_add(&t->buf, s, n) : 0;
}

int dft_mail_text_flush(dft_mail_text *t, dft_sink *sink)
{
	int rc = 0;
	if (t->buf.len && (rc = sink->text(sink, t->buf.ptr, t->buf.len)) < 0)
		goto done;
	if (t->truncated) {
		char msg[200];
		snprintf(msg, sizeof(msg),
			 "text truncated at %.1f MiB of %.1f MiB (%zu of %" PRIu64 " bytes kept)",
			 (double)t->buf.len / 1048576.0, (double)t->total / 1048576.0, t->buf.len,
			 t->total);
		rc = sink->note(sink, msg);
	}
done:
	dft_mail_text_dispose(t);
	return rc;
}

void dft_mail_text_dispose(dft_mail_text *t)
{
	dft_buf_dispose(&t->buf);
}

int dft_mail_filetime_iso(char out[32], uint64_t ft)
{
	/* 11644473600 s from 1601-01-01 to 1970-01-01 */
	int64_t secs, days, rem, y, m, d, era, doe, yoe, doy, mp;
	out[0] = '\0';
	if (ft == 0 || ft / 10000000ULL < 11644473600ULL)
		return DFT_EINVAL;
	secs = (int64_t)(ft / 10000000ULL) - 11644473600LL;
	if (secs > 253402300799LL) /* past 9999-12-31 */
		return DFT_EINVAL;
	days = secs / 86400;
	rem = secs % 86400;
	/* civil_from_days (H. Hinnant) */
	days += 719468;
	era = days / 146097;
	doe = days - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	if (m <= 2)
		y++;
	snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u:%02uZ", (unsigned)(y % 10000),
		 (unsigned)(m % 13), (unsigned)(d % 32), (unsigned)(rem / 3600 % 24),
		 (unsigned)(rem / 60 % 60), (unsigned)(rem % 60));
	return 0;
}

int dft_mail_name_add(dft_buf *out, const char *s, size_t max)
{
	size_t start = out->len, used = 0;
	int space = 0, rc;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		size_t k = 1;
		if (c <= 0x20 || c == 0x7F) {
			space = used > 0;
			s++;
			continue;
		}
		if (c >= 0x80) {
			while (k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
				k++;
			/* U+200E/F and U+202A-202E, U+2066-2069: invisible direction marks */
			if (k == 3 && c == 0xE2 && (unsigned char)s[1] == 0x80 &&
			    ((unsigned char)s[2] == 0x8E || (unsigned char)s[2] == 0x8F ||
			     ((unsigned char)s[2] >= 0xAA && (unsigned char)s[2] <= 0xAE))) {
				s += k;
				continue;
			}
		}
		if (used + space + k > max)
			break;
		if (space) {
			if ((rc = dft_buf_addc(out, ' ')) < 0)
				return rc;
			used++;
			space = 0;
		}
		if (k == 1 && strchr("/\\:*?\"<>|", c))
			rc = dft_buf_addc(out, '_');
		else
			rc = dft_buf_add(out, s, k);
		if (rc < 0)
			return rc;
		used += k;
		s += k;
	}
	/* no name made only of dots ("..") */
	if (out->len > start && strspn(out->ptr + start, ".") == out->len - start)
		out->ptr[start] = '_';
	return 0;
}

const char *dft_mail_ext_for_mime(const char *mime)
{
	static const char *const map[][2] = {
		{"application/pdf", ".pdf"}, {"application/zip", ".zip"},
		{"application/x-zip-compressed", ".zip"}, {"application/gzip", ".gz"},
		{"application/x-7z-compressed", ".7z"}, {"application/x-rar-compressed", ".rar"},
		{"application/vnd.rar", ".rar"}, {"application/msword", ".doc"},
		{"application/vnd.ms-excel", ".xls"}, {"application/vnd.ms-powerpoint", ".ppt"},
		{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
		{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
		{"application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"},
		{"application/vnd.oasis.opendocument.text", ".odt"}, {"application/rtf", ".rtf"},
		{"text/rtf", ".rtf"}, {"application/ms-tnef", ".dat"},
		{"application/vnd.ms-tnef", ".dat"}, {"application/vnd.ms-outlook", ".msg"},
		{"message/rfc822", ".eml"}, {"message/global", ".eml"}, {"text/plain", ".txt"},
		{"text/html", ".html"}, {"text/calendar", ".ics"}, {"text/csv", ".csv"},
		{"text/xml", ".xml"}, {"application/xml", ".xml"}, {"image/jpeg", ".jpg"},
		{"image/png", ".png"}, {"image/gif", ".gif"}, {"image/tiff", ".tif"},
		{"image/bmp", ".bmp"}, {"image/webp", ".webp"}, {"audio/mpeg", ".mp3"},
		{"video/mp4", ".mp4"}, {"application/pgp-signature", ".asc"},
		{"application/pkcs7-signature", ".p7s"}, {"application/x-pkcs7-signature", ".p7s"},
		{"text/rfc822-headers", ".txt"}, {"message/delivery-status", ".txt"},
		{"message/disposition-notification", ".txt"}, {"message/feedback-report", ".txt"},
		{"text/x-vcard", ".vcf"}, {"text/vcard", ".vcf"},
	};
	size_t i;
	if (!mime)
		return ".bin";
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcasecmp(mime, map[i][0]) == 0)
			return map[i][1];
	if (strncasecmp(mime, "text/", 5) == 0)
		return ".txt";
	return ".bin";
}

struct dft_mail_names {
	GHashTable *seen;
};

dft_mail_names *dft_mail_names_new(void)
{
	dft_mail_names *n = dft_calloc(1, sizeof(*n));
	if (n)
		n->seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	return n;
}

void dft_mail_names_free(dft_mail_names *n)
{
	if (!n)
		return;
	g_hash_table_destroy(n->seen);
	free(n);
}

int dft_mail_names_unique(dft_mail_names *n, dft_buf *name)
{
	const char *s = dft_buf_cstr(name);
	const char *dot;
	dft_buf alt;
	size_t stem;
	int i, rc = 0;
	if (!g_hash_table_contains(n->seen, s)) {
		g_hash_table_add(n->seen, g_strdup(s));
		return 0;
	}
	dot = strrchr(s, '.');
	stem = dot && dot != s && strlen(dot) <= 8 ? (size_t)(dot - s) : name->len;
	dft_buf_init(&alt, 0);
	for (i = 2;; i++) {
		dft_buf_reset(&alt);
		if ((rc = dft_buf_add(&alt, s, stem)) < 0 || (rc = dft_buf_addf(&alt, " (%d)", i)) < 0 ||
		    (rc = dft_buf_adds(&alt, s + stem)) < 0)
			goto done;
		if (!g_hash_table_contains(n->seen, dft_buf_cstr(&alt)))
			break;
	}
	g_hash_table_add(n->seen, g_strdup(dft_buf_cstr(&alt)));
	dft_buf_reset(name);
	rc = dft_buf_add(name, alt.ptr, alt.len);
done:
	dft_buf_dispose(&alt);
	return rc;
}

/* ---- header values -------------------------------------------------------- */

static int em_b64(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decode the text of an encoded word (B or Q) onto raw. */
static int em_word_bytes(dft_buf *raw, int enc, const char *p, size_t n)
{
	size_t i;
	int rc = 0;
	if (enc == 'B' || enc == 'b') {
		unsigned v = 0;
		int bits = 0;
		for (i = 0; i < n && rc == 0; i++) {
			int d = em_b64((unsigned char)p[i]);
			if (d < 0)
				continue;
			v = (v << 6) | (unsigned)d;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				rc = dft_buf_addc(raw, (char)((v >> bits) & 0xFF));
			}
		}
		return rc;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if (p[i] == '_')
			rc = dft_buf_addc(raw, ' ');
		else if (p[i] == '=' && i + 2 < n && dft_hex_digit((unsigned char)p[i + 1]) >= 0 &&
			 dft_hex_digit((unsigned char)p[i + 2]) >= 0) {
			rc = dft_buf_addc(raw, (char)(dft_hex_digit((unsigned char)p[i + 1]) * 16 +
						     dft_hex_digit((unsigned char)p[i + 2])));
			i += 2;
		} else
			rc = dft_buf_addc(raw, p[i]);
	}
	return rc;
}

/* Is p[0..n) an encoded word "=?cs?e?text?="? Fills its pieces. */
static int em_word(const char *p, size_t n, size_t *len, char cs[40], int *enc,
		   const char **text, size_t *tlen)
{
	size_t i = 2, c0, q;
	if (n < 8 || p[0] != '=' || p[1] != '?')
		return 0;
	c0 = i;
	while (i < n && p[i] != '?' && p[i] > ' ' && i - c0 < 60)
		i++;
	if (i >= n || p[i] != '?' || i == c0 || i + 3 >= n || p[i + 2] != '?')
		return 0;
	if (!strchr("BbQq", p[i + 1]))
		return 0;
	*enc = p[i + 1];
	snprintf(cs, 40, "%.*s", (int)(i - c0 < 39 ? i - c0 : 39), p + c0);
	if (strchr(cs, '*')) /* RFC 2231 language: "utf-8*ar" */
		*strchr(cs, '*') = '\0';
	q = i + 3;
	for (i = q; i + 1 < n; i++) {
		if (p[i] == '?' && p[i + 1] == '=') {
			*text = p + q;
			*tlen = i - q;
			*len = i + 2;
			return 1;
		}
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')
			return 0;
	}
	return 0;
}

/* Convert pending raw bytes in charset cs ("" = unknown) onto out. */
static int em_flush_raw(dft_buf *out, dft_buf *raw, const char *cs)
{
	int rc = 0;
	if (!raw->len)
		return 0;
	if (!cs[0] && dft_utf8_valid(raw->ptr, raw->len))
		rc = dft_buf_add(out, raw->ptr, raw->len);
	else
		rc = dft_decode_text(out, (const unsigned char *)raw->ptr, raw->len,
				     cs[0] ? cs : NULL, NULL);
	dft_buf_reset(raw);
	return rc;
}

int dft_mail_header_decode(dft_buf *out, const char *p, size_t n)
{
	dft_buf raw, line;
	char cs[40] = "", wcs[40];
	size_t i = 0, start = out->len;
	int in_word = 0, rc = 0;

	if (n > EM_HEADER_MAX)
		n = EM_HEADER_MAX;
	dft_buf_init(&raw, 0);
	dft_buf_init(&line, 0);
	while (i < n && rc == 0) {
		size_t wl, tl, j;
		const char *t;
		int enc;
		if (p[i] == '=' && em_word(p + i, n - i, &wl, wcs, &enc, &t, &tl)) {
			if (!in_word || strcasecmp(cs, wcs) != 0) {
				if ((rc = em_flush_raw(&line, &raw, cs)) < 0)
					break;
				memcpy(cs, wcs, sizeof(cs));
			}
			in_word = 1;
			rc = em_word_bytes(&raw, enc, t, tl);
			i += wl;
			/* white space between two encoded words is dropped */
			for (j = i; j < n && (p[j] == ' ' || p[j] == '\t' || p[j] == '\r' || p[j] == '\n'); j++)
				;
			if (j > i && j < n && p[j] == '=' && em_word(p + j, n - j, &wl, wcs, &enc, &t, &tl))
				i = j;
			continue;
		}
		if (in_word) {
			if ((rc = em_flush_raw(&line, &raw, cs)) < 0)
				break;
			cs[0] = '\0';
			in_word = 0;
		}
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7F)
			rc = dft_buf_addc(&raw, ' '); /* folding, tabs, controls */
		else
			rc = dft_buf_addc(&raw, p[i]);
		i++;
	}
	if (rc == 0)
		rc = em_flush_raw(&line, &raw, cs);
	/* collapse runs of white space, trim */
	if (rc == 0) {
		const char *s = dft_buf_cstr(&line);
		int space = 0;
		for (; *s && rc == 0; s++) {
			if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n') {
				space = out->len > start;
				continue;
			}
			if (space && (rc = dft_buf_addc(out, ' ')) < 0)
				break;
			space = 0;
			rc = dft_buf_addc(out, *s);
		}
	}
	dft_buf_dispose(&raw);
	dft_buf_dispose(&line);
	return rc;
}

int dft_mail_raw_header(const char *p, size_t n, const char *name, dft_buf *out)
{
	const char *end = p + n;
	size_t k = strlen(name);
	dft_buf_reset(out);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		if (le == p || (le == p + 1 && *p == '\r'))
			break; /* end of the header */
		if ((size_t)(le - p) > k && strncasecmp(p, name, k) == 0 && p[k] == ':') {
			const char *v = p + k + 1, *ve = le;
			/* folded continuation lines */
			while (ve + 1 < end && (ve[1] == ' ' || ve[1] == '\t')) {
				const char *nx = memchr(ve + 1, '\n', (size_t)(end - ve - 1));
				ve = nx ? nx : end;
			}
			return dft_mail_header_decode(out, v, (size_t)(ve - v));
		}
		p = le + 1;
	}
	return 0;
}

/* Date header → "2008-09-18T17:54:04+09:00" (RFC 3339), or "" */
void dft_mail_iso_date(char out[40], const char *raw)
{
	GDateTime *dt;
	GTimeSpan off;
	long m;
	out[0] = '\0';
	if (!raw || !*raw || strlen(raw) > 200)
		return;
	dt = g_mime_utils_header_decode_date(raw);
	if (!dt)
		return;
	off = g_date_time_get_utc_offset(dt);
	m = (long)(off / G_TIME_SPAN_MINUTE);
	if (m == 0)
		snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02dZ", g_date_time_get_year(dt),
			 g_date_time_get_month(dt), g_date_time_get_day_of_month(dt),
			 g_date_time_get_hour(dt), g_date_time_get_minute(dt),
			 g_date_time_get_second(dt));
	else
		snprintf(out, 40, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
			 g_date_time_get_year(dt), g_date_time_get_month(dt),
			 g_date_time_get_day_of_month(dt), g_date_time_get_hour(dt),
			 g_date_time_get_minute(dt), g_date_time_get_second(dt), m < 0 ? '-' : '+',
			 labs(m) / 60, labs(m) % 60);
	g_date_time_unref(dt);
	/* GMime gives year 1 ... for dates it half understood */
	if (out[0] == '0' && out[1] == '0')
		out[0] = '\0';
}

/* ---- one message ---------------------------------------------------------- */

typedef struct em {
	dft_sink *sink;
	const dft_input *in;
	dft_limits lim;
	dft_mail_text text;
	dft_mail_names *names;
	dft_buf name, tmp;
	uint64_t children, skipped, too_deep, bodies;
	uint64_t invalid;
	char body_charset[40];
} em;

/* The decoded value of header `name` of obj, or NULL (in x->tmp). */
static const char *em_header(em *x, GMimeObject *obj, const char *name)
{
	GMimeHeaderList *hl = g_mime_object_get_header_list(obj);
	GMimeHeader *h = hl ? g_mime_header_list_get_header(hl, name) : NULL;
	const char *raw = h ? g_mime_header_get_raw_value(h) : NULL;
	dft_buf_reset(&x->tmp);
	if (!raw)
		return NULL;
	if (dft_mail_header_decode(&x->tmp, raw, strlen(raw)) < 0)
		return NULL;
	return dft_buf_cstr(&x->tmp);
}

static int em_meta_header(em *x, GMimeObject *obj, const char *header, const char *key,
			  const char *block_label)
{
	const char *v = em_header(x, obj, header);
	int rc;
	if (!v || !*v)
		return dft_error_code() == DFT_ENOMEM ? DFT_ENOMEM : 0;
	if ((rc = x->sink->meta(x->sink, key, v)) < 0)
		return rc;
	if (block_label) {
		if ((rc = dft_mail_text_add(&x->text, block_label, strlen(block_label))) < 0 ||
		    (rc = dft_mail_text_add(&x->text, ": ", 2)) < 0 ||
		    (rc = dft_mail_text_add(&x->text, x->tmp.ptr, x->tmp.len)) < 0 ||
		    (rc = dft_mail_text_add(&x->text, "\n", 1)) < 0)
			return rc;
	}
	return 0;
}

/* The transfer-decoded content of a part, into out (bounded). */
static int em_part_bytes(em *x, GMimePart *part, GByteArray **out)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *mem;
	*out = NULL;
	if (!dw)
		return 0;
	mem = g_mime_stream_mem_new();
	if (!mem)
		return dft_error_set(DFT_ENOMEM, "out of memory decoding a MIME part");
	if (g_mime_data_wrapper_write_to_stream(dw, mem) < 0) {
		g_object_unref(mem);
		return dft_error_set(DFT_ECORRUPT, "a MIME part could not be decoded");
	}
	/* the stream frees its array unless it is told it does not own it */
	*out = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	g_object_unref(mem);
	return 0;
}

/* A sink that keeps only the text of what the HTML extractor reports. */
static int html_text_only(dft_sink *s, const char *p, size_t n)
{
	return dft_mail_text_add(s->ctx, p, n);
}
static int html_meta_ignored(dft_sink *s, const char *k, const char *v)
{
	(void)s, (void)k, (void)v;
	return 0;
}
static int html_note_ignored(dft_sink *s, const char *m)
{
	(void)s, (void)m;
	return 0;
}

int dft_mail_html_text(dft_mail_text *t, dft_sink *sink, const dft_input *in, const dft_limits *lim,
		       const unsigned char *p, size_t n, const char *charset, dft_decode_info *info)
{
	dft_sink wrap = {html_text_only, html_meta_ignored, NULL, NULL, NULL, NULL, html_note_ignored, t};
	dft_input sub;
	dft_limits sublim = *lim;
	dft_buf page;
	int rc;
	dft_buf_init(&page, n * 4 + 4096);
	if ((rc = dft_buf_add(&page, "\xEF\xBB\xBF", 3)) < 0 ||
	    (rc = dft_decode_text(&page, p, n, charset, info)) < 0)
		goto done;
	memset(&sub, 0, sizeof(sub));
	sub.fd = -1;
	sub.data = (const unsigned char *)page.ptr;
	sub.size = page.len;
	sub.mime = "text/html";
	sub.name = in->name;
	sublim.max_text = t->max > t->buf.len ? t->max - t->buf.len + 1 : 1;
	sub.limits = &sublim;
	rc = dft_extract_html(&wrap, &sub);
	if (rc < 0 && rc != DFT_ENOMEM)
		rc = sink->note(sink, "the HTML body could not be read");
done:
	dft_buf_dispose(&page);
	return rc;
}

/* Text of an HTML body, with the charset it was read in. */
static int em_body_html(em *x, const unsigned char *p, size_t n, const char *cs)
{
	dft_decode_info info;
	int rc;
	memset(&info, 0, sizeof(info));
	rc = dft_mail_html_text(&x->text, x->sink, x->in, &x->lim, p, n, cs, &info);
	x->invalid += info.invalid;
	if (!x->body_charset[0] && info.charset[0])
		memcpy(x->body_charset, info.charset, sizeof(x->body_charset));
	return rc;
}

static int em_body(em *x, GMimePart *part, int html)
{
	const char *cs = g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
	GByteArray *b = NULL;
	dft_decode_info info;
	dft_buf out;
	int rc;
	if ((rc = em_part_bytes(x, part, &b)) < 0)
		return rc;
	if (!b)
		return 0;
	if (x->bodies++ > 0 && (rc = dft_mail_text_add(&x->text, "\n", 1)) < 0)
		goto done;
	if (html) {
		rc = em_body_html(x, b->data, b->len, cs);
		goto done;
	}
	dft_buf_init(&out, (size_t)b->len * 4 + 4096);
	rc = dft_decode_text(&out, b->data, b->len, cs, &info);
	if (rc == 0) {
		x->invalid += info.invalid;
		if (!x->body_charset[0])
			memcpy(x->body_charset, info.charset, sizeof(x->body_charset));
		size_t i, j;
		/* line ends as LF: CRLF and bare CR alike */
		for (i = j = 0; i < out.len; i++) {
			if (out.ptr[i] == '\r') {
				out.ptr[j++] = '\n';
				if (i + 1 < out.len && out.ptr[i + 1] == '\n')
					i++;
			} else
				out.ptr[j++] = out.ptr[i];
		}
		out.len = j;
		rc = dft_mail_text_add(&x->text, out.ptr, out.len);
		if (rc == 0 && out.len && out.ptr[out.len - 1] != '\n')
			rc = dft_mail_text_add(&x->text, "\n", 1);
	}
	dft_buf_dispose(&out);
done:
	g_byte_array_unref(b);
	return rc;
}

/* Room for one more child? Counts the ones left out. */
static int em_child_room(em *x)
{
	if (x->children < x->lim.max_members)
		return 1;
	x->skipped++;
	return 0;
}

static int em_deliver(em *x, const unsigned char *p, size_t n)
{
	size_t off;
	int rc;
	if ((rc = dft_mail_names_unique(x->names, &x->name)) < 0)
		return rc;
	if (n > x->lim.max_member_size) {
		char why[120];
		snprintf(why, sizeof(why), "attachment of %zu bytes, beyond the limit of %" PRIu64,
			 n, x->lim.max_member_size);
		x->children++;
		return x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), (int64_t)n, why);
	}
	if ((rc = x->sink->child_begin(x->sink, dft_buf_cstr(&x->name), (int64_t)n, 0)) < 0)
		return rc;
	for (off = 0; off < n; off += EM_CHUNK)
		if ((rc = x->sink->child_data(x->sink, p + off, n - off < EM_CHUNK ? n - off : EM_CHUNK)) < 0)
			return rc;
	x->children++;
	return x->sink->child_end(x->sink);
}

/* "attachment-3.pdf" for a part with no usable file name. */
static int em_default_name(em *x, const char *mime)
{
	dft_buf_reset(&x->name);
	return dft_buf_addf(&x->name, "attachment-%" PRIu64 "%s", x->children + x->skipped + 1,
			    dft_mail_ext_for_mime(mime));
}

static int em_child_part(em *x, GMimePart *part)
{
	GMimeContentType *ct = g_mime_object_get_content_type(GMIME_OBJECT(part));
	const char *fname = g_mime_part_get_filename(part);
	char *mime = ct ? g_mime_content_type_get_mime_type(ct) : NULL;
	GByteArray *b = NULL;
	int rc;
	if (!em_child_room(x)) {
		g_free(mime);
		return 0;
	}
	dft_buf_reset(&x->name);
	rc = 0;
	if (fname && *fname) {
		if (!dft_utf8_valid(fname, strlen(fname))) {
			dft_buf_reset(&x->tmp);
			rc = dft_decode_text(&x->tmp, (const unsigned char *)fname, strlen(fname), NULL, NULL);
			fname = dft_buf_cstr(&x->tmp);
		}
		if (rc == 0)
			rc = dft_mail_name_add(&x->name, fname, EM_NAME_MAX);
	}
	if (rc == 0 && !x->name.len)
		rc = em_default_name(x, mime);
	g_free(mime);
	if (rc < 0)
		return rc;
	if ((rc = em_part_bytes(x, part, &b)) < 0) {
		if (rc == DFT_ENOMEM)
			return rc;
		x->children++;
		return x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), -1, dft_error_msg());
	}
	rc = em_deliver(x, b ? b->data : (const unsigned char *)"", b ? b->len : 0);
	if (b)
		g_byte_array_unref(b);
	return rc;
}

/* A forwarded message (message/rfc822): its bytes as a child .eml. */
static int em_child_message(em *x, GMimeMessagePart *mp)
{
	GMimeMessage *m = g_mime_message_part_get_message(mp);
	const char *fname = g_mime_object_get_content_disposition_parameter(GMIME_OBJECT(mp), "filename");
	GMimeStream *mem;
	GByteArray *b;
	size_t n;
	int rc = 0;
	if (!em_child_room(x))
		return 0;
	dft_buf_reset(&x->name);
	if (fname && *fname && dft_utf8_valid(fname, strlen(fname)))
		rc = dft_mail_name_add(&x->name, fname, EM_NAME_MAX);
	if (rc == 0 && !x->name.len && m) {
		const char *subj = em_header(x, GMIME_OBJECT(m), "Subject");
		if (subj && *subj)
			rc = dft_mail_name_add(&x->name, subj, EM_NAME_MAX - 4);
	}
	if (rc == 0 && !x->name.len)
		rc = dft_buf_addf(&x->name, "message-%" PRIu64, x->children + x->skipped + 1);
	n = x->name.len;
	if (rc == 0 && (n < 4 || strcasecmp(x->name.ptr + n - 4, ".eml") != 0))
		rc = dft_buf_adds(&x->name, ".eml");
	if (rc < 0)
		return rc;
	if (!m) {
		char note[300];
		snprintf(note, sizeof(note), "an empty message/rfc822 part (%.200s) was left out",
			 dft_buf_cstr(&x->name));
		return x->sink->note(x->sink, note);
	}
	mem = g_mime_stream_mem_new();
	if (g_mime_object_write_to_stream(GMIME_OBJECT(m), NULL, mem) < 0) {
		g_object_unref(mem);
		x->children++;
		return x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), -1,
					     "the forwarded message could not be written out");
	}
	b = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	rc = em_deliver(x, b->data, b->len);
	g_object_unref(mem);
	return rc;
}

/* 1 text/plain, 2 text/html: a body (inline, no file name); else 0. */
static int em_text_kind(GMimeObject *obj)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	const char *disp;
	if (!GMIME_IS_PART(obj) || GMIME_IS_MESSAGE_PARTIAL(obj) || !ct)
		return 0;
	disp = g_mime_object_get_disposition(obj);
	if (disp && strcasecmp(disp, "attachment") == 0)
		return 0;
	if (g_mime_part_get_filename(GMIME_PART(obj)))
		return 0;
	if (g_mime_content_type_is_type(ct, "text", "plain"))
		return 1;
	if (g_mime_content_type_is_type(ct, "text", "html"))
		return 2;
	return 0;
}

/* Which part of a multipart/alternative is the body: text/plain first,
 * then text/html, then a multipart (related ...). */
static GMimeObject *em_pick_alternative(GMimeMultipart *mp)
{
	GMimeObject *best = NULL;
	int i, n = g_mime_multipart_get_count(mp), score = 0;
	for (i = 0; i < n; i++) {
		GMimeObject *sub = g_mime_multipart_get_part(mp, i);
		int k = em_text_kind(sub), s = k == 1 ? 3 : k == 2 ? 2 : GMIME_IS_MULTIPART(sub) ? 1 : 0;
		if (s > score) {
			score = s;
			best = sub;
		}
	}
	return best;
}

/* Walk the MIME tree: bodies become text, everything else children. In
 * `attach_only` mode (the forms of an alternative not chosen) bodies are
 * skipped. */
static int em_walk(em *x, GMimeObject *obj, int depth, int attach_only)
{
	int rc = 0;
	if (depth > EM_MAX_DEPTH) {
		x->too_deep++;
		return 0;
	}
	if (GMIME_IS_MULTIPART(obj)) {
		GMimeMultipart *mp = GMIME_MULTIPART(obj);
		GMimeContentType *ct = g_mime_object_get_content_type(obj);
		GMimeObject *pick = NULL;
		int i, n = g_mime_multipart_get_count(mp);
		if (!attach_only && ct && g_mime_content_type_is_type(ct, "multipart", "alternative"))
			pick = em_pick_alternative(mp);
		for (i = 0; i < n && rc == 0; i++) {
			GMimeObject *sub = g_mime_multipart_get_part(mp, i);
			rc = em_walk(x, sub, depth + 1, attach_only || (pick && sub != pick));
		}
		return rc;
	}
	if (GMIME_IS_MESSAGE_PART(obj))
		return em_child_message(x, GMIME_MESSAGE_PART(obj));
	if (GMIME_IS_PART(obj)) {
		int kind = em_text_kind(obj);
		if (kind)
			return attach_only ? 0 : em_body(x, GMIME_PART(obj), kind == 2);
		return em_child_part(x, GMIME_PART(obj));
	}
	return 0;
}

static int em_message(em *x, GMimeMessage *msg)
{
	GMimeObject *top = GMIME_OBJECT(msg);
	GMimeObject *body = g_mime_message_get_mime_part(msg);
	const char *v;
	char iso[40], num[24];
	int rc;

	if ((rc = em_meta_header(x, top, "From", "from", "From")) < 0 ||
	    (rc = em_meta_header(x, top, "To", "to", "To")) < 0 ||
	    (rc = em_meta_header(x, top, "Cc", "cc", "Cc")) < 0 ||
	    (rc = em_meta_header(x, top, "Bcc", "bcc", NULL)) < 0)
		return rc;
	v = em_header(x, top, "Date");
	if (v && *v) {
		dft_mail_iso_date(iso, v);
		if ((rc = x->sink->meta(x->sink, "date_header", v)) < 0 ||
		    (rc = dft_mail_text_add(&x->text, "Date: ", 6)) < 0 ||
		    (rc = dft_mail_text_add(&x->text, v, strlen(v))) < 0 ||
		    (rc = dft_mail_text_add(&x->text, "\n", 1)) < 0)
			return rc;
		if (iso[0] && (rc = x->sink->meta(x->sink, "date", iso)) < 0)
			return rc;
	}
	if ((rc = em_meta_header(x, top, "Subject", "subject", "Subject")) < 0)
		return rc;
	if (x->tmp.len && em_header(x, top, "Subject") && x->tmp.len &&
	    (rc = x->sink->meta(x->sink, "title", dft_buf_cstr(&x->tmp))) < 0)
		return rc;
	if ((rc = em_meta_header(x, top, "Message-ID", "message_id", NULL)) < 0 ||
	    (rc = em_meta_header(x, top, "In-Reply-To", "in_reply_to", NULL)) < 0 ||
	    (rc = em_meta_header(x, top, "References", "references", NULL)) < 0)
		return rc;
	if ((rc = dft_mail_text_add(&x->text, "\n", 1)) < 0)
		return rc;
	if (body && (rc = em_walk(x, body, 0, 0)) < 0)
		return rc;

	if (x->body_charset[0] && (rc = x->sink->meta(x->sink, "charset", x->body_charset)) < 0)
		return rc;
	snprintf(num, sizeof(num), "%" PRIu64, x->children + x->skipped);
	if ((rc = x->sink->meta(x->sink, "attachments", num)) < 0)
		return rc;
	if (x->invalid) {
		char note[120];
		snprintf(note, sizeof(note), "%" PRIu64 " invalid bytes in the body replaced", x->invalid);
		if ((rc = x->sink->note(x->sink, note)) < 0)
			return rc;
	}
	if (x->skipped) {
		char note[160];
		snprintf(note, sizeof(note),
			 "%" PRIu64 " attachments beyond the limit of %" PRIu64 " not extracted",
			 x->skipped, x->lim.max_members);
		if ((rc = x->sink->note(x->sink, note)) < 0)
			return rc;
	}
	if (x->too_deep) {
		char note[160];
		snprintf(note, sizeof(note), "MIME parts nested deeper than %d levels not read",
			 EM_MAX_DEPTH);
		if ((rc = x->sink->note(x->sink, note)) < 0)
			return rc;
	}
	return 0;
}

/* Line ends are bare CRs: a CR in the first 64 KB and no LF at all. */
static int em_bare_cr(const unsigned char *p, size_t n)
{
	size_t k = n < 65536 ? n : 65536;
	return n < ((size_t)1 << 31) && !memchr(p, '\n', k) && memchr(p, '\r', k);
}

void dft_mail_limits(dft_limits *lim, const dft_input *in)
{
	dft_limits d;
	dft_limits_default(&d);
	if (in->limits)
		*lim = *in->limits;
	else
		*lim = d;
	if (!lim->max_text)
		lim->max_text = d.max_text;
	if (!lim->max_members)
		lim->max_members = d.max_members;
	if (!lim->max_member_size)
		lim->max_member_size = d.max_member_size;
}

int dft_extract_email(dft_sink *sink, const dft_input *in)
{
	GMimeStream *stream = NULL;
	GMimeParser *parser = NULL;
	GMimeMessage *msg = NULL;
	GMimeHeaderList *hl;
	em x;
	int rc = 0;

	em_init_once();
	memset(&x, 0, sizeof(x));
	x.sink = sink;
	x.in = in;
	dft_mail_limits(&x.lim, in);
	dft_mail_text_init(&x.text, x.lim.max_text);
	dft_buf_init(&x.name, 0);
	dft_buf_init(&x.tmp, 0);
	if (!(x.names = dft_mail_names_new())) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (in->data && em_bare_cr(in->data, (size_t)in->size)) {
		/* old Mac line ends: GMime only knows LF */
		size_t i;
		GByteArray *a = g_byte_array_sized_new((guint)in->size);
		g_byte_array_append(a, in->data, (guint)in->size);
		for (i = 0; i < a->len; i++)
			if (a->data[i] == '\r')
				a->data[i] = '\n';
		stream = g_mime_stream_mem_new_with_byte_array(a);
	} else if (in->data)
		stream = g_mime_stream_mem_new_with_buffer((const char *)in->data, (size_t)in->size);
	else if (in->fd >= 0) {
		stream = g_mime_stream_fs_new_with_bounds(in->fd, 0, (gint64)in->size);
		if (stream)
			g_mime_stream_fs_set_owner(GMIME_STREAM_FS(stream), FALSE);
	}
	if (!stream) {
		rc = dft_error_set(DFT_EIO, "cannot read the message");
		goto done;
	}
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	hl = msg ? g_mime_object_get_header_list(GMIME_OBJECT(msg)) : NULL;
	if (!msg || !hl || g_mime_header_list_get_count(hl) == 0) {
		/* a message whose header is empty (it begins with the blank
		 * line, as in some mailboxes and broken forwards) is its body */
		if (in->data && in->size &&
		    (in->data[0] == '\n' || (in->size > 1 && in->data[0] == '\r' && in->data[1] == '\n'))) {
			if ((rc = sink->note(sink, "message with an empty header: read as plain text")) == 0)
				rc = dft_extract_text(sink, in);
			goto done;
		}
		rc = dft_error_set(DFT_EINVAL, "not an e-mail message: no header found");
		goto done;
	}
	if ((rc = em_message(&x, msg)) < 0)
		goto done;
	rc = dft_mail_text_flush(&x.text, sink);
done:
	if (msg)
		g_object_unref(msg);
	if (parser)
		g_object_unref(parser);
	if (stream)
		g_object_unref(stream);
	dft_mail_text_dispose(&x.text);
	dft_mail_names_free(x.names);
	dft_buf_dispose(&x.name);
	dft_buf_dispose(&x.tmp);
	return rc;
}

/* ---- mbox ------------------------------------------------------------------ */

typedef struct mb_reader {
	const dft_input *in;
	unsigned char *buf; /* fd mode: a window of the file */
	size_t start, end, cap;
	uint64_t base;      /* file offset of buf[0] */
	uint64_t pos;       /* data mode: offset of the next line */
	int eof;
} mb_reader;

/* The next line (with its '\n', if any), or 0 at the end. */
static int mb_line(mb_reader *r, const unsigned char **line, size_t *len)
{
	if (r->in->data) {
		const unsigned char *p = r->in->data + r->pos, *nl;
		size_t left = (size_t)(r->in->size - r->pos);
		if (!left)
			return 0;
		nl = memchr(p, '\n', left);
		*line = p;
		*len = nl ? (size_t)(nl - p) + 1 : left;
		r->pos += *len;
		return 1;
	}
	for (;;) {
		unsigned char *nl = r->end > r->start ? memchr(r->buf + r->start, '\n', r->end - r->start) : NULL;
		if (nl || (r->eof && r->end > r->start) || r->end - r->start >= MB_LINE_MAX) {
			size_t n = nl ? (size_t)(nl - (r->buf + r->start)) + 1 : r->end - r->start;
			if (!nl && n > MB_LINE_MAX)
				n = MB_LINE_MAX;
			*line = r->buf + r->start;
			*len = n;
			r->start += n;
			return 1;
		}
		if (r->eof)
			return 0;
		/* slide and read more */
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->base += r->start;
			r->end -= r->start;
			r->start = 0;
		}
		if (r->cap - r->end < MB_READ) {
			size_t ncap = r->end + MB_READ;
			unsigned char *nb = dft_realloc(r->buf, ncap);
			if (!nb)
				return DFT_ENOMEM;
			r->buf = nb;
			r->cap = ncap;
		}
		{
			ssize_t k;
			do
				k = pread(r->in->fd, r->buf + r->end, r->cap - r->end, (off_t)(r->base + r->end));
			while (k < 0 && errno == EINTR);
			if (k < 0)
				return dft_error_set(DFT_EIO, "reading the mailbox: %s", strerror(errno));
			if (k == 0)
				r->eof = 1;
			r->end += (size_t)k;
		}
	}
}

static int mb_blank(const unsigned char *p, size_t n)
{
	return (n == 1 && p[0] == '\n') || (n == 2 && p[0] == '\r' && p[1] == '\n') || n == 0;
}

/* A "From " line that looks like an envelope: "From sender date" with a
 * time (hh:mm) and a four-digit year in it. */
static int mb_envelope(const unsigned char *p, size_t n)
{
	size_t i;
	int time = 0, year = 0;
	if (n < 5 || memcmp(p, "From ", 5) != 0)
		return 0;
	for (i = 5; i + 2 < n; i++) {
		if (p[i] >= '0' && p[i] <= '9' && p[i + 1] == ':' && p[i + 2] >= '0' && p[i + 2] <= '9')
			time = 1;
		if (i + 4 <= n && i > 0 && p[i - 1] == ' ' && p[i] >= '1' && p[i] <= '2' &&
		    p[i + 1] >= '0' && p[i + 1] <= '9' && p[i + 2] >= '0' && p[i + 2] <= '9' &&
		    p[i + 3] >= '0' && p[i + 3] <= '9' && (i + 4 == n || p[i + 4] <= ' '))
			year = 1;
	}
	return time && year;
}

typedef struct mb {
	dft_sink *sink;
	dft_limits lim;
	dft_mail_text text;
	dft_buf msg, tmp, name, line;
	uint64_t count, delivered, skipped, failed;
	int too_big;
} mb;

/* Pull header `name` out of a message's raw header section. */
static int mb_header(mb *m, const char *name, dft_buf *out)
{
	size_t scan = m->msg.len < MB_HEAD_MAX ? m->msg.len : MB_HEAD_MAX;
	return dft_mail_raw_header(dft_buf_cstr(&m->msg), scan, name, out);
}

/* The message collected in m->msg is done: list it, deliver it. */
static int mb_flush(mb *m)
{
	dft_buf v;
	char iso[40];
	int rc = 0;
	if (!m->count)
		return 0;
	dft_buf_init(&v, 0);
	/* the blank line before the next "From " belongs to the mbox */
	if (m->msg.len && m->msg.ptr[m->msg.len - 1] == '\n') {
		size_t n = m->msg.len - 1;
		if (n && m->msg.ptr[n - 1] == '\r')
			n--;
		if (n && m->msg.ptr[n - 1] == '\n')
			m->msg.len = n, m->msg.ptr[n] = '\0';
	}
	/* listing line: date | from | subject */
	if ((rc = mb_header(m, "Date", &v)) < 0)
		goto done;
	dft_mail_iso_date(iso, dft_buf_cstr(&v));
	dft_buf_reset(&m->line);
	if ((rc = dft_buf_adds(&m->line, iso[0] ? iso : dft_buf_cstr(&v))) < 0 ||
	    (rc = dft_buf_adds(&m->line, " | ")) < 0 || (rc = mb_header(m, "From", &v)) < 0 ||
	    (rc = dft_buf_add(&m->line, v.ptr ? v.ptr : "", v.len)) < 0 ||
	    (rc = dft_buf_adds(&m->line, " | ")) < 0 || (rc = mb_header(m, "Subject", &v)) < 0 ||
	    (rc = dft_buf_add(&m->line, v.ptr ? v.ptr : "", v.len)) < 0 ||
	    (rc = dft_buf_addc(&m->line, '\n')) < 0)
		goto done;
	if ((rc = dft_mail_text_add(&m->text, m->line.ptr, m->line.len)) < 0)
		goto done;
	if (m->delivered + m->failed >= m->lim.max_members) {
		m->skipped++;
		goto done;
	}
	dft_buf_reset(&m->name);
	if ((rc = dft_buf_addf(&m->name, "message-%04" PRIu64, m->count)) < 0)
		goto done;
	if (v.len && ((rc = dft_buf_addc(&m->name, '-')) < 0 ||
		      (rc = dft_mail_name_add(&m->name, v.ptr, 60)) < 0))
		goto done;
	if ((rc = dft_buf_adds(&m->name, ".eml")) < 0)
		goto done;
	if (m->too_big) {
		char why[160];
		snprintf(why, sizeof(why), "message beyond the size limit of %" PRIu64 " bytes",
			 m->lim.max_member_size);
		m->failed++;
		rc = m->sink->child_failed(m->sink, dft_buf_cstr(&m->name), -1, why);
		goto done;
	}
	if ((rc = m->sink->child_begin(m->sink, dft_buf_cstr(&m->name), (int64_t)m->msg.len, 0)) < 0)
		goto done;
	{
		size_t off;
		for (off = 0; off < m->msg.len && rc == 0; off += EM_CHUNK)
			rc = m->sink->child_data(m->sink, m->msg.ptr + off,
						 m->msg.len - off < EM_CHUNK ? m->msg.len - off : EM_CHUNK);
	}
	if (rc == 0)
		rc = m->sink->child_end(m->sink);
	m->delivered++;
done:
	dft_buf_dispose(&v);
	dft_buf_reset(&m->msg);
	m->too_big = 0;
	return rc;
}

/* Add a line of a message, unquoting ">From " (mboxrd: one '>' less). */
static int mb_add(mb *m, const unsigned char *p, size_t n)
{
	size_t q = 0;
	if (m->too_big || m->delivered + m->failed >= m->lim.max_members) {
		/* the listing only needs the header */
		if (m->msg.len >= MB_HEAD_MAX)
			return 0;
	}
	while (q < n && p[q] == '>')
		q++;
	if (q > 0 && n - q >= 5 && memcmp(p + q, "From ", 5) == 0) {
		p++;
		n--;
	}
	if (m->msg.len + n > m->lim.max_member_size || m->msg.len + n > ((size_t)1 << 30)) {
		m->too_big = 1;
		return 0;
	}
	return dft_buf_add(&m->msg, p, n);
}

int dft_extract_mbox(dft_sink *sink, const dft_input *in)
{
	mb_reader r;
	mb m;
	const unsigned char *line = NULL;
	size_t len = 0;
	int prev_blank = 1, started = 0, rc = 0, got;
	char num[24];

	em_init_once();
	memset(&r, 0, sizeof(r));
	r.in = in;
	memset(&m, 0, sizeof(m));
	m.sink = sink;
	{
		dft_input tmp = *in;
		dft_mail_limits(&m.lim, &tmp);
	}
	dft_mail_text_init(&m.text, m.lim.max_text);
	dft_buf_init(&m.msg, (size_t)1 << 30);
	dft_buf_init(&m.tmp, 0);
	dft_buf_init(&m.name, 0);
	dft_buf_init(&m.line, 0);
	if (!in->data && in->fd < 0) {
		rc = dft_error_set(DFT_EIO, "no bytes to read");
		goto done;
	}
	while ((got = mb_line(&r, &line, &len)) > 0) {
		int from = len >= 5 && memcmp(line, "From ", 5) == 0 &&
			   (prev_blank ? 1 : mb_envelope(line, len));
		if (!started) {
			if (mb_blank(line, len))
				continue;
			if (!from || !mb_envelope(line, len)) {
				rc = dft_error_set(DFT_EINVAL, "not a mailbox: it does not begin with a \"From \" line");
				goto done;
			}
			started = 1;
		}
		if (from) {
			if ((rc = mb_flush(&m)) < 0)
				goto done;
			m.count++;
			prev_blank = 0;
			continue;
		}
		prev_blank = mb_blank(line, len);
		if ((rc = mb_add(&m, line, len)) < 0)
			goto done;
	}
	if (got < 0) {
		rc = got;
		goto done;
	}
	if (!started) {
		rc = dft_error_set(DFT_EINVAL, "not a mailbox: no message in it");
		goto done;
	}
	if ((rc = mb_flush(&m)) < 0)
		goto done;
	snprintf(num, sizeof(num), "%" PRIu64, m.count);
	if ((rc = sink->meta(sink, "messages", num)) < 0)
		goto done;
	if (m.skipped) {
		char msg[200];
		snprintf(msg, sizeof(msg),
			 "%" PRIu64 " messages beyond the limit of %" PRIu64 " not extracted (listed only)",
			 m.skipped, m.lim.max_members);
		if ((rc = sink->note(sink, msg)) < 0)
			goto done;
	}
	rc = dft_mail_text_flush(&m.text, sink);
done:
	free(r.buf);
	dft_mail_text_dispose(&m.text);
	dft_buf_dispose(&m.msg);
	dft_buf_dispose(&m.tmp);
	dft_buf_dispose(&m.name);
	dft_buf_dispose(&m.line);
	return rc;
}
