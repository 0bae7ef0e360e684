#!/usr/bin/env bash
# Findings end to end (docs/FINDINGS.md): tags and notes, the claims ledger
# (add, list, show, status, verify; a modified blob, a changed text), the
# evidence pack (export --claims, verify-pack; tampered packs: a byte of an
# original, a quotation, a custody line, each found with its reason; a
# redacted pack), and the exports parsed back (jq, python3 csv, xmllint).
source "$(dirname "$0")/lib.sh"
C="$T/case"
mkdir -p "$T/in/letters"
printf 'The minister Adnan Haddad met Omar Khalil in Raqqa on 5 March 2016.\nThe payment of 1500 USD went to Omar Khalil at the Diwan al-Jund.\n' >"$T/in/letters/a.txt"
printf 'Omar Khalil and Adnan Haddad signed the order of the Diwan al-Jund.\nSecond line about the Ministry of Finance in Damascus.\n' >"$T/in/letters/b.txt"
printf 'الرقة: دفع ديوان الزكاة رواتب المقاتلين في شهر جمادى.\n' >"$T/in/ar.txt"
d init "$C" >/dev/null
d ingest "$C" "$T/in" >/dev/null 2>&1
A=$(d show "$C" letters/a.txt --json | jq -r .id)
B=$(d show "$C" letters/b.txt --json | jq -r .id)
AR=$(d show "$C" ar.txt --json | jq -r .id)

# ---- tags and notes
status_is "tag" 0 d tag "$C" "$A" Important
status_is "tag again (case-folded: the same tag)" 0 d tag "$C" "$A" IMPORTANT
eq "tags --json" "$(d tags "$C" "$A" --json | jq -c .tags)" '["Important"]'
eq "tag: search finds it" "$(d search "$C" 'tag:important' --json | jq -r '.hits[0].id')" "$A"
status_is "note" 0 d note "$C" "$A" "checked with the defector, June"
eq "notes --json" "$(d notes "$C" "$A" --json | jq -r '.notes[0].text')" "checked with the defector, June"
status_is "untag" 0 d untag "$C" "$A" important
eq "untagged" "$(d tags "$C" "$A" --json | jq -c .tags)" '[]'
status_is "untag a tag it does not carry: exit 1" 1 d untag "$C" "$A" nope
status_is "tag: unknown document: exit 1" 1 d tag "$C" 999 x
status_is "tag: missing argument: exit 2" 2 d tag "$C" "$A"
contains "custody: tagged and noted entries" "$(d log "$C")" '"event":"noted"'

# ---- claims
# "Adnan Haddad met Omar Khalil" is characters 13-41 of page 1 of a.txt
out=$(d claim add "$C" "The minister met Khalil in March 2016" --cite "$A:1:13-41" --cite "letters/b.txt:1:0-11" \
  --source "defector interview, 2016-06" --status confirmed --json)
