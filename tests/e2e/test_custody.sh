#!/usr/bin/env bash
# Chain of custody: tamper with a blob, the custody log and the database,
# and see verify fail with the right problem each time. Runs on an
# encrypted case too (e2e-enc): the blob is found by `show`, the database
# changed through case_sql, a custody line edited as its sealed text.
source "$(dirname "$0")/lib.sh"
bash "$(dirname "$0")/make-small-trove.sh" "$T/trove"
C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$T/trove" --batch march >/dev/null
status_is "verify: untouched case is ok" 0 d verify "$C"
cp -a "$C" "$T/pristine"
reset_case() { rm -rf "$C"; cp -a "$T/pristine" "$C"; }

# kind of the first problem verify reports
problem_kinds() { d verify "$C" --json | jq -r '[.problems[].kind] | unique | join(",")'; }

# 1. a blob modified
memo=$(d docs "$C" --json | jq -r '.documents[] | select(.paths|index("letters/memo.txt")) | .id')
blob=$(d show "$C" "$memo" --json | jq -r .blob)
sha=$(d show "$C" "$memo" --json | jq -r .sha256)
chmod u+w "$blob"; printf 'tampered' >> "$blob"
status_is "modified blob: verify exits 1" 1 d verify "$C"
eq "modified blob: kind" "$(problem_kinds)" modified
eq "modified blob: names the sha" "$(d verify "$C" --json | jq -r '.problems[0].sha256')" "$sha"
reset_case

# 2. a blob missing
rm -f "$(find "$C/blobs" -type f | sort | tail -1)"
eq "missing blob: kind" "$(problem_kinds)" missing
reset_case

# 3. a custody entry edited (a path changed in entry 3)
if [ -f "$C/keys" ]; then
  # a sealed line: one character of its ciphertext changed
  python3 - "$C/custody.log" <<'EOF'
import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
lines[2] = lines[2][:20] + ("A" if lines[2][20] != "A" else "B") + lines[2][21:]
open(p, "w").write("\n".join(lines))
EOF
  # the entries the line held are unknown: the documents they logged are
  # then store problems too
  eq "edited log line: kind" "$(problem_kinds)" chain,store
  contains "edited log line: names the line" "$(d verify "$C" --json | jq -r '.problems[0].detail')" \
    "custody.log line 3: authentication failed"
else
  sed -i '3s/"path":"/"path":"X/' "$C/custody.log"
  eq "edited log line: kind" "$(problem_kinds)" chain
  contains "edited log line: names the entry" "$(d verify "$C" --json | jq -r '.problems[0].detail')" "entry 4"
fi
reset_case

# 4. a custody entry deleted from the middle
sed -i '5d' "$C/custody.log"
contains "deleted log line: kind" "$(problem_kinds)" chain
reset_case

# 5. two entries swapped
awk 'NR==6{l=$0; next} NR==7{print; print l; next} {print}' "$C/custody.log" > "$T/log" && cat "$T/log" > "$C/custody.log"
eq "reordered log: kind" "$(problem_kinds)" chain
reset_case

# 6. the end of the log cut off
n=$(wc -l < "$C/custody.log")
head -n $((n - 2)) "$C/custody.log" > "$T/log" && cat "$T/log" > "$C/custody.log"
contains "truncated log: kind" "$(problem_kinds)" chain
contains "truncated log: says entries were cut" "$(d verify "$C" --json | jq -r '.problems[0].detail')" "cut off"
status_is "truncated log: ingest refuses to append" 1 d ingest "$C" "$T/trove"
reset_case

# 7. the database: a document's SHA-256 rewritten (and its blob renamed to match)
id=$memo
new=$(printf 'forged' | sha256sum | cut -d' ' -f1)
case_sql "$C" "UPDATE documents SET sha256='$new' WHERE id=$id"
mkdir -p "$C/blobs/${new:0:2}/${new:2:2}"
printf 'forged' > "$C/blobs/${new:0:2}/${new:2:2}/$new"
if [ -f "$C/keys" ]; then
  # an encrypted case names the blob by a keyed hash: the forger cannot
  # put it where daftar looks, so it is also missing
  eq "db sha rewritten: kind" "$(problem_kinds)" missing,store
else
  eq "db sha rewritten: kind" "$(problem_kinds)" store
fi
reset_case

# 8. the database: extracted text altered
case_sql "$C" "UPDATE texts SET text = replace(text, 'paid', 'not paid') WHERE doc_id=$id"
eq "db text altered: kind" "$(problem_kinds)" store
contains "db text altered: says so" "$(d verify "$C" --json | jq -r '.problems[0].detail')" "text"
reset_case

# 9. the database: a document deleted
case_sql "$C" "PRAGMA foreign_keys=OFF; DELETE FROM locations WHERE doc_id=$id; DELETE FROM texts WHERE doc_id=$id; DELETE FROM seen_files WHERE doc_id=$id; DELETE FROM documents WHERE id=$id"
# (the full-text index still holds it: verify's index check says so too)
eq "db row deleted: kind" "$(problem_kinds)" index,store
contains "db row deleted: names it" "$(d verify "$C" --json | jq -r '.problems[] | select(.kind == "store") | .detail')" "missing from the store"
reset_case

status_is "pristine copy still verifies" 0 d verify "$C"
finish
