#!/usr/bin/env bash
# The workbench writes while an ingest runs (docs/API.md, "During an
# ingest"): a case with one batch and an editor is served on loopback; a
# second, long ingest starts; while it runs the editor logs in, tags and
# untags, notes, merges two entities and logs out through the HTTP API,
# and every write must answer 2xx at once and read back. After the ingest
# the case must hold the same documents, texts and search results as the
# same two ingests made without the workbench (a second case), verify
# must pass (the custody chain both processes appended to), and the tags,
# notes, custody entries and the merge must still be there. Last, a write
# while another process holds the database's write lock answers 503 after
# the 5 s busy timeout.
source "$(dirname "$0")/lib.sh"
command -v curl >/dev/null || { echo "skipped: no curl"; exit 77; }
command -v jq >/dev/null || { echo "skipped: no jq"; exit 77; }

IPID=
stop_all() {
  if [ -n "$IPID" ]; then kill "$IPID" 2>/dev/null || true; wait "$IPID" 2>/dev/null || true; IPID=; fi
  serve_stop
  cleanup
}
trap stop_all EXIT

# ---- the troves: the small one, then N letters (one awk process) --------
small="$T/small"
bash "$(dirname "$0")/make-small-trove.sh" "$small"
big="$T/big"
N=${SERVE_INGEST_FILES:-6000}
awk -v dir="$big" -v n="$N" 'BEGIN {
  for (i = 1; i <= n; i++) {
    d = dir "/bulk/" (i % 50)
    if (!(d in made)) { system("mkdir -p \"" d "\""); made[d] = 1 }
    f = d "/l" i ".txt"
    printf "letter %d\nرسالة رقم %d عن الرقة\nMemo %d about the Raqqa office and Tabqa.\n", i, i, i > f
    for (k = 0; k < 40; k++) printf "%d ", i * 7 + k > f
    printf "\n" > f
    close(f)
  } }'
eq "the long trove has $N files" "$(find "$big" -type f | wc -l)" "$N"

PW='correct horse battery'
A="$T/with-workbench"
R="$T/reference"
for c in "$A" "$R"; do
  d init "$c" >/dev/null
  d ingest "$c" "$small" --batch one -j 1 >/dev/null 2>&1
  printf '%s\n' "$PW" | d user add "$c" ed --role editor >/dev/null
done

# the reference: the same second ingest, nobody else writing
d ingest "$R" "$big" --batch two -j 1 >"$T/ingest-R.out" 2>&1

mkdir -p "$T/web"
printf '<!doctype html><title>daftar</title>\n' >"$T/web/index.html"
export DAFTAR_WEB="$T/web"
check "serve starts on loopback" serve_start "$A"
[ -n "${B:-}" ] || { finish; exit 1; }

memo=$(d docs "$A" --json | jq '.documents[] | select(.paths | index("letters/memo.txt")) | .id')
check "the memo is a document" test -n "$memo"
before=$(d status "$A" --json | jq .documents)
# the two entities to merge (of batch one): one value of each
# (the first type with two entities: organizations with the trained models)
etype=$(d entities "$A" --json --limit 10000 | jq -r '[.entities | group_by(.type)[] | select(length > 1) | .[0].type] | .[0] // empty')
check "batch one has two entities of one type to merge" test -n "$etype"
org1=$(d entities "$A" --type "$etype" --json | jq -r '.entities[0].id')
org2=$(d entities "$A" --type "$etype" --json | jq -r '.entities[1].id')

# ---- the long ingest, in the background ----------------------------------
d ingest "$A" "$big" --batch two -j 1 >"$T/ingest-A.out" 2>"$T/ingest-A.err" &
IPID=$!
# wait until it has stored documents of its own (it holds CASE/lock now)
for _ in $(seq 600); do
  n=$(d status "$A" --json 2>/dev/null | jq .documents 2>/dev/null || echo 0)
  [ "${n:-0}" -gt $((before + 20)) ] && break
  kill -0 "$IPID" 2>/dev/null || break
  sleep 0.1
done
check "the ingest is running and has stored documents" kill -0 "$IPID"
status_is "daftar tag on the command line goes beside the ingest too" 0 d tag "$A" "$memo" cli-during-ingest

