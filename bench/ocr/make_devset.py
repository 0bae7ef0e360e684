#!/usr/bin/python3
"""make_devset.py - render daftar's OCR dev set (issue #17) into OUTDIR.

Pages of real running text (Arabic: SaudiNewsNet, ANERcorp, AQMAR; English:
Cranfield, CISI) plus Arabic letters and filled forms, shaped and rendered
with Pango/Cairo, then degraded (clean, scan, photo, fax, rotated, photo-exif).  Everything is
derived from fixed seeds: the same corpora give the same pages, byte for
byte (JPEG/TIFF encoders included, as long as the Debian packages are the
same).  See bench/ocr/README.md for the split rule and the manifest.

Usage: make_devset.py OUTDIR [--small] [--keep] [-j N] [--corpora DIR] [--only ID,ID]
"""
import argparse, hashlib, json, math, os, random, re, sys, unicodedata, zipfile

import gi
gi.require_version("Pango", "1.0")
gi.require_version("PangoCairo", "1.0")
from gi.repository import Pango, PangoCairo  # noqa: E402
import cairo  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image, ImageFilter  # noqa: E402

SEED = 17  # the issue number; change it and every page changes

# ---------------------------------------------------------------- fonts
# (label, pango family, weight, test_only).  test_only faces never appear
# in the tune split: results on test hold for faces nobody tuned on.
AR_FONTS = [
    ("Amiri",              "Amiri",             "normal", False),
    ("Amiri-Bold",         "Amiri",             "bold",   False),
    ("NotoSansArabic",     "Noto Sans Arabic",  "normal", False),
    ("NotoSansArabic-Bold", "Noto Sans Arabic", "bold",   False),
    ("KacstBook",          "KacstBook",         "normal", False),
    ("KacstOffice",        "KacstOffice",       "normal", False),  # plain, typewriter-like strokes
    ("DejaVuSans",         "DejaVu Sans",       "normal", False),
    ("AlArabiya",          "AlArabiya",         "normal", False),  # fonts-arabeyes
    ("NotoNaskhArabic",    "Noto Naskh Arabic", "normal", True),   # test only: a Naskh nobody tuned on
    ("NotoKufiArabic",     "Noto Kufi Arabic",  "normal", True),   # test only: Kufi
    ("KacstOne-Bold",      "KacstOne",          "bold",   True),   # test only: fonts-kacst-one, bold
]
EN_FONTS = [
    ("DejaVuSerif",     "DejaVu Serif",     "normal", False),
    ("LiberationSans",  "Liberation Sans",  "normal", False),
    ("LiberationSerif", "Liberation Serif", "normal", False),
    ("DejaVuSans-Bold", "DejaVu Sans",      "bold",   False),
    ("NotoSerif",       "Noto Serif",       "normal", True),   # test only
    ("LiberationMono",  "Liberation Mono",  "normal", True),   # test only: typewriter
]

# Conditions: a cycle of 20 (clean 5, scan 6, photo 6, fax 3).
COND_CYCLE = ["clean", "scan", "photo", "scan", "fax", "photo", "clean", "scan", "photo", "clean",
              "photo", "scan", "fax", "clean", "photo", "scan", "clean", "photo", "scan", "fax"]

N_FULL = {"ar": 360, "en": 120}
N_SMALL = {"ar": 44, "en": 16}
# After the main pages of the full set, a sweep: every face, clean, 300 dpi, test split;
# Arabic 3 pages a face (prose, letter, form), English 2 (prose), so that each face
# has clean 300-dpi pages to report on (the main cycle gives it only a few).
SWEEP_KINDS = {"ar": ["prose", "letter", "form"], "en": ["prose", "prose"]}
# Then pages turned by 90/180/270 degrees (conditions "rotated" and "photo-exif"), same
# split rule (k mod 5 in {1, 3}: tune, tune faces only).
N_TURNED = {"ar": 20, "en": 10}
N_SMALL_TURNED = {"ar": 4, "en": 2}

PAGE_W_IN, PAGE_H_IN = 8.27, 11.69   # A4
MARGIN_IN = 0.9

# ---------------------------------------------------------------- text
AR_RANGE = re.compile(r"[\u0600-\u06FF]")
KEEP_CATS = ("L", "N", "P", "Zs", "Mn", "Sm", "Sc")


