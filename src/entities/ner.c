/*
 * ner.c - named-entity recognition (people, organisations, places, misc)
 * in English and Arabic text: loads the model daftar-train built
 * (ner_model.c), cuts raw UTF-8 text into sentences and CoNLL-like tokens
 * with their byte offsets, tags each sentence (averaged perceptron
 * features, Viterbi over BIO tags) and reports mentions in text order.
 * English text is read twice: first the whole document's words (what the
 * features of its other sentences need), then each sentence is tagged.
 */
#include "ner_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- loading -------------------------------------------------------------- */

static int try_load(dft_ner **out, const char *dir, const char *lang, int *found)
{
	dft_buf p;
	int rc;
	dft_buf_init(&p, 8192);
	rc = dft_buf_addf(&p, "%s/ner-%s.model", dir, lang);
	if (rc == 0) {
		rc = ner_model_read(out, dft_buf_cstr(&p));
		if (rc == DFT_ENOTFOUND)
			rc = 0;
		else
			*found = 1;
	}
	dft_buf_dispose(&p);
	return rc;
}

int dft_ner_load(dft_ner **out, const char *lang, const char *path)
{
	char exe[PATH_MAX];
	const char *env;
	int found = 0, rc;
	ssize_t n;

	if (!out || !lang)
		return dft_error_set(DFT_EINVAL, "dft_ner_load: NULL argument");
	*out = NULL;
	if (strlen(lang) < 2 || strlen(lang) > 3 || strchr(lang, '/') || strchr(lang, '.'))
		return dft_error_set(DFT_EINVAL, "dft_ner_load: bad language \"%s\"", lang);
	if (path)
		return ner_model_read(out, path);
	env = getenv("DAFTAR_MODELS");
	if (env && *env) {
		rc = try_load(out, env, lang, &found);
		if (rc || found)
			return rc;
	}
	n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		char *slash;
		dft_buf d;
		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			dft_buf_init(&d, 8192);
			rc = dft_buf_addf(&d, "%s/models", exe);
			if (rc == 0)
				rc = try_load(out, dft_buf_cstr(&d), lang, &found);
			if (rc == 0 && !found) {
				dft_buf_reset(&d);
				rc = dft_buf_addf(&d, "%s/../share/daftar/models", exe);
				if (rc == 0)
					rc = try_load(out, dft_buf_cstr(&d), lang, &found);
			}
			dft_buf_dispose(&d);
			if (rc || found)
				return rc;
		}
	}
	return dft_error_set(DFT_ENOTFOUND,
			     "no NER model for \"%s\" (set DAFTAR_MODELS, or build the models "
			     "with make)",
			     lang);
}

void dft_ner_free(dft_ner *n)
{
	ner_model_free(n);
}

/* ---- tagging one sentence -------------------------------------------------- */

typedef struct sent_ws {
	ner_word w[NER_SENT_MAX];
	uint64_t feats[NER_SENT_MAX * NER_MAXFEAT];
	uint8_t nf[NER_SENT_MAX];
	float emit[NER_SENT_MAX * NER_NT];
	int back[NER_SENT_MAX * NER_NT];
	int tags[NER_SENT_MAX];
	size_t start[NER_SENT_MAX], end[NER_SENT_MAX];
} sent_ws;

static int tag_words(dft_ner *m, sent_ws *s, size_t n, const ner_doc *doc, size_t off)
{
	ner_features(s->w, n, &m->gaz, m->arabic, doc, off, s->feats, s->nf);
	ner_emit(m, s->feats, s->nf, n, s->emit);
	ner_viterbi(s->emit, n, m->trans, m->start, s->tags, s->back);
	return 0;
}

int dft_ner_tag_words(dft_ner *m, const char *const *words, const size_t *lens, size_t count,
		      int *tags)
{
	sent_ws *s;
	size_t done = 0;
	int rc = 0;
	if (!m || (count && (!words || !lens || !tags)))
		return dft_error_set(DFT_EINVAL, "dft_ner_tag_words: NULL argument");
	s = dft_malloc(sizeof *s);
	if (!s)
		return DFT_ENOMEM;
	while (done < count && rc == 0) {
		size_t n = count - done > NER_SENT_MAX ? NER_SENT_MAX : count - done;
		for (size_t i = 0; i < n && rc == 0; i++)
			rc = ner_word_prep(&s->w[i], words[done + i], lens[done + i], m->arabic);
		if (rc)
			break;
		tag_words(m, s, n, NULL, 0);
		memcpy(tags + done, s->tags, n * sizeof *tags);
		done += n;
	}
	free(s);
	return rc;
}

/* Prepare the words of one sentence (at most NER_SENT_MAX). */
static int prep_words(dft_ner *m, sent_ws *s, const char *const *words, const size_t *lens,
		      size_t n)
{
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = ner_word_prep(&s->w[i], words[i], lens[i], m->arabic);
	return rc;
}

