/*
 * image.c - the image extractor: PNG, JPEG, TIFF (every page), GIF, BMP,
 * WebP and the other formats Leptonica reads, from memory, and HEIF/HEIC
 * phone photos with libheif. It reports the
 * size, the EXIF facts an investigator asks about (when a photo was
 * taken, with what camera, where), and the text found by OCR (ocr.c),
 * with the boxes of its words in image pixels ("ocr_words").
 *
 * The header is read before any pixel: an image above IMG_MAX_PIXELS
 * fails ("image too large: W x H") without being decoded, and one above
 * IMG_OCR_MAX_PIXELS is scaled down before OCR. The EXIF reader below is
 * our own, small and bounded: it follows only the IFD0 -> Exif/GPS
 * pointers, checks every offset against the segment, and never loops.
 */
#include "ocr.h"

#include <leptonica/allheaders.h>
#include <libheif/heif.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMG_MAX_PIXELS 400e6      /* 20,000 x 20,000: refused */
#define IMG_OCR_MAX_PIXELS 36e6   /* bigger images are scaled down for OCR */
#define IMG_MAX_PAGES 1000        /* TIFF pages looked at */
#define IMG_MAX_OCR_PAGES 50      /* TIFF pages OCR'd */
#define IMG_OCR_TIME_SHARE 0.6    /* of timeout_s */

/* ---- EXIF ------------------------------------------------------------------- */

typedef struct exif_info {
	char taken[24];   /* DateTimeOriginal as ISO 8601 */
	char datetime[24];/* DateTime (IFD0), the fallback */
	char make[128], model[128];
	double lat, lon;
	int lat_ok, lon_ok;
	char lat_ref, lon_ref;
	int orientation; /* 1 (upright) .. 8, 0 when not given */
} exif_info;

typedef struct exif_tiff {
	const unsigned char *p;
	size_t n;
	int big; /* Motorola byte order */
} exif_tiff;

static unsigned exif_u16(const exif_tiff *t, size_t off)
{
	const unsigned char *q = t->p + off;
	return t->big ? (unsigned)(q[0] << 8 | q[1]) : (unsigned)(q[1] << 8 | q[0]);
}

static uint32_t exif_u32(const exif_tiff *t, size_t off)
{
	const unsigned char *q = t->p + off;
	return t->big ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 | (uint32_t)q[2] << 8 | q[3]
		      : (uint32_t)q[3] << 24 | (uint32_t)q[2] << 16 | (uint32_t)q[1] << 8 | q[0];
}

/* Where an entry's value is, when it lies inside the data; 0 if not. */
static int exif_value(const exif_tiff *t, size_t entry, size_t unit, size_t *off, uint32_t *count)
{
	uint32_t c = exif_u32(t, entry + 4);
	size_t bytes;
	if (c > 65536)
		return 0;
	bytes = unit * c;
	*count = c;
	if (bytes <= 4) {
		*off = entry + 8;
		return 1;
	}
	*off = exif_u32(t, entry + 8);
	return *off <= t->n && bytes <= t->n - *off;
}

static void exif_ascii(const exif_tiff *t, size_t entry, char *out, size_t outlen)
{
	size_t off, i, k = 0;
	uint32_t c;
	out[0] = 0;
	if (exif_u16(t, entry + 2) != 2 || !exif_value(t, entry, 1, &off, &c))
		return;
	for (i = 0; i < c && k + 1 < outlen && t->p[off + i]; i++)
		out[k++] = (char)t->p[off + i];
	while (k > 0 && out[k - 1] == ' ')
		k--;
	out[k] = 0;
}

/* "YYYY:MM:DD HH:MM:SS" to "YYYY-MM-DDTHH:MM:SS"; "" when not that. */
static void exif_date(const char *s, char out[24])
{
	static const char shape[] = "dddd:dd:dd dd:dd:dd";
	int i;
	out[0] = 0;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : (s[i] != shape[i] && !(i == 10 && s[i] == 'T')))
			return;
	}
	if (!strncmp(s, "0000", 4))
		return;
	snprintf(out, 24, "%.4s-%.2s-%.2sT%.8s", s, s + 5, s + 8, s + 11);
}

