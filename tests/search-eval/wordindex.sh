#!/usr/bin/env bash
# wordindex.sh TROVE [SUBDIR]: one line a word occurrence, "path<TAB>position<TAB>
# word as written<TAB>normalised word", for the .txt files under TROVE/SUBDIR.
# The normalisation is written here from ../shared/ARABIC.md, independently of
# daftar's analyzer: lower case, tashkeel and tatweel dropped, alef forms →
# ا, ى → ي, ة → ه, ؤ → و, ئ → ي, Persian ک ی → ك ي, Arabic-Indic and Persian
# digits → ASCII. Used only by gen-queries.sh to find words whose truth is exact.
set -euo pipefail
TROVE=${1:?usage: wordindex.sh TROVE [SUBDIR]}
SUB=${2:-.}
cd "$TROVE"
find "$SUB" -name '*.txt' | sed 's|^\./||' | LC_ALL=C sort | while read -r p; do
  printf '\036%s\037' "$p"; cat "$p"
done | jq -Rrs '
  def norm: ascii_downcase
    | gsub("[\u064B-\u0655\u0670\u0640\u06D6-\u06ED]"; "")
    | gsub("[أإآٱ]"; "ا") | gsub("ى"; "ي") | gsub("ة"; "ه") | gsub("ؤ"; "و")
    | gsub("ئ"; "ي") | gsub("ک"; "ك") | gsub("ی"; "ي")
    | explode | map(if . >= 1632 and . <= 1641 then . - 1632 + 48
                    elif . >= 1776 and . <= 1785 then . - 1776 + 48 else . end) | implode;
  split("\u001e")[1:][] | split("\u001f") as [$p, $t]
  | [$t | scan("[\\p{L}\\p{M}\\p{N}]+")] | to_entries[]
  | "\($p)\t\(.key)\t\(.value)\t\(.value | norm)"'
