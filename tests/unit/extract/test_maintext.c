/*
 * test_maintext.c - the main text of HTML pages (dft_main_text), measured
 * on Scrapinghub's article extraction benchmark
 * ($DAFTAR_SHARED/corpora/article-extraction-benchmark: html/<id>.html.gz
 * and ground-truth.json with each page's articleBody) and scored as the
 * benchmark's evaluate.py does: 4-token shingles of \w+ tokens, per page
 * tp/fp/fn normalised, precision and recall averaged over pages, F1 of the
 * two. A bag of lower-case tokens is printed too. Also: a page written here
 * with the usual boilerplate, hostile nesting, and the "main_text" meta key
 * of the HTML extractor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "daftar/extract.h"
#include "../helpers.h"
#include "../../../src/extract/maintext.h"

/* mean F1 (shingles) below which the benchmark fails */
#define MAINTEXT_F1_MIN 0.94 /* measured 0.952 */

/* ---- reading the corpus --------------------------------------------------- */

static char *gunzip(const char *path, size_t *len)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	dft_buf b;
	char chunk[65536];
	la_ssize_t n;
	dft_buf_init(&b, (size_t)64 << 20);
	archive_read_support_filter_gzip(a);
	archive_read_support_format_raw(a);
	if (archive_read_open_filename(a, path, 65536) != ARCHIVE_OK ||
	    archive_read_next_header(a, &e) != ARCHIVE_OK) {
		archive_read_free(a);
		return NULL;
	}
	while ((n = archive_read_data(a, chunk, sizeof(chunk))) > 0)
		assert_int_equal(dft_buf_add(&b, chunk, (size_t)n), 0);
	archive_read_free(a);
	*len = b.len;
	return dft_buf_detach(&b);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	*len = fread(buf, 1, (size_t)n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

static void put_utf8(dft_buf *b, unsigned cp)
{
	char u[4];
	int k = 0;
	U8_APPEND_UNSAFE(u, k, cp);
	dft_buf_add(b, u, (size_t)k);
}

/* The articleBody of page id in the ground truth, unescaped. */
static int truth_of(const char *json, const char *id, dft_buf *out)
{
	char key[160];
	const char *p, *end;
	snprintf(key, sizeof(key), "\"%s\"", id);
	if (!(p = strstr(json, key)))
		return -1;
	end = strchr(p, '}');
	if (!(p = strstr(p, "\"articleBody\"")) || (end && p > end))
		return -1;
	p = strchr(p + 13, '"') + 1;
	while (*p && *p != '"') {
		if (*p == '\\') {
			p++;
			if (*p == 'n')
				dft_buf_addc(out, '\n');
			else if (*p == 't' || *p == 'r')
				dft_buf_addc(out, ' ');
			else if (*p == 'u') {
				unsigned cp = (unsigned)strtoul((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
				p += 4;
				if (cp >= 0xD800 && cp <= 0xDBFF && p[1] == '\\' && p[2] == 'u') {
					unsigned lo = (unsigned)strtoul((char[5]){p[3], p[4], p[5], p[6], 0}, NULL, 16);
					cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
					p += 6;
				}
				put_utf8(out, cp);
			} else
				dft_buf_addc(out, *p);
			p++;
		} else {
			dft_buf_addc(out, *p++);
		}
	}
	return 0;
}

/* ---- scoring as evaluate.py ------------------------------------------------ */

typedef struct toks {
	char **v;
	size_t n;
} toks;

/* \w+ runs of s (letters, digits, underscore), optionally lower-cased. */
static void tokenize(toks *t, const char *s, int lower)
{
	int32_t i = 0, len = (int32_t)strlen(s), start = -1;
	dft_buf w;
	dft_buf_init(&w, 0);
	t->v = NULL;
	t->n = 0;
	for (;;) {
		UChar32 c = 0;
		int32_t at = i;
		int word = 0;
		if (i < len) {
			U8_NEXT(s, i, len, c);
			word = c == '_' || u_isalnum(c) || u_hasBinaryProperty(c, UCHAR_ALPHABETIC);
		}
		if (word) {
			if (start < 0)
				start = at;
			put_utf8(&w, (unsigned)(lower ? u_tolower(c) : c));
		} else if (start >= 0) {
			t->v = realloc(t->v, (t->n + 1) * sizeof(*t->v));
			assert_non_null(t->v);
			t->v[t->n++] = strdup(dft_buf_cstr(&w));
			dft_buf_reset(&w);
			start = -1;
		}
		if (at >= len)
			break;
	}
	dft_buf_dispose(&w);
}

static void toks_free(toks *t)
{
	size_t i;
	for (i = 0; i < t->n; i++)
		free(t->v[i]);
	free(t->v);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The n-token shingles (joined by \x1f) of t, sorted: as evaluate.py, a
 * text of fewer than n tokens has one shorter shingle, none if empty. */
static char **shingles(const toks *t, size_t n, size_t *count)
{
	size_t i, j, k = t->n >= n ? t->n - n + 1 : (t->n ? 1 : 0);
	char **v = calloc(k ? k : 1, sizeof(*v));
	assert_non_null(v);
	for (i = 0; i < k; i++) {
		dft_buf b;
		dft_buf_init(&b, 0);
		for (j = i; j < i + n && j < t->n; j++) {
			if (j > i)
				dft_buf_addc(&b, '\x1f');
			dft_buf_adds(&b, t->v[j]);
		}
		v[i] = dft_buf_detach(&b);
		if (!v[i])
			v[i] = strdup("");
	}
	qsort(v, k, sizeof(*v), cmp_str);
	*count = k;
	return v;
}

typedef struct prf {
	double p_sum, r_sum;
	size_t p_n, r_n;
} prf;

/* tp/fp/fn of two sorted multisets, normalised, into the running means. */
static void match(prf *m, char **a, size_t na, char **b, size_t nb, double *f1_out)
{
	size_t i = 0, j = 0;
	double tp = 0, fp = 0, fn = 0, s, p, r;
	while (i < na || j < nb) {
		int c = i >= na ? 1 : j >= nb ? -1 : strcmp(a[i], b[j]);
		if (c == 0) {
			tp++;
			i++;
			j++;
		} else if (c < 0) {
			fn++; /* a is the truth */
			i++;
		} else {
			fp++;
			j++;
		}
	}
	s = tp + fp + fn;
	if (s > 0) {
		tp /= s;
		fp /= s;
		fn /= s;
	}
	p = (fp == 0 && fn == 0) ? 1 : (tp == 0 && fp == 0) ? 0 : tp / (tp + fp);
	r = (fp == 0 && fn == 0) ? 1 : (tp == 0 && fn == 0) ? 0 : tp / (tp + fn);
	if (tp + fp > 0) {
		m->p_sum += p;
		m->p_n++;
	}
	if (tp + fn > 0) {
		m->r_sum += r;
		m->r_n++;
	}
	if (f1_out)
		*f1_out = p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static double f1_of(const prf *m, double *p, double *r)
{
	*p = m->p_n ? m->p_sum / (double)m->p_n : 0;
	*r = m->r_n ? m->r_sum / (double)m->r_n : 0;
	return *p + *r > 0 ? 2 * *p * *r / (*p + *r) : 0;
}

static void score_page(prf *sh, prf *bag, const char *truth, const char *pred, double *f1)
{
	toks tt, pt;
	char **a, **b;
	size_t na, nb, i;
	tokenize(&tt, truth, 0);
	tokenize(&pt, pred, 0);
	a = shingles(&tt, 4, &na);
	b = shingles(&pt, 4, &nb);
	match(sh, a, na, b, nb, f1);
	for (i = 0; i < na; i++)
		free(a[i]);
	for (i = 0; i < nb; i++)
		free(b[i]);
	free(a);
	free(b);
	toks_free(&tt);
	toks_free(&pt);
	tokenize(&tt, truth, 1);
	tokenize(&pt, pred, 1);
	if (tt.n)
		qsort(tt.v, tt.n, sizeof(*tt.v), cmp_str);
	if (pt.n)
		qsort(pt.v, pt.n, sizeof(*pt.v), cmp_str);
	match(bag, tt.v, tt.n, pt.v, pt.n, NULL);
	toks_free(&tt);
	toks_free(&pt);
}

/* ---- the benchmark -------------------------------------------------------- */

static void test_benchmark(void **state)
{
	const char *verbose = getenv("DAFTAR_MAINTEXT_VERBOSE");
	char dir[1024], path[1400];
	DIR *d;
	struct dirent *de;
	size_t jlen, pages = 0;
	char *json;
	prf sh = {0}, bag = {0}, sh_all = {0}, bag_all = {0};
	double p, r, f1, pb, rb, f1b;
	(void)state;
	TEST_NEEDS_CORPUS(dir, "article-extraction-benchmark");
	snprintf(path, sizeof(path), "%s/ground-truth.json", dir);
	if (!(json = slurp(path, &jlen)))
		fail_msg("cannot read %s", path);
	snprintf(path, sizeof(path), "%s/html", dir);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		char id[128];
		size_t hlen, n = strlen(de->d_name);
		char *html;
		dft_buf truth, pred, all;
		double page_f1;
		if (n < 9 || strcmp(de->d_name + n - 8, ".html.gz") != 0 || n - 8 >= sizeof(id))
			continue;
		memcpy(id, de->d_name, n - 8);
		id[n - 8] = '\0';
		snprintf(path, sizeof(path), "%s/html/%s", dir, de->d_name);
		html = gunzip(path, &hlen);
		assert_non_null(html);
		dft_buf_init(&truth, 0);
		dft_buf_init(&pred, 0);
		dft_buf_init(&all, 0);
		assert_int_equal(truth_of(json, id, &truth), 0);
		assert_int_equal(dft_main_text(html, hlen, &pred), 0);
		score_page(&sh, &bag, dft_buf_cstr(&truth), dft_buf_cstr(&pred), &page_f1);
		/* the baseline: the page's whole visible text */
		{
			dft_sink_mem m;
			dft_input in;
			dft_limits lim;
			dft_limits_default(&lim);
			dft_sink_mem_init(&m, 0);
			memset(&in, 0, sizeof(in));
			in.fd = -1;
			in.data = (const unsigned char *)html;
			in.size = hlen;
			in.mime = "text/html";
			in.name = de->d_name;
			in.limits = &lim;
			assert_int_equal(dft_extract_html(&m.sink, &in), 0);
			score_page(&sh_all, &bag_all, dft_buf_cstr(&truth), dft_buf_cstr(&m.text), NULL);
			dft_sink_mem_dispose(&m);
		}
		if (verbose)
			printf("  %.3f %s %zu/%zu bytes\n", page_f1, id, pred.len, truth.len);
		pages++;
		free(html);
		dft_buf_dispose(&truth);
		dft_buf_dispose(&pred);
		dft_buf_dispose(&all);
	}
	closedir(d);
	free(json);
	f1 = f1_of(&sh, &p, &r);
	f1b = f1_of(&bag, &pb, &rb);
	printf("  %zu pages, main text:  shingles P %.3f R %.3f F1 %.3f | tokens P %.3f R %.3f F1 %.3f\n",
	       pages, p, r, f1, pb, rb, f1b);
	{
		double p0, r0, p1, r1, f0, fb0;
		f0 = f1_of(&sh_all, &p0, &r0);
		fb0 = f1_of(&bag_all, &p1, &r1);
		printf("  %zu pages, whole text: shingles P %.3f R %.3f F1 %.3f | tokens P %.3f R %.3f F1 %.3f\n",
		       pages, p0, r0, f0, p1, r1, fb0);
	}
	assert_true(pages >= 100);
	assert_true(f1 >= MAINTEXT_F1_MIN);
}

/* ---- a page written here ---------------------------------------------------- */

static const char page[] =
	"<!DOCTYPE html><html><head><title>Port contract</title>"
	"<script type='text/javascript'>var x = '<p>not text</p>';</script></head><body>"
	"<header><a href='/'>Home</a> <a href='/news'>News</a> <a href='/world'>World</a></header>"
	"<nav class='menu'><ul><li><a href='/a'>Politics</a></li><li><a href='/b'>Business</a></li></ul></nav>"
	"<div class='breadcrumb'><a href='/'>Home</a> &gt; <a href='/news'>News</a></div>"
	"<div id='main-content'>"
	"<h1>Port contract signed without tender</h1>"
	"<div class='share-buttons'><a href='#'>Share on Facebook</a> <a href='#'>Tweet</a></div>"
	"<div class='tools'>Font Size: <a href='#'>A</a> <a href='#'>A+</a></div>"
	"<div class='article-body'>"
	"<p>The ministry signed the contract for the new container terminal in March, according "
	"to documents seen by reporters, without the public tender that the law requires for "
	"works of this size.</p>"
	"<p>The company that won it, registered only six weeks earlier, shares an address with a "
	"firm owned by the minister's brother-in-law, the registry shows.</p>"
	"<h2>Who decided</h2>"
	"<p>Officials at the port authority said they had not been consulted, and two of them, "
	"speaking on condition of anonymity, said the decision came directly from the minister's "
	"office.</p>"
	"<p>Follow Jane Doe on Twitter</p>"
	"<div class='quiz-widget'><p>Quiz: how well do you know the port?</p></div>"
	"</div></div>"
	"<aside class='sidebar'><h3>Most read</h3><ul><li><a href='/x'>Storm hits coast and "
	"leaves thousands without power for days</a></li></ul></aside>"
	"<div class='related-articles'><h3>Related</h3><p><a href='/y'>Minister denies wrongdoing in "
	"an interview with the state broadcaster on Sunday evening</a></p></div>"
	"<footer><p>This article is licensed under a Creative Commons licence. All rights "
	"reserved.</p></footer>"
	"</body></html>";

static void test_page(void **state)
{
	dft_buf out;
	const char *t;
	(void)state;
	dft_buf_init(&out, 0);
	assert_int_equal(dft_main_text(page, strlen(page), &out), 0);
	t = dft_buf_cstr(&out);
	assert_non_null(strstr(t, "The ministry signed the contract"));
	assert_non_null(strstr(t, "brother-in-law, the registry shows."));
	assert_non_null(strstr(t, "Who decided\n"));
	assert_non_null(strstr(t, "directly from the minister's office."));
	assert_null(strstr(t, "Politics"));
	assert_null(strstr(t, "Home"));
	assert_null(strstr(t, "Font Size"));
	assert_null(strstr(t, "Share on"));
	assert_null(strstr(t, "Follow Jane"));
	assert_null(strstr(t, "Quiz"));
	assert_null(strstr(t, "Storm hits"));
	assert_null(strstr(t, "denies wrongdoing"));
	assert_null(strstr(t, "licensed"));
	assert_null(strstr(t, "not text"));
	dft_buf_dispose(&out);
}

/* JSON-LD articleBody wins when it is the whole text. */
static void test_jsonld(void **state)
{
	static const char ld[] =
		"<html><head><script type=\"application/ld+json\">{\"@type\":\"NewsArticle\","
		"\"articleBody\":\"First paragraph of the article, long enough to be taken for the "
		"real body of the page by any reader.\\nSecond paragraph \\u00e9t\\u00e9 "
		"\\ud83d\\ude00, with more words so that the body is longer than two hundred "
		"characters, which it now is.\"}</script></head><body><div><p>Teaser only.</p></div></body></html>";
	dft_buf out;
	(void)state;
	dft_buf_init(&out, 0);
	assert_int_equal(dft_main_text(ld, strlen(ld), &out), 0);
	assert_non_null(strstr(dft_buf_cstr(&out), "any reader.\nSecond paragraph été \xf0\x9f\x98\x80,"));
	assert_null(strstr(dft_buf_cstr(&out), "Teaser"));
	dft_buf_dispose(&out);
}

/* Deep nesting, empty and markup-only pages: no crash, no text. */
static void test_hostile(void **state)
{
	dft_buf html, out;
	size_t i;
	(void)state;
	dft_buf_init(&html, 0);
	dft_buf_init(&out, 0);
	for (i = 0; i < 100000; i++)
		dft_buf_adds(&html, "<div>");
	dft_buf_adds(&html, "<p>Deep inside, a paragraph with enough words to count as one, and a "
			    "comma, and another, and a sentence that ends.</p>");
	assert_int_equal(dft_main_text(html.ptr, html.len, &out), 0);
	assert_non_null(strstr(dft_buf_cstr(&out), "Deep inside"));
	dft_buf_reset(&out);
	assert_int_equal(dft_main_text("", 0, &out), 0);
	assert_int_equal(out.len, 0);
	assert_int_equal(dft_main_text("<html><body><nav><a>x</a></nav></body></html>", 45, &out), 0);
	assert_int_equal(out.len, 0);
	dft_buf_dispose(&html);
	dft_buf_dispose(&out);
}

/* The HTML extractor reports it as meta "main_text", within max_text. */
static void test_extractor_meta(void **state)
{
	dft_sink_mem m;
	dft_input in;
	dft_limits lim;
	dft_buf tmp;
	const char *mt;
	(void)state;
	dft_limits_default(&lim);
	dft_sink_mem_init(&m, 0);
	dft_buf_init(&tmp, 0);
	memset(&in, 0, sizeof(in));
	in.fd = -1;
	in.data = (const unsigned char *)page;
	in.size = strlen(page);
	in.mime = "text/html";
	in.name = "page.html";
	in.limits = &lim;
	assert_int_equal(dft_extract_html(&m.sink, &in), 0);
	mt = dft_sink_mem_meta(&m, "main_text", &tmp);
	assert_non_null(mt);
	assert_non_null(strstr(mt, "The ministry signed"));
	assert_null(strstr(mt, "Politics"));
	assert_non_null(strstr(dft_buf_cstr(&m.text), "Politics")); /* the full text keeps it */
	dft_sink_mem_dispose(&m);
	/* a small max_text bounds it too */
	lim.max_text = 100;
	dft_sink_mem_init(&m, 0);
	assert_int_equal(dft_extract_html(&m.sink, &in), 0);
	mt = dft_sink_mem_meta(&m, "main_text", &tmp);
	assert_true(mt == NULL || strlen(mt) <= 100);
	dft_sink_mem_dispose(&m);
	dft_buf_dispose(&tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page),
		cmocka_unit_test(test_jsonld),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_extractor_meta),
		cmocka_unit_test(test_benchmark),
	};
	return test_exit(cmocka_run_group_tests(tests, NULL, NULL));
}
