/*
 * zipxml.h - internal helpers shared by the office extractors (ooxml.c,
 * odf.c, ole.c, rtf.c); not a public header.
 *
 *  - zx_out: the document's text on its way to the sink. It keeps max_text
 *    (a cut is said in a note, once), normalises to NFC and replaces
 *    invalid UTF-8, and lets a writer take back a trailing tab (the last
 *    cell of a table row).
 *  - zx_zip: the parts of a zip package read into memory with libarchive,
 *    each bounded in size, with a bomb check on the bytes expanded; parts a
 *    classifier calls media are handed to the sink as child documents as
 *    they are met.
 *  - zx_xml_walk: a streaming walk of one XML part with libxml2's reader
 *    (no network, no entity substitution, no DTD loading: a billion-laughs
 *    or external-entity part is an error, never an expansion or a fetch).
 */
#ifndef DAFTAR_EXTRACT_ZIPXML_H
#define DAFTAR_EXTRACT_ZIPXML_H

#include "daftar/extract.h"

#include <stddef.h>
#include <stdint.h>

/* ---- text output -------------------------------------------------------- */

typedef struct zx_out {
	dft_sink *sink;
	dft_buf buf;      /* text not sent yet */
	dft_buf tmp;
	uint64_t kept;    /* bytes accepted so far */
	uint64_t max;     /* max_text */
	int cut;          /* max_text was hit (a note went out) */
	char last;        /* the last byte accepted, 0 at the start */
	int newlines;     /* newlines in a row at the end */
} zx_out;

void dft_zx_out_init(zx_out *o, dft_sink *sink, const dft_input *in);
int dft_zx_put(zx_out *o, const char *s, size_t n);
int dft_zx_puts(zx_out *o, const char *s);
/* A part's heading ("[Header]", "[Sheet: x]"), written just before the
 * part's first text so that a part with no text leaves none: a blank line
 * before it, a newline after. Clears *heading; nothing when it is NULL. */
int dft_zx_put_heading(zx_out *o, const char **heading);
/* UTF-16LE code units (n bytes) as UTF-8; lone surrogates become U+FFFD */
int dft_zx_put_utf16le(zx_out *o, const unsigned char *p, size_t n);
/* Bytes in a legacy charset (an ICU name such as "windows-1256"). */
int dft_zx_put_legacy(zx_out *o, const unsigned char *p, size_t n, const char *charset);
/* Drop a trailing tab not sent yet (returns 1 if one was dropped). */
int dft_zx_untab(zx_out *o);
/* Send what is left. */
int dft_zx_flush(zx_out *o);
void dft_zx_out_dispose(zx_out *o);

/* Append the UTF-8 for code point c (invalid ones as U+FFFD). */
int dft_zx_utf8(dft_buf *b, uint32_t c);
/* Windows code page number (1256) to an ICU charset name, or NULL. */
const char *dft_zx_codepage_name(int cp);
/* Windows language id (FIB lid, RTF \lang) to its ANSI code page. */
int dft_zx_lid_codepage(int lid);

/* ---- zip packages ------------------------------------------------------- */

enum { ZX_SKIP = 0, ZX_KEEP = 1, ZX_CHILD = 2 };

typedef struct zx_part {
	char *name;
	unsigned char *data;
	size_t len;
} zx_part;

typedef struct zx_zip {
	zx_part *parts;
	size_t n, cap;
	uint64_t expanded;
	uint64_t children;
} zx_zip;

/* Read the package: each member name goes to classify(); ZX_KEEP members
 * are kept in z (at most part_max bytes each), ZX_CHILD members go to the
 * sink as children (one that cannot be read becomes child_failed).
 * Fails with "encrypted", "truncated", "zip bomb", or DFT_ELIMIT. */
int dft_zx_zip_read(zx_zip *z, dft_sink *sink, const dft_input *in,
		    int (*classify)(const char *name), uint64_t part_max);
const zx_part *dft_zx_zip_find(const zx_zip *z, const char *name);
void dft_zx_zip_dispose(zx_zip *z);

/* Is this an OLE2 compound file (an encrypted OOXML package is one)? */
int dft_zx_is_ole(const dft_input *in);

/* ---- XML ------------------------------------------------------------------ */

struct _xmlTextReader;
typedef struct zx_xml_handler {
	/* element start (local name, no prefix); empty elements get an end too */
	int (*start)(void *ctx, const char *name, struct _xmlTextReader *r, int empty);
	int (*end)(void *ctx, const char *name);
	int (*text)(void *ctx, const char *s, size_t n);
} zx_xml_handler;

/* Walk one part. Malformed XML (an entity loop among others) is DFT_ECORRUPT
 * with libxml2's message and the line. */
int dft_zx_xml_walk(const zx_part *p, const zx_xml_handler *h, void *ctx);
/* The value of the current element's attribute with this local name, or
 * NULL; free() it. */
char *dft_zx_attr(struct _xmlTextReader *r, const char *local);

/* The value of a child text: collects the text of simple property parts
 * (core.xml, app.xml, meta.xml) as key -> value pairs and reports the keys
 * in map (pairs of XML local name, meta key; NULL-terminated). */
int dft_zx_props(dft_sink *sink, const zx_part *p, const char *const *map);

#endif
