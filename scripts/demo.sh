#!/usr/bin/env bash
# demo.sh - `make demo`: make the demo trove, ingest its two deliveries as
# two batches, and show what daftar found. Run from the repository root
# after the build (the Makefile does both).
set -euo pipefail
cd "$(dirname "$0")/.."
daftar=${DAFTAR:-build/daftar}
trove=demo-trove
case_dir=demo-case

bash scripts/make-demo-trove.sh "$trove"
rm -rf "$case_dir"
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

say daftar init $case_dir
"$daftar" init "$case_dir"
say daftar ingest $case_dir $trove/delivery-1 --batch march
"$daftar" ingest "$case_dir" "$trove/delivery-1" --batch march
say daftar ingest $case_dir $trove/delivery-2 --batch june
"$daftar" ingest "$case_dir" "$trove/delivery-2" --batch june
say daftar status $case_dir
"$daftar" status "$case_dir"
say daftar docs $case_dir
"$daftar" docs "$case_dir"
say "daftar show $case_dir 'letters.zip!/2016/letter-17.txt' --text"
"$daftar" show "$case_dir" 'letters.zip!/2016/letter-17.txt' --text
say daftar docs $case_dir --batch june
"$daftar" docs "$case_dir" --batch june
say "daftar new $case_dir --batch june"
"$daftar" new "$case_dir" --batch june
say "daftar search $case_dir 'الرقة'"
"$daftar" search "$case_dir" 'الرقة' --limit 3
say "daftar search $case_dir '~Adnani'"
"$daftar" search "$case_dir" '~Adnani' --limit 3
say daftar dups $case_dir
"$daftar" dups "$case_dir"
say "daftar entities $case_dir --type person"
"$daftar" entities "$case_dir" --type person --limit 10
say "daftar entities $case_dir --type date"
"$daftar" entities "$case_dir" --type date --limit 5
printf 'name,aliases,type\n"Abu Muhammad al-Adnani","أبو محمد العدناني",person\nRaqqa,,place\n' > "$case_dir.watchlist.csv"
say "daftar xref $case_dir $case_dir.watchlist.csv"
"$daftar" xref "$case_dir" "$case_dir.watchlist.csv"
say daftar verify $case_dir
"$daftar" verify "$case_dir"
cat <<TXT

The case is in ./$case_dir and the trove in ./$trove. Try:
  $daftar show $case_dir web/article-raqqa-salaries.html --text --json | jq .main_text
  $daftar search $case_dir '"ديوان الزكاة"' --facets
  $daftar entities $case_dir --json | jq .
  $daftar user add $case_dir alice --role editor     # then the workbench asks for a login
  $daftar serve $case_dir                            # the web workbench on http://127.0.0.1:8080/
TXT
# On a terminal, end with the workbench running (Ctrl-C stops it);
# elsewhere (CI, a pipe) only say how to start it.
if [ -t 1 ] && [ -z "${DAFTAR_DEMO_NO_SERVE:-}" ]; then
  say "daftar serve $case_dir   (open http://127.0.0.1:8080/ ; Ctrl-C to stop)"
  exec "$daftar" serve "$case_dir"
fi
