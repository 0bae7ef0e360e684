/*
 * zipxml.c - helpers shared by the office extractors: the text output with
 * its max_text cut, zip packages read with libarchive into bounded parts,
 * and a streaming XML walk with libxml2's reader. See zipxml.h.
 *
 * Why a reader and not a tree: a sheet of a large workbook can be hundreds
 * of megabytes of XML; the reader holds one node at a time, so memory stays
 * that of the part's bytes. The parser options are NONET (no network),
 * NOERROR/NOWARNING (no output on stderr), and neither NOENT nor DTDLOAD nor
 * HUGE: entity references are left unexpanded, libxml2's amplification
 * check stays on, and no external DTD or entity is loaded.
 */
#include "zipxml.h"

#include <archive.h>
#include <archive_entry.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#define ZX_FLUSH ((size_t)64 << 10) /* text sent to the sink in pieces of about this */
#define ZX_CHILD_MAX ((uint64_t)512 << 20)

/* ---- text output -------------------------------------------------------- */

void dft_zx_out_init(zx_out *o, dft_sink *sink, const dft_input *in)
{
	dft_limits def;
	memset(o, 0, sizeof(*o));
	o->sink = sink;
	dft_buf_init(&o->buf, 0);
	dft_buf_init(&o->tmp, 0);
	dft_limits_default(&def);
	o->max = in && in->limits && in->limits->max_text ? in->limits->max_text : def.max_text;
}

void dft_zx_out_dispose(zx_out *o)
{
	dft_buf_dispose(&o->buf);
	dft_buf_dispose(&o->tmp);
}

/* Send buf up to its last newline (all of it when `all`), as NFC UTF-8. */
static int zx_send(zx_out *o, int all)
{
	size_t n = o->buf.len;
	int rc;
	if (!all) {
		while (n > 0 && o->buf.ptr[n - 1] != '\n')
			n--;
		if (n == 0)
			return 0;
	}
	if (n == 0)
		return 0;
	dft_buf_reset(&o->tmp);
	if ((rc = dft_decode_text(&o->tmp, (const unsigned char *)o->buf.ptr, n, "UTF-8", NULL)) < 0)
		return rc;
	if (o->tmp.len && (rc = o->sink->text(o->sink, o->tmp.ptr, o->tmp.len)) < 0)
		return rc;
	memmove(o->buf.ptr, o->buf.ptr + n, o->buf.len - n);
	o->buf.len -= n;
	o->buf.ptr[o->buf.len] = '\0';
	return 0;
}

static int zx_put_raw(zx_out *o, const char *s, size_t n)
{
	int rc;
	if (o->cut || n == 0)
		return 0;
	if (o->kept + n > o->max) {
		char msg[160];
		size_t room = (size_t)(o->max - o->kept);
		while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
			room--; /* not inside a UTF-8 sequence */
		if (room && (rc = dft_buf_add(&o->buf, s, room)) < 0)
			return rc;
		o->kept += room;
		o->cut = 1;
		snprintf(msg, sizeof(msg), "text cut at %" PRIu64 " bytes: the text limit is reached", o->kept);
		if ((rc = zx_send(o, 1)) < 0)
			return rc;
		return o->sink->note(o->sink, msg);
	}
	if ((rc = dft_buf_add(&o->buf, s, n)) < 0)
		return rc;
	o->kept += n;
	o->last = s[n - 1];
	if (o->buf.len >= ZX_FLUSH)
		return zx_send(o, o->buf.len >= 4 * ZX_FLUSH);
	return 0;
}

