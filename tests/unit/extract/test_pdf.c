/*
 * test_pdf.c - the PDF extractor (dft_extract_pdf) on PDFs made at test
 * time with MuPDF (mupdf_fixtures.h) and on real PDFs from the shared
 * corpora: text fidelity (words recovered in order, English and Arabic,
 * Arabic in logical order without presentation forms, also when a PDF
 * draws it in visual order), pages and "\f", metadata with ISO dates,
 * embedded files and file attachment annotations as children, encrypted
 * files (empty user password opens, a real one fails "encrypted"), a
 * scanned page OCR'd, a decompression bomb stopped by the memory budget,
 * garbage and truncation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <poll.h>
#include <sys/stat.h>

#include <fcntl.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <mupdf/ucdn.h>

#include "mupdf_fixtures.h"
#include "../../../src/extract/ocr.h"
#include "../helpers.h"

/* Two leaks LeakSanitizer is told about, neither in daftar's code:
 * MuPDF 1.21 loses a font it was loading when a truncated file's font
 * stream fails half way (pdf_load_embedded_font); and the test's own
 * make_rich_pdf keeps the reference pdf_add_embedded_file returns for the
 * annotation's file, since dropping it after pdf_set_annot_filespec
 * corrupts the heap in 1.21 (seen with valgrind). */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "fast_unwind_on_malloc=0"; } /* MuPDF has no frame pointers */
const char *__lsan_default_suppressions(void) { return "leak:pdf_load_embedded_font\nleak:make_rich_pdf\n"; }

static void print_figure(const char *what, double v) { printf("FIGURE %s: %.2f%%\n", what, v * 100); }

static int count_char(const char *s, char c)
{
	int n = 0;
	for (; *s; s++)
		n += *s == c;
	return n;
}

/* Does the UTF-8 text hold Arabic presentation forms (U+FB50-FDFF, U+FE70-FEFF)? */
static int has_presentation_forms(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p; p++)
		if (p[0] == 0xEF && ((p[1] >= 0xAD && p[1] <= 0xB7) || (p[1] >= 0xB9 && p[1] <= 0xBB)))
			return 1;
	return 0;
}

static void test_english_fidelity(void **state)
{
	dft_sink_mem m;
	dft_buf tmp;
	fz_buffer *pdf;
	char html[8192];
	double r;
	(void)state;
	/* enough text for three pages */
	snprintf(html, sizeof(html), "<p>%s</p><p>%s</p><p>%s</p><p>%s</p><p>%s</p><p>%s</p>", FX_ENGLISH,
		 FX_ENGLISH, FX_ENGLISH, FX_ENGLISH, FX_ENGLISH, FX_ENGLISH);
	pdf = fx_story_pdf(html, "p{font-size:16pt}", NULL);
	assert_int_equal(fx_run(dft_extract_pdf, pdf->data, pdf->len, "application/pdf", &m), 0);
	dft_buf_init(&tmp, 0);
	assert_non_null(dft_sink_mem_meta(&m, "pages", &tmp));
	{
		int pages = atoi(dft_sink_mem_meta(&m, "pages", &tmp));
		assert_true(pages >= 2);
		assert_int_equal(count_char(dft_buf_cstr(&m.text), '\f'), pages - 1);
	}
	{
		char ref[8192];
		snprintf(ref, sizeof(ref), "%s %s %s %s %s %s", FX_ENGLISH, FX_ENGLISH, FX_ENGLISH, FX_ENGLISH,
			 FX_ENGLISH, FX_ENGLISH);
		r = fx_word_recall(ref, dft_buf_cstr(&m.text));
	}
	print_figure("pdf text fidelity, English (words in order)", r);
	assert_true(r >= 0.99);
	assert_null(dft_sink_mem_meta(&m, "ocr", &tmp));
	dft_buf_dispose(&tmp);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), pdf);
}