# one write: METHOD PATH BODY; sets CODE, TIME and BODY_OUT; the times go
# to $T/times
write() {
  local out
  out=$(curl -s -b "$T/jar" -c "$T/jar" -X "$1" -H "X-CSRF-Token: ${CSRF:-}" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} -o "$T/body" -w '%{http_code} %{time_total}' "$B$2")
  CODE=${out% *}
  TIME=${out#* }
  BODY_OUT=$(cat "$T/body")
  echo "$1 $2 $CODE $TIME" >>"$T/times"
}

write POST /api/login "{\"user\":\"ed\",\"password\":\"$PW\"}"
eq "login during the ingest: 200" "$CODE" 200
CSRF=$(jqv "$BODY_OUT" .csrf)
eq "login: the editor" "$(jqv "$BODY_OUT" .role)" editor
eq "the session works" "$(curl -s -b "$T/jar" "$B/api/me" | jq -r .user)" ed

write POST "/api/docs/$memo/tags" '{"tag":"during-ingest"}'
eq "tag during the ingest: 200" "$CODE" 200
contains "tag: in the answer" "$BODY_OUT" '"during-ingest"'
write POST "/api/docs/$memo/tags" '{"tag":"to-remove"}'
eq "second tag: 200" "$CODE" 200
write DELETE "/api/docs/$memo/tags/to-remove"
eq "untag during the ingest: 200" "$CODE" 200
eq "untag: the two other tags left" "$(jqv "$BODY_OUT" '.tags | sort | join(",")')" "cli-during-ingest,during-ingest"

# a document the running ingest itself has just stored
fresh=$(curl -s -b "$T/jar" "$B/api/docs?batch=two&limit=1" | jq '.documents[0].id')
check "a document of the running batch is readable" test "${fresh:-null}" != null
write POST "/api/docs/$fresh/tags" '{"tag":"fresh"}'
eq "tag a document of the running batch: 200" "$CODE" 200

write POST "/api/docs/$memo/notes" '{"text":"checked while the June delivery was being ingested"}'
eq "note during the ingest: 200" "$CODE" 200
eq "note: in the answer" "$(jqv "$BODY_OUT" '.notes[-1].text')" "checked while the June delivery was being ingested"
r=$(curl -s -b "$T/jar" "$B/api/docs/$memo")
eq "read back: tags" "$(jqv "$r" '.tags | sort | join(",")')" "cli-during-ingest,during-ingest"
eq "read back: note" "$(jqv "$r" '.notes | length')" 1

