#!/usr/bin/env bash
# run-pages.sh MANIFEST OUTDIR [PAGES] - one long scanned document: PAGES (default 12) Arabic
# scan pages of the dev set's tune part put into one PDF (200 dpi, Pillow), then, in one run:
#   daftar ingest -j 1 and -j 2 of that PDF alone (with -j 2 the idle worker's CPU reads pages
#   on a helper thread: meta ocr_parallel_pages), and the `tesseract` command (-l ara+eng) on
#   the same page images one after another and two at a time (xargs -P 2).
# Prints wall seconds and pages/s of each, and checks that -j 1 and -j 2 gave the same text.
# Environment: DAFTAR=path/to/daftar (default build/daftar).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MANIFEST OUTDIR [PAGES]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
manifest=$(readlink -f "$1"); out=$2; pages=${3:-12}
base=$(dirname "$manifest")
daftar=${DAFTAR:-$here/../../build/daftar}
rm -rf "$out"; mkdir -p "$out/trove" "$out/img"
awk -F'\t' 'NR>1 && $2=="tune" && $3=="ar" && $6=="scan" {print $8}' "$manifest" | head -n "$pages" |
  while read -r img; do cp "$base/$img" "$out/img/"; done
/usr/bin/python3 - "$out" <<'EOF'
import glob, sys
from PIL import Image
out = sys.argv[1]
ims = [Image.open(f).convert("L") for f in sorted(glob.glob(out + "/img/*"))]
ims[0].save(out + "/trove/scan.pdf", save_all=True, append_images=ims[1:], resolution=200)
EOF
n=$(ls "$out/img" | wc -l)
secs() { /usr/bin/time -f %e -o "$out/t" "$@" > /dev/null 2>&1; cat "$out/t"; }
for j in 1 2; do
  "$daftar" init "$out/case$j" > /dev/null
  t=$(secs "$daftar" ingest "$out/case$j" "$out/trove" -j $j --no-entities)
  par=$("$daftar" show "$out/case$j" 1 --json | jq -r '.meta.ocr_parallel_pages // "0"')
  "$daftar" show "$out/case$j" 1 --text > "$out/text$j.txt"
  printf 'daftar -j %d\t%s s\t%.2f pages/s\t(pages read on a helper thread: %s)\n' $j "$t" \
    "$(awk -v n=$n -v t=$t 'BEGIN{print n/t}')" "$par"
done
cmp -s "$out/text1.txt" "$out/text2.txt" && echo "same text with -j 1 and -j 2" || echo "TEXT DIFFERS"
for p in 1 2; do
  t=$(secs sh -c "ls '$out'/img/* | xargs -P $p -I{} tesseract {} - -l ara+eng")
  printf 'tesseract -P %d\t%s s\t%.2f pages/s\n' $p "$t" "$(awk -v n=$n -v t=$t 'BEGIN{print n/t}')"
done
