/*
 * ocr.c - OCR for the image and PDF extractors (see ocr.h): a page is
 * prepared with Leptonica and read by the Tesseract model that suits it.
 *
 * Engines, loaded once per worker before the sandbox closes: the Arabic
 * script model ("Arabic", Debian's tesseract-ocr-script-arab; "ara" when it
 * is absent), English ("eng") and orientation/script detection ("osd").
 * One model a pass: "ara+eng" on an Arabic page costs accuracy (the two
 * models compete for every word), so a page is read by the model of its
 * script and only the words that model is unsure of are tried with the
 * other one.
 *
 * A page, step by step (each one measured on bench/ocr's dev set; the
 * figures are in docs/OCR.md):
 *  1. grey (colour, 16-bit, palette and 1-bit pages become 8-bit); on a
 *     photo, what lies around the paper is painted white, and the paper,
 *     a quadrilateral in the photo, is made the rectangle it was;
 *  2. text size: the height of the connected components; a sharp page
 *     whose text is small for the model (a 150-dpi scan) is scaled up, a
 *     huge one down; a photo never up, and a noisy one is smoothed (3x3
 *     median);
 *  3. deskew (pixFindSkew on a binarised copy; only above 0.1 degrees);
 *  4. background normalisation (uneven light and shade become an even
 *     background), when the background is uneven;
 *  5. orientation and script (OSD): a page upside down or sideways is
 *     turned, and the script picks the model;
 *  6. segmentation: an image that holds one text line is read as a line
 *     (psm 7), anything else with Tesseract's page layout analysis;
 *  7. recognition, word by word with boxes and confidence; words under a
 *     confidence bound are read again with the other script's model and
 *     replaced when it is surer.
 * Boxes are mapped back to the coordinates of the image the caller gave.
 */
#include "ocr.h"

#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tesseract/capi.h>

enum { ENG_ARABIC, ENG_LATIN, ENG_OSD, ENG_N };

/* The engines of the worker's own thread, loaded from files before the
 * sandbox closes; a helper thread (dft_ocr_start) points `engine` at a set
 * of its own, loaded from the same traineddata kept in memory. */
static TessBaseAPI *engine_main[ENG_N];
static _Thread_local TessBaseAPI **engine = engine_main;
static char engine_lang[ENG_N][16];
static dft_ocr_options opts;
static int opts_set;

void dft_ocr_options_default(dft_ocr_options *o)
{
	memset(o, 0, sizeof(*o));
	o->osd = 1;
	o->deskew = 1;
	o->local_deskew = 1;
	o->surround = 1;
	o->perspective = 1;
	o->photo_upscale = 0;
	o->denoise = 1;
	o->skew_conf = 1.0;
	o->noise_max = 4.0;
	o->bgnorm = 1;
	o->rescale = 1;
	o->target_height = 24;
	o->single_line = 1;
	o->block = 1;
	o->fallback = 1;
	o->fallback_conf = 50;
	o->fallback_margin = 25;
	o->fallback_accept = 85;
	o->fallback_max = 80;
	o->force_engine = -1;
	o->arabic_model = "ara";
}

void dft_ocr_set_options(const dft_ocr_options *o)
{
	opts = *o;
	opts_set = 1;
}

static const dft_ocr_options *cur_opts(void)
{
	if (!opts_set) {
		dft_ocr_options_default(&opts);
		opts_set = 1;
	}
	return &opts;
}

/* At exit: free the engines, so Tesseract's object cache does not warn of
 * leaks on stderr as the worker ends. */
static void engines_free(TessBaseAPI **set)
{
	for (int i = 0; i < ENG_N; i++)
		if (set[i]) {
			TessBaseAPIEnd(set[i]);
			TessBaseAPIDelete(set[i]);
			set[i] = NULL;
		}
}

static void helpers_end(void);

static void ocr_end(void)
{
	helpers_end();
	engines_free(engine_main);
}

/* Tesseract parallelises with OpenMP; a pool of workers wants one thread
 * an OCR (and helper threads, below, one a borrowed CPU). With no active
 * parallel levels every region runs on the calling thread alone; the
 * setting is per thread, so each helper makes it too. Debian's
 * libtesseract links libgomp, so the symbols are there without linking it
 * ourselves; found at run time, they cost nothing when they are not. */
static void ocr_single_thread(void)
{
	void (*set_levels)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_max_active_levels");
	void (*set_threads)(int) = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
	if (set_levels)
		set_levels(0);
	if (set_threads)
		set_threads(1);
}

static TessBaseAPI *engine_load(const char *lang)
{
	TessBaseAPI *t = TessBaseAPICreate();
	if (!t)
		return NULL;
	/* NULL data path: $TESSDATA_PREFIX, else Debian's tessdata folder */
	if (TessBaseAPIInit3(t, NULL, lang) != 0) {
		TessBaseAPIDelete(t);
		return NULL;
	}
	/* no debug output files. Not "/dev/null": tprintf() would fopen() it
	 * for writing on its first message, inside the sandbox, which ends the
	 * worker; its messages go to stderr (as they did when that fopen was
	 * refused) */
	TessBaseAPISetVariable(t, "debug_file", "");
	return t;
}

/* The traineddata of each engine, read into memory once, so that a helper
 * thread can load engines of its own inside the sandbox (which opens no
 * file). About 16 MB a worker; read only when helpers may be asked for. */
static struct {
	char *data;
	size_t size;
} engine_data[ENG_N];

static void engine_data_read(int e)
{
	const char *dir = TessBaseAPIGetDatapath(engine_main[e]);
	char path[4096];
	FILE *f;
	long n;
	if (!dir || snprintf(path, sizeof(path), "%s%s%s.traineddata", dir,
			     dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", engine_lang[e]) >= (int)sizeof(path))
		return;
	if (!(f = fopen(path, "rb")))
		return;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) > 0 && n < INT32_MAX && fseek(f, 0, SEEK_SET) == 0 &&
	    (engine_data[e].data = malloc((size_t)n)) != NULL) {
		if (fread(engine_data[e].data, 1, (size_t)n, f) == (size_t)n) {
			engine_data[e].size = (size_t)n;
		} else {
			free(engine_data[e].data);
			engine_data[e].data = NULL;
		}
	}
	fclose(f);
}

int dft_ocr_init(void)
{
	const char *pref = cur_opts()->arabic_model;
	const char *const arabic[] = {pref && !strcmp(pref, "Arabic") ? "Arabic" : "ara",
				      pref && !strcmp(pref, "Arabic") ? "ara" : "Arabic"};
	if (engine_main[ENG_ARABIC])
		return 0;
	ocr_single_thread();
	setMsgSeverity(L_SEVERITY_NONE); /* leptonica: no chatter on stderr */
	for (size_t i = 0; i < 2 && !engine_main[ENG_ARABIC]; i++)
		if ((engine_main[ENG_ARABIC] = engine_load(arabic[i])) != NULL)
			snprintf(engine_lang[ENG_ARABIC], sizeof(engine_lang[0]), "%s", arabic[i]);
	if ((engine_main[ENG_LATIN] = engine_load("eng")) != NULL)
		snprintf(engine_lang[ENG_LATIN], sizeof(engine_lang[0]), "eng");
	if (!engine_main[ENG_ARABIC] || !engine_main[ENG_LATIN]) {
		ocr_end();
		return dft_error_set(DFT_ENOTFOUND, "cannot load Tesseract's Arabic and eng traineddata "
						    "(Debian: tesseract-ocr-ara, tesseract-ocr-eng)");
	}
	/* orientation and script detection is optional (tesseract-ocr-osd):
	 * without it a page is read by both models and the surer one kept */
	if ((engine_main[ENG_OSD] = engine_load("osd")) != NULL) {
		TessBaseAPISetPageSegMode(engine_main[ENG_OSD], PSM_OSD_ONLY);
		snprintf(engine_lang[ENG_OSD], sizeof(engine_lang[0]), "osd");
	}
	for (int e = 0; e < ENG_N; e++)
		if (engine_main[e])
			engine_data_read(e);
	atexit(ocr_end);
	return 0;
}

