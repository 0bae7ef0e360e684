/*
 * odf.c - OpenDocument extraction: text (odt), spreadsheets (ods) and
 * presentations (odp), and their templates.
 *
 * The package is read with dft_zx_zip_read (zipxml.c: bounded parts, bomb
 * checks); content.xml, styles.xml and meta.xml are walked with libxml2's
 * streaming reader (no entity expansion, no DTD or network access).
 *
 * content.xml: paragraphs and headings as lines, lists, tables row by row
 * with the cells separated by tabs (repeated empty cells and rows, which a
 * spreadsheet uses to fill a sheet, cost nothing), a sheet's or a slide's
 * name as a heading line, speaker notes under "Notes:", notes inline as
 * "[Note: ...]", annotations as "[Comment (author): ...]". Tracked changes
 * (text:tracked-changes) are evidence and are kept, marked as in docx: an
 * insertion "[+text+]", a deletion "[-text-]" at the place it was made,
 * meta "tracked_changes" counting them.
 * styles.xml: the headers and footers of the master pages.
 * meta.xml: the properties. Pictures/ and embedded non-XML objects are
 * child documents; an embedded OpenDocument object ("Object 1/content.xml")
 * is read in place, under a heading. A package whose manifest says its
 * parts are encrypted fails with "encrypted".
 */
#include "zipxml.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/xmlreader.h>

#define ODF_PART_MAX ((uint64_t)256 << 20)
#define ODF_MAX_REPEAT 256  /* tabs or spaces one element may stand for */
#define ODF_MAX_CHANGES 100000

static int odf_classify(const char *name)
{
	const char *slash = strchr(name, '/');
	if (!strcmp(name, "content.xml") || !strcmp(name, "styles.xml") || !strcmp(name, "meta.xml") ||
	    !strcmp(name, "mimetype") || !strcmp(name, "META-INF/manifest.xml"))
		return ZX_KEEP;
	if (!strncmp(name, "Pictures/", 9) || !strncmp(name, "media/", 6))
		return ZX_CHILD;
	if (!strncmp(name, "Object ", 7)) {
		if (!slash)
			return ZX_CHILD; /* an embedded OLE object or other file */
		if (!strcmp(slash, "/content.xml") && !strchr(slash + 1, '/'))
			return ZX_KEEP;
	}
	return ZX_SKIP;
}

typedef struct odf_change {
	char *id;
	int type;      /* 1 insertion, 2 deletion, 3 format */
	dft_buf text;  /* a deletion's text */
} odf_change;

typedef struct odf {
	dft_sink *sink;
	zx_out out;
	zx_zip zip;
	int styles;        /* walking styles.xml: only headers and footers */
	int in_hf;         /* inside a header or footer */
	int in_cell;       /* table cell depth */
	int cell_paras;
	long pending_tabs; /* empty cells not put yet */
	int row_content;
	int in_tracked;    /* inside text:tracked-changes */
	odf_change *changes;
	size_t nchanges;
	odf_change *cur;   /* the changed region being read */
	int in_deletion;
	int in_changeinfo;
	int in_annot, in_annot_creator, annot_skip;
	dft_buf annot, annot_author;
	int in_note, in_citation;
	int skip;          /* depth inside an element whose text is dropped */
	int slides;
	int spreadsheet;   /* office:spreadsheet: tables are sheets */
	char sheet[512];
	uint64_t tracked;
	const char *heading;
	dft_buf tmp;
} odf;

static int odf_putn(odf *x, const char *s, size_t n)
{
	int rc;
	if (x->heading && n && (rc = dft_zx_put_heading(&x->out, &x->heading)) < 0)
		return rc;
	return dft_zx_put(&x->out, s, n);
}

