/*
 * mupdf_fixtures.h - test documents made at test time with MuPDF (which
 * daftar links anyway): PDFs laid out from HTML with fz_story (MuPDF's
 * built-in Noto fonts, Noto Naskh Arabic for Arabic), pages rendered to
 * PNG, and the measures the PDF and OCR tests report: character accuracy
 * (1 - Levenshtein / length) and words recovered in order (LCS / words).
 * Included by test_pdf.c and test_ocr.c only.
 */
#ifndef DAFTAR_TEST_MUPDF_FIXTURES_H
#define DAFTAR_TEST_MUPDF_FIXTURES_H

#include "daftar/extract.h"

#include <mupdf/fitz.h>
#include <mupdf/pdf.h>
#include <stdlib.h>
#include <string.h>

/* Known text. The Arabic has no lam-alef: MuPDF's PDF writer gives the
 * ligature glyph no ToUnicode entry, so it could not round-trip through a
 * PDF made this way (rendered to images it is fine). */
#define FX_ENGLISH                                                                                  \
	"The ministry sent an official letter to the police directorate in the city of Aleppo on " \
	"the fifth of March asking for a complete list of the employees who were transferred during " \
	"the past year. The letter said that the director general wants to know the reasons for each " \
	"transfer, its dates and the new places of work of every employee. The ministry also asked the " \
	"directorate to send a copy of the financial reports on the projects carried out in the " \
	"province, with a statement of the amounts spent and the names of the contracting companies. " \
	"The letter stressed that a reply must arrive within two weeks of its receipt and warned " \
	"against any delay in carrying out these instructions. A second letter, dated the twelfth of " \
	"April, repeated the request and added that the accounts of three companies, Northern " \
	"Construction, Delta Supplies and Orion Transport, should be examined by an independent " \
	"auditor before the end of the month. The auditor found that payments of 4,250,000 pounds had " \
	"been made without any signed contract, and that several invoices carried the same number."

#define FX_ARABIC                                                                                   \
	"أرسلت وزارة الداخلية رسالة رسمية إلى مديرية الشرطة في مدينة حلب بتاريخ الخامس من شهر آذار " \
	"تطلب فيها تزويدها بقائمة كاملة بأسماء الموظفين الذين تم نقلهم في العام الماضي. وجاء في " \
	"الرسالة أن المدير العام يريد معرفة أسباب النقل وتواريخه وأماكن العمل الجديدة لكل موظف. كما " \
	"طلبت الوزارة من المديرية إرسال نسخة من التقارير المالية الخاصة بالمشاريع التي نفذت في " \
	"المحافظة، مع بيان المبالغ المصروفة وأسماء الشركات المتعاقدة. وأكدت الرسالة على ضرورة الرد في " \
	"مدة أقصاها أسبوعان من تاريخ وصولها، وحذرت من أي تأخير في تنفيذ هذه التعليمات."

#if defined(__GNUC__)
#define FX_UNUSED __attribute__((unused))
#else
#define FX_UNUSED
#endif

static fz_context *fx_ctx(void)
{
	static fz_context *ctx;
	if (!ctx) {
		ctx = fz_new_context(NULL, NULL, FZ_STORE_DEFAULT);
		fz_register_document_handlers(ctx);
	}
	return ctx;
}

/* A PDF (A4, 50pt margins) laid out from html; images from arch. */
static fz_buffer *fx_story_pdf(const char *html, const char *css, fz_archive *arch)
{
	fz_context *ctx = fx_ctx();
	fz_buffer *out = fz_new_buffer(ctx, 4096);
	fz_output *o = fz_new_output_with_buffer(ctx, out);
	fz_document_writer *w = fz_new_pdf_writer_with_output(ctx, o, "");
	fz_buffer *hb = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)html, strlen(html));
	fz_story *st = fz_new_story(ctx, hb, css ? css : "", 12, arch);
	fz_rect mb = fz_make_rect(0, 0, 595, 842), where = fz_make_rect(50, 50, 545, 792), filled;
	int more, pages = 0;
	do {
		fz_device *dev = fz_begin_page(ctx, w, mb);
		more = fz_place_story(ctx, st, where, &filled);
		fz_draw_story(ctx, st, dev, fz_identity);
		fz_end_page(ctx, w);
	} while (more && ++pages < 1000);
	fz_close_document_writer(ctx, w);
	fz_drop_document_writer(ctx, w); /* drops o */
	fz_drop_story(ctx, st);
	fz_drop_buffer(ctx, hb);
	return out;
}

/* Page `pno` of a PDF rendered in grey at dpi, as PNG. */
static FX_UNUSED fz_buffer *fx_render_png(fz_buffer *pdf, int pno, int dpi)
{
	fz_context *ctx = fx_ctx();
	fz_stream *s = fz_open_buffer(ctx, pdf);
	fz_document *d = fz_open_document_with_stream(ctx, "application/pdf", s);
	fz_page *p = fz_load_page(ctx, d, pno);
	fz_pixmap *pm = fz_new_pixmap_from_page(ctx, p, fz_scale(dpi / 72.0f, dpi / 72.0f), fz_device_gray(ctx), 0);
	fz_buffer *png;
	fz_set_pixmap_resolution(ctx, pm, dpi, dpi);
	png = fz_new_buffer_from_pixmap_as_png(ctx, pm, fz_default_color_params);
	fz_drop_pixmap(ctx, pm);
	fz_drop_page(ctx, p);
	fz_drop_document(ctx, d);
	fz_drop_stream(ctx, s);
	return png;
}

