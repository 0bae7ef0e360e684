/*
 * places.c - the places of Syria and Iraq a trove of the region names, in
 * Arabic and in the Latin spellings the press and translators use, with
 * coordinates: a small gazetteer compiled into the binary (no file to
 * find at run time), read after NER so that a place the models took for a
 * person ("Raqqa"), an organisation ("Deir Ezzor") or cut in two ("Deir"
 * of Deir ez-Zor) is one place, typed as a place.
 *
 * Each spelling is reduced to a lookup key (place_key): words lower case
 * and normalised as the index reads them (ة → ه, أ → ا, tashkeel and
 * tatweel dropped), apostrophes and ʿ dropped, a hyphen a space; in Latin
 * script the articles (al, el, ar, ez, ad ...) dropped and a final -ah/-eh
 * read as -a/-e (Ar-Raqqah = Raqqa); in Arabic the article of the first
 * word dropped (الرقة = رقة). The keys of all spellings are sorted once
 * (dft_places_new); a lookup is a binary search.
 *
 * The scanner (dft_places_scan) walks the words of a text and tries the
 * longest phrase of up to four words at each word, an Arabic word also
 * without a clitic (بالرقة, والرقة, للرقة, بدير الزور), and an Arabic
 * spelling with the article only with it (رقة is "tenderness"). A Latin
 * phrase must have a capital. Spellings that are also common words
 * (الباب "the door", القائم, حديثة, Hit, Duma) are marked '?': a name the
 * model tagged as a place spelled so is the town; running text is searched
 * for the Arabic ones only right after من, إلى, نحو, باتجاه, والي (its
 * governor) or a noun of place (مدينة, محافظة, بلدة, ريف).
 *
 * Coordinates are the town centres (a governorate's: about its middle;
 * a city stands for its governorate of the same name too). Every city's
 * is within 10 km of GeoNames' (tests/unit/entities/test_gazetteer.c
 * checks them against gazetteer_data.c; Tabqa, Talkalakh, Tuz Khurmatu,
 * Anah and Qaraqosh took GeoNames' values when it was first run), but
 * for three GeoNames' cities1000 does not hold (Bartella, Taji,
 * Amiriyat al-Fallujah): their points are from published maps and NOT
 * verified against GeoNames (Taji's was 50 km off and was moved).
 */
#include "daftar/entities.h"
#include "daftar/text.h"
#include "gazetteer_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Spellings separated by '|'; a leading '?' marks one not to be searched
 * for in running text. The first Latin spelling is the display name. */