static void test_arabic_logical_order(void **state)
{
	dft_sink_mem m;
	fz_buffer *pdf;
	double r;
	(void)state;
	pdf = fx_story_pdf("<p dir='rtl' lang='ar'>" FX_ARABIC "</p><p>English after Arabic.</p>",
			   "p{font-size:14pt}", NULL);
	assert_int_equal(fx_run(dft_extract_pdf, pdf->data, pdf->len, "application/pdf", &m), 0);
	r = fx_word_recall(FX_ARABIC " English after Arabic.", dft_buf_cstr(&m.text));
	print_figure("pdf text fidelity, Arabic (words in order)", r);
	assert_true(r >= 0.99);
	assert_false(has_presentation_forms(dft_buf_cstr(&m.text)));
	/* logical order: the first word of the letter comes first */
	assert_non_null(strstr(dft_buf_cstr(&m.text), "أرسلت وزارة الداخلية"));
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), pdf);
}

/* The visual order old producers write: glyphs placed left to right,
 * the logical text reversed, each glyph's Unicode a presentation form.
 * Drawn glyph by glyph with MuPDF's device API and the built-in Noto
 * Naskh Arabic, so the page really is in visual order. */
static fz_buffer *visual_order_pdf(const uint32_t *cps, int n)
{
	fz_context *ctx = fx_ctx();
	fz_buffer *out = fz_new_buffer(ctx, 4096);
	fz_output *o = fz_new_output_with_buffer(ctx, out);
	fz_document_writer *w = fz_new_pdf_writer_with_output(ctx, o, "");
	int len = 0, sub = 0, i;
	const unsigned char *data = fz_lookup_noto_font(ctx, UCDN_SCRIPT_ARABIC, FZ_LANG_UNSET, &len, &sub);
	fz_font *font = fz_new_font_from_memory(ctx, "NotoNaskhArabic", data, len, sub, 0);
	fz_text *text = fz_new_text(ctx);
	fz_device *dev = fz_begin_page(ctx, w, fz_make_rect(0, 0, 595, 842));
	float x = 100, size = 16, black = 0;
	for (i = 0; i < n; i++) {
		int gid = fz_encode_character(ctx, font, (int)cps[i]);
		fz_show_glyph(ctx, text, font, fz_make_matrix(size, 0, 0, -size, x, 300), gid, (int)cps[i], 0, 0,
			      FZ_BIDI_LTR, FZ_LANG_UNSET);
		x += cps[i] == ' ' ? size / 3 : fz_advance_glyph(ctx, font, gid, 0) * size;
	}
	fz_fill_text(ctx, dev, text, fz_identity, fz_device_gray(ctx), &black, 1, fz_default_color_params);
	fz_end_page(ctx, w);
	fz_close_document_writer(ctx, w);
	fz_drop_document_writer(ctx, w);
	fz_drop_text(ctx, text);
	fz_drop_font(ctx, font);
	return out;
}

static void test_arabic_visual_order(void **state)
{
	/* "مدينة حلب 2023" (city of Aleppo 2023) as a visual-order producer
	 * writes it, left to right: 2023, then the shaped letters of حلب and
	 * مدينة each reversed (final forms first) */
	static const uint32_t visual[] = {'2', '0', '2', '3', ' ', 0xFE90, 0xFEE0, 0xFEA3, ' ',
					  0xFE94, 0xFEE8, 0xFEF4, 0xFEAA, 0xFEE3};
	dft_sink_mem m;
	fz_buffer *pdf;
	(void)state;
	pdf = visual_order_pdf(visual, (int)(sizeof(visual) / sizeof(visual[0])));
	assert_int_equal(fx_run(dft_extract_pdf, pdf->data, pdf->len, "application/pdf", &m), 0);
	printf("visual-order line extracted as: %s", dft_buf_cstr(&m.text));
	assert_string_equal(dft_buf_cstr(&m.text), "مدينة حلب 2023\n");
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), pdf);
}

/* A PDF with Info metadata, an embedded file in the name tree and a file
 * attachment annotation, re-saved through MuPDF's PDF API; optionally
 * encrypted with the user password upw. */
