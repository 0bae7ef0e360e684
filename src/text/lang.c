/*
 * lang.c - the language of a document's text, as an ISO 639-1 code.
 *
 * The worker calls dft_detect_language on the first 64 KB of every
 * document's text, so it must be fast and must never guess wildly: a
 * wrong "language" misleads the analyzer (stemming, stop words) more than
 * an honest "".
 *
 * Two stages:
 *
 * 1. Script. Every letter is counted by Unicode script; the script with
 *    the most letters wins (a mostly Arabic letter with English names in
 *    it is Arabic). Scripts that belong to one language decide at once
 *    (Hangul: ko, Greek: el, Hebrew: he, ...).
 *
 * 2. Within a script shared by several languages (Latin, Cyrillic,
 *    Arabic), the words of that script only are handed to libexttextcat's
 *    n-gram classifier (Cavnar & Trenkle), restricted to a few profiles of
 *    that script: fewer candidates, fewer confusions, less time. The
 *    answer is kept only when the best profile is clearly nearer than the
 *    next one. For Arabic script, letter statistics come first, since
 *    they separate Arabic, Persian and Urdu more reliably than n-grams:
 *    Urdu has letters neither of the others has (ٹ ڈ ڑ ں ے), Arabic
 *    writes ة and the article ال on a third of its words, Persian has
 *    پ چ ژ گ and its own ی ک (even when typed on an Arabic keyboard as
 *    ي ك, the article and ة stay rare).
 *
 * The profiles are loaded by dft_lang_init, before the worker's sandbox
 * closes (libexttextcat only reads them from files). A process that never
 * called it (the CLI, tests) has them loaded on first use.
 */
#include "daftar/extract.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libexttextcat/fingerprint.h>

#define LANG_DIR_DEFAULT "/usr/share/libexttextcat"
#define LANG_MAX_NGRAMS 400
#define LANG_SAMPLE_MAX 12288   /* bytes of same-script words classified */
#define LANG_WINDOWS 4          /* a long text is sampled at this many places */
#define LANG_MIN_LETTERS 24     /* fewer letters in the winning script: "" */
#define LANG_MIN_LETTERS_UNIQUE 8 /* for a script of one language */
#define LANG_MARGIN 1.02        /* second best / best distance to be sure */

/* ---- scripts ------------------------------------------------------------- */

enum {
	SC_NONE, SC_LATIN, SC_CYRILLIC, SC_ARABIC, SC_GREEK, SC_HEBREW,
	SC_ARMENIAN, SC_GEORGIAN, SC_DEVANAGARI, SC_BENGALI, SC_GURMUKHI,
	SC_GUJARATI, SC_TAMIL, SC_TELUGU, SC_KANNADA, SC_MALAYALAM, SC_SINHALA,
	SC_THAI, SC_LAO, SC_KHMER, SC_MYANMAR, SC_ETHIOPIC, SC_HANGUL, SC_KANA,
	SC_HAN, SC_COUNT
};

/* The language of a script that has (practically) one. */
static const char *const lang_unique[SC_COUNT] = {
	[SC_GREEK] = "el", [SC_HEBREW] = "he", [SC_ARMENIAN] = "hy",
	[SC_GEORGIAN] = "ka", [SC_DEVANAGARI] = "hi", [SC_BENGALI] = "bn",
	[SC_GURMUKHI] = "pa", [SC_GUJARATI] = "gu", [SC_TAMIL] = "ta",
	[SC_TELUGU] = "te", [SC_KANNADA] = "kn", [SC_MALAYALAM] = "ml",
	[SC_SINHALA] = "si", [SC_THAI] = "th", [SC_LAO] = "lo", [SC_KHMER] = "km",
	[SC_MYANMAR] = "my", [SC_ETHIOPIC] = "am", [SC_HANGUL] = "ko",
};

/* The script of a letter, SC_NONE for anything else (digits, punctuation,
 * spaces, symbols, combining marks). */
