#!/usr/bin/env bash
# case.sh - an encrypted case against the same case in the clear, same run,
# end to end through the daftar command (issue #22: at most 15 % slower;
# docs/SECURITY.md has the figures). bench/crypt/run.sh, beside it, measures
# the encrypting SQLite VFS alone.
#
#   bash bench/crypt/case.sh [--runs N] [--small-files N] [--large-mb N] [--jobs N] [--work DIR]
#                            [--search-only]   (the cases a run with --work DIR left there)
#
# Makes the ingest benchmark's corpus (bench/make-corpus.sh: small/ and
# large/), then, N times (default 2) and alternating so that both see the
# same machine: `daftar ingest` of each folder into a fresh case in the
# clear and into a fresh encrypted case (the passphrase by --key-file, with
# the real Argon2id limits: its unlock is part of the encrypted times),
# best run kept; `init` is not timed. The unlock alone: `status` on each
# case, median of 5, encrypted less clear (CPU). Then the same queries on
# both cases, 3 times, one `daftar search` command each, the cases in
# turn: took_ms (the search itself) and each command's CPU and wall time
# summed; the same on a copy of the encrypted case whose key slot has
# Argon2id at its cheapest, which is the search's own cost without the
# unlock; and the same queries through `daftar serve` on each case (it
# unlocks once, at start), both servers asked in turn.
# Prints a Markdown table.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=2
small_files=4000
large_mb=256
jobs=2
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --small-files) small_files=$2; shift 2 ;;
    --large-mb) large_mb=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --work) work=$2; keep_work=1; shift 2 ;;
    --search-only) search_only=1; shift ;;
    *) echo "usage: $0 [--runs N] [--small-files N] [--large-mb N] [--jobs N] [--work DIR] [--search-only]" >&2; exit 2 ;;
  esac
done
DAFTAR=${DAFTAR:-$repo/build/daftar}
[ -x "$DAFTAR" ] || { echo "no daftar binary at $DAFTAR (make build)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (Debian package time)" >&2; exit 1; }
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/daftar-crypt-bench.XXXXXX")
  trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
fi
unset DAFTAR_TEST_PWHASH_LIMITS
key="$work/key"
printf 'a benchmark passphrase\n' > "$key"

if [ -n "${search_only:-}" ]; then
  [ -d "$work/clear-small" ] && [ -d "$work/enc-small" ] || { echo "--search-only: no cases in --work DIR" >&2; exit 2; }
else
  bash "$repo/bench/make-corpus.sh" "$work/corpus" --small-files "$small_files" --large-mb "$large_mb" >&2
fi

now() { date +%s.%N; }
# ingest_time CASE DIR [init options]: "WALL CPU" seconds of the ingest
# (CPU: user + system of daftar and its workers; on a shared, loaded
# machine the steadier of the two)
ingest_time() {
  local c=$1 dir=$2
  shift 2
  chmod -R u+w "$c" 2>/dev/null || true
  rm -rf "$c"
  "$DAFTAR" init "$c" "$@" >/dev/null
  /usr/bin/time -f '%e %U %S' -o "$work/time" \
    "$DAFTAR" ingest "$c" "$dir" -j "$jobs" --no-entities --key-file "$key" >/dev/null 2>&1
  awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$work/time"
}
# best COLUMN "W C" ...: the smallest of column 1 (wall) or 2 (CPU)
best() {
  local col=$1
  shift
  printf '%s\n' "$@" | awk -v c="$col" '{ print $c }' | sort -g | head -1
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b / a }'; }

printf '| what | clear | encrypted | encrypted / clear |\n|---|---|---|---|\n'
for part in small large; do
  [ -z "${search_only:-}" ] || break
  clear_t=() enc_t=()
  for _ in $(seq "$runs"); do
    clear_t+=("$(ingest_time "$work/clear-$part" "$work/corpus/$part")")
    enc_t+=("$(ingest_time "$work/enc-$part" "$work/corpus/$part" --encrypt --key-file "$key")")
  done
  for col in 1 2; do
    c=$(best "$col" "${clear_t[@]}")
    e=$(best "$col" "${enc_t[@]}")
    printf '| ingest %s/: %s s, best of %d | %s | %s | %s |\n' "$part" "$([ "$col" = 1 ] && echo wall || echo CPU)" \
      "$runs" "$c" "$e" "$(ratio "$c" "$e")"
  done
  eval "ingest_cpu_clear_$part=$c ingest_cpu_enc_$part=$e"
