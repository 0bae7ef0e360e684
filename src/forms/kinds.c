/*
 * kinds.c - what a form's field holds, and its value normalised (forms.h):
 * the kind from the label's words (Arabic and English), dates (Gregorian
 * and Hijri, day or month first as the template writes them) to ISO,
 * nationalities and countries (Arabic adjectives تونسية/مغربي, English
 * "Tunisian", country names) to ISO 3166, phone numbers written with their
 * country code to E.164, numbers to their digits. Labels and values are
 * compared folded (dft_records_fold: the analyzer's word forms).
 */
#include "daftar/forms.h"
#include "daftar/entities.h"
#include "daftar/text.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *dft_field_kind_name(int kind)
{
	static const char *const names[] = {"text", "name", "date", "phone", "country", "number"};
	return kind >= 0 && kind <= DFT_FIELD_NUMBER ? names[kind] : "text";
}

/* ---- the kind of a label ------------------------------------------------------- */

/* Folded words (or word beginnings, ending in '*') that say a label's kind;
 * the first list that matches wins, so "date of birth" is a date, "place
 * of birth" text, "phone number" a phone. */
struct kind_words {
	int kind;
	const char *words[40];
};

static const struct kind_words kind_table[] = {
	{DFT_FIELD_TEXT, {"place", "address", "مكان", "عنوان", "العنوان", "محل", "occupation", "profession",
			  "المهنه", "مهنه", "العمل", "sex", "gender", "الجنس", "status", "الحاله", "حاله", NULL}},
	{DFT_FIELD_PHONE, {"phone", "telephone", "tel", "mobile", "هاتف", "الهاتف", "جوال", "الجوال", "موبايل",
			   "الموبايل", "تلفون", "التلفون", NULL}},
	{DFT_FIELD_DATE, {"date", "dob", "born", "birth", "تاريخ", "التاريخ", "مواليد", "المواليد", "الميلاد",
			  "ميلاد", "الولاده", NULL}},
	{DFT_FIELD_COUNTRY, {"nationality", "citizenship", "country", "الجنسيه", "جنسيه", "البلد", "بلد", "الدوله",
			     "دوله", "البلاد", NULL}},
	{DFT_FIELD_NUMBER, {"number", "no", "num", "age", "count", "رقم", "الرقم", "العمر", "عمر", "عدد", "السن",
			    NULL}},
	{DFT_FIELD_NAME, {"name", "names", "surname", "alias", "father", "mother", "guarantor", "recommender",
			  "recommended", "sponsor", "host", "cashier", "kunya",
			  "الاسم", "اسم", "الكنيه", "كنيه", "اللقب", "لقب", "الاب", "الام", "المزكي", "مزكي",
			  "الكفيل", "كفيل", NULL}},
};

static int has_word(const char *folded, const char *w)
{
	size_t wl = strlen(w);
	const char *p = folded;
	while ((p = strstr(p, w)) != NULL) {
		int start = p == folded || p[-1] == ' ';
		int end = p[wl] == '\0' || p[wl] == ' ';
		if (start && end)
			return 1;
		p += wl;
	}
	return 0;
}

int dft_field_kind_of_label(const char *folded)
{
	size_t i, k;
	/* a number of something with a kind of its own stays that kind ("phone number") */
	for (i = 0; i < sizeof(kind_table) / sizeof(kind_table[0]); i++)
		for (k = 0; kind_table[i].words[k]; k++)
			if (has_word(folded, kind_table[i].words[k])) {
				/* "رقم الهاتف" / "phone number": the phone list comes first */
				return kind_table[i].kind;
			}
	return DFT_FIELD_TEXT;
}

/* ---- countries ------------------------------------------------------------------- */

struct country {
	const char *code;
	const char *ar_name, *ar_adj, *en_name, *en_adj, *en_adj2;
};

