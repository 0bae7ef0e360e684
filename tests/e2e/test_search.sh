#!/usr/bin/env bash
# Search end to end: Arabic clitics, diacritics and letter forms, cross-script
# names, phrases, prefixes, fuzzy terms, filters, facets, paging, JSON shape,
# and hostile queries that must give a clear error, never a crash or a hang.
source "$(dirname "$0")/lib.sh"
tr="$T/trove"
mkdir -p "$tr/ar" "$tr/en" "$tr/ru"
printf 'وصل الوفد إلى الرقة صباح اليوم وقابل الوالي.\n' > "$tr/ar/a1.txt"
printf 'غادر القائد بالرقة نحو دير الزور.\n' > "$tr/ar/a2.txt"
printf 'اجتماع في مدينة رقة الصغيرة.\n' > "$tr/ar/a3.txt"
printf 'كلمة للمتحدث أبو محمد العدناني عن الجبهة.\n' > "$tr/ar/a4.txt"
printf 'قال الشيخُ: إنَّ الأمـــــر واضحٌ في مدرسةٍ كبيرة.\n' > "$tr/ar/a5.txt"
printf 'تقرير عن مستشفى الرقة الوطني\f وفي الصفحة الثانية ذكر لمدرسة الرقة.\n' > "$tr/ar/a6.txt"
printf 'The spokesman Abu Muhammad al-Adnani spoke about Raqqa.\n' > "$tr/en/e1.txt"
printf 'Convoys left Rakka for Deir ez-Zor; the governor was running late.\n' > "$tr/en/e2.txt"
printf 'The council runs the schools and the hospitals of the city.\n' > "$tr/en/e3.txt"
printf 'Представитель Аднани выступил в Ракке.\n' > "$tr/ru/r1.txt"
C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$tr" --batch one >/dev/null

ids() { d search "$C" "$1" --json --limit 50 | jq -r '[.hits[].path] | sort | join(",")'; }
eq "article and clitics: الرقة finds الرقة, بالرقة and رقة" "$(ids 'الرقة')" "ar/a1.txt,ar/a2.txt,ar/a3.txt,ar/a6.txt"
eq "clitic form as query: بالرقة" "$(ids 'بالرقة')" "ar/a1.txt,ar/a2.txt,ar/a3.txt,ar/a6.txt"
eq "diacritics and tatweel ignored: الامر" "$(ids 'الامر')" "ar/a5.txt"
eq "diacritics in the query ignored: مَدْرَسَة" "$(ids 'مَدْرَسَة')" "ar/a5.txt,ar/a6.txt"
eq "teh marbuta/heh and alef forms: مدرسه" "$(ids 'مدرسه')" "ar/a5.txt,ar/a6.txt"
eq "cross-script name: ~Adnani" "$(ids '~Adnani')" "ar/a4.txt,en/e1.txt,ru/r1.txt"
eq "cross-script name from Arabic: ~العدناني" "$(ids '~العدناني')" "ar/a4.txt,en/e1.txt,ru/r1.txt"
check "cross-script place: ~Raqqa finds Arabic, Rakka, Ракке" bash -c "[ \"\$(\"$DAFTAR\" search '$C' '~Raqqa' --json --limit 50 | jq '[.hits[].path] | map(select(. == \"ar/a1.txt\" or . == \"en/e2.txt\" or . == \"en/e1.txt\")) | length')\" = 3 ]"
eq "stems: running finds runs" "$(ids 'running')" "en/e2.txt,en/e3.txt"
eq "phrase" "$(ids '"deir ez-zor"')" "en/e2.txt"
eq "phrase is exact: no match out of order" "$(ids '"zor deir"')" ""
eq "prefix" "$(ids 'Rakk*')" "en/e2.txt"
eq "fuzzy: hospitels~1" "$(ids 'hospitels~1')" "en/e3.txt"
eq "OR" "$(ids 'spokesman OR council')" "en/e1.txt,en/e3.txt"
eq "NOT" "$(ids 'الرقة -مدرسة')" "ar/a1.txt,ar/a2.txt,ar/a3.txt"
eq "NOT keyword" "$(ids 'الرقة NOT مدرسة')" "ar/a1.txt,ar/a2.txt,ar/a3.txt"
eq "parentheses" "$(ids '(spokesman OR council) -schools')" "en/e1.txt"
eq "NEAR" "$(ids 'NEAR(convoys governor, 10)')" "en/e2.txt"
eq "filter path:" "$(ids 'الرقة path:a6')" "ar/a6.txt"
eq "filter only" "$(ids 'path:ru/')" "ru/r1.txt"
eq "negated filter" "$(ids 'الرقة -path:a6')" "ar/a1.txt,ar/a2.txt,ar/a3.txt"
eq "two negated filters" "$(ids 'الرقة -path:a6 -path:a1')" "ar/a2.txt,ar/a3.txt"
eq "a filter and a negated one" "$(ids 'الرقة path:ar/ -path:a2')" "ar/a1.txt,ar/a3.txt,ar/a6.txt"
eq "two filters" "$(ids 'الرقة path:ar/ path:a3')" "ar/a3.txt"
eq "filters that exclude each other" "$(ids 'الرقة path:a3 -path:ar/')" ""
eq "batch filter" "$(ids 'council batch:one')" "en/e3.txt"
eq "batch filter: unknown batch matches nothing" "$(ids 'council batch:nope')" ""

