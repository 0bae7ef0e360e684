/*
 * names.c - the structure of a name and whether two names are one entity.
 *
 * Resolution (resolve.c) and watchlist matching (xref.c) both ask the same
 * question - "Abu Muhammad al-Adnani", "al-Adnani", "أبو محمد العدناني":
 * same person? - so both use this file's answer.
 *
 * A name is read as words, each with its cross-script key (text.h:
 * dft_name_key, the consonant skeleton Arabic, Latin and Cyrillic share)
 * and a role (../shared/ARABIC.md): kunya (Abu/Umm + a name), nasab
 * (bin/ibn/bint + a name), nisba (al-..., the last word), ism. Titles
 * (Sheikh, Dr, al-Hajj, الأخ, Emir ...) are dropped. The markers abu/ابو,
 * umm/ام and bin/ibn/ابن/بنت get fixed keys so that "ibn" = "bin" = "بن".
 *
 * The coarse key has no vowels, so Hassan = Hussein = حسن = حسين. Where both
 * spellings are in one script we can do better, and do:
 *   - Latin and Latin: the first vowel group after the first consonant must
 *     agree in class (a/e, i/e/y, o/u): Hassan ≠ Hussein, Omar = Umar,
 *     Mohammed = Muhammad.
 *   - Arabic and Arabic: the normalised words (letter forms folded) must be
 *     equal, or one edit apart when both have five letters or more
 *     (a typo): حسن ≠ حسين.
 * Across scripts the key alone decides; that is where transliteration
 * leaves no other evidence.
 *
 * Some names are written as one word or two: an ʿAbd compound ("Abdul
 * Kareem" = "Abdulkarim" = "عبد الكريم") is one word of the name, its
 * key from dft_name_key_pair; a kunya in one word ("Abubakr", "ابوبكر")
 * is two (dft_name_kunya_split). A family name in -i compares its vowels
 * from the end without the first (Jubouri = Jabouri = Jbouri), an ʿAbd
 * compound its name's from the end (Abdelkrim = Abdulkarim).
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <stdio.h>
#include <string.h>

/* Titles and honorifics, normalised (dft_normalize_word). */
static const char *const titles[] = {
	"sheikh", "shaykh", "sheik", "shaikh", "dr", "dr.", "doctor", "mr", "mr.", "mrs", "ms",
	"haji", "hajji", "hajj", "al-hajj", "emir", "amir", "mullah", "mulla", "sayyid", "sayed",
	"brother", "sister", "commander", "general", "colonel", "captain", "major", "prof",
	"professor", "president", "minister", "king", "prince", "imam", "judge", "qadi",
	"شيخ", "الشيخ", "دكتور", "الدكتور", "د", "الحاج", "حاج", "الاخ", "اخ", "الاخت",
	"الامير", "امير", "الملا", "ملا", "السيد", "سيد", "السيده", "القائد", "العقيد", "اللواء",
	"العميد", "النقيب", "الرائد", "المقدم", "الرئيس", "الوزير", "الملك", "الامام", "القاضي",
	"шейх", "доктор", "господин"};

static const char *const kunya_markers[] = {"abu", "abou", "abo", "ابو", "абу", "umm", "um", "om", "ام", "умм",
					     /* Abu al- (Abul Hasan), the genitive Abi (ibn Abi Talib) */
					     "abul", "aboul", "abil", "abi", "ابي", "абуль", "аби"};
static const char *const nasab_markers[] = {"bin", "ben", "ibn", "ebn", "bint", "بن", "ابن", "بنت", "бен", "ибн"};