val1=$(curl -s -b "$T/jar" "$B/api/entities/$org1" | jq -r '.entity.variants_detail[0].value')
val2=$(curl -s -b "$T/jar" "$B/api/entities/$org2" | jq -r '.entity.variants_detail[0].value')
body=$(jq -cn --arg ty "$etype" --arg v "$val2" --arg t "$val1" '{type: $ty, value: $v, target: $t}')
write POST /api/entities/merge "$body"
eq "merge during the ingest: 200" "$CODE" 200
eq "merge: the value joined the target's entity" \
  "$(jqv "$BODY_OUT" "[.entity.variants_detail[].value] | (index(\"$val1\") != null and index(\"$val2\") != null)")" true

# a search is audited by the server's queue, through the shared writer:
# written while the ingest still runs, not when it ends
curl -s -b "$T/jar" -o /dev/null "$B/api/search?q=audited-during-ingest"
for _ in $(seq 1 100); do
  [ "$(case_sql "$A" "SELECT count(*) FROM audit WHERE action='search' AND detail LIKE '%audited-during-ingest%'")" = 1 ] && break
  sleep 0.1
done
eq "the search is in the audit table within 10 s" \
  "$(case_sql "$A" "SELECT count(*) FROM audit WHERE action='search' AND detail LIKE '%audited-during-ingest%'")" 1
check "... and the ingest still runs" kill -0 "$IPID"

write POST /api/logout '{}'
eq "logout during the ingest: 200" "$CODE" 200
eq "after logout: no session" "$(curl -s -o /dev/null -w '%{http_code}' -b "$T/jar" "$B/api/me")" 401

check "every write was made while the ingest ran" kill -0 "$IPID"
# a 2xx already says it waited less than the 5 s busy timeout; the
# changes themselves (not the login's Argon2id) must be well under it
slow=$(awk '$2 != "/api/login" && $4 > 4 { print }' "$T/times")
eq "no change took 4 s or more" "$slow" ""
ok "write times (s): $(awk '{ printf "%s %s %.3f; ", $1, $2, $4 }' "$T/times")"

rc=0
wait "$IPID" || rc=$?
IPID=
eq "the ingest ended well" "$rc" 0
[ "$rc" = 0 ] || cat "$T/ingest-A.err" | head -20

# ---- the case equals the one made without the workbench ------------------
eq "the same documents (docs --json)" "$(d docs "$A" --json --limit 1000000 | sha256sum)" \
  "$(d docs "$R" --json --limit 1000000 | sha256sum)"
eq "the same documents, locations and texts" "$(case_dump "$A" no-entities | sha256sum)" \
  "$(case_dump "$R" no-entities | sha256sum)"
eq "documents: one batch of $N more" "$(d status "$A" --json | jq .documents)" "$((before + N))"
for q in Raqqa 'الرقة' letter Tabqa; do
  eq "search $q: the same total" "$(d search "$A" "$q" --json | jq .total)" "$(d search "$R" "$q" --json | jq .total)"
done
status_is "verify: the chain both writers appended to" 0 d verify "$A"
status_is "verify: the reference" 0 d verify "$R"

# ---- and what the workbench wrote is there ------------------------------
eq "tags kept (the command line's and the workbench's)" "$(d tags "$A" "$memo" --json | jq -r '.tags | sort | join(",")')" "cli-during-ingest,during-ingest"
eq "tag of the running batch kept" "$(d tags "$A" "$fresh" --json | jq -r '.tags | join(",")')" "fresh"
eq "note kept" "$(d notes "$A" "$memo" --json | jq -r '.notes[0].text')" "checked while the June delivery was being ingested"
eq "tag: finds it" "$(d search "$A" 'tag:during-ingest' --json | jq .total)" 1
# the log as `daftar log` prints it (an encrypted case's lines are sealed)
d log "$A" > "$T/a.log"
d log "$R" > "$T/r.log"
eq "custody: tagged entries" "$(grep -c '"event":"tagged"' "$T/a.log")" 4
eq "custody: untagged entries" "$(grep -c '"event":"untagged"' "$T/a.log")" 1
eq "custody: noted entries" "$(grep -c '"event":"noted"' "$T/a.log")" 1
eq "custody: nothing recovered" "$(grep -c '"event":"recovered"' "$T/a.log" || true)" 0
eq "custody: the reference has no annotations" "$(grep -c '"event":"tagged"' "$T/r.log" || true)" 0
eq "audit: the login" "$(case_sql "$A" "SELECT count(*) FROM audit WHERE action='login' AND \"user\"='ed'")" 1
one_entity="SELECT count(DISTINCT entity_id) FROM entity_variants WHERE type='$etype' AND value IN ('${val1//\'/\'\'}', '${val2//\'/\'\'}')"
eq "the merge holds after the ingest's own resolution" "$(case_sql "$A" "$one_entity")" 1
eq "the reference keeps them apart" "$(case_sql "$R" "$one_entity")" 2

# ---- a writer that keeps the case past the busy timeout: 503, in time ----
CSRF=
write POST /api/login "{\"user\":\"ed\",\"password\":\"$PW\"}"
eq "login after the ingest: 200" "$CODE" 200
CSRF=$(jqv "$BODY_OUT" .csrf)
case_hold "$A" 10 &
HOLD=$!
sleep 1
write POST "/api/docs/$memo/tags" '{"tag":"held-out"}'
eq "a write the case is held from: 503" "$CODE" 503
contains "503: says why" "$BODY_OUT" "busy"
check "503 after the 5 s busy timeout, not before, not much after" awk -v t="$TIME" 'BEGIN { exit !(t >= 4.5 && t < 9) }'
wait "$HOLD"
write POST "/api/docs/$memo/tags" '{"tag":"held-out"}'
eq "once the case is free: 200" "$CODE" 200
status_is "verify after all" 0 d verify "$A"
finish
