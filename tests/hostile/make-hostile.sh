#!/usr/bin/env bash
# make-hostile.sh - build the hostile-file corpus of issue #9 in OUT: files
# crafted to attack the reader of a leak (bombs, loops, traversal, entity
# expansion, lies about sizes, broken encodings). Everything is generated
# here with python3, zip and tar; no binary is kept in the repository.
# The 100 MB single-line text is made by the test (tests/e2e/test_hostile.sh)
# and deleted after; see docs/SECURITY.md for what each file is meant to do.
#   bash tests/hostile/make-hostile.sh OUT
set -euo pipefail
out=${1:?usage: make-hostile.sh OUT}
mkdir -p "$out"
out=$(cd "$out" && pwd)

python3 - "$out" <<'PY'
import os, struct, sys, zlib, zipfile, tarfile, io, time

out = sys.argv[1]
def path(*p):
    f = os.path.join(out, *p)
    os.makedirs(os.path.dirname(f), exist_ok=True)
    return f
def put(name, data):
    with open(path(name), 'wb') as f:
        f.write(data)

# ---- a raw zip writer: any bytes as names (NUL, control characters,
# traversal), stored or deflated members, Unix mode bits (symlinks)
def raw_zip(entries):
    """entries: (name: bytes, data: bytes, deflate: bool, unix_mode or None)"""
    body, central = bytearray(), bytearray()
    for name, data, deflate, mode in entries:
        crc = zlib.crc32(data) & 0xffffffff
        if deflate:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            comp = c.compress(data) + c.flush()
        else:
            comp = data
        method = 8 if deflate else 0
        off = len(body)
        body += struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, method, 0, 0x21,
                            crc, len(comp), len(data), len(name), 0) + name + comp
        ext = ((mode or 0o100644) << 16)
        central += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 0x031e, 20, 0, method, 0, 0x21,
                               crc, len(comp), len(data), len(name), 0, 0, 0, 0, ext, off) + name
    eocd = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, len(entries), len(entries),
                       len(central), len(body), 0)
    return bytes(body + central + eocd)

t0 = time.time()
# ---- zip bombs
# flat: one member of 1 GiB of zeros, deflated (about 1 MB on disk)
with zipfile.ZipFile(path('bombs/flat-1GiB.zip'), 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    zi = zipfile.ZipInfo('zeros.bin', (2020, 1, 1, 0, 0, 0))
    zi.compress_type = zipfile.ZIP_DEFLATED
    with z.open(zi, 'w', force_zip64=True) as m:
        chunk = bytes(1 << 24)
        for _ in range(64):
            m.write(chunk)
# nested, 42.zip style: 4 layers of 16 copies over 64 MiB of zeros
# (64 MiB x 16^4 = 4 TiB expanded)
def zbytes(members):
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w', zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for n, d in members:
            z.writestr(zipfile.ZipInfo(n, (2020, 1, 1, 0, 0, 0)), d, zipfile.ZIP_DEFLATED)
    return b.getvalue()
layer = zbytes([('zeros.bin', bytes(64 << 20))])
for lvl in range(4):
    layer = zbytes([('%s%d.zip' % ('abcdefghijklmnop'[i], lvl), layer) for i in range(16)])
put('bombs/nested-42-style.zip', layer)
# overlapping members (Fifield's non-recursive bomb idea): 1,000 central
# directory entries that all point at the same local header
one = raw_zip([(b'kernel.bin', bytes(8 << 20), True, None)])
loc_len = one.index(b'PK\x01\x02')
cd = one[loc_len:one.index(b'PK\x05\x06')]
cds = bytearray()
for i in range(1000):
    n = ('kernel.bin').encode()
    cds += cd  # same name, same offset 0: every entry is the same bytes
eocd = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, 1000, 1000, len(cds), loc_len, 0)
put('bombs/overlap-1000-entries.zip', one[:loc_len] + bytes(cds) + eocd)

# ---- "a zip that contains itself": NOT a true quine (Cox's r.zip needs a
# hand-built deflate stream); two stand-ins: a zip whose member is the
# previous state of the same zip file (zip -u of itself), and a zip whose
# central directory lists itself again as a member name 'self.zip' pointing
# at offset 0, so that a reader that follows it sees the outer zip's bytes
inner = zbytes([('readme.txt', b'I contain myself, almost.\n')])
selfz = zbytes([('readme.txt', b'I contain myself, almost.\n'), ('self.zip', inner)])
put('quine/self-previous.zip', selfz)
# a stored member named self.zip whose data region is the whole archive so
# far: its central entry points at offset 0 with the archive's own size
head = raw_zip([(b'self.zip', b'', False, None)])
put('quine/self-pointer.zip', head)