/* Given names so common that alone they name no one (keys computed once). */
static const char *const given_names[] = {
	"muhammad", "ahmad", "ali", "omar", "umar", "abdullah", "abdallah", "hassan", "husayn",
	"ibrahim", "khalid", "mahmud", "mustafa", "yusuf", "abd", "abdul", "abdel", "said",
	"salih", "hamid", "mahdi", "karim", "jamal", "walid", "khalil", "ismail", "yahya",
	"musa", "isa", "uthman", "bakr", "abu", "fatima", "aisha", "maryam", "zaynab", "khadija",
	"amina", "nur", "rahman", "aziz", "majid", "nasser", "sami", "adel", "tariq", "ziad",
	"faisal", "saad", "anas", "bilal", "hamza", "usama", "mohammad", "ahmed", "mohamed",
	/* ʿAbd compounds, keyed as one word whichever way they are written */
	"abdulrahman", "abdulaziz", "abdulkarim", "abdulqadir", "abdulhamid", "abdulmajid",
	"abdulrahim", "abdulsalam", "abdullatif", "abdulwahhab", "abduljabbar", "abdulghani",
	"abdulrazzaq", "abdulsattar", "abdulilah", "abdulnasir", "abdulhakim", "abdulhalim",
	"abdulbasit", "abdulmunim", "abdulhadi", "abdulwahid", "abdulkhaliq", "abdulfattah",
	"abdulmalik", "abdulghafur", "abdulmuhsin", "abdulamir", "abdulhussein", "abdulqahhar",
	"abdulsamad", "abdulbari", "abdulhafiz", "abdulmutalib", "abdulnabi", "abdulhakam"};

static int in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(w, list[i]) == 0)
			return 1;
	return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is_given_key(const char *key)
{
	static char keys[COUNT(given_names)][48];
	static int ready;
	if (!ready) {
		for (size_t i = 0; i < COUNT(given_names); i++) {
			dft_buf b;
			dft_buf_init(&b, 64);
			if (dft_name_key(given_names[i], strlen(given_names[i]), &b) == 0)
				snprintf(keys[i], sizeof keys[i], "%s", dft_buf_cstr(&b));
			dft_buf_dispose(&b);
		}
		ready = 1;
	}
	for (size_t i = 0; i < COUNT(given_names); i++)
		if (keys[i][0] && strcmp(keys[i], key) == 0)
			return 1;
	return 0;
}

/* A word of the name as the parser keeps it, with what the same-script
 * checks need. */
typedef struct name_word {
	char norm[96];
	int script; /* 0 other, 1 Latin, 2 Arabic */
} name_word;

static int word_script(const char *w)
{
	const unsigned char *p = (const unsigned char *)w;
	for (; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			return 1;
		if (*p == 0xD8 || *p == 0xD9 || *p == 0xDA || *p == 0xDB)
			return 2;
	}
	return 0;
}

/* What the same-script check compares: Arabic words normalised, Latin
 * words normalised (lower case, accents and apostrophes dropped: Sa'id =
 * Said) without a hyphenated article (al-, ash-, el- ...). */
static void keep_word(name_word *w, const char *norm, const char *raw, size_t len)
{
	static const char *const arts[] = {"al", "el", "ul", "ad", "adh", "an", "ar", "as", "ash", "at",
					   "ath", "az", "ed", "en", "er", "es", "esh", "et", "ez"};
	const char *h = memchr(raw, '-', len < 5 ? len : 5);
	size_t skip = 0;
	w->script = word_script(norm);
	if (w->script == 1 && h) {
		size_t al = (size_t)(h - raw);
		char a[4];
		for (size_t i = 0; i < al && i < 3; i++)
			a[i] = (char)(raw[i] | 0x20);
		a[al < 3 ? al : 3] = 0;
		for (size_t i = 0; i < COUNT(arts) && al <= 3; i++)
			if (!strcmp(a, arts[i]) && strlen(norm) > al + 1)
				skip = al;
	}
	snprintf(w->norm, sizeof w->norm, "%s", norm + skip);
}