static int lang_script(unsigned cp)
{
	if (cp < 0x80)
		return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? SC_LATIN : SC_NONE;
	if (cp < 0x0250)
		return (cp >= 0xC0 && cp != 0xD7 && cp != 0xF7) || cp == 0xAA || cp == 0xBA
			       ? SC_LATIN
			       : SC_NONE;
	if (cp >= 0x1E00 && cp <= 0x1EFF)
		return SC_LATIN;
	if (cp >= 0x0370 && cp <= 0x03FF)
		return cp >= 0x0386 ? SC_GREEK : SC_NONE;
	if (cp >= 0x1F00 && cp <= 0x1FFF)
		return SC_GREEK;
	if (cp >= 0x0400 && cp <= 0x052F)
		return (cp >= 0x0483 && cp <= 0x0489) ? SC_NONE : SC_CYRILLIC;
	if (cp >= 0x0531 && cp <= 0x058A)
		return SC_ARMENIAN;
	if (cp >= 0x05D0 && cp <= 0x05F2)
		return SC_HEBREW;
	if ((cp >= 0x0620 && cp <= 0x064A) || (cp >= 0x066E && cp <= 0x06D3) ||
	    cp == 0x06D5 || (cp >= 0x06EE && cp <= 0x06EF) || (cp >= 0x06FA && cp <= 0x06FF) ||
	    (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0xFB50 && cp <= 0xFDFB) ||
	    (cp >= 0xFE70 && cp <= 0xFEFC))
		return SC_ARABIC;
	if (cp >= 0x0900 && cp <= 0x097F)
		return SC_DEVANAGARI;
	if (cp >= 0x0980 && cp <= 0x09FF)
		return SC_BENGALI;
	if (cp >= 0x0A00 && cp <= 0x0A7F)
		return SC_GURMUKHI;
	if (cp >= 0x0A80 && cp <= 0x0AFF)
		return SC_GUJARATI;
	if (cp >= 0x0B80 && cp <= 0x0BFF)
		return SC_TAMIL;
	if (cp >= 0x0C00 && cp <= 0x0C7F)
		return SC_TELUGU;
	if (cp >= 0x0C80 && cp <= 0x0CFF)
		return SC_KANNADA;
	if (cp >= 0x0D00 && cp <= 0x0D7F)
		return SC_MALAYALAM;
	if (cp >= 0x0D80 && cp <= 0x0DFF)
		return SC_SINHALA;
	if (cp >= 0x0E01 && cp <= 0x0E5B)
		return SC_THAI;
	if (cp >= 0x0E80 && cp <= 0x0EFF)
		return SC_LAO;
	if (cp >= 0x1000 && cp <= 0x109F)
		return SC_MYANMAR;
	if (cp >= 0x10A0 && cp <= 0x10FF)
		return SC_GEORGIAN;
	if ((cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F) ||
	    (cp >= 0xAC00 && cp <= 0xD7AF))
		return SC_HANGUL;
	if (cp >= 0x1200 && cp <= 0x137F)
		return SC_ETHIOPIC;
	if (cp >= 0x1780 && cp <= 0x17FF)
		return SC_KHMER;
	if ((cp >= 0x3041 && cp <= 0x309F) || (cp >= 0x30A0 && cp <= 0x30FF) ||
	    (cp >= 0xFF66 && cp <= 0xFF9D))
		return SC_KANA;
	if ((cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
	    (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF))
		return SC_HAN;
	return SC_NONE;
}

/* A mark that belongs inside a word of its script (Arabic harakat,
 * Indic vowel signs are letters above; these are the combining ones). */
static int lang_mark(unsigned cp)
{
	return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x064B && cp <= 0x065F) ||
	       cp == 0x0670 || cp == 0x200C || cp == 0x200D;
}

/* Decode one UTF-8 character at s (n bytes left); U+FFFD for a bad byte.
 * *len gets its length (at least 1). */
