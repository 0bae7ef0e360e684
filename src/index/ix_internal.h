/*
 * ix_internal.h - what ix.c (writing, merging) and ix_search.c (reading)
 * share: varints, the one-byte length norm, the postings blob format.
 *
 * post blob:  bytes 0, 2 (format 2; a blob of format 1 starts with df,
 *             never 0), varint df, varint nblocks, then a header a block:
 *               varint last_doc, varint data_bytes, varint max_tf_body,
 *               byte field_flags (1 title, 2 path: some doc of the block
 *               has the term there), byte min_norm, varint pos_offset
 *             then each block's data, a posting after another:
 *               format 2: varint doc delta << 1 | once, then the tf code
 *                         as a varint unless once (the code is 4: one
 *                         occurrence, in the body), as Lucene codes it:
 *                         most postings of a large trove are one word once
 *               format 1: varint doc delta, varint tf code
 *             (doc deltas from the previous block's last doc; the first
 *             from 0). Readers take both; writers and merges write 2.
 * tf code:    tf_body << 2 | in_title << 1 | in_path
 * pos blob:   a doc after another in postings order, in its post blob's
 *             format: 2: varint count << 1, then the codes (ix_pos_code)
 *             as rising deltas from 0; a document with one position: varint
 *             code << 1 | 1 alone. 1: varint count, then the deltas.
 */
#ifndef DAFTAR_IX_INTERNAL_H
#define DAFTAR_IX_INTERNAL_H

#include "daftar/ix.h"
#include <stdint.h>
#include <string.h>

#define IX_BLOCK 128
/* A position's code: the body's positions as they are (small deltas, the
 * first of a document in one or two bytes), the title's from 2^29, the
 * path's from 2^29 + 2^28; a field's positions stop at 2^28 - 1. */
#define IX_POS_MAX ((1u << 28) - 1)
static inline uint32_t ix_pos_code(int field, uint32_t pos)
{
	static const uint32_t base[3] = {1u << 29, (1u << 29) | (1u << 28), 0}; /* title, path, body */
	return base[field] | (pos > IX_POS_MAX ? IX_POS_MAX : pos);
}

static inline int ix_code_field(uint32_t code)
{
	return code < (1u << 29) ? DFT_IX_BODY : code < ((1u << 29) | (1u << 28)) ? DFT_IX_TITLE : DFT_IX_PATH;
}
#define IX_NORM_CHUNK 65536 /* documents a row of ix_norms */
#define IX_DOC_END UINT32_MAX

static inline size_t ix_put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;
	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* Read a varint at *p (not past end); 0 and *p = end on a bad one. */
static inline uint64_t ix_get_varint(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;
	int shift = 0;
	while (*p < end && shift < 64) {
		uint8_t b = *(*p)++;
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
		shift += 7;
	}
	*p = end;
	return 0;
}

/* Consume a post blob's format bytes: 2, 1 for a blob written before
 * them, 0 for one this code cannot read. */
static inline int ix_post_format(const uint8_t **p, const uint8_t *end)
{
	if (*p < end && **p == 0) {
		if (end - *p < 2 || (*p)[1] != 2)
			return 0;
		*p += 2;
		return 2;
	}
	return 1;
}

/* Read the head of a document's positions: the count; *first gets the one
 * position a format 2 head carries with it (*have_first 1), which then
 * has no delta of its own. */
static inline uint32_t ix_get_pos_head(const uint8_t **p, const uint8_t *end, int format, uint32_t *first,
				       int *have_first)
{
	uint64_t v = ix_get_varint(p, end);
	*have_first = 0;
	if (format == 1)
		return (uint32_t)v;
	if (v & 1) {
		*first = (uint32_t)(v >> 1);
		*have_first = 1;
		return 1;
	}
	return (uint32_t)(v >> 1);
}

#define IX_TF_ONCE 4 /* the tf code of one occurrence, in the body */

/* Write one posting in format 2 (at most 15 bytes); returns the length. */
static inline size_t ix_put_posting(uint8_t *p, uint32_t delta, uint32_t tf)
{
	size_t n = ix_put_varint(p, (uint64_t)delta << 1 | (tf == IX_TF_ONCE));
	return tf == IX_TF_ONCE ? n : n + ix_put_varint(p + n, tf);
}

/* Write the head of a document's positions in format 2 (at most 10
 * bytes): its one position when it has one, else its count (the deltas
 * follow); returns the length. */
static inline size_t ix_put_pos_head(uint8_t *p, uint32_t count, uint32_t first)
{
	return ix_put_varint(p, count == 1 ? (uint64_t)first << 1 | 1 : (uint64_t)count << 1);
}

/* Read one posting: its doc delta and tf code (0 and *p = end when bad). */
static inline void ix_get_posting(const uint8_t **p, const uint8_t *end, int format, uint32_t *delta,
				  uint32_t *tf)
{
	uint64_t v = ix_get_varint(p, end);
	if (format == 2) {
		*delta = (uint32_t)(v >> 1);
		*tf = (v & 1) ? IX_TF_ONCE : (uint32_t)ix_get_varint(p, end);
	} else {
		*delta = (uint32_t)v;
		*tf = (uint32_t)ix_get_varint(p, end);
	}
}

/* Document lengths in one byte: exact below 32, then 16 steps a doubling
 * (3% apart) up to 2^19 words; longer documents count as that long. */
static inline uint8_t ix_norm_encode(uint32_t len)
{
	int e, m, v;
	if (len < 32)
		return (uint8_t)len;
	e = 31 - __builtin_clz(len);
	m = (int)((len >> (e - 4)) & 15);
	v = 32 + (e - 5) * 16 + m;
	return (uint8_t)(v > 255 ? 255 : v);
}

static inline uint32_t ix_norm_decode(uint8_t v)
{
	int e, m;
	if (v < 32)
		return v;
	e = (v - 32) / 16 + 5;
	m = (v - 32) % 16;
	return (uint32_t)((uint64_t)(16 + m) << (e - 4));
}

typedef struct ix_block_header {
	uint32_t last_doc;
	uint32_t data_bytes;
	uint32_t max_tf;
	uint8_t flags;
	uint8_t min_norm;
	uint32_t pos_offset;
} ix_block_header;

/* Parse the headers of a post blob: returns a pointer to the first
 * block's data, NULL when the blob is malformed. */
static inline const uint8_t *ix_parse_headers(const uint8_t *p, const uint8_t *end, uint32_t *df,
					      uint32_t *nblocks, ix_block_header *h, uint32_t hmax)
/* h may be NULL: the headers are then only skipped */
{
	uint32_t i;
	*df = (uint32_t)ix_get_varint(&p, end);
	*nblocks = (uint32_t)ix_get_varint(&p, end);
	if (*nblocks > hmax || p >= end)
		return NULL;
	for (i = 0; i < *nblocks; i++) {
		ix_block_header x;
		x.last_doc = (uint32_t)ix_get_varint(&p, end);
		x.data_bytes = (uint32_t)ix_get_varint(&p, end);
		x.max_tf = (uint32_t)ix_get_varint(&p, end);
		if (end - p < 2)
			return NULL;
		x.flags = p[0];
		x.min_norm = p[1];
		p += 2;
		x.pos_offset = (uint32_t)ix_get_varint(&p, end);
		if (h)
			h[i] = x;
	}
	return p;
}

/* Norms of every document, loaded from ix_norms. */
int ix_load_norms(struct sqlite3 *db, uint8_t **norms, uint32_t *ndocs_cap);

#endif
