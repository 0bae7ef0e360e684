/*
 * ooxml.c - Office Open XML extraction: Word (docx, docm), Excel (xlsx,
 * xlsm) and PowerPoint (pptx, pptm) packages.
 *
 * The package is a zip; dft_zx_zip_read (zipxml.c) keeps its XML parts in
 * memory, each bounded, with the bomb checks of dft_limits, and hands media
 * and embedded objects (word/media/..., xl/embeddings/...) to the sink as
 * child documents. Each part is then walked with libxml2's streaming reader
 * (no entity expansion, no DTD or network access).
 *
 * Word: the main document's paragraphs as lines, table rows as lines with
 * the cells separated by tabs, then headers, footers, footnotes, endnotes
 * and comments ("Comment (author): ..."). Tracked changes are evidence and
 * stay in the text, marked: an insertion as "[+text+]", a deletion as
 * "[-text-]"; meta "tracked_changes" counts them.
 * Excel: each sheet under a line with its name, rows as lines, cells as
 * written (shared strings resolved, numbers as stored), then comments.
 * PowerPoint: slides in presentation order, each followed by its speaker
 * notes ("Notes: ..."), then comments.
 * Properties come from docProps/core.xml and docProps/app.xml.
 *
 * An OOXML file encrypted with a password is an OLE2 compound file holding
 * an "EncryptedPackage" stream; it is handed to ole.c, which says so.
 */
#include "zipxml.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#define OX_PART_MAX ((uint64_t)256 << 20) /* bytes of one XML part */
#define OX_MAX_GAP 256                    /* empty cells filled with tabs, at most */

enum { OX_DOCX, OX_XLSX, OX_PPTX };

/* ---- which members matter ------------------------------------------------ */

static int ox_has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

static int ox_classify(const char *name)
{
	if (strstr(name, "/media/") || strstr(name, "/embeddings/"))
		return ZX_CHILD;
	/* altChunk parts: a whole HTML, MHT or RTF document inside a Word one */
	if (!strncmp(name, "word/", 5) && (ox_has_suffix(name, ".htm") || ox_has_suffix(name, ".html") ||
					  ox_has_suffix(name, ".mht") || ox_has_suffix(name, ".rtf") ||
					  ox_has_suffix(name, ".xhtml")))
		return ZX_CHILD;
	if (ox_has_suffix(name, ".xml") || ox_has_suffix(name, ".rels"))
		return ZX_KEEP;
	return ZX_SKIP;
}

/* ---- the state of a walk -------------------------------------------------- */

typedef struct ox {
	dft_sink *sink;
	zx_out out;
	zx_zip zip;
	int kind;
	/* word */
	int in_t;        /* inside w:t / w:delText / a:t */
	int in_tabs;     /* inside w:tabs (tab stops, not tabs) */
	int in_tc;       /* table cell depth */
	int cell_paras;  /* paragraphs ended in the current cell */
	int skip;        /* depth of an element whose text is dropped */
	uint64_t tracked;
	/* excel */
	char **sst;
	size_t nsst, capsst;
	dft_buf cell;     /* the current cell's value / string item */
	int in_si, in_rph, in_v, in_is;
	char ctype[16];
	long col, lastcol;
	int in_row;
	char **authors, **author_ids; /* comment authors (and their ids, pptx) */
	size_t nauthors, capauthors, nids, capids;
	const char *heading; /* to put before the current part's first text */
	dft_buf tmp;
} ox;

/* Text out; a part's heading goes out before its first text, so a part
 * with no text (an empty sheet, separator-only footnotes) leaves none. */
static int ox_putn(ox *x, const char *s, size_t n)
{
	int rc;
	if (x->heading && n) {
		if ((rc = dft_zx_put_heading(&x->out, &x->heading)) < 0)
			return rc;
		if (*s == '\n' && n == 1)
			return 0;
	}
	return dft_zx_put(&x->out, s, n);
}

static int ox_put(ox *x, const char *s)
{
	return ox_putn(x, s, strlen(s));
}

/* Text inside a table cell after a paragraph of the same cell: a space. */
static int ox_text_sep(ox *x)
{
	if (x->in_tc && x->cell_paras && x->out.last != '\t' && x->out.last != ' ') {
		x->cell_paras = 0;
		return ox_put(x, " ");
	}
	x->cell_paras = 0;
	return 0;
}

/* ---- relationships ---------------------------------------------------------- */

