/*
 * text.c - the plain-text extractor: a document's bytes, in whatever
 * charset, to UTF-8 NFC text for the sink, with the charset as metadata.
 *
 * The input is decoded in pieces of TXT_CHUNK bytes, from the mapping or,
 * for a file too large to map, with pread(), so memory stays bounded. Each
 * piece ends where no character can straddle the cut (after whitespace,
 * or on a code unit boundary for UTF-16/32); the first piece decides the
 * charset and the others are decoded with it. Text beyond the max_text
 * limit is dropped with a note saying how much, never silently.
 */
#include "daftar/extract.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TXT_CHUNK ((size_t)4 << 20)  /* input bytes decoded at a time */
#define TXT_LOOKBACK ((size_t)65536) /* how far back a cut looks for a space */

enum { TXT_BYTES, TXT_UTF16LE, TXT_UTF16BE, TXT_UTF32 };

/* How the bytes are laid out, from the BOM or the charset chosen. */
static int txt_kind(const char *charset)
{
	if (strcmp(charset, "UTF-16LE") == 0)
		return TXT_UTF16LE;
	if (strcmp(charset, "UTF-16BE") == 0 || strcmp(charset, "UTF-16") == 0)
		return TXT_UTF16BE;
	if (strncmp(charset, "UTF-32", 6) == 0)
		return TXT_UTF32;
	return TXT_BYTES;
}

static int txt_kind_bom(const unsigned char *p, size_t n)
{
	if (n >= 4 && ((p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
		       (p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF)))
		return TXT_UTF32;
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE)
		return TXT_UTF16LE;
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF)
		return TXT_UTF16BE;
	return TXT_BYTES;
}

/* Where to end a piece of n bytes that is not the last one. For byte
 * charsets: after the last whitespace or control byte in the last
 * TXT_LOOKBACK bytes, which is never inside a character in UTF-8, the
 * single-byte charsets or the CJK double-byte ones, and never between a
 * letter and a combining mark NFC would join to it; failing that, at a
 * UTF-8 character boundary. */
static size_t txt_cut(const unsigned char *p, size_t n, int kind)
{
	size_t cut, stop;
	if (kind == TXT_UTF32)
		return n & ~(size_t)3;
	if (kind == TXT_UTF16LE || kind == TXT_UTF16BE) {
		cut = n & ~(size_t)1;
		if (cut >= 2) {
			unsigned char hi = kind == TXT_UTF16LE ? p[cut - 1] : p[cut - 2];
			if (hi >= 0xD8 && hi <= 0xDB)
				cut -= 2; /* keep a surrogate pair together */
		}
		return cut;
	}
	stop = n > TXT_LOOKBACK ? n - TXT_LOOKBACK : 0;
	for (cut = n; cut > stop; cut--)
		if (p[cut - 1] <= 0x20)
			return cut;
	/* no whitespace: at least do not cut a UTF-8 sequence in two */
	for (cut = 1; cut <= 4 && cut < n; cut++) {
		unsigned char c = p[n - cut];
		if ((c & 0xC0) != 0x80) {
			size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
			return need > cut ? n - cut : n;
		}
	}
	return n;
}

static int txt_read(int fd, unsigned char *buf, size_t n, uint64_t off, size_t *got)
{
	size_t have = 0;
	while (have < n) {
		ssize_t r = pread(fd, buf + have, n - have, (off_t)(off + have));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return dft_error_set(DFT_EIO, "reading at offset %" PRIu64 ": %s",
					     off + have, strerror(errno));
		if (r == 0)
			break;
		have += (size_t)r;
	}
	*got = have;
	return 0;
}

/* Length of the longest prefix of p[0..n) that is at most max bytes and
 * does not end inside a UTF-8 character. */
static size_t txt_utf8_prefix(const char *p, size_t n, size_t max)
{
	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)p[max] & 0xC0) == 0x80)
		max--;
	return max;
}

