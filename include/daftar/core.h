/*
 * core.h - what every daftar stage uses: the one error convention, the one
 * growing buffer, the one JSON writer, SHA-256, time and logging.
 *
 * Conventions (docs/ARCHITECTURE.md; from ../shared/STYLE.md): functions
 * return int, 0 on success or a negative DFT_E* code, and record a message
 * with dft_error_set(); callers add context with dft_error_prefix() and pass
 * the code up.
 */
#ifndef DAFTAR_CORE_H
#define DAFTAR_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---- errors ------------------------------------------------------------ */

enum {
	DFT_OK = 0,
	DFT_ERROR = -1,     /* generic failure; the message says what */
	DFT_ENOMEM = -2,    /* allocation failed */
	DFT_EIO = -3,       /* read/write/open failed */
	DFT_EINVAL = -4,    /* bad argument or malformed input */
	DFT_ENOTFOUND = -5, /* no such document, case, file */
	DFT_ELIMIT = -6,    /* a size, depth, count or time limit was hit */
	DFT_ECORRUPT = -7,  /* stored data is inconsistent */
	DFT_EEXISTS = -8,   /* already there */
	DFT_EUSAGE = -9,    /* command-line usage error (exit status 2) */
	DFT_EENCRYPTED = -10 /* input is encrypted and cannot be read */
};

#if defined(__GNUC__)
#define DFT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define DFT_PRINTF(a, b)
#endif

/* Record a message for the current thread and return code (so that
 * `return dft_error_set(DFT_EIO, "...")` reads naturally). */
int dft_error_set(int code, const char *fmt, ...) DFT_PRINTF(2, 3);
/* Prepend context: "while reading x: <old message>"; returns the last code. */
int dft_error_prefix(const char *fmt, ...) DFT_PRINTF(1, 2);
/* The current thread's last message ("" when none). Never NULL. */
const char *dft_error_msg(void);
int dft_error_code(void);
void dft_error_clear(void);

/* ---- the growing buffer -------------------------------------------------- */

/* A byte buffer that is always NUL-terminated and never grows past `max`:
 * an add that would exceed it fails with DFT_ELIMIT and frees the buffer
 * (like curl's dynbuf "toobig"), so no input can grow it without bound. */
typedef struct dft_buf {
	char *ptr;  /* NULL until the first add; dft_buf_cstr() never is */
	size_t len; /* bytes used, not counting the NUL */
	size_t cap;
	size_t max;
} dft_buf;

#define DFT_BUF_MAX_DEFAULT ((size_t)64 << 20)

void dft_buf_init(dft_buf *b, size_t max);
void dft_buf_dispose(dft_buf *b);
void dft_buf_reset(dft_buf *b); /* len = 0, keeps memory */
int dft_buf_add(dft_buf *b, const void *data, size_t len);
int dft_buf_adds(dft_buf *b, const char *s);
int dft_buf_addc(dft_buf *b, char c);
int dft_buf_addf(dft_buf *b, const char *fmt, ...) DFT_PRINTF(2, 3);
int dft_buf_vaddf(dft_buf *b, const char *fmt, va_list ap);
const char *dft_buf_cstr(const dft_buf *b); /* "" when empty */
/* Give the memory to the caller (free() it); the buffer is left empty. */
char *dft_buf_detach(dft_buf *b);

/* ---- the JSON writer ----------------------------------------------------- */

/* Writes compact JSON into a dft_buf; commas are placed by the writer.
 * Strings are escaped; invalid UTF-8 is replaced by U+FFFD so the output is
 * always valid JSON. */
#define DFT_JSON_MAX_DEPTH 32
typedef struct dft_json {
	dft_buf *out;
	int depth;
	unsigned char need_comma[DFT_JSON_MAX_DEPTH];
	int after_key;
	int err;
} dft_json;