int dft_zx_put(zx_out *o, const char *s, size_t n)
{
	int rc;
	if (o->cut || n == 0)
		return 0;
	/* at most one empty line in a row: a layout's runs of empty
	 * paragraphs say nothing */
	if (memchr(s, '\n', n)) {
		size_t i, run = 0;
		for (i = 0; i < n; i++) {
			if (s[i] != '\n') {
				o->newlines = 0;
				continue;
			}
			if (++o->newlines <= 2)
				continue;
			if (i > run && (rc = zx_put_raw(o, s + run, i - run)) < 0)
				return rc;
			run = i + 1;
		}
		if (run > 0) {
			o->newlines = o->newlines > 2 ? 2 : o->newlines;
			return n > run ? zx_put_raw(o, s + run, n - run) : 0;
		}
	} else {
		o->newlines = 0;
	}
	return zx_put_raw(o, s, n);
}

int dft_zx_puts(zx_out *o, const char *s)
{
	return dft_zx_put(o, s, strlen(s));
}

int dft_zx_put_heading(zx_out *o, const char **heading)
{
	const char *h = *heading;
	int rc;
	if (!h)
		return 0;
	*heading = NULL;
	if (o->last && o->last != '\n' && (rc = dft_zx_puts(o, "\n")) < 0)
		return rc;
	if ((o->last && (rc = dft_zx_puts(o, "\n")) < 0) || (rc = dft_zx_puts(o, h)) < 0)
		return rc;
	return dft_zx_puts(o, "\n");
}

int dft_zx_untab(zx_out *o)
{
	if (o->buf.len && o->buf.ptr[o->buf.len - 1] == '\t') {
		o->buf.ptr[--o->buf.len] = '\0';
		o->kept--;
		o->last = o->buf.len ? o->buf.ptr[o->buf.len - 1] : '\n';
		return 1;
	}
	return 0;
}

int dft_zx_flush(zx_out *o)
{
	return zx_send(o, 1);
}

