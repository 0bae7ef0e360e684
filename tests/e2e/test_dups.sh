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

# Forms: one printed form filled in by 40 people, a second copy of one of
# them (another header, one word misread), and later a copy and a new
# person's form. They share the printed text, so plain near-duplicates would
# join them all; the forms are compared on what was filled in.
F="$T/forms-case"
mkdir -p "$T/f1" "$T/f2"
first=(Ahmad Bilal Khalid Omar Yusuf Hamza Tariq Salim Nabil Faris)
last=(Haddad Saleh Nasser Darwish Khatib Mansour Qasim Bakri Halabi Zoubi)
places=(Raqqa Mosul Tabqa Manbij Deir Hasakah Aleppo Idlib Homs Palmyra)
form() { # i [header]
  local i=$1
  local a=$((i % 10)) b=$((i / 10 % 10))
  printf '%s\n' "${2:-Islamic State Diwan of Soldiers office of personnel affairs}"
  printf 'Application to join the brigade. The applicant declares that all the information given below is true\n'
  printf 'and complete, and accepts that any false statement will lead to the cancellation of the application\n'
  printf 'and to the penalties set by the committee of the office in the province.\n'
  printf 'Full name: %s %s %s\n' "${first[$a]}" "${last[$b]}" "${first[$(((i * 7) % 10))]}"
  printf 'Date of birth: %d/%d/%d\n' $((1 + i % 28)) $((1 + i % 12)) $((1970 + i))
  printf 'Place of birth: %s\n' "${places[$(((i * 3) % 10))]}"
  printf 'Previous work: %s\n' "$(printf 'worked %d years as a %s in %s' $((i % 9 + 1)) "$( ((i % 2)) && echo driver || echo teacher)" "${places[$b]}")"
  printf 'Recommended by: %s %s\n' "${first[$b]}" "${last[$a]}"
  printf 'Signature of the applicant and stamp of the office of personnel affairs of the province.\n'
}
for i in $(seq 1 40); do form "$i" > "$T/f1/form-$i.txt"; done
form 7 "Copy received at the office of Tabqa on 12/3/2016" | sed 's/Place of birth/Place of hirth/' > "$T/f1/form-7-copy.txt"
d init "$F" >/dev/null
d ingest "$F" "$T/f1" --batch forms1 >/dev/null
fout=$(d dups "$F" --json)
id_of() { d show "$F" "$1" --json | jq .id; }
f7=$(id_of form-7.txt); f7c=$(id_of form-7-copy.txt); f8=$(id_of form-8.txt); f17=$(id_of form-17.txt)
eq "forms: one template cluster" "$(jqv "$fout" '[.clusters[]|select(.kind=="template")]|length')" 1
tpl=$(jqv "$fout" '.clusters[]|select(.kind=="template")')
eq "forms: the template holds all 41 forms" "$(jqv "$tpl" '.documents|length')" 41
check "forms: the template's fields include Full name" jq -e '[.fields[].label]|index("Full name") != null' <<<"$tpl" >/dev/null
eq "forms: form 8's name, aligned" \
  "$(jqv "$tpl" ".fields[]|select(.label==\"Full name\")|.values[]|select(.document==$f8)|.value")" "Nabil Haddad Tariq"
eq "forms: the copy of form 7 is a near copy of it, on the filled-in part" \
  "$(jqv "$fout" "[.clusters[]|select(.kind==\"near\" and (.documents|index($f7)))|.documents|map(tostring)|join(\",\")]|join(\";\")")" \
  "$(printf '%s\n' "$f7" "$f7c" | sort -n | paste -sd,)"
eq "forms: the near cluster names its template" \
  "$(jqv "$fout" ".clusters[]|select(.kind==\"near\" and (.documents|index($f7)))|.template")" "$(jqv "$tpl" .representative)"
eq "forms: two different people's forms are in no near cluster together" \
  "$(jqv "$fout" "[.clusters[]|select(.kind==\"near\" and (.documents|index($f8)) and (.documents|index($f17)))]|length")" 0
eq "forms: only the copy makes a near cluster" "$(jqv "$fout" '[.clusters[]|select(.kind=="near")]|length')" 1
contains "forms: dups in words" "$(d dups "$F")" "1 form templates (41 forms"
form 12 "Received by the office of Mosul" > "$T/f2/form-12-again.txt"
form 77 > "$T/f2/form-77.txt"
d ingest "$F" "$T/f2" --batch forms2 >/dev/null
fnew=$(d new "$F" --batch forms2 --json)
f12=$(id_of form-12.txt); again=$(id_of form-12-again.txt); f77=$(id_of form-77.txt)
eq "forms new: a new person's form is new" "$(jqv "$fnew" '.new|map(tostring)|join(",")')" "$f77"
eq "forms new: a copy of an earlier form is a near copy of it" "$(jqv "$fnew" ".of[]|select(.id==$again)|.of")" "$f12"
check "forms new: the copy names its template" jq -e ".of[]|select(.id==$again)|.template > 0" <<<"$fnew" >/dev/null

status_is "new without --batch is a usage error" 2 d new "$C"
status_is "new: unknown batch" 1 d new "$C" --batch nosuch
status_is "dups --threshold 2 is a usage error" 2 d dups "$C" --threshold 2
status_is "show --diff: unknown document" 1 d show "$C" "$sal" --diff no/such.txt
finish