def clean_text(s):
    """Keep letters, digits, punctuation, marks; drop emoji, controls, odd symbols."""
    s = unicodedata.normalize("NFC", s)
    out = []
    for ch in s:
        if ch in "\n\t":
            out.append(" ")
            continue
        cat = unicodedata.category(ch)
        if not cat.startswith(KEEP_CATS):
            continue
        cp = ord(ch)
        if cp > 0x24F and not (0x600 <= cp <= 0x6FF or 0x2010 <= cp <= 0x2026 or cp in (0xAB, 0xBB)):
            continue
        if 0x610 <= cp <= 0x61A or 0x6D6 <= cp <= 0x6ED:  # Quranic annotation marks
            continue
        out.append(ch)
    return re.sub(r" +", " ", "".join(out)).strip()


def detok(tokens):
    """ANERcorp/AQMAR tokens -> running text (attach punctuation)."""
    s = " ".join(tokens)
    s = re.sub(r" ([.,:;!?،؛؟)\]»])", r"\1", s)
    s = re.sub(r"([(\[«]) ", r"\1", s)
    s = s.replace(' " ', ' "')
    return s


def read_conll(path):
    sents, cur = [], []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.strip()
            if not line:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            w = line.rsplit(" ", 1)[0] if " " in line else line
            if w.startswith("-DOCSTART-"):
                continue
            cur.append(w)
    if cur:
        sents.append(cur)
    out = []
    for t in sents:
        s = clean_text(detok(t))
        if len(s) >= 25 and AR_RANGE.search(s):
            out.append(s)
    return out


def saudi_articles(corpora, day):
    zpath = os.path.join(corpora, "saudinewsnet-ar", day + ".zip")
    with zipfile.ZipFile(zpath) as z:
        name = [n for n in z.namelist() if n.endswith(".json")][0]
        arts = json.loads(z.read(name).decode("utf-8"))
    paras = []
    for a in arts:
        c = a.get("content") or ""
        for p in re.split(r"\n+", c):
            p = clean_text(p)
            if len(p) >= 60 and len(AR_RANGE.findall(p)) > 0.6 * len(p.replace(" ", "")):
                paras.append(p)
    return paras


def smart_docs(path, lo, hi):
    """SMART-format abstracts (.W) with lo <= id <= hi, as paragraphs."""
    with open(path, encoding="utf-8", errors="replace") as f:
        data = f.read().replace("\r", "")
    out = []
    for block in re.split(r"^\.I ", data, flags=re.M)[1:]:
        did = int(block.split("\n", 1)[0].strip())
        if not lo <= did <= hi:
            continue
        m = re.search(r"^\.W\n(.*?)(?=^\.[A-Z]\n|\Z)", block, flags=re.M | re.S)
        if not m:
            continue
        w = clean_text(re.sub(r"\s+", " ", m.group(1)))
        w = re.sub(r" ([.,;:])", r"\1", w)
        if len(w) > 80:
            out.append(w)
    return out


def gazetteer(path):
    out = []
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            w = line.strip()
            if w and re.fullmatch(r"[\u0621-\u064A ]{2,30}", w):
                out.append(w)
    return out


def load_pools(corpora):
    """Text pools per split.  Different texts in tune and test (see README)."""
    P = {"tune": {}, "test": {}}
    P["tune"]["saudi"] = saudi_articles(corpora, "2015-07-22")
    P["test"]["saudi"] = saudi_articles(corpora, "2015-07-23")
    P["tune"]["aner"] = read_conll(os.path.join(corpora, "anercorp-ar", "dev.txt"))
    P["test"]["aner"] = read_conll(os.path.join(corpora, "anercorp-ar", "test.txt"))
    aq = read_conll(os.path.join(corpora, "aqmar-ar", "AQMAR_Arabic_NER_corpus-1.0.txt"))
    cut = int(len(aq) * 0.4)
    P["tune"]["aqmar"], P["test"]["aqmar"] = aq[:cut], aq[cut:]
    cran = os.path.join(corpora, "cranfield", "cran.all.1400")
    cisi = os.path.join(corpora, "cisi", "CISI.ALL")
    P["tune"]["cran"], P["test"]["cran"] = smart_docs(cran, 1, 560), smart_docs(cran, 561, 1400)
    P["tune"]["cisi"], P["test"]["cisi"] = smart_docs(cisi, 1, 584), smart_docs(cisi, 585, 1460)
    gz = os.path.join(corpora, "anercorp-ar", "ANERGazet")
    pers = sorted(set(gazetteer(os.path.join(gz, "AlignedPersGazetteer.txt"))))
    locs = sorted(set(gazetteer(os.path.join(gz, "AlignedLocGazetteer.txt"))))
    P["tune"]["pers"], P["test"]["pers"] = pers[0::2], pers[1::2]
    P["tune"]["locs"], P["test"]["locs"] = locs[0::2], locs[1::2]
    for sp in P:
        for k, v in P[sp].items():
            if not v:
                sys.exit("make_devset: empty text pool %s/%s (corpora at %s?)" % (sp, k, corpora))
    return P