int dft_extract_text(dft_sink *sink, const dft_input *in)
{
	dft_limits defaults;
	const dft_limits *lim = in->limits;
	dft_decode_info info;
	dft_buf piece, note;
	unsigned char *rbuf = NULL;
	char charset[40] = "UTF-8";
	uint64_t off = 0, invalid = 0, kept = 0, decoded = 0;
	int kind = -1, truncated = 0, first = 1, all = 0, rc = 0;

	dft_buf_init(&piece, 16 * TXT_CHUNK);
	dft_buf_init(&note, 0);
	if (!lim) {
		dft_limits_default(&defaults);
		lim = &defaults;
	}
	if (!in->data) {
		rbuf = dft_malloc(TXT_CHUNK);
		if (!rbuf) {
			rc = DFT_ENOMEM;
			goto done;
		}
	}
	for (;;) {
		const unsigned char *p;
		size_t n = 0, cut;
		int last;

		if (in->data) {
			if (off >= in->size) {
				all = 1;
				break;
			}
			p = in->data + off;
			n = in->size - off < TXT_CHUNK ? (size_t)(in->size - off) : TXT_CHUNK;
			last = off + n >= in->size;
		} else {
			if ((rc = txt_read(in->fd, rbuf, TXT_CHUNK, off, &n)) < 0)
				goto done;
			if (n == 0) {
				all = 1;
				break;
			}
			p = rbuf;
			last = n < TXT_CHUNK;
		}
		if (kind < 0)
			kind = txt_kind_bom(p, n);
		cut = last ? n : txt_cut(p, n, kind);
		if (cut == 0)
			cut = n;
		dft_buf_reset(&piece);
		rc = dft_decode_text(&piece, p, cut, first ? NULL : charset, &info);
		if (rc < 0)
			goto done;
		if (first) {
			memcpy(charset, info.charset, sizeof(charset));
			if (!info.had_bom)
				kind = txt_kind(charset);
			first = 0;
		}
		invalid += info.invalid;
		decoded += piece.len;
		off += cut;
		if (kept + piece.len > lim->max_text) {
			size_t room = txt_utf8_prefix(piece.ptr, piece.len,
						      (size_t)(lim->max_text - kept));
			if (room && (rc = sink->text(sink, piece.ptr, room)) < 0)
				goto done;
			kept += room;
			truncated = 1;
			all = last;
			break;
		} else if (piece.len) {
			if ((rc = sink->text(sink, piece.ptr, piece.len)) < 0)
				goto done;
			kept += piece.len;
		}
		if (last) {
			all = 1;
			break;
		}
	}

	if ((rc = sink->meta(sink, "charset", charset)) < 0)
		goto done;
	if (invalid) {
		char num[24];
		snprintf(num, sizeof(num), "%" PRIu64, invalid);
		if ((rc = sink->meta(sink, "invalid_bytes", num)) < 0)
			goto done;
		if ((rc = dft_buf_addf(&note, "%" PRIu64 " invalid bytes replaced (charset %s)",
				       invalid, charset)) < 0 ||
		    (rc = sink->note(sink, dft_buf_cstr(&note))) < 0)
			goto done;
	}
	if (truncated) {
		/* When the cut came before the end of the input, the rest was
		 * not decoded (it could take longer than the time limit): its
		 * size is estimated from what was decoded so far. */
		int exact = all || (in->data && off >= in->size);
		uint64_t total = decoded;
		if (!exact && off > 0 && in->size > off)
			total = (uint64_t)((double)decoded * (double)in->size / (double)off);
		dft_buf_reset(&note);
		rc = dft_buf_addf(&note, "text truncated at %.1f MiB of %s%.1f MiB "
				  "(%" PRIu64 " of %s%" PRIu64 " bytes kept)",
				  (double)kept / 1048576.0, exact ? "" : "about ",
				  (double)total / 1048576.0, kept, exact ? "" : "about ", total);
		if (rc < 0 || (rc = sink->note(sink, dft_buf_cstr(&note))) < 0)
			goto done;
	}
done:
	free(rbuf);
	dft_buf_dispose(&piece);
	dft_buf_dispose(&note);
	return rc;
}
