/*
 * query.c - the query language (docs/QUERY.md) compiled to an FTS5 MATCH
 * expression and a list of filters. A recursive-descent parser over the
 * user's text builds the expression directly; every word goes through the
 * analyzer (text.h) and comes out as quoted, normalised tokens, so FTS5
 * never sees raw user text.
 *
 *   query   := or
 *   or      := and ("OR" and)*
 *   and     := unary (["AND"] unary)*
 *   unary   := ("NOT" | "-") unary | primary
 *   primary := "(" or ")" | '"' words '"' | "NEAR(" words ["," N] ")"
 *            | field ":" value | "~" word | "~" '"' words '"' | word "*"
 *            | word "~" N | word
 */
#include "daftar/index.h"
#include "daftar/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 64

static const char *const known_fields[] = {"type", "lang", "batch", "path", "from", "to",
					    "subject", "date", "tag", "title", NULL};

struct parser {
	const char *s;   /* the query */
	size_t len, pos;
	int depth;
	int terms;
	dft_query *q;
	dft_analyzer *an;
	dft_fuzzy_fn fuzzy;
	void *fuzzy_ctx;
	dft_buf tmp;
	int inflect;     /* a query of one word: ask for its inflections too */
};

/* A compiled sub-expression: its text and whether it can only exclude
 * (a NOT with nothing to subtract from, which FTS5 cannot express). */
struct node {
	dft_buf text;
	int negative; /* "NOT x": must be joined as "a NOT x" */
	int empty;    /* a filter: matched in SQL, not by FTS5 */
};

static void node_init(struct node *n)
{
	dft_buf_init(&n->text, DFT_QUERY_MAX_BYTES * 8);
	n->negative = 0;
	n->empty = 0;
}

static int perr(struct parser *p, const char *what)
{
	return dft_error_set(DFT_EINVAL, "query: at %zu: %s", p->pos + 1, what);
}

static void skip_space(struct parser *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
				   p->s[p->pos] == '\r' || (unsigned char)p->s[p->pos] < 0x20))
		p->pos++;
}

static int at_keyword(struct parser *p, const char *kw)
{
	size_t n = strlen(kw);
	char c;
	if (p->pos + n > p->len || memcmp(p->s + p->pos, kw, n) != 0)
		return 0;
	c = p->pos + n < p->len ? p->s[p->pos + n] : ' ';
	return c == ' ' || c == '\t' || c == '\n' || c == '(' || c == '"' || c == '-' || (p->pos + n == p->len);
}

static int is_word_char(char c)
{
	return c && c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '(' && c != ')' && c != '"' &&
	       (unsigned char)c >= 0x20;
}

/* Quote one token for FTS5: "..." with quotes doubled. */
static int add_quoted(dft_buf *out, const char *t, size_t n)
{
	int rc = dft_buf_addc(out, '"');
	size_t i;
	for (i = 0; i < n && rc == 0; i++)
		rc = t[i] == '"' ? dft_buf_add(out, "\"\"", 2) : dft_buf_addc(out, t[i]);
	if (rc == 0)
		rc = dft_buf_addc(out, '"');
	return rc;
}

/* ---- words through the analyzer ------------------------------------------ */

struct word_tokens {
	dft_buf surfaces;  /* "\0"-separated, one per position */
	int npos;
	dft_buf alts;      /* the OR-group of the last position: surface, stripped, stem */
	dft_buf stripped;  /* a stripped form of any position ("" none) */
	dft_buf stem;      /* the last position's "s:" stem ("" none) */
	int nalts;
};

static int collect_token(void *ctx, const dft_token *t)
{
	struct word_tokens *w = ctx;
	int rc = 0;
	if (t->len == 0)
		return 0;
	if (!t->colocated && t->kind == DFT_TOK_SURFACE) {
		w->npos++;
		if ((rc = dft_buf_add(&w->surfaces, t->text, t->len)) < 0 || (rc = dft_buf_addc(&w->surfaces, '\0')) < 0)
			return rc;
		dft_buf_reset(&w->alts);
		dft_buf_reset(&w->stem);
		w->nalts = 0;
	}
	if (t->kind == DFT_TOK_STEM)
		dft_buf_reset(&w->stem), rc = dft_buf_add(&w->stem, t->text, t->len);
	if (rc < 0)
		return rc;
	if (t->kind == DFT_TOK_KEY)
		return 0;
	if (t->kind == DFT_TOK_STRIPPED && !w->stripped.len)
		rc = dft_buf_add(&w->stripped, t->text, t->len);
	if (rc == 0 && w->nalts < 8) {
		if (w->nalts && (rc = dft_buf_adds(&w->alts, " OR ")) < 0)
			return rc;
		rc = add_quoted(&w->alts, t->text, t->len);
		w->nalts++;
	}
	return rc;
}

static void word_tokens_init(struct word_tokens *w)
{
	dft_buf_init(&w->surfaces, 1 << 16);
	dft_buf_init(&w->alts, 1 << 16);
	dft_buf_init(&w->stripped, 1 << 12);
	dft_buf_init(&w->stem, 1 << 12);
	w->npos = 0;
	w->nalts = 0;
}

static void word_tokens_dispose(struct word_tokens *w)
{
	dft_buf_dispose(&w->surfaces);
	dft_buf_dispose(&w->alts);
	dft_buf_dispose(&w->stripped);
	dft_buf_dispose(&w->stem);
}

/* Is the word written in Latin letters (a-z first)? */
static int latin_word(const char *s)
{
	return *s >= 'a' && *s <= 'z';
}

static int add_inflections(struct parser *p, struct word_tokens *w, const char *stem);