void dft_json_init(dft_json *j, dft_buf *out);
void dft_json_obj_open(dft_json *j);
void dft_json_obj_close(dft_json *j);
void dft_json_arr_open(dft_json *j);
void dft_json_arr_close(dft_json *j);
void dft_json_key(dft_json *j, const char *key);
void dft_json_str(dft_json *j, const char *s); /* NULL writes null */
void dft_json_strn(dft_json *j, const char *s, size_t n);
void dft_json_int(dft_json *j, int64_t v);
void dft_json_double(dft_json *j, double v);
void dft_json_bool(dft_json *j, int v);
void dft_json_null(dft_json *j);
/* 0, or the first error met while writing (DFT_ELIMIT, DFT_EINVAL). */
int dft_json_finish(dft_json *j);

/* Escape `s` (length n) as JSON string content (without quotes) into b. */
int dft_json_escape(dft_buf *b, const char *s, size_t n);

/* ---- SHA-256 ------------------------------------------------------------- */

#define DFT_SHA256_HEX 65 /* 64 hex digits + NUL */
typedef struct dft_sha256 {
	void *md; /* EVP_MD_CTX (OpenSSL: uses SHA-NI where the CPU has it) */
} dft_sha256;

int dft_sha256_init(dft_sha256 *s);
int dft_sha256_update(dft_sha256 *s, const void *data, size_t len);
/* Writes 64 hex digits + NUL into hex, releases the context. */
int dft_sha256_final(dft_sha256 *s, char hex[DFT_SHA256_HEX]);
void dft_sha256_dispose(dft_sha256 *s); /* after an error; safe twice */
int dft_sha256_hex(char hex[DFT_SHA256_HEX], const void *data, size_t len);

/* ---- time, logging, small helpers ---------------------------------------- */

double dft_now(void);                 /* monotonic seconds */
void dft_utc_iso(char out[32]);        /* "2026-11-25T16:28:27Z" */

extern int dft_log_verbose;
void dft_log(const char *fmt, ...) DFT_PRINTF(1, 2);  /* stderr, when verbose */
void dft_warn(const char *fmt, ...) DFT_PRINTF(1, 2); /* stderr, always */

/* Decode the code point at s[*i] (s has n bytes) and move *i past it;
 * an invalid or cut sequence gives U+FFFD and moves one byte. */
uint32_t dft_utf8_next(const char *s, size_t n, size_t *i);
/* This machine's name (gethostname), or "host" when it has none. */
void dft_hostname(char *out, size_t n);
/* The value of one hexadecimal digit (0-9, a-f, A-F), or -1. */
int dft_hex_digit(int c);
/* Is s (length n) valid UTF-8? */
int dft_utf8_valid(const char *s, size_t n);
/* Copy s to b, replacing invalid UTF-8 sequences by U+FFFD; *replaced counts
 * them (may be NULL). */
int dft_utf8_sanitize(dft_buf *b, const char *s, size_t n, size_t *replaced);
/* Terminal columns of one code point: 0 for combining marks (tashkeel),
 * format and control characters and Hangul medial/final jamo, 2 for East
 * Asian wide and fullwidth characters, 1 for anything else. */
int dft_char_width(uint32_t c);
/* Terminal columns of the n bytes of UTF-8 at s (what a table pads by:
 * Arabic letters take two bytes and one column, tashkeel none). */
size_t dft_utf8_width(const char *s, size_t n);
/* How many bytes of s (n bytes of UTF-8) fit in max columns, cut on a
 * character boundary (zero-width characters stay with the character
 * before them); *cols (may be NULL) gets their width. */
size_t dft_utf8_fit(const char *s, size_t n, size_t max, size_t *cols);

/* Allocation that reports DFT_ENOMEM through dft_error_set on failure. */
void *dft_malloc(size_t n);
void *dft_calloc(size_t n, size_t size);
void *dft_realloc(void *p, size_t n);
/* qsort and qsort_r that accept an empty array (base may then be NULL,
 * which qsort itself does not allow: UBSan says so). The only sort. */
void dft_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void dft_sort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *), void *ctx);
char *dft_strdup(const char *s);

#endif
