/*
 * pgtext.c - the full-text pieces of the PostgreSQL store (pgtext.h),
 * without a database: daftar's analyzer (text.h) writing a tsvector input
 * literal with the same tokens the FTS5 tokenizer (tokenizer.c) indexes,
 * the FTS5 MATCH expressions of query.c translated to tsquery text, and a
 * snippet + page in the look of FTS5's snippet() and dft_page.
 *
 * The tsvector is built in one pass over the three columns: lexemes go into
 * one byte arena and an open-addressing hash table, (lexeme, position)
 * pairs into one array; at the end a counting sort groups the positions of
 * each lexeme. Nothing is allocated per token.
 */
#include "daftar/pgtext.h"
#include "daftar/index.h"
#include "daftar/text.h"

#include <stdlib.h>
#include <string.h>

/* tsvector position weights (the top two bits of a WordEntryPos) */
#define W_A 3
#define W_B 2
#define W_D 0

/* Quote a lexeme for tsvector/tsquery input: '...', ' doubled, \ escaped. */
static int add_lexeme(dft_buf *out, const char *s, size_t n)
{
	size_t i, run = 0;
	int rc = dft_buf_addc(out, '\'');
	for (i = 0; i < n && rc == 0; i++) {
		if (s[i] != '\'' && s[i] != '\\')
			continue;
		if ((rc = dft_buf_add(out, s + run, i - run)) == 0)
			rc = dft_buf_add(out, s[i] == '\'' ? "''" : "\\\\", 2);
		run = i + 1;
	}
	if (rc == 0)
		rc = dft_buf_add(out, s + run, n - run);
	if (rc == 0)
		rc = dft_buf_addc(out, '\'');
	return rc;
}

static uint32_t hash_bytes(const char *s, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;
	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h ^ (h >> 15);
}

/* Grow an array of `size`-byte elements to hold at least `need`. */
static int grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *p;
	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (!(p = dft_realloc(*arr, n * size)))
		return DFT_ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}

/* ==== tsvector ============================================================= */

struct lexeme {
	uint32_t off, len; /* in the arena */
	uint32_t hash;
	uint16_t npos;
	uint16_t last; /* last position added (0: none) */
};

struct posent {
	uint32_t lex;
	uint16_t posw; /* weight << 14 | position */
};

struct tsv {
	dft_buf arena;
	struct lexeme *lex;
	size_t nlex, caplex;
	uint32_t *table; /* lexeme index + 1, 0 empty */
	size_t tcap;     /* a power of two */
	struct posent *pos;
	size_t npos, cappos;
	size_t est;   /* estimated binary size of the tsvector */
	int full;     /* no new lexemes any more */
	int dropped;  /* tokens left out for size */
	int weight;
	int started;  /* the current column has a position */
	long p;       /* last position given */
};

static int tsv_rehash(struct tsv *v)
{
	size_t ncap = v->tcap ? v->tcap * 2 : 1024, i;
	uint32_t *t = dft_calloc(ncap, sizeof(*t));
	if (!t)
		return DFT_ENOMEM;
	for (i = 0; i < v->nlex; i++) {
		size_t k = v->lex[i].hash & (ncap - 1);
		while (t[k])
			k = (k + 1) & (ncap - 1);
		t[k] = (uint32_t)i + 1;
	}
	free(v->table);
	v->table = t;
	v->tcap = ncap;
	return 0;
}

static int tsv_add_pos(struct tsv *v, uint32_t lex, uint16_t pos)
{
	struct posent *e;
	if (grow((void **)&v->pos, &v->cappos, v->npos + 1, sizeof(*v->pos)) < 0)
		return DFT_ENOMEM;
	e = &v->pos[v->npos++];
	e->lex = lex;
	e->posw = (uint16_t)((unsigned)v->weight << 14 | pos);
	v->lex[lex].npos++;
	v->lex[lex].last = pos;
	return 0;
}

