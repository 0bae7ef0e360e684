/*
 * decode.c - bytes of a text document in any charset to UTF-8 NFC, for the
 * text and HTML extractors (dft_decode_text in extract.h).
 *
 * Charset: a BOM, else a hint (an HTML meta tag), else valid or mostly
 * valid UTF-8, else uchardet followed by a sanity check for the legacy
 * single-byte charsets detectors confuse (Windows-1256, ISO-8859-6 and
 * Windows-1252 above all). Conversion uses ICU converters: they are built
 * in, where iconv would dlopen() gconv modules the worker's seccomp filter
 * forbids. Input is converted in pieces of DEC_UNITS UTF-16 code units, so
 * a large input never needs a second full-size copy; each piece is cut at a
 * normalisation boundary, normalised to NFC and appended to the output as
 * UTF-8. Bytes that cannot be decoded become U+FFFD and are counted.
 */
#include "daftar/extract.h"

#include <stdlib.h>
#include <string.h>

#include <uchardet.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#define DEC_UNITS 32768            /* UTF-16 units converted per round */
#define DEC_SAMPLE 65536           /* bytes the charset sanity check scores */
#define DEC_DETECT_MAX (1u << 20)  /* bytes detection looks at, at most */

/* ---- the counting substitution callback ---------------------------------- */

/* Replaces each undecodable sequence by one U+FFFD and adds its length in
 * bytes to the counter given as context. ICU's own SUBSTITUTE callback
 * would write U+001A for some converters; a forensic tool wants U+FFFD. */
static void dec_count_cb(const void *context, UConverterToUnicodeArgs *args,
			 const char *units, int32_t length,
			 UConverterCallbackReason reason, UErrorCode *err)
{
	static const UChar fffd = 0xFFFD;
	uint64_t *bad = (uint64_t *)(uintptr_t)context;
	(void)units;
	if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR)
		return; /* reset, close, clone: nothing to do */
	*bad += length > 0 ? (uint64_t)length : 1;
	*err = U_ZERO_ERROR;
	ucnv_cbToUWriteUChars(args, &fffd, 1, 0, err);
}

/* An ICU converter for `name` that substitutes and counts into *bad, or
 * NULL when ICU does not know the name (no error is recorded). */
static UConverter *dec_open(const char *name, uint64_t *bad)
{
	UErrorCode err = U_ZERO_ERROR;
	UConverter *c;
	if (!name || !*name)
		return NULL;
	c = ucnv_open(name, &err);
	if (U_FAILURE(err) || !c)
		return NULL;
	ucnv_setToUCallBack(c, dec_count_cb, bad, NULL, NULL, &err);
	if (U_FAILURE(err)) {
		ucnv_close(c);
		return NULL;
	}
	return c;
}

/* ---- charset names ------------------------------------------------------- */

static void dec_upper_copy(char out[40], const char *s)
{
	size_t i, n = strnlen(s, 39);
	for (i = 0; i < n; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 'a' + 'A') : s[i];
	out[i] = '\0';
}

/* The name we report for what ICU calls `name`: its MIME name, else its
 * IANA name, else `name` itself, in upper case ("WINDOWS-1256"). */
static void dec_canon(char out[40], const char *name)
{
	UErrorCode err = U_ZERO_ERROR;
	const char *icu = NULL, *std = NULL;
	UConverter *c = ucnv_open(name, &err);
	if (c && U_SUCCESS(err))
		icu = ucnv_getName(c, &err);
	if (icu && U_SUCCESS(err)) {
		err = U_ZERO_ERROR;
		std = ucnv_getStandardName(icu, "MIME", &err);
		if (!std || U_FAILURE(err)) {
			err = U_ZERO_ERROR;
			std = ucnv_getStandardName(icu, "IANA", &err);
			if (U_FAILURE(err))
				std = NULL;
		}
	}
	dec_upper_copy(out, std ? std : name);
	if (c)
		ucnv_close(c);
}

/* Labels that mean a Windows superset in practice (as in the WHATWG
 * Encoding Standard): decoding Windows-1252 for "ISO-8859-1" gives curly
 * quotes where the file has them instead of C1 control characters. */