# ---------------------------------------------------------------- letters and forms
AR_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
HIJRI_MONTHS = ["محرم", "صفر", "ربيع الأول", "ربيع الثاني", "جمادى الأولى", "جمادى الآخرة",
                "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"]
OFFICES = ["الإدارة العامة للشؤون المالية", "ديوان الجند", "المكتب الإداري", "مكتب العلاقات العامة",
           "الإدارة العامة للحسبة", "ديوان الصحة", "المكتب الأمني", "ديوان التعليم", "هيئة الإعلام",
           "مكتب شؤون الأسرى", "ديوان الزكاة", "الإدارة العامة للمعسكرات"]
REGIONS = ["ولاية الرقة", "ولاية حلب", "ولاية الخير", "ولاية نينوى", "ولاية البركة", "قاطع الشمال",
           "قاطع الجنوب", "ولاية الفرات", "ولاية دجلة", "ولاية حمص"]
TITLES = ["أمير المكتب", "مسؤول الديوان", "المسؤول الإداري", "أمير القاطع", "المسؤول المالي", "كاتب الديوان"]
RECIPIENTS = ["الأخ الفاضل / مسؤول المكتب الأمني", "الإخوة في ديوان الجند", "الأخ / أمير القاطع",
              "الإخوة في الإدارة العامة للمعسكرات", "الأخ المسؤول عن مستودع الذخيرة", "الأخ / والي الولاية"]
SUBJECTS = ["طلب صرف مستحقات", "نقل عنصر", "تسليم عهدة", "إجازة", "كشف رواتب شهر", "تعميم",
            "طلب تزويد بوقود", "محضر اجتماع", "إفادة", "تزكية"]
NATIONALITIES = ["سوري", "عراقي", "تونسي", "سعودي", "مصري", "أردني", "مغربي", "ليبي", "تركي", "روسي",
                 "فرنسي", "بريطاني", "ألماني", "شيشاني"]
BLOOD = ["A+", "B+", "O+", "AB+", "O-", "A-"]
STATUS = ["أعزب", "متزوج", "متزوج وله ثلاثة أولاد", "متزوج وله ولدان", "مطلق"]
LEVELS = ["ابتدائي", "إعدادي", "ثانوي", "جامعي", "دبلوم معهد", "بكالوريوس هندسة", "طالب علم شرعي"]
JOBS = ["سائق", "مدرس", "ممرض", "عامل بناء", "طالب", "تاجر", "مهندس كهرباء", "حلاق", "Programmer",
        "Mechanic"]
LATIN_BITS = ["Samsung Galaxy", "Toyota Hilux", "PKM", "AK-47", "GPS", "USB", "Nokia 105", "Land Cruiser",
              "Thuraya", "iPhone 6", "Western Union", "Kalashnikov", "Hyundai", "Excel"]


def digits(s, arabic):
    return s.translate(AR_DIGITS) if arabic else s


def person(rng, pool, n=3):
    return " ".join(rng.choice(pool) for _ in range(n))


def hijri_date(rng, ar_digits):
    d, m, y = rng.randint(1, 29), rng.randrange(12), rng.randint(1434, 1438)
    if rng.random() < 0.5:
        return digits("%d/%s/%d هـ" % (d, HIJRI_MONTHS[m], y), ar_digits)
    return digits("%d/%d/%dهـ" % (d, m + 1, y), ar_digits)


def greg_date(rng, ar_digits):
    return digits("%d/%02d/%02d" % (rng.randint(2013, 2017), rng.randint(1, 12), rng.randint(1, 28)),
                  ar_digits)


