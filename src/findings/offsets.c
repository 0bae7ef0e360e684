/*
 * offsets.c - where a citation is: pages and code points (what a user
 * counts) to bytes of the stored text (what the store keeps) and back.
 * Pages are separated by "\f"; a code point is a UTF-8 lead byte (the
 * stored texts are valid UTF-8, NFC): continuation bytes (10xxxxxx) are
 * never counted, so an offset never falls inside a character.
 */
#include "daftar/findings.h"

#include <stdlib.h>
#include <string.h>

static int is_cont(unsigned char c)
{
	return (c & 0xC0) == 0x80;
}

/* Bytes [ps, pe) of page `page` (from 1); DFT_EINVAL when none. */
static int page_span(const char *text, size_t len, int64_t page, size_t *ps, size_t *pe)
{
	size_t i = 0;
	int64_t p = 1;
	if (page < 1)
		return dft_error_set(DFT_EINVAL, "pages count from 1, not %lld", (long long)page);
	while (p < page) {
		const char *ff = memchr(text + i, '\f', len - i);
		if (!ff)
			return dft_error_set(DFT_EINVAL, "the text has %lld page%s, not %lld", (long long)p,
					     p == 1 ? "" : "s", (long long)page);
		i = (size_t)(ff - text) + 1;
		p++;
	}
	*ps = i;
	{
		const char *ff = memchr(text + i, '\f', len - i);
		*pe = ff ? (size_t)(ff - text) : len;
	}
	return 0;
}

int dft_cite_locate(const char *text, size_t len, int64_t page, int64_t start, int64_t end, size_t *bstart,
		    size_t *bend)
{
	size_t ps = 0, pe = 0, i;
	int64_t cp = 0;
	int rc;
	if (start < 0 || end <= start)
		return dft_error_set(DFT_EINVAL, "a citation needs START < END (got %lld-%lld)", (long long)start,
				     (long long)end);
	if ((rc = page_span(text, len, page, &ps, &pe)) < 0)
		return rc;
	*bstart = *bend = SIZE_MAX;
	for (i = ps; i <= pe; i++) {
		if (i < pe && is_cont((unsigned char)text[i]))
			continue;
		if (cp == start)
			*bstart = i;
		if (cp == end) {
			*bend = i;
			break;
		}
		cp++;
	}
	if (*bstart == SIZE_MAX || *bend == SIZE_MAX)
		return dft_error_set(DFT_EINVAL, "page %lld has %lld characters; %lld-%lld runs past its end",
				     (long long)page, (long long)(cp > 0 ? cp - 1 : 0), (long long)start,
				     (long long)end);
	return 0;
}

int dft_cite_position(const char *text, size_t len, size_t byte, int64_t *page, int64_t *cp)
{
	size_t i, ps = 0;
	int64_t p = 1, n = 0;
	if (byte > len)
		return dft_error_set(DFT_EINVAL, "offset %zu is past the text's end (%zu bytes)", byte, len);
	for (i = 0; i < byte; i++)
		if (text[i] == '\f') {
			p++;
			ps = i + 1;
		}
	for (i = ps; i < byte; i++)
		if (!is_cont((unsigned char)text[i]))
			n++;
	*page = p;
	*cp = n;
	return 0;
}

int dft_cite_find(const char *text, size_t len, const char *quote, size_t qlen, int64_t *page, int64_t *start,
		  int64_t *end)
{
	const char *hit;
	size_t b;
	int64_t p2, c2;
	int rc;
	if (!qlen || memchr(quote, '\f', qlen))
		return dft_error_set(DFT_ENOTFOUND, "a quotation must be non-empty and within one page");
	hit = memmem(text, len, quote, qlen);
	if (!hit)
		return dft_error_set(DFT_ENOTFOUND, "the quotation is not in the text");
	b = (size_t)(hit - text);
	if ((rc = dft_cite_position(text, len, b, page, start)) < 0 ||
	    (rc = dft_cite_position(text, len, b + qlen, &p2, &c2)) < 0)
		return rc;
	*end = c2;
	return 0;
}

static int parse_i64(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;
	size_t i;
	if (!n || n > 15)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int dft_cite_parse(const char *spec, char **doc, int64_t *page, int64_t *start, int64_t *end)
{
	const char *c2 = strrchr(spec, ':'), *c1, *dash;
	*doc = NULL;
	if (!c2 || c2 == spec)
		goto bad;
	for (c1 = c2 - 1; c1 > spec && *c1 != ':'; c1--)
		;
	if (c1 == spec)
		goto bad;
	dash = strchr(c2 + 1, '-');
	if (!dash || parse_i64(c1 + 1, (size_t)(c2 - c1 - 1), page) < 0 ||
	    parse_i64(c2 + 1, (size_t)(dash - c2 - 1), start) < 0 || parse_i64(dash + 1, strlen(dash + 1), end) < 0)
		goto bad;
	if (!(*doc = dft_malloc((size_t)(c1 - spec) + 1)))
		return DFT_ENOMEM;
	memcpy(*doc, spec, (size_t)(c1 - spec));
	(*doc)[c1 - spec] = '\0';
	return 0;
bad:
	return dft_error_set(DFT_EUSAGE, "--cite takes DOC:PAGE:START-END (characters within the page), not '%s'",
			     spec);
}