int dft_ocr_available(void) { return engine_main[ENG_ARABIC] != NULL; }

/* ---- pages on helper threads ------------------------------------------------ */

/* A worker reads one document; when the ingest has CPUs with nothing to
 * do (the last documents of a trove, a trove of one long scanned PDF), it
 * lends them (worker.c), and the pages of that document are read on helper
 * threads, each with engines of its own (Tesseract's engines are not
 * shared between threads; separate instances are safe). The caller keeps
 * the pages' order: it emits a page when it has its answer. */
#define OCR_HELPERS_MAX 8

static int (*cpu_borrow)(void);
static void (*cpu_give_back)(void);
static pthread_mutex_t helpers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	TessBaseAPI *e[ENG_N];
	int busy, loaded;
} helper_set[OCR_HELPERS_MAX];

struct dft_ocr_async {
	pthread_t thread;
	PIX *pix;
	int ppi, set, rc, code;
	char err[512];
	dft_ocr_page page;
	atomic_int done;
};

void dft_ocr_set_cpu_lender(int (*borrow)(void), void (*give_back)(void))
{
	cpu_borrow = borrow;
	cpu_give_back = give_back;
}

static void helpers_end(void)
{
	for (int i = 0; i < OCR_HELPERS_MAX; i++)
		engines_free(helper_set[i].e);
}

/* Engines for a helper thread, from the traineddata in memory. */
static int helper_engines_load(TessBaseAPI **set)
{
	for (int e = 0; e < ENG_N; e++) {
		if (!engine_main[e])
			continue;
		if (!engine_data[e].data || !(set[e] = TessBaseAPICreate()))
			goto fail;
		if (TessBaseAPIInit5(set[e], engine_data[e].data, (int)engine_data[e].size, engine_lang[e],
				     OEM_DEFAULT, NULL, 0, NULL, NULL, 0, 0) != 0) {
			TessBaseAPIDelete(set[e]);
			set[e] = NULL;
			goto fail;
		}
		TessBaseAPISetVariable(set[e], "debug_file", "");
		if (e == ENG_OSD)
			TessBaseAPISetPageSegMode(set[e], PSM_OSD_ONLY);
	}
	return 0;
fail:
	engines_free(set);
	return -1;
}

static void *helper_main(void *arg)
{
	dft_ocr_async *a = arg;
	int loaded;
	/* libgomp keeps these per thread: a helper that did not say so would
	 * start a team of spinning OpenMP threads for every page (a third of
	 * the CPU went to them) */
	ocr_single_thread();
	pthread_mutex_lock(&helpers_lock);
	loaded = helper_set[a->set].loaded;
	pthread_mutex_unlock(&helpers_lock);
	/* loaded on the helper's first page, on the helper's own CPU */
	if (!loaded && helper_engines_load(helper_set[a->set].e) < 0) {
		a->rc = dft_error_set(DFT_ERROR, "OCR: a helper thread could not load Tesseract");
	} else {
		if (!loaded) {
			pthread_mutex_lock(&helpers_lock);
			helper_set[a->set].loaded = 1;
			pthread_mutex_unlock(&helpers_lock);
		}
		engine = helper_set[a->set].e;
		a->rc = dft_ocr_recognise(&a->page, a->pix, a->ppi);
	}
	if (a->rc < 0) {
		a->code = dft_error_code();
		snprintf(a->err, sizeof(a->err), "%s", dft_error_msg());
	}
	pixDestroy(&a->pix);
	atomic_store(&a->done, 1);
	return NULL;
}

static dft_ocr_async *ocr_start(struct Pix *pix, int ppi, size_t max_text)
{
	dft_ocr_async *a;
	int set = -1;
	if (!cpu_borrow || !engine_main[ENG_ARABIC] || !engine_data[ENG_ARABIC].data)
		return NULL;
	pthread_mutex_lock(&helpers_lock);
	for (int i = 0; i < OCR_HELPERS_MAX && set < 0; i++)
		if (!helper_set[i].busy)
			set = i;
	if (set >= 0)
		helper_set[set].busy = 1;
	pthread_mutex_unlock(&helpers_lock);
	if (set < 0)
		return NULL;
	if (!cpu_borrow() || !(a = dft_calloc(1, sizeof(*a))))
		goto undo;
	a->pix = pix;
	a->ppi = ppi;
	a->set = set;
	dft_ocr_page_init(&a->page, max_text);
	{
		pthread_attr_t attr;
		int ok = pthread_attr_init(&attr) == 0;
		/* Tesseract's recursion wants more than a small default */
		if (ok)
			pthread_attr_setstacksize(&attr, (size_t)16 << 20);
		if (ok && pthread_create(&a->thread, &attr, helper_main, a) == 0) {
			pthread_attr_destroy(&attr);
			return a;
		}
		if (ok)
			pthread_attr_destroy(&attr);
	}
	dft_ocr_page_dispose(&a->page);
	free(a);
	cpu_give_back();
undo:
	pthread_mutex_lock(&helpers_lock);
	helper_set[set].busy = 0;
	pthread_mutex_unlock(&helpers_lock);
	return NULL;
}

static int ocr_ready(const dft_ocr_async *a) { return atomic_load(&a->done); }

/* Wait for the page; *p gets it (not initialised before). */
static int ocr_wait(dft_ocr_async *a, dft_ocr_page *p)
{
	int rc;
	pthread_join(a->thread, NULL);
	pthread_mutex_lock(&helpers_lock);
	helper_set[a->set].busy = 0;
	pthread_mutex_unlock(&helpers_lock);
	cpu_give_back();
	rc = a->rc;
	if (rc < 0)
		dft_error_set(a->code ? a->code : DFT_ERROR, "%s", a->err);
	*p = a->page; /* the page's buffers move to the caller */
	free(a);
	return rc;
}

/* ---- a document's pages in order ------------------------------------------------ */

void dft_ocr_order_init(dft_ocr_order *o, int (*emit)(void *ctx, const char *p, size_t n, size_t *kept),
			void *ctx, const uint64_t *emitted, dft_ocr_words *words, size_t max_text)
{
	memset(o, 0, sizeof(*o));
	o->emit = emit;
	o->ctx = ctx;
	o->emitted = emitted;
	o->words = words;
	o->max_text = max_text;
}

static int order_emit_page(dft_ocr_order *o, const dft_ocr_page *p, int page, double scale)
{
	uint64_t base = *o->emitted;
	size_t kept = 0;
	int rc = o->emit(o->ctx, p->text.ptr ? p->text.ptr : "", p->text.len, &kept);
	if (rc == 0)
		rc = dft_ocr_words_add(o->words, page, base, kept, p, scale);
	return rc;
}

static void held_dispose(dft_ocr_held *h)
{
	if (h->async) {
		dft_ocr_page p;
		(void)ocr_wait(h->async, &p);
		dft_ocr_page_dispose(&p);
		h->async = NULL;
	}
	if (h->page)
		dft_ocr_page_dispose(&h->ocr);
	else
		dft_buf_dispose(&h->text);
}

int dft_ocr_order_flush(dft_ocr_order *o, int wait)
{
	int rc = 0;
	while (o->nheld > 0 && rc == 0) {
		dft_ocr_held *h = &o->held[0];
		if (h->page) {
			if (h->async) {
				dft_ocr_async *a = h->async;
				if (!wait && !ocr_ready(a))
					break;
				h->async = NULL;
				rc = ocr_wait(a, &h->ocr);
			}
			if (rc == 0)
				rc = order_emit_page(o, &h->ocr, h->page, h->scale);
		} else {
			size_t kept;
			rc = o->emit(o->ctx, h->text.ptr ? h->text.ptr : "", h->text.len, &kept);
		}
		held_dispose(h);
		memmove(&o->held[0], &o->held[1], (size_t)(o->nheld - 1) * sizeof(o->held[0]));
		o->nheld--;
	}
	return rc;
}