static unsigned lang_utf8(const unsigned char *s, size_t n, size_t *len)
{
	unsigned c = s[0], cp;
	size_t k, i;
	*len = 1;
	if (c < 0x80)
		return c;
	if (c >= 0xC2 && c <= 0xDF) {
		k = 2;
		cp = c & 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		k = 3;
		cp = c & 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		k = 4;
		cp = c & 0x07;
	} else {
		return 0xFFFD;
	}
	if (n < k)
		return 0xFFFD;
	for (i = 1; i < k; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0xFFFD;
		cp = (cp << 6) | (s[i] & 0x3F);
	}
	*len = k;
	return cp;
}

/* ---- profiles ------------------------------------------------------------ */

typedef struct lang_profile {
	const char *file; /* name of the .lm file */
	const char *code; /* what we answer */
	int script;
	void *fp;
} lang_profile;

static lang_profile lang_profiles[] = {
	{"en", "en", SC_LATIN, NULL},   {"fr", "fr", SC_LATIN, NULL},
	{"de", "de", SC_LATIN, NULL},   {"tr", "tr", SC_LATIN, NULL},
	{"es", "es", SC_LATIN, NULL},   {"it", "it", SC_LATIN, NULL},
	{"pt", "pt", SC_LATIN, NULL},   {"nl", "nl", SC_LATIN, NULL},
	{"sv", "sv", SC_LATIN, NULL},   {"da", "da", SC_LATIN, NULL},
	{"nb", "nb", SC_LATIN, NULL},   {"fi", "fi", SC_LATIN, NULL},
	{"pl", "pl", SC_LATIN, NULL},   {"cs", "cs", SC_LATIN, NULL},
	{"sk", "sk", SC_LATIN, NULL},   {"hu", "hu", SC_LATIN, NULL},
	{"ro", "ro", SC_LATIN, NULL},   {"hr", "hr", SC_LATIN, NULL},
	{"sl", "sl", SC_LATIN, NULL},   {"sq", "sq", SC_LATIN, NULL},
	{"ca", "ca", SC_LATIN, NULL},   {"id", "id", SC_LATIN, NULL},
	{"sw", "sw", SC_LATIN, NULL},   {"az", "az", SC_LATIN, NULL},
	{"uz", "uz", SC_LATIN, NULL},   {"vi", "vi", SC_LATIN, NULL},
	{"et", "et", SC_LATIN, NULL},   {"lv", "lv", SC_LATIN, NULL},
	{"lt", "lt", SC_LATIN, NULL},   {"so", "so", SC_LATIN, NULL},
	{"ha-NG", "ha", SC_LATIN, NULL}, {"la", "la", SC_LATIN, NULL},
	{"ru", "ru", SC_CYRILLIC, NULL}, {"uk", "uk", SC_CYRILLIC, NULL},
	{"bg", "bg", SC_CYRILLIC, NULL}, {"be", "be", SC_CYRILLIC, NULL},
	{"sr-Cyrl", "sr", SC_CYRILLIC, NULL}, {"mk", "mk", SC_CYRILLIC, NULL},
	{"kk", "kk", SC_CYRILLIC, NULL}, {"ky", "ky", SC_CYRILLIC, NULL},
	{"tg", "tg", SC_CYRILLIC, NULL}, {"mn", "mn", SC_CYRILLIC, NULL},
	{"ar", "ar", SC_ARABIC, NULL},  {"fa", "fa", SC_ARABIC, NULL},
	{"ur", "ur", SC_ARABIC, NULL},  {"ckb", "ku", SC_ARABIC, NULL},
};
#define LANG_NPROFILES (sizeof(lang_profiles) / sizeof(lang_profiles[0]))

static pthread_once_t lang_once = PTHREAD_ONCE_INIT;
static int lang_loaded;      /* profiles read */
static char lang_err[1200];   /* why not, when they were not */

