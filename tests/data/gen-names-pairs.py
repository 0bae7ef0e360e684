#!/usr/bin/env python3
"""gen-names-pairs.py: the names test set (issue #19): pairs of spellings of
one person's name that must match, and pairs of different people's names
that must not, across Latin, Arabic and Cyrillic, written the ways
../shared/ARABIC.md describes (ʿAbd compounds fused and apart, the article
al-/el-/ul-, assimilated ar-/as-/ash-, ال, аль-; vowel variants of family
names; bin/ibn/بن chains; Abu/Umm).

Prints TSV: split, expect (1 same person, 0 different), kind, name a, name b.
split: "test" when the pair involves a held-out ʿAbd name or family name
(HELD_OUT below; never looked at while tuning names.c/namekey.c) or a
spelling written down after the code was done (EXTRA), else "tune";
"xscript-limit": different people whose names differ only in vowels,
written in two scripts, which no consonant key can tell apart (reported,
not scored). The output is committed as tests/data/names-pairs.tsv; run
    python3 tests/data/gen-names-pairs.py > tests/data/names-pairs.tsv
to regenerate (deterministic: a fixed seed).

expect = 1 means the two strings name the same person in full; a bare
family name against a full name is expect = 0 ("a bare family name alone is
not a full-name match"; resolution may still attach it as a part).
"""
import itertools
import random

rng = random.Random(19)

# ʿAbd compounds: (id, Latin spellings, Arabic spellings, Cyrillic spellings)
ABD = {
    "karim": (["Abd al-Karim", "Abdul Kareem", "Abdulkarim", "Abdelkarim", "Abd el-Karim",
               "Abdul Karim", "Abd-ul-Karim", "Abdel Karim"],
              ["عبد الكريم", "عبدالكريم"], ["Абдулкарим", "Абд аль-Карим", "Абдул Карим"]),
    "rahman": (["Abd al-Rahman", "Abdul Rahman", "Abdulrahman", "Abdelrahman", "Abdurrahman",
                "Abdur Rahman", "Abd ar-Rahman", "Abderrahmane", "Abdurahman"],
               ["عبد الرحمن", "عبدالرحمن"], ["Абдуррахман", "Абд ар-Рахман", "Абдурахман"]),
    "rahim": (["Abd al-Rahim", "Abdul Rahim", "Abdulrahim", "Abdelrahim", "Abdurrahim",
               "Abderrahim", "Abdul Raheem"],
              ["عبد الرحيم", "عبدالرحيم"], ["Абдуррахим", "Абдурахим"]),
    "allah": (["Abdullah", "Abdallah", "Abd Allah", "Abdellah", "Abdoullah", "Abd-Allah"],
              ["عبد الله", "عبدالله"], ["Абдуллах", "Абдулла"]),
    "aziz": (["Abd al-Aziz", "Abdul Aziz", "Abdulaziz", "Abdelaziz", "Abd el-Aziz"],
             ["عبد العزيز", "عبدالعزيز"], ["Абдулазиз", "Абд аль-Азиз"]),
    "latif": (["Abd al-Latif", "Abdul Latif", "Abdullatif", "Abdellatif", "Abdelatif", "Abdul Lateef"],
              ["عبد اللطيف", "عبداللطيف"], ["Абдуллатиф", "Абдул Латиф"]),
    "qadir": (["Abd al-Qadir", "Abdul Qadir", "Abdulkadir", "Abdelkader", "Abdel Kader", "Abdul Qader"],
              ["عبد القادر", "عبدالقادر"], ["Абдулкадир", "Абд аль-Кадир"]),
    "hamid": (["Abd al-Hamid", "Abdul Hamid", "Abdulhamid", "Abdelhamid", "Abdul Hameed"],
              ["عبد الحميد", "عبدالحميد"], ["Абдулхамид", "Абд аль-Хамид"]),
    "majid": (["Abd al-Majid", "Abdul Majeed", "Abdulmajid", "Abdelmajid", "Abdelmadjid"],
              ["عبد المجيد", "عبدالمجيد"], ["Абдулмаджид", "Абд аль-Маджид"]),
    "salam": (["Abd al-Salam", "Abd as-Salam", "Abdul Salam", "Abdulsalam", "Abdessalam", "Abdussalam"],
              ["عبد السلام", "عبدالسلام"], ["Абдусалам", "Абдуссалам", "Абд ас-Салам"]),
    "hakim": (["Abd al-Hakim", "Abdul Hakim", "Abdulhakim", "Abdelhakim", "Abdul Hakeem"],
              ["عبد الحكيم", "عبدالحكيم"], ["Абдулхаким", "Абд аль-Хаким"]),
    "halim": (["Abd al-Halim", "Abdul Halim", "Abdulhalim", "Abdelhalim", "Abdel Halim"],
              ["عبد الحليم", "عبدالحليم"], ["Абдулхалим", "Абд аль-Халим"]),
    # held out
    "wahhab": (["Abd al-Wahhab", "Abdul Wahab", "Abdulwahab", "Abdelwahab", "Abdel Wahhab"],
               ["عبد الوهاب", "عبدالوهاب"], ["Абдулвахаб", "Абд аль-Ваххаб"]),
    "razzaq": (["Abd al-Razzaq", "Abdul Razak", "Abdulrazzaq", "Abderrazak", "Abdul Razzak"],
               ["عبد الرزاق", "عبدالرزاق"], ["Абдурраззак", "Абдулразак"]),
    "ghani": (["Abd al-Ghani", "Abdul Ghani", "Abdulghani", "Abdelghani", "Abdul Ghany"],
              ["عبد الغني", "عبدالغني"], ["Абдулгани", "Абд аль-Гани"]),
    "jabbar": (["Abd al-Jabbar", "Abdul Jabbar", "Abduljabbar", "Abdeljabbar", "Abdul Jabar"],
               ["عبد الجبار", "عبدالجبار"], ["Абдулджаббар", "Абд аль-Джаббар"]),
    "sattar": (["Abd al-Sattar", "Abd as-Sattar", "Abdul Sattar", "Abdulsattar", "Abdessattar"],
               ["عبد الستار", "عبدالستار"], ["Абдусаттар", "Абдулсаттар"]),
    "ilah": (["Abd al-Ilah", "Abdul Ilah", "Abdulilah", "Abdelilah", "Abdel Ilah"],
             ["عبد الإله", "عبدالإله"], ["Абдулилах", "Абд аль-Илах"]),
    "nasir": (["Abdel Nasser", "Abd al-Nasir", "Abdul Nasir", "Abdennasser", "Abdul Nasser"],
              ["عبد الناصر", "عبدالناصر"], ["Абдель Насер", "Абдул Насир"]),
    "majeed2": None,  # placeholder, unused
}
del ABD["majeed2"]