static int tsv_token(void *ctx, const dft_token *t)
{
	struct tsv *v = ctx;
	uint32_t h;
	uint16_t pos;
	size_t k;
	int rc;

	if (!t->colocated || !v->started) {
		v->p++;
		v->started = 1;
	}
	if (t->len == 0 || t->len > DFT_PG_MAX_LEXEME)
		return 0;
	pos = (uint16_t)(v->p > DFT_PG_MAX_POS ? DFT_PG_MAX_POS : v->p);
	h = hash_bytes(t->text, t->len);
	for (k = h & (v->tcap - 1); v->table[k]; k = (k + 1) & (v->tcap - 1)) {
		struct lexeme *l = &v->lex[v->table[k] - 1];
		if (l->hash != h || l->len != t->len || memcmp(v->arena.ptr + l->off, t->text, t->len) != 0)
			continue;
		if (l->last == pos || l->npos >= DFT_PG_MAX_NPOS)
			return 0; /* as PostgreSQL: one entry a position, the first 256 */
		if (v->est + 2 > DFT_PG_HARD_BYTES) {
			v->dropped++;
			return 0;
		}
		v->est += 2;
		return tsv_add_pos(v, v->table[k] - 1, pos);
	}
	/* a new lexeme: entry (4), text (+1 to align), npos (2), one position */
	if (v->full || v->est + 4 + t->len + 1 + 2 + 2 > DFT_PG_SOFT_BYTES) {
		v->full = 1;
		v->dropped++;
		return 0;
	}
	if ((rc = grow((void **)&v->lex, &v->caplex, v->nlex + 1, sizeof(*v->lex))) < 0)
		return rc;
	v->lex[v->nlex].off = (uint32_t)v->arena.len;
	v->lex[v->nlex].len = (uint32_t)t->len;
	v->lex[v->nlex].hash = h;
	v->lex[v->nlex].npos = 0;
	v->lex[v->nlex].last = 0;
	if ((rc = dft_buf_add(&v->arena, t->text, t->len)) < 0)
		return rc;
	v->table[k] = (uint32_t)v->nlex + 1;
	v->nlex++;
	v->est += 4 + t->len + 1 + 2 + 2;
	if ((rc = tsv_add_pos(v, (uint32_t)v->nlex - 1, pos)) < 0)
		return rc;
	if (v->nlex * 2 > v->tcap)
		return tsv_rehash(v);
	return 0;
}

static int add_uint(dft_buf *out, unsigned v)
{
	char d[12];
	size_t n = sizeof(d);
	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return dft_buf_add(out, d + n, sizeof(d) - n);
}

/* The entries, each lexeme with its positions in order. */
static int tsv_write(struct tsv *v, dft_buf *out)
{
	size_t *first = NULL, i;
	uint16_t *sorted = NULL;
	int rc = 0;

	if (v->nlex == 0)
		return 0;
	first = dft_malloc((v->nlex + 1) * sizeof(*first));
	sorted = dft_malloc((v->npos ? v->npos : 1) * sizeof(*sorted));
	if (!first || !sorted) {
		rc = DFT_ENOMEM;
		goto done;
	}
	first[0] = 0;
	for (i = 0; i < v->nlex; i++)
		first[i + 1] = first[i] + v->lex[i].npos;
	for (i = 0; i < v->npos; i++) /* stable: positions stay in order */
		sorted[first[v->pos[i].lex]++] = v->pos[i].posw;
	for (i = 0; i < v->nlex && rc == 0; i++) {
		const struct lexeme *l = &v->lex[i];
		size_t j, end = first[i], start = end - l->npos;
		if (i && (rc = dft_buf_addc(out, ' ')) < 0)
			break;
		if ((rc = add_lexeme(out, v->arena.ptr + l->off, l->len)) < 0)
			break;
		for (j = start; j < end && rc == 0; j++) {
			unsigned w = sorted[j] >> 14;
			rc = dft_buf_addc(out, j == start ? ':' : ',');
			if (rc == 0)
				rc = add_uint(out, sorted[j] & 0x3FFF);
			if (rc == 0 && w != W_D)
				rc = dft_buf_addc(out, w == W_A ? 'A' : w == W_B ? 'B' : 'C');
		}
	}
done:
	free(first);
	free(sorted);
	return rc;
}

