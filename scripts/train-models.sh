#!/usr/bin/env bash
# train-models.sh - train the NER models (docs/NER.md) from the corpora:
# CoNLL-2003 (English), ANERcorp (Arabic), ANETAC and ANERGazet as
# gazetteers. `make models` runs it to retrain models/ in the repository;
# tests/ner/reproduce.sh runs it into a temporary folder.
#   train-models.sh DAFTAR-TRAIN CORPORA OUTDIR
set -euo pipefail
train=$1 corpora=$2 out=$3
anetac="$corpora/anetac-en-ar/EN-AR NE/EN-AR Named-entities.txt"
for f in conll2003-en/train.txt conll2003-en/valid.txt anercorp-ar/train.txt anercorp-ar/dev.txt; do
  if [ ! -f "$corpora/$f" ]; then
    echo "train-models: $corpora/$f is missing: the models are trained from ../shared/corpora" >&2
    exit 1
  fi
done
mkdir -p "$out"
"$train" train --lang en --out "$out/ner-en.model" \
  --dev "$corpora/conll2003-en/valid.txt" --anetac "$anetac" "$corpora/conll2003-en/train.txt"
"$train" train --lang ar --out "$out/ner-ar.model" \
  --dev "$corpora/anercorp-ar/dev.txt" --anetac "$anetac" \
  --anergazet "$corpora/anercorp-ar/ANERGazet" "$corpora/anercorp-ar/train.txt"
ls -l "$out/ner-en.model" "$out/ner-ar.model" >&2