# ---- 10,000-deep nesting: stored zips, each the only member of the next
# (built iteratively; about 1 MB)
data = b'the bottom of a 10000-deep archive\n'
name = b'level-10000.txt'
for lvl in range(10000, 0, -1):
    data = raw_zip([(name, data, False, None)])
    name = b'level-%d.zip' % (lvl - 1)
put('deep/deep-10000.zip', data)
# and 10,000 gzip layers (libarchive stacks filters)
g = b'gzip at the bottom\n'
for _ in range(10000):
    c = zlib.compressobj(0, zlib.DEFLATED, 31)
    g = c.compress(g) + c.flush()
put('deep/deep-10000.txt.gz', g)

# ---- traversal, absolute names, symlinks, NUL and control characters
trav = [b'../../etc/passwd', b'/tmp/daftar-hostile-x', b'C:\\..\\..\\evil.txt', b'..\\..\\win.txt',
        b'a/../../../../../../tmp/daftar-hostile-y', b'//server/share/z.txt']
put('names/traversal.zip', raw_zip([(n, b'written where it should not be\n', False, None) for n in trav]))
put('names/symlinks.zip', raw_zip([(b'passwd-link', b'/etc/passwd', False, 0o120777),
                                   (b'up-link', b'../../../../../../etc/shadow', False, 0o120777),
                                   (b'passwd-link', b'now written through the link\n', False, None)]))
put('names/nul-and-control.zip', raw_zip([
    (b'before\x00after.txt', b'a NUL in the name\n', False, None),
    (b'bell\x07\x1b[31mred\x1b[0m\r\nnewline.txt', b'control characters\n', False, None),
    (b'\xff\xfe invalid utf-8 \xc0\xaf.txt', b'bad bytes in the name\n', False, None),
    (b'\xe2\x80\xaegnp.exe', b'right-to-left override\n', False, None)]))
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode='w', format=tarfile.GNU_FORMAT) as t:
    def add(name, data=b'', kind=tarfile.REGTYPE, link=''):
        ti = tarfile.TarInfo(name)
        ti.type, ti.linkname, ti.size, ti.mtime = kind, link, len(data), 1600000000
        t.addfile(ti, io.BytesIO(data) if data else None)
    add('../../../../tmp/daftar-hostile-tar', b'traversal\n')
    add('/tmp/daftar-hostile-abs', b'absolute\n')
    add('etc-link', kind=tarfile.SYMTYPE, link='/etc/passwd')
    add('etc-link', b'through the link\n')
    add('hard-link', kind=tarfile.LNKTYPE, link='/etc/passwd')
    add('dir-link', kind=tarfile.SYMTYPE, link='/tmp')
    add('dir-link/daftar-hostile-via-dir', b'through a directory link\n')
    add('ctl\x01\x1b]0;title\x07\nname.txt', b'control characters\n')
    add('dev-null', kind=tarfile.CHRTYPE)
    add('fifo', kind=tarfile.FIFOTYPE)
put('names/traversal-links.tar', tb.getvalue())
# on disk: names with control characters and invalid UTF-8
for n in [b'ctl-\x01\x02\x1b[2J-clear.txt', b'newline\nin-name.txt', b'bad-\xff\xfe-utf8.txt', b' leading space.txt']:
    with open(os.path.join(out.encode(), b'names', n), 'wb') as f:
        f.write(b'a file with a hostile name\n')

# ---- XML: billion laughs and external entities in docx, odt, svg
lol = ['<!ENTITY lol0 "lol">'] + ['<!ENTITY lol%d "%s">' % (i, ('&lol%d;' % (i - 1)) * 10) for i in range(1, 10)]
laughs = '<!DOCTYPE d [%s]>' % ''.join(lol)
xxe = '<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd"><!ENTITY net SYSTEM "http://127.0.0.1:9/x"><!ENTITY % p SYSTEM "file:///etc/hostname"> %p;]>'
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
def docx(dtd, ref):
    doc = ('<?xml version="1.0"?>%s<w:document %s><w:body><w:p><w:r><w:t>%s</w:t></w:r></w:p></w:body></w:document>'
           % (dtd, W, ref)).replace('<!DOCTYPE d', '<!DOCTYPE w:document')
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
    return zbytes([('[Content_Types].xml', ct.encode()), ('_rels/.rels', rels.encode()), ('word/document.xml', doc.encode())])
