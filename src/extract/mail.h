/*
 * mail.h - helpers shared by the e-mail extractors (email.c, msg.c, pst.c);
 * internal to src/extract, not a public header.
 */
#ifndef DAFTAR_EXTRACT_MAIL_H
#define DAFTAR_EXTRACT_MAIL_H

#include "daftar/extract.h"

#include <stdint.h>

/* Once per worker, before the sandbox closes (email.c): GMime, libpst's
 * UTF-16 converter, and iconv converters for common mail charsets kept
 * open so that GMime and libpst find them loaded once open() is denied. */
int dft_email_init(void);

/* Decode a header value as it stands in a message (folded, RFC 2047
 * encoded words, raw 8-bit bytes in some charset) into UTF-8 NFC text on
 * one line, appended to out. */
int dft_mail_header_decode(dft_buf *out, const char *raw, size_t n);

/* The decoded value of header `name` in a raw header section p[0..n)
 * (up to the first empty line) into out; out is left empty if absent. */
int dft_mail_raw_header(const char *p, size_t n, const char *name, dft_buf *out);

/* A Date header's value as RFC 3339 ("2015-04-12T09:30:00+03:00"), or "". */
void dft_mail_iso_date(char out[40], const char *raw);

/* A Windows code page (1256, 65001, 28591 ...) as a charset name ICU
 * knows ("windows-1256"), "" for 0 (msg.c). */
void dft_mail_codepage(char out[40], uint64_t cp);

/* Append a safe file name made of s (UTF-8): no '/', '\', control or
 * other characters file systems refuse, spaces collapsed, at most max
 * bytes (cut at a character boundary). Nothing appended when s has no
 * usable character. */
int dft_mail_name_add(dft_buf *out, const char *s, size_t max);

/* A file extension (".pdf") for a MIME type, ".bin" when unknown. */
const char *dft_mail_ext_for_mime(const char *mime);

/* Text collected for the sink, kept within max_text: text beyond it is
 * counted and reported in a note by dft_mail_text_flush(). */
typedef struct dft_mail_text {
	dft_buf buf;
	uint64_t max, total;
	int truncated;
} dft_mail_text;

void dft_mail_text_init(dft_mail_text *t, uint64_t max_text);
int dft_mail_text_add(dft_mail_text *t, const char *s, size_t n);
/* Send the text (and a truncation note) to the sink, then dispose. */
int dft_mail_text_flush(dft_mail_text *t, dft_sink *sink);
void dft_mail_text_dispose(dft_mail_text *t);

/* The text of an HTML body into t: decoded from `charset` (NULL: detect)
 * and given to the HTML extractor as UTF-8 behind a BOM (which beats any
 * <meta>), within what is left of t's limit. A body the HTML extractor
 * cannot read is a note on `sink`, not a failure. info (may be NULL) gets
 * the charset used and the bytes that could not be decoded. */
int dft_mail_html_text(dft_mail_text *t, dft_sink *sink, const dft_input *in, const dft_limits *lim,
		       const unsigned char *p, size_t n, const char *charset, dft_decode_info *info);

/* The limits a mail extractor works with: the document's, with the
 * defaults where a field is 0. */
void dft_mail_limits(dft_limits *out, const dft_input *in);

/* Windows FILETIME (100 ns since 1601) to "YYYY-MM-DDTHH:MM:SSZ"; 0 or a
 * negative code when out of range. */
int dft_mail_filetime_iso(char out[32], uint64_t ft);

/* Make the name unique among those given before (a " (2)" before the
 * extension); set is a private table, create with NULL. */
typedef struct dft_mail_names dft_mail_names;
dft_mail_names *dft_mail_names_new(void);
void dft_mail_names_free(dft_mail_names *n);
int dft_mail_names_unique(dft_mail_names *n, dft_buf *name);

#endif
