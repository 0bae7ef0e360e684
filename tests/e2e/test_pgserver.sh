#!/usr/bin/env bash
# Smoke test of tests/pg/pg.sh, the throw-away PostgreSQL server of the
# server-mode tests (#11): it answers on 127.0.0.1 only, runs as a non-root
# uid, holds several databases, and is gone (processes and folder) after
# pg_stop, after a script exits by error, after SIGTERM, and after kill -9
# of its owner (the watchdog). Fails, not skips, without postgresql-15.
source "$(dirname "$0")/lib.sh"
PGLIB="$(cd "$(dirname "$0")/../pg" && pwd)/pg.sh"
# shellcheck source=../pg/pg.sh
source "$PGLIB"

# gone PID DIR: no live process PID, no live process with its cwd in DIR,
# and DIR removed (a zombie waiting for init to reap it counts as gone)
alive() { [ -e "/proc/$1" ] && [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
cwd_users() {
  local p c
  for p in /proc/[0-9]*; do
    c=$(readlink "$p/cwd" 2>/dev/null) || continue
    case "$c" in "$1" | "$1"/* | "$1 (deleted)" | "$1"/*" (deleted)") alive "${p#/proc/}" && echo "${p#/proc/}" ;; esac
  done
  return 0
}
gone() {
  local pid=$1 dir=$2
  for _ in $(seq 100); do  # up to 10 s
    if ! alive "$pid" && [ -z "$(cwd_users "$dir")" ] && [ ! -e "$dir" ]; then return 0; fi
    sleep 0.1
  done
  echo "left: pid $pid alive=$(alive "$pid" && echo yes || echo no), cwd users: $(cwd_users "$dir"), dir exists=$([ -e "$dir" ] && echo yes || echo no)" >&2
  return 1
}

elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
t0=$(date +%s.%N)
before=$(trap -p EXIT)
[ -z "$before" ] || eval "set -- $before"
before=${3:-}
if ! pg_start; then
  not_ok "pg_start (is postgresql-15 installed? scripts/install-deps.sh)"
  finish
  exit 1
fi
ok "pg_start on port $PG_PORT ($(elapsed "$t0") s)"
contains "EXIT trap chains pg_cleanup with lib.sh's" "$(trap -p EXIT)" "pg_cleanup; $before"
eq "PG_URL" "$PG_URL" "postgresql://postgres@127.0.0.1:$PG_PORT/daftar"
case "$PG_DIR" in /tmp/daftar-pg.*) ok "PG_DIR under /tmp" ;; *) not_ok "PG_DIR under /tmp: $PG_DIR" ;; esac
eq "select 1" "$("$PG_BIN/psql" -X "$PG_URL" -Atc 'select 1')" 1
eq "the server's address" "$(pg_psql -Atc 'select inet_server_addr()')" 127.0.0.1

# bound to 127.0.0.1 only: every listening socket on the port is 127.0.0.1
listen=$(ss -Htln "sport = :$PG_PORT" | awk '{print $4}' | sort -u)
eq "listens on 127.0.0.1:$PG_PORT only" "$listen" "127.0.0.1:$PG_PORT"
hexport=$(printf '%04X' "$PG_PORT")
eq "nothing in /proc/net/tcp6 on the port" \
  "$(awk -v p=":$hexport" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p' /proc/net/tcp6 | wc -l)" 0
eq "/proc/net/tcp: 0100007F:$hexport only" \
  "$(awk -v p=":$hexport" 'NR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { print $2 }' /proc/net/tcp)" "0100007F:$hexport"
for ip in $(hostname -I 2>/dev/null || true); do
  case "$ip" in 127.* | *:*) continue ;; esac
  if timeout 3 bash -c "exec 3<>/dev/tcp/$ip/$PG_PORT" 2>/dev/null; then
    not_ok "the port is reachable on $ip"
  else
    ok "the port is not reachable on $ip"
  fi
done

# the server (postmaster and its children) runs as a non-root user that
# owns the data folder
uid=$(stat -c %u "/proc/$PG_PID")
check "postmaster $PG_PID runs as a non-root uid ($uid)" test "$uid" -ne 0
eq "the data folder belongs to the server's uid" "$(stat -c %u "$PG_DATA")" "$uid"
eq "the folder is mode 700" "$(stat -c %a "$PG_DIR")" 700
eq "no child of the postmaster runs as root" "$(ps -o uid= --ppid "$PG_PID" | awk '$1 == 0' | wc -l)" 0
check "the server log is $PG_DIR/log" grep -q "ready to accept connections" "$PG_LOG"

url2=$(pg_new_db second)
eq "pg_new_db URL" "$url2" "postgresql://postgres@127.0.0.1:$PG_PORT/second"
eq "connects to the second database" "$(pg_psql "$url2" -Atc 'select current_database()')" second
pg_psql "$url2" -qc 'create table t (x int); insert into t values (41), (1)'
eq "the second database keeps what it is given" "$(pg_psql "$url2" -Atc 'select sum(x) from t')" 42
status_is "pg_new_db refuses a bad name" 1 pg_new_db 'x; drop'
status_is "pg_start refuses a second server" 1 pg_start

pid=$PG_PID dir=$PG_DIR
pg_stop
check "pg_stop: no process, no folder" gone "$pid" "$dir"
eq "pg_stop clears PG_URL" "$PG_URL" ""
check "pg_stop twice is harmless" pg_stop

# a script that exits by error / is sent SIGTERM / is killed with -9
# (then the watchdog) / gets SIGINT leaves nothing behind. The four run at
# once (initdb takes most of a second each).
child_script='
  set -euo pipefail
  source "$1"
  pg_start
  echo "$PG_PID $PG_DIR" > "$2.info"
  case "$3" in
    error) false ;;
    wait) while :; do sleep 0.1; done ;;
    int) kill -INT $$; sleep 20 ;;
  esac'
declare -A CHILD
for name in error term kill; do
  mode=wait
  [ "$name" = error ] && mode=error
  bash -c "$child_script" child "$PGLIB" "$T/$name" "$mode" >"$T/$name.out" 2>&1 &
  CHILD[$name]=$!
done
# SIGINT runs in the foreground: a background job of a non-interactive
# shell starts with SIGINT ignored, which bash cannot trap (and then this
# case is not run)
if [ -z "$(bash -c 'trap -p INT')" ]; then
  rc=0
  bash -c "$child_script" child "$PGLIB" "$T/int" int >"$T/int.out" 2>&1 || rc=$?
  eq "SIGINT: the script exits 130" "$rc" 130
  read -r cpid cdir < "$T/int.info" || true
  check "SIGINT to the script stops its server" gone "${cpid:-0}" "${cdir:-/nonexistent}"
else
  echo "# SIGINT is ignored here: its case not run"
fi
for name in error term kill; do
  for _ in $(seq 300); do [ -s "$T/$name.info" ] && break; kill -0 "${CHILD[$name]}" 2>/dev/null || break; sleep 0.1; done
done

wait "${CHILD[error]}" || true
read -r cpid cdir < "$T/error.info" || true
check "a script failing under set -e stops its server" gone "${cpid:-0}" "${cdir:-/nonexistent}"

read -r cpid cdir < "$T/term.info" || true
check "the SIGTERM child's server runs" alive "${cpid:-0}"
kill -TERM "${CHILD[term]}"
wait "${CHILD[term]}" || true
check "SIGTERM to the script stops its server" gone "${cpid:-0}" "${cdir:-/nonexistent}"

read -r cpid cdir < "$T/kill.info" || true
check "the kill -9 child's server runs" alive "${cpid:-0}"
kill -KILL "${CHILD[kill]}"
wait "${CHILD[kill]}" 2>/dev/null || true
check "kill -9 of the script: the watchdog stops its server" gone "${cpid:-0}" "${cdir:-/nonexistent}"

status_is "without PostgreSQL's binaries pg_start fails (no skip)" 1 \
  env PG_BIN=/nonexistent bash -c 'source "$1"; pg_start' child "$PGLIB"
contains "... saying so" "$(cat "$T/.err")" "PostgreSQL 15 is not installed"

echo "$TEST_NAME: $(elapsed "$t0") s"
finish