int dft_ner_tag_doc(dft_ner *m, const char *const *words, const size_t *lens,
		    const size_t *sent_lens, size_t nsent, int *tags)
{
	sent_ws *s;
	ner_doc doc;
	size_t at, k;
	int rc = 0;
	if (!m || (nsent && (!words || !lens || !sent_lens || !tags)))
		return dft_error_set(DFT_EINVAL, "dft_ner_tag_doc: NULL argument");
	s = dft_malloc(sizeof *s);
	if (!s)
		return DFT_ENOMEM;
	ner_doc_init(&doc);
	/* the document first (English), then each sentence in it */
	for (int pass = m->arabic ? 1 : 0; pass < 2 && rc == 0; pass++) {
		size_t off = 0;
		for (k = 0, at = 0; k < nsent && rc == 0; at += sent_lens[k], k++) {
			size_t done = 0;
			while (done < sent_lens[k] && rc == 0) {
				size_t n = sent_lens[k] - done > NER_SENT_MAX ? NER_SENT_MAX
									   : sent_lens[k] - done;
				rc = prep_words(m, s, words + at + done, lens + at + done, n);
				if (rc)
					break;
				if (pass == 0) {
					uint8_t glen[NER_SENT_MAX];
					uint16_t gz[NER_SENT_MAX];
					ner_gaz_spans(&m->gaz, s->w, n, 0, gz, glen);
					rc = ner_doc_add(&doc, s->w, n, gz, glen);
				} else {
					tag_words(m, s, n, doc.n ? &doc : NULL, off);
					memcpy(tags + at + done, s->tags, n * sizeof *tags);
				}
				off += n;
				done += n;
			}
		}
		if (pass == 0 && rc == 0)
			rc = ner_doc_finish(&doc);
	}
	ner_doc_dispose(&doc);
	free(s);
	return rc;
}

/* ---- raw text: tokens and sentences ------------------------------------- */

enum { CH_SPACE, CH_WORD, CH_PUNCT, CH_NEWLINE };

static int char_class(uint32_t c)
{
	if (c == '\n' || c == 0x2029)
		return CH_NEWLINE;
	if (c <= ' ' || c == 0x7f || c == 0xa0 || (c >= 0x2000 && c <= 0x200f) ||
	    c == 0x2028 || (c >= 0x202a && c <= 0x202f) || (c >= 0x2060 && c <= 0x206f) ||
	    c == 0x3000 || c == 0xfeff || c == 0x61c || (c >= 0x80 && c < 0xa0))
		return CH_SPACE;
	if (c < 0x80)
		return ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
			       ? CH_WORD
			       : CH_PUNCT;
	if ((c >= 0xa1 && c <= 0xbf && c != 0xaa && c != 0xb5 && c != 0xba) || c == 0xd7 ||
	    c == 0xf7 || (c >= 0x2010 && c <= 0x205e) || c == 0x60c || c == 0x61b ||
	    c == 0x61f || c == 0x66a || c == 0x66d || c == 0x6d4 || (c >= 0x3001 && c <= 0x3003) ||
	    (c >= 0xfd3e && c <= 0xfd3f) || (c >= 0xff01 && c <= 0xff0f))
		return CH_PUNCT;
	return CH_WORD;
}

/* Characters that stay inside a word when a word character follows. */
static int joiner(uint32_t c)
{
	return c == '-' || c == '.' || c == ',' || c == '/' || c == '&' || c == 0x66b ||
	       c == 0x66c || c == '\'' || c == 0x2019 || c == '@' || c == '_';
}

static const char *const abbrevs[] = {
	"Mr", "Mrs", "Ms", "Dr", "St", "Jr", "Sr", "Inc", "Corp", "Ltd", "Co", "Gen", "Gov",
	"Sen", "Rep", "Lt", "Col", "Capt", "Sgt", "Prof", "Jan", "Feb", "Mar", "Apr", "Aug",
	"Sep", "Sept", "Oct", "Nov", "Dec", "vs", "No", "Mt", "Ft", "Rev", "Adm", "Maj", "Bros"};