def odt(dtd, ref):
    content = ('<?xml version="1.0"?>%s<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>%s</text:p>'
               '</office:text></office:body></office:document-content>' % (dtd, ref)).replace('<!DOCTYPE d', '<!DOCTYPE office:document-content')
    b = io.BytesIO()
    with zipfile.ZipFile(b, 'w') as z:
        z.writestr(zipfile.ZipInfo('mimetype', (2020, 1, 1, 0, 0, 0)), 'application/vnd.oasis.opendocument.text')
        z.writestr(zipfile.ZipInfo('content.xml', (2020, 1, 1, 0, 0, 0)), content, zipfile.ZIP_DEFLATED)
    return b.getvalue()
def svg(dtd, ref):
    return ('<?xml version="1.0"?>%s<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>%s</text></svg>'
            % (dtd, ref)).replace('<!DOCTYPE d', '<!DOCTYPE svg').encode()
for kind, dtd, ref in [('laughs', laughs, '&lol9;'), ('xxe', xxe, '&xxe; &net;')]:
    put('xml/%s.docx' % kind, docx(dtd, ref))
    put('xml/%s.odt' % kind, odt(dtd, ref))
    put('xml/%s.svg' % kind, svg(dtd, ref))
put('xml/laughs.xml', svg(laughs, '&lol9;').replace(b'<svg', b'<d').replace(b'</svg>', b'</d>'))

# ---- PDFs
def pdf(objs, root=1, count_override=None, trailer_extra=b''):
    b = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(b))
        b += b'%d 0 obj\n' % i + o + b'\nendobj\n'
    x = len(b)
    b += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objs) + 1)
    for o in offs:
        b += b'%010d 00000 n \n' % o
    b += b'trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n' % (len(objs) + 1, root, trailer_extra, x)
    return bytes(b)
stream = b'BT /F1 12 Tf 72 720 Td (hostile pdf page) Tj ET'
page = b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>'
content = b'<< /Length %d >>\nstream\n' % len(stream) + stream + b'\nendstream'
font = b'<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>'
good = pdf([b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>', page, content, font])
put('pdf/truncated-half.pdf', good[:len(good) // 2])
put('pdf/truncated-header.pdf', b'%PDF-1.7\n')
put('pdf/garbage-xref.pdf', good.replace(b'startxref\n', b'startxref\n99999999').replace(b'xref\n0 6', b'xref\n0 600000'))
# /Kids cycle: the pages node is its own kid; /Parent cycle: two nodes each
# other's parent and kid
put('pdf/kids-cycle.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>', page, content, font]))
put('pdf/parent-cycle.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [6 0 R] /Count 1 /Parent 6 0 R >>',
                                 page.replace(b'/Parent 2 0 R', b'/Parent 6 0 R'), content, font,
                                 b'<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 1 /Parent 2 0 R >>']))
put('pdf/ref-loop.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids 6 0 R /Count 1 >>', page, content, font,
                             b'7 0 R', b'6 0 R']))
# 100,000 pages declared: /Count 100000 and a Kids array of 100,000
# references to the same page
kids = b'[' + b'3 0 R ' * 100000 + b']'
put('pdf/pages-100000.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids %s /Count 100000 >>' % kids, page, content, font]))
put('pdf/count-lie.pdf', pdf([b'<< /Type /Catalog /Pages 2 0 R >>', b'<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>', page, content, font]))
# a stream that says it is 1 GB long
put('pdf/length-lie.pdf', good.replace(b'<< /Length %d >>' % len(stream), b'<< /Length 1073741824 /Filter /FlateDecode >>'))