/* An English word asks for its whole stem class, as a stemming engine
 * would: the index has "s:flow" for flows, flowing, flowed, but not for
 * "flow" itself (a word that is its own stem gets no stem token). So
 * "flow" also asks for "s:flow", and "flows" for "flow" (before, "flows"
 * did not find a document that says only "flow"). ix_search scores the
 * class as one word (class_of). */
static int add_stem_class(struct parser *p, struct word_tokens *w)
{
	const char *surface = w->surfaces.ptr;
	dft_buf t;
	int rc;
	if (!latin_word(surface) || strlen(surface) < 3 || w->nalts >= 8)
		return 0; /* words of one or two letters have no inflections */
	dft_buf_init(&t, 1 << 12);
	if (!w->stem.len) {
		for (const char *c = surface; *c; c++)
			if (*c >= '0' && *c <= '9') {
				dft_buf_dispose(&t);
				return 0; /* no stems for words with digits */
			}
		rc = dft_buf_adds(&t, "s:");
		if (rc == 0)
			rc = dft_buf_adds(&t, surface);
	} else {
		rc = dft_buf_add(&t, w->stem.ptr + 2, w->stem.len - 2);
	}
	if (rc == 0)
		rc = dft_buf_adds(&w->alts, " OR ");
	if (rc == 0)
		rc = add_quoted(&w->alts, t.ptr, t.len);
	w->nalts++;
	if (rc == 0 && p->inflect)
		rc = add_inflections(p, w, !w->stem.len ? surface : dft_buf_cstr(&t));
	dft_buf_dispose(&t);
	return rc;
}

/* The stem ("s:" token, or the word itself when it is its own stem) of
 * one word, into out. */
static int stem_cb(void *ctx, const dft_token *t)
{
	dft_buf *out = ctx;
	if (t->kind == DFT_TOK_SURFACE && !t->colocated) {
		dft_buf_reset(out);
		return dft_buf_add(out, t->text, t->len);
	}
	if (t->kind == DFT_TOK_STEM) {
		dft_buf_reset(out);
		return dft_buf_add(out, t->text + 2, t->len - 2);
	}
	return 0;
}

/* Add `form` to the word's forms when the stemmer puts it in the word's
 * class (stem), is not a form already asked for, and room is left. */
static int add_inflection(struct parser *p, struct word_tokens *w, const char *stem, const char *form, size_t n)
{
	dft_buf st;
	int rc;
	if (w->nalts >= 8 || n < 3 || (n == strlen(w->surfaces.ptr) && !memcmp(form, w->surfaces.ptr, n)) ||
	    (n == strlen(stem) && !memcmp(form, stem, n)))
		return 0;
	dft_buf_init(&st, 256);
	rc = dft_analyze(p->an, form, n, stem_cb, &st);
	if (rc == 0 && st.len == strlen(stem) && !memcmp(st.ptr, stem, st.len)) {
		/* not twice: the quoted form in alts */
		dft_buf q;
		dft_buf_init(&q, 256);
		rc = add_quoted(&q, form, n);
		if (rc == 0 && !strstr(dft_buf_cstr(&w->alts), dft_buf_cstr(&q))) {
			rc = dft_buf_adds(&w->alts, " OR ");
			if (rc == 0)
				rc = dft_buf_add(&w->alts, q.ptr, q.len);
			w->nalts++;
		}
		dft_buf_dispose(&q);
	}
	dft_buf_dispose(&st);
	return rc;
}

/* The inflections of an English word (remodeled: remodel, remodels,
 * remodeling), found by undoing and redoing the regular endings and kept
 * when the stemmer puts them in the word's class. A stem class also holds
 * derived words (Snowball stems circularizing, circularized and circular
 * alike); the word as written and its inflections add w_exact of their
 * own score in ix_search, so circularized ranks above circular for
 * circularizing. */
static int add_inflections(struct parser *p, struct word_tokens *w, const char *stem)
{
	static const char *const endings[] = {"ing", "ied", "ies", "ed", "es", "s"};
	static const char *const redo[] = {"", "s", "ed", "ing"};
	const char *word = w->surfaces.ptr;
	size_t n = strlen(word);
	char bases[4][64], form[72];
	int nb = 0, rc = 0;
	if (n >= 48)
		return 0;
	memcpy(bases[nb++], word, n + 1);
	for (size_t e = 0; e < sizeof endings / sizeof *endings && nb == 1; e++) {
		size_t el = strlen(endings[e]);
		if (n <= el + 2 || strcmp(word + n - el, endings[e]))
			continue;
		size_t bl = n - el;
		if (endings[e][0] == 'i' && endings[e][1] == 'e') { /* -ied, -ies: y */
			snprintf(bases[nb++], sizeof bases[0], "%.*sy", (int)bl, word);
			continue;
		}
		snprintf(bases[nb++], sizeof bases[0], "%.*s", (int)bl, word);
		snprintf(bases[nb++], sizeof bases[0], "%.*se", (int)bl, word); /* predominat-ed: predominate */
		if (bl >= 2 && word[bl - 1] == word[bl - 2]) /* plann-ed: plan */
			snprintf(bases[nb++], sizeof bases[0], "%.*s", (int)bl - 1, word);
	}
	/* an inflected word: its bases only (wondering: wonder, wondere) */
	for (int b = nb > 1 ? 1 : 0; b < nb && rc == 0; b++) {
		size_t bl = strlen(bases[b]);
		for (size_t r = 0; r < sizeof redo / sizeof *redo && rc == 0; r++) {
			if (bl && bases[b][bl - 1] == 'e' && redo[r][0] == 'e') /* predominate + d */
				snprintf(form, sizeof form, "%s%s", bases[b], redo[r] + 1);
			else if (bl && bases[b][bl - 1] == 'e' && redo[r][0] == 'i') /* predominat + ing */
				snprintf(form, sizeof form, "%.*s%s", (int)bl - 1, bases[b], redo[r]);
			else if (bl && bases[b][bl - 1] == 'y' && redo[r][0] == 's') /* study: studies */
				snprintf(form, sizeof form, "%.*sies", (int)bl - 1, bases[b]);
			else if (bl && bases[b][bl - 1] == 'y' && redo[r][0] == 'e') /* study: studied */
				snprintf(form, sizeof form, "%.*sied", (int)bl - 1, bases[b]);
			else
				snprintf(form, sizeof form, "%s%s", bases[b], redo[r]);
			rc = add_inflection(p, w, stem, form, strlen(form));
		}
	}
	return rc;
}

