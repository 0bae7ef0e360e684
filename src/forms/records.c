/*
 * records.c - templates of filled forms from their short labels, and the
 * records filled into them (forms.h, docs/FORMS.md).
 *
 * 1. Segments: each line of each stored text is cut into label segments:
 *    "label: value" (':' or the full-width '：', " - " / " – "), two or three
 *    such on one line when two spaces or a tab part them (columns), table
 *    rows "| label | value |", and "label ______" (an empty field). A label
 *    is 1 to 8 words with a letter in them, at most 100 bytes, with any
 *    numbering ("3.", "(b)") cut off. An indented line under a segment
 *    continues its value (multi-line values). A text is a candidate form
 *    when it has two labels or more and its segment lines are at least half
 *    of its lines that are not blank: a letter with "Ref:", "Date:",
 *    "Subject:" over a body of prose is not.
 * 2. Labels: folded (dft_records_fold) and hashed; a label in at least
 *    min_members candidates is a label of its own, a rarer one (an OCR
 *    misreading, a typo) is mapped to the commonest label within an edit
 *    distance of a sixth of its length (at least 1) in code points.
 * 3. Templates: candidates are taken in order and each joins the template
 *    whose seed shares most of its labels (Dice >= JOIN_DICE) or seeds a new
 *    one; the labels of a template are then those in >= CORE_SHARE of its
 *    members, templates whose labels are nearly the same are merged, and
 *    every candidate is assigned again to the template it shares most with.
 *    A template needs min_members members and two labels that are filled
 *    (a value in most members, not the same value in all): labels WITH
 *    values, which a header and a closing are not.
 * 4. Records: each member's first segment of each label, its value as
 *    written, its page and code points, its OCR box and confidence (meta
 *    ocr_words), its kind and normalised value (kinds.c); names are linked
 *    to the entity of the mention there.
 * 5. Same person: records whose full names have the same cross-script key
 *    and whose birth dates agree (or, without one, both parents' names),
 *    and whose birth date and parents' names do not differ, are linked,
 *    with the reason.
 *
 * Memory: the segments of candidate texts only (a few hundred bytes a
 * form), at most DFT_RECORDS_MAX_SEGMENTS a text, values cut at
 * DFT_RECORDS_VALUE_MAX bytes. Time: one pass over the texts, sorts of the
 * label hashes, and an inverted index of labels to templates.
 */
#include "daftar/forms.h"
#include "daftar/entities.h"
#include "daftar/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

#define LABEL_MAX_BYTES 100
#define LABEL_MAX_WORDS 8
#define CANDIDATE_SHARE 0.5 /* of a text's non-blank lines that are segment lines */
#define JOIN_DICE 0.5       /* a candidate joins a template sharing this much */
#define CORE_SHARE 0.3      /* share of members a label of the template is in */
#define MERGE_DICE 0.7      /* two templates this alike are one */
#define CONT_MAX 8          /* continuation lines of one value */
#define SAMPLE_MAX 4000     /* members whose readings are counted */
#define MISREAD_RATIO 3     /* a label this many times commoner absorbs a near spelling */
#define MISREAD_TOGETHER 20 /* or one commoner that stands beside it in under 1 in 20 of its texts */

/* ---- folding ----------------------------------------------------------------- */

static int is_word_cp(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
	if (c < 0xC0 || c == 0xD7 || c == 0xF7)
		return 0;
	if (c == 0x60C || c == 0x61B || c == 0x61F || c == 0x640 || c == 0x66A || c == 0x66B || c == 0x66C ||
	    c == 0x66D || c == 0x6D4)
		return 0;
	if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE6F) ||
	    (c >= 0xFF00 && c <= 0xFF0F) || (c >= 0xFF1A && c <= 0xFF20))
		return 0;
	return 1;
}

int dft_records_fold(const char *s, size_t n, dft_buf *out)
{
	size_t i = 0, start = 0, before = out->len;
	int in = 0, rc;
	while (i <= n) {
		size_t at = i;
		uint32_t c = i < n ? dft_utf8_next(s, n, &i) : 0;
		int w = i <= n && at < n && is_word_cp(c);
		if (at >= n)
			i = n + 1;
		if (w && !in) {
			in = 1;
			start = at;
		} else if (!w && in) {
			in = 0;
			if (out->len > before && (rc = dft_buf_addc(out, ' ')) < 0)
				return rc;
			if ((rc = dft_normalize_word(s + start, at - start, out)) < 0)
				return rc;
		}
	}
	/* a word that folded to nothing (tatweel alone) leaves a trailing space */
	while (out->len > before && out->ptr[out->len - 1] == ' ')
		out->len--;
	if (out->ptr)
		out->ptr[out->len] = '\0';
	return 0;
}

/* ---- 1. segments ---------------------------------------------------------------- */

struct seg {
	uint64_t key;   /* hash of the folded label */
	uint32_t canon; /* the label it is read as (index into the vocabulary), or UINT32_MAX */
	uint32_t order;
	char *raw;      /* the label as written */
	char *folded;
	char *value;    /* as written, "" when empty */
	int64_t page, start, end; /* code points of the page */
	size_t bstart, bend;      /* bytes of the document's text */
	int truncated;
};

struct cdoc {
	int64_t id;
	struct seg *segs;
	size_t nseg;
	size_t tmpl; /* SIZE_MAX: none */
	uint32_t *labels; /* canonical labels, sorted unique */
	size_t nlabels;
};

static void seg_dispose(struct seg *s)
{
	free(s->raw);
	free(s->folded);
	free(s->value);
}

static void cdoc_dispose(struct cdoc *d)
{
	size_t i;
	for (i = 0; i < d->nseg; i++)
		seg_dispose(&d->segs[i]);
	free(d->segs);
	free(d->labels);
	memset(d, 0, sizeof(*d));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v';
}

/* Direction and format marks (LRM, RLM, embeddings, isolates, ALM) that
 * OCR and extraction leave around Arabic: invisible, and they break
 * comparisons (ARABIC.md). */
static size_t bidi_mark(const unsigned char *p, size_t n)
{
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0x8E || p[2] == 0x8F || (p[2] >= 0xAA && p[2] <= 0xAE)))
		return 3;
	if (n >= 3 && p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA6 && p[2] <= 0xA9)
		return 3;
	if (n >= 2 && p[0] == 0xD8 && p[1] == 0x9C)
		return 2;
	return 0;
}

/* The length of a mark that ends at e (after p), or 0. */
static size_t bidi_mark_before(const char *p, const char *e)
{
	if (e - p >= 3 && bidi_mark((const unsigned char *)e - 3, 3) == 3)
		return 3;
	if (e - p >= 2 && bidi_mark((const unsigned char *)e - 2, 2) == 2)
		return 2;
	return 0;
}

/* Cut a label's numbering ("3.", "3)", "(b)", "3 ", "-", "•"), blanks and
 * direction marks. */
static void label_trim(const char **s, size_t *n)
{
	const char *p = *s, *e = *s + *n;
	for (;;) {
		size_t m;
		while (p < e && (is_space(*p) || *p == '-' || *p == '*' || *p == '#'))
			p++;
		if ((m = bidi_mark((const unsigned char *)p, (size_t)(e - p))) > 0) {
			p += m;
			continue;
		}
		if (p + 3 <= e && !memcmp(p, "\xe2\x80\xa2", 3)) { /* • */
			p += 3;
			continue;
		}
		/* "3 Name": one or two digits and a blank before a word */
		if (p + 2 < e && *p >= '0' && *p <= '9' &&
		    (is_space(p[1]) || (p[1] >= '0' && p[1] <= '9' && p + 3 < e && is_space(p[2])))) {
			const char *q = p + (is_space(p[1]) ? 1 : 2);
			while (q < e && is_space(*q))
				q++;
			if (q < e && !(*q >= '0' && *q <= '9')) {
				p = q;
				continue;
			}
		}
		{
			const char *q = p;
			int open = q < e && *q == '(';
			q += open;
			while (q < e && ((*q >= '0' && *q <= '9') || (q - p - open < 1 && *q >= 'a' && *q <= 'z' && q + 1 < e &&
									(q[1] == ')' || q[1] == '.'))))
				q++;
			if (q > p + open && q < e && (*q == '.' || *q == ')') && (q + 1 == e || is_space(q[1]))) {
				p = q + 1;
				continue;
			}
		}
		break;
	}
	for (;;) {
		size_t m;
		if (e > p && (is_space(e[-1]) || e[-1] == '.' || e[-1] == '*'))
			e--;
		else if ((m = bidi_mark_before(p, e)) > 0)
			e -= m;
		else
			break;
	}
	*s = p;
	*n = (size_t)(e - p);
}

/* Is s[0..n) a label: 1..LABEL_MAX_WORDS words, a letter, LABEL_MAX_BYTES? */
static int label_ok(const char *s, size_t n)
{
	size_t i = 0, words = 0;
	int letter = 0, in = 0;
	if (n == 0 || n > LABEL_MAX_BYTES)
		return 0;
	while (i < n) {
		uint32_t c = dft_utf8_next(s, n, &i);
		int w = is_word_cp(c);
		if (w && !(c >= '0' && c <= '9'))
			letter = 1;
		if (w && !in)
			words++;
		in = w;
		if (c == ',' || c == ';' || c == '?' || c == '!' || c == 0x60C || c == 0x61F)
			return 0; /* a clause, not a label */
	}
	return letter && words >= 1 && words <= LABEL_MAX_WORDS;
}

/* Where the label starting at p (inside [p, e)) ends and its value starts:
 * the separator after it. 0 when there is none within the label's reach. */
static int find_sep(const char *p, const char *e, const char **lend, const char **vstart)
{
	const char *q, *lim = p + LABEL_MAX_BYTES + 4 < e ? p + LABEL_MAX_BYTES + 4 : e;
	for (q = p; q < lim; q++) {
		if (*q == ':') {
			if (q + 1 < e && q[1] == '/')
				return 0; /* a URL */
			*lend = q;
			*vstart = q + 1;
			return 1;
		}
		if (q + 3 <= e && !memcmp(q, "\xef\xbc\x9a", 3)) { /* U+FF1A */
			*lend = q;
			*vstart = q + 3;
			return 1;
		}
		if (q > p && is_space(q[-1]) && q + 1 < e && is_space(q[1]) && *q == '-') {
			*lend = q;
			*vstart = q + 1;
			return 1;
		}
		if (q > p && is_space(q[-1]) && q + 4 <= e && !memcmp(q, "\xe2\x80\x93", 3) && is_space(q[3])) { /* – */
			*lend = q;
			*vstart = q + 3;
			return 1;
		}
		if (q + 3 <= e && q[0] == '_' && q[1] == '_' && q[2] == '_') {
			*lend = q;
			*vstart = q;
			return 1;
		}
		if (q + 3 <= e && q[0] == '.' && q[1] == '.' && q[2] == '.' && q > p) {
			*lend = q;
			*vstart = q;
			return 1;
		}
		if (q + 3 <= e && !memcmp(q, "\xe2\x80\xa6", 3) && q > p) { /* … */
			*lend = q;
			*vstart = q;
			return 1;
		}
	}
	return 0;
}

