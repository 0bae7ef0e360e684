/*
 * json.c - the one JSON writer. Every `--json` output and every custody log
 * entry is written with it, so escaping is done in exactly one place.
 */
#include "daftar/core.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void dft_json_init(dft_json *j, dft_buf *out)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
}

static void put(dft_json *j, const char *s, size_t n)
{
	int rc;
	if (j->err)
		return;
	if ((rc = dft_buf_add(j->out, s, n)) < 0)
		j->err = rc;
}

/* Before any value: a comma when it is not the first in its container. */
static void before_value(dft_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0 && j->need_comma[j->depth - 1])
		put(j, ",", 1);
	if (j->depth > 0)
		j->need_comma[j->depth - 1] = 1;
}

static void open_container(dft_json *j, char c)
{
	before_value(j);
	put(j, &c, 1);
	if (j->depth >= DFT_JSON_MAX_DEPTH) {
		j->err = DFT_EINVAL;
		return;
	}
	j->need_comma[j->depth++] = 0;
}

static void close_container(dft_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	put(j, &c, 1);
}

void dft_json_obj_open(dft_json *j) { open_container(j, '{'); }
void dft_json_obj_close(dft_json *j) { close_container(j, '}'); }
void dft_json_arr_open(dft_json *j) { open_container(j, '['); }
void dft_json_arr_close(dft_json *j) { close_container(j, ']'); }

int dft_json_escape(dft_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	int rc = 0;
	while (p < end && rc == 0) {
		const unsigned char *run = p;
		while (p < end && *p >= 0x20 && *p != '"' && *p != '\\' && *p < 0x80)
			p++;
		if (p > run && (rc = dft_buf_add(b, run, (size_t)(p - run))) < 0)
			break;
		if (p >= end)
			break;
		if (*p >= 0x80) {
			/* copy one valid UTF-8 sequence, or U+FFFD for a bad byte */
			size_t len = 0;
			if (*p >= 0xC2 && *p <= 0xDF)
				len = 2;
			else if (*p >= 0xE0 && *p <= 0xEF)
				len = 3;
			else if (*p >= 0xF0 && *p <= 0xF4)
				len = 4;
			if (len && (size_t)(end - p) >= len && dft_utf8_valid((const char *)p, len)) {
				rc = dft_buf_add(b, p, len);
				p += len;
			} else {
				rc = dft_buf_add(b, "\xEF\xBF\xBD", 3);
				p++;
			}
			continue;
		}
		switch (*p) {
		case '"': rc = dft_buf_add(b, "\\\"", 2); break;
		case '\\': rc = dft_buf_add(b, "\\\\", 2); break;
		case '\n': rc = dft_buf_add(b, "\\n", 2); break;
		case '\r': rc = dft_buf_add(b, "\\r", 2); break;
		case '\t': rc = dft_buf_add(b, "\\t", 2); break;
		default: {
			char u[6] = {'\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15]};
			rc = dft_buf_add(b, u, 6);
		}
		}
		p++;
	}
	return rc;
}

void dft_json_key(dft_json *j, const char *key)
{
	before_value(j);
	put(j, "\"", 1);
	if (!j->err && dft_json_escape(j->out, key, strlen(key)) < 0)
		j->err = DFT_ELIMIT;
	put(j, "\":", 2);
	j->after_key = 1;
}

void dft_json_strn(dft_json *j, const char *s, size_t n)
{
	if (!s) {
		dft_json_null(j);
		return;
	}
	before_value(j);
	put(j, "\"", 1);
	if (!j->err && dft_json_escape(j->out, s, n) < 0)
		j->err = DFT_ELIMIT;
	put(j, "\"", 1);
}

void dft_json_str(dft_json *j, const char *s) { dft_json_strn(j, s, s ? strlen(s) : 0); }

void dft_json_int(dft_json *j, int64_t v)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%lld", (long long)v);
	before_value(j);
	put(j, tmp, (size_t)n);
}

void dft_json_double(dft_json *j, double v)
{
	char tmp[64];
	int n;
	if (!isfinite(v)) {
		dft_json_null(j);
		return;
	}
	n = snprintf(tmp, sizeof(tmp), "%.6g", v);
	before_value(j);
	put(j, tmp, (size_t)n);
}

void dft_json_bool(dft_json *j, int v)
{
	before_value(j);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

void dft_json_null(dft_json *j)
{
	before_value(j);
	put(j, "null", 4);
}

int dft_json_finish(dft_json *j)
{
	if (j->err)
		return dft_error_set(j->err, "JSON output too large or too deep");
	return 0;
}
