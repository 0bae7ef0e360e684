/*
 * test_patterns.c - the pattern scanner (src/entities/patterns.c): each kind
 * found with its normalised value and exact byte offsets, look-alikes that
 * must not be found, checksums (Luhn, IBAN mod-97, base58check, bech32,
 * EIP-55/Keccak-256), overlaps and order; and a throughput figure (printed,
 * not asserted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daftar/core.h"
#include "daftar/entities.h"

typedef struct got {
	int type;
	size_t start, end;
	char value[128];
	double score;
} got;

typedef struct found {
	got m[64];
	size_t n;
} found;

static int collect(void *ctx, const dft_mention *m)
{
	found *f = ctx;
	if (f->n < sizeof f->m / sizeof f->m[0]) {
		got *g = &f->m[f->n++];
		g->type = m->type;
		g->start = m->start;
		g->end = m->end;
		g->score = m->score;
		snprintf(g->value, sizeof g->value, "%s", m->value);
		assert_null(m->extra);
		assert_true(m->score > 0 && m->score <= 1);
	}
	return 0;
}

static void scan(dft_patterns *p, const char *text, const char *country, found *f)
{
	memset(f, 0, sizeof *f);
	assert_int_equal(dft_patterns_scan(p, text, strlen(text), country, collect, f), 0);
}

/* ---- found: kind, the exact span, the value ----------------------------- */