int dft_zx_utf8(dft_buf *b, uint32_t c)
{
	char u[4];
	if (c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		c = 0xFFFD;
	if (c < 0x80)
		return dft_buf_addc(b, (char)c);
	if (c < 0x800) {
		u[0] = (char)(0xC0 | (c >> 6));
		u[1] = (char)(0x80 | (c & 0x3F));
		return dft_buf_add(b, u, 2);
	}
	if (c < 0x10000) {
		u[0] = (char)(0xE0 | (c >> 12));
		u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		u[2] = (char)(0x80 | (c & 0x3F));
		return dft_buf_add(b, u, 3);
	}
	u[0] = (char)(0xF0 | (c >> 18));
	u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	u[3] = (char)(0x80 | (c & 0x3F));
	return dft_buf_add(b, u, 4);
}

int dft_zx_put_utf16le(zx_out *o, const unsigned char *p, size_t n)
{
	dft_buf b;
	size_t i;
	int rc = 0;
	dft_buf_init(&b, 0);
	for (i = 0; i + 1 < n && rc == 0; i += 2) {
		uint32_t c = (uint32_t)p[i] | ((uint32_t)p[i + 1] << 8);
		if (c >= 0xD800 && c <= 0xDBFF && i + 3 < n) {
			uint32_t d = (uint32_t)p[i + 2] | ((uint32_t)p[i + 3] << 8);
			if (d >= 0xDC00 && d <= 0xDFFF) {
				c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
				i += 2;
			}
		}
		if (c == 0)
			continue;
		rc = dft_zx_utf8(&b, c);
	}
	if (rc == 0)
		rc = dft_zx_put(o, dft_buf_cstr(&b), b.len);
	dft_buf_dispose(&b);
	return rc;
}

int dft_zx_put_legacy(zx_out *o, const unsigned char *p, size_t n, const char *charset)
{
	dft_buf b;
	int rc;
	dft_buf_init(&b, 0);
	rc = dft_decode_text(&b, p, n, charset ? charset : "windows-1252", NULL);
	if (rc == 0)
		rc = dft_zx_put(o, dft_buf_cstr(&b), b.len);
	dft_buf_dispose(&b);
	return rc;
}

const char *dft_zx_codepage_name(int cp)
{
	switch (cp) {
	case 874: return "windows-874";
	case 932: return "Shift_JIS";
	case 936: return "GBK";
	case 949: return "EUC-KR";
	case 950: return "Big5";
	case 1200: return "UTF-16LE";
	case 1250: return "windows-1250";
	case 1251: return "windows-1251";
	case 1252: return "windows-1252";
	case 1253: return "windows-1253";
	case 1254: return "windows-1254";
	case 1255: return "windows-1255";
	case 1256: return "windows-1256";
	case 1257: return "windows-1257";
	case 1258: return "windows-1258";
	case 10000: return "macintosh";
	case 20127: return "US-ASCII";
	case 28591: return "ISO-8859-1";
	case 28596: return "ISO-8859-6";
	case 65001: return "UTF-8";
	default: return NULL;
	}
}

int dft_zx_lid_codepage(int lid)
{
	switch (lid & 0x3FF) { /* the primary language */
	case 0x01: /* Arabic */
	case 0x20: /* Urdu */
	case 0x29: /* Farsi */
	case 0x8C: /* Dari */
		return 1256;
	case 0x0D: return 1255; /* Hebrew */
	case 0x19: case 0x02: case 0x22: case 0x23: case 0x2F: case 0x1C + 0x100: return 1251;
	case 0x08: return 1253; /* Greek */
	case 0x1F: return 1254; /* Turkish */
	case 0x05: case 0x0E: case 0x15: case 0x18: case 0x1A: case 0x1B: case 0x24: case 0x1C:
		return 1250;
	case 0x25: case 0x26: case 0x27: return 1257;
	case 0x1E: return 874; /* Thai */
	case 0x2A: return 1258; /* Vietnamese */
	case 0x11: return 932;
	case 0x12: return 949;
	case 0x04: return (lid == 0x0404 || lid == 0x0C04 || lid == 0x1404) ? 950 : 936;
	default: return 1252;
	}
}

/* ---- zip packages ------------------------------------------------------- */

int dft_zx_is_ole(const dft_input *in)
{
	static const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
	unsigned char head[8];
	if (in->data)
		return in->size >= 8 && memcmp(in->data, magic, 8) == 0;
	if (pread(in->fd, head, 8, 0) != 8)
		return 0;
	return memcmp(head, magic, 8) == 0;
}

const zx_part *dft_zx_zip_find(const zx_zip *z, const char *name)
{
	size_t i;
	while (*name == '/')
		name++;
	for (i = 0; i < z->n; i++)
		if (strcmp(z->parts[i].name, name) == 0)
			return &z->parts[i];
	return NULL;
}

void dft_zx_zip_dispose(zx_zip *z)
{
	size_t i;
	for (i = 0; i < z->n; i++) {
		free(z->parts[i].name);
		free(z->parts[i].data);
	}
	free(z->parts);
	memset(z, 0, sizeof(*z));
}

static const char *zx_aerr(struct archive *a)
{
	const char *m = archive_error_string(a);
	return m && *m ? m : "unknown libarchive error";
}

static int zx_is_encryption_msg(const char *m)
{
	return strstr(m, "ncrypt") || strstr(m, "assphrase") || strstr(m, "assword");
}

/* Read the current member into b, at most max bytes; checks the package
 * bomb limits as it goes. */
static int zx_read_member(zx_zip *z, struct archive *a, const dft_input *in, const dft_limits *lim,
			  const char *name, dft_buf *b, uint64_t max)
{
	char chunk[65536];
	for (;;) {
		la_ssize_t got = archive_read_data(a, chunk, sizeof(chunk));
		if (got == 0)
			return 0;
		if (got < 0) {
			const char *m = zx_aerr(a);
			if (zx_is_encryption_msg(m))
				return dft_error_set(DFT_EENCRYPTED, "encrypted: %s", m);
			return dft_error_set(DFT_ECORRUPT, "truncated or corrupt package member %s: %s", name, m);
		}
		z->expanded += (uint64_t)got;
		if (b->len + (uint64_t)got > max)
			return dft_error_set(DFT_ELIMIT, "package member %s is larger than %" PRIu64 " bytes: stopped", name, max);
		if (z->expanded > lim->max_expanded)
			return dft_error_set(DFT_ELIMIT, "package expands beyond %" PRIu64 " bytes: stopped", lim->max_expanded);
		if (z->expanded > lim->ratio_floor && in->size > 0 &&
		    (double)z->expanded / (double)in->size > lim->max_ratio)
			return dft_error_set(DFT_ELIMIT,
					     "zip bomb: member %s takes the package to %" PRIu64 " bytes from %" PRIu64
					     " (beyond %.0f:1): stopped", name, z->expanded, in->size, lim->max_ratio);
		if (dft_buf_add(b, chunk, (size_t)got) < 0)
			return dft_error_set(DFT_ENOMEM, "out of memory reading package member %s", name);
	}
}

static int zx_keep(zx_zip *z, const char *name, dft_buf *b)
{
	zx_part *p;
	if (z->n == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 16;
		zx_part *np = dft_realloc(z->parts, cap * sizeof(*np));
		if (!np)
			return DFT_ENOMEM;
		z->parts = np;
		z->cap = cap;
	}
	p = &z->parts[z->n];
	p->name = dft_strdup(name);
	if (!p->name)
		return DFT_ENOMEM;
	p->len = b->len;
	p->data = (unsigned char *)dft_buf_detach(b);
	if (!p->data)
		p->data = (unsigned char *)dft_strdup("");
	if (!p->data) {
		free(p->name);
		return DFT_ENOMEM;
	}
	z->n++;
	return 0;
}

int dft_zx_zip_read(zx_zip *z, dft_sink *sink, const dft_input *in,
		    int (*classify)(const char *name), uint64_t part_max)
{
	struct archive *a = NULL;
	struct archive_entry *e;
	dft_limits lim;
	dft_buf b;
	int rc = 0, r;

	memset(z, 0, sizeof(*z));
	dft_buf_init(&b, 0);
	dft_limits_default(&lim);
	if (in->limits) {
		const dft_limits *l = in->limits;
		if (l->max_member_size) lim.max_member_size = l->max_member_size;
		if (l->max_expanded) lim.max_expanded = l->max_expanded;
		if (l->max_ratio > 0) lim.max_ratio = l->max_ratio;
		if (l->ratio_floor) lim.ratio_floor = l->ratio_floor;
		if (l->max_members) lim.max_members = l->max_members;
	}
	if (part_max > lim.max_member_size)
		part_max = lim.max_member_size;

	a = archive_read_new();
	if (!a)
		return dft_error_set(DFT_ENOMEM, "out of memory creating a zip reader");
	archive_read_support_format_zip(a);
	if (in->data)
		r = archive_read_open_memory(a, in->data, (size_t)in->size);
	else
		r = archive_read_open_fd(a, in->fd, 65536);
	if (r < ARCHIVE_WARN) {
		rc = dft_error_set(DFT_ECORRUPT, "not a readable zip package: %s", zx_aerr(a));
		goto done;
	}
	for (;;) {
		const char *name;
		int kind;
		r = archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			const char *m = zx_aerr(a);
			rc = dft_error_set(zx_is_encryption_msg(m) ? DFT_EENCRYPTED : DFT_ECORRUPT,
					   "%s: %s", zx_is_encryption_msg(m) ? "encrypted" : "truncated or corrupt package", m);
			goto done;
		}
		if (z->n + z->children > lim.max_members) {
			rc = dft_error_set(DFT_ELIMIT, "package has more than %" PRIu64 " members: stopped", lim.max_members);
			goto done;
		}
		if (archive_entry_filetype(e) != AE_IFREG)
			continue;
		name = archive_entry_pathname_utf8(e);
		if (!name)
			name = archive_entry_pathname(e);
		if (!name)
			continue;
		while (name[0] == '/' || (name[0] == '.' && name[1] == '/'))
			name++;
		kind = classify(name);
		if (kind == ZX_SKIP)
			continue;
		if (archive_entry_is_encrypted(e)) {
			if (kind == ZX_KEEP) {
				rc = dft_error_set(DFT_EENCRYPTED, "encrypted: package member %s is encrypted", name);
				goto done;
			}
			if ((rc = sink->child_failed(sink, name, archive_entry_size_is_set(e) ? archive_entry_size(e) : -1,
						     "encrypted")) < 0)
				goto done;
			continue;
		}
		dft_buf_reset(&b);
		if (kind == ZX_KEEP) {
			if ((rc = zx_read_member(z, a, in, &lim, name, &b, part_max)) < 0 ||
			    (rc = zx_keep(z, name, &b)) < 0)
				goto done;
			continue;
		}
		/* a child: whole in memory first, so a failed read is no document */
		rc = zx_read_member(z, a, in, &lim, name, &b,
				    lim.max_member_size < ZX_CHILD_MAX ? lim.max_member_size : ZX_CHILD_MAX);
		if (rc < 0) {
			char why[512];
			int code = rc;
			snprintf(why, sizeof(why), "%s", dft_error_msg());
			if ((rc = sink->child_failed(sink, name, -1, why)) < 0)
				goto done;
			if (code == DFT_ELIMIT && strstr(why, "bomb")) { /* stop the package */
				rc = dft_error_set(code, "%s", why);
				goto done;
			}
			if (code == DFT_ECORRUPT) { /* the stream cannot go on */
				rc = dft_error_set(code, "%s", why);
				goto done;
			}
			continue;
		}
		z->children++;
		if ((rc = sink->child_begin(sink, name, (int64_t)b.len,
					    archive_entry_mtime_is_set(e) ? (int64_t)archive_entry_mtime(e) : 0)) < 0 ||
		    (b.len && (rc = sink->child_data(sink, b.ptr, b.len)) < 0) ||
		    (rc = sink->child_end(sink)) < 0)
			goto done;
	}
done:
	dft_buf_dispose(&b);
	archive_read_free(a);
	if (rc < 0)
		dft_zx_zip_dispose(z);
	return rc;
}

