#!/usr/bin/env bash
# test_sandbox.sh - proof of the worker sandbox: a worker that tries, after
# its seccomp filter is on, to open a file for writing, create one, make or
# connect a socket or run a program (DAFTAR_FAULT=open-rw|write-file|socket|
# connect|exec, as code smuggled in by a hostile document would) is killed
# before the call is made; its document fails with a reason naming the
# call, the ingest goes on with the other files, and nothing appears outside
# the case. Opening for reading (DAFTAR_FAULT=open) is refused with EPERM
# rather than fatal (libraries open time-zone and charset tables lazily).
source "$(dirname "$0")/lib.sh"
unset DAFTAR_NO_SECCOMP

F="$T/in"
mkdir -p "$F" "$T/home" "$T/tmp"
kinds="open open-rw write-file socket connect exec"
for k in $kinds; do printf '%s document\n' "$k" > "$F/$k-doc.txt"; done
for i in 1 2 3; do printf 'an ordinary letter %d\n' "$i" > "$F/fine-$i.txt"; done

snapshot() { # what exists outside the cases: the test folder, HOME, TMPDIR
  (cd "$T" && find . -path './case-*' -prune -o -path ./.out -prune -o -path ./.err -prune -o -print | sort)
}
before=$(snapshot)

state() { jqv "$docs" ".documents[] | select(.path==\"$1\") | .status + \"|\" + (.error // \"\")"; }
declare -A call=([open-rw]=openat [write-file]=openat [socket]=socket [connect]=connect [exec]=execve)
for k in $kinds; do
  C="$T/case-$k"
  d init "$C" >/dev/null
  status_is "$k: ingest exits 0" 0 env HOME="$T/home" TMPDIR="$T/tmp" DAFTAR_FAULT="$k:$k-doc" \
    "$DAFTAR" ingest "$C" "$F" -j 2 --timeout 20
  docs=$(d docs "$C" --json)
  if [ "$k" = open ]; then
    eq "open for reading: refused, the document failed with the reason" "$(state "$k-doc.txt")" \
      "failed|the sandbox refused to open /etc/passwd (EPERM)"
  else
    eq "$k: the worker is killed, the document failed with the call named" "$(state "$k-doc.txt")" \
      "failed|killed by the sandbox (seccomp): forbidden system call ${call[$k]}"
  fi
  eq "$k: the other documents are extracted" \
    "$(jqv "$docs" '[.documents[] | select(.status=="ok")] | length')" 8
  check "$k: no text of /etc/passwd reached the case" [ -z "$(d search "$C" root --json | jq -r '.hits[].path')" ]
  eq "$k: nothing pending" "$(jqv "$docs" '[.documents[] | select(.status=="pending")] | length')" 0
  status_is "$k: verify ok" 0 d verify "$C"
done
check "write-file: no file was created in TMPDIR" [ ! -e "$T/tmp/daftar-sandbox-escape" ]
check "write-file: no file was created in /tmp" [ ! -e /tmp/daftar-sandbox-escape ]
eq "nothing was created outside the cases (test folder, HOME, TMPDIR)" "$(snapshot)" "$before"
eq "TMPDIR stays empty" "$(find "$T/tmp" -mindepth 1 | wc -l)" 0

# without a fault the same documents all extract: the filter does not get
# in the way of ordinary parsing
C="$T/case-none"
d init "$C" >/dev/null
d ingest "$C" "$F" -j 2 >/dev/null
docs=$(d docs "$C" --json)
eq "no fault: every document ok" "$(jqv "$docs" '[.documents[] | select(.status=="ok")] | length')" 9
finish
