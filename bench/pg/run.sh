#!/usr/bin/env bash
# bench/pg/run.sh - the server-mode benchmark (#11): ingest throughput with
# 1, 2 and 4 `daftar worker`s against one PostgreSQL, and search latency of
# the same trove in PostgreSQL mode and in SQLite mode.
#
#   bash bench/pg/run.sh [--keep]
#
# 1. Trove: bench/search/make-corpus.py (real text of ../shared/corpora:
#    SaudiNewsNet articles, Cranfield, CISI, CoNLL, ANERcorp, AQMAR, and
#    documents drawn from their sentences), thinned evenly to exactly N
#    files; queries: every k-th of bench/search/make-queries.py's 1,000
#    (words, two words, phrases, OR, prefixes, path: filters; half Arabic,
#    half English), Q of them.
# 2. Ingest, for each worker count W: a fresh database (pg_new_db) and
#    case (`daftar init --store URL`), `daftar ingest CASE TROVE` (enqueue
#    only, timed apart), then W `daftar worker CASE --exit-when-idle` at
#    once; throughput = documents / (time from the end of the enqueue to
#    the last worker's exit); ratio to 1 worker. The SQLite mode
#    (`daftar ingest -j NPROC`, whole run) is a reference row.
# 3. Search: the last PostgreSQL case and the SQLite case, the same Q
#    queries, one warm-up pass then a timed pass. Through HTTP (`daftar
#    serve`, GET /api/search?limit=10, curl's time_total: connect, request,
#    response; no process start) when `daftar serve` answers on both cases,
#    otherwise `daftar search CASE Q --json --limit 10` (process start to
#    exit, via bench/search/run-daftar.py, which also opens the case each
#    time). The table says which was used. p50 / p99 are nearest-rank.
#
# Prints a Markdown table; raw numbers go to build/bench/pg/ (ingest.tsv,
# search-{sqlite,pg}.tsv, results-DATE.md, env.txt). Everything else lives
# in one temporary folder, removed at exit with the servers stopped (also
# on error or Ctrl-C) unless --keep. The PostgreSQL server is
# tests/pg/pg.sh's (loopback, non-root, fsync off).
#
# Environment: DAFTAR (binary, default build/daftar), DAFTAR_BENCH_DOCS
# (N, default 20000), DAFTAR_BENCH_QUERIES (Q, default 200, at most 1000),
# DAFTAR_BENCH_WORKERS (default "1 2 4"), DAFTAR_BENCH_OUT (default
# build/bench/pg), DAFTAR_WORKER_ARGS (extra arguments for `daftar worker`),
# BENCH_TIMEOUT (seconds allowed to one phase, default 900).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
D=${DAFTAR:-$repo/build/daftar}
N=${DAFTAR_BENCH_DOCS:-20000}
Q=${DAFTAR_BENCH_QUERIES:-200}
WORKERS=${DAFTAR_BENCH_WORKERS:-1 2 4}
OUT=${DAFTAR_BENCH_OUT:-$repo/build/bench/pg}
TIMEOUT=${BENCH_TIMEOUT:-900}
read -r -a WORKER_ARGS <<< "${DAFTAR_WORKER_ARGS:-}"
keep=0
case "${1:-}" in
  --keep) keep=1 ;;
  -h | --help) sed -n '2,41p' "$0"; exit 0 ;;
  "") ;;
  *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
esac

