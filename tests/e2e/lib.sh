# lib.sh - shared helpers for the end-to-end tests: each test sources it,
# gets a fresh folder in $T, and runs the real daftar binary ($DAFTAR).
set -euo pipefail

: "${DAFTAR:?DAFTAR must point at the daftar binary}"
TEST_NAME=$(basename "$0" .sh)
T="${DAFTAR_TEST_TMP:-/tmp}/e2e-$TEST_NAME-$$"
rm -rf "$T"
mkdir -p "$T"
FAILS=0
CHECKS=0
cleanup() {
  chmod -R u+rwX "$T" 2>/dev/null || true
  rm -rf "$T"
}
trap cleanup EXIT

d() { "$DAFTAR" "$@"; }

ok() { CHECKS=$((CHECKS + 1)); echo "ok - $*"; }
not_ok() { CHECKS=$((CHECKS + 1)); FAILS=$((FAILS + 1)); echo "NOT OK - $*"; }

# check DESCRIPTION COMMAND...: the command must succeed
check() {
  local what=$1
  shift
  if "$@"; then ok "$what"; else not_ok "$what"; fi
}

# eq DESCRIPTION GOT WANT
eq() {
  if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}

# status_is DESCRIPTION WANT COMMAND...: exit status of the command
status_is() {
  local what=$1 want=$2 got=0
  shift 2
  "$@" >"$T/.out" 2>"$T/.err" || got=$?
  if [ "$got" == "$want" ]; then ok "$what"; else not_ok "$what: exit $got, want $want; stderr: $(head -c 400 "$T/.err")"; fi
}

# contains DESCRIPTION HAYSTACK NEEDLE
contains() {
  case "$2" in
    *"$3"*) ok "$1" ;;
    *) not_ok "$1: '$3' not in '$(printf %s "$2" | head -c 600)'" ;;
  esac
}

# jqv JSON FILTER: one value from JSON text
jqv() { printf '%s' "$1" | jq -r "$2"; }

finish() {
  echo "$TEST_NAME: $((CHECKS - FAILS)) passed, $FAILS failed"
  [ "$FAILS" -eq 0 ]
}