FAMILY = {
    "jubouri": (["al-Jubouri", "al-Jabouri", "Jbouri", "al-Jubury", "Al Juburi", "al-Jibouri"],
                ["الجبوري"], ["аль-Джубури", "Джубури"]),
    "dulaimi": (["al-Dulaimi", "al-Dulaymi", "Dlaimi", "al-Dleimi", "ad-Dulaimi"],
                ["الدليمي"], ["аль-Дулейми", "ад-Дулайми"]),
    "tikriti": (["al-Tikriti", "al-Takriti", "Tikriti", "at-Tikriti"],
                ["التكريتي"], ["ат-Тикрити", "Тикрити"]),
    "obeidi": (["al-Obeidi", "al-Ubaidi", "Obaidi", "al-Obaidi"],
               ["العبيدي"], ["аль-Обейди", "Убайди"]),
    "shammari": (["al-Shammari", "ash-Shammari", "Shammary", "al-Shamari"],
                 ["الشمري"], ["аш-Шаммари", "аль-Шаммари"]),
    "janabi": (["al-Janabi", "al-Jenabi", "Janaby", "al-Jannabi"],
               ["الجنابي"], ["аль-Джанаби"]),
    # held out
    "zubaidi": (["al-Zubaidi", "az-Zubaydi", "Zobaidi", "al-Zubeidi"],
                ["الزبيدي"], ["аз-Зубайди", "аль-Зубейди"]),
    "kubaisi": (["al-Kubaisi", "al-Kubaysi", "Kbeisi", "al-Kubeisi"],
                ["الكبيسي"], ["аль-Кубейси", "аль-Кубайси"]),
    "hashimi": (["al-Hashimi", "al-Hashemi", "Hachemi", "el-Hachimi"],
                ["الهاشمي"], ["аль-Хашими", "аль-Хашеми"]),
    "mashhadani": (["al-Mashhadani", "Mashadani", "al-Mashhadany"],
                   ["المشهداني"], ["аль-Машхадани"]),
}