int dft_pg_tsvector(const char *title, size_t tlen, const char *path, size_t plen, const char *body, size_t blen,
		    const char *lang, dft_buf *out)
{
	const char *col[3] = {title, path, body};
	size_t len[3] = {tlen, plen, blen};
	const int weight[3] = {W_A, W_B, W_D};
	dft_analyzer *an = NULL;
	struct tsv v;
	int rc, i;

	(void)lang; /* stems by script, as tokenizer.c: see pgtext.h */
	memset(&v, 0, sizeof(v));
	dft_buf_init(&v.arena, (size_t)DFT_PG_HARD_BYTES + 4096);
	v.est = 8; /* varlena header + count */
	if ((rc = tsv_rehash(&v)) < 0)
		goto done;
	if ((rc = dft_analyzer_new(&an, NULL, DFT_AN_INDEX)) < 0)
		goto done;
	for (i = 0; i < 3; i++) {
		if (i)
			v.p += DFT_PG_COLUMN_GAP;
		v.weight = weight[i];
		v.started = 0;
		if (!col[i] || !len[i])
			continue;
		if ((rc = dft_analyze(an, col[i], len[i], tsv_token, &v)) < 0)
			goto done;
	}
	if ((rc = tsv_write(&v, out)) == 0)
		rc = v.dropped;
done:
	dft_analyzer_free(an);
	dft_buf_dispose(&v.arena);
	free(v.lex);
	free(v.table);
	free(v.pos);
	return rc;
}

/* ==== tsquery ============================================================== */

/* Levels of a translated sub-expression, from tsquery's loosest operator to
 * its tightest: a child is put in parentheses when its level is below what
 * its parent needs. */
enum { L_OR = 1, L_AND, L_PHRASE, L_ATOM };

#define TSQ_MAX_DEPTH 128

struct tsq {
	const char *s;
	size_t len, pos;
	int depth;
	dft_analyzer *an; /* surface forms only, as FTS5 splits query strings */
	dft_buf str;      /* the current string, unescaped */
};

static int tsq_err(struct tsq *p, const char *what)
{
	return dft_error_set(DFT_EINVAL, "tsquery: at %zu of the FTS5 expression: %s", p->pos + 1, what);
}

static void tsq_space(struct tsq *p)
{
	while (p->pos < p->len && (p->s[p->pos] == ' ' || p->s[p->pos] == '\t' || p->s[p->pos] == '\n' ||
				   p->s[p->pos] == '\r'))
		p->pos++;
}

/* FTS5's bareword characters (sqlite3Fts5IsBareword). */
static int bare_char(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u == '_' ||
	       u == 0x1A;
}

/* Is the bareword kw (AND, OR, NOT, NEAR) next? */
static int tsq_keyword(struct tsq *p, const char *kw)
{
	size_t n = strlen(kw);
	tsq_space(p);
	return p->pos + n <= p->len && memcmp(p->s + p->pos, kw, n) == 0 &&
	       (p->pos + n == p->len || !bare_char(p->s[p->pos + n]));
}

static int is_near(struct tsq *p)
{
	size_t q;
	if (!tsq_keyword(p, "NEAR"))
		return 0;
	for (q = p->pos + 4; q < p->len && (p->s[q] == ' ' || p->s[q] == '\t' || p->s[q] == '\n' || p->s[q] == '\r');
	     q++)
		;
	return q < p->len && p->s[q] == '(';
}

/* A string ("..." with "" inside, or a bareword) into p->str; 1 if none. */
static int tsq_string(struct tsq *p)
{
	int rc = 0;
	tsq_space(p);
	dft_buf_reset(&p->str);
	if (p->pos >= p->len)
		return 1;
	if (p->s[p->pos] == '"') {
		size_t open = p->pos++;
		for (;;) {
			if (p->pos >= p->len) {
				p->pos = open;
				return tsq_err(p, "a string is never closed");
			}
			if (p->s[p->pos] == '"') {
				if (p->pos + 1 < p->len && p->s[p->pos + 1] == '"') {
					rc = dft_buf_addc(&p->str, '"');
					p->pos += 2;
				} else {
					p->pos++;
					break;
				}
			} else {
				rc = dft_buf_addc(&p->str, p->s[p->pos++]);
			}
			if (rc < 0)
				return rc;
		}
		return 0;
	}
	if (!bare_char(p->s[p->pos]) || tsq_keyword(p, "AND") || tsq_keyword(p, "OR") || tsq_keyword(p, "NOT") ||
	    is_near(p))
		return 1;
	while (p->pos < p->len && bare_char(p->s[p->pos]))
		if ((rc = dft_buf_addc(&p->str, p->s[p->pos++])) < 0)
			return rc;
	return 0;
}

struct phrase_ctx {
	dft_buf *out;
	int n;
};