/* ---- XML ------------------------------------------------------------------ */

typedef struct zx_err {
	char msg[256];
	int line;
	int set;
} zx_err;

static void zx_xml_error(void *ctx, xmlErrorPtr err)
{
	zx_err *e = ctx;
	size_t n;
	if (e->set || !err || err->level < XML_ERR_ERROR)
		return;
	e->set = 1;
	e->line = err->line;
	snprintf(e->msg, sizeof(e->msg), "%s", err->message ? err->message : "error");
	n = strlen(e->msg);
	while (n > 0 && (e->msg[n - 1] == '\n' || e->msg[n - 1] == ' '))
		e->msg[--n] = '\0';
}

char *dft_zx_attr(struct _xmlTextReader *r, const char *local)
{
	char *v = NULL;
	if (xmlTextReaderMoveToFirstAttribute(r) != 1)
		return NULL;
	do {
		const xmlChar *ln = xmlTextReaderConstLocalName(r);
		if (ln && strcmp((const char *)ln, local) == 0) {
			const xmlChar *val = xmlTextReaderConstValue(r);
			v = dft_strdup(val ? (const char *)val : "");
			break;
		}
	} while (xmlTextReaderMoveToNextAttribute(r) == 1);
	xmlTextReaderMoveToElement(r);
	return v;
}