/* An article that joins its name with a hyphen, any case. */
static int hyphen_article(const char *w, size_t n)
{
	static const char *const arts[] = {"al", "el", "ul", "ad", "adh", "an", "ar", "as", "ash", "at", "ath",
					   "az", "ed", "en", "er", "es", "esh", "et", "ez", "ur", "us", "ush",
					   "ut", "uth", "ud", "udh", "un", "uz", "аль", "ал", "эль",
					   "ад", "аш", "ар", "ас", "ат", "ан", "аз", "Аль", "Ал", "Эль"};
	char lc[8];
	if (n >= sizeof lc)
		return 0;
	for (size_t i = 0; i < n; i++)
		lc[i] = (char)((unsigned char)w[i] < 0x80 ? w[i] | 0x20 : w[i]);
	lc[n] = 0;
	for (size_t i = 0; i < COUNT(arts); i++)
		if (!strcmp(lc, arts[i]))
			return 1;
	return 0;
}

/* Split at spaces and at punctuation other than the hyphen and apostrophe
 * inside a word ("al-Adnani", "Sa'id" stay one word). */
static size_t next_word(const char *s, size_t len, size_t *pos, size_t *wlen)
{
	size_t i = *pos, st;
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == ',' ||
			   s[i] == '.' || s[i] == '(' || s[i] == ')' || s[i] == '"' || s[i] == ';' ||
			   s[i] == '/' || s[i] == ':' || s[i] == '-'))
		i++;
	st = i;
	while (i < len && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == ',' ||
			    s[i] == '(' || s[i] == ')' || s[i] == '"' || s[i] == ';' || s[i] == '/' ||
			    s[i] == ':')) {
		/* a hyphen joins an article to its name (al-Adnani, ash-Shami,
		 * аль-Аднани) and parts a name otherwise (Abu-Bakr, Abdul-Karim,
		 * Abd-al-Karim), as the analyzer reads them */
		if (s[i] == '-' && i > st && !hyphen_article(s + st, i - st))
			break;
		i++;
	}
	/* a trailing full stop is punctuation unless the word is one letter */
	if (i > st + 2 && s[i - 1] == '.')
		i--;
	*wlen = i - st;
	*pos = i;
	return st;
}

/* The parse proper; the words' normalised forms go to `words` (may be NULL). */
int dft_name_word_key(int type, const char *w, size_t wl, int more, dft_buf *norm, dft_buf *key,
		      dft_buf *fine)
{
	const char *nw;
	int rc;
	dft_buf_reset(norm);
	dft_buf_reset(key);
	if (fine)
		dft_buf_reset(fine);
	if ((rc = dft_normalize_word(w, wl, norm)) < 0)
		return rc;
	nw = dft_buf_cstr(norm);
	if (type == DFT_ENT_PERSON && in_list(nw, titles, COUNT(titles)))
		return DFT_NAME_SKIP;
	/* a detached article: "Al Adnani", "el Masri" joins the next word */
	if (strcmp(nw, "al") == 0 || strcmp(nw, "el") == 0 || strcmp(nw, "ال") == 0)
		return DFT_NAME_SKIP;
	if (type == DFT_ENT_PERSON && in_list(nw, kunya_markers, COUNT(kunya_markers))) {
		int umm = nw[0] == 'u' || nw[0] == 'o' || !strcmp(nw, "ام") || !strcmp(nw, "умм");
		if ((rc = dft_buf_adds(key, umm ? "am" : "ab")) < 0)
			return rc;
		return DFT_NAME_KUNYA_MARKER;
	}
	if (type == DFT_ENT_PERSON && in_list(nw, nasab_markers, COUNT(nasab_markers))) {
		if ((rc = dft_buf_adds(key, "bn")) < 0)
			return rc;
		return DFT_NAME_NASAB_MARKER;
	}
	/* Latin "Jabhat", "Dawlat" before another word: the ta marbuta of an
	 * idafa (جبهة), which Arabic spells without t */
	if (word_script(nw) == 1 && wl > 4 && more && w[wl - 1] == 't' && (w[wl - 2] == 'a' || w[wl - 2] == 'e'))
		wl--;
	if ((rc = dft_name_key(w, wl, key)) < 0 || (fine && (rc = dft_name_key_fine(w, wl, fine)) < 0))
		return rc;
	return key->len ? DFT_NAME_ISM : DFT_NAME_SKIP;
}

