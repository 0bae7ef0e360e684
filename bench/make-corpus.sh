#!/usr/bin/env bash
# make-corpus.sh - generate the ingest benchmark's input, deterministically.
#
#   bash bench/make-corpus.sh [OUT] [--seed N] [--small-files N] [--large-mb N]
#                             [--only small|large]
#
# OUT (default /tmp/daftar-bench) receives two folders:
#   OUT/small/  20,000 files in nested folders: ~70 % .txt of 1-8 KB, ~30 %
#               .html of 2-20 KB, English and Arabic sentences drawn from the
#               real corpora in ../shared/corpora (Cranfield and CISI abstracts,
#               SaudiNewsNet articles); a few Arabic .txt in windows-1256;
#               ~5 % of the files are exact copies of another file, at another
#               place in the tree.
#   OUT/large/  8 files, about 1 GiB in all (64-256 MiB each): 4 text files
#               (English, Arabic, mixed, a CSV-like log) and 4 binary-ish ones
#               (random bytes, a disk-image-like mix of zeros/records/random,
#               a fake video container, a fake database page file).
# The same seed gives byte-identical files. Nothing from the corpora is
# copied into the repository: the files are built here, at run time.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=/tmp/daftar-bench
seed=20260101
small_files=20000
large_mb=1024
only=all
corpora=${DAFTAR_CORPORA:-$here/../../shared/corpora}

while [ $# -gt 0 ]; do
  case "$1" in
    --seed) seed=$2; shift 2 ;;
    --small-files) small_files=$2; shift 2 ;;
    --large-mb) large_mb=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    -*) echo "make-corpus: unknown option $1" >&2; exit 2 ;;
    *) out=$1; shift ;;
  esac
done

for f in saudinewsnet-ar/2015-07-23.json cranfield/cran.all.1400 cisi/CISI.ALL; do
  [ -r "$corpora/$f" ] || { echo "make-corpus: $corpora/$f not found (set DAFTAR_CORPORA)" >&2; exit 1; }
done

# Disk: the large set needs large_mb (+ the small set, ~150 MB).
need_mb=$(( large_mb + 200 ))
mkdir -p "$out"
avail_mb=$(df -Pm "$out" | awk 'NR==2 {print $4}')
if [ "$only" != small ] && [ "$avail_mb" -lt $(( need_mb * 3 )) ]; then
  echo "make-corpus: only ${avail_mb} MB free under $out; the benchmark needs about $(( need_mb * 3 )) MB" >&2
  exit 1
fi

exec python3 - "$out" "$seed" "$small_files" "$large_mb" "$only" "$corpora" <<'PY'
import json, os, random, re, sys, shutil

out, seed, nsmall, large_mb, only, corpora = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]

# ---- sentence pools from the real corpora --------------------------------
def smart_docs(path, fields):
    """Text of the given fields of a SMART-format collection (.I/.T/.W...)."""
    with open(path, encoding="latin-1") as f:
        data = f.read().replace("\r\n", "\n")
    docs, cur, keep = [], [], False
    for line in data.split("\n"):
        if line.startswith(".I "):
            if cur:
                docs.append(" ".join(cur))
            cur, keep = [], False
        elif re.match(r"^\.[A-Z]$", line):
            keep = line[1] in fields
        elif keep:
            cur.append(line.strip())
    if cur:
        docs.append(" ".join(cur))
    return docs

def split_sentences(text, min_len=25):
    parts = re.split(r"(?<=[.!?؟])\s+", re.sub(r"\s+", " ", text).strip())
    return [p for p in parts if len(p) >= min_len]

en_docs = smart_docs(os.path.join(corpora, "cranfield/cran.all.1400"), "W") + \
          smart_docs(os.path.join(corpora, "cisi/CISI.ALL"), "W")
en_titles = [t for t in smart_docs(os.path.join(corpora, "cranfield/cran.all.1400"), "T") +
             smart_docs(os.path.join(corpora, "cisi/CISI.ALL"), "T") if 10 < len(t) < 120]
en = []
for d in en_docs:
    for s in split_sentences(d):
        s = s[0].upper() + s[1:]
        en.append(s)

with open(os.path.join(corpora, "saudinewsnet-ar/2015-07-23.json"), encoding="utf-8") as f:
    arts = json.load(f)
ar, ar_titles = [], []
for a in arts:
    if a.get("title") and 8 < len(a["title"]) < 120:
        ar_titles.append(a["title"].strip())
    ar.extend(split_sentences(a.get("content", "")))
ar = [s for s in ar if len(s) < 600]
en = [s for s in en if len(s) < 600]
sources = sorted({a.get("source", "") for a in arts if a.get("source")})
print(f"make-corpus: pools: {len(en)} English and {len(ar)} Arabic sentences", file=sys.stderr)

rng = random.Random(seed)

def paragraph(pool, r, nsent):
    return " ".join(r.choice(pool) for _ in range(nsent))