say() { printf '[bench-pg %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# ---- preflight ----------------------------------------------------------------
[ -x "$D" ] || die "no daftar binary at $D (make, or set DAFTAR)"
# the workbench's files, for `daftar serve` of a binary outside the tree
[ -n "${DAFTAR_WEB:-}" ] || [ ! -d "$repo/web" ] || export DAFTAR_WEB="$repo/web"
for t in python3 curl jq awk; do command -v "$t" >/dev/null || die "$t is missing"; done
help=$("$D" --help 2>&1 || true)  # not piped into grep -q: SIGPIPE + pipefail
if ! grep -qE '^[[:space:]]+worker([[:space:]]|$)' <<< "$help"; then
  die "$D has no 'worker' command yet (server mode, #11): nothing to measure"
fi
{ [ "$Q" -ge 1 ] && [ "$Q" -le 1000 ]; } || die "DAFTAR_BENCH_QUERIES must be 1..1000"
# shellcheck source=../../tests/pg/pg.sh
source "$repo/tests/pg/pg.sh"

W=$(mktemp -d "${TMPDIR:-/tmp}/bench-pg.XXXXXX")
mkdir -p "$OUT"
PIDS=()  # workers and servers still to end at exit
cleanup() {
  local rc=$? p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  pg_stop
  if [ "$keep" = 1 ]; then say "kept $W"; else rm -rf "$W"; fi
  return $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
t_all=$(now)

# ---- trove and queries --------------------------------------------------------
say "making the trove ($N documents) and the queries ($Q)"
python3 "$repo/bench/search/make-corpus.py" "$W/trove" --total "$N" 2>"$W/corpus.log" >&2
(cd "$W/trove" && find . -type f | LC_ALL=C sort) > "$W/files"
have=$(wc -l < "$W/files")
[ "$have" -ge "$N" ] || die "make-corpus wrote $have files, fewer than $N"
# keep N evenly spaced files (every folder, so both languages, stays in)
awk -v n="$N" -v h="$have" '{ i = NR - 1; if (int((i + 1) * n / h) == int(i * n / h)) print }' "$W/files" > "$W/drop"
(cd "$W/trove" && tr '\n' '\0' < "$W/drop" | xargs -0 -r rm -f)
ndocs=$(find "$W/trove" -type f | wc -l)
[ "$ndocs" -eq "$N" ] || die "the trove has $ndocs files, not $N"
tsize=$(du -sm "$W/trove" | cut -f1)
python3 "$repo/bench/search/make-queries.py" "$W/trove" "$W/all-queries.tsv" 2>>"$W/corpus.log"
awk -F'\t' -v q="$Q" '{ line[NR] = $0 } END {
    for (i = 0; i < q; i++) print line[int(i * NR / q) + 1] }' "$W/all-queries.tsv" > "$W/queries.tsv"
cp "$W/queries.tsv" "$OUT/queries.tsv"

{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(uname -srm); cpus: $(nproc); memory: $(awk '/MemTotal/ {print $2, $3}' /proc/meminfo)"
  echo "daftar: $D ($(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))"
  echo "postgres: $("$PG_BIN/postgres" --version 2>/dev/null || echo missing)"
  echo "trove: $N files, $tsize MB; queries: $Q; workers: $WORKERS; worker arguments: ${DAFTAR_WORKER_ARGS:-none}"
} > "$OUT/env.txt"

say "starting PostgreSQL"
pg_start bench || die "could not start PostgreSQL (see above)"
trap cleanup EXIT  # our cleanup (it calls pg_stop) after pg_start's

# wait_all TIMEOUT PID...: wait for every PID; 1 if the time ran out (then
# they are killed). Exit codes of the PIDs in WAIT_RC.
wait_all() {
  local limit=$1 start p live rc
  shift
  start=$SECONDS
  while :; do
    live=0
    for p in "$@"; do kill -0 "$p" 2>/dev/null && live=1; done
    [ "$live" = 0 ] && break
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      for p in "$@"; do kill "$p" 2>/dev/null || true; done
      for p in "$@"; do wait "$p" 2>/dev/null || true; done
      return 1
    fi
    sleep 0.1
  done
  WAIT_RC=()
  for p in "$@"; do rc=0; wait "$p" || rc=$?; WAIT_RC+=("$rc"); done
  return 0
}

# ---- ingest ------------------------------------------------------------------
printf 'mode\tworkers\tdocuments\tpending\tfailed\tenqueue_s\twork_s\tdocs_per_s\tdb_mb\tnote\tqueued\n' > "$OUT/ingest.tsv"
declare -A RATE
PGCASE=""
prev=""
for w in $WORKERS; do
  # the previous case is not needed any more: keep the disk free
  if [ -n "$prev" ]; then rm -rf "${W:?}/${prev:?}"; pg_psql -qc "drop database $prev" >/dev/null || true; fi
  db="pg_w$w"
  url=$(pg_new_db "$db")
  C="$W/$db"
  "$D" init --store "$url" "$C" >/dev/null || die "daftar init --store $url failed"
  say "PostgreSQL, $w worker(s): enqueue"
  t0=$(now)
  timeout "$TIMEOUT" "$D" ingest "$C" "$W/trove" --queue-only --no-entities --json > "$W/$db-enqueue.json" 2>"$W/$db-enqueue.err" ||
    die "enqueue failed: $(tail -c 600 "$W/$db-enqueue.err")"
  t1=$(now)
  # the enqueue must leave the documents pending for the workers
  queued=$("$D" status "$C" --json 2>/dev/null | jq -r '.pending // -1' || echo -1)
  say "PostgreSQL, $w worker(s): extract ($queued pending after the enqueue)"
  pids=()
  for i in $(seq "$w"); do
    "$D" worker "$C" --exit-when-idle "${WORKER_ARGS[@]}" >"$W/$db-worker$i.log" 2>&1 &
    pids+=("$!")
  done
  PIDS=("${pids[@]}")
  note=""
  [ "$queued" != 0 ] || note="nothing pending after the enqueue: ingest extracted by itself"
  if ! wait_all "$TIMEOUT" "${pids[@]}"; then
    note="${note:+$note; }timed out after ${TIMEOUT}s"
  else
    for rc in "${WAIT_RC[@]}"; do [ "$rc" = 0 ] || note="${note:+$note; }a worker exited $rc"; done
  fi
  t2=$(now)
  PIDS=()
  st=$("$D" status "$C" --json 2>/dev/null || echo '{}')
  docs=$(jq -r '.documents // -1' <<< "$st")
  pend=$(jq -r '.pending // -1' <<< "$st")
  fail=$(jq -r '.failed // -1' <<< "$st")
  [ "$pend" = 0 ] || note="${note:+$note; }$pend still pending"
  work=$(secs "$t1" "$t2")
  rate=$(awk -v d="$docs" -v s="$work" 'BEGIN { printf "%.1f", (s > 0 ? d / s : 0) }')
  RATE[$w]=$rate
  dbmb=$(pg_psql -Atc "select pg_database_size('$db') / 1048576" 2>/dev/null || echo '?')
  printf 'pg\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$w" "$docs" "$pend" "$fail" "$(secs "$t0" "$t1")" "$work" "$rate" "$dbmb" "$note" "$queued" >> "$OUT/ingest.tsv"
  say "  $docs documents, $pend pending, $fail failed; $work s, $rate docs/s ${note:+($note)}"
  PGCASE=$C
  prev=$db
done

say "SQLite: ingest -j $(nproc) (reference, and the case for search)"
SQCASE="$W/sqlite"
"$D" init "$SQCASE" >/dev/null
t0=$(now)
timeout "$TIMEOUT" "$D" ingest "$SQCASE" "$W/trove" -j "$(nproc)" --no-entities --json > "$W/sqlite-ingest.json" 2>"$W/sqlite-ingest.err" ||
  die "SQLite ingest failed: $(tail -c 600 "$W/sqlite-ingest.err")"
t1=$(now)
st=$("$D" status "$SQCASE" --json)
docs=$(jq -r .documents <<< "$st")
printf 'sqlite\t-j %s\t%s\t%s\t%s\t\t%s\t%s\t\t%s\n' "$(nproc)" "$docs" "$(jq -r .pending <<< "$st")" "$(jq -r .failed <<< "$st")" \
  "$(secs "$t0" "$t1")" "$(awk -v d="$docs" -v s="$(secs "$t0" "$t1")" 'BEGIN { printf "%.1f", d / s }')" "whole ingest (walk, hash, extract, index)" >> "$OUT/ingest.tsv"

# ---- search ------------------------------------------------------------------
# serve_up CASE NAME: `daftar serve` on a free loopback port; sets
# SERVE_URL. Runs in this shell (not in $(...)) so that PIDS, which the
# cleanup ends, gets the server's pid.
serve_up() {
  local c=$1 name=$2 port pid _
  SERVE_URL=""
  for _ in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 40000))
    "$D" serve "$c" --listen "127.0.0.1:$port" >"$W/serve-$name.out" 2>"$W/serve-$name.err" &
    pid=$!
    PIDS+=("$pid")
    for _ in $(seq 100); do
      if curl -fs -o /dev/null "http://127.0.0.1:$port/api/status"; then
        SERVE_URL="http://127.0.0.1:$port"
        return 0
      fi
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  return 1
}