/* A "scan": a PDF whose page is only the image png, full page. */
static FX_UNUSED fz_buffer *fx_scan_pdf(fz_buffer *png)
{
	fz_context *ctx = fx_ctx();
	fz_archive *arch = fz_new_tree_archive(ctx, NULL);
	fz_buffer *pdf;
	fz_tree_archive_add_buffer(ctx, arch, "scan.png", png);
	pdf = fx_story_pdf("<body style='margin:0'><img src='scan.png' style='width:495pt'></body>", NULL, arch);
	fz_drop_archive(ctx, arch);
	return pdf;
}

/* Run an extractor on bytes in memory. */
static FX_UNUSED int fx_run(int (*fn)(dft_sink *, const dft_input *), const void *data, size_t n, const char *mime,
		  dft_sink_mem *m)
{
	dft_input in;
	dft_limits lim;
	dft_limits_default(&lim);
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = data;
	in.size = n;
	in.mime = mime;
	in.name = "test";
	in.limits = &lim;
	dft_sink_mem_init(m, (size_t)lim.max_text + 1);
	return fn(&m->sink, &in);
}

/* ---- measures ---------------------------------------------------------- */

/* UTF-8 to code points with whitespace runs collapsed to one space and
 * trimmed; *n gets the count. Caller frees. */
static uint32_t *fx_codepoints(const char *s, size_t *n)
{
	size_t len = strlen(s), k = 0;
	uint32_t *v = malloc((len + 1) * sizeof(*v));
	int space = 0;
	while (*s) {
		unsigned char c = (unsigned char)*s;
		uint32_t cp;
		int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0, i;
		cp = extra == 3 ? c & 7 : extra == 2 ? c & 15 : extra == 1 ? c & 31 : c;
		s++;
		for (i = 0; i < extra && *s; i++, s++)
			cp = (cp << 6) | ((unsigned char)*s & 63);
		if (cp == ' ' || cp == '\n' || cp == '\t' || cp == '\r' || cp == '\f') {
			space = 1;
			continue;
		}
		if (space && k)
			v[k++] = ' ';
		space = 0;
		v[k++] = cp;
	}
	*n = k;
	return v;
}

/* 1 - Levenshtein(ref, hyp) / |ref|, over code points, whitespace collapsed. */
static FX_UNUSED double fx_char_accuracy(const char *ref, const char *hyp)
{
	size_t n, m, i, j;
	uint32_t *a = fx_codepoints(ref, &n), *b = fx_codepoints(hyp, &m);
	size_t *prev = malloc((m + 1) * sizeof(size_t)), *cur = malloc((m + 1) * sizeof(size_t));
	double acc;
	for (j = 0; j <= m; j++)
		prev[j] = j;
	for (i = 1; i <= n; i++) {
		cur[0] = i;
		for (j = 1; j <= m; j++) {
			size_t d = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < d)
				d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			cur[j] = d;
		}
		memcpy(prev, cur, (m + 1) * sizeof(size_t));
	}
	acc = n ? 1.0 - (double)prev[m] / (double)n : 0;
	free(a);
	free(b);
	free(prev);
	free(cur);
	return acc;
}

/* Split on whitespace into words (pointers into a copy). */
static char **fx_words(const char *s, size_t *n, char **copy)
{
	size_t cap = 16, k = 0;
	char **v = malloc(cap * sizeof(*v)), *p;
	*copy = strdup(s);
	for (p = *copy; *p;) {
		while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\f' || *p == '\r')
			*p++ = 0;
		if (!*p)
			break;
		if (k == cap)
			v = realloc(v, (cap *= 2) * sizeof(*v));
		v[k++] = p;
		while (*p && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\f' && *p != '\r')
			p++;
	}
	*n = k;
	return v;
}

/* Share of ref's words found in hyp in the same order (LCS / |ref|). */
static FX_UNUSED double fx_word_recall(const char *ref, const char *hyp)
{
	char *ca, *cb;
	size_t n, m, i, j;
	char **a = fx_words(ref, &n, &ca), **b = fx_words(hyp, &m, &cb);
	size_t *prev = calloc(m + 1, sizeof(size_t)), *cur = calloc(m + 1, sizeof(size_t));
	double r;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			if (!strcmp(a[i - 1], b[j - 1]))
				cur[j] = prev[j - 1] + 1;
			else
				cur[j] = prev[j] > cur[j - 1] ? prev[j] : cur[j - 1];
		}
		memcpy(prev, cur, (m + 1) * sizeof(size_t));
	}
	r = n ? (double)prev[m] / (double)n : 0;
	free(a);
	free(b);
	free(ca);
	free(cb);
	free(prev);
	free(cur);
	return r;
}

#endif