def body_text(lang, r, target):
    """Paragraphs of real sentences until about `target` bytes (UTF-8)."""
    pool = en if lang == "en" else ar if lang == "ar" else None
    paras, size = [], 0
    while size < target:
        p = paragraph(pool if pool else (en if r.random() < 0.5 else ar), r, r.randint(2, 6))
        paras.append(p)
        size += len(p.encode("utf-8")) + 2
    text = "\n\n".join(paras)
    b = text.encode("utf-8")
    if len(b) > target:  # cut on a character boundary, at a space if possible
        b = b[:target]
        text = b.decode("utf-8", "ignore")
        cut = text.rfind(" ")
        if cut > target // 2:
            text = text[:cut]
    return text

def memo(lang, r, target):
    if lang == "ar":
        head = "الموضوع: {}\nالتاريخ: {}/{:02d}/{:02d}\nالمرجع: {}/{}\n\n".format(
            r.choice(ar_titles), r.randint(2009, 2016), r.randint(1, 12), r.randint(1, 28),
            r.randint(100, 999), r.randint(1000, 9999))
    else:
        head = "Subject: {}\nDate: {}-{:02d}-{:02d}\nRef: {}/{}\n\n".format(
            r.choice(en_titles), r.randint(2009, 2016), r.randint(1, 12), r.randint(1, 28),
            r.randint(100, 999), r.randint(1000, 9999))
    return head + body_text(lang, r, max(200, target - len(head.encode("utf-8")))) + "\n"

def html_page(lang, r, target):
    title = r.choice(ar_titles if lang == "ar" else en_titles)
    site = r.choice(sources) if lang == "ar" else r.choice(["dailyherald", "ministry-gazette", "aero-review", "libsci-weekly"])
    nav = "".join('<li><a href="/section/{0}">{1}</a></li>'.format(i, w) for i, w in enumerate(
        (["الرئيسية", "محليات", "اقتصاد", "رياضة", "رأي"] if lang == "ar" else ["Home", "World", "Business", "Sport", "Opinion"])))
    head = ('<!DOCTYPE html>\n<html lang="{lang}"{dir}>\n<head>\n<meta charset="utf-8">\n'
            '<title>{title}</title>\n<meta name="author" content="{site}">\n'
            '<link rel="stylesheet" href="/static/site.css">\n'
            '<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}</script>\n'
            '</head>\n<body>\n<header><div class="logo">{site}</div><nav><ul>{nav}</ul></nav></header>\n'
            '<main><article>\n<h1>{title}</h1>\n<p class="byline">{date}</p>\n').format(
        lang=lang, dir=' dir="rtl"' if lang == "ar" else "", title=title, site=site, nav=nav,
        date="{}-{:02d}-{:02d}".format(r.randint(2009, 2016), r.randint(1, 12), r.randint(1, 28)))
    tail = ('</article></main>\n<aside><h3>{}</h3><ul>{}</ul></aside>\n'
            '<footer><p>&copy; {} {}</p></footer>\n</body>\n</html>\n').format(
        "الأكثر قراءة" if lang == "ar" else "Most read",
        "".join('<li><a href="/a/{}">{}</a></li>'.format(r.randint(10000, 99999), r.choice(ar_titles if lang == "ar" else en_titles)) for _ in range(4)),
        r.randint(2009, 2016), site)
    room = max(400, target - len(head.encode()) - len(tail.encode()))
    paras, size = [], 0
    pool = ar if lang == "ar" else en
    while size < room:
        p = "<p>" + paragraph(pool, r, r.randint(2, 5)).replace("&", "&amp;").replace("<", "&lt;") + "</p>\n"
        paras.append(p)
        size += len(p.encode("utf-8"))
    return head + "".join(paras) + tail

# ---- the small set ------------------------------------------------------------
def make_small(root):
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    top = ["finance", "legal", "hr", "mail-export", "press", "projects", "scans-ocr", "misc"]
    dirs = []
    for t in top:
        for y in range(2011, 2016):
            for sub in ["", "q1", "q2", "q3/drafts", "q4/old/archive"]:
                dirs.append(os.path.join(t, str(y), sub) if sub else os.path.join(t, str(y)))
    dirs.sort()
    for d in dirs:
        os.makedirs(os.path.join(root, d), exist_ok=True)
    ndup = nsmall // 20  # 5 %
    written = []  # (relpath) of originals
    r = random.Random(seed * 7 + 1)
    total = 0
    for i in range(nsmall - ndup):
        lang = "ar" if r.random() < 0.5 else "en"
        d = r.choice(dirs)
        if r.random() < 0.70:
            size = r.randint(1024, 8192)
            text = memo(lang, r, size)
            name = "{}-{:05d}.txt".format("مذكرة" if lang == "ar" and r.random() < 0.3 else "memo", i)
            data = text.encode("utf-8")
            if lang == "ar" and r.random() < 0.08:
                data = text.encode("cp1256", "replace")
        else:
            size = r.randint(2048, 20480)
            name = "page-{:05d}.html".format(i)
            data = html_page(lang, r, size).encode("utf-8")
        rel = os.path.join(d, name)
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)
        written.append(rel)
        total += len(data)
    for k in range(ndup):
        src = r.choice(written)
        d = r.choice(dirs)
        rel = os.path.join(d, "copy-{:04d}-{}".format(k, os.path.basename(src)))
        shutil.copyfile(os.path.join(root, src), os.path.join(root, rel))
        total += os.path.getsize(os.path.join(root, rel))
    # fixed mtimes, so that the tree is the same from run to run
    for dp, dn, fn in os.walk(root):
        for n in fn:
            os.utime(os.path.join(dp, n), (1420070400, 1420070400))
    print(f"make-corpus: {root}: {nsmall} files ({ndup} exact copies), {total/1e6:.1f} MB", file=sys.stderr)

