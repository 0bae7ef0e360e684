/*
 * ocr.c - Tesseract OCR for the image and PDF extractors (see ocr.h).
 *
 * One TessBaseAPI per worker, initialised with "ara+eng" before the
 * sandbox closes. Each page: SetImage2, Recognize, then a walk of the
 * result iterator word by word, which gives words in reading order
 * (logical order for right-to-left lines), with their boxes.
 */
#include "ocr.h"

#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

static TessBaseAPI *tess;

/* At exit: free the engine, so Tesseract's object cache does not warn of
 * leaks on stderr as the worker ends. */
static void ocr_end(void)
{
	if (tess) {
		TessBaseAPIEnd(tess);
		TessBaseAPIDelete(tess);
		tess = NULL;
	}
}

/* Tesseract parallelises with OpenMP, whose threads the sandbox cannot
 * create (no clone): libgomp would exit the worker. With no active
 * parallel levels every region runs on the calling thread alone. Debian's
 * libtesseract links libgomp, so the symbol is there without linking it
 * ourselves; found at run time, it costs nothing when it is not. One
 * thread an OCR is also what a pool of workers wants. */
static void ocr_single_thread(void)
{
	void (*set_levels)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
	if (set_levels)
		set_levels(0);
}

int dft_ocr_init(void)
{
	if (tess)
		return 0;
	ocr_single_thread();
	setMsgSeverity(L_SEVERITY_NONE); /* leptonica: no chatter on stderr */
	tess = TessBaseAPICreate();
	if (!tess)
		return dft_error_set(DFT_ENOMEM, "cannot create the OCR engine");
	/* NULL data path: $TESSDATA_PREFIX, else Debian's tessdata folder */
	if (TessBaseAPIInit3(tess, NULL, "ara+eng") != 0) {
		TessBaseAPIDelete(tess);
		tess = NULL;
		return dft_error_set(DFT_ENOTFOUND, "cannot load Tesseract's ara+eng traineddata");
	}
	/* no debug output files. Not "/dev/null": tprintf() would fopen() it
	 * for writing on its first message, inside the sandbox, which ends the
	 * worker; its messages go to stderr (as they did when that fopen was
	 * refused) */
	TessBaseAPISetVariable(tess, "debug_file", "");
	atexit(ocr_end);
	return 0;
}

int dft_ocr_available(void) { return tess != NULL; }

void dft_ocr_page_init(dft_ocr_page *p, size_t max_text)
{
	memset(p, 0, sizeof(*p));
	dft_buf_init(&p->text, max_text ? max_text : DFT_BUF_MAX_DEFAULT);
}

void dft_ocr_page_dispose(dft_ocr_page *p)
{
	dft_buf_dispose(&p->text);
	free(p->words);
	memset(p, 0, sizeof(*p));
}

static int page_add_word(dft_ocr_page *p, const dft_ocr_word *w)
{
	if (p->nwords == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 256;
		dft_ocr_word *nw = dft_realloc(p->words, cap * sizeof(*nw));
		if (!nw)
			return DFT_ENOMEM;
		p->words = nw;
		p->cap = cap;
	}
	p->words[p->nwords++] = *w;
	return 0;
}

