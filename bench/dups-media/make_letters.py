#!/usr/bin/python3
"""make_letters.py - letters typed as text and the same letters scanned and
photographed, for copies across media (issue #18 item 7).

Each office has a letterhead, an opening and a closing that all of its
letters share (about a third of a letter's words); a letter's own part is a
reference, dates, a recipient, a subject and two or three paragraphs of real
running text (Arabic: SaudiNewsNet and ANERcorp; English: Cranfield and
CISI, from ../shared/corpora).  Every letter is written typed (OUT/typed/*.txt,
the text a typist would have, one block a line) and rendered with Pango in
one of several fonts, then degraded with bench/ocr/make_devset.py's
degradations: a flat-bed scan at 300 dpi, a phone photo, and for every third
letter a second scan in another font.

Split: tune and test letters come from different text pools and different
offices; test letters are also rendered in faces the tune part never uses.

Usage: make_letters.py OUT [--split tune|test|both] [--ar N] [--en N] [--from K] [--small] [-j N]
  --from K: letters K .. K+N-1 of each language (a fresh sample: other texts, faces cycled on)
  --small: 3 Arabic letters of one office and 1 English letter, 6 images (the e2e test)
Writes OUT/manifest.tsv: file, letter, split, lang, office, medium, font.
"""
import argparse, hashlib, os, random, sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "ocr"))
import make_devset as mk  # noqa: E402  (render, degrade, pools, fonts)

SEED = 18

AR_OFFICES = {
    "tune": [
        dict(id="ar-zakat", region="ولاية الرقة", office="ديوان الزكاة - مكتب الجباية",
             address="الدولة الإسلامية - ديوان الزكاة - مكتب الجباية والتوزيع - قسم المراسلات",
             opening="السلام عليكم ورحمة الله وبركاته، وبعد: نحيطكم علماً بما يلي ونرجو الاطلاع واتخاذ ما يلزم.",
             closing="نرجو منكم التكرم بالاطلاع والإفادة بما تم بخصوص هذا الكتاب في أقرب وقت ممكن، وجزاكم الله خيراً على حسن تعاونكم مع الديوان.",
             title="مسؤول ديوان الزكاة", signer="أبو عبد الرحمن الشامي",
             cc="نسخة إلى: مكتب الجباية للحفظ في الأرشيف"),
        dict(id="ar-jund", region="ولاية الخير", office="ديوان الجند - الإدارة العامة للمعسكرات",
             address="الدولة الإسلامية - ديوان الجند - الإدارة العامة للمعسكرات - قلم الصادر",
             opening="السلام عليكم ورحمة الله وبركاته، أما بعد: فبناءً على التعليمات الصادرة عن الإدارة نبلغكم بما يلي.",
             closing="وعليه نرجو العمل بمقتضى هذا الكتاب وإعلامنا بما يستجد، والله ولي التوفيق وهو الهادي إلى سواء السبيل.",
             title="أمير الإدارة العامة للمعسكرات", signer="أبو مصعب العراقي",
             cc="نسخة إلى: قلم الصادر - نسخة إلى: الملف العام"),
    ],
    "test": [
        dict(id="ar-hisba", region="ولاية حلب", office="الإدارة العامة للحسبة - مركز الباب",
             address="الدولة الإسلامية - الإدارة العامة للحسبة - مركز الباب - الديوان",
             opening="السلام عليكم ورحمة الله وبركاته، وبعد: نرفع إليكم هذا الكتاب لبيان ما جرى والعمل بما فيه.",
             closing="هذا ما لزم بيانه، نسأل الله أن يوفقكم لما يحب ويرضى، ونرجو الرد على كتابنا هذا بالسرعة الممكنة.",
             title="أمير مركز الحسبة", signer="أبو حفص الجزراوي",
             cc="نسخة إلى: الإدارة العامة للحسبة للاطلاع"),
        dict(id="ar-sihha", region="ولاية نينوى", office="ديوان الصحة - مستشفى الولاية",
             address="الدولة الإسلامية - ديوان الصحة - إدارة مستشفى الولاية - شعبة الذاتية",
             opening="السلام عليكم ورحمة الله وبركاته، أما بعد: فنعلمكم بأن إدارة المستشفى قد نظرت في الموضوع الآتي.",
             closing="نأمل منكم الاطلاع واتخاذ الإجراءات اللازمة وإعلامنا بالنتيجة، مع الشكر والتقدير لجهودكم في خدمة المسلمين.",
             title="مدير مستشفى الولاية", signer="أبو أسامة المصري",
             cc="نسخة إلى: ديوان الصحة - الشعبة المالية"),
    ],
}
EN_OFFICES = {
    "tune": [
        dict(id="en-supply", office="Directorate of Supply and Transport",
             address="Northern Region Command, Directorate of Supply and Transport, Records Section, Building 4",
             opening="Dear Sir, with reference to the instructions of the directorate we wish to inform you of the following matter.",
             closing="We would be grateful if you would acknowledge receipt of this letter and inform us of the measures taken at your earliest convenience.",
             title="Head of the Directorate of Supply and Transport", signer="Colonel Ahmad Haddad",
             cc="Copy to: Records Section, for filing"),
    ],
    "test": [
        dict(id="en-finance", office="Office of Financial Affairs",
             address="Ministry of the Interior, Office of Financial Affairs, Accounts Department, Third Floor",
             opening="Dear Sir, further to our previous correspondence we write to bring the following to your attention.",
             closing="Please treat this letter as confidential and send your reply through the usual channels no later than the end of the month.",
             title="Director of Financial Affairs", signer="Dr. Samir Khalil",
             cc="Copy to: Accounts Department; Internal Audit"),
    ],
}
EN_RECIPIENTS = ["The Commander, Eastern Sector", "The Head of Logistics", "The Director of Personnel",
                 "The Governor's Office", "The Chief Engineer, Workshop 2", "The Officer in Charge, Depot 7"]