/* A value's blanks, leaders and underscores cut; "" when nothing else. */
static void value_trim(const char **s, size_t *n)
{
	const char *p = *s, *e = *s + *n;
	for (;;) {
		size_t m;
		if (p < e && (is_space(*p) || *p == '_' || *p == '.' || *p == '|'))
			p++;
		else if (p + 3 <= e && !memcmp(p, "\xe2\x80\xa6", 3))
			p += 3;
		else if ((m = bidi_mark((const unsigned char *)p, (size_t)(e - p))) > 0)
			p += m; /* OCR's marks around an empty field's "_" */
		else
			break;
	}
	for (;;) {
		size_t m;
		if (e > p && (is_space(e[-1]) || e[-1] == '_' || e[-1] == '|'))
			e--;
		else if ((m = bidi_mark_before(p, e)) > 0)
			e -= m;
		else if (e > p + 1 && e[-1] == '.' && e[-2] == '.')
			e--;
		else if (e - p >= 3 && !memcmp(e - 3, "\xe2\x80\xa6", 3))
			e -= 3;
		else
			break;
	}
	if (e - p == 1 && (*p == '-' || *p == '.'))
		e = p;
	*s = p;
	*n = (size_t)(e - p);
}

struct rawseg {
	const char *label;
	size_t llen;
	const char *value;
	size_t vlen;
};

#define LINE_SEGS 8

/* A digit (ASCII, Arabic-Indic, Extended Arabic-Indic) at p: its length, or 0. */
static size_t digit_at(const char *p, const char *e)
{
	const unsigned char *u = (const unsigned char *)p;
	if (p < e && *u >= '0' && *u <= '9')
		return 1;
	if (e - p >= 2 && ((u[0] == 0xD9 && u[1] >= 0xA0 && u[1] <= 0xA9) || (u[0] == 0xDB && u[1] >= 0xB0 && u[1] <= 0xB9)))
		return 2;
	return 0;
}

/* OCR lays out a line in reading order run by run, and a number written
 * after an Arabic label can come out before it: "١٠٠ ‏الراتب:" for
 * "الراتب: ١٠٠". A line [p, e) with nothing after its separator (at lend,
 * the value from vs) whose label opens with a number of two digits or more
 * (dates too: "/", "-", ".") and goes on with a label is read the right way
 * round. */
static int bidi_swapped(const char *p, const char *lend, const char *vs, const char *e, struct rawseg *out)
{
	const char *v = vs, *q, *t, *l;
	size_t vn = (size_t)(e - vs), m, digits = 0, ll;
	value_trim(&v, &vn);
	if (vn)
		return 0;
	for (;;) {
		if (p < lend && is_space(*p))
			p++;
		else if ((m = bidi_mark((const unsigned char *)p, (size_t)(lend - p))) > 0)
			p += m;
		else
			break;
	}
	for (q = p; q < lend;) {
		if ((m = digit_at(q, lend)) > 0)
			q += m, digits++;
		else if (*q == '/' || *q == '-' || *q == '.' || *q == ',')
			q++;
		else
			break;
	}
	if (digits < 2 || q == p || q >= lend || !(is_space(*q) || bidi_mark((const unsigned char *)q, (size_t)(lend - q))))
		return 0;
	t = q;
	l = q;
	ll = (size_t)(lend - q);
	label_trim(&l, &ll);
	if (!label_ok(l, ll))
		return 0;
	out->label = l, out->llen = ll, out->value = p, out->vlen = (size_t)(t - p);
	return 1;
}

/* The same for an empty field of a line OCR laid out right to left:
 * "______ :Signature / التوقيع" is "Signature: ______" (the label before a
 * " / " tail, the other language's half of a bilingual label). */
static int empty_reversed(const char *p, const char *e, struct rawseg *out)
{
	const char *q = p, *l, *vs, *t;
	size_t ll, blanks = 0;
	for (; q < e && (*q == '_' || *q == '.' || is_space(*q)); q++)
		blanks += !is_space(*q);
	if (blanks < 3 || q >= e || *q != ':')
		return 0;
	vs = q + 1;
	for (t = vs; t + 3 <= e && memcmp(t, " / ", 3); t++)
		;
	l = vs;
	ll = (size_t)((t + 3 <= e ? t : e) - vs);
	label_trim(&l, &ll);
	if (!label_ok(l, ll))
		return 0;
	out->label = l, out->llen = ll, out->value = p, out->vlen = 0;
	return 1;
}

/* The segments of one line [s, e): 0..LINE_SEGS. */
static int line_segments(const char *s, const char *e, struct rawseg *out)
{
	const char *p = s;
	int n = 0;
	while (p < e && is_space(*p))
		p++;
	if (p < e && *p == '|') { /* | label | value | label | value | */
		const char *cell[2 * LINE_SEGS + 1] = {NULL};
		size_t clen[2 * LINE_SEGS + 1] = {0};
		int nc = 0, i;
		const char *q = p + 1;
		while (q < e && nc < 2 * LINE_SEGS) {
			const char *bar = memchr(q, '|', (size_t)(e - q));
			const char *ce = bar ? bar : e;
			cell[nc] = q;
			clen[nc++] = (size_t)(ce - q);
			if (!bar)
				break;
			q = bar + 1;
		}
		if (nc && clen[nc - 1] == 0)
			nc--;
		for (i = 0; i + 1 < nc && n < LINE_SEGS; i += 2) {
			const char *l = cell[i], *v = cell[i + 1];
			size_t ll = clen[i], vl = clen[i + 1];
			label_trim(&l, &ll);
			while (ll && (l[ll - 1] == ':' || is_space(l[ll - 1])))
				ll--;
			if (!label_ok(l, ll))
				return n;
			value_trim(&v, &vl);
			out[n].label = l, out[n].llen = ll, out[n].value = v, out[n].vlen = vl;
			n++;
		}
		return n;
	}
	while (p < e && n < LINE_SEGS) {
		const char *lend, *vs, *l = p, *ve, *q, *next = NULL;
		size_t ll;
		if (n == 0 && empty_reversed(p, e, &out[0]))
			return 1;
		if (!find_sep(p, e, &lend, &vs))
			break;
		ll = (size_t)(lend - p);
		if (n == 0 && bidi_swapped(p, lend, vs, e, &out[0]))
			return 1;
		label_trim(&l, &ll);
		if (!label_ok(l, ll))
			break;
		/* the value runs to the next column: two blanks (or a tab), then a label and its separator */
		while (vs < e && (*vs == '_' || *vs == '.'))
			vs++;
		for (q = vs; q < e; q++) {
			if (!((q[0] == ' ' && q + 1 < e && q[1] == ' ') || q[0] == '\t'))
				continue;
			{
				const char *r = q, *l2, *v2;
				size_t l2n;
				while (r < e && is_space(*r))
					r++;
				if (r >= e || !find_sep(r, e, &l2, &v2))
					continue;
				{
					const char *ls = r;
					l2n = (size_t)(l2 - r);
					label_trim(&ls, &l2n);
					if (!label_ok(ls, l2n))
						continue;
				}
				next = r;
				break;
			}
		}
		ve = next ? next : e;
		{
			const char *v = vs;
			size_t vl = (size_t)(ve - vs);
			value_trim(&v, &vl);
			out[n].label = l, out[n].llen = ll, out[n].value = v, out[n].vlen = vl;
			n++;
		}
		if (!next)
			break;
		p = next;
	}
	return n;
}

int dft_records_scan_text(const char *text, size_t len,
			  int (*fn)(void *ctx, const char *label, size_t llen, const char *value, size_t vlen,
				    size_t line),
			  void *ctx)
{
	size_t at = 0, line = 0;
	int rc;
	while (at < len) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at);
		const char *e = nl ? nl : text + len;
		struct rawseg rs[LINE_SEGS];
		int n, i;
		line++;
		at = (size_t)(e - text) + 1;
		n = line_segments(s, e, rs);
		for (i = 0; i < n; i++)
			if ((rc = fn(ctx, rs[i].label, rs[i].llen, rs[i].value, rs[i].vlen, line)) != 0)
				return rc;
	}
	return 0;
}

