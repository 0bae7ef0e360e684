#!/usr/bin/env bash
# kill -9 at several moments of an ingest, then the same command again: the
# case must end as an uninterrupted run leaves it (same documents, texts,
# locations, signatures, entity mentions and entities, forms' records,
# nothing doubled; lib.sh's case_dump) and verify must pass.
source "$(dirname "$0")/lib.sh"
tr="$T/trove"
bash "$(dirname "$0")/make-small-trove.sh" "$tr"
# enough work that a kill lands in the middle: 1500 files, zips of 300
for i in $(seq 1 1500); do
  dir="$tr/bulk/$((i % 30))"
  mkdir -p "$dir"
  printf 'letter %d\nرسالة رقم %d عن الرقة\n%s\n' "$i" "$i" "$(seq -s ' ' "$i" $((i + 40)))" > "$dir/l$i.txt"
done
for z in 1 2 3; do
  mkdir -p "$T/zsrc$z"
  for i in $(seq 1 300); do printf 'zip %d member %d\n' "$z" "$i" > "$T/zsrc$z/m$i.txt"; done
  (cd "$T/zsrc$z" && zip -qX "$tr/bulk/archive$z.zip" ./*.txt)
done

# filled forms of one template: the end of the ingest stores their records
python3 "$(dirname "$0")/../../bench/forms/make_forms.py" "$T/forms" --only-template en_personnel --count 40 \
  --letters 0 --families 0 --seed 7 >/dev/null 2>&1
mv "$T/forms/files" "$tr/forms"

# A canonical dump of a case, independent of document ids: case_dump
# (lib.sh; through the encrypting VFS when the case is encrypted, e2e-enc/)

REF="$T/ref"
d init "$REF" >/dev/null
t0=$(date +%s%N)
d ingest "$REF" "$tr" --batch march -j 2 >/dev/null
ref_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
case_dump "$REF" > "$T/ref.dump"
ndocs=$(d status "$REF" --json | jq .documents)
check "reference run has the bulk" [ "$ndocs" -gt 2400 ]
check "reference run stored the forms' records" grep -q '^forms|1|40|' "$T/ref.dump"

# kill at these fractions of the reference run's time (commits come every
# 2 s, so the custody log grows in steps: time is the better clock)
for frac in 3 15 35 60 85 97; do
  C="$T/case-$frac"
  d init "$C" >/dev/null
  "$DAFTAR" ingest "$C" "$tr" --batch march -j 2 >/dev/null 2>&1 &
  pid=$!
  sleep "$(awk -v ms="$ref_ms" -v f="$frac" 'BEGIN { printf "%.3f", ms * f / 100 / 1000 }')"
  killed=no
  if kill -9 "$pid" 2>/dev/null; then killed=yes; fi
  wait "$pid" 2>/dev/null || true
  # a second kill in the resumed run, early, for good measure
  if [ "$frac" = 35 ]; then
    "$DAFTAR" ingest "$C" "$tr" --batch march -j 2 >/dev/null 2>&1 &
    pid=$!
    sleep 0.3
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  # the batch is resumed if the kill left it open; a run that had finished
  # leaves it closed, and the same command then opens an empty batch 2
  open=$(case_sql "$C" "SELECT count(*) FROM batches WHERE closed_at IS NULL")
  nb=$(case_sql "$C" "SELECT count(*) FROM batches")
  out=$(d ingest "$C" "$tr" --batch march -j 2 --json)
  if [ "$open" = 1 ] || [ "$nb" = 0 ]; then
    eq "kill at ${frac}% (killed=$killed): resumed the same batch" "$(jqv "$out" .batch)" 1
  else
    eq "kill at ${frac}% (killed=$killed, run had finished): nothing added" "$(jqv "$out" .documents_added)" 0
  fi
  case_dump "$C" > "$T/case.dump"
  if cmp -s "$T/ref.dump" "$T/case.dump"; then
    ok "kill at ${frac}%: same documents, locations, texts and entities as an uninterrupted run"
  else
    not_ok "kill at ${frac}%: case differs from the uninterrupted run: $(diff "$T/ref.dump" "$T/case.dump" | head -5 | tr '\n' ' ')"
  fi
  status_is "kill at ${frac}%: verify ok" 0 d verify "$C"
  eq "kill at ${frac}%: no temporary blobs left" "$(find "$C/blobs/tmp" -type f | wc -l)" 0
  eq "kill at ${frac}%: nothing pending" "$(d status "$C" --json | jq .pending)" 0
  rm -rf "$C"
done
finish