/* Where text goes: a deletion's buffer, an annotation's, or the output. */
static int odf_emit(odf *x, const char *s, size_t n)
{
	int rc;
	if (x->in_tracked) {
		if (x->in_deletion && !x->in_changeinfo && x->cur && x->cur->text.len + n < ((size_t)1 << 20))
			return dft_buf_add(&x->cur->text, s, n);
		return 0;
	}
	if (x->styles && !x->in_hf)
		return 0;
	if (x->in_annot) {
		if (x->in_annot_creator)
			return x->annot_author.len + n < 1024 ? dft_buf_add(&x->annot_author, s, n) : 0;
		if (x->annot_skip)
			return 0;
		return x->annot.len + n < ((size_t)1 << 20) ? dft_buf_add(&x->annot, s, n) : 0;
	}
	if (x->in_citation)
		return 0;
	/* deferred separators: empty cells, a cell's next paragraph */
	if (x->in_cell && x->cell_paras && x->out.last != '\t' && x->out.last != ' ' && x->pending_tabs == 0) {
		if ((rc = odf_putn(x, " ", 1)) < 0)
			return rc;
	}
	x->cell_paras = 0;
	while (x->pending_tabs > 0) {
		x->pending_tabs--;
		if ((rc = odf_putn(x, "\t", 1)) < 0)
			return rc;
	}
	x->row_content = 1;
	return odf_putn(x, s, n);
}

static long odf_num_attr(xmlTextReaderPtr r, const char *name, long def, long max)
{
	char *v = dft_zx_attr(r, name);
	long n = def;
	if (v) {
		n = strtol(v, NULL, 10);
		free(v);
	}
	if (n < 0)
		n = 0;
	return n > max ? max : n;
}

static odf_change *odf_change_find(odf *x, const char *id)
{
	size_t i;
	for (i = 0; id && i < x->nchanges; i++)
		if (!strcmp(x->changes[i].id, id))
			return &x->changes[i];
	return NULL;
}