def make_letter(rng, P):
    """List of (text, align, scale, bold) blocks; body from the split's news text."""
    ad = rng.random() < 0.5
    ref = digits("%d/%s/%d" % (rng.randint(1, 400), rng.choice("أبجدهوزحطيكلمنسعفصقرشت"),
                               rng.randint(1434, 1438)), ad)
    blocks = [
        ("بسم الله الرحمن الرحيم", "center", 1.0, False),
        (rng.choice(REGIONS), "right", 1.05, True),
        (rng.choice(OFFICES), "right", 1.05, True),
        ("الرقم: " + ref, "left", 1.0, False),
        ("التاريخ: " + hijri_date(rng, ad), "left", 1.0, False),
        ("الموافق: " + greg_date(rng, ad) + " م", "left", 1.0, False),
        ("", "right", 0.6, False),
        ("إلى " + rng.choice(RECIPIENTS), "right", 1.0, True),
        ("الموضوع: " + rng.choice(SUBJECTS), "center", 1.1, True),
        ("السلام عليكم ورحمة الله وبركاته، وبعد:", "right", 1.0, False),
    ]
    src = P["saudi"] if rng.random() < 0.6 else P["aner"]
    start = rng.randrange(len(src))
    body = []
    n = rng.randint(2, 4)
    for k in range(n):
        para = src[(start + k) % len(src)]
        if len(para) > 420:
            cut = para.rfind(" ", 0, 420)
            para = para[:cut] + "."
        body.append(para)
    if rng.random() < 0.6:
        amount = rng.choice([150, 200, 250, 1200, 35000, 184500, 5000])
        body.append(digits("وقد تم تسليم مبلغ وقدره %d دولار أمريكي (USD) إلى الأخ %s بموجب الإيصال رقم %d." %
                           (amount, person(rng, P["pers"], 2), rng.randint(10, 9999)), ad and rng.random() < 0.5))
    for b in body:
        blocks.append((b, "justify", 1.0, False))
    blocks += [
        ("", "right", 0.6, False),
        ("والسلام عليكم ورحمة الله وبركاته", "center", 1.0, False),
        (rng.choice(TITLES), "left", 1.0, True),
        (person(rng, P["pers"], 2), "left", 1.0, False),
    ]
    if rng.random() < 0.5:
        blocks.append(("نسخة إلى: " + rng.choice(OFFICES) + " للاطلاع", "right", 0.9, False))
    return blocks


def make_form(rng, P):
    ad = rng.random() < 0.5
    mix = lambda s: digits(s, ad)  # noqa: E731
    fields = [
        ("الاسم", person(rng, P["pers"], 3)),
        ("الكنية", "أبو " + rng.choice(P["pers"]) + " ال" + rng.choice(["شامي", "عراقي", "تونسي", "مهاجر", "أنصاري", "جزراوي"])),
        ("اسم الأم", person(rng, P["pers"], 2)),
        ("تاريخ الميلاد", mix("%d/%d/%d" % (rng.randint(1, 28), rng.randint(1, 12), rng.randint(1965, 2000)))),
        ("مكان الولادة", rng.choice(P["locs"])),
        ("الجنسية", rng.choice(NATIONALITIES)),
        ("فصيلة الدم", rng.choice(BLOOD)),
        ("الحالة الاجتماعية", rng.choice(STATUS)),
        ("التحصيل الدراسي", rng.choice(LEVELS)),
        ("المهنة السابقة", rng.choice(JOBS)),
        ("رقم الهاتف", mix("+%d %d %d %d" % (rng.choice([963, 964, 90, 216, 966]), rng.randint(900, 999),
                                            rng.randint(100, 999), rng.randint(1000, 9999)))),
        ("تاريخ الدخول", hijri_date(rng, ad)),
        ("المنفذ", rng.choice(["تل أبيض", "جرابلس", "الراعي", "أطمة", "البوكمال", "القائم"])),
        ("المزكي", person(rng, P["pers"], 2)),
        ("السلاح المستلم", rng.choice(LATIN_BITS) + " رقم " + mix(str(rng.randint(100000, 999999)))),
        ("الراتب الشهري", mix("%d" % rng.choice([50, 100, 150, 200, 400])) + " دولار"),
        ("جواز السفر", "%s%d" % (rng.choice(["N", "P", "A", "TR"]), rng.randint(1000000, 9999999))),
        ("العنوان", rng.choice(P["locs"]) + " - " + rng.choice(P["locs"]) + " - " + mix("بناء %d" % rng.randint(1, 60))),
        ("ملاحظات", rng.choice(["لا يوجد", "مصاب في قدمه اليسرى", "يتقن اللغة English والفرنسية",
                                 "يحمل بطاقة ATM", "تم تسليمه هاتف Nokia"])),
    ]
    tail = fields[4:]
    rng.shuffle(tail)
    fields = fields[:4] + tail
    nf = rng.randint(11, len(fields))
    title = rng.choice(["استمارة معلومات عنصر", "استمارة دخول", "بطاقة تعريف", "نموذج طلب إجازة",
                        "استمارة تسجيل المهاجرين"])
    blocks = [(rng.choice(REGIONS) + " - " + rng.choice(OFFICES), "center", 1.0, True),
              (title, "center", 1.3, True),
              (mix("رقم الاستمارة: %d" % rng.randint(100, 99999)), "left", 0.95, False),
              ("", "right", 0.5, False)]
    for lab, val in fields[:nf]:
        blocks.append(("%s: %s" % (lab, val), "form", 1.0, False))
    blocks += [("", "right", 0.6, False), ("توقيع المسؤول: " + person(rng, P["pers"], 2), "left", 1.0, False)]
    return blocks