/* Resolve a relationship target against the folder of the part that has it. */
static char *ox_resolve(const char *base_part, const char *target)
{
	dft_buf b;
	const char *slash;
	char *res;
	dft_buf_init(&b, 0);
	if (target[0] == '/') {
		dft_buf_adds(&b, target + 1);
	} else {
		slash = strrchr(base_part, '/');
		if (slash)
			dft_buf_add(&b, base_part, (size_t)(slash - base_part + 1));
		dft_buf_adds(&b, target);
	}
	/* fold "dir/../" */
	res = dft_buf_detach(&b);
	if (!res)
		return NULL;
	for (;;) {
		char *p = strstr(res, "/../"), *q;
		if (!p)
			break;
		q = p;
		while (q > res && q[-1] != '/')
			q--;
		memmove(q, p + 4, strlen(p + 4) + 1);
	}
	return res;
}

typedef struct ox_rels {
	char **id, **type, **target;
	size_t n, cap;
	const char *part; /* the part the rels belong to */
} ox_rels;

static void ox_rels_dispose(ox_rels *r)
{
	size_t i;
	for (i = 0; i < r->n; i++) {
		free(r->id[i]);
		free(r->type[i]);
		free(r->target[i]);
	}
	free(r->id);
	free(r->type);
	free(r->target);
	memset(r, 0, sizeof(*r));
}

static int ox_rels_start(void *ctx, const char *name, xmlTextReaderPtr rd, int empty)
{
	ox_rels *r = ctx;
	char *id, *type, *target, *mode;
	(void)empty;
	if (strcmp(name, "Relationship") != 0)
		return 0;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		char **a = dft_realloc(r->id, cap * sizeof(char *));
		if (!a) return DFT_ENOMEM;
		r->id = a;
		a = dft_realloc(r->type, cap * sizeof(char *));
		if (!a) return DFT_ENOMEM;
		r->type = a;
		a = dft_realloc(r->target, cap * sizeof(char *));
		if (!a) return DFT_ENOMEM;
		r->target = a;
		r->cap = cap;
	}
	id = dft_zx_attr(rd, "Id");
	type = dft_zx_attr(rd, "Type");
	target = dft_zx_attr(rd, "Target");
	mode = dft_zx_attr(rd, "TargetMode");
	if (!id || !type || !target || (mode && strcmp(mode, "External") == 0)) {
		free(id);
		free(type);
		free(target);
		free(mode);
		return 0;
	}
	free(mode);
	r->id[r->n] = id;
	r->type[r->n] = type;
	r->target[r->n] = ox_resolve(r->part, target);
	free(target);
	if (!r->target[r->n]) {
		free(id);
		free(type);
		return DFT_ENOMEM;
	}
	r->n++;
	return 0;
}

/* The rels of `part` ("word/document.xml" -> "word/_rels/document.xml.rels"). */
static int ox_rels_read(ox *x, const char *part, ox_rels *r)
{
	static const zx_xml_handler h = {ox_rels_start, NULL, NULL};
	const zx_part *p;
	const char *slash = strrchr(part, '/');
	dft_buf b;
	int rc;
	memset(r, 0, sizeof(*r));
	r->part = part;
	dft_buf_init(&b, 0);
	if (slash)
		dft_buf_add(&b, part, (size_t)(slash - part + 1));
	dft_buf_addf(&b, "_rels/%s.rels", slash ? slash + 1 : part);
	p = dft_zx_zip_find(&x->zip, dft_buf_cstr(&b));
	dft_buf_dispose(&b);
	if (!p)
		return 0;
	rc = dft_zx_xml_walk(p, &h, r);
	if (rc < 0)
		ox_rels_dispose(r);
	return rc;
}

static const char *ox_rels_by_type(const ox_rels *r, const char *type_suffix)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		if (ox_has_suffix(r->type[i], type_suffix))
			return r->target[i];
	return NULL;
}

static const char *ox_rels_by_id(const ox_rels *r, const char *id)
{
	size_t i;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->id[i], id) == 0)
			return r->target[i];
	return NULL;
}

/* ---- Word ------------------------------------------------------------------- */