static const dft_place places[] = {
	/* Syria */
	{"SY", "country", 35.0, 38.5, "Syria", "سوريا|?سورية|Syria|Syrie|Сирия"},
	{"SY", "city", 33.5138, 36.2765, "Damascus", "دمشق|Damascus|Damas|Dimashq|Дамаск"},
	{"SY", "governorate", 33.60, 36.50, "Rif Dimashq", "ريف دمشق|Rif Dimashq|Rural Damascus|Reef Dimashq"},
	{"SY", "city", 36.2021, 37.1343, "Aleppo", "حلب|Aleppo|Halab|Alep|Алеппо|Халеб"},
	{"SY", "city", 34.7324, 36.7137, "Homs", "حمص|Homs|Hims|Хомс"},
	{"SY", "city", 35.1318, 36.7578, "Hama", "حماة|حماه|Hama|Hamah|Хама"},
	{"SY", "city", 35.5317, 35.7901, "Latakia", "اللاذقية|Latakia|Lattakia|Ladhiqiyah|Lattaquié|Латакия"},
	{"SY", "city", 34.8890, 35.8866, "Tartus", "طرطوس|Tartus|Tartous|Tartūs|Тартус"},
	{"SY", "city", 35.9306, 36.6339, "Idlib", "إدلب|ادلب|Idlib|Idleb|Идлиб"},
	{"SY", "city", 35.9528, 39.0079, "Raqqa",
	 "الرقة|Raqqa|al-Raqqa|Ar-Raqqah|Raqqah|Rakka|Raqa|Er-Rakka|Ракка"},
	{"SY", "city", 35.3359, 40.1408, "Deir ez-Zor",
	 "دير الزور|ديرالزور|دير الزور|Deir ez-Zor|Deir Ezzor|Deir Ez Zor|Deir al-Zor|Deir el-Zor|Deir al-Zour|"
	 "Deir Azzour|Deir Ezzour|Dayr al-Zawr|Dayr az-Zawr|Dair al-Zour|Deir-ez-Zor|Deir Zor|Дейр-эз-Зор|Дейр эз-Зор"},
	{"SY", "city", 36.5024, 40.7477, "Hasakah", "الحسكة|Hasakah|al-Hasakah|Hasaka|Hassakeh|Hasake|Хасака"},
	{"SY", "city", 37.0522, 41.2317, "Qamishli", "القامشلي|Qamishli|Qamishlo|Kamishli|Камышлы"},
	{"SY", "city", 32.6189, 36.1021, "Daraa", "درعا|Daraa|Deraa|Dara'a|Дараа"},
	{"SY", "city", 32.7090, 36.5695, "Suwayda", "السويداء|Suwayda|Sweida|Sweida|Suwaida|Сувейда"},
	{"SY", "city", 33.1260, 35.8248, "Quneitra", "القنيطرة|Quneitra|Kuneitra|Кунейтра"},
	{"SY", "city", 34.5601, 38.2670, "Palmyra", "?تدمر|Palmyra|Tadmur|Tadmor|Пальмира"},
	{"SY", "city", 36.5281, 37.9549, "Manbij", "منبج|Manbij|Menbij|Манбидж"},
	{"SY", "city", 36.3705, 37.5157, "al-Bab", "?الباب|?al-Bab|Аль-Баб"},
	{"SY", "city", 36.8175, 38.0114, "Jarabulus", "جرابلس|Jarabulus|Jarablus|Джераблус"},
	{"SY", "city", 36.5866, 37.0463, "Azaz", "اعزاز|أعزاز|Azaz|A'zaz|Азаз"},
	{"SY", "city", 36.8906, 38.3536, "Kobani", "عين العرب|كوباني|Kobani|Kobane|Ayn al-Arab|Кобани"},
	{"SY", "city", 35.8376, 38.5483, "Tabqa", "?الطبقة|Tabqa|al-Tabqa|Tabaqah|Ath Thawrah|Табка"},
	{"SY", "city", 36.6975, 38.9567, "Tal Abyad", "تل أبيض|تل ابيض|Tal Abyad|Tell Abyad|Tel Abyad|Тель-Абьяд"},
	{"SY", "city", 35.0196, 40.4509, "al-Mayadin", "الميادين|al-Mayadin|Mayadin|Mayadeen|Эль-Маядин|Маядин"},
	{"SY", "city", 34.4536, 40.9186, "Abu Kamal",
	 "البوكمال|أبو كمال|ابو كمال|Abu Kamal|Albu Kamal|al-Bukamal|Bukamal|Boukamal|Абу-Кемаль"},
	{"SY", "city", 36.0549, 40.7323, "al-Shaddadi", "الشدادي|al-Shaddadi|Shaddadi|Shadadi|Эш-Шаддади"},
	{"SY", "city", 36.8500, 40.0700, "Ras al-Ayn", "رأس العين|راس العين|Ras al-Ayn|Ras al-Ain|Serêkaniyê|Рас-эль-Айн"},
	{"SY", "city", 35.0113, 37.0532, "Salamiyah", "?السلمية|Salamiyah|Salamiyeh|Salamieh|Саламия"},
	{"SY", "city", 34.5090, 36.5800, "al-Qusayr", "?القصير|al-Qusayr|Qusayr|Qusair|Эль-Кусейр"},
	{"SY", "city", 33.5711, 36.4028, "Douma", "?دوما|Douma|?Duma"},
	{"SY", "city", 35.6486, 36.6717, "Maarat al-Numan",
	 "معرة النعمان|Maarat al-Numan|Ma'arrat al-Nu'man|Maarat al-Nouman|Мааррат-эн-Нууман"},
	{"SY", "city", 35.8123, 36.3181, "Jisr al-Shughur", "جسر الشغور|Jisr al-Shughur|Jisr ash-Shughur|Джиср-эш-Шугур"},
	{"SY", "city", 34.6929, 40.8290, "Hajin", "?هجين|Hajin|Hajeen"},
	{"SY", "city", 34.8869, 38.8720, "al-Sukhnah", "?السخنة|al-Sukhnah|Sukhnah|Sukhna"},
	{"SY", "city", 35.9650, 38.0330, "Maskanah", "?مسكنة|Maskanah|Maskana|Meskene"},
	{"SY", "city", 34.6684, 36.2600, "Talkalakh", "تلكلخ|Talkalakh|Tall Kalakh|Tallkalakh"},
	{"SY", "city", 35.1400, 40.4300, "al-Busayrah", "?البصيرة|al-Busayrah|Busayrah|Busaira"},
	/* Iraq */
	{"IQ", "country", 33.0, 44.0, "Iraq", "العراق|Iraq|Irak|Ирак"},
	{"IQ", "city", 33.3152, 44.3661, "Baghdad", "بغداد|Baghdad|Bagdad|Багдад"},
	{"IQ", "city", 36.3450, 43.1450, "Mosul", "الموصل|Mosul|Mossoul|Mawsil|al-Mawsil|Мосул"},
	{"IQ", "city", 30.5085, 47.7804, "Basra", "البصرة|Basra|Basrah|Bassora|Басра"},
	{"IQ", "city", 36.1911, 44.0092, "Erbil", "أربيل|اربيل|Erbil|Arbil|Irbil|Hawler|Эрбиль"},
	{"IQ", "city", 35.4681, 44.3922, "Kirkuk", "كركوك|Kirkuk|Kerkuk|Киркук"},
	{"IQ", "city", 35.5613, 45.4306, "Sulaymaniyah",
	 "السليمانية|Sulaymaniyah|Sulaimaniya|Sulaymaniyya|Slemani|Сулеймания"},
	{"IQ", "city", 36.8669, 42.9503, "Duhok", "دهوك|Duhok|Dohuk|Dahuk|Дахук"},
	{"IQ", "city", 31.9959, 44.3143, "Najaf", "النجف|Najaf|an-Najaf|Наджаф"},
	{"IQ", "city", 32.6160, 44.0249, "Karbala", "كربلاء|كربلا|Karbala|Kerbala|Кербела"},
	{"IQ", "city", 32.4637, 44.4199, "Hillah", "?الحلة|Hillah|al-Hillah|Hilla|Хилла"},
	{"IQ", "governorate", 32.5, 44.5, "Babil", "بابل|Babil|Babylon|Вавилон"},
	{"IQ", "city", 32.5128, 45.8182, "Kut", "الكوت|al-Kut|Kut|Кут"},
	{"IQ", "governorate", 32.8, 45.7, "Wasit", "?واسط|Wasit"},
	{"IQ", "city", 31.8356, 47.1440, "Amarah", "?العمارة|Amarah|al-Amarah|?Amara|Эль-Амара"},
	{"IQ", "governorate", 31.8, 47.0, "Maysan", "ميسان|Maysan|Missan"},
	{"IQ", "city", 31.0439, 46.2575, "Nasiriyah", "الناصرية|Nasiriyah|Nasiriya|an-Nasiriyah|Насирия"},
	{"IQ", "governorate", 31.2, 46.3, "Dhi Qar", "ذي قار|Dhi Qar|Thi Qar"},
	{"IQ", "city", 31.3099, 45.2803, "Samawah", "السماوة|Samawah|Samawa|as-Samawah|Самава"},
	{"IQ", "governorate", 30.5, 45.5, "Muthanna", "?المثنى|Muthanna|al-Muthanna"},
	{"IQ", "city", 31.9929, 44.9255, "Diwaniyah", "الديوانية|Diwaniyah|Diwaniya|ad-Diwaniyah|Дивания"},
	{"IQ", "governorate", 32.0, 45.0, "Qadisiyyah", "القادسية|Qadisiyyah|al-Qadisiyah|Qadisiya"},
	{"IQ", "city", 33.7466, 44.6437, "Baqubah", "بعقوبة|Baqubah|Baquba|Ba'quba|Баакуба"},
	{"IQ", "governorate", 33.8, 45.0, "Diyala", "ديالى|ديالي|Diyala|Diyalah|Дияла"},
	{"IQ", "city", 33.4258, 43.2990, "Ramadi", "?الرمادي|Ramadi|ar-Ramadi|al-Ramadi|Рамади"},
	{"IQ", "city", 33.3500, 43.7833, "Fallujah", "الفلوجة|Fallujah|Falluja|al-Fallujah|Faloudja|Эль-Фаллуджа|Фаллуджа"},
	{"IQ", "governorate", 32.55, 41.92, "Anbar", "الأنبار|الانبار|Anbar|al-Anbar|Анбар"},
	{"IQ", "city", 34.6071, 43.6782, "Tikrit", "تكريت|Tikrit|Tekrit|Тикрит"},
	{"IQ", "city", 34.1959, 43.8857, "Samarra", "سامراء|سامرا|Samarra|Самарра"},
	{"IQ", "city", 34.9311, 43.4869, "Baiji", "بيجي|Baiji|Bayji|Байджи"},
	{"IQ", "city", 34.1397, 42.3781, "Haditha", "?حديثة|Haditha|Hadithah|Хадита"},
	{"IQ", "city", 33.6416, 42.8251, "Hit", "?هيت|?Hit|Heet|Хит"},
	{"IQ", "city", 33.0381, 40.2848, "Rutba", "?الرطبة|Rutba|ar-Rutbah|al-Rutba"},
	{"IQ", "city", 34.3686, 41.0944, "al-Qaim", "?القائم|al-Qaim|al-Qa'im|Qaim|Эль-Каим"},
	{"IQ", "city", 36.3792, 42.4497, "Tal Afar", "تلعفر|تل عفر|Tal Afar|Tall Afar|Tel Afar|Тель-Афар"},
	{"IQ", "city", 36.3209, 41.8754, "Sinjar", "سنجار|Sinjar|Shingal|Синджар"},
	{"IQ", "city", 35.8008, 43.2906, "Qayyarah", "القيارة|Qayyarah|al-Qayyarah|Qayara"},
	{"IQ", "city", 35.3222, 43.7667, "Hawija", "الحويجة|Hawija|al-Hawija|Hawijah|Хувейджа"},
	{"IQ", "governorate", 36.35, 42.5, "Nineveh", "نينوى|Nineveh|Ninawa|Niniveh|Ниневия"},
	{"IQ", "governorate", 34.5, 43.5, "Salah al-Din", "?صلاح الدين|?Salah al-Din|Saladin Governorate"},
	{"IQ", "city", 37.1436, 42.6819, "Zakho", "زاخو|Zakho|Zakhu|Zaxo|Захо"},
	{"IQ", "city", 34.3400, 45.3900, "Khanaqin", "خانقين|Khanaqin|Khanaqeen"},
	{"IQ", "city", 34.8881, 44.6326, "Tuz Khurmatu", "طوز خورماتو|Tuz Khurmatu|Tuz Khormato|Tozkhurmato"},
	{"IQ", "city", 35.1758, 45.9861, "Halabja", "حلبجة|Halabja|Халабджа"},
	{"IQ", "city", 34.3686, 41.9819, "Anah", "?عانة|Anah|?Ana"},
	{"IQ", "city", 34.4700, 41.9400, "Rawa", "?راوة|?Rawa|Rawah"},
	{"IQ", "city", 36.3520, 43.3790, "Bartella", "برطلة|Bartella|Bartalla"},
	{"IQ", "city", 36.2709, 43.3776, "Qaraqosh", "قرقوش|بخديدا|Qaraqosh|Bakhdida|Qaraqush|Al-Hamdaniya|Hamdaniya"},
	{"IQ", "city", 33.5270, 44.2440, "Taji", "التاجي|Taji|al-Taji"},
	{"IQ", "city", 33.2000, 43.6000, "Amiriyat al-Fallujah", "عامرية الفلوجة|Amiriyat al-Fallujah|Amiriyah"},
};