# plain given names, for decoys (Karim al-Jubouri is not Abd al-Karim al-Jubouri)
GIVEN = {
    "karim_": (["Karim", "Kareem"], ["كريم"], ["Карим"]),
    "rahman_": (["Rahman"], ["رحمن"], ["Рахман"]),
    "aziz_": (["Aziz"], ["عزيز"], ["Азиз"]),
    "hamid_": (["Hamid", "Hameed"], ["حميد"], ["Хамид"]),
    "ahmad": (["Ahmad", "Ahmed"], ["أحمد"], ["Ахмад", "Ахмед"]),
    "khalid": (["Khalid", "Khaled"], ["خالد"], ["Халид"]),
}

BIN = (["bin", "ibn"], ["بن"], ["бин", "ибн"])
KUNYA_ABU = (["Abu", "Abou"], ["أبو", "ابو"], ["Абу"])
KUNYA_UMM = (["Umm", "Um"], ["أم"], ["Умм"])

HELD_OUT = {"wahhab", "razzaq", "ghani", "jabbar", "sattar", "ilah", "nasir",
            "zubaidi", "kubaisi", "hashimi", "mashhadani"}

rows = []


def spellings(part, script):
    lat, ar, cy = part
    return {"lat": lat, "ar": ar, "cy": cy}[script]


def full(parts, script, pick):
    """one spelling of a name made of parts, all in one script"""
    words = []
    for p in parts:
        words.append(pick(spellings(p, script)))
    return " ".join(words)


def variants(parts, n):
    """n different spellings of the same name, across the three scripts"""
    out = set()
    tries = 0
    while len(out) < n and tries < 50 * n:
        tries += 1
        script = rng.choice(["lat", "lat", "ar", "cy"])
        out.add(full(parts, script, rng.choice))
    return sorted(out)


def split_of(ids):
    return "test" if any(i in HELD_OUT for i in ids) else "tune"


def add(expect, kind, ids, a, b):
    if a != b:
        rows.append((split_of(ids), expect, kind, a, b))


def same_pairs(kind, ids, parts, nvar, npairs):
    vs = variants(parts, nvar)
    pairs = list(itertools.combinations(vs, 2))
    rng.shuffle(pairs)
    for a, b in pairs[:npairs]:
        add(1, kind, ids, a, b)


def diff_pairs(kind, ids, parts_a, parts_b, npairs):
    va = variants(parts_a, 4)
    vb = variants(parts_b, 4)
    pairs = list(itertools.product(va, vb))
    rng.shuffle(pairs)
    for a, b in pairs[:npairs]:
        add(0, kind, ids, a, b)


abd_ids = sorted(ABD)
fam_ids = sorted(FAMILY)

# --- must match ---------------------------------------------------------------
for a in abd_ids:  # the compound alone
    same_pairs("abd", [a], [ABD[a]], 8, 6)
for f in fam_ids:  # the family name alone (vowel variants, article)
    same_pairs("family", [f], [FAMILY[f]], 6, 4)
for a in abd_ids:  # compound + family
    f = rng.choice(fam_ids)
    same_pairs("abd+family", [a, f], [ABD[a], FAMILY[f]], 8, 6)
for a in abd_ids:  # a nasab chain: Abd al-X bin Abd al-Y al-Z
    b = rng.choice([x for x in abd_ids if x != a])
    f = rng.choice(fam_ids)
    same_pairs("nasab", [a, b, f], [ABD[a], BIN, ABD[b], FAMILY[f]], 6, 3)