static const struct country countries[] = {
	{"TN", "تونس", "تونسي", "tunisia", "tunisian", NULL},
	{"MA", "المغرب", "مغربي", "morocco", "moroccan", NULL},
	{"DZ", "الجزائر", "جزائري", "algeria", "algerian", NULL},
	{"LY", "ليبيا", "ليبي", "libya", "libyan", NULL},
	{"EG", "مصر", "مصري", "egypt", "egyptian", NULL},
	{"SD", "السودان", "سوداني", "sudan", "sudanese", NULL},
	{"SA", "السعودية", "سعودي", "saudi arabia", "saudi", "saudi arabian"},
	{"YE", "اليمن", "يمني", "yemen", "yemeni", NULL},
	{"OM", "عمان", "عماني", "oman", "omani", NULL},
	{"AE", "الإمارات", "إماراتي", "united arab emirates", "emirati", NULL},
	{"QA", "قطر", "قطري", "qatar", "qatari", NULL},
	{"BH", "البحرين", "بحريني", "bahrain", "bahraini", NULL},
	{"KW", "الكويت", "كويتي", "kuwait", "kuwaiti", NULL},
	{"IQ", "العراق", "عراقي", "iraq", "iraqi", NULL},
	{"SY", "سوريا", "سوري", "syria", "syrian", NULL},
	{"LB", "لبنان", "لبناني", "lebanon", "lebanese", NULL},
	{"JO", "الأردن", "أردني", "jordan", "jordanian", NULL},
	{"PS", "فلسطين", "فلسطيني", "palestine", "palestinian", NULL},
	{"MR", "موريتانيا", "موريتاني", "mauritania", "mauritanian", NULL},
	{"SO", "الصومال", "صومالي", "somalia", "somali", NULL},
	{"DJ", "جيبوتي", "جيبوتي", "djibouti", "djiboutian", NULL},
	{"KM", "جزر القمر", "قمري", "comoros", "comorian", NULL},
	{"TR", "تركيا", "تركي", "turkey", "turkish", NULL},
	{"IR", "إيران", "إيراني", "iran", "iranian", NULL},
	{"AF", "أفغانستان", "أفغاني", "afghanistan", "afghan", NULL},
	{"PK", "باكستان", "باكستاني", "pakistan", "pakistani", NULL},
	{"IN", "الهند", "هندي", "india", "indian", NULL},
	{"BD", "بنغلاديش", "بنغالي", "bangladesh", "bangladeshi", NULL},
	{"ID", "إندونيسيا", "إندونيسي", "indonesia", "indonesian", NULL},
	{"MY", "ماليزيا", "ماليزي", "malaysia", "malaysian", NULL},
	{"CN", "الصين", "صيني", "china", "chinese", NULL},
	{"RU", "روسيا", "روسي", "russia", "russian", NULL},
	{"UZ", "أوزبكستان", "أوزبكي", "uzbekistan", "uzbek", NULL},
	{"TJ", "طاجيكستان", "طاجيكي", "tajikistan", "tajik", NULL},
	{"KZ", "كازاخستان", "كازاخي", "kazakhstan", "kazakh", NULL},
	{"KG", "قرغيزستان", "قرغيزي", "kyrgyzstan", "kyrgyz", NULL},
	{"TM", "تركمانستان", "تركماني", "turkmenistan", "turkmen", NULL},
	{"AZ", "أذربيجان", "أذربيجاني", "azerbaijan", "azerbaijani", NULL},
	{"GE", "جورجيا", "جورجي", "georgia", "georgian", NULL},
	{"UA", "أوكرانيا", "أوكراني", "ukraine", "ukrainian", NULL},
	{"BA", "البوسنة", "بوسني", "bosnia", "bosnian", NULL},
	{"AL", "ألبانيا", "ألباني", "albania", "albanian", NULL},
	{"XK", "كوسوفو", "كوسوفي", "kosovo", "kosovar", NULL},
	{"FR", "فرنسا", "فرنسي", "france", "french", NULL},
	{"DE", "ألمانيا", "ألماني", "germany", "german", NULL},
	{"GB", "بريطانيا", "بريطاني", "united kingdom", "british", "uk"},
	{"BE", "بلجيكا", "بلجيكي", "belgium", "belgian", NULL},
	{"NL", "هولندا", "هولندي", "netherlands", "dutch", NULL},
	{"SE", "السويد", "سويدي", "sweden", "swedish", NULL},
	{"DK", "الدنمارك", "دنماركي", "denmark", "danish", NULL},
	{"NO", "النرويج", "نرويجي", "norway", "norwegian", NULL},
	{"FI", "فنلندا", "فنلندي", "finland", "finnish", NULL},
	{"AT", "النمسا", "نمساوي", "austria", "austrian", NULL},
	{"ES", "إسبانيا", "إسباني", "spain", "spanish", NULL},
	{"IT", "إيطاليا", "إيطالي", "italy", "italian", NULL},
	{"US", "أمريكا", "أمريكي", "united states", "american", "usa"},
	{"CA", "كندا", "كندي", "canada", "canadian", NULL},
	{"AU", "أستراليا", "أسترالي", "australia", "australian", NULL},
	{"NG", "نيجيريا", "نيجيري", "nigeria", "nigerian", NULL},
	{"ML", "مالي", "مالي", "mali", "malian", NULL},
	{"SN", "السنغال", "سنغالي", "senegal", "senegalese", NULL},
	{"ET", "إثيوبيا", "إثيوبي", "ethiopia", "ethiopian", NULL},
	{"ER", "إريتريا", "إريتري", "eritrea", "eritrean", NULL},
	{"TD", "تشاد", "تشادي", "chad", "chadian", NULL},
	{"NE", "النيجر", "نيجري", "niger", "nigerien", NULL},
};

