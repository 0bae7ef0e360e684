/*
 * ole.c - legacy Office extraction: Word 97-2003 (.doc, and Word 6/95),
 * Excel 97-2003 (.xls, BIFF8, and BIFF5/7) and PowerPoint 97-2003 (.ppt).
 *
 * libgsf opens the OLE2 compound file from memory (gsf_input_memory_new +
 * gsf_infile_msole_new: no file is opened, as the sandbox wants) and reads
 * the streams. The property streams (\005SummaryInformation,
 * \005DocumentSummaryInformation: title, author, last author, dates,
 * company) and the text walks are ours, each bounded by the size of the
 * stream it reads:
 *
 *  - Word: the FIB gives the code page (lid), the encryption flag and the
 *    place of the CLX in the table stream; the CLX's piece table maps
 *    character positions to runs of bytes in the WordDocument stream, each
 *    either UTF-16LE or "compressed" 8-bit (Windows-1252 by the spec). Word
 *    6/95 files have no piece table: their text is fcMin..fcMac in the
 *    code page of the document's language (1256 for Arabic). Field codes
 *    are dropped and their results kept; the main text comes first, then
 *    footnotes, headers, comments, endnotes and text boxes, each under a
 *    heading line.
 *  - Excel: the BOUNDSHEET records name the sheets; the SST (with its
 *    CONTINUE records) holds the strings; LABELSST, LABEL, NUMBER, RK,
 *    MULRK, FORMULA (cached result), BOOLERR give the cells, row by row.
 *  - PowerPoint: the TextCharsAtom/TextBytesAtom records of the
 *    "PowerPoint Document" stream, master slides left out.
 *
 * Password-protected files fail with "encrypted": Word's fEncrypted, an
 * Excel FILEPASS record, PowerPoint's encrypted summary, and an OOXML
 * package in an OLE container ("EncryptedPackage").
 */
#include "zipxml.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-utils.h>

#define OLE_STREAM_MAX ((uint64_t)512 << 20) /* bytes of one stream read */
#define OLE_FIELD_DEPTH 32
#define OLE_PPT_DEPTH 64
#define OLE_MAX_GAP 256