static void lang_load(void)
{
	const char *dir = getenv("DAFTAR_TEXTCAT_DIR");
	char path[1024];
	size_t i;
	if (!dir || !*dir)
		dir = LANG_DIR_DEFAULT;
	for (i = 0; i < LANG_NPROFILES; i++) {
		lang_profile *p = &lang_profiles[i];
		snprintf(path, sizeof(path), "%s/%s.lm", dir, p->file);
		p->fp = fp_Init(p->code);
		if (!p->fp || fp_Read(p->fp, path, LANG_MAX_NGRAMS) == 0) {
			if (p->fp)
				fp_Done(p->fp);
			p->fp = NULL;
			if (!lang_err[0])
				snprintf(lang_err, sizeof(lang_err),
					 "language profile %s could not be read", path);
			continue;
		}
		lang_loaded++;
	}
}

int dft_lang_init(void)
{
	pthread_once(&lang_once, lang_load);
	if (lang_err[0])
		return dft_error_set(DFT_EIO, "%s (libexttextcat-data installed?)", lang_err);
	return 0;
}

/* ---- the classifier ------------------------------------------------------ */

/* The nearest profile of a script to the sample, or NULL when none is
 * clearly nearer than the others. */
static const char *lang_textcat(int script, const char *sample, size_t len)
{
	void *fp;
	int best = -1, second = -1;
	const char *code = NULL;
	size_t i;
	if (!lang_loaded || len == 0)
		return NULL;
	if (!(fp = fp_Init(NULL)))
		return NULL;
	if (fp_Create(fp, sample, (uint4)len, LANG_MAX_NGRAMS) == 0) {
		fp_Done(fp);
		return NULL;
	}
	for (i = 0; i < LANG_NPROFILES; i++) {
		const lang_profile *p = &lang_profiles[i];
		int d;
		if (p->script != script || !p->fp)
			continue;
		/* past the second best it cannot matter: let it stop early */
		d = fp_Compare(p->fp, fp, second >= 0 ? second : 0x7fffffff);
		if (best < 0 || d < best) {
			second = best;
			best = d;
			code = p->code;
		} else if (second < 0 || d < second) {
			second = d;
		}
	}
	fp_Done(fp);
	if (best < 0 || (second >= 0 && (double)second < (double)best * LANG_MARGIN))
		return NULL;
	return code;
}

/* Counts over the text, in one pass. */
typedef struct lang_stats {
	size_t letters[SC_COUNT];
	/* Arabic script */
	size_t words, al_words;   /* words; words beginning with ال */
	size_t ta_marbuta;        /* ة */
	size_t alef_maksura;      /* ى */
	size_t ar_yeh_kaf;        /* ي ك (Arabic) */
	size_t fa_yeh_kaf;        /* ی ک (Persian, Urdu) */
	size_t fa_letters;        /* پ چ ژ گ (Persian, Urdu; not Arabic) */
	size_t ur_letters;        /* ٹ ڈ ڑ ں ے ۓ (Urdu only) */
	size_t ps_letters;        /* ټ ډ ړ ږ ښ ګ ڼ ۍ ې (Pashto) */
	size_t ku_letters;        /* ڵ ڕ ۆ ێ ە (Kurdish) */
} lang_stats;