#define NPLACES (sizeof(places) / sizeof(places[0]))
#define MAX_PHRASE 4

typedef struct place_key_rec {
	char *key;
	unsigned place;
	int scan;    /* searched for in running text ('?': not) */
	int article; /* the spelling has the Arabic article: الكوت, not كوت (Côte) */
} place_key_rec;

struct dft_places {
	place_key_rec *k;
	size_t n;
	char **first; /* the first words of the keys, sorted, once each */
	size_t nfirst;
	dft_buf norm, key;
};

static const char *const latin_articles[] = {"al", "el", "ar", "as", "ad", "az", "ez", "es", "ed", "er",
					     "an", "at", "ash", "ath", "adh", "ul", "ech", "et"};

/* Cyrillic articles of transliterated names: эль, аль, эш, эз, эн, эр, эт. */
static const char *const cyr_articles[] = {"эль", "аль", "эш", "эз", "эн", "эр", "эт", "ат", "ас", "ад", "ар"};

static int is_article(const char *w, size_t n)
{
	for (size_t i = 0; i < sizeof(latin_articles) / sizeof(latin_articles[0]); i++)
		if (strlen(latin_articles[i]) == n && !memcmp(latin_articles[i], w, n))
			return 1;
	for (size_t i = 0; i < sizeof(cyr_articles) / sizeof(cyr_articles[0]); i++)
		if (strlen(cyr_articles[i]) == n && !memcmp(cyr_articles[i], w, n))
			return 1;
	return 0;
}

