/*
 * pdf.c - the PDF extractor (MuPDF): text page by page in reading order,
 * metadata, embedded files as child documents, and OCR of scanned pages.
 *
 * MuPDF rules inside, ours at the boundary: one fz_context per worker,
 * created on first use with allocators that refuse to go past a budget
 * (so a decompression bomb fails the document with "out of memory"
 * instead of taking the worker down), every MuPDF call inside fz_try in a
 * function of its own, and MuPDF's errors turned into DFT_E* codes there.
 * The document is opened from memory (or the fd), never by name.
 *
 * Text: MuPDF's structured text, a line per line, a blank line between
 * blocks, "\f" between pages. Lines with right-to-left letters are put in
 * logical order: when their characters come in visual order (left to
 * right on the page, as many producers write Arabic), they are sorted by
 * position and run through ICU's inverse bidi; Arabic presentation forms
 * (contextual glyph codes) become base letters by NFKC, and the page is
 * NFC like all daftar text.
 *
 * A page with almost no characters but an image covering a quarter or more is a
 * scan: it is rendered at 300 dpi (less when that would exceed a pixel
 * budget) and OCR'd (ocr.c); its word boxes are in PDF points, origin top
 * left. Limits: pages of text, OCR'd pages and a share of the time limit,
 * each hit with a note.
 */
#include "ocr.h"

#include <leptonica/allheaders.h>
#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <unicode/ubidi.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PDF_MEM_BUDGET ((size_t)1536 << 20) /* MuPDF's heap, per worker */
#define PDF_MAX_TEXT_PAGES 5000              /* pages whose text is read */
#define PDF_MAX_OCR_PAGES 50                 /* scanned pages OCR'd per document */
#define PDF_OCR_DPI 300
#define PDF_OCR_MAX_PIXELS ((double)36e6)    /* a rendered page, before OCR */
#define PDF_SCAN_MAX_CHARS 16                /* fewer characters: maybe a scan */
#define PDF_SCAN_MIN_COVER 0.25              /* ... if images cover this share */
#define PDF_TEXT_TIME_SHARE 0.75             /* of timeout_s, then stop with a note */
#define PDF_OCR_TIME_SHARE 0.6
#define PDF_PAGE_TEXT_MAX ((size_t)64 << 20) /* one page's text */
#define PDF_CHILD_CHUNK ((size_t)1 << 20)

/* ---- MuPDF's allocator, with a budget ----------------------------------- */

typedef union pdfx_hdr {
	size_t size;
	max_align_t align;
} pdfx_hdr;

static size_t pdfx_mem_used;

static void *pdfx_alloc(void *user, size_t n)
{
	pdfx_hdr *h;
	(void)user;
	if (n > PDF_MEM_BUDGET - pdfx_mem_used)
		return NULL;
	h = malloc(sizeof(*h) + n);
	if (!h)
		return NULL;
	h->size = n;
	pdfx_mem_used += n;
	return h + 1;
}

static void pdfx_free_mem(void *user, void *p)
{
	pdfx_hdr *h;
	(void)user;
	if (!p)
		return;
	h = (pdfx_hdr *)p - 1;
	pdfx_mem_used -= h->size;
	free(h);
}

static void *pdfx_realloc_mem(void *user, void *p, size_t n)
{
	pdfx_hdr *h, *nh;
	size_t old;
	if (!p)
		return pdfx_alloc(user, n);
	if (n == 0) {
		pdfx_free_mem(user, p);
		return NULL;
	}
	h = (pdfx_hdr *)p - 1;
	old = h->size;
	if (n > old && n - old > PDF_MEM_BUDGET - pdfx_mem_used)
		return NULL;
	nh = realloc(h, sizeof(*nh) + n);
	if (!nh)
		return NULL;
	nh->size = n;
	pdfx_mem_used = pdfx_mem_used - old + n;
	return nh + 1;
}

static const fz_alloc_context pdfx_allocator = {NULL, pdfx_alloc, pdfx_realloc_mem, pdfx_free_mem};

static void pdfx_quiet(void *user, const char *msg)
{
	(void)user;
	dft_log("mupdf: %s", msg);
}

static fz_context *pdfx_context(void)
{
	static fz_context *ctx;
	if (ctx)
		return ctx;
	ctx = fz_new_context(&pdfx_allocator, NULL, FZ_STORE_DEFAULT);
	if (!ctx)
		return NULL;
	fz_set_warning_callback(ctx, pdfx_quiet, NULL);
	fz_set_error_callback(ctx, pdfx_quiet, NULL);
	fz_try(ctx)
		fz_register_document_handlers(ctx);
	fz_catch(ctx)
	{
		fz_drop_context(ctx);
		ctx = NULL;
	}
	return ctx;
}