EN_SUBJECTS = ["Request for funds", "Transfer of staff", "Handover of equipment", "Monthly report",
               "Fuel allocation", "Minutes of meeting", "Leave request", "Circular"]


def body_start(pool, split, lang, i):
    """Letter i's first paragraph: 4 paragraphs apart, so no two letters share one."""
    base = int(hashlib.sha256(("%s-%s" % (split, lang)).encode()).hexdigest()[:8], 16)
    return (base + 4 * i) % len(pool)


def unique_paras(pool):
    """The pool without repeated paragraphs (news corpora carry one story several times)."""
    seen, out = set(), []
    for p in pool:
        k = " ".join(p.split()[:12])
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def letter_ar(rng, P, off, split, i):
    ad = rng.random() < 0.5
    ref = mk.digits("%d/%s/%d" % (rng.randint(1, 400), rng.choice("أبجدهوزحطيكلمنسعفصقرشت"),
                                  rng.randint(1434, 1438)), ad)
    blocks = [
        ("بسم الله الرحمن الرحيم", "center", 1.0, False),
        (off["region"], "right", 1.05, True),
        (off["office"], "right", 1.05, True),
        (off["address"], "right", 0.9, False),
        ("الرقم: " + ref, "left", 1.0, False),
        ("التاريخ: " + mk.hijri_date(rng, ad), "left", 1.0, False),
        ("", "right", 0.6, False),
        ("إلى " + rng.choice(mk.RECIPIENTS), "right", 1.0, True),
        ("الموضوع: " + rng.choice(mk.SUBJECTS), "center", 1.1, True),
        (off["opening"], "right", 1.0, False),
    ]
    src = P["saudi"] if rng.random() < 0.6 else P["aner"]
    start = body_start(src, split, "ar", i)
    for k in range(rng.randint(2, 3)):
        para = src[(start + k) % len(src)]
        if len(para) > 330:
            para = para[:para.rfind(" ", 0, 330)] + "."
        blocks.append((para, "justify", 1.0, False))
    blocks += [
        (off["closing"], "right", 1.0, False),
        ("والسلام عليكم ورحمة الله وبركاته", "center", 1.0, False),
        (off["title"], "left", 1.0, True),
        (off["signer"], "left", 1.0, False),
        (off["cc"], "right", 0.9, False),
    ]
    return blocks


def letter_en(rng, P, off, split, i):
    blocks = [
        (off["office"], "center", 1.15, True),
        (off["address"], "center", 0.9, False),
        ("Ref: %s/%d/%d" % (rng.choice("ABCDEFGHKLMNPRST"), rng.randint(1, 400), rng.randint(2013, 2017)), "left", 1.0, False),
        ("Date: %d %s %d" % (rng.randint(1, 28), rng.choice(["January", "March", "May", "July", "September",
                                                               "November"]), rng.randint(2013, 2017)), "left", 1.0, False),
        ("", "left", 0.6, False),
        ("To: " + rng.choice(EN_RECIPIENTS), "left", 1.0, True),
        ("Subject: " + rng.choice(EN_SUBJECTS), "left", 1.0, True),
        (off["opening"], "left", 1.0, False),
    ]
    pool = P[rng.choice(["cran", "cisi"])]
    start = body_start(pool, split, "en", i)
    for k in range(2):
        para = pool[(start + k) % len(pool)]
        if len(para) > 520:
            para = para[:para.rfind(" ", 0, 520)] + "."
        blocks.append((para, "justify", 1.0, False))
    blocks += [
        (off["closing"], "left", 1.0, False),
        ("Yours faithfully,", "left", 1.0, False),
        (off["signer"], "left", 1.0, True),
        (off["title"], "left", 1.0, False),
        (off["cc"], "left", 0.9, False),
    ]
    return blocks