static const struct yes {
	const char *text, *country;
	int type;
	const char *span, *value;
} yes_cases[] = {
	{"write to Ahmad.X@Example.COM today", NULL, DFT_ENT_EMAIL, "Ahmad.X@Example.COM",
	 "ahmad.x@example.com"},
	{"بريد: info@sana.sy،", NULL, DFT_ENT_EMAIL, "info@sana.sy", "info@sana.sy"},
	{"see https://example.com/a_(b)), ok", NULL, DFT_ENT_URL, "https://example.com/a_(b)",
	 "https://example.com/a_(b)"},
	{"(www.test.org).", NULL, DFT_ENT_URL, "www.test.org", "www.test.org"},
	{"الرابط http://example.org/x، ثم", NULL, DFT_ENT_URL, "http://example.org/x",
	 "http://example.org/x"},
	{"ftp://files.example.net/a.zip?", NULL, DFT_ENT_URL, "ftp://files.example.net/a.zip",
	 "ftp://files.example.net/a.zip"},
	{"الرابطwww.qpr.co.uk/?site=des ثم", NULL, DFT_ENT_URL, "www.qpr.co.uk/?site=des",
	 "www.qpr.co.uk/?site=des"},
	{"موقع (www.secb.gov.sa)\u200e، حيث", NULL, DFT_ENT_URL, "www.secb.gov.sa", "www.secb.gov.sa"},
	{"nafezah@yahoo.comللتواصل", NULL, DFT_ENT_EMAIL, "nafezah@yahoo.com", "nafezah@yahoo.com"},
	{"للتواصلzash113@gmail.com", NULL, DFT_ENT_EMAIL, "zash113@gmail.com", "zash113@gmail.com"},
	{"visit example.com today", NULL, DFT_ENT_DOMAIN, "example.com", "example.com"},
	{"موقع SANA.SY الرسمي", NULL, DFT_ENT_DOMAIN, "SANA.SY", "sana.sy"},
	{"the pna.gov.ps site", NULL, DFT_ENT_DOMAIN, "pna.gov.ps", "pna.gov.ps"},
	/* phones */
	{"هاتف: ٠٩٤٤ ١٢٣ ٤٥٦", NULL, DFT_ENT_PHONE, "٠٩٤٤ ١٢٣ ٤٥٦", "0944123456"},
	{"هاتف: ٠٩٤٤ ١٢٣ ٤٥٦", "SY", DFT_ENT_PHONE, "٠٩٤٤ ١٢٣ ٤٥٦", "+963944123456"},
	{"call +963 944 123 456.", NULL, DFT_ENT_PHONE, "+963 944 123 456", "+963944123456"},
	{"fax 00963-11-2233445", NULL, DFT_ENT_PHONE, "00963-11-2233445", "+963112233445"},
	{"+963 (0) 11 223 3445", NULL, DFT_ENT_PHONE, "+963 (0) 11 223 3445", "+963112233445"},
	{"office (011) 223-3445", "SY", DFT_ENT_PHONE, "(011) 223-3445", "+963112233445"},
	{"جوال ۰۹۴۴۱۲۳۴۵۶", "SY", DFT_ENT_PHONE, "۰۹۴۴۱۲۳۴۵۶", "+963944123456"},
	{"call 0770 123 4567", "IQ", DFT_ENT_PHONE, "0770 123 4567", "+9647701234567"},
	{"Tel: 0532 123 45 67", "TR", DFT_ENT_PHONE, "0532 123 45 67", "+905321234567"},
	{"or +90 532 123 45 67", NULL, DFT_ENT_PHONE, "+90 532 123 45 67", "+905321234567"},
	{"+964 770 123 4567", "SY", DFT_ENT_PHONE, "+964 770 123 4567", "+9647701234567"},
	{"0944.123.456", "SY", DFT_ENT_PHONE, "0944.123.456", "+963944123456"},
	{"2016 0944123456", NULL, DFT_ENT_PHONE, "0944123456", "0944123456"},
	{"Brussels +32 2 287 6810", NULL, DFT_ENT_PHONE, "+32 2 287 6810", "+3222876810"},
	{"tél. 01.23.45.67.89", "FR", DFT_ENT_PHONE, "01.23.45.67.89", "+33123456789"},
	/* IBAN */
	{"IBAN DE89370400440532013000.", NULL, DFT_ENT_IBAN, "DE89370400440532013000",
	 "DE89370400440532013000"},
	{"GB82WEST12345698765432", NULL, DFT_ENT_IBAN, "GB82WEST12345698765432",
	 "GB82WEST12345698765432"},
	{"to DE89 3704 0044 0532 0130 00 now", NULL, DFT_ENT_IBAN, "DE89 3704 0044 0532 0130 00",
	 "DE89370400440532013000"},
	{"FR14 2004 1010 0505 0001 3M02 606", NULL, DFT_ENT_IBAN,
	 "FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"},
	{"آيبان SA0380000000608010167519", NULL, DFT_ENT_IBAN, "SA0380000000608010167519",
	 "SA0380000000608010167519"},
	/* cards */
	{"card 4111 1111 1111 1111 exp", NULL, DFT_ENT_CARD, "4111 1111 1111 1111",
	 "4111111111111111"},
	{"5555-5555-5555-4444", NULL, DFT_ENT_CARD, "5555-5555-5555-4444", "5555555555554444"},
	{"amex 3782 822463 10005", NULL, DFT_ENT_CARD, "3782 822463 10005", "378282246310005"},
	{"٤١١١١١١١١١١١١١١١", NULL, DFT_ENT_CARD, "٤١١١١١١١١١١١١١١١", "4111111111111111"},
	/* crypto */
	{"btc 1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2.", NULL, DFT_ENT_CRYPTO,
	 "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"},
	{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", NULL, DFT_ENT_CRYPTO,
	 "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"},
	{"to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", NULL, DFT_ENT_CRYPTO,
	 "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
	{"BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", NULL, DFT_ENT_CRYPTO,
	 "BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"},
	{"bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", NULL, DFT_ENT_CRYPTO,
	 "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297",
	 "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"},
	{"eth 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", NULL, DFT_ENT_CRYPTO,
	 "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
	{"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", NULL, DFT_ENT_CRYPTO,
	 "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359", "0xfb6916095ca1df60bb79ce92ce3ea74c37c5d359"},
	{"0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", NULL, DFT_ENT_CRYPTO,
	 "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb", "0xdbf03b407c01e7cd3cbea99509d93f8dddc8c6fb"},
	/* IP */
	{"host 192.168.1.1.", NULL, DFT_ENT_IP, "192.168.1.1", "192.168.1.1"},
	{"from 2001:db8::1 at", NULL, DFT_ENT_IP, "2001:db8::1", "2001:db8::1"},
	{"2001:0db8:0000:0000:0000:0000:0000:0001", NULL, DFT_ENT_IP,
	 "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
	/* coordinates */
	{"at 33.5138, 36.2765 now", NULL, DFT_ENT_COORD, "33.5138, 36.2765", "33.51380,36.27650"},
	{"33°30′50″N 36°16′35″E", NULL, DFT_ENT_COORD, "33°30′50″N 36°16′35″E", "33.51389,36.27639"},
	{"33°30'50\"N, 36°16'35\"E", NULL, DFT_ENT_COORD, "33°30'50\"N, 36°16'35\"E",
	 "33.51389,36.27639"},
	{"33.5138° S, 70.6693° W", NULL, DFT_ENT_COORD, "33.5138° S, 70.6693° W",
	 "-33.51380,-70.66930"},
	/* money */
	{"pay $1,500,000 now", NULL, DFT_ENT_MONEY, "$1,500,000", "1500000 USD"},
	{"1.5 million USD", NULL, DFT_ENT_MONEY, "1.5 million USD", "1500000 USD"},
	{"مبلغ ١٬٥٠٠٬٠٠٠ ل.س", NULL, DFT_ENT_MONEY, "١٬٥٠٠٬٠٠٠ ل.س", "1500000 SYP"},
	{"500 ألف دينار عراقي", NULL, DFT_ENT_MONEY, "500 ألف دينار عراقي", "500000 IQD"},
	{"€12,50", NULL, DFT_ENT_MONEY, "€12,50", "12.5 EUR"},
	{"EUR 1.500.000", NULL, DFT_ENT_MONEY, "EUR 1.500.000", "1500000 EUR"},
	{"US$ 2.5m", NULL, DFT_ENT_MONEY, "US$ 2.5m", "2500000 USD"},
	{"2,5 مليون ليرة سورية", NULL, DFT_ENT_MONEY, "2,5 مليون ليرة سورية", "2500000 SYP"},
	{"٣٠٠ دولار", NULL, DFT_ENT_MONEY, "٣٠٠ دولار", "300 USD"},
	{"1000 TL", NULL, DFT_ENT_MONEY, "1000 TL", "1000 TRY"},
	{"750 ريال", NULL, DFT_ENT_MONEY, "750 ريال", "750 SAR"},
	{"£3,200.50", NULL, DFT_ENT_MONEY, "£3,200.50", "3200.5 GBP"},
	{"١٢٫٥ مليون دولار", NULL, DFT_ENT_MONEY, "١٢٫٥ مليون دولار", "12500000 USD"},
	{"2500000 SYP", NULL, DFT_ENT_MONEY, "2500000 SYP", "2500000 SYP"},
	{"20,000 IQD", NULL, DFT_ENT_MONEY, "20,000 IQD", "20000 IQD"},
	{"at $ 15.575 a share", NULL, DFT_ENT_MONEY, "$ 15.575", "15.575 USD"},
	{"0.533 درهم", NULL, DFT_ENT_MONEY, "0.533 درهم", "0.533 AED"},
	/* document numbers */
	{"Ref: 2016/45-A", NULL, DFT_ENT_DOCNUM, "2016/45-A", "2016/45-A"},
	{"رقم: ١٢٣/ص", NULL, DFT_ENT_DOCNUM, "١٢٣", "123"},
	{"رقم الكتاب ٤٥٦٧", NULL, DFT_ENT_DOCNUM, "٤٥٦٧", "4567"},
	/* the whole reference, an office's letters and all (issue #19) */
	{"الرقم: 17/ز/1437 التاريخ", NULL, DFT_ENT_DOCNUM, "17/ز/1437", "17/ز/1437"},
	{"العدد: ١٠٤/ج/١٤٣٧", NULL, DFT_ENT_DOCNUM, "١٠٤/ج/١٤٣٧", "104/ج/1437"},
	{"الرقم: 77/ب م/1437", NULL, DFT_ENT_DOCNUM, "77/ب م/1437", "77/ب م/1437"},
	{"رقم 104 / ص / 2016", NULL, DFT_ENT_DOCNUM, "104 / ص / 2016", "104/ص/2016"},
	{"كتابكم رقم 45/3 وصل", NULL, DFT_ENT_DOCNUM, "45/3", "45/3"},
};

static void finds_each_kind_with_offsets(void **state)
{
	dft_patterns *p = *state;
	for (size_t i = 0; i < sizeof yes_cases / sizeof yes_cases[0]; i++) {
		const struct yes *c = &yes_cases[i];
		found f;
		size_t k, hit = 0;
		scan(p, c->text, c->country, &f);
		for (k = 0; k < f.n; k++) {
			if (f.m[k].type != c->type)
				continue;
			if (f.m[k].end - f.m[k].start == strlen(c->span) &&
			    memcmp(c->text + f.m[k].start, c->span, strlen(c->span)) == 0 &&
			    strcmp(f.m[k].value, c->value) == 0)
				hit = 1;
		}
		if (!hit) {
			print_error("case %zu: \"%s\": want %s \"%s\" = %s; got:\n", i, c->text,
				    dft_entity_type_name(c->type), c->span, c->value);
			for (k = 0; k < f.n; k++)
				print_error("  %s [%zu,%zu) \"%.*s\" = %s\n", dft_entity_type_name(f.m[k].type),
					    f.m[k].start, f.m[k].end, (int)(f.m[k].end - f.m[k].start),
					    c->text + f.m[k].start, f.m[k].value);
		}
		assert_true(hit);
	}
}

/* ---- not found: look-alikes ----------------------------------------------- */

static const struct no {
	const char *text, *country;
	int type; /* this kind must not be reported (-1: nothing at all) */
} no_cases[] = {
	/* phones that are not */
	{"on 15/03/2016 we met", "SY", DFT_ENT_PHONE},
	{"on 15.03.2016 we met", "SY", DFT_ENT_PHONE},
	{"on 15-03-2016 we met", "SY", DFT_ENT_PHONE},
	{"the years 2014-2016", "SY", DFT_ENT_PHONE},
	{"cost 1.500.000 in all", "SY", DFT_ENT_PHONE},
	{"cost 1 500 000 in all", "SY", DFT_ENT_PHONE},
	{"population 2500000", "SY", DFT_ENT_PHONE},
	{"4111 1111 1111 1111", "SY", DFT_ENT_PHONE},
	{"DE89 3704 0044 0532 0130 00", "SY", DFT_ENT_PHONE},
	{"code 12345", "SY", DFT_ENT_PHONE},
	{"call 0944", "SY", DFT_ENT_PHONE},
	{"id 09441234567890123", "SY", DFT_ENT_PHONE},
	{"+12 34", NULL, DFT_ENT_PHONE},
	{"Maccabi Tel Aviv 12 6 4 2 21 14 22", NULL, DFT_ENT_PHONE}, /* a row of scores */
	{"Schalke 04 17 7 4 6 25 26", NULL, DFT_ENT_PHONE},
	{"id 01.0421.002 and 00.2900.5512", NULL, DFT_ENT_PHONE},
	{"+963 12", NULL, DFT_ENT_PHONE},
	/* IBAN and cards with one digit changed, unknown issuers */
	{"DE89370400440532013001", NULL, DFT_ENT_IBAN},
	{"GB82WEST12345698765433", NULL, DFT_ENT_IBAN},
	{"DE88 3704 0044 0532 0130 00", NULL, DFT_ENT_IBAN},
	{"XX89370400440532013000", NULL, DFT_ENT_IBAN},
	{"4111111111111112", NULL, DFT_ENT_CARD},
	{"4111 1111 1111 1112", NULL, DFT_ENT_CARD},
	{"1234567812345670", NULL, DFT_ENT_CARD}, /* Luhn-valid, no issuer */
	{"4111 11 1111111 1111", NULL, DFT_ENT_CARD},
	/* crypto checksum failures */
	{"1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN3", NULL, DFT_ENT_CRYPTO},
	{"3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", NULL, DFT_ENT_CRYPTO},
	{"bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr", NULL, DFT_ENT_CRYPTO},
	{"bc1qAr0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", NULL, DFT_ENT_CRYPTO},
	{"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD", NULL, DFT_ENT_CRYPTO},
	{"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d35", NULL, DFT_ENT_CRYPTO},
	/* IP */
	{"300.1.1.1", NULL, DFT_ENT_IP},
	{"version 1.2.3.4", NULL, DFT_ENT_IP},
	{"10.0.0.01", NULL, DFT_ENT_IP},
	{"at 12:30:45 sharp", NULL, DFT_ENT_IP},
	{"1.2.3.4.5", NULL, DFT_ENT_IP},
	/* coordinates out of range or too vague */
	{"95.1234, 10.1234", NULL, DFT_ENT_COORD},
	{"33.5138, 190.2765", NULL, DFT_ENT_COORD},
	{"33°75′10″N 36°16′35″E", NULL, DFT_ENT_COORD},
	{"91°10′10″N 36°16′35″E", NULL, DFT_ENT_COORD},
	{"scores 1.5, 2.5", NULL, DFT_ENT_COORD},
	/* domains that are files and versions, sentences without a space */
	{"see report.pdf", NULL, DFT_ENT_DOMAIN},
	{"run setup.sh then", NULL, DFT_ENT_DOMAIN},
	{"v1.2.3 and 3.14", NULL, DFT_ENT_DOMAIN},
	{"it ended.It was", NULL, DFT_ENT_DOMAIN},
	{"main.py", NULL, DFT_ENT_DOMAIN},
	/* money and document numbers */
	{"1500 people came", NULL, DFT_ENT_MONEY},
	{"USDA 15 report", NULL, DFT_ENT_MONEY},
	{"code 0001Tl", NULL, DFT_ENT_MONEY},
	{"رقم 5", NULL, DFT_ENT_DOCNUM},
	{"No. 5", NULL, DFT_ENT_DOCNUM},
	{"no. 15 people", NULL, DFT_ENT_DOCNUM},
	{"رقم الهاتف 15", NULL, DFT_ENT_DOCNUM},
	{"صاحب الاستمارة رقم 0412", NULL, DFT_ENT_DOCNUM},
	/* nothing at all */
	{"", NULL, -1},
	{"plain words only, نص عربي فقط.", "SY", -1},
};

static void ignores_look_alikes(void **state)
{
	dft_patterns *p = *state;
	for (size_t i = 0; i < sizeof no_cases / sizeof no_cases[0]; i++) {
		const struct no *c = &no_cases[i];
		found f;
		scan(p, c->text, c->country, &f);
		for (size_t k = 0; k < f.n; k++) {
			if (c->type >= 0 && f.m[k].type != c->type)
				continue;
			print_error("case %zu: \"%s\": unexpected %s \"%.*s\" = %s\n", i, c->text,
				    dft_entity_type_name(f.m[k].type), (int)(f.m[k].end - f.m[k].start),
				    c->text + f.m[k].start, f.m[k].value);
			fail();
		}
	}
}

/* ---- checksums -------------------------------------------------------------- */

static void luhn_and_iban(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} luhn[] = {{"4111111111111111", 1}, {"4111111111111112", 0}, {"79927398713", 1},
		    {"79927398710", 0},	      {"378282246310005", 1},  {"378282246310006", 0},
		    {"5555555555554444", 1}, {"0", 0},		       {"12a4", 0}};
	static const struct {
		const char *s;
		int ok;
	} iban[] = {{"DE89370400440532013000", 1},	 {"GB82WEST12345698765432", 1},
		    {"FR1420041010050500013M02606", 1}, {"SA0380000000608010167519", 1},
		    {"GB33BUKB20201555555555", 1},	 {"DE89370400440532013001", 0},
		    {"GB82WEST12345698765433", 0},	 {"DE98370400440532013000", 0},
		    {"DE8937040044053201300", 0},	 {"DE893704004405320130000", 0},
		    {"ZZ89370400440532013000", 0},	 {"DE89 3704 0044 0532 0130 00", 0}};
	(void)state;
	for (size_t i = 0; i < sizeof luhn / sizeof luhn[0]; i++)
		assert_int_equal(dft_luhn_valid(luhn[i].s, strlen(luhn[i].s)), luhn[i].ok);
	for (size_t i = 0; i < sizeof iban / sizeof iban[0]; i++) {
		if (dft_iban_valid(iban[i].s, strlen(iban[i].s)) != iban[i].ok)
			print_error("iban %s\n", iban[i].s);
		assert_int_equal(dft_iban_valid(iban[i].s, strlen(iban[i].s)), iban[i].ok);
	}
}

static void keccak_vectors(void **state)
{
	unsigned char h[32];
	char hex[65];
	(void)state;
	dft_keccak256("", 0, h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	assert_string_equal(hex, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	dft_keccak256("abc", 3, h);
	for (int i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	assert_string_equal(hex, "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
}

/* ---- overlaps and order ----------------------------------------------------- */

static void overlaps_and_order(void **state)
{
	dft_patterns *p = *state;
	found f;
	const char *t;
	/* e-mail over domain, URL over domain, IBAN over phone/card, card over phone */
	scan(p, "ahmad@example.com", NULL, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.m[0].type, DFT_ENT_EMAIL);
	scan(p, "https://www.example.com/x", NULL, &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.m[0].type, DFT_ENT_URL);
	scan(p, "DE89 3704 0044 0532 0130 00", "DE", &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.m[0].type, DFT_ENT_IBAN);
	scan(p, "Tel: 4111 1111 1111 1111", "SY", &f);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.m[0].type, DFT_ENT_CARD);
	/* text order, each once */
	t = "b@x.com then 0944 123 456 then $5 and 10.1.2.3 then www.a.org";
	scan(p, t, "SY", &f);
	assert_int_equal(f.n, 5);
	assert_int_equal(f.m[0].type, DFT_ENT_EMAIL);
	assert_int_equal(f.m[1].type, DFT_ENT_PHONE);
	assert_int_equal(f.m[2].type, DFT_ENT_MONEY);
	assert_int_equal(f.m[3].type, DFT_ENT_IP);
	assert_int_equal(f.m[4].type, DFT_ENT_URL);
	for (size_t k = 1; k < f.n; k++)
		assert_true(f.m[k].start >= f.m[k - 1].end);
	/* two IBANs side by side: the second is not eaten by the first */
	scan(p, "FR1420041010050500013M02606 SA0380000000608010167519", NULL, &f);
	assert_int_equal(f.n, 2);
	assert_string_equal(f.m[1].value, "SA0380000000608010167519");
	/* invalid UTF-8 around a mention is no error */
	t = "\xff\xfe 0944 123 456 \xc3";
	scan(p, t, "SY", &f);
	assert_int_equal(f.n, 1);
	assert_string_equal(f.m[0].value, "+963944123456");
}

/* a fresh scanner on nothing, and on text with nothing in it */
static void empty_inputs(void **state)
{
	dft_patterns *p = NULL;
	found f;
	(void)state;
	assert_int_equal(dft_patterns_new(&p), 0);
	memset(&f, 0, sizeof f);
	assert_int_equal(dft_patterns_scan(p, NULL, 0, NULL, collect, &f), 0);
	assert_int_equal(dft_patterns_scan(p, "no mentions", 11, "SY", collect, &f), 0);
	assert_int_equal(f.n, 0);
	assert_int_not_equal(dft_patterns_scan(NULL, "x", 1, NULL, collect, &f), 0);
	dft_patterns_free(p);
	dft_patterns_free(NULL);
}

static int stop_at_first(void *ctx, const dft_mention *m)
{
	(void)m;
	(*(int *)ctx)++;
	return 7;
}

static void callback_stops_scan(void **state)
{
	dft_patterns *p = *state;
	int calls = 0;
	const char *t = "a@b.com and c@d.com";
	assert_int_equal(dft_patterns_scan(p, t, strlen(t), NULL, stop_at_first, &calls), 7);
	assert_int_equal(calls, 1);
}

/* ---- throughput (printed, not asserted) ------------------------------------ */

static int count_cb(void *ctx, const dft_mention *m)
{
	(void)m;
	(*(size_t *)ctx)++;
	return 0;
}

static void throughput(void **state)
{
	static const char *const para[] = {
		"The meeting on 15/03/2016 in Damascus was confirmed by Ahmad (ahmad@example.com, "
		"+963 944 123 456). Transfer of $1,500,000 to DE89 3704 0044 0532 0130 00 was noted. ",
		"وصل المبلغ ٢٥٠٠٠٠٠ ل.س إلى السيد محمد في ١٥ آذار ٢٠١٦، هاتف ٠٩٤٤ ١٢٣ ٤٥٦، "
		"والموقع 33.5138, 36.2765 حسب التقرير رقم: ١٢٣/ص المرسل من www.example.org. ",
		"Plain narrative text follows here with many ordinary words and a few numbers such as "
		"2016, 45 and 3.14, none of which should be reported by the pattern scanner at all. ",
		"ويتابع النص العربي العادي هنا بكلمات كثيرة دون أرقام أو عناوين، كما في أي تقرير "
		"إداري طويل يتحدث عن الاجتماعات والقرارات والمراسلات بين الدوائر المختلفة. "};
	dft_patterns *p = *state;
	dft_buf b;
	size_t n = 0, i = 0;
	double t0, dt;
	dft_buf_init(&b, 8u << 20);
	while (b.len < (4u << 20))
		assert_int_equal(dft_buf_adds(&b, para[i++ % 4]), 0);
	t0 = dft_now();
	assert_int_equal(dft_patterns_scan(p, b.ptr, b.len, "SY", count_cb, &n), 0);
	dt = dft_now() - t0;
	print_message("patterns throughput: %.1f MB in %.3f s = %.1f MB/s, %zu mentions\n",
		      (double)b.len / 1e6, dt, (double)b.len / 1e6 / (dt > 0 ? dt : 1e-9), n);
	assert_true(n > 1000);
	dft_buf_dispose(&b);
}

static int setup(void **state)
{
	dft_patterns *p = NULL;
	if (dft_patterns_new(&p) != 0) {
		print_error("%s\n", dft_error_msg());
		return -1;
	}
	*state = p;
	return 0;
}

static int teardown(void **state)
{
	dft_patterns_free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_each_kind_with_offsets),
		cmocka_unit_test(ignores_look_alikes),
		cmocka_unit_test(luhn_and_iban),
		cmocka_unit_test(keccak_vectors),
		cmocka_unit_test(overlaps_and_order),
		cmocka_unit_test(callback_stops_scan),
		cmocka_unit_test(empty_inputs),
		cmocka_unit_test(throughput),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