static int docx_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	ox *x = ctx;
	int rc = 0;
	if (x->skip) {
		x->skip++;
		return 0;
	}
	switch (n[0]) {
	case 't':
		if (!strcmp(n, "t"))
			x->in_t = 1;
		else if (!strcmp(n, "tab") && !x->in_tabs)
			rc = ox_put(x, "\t");
		else if (!strcmp(n, "tabs"))
			x->in_tabs = 1;
		else if (!strcmp(n, "tc")) {
			x->in_tc++;
			x->cell_paras = 0;
		}
		break;
	case 'd':
		if (!strcmp(n, "delText"))
			x->in_t = 1;
		else if (!strcmp(n, "del") && !empty) {
			x->tracked++;
			rc = ox_put(x, "[-");
		}
		break;
	case 'i':
		if (!strcmp(n, "ins") && !empty) {
			x->tracked++;
			rc = ox_put(x, "[+");
		} else if (!strcmp(n, "instrText")) {
			x->skip = 1;
		}
		break;
	case 'm':
		if (!strcmp(n, "moveFrom") && !empty) {
			x->tracked++;
			rc = ox_put(x, "[-");
		} else if (!strcmp(n, "moveTo") && !empty) {
			x->tracked++;
			rc = ox_put(x, "[+");
		}
		break;
	case 'b':
		if (!strcmp(n, "br"))
			rc = ox_put(x, "\n");
		break;
	case 'c':
		if (!strcmp(n, "cr"))
			rc = ox_put(x, "\n");
		else if (!strcmp(n, "comment")) {
			char *author = dft_zx_attr(r, "author");
			dft_buf_reset(&x->tmp);
			dft_buf_addf(&x->tmp, "Comment (%s): ", author && *author ? author : "unknown author");
			free(author);
			rc = ox_put(x, dft_buf_cstr(&x->tmp));
		}
		break;
	case 'F':
		if (!strcmp(n, "Fallback")) /* mc:AlternateContent: the Choice has it */
			x->skip = 1;
		break;
	case 'n':
		if (!strcmp(n, "noBreakHyphen"))
			rc = ox_put(x, "-");
		break;
	case 'f':
		if (!strcmp(n, "footnote")) {
			char *type = dft_zx_attr(r, "type");
			if (type && (strstr(type, "eparator") || strstr(type, "ontinuation")))
				x->skip = 1;
			free(type);
		}
		break;
	case 'e':
		if (!strcmp(n, "endnote")) {
			char *type = dft_zx_attr(r, "type");
			if (type && (strstr(type, "eparator") || strstr(type, "ontinuation")))
				x->skip = 1;
			free(type);
		}
		break;
	}
	return rc;
}

static int docx_end(void *ctx, const char *n)
{
	ox *x = ctx;
	if (x->skip) {
		x->skip--;
		return 0;
	}
	if (!strcmp(n, "t") || !strcmp(n, "delText"))
		x->in_t = 0;
	else if (!strcmp(n, "p")) {
		if (x->in_tc)
			x->cell_paras++;
		else
			return ox_put(x, "\n");
	} else if (!strcmp(n, "tc")) {
		if (x->in_tc)
			x->in_tc--;
		x->cell_paras = 0;
		return ox_put(x, "\t");
	} else if (!strcmp(n, "tr")) {
		dft_zx_untab(&x->out);
		x->cell_paras = 0;
		return ox_put(x, "\n");
	} else if (!strcmp(n, "tabs"))
		x->in_tabs = 0;
	else if (!strcmp(n, "ins") || !strcmp(n, "moveTo"))
		return ox_put(x, "+]");
	else if (!strcmp(n, "del") || !strcmp(n, "moveFrom"))
		return ox_put(x, "-]");
	else if (!strcmp(n, "comment"))
		return x->out.last == '\n' ? 0 : ox_put(x, "\n");
	return 0;
}

static int docx_text(void *ctx, const char *s, size_t n)
{
	ox *x = ctx;
	int rc;
	if (!x->in_t || x->skip)
		return 0;
	if ((rc = ox_text_sep(x)) < 0)
		return rc;
	return ox_putn(x, s, n);
}

static const zx_xml_handler docx_h = {docx_start, docx_end, docx_text};

/* Walk a part with a heading line before it; a malformed secondary part is
 * a note, a malformed main part fails the document. */
static int ox_walk(ox *x, const char *name, const char *heading, const zx_xml_handler *h, int main_part)
{
	const zx_part *p = dft_zx_zip_find(&x->zip, name);
	int rc;
	if (!p)
		return 0;
	x->heading = heading;
	x->in_t = x->in_tabs = x->in_tc = x->cell_paras = x->skip = 0;
	rc = dft_zx_xml_walk(p, h, x);
	if (rc < 0 && rc != DFT_ENOMEM && !main_part && dft_error_code() == DFT_ECORRUPT) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s", dft_error_msg());
		return x->sink->note(x->sink, msg);
	}
	if (rc == 0 && !x->heading && x->out.last && x->out.last != '\n')
		rc = ox_put(x, "\n");
	x->heading = NULL;
	return rc;
}

static int ox_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Parts whose name starts with prefix and ends with ".xml", in name order,
 * walked one after the other. */