size_t dft_name_kunya_split(const char *w, size_t len)
{
	const unsigned char *p = (const unsigned char *)w;
	size_t k = 0, i, letters = 0;
	int latin = 0;
	if (len >= 3 && (p[0] | 0x20) == 'a' && (p[1] | 0x20) == 'b' && (p[2] | 0x20) == 'u')
		k = 3, latin = 1;
	else if (len >= 4 && (p[0] | 0x20) == 'a' && (p[1] | 0x20) == 'b' && (p[2] | 0x20) == 'o' &&
		 (p[3] | 0x20) == 'u')
		k = 4, latin = 1;
	else if (len >= 6 && p[0] == 0xD8 && (p[1] == 0xA7 || p[1] == 0xA3 || p[1] == 0xA5 || p[1] == 0xA2) &&
		 p[2] == 0xD8 && p[3] == 0xA8 && p[4] == 0xD9 && p[5] == 0x88)
		k = 6; /* ابو أبو */
	else if (len >= 6 && p[0] == 0xD0 && (p[1] == 0xB0 || p[1] == 0x90) && p[2] == 0xD0 && p[3] == 0xB1 &&
		 p[4] == 0xD1 && p[5] == 0x83)
		k = 6; /* абу Абу */
	if (!k)
		return 0;
	/* Abul-, Aboul-: Abu al- (Abulhasan) */
	if (latin && k < len && (p[k] | 0x20) == 'l')
		k++;
	if (k < len && (p[k] == '-' || p[k] == '\''))
		k++;
	for (i = k; i < len; i++)
		letters += (p[i] & 0xC0) != 0x80;
	/* three letters at least, a Latin one beginning with a consonant
	 * (Abuse, Abouamer stay words) */
	if (letters < 3 || (latin && strchr("aeiouAEIOU-'", (char)p[k])))
		return 0;
	return k;
}

/* The two words of an ʿAbd compound ("Abdul Kareem", "عبد الكريم", "Abd
 * al Karim" with a detached article between) as one word of the name:
 * its key from dft_name_key_pair, its normalised form both words' glued
 * ("abdulkareem", as the one-word spelling normalises). */
static int compound_word(const char *s, size_t st1, size_t wl1, size_t st2, size_t wl2, dft_buf *norm,
			 dft_buf *key, dft_buf *fine)
{
	int rc;
	dft_buf_reset(norm);
	dft_buf_reset(key);
	dft_buf_reset(fine);
	if ((rc = dft_name_key_pair(s + st1, st2 - st1, s + st2, wl2, key, fine)) < 0)
		return rc;
	if (!key->len)
		return 0;
	(void)wl1;
	if ((rc = dft_normalize_word(s + st1, st2 - st1, norm)) < 0 ||
	    (rc = dft_normalize_word(s + st2, wl2, norm)) < 0)
		return rc;
	return 1;
}

static int is_detached_article(const char *w, size_t wl)
{
	return (wl == 2 && ((w[0] | 0x20) == 'a' || (w[0] | 0x20) == 'e' || (w[0] | 0x20) == 'u') &&
		(w[1] | 0x20) == 'l') ||
	       (wl == 4 && !memcmp(w, "ال", 4)) || (wl == 6 && !memcmp(w, "аль", 6)) ||
	       (wl == 6 && !memcmp(w, "Аль", 6)) || (wl == 6 && !memcmp(w, "эль", 6));
}

