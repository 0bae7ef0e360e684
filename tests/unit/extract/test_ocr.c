/*
 * test_ocr.c - the image extractor (dft_extract_image) and the OCR module:
 * character accuracy of OCR on pages rendered at 300 dpi from known
 * English and Arabic text (rendered at test time with MuPDF, see
 * mupdf_fixtures.h), word boxes that point at the emitted text, a
 * two-page TIFF, EXIF (date, camera, GPS) from a JPEG built here and
 * from real photos, hostile EXIF bytes, refused huge dimensions, and the
 * image formats of the shared corpora.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <leptonica/allheaders.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "mupdf_fixtures.h"
#include "../helpers.h"
#include "../../../src/extract/ocr.h"

static void print_figure(const char *what, double v) { printf("FIGURE %s: %.2f%%\n", what, v * 100); }

static int setup(void **state)
{
	(void)state;
	return dft_ocr_init() == 0 ? 0 : -1;
}

/* A page of html rendered at 300 dpi as PNG. */
static fz_buffer *page_png(const char *html, const char *css)
{
	fz_buffer *pdf = fx_story_pdf(html, css, NULL), *png = fx_render_png(pdf, 0, 300);
	fz_drop_buffer(fx_ctx(), pdf);
	return png;
}

/* Every word box's [start, end) is a non-empty run of text without spaces. */
static int check_words(const char *json, const char *text, int *nwords)
{
	const char *p = json;
	size_t tlen = strlen(text);
	*nwords = 0;
	if (*p++ != '[')
		return -1;
	while (*p == '[') {
		int page, x0, y0, x1, y1, conf, n = 0;
		long start, end, i;
		if (sscanf(p, "[%d,%d,%d,%d,%d,%ld,%ld,%d]%n", &page, &x0, &y0, &x1, &y1, &start, &end, &conf, &n) != 8 || !n)
			return -1;
		if (start < 0 || end <= start || (size_t)end > tlen || x1 <= x0 || y1 <= y0 || conf < 0 || conf > 100)
			return -1;
		for (i = start; i < end; i++)
			if (text[i] == ' ' || text[i] == '\n' || text[i] == '\f')
				return -1;
		(*nwords)++;
		p += n;
		if (*p == ',')
			p++;
	}
	return *p == ']' ? 0 : -1;
}

static void test_english_page(void **state)
{
	dft_sink_mem m;
	dft_buf tmp;
	fz_buffer *png = page_png("<p>" FX_ENGLISH "</p>", "p{font-size:11pt}");
	double acc, t0 = dft_now();
	int nwords = 0;
	(void)state;
	assert_int_equal(fx_run(dft_extract_image, png->data, png->len, "image/png", &m), 0);
	printf("OCR of one English page: %.2f s\n", dft_now() - t0);
	dft_buf_init(&tmp, 0);
	assert_string_equal(dft_sink_mem_meta(&m, "width", &tmp), "2480");
	/* an English page is read by the English model alone */
	assert_string_equal(dft_sink_mem_meta(&m, "ocr", &tmp), "tesseract eng");
	acc = fx_char_accuracy(FX_ENGLISH, dft_buf_cstr(&m.text));
	print_figure("OCR character accuracy, English, 300 dpi", acc);
	assert_true(acc >= 0.95);
	assert_int_equal(check_words(dft_sink_mem_meta(&m, "ocr_words", &tmp), dft_buf_cstr(&m.text), &nwords), 0);
	assert_true(nwords > 150);
	dft_buf_dispose(&tmp);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), png);
}

/* Arabic, with the lam-alef ligatures a PDF could not round-trip. */
#define ARABIC_MORE "وقال المسؤول إن الإدارة لا تعلم شيئا عن العلاقات بين الأطراف خلال الأشهر الماضية."