static uint16_t u16(const unsigned char *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

typedef struct ole {
	dft_sink *sink;
	zx_out out;
	GsfInfile *infile;
	dft_buf tmp;
} ole;

/* A top-level stream by name, ignoring case (some writers spell
 * "WORKBOOK" or "worddocument"). */
static GsfInput *ole_child(ole *o, const char *name)
{
	GsfInput *s = gsf_infile_child_by_name(o->infile, name);
	int i, n;
	if (s)
		return s;
	n = gsf_infile_num_children(o->infile);
	for (i = 0; i < n; i++) {
		const char *c = gsf_infile_name_by_index(o->infile, i);
		if (c && g_ascii_strcasecmp(c, name) == 0)
			return gsf_infile_child_by_index(o->infile, i);
	}
	return NULL;
}

/* A whole stream in memory (g_free() it), or NULL when there is none. */
static int ole_stream(ole *o, const char *name, unsigned char **out, size_t *len)
{
	GsfInput *s = ole_child(o, name);
	gsf_off_t size;
	unsigned char *buf;
	*out = NULL;
	*len = 0;
	if (!s)
		return 0;
	size = gsf_input_size(s);
	if (size < 0 || (uint64_t)size > OLE_STREAM_MAX) {
		g_object_unref(s);
		return dft_error_set(DFT_ELIMIT, "stream %s is larger than %" PRIu64 " bytes", name, OLE_STREAM_MAX);
	}
	buf = g_try_malloc((gsize)size + 1);
	if (!buf) {
		g_object_unref(s);
		return dft_error_set(DFT_ENOMEM, "out of memory reading stream %s", name);
	}
	if (size > 0 && !gsf_input_read(s, (size_t)size, buf)) {
		g_free(buf);
		g_object_unref(s);
		return dft_error_set(DFT_ECORRUPT, "truncated OLE file: stream %s cannot be read", name);
	}
	g_object_unref(s);
	*out = buf;
	*len = (size_t)size;
	return 1;
}

static int ole_has(ole *o, const char *name)
{
	GsfInput *s = ole_child(o, name);
	if (!s)
		return 0;
	g_object_unref(s);
	return 1;
}

/* ---- properties -------------------------------------------------------------- */

/* The property streams are read here rather than with libgsf's reader,
 * which converts 8-bit strings with iconv: in the sandboxed worker iconv
 * cannot load its converters, and the strings would be lost. Strings go
 * through dft_decode_text (ICU) in the section's code page (PID 1). */

static int ole_prop_emit(ole *o, const char *key, const unsigned char *sec, size_t seclen, size_t off, int cp)
{
	uint32_t type;
	dft_buf b;
	char out[64];
	int rc = 0;
	if (off + 8 > seclen)
		return 0;
	type = u32(sec + off) & 0xFFFF;
	dft_buf_init(&b, 0);
	if (type == 0x1E) { /* VT_LPSTR */
		uint32_t cb = u32(sec + off + 4);
		if (cb > seclen - off - 8)
			cb = (uint32_t)(seclen - off - 8);
		while (cb > 0 && sec[off + 8 + cb - 1] == 0)
			cb--;
		if (cb)
			rc = dft_decode_text(&b, sec + off + 8, cb, cp == 1200 ? "UTF-16LE" : (dft_zx_codepage_name(cp) ? dft_zx_codepage_name(cp) : "windows-1252"), NULL);
	} else if (type == 0x1F) { /* VT_LPWSTR: count of characters */
		uint32_t cch = u32(sec + off + 4), i;
		for (i = 0; i < cch && off + 8 + 2 * (size_t)i + 1 < seclen && rc == 0; i++) {
			uint32_t c = u16(sec + off + 8 + 2 * i);
			if (!c)
				break;
			rc = dft_zx_utf8(&b, c);
		}
	} else if (type == 0x40) { /* VT_FILETIME */
		uint64_t ft = off + 12 <= seclen ? (uint64_t)u32(sec + off + 4) | ((uint64_t)u32(sec + off + 8) << 32) : 0;
		if (ft > 116444736000000000ULL) {
			time_t t = (time_t)((ft - 116444736000000000ULL) / 10000000ULL);
			struct tm tm;
			if (gmtime_r(&t, &tm) && strftime(out, sizeof(out), "%Y-%m-%dT%H:%M:%SZ", &tm))
				rc = dft_buf_adds(&b, out);
		}
	} else if (type == 0x03 || type == 0x02) { /* VT_I4, VT_I2 */
		long v = type == 0x03 ? (long)(int32_t)u32(sec + off + 4) : (long)(int16_t)u16(sec + off + 4);
		if (v > 0) {
			snprintf(out, sizeof(out), "%ld", v);
			rc = dft_buf_adds(&b, out);
		}
	}
	if (rc == 0 && b.len) {
		char *v = b.ptr;
		size_t n = b.len;
		while (n && (v[n - 1] == ' ' || v[n - 1] == '\r' || v[n - 1] == '\n'))
			v[--n] = '\0';
		while (*v == ' ')
			v++;
		if (*v)
			rc = o->sink->meta(o->sink, key, v);
	}
	dft_buf_dispose(&b);
	return rc;
}

static int ole_propset(ole *o, const char *stream, const char *const *map)
{
	unsigned char *d;
	size_t n, i;
	uint32_t secoff, seclen, count;
	int cp = 1252, rc, pass;
	if ((rc = ole_stream(o, stream, &d, &n)) <= 0)
		return rc;
	rc = 0;
	if (n < 48 || u16(d) != 0xFFFE)
		goto done;
	secoff = u32(d + 44);
	if (secoff >= n || n - secoff < 8)
		goto done;
	seclen = u32(d + secoff);
	if (seclen > n - secoff)
		seclen = (uint32_t)(n - secoff);
	count = u32(d + secoff + 4);
	if (count > (seclen - 8) / 8)
		count = (seclen - 8) / 8;
	/* the code page first (PID 1), then the properties */
	for (pass = 0; pass < 2 && rc == 0; pass++)
		for (i = 0; i < count && rc == 0; i++) {
			uint32_t pid = u32(d + secoff + 8 + 8 * i), off = u32(d + secoff + 12 + 8 * i);
			size_t k;
			if (off + 8 > seclen)
				continue;
			if (pass == 0) {
				if (pid == 1)
					cp = u16(d + secoff + off + 4);
				continue;
			}
			for (k = 0; map[k]; k += 2)
				if ((uint32_t)strtoul(map[k], NULL, 10) == pid)
					rc = ole_prop_emit(o, map[k + 1], d + secoff, seclen, off, cp);
		}
done:
	g_free(d);
	return rc;
}

static int ole_props(ole *o)
{
	static const char *const summary[] = {
		"2", "title", "3", "subject", "4", "author", "5", "keywords", "8", "last_modified_by",
		"12", "created", "13", "modified", "14", "pages", "18", "creator", NULL,
	};
	static const char *const docsummary[] = {"15", "company", "14", "manager", NULL};
	int rc = ole_propset(o, "\005SummaryInformation", summary);
	if (rc == 0)
		rc = ole_propset(o, "\005DocumentSummaryInformation", docsummary);
	return rc == DFT_ENOMEM ? rc : 0;
}

/* ---- Word ------------------------------------------------------------------------ */

typedef struct word {
	ole *o;
	int field[OLE_FIELD_DEPTH]; /* 0: instructions (dropped), 1: result */
	int depth, overflow;
	int last_cell;              /* the last character was a cell mark */
	uint32_t bounds[8];         /* CP where each story ends */
	int story;
	const char *heading;
} word;

static int word_put(word *w, const char *s, size_t n)
{
	int rc;
	if (w->heading) {
		const char *h = w->heading;
		w->heading = NULL;
		if (w->o->out.last && w->o->out.last != '\n' && (rc = dft_zx_puts(&w->o->out, "\n")) < 0)
			return rc;
		if ((rc = dft_zx_puts(&w->o->out, "\n")) < 0 || (rc = dft_zx_puts(&w->o->out, h)) < 0 ||
		    (rc = dft_zx_puts(&w->o->out, "\n")) < 0)
			return rc;
	}
	return dft_zx_put(&w->o->out, s, n);
}

/* Feed UTF-8 text of the pieces; cp is the character position of its start. */
static int word_feed(word *w, const char *s, size_t n, uint32_t cp)
{
	static const char *const headings[] = {NULL, "[Footnotes]", "[Headers and footers]", "[Comments]",
					       "[Endnotes]", "[Text boxes]", "[Header text boxes]", NULL};
	size_t i = 0, run = 0;
	int rc;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		int hidden = 0, k;
		while (w->story < 7 && cp >= w->bounds[w->story]) {
			if (i > run && (rc = word_put(w, s + run, i - run)) < 0)
				return rc;
			run = i;
			w->story++;
			w->depth = w->overflow = 0;
			if (w->story < 7)
				w->heading = headings[w->story];
		}
		if (w->story >= 7)
			break; /* past the last story */
		for (k = 0; k < w->depth; k++)
			if (!w->field[k])
				hidden = 1;
		if (c < 0x20 || hidden) {
			const char *rep = NULL;
			if (i > run && (rc = word_put(w, s + run, i - run)) < 0)
				return rc;
			switch (c) {
			case 0x13: /* field begin */
				if (w->depth < OLE_FIELD_DEPTH)
					w->field[w->depth++] = 0;
				else
					w->overflow++;
				break;
			case 0x14: /* separator: the result follows */
				if (w->depth && !w->overflow)
					w->field[w->depth - 1] = 1;
				break;
			case 0x15:
				if (w->overflow)
					w->overflow--;
				else if (w->depth)
					w->depth--;
				break;
			default:
				if (hidden)
					break;
				switch (c) {
				case 0x0D: case 0x0B: case 0x0C: rep = "\n"; break;
				case 0x09: rep = "\t"; break;
				case 0x1E: rep = "-"; break;
				case 0x07:
					if (w->last_cell) { /* row end mark after the last cell */
						dft_zx_untab(&w->o->out);
						rep = "\n";
					} else {
						rep = "\t";
					}
					break;
				default: break;
				}
			}
			w->last_cell = (c == 0x07 && !w->last_cell && !hidden);
			if (rep && (rc = word_put(w, rep, 1)) < 0)
				return rc;
			/* skip the whole UTF-8 sequence of a hidden character */
			i++;
			while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
				i++;
			run = i;
			cp++;
			continue;
		}
		w->last_cell = 0;
		i++;
		while (i < n && ((unsigned char)s[i] & 0xC0) == 0x80)
			i++;
		cp++;
	}
	if (n > run && w->story < 7)
		return word_put(w, s + run, n - run);
	return 0;
}