static int ox_walk_matching(ox *x, const char *prefix, const char *heading, const zx_xml_handler *h)
{
	const char **names;
	size_t i, n = 0, k = strlen(prefix);
	int rc = 0;
	names = dft_calloc(x->zip.n + 1, sizeof(char *));
	if (!names)
		return DFT_ENOMEM;
	for (i = 0; i < x->zip.n; i++)
		if (strncmp(x->zip.parts[i].name, prefix, k) == 0 && ox_has_suffix(x->zip.parts[i].name, ".xml") &&
		    !strchr(x->zip.parts[i].name + k, '/'))
			names[n++] = x->zip.parts[i].name;
	dft_sort(names, n, sizeof(char *), ox_cmp_str);
	for (i = 0; i < n && rc == 0; i++)
		rc = ox_walk(x, names[i], heading, h, 0);
	free(names);
	return rc;
}

static int ox_docx(ox *x, const char *main_part)
{
	ox_rels rels;
	size_t i;
	int rc;
	char num[32];

	if ((rc = ox_walk(x, main_part, NULL, &docx_h, 1)) < 0)
		return rc;
	if ((rc = ox_rels_read(x, main_part, &rels)) < 0)
		return rc;
	/* headers and footers, as the main part's rels list them, else by name */
	if (rels.n) {
		for (i = 0; i < rels.n && rc == 0; i++)
			if (ox_has_suffix(rels.type[i], "/header"))
				rc = ox_walk(x, rels.target[i], "[Header]", &docx_h, 0);
		for (i = 0; i < rels.n && rc == 0; i++)
			if (ox_has_suffix(rels.type[i], "/footer"))
				rc = ox_walk(x, rels.target[i], "[Footer]", &docx_h, 0);
		if (rc == 0 && ox_rels_by_type(&rels, "/footnotes"))
			rc = ox_walk(x, ox_rels_by_type(&rels, "/footnotes"), "[Footnotes]", &docx_h, 0);
		if (rc == 0 && ox_rels_by_type(&rels, "/endnotes"))
			rc = ox_walk(x, ox_rels_by_type(&rels, "/endnotes"), "[Endnotes]", &docx_h, 0);
		if (rc == 0 && ox_rels_by_type(&rels, "/comments"))
			rc = ox_walk(x, ox_rels_by_type(&rels, "/comments"), "[Comments]", &docx_h, 0);
	} else {
		if ((rc = ox_walk_matching(x, "word/header", "[Header]", &docx_h)) < 0 ||
		    (rc = ox_walk_matching(x, "word/footer", "[Footer]", &docx_h)) < 0 ||
		    (rc = ox_walk(x, "word/footnotes.xml", "[Footnotes]", &docx_h, 0)) < 0 ||
		    (rc = ox_walk(x, "word/endnotes.xml", "[Endnotes]", &docx_h, 0)) < 0 ||
		    (rc = ox_walk(x, "word/comments.xml", "[Comments]", &docx_h, 0)) < 0) {
		}
	}
	ox_rels_dispose(&rels);
	if (rc < 0)
		return rc;
	snprintf(num, sizeof(num), "%" PRIu64, x->tracked);
	if (x->tracked && (rc = x->sink->meta(x->sink, "tracked_changes", num)) < 0)
		return rc;
	return 0;
}

/* ---- Excel ------------------------------------------------------------------ */

static int ox_push(char ***arr, size_t *n, size_t *cap, const char *s)
{
	char *d;
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 64;
		char **a = dft_realloc(*arr, c * sizeof(char *));
		if (!a)
			return DFT_ENOMEM;
		*arr = a;
		*cap = c;
	}
	d = dft_strdup(s);
	if (!d)
		return DFT_ENOMEM;
	(*arr)[(*n)++] = d;
	return 0;
}

static int sst_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	ox *x = ctx;
	(void)r;
	(void)empty;
	if (!strcmp(n, "si")) {
		x->in_si = 1;
		dft_buf_reset(&x->cell);
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 1;
	} else if (!strcmp(n, "t")) {
		x->in_t = 1;
	}
	return 0;
}

static int sst_end(void *ctx, const char *n)
{
	ox *x = ctx;
	if (!strcmp(n, "si")) {
		x->in_si = 0;
		return ox_push(&x->sst, &x->nsst, &x->capsst, dft_buf_cstr(&x->cell));
	}
	if (!strcmp(n, "rPh"))
		x->in_rph = 0;
	else if (!strcmp(n, "t"))
		x->in_t = 0;
	return 0;
}

static int sst_text(void *ctx, const char *s, size_t n)
{
	ox *x = ctx;
	if (!x->in_si || !x->in_t || x->in_rph)
		return 0;
	if (x->cell.len + n > ((size_t)1 << 20))
		return 0; /* one string item is at most 1 MiB here */
	return dft_buf_add(&x->cell, s, n);
}

static const zx_xml_handler sst_h = {sst_start, sst_end, sst_text};

