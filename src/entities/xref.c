/*
 * xref.c - a watchlist (a sanctions or wanted list, a reporter's list of
 * names) against every text of the case: `daftar xref CASE list.csv`.
 *
 * The list is compiled once into a table of word-key sequences (names.c:
 * the cross-script key of each word, abu/umm/bin markers unified, titles
 * and detached articles skipped), every prefix of a sequence included, so
 * the table is a trie in a hash: reading a text, each word starts a walk
 * that stops at the first prefix no listed name has. One pass over the
 * texts whatever the size of the list - never names x documents - which
 * is the work an Aho-Corasick automaton over the same word keys does
 * (bench/entities compares it with the naive loop).
 *
 * Each listed name gives sequences: the whole name, and when it has a
 * kunya, the name without it ("Ibrahim al-Badri" of "Abu Du'a Ibrahim
 * al-Badri") and the kunya with the last name ("Abu Bakr al-Baghdadi" of
 * "Abu Bakr Ibrahim al-Badri al-Baghdadi"). A sequence that is only given
 * names or a kunya is not searched, nor one word of a longer name
 * ("al-Adnani" alone names too many people to report on a watchlist). A hit is then checked with dft_name_compare_text (same-script
 * spelling: Hassan is not Hussein), which also gives its score.
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define XXH_INLINE_ALL
#include <xxhash.h>

#define XREF_MAX_WORDS 8

/* ---- the CSV watchlist ------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
	char *p = malloc(n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = 0;
	}
	return p;
}

/* Trim spaces at both ends, in place. */
static char *trim(char *s)
{
	char *e;
	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* One CSV record into fields (at most nf); returns fields read, or -1 for
 * an unterminated quote. *pos moves past the record. */
static int csv_record(const char *d, size_t len, size_t *pos, dft_buf *fields, size_t *offs, int nf, size_t *lines)
{
	size_t i = *pos;
	int n = 0, quoted = 0, at_start = 1;
	dft_buf_reset(fields);
	offs[n++] = 0;
	while (i < len) {
		char c = d[i];
		if (quoted) {
			if (c == '"' && i + 1 < len && d[i + 1] == '"') {
				dft_buf_addc(fields, '"');
				i += 2;
				continue;
			}
			if (c == '"') {
				quoted = 0;
				i++;
				continue;
			}
			if (c == '\n')
				(*lines)++;
			dft_buf_addc(fields, c);
			i++;
			continue;
		}
		if (c == '"' && at_start) {
			quoted = 1;
			at_start = 0;
			i++;
			continue;
		}
		if (c == ',') {
			dft_buf_addc(fields, 0);
			if (n < nf)
				offs[n++] = fields->len;
			at_start = 1;
			i++;
			continue;
		}
		if (c == '\n') {
			i++;
			break;
		}
		if (c != '\r' || i + 1 >= len || d[i + 1] != '\n')
			dft_buf_addc(fields, c);
		at_start = 0;
		i++;
	}
	*pos = i;
	if (quoted)
		return -1;
	dft_buf_addc(fields, 0);
	return n;
}

static int add_entry(dft_watchlist *w, dft_watch_entry **out)
{
	if (w->n == w->cap) {
		size_t c = w->cap ? w->cap * 2 : 256;
		dft_watch_entry *p = dft_realloc(w->e, c * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory reading the watchlist");
		w->e = p;
		w->cap = c;
	}
	*out = &w->e[w->n++];
	memset(*out, 0, sizeof **out);
	return 0;
}

static int add_name(dft_watch_entry *e, const char *s)
{
	char **p;
	char *c = dup_n(s, strlen(s));
	if (!c)
		return DFT_ENOMEM;
	for (size_t i = 0; i < e->nnames; i++)
		if (!strcmp(e->names[i], c)) {
			free(c);
			return 0;
		}
	p = dft_realloc(e->names, (e->nnames + 1) * sizeof(*p));
	if (!p) {
		free(c);
		return DFT_ENOMEM;
	}
	e->names = p;
	e->names[e->nnames++] = c;
	return 0;
}

int dft_watchlist_parse(dft_watchlist *w, const char *data, size_t len, const char *source)
{
	dft_buf fields;
	size_t pos = 0, line = 1, offs[8];
	int rc = 0;
	memset(w, 0, sizeof *w);
	dft_buf_init(&fields, (size_t)1 << 20);
	if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
		pos = 3; /* a byte-order mark */
	while (pos < len) {
		size_t this_line = line, extra = 0;
		int nf = csv_record(data, len, &pos, &fields, offs, 8, &extra);
		char *name;
		dft_watch_entry *e = NULL;
		line += 1 + extra;
		if (nf < 0) {
			rc = dft_error_set(DFT_EINVAL, "%s:%zu: a quoted field is not closed", source, this_line);
			goto done;
		}
		if (fields.len > (size_t)1 << 19) {
			rc = dft_error_set(DFT_ELIMIT, "%s:%zu: record too long", source, this_line);
			goto done;
		}
		name = trim(fields.ptr + offs[0]);
		if (!*name || name[0] == '#')
			continue;
		if (w->n == 0 && this_line == 1 && (!strcmp(name, "name") || !strcmp(name, "Name") || !strcmp(name, "NAME")))
			continue;
		if ((rc = add_entry(w, &e)) < 0)
			goto done;
		e->line = this_line;
		e->type = DFT_ENT_PERSON;
		if (!(e->label = dup_n(name, strlen(name))) || (rc = add_name(e, name)) < 0) {
			rc = dft_error_set(DFT_ENOMEM, "out of memory reading the watchlist");
			goto done;
		}
		if (nf > 1) { /* aliases, split at ';' */
			char *a = fields.ptr + offs[1], *semi;
			do {
				semi = strchr(a, ';');
				if (semi)
					*semi = 0;
				a = trim(a);
				if (*a && (rc = add_name(e, a)) < 0)
					goto done;
				a = semi ? semi + 1 : NULL;
			} while (a);
		}
		if (nf > 2) {
			char *t = trim(fields.ptr + offs[2]);
			if (*t) {
				int ty = dft_entity_type_parse(t);
				if (ty < 0 || (ty != DFT_ENT_PERSON && ty != DFT_ENT_ORG && ty != DFT_ENT_PLACE)) {
					rc = dft_error_set(DFT_EINVAL, "%s:%zu: type '%s' is not person, organization or place",
							   source, this_line, t);
					goto done;
				}
				e->type = ty;
			}
		}
		if (nf > 3 && *trim(fields.ptr + offs[3]))
			e->birth = dup_n(trim(fields.ptr + offs[3]), strlen(trim(fields.ptr + offs[3])));
		if (nf > 4 && *trim(fields.ptr + offs[4]))
			e->country = dup_n(trim(fields.ptr + offs[4]), strlen(trim(fields.ptr + offs[4])));
	}
done:
	dft_buf_dispose(&fields);
	if (rc < 0)
		dft_watchlist_dispose(w);
	return rc;
}

int dft_watchlist_load(dft_watchlist *w, const char *path)
{
	dft_buf b;
	FILE *f = fopen(path, "rb");
	char chunk[65536];
	size_t n;
	int rc = 0;
	memset(w, 0, sizeof *w);
	if (!f)
		return dft_error_set(DFT_EIO, "%s: %s", path, strerror(errno));
	dft_buf_init(&b, (size_t)1 << 30);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		if ((rc = dft_buf_add(&b, chunk, n)) < 0) {
			dft_error_prefix("%s", path);
			break;
		}
	if (rc == 0 && ferror(f))
		rc = dft_error_set(DFT_EIO, "%s: read error", path);
	fclose(f);
	if (rc == 0)
		rc = dft_watchlist_parse(w, b.ptr ? b.ptr : "", b.len, path);
	dft_buf_dispose(&b);
	return rc;
}

void dft_watchlist_dispose(dft_watchlist *w)
{
	for (size_t i = 0; i < w->n; i++) {
		for (size_t k = 0; k < w->e[i].nnames; k++)
			free(w->e[i].names[k]);
		free(w->e[i].names);
		free(w->e[i].label);
		free(w->e[i].birth);
		free(w->e[i].country);
	}
	free(w->e);
	memset(w, 0, sizeof *w);
}

/* ---- the sequence table: a trie in a hash ---------------------------------------- */

typedef struct target {
	uint32_t entry, name;
	struct target *next;
	char norm1[64]; /* a one-word name, normalised ("" otherwise, or too long) */
} target;

typedef struct slot {
	uint64_t h;     /* 0: empty */
	uint32_t off;   /* key in the arena */
	uint32_t len;
	target *targets; /* NULL: only a prefix */
	uint32_t docs;   /* documents it was found in (one-word sequences) */
	int64_t last_doc;
	int words;       /* words in the sequence */
	int short_key;   /* one word with a key under three letters */
	int common;      /* one word found in too many documents: see on_hit */
} slot;

typedef struct seq_table {
	slot *s;
	size_t cap, n;
	dft_buf arena;
} seq_table;

static uint64_t hash_of(const char *k, size_t n)
{
	uint64_t h = XXH3_64bits(k, n);
	return h ? h : 1;
}

static slot *table_find(seq_table *t, const char *k, size_t n, uint64_t h)
{
	size_t i = (size_t)h & (t->cap - 1);
	for (;;) {
		slot *s = &t->s[i];
		if (!s->h || (s->h == h && s->len == n && !memcmp(t->arena.ptr + s->off, k, n)))
			return s;
		i = (i + 1) & (t->cap - 1);
	}
}

static int table_grow(seq_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024;
	slot *ns = calloc(ncap, sizeof(*ns)), *old = t->s;
	size_t ocap = t->cap;
	if (!ns)
		return dft_error_set(DFT_ENOMEM, "out of memory indexing the watchlist");
	t->s = ns;
	t->cap = ncap;
	for (size_t i = 0; i < ocap; i++)
		if (old[i].h) {
			size_t j = (size_t)old[i].h & (ncap - 1);
			while (ns[j].h)
				j = (j + 1) & (ncap - 1);
			ns[j] = old[i];
		}
	free(old);
	return 0;
}

static int table_put(seq_table *t, const char *k, size_t n, const target *tg)
{
	uint64_t h = hash_of(k, n);
	slot *s;
	int rc;
	if ((t->n + 1) * 2 > t->cap && (rc = table_grow(t)) < 0)
		return rc;
	s = table_find(t, k, n, h);
	if (!s->h) {
		s->h = h;
		s->off = (uint32_t)t->arena.len;
		s->len = (uint32_t)n;
		if ((rc = dft_buf_add(&t->arena, k, n)) < 0)
			return rc;
		t->n++;
	}
	if (tg) {
		target *p;
		s->words = 1;
		for (size_t i = 0; i < n; i++)
			s->words += k[i] == ' ';
		s->short_key = s->words == 1 && n < 3;
		for (p = s->targets; p; p = p->next)
			if (p->entry == tg->entry && p->name == tg->name)
				return 0;
		p = malloc(sizeof *p);
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory indexing the watchlist");
		*p = *tg;
		p->next = s->targets;
		s->targets = p;
	}
	return 0;
}

static void table_dispose(seq_table *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		target *p = t->s[i].targets;
		while (p) {
			target *n = p->next;
			free(p);
			p = n;
		}
	}
	free(t->s);
	dft_buf_dispose(&t->arena);
}

/* Put a sequence (words i in `keep` of name n) and its prefixes. */
static int put_sequence(seq_table *t, const dft_name *n, const int *keep, const target *tg, dft_buf *k,
			int64_t *count)
{
	int rc, words = 0, distinct = 0;
	for (int i = 0; i < n->n; i++)
		if (keep[i]) {
			words++;
			if (n->w[i].role != DFT_NAME_MARKER && n->w[i].role != DFT_NAME_KUNYA && !n->w[i].given)
				distinct = 1;
		}
	/* one word: only a distinctive one of a one-word name; with a key
	 * under three letters it is matched only where spelled as listed
	 * ("Owen" and "Ono" key as "an", which is also the Arabic أن; Raqqa as
	 * "rk"): see on_hit */
	if (!distinct || words == 0 || words > XREF_MAX_WORDS || (words == 1 && n->n > 1))
		return 0;
	dft_buf_reset(k);
	for (int i = 0; i < n->n; i++) {
		if (!keep[i])
			continue;
		if (k->len) {
			if ((rc = table_put(t, k->ptr, k->len, NULL)) < 0 || (rc = dft_buf_addc(k, ' ')) < 0)
				return rc;
		}
		if ((rc = dft_buf_adds(k, n->w[i].key)) < 0)
			return rc;
	}
	(*count)++;
	return table_put(t, k->ptr, k->len, tg);
}

static int compile_list(seq_table *t, const dft_watchlist *w, int64_t *sequences, int64_t *names)
{
	dft_buf k;
	int rc = 0;
	dft_buf_init(&k, 4096);
	for (size_t e = 0; e < w->n && rc == 0; e++) {
		for (size_t m = 0; m < w->e[e].nnames && rc == 0; m++) {
			const char *s = w->e[e].names[m];
			dft_name n;
			int keep[DFT_NAME_MAX_WORDS], has_kunya = 0;
			target tg = {(uint32_t)e, (uint32_t)m, NULL, ""};
			if ((rc = dft_name_parse(w->e[e].type, s, strlen(s), &n)) < 0)
				break;
			if (n.n == 1) {
				dft_buf_reset(&k);
				if (dft_normalize_word(s, strlen(s), &k) == 0 && k.len < sizeof tg.norm1)
					memcpy(tg.norm1, k.ptr ? k.ptr : "", k.len + 1);
			}
			(*names)++;
			for (int i = 0; i < n.n; i++) {
				keep[i] = 1;
				has_kunya |= n.w[i].role == DFT_NAME_KUNYA;
			}
			if ((rc = put_sequence(t, &n, keep, &tg, &k, sequences)) < 0 || !has_kunya)
				continue;
			/* without the kunya: "Ibrahim al-Badri" of "Abu Du'a Ibrahim al-Badri" */
			for (int i = 0; i < n.n; i++)
				keep[i] = !(n.w[i].role == DFT_NAME_KUNYA ||
					    (n.w[i].role == DFT_NAME_MARKER && i + 1 < n.n && n.w[i + 1].role == DFT_NAME_KUNYA));
			if ((rc = put_sequence(t, &n, keep, &tg, &k, sequences)) < 0)
				break;
			/* the kunya and the last name: "Abu Bakr al-Baghdadi" of
			 * "Abu Bakr Ibrahim al-Badri al-Baghdadi" */
			for (int i = 0; i < n.n; i++)
				keep[i] = n.w[i].role == DFT_NAME_KUNYA || i == n.n - 1 ||
					  (n.w[i].role == DFT_NAME_MARKER && i + 1 < n.n && n.w[i + 1].role == DFT_NAME_KUNYA);
			rc = put_sequence(t, &n, keep, &tg, &k, sequences);
		}
	}
	dft_buf_dispose(&k);
	return rc;
}

/* ---- scanning ------------------------------------------------------------------ */

typedef struct hit_acc {
	double best;
	int64_t best_doc;
	size_t start, end;
	uint32_t name;
	const slot *best_slot;
	int64_t *docs;
	size_t ndocs, capdocs;
	int64_t hits;
	const char *why;
} hit_acc;

typedef struct text_word {
	size_t start, end;
	uint32_t koff, klen; /* key in the word-key buffer */
	uint32_t noff, nlen; /* normalised word in the norms buffer */
} text_word;

/* Verified hits, remembered: a listed name meets the same spelling many
 * times, and dft_name_compare_text parses both names. Keyed by the
 * target and the bytes of the text; a fixed table, overwritten on
 * collision (a miss only costs a new check). */
#define VERIFY_CACHE (1u << 16)
typedef struct verified {
	uint64_t h;
	double score;
	const char *why;
} verified;

typedef struct span {
	size_t start, end;
} span;

typedef struct xref_ctx {
	dft_store *st;
	const dft_watchlist *w;
	seq_table t;
	hit_acc *acc;
	dft_analyzer *an;
	text_word *words;
	size_t nwords, capwords;
	dft_buf keys, norm, key, seq;
	const char *text;
	int64_t doc;
	dft_xref_stats *stats;
	verified *cache;
	uint32_t common_person, common_place; /* see on_hit */
	span *spans; /* the current document's name mentions (NER), by start */
	size_t nspans, capspans;
	dft_buf norms; /* the normalised words of the current text, see text_word */
	size_t abd_pend; /* 1 + the last word when an ʿAbd head ("Abdul"), else 0 */
	size_t abd_end;  /* where it ends (past a detached article: "Abd al") */
	dft_buf pair;    /* scratch: an ʿAbd compound's key */
} xref_ctx;

static int add_span(void *ctx, size_t start, size_t end)
{
	xref_ctx *c = ctx;
	if (c->nspans == c->capspans) {
		size_t cap = c->capspans ? c->capspans * 2 : 256;
		span *p = dft_realloc(c->spans, cap * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory");
		c->spans = p;
		c->capspans = cap;
	}
	c->spans[c->nspans].start = start;
	c->spans[c->nspans].end = end;
	c->nspans++;
	return 0;
}

/* Does [start, end) lie inside a name the NER found? */
static int in_name_span(const xref_ctx *c, size_t start, size_t end)
{
	size_t lo = 0, hi = c->nspans;
	while (lo < hi) { /* the last span starting at or before start */
		size_t mid = (lo + hi) / 2;
		if (c->spans[mid].start <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo > 0 && c->spans[lo - 1].end >= end;
}

static int add_word(xref_ctx *c, const dft_token *tk, int role);

/* Only spaces and hyphens between two words of one name? */
static int name_gap(const char *t, size_t from, size_t to)
{
	for (; from < to; from++)
		if (t[from] != ' ' && t[from] != '\t' && t[from] != '\n' && t[from] != '\r' && t[from] != '-')
			return 0;
	return 1;
}

/* The word after an ʿAbd head ("Abdul" Kareem, "عبد" الكريم): the two are
 * one word of the name, as names.c parses them and as "Abdulkarim" is
 * written; the head's entry becomes the compound's. 1 when joined. */
static int join_abd(xref_ctx *c, const dft_token *tk, int role)
{
	text_word *hw = &c->words[c->abd_pend - 1];
	const char *w = c->text + tk->start;
	size_t wl = tk->end - tk->start;
	int rc;
	if (role == DFT_NAME_SKIP) {
		/* a detached article ("Abd al Karim") keeps the head waiting */
		int art = (wl == 2 && ((w[0] | 0x20) == 'a' || (w[0] | 0x20) == 'e') && (w[1] | 0x20) == 'l') ||
			  (wl == 6 && (!memcmp(w, "аль", 6) || !memcmp(w, "Аль", 6)));
		if (art)
			c->abd_end = tk->end;
		else
			c->abd_pend = 0;
		return art;
	}
	c->abd_pend = 0;
	if (role != DFT_NAME_ISM)
		return 0;
	dft_buf_reset(&c->pair);
	if ((rc = dft_name_key_pair(c->text + hw->start, tk->start - hw->start, w, wl, &c->pair, NULL)) < 0)
		return rc;
	if (!c->pair.len)
		return 0;
	c->keys.len = hw->koff;
	c->norms.len = hw->noff;
	if ((rc = dft_buf_add(&c->keys, c->pair.ptr, c->pair.len)) < 0 ||
	    (rc = dft_normalize_word(c->text + hw->start, tk->start - hw->start, &c->norms)) < 0 ||
	    (rc = dft_normalize_word(w, wl, &c->norms)) < 0)
		return rc;
	hw->end = tk->end;
	hw->klen = (uint32_t)c->pair.len;
	hw->nlen = (uint32_t)(c->norms.len - hw->noff);
	return 1;
}

static int on_token(void *ctx, const dft_token *tk)
{
	xref_ctx *c = ctx;
	int role, rc;
	if (tk->kind != DFT_TOK_SURFACE)
		return 0;
	c->stats->words++;
	role = dft_name_word_key(DFT_ENT_PERSON, c->text + tk->start, tk->end - tk->start, 1, &c->norm, &c->key, NULL);
	if (role < 0)
		return role;
	if (c->abd_pend) {
		if (!name_gap(c->text, c->abd_end, tk->start))
			c->abd_pend = 0;
		else if ((rc = join_abd(c, tk, role)) != 0)
			return rc < 0 ? rc : 0;
	}
	if (role == DFT_NAME_SKIP)
		return 0;
	if (role == DFT_NAME_ISM) {
		/* a kunya in one word (Abubakr, ابوبكر): the marker and the
		 * name, as names.c reads it */
		size_t k = dft_name_kunya_split(c->text + tk->start, tk->end - tk->start);
		if (k) {
			dft_token t = *tk;
			t.end = tk->start + k;
			dft_buf_reset(&c->key);
			dft_buf_reset(&c->norm);
			if ((rc = dft_buf_adds(&c->key, "ab")) < 0 ||
			    (rc = dft_normalize_word(c->text + t.start, t.end - t.start, &c->norm)) < 0 ||
			    (rc = add_word(c, &t, DFT_NAME_KUNYA_MARKER)) < 0)
				return rc;
			t.start = t.end;
			t.end = tk->end;
			role = dft_name_word_key(DFT_ENT_PERSON, c->text + t.start, t.end - t.start, 1, &c->norm, &c->key,
						 NULL);
			if (role < 0)
				return role;
			return role == DFT_NAME_SKIP ? 0 : add_word(c, &t, role);
		}
	}
	return add_word(c, tk, role);
}

/* One word of the text with its key (c->key, c->norm as on_token made
 * them). */
static int add_word(xref_ctx *c, const dft_token *tk, int role)
{
	int rc;
	if (c->nwords == c->capwords) {
		size_t cap = c->capwords ? c->capwords * 2 : 4096;
		text_word *p = dft_realloc(c->words, cap * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory scanning for names");
		c->words = p;
		c->capwords = cap;
	}
	c->words[c->nwords].start = tk->start;
	c->words[c->nwords].end = tk->end;
	c->words[c->nwords].koff = (uint32_t)c->keys.len;
	c->words[c->nwords].klen = (uint32_t)c->key.len;
	c->words[c->nwords].noff = (uint32_t)c->norms.len;
	c->words[c->nwords].nlen = (uint32_t)c->norm.len;
	if ((rc = dft_buf_add(&c->keys, c->key.ptr, c->key.len)) < 0 ||
	    (rc = dft_buf_add(&c->norms, c->norm.ptr, c->norm.len)) < 0)
		return rc;
	c->nwords++;
	if (role == DFT_NAME_ISM && dft_name_is_abd(c->text + tk->start, tk->end - tk->start)) {
		c->abd_pend = c->nwords;
		c->abd_end = tk->end;
	}
	return 0;
}

static int add_doc(hit_acc *a, int64_t doc)
{
	if (a->ndocs && a->docs[a->ndocs - 1] == doc)
		return 0;
	if (a->ndocs == a->capdocs) {
		size_t cap = a->capdocs ? a->capdocs * 2 : 8;
		int64_t *p = dft_realloc(a->docs, cap * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory");
		a->docs = p;
		a->capdocs = cap;
	}
	a->docs[a->ndocs++] = doc;
	return 0;
}

/* A one-word name matched only by its key (other spelling or script),
 * where the NER saw a name, in more documents than a name is - 2% of them
 * for people and organisations, 20% for places, and at least 20 - is a
 * common word of the case sharing its key (the model takes some of them
 * for names): the sequence is dropped, and a row whose best hit came
 * through it is not reported (stats: common). Names spelled as listed are
 * never counted here: a place named in every letter is still found. */
static int one_word_common(xref_ctx *c, slot *s)
{
	if (s->last_doc != c->doc) {
		s->last_doc = c->doc;
		s->docs++;
	}
	if (s->docs > c->common_person) {
		int place = 1;
		for (const target *tg = s->targets; tg; tg = tg->next)
			place &= c->w->e[tg->entry].type == DFT_ENT_PLACE;
		if (!place || s->docs > c->common_place)
			s->common = 1;
	}
	return s->common;
}

static int on_hit(xref_ctx *c, slot *s, size_t first, size_t last)
{
	size_t start = c->words[first].start, end = c->words[last].end;
	int rc;
	if (s->words == 1 && s->common)
		return 0;
	/* a one-word hit: the word as on_token normalised it */
	const char *nw = c->norms.ptr ? c->norms.ptr + c->words[first].noff : "";
	size_t nwl = c->words[first].nlen;
	for (const target *tg = s->targets; tg; tg = tg->next) {
		const dft_watch_entry *e = &c->w->e[tg->entry];
		const char *name = e->names[tg->name], *why = NULL;
		hit_acc *a = &c->acc[tg->entry];
		uint64_t h = XXH3_64bits_withSeed(c->text + start, end - start, ((uint64_t)tg->entry << 20) ^ tg->name);
		verified *v = &c->cache[h & (VERIFY_CACHE - 1)];
		double score;
		int alike = s->words == 1 && tg->norm1[0] && nwl == strlen(tg->norm1) && !memcmp(nw, tg->norm1, nwl);
		/* a short key finds words, not names: only the listed spelling;
		 * another spelling of one word only where the NER saw a name
		 * ("Wytham" and وتم share a key; the word "وتم" is no name) -
		 * both checked before the dearer comparison */
		if (s->short_key && !alike)
			continue;
		if (s->words == 1 && !alike && (!in_name_span(c, start, end) || one_word_common(c, s)))
			continue;
		if (v->h != h) {
			v->h = h;
			v->score = dft_name_compare_text(e->type, name, strlen(name), c->text + start, end - start, &v->why);
		}
		score = v->score;
		why = v->why;
		if (score <= 0)
			continue;
		if (s->words == 1 && !alike) {
			/* the key alone speaks: Lyndon and London are لندن */
			score *= 0.8;
			why = "one word, the same name key (no vowels to compare)";
		}
		c->stats->hits++;
		a->hits++;
		if ((rc = add_doc(a, c->doc)) < 0)
			return rc;
		if (score > a->best) {
			a->best = score;
			a->best_doc = c->doc;
			a->start = start;
			a->end = end;
			a->name = tg->name;
			a->best_slot = s;
			a->why = why;
		}
	}
	return 0;
}

static int scan_text(void *ctx, int64_t id, const char *text, size_t len)
{
	xref_ctx *c = ctx;
	int rc;
	c->doc = id;
	c->text = text;
	c->nwords = 0;
	c->abd_pend = 0;
	dft_buf_reset(&c->keys);
	dft_buf_reset(&c->norms);
	c->stats->documents++;
	c->stats->bytes += (int64_t)len;
	c->nspans = 0;
	if ((rc = dft_store_name_spans(c->st, id, add_span, c)) < 0)
		return rc;
	if ((rc = dft_analyze(c->an, text, len, on_token, c)) < 0)
		return rc;
	for (size_t i = 0; i < c->nwords; i++) {
		dft_buf_reset(&c->seq);
		for (size_t j = i; j < c->nwords && j < i + XREF_MAX_WORDS; j++) {
			slot *s;
			const text_word *tw = &c->words[j];
			if (j > i && (rc = dft_buf_addc(&c->seq, ' ')) < 0)
				return rc;
			if ((rc = dft_buf_add(&c->seq, c->keys.ptr + tw->koff, tw->klen)) < 0)
				return rc;
			s = table_find(&c->t, c->seq.ptr, c->seq.len, hash_of(c->seq.ptr, c->seq.len));
			if (!s->h)
				break; /* no listed name goes on like this */
			if (s->targets && (rc = on_hit(c, s, i, j)) < 0)
				return rc;
		}
	}
	return 0;
}

/* The text around [start, end), cut at UTF-8 boundaries, on one line. */
static int snippet(dft_buf *out, const char *t, size_t len, size_t start, size_t end)
{
	size_t a = start > 80 ? start - 80 : 0, b = end + 80 < len ? end + 80 : len;
	int rc = 0;
	while (a > 0 && ((unsigned char)t[a] & 0xC0) == 0x80)
		a--;
	while (b < len && ((unsigned char)t[b] & 0xC0) == 0x80)
		b++;
	dft_buf_reset(out);
	if (a > 0)
		rc = dft_buf_adds(out, "…");
	for (size_t i = a; i < b && rc == 0; i++)
		rc = dft_buf_addc(out, (t[i] == '\n' || t[i] == '\r' || t[i] == '\f' || t[i] == '\t') ? ' ' : t[i]);
	if (rc == 0 && b < len)
		rc = dft_buf_adds(out, "…");
	return rc;
}

static int by_score(const void *x, const void *y, void *ctx)
{
	const hit_acc *acc = ctx;
	size_t a = *(const size_t *)x, b = *(const size_t *)y;
	if (acc[a].best != acc[b].best)
		return acc[a].best > acc[b].best ? -1 : 1;
	if (acc[a].ndocs != acc[b].ndocs)
		return acc[a].ndocs > acc[b].ndocs ? -1 : 1;
	return a < b ? -1 : 1;
}

static int entity_name(void *ctx, const dft_entity_row *r)
{
	dft_buf *b = ctx;
	dft_buf_reset(b);
	return dft_buf_adds(b, r->name);
}

int dft_xref(dft_store *st, const dft_watchlist *w, double min_score,
	     int (*fn)(void *ctx, const dft_xref_match *m), void *ctx, dft_xref_stats *stats)
{
	xref_ctx c;
	size_t *order = NULL, no = 0;
	dft_buf text, ev, name;
	double t0 = dft_now();
	int64_t ntexts = 0;
	int rc;
	memset(&c, 0, sizeof c);
	memset(stats, 0, sizeof *stats);
	c.st = st;
	c.w = w;
	c.stats = stats;
	dft_buf_init(&c.t.arena, (size_t)1 << 31);
	dft_buf_init(&c.keys, (size_t)1 << 31);
	dft_buf_init(&c.norm, 4096);
	dft_buf_init(&c.key, 4096);
	dft_buf_init(&c.seq, 4096);
	dft_buf_init(&c.pair, 4096);
	dft_buf_init(&c.norms, (size_t)1 << 31);
	dft_buf_init(&text, (size_t)1 << 30);
	dft_buf_init(&ev, 4096);
	dft_buf_init(&name, 4096);
	c.acc = calloc(w->n ? w->n : 1, sizeof(*c.acc));
	c.cache = calloc(VERIFY_CACHE, sizeof(*c.cache));
	if (!c.acc || !c.cache) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory");
		goto done;
	}
	if ((rc = dft_store_texts_count(st, &ntexts)) < 0)
		goto done;
	c.common_person = (uint32_t)(ntexts / 50 > 20 ? ntexts / 50 : 20);
	c.common_place = (uint32_t)(ntexts / 5 > 20 ? ntexts / 5 : 20);
	if ((rc = table_grow(&c.t)) < 0 || (rc = compile_list(&c.t, w, &stats->sequences, &stats->names)) < 0 ||
	    (rc = dft_analyzer_new(&c.an, NULL, 0)) < 0 || (rc = dft_store_texts_each(st, scan_text, &c)) < 0)
		goto done;
	order = malloc((w->n ? w->n : 1) * sizeof(*order));
	if (!order) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < w->n; i++)
		if (c.acc[i].ndocs && c.acc[i].best >= min_score) {
			if (c.acc[i].best_slot && c.acc[i].best_slot->common)
				stats->common++;
			else
				order[no++] = i;
		}
	if (no > 1)
		dft_sort_r(order, no, sizeof(*order), by_score, c.acc);
	stats->matches = (int64_t)no;
	stats->seconds = dft_now() - t0;
	for (size_t k = 0; k < no && rc == 0; k++) {
		hit_acc *a = &c.acc[order[k]];
		dft_xref_match m;
		int has;
		memset(&m, 0, sizeof m);
		m.watch = &w->e[order[k]];
		m.matched = m.watch->names[a->name];
		m.score = a->best;
		m.documents = a->docs;
		m.ndocuments = a->ndocs;
		m.hits = a->hits;
		m.why = a->why;
		m.evidence_doc = a->best_doc;
		dft_buf_reset(&text);
		if ((rc = dft_store_doc_text(st, a->best_doc, &text, &has)) < 0 ||
		    (rc = snippet(&ev, text.ptr ? text.ptr : "", text.len, a->start, a->end)) < 0)
			break;
		m.evidence = dft_buf_cstr(&ev);
		dft_buf_reset(&name);
		if ((rc = dft_buf_add(&name, text.ptr + a->start, a->end - a->start)) < 0 ||
		    (rc = dft_store_entity_at(st, a->best_doc, a->start, a->end, &m.entity)) < 0)
			break;
		if (m.entity) {
			dft_entity_filter f = {-1, 0, m.entity, 1, 0};
			if ((rc = dft_store_entities_list(st, &f, entity_name, &name)) < 0)
				break;
		}
		m.name = dft_buf_cstr(&name);
		rc = fn(ctx, &m);
	}
done:
	if (c.acc)
		for (size_t i = 0; i < w->n; i++)
			free(c.acc[i].docs);
	free(c.acc);
	free(c.cache);
	free(order);
	free(c.words);
	table_dispose(&c.t);
	dft_analyzer_free(c.an);
	dft_buf_dispose(&c.keys);
	dft_buf_dispose(&c.norm);
	dft_buf_dispose(&c.key);
	dft_buf_dispose(&c.seq);
	dft_buf_dispose(&c.pair);
	dft_buf_dispose(&c.norms);
	free(c.spans);
	dft_buf_dispose(&text);
	dft_buf_dispose(&ev);
	dft_buf_dispose(&name);
	return rc;
}
