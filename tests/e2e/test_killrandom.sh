#!/usr/bin/env bash
# test_killrandom.sh - faults during ingest:
#  1. SIGKILL `daftar ingest` at 20+ random moments (seeded: set
#     DAFTAR_KILL_SEED to replay), resuming each time; each case, once an
#     ingest completes, must equal an uninterrupted run (documents, text
#     hashes, locations), verify ok, nothing pending, no temporary blobs.
#  2. disk full: a case on a 24 MiB tmpfs (a private mount namespace:
#     `unshare -m` as root, `unshare -rm` otherwise) fills up; the ingest
#     stops with status 1 and an error that says so, the case verifies;
#     after the tmpfs is remounted bigger the same command completes and
#     equals the uninterrupted run. Skipped, saying so, without a way to
#     mount a small filesystem.
#  3. concurrent readers: while an ingest runs, `search` and `status --json`
#     in a loop succeed, print valid JSON, and the document count never
#     goes down.
source "$(dirname "$0")/lib.sh"

tr="$T/trove"
make_bulk_trove "$tr" 1500
REF="$T/ref"
d init "$REF" >/dev/null
t0=$(date +%s%N)
d ingest "$REF" "$tr" --batch march -j 2 >/dev/null
ref_ms=$((($(date +%s%N) - t0) / 1000000))
case_dump "$REF" > "$T/ref.dump"
ndocs=$(d status "$REF" --json | jq .documents)
echo "# reference run: $ndocs documents in ${ref_ms} ms"
check "the reference run has a few thousand documents" [ "$ndocs" -gt 2400 ]

# ---- 1. random kills
seed=${DAFTAR_KILL_SEED:-$(( $(date +%s) % 100000 ))}
echo "# kill seed: $seed (DAFTAR_KILL_SEED=$seed replays the same delays)"
RANDOM=$seed
kills=0 rounds=0 attempts=0
while [ "$kills" -lt 20 ] && [ "$attempts" -lt 80 ]; do
  rounds=$((rounds + 1))
  C="$T/case-$rounds"
  d init "$C" >/dev/null
  while [ "$attempts" -lt 80 ]; do
    attempts=$((attempts + 1))
    # a delay between 2% and 50% of the reference run
    ms=$((ref_ms * (2 + RANDOM % 49) / 100))
    "$DAFTAR" ingest "$C" "$tr" --batch march -j 2 >/dev/null 2>&1 &
    pid=$!
    sleep "$(awk -v ms="$ms" 'BEGIN { printf "%.3f", ms / 1000 }')"
    if kill -9 "$pid" 2>/dev/null; then
      wait "$pid" 2>/dev/null || true
      kills=$((kills + 1))
      echo "# round $rounds: kill $kills after ${ms} ms"
    else
      wait "$pid" 2>/dev/null || true
      echo "# round $rounds: the run ended before ${ms} ms"
      break
    fi
  done
  # the same command once more: resumes what a kill left, or adds nothing
  out=$(d ingest "$C" "$tr" --batch march -j 2 --json)
  # (a run that had finished closed batch 1; the same command then opens
  # an empty batch, as in test_killresume.sh)
  eq "round $rounds: the last run resumed batch 1 or had nothing to add" \
    "$(jqv "$out" 'if .batch == 1 or .documents_added == 0 then "ok" else (.documents_added | tostring) end')" ok
  case_dump "$C" > "$T/case.dump"
  if cmp -s "$T/ref.dump" "$T/case.dump"; then
    ok "round $rounds: same documents, texts and locations as the uninterrupted run"
  else
    not_ok "round $rounds: differs from the uninterrupted run: $(diff "$T/ref.dump" "$T/case.dump" | head -5 | tr '\n' ' ')"
  fi
  case_consistent "round $rounds" "$C"
  eq "round $rounds: every location in batch 1" "$(sqlite3 "$C/store.db" 'SELECT count(*) FROM locations WHERE batch_id != 1')" 0
  rm -rf "$C"
done
echo "# $kills kills survived in $rounds rounds (seed $seed)"
check "at least 20 kills landed" [ "$kills" -ge 20 ]

