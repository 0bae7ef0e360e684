# gen-english.awk: reads wordindex.sh output of the English documents and
# prints candidate queries "category<TAB>query<TAB>path<TAB>why":
#  en-stem: a word whose first len-3 letters begin no word of any other
#   document, queried in another inflection (plural/singular, -ing/-ed);
#  en-phrase: two words found in 30 to 400 documents each, together in one
#   document only.
BEGIN { FS = OFS = "\t" }
{ path[NR] = $1; w[NR] = $4
  if ($4 ~ /^[a-z]+$/ && length($4) >= 8) { pre = substr($4, 1, length($4) - 3); if (!((pre, $1) in ps)) { ps[pre, $1] = 1; pdf[pre]++ } }
  if (!(($4, $1) in seen)) { seen[$4, $1] = 1; df[$4]++ }
  if (NR > 1 && path[NR-1] == $1) { bg = w[NR-1] " " $4; if (!((bg, $1) in bs)) { bs[bg, $1] = 1; bdf[bg]++ } }
}
END {
  # every prefix of every long word, to check that the stem is unique
  for (k in ps) { split(k, kk, SUBSEP); for (l = 5; l <= length(kk[1]); l++) { q = substr(kk[1], 1, l); if (!((q, kk[2]) in pp)) { pp[q, kk[2]] = 1; ppdf[q]++ } } }
  for (r = 1; r <= NR; r++) {
    x = w[r]
    if (x !~ /^[a-z]+$/ || length(x) < 8) continue
    pre = substr(x, 1, length(x) - 3)
    if (ppdf[pre] != 1) continue
    q = ""
    if (x ~ /ities$/) q = substr(x, 1, length(x) - 3) "y"
    else if (x ~ /(tions|ments|ures|ances|ences|ings|ators)$/) q = substr(x, 1, length(x) - 1)
    else if (x ~ /[^aeiouy]ing$/) q = substr(x, 1, length(x) - 3) "ed"
    else if (x ~ /ed$/) q = substr(x, 1, length(x) - 2) "ing"

    if (q != "" && df[q] == 0) print "en-stem", q, path[r], "doc " x
  }
  for (r = 2; r <= NR; r++) {
    if (path[r] != path[r-1]) continue
    a = w[r-1]; b = w[r]
    if (a !~ /^[a-z]+$/ || b !~ /^[a-z]+$/ || length(a) < 5 || length(b) < 5) continue
    if (df[a] < 30 || df[b] < 30 || df[a] > 400 || df[b] > 400 || bdf[a " " b] != 1) continue
    print "en-phrase", "\"" a " " b "\"", path[r], "both words in " df[a] "/" df[b] " documents"
  }
}