int dft_zx_xml_walk(const zx_part *p, const zx_xml_handler *h, void *ctx)
{
	xmlTextReaderPtr r;
	zx_err err;
	int rc = 0, ret;

	if (p->len > INT32_MAX)
		return dft_error_set(DFT_ELIMIT, "XML part %s is too large", p->name);
	memset(&err, 0, sizeof(err));
	r = xmlReaderForMemory((const char *)p->data, (int)p->len, p->name, NULL,
			       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
	if (!r)
		return dft_error_set(DFT_ENOMEM, "cannot create an XML reader for %s", p->name);
	xmlTextReaderSetStructuredErrorHandler(r, zx_xml_error, &err);
	while ((ret = xmlTextReaderRead(r)) == 1) {
		int type = xmlTextReaderNodeType(r);
		if (type == XML_READER_TYPE_ELEMENT) {
			const char *name = (const char *)xmlTextReaderConstLocalName(r);
			int empty = xmlTextReaderIsEmptyElement(r);
			if (!name)
				continue;
			if (h->start && (rc = h->start(ctx, name, r, empty)) < 0)
				break;
			if (empty && h->end && (rc = h->end(ctx, name)) < 0)
				break;
		} else if (type == XML_READER_TYPE_END_ELEMENT) {
			const char *name = (const char *)xmlTextReaderConstLocalName(r);
			if (name && h->end && (rc = h->end(ctx, name)) < 0)
				break;
		} else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
			   type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
			const char *v = (const char *)xmlTextReaderConstValue(r);
			if (v && h->text && (rc = h->text(ctx, v, strlen(v))) < 0)
				break;
		}
	}
	if (rc == 0 && (ret < 0 || err.set)) {
		if (err.set)
			rc = dft_error_set(DFT_ECORRUPT, "malformed XML in %s (line %d): %s", p->name, err.line, err.msg);
		else
			rc = dft_error_set(DFT_ECORRUPT, "malformed XML in %s", p->name);
	}
	xmlFreeTextReader(r);
	return rc;
}

