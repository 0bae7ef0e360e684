/*
 * fuzz_http.c - the harness for the server's handling of untrusted request
 * data (src/server, docs/API.md), as fuzz_text.c is for untrusted text:
 * the URL as libmicrohttpd hands it over (percent-decoded with its own
 * MHD_http_unescape) through the static-path check, the Host check, the
 * query string's values through the id and count parsers, request bodies
 * through the strict JSON parser and the fields of login, tag, note, merge
 * and split, the CSRF comparison, and the Content-Disposition built from a
 * hostile document path. Each has an invariant checked with abort().
 *
 * libmicrohttpd itself (request line, headers, cookies, chunked bodies) is
 * exercised end to end by tests/e2e/test_serve_hostile.sh, not here.
 *
 * Built with -fsanitize=fuzzer (make fuzz) it is a libFuzzer target: the
 * first byte picks the parser, the rest is its input. Built without it (the
 * default), main() replays files and folders given as arguments through
 * every parser (ctest fuzz/replay_http, `make asan`).
 */
#include "server_internal.h"
#include "daftar/entities.h"

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum { P_PATH, P_HOST, P_QUERY, P_BODY, P_CSRF, P_DISPOSITION, P_COUNT };
static const char *const parser_names[P_COUNT] = {"path", "host", "query", "body", "csrf", "disposition"};

/* a NUL-terminated copy (what MHD hands over is a C string: it stops at
 * the first NUL) */
static char *cstr(const char *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		return NULL;
	memcpy(s, data, size);
	s[size] = 0;
	return s;
}

/* A path the check lets through never climbs out of web/. */
static void check_path(const char *rel)
{
	const char *p;
	if (!srv_static_path_ok(rel))
		return;
	if (rel[0] == '/' || rel[0] == '.' || strstr(rel, "..") || strchr(rel, '\\'))
		abort();
	for (p = rel; (p = strchr(p, '/')) != NULL; p++)
		if (p[1] == '.' || p[1] == '/')
			abort();
}

static void run_path(const char *data, size_t size)
{
	char *url = cstr(data, size), *q;
	if (!url)
		return;
	if ((q = strchr(url, '?')) != NULL)
		*q = 0; /* MHD splits the query off before decoding the path */
	MHD_http_unescape(url);
	check_path(url);
	if (!strncmp(url, "/static/", 8))
		check_path(url + 8);
	free(url);
}

static void run_query(const char *data, size_t size)
{
	char *s = cstr(data, size), *save = NULL, *kv;
	if (!s)
		return;
	/* as MHD splits a query string: & between pairs, the first = in each */
	for (kv = strtok_r(s, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
		char *v = strchr(kv, '=');
		int64_t x;
		if (v)
			*v++ = 0;
		MHD_http_unescape(kv);
		if (v)
			MHD_http_unescape(v);
		x = srv_parse_id(v ? v : kv, strlen(v ? v : kv));
		if (x < 0)
			abort();
		x = srv_parse_count(v, 20, 200);
		if (x != -2 && (x < 0 || x > 200))
			abort();
		(void)dft_entity_type_parse(v ? v : kv);
	}
	free(s);
}

static void run_body(const char *data, size_t size)
{
	static const char *const keys[] = {"user", "password", "tag", "text", "type", "value", "target"};
	json_object *o = srv_body_parse(data, size);
	size_t i;
	if (!o)
		return;
	if (!json_object_is_type(o, json_type_object))
		abort();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = srv_body_str(o, keys[i]);
		if (v && !strcmp(keys[i], "type"))
			(void)dft_entity_type_parse(v);
		if (v && !strcmp(keys[i], "tag") && strlen(v) > (size_t)1 << 20)
			abort(); /* a body is 1 MiB at most: so is a string in it */
	}
	json_object_put(o);
}

static void run_csrf(const char *data, size_t size)
{
	dft_session s;
	char *h = cstr(data, size);
	if (!h)
		return;
	memset(&s, 0, sizeof(s));
	memset(s.csrf, 'a', DFT_SESSION_TOKEN_HEX - 1);
	if (dft_csrf_ok(&s, h) && strcmp(h, s.csrf) != 0)
		abort();
	memset(&s, 0, sizeof(s)); /* a session without a token accepts nothing */
	if (dft_csrf_ok(&s, h))
		abort();
	free(h);
}

static void run_disposition(const char *data, size_t size)
{
	char *path = cstr(data, size);
	dft_buf b;
	size_t i, quotes = 0;
	if (!path)
		return;
	dft_buf_init(&b, (size_t)64 << 20);
	srv_disposition(&b, path);
	/* a header value: printable ASCII, two quotes exactly */
	for (i = 0; i < b.len; i++) {
		unsigned char c = (unsigned char)b.ptr[i];
		if (c < 0x20 || c > 0x7e)
			abort();
		quotes += c == '"';
	}
	if (b.len && quotes != 2)
		abort();
	dft_buf_dispose(&b);
	free(path);
	dft_error_clear();
}

static void run_one(int which, const char *data, size_t size)
{
	switch (which) {
	case P_PATH:
		run_path(data, size);
		break;
	case P_HOST: {
		char *h = cstr(data, size);
		if (h) {
			(void)srv_host_ok(h);
			free(h);
		}
		break;
	}
	case P_QUERY:
		run_query(data, size);
		break;
	case P_BODY:
		run_body(data, size);
		break;
	case P_CSRF:
		run_csrf(data, size);
		break;
	case P_DISPOSITION:
		run_disposition(data, size);
		break;
	default:
		break;
	}
	dft_error_clear();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	if (size < 1 || size > ((size_t)1 << 20) + 1)
		return 0;
	run_one(data[0] % P_COUNT, (const char *)data + 1, size - 1);
	return 0;
}

#ifndef DAFTAR_LIBFUZZER
#include "replay.h"

/* One file through every parser. */
static void replay_whole(const unsigned char *data, size_t size)
{
	for (int p = 0; p < P_COUNT; p++)
		run_one(p, (const char *)data, size);
}

int main(int argc, char **argv)
{
	(void)parser_names;
	/* a request body is 1 MiB at most */
	return fuzz_replay_main(argc, argv, "fuzz_http", replay_whole, (size_t)1 << 20);
}
#endif
