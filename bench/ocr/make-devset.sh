#!/usr/bin/env bash
# make-devset.sh OUTDIR [--small] - render the OCR dev set of issue #17 into OUTDIR
# (images, ground truth, manifest.tsv).  Nothing here is committed: the pages are made
# from ../shared/corpora by bench/ocr/make_devset.py with fixed seeds.
#   full set: 360 Arabic + 120 English pages;  --small: 44 + 16 (a subset: same ids, same pages)
# Needs the Debian packages of DAFTAR_BENCH=1 scripts/install-deps.sh (pango/cairo for
# python3, PIL, numpy, the fonts).  JOBS=2 by default (nice 10).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: $0 OUTDIR [--small]" >&2; exit 2; }
out=$1; shift
corpora=${CORPORA:-$here/../../../shared/corpora}
[ -d "$corpora" ] || { echo "make-devset: $corpora not present (see SOURCES.md there)" >&2; exit 1; }
py=/usr/bin/python3   # Debian's python: python3-gi, python3-cairo, PIL and numpy are its packages
$py -c 'import gi, cairo, numpy, PIL; gi.require_version("PangoCairo", "1.0")' 2>/dev/null ||
  { echo "make-devset: missing packages; run DAFTAR_BENCH=1 scripts/install-deps.sh" >&2; exit 1; }
for fam in Amiri "Noto Naskh Arabic" "Noto Kufi Arabic" "Noto Sans Arabic" KacstBook KacstOffice KacstOne \
           AlArabiya "DejaVu Sans" "DejaVu Serif" "Liberation Sans" "Liberation Serif" "Liberation Mono" "Noto Serif"; do
  fc-list ":family=$fam" family | grep -q . || { echo "make-devset: font '$fam' not installed (DAFTAR_BENCH=1 scripts/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "$out"
exec nice -n 10 $py "$here/make_devset.py" "$out" --corpora "$corpora" -j "${JOBS:-2}" "$@"