/* Three RATIONALs (degrees, minutes, seconds) as decimal degrees. */
static int exif_dms(const exif_tiff *t, size_t entry, double *deg)
{
	size_t off;
	uint32_t c;
	double v[3];
	int i;
	if (exif_u16(t, entry + 2) != 5 || !exif_value(t, entry, 8, &off, &c) || c < 3)
		return 0;
	for (i = 0; i < 3; i++) {
		uint32_t num = exif_u32(t, off + 8 * (size_t)i), den = exif_u32(t, off + 8 * (size_t)i + 4);
		if (den == 0)
			return 0;
		v[i] = (double)num / (double)den;
	}
	*deg = v[0] + v[1] / 60.0 + v[2] / 3600.0;
	return *deg >= 0 && *deg <= 180;
}

enum { IFD_0, IFD_EXIF, IFD_GPS };

static void exif_ifd(const exif_tiff *t, size_t off, int kind, exif_info *x, int depth)
{
	unsigned n, i;
	if (depth > 2 || off < 8 || off > t->n || t->n - off < 2)
		return;
	n = exif_u16(t, off);
	if (n > 1000 || (size_t)n * 12 > t->n - off - 2)
		return;
	for (i = 0; i < n; i++) {
		size_t e = off + 2 + (size_t)i * 12;
		unsigned tag = exif_u16(t, e);
		char s[128];
		if (kind == IFD_0) {
			if (tag == 0x010F)
				exif_ascii(t, e, x->make, sizeof(x->make));
			else if (tag == 0x0110)
				exif_ascii(t, e, x->model, sizeof(x->model));
			else if (tag == 0x0132) {
				exif_ascii(t, e, s, sizeof(s));
				exif_date(s, x->datetime);
			} else if (tag == 0x0112 && exif_u16(t, e + 2) == 3 && exif_u32(t, e + 4) == 1) {
				unsigned o = exif_u16(t, e + 8); /* a SHORT is inline */
				x->orientation = o >= 1 && o <= 8 ? (int)o : 0;
			} else if ((tag == 0x8769 || tag == 0x8825) && exif_u16(t, e + 2) == 4)
				exif_ifd(t, exif_u32(t, e + 8), tag == 0x8769 ? IFD_EXIF : IFD_GPS, x, depth + 1);
		} else if (kind == IFD_EXIF) {
			if (tag == 0x9003) {
				exif_ascii(t, e, s, sizeof(s));
				exif_date(s, x->taken);
			}
		} else {
			if (tag == 1 || tag == 3) {
				exif_ascii(t, e, s, sizeof(s));
				if (tag == 1)
					x->lat_ref = s[0];
				else
					x->lon_ref = s[0];
			} else if (tag == 2) {
				x->lat_ok = exif_dms(t, e, &x->lat);
			} else if (tag == 4) {
				x->lon_ok = exif_dms(t, e, &x->lon);
			}
		}
	}
}

/* A TIFF structure (a TIFF file, or the body of JPEG's APP1 "Exif"). */
static void exif_parse_tiff(const unsigned char *p, size_t n, exif_info *x)
{
	exif_tiff t;
	if (n < 8)
		return;
	if (p[0] == 'I' && p[1] == 'I')
		t.big = 0;
	else if (p[0] == 'M' && p[1] == 'M')
		t.big = 1;
	else
		return;
	t.p = p;
	t.n = n;
	if (exif_u16(&t, 2) != 42)
		return;
	exif_ifd(&t, exif_u32(&t, 4), IFD_0, x, 0);
}

/* The APP1 "Exif" segment of a JPEG, if any. */
static void exif_parse_jpeg(const unsigned char *p, size_t n, exif_info *x)
{
	size_t i = 2;
	if (n < 4 || p[0] != 0xFF || p[1] != 0xD8)
		return;
	while (i + 4 <= n) {
		unsigned marker, len;
		if (p[i] != 0xFF)
			return;
		marker = p[i + 1];
		if (marker == 0xFF) {
			i++;
			continue;
		}
		if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
			i += 2;
			continue;
		}
		if (marker == 0xDA || marker == 0xD9)
			return; /* image data: no metadata after this */
		len = (unsigned)(p[i + 2] << 8 | p[i + 3]);
		if (len < 2 || len > n - i - 2)
			return;
		if (marker == 0xE1 && len >= 8 + 6 && !memcmp(p + i + 4, "Exif\0\0", 6)) {
			exif_parse_tiff(p + i + 10, len - 8, x);
			return;
		}
		i += 2 + len;
	}
}