static void lang_count(lang_stats *st, const unsigned char *s, size_t n)
{
	size_t i = 0, k;
	unsigned prev = 0; /* previous code point within an Arabic word, or 0 */
	int pos = 0;       /* letter position in the current Arabic word */
	while (i < n) {
		unsigned cp = lang_utf8(s + i, n - i, &k);
		int sc = lang_script(cp);
		i += k;
		st->letters[sc]++;
		if (sc != SC_ARABIC) {
			if (!lang_mark(cp))
				pos = 0, prev = 0;
			continue;
		}
		if (pos == 0)
			st->words++;
		if (pos == 1 && prev == 0x0627 && cp == 0x0644)
			st->al_words++;
		switch (cp) {
		case 0x0629: st->ta_marbuta++; break;
		case 0x0649: st->alef_maksura++; break;
		case 0x064A: case 0x0643: st->ar_yeh_kaf++; break;
		case 0x06CC: case 0x06A9: st->fa_yeh_kaf++; break;
		case 0x067E: case 0x0686: case 0x0698: case 0x06AF: st->fa_letters++; break;
		case 0x0679: case 0x0688: case 0x0691: case 0x06BA: case 0x06D2: case 0x06D3:
			st->ur_letters++;
			break;
		case 0x067C: case 0x0689: case 0x0693: case 0x0696: case 0x069A: case 0x06AB:
		case 0x06BC: case 0x06CD: case 0x06D0:
			st->ps_letters++;
			break;
		case 0x06B5: case 0x0695: case 0x06C6: case 0x06CE: case 0x06D5:
			st->ku_letters++;
			break;
		default: break;
		}
		prev = cp;
		pos++;
	}
	st->letters[SC_NONE] = 0;
}

/* Arabic, Persian, Urdu (or Pashto, Kurdish) from letter statistics; NULL
 * when they do not settle it. */
static const char *lang_arabic_letters(const lang_stats *st)
{
	double n = (double)st->letters[SC_ARABIC];
	double words = st->words ? (double)st->words : 1;
	double al = (double)st->al_words / words;
	double ta = (double)st->ta_marbuta / n;
	double ur = (double)st->ur_letters / n;
	double ps = (double)st->ps_letters / n;
	double ku = (double)st->ku_letters / n;
	double fa = (double)st->fa_letters / n;
	if (ur >= 0.01 && ur > ps && ur > ku)
		return "ur";
	if (ps >= 0.01 && ps > ku)
		return "ps";
	if (ku >= 0.02)
		return "ku";
	/* Arabic: the article on many words, ة frequent */
	if (al >= 0.12 && (ta >= 0.006 || st->alef_maksura > 0) && fa < 0.003)
		return "ar";
	/* Persian: hardly any article or ة, and its own letters */
	if (al < 0.06 && ta < 0.004 &&
	    (fa >= 0.004 || st->fa_yeh_kaf > st->ar_yeh_kaf))
		return "fa";
	return NULL;
}

/* The lower case of an upper-case Latin or Cyrillic letter, else 0. */
static unsigned lang_lower(unsigned cp)
{
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) ||
	    (cp >= 0x410 && cp <= 0x42F))
		return cp + 0x20;
	if (cp >= 0x400 && cp <= 0x40F)
		return cp + 0x50;
	if (cp == 0x130)
		return 'i';
	if (cp == 0x178)
		return 0xFF;
	if (((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) && !(cp & 1))
		return cp + 1;
	if (((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) && (cp & 1))
		return cp + 1;
	return 0;
}

static size_t lang_put(char *out, unsigned cp)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	out[0] = (char)(0xE0 | (cp >> 12));
	out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[2] = (char)(0x80 | (cp & 0x3F));
	return 3;
}

/* A word written all in capitals ("GREEK SOCIALISTS GIVE ...") as it would
 * be in running text ("Greek Socialists Give"): the profiles are of running
 * text, and headlines in capitals otherwise match nothing in them. */
static void lang_decap(char *w, size_t n)
{
	char tmp[256];
	size_t i = 0, o = 0, k;
	int first = 1;
	if (n >= sizeof(tmp) - 4)
		return;
	while (i < n) {
		unsigned cp = lang_utf8((const unsigned char *)w + i, n - i, &k), lo;
		if (cp >= 0x800)
			return; /* not Latin or Cyrillic: leave it */
		lo = lang_lower(cp);
		if (!lo && lang_script(cp) != SC_NONE && cp != '\'' && cp != 0x2019 &&
		    !lang_mark(cp))
			return; /* a lower-case letter: not all capitals */
		o += lang_put(tmp + o, (first || !lo) ? cp : lo);
		if (o > sizeof(tmp) - 4)
			return;
		first = 0;
		i += k;
	}
	if (o == n)
		memcpy(w, tmp, n);
}