static int word_piece(word *w, const unsigned char *wd, size_t wdlen, uint32_t cp0, uint32_t cp1, uint32_t fc)
{
	dft_buf u;
	int rc = 0;
	size_t off, n;
	int compressed = (fc & 0x40000000u) != 0;
	if (cp1 <= cp0)
		return 0;
	if (compressed) {
		off = (fc & ~0x40000000u) / 2;
		n = cp1 - cp0;
	} else {
		off = fc;
		n = (size_t)(cp1 - cp0) * 2;
	}
	if (off >= wdlen)
		return 0;
	if (n > wdlen - off)
		n = wdlen - off;
	dft_buf_init(&u, 0);
	if (compressed) {
		rc = dft_decode_text(&u, wd + off, n, "windows-1252", NULL);
	} else {
		size_t i;
		for (i = 0; i + 1 < n && rc == 0; i += 2) {
			uint32_t c = u16(wd + off + i);
			if (c >= 0xD800 && c <= 0xDBFF && i + 3 < n && u16(wd + off + i + 2) >= 0xDC00 &&
			    u16(wd + off + i + 2) <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (u16(wd + off + i + 2) - 0xDC00u);
				i += 2;
			}
			rc = dft_zx_utf8(&u, c ? c : 0x20);
		}
	}
	if (rc == 0)
		rc = word_feed(w, dft_buf_cstr(&u), u.len, cp0);
	dft_buf_dispose(&u);
	return rc;
}