/* Append the phrase of surface forms: "a" + "b" + "c" */
static int add_surface_phrase(dft_buf *out, const struct word_tokens *w)
{
	const char *p = w->surfaces.ptr;
	int i, rc = 0;
	for (i = 0; i < w->npos && rc == 0; i++) {
		size_t n = strlen(p);
		if (i && (rc = dft_buf_adds(out, " + ")) < 0)
			break;
		rc = add_quoted(out, p, n);
		p += n + 1;
	}
	return rc;
}

static int remember_words(struct parser *p, const struct word_tokens *w)
{
	const char *s = w->surfaces.ptr;
	int i, rc = 0;
	for (i = 0; i < w->npos && rc == 0; i++) {
		size_t n = strlen(s);
		if (p->q->words.len)
			rc = dft_buf_addc(&p->q->words, '\n');
		if (rc == 0)
			rc = dft_buf_add(&p->q->words, s, n);
		s += n + 1;
	}
	return rc;
}

/* A plain word: any of its forms (surface, without clitics, stem). */
static int compile_word(struct parser *p, const char *word, size_t n, int mode, int fuzzy, struct node *out)
{
	struct word_tokens w;
	int rc;
	if (++p->terms > DFT_QUERY_MAX_TERMS)
		return perr(p, "too many words (the limit is 1024)");
	word_tokens_init(&w);
	rc = dft_analyze(p->an, word, n, collect_token, &w);
	if (rc < 0)
		goto done;
	if (w.npos == 0) { /* punctuation only: nothing to look for */
		out->empty = 1;
		goto done;
	}
	if ((rc = remember_words(p, &w)) < 0)
		goto done;
	if (mode == '*') {
		/* prefix: the surface form of the (last) word */
		rc = add_surface_phrase(&out->text, &w);
		if (rc == 0)
			rc = dft_buf_adds(&out->text, " *");
	} else if (fuzzy) {
		dft_buf_reset(&p->tmp);
		if (w.npos != 1) {
			rc = add_surface_phrase(&out->text, &w);
		} else if (p->fuzzy) {
			rc = dft_buf_addc(&out->text, '(');
			if (rc == 0)
				rc = p->fuzzy(p->fuzzy_ctx, w.surfaces.ptr, fuzzy, &out->text);
			if (rc == 0)
				rc = dft_buf_addc(&out->text, ')');
		} else {
			rc = add_quoted(&out->text, w.surfaces.ptr, strlen(w.surfaces.ptr));
		}
	} else if (w.npos == 1) {
		rc = add_stem_class(p, &w);
		if (rc == 0)
			rc = dft_buf_addf(&out->text, "(%s)", dft_buf_cstr(&w.alts));
	} else {
		rc = dft_buf_addc(&out->text, '(');
		if (rc == 0)
			rc = add_surface_phrase(&out->text, &w);
		if (rc == 0 && w.stripped.len) {
			rc = dft_buf_adds(&out->text, " OR ");
			if (rc == 0)
				rc = add_quoted(&out->text, w.stripped.ptr, w.stripped.len);
		}
		if (rc == 0)
			rc = dft_buf_addc(&out->text, ')');
	}
done:
	word_tokens_dispose(&w);
	return rc;
}

/* ~name: the cross-script keys of the word, ("k:=fine" OR "k:coarse"): the
 * coarse key finds every spelling, and a document that also has the fine
 * key (ش apart from ح/خ/ه, m-a-m apart from m, the final vowel) scores both
 * and ranks first. */
static int compile_key(struct parser *p, const char *word, size_t n, struct node *out)
{
	dft_buf key, fine;
	int rc;
	if (++p->terms > DFT_QUERY_MAX_TERMS)
		return perr(p, "too many words (the limit is 1024)");
	dft_buf_init(&key, 1 << 12);
	dft_buf_init(&fine, 1 << 12);
	if ((rc = dft_buf_adds(&key, "k:")) == 0)
		rc = dft_name_key(word, n, &key);
	if (rc == 0 && key.len <= 2) {
		/* no key (digits, one letter): look for the word itself */
		dft_buf_dispose(&key);
		dft_buf_dispose(&fine);
		return compile_word(p, word, n, 0, 0, out);
	}
	if (rc == 0 && (rc = dft_buf_adds(&fine, "k:=")) == 0)
		rc = dft_name_key_fine(word, n, &fine);
	if (rc == 0) {
		struct word_tokens w;
		word_tokens_init(&w);
		rc = dft_analyze(p->an, word, n, collect_token, &w);
		if (rc == 0)
			rc = remember_words(p, &w);
		word_tokens_dispose(&w);
	}
	if (rc == 0 && fine.len > 3) {
		if ((rc = dft_buf_addc(&out->text, '(')) == 0 && (rc = add_quoted(&out->text, fine.ptr, fine.len)) == 0)
			rc = dft_buf_adds(&out->text, " OR ");
	}
	if (rc == 0)
		rc = add_quoted(&out->text, key.ptr, key.len);
	if (rc == 0 && fine.len > 3)
		rc = dft_buf_addc(&out->text, ')');
	dft_buf_dispose(&key);
	dft_buf_dispose(&fine);
	return rc;
}

