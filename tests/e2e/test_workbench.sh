#!/usr/bin/env bash
# test_workbench.sh - the web workbench in a real browser: the demo trove
# plus hostile documents (script in an HTML page, a file name, an e-mail
# subject, a PDF title), users of each role, `daftar serve` on a loopback
# port, and tests/browser/workbench.test.mjs driving Debian's chromium with
# playwright-core. Installs chromium, node and the npm packages when they are
# missing (the npm registry is the only network it uses, at install time).
# Screenshots: $DAFTAR_TEST_TMP/workbench-shots/.
source "$(dirname "$0")/lib.sh"
SRC=${DAFTAR_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
SHOTS="${DAFTAR_TEST_TMP:-/tmp}/workbench-shots"

# --- what the test needs ---
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "test_workbench: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
bash "$SRC/scripts/web-deps.sh"
(
  cd "$SRC/tests/browser"
  stamp=node_modules/.lock-sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -d node_modules/playwright-core ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2
    printf '%s\n' "$want" >"$stamp"
  fi
)

serve_msg=$(d serve 2>&1 || true)
MOCK=${DAFTAR_WORKBENCH_MOCK:-0}   # 1: tests/browser/mock-server.mjs instead of daftar serve (front-end development)
if [ "$MOCK" != 1 ] && [[ "$serve_msg" == *"unknown command 'serve'"* ]]; then
  echo "test_workbench: SKIP - this daftar has no 'serve' command yet"
  exit 0
fi

# --- the case: the demo trove and hostile documents ---
bash "$SRC/scripts/make-demo-trove.sh" "$T/trove" >/dev/null
H="$T/hostile-in/hostile"
mkdir -p "$H"
cat >"$H/xss-page.html" <<'HTML'
<!doctype html>
<html><head><meta charset="utf-8"><title><script>window.__xss=1</script>xss title</title>
<meta name="description" content="<img src=x onerror=window.__xss=1>">
</head><body>
<script>window.__xss=1</script>
<img src=x onerror="window.__xss=1">
<svg onload="window.__xss=1"><script>window.__xss=1</script></svg>
<iframe src="javascript:window.__xss=1"></iframe>
<h1>Hostile page for the xss test</h1>
<p>Escaped markup that must stay text: &lt;img src=x onerror=window.__xss=1&gt; and
&lt;script&gt;window.__xss=1&lt;/script&gt; in the Raqqa report.</p>
<p>نص عربي في صفحة معادية: الرقة &lt;b onmouseover=window.__xss=1&gt;</p>
</body></html>
HTML
printf 'A file whose name is markup (xss test).\n<script>window.__xss=1</script>\n' >"$H/<img src=x onerror=window.__xss=1>.txt"
cat >"$H/subject.eml" <<'EML'
From: "<img src=x onerror=window.__xss=1>" <xss@example.org>
To: "Raqqa office <script>window.__xss=1</script>" <office@example.org>
Subject: <script>window.__xss=1</script>
Date: Mon, 15 Feb 2016 10:00:00 +0000
Message-ID: <xss-1@example.org>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

The subject of this e-mail is markup (xss test): <img src=x onerror=window.__xss=1>
--b1
Content-Type: text/html; charset=utf-8; name="<svg onload=window.__xss=1>.html"
Content-Disposition: attachment; filename="<svg onload=window.__xss=1>.html"

<html><body><script>window.__xss=1</script><p>attached xss page</p></body></html>
--b1--
EML
cat >"$H/evil.svg" <<'SVG'
<svg xmlns="http://www.w3.org/2000/svg" onload="window.__xss=1"><script>window.__xss=1</script><text x="1" y="10">xss svg</text></svg>
SVG
if command -v python3 >/dev/null; then
  python3 - "$H/title.pdf" <<'PY'
import sys
title = b"<script>window.__xss=1</script><img src=x onerror=window.__xss=1>"
text = b"BT /F1 18 Tf 40 120 Td (PDF whose title is markup: xss test <b>) Tj ET"
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 200] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
    b"<< /Title (" + title + b") /Author (<img src=x onerror=window.__xss=1>) >>",
]
out = bytearray(b"%PDF-1.4\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offs:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(sys.argv[1], "wb").write(out)
PY
fi

# a "scan": a page of text photographed by chromium itself, for OCR and
# the word boxes drawn over the page image
mkdir -p "$T/scan-in"
cat >"$T/scan-page.html" <<'HTML'
<html><body style="background:#fff;margin:40px;font:32px serif">
<p>Checkpoint report from Tabqa.</p><p>The convoy passed the checkpoint at noon.</p></body></html>
HTML
/usr/bin/chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$T/scan-profile" --window-size=1000,400 \
  --screenshot="$T/scan-in/checkpoint-scan.png" "file://$T/scan-page.html" >/dev/null 2>&1 || true
check "the scanned page was made" test -s "$T/scan-in/checkpoint-scan.png"

C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$T/scan-in" --batch scan >/dev/null 2>&1
d ingest "$C" "$T/trove/delivery-1" --batch march >/dev/null 2>&1
d ingest "$C" "$T/trove/delivery-2" --batch june >/dev/null 2>&1
d ingest "$C" "$T/hostile-in" --batch hostile >/dev/null 2>&1
# a movement between two places, for the map's route arrow (issue #19)
mkdir -p "$T/map-in"
printf 'Damascus, 12 May 2016\n\nThe convoy moved from Palmyra to Raqqa on 14 May 2016.\n' >"$T/map-in/convoy.txt"
d ingest "$C" "$T/map-in" --batch map >/dev/null 2>&1
eq "the convoy letter gives a route Palmyra -> Raqqa" \
  "$(d places "$C" --json | jq -r '. as $r | [.routes[] as $x | $x | select(any($r.places[]; .id == $x.from and (.names | index("Palmyra"))) and any($r.places[]; .id == $x.to and (.names | index("Raqqa"))))] | length > 0')" true
eq "the hostile documents are in the case" "$(d search "$C" 'path:hostile' --json | jq '.total >= 4')" true

pw() { head -c 18 /dev/urandom | base64 | tr -d '/+='; }
ADMIN_PW=$(pw) EDITOR_PW=$(pw) VIEWER_PW=$(pw)
U=wb-
NO_USERS=0
user_msg=$(d user 2>&1 || true)
if [ "$MOCK" = 1 ]; then ADMIN_PW=admin EDITOR_PW=editor VIEWER_PW=viewer U=
elif [[ "$user_msg" == *"unknown command 'user'"* ]]; then
  echo "test_workbench: this daftar has no 'user' command yet: no users, the login and role checks are skipped"
  NO_USERS=1
else
check "user add admin" bash -c "printf '%s\n' '$ADMIN_PW' | '$DAFTAR' user add '$C' wb-admin --role admin >/dev/null"
check "user add editor" bash -c "printf '%s\n' '$EDITOR_PW' | '$DAFTAR' user add '$C' wb-editor --role editor >/dev/null"
check "user add viewer" bash -c "printf '%s\n' '$VIEWER_PW' | '$DAFTAR' user add '$C' wb-viewer --role viewer >/dev/null"
fi

# --- the server on a free loopback port ---
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo $((20000 + $$ % 20000)))
BASE="http://127.0.0.1:$PORT"
SERVER_PID=""
stop_server() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
  fi
}
trap 'stop_server; cleanup' EXIT
if [ "$MOCK" = 1 ]; then
  node "$SRC/tests/browser/mock-server.mjs" "$PORT" "$C" "$DAFTAR" >"$T/serve.out" 2>"$T/serve.err" &
