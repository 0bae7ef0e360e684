#!/usr/bin/env bash
# bench/pdf.sh - PDF text extraction and OCR speed, daftar beside its peers
# on the same files:
#   PDF text: daftar's dft_extract_pdf   vs  mutool draw -F txt  vs  pdftotext
#   OCR:      daftar's dft_extract_image vs  tesseract (CLI), ara+eng, 300 dpi
# Inputs are made here: an English PDF from the CISI abstracts and an
# Arabic one from SaudiNewsNet articles (laid out by `mutool convert` from
# HTML), and pages of the English PDF rendered at 300 dpi for OCR.
# daftar is timed in-process (a small harness linked with the library, no
# store, no index, no sandbox), single-threaded like the peers.
#
# usage: bench/pdf.sh [BUILD_DIR]       (needs mupdf-tools poppler-utils tesseract-ocr)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build}
shared=${DAFTAR_SHARED:-$src/../shared}
work=${BENCH_TMP:-/tmp/daftar-bench-pdf}
ocr_pages=${OCR_PAGES:-6}
mkdir -p "$work"
for t in mutool pdftotext tesseract python3 cc; do
  command -v $t >/dev/null || { echo "bench/pdf.sh: $t is missing" >&2; exit 1; }
done
[ -f "$build/libdaftar_lib.a" ] || { echo "bench/pdf.sh: build daftar first ($build)" >&2; exit 1; }

# ---- inputs ------------------------------------------------------------------
python3 - "$shared" "$work" <<'EOF'
import html, json, sys, zipfile, os
shared, work = sys.argv[1], sys.argv[2]
# English: CISI abstracts (".W" sections)
text = open(os.path.join(shared, "corpora/cisi/CISI.ALL"), encoding="latin-1").read()
paras, cur, keep = [], [], False
for line in text.splitlines():
    if line.startswith("."):
        if keep and cur: paras.append(" ".join(cur)); cur = []
        keep = line.startswith(".W")
        continue
    if keep: cur.append(line.strip())
with open(os.path.join(work, "en.html"), "w") as f:
    f.write("<html><body>" + "".join("<p>%s</p>" % html.escape(p) for p in paras[:1400]) + "</body></html>")
# Arabic: SaudiNewsNet articles
arts = json.load(open(os.path.join(shared, "corpora/saudinewsnet-ar/2015-07-23.json"), encoding="utf-8"))
body = "".join("<h2>%s</h2><p>%s</p>" % (html.escape(a.get("title", "")), html.escape(a.get("content", "")))
               for a in arts[:400])
with open(os.path.join(work, "ar.html"), "w") as f:
    f.write("<html><body dir='rtl' lang='ar'>" + body + "</body></html>")
EOF
[ -f "$work/en.pdf" ] || mutool convert -o "$work/en.pdf" "$work/en.html" 2>/dev/null
[ -f "$work/ar.pdf" ] || mutool convert -o "$work/ar.pdf" "$work/ar.html" 2>/dev/null
rm -f "$work"/ocr-*.png
mutool draw -q -r 300 -c gray -o "$work/ocr-%d.png" "$work/en.pdf" "1-$ocr_pages" 2>/dev/null