/* ~"Abd al-Karim al-Jubouri": a name of several words in any script, as
 * the phrase of its words' keys ("k:abdkrm" + "k:jbr"), an ʿAbd compound
 * written in two words read as the one word the index also keys it as
 * (analyzer.c: the compound's key sits at its second word), and the phrase
 * of the fine keys beside it so that the closer spellings rank first. The
 * phrase may step over the words the index marks "k:_": the head of an
 * ʿAbd name written in two words, a detached article ("Al Juburi"). */
#define NAME_WORDS 32
struct name_words {
	size_t start[NAME_WORDS], end[NAME_WORDS];
	int n;
};

static int collect_span(void *ctx, const dft_token *t)
{
	struct name_words *w = ctx;
	if (t->kind != DFT_TOK_SURFACE || t->colocated || t->len == 0)
		return 0;
	if (w->n == NAME_WORDS)
		return DFT_ELIMIT;
	w->start[w->n] = t->start;
	w->end[w->n] = t->end;
	w->n++;
	return 0;
}

static int is_article_word(const char *w, size_t n)
{
	return (n == 2 && ((w[0] | 0x20) == 'a' || (w[0] | 0x20) == 'e') && (w[1] | 0x20) == 'l') ||
	       (n == 6 && (!memcmp(w, "аль", 6) || !memcmp(w, "Аль", 6)));
}

/* Append alternative number `alt` of the key phrase: unit i preceded by
 * 0..gap[i] "k:_" tokens (an ʿAbd head, a detached article: analyzer.c)
 * as the mixed-radix digits of alt say. */
static int add_gapped(dft_buf *out, const dft_buf *units, const int *gap, int n, long alt)
{
	const char *u = units->ptr;
	int rc = 0;
	for (int i = 0; i < n && rc == 0; i++) {
		int g = (int)(alt % (gap[i] + 1));
		size_t l = strlen(u);
		alt /= gap[i] + 1;
		if (i && (rc = dft_buf_adds(out, " + ")) < 0)
			break;
		while (g-- > 0 && rc == 0)
			rc = dft_buf_adds(out, "\"k:_\" + ");
		if (rc == 0)
			rc = dft_buf_add(out, u, l);
		u += l + 1;
	}
	return rc;
}

#define NAME_ALTERNATIVES 64

/* Abu, Umm (ابو, ام, абу, умм): the index keys the two words of a kunya
 * as one beside their own keys (analyzer.c). */
static int is_kunya_word(struct parser *p, const char *w, size_t n)
{
	static const char *const heads[] = {"abu", "abou", "umm", "ابو", "ام", "абу", "умм"};
	dft_buf_reset(&p->tmp);
	if (dft_normalize_word(w, n, &p->tmp) < 0)
		return 0;
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		if (!strcmp(dft_buf_cstr(&p->tmp), heads[i]))
			return 1;
	return 0;
}