/* MuPDF's current error as ours. */
static int pdfx_error(fz_context *ctx, const char *what)
{
	if (fz_caught(ctx) == FZ_ERROR_MEMORY)
		return dft_error_set(DFT_ENOMEM, "out of memory (%s: %s)", what, fz_caught_message(ctx));
	return dft_error_set(DFT_ECORRUPT, "%s: %s", what, fz_caught_message(ctx));
}

/* ---- the state of one document ------------------------------------------ */

typedef struct pdfx_state {
	dft_sink *sink;
	const dft_input *in;
	const dft_limits *lim;
	fz_context *ctx;
	fz_document *doc;
	pdf_document *pdf;        /* NULL for a document MuPDF does not see as PDF */
	double t0;
	uint64_t emitted;         /* bytes of text given to the sink */
	int truncated;
	dft_buf page;             /* the current page's text */
	size_t chars;             /* its non-space characters */
	double image_area, page_area;
	dft_ocr_words words;
	int ocr_pages, ocr_skipped, ocr_unavailable;
	int npages;
	dft_ocr_order order;      /* the pages' text in order (OCR on helper threads) */
	int *seen;                /* object numbers of the embedded files reported */
	size_t nseen, capseen;
	int nchildren;
} pdfx_state;

/* Text for the sink, cut at max_text with a note. */
static int pdfx_emit(pdfx_state *st, const char *p, size_t n, size_t *kept)
{
	uint64_t room = st->lim->max_text > st->emitted ? st->lim->max_text - st->emitted : 0;
	int rc;
	if (kept)
		*kept = 0;
	if (st->truncated || !n)
		return 0;
	if (n > room) {
		size_t k = (size_t)room;
		char msg[160];
		while (k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
			k--;
		if (k && (rc = st->sink->text(st->sink, p, k)) < 0)
			return rc;
		st->emitted += k;
		if (kept)
			*kept = k;
		st->truncated = 1;
		snprintf(msg, sizeof(msg), "text cut at %llu bytes (the max_text limit)",
			 (unsigned long long)st->lim->max_text);
		return st->sink->note(st->sink, msg);
	}
	if ((rc = st->sink->text(st->sink, p, n)) < 0)
		return rc;
	st->emitted += n;
	if (kept)
		*kept = n;
	return 0;
}

/* pdfx_emit for dft_ocr_order. */
static int pdfx_emit_ordered(void *ctx, const char *p, size_t n, size_t *kept) { return pdfx_emit(ctx, p, n, kept); }

/* ---- text of a line -------------------------------------------------------- */

static int pdfx_is_rtl(UChar32 c)
{
	UCharDirection d = u_charDirection(c);
	return d == U_RIGHT_TO_LEFT || d == U_RIGHT_TO_LEFT_ARABIC;
}

static int pdfx_is_ltr(UChar32 c) { return u_charDirection(c) == U_LEFT_TO_RIGHT; }

/* One code point as UTF-8; Arabic presentation forms as their NFKC. */
static int pdfx_add_cp(dft_buf *b, UChar32 c)
{
	char u[4];
	size_t n;
	if (c < 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if ((c >= 0xFB50 && c <= 0xFDFF) || (c >= 0xFE70 && c <= 0xFEFF)) {
		UErrorCode err = U_ZERO_ERROR;
		const UNormalizer2 *nfkc = unorm2_getNFKCInstance(&err);
		UChar src[1], dst[32];
		int32_t k, i;
		src[0] = (UChar)c;
		if (U_SUCCESS(err)) {
			k = unorm2_normalize(nfkc, src, 1, dst, 32, &err);
			if (U_SUCCESS(err) && k > 0) {
				for (i = 0; i < k; i++) {
					int rc;
					UChar32 d = dst[i];
					if (U16_IS_LEAD(dst[i]) && i + 1 < k)
						d = U16_GET_SUPPLEMENTARY(dst[i], dst[i + 1]), i++;
					if ((rc = pdfx_add_cp(b, d)) < 0)
						return rc;
				}
				return 0;
			}
		}
	}
	if (c < 0x80) {
		u[0] = (char)c;
		n = 1;
	} else if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		n = 2;
	} else if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		n = 3;
	} else {
		u[0] = (char)(0xF0 | (c >> 18));
		u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[3] = (char)(0x80 | (c & 0x3F));
		n = 4;
	}
	return dft_buf_add(b, u, n);
}

typedef struct pdfx_ch {
	UChar32 c;
	float x;
	int i; /* order in the content stream, for a stable sort */
} pdfx_ch;