static void test_arabic_page(void **state)
{
	dft_sink_mem m;
	dft_buf tmp;
	fz_buffer *png = page_png("<p dir='rtl' lang='ar'>" FX_ARABIC " " ARABIC_MORE "</p>", "p{font-size:14pt}");
	double acc, t0 = dft_now();
	int nwords = 0;
	(void)state;
	assert_int_equal(fx_run(dft_extract_image, png->data, png->len, "image/png", &m), 0);
	printf("OCR of one Arabic page: %.2f s\n", dft_now() - t0);
	acc = fx_char_accuracy(FX_ARABIC " " ARABIC_MORE, dft_buf_cstr(&m.text));
	print_figure("OCR character accuracy, Arabic, 300 dpi", acc);
	assert_true(acc >= 0.90);
	/* logical order: the first word of the letter first */
	assert_non_null(strstr(dft_buf_cstr(&m.text), "أرسلت"));
	assert_true(strstr(dft_buf_cstr(&m.text), "أرسلت") < strstr(dft_buf_cstr(&m.text), "حلب"));
	dft_buf_init(&tmp, 0);
	/* by the Arabic model alone, not ara+eng */
	assert_string_equal(dft_sink_mem_meta(&m, "ocr", &tmp), "tesseract ara");
	assert_int_equal(check_words(dft_sink_mem_meta(&m, "ocr_words", &tmp), dft_buf_cstr(&m.text), &nwords), 0);
	assert_true(nwords > 50);
	dft_buf_dispose(&tmp);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), png);
}

static PIX *png_pix(fz_buffer *png) { return pixReadMem(png->data, png->len); }

/* A page in two columns is read column by column, not line by line
 * across the gutter; a single column of the same text is read as one
 * block. The columns are two renders of narrow text put side by side. */
static void test_two_columns(void **state)
{
	static const char left[] =
		"The northern office kept the accounts of every depot in the province and sent them each month to "
		"the treasury with a letter signed by its director. Fuel, flour and cement were counted in the "
		"spring and again in the autumn, and the two counts rarely agreed. A clerk who found a difference "
		"wrote it in the margin of the ledger and the director initialled it.";
	static const char right[] =
		"Travellers who crossed the river were asked for their papers at three checkpoints and their names "
		"were written in a register kept at the bridge. Drivers of lorries paid a fee for each crossing and "
		"were given a receipt with a number. The receipts were collected every week and carried to the "
		"office in a sealed bag by a guard.";
	char html[1024];
	fz_buffer *a, *b;
	PIX *pa, *pb, *page, *ca, *cb;
	BOX *col = boxCreate(150, 150, 1100, 1500);
	dft_sink_mem m;
	l_uint8 *data = NULL;
	size_t n = 0;
	const char *text, *l_first, *l_last, *r_first;
	(void)state;
	snprintf(html, sizeof(html), "<p>%s</p>", left);
	a = page_png(html, "p{font-size:12pt;margin-right:250pt}");
	snprintf(html, sizeof(html), "<p>%s</p>", right);
	b = page_png(html, "p{font-size:12pt;margin-right:250pt}");
	pa = png_pix(a);
	pb = png_pix(b);
	assert_non_null(pa);
	assert_non_null(pb);
	/* the text of each: 50 pt margin (208 px at 300 dpi), 245 pt wide */
	ca = pixClipRectangle(pa, col, NULL);
	cb = pixClipRectangle(pb, col, NULL);
	page = pixCreate(2480, 1800, 8);
	pixSetAll(page);
	pixRasterop(page, 100, 150, 1100, 1500, PIX_SRC, ca, 0, 0);
	pixRasterop(page, 1300, 150, 1100, 1500, PIX_SRC, cb, 0, 0);
	pixSetResolution(page, 300, 300);
	assert_int_equal(pixWriteMem(&data, &n, page, IFF_PNG), 0);
	assert_int_equal(fx_run(dft_extract_image, data, n, "image/png", &m), 0);
	text = dft_buf_cstr(&m.text);
	l_first = strstr(text, "northern");
	l_last = strstr(text, "director");
	r_first = strstr(text, "Travellers");
	assert_true(l_first && l_last && r_first);
	/* the left column whole, then the right one */
	assert_true(l_first < l_last && l_last < r_first);
	{
		char both[sizeof(left) + sizeof(right)];
		snprintf(both, sizeof(both), "%s %s", left, right);
		assert_true(fx_char_accuracy(both, text) > 0.95);
	}
	free(data);
	boxDestroy(&col);
	pixDestroy(&pa);
	pixDestroy(&pb);
	pixDestroy(&ca);
	pixDestroy(&cb);
	pixDestroy(&page);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), a);
	fz_drop_buffer(fx_ctx(), b);
}

