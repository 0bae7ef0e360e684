#!/usr/bin/env bash
# Entities end to end: ingest scans texts for patterns, dates and names;
# `entities` lists them with variants merged across scripts and spellings
# (and keeps apart what must stay apart); --type and --doc filter; a second
# batch is scanned without rescanning the first; `xref` finds a watchlist's
# names across scripts with evidence, and rejects a bad CSV by file and line.
source "$(dirname "$0")/lib.sh"
C="$T/case"
mkdir -p "$T/b1" "$T/b2"

cat > "$T/b1/letter-en.txt" <<'EOF'
From: Abu Muhammad al-Adnani <adnani@example.org>
Date: 15 March 2016

Brother Abu Bakr al-Baghdadi met Omar al-Shishani in Raqqa on 6 Jumada al-Akhirah 1437.
Send 1,500 USD to IBAN DE89370400440532013000 and call +963 944 123 456.
The card 4111 1111 1111 1112 is not valid; the card 4111 1111 1111 1111 is.
Hassan Nasrallah was not there.
EOF
cat > "$T/b1/letter-ar.txt" <<'EOF'
من أبو محمد العدناني إلى الأخ أبو بكر البغدادي
التاريخ: ١٤٣٧/٦/٦ هـ
نرجو تحويل مبلغ ٥٠٠ دولار إلى مكتب الرقة.
EOF
cat > "$T/b2/report.txt" <<'EOF'
Report on the visit of Abou Mohammed al-Adnani to Mosul on 2 April 2016.
Hussein Nasrallah, a shopkeeper, sold him bread.
EOF

d init "$C" >/dev/null
out=$(d ingest "$C" "$T/b1" --json 2>/dev/null)
eq "ingest scanned both texts for entities" "$(jqv "$out" '.entities.scanned')" 2
eq "NER models found (en and ar)" "$(jqv "$out" '.entities.models')" "en ar"

ents=$(d entities "$C" --json)
has() { jqv "$ents" "[.entities[] | select(.type == \"$1\" and .name == \"$2\")] | length"; }
eq "the IBAN (mod-97 checks)" "$(has iban DE89370400440532013000)" 1
eq "the e-mail address" "$(has email adnani@example.org)" 1
eq "the phone in E.164" "$(has phone +963944123456)" 1
eq "the valid card only" "$(jqv "$ents" '[.entities[] | select(.type == "card")] | map(.name) | join(",")')" 4111111111111111
eq "money, Arabic and English" "$(jqv "$ents" '[.entities[] | select(.type == "money")] | map(.name) | sort | join(",")')" "1500 USD,500 USD"
# the English date, the Hijri date in transliteration and the Arabic Hijri
# date are one day: one date entity with three mentions in two documents
eq "Gregorian and Hijri dates: one day" "$(jqv "$ents" '.entities[] | select(.type == "date" and .name == "2016-03-15") | "\(.mentions) \(.documents)"')" "3 2"
adnani=$(jqv "$ents" '[.entities[] | select(.type == "person") | select(.variants | index("أبو محمد العدناني"))][0]')
contains "al-Adnani: Latin and Arabic spellings are one person" "$(jqv "$adnani" '.variants | join("|")')" "Abu Muhammad al-Adnani"
eq "al-Adnani: in both documents" "$(jqv "$adnani" '.documents')" 2
contains "variants say why they were merged" "$(jqv "$adnani" '.variants_detail | map(.reason) | join("|")')" "same name"
baghdadi=$(jqv "$ents" '[.entities[] | select(.type == "person") | select(.variants | index("أبو بكر البغدادي"))][0]')
contains "al-Baghdadi: one person across scripts" "$(jqv "$baghdadi" '.variants | join("|")')" "Abu Bakr al-Baghdadi"
eq "al-Adnani and al-Baghdadi are not merged" "$(jqv "$ents" "[.entities[] | select(.id == $(jqv "$adnani" .id) or .id == $(jqv "$baghdadi" .id))] | length")" 2
eq "--type filters" "$(d entities "$C" --type phone --json | jq -r '[.entities[].type] | unique | join(",")')" phone
doc=$(d docs "$C" --json | jq -r '.documents[] | select(.path | endswith("letter-ar.txt")) | .id')
eq "--doc: the Arabic letter names no e-mail" "$(d entities "$C" --doc "$doc" --json | jq '[.entities[] | select(.type == "email")] | length')" 0
eq "--doc: but the Arabic letter's date" "$(d entities "$C" --doc "$doc" --json | jq -r '[.entities[] | select(.type == "date")][0].name')" 2016-03-15
eq "a second run scans nothing" "$(d entities "$C" --json | jq .scanned)" 0
status_is "--type: an unknown type is a usage error" 2 d entities "$C" --type spaceship