void dft_ocr_order_dispose(dft_ocr_order *o)
{
	while (o->nheld > 0)
		held_dispose(&o->held[--o->nheld]);
}

/* Room at the end of the queue: when it is full, wait for all of it. */
static int order_room(dft_ocr_order *o)
{
	return o->nheld < DFT_OCR_AHEAD ? 0 : dft_ocr_order_flush(o, 1);
}

/* A new item at the end of the queue (order_room made room). */
static dft_ocr_held *order_push(dft_ocr_order *o)
{
	dft_ocr_held *h = &o->held[o->nheld++];
	memset(h, 0, sizeof(*h));
	return h;
}

int dft_ocr_order_text(dft_ocr_order *o, const char *p, size_t n)
{
	dft_ocr_held *h;
	size_t kept;
	int rc;
	if (o->nheld && !o->held[o->nheld - 1].page)
		return dft_buf_add(&o->held[o->nheld - 1].text, p, n);
	if ((rc = order_room(o)) < 0)
		return rc;
	if (!o->nheld)
		return o->emit(o->ctx, p, n, &kept);
	h = order_push(o);
	dft_buf_init(&h->text, o->max_text + 16);
	return dft_buf_add(&h->text, p, n);
}

int dft_ocr_order_page(dft_ocr_order *o, struct Pix *pix, int ppi, int page, double scale, int more)
{
	dft_ocr_async *a;
	dft_ocr_page p;
	dft_ocr_held *h;
	int rc;
	if ((rc = order_room(o)) < 0) {
		pixDestroy(&pix);
		return rc;
	}
	/* a CPU lent: read on a helper thread while the caller goes on */
	if (more && (a = ocr_start(pix, ppi, o->max_text)) != NULL) {
		h = order_push(o);
		h->page = page;
		h->scale = scale;
		h->async = a;
		o->parallel++;
		return 0;
	}
	dft_ocr_page_init(&p, o->max_text);
	rc = dft_ocr_recognise(&p, pix, ppi);
	pixDestroy(&pix);
	if (rc == 0 && o->nheld) { /* behind a page still being read: held */
		h = order_push(o);
		h->page = page;
		h->scale = scale;
		h->ocr = p;
		return 0;
	}
	if (rc == 0)
		rc = order_emit_page(o, &p, page, scale);
	dft_ocr_page_dispose(&p);
	return rc;
}

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

/* ---- script of a text ------------------------------------------------------- */

/* Arabic and Latin letters in UTF-8 text. */
static void script_count(const char *s, size_t *arabic, size_t *latin)
{
	const unsigned char *p = (const unsigned char *)s;
	*arabic = *latin = 0;
	while (*p) {
		uint32_t c = *p;
		size_t n = 1;
		if (c >= 0xC0 && c < 0xE0 && (p[1] & 0xC0) == 0x80) {
			c = (c & 0x1F) << 6 | (p[1] & 0x3F);
			n = 2;
		} else if (c >= 0xE0 && c < 0xF0 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
			c = (c & 0x0F) << 12 | (uint32_t)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
			n = 3;
		}
		if ((c >= 0x0621 && c <= 0x064A) || (c >= 0x0671 && c <= 0x06D3) ||
		    (c >= 0x0750 && c <= 0x077F) || (c >= 0xFB50 && c <= 0xFDFF) ||
		    (c >= 0xFE70 && c <= 0xFEFC))
			(*arabic)++;
		else if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= 0xC0 && c <= 0x24F))
			(*latin)++;
		p += n;
	}
}

/* ---- one recognition pass ---------------------------------------------------- */

typedef struct pass_word {
	char *text;
	int x0, y0, x1, y1; /* in the prepared image */
	float conf;
	unsigned char brk; /* before it: 0 nothing (first), 1 space, 2 line, 3 paragraph */
} pass_word;

typedef struct pass {
	pass_word *w;
	size_t n, cap;
	double conf_sum;
	size_t arabic, latin; /* letters read */
} pass;

static void pass_dispose(pass *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->w[i].text);
	free(ps->w);
	memset(ps, 0, sizeof(*ps));
}

static double pass_mean_conf(const pass *ps) { return ps->n ? ps->conf_sum / (double)ps->n : 0; }

static int pass_run(pass *ps, TessBaseAPI *t, int psm, int ppi)
{
	TessResultIterator *it;
	int rc = 0, first = 1;
	TessBaseAPISetPageSegMode(t, (TessPageSegMode)psm);
	TessBaseAPISetSourceResolution(t, ppi);
	if (TessBaseAPIRecognize(t, NULL) != 0)
		return dft_error_set(DFT_ERROR, "OCR failed");
	it = TessBaseAPIGetIterator(t);
	if (!it)
		return 0; /* an empty page */
	do {
		const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst(it);
		pass_word w;
		char *t8;
		size_t a, l;
		memset(&w, 0, sizeof(w));
		if (!TessPageIteratorBoundingBox(pit, RIL_WORD, &w.x0, &w.y0, &w.x1, &w.y1))
			continue;
		t8 = TessResultIteratorGetUTF8Text(it, RIL_WORD);
		if (!t8)
			continue;
		/* a "word" of white space (noise read as a blank) is no word */
		if (!t8[strspn(t8, " \t\r\n")]) {
			TessDeleteText(t8);
			continue;
		}
		w.brk = first ? 0
			: TessPageIteratorIsAtBeginningOf(pit, RIL_PARA)     ? 3
			: TessPageIteratorIsAtBeginningOf(pit, RIL_TEXTLINE) ? 2
									     : 1;
		first = 0;
		w.conf = TessResultIteratorConfidence(it, RIL_WORD);
		w.text = dft_strdup(t8);
		TessDeleteText(t8);
		if (!w.text) {
			rc = DFT_ENOMEM;
			break;
		}
		if (ps->n == ps->cap) {
			size_t cap = ps->cap ? ps->cap * 2 : 256;
			pass_word *nw = dft_realloc(ps->w, cap * sizeof(*nw));
			if (!nw) {
				free(w.text);
				rc = DFT_ENOMEM;
				break;
			}
			ps->w = nw;
			ps->cap = cap;
		}
		script_count(w.text, &a, &l);
		ps->arabic += a;
		ps->latin += l;
		ps->conf_sum += w.conf;
		ps->w[ps->n++] = w;
	} while (TessResultIteratorNext(it, RIL_WORD));
	TessResultIteratorDelete(it);
	return rc;
}

/* ---- preparing the page ------------------------------------------------------- */

/* How the prepared image maps to the caller's: scaled by `scale`, then
 * rotated by `angle` radians about its centre (deskew), then turned by
 * `quads` quarter turns clockwise. */
typedef struct page_geom {
	int w0, h0;   /* the caller's image */
	int persp;    /* a photographed page's quadrilateral made a rectangle: */
	double pc[8]; /* the coefficients from the rectangle to the caller's image */
	double scale; /* prepared / original (after the rectangle) */
	int ws, hs;   /* after scaling (the deskew keeps the size) */
	double angle;
	int quads;
	int binary; /* black and white only (a fax, a binarised scan) */
	int th;     /* text height in the prepared image, 0 when not known */
	int photo;  /* a photographed page (a surround was found) */
	int local;  /* then a projective correction of the local skew: */
	double vc[8]; /* its coefficients, from the corrected image to the deskewed one */
} page_geom;

/* A binarised copy for measuring (not for recognition): Sauvola's local
 * threshold, which a shaded photo or a painted surround does not fool as
 * a global one is. */
static PIX *binary_of(PIX *gray)
{
	PIX *b = NULL;
	if (pixSauvolaBinarizeTiled(gray, 20, 0.35f, 1, 1, NULL, &b) != 0)
		b = pixThresholdToBinary(gray, 128);
	return b;
}

/* The height of the connected components that look like text (a few
 * pixels up to a fifth of the page), at the 80th percentile: the median
 * would be a dot's height on Arabic pages, where the dots of the letters
 * are as many components as the letters; the 80th percentile is the
 * height of letters with ascenders, in either script. And how many there
 * are. */