def make_prose(rng, P, lang):
    if lang == "ar":
        src = rng.choice(["saudi", "saudi", "aner", "aqmar"])
    else:
        src = rng.choice(["cran", "cisi"])
    pool = P[src]
    start = rng.randrange(len(pool))
    blocks = []
    if lang == "ar" and src != "saudi":
        # ANERcorp/AQMAR are sentences: group 3-5 into a paragraph
        k = start
        for _ in range(12):
            n = rng.randint(3, 5)
            blocks.append((" ".join(pool[(k + j) % len(pool)] for j in range(n)), "justify", 1.0, False))
            k += n
    else:
        for j in range(14):
            blocks.append((pool[(start + j) % len(pool)], "justify", 1.0, False))
    return src, blocks


# ---------------------------------------------------------------- rendering
def render(blocks, fam, weight, pt, dpi, lang, max_lines, rng):
    """Render blocks onto a white A4 page; return (gray uint8 array, gt lines)."""
    W, H = int(PAGE_W_IN * dpi), int(PAGE_H_IN * dpi)
    surf = cairo.ImageSurface(cairo.FORMAT_RGB24, W, H)
    cr = cairo.Context(surf)
    cr.set_source_rgb(1, 1, 1)
    cr.paint()
    cr.set_source_rgb(0.05, 0.05, 0.05)
    fo = cairo.FontOptions()
    fo.set_antialias(cairo.ANTIALIAS_GRAY)
    fo.set_hint_style(cairo.HINT_STYLE_NONE)
    pc = PangoCairo.create_context(cr)
    PangoCairo.context_set_font_options(pc, fo)
    PangoCairo.context_set_resolution(pc, dpi)
    m = int(MARGIN_IN * dpi)
    width = W - 2 * m
    y = m
    ymax = H - m
    gt = []
    rtl = lang == "ar"
    for text, align, scale, bold in blocks:
        lay = Pango.Layout.new(pc)
        fd = Pango.FontDescription.from_string(fam)
        fd.set_size(int(pt * scale * Pango.SCALE))
        fd.set_weight(Pango.Weight.BOLD if (bold or weight == "bold") else Pango.Weight.NORMAL)
        lay.set_font_description(fd)
        lay.set_width(width * Pango.SCALE)
        lay.set_wrap(Pango.WrapMode.WORD)
        lay.set_auto_dir(True)
        lay.set_spacing(int(pt * dpi / 72 * 0.25 * Pango.SCALE))
        if not text:
            y += int(pt * scale * dpi / 72 * 1.2)
            continue
        if align == "form":
            align = "right" if rtl else "left"
        if align == "justify":
            lay.set_justify(True)
            align = "right" if rtl else "left"
        # Pango's alignment flips for RTL paragraphs: LEFT means "start".
        a = {"center": Pango.Alignment.CENTER}.get(align)
        if a is None:
            start_side = "right" if rtl else "left"
            a = Pango.Alignment.LEFT if align == start_side else Pango.Alignment.RIGHT
        lay.set_alignment(a)
        lay.set_text(text, -1)
        b = text.encode("utf-8")
        it = lay.get_iter()
        kept_bottom = None
        lines = []
        while True:
            line = it.get_line_readonly()
            _, logical = it.get_line_extents()
            bottom = (logical.y + logical.height) / Pango.SCALE
            if y + bottom > ymax or len(gt) + len(lines) >= max_lines:
                break
            seg = b[line.start_index:line.start_index + line.length].decode("utf-8").strip()
            if seg:
                lines.append(seg)
            kept_bottom = bottom
            if not it.next_line():
                break
        if kept_bottom is None:
            break
        cr.save()
        cr.rectangle(0, y, W, kept_bottom + 1)
        cr.clip()
        cr.move_to(m, y)
        PangoCairo.show_layout(cr, lay)
        cr.restore()
        gt.extend(lines)
        y += kept_bottom + int(pt * dpi / 72 * 0.5)
        if kept_bottom < lay.get_pixel_extents()[1].height - 1:
            break  # page full
    buf = surf.get_data()
    arr = np.ndarray((H, surf.get_stride() // 4, 4), np.uint8, buf)[:, :W, :3]
    gray = (0.299 * arr[:, :, 2] + 0.587 * arr[:, :, 1] + 0.114 * arr[:, :, 0]).astype(np.uint8)
    return gray.copy(), gt


# ---------------------------------------------------------------- degradations
def noise(a, rng_np, sigma):
    return np.clip(a.astype(np.float32) + rng_np.normal(0, sigma, a.shape), 0, 255)


def perspective_coeffs(src, dst):
    """PIL PERSPECTIVE coefficients mapping output (dst) points to input (src)."""
    A, B = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y]); B.append(u)
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y]); B.append(v)
    return np.linalg.solve(np.array(A, float), np.array(B, float)).tolist()


