#!/usr/bin/env bash
# Copies across media (issue #18 item 7): letters typed as text in one
# delivery, the same letters scanned or photographed in another
# (bench/dups-media/make_letters.py --small: three Arabic letters of one
# office sharing letterhead, opening and closing, one English letter; two
# scans and a photo of the first, a scan of the second, a scan and a photo
# of the English one). Each image must be linked to its typed text, with an
# OCR-tolerant similarity, in `dups`, in `new` and in the document view;
# the letters of one office must not be linked to each other; a threshold
# above what OCR leaves (0.99) must drop the photo's link.
source "$(dirname "$0")/lib.sh"
needs_corpus saudinewsnet-ar/2015-07-22.zip saudinewsnet-ar/2015-07-23.zip anercorp-ar/dev.txt anercorp-ar/test.txt aqmar-ar cranfield/cran.all.1400 cisi/CISI.ALL
src=$(cd "$(dirname "$0")/../.." && pwd)
/usr/bin/python3 -c 'import gi, cairo, numpy, PIL; gi.require_version("PangoCairo", "1.0")' 2>/dev/null || {
  echo "skipped: python3-gi, python3-cairo, python3-pil or python3-numpy missing (scripts/install-deps.sh)"; exit 77; }
for fam in Amiri "Noto Sans Arabic" "DejaVu Serif" "Liberation Sans"; do
  fc-list ":family=$fam" family | grep -q . || { echo "skipped: font '$fam' not installed (scripts/install-deps.sh)"; exit 77; }
done

/usr/bin/python3 "$src/bench/dups-media/make_letters.py" "$T/set" --small --split tune --corpora "$CORPORA"
mkdir -p "$T/typed" "$T/media"
cp "$T/set/typed/"* "$T/typed/"
cp "$T/set/img/"* "$T/media/"
eq "six images made" "$(ls "$T/media" | wc -l)" 6
C="$T/case"
d init "$C" >/dev/null
d ingest "$C" "$T/typed" --batch typed >/dev/null
d ingest "$C" "$T/media" --batch media -j 2 >/dev/null
id_of() { d show "$C" "$1" --json | jq .id; }
jqe() { jq -e "$1" >/dev/null <<<"$2"; }  # jqe FILTER JSON: the filter holds
a0=$(id_of tune-ar00.txt); a1=$(id_of tune-ar01.txt); a2=$(id_of tune-ar02.txt); e0=$(id_of tune-en00.txt)
# an image's name ends in .png or .jpg as the degradation chose: look it up
img() { id_of "$(basename "$(ls "$T/media/$1".*)")"; }
a0s=$(img tune-ar00-0-scan); a0p=$(img tune-ar00-1-photo); a0s2=$(img tune-ar00-2-scan)
a1s=$(img tune-ar01-0-scan); e0s=$(img tune-en00-0-scan); e0p=$(img tune-en00-1-photo)
check "the images were OCR'd" jqe '.meta.ocr != null' "$(d show "$C" "$a0p" --meta --json)"

out=$(d dups "$C" --json)
# cluster holding document X, its members as "a,b,c"
# ("text" too: an image whose OCR reads every word right is a copy of the
# letter's text, not a near copy; the English scan and photo are, since
# photos are made rectangular before recognition)
members() { jqv "$out" "[.clusters[]|select((.kind==\"near\" or .kind==\"text\") and (.documents|index($1)))|.documents|map(tostring)|join(\",\")]|join(\";\")"; }
sorted() { printf '%s\n' "$@" | sort -n | paste -sd,; }
eq "dups: the first Arabic letter, its two scans and its photo are one cluster" "$(members "$a0")" "$(sorted "$a0" "$a0s" "$a0p" "$a0s2")"
eq "dups: the second Arabic letter and its scan are one cluster" "$(members "$a1")" "$(sorted "$a1" "$a1s")"
eq "dups: the English letter, its scan and its photo are one cluster" "$(members "$e0")" "$(sorted "$e0" "$e0s" "$e0p")"
eq "dups: the third letter of the office (no image) is in no cluster" "$(members "$a2")" ""
check "dups: the Arabic cluster says its similarity is OCR-tolerant (aligned words), >= 0.8" \
  jqe ".clusters[]|select(.kind==\"near\" and (.documents|index($a0)))|.ocr_aligned == true and .similarity >= 0.8 and .similarity < 1" "$out"
check "dups: the character-gram LSH ran and aligned candidates" jqe '.media.candidates >= 1 and .media.aligned >= 1' "$out"
eq "dups: three clusters of near or same text, nothing else joined" "$(jqv "$out" '[.clusters[]|select(.kind=="near" or .kind=="text")]|length')" 3
contains "dups in words says so" "$(d dups "$C")" "aligned words"

new=$(d new "$C" --batch media --json)
of() { jqv "$new" ".of[]|select(.id==$1)|.of"; }
eq "new: nothing in the media batch is new" "$(jqv "$new" '.new|length')" 0
for x in "$a0s:$a0" "$a0p:$a0" "$a0s2:$a0" "$a1s:$a1" "$e0s:$e0" "$e0p:$e0"; do
  eq "new: image ${x%%:*} is a near copy of its typed letter ${x##*:}" "$(of "${x%%:*}")" "${x##*:}"
done
check "new: the photo's verdict is OCR-tolerant, similarity in [0.8, 1)" \
  jqe ".of[]|select(.id==$a0p)|.kind == \"near\" and .ocr_aligned == true and .similarity >= 0.8 and .similarity < 1" "$new"

# the document view: the photo's page lists its copies with their similarity
show=$(d show "$C" "$a0p" --json)
eq "show: the photo's copies are the typed letter and the two scans" \
  "$(jqv "$show" '[.copies[].id]|sort|map(tostring)|join(",")')" "$(sorted "$a0" "$a0s" "$a0s2")"
check "show: the typed letter is a near copy, aligned, similarity >= 0.8" \
  jqe ".copies[]|select(.id==$a0)|.kind == \"near\" and .ocr_aligned == true and .similarity >= 0.8" "$show"
eq "show: a letter of the same office lists no copies" "$(jqv "$(d show "$C" "$a2" --json)" '.copies|length')" 0
contains "show in words lists the copies" "$(d show "$C" "$a0p")" "tune-ar00.txt"

# the threshold means something: 0.99 is above what OCR leaves of the photo
hi=$(d dups "$C" --threshold 0.99 --json)
eq "dups --threshold 0.99: the photo is linked to nothing" \
  "$(jqv "$hi" "[.clusters[]|select(.kind==\"near\" and (.documents|index($a0p)))]|length")" 0
finish
