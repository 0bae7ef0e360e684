#!/usr/bin/env bash
# make-demo-trove.sh - write a small, fictional demo trove for daftar.
#
#   bash scripts/make-demo-trove.sh OUTDIR
#
# Creates OUTDIR/delivery-1 (first delivery, ingest it as batch "march") and
# OUTDIR/delivery-2 (the "new letters added" delivery, batch "june"): short
# Arabic letters, memos and lists in the style of an armed group's
# administration, plus English, French and Russian notes, a saved web page,
# nested archives, exact copies, a near-copy and a same-text re-encoding.
#
# Everything here is invented for testing; names of places are real, the
# people (apart from the public spokesman named in press notes) are not, and
# phone numbers use "000" blocks or fictional ranges.
#
# Texts are kept in this file as UTF-8 and converted with iconv on the way
# out, so the trove holds UTF-8, UTF-8 with BOM, UTF-16LE with BOM,
# Windows-1256, ISO-8859-6, Windows-1252, KOI8-R and Windows-1251 files.
# Output is deterministic: fixed mtimes, zip -X, sorted tar, gzip -n, TZ=UTC
# (zip stores local time), fixed umask. Needs bash, coreutils, iconv, zip,
# tar and gzip; not python.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
for tool in iconv zip tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-demo-trove: $tool is missing" >&2; exit 1; }
done

export LC_ALL=C TZ=UTC
umask 022

mkdir -p -- "$1"
OUT=$(CDPATH='' cd -- "$1" && pwd)   # absolute: the archive helpers cd elsewhere
D1=$OUT/delivery-1
D2=$OUT/delivery-2
T1='2016-03-01 10:00:00 UTC'
T2='2016-06-01 10:00:00 UTC'

rm -rf "$D1" "$D2"
mkdir -p "$D1" "$D2"
STAGE=$(mktemp -d "${TMPDIR:-/tmp}/demo-trove.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT

# put ENCODING PATH: write stdin (UTF-8 text, LF line ends) to PATH, encoded.
# ENCODING is utf8, utf8-bom, utf16le-bom (CRLF line ends), or an iconv
# charset name, optionally with -crlf. iconv fails, and so does this script,
# on any character the target charset lacks.
put() {
  local enc=$1 path=$2
  mkdir -p "$(dirname "$path")"
  case $enc in
    utf8)        cat > "$path" ;;
    utf8-bom)    { printf '\357\273\277'; cat; } > "$path" ;;
    utf16le-bom) { printf '\377\376'; sed 's/$/\r/' | iconv -f UTF-8 -t UTF-16LE; } > "$path" ;;
    *-crlf)      sed 's/$/\r/' | iconv -f UTF-8 -t "${enc%-crlf}" > "$path" ;;
    *)           iconv -f UTF-8 -t "$enc" > "$path" ;;
  esac
}

# stamp TIME PATH...: set a fixed mtime on files and folders under PATH.
stamp() {
  local t=$1; shift
  find "$@" -exec touch -h -d "$t" {} +
}

# mkzip ZIP DIR MEMBER...: zip MEMBERs (relative to DIR) in the given order,
# without directory entries or extra attributes.
mkzip() {
  local zipfile=$1 dir=$2; shift 2
  rm -f "$zipfile"
  (cd "$dir" && zip -q -X -D "$zipfile" "$@")
}

# mktgz TGZ DIR MEMBER...: a gzipped tar of MEMBERs (relative to DIR).
mktgz() {
  local tgz=$1 dir=$2; shift 2
  tar --sort=name --mtime="$T1" --owner=0 --group=0 --numeric-owner \
      --format=gnu -C "$dir" -cf - "$@" | gzip -n -9 > "$tgz"
}

RLM=$'\342\200\217'     # U+200F RIGHT-TO-LEFT MARK, as a word processor leaves it
FF=$'\377'              # a byte that is never valid UTF-8, for a file name

# ---------------------------------------------------------------------------
# Texts used more than once
# ---------------------------------------------------------------------------