/* "AB12" -> column 27 (0-based), -1 if none */
static long ox_col(const char *ref)
{
	long c = 0;
	int k = 0;
	while (*ref >= 'A' && *ref <= 'Z' && k < 4) {
		c = c * 26 + (*ref - 'A' + 1);
		ref++;
		k++;
	}
	return k ? c - 1 : -1;
}

static int sheet_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	ox *x = ctx;
	(void)empty;
	if (!strcmp(n, "row")) {
		x->in_row = 1;
		x->lastcol = -1;
	} else if (!strcmp(n, "c")) {
		char *t = dft_zx_attr(r, "t"), *ref = dft_zx_attr(r, "r");
		snprintf(x->ctype, sizeof(x->ctype), "%s", t ? t : "n");
		x->col = ref ? ox_col(ref) : x->lastcol + 1;
		free(t);
		free(ref);
		dft_buf_reset(&x->cell);
	} else if (!strcmp(n, "v")) {
		x->in_v = 1;
	} else if (!strcmp(n, "is")) {
		x->in_is = 1;
	} else if (!strcmp(n, "t") && x->in_is) {
		x->in_t = 1;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 1;
	}
	return 0;
}

static int sheet_end(void *ctx, const char *n)
{
	ox *x = ctx;
	int rc = 0;
	if (!strcmp(n, "row")) {
		x->in_row = 0;
		if (x->lastcol >= 0)
			rc = ox_put(x, "\n");
	} else if (!strcmp(n, "c")) {
		const char *v = dft_buf_cstr(&x->cell);
		long gap;
		if (!x->cell.len)
			return 0;
		if (!strcmp(x->ctype, "s")) {
			char *end;
			unsigned long i = strtoul(v, &end, 10);
			v = (end != v && i < x->nsst) ? x->sst[i] : "";
		} else if (!strcmp(x->ctype, "b")) {
			v = strcmp(v, "1") == 0 ? "TRUE" : "FALSE";
		}
		if (!*v)
			return 0;
		/* tabs up to this cell's column: one per cell, and for gaps */
		gap = x->lastcol < 0 ? 0 : 1;
		if (x->col > x->lastcol + 1 && x->lastcol >= 0)
			gap = x->col - x->lastcol;
		else if (x->lastcol < 0 && x->col > 0)
			gap = x->col;
		if (gap > OX_MAX_GAP)
			gap = OX_MAX_GAP;
		while (gap-- > 0 && rc == 0)
			rc = ox_put(x, "\t");
		if (rc == 0)
			rc = ox_put(x, v);
		x->lastcol = x->col >= 0 ? x->col : x->lastcol + 1;
	} else if (!strcmp(n, "v")) {
		x->in_v = 0;
	} else if (!strcmp(n, "is")) {
		x->in_is = 0;
	} else if (!strcmp(n, "t")) {
		x->in_t = 0;
	} else if (!strcmp(n, "rPh")) {
		x->in_rph = 0;
	}
	return rc;
}

static int sheet_text(void *ctx, const char *s, size_t n)
{
	ox *x = ctx;
	if (x->in_rph || !(x->in_v || (x->in_is && x->in_t)))
		return 0;
	if (x->cell.len + n > ((size_t)1 << 20))
		return 0;
	/* a cell's own newlines would break the row: a space instead */
	while (n > 0) {
		size_t k = strcspn(s, "\n\r\t");
		int rc;
		if (k > n)
			k = n;
		if ((rc = dft_buf_add(&x->cell, s, k)) < 0)
			return rc;
		if (k == n)
			break;
		if ((rc = dft_buf_addc(&x->cell, ' ')) < 0)
			return rc;
		s += k + 1;
		n -= k + 1;
	}
	return 0;
}

static const zx_xml_handler sheet_h = {sheet_start, sheet_end, sheet_text};

/* workbook.xml: sheet names and relationship ids, in order */
typedef struct ox_sheets {
	char **name, **rid;
	size_t n, nr, capn, capr;
} ox_sheets;

static int wb_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	ox_sheets *s = ctx;
	char *name, *rid;
	int rc;
	(void)empty;
	if (strcmp(n, "sheet") != 0)
		return 0;
	name = dft_zx_attr(r, "name");
	rid = dft_zx_attr(r, "id");
	if (name && rid && s->n == s->nr) {
		if ((rc = ox_push(&s->name, &s->n, &s->capn, name)) < 0 ||
		    (rc = ox_push(&s->rid, &s->nr, &s->capr, rid)) < 0) {
			free(name);
			free(rid);
			return rc;
		}
	}
	free(name);
	free(rid);
	return 0;
}

