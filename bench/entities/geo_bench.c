/*
 * geo_bench.c - what places on the map add to the entity scan (issue #19,
 * docs/BENCHMARKS.md "Places"): on every .txt of the folders given, the
 * whole extraction (dft_entity_extract, which runs the GeoNames scan) and,
 * apart, the GeoNames scan (dft_gazetteer_scan) and the routes and written
 * coordinates (dft_routes_find, dft_places_mark_written) on the same
 * texts, in one process. Build and run (after cmake --build build):
 *   cc -O2 -I include bench/entities/geo_bench.c build/libdaftar_lib.a \
 *     $(pkg-config --libs sqlite3 libarchive libxml-2.0 uchardet icu-uc icu-i18n libcrypto \
 *       libseccomp tesseract lept gmime-3.0 libpst libgsf-1 libexttextcat libpcre2-8 \
 *       libmicrohttpd json-c libsodium libpq libheif) -lmagic -lstemmer -lm -o /tmp/geo_bench
 *   DAFTAR_MODELS=models /tmp/geo_bench DIR...
 */
#include "daftar/entities.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
static int nop(void *c, const dft_route *r) { (void)c; (void)r; return 0; }
static int nopm(void *c, const dft_mention *m) { (*(long *)c)++; (void)m; return 0; }
int main(int argc, char **argv) {
	dft_entity_extractor *x; dft_gazetteer *g; dft_mention_set ms; double te = 0, tg = 0, tr = 0, t0; long n = 0, geo = 0; size_t bytes = 0;
	t0 = dft_now(); dft_gazetteer_new(&g); double tnew = dft_now() - t0;
	dft_entity_extractor_new(&x); dft_mention_set_init(&ms);
	for (int a = 1; a < argc; a++) {
		DIR *d = opendir(argv[a]); struct dirent *e;
		while ((e = readdir(d))) {
			char p[4096]; FILE *f; static char buf[1 << 22]; size_t len;
			if (e->d_name[0] == '.') continue;
			snprintf(p, sizeof p, "%s/%s", argv[a], e->d_name);
			f = fopen(p, "rb"); len = fread(buf, 1, sizeof buf - 1, f); fclose(f); buf[len] = 0; bytes += len; n++;
			dft_mention_set_reset(&ms);
			t0 = dft_now(); dft_entity_extract(x, buf, len, NULL, &ms); te += dft_now() - t0;
			t0 = dft_now(); dft_gazetteer_scan(g, buf, len, nopm, &geo); tg += dft_now() - t0;
			t0 = dft_now(); dft_routes_find(buf, len, &ms, nop, NULL); dft_places_mark_written(buf, len, &ms); tr += dft_now() - t0;
		}
		closedir(d);
	}
	printf("%ld texts, %.1f MB: extract (all, with the geo scan) %.3f s; geo scan alone %.3f s (%ld spans); routes+written %.3f s; gazetteer_new %.3f s\n",
	       n, bytes / 1e6, te, tg, geo, tr, tnew);
	printf("geo scan + routes = %.1f%% of the extraction without them\n", 100 * (tg + tr) / (te - tg));
	return 0;
}