# ---- 2. disk full
mnt="$T/small"
mkdir -p "$mnt" "$T/df"
# 40 MB of incompressible files: the blobs cannot fit in 24 MiB
dtr="$T/dtrove"
cp -r "$tr" "$dtr"
mkdir -p "$dtr/big"
for i in $(seq 1 8); do head -c $((5 << 20)) /dev/urandom > "$dtr/big/blob$i.bin"; done
DREF="$T/dref"
d init "$DREF" >/dev/null
d ingest "$DREF" "$dtr" -j 2 >/dev/null
case_dump "$DREF" > "$T/dref.dump"
if [ "$(id -u)" = 0 ]; then ns="unshare -m --propagation private"; else ns="unshare -rm"; fi
cat > "$T/df/inner.sh" <<'EOF'
set -u
mount -t tmpfs -o size=24m tmpfs "$MNT" || { echo nomount > "$OUTD/state"; exit 0; }
"$DAFTAR" init "$MNT/case" >/dev/null
rc=0
"$DAFTAR" ingest "$MNT/case" "$TROVE" -j 2 > "$OUTD/full.out" 2> "$OUTD/full.err" || rc=$?
echo "$rc" > "$OUTD/full.rc"
df -k "$MNT" | tail -1 > "$OUTD/df.txt"
rc=0
"$DAFTAR" verify "$MNT/case" > "$OUTD/verify1.out" 2>&1 || rc=$?
echo "$rc" > "$OUTD/verify1.rc"
mount -o remount,size=400m "$MNT"
rc=0
"$DAFTAR" ingest "$MNT/case" "$TROVE" -j 2 --json > "$OUTD/resume.json" 2> "$OUTD/resume.err" || rc=$?
echo "$rc" > "$OUTD/resume.rc"
rc=0
"$DAFTAR" verify "$MNT/case" > "$OUTD/verify2.out" 2>&1 || rc=$?
echo "$rc" > "$OUTD/verify2.rc"
"$DAFTAR" status "$MNT/case" --json > "$OUTD/status.json"
find "$MNT/case/blobs/tmp" -type f | wc -l > "$OUTD/tmpblobs"
cp "$MNT/case/store.db" "$OUTD/store.db"
echo mounted > "$OUTD/state"
EOF
if command -v unshare >/dev/null &&
  MNT="$mnt" OUTD="$T/df" TROVE="$dtr" DAFTAR="$DAFTAR" $ns bash "$T/df/inner.sh" 2>"$T/df/ns.err" &&
  [ "$(cat "$T/df/state" 2>/dev/null)" = mounted ]; then
  echo "# disk full: $(cat "$T/df/full.err" | head -3)"
  eq "disk full: ingest exits 1" "$(cat "$T/df/full.rc")" 1
  contains "disk full: the error says the disk is full" "$(cat "$T/df/full.err")" "No space left on device"
  eq "disk full: the case still verifies" "$(cat "$T/df/verify1.rc")" 0
  eq "space back: the same ingest completes" "$(cat "$T/df/resume.rc")" 0
  eq "space back: verify ok" "$(cat "$T/df/verify2.rc")" 0
  eq "space back: nothing pending" "$(jq .pending "$T/df/status.json")" 0
  eq "space back: no temporary blobs left" "$(cat "$T/df/tmpblobs")" 0
  mkdir -p "$T/dcase" && cp "$T/df/store.db" "$T/dcase/store.db"
  case_dump "$T/dcase" > "$T/dcase.dump"
  if cmp -s "$T/dref.dump" "$T/dcase.dump"; then
    ok "space back: same documents, texts and locations as an uninterrupted run"
  else
    not_ok "space back: differs from the uninterrupted run: $(diff "$T/dref.dump" "$T/dcase.dump" | head -5 | tr '\n' ' ')"
  fi
else
  echo "# SKIP disk full: cannot mount a small tmpfs here ($ns: $(head -c 200 "$T/df/ns.err"))"
fi

# ---- 3. concurrent readers during an ingest
R="$T/case-readers"
d init "$R" >/dev/null
"$DAFTAR" ingest "$R" "$tr" -j 2 >/dev/null 2>&1 &
ipid=$!
reads=0 bad=0 last=0 decreased=0
while kill -0 "$ipid" 2>/dev/null; do
  if s=$(d status "$R" --json 2>/dev/null) && n=$(printf '%s' "$s" | jq -e .documents 2>/dev/null); then
    [ "$n" -lt "$last" ] && decreased=$((decreased + 1))
    last=$n
  else
    bad=$((bad + 1))
  fi
  if ! d search "$R" 'letter' --json 2>/dev/null | jq -e .total >/dev/null 2>&1; then bad=$((bad + 1)); fi
  reads=$((reads + 2))
done
wait "$ipid"
echo "# concurrent readers: $reads reads during the ingest, last count $last"
check "concurrent readers: some reads happened during the ingest" [ "$reads" -ge 4 ]
eq "concurrent readers: every read succeeded with valid JSON" "$bad" 0
eq "concurrent readers: the document count never went down" "$decreased" 0
case_consistent "after the read-while-write ingest" "$R"
finish
