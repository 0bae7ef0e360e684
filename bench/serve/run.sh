#!/usr/bin/env bash
# run.sh [N] - load on the workbench server (docs/BENCHMARKS.md, "Workbench
# server"): a case of N generated letters (bench/dedup/gen.py, default
# 20000), `daftar serve` on a loopback port (no users: no login in the way),
# then wrk against a search endpoint (queries rotated by a Lua script) and
# a document endpoint (ids rotated), with 1, 8 and 64 connections, 10 s
# each. Prints requests/s, p50 and p99 latency and the server's peak RSS
# (VmHWM). Everything under one temporary folder, removed at exit; the
# server is stopped by a trap. Needs wrk (DAFTAR_BENCH=1 install-deps).
set -euo pipefail
N=${1:-20000}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
D=${DAFTAR:-$repo/build/daftar}
W=$(mktemp -d "${TMPDIR:-/tmp}/bench-serve.XXXXXX")
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
command -v wrk >/dev/null || { echo "wrk is missing: DAFTAR_BENCH=1 bash scripts/install-deps.sh" >&2; exit 1; }

python3 "$repo/bench/dedup/gen.py" "$W" "$N" 1 >/dev/null
"$D" init "$W/case" >/dev/null
"$D" ingest "$W/case" "$W/one" -j 2 --json > "$W/ingest.json"
docs=$(jq .documents_added "$W/ingest.json")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$D" serve "$W/case" --listen "127.0.0.1:$port" 2>"$W/serve.log" &
pid=$!
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/api/status" >/dev/null 2>&1 && break; sleep 0.1; done

# words that occur in the generated letters, for rotating queries
words=$("$D" search "$W/case" 'salaries' --limit 1 --json >/dev/null 2>&1; python3 - "$W/one" <<'EOF'
import os, sys, collections, re
c = collections.Counter()
root = sys.argv[1]
for i, (d, _, fs) in enumerate(os.walk(root)):
    for f in fs[:200]:
        c.update(re.findall(r"\w{5,}", open(os.path.join(d, f), encoding="utf-8", errors="ignore").read().lower()))
    if i > 50:
        break
from urllib.parse import quote
print(" ".join(quote(w) for w, _ in c.most_common(400)[100:164]))
EOF
)
cat > "$W/search.lua" <<EOF
local words = {}
for w in string.gmatch("$words", "%S+") do words[#words + 1] = w end
local i = 0
request = function()
  i = i + 1
  local a, b = words[(i % #words) + 1], words[((i * 7) % #words) + 1]
  return wrk.format("GET", "/api/search?q=" .. a .. "%20" .. b .. "&limit=20")
end
EOF
cat > "$W/doc.lua" <<EOF
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/docs/" .. ((i * 7919) % $docs + 1))
end
EOF

echo "case: $docs documents; server on 127.0.0.1:$port; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| endpoint | connections | requests/s | p50 ms | p99 ms | errors |"
echo "|---|---|---|---|---|---|"
for ep in search doc; do
  for c in 1 8 64; do
    t=$((c < 2 ? 1 : 2))
    out=$(wrk -t"$t" -c"$c" -d10s --latency -s "$W/$ep.lua" "http://127.0.0.1:$port" 2>&1) ||
      { echo "wrk failed: $out" >&2; continue; }
    rps=$(printf '%s\n' "$out" | awk '/Requests\/sec/ {print $2}')
    p50=$(printf '%s\n' "$out" | awk '$1 == "50%" {print $2}')
    p99=$(printf '%s\n' "$out" | awk '$1 == "99%" {print $2}')
    err=$(printf '%s\n' "$out" | awk '/Non-2xx|Socket errors/ {e = e $0 " "} END {print e ? e : "0"}')
    echo "| /api/$ep | $c | $rps | $p50 | $p99 | $err |"
  done
done
echo "server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$pid/status); load after: $(cut -d' ' -f1-3 /proc/loadavg)"
