/*
 * dates.c - the entities stage's date scanner (include/daftar/entities.h,
 * "dates"): Gregorian dates written with digits or with English, French,
 * Levantine/Iraqi and Egyptian/Gulf Arabic month names, and Hijri dates
 * (numeric with هـ/AH, Arabic or transliterated month names), each reported
 * as a Gregorian ISO date; a Hijri date also as "hijri:YYYY-MM-DD".
 *
 * Three PCRE2 patterns (numeric; day month year; month day, year or month
 * year)
 * propose spans; the month alternation is generated at dft_dates_new() from
 * one table, each name tagged with (*MARK:G03)/(*MARK:H09) so the match says
 * which month it was. C code then checks the day against the month and the
 * year against a plausible range. Hijri ↔ Gregorian is ICU's Umm al-Qura
 * calendar (1300-1600 AH), its civil tabular calendar outside that range.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "daftar/entities.h"

#include <pcre2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ucal.h>

#define D "[0-9\\x{0660}-\\x{0669}\\x{06F0}-\\x{06F9}]"
#define SP "[ \\t\\x{00A0}\\x{202F}]"
/* year markers: Hijri هـ ه AH, Gregorian م CE AD */
#define MARKER "(?:" SP "?(هـ|ه|AH|A\\.H\\.|م|CE|AD|A\\.D\\.)(?![\\p{L}]))?"

/* ---- Hijri <-> Gregorian with ICU ----------------------------------------- */

static const UChar utc_id[] = {'U', 'T', 'C', 0};

static UCalendar *cal_open(const char *locale, UErrorCode *st)
{
	UCalendar *c = ucal_open(utc_id, -1, locale, UCAL_DEFAULT, st);
	if (c && U_SUCCESS(*st) && strstr(locale, "gregorian"))
		ucal_setGregorianChange(c, -8.64e15, st); /* proleptic */
	return c;
}

/* Set y-m-d in calendar `from`, read them in `to`. Checks the date exists
 * (no rolling over of 30 Jumada II into Rajab). */
static int cal_convert_with(UCalendar *from, UCalendar *to, int y, int m, int d, int *oy, int *om,
			    int *od)
{
	UErrorCode st = U_ZERO_ERROR;
	UDate t;
	ucal_clear(from);
	ucal_set(from, UCAL_EXTENDED_YEAR, y);
	ucal_set(from, UCAL_MONTH, m - 1);
	ucal_set(from, UCAL_DATE, d);
	t = ucal_getMillis(from, &st);
	if (U_FAILURE(st) || ucal_get(from, UCAL_EXTENDED_YEAR, &st) != y ||
	    ucal_get(from, UCAL_MONTH, &st) != m - 1 || ucal_get(from, UCAL_DATE, &st) != d)
		return dft_error_set(DFT_EINVAL, "dates: no such day %d-%02d-%02d", y, m, d);
	ucal_setMillis(to, t, &st);
	*oy = ucal_get(to, UCAL_EXTENDED_YEAR, &st);
	*om = ucal_get(to, UCAL_MONTH, &st) + 1;
	*od = ucal_get(to, UCAL_DATE, &st);
	if (U_FAILURE(st))
		return dft_error_set(DFT_ERROR, "dates: ICU: %s", u_errorName(st));
	return 0;
}

static int cal_convert(const char *from_loc, const char *to_loc, int y, int m, int d, int *oy,
		       int *om, int *od)
{
	UErrorCode st = U_ZERO_ERROR;
	UCalendar *from = NULL, *to = NULL;
	int rc;
	from = cal_open(from_loc, &st);
	to = cal_open(to_loc, &st);
	if (U_FAILURE(st))
		rc = dft_error_set(DFT_ERROR, "dates: ICU calendar %s: %s", from_loc, u_errorName(st));
	else
		rc = cal_convert_with(from, to, y, m, d, oy, om, od);
	if (from)
		ucal_close(from);
	if (to)
		ucal_close(to);
	return rc;
}

#define UMALQURA "@calendar=islamic-umalqura"
#define CIVIL "@calendar=islamic-civil"
#define GREGORIAN "@calendar=gregorian"

