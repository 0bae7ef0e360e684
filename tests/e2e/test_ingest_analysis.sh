#!/usr/bin/env bash
# test_ingest_analysis.sh - the extraction workers sign each text, scan
# it for entities and analyse it for the full-text index during the ingest
# (src/ingest/analysis.c), and the case ends exactly as when the parent
# does it all (DAFTAR_WORKER_ANALYSIS_MAX=0: the parent signs, analyses and
# the entity pass scans, as before; the index decoded by ix_dump.py, every
# posting and position, the same), or some of both
# (a bound that leaves the longer texts to the parent), or with
# --no-entities and a later `daftar entities`; mentions stored by a run
# killed before the resolution are resolved by the next command.
source "$(dirname "$0")/lib.sh"

tr="$T/trove"
bash "$(dirname "$0")/make-small-trove.sh" "$tr"
mkdir -p "$tr/letters/more"
cat > "$tr/letters/more/letter-en.txt" <<'EOF'
From: Abu Muhammad al-Adnani <adnani@example.org>
Date: 15 March 2016

Brother Abu Bakr al-Baghdadi met Omar al-Shishani in Raqqa on 6 Jumada al-Akhirah 1437.
Send 1,500 USD to IBAN DE89370400440532013000 and call +963 944 123 456.
EOF
cat > "$tr/letters/more/letter-ar.txt" <<'EOF'
من أبو محمد العدناني إلى الأخ أبو بكر البغدادي
التاريخ: ١٤٣٧/٦/٦ هـ
نرجو تحويل مبلغ ٥٠٠ دولار إلى مكتب الرقة.
EOF
for i in $(seq 1 40); do
  printf 'Report %d: the convoy left Deir ez-Zor for Raqqa on %d May 2016; Omar al-Shishani signed it.\n%s\n' \
    "$i" $((i % 28 + 1)) "$(seq -s ' ' "$i" $((i + 30)))" > "$tr/letters/more/r$i.txt"
done

ingest() { # CASE [ENV=VALUE...] -- [OPTIONS...]: ingest the trove, --json on stdout, log in CASE.log
  local c=$1
  shift
  local -a envs=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  d init "$c" >/dev/null
  env "${envs[@]}" "$DAFTAR" -v ingest "$c" "$tr" -j 2 --json "$@" 2>"$c.log"
}

W="$T/workers" P="$T/parent" M="$T/mixed" N="$T/noent"
out_w=$(ingest "$W" --)
out_p=$(ingest "$P" DAFTAR_WORKER_ANALYSIS_MAX=0 --)
out_m=$(ingest "$M" DAFTAR_WORKER_ANALYSIS_MAX=200 --)
ingest "$N" -- --no-entities >/dev/null

texts=$(case_sql "$W" "SELECT count(*) FROM texts")
check "the trove has texts with entities ($texts texts, $(case_sql "$W" "SELECT count(*) FROM mentions") mentions)" \
  test "$texts" -gt 40 -a "$(case_sql "$W" "SELECT count(*) FROM mentions")" -gt 100
eq "the workers scanned the texts that extracted well" \
  "$(grep -o 'the workers scanned [0-9]* texts' "$W.log" | grep -o '[0-9]*')" \
  "$(case_sql "$W" "SELECT count(*) FROM texts t JOIN documents d ON d.id = t.doc_id WHERE d.status = 'ok'")"
eq "... and the entity pass after them nothing of those" \
  "$(grep -o 'entities: [0-9]* texts' "$W.log" | grep -o '[0-9]*')" \
  "$(case_sql "$W" "SELECT count(*) FROM texts t JOIN documents d ON d.id = t.doc_id WHERE d.status <> 'ok'")"
eq "every text counted once as scanned (workers + pass)" "$(jqv "$out_w" .entities.scanned)" "$texts"
eq "with the bound at 0 the workers scanned nothing" \
  "$(grep -o 'the workers scanned [0-9]* texts' "$P.log" | grep -o '[0-9]*')" 0