/* The EXIF of an image's bytes (JPEG or TIFF). */
static void exif_parse(const unsigned char *p, size_t n, exif_info *x)
{
	memset(x, 0, sizeof(*x));
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xD8)
		exif_parse_jpeg(p, n, x);
	else
		exif_parse_tiff(p, n, x);
}

static int exif_report(dft_sink *sink, const exif_info *x)
{
	char buf[64];
	dft_buf v;
	int rc = 0;
	if (x->taken[0] || x->datetime[0])
		rc = sink->meta(sink, "created", x->taken[0] ? x->taken : x->datetime);
	dft_buf_init(&v, 1024);
	if (rc == 0 && x->make[0] && (rc = dft_utf8_sanitize(&v, x->make, strlen(x->make), NULL)) == 0)
		rc = sink->meta(sink, "camera_make", dft_buf_cstr(&v));
	dft_buf_reset(&v);
	if (rc == 0 && x->model[0] && (rc = dft_utf8_sanitize(&v, x->model, strlen(x->model), NULL)) == 0)
		rc = sink->meta(sink, "camera_model", dft_buf_cstr(&v));
	dft_buf_dispose(&v);
	if (rc == 0 && x->lat_ok && x->lon_ok && x->lat <= 90) {
		snprintf(buf, sizeof(buf), "%.6f", x->lat_ref == 'S' ? -x->lat : x->lat);
		rc = sink->meta(sink, "latitude", buf);
		snprintf(buf, sizeof(buf), "%.6f", x->lon_ref == 'W' ? -x->lon : x->lon);
		if (rc == 0)
			rc = sink->meta(sink, "longitude", buf);
	}
	return rc;
}

/* ---- pixels and OCR ------------------------------------------------------------ */

typedef struct img_state {
	dft_sink *sink;
	const dft_limits *lim;
	uint64_t emitted;
	int truncated;
	dft_ocr_words words;
	dft_ocr_order order; /* pages in order (OCR on helper threads) */
} img_state;

static int img_emit(img_state *st, const char *p, size_t n, size_t *kept)
{
	uint64_t room = st->lim->max_text > st->emitted ? st->lim->max_text - st->emitted : 0;
	size_t k = n;
	int rc;
	*kept = 0;
	if (st->truncated || !n)
		return 0;
	if (n > room) {
		char msg[160];
		k = (size_t)room;
		while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
			k--;
		st->truncated = 1;
		snprintf(msg, sizeof(msg), "text cut at %llu bytes (the max_text limit)",
			 (unsigned long long)st->lim->max_text);
		if ((rc = st->sink->note(st->sink, msg)) < 0)
			return rc;
	}
	if (k && (rc = st->sink->text(st->sink, p, k)) < 0)
		return rc;
	st->emitted += k;
	*kept = k;
	return 0;
}

/* img_emit for dft_ocr_order. */
static int img_emit_ordered(void *ctx, const char *p, size_t n, size_t *kept) { return img_emit(ctx, p, n, kept); }

/* OCR one page (pix is the caller's). */
static int img_ocr(img_state *st, PIX *pix, int page, int more)
{
	PIX *use;
	double scale = 1.0, px = (double)pixGetWidth(pix) * (double)pixGetHeight(pix);

	if (px > IMG_OCR_MAX_PIXELS) {
		float f = (float)sqrt(IMG_OCR_MAX_PIXELS / px);
		use = pixScale(pix, f, f);
		scale = 1.0 / f;
	} else {
		use = pixCopy(NULL, pix); /* the reader, maybe another thread, owns its copy */
	}
	if (!use)
		return dft_error_set(DFT_ENOMEM, "out of memory (an image for OCR)");
	return dft_ocr_order_page(&st->order, use, 0, page, scale, more);
}