static int ole_word(ole *o)
{
	unsigned char *wd = NULL, *tbl = NULL;
	size_t wdlen, tbllen, i;
	uint16_t ident, nfib, lid, flags;
	word w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.o = o;
	if ((rc = ole_stream(o, "WordDocument", &wd, &wdlen)) < 0)
		goto done;
	rc = 0;
	if (wdlen < 0x20) {
		rc = dft_error_set(DFT_ECORRUPT, "corrupt Word file: the WordDocument stream is too short");
		goto done;
	}
	ident = u16(wd);
	nfib = u16(wd + 2);
	lid = u16(wd + 6);
	flags = u16(wd + 0x0A);
	if (ident != 0xA5EC && ident != 0xA5DC) {
		rc = dft_error_set(DFT_ECORRUPT, "corrupt Word file: bad FIB signature 0x%04x", ident);
		goto done;
	}
	if (flags & 0x0100) {
		rc = dft_error_set(DFT_EENCRYPTED, "encrypted: the Word document is protected by a password");
		goto done;
	}
	{
		char lang[16];
		snprintf(lang, sizeof(lang), "%u", (unsigned)dft_zx_lid_codepage(lid));
		o->sink->meta(o->sink, "codepage", lang);
	}
	if (nfib < 0x00C1 || wdlen < 0x1AA) {
		/* Word 6/95: 8-bit text in the code page of the document's language */
		uint32_t fcmin = u32(wd + 0x18), fcmac = u32(wd + 0x1C);
		const char *cs = dft_zx_codepage_name(dft_zx_lid_codepage(lid));
		if (fcmin >= wdlen || fcmac <= fcmin) {
			rc = dft_error_set(DFT_ECORRUPT, "corrupt Word 6/95 file: no text range");
			goto done;
		}
		if (fcmac > wdlen)
			fcmac = (uint32_t)wdlen;
		{
			dft_buf u;
			dft_buf_init(&u, 0);
			for (i = 0; i < 8; i++)
				w.bounds[i] = UINT32_MAX;
			rc = dft_decode_text(&u, wd + fcmin, fcmac - fcmin, cs ? cs : "windows-1252", NULL);
			if (rc == 0)
				rc = word_feed(&w, dft_buf_cstr(&u), u.len, 0);
			dft_buf_dispose(&u);
		}
		goto done;
	}
	/* story ends: main, footnotes, headers, comments, endnotes, text boxes */
	{
		static const size_t at[7] = {0x4C, 0x50, 0x54, 0x5C, 0x60, 0x64, 0x68};
		uint32_t sum = 0;
		for (i = 0; i < 7; i++) {
			uint32_t c = u32(wd + at[i]);
			if (c > 0x7FFFFFFF)
				c = 0;
			sum += c;
			w.bounds[i] = sum;
		}
		w.bounds[7] = UINT32_MAX;
	}
	{
		uint32_t fcclx = u32(wd + 0x1A2), lcbclx = u32(wd + 0x1A6);
		size_t pos, end;
		if ((rc = ole_stream(o, (flags & 0x0200) ? "1Table" : "0Table", &tbl, &tbllen)) < 0)
			goto done;
		rc = 0;
		if (!tbl || lcbclx == 0 || fcclx >= tbllen || lcbclx > tbllen - fcclx) {
			rc = dft_error_set(DFT_ECORRUPT, "corrupt Word file: no piece table");
			goto done;
		}
		pos = fcclx;
		end = fcclx + lcbclx;
		while (pos < end && tbl[pos] == 0x01) { /* Prc: skip */
			if (pos + 3 > end)
				break;
			pos += 3 + u16(tbl + pos + 1);
		}
		if (pos + 5 > end || tbl[pos] != 0x02) {
			rc = dft_error_set(DFT_ECORRUPT, "corrupt Word file: bad piece table");
			goto done;
		}
		{
			uint32_t lcb = u32(tbl + pos + 1);
			const unsigned char *plc = tbl + pos + 5;
			size_t npieces;
			if (lcb > end - (pos + 5) || lcb < 16) {
				rc = dft_error_set(DFT_ECORRUPT, "corrupt Word file: bad piece table size");
				goto done;
			}
			npieces = (lcb - 4) / 12;
			for (i = 0; i < npieces && rc == 0; i++) {
				uint32_t cp0 = u32(plc + 4 * i), cp1 = u32(plc + 4 * (i + 1));
				const unsigned char *pcd = plc + 4 * (npieces + 1) + 8 * i;
				rc = word_piece(&w, wd, wdlen, cp0, cp1, u32(pcd + 2));
			}
		}
	}
done:
	g_free(wd);
	g_free(tbl);
	return rc;
}

/* ---- Excel ---------------------------------------------------------------------- */

typedef struct xls {
	ole *o;
	int biff8;
	const char *charset;    /* BIFF5 strings */
	char **sst;
	size_t nsst;
	char **sheets;
	size_t nsheets, sheet;
	long row, col;          /* last cell put, row -1 at a sheet's start */
	int want_string;        /* a FORMULA's string result comes next */
	long frow, fcol;
	char *heading;          /* the sheet's heading, put before its first cell */
} xls;

