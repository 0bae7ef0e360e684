#!/usr/bin/env bash
# Server mode over TLS, with its blobs encrypted (#22, docs/SCALING.md):
# a self-signed CA and a server certificate for localhost and 127.0.0.1
# made here with openssl, a throw-away PostgreSQL on loopback with ssl=on
# that rejects TCP connections without TLS (tests/pg/pg.sh, PG_SSL_DIR),
# and a server-mode case made with `init --store URL --encrypt` whose URL
# asks libpq for sslmode=verify-full and names the CA (sslrootcert):
# ingest, search, a worker, the workbench and verify all reach the
# database through it. The wrong CA, a host name the certificate does not
# name, and a connection without TLS are refused with libpq's reason.
# The blobs on the shared folder are ciphertext under keyed names, the
# key slots beside them; a mount without them is refused.
source "$(dirname "$0")/lib.sh"
PGLIB="$(cd "$(dirname "$0")/../pg" && pwd)/pg.sh"
# shellcheck source=../pg/pg.sh
source "$PGLIB"
command -v openssl >/dev/null || { not_ok "openssl is not installed"; finish; exit 1; }

# ---- a CA, a server certificate it signs, and a second, unrelated CA
ssl="$T/ssl"
mkdir -p "$ssl"
mkca() { # mkca NAME: NAME.key, NAME.crt (self-signed, CA:true)
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=daftar test $1" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
    -keyout "$ssl/$1.key" -out "$ssl/$1.crt" 2>/dev/null
}
mkca ca
mkca other-ca
openssl req -newkey rsa:2048 -nodes -subj /CN=localhost -keyout "$ssl/server.key" -out "$ssl/server.csr" 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$ssl/ext"
openssl x509 -req -in "$ssl/server.csr" -CA "$ssl/ca.crt" -CAkey "$ssl/ca.key" -CAcreateserial -days 2 \
  -extfile "$ssl/ext" -out "$ssl/server.crt" 2>/dev/null
check "openssl made a CA and a server certificate it signs" openssl verify -CAfile "$ssl/ca.crt" "$ssl/server.crt"

export PG_SSL_DIR="$ssl"
if ! pg_start daftar; then
  not_ok "pg_start with ssl=on (is postgresql-15 installed? scripts/install-deps.sh)"
  finish
  exit 1
fi
db="postgresql://postgres@localhost:$PG_PORT/daftar"
url="$db?sslmode=verify-full&sslrootcert=$ssl/ca.crt"
url_ip="postgresql://postgres@127.0.0.1:$PG_PORT/daftar?sslmode=verify-full&sslrootcert=$ssl/ca.crt"

# ---- the server takes TLS only
eq "psql over verify-full: the connection is TLS" \
  "$("$PG_BIN/psql" -X -Atc 'select ssl from pg_stat_ssl where pid = pg_backend_pid()' "$url")" t
status_is "a connection without TLS is rejected (pg_hba: hostnossl reject)" 2 \
  "$PG_BIN/psql" -X -Atc 'select 1' "$db?sslmode=disable"

# ---- a server-mode case with encrypted blobs, its URL asking verify-full
key="$T/key"
printf 'the passphrase of test_pg_tls\n' > "$key"
export DAFTAR_TEST_PWHASH_LIMITS=1:8192 # Argon2id at its cheapest (docs/SECURITY.md)
C="$T/case"
out=$(d init --store "$url" "$C" --encrypt --key-file "$key" --json)
eq "init --store URL?sslmode=verify-full --encrypt" "$(jqv "$out" '.store + " " + (.encrypted | tostring)')" \
  "postgresql true"
check "the case folder holds server.conf, keys and blobs/" test -f "$C/server.conf" -a -f "$C/keys" -a -d "$C/blobs"
contains "server.conf keeps the URL as given (sslmode, sslrootcert)" "$(cat "$C/server.conf")" "$url"

tr="$T/trove"
mkdir -p "$tr/sub"
marker=QZXTLSMARKER
printf 'A memo about the Tabqa dam, %s, and the Raqqa office.\n' "$marker" > "$tr/memo.txt"
printf 'تقرير عن سد الطبقة ومكتب الرقة\n' > "$tr/sub/report-ar.txt"
(cd "$tr/sub" && zip -qX "$tr/letters.zip" report-ar.txt)
out=$(d ingest "$C" "$tr" --no-entities --key-file "$key" --json)
# memo.txt, report-ar.txt, letters.zip (its member: report-ar.txt's bytes)
eq "ingest over verify-full: documents" "$(jqv "$out" .documents_added)" 3
eq "search over verify-full" "$(d search "$C" "$marker" --json --key-file "$key" | jq -r '.hits[0].path')" "memo.txt"
eq "search in Arabic" "$(d search "$C" 'الطبقة' --json --key-file "$key" | jq '.total')" 1
# the same case opened by its URL, 127.0.0.1 this time (the certificate's
# IP address), blobs from the folder (--blobs)
eq "status by the URL with 127.0.0.1 (verify-full against the IP SAN)" \
  "$(d status "$url_ip" --blobs "$C" --key-file "$key" --json | jq -c '[.documents, .encrypted.blobs, .encrypted.database]')" \
  "[3,true,false]"