static int odf_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	odf *x = ctx;
	int rc = 0;
	if (x->skip) {
		x->skip++;
		return 0;
	}
	if (x->in_tracked) {
		if (!strcmp(n, "changed-region") && x->nchanges < ODF_MAX_CHANGES) {
			odf_change *c = dft_realloc(x->changes, (x->nchanges + 1) * sizeof(*c));
			char *id;
			if (!c)
				return DFT_ENOMEM;
			x->changes = c;
			id = dft_zx_attr(r, "id");
			c = &x->changes[x->nchanges];
			memset(c, 0, sizeof(*c));
			c->id = id ? id : dft_strdup("");
			if (!c->id)
				return DFT_ENOMEM;
			dft_buf_init(&c->text, 0);
			x->nchanges++;
			x->cur = c;
		} else if (x->cur && !strcmp(n, "insertion")) {
			x->cur->type = 1;
		} else if (x->cur && !strcmp(n, "deletion")) {
			x->cur->type = 2;
			x->in_deletion = 1;
		} else if (x->cur && !strcmp(n, "format-change")) {
			x->cur->type = 3;
		} else if (!strcmp(n, "change-info")) {
			x->in_changeinfo = 1;
		}
		return 0;
	}
	if (!strcmp(n, "tracked-changes")) {
		x->in_tracked = !empty;
		return 0;
	}
	if (x->in_annot) {
		if (!strcmp(n, "creator"))
			x->in_annot_creator = 1;
		else if (!strcmp(n, "date") || !strcmp(n, "initials"))
			x->annot_skip = 1;
		else if (!strcmp(n, "s"))
			return dft_buf_addc(&x->annot, ' ');
		return 0;
	}
	switch (n[0]) {
	case 'a':
		if (!strcmp(n, "annotation")) {
			x->in_annot = !empty;
			dft_buf_reset(&x->annot);
			dft_buf_reset(&x->annot_author);
		}
		break;
	case 'c':
		if (!strcmp(n, "change") || !strcmp(n, "change-start")) {
			char *id = dft_zx_attr(r, "change-id");
			odf_change *c = odf_change_find(x, id);
			free(id);
			if (c && c->type == 2 && !strcmp(n, "change")) {
				size_t len = c->text.len;
				x->tracked++;
				while (len && c->text.ptr[len - 1] == ' ')
					len--;
				if ((rc = odf_emit(x, "[-", 2)) < 0 || (rc = odf_emit(x, c->text.ptr ? c->text.ptr : "", len)) < 0)
					return rc;
				return odf_emit(x, "-]", 2);
			}
			if (c && c->type == 1 && !strcmp(n, "change-start")) {
				x->tracked++;
				return odf_emit(x, "[+", 2);
			}
		} else if (!strcmp(n, "change-end")) {
			char *id = dft_zx_attr(r, "change-id");
			odf_change *c = odf_change_find(x, id);
			free(id);
			if (c && c->type == 1)
				return odf_emit(x, "+]", 2);
		} else if (!strcmp(n, "covered-table-cell")) {
			x->in_cell++;
			x->cell_paras = 0;
		}
		break;
	case 'd':
		if (!strcmp(n, "desc") || !strcmp(n, "title")) /* svg: a frame's label */
			x->skip = 1;
		break;
	case 'h':
		if (!strcmp(n, "header") || !strcmp(n, "footer") || !strcmp(n, "header-left") ||
		    !strcmp(n, "footer-left") || !strcmp(n, "header-first") || !strcmp(n, "footer-first"))
			x->in_hf++;
		break;
	case 'f':
		if (!strcmp(n, "footer") || !strcmp(n, "footer-left") || !strcmp(n, "footer-first"))
			x->in_hf++;
		break;
	case 'l':
		if (!strcmp(n, "line-break"))
			return odf_emit(x, "\n", 1);
		break;
	case 'n':
		if (!strcmp(n, "note-citation"))
			x->in_citation = 1;
		else if (!strcmp(n, "note-body"))
			return odf_emit(x, " [Note: ", 8);
		else if (!strcmp(n, "note"))
			x->in_note++;
		else if (!strcmp(n, "notes")) { /* presentation:notes */
			if (x->out.last && x->out.last != '\n' && (rc = odf_putn(x, "\n", 1)) < 0)
				return rc;
			x->heading = "Notes:";
		}
		break;
	case 'p':
		if (!strcmp(n, "page")) { /* draw:page: a slide */
			char heading[48];
			(void)heading;
			x->slides++;
			if (x->out.last && x->out.last != '\n' && (rc = odf_putn(x, "\n", 1)) < 0)
				return rc;
			dft_buf_reset(&x->tmp);
			dft_buf_addf(&x->tmp, "[Slide %d]", x->slides);
			x->heading = NULL;
			if (x->out.last && (rc = dft_zx_puts(&x->out, "\n")) < 0)
				return rc;
			if ((rc = dft_zx_puts(&x->out, dft_buf_cstr(&x->tmp))) < 0 || (rc = dft_zx_puts(&x->out, "\n")) < 0)
				return rc;
		}
		break;
	case 's':
		if (!strcmp(n, "spreadsheet"))
			x->spreadsheet = 1;
		else if (!strcmp(n, "s")) {
			long k = odf_num_attr(r, "c", 1, ODF_MAX_REPEAT);
			while (k-- > 0 && rc == 0)
				rc = odf_emit(x, " ", 1);
		}
		break;
	case 't':
		if (!strcmp(n, "tab")) {
			return odf_emit(x, "\t", 1);
		} else if (!strcmp(n, "table-cell")) {
			x->in_cell++;
			x->cell_paras = 0;
		} else if (!strcmp(n, "table-row")) {
			x->pending_tabs = 0;
			x->row_content = 0;
		} else if (!strcmp(n, "table") && !x->in_cell) {
			char *name = dft_zx_attr(r, "name");
			if (name && x->spreadsheet && !x->styles) {
				/* a sheet's name, put before its first text */
				snprintf(x->sheet, sizeof(x->sheet), "[Sheet: %s]", name);
				x->heading = x->sheet;
			}
			free(name);
		}
		break;
	}
	if (empty && (!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell"))) {
		/* handled by end(): the cell counts as repeated */
		long k = odf_num_attr(r, "number-columns-repeated", 1, ODF_MAX_REPEAT);
		x->pending_tabs += k - 1;
	} else if (!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell")) {
		long k = odf_num_attr(r, "number-columns-repeated", 1, ODF_MAX_REPEAT);
		(void)k; /* a repeated cell with content is put once */
	}
	return rc;
}