# Letter from the treasury (ديوان بيت المال) to a wali about salaries.
salaries_text() {
cat <<'EOF'
بسم الله الرحمن الرحيم

ديوان بيت المال
الرقم: 77/ب م/1437
التاريخ: 19 جمادى الأولى 1437 هـ

إلى الأخ والي ولاية الخير حفظه الله
السلام عليكم ورحمة الله وبركاته، أما بعد:

فبناءً على ما ورد إلينا من كشوف الرواتب عن شهر جمادى الأولى، نحيطكم علمًا بما يلي:
أولًا: تُصرف كفالات المجاهدين في قواطع الولاية كاملة عن هذا الشهر دون تأخير.
ثانيًا: يُخصم نصف الكفالة عن كل مجاهد تغيب عن نقطته أكثر من سبعة أيام دون إذن.
ثالثًا: تُصرف كفالة الأرامل والأيتام من صندوق الولاية، وقدرها 50 دولارًا للأرملة و35 دولارًا لكل يتيم.
رابعًا: بلغ مجموع ما أُرسل إليكم هذا الشهر 184,500 دولار، سُلمت مع الأخ أبي حمزة الشامي.
خامسًا: يُرجى إعادة الكشوف موقعة من أمراء القواطع قبل نهاية الشهر، مع بيان أسماء المنقطعين.
سادسًا: لا تُقبل الكشوف المكتوبة بخط اليد بعد اليوم، وتُرسل مطبوعة مع نسخة إلكترونية.
سابعًا: يُصرف للإخوة المهاجرين بدل سكن قدره 100 دولار في الشهر لمن لم يُخصص له بيت.
ثامنًا: تُوقف كفالة كل من ثبت عليه بيع سلاحه إلى حين البت في أمره.

نسأل الله أن يبارك في جهودكم.
والسلام عليكم ورحمة الله وبركاته

أمير ديوان بيت المال
أبو سعد الأنصاري
نسخة إلى: ديوان الجند - مكتب الرواتب
EOF
}

# Memo about checkpoints in Raqqa and Deir ez-Zor. ISO-8859-6 has the
# letters, tatweel and tashkeel used here, but no Arabic-Indic digits and no
# guillemets. $1 is rule 2, the sentence the near-copy changes.
checkpoints_text() {
cat <<'EOF'
مـذكـرة داخـلـيـة
من: الإدارة الأمنية - ولاية الرقة
إلى: أمراء الحواجز في الرقة ودير الزور
الموضوع: تنظيم العمل على الحواجز
التاريخ: 2 جمادى الأولى 1437 هـ

1- يُسجَّل على كل حاجز اسم السائق ورقم السيارة ووجهتها في الدفتر المخصص لذلك.
EOF
printf '%s\n' "$1"
cat <<'EOF'
3- يُطلب من المسافرين إبراز البطاقة الشخصية، ومن المهاجرين إبراز ورقة الديوان.
4- يُفتَّش على الحاجز الشمالي عند دوار النعيم كل حافلة داخلة إلى المدينة.
5- يُسلِّم حاجز الجسر القديم في دير الزور كشفًا أسبوعيًا إلى المكتب الأمني في الميادين.
6- لا يُصادَر الهاتف إلا بأمر من أمير الحاجز، ويُكتب بذلك وصل لصاحبه.
7- يُمنع الإخوة على الحواجز من أخذ أي مال من المسافرين، ومن ثبت عليه ذلك يُحال إلى القضاء.
8- يُرفع تقرير يومي بعدد السيارات المارة وأسماء الموقوفين إلى هذه الإدارة.

والله الموفق؛ وعلى الإخوة الالتزام بما ورد أعلاه.
أمير الإدارة الأمنية
أبو يوسف الرقاوي
EOF
}
CHECKPOINT_RULE2='2- يُمنع مرور الشاحنات بين الرقة ودير الزور بعد صلاة العشاء إلا بإذن مكتوب من الإدارة الأمنية.'
CHECKPOINT_RULE2_REV='2- يُسمح بمرور الشاحنات بين الرقة ودير الزور من الفجر حتى صلاة المغرب فقط، وتُعاد كل شاحنة تصل بعد ذلك.'

# ===========================================================================
# delivery-1 (batch "march")
# ===========================================================================

