#!/usr/bin/env bash
# daftar serve against hostile clients (issue 9 item 6, docs/SECURITY.md):
# malformed HTTP (garbage, unknown methods, bad percent-encoding, NUL bytes,
# HTTP/0.9, no Host), huge headers (a 1 MiB line, 10,000 headers), huge
# bodies (Content-Length 10 GB, an endless chunked body), slowloris (200
# connections trickling a byte every 2 s while a normal request is timed),
# 1,000 concurrent connections (the counted checks of both, and of the
# header deadline, are in test_serve_limits.sh), every endpoint of
# docs/API.md for each role (no session, viewer, editor, admin), CSRF
# missing or wrong on every change, path traversal in URLs, and wrk at 64
# connections on /api/search while the server's RSS is sampled. After all
# that the server still answers and stops cleanly on SIGTERM. Raw HTTP goes through python3 sockets ($T/h.py).
#   DAFTAR_WRK_SECONDS: the wrk run (default 60; 0 skips it)
source "$(dirname "$0")/lib.sh"
WRK_SECONDS=${DAFTAR_WRK_SECONDS:-60}

tr="$T/trove"
mkdir -p "$tr/ar" "$tr/en"
printf 'وصل الوفد إلى الرقة صباح اليوم وقابل الوالي أبو محمد العدناني.\n' > "$tr/ar/a1.txt"
printf 'The spokesman Abu Muhammad al-Adnani spoke about Raqqa on 15 March 2016.\n' > "$tr/en/e1.txt"
printf 'Checkpoints near Tabqa and Raqqa, says Abu Muhammad al-Adnani.\n' > "$tr/en/e2.txt"
awk 'BEGIN{ printf "%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n";
 printf "2 0 obj << /Type /Pages /Count 1 /Kids [5 0 R] >> endobj\n";
 printf "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n";
 s="BT /F1 12 Tf 72 720 Td (A report about Raqqa) Tj ET";
 printf "4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", length(s), s;
 printf "5 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >> endobj\n";
 printf "trailer << /Root 1 0 R /Size 6 >>\n%%%%EOF\n" }' > "$tr/en/report.pdf"
C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$tr" --batch one >/dev/null 2>&1
printf 'adminpassword1\n' | d user add "$C" boss --role admin >/dev/null
printf 'editorpassword1\n' | d user add "$C" ed --role editor >/dev/null
printf 'viewerpassword1\n' | d user add "$C" vi --role viewer >/dev/null

# the web folder, a canary beside it and a symlink out of it
mkdir -p "$T/web"
printf '<!doctype html><title>daftar</title>\n' > "$T/web/index.html"
printf 'console.log(1);\n' > "$T/web/app.js"
printf 'CANARY-OUTSIDE-WEB\n' > "$T/secret.js"
ln -s ../secret.js "$T/web/link.js"
export DAFTAR_WEB="$T/web"