/* Latin words inside an Arabic line keep their reading order (the Arabic
 * model gives a run of them right to left). */
static void test_latin_in_arabic(void **state)
{
	dft_sink_mem m;
	fz_buffer *png = page_png("<p dir='rtl' lang='ar'>السلاح المستلم: سيارة Toyota Hilux بيضاء</p>"
				  "<p dir='rtl' lang='ar'>ملاحظات: استلم سيارة Land Cruiser قديمة</p>",
				  "p{font-size:16pt}");
	(void)state;
	assert_int_equal(fx_run(dft_extract_image, png->data, png->len, "image/png", &m), 0);
	assert_non_null(strstr(dft_buf_cstr(&m.text), "Toyota Hilux"));
	assert_non_null(strstr(dft_buf_cstr(&m.text), "Land Cruiser"));
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), png);
}

static void test_multipage_tiff(void **state)
{
	fz_buffer *a = page_png("<p>First page says hello from the ministry.</p>", "p{font-size:20pt}");
	fz_buffer *b = page_png("<p>Second page lists the transfers.</p>", "p{font-size:20pt}");
	PIXA *pixa = pixaCreate(2);
	l_uint8 *data = NULL;
	size_t size = 0;
	dft_sink_mem m;
	dft_buf tmp;
	const char *text, *ff;
	(void)state;
	pixaAddPix(pixa, png_pix(a), L_INSERT);
	pixaAddPix(pixa, png_pix(b), L_INSERT);
	assert_int_equal(pixaWriteMemMultipageTiff(&data, &size, pixa), 0);
	assert_int_equal(fx_run(dft_extract_image, data, size, "image/tiff", &m), 0);
	dft_buf_init(&tmp, 0);
	assert_string_equal(dft_sink_mem_meta(&m, "pages", &tmp), "2");
	text = dft_buf_cstr(&m.text);
	ff = strchr(text, '\f');
	assert_non_null(ff);
	assert_true(strstr(text, "First page says hello") < ff);
	assert_true(strstr(text, "Second page lists the transfers") > ff);
	assert_non_null(strstr(dft_sink_mem_meta(&m, "ocr_words", &tmp), "[2,"));
	dft_buf_dispose(&tmp);
	dft_sink_mem_dispose(&m);
	pixaDestroy(&pixa);
	free(data);
	fz_drop_buffer(fx_ctx(), a);
	fz_drop_buffer(fx_ctx(), b);
}

/* ---- EXIF ------------------------------------------------------------------ */

typedef struct tiffw {
	unsigned char b[1024];
	size_t n;
} tiffw;

static void put16(tiffw *t, size_t at, unsigned v) { t->b[at] = v & 255, t->b[at + 1] = (v >> 8) & 255; }
static void put32(tiffw *t, size_t at, uint32_t v)
{
	put16(t, at, v & 0xFFFF);
	put16(t, at + 2, v >> 16);
}

/* A little-endian TIFF structure: IFD0 (Make, Model, Exif and GPS
 * pointers), the Exif IFD (DateTimeOriginal) and the GPS IFD
 * (33 deg 30' 45" N, 36 deg 17' 24" E: Damascus). */