static int pdfx_ch_cmp(const void *a, const void *b)
{
	const pdfx_ch *p = a, *q = b;
	if (p->x != q->x)
		return p->x < q->x ? -1 : 1;
	return p->i - q->i;
}

/* Characters of a visual-order line (already sorted left to right) into
 * logical order with ICU's inverse bidi; written to out as code points. */
static int pdfx_inverse_bidi(UChar32 *cps, int n, int rtl_para, UChar32 **out, int *nout)
{
	UErrorCode err = U_ZERO_ERROR;
	UChar *src = NULL, *dst = NULL;
	UBiDi *bidi = NULL;
	int32_t len = 0, dlen, i, k = 0;
	int rc = 0;

	*out = NULL;
	*nout = 0;
	src = dft_malloc(sizeof(UChar) * (size_t)(2 * n + 1));
	dst = dft_malloc(sizeof(UChar) * (size_t)(2 * n + 1));
	if (!src || !dst) {
		rc = DFT_ENOMEM;
		goto done;
	}
	u_strFromUTF32(src, 2 * n + 1, &len, cps, n, &err);
	bidi = ubidi_open();
	if (U_FAILURE(err) || !bidi)
		goto fail;
	ubidi_setReorderingMode(bidi, UBIDI_REORDER_INVERSE_LIKE_DIRECT);
	ubidi_setPara(bidi, src, len, rtl_para ? 1 : 0, NULL, &err);
	if (U_FAILURE(err))
		goto fail;
	dlen = ubidi_writeReordered(bidi, dst, 2 * n + 1, UBIDI_DO_MIRRORING | UBIDI_REMOVE_BIDI_CONTROLS, &err);
	if (U_FAILURE(err))
		goto fail;
	*out = dft_malloc(sizeof(UChar32) * (size_t)(dlen + 1));
	if (!*out) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < dlen;) {
		UChar32 c;
		U16_NEXT(dst, i, dlen, c);
		(*out)[k++] = c;
	}
	*nout = k;
	goto done;
fail:
	rc = dft_error_set(DFT_ERROR, "bidi reordering failed: %s", u_errorName(err));
done:
	if (bidi)
		ubidi_close(bidi);
	free(src);
	free(dst);
	return rc;
}

/* The characters of one line, in logical order, as code points. */
static int pdfx_line_chars(fz_stext_line *line, UChar32 **out, int *nout)
{
	fz_stext_char *ch;
	pdfx_ch *v = NULL;
	UChar32 *cps = NULL;
	int n = 0, i, rtl = 0, ltr = 0, inc = 0, dec = 0, rc = 0;
	float lastx = 0;
	int have_last = 0;

	*out = NULL;
	*nout = 0;
	for (ch = line->first_char; ch; ch = ch->next)
		n++;
	if (!n)
		return 0;
	v = dft_malloc(sizeof(*v) * (size_t)n);
	cps = dft_malloc(sizeof(*cps) * (size_t)n);
	if (!v || !cps) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0, ch = line->first_char; ch; ch = ch->next, i++) {
		v[i].c = ch->c;
		v[i].x = (ch->quad.ll.x + ch->quad.lr.x) / 2;
		v[i].i = i;
		if (pdfx_is_rtl(ch->c)) {
			rtl++;
			/* how do successive right-to-left letters move on the page? */
			if (have_last) {
				if (v[i].x > lastx + 0.01f)
					inc++;
				else if (v[i].x < lastx - 0.01f)
					dec++;
			}
			lastx = v[i].x;
			have_last = 1;
		} else if (pdfx_is_ltr(ch->c)) {
			ltr++;
		}
	}
	/* horizontal lines only: a rotated line's x says nothing */
	if (rtl && inc > dec && fabsf(line->dir.y) < 0.1f && line->dir.x > 0) {
		/* visual order: sort by position, then back to logical order */
		dft_sort(v, (size_t)n, sizeof(*v), pdfx_ch_cmp);
		for (i = 0; i < n; i++)
			cps[i] = v[i].c;
		rc = pdfx_inverse_bidi(cps, n, rtl >= ltr, out, nout);
		goto done;
	}
	for (i = 0; i < n; i++)
		cps[i] = v[i].c;
	*out = cps;
	*nout = n;
	cps = NULL;
done:
	free(v);
	free(cps);
	return rc;
}

/* The text of a structured-text page into b: lines end with "\n", blocks
 * with a blank line; a word hyphenated at a line's end is joined when the
 * next line goes on in lower case. *chars counts non-space characters,
 * *image_area the area images cover. */
