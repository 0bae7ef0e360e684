#!/usr/bin/env bash
# make-small-trove.sh OUT - a small trove for the end-to-end tests: letters
# in several encodings, an HTML page, a nested zip, an exact copy, an empty
# file. Deterministic: the same bytes every time.
set -euo pipefail
out=$1
rm -rf "$out"
mkdir -p "$out/letters/2016" "$out/copies" "$out/web"
ar='بسم الله الرحمن الرحيم
إلى الأخ والي الرقة أبو محمد العدناني
نحيطكم علماً بأن رواتب شهر رجب قد صرفت.'
en='Memo: salaries for the Raqqa office were paid in July.'
ru='Отчёт о поставках в Ракку. Колонна с горючим вышла из Дейр-эз-Зора утром и прибыла в город вечером. Водители получили зарплату за два месяца.'
printf '%s\n' "$ar" > "$out/letters/2016/letter-utf8.txt"
printf '\xef\xbb\xbf%s\n' "$ar" > "$out/letters/2016/letter-bom.txt"
printf '%s\n' "$ar" | iconv -f UTF-8 -t UTF-16 > "$out/letters/2016/letter-utf16.txt"
printf '%s\n' "$ar" | iconv -f UTF-8 -t CP1256 > "$out/letters/2016/letter-cp1256.txt"
printf '%s\n' "$ar" | sed 's/ً//' | iconv -f UTF-8 -t ISO-8859-6 > "$out/letters/2016/letter-iso88596.txt"
printf '%s\n' "$ru" | iconv -f UTF-8 -t KOI8-R > "$out/letters/report-koi8.txt"
printf 'Note de service: le chef a décidé — réunion à Deir ez-Zor.\n' | iconv -f UTF-8 -t CP1252 > "$out/letters/note-cp1252.txt"
printf '%s\n' "$en" > "$out/letters/memo.txt"
cp "$out/letters/memo.txt" "$out/copies/memo-copy.txt"
: > "$out/letters/empty.txt"
cat > "$out/web/article.html" <<'HTML'
<html lang="en"><head><title>Checkpoints around Raqqa</title>
<style>body { color: red; }</style><script>var hidden = "scriptword";</script></head>
<body><nav><a href="/">Home</a></nav><h1>Checkpoints</h1><p>New checkpoints were set up near Tabqa &amp; Raqqa.</p></body></html>
HTML
mkdir -p "$out/.zipsrc/2016/inner"
printf '%s\nرسالة رقم ١٧\n' "$ar" > "$out/.zipsrc/2016/letter-17.txt"
printf 'Letter 18: the convoy leaves at dawn.\n' > "$out/.zipsrc/2016/letter-18.txt"
printf 'inner letter in a zip in a zip\n' > "$out/.zipsrc/2016/inner/deep.txt"
touch -d '2016-03-01 10:00:00 UTC' "$out/.zipsrc/2016/letter-17.txt" "$out/.zipsrc/2016/letter-18.txt" "$out/.zipsrc/2016/inner/deep.txt"
(cd "$out/.zipsrc/2016/inner" && zip -qX ../inner.zip deep.txt)
rm -rf "$out/.zipsrc/2016/inner"
touch -d '2016-03-01 10:00:00 UTC' "$out/.zipsrc/2016/inner.zip" "$out/.zipsrc/2016"
(cd "$out/.zipsrc" && zip -qXr "$out/letters.zip" 2016)
rm -rf "$out/.zipsrc"
find "$out" -exec touch -h -d '2016-03-01 10:00:00 UTC' {} +
