#!/usr/bin/env bash
# A user's clone has no ../shared beside it. Clone HEAD into a folder with
# nothing beside it, configure and build everything (daftar, the tests, the
# trainer, the fuzz harnesses) there, ingest the demo trove with that
# daftar and require that its entities include people (the committed NER
# models at work); then run the clone's tests that need the corpora and
# require ctest to report them as skipped, not failed.
source "$(dirname "$0")/lib.sh"
SRC=${DAFTAR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
if ! git -C "$SRC" rev-parse --verify -q HEAD >/dev/null 2>&1; then
  echo "skipped: $SRC is not a git checkout, so there is no HEAD to clone"
  exit 77
fi
W="$T/alone"         # nothing else in here: no shared/ beside the clone
mkdir -p "$W"
check "git clone of HEAD" git clone -q --no-hardlinks "$SRC" "$W/daftar"
eq "no ../shared beside the clone" "$(ls -A "$W")" "daftar"
B="$W/daftar/build"
# Debug: no optimiser, the quickest full build; -Werror as in make
if cmake -S "$W/daftar" -B "$B" -DCMAKE_BUILD_TYPE=Debug >"$T/configure.log" 2>&1; then
  ok "cmake configures without ../shared"
else
  not_ok "cmake configures without ../shared: $(tail -20 "$T/configure.log")"; finish; exit 1
fi
if cmake --build "$B" -j "${DAFTAR_TEST_JOBS:-2}" >"$T/build.log" 2>&1; then
  ok "everything builds without ../shared"
else
  not_ok "everything builds without ../shared: $(grep -m5 -E 'error|Error' "$T/build.log")"; finish; exit 1
fi
for f in daftar daftar-train models/ner-en.model models/ner-ar.model unit_entities_test_ner fuzz_text; do
  check "built: $f" test -s "$B/$f"
done
cmp -s "$B/models/ner-en.model" "$SRC/models/ner-en.model" && ok "the English model is the committed one" \
  || not_ok "the English model is the committed one"

DD="$B/daftar"
check "the demo trove is made" bash "$W/daftar/scripts/make-demo-trove.sh" "$T/trove"
check "init" "$DD" init "$T/case"
check "ingest delivery-1" "$DD" ingest "$T/case" "$T/trove/delivery-1" --batch march
check "ingest delivery-2" "$DD" ingest "$T/case" "$T/trove/delivery-2" --batch june
ents=$("$DD" entities "$T/case" --type person --json)
people=$(jqv "$ents" '.entities | length')
echo "# $people people found in the demo trove"
[ "${people:-0}" -ge 5 ] && ok "daftar entities finds people in the demo ($people)" \
  || not_ok "daftar entities finds people in the demo: $people"
contains "al-Adnani among them, in both scripts" "$(jqv "$ents" '[.entities[].variants[]] | join("|")')" "العدناني"
check "verify" "$DD" verify "$T/case"

# the clone's own tests that need the corpora: skipped, and the run passes
rc=0
(cd "$B" && ctest -R 'unit/entities/test_ner|unit/extract/test_pdf|ner/reproduce' >"$T/ctest.log" 2>&1) || rc=$?
grep -E 'Test +#|tests passed|Skipped' "$T/ctest.log" | sed 's/^/# /'
eq "the clone's ctest run passes" "$rc" 0
eq "three tests reported skipped" "$(grep -c '(Skipped)' "$T/ctest.log")" 3
contains "the reason is given" "$(cd "$B" && ctest -R 'ner/reproduce' -V 2>&1)" "skipped: ../shared/corpora not present"
finish