done

# cpu_of CMD...: "WALL CPU" seconds of one command (CPU: user + system)
cpu_of() {
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" >/dev/null 2>&1
  awk '{ printf "%.3f %.3f", $1, $2 + $3 }' "$work/time"
}
# median COLUMN "W C" ...
median() {
  local col=$1
  shift
  printf '%s\n' "$@" | awk -v c="$col" '{ print $c }' | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# The unlock alone: `status` does almost nothing else, so its CPU time on
# the encrypted case less that on the clear one is one Argon2id derivation
# (and the key slots' and the database's first page). Median of 5.
st_clear=() st_enc=()
for _ in 1 2 3 4 5; do
  st_clear+=("$(cpu_of "$DAFTAR" status "$work/clear-small" --key-file "$key")")
  st_enc+=("$(cpu_of "$DAFTAR" status "$work/enc-small" --key-file "$key")")
done
unlock=$(awk -v a="$(median 2 "${st_clear[@]}")" -v b="$(median 2 "${st_enc[@]}")" 'BEGIN { printf "%.3f", b - a }')
printf '| one command: status, wall s (median of 5; encrypted: with the unlock) | %s | %s | |\n' \
  "$(median 1 "${st_clear[@]}")" "$(median 1 "${st_enc[@]}")"
printf '| one command: status, CPU s (median of 5) | %s | %s | |\n' "$(median 2 "${st_clear[@]}")" "$(median 2 "${st_enc[@]}")"
printf '| the unlock: CPU s (status encrypted less clear) | | %s | |\n' "$unlock"
for part in small large; do
  [ -z "${search_only:-}" ] || break
  eval "c=\$ingest_cpu_clear_$part e=\$ingest_cpu_enc_$part"
  e1=$(awk -v e="$e" -v u="$unlock" 'BEGIN { printf "%.2f", e - u }')
  printf '| ingest %s/: CPU s less the one unlock | %s | %s | %s |\n' "$part" "$c" "$e1" "$(ratio "$c" "$e1")"
done

queries=(report water "pressure distribution" المملكة الرياض "flow AND boundary" "heat transfer" وزارة
  "النفط" "shock wave" aircraft "مجلس الوزراء")
# The encrypted case's search work without its unlock: a copy of it whose
# one key slot has Argon2id at its cheapest (key add under
# DAFTAR_TEST_PWHASH_LIMITS, then the real slot removed): the same pages,
# the same ciphertext, an unlock of a few milliseconds.
chmod -R u+w "$work/enc-cheap" 2>/dev/null || true
rm -rf "$work/enc-cheap"
cp -a "$work/enc-small" "$work/enc-cheap"
printf 'a cheap benchmark passphrase\n' > "$work/cheap-key"
DAFTAR_TEST_PWHASH_LIMITS=1:8192 "$DAFTAR" key add "$work/enc-cheap" --key-file "$key" --new-key-file "$work/cheap-key" >/dev/null
"$DAFTAR" key remove "$work/enc-cheap" 1 --key-file "$work/cheap-key" >/dev/null

# one_search CASE KEYFILE QUERY: "TOOK_MS CPU_MS WALL_MS" of one `daftar
# search` command (a new process: SQLite's page cache starts empty, so
# every page the search touches is read and, encrypted, opened). CPU by
# perf stat's task-clock when perf is there (/usr/bin/time counts in 10 ms
# steps, a search takes about 30).
one_search() {
  local t0 t1 cpu
  t0=$(date +%s%N)
  if command -v perf >/dev/null; then
    perf stat -x, -e task-clock -o "$work/perf" "$DAFTAR" search "$1" "$3" --limit 20 --json --key-file "$2" > "$work/out"
    t1=$(date +%s%N)
    cpu=$(awk -F, '$3 == "task-clock" || $3 ~ /task-clock/ { print $1; exit }' "$work/perf")
  else
    /usr/bin/time -f '%U %S' -o "$work/time" "$DAFTAR" search "$1" "$3" --limit 20 --json --key-file "$2" > "$work/out"
    t1=$(date +%s%N)
    cpu=$(awk '{ print ($1 + $2) * 1000 }' "$work/time")
  fi
  printf '%s %s %s\n' "$(jq -e .took_ms "$work/out")" "$cpu" "$(( (t1 - t0) / 1000000 ))"
}
# Each query 3 times, the three cases in turn each time (so that all see
# the same moment of this shared machine).
reps=3
: > "$work/s-clear"; : > "$work/s-enc"; : > "$work/s-cheap"
for _ in $(seq "$reps"); do
  for q in "${queries[@]}"; do
    one_search "$work/clear-small" "$key" "$q" >> "$work/s-clear"
    one_search "$work/enc-small" "$key" "$q" >> "$work/s-enc"
    one_search "$work/enc-cheap" "$work/cheap-key" "$q" >> "$work/s-cheap"
  done
done
n=$((reps * ${#queries[@]}))
# col FILE N: the sum of column N; med FILE N: its median
col() { awk -v c="$2" '{ s += $c } END { printf "%.1f", s }' "$1"; }
med() { awk -v c="$2" '{ print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] }'; }
row() { printf '| %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ratio "$2" "$3")"; }
row "search: $n commands on small/, took_ms summed (ms)" "$(col "$work/s-clear" 1)" "$(col "$work/s-enc" 1)"
row "search: $n commands, CPU ms summed (encrypted: an unlock each)" "$(col "$work/s-clear" 2)" "$(col "$work/s-enc" 2)"
row "search: $n commands, wall ms summed (encrypted: an unlock each)" "$(col "$work/s-clear" 3)" "$(col "$work/s-enc" 3)"
row "search without the unlock (cheap key slot): took_ms summed" "$(col "$work/s-clear" 1)" "$(col "$work/s-cheap" 1)"
row "search without the unlock (cheap key slot): CPU ms summed" "$(col "$work/s-clear" 2)" "$(col "$work/s-cheap" 2)"
row "search without the unlock (cheap key slot): CPU ms, median command" "$(med "$work/s-clear" 2)" "$(med "$work/s-cheap" 2)"
row "search without the unlock (cheap key slot): wall ms summed" "$(col "$work/s-clear" 3)" "$(col "$work/s-cheap" 3)"

# The same queries through `daftar serve` on each case, both servers up at
# once and asked in turn; a server unlocks once at start and keeps its
# connections and their page caches: took_ms summed and the wall time of
# the HTTP requests (curl's time_total).
pids=()
serve_stop() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  pids=()
}
trap 'serve_stop; chmod -R u+w "$work" 2>/dev/null; [ -n "${keep_work:-}" ] || rm -rf "$work"' EXIT
# serve_on CASE: start a server; BASE gets its URL
serve_on() {
  local c=$1 port i
  for i in 1 2 3 4 5; do
    port=$((20000 + RANDOM % 30000))
    "$DAFTAR" serve "$c" --listen "127.0.0.1:$port" --key-file "$key" >/dev/null 2>"$work/serve-$i.err" &
    pids+=($!)
    for _ in $(seq 100); do
      grep -q serving "$work/serve-$i.err" 2>/dev/null && break
      kill -0 "${pids[-1]}" 2>/dev/null || break
      sleep 0.1
    done
    if grep -q serving "$work/serve-$i.err"; then BASE="http://127.0.0.1:$port"; return 0; fi
  done
  echo "serve did not start: $(cat "$work/serve-$i.err")" >&2
  return 1
}
serve_on "$work/clear-small"
bc=$BASE
serve_on "$work/enc-small"
be=$BASE
ask() { # ask BASE QUERY >> FILE: "TOOK_MS WALL_MS"
  local t
  t=$(curl -s -o "$work/out" -w '%{time_total}' -G --data-urlencode "q=$2" --data-urlencode limit=20 "$1/api/search")
  printf '%s %s\n' "$(jq -e .took_ms "$work/out")" "$(awk -v t="$t" 'BEGIN { print t * 1000 }')"
}
: > "$work/h-clear"; : > "$work/h-enc"
for _ in $(seq "$reps"); do
  for q in "${queries[@]}"; do
    ask "$bc" "$q" >> "$work/h-clear"
    ask "$be" "$q" >> "$work/h-enc"
  done
done
serve_stop
row "serve: $n searches over HTTP, took_ms summed (ms)" "$(col "$work/h-clear" 1)" "$(col "$work/h-enc" 1)"
row "serve: $n searches over HTTP, wall ms summed (curl)" "$(col "$work/h-clear" 2)" "$(col "$work/h-enc" 2)"
printf '\nencrypted database: %s; store.db: clear %s bytes, encrypted %s bytes\n' \
  "$("$DAFTAR" status "$work/enc-small" --key-file "$key" --json | jq .encrypted.database)" \
  "$(stat -c %s "$work/clear-small/store.db")" "$(stat -c %s "$work/enc-small/store.db")"
