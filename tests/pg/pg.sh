# pg.sh - a throw-away PostgreSQL 15 server on loopback for the server-mode
# tests and benchmarks (#11). Source it, then:
#
#   pg_start [DBNAME]   initdb + start a server on 127.0.0.1:<free port> in a
#                       fresh `mktemp -d` under /tmp, create DBNAME (default
#                       "daftar"); exports PG_URL, PG_DIR, PG_PORT, PG_BIN,
#                       PG_DATA, PG_LOG, PG_PID. Returns 1 with a message (and
#                       the tail of the server log) when it cannot; missing
#                       binaries are a failure, not a skip: CI installs
#                       postgresql-15 (scripts/install-deps.sh).
#   pg_new_db NAME      createdb NAME on that server; prints its URL.
#   pg_psql [URL] ARGS  psql -X -v ON_ERROR_STOP=1 (URL defaults to $PG_URL).
#   pg_stop             pg_ctl stop -m fast, remove the folder. Idempotent.
#   pg_cleanup          pg_stop that keeps $? (for EXIT traps).
#
# Cleanup: pg_start prepends pg_cleanup to the EXIT trap already set (e.g.
# lib.sh's `trap cleanup EXIT`), and makes INT/TERM/HUP exit (so the EXIT
# trap runs). A test that sets its own EXIT trap AFTER pg_start must call
# pg_cleanup in it, e.g. trap 'serve_stop; pg_cleanup; cleanup' EXIT.
# A detached watchdog also stops the server if the shell that called
# pg_start dies without running its traps (kill -9, a ctest timeout).
#
# Root: initdb refuses to run as root, so when uid is 0 the server runs as
# the `postgres` system user (runuser -u postgres --); otherwise as the
# current user. The folder sits under /tmp (PG_TMPDIR to change), mode 700,
# owned by that user, since it may not be able to traverse the caller's
# paths (/root, /work). Environment: PG_BIN (default
# /usr/lib/postgresql/15/bin), PG_TMPDIR (default /tmp), PG_SHARED_BUFFERS
# (default 128MB), PG_MAX_CONNECTIONS (default 100).
#
# TLS: with PG_SSL_DIR set to a folder holding server.crt and server.key
# (tests/e2e/test_pg_tls.sh makes them with openssl), the server runs
# with ssl=on and those files, and pg_hba.conf takes TCP connections over
# TLS only (hostssl; a connection without TLS is rejected).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_URL=
PG_DIR=
PG_PORT=
PG_DATA=
PG_LOG=
PG_PID=
_PG_USER=

# _pg_as CMD...: run a command as the server's user, from inside $PG_DIR
# (the caller's cwd may not be reachable by that user)
_pg_as() {
  if [ "$(id -u)" -eq 0 ]; then
    (cd "$PG_DIR" && runuser -u "$_PG_USER" -- "$@")
  else
    (cd "$PG_DIR" && "$@")
  fi
}

_pg_log_tail() {
  if [ -n "$PG_LOG" ] && [ -f "$PG_LOG" ]; then
    echo "pg: last lines of $PG_LOG:" >&2
    tail -n 25 "$PG_LOG" | sed 's/^/pg:   /' >&2
  fi
}

# _pg_port_busy PORT: something already listens on TCP PORT
_pg_port_busy() {
  local hex
  hex=$(printf ':%04X ' "$1")
  # state 0A = LISTEN, in /proc/net/tcp and tcp6 (local address column)
  awk -v p="$hex" 'NR > 1 && $4 == "0A" && index($2 " ", p) { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# _pg_trap_add SIGNAL CMD: run CMD before whatever the SIGNAL trap did
_pg_trap_add() {
  local sig=$1 cmd=$2 old
  old=$(trap -p "$sig")
  if [ -n "$old" ]; then
    eval "set -- $old"
    old=$3
  fi
  case "$old" in
    *"$cmd"*) return 0 ;;  # already chained
  esac
  if [ -n "$old" ]; then trap -- "$cmd; $old" "$sig"; else trap -- "$cmd" "$sig"; fi
}