static const char *dec_superset(const char *canon)
{
	static const char *const map[][2] = {
		{"ISO-8859-1", "WINDOWS-1252"}, {"US-ASCII", "WINDOWS-1252"},
		{"ANSI_X3.4-1968", "WINDOWS-1252"}, {"ISO-8859-9", "WINDOWS-1254"},
		{"TIS-620", "WINDOWS-874"}, {"ISO-8859-11", "WINDOWS-874"},
		{NULL, NULL},
	};
	size_t i;
	for (i = 0; map[i][0]; i++)
		if (strcmp(canon, map[i][0]) == 0)
			return map[i][1];
	return canon;
}

/* uchardet names ICU spells differently. */
static const char *dec_icu_name(const char *uchardet_name)
{
	static const char *const map[][2] = {
		{"MAC-CYRILLIC", "x-mac-cyrillic"},
		{"MAC-CENTRALEUROPE", "x-mac-centraleurroman"},
		{"ASCII", "windows-1252"},
		{NULL, NULL},
	};
	size_t i;
	for (i = 0; map[i][0]; i++)
		if (strcmp(uchardet_name, map[i][0]) == 0)
			return map[i][1];
	return uchardet_name;
}

/* Does ICU know `name`, and is it a single-byte charset? */
static int dec_known(const char *name, int *single_byte)
{
	UErrorCode err = U_ZERO_ERROR;
	UConverter *c;
	if (!name || !*name)
		return 0;
	c = ucnv_open(name, &err);
	if (!c || U_FAILURE(err))
		return 0;
	if (single_byte)
		*single_byte = ucnv_getMaxCharSize(c) == 1;
	ucnv_close(c);
	return 1;
}

/* ---- detection ----------------------------------------------------------- */

/* Length of a byte order mark at data, and its charset. */
static size_t dec_bom(const unsigned char *d, size_t n, const char **cs)
{
	if (n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF) {
		*cs = "UTF-8";
		return 3;
	}
	if (n >= 4 && n % 4 == 0 && d[0] == 0xFF && d[1] == 0xFE && d[2] == 0 && d[3] == 0) {
		*cs = "UTF-32LE";
		return 4;
	}
	if (n >= 4 && d[0] == 0 && d[1] == 0 && d[2] == 0xFE && d[3] == 0xFF) {
		*cs = "UTF-32BE";
		return 4;
	}
	if (n >= 2 && d[0] == 0xFF && d[1] == 0xFE) {
		*cs = "UTF-16LE";
		return 2;
	}
	if (n >= 2 && d[0] == 0xFE && d[1] == 0xFF) {
		*cs = "UTF-16BE";
		return 2;
	}
	return 0;
}

/* Count the valid multi-byte UTF-8 sequences and the bytes that start no
 * valid sequence. A sequence cut by the end of the data counts as valid:
 * the text extractor decodes large files in pieces. */
static void dec_utf8_stats(const unsigned char *p, size_t n, size_t *multi, size_t *bad)
{
	size_t k;
	*multi = *bad = 0;
	while (n) {
		if (*p < 0x80) {
			p++;
			n--;
			continue;
		}
		k = *p >= 0xC2 && *p <= 0xDF ? 2 : *p >= 0xE0 && *p <= 0xEF ? 3 :
		    *p >= 0xF0 && *p <= 0xF4 ? 4 : 0;
		if (k && k > n) {
			size_t i;
			for (i = 1; i < n && (p[i] & 0xC0) == 0x80; i++)
				;
			if (i == n) {
				(*multi)++;
				return;
			}
		}
		if (k && k <= n && dft_utf8_valid((const char *)p, k)) {
			(*multi)++;
			p += k;
			n -= k;
		} else {
			(*bad)++;
			p++;
			n--;
		}
	}
}

/* What uchardet says about (the start of) the data; "" when it has no
 * idea. */
static void dec_uchardet(char out[40], const unsigned char *d, size_t n)
{
	uchardet_t u = uchardet_new();
	size_t off = 0;
	out[0] = '\0';
	if (!u)
		return;
	if (n > DEC_DETECT_MAX)
		n = DEC_DETECT_MAX;
	while (off < n) {
		size_t k = n - off < 65536 ? n - off : 65536;
		if (uchardet_handle_data(u, (const char *)d + off, k) != 0)
			break;
		off += k;
	}
	uchardet_data_end(u);
	dec_upper_copy(out, uchardet_get_charset(u));
	uchardet_delete(u);
}

