/*
 * tokcount.c - what daftar's analyzer (include/daftar/text.h, the one the
 * FTS5 tokenizer "daftar" calls with DFT_AN_INDEX) emits over a corpus:
 * word positions, tokens by kind, tokens a position, and the entries
 * FTS5's prefix='2 3' option adds (one a token per prefix length the
 * token reaches, counted in characters), against one token a position.
 *
 *   tokcount FILE...   (run.sh passes the corpus's files through xargs)
 *
 * Built at bench time against the library of a daftar build:
 *   cc -O2 -Iinclude bench/search/tokcount.c BUILD/libdaftar_lib.a -lstemmer -lm
 * The language is left to the analyzer (a stemmer per word by its script);
 * ingest passes the detected language, which changes only the stems of
 * Latin words in non-English documents.
 */
#include "daftar/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct counts {
	unsigned long long pos, tok[4], prefix, prefix_sk, bytes[4];
};

static size_t nchars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static int on_token(void *ctx, const dft_token *t)
{
	struct counts *c = ctx;
	size_t ch = nchars(t->text, t->len);
	unsigned add = (ch >= 2) + (ch >= 3);
	if (!t->colocated)
		c->pos++;
	if (t->kind >= 0 && t->kind < 4) {
		c->tok[t->kind]++;
		c->bytes[t->kind] += t->len;
	}
	c->prefix += add;
	if (t->kind == DFT_TOK_STEM || t->kind == DFT_TOK_KEY)
		c->prefix_sk += add;
	return 0;
}

int main(int argc, char **argv)
{
	struct counts c;
	dft_analyzer *a;
	static char buf[1 << 24];
	memset(&c, 0, sizeof c);
	if (dft_analyzer_new(&a, NULL, DFT_AN_INDEX) < 0) {
		fprintf(stderr, "tokcount: no analyzer\n");
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t n;
		if (!f)
			continue;
		n = fread(buf, 1, sizeof buf, f);
		fclose(f);
		dft_analyze(a, buf, n, on_token, &c);
	}
	dft_analyzer_free(a);
	unsigned long long all = c.tok[0] + c.tok[1] + c.tok[2] + c.tok[3];
	/* one line of counts, summed by run.sh over the xargs batches */
	printf("%llu %llu %llu %llu %llu %llu %llu %llu\n", c.pos, c.tok[0], c.tok[1], c.tok[2], c.tok[3], all,
	       c.prefix, c.prefix_sk);
	return 0;
}
