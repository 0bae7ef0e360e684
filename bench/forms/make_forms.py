#!/usr/bin/python3
"""make_forms.py - filled forms, letters and near-duplicate families as typed
text files, with their ground truth (issue #18; daftar forms / records).

Seven templates (Arabic, English, bilingual; 5 to 40 fields; layouts:
"label: value" lines, two columns, "| label | value |" boxes, underscores
for empty fields, multi-line indented values), filled with names,
nationalities (Arabic adjectives, English demonyms), dates (day-first,
month-first, ISO, Hijri with هـ), phones, passport numbers; some fields
missing, some empty ("______"), extra lines, and label typos like OCR's
(--noise). Mixed with letters of one office (shared header, Ref/Date/Subject
lines and closing; different senders, dates, bodies) and near-duplicate
families of a report. Also "people" who fill two forms (same name, birth
date, father) for the same-person links.

Usage: make_forms.py OUTDIR [--seed N] [--scale F] [--noise P] [--only-template T --count N]
Writes OUTDIR/files/... and OUTDIR/truth.json. Same seed, same bytes.
"""
import argparse, json, os, random, sys

AR_MALE = ["محمد", "أحمد", "علي", "حسن", "خالد", "عمر", "يوسف", "إبراهيم", "عبد الله", "مصطفى", "سعيد", "طارق",
           "بلال", "حمزة", "أنس", "زياد", "كريم", "ماهر", "نبيل", "وليد", "سامي", "رامي", "فارس", "جمال"]
AR_FEMALE = ["فاطمة", "عائشة", "مريم", "خديجة", "زينب", "سارة", "هدى", "نور", "ليلى", "سلمى", "رنا", "آمنة"]
AR_FAMILY = ["العدناني", "الحسيني", "الشمري", "الدوسري", "القرشي", "التونسي", "المغربي", "الحداد", "النجار",
             "السوري", "العتيبي", "الزهراني", "البغدادي", "الكردي", "الشامي", "الليبي", "الجزائري", "المصري"]
EN_MALE = ["Mohammed", "Ahmed", "Ali", "Hassan", "Khalid", "Omar", "Youssef", "Ibrahim", "Abdullah", "Mustafa",
           "Said", "Tariq", "Bilal", "Hamza", "Anas", "Ziad", "Karim", "Maher", "Nabil", "Walid", "Sami", "John",
           "David", "Thomas", "Lucas", "Adam"]
EN_FAMILY = ["al-Adnani", "al-Husseini", "al-Shammari", "al-Dosari", "al-Qurashi", "Tounsi", "Maghribi",
             "Haddad", "Najjar", "Souri", "al-Otaibi", "al-Zahrani", "al-Baghdadi", "Kurdi", "Shami", "Smith",
             "Dupont", "Karimov", "Yusupov", "Brown"]
# (ISO, Arabic masc, Arabic fem, English)
NATS = [("TN", "تونسي", "تونسية", "Tunisian"), ("MA", "مغربي", "مغربية", "Moroccan"),
        ("SA", "سعودي", "سعودية", "Saudi"), ("EG", "مصري", "مصرية", "Egyptian"),
        ("SY", "سوري", "سورية", "Syrian"), ("IQ", "عراقي", "عراقية", "Iraqi"),
        ("LY", "ليبي", "ليبية", "Libyan"), ("DZ", "جزائري", "جزائرية", "Algerian"),
        ("JO", "أردني", "أردنية", "Jordanian"), ("FR", "فرنسي", "فرنسية", "French"),
        ("GB", "بريطاني", "بريطانية", "British"), ("RU", "روسي", "روسية", "Russian"),
        ("TR", "تركي", "تركية", "Turkish"), ("YE", "يمني", "يمنية", "Yemeni")]
