#!/usr/bin/env bash
# An encrypted case (init --encrypt, docs/SECURITY.md): after ingesting,
# searching, tagging, noting, serving and exporting a trove with a unique
# marker in a text, a file name, an archive member and an OCR'd image (its
# text, word boxes and page image served), no byte sequence of the marker
# (as given and lower-cased as the index keeps it; UTF-8, UTF-16LE/BE and
# CP1256; the Arabic one also in presentation forms) is in any file under
# the case or under TMPDIR; a wrong passphrase changes nothing; a flipped bit in a blob or a
# custody line is an error naming the file or line; key slots; evidence
# packs sealed to a recipient; kill -9 during an encrypted ingest, then
# resume, ends as an uninterrupted run.
source "$(dirname "$0")/lib.sh"
SRC="${DAFTAR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}"
# for the tests only: Argon2id at its cheapest (docs/SECURITY.md)
export DAFTAR_TEST_PWHASH_LIMITS=1:8192
export TMPDIR="$T/tmpdir"
mkdir -p "$TMPDIR"

M=QZXVMARK7731
MA=قرطاسزمردي
tr="$T/trove"
mkdir -p "$tr/sub" "$T/zsrc"
printf 'A letter about the %s shipment.\nرسالة عن %s في الرقة\n' "$M" "$MA" > "$tr/letter.txt"
printf 'nothing to see\n' > "$tr/sub/report-$M.txt"
printf 'member text %s\n' "$M" > "$T/zsrc/inner-$M.txt"
printf 'another member %s\n' "$MA" > "$T/zsrc/other.txt"
(cd "$T/zsrc" && zip -qX "$tr/bundle.zip" ./*.txt)
# a scan: the Latin marker rendered into a PNG (Pillow and DejaVu Sans,
# both installed by scripts/install-deps.sh), which ingest OCRs
/usr/bin/python3 - "$tr/scan.png" "$M" <<'EOF'
import sys
from PIL import Image, ImageDraw, ImageFont
font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 56)
img = Image.new("L", (1700, 500), 255)
d = ImageDraw.Draw(img)
d.text((80, 80), "Shipment report, Tabqa office", font=font, fill=0)
d.text((80, 220), "Reference %s received" % sys.argv[2], font=font, fill=0)
img.save(sys.argv[1], dpi=(300, 300))
EOF
check "the scan was rendered" test -s "$tr/scan.png"

# marker_files DIR...: the files under DIR holding a marker in any form
marker_files() {
  python3 - "$M" "$MA" "$@" <<'EOF'
import os, sys, unicodedata
# the Arabic marker as a shaper writes it in presentation forms (U+FE70-FEFF):
# each letter initial, medial, final or isolated by its neighbours
RIGHT_ONLY = set("اأإآدذرزوؤة")
def shaped(word):
    out = []
    for i, c in enumerate(word):
        joins_prev = i > 0 and word[i - 1] not in RIGHT_ONLY
        joins_next = i + 1 < len(word) and c not in RIGHT_ONLY
        form = {(0, 0): "ISOLATED", (0, 1): "INITIAL", (1, 1): "MEDIAL", (1, 0): "FINAL"}[(joins_prev, joins_next)]
        name = unicodedata.name(c)
        try:
            out.append(unicodedata.lookup(name + " " + form + " FORM"))
        except KeyError:
            out.append(unicodedata.lookup(name + " ISOLATED FORM"))
    return "".join(out)
marks = []
for m in sys.argv[1:3]:
    forms = {m, m.lower()}
    if any("\u0600" <= c <= "\u06ff" for c in m):
        forms.add(shaped(m))
    for f in forms:
        for enc in ("utf-8", "utf-16-le", "utf-16-be", "cp1256"):
            try:
                marks.append(f.encode(enc))
            except UnicodeEncodeError:
                pass
def scan(p):
    try:
        data = open(p, "rb").read()
    except OSError:
        return
    if any(k in data for k in marks):
        print(p)
for top in sys.argv[3:]:
    if os.path.isfile(top):
        scan(top)
    for root, dirs, files in os.walk(top):
        for f in files:
            scan(os.path.join(root, f))
EOF
}

C="$T/case"
P="first passphrase $$"
status_is "init --encrypt with the passphrase on stdin" 0 sh -c "printf '%s\n' '$P' | '$DAFTAR' init --encrypt '$C'"
contains "init says encrypted" "$(cat "$T/.out")" "encrypted"
check "the case has its keys file" [ -f "$C/keys" ]
e() { printf '%s\n' "$P" | "$DAFTAR" "$@"; }

status_is "ingest (passphrase on stdin)" 0 e ingest "$C" "$tr" --batch one
eq "status: documents" "$(e status "$C" --json | jq .documents)" 6
eq "status: encrypted blobs and custody log" "$(e status "$C" --json | jq -c '[.encrypted.blobs, .encrypted.custody_log]')" "[true,true]"
# the text, the file name, the member (name and text), the zip (its
# listing) and the scan (its OCR'd text)
eq "search finds the marker in 5 documents" "$(e search "$C" "$M" --json | jq .total)" 5
img=$(e search "$C" "$M" --json | jq -r '[.hits[]|select(.path=="scan.png")][0].id')
contains "the scan's OCR'd text holds the marker" "$(e show "$C" "$img" --text)" "$M"
eq "search finds the Arabic marker" "$(e search "$C" "$MA" --json | jq .total)" 2
doc=$(e search "$C" "$M" --json | jq -r '.hits[0].id')
status_is "tag" 0 e tag "$C" "$doc" "tag-$M"
status_is "note" 0 e note "$C" "$doc" "a note naming $M and $MA"
eq "search by the tag" "$(e search "$C" "tag:tag-$M" --json | jq .total)" 1
status_is "export a CSV outside the case" 0 e export "$C" --format csv -o "$T/export.csv"
check "the export holds the marker (the scan finds what is there)" [ -n "$(marker_files "$T/export.csv")" ]
status_is "verify ok" 0 e verify "$C"

# the workbench: a page of text, an original, through the server
printf '%s\n' "$P" > "$T/key"
export DAFTAR_REAL="$DAFTAR" DAFTAR_KEY_FILE="$T/key"
REAL=$DAFTAR
DAFTAR="$SRC/tests/crypt/daftar-enc"
trap 'serve_stop; cleanup' EXIT
if serve_start "$C"; then
  ok "serve starts on the encrypted case"
  txt=$(e search "$C" "$M" --json | jq -r '[.hits[]|select(.path=="letter.txt")][0].id')
  curl -s -o "$T/orig" "$B/api/docs/$txt/original"
  eq "serve: the original, decrypted" "$(sha256sum < "$T/orig" | cut -c1-64)" "$(sha256sum < "$tr/letter.txt" | cut -c1-64)"
  contains "serve: search" "$(curl -s "$B/api/search?q=$M")" "\"total\":5"
  curl -s -o "$T/page.png" "$B/api/docs/$img/pages/1.png"
  eq "serve: the scan's page image" "$(head -c 8 "$T/page.png" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a"
  eq "serve: the scan's OCR'd words, with their boxes" \
    "$(curl -s "$B/api/docs/$img?text=1" | jq --arg m "$M" '(.ocr_words | length) > 0 and (.text | contains($m))')" true
  serve_stop
else
  not_ok "serve starts on the encrypted case: $(cat "$T/serve.err")"
fi
DAFTAR=$REAL
rm -f "$T/orig" "$T/page.png"

# no trace of the markers anywhere in the case or in TMPDIR
files=$(marker_files "$C" "$TMPDIR")
if [ "$(e status "$C" --json | jq .encrypted.database)" = true ]; then
  eq "no marker in any file of the case or TMPDIR" "$files" ""
else
  # until the database is encrypted (the SQLite VFS), only store.db may hold it
  eq "no marker in any file of the case but store.db, nor in TMPDIR" \
    "$(printf '%s\n' "$files" | grep -v "^$C/store.db" || true)" ""
fi
# and in a case in the clear, the same scan finds them (the check can fail)
d init "$T/clear" >/dev/null
d ingest "$T/clear" "$tr" >/dev/null 2>&1
contains "a clear case: the scan finds the marker in custody.log" "$(marker_files "$T/clear")" "$T/clear/custody.log"
contains "a clear case: ... and in a blob" "$(marker_files "$T/clear")" "$T/clear/blobs/"
contains "a clear case: ... and in store.db" "$(marker_files "$T/clear")" "$T/clear/store.db"

# ---- the passphrase on a terminal: asked twice at init, never echoed
# on_tty PROMPT ANSWER ... -- COMMAND...: run COMMAND on a new pseudo-
# terminal, answer each PROMPT (once it has appeared) with its ANSWER;
# prints what the terminal showed, exits with the command's status
on_tty() {
  python3 - "$@" <<'EOF'
import os, pty, sys
args = sys.argv[1:]
cut = args.index("--")
pairs, cmd = args[:cut], args[cut + 1:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out = b""
def more():
    global out
    try:
        data = os.read(fd, 4096)
    except OSError:
        data = b""
    out += data
    return data
seen = 0
for i in range(0, len(pairs), 2):
    prompt = pairs[i].encode()
    while out.find(prompt, seen) < 0:
        if not more():
            break
    seen = out.find(prompt, seen) + len(prompt)
    os.write(fd, pairs[i + 1].encode() + b"\n")
while more():
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.waitstatus_to_exitcode(status))
EOF
}
TP="typed on a terminal $$"
status_is "a terminal: init asks twice" 0 on_tty "new passphrase: " "$TP" "the same again: " "$TP" -- "$DAFTAR" init --encrypt "$T/tty"
case "$(cat "$T/.out")" in *"$TP"*) not_ok "a terminal: the passphrase was echoed" ;; *) ok "a terminal: no echo" ;; esac
status_is "a terminal: the passphrase unlocks" 0 on_tty "passphrase of $T/tty: " "$TP" -- "$DAFTAR" status "$T/tty"
status_is "a terminal: two entries that differ" 1 on_tty "new passphrase: " "$TP" "the same again: " "x$TP" -- "$DAFTAR" init --encrypt "$T/tty2"
contains "... say so" "$(cat "$T/.out")" "differ"
check "... and leave no folder" [ ! -e "$T/tty2" ]

# ---- a wrong passphrase: exit 1, a clear error, nothing changed
folder_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum); }
before=$(folder_hash "$C")
for cmd in "status $C" "ingest $C $tr" "tag $C $doc x" "verify $C" "key list $C" "key add $C"; do
  # shellcheck disable=SC2086
  status_is "wrong passphrase: $cmd exits 1" 1 sh -c "printf 'wrong\nnew one\n' | '$DAFTAR' $cmd"
  contains "wrong passphrase: $cmd says so" "$(cat "$T/.err")" "wrong passphrase"
done
eq "wrong passphrase: the case is unchanged" "$(folder_hash "$C")" "$before"
status_is "no passphrase at all (empty stdin): exit 1" 1 sh -c "'$DAFTAR' status '$C' < /dev/null"

# ---- a flipped bit in a blob: an error naming the file; verify reports it
blob=$(e show "$C" "$txt" --json | jq -r .blob)
case "$blob" in
  "$C"/blobs/*) ok "show names the blob" ;;
  *) not_ok "show names the blob: '$blob'" ;;
esac
sha=$(e show "$C" "$txt" --json | jq -r .sha256)
check "the blob's name is not the SHA-256" [ "$(basename "$blob")" != "$sha" ]
check "no file of the case is named by the SHA-256" [ -z "$(find "$C" -name "*$sha*")" ]
status_is "a claim citing it" 0 e claim add "$C" "the letter" --cite "$txt:1:0-8"
cp "$blob" "$T/blob.bak"
chmod u+w "$blob"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[60]^=4; open(p,'wb').write(b)" "$blob"
status_is "flipped bit in a blob: verify exits 1" 1 e verify "$C"
contains "verify names the blob" "$(cat "$T/.out")" "$blob"
contains "verify says authentication failed" "$(cat "$T/.out")" "authentication failed"
eq "verify --json: a modified problem" "$(e verify "$C" --json | jq -r '[.problems[].kind]|unique|join(",")')" "modified"
status_is "flipped bit: claim verify exits 1" 1 e claim verify "$C"
contains "claim verify names the blob" "$(e claim verify "$C" --json | jq -r '.problems[].detail')" "$blob"
cp "$T/blob.bak" "$blob"
status_is "the blob restored: verify ok" 0 e verify "$C"

# ---- a flipped character in a custody line: verify names the line
cp "$C/custody.log" "$T/custody.bak"
python3 - "$C/custody.log" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
s = lines[2]
lines[2] = s[:20] + ("A" if s[20] != "A" else "B") + s[21:]
open(p, "w").write("\n".join(lines))
EOF
status_is "flipped bit in custody.log: verify exits 1" 1 e verify "$C"
contains "verify names the line" "$(cat "$T/.out")" "custody.log line 3: authentication failed"
cp "$T/custody.bak" "$C/custody.log"
status_is "the log restored: verify ok" 0 e verify "$C"

# ---- key slots: a second passphrase, the first removed
P2="second passphrase $$"
status_is "key add" 0 sh -c "printf '%s\n%s\n' '$P' '$P2' | '$DAFTAR' key add '$C'"
eq "key list: two slots" "$(printf '%s\n' "$P2" | "$DAFTAR" key list "$C" --json | jq '.slots|length')" 2
eq "the second passphrase unlocks" "$(printf '%s\n' "$P2" | "$DAFTAR" status "$C" --json | jq .documents)" 6
eq "key list: slot 2 unlocked" "$(printf '%s\n' "$P2" | "$DAFTAR" key list "$C" --json | jq -c '[.slots[]|select(.unlocked_with)|.slot]')" "[2]"
status_is "the last slot is never removed (slot 1 of 2 goes)" 0 sh -c "printf '%s\n' '$P2' | '$DAFTAR' key remove '$C' 1"
status_is "the first passphrase no longer works" 1 e status "$C"
status_is "the last slot stays" 1 sh -c "printf '%s\n' '$P2' | '$DAFTAR' key remove '$C' 2"
contains "... and says why" "$(cat "$T/.err")" "last key slot"
printf '%s\n' "$P2" > "$T/key2"
eq "--key-file unlocks" "$(d status "$C" --key-file "$T/key2" --json | jq .documents)" 6
status_is "the case is whole after the key changes" 0 d verify "$C" --key-file "$T/key2"
check "a clear case has no key slots" sh -c "! '$DAFTAR' key list '$T/clear' 2>/dev/null"

# ---- evidence packs sealed to a recipient (export --claims --to)
status_is "keygen" 0 d keygen "$T/rk"
eq "keygen: the secret key is its owner's alone" "$(stat -c %a "$T/rk")" 600
status_is "keygen never overwrites a key" 1 d keygen "$T/rk"
status_is "a pack sealed to the recipient" 0 d export "$C" --claims -o "$T/sealed.zip" --to "$T/rk.pub" --key-file "$T/key2"
eq "no marker in the sealed pack" "$(marker_files "$T/sealed.zip")" ""
status_is "verify-pack without the secret key: exit 1" 1 d verify-pack "$T/sealed.zip"
contains "... and says which key it needs" "$(cat "$T/.err")" "--secret-key"
status_is "verify-pack with the secret key" 0 d verify-pack "$T/sealed.zip" --secret-key "$T/rk"
d keygen "$T/other" >/dev/null
status_is "another secret key does not open it" 1 d verify-pack "$T/sealed.zip" --secret-key "$T/other"
python3 -c "import sys; p=sys.argv[1]; b=bytearray(open(p,'rb').read()); b[len(b)//2]^=1; open(p,'wb').write(b)" "$T/sealed.zip"
status_is "a flipped bit in the sealed pack: exit 1" 1 d verify-pack "$T/sealed.zip" --secret-key "$T/rk"
contains "... authentication failed" "$(cat "$T/.err")" "authentication failed"
status_is "the pack in the clear (the default)" 0 d export "$C" --claims -o "$T/clear.zip" --key-file "$T/key2"
check "the clear pack holds the marker (its original, deflated)" [ "$(unzip -p "$T/clear.zip" | grep -ac "$M")" -gt 0 ]
status_is "verify-pack of the clear pack" 0 d verify-pack "$T/clear.zip"

# ---- kill -9 during an encrypted ingest, then resume
bulk="$T/bulk"
make_bulk_trove "$bulk" 600
K="$T/key2"
canon() {
  d docs "$1" --key-file "$K" --json --limit 100000 |
    jq -r '.documents[]|[.sha256 // .path, .status, (.type // ""), (.paths|sort|join(";"))]|@tsv' | sort
}
REF="$T/ref"
d init "$REF" --encrypt --key-file "$K" >/dev/null
t0=$(date +%s%N)
d ingest "$REF" "$bulk" --batch b -j 2 --key-file "$K" >/dev/null 2>&1
ref_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
canon "$REF" > "$T/ref.canon"
check "the reference run has the bulk" [ "$(wc -l < "$T/ref.canon")" -gt 1000 ]
K9="$T/k9"
d init "$K9" --encrypt --key-file "$K" >/dev/null
"$DAFTAR" ingest "$K9" "$bulk" --batch b -j 2 --key-file "$K" >/dev/null 2>&1 &
pid=$!
sleep "$(awk -v ms="$ref_ms" 'BEGIN { printf "%.3f", ms * 0.4 / 1000 }')"
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
status_is "resume after kill -9" 0 d ingest "$K9" "$bulk" --batch b -j 2 --key-file "$K"
canon "$K9" > "$T/k9.canon"
eq "the resumed case equals the uninterrupted one" "$(diff "$T/ref.canon" "$T/k9.canon" | head -5)" ""
status_is "resumed: verify ok" 0 d verify "$K9" --key-file "$K"
eq "resumed: nothing pending" "$(d status "$K9" --key-file "$K" --json | jq .pending)" 0
eq "resumed: no temporary blobs left" "$(find "$K9/blobs/tmp" -type f | wc -l)" 0
eq "resumed: as many blob files as the reference" "$(find "$K9/blobs" -type f | wc -l)" "$(find "$REF/blobs" -type f | wc -l)"

finish