static int is_abbrev(const char *s, size_t n)
{
	int dot = 0;
	if (n == 1 && ((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
		return 1;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '.')
			dot = 1;
	if (dot)
		return 1;
	for (size_t i = 0; i < sizeof abbrevs / sizeof *abbrevs; i++)
		if (strlen(abbrevs[i]) == n && memcmp(abbrevs[i], s, n) == 0)
			return 1;
	return 0;
}

/* The words of a document kept for its features at most (a text longer
 * than that is tagged beyond it without them). */
#define NER_DOC_MAX ((size_t)1 << 20)

typedef struct scan_ctx {
	dft_ner *m;
	sent_ws *s;
	size_t n;
	const char *text;
	dft_mention_fn fn;
	void *ctx;
	dft_buf val;
	ner_doc doc;    /* English: the whole text's words, read first */
	int collect;    /* this pass reads the document, the next tags it */
	int doc_full;   /* NER_DOC_MAX words read: no more */
	size_t doc_off; /* words of the document tagged so far */
} scan_ctx;

static double sigmoid(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

static int flush(scan_ctx *c)
{
	sent_ws *s = c->s;
	size_t n = c->n, i, j;
	int rc = 0;
	c->n = 0;
	if (n == 0)
		return 0;
	if (c->collect) {
		uint8_t glen[NER_SENT_MAX];
		uint16_t gz[NER_SENT_MAX];
		/* past the limit no sentence is added, so that the words of
		 * the document stay those the tagging pass counts */
		if (c->doc_full || c->doc.n + n > NER_DOC_MAX) {
			c->doc_full = 1;
			return 0;
		}
		ner_gaz_spans(&c->m->gaz, s->w, n, 0, gz, glen);
		return ner_doc_add(&c->doc, s->w, n, gz, glen);
	}
	tag_words(c->m, s, n, c->doc.n ? &c->doc : NULL, c->doc_off);
	c->doc_off += n;
	for (i = 0; i < n && rc == 0;) {
		int t = s->tags[i];
		double conf = 0;
		dft_mention men;
		if (t == 0) {
			i++;
			continue;
		}
		for (j = i; j < n; j++) {
			const float *e = s->emit + j * NER_NT;
			float other = -INFINITY;
			if (j > i && s->tags[j] != NER_TAG_I(NER_TAG_TYPE(t)))
				break;
			for (int k = 0; k < NER_NT; k++)
				if (k != s->tags[j] && k != s->tags[j] + (j == i ? 1 : -1) && e[k] > other)
					other = e[k];
			conf += sigmoid((e[s->tags[j]] - other) / 4.0);
		}
		dft_buf_reset(&c->val);
		{
			size_t a = s->start[i], b = s->end[j - 1], k;
			int sp = 0;
			for (k = a; k < b && rc == 0; k++) {
				unsigned char ch = (unsigned char)c->text[k];
				if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' ||
				    ch == '\v') {
					sp = 1;
					continue;
				}
				if (sp)
					rc = dft_buf_addc(&c->val, ' ');
				sp = 0;
				if (rc == 0)
					rc = dft_buf_addc(&c->val, (char)ch);
			}
			if (rc)
				return rc;
			men.type = NER_TAG_TYPE(t);
			men.start = a;
			men.end = b;
			men.value = dft_buf_cstr(&c->val);
			men.extra = NULL;
			men.score = conf / (double)(j - i);
			rc = c->fn(c->ctx, &men);
		}
		i = j;
	}
	return rc;
}

static int add_token(scan_ctx *c, size_t a, size_t b)
{
	int rc;
	if (c->n == NER_SENT_MAX) {
		rc = flush(c);
		if (rc)
			return rc;
	}
	rc = ner_word_prep(&c->s->w[c->n], c->text + a, b - a, c->m->arabic);
	if (rc)
		return rc;
	c->s->start[c->n] = a;
	c->s->end[c->n] = b;
	c->n++;
	return 0;
}

/* Cut text[i, len) into sentences and words, each sentence flushed. */
static int scan_range(scan_ctx *c, size_t i, size_t len)
{
	const char *text = c->text;
	const unsigned char *u = (const unsigned char *)text;
	int rc = 0;

	while (i < len && rc == 0) {
		uint32_t cp = 0;
		size_t l = ner_utf8(u + i, len - i, &cp);
		int cl;
		if (!l) { /* invalid UTF-8: a separator */
			i++;
			continue;
		}
		cl = char_class(cp);
		if (cl == CH_NEWLINE) {
			rc = flush(c);
			i += l;
		} else if (cl == CH_SPACE) {
			i += l;
		} else if (cl == CH_PUNCT) {
			size_t a = i;
			uint32_t c2 = 0;
			size_t l2;
			int end = cp == '.' || cp == '?' || cp == '!' || cp == 0x61f || cp == 0x6d4;
			i += l;
			/* "...", "--", "?!" stay one token */
			while (i < len && (l2 = ner_utf8(u + i, len - i, &c2)) != 0 &&
			       char_class(c2) == CH_PUNCT && (c2 == cp || (end && (c2 == '?' || c2 == '!' || c2 == '.'))))
				i += l2;
			/* 's n't 'll 're 've 'd 'm: one token with the apostrophe */
			if ((cp == '\'' || cp == 0x2019) && i < len) {
				size_t k = i;
				while (k < len && k - i < 3 && ((u[k] | 32) >= 'a' && (u[k] | 32) <= 'z'))
					k++;
				if (k > i && (k >= len || char_class(u[k]) != CH_WORD)) {
					size_t wl = k - i;
					const char *w = text + i;
					if ((wl == 1 && ((w[0] | 32) == 's' || (w[0] | 32) == 'd' ||
							 (w[0] | 32) == 'm')) ||
					    (wl == 2 && (((w[0] | 32) == 'l' && (w[1] | 32) == 'l') ||
							 ((w[0] | 32) == 'r' && (w[1] | 32) == 'e') ||
							 ((w[0] | 32) == 'v' && (w[1] | 32) == 'e'))))
						i = k;
				}
			}
			rc = add_token(c, a, i);
			if (rc == 0 && end)
				rc = flush(c);
		} else {
			size_t a = i, b;
			for (;;) {
				uint32_t c2 = 0, c3 = 0;
				size_t l2, l3;
				while (i < len && (l2 = ner_utf8(u + i, len - i, &c2)) != 0 &&
				       char_class(c2) == CH_WORD)
					i += l2;
				if (i >= len || !(l2 = ner_utf8(u + i, len - i, &c2)) || !joiner(c2))
					break;
				l3 = i + l2 < len ? ner_utf8(u + i + l2, len - i - l2, &c3) : 0;
				if (!l3 || char_class(c3) != CH_WORD)
					break;
				/* don't join "n't" or "'s" */
				if (c2 == '\'' || c2 == 0x2019) {
					if (i + l2 + 1 >= len || char_class(u[i + l2 + 1]) != CH_WORD)
						break;
					if ((u[i + l2] | 32) == 's' || (u[i + l2] | 32) == 'd' || (u[i + l2] | 32) == 'm')
						break;
				}
				i += l2;
			}
			b = i;
			/* n't: split "don't" as "do" "n't" */
			if (b - a > 3 && text[b - 1] == 't' && text[b - 2] == '\'' && (text[b - 3] | 32) == 'n') {
				rc = add_token(c, a, b - 3);
				if (rc == 0)
					rc = add_token(c, b - 3, b);
				continue;
			}
			/* an abbreviation keeps its final full stop */
			if (b < len && text[b] == '.' && is_abbrev(text + a, b - a)) {
				size_t k = b + 1;
				while (k < len && (text[k] == ' ' || text[k] == '\t'))
					k++;
				/* the sentence still ends when the line or the text does */
				b++;
				i = b;
				rc = add_token(c, a, b);
				if (rc == 0 && (k >= len || text[k] == '\n'))
					rc = flush(c);
				continue;
			}
			rc = add_token(c, a, b);
		}
	}
	if (rc == 0)
		rc = flush(c);
	return rc;
}

int dft_ner_scan_parts(dft_ner *m, const char *text, const size_t *parts, size_t nparts,
		       dft_mention_fn fn, void *ctx)
{
	scan_ctx c;
	int rc = 0;

	if (!m || !fn || (nparts && (!parts || !text)))
		return dft_error_set(DFT_EINVAL, "dft_ner_scan: NULL argument");
	for (size_t k = 0; k < nparts; k++)
		if (parts[2 * k] > parts[2 * k + 1])
			return dft_error_set(DFT_EINVAL, "dft_ner_scan_parts: a part ends before it starts");
	memset(&c, 0, sizeof c);
	c.m = m;
	c.text = text;
	c.fn = fn;
	c.ctx = ctx;
	ner_doc_init(&c.doc);
	dft_buf_init(&c.val, 1 << 20);
	c.s = dft_malloc(sizeof *c.s);
	if (!c.s)
		return DFT_ENOMEM;
	/* English: the whole document is read once for its words before any
	 * sentence is tagged (ner_doc, ner_model.c) */
	for (c.collect = m->arabic ? 0 : 1; c.collect >= 0 && rc == 0; c.collect--) {
		for (size_t k = 0; k < nparts && rc == 0; k++)
			rc = scan_range(&c, parts[2 * k], parts[2 * k + 1]);
		if (c.collect && rc == 0)
			rc = ner_doc_finish(&c.doc);
	}
	ner_doc_dispose(&c.doc);
	dft_buf_dispose(&c.val);
	free(c.s);
	return rc;
}

int dft_ner_scan(dft_ner *m, const char *text, size_t len, dft_mention_fn fn, void *ctx)
{
	size_t part[2] = {0, len};
	if (!m || !fn || (!text && len))
		return dft_error_set(DFT_EINVAL, "dft_ner_scan: NULL argument");
	return dft_ner_scan_parts(m, text, part, len ? 1 : 0, fn, ctx);
}