static size_t count_cp(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

static char *dup_value(const char *s, size_t n, int *truncated)
{
	char *o;
	size_t i, k = 0;
	*truncated = 0;
	if (n > DFT_RECORDS_VALUE_MAX) {
		n = DFT_RECORDS_VALUE_MAX;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		*truncated = 1;
	}
	if (!(o = dft_malloc(n + 1)))
		return NULL;
	for (i = 0; i < n;) {
		size_t m = bidi_mark((const unsigned char *)s + i, n - i);
		if (m) {
			i += m;
			continue;
		}
		o[k++] = s[i++];
	}
	/* marks cut, the blanks beside them too */
	while (k && (o[k - 1] == ' ' || o[k - 1] == '\t'))
		k--;
	o[k] = '\0';
	i = 0;
	while (o[i] == ' ' || o[i] == '\t')
		i++;
	if (i)
		memmove(o, o + i, k - i + 1);
	return o;
}

struct builder {
	dft_store *st;
	dft_records_opts o;
	struct cdoc *docs;
	size_t ndocs, capdocs;
	dft_buf fold;
	size_t texts;
	uint64_t *canon_key; /* each label's own key (its clean spelling folds to it) */
	uint64_t *lkey;      /* every key read as a label, sorted, and its label */
	uint32_t *lcanon;
	size_t nlkey;
};

/* Segments of one text; keeps it as a candidate when it looks like a form. */
static int scan_doc(struct builder *b, int64_t id, const char *text, size_t len)
{
	struct cdoc d;
	size_t at = 0, cap = 0, nonblank = 0, covered = 0, cont = 0;
	int64_t page = 1;
	size_t page_cp = 0; /* code points of the page before this line */
	int last_seg_line = 0, rc = 0;

	memset(&d, 0, sizeof(d));
	d.id = id;
	d.tmpl = SIZE_MAX;
	while (at < len) {
		const char *s = text + at, *nl = memchr(s, '\n', len - at), *ff;
		const char *e = nl ? nl : text + len;
		struct rawseg rs[LINE_SEGS];
		size_t line_at = at, i;
		int n, blank = 1;
		at = (size_t)(e - text) + 1;
		/* form feeds start pages (within this line: cut at the last) */
		while ((ff = memchr(s, '\f', (size_t)(e - s))) != NULL) {
			page++;
			page_cp = 0;
			s = ff + 1;
			line_at = (size_t)(s - text);
		}
		for (i = 0; s + i < e; i++)
			if (!is_space(s[i]))
				blank = 0;
		if (blank) {
			last_seg_line = 0;
			page_cp += count_cp(s, (size_t)(e - s)) + 1;
			continue;
		}
		nonblank++;
		n = d.nseg < DFT_RECORDS_MAX_SEGMENTS ? line_segments(s, e, rs) : 0;
		if (n == 0 && last_seg_line && d.nseg && is_space(*s) && cont < CONT_MAX) {
			/* an indented line under a value continues it */
			struct seg *g = &d.segs[d.nseg - 1];
			const char *v = s;
			size_t vl = (size_t)(e - s);
			value_trim(&v, &vl);
			if (vl && !g->truncated) {
				size_t old = strlen(g->value);
				char *nv;
				if (old + 1 + vl > DFT_RECORDS_VALUE_MAX) {
					g->truncated = 1;
				} else if (!(nv = dft_realloc(g->value, old + vl + 2))) {
					rc = DFT_ENOMEM;
					goto fail;
				} else {
					if (old)
						nv[old++] = '\n';
					memcpy(nv + old, v, vl);
					nv[old + vl] = '\0';
					g->value = nv;
					if (!g->bend || g->bstart == g->bend) {
						g->bstart = (size_t)(v - text);
						g->start = (int64_t)(page_cp + count_cp(s, (size_t)(v - s)));
					}
					g->bend = (size_t)(v + vl - text);
					g->end = (int64_t)(page_cp + count_cp(s, (size_t)(v + vl - s)));
				}
			}
			covered++;
			cont++;
			page_cp += count_cp(s, (size_t)(e - s)) + 1;
			continue;
		}
		last_seg_line = n > 0;
		cont = 0;
		if (n)
			covered++;
		for (i = 0; i < (size_t)n; i++) {
			struct seg *g;
			if (d.nseg == cap) {
				size_t nc = cap ? cap * 2 : 16;
				struct seg *q = dft_realloc(d.segs, nc * sizeof(*q));
				if (!q) {
					rc = DFT_ENOMEM;
					goto fail;
				}
				d.segs = q;
				cap = nc;
			}
			g = &d.segs[d.nseg];
			memset(g, 0, sizeof(*g));
			dft_buf_reset(&b->fold);
			if ((rc = dft_records_fold(rs[i].label, rs[i].llen, &b->fold)) < 0)
				goto fail;
			if (b->fold.len == 0)
				continue;
			g->key = XXH3_64bits(b->fold.ptr, b->fold.len);
			g->canon = UINT32_MAX;
			g->order = (uint32_t)d.nseg;
			g->page = page;
			g->bstart = (size_t)(rs[i].value - text);
			g->bend = g->bstart + rs[i].vlen;
			g->start = (int64_t)(page_cp + count_cp(s, (size_t)(rs[i].value - s)));
			g->end = g->start + (int64_t)count_cp(rs[i].value, rs[i].vlen);
			if (!(g->raw = dup_value(rs[i].label, rs[i].llen, &g->truncated)) ||
			    !(g->folded = dft_strdup(dft_buf_cstr(&b->fold))) ||
			    !(g->value = dup_value(rs[i].value, rs[i].vlen, &g->truncated))) {
				seg_dispose(g);
				rc = DFT_ENOMEM;
				goto fail;
			}
			d.nseg++;
		}
		(void)line_at;
		page_cp += count_cp(s, (size_t)(e - s)) + 1;
	}
	if (d.nseg < 2 || (double)covered < CANDIDATE_SHARE * (double)nonblank) {
		cdoc_dispose(&d);
		return 0;
	}
	if (b->ndocs == b->capdocs) {
		size_t nc = b->capdocs ? b->capdocs * 2 : 256;
		struct cdoc *q = dft_realloc(b->docs, nc * sizeof(*q));
		if (!q) {
			rc = DFT_ENOMEM;
			goto fail;
		}
		b->docs = q;
		b->capdocs = nc;
	}
	b->docs[b->ndocs++] = d;
	return 0;
fail:
	cdoc_dispose(&d);
	return rc;
}

static int on_text(void *ctx, int64_t id, const char *text, size_t len)
{
	struct builder *b = ctx;
	b->texts++;
	return scan_doc(b, id, text, len);
}

/* ---- 2. the labels ------------------------------------------------------------ */

struct keyref {
	uint64_t key;
	size_t doc, seg;
};

struct vocab_entry {
	uint64_t key;
	size_t df;
	const char *folded; /* of one segment (owned by it) */
	uint32_t *cps;      /* its code points, for the edit distance */
	size_t ncp;
	uint32_t canon;     /* the label it is read as */
	uint32_t own;       /* a frequent entry's own label number */
	size_t rs, rt;      /* its references (sorted by document) */
};

/* In how many texts x and y both stand (their references are sorted by document). */
static size_t together(const struct keyref *refs, const struct vocab_entry *x, const struct vocab_entry *y)
{
	size_t i = x->rs, j = y->rs, n = 0;
	while (i < x->rt && j < y->rt) {
		if (refs[i].doc == refs[j].doc) {
			size_t d = refs[i].doc;
			n++;
			while (i < x->rt && refs[i].doc == d)
				i++;
			while (j < y->rt && refs[j].doc == d)
				j++;
		} else if (refs[i].doc < refs[j].doc) {
			i++;
		} else {
			j++;
		}
	}
	return n;
}

static int cmp_keyref(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->doc != y->doc)
		return x->doc < y->doc ? -1 : 1;
	return x->seg < y->seg ? -1 : x->seg > y->seg;
}

static int cmp_df_desc(const void *a, const void *b, void *ctx)
{
	const struct vocab_entry *v = ctx;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	if (v[x].df != v[y].df)
		return v[x].df > v[y].df ? -1 : 1;
	return x < y ? -1 : x > y;
}

static uint32_t *to_cps(const char *s, size_t *n)
{
	size_t len = strlen(s), i = 0, k = 0;
	uint32_t *v = dft_malloc((len + 1) * sizeof(uint32_t));
	if (!v)
		return NULL;
	while (i < len)
		v[k++] = dft_utf8_next(s, len, &i);
	*n = k;
	return v;
}