def degrade(gray, cond, dpi, rng, rng_np):
    """Returns (PIL image, file extension, save kwargs, params dict)."""
    if cond in ("rotated", "photo-exif"):
        # a page turned by a quarter, a half or three quarters: "rotated" is a scan fed in
        # sideways or upside down (only the text says which way is up: OSD), "photo-exif" a
        # phone photo whose pixels are stored turned, with the EXIF Orientation that puts it
        # upright (as phones do); the `tesseract` command ignores EXIF.
        img, ext, kw, p = degrade(gray, "scan" if cond == "rotated" else "photo", dpi, rng, rng_np)
        turn = rng.choice([90, 180, 270])
        p["turn"] = turn
        img = img.rotate(turn, expand=True)  # counter-clockwise
        if cond == "photo-exif":
            ex = Image.Exif()
            ex[0x0112] = {90: 6, 180: 3, 270: 8}[turn]  # what a viewer must do: 6 = turn 90 clockwise
            kw = dict(kw, exif=ex.tobytes())
            p["exif_orientation"] = ex[0x0112]
        return img, ext, kw, p
    p = {}
    img = Image.fromarray(gray, "L")
    if cond == "clean":
        return img, "png", {}, p
    if cond == "scan":
        ang = round(rng.uniform(-1.5, 1.5), 2)
        p["skew"] = ang
        img = img.rotate(ang, resample=Image.BICUBIC, fillcolor=255)
        bg = rng.randint(232, 250)
        a = np.asarray(img, np.float32) * (bg / 255.0)
        p["noise"] = s = round(rng.uniform(3, 8), 1)
        a = noise(a, rng_np, s)
        img = Image.fromarray(a.astype(np.uint8), "L")
        if rng.random() < 0.6:
            q = rng.randint(75, 90)
            p["jpeg"] = q
            return img, "jpg", {"quality": q}, p
        return img, "png", {}, p
    if cond == "photo":
        W, H = img.size
        ang = round(rng.uniform(-6, 6), 2)
        p["rot"] = ang
        # the paper lies on a darker table: pad, rotate, warp
        pad = int(0.06 * W)
        canvas = Image.new("L", (W + 2 * pad, H + 2 * pad), rng.randint(60, 120))
        canvas.paste(img, (pad, pad))
        table = canvas.getpixel((0, 0))
        canvas = canvas.rotate(ang, resample=Image.BICUBIC, fillcolor=table)
        CW, CH = canvas.size
        j = 0.045
        src = [(0, 0), (CW, 0), (CW, CH), (0, CH)]
        dst = [(x + rng.uniform(-j, j) * CW, y + rng.uniform(-j, j) * CH) for x, y in src]
        p["persp"] = round(j, 3)
        canvas = canvas.transform((CW, CH), Image.PERSPECTIVE, perspective_coeffs(src, dst),
                                  resample=Image.BICUBIC, fillcolor=table)
        a = np.asarray(canvas, np.float32)
        # illumination: a linear gradient plus an off-centre vignette
        yy, xx = np.mgrid[0:CH, 0:CW].astype(np.float32)
        th = rng.uniform(0, 2 * math.pi)
        g = (np.cos(th) * xx / CW + np.sin(th) * yy / CH)
        g = (g - g.min()) / (g.max() - g.min() + 1e-6)
        lo = rng.uniform(0.5, 0.8)
        p["shade"] = round(lo, 2)
        cx, cy = rng.uniform(0.2, 0.8) * CW, rng.uniform(0.2, 0.8) * CH
        r = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / math.hypot(CW, CH)
        illum = (lo + (1 - lo) * g) * (1 - 0.35 * r)
        a = a * illum
        # low contrast: ink is grey, paper is not white
        ink, paper = rng.uniform(40, 95), rng.uniform(175, 230)
        p["contrast"] = [int(ink), int(paper)]
        a = ink + a / 255.0 * (paper - ink)
        img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
        sc = round(rng.uniform(0.55, 0.80), 3)
        p["scale"] = sc
        img = img.resize((int(CW * sc), int(CH * sc)), Image.BILINEAR)
        br = round(rng.uniform(0.5, 1.4), 2)
        p["blur"] = br
        img = img.filter(ImageFilter.GaussianBlur(br))
        s = round(rng.uniform(4, 12), 1)
        p["noise"] = s
        a = noise(np.asarray(img), rng_np, s)
        # a colour cast, as phones give
        cast = np.array([rng.uniform(0.95, 1.05), 1.0, rng.uniform(0.85, 1.0)], np.float32)
        rgb = np.clip(a[:, :, None] * cast[None, None, :], 0, 255).astype(np.uint8)
        img = Image.fromarray(rgb, "RGB")
        q = rng.randint(25, 70)
        p["jpeg"] = q
        return img, "jpg", {"quality": q, "dpi": (int(300 * sc), int(300 * sc))}, p
    if cond == "fax":
        ang = round(rng.uniform(-1.0, 1.0), 2)
        p["skew"] = ang
        img = img.rotate(ang, resample=Image.BICUBIC, fillcolor=255)
        img = img.filter(ImageFilter.GaussianBlur(0.6))
        if rng.random() < 0.7:
            img = img.filter(ImageFilter.MinFilter(3))  # thicken dark strokes
            p["thicken"] = 1
        a = np.asarray(img, np.float32)
        a = noise(a, rng_np, 10)
        t = rng.randint(140, 185)
        p["thresh"] = t
        bw = a > t
        dens = round(rng.uniform(0.0005, 0.003), 4)
        p["speckle"] = dens
        sp = rng_np.random(bw.shape) < dens
        bw[sp] = ~bw[sp]
        # some 2x2 specks too
        sp2 = rng_np.random(bw.shape) < dens / 6
        sp2 = sp2 | np.roll(sp2, 1, 0) | np.roll(sp2, 1, 1)
        bw[sp2] = False
        img = Image.fromarray((bw * 255).astype(np.uint8), "L").convert("1")
        return img, "tif", {"compression": "group4"}, p
    raise ValueError(cond)