static int parse_words(int type, const char *s, size_t len, dft_name *out, name_word *words)
{
	size_t pos = 0, wl, st, spans[2 * (DFT_NAME_MAX_WORDS + 8)];
	int pending_role = -1, rc = 0, nspans = 0;
	dft_buf norm, key, fine;
	memset(out, 0, sizeof *out);
	dft_buf_init(&norm, 512);
	dft_buf_init(&key, 512);
	dft_buf_init(&fine, 512);
	while (pos < len && nspans < DFT_NAME_MAX_WORDS + 7) {
		size_t k;
		st = next_word(s, len, &pos, &wl);
		if (!wl)
			break;
		/* a kunya written as one word: Abubakr, Abulhasan, ابوبكر */
		k = type == DFT_ENT_PERSON ? dft_name_kunya_split(s + st, wl) : 0;
		if (k) {
			spans[2 * nspans] = st;
			spans[2 * nspans + 1] = k;
			nspans++;
			st += k;
			wl -= k;
		}
		spans[2 * nspans] = st;
		spans[2 * nspans + 1] = wl;
		nspans++;
	}
	for (int wi = 0; wi < nspans && out->n < DFT_NAME_MAX_WORDS; wi++) {
		int role;
		st = spans[2 * wi];
		wl = spans[2 * wi + 1];
		role = 0;
		/* ʿAbd + the next word (past a detached article) as one word */
		if (type == DFT_ENT_PERSON && wi + 1 < nspans && dft_name_is_abd(s + st, wl)) {
			int nx = wi + 1;
			if (nx + 1 < nspans && is_detached_article(s + spans[2 * nx], spans[2 * nx + 1]))
				nx++;
			if ((rc = compound_word(s, st, wl, spans[2 * nx], spans[2 * nx + 1], &norm, &key, &fine)) < 0)
				goto done;
			if (rc == 1) {
				wl = spans[2 * nx] + spans[2 * nx + 1] - st;
				wi = nx;
				role = DFT_NAME_ISM;
				goto keyed;
			}
		}
		if ((rc = role = dft_name_word_key(type, s + st, wl, wi + 1 < nspans, &norm, &key, &fine)) < 0)
			goto done;
	keyed:
		if (role == DFT_NAME_SKIP)
			continue;
		if (role == DFT_NAME_KUNYA_MARKER || role == DFT_NAME_NASAB_MARKER) {
			pending_role = role == DFT_NAME_KUNYA_MARKER ? DFT_NAME_KUNYA : DFT_NAME_NASAB;
			role = DFT_NAME_MARKER;
		} else if (pending_role >= 0) {
			role = pending_role;
			pending_role = -1;
		}
		if (key.len >= sizeof out->w[0].key || fine.len >= sizeof out->w[0].fine)
			continue;
		memcpy(out->w[out->n].key, key.ptr, key.len + 1);
		if (fine.len)
			memcpy(out->w[out->n].fine, fine.ptr, fine.len + 1);
		else
			memcpy(out->w[out->n].fine, key.ptr, key.len + 1);
		out->w[out->n].role = role;
		out->w[out->n].given = role == DFT_NAME_ISM && is_given_key(out->w[out->n].key);
		if (words)
			keep_word(&words[out->n], dft_buf_cstr(&norm), s + st, wl);
		out->n++;
	}
	/* the last word of a multi-word person name is a family name or nisba */
	if (type == DFT_ENT_PERSON && out->n > 1 && out->w[out->n - 1].role == DFT_NAME_ISM)
		out->w[out->n - 1].role = DFT_NAME_NISBA, out->w[out->n - 1].given = 0;
	rc = 0;
done:
	dft_buf_dispose(&norm);
	dft_buf_dispose(&key);
	dft_buf_dispose(&fine);
	return rc;
}

int dft_name_parse(int type, const char *s, size_t len, dft_name *out)
{
	return parse_words(type, s, len, out, NULL);
}

int dft_name_key_string(const dft_name *n, dft_buf *out)
{
	int rc = 0;
	for (int i = 0; i < n->n && rc == 0; i++) {
		if (i && (rc = dft_buf_add(out, " ", 1)) < 0)
			break;
		rc = dft_buf_adds(out, n->w[i].key);
	}
	return rc;
}

/* One word of each name: the same word, by its cross-script key? */
static int words_agree(const dft_name *a, int i, const dft_name *b, int j)
{
	return strcmp(a->w[i].key, b->w[j].key) == 0;
}

/* Is `part` an ordered subsequence of `whole`? Sets *matched to the words
 * of part that matched, and *distinct when one of them is distinctive. */