static int text_height(PIX *bin, int *count)
{
	BOXA *boxa = pixConnCompBB(bin, 8);
	int n = boxa ? boxaGetCount(boxa) : 0, k = 0, h = 0, ph = pixGetHeight(bin);
	int *hs = n ? malloc((size_t)n * sizeof(*hs)) : NULL;
	for (int i = 0; hs && i < n; i++) {
		int x, y, bw, bh;
		boxaGetBoxGeometry(boxa, i, &x, &y, &bw, &bh);
		if (bh >= 4 && bh <= ph / 5 + 4 && bw >= 2 && bw <= 40 * bh)
			hs[k++] = bh;
	}
	if (k) {
		/* nth element by counting: heights are small integers */
		int maxh = 0, acc = 0, *hist;
		for (int i = 0; i < k; i++)
			maxh = hs[i] > maxh ? hs[i] : maxh;
		hist = calloc((size_t)maxh + 1, sizeof(*hist));
		if (hist) {
			for (int i = 0; i < k; i++)
				hist[hs[i]]++;
			for (h = 0; h <= maxh; h++)
				if ((acc += hist[h]) * 5 >= k * 4)
					break;
			free(hist);
		}
	}
	free(hs);
	boxaDestroy(&boxa);
	*count = k;
	return h;
}

/* Lines of text: runs of rows with ink, gaps shorter than a third of the
 * text height joined. */
static int text_lines(PIX *bin, int th)
{
	NUMA *rows = pixCountPixelsByRow(bin, NULL);
	int n = rows ? numaGetCount(rows) : 0, lines = 0, run = 0, gap = 0;
	l_float32 maxv = 0;
	if (!rows)
		return 0;
	numaGetMax(rows, &maxv, NULL);
	for (int i = 0; i < n; i++) {
		l_float32 v;
		numaGetFValue(rows, i, &v);
		if (v > maxv * 0.03f && v > 0) {
			if (!run && (lines == 0 || gap > th / 3))
				lines++;
			run = 1;
			gap = 0;
		} else {
			run = 0;
			gap++;
		}
	}
	numaDestroy(&rows);
	return lines;
}

/* Columns: a page set in two or more columns of text (a newspaper, a
 * bulletin) has a gutter, a vertical band with no ink over the text's
 * height, with a column of several lines on each side. Tesseract's layout
 * analysis (psm 3) finds the columns; read as one block (psm 6) their
 * lines would be joined across the gutter. A form's labels and values
 * leave such a band too (a right-aligned Arabic form, a form number and a
 * signature on the left), but one side holds only a few lines. */
static int text_columns(PIX *bin, int th)
{
	BOX *ink = NULL;
	PIX *crop = NULL;
	NUMA *cols = NULL;
	l_int32 bx, by, bw, bh;
	int found = 0, run = 0, n, x;
	if (th <= 0 || pixClipToForeground(bin, NULL, &ink) != 0 || !ink)
		return 0;
	boxGetGeometry(ink, &bx, &by, &bw, &bh);
	if (bh < 6 * th || bw < 20 * th || !(crop = pixClipRectangle(bin, ink, NULL)) ||
	    !(cols = pixCountPixelsByColumn(crop)))
		goto done;
	n = numaGetCount(cols);
	/* a band 1.5 text heights wide, a speck or two across it, with at
	 * least 30% of the text's width on each side */
	for (x = (int)(0.3 * n); x < (int)(0.7 * n) && run < th * 3 / 2; x++) {
		l_float32 v = 0;
		numaGetFValue(cols, x, &v);
		run = v <= th / 4 ? run + 1 : 0;
	}
	if (run >= th * 3 / 2) {
		int cut = x - run / 2, left, right;
		BOX *lb = boxCreate(0, 0, cut, bh), *rb = boxCreate(cut, 0, n - cut, bh);
		PIX *lp = lb ? pixClipRectangle(crop, lb, NULL) : NULL, *rp = rb ? pixClipRectangle(crop, rb, NULL) : NULL;
		left = lp ? text_lines(lp, th) : 0;
		right = rp ? text_lines(rp, th) : 0;
		/* lines on both sides, about as many */
		found = left >= 5 && right >= 5 && left * 2 >= right && right * 2 >= left;
		pixDestroy(&lp);
		pixDestroy(&rp);
		boxDestroy(&lb);
		boxDestroy(&rb);
	}
done:
	numaDestroy(&cols);
	pixDestroy(&crop);
	boxDestroy(&ink);
	return found;
}

/* Uneven background: the spread of a coarse background estimate. */
static int background_uneven(PIX *gray)
{
	PIX *small = pixScaleAreaMap(gray, 0.05f, 0.05f);
	l_float32 lo = 0, hi = 0;
	int uneven = 0;
	if (!small)
		return 0;
	/* the background is the light part: compare the 60th percentile of
	 * tiles' brightness in the darkest and lightest regions */
	if (pixGetRankValueMasked(small, NULL, 0, 0, 1, 0.2f, &lo, NULL) == 0 &&
	    pixGetRankValueMasked(small, NULL, 0, 0, 1, 0.95f, &hi, NULL) == 0)
		uneven = hi - lo > 40 || hi < 200;
	pixDestroy(&small);
	return uneven;
}

/* ---- a photographed page's quadrilateral ------------------------------------ */

/* Least squares v = a u + b over n points, then again without the points
 * more than 1.5 away from the first line (a dent of the mask, a corner).
 * The number of points within 1.5 of the line, or -1. */
static int line_fit(const double *u, const double *v, int n, double *a, double *b)
{
	int near = 0;
	for (int round = 0; round < 2; round++) {
		double su = 0, sv = 0, suu = 0, suv = 0, k = 0, d;
		for (int i = 0; i < n; i++) {
			if (round && fabs(v[i] - (*a * u[i] + *b)) > 1.5)
				continue;
			su += u[i];
			sv += v[i];
			suu += u[i] * u[i];
			suv += u[i] * v[i];
			k++;
		}
		if (k < 8 || fabs(d = k * suu - su * su) < 1e-9)
			return -1;
		*a = (k * suv - su * sv) / d;
		*b = (sv - *a * su) / k;
	}
	for (int i = 0; i < n; i++)
		near += fabs(v[i] - (*a * u[i] + *b)) <= 1.5;
	return near;
}

/* Where the lines y = at x + bt (top or bottom) and x = al y + bl (left
 * or right) cross. */
static void lines_cross(double at, double bt, double al, double bl, double *x, double *y)
{
	double d = 1.0 - al * at;
	*x = fabs(d) > 1e-9 ? (al * bt + bl) / d : bl;
	*y = at * *x + bt;
}

