#!/usr/bin/env bash
# gen-queries.sh: regenerates edits.tsv and queries.tsv (run from anywhere;
# takes a few minutes; the committed files are its output). Every query's
# truth is exact by construction:
#  - Arabic: a word (or two-word phrase) whose every clitic reading occurs in
#    one document only (gen-arabic.awk), queried in a variant spelling;
#    doc-side variants are written into that one document (edits.tsv);
#  - English: stems and phrases likewise (gen-english.awk);
#  - names: an ANETAC pair injected in one script, queried in the other
#    (gen-names.sh);
#  - Cranfield and CISI: their own queries and relevance judgements.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
export DAFTAR_SHARED=${DAFTAR_SHARED:-$HERE/../../../shared}
CORP=$DAFTAR_SHARED/corpora
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
: > "$W/none.tsv"
EDITS=$W/none.tsv "$HERE/make-corpus.sh" "$W/plain"
"$HERE/wordindex.sh" "$W/plain" > "$W/idx0.tsv"
"$HERE/gen-names.sh" "$W/idx0.tsv" > "$W/names.tsv"
grep '^edit' "$W/names.tsv" | cut -f2- > "$W/name-edits.tsv"
rm -rf "$W/c1"; EDITS=$W/name-edits.tsv "$HERE/make-corpus.sh" "$W/c1"
"$HERE/wordindex.sh" "$W/c1" > "$W/idx.tsv"
awk -F'\t' '$1 ~ /^ar\//' "$W/idx.tsv" | awk -f "$HERE/gen-arabic.awk" > "$W/cand.tsv"
awk -F'\t' '$1 ~ /^en\//' "$W/idx.tsv" | awk -f "$HERE/gen-english.awk" >> "$W/cand.tsv"
# numbers: not part of a longer number (43.928.658, 12:15) and above 1500, so
# that no file name of the corpus (en/cran/1215.txt) holds them too
awk -F'\t' '$1 == "ar-digits"' "$W/cand.tsv" | while IFS= read -r l; do
  n=${l##*doc }; p=$(printf '%s' "$l" | cut -f3)
  [ "$n" -gt 1500 ] && [ "${n:0:1}" != 0 ] || continue
  grep -qE "(^|[^0-9.,/:-])$n([^0-9.,/:-]|\$)" "$W/c1/$p" && ! grep -qE "[0-9][.,/:-]$n|$n[.,/:-][0-9]" "$W/c1/$p" && printf '%s\n' "$l" || true
done > "$W/digits.tsv"
grep -v '^ar-digits' "$W/cand.tsv" > "$W/cand2.tsv"; cat "$W/digits.tsv" >> "$W/cand2.tsv"; mv "$W/cand2.tsv" "$W/cand.tsv"
# injected documents are not targets of other queries
grep '^edit' "$W/names.tsv" | cut -f2 | sed 's/^/used\t/' > "$W/used.tsv"

# pick CATEGORY N: N candidates spread over the list, one a document
pick() {
  awk -F'\t' -v cat="$1" -v n="$2" -v usedf="$W/used.tsv" '
    BEGIN { OFS = "\t"; while ((getline l < usedf) > 0) { split(l, u, "\t"); used[u[2]] = 1 } }
    $1 == cat { c[++m] = $0 }
    END { step = m / n; got = 0
      for (j = 0; got < n && j < 4 * n; j++) {
        i = int(j * step / 4 * 4) + 1; if (j >= n) i = int((j - n) * step + step / 2) + 1
        if (i > m) continue
        split(c[i], f, "\t"); if (used[f[3]]) continue
        used[f[3]] = 1; print c[i]; got++ } }' "$W/cand.tsv" | tee -a "$W/picked.tsv" | cut -f3 | sed 's/^/used\t/' >> "$W/used.tsv"
}
: > "$W/picked.tsv"
pick ar-clitic 14; pick ar-diacritics-query 8; pick ar-diacritics-doc 8; pick ar-letters 14
pick ar-persian 6; pick ar-digits 8; pick ar-phrase 8; pick en-stem 10; pick en-phrase 8

# doc-side variants: a unique word of a document rewritten there (tatweel,
# Persian letters, diacritics), queried as usually written
awk -F'\t' 'BEGIN { OFS = "\t" } $1 == "ar-diacritics-query" { print "docside", $4, $3 }' "$W/cand.tsv" | sed 's/\tdoc /\t/' > "$W/ds0.tsv"
awk -F'\t' -v usedf="$W/used.tsv" -v out="$W/ds-edits.tsv" '
  BEGIN { OFS = "\t"; while ((getline l < usedf) > 0) { split(l, u, "\t"); used[u[2]] = 1 } }
  { if (used[$3]) next; c[++m] = $0 }
  END { for (j = 0; j < 8; j++) { i = int((j + 0.5) * m / 8) + 1
      do { split(c[i++], f, "\t"); w = f[2]; p = f[3] } while (j >= 3 && j < 6 && !index(w, "ي") && !index(w, "ك") && i <= m)
      if (j < 3) { v = substr(w, 1, 4) "ـــ" substr(w, 5); why = "tatweel in the document" }
      else if (j < 6) { v = w; gsub("ي", "ی", v); gsub("ك", "ک", v); why = "Persian letters in the document" }
      else { v = substr(w, 1, 2) "َ" substr(w, 3, 2) "ّ" substr(w, 5, 2) "ُ" substr(w, 7) "ٌ"; why = "diacritics in the document" }
      print p, w, v > out
      print "ar-docside", w, p, why ": " v } }' "$W/ds0.tsv" >> "$W/picked.tsv"

# Cranfield (queries numbered 1..225 in file order) and CISI: the first 25
# (Cranfield) and the 15 (CISI) queries with the fewest judged documents
# (3 to 10 for Cranfield, at least 2 for CISI); the text's words of 3+
# letters, stop words dropped, joined with OR.
STOP="a an and are as at be been but by can do does for from has have how in into is it its of on or such that the their there these this those to was were what when where which who whom why will with would about any been being between both did each few more most other some than then they under until upon very also given given been made make may must should could used using paper papers problem problems possible available obtained present presently information"
smartq() { tr -d '\r' < "$1" | awk '/^\.I/ { n++; next } /^\.W/ { w = 1; next } /^\.[A-Z]/ { w = 0 } w { t[n] = t[n] " " $0 } END { for (i = 1; i <= n; i++) print i "\t" t[i] }'; }
irq() { # QUERIES QRELS CATEGORY PREFIX MIN MAX N
  awk -F'\t' -v stop="$STOP" -v rel="$2" -v cat="$3" -v pre="$4" -v lo="$5" -v hi="$6" -v want="$7" '
    BEGIN { split(stop, s, " "); for (i in s) st[s[i]] = 1
      while ((getline l < rel) > 0) { split(l, f, " "); if (f[3] == "" || f[3] + 0 > 0 || f[3] == "0") { q = f[1] + 0; r[q] = r[q] " " sprintf("%s/%04d.txt", pre, f[2]); c[q]++ } } }
    { q = $1 + 0; if (c[q] < lo || c[q] > hi) next
      t = tolower($2); gsub(/[^a-z]+/, " ", t); k = split(t, w, " "); out = ""; delete seen
      for (i = 1; i <= k; i++) if (length(w[i]) >= 3 && !st[w[i]] && !seen[w[i]]++) out = out (out == "" ? "" : " OR ") w[i]
      rl = r[q]; sub(/^ /, "", rl); gsub(/ /, ",", rl)
      if (out != "" && got < want) { print cat "\t" out "\t" rl "\t" pre " query " q; got++ } }'
}
smartq "$CORP/cranfield/cran.qry" | irq /dev/stdin "$CORP/cranfield/cranqrel" cranfield en/cran 3 10 25 >> "$W/picked.tsv"
# CISI: the 15 queries with fewest judgements (ties by id)
tr -s ' \t' ' ' < "$CORP/cisi/CISI.REL" | sed 's/^ //' | cut -d' ' -f1,2 > "$W/cisi.rel"
hi=$(cut -d' ' -f1 "$W/cisi.rel" | sort -n | uniq -c | awk '$1 >= 2 { print $1 }' | sort -n | sed -n 15p)
smartq "$CORP/cisi/CISI.QRY" | irq /dev/stdin "$W/cisi.rel" cisi en/cisi 2 "$hi" 15 >> "$W/picked.tsv"

grep -v '^edit' "$W/names.tsv" >> "$W/picked.tsv"
{ echo "# path	from	to (generated by gen-queries.sh; empty from = append)"; cat "$W/name-edits.tsv" "$W/ds-edits.tsv"; } > "$HERE/edits.tsv"
{ echo "# category	query	relevant paths (comma-separated)	how the truth is known (generated by gen-queries.sh)"
  awk -F'\t' 'BEGIN { OFS = "\t" } { print $1, $2, $3, $4 }' "$W/picked.tsv"; } > "$HERE/queries.tsv"
echo "gen-queries: $(grep -vc '^#' "$HERE/queries.tsv") queries, $(grep -vc '^#' "$HERE/edits.tsv") edits" >&2
