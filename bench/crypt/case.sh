#!/usr/bin/env bash
# case.sh - an encrypted case against the same case in the clear, same run,
# end to end through the daftar command (issue #22: at most 15 % slower;
# docs/SECURITY.md has the figures). bench/crypt/run.sh, beside it, measures
# the encrypting SQLite VFS alone.
#
#   bash bench/crypt/case.sh [--runs N] [--small-files N] [--large-mb N] [--jobs N] [--work DIR]
#
# Makes the ingest benchmark's corpus (bench/make-corpus.sh: small/ and
# large/), then, N times (default 2) and alternating so that both see the
# same machine: `daftar ingest` of each folder into a fresh case in the
# clear and into a fresh encrypted case (the passphrase by --key-file, with
# the real Argon2id limits: its unlock is part of the encrypted wall time),
# best run kept; `init` is not timed. Then the same queries on both
# cases, each twice, summing the search time the command reports
# (took_ms: the search itself; a command on an encrypted case also spends
# about 1 s unlocking, once, which the workbench pays once at start).
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
    --work) work=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--small-files N] [--large-mb N] [--jobs N] [--work DIR]" >&2; exit 2 ;;
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

bash "$repo/bench/make-corpus.sh" "$work/corpus" --small-files "$small_files" --large-mb "$large_mb" >&2

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
done

queries=(report water "pressure distribution" المملكة الرياض "flow AND boundary" "heat transfer" وزارة
  "النفط" "shock wave" aircraft "مجلس الوزراء")
sum_took() {
  local c=$1 total=0 q ms
  for _ in 1 2; do
    for q in "${queries[@]}"; do
      ms=$("$DAFTAR" search "$c" "$q" --limit 20 --json --key-file "$key" | jq .took_ms)
      total=$(awk -v a="$total" -v b="$ms" 'BEGIN { print a + b }')
    done
  done
  printf '%s' "$total"
}
c=$(sum_took "$work/clear-small")
e=$(sum_took "$work/enc-small")
printf '| search: %d queries x 2 on small/ (ms, took_ms summed) | %.1f | %.1f | %s |\n' "${#queries[@]}" "$c" "$e" \
  "$(ratio "$c" "$e")"
cmd_time() {
  local t0 t1
  t0=$(now)
  "$DAFTAR" status "$1" --key-file "$key" >/dev/null
  t1=$(now)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }'
}
printf '| one command: status (s; encrypted: with the unlock) | %s | %s | |\n' \
  "$(cmd_time "$work/clear-small")" "$(cmd_time "$work/enc-small")"
printf '\nencrypted database: %s\n' "$("$DAFTAR" status "$work/enc-small" --key-file "$key" --json | jq .encrypted.database)"