static int is_article_ci(const char *w, size_t n)
{
	char low[8];
	if (n >= sizeof low)
		return 0;
	for (size_t i = 0; i < n; i++)
		low[i] = (char)(w[i] >= 'A' && w[i] <= 'Z' ? w[i] + 32 : w[i]);
	return is_article(low, n);
}

/* Apostrophes, ʿ ʾ ’ ‘ `, and the dashes that join a transliteration. */
static int is_apostrophe(uint32_t c)
{
	return c == '\'' || c == '`' || c == 0x2018 || c == 0x2019 || c == 0x02BB || c == 0x02BC ||
	       c == 0x02BE || c == 0x02BF;
}

static int is_joiner(uint32_t c)
{
	return c == ' ' || c == '-' || c == 0xA0 || c == 0x2010 || c == 0x2011 || c == 0x202F;
}

/* The lookup key of a spelling (see the top of the file), appended to
 * out; empty when nothing is left. */
int dft_places_key(dft_buf *norm, const char *s, size_t len, dft_buf *out)
{
	size_t i = 0, words = 0;
	int rc;
	while (i < len) {
		char w[160];
		size_t wl = 0, st, nl;
		const char *nw;
		uint32_t c;
		while (i < len) {
			size_t at = i;
			c = dft_utf8_next(s, len, &i);
			if (!is_joiner(c)) {
				i = at;
				break;
			}
		}
		st = i;
		while (i < len) {
			size_t at = i;
			c = dft_utf8_next(s, len, &i);
			if (is_joiner(c)) {
				i = at;
				break;
			}
			if (is_apostrophe(c))
				continue;
			if (wl + (i - at) >= sizeof w)
				return 0;
			memcpy(w + wl, s + at, i - at);
			wl += i - at;
		}
		if (i == st)
			break;
		if (!wl)
			continue;
		dft_buf_reset(norm);
		if ((rc = dft_normalize_word(w, wl, norm)) < 0)
			return rc;
		nw = norm->ptr;
		nl = norm->len;
		if (!nl)
			continue;
		/* articles of a transliteration, unless the word is all there is */
		if (is_article(nw, nl) && i < len)
			continue;
		/* Arabic: the article of the first word */
		if (words == 0 && nl > 6 && !memcmp(nw, "\xd8\xa7\xd9\x84", 4)) {
			nw += 4;
			nl -= 4;
		}
		/* Latin -ah/-eh is -a/-e (Raqqah, Hassakeh) */
		if (nl > 3 && nw[nl - 1] == 'h' && (nw[nl - 2] == 'a' || nw[nl - 2] == 'e'))
			nl--;
		if (words++ && (rc = dft_buf_addc(out, ' ')) < 0)
			return rc;
		if ((rc = dft_buf_add(out, nw, nl)) < 0)
			return rc;
	}
	return 0;
}