#define NCOUNTRY (sizeof(countries) / sizeof(countries[0]))

/* Folded forms, made once: [i][0] name, [1] adjective (Arabic without
 * the article), [2..4] English. */
static char *folded[NCOUNTRY][5];
static int folded_ready;

static void strip_article(dft_buf *b)
{
	/* "ال" + at least three letters (folded: ا ل) */
	if (b->len > 4 + 6 && !memcmp(b->ptr, "\xd8\xa7\xd9\x84", 4)) {
		memmove(b->ptr, b->ptr + 4, b->len - 4);
		b->len -= 4;
		b->ptr[b->len] = '\0';
	}
}

static int fold_into(const char *s, dft_buf *b, int arabic)
{
	dft_buf_reset(b);
	if (dft_records_fold(s, strlen(s), b) < 0)
		return -1;
	if (arabic)
		strip_article(b);
	return 0;
}

static pthread_once_t countries_once = PTHREAD_ONCE_INIT;

static void countries_fold(void)
{
	size_t i;
	dft_buf b;
	dft_buf_init(&b, 4096);
	for (i = 0; i < NCOUNTRY; i++) {
		const struct country *c = &countries[i];
		const char *src[5] = {c->ar_name, c->ar_adj, c->en_name, c->en_adj, c->en_adj2};
		int k;
		for (k = 0; k < 5; k++) {
			if (!src[k])
				continue;
			if (fold_into(src[k], &b, k < 2) < 0 || !(folded[i][k] = dft_strdup(dft_buf_cstr(&b)))) {
				dft_buf_dispose(&b);
				return;
			}
		}
	}
	dft_buf_dispose(&b);
	folded_ready = 1;
}

/* The folded table, made once (the workbench's threads share it). */
static int countries_ready(void)
{
	pthread_once(&countries_once, countries_fold);
	return folded_ready ? 0 : DFT_ENOMEM;
}

/* The country of one folded name or adjective (article cut already), with
 * the feminine ـية (folded يه) and plural ـيون/ـيين read as the adjective. */
static const char *country_of_folded(const char *w, int whole)
{
	char t[256];
	size_t n = strlen(w), i;
	int k, pass;
	if (n == 0 || n >= sizeof(t))
		return NULL;
	memcpy(t, w, n + 1);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < NCOUNTRY; i++)
			for (k = 0; k < 5; k++)
				if (folded[i][k] && (whole || !strchr(folded[i][k], ' ')) && !strcmp(folded[i][k], t))
					return countries[i].code;
		if (n > 4 && !memcmp(t + n - 4, "\xd9\x8a\xd9\x87", 4)) /* يه */
			t[n - 2] = '\0';
		else if (n > 6 && (!memcmp(t + n - 6, "\xd9\x8a\xd9\x88\xd9\x86", 6) || /* يون */
				   !memcmp(t + n - 6, "\xd9\x8a\xd9\x8a\xd9\x86", 6)))  /* يين */
			t[n - 4] = '\0';
		else
			break;
	}
	return NULL;
}