int dft_ocr_paper_quad(struct Pix *inside, double inset, double quad[8])
{
	int w, h, n = 0, ok = -1, known[4] = {0};
	l_int32 bx, by, bw, bh;
	double *u = NULL, *v = NULL, a[4] = {0}, b[4] = {0}, area = 0;
	l_int32 count = 0;
	if (!inside || pixGetDepth(inside) != 1)
		return -1;
	w = pixGetWidth(inside);
	h = pixGetHeight(inside);
	if (w < 32 || h < 32 || !(u = malloc((size_t)(w + h) * sizeof(*u))) ||
	    !(v = malloc((size_t)(w + h) * sizeof(*v))))
		goto done;
	/* the edges: in each column of the middle 70% of the region the first
	 * and the last row inside, in each row of its middle 70% the first and
	 * the last column;
	 * a line fitted to each. Sides: 0 top, 1 left, 2 bottom, 3 right. An
	 * edge cut by the image's border (or a few pixels from it, where a
	 * closing cut the region) is not seen there; it is drawn parallel to
	 * the opposite edge, through the innermost point of the region's
	 * border on that side, so that no part of what lies outside the
	 * paper is inside the quadrilateral */
	{
		BOX *box = NULL;
		if (pixClipToForeground(inside, NULL, &box) != 0 || !box)
			goto done;
		boxGetGeometry(box, &bx, &by, &bw, &bh);
		boxDestroy(&box);
	}
	for (int step = 0; step < 2; step++)
		for (int side = 0; side < 4; side++) {
			int horiz = side == 0 || side == 2, across = horiz ? h : w, near;
			int from = horiz ? bx : by, len = horiz ? bw : bh;
			double inner = side < 2 ? -1e9 : 1e9;
			if (step == 1 && (known[side] || (!known[(side + 2) % 4])))
				continue;
			if (step == 1)
				a[side] = a[(side + 2) % 4];
			n = 0;
			for (int i = from + len * 15 / 100; i < from + len * 85 / 100; i++) {
				int first = -1, last = -1;
				double e;
				for (int j = 0; j < across; j++) {
					l_uint32 bit = 0;
					pixGetPixel(inside, horiz ? i : j, horiz ? j : i, &bit);
					if (bit) {
						if (first < 0)
							first = j;
						last = j;
					}
				}
				if (first < 0)
					continue;
				/* the edge between the pixel outside and the one inside */
				e = side < 2 ? first - 0.5 : last + 0.5;
				if (step == 1) {
					double at = e - a[side] * i;
					inner = side < 2 ? fmax(inner, at) : fmin(inner, at);
					n++;
					continue;
				}
				if (side < 2 ? first <= 5 : last >= across - 6)
					continue;
				u[n] = i;
				v[n++] = e;
			}
			if (step == 1) {
				if (n < len / 2)
					goto done;
				b[side] = inner;
			} else if (n >= len / 2 && (near = line_fit(u, v, n, &a[side], &b[side])) >= n * 8 / 10 &&
				   fabs(a[side]) <= 0.3) {
				/* seen along most of its length, and straight */
				known[side] = 1;
			} else
				continue;
			/* moved inwards by `inset` pixels */
			b[side] += (side < 2 ? inset : -inset) * sqrt(1 + a[side] * a[side]);
		}
	/* two opposite edges must be seen */
	if ((!known[0] && !known[2]) || (!known[1] && !known[3]))
		goto done;
	/* corners: top left, top right, bottom right, bottom left */
	lines_cross(a[0], b[0], a[1], b[1], &quad[0], &quad[1]);
	lines_cross(a[0], b[0], a[3], b[3], &quad[2], &quad[3]);
	lines_cross(a[2], b[2], a[3], b[3], &quad[4], &quad[5]);
	lines_cross(a[2], b[2], a[1], b[1], &quad[6], &quad[7]);
	/* the region is in the quadrilateral (its area, by the shoelace
	 * formula, is the region's, less the inset), and is all of it when
	 * all four edges were seen */
	for (int i = 0; i < 4; i++) {
		int j = (i + 1) % 4;
		area += quad[2 * i] * quad[2 * j + 1] - quad[2 * j] * quad[2 * i + 1];
	}
	area = fabs(area) / 2;
	pixCountPixels(inside, &count, NULL);
	{
		double top = hypot(quad[2] - quad[0], quad[3] - quad[1]), bottom = hypot(quad[4] - quad[6], quad[5] - quad[7]);
		double left = hypot(quad[6] - quad[0], quad[7] - quad[1]), right = hypot(quad[4] - quad[2], quad[5] - quad[3]);
		double with_inset = area + inset * (top + bottom + left + right);
		int all = known[0] && known[1] && known[2] && known[3];
		if (count > 0 && with_inset > 0.96 * count && (!all || with_inset < 1.04 * count) && top > 0.7 * bottom &&
		    bottom > 0.7 * top && left > 0.7 * right && right > 0.7 * left)
			ok = 0;
	}
done:
	free(u);
	free(v);
	return ok;
}

struct Pix *dft_ocr_unwarp(struct Pix *gray, const double quad[8], double coeffs[8])
{
	double tw = hypot(quad[2] - quad[0], quad[3] - quad[1]), bw = hypot(quad[4] - quad[6], quad[5] - quad[7]);
	double lh = hypot(quad[6] - quad[0], quad[7] - quad[1]), rh = hypot(quad[4] - quad[2], quad[5] - quad[3]);
	/* the longer of each pair of sides: no part of the page is shrunk */
	double rw = tw > bw ? tw : bw, rh2 = lh > rh ? lh : rh, f = 1;
	int w = pixGetWidth(gray), h = pixGetHeight(gray);
	PTA *ptas = ptaCreate(4), *ptad = ptaCreate(4);
	PIX *warped = NULL, *out = NULL;
	BOX *box = NULL;
	l_float32 *vc = NULL;
	/* pixProjectivePtaGray keeps the image's size: the rectangle fits in it */
	if (rw > w)
		f = w / rw;
	if (rh2 * f > h)
		f = h / rh2;
	rw *= f;
	rh2 *= f;
	if (!ptas || !ptad || rw < 16 || rh2 < 16)
		goto done;
	for (int i = 0; i < 4; i++)
		ptaAddPt(ptas, (float)quad[2 * i], (float)quad[2 * i + 1]);
	ptaAddPt(ptad, 0, 0);
	ptaAddPt(ptad, (float)rw, 0);
	ptaAddPt(ptad, (float)rw, (float)rh2);
	ptaAddPt(ptad, 0, (float)rh2);
	if (getProjectiveXformCoeffs(ptad, ptas, &vc) != 0 || !(warped = pixProjectivePtaGray(gray, ptad, ptas, 255)) ||
	    !(box = boxCreate(0, 0, (int)rw, (int)rh2)) || !(out = pixClipRectangle(warped, box, NULL)))
		goto done;
	for (int i = 0; i < 8; i++)
		coeffs[i] = vc[i];
done:
	free(vc);
	boxDestroy(&box);
	pixDestroy(&warped);
	ptaDestroy(&ptas);
	ptaDestroy(&ptad);
	return out;
}

/* A photographed page lies on something darker (a desk, a floor): the
 * paper is the largest light region. Everything around it is painted
 * white, so that it gives no "words" and does not pull the deskew or the
 * background estimate. A scan, whose paper fills the image, is left
 * alone. Measured on a copy 400 pixels long. */