static int by_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int by_key(const void *a, const void *b)
{
	return strcmp(((const place_key_rec *)a)->key, ((const place_key_rec *)b)->key);
}

int dft_places_new(dft_places **out)
{
	dft_places *p = calloc(1, sizeof *p);
	size_t cap = 0;
	int rc = 0;
	*out = NULL;
	if (!p)
		return dft_error_set(DFT_ENOMEM, "out of memory for the gazetteer");
	dft_buf_init(&p->norm, 1024);
	dft_buf_init(&p->key, 1024);
	for (unsigned i = 0; i < NPLACES && rc == 0; i++) {
		const char *s = places[i].spellings;
		while (*s && rc == 0) {
			size_t l = strcspn(s, "|");
			int scan = 1;
			const char *w = s;
			if (*w == '?') {
				scan = 0;
				w++;
			}
			dft_buf_reset(&p->key);
			if ((rc = dft_places_key(&p->norm, w, l - (size_t)(w - s), &p->key)) < 0)
				break;
			if (p->key.len) {
				if (p->n == cap) {
					size_t c = cap ? cap * 2 : 512;
					place_key_rec *np = dft_realloc(p->k, c * sizeof(*np));
					if (!np) {
						rc = dft_error_set(DFT_ENOMEM, "out of memory for the gazetteer");
						break;
					}
					p->k = np;
					cap = c;
				}
				p->k[p->n].key = malloc(p->key.len + 1);
				if (!p->k[p->n].key) {
					rc = dft_error_set(DFT_ENOMEM, "out of memory for the gazetteer");
					break;
				}
				memcpy(p->k[p->n].key, p->key.ptr, p->key.len + 1);
				p->k[p->n].place = i;
				p->k[p->n].scan = scan;
				p->k[p->n].article = !strncmp(w, "\xd8\xa7\xd9\x84", 4);
				p->n++;
			}
			s += l;
			if (*s == '|')
				s++;
		}
	}
	if (rc < 0) {
		dft_places_free(p);
		return rc;
	}
	if (p->n > 1)
		dft_sort(p->k, p->n, sizeof(p->k[0]), by_key);
	p->first = calloc(p->n ? p->n : 1, sizeof(*p->first));
	if (!p->first) {
		dft_places_free(p);
		return dft_error_set(DFT_ENOMEM, "out of memory for the gazetteer");
	}
	for (size_t i = 0; i < p->n; i++) {
		size_t l = strcspn(p->k[i].key, " ");
		char *w = malloc(l + 1);
		if (!w) {
			dft_places_free(p);
			return dft_error_set(DFT_ENOMEM, "out of memory for the gazetteer");
		}
		memcpy(w, p->k[i].key, l);
		w[l] = 0;
		p->first[p->nfirst++] = w;
	}
	if (p->nfirst > 1)
		dft_sort(p->first, p->nfirst, sizeof(*p->first), by_str);
	{ /* once each */
		size_t w = 0;
		for (size_t i = 0; i < p->nfirst; i++) {
			if (w && !strcmp(p->first[w - 1], p->first[i]))
				free(p->first[i]);
			else
				p->first[w++] = p->first[i];
		}
		p->nfirst = w;
	}
	*out = p;
	return 0;
}

