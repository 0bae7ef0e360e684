/*
 * ocr.h - the OCR module shared by the image and PDF extractors (internal
 * to src/extract/). Tesseract is loaded once per worker by dft_ocr_init()
 * (declared in daftar/extract.h), before the sandbox closes, because it
 * reads its traineddata files; after that, recognising a page touches no
 * file.
 *
 * A document's OCR output is its text, emitted through the sink like any
 * other text, and the boxes of its words, kept in a dft_ocr_words and
 * reported at the end as the meta key "ocr_words": a compact JSON array
 * [[page, x0, y0, x1, y1, start, end, conf], ...] where start/end are byte
 * offsets of the word in the document's emitted text and conf Tesseract's
 * confidence in the word (0-100). Its size is bounded (one meta frame);
 * past the bound words are dropped with a note. The meta key "ocr" names
 * the models that read the pages ("tesseract Arabic", "tesseract
 * Arabic+eng", ...).
 */
#ifndef DAFTAR_EXTRACT_OCR_H
#define DAFTAR_EXTRACT_OCR_H

#include "daftar/extract.h"

struct Pix;

/* Bytes of the "ocr_words" JSON value (a meta frame is at most 1 MiB). */
#define DFT_OCR_WORDS_MAX ((size_t)1000000)

typedef struct dft_ocr_word {
	int x0, y0, x1, y1; /* pixels of the image given to dft_ocr_page */
	size_t start, end;  /* byte offsets in the page's text */
	float conf;         /* Tesseract's confidence, 0..100 */
} dft_ocr_word;

/* One recognised page: UTF-8 text (words separated by spaces, lines by
 * "\n", paragraphs by a blank line) and its words. */
typedef struct dft_ocr_page {
	dft_buf text;
	dft_ocr_word *words;
	size_t nwords, cap;
	double mean_conf; /* mean word confidence, 0..100 */
	const char *model; /* the model that read it ("Arabic", "eng") */
} dft_ocr_page;

/* How pages are prepared and read (ocr.c explains each step). The
 * defaults are what measured best on bench/ocr's dev set; the tool
 * tools/daftar-ocr.c changes them to measure each step. */
typedef struct dft_ocr_options {
	int osd;             /* orientation and script detection */
	int deskew;
	int local_deskew;    /* a photo's keystone levelled (projective transform) */
	double skew_conf;    /* Leptonica's confidence a skew must have */
	int surround;        /* paint white what lies around a photographed page */
	int perspective;     /* and make its quadrilateral the rectangle it was */
	int photo_upscale;   /* a photo's small text scaled up (as a sharp scan's) */
	int denoise;         /* 3x3 median: 0 never, 1 on noisy pages, 2 always */
	double noise_max;    /* noise level (grey levels) above which it is noisy */
	int bgnorm;          /* background normalisation on uneven pages */
	int rescale;         /* scale the page so text is target_height high */
	int target_height;   /* median component height, pixels */
	int single_line;     /* an image of one text line is read as a line */
	int block;           /* a page not in columns is read as one block (psm 6) */
	int psm;             /* > 0: this page segmentation mode always */
	int force_engine;    /* -1 by the script; 0 Arabic, 1 eng */
	const char *arabic_model; /* "ara" or "Arabic" (Tesseract's script model) */
	int fallback;        /* unsure words read again by the other model */
	int fallback_conf;   /* words under this confidence are tried */
	int fallback_margin; /* the other reading must be this much surer */
	int fallback_accept; /* and at least this sure */
	int fallback_max;    /* words tried a page at most */
} dft_ocr_options;

void dft_ocr_options_default(dft_ocr_options *o);
/* Set the options of this process (before dft_ocr_recognise). */
void dft_ocr_set_options(const dft_ocr_options *o);

/* A photographed page's quadrilateral: `inside` (1 bpp) is the paper, a
 * filled region; a line is fitted to each of its four edges and moved
 * `inset` pixels inwards. quad gets the corners (x, y) top left, top
 * right, bottom right, bottom left. -1 when the region is not a
 * quadrilateral with sides near the image's axes (within about 17
 * degrees). */
