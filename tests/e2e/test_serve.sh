#!/usr/bin/env bash
# daftar serve end to end (docs/API.md): curl on a free loopback port.
# API shapes, originals' headers (inline PDF, HTML as an attachment in a
# sandbox), page PNGs, path traversal, 404/405/413, security headers; with
# users (when `daftar user` exists): 401, cookie flags, wrong password,
# lock-out, CSRF, roles, tags found by tag:, audit; and reads while an
# ingest adds documents.
source "$(dirname "$0")/lib.sh"
tr="$T/trove"
mkdir -p "$tr/ar" "$tr/en" "$tr/web"
printf 'وصل الوفد إلى الرقة صباح اليوم وقابل الوالي.\n' > "$tr/ar/a1.txt"
printf 'The spokesman Abu Muhammad al-Adnani spoke about Raqqa.\n' > "$tr/en/e1.txt"
printf '<html><head><title>t</title></head><body><p>Checkpoints near Tabqa and Raqqa.</p><script>alert(1)</script></body></html>\n' > "$tr/web/page.html"
awk 'BEGIN{ n=3; printf "%%PDF-1.4\n";
 printf "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n";
 printf "2 0 obj << /Type /Pages /Count %d /Kids [", n; for(i=0;i<n;i++) printf "%d 0 R ", i+5; printf "] >> endobj\n";
 printf "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n";
 s="BT /F1 12 Tf 72 720 Td (A report about the Tabqa dam) Tj ET";
 printf "4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", length(s), s;
 for(i=0;i<n;i++) printf "%d 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >> endobj\n", i+5;
 printf "trailer << /Root 1 0 R /Size %d >>\n%%%%EOF\n", n+5 }' > "$tr/en/report.pdf"
C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$tr" --batch one >/dev/null 2>&1

mkdir -p "$T/web"
printf '<!doctype html><title>daftar</title>\n' > "$T/web/index.html"
printf 'console.log(1);\n' > "$T/web/app.js"
export DAFTAR_WEB="$T/web"

trap 'serve_stop; cleanup' EXIT
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

status_is "no users: a non-loopback address is refused" 2 d serve "$C" --listen 0.0.0.0:1
check "serve starts on a free loopback port" serve_start "$C"
contains "serve says it is loopback only" "$(cat "$T/serve.err")" "no users: loopback only, everyone is admin"