eq "claim add: quote 1" "$(jqv "$out" '.citations[0].quote')" "Adnan Haddad met Omar Khalil"
eq "claim add: quote 2 by path" "$(jqv "$out" '.citations[1].quote')" "Omar Khalil"
eq "claim add: status" "$(jqv "$out" .status)" confirmed
eq "claim add: original's hash" "$(jqv "$out" '.citations[0].doc_sha256')" "$(d show "$C" "$A" --json | jq -r .sha256)"
# Arabic: characters count code points, not bytes ("الرقة" is 5 characters, 10 bytes)
out=$(d claim add "$C" "Salaries paid by the Diwan al-Zakat" --cite "$AR:1:0-5" --json)
eq "claim add: Arabic quote by characters" "$(jqv "$out" '.citations[0].quote')" "الرقة"
eq "claim add: byte offsets" "$(jqv "$out" '[.citations[0].byte_start,.citations[0].byte_end]|join("-")')" "0-10"
eq "claim add: default status open" "$(jqv "$out" .status)" open
status_is "claim add: past the page's end: exit 1" 1 d claim add "$C" "x" --cite "$A:1:10-100000"
status_is "claim add: page 2 of a one-page text: exit 1" 1 d claim add "$C" "x" --cite "$A:2:0-5"
status_is "claim add: bad --cite: exit 2" 2 d claim add "$C" "x" --cite "$A:1"
status_is "claim add: no --cite: exit 2" 2 d claim add "$C" "x"
status_is "claim add: bad status: exit 2" 2 d claim add "$C" "x" --cite "$A:1:0-3" --status maybe
eq "claim list" "$(d claim list "$C" --json | jq '.claims|length')" 2
eq "claim show" "$(d claim show "$C" 1 --json | jq -r '.citations|length')" 2
status_is "claim show: no such claim: exit 1" 1 d claim show "$C" 99
status_is "claim status" 0 d claim status "$C" 2 disputed
eq "claim status changed" "$(d claim show "$C" 2 --json | jq -r .status)" disputed
contains "custody: claim entry" "$(d log "$C" | grep '"event":"claim"' | head -1)" '"quote_sha256":"'
contains "custody: claim_status entry" "$(d log "$C" | grep '"event":"claim_status"')" '"previous":"open"'
status_is "verify: the case is still intact" 0 d verify "$C"
status_is "claim verify: ok" 0 d claim verify "$C"
eq "claim verify --json" "$(d claim verify "$C" --json | jq -c '[.ok,.citations_checked]')" '[true,3]'

# ---- the evidence pack
status_is "export --claims" 0 d export "$C" --claims -o "$T/pack.zip"
status_is "verify-pack: ok" 0 d verify-pack "$T/pack.zip"
eq "verify-pack --json" "$(d verify-pack "$T/pack.zip" --json | jq -c '[.ok,.citations_checked]')" '[true,3]'
unzip -q -o "$T/pack.zip" manifest.json -d "$T/m"
eq "manifest: every file hashed" "$(jq '.files|length' "$T/m/manifest.json")" "$(unzip -Z1 "$T/pack.zip" | grep -vc manifest.json)"
eq "manifest: originals packed" "$(unzip -Z1 "$T/pack.zip" | grep -c '^originals/')" 3
check "manifest: custody rests on the received entries" \
  test "$(jq '.documents|map(.received_entry>0)|all' "$T/m/manifest.json")" == true