for a in abd_ids:  # a kunya with a compound: Abu Abd al-X al-Z
    f = rng.choice(fam_ids)
    same_pairs("kunya", [a, f], [KUNYA_ABU, ABD[a], FAMILY[f]], 6, 2)
for g in sorted(GIVEN):  # plain given name + family
    f = rng.choice(fam_ids)
    same_pairs("given+family", [g, f], [GIVEN[g], FAMILY[f]], 6, 2)

# --- must not match -------------------------------------------------------------
# different ʿAbd names (Abd al-Rahman ≠ Abd al-Rahim, Abdullah ≠ Abd al-Rahman)
for a, b in [("rahman", "rahim"), ("allah", "rahman"), ("hakim", "halim"), ("majid", "hamid"),
             ("karim", "rahim"), ("aziz", "ilah"), ("qadir", "karim"), ("jabbar", "sattar"),
             ("wahhab", "razzaq"), ("ghani", "nasir"), ("salam", "sattar"), ("latif", "allah")]:
    diff_pairs("abd-other", [a, b], [ABD[a]], [ABD[b]], 6)
# different ʿAbd names, one family
for a, b in [("rahman", "rahim"), ("allah", "rahman"), ("hakim", "halim"), ("karim", "majid"),
             ("wahhab", "jabbar"), ("ilah", "allah"), ("razzaq", "rahman")]:
    f = rng.choice(fam_ids)
    diff_pairs("abd-other+family", [a, b, f], [ABD[a], FAMILY[f]], [ABD[b], FAMILY[f]], 6)
# one ʿAbd name, different families
for a in abd_ids:
    f, g = rng.sample(fam_ids, 2)
    diff_pairs("family-other", [a, f, g], [ABD[a], FAMILY[f]], [ABD[a], FAMILY[g]], 3)
# ʿAbd al-X is not X: Abd al-Karim al-Jubouri ≠ Karim al-Jubouri
for a, g in [("karim", "karim_"), ("rahman", "rahman_"), ("aziz", "aziz_"), ("hamid", "hamid_")]:
    f = rng.choice(fam_ids)
    diff_pairs("abd-vs-plain", [a, f], [ABD[a], FAMILY[f]], [GIVEN[g], FAMILY[f]], 5)
# a bare family name is not the full name
for a in abd_ids:
    f = rng.choice(fam_ids)
    diff_pairs("bare-family", [a, f], [ABD[a], FAMILY[f]], [FAMILY[f]], 2)
# father and son: Abd al-X bin Abd al-Y ≠ Abd al-Y bin Abd al-X
for a, b in [("rahman", "allah"), ("karim", "aziz"), ("wahhab", "sattar"), ("qadir", "majid")]:
    f = rng.choice(fam_ids)
    diff_pairs("nasab-swapped", [a, b, f], [ABD[a], BIN, ABD[b], FAMILY[f]],
               [ABD[b], BIN, ABD[a], FAMILY[f]], 4)
# Abu X is not X
for a in ["allah", "rahman", "karim", "ghani"]:
    f = rng.choice(fam_ids)
    diff_pairs("kunya-vs-ism", [a, f], [KUNYA_ABU, ABD[a], FAMILY[f]], [ABD[a], FAMILY[f]], 3)
# Umm X is not Abu X
for g in ["khalid", "ahmad"]:
    f = rng.choice(fam_ids)
    diff_pairs("umm-vs-abu", [g, f], [KUNYA_UMM, GIVEN[g], FAMILY[f]], [KUNYA_ABU, GIVEN[g], FAMILY[f]], 3)
# family names with one consonant key but other long vowels, in one script
# (across scripts a consonant key cannot tell them apart: ARABIC.md)
for a, b in [("al-Jubouri", "al-Jabbari"), ("al-Hashimi", "al-Hashoumi"), ("al-Dulaimi", "al-Dalami"),
             ("Hassan", "Hussein"), ("Hassan", "Hussain"), ("al-Hussaini", "al-Hassani"),
             ("الجبوري", "الجباري"), ("حسن", "حسين"), ("الحسيني", "الحسني"), ("Jamal", "Jamil")]:
    for c in ["karim", "rahman", "ghani", "sattar"]:
        x = rng.choice(spellings(ABD[c], "ar" if a[0] > "z" else "lat"))
        add(0, "vowels-other", [c], x + " " + a, x + " " + b)