static int compile_name_phrase(struct parser *p, const char *text, size_t n, struct node *out)
{
	struct name_words w;
	dft_buf coarse, fine, k, f;
	int rc, units = 0, gap[NAME_WORDS];
	long alts = 1;
	if (++p->terms > DFT_QUERY_MAX_TERMS)
		return perr(p, "too many words (the limit is 1024)");
	memset(&w, 0, sizeof w);
	rc = dft_analyze(p->an, text, n, collect_span, &w);
	if (rc == DFT_ELIMIT)
		return perr(p, "a name in ~\"...\" has at most 32 words");
	if (rc < 0)
		return rc;
	if (w.n == 0) {
		out->empty = 1;
		return 0;
	}
	/* coarse and fine: the units' quoted tokens, NUL-separated */
	dft_buf_init(&coarse, 1 << 14);
	dft_buf_init(&fine, 1 << 14);
	dft_buf_init(&k, 1 << 12);
	dft_buf_init(&f, 1 << 12);
	for (int i = 0; i < w.n && rc == 0; i++) {
		const char *wi = text + w.start[i];
		size_t li = w.end[i] - w.start[i];
		int compound = 0;
		dft_buf_reset(&k);
		dft_buf_reset(&f);
		if (i + 1 < w.n && dft_name_is_abd(wi, li)) {
			int j = i + 1;
			if (j + 1 < w.n && is_article_word(text + w.start[j], w.end[j] - w.start[j]))
				j++;
			rc = dft_name_key_pair(wi, w.start[j] - w.start[i], text + w.start[j], w.end[j] - w.start[j], &k,
					       &f);
			if (rc == 0 && k.len)
				i = j, compound = 1;
		}
		if (rc == 0 && !k.len && i + 1 < w.n && is_kunya_word(p, wi, li) &&
		    !dft_name_is_abd(text + w.start[i + 1], w.end[i + 1] - w.start[i + 1])) {
			/* Abu Bakr as the index also keys it, Abubakr (k:abkr) */
			size_t l2 = w.end[i + 1] - w.start[i];
			if ((rc = dft_name_key(wi, l2, &k)) == 0 && (rc = dft_name_key_fine(wi, l2, &f)) == 0 && k.len)
				i++, compound = 1;
			else
				dft_buf_reset(&k), dft_buf_reset(&f);
		}
		if (rc == 0 && !k.len && (rc = dft_name_key(wi, li, &k)) == 0)
			rc = dft_name_key_fine(wi, li, &f);
		if (rc < 0)
			break;
		/* Abdulkarim may be written Abdul Kareem: an ʿAbd name may
		 * follow its head (and an article), any name an article */
		compound |= k.len > 3 && !memcmp(k.ptr, "abd", 3);
		gap[units] = units == 0 ? 0 : compound ? 2 : 1;
		dft_buf_reset(&p->tmp);
		if (k.len) {
			if ((rc = dft_buf_addf(&p->tmp, "k:%s", dft_buf_cstr(&k))) == 0 &&
			    (rc = add_quoted(&coarse, p->tmp.ptr, p->tmp.len)) == 0)
				rc = dft_buf_addc(&coarse, 0);
			dft_buf_reset(&p->tmp);
			if (rc == 0 &&
			    (rc = dft_buf_addf(&p->tmp, "k:=%s", f.len ? dft_buf_cstr(&f) : dft_buf_cstr(&k))) == 0 &&
			    (rc = add_quoted(&fine, p->tmp.ptr, p->tmp.len)) == 0)
				rc = dft_buf_addc(&fine, 0);
		} else { /* no key (a number, one letter): the word itself */
			if ((rc = dft_normalize_word(wi, li, &p->tmp)) == 0 &&
			    (rc = add_quoted(&coarse, p->tmp.ptr, p->tmp.len)) == 0 &&
			    (rc = dft_buf_addc(&coarse, 0)) == 0 &&
			    (rc = add_quoted(&fine, p->tmp.ptr, p->tmp.len)) == 0)
				rc = dft_buf_addc(&fine, 0);
		}
		alts *= gap[units] + 1;
		units++;
	}
	if (rc == 0) {
		struct word_tokens wt;
		word_tokens_init(&wt);
		rc = dft_analyze(p->an, text, n, collect_token, &wt);
		if (rc == 0)
			rc = remember_words(p, &wt);
		word_tokens_dispose(&wt);
	}
	if (alts > NAME_ALTERNATIVES) { /* a long name: the words in a row only */
		for (int i = 0; i < units; i++)
			gap[i] = 0;
		alts = 1;
	}
	/* the closer spellings rank first: the words in a row that also have
	 * every fine key (the index keeps no positions for those: ix.c); then
	 * every spelling */
	if (rc == 0 && (rc = dft_buf_adds(&out->text, "(((")) == 0 && (rc = add_gapped(&out->text, &coarse, gap, units, 0)) == 0)
		rc = dft_buf_addc(&out->text, ')');
	for (const char *u = fine.ptr; rc == 0 && u < fine.ptr + fine.len; u += strlen(u) + 1)
		if ((rc = dft_buf_adds(&out->text, " AND ")) == 0)
			rc = dft_buf_adds(&out->text, u);
	if (rc == 0)
		rc = dft_buf_addc(&out->text, ')');
	for (long a = 0; a < alts && rc == 0; a++) {
		if ((rc = dft_buf_adds(&out->text, " OR (")) == 0 && (rc = add_gapped(&out->text, &coarse, gap, units, a)) == 0)
			rc = dft_buf_addc(&out->text, ')');
	}
	if (rc == 0)
		rc = dft_buf_addc(&out->text, ')');
	dft_buf_dispose(&coarse);
	dft_buf_dispose(&fine);
	dft_buf_dispose(&k);
	dft_buf_dispose(&f);
	return rc;
}

/* "exact phrase": surface forms in a row */
static int compile_phrase(struct parser *p, const char *text, size_t n, struct node *out)
{
	struct word_tokens w;
	int rc;
	if (++p->terms > DFT_QUERY_MAX_TERMS)
		return perr(p, "too many words (the limit is 1024)");
	word_tokens_init(&w);
	rc = dft_analyze(p->an, text, n, collect_token, &w);
	if (rc == 0 && w.npos == 0)
		out->empty = 1;
	else if (rc == 0 && (rc = remember_words(p, &w)) == 0)
		rc = add_surface_phrase(&out->text, &w);
	word_tokens_dispose(&w);
	return rc;
}

/* ---- the grammar ---------------------------------------------------------- */

static int parse_or(struct parser *p, struct node *out);

static int read_quoted(struct parser *p, size_t *start, size_t *n)
{
	size_t open = p->pos;
	p->pos++; /* the opening quote */
	*start = p->pos;
	while (p->pos < p->len && p->s[p->pos] != '"')
		p->pos++;
	if (p->pos >= p->len) {
		p->pos = open;
		return perr(p, "this quote is never closed (expected a closing \")");
	}
	*n = p->pos - *start;
	p->pos++;
	return 0;
}

static int add_filter(struct parser *p, const char *field, const char *v, size_t n, int negated)
{
	dft_query_filter *f;
	if (p->q->nfilters >= 64)
		return perr(p, "too many filters");
	if (n == 0)
		return perr(p, "a filter needs a value after the colon");
	f = dft_realloc(p->q->filters, (p->q->nfilters + 1) * sizeof(*f));
	if (!f)
		return DFT_ENOMEM;
	p->q->filters = f;
	f = &f[p->q->nfilters];
	memset(f, 0, sizeof(*f));
	snprintf(f->field, sizeof(f->field), "%s", field);
	if (!(f->value = strndup(v, n)))
		return DFT_ENOMEM;
	f->negated = negated;
	p->q->nfilters++;
	return 0;
}

