# lib.sh - shared helpers for the end-to-end tests: each test sources it,
# gets a fresh folder in $T, and runs the real daftar binary ($DAFTAR).
set -euo pipefail

: "${DAFTAR:?DAFTAR must point at the daftar binary}"
TEST_NAME=$(basename "$0" .sh)
T="${DAFTAR_TEST_TMP:-/tmp}/e2e-$TEST_NAME-$$"
rm -rf "$T"
mkdir -p "$T"
FAILS=0
CHECKS=0
cleanup() {
  chmod -R u+rwX "$T" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

d() { "$DAFTAR" "$@"; }

# The shared corpora (../shared/corpora beside the source): test data this
# team's machines and CI have, a user's clone does not.
CORPORA="${DAFTAR_SHARED:-${DAFTAR_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}/../shared}/corpora"
# needs_corpus REL...: end the test as skipped (exit 77, ctest's Skipped)
# when one of these files or folders of the corpora is absent
needs_corpus() {
  local rel
  for rel in "$@"; do
    if [ ! -e "$CORPORA/$rel" ]; then
      echo "skipped: ../shared/corpora not present ($CORPORA/$rel)"
      exit 77
    fi
  done
}

ok() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
not_ok() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "NOT OK - $*"; }

# check DESCRIPTION COMMAND...: the command must succeed
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# eq DESCRIPTION GOT WANT
eq() {
  if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}

# status_is DESCRIPTION WANT COMMAND...: exit status of the command
status_is() {
  local what=$1 want=$2 got=0
  shift 2
  "$@" >"$T/.out" 2>"$T/.err" || got=$?
  if [ "$got" == "$want" ]; then ok "$what"; else not_ok "$what: exit $got, want $want; stderr: $(head -c 400 "$T/.err")"; fi
}

# contains DESCRIPTION HAYSTACK NEEDLE
contains() {
  case "$2" in
    *"$3"*) ok "$1" ;;
    *) not_ok "$1: '$3' not in '$(printf %s "$2" | head -c 600)'" ;;
  esac
}

# jqv JSON FILTER: one value from JSON text
jqv() { printf '%s' "$1" | jq -r "$2"; }

# serve_start CASE: `daftar serve` on a free loopback port in the
# background (up to 5 tries); sets SERVE_PID, PORT and B (the base URL);
# its stderr goes to $T/serve.err. serve_stop ends it. A test that uses
# them: trap 'serve_stop; cleanup' EXIT.
SERVE_PID=
serve_stop() {
  if [ -n "$SERVE_PID" ]; then
    kill "$SERVE_PID" 2>/dev/null || true
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=
  fi
}
serve_start() {
  local case=$1 i
  for i in 1 2 3 4 5; do
    PORT=$(( 20000 + RANDOM % 30000 ))
    "$DAFTAR" serve "$case" --listen "127.0.0.1:$PORT" 2>"$T/serve.err" &
    SERVE_PID=$!
    for _ in $(seq 50); do
      grep -q serving "$T/serve.err" 2>/dev/null && break
      kill -0 "$SERVE_PID" 2>/dev/null || break
      sleep 0.1
    done
    if grep -q serving "$T/serve.err"; then B="http://127.0.0.1:$PORT"; return 0; fi
    serve_stop
  done
  return 1
}