static fz_buffer *make_rich_pdf(const char *upw, int encrypt)
{
	fz_context *ctx = fx_ctx();
	fz_buffer *base = fx_story_pdf("<p>Body text of the rich document.</p>", NULL, NULL), *out;
	fz_stream *s = fz_open_buffer(ctx, base);
	pdf_document *doc = pdf_open_document_with_stream(ctx, s);
	pdf_obj *info = pdf_new_dict(ctx, doc, 8), *names, *ef, *arr, *fs, *fs2;
	fz_buffer *c1 = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)"hello attachment\n", 17);
	fz_buffer *c2 = fz_new_buffer_from_copied_data(ctx, (const unsigned char *)"annotated file\n", 15);
	pdf_page *page;
	pdf_annot *annot;
	fz_output *o;
	pdf_write_options opts = pdf_default_write_options;

	pdf_dict_put_drop(ctx, info, PDF_NAME(Title), pdf_new_text_string(ctx, "Transfers of staff"));
	pdf_dict_put_drop(ctx, info, PDF_NAME(Author), pdf_new_text_string(ctx, "مديرية الشرطة"));
	pdf_dict_put_drop(ctx, info, PDF_NAME(Creator), pdf_new_text_string(ctx, "Writer"));
	pdf_dict_put_drop(ctx, info, PDF_NAME(Producer), pdf_new_text_string(ctx, "daftar test"));
	pdf_dict_put_drop(ctx, info, PDF_NAME(CreationDate), pdf_new_string(ctx, "D:20230305143000+03'00'", 23));
	pdf_dict_put_drop(ctx, info, PDF_NAME(ModDate), pdf_new_string(ctx, "D:20240101", 10));
	pdf_dict_put_drop(ctx, pdf_trailer(ctx, doc), PDF_NAME(Info), pdf_add_object_drop(ctx, doc, info));

	fs = pdf_add_embedded_file(ctx, doc, "note.txt", "text/plain", c1, -1, -1, 0);
	names = pdf_dict_put_dict(ctx, pdf_dict_get(ctx, pdf_trailer(ctx, doc), PDF_NAME(Root)), PDF_NAME(Names), 2);
	ef = pdf_dict_put_dict(ctx, names, PDF_NAME(EmbeddedFiles), 2);
	arr = pdf_dict_put_array(ctx, ef, PDF_NAME(Names), 2);
	pdf_array_push_text_string(ctx, arr, "note.txt");
	pdf_array_push_drop(ctx, arr, fs);

	page = pdf_load_page(ctx, doc, 0);
	annot = pdf_create_annot(ctx, page, PDF_ANNOT_FILE_ATTACHMENT);
	fs2 = pdf_add_embedded_file(ctx, doc, "annotated.txt", "text/plain", c2, -1, -1, 0);
	pdf_set_annot_filespec(ctx, annot, fs2);
	pdf_update_page(ctx, page);

	out = fz_new_buffer(ctx, 4096);
	o = fz_new_output_with_buffer(ctx, out);
	if (encrypt) {
		opts.do_encrypt = PDF_ENCRYPT_AES_256;
		snprintf(opts.upwd_utf8, sizeof(opts.upwd_utf8), "%s", upw);
		snprintf(opts.opwd_utf8, sizeof(opts.opwd_utf8), "owner-secret");
		opts.permissions = -1;
	}
	pdf_write_document(ctx, doc, o, &opts);
	fz_close_output(ctx, o);
	fz_drop_output(ctx, o);
	pdf_drop_annot(ctx, annot);
	fz_drop_page(ctx, (fz_page *)page);
	fz_drop_buffer(ctx, c1);
	fz_drop_buffer(ctx, c2);
	pdf_drop_document(ctx, doc);
	fz_drop_stream(ctx, s);
	fz_drop_buffer(ctx, base);
	return out;
}

