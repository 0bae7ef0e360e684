#!/usr/bin/env bash
# run.sh SETDIR [OUTDIR] - copies across media on a set made by make_letters.py:
# the typed letters are ingested as batch "typed", the scans and photos as batch
# "media" (timed), then `dups --json` and `new --batch media --json`, scored by
# score.py against the manifest (pairs in one cluster; each image's `new` verdict).
# Environment: DAFTAR (default build/daftar), SPLIT=tune|test (default both),
# JOBS (ingest workers, default 2; nice 10), THRESHOLD (dups/new --threshold).
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 SETDIR [OUTDIR]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
set_dir=$(readlink -f "$1"); out=${2:-$set_dir/run}
daftar=${DAFTAR:-$here/../../build/daftar}
[ -x "$daftar" ] || { echo "run.sh: no $daftar (build it, or set DAFTAR)" >&2; exit 1; }
rm -rf "$out"; mkdir -p "$out/typed" "$out/media"
awk -F'\t' -v s="${SPLIT:-}" 'NR>1 && (s=="" || $3==s) {print $1 "\t" $6}' "$set_dir/manifest.tsv" |
while IFS=$'\t' read -r f medium; do
  if [ "$medium" = typed ]; then cp "$set_dir/$f" "$out/typed/"; else cp "$set_dir/$f" "$out/media/"; fi
done
"$daftar" init "$out/case" >/dev/null
nice -n 10 /usr/bin/time -o "$out/typed.time" -f '%e %U %S' \
  "$daftar" ingest "$out/case" "$out/typed" --batch typed -j "${JOBS:-2}" --json > "$out/ingest-typed.json"
nice -n 10 /usr/bin/time -o "$out/media.time" -f '%e %U %S' \
  "$daftar" ingest "$out/case" "$out/media" --batch media -j "${JOBS:-2}" --json > "$out/ingest-media.json"
th=()
[ -n "${THRESHOLD:-}" ] && th=(--threshold "$THRESHOLD")
/usr/bin/time -o "$out/dups.time" -f '%e %U %S' "$daftar" dups "$out/case" "${th[@]}" --json > "$out/dups.json"
"$daftar" new "$out/case" --batch media "${th[@]}" --json > "$out/new.json"
"$daftar" docs "$out/case" --json > "$out/docs.json"
/usr/bin/python3 "$here/score.py" "$set_dir/manifest.tsv" "$out"
