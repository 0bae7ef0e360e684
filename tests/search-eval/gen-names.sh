#!/usr/bin/env bash
# gen-names.sh IDX: picks ANETAC English–Arabic name pairs (Hadj Ameur et al.
# 2017) that occur nowhere in the corpus (IDX: wordindex.sh output of the
# corpus without injections), and prints, tab-separated,
#   edit<TAB>path<TAB><TAB>sentence   (for edits.tsv: inject the name)
#   xscript-lat2ar<TAB>~Latin<TAB>path (Arabic spelling injected in an Arabic article)
#   xscript-ar2lat<TAB>~عربي<TAB>path  (Latin spelling injected in an English abstract)
# Half are Arabic-origin names (Abd…, Khal…, Rash… …), half any other name.
set -euo pipefail
IDX=${1:?usage: gen-names.sh IDX}
HERE=$(cd "$(dirname "$0")" && pwd)
NE="${DAFTAR_SHARED:-$HERE/../../../shared}/corpora/anetac-en-ar/EN-AR NE/EN-AR Named-entities.txt"
cut -f4 "$IDX" | LC_ALL=C sort -u > "$IDX.words"
awk 'NF == 3 && ($1 == "PERSON" || $1 == "LOCATION") && $2 ~ /^[A-Z][a-z]+$/ && length($2) >= 7 && length($2) <= 11 && length($3) >= 10' "$NE" |
  awk -v words="$IDX.words" '
    BEGIN { while ((getline w < words) > 0) have[w] = 1 }
    { lat = tolower($2); ar = $3; gsub("ـ", "", ar); a = ar; gsub("ة", "ه", a); gsub("ى", "ي", a)
      gsub("أ", "ا", a); gsub("إ", "ا", a); gsub("آ", "ا", a)
      if (have[lat] || have[a] || seen[lat]++ || seen2[a]++) next
      arabic = ($2 ~ /^(Abd|Abu|Moham|Muham|Khal|Hass|Huss|Fais|Sult|Rash|Mahm|Yous|Zay|Qas|Khad|Sala|Jama|Nass|Shar|Ghan|Tala|Marz|Bakr|Harb|Qur|Shaw|Hamd|Saad|Walid|Tariq|Ibrah)/)
      if (arabic) A[++na] = $2 "\t" ar; else O[++no] = $2 "\t" ar }
    END { for (i = 1; i <= 12; i++) { print A[int(i * na / 13)]; print O[int(i * no / 13)] } }' > "$IDX.names"
ars=($(cut -f1 "$IDX" | grep '^ar/' | LC_ALL=C sort -u | awk 'NR % 101 == 7'))
ens=($(cut -f1 "$IDX" | grep '^en/' | LC_ALL=C sort -u | awk 'NR % 233 == 11'))
i=0
while IFS=$'\t' read -r lat ar; do
  if [ $((i % 2)) -eq 0 ]; then
    p=${ars[$((i / 2 % ${#ars[@]}))]}
    printf 'edit\t%s\t\tوذكرت مصادر مطلعة أن %s حضر الاجتماع الأخير.\n' "$p" "$ar"
    printf 'xscript-lat2ar\t~%s\t%s\tdoc %s\n' "$lat" "$p" "$ar"
  else
    p=${ens[$((i / 2 % ${#ens[@]}))]}
    printf 'edit\t%s\t\tThe correspondence was forwarded by %s to the committee.\n' "$p" "$lat"
    printf 'xscript-ar2lat\t~%s\t%s\tdoc %s\n' "$ar" "$p" "$lat"
  fi
  i=$((i + 1))
done < "$IDX.names"