static int subsequence(const dft_name *part, const dft_name *whole, int *distinct)
{
	int j = 0;
	*distinct = 0;
	for (int i = 0; i < part->n; i++) {
		/* the kunya's name is the son's: Abd al-Rahman al-Janabi is not
		 * part of Abu Abd al-Rahman al-Janabi, nor Bakr al-Baghdadi of
		 * Abu Bakr al-Baghdadi */
		while (j < whole->n && (!words_agree(part, i, whole, j) ||
					((whole->w[j].role == DFT_NAME_KUNYA) != (part->w[i].role == DFT_NAME_KUNYA))))
			j++;
		if (j == whole->n)
			return 0;
		if (part->w[i].role != DFT_NAME_MARKER && !part->w[i].given &&
		    whole->w[j].role != DFT_NAME_KUNYA && !whole->w[j].given)
			*distinct = 1;
		j++;
	}
	return 1;
}

int dft_name_is_part(const dft_name *part, const dft_name *whole)
{
	int distinct;
	if (part->n == 0 || part->n >= whole->n)
		return 0;
	if (!subsequence(part, whole, &distinct))
		return 0;
	return distinct;
}

double dft_name_compare(int type, const dft_name *a, const dft_name *b, const char **why)
{
	int distinct, same_fine = 1;
	const char *dummy;
	if (!why)
		why = &dummy;
	*why = "no common name";
	if (a->n == 0 || b->n == 0)
		return 0;
	if (a->n == b->n) {
		int i;
		for (i = 0; i < a->n; i++) {
			if (strcmp(a->w[i].key, b->w[i].key) != 0)
				break;
			if (strcmp(a->w[i].fine, b->w[i].fine) != 0)
				same_fine = 0;
		}
		if (i == a->n) {
			*why = same_fine ? "same name (spelling or script)" : "same name key, spellings differ";
			return same_fine ? 0.97 : 0.9;
		}
	}
	if (type == DFT_ENT_PERSON || type == DFT_ENT_ORG || type == DFT_ENT_PLACE) {
		const dft_name *s = a->n < b->n ? a : b, *l = a->n < b->n ? b : a;
		if (subsequence(s, l, &distinct)) {
			if (!distinct) {
				*why = "shares only a given name or kunya";
				return 0;
			}
			*why = "part of the longer name";
			return 0.6 + 0.3 * (double)s->n / (double)l->n;
		}
	}
	return 0;
}

/* ---- same-script refinement ------------------------------------------------ */

/* Vowel classes: a, i (and y), o/u; an e transliterates any short vowel
 * (Mohammed = Muhammad, Youssef = Yusuf, Khaled = Khalid). */
static int vowel_class(char c)
{
	switch (c) {
	case 'a': return 1;
	case 'i': case 'y': return 2;
	case 'o': case 'u': return 4;
	case 'e': return 7;
	default: return 0;
	}
}

/* The classes of the vowel groups after the first consonant, at most
 * max (a leading y is a consonant; after "abd" the article's vowel is
 * skipped: Abdullah = Abdallah). A diphthong ai/ay/ei/ey is the long i of
 * ي (Hussein = Husayn, not Hassan). Returns how many. */
static int vowel_groups(const char *w, int *cls, int max)
{
	const char *p = w;
	int g = 0;
	if (!strncmp(p, "abd", 3)) {
		p += 3;
		while (*p && vowel_class(*p))
			p++;
	}
	if (*p == 'y' || *p == 'w') /* a consonant at the start */
		p++;
	else
		while (*p && vowel_class(*p)) /* Ayman = Aiman */
			p++;
	while (g < max) {
		const char *st;
		while (*p && !vowel_class(*p))
			p++;
		if (!*p)
			break;
		st = p;
		cls[g] = 0;
		while (*p && vowel_class(*p))
			cls[g] |= vowel_class(*p++);
		if (p - st == 2 && (st[0] == 'a' || st[0] == 'e') && (st[1] == 'i' || st[1] == 'y'))
			cls[g] = 2;
		g++;
	}
	return g;
}