trap 'serve_stop; cleanup' EXIT
code() { curl -s -m 20 -o /dev/null -w '%{http_code}' "$@"; }
alive() { [ "$(code -b "$ack" "$B/api/status")" = 200 ]; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$SERVE_PID/status"; }

# h.py PORT CMD [ARGS]: raw sockets. `raw`: stdin as the request, prints the
# status code, or "closed" when the server closed without an answer (and
# the body to $T/raw.body). The other commands print their own results.
cat > "$T/h.py" <<'PY'
import socket, sys, time, os, select
port = int(sys.argv[1]); cmd = sys.argv[2]; T = os.environ["T"]
def conn(timeout=10):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s
def status_of(s, timeout=10):
    s.settimeout(timeout); data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 1 << 20:
            b = s.recv(65536)
            if not b: break
            data += b
        if b"\r\n\r\n" in data:
            # read what follows for a moment (the body)
            s.settimeout(0.5)
            try:
                while len(data) < 4 << 20:
                    b = s.recv(65536)
                    if not b: break
                    data += b
            except (socket.timeout, OSError): pass
    except (socket.timeout, ConnectionResetError, BrokenPipeError, OSError):
        pass
    open(T + "/raw.body", "wb").write(data)
    if data.startswith(b"HTTP/"):
        return data.split(b" ", 2)[1].decode("latin-1")
    return "closed"
def send_all(s, b):
    try: s.sendall(b); return True
    except (BrokenPipeError, ConnectionResetError, OSError): return False
if cmd == "raw":
    s = conn(); send_all(s, sys.stdin.buffer.read()); print(status_of(s)); s.close()
elif cmd == "bigheader":          # one header line of 1 MiB
    s = conn(); send_all(s, b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
    print(status_of(s)); s.close()
elif cmd == "manyheaders":        # 10,000 headers
    s = conn(); send_all(s, b"GET /api/status HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(10000)) + b"\r\n")
    print(status_of(s)); s.close()
elif cmd == "bigbody":            # declares 10 GB, sends 4 MiB, waits for the answer
    cookie, csrf, path = sys.argv[3], sys.argv[4], sys.argv[5]
    s = conn(); send_all(s, ("POST %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: application/json\r\nContent-Length: 10000000000\r\n\r\n" % (path, cookie, csrf)).encode())
    t = time.time()
    while time.time() - t < 3 and send_all(s, b"a" * 65536): pass
    print(status_of(s, 5)); s.close()
elif cmd == "chunked":            # an endless chunked body: 1 KiB chunks for 20 s at most
    cookie, csrf, path = sys.argv[3], sys.argv[4], sys.argv[5]
    s = conn(); send_all(s, ("POST %s HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nTransfer-Encoding: chunked\r\n\r\n" % (path, cookie, csrf)).encode())
    t = time.time(); sent = 0; ok = True
    while time.time() - t < 20:
        if not send_all(s, b"400\r\n" + b"a" * 1024 + b"\r\n"): ok = False; break
        sent += 1024
        r, _, _ = select.select([s], [], [], 0)
        if r: break
    st = status_of(s, 5)
    print("%s %d" % (st, sent)); s.close()
elif cmd == "slowloris":          # N connections, a byte every 2 s; time normal requests meanwhile
    n, secs, cookie = int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
    socks = []
    for i in range(n):
        try:
            s = conn(); s.sendall(b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Slow: "); socks.append(s)
        except OSError: pass
    t0 = time.time(); worst = 0.0; bad = 0; probes = 0; last = 0
    while time.time() - t0 < secs:
        if time.time() - last >= 2:
            last = time.time()
            for s in socks:
                try: s.send(b"a")
                except OSError: pass
        t = time.time()
        try:
            p = conn(5); p.sendall(("GET /api/status HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nConnection: close\r\n\r\n" % cookie).encode())
            st = status_of(p, 5); p.close()
        except OSError: st = "error"
        probes += 1; worst = max(worst, time.time() - t)
        if st != "200": bad += 1
        time.sleep(1)
    open_ = 0
    for s in socks:
        try: s.send(b"a"); open_ += 1
        except OSError: pass
        s.close()
    print("%d %d %d %.2f %d" % (len(socks), probes, bad, worst, open_))
elif cmd == "many":               # N concurrent connections, each a full request
    n, cookie = int(sys.argv[3]), sys.argv[4]
    socks = []
    for i in range(n):
        try: socks.append(conn(20))
        except OSError: pass
    req = ("GET /api/status HTTP/1.1\r\nHost: x\r\nCookie: %s\r\nConnection: close\r\n\r\n" % cookie).encode()
    for s in socks: send_all(s, req)
    ok = closed = other = 0
    for s in socks:
        st = status_of(s, 20)
        if st == "200": ok += 1
        elif st == "closed": closed += 1
        else: other += 1
        s.close()
    print("%d %d %d %d" % (len(socks), ok, closed, other))
PY
export T
hpy() { python3 "$T/h.py" "$PORT" "$@"; }
raw() { printf "$1" | hpy raw; }   # raw FORMAT: the request, printf escapes
# not_5xx_alive DESCRIPTION GOT [WANT...]: the status is one of WANT (or,
# with no WANT, any 4xx or "closed"), never a 5xx, and the server answers
answers() {
  local what=$1 got=$2 w okay=0
  shift 2
  if [ $# -eq 0 ]; then case "$got" in 4??|closed) okay=1 ;; esac; fi
  for w in "$@"; do [ "$got" = "$w" ] && okay=1; done
  if [ $okay = 1 ] && alive; then ok "$what ($got)"; else not_ok "$what: got $got (want ${*:-4xx or closed}), server alive: $(alive && echo yes || echo no)"; fi
}

check "serve with users starts on a free loopback port" serve_start "$C"
login() { # USER PASSWORD: sets CK (cookie) and CS (csrf)
  curl -s -o "$T/o" -D "$T/h" -X POST -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$B/api/login"
  CK=$(tr -d '\r' < "$T/h" | grep -o 'daftar_session=[0-9a-f]*' || true)
  CS=$(jq -r .csrf "$T/o" 2>/dev/null || true)
}
login boss adminpassword1; ack=$CK acs=$CS
login ed editorpassword1; eck=$CK ecs=$CS
login vi viewerpassword1; vck=$CK vcs=$CS
check "three sessions (admin, editor, viewer)" test -n "$ack" -a -n "$eck" -a -n "$vck"
txt=$(d docs "$C" --json | jq '.documents[] | select(.path=="en/e1.txt") | .id')
txt2=$(d docs "$C" --json | jq '.documents[] | select(.path=="en/e2.txt") | .id')
pdf=$(d docs "$C" --json | jq '.documents[] | select(.path=="en/report.pdf") | .id')
ent=$(curl -s -b "$ack" "$B/api/entities?limit=1" | jq '.entities[0].id // 1')
rss0=$(rss_kb)

# ---- malformed HTTP ---------------------------------------------------------------
answers "garbage request line" "$(raw 'GARBAGE\r\n\r\n')"
answers "binary garbage" "$(head -c 4096 /dev/urandom | hpy raw)"
answers "a request line without a URL" "$(raw 'GET\r\nHost: x\r\n\r\n')"
answers "an unknown method on the API: 405" "$(raw "BREW /api/status HTTP/1.1\r\nHost: x\r\nCookie: $ack\r\n\r\n")" 405
answers "a 1,000-byte method" "$(raw "$(head -c 1000 /dev/zero | tr '\0' 'A') /api/status HTTP/1.1\r\nHost: x\r\n\r\n")"
answers "an unknown HTTP version: 505, 4xx or closed" "$(raw 'GET /api/status HTTP/7.3\r\nHost: x\r\n\r\n')" 505 400 401 closed
answers "bad percent-encoding in the path" "$(raw "GET /static/%%zz%%.js HTTP/1.1\r\nHost: x\r\n\r\n")" 400 404
answers "bad percent-encoding in the query: 200 or 400" "$(raw "GET /api/search?q=%%zz%%&limit=%%%%%%1 HTTP/1.1\r\nHost: x\r\nCookie: $ack\r\n\r\n")" 200 400
answers "a NUL in the request line" "$(raw 'GET /static/app.js\0/../../store.db HTTP/1.1\r\nHost: x\r\n\r\n')" 200 400 404 closed
check "  ...and no byte of the store" bash -c "! grep -q 'SQLite format' '$T/raw.body'"
answers "a NUL in a header" "$(raw "GET /api/status HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\nCookie: $ack\r\n\r\n")" 200 400 closed
answers "%00 in the path (MHD ends the path there)" "$(raw 'GET /static/app.js%%00../../secret.js HTTP/1.1\r\nHost: x\r\n\r\n')" 200 400 404
check "  ...and not the canary" bash -c "! grep -q CANARY '$T/raw.body'"
answers "HTTP/0.9 (no version)" "$(raw 'GET /api/status\r\n\r\n')"
answers "HTTP/1.1 without Host: 400" "$(raw "GET /api/status HTTP/1.1\r\nCookie: $ack\r\n\r\n")" 400
answers "a header without a colon" "$(raw 'GET /api/status HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n')"
answers "a bare LF request, no session: 401 or 400" "$(raw 'GET /api/status HTTP/1.1\nHost: x\n\n')" 400 401
answers "a cookie that is not a token: 401" "$(raw 'GET /api/status HTTP/1.1\r\nHost: x\r\nCookie: daftar_session=../../../etc/passwd; daftar_session=%%00\r\n\r\n')" 401
answers "Content-Length not a number" "$(raw "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n")"
answers "two Content-Lengths" "$(raw "POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}")" 400 closed
answers "a login body that is not JSON: 400" "$(code -X POST --data-binary $'{"user":"boss","password":\x00}' "$B/api/login")" 400
answers "a login body 20,000 arrays deep: 400" "$(code -X POST --data-binary "$(head -c 20000 /dev/zero | tr '\0' '[')" "$B/api/login")" 400
answers "a login body of invalid UTF-8: 400" "$(code -X POST --data-binary $'{"user":"\xff\xfe","password":"x"}' "$B/api/login")" 400 401

# ---- huge headers and bodies -------------------------------------------------------
answers "a 1 MiB header line" "$(hpy bigheader)"
answers "10,000 headers" "$(hpy manyheaders)"
answers "Content-Length 10 GB: 413 or closed" "$(hpy bigbody "$eck" "$ecs" "/api/docs/$txt/tags")" 413 closed
r=$(hpy chunked "$eck" "$ecs" "/api/docs/$txt/tags")
answers "an endless chunked body: 413 or closed (after ${r#* } bytes)" "${r%% *}" 413 closed
# the client counts what its kernel accepted: the 1 MiB the server reads
# before it answers, plus whatever the loopback socket buffers took
# meanwhile (autotuned up to tcp_wmem + tcp_rmem maxima; 2.2 MB in a loaded
# CI run); an endless body would run the full 20 s, gigabytes on loopback
slack=$(( $(awk '{print $3}' /proc/sys/net/ipv4/tcp_wmem) + $(awk '{print $3}' /proc/sys/net/ipv4/tcp_rmem) ))
check "  ...within 1 MiB of body plus the socket buffers ($((slack >> 10)) KiB)" test "${r#* }" -le $(( (1 << 20) + slack ))
answers "Content-Length 10 GB without a session: 413 or 401 or closed" "$(hpy bigbody "daftar_session=0" "x" "/api/docs/$txt/tags")" 401 413 closed

# ---- slow clients and many connections ---------------------------------------------
r=$(hpy slowloris 200 12 "$ack")
read -r sl_open sl_probes sl_bad sl_worst sl_left <<<"$r"
eq "slowloris: 200 slow connections opened" "$sl_open" 200
eq "slowloris: every normal request answered meanwhile ($sl_probes, slowest ${sl_worst} s)" "$sl_bad" 0
check "slowloris: normal requests are not starved (slowest ${sl_worst} s, allowed 20 s on a loaded machine)" awk -v w="$sl_worst" 'BEGIN{exit !(w < 20)}'
check "slowloris: the server still answers" alive
r=$(hpy many 1000 "$ack")
read -r mc_open mc_ok mc_closed mc_other <<<"$r"
echo "# 1,000 concurrent: $mc_open connected, $mc_ok answered 200, $mc_closed closed (per-address limit 1024), $mc_other other"
check "1,000 concurrent connections: some answered, none with an error ($r)" test "$mc_ok" -ge 1 -a "$mc_other" -eq 0
check "1,000 concurrent connections: the server still answers" alive

# ---- every endpoint, each role --------------------------------------------------------
# METHOD|PATH|BODY|MIN-ROLE (0 viewer, 1 editor, 2 admin)
endpoints="GET|/api/me|-|0
GET|/api/status|-|0
GET|/api/search?q=Raqqa|-|0
GET|/api/docs|-|0
GET|/api/docs/$txt|-|0
GET|/api/docs/$txt?text=1|-|0
GET|/api/docs/$txt/original|-|0
GET|/api/docs/$pdf/pages/1.png|-|0
GET|/api/docs/$txt/entities|-|0
GET|/api/docs/$txt/diff/$txt2|-|0
GET|/api/dups|-|0
GET|/api/new?batch=one|-|0
GET|/api/entities|-|0
GET|/api/entities/$ent|-|0
GET|/api/graph|-|0
GET|/api/timeline|-|0
GET|/api/audit|-|2
GET|/api/users|-|2
POST|/api/docs/$txt/tags|{\"tag\":\"roletag\"}|1
DELETE|/api/docs/$txt/tags/roletag|{}|1
POST|/api/docs/$txt/notes|{\"text\":\"a note\"}|1
POST|/api/entities/merge|{\"type\":\"person\",\"value\":\"Abu Muhammad al-Adnani\",\"target\":\"Nobody Atall\"}|1
POST|/api/entities/split|{\"type\":\"person\",\"value\":\"Abu Muhammad al-Adnani\"}|1"
req() { # COOKIE CSRF METHOD PATH BODY
  local a=(-X "$3")
  [ -n "$1" ] && a+=(-b "$1")
  [ -n "$2" ] && a+=(-H "X-CSRF-Token: $2")
  [ "$5" != - ] && a+=(--data-binary "$5")
  code "${a[@]}" "$B$4"
}
table=""; tbad=0
while IFS='|' read -r m p b need; do
  row="$m $p:"
  g=$(req "" "" "$m" "$p" "$b"); row+=" none=$g"
  [ "$g" = 401 ] || { tbad=$((tbad + 1)); echo "  no session: $m $p: got $g, want 401" >&2; }
  for role in 0 1 2; do
    case $role in 0) ck=$vck cs=$vcs n=viewer ;; 1) ck=$eck cs=$ecs n=editor ;; 2) ck=$ack cs=$acs n=admin ;; esac
    g=$(req "$ck" "$cs" "$m" "$p" "$b"); row+=" $n=$g"
    if [ "$role" -lt "$need" ]; then
      [ "$g" = 403 ] || { tbad=$((tbad + 1)); echo "  $n: $m $p: got $g, want 403" >&2; }
    else
      case $g in 2??|400|404|405|409) ;; *) tbad=$((tbad + 1)); echo "  $n: $m $p: got $g, want 2xx or a 4xx other than 401/403" >&2 ;; esac
    fi
  done
  table+="$row"$'\n'
done <<<"$endpoints"
printf '%s' "$table" | sed 's/^/#   /'
eq "every endpoint for each role as the table wants ($(wc -l <<<"$endpoints") endpoints x 4: 401 without a session, 403 below the role, else 2xx or 4xx but 401/403)" "$tbad" 0
eq "POST /api/login needs no session (a wrong password: 401, not 403)" "$(code -X POST -d '{"user":"vi","password":"x-wrong-x"}' "$B/api/login")" 401
login vi viewerpassword1; v2ck=$CK v2cs=$CS
eq "viewer logs out: 200" "$(req "$v2ck" "$v2cs" POST /api/logout '{}')" 200
eq "  ...and that session is gone: 401" "$(req "$v2ck" "" GET /api/status -)" 401

# ---- CSRF on every change -------------------------------------------------------------
changes=$(grep -E '^(POST|DELETE)[|]' <<<"$endpoints"; echo "POST|/api/logout|{}|0")
bad=0; n=0
while IFS='|' read -r m p b need; do
  for cs in "" "0000000000000000000000000000000000000000000000000000000000000000" "$vcs" "${ecs}x" "${ecs:0:63}"; do
    g=$(req "$eck" "$cs" "$m" "$p" "$b"); n=$((n + 1))
    [ "$g" = 403 ] || { bad=$((bad + 1)); echo "  CSRF '${cs:0:8}…' on $m $p: $g" >&2; }
  done
done <<<"$changes"
eq "CSRF missing, zero, another session's, too long, too short: 403 on every change ($n requests)" "$bad" 0
curl -s -b "$eck" -H "X-CSRF-Token: $ecs" -X POST -d '{"tag":"csrfcheck"}' "$B/api/docs/$txt2/tags" >/dev/null
for cs in "" "$vcs"; do curl -s -b "$eck" ${cs:+-H "X-CSRF-Token: $cs"} -X DELETE "$B/api/docs/$txt2/tags/csrfcheck" >/dev/null; done
eq "  ...and nothing was changed by them" "$(curl -s -b "$eck" "$B/api/docs/$txt2" | jq -r '.tags | index("csrfcheck") != null')" true
eq "the editor session still works after them" "$(req "$eck" "" GET /api/me - )" 200

# ---- path traversal -------------------------------------------------------------------
for u in "/static/../secret.js" "/static/%2e%2e/secret.js" "/static/%2E%2E%2Fsecret.js" "/static/%252e%252e/secret.js" \
         "/static/..%5csecret.js" "/static/..\\secret.js" "/static//etc/passwd" "/static/%2fetc%2fpasswd" \
         "/static/./app.js" "/static/.%2e/secret.js" "/static/app.js/../../secret.js"; do
  g=$(curl -s -m 10 --path-as-is -o "$T/t.body" -w '%{http_code}' "$B$u")
  if [ "$g" = 400 ] && ! grep -q CANARY "$T/t.body"; then ok "traversal $u: 400"; else not_ok "traversal $u: $g $(head -c 80 "$T/t.body")"; fi
done
for u in "/static/%c0%ae%c0%ae/secret.js" "//static/../secret.js" "/static/link.js" "/api/docs/../../store.db" "/api/docs/$txt/../../../store.db" "/api/../static/../secret.js" "/%2e%2e/secret.js"; do
  g=$(curl -s -m 10 --path-as-is -b "$ack" -o "$T/t.body" -w '%{http_code}' "$B$u")
  if [ "${g:0:1}" = 4 ] && ! grep -qE 'CANARY|SQLite format' "$T/t.body"; then ok "traversal $u: $g"; else not_ok "traversal $u: $g $(head -c 80 "$T/t.body")"; fi
done
answers "an absolute URL (proxy form) with ..: 4xx, not the file" "$(raw "GET http://127.0.0.1:$PORT/static/../secret.js HTTP/1.1\r\nHost: x\r\n\r\n")" 400 404
check "  ...not the canary" bash -c "! grep -q CANARY '$T/raw.body'"
answers "an absolute path as the target: 4xx" "$(raw "GET $T/secret.js HTTP/1.1\r\nHost: x\r\n\r\n")" 400 404
check "  ...not the canary" bash -c "! grep -q CANARY '$T/raw.body'"
eq "a file of the web folder is still served" "$(curl -s "$B/static/app.js")" "console.log(1);"

# ---- wrk: memory under load ------------------------------------------------------------
if [ "$WRK_SECONDS" = 0 ]; then
  echo "# wrk: skipped (DAFTAR_WRK_SECONDS=0)"
elif ! command -v wrk >/dev/null; then
  echo "# wrk: SKIPPED, wrk is not installed (scripts/install-deps.sh installs it with DAFTAR_BENCH=1); the rest of the test ran"
else
  wrk -t2 -c64 -d"${WRK_SECONDS}s" --timeout 10s -H "Cookie: $ack" "$B/api/search?q=Raqqa" > "$T/wrk.out" 2>&1 &
  WPID=$!
  samples=()
  while kill -0 "$WPID" 2>/dev/null; do samples+=("$(rss_kb)"); sleep 3; done
  wait "$WPID" || true
  reqs=$(awk '/requests in/ {print $1}' "$T/wrk.out")
  errs=$(awk '/Non-2xx/ {print $NF}' "$T/wrk.out")
  n=${#samples[@]}; third=$(( n / 3 ))
  first=$(printf '%s\n' "${samples[@]:0:$third}" | sort -n | tail -1)
  last=$(printf '%s\n' "${samples[@]:$((n - third))}" | sort -n | tail -1)
  limit=$(( first * 12 / 10 + 16384 ))
  echo "# wrk ${WRK_SECONDS}s, 64 connections, /api/search: $reqs requests, non-2xx: ${errs:-0}; RSS before ${rss0} kB, samples (kB): ${samples[*]}"
  check "wrk: requests were served ($reqs)" test "${reqs:-0}" -gt 0
  eq "wrk: no non-2xx answer" "${errs:-0}" 0
  check "wrk: RSS does not keep rising: max of the last third $last kB <= 1.2 x max of the first third ($first kB) + 16 MiB = $limit kB" \
    test "$third" -ge 1 -a "$last" -le "$limit"
fi

# ---- still standing, and a clean stop ---------------------------------------------------
eq "after all that: /api/status answers" "$(code -b "$ack" "$B/api/status")" 200
eq "after all that: search answers" "$(curl -s -b "$ack" "$B/api/search?q=Raqqa" | jq '.total > 0')" true
check "the server process is alive" kill -0 "$SERVE_PID"
kill -TERM "$SERVE_PID"
rc=0; for _ in $(seq 100); do kill -0 "$SERVE_PID" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$SERVE_PID" 2>/dev/null; then not_ok "SIGTERM: still running after 10 s"; kill -9 "$SERVE_PID"; fi
wait "$SERVE_PID" || rc=$?
SERVE_PID=
eq "SIGTERM: exit status 0" "$rc" 0
contains "SIGTERM: it says it stops" "$(cat "$T/serve.err")" "stopping (SIGTERM)"
check "no sanitizer report or crash on stderr" bash -c "! grep -qE 'ERROR: AddressSanitizer|runtime error|Segmentation' '$T/serve.err'"
status_is "the case verifies after it" 0 d verify "$C"
finish