/* An image as EXIF orientation says to show it: 3 is upside down, 6 and
 * 8 are turned a quarter (phone photos held sideways), 2/4/5/7 mirrored.
 * OCR reads the upright page; word boxes are in its coordinates. */
static PIX *img_upright(PIX *pix, int orientation)
{
	PIX *t = NULL, *u;
	switch (orientation) {
	case 2: return pixFlipLR(NULL, pix);
	case 3: return pixRotateOrth(pix, 2);
	case 4: return pixFlipTB(NULL, pix);
	case 5: /* mirrored, then a quarter counter-clockwise */
		if (!(t = pixRotateOrth(pix, 1)))
			return NULL;
		u = pixFlipLR(NULL, t);
		pixDestroy(&t);
		return u;
	case 6: return pixRotateOrth(pix, 1);
	case 7:
		if (!(t = pixRotateOrth(pix, 3)))
			return NULL;
		u = pixFlipLR(NULL, t);
		pixDestroy(&t);
		return u;
	case 8: return pixRotateOrth(pix, 3);
	default: return pixClone(pix);
	}
}

/* ---- HEIF / HEIC (phone photos), with libheif ------------------------------------ */

/* Is it an ISO-BMFF file of an image brand (HEIC, HEIF, AVIF)? */
static int is_heif(const unsigned char *p, size_t n)
{
	static const char *const brands[] = {"heic", "heix", "hevc", "hevx", "heim", "heis",
					     "mif1", "msf1", "avif", NULL};
	if (n < 12 || memcmp(p + 4, "ftyp", 4) != 0)
		return 0;
	for (int i = 0; brands[i]; i++)
		if (!memcmp(p + 8, brands[i], 4))
			return 1;
	return 0;
}

/* The primary image of a HEIF file, upright (libheif applies the file's
 * rotation and mirror), with its EXIF. Its size is checked before any
 * pixel is decoded; decoding uses no threads (the sandbox allows none). */
static int heif_read(const unsigned char *data, size_t n, PIX **out, int *w, int *h, exif_info *x)
{
	struct heif_context *ctx = heif_context_alloc();
	struct heif_image_handle *hd = NULL;
	struct heif_image *img = NULL;
	struct heif_error err;
	const uint8_t *plane;
	int stride = 0, rc = 0;
	PIX *pix = NULL;

	*out = NULL;
	if (!ctx)
		return dft_error_set(DFT_ENOMEM, "out of memory (HEIF)");
	heif_context_set_max_decoding_threads(ctx, 0);
	err = heif_context_read_from_memory_without_copy(ctx, data, n, NULL);
	if (err.code == heif_error_Ok)
		err = heif_context_get_primary_image_handle(ctx, &hd);
	if (err.code != heif_error_Ok) {
		rc = dft_error_set(DFT_EINVAL, "not a readable HEIF image: %s", err.message);
		goto done;
	}
	*w = heif_image_handle_get_width(hd);
	*h = heif_image_handle_get_height(hd);
	{
		heif_item_id id;
		if (heif_image_handle_get_list_of_metadata_block_IDs(hd, "Exif", &id, 1) == 1) {
			size_t sz = heif_image_handle_get_metadata_size(hd, id);
			unsigned char *m = sz >= 4 && sz < ((size_t)1 << 24) ? malloc(sz) : NULL;
			if (m && heif_image_handle_get_metadata(hd, id, m).code == heif_error_Ok) {
				/* a 4-byte offset to the TIFF header, then the TIFF */
				size_t off = (size_t)m[0] << 24 | (size_t)m[1] << 16 | (size_t)m[2] << 8 | m[3];
				if (off < sz - 4)
					exif_parse_tiff(m + 4 + off, sz - 4 - off, x);
			}
			free(m);
		}
	}
	if (*w <= 0 || *h <= 0 || (double)*w * (double)*h > IMG_MAX_PIXELS) {
		rc = dft_error_set(DFT_ELIMIT, "image too large: %d x %d", *w, *h);
		goto done;
	}
	err = heif_decode_image(hd, &img, heif_colorspace_RGB, heif_chroma_interleaved_RGB, NULL);
	if (err.code != heif_error_Ok) {
		rc = dft_error_set(DFT_EINVAL, "HEIF image could not be decoded: %s", err.message);
		goto done;
	}
	plane = heif_image_get_plane_readonly(img, heif_channel_interleaved, &stride);
	*w = heif_image_get_width(img, heif_channel_interleaved);
	*h = heif_image_get_height(img, heif_channel_interleaved);
	if (!plane || *w <= 0 || *h <= 0 || stride < 3 * *w || !(pix = pixCreate(*w, *h, 32))) {
		rc = dft_error_set(DFT_EINVAL, "HEIF image could not be decoded (no RGB plane)");
		goto done;
	}
	for (int yy = 0; yy < *h; yy++) {
		const uint8_t *src = plane + (size_t)yy * (size_t)stride;
		l_uint32 *dst = pixGetData(pix) + (size_t)yy * (size_t)pixGetWpl(pix);
		for (int xx = 0; xx < *w; xx++, src += 3)
			composeRGBPixel(src[0], src[1], src[2], dst + xx);
	}
	*out = pix;
done:
	heif_image_release(img);
	heif_image_handle_release(hd);
	heif_context_free(ctx);
	return rc;
}

