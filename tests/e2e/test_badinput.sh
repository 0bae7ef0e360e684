#!/usr/bin/env bash
# Bad input: each bad thing becomes a recorded failure or a note, never a
# crash of daftar, never a lost or half-written document; ingest goes on.
source "$(dirname "$0")/lib.sh"
B="$T/bad"
mkdir -p "$B/loop/inner" "$B/names"
printf 'good letter one\n' > "$B/good1.txt"
: > "$B/empty.txt"
# a name that is not UTF-8
printf 'latin-1 name\n' > "$B/names/caf$(printf '\xe9').txt"
# a symlink loop and a symlink out of the input
ln -s .. "$B/loop/inner/up"
ln -s /etc/passwd "$B/passwd-link"
ln -s "$B/good1.txt" "$B/inside-link.txt"
ln -s /nonexistent "$B/dangling"
mkfifo "$B/a-fifo"
# a truncated zip, a corrupt zip, garbage named .gz
for i in $(seq 1 50); do printf 'member %d %s\n' "$i" "$(seq -s ' ' 1 200)" > "$T/m$i.txt"; done
(cd "$T" && zip -qX "$B/whole.zip" m*.txt)
head -c 9000 "$B/whole.zip" > "$B/truncated.zip"
cp "$B/whole.zip" "$B/corrupt.zip"
printf 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' |
  dd of="$B/corrupt.zip" bs=1 seek=3000 conv=notrunc 2>/dev/null
printf '\037\213\010\000\000\000\000\000\000\003garbage, not deflate' > "$B/fake.gz"
# a zip bomb: 300 MB of zeros, about 300 KB zipped
head -c 300000000 /dev/zero > "$T/zeros.bin"
(cd "$T" && zip -qX "$B/bomb.zip" zeros.bin)
rm -f "$T/zeros.bin"
# hostile member names: ../ and absolute
mkdir -p "$T/hostile"
printf 'evil\n' > "$T/hostile/evil.txt"
bsdtar -cf "$B/hostile.zip" --format zip -P -C "$T/hostile" -s ',^evil.txt$,../../escaped-evil.txt,' evil.txt
bsdtar -cf "$B/hostile.tar" -C "$T/hostile" -s ',^evil.txt$,/tmp/absolute-evil.txt,' -P evil.txt
# an encrypted member beside a plain one
printf 'secret\n' > "$T/secret.txt"; printf 'plain\n' > "$T/plain.txt"
(cd "$T" && zip -qX -P pw "$B/encrypted.zip" secret.txt && zip -qX "$B/encrypted.zip" plain.txt)
# archives nested deeper than the limit (8)
printf 'bottom\n' > "$T/n0.txt"
prev="$T/n0.txt"
for i in $(seq 1 11); do (cd "$(dirname "$prev")" && zip -qX "$T/n$i.zip" "$(basename "$prev")"); prev="$T/n$i.zip"; done
cp "$prev" "$B/deep-nesting.zip"

C="$T/case"
d init "$C" >/dev/null
out=$(d ingest "$C" "$B" -j 2 --json)
ok "ingest of the bad folder finished (exit 0)"
docs=$(d docs "$C" --json)
state() { jqv "$docs" ".documents[] | select(.path==\"$1\") | .status + \"|\" + (.error // \"\")"; }
eq "good file ok" "$(state good1.txt)" "ok|"
eq "empty file ok" "$(state empty.txt)" "ok|"
eq "empty file type" "$(jqv "$docs" '.documents[] | select(.path=="empty.txt") | .type')" "empty"
eq "non-UTF-8 name kept, escaped" "$(jqv "$docs" '.documents[] | select(.path|startswith("names/caf")) | .path + "|" + .status')" 'names/caf\xE9.txt|ok' 
notes=$(jqv "$out" '[.notes[] | .path + ": " + .note] | join("\n")')
contains "symlink loop noted" "$notes" "loop"
contains "symlink outside noted" "$notes" "passwd-link: symlink to outside the input"
contains "dangling symlink noted" "$notes" "dangling: symlink that leads nowhere"
contains "fifo skipped" "$notes" "a-fifo: special file (named pipe): skipped"
eq "symlink inside the input followed (same bytes as good1)" \
  "$(jqv "$docs" '.documents[] | select(.path=="good1.txt") | .paths | sort | join(",")')" "good1.txt,inside-link.txt"
contains "truncated zip failed" "$(state truncated.zip)" "failed|truncated archive"
contains "corrupt zip: the damaged member fails alone" \
  "$(jqv "$docs" '[.documents[] | select(any(.paths[]; startswith("corrupt.zip!/"))) | select(.status=="failed") | .error] | join(",")')" "corrupt"
eq "corrupt zip: the others are kept" \
  "$(jqv "$docs" '[.documents[] | select(any(.paths[]; startswith("corrupt.zip!/"))) | select(.status=="ok")] | length')" 49
