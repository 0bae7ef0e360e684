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
kinds="open open-rw write-file socket connect exec fork thread-exec"
for k in $kinds; do printf '%s document\n' "$k" > "$F/doc-$k.txt"; done
for i in 1 2 3; do printf 'an ordinary letter %d\n' "$i" > "$F/fine-$i.txt"; done
nfiles=$(find "$F" -type f | wc -l)

snapshot() { # what exists outside the cases: the test folder, HOME, TMPDIR
  (cd "$T" && find . -path './case-*' -prune -o -path ./.out -prune -o -path ./.err -prune -o -print | sort)
}
before=$(snapshot)

state() { jqv "$docs" ".documents[] | select(.path==\"$1\") | .status + \"|\" + (.error // \"\")"; }
declare -A call=([open-rw]=openat [write-file]=openat [socket]=socket [connect]=connect [exec]=execve
  [thread-exec]=execve)
for k in $kinds; do
  C="$T/case-$k"
  d init "$C" >/dev/null
  status_is "$k: ingest exits 0" 0 env HOME="$T/home" TMPDIR="$T/tmp" DAFTAR_FAULT="$k:doc-$k." \
    "$DAFTAR" ingest "$C" "$F" -j 2 --timeout 20
  docs=$(d docs "$C" --json)
  if [ "$k" = open ]; then
    eq "open for reading: refused, the document failed with the reason" "$(state "doc-$k.txt")" \
      "failed|the sandbox refused to open /etc/passwd (EPERM)"
  elif [ "$k" = fork ]; then
    eq "fork: refused (threads are allowed, processes not)" "$(state "doc-$k.txt")" \
      "failed|the sandbox refused fork (EPERM)"
  else
    eq "$k: the worker is killed, the document failed with the call named" "$(state "doc-$k.txt")" \
      "failed|killed by the sandbox (seccomp): forbidden system call ${call[$k]}"
  fi
  eq "$k: the other documents are extracted" \
    "$(jqv "$docs" '[.documents[] | select(.status=="ok")] | length')" $((nfiles - 1))
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
eq "no fault: every document ok" "$(jqv "$docs" '[.documents[] | select(.status=="ok")] | length')" "$nfiles"

# a HEIC photo: libheif's decoder starts a thread, which the filter lets
# through (clone with CLONE_THREAD); a uniform grey 64x64 picture, written
# as Y4M for heif-enc
C="$T/case-heic"
mkdir -p "$T/heic"
{ printf 'YUV4MPEG2 W64 H64 F1:1 Ip A1:1 C420jpeg\nFRAME\n'; head -c 4096 /dev/zero | tr '\0' '\200'
  head -c 2048 /dev/zero | tr '\0' '\200'; } > "$T/heic/grey.y4m"
if heif-enc -q 50 "$T/heic/grey.y4m" -o "$T/heic/grey.heic" >/dev/null 2>&1; then
  rm "$T/heic/grey.y4m"
  d init "$C" >/dev/null
  d ingest "$C" "$T/heic" --timeout 30 >/dev/null
  docs=$(d docs "$C" --json)
  eq "HEIC: decoded inside the sandbox" "$(state grey.heic)" "ok|"
  eq "HEIC: its size" "$(d show "$C" grey.heic --json | jq -r '.meta.width + "x" + .meta.height')" "64x64"
else
  not_ok "heif-enc (Debian libheif-examples) could not make a HEIC"
fi
finish
