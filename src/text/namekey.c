/*
 * namekey.c - the cross-script name key: one short string that the Arabic,
 * Latin (English, French, German habits) and Cyrillic spellings of one
 * name share, so that "~Adnani" finds العدناني, al-Adnani and Аднани.
 *
 * A key is a consonant skeleton. Each script is read into the same units:
 *
 *   b  ب پ b p б п          f  ف ڤ f v ph ф
 *   t  ت ط ث t th т         d  د ض ذ d dh д
 *   z  ز ظ z з              s  س ص s с (x = k s, ц = t s)
 *   k  ق ك غ گ q k c g gh к г   (c before e i y is s; Gurashi = Qurashi)
 *   h  ح ه خ ش چ تش h kh sh ch sch tch x х ш щ ч
 *        (one class: German Chaled = خالد and French Chami = شامي need
 *        ch to be both kh and sh, and Cyrillic х is ح, ه and خ)
 *   j  ج ژ j dj dzh zh ж дж, and a word-initial y ي й ю я (Jussuf = Yusuf)
 *   w  word-initial و w в
 *   l m n r as written
 *
 * Vowels (a e i o u, ا, medial و ي, ع, ь ъ) are dropped, except that a word
 * beginning with a vowel or ع keeps one leading "a" (Abbas = عباس ≠ Bass).
 * Equal neighbours after dropping vowels collapse (Haddad = Hadad = حداد,
 * Muhammad = محمد). A final ه/ة, and a final h after a vowel, are dropped
 * (Raqqah = الرقة). The article goes first: ال (when three letters stay),
 * al-/el-/ad-/ash-/ar-... and аль-/ад-/аш-/ар-... before a hyphen, and a
 * glued al/el before a consonant (Alkurdi, Elmasry) - which is also how
 * Arabic spells foreign names beginning with "Al" (البرت, Albert).
 *
 * A name built on ʿAbd is one key whatever its spelling (Abd al-Karim,
 * Abdulkarim, عبدالكريم, Абдулкарим → abdkrm; see "ʿAbd compounds" below),
 * and ibn, ebn, ابن, ибн key as bin (bn).
 *
 * Keys collide (Shami = Hami, Jamal = Yamal): the index ranks key matches
 * below exact and normalised ones.
 *
 * The fine key (dft_text_name_key_fine, indexed as "k:=" beside "k:") is
 * for ranking among the coarse key's matches: ش sh sch ch ш щ ч چ تش tch
 * become their own class x (the coarse key's German Chaled = خالد is lost
 * from it, the coarse key still has it); equal consonants collapse only
 * when adjacent (Haddad = Hadad = حداد, Jamaame = جامامي → jmma, Jam → jm);
 * and a final vowel (a e i o u, ا و ي, ة) appends "a" (Shami = شامي → xma,
 * Sham → xm). On ANETAC's pairs it matches as often as the coarse key and
 * leaves less than half as many other names sharing it.
 * test_namekey_eval.c measures both keys on the ANETAC English-Arabic name
 * pairs.
 */
#include "text_internal.h"

#include <string.h>

#define NK_MAXCP 160