static void test_metadata_and_attachments(void **state)
{
	dft_sink_mem m;
	dft_buf tmp;
	fz_buffer *pdf = make_rich_pdf("", 0);
	size_t i;
	int note = 0, annotated = 0;
	(void)state;
	assert_int_equal(fx_run(dft_extract_pdf, pdf->data, pdf->len, "application/pdf", &m), 0);
	dft_buf_init(&tmp, 0);
	assert_string_equal(dft_sink_mem_meta(&m, "title", &tmp), "Transfers of staff");
	assert_string_equal(dft_sink_mem_meta(&m, "author", &tmp), "مديرية الشرطة");
	assert_string_equal(dft_sink_mem_meta(&m, "creator", &tmp), "Writer");
	assert_string_equal(dft_sink_mem_meta(&m, "producer", &tmp), "daftar test");
	assert_string_equal(dft_sink_mem_meta(&m, "created", &tmp), "2023-03-05T14:30:00+03:00");
	assert_string_equal(dft_sink_mem_meta(&m, "modified", &tmp), "2024-01-01");
	assert_string_equal(dft_sink_mem_meta(&m, "pages", &tmp), "1");
	assert_non_null(strstr(dft_buf_cstr(&m.text), "Body text of the rich document."));
	assert_int_equal(m.nchildren, 2);
	for (i = 0; i < m.nchildren; i++) {
		assert_null(m.children[i].failed);
		if (!strcmp(m.children[i].name, "note.txt")) {
			note++;
			assert_string_equal(dft_buf_cstr(&m.children[i].data), "hello attachment\n");
		} else if (!strcmp(m.children[i].name, "annotated.txt")) {
			annotated++;
			assert_string_equal(dft_buf_cstr(&m.children[i].data), "annotated file\n");
		}
	}
	assert_int_equal(note, 1);
	assert_int_equal(annotated, 1);
	dft_buf_dispose(&tmp);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), pdf);
}

static void test_encrypted(void **state)
{
	dft_sink_mem m;
	fz_buffer *open = make_rich_pdf("", 1), *locked = make_rich_pdf("user-secret", 1);
	(void)state;
	/* an empty user password: read, with a note */
	assert_int_equal(fx_run(dft_extract_pdf, open->data, open->len, "application/pdf", &m), 0);
	assert_non_null(strstr(dft_buf_cstr(&m.text), "Body text"));
	assert_non_null(strstr(dft_buf_cstr(&m.notes), "empty user password"));
	dft_sink_mem_dispose(&m);
	/* a real user password: fails "encrypted" */
	assert_int_equal(fx_run(dft_extract_pdf, locked->data, locked->len, "application/pdf", &m), DFT_EENCRYPTED);
	assert_string_equal(dft_error_msg(), "encrypted");
	assert_int_equal(m.text.len, 0);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), open);
	fz_drop_buffer(fx_ctx(), locked);
}

static void test_scanned_page_ocr(void **state)
{
	dft_sink_mem m;
	dft_buf tmp;
	fz_buffer *text_pdf, *png, *scan;
	double acc;
	const char *words;
	(void)state;
	if (dft_ocr_init() < 0)
		skip();
	text_pdf = fx_story_pdf("<p>" FX_ENGLISH "</p>", "p{font-size:12pt}", NULL);
	png = fx_render_png(text_pdf, 0, 300);
	scan = fx_scan_pdf(png);
	assert_int_equal(fx_run(dft_extract_pdf, scan->data, scan->len, "application/pdf", &m), 0);
	dft_buf_init(&tmp, 0);
	assert_string_equal(dft_sink_mem_meta(&m, "ocr", &tmp), "tesseract eng");
	acc = fx_char_accuracy(FX_ENGLISH, dft_buf_cstr(&m.text));
	print_figure("OCR of a scanned PDF page, English, character accuracy", acc);
	assert_true(acc >= 0.95);
	/* word boxes point at the text: the first is "The", in points on an A4 page */
	words = dft_sink_mem_meta(&m, "ocr_words", &tmp);
	assert_non_null(words);
	{
		int page, x0, y0, x1, y1, start, end;
		assert_int_equal(sscanf(words, "[[%d,%d,%d,%d,%d,%d,%d]", &page, &x0, &y0, &x1, &y1, &start, &end), 7);
		assert_int_equal(page, 1);
		assert_true(x0 >= 40 && x0 < x1 && x1 < 595 && y0 >= 40 && y0 < y1 && y1 < 842);
		assert_true(end - start == 3 && !strncmp(dft_buf_cstr(&m.text) + start, "The", 3));
	}
	dft_buf_dispose(&tmp);
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), scan);
	fz_drop_buffer(fx_ctx(), png);
	fz_drop_buffer(fx_ctx(), text_pdf);
}

