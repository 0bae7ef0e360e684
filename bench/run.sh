#!/usr/bin/env bash
# run.sh - the ingest-throughput benchmark (docs/BENCHMARKS.md).
#
#   bash bench/run.sh [--runs N] [--corpus DIR] [--work DIR] [--results FILE]
#                     [--small-files N] [--large-mb N] [--jobs N] [--keep]
#                     [--sets "small large"] [--more]
#
# Generates the corpus (bench/make-corpus.sh) unless --corpus names one made
# before, then for each of its two folders (small/, large/) times, wall clock,
# best of N runs (default 3), page cache dropped before each run when allowed:
#   sha256sum        find DIR -type f -print0 | xargs -0 sha256sum       (the hashing floor)
#   sha256sum -P J   the same with xargs -P J -n 64                      (parallel floor)
#   daftar           daftar ingest CASE DIR -j J          into a fresh case (copies into blobs/)
#   daftar no-copy   daftar ingest CASE DIR -j J --no-copy
#   daftar again     the same ingest re-run on the unchanged folder (incremental)
#   (--more) daftar -j 1, and daftar --no-entities: what a second core and
#                    the entities cost
#   Every copy-mode daftar row notes the peak RSS (/usr/bin/time) and the CPU
#   time of the parent and of the workers (`daftar -v` logs them): the parent
#   is one process, so no number of cores makes the ingest faster than its CPU.
#   recollindex      recollindex -z with a throwaway RECOLL_CONFDIR (topdirs = DIR only)
#   recoll again     recollindex re-run on the unchanged folder (incremental)
# and prints a Markdown table (also written to --results, default
# bench/results-<host>-<date>.md). Everything it makes lives under one
# temporary folder, removed at exit (also on Ctrl-C) unless --keep.
#
# Environment: DAFTAR (the binary; default build/daftar, else build-bench/daftar),
# BENCH_TIMEOUT (seconds allowed to one timed command, default 1800).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
runs=3
corpus=""
work=""
results=""
small_files=20000
large_mb=1024
jobs=2
keep=0
sets="small large"
more=0
timeout_s=${BENCH_TIMEOUT:-1800}

while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --work) work=$2; shift 2 ;;
    --results) results=$2; shift 2 ;;
    --small-files) small_files=$2; shift 2 ;;
    --large-mb) large_mb=$2; shift 2 ;;
    --jobs|-j) jobs=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --sets) sets=$2; shift 2 ;;
    --more) more=1; shift ;;
    -h|--help) sed -n '2,30p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

say() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { say "error: $*"; exit 1; }

# ---- tools --------------------------------------------------------------------
daftar=${DAFTAR:-}
if [ -z "$daftar" ]; then
  for c in "$repo/build/daftar" "$repo/build-bench/daftar"; do
    [ -x "$c" ] && { daftar=$c; break; }
  done
fi
[ -n "$daftar" ] && [ -x "$daftar" ] || die "no daftar binary: run 'make' first or set DAFTAR=/path/to/daftar"
daftar=$(cd "$(dirname "$daftar")" && pwd)/$(basename "$daftar")
command -v python3 >/dev/null || die "python3 is needed (corpus generation, JSON)"
have_recoll=1
if ! command -v recollindex >/dev/null; then
  say "recollindex not found: install it with DAFTAR_BENCH=1 bash scripts/install-deps.sh; its rows are skipped"
  have_recoll=0
fi

# ---- the work folder, removed at exit --------------------------------------------
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/daftar-bench.XXXXXX")
else
  mkdir -p "$work"
  work=$(cd "$work" && pwd)