int dft_ocr_recognise(dft_ocr_page *p, struct Pix *pix, int ppi)
{
	TessResultIterator *it = NULL;
	double conf = 0;
	int rc = 0, first = 1, xres = 0, yres = 0;

	if (!tess)
		return dft_error_set(DFT_ERROR, "OCR not available (Tesseract did not load)");
	dft_buf_reset(&p->text);
	p->nwords = 0;
	p->mean_conf = 0;
	if (ppi <= 0) {
		pixGetResolution(pix, &xres, &yres);
		ppi = xres >= 70 && xres <= 2400 ? xres : 300;
	}
	TessBaseAPISetImage2(tess, pix);
	TessBaseAPISetSourceResolution(tess, ppi);
	if (TessBaseAPIRecognize(tess, NULL) != 0) {
		rc = dft_error_set(DFT_ERROR, "OCR failed");
		goto done;
	}
	it = TessBaseAPIGetIterator(tess);
	if (!it)
		goto done; /* an empty page */
	do {
		const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst(it);
		dft_ocr_word w;
		char *t;
		if (!TessPageIteratorBoundingBox(pit, RIL_WORD, &w.x0, &w.y0, &w.x1, &w.y1))
			continue;
		t = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (!t)
			continue;
		if (!*t) {
			TessDeleteText(t);
			continue;
		}
		if (!first) {
			const char *sep = " ";
			if (TessPageIteratorIsAtBeginningOf(pit, RIL_PARA))
				sep = "\n\n";
			else if (TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE))
				sep = "\n";
			rc = dft_buf_adds(&p->text, sep);
		}
		first = 0;
		w.start = p->text.len;
		if (rc == 0)
			rc = dft_buf_adds(&p->text, t);
		w.end = p->text.len;
		conf += TessResultIteratorConfidence(it, RIL_WORD);
		TessDeleteText(t);
		if (rc == 0)
			rc = page_add_word(p, &w);
		if (rc < 0)
			break;
	} while (TessResultIteratorNext(it, RIL_WORD));
	if (rc == DFT_ELIMIT)
		rc = 0; /* the text buffer's limit: what fitted is kept */
	if (rc == 0 && p->text.len)
		rc = dft_buf_addc(&p->text, '\n');
	if (p->nwords)
		p->mean_conf = conf / (double)p->nwords;
done:
	if (it)
		TessResultIteratorDelete(it);
	TessBaseAPIClear(tess);
	return rc;
}

void dft_ocr_words_init(dft_ocr_words *w)
{
	memset(w, 0, sizeof(*w));
	dft_buf_init(&w->json, DFT_OCR_WORDS_MAX);
}

void dft_ocr_words_dispose(dft_ocr_words *w) { dft_buf_dispose(&w->json); }

int dft_ocr_words_add(dft_ocr_words *w, int page, uint64_t base, size_t kept,
		      const dft_ocr_page *p, double scale)
{
	size_t i;
	char item[160];
	w->pages++;
	for (i = 0; i < p->nwords; i++) {
		const dft_ocr_word *x = &p->words[i];
		int n;
		if (x->end > kept) {
			w->dropped += p->nwords - i;
			break;
		}
		n = snprintf(item, sizeof(item), "%s[%d,%.0f,%.0f,%.0f,%.0f,%llu,%llu]",
			     w->json.len ? "," : "[", page, x->x0 * scale, x->y0 * scale,
			     x->x1 * scale, x->y1 * scale,
			     (unsigned long long)(base + x->start), (unsigned long long)(base + x->end));
		if (n < 0 || (size_t)n >= sizeof(item) || w->json.len + (size_t)n + 2 > DFT_OCR_WORDS_MAX) {
			w->dropped += p->nwords - i;
			break;
		}
		if (dft_buf_add(&w->json, item, (size_t)n) < 0)
			return DFT_ENOMEM;
		w->n++;
	}
	return 0;
}

int dft_ocr_words_finish(dft_ocr_words *w, dft_sink *sink)
{
	int rc;
	if (!w->pages)
		return 0;
	if ((rc = sink->meta(sink, "ocr", DFT_OCR_ENGINE)) < 0)
		return rc;
	if (w->n) {
		if ((rc = dft_buf_addc(&w->json, ']')) < 0)
			return rc;
		if ((rc = sink->meta(sink, "ocr_words", dft_buf_cstr(&w->json))) < 0)
			return rc;
	}
	if (w->dropped) {
		char msg[200];
		snprintf(msg, sizeof(msg), "ocr_words: the boxes of %zu words were left out (the list is limited to %zu bytes or the text was cut)",
			 w->dropped, DFT_OCR_WORDS_MAX);
		if ((rc = sink->note(sink, msg)) < 0)
			return rc;
	}
	return 0;
}
