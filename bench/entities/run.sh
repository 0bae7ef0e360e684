#!/usr/bin/env bash
# run.sh - the entities benchmark (docs/BENCHMARKS.md, "Entities"):
#
#   bash bench/entities/run.sh [WORK_DIR]
#
# 1. A case of real text from ../shared/corpora: SaudiNewsNet (Arabic news,
#    two days), CISI and Cranfield (English abstracts), ingested with
#    --no-entities; then `daftar entities` scans it: MB of text a second on
#    one core (the pass is single-threaded), patterns + dates + NER +
#    resolution.
# 2. A watchlist made from ANETAC's 79,924 English-Arabic named-entity
#    pairs (English name, Arabic alias, type): ~160,000 names.
#    `daftar xref` against the case, and in the same run the naive loop
#    (bench/entities/naive_xref.c: every name x every document, memmem on
#    the same word keys) on the first N rows, extrapolated linearly to the
#    whole list - the script prints both and says which is measured.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpora="$repo/../shared/corpora"
work=${1:-$(mktemp -d /tmp/daftar-bench-entities.XXXXXX)}
D=${DAFTAR:-$repo/build/daftar}
naive_rows=${NAIVE_ROWS:-2000}
mkdir -p "$work/trove/ar" "$work/trove/en"
[ -x "$D" ] || { echo "build daftar first (make)" >&2; exit 1; }

# the corpus
for day in 2015-07-22 2015-07-23; do
  unzip -p "$corpora/saudinewsnet-ar/$day.zip" | python3 -c '
import json, sys, os
out = sys.argv[1]
for i, a in enumerate(json.load(sys.stdin)):
    with open(os.path.join(out, "%s-%05d.txt" % (sys.argv[2], i)), "w") as f:
        f.write((a.get("title") or "") + "\n\n" + (a.get("content") or ""))
' "$work/trove/ar" "$day"
done
python3 - "$corpora" "$work/trove/en" <<'EOF'
import os, sys, re
src, out = sys.argv[1], sys.argv[2]
for name, path in (("cisi", "cisi/CISI.ALL"), ("cran", "cranfield/cran.all.1400")):
    text = open(os.path.join(src, path), encoding="latin-1").read().replace("\r", "")
    for i, doc in enumerate(re.split(r"^\.I ", text, flags=re.M)[1:]):
        body = re.sub(r"^\.[A-Z]\s*$", "", doc, flags=re.M)
        open(os.path.join(out, "%s-%05d.txt" % (name, i)), "w").write(body)
EOF

# the watchlist
python3 - "$corpora/anetac-en-ar/EN-AR NE/EN-AR Named-entities.txt" "$work/list.csv" <<'EOF'
import sys, csv
types = {"PERSON": "person", "LOCATION": "place", "ORGANIZATION": "organization"}
rows = 0
with open(sys.argv[1], encoding="utf-8") as f, open(sys.argv[2], "w", newline="") as o:
    w = csv.writer(o)
    w.writerow(["name", "aliases", "type"])
    for line in f:
        parts = line.rstrip("\n").split(" ")
        if len(parts) < 3 or parts[0] not in types:
            continue
        # "TYPE english words arabic words": the Arabic starts at the first
        # word in Arabic script
        i = next((k for k in range(1, len(parts)) if any("\u0600" <= ch <= "\u06ff" for ch in parts[k])), None)
        if i is None or i == 1:
            continue
        w.writerow([" ".join(parts[1:i]), " ".join(parts[i:]), types[parts[0]]])
        rows += 1
print(rows, file=sys.stderr)
EOF

rm -rf "$work/case"
"$D" init "$work/case" >/dev/null
"$D" ingest "$work/case" "$work/trove" --no-entities --json > "$work/ingest.json"
"$D" entities "$work/case" --json --limit 1 > "$work/entities.json"
"$D" xref "$work/case" "$work/list.csv" --json --min-score 0.9 > "$work/xref.json"

make -C "$repo/build" bench_naive_xref >/dev/null
"$repo/build/bench_naive_xref" "$work/case" "$work/list.csv" "$naive_rows" > "$work/naive.json"

python3 - "$work" <<'EOF'
import json, sys
w = sys.argv[1]
ing = json.load(open(w + "/ingest.json"))
ent = json.load(open(w + "/entities.json"))
x = json.load(open(w + "/xref.json"))
nv = json.load(open(w + "/naive.json"))
mb = ent["bytes_scanned"] / 1e6
print("corpus: %d documents, %.1f MB of text" % (ing["documents_added"], mb))
print("| step | seconds | figure |")
print("|---|---|---|")
print("| entities: scan (patterns, dates, NER; one core) | %.2f | %.2f MB/s, %d mentions |" % (ent["extract_seconds"], mb / ent["extract_seconds"], ent["mentions_found"]))
print("| entities: resolve | %.2f | |" % ent["resolve_seconds"])
print("| xref, %d rows (%d names, %d key sequences) | %.2f | %d matches, %d hits (measured) |" % (x["watchlist"], x["names"], x["sequences"], x["seconds"], len(x["matches"]), x["hits"]))
per_name = nv["seconds"] / max(nv["names"], 1)
print("| naive loop, first %d names x %d documents | %.2f | %d (name, document) pairs (measured) |" % (nv["names"], nv["documents"], nv["seconds"], nv["pairs_found"]))
print("| naive loop, all %d names (extrapolated, linear in names) | %.0f | ratio naive / daftar: %.0f x (extrapolated) |" % (x["names"], per_name * x["names"], per_name * x["names"] / max(x["seconds"], 1e-9)))
EOF
echo "work folder: $work" >&2
