#!/usr/bin/env bash
# run-daftar.sh MANIFEST OUTDIR - daftar's own OCR on every page of the manifest: the images
# are copied to OUTDIR/pages/<id>.<ext>, ingested into one case (OUTDIR/case, one batch), and
# each document's text (`daftar show CASE DOC --text --json`) is written to OUTDIR/<id>.txt;
# score it with score.py like the tesseract runs.  OUTDIR/run.info has the ingest's wall time.
# Environment:
#   DAFTAR=path/to/daftar   default: build-ocr/daftar (cmake -S . -B build-ocr -DCMAKE_BUILD_TYPE=RelWithDebInfo
#                           && cmake --build build-ocr -j 2)
#   SPLIT=tune|test  LANG_ONLY=ar|en   only those pages;   JOBS=2   ingest workers (nice 10)
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 MANIFEST OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
manifest=$(readlink -f "$1"); out=$2
base=$(dirname "$manifest")
daftar=${DAFTAR:-$here/../../build-ocr/daftar}
[ -x "$daftar" ] || { echo "run-daftar: no $daftar (build it, or set DAFTAR)" >&2; exit 1; }
command -v jq >/dev/null || { echo "run-daftar: needs jq" >&2; exit 1; }
rm -rf "$out/case" "$out/pages"
mkdir -p "$out/pages"
awk -F'\t' -v s="${SPLIT:-}" -v l="${LANG_ONLY:-}" \
  'NR>1 && (s=="" || $2==s) && (l=="" || $3==l) {print $1 "\t" $8}' "$manifest" |
while IFS=$'\t' read -r id img; do
  cp "$base/$img" "$out/pages/$id.${img##*.}"
done
n=$(ls "$out/pages" | wc -l)
"$daftar" init "$out/case" >/dev/null
# GNU time: wall, and CPU seconds of the ingest with its (waited-for) worker processes
nice -n 10 /usr/bin/time -o "$out/ingest.time" -f '%e %U %S' \
  "$daftar" ingest "$out/case" "$out/pages" -j "${JOBS:-2}" --no-entities --json > "$out/ingest.json"
wall=$(awk '{printf "%.1f", $1}' "$out/ingest.time")
cpu=$(awk '{printf "%.1f", $2 + $3}' "$out/ingest.time")
"$daftar" docs "$out/case" --json > "$out/docs.json"
jq -r '.documents[] | [.id, .path, .status, (.error // "")] | @tsv' "$out/docs.json" |
while IFS=$'\t' read -r doc path status err; do
  id=$(basename "$path"); id=${id%.*}
  [ "$status" = ok ] || echo "run-daftar: $id: $status $err" >&2
  "$daftar" show "$out/case" "$doc" --text --json | jq -r '.text // ""' > "$out/$id.txt"
done
{ printf 'daftar\t%s\ncommit\t%s\npages\t%s\ningest_wall_s\t%s\njobs\t%s\n' "$daftar" \
    "$(git -C "$here" rev-parse --short HEAD 2>/dev/null)$(git -C "$here" diff --quiet -- src 2>/dev/null || echo '+dirty src')" \
    "$n" "$wall" "${JOBS:-2}"
  printf 'split\t%s\nlang_only\t%s\n' "${SPLIT:-all}" "${LANG_ONLY:-all}"
  printf 'binary_built\t%s\n' "$(date -u -r "$daftar" '+%Y-%m-%d %H:%M UTC')"  # the commit above is HEAD now, not at build time
  printf 'ingest_cpu_s\t%s\ncpu_s_per_page\t%s\n' "$cpu" "$(awk -v n="$n" -v c="$cpu" 'BEGIN{printf "%.2f", c / n}')"
  printf 'pages_per_s\t%s\n' "$(awk -v n="$n" -v w="$wall" 'BEGIN{printf "%.3f", n / w}')"; } > "$out/run.info"
echo "run-daftar: $n pages ingested in $wall s (CPU $cpu s) with ${JOBS:-2} workers; texts in $out" >&2