static size_t make_exif_tiff(unsigned char *out)
{
	tiffw t;
	size_t ifd0 = 8, exif, gps, data;
	uint32_t lat[6] = {33, 1, 30, 1, 45, 1}, lon[6] = {36, 1, 17, 1, 2400, 100};
	int i;
	memset(&t, 0, sizeof(t));
	memcpy(t.b, "II*\0", 4);
	put32(&t, 4, (uint32_t)ifd0);
	exif = ifd0 + 2 + 4 * 12 + 4;
	gps = exif + 2 + 1 * 12 + 4;
	data = gps + 2 + 4 * 12 + 4;
	/* IFD0 */
	put16(&t, ifd0, 4);
	put16(&t, ifd0 + 2, 0x010F), put16(&t, ifd0 + 4, 2), put32(&t, ifd0 + 6, 6), put32(&t, ifd0 + 10, (uint32_t)data);
	memcpy(t.b + data, "Canon\0", 6);
	put16(&t, ifd0 + 14, 0x0110), put16(&t, ifd0 + 16, 2), put32(&t, ifd0 + 18, 13), put32(&t, ifd0 + 22, (uint32_t)data + 8);
	memcpy(t.b + data + 8, "EOS 5D Mk II\0", 13);
	put16(&t, ifd0 + 26, 0x8769), put16(&t, ifd0 + 28, 4), put32(&t, ifd0 + 30, 1), put32(&t, ifd0 + 34, (uint32_t)exif);
	put16(&t, ifd0 + 38, 0x8825), put16(&t, ifd0 + 40, 4), put32(&t, ifd0 + 42, 1), put32(&t, ifd0 + 46, (uint32_t)gps);
	/* Exif IFD */
	put16(&t, exif, 1);
	put16(&t, exif + 2, 0x9003), put16(&t, exif + 4, 2), put32(&t, exif + 6, 20), put32(&t, exif + 10, (uint32_t)data + 24);
	memcpy(t.b + data + 24, "2019:07:14 09:41:05\0", 20);
	/* GPS IFD */
	put16(&t, gps, 4);
	put16(&t, gps + 2, 1), put16(&t, gps + 4, 2), put32(&t, gps + 6, 2), memcpy(t.b + gps + 10, "N\0", 2);
	put16(&t, gps + 14, 2), put16(&t, gps + 16, 5), put32(&t, gps + 18, 3), put32(&t, gps + 22, (uint32_t)data + 48);
	put16(&t, gps + 26, 3), put16(&t, gps + 28, 2), put32(&t, gps + 30, 2), memcpy(t.b + gps + 34, "E\0", 2);
	put16(&t, gps + 38, 4), put16(&t, gps + 40, 5), put32(&t, gps + 42, 3), put32(&t, gps + 46, (uint32_t)data + 72);
	for (i = 0; i < 6; i++) {
		put32(&t, data + 48 + 4 * (size_t)i, lat[i]);
		put32(&t, data + 72 + 4 * (size_t)i, lon[i]);
	}
	memcpy(out, t.b, data + 96);
	return data + 96;
}

/* A small JPEG with an APP1 Exif segment holding tiff[0..n). */
static unsigned char *jpeg_with_exif(const unsigned char *tiff, size_t n, size_t *len)
{
	PIX *pix = pixCreate(64, 48, 8);
	l_uint8 *jpg = NULL;
	size_t jn = 0;
	unsigned char *out;
	pixSetAllArbitrary(pix, 200);
	assert_int_equal(pixWriteMemJpeg(&jpg, &jn, pix, 75, 0), 0);
	pixDestroy(&pix);
	out = malloc(jn + n + 10);
	out[0] = 0xFF, out[1] = 0xD8, out[2] = 0xFF, out[3] = 0xE1;
	out[4] = (unsigned char)((n + 8) >> 8), out[5] = (unsigned char)((n + 8) & 255);
	memcpy(out + 6, "Exif\0\0", 6);
	memcpy(out + 12, tiff, n);
	memcpy(out + 12 + n, jpg + 2, jn - 2);
	*len = 12 + n + jn - 2;
	free(jpg);
	return out;
}