static int pdfx_stext_to_text(fz_stext_page *sp, dft_buf *b, size_t *chars, double *image_area)
{
	fz_stext_block *blk;
	int rc = 0;
	*chars = 0;
	*image_area = 0;
	for (blk = sp->first_block; blk && rc == 0; blk = blk->next) {
		fz_stext_line *line;
		int pending_hyphen = 0;
		if (blk->type == FZ_STEXT_BLOCK_IMAGE) {
			fz_rect r = fz_intersect_rect(blk->bbox, sp->mediabox);
			if (!fz_is_empty_rect(r))
				*image_area += (double)(r.x1 - r.x0) * (double)(r.y1 - r.y0);
			continue;
		}
		if (blk->type != FZ_STEXT_BLOCK_TEXT)
			continue;
		for (line = blk->u.t.first_line; line && rc == 0; line = line->next) {
			UChar32 *cps = NULL;
			int n = 0, i, end;
			if ((rc = pdfx_line_chars(line, &cps, &n)) < 0)
				break;
			end = n;
			while (end > 0 && (cps[end - 1] == ' ' || cps[end - 1] == '\t'))
				end--;
			if (pending_hyphen) {
				int join = end > 0 && u_islower(cps[0]);
				if (!join)
					rc = dft_buf_adds(b, pending_hyphen == 2 ? "\n" : "-\n");
				pending_hyphen = 0;
			}
			for (i = 0; i < end && rc == 0; i++) {
				if (cps[i] != ' ')
					(*chars)++;
				if (cps[i] == 0xAD && i + 1 < end)
					continue; /* soft hyphen inside a line */
				if (i == end - 1 && (cps[i] == '-' || cps[i] == 0xAD) && i > 0 && u_isalpha(cps[i - 1])) {
					pending_hyphen = cps[i] == 0xAD ? 2 : 1;
					break;
				}
				rc = pdfx_add_cp(b, cps[i]);
			}
			if (rc == 0 && !pending_hyphen && end > 0)
				rc = dft_buf_addc(b, '\n');
			free(cps);
		}
		if (rc == 0 && pending_hyphen)
			rc = dft_buf_adds(b, pending_hyphen == 2 ? "\n" : "-\n");
		if (rc == 0 && b->len && b->ptr[b->len - 1] == '\n' && blk->next)
			rc = dft_buf_addc(b, '\n');
	}
	return rc;
}

/* ---- metadata ---------------------------------------------------------------- */

/* "D:YYYYMMDDHHmmSSOHH'mm'" to ISO 8601; 0, or -1 when it is not a date. */
static int pdfx_date_iso(const char *s, char *out, size_t outlen)
{
	int v[6] = {0, 1, 1, 0, 0, 0}, widths[6] = {4, 2, 2, 2, 2, 2}, i, k, got = 0;
	char tz[8] = "";
	if (s[0] == 'D' && s[1] == ':')
		s += 2;
	for (i = 0; i < 6; i++) {
		int x = 0;
		for (k = 0; k < widths[i]; k++) {
			if (s[k] < '0' || s[k] > '9')
				break;
			x = x * 10 + (s[k] - '0');
		}
		if (k < widths[i])
			break;
		v[i] = x;
		s += k;
		got++;
	}
	if (got == 0 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 || v[4] > 59 || v[5] > 60)
		return -1;
	if (*s == 'Z') {
		snprintf(tz, sizeof(tz), "Z");
	} else if ((*s == '+' || *s == '-') && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9') {
		int mm = 0;
		const char *m = s + 3;
		if (*m == '\'')
			m++;
		if (m[0] >= '0' && m[0] <= '9' && m[1] >= '0' && m[1] <= '9')
			mm = (m[0] - '0') * 10 + (m[1] - '0');
		snprintf(tz, sizeof(tz), "%c%c%c:%02d", s[0], s[1], s[2], mm % 60);
	}
	if (got <= 3 && !tz[0])
		snprintf(out, outlen, "%04d-%02d-%02d", v[0], v[1], v[2]);
	else
		snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d%s", v[0], v[1], v[2], v[3], v[4], v[5], tz);
	return 0;
}