# ---- daftar's harness ----------------------------------------------------------
cat > "$work/harness.c" <<'EOF'
#include "daftar/extract.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
static int nul_text(dft_sink *s, const char *p, size_t n) { (void)s; (void)p; *(size_t *)s->ctx += n; return 0; }
static int nul_meta(dft_sink *s, const char *k, const char *v) { (void)s; (void)k; (void)v; return 0; }
static int nul_cb(dft_sink *s, const char *n, int64_t a, int64_t b) { (void)s; (void)n; (void)a; (void)b; return 0; }
static int nul_data(dft_sink *s, const void *p, size_t n) { (void)s; (void)p; (void)n; return 0; }
static int nul_end(dft_sink *s) { (void)s; return 0; }
static int nul_failed(dft_sink *s, const char *n, int64_t z, const char *r) { (void)s; (void)n; (void)z; (void)r; return 0; }
static int nul_note(dft_sink *s, const char *m) { (void)s; fprintf(stderr, "note: %s\n", m); return 0; }
int main(int argc, char **argv)
{
	int image = !strcmp(argv[1], "image"), i, rc;
	size_t bytes = 0;
	double t0;
	dft_limits lim;
	dft_limits_default(&lim);
	lim.timeout_s = 100000;
	if (image && dft_ocr_init() < 0)
		return 1;
	t0 = dft_now();
	for (i = 2; i < argc; i++) {
		dft_sink s = {nul_text, nul_meta, nul_cb, nul_data, nul_end, nul_failed, nul_note, &bytes};
		dft_input in;
		struct stat sb;
		int fd = open(argv[i], O_RDONLY);
		fstat(fd, &sb);
		memset(&in, 0, sizeof(in));
		in.fd = fd;
		in.size = (uint64_t)sb.st_size;
		in.data = mmap(NULL, in.size, PROT_READ, MAP_PRIVATE, fd, 0);
		in.limits = &lim;
		in.mime = image ? "image/png" : "application/pdf";
		rc = image ? dft_extract_image(&s, &in) : dft_extract_pdf(&s, &in);
		if (rc < 0)
			fprintf(stderr, "%s: %s\n", argv[i], dft_error_msg());
		munmap((void *)in.data, in.size);
		close(fd);
	}
	printf("%.3f %zu\n", dft_now() - t0, bytes);
	return 0;
}
EOF
flags=$(grep -o '\-I[^ ]*\|-D[^ ]*' "$build/CMakeFiles/daftar_lib.dir/flags.make" | sort -u | tr '\n' ' ')
libs=$(sed -n 's/.*daftar_lib.a //p' "$build/CMakeFiles/daftar.dir/link.txt" | sed 's/ -o .*//')
# shellcheck disable=SC2086
cc -O2 -I"$src/include" $flags "$work/harness.c" -o "$work/harness" "$build/libdaftar_lib.a" $libs

now() { date +%s.%N; }
secs() { python3 -c "print('%.2f' % ($2 - $1))"; }
pages() { mutool info "$1" 2>/dev/null | sed -n 's/^Pages: //p'; }
rate() { python3 -c "print('%.1f' % ($1 / $2))"; }

echo "# PDF text extraction (pages/s, single thread; best of 3)"
for f in "$work/en.pdf" "$work/ar.pdf"; do
  n=$(pages "$f")
  best() { local b=999999 s e t; for _ in 1 2 3; do s=$(now); "$@" >/dev/null 2>&1; e=$(now); t=$(secs "$s" "$e"); b=$(python3 -c "print(min($b, $t))"); done; echo "$b"; }
  td=$(for _ in 1 2 3; do "$work/harness" pdf "$f" | cut -d' ' -f1; done | sort -n | head -1)
  tm=$(best mutool draw -q -F txt -o /dev/null "$f")
  tp=$(best pdftotext -enc UTF-8 "$f" /dev/null)
  printf '%-8s %4s pages  daftar %6.2f s (%s p/s)  mutool %6.2f s (%s p/s)  pdftotext %6.2f s (%s p/s)\n' \
    "$(basename "$f")" "$n" "$td" "$(rate "$n" "$td")" "$tm" "$(rate "$n" "$tm")" "$tp" "$(rate "$n" "$tp")"
done

echo "# OCR, ara+eng, 300 dpi A4 pages ($ocr_pages pages; pages/s)"
imgs=("$work"/ocr-*.png)
td=$("$work/harness" image "${imgs[@]}" | cut -d' ' -f1)
s=$(now); for i in "${imgs[@]}"; do OMP_THREAD_LIMIT=1 tesseract "$i" - -l ara+eng >/dev/null 2>&1; done; e=$(now)
t1=$(secs "$s" "$e")
s=$(now); for i in "${imgs[@]}"; do tesseract "$i" - -l ara+eng >/dev/null 2>&1; done; e=$(now)
tn=$(secs "$s" "$e")
printf 'daftar %6.2f s (%s p/s)  tesseract 1 thread %6.2f s (%s p/s)  tesseract default threads %6.2f s (%s p/s)\n' \
  "$td" "$(rate ${#imgs[@]} "$td")" "$t1" "$(rate ${#imgs[@]} "$t1")" "$tn" "$(rate ${#imgs[@]} "$tn")"