def fonts_for(lang, split):
    fonts = mk.AR_FONTS if lang == "ar" else mk.EN_FONTS
    return [f for f in fonts if split == "test" or not f[3]]


def plan(split, n_ar, n_en, small, first=0):
    """(letter id, split, lang, office, [(medium, font)]) for each letter."""
    out = []
    for lang, n, offices in (("ar", n_ar, AR_OFFICES[split]), ("en", n_en, EN_OFFICES[split])):
        fonts = fonts_for(lang, split)
        if split == "test":  # test-only faces first, so they are surely used
            fonts = [f for f in fonts if f[3]] + [f for f in fonts if not f[3]]
        for i in range(first, first + n):
            rng = random.Random("%d-%s-%s-%d" % (SEED, split, lang, i))
            off = offices[0] if small else offices[i % len(offices)]
            media = [("scan", fonts[(3 * i) % len(fonts)]), ("photo", fonts[(3 * i + 1) % len(fonts)])]
            if i % 3 == 0:
                media.append(("scan", fonts[(3 * i + 2) % len(fonts)]))
            if small:  # the e2e test: 6 images
                media = {("ar", 0): media[:2] + [("scan", fonts[2])], ("ar", 1): media[:1],
                         ("ar", 2): [], ("en", 0): media[:2]}[(lang, i)]
            out.append(("%s-%s%02d" % (split, lang, i), split, lang, off, media, rng, i))
    return out


_P = _OUT = None


def build(item):
    lid, split, lang, off, media, rng, i = item
    P = _P[split]
    blocks = letter_ar(rng, P, off, split, i) if lang == "ar" else letter_en(rng, P, off, split, i)
    rows = []
    typed = os.path.join("typed", lid + ".txt")
    with open(os.path.join(_OUT, typed), "w", encoding="utf-8") as f:
        f.write("\n".join(b[0] for b in blocks if b[0]) + "\n")
    rows.append([typed, lid, split, lang, off["id"], "typed", "-"])
    for k, (medium, font) in enumerate(media):
        label, fam, weight, _ = font
        pt = rng.choice([11, 12, 12, 13]) if lang == "ar" else rng.choice([10, 11, 11, 12])
        gray, gt = mk.render(blocks, fam, weight, pt, 300, lang, 80, rng)
        seed = int(hashlib.sha256(("%s-%d" % (lid, k)).encode()).hexdigest()[:8], 16)
        img, ext, kw, _params = mk.degrade(gray, medium, 300, rng, np.random.default_rng(seed))
        kw = dict(kw)
        kw.setdefault("dpi", (300, 300))
        if ext == "jpg":
            kw["optimize"] = False
        rel = os.path.join("img", "%s-%d-%s.%s" % (lid, k, medium, ext))
        img.save(os.path.join(_OUT, rel), **kw)
        rows.append([rel, lid, split, lang, off["id"], medium, label])
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--split", default="both", choices=["tune", "test", "both"])
    ap.add_argument("--ar", type=int, default=16)
    ap.add_argument("--en", type=int, default=8)
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--from", dest="first", type=int, default=0)
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--corpora", default=os.path.join(HERE, "..", "..", "..", "shared", "corpora"))
    a = ap.parse_args()
    if not os.path.isdir(a.corpora):
        sys.exit("make_letters: %s not present" % a.corpora)
    global _P, _OUT
    _P, _OUT = mk.load_pools(os.path.normpath(a.corpora)), a.out
    for sp in _P:
        for k in ("saudi", "aner", "cran", "cisi"):
            _P[sp][k] = unique_paras(_P[sp][k])
    os.makedirs(os.path.join(a.out, "typed"), exist_ok=True)
    os.makedirs(os.path.join(a.out, "img"), exist_ok=True)
    splits = ["tune", "test"] if a.split == "both" else [a.split]
    items = []
    for s in splits:
        items += plan(s, 3 if a.small else a.ar, 1 if a.small else a.en, a.small, 0 if a.small else a.first)
    rows = []
    if a.jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
            for r in pool.imap(build, items):
                rows += r
    else:
        for it in items:
            rows += build(it)
    with open(os.path.join(a.out, "manifest.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tletter\tsplit\tlang\toffice\tmedium\tfont\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    print("make_letters: %d letters, %d files in %s" % (len(items), len(rows), a.out), file=sys.stderr)


if __name__ == "__main__":
    main()
