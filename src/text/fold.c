/*
 * fold.c - the analyzer's per-character layer: UTF-8 decoding, what each
 * code point does to tokenisation (letter, mark, digit, separator,
 * invisible format character ...) and what it folds to (NFKC + case fold
 * through ICU, then Latin diacritics and Arabic hamza carriers removed by
 * decomposing and dropping the marks, then daftar's own letter unification:
 * ٱ → ا, ى → ي, ة → ه, Persian/Urdu letters, standalone ء dropped).
 *
 * ICU is slow per call, so the common ranges (U+0080–2FFF, which holds
 * Latin, Greek, Cyrillic, Arabic and its supplements, and U+FB00–FFFF, the
 * presentation forms and fullwidth letters) are folded once into a table at
 * first use; anything else asks ICU each time.
 */
#include "text_internal.h"

#include <pthread.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>

size_t dft_text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		*cp = ((c & 0x1F) << 6) | (s[1] & 0x3F);
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		c = ((c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) |
		    (s[2] & 0x3F);
		if (c < 0x800 || (c >= 0xD800 && c <= 0xDFFF))
			return 0;
		*cp = c;
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		c = ((c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
		    ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
		if (c < 0x10000 || c > 0x10FFFF)
			return 0;
		*cp = c;
		return 4;
	}
	return 0;
}

static size_t put_utf8(char *o, uint32_t c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

int dft_text_script_of(uint32_t c)
{
	if (c < 0x80)
		return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? DFT_SCRIPT_LATIN
								: DFT_SCRIPT_NONE;
	if ((c >= 0xC0 && c < 0x250) || (c >= 0x1E00 && c < 0x1F00) ||
	    (c >= 0x2C60 && c < 0x2C80) || (c >= 0xA720 && c < 0xA800) ||
	    (c >= 0xFF21 && c <= 0xFF5A) || (c >= 0xFB00 && c <= 0xFB06))
		return DFT_SCRIPT_LATIN;
	if ((c >= 0x0600 && c < 0x0700) || (c >= 0x0750 && c < 0x0780) ||
	    (c >= 0x08A0 && c < 0x0900) || (c >= 0xFB50 && c < 0xFE00) ||
	    (c >= 0xFE70 && c < 0xFF00))
		return DFT_SCRIPT_ARABIC;
	if ((c >= 0x0400 && c < 0x0530) || (c >= 0x1C80 && c < 0x1C90) ||
	    (c >= 0x2DE0 && c < 0x2E00) || (c >= 0xA640 && c < 0xA6A0))
		return DFT_SCRIPT_CYRILLIC;
	if (c >= 0x02B0 && c < 0x0370)
		return DFT_SCRIPT_NONE; /* modifier letters (ʿ ʾ) and marks */
	return DFT_SCRIPT_OTHER;
}

/* Combining marks that fold away: Latin/Greek/Cyrillic diacritics, Hebrew
 * points, Arabic tashkeel and Quranic marks (all below U+0900), and the
 * generic combining blocks. Indic vowel signs are marks too but carry
 * meaning, so they stay. */
static int mark_dropped(uint32_t c)
{
	int t;
	if (!(c < 0x0900 || (c >= 0x1AB0 && c < 0x1B00) ||
	      (c >= 0x1DC0 && c < 0x1E00) || (c >= 0x20D0 && c < 0x2100) ||
	      (c >= 0xFE20 && c < 0xFE30)))
		return 0;
	t = u_charType((UChar32)c);
	return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK ||
	       (c >= 0x06D6 && c <= 0x06ED);
}

/* daftar's letter unification after NFKC + case fold + decomposition:
 * 0 = drop, else the replacement (or c). Multi-letter results in *two. */
static uint32_t unify(uint32_t c, uint32_t *two)
{
	*two = 0;
	switch (c) {
	case 0x0621: /* ء standalone hamza: dropped (see text.h notes) */
	case 0x0674: /* high hamza */
	case 0x0640: /* tatweel */
		return 0;
	case 0x0671: case 0x0672: case 0x0673: case 0x0675:
		return 0x0627; /* alef variants → ا */
	case 0x0649: /* ى */
	case 0x06CC: case 0x06CD: case 0x06CE: case 0x06D0: case 0x06D2:
		return 0x064A; /* → ي */
	case 0x0629: /* ة */
	case 0x06BE: case 0x06C0: case 0x06C1: case 0x06C2: case 0x06C3:
	case 0x06D5:
		return 0x0647; /* → ه */
	case 0x06A9: case 0x06AA:
		return 0x0643; /* ک → ك */
	case 0x02B9: case 0x02BA: case 0x02BB: case 0x02BC: case 0x02BD:
	case 0x02BE: case 0x02BF: case 0x02C8: case 0x02CA: case 0x02CB:
		return 0; /* ʿ ʾ ʻ ʼ ˈ in transliterations: dropped */
	case 0x0131: return 'i';  /* ı */
	case 0x0138: return 'k';  /* ĸ */
	case 0x00F8: return 'o';  /* ø */
	case 0x0111: return 'd';  /* đ */
	case 0x00F0: return 'd';  /* ð */
	case 0x0142: return 'l';  /* ł */
	case 0x0127: return 'h';  /* ħ */
	case 0x0167: return 't';  /* ŧ */
	case 0x00E6: *two = 'e'; return 'a'; /* æ */
	case 0x0153: *two = 'e'; return 'o'; /* œ */
	case 0x00FE: *two = 'h'; return 't'; /* þ */
	default:
		return c;
	}
}

static const UNormalizer2 *nfkc_cf, *nfd;

/* Fold one code point through ICU and the rules above. */
static size_t fold_slow(uint32_t cp, int cls, char *out)
{
	UChar in[2], mid[32], dec[64];
	int32_t nin = 0, nmid, i;
	size_t len = 0;
	UErrorCode err = U_ZERO_ERROR;

	if (cls == DFT_TC_DIGIT) {
		int v = u_charDigitValue((UChar32)cp);
		out[0] = (char)('0' + (v >= 0 && v <= 9 ? v : 0));
		return 1;
	}
	if (cls == DFT_TC_NUMSEP) {
		out[0] = (cp == 0x066B || cp == '.') ? '.' : ',';
		return 1;
	}
	if (cls != DFT_TC_LETTER && cls != DFT_TC_MARK)
		return 0;
	if (cls == DFT_TC_MARK && mark_dropped(cp))
		return 0;
	if (cp == 0x0130) { /* İ: Turkish dotted capital I */
		out[0] = 'i';
		return 1;
	}
	U16_APPEND_UNSAFE(in, nin, cp);
	nmid = unorm2_normalize(nfkc_cf, in, nin, mid, 32, &err);
	if (U_FAILURE(err) || nmid > 32)
		return 0;
	for (i = 0; i < nmid;) {
		UChar32 c2;
		int32_t ndec, j;
		U16_NEXT(mid, i, nmid, c2);
		if (c2 == 0x0439) { /* й is a letter of its own in Russian */
			len += put_utf8(out + len, 0x0439);
			continue;
		}
		nin = 0;
		U16_APPEND_UNSAFE(in, nin, c2);
		err = U_ZERO_ERROR;
		ndec = unorm2_normalize(nfd, in, nin, dec, 64, &err);
		if (U_FAILURE(err) || ndec > 64)
			continue;
		for (j = 0; j < ndec;) {
			UChar32 c3;
			uint32_t u, two;
			U16_NEXT(dec, j, ndec, c3);
			if (mark_dropped((uint32_t)c3))
				continue;
			if (!u_isalnum(c3) && !(U_GET_GC_MASK(c3) & U_GC_M_MASK))
				continue; /* spaces, dots from compatibility forms */
			if (u_isdigit(c3) && !(c3 >= '0' && c3 <= '9'))
				c3 = '0' + u_charDigitValue(c3);
			u = unify((uint32_t)c3, &two);
			if (!u)
				continue;
			if (len + 8 > DFT_TEXT_FOLD_MAX)
				return len;
			len += put_utf8(out + len, u);
			if (two)
				len += put_utf8(out + len, two);
		}
	}
	return len;
}

static int classify(uint32_t c)
{
	int t;
	switch (c) {
	case '\'': case 0x2019: case 0x2018:
		return DFT_TC_APOS;
	case '-': case 0x2010: case 0x2011:
		return DFT_TC_HYPHEN;
	case ',': case '.': case 0x066B: case 0x066C:
		return DFT_TC_NUMSEP;
	case 0x200C: case 0x200D: case 0x200E: case 0x200F: case 0x061C:
	case 0xFEFF: case 0x00AD: case 0x2060: case 0x0640: case 0x034F:
		return DFT_TC_IGNORE;
	case 0x0621: /* ء: a letter of the word that folds to nothing */
		return DFT_TC_LETTER;
	case 0xFDFA: case 0xFDFB: case 0xFDFD: /* whole phrases as ligatures */
		return DFT_TC_SEP;
	default:
		break;
	}
	if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
		return DFT_TC_IGNORE;
	if (c >= 0x06D6 && c <= 0x06ED && c != 0x06DD && c != 0x06E5 &&
	    c != 0x06E6)
		return DFT_TC_MARK; /* Quranic marks, even the So ones */
	t = u_charType((UChar32)c);
	switch (t) {
	case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER:
	case U_TITLECASE_LETTER: case U_MODIFIER_LETTER: case U_OTHER_LETTER:
		return DFT_TC_LETTER;
	case U_NON_SPACING_MARK: case U_ENCLOSING_MARK:
	case U_COMBINING_SPACING_MARK:
		return DFT_TC_MARK;
	case U_DECIMAL_DIGIT_NUMBER:
		return DFT_TC_DIGIT;
	default:
		return DFT_TC_SEP;
	}
}

/* ---- the table ---------------------------------------------------------- */

#define ENTRY_BYTES 14
#define ENTRY_SLOW 255
struct entry {
	unsigned char cls, len;
	char s[ENTRY_BYTES];
};
#define R1_LO 0x80
#define R1_HI 0x3000
#define R2_LO 0xFB00
#define R2_HI 0x10000
static struct entry table[(R1_HI - R1_LO) + (R2_HI - R2_LO)];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static int table_ok;

static void fill(struct entry *e, uint32_t c)
{
	char buf[DFT_TEXT_FOLD_MAX];
	size_t n;
	e->cls = (unsigned char)classify(c);
	n = fold_slow(c, e->cls, buf);
	if (n > ENTRY_BYTES) {
		e->len = ENTRY_SLOW;
	} else {
		e->len = (unsigned char)n;
		memcpy(e->s, buf, n);
	}
}

static void table_init(void)
{
	UErrorCode err = U_ZERO_ERROR;
	uint32_t c;
	size_t k = 0;
	nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
	if (U_FAILURE(err))
		return;
	nfd = unorm2_getNFDInstance(&err);
	if (U_FAILURE(err))
		return;
	for (c = R1_LO; c < R1_HI; c++)
		fill(&table[k++], c);
	for (c = R2_LO; c < R2_HI; c++)
		fill(&table[k++], c);
	table_ok = 1;
}

int dft_text_fold_init(void)
{
	pthread_once(&table_once, table_init);
	return table_ok ? 0 : -1;
}

int dft_text_is_upper(uint32_t cp)
{
	return u_isupper((UChar32)cp) || u_istitle((UChar32)cp);
}

int dft_text_fold_cp(uint32_t cp, char *out, size_t *outlen)
{
	const struct entry *e = NULL;
	int cls;
	if (cp < 0x80) {
		if (cp >= 'A' && cp <= 'Z') {
			out[0] = (char)(cp | 0x20);
			*outlen = 1;
			return DFT_TC_LETTER;
		}
		if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')) {
			out[0] = (char)cp;
			*outlen = 1;
			return cp <= '9' ? DFT_TC_DIGIT : DFT_TC_LETTER;
		}
		cls = classify(cp);
		if (cls == DFT_TC_NUMSEP) {
			out[0] = (char)cp;
			*outlen = 1;
		} else {
			*outlen = 0;
		}
		return cls;
	}
	if (dft_text_fold_init() != 0) {
		*outlen = 0;
		return DFT_TC_SEP;
	}
	if (cp < R1_HI)
		e = &table[cp - R1_LO];
	else if (cp >= R2_LO && cp < R2_HI)
		e = &table[(R1_HI - R1_LO) + (cp - R2_LO)];
	if (e && e->len != ENTRY_SLOW) {
		memcpy(out, e->s, e->len);
		*outlen = e->len;
		return e->cls;
	}
	cls = e ? e->cls : classify(cp);
	*outlen = fold_slow(cp, cls, out);
	return cls;
}