# spellings written down after the code was done, never tuned on: the
# held-out part of each of those pairs is the extra spelling
EXTRA = {
    "karim": ["Abdelkrim", "Abdul-Kerim", "Abdulkerim", "Abd-el-Karim", "عَبْد الكَرِيم", "Абдель Керим", "Абдулкерим"],
    "rahman": ["Abdirahman", "Abdul Rehman", "Abd-ur-Rahman", "Abdourahmane", "Abderahmane", "Abdel-Rahman",
               "Abdurakhmon", "Абдурахмон", "Абдель Рахман"],
    "allah": ["Abdoulaye", "Abdallahi", "Abdulla", "Abdollah", "عبداللّه", "Абдаллах"],
    "aziz": ["Abdel-Aziz", "Abdelazize", "Abdilaziz", "Абдель-Азиз", "Абдельазиз"],
    "qadir": ["Abd-el-Kader", "Abdelkadir", "Abdulqadir", "Abdul-Qadir", "Абдулкадыр"],
    "salam": ["Abdesalam", "Abdusalam", "Abd-us-Salam", "Abdel Salam", "Абдессалам"],
    "latif": ["Abdul-Latif", "Abdelatif", "Abdullateef", "Абдулатиф"],
    "ilah": ["Abdelilah", "Abdallah"][:1] + ["Abdul-Ilah", "Abdulelah", "عبد الاله"],
}
for a in sorted(EXTRA):
    for e in EXTRA[a]:
        for script in ["lat", "ar", "cy"]:
            rows.append(("test", 1, "abd-extra", e, rng.choice(spellings(ABD[a], script))))
# different people whose names differ only in vowels, across scripts: a
# consonant key cannot tell them apart (ARABIC.md: "Collisions are
# real"); reported on their own ("xscript-limit"), not in the figures
for a, b in [("الجبوري", "al-Jabbari"), ("حسين", "Hassan"), ("حسن", "Hussein"), ("الحسني", "al-Hussaini"),
             ("جميل", "Jamal"), ("الدليمي", "al-Dalami")]:
    for c in ["karim", "rahman"]:
        rows.append(("xscript-limit", 0, "vowels-xscript", rng.choice(ABD[c][1]) + " " + a,
                     rng.choice(ABD[c][0]) + " " + b))

# a kunya written as one word (Abubakr, ابوبكر, Abulhasan), in the tune
# part: written together with the code
FUSED = [
    (["Abubakr al-Baghdadi", "Aboubakr el-Baghdadi", "ابوبكر البغدادي", "Абубакр аль-Багдади"],
     ["Abu Bakr al-Baghdadi", "أبو بكر البغدادي", "Абу Бакр аль-Багдади"]),
    (["Abulhasan al-Shami", "Aboulhassan ash-Shami"], ["Abu al-Hasan al-Shami", "أبو الحسن الشامي"]),
    (["Abouzeid al-Masri", "ابوزيد المصري"], ["Abu Zeid al-Masri", "أبو زيد المصري", "Абу Зейд аль-Масри"]),
]
for fused, apart in FUSED:
    for a in fused:
        for b in apart:
            rows.append(("tune", 1, "kunya-fused", a, b))
for a, b in [("Abubakr al-Baghdadi", "Abu Omar al-Baghdadi"), ("Abubakr al-Baghdadi", "Bakr al-Baghdadi"),
             ("ابوبكر البغدادي", "بكر البغدادي"), ("Abouzeid al-Masri", "Zeid al-Masri"),
             ("Abulhasan al-Shami", "Hasan al-Shami"), ("Abubakr al-Baghdadi", "Umm Bakr al-Baghdadi")]:
    rows.append(("tune", 0, "kunya-fused-other", a, b))

seen = set()
print("# split\texpect\tkind\ta\tb  (generated by gen-names-pairs.py; do not edit)")
for r in rows:
    key = (r[3], r[4])
    if key in seen or (r[4], r[3]) in seen:
        continue
    seen.add(key)
    print("\t".join(str(x) for x in r))