static int odf_end(void *ctx, const char *n)
{
	odf *x = ctx;
	int rc = 0;
	if (x->skip) {
		x->skip--;
		return 0;
	}
	if (x->in_tracked) {
		if (!strcmp(n, "tracked-changes"))
			x->in_tracked = 0;
		else if (!strcmp(n, "changed-region"))
			x->cur = NULL;
		else if (!strcmp(n, "deletion"))
			x->in_deletion = 0;
		else if (!strcmp(n, "change-info"))
			x->in_changeinfo = 0;
		else if ((!strcmp(n, "p") || !strcmp(n, "h")) && x->in_deletion && !x->in_changeinfo && x->cur &&
			 x->cur->text.len)
			return dft_buf_addc(&x->cur->text, ' ');
		return 0;
	}
	if (x->in_annot) {
		if (!strcmp(n, "annotation")) {
			char *t = dft_buf_detach(&x->annot);
			size_t len = t ? strlen(t) : 0;
			x->in_annot = 0;
			while (len && (t[len - 1] == ' ' || t[len - 1] == '\n'))
				t[--len] = '\0';
			dft_buf_reset(&x->tmp);
			dft_buf_addf(&x->tmp, " [Comment (%s): %s]",
				     x->annot_author.len ? dft_buf_cstr(&x->annot_author) : "unknown author", t ? t : "");
			free(t);
			return odf_emit(x, x->tmp.ptr, x->tmp.len);
		}
		if (!strcmp(n, "creator"))
			x->in_annot_creator = 0;
		else if (!strcmp(n, "date") || !strcmp(n, "initials"))
			x->annot_skip = 0;
		else if (!strcmp(n, "p") || !strcmp(n, "h"))
			return x->annot.len ? dft_buf_addc(&x->annot, ' ') : 0;
		return 0;
	}
	if (!strcmp(n, "p") || !strcmp(n, "h")) {
		if (x->in_note)
			return 0;
		if (x->in_cell) {
			x->cell_paras++;
			return 0;
		}
		if (x->styles && !x->in_hf)
			return 0;
		return x->out.last && x->out.last != '\n' ? odf_putn(x, "\n", 1) : 0;
	}
	if (!strcmp(n, "table-cell") || !strcmp(n, "covered-table-cell")) {
		if (x->in_cell)
			x->in_cell--;
		x->cell_paras = 0;
		x->pending_tabs++;
	} else if (!strcmp(n, "table-row")) {
		x->pending_tabs = 0;
		if (x->row_content)
			rc = odf_putn(x, "\n", 1);
		x->row_content = 0;
	} else if (!strcmp(n, "note-citation")) {
		x->in_citation = 0;
	} else if (!strcmp(n, "note-body")) {
		rc = odf_emit(x, "]", 1);
	} else if (!strcmp(n, "note")) {
		if (x->in_note)
			x->in_note--;
	} else if (!strcmp(n, "header") || !strcmp(n, "footer") || !strcmp(n, "header-left") ||
		   !strcmp(n, "footer-left") || !strcmp(n, "header-first") || !strcmp(n, "footer-first")) {
		if (x->in_hf)
			x->in_hf--;
	}
	return rc;
}

static int odf_text(void *ctx, const char *s, size_t n)
{
	odf *x = ctx;
	size_t i, run = 0;
	int rc;
	if (x->skip)
		return 0;
	/* XML newlines in text are white space, as in a browser */
	for (i = 0; i < n; i++)
		if (s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			if (i > run && (rc = odf_emit(x, s + run, i - run)) < 0)
				return rc;
			if ((rc = odf_emit(x, " ", 1)) < 0)
				return rc;
			run = i + 1;
		}
	return n > run ? odf_emit(x, s + run, n - run) : 0;
}

static const zx_xml_handler odf_h = {odf_start, odf_end, odf_text};

static int odf_walk(odf *x, const zx_part *p, int main_part)
{
	int rc = dft_zx_xml_walk(p, &odf_h, x);
	if (rc < 0 && !main_part && rc != DFT_ENOMEM) {
		char msg[600];
		snprintf(msg, sizeof(msg), "%s", dft_error_msg());
		return x->sink->note(x->sink, msg);
	}
	if (rc == 0 && x->out.last && x->out.last != '\n')
		rc = dft_zx_puts(&x->out, "\n");
	return rc;
}