NAT_WEIGHTS = [20, 14, 16, 10, 8, 7, 6, 5, 4, 3, 2, 3, 1, 1]
AR_PLACES = ["تونس", "الرباط", "الرياض", "القاهرة", "دمشق", "بغداد", "طرابلس", "الجزائر", "عمان", "حلب", "الموصل"]
EN_PLACES = ["Tunis", "Rabat", "Riyadh", "Cairo", "Damascus", "Baghdad", "Tripoli", "Algiers", "Amman", "Paris",
             "London", "Moscow"]
AR_JOBS = ["طالب", "مهندس", "عامل", "سائق", "مدرس", "طبيب", "تاجر", "بدون عمل", "ممرض", "محاسب"]
EN_JOBS = ["student", "engineer", "worker", "driver", "teacher", "doctor", "trader", "unemployed", "nurse"]
AR_POINTS = ["تل أبيض", "جرابلس", "أطمة", "باب الهوى", "الراعي"]
EN_POINTS = ["Tal Abyad", "Jarabulus", "Atmeh", "Bab al-Hawa", "al-Rai"]
AR_LEVELS = ["ابتدائي", "متوسط", "ثانوي", "جامعي", "لا يوجد"]
EN_LEVELS = ["primary", "secondary", "university", "none"]
AR_SKILLS = ["قيادة", "حاسوب", "لغات", "طبخ", "إسعاف"]
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
HIJRI_MONTH_DAYS = 29


class Person:
    def __init__(self, rng):
        self.male = rng.random() < 0.85
        i = rng.randrange(len(AR_MALE))
        self.first_ar = (AR_MALE if self.male else AR_FEMALE)[i % len(AR_MALE if self.male else AR_FEMALE)]
        self.first_en = EN_MALE[i % len(EN_MALE)]
        j = rng.randrange(len(AR_FAMILY))
        self.family_ar = AR_FAMILY[j]
        self.family_en = EN_FAMILY[j % len(EN_FAMILY)]
        k = rng.randrange(len(AR_MALE))
        self.father_ar = AR_MALE[k]
        self.father_en = EN_MALE[k % len(EN_MALE)]
        m = rng.randrange(len(AR_FEMALE))
        self.mother_ar = AR_FEMALE[m] + " " + rng.choice(AR_FAMILY)
        self.mother_en = ["Fatima", "Aisha", "Maryam", "Khadija", "Zainab", "Sara", "Huda", "Nour", "Layla",
                          "Salma", "Rana", "Amina"][m] + " " + rng.choice(EN_FAMILY)
        self.nat = rng.choices(NATS, weights=NAT_WEIGHTS)[0]
        self.birth = (rng.randrange(1960, 2004), rng.randrange(1, 13), rng.randrange(1, 29))
        self.entry = (rng.randrange(2013, 2017), rng.randrange(1, 13), rng.randrange(1, 29))
        self.phone = "+963 9%02d %03d %03d" % (rng.randrange(100), rng.randrange(1000), rng.randrange(1000))
        self.passport = "%s%07d" % (rng.choice("ABNPR"), rng.randrange(10 ** 7))
        self.alias = "أبو " + rng.choice(AR_MALE) + " " + rng.choice(["التونسي", "المغربي", "الشامي", "الليبي", "المهاجر"])
        self.alias_en = "Abu " + rng.choice(EN_MALE) + " " + rng.choice(["al-Tunisi", "al-Maghribi", "al-Shami", "al-Libi"])
        self.job_i = rng.randrange(len(AR_JOBS))
        self.place_i = rng.randrange(len(AR_PLACES))
        self.point_i = rng.randrange(len(AR_POINTS))
        self.level_i = rng.randrange(len(AR_LEVELS))
        self.voucher = rng.choice(AR_MALE) + " " + rng.choice(AR_FAMILY)
        self.voucher_en = rng.choice(EN_MALE) + " " + rng.choice(EN_FAMILY)
        self.children = rng.randrange(0, 7)
        self.blood = rng.choice(["A+", "B+", "O+", "AB+", "O-", "A-"])


def iso(d):
    return "%04d-%02d-%02d" % d


def dmy(d):
    return "%02d/%02d/%04d" % (d[2], d[1], d[0])


