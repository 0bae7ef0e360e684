#!/usr/bin/env bash
# Copies, near-copies and versions end to end: exact copies (one document,
# several paths), the same text in other bytes (another encoding, other line
# breaks), a later version with words changed (near), `dups` in words and
# JSON, `new --batch` for a second delivery, `show --diff`, signatures kept
# between runs (only new documents are signed), --threshold, usage errors.
source "$(dirname "$0")/lib.sh"
C="$T/case"
mkdir -p "$T/d1/letters" "$T/d1/copies" "$T/d2"

en='To the director of the northern office. We write to inform you that the
salaries of the month of July were paid in full to the staff of the Raqqa
office on the third day of the month, and that the fuel convoy left Deir
ez-Zor in the morning and arrived in the evening without any loss. The
accounts of the convoy and the receipts of the drivers are attached to this
letter, and the remaining sums will be sent with the next courier. Signed,
the head of the finance department.'
ar='إلى الأخ والي الرقة أبو محمد العدناني حفظه الله. نحيطكم علماً بأن رواتب شهر رجب
قد صرفت كاملة للإخوة في مكتب الرقة في اليوم الثالث من الشهر، وأن قافلة الوقود
خرجت من دير الزور صباحاً ووصلت مساءً دون أي خسارة. ونرفق لكم حسابات القافلة
وإيصالات السائقين، وسترسل المبالغ المتبقية مع البريد القادم. والسلام عليكم
ورحمة الله وبركاته. ديوان بيت المال.'
other='Minutes of the meeting of the logistics committee held on Tuesday. The
committee reviewed the state of the roads between Tabqa and Manbij, the
number of trucks available for the coming month, and the request of the
medical office for two more ambulances. It was decided to postpone the
purchase of new tyres until the budget of the next quarter is approved.'

printf '%s\n' "$en" > "$T/d1/letters/salaries.txt"
cp "$T/d1/letters/salaries.txt" "$T/d1/copies/salaries-copy.txt"       # exact copy
printf '%s\n' "$ar" > "$T/d1/letters/raqqa.txt"
printf '%s\n' "$ar" | iconv -f UTF-8 -t CP1256 > "$T/d1/copies/raqqa-cp1256.txt"  # same text, other bytes
printf '%s\n' "$other" > "$T/d1/letters/minutes.txt"

# the second delivery: a version, a copy of batch 1's bytes, the same text
# with other line breaks, and one truly new letter
printf '%s\n' "$en" | sed 's/third day/fifth day/; s/without any loss/with one truck lost/' > "$T/d2/salaries-v2.txt"
cp "$T/d1/letters/minutes.txt" "$T/d2/minutes.txt"
printf '%s\n' "$ar" | tr '\n' ' ' | sed 's/  */  /g' > "$T/d2/raqqa-oneline.txt"
printf 'A new letter about the bakery in Mayadin and the price of flour, which rose
again this week after the mill near the river was closed by the authorities
for repairs, so the bakers ask for an advance on their monthly allowance.\n' > "$T/d2/bakery.txt"

d init "$C" >/dev/null
d ingest "$C" "$T/d1" --batch first >/dev/null

out=$(d dups "$C" --json)
# ingest signs every text as it stores it: dups has nothing left to sign
eq "dups: ingest signed every text already" "$(jqv "$out" .signed)" 0
eq "dups: 4 signatures (one document was an exact copy)" "$(jqv "$out" .signatures)" 4
eq "dups: LSH bands x rows for 0.8" "$(jqv "$out" '.lsh.bands * 100 + .lsh.rows')" 2106
eq "dups: one exact cluster" "$(jqv "$out" '[.clusters[]|select(.kind=="exact")]|length')" 1
eq "dups: exact = one document, both paths" \
  "$(jqv "$out" '.clusters[]|select(.kind=="exact")|(.documents|length|tostring) + " " + (.paths|sort|join(","))')" \
  "1 copies/salaries-copy.txt,letters/salaries.txt"
raqqa=$(d show "$C" letters/raqqa.txt --json | jq .id)
cp1256=$(d show "$C" copies/raqqa-cp1256.txt --json | jq .id)
eq "dups: same text from other bytes (UTF-8 and CP1256)" \
  "$(jqv "$out" '.clusters[]|select(.kind=="text")|.documents|map(tostring)|join(",")')" \
  "$(printf '%s\n' "$raqqa" "$cp1256" | sort -n | paste -sd,)"
eq "dups: no near cluster yet" "$(jqv "$out" '[.clusters[]|select(.kind=="near")]|length')" 0
eq "dups: a second run signs nothing" "$(d dups "$C" --json | jq .signed)" 0