finish() {
  echo "$TEST_NAME: $((CHECKS - FAILS)) passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}

# ---- helpers for the kill and fault tests (test_killrandom.sh; the same
# corpus and dump as test_killresume.sh)

# make_bulk_trove DIR [N]: the small trove plus N letters (default 1500)
# in 30 folders and three zips of 300 members: a few thousand documents
make_bulk_trove() {
  local tr=$1 n=${2:-1500} i z dir src
  bash "$(dirname "${BASH_SOURCE[0]}")/make-small-trove.sh" "$tr"
  for i in $(seq 1 "$n"); do
    dir="$tr/bulk/$((i % 30))"
    mkdir -p "$dir"
    printf 'letter %d\nرسالة رقم %d عن الرقة\n%s\n' "$i" "$i" "$(seq -s ' ' "$i" $((i + 40)))" > "$dir/l$i.txt"
  done
  for z in 1 2 3; do
    src="$tr.zsrc$z"
    mkdir -p "$src"
    for i in $(seq 1 300); do printf 'zip %d member %d\n' "$z" "$i" > "$src/m$i.txt"; done
    (cd "$src" && zip -qX "$tr/bulk/archive$z.zip" ./*.txt)
    rm -rf "$src"
  done
}

# case_sql CASE SQL: run SQL in the case's database: store.db (through the
# encrypting VFS in an encrypted case, tests/crypt/case-sql.c), or the
# PostgreSQL database of a server-mode case (server.conf); one row a line,
# columns joined by |, as both command-line clients print them
case_sql() {
  if [ -f "$1/server.conf" ]; then
    printf '%s\n' "$2" | psql -X -q -At -v ON_ERROR_STOP=1 "$(grep -m1 '^postgres' "$1/server.conf")" -f -
  elif [ -f "$1/keys" ]; then
    # an encrypted case (tests/crypt/run-e2e.sh): through the encrypting VFS
    "${DAFTAR_CASE_SQL:?DAFTAR_CASE_SQL must point at tests/crypt/case-sql}" "$1" "$2"
  else
    sqlite3 "$1/store.db" "$2"
  fi
}

# case_hold CASE SECONDS: hold the SQLite case's write lock that long
# (BEGIN IMMEDIATE, as another writer would), in the foreground
case_hold() {
  if [ -f "$1/keys" ]; then
    "${DAFTAR_CASE_SQL:?DAFTAR_CASE_SQL must point at tests/crypt/case-sql}" "$1" \
      "BEGIN IMMEDIATE; SELECT sleep_ms($2 * 1000); COMMIT;" >/dev/null
  else
    (printf 'BEGIN IMMEDIATE;\nSELECT 1;\n'; sleep "$2"; printf 'COMMIT;\n') | sqlite3 "$1/store.db" >/dev/null
  fi
}

# case_dump CASE [no-entities]: a canonical dump of a case, independent of
# document ids (documents, locations, text hashes, doubled documents,
# signatures, entity mentions, mentions not yet resolved) and, unless
# no-entities (a case where entities were merged by hand), the entities;
# the forms' templates and records; and how many documents the full-text
# index holds
case_dump() {
  case_sql "$1" "
    SELECT 'doc', coalesce(sha256, path), status, coalesce(type,''), coalesce(error,''), size, depth FROM documents ORDER BY 2;
    SELECT 'loc', coalesce(d.sha256,''), l.path, l.batch_id FROM locations l JOIN documents d ON d.id=l.doc_id ORDER BY 2, 3;
    SELECT 'text', d.sha256, t.sha256 FROM texts t JOIN documents d ON d.id=t.doc_id ORDER BY 2;
    SELECT 'dups', count(*) - count(DISTINCT sha256) FROM documents;
    SELECT 'sig', d.sha256, coalesce(g.norm_sha,''), g.tokens, g.shingles, length(g.minhash) FROM dedup_sigs g
      JOIN documents d ON d.id=g.doc_id ORDER BY 2;
    SELECT 'mention', d.sha256, m.type, m.value, m.start, m.\"end\", m.page FROM mentions m
      JOIN documents d ON d.id=m.doc_id ORDER BY 2, 5, 6, 3, 4;
    SELECT 'unresolved', count(*) FROM entity_state WHERE version < 0;"
  [ "${2:-}" = no-entities ] ||
    case_sql "$1" "SELECT 'entity', type, key, name, mentions, documents FROM entities ORDER BY 2, 3;"
  # the forms' stored templates and records (the end of an ingest stores
  # them: a kill -9 and a resume must leave the same), then the records as
  # `records` shows them, by document hash
  case_sql "$1" "SELECT 'forms', (SELECT count(*) FROM form_templates), (SELECT count(*) FROM form_records), (SELECT count(*) FROM form_fields);"
  case_sql "$1" "SELECT r.doc_id, d.sha256 FROM form_records r JOIN documents d ON d.id = r.doc_id" |
    jq -R -s 'split("\n")|map(select(length>0)|split("|"))|map({key: .[0], value: .[1]})|from_entries' >"$T/.record-ids"
  d records "$1" --format jsonl 2>/dev/null |
    jq -c --slurpfile ids "$T/.record-ids" '"record \($ids[0][.document|tostring]) \(.template) \(.fields|tojson)"' | sort
  # the full-text index: every stored document indexed once (a SQLite
  # case's segments differ from run to run, its document count may not;
  # server mode has a row a document)
  if [ -f "$1/server.conf" ]; then
    case_sql "$1" "SELECT 'index', (SELECT count(*) FROM search), (SELECT count(*) FROM documents WHERE status != 'pending');"
  else
    case_sql "$1" "SELECT 'index', (SELECT value FROM ix_stats WHERE key = 'docs'), (SELECT count(*) FROM documents WHERE status != 'pending');"
  fi
}

# case_consistent WHAT CASE: verify ok, nothing pending, no temporary blobs
case_consistent() {
  status_is "$1: verify ok" 0 d verify "$2"
  eq "$1: nothing pending" "$(d status "$2" --json | jq .pending)" 0
  eq "$1: no temporary blobs left" "$(find "$2/blobs/tmp" -type f 2>/dev/null | wc -l)" 0
}