static int pdfx_meta(pdfx_state *st)
{
	static const struct {
		const char *key, *ours;
		int date;
	} keys[] = {
		{FZ_META_INFO_TITLE, "title", 0},     {FZ_META_INFO_AUTHOR, "author", 0},
		{FZ_META_INFO_SUBJECT, "subject", 0}, {FZ_META_INFO_CREATOR, "creator", 0},
		{FZ_META_INFO_PRODUCER, "producer", 0}, {FZ_META_INFO_CREATIONDATE, "created", 1},
		{FZ_META_INFO_MODIFICATIONDATE, "modified", 1}, {FZ_META_INFO_KEYWORDS, "keywords", 0},
	};
	fz_context *ctx = st->ctx;
	char vals[8][1024], enc[100];
	int lens[8], failed = 0, rc = 0;
	size_t i;

	fz_try(ctx)
	{
		for (i = 0; i < 8; i++)
			lens[i] = fz_lookup_metadata(ctx, st->doc, keys[i].key, vals[i], sizeof(vals[i]));
	}
	fz_catch(ctx) failed = 1;
	if (failed)
		return 0; /* metadata is a bonus: the text still counts */
	if (fz_lookup_metadata(ctx, st->doc, FZ_META_ENCRYPTION, enc, sizeof(enc)) > 0 && enc[0] &&
	    strcmp(enc, "None") != 0) {
		char msg[200];
		snprintf(msg, sizeof(msg), "encrypted (%s) with an empty user password: opened", enc);
		if ((rc = st->sink->note(st->sink, msg)) < 0)
			return rc;
	}
	for (i = 0; i < 8 && rc == 0; i++) {
		dft_buf v;
		char iso[96];
		if (lens[i] <= 0 || !vals[i][0])
			continue;
		if (keys[i].date) {
			if (pdfx_date_iso(vals[i], iso, sizeof(iso)) == 0)
				rc = st->sink->meta(st->sink, keys[i].ours, iso);
			continue;
		}
		dft_buf_init(&v, sizeof(vals[i]) * 4);
		rc = dft_utf8_sanitize(&v, vals[i], strnlen(vals[i], sizeof(vals[i])), NULL);
		if (rc == 0 && v.len)
			rc = st->sink->meta(st->sink, keys[i].ours, dft_buf_cstr(&v));
		dft_buf_dispose(&v);
	}
	return rc;
}

/* ---- embedded files ------------------------------------------------------- */

static int pdfx_seen(pdfx_state *st, int num)
{
	size_t i;
	if (num <= 0)
		return 0;
	for (i = 0; i < st->nseen; i++)
		if (st->seen[i] == num)
			return 1;
	if (st->nseen == st->capseen) {
		size_t cap = st->capseen ? st->capseen * 2 : 16;
		int *s = realloc(st->seen, cap * sizeof(*s));
		if (!s)
			return 0;
		st->seen = s;
		st->capseen = cap;
	}
	st->seen[st->nseen++] = num;
	return 0;
}

/* One file specification as a child document. */
static int pdfx_child(pdfx_state *st, pdf_obj *fs, const char *fallback)
{
	fz_context *ctx = st->ctx;
	fz_buffer *volatile buf = NULL;
	pdf_embedded_file_params params;
	char name[512], why[300] = "";
	int rc = 0;
	volatile int toolarge = 0;
	volatile int64_t size = -1, mtime = -1;

	if (pdfx_seen(st, pdf_to_num(ctx, fs)))
		return 0;
	snprintf(name, sizeof(name), "%s", fallback);
	fz_try(ctx)
	{
		if (!pdf_is_embedded_file(ctx, fs))
			break;
		pdf_get_embedded_file_params(ctx, fs, &params);
		if (params.filename && params.filename[0])
			snprintf(name, sizeof(name), "%s", params.filename);
		size = params.size >= 0 ? params.size : -1;
		mtime = params.modified >= 0 ? params.modified : -1;
		if (size > 0 && (uint64_t)size > st->lim->max_member_size) {
			toolarge = 1;
			break;
		}
		buf = pdf_load_embedded_file_contents(ctx, fs);
	}
	fz_catch(ctx)
	{
		snprintf(why, sizeof(why), "%s%s", fz_caught(ctx) == FZ_ERROR_MEMORY ? "out of memory: " : "",
			 fz_caught_message(ctx));
	}
	st->nchildren++;
	if (toolarge) {
		snprintf(why, sizeof(why), "embedded file too large (%lld bytes)", (long long)size);
		return st->sink->child_failed(st->sink, name, size, why);
	}
	if (why[0])
		return st->sink->child_failed(st->sink, name, size, why);
	if (!buf) {
		st->nchildren--;
		return 0; /* not an embedded file (a reference to an outside file) */
	}
	{
		unsigned char *data = NULL;
		size_t len = fz_buffer_storage(ctx, buf, &data), off;
		if (len > st->lim->max_member_size) {
			fz_drop_buffer(ctx, buf);
			snprintf(why, sizeof(why), "embedded file too large (%zu bytes)", len);
			return st->sink->child_failed(st->sink, name, (int64_t)len, why);
		}
		rc = st->sink->child_begin(st->sink, name, (int64_t)len, mtime);
		for (off = 0; rc == 0 && off < len; off += PDF_CHILD_CHUNK)
			rc = st->sink->child_data(st->sink, data + off,
						  len - off < PDF_CHILD_CHUNK ? len - off : PDF_CHILD_CHUNK);
		if (rc == 0)
			rc = st->sink->child_end(st->sink);
	}
	fz_drop_buffer(ctx, buf);
	return rc;
}