static int is_latin_vowel(uint32_t c)
{
	return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Articles that join a name with a hyphen, Latin and Cyrillic; the second
 * field is the consonant an assimilated article needs after the hyphen
 * ("" = any letter). */
static const struct {
	const char *art, *next;
} articles[] = {
	{"al", ""},   {"el", ""},    {"ul", ""},   {"ad", "d"},  {"adh", "dh"},
	{"ar", "r"},  {"as", "s"},   {"ash", "sh"}, {"at", "t"}, {"ath", "th"},
	{"an", "n"},  {"az", "z"},   {"ed", "d"},  {"er", "r"},  {"es", "s"},
	{"esh", "sh"}, {"et", "t"},  {"en", "n"},  {"ez", "z"},
	/* ul assimilated, after ʿAbd: Abd-ur-Rahman, Abd-us-Salam */
	{"ur", "r"},  {"us", "s"},   {"ush", "sh"}, {"ut", "t"}, {"uth", "th"},
	{"ud", "d"},  {"udh", "dh"}, {"un", "n"},  {"uz", "z"},
	{"\xd0\xb0\xd0\xbb\xd1\x8c", ""},          /* аль */
	{"\xd0\xb0\xd0\xbb", ""},                  /* ал */
	{"\xd1\x8d\xd0\xbb\xd1\x8c", ""},          /* эль */
	{"\xd0\xb0\xd0\xb4", "\xd0\xb4"},          /* ад-д */
	{"\xd0\xb0\xd1\x88", "\xd1\x88"},          /* аш-ш */
	{"\xd0\xb0\xd1\x80", "\xd1\x80"},          /* ар-р */
	{"\xd0\xb0\xd1\x81", "\xd1\x81"},          /* ас-с */
	{"\xd0\xb0\xd1\x82", "\xd1\x82"},          /* ат-т */
	{"\xd0\xb0\xd0\xbd", "\xd0\xbd"},          /* ан-н */
	{"\xd0\xb0\xd0\xb7", "\xd0\xb7"},          /* аз-з */
};

int dft_text_hyphen_article(const char *w, size_t len, const char *next,
			    size_t nlen)
{
	size_t i;
	for (i = 0; i < sizeof articles / sizeof articles[0]; i++) {
		size_t al = strlen(articles[i].art), nl = strlen(articles[i].next);
		if (al != len || memcmp(w, articles[i].art, len) != 0)
			continue;
		if (nl == 0)
			return 1;
		if (nlen >= nl && memcmp(next, articles[i].next, nl) == 0)
			return 1;
	}
	return 0;
}

static int is_hyphen_article(const char *w, size_t len)
{
	size_t i;
	for (i = 0; i < sizeof articles / sizeof articles[0]; i++)
		if (strlen(articles[i].art) == len &&
		    memcmp(w, articles[i].art, len) == 0)
			return 1;
	return 0;
}

/* Units: consonant classes are lowercase letters; 'V' vowel, 'A' ع or an
 * alef (vowel that counts as a leading vowel), 'W' و/w, 'Y' ي/y. */
static size_t units_of(const uint32_t *c, size_t n, char *u, size_t cap,
		       int fine)
{
	size_t i = 0, m = 0;
#define EMIT(x)                                                                \
	do {                                                                   \
		if (m < cap)                                                   \
			u[m++] = (x);                                          \
	} while (0)
#define EMIT2(f, x) EMIT(fine ? (f) : (x))
	while (i < n) {
		uint32_t a = c[i], b = i + 1 < n ? c[i + 1] : 0,
			 d = i + 2 < n ? c[i + 2] : 0;
		size_t step = 1;
		switch (a) {
		/* ---- Latin (already lower case, diacritics folded) ---- */
		case 'a': case 'e': case 'i': case 'o': case 'u':
			EMIT('V');
			break;
		case 'y': EMIT('Y'); break;
		case 'w': EMIT('W'); break;
		case 'b': EMIT('b'); break;
		case 'p':
			if (b == 'h') {
				EMIT('f');
				step = 2;
			} else {
				EMIT('b');
			}
			break;
		case 'f': case 'v': EMIT('f'); break;
		case 'l': case 'm': case 'n': case 'r':
			EMIT((char)a);
			break;
		case 'z':
			if (b == 'h') {
				EMIT('j');
				step = 2;
			} else {
				EMIT('z');
			}
			break;
		case 'x': EMIT('k'); EMIT('s'); break;
		case 'q': EMIT('k'); break;
		case 'k': case 'g':
			if (b == 'h') {
				EMIT(a == 'k' ? 'h' : 'k');
				step = 2;
			} else {
				EMIT('k');
			}
			break;
		case 'c':
			if (b == 'h') {
				EMIT2('x', 'h');
				step = 2;
			} else if (b == 'k') {
				EMIT('k');
				step = 2;
			} else if (b == 'e' || b == 'i' || b == 'y') {
				EMIT('s');
			} else {
				EMIT('k');
			}
			break;
		case 's':
			if (b == 'h') {
				EMIT2('x', 'h');
				step = 2;
			} else if (b == 'c' && d == 'h') {
				EMIT2('x', 'h');
				step = 3;
			} else {
				EMIT('s');
			}
			break;
		case 't':
			if (b == 'h') {
				EMIT('t');
				step = 2;
			} else if (b == 'c' && d == 'h') {
				EMIT2('x', 'h');
				step = 3;
			} else if (b == 's' && d == 'c' && i + 3 < n &&
				   c[i + 3] == 'h') {
				EMIT2('x', 'h');
				step = 4;
			} else {
				EMIT('t');
			}
			break;
		case 'd':
			if (b == 'h') {
				EMIT('d');
				step = 2;
			} else if (b == 'j') {
				EMIT('j');
				step = 2;
			} else if (b == 'z' && d == 'h') {
				EMIT('j');
				step = 3;
			} else {
				EMIT('d');
			}
			break;
		case 'j': EMIT('j'); break;
		case 'h':
			/* a final h after a vowel is silent: Raqqah, Allah */
			if (!(i + 1 == n && m > 0 && (u[m - 1] == 'V')))
				EMIT('h');
			break;

		/* ---- Arabic (normalised: no hamza carriers, ة → ه) ---- */
		case 0x0627: EMIT('A'); break;          /* ا */
		case 0x0639: EMIT('A'); break;          /* ع */
		case 0x0628: case 0x067E: EMIT('b'); break; /* ب پ */
		case 0x062A:                             /* ت (تش = ch) */
			if (b == 0x0634) {
				EMIT2('x', 'h');
				step = 2;
			} else {
				EMIT('t');
			}
			break;
		case 0x0637: case 0x062B: EMIT('t'); break; /* ط ث */
		case 0x062C: case 0x0698: EMIT('j'); break; /* ج ژ */
		case 0x062D: case 0x062E: EMIT('h'); break; /* ح خ */
		case 0x0634: case 0x0686: EMIT2('x', 'h'); break; /* ش چ */
		case 0x0647: /* ه: silent at the end (ة), a final vowel */
			if (i + 1 < n)
				EMIT('h');
			else if (fine)
				EMIT('V');
			break;
		case 0x062F: case 0x0630: case 0x0636: EMIT('d'); break; /* د ذ ض */
		case 0x0631: EMIT('r'); break;
		case 0x0632: case 0x0638: EMIT('z'); break; /* ز ظ */
		case 0x0633: case 0x0635: EMIT('s'); break; /* س ص */
		case 0x063A: case 0x0642: case 0x0643: case 0x06AF:
			EMIT('k'); /* غ ق ك گ */
			break;
		case 0x0641: case 0x06A4: EMIT('f'); break; /* ف ڤ */
		case 0x0644: EMIT('l'); break;
		case 0x0645: EMIT('m'); break;
		case 0x0646: EMIT('n'); break;
		case 0x0648: EMIT('W'); break; /* و */
		case 0x064A: EMIT('Y'); break; /* ي */

		/* ---- Cyrillic (lower case) ---- */
		case 0x0430: case 0x0435: case 0x0451: case 0x0438: case 0x043E:
		case 0x0443: case 0x044B: case 0x044D:
			EMIT('V'); /* а е ё и о у ы э */
			break;
		case 0x044E: case 0x044F: case 0x0439: /* ю я й */
			EMIT('Y');
			if (a != 0x0439)
				EMIT('V');
			break;
		case 0x0431: case 0x043F: EMIT('b'); break; /* б п */
		case 0x0432: EMIT('W'); break;               /* в */
		case 0x0433: case 0x043A: EMIT('k'); break; /* г к */
		case 0x0434: /* д, дж */
			if (b == 0x0436) {
				EMIT('j');
				step = 2;
			} else {
				EMIT('d');
			}
			break;
		case 0x0436: EMIT('j'); break; /* ж */
		case 0x0437: EMIT('z'); break; /* з */
		case 0x043B: EMIT('l'); break;
		case 0x043C: EMIT('m'); break;
		case 0x043D: EMIT('n'); break;
		case 0x0440: EMIT('r'); break;
		case 0x0441: EMIT('s'); break;
		case 0x0442: EMIT('t'); break;
		case 0x0444: EMIT('f'); break;
		case 0x0445: EMIT('h'); break; /* х */
		case 0x0447: case 0x0448: case 0x0449:
			EMIT2('x', 'h'); /* ч ш щ */
			break;
		case 0x0446: EMIT('t'); EMIT('s'); break; /* ц */
		default:
			break; /* ь ъ, other scripts: nothing */
		}
		i += step;
	}
#undef EMIT
#undef EMIT2
	return m;
}

static size_t strip_article(const char **ps, size_t n)
{
	const char *s = *ps;
	const char *h = memchr(s, '-', n);
	size_t i, letters;
	if (h && h > s && (size_t)(h - s) + 1 < n &&
	    is_hyphen_article(s, (size_t)(h - s))) {
		*ps = h + 1;
		return n - (size_t)(h - s) - 1;
	}
	/* Arabic ال with at least three letters after it */
	if (n >= 4 && (unsigned char)s[0] == 0xD8 && (unsigned char)s[1] == 0xA7 &&
	    (unsigned char)s[2] == 0xD9 && (unsigned char)s[3] == 0x84) {
		for (i = 4, letters = 0; i < n; i++)
			if (((unsigned char)s[i] & 0xC0) != 0x80)
				letters++;
		if (letters >= 3) {
			*ps = s + 4;
			return n - 4;
		}
		return n;
	}
	/* glued Latin al/el before a consonant: Alkurdi, Elmasry */
	if (n >= 5 && (s[0] == 'a' || s[0] == 'e') && s[1] == 'l' &&
	    s[2] >= 'a' && s[2] <= 'z' && !is_latin_vowel((unsigned char)s[2]) &&
	    s[2] != 'l' && s[2] != 'y' && s[2] != 'w') {
		*ps = s + 2;
		return n - 2;
	}
	return n;
}

/* The key of a word already decoded into code points: units, then the
 * leading vowel, vowels dropped, equal neighbours collapsed (see the top
 * of the file). minlen: the fewest consonant letters a key may have. */
static size_t key_of_cps(const uint32_t *cps, size_t ncp, char *out,
			 size_t cap, int fine, size_t minlen)
{
	char u[NK_MAXCP * 2];
	size_t m, i, k = 0, cons = 0;
	char last = 0;

	out[0] = '\0';
	m = units_of(cps, ncp, u, sizeof u, fine);
	if (m == 0)
		return 0;
	if (u[0] == 'V' || u[0] == 'A')
		out[k++] = 'a';
	else if (u[0] == 'W')
		u[0] = 'w';
	else if (u[0] == 'Y')
		u[0] = 'j';
	for (i = 0; i < m && k + 1 < cap; i++) {
		char x = u[i];
		if (x == 'V' || x == 'A' || x == 'W' || x == 'Y') {
			/* the fine key keeps m-a-m apart from mm */
			if (fine)
				last = 0;
			continue;
		}
		if (x == last)
			continue;
		out[k++] = x;
		cons++;
		last = x;
	}
	/* the fine key marks a final vowel: Shami, شامي → xma; Sham → xm */
	if (fine && k >= 2 && k + 1 < cap &&
	    (u[m - 1] == 'V' || u[m - 1] == 'A' || u[m - 1] == 'W' || u[m - 1] == 'Y'))
		out[k++] = 'a';
	out[k] = '\0';
	if (k < minlen || cons == 0) {
		out[0] = '\0';
		return 0;
	}
	return k;
}

/* ---- ʿAbd compounds ------------------------------------------------------
 *
 * ʿAbd + a divine name (ʿAbd al-Karim "servant of the Generous") is one
 * name, written as one word or two, with or without the article, the
 * article assimilated or not: Abd al-Karim, Abdul Kareem, Abdulkarim,
 * Abdelkarim, عبد الكريم, عبدالكريم, Абдулкарим, Абд аль-Карим; Abdur
 * Rahman, Abdurrahman, Abdulrahman, Abderrahmane. Its key is "abd" and the
 * key of the name after the linker (the vowel and article between them),
 * the name keyed as a word of its own: Abd al-Aziz → abd + az (ʿAziz keeps
 * its leading vowel), Abdullah → abd + l. The linker is ambiguous
 * (Abdelatif: el + atif or e + latif?); the names used with ʿAbd settle
 * it, and without one of them the article reading wins.
 *
 * Two words (Abdul Kareem) are keyed by dft_text_name_key_pair: the first
 * must be an ʿAbd head (abd, abdul, abdel, abdur, abdus, عبد, абд, абдул
 * ...), i.e. ʿAbd and a linker with no name after it.
 */

/* The names that follow ʿAbd (the 99 as far as they are used, and a few
 * others: al-Nabi, al-Husayn, al-Amir), spelled in Latin; their rest keys
 * are computed once. */
static const char *const abd_names[] = {
	"rahman", "rahim", "karim", "aziz", "lah", "latif", "qadir", "hamid",
	"majid", "salam", "wahhab", "razzaq", "ghani", "jabbar", "sattar",
	"ilah", "malik", "quddus", "mumin", "muhaymin", "khaliq", "bari",
	"ghaffar", "ghafur", "qahhar", "fattah", "alim", "basit", "rafi",
	"sami", "basir", "hakam", "hakim", "adl", "khabir", "halim", "azim",
	"shakur", "kabir", "hafiz", "hasib", "jalil", "raqib", "mujib",
	"wadud", "haqq", "wakil", "qawi", "matin", "wali", "muhsin", "hayy",
	"qayyum", "wahid", "ahad", "samad", "muqtadir", "awwal", "zahir",
	"batin", "tawwab", "rauf", "nur", "hadi", "badi", "baqi", "warith",
	"rashid", "sabur", "munim", "muttalib", "nabi", "husayn", "zahra",
	"amir", "masih", "rasul", "rida", "manaf", "nasir", "jawad", "mahdi",
	"mannan", "wasi", "jalal", "muin", "rabbuh", "salih", "muhyi",
	"mutaal", "mughni", "qawiy", "ghafar", "razaq", "sahib", "kadhim",
	"kazim", "hasan", "husain", "hussein", "zahra", "aimma", "sayyid",
	"mutalib", "kebir", "jabar", "wahab", "rahmane", "kader", "hadi",
	"raouf", "mounim", "moneim", "ghaffour", "jelil", "krim", "ali", "lahi",
};

#define ABD_NAMES (sizeof abd_names / sizeof abd_names[0])

static int is_linker_vowel(uint32_t c)
{
	return is_latin_vowel(c) || c == 0x0627 || /* ا */
	       c == 0x0648 || c == 0x064A || /* و ي: عبدول, عبدولاي = Abdul, Abdoulaye */
	       c == 0x0430 || c == 0x0435 || c == 0x0451 || c == 0x0438 ||
	       c == 0x043E || c == 0x0443 || c == 0x044B || c == 0x044D ||
	       c == 0x044C || c == 0x044A; /* а е ё и о у ы э ь ъ */
}

static int is_l(uint32_t c)
{
	return c == 'l' || c == 0x0644 || c == 0x043B; /* l ل л */
}

/* A sun letter at c[i] (the article assimilates to it: ar-Rahman, as-Salam,
 * ash-Shakur): its length in code points, 0 when none. */
static size_t sun_at(const uint32_t *c, size_t n, size_t i)
{
	uint32_t a = c[i], b = i + 1 < n ? c[i + 1] : 0;
	if ((a == 's' || a == 't' || a == 'd' || a == 'z') && b == 'h')
		return 2;
	switch (a) {
	case 't': case 'd': case 'r': case 'z': case 's': case 'n':
	case 0x0442: case 0x0434: case 0x0440: case 0x0437: case 0x0441:
	case 0x043D: case 0x0448: /* т д р з с н ш */
		return 1;
	default:
		return 0;
	}
}

/* ʿAbd at the start: abd, عبد (after a clitic: وعبد "and ʿAbd", لعبد "to
 * ʿAbd", بعبد, فعبد, كعبد), абд (ʿ and ' fold away or are skipped);
 * returns where the linker starts. */
static size_t abd_prefix(const uint32_t *c, size_t n)
{
	if (n >= 4 && (c[0] == 0x0648 || c[0] == 0x0641 || c[0] == 0x0628 || c[0] == 0x0644 ||
		       c[0] == 0x0643) &&
	    c[1] == 0x0639 && c[2] == 0x0628 && c[3] == 0x062F)
		return 4;
	if (n >= 3 && ((c[0] == 'a' && c[1] == 'b' && c[2] == 'd') ||
		       (c[0] == 0x0639 && c[1] == 0x0628 && c[2] == 0x062F) ||
		       (c[0] == 0x0430 && c[1] == 0x0431 && c[2] == 0x0434)))
		return 3;
	return 0;
}

/* The key of the name after the linker, keyed as a word: a final h or х
 * after a vowel is silent (Abdullah, Абдуллах); one consonant is enough
 * (Allah → l). */
static size_t rest_key(const uint32_t *c, size_t n, char *out, size_t cap,
		       int fine)
{
	if (n >= 2 && c[n - 1] == 0x0445 && is_linker_vowel(c[n - 2]))
		n--;
	return key_of_cps(c, n, out, cap, fine, 1);
}

static int is_abd_name(const char *key)
{
	static char keys[ABD_NAMES][16];
	static int ready;
	size_t i;
	if (!ready) { /* idempotent: threads racing here write the same bytes */
		for (i = 0; i < ABD_NAMES; i++) {
			uint32_t cps[32] = {0};
			size_t k, l = strlen(abd_names[i]);
			for (k = 0; k < l && k < 32; k++)
				cps[k] = (unsigned char)abd_names[i][k];
			rest_key(cps, k, keys[i], sizeof keys[i], 0);
		}
		ready = 1;
	}
	for (i = 0; i < ABD_NAMES; i++)
		if (keys[i][0] && strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

/* Where the name starts in an ʿAbd compound c[0..n) (ʿAbd at 0..3):
 * returns its index, or 0 when c is no compound. known: only a name of
 * abd_names makes a compound (one word: Abdyldaev, a Kyrgyz name, is
 * none); else one after the article is enough (Abdul + Sahib). */
static size_t abd_rest(const uint32_t *c, size_t n, int known)
{
	size_t p = abd_prefix(c, n), v, cand[4], nc = 0, i, sl;
	char k[64];
	if (!p)
		return 0;
	for (v = p; v < n && is_linker_vowel(c[v]); v++)
		;
	if (v < n && is_l(c[v])) { /* the article: Abdulkarim, عبدالكريم */
		size_t a = v + 1;
		while (a < n && c[a] == 0x044C) /* ь */
			a++;
		if (n - a >= 2)
			cand[nc++] = a;
	}
	sl = v < n ? sun_at(c, n, v) : 0;
	if (sl && v + 2 * sl < n && !memcmp(c + v, c + v + sl, sl * sizeof *c))
		cand[nc++] = v + sl; /* assimilated: Abdurrahman */
	if (n - v >= 3)
		cand[nc++] = v; /* Abdurahman, Abdelatif */
	/* the vowel is the name's: Abdaziz (only for a known name) */
	if (v > p && n - p >= 4)
		cand[nc++] = p;
	for (i = 0; i < nc; i++)
		if (rest_key(c + cand[i], n - cand[i], k, sizeof k, 0) &&
		    is_abd_name(k))
			return cand[i];
	/* no known name: the article reading, else the assimilated one,
	 * else the name right after the vowels */
	for (i = 0; i < nc && !known; i++)
		if (cand[i] != p &&
		    rest_key(c + cand[i], n - cand[i], k, sizeof k, 0))
			return cand[i];
	return 0;
}

/* Is c[0..n) ʿAbd and a linker with no name after it (abd, abdul, abdel,
 * abdur, abdus, abdush, عبد, абд, абдул, абдуль)? */
static int abd_head(const uint32_t *c, size_t n)
{
	size_t p = abd_prefix(c, n), v, sl;
	if (!p)
		return 0;
	if (n == p)
		return 1;
	for (v = p; v < n && is_linker_vowel(c[v]); v++)
		;
	if (v == p || v == n) /* abdi, abdo: names of their own */
		return 0;
	if (is_l(c[v])) {
		for (v++; v < n && c[v] == 0x044C; v++)
			;
		return v == n;
	}
	sl = sun_at(c, n, v);
	return sl && v + sl == n;
}

/* Decode the normalised word s (article stripped when strip) into cps,
 * without '-' and '\''; returns the count, or (size_t)-1 when it holds a
 * digit (numbers have no key). */
static size_t decode_word(const char *s, size_t n, uint32_t *cps, size_t cap,
			  int strip)
{
	size_t i, ncp = 0;
	if (strip)
		n = strip_article(&s, n);
	for (i = 0; i < n && ncp < cap;) {
		uint32_t c;
		size_t l = dft_text_utf8_decode((const unsigned char *)s + i,
						n - i, &c);
		if (l == 0) {
			i++;
			continue;
		}
		i += l;
		if (c >= '0' && c <= '9')
			return (size_t)-1;
		if (c == '-' || c == '\'')
			continue;
		cps[ncp++] = c;
	}
	return ncp;
}

/* The key of an ʿAbd compound: "abd" + the name's key; 0 when c is none. */
static size_t abd_key(const uint32_t *c, size_t n, char *out, size_t cap,
		      int fine, int known)
{
	size_t r = abd_rest(c, n, known), kl;
	char k[64];
	if (!r || cap < 8)
		return 0;
	/* Abdullahi, Abdallahi (West Africa, Somalia): Allah with a case
	 * vowel, keyed as Abdullah */
	if (n - r >= 4 && (c[n - 1] == 'i' || c[n - 1] == 'e') && c[n - 2] == 'h' &&
	    rest_key(c + r, n - r, k, sizeof k, 0) == 2 && !strcmp(k, "lh"))
		n--;
	memcpy(out, "abd", 3);
	kl = rest_key(c + r, n - r, out + 3, cap - 3, fine);
	if (!kl) {
		out[0] = '\0';
		return 0;
	}
	return 3 + kl;
}

static size_t name_key(const char *s, size_t n, char *out, size_t cap, int fine)
{
	uint32_t cps[NK_MAXCP];
	size_t ncp, kl;

	if (cap < 2)
		return 0;
	out[0] = '\0';
	ncp = decode_word(s, n, cps, NK_MAXCP, 1);
	if (ncp == (size_t)-1 || ncp < 2)
		return 0;
	if ((kl = abd_key(cps, ncp, out, cap, fine, 1)) > 0)
		return kl;
	/* ibn, ebn, ابن, ибн: the nasab marker, keyed as bin, بن, бин */
	if (ncp == 3 && cap >= 3 &&
	    (((cps[0] == 'i' || cps[0] == 'e') && cps[1] == 'b' && cps[2] == 'n') ||
	     (cps[0] == 0x0627 && cps[1] == 0x0628 && cps[2] == 0x0646) ||
	     (cps[0] == 0x0438 && cps[1] == 0x0431 && cps[2] == 0x043D))) {
		memcpy(out, "bn", 3);
		return 2;
	}
	return key_of_cps(cps, ncp, out, cap, fine, 2);
}

/* Can the normalised word begin with ʿAbd? A look at its bytes, before
 * the dearer decoding (the analyzer asks of every word). */
static int may_be_abd(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	if (n < 3)
		return 0;
	switch (p[0]) {
	case 'a': /* abd */
		return p[1] == 'b' && p[2] == 'd';
	case 0xD8: /* عبد, بع */
		return n >= 6 && ((p[1] == 0xB9 && p[2] == 0xD8 && p[3] == 0xA8) ||
				  (p[1] == 0xA8 && p[2] == 0xD8 && p[3] == 0xB9));
	case 0xD9: /* وع فع لع كع */
		return n >= 8 && (p[1] == 0x88 || p[1] == 0x81 || p[1] == 0x84 || p[1] == 0x83) &&
		       p[2] == 0xD8 && p[3] == 0xB9;
	case 0xD0: /* абд */
		return n >= 6 && p[1] == 0xB0 && p[2] == 0xD0 && p[3] == 0xB1;
	default:
		return 0;
	}
}

int dft_text_abd_head(const char *s, size_t n)
{
	uint32_t cps[NK_MAXCP];
	size_t ncp;
	if (!may_be_abd(s, n))
		return 0;
	ncp = decode_word(s, n, cps, NK_MAXCP, 0);
	return ncp != (size_t)-1 && abd_head(cps, ncp);
}

size_t dft_text_name_key_pair(const char *w1, size_t n1, const char *w2,
			      size_t n2, char *out, size_t cap, int fine)
{
	uint32_t cps[NK_MAXCP];
	size_t a, b;
	if (cap < 2)
		return 0;
	out[0] = '\0';
	if (!may_be_abd(w1, n1))
		return 0;
	a = decode_word(w1, n1, cps, NK_MAXCP, 0);
	if (a == (size_t)-1 || !abd_head(cps, a))
		return 0;
	b = decode_word(w2, n2, cps + a, NK_MAXCP - a, 0);
	if (b == (size_t)-1 || b < 2)
		return 0;
	return abd_key(cps, a + b, out, cap, fine, 0);
}

size_t dft_text_name_key(const char *s, size_t n, char *out, size_t cap)
{
	return name_key(s, n, out, cap, 0);
}

size_t dft_text_name_key_fine(const char *s, size_t n, char *out, size_t cap)
{
	return name_key(s, n, out, cap, 1);
}