int dft_hijri_to_gregorian(int hy, int hm, int hd, int *gy, int *gm, int *gd)
{
	if (hm < 1 || hm > 12 || hd < 1 || hd > 30 || hy < 1 || hy > 9999)
		return dft_error_set(DFT_EINVAL, "dates: bad Hijri date %d-%d-%d", hy, hm, hd);
	return cal_convert(hy >= 1300 && hy <= 1600 ? UMALQURA : CIVIL, GREGORIAN, hy, hm, hd, gy,
			   gm, gd);
}

int dft_gregorian_to_hijri(int gy, int gm, int gd, int *hy, int *hm, int *hd)
{
	int rc;
	if (gm < 1 || gm > 12 || gd < 1 || gd > 31 || gy < 623 || gy > 9999)
		return dft_error_set(DFT_EINVAL, "dates: bad Gregorian date %d-%d-%d", gy, gm, gd);
	rc = cal_convert(GREGORIAN, UMALQURA, gy, gm, gd, hy, hm, hd);
	if (rc == 0 && (*hy < 1300 || *hy > 1600))
		rc = cal_convert(GREGORIAN, CIVIL, gy, gm, gd, hy, hm, hd);
	return rc;
}

/* ---- month names ------------------------------------------------------------ */

/* cal 'G' or 'H'; ar: Arabic text turned into a tolerant pattern (alef,
 * yeh, teh marbuta forms, tashkeel, optional article), else a regex. */
static const struct {
	char cal;
	int month;
	int ar;
	const char *name;
} months[] = {
	/* English */
	{'G', 1, 0, "January|Jan\\.?"}, {'G', 2, 0, "February|Feb\\.?"},
	{'G', 3, 0, "March|Mar\\.?"}, {'G', 4, 0, "April|Apr\\.?"}, {'G', 5, 0, "May"},
	{'G', 6, 0, "June|Jun\\.?"}, {'G', 7, 0, "July|Jul\\.?"}, {'G', 8, 0, "August|Aug\\.?"},
	{'G', 9, 0, "September|Sept\\.?|Sep\\.?"}, {'G', 10, 0, "October|Oct\\.?"},
	{'G', 11, 0, "November|Nov\\.?"}, {'G', 12, 0, "December|Dec\\.?"},
	/* French */
	{'G', 1, 0, "janvier"}, {'G', 2, 0, "f[ée]vrier"}, {'G', 3, 0, "mars"},
	{'G', 4, 0, "avril"}, {'G', 5, 0, "mai"}, {'G', 6, 0, "juin"}, {'G', 7, 0, "juillet"},
	{'G', 8, 0, "ao[ûu]t"}, {'G', 9, 0, "septembre"}, {'G', 10, 0, "octobre"},
	{'G', 11, 0, "novembre"}, {'G', 12, 0, "d[ée]cembre"},
	/* Levantine / Iraqi */
	{'G', 1, 1, "كانون الثاني"}, {'G', 2, 1, "شباط"}, {'G', 3, 1, "آذار"},
	{'G', 4, 1, "نيسان"}, {'G', 5, 1, "أيار"}, {'G', 6, 1, "حزيران"}, {'G', 7, 1, "تموز"},
	{'G', 8, 1, "آب"}, {'G', 9, 1, "أيلول"}, {'G', 10, 1, "تشرين الأول"},
	{'G', 11, 1, "تشرين الثاني"}, {'G', 12, 1, "كانون الأول"},
	/* Egyptian / Gulf */
	{'G', 1, 1, "يناير"}, {'G', 2, 1, "فبراير"}, {'G', 3, 1, "مارس"}, {'G', 4, 1, "أبريل"},
	{'G', 5, 1, "مايو"}, {'G', 6, 1, "يونيو"}, {'G', 6, 1, "يونية"}, {'G', 7, 1, "يوليو"},
	{'G', 7, 1, "يولية"}, {'G', 8, 1, "أغسطس"}, {'G', 9, 1, "سبتمبر"}, {'G', 10, 1, "أكتوبر"},
	{'G', 11, 1, "نوفمبر"}, {'G', 12, 1, "ديسمبر"},
	/* Hijri, Arabic */
	{'H', 1, 1, "محرم"}, {'H', 1, 1, "المحرم"}, {'H', 2, 1, "صفر"},
	{'H', 3, 1, "ربيع الأول"}, {'H', 4, 1, "ربيع الآخر"}, {'H', 4, 1, "ربيع الثاني"},
	{'H', 5, 1, "جمادى الأولى"}, {'H', 5, 1, "جمادى الأول"}, {'H', 6, 1, "جمادى الآخرة"},
	{'H', 6, 1, "جمادى الثانية"}, {'H', 6, 1, "جمادى الآخر"}, {'H', 6, 1, "جمادى الثاني"},
	{'H', 7, 1, "رجب"}, {'H', 8, 1, "شعبان"}, {'H', 9, 1, "رمضان"}, {'H', 10, 1, "شوال"},
	{'H', 11, 1, "ذو القعدة"}, {'H', 11, 1, "ذي القعدة"}, {'H', 12, 1, "ذو الحجة"},
	{'H', 12, 1, "ذي الحجة"},
	/* Hijri, transliterated */
	{'H', 1, 0, "Mu[hḥ]?arr?am|Moharr?am|Muharrem"},
	{'H', 2, 0, "Safar|Saphar|Sefer"},
	{'H', 3, 0, "RABI(?:ART(?:Aw{1,2}al|Avval|Oula|Ula|Oola)|" SP "+I(?![\\p{L}]))"},
	{'H', 4, 0, "RABI(?:ART(?:Th?ani|Sani|Akh[ie]r|Akhar)|" SP "+II(?![\\p{L}]))"},
	{'H', 5, 0, "JUMADA(?:ART(?:Ula|Oula|Oola|Aw{1,2}al|Awwali)|" SP "+I(?![\\p{L}]))"},
	{'H', 6, 0,
	 "JUMADA(?:ART(?:Akh[ie]ra?h?|Akhar|Ukhra|Th?aniy?a?h?|Saniy?a?h?)|" SP "+II(?![\\p{L}]))"},
	{'H', 7, 0, "Rajab|Radjab|Receb"},
	{'H', 8, 0, "Sha['’ʿ]?a?ban|Chaabane?"},
	{'H', 9, 0, "Rama[dzḍ]h?[aā]n|Ramazan"},
	{'H', 10, 0, "Shaww?[aā]l|Chaou?al|Şevval"},
	{'H', 11, 0, "DHU(?:Q|K)[aie]['’ʿ]?[ai]?d(?:ah|a)?"},
	{'H', 12, 0, "DHUH[ie]jj?(?:ah|a)?"},
};