/* How implausible the sample looks when decoded as `name`: lower is
 * better, -1 when it cannot be decoded at all. Counted:
 *  - undecodable bytes and control characters (weight 4): a wrong
 *    single-byte charset lands on holes and C1 controls;
 *  - words mixing two scripts (weight 2): ISO-8859-6 read as Windows-1256
 *    turns و ي ه into è ê ç inside Arabic words, Cyrillic read as
 *    Windows-1256 gives à ل â م;
 *  - words switching from lower to upper case, and Latin words of two
 *    letters or more without an ASCII letter (weight 1): Arabic read as
 *    Windows-1252 is "ÇáÓÚæÏíÉ";
 *  - combining marks with no letter before them, or stacked three deep
 *    (weight 1): Windows-1256 read as ISO-8859-6 turns ى ي into tanween. */
static long dec_score(const char *name, const unsigned char *d, size_t n)
{
	uint64_t bad = 0;
	UConverter *c = dec_open(name, &bad);
	UChar *u = NULL;
	UChar *t;
	const char *s = (const char *)d;
	UErrorCode err = U_ZERO_ERROR;
	long score = -1;
	int32_t len, i = 0;
	int in_word = 0, marks = 0, mixed = 0, chaos = 0, prev_lower = 0;
	int latin = 0, ascii = 0;
	UScriptCode script = USCRIPT_COMMON;

	if (!c)
		return -1;
	u = malloc((n + 16) * sizeof(*u));
	if (!u)
		goto done;
	t = u;
	ucnv_toUnicode(c, &t, u + n + 16, &s, s + n, NULL, 1, &err);
	if (U_FAILURE(err))
		goto done;
	len = (int32_t)(t - u);
	score = 4 * (long)bad;
	for (;;) {
		int end = i >= len, word;
		UChar32 ch = 0;
		int8_t type = U_UNASSIGNED;
		if (!end) {
			U16_NEXT(u, i, len, ch);
			type = u_charType(ch);
		}
		if (!end && ((ch < 0x20 && ch != '\t' && ch != '\n' && ch != '\r' &&
			      ch != '\f' && ch != '\v') || (ch >= 0x7F && ch <= 0x9F)))
			score += 4;
		word = !end && (u_isalpha(ch) || type == U_NON_SPACING_MARK ||
				type == U_COMBINING_SPACING_MARK || type == U_ENCLOSING_MARK);
		if (word) {
			UErrorCode e2 = U_ZERO_ERROR;
			UScriptCode sc = uscript_getScript(ch, &e2);
			int is_mark = !u_isalpha(ch);
			if (is_mark) {
				if (!in_word || ++marks == 3)
					score += 1;
			} else {
				marks = 0;
			}
			in_word = 1;
			if (U_SUCCESS(e2) && sc != USCRIPT_COMMON && sc != USCRIPT_INHERITED) {
				if (script == USCRIPT_COMMON)
					script = sc;
				else if (sc != script)
					mixed = 1;
			}
			if (u_isupper(ch) && prev_lower)
				chaos = 1;
			prev_lower = u_islower(ch);
			if (sc == USCRIPT_LATIN && !is_mark) {
				latin++;
				if (ch < 0x80)
					ascii++;
			}
			continue;
		}
		if (in_word) {
			score += 2 * mixed + chaos + (latin >= 2 && !ascii);
			in_word = marks = mixed = chaos = prev_lower = latin = ascii = 0;
			script = USCRIPT_COMMON;
		}
		if (end)
			break;
	}
done:
	free(u);
	ucnv_close(c);
	return score;
}

/* Windows-1256, ISO-8859-6 and Windows-1252 are confused with each other
 * and with other single-byte charsets by every detector, uchardet too on
 * short texts (see the report with the tests): when uchardet's answer is a
 * single-byte charset or nothing, score it against those three on a sample
 * and keep the one that reads best; uchardet's answer wins ties. */