/* The EmbeddedFiles name tree (attachments, portfolios). */
static int pdfx_embedded_files(pdfx_state *st)
{
	fz_context *ctx = st->ctx;
	pdf_obj *volatile tree = NULL;
	volatile int rc = 0;
	int i;
	volatile int n = 0;
	if (!st->pdf)
		return 0;
	fz_try(ctx)
	{
		tree = pdf_load_name_tree(ctx, st->pdf, PDF_NAME(EmbeddedFiles));
		n = pdf_dict_len(ctx, tree);
	}
	fz_catch(ctx)
	{
		char msg[300];
		snprintf(msg, sizeof(msg), "the list of embedded files could not be read: %s", fz_caught_message(ctx));
		pdf_drop_obj(ctx, tree);
		return st->sink->note(st->sink, msg);
	}
	for (i = 0; i < n && rc == 0; i++) {
		char fallback[64];
		/* pdf_to_name and pdf_dict_get_* do not throw */
		const char *key = pdf_to_name(ctx, pdf_dict_get_key(ctx, tree, i));
		snprintf(fallback, sizeof(fallback), "%s", key && *key ? key : "attachment");
		if (!key || !*key)
			snprintf(fallback, sizeof(fallback), "attachment-%d", i + 1);
		rc = pdfx_child(st, pdf_dict_get_val(ctx, tree, i), fallback);
	}
	pdf_drop_obj(ctx, tree);
	return rc;
}

/* The file specifications of a page's file attachment annotations (kept
 * references in fss, at most max); how many. */
static int pdfx_annot_files(pdfx_state *st, fz_page *page, pdf_obj **fss, int max)
{
	fz_context *ctx = st->ctx;
	volatile int n = 0;
	fz_try(ctx)
	{
		pdf_page *pp = pdf_page_from_fz_page(ctx, page);
		pdf_annot *a;
		for (a = pp ? pdf_first_annot(ctx, pp) : NULL; a && n < max; a = pdf_next_annot(ctx, a)) {
			pdf_obj *fs;
			if (pdf_annot_type(ctx, a) != PDF_ANNOT_FILE_ATTACHMENT)
				continue;
			fs = pdf_dict_get(ctx, pdf_annot_obj(ctx, a), PDF_NAME(FS));
			if (fs)
				fss[n++] = pdf_keep_obj(ctx, fs);
		}
	}
	fz_catch(ctx) { /* what was found is reported */ }
	return n;
}

/* File attachment annotations of a page. */
static int pdfx_page_attachments(pdfx_state *st, fz_page *page, int pno)
{
	pdf_obj *fss[64];
	int i, n, rc = 0;
	if (!st->pdf)
		return 0;
	n = pdfx_annot_files(st, page, fss, 64);
	for (i = 0; i < n; i++) {
		char fallback[64];
		snprintf(fallback, sizeof(fallback), "page%d-attachment-%d", pno + 1, i + 1);
		if (rc == 0)
			rc = pdfx_child(st, fss[i], fallback);
		pdf_drop_obj(st->ctx, fss[i]);
	}
	return rc;
}

/* ---- OCR of a scanned page -------------------------------------------------- */

static int pdfx_ocr_page(pdfx_state *st, fz_page *page, int pno)
{
	fz_context *ctx = st->ctx;
	fz_pixmap *volatile pm = NULL;
	PIX *pix = NULL;
	volatile double ppi = PDF_OCR_DPI;
	double w, h;
	int x, y;
	char err[300] = "";

	fz_try(ctx)
	{
		fz_rect r = fz_bound_page(ctx, page);
		w = (double)(r.x1 - r.x0) / 72.0 * ppi;
		h = (double)(r.y1 - r.y0) / 72.0 * ppi;
		if (w * h > PDF_OCR_MAX_PIXELS)
			ppi *= sqrt(PDF_OCR_MAX_PIXELS / (w * h));
		pm = fz_new_pixmap_from_page(ctx, page, fz_scale((float)(ppi / 72.0), (float)(ppi / 72.0)),
					     fz_device_gray(ctx), 0);
	}
	fz_catch(ctx)
	{
		if (fz_caught(ctx) == FZ_ERROR_MEMORY)
			return dft_error_set(DFT_ENOMEM, "out of memory (rendering page %d: %s)", pno + 1,
					     fz_caught_message(ctx));
		snprintf(err, sizeof(err), "page %d could not be rendered for OCR: %s", pno + 1, fz_caught_message(ctx));
		return st->sink->note(st->sink, err);
	}
	pix = pixCreate(pm->w, pm->h, 8);
	if (!pix) {
		fz_drop_pixmap(ctx, pm);
		return dft_error_set(DFT_ENOMEM, "out of memory (a page image for OCR)");
	}
	for (y = 0; y < pm->h; y++) {
		l_uint32 *line = pixGetData(pix) + (size_t)y * (size_t)pixGetWpl(pix);
		const unsigned char *s = pm->samples + (size_t)y * (size_t)pm->stride;
		for (x = 0; x < pm->w; x++)
			SET_DATA_BYTE(line, x, s[(size_t)x * (size_t)pm->n]);
	}
	pixSetResolution(pix, (int)ppi, (int)ppi);
	fz_drop_pixmap(ctx, pm);

	st->ocr_pages++;
	return dft_ocr_order_page(&st->order, pix, (int)ppi, pno + 1, 72.0 / ppi, pno + 1 < st->npages);
}