/* A HEIF photo: its size and EXIF, then the text of its primary image. */
static int img_heif(img_state *st, const dft_input *in)
{
	exif_info exif;
	PIX *pix = NULL;
	char buf[32];
	int w = 0, h = 0, rc, rrc;

	memset(&exif, 0, sizeof(exif));
	rrc = heif_read(in->data, (size_t)in->size, &pix, &w, &h, &exif);
	if (w > 0 && h > 0) {
		snprintf(buf, sizeof(buf), "%d", w);
		if ((rc = st->sink->meta(st->sink, "width", buf)) < 0)
			goto done;
		snprintf(buf, sizeof(buf), "%d", h);
		if ((rc = st->sink->meta(st->sink, "height", buf)) < 0)
			goto done;
	}
	if ((rc = exif_report(st->sink, &exif)) < 0 || (rc = rrc) < 0)
		goto done;
	if (!dft_ocr_available()) {
		rc = st->sink->note(st->sink, "no OCR: Tesseract is not available");
		goto done;
	}
	dft_ocr_words_init(&st->words);
	rc = img_ocr(st, pix, 1, 0);
	if (rc == 0)
		rc = dft_ocr_order_flush(&st->order, 1);
	if (rc == 0)
		rc = dft_ocr_words_finish(&st->words, st->sink);
	dft_ocr_order_dispose(&st->order);
	dft_ocr_words_dispose(&st->words);
done:
	pixDestroy(&pix);
	return rc;
}

void dft_image_init(void)
{
	heif_init(NULL); /* loads libheif's plugins, before the sandbox */
}