static void dec_sanity(char cs[40], const unsigned char *d, size_t n)
{
	static const char *const rivals[] = {"WINDOWS-1252", "WINDOWS-1256", "ISO-8859-6", NULL};
	int single = 0;
	long best = -1, sc;
	size_t i;
	char pick[40];

	if (cs[0] && (!dec_known(cs, &single) || !single))
		return;
	if (n > DEC_SAMPLE)
		n = DEC_SAMPLE;
	pick[0] = '\0';
	if (cs[0]) {
		best = dec_score(cs, d, n);
		if (best >= 0)
			dec_upper_copy(pick, cs);
	}
	for (i = 0; rivals[i]; i++) {
		if (strcmp(cs, rivals[i]) == 0)
			continue;
		sc = dec_score(rivals[i], d, n);
		if (sc >= 0 && (best < 0 || sc < best)) {
			best = sc;
			dec_upper_copy(pick, rivals[i]);
		}
	}
	if (pick[0])
		memcpy(cs, pick, 40);
}

/* Choose the charset of data (BOM already handled). */
static void dec_detect(char cs[40], const unsigned char *d, size_t n, const char *hint)
{
	size_t multi, bad;
	int single = 0;

	if (n > DEC_DETECT_MAX)
		n = DEC_DETECT_MAX; /* the charset is decided on the first MiB */
	dec_utf8_stats(d, n, &multi, &bad);
	if (hint && dec_known(hint, &single)) {
		/* A legacy label on text that is valid UTF-8 with non-ASCII in
		 * it is a stale label (a page re-saved as UTF-8): no text in a
		 * legacy charset is valid UTF-8 by accident past a few bytes. */
		if (bad == 0 && multi >= 4 && single) {
			dec_upper_copy(cs, "UTF-8");
			return;
		}
		dec_canon(cs, hint);
		dec_upper_copy(cs, dec_superset(cs));
		return;
	}
	/* Valid UTF-8, or UTF-8 with a few damaged bytes: legacy text never
	 * forms valid multi-byte sequences at that rate. */
	if (bad == 0 || multi >= 4 * bad) {
		dec_upper_copy(cs, "UTF-8");
		return;
	}
	dec_uchardet(cs, d, n);
	if (cs[0]) {
		const char *icu = dec_icu_name(cs);
		if (dec_known(icu, NULL)) {
			dec_canon(cs, icu);
			dec_upper_copy(cs, dec_superset(cs));
		} else {
			cs[0] = '\0';
		}
	}
	dec_sanity(cs, d, n);
	if (!cs[0])
		dec_upper_copy(cs, "WINDOWS-1252");
}

/* ---- conversion ---------------------------------------------------------- */

typedef struct dec_state {
	const UNormalizer2 *nfc;
	UChar *norm;
	int32_t norm_cap;
	char *u8;
	int32_t u8_cap;
} dec_state;

/* Append n UTF-16 units as UTF-8. */
static int dec_put_utf8(dft_buf *out, dec_state *st, const UChar *u, int32_t n)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t need = 3 * n + 4, got = 0;
	if (n == 0)
		return 0;
	if (need > st->u8_cap) {
		char *p = dft_realloc(st->u8, (size_t)need);
		if (!p)
			return DFT_ENOMEM;
		st->u8 = p;
		st->u8_cap = need;
	}
	u_strToUTF8WithSub(st->u8, st->u8_cap, &got, u, n, 0xFFFD, NULL, &err);
	if (U_FAILURE(err))
		return dft_error_set(DFT_ERROR, "UTF-16 to UTF-8: %s", u_errorName(err));
	return dft_buf_add(out, st->u8, (size_t)got);
}

/* Normalise n units (which end at a normalisation boundary) to NFC and
 * append them. Text already in NFC, nearly all of it, is copied as is. */
