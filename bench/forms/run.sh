#!/usr/bin/env bash
# bench/forms/run.sh - speed of templates and records (issue #18): N typed
# forms of one template (default 22,000, the Arabic registration form of
# make_forms.py, 25 fields) ingested (the ingest computes and stores the
# templates and records at its end: its log says how long), then `daftar
# forms`, `daftar records --json`, `records --count-by` and `records
# --where` timed (wall seconds, peak memory; --where five times). An older
# daftar that does not store records computes them in each command.
# Figures: docs/BENCHMARKS.md "Forms and records".
#
# Usage: bench/forms/run.sh [DAFTAR] [N] [WORKDIR]
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
DAFTAR=${1:-$HERE/../../build/daftar}
N=${2:-22000}
W=${3:-/tmp/daftar-bench-forms}
rm -rf "$W"
mkdir -p "$W"
/usr/bin/python3 "$HERE/make_forms.py" "$W/gen" --only-template ar_reg --count "$N" --noise 0.05 --seed 22
"$DAFTAR" init "$W/case" >/dev/null
t0=$(date +%s.%N)
"$DAFTAR" ingest "$W/case" "$W/gen/files" --no-entities -j 2 -v >/dev/null 2>"$W/ingest.log"
t1=$(date +%s.%N)
echo "ingest of $N forms: $(echo "$t1 - $t0" | bc) s"
grep -E "forms: .*(records, .* links|stored in)" "$W/ingest.log" | sed 's/^/  /' || true
tm() { /usr/bin/time -f "%e s, %M KB peak" "$@"; }
echo -n "forms:                 "; tm "$DAFTAR" forms "$W/case" --json 2>&1 >/dev/null | tail -1
echo -n "records --json:        "; tm "$DAFTAR" records "$W/case" --json 2>&1 >"$W/records.json" | tail -1
echo -n "records --count-by:    "; tm "$DAFTAR" records "$W/case" --count-by الجنسية 2>&1 >/dev/null | tail -1
for i in 1 2 3 4 5; do
  echo -n "records --where ($i):   "; tm "$DAFTAR" records "$W/case" --where الجنسية=تونسية --format csv 2>&1 >/dev/null | tail -1
done
echo "  $("$DAFTAR" records "$W/case" --where الجنسية=تونسية --format csv | tail -n +2 | wc -l) records found"
echo "templates: $("$DAFTAR" forms "$W/case" --json | jq -c '[.templates[]|.documents]')"
