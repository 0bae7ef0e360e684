#!/usr/bin/env bash
# run-tesseract.sh MANIFEST OUTDIR [LANGSPEC] [PSM] - the `tesseract` command on every page
# of the manifest: OUTDIR/<id>.txt, and OUTDIR/times.tsv (id, seconds of wall time of that
# one tesseract process, CPU seconds).  LANGSPEC defaults to ara+eng, PSM to tesseract's default (3).
# Environment:
#   SPLIT=tune|test   only pages of that split        LANG_ONLY=ar|en  only pages of that language
#   JOBS=2            parallel tesseract processes (each OMP_THREAD_LIMIT=1, nice 10)
# Pages that already have OUTDIR/<id>.txt are not run again (delete OUTDIR to start over).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 MANIFEST OUTDIR [LANGSPEC] [PSM]" >&2; exit 2; }
manifest=$(readlink -f "$1"); out=$2; langs=${3:-ara+eng}; psm=${4:-}
base=$(dirname "$manifest")
[ -x /usr/bin/time ] || { echo "run-tesseract: needs GNU time (apt-get install time)" >&2; exit 1; }
command -v tesseract >/dev/null || { echo "run-tesseract: no tesseract (DAFTAR_BENCH=1 scripts/install-deps.sh)" >&2; exit 1; }
mkdir -p "$out"
out=$(readlink -f "$out")
printf 'tesseract\t%s\nlangs\t%s\npsm\t%s\nsplit\t%s\nlang_only\t%s\n' "$(tesseract --version 2>&1 | head -1)" \
  "$langs" "${psm:-default}" "${SPLIT:-all}" "${LANG_ONLY:-all}" > "$out/run.info"
export OMP_THREAD_LIMIT=1 langs psm out base
one() {  # id image
  [ -s "$out/$1.txt" ] && return 0
  # GNU time: wall and CPU seconds of this one process (CPU time is what a loaded machine distorts least)
  if /usr/bin/time -o "$out/$1.tm" -f '%e %U %S' \
       tesseract "$base/$2" "$out/$1.tmp" -l "$langs" ${psm:+--psm "$psm"} >/dev/null 2>"$out/$1.err"; then
    rm -f "$out/$1.err"  # only "Detected N diacritics" and the like
  else
    echo "run-tesseract: $1 failed (kept $out/$1.err): $(grep -v '^Command exited' "$out/$1.err" | tail -1)" >&2
  fi
  [ -f "$out/$1.tmp.txt" ] && mv "$out/$1.tmp.txt" "$out/$1.txt"
  awk -v id="$1" 'END{printf "%s\t%.2f\t%.2f\n", id, $1, $2 + $3}' "$out/$1.tm" > "$out/$1.time" && rm -f "$out/$1.tm"
}
export -f one
start=$(date +%s.%N)
awk -F'\t' -v s="${SPLIT:-}" -v l="${LANG_ONLY:-}" \
  'NR>1 && (s=="" || $2==s) && (l=="" || $3==l) {print $1; print $8}' "$manifest" |
  nice -n 10 xargs -P "${JOBS:-2}" -n 2 -d '\n' bash -c 'one "$0" "$1"' || true
end=$(date +%s.%N)
cat "$out"/*.time > "$out/times.tsv" 2>/dev/null || true
n=$(wc -l < "$out/times.tsv")
printf 'run-tesseract: %d pages in %s, %.0f s wall with %s jobs\n' "$n" "$out" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b - a}')" "${JOBS:-2}" | tee -a "$out/run.info" >&2