/* A BIFF8 string at p (max n bytes): cch (2 or 1 bytes), flags, chars. */
static int xls_str(xls *x, dft_buf *out, const unsigned char *p, size_t n, int cch_bytes)
{
	size_t cch, pos, i;
	int high;
	if (n < (size_t)cch_bytes)
		return 0;
	cch = cch_bytes == 2 ? u16(p) : p[0];
	pos = (size_t)cch_bytes;
	if (!x->biff8) {
		size_t k = cch < n - pos ? cch : n - pos;
		return dft_decode_text(out, p + pos, k, x->charset, NULL);
	}
	if (pos >= n)
		return 0;
	{
		int flags = p[pos++];
		high = flags & 1;
		if (flags & 0x08)
			pos += 2; /* rich runs count */
		if (flags & 0x04)
			pos += 4; /* ext size */
	}
	for (i = 0; i < cch && pos + (high ? 1 : 0) < n; i++) {
		uint32_t c = high ? u16(p + pos) : p[pos];
		pos += high ? 2 : 1;
		if (dft_zx_utf8(out, c) < 0)
			return DFT_ENOMEM;
	}
	return 0;
}

/* The SST with its CONTINUE records joined; `breaks` where each began. */
static int xls_sst(xls *x, const unsigned char *d, size_t n, const size_t *breaks, size_t nbreaks)
{
	size_t pos = 8, b = 0, count, k;
	dft_buf s;
	int rc = 0;
	if (n < 8)
		return 0;
	count = u32(d + 4);
	if (count > n) /* each string takes 3 bytes at least */
		count = n / 3;
	x->sst = dft_calloc(count + 1, sizeof(char *));
	if (!x->sst)
		return DFT_ENOMEM;
	dft_buf_init(&s, (size_t)64 << 20);
	for (k = 0; k < count && pos + 3 <= n && rc == 0; k++) {
		size_t cch = u16(d + pos), i, rich = 0, ext = 0;
		int flags = d[pos + 2], high = flags & 1;
		pos += 3;
		if (flags & 0x08) {
			if (pos + 2 > n) break;
			rich = u16(d + pos);
			pos += 2;
		}
		if (flags & 0x04) {
			if (pos + 4 > n) break;
			ext = u32(d + pos);
			pos += 4;
		}
		dft_buf_reset(&s);
		for (i = 0; i < cch && pos < n; i++) {
			uint32_t c;
			while (b < nbreaks && breaks[b] < pos)
				b++;
			if (b < nbreaks && breaks[b] == pos && i > 0) { /* a CONTINUE: new flags */
				high = d[pos] & 1;
				pos++;
				b++;
				if (pos >= n)
					break;
			}
			if (high) {
				if (pos + 2 > n) break;
				c = u16(d + pos);
				pos += 2;
			} else {
				c = d[pos++];
			}
			if ((rc = dft_zx_utf8(&s, c)) < 0)
				break;
		}
		pos += 4 * rich + ext;
		x->sst[k] = dft_strdup(dft_buf_cstr(&s));
		if (!x->sst[k]) {
			rc = DFT_ENOMEM;
			break;
		}
		x->nsst = k + 1;
	}
	dft_buf_dispose(&s);
	return rc;
}

