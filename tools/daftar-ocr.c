/*
 * daftar-ocr.c - runs daftar's OCR (src/extract/ocr.c) on image files, for
 * measuring it on bench/ocr's dev set: each step of the page preparation
 * and the model choice can be switched off or changed, so that what each
 * one does is measured, not guessed.
 *
 *   daftar-ocr [--no-osd] [--no-deskew] [--no-surround] [--no-perspective] [--photo-upscale]
 *              [--denoise 0|1|2] [--noise-max N]
 *              [--skew-conf C] [--no-bgnorm] [--no-rescale]
 *              [--target PX] [--no-single-line] [--no-block] [--no-local-deskew] [--psm N] [--engine ar|en]
 *              [--no-fallback] [--fallback-conf C] [--fallback-margin M]
 *              [--fallback-accept A] [--arabic-model ara|Arabic]
 *              --out DIR IMAGE...
 *
 * Writes DIR/<image name without its extension>.txt, and a line a page on
 * stdout: name, wall seconds, CPU seconds, model, mean confidence, words.
 */
#include "../src/extract/ocr.h"

#include <leptonica/allheaders.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

static int write_text(const char *dir, const char *image, const dft_buf *text)
{
	const char *base = strrchr(image, '/');
	char path[4096];
	FILE *f;
	size_t n;
	base = base ? base + 1 : image;
	n = strcspn(base, ".");
	snprintf(path, sizeof(path), "%s/%.*s.txt", dir, (int)n, base);
	if (!(f = fopen(path, "wb")))
		return -1;
	fwrite(text->ptr ? text->ptr : "", 1, text->len, f);
	return fclose(f);
}

int main(int argc, char **argv)
{
	dft_ocr_options o;
	const char *out = NULL;
	int i, rc = 0;

	dft_ocr_options_default(&o);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--no-osd"))
			o.osd = 0;
		else if (!strcmp(a, "--no-local-deskew"))
			o.local_deskew = 0;
		else if (!strcmp(a, "--no-deskew"))
			o.deskew = 0;
		else if (!strcmp(a, "--no-surround"))
			o.surround = 0;
		else if (!strcmp(a, "--no-perspective"))
			o.perspective = 0;
		else if (!strcmp(a, "--photo-upscale"))
			o.photo_upscale = 1;
		else if (v && !strcmp(a, "--denoise"))
			o.denoise = atoi(argv[++i]);
		else if (v && !strcmp(a, "--skew-conf"))
			o.skew_conf = atof(argv[++i]);
		else if (v && !strcmp(a, "--noise-max"))
			o.noise_max = atof(argv[++i]);
		else if (!strcmp(a, "--no-bgnorm"))
			o.bgnorm = 0;
		else if (!strcmp(a, "--no-rescale"))
			o.rescale = 0;
		else if (!strcmp(a, "--no-single-line"))
			o.single_line = 0;
		else if (!strcmp(a, "--no-block"))
			o.block = 0;
		else if (!strcmp(a, "--no-fallback"))
			o.fallback = 0;
		else if (v && !strcmp(a, "--target"))
			o.target_height = atoi(argv[++i]);
		else if (v && !strcmp(a, "--psm"))
			o.psm = atoi(argv[++i]);
		else if (v && !strcmp(a, "--fallback-conf"))
			o.fallback_conf = atoi(argv[++i]);
		else if (v && !strcmp(a, "--fallback-margin"))
			o.fallback_margin = atoi(argv[++i]);
		else if (v && !strcmp(a, "--fallback-accept"))
			o.fallback_accept = atoi(argv[++i]);
		else if (v && !strcmp(a, "--arabic-model"))
			o.arabic_model = argv[++i];
		else if (v && !strcmp(a, "--engine"))
			o.force_engine = !strcmp(argv[++i], "en") ? 1 : 0;
		else if (v && !strcmp(a, "--out"))
			out = argv[++i];
		else {
			fprintf(stderr, "daftar-ocr: unknown option %s\n", a);
			return 2;
		}
	}
	if (!out || i >= argc) {
		fprintf(stderr, "usage: daftar-ocr [options] --out DIR IMAGE...\n");
		return 2;
	}
	mkdir(out, 0755);
	dft_ocr_set_options(&o);
	if (dft_ocr_init() < 0) {
		fprintf(stderr, "daftar-ocr: %s\n", dft_error_msg());
		return 1;
	}
	for (; i < argc; i++) {
		PIX *pix = pixRead(argv[i]);
		dft_ocr_page p;
		double t0 = dft_now();
		clock_t c0 = clock();
		if (!pix) {
			fprintf(stderr, "daftar-ocr: %s: cannot read the image\n", argv[i]);
			rc = 1;
			continue;
		}
		dft_ocr_page_init(&p, 0);
		if (dft_ocr_recognise(&p, pix, 0) < 0) {
			fprintf(stderr, "daftar-ocr: %s: %s\n", argv[i], dft_error_msg());
			rc = 1;
		} else if (write_text(out, argv[i], &p.text) != 0) {
			fprintf(stderr, "daftar-ocr: cannot write the text of %s into %s\n", argv[i], out);
			rc = 1;
		}
		printf("%s\t%.2f\t%.2f\t%s\t%.1f\t%zu\n", argv[i], dft_now() - t0,
		       (double)(clock() - c0) / CLOCKS_PER_SEC, p.model ? p.model : "-", p.mean_conf, p.nwords);
		fflush(stdout);
		dft_ocr_page_dispose(&p);
		pixDestroy(&pix);
	}
	return rc;
}