# --- Fighter registration form: UTF-8 -------------------------------------
put utf8 "$D1/diwan-al-jund/registration-0412.txt" <<'EOF'
ديوان الجند - مكتب شؤون المجاهدين
ولاية الرقة

استمارة تسجيل مجاهد
رقم الاستمارة: 0412/ج/1437

الاسم الثلاثي: خالد عبد الرحمن الحسن
الكنية: أبو عبيدة
النسبة: الحمصي
الاسم المعتمد في الديوان: أبو عبيدة الحمصي
اسم الأم: فاطمة العلي
تاريخ الولادة: 1991/04/12
مكان الولادة: حمص، حي الخالدية
الجنسية: سوري
الحالة الاجتماعية: متزوج، وله ولدان
المستوى الدراسي: ثانوية عامة
المهنة السابقة: سائق
تاريخ الانضمام: 3 شعبان 1436 هـ
المزكي: أبو طلحة الأنصاري
جهة الفرز: قاطع الطبقة - النقطة الطبية
رقم الهاتف: 0933 000 417

الكفالة الشهرية المقررة:
- المجاهد: 50 دولارًا
- الزوجة: 35 دولارًا
- عن كل ولد: 35 دولارًا

ملاحظات: سلّم بطاقته الشخصية السورية إلى مكتب الأمنيين، وتُعاد إليه عند الفرز.

توقيع المسؤول: أبو بكر الديري
(ختم الديوان)
EOF

# --- Salaries letter: Windows-1256, CRLF (typed on Windows) ---------------
salaries_text | put WINDOWS-1256-crlf "$D1/diwan-bayt-al-mal/salaries-jumada-1437.txt"

# --- Checkpoints memo: ISO-8859-6 -----------------------------------------
checkpoints_text "$CHECKPOINT_RULE2" | put ISO-8859-6 "$D1/amn/checkpoints-memo.txt"

# --- Contact list: UTF-8 with BOM; RLMs after numbers; one entry typed on a
#     Persian keyboard (keheh ک and farsi yeh ی instead of ك and ي) ---------
put utf8-bom "$D1/lists/contacts-mayadin.txt" <<EOF
قائمة أرقام التواصل - مكتب الإمداد - قاطع الميادين
(محدثة بتاريخ 25/02/2016)

الرقم | الاسم | الكنية | الهاتف | ملاحظات
1 | محمد علي الجاسم | أبو علي | 0944 000 311${RLM} | مسؤول المستودع
2 | عمر حسين الصالح | أبو حفص | 0988 000 702${RLM} | سائق صهريج
3 | عبد الله ياسين الخلف | أبو ياسين الديري | +963 933 000 845${RLM} | الحاجز الجنوبي
4 | يوسف أحمد النجار | أبو أحمد الحلبي | 0955 000 128${RLM} | محاسب
5 | عبد الرحیم کریمی | أبو عمر الخراسانی | +93 70 000 4417${RLM} | مترجم
6 | طارق سليمان العبيد | أبو سليمان | 0933 000 964${RLM} | الاتصالات، رقم تركي: +90 542 000 3317
7 | - | أبو مارية الإعلامي | ثريا +88216 000 4417${RLM} | المكتب الإعلامي
EOF

# --- Hijri-dated letter, Arabic-Indic digits: UTF-16LE with BOM, CRLF -----
put utf16le-bom "$D1/letters/media-circular-1437.txt" <<'EOF'
بسم الله الرحمن الرحيم

ديوان الإعلام المركزي - مكتب الولايات
العدد: ٣٢/إ/١٤٣٧
التاريخ: ١٤ جمادى الأولى ١٤٣٧ هـ
الموافق: ٢٣ شباط ٢٠١٦ م

إلى: الإخوة في المكاتب الإعلامية لولايتي الرقة والخير
الموضوع: توزيع الكلمة الصوتية

