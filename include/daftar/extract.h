/*
 * extract.h - turning the bytes of one document into text, metadata and
 * child documents. Extractors run inside a sandboxed worker process (see
 * worker.h); they never touch the store: they report what they find to a
 * dft_sink, which the worker forwards to the parent over a socket. Tests
 * use a sink that collects into memory (dft_sink_mem_*).
 */
#ifndef DAFTAR_EXTRACT_H
#define DAFTAR_EXTRACT_H

#include "daftar/core.h"
#include <stdint.h>
#include <sys/types.h>

/* Limits an extractor must respect; a limit hit is an error with a reason,
 * never a crash or a silent cut. */
typedef struct dft_limits {
	uint64_t max_text;          /* bytes of UTF-8 text kept per document */
	uint64_t max_members;       /* archive members per archive */
	uint64_t max_member_size;   /* expanded bytes of one member */
	uint64_t max_expanded;      /* expanded bytes of one archive, all members */
	double max_ratio;           /* expanded/compressed beyond which it is a bomb */
	uint64_t ratio_floor;       /* ratio is only judged past this many bytes */
	int max_depth;              /* archive nesting */
	int timeout_s;              /* wall clock per document */
	uint64_t max_address_space; /* RLIMIT_AS of a worker */
} dft_limits;

void dft_limits_default(dft_limits *l);

/* Where an extractor reports. Every callback returns 0 or a DFT_E* code; an
 * extractor stops at the first error a callback returns and returns it. */
typedef struct dft_sink dft_sink;
struct dft_sink {
	/* UTF-8 text, NFC; called any number of times, concatenated */
	int (*text)(dft_sink *s, const char *utf8, size_t len);
	/* one metadata field (title, author, charset, ...); UTF-8 */
	int (*meta)(dft_sink *s, const char *key, const char *value);
	/* a child document: begin, its bytes in pieces, end */
	int (*child_begin)(dft_sink *s, const char *name, int64_t size, int64_t mtime);
	int (*child_data)(dft_sink *s, const void *data, size_t len);
	int (*child_end)(dft_sink *s);
	/* a child that could not be read (encrypted, truncated): no bytes */
	int (*child_failed)(dft_sink *s, const char *name, int64_t size, const char *reason);
	/* something a reader of the case should know (kept with the document) */
	int (*note)(dft_sink *s, const char *msg);
	void *ctx;
};

/* What an extractor is given: the document's bytes as an fd (positioned at
 * 0) and, for documents up to a size, mapped into memory. */
typedef struct dft_input {
	int fd;
	const unsigned char *data; /* whole file mapped, or NULL when too large */
	uint64_t size;
	const char *mime;          /* from libmagic */
	const char *name;          /* the document's path, for messages only */
	const dft_limits *limits;
} dft_input;

/* The short type names used in the store and the CLI ("text", "html",
 * "zip", "pdf", ...) from a MIME type and the first bytes. */
const char *dft_extract_type_for_mime(const char *mime);

/* Each extractor: 0 on success; a negative code with dft_error_set() giving
 * the reason the document failed ("encrypted", "truncated archive: ..."). */
int dft_extract_text(dft_sink *sink, const dft_input *in);
int dft_extract_html(dft_sink *sink, const dft_input *in);
int dft_extract_archive(dft_sink *sink, const dft_input *in);

/* Pick the extractor for in->mime and run it. Types without an extractor
 * succeed with no text (their bytes are kept; a later issue reads them). */
int dft_extract_run(dft_sink *sink, const dft_input *in, const char **type_out);

/* ---- text decoding (used by the text and HTML extractors) --------------- */

typedef struct dft_decode_info {
	char charset[40];    /* what was detected or given, e.g. "WINDOWS-1256" */
	uint64_t invalid;    /* bytes that could not be decoded (replaced by U+FFFD) */
	int had_bom;
} dft_decode_info;

/* Decode `len` bytes of text in an unknown (hint == NULL) or given charset
 * into UTF-8 NFC, appended to out. Detection: BOM, then valid UTF-8, then
 * uchardet. Invalid bytes never abort: they become U+FFFD and are counted. */
int dft_decode_text(dft_buf *out, const unsigned char *data, size_t len,
		    const char *hint, dft_decode_info *info);

/* ---- a sink that collects into memory (tests, fuzzers) ------------------- */

typedef struct dft_mem_child {
	char *name;
	dft_buf data;
	int64_t size;
	char *failed; /* reason, or NULL */
} dft_mem_child;

typedef struct dft_sink_mem {
	dft_sink sink;
	dft_buf text;
	dft_buf meta;  /* "key=value\n" lines */
	dft_buf notes; /* one per line */
	dft_mem_child *children;
	size_t nchildren;
	int in_child;
} dft_sink_mem;

void dft_sink_mem_init(dft_sink_mem *m, size_t max_text);
void dft_sink_mem_dispose(dft_sink_mem *m);
/* The value of a metadata key collected so far, or NULL. */
const char *dft_sink_mem_meta(dft_sink_mem *m, const char *key, dft_buf *tmp);

#endif