static int parse_near(struct parser *p, struct node *out)
{
	size_t start;
	int dist = 10, rc = 0, nphrases = 0;
	p->pos += 5; /* NEAR( */
	rc = dft_buf_adds(&out->text, "NEAR(");
	for (;;) {
		skip_space(p);
		if (p->pos >= p->len)
			return perr(p, "NEAR( is never closed (expected ')')");
		if (p->s[p->pos] == ')') {
			p->pos++;
			break;
		}
		if (p->s[p->pos] == ',') {
			char *end;
			long v;
			p->pos++;
			skip_space(p);
			v = strtol(p->s + p->pos, &end, 10);
			if (end == p->s + p->pos || v < 0 || v > 1000)
				return perr(p, "expected a distance (0 to 1000) after the comma in NEAR");
			dist = (int)v;
			p->pos = (size_t)(end - p->s);
			skip_space(p);
			if (p->pos >= p->len || p->s[p->pos] != ')')
				return perr(p, "expected ')' after the NEAR distance");
			p->pos++;
			break;
		}
		{
			struct node w;
			size_t n;
			node_init(&w);
			if (p->s[p->pos] == '"') {
				if ((rc = read_quoted(p, &start, &n)) == 0)
					rc = compile_phrase(p, p->s + start, n, &w);
			} else {
				start = p->pos;
				while (p->pos < p->len && is_word_char(p->s[p->pos]) && p->s[p->pos] != ',')
					p->pos++;
				rc = compile_phrase(p, p->s + start, p->pos - start, &w);
			}
			if (rc == 0 && !w.empty) {
				if (nphrases++)
					rc = dft_buf_addc(&out->text, ' ');
				if (rc == 0)
					rc = dft_buf_add(&out->text, w.text.ptr, w.text.len);
			}
			dft_buf_dispose(&w.text);
			if (rc < 0)
				return rc;
		}
	}
	if (nphrases < 1)
		return perr(p, "NEAR needs words: NEAR(a b, 5)");
	return dft_buf_addf(&out->text, ", %d)", dist);
}

static int parse_primary(struct parser *p, struct node *out, int negated)
{
	size_t start, n;
	int rc;
	skip_space(p);
	if (p->pos >= p->len)
		return perr(p, "expected a word, a phrase or '(' here");
	if (p->s[p->pos] == '(') {
		size_t open = p->pos;
		if (++p->depth > MAX_DEPTH)
			return perr(p, "parentheses nested too deep");
		p->pos++;
		skip_space(p);
		if (p->pos < p->len && p->s[p->pos] == ')')
			return perr(p, "empty parentheses");
		if ((rc = dft_buf_addc(&out->text, '(')) < 0 || (rc = parse_or(p, out)) < 0)
			return rc;
		skip_space(p);
		if (p->pos >= p->len || p->s[p->pos] != ')') {
			p->pos = open;
			return perr(p, "this '(' is never closed (expected ')')");
		}
		p->pos++;
		p->depth--;
		if (out->text.len == 1) { /* only filters inside */
			dft_buf_reset(&out->text);
			out->empty = 1;
			return 0;
		}
		return dft_buf_addc(&out->text, ')');
	}
	if (p->s[p->pos] == ')')
		return perr(p, "unexpected ')': there is no '(' to close");
	if (p->s[p->pos] == '"') {
		if ((rc = read_quoted(p, &start, &n)) < 0)
			return rc;
		return compile_phrase(p, p->s + start, n, out);
	}
	if (p->len - p->pos >= 5 && memcmp(p->s + p->pos, "NEAR(", 5) == 0)
		return parse_near(p, out);
	if (p->s[p->pos] == '~' && p->pos + 1 < p->len && p->s[p->pos + 1] == '"') {
		p->pos++;
		if ((rc = read_quoted(p, &start, &n)) < 0)
			return rc;
		return compile_name_phrase(p, p->s + start, n, out);
	}
	if (p->s[p->pos] == '~') {
		p->pos++;
		start = p->pos;
		while (p->pos < p->len && is_word_char(p->s[p->pos]))
			p->pos++;
		if (p->pos == start)
			return perr(p, "expected a name after '~'");
		return compile_key(p, p->s + start, p->pos - start, out);
	}
	start = p->pos;
	while (p->pos < p->len && is_word_char(p->s[p->pos]))
		p->pos++;
	n = p->pos - start;
	/* field:value */
	{
		const char *colon = memchr(p->s + start, ':', n);
		if (colon && colon > p->s + start + 5 && memcmp(p->s + start, "form.", 5) == 0) {
			/* form.LABEL:VALUE - a field of a filled form (docs/FORMS.md); '_' in
			 * LABEL stands for a blank. The value "LABEL\x1fVALUE" is resolved
			 * into documents before the store runs the query (api.c). */
			const char *v = colon + 1;
			size_t vn = (size_t)(p->s + p->pos - v), i, ln = (size_t)(colon - (p->s + start + 5));
			dft_buf fv;
			rc = 0;
			if (vn == 0 && p->pos < p->len && p->s[p->pos] == '"') {
				size_t qs, qn;
				if ((rc = read_quoted(p, &qs, &qn)) < 0)
					return rc;
				v = p->s + qs;
				vn = qn;
			}
			if (vn == 0)
				return perr(p, "form.LABEL: needs a value after the colon");
			dft_buf_init(&fv, DFT_QUERY_MAX_BYTES);
			for (i = 0; i < ln && rc == 0; i++)
				rc = dft_buf_addc(&fv, p->s[start + 5 + i] == '_' ? ' ' : p->s[start + 5 + i]);
			if (rc == 0 && (rc = dft_buf_addc(&fv, '\x1f')) == 0)
				rc = dft_buf_add(&fv, v, vn);
			if (rc == 0) {
				out->empty = 1;
				rc = add_filter(p, "form", fv.ptr, fv.len, negated);
			}
			dft_buf_dispose(&fv);
			return rc;
		}
		if (colon && colon > p->s + start) {
			size_t flen = (size_t)(colon - (p->s + start)), i;
			for (i = 0; known_fields[i]; i++) {
				if (strlen(known_fields[i]) == flen && memcmp(known_fields[i], p->s + start, flen) == 0) {
					const char *v = colon + 1;
					size_t vn = (size_t)(p->s + p->pos - v);
					if (vn == 0 && p->pos < p->len && p->s[p->pos] == '"') {
						size_t qs, qn;
						if ((rc = read_quoted(p, &qs, &qn)) < 0)
							return rc;
						v = p->s + qs;
						vn = qn;
					}
					out->empty = 1;
					return add_filter(p, known_fields[i], v, vn, negated);
				}
			}
		}
	}
	if (n == 0)
		return perr(p, "expected a word here");
	if (n == 1 && p->s[start] == '*')
		return perr(p, "'*' must follow the beginning of a word (e.g. Raqq*)");
	if (p->s[p->pos - 1] == '*' && n > 1)
		return compile_word(p, p->s + start, n - 1, '*', 0, out);
	if (n >= 3 && p->s[p->pos - 2] == '~' && (p->s[p->pos - 1] == '1' || p->s[p->pos - 1] == '2'))
		return compile_word(p, p->s + start, n - 2, 0, p->s[p->pos - 1] - '0', out);
	if (n >= 2 && p->s[p->pos - 1] == '~')
		return compile_word(p, p->s + start, n - 1, 0, 1, out);
	return compile_word(p, p->s + start, n, 0, 0, out);
}

