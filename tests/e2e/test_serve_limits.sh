#!/usr/bin/env bash
# daftar serve's connection limits (issue 16, docs/SECURITY.md "Connections"):
# - the request-header deadline (10 s): 1,100 connections from one address
#   (127.0.0.2: all of 127.0.0.0/8 is loopback) trickle header bytes
#   (slowloris) while a normal request is made every second from another
#   (127.0.0.1); every normal request is answered; the 1,024 connections an
#   address may hold are still open at 5 s, the other 76 closed on accept;
#   all are closed by the server after the deadline, none answered, and
#   that address is served again after; a keep-alive connection idle after
#   its answer is closed too; a request whose headers came at once but
#   whose body takes 15 s is answered (the deadline is for headers only);
# - 1,000 simultaneous connections from one address, each one request: all
#   answered 200 on a quiet machine (at least 700 required: under heavy
#   load some are closed on accept), none with an error status;
# - 1,500 from one address: at least the 1,024 an address may hold are
#   answered, the rest closed on accept, none gets an error status;
# - 5,000 from five addresses, past the 4,096 held at once: all answered
#   (the rest wait in the listen backlog);
# - DAFTAR_HEADER_TIMEOUT that is not a number of seconds: serve refuses.
# The bursts run on a server whose header deadline is 60 s: the client
# opens all its connections before it sends a request, which on a loaded
# machine may take more than 10 s.
# Counts, not times: the only clocks are generous deadlines. Traffic goes
# to 127.0.0.0/8 only, through python3 sockets (tests/e2e/serve_conns.py);
# the client needs about 5,100 open files, the server 8,704 (both raise
# their soft limit; with `ulimit -Hn` under 9,000 the counted part is
# skipped with a message).
source "$(dirname "$0")/lib.sh"
CONNS="$(dirname "$0")/serve_conns.py"

tr="$T/trove"
mkdir -p "$tr"
printf 'The delegation reached Raqqa in the morning.\n' > "$tr/a.txt"
C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$tr" >/dev/null 2>&1
mkdir -p "$T/web"
printf '<!doctype html><title>daftar</title>\n' > "$T/web/index.html"
export DAFTAR_WEB="$T/web"
trap 'serve_stop; cleanup' EXIT
conns() { python3 "$CONNS" "$PORT" "$@"; }
alive() { [ "$(curl -s -m 20 -o /dev/null -w '%{http_code}' "$B/api/status")" = 200 ]; }

# (a timeout in case it starts anyway: the test must end by itself)
status_is "DAFTAR_HEADER_TIMEOUT=abc: serve refuses to start" 2 \
  env DAFTAR_HEADER_TIMEOUT=abc timeout 20 "$DAFTAR" serve "$C" --listen 127.0.0.1:0
contains "  ...and says why" "$(cat "$T/.err")" "DAFTAR_HEADER_TIMEOUT"

check "serve (no users: loopback) starts on a free port" serve_start "$C"

hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt 9000 ]; then
  echo "# SKIPPED: the connection counts need ulimit -Hn of 9,000 or more (it is $hard)"
else
# ---- slowloris: the header deadline -------------------------------------------------
r=$(conns deadline 1100 10 127.0.0.2)
echo "# deadline: $r (opened open-at-5s closed answered probes probes-bad keepalive slow-body last-close-s slowest-probe-s)"
read -r dl_open dl_half dl_closed dl_answered dl_probes dl_bad dl_ka dl_sb dl_last dl_slowest <<<"$r"
eq "slowloris: 1,100 connections opened from 127.0.0.2" "$dl_open" 1100
eq "slowloris: the 1,024 an address may hold still open at 5 s (not closed early)" "$dl_half" 1024
eq "slowloris: all closed by the server, the held ones after the 10 s deadline (last at ${dl_last} s; 40 s allowed)" "$dl_closed" 1100
eq "slowloris: none answered" "$dl_answered" 0
check "slowloris: normal requests were made meanwhile from 127.0.0.1 ($dl_probes)" test "$dl_probes" -ge 5
eq "slowloris: every normal request answered 200 within 10 s (slowest ${dl_slowest} s)" "$dl_bad" 0
eq "a keep-alive connection is answered, then closed when idle past the deadline" "$dl_ka" "200,closed"
check "a body sent over 15 s after complete headers is answered, not cut ($dl_sb)" \
  bash -c "[[ '$dl_sb' =~ ^[0-9]{3}$ ]]"
contains "the server notes what it closed" "$(cat "$T/serve.err")" \
  "connections that sent no complete request headers within 10 s"
check "slowloris: the server still answers" alive
eq "slowloris: the slow address is served again after" \
  "$(curl -s -m 20 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "$B/api/status")" 200

# ---- bursts ---------------------------------------------------------------------------
# A server whose header deadline is 60 s: the client opens every connection
# before it sends a request, and on a loaded machine that may take longer
# than 10 s; what is counted here is how many are held and answered.
serve_stop
export DAFTAR_HEADER_TIMEOUT=60
check "serve with DAFTAR_HEADER_TIMEOUT=60 starts" serve_start "$C"
unset DAFTAR_HEADER_TIMEOUT
r=$(conns burst 1000)
echo "# 1,000 simultaneous connections from one address: $r (connected ok closed other connect-s)"
read -r b_conn b_ok b_closed b_other _ <<<"$r"
eq "1,000 simultaneous connections: all connected" "$b_conn" 1000
# all 1,000 on a quiet machine (16 runs); 744 once under heavy load, the
# rest closed on accept (docs/SECURITY.md): at least 700, none with an error
check "1,000 simultaneous connections: at least 700 answered 200 ($b_ok; all of them on a quiet machine)" \
  test "$b_ok" -ge 700
eq "1,000 simultaneous connections: none got another status" "$b_other" 0
eq "1,000 simultaneous connections: each answered or closed" "$((b_ok + b_closed))" 1000
check "1,000 simultaneous connections: the server still answers" alive
r=$(conns burst 1500)
echo "# 1,500 simultaneous connections from one address: $r (connected ok closed other connect-s)"
read -r b_conn b_ok b_closed b_other _ <<<"$r"
eq "1,500 from one address: all connected" "$b_conn" 1500
check "1,500 from one address: at least the 1,024 an address may hold answered 200 ($b_ok)" test "$b_ok" -ge 1024
eq "1,500 from one address: the rest closed, none with another status ($b_closed closed)" "$((b_ok + b_closed)):$b_other" "1500:0"
check "1,500 from one address: the server still answers" alive
r=$(conns burst 5000 127.0.0.1 127.0.0.2 127.0.0.3 127.0.0.4 127.0.0.5)
echo "# 5,000 simultaneous connections from five addresses: $r (connected ok closed other connect-s)"
read -r b_conn b_ok b_closed b_other _ <<<"$r"
eq "5,000 from five addresses: all connected" "$b_conn" 5000
eq "5,000 from five addresses: all answered 200 (past 4,096 they wait in the backlog)" "$b_ok" 5000
check "5,000 from five addresses: the server still answers" alive
fi

check "the server process is alive" kill -0 "$SERVE_PID"
kill -TERM "$SERVE_PID"
rc=0; for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVE_PID" 2>/dev/null; then not_ok "SIGTERM: still running after 10 s"; kill -9 "$SERVE_PID"; fi
wait "$SERVE_PID" || rc=$?
SERVE_PID=
eq "SIGTERM: exit status 0" "$rc" 0
check "no sanitizer report or crash on stderr" bash -c "! grep -qE 'ERROR: AddressSanitizer|runtime error|Segmentation' '$T/serve.err'"
finish