static int page_mask_surround(PIX *gray, double *quad, int *have_quad)
{
	int w = pixGetWidth(gray), h = pixGetHeight(gray), best = -1, bestn = 0, n, i;
	float f = 400.0f / (float)(w > h ? w : h);
	l_int32 thresh = 0, count = 0;
	PIX *small = NULL, *light = NULL, *closed = NULL, *paper = NULL, *solid = NULL, *outside = NULL,
	    *big = NULL;
	PIXA *pixa = NULL;
	BOXA *boxa = NULL;

	int found = 0;

	if (f >= 1 || !(small = pixScaleAreaMap(gray, f, f)))
		return 0;
	if (pixSplitDistributionFgBg(small, 0.1f, 1, &thresh, NULL, NULL, NULL) != 0 ||
	    !(light = pixThresholdToBinary(small, thresh)))
		goto done;
	pixInvert(light, light); /* 1: lighter than the split */
	if (!(closed = pixCloseBrick(NULL, light, 9, 9)) || !(boxa = pixConnComp(closed, &pixa, 8)))
		goto done;
	n = pixaGetCount(pixa);
	for (i = 0; i < n; i++) {
		PIX *c = pixaGetPix(pixa, i, L_CLONE);
		l_int32 k = 0;
		pixCountPixels(c, &k, NULL);
		if (k > bestn) {
			bestn = k;
			best = i;
		}
		pixDestroy(&c);
	}
	if (best < 0 || !(paper = pixCreate(pixGetWidth(small), pixGetHeight(small), 1)))
		goto done;
	{
		l_int32 bx, by, bw, bh;
		PIX *c = pixaGetPix(pixa, best, L_CLONE);
		pixaGetBoxGeometry(pixa, best, &bx, &by, &bw, &bh);
		pixRasterop(paper, bx, by, bw, bh, PIX_SRC | PIX_DST, c, 0, 0);
		pixDestroy(&c);
	}
	/* outside: what is not paper and touches the image's border (the
	 * holes the text makes in the paper do not) */
	if (!(solid = pixInvert(NULL, paper)) || !(outside = pixExtractBorderConnComps(solid, 4)))
		goto done;
	pixCountPixels(outside, &count, NULL);
	{
		double frac = 1.0 - (double)count / ((double)pixGetWidth(small) * pixGetHeight(small));
		l_float32 out_mean = 0, paper_mean = 0;
		if (frac < 0.25 || frac > 0.95) /* no paper found, or no surround */
			goto done;
		/* a desk is much darker than paper; a tinted band of a
		 * screenshot or a form is not a surround */
		if (pixGetAverageMasked(small, outside, 0, 0, 1, L_MEAN_ABSVAL, &out_mean) != 0 ||
		    pixGetAverageMasked(small, paper, 0, 0, 1, L_MEAN_ABSVAL, &paper_mean) != 0 ||
		    paper_mean - out_mean < 30)
			goto done;
	}
	/* the paper's four corners, in the caller's pixels, 3 small pixels
	 * inside its edge (whose shade goes) */
	if (quad && (solid = pixInvert(solid, outside)) != NULL && dft_ocr_paper_quad(solid, 3.0, quad) == 0) {
		double sx = (double)w / pixGetWidth(small), sy = (double)h / pixGetHeight(small);
		for (int k = 0; k < 4; k++) {
			quad[2 * k] = (quad[2 * k] + 0.5) * sx - 0.5;
			quad[2 * k + 1] = (quad[2 * k + 1] + 0.5) * sy - 0.5;
		}
		*have_quad = 1;
	}
	/* a little into the paper: its shaded edge goes too */
	if (!pixDilateBrick(outside, outside, 7, 7))
		goto done;
	if (!(big = pixScaleBinary(outside, (float)w / pixGetWidth(small), (float)h / pixGetHeight(small))))
		goto done;
	pixSetMasked(gray, big, 255);
	found = 1;
done:
	pixDestroy(&small);
	pixDestroy(&light);
	pixDestroy(&closed);
	pixDestroy(&paper);
	pixDestroy(&solid);
	pixDestroy(&outside);
	pixDestroy(&big);
	pixaDestroy(&pixa);
	boxaDestroy(&boxa);
	return found;
}

/* Pixel noise (a phone's sensor, a JPEG's blocks): the mean absolute
 * difference between a central crop and its 3x3 median, in grey levels.
 * Text edges add a little; clean renders and scans stay under 3, the
 * noisy photos of the dev set measure 5 and more. */
static double noise_level(PIX *gray)
{
	int w = pixGetWidth(gray), h = pixGetHeight(gray), cw = w < 600 ? w : 600, ch = h < 600 ? h : 600;
	BOX *box = boxCreate((w - cw) / 2, (h - ch) / 2, cw, ch);
	PIX *crop = box ? pixClipRectangle(gray, box, NULL) : NULL, *med = NULL;
	double sum = 0;
	boxDestroy(&box);
	if (!crop || !(med = pixMedianFilter(crop, 3, 3))) {
		pixDestroy(&crop);
		return 0;
	}
	for (int y = 1; y < ch - 1; y++) {
		const l_uint32 *a = pixGetData(crop) + (size_t)y * pixGetWpl(crop);
		const l_uint32 *b = pixGetData(med) + (size_t)y * pixGetWpl(med);
		for (int x = 1; x < cw - 1; x++)
			sum += abs((int)GET_DATA_BYTE(a, x) - (int)GET_DATA_BYTE(b, x));
	}
	pixDestroy(&crop);
	pixDestroy(&med);
	return cw > 2 && ch > 2 ? sum / ((double)(cw - 2) * (ch - 2)) : 0;
}

/* The page to recognise (8-bit grey) and how it maps to the original. */
static PIX *page_prepare(PIX *pix, page_geom *g, int *ppi)
{
	const dft_ocr_options *o = cur_opts();
	PIX *gray, *bin, *t;
	int th = 0, ncc = 0, noisy = 0, photo = 0;

	memset(g, 0, sizeof(*g));
	g->w0 = pixGetWidth(pix);
	g->h0 = pixGetHeight(pix);
	g->scale = 1.0;
	/* a copy: the surround is painted over */
	gray = pixGetDepth(pix) == 8 && !pixGetColormap(pix) ? pixCopy(NULL, pix) : pixConvertTo8(pix, 0);
	if (!gray)
		return NULL;
	{
		/* black and white only: almost no grey beside the black (an
		 * anti-aliased render or a scan has grey edges on every stroke) */
		NUMA *hist = pixGetGrayHistogram(gray, 2);
		l_float32 dark = 0, mid = 0, v;
		for (int i = 0; hist && i < 224; i++) {
			numaGetFValue(hist, i, &v);
			if (i < 32)
				dark += v;
			else
				mid += v;
		}
		g->binary = dark > 0 && mid < 0.05f * dark;
		numaDestroy(&hist);
	}
	{
		double quad[8], nl = 0;
		int have_quad = 0;
		photo = g->photo = o->surround && page_mask_surround(gray, o->perspective ? quad : NULL, &have_quad);
		/* the noise is measured before the paper is made a rectangle,
		 * whose interpolation smooths some of it */
		if (o->denoise)
			nl = noise_level(gray);
		/* the paper, a quadrilateral in the photo, made the rectangle it
		 * was: its lines level and as long at one end as at the other,
		 * and nothing of the desk left */
		if (have_quad && (t = dft_ocr_unwarp(gray, quad, g->pc)) != NULL) {
			pixDestroy(&gray);
			gray = t;
			g->persp = 1;
		}
		/* a photo's noise is smoothed; a scan's only when it is very
		 * noisy (the median costs a scan's thin strokes more than its
		 * noise costs the model) */
		if (o->denoise && (o->denoise == 2 || nl > (photo ? o->noise_max : 2 * o->noise_max)) &&
		    (t = pixMedianFilter(gray, 3, 3))) {
			pixDestroy(&gray);
			gray = t;
			noisy = 1;
		}
	}
	if ((o->rescale || o->single_line) && (bin = binary_of(gray)) != NULL) {
		th = text_height(bin, &ncc);
		pixDestroy(&bin);
	}
	if (o->rescale && th > 0 && ncc >= 3) {
		double f = (double)o->target_height / th;
		/* small sharp text (a 150-dpi scan) gains from being scaled up;
		 * blurred and noisy text (a phone photo) loses: it is not. Nor is
		 * a photo whose noise the median did not catch (its blur hides
		 * it): tune part's Arabic photos 11.4% -> 7.9% CER */
		if ((noisy || (photo && !o->photo_upscale)) && f > 1)
			f = 1;
		double px = (double)g->w0 * g->h0;
		/* up to 3x for small text, never past 60 Mpixels; down only for
		 * very large text */
		if (f > 2)
			f = 2;
		if (f * f * px > 60e6)
			f = sqrt(60e6 / px);
		if ((f > 1.4 || f < 0.5) && (t = f > 1 ? pixScaleGrayLI(gray, (float)f, (float)f)
						    : pixScaleAreaMap(gray, (float)f, (float)f))) {
			pixDestroy(&gray);
			gray = t;
			g->scale = f;
			th = (int)(th * f);
		}
	}
	g->ws = pixGetWidth(gray);
	g->hs = pixGetHeight(gray);
	*ppi = (int)(*ppi * g->scale);
	if (*ppi < 70)
		*ppi = 70;
	if (o->deskew && (bin = binary_of(gray)) != NULL) {
		l_float32 angle = 0, conf = 0;
		/* a sweep of +-10 degrees at 1/4 size in 0.5-degree steps, then a
		 * binary search at 1/2 size (pixFindSkew's own sweeps +-7) */
		int found = pixFindSkewSweepAndSearch(bin, &angle, &conf, 4, 2, 10.0f, 0.5f, 0.01f) == 0;
		if (found && conf > o->skew_conf && fabsf(angle) > 0.1f &&
		    fabsf(angle) < 12.0f) {
			const double rad = angle * 3.14159265358979 / 180.0;
			if ((t = pixRotate(gray, (float)rad, L_ROTATE_AREA_MAP, L_BRING_IN_WHITE, 0, 0))) {
				pixDestroy(&gray);
				gray = t;
				g->angle = rad;
			}
		}
		pixDestroy(&bin);
	}
	/* a photographed page is seldom flat and square to the camera: its
	 * lines slope more at one end than at the other (keystone). Leptonica
	 * measures the skew in horizontal slices and finds the projective
	 * transform that levels them all */
	if (o->local_deskew && photo && (bin = binary_of(gray)) != NULL) {
		PTA *ptas = NULL, *ptad = NULL;
		l_float32 *vc = NULL;
		if (pixGetLocalSkewTransform(bin, 0, 0, 0, 0.0f, 0.0f, 0.0f, &ptas, &ptad) == 0 &&
		    getProjectiveXformCoeffs(ptad, ptas, &vc) == 0 &&
		    (t = pixProjectivePtaGray(gray, ptad, ptas, 255)) != NULL) {
			pixDestroy(&gray);
			gray = t;
			g->local = 1;
			for (int i = 0; i < 8; i++)
				g->vc[i] = vc[i];
		}
		free(vc);
		ptaDestroy(&ptas);
		ptaDestroy(&ptad);
		pixDestroy(&bin);
	}
	/* always on a photo: once it is all paper, its shade may be under
	 * the bound, and Tesseract's Otsu threshold then cuts through the
	 * shaded paper and finds no text */
	if (o->bgnorm && (photo || background_uneven(gray)) &&
	    (t = pixBackgroundNormSimple(gray, NULL, NULL)) != NULL) {
		pixDestroy(&gray);
		gray = t;
	}
	g->th = th;
	return gray;
}