static int phrase_token(void *ctx, const dft_token *t)
{
	struct phrase_ctx *pc = ctx;
	int rc = 0;
	if (t->colocated || t->len == 0)
		return 0;
	if (pc->n++)
		rc = dft_buf_adds(pc->out, " <-> ");
	if (rc == 0)
		rc = add_lexeme(pc->out, t->text, t->len);
	return rc < 0 ? rc : 0;
}

/* phrase := string ["*"] ("+" string ["*"])*  → 'a' <-> 'b':* */
static int tsq_phrase(struct tsq *p, dft_buf *out, int *level)
{
	int rc, n = 0;
	for (;;) {
		struct phrase_ctx pc = {out, 0};
		size_t at;
		tsq_space(p);
		at = p->pos;
		if ((rc = tsq_string(p)) != 0)
			return rc < 0 ? rc : tsq_err(p, "expected a quoted string");
		if (n && (rc = dft_buf_adds(out, " <-> ")) < 0)
			return rc;
		/* as tokenizer.c does with query text: stems and keys pass whole */
		if (p->str.len > 2 && (p->str.ptr[0] == 's' || p->str.ptr[0] == 'k') && p->str.ptr[1] == ':') {
			rc = add_lexeme(out, p->str.ptr, p->str.len);
			pc.n = 1;
		} else {
			rc = dft_analyze(p->an, p->str.ptr, p->str.len, phrase_token, &pc);
			if (rc > 0)
				rc = DFT_ENOMEM;
		}
		if (rc < 0)
			return rc;
		if (pc.n == 0) {
			p->pos = at;
			return tsq_err(p, "a string without any word");
		}
		n += pc.n;
		tsq_space(p);
		if (p->pos < p->len && p->s[p->pos] == '*') {
			p->pos++;
			if ((rc = dft_buf_adds(out, ":*")) < 0)
				return rc;
			tsq_space(p);
		}
		if (p->pos < p->len && p->s[p->pos] == '+') {
			p->pos++;
			continue;
		}
		break;
	}
	*level = n > 1 ? L_PHRASE : L_ATOM;
	return 0;
}

/* Append src to out, in parentheses when its level is below min. */
static int tsq_put(dft_buf *out, const dft_buf *src, int level, int min)
{
	int rc = 0;
	if (level < min)
		rc = dft_buf_adds(out, "( ");
	if (rc == 0)
		rc = dft_buf_add(out, src->ptr ? src->ptr : "", src->len);
	if (rc == 0 && level < min)
		rc = dft_buf_adds(out, " )");
	return rc;
}

static int tsq_or(struct tsq *p, dft_buf *out, int *level);

/* NEAR(phrase phrase ... [, N]) → ( a & b ): the proximity is not enforced
 * in PostgreSQL mode. tsquery's <N> means "exactly N apart, in this order",
 * NEAR means "within N, in any order"; spelling that out would take every
 * distance in both orders, so the words are only required together. */