contains "fake gz failed" "$(state fake.gz)" "failed|"
contains "zip bomb failed as a bomb" "$(state bomb.zip)" "bomb"
eq "zip bomb filled no disk (no blob over 100 MB)" "$(find "$C/blobs" -type f -size +100M | wc -l)" 0
contains "hostile name is only a label" "$(jqv "$docs" '[.documents[].paths[]] | join(",")')" 'hostile.zip!/../../escaped-evil.txt'
contains "absolute name is only a label" "$(jqv "$docs" '[.documents[].paths[]] | join(",")')" 'hostile.tar!//tmp/absolute-evil.txt'
check "nothing escaped the archive" [ ! -e "$T/escaped-evil.txt" ] && [ ! -e "$B/../../escaped-evil.txt" ] && [ ! -e /tmp/absolute-evil.txt ]
eq "encrypted member failed as encrypted" "$(state 'encrypted.zip!/secret.txt')" "failed|encrypted"
eq "plain member beside it ok" "$(state 'encrypted.zip!/plain.txt')" "ok|"
deepest=$(jqv "$docs" '[.documents[] | select(.error // "" | test("nested more than"))] | length')
eq "nesting beyond the limit fails with a reason" "$deepest" 1
# members of the truncated zip that were whole are kept
full=$(jqv "$docs" '[.documents[] | select(any(.paths[]; startswith("truncated.zip!/"))) | select(.status=="ok")] | length')
check "truncated zip: whole members kept ($full)" [ "$full" -ge 1 ]
status_is "verify after bad input" 0 d verify "$C"

# the sandbox: a crash, a hang, a spin and memory exhaustion fail alone
F="$T/faults"
mkdir -p "$F"
for k in crash hang spin oom fine; do printf '%s document\n' "$k" > "$F/$k-doc.txt"; done
C2="$T/case2"
d init "$C2" >/dev/null
DAFTAR_FAULT=crash:crash-doc d ingest "$C2" "$F" --timeout 3 --json > "$T/o.json"
docs=$(d docs "$C2" --json)
state2() { jqv "$docs" ".documents[] | select(.path==\"$1\") | .status + \"|\" + (.error // \"\")"; }
contains "crashing extractor: document failed with the reason" "$(state2 crash-doc.txt)" "failed|extractor crashed ("
eq "crash: the others are fine" "$(state2 fine-doc.txt)" "ok|"
for k in hang spin; do
  C3="$T/case-$k"; d init "$C3" >/dev/null
  DAFTAR_FAULT=$k:$k-doc d ingest "$C3" "$F" --timeout 2 >/dev/null
  docs=$(d docs "$C3" --json)
  eq "$k: timed out" "$(state2 $k-doc.txt)" "failed|timed out after 2 s"
  eq "$k: others ok" "$(jqv "$docs" '[.documents[] | select(.status=="ok")] | length')" 4
done
if [ "${DAFTAR_SANITIZE:-0}" != 1 ]; then
  C4="$T/case-oom"; d init "$C4" >/dev/null
  DAFTAR_FAULT=oom:oom-doc d ingest "$C4" "$F" >/dev/null
  docs=$(d docs "$C4" --json)
  contains "oom: memory limit hit, document failed" "$(state2 oom-doc.txt)" "failed|out of memory"
else
  echo "# oom check not run: AddressSanitizer builds have no address-space limit"
fi

# unreadable files: only testable as a user other than root
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
  U="$T/unreadable"; mkdir -p "$U"; printf 'a\n' > "$U/readable.txt"; printf 'b\n' > "$U/secret.txt"
  chmod 000 "$U/secret.txt"; chmod 777 "$T" "$U"
  C5="$T/case-perm"; d init "$C5" >/dev/null; chmod -R 777 "$C5"
  setpriv --reuid=65534 --regid=65534 --clear-groups "$DAFTAR" ingest "$C5" "$U" --json > "$T/p.json" 2>"$T/p.err" || true
  docs=$(d docs "$C5" --json)
  contains "unreadable file: failed with the reason" "$(state2 secret.txt)" "failed|cannot read the file: Permission denied"
  eq "unreadable file: readable one ok" "$(state2 readable.txt)" "ok|"
fi

# a 1 GB file (sparse, so it costs no disk): hashed, kept (no copy), text cut with a note
G="$T/big"; mkdir -p "$G"
truncate -s 1G "$G/huge.bin"
C6="$T/case-big"; d init "$C6" >/dev/null
out=$(d ingest "$C6" "$G" --no-copy --json)
eq "1 GB file: ingested" "$(jqv "$out" .documents_added)" 1
eq "1 GB file: size recorded" "$(d show "$C6" huge.bin --json | jq .size)" 1073741824
finish