/* Append the words of one script in s[0..n) to out (letters and marks,
 * one space between words) until out holds max bytes. */
static size_t lang_words(char *out, size_t o, size_t max, int script, const unsigned char *s,
			 size_t n)
{
	size_t i = 0, k, word = o;
	int in_word = 0, fold = script == SC_LATIN || script == SC_CYRILLIC;
	while (i < n && o < max) {
		unsigned cp = lang_utf8(s + i, n - i, &k);
		int keep = lang_script(cp) == script ||
			   (in_word && (lang_mark(cp) || cp == '\'' || cp == 0x2019));
		if (keep && cp != 0xFFFD) {
			if (!in_word && o > 0) {
				if (o + 1 >= max)
					break;
				out[o++] = ' ';
			}
			if (o + k > max)
				break;
			if (!in_word)
				word = o;
			memcpy(out + o, s + i, k);
			o += k;
			in_word = 1;
		} else {
			if (in_word && fold)
				lang_decap(out + word, o - word);
			in_word = 0;
		}
		i += k;
	}
	if (in_word && fold)
		lang_decap(out + word, o - word);
	return o;
}

/* The words of the script, sampled from LANG_WINDOWS places of a long text
 * (a document's language is that of its bulk, not of its first page). */
static size_t lang_sample(char *out, int script, const unsigned char *s, size_t n)
{
	size_t o = 0, w, per = LANG_SAMPLE_MAX / LANG_WINDOWS;
	if (n <= LANG_SAMPLE_MAX * 2)
		return lang_words(out, 0, LANG_SAMPLE_MAX, script, s, n);
	for (w = 0; w < LANG_WINDOWS; w++) {
		size_t start = n / LANG_WINDOWS * w;
		while (start < n && (s[start] & 0xC0) == 0x80)
			start++;
		o = lang_words(out, o, o + per, script, s + start, n - start);
	}
	return o;
}

int dft_detect_language(const char *utf8, size_t len, char out[8])
{
	const unsigned char *s = (const unsigned char *)utf8;
	lang_stats st;
	const char *code = NULL;
	char *sample = NULL;
	size_t slen;
	int sc, best = SC_NONE;

	out[0] = '\0';
	if (!utf8 || len == 0)
		return 0;
	pthread_once(&lang_once, lang_load);
	memset(&st, 0, sizeof(st));
	lang_count(&st, s, len);
	for (sc = 1; sc < SC_COUNT; sc++)
		if (st.letters[sc] > st.letters[best])
			best = sc;
	if (best == SC_NONE)
		return 0;
	/* Han with kana is Japanese; Han alone, Chinese */
	if (best == SC_HAN || best == SC_KANA) {
		size_t cjk = st.letters[SC_HAN] + st.letters[SC_KANA];
		if (cjk < LANG_MIN_LETTERS_UNIQUE)
			return 0;
		snprintf(out, 8, "%s", st.letters[SC_KANA] * 10 >= cjk ? "ja" : "zh");
		return 0;
	}
	if (lang_unique[best]) {
		if (st.letters[best] >= LANG_MIN_LETTERS_UNIQUE)
			snprintf(out, 8, "%s", lang_unique[best]);
		return 0;
	}
	if (st.letters[best] < LANG_MIN_LETTERS)
		return 0;
	if (best == SC_ARABIC)
		code = lang_arabic_letters(&st);
	if (!code) {
		if (!(sample = malloc(LANG_SAMPLE_MAX + 8)))
			return dft_error_set(DFT_ENOMEM, "out of memory");
		slen = lang_sample(sample, best, s, len);
		code = lang_textcat(best, sample, slen);
		free(sample);
	}
	if (code)
		snprintf(out, 8, "%s", code);
	return 0;
}