# repack after an edit: pack FILE EDIT-COMMAND, in a copy of the unpacked pack
repack() {
  local out=$1
  shift
  rm -rf "$T/u" && mkdir -p "$T/u" && (cd "$T/u" && unzip -q "$T/pack.zip" && "$@" && rm -f "$out" && zip -qX -r "$out" .)
}
reason() { d verify-pack "$1" --json | jq -r '[.problems[]|.kind+": "+.detail]|join(" | ")'; }
# an original with one byte changed
flip_original() { python3 - <<'EOF'
import glob
p = sorted(glob.glob('originals/*'))[0]
b = bytearray(open(p, 'rb').read()); b[3] ^= 0x20; open(p, 'wb').write(b)
EOF
}
repack "$T/t1.zip" flip_original
status_is "tampered original: verify-pack exits 1" 1 d verify-pack "$T/t1.zip"
contains "tampered original: the reason" "$(reason "$T/t1.zip")" "file: the original does not hash"
# a quotation edited (and the manifest's hash of claims.json updated too)
edit_quote() { python3 - <<'EOF'
import hashlib, json
c = json.load(open('claims.json'))
c['claims'][0]['citations'][0]['quote'] = 'Adnan Haddad met Omar Khaled'
data = json.dumps(c, ensure_ascii=False).encode()
open('claims.json', 'wb').write(data)
m = json.load(open('manifest.json'))
for f in m['files']:
    if f['path'] == 'claims.json':
        f['sha256'] = hashlib.sha256(data).hexdigest(); f['size'] = len(data)
open('manifest.json', 'w').write(json.dumps(m))
EOF
}
repack "$T/t2.zip" edit_quote
status_is "edited quotation: verify-pack exits 1" 1 d verify-pack "$T/t2.zip"
contains "edited quotation: the reason" "$(reason "$T/t2.zip")" "quote: the quotation in claims.json is not the one recorded"
# a custody line edited (its file hash updated in the manifest: the chain still tells)
edit_custody() { python3 - <<'EOF'
import hashlib, json
lines = open('custody.jsonl', 'rb').read().split(b'\n')
lines[0] = lines[0].replace(b'"at":"', b'"at":"1')
data = b'\n'.join(lines)
open('custody.jsonl', 'wb').write(data)
m = json.load(open('manifest.json'))
for f in m['files']:
    if f['path'] == 'custody.jsonl':
        f['sha256'] = hashlib.sha256(data).hexdigest(); f['size'] = len(data)
open('manifest.json', 'w').write(json.dumps(m))
EOF
}
repack "$T/t3.zip" edit_custody
status_is "edited custody line: verify-pack exits 1" 1 d verify-pack "$T/t3.zip"
contains "edited custody line: the reason" "$(reason "$T/t3.zip")" "custody: chain broken"
# a file the manifest does not list
repack "$T/t4.zip" sh -c 'echo extra > extra.txt'
contains "unlisted file: the reason" "$(reason "$T/t4.zip")" "in the pack but not in the manifest"
# redaction: names replaced, not hidden; the pack still verifies
status_is "export --claims --redact" 0 d export "$C" --claims -o "$T/red.zip" --redact person,organization
status_is "verify-pack: redacted pack ok" 0 d verify-pack "$T/red.zip"
eq "redacted: no originals" "$(unzip -Z1 "$T/red.zip" | grep -c '^originals/' || true)" 0
eq "redacted: manifest says so" "$(unzip -p "$T/red.zip" manifest.json | jq -c '.redaction.types')" '["person","organization"]'
if [ "$(d entities "$C" --type person --json | jq '.entities|length')" -gt 0 ]; then
  redacted=$(unzip -p "$T/red.zip" 'texts/*' 'passages/*' claims.json)
  contains "redacted: labels in the text" "$redacted" "[PERSON 1]"
  case "$redacted" in *"Omar Khalil"*) not_ok "redacted: a person's name is still in the pack" ;; *) ok "redacted: names gone" ;; esac
else
  echo "# no NER model beside the binary: the redaction labels are not checked"
fi

# ---- a modified blob, a changed text: claim verify names the claim and citation
# the file show names (an encrypted case names blobs by a keyed hash)
blob=$(d show "$C" "$A" --json | jq -r '.blob // empty')
[ -n "$blob" ] || blob=$(find "$C/blobs" -type f -name "$(d show "$C" "$A" --json | jq -r .sha256)")
chmod u+w "$blob"
printf 'X' >>"$blob"
status_is "modified blob: claim verify exits 1" 1 d claim verify "$C"
eq "modified blob: names claim 1, citation 1" \
  "$(d claim verify "$C" --json | jq -r '.problems[]|select(.kind=="original_modified")|"\(.claim)/\(.citation)"')" "1/1"
status_is "modified blob: the pack is refused" 1 d export "$C" --claims -o "$T/bad.zip"
# the text changed in the database behind daftar's back (a copy of the
# case; a server-mode copy shares the database, so the change is undone)
cp -a "$C" "$T/c2"
case_sql "$T/c2" "UPDATE texts SET text = 'Someone else ' || text WHERE doc_id = $B"
kinds=$(d claim verify "$T/c2" --json | jq -r '[.problems[]|select(.claim==1 and .citation==2)|.kind]|unique|join(",")' || true)
eq "changed text: text_changed and quote_moved on claim 1, citation 2" "$kinds" "quote_moved,text_changed"
case_sql "$T/c2" "UPDATE texts SET text = substr(text, 14) WHERE doc_id = $B"