/* Pieces of the transliterated Hijri names. */
static const struct {
	const char *key, *re;
} pieces[] = {
	{"RABI", "Rab(?:i|ee|ī|ie)['’ʿʻ]?"},
	{"JUMADA", "J[uo]m[aā]{1,2}d[aāieī]{0,2}['’]?"},
	{"ART", "(?:[-\\s]+(?:a|u|e|ul|al|el|ath|as)?[-\\s]*|[-\\s]*(?:ul|al|el)[-\\s]*)"},
	{"DHU", "(?:Dh[uoi]|Z[uoi])['’]?(?:[-\\s]*(?:a|u|e)?l)?[-\\s]*"},
};

static int add_re_piece(dft_buf *b, const char *s)
{
	int rc = 0;
	while (*s && rc == 0) {
		size_t i, hit = 0;
		for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++) {
			size_t kl = strlen(pieces[i].key);
			if (strncmp(s, pieces[i].key, kl) == 0) {
				rc = dft_buf_adds(b, pieces[i].re);
				s += kl;
				hit = 1;
				break;
			}
		}
		if (!hit)
			rc = dft_buf_addc(b, *s++);
	}
	return rc;
}


/* An Arabic name as a pattern that tolerates the usual spelling variants. */
static int add_arabic(dft_buf *b, const char *name)
{
	size_t n = strlen(name), i = 0;
	int rc = 0;
	while (i < n && rc == 0) {
		uint32_t c = dft_utf8_next(name, n, &i);
		if (c == ' ') {
			rc = dft_buf_adds(b, "\\s+");
			/* the article of a second word is often left out */
			if (rc == 0 && i + 4 <= n && strncmp(name + i, "ال", 4) == 0) {
				rc = dft_buf_adds(b, "(?:\\x{0627}\\x{0644})?");
				i += 4;
			}
			continue;
		}
		if (c == 0x627 || c == 0x623 || c == 0x625 || c == 0x622 || c == 0x671)
			rc = dft_buf_adds(b, "[\\x{0627}\\x{0623}\\x{0625}\\x{0622}\\x{0671}]");
		else if (c == 0x64A || c == 0x649 || c == 0x6CC)
			rc = dft_buf_adds(b, "[\\x{064A}\\x{0649}\\x{06CC}]");
		else if (c == 0x629 || c == 0x647)
			rc = dft_buf_adds(b, "[\\x{0629}\\x{0647}]");
		else if (c == 0x643 || c == 0x6A9)
			rc = dft_buf_adds(b, "[\\x{0643}\\x{06A9}]");
		else
			rc = dft_buf_addf(b, "\\x{%04X}", (unsigned)c);
		if (rc == 0)
			rc = dft_buf_adds(b, "[\\x{0640}\\x{064B}-\\x{0652}]*");
	}
	return rc;
}