eq "... the entity pass scanned every text" "$(jqv "$out_p" .entities.scanned)" "$texts"
m_workers=$(grep -o 'the workers scanned [0-9]* texts' "$M.log" | grep -o '[0-9]*')
check "with a bound of 200 bytes, some texts each way ($m_workers by the workers)" \
  test "$m_workers" -gt 0 -a "$m_workers" -lt "$texts"
eq "the same entities found either way" "$(jqv "$out_w" .entities.mentions)" "$(jqv "$out_p" .entities.mentions)"
eq "the workers analysed the texts that extracted well for the index" \
  "$(grep -o 'analysed [0-9]* for the index' "$W.log" | grep -o '[0-9]*')" \
  "$(case_sql "$W" "SELECT count(*) FROM texts t JOIN documents d ON d.id = t.doc_id WHERE d.status = 'ok'")"
eq "... with the bound at 0 none" "$(grep -o 'analysed [0-9]* for the index' "$P.log" | grep -o '[0-9]*')" 0

# the index: the same postings, positions, norms and totals however the
# work was shared (the segments differ from run to run, the postings not)
python3 "$(dirname "$0")/ix_dump.py" "$P/store.db" >"$T/parent.ix"
check "the parent's index has postings with positions ($(grep -c '^post' "$T/parent.ix") postings)" \
  test "$(grep -c '^post .* [0-9]*,[0-9]' "$T/parent.ix")" -gt 100
for c in W M; do
  python3 "$(dirname "$0")/ix_dump.py" "${!c}/store.db" >"$T/$c.ix"
  if cmp -s "$T/parent.ix" "$T/$c.ix"; then
    ok "$c: the index is the parent's, posting for posting"
  else
    not_ok "$c: the index differs from the parent's: $(diff "$T/parent.ix" "$T/$c.ix" | head -6 | tr '\n' ' ')"
  fi
done

case_dump "$P" >"$T/parent.dump"
for c in W M; do
  case_dump "${!c}" >"$T/$c.dump"
  if cmp -s "$T/parent.dump" "$T/$c.dump"; then
    ok "$c: the same signatures, mentions and entities as the parent alone ($(grep -c . "$T/$c.dump") rows)"
  else
    not_ok "$c: differs from the parent alone: $(diff "$T/parent.dump" "$T/$c.dump" | head -6 | tr '\n' ' ')"
  fi
done
eq "dups: the same clusters" "$(d dups "$W" --json | jq -c .clusters)" "$(d dups "$P" --json | jq -c .clusters)"

# --no-entities: the workers do not scan; `daftar entities` then does
eq "--no-entities: no mentions" "$(case_sql "$N" "SELECT count(*) FROM mentions")" 0
eq "... daftar entities scans every text" "$(d entities "$N" --json | jq .scanned)" "$texts"
case_dump "$N" >"$T/N.dump"
check "... and the case is the same" cmp -s "$T/parent.dump" "$T/N.dump"

# a run killed after the mentions were committed and before the resolution
# leaves them unresolved (version negated, no entities): the next command
# resolves, and the one after has nothing to do
case_sql "$W" "UPDATE entity_state SET version = -abs(version); DELETE FROM entity_edges;
               DELETE FROM entity_variants; DELETE FROM entities;"
eq "the killed state: no entities, mentions unresolved" \
  "$(case_sql "$W" "SELECT count(*) FROM entities"),$(case_sql "$W" "SELECT count(*) > 0 FROM entity_state WHERE version < 0")" "0,1"
d -v ingest "$W" "$tr" -j 2 --json >"$T/again.json" 2>"$T/again.log"
eq "the next ingest adds nothing" "$(jq .documents_added "$T/again.json")" 0
contains "... and resolves what the killed run stored" "$(cat "$T/again.log")" "entities resolved"
case_dump "$W" >"$T/W2.dump"
check "... the case is the uninterrupted one" cmp -s "$T/parent.dump" "$T/W2.dump"
d -v entities "$W" --json >/dev/null 2>"$T/third.log"
contains "a third command has nothing to resolve" "$(cat "$T/third.log"; echo '(end)')" "(end)"
eq "... and logs no resolution" "$(grep -c 'resolved' "$T/third.log")" 0

for c in "$W" "$P" "$M" "$N"; do status_is "verify $(basename "$c")" 0 d verify "$c"; done
finish
