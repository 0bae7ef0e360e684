#!/usr/bin/env bash
# The foundation end to end: init, ingest a small trove (encodings, HTML,
# nested zip, a copy), status/docs/show in words and JSON, a second batch
# that adds only what is new, an unchanged re-run, verify.
source "$(dirname "$0")/lib.sh"
bash "$(dirname "$0")/make-small-trove.sh" "$T/trove"
C="$T/case"

check "init makes a case" d init "$C"
status_is "init refuses an existing case" 1 d init "$C"
mkdir -p "$T/notempty" && touch "$T/notempty/x"
status_is "init refuses a folder with other things" 1 d init "$T/notempty"

out=$(d ingest "$C" "$T/trove" --batch march -j 2 --json)
eq "ingest: batch id" "$(jqv "$out" .batch)" 1
eq "ingest: label" "$(jqv "$out" .label)" march
eq "ingest: files seen" "$(jqv "$out" .files_seen)" 12
# 11 distinct top-level files + letter-17, letter-18, inner.zip, deep.txt
eq "ingest: documents added" "$(jqv "$out" .documents_added)" 15
eq "ingest: duplicates (memo-copy.txt)" "$(jqv "$out" .duplicates)" 1
eq "ingest: failed" "$(jqv "$out" .failed)" 0

st=$(d status "$C" --json)
eq "status: documents" "$(jqv "$st" .documents)" 15
eq "status: originals" "$(jqv "$st" .originals)" 11
eq "status: failed" "$(jqv "$st" .failed)" 0
eq "status: one batch" "$(jqv "$st" '.batches|length')" 1
eq "status: html type" "$(jqv "$st" .by_type.html)" 1
eq "status: zips" "$(jqv "$st" .by_type.zip)" 2
check "status words" d status "$C"

# the same bytes at two places: one document, both paths
docs=$(d docs "$C" --json)
eq "docs: all listed" "$(jqv "$docs" '.documents|length')" 15
memo=$(jqv "$docs" '.documents[] | select(.paths|index("letters/memo.txt")) | .paths | sort | join(",")')
eq "docs: both paths of the copy" "$memo" "copies/memo-copy.txt,letters/memo.txt"
deep=$(jqv "$docs" '.documents[] | select(.path|endswith("deep.txt")) | .path')
eq "docs: nested member path" "$deep" 'letters.zip!/2016/inner.zip!/deep.txt'
inner=$(jqv "$docs" '.documents[] | select(.path=="letters.zip!/2016/inner.zip") | .id')
zipid=$(jqv "$docs" '.documents[] | select(.path=="letters.zip") | .id')
eq "docs: parent of inner.zip is letters.zip" "$(jqv "$docs" ".documents[] | select(.id==$inner) | .parent")" "$zipid"

# show, by path inside an archive
txt=$(d show "$C" 'letters.zip!/2016/letter-17.txt' --text)
contains "show --text: Arabic letter from the zip" "$txt" "أبو محمد العدناني"
contains "show --text: Arabic-Indic digits kept" "$txt" "رسالة رقم ١٧"
sj=$(d show "$C" 'letters.zip!/2016/letter-17.txt' --json --text)
eq "show --json: parent" "$(jqv "$sj" .parent)" "$zipid"
contains "show --json: text" "$(jqv "$sj" .text)" "الرقة"
zj=$(d show "$C" letters.zip --json)
eq "show zip: three children" "$(jqv "$zj" '.children|length')" 3
sha=$(jqv "$zj" .sha256)
eq "show by SHA-256 prefix" "$(d show "$C" "${sha:0:10}" --json | jq -r .id)" "$zipid"
eq "show by id" "$(d show "$C" "$zipid" --json | jq -r .sha256)" "$sha"
status_is "show: unknown document is an error" 1 d show "$C" no/such/file.txt

# every encoding decoded to the same Arabic text
for f in letter-utf8 letter-bom letter-utf16 letter-cp1256; do
  t=$(d show "$C" "letters/2016/$f.txt" --text)
  contains "decode $f" "$t" "إلى الأخ والي الرقة أبو محمد العدناني"
done
contains "decode ISO-8859-6" "$(d show "$C" letters/2016/letter-iso88596.txt --text)" "والي الرقة"
contains "decode KOI8-R" "$(d show "$C" letters/report-koi8.txt --text)" "Отчёт о поставках"
contains "decode Windows-1252" "$(d show "$C" letters/note-cp1252.txt --text)" "décidé — réunion"
html=$(d show "$C" web/article.html --json --text)
eq "html: title" "$(jqv "$html" .meta.title)" "Checkpoints around Raqqa"
contains "html: visible text" "$(jqv "$html" .text)" "Tabqa & Raqqa"
case "$(jqv "$html" .text)" in *scriptword*|*"color: red"*) not_ok "html: script/style dropped" ;; *) ok "html: script/style dropped" ;; esac