السلام عليكم ورحمة الله وبركاته، وبعد:
فقد وصلتنا الكلمة الصوتية الأخيرة للشيخ أبي محمد العدناني، ويُطلب منكم ما يلي:
١- نسخها على أقراص وتوزيعها على النقاط الإعلامية في المدن والقرى خلال ثلاثة أيام.
٢- عرضها في النقاط الإعلامية في الرقة والطبقة والميادين والبوكمال بعد صلاة العصر.
٣- رفع كشف بعدد النسخ الموزعة في كل نقطة إلى مكتب الولايات قبل ٢٠ جمادى الأولى.
٤- صرف مبلغ ٢٥٠ دولارًا لكل نقطة إعلامية بدل تشغيل المولدات والوقود.

للتواصل: الأخ أبو مارية الإعلامي، هاتف ثريا ٠٠٨٨٢١٦٠٠٠٤٤١٧

والسلام عليكم
مسؤول مكتب الولايات
أبو عبد الله المصري
EOF

# --- Circular with full tashkeel, superscript alef and tatweel: UTF-8 -----
put utf8 "$D1/letters/hisba-circular-9.txt" <<'EOF'
بِسْمِ ٱللَّٰهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ

ديـــوان الحـســبـــة
تـعـمـيـم رقم ٩ لعام ١٤٣٧ هـ

إِلَى جَمِيعِ أَصْحَابِ ٱلْمَحَلَّاتِ فِي مَدِينَةِ ٱلرَّقَّةِ:
يُمْنَعُ فَتْحُ ٱلْمَحَلَّاتِ أَثْنَاءَ أَوْقَاتِ ٱلصَّلَاةِ، وَمَنْ خَالَفَ يُغَرَّمُ.
يُلْزَمُ أَصْحَابُ مَحَلَّاتِ ٱلْأَلْبِسَةِ بِإِزَالَةِ ٱلصُّوَرِ عَنْ وَاجِهَاتِهَا خِلَالَ أُسْبُوعٍ.
تُغَرَّمُ كُلُّ مُخَالَفَةٍ بِمَبْلَغِ ٥٠٠٠ لِيرَةٍ سُورِيَّةٍ، وَتُضَاعَفُ عِنْدَ ٱلتَّكْرَارِ.

مَكْتَبُ ٱلْحِسْبَةِ فِي ٱلرَّقَّةِ - شَارِعُ تَلِّ أَبْيَضَ
EOF

# --- English memo from the media office: UTF-8 (plain ASCII) --------------
put utf8 "$D1/media/translation-request.txt" <<'EOF'
To: Translation Office (English, French and Russian sections)
From: Central Media Office, Raqqa
Date: 24 February 2016 (15 Jumada al-Awwal 1437)
Subject: Translation of the latest audio statement

Brothers, please prepare English, French and Russian subtitles for the latest
audio statement of Shaykh Abu Muhammad al-Adnani. Deliver the files to the
media point in Raqqa by Saturday. Keep the transliteration of names as in the
attached list (al-Adnani, not al-Adnany; Raqqa, not Rakka; Deir ez-Zor).
Payment for each translator: USD 100, from the media office budget.
Contact: Abu Maria, Thuraya +88216 000 4417.
EOF

# --- English press summary: UTF-8 -----------------------------------------
put utf8 "$D1/press/press-summary-2016-02.txt" <<'EOF'
PRESS SUMMARY - Syria, week of 22-28 February 2016
Prepared for the editorial desk. Sources: wire copy, monitored statements.

1. Raqqa: Residents report new checkpoints on the roads leading out of Raqqa
   (also spelled Ar-Raqqah) towards Deir ez-Zor, with drivers' names and
   number plates written down at each stop.
2. Statement: A new audio message attributed to the group's spokesman,
   Abu Mohammad al-Adnani (also transliterated Abu Muhammad al-Adnani or
   al-Adnany), circulated on 23 February. It was not independently verified.
3. Deir ez-Zor: Fuel prices rose again; diesel sold at about 250 Syrian pounds
   per litre in the al-Mayadin market.
4. Finances: Several sources describe salary cuts for fighters; one describes
   payments of USD 50 per fighter and USD 35 per dependant.

Contact for this summary: desk@example.org, +44 20 7946 0018
EOF

# --- French/English note: Windows-1252, CRLF (€ œ “ ” – — « » are
#     cp1252-only, so it is not ISO-8859-1) ---------------------------------
put CP1252-crlf "$D1/press/note-redaction-fr.txt" <<'EOF'
Note de synthèse — réunion de rédaction du 29 février 2016