s=$(curl -s "$B/api/status")
eq "status: documents" "$(jqv "$s" '.documents')" "$(d status "$C" --json | jq .documents)"
r=$(curl -s "$B/api/search?q=%D8%A7%D9%84%D8%B1%D9%82%D8%A9")
eq "search Arabic: one hit" "$(jqv "$r" '.hits[0].path')" "ar/a1.txt"
contains "search: highlight markers \\u0002 \\u0003, not HTML" "$(jqv "$r" '.hits[0].snippet' | od -c | tr -s ' ')" "002"
r=$(curl -s "$B/api/search?q=Tabqa&facets=1")
eq "search English: two hits" "$(jqv "$r" '.total')" "2"
check "search: facets" bash -c "jq -e '.facets.type' >/dev/null <<<\"\$1\"" _ "$r"
pdf=$(d docs "$C" --json | jq '.documents[] | select(.path=="en/report.pdf") | .id')
html=$(d docs "$C" --json | jq '.documents[] | select(.path=="web/page.html") | .id')
txt=$(d docs "$C" --json | jq '.documents[] | select(.path=="ar/a1.txt") | .id')
r=$(curl -s "$B/api/docs/$pdf?text=1")
eq "show: path" "$(jqv "$r" '.path')" "en/report.pdf"
eq "show: pages" "$(jqv "$r" '.pages')" "3"
eq "show: tags and notes arrays" "$(jqv "$r" '(.tags|type)+(.notes|type)')" "arrayarray"
contains "show text=1: text" "$(jqv "$r" '.text')" "Tabqa"
curl -s -D "$T/h" -o "$T/o" "$B/api/docs/$pdf/original"
h=$(tr -d '\r' < "$T/h")
contains "original PDF: inline application/pdf" "$h" "Content-Type: application/pdf"
contains "original PDF: CSP sandbox" "$h" "Content-Security-Policy: default-src 'none'; sandbox"
eq "original PDF: the bytes" "$(sha256sum < "$T/o" | cut -c1-64)" "$(sha256sum < "$tr/en/report.pdf" | cut -c1-64)"
curl -s -D "$T/h" -o /dev/null "$B/api/docs/$html/original"
h=$(tr -d '\r' < "$T/h")
contains "original HTML: octet-stream" "$h" "Content-Type: application/octet-stream"
contains "original HTML: attachment" "$h" 'Content-Disposition: attachment; filename="page.html"'
contains "original HTML: CSP sandbox" "$h" "Content-Security-Policy: default-src 'none'; sandbox"
contains "original HTML: nosniff" "$h" "X-Content-Type-Options: nosniff"
curl -s -o "$T/p.png" "$B/api/docs/$pdf/pages/2.png"
eq "page 2 is a PNG" "$(head -c 8 "$T/p.png" | od -An -tx1 | tr -d ' \n')" "89504e470d0a1a0a"
eq "page 4 of 3: 404" "$(code "$B/api/docs/$pdf/pages/4.png")" "404"
eq "pages of a text: 404" "$(code "$B/api/docs/$txt/pages/1.png")" "404"
eq "unknown document: 404" "$(code "$B/api/docs/999999")" "404"
eq "unknown entity: 404" "$(code "$B/api/entities/999999")" "404"
eq "unknown endpoint: 404" "$(code "$B/api/nothing")" "404"
eq "PUT: 405" "$(code -X PUT "$B/api/status")" "405"
eq "POST to a read endpoint: 405" "$(code -X POST -H "X-CSRF-Token: $(curl -s "$B/api/me" | jq -r .csrf)" "$B/api/status")" "405"
head -c 2000000 /dev/zero | tr '\0' 'a' > "$T/big"
eq "body over 1 MiB: 413" "$(code -X POST -H 'Content-Type: application/json' --data-binary @"$T/big" "$B/api/docs/$txt/tags")" "413"
eq "traversal /static/../store.db refused" "$(code --path-as-is "$B/static/../store.db")" "400"
eq "traversal /static/%2e%2e/ refused" "$(code --path-as-is "$B/static/%2e%2e/%2e%2e/store.db")" "400"
eq "traversal with a backslash refused" "$(code --path-as-is "$B/static/..%5c..%5cstore.db")" "400"
eq "static: a file of the web folder" "$(curl -s "$B/static/app.js")" "console.log(1);"
curl -s -D "$T/h" -o /dev/null "$B/"
h=$(tr -d '\r' < "$T/h")
contains "/: CSP" "$h" "Content-Security-Policy: default-src 'self'"
contains "/: frame-ancestors none" "$h" "frame-ancestors 'none'"
contains "/: Referrer-Policy" "$h" "Referrer-Policy: no-referrer"
curl -s -D "$T/h" -o /dev/null "$B/api/status"
contains "API: nosniff" "$(tr -d '\r' < "$T/h")" "X-Content-Type-Options: nosniff"
eq "foreign Host (DNS rebinding) refused without users" "$(code -H 'Host: evil.example' "$B/api/status")" "403"
for e in "entities" "graph" "timeline" "dups" "docs" "docs/$txt/entities" "docs/$txt/diff/$pdf"; do
  check "GET /api/$e is JSON" bash -c "curl -sf '$B/api/$e' | jq -e . >/dev/null"
done
eq "no CSRF token: 403" "$(code -X POST -d '{"tag":"x"}' "$B/api/docs/$txt/tags")" "403"
csrf=$(curl -s "$B/api/me" | jq -r .csrf)
eq "local admin tags" "$(curl -s -X POST -H "X-CSRF-Token: $csrf" -d '{"tag":"key"}' "$B/api/docs/$txt/tags" | jq -r '.tags[0]')" "key"

# reads while an ingest adds documents
mkdir -p "$T/more"
for i in $(seq 1 300); do printf 'Document %d about Raqqa and the Tabqa dam, with more words %d.\n' "$i" "$i" > "$T/more/m$i.txt"; done
d ingest "$C" "$T/more" --batch two >/dev/null 2>&1 &
ING=$!
bad=0; n=0
while kill -0 "$ING" 2>/dev/null; do
  for u in "api/search?q=Raqqa" "api/status" "api/docs/$txt"; do
    c=$(code "$B/$u"); n=$((n + 1)); [ "$c" = 200 ] || { bad=$((bad + 1)); echo "  $u: $c" >&2; }
  done