/* A CPU lender for the test: up to `lendable` helper threads at a time. */
static int lendable, borrowed_now, borrowed_max;
static int test_borrow(void)
{
	if (borrowed_now >= lendable) /* only the test's own thread asks */
		return 0;
	borrowed_now++;
	borrowed_max = borrowed_now > borrowed_max ? borrowed_now : borrowed_max;
	return 1;
}
static void test_give_back(void) { borrowed_now--; }

/* What a worker sent for one document. */
struct worker_out {
	dft_buf text, meta; /* meta as key=value lines */
	int done;           /* 'Z' or 'F' once it ended */
};

static int worker_frame(void *ctx, int kind, const char *p, size_t n)
{
	struct worker_out *o = ctx;
	if (kind == DFT_FRAME_TEXT)
		return dft_buf_add(&o->text, p, n);
	if (kind == DFT_FRAME_META) {
		size_t k = strnlen(p, n);
		int rc = dft_buf_add(&o->meta, p, k);
		if (rc == 0)
			rc = dft_buf_adds(&o->meta, "=");
		if (rc == 0 && k < n) /* key NUL value NUL */
			rc = dft_buf_add(&o->meta, p + k + 1, strnlen(p + k + 1, n - k - 1));
		return rc == 0 ? dft_buf_adds(&o->meta, "\n") : rc;
	}
	if (kind == DFT_FRAME_DONE || kind == DFT_FRAME_FAILED)
		o->done = kind;
	return 0;
}

/* Three scanned pages (each a different sentence) around a typed one. */
static fz_buffer *four_page_scan(void)
{
	static const char *const pages[] = {
		"The committee met on the first of March to review the accounts of the northern office.",
		"Fuel deliveries to the western depot fell by half during the winter months of that year.",
		"Every checkpoint kept a register of vehicles, drivers and the goods that they carried.",
	};
	fz_context *ctx = fx_ctx();
	fz_archive *arch = fz_new_tree_archive(ctx, NULL);
	fz_buffer *pdf;
	char html[1024];
	for (int i = 0; i < 3; i++) {
		char css[64], name[16];
		fz_buffer *text_pdf, *png;
		snprintf(css, sizeof(css), "p{font-size:%dpt}", 13 + i);
		snprintf(html, sizeof(html), "<p>%s</p>", pages[i]);
		text_pdf = fx_story_pdf(html, css, NULL);
		png = fx_render_png(text_pdf, 0, 200);
		snprintf(name, sizeof(name), "p%d.png", i);
		fz_tree_archive_add_buffer(ctx, arch, name, png);
		fz_drop_buffer(ctx, png);
		fz_drop_buffer(ctx, text_pdf);
	}
	/* each image fills a page; a page of real text between the first two */
	pdf = fx_story_pdf("<body style='margin:0'><img src='p0.png' style='width:495pt;height:735pt'>"
			   "<p>A typed page between the scans, with its own text layer.</p>"
			   "<img src='p1.png' style='width:495pt;height:735pt'>"
			   "<img src='p2.png' style='width:495pt;height:735pt'></body>",
			   NULL, arch);
	fz_drop_archive(ctx, arch);
	return pdf;
}

/* Scanned pages read on helper threads (the CPUs of idle workers) give the
 * same text, in the same order, with the same word boxes, as one thread. */