static void test_exif(void **state)
{
	unsigned char tiff[1024];
	size_t n = make_exif_tiff(tiff), len, i;
	unsigned char *jpg = jpeg_with_exif(tiff, n, &len);
	dft_sink_mem m;
	dft_buf tmp;
	(void)state;
	assert_int_equal(fx_run(dft_extract_image, jpg, len, "image/jpeg", &m), 0);
	dft_buf_init(&tmp, 0);
	assert_string_equal(dft_sink_mem_meta(&m, "width", &tmp), "64");
	assert_string_equal(dft_sink_mem_meta(&m, "height", &tmp), "48");
	assert_string_equal(dft_sink_mem_meta(&m, "created", &tmp), "2019-07-14T09:41:05");
	assert_string_equal(dft_sink_mem_meta(&m, "camera_make", &tmp), "Canon");
	assert_string_equal(dft_sink_mem_meta(&m, "camera_model", &tmp), "EOS 5D Mk II");
	assert_string_equal(dft_sink_mem_meta(&m, "latitude", &tmp), "33.512500");
	assert_string_equal(dft_sink_mem_meta(&m, "longitude", &tmp), "36.290000");
	dft_sink_mem_dispose(&m);
	free(jpg);

	/* hostile EXIF: every byte of the TIFF structure set to 0xFF in turn,
	 * and the structure cut at every length: never a crash, never a read
	 * outside (run under ASan) */
	for (i = 0; i < n; i++) {
		unsigned char bad[1024];
		memcpy(bad, tiff, n);
		bad[i] = 0xFF;
		jpg = jpeg_with_exif(bad, i % 2 ? n : i, &len);
		(void)fx_run(dft_extract_image, jpg, len, "image/jpeg", &m);
		dft_sink_mem_dispose(&m);
		free(jpg);
	}
	dft_buf_dispose(&tmp);
}

/* ---- limits and real images ---------------------------------------------------- */

static void test_too_large(void **state)
{
	/* a PNG header claiming 30000 x 30000 pixels, with a valid CRC */
	unsigned char png[64] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R',
				 0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30, 8, 2, 0, 0, 0};
	uLong crc = crc32(0, png + 12, 17);
	dft_sink_mem m;
	(void)state;
	png[29] = (unsigned char)(crc >> 24), png[30] = (unsigned char)(crc >> 16);
	png[31] = (unsigned char)(crc >> 8), png[32] = (unsigned char)crc;
	memcpy(png + 33, "\0\0\0\0IEND\xAE\x42\x60\x82", 12);
	assert_int_equal(fx_run(dft_extract_image, png, 45, "image/png", &m), DFT_ELIMIT);
	assert_string_equal(dft_error_msg(), "image too large: 30000 x 30000");
	dft_sink_mem_dispose(&m);
	/* not an image at all */
	assert_true(fx_run(dft_extract_image, "hello", 5, "image/png", &m) < 0);
	dft_sink_mem_dispose(&m);
}

static void test_real_images(void **state)
{
	static const char *files[] = {"testPNG.png", "testJPEG.jpg", "testGIF.gif", "testBMP.bmp",
				      "testWEBP.webp", "testTIFF.tif", "testWebp_Alpha_Lossy.webp"};
	dft_sink_mem m;
	dft_buf b, tmp;
	size_t i;
	(void)state;
	if (test_read_corpus("tika-test-documents/testJPEG_GEO.jpg", &b) < 0)
		skip();
	dft_buf_init(&tmp, 0);
	assert_int_equal(fx_run(dft_extract_image, b.ptr, b.len, "image/jpeg", &m), 0);
	assert_string_equal(dft_sink_mem_meta(&m, "latitude", &tmp), "12.543210");
	assert_string_equal(dft_sink_mem_meta(&m, "longitude", &tmp), "-54.123400");
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	assert_int_equal(test_read_corpus("tika-test-documents/testJPEG_EXIF.jpg", &b), 0);
	assert_int_equal(fx_run(dft_extract_image, b.ptr, b.len, "image/jpeg", &m), 0);
	assert_string_equal(dft_sink_mem_meta(&m, "created", &tmp), "2009-08-11T09:09:45");
	assert_string_equal(dft_sink_mem_meta(&m, "camera_make", &tmp), "Canon");
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	assert_int_equal(test_read_corpus("tika-test-documents/testOCR.png", &b), 0);
	assert_int_equal(fx_run(dft_extract_image, b.ptr, b.len, "image/png", &m), 0);
	assert_non_null(strstr(dft_buf_cstr(&m.text), "This file contains some words."));
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	assert_int_equal(test_read_corpus("tika-test-documents/testTIFF_multipage.tif", &b), 0);
	assert_int_equal(fx_run(dft_extract_image, b.ptr, b.len, "image/tiff", &m), 0);
	assert_string_equal(dft_sink_mem_meta(&m, "pages", &tmp), "2");
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char rel[300];
		snprintf(rel, sizeof(rel), "tika-test-documents/%s", files[i]);
		assert_int_equal(test_read_corpus(rel, &b), 0);
		if (fx_run(dft_extract_image, b.ptr, b.len, "image/x", &m) != 0)
			fail_msg("%s: %s", files[i], dft_error_msg());
		assert_non_null(dft_sink_mem_meta(&m, "width", &tmp));
		dft_sink_mem_dispose(&m);
		dft_buf_dispose(&b);
	}
	dft_buf_dispose(&tmp);
}