int dft_extract_image(dft_sink *sink, const dft_input *in)
{
	dft_limits defaults;
	img_state st;
	exif_info exif;
	l_int32 format = 0, w = 0, h = 0, bps = 0, spp = 0, cmap = 0;
	int rc = 0, pages = 1, page, tiff;
	double t0 = dft_now();
	char buf[160];

	memset(&st, 0, sizeof(st));
	st.sink = sink;
	st.lim = in->limits;
	if (!st.lim) {
		dft_limits_default(&defaults);
		st.lim = &defaults;
	}
	dft_ocr_order_init(&st.order, img_emit_ordered, &st, &st.emitted, &st.words, (size_t)64 << 20);
	if (!in->data)
		return dft_error_set(DFT_ELIMIT, "image too large to read (%llu bytes)", (unsigned long long)in->size);
	if (is_heif(in->data, (size_t)in->size))
		return img_heif(&st, in);
	if (pixReadHeaderMem(in->data, (size_t)in->size, &format, &w, &h, &bps, &spp, &cmap) != 0 || w <= 0 || h <= 0)
		return dft_error_set(DFT_EINVAL, "not a readable image (%s)", in->mime ? in->mime : "unknown type");
	snprintf(buf, sizeof(buf), "%d", w);
	if ((rc = sink->meta(sink, "width", buf)) < 0)
		return rc;
	snprintf(buf, sizeof(buf), "%d", h);
	if ((rc = sink->meta(sink, "height", buf)) < 0)
		return rc;
	exif_parse(in->data, (size_t)in->size, &exif);
	if ((rc = exif_report(sink, &exif)) < 0)
		return rc;
	if ((double)w * (double)h > IMG_MAX_PIXELS)
		return dft_error_set(DFT_ELIMIT, "image too large: %d x %d", w, h);

	tiff = L_FORMAT_IS_TIFF(format);
	if (tiff) {
		l_int32 pw, ph, pb, ps, pr, pc, pf;
		for (pages = 1; pages < IMG_MAX_PAGES; pages++)
			if (readHeaderMemTiff(in->data, (size_t)in->size, pages, &pw, &ph, &pb, &ps, &pr, &pc, &pf) != 0)
				break;
		snprintf(buf, sizeof(buf), "%d", pages);
		if ((rc = sink->meta(sink, "pages", buf)) < 0)
			return rc;
		if (pages == IMG_MAX_PAGES) {
			snprintf(buf, sizeof(buf), "more than %d pages: only the first %d were counted",
				 IMG_MAX_PAGES - 1, IMG_MAX_PAGES);
			if ((rc = sink->note(sink, buf)) < 0)
				return rc;
		}
	}
	if (!dft_ocr_available())
		return sink->note(sink, "no OCR: Tesseract is not available");

	dft_ocr_words_init(&st.words);
	for (page = 0; page < pages && rc == 0; page++) {
		PIX *pix;
		if (page > 0) {
			if (page >= IMG_MAX_OCR_PAGES ||
			    (st.lim->timeout_s > 0 && dft_now() - t0 > IMG_OCR_TIME_SHARE * st.lim->timeout_s)) {
				snprintf(buf, sizeof(buf), "only the first %d of %d pages were OCR'd (page or time limit)",
					 page, pages);
				rc = sink->note(sink, buf);
				break;
			}
			if ((rc = dft_ocr_order_text(&st.order, "\f", 1)) < 0)
				break;
		}
		if (tiff) {
			l_int32 pw = 0, ph = 0, pb, ps, pr, pc, pf;
			if (readHeaderMemTiff(in->data, (size_t)in->size, page, &pw, &ph, &pb, &ps, &pr, &pc, &pf) != 0 ||
			    (double)pw * (double)ph > IMG_MAX_PIXELS) {
				snprintf(buf, sizeof(buf), "page %d: unreadable or too large (%d x %d)", page + 1, pw, ph);
				rc = sink->note(sink, buf);
				continue;
			}
			pix = pixReadMemTiff(in->data, (size_t)in->size, page);
		} else {
			pix = pixReadMem(in->data, (size_t)in->size);
			if (pix && exif.orientation > 1 && format == IFF_JFIF_JPEG) {
				PIX *up = img_upright(pix, exif.orientation);
				pixDestroy(&pix);
				pix = up;
				snprintf(buf, sizeof(buf), "%d", exif.orientation);
				if ((rc = sink->meta(sink, "exif_orientation", buf)) < 0) {
					pixDestroy(&pix);
					break;
				}
			}
		}
		if (!pix) {
			if (pages == 1) {
				rc = dft_error_set(DFT_EINVAL, "image could not be decoded (%s)",
						   in->mime ? in->mime : "unknown type");
				break;
			}
			snprintf(buf, sizeof(buf), "page %d could not be decoded", page + 1);
			rc = sink->note(sink, buf);
			continue;
		}
		rc = img_ocr(&st, pix, page + 1, page + 1 < pages);
		pixDestroy(&pix);
		if (rc == 0)
			rc = dft_ocr_order_flush(&st.order, 0);
	}
	if (rc == 0)
		rc = dft_ocr_order_flush(&st.order, 1);
	if (rc == 0 && st.order.parallel) {
		snprintf(buf, sizeof(buf), "%d", st.order.parallel);
		rc = sink->meta(sink, "ocr_parallel_pages", buf);
	}
	if (rc == 0)
		rc = dft_ocr_words_finish(&st.words, sink);
	dft_ocr_order_dispose(&st.order);
	dft_ocr_words_dispose(&st.words);
	return rc;
}