/* Comments of a sheet or a deck: authors, then "Comment (author) at ref: text" */
static int cmt_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	ox *x = ctx;
	(void)empty;
	if (!strcmp(n, "author") || !strcmp(n, "cmAuthor")) {
		char *name = !strcmp(n, "cmAuthor") ? dft_zx_attr(r, "name") : NULL;
		int rc = 0;
		if (!strcmp(n, "cmAuthor")) {
			char *id = dft_zx_attr(r, "id");
			if (x->nids == x->nauthors &&
			    (rc = ox_push(&x->authors, &x->nauthors, &x->capauthors, name ? name : "")) == 0)
				rc = ox_push(&x->author_ids, &x->nids, &x->capids, id ? id : "");
			free(name);
			free(id);
			return rc;
		}
		x->in_si = 1;
		dft_buf_reset(&x->cell);
	} else if (!strcmp(n, "comment") || !strcmp(n, "cm")) {
		char *ref = dft_zx_attr(r, "ref"), *aid = dft_zx_attr(r, "authorId");
		unsigned long a = aid ? strtoul(aid, NULL, 10) : (unsigned long)-1;
		size_t k;
		int rc;
		for (k = 0; aid && k < x->nids; k++) /* pptx: authors by id */
			if (!strcmp(x->author_ids[k], aid))
				a = k;
		dft_buf_reset(&x->tmp);
		dft_buf_addf(&x->tmp, "Comment (%s)%s%s: ", a < x->nauthors ? x->authors[a] : "unknown author",
			     ref ? " at " : "", ref ? ref : "");
		free(ref);
		free(aid);
		if ((rc = ox_put(x, dft_buf_cstr(&x->tmp))) < 0)
			return rc;
		x->in_v = 1;
	} else if (!strcmp(n, "t") || !strcmp(n, "text")) {
		x->in_t = 1;
	}
	return 0;
}

static int cmt_end(void *ctx, const char *n)
{
	ox *x = ctx;
	if (!strcmp(n, "author") && x->in_si) {
		x->in_si = 0;
		return ox_push(&x->authors, &x->nauthors, &x->capauthors, dft_buf_cstr(&x->cell));
	}
	if (!strcmp(n, "comment") || !strcmp(n, "cm")) {
		x->in_v = 0;
		return ox_put(x, "\n");
	}
	if (!strcmp(n, "t") || !strcmp(n, "text"))
		x->in_t = 0;
	if (!strcmp(n, "p") && x->in_v)
		return ox_put(x, " ");
	return 0;
}

static int cmt_text(void *ctx, const char *s, size_t n)
{
	ox *x = ctx;
	if (x->in_si)
		return x->cell.len + n > 4096 ? 0 : dft_buf_add(&x->cell, s, n);
	if (x->in_v && x->in_t)
		return ox_putn(x, s, n);
	return 0;
}

static const zx_xml_handler cmt_h = {cmt_start, cmt_end, cmt_text};

static void ox_free_list(char **a, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++)
		free(a[i]);
	free(a);
}

static int ox_xlsx(ox *x, const char *wb_part)
{
	static const zx_xml_handler wb_h = {wb_start, NULL, NULL};
	ox_sheets sh;
	ox_rels rels;
	const zx_part *wb = dft_zx_zip_find(&x->zip, wb_part);
	const char *sst;
	size_t i;
	int rc;

	memset(&sh, 0, sizeof(sh));
	if (!wb)
		return dft_error_set(DFT_ECORRUPT, "not an Excel package: %s is missing", wb_part);
	if ((rc = ox_rels_read(x, wb_part, &rels)) < 0)
		return rc;
	sst = ox_rels_by_type(&rels, "/sharedStrings");
	if (sst && dft_zx_zip_find(&x->zip, sst) &&
	    (rc = dft_zx_xml_walk(dft_zx_zip_find(&x->zip, sst), &sst_h, x)) < 0)
		goto done;
	if ((rc = dft_zx_xml_walk(wb, &wb_h, &sh)) < 0)
		goto done;
	for (i = 0; i < sh.n && i < sh.nr && rc == 0; i++) {
		const char *target = ox_rels_by_id(&rels, sh.rid[i]);
		ox_rels srels;
		size_t k;
		if (!target || !dft_zx_zip_find(&x->zip, target))
			continue;
		dft_buf_reset(&x->tmp);
		dft_buf_addf(&x->tmp, "[Sheet: %s]", sh.name[i]);
		{
			char *heading = dft_buf_detach(&x->tmp);
			if (!heading) {
				rc = DFT_ENOMEM;
				break;
			}
			rc = ox_walk(x, target, heading, &sheet_h, 0);
			free(heading);
		}
		if (rc < 0)
			break;
		/* the sheet's comments */
		if ((rc = ox_rels_read(x, target, &srels)) < 0)
			break;
		for (k = 0; k < srels.n && rc == 0; k++)
			if (ox_has_suffix(srels.type[k], "/comments")) {
				ox_free_list(x->authors, x->nauthors);
				x->authors = NULL;
				x->nauthors = x->capauthors = 0;
				rc = ox_walk(x, srels.target[k], NULL, &cmt_h, 0);
			}
		ox_rels_dispose(&srels);
	}
done:
	ox_free_list(sh.name, sh.n);
	ox_free_list(sh.rid, sh.nr);
	ox_rels_dispose(&rels);
	return rc;
}