Objet : documents reçus de Raqqa (première livraison, « mars »)

Nous avons reçu une clé USB contenant une vingtaine de fichiers : lettres
administratives en arabe, une liste de numéros de téléphone et un article de
presse. Les lettres mentionnent à plusieurs reprises Abou Mohammed al-Adnani
ainsi que les villes de Raqqa et Deir ez-Zor. Prochaines étapes :
– vérifier l'authenticité des en-têtes et des cachets ;
– faire traduire les lettres par Léa et Frédéric ;
– ne pas publier les numéros de téléphone ; budget de traduction : 1 200 € ;
– cœur du sujet : la gestion des salaires des combattants (“kafala”).

English summary: first delivery received; the letters mention Abu Mohammad
al-Adnani, Raqqa and Deir ez-Zor; translation under way, budget EUR 1,200.
EOF

# --- Russian note: KOI8-R --------------------------------------------------
put KOI8-R "$D1/press/spravka-ru.txt" <<'EOF'
Справка для редакции, 1 марта 2016 г.

Получены документы из Ракки. В одном из писем упоминается официальный
представитель группировки Абу Мухаммад аль-Аднани. Письма касаются выплат
боевикам и блокпостов на дороге между Раккой и Дейр-эз-Зором.
Перевод с арабского: Ахмед Хаддад.
EOF