eq "verify over verify-full: every original intact" "$(d verify "$C" --key-file "$key" --json | jq -r .ok)" true

# a worker (another process, its own connection) over the same URL
printf 'a second memo, %s-TWO\n' "$marker" > "$tr/memo2.txt"
d ingest "$C" "$tr" --queue-only --batch two --key-file "$key" >/dev/null
out=$(d worker "$C" -j 1 --exit-when-idle --key-file "$key" --json)
eq "a worker over verify-full extracts the queued document" "$(jqv "$out" .extracted)" 1
eq "search finds the worker's document" "$(d search "$C" "$marker-TWO" --json --key-file "$key" | jq -r '.hits[0].path')" \
  "memo2.txt"

# the workbench over the same URL (lib.sh's serve_start, the passphrase
# given by tests/crypt/daftar-enc)
trap 'serve_stop; pg_cleanup; cleanup' EXIT
if DAFTAR_REAL="$DAFTAR" DAFTAR_KEY_FILE="$key" DAFTAR="$(dirname "$0")/../crypt/daftar-enc" serve_start "$C"; then
  eq "serve over verify-full: search" "$(curl -s "$B/api/search?q=$marker" | jq -r '.hits[0].path')" memo.txt
  id=$(d search "$C" "$marker" --json --key-file "$key" | jq -r '.hits[0].id')
  eq "serve: the original, decrypted from the shared folder" "$(curl -s "$B/api/docs/$id/original" | head -c 6)" "A memo"
else
  not_ok "serve did not start: $(head -c 400 "$T/serve.err")"
fi
serve_stop

# ---- refused: the wrong CA, a name the certificate does not hold, no TLS
bad="$db?sslmode=verify-full&sslrootcert=$ssl/other-ca.crt"
status_is "the wrong CA: exit 1" 1 d status "$bad" --blobs "$C" --key-file "$key"
contains "the wrong CA: libpq's reason" "$(cat "$T/.err")" "certificate verify failed"
contains "the wrong CA: says it could not connect" "$(cat "$T/.err")" "cannot connect to the PostgreSQL server"
wrongname="postgresql://postgres@daftar-wrong-name:$PG_PORT/daftar?hostaddr=127.0.0.1&sslmode=verify-full&sslrootcert=$ssl/ca.crt"
status_is "a host name the certificate does not name: exit 1" 1 d status "$wrongname" --blobs "$C" --key-file "$key"
contains "a host name the certificate does not name: libpq's reason" "$(cat "$T/.err")" "does not match host name"
status_is "sslmode=disable against a TLS-only server: exit 1" 1 \
  d status "$db?sslmode=disable" --blobs "$C" --key-file "$key"
contains "sslmode=disable: the server's refusal" "$(cat "$T/.err")" "no encryption"
status_is "the CA file missing: exit 1" 1 \
  d status "$db?sslmode=verify-full&sslrootcert=$T/none.crt" --blobs "$C" --key-file "$key"

# ---- the blobs on the shared folder are ciphertext under keyed names
nblobs=$(find "$C/blobs" -path "$C/blobs/tmp" -prune -o -type f -print | wc -l)
check "blobs were written ($nblobs)" test "$nblobs" -ge 4
sha=$(sha256sum "$tr/memo.txt" | cut -c1-64)
eq "no blob is named by a document's SHA-256" "$(find "$C/blobs" -name "$sha*" | wc -l)" 0
if grep -rlaF "$marker" "$C" >/dev/null 2>&1; then not_ok "the marker is in a file of the case folder: $(grep -rlaF "$marker" "$C")"
else ok "no file of the case folder holds the marker"; fi
if grep -rlaF 'الطبقة' "$C/blobs" >/dev/null 2>&1; then not_ok "an Arabic word is in a blob"
else ok "no blob holds the Arabic text"; fi
eq "status says: blobs encrypted, not the database" \
  "$(d status "$C" --key-file "$key" --json | jq -c .encrypted)" '{"blobs":true,"custody_log":false,"database":false}'
status_is "a wrong passphrase: exit 1" 1 d status "$C" --key-file <(printf 'not it\n')
# a mount of blobs/ without the key slots beside it is refused, not
# written to in the clear
mkdir -p "$T/mount"
cp -r "$C/blobs" "$T/mount/"
status_is "blobs without keys beside them: exit 1" 1 d status "$url" --blobs "$T/mount" --key-file "$key"
contains "blobs without keys: says what is missing" "$(cat "$T/.err")" "keys"

finish