/* ---- a page ------------------------------------------------------------------ */

static int pdfx_page(pdfx_state *st, int pno)
{
	fz_context *ctx = st->ctx;
	fz_page *volatile page = NULL;
	fz_stext_page *volatile sp = NULL;
	volatile int rc = 0;
	int scan;

	dft_buf_reset(&st->page);
	fz_try(ctx)
	{
		fz_stext_options opts;
		memset(&opts, 0, sizeof(opts));
		opts.flags = FZ_STEXT_DEHYPHENATE | FZ_STEXT_PRESERVE_IMAGES | FZ_STEXT_MEDIABOX_CLIP;
		page = fz_load_page(ctx, st->doc, pno);
		sp = fz_new_stext_page_from_page(ctx, page, &opts);
		st->page_area = (double)(sp->mediabox.x1 - sp->mediabox.x0) * (double)(sp->mediabox.y1 - sp->mediabox.y0);
		rc = pdfx_stext_to_text(sp, &st->page, &st->chars, &st->image_area);
	}
	fz_always(ctx)
	{
		fz_drop_stext_page(ctx, sp);
	}
	fz_catch(ctx)
	{
		char msg[300];
		fz_drop_page(ctx, page);
		if (fz_caught(ctx) == FZ_ERROR_MEMORY)
			return dft_error_set(DFT_ENOMEM, "out of memory (page %d: %s)", pno + 1, fz_caught_message(ctx));
		snprintf(msg, sizeof(msg), "page %d could not be read: %s", pno + 1, fz_caught_message(ctx));
		return st->sink->note(st->sink, msg);
	}
	if (rc == DFT_ELIMIT) {
		char msg[120];
		snprintf(msg, sizeof(msg), "page %d: text beyond %zu bytes left out", pno + 1, PDF_PAGE_TEXT_MAX);
		dft_error_clear();
		rc = st->sink->note(st->sink, msg);
	}
	if (rc < 0)
		goto done;

	if (pno > 0 && (rc = dft_ocr_order_text(&st->order, "\f", 1)) < 0)
		goto done;
	scan = st->chars < PDF_SCAN_MAX_CHARS && st->page_area > 0 &&
	       st->image_area >= PDF_SCAN_MIN_COVER * st->page_area;
	if (scan && !dft_ocr_available()) {
		st->ocr_unavailable++;
		scan = 0;
	} else if (scan && (st->ocr_pages >= PDF_MAX_OCR_PAGES ||
			    dft_now() - st->t0 > PDF_OCR_TIME_SHARE * st->lim->timeout_s)) {
		st->ocr_skipped++;
		scan = 0;
	}
	if (scan)
		rc = pdfx_ocr_page(st, page, pno);
	else
		rc = dft_ocr_order_text(&st->order, st->page.ptr ? st->page.ptr : "", st->page.len);
	if (rc == 0)
		rc = dft_ocr_order_flush(&st->order, 0);
	if (rc == 0)
		rc = pdfx_page_attachments(st, page, pno);
done:
	fz_drop_page(ctx, page);
	return rc;
}

/* ---- the document ------------------------------------------------------------ */

static int pdfx_open(pdfx_state *st, FILE **fp)
{
	fz_context *ctx = st->ctx;
	fz_stream *volatile stm = NULL;
	volatile int rc = 0;

	if (!st->in->data) {
		int fd = fcntl(st->in->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0 || !(*fp = fdopen(fd, "rb"))) {
			if (fd >= 0)
				close(fd);
			return dft_error_set(DFT_EIO, "cannot read the PDF: %s", strerror(errno));
		}
	}
	fz_try(ctx)
	{
		if (st->in->data)
			stm = fz_open_memory(ctx, st->in->data, (size_t)st->in->size);
		else
			stm = fz_open_file_ptr_no_close(ctx, *fp);
		st->doc = fz_open_document_with_stream(ctx, "application/pdf", stm);
		st->pdf = pdf_specifics(ctx, st->doc);
		if (fz_needs_password(ctx, st->doc) && !fz_authenticate_password(ctx, st->doc, ""))
			rc = dft_error_set(DFT_EENCRYPTED, "encrypted");
	}
	fz_always(ctx)
	{
		fz_drop_stream(ctx, stm);
	}
	fz_catch(ctx)
	{
		rc = pdfx_error(ctx, "not a readable PDF");
	}
	return rc;
}