/* (?:name1(*MARK:G01)|...)(?![\p{L}]), longest names first. */
static int add_month_alternation(dft_buf *b)
{
	size_t nm = sizeof months / sizeof months[0];
	size_t order[sizeof months / sizeof months[0]];
	int rc = dft_buf_adds(b, "(?:");
	for (size_t i = 0; i < nm; i++)
		order[i] = i;
	/* Arabic names: longest first, so that a two-word name is tried before
	 * a one-word name it starts with */
	for (size_t i = 1; i < nm; i++)
		for (size_t j = i; j > 0 && strlen(months[order[j]].name) > strlen(months[order[j - 1]].name);
		     j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (size_t k = 0; k < nm && rc == 0; k++) {
		size_t i = order[k];
		if (k)
			rc = dft_buf_addc(b, '|');
		if (rc == 0)
			rc = dft_buf_adds(b, "(?:");
		if (rc == 0)
			rc = months[i].ar ? add_arabic(b, months[i].name) : add_re_piece(b, months[i].name);
		if (rc == 0)
			rc = dft_buf_addf(b, ")(*MARK:%c%02d)", months[i].cal, months[i].month);
	}
	if (rc == 0)
		rc = dft_buf_adds(b, ")(?![\\p{L}])");
	return rc;
}

/* ---- the scanner ------------------------------------------------------------ */

/* numeric; day month year; month (day,) year */
enum { R_NUM, R_DMY, R_MY, R__COUNT };

typedef struct dcand {
	size_t start, end;
	char value[16];
	char extra[24];
	double score;
	int keep;
} dcand;

struct dft_dates {
	UCalendar *umalqura, *civil, *gregorian; /* opened once: a conversion each date */
	pcre2_code *re[R__COUNT];
	pcre2_match_data *md;
	dcand *c;
	size_t nc, capc;
};

static int build_patterns(dft_buf *out)
{
	dft_buf months_re;
	int rc;
	dft_buf_init(&months_re, 1 << 20);
	rc = add_month_alternation(&months_re);
	/* a second name for the same month: "آذار (مارس)", "آذار/مارس" */
	for (int k = 0; k < R__COUNT && rc == 0; k++) {
		const char *m = dft_buf_cstr(&months_re);
		dft_buf *b = &out[k];
		switch (k) {
		case R_NUM:
			rc = dft_buf_adds(b, "(?<![\\p{Ll}\\p{Lu}\\p{N}_/.\\-])(" D "{1,4})([/.\\-])(" D "{1,2})\\2(" D
					     "{1,4})" MARKER "(?![\\p{N}]|[/.\\-]" D ")");
			break;
		case R_DMY:
			rc = dft_buf_addf(b,
					  "(?<![\\p{Ll}\\p{Lu}\\p{N}_])(" D "{1,2})(?:er|st|nd|rd|th)?\\.?" SP
					  "*(?:of\\s+|من\\s+(?:شهر\\s+)?|شهر\\s+)?%s(?:" SP "*[/(]" SP
					  "*%s" SP "*\\)?)?,?" SP "*(" D "{3,4})" MARKER "(?![\\p{N}])",
					  m, m);
			break;
		case R_MY:
			/* "March 15, 2016" (groups 1, 2) or "March 2016" (group 3) */
			rc = dft_buf_addf(b,
					  "(?<![\\p{L}\\p{N}])%s(?:" SP "*(" D
					  "{1,2})(?:st|nd|rd|th)?,?" SP "+(" D "{4})|(?:" SP "*[/(]" SP
					  "*%s" SP "*\\)?)?,?" SP "*(" D "{4}))" MARKER "(?![\\p{N}])",
					  m, m);
			break;
		default: break;
		}
	}
	dft_buf_dispose(&months_re);
	return rc;
}

int dft_dates_new(dft_dates **out)
{
	dft_dates *d;
	dft_buf src[R__COUNT];
	int rc = 0;
	*out = NULL;
	for (int k = 0; k < R__COUNT; k++)
		dft_buf_init(&src[k], 1 << 20);
	d = dft_calloc(1, sizeof *d);
	if (!d) {
		rc = DFT_ENOMEM;
		goto done;
	}
	rc = build_patterns(src);
	if (rc != 0)
		goto done;
	for (int k = 0; k < R__COUNT; k++) {
		int err;
		PCRE2_SIZE off;
		d->re[k] = pcre2_compile((PCRE2_SPTR)dft_buf_cstr(&src[k]), src[k].len,
					 PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_CASELESS,
					 &err, &off, NULL);
		if (!d->re[k]) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof msg);
			rc = dft_error_set(DFT_ERROR, "dates: pattern %d at %zu: %s", k, (size_t)off,
					   (const char *)msg);
			goto done;
		}
		(void)pcre2_jit_compile(d->re[k], PCRE2_JIT_COMPLETE); /* slower without */
	}
	{
		UErrorCode st = U_ZERO_ERROR;
		d->umalqura = cal_open(UMALQURA, &st);
		d->civil = cal_open(CIVIL, &st);
		d->gregorian = cal_open(GREGORIAN, &st);
		if (U_FAILURE(st)) {
			rc = dft_error_set(DFT_ERROR, "dates: ICU calendars: %s", u_errorName(st));
			goto done;
		}
	}
	d->md = pcre2_match_data_create(16, NULL);
	if (!d->md) {
		rc = dft_error_set(DFT_ENOMEM, "dates: out of memory");
		goto done;
	}
	*out = d;
	d = NULL;
