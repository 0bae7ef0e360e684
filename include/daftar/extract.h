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
int dft_extract_pdf(dft_sink *sink, const dft_input *in);    /* pdf.c (MuPDF) */
int dft_extract_image(dft_sink *sink, const dft_input *in);  /* image.c (metadata + OCR) */
void dft_image_init(void); /* image.c: libheif's plugins, once a worker before the sandbox */
int dft_extract_ooxml(dft_sink *sink, const dft_input *in);  /* ooxml.c: docx xlsx pptx */
int dft_extract_odf(dft_sink *sink, const dft_input *in);    /* odf.c: odt ods odp */
int dft_extract_ole(dft_sink *sink, const dft_input *in);    /* ole.c: doc xls ppt */
int dft_extract_rtf(dft_sink *sink, const dft_input *in);    /* rtf.c */
int dft_extract_email(dft_sink *sink, const dft_input *in);  /* email.c: eml */
int dft_extract_mbox(dft_sink *sink, const dft_input *in);   /* email.c: mbox */
int dft_extract_msg(dft_sink *sink, const dft_input *in);    /* msg.c: Outlook .msg */
int dft_extract_pst(dft_sink *sink, const dft_input *in);    /* pst.c: Outlook .pst/.ost */

/* The short type for a document from its MIME type and, where the MIME
 * type is generic (application/zip, octet-stream), its name. */
const char *dft_extract_type_for(const char *mime, const char *name);

/* Pick the extractor for the document's type and run it. A type with no
 * extractor fails with "unsupported type" (its bytes are kept). */
int dft_extract_run(dft_sink *sink, const dft_input *in, const char **type_out);

/* Called once in every worker, before the sandbox closes: extractors that
 * must load data files (OCR models, language profiles) do it here. */
void dft_extract_worker_init(void);
/* Hooks the extractors' files provide for dft_extract_worker_init. */
int dft_ocr_init(void);   /* image.c / ocr.c: load Tesseract (ara+eng) */
int dft_email_init(void); /* email.c: GMime, libgsf, libpst's converters */

/* Language of a text ("ar", "en", "fr", "ru", "fa", "tr", "de", ...), or ""
 * when unsure. src/text/lang.c. lang_init loads the profiles (before the
 * sandbox). */
int dft_lang_init(void);
int dft_detect_language(const char *utf8, size_t len, char out[8]);

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

#ifndef DAFTAR_EXTRACT_WORKER
#define DAFTAR_EXTRACT_WORKER
/* ---- the sandboxed extraction worker ------------------------------------
 *
 * A worker is a forked process that extracts one document at a time. It is
 * given each document as an open file descriptor (SCM_RIGHTS), runs with
 * rlimits (address space, CPU time) and a seccomp filter that allows no
 * open, exec or network call, and reports through frames on a socket:
 *   [kind: 1 byte][length: 4 bytes, little-endian][payload]
 * The parent enforces the wall-clock limit by killing it. A worker that
 * dies takes only its current document with it.
 */
enum dft_frame_kind {
	DFT_FRAME_MIME = 'M',        /* detected MIME type */
	DFT_FRAME_TEXT = 'T',        /* a piece of text */
	DFT_FRAME_META = 'K',        /* key NUL value */
	DFT_FRAME_NOTE = 'N',        /* a note */
	DFT_FRAME_CHILD = 'C',       /* int64 size, int64 mtime, name */
	DFT_FRAME_CHILD_DATA = 'D',
	DFT_FRAME_CHILD_END = 'E',
	DFT_FRAME_CHILD_FAILED = 'X', /* int64 size, name NUL reason */
	DFT_FRAME_FAILED = 'F',      /* the document failed: reason */
	DFT_FRAME_DONE = 'Z',        /* the document is done: its type */
	/* what the worker's text hook found in the whole text, after the
	 * extractor succeeded and before 'Z' (the ingest's analysis.c) */
	DFT_FRAME_SIG = 'S',         /* the near-duplicate signature */
	DFT_FRAME_MENTIONS = 'P',    /* entity mentions, whole records, several frames */
	DFT_FRAME_TERMS = 'I'        /* the text analysed for the full-text index, several frames */
};

#define DFT_FRAME_MAX ((size_t)1 << 20)

typedef struct dft_worker dft_worker;

/* Put the calling process - a child forked for one job, its input already
 * read - under the workers' limits and seccomp filter (no open for
 * writing, no socket, no exec, no fork). The server renders page images
 * this way (src/server/render.c). */
int dft_sandbox_enter(const dft_limits *l);
/* Why such a child ended, from its waitpid() status ("" when it exited 0). */
void dft_sandbox_describe(int status, char *why, size_t whylen);

/* What a worker does with a document's whole text besides sending it:
 * the ingest's analysis (signatures, entities; src/ingest/analysis.c).
 * `setup` runs once in each worker before its sandbox (models are read
 * there; nonzero ends the worker). `run` gets the text as the parent
 * keeps it (the same max_text cut) when the extractor succeeded and the
 * text is at most `max_text` bytes; it answers with frames through
 * `send`, before the document's 'Z'. */
typedef int (*dft_frame_send_fn)(void *sctx, int kind, const void *p, size_t n);
typedef struct dft_text_hook {
	int (*setup)(void *ctx);
	int (*run)(void *ctx, const char *text, size_t len, dft_frame_send_fn send, void *sctx);
	void *ctx;
	size_t max_text;
} dft_text_hook;

/* Fork a worker; hook (may be NULL) is used in the worker, copied there
 * by the fork. */
int dft_worker_start(dft_worker **out, const dft_limits *limits, const dft_text_hook *hook);
/* Parent: the CPUs of idle workers that the busy ones may borrow now, for
 * pages of their document read on helper threads (0: none; the default). */
void dft_worker_lend(int cpus);
/* Give it a document (fd is sent, then closed here; name for messages). */
int dft_worker_send(dft_worker *w, int fd, const char *name);
int dft_worker_socket(const dft_worker *w);
pid_t dft_worker_pid(const dft_worker *w);
/* Read what is available (non-blocking) and call on_frame for each
 * complete frame. Returns 0, 1 when the worker closed its end (exited or
 * died), or a negative code for a protocol error. */
int dft_worker_read(dft_worker *w, int (*on_frame)(void *ctx, int kind, const char *p, size_t n), void *ctx);
/* Stop: kill (when `force`) and reap. *why gets a human reason for an
 * abnormal end ("crashed (SIGSEGV)", "CPU time limit hit"), or "" */
void dft_worker_stop(dft_worker *w, int force, char *why, size_t whylen);
#endif