# ---- the large set ------------------------------------------------------------
MiB = 1 << 20

def write_text_file(path, nbytes, r, kind):
    # a 4 MiB block of sentences, then blocks that re-use it with fresh
    # lines interleaved, so the text is not one repeated block
    with open(path, "wb") as f:
        written = 0
        n = 0
        while written < nbytes:
            if kind == "log":
                lines = []
                for _ in range(4000):
                    n += 1
                    lines.append("{},{}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d},{},{},\"{}\"\n".format(
                        n, r.randint(2010, 2016), r.randint(1, 12), r.randint(1, 28), r.randint(0, 23),
                        r.randint(0, 59), r.randint(0, 59), r.choice(["INFO", "WARN", "ERROR", "AUDIT"]),
                        r.randint(1, 99999), r.choice(en if r.random() < 0.6 else ar).replace('"', "'")))
                chunk = "".join(lines).encode("utf-8")
            else:
                paras = []
                for _ in range(300):
                    lang = kind if kind in ("en", "ar") else ("en" if r.random() < 0.5 else "ar")
                    paras.append(paragraph(en if lang == "en" else ar, r, r.randint(3, 8)))
                chunk = ("\n\n".join(paras) + "\n\n").encode("utf-8")
            chunk = chunk[: nbytes - written]
            f.write(chunk)
            written += len(chunk)

def write_binary_file(path, nbytes, r, kind):
    with open(path, "wb") as f:
        if kind == "mkv":
            f.write(b"\x1aE\xdf\xa3\x9fB\x86\x81\x01B\xf7\x81\x01B\xf2\x81\x04B\xf3\x81\x08B\x82\x88matroska")
        elif kind == "sqlite":
            f.write(b"SQLite format 3\x00")
        written = f.tell()
        page = 0
        while written < nbytes:
            if kind == "random":
                chunk = r.randbytes(MiB)
            elif kind == "disk":  # zeros, small records, random sectors
                parts = []
                for _ in range(16):
                    x = r.random()
                    if x < 0.4:
                        parts.append(b"\x00" * 65536)
                    elif x < 0.7:
                        rec = ("{:08d}|{}|".format(page, r.choice(en_titles))).encode("utf-8")
                        parts.append((rec * (65536 // len(rec) + 1))[:65536])
                    else:
                        parts.append(r.randbytes(65536))
                    page += 1
                chunk = b"".join(parts)
            elif kind == "mkv":
                chunk = b"\x1fC\xb6u" + r.randbytes(MiB - 4)
            else:  # sqlite-like 4 KiB pages: header, cells of text, free space
                parts = []
                for _ in range(256):
                    page += 1
                    cell = ("{}\x00{}\x00".format(page, r.choice(en_titles))).encode("utf-8")
                    body = (cell * (3000 // len(cell) + 1))[:3000]
                    parts.append(b"\x0d\x00\x00\x00\x01" + body + b"\x00" * (4096 - 5 - len(body)))
                chunk = b"".join(parts)
            chunk = chunk[: nbytes - written]
            f.write(chunk)
            written += len(chunk)

def make_large(root):
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(os.path.join(root, "exports"))
    os.makedirs(os.path.join(root, "images"))
    # sizes in 1/16 of the total: 1+1.5+2+3+4+1+1.5+2 = 16
    shares = [1, 1.5, 2, 3, 4, 1, 1.5, 2]
    specs = [("exports/report-en.txt", "text", "en"), ("exports/archive-ar.txt", "text", "ar"),
             ("exports/mixed-notes.txt", "text", "mixed"), ("exports/audit-log.csv", "text", "log"),
             ("images/disk.img", "bin", "disk"), ("images/blob.bin", "bin", "random"),
             ("images/video.mkv", "bin", "mkv"), ("images/store.db", "bin", "sqlite")]
    r = random.Random(seed * 13 + 5)
    total = 0
    for (rel, cls, kind), share in zip(specs, shares):
        nbytes = int(large_mb * MiB * share / 16)
        path = os.path.join(root, rel)
        (write_text_file if cls == "text" else write_binary_file)(path, nbytes, r, kind)
        os.utime(path, (1420070400, 1420070400))
        total += nbytes
        print(f"make-corpus: {path}: {nbytes / MiB:.0f} MiB", file=sys.stderr)
    print(f"make-corpus: {root}: {len(specs)} files, {total / MiB:.0f} MiB", file=sys.stderr)

if only in ("all", "small"):
    make_small(os.path.join(out, "small"))
if only in ("all", "large"):
    make_large(os.path.join(out, "large"))
PY