done:
	for (int k = 0; k < R__COUNT; k++)
		dft_buf_dispose(&src[k]);
	dft_dates_free(d);
	return rc;
}

void dft_dates_free(dft_dates *d)
{
	if (!d)
		return;
	for (int k = 0; k < R__COUNT; k++)
		pcre2_code_free(d->re[k]);
	pcre2_match_data_free(d->md);
	if (d->umalqura)
		ucal_close(d->umalqura);
	if (d->civil)
		ucal_close(d->civil);
	if (d->gregorian)
		ucal_close(d->gregorian);
	free(d->c);
	free(d);
}

/* The number written in group g (any digits), -1 when unset. */
static int group_int(const char *t, size_t len, const PCRE2_SIZE *ov, int g, int *ndigits)
{
	int v = 0, n = 0;
	if (ov[2 * g] == PCRE2_UNSET)
		return -1;
	for (size_t i = ov[2 * g]; i < ov[2 * g + 1];) {
		uint32_t c = dft_utf8_next(t, len, &i);
		int dg = c >= '0' && c <= '9'	      ? (int)(c - '0')
			 : c >= 0x660 && c <= 0x669 ? (int)(c - 0x660)
			 : c >= 0x6F0 && c <= 0x6F9 ? (int)(c - 0x6F0)
						     : -1;
		if (dg < 0)
			continue;
		if (n < 6)
			v = v * 10 + dg;
		n++;
	}
	if (ndigits)
		*ndigits = n;
	return v;
}

/* 'H' Hijri marker, 'G' Gregorian marker, 0 none. */
static char group_marker(const char *t, const PCRE2_SIZE *ov, int g)
{
	const char *m;
	if (ov[2 * g] == PCRE2_UNSET)
		return 0;
	m = t + ov[2 * g];
	if ((unsigned char)m[0] == 0xD9 && (unsigned char)m[1] == 0x85)
		return 'G'; /* م */
	if (*m == 'C' || *m == 'c' || ((*m == 'A' || *m == 'a') && (m[1] == 'D' || m[1] == 'd' || m[1] == '.') &&
					  !(m[1] == '.' && (m[2] == 'H' || m[2] == 'h'))))
		return 'G';
	return 'H';
}