# ---------------------------------------------------------------- page specs
def page_spec(lang, i):
    """Everything about page i of lang, from a fixed seed (same in --small and full)."""
    rng = random.Random("%d-%s-%d" % (SEED, lang, i))
    fonts = AR_FONTS if lang == "ar" else EN_FONTS
    n_sweep = len(SWEEP_KINDS[lang]) * len(fonts)
    if i >= N_FULL[lang] + n_sweep:  # turned pages
        k = i - N_FULL[lang] - n_sweep
        split = "tune" if k % 5 in (1, 3) else "test"
        pool = [f for f in fonts if split == "test" or not f[3]]
        kind = "prose" if lang == "en" else ["prose", "letter", "form", "prose"][k % 4]
        return dict(lang=lang, i=i, split=split, font=pool[(k * 7) % len(pool)],
                    cond="rotated" if k % 2 == 0 else "photo-exif", dpi=[300, 200][k // 2 % 2] if k % 2 == 0 else 300,
                    kind=kind, rng=rng)
    if i >= N_FULL[lang]:  # the sweep
        kinds = SWEEP_KINDS[lang]
        k = i - N_FULL[lang]
        return dict(lang=lang, i=i, split="test", font=fonts[k // len(kinds)], cond="clean", dpi=300,
                    kind=kinds[k % len(kinds)], rng=rng)
    split = "tune" if i % 5 in (1, 3) else "test"
    fonts = AR_FONTS if lang == "ar" else EN_FONTS
    pool = [f for f in fonts if split == "test" or not f[3]]
    # cycle through the pool so a few consecutive pages cover every face
    k = i // 5 * 2 + (0 if i % 5 == 1 else 1) if split == "tune" else i // 5 * 3 + {0: 0, 2: 1, 4: 2}[i % 5]
    font = pool[k % len(pool)]
    cond = COND_CYCLE[(i + i // 20 * 3) % len(COND_CYCLE)]
    if cond == "fax":
        dpi = 200
    elif cond == "photo":
        dpi = 300
    else:
        dpi = [300, 200, 150][(i // 3 + i) % 3]
    if lang == "ar":
        kind = ["prose", "letter", "prose", "form"][(i + i // 4) % 4]
    else:
        kind = "prose"
    return dict(lang=lang, i=i, split=split, font=font, cond=cond, dpi=dpi, kind=kind, rng=rng)


def build_page(spec, P, outdir):
    lang, i = spec["lang"], spec["i"]
    rng = spec["rng"]
    label, fam, weight, _ = spec["font"]
    pid = "%s%04d" % (lang, i)
    pools = P[spec["split"]]
    if spec["kind"] == "letter":
        src, blocks = "letter", make_letter(rng, pools)
    elif spec["kind"] == "form":
        src, blocks = "form", make_form(rng, pools)
    else:
        src, blocks = make_prose(rng, pools, lang)
    pt = rng.choice([11, 12, 12, 13, 14, 16]) if lang == "ar" else rng.choice([10, 11, 12, 12])
    if spec["kind"] == "prose" and spec["dpi"] == 150:
        pt = max(pt, 12)
    max_lines = rng.randint(18, 30)
    gray, gt = render(blocks, fam, weight, pt, spec["dpi"], lang, max_lines, rng)
    rng_np = np.random.default_rng(int(hashlib.sha256(pid.encode()).hexdigest()[:8], 16) + SEED)
    img, ext, kw, params = degrade(gray, spec["cond"], spec["dpi"], rng, rng_np)
    params["pt"] = pt
    params["source"] = src
    imgrel = os.path.join("img", "%s.%s" % (pid, ext))
    gtrel = os.path.join("gt", pid + ".txt")
    kw = dict(kw)
    if "dpi" not in kw:
        kw["dpi"] = (spec["dpi"], spec["dpi"])
    if ext == "jpg":
        kw["optimize"] = False
    img.save(os.path.join(outdir, imgrel), **kw)
    with open(os.path.join(outdir, gtrel), "w", encoding="utf-8") as f:
        f.write("\n".join(gt) + "\n")
    return [pid, spec["split"], lang, label, str(spec["dpi"]), spec["cond"], spec["kind"], imgrel, gtrel,
            json.dumps(params, ensure_ascii=False, sort_keys=True)]


_P = _OUT = None


def _one(t):
    return build_page(page_spec(*t), _P, _OUT)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("outdir")
    ap.add_argument("--small", action="store_true")
    ap.add_argument("--corpora", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                       "..", "..", "..", "shared", "corpora"))
    ap.add_argument("--only", default="", help="comma-separated page ids (debugging)")
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--keep", action="store_true",
                    help="do not render again the pages OUTDIR/manifest.tsv already lists (with their files)")
    a = ap.parse_args()
    corpora = os.path.normpath(a.corpora)
    if not os.path.isdir(corpora):
        sys.exit("make_devset: %s not present (see ../shared/corpora/SOURCES.md)" % corpora)
    P = load_pools(corpora)
    os.makedirs(os.path.join(a.outdir, "img"), exist_ok=True)
    os.makedirs(os.path.join(a.outdir, "gt"), exist_ok=True)
    ids = {}
    for l in N_FULL:
        turned0 = N_FULL[l] + len(SWEEP_KINDS[l]) * len(AR_FONTS if l == "ar" else EN_FONTS)
        if a.small:  # the first pages of the cycle, and the first turned pages
            ids[l] = list(range(N_SMALL[l])) + list(range(turned0, turned0 + N_SMALL_TURNED[l]))
        else:
            ids[l] = list(range(turned0 + N_TURNED[l]))
    only = set(x for x in a.only.split(",") if x)
    todo = [(lang, i) for lang in ("ar", "en") for i in ids[lang]
            if not only or "%s%04d" % (lang, i) in only]
    # --keep: pages already in OUTDIR/manifest.tsv, with their files, are not rendered again
    kept = {}
    mpath = os.path.join(a.outdir, "manifest.tsv")
    if a.keep and os.path.exists(mpath):
        with open(mpath, encoding="utf-8") as f:
            f.readline()
            for l in f:
                r = l.rstrip("\n").split("\t")
                if len(r) >= 10 and all(os.path.exists(os.path.join(a.outdir, x)) for x in r[7:9]):
                    kept[r[0]] = r
    todo_render = [t for t in todo if "%s%04d" % t not in kept]
    global _P, _OUT
    _P, _OUT = P, a.outdir
    rows = []
    if a.jobs > 1:
        import multiprocessing
        with multiprocessing.get_context("fork").Pool(a.jobs) as pool:
            for r in pool.imap(_one, todo_render, chunksize=2):
                rows.append(r)
                if len(rows) % 20 == 0:
                    print("make_devset: %d/%d pages" % (len(rows), len(todo_render)), file=sys.stderr)
    else:
        for t in todo_render:
            rows.append(_one(t))
            if len(rows) % 20 == 0:
                print("make_devset: %d/%d pages" % (len(rows), len(todo_render)), file=sys.stderr)
    if kept:
        print("make_devset: %d pages kept as they were (--keep)" % len([t for t in todo if "%s%04d" % t in kept]),
              file=sys.stderr)
        rows += [kept["%s%04d" % t] for t in todo if "%s%04d" % t in kept]
        rows.sort(key=lambda r: r[0])
    with open(mpath + ".tmp", "w", encoding="utf-8") as f:
        f.write("id\tsplit\tlang\tfont\tdpi\tcondition\tkind\timage\tgt\tparams\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    os.replace(mpath + ".tmp", mpath)  # atomic: a run reading the manifest sees the old or the new one
    print("make_devset: %d pages in %s" % (len(rows), a.outdir), file=sys.stderr)


if __name__ == "__main__":
    main()