/* Orientation and script of the prepared page: quarter turns to apply and
 * the engine for its script (-1: not known). */
static void page_osd(PIX *gray, int ppi, int *quads, int *script)
{
	int deg = 0;
	float oconf = 0, sconf = 0;
	const char *name = NULL;
	*quads = 0;
	*script = -1;
	if (!engine[ENG_OSD] || !cur_opts()->osd)
		return;
	TessBaseAPISetImage2(engine[ENG_OSD], gray);
	TessBaseAPISetSourceResolution(engine[ENG_OSD], ppi);
	if (TessBaseAPIDetectOrientationScript(engine[ENG_OSD], &deg, &oconf, &name, &sconf)) {
		if (oconf > 2.0f && (deg == 90 || deg == 180 || deg == 270))
			*quads = (4 - deg / 90) % 4; /* deg: how the page is turned; undo it */
		if (name && sconf > 0.5f)
			*script = !strcmp(name, "Arabic") ? ENG_ARABIC : !strcmp(name, "Latin") ? ENG_LATIN : -1;
	}
	TessBaseAPIClear(engine[ENG_OSD]);
}

/* A point of the prepared image back in the caller's image. */
static void geom_unmap(const page_geom *g, double x, double y, double *ox, double *oy)
{
	/* undo the quarter turns: a clockwise turn maps (x, y) of a w x h
	 * image to (h-1-y, x); back from the image after k turns, whose width
	 * is hs for odd k and ws for even k: (x, y) -> (y, width-1-x) */
	for (int k = g->quads; k > 0; k--) {
		int wk = k % 2 ? g->hs : g->ws;
		double nx = y, ny = wk - 1 - x;
		x = nx;
		y = ny;
	}
	if (g->local) {
		const double *v = g->vc, d = v[6] * x + v[7] * y + 1.0;
		double nx = (v[0] * x + v[1] * y + v[2]) / d, ny = (v[3] * x + v[4] * y + v[5]) / d;
		x = nx;
		y = ny;
	}
	if (g->angle != 0) {
		double cx = g->ws / 2.0, cy = g->hs / 2.0, c = cos(g->angle), s = sin(g->angle);
		double dx = x - cx, dy = y - cy;
		/* pixRotate turns clockwise by angle; undo it */
		x = cx + dx * c + dy * s;
		y = cy - dx * s + dy * c;
	}
	x /= g->scale;
	y /= g->scale;
	if (g->persp) {
		const double *v = g->pc, d = v[6] * x + v[7] * y + 1.0;
		double nx = (v[0] * x + v[1] * y + v[2]) / d, ny = (v[3] * x + v[4] * y + v[5]) / d;
		x = nx;
		y = ny;
	}
	*ox = x;
	*oy = y;
}

/* ---- recognising a page ----------------------------------------------------------- */

/* The engine other than e (Arabic <-> Latin). */
static int other_engine(int e) { return e == ENG_ARABIC ? ENG_LATIN : ENG_ARABIC; }

/* Words the page's model is unsure of, read again by the other model on
 * their own box: the other reading replaces it when it is surer by the
 * margin and is of its own script (a Latin word or number inside an
 * Arabic line, an Arabic name in an English letter). */
static int pass_fallback(pass *ps, PIX *gray, int primary, int ppi)
{
	const dft_ocr_options *o = cur_opts();
	TessBaseAPI *t = engine[other_engine(primary)];
	int tried = 0, rc = 0, set = 0;
	for (size_t i = 0; i < ps->n && tried < o->fallback_max; i++) {
		pass_word *w = &ps->w[i];
		int h = w->y1 - w->y0, pad = h / 5 + 2, x0, y0, x1, y1;
		char *alt;
		size_t a, l;
		float conf;
		if (w->conf >= o->fallback_conf || h < 6)
			continue;
		if (!set) {
			TessBaseAPISetImage2(t, gray);
			TessBaseAPISetSourceResolution(t, ppi);
			TessBaseAPISetPageSegMode(t, PSM_SINGLE_WORD);
			set = 1;
		}
		x0 = w->x0 - pad > 0 ? w->x0 - pad : 0;
		y0 = w->y0 - pad > 0 ? w->y0 - pad : 0;
		x1 = w->x1 + pad < (int)pixGetWidth(gray) ? w->x1 + pad : (int)pixGetWidth(gray);
		y1 = w->y1 + pad < (int)pixGetHeight(gray) ? w->y1 + pad : (int)pixGetHeight(gray);
		TessBaseAPISetRectangle(t, x0, y0, x1 - x0, y1 - y0);
		tried++;
		if (TessBaseAPIRecognize(t, NULL) != 0)
			continue;
		alt = TessBaseAPIGetUTF8Text(t);
		conf = (float)TessBaseAPIMeanTextConf(t);
		if (alt) {
			size_t n = strlen(alt);
			while (n && (alt[n - 1] == '\n' || alt[n - 1] == ' '))
				alt[--n] = 0;
			script_count(alt, &a, &l);
			if (n && !strchr(alt, ' ') && !strchr(alt, '\n') && conf > w->conf + o->fallback_margin &&
			    conf >= o->fallback_accept &&
			    (primary == ENG_ARABIC ? a == 0 : l == 0)) {
				char *copy = dft_strdup(alt);
				if (!copy) {
					TessDeleteText(alt);
					rc = DFT_ENOMEM;
					break;
				}
				free(w->text);
				w->text = copy;
				w->conf = conf;
			}
			TessDeleteText(alt);
		}
	}
	if (set)
		TessBaseAPIClear(t);
	return rc;
}

/* Latin words inside an Arabic line: the Arabic model gives a run of two
 * or more of them right to left ("Cruiser Land" for "Land Cruiser", every
 * such run of the dev set's tune part); the run is put back in reading
 * order. Numbers alone are not touched: the model keeps "+216 996 486"
 * in order. */