static void test_scanned_pages_in_parallel(void **state)
{
	fz_buffer *pdf;
	dft_sink_mem one, many;
	dft_buf t1, t2, w1, w2;
	const char *par;
	(void)state;
	if (dft_ocr_init() < 0)
		skip();
	pdf = four_page_scan();
	dft_ocr_set_cpu_lender(NULL, NULL);
	assert_int_equal(fx_run(dft_extract_pdf, pdf->data, pdf->len, "application/pdf", &one), 0);
	lendable = 2;
	borrowed_now = borrowed_max = 0;
	dft_ocr_set_cpu_lender(test_borrow, test_give_back);
	assert_int_equal(fx_run(dft_extract_pdf, pdf->data, pdf->len, "application/pdf", &many), 0);
	dft_ocr_set_cpu_lender(NULL, NULL);
	assert_int_equal(borrowed_now, 0); /* every CPU given back */
	assert_true(borrowed_max >= 1);

	dft_buf_init(&t1, 0);
	dft_buf_init(&t2, 0);
	dft_buf_init(&w1, 0);
	dft_buf_init(&w2, 0);
	assert_null(dft_sink_mem_meta(&one, "ocr_parallel_pages", &t1));
	par = dft_sink_mem_meta(&many, "ocr_parallel_pages", &t2);
	assert_non_null(par);
	assert_true(atoi(par) >= 1);
	assert_string_equal(dft_sink_mem_meta(&one, "pages", &t1), "4");
	/* the pages in order: the scans' sentences around the typed page */
	{
		const char *text = dft_buf_cstr(&one.text), *a = strstr(text, "committee"),
			   *b = strstr(text, "typed page"), *c = strstr(text, "western depot"),
			   *d = strstr(text, "checkpoint");
		assert_true(a && b && c && d && a < b && b < c && c < d);
	}
	assert_string_equal(dft_buf_cstr(&one.text), dft_buf_cstr(&many.text));
	assert_string_equal(dft_sink_mem_meta(&one, "ocr_words", &w1), dft_sink_mem_meta(&many, "ocr_words", &w2));
	/* the same through a real worker, in its sandbox, with a CPU lent by
	 * the parent: the helper thread loads its engines there */
	{
		char dir[512], path[600];
		struct worker_out wo;
		dft_worker *w = NULL;
		dft_limits lim;
		FILE *f;
		int fd, rc = 0;
		double t0 = dft_now();
		assert_int_equal(test_dir(dir, sizeof(dir), "pdfpar"), 0);
		assert_int_equal(mkdir(dir, 0755), 0);
		snprintf(path, sizeof(path), "%s/scan.pdf", dir);
		assert_non_null(f = fopen(path, "wb"));
		assert_int_equal(fwrite(pdf->data, 1, pdf->len, f), pdf->len);
		fclose(f);
		dft_limits_default(&lim);
		memset(&wo, 0, sizeof(wo));
		dft_buf_init(&wo.text, 0);
		dft_buf_init(&wo.meta, 0);
		assert_int_equal(dft_worker_start(&w, &lim, NULL), 0);
		dft_worker_lend(1);
		assert_true((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0);
		assert_int_equal(dft_worker_send(w, fd, "scan.pdf"), 0);
		while (!wo.done && rc == 0 && dft_now() - t0 < 120) {
			struct pollfd pfd = {dft_worker_socket(w), POLLIN, 0};
			if (poll(&pfd, 1, 200) > 0)
				rc = dft_worker_read(w, worker_frame, &wo);
		}
		dft_worker_lend(0);
		dft_worker_stop(w, 1, NULL, 0);
		assert_int_equal(rc, 0);
		assert_int_equal(wo.done, 'Z');
		assert_string_equal(dft_buf_cstr(&wo.text), dft_buf_cstr(&one.text));
		assert_non_null(strstr(dft_buf_cstr(&wo.meta), "ocr_parallel_pages="));
		dft_buf_dispose(&wo.text);
		dft_buf_dispose(&wo.meta);
		test_rmrf(dir);
	}
	dft_buf_dispose(&t1);
	dft_buf_dispose(&t2);
	dft_buf_dispose(&w1);
	dft_buf_dispose(&w2);
	dft_sink_mem_dispose(&one);
	dft_sink_mem_dispose(&many);
	fz_drop_buffer(fx_ctx(), pdf);
}

/* A PDF whose embedded file is a flate stream of 1.6 GiB of zeros (about
 * 1.6 MB compressed): the memory budget stops it, the document is read. */
static void test_decompression_bomb(void **state)
{
	const uint64_t expanded = (uint64_t)1600 << 20;
	unsigned char *zeros = calloc(1, 1 << 20), *comp = malloc(4 << 20);
	dft_buf pdf;
	dft_sink_mem m;
	z_stream z;
	uint64_t done = 0;
	size_t clen, xref[8];
	(void)state;
	memset(&z, 0, sizeof(z));
	assert_int_equal(deflateInit(&z, 9), Z_OK);
	z.next_out = comp;
	z.avail_out = 4 << 20;
	while (done < expanded) {
		z.next_in = zeros;
		z.avail_in = 1 << 20;
		done += 1 << 20;
		assert_int_not_equal(deflate(&z, done < expanded ? Z_NO_FLUSH : Z_FINISH), Z_STREAM_ERROR);
	}
	clen = (4 << 20) - z.avail_out;
	deflateEnd(&z);
	dft_buf_init(&pdf, 16 << 20);
	dft_buf_adds(&pdf, "%PDF-1.7\n");
	xref[1] = pdf.len;
	dft_buf_adds(&pdf, "1 0 obj <</Type/Catalog/Pages 2 0 R/Names<</EmbeddedFiles<</Names[(bomb.bin) 4 0 R]>>>>>> endobj\n");
	xref[2] = pdf.len;
	dft_buf_adds(&pdf, "2 0 obj <</Type/Pages/Kids[3 0 R]/Count 1>> endobj\n");
	xref[3] = pdf.len;
	dft_buf_adds(&pdf, "3 0 obj <</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>> endobj\n");
	xref[4] = pdf.len;
	dft_buf_adds(&pdf, "4 0 obj <</Type/Filespec/F(bomb.bin)/EF<</F 5 0 R>>>> endobj\n");
	xref[5] = pdf.len;
	dft_buf_addf(&pdf, "5 0 obj <</Type/EmbeddedFile/Filter/FlateDecode/Length %zu>> stream\n", clen);
	dft_buf_add(&pdf, comp, clen);
	dft_buf_adds(&pdf, "\nendstream endobj\n");
	{
		size_t x = pdf.len;
		int i;
		dft_buf_adds(&pdf, "xref\n0 6\n0000000000 65535 f \n");
		for (i = 1; i <= 5; i++)
			dft_buf_addf(&pdf, "%010zu 00000 n \n", xref[i]);
		dft_buf_addf(&pdf, "trailer <</Size 6/Root 1 0 R>>\nstartxref\n%zu\n%%%%EOF\n", x);
	}
	assert_int_equal(fx_run(dft_extract_pdf, pdf.ptr, pdf.len, "application/pdf", &m), 0);
	assert_int_equal(m.nchildren, 1);
	assert_non_null(m.children[0].failed);
	assert_non_null(strstr(m.children[0].failed, "out of memory"));
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&pdf);
	free(zeros);
	free(comp);
}