int dft_extract_pdf(dft_sink *sink, const dft_input *in)
{
	dft_limits defaults;
	pdfx_state st;
	FILE *fp = NULL;
	volatile int npages = 0;
	int rc = 0, i, last = 0;
	char buf[200];

	memset(&st, 0, sizeof(st));
	st.sink = sink;
	st.in = in;
	st.lim = in->limits;
	if (!st.lim) {
		dft_limits_default(&defaults);
		st.lim = &defaults;
	}
	st.t0 = dft_now();
	dft_buf_init(&st.page, PDF_PAGE_TEXT_MAX);
	dft_ocr_words_init(&st.words);
	dft_ocr_order_init(&st.order, pdfx_emit_ordered, &st, &st.emitted, &st.words, PDF_PAGE_TEXT_MAX);
	if (!(st.ctx = pdfx_context()))
		return dft_error_set(DFT_ENOMEM, "cannot start MuPDF");

	if ((rc = pdfx_open(&st, &fp)) < 0)
		goto done;
	fz_try(st.ctx)
		npages = st.npages = fz_count_pages(st.ctx, st.doc);
	fz_catch(st.ctx)
	{
		rc = pdfx_error(st.ctx, "cannot count the pages");
		goto done;
	}
	snprintf(buf, sizeof(buf), "%d", npages);
	if ((rc = sink->meta(sink, "pages", buf)) < 0 || (rc = pdfx_meta(&st)) < 0)
		goto done;
	if ((rc = pdfx_embedded_files(&st)) < 0)
		goto done;

	for (i = 0; i < npages && rc == 0; i++) {
		if (i >= PDF_MAX_TEXT_PAGES) {
			snprintf(buf, sizeof(buf), "only the first %d of %d pages were read (page limit)",
				 PDF_MAX_TEXT_PAGES, npages);
			rc = sink->note(sink, buf);
			break;
		}
		if (st.lim->timeout_s > 0 && dft_now() - st.t0 > PDF_TEXT_TIME_SHARE * st.lim->timeout_s) {
			snprintf(buf, sizeof(buf), "only the first %d of %d pages were read (time limit)", i, npages);
			rc = sink->note(sink, buf);
			break;
		}
		if (st.truncated) {
			snprintf(buf, sizeof(buf), "pages %d to %d not read: the text limit was reached", i + 1, npages);
			rc = sink->note(sink, buf);
			break;
		}
		rc = pdfx_page(&st, i);
		last = i + 1;
	}
	(void)last;
	if (rc == 0)
		rc = dft_ocr_order_flush(&st.order, 1);
	if (rc == 0 && st.order.parallel) {
		snprintf(buf, sizeof(buf), "%d", st.order.parallel);
		rc = sink->meta(sink, "ocr_parallel_pages", buf);
	}
	if (rc == 0 && st.ocr_unavailable) {
		snprintf(buf, sizeof(buf), "%d scanned pages not OCR'd: OCR is not available", st.ocr_unavailable);
		rc = sink->note(sink, buf);
	}
	if (rc == 0 && st.ocr_skipped) {
		snprintf(buf, sizeof(buf), "%d scanned pages not OCR'd (at most %d pages, %.0f%% of the time limit)",
			 st.ocr_skipped, PDF_MAX_OCR_PAGES, PDF_OCR_TIME_SHARE * 100);
		rc = sink->note(sink, buf);
	}
	if (rc == 0)
		rc = dft_ocr_words_finish(&st.words, sink);
done:
	dft_ocr_order_dispose(&st.order); /* after an error: pages in hand waited for and dropped */
	if (st.doc)
		fz_drop_document(st.ctx, st.doc);
	if (fp)
		fclose(fp);
	if (st.ctx) {
		/* the context lives as long as the worker: leave nothing of this
		 * document in its caches (the glyph cache holds the fonts) */
		fz_purge_glyph_cache(st.ctx);
		fz_empty_store(st.ctx);
	}
	dft_buf_dispose(&st.page);
	dft_ocr_words_dispose(&st.words);
	free(st.seen);
	return rc;
}
