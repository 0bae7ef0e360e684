#!/usr/bin/env bash
# The database of an encrypted case (src/store/cryptvfs.c): store.db is no
# SQLite file to anyone without the key, not even its header; a bit flipped
# in one of its pages is an error naming the file and the page - in the
# command that reads that page (verify) and in a check through the
# encrypting VFS -, never a wrong report; mended, the case verifies again.
source "$(dirname "$0")/lib.sh"
# for the tests only: Argon2id at its cheapest (docs/SECURITY.md)
export DAFTAR_TEST_PWHASH_LIMITS=1:8192
# tests/crypt/case-sql: SQL on an encrypted case's database, through the VFS
CASE_SQL="${DAFTAR_CASE_SQL:-$(dirname "$DAFTAR")/case-sql}"
K="$T/key"
printf 'the passphrase of %s\n' "$$" > "$K"
export DAFTAR_KEY_FILE="$K"
C="$T/case"

status_is "init --encrypt" 0 d init --encrypt --key-file "$K" "$C"
make_bulk_trove "$T/trove" 300
status_is "ingest" 0 d ingest "$C" "$T/trove" --key-file "$K"
status_is "verify" 0 d verify "$C" --key-file "$K"

# without the key: no SQLite database, no SQLite header
check "sqlite3 cannot read store.db" sh -c "! sqlite3 '$C/store.db' 'SELECT count(*) FROM sqlite_schema' 2>'$T/.err'"
contains "sqlite3 says why" "$(cat "$T/.err")" "file is not a database"
check "store.db does not begin with SQLite's header" \
  python3 -c "import sys; sys.exit(open('$C/store.db','rb').read(16) == b'SQLite format 3\\0')"

# a page of the documents table, as SQLite sees it through the VFS
page=$("$CASE_SQL" "$C" "SELECT pageno FROM dbstat WHERE name = 'documents' AND pagetype = 'leaf' ORDER BY pageno LIMIT 1 OFFSET 2")
check "the documents table has leaf pages ($page)" [ -n "$page" ]
page=${page:-2}
flip() {
  python3 - "$C/store.db" $(((page - 1) * 4096 + 1000)) <<'EOF'
import sys
path, off = sys.argv[1], int(sys.argv[2])
with open(path, "r+b") as f:
    f.seek(off)
    b = f.read(1)
    f.seek(off)
    f.write(bytes([b[0] ^ 0x10]))
EOF
}
flip
status_is "an integrity check through the VFS fails" 1 "$CASE_SQL" "$C" "PRAGMA integrity_check"
# verify reads every document: it stops at the page (it used to take the
# failed read for the end of the table, and every document after it for
# "missing from the store")
status_is "verify fails" 1 d verify "$C" --key-file "$K"
contains "... naming the file and the page" "$(cat "$T/.err")" "store.db: read: disk I/O error: store.db page $page: authentication failed"
eq "... and reporting no document missing" "$(grep -c 'missing from the store' "$T/.out" "$T/.err" | awk -F: '{s += $2} END {print s}')" 0

# mended, the case is whole again
flip
status_is "verify after mending" 0 d verify "$C" --key-file "$K"
eq "integrity check after mending" "$("$CASE_SQL" "$C" "PRAGMA integrity_check")" "ok"
finish