void dft_places_free(dft_places *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->k[i].key);
	free(p->k);
	for (size_t i = 0; i < p->nfirst; i++)
		free(p->first[i]);
	free(p->first);
	dft_buf_dispose(&p->norm);
	dft_buf_dispose(&p->key);
	free(p);
}

static const place_key_rec *find_key(const dft_places *p, const char *key)
{
	size_t lo = 0, hi = p->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p->k[mid].key, key);
		if (c == 0)
			return &p->k[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const dft_place *dft_places_lookup(dft_places *p, const char *name, size_t len, int *common)
{
	const place_key_rec *k;
	if (common)
		*common = 0;
	dft_buf_reset(&p->key);
	if (dft_places_key(&p->norm, name, len, &p->key) < 0 || !p->key.len)
		return NULL;
	k = find_key(p, dft_buf_cstr(&p->key));
	/* كوت is not الكوت: an Arabic spelling with its article */
	if (k && k->article && (unsigned char)name[0] >= 0xD8 && (unsigned char)name[0] <= 0xDB &&
	    (len < 4 || memcmp(name, "\xd8\xa7\xd9\x84", 4)) &&
	    (len < 4 || memcmp(name, "\xd8\xa3\xd9\x84", 4)) && (len < 4 || memcmp(name, "\xd9\xb1\xd9\x84", 4)))
		k = NULL;
	if (k && common)
		*common = !k->scan;
	return k ? &places[k->place] : NULL;
}

const dft_place *dft_places_get(size_t i, size_t *count)
{
	if (count)
		*count = NPLACES;
	return i < NPLACES ? &places[i] : NULL;
}

/* ---- the scanner ------------------------------------------------------------ */

/* Arabic clitics a place name may carry, longest first (UTF-8). لل is ل +
 * the article without its alif (للرقة). */
static const char *const clitics[] = {"\xd9\x88\xd8\xa8", "\xd9\x88\xd9\x84", "\xd9\x81\xd8\xa8",
				      "\xd9\x84\xd9\x84", "\xd9\x88",	      "\xd9\x81",
				      "\xd8\xa8",	  "\xd9\x84",	      "\xd9\x83"};


static int is_first(const dft_places *p, const char *w, size_t n)
{
	size_t lo = 0, hi = p->nfirst;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(p->first[mid], w, n);
		if (c == 0 && p->first[mid][n] != 0)
			c = 1;
		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* dft_normalize_word without ICU for the common words: ASCII letters
 * lower-cased; Arabic letters with the analyzer's letter folding (أ إ آ ٱ
 * → ا, ى ی ئ → ي, ة → ه, ؤ → و, ک → ك) and tashkeel and tatweel dropped.
 * 0 when the word has anything else (then ICU decides). */
static int fast_norm(const char *w, size_t n, dft_buf *out)
{
	char tmp[256];
	size_t o = 0;
	if (n >= sizeof tmp)
		return 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)w[i];
		if (c < 0x80) {
			if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z'))
				return 0;
			tmp[o++] = (char)(c | 0x20);
			i++;
			continue;
		}
		if (i + 1 >= n || (c != 0xD8 && c != 0xD9 && c != 0xDA && c != 0xDB))
			return 0;
		{
			unsigned cp = ((c & 0x1Fu) << 6) | ((unsigned char)w[i + 1] & 0x3Fu);
			i += 2;
			if ((cp >= 0x064B && cp <= 0x0652) || cp == 0x0640 || cp == 0x0670)
				continue;
			if (cp == 0x0623 || cp == 0x0625 || cp == 0x0622 || cp == 0x0671)
				cp = 0x0627;
			else if (cp == 0x0649 || cp == 0x06CC || cp == 0x0626)
				cp = 0x064A;
			else if (cp == 0x0629)
				cp = 0x0647;
			else if (cp == 0x0624)
				cp = 0x0648;
			else if (cp == 0x06A9)
				cp = 0x0643;
			else if (cp < 0x0627 || cp > 0x064A)
				return 0;
			tmp[o++] = (char)(0xC0 | (cp >> 6));
			tmp[o++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	return dft_buf_add(out, tmp, o) == 0 && o > 0;
}

static int norm_word(const char *w, size_t n, dft_buf *out)
{
	dft_buf_reset(out);
	if (fast_norm(w, n, out))
		return 0;
	dft_buf_reset(out);
	return dft_normalize_word(w, n, out);
}

/* Can a key start with this word (a word of text[ws, we); nx: the next
 * word's start, 0 when none)? One normalisation a word, so the full
 * phrase keys are made only for the few words that can: the cost of the
 * scan is that of reading the words. */
static int may_start(dft_places *p, const char *t, size_t ws, size_t we, size_t nws, size_t nwe)
{
	unsigned char c0 = (unsigned char)t[ws];
	const char *w;
	size_t n;
	/* a Latin word in lower case starts nothing but an article (al-) */
	if (c0 >= 'a' && c0 <= 'z' && !is_article_ci(t + ws, we - ws))
		return 0;
	if (norm_word(t + ws, we - ws, &p->norm) < 0)
		return 1;
	/* an article (al-, Ar-, эль-): the name is the next word */
	if (is_article(p->norm.ptr, p->norm.len)) {
		if (!nwe)
			return 0;
		if (norm_word(t + nws, nwe - nws, &p->norm) < 0)
			return 1;
	}
	w = p->norm.ptr;
	n = p->norm.len;
	if (n > 3 && w[n - 1] == 'h' && (w[n - 2] == 'a' || w[n - 2] == 'e'))
		n--;
	if (is_first(p, w, n))
		return 1;
	if (c0 < 0xD8 || c0 > 0xDB)
		return 0;
	/* Arabic: the article, a clitic and the article */
	for (size_t c = 0; c <= sizeof(clitics) / sizeof(clitics[0]); c++) {
		size_t cl = c ? strlen(clitics[c - 1]) : 0;
		const char *r = w + cl;
		size_t rl = n - cl;
		if (cl && (n < cl + 6 || memcmp(w, clitics[c - 1], cl)))
			continue;
		if (rl > 6 && !memcmp(r, "\xd8\xa7\xd9\x84", 4)) {
			r += 4;
			rl -= 4;
		}
		if (is_first(p, r, rl))
			return 1;
	}
	return 0;
}

static int word_char(uint32_t c)
{
	if (c < 0x80)
		return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	if (is_apostrophe(c))
		return 1;
	if (c >= 0x00C0 && c <= 0x024F && c != 0xD7 && c != 0xF7)
		return 1;
	if (c >= 0x0400 && c <= 0x04FF)
		return 1;
	if ((c >= 0x0621 && c <= 0x065F) || (c >= 0x066E && c <= 0x06D3) || c == 0x0670)
		return 1;
	return (c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFC);
}

/* Arabic words after which a spelling that is also a common word (الطبقة
 * "the layer", الباب "the door") is read as the town: from, to, towards
 * and the nouns of place (من الطبقة، إلى الطبقة، مدينة الباب). Not في
 * ("في الطبقة الوسطى", in the middle class). */
static const char *const common_cues[] = {
	"\xd9\x85\xd9\x86", "\xd9\x88\xd9\x85\xd9\x86",                   /* من ومن */
	"\xd8\xa5\xd9\x84\xd9\x89", "\xd8\xa7\xd9\x84\xd9\x89",         /* إلى الى */
	"\xd9\x88\xd8\xa5\xd9\x84\xd9\x89", "\xd9\x88\xd8\xa7\xd9\x84\xd9\x89", /* وإلى والى */
	"\xd9\x86\xd8\xad\xd9\x88", "\xd8\xa8\xd8\xa7\xd8\xaa\xd8\xac\xd8\xa7\xd9\x87", /* نحو باتجاه */
	"\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd8\xa9", "\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd9\x87", /* مدينة */
	"\xd9\x85\xd8\xad\xd8\xa7\xd9\x81\xd8\xb8\xd8\xa9",             /* محافظة */
	"\xd8\xa8\xd9\x84\xd8\xaf\xd8\xa9", "\xd8\xb1\xd9\x8a\xd9\x81", /* بلدة ريف */
	"\xd9\x88\xd8\xa7\xd9\x84\xd9\x8a",                                 /* والي (governor) */
	NULL};

/* Is the word before `at` (same line) one of common_cues? */
static int after_common_cue(const char *text, size_t at)
{
	size_t e = at, s;
	while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '\t'))
		e--;
	s = e;
	while (s > 0 && ((unsigned char)text[s - 1] >= 0x80))
		s--;
	if (s == e || e - s > 16)
		return 0;
	for (const char *const *c = common_cues; *c; c++)
		if (strlen(*c) == e - s && !memcmp(text + s, *c, e - s))
			return 1;
	return 0;
}