/* ---- what phones, scanners and fax machines make -------------------------------- */

#define PHONE_TEXT "<p>The transfer of the salaries was approved by the northern office.</p>"

/* The words every reading of PHONE_TEXT must find. */
static void assert_phone_text(dft_sink_mem *m, const char *what)
{
	const char *t = dft_buf_cstr(&m->text);
	if (!strstr(t, "salaries") || !strstr(t, "northern office"))
		fail_msg("%s: OCR gave \"%s\"", what, t);
}

/* A JPEG whose pixels are stored turned a quarter counter-clockwise, with
 * EXIF orientation 6 (show it turned a quarter clockwise): a phone photo
 * taken with the phone held sideways. */
static void test_exif_orientation(void **state)
{
	static const unsigned char app1[] = {
		0xFF, 0xE1, 0x00, 0x22, 'E', 'x', 'i', 'f', 0, 0,      /* APP1, length 34 */
		'I', 'I', 42, 0, 8, 0, 0, 0,                            /* TIFF header, IFD0 at 8 */
		1, 0,                                                   /* one entry */
		0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,               /* Orientation SHORT 1 = 6 */
		0, 0, 0, 0};                                            /* no next IFD */
	fz_buffer *png = page_png(PHONE_TEXT, "p{font-size:16pt}");
	PIX *pix = png_pix(png), *stored = pixRotateOrth(pix, 3);
	l_uint8 *jpg = NULL;
	size_t n = 0;
	dft_buf b, tmp;
	dft_sink_mem m;
	(void)state;
	assert_int_equal(pixWriteMemJpeg(&jpg, &n, stored, 90, 0), 0);
	dft_buf_init(&b, 0);
	dft_buf_init(&tmp, 0);
	assert_int_equal(dft_buf_add(&b, jpg, 2), 0); /* SOI */
	assert_int_equal(dft_buf_add(&b, app1, sizeof(app1)), 0);
	assert_int_equal(dft_buf_add(&b, jpg + 2, n - 2), 0);
	assert_int_equal(fx_run(dft_extract_image, b.ptr, b.len, "image/jpeg", &m), 0);
	assert_string_equal(dft_sink_mem_meta(&m, "exif_orientation", &tmp), "6");
	assert_phone_text(&m, "JPEG with EXIF orientation 6");
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);
	dft_buf_dispose(&tmp);
	free(jpg);
	pixDestroy(&stored);
	pixDestroy(&pix);
	fz_drop_buffer(fx_ctx(), png);
}

/* 16-bit grey PNG, a G4 fax TIFF, and a HEIC photo (made by libheif's
 * heif-enc from a JPEG of the page). */