static void latin_runs_reorder(pass *ps)
{
	size_t i = 0, j, a, l;
	while (i < ps->n) {
		for (j = i; j < ps->n && (j == i || ps->w[j].brk == 1); j++) {
			script_count(ps->w[j].text, &a, &l);
			if (!l || a)
				break;
		}
		for (size_t x = i, y = j; j - i >= 2 && x + 1 < y; x++, y--) {
			pass_word t = ps->w[x];
			unsigned char bx = ps->w[x].brk, by = ps->w[y - 1].brk;
			ps->w[x] = ps->w[y - 1];
			ps->w[y - 1] = t;
			ps->w[x].brk = bx; /* the breaks stay where they were */
			ps->w[y - 1].brk = by;
		}
		i = j > i ? j : i + 1;
	}
}

/* The engine a page's script asks for (Arabic when it is not known). */
static int primary_of(int script) { return script >= 0 ? script : ENG_ARABIC; }

/* One pass of engine e over the prepared page. */
static int page_pass(pass *ps, int e, PIX *gray, int psm, int ppi)
{
	int rc;
	TessBaseAPISetImage2(engine[e], gray);
	rc = pass_run(ps, engine[e], psm, ppi);
	TessBaseAPIClear(engine[e]);
	return rc;
}

int dft_ocr_recognise(dft_ocr_page *p, struct Pix *pix, int ppi)
{
	const dft_ocr_options *o = cur_opts();
	page_geom g;
	PIX *gray = NULL, *turned;
	pass best, other;
	int rc = 0, xres = 0, yres = 0, single = 0, block = 0, script = -1, primary, psm;

	memset(&best, 0, sizeof(best));
	memset(&other, 0, sizeof(other));
	if (!engine_main[ENG_ARABIC])
		return dft_error_set(DFT_ERROR, "OCR not available (Tesseract did not load)");
	dft_buf_reset(&p->text);
	p->nwords = 0;
	p->mean_conf = 0;
	p->model = NULL;
	if (ppi <= 0) {
		pixGetResolution(pix, &xres, &yres);
		ppi = xres >= 70 && xres <= 2400 ? xres : 300;
	}
	if (!(gray = page_prepare(pix, &g, &ppi)))
		return dft_error_set(DFT_ENOMEM, "OCR: cannot prepare the page image");
	pixSetResolution(gray, ppi, ppi);
	page_osd(gray, ppi, &g.quads, &script);
	if (g.quads && (turned = pixRotateOrth(gray, g.quads)) != NULL) {
		pixDestroy(&gray);
		gray = turned;
	} else
		g.quads = 0;
	/* one text line? one block of lines? (counted after the turn: a page
	 * on its side is one run) */
	if ((o->single_line || o->block) && g.th > 0 && (turned = binary_of(gray)) != NULL) {
		single = o->single_line && text_lines(turned, g.th) == 1;
		/* a scan or a render that is not set in columns: letters, forms,
		 * prose (forms 13.2% -> 3.6%, letters 4.5 -> 4.1 on the tune
		 * part's clean pages). Not photos, whose lines bend (8.1% ->
		 * 11.3%), nor faxes (speckle in the block) */
		block = o->block && !single && !g.binary && !g.photo && !text_columns(turned, g.th);
		pixDestroy(&turned);
	}
	if (o->force_engine >= 0 && o->force_engine < 2)
		script = o->force_engine;
	/* a fax of Arabic: the 3x3 median removes its speckle and smooths the
	 * jagged strokes (CER 12.2% -> 6.2% on the dev set's tune part); on
	 * Latin faxes it eats thin strokes (1.8% -> 36%), so not there */
	if (g.binary && o->denoise && primary_of(script) == ENG_ARABIC && (turned = pixMedianFilter(gray, 3, 3))) {
		pixDestroy(&gray);
		gray = turned;
	}
	psm = single ? PSM_SINGLE_LINE : block ? PSM_SINGLE_BLOCK : PSM_AUTO;
	if (o->psm > 0)
		psm = o->psm;
	primary = primary_of(script);
	if ((rc = page_pass(&best, primary, gray, psm, ppi)) < 0)
		goto done;
	if (script < 0) {
		/* the script is not known: read with the other model too and keep
		 * the surer reading */
		if ((rc = page_pass(&other, other_engine(primary), gray, psm, ppi)) < 0)
			goto done;
		if (other.n && pass_mean_conf(&other) > pass_mean_conf(&best)) {
			pass tmp = best;
			best = other;
			other = tmp;
			primary = other_engine(primary);
		}
	}
	if (o->fallback && (rc = pass_fallback(&best, gray, primary, ppi)) < 0)
		goto done;
	if (primary == ENG_ARABIC)
		latin_runs_reorder(&best);
	p->model = engine_lang[primary];
	for (size_t i = 0; i < best.n; i++) {
		static const char *const sep[] = {"", " ", "\n", "\n\n"};
		pass_word *w = &best.w[i];
		dft_ocr_word ow;
		double ax, ay, bx, by, cx, cy, dx, dy;
		if ((rc = dft_buf_adds(&p->text, sep[w->brk])) < 0)
			break;
		ow.start = p->text.len;
		if ((rc = dft_buf_adds(&p->text, w->text)) < 0)
			break;
		ow.end = p->text.len;
		/* the box's corners back in the caller's image */
		geom_unmap(&g, w->x0, w->y0, &ax, &ay);
		geom_unmap(&g, w->x1, w->y0, &bx, &by);
		geom_unmap(&g, w->x0, w->y1, &cx, &cy);
		geom_unmap(&g, w->x1, w->y1, &dx, &dy);
		ow.x0 = (int)floor(fmin(fmin(ax, bx), fmin(cx, dx)));
		ow.y0 = (int)floor(fmin(fmin(ay, by), fmin(cy, dy)));
		ow.x1 = (int)ceil(fmax(fmax(ax, bx), fmax(cx, dx)));
		ow.y1 = (int)ceil(fmax(fmax(ay, by), fmax(cy, dy)));
		ow.x0 = ow.x0 < 0 ? 0 : ow.x0;
		ow.y0 = ow.y0 < 0 ? 0 : ow.y0;
		ow.x1 = ow.x1 > g.w0 ? g.w0 : ow.x1;
		ow.y1 = ow.y1 > g.h0 ? g.h0 : ow.y1;
		ow.conf = w->conf;
		p->mean_conf += w->conf;
		if ((rc = page_add_word(p, &ow)) < 0)
			break;
	}
	if (rc == DFT_ELIMIT)
		rc = 0; /* the text buffer's limit: what fitted is kept */
	if (rc == 0 && p->text.len)
		rc = dft_buf_addc(&p->text, '\n');
	if (p->nwords)
		p->mean_conf /= (double)p->nwords;
done:
	pass_dispose(&best);
	pass_dispose(&other);
	pixDestroy(&gray);
	return rc;
}

/* ---- the words of a document -------------------------------------------------------- */

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
	char item[176];
	w->pages++;
	if (p->model && !strstr(w->models, p->model)) {
		size_t used = strlen(w->models);
		snprintf(w->models + used, sizeof(w->models) - used, "%s%s", used ? "+" : "", p->model);
	}
	for (i = 0; i < p->nwords; i++) {
		const dft_ocr_word *x = &p->words[i];
		int n;
		if (x->end > kept) {
			w->dropped += p->nwords - i;
			break;
		}
		n = snprintf(item, sizeof(item), "%s[%d,%.0f,%.0f,%.0f,%.0f,%llu,%llu,%.0f]",
			     w->json.len ? "," : "[", page, x->x0 * scale, x->y0 * scale,
			     x->x1 * scale, x->y1 * scale,
			     (unsigned long long)(base + x->start), (unsigned long long)(base + x->end),
			     x->conf < 0 ? 0.0 : (double)x->conf);
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
	char engine_used[96];
	int rc;
	if (!w->pages)
		return 0;
	snprintf(engine_used, sizeof(engine_used), "tesseract %s", w->models[0] ? w->models : "-");
	if ((rc = sink->meta(sink, "ocr", engine_used)) < 0)
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