/* ---- PowerPoint --------------------------------------------------------------- */

static int slide_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	ox *x = ctx;
	(void)empty;
	if (x->skip) {
		x->skip++;
		return 0;
	}
	if (!strcmp(n, "t"))
		x->in_t = 1;
	else if (!strcmp(n, "Fallback"))
		x->skip = 1;
	else if (!strcmp(n, "br"))
		return ox_put(x, "\n");
	else if (!strcmp(n, "tc")) {
		x->in_tc++;
		x->cell_paras = 0;
	} else if (!strcmp(n, "fld")) {
		char *type = dft_zx_attr(r, "type");
		if (type && !strcmp(type, "slidenum"))
			x->skip = 1;
		free(type);
	}
	return 0;
}

static int slide_end(void *ctx, const char *n)
{
	ox *x = ctx;
	if (x->skip) {
		x->skip--;
		return 0;
	}
	if (!strcmp(n, "t"))
		x->in_t = 0;
	else if (!strcmp(n, "p")) {
		if (x->in_tc)
			x->cell_paras++;
		else if (x->out.last && x->out.last != '\n')
			return ox_put(x, "\n");
	} else if (!strcmp(n, "tc")) {
		if (x->in_tc)
			x->in_tc--;
		return ox_put(x, "\t");
	} else if (!strcmp(n, "tr")) {
		dft_zx_untab(&x->out);
		return ox_put(x, "\n");
	}
	return 0;
}

static const zx_xml_handler slide_h = {slide_start, slide_end, docx_text};