fi
cleanup() {
  local rc=$?
  if [ "$keep" = 1 ]; then
    say "kept $work"
  else
    rm -rf "$work"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

if [ -z "$corpus" ]; then
  corpus=$work/corpus
  say "generating the corpus in $corpus"
  bash "$here/make-corpus.sh" "$corpus" --small-files "$small_files" --large-mb "$large_mb"
fi
for s in $sets; do [ -d "$corpus/$s" ] || die "$corpus/$s is missing"; done

# ---- page cache -----------------------------------------------------------------
drop_caches_ok=0
drop_caches() {
  [ "$drop_caches_ok" = 1 ] || return 0
  sync
  if [ "$(id -u)" = 0 ]; then echo 3 > /proc/sys/vm/drop_caches; else sudo -n sh -c 'echo 3 > /proc/sys/vm/drop_caches'; fi
}
if { [ "$(id -u)" = 0 ] && sync && (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null; } ||
   { [ "$(id -u)" != 0 ] && sudo -n sh -c 'sync; echo 3 > /proc/sys/vm/drop_caches' 2>/dev/null; }; then
  drop_caches_ok=1
  cache_note="page cache dropped (sync; echo 3 > /proc/sys/vm/drop_caches) before every timed run: cold-cache figures"
else
  cache_note="page cache could NOT be dropped (not root, no sudo): warm-cache figures"
fi
say "$cache_note"

# ---- timing ----------------------------------------------------------------------
now() { date +%s.%N; }
# time_best NAME PREP CMD: runs PREP (untimed), drops the cache, times CMD; N times.
# Sets best_s, median_s, all_s. CMD's stdout of the best run is kept in $work/out/NAME.
mkdir -p "$work/out" "$work/cases"
time_best() {
  local name=$1 prep=$2 cmd=$3 i t0 t1 t rc
  local -a ts=()
  best_s=""
  for ((i = 1; i <= runs; i++)); do
    export run_i=$i
    eval "$prep" >/dev/null 2>>"$work/out/$name.err"
    drop_caches
    t0=$(now)
    set +e
    timeout --kill-after=10 "$timeout_s" bash -c "$cmd" >"$work/out/$name.run" 2>>"$work/out/$name.err"
    rc=$?
    set -e
    t1=$(now)
    [ $rc = 0 ] || { say "$name: run $i failed (exit $rc):"; tail -5 "$work/out/$name.err" >&2; return 1; }
    t=$(python3 -c "print(f'{$t1 - $t0:.3f}')")
    ts+=("$t")
    if [ -z "$best_s" ] || python3 -c "import sys; sys.exit(0 if $t < $best_s else 1)"; then
      best_s=$t
      cp "$work/out/$name.run" "$work/out/$name"
    fi
    say "$name: run $i: $t s"
  done
  all_s="${ts[*]}"
  median_s=$(printf '%s\n' "${ts[@]}" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
}

rows=$work/rows.tsv   # set tool best median all files bytes extra
: >"$rows"
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$rows"; }

json_field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }

recoll_conf() { # DIR CONFDIR [extra line]
  rm -rf "$2"
  mkdir -p "$2/home"
  cat >"$2/recoll.conf" <<EOF
topdirs = $1
dbdir = $2/xapiandb
noaspell = 1
loglevel = 2
logfilename = $2/recoll.log
idxstatusfile = $2/idxstatus.txt
${3:-}
EOF
}
# recollindex with nothing of the user's: its own HOME/XDG folders, no network
recoll_env() { # CONFDIR
  local net=""
  unshare -n true 2>/dev/null && net="unshare -n"
  echo "env HOME=$1/home XDG_CONFIG_HOME=$1/home/.config XDG_CACHE_HOME=$1/home/.cache XDG_DATA_HOME=$1/home/.local/share RECOLL_CONFDIR=$1 $net recollindex"
}

# daftar_copy NAME CASE_PREFIX DIR OPTIONS...: time a copy-mode ingest into a
# fresh case each run (see below), under /usr/bin/time and -v; sets extra
# to its counts, case size, peak RSS and the parent's and workers' CPU
daftar_copy() {
  local name=$1 prefix=$2 dir=$3 opts=$4 tv="" cpu rss
  [ -x /usr/bin/time ] && tv="/usr/bin/time -f %M -o '$work/out/$name.rss'"
  if [ "$nfiles" -ge 1000 ]; then
    time_best "$name" "'$daftar' init '$prefix'\$run_i" "$tv '$daftar' -v ingest '$prefix'\$run_i '$dir' $opts --json"
  else
    time_best "$name" "rm -rf '$prefix'* && '$daftar' init '$prefix'\$run_i" \
      "$tv '$daftar' -v ingest '$prefix'\$run_i '$dir' $opts --json"
  fi
  cpu=$(grep -o 'CPU of the parent [0-9.]* s, of the workers [0-9.]* s' "$work/out/$name.err" | tail -1 |
        sed 's/CPU of the parent \([0-9.]*\) s, of the workers \([0-9.]*\) s/parent CPU \1 s, workers CPU \2 s/' || true)
  rss=$( [ -s "$work/out/$name.rss" ] && awk '{printf "peak RSS %.0f MB", $1 / 1024}' "$work/out/$name.rss" || true)
  rss="$rss$(grep -o 'peak RSS of the parent [0-9]* MB, of the largest worker [0-9]* MB' "$work/out/$name.err" | tail -1 |
        sed 's/peak RSS of the parent \([0-9]*\) MB, of the largest worker \([0-9]*\) MB/ (in the ingest: parent \1 MB, largest worker \2 MB)/' || true)"
  extra="added $(json_field "$work/out/$name" documents_added), dups $(json_field "$work/out/$name" duplicates), failed $(json_field "$work/out/$name" failed); case $(du -sh "$prefix$runs" | cut -f1); $rss; $cpu (last run)"
}

# ---- the runs ----------------------------------------------------------------------
for set in $sets; do
  dir=$corpus/$set
  nfiles=$(find "$dir" -type f | wc -l)
  nbytes=$(find "$dir" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  say "== $set: $nfiles files, $((nbytes / 1000000)) MB"

  time_best "$set-sha256" ":" "find '$dir' -type f -print0 | xargs -0 sha256sum >/dev/null"
  row "$set" "sha256sum" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" ""
  time_best "$set-sha256-P" ":" "find '$dir' -type f -print0 | xargs -0 -P $jobs -n 64 sha256sum >/dev/null"
  row "$set" "sha256sum (xargs -P $jobs)" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" ""

  # A no-copy case is a few files: it is removed between runs. A copy-mode
  # case holds one file per document, and on ext4 without a journal
  # (find_inode_bit/recently_deleted) creating files right after deleting
  # thousands is several times slower in the kernel: so each copy-mode run of
  # a set with many files gets its own case, all removed after the set.
  case_dir=$work/cases/$set-nocopy
  time_best "$set-daftar-nocopy" "rm -rf '$case_dir' && '$daftar' init '$case_dir'" \
    "'$daftar' ingest '$case_dir' '$dir' -j $jobs --no-copy --json"
  extra="added $(json_field "$work/out/$set-daftar-nocopy" documents_added), dups $(json_field "$work/out/$set-daftar-nocopy" duplicates), failed $(json_field "$work/out/$set-daftar-nocopy" failed); case $(du -sh "$case_dir" | cut -f1)"
  row "$set" "daftar ingest -j $jobs --no-copy" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
  rm -rf "$case_dir"

  if [ "$more" = 1 ]; then
    daftar_copy "$set-daftar-j1" "$work/cases/$set-j1-" "$dir" "-j 1"
    row "$set" "daftar ingest -j 1" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
    rm -rf "$work/cases/$set-j1-"*
    daftar_copy "$set-daftar-noent" "$work/cases/$set-noent-" "$dir" "-j $jobs --no-entities"
    row "$set" "daftar ingest -j $jobs --no-entities" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
    rm -rf "$work/cases/$set-noent-"*
  fi
  daftar_copy "$set-daftar" "$work/cases/$set-copy-" "$dir" "-j $jobs"
  case_dir=$work/cases/$set-copy-$runs
  seen=$(json_field "$work/out/$set-daftar" files_seen)
  [ "$seen" = "$nfiles" ] || say "warning: daftar saw $seen files of $nfiles"
  row "$set" "daftar ingest -j $jobs" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
  "$daftar" status "$case_dir" --json >"$work/out/$set-status.json"

  # the case of the last copy-mode run is kept: re-run on the unchanged folder
  time_best "$set-daftar-again" ":" "'$daftar' ingest '$case_dir' '$dir' -j $jobs --json"
  extra="unchanged $(json_field "$work/out/$set-daftar-again" files_unchanged), added $(json_field "$work/out/$set-daftar-again" documents_added)"
  row "$set" "daftar ingest, re-run (incremental)" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
  rm -rf "$work/cases/$set-copy-"*

  if [ "$have_recoll" = 1 ]; then
    # By default recoll skips text files over 20 MB (textfilemaxmbs): the
    # limit is turned off so that recoll reads all the text daftar reads.
    conf=$work/recoll-$set
    recoll_conf "$dir" "$conf" "textfilemaxmbs = -1"
    rx=$(recoll_env "$conf")
    time_best "$set-recoll" "rm -rf '$conf/xapiandb' '$conf/idxstatus.txt'" "$rx -z"
    extra="textfilemaxmbs = -1; $(grep -E '^(filesdone|fileerrors|dbtotdocs)' "$conf/idxstatus.txt" | tr '\n' ' ')db $(du -sh "$conf/xapiandb" | cut -f1)"
    row "$set" "recollindex" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
    time_best "$set-recoll-again" ":" "$rx"
    row "$set" "recollindex, re-run (incremental)" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" ""
    if [ "$set" = large ]; then
      recoll_conf "$dir" "$conf"
      time_best "$set-recoll-default" "rm -rf '$conf/xapiandb' '$conf/idxstatus.txt'" "$rx -z"
      extra="default textfilemaxmbs = 20: the text files are indexed by name only"
      row "$set" "recollindex (default config)" "$best_s" "$median_s" "$all_s" "$nfiles" "$nbytes" "$extra"
    fi
    rm -rf "$conf"
  fi
done

# ---- the table ----------------------------------------------------------------------
host=$(hostname -s 2>/dev/null || echo host)
[ -n "$results" ] || results=$here/results-$host-$(date +%Y%m%d-%H%M).md
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
python3 - "$rows" "$results" "$runs" "$jobs" "$cache_note" "$(nproc)" "$cpu" \
  "$("$daftar" --version 2>/dev/null | sed 's/^daftar //' | head -1) (git $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?'))" \
  "$(dpkg-query -W -f='${Version}' recoll 2>/dev/null || echo '?')" \
  "$(sha256sum --version | head -1)" <<'PY'
import sys, datetime
rows_f, out, runs, jobs, cache_note, ncpu, cpu, dver, rver, sver = sys.argv[1:11]
rows = [l.rstrip("\n").split("\t") for l in open(rows_f, encoding="utf-8") if l.strip()]
lines = []
lines.append(f"Ingest benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}; {ncpu} CPUs ({cpu}); best of {runs} runs, wall clock.")
lines.append(f"daftar {dver}, recoll {rver}, {sver}; {cache_note}.")
lines.append("")
lines.append("| set | command | best s | median s | files/s | MB/s | time ÷ sha256sum | time ÷ sha256sum -P | time ÷ recollindex | notes |")
lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---|")
ref = {}
for s, tool, best, med, allr, nf, nb, extra in rows:
    if tool == "sha256sum": ref[(s, "sha")] = float(best)
    if tool.startswith("sha256sum (xargs"): ref[(s, "shap")] = float(best)
    if tool == "recollindex": ref[(s, "rcl")] = float(best)
def ratio(s, k, t):
    r = ref.get((s, k))
    return f"{t / r:.2f}" if r else "—"
for s, tool, best, med, allr, nf, nb, extra in rows:
    t = float(best)
    nf, nb = int(nf), int(nb)
    fps = nf / t if t > 0 else float("inf")
    mbs = nb / 1e6 / t if t > 0 else float("inf")
    lines.append(f"| {s} ({nf} files, {nb/1e6:.0f} MB) | {tool} | {t:.2f} | {float(med):.2f} | {fps:,.0f} | {mbs:,.1f} | "
                 f"{ratio(s, 'sha', t)} | {ratio(s, 'shap', t)} | {ratio(s, 'rcl', t)} | {extra} (runs: {allr}) |")
text = "\n".join(lines) + "\n"
sys.stdout.write("\n" + text)
with open(out, "w", encoding="utf-8") as f:
    f.write(text)
print(f"\nwritten to {out}", file=sys.stderr)
PY