static int odf_stat_start(void *ctx, const char *n, xmlTextReaderPtr r, int empty)
{
	odf *x = ctx;
	(void)empty;
	if (!strcmp(n, "document-statistic")) {
		char *pages = dft_zx_attr(r, "page-count");
		int rc = 0;
		if (pages && *pages)
			rc = x->sink->meta(x->sink, "pages", pages);
		free(pages);
		return rc;
	}
	return 0;
}

int dft_extract_odf(dft_sink *sink, const dft_input *in)
{
	static const char *const meta_map[] = {
		"title", "title", "subject", "subject", "initial-creator", "author", "creator", "last_modified_by",
		"creation-date", "created", "date", "modified", "generator", "creator", "keyword", "keywords",
		"description", "description", "language", "language", NULL,
	};
	static const zx_xml_handler stat_h = {odf_stat_start, NULL, NULL};
	odf x;
	const zx_part *p;
	size_t i;
	int rc;
	char num[32];

	if (dft_zx_is_ole(in))
		return dft_extract_ole(sink, in);
	memset(&x, 0, sizeof(x));
	x.sink = sink;
	dft_zx_out_init(&x.out, sink, in);
	dft_buf_init(&x.annot, 0);
	dft_buf_init(&x.annot_author, 0);
	dft_buf_init(&x.tmp, 0);
	if ((rc = dft_zx_zip_read(&x.zip, sink, in, odf_classify, ODF_PART_MAX)) < 0)
		goto done;
	if ((p = dft_zx_zip_find(&x.zip, "META-INF/manifest.xml")) && p->len > 0 &&
	    memmem(p->data, p->len, "encryption-data", 15)) {
		rc = dft_error_set(DFT_EENCRYPTED, "encrypted: the OpenDocument package is protected by a password");
		goto done;
	}
	if (!(p = dft_zx_zip_find(&x.zip, "content.xml"))) {
		rc = dft_error_set(DFT_ECORRUPT, "not an OpenDocument package: content.xml is missing");
		goto done;
	}
	if ((p = dft_zx_zip_find(&x.zip, "meta.xml"))) {
		if ((rc = dft_zx_props(sink, p, meta_map)) < 0 && rc != DFT_ECORRUPT)
			goto done;
		if ((rc = dft_zx_xml_walk(p, &stat_h, &x)) < 0 && rc != DFT_ECORRUPT)
			goto done;
	}
	if ((rc = odf_walk(&x, dft_zx_zip_find(&x.zip, "content.xml"), 1)) < 0)
		goto done;
	if ((p = dft_zx_zip_find(&x.zip, "styles.xml"))) {
		x.styles = 1;
		x.heading = "[Headers and footers]";
		rc = odf_walk(&x, p, 0);
		x.styles = 0;
		x.heading = NULL;
		if (rc < 0)
			goto done;
	}
	/* embedded OpenDocument objects, in place */
	for (i = 0; i < x.zip.n && rc == 0; i++) {
		const char *name = x.zip.parts[i].name;
		if (!strncmp(name, "Object ", 7) && strchr(name, '/')) {
			static char heading[300];
			snprintf(heading, sizeof(heading), "[Embedded object: %.*s]", (int)(strchr(name, '/') - name), name);
			x.heading = heading;
			x.slides = 0;
			rc = odf_walk(&x, &x.zip.parts[i], 0);
			x.heading = NULL;
		}
	}
	if (rc == 0 && x.tracked) {
		snprintf(num, sizeof(num), "%" PRIu64, x.tracked);
		rc = sink->meta(sink, "tracked_changes", num);
	}
	if (rc == 0)
		rc = dft_zx_flush(&x.out);
done:
	if (rc < 0 && rc != DFT_ENOMEM) {
		char msg[1024];
		int code = rc;
		snprintf(msg, sizeof(msg), "%s", dft_error_msg());
		dft_zx_flush(&x.out);
		dft_error_set(code, "%s", msg);
	}
	for (i = 0; i < x.nchanges; i++) {
		free(x.changes[i].id);
		dft_buf_dispose(&x.changes[i].text);
	}
	free(x.changes);
	dft_buf_dispose(&x.annot);
	dft_buf_dispose(&x.annot_author);
	dft_buf_dispose(&x.tmp);
	dft_zx_zip_dispose(&x.zip);
	dft_zx_out_dispose(&x.out);
	return rc;
}
