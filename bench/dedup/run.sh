#!/usr/bin/env bash
# run.sh [N] - time duplicate detection on a generated trove of N letters
# (bench/dedup/gen.py): ingest, the first `dups` (signs every text), a
# second `dups` (signatures stored: nothing to sign), and `new` for the
# second delivery (later versions and new letters, ~15% of N). Prints one
# line a step. DAFTAR: the binary.
set -euo pipefail
N=${1:-10000}
DAFTAR=${DAFTAR:-$(dirname "$0")/../../build/daftar}
W=${TMPDIR:-/tmp}/bench-dedup-$$
trap 'rm -rf "$W"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
python3 "$here/gen.py" "$W" "$N" 1
"$DAFTAR" init "$W/case" >/dev/null
t() { local s=$(date +%s.%N); "$@" >"$W/out.json"; echo "$(echo "$(date +%s.%N) - $s" | bc)"; }
echo "ingest one ($(find "$W/one" -type f | wc -l) files): $(t "$DAFTAR" ingest "$W/case" "$W/one" --batch one -j 2 --json) s"
echo "dups, first run:  $(t "$DAFTAR" dups "$W/case" --json) s  $(jq -c '{signed, lsh, clusters: (.clusters|length)}' "$W/out.json")"
echo "dups, second run: $(t "$DAFTAR" dups "$W/case" --json) s  $(jq -c '{signed, lsh}' "$W/out.json")"
echo "ingest two ($(find "$W/two" -type f | wc -l) files): $(t "$DAFTAR" ingest "$W/case" "$W/two" --batch two -j 2 --json) s"
echo "new --batch two:  $(t "$DAFTAR" new "$W/case" --batch two --json) s  $(jq -c '{signed, new: (.new|length), copies: (.copies|length), near_copies: (.near_copies|length)}' "$W/out.json")"
