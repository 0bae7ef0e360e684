#!/usr/bin/env bash
# daftar user add/list/remove end to end: the password from stdin (one
# line; never on the command line), stored as an Argon2id string with the
# real (interactive) limits, names and roles checked, duplicates refused,
# list in words and JSON, remove, and both written to the audit log.
source "$(dirname "$0")/lib.sh"
C="$T/case"
check "init" d init "$C" >/dev/null

out=$(printf 'correct horse battery\n' | d user add "$C" alice --role admin --json)
eq "add: name" "$(jqv "$out" .user)" alice
eq "add: role" "$(jqv "$out" .role)" admin
check "add editor (no trailing newline, words)" bash -c "printf 'another password' | '$DAFTAR' user add '$C' bob.k --role editor >/dev/null"
check "add viewer" bash -c "printf 'third password\r\n' | '$DAFTAR' user add '$C' carol@desk --role viewer >/dev/null"
status_is "duplicate name refused" 1 bash -c "printf 'yet another one\n' | '$DAFTAR' user add '$C' ALICE --role viewer"
contains "duplicate: says so" "$(cat "$T/.err")" "already a user"
status_is "short password refused" 1 bash -c "printf 'short\n' | '$DAFTAR' user add '$C' dave --role viewer"
status_is "no password refused" 1 bash -c "'$DAFTAR' user add '$C' dave --role viewer </dev/null"
status_is "long password refused" 1 bash -c "head -c 1100 /dev/zero | tr '\\0' x | '$DAFTAR' user add '$C' dave --role viewer"
status_is "bad name refused" 1 bash -c "printf 'password1\n' | '$DAFTAR' user add '$C' 'a b' --role viewer"
status_is "no --role: usage" 2 bash -c "printf 'password1\n' | '$DAFTAR' user add '$C' dave"
status_is "bad --role: usage" 2 bash -c "printf 'password1\n' | '$DAFTAR' user add '$C' dave --role root"
status_is "unknown action: usage" 2 d user rename "$C" alice
status_is "no such case" 1 bash -c "printf 'password1\n' | '$DAFTAR' user add '$T/nocase' dave --role viewer"

list=$(d user list "$C" --json)
eq "list: three users" "$(jqv "$list" '.users|length')" 3
eq "list: sorted names" "$(jqv "$list" '[.users[].name]|join(",")')" "alice,bob.k,carol@desk"
eq "list: roles" "$(jqv "$list" '[.users[].role]|join(",")')" "admin,editor,viewer"
contains "list: created is ISO time" "$(jqv "$list" '.users[0].created')" "T"
words=$(d user list "$C")
contains "list in words" "$words" "bob.k"

hash=$(case_sql "$C" "SELECT hash FROM users WHERE name='alice'")
contains "hash is Argon2id" "$hash" '$argon2id$v=19$m=65536,t=2,p=1$'
eq "the password is not stored" "$(case_sql "$C" "SELECT count(*) FROM users WHERE hash LIKE '%horse%'")" 0

out=$(d user remove "$C" bob.k --json)
eq "remove" "$(jqv "$out" .removed)" bob.k
status_is "remove again: not found" 1 d user remove "$C" bob.k
eq "list after remove" "$(d user list "$C" --json | jq -r '[.users[].name]|join(",")')" "alice,carol@desk"

audit=$(case_sql "$C" "SELECT action || ':' || target || ':' || addr FROM audit ORDER BY id" | paste -sd ' ')
eq "audit: adds and the remove" "$audit" "user_add:alice:cli user_add:bob.k:cli user_add:carol@desk:cli user_remove:bob.k:cli"
if case_sql "$C" "DELETE FROM audit" 2>"$T/.err"; then not_ok "audit rows cannot be deleted"; else
  contains "audit rows cannot be deleted" "$(cat "$T/.err")" "append-only"; fi
eq "audit rows still there" "$(case_sql "$C" "SELECT count(*) FROM audit")" 4
check "verify still passes" d verify "$C" >/dev/null

# a case that only a reader has opened since the upgrade still lists (no users)
check "empty case lists" bash -c "'$DAFTAR' init '$T/empty' >/dev/null && '$DAFTAR' user list '$T/empty' --json | jq -e '.users == []' >/dev/null"
finish
