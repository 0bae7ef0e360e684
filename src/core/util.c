/*
 * util.c - small things every stage needs: clocks, logging to stderr,
 * UTF-8 validation and repair, the display width of UTF-8 text (ICU's
 * character properties), allocation that records DFT_ENOMEM.
 */
#include "daftar/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include <unicode/uchar.h>

int dft_log_verbose;

double dft_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void dft_utc_iso(char out[32])
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void dft_log(const char *fmt, ...)
{
	va_list ap;
	if (!dft_log_verbose)
		return;
	va_start(ap, fmt);
	flockfile(stderr); /* one line, whatever other threads write */
	fputs("daftar: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}

void dft_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	flockfile(stderr); /* one line, whatever other threads write */
	fputs("daftar: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	funlockfile(stderr);
	va_end(ap);
}

/* Length of the valid UTF-8 sequence at p (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xC2 && p[0] <= 0xDF)
		return (n >= 2 && (p[1] & 0xC0) == 0x80) ? 2 : 0;
	if (p[0] >= 0xE0 && p[0] <= 0xEF) {
		if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
			return 0;
		if (p[0] == 0xE0 && p[1] < 0xA0)
			return 0; /* overlong */
		if (p[0] == 0xED && p[1] >= 0xA0)
			return 0; /* surrogate */
		return 3;
	}
	if (p[0] >= 0xF0 && p[0] <= 0xF4) {
		if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
			return 0;
		if (p[0] == 0xF0 && p[1] < 0x90)
			return 0;
		if (p[0] == 0xF4 && p[1] >= 0x90)
			return 0;
		return 4;
	}
	return 0;
}

int dft_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	while (n) {
		size_t k = utf8_seq(p, n);
		if (!k)
			return 0;
		p += k;
		n -= k;
	}
	return 1;
}

int dft_utf8_sanitize(dft_buf *b, const char *s, size_t n, size_t *replaced)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;
	size_t bad = 0;
	int rc = 0;
	while (n) {
		size_t k = utf8_seq(p, n);
		if (k) {
			p += k;
			n -= k;
			continue;
		}
		if ((rc = dft_buf_add(b, run, (size_t)(p - run))) < 0 ||
		    (rc = dft_buf_add(b, "\xEF\xBF\xBD", 3)) < 0)
			return rc;
		bad++;
		p++;
		n--;
		run = p;
	}
	rc = dft_buf_add(b, run, (size_t)(p - run));
	if (replaced)
		*replaced = bad;
	return rc;
}

void *dft_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		dft_error_set(DFT_ENOMEM, "out of memory (%zu bytes)", n);
	return p;
}

void *dft_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		dft_error_set(DFT_ENOMEM, "out of memory (%zu x %zu bytes)", n, size);
	return p;
}

uint32_t dft_utf8_next(const char *s, size_t n, size_t *i)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t k = *i;
	uint32_t c = u[k];
	int extra;
	*i = k + 1;
	if (c < 0x80)
		return c;
	extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
	if (extra < 0 || k + (size_t)extra >= n)
		return 0xFFFD;
	c &= 0x3Fu >> extra;
	for (int j = 1; j <= extra; j++) {
		if ((u[k + (size_t)j] & 0xC0) != 0x80)
			return 0xFFFD;
		c = (c << 6) | (u[k + (size_t)j] & 0x3F);
	}
	*i = k + 1 + (size_t)extra;
	return c;
}

void dft_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void dft_sort_r(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *, void *), void *ctx)
{
	if (n > 1)
		qsort_r(base, n, size, cmp, ctx);
}

void *dft_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		dft_error_set(DFT_ENOMEM, "out of memory (%zu bytes)", n);
	return q;
}

char *dft_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = dft_malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

int dft_hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

void dft_hostname(char *out, size_t n)
{
	if (n == 0)
		return;
	out[0] = '\0';
	if (gethostname(out, n - 1) < 0 || !out[0])
		snprintf(out, n, "host");
	out[n - 1] = '\0';
}

int dft_char_width(uint32_t c)
{
	int cat, hst, eaw;
	if (c == 0 || c > 0x10FFFF)
		return c ? 1 : 0;
	cat = u_charType((UChar32)c);
	if (cat == U_NON_SPACING_MARK || cat == U_ENCLOSING_MARK || cat == U_FORMAT_CHAR || cat == U_CONTROL_CHAR)
		return 0;
	hst = u_getIntPropertyValue((UChar32)c, UCHAR_HANGUL_SYLLABLE_TYPE);
	if (hst == U_HST_VOWEL_JAMO || hst == U_HST_TRAILING_JAMO)
		return 0;
	eaw = u_getIntPropertyValue((UChar32)c, UCHAR_EAST_ASIAN_WIDTH);
	return eaw == U_EA_WIDE || eaw == U_EA_FULLWIDTH ? 2 : 1;
}

size_t dft_utf8_width(const char *s, size_t n)
{
	size_t i = 0, w = 0;
	while (i < n)
		w += (size_t)dft_char_width(dft_utf8_next(s, n, &i));
	return w;
}

size_t dft_utf8_fit(const char *s, size_t n, size_t max, size_t *cols)
{
	size_t i = 0, w = 0;
	while (i < n) {
		size_t next = i;
		int cw = dft_char_width(dft_utf8_next(s, n, &next));
		if (w + (size_t)cw > max)
			break;
		w += (size_t)cw;
		i = next;
	}
	if (cols)
		*cols = w;
	return i;
}