static int tsq_near(struct tsq *p, dft_buf *out, int *level)
{
	dft_buf all;
	int rc = 0, n = 0, lv = L_ATOM;
	tsq_space(p);
	p->pos += 4; /* NEAR */
	tsq_space(p);
	p->pos++; /* ( */
	dft_buf_init(&all, DFT_QUERY_MAX_BYTES * 16);
	for (;;) {
		tsq_space(p);
		if (p->pos >= p->len) {
			rc = tsq_err(p, "NEAR( is never closed");
			goto done;
		}
		if (p->s[p->pos] == ')') {
			p->pos++;
			break;
		}
		if (p->s[p->pos] == ',') {
			size_t digits;
			p->pos++;
			tsq_space(p);
			for (digits = 0; p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9'; digits++)
				p->pos++;
			tsq_space(p);
			if (!digits || p->pos >= p->len || p->s[p->pos] != ')') {
				rc = tsq_err(p, "expected a distance and ')' after the comma in NEAR");
				goto done;
			}
			p->pos++;
			break;
		}
		if (n++ && (rc = dft_buf_adds(&all, " & ")) < 0)
			goto done;
		if ((rc = tsq_phrase(p, &all, &lv)) < 0)
			goto done;
	}
	if (n == 0) {
		rc = tsq_err(p, "NEAR without a phrase");
		goto done;
	}
	*level = n > 1 ? L_ATOM : lv;
	rc = tsq_put(out, &all, n > 1 ? L_AND : L_ATOM, L_ATOM);
done:
	dft_buf_dispose(&all);
	return rc;
}

/* primary := "(" or ")" | NEAR(...) | phrase */
static int tsq_primary(struct tsq *p, dft_buf *out, int *level)
{
	tsq_space(p);
	if (p->pos >= p->len)
		return tsq_err(p, "expected a phrase, NEAR or '('");
	if (p->s[p->pos] == '(') {
		dft_buf in;
		int rc, lv = L_ATOM;
		size_t open = p->pos++;
		if (++p->depth > TSQ_MAX_DEPTH)
			return tsq_err(p, "nested too deep");
		dft_buf_init(&in, DFT_QUERY_MAX_BYTES * 16);
		rc = tsq_or(p, &in, &lv);
		tsq_space(p);
		if (rc == 0 && (p->pos >= p->len || p->s[p->pos] != ')')) {
			p->pos = open;
			rc = tsq_err(p, "this '(' is never closed");
		}
		if (rc == 0) {
			p->pos++;
			p->depth--;
			rc = tsq_put(out, &in, lv, L_ATOM);
		}
		dft_buf_dispose(&in);
		*level = L_ATOM;
		return rc;
	}
	if (is_near(p))
		return tsq_near(p, out, level);
	if (p->s[p->pos] == '"' || bare_char(p->s[p->pos])) {
		/* a column filter (col : ...) is a bareword and a colon */
		size_t q = p->pos;
		if (p->s[q] != '"') {
			while (q < p->len && bare_char(p->s[q]))
				q++;
			while (q < p->len && (p->s[q] == ' ' || p->s[q] == '\t'))
				q++;
			if (q < p->len && p->s[q] == ':')
				return tsq_err(p, "a column filter cannot be translated (dft_query_compile writes none)");
		}
		return tsq_phrase(p, out, level);
	}
	if (p->s[p->pos] == '{' || p->s[p->pos] == '-')
		return tsq_err(p, "a column filter cannot be translated (dft_query_compile writes none)");
	if (p->s[p->pos] == '^')
		return tsq_err(p, "'^' (first token of a column) cannot be translated");
	return tsq_err(p, "expected a phrase, NEAR or '('");
}

static int starts_primary(struct tsq *p)
{
	char c;
	tsq_space(p);
	if (p->pos >= p->len)
		return 0;
	c = p->s[p->pos];
	if (c == '"' || c == '(' || c == '{' || c == '^' || c == '-')
		return 1;
	return bare_char(c) && !tsq_keyword(p, "AND") && !tsq_keyword(p, "OR") && !tsq_keyword(p, "NOT");
}

/* Join the results of `sub` with `op`: "a & b", children below min in
 * parentheses. `sep` (a keyword or NULL) must come between; with
 * implicit != 0 juxtaposition joins too. */
static int tsq_join(struct tsq *p, dft_buf *out, int *level, int (*sub)(struct tsq *, dft_buf *, int *),
		   const char *sep, int implicit, const char *op, int min, int joined_level)
{
	dft_buf first, t;
	int rc, lv = L_ATOM, n = 1;
	dft_buf_init(&first, DFT_QUERY_MAX_BYTES * 16);
	dft_buf_init(&t, DFT_QUERY_MAX_BYTES * 16);
	if ((rc = sub(p, &first, &lv)) < 0)
		goto done;
	*level = lv;
	for (;;) {
		if (sep && tsq_keyword(p, sep))
			p->pos += strlen(sep);
		else if (!implicit || !starts_primary(p))
			break;
		if (n++ == 1)
			rc = tsq_put(out, &first, *level, min);
		dft_buf_reset(&t);
		if (rc == 0)
			rc = sub(p, &t, &lv);
		if (rc == 0)
			rc = dft_buf_adds(out, op);
		if (rc == 0)
			rc = tsq_put(out, &t, lv, min);
		if (rc < 0)
			goto done;
		*level = joined_level;
	}
	if (n == 1)
		rc = dft_buf_add(out, first.ptr ? first.ptr : "", first.len);
done:
	dft_buf_dispose(&first);
	dft_buf_dispose(&t);
	return rc;
}

/* list := primary primary* (FTS5's implicit AND) */
static int tsq_list(struct tsq *p, dft_buf *out, int *level)
{
	return tsq_join(p, out, level, tsq_primary, NULL, 1, " & ", L_AND, L_AND);
}

/* not := list ("NOT" list)*: a NOT b is a & !b; ! binds tighter than any
 * other tsquery operator, so b goes in parentheses unless it is one term. */
static int tsq_not(struct tsq *p, dft_buf *out, int *level)
{
	dft_buf first, t;
	int rc, lv = L_ATOM, n = 0;
	dft_buf_init(&first, DFT_QUERY_MAX_BYTES * 16);
	dft_buf_init(&t, DFT_QUERY_MAX_BYTES * 16);
	if ((rc = tsq_list(p, &first, &lv)) < 0)
		goto done;
	*level = lv;
	while (tsq_keyword(p, "NOT")) {
		p->pos += 3;
		if (n++ == 0)
			rc = tsq_put(out, &first, *level, L_AND);
		dft_buf_reset(&t);
		if (rc == 0)
			rc = tsq_list(p, &t, &lv);
		if (rc == 0)
			rc = dft_buf_adds(out, " & !");
		if (rc == 0)
			rc = tsq_put(out, &t, lv, L_ATOM);
		if (rc < 0)
			goto done;
		*level = L_AND;
	}
	if (n == 0)
		rc = dft_buf_add(out, first.ptr ? first.ptr : "", first.len);
done:
	dft_buf_dispose(&first);
	dft_buf_dispose(&t);
	return rc;
}

static int tsq_and(struct tsq *p, dft_buf *out, int *level)
{
	return tsq_join(p, out, level, tsq_not, "AND", 0, " & ", L_AND, L_AND);
}

static int tsq_or(struct tsq *p, dft_buf *out, int *level)
{
	return tsq_join(p, out, level, tsq_and, "OR", 0, " | ", L_OR, L_OR);
}

int dft_pg_tsquery(const char *fts5_match, size_t len, dft_buf *out)
{
	struct tsq p;
	int rc, level = L_ATOM;

	memset(&p, 0, sizeof(p));
	p.s = fts5_match;
	p.len = len;
	if (!fts5_match && len)
		return dft_error_set(DFT_EINVAL, "tsquery: no expression");
	if (!dft_utf8_valid(fts5_match ? fts5_match : "", len))
		return dft_error_set(DFT_EINVAL, "tsquery: the FTS5 expression is not valid UTF-8");
	dft_buf_init(&p.str, DFT_QUERY_MAX_BYTES * 2);
	if ((rc = dft_analyzer_new(&p.an, NULL, 0)) < 0)
		goto done;
	tsq_space(&p);
	if (p.pos >= p.len) {
		rc = dft_error_set(DFT_EINVAL, "tsquery: empty FTS5 expression");
		goto done;
	}
	rc = tsq_or(&p, out, &level);
	tsq_space(&p);
	if (rc == 0 && p.pos < p.len)
		rc = tsq_err(&p, p.s[p.pos] == ')' ? "unexpected ')'" : "unexpected text");
done:
	dft_analyzer_free(p.an);
	dft_buf_dispose(&p.str);
	return rc;
}

/* ==== snippet ============================================================== */

#define SNIP_TOKENS 24

/* A form of a query word, in the table of forms. */
struct form {
	uint32_t off, len, hash;
	int word;
	int key; /* a cross-script key: matches only when nothing else does */
};

/* A token that matches. As in FTS5, where query.c writes each form of a
 * word as its own phrase ("bombs" OR "s:bomb"), every form of a query word
 * counts as a phrase of its own: a token that has two of them scores twice. */
struct match {
	long pos;      /* token position in the text */
	int form;      /* which form (phrase) of the query */
	long sentence; /* the last sentence start at or before pos */
	size_t start;  /* byte offset of the token */
};

struct snip {
	/* the query's forms */
	dft_buf arena;
	struct form *forms;
	size_t nforms, capforms;
	uint32_t *table; /* form index + 1 */
	size_t tcap;
	int word; /* the word being analysed */
	/* pass 1 over the text */
	const char *text;
	size_t len;
	long pos, sentence;
	struct match *m[2]; /* [0] by surface/stripped/stem, [1] by key */
	size_t nm[2], capm[2];
	/* pass 2: the window */
	long from, to;
	size_t tstart[SNIP_TOKENS], tend[SNIP_TOKENS];
	int nwin;
};

static int form_add(void *ctx, const dft_token *t)
{
	struct snip *s = ctx;
	struct form *f;
	int rc;
	if (t->len == 0)
		return 0;
	if ((rc = grow((void **)&s->forms, &s->capforms, s->nforms + 1, sizeof(*s->forms))) < 0)
		return rc;
	f = &s->forms[s->nforms];
	f->off = (uint32_t)s->arena.len;
	f->len = (uint32_t)t->len;
	f->hash = hash_bytes(t->text, t->len);
	f->word = s->word;
	f->key = t->kind == DFT_TOK_KEY;
	if ((rc = dft_buf_add(&s->arena, t->text, t->len)) < 0)
		return rc;
	s->nforms++;
	return 0;
}

static int add_match(struct snip *s, int which, int form, size_t start)
{
	struct match *m;
	size_t i;
	/* once per position and word */
	for (i = s->nm[which]; i > 0 && s->m[which][i - 1].pos == s->pos; i--)
		if (s->m[which][i - 1].form == form)
			return 0;
	if (grow((void **)&s->m[which], &s->capm[which], s->nm[which] + 1, sizeof(struct match)) < 0)
		return DFT_ENOMEM;
	m = &s->m[which][s->nm[which]++];
	m->pos = s->pos;
	m->form = form;
	m->sentence = s->sentence;
	m->start = start;
	return 0;
}

/* Pass 1: positions, sentence starts (as FTS5's snippet finds them: after
 * '.' or ':' and white space) and the tokens that match. */
static int snip_scan(void *ctx, const dft_token *t)
{
	struct snip *s = ctx;
	uint32_t h;
	size_t k;
	if (!t->colocated || s->pos < 0) {
		s->pos++;
		if (s->pos == 0) {
			s->sentence = 0;
		} else if (t->start > 0) {
			size_t i = t->start;
			while (i > 0 && strchr(" \t\n\r", s->text[i - 1]) && s->text[i - 1])
				i--;
			if (i != t->start && i > 0 && (s->text[i - 1] == '.' || s->text[i - 1] == ':'))
				s->sentence = s->pos;
		}
	}
	if (t->len == 0 || s->nforms == 0)
		return 0;
	h = hash_bytes(t->text, t->len);
	for (k = h & (s->tcap - 1); s->table[k]; k = (k + 1) & (s->tcap - 1)) {
		const struct form *f = &s->forms[s->table[k] - 1];
		int rc;
		if (f->hash == h && f->len == t->len && memcmp(s->arena.ptr + f->off, t->text, t->len) == 0 &&
		    (rc = add_match(s, f->key, (int)(s->table[k] - 1), t->start)) < 0)
			return rc;
	}
	return 0;
}

/* Pass 2: the byte ranges of the window's tokens. */
static int snip_window(void *ctx, const dft_token *t)
{
	struct snip *s = ctx;
	if (t->colocated && s->pos >= 0)
		return 0;
	s->pos++;
	if (s->pos > s->to)
		return 1; /* done */
	if (s->pos >= s->from && s->nwin < SNIP_TOKENS) {
		s->tstart[s->nwin] = t->start;
		s->tend[s->nwin] = t->end;
		s->nwin++;
	}
	return 0;
}

/* First match at or after pos. */
static size_t lower_bound(const struct match *m, size_t n, long pos)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].pos < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* fts5SnippetScore: 1000 for each new phrase in [from, from + 24), 1 for a
 * repeat; *adj: a start that centres the matches. */