static void test_phone_and_fax_formats(void **state)
{
	fz_buffer *png = page_png(PHONE_TEXT, "p{font-size:16pt}");
	PIX *pix = png_pix(png), *gray = pixConvertTo8(pix, 0), *g16 = pixConvert8To16(gray, 8),
	    *bin = pixThresholdToBinary(gray, 128);
	l_uint8 *data = NULL;
	size_t n = 0;
	dft_sink_mem m;
	dft_buf tmp;
	char dir[4200], cmd[8600], path[4300];
	FILE *f;
	(void)state;
	dft_buf_init(&tmp, 0);
	assert_int_equal(pixWriteMemPng(&data, &n, g16, 0), 0);
	assert_int_equal(fx_run(dft_extract_image, data, n, "image/png", &m), 0);
	assert_phone_text(&m, "16-bit PNG");
	dft_sink_mem_dispose(&m);
	free(data);

	assert_int_equal(pixWriteMemTiff(&data, &n, bin, IFF_TIFF_G4), 0);
	assert_int_equal(fx_run(dft_extract_image, data, n, "image/tiff", &m), 0);
	assert_phone_text(&m, "G4 fax TIFF");
	dft_sink_mem_dispose(&m);
	free(data);

	assert_int_equal(test_dir(dir, sizeof(dir), "heic"), 0);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/page.jpg", dir);
	assert_int_equal(pixWrite(path, pix, IFF_JFIF_JPEG), 0);
	snprintf(cmd, sizeof(cmd), "heif-enc -q 70 '%s/page.jpg' -o '%s/page.heic' >/dev/null 2>&1", dir, dir);
	if (system(cmd) != 0)
		fail_msg("heif-enc (Debian libheif-examples) could not make a HEIC");
	snprintf(path, sizeof(path), "%s/page.heic", dir);
	assert_non_null(f = fopen(path, "rb"));
	data = malloc((size_t)8 << 20);
	n = fread(data, 1, (size_t)8 << 20, f);
	fclose(f);
	assert_int_equal(fx_run(dft_extract_image, data, n, "image/heic", &m), 0);
	assert_string_equal(dft_sink_mem_meta(&m, "width", &tmp), "2480");
	assert_phone_text(&m, "HEIC");
	dft_sink_mem_dispose(&m);
	/* a broken box tree: the file cut in half, then its boxes' sizes */
	assert_true(fx_run(dft_extract_image, data, n / 2, "image/heic", &m) < 0);
	printf("cut HEIC: %s\n", dft_error_msg());
	dft_sink_mem_dispose(&m);
	data[3] = 0xFF; /* the ftyp box claims 255 bytes more than it has */
	data[2] = 0x7F;
	assert_true(fx_run(dft_extract_image, data, n, "image/heic", &m) < 0);
	printf("broken HEIC: %s\n", dft_error_msg());
	dft_sink_mem_dispose(&m);
	free(data);
	test_rmrf(dir);
	dft_buf_dispose(&tmp);
	pixDestroy(&bin);
	pixDestroy(&g16);
	pixDestroy(&gray);
	pixDestroy(&pix);
	fz_drop_buffer(fx_ctx(), png);
}

/* A page of dark bars (text lines) on light paper, 600 x 800. */
static PIX *bars_page(int w, int h)
{
	PIX *p = pixCreate(w, h, 8);
	pixSetAllArbitrary(p, 220);
	for (int y = 100; y + 12 < 800; y += 60)
		pixRasterop(p, 60, y, 480, 12, PIX_CLR, NULL, 0, 0);
	return p;
}

/* The rows where dark runs start in column x. */
static int bar_rows(PIX *p, int x, int *rows, int max)
{
	int n = 0, prev = 0;
	for (int y = 0; y < (int)pixGetHeight(p) && n < max; y++) {
		l_uint32 v = 255;
		pixGetPixel(p, x, y, &v);
		if (v < 110 && !prev)
			rows[n++] = y;
		prev = v < 110;
	}
	return n;
}

/* A photographed page: the synthetic page's rectangle seen as a
 * quadrilateral on a dark desk. The quadrilateral is found from the
 * paper's region, and undoing it gives level bars again. */
