#!/usr/bin/env bash
# run-e2e.sh TEST.sh - run one end-to-end test on encrypted cases: the
# test's $DAFTAR becomes tests/crypt/daftar-enc, whose `init CASE` makes
# an encrypted case (--encrypt) and which gives every command the
# passphrase by --key-file. ctest registers some of the suite's tests this
# way as e2e-enc/NAME beside e2e/NAME: the same script checks the same
# behaviour on a case in the clear and on an encrypted one.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${DAFTAR:?DAFTAR must point at the daftar binary}"
tmp="${DAFTAR_TEST_TMP:-/tmp}"
mkdir -p "$tmp"
DAFTAR_KEY_FILE=$(mktemp "$tmp/enc-key.XXXXXX")
trap 'rm -f "$DAFTAR_KEY_FILE"' EXIT
printf 'the passphrase of e2e-enc %s\n' "$$" > "$DAFTAR_KEY_FILE"
# readable by all: a test runs daftar as another user too (test_badinput)
chmod 644 "$DAFTAR_KEY_FILE"
export DAFTAR_KEY_FILE
export DAFTAR_REAL="$DAFTAR"
export DAFTAR="$here/daftar-enc"
# for the tests only: Argon2id at its cheapest (docs/SECURITY.md)
export DAFTAR_TEST_PWHASH_LIMITS=1:8192
bash "$1"
