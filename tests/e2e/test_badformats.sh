#!/usr/bin/env bash
# Hostile documents of the real formats: a PDF of 10,000 pages, a PNG that
# claims 20,000 x 20,000 pixels, a library that prints while the worker's
# stdout/stderr are files. Each is handled within the limits or fails alone
# with a reason; the ingest goes on and its --json output stays valid.
source "$(dirname "$0")/lib.sh"
B="$T/in"
mkdir -p "$B"
printf 'a fine letter\n' > "$B/fine.txt"
# 10,000 pages sharing one content stream (no xref table: MuPDF repairs it)
awk 'BEGIN{
 n=10000; printf "%%PDF-1.4\n";
 printf "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n";
 printf "2 0 obj << /Type /Pages /Count %d /Kids [", n; for(i=0;i<n;i++) printf "%d 0 R ", i+5; printf "] >> endobj\n";
 printf "3 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj\n";
 s="BT /F1 12 Tf 72 720 Td (Page of a very long report about Raqqa) Tj ET";
 printf "4 0 obj << /Length %d >> stream\n%s\nendstream endobj\n", length(s), s;
 for(i=0;i<n;i++) printf "%d 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >> endobj\n", i+5;
 printf "trailer << /Root 1 0 R /Size %d >>\n%%%%EOF\n", n+5 }' > "$B/ten-thousand-pages.pdf"
# a PNG whose header claims 20,000 x 20,000 pixels (the CRC of IHDR from gzip's trailer)
ihdr() { printf 'IHDR\000\000\116\040\000\000\116\040\010\000\000\000\000'; }
crc=$(ihdr | gzip -c | tail -c 8 | head -c 4 | od -An -tx1 | tr -d ' \n' | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
{
  printf '\211PNG\r\n\032\n\000\000\000\015'; ihdr
  printf "$(printf '%s' "$crc" | sed 's/../\\x&/g')"
  printf '\000\000\000\020IDAT'; head -c 16 /dev/zero; printf '\000\000\000\000'
  printf '\000\000\000\000IEND\256B`\202'
} > "$B/huge.png"

C="$T/case"
d init "$C" >/dev/null
# stdout and stderr are files here, as under CI: a worker's library
# messages must neither kill it (RLIMIT_FSIZE) nor reach the JSON
out=$(d ingest "$C" "$B" -j 2 --json 2>"$T/stderr.txt")
check "ingest --json output is valid JSON" bash -c "jq -e . >/dev/null <<<\"\$1\"" _ "$out"
docs=$(d docs "$C" --json)
state() { jqv "$docs" ".documents[] | select(.path==\"$1\") | .status + \"|\" + (.error // \"\")"; }
eq "a fine file beside them is fine" "$(state fine.txt)" "ok|"
pdf=$(d show "$C" ten-thousand-pages.pdf --json)
eq "10,000-page PDF: read" "$(jqv "$pdf" .status)" ok
eq "10,000-page PDF: its page count" "$(jqv "$pdf" .pages)" 10000
contains "10,000-page PDF: the page limit is said" "$(jqv "$pdf" '.notes | join(" ")')" "page limit"
png=$(state huge.png)
contains "20,000 x 20,000 image: fails alone" "$png" "failed|"
case "$png" in *crashed*|*"timed out"*) not_ok "20,000 x 20,000 image: a reason, not a crash ($png)" ;; *) ok "20,000 x 20,000 image: a reason, not a crash" ;; esac
status_is "verify" 0 d verify "$C"
finish
