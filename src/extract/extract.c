/*
 * extract.c - choosing an extractor for a document's type, the default
 * limits, and the in-memory sink used by tests and fuzzers.
 */
#include "daftar/extract.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

void dft_limits_default(dft_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_text = (uint64_t)128 << 20;
	l->max_members = 100000;
	l->max_member_size = (uint64_t)2 << 30;
	l->max_expanded = (uint64_t)8 << 30;
	l->max_ratio = 200.0;
	l->ratio_floor = (uint64_t)32 << 20;
	l->max_depth = 8;
	l->timeout_s = 120;
	l->max_address_space = (uint64_t)4 << 30;
}

struct type_map {
	const char *mime;
	const char *type;
};

/* Exact MIME → short type. Prefix rules follow in the function. */
static const struct type_map types[] = {
	{"text/html", "html"},
	{"application/xhtml+xml", "html"},
	{"text/plain", "text"},
	{"text/csv", "text"},
	{"text/xml", "xml"},
	{"application/xml", "xml"},
	{"application/json", "text"},
	{"application/javascript", "text"},
	{"application/x-javascript", "text"},
	{"application/x-sh", "text"},
	{"application/x-shellscript", "text"},
	{"application/x-subrip", "text"},
	{"application/x-wine-extension-ini", "text"},
	{"application/vnd.ms-outlook-pst", "pst"},
	{"application/zip", "zip"},
	{"application/x-zip-compressed", "zip"},
	{"application/x-7z-compressed", "7z"},
	{"application/x-tar", "tar"},
	{"application/gzip", "gz"},
	{"application/x-gzip", "gz"},
	{"application/x-bzip2", "bz2"},
	{"application/x-xz", "xz"},
	{"application/x-lzma", "xz"},
	{"application/zstd", "zst"},
	{"application/x-rar", "rar"},
	{"application/vnd.rar", "rar"},
	{"application/x-iso9660-image", "iso"},
	{"application/x-cpio", "cpio"},
	{"application/pdf", "pdf"},
	{"message/rfc822", "email"},
	{"application/mbox", "mbox"},
	{"application/vnd.ms-outlook", "msg"},
	{"application/msword", "doc"},
	{"application/vnd.ms-excel", "xls"},
	{"application/vnd.ms-powerpoint", "ppt"},
	{"application/rtf", "rtf"},
	{"text/rtf", "rtf"},
	{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
	{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
	{"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"},
	{"application/vnd.oasis.opendocument.text", "odt"},
	{"application/vnd.oasis.opendocument.spreadsheet", "ods"},
	{"application/vnd.oasis.opendocument.presentation", "odp"},
	{"application/x-empty", "empty"},
	{"inode/x-empty", "empty"},
	{NULL, NULL},
};

const char *dft_extract_type_for_mime(const char *mime)
{
	size_t i;
	if (!mime || !*mime)
		return "binary";
	for (i = 0; types[i].mime; i++)
		if (strcmp(mime, types[i].mime) == 0)
			return types[i].type;
	if (strncmp(mime, "image/", 6) == 0)
		return "image";
	if (strncmp(mime, "audio/", 6) == 0)
		return "audio";
	if (strncmp(mime, "video/", 6) == 0)
		return "video";
	if (strncmp(mime, "text/", 5) == 0)
		return "text";
	return "binary";
}

/* When libmagic gives a generic answer, the name's extension decides. */
static const struct type_map by_extension[] = {
	{".docx", "docx"}, {".docm", "docx"}, {".xlsx", "xlsx"}, {".xlsm", "xlsx"},
	{".pptx", "pptx"}, {".pptm", "pptx"}, {".odt", "odt"}, {".ods", "ods"},
	{".odp", "odp"}, {".msg", "msg"}, {".pst", "pst"}, {".ost", "pst"},
	{".eml", "email"}, {".mbox", "mbox"}, {".doc", "doc"}, {".xls", "xls"},
	{".ppt", "ppt"}, {".rtf", "rtf"}, {".html", "html"}, {".htm", "html"}, {".xhtml", "html"},
	{NULL, NULL},
};

static int generic_mime(const char *mime)
{
	return !mime || !strcmp(mime, "application/octet-stream") || !strcmp(mime, "application/zip") ||
	       !strcmp(mime, "application/x-ole-storage") || !strcmp(mime, "application/CDFV2") ||
	       !strcmp(mime, "text/plain");
}

const char *dft_extract_type_for(const char *mime, const char *name)
{
	const char *type = dft_extract_type_for_mime(mime);
	size_t i, n = name ? strlen(name) : 0;
	/* a saved mail that starts with HTML-looking headers */
	if (n > 4 && mime && !strcmp(mime, "text/html") && !strcasecmp(name + n - 4, ".eml"))
		return "email";
	if (!generic_mime(mime) || !n)
		return type;
	for (i = 0; by_extension[i].mime; i++) {
		size_t k = strlen(by_extension[i].mime);
		if (n > k && strcasecmp(name + n - k, by_extension[i].mime) == 0) {
			/* a .eml/.mbox that magic calls text stays text unless it is */
			if (mime && !strcmp(mime, "text/plain") && strcmp(by_extension[i].type, "email") &&
			    strcmp(by_extension[i].type, "mbox") && strcmp(by_extension[i].type, "rtf") &&
			    strcmp(by_extension[i].type, "html"))
				return type;
			return by_extension[i].type;
		}
	}
	return type;
}

struct extractor {
	const char *type;
	int (*run)(dft_sink *sink, const dft_input *in);
};

static const struct extractor extractors[] = {
	{"text", dft_extract_text}, {"xml", dft_extract_text}, {"html", dft_extract_html},
	{"zip", dft_extract_archive}, {"7z", dft_extract_archive}, {"tar", dft_extract_archive},
	{"gz", dft_extract_archive}, {"bz2", dft_extract_archive}, {"xz", dft_extract_archive},
	{"zst", dft_extract_archive}, {"rar", dft_extract_archive}, {"iso", dft_extract_archive},
	{"cpio", dft_extract_archive}, {"pdf", dft_extract_pdf}, {"image", dft_extract_image},
	{"docx", dft_extract_ooxml}, {"xlsx", dft_extract_ooxml}, {"pptx", dft_extract_ooxml},
	{"odt", dft_extract_odf}, {"ods", dft_extract_odf}, {"odp", dft_extract_odf},
	{"doc", dft_extract_ole}, {"xls", dft_extract_ole}, {"ppt", dft_extract_ole},
	{"rtf", dft_extract_rtf}, {"email", dft_extract_email}, {"mbox", dft_extract_mbox},
	{"msg", dft_extract_msg}, {"pst", dft_extract_pst}, {NULL, NULL},
};

int dft_extract_run(dft_sink *sink, const dft_input *in, const char **type_out)
{
	const char *type = dft_extract_type_for(in->mime, in->name);
	size_t i;
	if (type_out)
		*type_out = type;
	if (!strcmp(type, "empty"))
		return 0;
	for (i = 0; extractors[i].type; i++)
		if (!strcmp(type, extractors[i].type))
			return extractors[i].run(sink, in);
	return dft_error_set(DFT_EINVAL, "unsupported type (%s)", in->mime ? in->mime : "unknown");
}

void dft_extract_worker_init(void)
{
	/* failures here are not fatal: the extractor reports them per document */
	dft_ocr_init();
	dft_image_init();
	dft_lang_init();
	dft_email_init();
}

/* ---- the in-memory sink ---------------------------------------------- */

static int mem_text(dft_sink *s, const char *p, size_t n)
{
	dft_sink_mem *m = s->ctx;
	return dft_buf_add(&m->text, p, n);
}

static int mem_meta(dft_sink *s, const char *k, const char *v)
{
	dft_sink_mem *m = s->ctx;
	return dft_buf_addf(&m->meta, "%s=%s\n", k, v);
}

static int mem_child_begin(dft_sink *s, const char *name, int64_t size, int64_t mtime)
{
	dft_sink_mem *m = s->ctx;
	dft_mem_child *c;
	(void)mtime;
	c = dft_realloc(m->children, (m->nchildren + 1) * sizeof(*c));
	if (!c)
		return DFT_ENOMEM;
	m->children = c;
	c = &m->children[m->nchildren++];
	memset(c, 0, sizeof(*c));
	c->name = dft_strdup(name);
	c->size = size;
	dft_buf_init(&c->data, (size_t)1 << 30);
	m->in_child = 1;
	return c->name ? 0 : DFT_ENOMEM;
}

static int mem_child_data(dft_sink *s, const void *p, size_t n)
{
	dft_sink_mem *m = s->ctx;
	if (!m->in_child)
		return dft_error_set(DFT_EINVAL, "child data outside a child");
	return dft_buf_add(&m->children[m->nchildren - 1].data, p, n);
}

static int mem_child_end(dft_sink *s)
{
	dft_sink_mem *m = s->ctx;
	m->in_child = 0;
	return 0;
}

static int mem_child_failed(dft_sink *s, const char *name, int64_t size, const char *reason)
{
	dft_sink_mem *m = s->ctx;
	int rc;
	if ((rc = mem_child_begin(s, name, size, 0)) < 0)
		return rc;
	m->in_child = 0;
	m->children[m->nchildren - 1].failed = dft_strdup(reason);
	return 0;
}

static int mem_note(dft_sink *s, const char *msg)
{
	dft_sink_mem *m = s->ctx;
	return dft_buf_addf(&m->notes, "%s\n", msg);
}

void dft_sink_mem_init(dft_sink_mem *m, size_t max_text)
{
	memset(m, 0, sizeof(*m));
	dft_buf_init(&m->text, max_text);
	dft_buf_init(&m->meta, 0);
	dft_buf_init(&m->notes, 0);
	m->sink.text = mem_text;
	m->sink.meta = mem_meta;
	m->sink.child_begin = mem_child_begin;
	m->sink.child_data = mem_child_data;
	m->sink.child_end = mem_child_end;
	m->sink.child_failed = mem_child_failed;
	m->sink.note = mem_note;
	m->sink.ctx = m;
}

void dft_sink_mem_dispose(dft_sink_mem *m)
{
	size_t i;
	for (i = 0; i < m->nchildren; i++) {
		free(m->children[i].name);
		free(m->children[i].failed);
		dft_buf_dispose(&m->children[i].data);
	}
	free(m->children);
	dft_buf_dispose(&m->text);
	dft_buf_dispose(&m->meta);
	dft_buf_dispose(&m->notes);
	memset(m, 0, sizeof(*m));
}

const char *dft_sink_mem_meta(dft_sink_mem *m, const char *key, dft_buf *tmp)
{
	const char *p = dft_buf_cstr(&m->meta);
	size_t klen = strlen(key);
	const char *found = NULL;
	while (*p) {
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		if ((size_t)(nl - p) > klen && strncmp(p, key, klen) == 0 && p[klen] == '=')
			found = p + klen + 1;
		if (found) {
			dft_buf_reset(tmp);
			if (dft_buf_add(tmp, found, (size_t)(nl - found)) < 0)
				return NULL;
			return dft_buf_cstr(tmp);
		}
		p = nl + 1;
	}
	return NULL;
}
