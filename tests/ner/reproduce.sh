#!/usr/bin/env bash
# reproduce.sh - the committed NER models (models/) can be rebuilt: retrain
# both from ../shared/corpora and require the same F1 to 3 decimals on the
# CoNLL-2003 and ANERcorp test splits as the committed files, and the
# committed files together under 8 MB. Skipped (exit 77) where the corpora
# are not present.
#   reproduce.sh DAFTAR-TRAIN CORPORA MODELS
set -uo pipefail
train=$1 corpora=$2 models=$3
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -f "$corpora/conll2003-en/test.txt" ] || [ ! -f "$corpora/anercorp-ar/test.txt" ]; then
  echo "skipped: ../shared/corpora not present ($corpora): cannot retrain the NER models"
  exit 77
fi
tmp="${DAFTAR_TEST_TMP:-/tmp}/ner-reproduce"
rm -rf "$tmp" && mkdir -p "$tmp"
fail=0
size=$(( $(stat -c %s "$models/ner-en.model") + $(stat -c %s "$models/ner-ar.model") ))
echo "committed models: $size bytes"
if [ "$size" -ge $((8 * 1000 * 1000)) ]; then
  echo "FAIL: the committed models take $size bytes, not under 8 MB"; fail=1
fi
bash "$here/../../scripts/train-models.sh" "$train" "$corpora" "$tmp" 2>"$tmp/train.log" || {
  echo "FAIL: training failed"; cat "$tmp/train.log"; exit 1; }
f1() { "$train" eval --model "$1" "$2" 2>/dev/null | awk '/^F1 /{printf "%.3f", $2}'; }
for pair in en:conll2003-en ar:anercorp-ar; do
  lang=${pair%%:*} dir=${pair#*:}
  committed=$(f1 "$models/ner-$lang.model" "$corpora/$dir/test.txt")
  retrained=$(f1 "$tmp/ner-$lang.model" "$corpora/$dir/test.txt")
  same=different; cmp -s "$models/ner-$lang.model" "$tmp/ner-$lang.model" && same=identical
  echo "$lang: committed F1 $committed, retrained F1 $retrained (files $same)"
  if [ -z "$committed" ] || [ "$committed" != "$retrained" ]; then
    echo "FAIL: the $lang model retrained from the corpora does not score as the committed one"; fail=1
  fi
done
[ $fail = 0 ] && echo "ok: the committed models are reproducible"
exit $fail