const char *dft_country_code(const char *value)
{
	dft_buf b, w;
	const char *hit = NULL;
	if (!value || !*value || countries_ready() < 0)
		return NULL;
	dft_buf_init(&b, 4096);
	dft_buf_init(&w, 4096);
	if (fold_into(value, &b, 1) < 0 || b.len == 0 || b.len > 200)
		goto done;
	hit = country_of_folded(b.ptr, 1);
	/* "المملكة العربية السعودية", "Republic of Tunisia", "Tunisian citizen": one word names it */
	if (!hit && memchr(b.ptr, ' ', b.len)) {
		const char *p = b.ptr;
		while (*p && !hit) {
			const char *sp = strchr(p, ' ');
			size_t n = sp ? (size_t)(sp - p) : strlen(p);
			dft_buf_reset(&w);
			if (n >= 4 && dft_buf_add(&w, p, n) == 0) {
				strip_article(&w);
				hit = country_of_folded(dft_buf_cstr(&w), 0);
			}
			p += n + (sp ? 1 : 0);
		}
	}
done:
	dft_buf_dispose(&b);
	dft_buf_dispose(&w);
	return hit;
}

/* ---- dates ------------------------------------------------------------------------ */

/* ASCII digits and the value's Arabic-Indic ones, for the numeric forms. */
static size_t ascii_digits(const char *s, char *out, size_t cap)
{
	size_t i = 0, n = strlen(s), o = 0;
	while (i < n && o + 1 < cap) {
		size_t at = i;
		uint32_t c = dft_utf8_next(s, n, &i);
		if (c >= 0x660 && c <= 0x669)
			out[o++] = (char)('0' + (c - 0x660));
		else if (c >= 0x6f0 && c <= 0x6f9)
			out[o++] = (char)('0' + (c - 0x6f0));
		else if (c < 0x80)
			out[o++] = (char)c;
		else if (c == 0x647 || c == 0x640) /* ه ـ: the Hijri marker هـ */
			out[o++] = 'H';
		else if (c == 0xA0 || c == 0x202F || (c >= 0x2000 && c <= 0x200F))
			out[o++] = ' ';
		else
			out[o++] = 'x'; /* a letter: not a number */
		(void)at;
	}
	out[o] = '\0';
	return o;
}

/* "d/m/y", "y-m-d" ... : the three numbers and whether the year comes first. */
static int numeric_date(const char *v, int *a, int *b, int *c, int *la, int *lc, int *hijri)
{
	char t[128], *p;
	int nums[3], lens[3], k = 0;
	ascii_digits(v, t, sizeof t);
	*hijri = strchr(t, 'H') != NULL || strstr(t, "AH") != NULL;
	p = t;
	while (*p && k < 3) {
		if (*p >= '0' && *p <= '9') {
			int x = 0, l = 0;
			while (*p >= '0' && *p <= '9' && l < 6)
				x = x * 10 + (*p++ - '0'), l++;
			nums[k] = x;
			lens[k++] = l;
			if (k < 3 && *p != '/' && *p != '-' && *p != '.' && *p != ' ')
				return 0;
			while (k < 3 && (*p == ' ' || *p == '/' || *p == '-' || *p == '.'))
				p++;
		} else if (k == 0 && (*p == ' ' || *p == '\t')) {
			p++;
		} else {
			return 0;
		}
	}
	if (k != 3)
		return 0;
	*a = nums[0], *b = nums[1], *c = nums[2];
	*la = lens[0], *lc = lens[2];
	return 1;
}

int dft_field_date_order(const char *value)
{
	int a, b, c, la, lc, h;
	if (!numeric_date(value, &a, &b, &c, &la, &lc, &h) || la == 4)
		return 0;
	if (a > 12 && b <= 12)
		return 'd';
	if (b > 12 && a <= 12)
		return 'm';
	return 0;
}