# http_pass BASE OUT: every query through GET /api/search; OUT gets the
# columns of run-daftar.py (kind, ms, took_ms, total, error)
http_pass() {
  local base=$1 out=$2 kind q _ code t
  : > "$out"
  while IFS=$'\t' read -r kind q _; do
    rm -f "$W/resp.json"
    read -r code t < <(curl -s -G --data-urlencode "q=$q" --data limit=10 -o "$W/resp.json" \
      -w '%{http_code} %{time_total}\n' "$base/api/search" || echo "000 0")
    if [ "$code" = 200 ]; then
      jq -r --arg k "$kind" --arg t "$t" '[$k, ($t | tonumber * 1000), (.took_ms // -1), (.total // -1), ""] | @tsv' \
        "$W/resp.json" >> "$out" 2>/dev/null ||
        printf '%s\t%s\t-1\t-1\tnot JSON\n' "$kind" "$(awk -v t="$t" 'BEGIN { print t * 1000 }')" >> "$out"
    else
      printf '%s\t%s\t-1\t-1\tHTTP %s %s\n' "$kind" "$(awk -v t="$t" 'BEGIN { print t * 1000 }')" "$code" \
        "$( (head -c 200 "$W/resp.json" 2>/dev/null || echo 'no answer') | tr '\t\n' '  ')" >> "$out"
    fi
  done < "$W/queries.tsv"
}