# ---- images: a PNG declaring 100000 x 100000 pixels with a tiny IDAT
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
def png(w, h, raw):
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
put('image/huge-100000x100000.png', png(100000, 100000, b'\x00' * 301))
put('image/huge-1x2147483647.png', png(1, 2147483647, b'\x00' * 4))
put('image/truncated.png', png(64, 64, b'\x00' * (64 * 193))[:200])
put('image/one-pixel.png', png(1, 1, b'\x00\xff\xff\xff'))
put('image/huge-60000x60000.png', png(60000, 60000, b'\x00' * 301))
# JPEG: the markers up to the start of a 64x64 scan, then nothing (a cut
# file), and the same header claiming 65,500 x 65,500 (4.3 G pixels)
def jpeg(w, h):
    seg = lambda m, d: b'\xff' + bytes([m]) + struct.pack('>H', len(d) + 2) + d
    return (b'\xff\xd8' + seg(0xE0, b'JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00') +
            seg(0xDB, b'\x00' + b'\x01' * 64) +
            seg(0xC0, struct.pack('>BHHB', 8, h, w, 1) + b'\x01\x11\x00') +
            seg(0xC4, b'\x00' + b'\x00\x01' + b'\x00' * 14 + b'\x00') +
            seg(0xDA, b'\x01\x01\x00\x00\x3f\x00') + b'\x12\x34')
put('image/truncated.jpg', jpeg(64, 64))
put('image/huge-65500x65500.jpg', jpeg(65500, 65500))
# TIFF: 10,000 pages of 8 x 8 grey (a fax run gone wrong), and one page
# that claims 70,000 x 70,000 8-bit pixels (4.9 GB) with 64 bytes of data
def tiff(pages, w, h, data):
    out = bytearray(b'II*\x00\x08\x00\x00\x00')
    for i in range(pages):
        ifd = len(out)
        n = 8
        strip = ifd + 2 + n * 12 + 4
        nxt = strip + len(data) if i + 1 < pages else 0
        e = lambda tag, typ, cnt, val: struct.pack('<HHII', tag, typ, cnt, val)
        out += struct.pack('<H', n)
        out += (e(256, 4, 1, w) + e(257, 4, 1, h) + e(258, 3, 1, 8) + e(259, 3, 1, 1) +
                e(262, 3, 1, 1) + e(273, 4, 1, strip) + e(278, 4, 1, h) + e(279, 4, 1, len(data)))
        out += struct.pack('<I', nxt) + data
    return bytes(out)
put('image/pages-10000.tif', tiff(10000, 8, 8, b'\x80' * 64))
put('image/huge-70000x70000.tif', tiff(1, 70000, 70000, b'\x80' * 64))
# HEIC: an ftyp of brand heic, then a meta box whose children claim more
# bytes than the file has
put('image/broken-boxes.heic', struct.pack('>I', 24) + b'ftypheic' + struct.pack('>I', 0) + b'mif1heic' +
    struct.pack('>I', 40) + b'meta' + b'\x00' * 4 + struct.pack('>I', 0x7fffffff) + b'hdlr' + b'\x00' * 24)

# ---- encodings
put('text/invalid-utf8.txt', b'valid start \xc3\xa9 then \xff\xfe\xc0\xaf \xed\xa0\x80 overlong \xf8\x88\x80\x80\x80 '
    b'truncated \xe2\x82 end\n' * 2000)
put('text/utf16le-lone-surrogates.txt', b'\xff\xfe' + ('lone high: ').encode('utf-16-le') + b'\x00\xd8' +
    (' lone low: ').encode('utf-16-le') + b'\x00\xdc' + (' reversed: ').encode('utf-16-le') + b'\x00\xdc\x00\xd8' +
    ' Arabic الرقة\n'.encode('utf-16-le') * 500)
put('text/utf16be-lone-surrogates.txt', b'\xfe\xff' + 'x'.encode('utf-16-be') + b'\xd8\x00' + 'y\n'.encode('utf-16-be') * 1000)
put('text/utf16-odd-length.txt', b'\xff\xfe' + 'odd'.encode('utf-16-le') + b'\x41')
put('text/nul-bytes.txt', b'text\x00with\x00NULs\n' * 1000)

# ---- mail: an mbox with a 50 MB header line
with open(path('mail/header-50MB.mbox'), 'wb') as f:
    f.write(b'From someone@example.org Mon Jan  1 00:00:00 2001\nFrom: a@example.org\nSubject: ')
    blk = b'A' * (1 << 20)
    for _ in range(50):
        f.write(blk)
    f.write(b'\nTo: b@example.org\n\nbody of the message\n\nFrom x@example.org Mon Jan  1 00:00:01 2001\n'
            b'Subject: second\n\nsecond body\n')
put('mail/deep-multipart.eml', b'From: a@b\nSubject: nested\nMIME-Version: 1.0\n' +
    b''.join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(2000)) + b'x\n')
print('make-hostile: %d files in %.1f s' % (sum(len(f) for _, _, f in os.walk(out)), time.time() - t0), file=sys.stderr)
PY