# the second delivery: only its text is scanned; ids of old entities stay
out=$(d ingest "$C" "$T/b2" --json 2>/dev/null)
eq "the second batch: one text scanned" "$(jqv "$out" '.entities.scanned')" 1
ents2=$(d entities "$C" --json)
eq "al-Adnani keeps its id and gains the new spelling" \
  "$(jqv "$ents2" "[.entities[] | select(.id == $(jqv "$adnani" .id)) | .variants | index(\"Abou Mohammed al-Adnani\")] | map(. != null) | .[0]")" true
eq "Hassan and Hussein Nasrallah stay two people" \
  "$(jqv "$ents2" '[.entities[] | select(.type == "person") | select(.name | test("Nasrallah"))] | length')" 2

# the watchlist
cat > "$T/list.csv" <<'EOF'
name,aliases,type,birth,country
"Abu Muhammad al-Adnani","Taha Subhi Falaha;أبو محمد العدناني",person,1977,SY
Abu Bakr al-Baghdadi,Ibrahim Awad al-Badri,person,1971,IQ
Hassan Nasrallah,,person,1960,LB
Hussein Salameh,,person,,
Muhammad,,person,,
Mosul,الموصل,place,,
Raqqa,,place,,
EOF
x=$(d xref "$C" "$T/list.csv" --json)
m() { jqv "$x" ".matches[] | select(.watch == \"$1\") | $2"; }
eq "xref: al-Adnani in all three documents" "$(m 'Abu Muhammad al-Adnani' '.documents | length')" 3
eq "xref: al-Adnani is the resolved entity" "$(m 'Abu Muhammad al-Adnani' '.entity')" "$(jqv "$adnani" .id)"
eq "xref: evidence is the text around the name" "$(m 'Abu Muhammad al-Adnani' '.evidence | test("al-Adnani|العدناني")')" true
eq "xref: al-Baghdadi in two documents" "$(m 'Abu Bakr al-Baghdadi' '.documents | length')" 2
eq "xref: Hassan Nasrallah found once, not as Hussein" "$(m 'Hassan Nasrallah' '.documents | length')" 1
eq "xref: a listed name absent from the case is not reported" "$(jqv "$x" '[.matches[] | select(.watch == "Hussein Salameh")] | length')" 0
eq "xref: a lone given name is not searched" "$(jqv "$x" '[.matches[] | select(.watch == "Muhammad")] | length')" 0
eq "xref: places too" "$(m 'Mosul' '.documents | length')" 1
eq "xref: a one-word name with a two-letter key (Raqqa: rk), spelled as listed" "$(m 'Raqqa' '.documents | length')" 1
eq "xref: seven rows read" "$(jqv "$x" .watchlist)" 7
printf 'name,aliases\n"Abu Omar,al-Shishani\n' > "$T/bad.csv"
status_is "xref: an unclosed quote fails" 1 d xref "$C" "$T/bad.csv"
contains "xref: the error names the file and line" "$(cat "$T/.err")" "bad.csv:2"
printf 'name,aliases,type\nX,,spaceship\n' > "$T/bad2.csv"
status_is "xref: an unknown type fails" 1 d xref "$C" "$T/bad2.csv"
contains "xref: ... naming the type" "$(cat "$T/.err")" "spaceship"
status_is "xref: a missing list fails" 1 d xref "$C" "$T/missing.csv"
check "verify still ok after entities" d verify "$C"
# the words table lines up in Arabic: names are padded by display width, not
# by bytes (an Arabic letter is two bytes, tashkeel none), so the column
# after the name starts at the same display column in every row; the same
# for batch labels in status
C2="$T/case-table"
mkdir -p "$T/table1" "$T/table2"
printf 'وصل الأخ مُحَمَّد عَبْد الله من الرقة إلى دمشق مع أبو بكر البغدادي.\n' > "$T/table1/ar.txt"
printf 'Brother Omar al-Shishani met Abu Bakr al-Baghdadi in Raqqa.\n' > "$T/table2/en.txt"
d init "$C2" >/dev/null
d ingest "$C2" "$T/table1" --batch "دفعة آذار" >/dev/null 2>&1
d ingest "$C2" "$T/table2" --batch june >/dev/null 2>&1
d entities "$C2" > "$T/table.txt"
# display columns of each row up to its docs column (wc -L counts them)
starts() { while IFS= read -r line; do printf '%s\n' "${line%%"$1"*}" | LC_ALL=C.UTF-8 wc -L; done; }
check "entities table: rows with Arabic names" grep -q 'البغدادي' "$T/table.txt"
check "entities table: a name with tashkeel" grep -q 'مُحَمَّد' "$T/table.txt"
eq "entities table: the column after the name starts at one display column in every row" \
  "$(starts ' docs ' < "$T/table.txt" | sort -u | wc -l)" 1
d status "$C2" | grep ' documents  ' > "$T/batches.txt"
eq "status: two batches listed" "$(wc -l < "$T/batches.txt")" 2
eq "status: the column after an Arabic batch label lines up" \
  "$(starts ' documents  ' < "$T/batches.txt" | sort -u | wc -l)" 1
finish
