#!/usr/bin/env python3
# ix_dump.py - the full-text index of a SQLite case, decoded (src/index/
# ix_internal.h has the format) into lines independent of document ids and
# of how the postings fall into segments: a line a term and document (the
# document's SHA-256, its tf code, its positions), a line a document's
# length norm, and the index's totals. Two cases whose index holds the same
# postings print the same lines.
#
#   python3 ix_dump.py CASE/store.db
import sqlite3
import sys


def varint(b, i):
    v = shift = 0
    while True:
        x = b[i]
        i += 1
        v |= (x & 0x7F) << shift
        if not x & 0x80:
            return v, i
        shift += 7


def postings(post, pos):
    """(doc, tf code, [positions]) of one row, formats 1 and 2."""
    i, fmt = 0, 1
    if post[0] == 0:
        fmt, i = 2, 2
    df, i = varint(post, i)
    nblocks, i = varint(post, i)
    for _ in range(nblocks):  # headers: last doc, bytes, max tf, 2 bytes, pos offset
        for _ in range(3):
            _, i = varint(post, i)
        i += 2
        _, i = varint(post, i)
    doc, j, out = 0, 0, []
    for _ in range(df):
        v, i = varint(post, i)
        if fmt == 2:
            delta, tf = v >> 1, 4
            if not v & 1:
                tf, i = varint(post, i)
        else:
            delta = v
            tf, i = varint(post, i)
        doc += delta
        plist = []
        if pos is not None:
            h, j = varint(pos, j)
            if fmt == 2 and h & 1:
                plist = [h >> 1]
            else:
                n, at = (h >> 1 if fmt == 2 else h), 0
                for _ in range(n):
                    d, j = varint(pos, j)
                    at += d
                    plist.append(at)
        out.append((doc, tf, plist))
    return out


def main():
    db = sqlite3.connect(sys.argv[1])
    sha = dict(db.execute("SELECT id, coalesce(sha256, (SELECT min(path) FROM locations l WHERE l.doc_id = d.id)) "
                          "FROM documents d"))
    lines = []
    for term, post, pos in db.execute("SELECT term, post, pos FROM ix_terms"):
        for doc, tf, plist in postings(post, pos):
            lines.append("post %s %s %d %s" % (term, sha.get(doc, doc), tf, ",".join(map(str, plist))))
    for chunk, data in db.execute("SELECT chunk, data FROM ix_norms"):
        for k, norm in enumerate(data):
            doc = chunk * 65536 + k
            if doc in sha:
                lines.append("norm %s %d" % (sha[doc], norm))
    for key, value in db.execute("SELECT key, value FROM ix_stats"):
        lines.append("stat %s %d" % (key, value))
    lines.sort()
    sys.stdout.write("\n".join(lines) + "\n")


main()