static void test_garbage_and_truncated(void **state)
{
	static const char junk[] = "%PDF-1.4\nthis is not really a PDF at all\n";
	dft_sink_mem m;
	fz_buffer *pdf = fx_story_pdf("<p>" FX_ENGLISH "</p>", NULL, NULL);
	size_t cut;
	(void)state;
	assert_true(fx_run(dft_extract_pdf, junk, sizeof(junk) - 1, "application/pdf", &m) < 0);
	assert_true(strlen(dft_error_msg()) > 0);
	dft_sink_mem_dispose(&m);
	/* every cut of a real PDF: an error or some text, never a crash */
	for (cut = 0; cut < pdf->len; cut += pdf->len / 97 + 1) {
		int rc = fx_run(dft_extract_pdf, pdf->data, cut, "application/pdf", &m);
		assert_true(rc == 0 || rc == DFT_ECORRUPT || rc == DFT_EINVAL);
		dft_sink_mem_dispose(&m);
	}
	fz_drop_buffer(fx_ctx(), pdf);
}

static void test_text_limit(void **state)
{
	dft_sink_mem m;
	dft_input in;
	dft_limits lim;
	fz_buffer *pdf = fx_story_pdf("<p>" FX_ENGLISH "</p><p>" FX_ENGLISH "</p>", NULL, NULL);
	(void)state;
	dft_limits_default(&lim);
	lim.max_text = 100;
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = pdf->data;
	in.size = pdf->len;
	in.limits = &lim;
	dft_sink_mem_init(&m, 0);
	assert_int_equal(dft_extract_pdf(&m.sink, &in), 0);
	assert_true(m.text.len <= 100 && m.text.len > 80);
	assert_non_null(strstr(dft_buf_cstr(&m.notes), "text cut at 100 bytes"));
	dft_sink_mem_dispose(&m);
	fz_drop_buffer(fx_ctx(), pdf);
}

