/*
 * buf.c - the one growing byte buffer (dft_buf), bounded by a maximum size
 * given at init, always NUL-terminated. Modelled on curl's dynbuf.
 */
#include "daftar/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dft_buf_init(dft_buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max ? max : DFT_BUF_MAX_DEFAULT;
}

void dft_buf_dispose(dft_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void dft_buf_reset(dft_buf *b)
{
	b->len = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

static int buf_grow(dft_buf *b, size_t need)
{
	size_t cap;
	char *p;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return dft_error_set(DFT_ENOMEM, "buffer size overflow");
		cap *= 2;
	}
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->ptr, cap);
	if (!p) {
		dft_buf_dispose(b);
		return dft_error_set(DFT_ENOMEM, "out of memory growing a buffer to %zu bytes", cap);
	}
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int dft_buf_add(dft_buf *b, const void *data, size_t len)
{
	int rc;
	if (len > b->max || b->len > b->max - len) {
		size_t max = b->max;
		dft_buf_dispose(b);
		return dft_error_set(DFT_ELIMIT, "buffer limit of %zu bytes reached", max);
	}
	if ((rc = buf_grow(b, b->len + len + 1)) < 0)
		return rc;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int dft_buf_adds(dft_buf *b, const char *s) { return dft_buf_add(b, s, strlen(s)); }
int dft_buf_addc(dft_buf *b, char c) { return dft_buf_add(b, &c, 1); }

int dft_buf_vaddf(dft_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n, rc;
	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return dft_error_set(DFT_EINVAL, "bad format string");
	if ((size_t)n < sizeof(small))
		return dft_buf_add(b, small, (size_t)n);
	if ((size_t)n > b->max || b->len > b->max - (size_t)n) {
		size_t max = b->max;
		dft_buf_dispose(b);
		return dft_error_set(DFT_ELIMIT, "buffer limit of %zu bytes reached", max);
	}
	if ((rc = buf_grow(b, b->len + (size_t)n + 1)) < 0)
		return rc;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int dft_buf_addf(dft_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;
	va_start(ap, fmt);
	rc = dft_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *dft_buf_cstr(const dft_buf *b) { return b->ptr ? b->ptr : ""; }

char *dft_buf_detach(dft_buf *b)
{
	char *p = b->ptr;
	if (!p)
		p = calloc(1, 1);
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}
