#!/usr/bin/env bash
# make-corpus.sh OUT: writes the search-quality corpus into folder OUT, from
# the real texts in $DAFTAR_SHARED/corpora (nothing of it is committed):
#   ar/<paper>-NNNN.txt   1,318 Arabic news articles (SaudiNewsNet, 2015-07-23)
#   en/cran/NNNN.txt      the 1,400 Cranfield abstracts (title + text)
#   en/cisi/NNNN.txt      the 1,460 CISI abstracts (title + author + text)
# then applies tests/search-eval/edits.tsv (path, from, to): the first "from"
# in that file becomes "to" (doc-side diacritics, tatweel, Persian letters,
# digits); an empty "from" appends "to" as a new paragraph (names injected in
# one script that queries ask for in the other). Deterministic.
set -euo pipefail
OUT=${1:?usage: make-corpus.sh OUT}
HERE=$(cd "$(dirname "$0")" && pwd)
SHARED=${DAFTAR_SHARED:-$HERE/../../../shared}
CORP=$SHARED/corpora
for f in saudinewsnet-ar/2015-07-23.json cranfield/cran.all.1400 cisi/CISI.ALL; do
  [ -f "$CORP/$f" ] || { echo "make-corpus: $CORP/$f is missing" >&2; exit 1; }
done
mkdir -p "$OUT/ar" "$OUT/en/cran" "$OUT/en/cisi"

# Arabic: one file an article, title, blank line, content.
jq -j '.[] | "\(.source)\u001f\(.title)\n\n\(.content)\n\u001e"' "$CORP/saudinewsnet-ar/2015-07-23.json" |
  awk -v out="$OUT/ar" 'BEGIN { RS = "\036"; FS = "\037" }
    NF >= 2 { n++; f = sprintf("%s/%s-%04d.txt", out, $1, n); printf "%s", $2 > f; close(f) }'

# SMART format (.I id, .T title, .A author, .B source, .W text, .X refs).
smart() { # FILE OUTDIR FIELDS-TO-KEEP
  tr -d '\r' < "$1" | awk -v out="$2" -v keep="$3" '
    function flush() { if (f != "") { printf "%s", body > f; close(f) } }
    /^\.I / { flush(); f = sprintf("%s/%04d.txt", out, $2); body = ""; sec = ""; next }
    /^\.[A-Z]$/ { sec = substr($0, 2, 1); if (index(keep, sec) && body != "") body = body "\n"; next }
    index(keep, sec) { body = body $0 "\n" }
    END { flush() }'
}
smart "$CORP/cranfield/cran.all.1400" "$OUT/en/cran" W   # .W repeats the title
smart "$CORP/cisi/CISI.ALL" "$OUT/en/cisi" TAW

# Edits and injections.
edits=${EDITS:-$HERE/edits.tsv}
if [ -f "$edits" ]; then
  { grep -v '^#' "$edits" || true; } | while IFS= read -r line; do
    path=${line%%$'\t'*}; rest=${line#*$'\t'}; from=${rest%%$'\t'*}; to=${rest#*$'\t'}
    [ -n "$path" ] || continue
    f=$OUT/$path
    [ -f "$f" ] || { echo "make-corpus: edit for missing $path" >&2; exit 1; }
    if [ -z "$from" ]; then
      printf '\n%s\n' "$to" >> "$f"
    else
      FROM=$from TO=$to awk 'BEGIN { from = ENVIRON["FROM"]; to = ENVIRON["TO"]; RS = "\001" }
        { i = index($0, from); if (!i) { print "make-corpus: not found: " from > "/dev/stderr"; exit 3 }
          printf "%s%s%s", substr($0, 1, i - 1), to, substr($0, i + length(from)) }' "$f" > "$f.new"
      mv "$f.new" "$f"
    fi
  done
fi