# a second delivery: two new letters and a copy; only those are processed
mkdir -p "$T/june/new"
printf 'A new letter from June.\n' > "$T/june/new/june-1.txt"
printf 'رسالة جديدة من حزيران\n' > "$T/june/new/june-2.txt"
cp "$T/trove/letters/memo.txt" "$T/june/memo-again.txt"
out=$(d ingest "$C" "$T/june" --batch june --json)
eq "june: batch 2" "$(jqv "$out" .batch)" 2
eq "june: files seen" "$(jqv "$out" .files_seen)" 3
eq "june: documents added" "$(jqv "$out" .documents_added)" 2
eq "june: duplicates" "$(jqv "$out" .duplicates)" 1
eq "june: extracted only the new" "$(jqv "$out" .extracted)" 2
eq "docs --batch june" "$(d docs "$C" --batch june --json | jq '.documents|length')" 3

# the same folder again: nothing new, nothing re-read
out=$(d ingest "$C" "$T/trove" --batch again --json)
eq "re-run: nothing added" "$(jqv "$out" .documents_added)" 0
eq "re-run: all unchanged" "$(jqv "$out" .files_unchanged)" 12
eq "re-run: nothing extracted" "$(jqv "$out" .extracted)" 0
# a changed file is a new original
printf 'changed\n' >> "$T/trove/letters/memo.txt"
out=$(d ingest "$C" "$T/trove" --batch changed --json)
eq "changed file: one new document" "$(jqv "$out" .documents_added)" 1

status_is "verify: intact case" 0 d verify "$C"
vj=$(d verify "$C" --json || true)
eq "verify --json ok" "$(jqv "$vj" .ok)" true
eq "verify --json: every document re-hashed" "$(jqv "$vj" .originals_checked)" "$(d status "$C" --json | jq .documents)"

# --no-copy keeps only path and hash
C2="$T/case-nocopy"
d init "$C2" >/dev/null
out=$(d ingest "$C2" "$T/trove/letters" --no-copy --json)
eq "no-copy: ingested" "$(jqv "$out" .failed)" 0
nblobs=$(find "$C2/blobs" -type f | wc -l)
eq "no-copy: no blobs kept for originals" "$nblobs" 0
contains "no-copy: text still extracted" "$(d show "$C2" 2016/letter-utf8.txt --text)" "العدناني"
status_is "no-copy: verify re-hashes the source" 0 d verify "$C2"
printf 'x' >> "$T/trove/letters/2016/letter-utf8.txt"
status_is "no-copy: verify sees a changed source" 1 d verify "$C2"

# a document in two languages: one language a page
mkdir -p "$T/mixed"
printf 'هذه صفحة عربية كاملة عن الرقة ودير الزور والمدارس والمستشفيات في المدينة.\fThis second page is written in English about the schools and hospitals of the city.\fوهذه صفحة ثالثة باللغة العربية عن الرواتب والمقاتلين في الولاية.\n' > "$T/mixed/mixed.txt"
C3="$T/case-mixed"
d init "$C3" >/dev/null
d ingest "$C3" "$T/mixed" >/dev/null
mj=$(d show "$C3" mixed.txt --json)
eq "language of a mixed document: the majority" "$(jqv "$mj" .language)" ar
eq "language of each page" "$(jqv "$mj" .meta.page_languages)" "ar,en,ar"
eq "status counts languages" "$(d status "$C3" --json | jq -r '.by_language.ar')" 1

# help: daftar --help, daftar COMMAND --help and daftar help COMMAND print to
# stdout and exit 0; each command's help names its options; an unknown
# option or command is still a usage error (exit 2)
status_is "daftar --help: exit 0" 0 d --help
contains "daftar --help: the overview names the commands" "$(cat "$T/.out")" "verify-pack"
status_is "daftar help: exit 0" 0 d help
overview=$(d --help)
while read -r cmd opts; do
  contains "the overview names $cmd" "$overview" "  $cmd "
  status_is "$cmd --help: exit 0" 0 d "$cmd" --help
  h=$(cat "$T/.out")
  for o in $opts --json --help; do contains "$cmd --help names $o" "$h" "$o"; done
  contains "$cmd --help: usage" "$h" "usage: daftar $cmd"
  contains "$cmd --help: exit status" "$h" "exit status:"
  eq "daftar help $cmd: the same" "$(d help "$cmd")" "$h"
done <<'EOF2'
init --store
ingest --batch -j --timeout --no-copy --no-entities --queue-only
worker -j --timeout --exit-when-idle --lease --name --blobs
status --store
docs --batch --failed --type --limit --offset
show --text --meta --diff
verify --store
log --store
search --limit --offset --facets --sort
dups --threshold
new --batch --threshold
entities --type --doc --limit --offset
xref --min-score
serve --listen
user --role
tag --store
untag --store
tags --store
note --store
notes --store
claim --cite --source --status
export --format --table -o --claims --redact --context
verify-pack
EOF2
status_is "search CASE QUERY -h: the help, exit 0" 0 d search "$C" x -h
contains "search -h: search's usage" "$(cat "$T/.out")" "usage: daftar search"
status_is "an unknown option: exit 2" 2 d search "$C" x --no-such-option
contains "an unknown option: named on stderr" "$(cat "$T/.err")" "unknown option '--no-such-option'"
status_is "an unknown option of a findings command: exit 2" 2 d tag "$C" 1 t --batch x
status_is "a bad value: exit 2" 2 d search "$C" x --limit many
status_is "help for an unknown command: exit 2" 2 d help no-such-command
status_is "an unknown command: exit 2" 2 d no-such-command "$C"

finish