_pg_install_traps() {
  _pg_trap_add EXIT pg_cleanup
  # exit from a signal runs the EXIT trap; keep a signal trap a test set itself
  [ -n "$(trap -p INT)" ] || trap 'exit 130' INT
  [ -n "$(trap -p TERM)" ] || trap 'exit 143' TERM
  [ -n "$(trap -p HUP)" ] || trap 'exit 129' HUP
}

# _pg_watchdog OWNER_PID: detached; when OWNER_PID is gone and the server
# is still there, stop it and remove the folder. pg_stop kills it first.
_pg_watchdog() {
  local owner=$1
  # ( ... & ): not a child of the test's shell, so a bare `wait` there
  # does not wait for it
  ( setsid bash -c '
    owner=$1 dir=$2 data=$3 bin=$4 user=$5
    echo $$ > "$dir/watchdog.pid"
    while kill -0 "$owner" 2>/dev/null && [ -d "$dir" ]; do sleep 1; done
    [ -d "$dir" ] || exit 0
    cd "$dir" || exit 0
    if [ "$(id -u)" -eq 0 ]; then
      runuser -u "$user" -- "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 30
    else
      "$bin/pg_ctl" stop -D "$data" -m immediate -w -t 30
    fi
    cd / && rm -rf "$dir"
  ' pg-watchdog "$owner" "$PG_DIR" "$PG_DATA" "$PG_BIN" "$_PG_USER" </dev/null >/dev/null 2>&1 & )

  for _ in $(seq 50); do
    [ -s "$PG_DIR/watchdog.pid" ] && return 0
    sleep 0.02
  done
  return 0
}

pg_start() {
  local db=${1:-daftar} b port started=0
  if [ -n "$PG_DIR" ]; then
    echo "pg_start: a server is already running in $PG_DIR (pg_stop first)" >&2
    return 1
  fi
  for b in initdb pg_ctl postgres createdb psql; do
    if [ ! -x "$PG_BIN/$b" ]; then
      echo "pg_start: PostgreSQL 15 is not installed ($PG_BIN/$b missing): apt-get install postgresql-15 (scripts/install-deps.sh does)" >&2
      return 1
    fi
  done
  if [ "$(id -u)" -eq 0 ]; then
    _PG_USER=postgres
    if ! id -u "$_PG_USER" >/dev/null 2>&1 || ! command -v runuser >/dev/null; then
      echo "pg_start: running as root needs the 'postgres' system user (made by the postgresql-15 package) and runuser" >&2
      return 1
    fi
  else
    _PG_USER=$(id -un)
  fi

  PG_DIR=$(mktemp -d "${PG_TMPDIR:-/tmp}/daftar-pg.XXXXXX") || { PG_DIR=; echo "pg_start: mktemp failed" >&2; return 1; }
  chmod 700 "$PG_DIR"
  if [ "$(id -u)" -eq 0 ]; then chown "$_PG_USER:" "$PG_DIR"; fi
  PG_DATA="$PG_DIR/data"
  PG_LOG="$PG_DIR/log"
  _pg_install_traps
  _pg_as mkdir -m 700 "$PG_DIR/sock"
  _pg_as touch "$PG_LOG"

  # --no-sync: see fsync=off below.
  # superuser postgres; trust is safe here: the server listens on
  # 127.0.0.1 and a socket in a mode-700 folder, nothing else
  if ! _pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -A trust --encoding=UTF8 --locale=C --no-sync \
         --no-instructions >>"$PG_LOG" 2>&1; then
    echo "pg_start: initdb failed" >&2
    _pg_log_tail
    pg_stop
    return 1
  fi
  local ssl_opts=""
  if [ -n "${PG_SSL_DIR:-}" ]; then
    if [ ! -r "$PG_SSL_DIR/server.crt" ] || [ ! -r "$PG_SSL_DIR/server.key" ]; then
      echo "pg_start: PG_SSL_DIR=$PG_SSL_DIR holds no server.crt and server.key" >&2
      pg_stop
      return 1
    fi
    # copied by the caller (the server's user may not reach PG_SSL_DIR),
    # then owned by the server's user, the key mode 600 (postgres checks)
    cp "$PG_SSL_DIR/server.crt" "$PG_SSL_DIR/server.key" "$PG_DATA/"
    chmod 600 "$PG_DATA/server.key"
    if [ "$(id -u)" -eq 0 ]; then chown "$_PG_USER:" "$PG_DATA/server.crt" "$PG_DATA/server.key"; fi
    ssl_opts="-c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key"
    _pg_as sh -c "printf '%s\n' 'local all all trust' 'hostssl all all 127.0.0.1/32 trust' 'hostnossl all all 127.0.0.1/32 reject' > '$PG_DATA/pg_hba.conf'"
  else
    _pg_as sh -c "printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' > '$PG_DATA/pg_hba.conf'"
  fi

  # fsync, synchronous_commit and full_page_writes off: the tests never
  # kill the server (only daftar processes), and it is thrown away after;
  # durability against an OS crash buys nothing here and costs speed.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
    _pg_port_busy "$port" && continue
    if _pg_as "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -w -t 60 -o \
         "-c listen_addresses=127.0.0.1 -p $port -k $PG_DIR/sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=${PG_MAX_CONNECTIONS:-100} -c shared_buffers=${PG_SHARED_BUFFERS:-128MB} $ssl_opts" \
         >/dev/null 2>&1; then
      started=1
      break
    fi
    # another process took the port between the check and the bind: retry
    tail -n 20 "$PG_LOG" | grep -q -e 'could not bind' -e 'Address already in use' || break
  done
  if [ "$started" != 1 ]; then
    echo "pg_start: the server did not start" >&2
    _pg_log_tail
    pg_stop
    return 1
  fi
  PG_PORT=$port
  PG_PID=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
  _pg_watchdog "${BASHPID:-$$}"

  if ! _pg_as "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$db" >>"$PG_LOG" 2>&1; then
    echo "pg_start: createdb $db failed" >&2
    _pg_log_tail
    pg_stop
    return 1
  fi
  PG_URL="postgresql://postgres@127.0.0.1:$PG_PORT/$db"
  export PG_URL PG_DIR PG_PORT PG_BIN PG_DATA PG_LOG PG_PID
  return 0
}

# pg_new_db NAME: a new database on the running server; prints its URL
pg_new_db() {
  local name=${1:?pg_new_db NAME}
  if [ -z "$PG_PORT" ]; then echo "pg_new_db: no server (pg_start first)" >&2; return 1; fi
  case "$name" in
    *[!a-z0-9_]* | [0-9]*) echo "pg_new_db: '$name': use lower-case letters, digits and _" >&2; return 1 ;;
  esac
  "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$name" >&2 || return 1
  echo "postgresql://postgres@127.0.0.1:$PG_PORT/$name"
}

# pg_psql [URL] ARGS...: psql without ~/.psqlrc, stopping at the first error
pg_psql() {
  local url=$PG_URL
  case "${1:-}" in postgresql://* | postgres://*) url=$1; shift ;; esac
  "$PG_BIN/psql" -X -v ON_ERROR_STOP=1 "$url" "$@"
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  local wd
  wd=$(cat "$PG_DIR/watchdog.pid" 2>/dev/null || true)
  if [ -n "$wd" ]; then kill "$wd" 2>/dev/null || true; fi
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    if ! _pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 60 >/dev/null 2>&1; then
      echo "pg_stop: fast shutdown failed, immediate" >&2
      _pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 30 >/dev/null 2>&1 || true
    fi
  fi
  rm -rf "$PG_DIR"
  PG_DIR='' PG_DATA='' PG_LOG='' PG_PORT='' PG_URL='' PG_PID=''
  return 0
}

pg_cleanup() {
  local rc=$?
  pg_stop
  return $rc
}