j=$(d search "$C" 'الرقة' --json --facets --limit 2)
eq "json: total" "$(jqv "$j" .total)" 4
eq "json: paging limit" "$(jqv "$j" '.hits|length')" 2
check "json: took_ms is a number" [ "$(jqv "$j" '.took_ms|type')" = number ]
check "json: hits have id, path, paths, score, snippet" [ "$(jqv "$j" '[.hits[] | has("id") and has("path") and has("paths") and has("score") and has("snippet") and has("page")] | all')" = true ]
contains "snippet marks the match in the original characters" "$(jqv "$j" '[.hits[].snippet] | join(" ")')" "«"
eq "facets: type" "$(jqv "$j" .facets.type.text)" 4
eq "facets: batch" "$(jqv "$j" .facets.batch.one)" 4
eq "facets count the filtered matches only" "$(d search "$C" 'الرقة -path:a6' --json --facets | jq .facets.type.text)" 3
j2=$(d search "$C" 'الرقة' --json --limit 2 --offset 2)
eq "paging: offset gives the rest" "$(jqv "$j2" '.hits|length')" 2
pg=$(d search "$C" 'مستشفى' --json | jq '.hits[0].page')
eq "page of a hit on page 1" "$pg" 1
pg=$(d search "$C" 'الصفحة' --json | jq '.hits[0].page')
eq "page of a hit after a form feed" "$pg" 2
contains "snippet keeps diacritics" "$(d search "$C" 'الشيخ' --json | jq -r '.hits[0].snippet')" "«الشيخُ»"

# hostile and malformed queries: exit 1 with a message naming the position, or a sensible reading
status_is "unbalanced quote: error" 1 d search "$C" '"الرقة'
contains "unbalanced quote: names the position" "$(cat "$T/.err")" "at 1"
status_is "unbalanced parenthesis: error" 1 d search "$C" '(spokesman OR council'
status_is "stray closing parenthesis: error" 1 d search "$C" 'spokesman)'
status_is "lone star: error" 1 d search "$C" '*'
status_is "only NOT: error" 1 d search "$C" -- '-council'
status_is "empty query: error" 1 d search "$C" '   '
status_is "invalid UTF-8: error" 1 d search "$C" "$(printf 'caf\xe9')"
status_is "control characters: read as spaces" 0 d search "$C" "$(printf 'council\001\002schools')"
status_is "unknown field: read as words" 0 d search "$C" 'nosuchfield:council'
status_is "FTS5 syntax is not passed through" 0 d search "$C" 'council:* ^ NEAR/3 {x}'
long=$(for i in $(seq 1 10000); do printf 'word%d ' "$i"; done)
status_is "10,000 words: a clear error" 1 d search "$C" "$long"
contains "10,000 words: says why" "$(cat "$T/.err")" "limit"
deep=$(printf '(%.0s' $(seq 1 200))council$(printf ')%.0s' $(seq 1 200))
status_is "deep parentheses: error" 1 d search "$C" "$deep"
status_is "search a case that does not exist" 1 d search "$T/nope" council
status_is "search without a query: usage" 2 d search "$C"

# verify decodes the whole full-text index (SQLite cases; server mode keeps
# tsvectors): a cut posting list, or an index that lost a document, is a
# problem of kind "index", exit 1
if [ ! -f "$C/server.conf" ]; then
  status_is "verify: the index is whole" 0 d verify "$C"
  check "verify: index rows decoded" bash -c "[ \"\$(\"$DAFTAR\" verify '$C' --json | jq .index_rows_checked)\" -gt 100 ]"
  case_sql "$C" "UPDATE ix_terms SET post = substr(post, 1, length(post) - 1) WHERE term = 'council'"
  status_is "verify: a cut posting list is a problem" 1 d verify "$C"
  contains "verify: names the term" "$(d verify "$C" --json | jq -r '.problems[] | select(.kind == "index") | .detail')" 'term "council"'
  case_sql "$C" "UPDATE ix_stats SET value = value - 1 WHERE key = 'docs'"
  contains "verify: a document missing from the index" "$(d verify "$C" --json | jq -r '.problems[] | select(.kind == "index") | .detail')" "the case stores"
fi
finish
