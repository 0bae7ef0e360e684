#!/usr/bin/env bash
# Real documents: ingest all of ../shared/corpora/tika-test-documents (Apache
# Tika's test files: office files, PDFs, mail, archives, a quine zip that
# contains itself, an encrypted 7z, old zip methods). Nothing may crash,
# every failure has a reason, and the case verifies.
source "$(dirname "$0")/lib.sh"
CORPUS="${DAFTAR_SHARED:-$DAFTAR_SRC/../shared}/corpora/tika-test-documents"
if [ ! -d "$CORPUS" ]; then
  not_ok "the shared corpus is missing at $CORPUS"
  finish
  exit 1
fi
C="$T/case"
d init "$C" >/dev/null
out=$(d ingest "$C" "$CORPUS" -j 2 --json)
files=$(find "$CORPUS" -type f | wc -l)
eq "every file seen" "$(jqv "$out" .files_seen)" "$files"
docs=$(d docs "$C" --json)
eq "nothing left pending" "$(jqv "$docs" '[.documents[] | select(.status=="pending")] | length')" 0
eq "every failure has a reason" "$(jqv "$docs" '[.documents[] | select(.status=="failed" and ((.error // "") == ""))] | length')" 0
eq "no extractor crashed or timed out" \
  "$(jqv "$docs" '[.documents[] | select((.error // "") | test("crashed|timed out|sandbox|protocol"))] | length')" 0
contains "the quine zip is not opened again" "$(d show "$C" droste.zip)" "a copy of the archive itself"
eq "the encrypted 7z fails as encrypted" "$(d show "$C" full_encrypted.7z --json | jq -r '.error | test("encrypt")')" true
check "members of archives became documents" [ "$(jqv "$docs" '[.documents[] | select(.parent != null)] | length')" -gt 100 ]
status_is "verify" 0 d verify "$C"
out=$(d ingest "$C" "$CORPUS" --json)
eq "re-run adds nothing" "$(jqv "$out" .documents_added)" 0
finish