d ingest "$C" "$T/d2" --batch second >/dev/null
out=$(d dups "$C" --json)
eq "dups: the second batch was signed at ingest" "$(jqv "$out" .signed)" 0
eq "dups: 3 more signatures" "$(jqv "$out" .signatures)" 7
sal=$(d show "$C" letters/salaries.txt --json | jq .id)
v2=$(d show "$C" salaries-v2.txt --json | jq .id)
near=$(jqv "$out" '.clusters[]|select(.kind=="near")')
eq "dups: the version is a near copy" "$(jqv "$near" '.documents|map(tostring)|join(",")')" "$sal,$v2"
check "dups: near similarity in [0.8, 1)" jq -e '.similarity >= 0.8 and .similarity < 1' <<<"$near" >/dev/null
eq "dups: representative is the earliest" "$(jqv "$near" .representative)" "$sal"
oneline=$(d show "$C" raqqa-oneline.txt --json | jq .id)
eq "dups: one-line copy joins the same-text cluster" \
  "$(jqv "$out" '.clusters[]|select(.kind=="text")|.documents|map(tostring)|join(",")')" \
  "$(printf '%s\n' "$raqqa" "$cp1256" "$oneline" | sort -n | paste -sd,)"
words=$(d dups "$C")
# minutes.txt came again in batch 2: a second exact cluster
contains "dups words: summary" "$words" "2 exact (one document, several places), 1 same text, 1 near"
contains "dups words: paths" "$words" "salaries-v2.txt"
eq "dups --threshold 0.99: no near cluster" \
  "$(d dups "$C" --threshold 0.99 --json | jq '[.clusters[]|select(.kind=="near")]|length')" 0

new=$(d new "$C" --batch second --json)
bakery=$(d show "$C" bakery.txt --json | jq .id)
minutes=$(d show "$C" minutes.txt --json | jq .id)
eq "new: batch id" "$(jqv "$new" .batch)" 2
eq "new: only the bakery letter is new" "$(jqv "$new" '.new|map(tostring)|join(",")')" "$bakery"
eq "new: copies (bytes seen before, same text)" "$(jqv "$new" '.copies|sort|map(tostring)|join(",")')" \
  "$(printf '%s\n' "$minutes" "$oneline" | sort -n | paste -sd,)"
eq "new: near copies" "$(jqv "$new" '.near_copies|map(tostring)|join(",")')" "$v2"
eq "new: the version copies the July letter" "$(jqv "$new" ".of[]|select(.id==$v2)|.of")" "$sal"
first_ar=$(( raqqa < cp1256 ? raqqa : cp1256 ))
eq "new: the one-line copy is a text copy of the earliest" "$(jqv "$new" ".of[]|select(.id==$oneline)|.kind + \" \" + (.of|tostring)")" "text $first_ar"
eq "new: batch 1 against nothing is all new" "$(d new "$C" --batch first --json | jq '.copies + .near_copies | length')" 0
contains "new words" "$(d new "$C" --batch second)" "1 new, 2 copies, 1 near copies"

# a third delivery: a near copy of batch 2's bakery letter and an empty file
mkdir -p "$T/d3"
sed 's/this week/this month/' "$T/d2/bakery.txt" > "$T/d3/bakery-again.txt"
: > "$T/d3/empty.txt"
d ingest "$C" "$T/d3" --batch third >/dev/null
again=$(d show "$C" bakery-again.txt --json | jq .id)
empty=$(d show "$C" empty.txt --json | jq .id)
eq "new: a later batch does not make batch 2's letter a copy" \
  "$(d new "$C" --batch second --json | jq -r '.new|map(tostring)|join(",")')" "$bakery"
new3=$(d new "$C" --batch third --json)
eq "new: batch 3's near copy of the bakery letter" "$(jqv "$new3" ".of[]|select(.id==$again)|.of")" "$bakery"
eq "new: the empty file is new by its bytes only" "$(jqv "$new3" '.unchecked|map(tostring)|join(",")')" "$empty"
contains "new words: the empty file flagged" "$(d new "$C" --batch third)" "no text: compared by its bytes only"

diff=$(d show "$C" "$sal" --diff "$v2")
contains "show --diff: deleted word" "$diff" "[-third-]"
contains "show --diff: inserted word" "$diff" "{+fifth+}"
contains "show --diff: inserted words" "$diff" "{+with one truck lost+}"
dj=$(d show "$C" letters/salaries.txt --diff salaries-v2.txt --json)
eq "show --diff --json: counts" "$(jqv "$dj" '"\(.deleted) \(.inserted)"')" "4 5"
eq "show --diff --json: similarity as dups measures it" "$(jqv "$dj" .similarity)" "$(jqv "$near" .similarity)"
eq "show --diff --json: first change" "$(jqv "$dj" '.changes[0].op + " " + .changes[0].text')" "delete third"
eq "show --diff: a text and its copy differ in nothing" \
  "$(d show "$C" "$raqqa" --diff "$oneline" --json | jq '.changes|length')" 0

status_is "new without --batch is a usage error" 2 d new "$C"
status_is "new: unknown batch" 1 d new "$C" --batch nosuch
status_is "dups --threshold 2 is a usage error" 2 d dups "$C" --threshold 2
status_is "show --diff: unknown document" 1 d show "$C" "$sal" --diff no/such.txt
finish