static int days_in_month(int y, int m)
{
	static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

static int add_dcand(dft_dates *d, size_t s, size_t e, const char *value, const char *extra,
		     double score)
{
	dcand *c;
	if (d->nc == d->capc) {
		size_t ncap = d->capc ? d->capc * 2 : 32;
		dcand *nc = dft_realloc(d->c, ncap * sizeof *nc);
		if (!nc)
			return DFT_ENOMEM;
		d->c = nc;
		d->capc = ncap;
	}
	c = &d->c[d->nc++];
	c->start = s;
	c->end = e;
	snprintf(c->value, sizeof c->value, "%s", value);
	snprintf(c->extra, sizeof c->extra, "%s", extra ? extra : "");
	c->score = score;
	c->keep = 0;
	return 0;
}

/* Check and record one date. day 0: month and year only. named: the month
 * was written as a name (wider year range). */
static int emit_date(dft_dates *d, size_t s, size_t e, char cal, int y, int m, int day, int named,
		     double score)
{
	char val[16], extra[24];
	int gy, gm, gd;
	if (m < 1 || m > 12 || day < 0 || day > 31)
		return 0;
	if (cal == 'H') {
		int lo = named && day ? 1000 : 1300, hi = named && day ? 1600 : 1500;
		if (y < lo || y > hi)
			return 0;
		if (cal_convert_with(y >= 1300 && y <= 1600 ? d->umalqura : d->civil, d->gregorian, y, m,
				     day ? day : 1, &gy, &gm, &gd) != 0) {
			dft_error_clear();
			return 0;
		}
		if (day) {
			snprintf(val, sizeof val, "%04d-%02d-%02d", gy, gm, gd);
			snprintf(extra, sizeof extra, "hijri:%04d-%02d-%02d", y, m, day);
		} else {
			snprintf(val, sizeof val, "%04d-%02d", gy, gm);
			snprintf(extra, sizeof extra, "hijri:%04d-%02d", y, m);
		}
		return add_dcand(d, s, e, val, extra, score);
	}
	{
		int lo = named && day ? 1000 : 1900, hi = named && day ? 2200 : 2100;
		if (y < lo || y > hi)
			return 0;
	}
	if (day > days_in_month(y, m))
		return 0;
	if (day)
		snprintf(val, sizeof val, "%04d-%02d-%02d", y, m, day);
	else
		snprintf(val, sizeof val, "%04d-%02d", y, m);
	return add_dcand(d, s, e, val, NULL, score);
}

static int check_numeric(dft_dates *d, const char *t, size_t len, const PCRE2_SIZE *ov)
{
	int la, lb, lc, a, b, c, y, m, day;
	char mk = group_marker(t, ov, 5);
	char sep = t[ov[4]];
	double score = 0.85;
	a = group_int(t, len, ov, 1, &la);
	b = group_int(t, len, ov, 3, &lb);
	c = group_int(t, len, ov, 4, &lc);
	if (la == 4 && lc <= 2) {
		y = a;
		m = b;
		day = c;
		if (sep == '-')
			score = 0.9;
	} else if (lc == 4 && la <= 2) {
		y = c;
		if (mk == 'H' || b > 12) {
			if (mk == 'H' && b > 12)
				return 0;
			if (b > 12) { /* month first, written so only when day > 12 */
				if (a > 12)
					return 0;
				m = a;
				day = b;
			} else {
				day = a;
				m = b;
			}
		} else {
			day = a;
			m = b;
			if (a <= 12 && a != b)
				score = 0.7; /* could be month first */
		}
	} else {
		return 0; /* two-digit years are not read */
	}
	if (day < 1)
		return 0;
	return emit_date(d, ov[0], ov[1], mk == 'H' ? 'H' : 'G', y, m, day, 0, score);
}

/* The month of the match: the last (*MARK) passed, "G03" / "H09". */
static int match_month(pcre2_match_data *md, char *cal)
{
	const char *mark = (const char *)pcre2_get_mark(md);
	if (!mark || (mark[0] != 'G' && mark[0] != 'H'))
		return 0;
	*cal = mark[0];
	return (mark[1] - '0') * 10 + (mark[2] - '0');
}

static int check_named(dft_dates *d, int k, const char *t, size_t len, const PCRE2_SIZE *ov,
		       pcre2_match_data *md)
{
	char cal = 0, mk;
	int m = match_month(md, &cal), y, day = 0;
	if (!m)
		return 0;
	if (k == R_DMY) {
		day = group_int(t, len, ov, 1, NULL);
		y = group_int(t, len, ov, 2, NULL);
		mk = group_marker(t, ov, 3);
	} else {
		if (ov[2] != PCRE2_UNSET) { /* month day, year */
			day = group_int(t, len, ov, 1, NULL);
			y = group_int(t, len, ov, 2, NULL);
		} else {
			y = group_int(t, len, ov, 3, NULL);
		}
		mk = group_marker(t, ov, 4);
	}
	if (mk && mk != cal)
		return 0; /* a Gregorian month with هـ, or a Hijri one with م */
	if ((k == R_DMY || ov[2] != PCRE2_UNSET) && day < 1)
		return add_dcand(d, ov[0], ov[1], "", NULL, 0); /* "0 March 2016": hide its parts */
	if (!day && !mk) {
		/* "رجب 1437" alone: a name; "May 2016": a month */
		if ((cal == 'H' && (y < 1300 || y > 1500)) || (cal == 'G' && (y < 1900 || y > 2100)))
			return 0;
	}
	{
		size_t before = d->nc;
		int rc = emit_date(d, ov[0], ov[1], cal, y, m, day, 1, day ? 0.9 : 0.8);
		/* "30 جمادى الآخرة 1437" is no date; keep its month-year from being one */
		if (rc == 0 && d->nc == before && day)
			rc = add_dcand(d, ov[0], ov[1], "", NULL, 0);
		return rc;
	}
}

static int dcand_cmp(const void *a, const void *b)
{
	const dcand *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return 0;
}

int dft_dates_scan(dft_dates *d, const char *text, size_t len, dft_mention_fn fn, void *ctx)
{
	int rc = 0;
	if (!d || (!text && len))
		return dft_error_set(DFT_EINVAL, "dft_dates_scan: NULL argument");
	d->nc = 0;
	for (int k = 0; k < R__COUNT; k++) {
		PCRE2_SIZE off = 0;
		while (off < len) {
			int mr = pcre2_match(d->re[k], (PCRE2_SPTR)text, len, off, 0, d->md, NULL);
			PCRE2_SIZE *ov;
			if (mr == PCRE2_ERROR_NOMATCH)
				break;
			if (mr < 0) {
				PCRE2_UCHAR msg[256];
				pcre2_get_error_message(mr, msg, sizeof msg);
				return dft_error_set(DFT_ERROR, "dates: %s", (const char *)msg);
			}
			ov = pcre2_get_ovector_pointer(d->md);
			rc = k == R_NUM ? check_numeric(d, text, len, ov)
					: check_named(d, k, text, len, ov, d->md);
			if (rc != 0)
				return rc;
			off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		}
	}
	/* overlaps (a month-year inside a full date): the longest span wins */
	if (d->nc > 1)
		dft_sort(d->c, d->nc, sizeof *d->c, dcand_cmp);
	{
		size_t last_end = 0;
		int any = 0;
		for (size_t i = 0; i < d->nc; i++) {
			if (any && d->c[i].start < last_end)
				continue;
			d->c[i].keep = 1;
			last_end = d->c[i].end;
			any = 1;
		}
	}
	for (size_t i = 0; i < d->nc; i++) {
		dft_mention m;
		if (!d->c[i].keep || !d->c[i].value[0])
			continue; /* not kept, or a rejected date that hides its parts */
		memset(&m, 0, sizeof m);
		m.type = DFT_ENT_DATE;
		m.start = d->c[i].start;
		m.end = d->c[i].end;
		m.value = d->c[i].value;
		m.extra = d->c[i].extra[0] ? d->c[i].extra : NULL;
		m.score = d->c[i].score;
		rc = fn(ctx, &m);
		if (rc != 0)
			return rc;
	}
	return 0;
}