static void test_paper_quad_unwarp(void **state)
{
	const float quad[8] = {120, 90, 690, 130, 660, 930, 100, 880};
	PIX *canvas = pixCreate(800, 1000, 8), *page = bars_page(600, 800), *photo, *dark, *desk, *inside, *flat;
	PTA *ptas = ptaCreate(4), *ptad = ptaCreate(4);
	double found[8], coeffs[8], x, y, d;
	int left[16], right[16], nl, nr;
	(void)state;
	pixSetAllArbitrary(canvas, 60);
	pixRasterop(canvas, 0, 0, 600, 800, PIX_SRC, page, 0, 0);
	ptaAddPt(ptas, 0, 0);
	ptaAddPt(ptas, 600, 0);
	ptaAddPt(ptas, 600, 800);
	ptaAddPt(ptas, 0, 800);
	for (int i = 0; i < 4; i++)
		ptaAddPt(ptad, quad[2 * i], quad[2 * i + 1]);
	/* the rectangle (0,0)-(600,800) of the canvas onto the quadrilateral,
	 * a dark desk around it */
	photo = pixProjectivePtaGray(canvas, ptad, ptas, 60);
	assert_non_null(photo);
	/* the paper: what is not the dark desk around it (the bars are not
	 * holes in it) */
	dark = pixThresholdToBinary(photo, 150);
	desk = pixExtractBorderConnComps(dark, 4);
	inside = pixInvert(NULL, desk);
	assert_int_equal(dft_ocr_paper_quad(inside, 0, found), 0);
	for (int i = 0; i < 8; i++)
		assert_true(fabs(found[i] - quad[i]) < 3.0);
	flat = dft_ocr_unwarp(photo, found, coeffs);
	assert_non_null(flat);
	/* as wide as the longer of top and bottom, as high as the longer side */
	assert_true(abs((int)pixGetWidth(flat) - 571) <= 3);
	assert_true(abs((int)pixGetHeight(flat) - 800) <= 3);
	/* the bars are level: they start on the same rows at both ends */
	nl = bar_rows(flat, pixGetWidth(flat) / 5, left, 16);
	nr = bar_rows(flat, pixGetWidth(flat) * 4 / 5, right, 16);
	assert_int_equal(nl, 12);
	assert_int_equal(nr, nl);
	for (int i = 0; i < nl; i++)
		assert_true(abs(left[i] - right[i]) <= 2);
	/* the coefficients map the rectangle's corner back to the photo's */
	d = coeffs[6] * 0 + coeffs[7] * 0 + 1;
	x = coeffs[2] / d;
	y = coeffs[5] / d;
	assert_true(fabs(x - quad[0]) < 3 && fabs(y - quad[1]) < 3);
	/* a region that is not a quadrilateral (a disc) has none */
	{
		PIX *disc = pixCreate(400, 400, 1);
		for (int yy = 0; yy < 400; yy++)
			for (int xx = 0; xx < 400; xx++)
				if ((xx - 200) * (xx - 200) + (yy - 200) * (yy - 200) < 150 * 150)
					pixSetPixel(disc, xx, yy, 1);
		assert_int_equal(dft_ocr_paper_quad(disc, 0, found), -1);
		pixDestroy(&disc);
	}
	pixDestroy(&flat);
	pixDestroy(&inside);
	pixDestroy(&desk);
	pixDestroy(&dark);
	pixDestroy(&photo);
	pixDestroy(&page);
	pixDestroy(&canvas);
	ptaDestroy(&ptas);
	ptaDestroy(&ptad);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english_page),
		cmocka_unit_test(test_arabic_page),
		cmocka_unit_test(test_multipage_tiff),
		cmocka_unit_test(test_two_columns),
		cmocka_unit_test(test_latin_in_arabic),
		cmocka_unit_test(test_exif),
		cmocka_unit_test(test_too_large),
		cmocka_unit_test(test_real_images),
		cmocka_unit_test(test_exif_orientation),
		cmocka_unit_test(test_phone_and_fax_formats),
		cmocka_unit_test(test_paper_quad_unwarp),
	};
	return test_exit(cmocka_run_group_tests(tests, setup, NULL));
}
