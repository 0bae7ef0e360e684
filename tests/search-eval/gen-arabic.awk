# gen-arabic.awk: reads wordindex.sh output (path, pos, raw, norm) of the
# Arabic documents and prints candidate queries "category<TAB>query<TAB>path
# <TAB>why" whose truth is exact: the word's every clitic reading (norm, and
# norm without و ف ب ك ل ال لل and their combinations, three letters left)
# occurs in that one document only. mawk works on bytes: an Arabic letter is
# two bytes. Run by gen-queries.sh.
BEGIN {
  FS = OFS = "\t"
  np = split("وبال وكال وفال فبال فكال ولل فلل بال كال فال وال لل ال وب وك ول فب فك فل و ف ب ك ل", P, " ")
  split("ً ٌ ٍ َ ُ ِ ّ ْ ٰ ـ", DIA, " ")
  AR = "ء ا أ إ آ ب ت ث ج ح خ د ذ ر ز س ش ص ض ط ظ ع غ ف ق ك ل م ن ه و ي ى ة ؤ ئ"
  split(AR, L, " ")
}
function arabic(w,   i) { for (i in L) gsub(L[i], "", w); return w == "" }
function undia(w,   i) { for (i in DIA) gsub(DIA[i], "", w); return w }
# every reading of a normalised word, space-separated
function readings(n,   i, out, p) {
  out = n
  for (i = 1; i <= np; i++) {
    p = P[i]
    if (substr(n, 1, length(p)) == p && length(n) - length(p) >= 6) out = out " " substr(n, length(p) + 1)
    if (p == "لل" || p == "ولل" || p == "فلل")
      if (substr(n, 1, length(p)) == p && length(n) - length(p) >= 6) out = out " " substr(n, length(p) - 1 + 0, 0) substr(n, length(p) + 1)
  }
  return out
}
{ path[NR] = $1; pos[NR] = $2; raw[NR] = $3; nrm[NR] = $4
  k = split(readings($4), R, " ")
  for (i = 1; i <= k; i++) if (!((R[i], $1) in seen)) { seen[R[i], $1] = 1; df[R[i]]++ }
  if (NR > 1 && path[NR-1] == $1) {
    bg = nrm[NR-1] " " $4
    if (!((bg, $1) in bseen)) { bseen[bg, $1] = 1; bdf[bg]++ }
  }
  wdf[$4, $1] = 1
}
END {
  for (r = 1; r <= NR; r++) {
    w = raw[r]; n = nrm[r]
    if (!arabic(undia(w)) || length(n) < 8) continue
    k = split(readings(n), R, " "); uniq = 1
    for (i = 1; i <= k; i++) if (df[R[i]] != 1) uniq = 0
    if (!uniq) continue
    p = path[r]; u = undia(w)
    # the word without its clitics, as the document writes it
    if (substr(n, 1, 4) == "ال" && length(n) >= 12 && substr(n, 5, 2) != "ل") {
      rest = substr(u, 5)
      print "ar-clitic", "بال" rest, p, "doc " w
      print "ar-clitic", "وال" rest, p, "doc " w
      print "ar-clitic", "لل" rest, p, "doc " w
    }
    if (n ~ /^(بال|وال|فال|كال|لل|وبال)/ && length(n) >= 14) {
      sub(/^(بال|وال|فال|كال|لل|وبال)/, "", u)
      if (substr(u, 1, 2) != "ل") { print "ar-clitic", "ال" u, p, "doc " w; print "ar-clitic", u, p, "doc " w }
    }
    if (w != undia(w) && undia(w) !~ /ـ/) print "ar-diacritics-doc", undia(w), p, "doc " w
    if (w == undia(w) && length(w) >= 10 && substr(w, 1, 4) != "ال")
      print "ar-diacritics-query", substr(w, 1, 2) "َ" substr(w, 3, 2) "ّـ" substr(w, 5, 2) "ِ" substr(w, 7), p, "doc " w
    if (u ~ /(أ|إ|آ)/) { q = u; gsub(/(أ|إ|آ)/, "ا", q); print "ar-letters", q, p, "alef: doc " w }
    if (u ~ /ة$/) { q = u; sub(/ة$/, "ه", q); print "ar-letters", q, p, "teh marbuta: doc " w }
    if (u ~ /ى$/) { q = u; sub(/ى$/, "ي", q); print "ar-letters", q, p, "alef maksura: doc " w }
    if (u ~ /^ا(ست|نت|خت|عت|جت|فت)/) { q = "إ" substr(u, 3); print "ar-letters", q, p, "hamza added: doc " w }
    if (u ~ /ئ/) { q = u; gsub(/ئ/, "ي", q); print "ar-letters", q, p, "yeh hamza: doc " w }
    if (u ~ /(ك|ي)/) { q = u; gsub(/ك/, "ک", q); gsub(/ي/, "ی", q); print "ar-persian", q, p, "doc " w }
  }
  # numbers found in one document only, queried in Arabic-Indic or Persian digits
  for (r = 1; r <= NR; r++) {
    w = raw[r]
    if (w !~ /^[0-9][0-9][0-9][0-9]*$/ || w ~ /^(19|20)[0-9][0-9]$/ || df[w] != 1) continue
    q = w; gsub(/0/, "٠", q); gsub(/1/, "١", q); gsub(/2/, "٢", q); gsub(/3/, "٣", q); gsub(/4/, "٤", q)
    gsub(/5/, "٥", q); gsub(/6/, "٦", q); gsub(/7/, "٧", q); gsub(/8/, "٨", q); gsub(/9/, "٩", q)
    print "ar-digits", q, path[r], "doc " w
  }
  # phrases: two words found in 30 to 400 documents each together in one document only
  for (r = 2; r <= NR; r++) {
    if (path[r] != path[r-1]) continue
    a = nrm[r-1]; b = nrm[r]
    if (length(a) < 8 || length(b) < 8 || !arabic(a) || !arabic(b)) continue
    if (df[a] < 30 || df[b] < 30 || df[a] > 400 || df[b] > 400 || bdf[a " " b] != 1) continue
    print "ar-phrase", "\"" undia(raw[r-1]) " " undia(raw[r]) "\"", path[r], "both words in " df[a] "/" df[b] " documents"
  }
}