static int xls_cell(xls *x, long row, long col, const char *v)
{
	int rc;
	long gap;
	if (!v || !*v)
		return 0;
	if (x->heading) {
		rc = dft_zx_puts(&x->o->out, x->heading);
		free(x->heading);
		x->heading = NULL;
		if (rc < 0)
			return rc;
	}
	if (x->row >= 0 && row != x->row) {
		if ((rc = dft_zx_puts(&x->o->out, "\n")) < 0)
			return rc;
		x->col = -1;
	}
	if (x->row < 0 || row != x->row)
		x->col = -1;
	gap = x->col < 0 ? col : col - x->col;
	if (gap > OLE_MAX_GAP)
		gap = OLE_MAX_GAP;
	if (gap < (x->col < 0 ? 0 : 1))
		gap = x->col < 0 ? 0 : 1;
	while (gap-- > 0)
		if ((rc = dft_zx_puts(&x->o->out, "\t")) < 0)
			return rc;
	x->row = row;
	x->col = col;
	/* newlines inside a cell would break the row */
	{
		dft_buf b;
		const char *p;
		dft_buf_init(&b, 0);
		for (p = v; *p; p++)
			if ((rc = dft_buf_addc(&b, (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p)) < 0)
				break;
		rc = dft_zx_put(&x->o->out, dft_buf_cstr(&b), b.len);
		dft_buf_dispose(&b);
	}
	return rc;
}

static void xls_num(char out[64], double v)
{
	if (isfinite(v) && v == floor(v) && fabs(v) < 1e15)
		snprintf(out, 64, "%.0f", v);
	else
		snprintf(out, 64, "%.15g", v);
}

static double xls_rk(uint32_t rk)
{
	double v;
	if (rk & 2) {
		v = (double)((int32_t)rk >> 2);
	} else {
		uint64_t bits = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
		memcpy(&v, &bits, 8);
	}
	return (rk & 1) ? v / 100.0 : v;
}

static int ole_xls(ole *o, const unsigned char *d, size_t n)
{
	xls x;
	size_t pos = 0, i;
	unsigned char *sstbuf = NULL;
	size_t sstlen = 0, *breaks = NULL, nbreaks = 0, capbreaks = 0;
	int in_sst = 0, rc = 0, substream = 0;
	dft_buf s;
	char num[64];

	memset(&x, 0, sizeof(x));
	x.o = o;
	x.biff8 = 1;
	x.row = -1;
	x.charset = "windows-1252";
	dft_buf_init(&s, 0);
	while (pos + 4 <= n && rc == 0) {
		uint16_t type = u16(d + pos), len = u16(d + pos + 2);
		const unsigned char *p = d + pos + 4;
		if (pos + 4 + len > n)
			len = (uint16_t)(n - pos - 4);
		pos += 4 + (size_t)len;
		if (in_sst && type != 0x003C) {
			in_sst = 0;
			rc = xls_sst(&x, sstbuf, sstlen, breaks, nbreaks);
			if (rc < 0)
				break;
		}
		switch (type) {
		case 0x0809: case 0x0409: case 0x0209: case 0x0009: /* BOF */
			if (len >= 4) {
				uint16_t vers = u16(p), dt = u16(p + 2);
				if (type == 0x0809)
					x.biff8 = vers == 0x0600 || vers == 0; /* 0x0500: BIFF5/7 */
				else
					x.biff8 = 0;
				substream++;
				if (dt == 0x0010 || dt == 0x0020 || dt == 0x0040) {
					const char *name = x.sheet < x.nsheets ? x.sheets[x.sheet] : "";
					x.sheet++;
					if (dt == 0x0010) {
						if (x.row >= 0 && (rc = dft_zx_puts(&o->out, "\n")) < 0)
							break;
						dft_buf_reset(&s);
						dft_buf_addf(&s, "%s[Sheet: %s]\n", o->out.last ? "\n" : "", name);
						free(x.heading);
						x.heading = dft_buf_detach(&s);
						x.row = -1;
					}
				}
			}
			break;
		case 0x000A: /* EOF */
			break;
		case 0x002F: /* FILEPASS */
			rc = dft_error_set(DFT_EENCRYPTED, "encrypted: the workbook is protected by a password");
			break;
		case 0x0042: /* CODEPAGE */
			if (len >= 2 && dft_zx_codepage_name(u16(p)) && u16(p) != 1200)
				x.charset = dft_zx_codepage_name(u16(p));
			break;
		case 0x0085: /* BOUNDSHEET */
			if (len >= 8) {
				char **ns = dft_realloc(x.sheets, (x.nsheets + 1) * sizeof(char *));
				if (!ns) {
					rc = DFT_ENOMEM;
					break;
				}
				x.sheets = ns;
				dft_buf_reset(&s);
				if ((rc = xls_str(&x, &s, p + 6, len - 6, 1)) < 0)
					break;
				x.sheets[x.nsheets] = dft_strdup(dft_buf_cstr(&s));
				if (!x.sheets[x.nsheets]) {
					rc = DFT_ENOMEM;
					break;
				}
				x.nsheets++;
			}
			break;
		case 0x00FC: /* SST */
			g_free(sstbuf);
			sstbuf = g_try_malloc(len ? len : 1);
			if (!sstbuf) {
				rc = DFT_ENOMEM;
				break;
			}
			memcpy(sstbuf, p, len);
			sstlen = len;
			nbreaks = 0;
			in_sst = 1;
			break;
		case 0x003C: /* CONTINUE */
			if (in_sst) {
				unsigned char *nb = g_try_realloc(sstbuf, sstlen + len + 1);
				if (!nb) {
					rc = DFT_ENOMEM;
					break;
				}
				sstbuf = nb;
				if (nbreaks == capbreaks) {
					size_t c = capbreaks ? capbreaks * 2 : 64;
					size_t *b2 = dft_realloc(breaks, c * sizeof(size_t));
					if (!b2) {
						rc = DFT_ENOMEM;
						break;
					}
					breaks = b2;
					capbreaks = c;
				}
				breaks[nbreaks++] = sstlen;
				memcpy(sstbuf + sstlen, p, len);
				sstlen += len;
			}
			break;
		case 0x00FD: /* LABELSST */
			if (len >= 10) {
				uint32_t k = u32(p + 6);
				rc = xls_cell(&x, u16(p), u16(p + 2), k < x.nsst ? x.sst[k] : "");
			}
			break;
		case 0x0204: case 0x00D6: /* LABEL, RSTRING */
			if (len >= 8) {
				dft_buf_reset(&s);
				if ((rc = xls_str(&x, &s, p + 6, len - 6, 2)) < 0)
					break;
				rc = xls_cell(&x, u16(p), u16(p + 2), dft_buf_cstr(&s));
			}
			break;
		case 0x0203: /* NUMBER */
			if (len >= 14) {
				double v;
				memcpy(&v, p + 6, 8);
				xls_num(num, v);
				rc = xls_cell(&x, u16(p), u16(p + 2), num);
			}
			break;
		case 0x027E: /* RK */
			if (len >= 10) {
				xls_num(num, xls_rk(u32(p + 6)));
				rc = xls_cell(&x, u16(p), u16(p + 2), num);
			}
			break;
		case 0x00BD: /* MULRK */
			if (len >= 6) {
				long row = u16(p), col = u16(p + 2);
				for (i = 4; i + 6 <= (size_t)len - 2 && rc == 0; i += 6, col++) {
					xls_num(num, xls_rk(u32(p + i + 2)));
					rc = xls_cell(&x, row, col, num);
				}
			}
			break;
		case 0x0205: /* BOOLERR */
			if (len >= 8 && p[7] == 0)
				rc = xls_cell(&x, u16(p), u16(p + 2), p[6] ? "TRUE" : "FALSE");
			break;
		case 0x0006: /* FORMULA: the cached result */
			if (len >= 14) {
				if (u16(p + 12) == 0xFFFF) {
					if (p[6] == 0) {
						x.want_string = 1;
						x.frow = u16(p);
						x.fcol = u16(p + 2);
					} else if (p[6] == 1) {
						rc = xls_cell(&x, u16(p), u16(p + 2), p[8] ? "TRUE" : "FALSE");
					}
				} else {
					double v;
					memcpy(&v, p + 6, 8);
					xls_num(num, v);
					rc = xls_cell(&x, u16(p), u16(p + 2), num);
				}
			}
			break;
		case 0x0207: /* STRING: a formula's string result */
			if (x.want_string) {
				x.want_string = 0;
				dft_buf_reset(&s);
				if ((rc = xls_str(&x, &s, p, len, 2)) < 0)
					break;
				rc = xls_cell(&x, x.frow, x.fcol, dft_buf_cstr(&s));
			}
			break;
		default:
			break;
		}
	}
	if (rc == 0 && in_sst)
		rc = xls_sst(&x, sstbuf, sstlen, breaks, nbreaks);
	if (rc == 0 && x.row >= 0)
		rc = dft_zx_puts(&o->out, "\n");
	if (rc == 0 && substream == 0)
		rc = dft_error_set(DFT_ECORRUPT, "corrupt Excel file: no BOF record");
	for (i = 0; i < x.nsst; i++)
		free(x.sst[i]);
	free(x.sst);
	for (i = 0; i < x.nsheets; i++)
		free(x.sheets[i]);
	free(x.sheets);
	free(breaks);
	free(x.heading);
	g_free(sstbuf);
	dft_buf_dispose(&s);
	return rc;
}

/* ---- PowerPoint ------------------------------------------------------------------ */

/* Is this text among those the outline (SlideListWithText) already gave? */
static int ppt_seen(char **seen, size_t nseen, const char *s)
{
	size_t i;
	for (i = 0; i < nseen; i++)
		if (strcmp(seen[i], s) == 0)
			return 1;
	return 0;
}

#define PPT_SEEN_MAX 20000

/* Slides' text is in the outline (SlideListWithText) and in the slides'
 * drawings; some writers put the same text in both, so a drawing's text
 * that the outline gave already is not repeated. */
static int ole_ppt(ole *o, const unsigned char *d, size_t n)
{
	size_t ends[OLE_PPT_DEPTH], pos = 0, nseen = 0, i;
	int types[OLE_PPT_DEPTH];
	char *seen[PPT_SEEN_MAX];
	int depth = 0, rc = 0, notes_depth = -1;
	uint64_t atoms = 0;
	while (pos + 8 <= n && rc == 0) {
		uint16_t ver_inst = u16(d + pos), type = u16(d + pos + 2);
		uint32_t len = u32(d + pos + 4);
		size_t body = pos + 8, end;
		while (depth > 0 && pos >= ends[depth - 1]) {
			depth--;
			if (notes_depth == depth)
				notes_depth = -1;
		}
		if (len > n - body)
			len = (uint32_t)(n - body);
		end = body + len;
		if ((ver_inst & 0x0F) == 0x0F && type != 0x03F8 /* MainMaster */ && type != 0x0FF0 + 0 &&
		    depth < OLE_PPT_DEPTH) {
			if (type == 0x03F0 && notes_depth < 0) { /* Notes */
				notes_depth = depth;
				if ((rc = dft_zx_puts(&o->out, o->out.last && o->out.last != '\n' ? "\nNotes:\n" : "Notes:\n")) < 0)
					break;
			}
			types[depth] = type;
			ends[depth++] = end;
			pos = body;
			continue;
		}
		if (type == 0x0FF0 && (ver_inst & 0x0F) == 0x0F) {
			/* SlideListWithText: instance 1 is the masters' */
			if ((ver_inst >> 4) != 1 && depth < OLE_PPT_DEPTH) {
				types[depth] = type;
				ends[depth++] = end;
				pos = body;
				continue;
			}
		}
		if (type == 0x0FA0 || type == 0x0FA8) { /* TextCharsAtom, TextBytesAtom */
			dft_buf u;
			dft_buf_init(&u, 0);
			if (type == 0x0FA0) {
				for (i = 0; i + 1 < len && rc == 0; i += 2) {
					uint32_t c = u16(d + body + i);
					if (c == 0x0D || c == 0x0B)
						c = '\n';
					rc = dft_zx_utf8(&u, c);
				}
			} else {
				for (i = 0; i < len && rc == 0; i++) {
					uint32_t c = d[body + i];
					rc = dft_zx_utf8(&u, c == 0x0D || c == 0x0B ? '\n' : c);
				}
			}
			if (rc == 0 && u.len) {
				int in_outline = 0, in_slide = 0, k;
				for (k = 0; k < depth; k++) {
					in_outline |= types[k] == 0x0FF0;
					in_slide |= types[k] == 0x03EE;
				}
				if (in_slide && ppt_seen(seen, nseen, u.ptr))
					u.len = 0;
				else if (in_outline && nseen < PPT_SEEN_MAX && (seen[nseen] = dft_strdup(u.ptr)) != NULL)
					nseen++;
			}
			if (rc == 0 && u.len)
				rc = dft_zx_put(&o->out, u.ptr, u.len);
			if (rc == 0 && u.len)
				rc = dft_zx_puts(&o->out, "\n");
			dft_buf_dispose(&u);
			atoms++;
		}
		pos = end;
	}
	(void)atoms;
	for (i = 0; i < nseen; i++)
		free(seen[i]);
	return rc;
}

/* ---- the entry point ------------------------------------------------------------ */

int dft_extract_ole(dft_sink *sink, const dft_input *in)
{
	ole o;
	GsfInput *src = NULL;
	GError *err = NULL;
	unsigned char *buf = NULL;
	size_t len;
	int rc = 0;

	memset(&o, 0, sizeof(o));
	o.sink = sink;
	dft_zx_out_init(&o.out, sink, in);
	dft_buf_init(&o.tmp, 0);
	if (!in->data)
		return dft_error_set(DFT_ELIMIT, "OLE file too large to map (%" PRIu64 " bytes)", in->size);
	src = gsf_input_memory_new(in->data, (gsf_off_t)in->size, FALSE);
	if (!src) {
		rc = dft_error_set(DFT_ENOMEM, "cannot open the OLE file in memory");
		goto done;
	}
	o.infile = gsf_infile_msole_new(src, &err);
	if (!o.infile) {
		rc = dft_error_set(DFT_ECORRUPT, "not a readable OLE2 file: %s", err && err->message ? err->message : "unknown error");
		goto done;
	}
	if (ole_has(&o, "EncryptedPackage")) {
		rc = dft_error_set(DFT_EENCRYPTED, "encrypted: an Office Open XML package protected by a password");
		goto done;
	}
	if ((rc = ole_props(&o)) < 0)
		goto done;
	if (ole_has(&o, "WordDocument")) {
		rc = ole_word(&o);
	} else if ((rc = ole_stream(&o, "Workbook", &buf, &len)) != 0 ||
		   (rc = ole_stream(&o, "Book", &buf, &len)) != 0) {
		if (rc > 0)
			rc = ole_xls(&o, buf, len);
	} else if ((rc = ole_stream(&o, "PowerPoint Document", &buf, &len)) != 0) {
		if (rc > 0) {
			if (ole_has(&o, "EncryptedSummary"))
				rc = dft_error_set(DFT_EENCRYPTED, "encrypted: the presentation is protected by a password");
			else
				rc = ole_ppt(&o, buf, len);
		}
	} else {
		rc = dft_error_set(DFT_EINVAL, "unsupported type: an OLE2 file with no Word, Excel or PowerPoint stream");
	}
	if (rc == 0)
		rc = dft_zx_flush(&o.out);
	else if (rc != DFT_ENOMEM) {
		char msg[600];
		int code = rc;
		snprintf(msg, sizeof(msg), "%s", dft_error_msg());
		dft_zx_flush(&o.out);
		dft_error_set(code, "%s", msg);
	}
done:
	g_free(buf);
	if (err)
		g_error_free(err);
	if (o.infile)
		g_object_unref(o.infile);
	if (src)
		g_object_unref(src);
	dft_buf_dispose(&o.tmp);
	dft_zx_out_dispose(&o.out);
	return rc;
}
