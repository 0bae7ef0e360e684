#!/usr/bin/env bash
# test_worker_recycle.sh - a worker leaves after it has used its share of
# CPU (the --timeout), between documents, and the parent starts another.
# Documents must not be lost at that moment: here every document burns
# 0.6 s of CPU and touches 512 MiB (DAFTAR_FAULT=burn, like an OCR worker
# that tears down slowly; the fault also sets the worker's CPU share to
# 1 s), so a worker leaves after every second document. With the leave
# decided after the last frame, the parent handed the
# next document to a worker on its way out and 10 of 50 OCR pages failed
# "extractor ended without an answer".
source "$(dirname "$0")/lib.sh"
F="$T/in"
mkdir -p "$F"
for i in $(seq 1 24); do printf 'burn document %d\n' "$i" > "$F/burn-$i.txt"; done
C="$T/case"
d init "$C" >/dev/null
status_is "ingest exits 0" 0 env DAFTAR_FAULT="burn:burn-" "$DAFTAR" ingest "$C" "$F" -j 2 --timeout 60 --no-entities
docs=$(d docs "$C" --json)
echo "$docs" | jq -r '.documents[] | select(.status != "ok") | "# " + .path + ": " + (.error // "")'
eq "every document extracted, none lost with a leaving worker" \
  "$(jqv "$docs" '[.documents[] | select(.status == "ok")] | length')" 24
contains "their text is there" "$(d show "$C" burn-7.txt --text)" "burn document 7"
finish
