#!/usr/bin/env bash
# Entities in the trove's own register (issue #19, item 2), on the demo
# trove and on a few letters written for this test: a document number keeps
# its whole reference and is no node of the co-occurrence graph; offices and
# departments are whole organisations (ديوان بيت المال, not ديوان); places of
# Syria and Iraq are places in both scripts and one place whatever their
# spelling (Raqqa = Rakka = Ar-Raqqah = الرقة; Deir ez-Zor = Deir Ezzor =
# دير الزور, no "Deir"), with the gazetteer's coordinates; "al-Adnani" is
# Abu Mohammad al-Adnani where the document names him in full.
source "$(dirname "$0")/lib.sh"
trap 'serve_stop; cleanup' EXIT
C="$T/case"
bash "${DAFTAR_SRC:-$(dirname "$0")/../..}/scripts/make-demo-trove.sh" "$T/trove" >/dev/null
mkdir -p "$T/more"
cat > "$T/more/memo-en.txt" <<'EOF'
From: Office of Public Relations, Wilayat al-Khayr
To: Department of Finance and Zakat
Ref. No. 45/3

The convoy left Dayr al-Zawr for Al-Raqqah on Monday and reached Rakka at night.
Fuel from al-Bukamal was sent to Mosul and Tal Afar.
EOF
cat > "$T/more/letter-ar.txt" <<'EOF'
بسم الله الرحمن الرحيم
مكتب العلاقات العامة
الرقم: 104/ص/2016
إلى: ديوان الزكاة في ولاية الخير
نعلمكم أن كتابكم رقم 45/3 وصل، وأن القافلة خرجت من بدير الزور إلى الموصل ثم إلى بغداد.
EOF

d init "$C" >/dev/null
d ingest "$C" "$T/trove/delivery-1" >/dev/null 2>&1
d ingest "$C" "$T/trove/delivery-2" >/dev/null 2>&1
d ingest "$C" "$T/more" >/dev/null 2>&1
ents=$(d entities "$C" --json --limit 1000)
named() { jqv "$ents" "[.entities[] | select(.type == \"$1\" and (.variants | index(\"$2\")))] | length"; }
typed() { jqv "$ents" "[.entities[] | select(.variants | index(\"$1\")) | .type] | unique | join(\",\")"; }

# (a) document numbers
for ref in '17/ز/1437' '18/ع/1437' '77/ب م/1437' '104/ج/1437' '104/ص/2016' '45/3'; do
  eq "document number $ref kept whole" "$(named document_number "$ref")" 1
done
eq "no document number cut to a bare number" \
  "$(jqv "$ents" '[.entities[] | select(.type == "document_number" and (.name | test("^[0-9]+$")))] | map(.name) | join(",")')" ""

# (b) offices
for o in 'ديوان بيت المال' 'ديوان الزكاة' 'ديوان الجند' 'مكتب العلاقات العامة' \
  'Office of Public Relations' 'Department of Finance and Zakat'; do
  eq "$o: one organisation, whole" "$(named organization "$o")" 1
done
eq "no office cut to its head noun (ديوان, ديوان بيت)" \
  "$(jqv "$ents" '[.entities[] | .variants[] | select(. == "ديوان" or . == "ديوان بيت")] | length')" 0

# (c) places
raqqa=$(jqv "$ents" '[.entities[] | select(.variants | index("الرقة"))]')
eq "Raqqa: one entity" "$(jqv "$raqqa" 'length')" 1
eq "Raqqa: a place" "$(jqv "$raqqa" '.[0].type')" place
for v in Raqqa Rakka Ar-Raqqah Al-Raqqah; do
  contains "Raqqa: $v is one of its spellings" "$(jqv "$raqqa" '.[0].variants | join("|")')" "$v"
done
eq "Raqqa is no person, organisation or misc" \
  "$(jqv "$ents" '[.entities[] | select(.type != "place") | .variants[] | select(test("^(de |et )?(Raqqa|Rakka|الرقة)$"))] | length')" 0
deir=$(jqv "$ents" '[.entities[] | select(.variants | index("دير الزور"))]')
eq "Deir ez-Zor: one entity" "$(jqv "$deir" 'length')" 1
eq "Deir ez-Zor: a place" "$(jqv "$deir" '.[0].type')" place
for v in 'Deir ez-Zor' 'Deir Ezzor' 'Dayr al-Zawr'; do
  contains "Deir ez-Zor: $v is one of its spellings" "$(jqv "$deir" '.[0].variants | join("|")')" "$v"
done
eq "no place \"Deir\" apart" "$(jqv "$ents" '[.entities[] | select(.name == "Deir")] | length')" 0
eq "Deir ez-Zor is no organisation" "$(typed 'Deir Ezzor')" place
for p in الموصل Mosul بغداد 'Tal Afar' البوكمال 'al-Mayadin' Tabqa; do
  eq "$p: a place" "$(typed "$p")" place
done
eq "Mosul: one place in both scripts" "$(jqv "$ents" '[.entities[] | select(.variants | index("Mosul")) | .variants | index("الموصل")] | map(. != null) | join(",")')" true
# the gazetteer's coordinates are kept with the mention (for the map)
raqqa_extra=$(case_sql "$C" "SELECT extra FROM mentions WHERE type = 'place' AND value = 'Rakka' LIMIT 1")
contains "a gazetteer place carries its coordinates" "$raqqa_extra" "geo:35.95"

# (d) al-Adnani
adnani=$(jqv "$ents" '[.entities[] | select(.variants | index("al-Adnani"))]')
eq "al-Adnani: one entity" "$(jqv "$adnani" 'length')" 1
eq "al-Adnani: a person" "$(jqv "$adnani" '.[0].type')" person
eq "al-Adnani: named by the full name" "$(jqv "$adnani" '.[0].name')" "Abu Mohammad al-Adnani"
contains "al-Adnany joins him too" "$(jqv "$adnani" '.[0].variants | join("|")')" "al-Adnany"

# the who-with-whom graph: no document number among its nodes
check "serve starts" serve_start "$C"
g=$(curl -s "$B/api/graph")
eq "graph: no document-number node" "$(jqv "$g" '[.nodes[] | select(.type == "document_number")] | length')" 0
contains "graph: Raqqa is a node" "$(jqv "$g" '[.nodes[] | .name] | join("|")')" "الرقة"
serve_stop
finish