# ---- exports, parsed back
DOCS=$(d status "$C" --json | jq -r .documents)
d export "$C" --format jsonl -o "$T/x.jsonl"
eq "jsonl: one line a document" "$(jq -c . "$T/x.jsonl" | wc -l)" "$DOCS"
eq "jsonl: text and entities" "$(jq -r "select(.id==$A)|[(.text|contains(\"Raqqa\")),(.entities|length>0)]|map(tostring)|join(\",\")" "$T/x.jsonl")" "true,true"
MENTIONS=$(jq -s 'map(.entities|length)|add' "$T/x.jsonl")
d export "$C" --format csv -o "$T/docs.csv"
d export "$C" --format csv --table entities -o "$T/ents.csv"
d export "$C" --format csv --table mentions -o "$T/ments.csv"
NENT=$(d entities "$C" --json --limit 100000 | jq '.entities|length')
eq "csv: documents, entities, mentions" "$(python3 - "$T" <<'EOF'
import csv, sys
t = sys.argv[1]
n = [len(list(csv.DictReader(open(f'{t}/{f}', newline='')))) for f in ('docs.csv', 'ents.csv', 'ments.csv')]
print(','.join(map(str, n)))
EOF
)" "$DOCS,$NENT,$MENTIONS"
d export "$C" --format ftm -o "$T/x.ftm"
check "ftm: every line parses" jq -e . "$T/x.ftm" >/dev/null
eq "ftm: one Document (or subtype) a document" \
  "$(jq -r 'select(.id|startswith("daftar-doc-"))|.id' "$T/x.ftm" | wc -l)" "$DOCS"
# FollowTheMoney schema and property names used (followthemoney/schema/*.yaml)
schemas=$(jq -r .schema "$T/x.ftm" | sort -u | tr '\n' ' ')
for s in $schemas; do
  case " Document PlainText Pages HyperText Email Image Table Workbook Package Folder Person Organization LegalEntity Address Mention UnknownLink " in
    *" $s "*) ok "ftm: schema $s exists" ;;
    *) not_ok "ftm: schema $s is not a FollowTheMoney schema" ;;
  esac
done
props=$(jq -r '.properties|keys[]' "$T/x.ftm" | sort -u | tr '\n' ' ')
FTM_PROPS=" name alias title author fileName fileSize contentHash mimeType language date authoredAt parent bodyText indexText 
  processingStatus processingError namesMentioned emailMentioned phoneMentioned ibanMentioned ipMentioned locationMentioned 
  subject from to proof full document resolved personMentioned companyMentioned latitude longitude country object role "
for p in $props; do
  case " $(echo $FTM_PROPS) " in
    *" $p "*) ok "ftm: property $p" ;;
    *) not_ok "ftm: property $p is not in the FollowTheMoney list" ;;
  esac
done
eq "ftm: a Person for each person" "$(jq -r 'select(.schema=="Person")|.id' "$T/x.ftm" | wc -l)" \
  "$(d entities "$C" --type person --json --limit 100000 | jq '.entities|length')"
d export "$C" --format gexf -o "$T/x.gexf"
check "gexf: well-formed XML" xmllint --noout "$T/x.gexf"
if [ -f /usr/share/xml/gexf/1.3/gexf.xsd ]; then
  check "gexf: valid against GEXF 1.3" xmllint --noout --schema /usr/share/xml/gexf/1.3/gexf.xsd "$T/x.gexf"
else
  echo "# no GEXF schema installed: structure checked with XPath"
fi
X="xmllint --xpath"
eq "gexf: version 1.3" "$($X "string(/*[local-name()='gexf']/@version)" "$T/x.gexf")" 1.3
eq "gexf: one node an entity" "$($X "count(//*[local-name()='node'])" "$T/x.gexf")" "$NENT"
eq "gexf: node attributes type and documents" \
  "$($X "count(//*[local-name()='attribute'][@id='type' or @id='documents'])" "$T/x.gexf")" 2
eq "gexf: every node has a type" "$($X "count(//*[local-name()='node'][not(.//*[local-name()='attvalue'][@for='type'])])" "$T/x.gexf")" 0
eq "gexf: every edge is weighted and joins nodes" \
  "$($X "count(//*[local-name()='edge'][not(@weight) or not(@source=//*[local-name()='node']/@id) or not(@target=//*[local-name()='node']/@id)])" "$T/x.gexf")" 0
status_is "export: unknown format: exit 2" 2 d export "$C" --format pdf
finish