int dft_ocr_paper_quad(struct Pix *inside, double inset, double quad[8]);
/* The quadrilateral quad of gray (8 bpp) as a rectangle as wide as its
 * longer top or bottom side and as high as its longer left or right side
 * (less, if that does not fit in gray); coeffs gets the projective
 * transform from the rectangle's pixels to gray's. NULL on failure. */
struct Pix *dft_ocr_unwarp(struct Pix *gray, const double quad[8], double coeffs[8]);

/* Is Tesseract loaded? (0 when dft_ocr_init failed or was not called) */
int dft_ocr_available(void);

void dft_ocr_page_init(dft_ocr_page *p, size_t max_text);
void dft_ocr_page_dispose(dft_ocr_page *p);
/* Recognise pix (any depth) at ppi dots per inch (0: the image's own, or
 * 300) into p. */
int dft_ocr_recognise(dft_ocr_page *p, struct Pix *pix, int ppi);

/* Pages on helper threads. The extraction worker installs a CPU lender
 * (worker.c: the ingest lends the CPUs of idle workers); while it lends
 * one, a document's pages are read on helper threads, each with engines of
 * its own, and the document's text still comes out in page order. */
void dft_ocr_set_cpu_lender(int (*borrow)(void), void (*give_back)(void));

/* The words of a document. */
typedef struct dft_ocr_words {
	dft_buf json;
	size_t n, dropped;
	int pages;
	char models[32]; /* the models that read the pages, "+"-joined */
} dft_ocr_words;

void dft_ocr_words_init(dft_ocr_words *w);
void dft_ocr_words_dispose(dft_ocr_words *w);
/* Add page `page` (1-based)'s words; `base` is the byte offset in the
 * document's text where the page's text was emitted, `kept` how many of
 * its bytes were (words beyond are dropped), and boxes are multiplied by
 * `scale` (to give image pixels or PDF points). */
int dft_ocr_words_add(dft_ocr_words *w, int page, uint64_t base, size_t kept,
		      const dft_ocr_page *p, double scale);
/* Report "ocr", "ocr_words" (when any) and a note when words were dropped. */
int dft_ocr_words_finish(dft_ocr_words *w, dft_sink *sink);

/* A document's output in page order: text emitted through `emit` (the
 * extractor's own, which counts *emitted and cuts at max_text), OCR'd pages
 * as they are read, in order, their words into `words`. Output that comes
 * after a page still being read is held (at most DFT_OCR_AHEAD items). */
#define DFT_OCR_AHEAD 8
typedef struct dft_ocr_async dft_ocr_async;
typedef struct dft_ocr_held {
	int page;             /* 1-based; 0: held text */
	double scale;         /* of its boxes (dft_ocr_words_add) */
	dft_ocr_async *async; /* still being read on a helper thread */
	dft_ocr_page ocr;     /* read (when async is NULL) */
	dft_buf text;         /* held text (page 0) */
} dft_ocr_held;
typedef struct dft_ocr_order {
	int (*emit)(void *ctx, const char *p, size_t n, size_t *kept);
	void *ctx;
	const uint64_t *emitted; /* bytes emitted so far: the base of a page's words */
	dft_ocr_words *words;
	size_t max_text;         /* of one page */
	dft_ocr_held held[DFT_OCR_AHEAD];
	int nheld;
	int parallel;            /* pages read on helper threads */
} dft_ocr_order;

void dft_ocr_order_init(dft_ocr_order *o, int (*emit)(void *ctx, const char *p, size_t n, size_t *kept),
			void *ctx, const uint64_t *emitted, dft_ocr_words *words, size_t max_text);
/* Text, in order. */
int dft_ocr_order_text(dft_ocr_order *o, const char *p, size_t n);
/* Recognise pix (taken: destroyed here) as page `page` (1-based) at ppi
 * (0: its own): on a helper thread when a CPU is lent and `more` pages
 * follow (the caller goes on with them meanwhile), else here. */
int dft_ocr_order_page(dft_ocr_order *o, struct Pix *pix, int ppi, int page, double scale, int more);
/* Emit what is ready; with wait, everything (call it at the end). */
int dft_ocr_order_flush(dft_ocr_order *o, int wait);
/* Wait for and drop what is left (after an error). */
void dft_ocr_order_dispose(dft_ocr_order *o);

#endif