static long window_score(const struct match *m, size_t n, unsigned char *seen, long from, long ntok, long *adj)
{
	size_t i, j = lower_bound(m, n, from);
	long score = 0, first = -1, last = 0;
	for (i = j; i < n && m[i].pos < from + SNIP_TOKENS; i++) {
		score += seen[m[i].form] ? 1 : 1000;
		seen[m[i].form] = 1;
		if (first < 0)
			first = m[i].pos;
		last = m[i].pos + 1;
	}
	for (i = j; i < n && m[i].pos < from + SNIP_TOKENS; i++)
		seen[m[i].form] = 0;
	if (adj) {
		long a = first - (SNIP_TOKENS - (last - first)) / 2;
		if (a + SNIP_TOKENS > ntok)
			a = ntok - SNIP_TOKENS;
		if (a < 0)
			a = 0;
		*adj = a;
	}
	return score;
}

static int snip_build_forms(struct snip *s, dft_analyzer *an, const char *words)
{
	const char *w = words, *nl;
	size_t i;
	int rc;
	while (w && *w) {
		size_t n;
		nl = strchr(w, '\n');
		n = nl ? (size_t)(nl - w) : strlen(w);
		if (n && (rc = dft_analyze(an, w, n, form_add, s)) < 0)
			return rc;
		s->word++;
		w = nl ? nl + 1 : NULL;
	}
	for (s->tcap = 64; s->tcap < s->nforms * 2; s->tcap *= 2)
		;
	if (!(s->table = dft_calloc(s->tcap, sizeof(*s->table))))
		return DFT_ENOMEM;
	for (i = 0; i < s->nforms; i++) {
		size_t k = s->forms[i].hash & (s->tcap - 1);
		while (s->table[k])
			k = (k + 1) & (s->tcap - 1);
		s->table[k] = (uint32_t)i + 1;
	}
	return 0;
}