/* Levenshtein distance, or max+1 when it exceeds max. */
static size_t edit_distance(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, size_t max)
{
	size_t row[LABEL_MAX_BYTES + 2], i, j;
	if ((na > nb ? na - nb : nb - na) > max || nb > LABEL_MAX_BYTES)
		return max + 1;
	for (j = 0; j <= nb; j++)
		row[j] = j;
	for (i = 1; i <= na; i++) {
		size_t diag = row[0], best;
		row[0] = i;
		best = row[0];
		for (j = 1; j <= nb; j++) {
			size_t up = row[j], v = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			diag = up;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return row[nb];
}

/* Every segment's canonical label; the vocabulary's frequent entries are
 * the labels (nlabels of them, canon 0..nlabels-1). */
static int labels_make(struct builder *b, size_t min_members, size_t *nlabels_out)
{
	struct keyref *refs = NULL;
	struct vocab_entry *v = NULL;
	size_t nrefs = 0, i, k, s, t, nv = 0, nfreq = 0, *freq = NULL;
	int rc = 0;

	for (i = 0; i < b->ndocs; i++)
		nrefs += b->docs[i].nseg;
	*nlabels_out = 0;
	if (!nrefs)
		return 0;
	if (!(refs = dft_malloc(nrefs * sizeof(*refs))))
		return DFT_ENOMEM;
	for (i = 0, k = 0; i < b->ndocs; i++)
		for (s = 0; s < b->docs[i].nseg; s++) {
			refs[k].key = b->docs[i].segs[s].key;
			refs[k].doc = i;
			refs[k++].seg = s;
		}
	dft_sort(refs, nrefs, sizeof(*refs), cmp_keyref);
	for (s = 0; s < nrefs; s = t)
		for (t = s + 1; t < nrefs && refs[t].key == refs[s].key; t++)
			;
	for (s = 0; s < nrefs; s = t, nv++)
		for (t = s + 1; t < nrefs && refs[t].key == refs[s].key; t++)
			;
	if (!(v = dft_calloc(nv, sizeof(*v))) || !(freq = dft_malloc(nv * sizeof(size_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (s = 0, k = 0; s < nrefs; s = t, k++) {
		size_t df = 1;
		for (t = s + 1; t < nrefs && refs[t].key == refs[s].key; t++)
			df += refs[t].doc != refs[t - 1].doc;
		v[k].key = refs[s].key;
		v[k].df = df;
		v[k].folded = b->docs[refs[s].doc].segs[refs[s].seg].folded;
		v[k].canon = UINT32_MAX;
		if (df >= min_members) {
			v[k].canon = v[k].own = (uint32_t)nfreq;
			freq[nfreq++] = k;
		}
		v[k].rs = s;
		v[k].rt = t;
	}
	if (!(b->canon_key = dft_malloc((nfreq + 1) * sizeof(uint64_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < nfreq; i++)
		b->canon_key[i] = v[freq[i]].key;
	/* code points of the frequent labels */
	for (i = 0; i < nfreq; i++)
		if (!(v[freq[i]].cps = to_cps(v[freq[i]].folded, &v[freq[i]].ncp))) {
			rc = DFT_ENOMEM;
			goto done;
		}
	/* a misreading repeated on a few forms is frequent too: it is read as a
	 * label within reach that is in as many texts or more and that it (almost)
	 * never stands beside in one text: two labels of one form that differ by
	 * a letter (اسم الأب, اسم الأم) stand in the same texts, a label and its
	 * misreading do not */
	if (nfreq > 1) {
		size_t *byd = dft_malloc(nfreq * sizeof(size_t));
		if (!byd) {
			rc = DFT_ENOMEM;
			goto done;
		}
		for (i = 0; i < nfreq; i++)
			byd[i] = freq[i];
		dft_sort_r(byd, nfreq, sizeof(size_t), cmp_df_desc, v);
		for (i = 1; i < nfreq; i++) {
			struct vocab_entry *x = &v[byd[i]];
			size_t max = x->ncp / 6 ? x->ncp / 6 : 1, best = SIZE_MAX, bestd = SIZE_MAX;
			if (x->ncp < 4)
				continue;
			for (k = 0; k < i; k++) {
				const struct vocab_entry *y = &v[byd[k]];
				size_t dd;
				if (y->ncp < 4 || y->canon != y->own)
					continue;
				dd = edit_distance(x->cps, x->ncp, y->cps, y->ncp, max);
				if (dd > max || dd >= bestd)
					continue;
				if (y->df < MISREAD_RATIO * x->df &&
				    MISREAD_TOGETHER * (double)together(refs, x, y) > (double)x->df)
					continue; /* side by side in the same forms: two labels */
				bestd = dd, best = byd[k];
			}
			if (best != SIZE_MAX)
				x->canon = v[best].canon;
		}
		free(byd);
	}
	/* rare labels: the commonest frequent label within reach */
	for (k = 0; k < nv; k++) {
		uint32_t *cps;
		size_t ncp, max, best = SIZE_MAX, bestd = SIZE_MAX;
		int tie = 0;
		if (v[k].canon != UINT32_MAX)
			continue;
		if (!(cps = to_cps(v[k].folded, &ncp))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		max = ncp / 6 ? ncp / 6 : 1;
		if (ncp >= 4 && ncp <= LABEL_MAX_BYTES)
			for (i = 0; i < nfreq; i++) {
				const struct vocab_entry *f = &v[freq[i]];
				size_t dd;
				if (f->ncp < 4)
					continue;
				dd = edit_distance(cps, ncp, f->cps, f->ncp, max);
				if (dd > max)
					continue;
				if (dd < bestd) {
					bestd = dd;
					best = i;
					tie = 0;
				} else if (dd == bestd && f->canon != v[freq[best]].canon) {
					tie = 1; /* as near to two labels: which one is not known */
				}
			}
		free(cps);
		if (best != SIZE_MAX && !tie)
			v[k].canon = v[freq[best]].canon;
	}
	/* back to the segments */
	for (s = 0, k = 0; s < nrefs; s = t, k++)
		for (t = s; t < nrefs && refs[t].key == refs[s].key; t++)
			b->docs[refs[t].doc].segs[refs[t].seg].canon = v[k].canon;
	/* every key that is read as a label, sorted (v is in key order), for split_columns */
	if (!(b->lkey = dft_malloc((nv + 1) * sizeof(uint64_t))) || !(b->lcanon = dft_malloc((nv + 1) * sizeof(uint32_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (k = 0; k < nv; k++)
		if (v[k].canon != UINT32_MAX) {
			b->lkey[b->nlkey] = v[k].key;
			b->lcanon[b->nlkey++] = v[k].canon;
		}
	*nlabels_out = nfreq;
done:
	for (k = 0; v && k < nv; k++)
		free(v[k].cps);
	free(v);
	free(freq);
	free(refs);
	return rc;
}

/* ---- 2b. columns OCR joined ---------------------------------------------------- */

static uint32_t label_of_key(const struct builder *b, uint64_t key)
{
	size_t lo = 0, hi = b->nlkey;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b->lkey[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < b->nlkey && b->lkey[lo] == key ? b->lcanon[lo] : UINT32_MAX;
}

/* OCR reads two columns "Surname: Haddad     Given names: Omar" with one
 * blank between them, so the first value runs on into the second label.
 * Once the labels are known, a value holding "WORDS:" where WORDS (the 1
 * to 4 words before the colon) is a label is cut there into two segments
 * (the first value empty when WORDS open it: "Sex: Passport: A38").
 * Only values read exactly as they stand in the text (no marks removed,
 * one line) are cut, so the places stay exact. */
static int split_columns(struct builder *b, struct cdoc *d)
{
	size_t i;
	for (i = 0; i < d->nseg; i++) {
		struct seg *g = &d->segs[i];
		size_t vl = strlen(g->value), c;
		if (!vl || vl != g->bend - g->bstart || strchr(g->value, '\n') || d->nseg >= DFT_RECORDS_MAX_SEGMENTS)
			continue;
		for (c = 1; c < vl; c++) {
			size_t starts[5], ns = 0, p = c, k;
			if (g->value[c] != ':')
				continue;
			/* word starts before the colon, nearest first; the value's
			 * start too ("Sex: Passport: A38": Sex is empty) */
			while (ns < 5) {
				while (p > 0 && g->value[p - 1] == ' ')
					p--;
				while (p > 0 && g->value[p - 1] != ' ')
					p--;
				starts[ns++] = p;
				if (p == 0)
					break;
			}
			for (k = ns > 4 ? 4 : ns; k-- > 0;) {
				size_t ls = starts[k];
				uint32_t canon;
				int rc;
				dft_buf_reset(&b->fold);
				if ((rc = dft_records_fold(g->value + ls, c - ls, &b->fold)) < 0)
					return rc;
				if (!b->fold.len || (canon = label_of_key(b, XXH3_64bits(b->fold.ptr, b->fold.len))) == UINT32_MAX)
					continue;
				{
					/* cut: value [0, ls) stays, label [ls, c), value (c, vl) is new */
					struct seg n, *q;
					size_t vs = c + 1, ve = vl, keep = ls;
					int trunc;
					memset(&n, 0, sizeof(n));
					while (vs < ve && g->value[vs] == ' ')
						vs++;
					while (keep && g->value[keep - 1] == ' ')
						keep--;
					n.key = XXH3_64bits(b->fold.ptr, b->fold.len);
					n.canon = canon;
					n.page = g->page;
					n.bstart = g->bstart + vs;
					n.bend = g->bstart + ve;
					n.start = g->start + (int64_t)count_cp(g->value, vs);
					n.end = g->start + (int64_t)count_cp(g->value, ve);
					if (!(n.raw = dup_value(g->value + ls, c - ls, &trunc)) ||
					    !(n.folded = dft_strdup(dft_buf_cstr(&b->fold))) ||
					    !(n.value = dup_value(g->value + vs, ve - vs, &trunc))) {
						seg_dispose(&n);
						return DFT_ENOMEM;
					}
					if (!(q = dft_realloc(d->segs, (d->nseg + 1) * sizeof(*q)))) {
						seg_dispose(&n);
						return DFT_ENOMEM;
					}
					d->segs = q;
					g = &d->segs[i];
					memmove(&d->segs[i + 2], &d->segs[i + 1], (d->nseg - i - 1) * sizeof(*q));
					d->segs[i + 1] = n;
					d->nseg++;
					g->value[keep] = '\0';
					g->bend = g->bstart + keep;
					g->end = g->start + (int64_t)count_cp(g->value, keep);
				}
				break;
			}
			if (k != (size_t)-1)
				break; /* cut: the new segment is looked at next */
		}
	}
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* Each candidate's labels, sorted unique. */
static int doc_labels(struct cdoc *d)
{
	size_t i, j;
	free(d->labels);
	d->nlabels = 0;
	if (!(d->labels = dft_malloc((d->nseg + 1) * sizeof(uint32_t))))
		return DFT_ENOMEM;
	for (i = 0; i < d->nseg; i++)
		if (d->segs[i].canon != UINT32_MAX)
			d->labels[d->nlabels++] = d->segs[i].canon;
	if (d->nlabels > 1)
		dft_sort(d->labels, d->nlabels, sizeof(uint32_t), cmp_u32);
	for (i = 1, j = d->nlabels ? 1 : 0; i < d->nlabels; i++)
		if (d->labels[i] != d->labels[j - 1])
			d->labels[j++] = d->labels[i];
	d->nlabels = j;
	return 0;
}

/* ---- 3. templates ---------------------------------------------------------------- */

struct tset {
	uint32_t *labels; /* sorted */
	size_t n;
	size_t members;
	int dead;
};

/* label -> the templates whose set holds it */
struct inverted {
	size_t *start; /* nlabels + 1 */
	size_t *tmpl;
};

static int inverted_make(struct inverted *inv, const struct tset *ts, size_t nt, size_t nlabels)
{
	size_t i, k, total = 0, *fill = NULL;
	memset(inv, 0, sizeof(*inv));
	if (!(inv->start = dft_calloc(nlabels + 2, sizeof(size_t))))
		return DFT_ENOMEM;
	for (i = 0; i < nt; i++)
		if (!ts[i].dead)
			for (k = 0; k < ts[i].n; k++)
				inv->start[ts[i].labels[k] + 1]++, total++;
	for (i = 0; i < nlabels; i++)
		inv->start[i + 1] += inv->start[i];
	if (!(inv->tmpl = dft_malloc((total + 1) * sizeof(size_t))) || !(fill = dft_calloc(nlabels + 1, sizeof(size_t))))
		return DFT_ENOMEM;
	for (i = 0; i < nt; i++)
		if (!ts[i].dead)
			for (k = 0; k < ts[i].n; k++) {
				uint32_t l = ts[i].labels[k];
				inv->tmpl[inv->start[l] + fill[l]++] = i;
			}
	free(fill);
	return 0;
}

static void inverted_dispose(struct inverted *inv)
{
	free(inv->start);
	free(inv->tmpl);
}

/* The template sharing most with d (Dice >= JOIN_DICE), or SIZE_MAX. */
static size_t best_template(const struct cdoc *d, const struct tset *ts, const struct inverted *inv, size_t *tally,
			    size_t *touched)
{
	size_t i, k, nt = 0, best = SIZE_MAX;
	double bestd = 0;
	for (i = 0; i < d->nlabels; i++) {
		uint32_t l = d->labels[i];
		for (k = inv->start[l]; k < inv->start[l + 1]; k++) {
			size_t t = inv->tmpl[k];
			if (!tally[t]++)
				touched[nt++] = t;
		}
	}
	for (i = 0; i < nt; i++) {
		size_t t = touched[i];
		double dice = 2.0 * (double)tally[t] / (double)(d->nlabels + ts[t].n);
		if (dice >= JOIN_DICE && (dice > bestd || (dice == bestd && t < best))) {
			bestd = dice;
			best = t;
		}
		tally[t] = 0;
	}
	return best;
}

static size_t dice_count(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0, c = 0;
	while (i < na && j < nb) {
		if (a[i] == b[j])
			c++, i++, j++;
		else if (a[i] < b[j])
			i++;
		else
			j++;
	}
	return c;
}

/* Seeds: one pass, each candidate joins a seed or becomes one. */
static int seed_templates(struct builder *b, size_t nlabels, struct tset **out, size_t *nout)
{
	struct tset *ts = NULL;
	size_t nt = 0, cap = 0, i, k, *tally = NULL, *touched = NULL;
	/* label -> templates, grown as seeds appear */
	size_t **lt = NULL, *nlt = NULL, *caplt = NULL;
	int rc = 0;
	if (!(lt = dft_calloc(nlabels + 1, sizeof(*lt))) || !(nlt = dft_calloc(nlabels + 1, sizeof(size_t))) ||
	    !(caplt = dft_calloc(nlabels + 1, sizeof(size_t))) || !(tally = dft_calloc(b->ndocs + 1, sizeof(size_t))) ||
	    !(touched = dft_malloc((b->ndocs + 1) * sizeof(size_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < b->ndocs; i++) {
		struct cdoc *d = &b->docs[i];
		size_t nn = 0, best = SIZE_MAX;
		double bestd = 0;
		if (d->nlabels < 2)
			continue;
		for (k = 0; k < d->nlabels; k++) {
			uint32_t l = d->labels[k];
			size_t j;
			for (j = 0; j < nlt[l]; j++) {
				size_t t = lt[l][j];
				if (!tally[t]++)
					touched[nn++] = t;
			}
		}
		for (k = 0; k < nn; k++) {
			size_t t = touched[k];
			double dice = 2.0 * (double)tally[t] / (double)(d->nlabels + ts[t].n);
			if (dice >= JOIN_DICE && dice > bestd)
				bestd = dice, best = t;
			tally[t] = 0;
		}
		if (best != SIZE_MAX) {
			ts[best].members++;
			continue;
		}
		if (nt == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct tset *q = dft_realloc(ts, nc * sizeof(*q));
			if (!q) {
				rc = DFT_ENOMEM;
				goto done;
			}
			ts = q;
			cap = nc;
		}
		memset(&ts[nt], 0, sizeof(ts[nt]));
		if (!(ts[nt].labels = dft_malloc(d->nlabels * sizeof(uint32_t)))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		memcpy(ts[nt].labels, d->labels, d->nlabels * sizeof(uint32_t));
		ts[nt].n = d->nlabels;
		ts[nt].members = 1;
		for (k = 0; k < d->nlabels; k++) {
			uint32_t l = d->labels[k];
			if (nlt[l] == caplt[l]) {
				size_t nc = caplt[l] ? caplt[l] * 2 : 4, *q = dft_realloc(lt[l], nc * sizeof(size_t));
				if (!q) {
					rc = DFT_ENOMEM;
					goto done;
				}
				lt[l] = q;
				caplt[l] = nc;
			}
			lt[l][nlt[l]++] = nt;
		}
		nt++;
	}
done:
	for (i = 0; lt && i <= nlabels; i++)
		free(lt[i]);
	free(lt);
	free(nlt);
	free(caplt);
	free(tally);
	free(touched);
	*out = ts;
	*nout = nt;
	return rc;
}

/* Assign every candidate to its best template among ts (SIZE_MAX: none). */
static int assign_all(struct builder *b, struct tset *ts, size_t nt, size_t nlabels)
{
	struct inverted inv;
	size_t i, *tally = NULL, *touched = NULL;
	int rc;
	if ((rc = inverted_make(&inv, ts, nt, nlabels)) < 0)
		goto done;
	if (!(tally = dft_calloc(nt + 1, sizeof(size_t))) || !(touched = dft_malloc((nt + 1) * sizeof(size_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < nt; i++)
		ts[i].members = 0;
	for (i = 0; i < b->ndocs; i++) {
		struct cdoc *d = &b->docs[i];
		d->tmpl = d->nlabels >= 2 ? best_template(d, ts, &inv, tally, touched) : SIZE_MAX;
		if (d->tmpl != SIZE_MAX)
			ts[d->tmpl].members++;
	}
done:
	inverted_dispose(&inv);
	free(tally);
	free(touched);
	return rc;
}

/* A template's labels: those in >= CORE_SHARE of its members. */
static int core_labels(struct builder *b, struct tset *ts, size_t nt, size_t nlabels)
{
	size_t i, k, *count = NULL, *first = NULL, *next = NULL;
	int rc = 0;
	if (!(count = dft_malloc((nlabels + 1) * sizeof(size_t))) || !(first = dft_malloc((nt + 1) * sizeof(size_t))) ||
	    !(next = dft_malloc((b->ndocs + 1) * sizeof(size_t)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (i = 0; i < nt; i++)
		first[i] = SIZE_MAX;
	for (i = b->ndocs; i-- > 0;)
		if (b->docs[i].tmpl != SIZE_MAX) {
			next[i] = first[b->docs[i].tmpl];
			first[b->docs[i].tmpl] = i;
		}
	for (i = 0; i < nt; i++) {
		size_t d, n = 0;
		if (ts[i].dead || !ts[i].members)
			continue;
		memset(count, 0, (nlabels + 1) * sizeof(size_t));
		for (d = first[i]; d != SIZE_MAX; d = next[d])
			for (k = 0; k < b->docs[d].nlabels; k++)
				count[b->docs[d].labels[k]]++;
		for (k = 0; k < nlabels; k++)
			n += (double)count[k] >= CORE_SHARE * (double)ts[i].members;
		free(ts[i].labels);
		ts[i].n = 0;
		if (!(ts[i].labels = dft_malloc((n + 1) * sizeof(uint32_t)))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		for (k = 0; k < nlabels && ts[i].n < DFT_RECORDS_MAX_LABELS; k++)
			if ((double)count[k] >= CORE_SHARE * (double)ts[i].members)
				ts[i].labels[ts[i].n++] = (uint32_t)k;
	}
done:
	free(count);
	free(first);
	free(next);
	return rc;
}

static void tsets_free(struct tset *ts, size_t nt)
{
	size_t i;
	for (i = 0; i < nt; i++)
		free(ts[i].labels);
	free(ts);
}

/* ---- 4. records --------------------------------------------------------------- */

struct strcount {
	const char *s;
	int exact;
};

static int cmp_strp(const void *a, const void *b)
{
	const struct strcount *x = a, *y = b;
	return strcmp(x->s, y->s);
}

/* The commonest string of v[0..n) (exact_only: among those with exact set). */
static const char *commonest(struct strcount *v, size_t n, int exact_only)
{
	size_t s, t, best = 0, bestn = 0;
	const char *hit = NULL;
	if (n > 1)
		dft_sort(v, n, sizeof(*v), cmp_strp);
	for (s = 0; s < n; s = t) {
		size_t c = 0;
		for (t = s; t < n && !strcmp(v[t].s, v[s].s); t++)
			c += !exact_only || v[t].exact;
		if (c > bestn)
			bestn = c, best = s, hit = v[s].s;
	}
	(void)best;
	return hit;
}

static const char *language_of(char **labels, size_t n)
{
	size_t i, arabic = 0, latin = 0, cyrillic = 0;
	for (i = 0; i < n; i++) {
		const char *s = labels[i];
		size_t len = strlen(s), k = 0;
		while (k < len) {
			uint32_t c = dft_utf8_next(s, len, &k);
			if (c >= 0x600 && c <= 0x6FF)
				arabic++;
			else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
				latin++;
			else if (c >= 0x400 && c <= 0x4FF)
				cyrillic++;
		}
	}
	if (arabic && latin && arabic * 4 >= (arabic + latin) && latin * 4 >= (arabic + latin))
		return "ar+en";
	if (arabic >= latin && arabic >= cyrillic && arabic)
		return "ar";
	if (cyrillic > latin)
		return "ru";
	return latin ? "en" : "und";
}

struct ocr_word {
	double x0, y0, x1, y1;
	size_t start, end;
	double conf;
	int64_t page;
};

struct meta_ctx {
	dft_buf *json;
};

static int on_meta(void *ctx, const char *key, const char *value)
{
	struct meta_ctx *m = ctx;
	if (!strcmp(key, "ocr_words"))
		return dft_buf_adds(m->json, value);
	return 0;
}

/* [[page,x0,y0,x1,y1,start,end,conf],...] */
static int parse_ocr_words(const char *s, struct ocr_word **out, size_t *nout)
{
	struct ocr_word *v = NULL;
	size_t n = 0, cap = 0;
	const char *p = s;
	while ((p = strchr(p, '[')) != NULL) {
		double x[8];
		int k;
		char *end;
		p++;
		if (*p == '[')
			continue;
		for (k = 0; k < 8; k++) {
			x[k] = strtod(p, &end);
			if (end == p)
				break;
			p = end;
			while (*p == ',' || *p == ' ')
				p++;
		}
		if (k < 8)
			continue;
		if (n == cap) {
			size_t nc = cap ? cap * 2 : 256;
			struct ocr_word *q = dft_realloc(v, nc * sizeof(*q));
			if (!q) {
				free(v);
				return DFT_ENOMEM;
			}
			v = q;
			cap = nc;
		}
		v[n].page = (int64_t)x[0];
		v[n].x0 = x[1], v[n].y0 = x[2], v[n].x1 = x[3], v[n].y1 = x[4];
		v[n].start = (size_t)x[5], v[n].end = (size_t)x[6];
		v[n].conf = x[7];
		n++;
	}
	*out = v;
	*nout = n;
	return 0;
}

static void field_box(dft_record_field *f, size_t bstart, size_t bend, const struct ocr_word *w, size_t nw)
{
	size_t i, n = 0;
	double x0 = 0, y0 = 0, x1 = 0, y1 = 0, conf = 0;
	for (i = 0; i < nw; i++) {
		if (w[i].end <= bstart || w[i].start >= bend)
			continue;
		if (!n || w[i].x0 < x0)
			x0 = w[i].x0;
		if (!n || w[i].y0 < y0)
			y0 = w[i].y0;
		if (!n || w[i].x1 > x1)
			x1 = w[i].x1;
		if (!n || w[i].y1 > y1)
			y1 = w[i].y1;
		conf += w[i].conf;
		n++;
	}
	if (!n)
		return;
	f->has_box = 1;
	f->box[0] = x0, f->box[1] = y0, f->box[2] = x1 - x0, f->box[3] = y1 - y0;
	f->confidence = conf / (double)n / 100.0;
}

/* Whole-name key: the cross-script key of each word, '-' between; an
 * ʿAbd compound written as two words ("Abdul Kareem", "عبد الكريم") is one
 * key, as "Abdulkarim" and "عبدالكريم" are (dft_name_key_pair). */
static int name_key(const char *value, dft_buf *out)
{
	size_t len = strlen(value), i = 0, ws[2] = {0, 0}, we[2] = {0, 0};
	int rc, have = 0; /* a word read ahead in ws[1], we[1] */
	dft_buf_reset(out);
	for (;;) {
		size_t s, e, before;
		if (have) {
			s = ws[1], e = we[1];
			have = 0;
		} else {
			while (i < len && (value[i] == ' ' || value[i] == '\n' || value[i] == '\t'))
				i++;
			if (i >= len)
				break;
			s = i;
			while (i < len && value[i] != ' ' && value[i] != '\n' && value[i] != '\t')
				i++;
			e = i;
		}
		before = out->len;
		if (out->len && (rc = dft_buf_addc(out, '-')) < 0)
			return rc;
		if (dft_name_is_abd(value + s, e - s)) {
			/* the next word: the name the ʿAbd goes on with */
			while (i < len && (value[i] == ' ' || value[i] == '\n' || value[i] == '\t'))
				i++;
			if (i < len) {
				ws[1] = i;
				while (i < len && value[i] != ' ' && value[i] != '\n' && value[i] != '\t')
					i++;
				we[1] = i;
				have = 1;
				ws[0] = s, we[0] = e;
				if ((rc = dft_name_key_pair(value + ws[0], we[0] - ws[0], value + ws[1], we[1] - ws[1], out,
							    NULL)) < 0)
					return rc;
				if (out->len > before + (before ? 1 : 0)) {
					have = 0; /* both words keyed as one */
					continue;
				}
			}
		}
		if ((rc = dft_name_key(value + s, e - s, out)) < 0)
			return rc;
		if (out->len == before + (before ? 1 : 0))
			out->len = before; /* a word without a key */
	}
	if (out->ptr)
		out->ptr[out->len] = '\0';
	return 0;
}

static int contains_any(const char *folded, const char *const *words)
{
	size_t i;
	for (i = 0; words[i]; i++)
		if (strstr(folded, words[i]))
			return 1;
	return 0;
}

static const char *const w_father[] = {"father", "الاب", "والد ", "ابو", NULL};
static const char *const w_mother[] = {"mother", "الام", "والده", NULL};
static const char *const w_given[] = {"given", "first", "forename", "الاول", NULL};
static const char *const w_surname[] = {"surname", "family", "last", "العائله", "الاخير", NULL};
static const char *const w_birth[] = {"birth", "born", "dob", "ميلاد", "مواليد", "ولاده", NULL};
static const char *const w_notself[] = {"father", "mother", "guarantor", "recommend", "alias", "kunya", "spouse",
				       "host", "cashier", "sponsor", "received", "officer", "witness", "الشاهد", "المسؤول",
				       "wife", "husband", "الاب", "الام", "والد", "المزكي", "الكفيل", "كفيل",
				       "الكنيه", "كنيه", "اللقب", "لقب", "الزوج", "مزكي", "الشهره", NULL};

/* The kinds of a template's labels, from the label and then the values. */
static int template_kinds(dft_record_set *rs, dft_record_template *T, dft_buf *tmp)
{
	size_t l, r;
	int dvotes = 0, mvotes = 0, rc;
	for (l = 0; l < T->nlabels; l++) {
		size_t filled = 0, dates = 0, nums = 0, countries = 0;
		dft_buf_reset(tmp);
		if ((rc = dft_records_fold(T->labels[l], strlen(T->labels[l]), tmp)) < 0)
			return rc;
		T->kinds[l] = dft_field_kind_of_label(dft_buf_cstr(tmp));
		size_t stride = T->nrecords > 500 ? T->nrecords / 500 : 1;
		for (r = 0; r < T->nrecords; r += stride) {
			const dft_record_field *f = &rs->rec[T->records[r]].fields[l];
			char iso[16];
			if (!f->value || !*f->value)
				continue;
			filled++;
			if (dft_field_date(f->value, 'd', iso) == 0)
				dates++;
			dft_buf_reset(tmp);
			if (dft_field_number(f->value, tmp) == 0)
				nums++;
			if (dft_country_code(f->value))
				countries++;
			if (T->kinds[l] == DFT_FIELD_DATE || dates) {
				int o = dft_field_date_order(f->value);
				dvotes += o == 'd';
				mvotes += o == 'm';
			}
		}
		if (T->kinds[l] == DFT_FIELD_TEXT && filled) {
			if ((double)dates >= 0.8 * (double)filled)
				T->kinds[l] = DFT_FIELD_DATE;
			else if ((double)countries >= 0.7 * (double)filled)
				T->kinds[l] = DFT_FIELD_COUNTRY;
			else if ((double)nums >= 0.9 * (double)filled)
				T->kinds[l] = DFT_FIELD_NUMBER;
		}
		if (T->kinds[l] == DFT_FIELD_NUMBER && filled && (double)dates >= 0.8 * (double)filled)
			T->kinds[l] = DFT_FIELD_DATE;
	}
	T->date_order = mvotes > dvotes ? 'm' : 'd';
	return 0;
}

static int normalise_field(dft_record_field *f, int kind, int order, dft_buf *tmp)
{
	char iso[16];
	const char *cc;
	if (!f->value || !*f->value)
		return 0;
	dft_buf_reset(tmp);
	switch (kind) {
	case DFT_FIELD_DATE:
		if (dft_field_date(f->value, order, iso) == 0 && !(f->normalized = dft_strdup(iso)))
			return DFT_ENOMEM;
		break;
	case DFT_FIELD_COUNTRY:
		if ((cc = dft_country_code(f->value)) && !(f->normalized = dft_strdup(cc)))
			return DFT_ENOMEM;
		break;
	case DFT_FIELD_PHONE:
		if (dft_field_phone(f->value, tmp) == 0 && !(f->normalized = dft_strdup(dft_buf_cstr(tmp))))
			return DFT_ENOMEM;
		break;
	case DFT_FIELD_NUMBER:
		if (dft_field_number(f->value, tmp) == 0 && !(f->normalized = dft_strdup(dft_buf_cstr(tmp))))
			return DFT_ENOMEM;
		break;
	default:
		break;
	}
	return 0;
}

int dft_record_field_normalize(dft_record_field *f, int kind, int order)
{
	dft_buf tmp;
	int rc;
	free(f->normalized);
	f->normalized = NULL;
	dft_buf_init(&tmp, DFT_RECORDS_VALUE_MAX * 2);
	rc = normalise_field(f, kind, order, &tmp);
	dft_buf_dispose(&tmp);
	return rc;
}

/* Records of the template ts[t] (its members hold d->tmpl == t). */
static int make_template(struct builder *b, dft_record_set *rs, const struct tset *tsv, size_t t, size_t nlabels,
			 dft_buf *tmp)
{
	const struct tset *ts = &tsv[t];
	dft_record_template *T = &rs->tmpl[rs->ntmpl];
	size_t i, l, k, nm = 0, stride, *slot = NULL;
	double *pos = NULL;
	size_t *posn = NULL, *filled = NULL;
	struct strcount *sc = NULL;
	int rc = 0;
	(void)nlabels;

	memset(T, 0, sizeof(*T));
	for (i = 0; i < b->ndocs; i++)
		nm += b->docs[i].tmpl == t;
	if (!(T->labels = dft_calloc(ts->n + 1, sizeof(char *))) || !(T->readings = dft_calloc(ts->n + 1, sizeof(char *))) ||
	    !(T->keys = dft_calloc(ts->n + 1, sizeof(uint64_t))) || !(T->kinds = dft_calloc(ts->n + 1, sizeof(int))) ||
	    !(T->records = dft_malloc((nm + 1) * sizeof(size_t))) || !(pos = dft_calloc(ts->n + 1, sizeof(double))) ||
	    !(posn = dft_calloc(ts->n + 1, sizeof(size_t))) || !(filled = dft_calloc(ts->n + 1, sizeof(size_t))) ||
	    !(slot = dft_malloc((ts->n + 1) * sizeof(size_t))) || !(sc = dft_malloc((SAMPLE_MAX + 1) * sizeof(*sc)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	/* the labels' order: their mean place in the members */
	for (i = 0; i < b->ndocs; i++) {
		const struct cdoc *d = &b->docs[i];
		if (d->tmpl != t)
			continue;
		for (k = 0; k < d->nseg; k++) {
			uint32_t c = d->segs[k].canon;
			uint32_t *hit;
			if (c == UINT32_MAX || !(hit = bsearch(&c, ts->labels, ts->n, sizeof(uint32_t), cmp_u32)))
				continue;
			l = (size_t)(hit - ts->labels);
			pos[l] += d->nseg > 1 ? (double)k / (double)(d->nseg - 1) : 0;
			posn[l]++;
			if (*d->segs[k].value)
				filled[l]++;
		}
	}
	for (l = 0; l < ts->n; l++) {
		slot[l] = l;
		pos[l] = posn[l] ? pos[l] / (double)posn[l] : 1;
	}
	/* sort label indexes by mean place (insertion sort: at most DFT_RECORDS_MAX_LABELS) */
	for (l = 1; l < ts->n; l++) {
		size_t x = slot[l], j = l;
		while (j > 0 && pos[slot[j - 1]] > pos[x]) {
			slot[j] = slot[j - 1];
			j--;
		}
		slot[j] = x;
	}
	T->nlabels = ts->n;
	/* clean spelling (of the label's own, unmapped readings) and commonest reading */
	stride = nm > SAMPLE_MAX ? (nm + SAMPLE_MAX - 1) / SAMPLE_MAX : 1;
	for (l = 0; l < ts->n; l++) {
		uint32_t c = ts->labels[slot[l]];
		size_t n = 0, seen = 0;
		const char *clean, *reading;
		for (i = 0; i < b->ndocs && n < SAMPLE_MAX; i++) {
			const struct cdoc *d = &b->docs[i];
			if (d->tmpl != t)
				continue;
			if (seen++ % stride)
				continue;
			for (k = 0; k < d->nseg; k++)
				if (d->segs[k].canon == c) {
					sc[n].s = d->segs[k].raw;
					sc[n].exact = d->segs[k].key == b->canon_key[c];
					n++;
					break;
				}
		}
		reading = commonest(sc, n, 0);
		clean = commonest(sc, n, 1);
		if (!clean)
			clean = reading;
		if (!(T->labels[l] = dft_strdup(clean ? clean : "")) || !(T->readings[l] = dft_strdup(reading ? reading : ""))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		T->keys[l] = c;
	}
	snprintf(T->language, sizeof(T->language), "%s", language_of(T->labels, T->nlabels));
	/* records */
	for (i = 0; i < b->ndocs; i++) {
		struct cdoc *d = &b->docs[i];
		dft_record *R;
		if (d->tmpl != t)
			continue;
		if (rs->nrec % 1024 == 0) {
			dft_record *q = dft_realloc(rs->rec, (rs->nrec + 1024) * sizeof(*q));
			if (!q) {
				rc = DFT_ENOMEM;
				goto done;
			}
			rs->rec = q;
		}
		R = &rs->rec[rs->nrec];
		R->doc = d->id;
		R->tmpl = rs->ntmpl;
		if (!(R->fields = dft_calloc(T->nlabels + 1, sizeof(*R->fields)))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		T->records[T->nrecords++] = rs->nrec++;
		for (l = 0; l < T->nlabels; l++)
			R->fields[l].confidence = -1;
		for (k = 0; k < d->nseg; k++) {
			struct seg *g = &d->segs[k];
			for (l = 0; l < T->nlabels; l++)
				if (T->keys[l] == g->canon)
					break;
			if (l == T->nlabels || R->fields[l].value)
				continue;
			R->fields[l].value = g->value;
			g->value = NULL;
			R->fields[l].page = g->page;
			R->fields[l].start = g->start;
			R->fields[l].end = g->end;
			R->fields[l].truncated = g->truncated;
			/* bytes of the document, for the OCR boxes and entities (kept in box[] until then) */
			R->fields[l].box[0] = (double)g->bstart;
			R->fields[l].box[1] = (double)g->bend;
		}
	}
	T->members = T->nrecords;
	rs->ntmpl++;
done:
	free(pos);
	free(posn);
	free(filled);
	free(slot);
	free(sc);
	return rc;
}

/* Is the template a form: labels that are filled, with values that differ? */
static int template_is_form(const dft_record_set *rs, const dft_record_template *T)
{
	size_t l, r, good = 0;
	for (l = 0; l < T->nlabels; l++) {
		size_t filled = 0, differ = 0;
		const char *first = NULL;
		for (r = 0; r < T->nrecords; r++) {
			const char *v = rs->rec[T->records[r]].fields[l].value;
			if (!v || !*v)
				continue;
			filled++;
			if (!first)
				first = v;
			else if (!differ && strcmp(first, v))
				differ = 1;
		}
		if (differ && filled * 2 >= T->nrecords)
			good++;
	}
	return good >= 2;
}

static void template_free(dft_record_template *T)
{
	size_t l;
	for (l = 0; l < T->nlabels; l++) {
		free(T->labels[l]);
		free(T->readings[l]);
	}
	free(T->labels);
	free(T->readings);
	free(T->keys);
	free(T->kinds);
	free(T->records);
	memset(T, 0, sizeof(*T));
}

void dft_record_set_dispose(dft_record_set *s)
{
	size_t i, l;
	if (!s)
		return;
	for (i = 0; i < s->nrec; i++) {
		size_t nl = s->tmpl && s->rec[i].tmpl < s->ntmpl ? s->tmpl[s->rec[i].tmpl].nlabels : 0;
		for (l = 0; s->rec[i].fields && l < nl; l++) {
			dft_record_field *f = &s->rec[i].fields[l];
			free(f->value);
			free(f->normalized);
			free(f->original);
			free(f->corrected_by);
			free(f->corrected_at);
		}
		free(s->rec[i].fields);
	}
	free(s->rec);
	for (i = 0; i < s->ntmpl; i++)
		template_free(&s->tmpl[i]);
	free(s->tmpl);
	for (i = 0; i < s->nlinks; i++)
		free(s->links[i].reason);
	free(s->links);
	memset(s, 0, sizeof(*s));
}

/* ---- 5. same person -------------------------------------------------------------- */

struct pkey {
	char *name, *birth, *father, *mother;
	size_t rec;
};

static int cmp_pkey(const void *a, const void *b)
{
	const struct pkey *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->rec < y->rec ? -1 : x->rec > y->rec);
}

static int digits_at(const char *s, int n)
{
	int v = 0, i;
	for (i = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Days between two ISO dates (a Hijri date converted may be a day or two
 * off the Gregorian one the same office wrote: calendars differ). */
static long days_apart(const char *a, const char *b)
{
	int y1, m1, d1, y2, m2, d2;
	long x, y;
	if (strlen(a) != 10 || strlen(b) != 10)
		return strcmp(a, b) ? 1000 : 0;
	y1 = digits_at(a, 4), m1 = digits_at(a + 5, 2), d1 = digits_at(a + 8, 2);
	y2 = digits_at(b, 4), m2 = digits_at(b + 5, 2), d2 = digits_at(b + 8, 2);
	/* days from civil (Howard Hinnant's algorithm) */
#define DAYS(y, m, d) ((long)(365L * ((y) - ((m) <= 2)) + ((y) - ((m) <= 2)) / 4 - ((y) - ((m) <= 2)) / 100 + \
			      ((y) - ((m) <= 2)) / 400 + (153 * ((m) + ((m) > 2 ? -3 : 9)) + 2) / 5 + (d)-1))
	x = DAYS(y1, m1, d1);
	y = DAYS(y2, m2, d2);
#undef DAYS
	return x > y ? x - y : y - x;
}

static int add_link(dft_record_set *rs, size_t a, size_t b, const char *reason)
{
	if (rs->nlinks % 256 == 0) {
		dft_record_link *q = dft_realloc(rs->links, (rs->nlinks + 256) * sizeof(*q));
		if (!q)
			return DFT_ENOMEM;
		rs->links = q;
	}
	rs->links[rs->nlinks].a = rs->rec[a].doc;
	rs->links[rs->nlinks].b = rs->rec[b].doc;
	if (!(rs->links[rs->nlinks].reason = dft_strdup(reason)))
		return DFT_ENOMEM;
	rs->nlinks++;
	return 0;
}

static int same_person(dft_record_set *rs, dft_buf *tmp)
{
	struct pkey *pk = NULL;
	size_t n = 0, i, j, s, t;
	int rc = 0;
	dft_buf reason;
	dft_buf_init(&reason, 4096);
	if (!(pk = dft_calloc(rs->nrec + 1, sizeof(*pk))))
		return DFT_ENOMEM;
	for (i = 0; i < rs->ntmpl; i++) {
		dft_record_template *T = &rs->tmpl[i];
		size_t l, r, nl = SIZE_MAX, bl = SIZE_MAX, fl = SIZE_MAX, ml = SIZE_MAX, gl = SIZE_MAX, sl = SIZE_MAX;
		for (l = 0; l < T->nlabels; l++) {
			const char *lab;
			dft_buf_reset(tmp);
			if ((rc = dft_records_fold(T->labels[l], strlen(T->labels[l]), tmp)) < 0)
				goto done;
			lab = dft_buf_cstr(tmp);
			if (T->kinds[l] == DFT_FIELD_NAME) {
				if (fl == SIZE_MAX && contains_any(lab, w_father))
					fl = l;
				else if (ml == SIZE_MAX && contains_any(lab, w_mother))
					ml = l;
				else if (gl == SIZE_MAX && contains_any(lab, w_given))
					gl = l;
				else if (sl == SIZE_MAX && contains_any(lab, w_surname))
					sl = l;
				else if (nl == SIZE_MAX && !contains_any(lab, w_notself))
					nl = l;
			} else if (T->kinds[l] == DFT_FIELD_DATE && bl == SIZE_MAX && contains_any(lab, w_birth)) {
				bl = l;
			}
		}
		if (nl == SIZE_MAX && gl != SIZE_MAX && sl != SIZE_MAX)
			nl = SIZE_MAX - 1; /* the full name is the given names and the surname */
		else if (nl == SIZE_MAX)
			nl = gl != SIZE_MAX ? gl : sl;
		if (nl == SIZE_MAX || (bl == SIZE_MAX && fl == SIZE_MAX && ml == SIZE_MAX))
			continue;
		for (r = 0; r < T->nrecords; r++) {
			const dft_record *R = &rs->rec[T->records[r]];
			struct pkey *p = &pk[n];
			const char *full;
			dft_buf_reset(&reason);
			if (nl == SIZE_MAX - 1) {
				if (!R->fields[gl].value || !R->fields[sl].value ||
				    dft_buf_addf(&reason, "%s %s", R->fields[gl].value, R->fields[sl].value) < 0)
					continue;
				full = dft_buf_cstr(&reason);
			} else {
				full = R->fields[nl].value;
			}
			if (!full || !*full)
				continue;
			if ((rc = name_key(full, tmp)) < 0)
				goto done;
			if (!strchr(dft_buf_cstr(tmp), '-'))
				continue; /* one word is not enough to say who */
			p->rec = T->records[r];
			if (!(p->name = dft_strdup(dft_buf_cstr(tmp))))
				goto nomem;
			if (bl != SIZE_MAX && R->fields[bl].normalized && !(p->birth = dft_strdup(R->fields[bl].normalized)))
				goto nomem;
			if (fl != SIZE_MAX && R->fields[fl].value && *R->fields[fl].value) {
				if ((rc = name_key(R->fields[fl].value, tmp)) < 0)
					goto done;
				if (tmp->len && !(p->father = dft_strdup(dft_buf_cstr(tmp))))
					goto nomem;
			}
			if (ml != SIZE_MAX && R->fields[ml].value && *R->fields[ml].value) {
				if ((rc = name_key(R->fields[ml].value, tmp)) < 0)
					goto done;
				if (tmp->len && !(p->mother = dft_strdup(dft_buf_cstr(tmp))))
					goto nomem;
			}
			n++;
		}
	}
	if (n > 1)
		dft_sort(pk, n, sizeof(*pk), cmp_pkey);
	for (s = 0; s < n; s = t) {
		for (t = s + 1; t < n && !strcmp(pk[t].name, pk[s].name); t++)
			;
		if (t - s > 1000)
			continue; /* a name this common says nothing */
		for (i = s; i < t; i++)
			for (j = i + 1; j < t; j++) {
				const struct pkey *a = &pk[i], *b = &pk[j];
				int birth = a->birth && b->birth && days_apart(a->birth, b->birth) <= 2;
				int father = a->father && b->father && !strcmp(a->father, b->father);
				int mother = a->mother && b->mother && !strcmp(a->mother, b->mother);
				/* a parent's name that differs, or a birth date, says two people;
				 * the name and the birth date, or two of birth date, father's and
				 * mother's name agreeing, say one (a father's name alone repeats
				 * the family name the full name already has) */
				if ((a->birth && b->birth && !birth) || (a->father && b->father && !father) ||
				    (a->mother && b->mother && !mother) || !(birth || father + mother >= 2))
					continue;
				dft_buf_reset(&reason);
				if ((rc = dft_buf_addf(&reason, "same name (key %s)", a->name)) < 0 ||
				    (birth && (rc = dft_buf_addf(&reason, strcmp(a->birth, b->birth) ? ", born %s or %s (a Hijri date converted)" : ", born %s", a->birth, b->birth)) < 0) ||
				    (father && (rc = dft_buf_adds(&reason, ", same father's name")) < 0) ||
				    (mother && (rc = dft_buf_adds(&reason, ", same mother's name")) < 0) ||
				    (rc = add_link(rs, a->rec, b->rec, dft_buf_cstr(&reason))) < 0)
					goto done;
			}
	}
	goto done;
nomem:
	rc = DFT_ENOMEM;
done:
	for (i = 0; i < rs->nrec && pk; i++) {
		free(pk[i].name);
		free(pk[i].birth);
		free(pk[i].father);
		free(pk[i].mother);
	}
	free(pk);
	dft_buf_dispose(&reason);
	return rc;
}

/* OCR reads the Hijri era mark "هـ" without its tatweel, as the letter
 * "ه": after the digits of a date on an OCR'd page it is the mark, and
 * the value is given it back as the form wrote it ("1437/05/12 هـ"). */
static int hijri_mark(dft_record_field *f)
{
	size_t n = strlen(f->value), k;
	char *v;
	if (n < 3 || memcmp(f->value + n - 2, "\xd9\x87", 2))
		return 0;
	k = n - 2;
	while (k && f->value[k - 1] == ' ')
		k--;
	if (!((k >= 1 && digit_at(f->value + k - 1, f->value + k) == 1) ||
	      (k >= 2 && digit_at(f->value + k - 2, f->value + k) == 2)))
		return 0;
	if (!(v = dft_realloc(f->value, n + 3)))
		return DFT_ENOMEM;
	memcpy(v + n, "\xd9\x80", 3);
	f->value = v;
	return 0;
}

/* ---- the whole pass ------------------------------------------------------------------ */

/* A bilingual line ("الاسم / Name: value") is OCR'd with one script's
 * model, and the other half of its label comes out after the value:
 * "Bilal al-Dosari / el", "teacher / المهنة". When most OCR'd values of a
 * label end with such a " / " tail, the tails are the label's and are cut
 * (typed values, which say "Raqqa / Aleppo" in their own right, are not
 * touched). */
/* The first of three strings in s, or NULL. */
static char *first_of(char *s, const char *a, const char *b, const char *c)
{
	char *x = strstr(s, a), *y = strstr(s, b), *z = strstr(s, c);
	if (!x || (y && y < x))
		x = y;
	if (!x || (z && z < x))
		x = z;
	return x;
}

static int bilingual_tails(dft_record_set *rs, const dft_record_template *T)
{
	size_t l, r, n, slashed;
	int rc;
	for (l = 0; l < T->nlabels; l++) {
		for (r = n = slashed = 0; r < T->nrecords; r++) {
			const dft_record_field *f = &rs->rec[T->records[r]].fields[l];
			if (!f->has_box || !f->value || !*f->value)
				continue;
			n++;
			slashed += strstr(f->value, " / ") != NULL;
		}
		if (n < DFT_RECORDS_MIN_MEMBERS || (double)slashed < 0.6 * (double)n)
			continue;
		for (r = 0; r < T->nrecords; r++) {
			dft_record_field *f = &rs->rec[T->records[r]].fields[l];
			char *cut, *last = NULL;
			if (!f->has_box || !f->value)
				continue;
			for (cut = strstr(f->value, " / "); cut; cut = strstr(cut + 1, " / "))
				last = cut;
			if (!last) /* a photo's "/" read as "|", "[" or joined to the tail */
				last = first_of(f->value, " /", " | ", " [ ");
			if (!last)
				continue;
			while (last > f->value && last[-1] == ' ')
				last--;
			*last = '\0';
			if ((rc = dft_record_field_normalize(f, T->kinds[l], T->date_order)) < 0)
				return rc;
		}
	}
	return 0;
}

static int finish_records(struct builder *b, dft_record_set *rs, dft_buf *tmp)
{
	size_t t, r, l;
	dft_buf ocr;
	int rc = 0;
	dft_buf_init(&ocr, (size_t)64 << 20);
	for (t = 0; t < rs->ntmpl; t++) {
		dft_record_template *T = &rs->tmpl[t];
		if ((rc = template_kinds(rs, T, tmp)) < 0)
			goto done;
		for (r = 0; r < T->nrecords; r++) {
			dft_record *R = &rs->rec[T->records[r]];
			struct ocr_word *w = NULL;
			size_t nw = 0;
			if (!b->o.no_boxes) {
				struct meta_ctx mc = {&ocr};
				dft_buf_reset(&ocr);
				if ((rc = dft_store_doc_meta(b->st, R->doc, on_meta, &mc)) < 0 ||
				    (ocr.len && (rc = parse_ocr_words(dft_buf_cstr(&ocr), &w, &nw)) < 0))
					goto done;
			}
			for (l = 0; l < T->nlabels; l++) {
				dft_record_field *f = &R->fields[l];
				size_t bs = (size_t)f->box[0], be = (size_t)f->box[1];
				f->box[0] = f->box[1] = 0;
				f->bstart = (int64_t)bs;
				f->bend = (int64_t)be;
				if (!f->value)
					continue;
				if (nw) {
					field_box(f, bs, be, w, nw);
					if ((rc = hijri_mark(f)) < 0) {
						free(w);
						goto done;
					}
				}
				if ((rc = normalise_field(f, T->kinds[l], T->date_order, tmp)) < 0) {
					free(w);
					goto done;
				}
				if (T->kinds[l] == DFT_FIELD_NAME && *f->value && !b->o.no_entities &&
				    (rc = dft_store_entity_at(b->st, R->doc, bs, be, &f->entity)) < 0) {
					free(w);
					goto done;
				}
			}
			free(w);
		}
		if ((rc = bilingual_tails(rs, T)) < 0)
			goto done;
	}
done:
	dft_buf_dispose(&ocr);
	return rc;
}

int dft_records_build(dft_record_set *rs, dft_store *st, const dft_records_opts *o)
{
	struct builder b;
	struct tset *ts = NULL;
	size_t nt = 0, nlabels = 0, i, j, min;
	double t0 = dft_now();
	dft_buf tmp;
	int rc;

	memset(rs, 0, sizeof(*rs));
	memset(&b, 0, sizeof(b));
	b.st = st;
	if (o)
		b.o = *o;
	min = b.o.min_members ? b.o.min_members : DFT_RECORDS_MIN_MEMBERS;
	dft_buf_init(&b.fold, 1 << 16);
	dft_buf_init(&tmp, 1 << 20);
	if ((rc = dft_store_texts_each(st, on_text, &b)) < 0)
		goto done;
	rs->texts = b.texts;
	rs->candidates = b.ndocs;
	dft_log("forms: %zu texts, %zu candidates at %.2f s", b.texts, b.ndocs, dft_now() - t0);
	if ((rc = labels_make(&b, min, &nlabels)) < 0)
		goto done;
	for (i = 0; i < b.ndocs; i++)
		if ((rc = split_columns(&b, &b.docs[i])) < 0 || (rc = doc_labels(&b.docs[i])) < 0)
			goto done;
	if ((rc = seed_templates(&b, nlabels, &ts, &nt)) < 0)
		goto done;
	for (i = 0; i < nt; i++)
		ts[i].dead = ts[i].members < min;
	if ((rc = assign_all(&b, ts, nt, nlabels)) < 0 || (rc = core_labels(&b, ts, nt, nlabels)) < 0)
		goto done;
	/* nearly the same labels: one template (the larger keeps them) */
	for (i = 0; i < nt; i++)
		for (j = 0; j < nt; j++) {
			size_t c, mi = ts[i].members, ni = ts[i].n;
			int after = j > i;
			if (ts[i].dead)
				break;
			if (j == i || ts[j].dead || ts[j].members < mi || (ts[j].members == mi && after))
				continue;
			(void)ni;
			c = dice_count(ts[i].labels, ts[i].n, ts[j].labels, ts[j].n);
			if (2.0 * (double)c >= MERGE_DICE * (double)(ts[i].n + ts[j].n))
				ts[i].dead = 1;
		}
	if ((rc = assign_all(&b, ts, nt, nlabels)) < 0 || (rc = core_labels(&b, ts, nt, nlabels)) < 0)
		goto done;
	for (i = 0; i < nt; i++)
		if (ts[i].members < min || ts[i].n < 2)
			ts[i].dead = 1;
	dft_log("forms: %zu labels, %zu seeds at %.2f s", nlabels, nt, dft_now() - t0);
	/* records, largest template first */
	if (!(rs->tmpl = dft_calloc(nt + 1, sizeof(*rs->tmpl)))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	for (;;) {
		size_t best = SIZE_MAX;
		for (i = 0; i < nt; i++)
			if (!ts[i].dead && (best == SIZE_MAX || ts[i].members > ts[best].members))
				best = i;
		if (best == SIZE_MAX)
			break;
		ts[best].dead = 1;
		if ((rc = make_template(&b, rs, ts, best, nlabels, &tmp)) < 0)
			goto done;
		if (!template_is_form(rs, &rs->tmpl[rs->ntmpl - 1])) {
			dft_record_template *T = &rs->tmpl[rs->ntmpl - 1];
			size_t r, l;
			for (r = 0; r < T->nrecords; r++) {
				dft_record *R = &rs->rec[T->records[r]];
				for (l = 0; l < T->nlabels; l++)
					free(R->fields[l].value);
				free(R->fields);
			}
			rs->nrec -= T->nrecords;
			rs->rejected++;
			template_free(T);
			rs->ntmpl--;
		}
	}
	for (i = 0; i < rs->ntmpl; i++)
		rs->tmpl[i].id = (int64_t)i + 1;
	if ((rc = finish_records(&b, rs, &tmp)) < 0 || (rc = same_person(rs, &tmp)) < 0)
		goto done;
done:
	for (i = 0; i < b.ndocs; i++)
		cdoc_dispose(&b.docs[i]);
	free(b.docs);
	free(b.canon_key);
	free(b.lkey);
	free(b.lcanon);
	if (ts)
		tsets_free(ts, nt);
	dft_buf_dispose(&b.fold);
	dft_buf_dispose(&tmp);
	rs->seconds = dft_now() - t0;
	dft_log("forms: %zu templates, %zu records, %zu links, %.2f s", rs->ntmpl, rs->nrec, rs->nlinks, rs->seconds);
	if (rc < 0)
		dft_record_set_dispose(rs);
	return rc;
}