# --- Saved news article: Windows-1256, charset in a meta tag, CRLF --------
put WINDOWS-1256-crlf "$D1/web/article-raqqa-salaries.html" <<'EOF'
<!DOCTYPE html>
<html lang="ar" dir="rtl">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">
<title>وثائق مسربة تكشف رواتب المقاتلين في الرقة - الأخبار</title>
<style type="text/css">
body { font-family: Tahoma, Arial, sans-serif; background: #fafafa; }
.nav a { color: #036; margin: 0 8px; }
.ad { display: none; }
</style>
<script type="text/javascript">
var _gaq = _gaq || [];
_gaq.push(['_setAccount', 'UA-0000000-1']);
function share() { window.open('https://example.com/share?u=' + encodeURIComponent(location.href)); }
</script>
</head>
<body>
<div class="nav">
<a href="/">الرئيسية</a> | <a href="/syria">سوريا</a> | <a href="/iraq">العراق</a> | <a href="/economy">اقتصاد</a> | <a href="/sport">رياضة</a>
</div>
<div class="ad">إعلان</div>
<h1>وثائق مسربة تكشف رواتب المقاتلين في الرقة ودير الزور</h1>
<p class="byline">بيروت - خاص - 28 شباط/فبراير 2016</p>
<div class="article">
<p>اطلعت "الأخبار" على مجموعة من الوثائق الإدارية المسربة من مدينة الرقة، تتضمن كشوف رواتب واستمارات تسجيل ومذكرات داخلية عن الحواجز بين الرقة ودير الزور.</p>
<p>وتُظهر الوثائق أن كفالة المقاتل الشهرية تبلغ 50 دولارًا، يضاف إليها 35 دولارًا عن الزوجة وعن كل ولد، وأن "ديوان بيت المال" أرسل إلى ولاية الخير أكثر من 184 ألف دولار في شهر واحد.</p>
<p>كما تشير إحدى الوثائق إلى تعميم لتوزيع كلمة صوتية للناطق باسم التنظيم أبو محمد العدناني على النقاط الإعلامية في الرقة والطبقة والميادين.</p>
<p>ولم يتسن التحقق من صحة الوثائق بشكل مستقل.</p>
<p><a href="javascript:share()">شارك المقال</a></p>
</div>
<div class="related"><h3>اقرأ أيضًا</h3><ul><li><a href="/syria/1">ارتفاع أسعار المحروقات في دير الزور</a></li><li><a href="/syria/2">نزوح من ريف الرقة الشرقي</a></li></ul></div>
<div class="footer"><a href="/about">من نحن</a> | <a href="/contact">اتصل بنا</a> | جميع الحقوق محفوظة © 2016</div>
</body>
</html>
EOF

# --- letters.zip: 2016/letter-17.txt (UTF-8), 2016/letter-18.txt
#     (Windows-1256), 2016/inner.tar.gz with two more letters and a zip ----
Z=$STAGE/letters
put utf8 "$Z/2016/letter-17.txt" <<'EOF'
بسم الله الرحمن الرحيم

ديوان الزكاة - ولاية الرقة
الرقم: 17/ز/1437
التاريخ: 7 جمادى الأولى 1437 هـ

إلى الأخ والي الرقة حفظه الله
السلام عليكم ورحمة الله وبركاته، وبعد:

نرفع إليكم كشف ما جُمع من زكاة الزروع والأنعام في قواطع الولاية عن الربع الأخير:
- قاطع الرقة المدينة: 42,300 دولار
- قاطع الطبقة: 18,750 دولار
- قاطع تل أبيض: 9,100 دولار
وقد وُزع منها على الفقراء والمساكين 31,000 دولار، وحُوّل الباقي إلى ديوان بيت المال.
ونُعلمكم أن عددًا من أصحاب المواشي في ريف الرقة الشرقي امتنعوا عن الدفع بحجة الجفاف، ونقترح إمهالهم إلى موسم الحصاد.
كما نطلب تزويدنا بسيارتين لجباة الزكاة في قاطع تل أبيض.

والسلام عليكم
أمير ديوان الزكاة
أبو حذيفة الأنصاري
EOF
put WINDOWS-1256-crlf "$Z/2016/letter-18.txt" <<'EOF'
بسم الله الرحمن الرحيم

مكتب العلاقات العامة والعشائر - ولاية الخير
الرقم: 18/ع/1437
التاريخ: 11 جمادى الأولى 1437 هـ

إلى الأخ والي ولاية الخير حفظه الله
السلام عليكم ورحمة الله وبركاته، وبعد:

عُقد يوم الخميس الماضي في الميادين اجتماع مع وجهاء العشائر من ريف دير الزور الشرقي، وحضره عن المكتب الأخ أبو خالد العراقي.
طلب الوجهاء السماح بعودة العائلات النازحة إلى قرى ريف البوكمال، والإفراج عن ثلاثة موقوفين من أبنائهم لدى الإدارة الأمنية.
كما شكوا من ارتفاع سعر ربطة الخبز إلى 100 ليرة، ومن انقطاع الكهرباء عن البوكمال منذ أسبوعين.
نرى أن يُنظر في طلب الإفراج بعد مراجعة ملفاتهم، وأن يُكلَّف ديوان الخدمات بإصلاح خط الكهرباء.
ونرفق لكم أسماء الحاضرين وأرقام هواتفهم.

والسلام عليكم
مسؤول مكتب العشائر
أبو جاسم الفراتي
EOF
I=$STAGE/inner
put utf8 "$I/letters/letter-19.txt" <<'EOF'
ديوان العقارات والغنائم - ولاية الرقة
قرار تخصيص سكن رقم 19/1437

بناءً على طلب الأخ أبي طلحة الأنصاري المؤرخ في 20 ربيع الآخر 1437 هـ،
يُخصص له المنزل الكائن في الرقة، حي الرميلة، قرب جامع الفردوس، وهو من العقارات المصادرة المسجلة في الديوان تحت الرقم 2231.
يتعهد الساكن بالمحافظة على المنزل وأثاثه، ولا يجوز له بيعه أو تأجيره.
يُلغى التخصيص عند انتقاله إلى ولاية أخرى.

أمير ديوان العقارات
أبو زيد الحلبي
EOF
put ISO-8859-6 "$I/letters/letter-20.txt" <<'EOF'
من: أمير قاطع الطبقة
إلى: ديوان الجند - مكتب شؤون المجاهدين
الموضوع: استفسار عن مجاهد منقطع
التاريخ: 26 جمادى الأولى 1437 هـ

السلام عليكم ورحمة الله وبركاته،
نُعلمكم أن الأخ أبا عبيدة الحمصي، صاحب الاستمارة رقم 0412، تغيب عن النقطة الطبية منذ عشرة أيام دون إذن.
وقد اتصلنا برقمه 0933000417 فلم يرد.
نرجو إفادتنا إن كان قد نُقل إلى قاطع آخر، وإلا فيُوقف صرف كفالته وفق تعميم ديوان بيت المال.

أمير قاطع الطبقة
أبو دجانة التونسي
EOF
R=$STAGE/receipts
put utf8 "$R/receipt-031.txt" <<'EOF'
وصل استلام رقم 031

استلمت أنا الموقع أدناه، أبو حمزة الشامي، من ديوان بيت المال مبلغًا قدره 184,500 دولار أمريكي (مئة وأربعة وثمانون ألفًا وخمسمئة دولار)، لإيصاله إلى والي ولاية الخير، وهو رواتب شهر جمادى الأولى 1437 هـ.

التوقيع: أبو حمزة الشامي
الشاهد: أبو سعد الأنصاري
EOF
stamp "$T1" "$R" "$I" "$Z"
mkzip "$I/receipts.zip" "$R" receipt-031.txt
touch -d "$T1" "$I/receipts.zip"
mktgz "$Z/2016/inner.tar.gz" "$I" letters receipts.zip
touch -d "$T1" "$Z/2016/inner.tar.gz"
mkzip "$D1/letters.zip" "$Z" 2016/letter-17.txt 2016/letter-18.txt 2016/inner.tar.gz

# --- An exact copy under another (Arabic, spaced) name --------------------
mkdir -p "$D1/copies"
cp "$D1/diwan-bayt-al-mal/salaries-jumada-1437.txt" "$D1/copies/كشف الرواتب - نسخة.txt"

# --- An empty file ---------------------------------------------------------
: > "$D1/empty.txt"

# --- A file whose name is not valid UTF-8, if the file system allows it ----
mkdir -p "$D1/misc"
badname="$D1/misc/note-${FF}.txt"
if (: > "$badname") 2>/dev/null; then
  put utf8 "$badname" <<'EOF'
ملاحظة بخط اليد على ظهر كشف الرواتب: مراجعة أسماء المنقطعين مع أبي عبيدة الحمصي قبل نهاية الشهر.
EOF
else
  rmdir "$D1/misc"
fi

stamp "$T1" "$D1"

# ===========================================================================
# delivery-2 (batch "june"): new letters, copies, a near-copy, a bundle
# ===========================================================================

# --- New: transfer letter dated ١٤ رجب ١٤٣٧ هـ, Arabic-Indic digits, UTF-8 -
put utf8 "$D2/new/transfer-rajab-1437.txt" <<'EOF'
بسم الله الرحمن الرحيم

ديوان الجند - مكتب شؤون المجاهدين
العدد: ١٠٤/ج/١٤٣٧
التاريخ: ١٤ رجب ١٤٣٧ هـ
الموافق: ٢١ نيسان ٢٠١٦ م

إلى الأخ والي ولاية الخير حفظه الله
الموضوع: نقل مجاهدين من قاطع الطبقة

السلام عليكم ورحمة الله وبركاته، وبعد:
نُعلمكم بنقل الإخوة الآتية أسماؤهم من قاطع الطبقة إلى قاطع الميادين اعتبارًا من تاريخه:
١- أبو عبيدة الحمصي (خالد عبد الرحمن الحسن)، هاتف ٠٩٣٣ ٠٠٠ ٤١٧
٢- أبو حفص الرقاوي (عمر حسين الصالح)، هاتف ٠٩٨٨ ٠٠٠ ٧٠٢
٣- أبو البراء الجزراوي (سعود ناصر العتيبي)
وتُصرف كفالاتهم من ولايتكم ابتداءً من شهر شعبان ١٤٣٧ هـ.

والسلام عليكم
أمير ديوان الجند
أبو مصعب العراقي
EOF

# --- New: fuel distribution list, Windows-1256, CRLF -----------------------
put WINDOWS-1256-crlf "$D2/new/fuel-mayadin-ramadan.txt" <<'EOF'
كشف توزيع المحروقات - قاطع الميادين
التاريخ: 10 رمضان 1437 هـ

النقطة | الكمية (لتر) | المستلم
الحاجز الجنوبي | 400 | أبو ياسين الديري
المستودع | 1200 | أبو علي
النقطة الطبية | 250 | أبو عبيدة الحمصي

المجموع: 1850 لترًا من المازوت، بسعر 225 ليرة للتر، أي 416,250 ليرة سورية.
ملاحظة: تأخر الصهريج يومين بسبب إغلاق طريق الرقة - دير الزور.
EOF

# --- New: Russian working translation, Windows-1251 ------------------------
put CP1251 "$D2/new/perevod-ru.txt" <<'EOF'
Перевод с арабского, рабочий вариант.

Письмо «Дивана аль-Джунд» от 14 раджаба 1437 г. х. (21 апреля 2016 г.)
о переводе боевиков из сектора Табка в сектор Майадин. Упоминаются
Абу Убайда аль-Хомси и Абу Хафс ар-Раккави.
Переводчик: Ахмед Хаддад, 2 июня 2016 г.
EOF

# --- New: English press summary, UTF-8 ------------------------------------
put utf8 "$D2/new/press-summary-2016-06.txt" <<'EOF'
PRESS SUMMARY - Syria, week of 30 May - 5 June 2016

1. Deir ez-Zor: fuel shortages in al-Mayadin; diesel at about 225 Syrian
   pounds per litre after the Raqqa road was closed for two days.
2. Raqqa: reports of fighters transferred from Tabqa to the Deir Ezzor front,
   among them a man known as Abu Obeida al-Homsi.
3. Statement: no new audio message from Abu Mohammed al-Adnani since late May.
EOF

# --- Exact copies of delivery-1 files, other names and folders ------------
mkdir -p "$D2/archive/2016-02" "$D2/forwarded" "$D2/scans/old" "$D2/forms"
cp "$D1/diwan-bayt-al-mal/salaries-jumada-1437.txt" "$D2/archive/2016-02/kashf-rawatib.txt"
cp "$D1/diwan-al-jund/registration-0412.txt"        "$D2/forms/0412 (copy).txt"
cp "$D1/lists/contacts-mayadin.txt"                 "$D2/scans/old/contacts.txt"
cp "$Z/2016/letter-17.txt"                          "$D2/forwarded/fwd-letter-17.txt"

# --- Same text, other bytes: the salaries letter re-saved as UTF-8, LF ----
salaries_text | put utf8 "$D2/converted/salaries-utf8.txt"

# --- Near-copy: the checkpoints memo with rule 2 rewritten ----------------
checkpoints_text "$CHECKPOINT_RULE2_REV" | put ISO-8859-6 "$D2/near/checkpoints-memo-rev2.txt"

# --- bundle-june.zip: a copy of a delivery-1 letter plus a new letter -----
B=$STAGE/bundle
mkdir -p "$B/old"
cp "$D1/letters/media-circular-1437.txt" "$B/old/circular-32.txt"
put utf8 "$B/new/letter-23.txt" <<'EOF'
ديوان الحسبة - مكتب الرقة
إلى: أمير ديوان الحسبة
الموضوع: مخالفات شهر شعبان
التاريخ: 29 شعبان 1437 هـ

سُجلت خلال شهر شعبان 37 مخالفة في أسواق الرقة، منها 12 مخالفة فتح محلات أثناء الصلاة، و9 مخالفات تدخين، و16 مخالفة في اللباس.
بلغ مجموع الغرامات المحصلة 185,000 ليرة سورية، سُلمت إلى ديوان بيت المال بموجب الوصل رقم 412.
نقترح زيادة عدد الدوريات في سوق الهال وشارع تل أبيض خلال شهر رمضان.

مسؤول مكتب الرقة
أبو عائشة القحطاني
EOF
stamp "$T2" "$B"
mkzip "$D2/bundle-june.zip" "$B" old/circular-32.txt new/letter-23.txt

stamp "$T2" "$D2"

# ---------------------------------------------------------------------------
n1=$(find "$D1" -type f | wc -l)
n2=$(find "$D2" -type f | wc -l)
bytes=$(find "$D1" "$D2" -type f -exec cat {} + | wc -c)
echo "make-demo-trove: $n1 files in $D1 (batch march), $n2 files in $D2 (batch june), $bytes bytes"