def mdy(d):
    return "%02d/%02d/%04d" % (d[1], d[2], d[0])


def hijri_of(d):
    """Hijri (tabular, civil) of a Gregorian date: the generator's value; daftar's
    Umm al-Qura may differ by a day, so Hijri fields are checked as written."""
    y, m, dd = d
    a = (14 - m) // 12
    yy = y + 4800 - a
    mm = m + 12 * a - 3
    jd = dd + (153 * mm + 2) // 5 + 365 * yy + yy // 4 - yy // 100 + yy // 400 - 32045
    l = jd - 1948440 + 10632
    n = (l - 1) // 10631
    l = l - 10631 * n + 354
    j = ((10985 - l) // 5316) * ((50 * l) // 17719) + (l // 5670) * ((43 * l) // 15238)
    l = l - ((30 - j) // 15) * ((17719 * j) // 50) - (j // 16) * ((15238 * j) // 43) + 29
    hm = (24 * l) // 709
    hd = l - (709 * hm) // 24
    hy = 30 * n + j - 30
    return hy, hm, hd


# A field: (label, kind, value function(person, lang) -> (written, normalized or None))
def F(label, kind, fn):
    return (label, kind, fn)


def nat_ar(p, rng):
    return (p.nat[2] if not p.male else p.nat[1]), p.nat[0]


def name_ar(p):
    return "%s %s %s" % (p.first_ar, p.father_ar, p.family_ar)


def name_en(p):
    return "%s %s %s" % (p.first_en, p.father_en, p.family_en)


TEMPLATES = {
    # Arabic registration form, label: value lines, 25 fields, day-first dates
    "ar_reg": dict(lang="ar", layout="lines", header=["الدولة الإسلامية", "ديوان الجند", "استمارة تسجيل مجاهد"],
                   fields=[
                       F("الاسم الكامل", "name", lambda p, r: (name_ar(p), None)),
                       F("الكنية", "name", lambda p, r: (p.alias, None)),
                       F("اسم الأم", "name", lambda p, r: (p.mother_ar, None)),
                       F("تاريخ الميلاد", "date", lambda p, r: (dmy(p.birth), iso(p.birth))),
                       F("مكان الولادة", "text", lambda p, r: (AR_PLACES[p.place_i], None)),
                       F("الجنسية", "country", lambda p, r: nat_ar(p, r)),
                       F("الحالة الاجتماعية", "text", lambda p, r: (r.choice(["أعزب", "متزوج"]), None)),
                       F("عدد الأولاد", "number", lambda p, r: (str(p.children), str(p.children))),
                       F("المستوى الدراسي", "text", lambda p, r: (AR_LEVELS[p.level_i], None)),
                       F("المهنة السابقة", "text", lambda p, r: (AR_JOBS[p.job_i], None)),
                       F("فصيلة الدم", "text", lambda p, r: (p.blood, None)),
                       F("العنوان", "text", lambda p, r: (AR_PLACES[p.place_i] + " - حي " + r.choice(AR_FAMILY), None)),
                       F("رقم الهاتف", "phone", lambda p, r: (p.phone, p.phone.replace(" ", ""))),
                       F("رقم جواز السفر", "number", lambda p, r: (p.passport, None)),
                       F("تاريخ الدخول", "date", lambda p, r: (dmy(p.entry), iso(p.entry))),
                       F("منفذ الدخول", "text", lambda p, r: (AR_POINTS[p.point_i], None)),
                       F("اسم المزكي", "name", lambda p, r: (p.voucher, None)),
                       F("الدول التي زارها", "text", lambda p, r: (r.choice(["تركيا", "لا يوجد", "ليبيا", "مصر"]), None)),
                       F("المعلومات الشرعية", "text", lambda p, r: (r.choice(["بسيط", "متوسط", "جيد"]), None)),
                       F("هل سبق له الجهاد", "text", lambda p, r: (r.choice(["لا", "نعم"]), None)),
                       F("استشهادي أم مقاتل", "text", lambda p, r: (r.choice(["مقاتل", "استشهادي"]), None)),
                       F("الاختصاص", "text", lambda p, r: (r.choice(["مقاتل", "أمني", "إداري"]), None)),
                       F("تاريخ الانتساب", "date", lambda p, r: (dmy(p.entry), iso(p.entry))),
                       F("جهة العمل", "text", lambda p, r: (r.choice(["الكتيبة الأولى", "ديوان الجند", "الحسبة"]), None)),
                       F("ملاحظات", "text", lambda p, r: (r.choice(["", "لا يوجد", "يجيد القيادة"]), None)),
                   ]),
    # English personnel form, 20 fields, month-first dates
    "en_personnel": dict(lang="en", layout="lines", header=["PERSONNEL REGISTRATION FORM", "Department of Records"],
                         fields=[
                             F("Full name", "name", lambda p, r: (name_en(p), None)),
                             F("Alias", "name", lambda p, r: (p.alias_en, None)),
                             F("Father's name", "name", lambda p, r: (p.father_en + " " + p.family_en, None)),
                             F("Mother's name", "name", lambda p, r: (p.mother_en, None)),
                             F("Date of birth", "date", lambda p, r: (mdy(p.birth), iso(p.birth))),
                             F("Place of birth", "text", lambda p, r: (EN_PLACES[p.place_i], None)),
                             F("Nationality", "country", lambda p, r: (p.nat[3], p.nat[0])),
                             F("Marital status", "text", lambda p, r: (r.choice(["single", "married"]), None)),
                             F("Number of children", "number", lambda p, r: (str(p.children), str(p.children))),
                             F("Education", "text", lambda p, r: (EN_LEVELS[p.level_i % 4], None)),
                             F("Previous occupation", "text", lambda p, r: (EN_JOBS[p.job_i % 9], None)),
                             F("Blood type", "text", lambda p, r: (p.blood, None)),
                             F("Address", "text", lambda p, r: ("%d %s Street" % (r.randrange(1, 200), r.choice(EN_FAMILY)), None)),
                             F("Phone", "phone", lambda p, r: (p.phone, p.phone.replace(" ", ""))),
                             F("Passport number", "number", lambda p, r: (p.passport, None)),
                             F("Date of entry", "date", lambda p, r: (mdy(p.entry), iso(p.entry))),
                             F("Point of entry", "text", lambda p, r: (EN_POINTS[p.point_i], None)),
                             F("Recommended by", "name", lambda p, r: (p.voucher_en, None)),
                             F("Languages spoken", "text", lambda p, r: (r.choice(["Arabic", "English, Arabic", "French"]), None)),
                             F("Remarks", "text", lambda p, r: (r.choice(["", "none", "fit for training"]), None)),
                         ]),
    # bilingual, 15 fields, ISO dates
    "bi_entry": dict(lang="ar+en", layout="lines", header=["بطاقة دخول / ENTRY CARD"],
                     fields=[
                         F("الاسم / Name", "name", lambda p, r: (name_en(p), None)),
                         F("اسم الأب / Father", "name", lambda p, r: (p.father_en + " " + p.family_en, None)),
                         F("الجنسية / Nationality", "country", lambda p, r: (p.nat[3], p.nat[0])),
                         F("تاريخ الميلاد / Date of birth", "date", lambda p, r: (iso(p.birth), iso(p.birth))),
                         F("رقم الجواز / Passport No", "number", lambda p, r: (p.passport, None)),
                         F("تاريخ الدخول / Date of entry", "date", lambda p, r: (iso(p.entry), iso(p.entry))),
                         F("المنفذ / Border point", "text", lambda p, r: (EN_POINTS[p.point_i], None)),
                         F("الهاتف / Phone", "phone", lambda p, r: (p.phone, p.phone.replace(" ", ""))),
                         F("المهنة / Occupation", "text", lambda p, r: (EN_JOBS[p.job_i % 9], None)),
                         F("العنوان / Address", "text", lambda p, r: (EN_PLACES[p.place_i], None)),
                         F("الكفيل / Sponsor", "name", lambda p, r: (p.voucher_en, None)),
                         F("مدة الإقامة / Length of stay", "text", lambda p, r: ("%d days" % r.randrange(3, 90), None)),
                         F("سبب الزيارة / Purpose", "text", lambda p, r: (r.choice(["work", "study", "family", "transit"]), None)),
                         F("رقم البطاقة / Card No", "number", lambda p, r: (str(r.randrange(10 ** 5, 10 ** 6)), None)),
                         F("التوقيع / Signature", "text", lambda p, r: ("", None)),
                     ]),
    # English two columns, 12 fields, day-first dates
    "en_columns": dict(lang="en", layout="columns", header=["VISITOR LOG SHEET"],
                       fields=[
                           F("Surname", "name", lambda p, r: (p.family_en, None)),
                           F("Given names", "name", lambda p, r: (p.first_en + " " + p.father_en, None)),
                           F("Nationality", "country", lambda p, r: (p.nat[3], p.nat[0])),
                           F("Date of birth", "date", lambda p, r: (dmy(p.birth), iso(p.birth))),
                           F("Sex", "text", lambda p, r: ("M" if p.male else "F", None)),
                           F("Passport", "number", lambda p, r: (p.passport, None)),
                           F("Arrival", "date", lambda p, r: (dmy(p.entry), iso(p.entry))),
                           F("Host", "name", lambda p, r: (p.voucher_en, None)),
                           F("Room", "number", lambda p, r: (str(r.randrange(100, 500)), None)),
                           F("Mobile", "phone", lambda p, r: (p.phone, p.phone.replace(" ", ""))),
                           F("City", "text", lambda p, r: (EN_PLACES[p.place_i], None)),
                           F("Purpose of visit", "text", lambda p, r: (r.choice(["meeting", "delivery", "training"]), None)),
                       ]),
    # Arabic boxes (table rows), 10 fields, Hijri dates
    "ar_boxes": dict(lang="ar", layout="boxes", header=["جدول بيانات الأسير"],
                     fields=[
                         F("الاسم", "name", lambda p, r: (name_ar(p), None)),
                         F("اسم الأب", "name", lambda p, r: (p.father_ar + " " + p.family_ar, None)),
                         F("تاريخ الميلاد", "date", lambda p, r: ("%d/%02d/%02d هـ" % hijri_of(p.birth), None)),
                         F("الجنسية", "country", lambda p, r: nat_ar(p, r)),
                         F("مكان الأسر", "text", lambda p, r: (AR_PLACES[p.place_i], None)),
                         F("تاريخ الأسر", "date", lambda p, r: ("%d/%02d/%02d هـ" % hijri_of(p.entry), None)),
                         F("الجهة الآسرة", "text", lambda p, r: (r.choice(["الكتيبة الأولى", "الكتيبة الثانية"]), None)),
                         F("الحالة الصحية", "text", lambda p, r: (r.choice(["جيدة", "مصاب", "متوسطة"]), None)),
                         F("رقم الملف", "number", lambda p, r: (str(r.randrange(1000, 9999)), None)),
                         F("ملاحظات", "text", lambda p, r: (r.choice(["", "لا يوجد", "نقل إلى السجن"]), None)),
                     ]),
    # English short form, 5 fields, underscores for empties
    "en_short": dict(lang="en", layout="underscores", header=["PAYMENT RECEIPT"],
                     fields=[
                         F("Received from", "name", lambda p, r: (p.first_en + " " + p.family_en, None)),
                         F("Amount", "number", lambda p, r: (str(r.randrange(50, 900) * 10), None)),
                         F("Date", "date", lambda p, r: (dmy(p.entry), iso(p.entry))),
                         F("Purpose", "text", lambda p, r: (r.choice(["salary", "rent", "fuel", "food", ""]), None)),
                         F("Cashier", "name", lambda p, r: (p.voucher_en, None)),
                     ]),
    # Arabic long form, 40 fields, multi-line address, Arabic-Indic digits in numbers
    "ar_long": dict(lang="ar", layout="lines", header=["مكتب الهجرة", "استمارة معلومات شاملة"],
                    fields=[F("الاسم الثلاثي", "name", lambda p, r: (name_ar(p), None)),
                            F("اسم الأب", "name", lambda p, r: (p.father_ar + " " + p.family_ar, None)),
                            F("اسم الأم", "name", lambda p, r: (p.mother_ar, None)),
                            F("تاريخ الميلاد", "date", lambda p, r: (dmy(p.birth), iso(p.birth))),
                            F("الجنسية", "country", lambda p, r: nat_ar(p, r)),
                            F("العنوان الكامل", "text", lambda p, r: (AR_PLACES[p.place_i] + "\n" + "شارع " + r.choice(AR_FAMILY), None)),
                            F("رقم الهاتف", "phone", lambda p, r: (p.phone, p.phone.replace(" ", ""))),
                            F("عدد الإخوة", "number", lambda p, r: (str(p.children).translate(ARABIC_DIGITS), str(p.children)))]
                   + [F(lab, "text", (lambda opts: (lambda p, r: (r.choice(opts), None)))(opts)) for lab, opts in [
                       ("المهنة", AR_JOBS), ("المؤهل العلمي", AR_LEVELS), ("اللغات", ["العربية", "الفرنسية", "الإنجليزية"]),
                       ("المهارات", AR_SKILLS), ("الهوايات", ["القراءة", "الرياضة", "السباحة"]),
                       ("الحالة الصحية", ["جيدة", "متوسطة"]), ("الأمراض المزمنة", ["لا يوجد", "السكري", "الربو"]),
                       ("الخبرة العسكرية", ["لا يوجد", "سنة", "سنتان"]), ("الدورات", ["شرعية", "عسكرية", "لا يوجد"]),
                       ("الوضع المادي", ["جيد", "متوسط", "ضعيف"]), ("السكن الحالي", ["مضافة", "بيت", "مقر"]),
                       ("الأقارب في الدولة", ["لا يوجد", "أخ", "ابن عم"]), ("طريقة التواصل", ["هاتف", "وسيط"]),
                       ("الوسيط", AR_FAMILY), ("المنفذ", AR_POINTS), ("السيارة", ["لا يوجد", "نعم"]),
                       ("السلاح", ["لا يوجد", "بندقية", "مسدس"]), ("الجهاز", ["هاتف", "حاسوب", "لا يوجد"]),
                       ("الحساب", ["لا يوجد", "نعم"]), ("الزوجة", ["لا يوجد", "نعم"]), ("الأولاد", ["لا يوجد", "واحد", "اثنان"]),
                       ("الوالدان", ["أحياء", "متوفى الأب", "متوفاة الأم"]), ("البيعة", ["نعم", "لا"]),
                       ("الكتيبة", ["الأولى", "الثانية", "الثالثة"]), ("الأمير", AR_MALE), ("المنطقة", AR_PLACES),
                       ("المهمة", ["حراسة", "رباط", "إدارة"]), ("الراتب", ["٥٠", "١٠٠", "١٥٠"]),
                       ("التقييم", ["جيد", "ممتاز", "مقبول"]), ("تاريخ التسجيل الأخير", ["١٤٣٦", "١٤٣٧"]),
                       ("توقيع المسؤول", [""]), ("ختم المكتب", [""])]]),
}

LETTER_HEAD = ["ولاية الرقة", "المكتب الإداري", "الرقم: %d/%d", "التاريخ: %s", "الموضوع: %s"]
LETTER_BODIES = [
    "نرجو منكم التكرم بتزويدنا بقائمة أسماء العاملين في القطاع مع بيان الرواتب المستحقة عن الشهر الماضي.",
    "بناء على التوجيهات الصادرة عن الديوان نعلمكم بأنه تقرر نقل الأخ المذكور إلى الكتيبة الثانية اعتبارا من تاريخه.",
    "يرجى تسليم المواد المذكورة في الكشف المرفق إلى مستودع المكتب في أقرب وقت ممكن وإعلامنا بذلك خطيا.",
    "نحيطكم علما بأن الاجتماع الدوري سيعقد يوم الخميس القادم في مقر الولاية بحضور جميع المسؤولين.",
    "تم استلام الكتاب المرسل منكم بخصوص صيانة الآليات وسيتم الرد عليه بعد دراسة التكاليف المطلوبة.",
    "نطلب منكم إرسال تقرير مفصل عن الحوادث التي وقعت في المنطقة خلال الأسبوع الماضي مع أسماء الشهود.",
    "بالإشارة إلى كتابكم السابق نفيدكم بالموافقة على صرف المبلغ المطلوب لشراء الوقود للمولدات.",
    "يمنع منعا باتا التصوير داخل المقرات أو نشر أي معلومات عن مواقع المكاتب على وسائل التواصل.",
]
SUBJECTS = ["طلب معلومات", "نقل عنصر", "تسليم مواد", "اجتماع دوري", "صيانة الآليات", "تقرير حوادث", "صرف وقود", "تعميم"]

REPORT = ("Quarterly report on the distribution of supplies in the northern sector. The warehouse received "
          "four hundred sacks of flour, two hundred boxes of medicine and fifty generators. Distribution to the "
          "villages followed the list approved by the committee, with priority to families of the wounded. "
          "Several deliveries were delayed because the road through the valley was closed for eleven days. "
          "The committee recommends a second warehouse near the river and a new register of recipients.")


def typo(s, rng):
    """An OCR-like misreading of one letter of a label."""
    chars = list(s)
    idx = [i for i, c in enumerate(chars) if c.isalpha()]
    if len(idx) < 5:
        return s
    i = rng.choice(idx[1:])
    subs = {"a": "o", "e": "c", "i": "l", "l": "1", "o": "0", "n": "m", "r": "n", "h": "b",
            "ب": "ت", "ت": "ث", "ج": "ح", "ح": "خ", "ر": "ز", "س": "ش", "ع": "غ", "ف": "ق", "ي": "ى", "ة": "ه", "ا": "أ"}
    chars[i] = subs.get(chars[i].lower(), chars[i])
    return "".join(chars)


def render_form(tname, t, p, rng, noise):
    """Text of one filled form and its truth {label: {value, normalized, kind}}."""
    lines = list(t["header"]) + [""]
    truth = {}
    items = []
    for label, kind, fn in t["fields"]:
        if rng.random() < 0.04:  # a field left out
            continue
        value, norm = fn(p, rng)
        if rng.random() < 0.04:
            value, norm = "", None
        shown = typo(label, rng) if noise and rng.random() < noise else label
        truth[label] = {"value": value, "normalized": norm, "kind": kind}
        items.append((shown, value))
    lay = t["layout"]
    if lay == "columns":
        for i in range(0, len(items), 2):
            row = items[i:i + 2]
            cells = ["%s: %s" % (l, v if v else "________") for l, v in row]
            lines.append(cells[0].ljust(40) + ("    " + cells[1] if len(cells) > 1 else ""))
    elif lay == "boxes":
        for l, v in items:
            lines.append("| %s | %s |" % (l, v))
    elif lay == "underscores":
        for l, v in items:
            lines.append("%s: %s" % (l, v if v else "______________"))
    else:
        for l, v in items:
            vs = v.split("\n")
            lines.append("%s: %s" % (l, vs[0] if vs[0] else "______"))
            for cont in vs[1:]:
                lines.append("        " + cont)
    if rng.random() < 0.3:  # extra lines: a stamp, a note
        lines.append("")
        lines.append(rng.choice(["ختم المكتب", "Office use only", "صورة شخصية", "See attached"]))
    return "\n".join(lines) + "\n", truth


def letter(i, rng):
    d = (rng.randrange(2014, 2017), rng.randrange(1, 13), rng.randrange(1, 29))
    k = rng.randrange(len(LETTER_BODIES))
    sender = rng.choice(AR_MALE) + " " + rng.choice(AR_FAMILY)
    to = "إلى الأخ مسؤول " + rng.choice(["المستودع", "الديوان", "الكتيبة", "المالية", "الحسبة"]) + " حفظه الله"
    body = [LETTER_BODIES[k], LETTER_BODIES[(k + 1 + rng.randrange(6)) % len(LETTER_BODIES)]]
    rng.shuffle(body)
    extra = "وعدد المطلوب %d وحدة والتكلفة %d دينار." % (rng.randrange(3, 500), rng.randrange(100, 90000))
    lines = ["بسم الله الرحمن الرحيم", LETTER_HEAD[0], LETTER_HEAD[1],
             LETTER_HEAD[2] % (rng.randrange(1, 900), rng.randrange(1435, 1438)),
             LETTER_HEAD[3] % dmy(d), LETTER_HEAD[4] % rng.choice(SUBJECTS), "", to,
             "السلام عليكم ورحمة الله وبركاته", "", " ".join(body) + " " + extra, "",
             "وجزاكم الله خيرا", "والسلام عليكم ورحمة الله", "", "المرسل: " + sender, "ختم المكتب الإداري"]
    return "\n".join(lines) + "\n"


def report_variant(rng):
    words = REPORT.split()
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(words))
        words[i] = rng.choice(["several", "many", "three", "twelve", "the", "northern"])
    return " ".join(words) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=18)
    ap.add_argument("--scale", type=float, default=1.0, help="members per template x this")
    ap.add_argument("--noise", type=float, default=0.0, help="share of labels with an OCR-like typo")
    ap.add_argument("--only-template")
    ap.add_argument("--count", type=int, default=0)
    ap.add_argument("--letters", type=int, default=30)
    ap.add_argument("--families", type=int, default=3)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    files = os.path.join(a.out, "files")
    os.makedirs(files, exist_ok=True)
    truth = {"templates": {}, "files": {}}
    sizes = {"ar_reg": 60, "en_personnel": 40, "bi_entry": 30, "en_columns": 25, "ar_boxes": 24, "en_short": 20,
             "ar_long": 20}
    people = []
    for tname, t in TEMPLATES.items():
        if a.only_template and tname != a.only_template:
            continue
        n = a.count if a.count else max(3, int(sizes[tname] * a.scale))
        truth["templates"][tname] = {"language": t["lang"], "labels": [f[0] for f in t["fields"]],
                                     "kinds": [f[1] for f in t["fields"]]}
        d = os.path.join(files, tname)
        os.makedirs(d, exist_ok=True)
        for i in range(n):
            # one person in twenty fills a second form (another template or the same)
            if people and rng.random() < 0.05:
                p = rng.choice(people)
            else:
                p = Person(rng)
                people.append(p)
            text, tr = render_form(tname, t, p, rng, a.noise)
            rel = "%s/%s-%05d.txt" % (tname, tname, i)
            with open(os.path.join(files, rel), "w", encoding="utf-8") as f:
                f.write(text)
            truth["files"][rel] = {"template": tname, "fields": tr, "person": people.index(p)}
    if not a.only_template:
        d = os.path.join(files, "letters")
        os.makedirs(d, exist_ok=True)
        for i in range(a.letters):
            rel = "letters/letter-%03d.txt" % i
            with open(os.path.join(files, rel), "w", encoding="utf-8") as f:
                f.write(letter(i, rng))
            truth["files"][rel] = {"template": None}
        d = os.path.join(files, "reports")
        os.makedirs(d, exist_ok=True)
        for fam in range(a.families):
            for v in range(4):
                rel = "reports/report-%d-%d.txt" % (fam, v)
                with open(os.path.join(files, rel), "w", encoding="utf-8") as f:
                    f.write(("Sector %d. " % fam) + report_variant(rng))
                truth["files"][rel] = {"template": None}
    with open(os.path.join(a.out, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, ensure_ascii=False, indent=0)
    print("%d files in %s" % (len(truth["files"]), files), file=sys.stderr)


if __name__ == "__main__":
    main()
