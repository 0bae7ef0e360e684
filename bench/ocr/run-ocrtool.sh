#!/usr/bin/env bash
# run-ocrtool.sh MANIFEST OUTDIR [DAFTAR-OCR OPTIONS...] - daftar's OCR (ocr.c) on the pages
# of the manifest through tools/daftar-ocr, without an ingest: OUTDIR/<id>.txt and
# OUTDIR/times.tsv (id, wall seconds, CPU seconds, the model chosen, mean confidence, words), so that
# each step of the page preparation can be switched off and measured (docs/OCR.md).
# Environment as run-tesseract.sh: SPLIT=tune|test, LANG_ONLY=ar|en, JOBS=2,
# DAFTAR_OCR=path of daftar-ocr (default build/daftar-ocr).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MANIFEST OUTDIR [DAFTAR-OCR OPTIONS...]" >&2; exit 2; }
manifest=$(readlink -f "$1"); out=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
tool=${DAFTAR_OCR:-$here/../../build/daftar-ocr}
base=$(dirname "$manifest")
mkdir -p "$out"
out=$(readlink -f "$out")
printf 'daftar-ocr\t%s\nsplit\t%s\nlang_only\t%s\n' "$*" "${SPLIT:-all}" "${LANG_ONLY:-all}" > "$out/run.info"
start=$(date +%s.%N)
awk -F'\t' -v s="${SPLIT:-}" -v l="${LANG_ONLY:-}" -v b="$base" \
  'NR>1 && (s=="" || $2==s) && (l=="" || $3==l) {print b "/" $8}' "$manifest" |
  nice -n 10 xargs -P "${JOBS:-2}" -n 8 -d '\n' "$tool" "$@" --out "$out" 2>/dev/null |
  awk -F'\t' '{n=split($1, p, "/"); id=p[n]; sub(/\.[a-z]+$/, "", id); print id "\t" $2 "\t" $3 "\t" $4 "\t" $5 "\t" $6}' > "$out/times.tsv"
end=$(date +%s.%N)
printf 'run-ocrtool: %d pages in %s, %.0f s wall with %s jobs\n' "$(wc -l < "$out/times.tsv")" "$out" \
  "$(awk -v a="$start" -v b="$end" 'BEGIN{print b - a}')" "${JOBS:-2}" | tee -a "$out/run.info" >&2