else
  DAFTAR_WEB="$SRC/web" "$DAFTAR" serve "$C" --listen "127.0.0.1:$PORT" >"$T/serve.out" 2>"$T/serve.err" &
fi
SERVER_PID=$!
up=0
for _ in $(seq 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/me" || true)
  if [ "$code" = 401 ] || [ "$code" = 200 ]; then up=1; break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.1
done
if [ $up != 1 ]; then
  not_ok "daftar serve did not start: $(head -c 600 "$T/serve.err")"
  finish
  exit 1
fi
ok "daftar serve listens on $BASE"

# --- headers, seen without a browser ---
hdr=$(curl -s -D - -o /dev/null "$BASE/")
contains "the page carries the CSP" "$hdr" "Content-Security-Policy: default-src 'self'; script-src 'self'"
contains "the page carries frame-ancestors 'none'" "$hdr" "frame-ancestors 'none'"
contains "the page carries nosniff" "$hdr" "X-Content-Type-Options: nosniff"
[ $NO_USERS = 1 ] || eq "the API needs a session" "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/api/status")" 401
cj="$T/cookies"
[ $NO_USERS = 1 ] || curl -s -c "$cj" -H 'Content-Type: application/json' -d "{\"user\":\"${U}admin\",\"password\":\"$ADMIN_PW\"}" "$BASE/api/login" >/dev/null
html_id=$(curl -s -b "$cj" "$BASE/api/docs?limit=500" | jq '[.documents[] | select(.path | endswith("hostile/xss-page.html"))][0].id')
orig=$(curl -s -D - -o /dev/null -b "$cj" "$BASE/api/docs/$html_id/original")
contains "a hostile HTML original is an attachment" "$orig" "Content-Disposition: attachment"
contains "a hostile HTML original is sandboxed" "$orig" "sandbox"
svg_id=$(curl -s -b "$cj" "$BASE/api/docs?limit=500" | jq '[.documents[] | select(.path | endswith("evil.svg"))][0].id')
if [ "$svg_id" != null ]; then
  orig=$(curl -s -D - -o /dev/null -b "$cj" "$BASE/api/docs/$svg_id/original")
  contains "an SVG original is never inline" "$orig" "Content-Disposition: attachment"
fi

# --- the browser ---
rm -rf "$SHOTS"
out="$T/browser.out"
if (cd "$SRC/tests/browser" && BASE_URL="$BASE" SHOTS="$SHOTS" NO_USERS=$NO_USERS \
    ADMIN="${U}admin:$ADMIN_PW" EDITOR="${U}editor:$EDITOR_PW" VIEWER="${U}viewer:$VIEWER_PW" \
    timeout 400 node workbench.test.mjs >"$out" 2>&1); then
  ok "the browser test passed"
else
  not_ok "the browser test failed"
fi
cat "$out"
CHECKS=$((CHECKS + $(grep -c '^ok - ' "$out" || true)))
FAILS=$((FAILS + $(grep -c '^NOT OK - ' "$out" || true)))
CHECKS=$((CHECKS + $(grep -c '^NOT OK - ' "$out" || true)))
kill -0 "$SERVER_PID" 2>/dev/null && ok "the server is still running after the test" || not_ok "the server died: $(tail -c 600 "$T/serve.err")"
stop_server
echo "screenshots: $SHOTS"
finish