static int parse_unary(struct parser *p, struct node *out)
{
	int negated = 0, rc;
	skip_space(p);
	while (p->pos < p->len) {
		if (at_keyword(p, "NOT")) {
			p->pos += 3;
			negated = !negated;
			skip_space(p);
		} else if (p->s[p->pos] == '-' && p->pos + 1 < p->len && !strchr(" \t\n-", p->s[p->pos + 1])) {
			p->pos++;
			negated = !negated;
		} else {
			break;
		}
	}
	if (++p->depth > MAX_DEPTH)
		return perr(p, "query nested too deep");
	rc = parse_primary(p, out, negated);
	p->depth--;
	if (rc == 0 && negated && !out->empty)
		out->negative = 1;
	return rc;
}

static int starts_unary(struct parser *p)
{
	skip_space(p);
	return p->pos < p->len && p->s[p->pos] != ')' && !at_keyword(p, "OR");
}

/* Joins the terms of an AND: positives with AND, negatives as NOT. */
static int parse_and(struct parser *p, struct node *out)
{
	dft_buf pos, neg;
	int npos = 0, nneg = 0, rc = 0;
	dft_buf_init(&pos, DFT_QUERY_MAX_BYTES * 8);
	dft_buf_init(&neg, DFT_QUERY_MAX_BYTES * 8);
	while (rc == 0 && starts_unary(p)) {
		struct node t;
		if (at_keyword(p, "AND")) {
			p->pos += 3;
			if (!starts_unary(p)) {
				rc = perr(p, "expected a word after AND");
				break;
			}
		}
		node_init(&t);
		rc = parse_unary(p, &t);
		if (rc == 0 && !t.empty) {
			dft_buf *b = t.negative ? &neg : &pos;
			int *cnt = t.negative ? &nneg : &npos;
			if (*cnt && t.negative)
				rc = dft_buf_adds(b, " NOT ");
			else if (*cnt)
				rc = dft_buf_adds(b, " AND ");
			if (rc == 0)
				rc = dft_buf_add(b, t.text.ptr, t.text.len);
			(*cnt)++;
		}
		dft_buf_dispose(&t.text);
	}
	if (rc == 0) {
		if (npos == 0 && nneg == 0) {
			out->empty = 1;
		} else if (npos == 0) {
			rc = perr(p, "a query cannot only exclude words: add a word that must match");
		} else {
			rc = dft_buf_add(&out->text, pos.ptr, pos.len);
			if (rc == 0 && nneg) {
				rc = dft_buf_adds(&out->text, " NOT ");
				if (rc == 0 && nneg > 1)
					rc = dft_buf_addc(&out->text, '(');
				/* NOT a NOT b == NOT (a OR b) */
				if (rc == 0) {
					char *s = neg.ptr, *k;
					while (rc == 0 && (k = strstr(s, " NOT "))) {
						rc = dft_buf_add(&out->text, s, (size_t)(k - s));
						if (rc == 0)
							rc = dft_buf_adds(&out->text, " OR ");
						s = k + 5;
					}
					if (rc == 0)
						rc = dft_buf_adds(&out->text, s);
				}
				if (rc == 0 && nneg > 1)
					rc = dft_buf_addc(&out->text, ')');
			}
		}
	}
	dft_buf_dispose(&pos);
	dft_buf_dispose(&neg);
	return rc;
}