/* A nisba or family name in -i (al-Jubouri, Dulaimi, Tikriti): its first
 * vowel is short and the least reliable of all (Jubouri, Jabouri, Jbouri,
 * al-Jubury are one name, الجبوري). */
static int nisba_shaped(const char *w)
{
	size_t n = strlen(w);
	return n >= 5 && (w[n - 1] == 'i' || w[n - 1] == 'y') && !vowel_class(w[n - 2]);
}

/* Levenshtein distance of two short byte strings, capped at 2. */
static int edits_upto2(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	int prev[100], cur[100];
	if (la > 98 || lb > 98)
		return 2;
	if (la > lb + 2 || lb > la + 2)
		return 2;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (size_t j = 1; j <= lb; j++) {
			int c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			cur[j] = c;
		}
		memcpy(prev, cur, sizeof(int) * (lb + 1));
	}
	return prev[lb] > 2 ? 2 : prev[lb];
}

static const char *strip_arabic_article(const char *w)
{
	return (!strncmp(w, "ال", 4) && strlen(w) > 8) ? w + 4 : w;
}

/* Two words with one coarse key, in the same script: do they spell one name? */
static int same_script_agree(const name_word *x, const name_word *y)
{
	if (x->script != y->script || x->script == 0)
		return 1;
	if (x->script == 1) {
		int a[16], b[16], na, nb;
		na = vowel_groups(x->norm, a, 16);
		nb = vowel_groups(y->norm, b, 16);
		if (!strncmp(x->norm, "abd", 3) && !strncmp(y->norm, "abd", 3)) {
			/* ʿAbd compounds: the name's vowels from the end, where
			 * they stand whatever the linker (Abdelkrim = Abdulkarim,
			 * Abd al-Hakim ≠ Abd al-Hakam), a final vowel left out
			 * (Abderrahmane, Abdallahi) */
			size_t lx = strlen(x->norm), ly = strlen(y->norm);
			na -= na > 1 && vowel_class(x->norm[lx - 1]);
			nb -= nb > 1 && vowel_class(y->norm[ly - 1]);
			for (int g = 1; g <= na && g <= nb; g++)
				if (!(a[na - g] & b[nb - g]))
					return 0;
			return 1;
		}
		if (nisba_shaped(x->norm) && nisba_shaped(y->norm)) {
			/* aligned from the end, the first group of each left out */
			for (int g = 1; g <= na - 1 && g <= nb - 1; g++)
				if (!(a[na - g] & b[nb - g]))
					return 0;
			return 1;
		}
		for (int g = 0; g < 2 && g < na && g < nb; g++)
			if (!(a[g] & b[g]))
				return 0;
		return 1;
	}
	{
		const char *p = strip_arabic_article(x->norm), *q = strip_arabic_article(y->norm);
		if (!strcmp(p, q))
			return 1;
		/* one edit in a word of five letters or more (two bytes a letter) */
		return strlen(p) >= 10 && strlen(q) >= 10 && edits_upto2(p, q) <= 1;
	}
}

double dft_name_compare_text(int type, const char *a, size_t alen, const char *b, size_t blen,
			     const char **why)
{
	dft_name na, nb;
	name_word wa[DFT_NAME_MAX_WORDS], wb[DFT_NAME_MAX_WORDS];
	double score;
	if (parse_words(type, a, alen, &na, wa) < 0 || parse_words(type, b, blen, &nb, wb) < 0)
		return 0;
	score = dft_name_compare(type, &na, &nb, why);
	if (score <= 0)
		return 0;
	/* every pair of words the keys matched must also agree in-script */
	for (int i = 0; i < na.n; i++)
		for (int j = 0; j < nb.n; j++)
			if (na.w[i].role != DFT_NAME_MARKER && !strcmp(na.w[i].key, nb.w[j].key) &&
			    !same_script_agree(&wa[i], &wb[j])) {
				if (why)
					*why = "same key, but the spellings are different names";
				return 0;
			}
	return score;
}