int dft_places_scan(dft_places *p, const char *text, size_t len, dft_mention_fn fn, void *ctx)
{
	size_t ws[MAX_PHRASE], we[MAX_PHRASE];
	size_t i = 0;
	char extra[96];
	int rc;
	while (i < len) {
		size_t nw = 0, j = i, best_end = 0, best_start = 0;
		int lil = 0;
		const place_key_rec *best = NULL;
		int can = -1; /* can a name start here: -1 not asked yet */
		/* the words from here: up to MAX_PHRASE, joined by one space or
		 * hyphen; two first, the rest only if a name can start here */
		while (nw < MAX_PHRASE && j < len) {
			size_t at = j, st;
			uint32_t c = dft_utf8_next(text, len, &j);
			if (!word_char(c))
				break;
			st = at;
			while (j < len) {
				at = j;
				c = dft_utf8_next(text, len, &j);
				if (!word_char(c)) {
					j = at;
					break;
				}
			}
			ws[nw] = st;
			we[nw++] = j;
			if (j < len && (text[j] == ' ' || text[j] == '-') && j + 1 < len && text[j + 1] != ' ') {
				j++;
			} else {
				break;
			}
			if (nw == 2 && !(can = may_start(p, text, ws[0], we[0], ws[1], we[1])))
				break;
		}
		if (nw == 0) {
			dft_utf8_next(text, len, &i);
			continue;
		}
		if (can < 0)
			can = may_start(p, text, ws[0], we[0], nw > 1 ? ws[1] : 0, nw > 1 ? we[1] : 0);
		if (!can) {
			i = we[0];
			continue;
		}
		for (size_t k = nw; k > 0 && !best; k--) {
			const char *s = text + ws[0];
			size_t sl = we[k - 1] - ws[0];
			int arabic = (unsigned char)s[0] >= 0xD8 && (unsigned char)s[0] <= 0xDB;
			if (!arabic) {
				int cap = 0;
				/* "et Deir ez-Zor": an article starts a name only
				 * with its hyphen (al-Mayadin, Ar-Raqqah) */
				if (we[0] < len && text[we[0]] != '-' && is_article_ci(text + ws[0], we[0] - ws[0]))
					break;
				for (size_t q = 0; q < k; q++)
					if (text[ws[q]] >= 'A' && text[ws[q]] <= 'Z')
						cap = 1;
				if (!cap && (unsigned char)s[0] < 0x80)
					continue;
			}
			for (size_t c = 0; c <= (arabic ? sizeof(clitics) / sizeof(clitics[0]) : 0) && !best; c++) {
				size_t cl = c ? strlen(clitics[c - 1]) : 0;
				const place_key_rec *r;
				if (cl && (sl < cl + 6 || memcmp(s, clitics[c - 1], cl) || we[0] - ws[0] < cl + 6))
					continue;
				dft_buf_reset(&p->key);
				if ((rc = dft_places_key(&p->norm, s + cl, sl - cl, &p->key)) < 0)
					return rc;
				if (!p->key.len)
					continue;
				r = find_key(p, dft_buf_cstr(&p->key));
				/* الرقة needs its article (رقة is "tenderness", كوت
				 * of Côte d'Ivoire is not الكوت); للرقة has it */
				if (r && arabic && r->article && strncmp(s + cl, "\xd8\xa7\xd9\x84", 4) &&
				    !(cl == 4 && !memcmp(clitics[c - 1], "\xd9\x84\xd9\x84", 4)))
					r = NULL;
				if (r && (r->scan || (arabic && !cl && after_common_cue(text, ws[0])))) {
					best = r;
					best_start = ws[0] + cl;
					best_end = we[k - 1];
					/* للرقة: the value gets the article back (الرقة) */
					lil = cl == 4 && !memcmp(clitics[c - 1], "\xd9\x84\xd9\x84", 4);
				}
			}
		}
		if (best) {
			const dft_place *pl = &places[best->place];
			dft_mention m;
			size_t vl = best_end - best_start, art = lil ? 4 : 0;
			char *value = malloc(art + vl + 1);
			if (!value)
				return dft_error_set(DFT_ENOMEM, "out of memory scanning places");
			memcpy(value, "\xd8\xa7\xd9\x84", art);
			memcpy(value + art, text + best_start, vl);
			value[art + vl] = 0;
			for (char *q = value; *q; q++)
				if (*q == '\n' || *q == '\t')
					*q = ' ';
			snprintf(extra, sizeof extra, "place:%s;geo:%.4f,%.4f;%s", pl->name, pl->lat, pl->lon,
				 pl->country);
			m.type = DFT_ENT_PLACE;
			m.start = best_start;
			m.end = best_end;
			m.value = value;
			m.extra = extra;
			m.score = 0.95;
			rc = fn(ctx, &m);
			free(value);
			if (rc)
				return rc;
			i = best_end;
		} else {
			i = we[0];
		}
	}
	return 0;
}