static int parse_or(struct parser *p, struct node *out)
{
	int n = 0, rc;
	size_t base = out->text.len;
	for (;;) {
		struct node t;
		size_t at = p->pos;
		node_init(&t);
		rc = parse_and(p, &t);
		if (rc == 0 && t.empty && p->q->nfilters && at_keyword(p, "OR"))
			rc = perr(p, "filters (type:, lang:, ...) cannot be joined with OR");
		if (rc == 0 && !t.empty) {
			if (n++)
				rc = dft_buf_adds(&out->text, " OR ");
			if (rc == 0)
				rc = dft_buf_add(&out->text, t.text.ptr, t.text.len);
		} else if (rc == 0 && t.empty && p->pos == at && p->pos < p->len && p->s[p->pos] != ')' &&
			   !at_keyword(p, "OR")) {
			rc = perr(p, "unexpected text");
		}
		dft_buf_dispose(&t.text);
		if (rc < 0)
			return rc;
		skip_space(p);
		if (!at_keyword(p, "OR"))
			break;
		p->pos += 2;
		skip_space(p);
		if (p->pos >= p->len || p->s[p->pos] == ')')
			return perr(p, "expected a word after OR");
	}
	if (n > 1) { /* group it so that it joins the enclosing AND as a unit */
		dft_buf grouped;
		dft_buf_init(&grouped, DFT_QUERY_MAX_BYTES * 8);
		rc = dft_buf_addc(&grouped, '(');
		if (rc == 0)
			rc = dft_buf_add(&grouped, out->text.ptr + base, out->text.len - base);
		if (rc == 0)
			rc = dft_buf_addc(&grouped, ')');
		if (rc == 0) {
			out->text.len = base;
			rc = dft_buf_add(&out->text, grouped.ptr, grouped.len);
		}
		dft_buf_dispose(&grouped);
	}
	return rc;
}

int dft_query_compile(dft_query *q, const char *text, dft_fuzzy_fn fuzzy, void *fuzzy_ctx)
{
	struct parser p;
	struct node root;
	size_t len = strlen(text);
	int rc;

	memset(q, 0, sizeof(*q));
	dft_buf_init(&q->match, DFT_QUERY_MAX_BYTES * 8);
	dft_buf_init(&q->words, DFT_QUERY_MAX_BYTES * 2);
	if (len > DFT_QUERY_MAX_BYTES)
		return dft_error_set(DFT_EINVAL, "query: longer than the limit of %d bytes", DFT_QUERY_MAX_BYTES);
	if (!dft_utf8_valid(text, len))
		return dft_error_set(DFT_EINVAL, "query: not valid UTF-8");
	memset(&p, 0, sizeof(p));
	p.s = text;
	p.len = len;
	p.q = q;
	p.fuzzy = fuzzy;
	p.fuzzy_ctx = fuzzy_ctx;
	dft_buf_init(&p.tmp, 1 << 16);
	if ((rc = dft_analyzer_new(&p.an, NULL, DFT_AN_STRIP | DFT_AN_STEM)) < 0)
		return rc;
	node_init(&root);
	skip_space(&p);
	if (p.pos >= p.len)
		rc = dft_error_set(DFT_EINVAL, "query: empty");
	else
		rc = parse_or(&p, &root);
	skip_space(&p);
	if (rc == 0 && p.pos == p.len && p.terms == 1) {
		/* One word: read it again with its inflections, which rank its
		 * spellings first (add_inflections). Among several words they
		 * would add little to the ranking and cost a lookup each. */
		for (size_t i = 0; i < q->nfilters; i++)
			free(q->filters[i].value);
		free(q->filters);
		q->filters = NULL;
		q->nfilters = 0;
		dft_buf_reset(&q->words);
		dft_buf_reset(&root.text);
		root.negative = root.empty = 0;
		p.pos = 0;
		p.terms = 0;
		p.inflect = 1;
		skip_space(&p);
		rc = parse_or(&p, &root);
		skip_space(&p);
	}
	if (rc == 0 && p.pos < p.len)
		rc = perr(&p, p.s[p.pos] == ')' ? "unexpected ')': there is no '(' to close" : "unexpected text");
	if (rc == 0 && root.text.len == 0 && q->nfilters == 0)
		rc = dft_error_set(DFT_EINVAL, "query: nothing to search for");
	if (rc == 0)
		rc = dft_buf_add(&q->match, root.text.ptr, root.text.len);
	dft_buf_dispose(&root.text);
	dft_buf_dispose(&p.tmp);
	dft_analyzer_free(p.an);
	return rc;
}

void dft_query_dispose(dft_query *q)
{
	size_t i;
	for (i = 0; i < q->nfilters; i++)
		free(q->filters[i].value);
	free(q->filters);
	dft_buf_dispose(&q->match);
	dft_buf_dispose(&q->words);
	memset(q, 0, sizeof(*q));
}

/* Decode one UTF-8 code point (input is valid UTF-8). */
static unsigned next_cp(const char **s)
{
	const unsigned char *p = (const unsigned char *)*s;
	unsigned c = *p;
	int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4, i;
	if (n > 1)
		c &= 0x3F >> (n - 1);
	for (i = 1; i < n && p[i]; i++)
		c = (c << 6) | (p[i] & 0x3F);
	*s += i;
	return c;
}

int dft_edit_distance(const char *a, const char *b, int max)
{
	unsigned ca[130], cb[130];
	int na = 0, nb = 0, i, j, prev[131], cur[131];
	while (*a && na < 128)
		ca[na++] = next_cp(&a);
	while (*b && nb < 128)
		cb[nb++] = next_cp(&b);
	if (abs(na - nb) > max)
		return max + 1;
	for (j = 0; j <= nb; j++)
		prev[j] = j;
	for (i = 1; i <= na; i++) {
		int best = cur[0] = i;
		for (j = 1; j <= nb; j++) {
			int sub = prev[j - 1] + (ca[i - 1] != cb[j - 1]);
			int del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
			if (cur[j] < best)
				best = cur[j];
		}
		if (best > max)
			return max + 1;
		memcpy(prev, cur, sizeof(int) * (size_t)(nb + 1));
	}
	return prev[nb];
}