/* ---- real PDFs ----------------------------------------------------------- */

static int run_shared(const char *rel, dft_sink_mem *m, dft_buf *b)
{
	char path[300];
	snprintf(path, sizeof(path), "tika-test-documents/%s", rel);
	if (test_read_corpus(path, b) < 0)
		return 1;
	return fx_run(dft_extract_pdf, b->ptr, b->len, "application/pdf", m);
}

static void test_tika_basic(void **state)
{
	dft_sink_mem m;
	dft_buf b, tmp;
	(void)state;
	if (test_read_corpus("tika-test-documents/testPDF.pdf", &b) < 0)
		skip();
	assert_int_equal(fx_run(dft_extract_pdf, b.ptr, b.len, "application/pdf", &m), 0);
	dft_buf_init(&tmp, 0);
	assert_string_equal(dft_sink_mem_meta(&m, "title", &tmp), "Apache Tika - Apache Tika");
	assert_string_equal(dft_sink_mem_meta(&m, "author", &tmp), "Bertrand Delacrétaz");
	assert_string_equal(dft_sink_mem_meta(&m, "created", &tmp), "2007-09-15T11:02:31+02:00");
	assert_non_null(strstr(dft_buf_cstr(&m.text), "Apache Tika is a toolkit for detecting and extracting metadata"));
	dft_buf_dispose(&tmp);
	dft_buf_dispose(&b);
	dft_sink_mem_dispose(&m);
}

static void test_tika_attachments_and_passwords(void **state)
{
	dft_sink_mem m;
	dft_buf b;
	int rc;
	(void)state;
	rc = run_shared("testPDF_childAttachments.pdf", &m, &b);
	if (rc == 1)
		skip();
	assert_int_equal(rc, 0);
	assert_true(m.nchildren >= 2);
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	assert_int_equal(run_shared("testPDFFileEmbInAnnotation.pdf", &m, &b), 0);
	assert_true(m.nchildren >= 1);
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	assert_int_equal(run_shared("testPDFPackage.pdf", &m, &b), 0);
	assert_true(m.nchildren >= 2);
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);

	/* a user password */
	assert_int_equal(run_shared("testUnicodePassword.pdf", &m, &b), DFT_EENCRYPTED);
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);
	/* only an owner password: read */
	assert_int_equal(run_shared("testPDF_protected.pdf", &m, &b), 0);
	assert_true(m.text.len > 0);
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_english_fidelity),
		cmocka_unit_test(test_arabic_logical_order),
		cmocka_unit_test(test_arabic_visual_order),
		cmocka_unit_test(test_metadata_and_attachments),
		cmocka_unit_test(test_encrypted),
		cmocka_unit_test(test_scanned_page_ocr),
		cmocka_unit_test(test_scanned_pages_in_parallel),
		cmocka_unit_test(test_decompression_bomb),
		cmocka_unit_test(test_garbage_and_truncated),
		cmocka_unit_test(test_text_limit),
		cmocka_unit_test(test_tika_basic),
		cmocka_unit_test(test_tika_attachments_and_passwords),
	};
	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
