#!/usr/bin/env bash
# test_hostile.sh - ingest the hostile-file corpus (tests/hostile/
# make-hostile.sh: bombs, 10,000-deep nesting, traversal and symlink
# members, billion laughs and XXE, PDF loops, a 100,000-page PDF, a PNG of
# 100000 x 100000, broken UTF-8/UTF-16, a 50 MB mail header, a 100 MB
# single line) with the default limits. daftar must exit 0, not crash, keep
# its peak RSS (daftar and its workers, /usr/bin/time -v) under 1 GiB,
# write nothing outside the case (scratch HOME and an empty TMPDIR are
# checked before/after, and the traversal targets under /tmp), leave every
# file extracted or failed with a reason, pass verify, and finish within
# 10 minutes (the per-document timeouts are the protection).
source "$(dirname "$0")/lib.sh"
unset DAFTAR_NO_SECCOMP DAFTAR_FAULT

H="$T/hostile"
bash "$(dirname "$0")/../hostile/make-hostile.sh" "$H"
# the 100 MB single line is made here and deleted with $T (16 MB under
# the sanitizers, where the text pipeline runs about 10 times slower)
big_mb=100
[ "${DAFTAR_SANITIZE:-0}" = 1 ] && big_mb=16
python3 -c "
import sys
w = 'lorem ipsum dolor sit amet الرقة '.encode()
n = $big_mb << 20
sys.stdout.buffer.write((w * (n // len(w) + 1))[:n])" > "$H/text/one-line-${big_mb}MB.txt"
# a true zip quine (droste.zip, from Apache Tika's test documents) when the
# shared corpus is here: make-hostile.sh only has stand-ins
droste="$CORPORA/tika-test-documents/droste.zip"
if [ -f "$droste" ]; then cp "$droste" "$H/quine/droste.zip"
else echo "# droste.zip not here (../shared/corpora not present): the quine stand-ins only"; fi
nfiles=$(find "$H" -type f -printf . | wc -c) # names may hold newlines
echo "# hostile corpus: $nfiles files, $(du -sm "$H" | cut -f1) MB on disk"

mkdir -p "$T/home" "$T/tmp"
targets="/tmp/daftar-hostile-x /tmp/daftar-hostile-y /tmp/daftar-hostile-tar /tmp/daftar-hostile-abs
  /tmp/daftar-hostile-via-dir /tmp/daftar-sandbox-escape"
for f in $targets; do rm -f "$f"; done
snapshot() { # every file outside the case with its size and mtime; folders by name
  (cd "$T" && find . -path ./case -prune -o -path ./.out -prune -o -path ./.err -prune \
    -o -path ./time.txt -prune -o -path ./ingest.json -prune -o -type d -printf '%p/\n' \
    -o -printf '%p %s %T@\n' | sort)
}
before=$(snapshot)

C="$T/case"
d init "$C" >/dev/null
limit=600
[ "${DAFTAR_SANITIZE:-0}" = 1 ] && limit=1500
t0=$(date +%s)
rc=0
HOME="$T/home" TMPDIR="$T/tmp" timeout -s KILL "$limit" /usr/bin/time -v -o "$T/time.txt" \
  "$DAFTAR" ingest "$C" "$H" -j 2 --json > "$T/ingest.json" 2> "$T/.err" || rc=$?
secs=$(($(date +%s) - t0))
echo "# ingest of the hostile corpus: ${secs}s, exit $rc"
eq "ingest exits 0" "$rc" 0
check "ingest finished within ${limit}s" [ "$secs" -lt "$limit" ]
check "ingest printed one JSON document" jq -e . "$T/ingest.json" >/dev/null
check "no sanitizer report" [ -z "$(grep -aE 'Sanitizer|runtime error' "$T/.err")" ]
rss_kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$T/time.txt")
bound_kb=$((1 << 20))
[ "${DAFTAR_SANITIZE:-0}" = 1 ] && bound_kb=$((3 << 20))
echo "# peak RSS of daftar and its workers: $((rss_kb / 1024)) MiB (bound $((bound_kb / 1024)) MiB)"
check "peak RSS under $((bound_kb / 1024)) MiB" [ "${rss_kb:-999999999}" -lt "$bound_kb" ]

docs=$(d docs "$C" --json --limit 100000)
echo "$docs" | jq -r '.documents[] | "# " + .status + "  " + (.path | .[0:70]) + "  " + ((.error // "") | .[0:80])'
eq "nothing pending" "$(jqv "$docs" '[.documents[] | select(.status == "pending")] | length')" 0
eq "every document ok or failed" \
  "$(jqv "$docs" '[.documents[] | select(.status != "ok" and .status != "failed")] | length')" 0
eq "every failure has a reason" \
  "$(jqv "$docs" '[.documents[] | select(.status == "failed" and ((.error // "") == ""))] | length')" 0
eq "every file of the corpus is in the case" \
  "$(jqv "$docs" '[.documents[].paths[] | select(contains("!") | not)] | length')" "$nfiles"
state() { jqv "$docs" "[.documents[] | select(.path == \"$1\")][0] | .status + \"|\" + (.error // \"\")"; }
contains "flat bomb: failed as a zip bomb" "$(state bombs/flat-1GiB.zip)" "failed|zip bomb"
contains "42-style bomb: the innermost layer failed as a bomb" \
  "$(jqv "$docs" '[.documents[] | select(.path | startswith("bombs/nested")) | .error // ""] | join(" ")')" "zip bomb"
contains "10,000-deep zip: stopped at the depth limit" \
  "$(jqv "$docs" '[.documents[] | select(.path | startswith("deep/deep-10000.zip")) | .error // ""] | join(" ")')" "nested more than"
contains "10,000 gzip layers: failed" "$(state deep/deep-10000.txt.gz)" "failed|"
contains "huge PNG: refused" "$(state image/huge-100000x100000.png)" "failed|image too large"
contains "60,000 x 60,000 PNG: refused" "$(state image/huge-60000x60000.png)" "failed|image too large"
contains "65,500 x 65,500 JPEG: refused" "$(state image/huge-65500x65500.jpg)" "failed|image too large"
contains "70,000 x 70,000 TIFF: refused" "$(state image/huge-70000x70000.tif)" "failed|"
contains "cut JPEG: failed with the reason" "$(state image/truncated.jpg)" "failed|image could not be decoded"
case "$(state image/truncated.png)" in
  "ok|" | failed\|?*) ok "cut PNG: what libpng could read, or failed with a reason" ;;
  *) not_ok "cut PNG: $(state image/truncated.png)" ;;
esac
eq "one-pixel PNG: read, nothing to say" "$(state image/one-pixel.png)" "ok|"
contains "HEIC with a broken box tree: failed with libheif's reason" "$(state image/broken-boxes.heic)" "failed|not a readable HEIF image"
eq "10,000-page TIFF: read" "$(state image/pages-10000.tif)" "ok|"
tifnotes=$(d show "$C" image/pages-10000.tif --json | jq -r '[.notes[]?] | join(" ")')
contains "10,000-page TIFF: counted up to the limit, and says so" "$tifnotes" "only the first 1000 were counted"
contains "10,000-page TIFF: OCR stopped at the page limit" "$tifnotes" "pages were OCR'd"
contains "billion laughs in docx: failed" "$(state xml/laughs.docx)" "failed|"
contains "billion laughs in odt: failed" "$(state xml/laughs.odt)" "failed|"
for f in xml/xxe.docx xml/xxe.odt xml/xxe.svg; do
  check "$f: no external entity was read" [ -z "$(d show "$C" "$f" --text 2>/dev/null | grep -aE 'root:|daemon:')" ]
done
check "no /etc/passwd text anywhere in the case" [ -z "$(d search "$C" 'root daemon' --json | jq -r '.hits[].path')" ]
if [ -f "$H/quine/droste.zip" ]; then
  contains "zip quine: not opened again" "$(d show "$C" quine/droste.zip)" "a copy of the archive itself"
fi
eq "big single line: extracted" "$(state "text/one-line-${big_mb}MB.txt")" "ok|"
eq "50 MB mail header: the mbox is read" "$(state mail/header-50MB.mbox)" "ok|"

for f in $targets; do check "nothing written at $f" [ ! -e "$f" ]; done
eq "TMPDIR stays empty" "$(find "$T/tmp" -mindepth 1 | wc -l)" 0
eq "HOME stays empty" "$(find "$T/home" -mindepth 1 | wc -l)" 0
eq "nothing written outside the case" "$(snapshot)" "$before"
eq "no temporary blobs left" "$(find "$C/blobs/tmp" -type f | wc -l)" 0
check "the case holds only its own files" [ -z "$(cd "$C" && find . -mindepth 1 -maxdepth 1 \
  ! -name blobs ! -name 'store.db*' ! -name custody.log ! -name lock ! -name server.conf)" ]
status_is "verify ok" 0 d verify "$C"
rm -f "$H/text/one-line-${big_mb}MB.txt"
finish