struct first_date {
	char iso[16];
	int found;
};

static int on_date(void *ctx, const dft_mention *m)
{
	struct first_date *f = ctx;
	if (f->found || m->type != DFT_ENT_DATE || strlen(m->value) != 10)
		return 0;
	memcpy(f->iso, m->value, 11);
	f->found = 1;
	return 0;
}

int dft_field_date(const char *value, int order, char out[16])
{
	int a, b, c, la, lc, hijri, y, m, d;
	if (numeric_date(value, &a, &b, &c, &la, &lc, &hijri)) {
		if (la == 4) {
			y = a, m = b, d = c;
		} else if (lc == 4) {
			y = c;
			if (order == 'm')
				m = a, d = b;
			else
				d = a, m = b;
		} else {
			return DFT_ENOTFOUND;
		}
		if (y < 1600 && y >= 1300)
			hijri = 1;
		if (m < 1 || m > 12 || d < 1 || d > 31)
			return DFT_ENOTFOUND;
		if (hijri) {
			int gy, gm, gd;
			if (dft_hijri_to_gregorian(y, m, d, &gy, &gm, &gd) < 0) {
				dft_error_clear();
				return DFT_ENOTFOUND;
			}
			y = gy, m = gm, d = gd;
		} else if (y < 1800 || y > 2200) {
			return DFT_ENOTFOUND;
		}
		snprintf(out, 16, "%04d-%02d-%02d", y, m, d);
		return 0;
	}
	/* month names: the entity stage's date scanner (one a thread: its match data is its own) */
	{
		static _Thread_local dft_dates *dates;
		struct first_date f;
		memset(&f, 0, sizeof(f));
		if (!dates && dft_dates_new(&dates) < 0) {
			dft_error_clear();
			return DFT_ENOTFOUND;
		}
		if (dft_dates_scan(dates, value, strlen(value), on_date, &f) < 0 || !f.found)
			return DFT_ENOTFOUND;
		memcpy(out, f.iso, 11);
		return 0;
	}
}

/* ---- numbers and phones -------------------------------------------------------------- */

int dft_field_number(const char *value, dft_buf *out)
{
	char t[256];
	size_t i, n = ascii_digits(value, t, sizeof t), digits = 0;
	if (strlen(value) > 200)
		return DFT_ENOTFOUND;
	for (i = 0; i < n; i++) {
		char c = t[i];
		if (c >= '0' && c <= '9')
			digits++;
		else if (c != ' ' && c != ',' && c != '.' && c != '-' && c != '/' && c != '#')
			return DFT_ENOTFOUND;
	}
	if (!digits)
		return DFT_ENOTFOUND;
	for (i = 0; i < n; i++)
		if ((t[i] >= '0' && t[i] <= '9') || t[i] == '/' || t[i] == '-')
			if (dft_buf_addc(out, t[i]) < 0)
				return DFT_ENOMEM;
	return 0;
}

int dft_field_phone(const char *value, dft_buf *out)
{
	char t[256];
	size_t i, n = ascii_digits(value, t, sizeof t), digits = 0, at = 0;
	int plus = 0;
	if (strlen(value) > 200)
		return DFT_ENOTFOUND;
	while (at < n && t[at] == ' ')
		at++;
	if (at < n && t[at] == '+')
		plus = 1, at++;
	else if (at + 1 < n && t[at] == '0' && t[at + 1] == '0')
		plus = 1, at += 2;
	if (!plus)
		return DFT_ENOTFOUND;
	if (dft_buf_addc(out, '+') < 0)
		return DFT_ENOMEM;
	for (i = at; i < n; i++) {
		char c = t[i];
		if (c >= '0' && c <= '9') {
			digits++;
			if (dft_buf_addc(out, c) < 0)
				return DFT_ENOMEM;
		} else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.') {
			return DFT_ENOTFOUND;
		}
	}
	return digits >= 8 && digits <= 15 ? 0 : DFT_ENOTFOUND;
}