/* ---- property parts ----------------------------------------------------- */

typedef struct zx_props {
	dft_sink *sink;
	const char *const *map;
	const char *key;  /* the meta key of the element being read, or NULL */
	int depth, at;    /* element depth now, and of the element read */
	dft_buf val;
} zx_props;

static int zx_props_start(void *ctx, const char *name, struct _xmlTextReader *r, int empty)
{
	zx_props *z = ctx;
	size_t i;
	(void)r;
	(void)empty;
	z->depth++;
	if (z->key || z->depth > 3)
		return 0;
	for (i = 0; z->map[i]; i += 2)
		if (strcmp(z->map[i], name) == 0) {
			z->key = z->map[i + 1];
			z->at = z->depth;
			dft_buf_reset(&z->val);
			break;
		}
	return 0;
}

static int zx_props_end(void *ctx, const char *name)
{
	zx_props *z = ctx;
	int rc = 0;
	(void)name;
	if (z->key && z->depth == z->at) {
		const char *v = dft_buf_cstr(&z->val);
		size_t n = z->val.len;
		while (*v == ' ' || *v == '\n' || *v == '\t' || *v == '\r')
			v++, n--;
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\n' || v[n - 1] == '\t' || v[n - 1] == '\r'))
			n--;
		if (n > 0) {
			char *s = dft_malloc(n + 1);
			if (!s)
				return DFT_ENOMEM;
			memcpy(s, v, n);
			s[n] = '\0';
			rc = z->sink->meta(z->sink, z->key, s);
			free(s);
		}
		z->key = NULL;
	}
	z->depth--;
	return rc;
}

static int zx_props_text(void *ctx, const char *s, size_t n)
{
	zx_props *z = ctx;
	if (!z->key || z->val.len + n > 4096)
		return 0;
	return dft_buf_add(&z->val, s, n);
}

int dft_zx_props(dft_sink *sink, const zx_part *p, const char *const *map)
{
	static const zx_xml_handler h = {zx_props_start, zx_props_end, zx_props_text};
	zx_props z;
	int rc;
	memset(&z, 0, sizeof(z));
	z.sink = sink;
	z.map = map;
	dft_buf_init(&z.val, 0);
	rc = dft_zx_xml_walk(p, &h, &z);
	dft_buf_dispose(&z.val);
	return rc;
}