method=cli
sq_url="" pg_url=""
serve_up "$SQCASE" sqlite && sq_url=$SERVE_URL
[ -z "$sq_url" ] || { serve_up "$PGCASE" pg && pg_url=$SERVE_URL; }
if [ -n "$sq_url" ] && [ -n "$pg_url" ]; then
  method=http
else
  say "daftar serve does not answer on both cases: timing the CLI instead"
  for m in sqlite pg; do
    [ -s "$W/serve-$m.err" ] && say "  serve ($m): $(tail -c 300 "$W/serve-$m.err" | tr '\n' ' ')"
  done
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  PIDS=()
fi
say "search: $Q queries, $method, warm-up pass then timed pass, SQLite then PostgreSQL"
for mode in sqlite pg; do
  if [ "$method" = http ]; then
    base=$sq_url
    [ "$mode" = pg ] && base=$pg_url
    http_pass "$base" "$W/warm.tsv"
    http_pass "$base" "$OUT/search-$mode.tsv"
    if grep -q $'\tHTTP 000' "$OUT/search-$mode.tsv"; then
      say "  $mode: daftar serve stopped answering: $(tail -c 300 "$W/serve-$mode.err" | tr '\n' ' ')"
    fi
  else
    c=$SQCASE
    [ "$mode" = pg ] && c=$PGCASE
    python3 "$repo/bench/search/run-daftar.py" "$D" "$c" "$W/queries.tsv" "$OUT/search-$mode.tsv"
  fi
done

# ---- report ------------------------------------------------------------------
# stats FILE: p50 p99 mean (ms) and errors, nearest-rank
stats() {
  awk -F'\t' '$5 == "" { print $2 }' "$1" | sort -g | awk -v errs="$(awk -F'\t' '$5 != ""' "$1" | wc -l)" '
    { v[NR] = $1; s += $1 }
    END { if (NR == 0) { print "- | - | - | " errs; exit }
          i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999)
          printf "%.1f | %.1f | %.1f | %d\n", v[i50], v[i99], s / NR, errs }'
}
# took FILE: p50 p99 of daftar's own took_ms
took() {
  awk -F'\t' '$5 == "" && $3 >= 0 { print $3 }' "$1" | sort -g | awk '
    { v[NR] = $1 } END { if (NR == 0) { print "- | -"; exit }
      printf "%.1f | %.1f\n", v[int(NR * 0.50 + 0.999999)], v[int(NR * 0.99 + 0.999999)] }'
}
differ=$(paste "$OUT/search-sqlite.tsv" "$OUT/search-pg.tsv" | awk -F'\t' '$4 != $9' | wc -l)
res="$OUT/results-$(date +%Y%m%d-%H%M%S).md"
{
  echo "## Server mode (#11): $N documents ($tsize MB), $(nproc) CPUs"
  echo
  echo "Ingest: one PostgreSQL 15 (loopback, fsync off), a fresh database each time; work = end of the enqueue to the last worker's exit; each worker: \`daftar worker CASE --exit-when-idle ${DAFTAR_WORKER_ARGS:-}\` (its own default -j unless DAFTAR_WORKER_ARGS says)."
  echo
  echo "| mode | workers | documents | queued | failed | pending | enqueue s | work s | docs/s | × 1 worker | notes |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  awk -F'\t' -v r1="${RATE[1]:-}" 'NR > 1 {
      ratio = ($1 == "pg" && r1 > 0) ? sprintf("%.2f", $8 / r1) : ""
      printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $11, $5, $4, $6, $7, $8, ratio, $10 }' "$OUT/ingest.tsv"
  echo
  echo "Search: $Q queries (words, two words, phrases, OR, prefixes, path: filters; half Arabic), warm, measured through $(
    [ "$method" = http ] && echo "HTTP (GET /api/search?limit=10 on daftar serve, curl time_total)" ||
    echo "the CLI (daftar search --json --limit 10, process start to exit)"); took = daftar's own took_ms."
  echo
  echo "| mode | p50 ms | p99 ms | mean ms | errors | took p50 | took p99 |"
  echo "|---|---|---|---|---|---|---|"
  for mode in sqlite pg; do
    echo "| $([ "$mode" = pg ] && echo PostgreSQL || echo SQLite) | $(stats "$OUT/search-$mode.tsv") | $(took "$OUT/search-$mode.tsv") |"
  done
  echo
  echo "Queries whose total differs between the two modes: $differ of $Q."
  echo
  echo "Whole run: $(secs "$t_all" "$(now)") s. Raw numbers: $OUT/ (ingest.tsv, search-sqlite.tsv, search-pg.tsv, queries.tsv, env.txt)."
} > "$res"
cat "$res"