done
wait "$ING" || true
eq "reads during an ingest: none failed ($n requests)" "$bad" "0"
check "the ingest's documents are seen" bash -c "[ \$(curl -s '$B/api/status' | jq .documents) -gt 300 ]"
serve_stop

# ---- users --------------------------------------------------------------------------
uhelp=$(d user 2>&1 || true)
if grep -q "unknown command" <<<"$uhelp"; then
  echo "# daftar user does not exist yet: user tests skipped"
else
  printf 'adminpassword1\n' | d user add "$C" boss --role admin >/dev/null 2>&1
  printf 'editorpassword1\n' | d user add "$C" ed --role editor >/dev/null 2>&1
  printf 'viewerpassword1\n' | d user add "$C" vi --role viewer >/dev/null 2>&1
  check "serve with users" serve_start "$C"
  eq "no session: 401" "$(code "$B/api/status")" "401"
  curl -s -D "$T/h" -o "$T/o" -X POST -d '{"user":"ed","password":"editorpassword1"}' "$B/api/login"
  h=$(tr -d '\r' < "$T/h")
  contains "login: cookie HttpOnly" "$h" "HttpOnly"
  contains "login: cookie SameSite=Strict" "$h" "SameSite=Strict"
  contains "login: cookie Path=/" "$h" "Path=/"
  ck=$(grep -o 'daftar_session=[0-9a-f]*' <<<"$h")
  ecsrf=$(jq -r .csrf "$T/o")
  eq "login: role" "$(jq -r .role "$T/o")" "editor"
  curl -s -D "$T/h" -o /dev/null -H 'X-Forwarded-Proto: https' -X POST -d '{"user":"vi","password":"viewerpassword1"}' "$B/api/login"
  contains "behind https: Secure" "$(tr -d '\r' < "$T/h")" "; Secure"
  eq "wrong password: 401" "$(code -X POST -d '{"user":"ed","password":"nope-nope"}' "$B/api/login")" "401"
  for i in 1 2 3 4 5; do code -X POST -d '{"user":"vi","password":"wrongwrong"}' "$B/api/login" >/dev/null; done
  eq "lock-out after 5 failures: 429" "$(code -X POST -d '{"user":"vi","password":"viewerpassword1"}' "$B/api/login")" "429"
  eq "editor reads" "$(code -b "$ck" "$B/api/status")" "200"
  eq "editor without CSRF: 403" "$(code -b "$ck" -X POST -d '{"tag":"secret-x"}' "$B/api/docs/$pdf/tags")" "403"
  eq "editor tags" "$(curl -s -b "$ck" -H "X-CSRF-Token: $ecsrf" -X POST -d '{"tag":"secretx"}' "$B/api/docs/$pdf/tags" | jq -r '.tags|index("secretx") != null')" "true"
  eq "search tag: finds it" "$(curl -s -b "$ck" "$B/api/search?q=tag:secretx" | jq -r '.hits[0].id')" "$pdf"
  eq "editor: no audit (403)" "$(code -b "$ck" "$B/api/audit")" "403"
  printf 'viewerpassword2\n' | d user add "$C" vi2 --role viewer >/dev/null 2>&1
  curl -s -o "$T/o" -D "$T/h" -X POST -d '{"user":"vi2","password":"viewerpassword2"}' "$B/api/login"
  vck=$(tr -d '\r' < "$T/h" | grep -o 'daftar_session=[0-9a-f]*')
  eq "viewer cannot tag: 403" "$(code -b "$vck" -H "X-CSRF-Token: $(jq -r .csrf "$T/o")" -X POST -d '{"tag":"x"}' "$B/api/docs/$pdf/tags")" "403"
  curl -s -o "$T/o" -D "$T/h" -X POST -d '{"user":"boss","password":"adminpassword1"}' "$B/api/login"
  ack=$(tr -d '\r' < "$T/h" | grep -o 'daftar_session=[0-9a-f]*')
  sleep 1.5
  a=$(curl -s -b "$ack" "$B/api/audit?limit=500")
  contains "audit: the search is there" "$(jqv "$a" '[.events[].action] | join(",")')" "search"
  contains "audit: the tag is there" "$(jqv "$a" '[.events[].action] | join(",")')" "tag"
  eq "users: admin lists them" "$(curl -s -b "$ack" "$B/api/users" | jq '.users|length')" "4"
  serve_stop
fi
finish