static int ox_pptx(ox *x, const char *pres_part)
{
	ox_rels rels;
	ox_sheets sl; /* slide ids: name unused */
	const zx_part *pres = dft_zx_zip_find(&x->zip, pres_part);
	size_t i, k;
	int rc;

	memset(&sl, 0, sizeof(sl));
	if (!pres)
		return dft_error_set(DFT_ECORRUPT, "not a PowerPoint package: %s is missing", pres_part);
	if ((rc = ox_rels_read(x, pres_part, &rels)) < 0)
		return rc;
	/* slide order: the presentation's sldIdLst; rels in document order
	 * would do for most files but not for reordered decks */
	{
		xmlTextReaderPtr r = xmlReaderForMemory((const char *)pres->data, (int)pres->len, pres->name, NULL,
							XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
		if (r) {
			xmlTextReaderSetStructuredErrorHandler(r, NULL, NULL);
			while (xmlTextReaderRead(r) == 1) {
				const char *ln;
				char *rid;
				if (xmlTextReaderNodeType(r) != XML_READER_TYPE_ELEMENT)
					continue;
				ln = (const char *)xmlTextReaderConstLocalName(r);
				if (!ln || strcmp(ln, "sldId") != 0)
					continue;
				rid = dft_zx_attr(r, "id");
				if (rid) {
					/* sldId has both "id" and "r:id": take the one that is a rel */
					char *rid2 = NULL;
					if (!ox_rels_by_id(&rels, rid)) {
						free(rid);
						rid = NULL;
						if (xmlTextReaderMoveToFirstAttribute(r) == 1) {
							do {
								const xmlChar *lname = xmlTextReaderConstLocalName(r);
								const xmlChar *val = xmlTextReaderConstValue(r);
								if (lname && val && !strcmp((const char *)lname, "id") &&
								    ox_rels_by_id(&rels, (const char *)val)) {
									rid2 = dft_strdup((const char *)val);
									break;
								}
							} while (xmlTextReaderMoveToNextAttribute(r) == 1);
							xmlTextReaderMoveToElement(r);
						}
						rid = rid2;
					}
				}
				if (rid) {
					rc = ox_push(&sl.rid, &sl.nr, &sl.capr, rid);
					free(rid);
					if (rc < 0)
						break;
				}
			}
			xmlFreeTextReader(r);
		}
	}
	for (i = 0; i < sl.nr && rc == 0; i++) {
		const char *target = ox_rels_by_id(&rels, sl.rid[i]);
		ox_rels srels;
		char heading[48];
		if (!target)
			continue;
		snprintf(heading, sizeof(heading), "[Slide %zu]", i + 1);
		if ((rc = ox_walk(x, target, heading, &slide_h, 0)) < 0)
			break;
		if ((rc = ox_rels_read(x, target, &srels)) < 0)
			break;
		for (k = 0; k < srels.n && rc == 0; k++)
			if (ox_has_suffix(srels.type[k], "/notesSlide"))
				rc = ox_walk(x, srels.target[k], "Notes:", &slide_h, 0);
		ox_rels_dispose(&srels);
	}
	if (rc == 0 && dft_zx_zip_find(&x->zip, "ppt/commentAuthors.xml"))
		rc = dft_zx_xml_walk(dft_zx_zip_find(&x->zip, "ppt/commentAuthors.xml"), &cmt_h, x);
	if (rc == 0) {
		for (i = 0; i < x->zip.n && rc == 0; i++)
			if (!strncmp(x->zip.parts[i].name, "ppt/comments/", 13) && ox_has_suffix(x->zip.parts[i].name, ".xml"))
				rc = ox_walk(x, x->zip.parts[i].name, "[Comments]", &cmt_h, 0);
	}
	ox_free_list(sl.rid, sl.nr);
	ox_rels_dispose(&rels);
	return rc;
}

/* ---- properties and the entry point --------------------------------------- */

static int ox_props(ox *x)
{
	static const char *const core[] = {
		"title", "title", "subject", "subject", "creator", "author",
		"lastModifiedBy", "last_modified_by", "created", "created", "modified", "modified",
		"keywords", "keywords", "description", "description", "language", "language", NULL,
	};
	static const char *const app[] = {
		"Company", "company", "Pages", "pages", "Application", "creator", "Manager", "manager", NULL,
	};
	const zx_part *p;
	int rc;
	if ((p = dft_zx_zip_find(&x->zip, "docProps/core.xml")) && (rc = dft_zx_props(x->sink, p, core)) < 0 &&
	    rc != DFT_ECORRUPT)
		return rc;
	if ((p = dft_zx_zip_find(&x->zip, "docProps/app.xml")) && (rc = dft_zx_props(x->sink, p, app)) < 0 &&
	    rc != DFT_ECORRUPT)
		return rc;
	return 0;
}

int dft_extract_ooxml(dft_sink *sink, const dft_input *in)
{
	ox x;
	ox_rels root;
	const char *main_part;
	int rc;

	if (dft_zx_is_ole(in))
		return dft_extract_ole(sink, in); /* an encrypted package, or a mislabelled .doc */
	memset(&x, 0, sizeof(x));
	memset(&root, 0, sizeof(root));
	x.sink = sink;
	dft_zx_out_init(&x.out, sink, in);
	dft_buf_init(&x.cell, 0);
	dft_buf_init(&x.tmp, 0);
	if ((rc = dft_zx_zip_read(&x.zip, sink, in, ox_classify, OX_PART_MAX)) < 0)
		goto done;
	if ((rc = ox_rels_read(&x, "", &root)) < 0)
		goto done;
	main_part = ox_rels_by_type(&root, "/officeDocument");
	if (!main_part) {
		static const char *const guess[] = {"word/document.xml", "xl/workbook.xml", "ppt/presentation.xml", NULL};
		int i;
		for (i = 0; guess[i] && !dft_zx_zip_find(&x.zip, guess[i]); i++)
			;
		main_part = guess[i];
	}
	if (!main_part || !dft_zx_zip_find(&x.zip, main_part)) {
		rc = dft_error_set(DFT_ECORRUPT, "not an Office Open XML package: no main document part");
		goto done;
	}
	if ((rc = ox_props(&x)) < 0)
		goto done;
	if (strstr(main_part, "workbook"))
		rc = ox_xlsx(&x, main_part);
	else if (strstr(main_part, "presentation"))
		rc = ox_pptx(&x, main_part);
	else
		rc = ox_docx(&x, main_part);
	if (rc == 0)
		rc = dft_zx_flush(&x.out);
done:
	ox_rels_dispose(&root);
	ox_free_list(x.sst, x.nsst);
	ox_free_list(x.authors, x.nauthors);
	ox_free_list(x.author_ids, x.nids);
	dft_buf_dispose(&x.cell);
	dft_buf_dispose(&x.tmp);
	dft_zx_zip_dispose(&x.zip);
	if (rc < 0 && rc != DFT_ENOMEM) {
		char msg[1024];
		int code = rc;
		snprintf(msg, sizeof(msg), "%s", dft_error_msg());
		dft_zx_flush(&x.out); /* what was read before the failure stays */
		dft_error_set(code, "%s", msg);
	}
	dft_zx_out_dispose(&x.out);
	return rc;
}