int dft_pg_snippet(const char *text, size_t len, const char *lang, const char *words, int control_marks,
		   dft_buf *snippet, int64_t *page)
{
	const char *open = control_marks ? "\x02" : "\xc2\xab", *close = control_marks ? "\x03" : "\xc2\xbb";
	dft_analyzer *an = NULL;
	unsigned char *seen = NULL;
	const struct match *m;
	struct snip s;
	size_t nm, i, k;
	long ntok, best = -1, start = 0;
	int rc;

	(void)lang; /* stems by script, as tokenizer.c: see pgtext.h */
	memset(&s, 0, sizeof(s));
	dft_buf_init(&s.arena, DFT_QUERY_MAX_BYTES * 16);
	if (page)
		*page = 0;
	if (!text || !len)
		return 0;
	if ((rc = dft_analyzer_new(&an, NULL, DFT_AN_INDEX)) < 0)
		goto done;
	if ((rc = snip_build_forms(&s, an, words)) < 0)
		goto done;

	s.text = text;
	s.len = len;
	s.pos = -1;
	if ((rc = dft_analyze(an, text, len, snip_scan, &s)) < 0)
		goto done;
	ntok = s.pos + 1;
	k = s.nm[0] ? 0 : 1;
	m = s.m[k];
	nm = s.nm[k];

	/* the best window, as fts5SnippetFunction picks it */
	if (nm) {
		if (!(seen = dft_calloc(s.nforms + 1, 1))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		for (i = 0; i < nm; i++) {
			long adj, sc = window_score(m, nm, seen, m[i].pos, ntok, &adj);
			if (sc > best) {
				best = sc;
				start = adj;
			}
			if (ntok > SNIP_TOKENS && m[i].sentence < m[i].pos) {
				sc = window_score(m, nm, seen, m[i].sentence, ntok, NULL) + (m[i].sentence == 0 ? 120 : 100);
				if (sc > best) {
					best = sc;
					start = m[i].sentence;
				}
			}
		}
		if (page) {
			int64_t pg = 1;
			for (i = 0; i < m[0].start && i < len; i++)
				pg += text[i] == '\f';
			*page = pg;
		}
	}

	/* the window's tokens, then the text */
	s.from = start;
	s.to = start + SNIP_TOKENS - 1;
	s.pos = -1;
	rc = dft_analyze(an, text, len, snip_window, &s);
	if (rc < 0)
		goto done;
	rc = 0;
	if (s.nwin == 0)
		goto done;
	{
		size_t at = start > 0 ? s.tstart[0] : 0, j = lower_bound(m, nm, start);
		int w;
		if (start > 0)
			rc = dft_buf_adds(snippet, "\xe2\x80\xa6");
		for (w = 0; w < s.nwin && rc == 0; w++) {
			int hit = 0;
			while (j < nm && m[j].pos < start + w)
				j++;
			hit = j < nm && m[j].pos == start + w;
			rc = dft_buf_add(snippet, text + at, s.tstart[w] - at);
			if (rc == 0 && hit)
				rc = dft_buf_adds(snippet, open);
			if (rc == 0)
				rc = dft_buf_add(snippet, text + s.tstart[w], s.tend[w] - s.tstart[w]);
			if (rc == 0 && hit)
				rc = dft_buf_adds(snippet, close);
			at = s.tend[w];
		}
		if (rc == 0) {
			if (start + s.nwin >= ntok)
				rc = dft_buf_add(snippet, text + at, len - at);
			else
				rc = dft_buf_adds(snippet, "\xe2\x80\xa6");
		}
	}
done:
	dft_analyzer_free(an);
	dft_buf_dispose(&s.arena);
	free(s.forms);
	free(s.table);
	free(s.m[0]);
	free(s.m[1]);
	free(seen);
	return rc;
}