static int dec_put_nfc(dft_buf *out, dec_state *st, const UChar *u, int32_t n)
{
	UErrorCode err = U_ZERO_ERROR;
	int32_t span, got;
	int rc;

	span = unorm2_spanQuickCheckYes(st->nfc, u, n, &err);
	if (U_FAILURE(err))
		return dft_error_set(DFT_ERROR, "NFC check: %s", u_errorName(err));
	if ((rc = dec_put_utf8(out, st, u, span)) < 0 || span == n)
		return rc;
	u += span;
	n -= span;
	for (;;) {
		err = U_ZERO_ERROR;
		got = unorm2_normalize(st->nfc, u, n, st->norm, st->norm_cap, &err);
		if (err != U_BUFFER_OVERFLOW_ERROR)
			break;
		{
			UChar *p = dft_realloc(st->norm, (size_t)(got + 16) * sizeof(*p));
			if (!p)
				return DFT_ENOMEM;
			st->norm = p;
			st->norm_cap = got + 16;
		}
	}
	if (U_FAILURE(err))
		return dft_error_set(DFT_ERROR, "NFC normalisation: %s", u_errorName(err));
	return dec_put_utf8(out, st, st->norm, got);
}

/* Where to cut n units so that what follows cannot change the NFC of what
 * comes before: before the last character that starts a normalisation
 * segment. Looks back at most half the buffer; n when there is none (a
 * pathological run of combining marks is then normalised in two parts). */
static int32_t dec_boundary(const UNormalizer2 *nfc, const UChar *u, int32_t n)
{
	int32_t i = n;
	while (i > n / 2) {
		UChar32 c;
		U16_PREV(u, 0, i, c);
		if (i > 0 && unorm2_hasBoundaryBefore(nfc, c))
			return i;
	}
	return n;
}

static int dec_convert(dft_buf *out, UConverter *cnv, const unsigned char *d, size_t n)
{
	dec_state st;
	UErrorCode err = U_ZERO_ERROR;
	UChar *u = NULL, *t;
	const char *s = (const char *)d, *end = (const char *)d + n;
	int32_t have = 0, cut;
	int rc = 0, more;

	memset(&st, 0, sizeof(st));
	st.nfc = unorm2_getNFCInstance(&err);
	if (U_FAILURE(err)) {
		rc = dft_error_set(DFT_ERROR, "ICU NFC data: %s", u_errorName(err));
		goto done;
	}
	u = dft_malloc(DEC_UNITS * sizeof(*u));
	if (!u) {
		rc = DFT_ENOMEM;
		goto done;
	}
	do {
		err = U_ZERO_ERROR;
		t = u + have;
		ucnv_toUnicode(cnv, &t, u + DEC_UNITS, &s, end, NULL, 1, &err);
		more = err == U_BUFFER_OVERFLOW_ERROR;
		if (U_FAILURE(err) && !more) {
			rc = dft_error_set(DFT_ERROR, "decoding: %s", u_errorName(err));
			goto done;
		}
		have = (int32_t)(t - u);
		cut = more ? dec_boundary(st.nfc, u, have) : have;
		if ((rc = dec_put_nfc(out, &st, u, cut)) < 0)
			goto done;
		memmove(u, u + cut, (size_t)(have - cut) * sizeof(*u));
		have -= cut;
	} while (more);
done:
	free(u);
	free(st.norm);
	free(st.u8);
	return rc;
}

int dft_decode_text(dft_buf *out, const unsigned char *data, size_t len,
		    const char *hint, dft_decode_info *info)
{
	dft_decode_info tmp;
	const char *bom_cs = NULL;
	UConverter *cnv = NULL;
	size_t bom;
	int rc = 0;

	if (!info)
		info = &tmp;
	memset(info, 0, sizeof(*info));
	if (len == 0 || !data) {
		dec_upper_copy(info->charset, "UTF-8");
		return 0;
	}
	/* A BOM beats a hint, as in HTML: a file saved as UTF-8 by an editor
	 * keeps whatever meta tag it had before. */
	bom = dec_bom(data, len, &bom_cs);
	if (bom) {
		dec_upper_copy(info->charset, bom_cs);
		info->had_bom = 1;
		data += bom;
		len -= bom;
	} else {
		dec_detect(info->charset, data, len, hint);
	}
	cnv = dec_open(info->charset, &info->invalid);
	if (!cnv) {
		rc = dft_error_set(DFT_ERROR, "no converter for charset %s", info->charset);
		goto done;
	}
	rc = dec_convert(out, cnv, data, len);
done:
	if (cnv)
		ucnv_close(cnv);
	return rc;
}
