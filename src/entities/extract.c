/*
 * extract.c - every entity extractor on one text: patterns and dates on
 * the whole text, NER a paragraph at a time with the model of the
 * paragraph's script (a letter in Arabic with an English quotation gets
 * both), then one list in text order with overlaps resolved.
 *
 * Overlaps: a pattern or a date is precise (checksums, calendars), a NER
 * span is a guess, so where they overlap the pattern wins ("15 March 2016"
 * tagged MISC by the model is a date). Between two pattern mentions the
 * scanners already chose; between two NER mentions (two models on mixed
 * text) the longer wins.
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void dft_mention_set_init(dft_mention_set *s)
{
	memset(s, 0, sizeof *s);
	dft_buf_init(&s->strings, (size_t)256 << 20);
}

void dft_mention_set_dispose(dft_mention_set *s)
{
	free(s->v);
	dft_buf_dispose(&s->strings);
	memset(s, 0, sizeof *s);
}

void dft_mention_set_reset(dft_mention_set *s)
{
	s->n = 0;
	dft_buf_reset(&s->strings);
}

static int add_string(dft_buf *b, const char *s, size_t *off)
{
	*off = b->len;
	return dft_buf_add(b, s, strlen(s) + 1);
}

int dft_mention_set_add(void *set, const dft_mention *m)
{
	dft_mention_set *s = set;
	dft_mention_rec *r;
	int rc;
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 64;
		dft_mention_rec *p = dft_realloc(s->v, c * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory for mentions");
		s->v = p;
		s->cap = c;
	}
	r = &s->v[s->n];
	r->type = m->type;
	r->start = m->start;
	r->end = m->end;
	r->score = m->score;
	r->extra = SIZE_MAX;
	if ((rc = add_string(&s->strings, m->value ? m->value : "", &r->value)) < 0)
		return rc;
	if (m->extra && (rc = add_string(&s->strings, m->extra, &r->extra)) < 0)
		return rc;
	s->n++;
	return 0;
}

struct dft_entity_extractor {
	dft_patterns *patterns;
	dft_dates *dates;
	dft_ner *ner_en, *ner_ar;
	char models[16];
	dft_mention_set found; /* everything, before overlaps are resolved */
};

int dft_entity_extractor_new(dft_entity_extractor **out)
{
	dft_entity_extractor *x = calloc(1, sizeof *x);
	int rc;
	*out = NULL;
	if (!x)
		return dft_error_set(DFT_ENOMEM, "out of memory");
	dft_mention_set_init(&x->found);
	if ((rc = dft_patterns_new(&x->patterns)) < 0 || (rc = dft_dates_new(&x->dates)) < 0) {
		dft_entity_extractor_free(x);
		return rc;
	}
	/* a missing model leaves names out, not the rest */
	if (dft_ner_load(&x->ner_en, "en", NULL) < 0)
		x->ner_en = NULL;
	if (dft_ner_load(&x->ner_ar, "ar", NULL) < 0)
		x->ner_ar = NULL;
	dft_error_clear();
	snprintf(x->models, sizeof x->models, "%s%s%s", x->ner_en ? "en" : "",
		 x->ner_en && x->ner_ar ? " " : "", x->ner_ar ? "ar" : "");
	*out = x;
	return 0;
}

void dft_entity_extractor_free(dft_entity_extractor *x)
{
	if (!x)
		return;
	dft_patterns_free(x->patterns);
	dft_dates_free(x->dates);
	dft_ner_free(x->ner_en);
	dft_ner_free(x->ner_ar);
	dft_mention_set_dispose(&x->found);
	free(x);
}

const char *dft_entity_extractor_models(const dft_entity_extractor *x)
{
	return x->models;
}

/* NER on one paragraph: its mentions' offsets moved to the whole text. */
typedef struct shifted {
	dft_mention_set *set;
	size_t base;
} shifted;

static int add_shifted(void *ctx, const dft_mention *m)
{
	shifted *sh = ctx;
	dft_mention c = *m;
	c.start += sh->base;
	c.end += sh->base;
	return dft_mention_set_add(sh->set, &c);
}

/* Letters of a paragraph: more Arabic than Latin? */
static int mostly_arabic(const char *p, size_t n)
{
	size_t ar = 0, la = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
			la++;
		else if (c >= 0xD8 && c <= 0xDB)
			ar++;
	}
	return ar > la;
}

static int run_ner(dft_entity_extractor *x, const char *text, size_t len)
{
	size_t i = 0;
	while (i < len) {
		/* a paragraph ends at a blank line or a form feed; long lines
		 * without them are cut at 64 KiB on a newline */
		size_t j = i;
		int rc;
		while (j < len) {
			if (text[j] == '\f' || (text[j] == '\n' && j + 1 < len && text[j + 1] == '\n'))
				break;
			if (text[j] == '\n' && j - i > 65536)
				break;
			j++;
		}
		if (j > i) {
			dft_ner *n = mostly_arabic(text + i, j - i) ? x->ner_ar : x->ner_en;
			shifted sh = {&x->found, i};
			if (n && (rc = dft_ner_scan(n, text + i, j - i, add_shifted, &sh)) < 0)
				return rc;
		}
		i = j + 1;
	}
	return 0;
}

static int is_name_type(int t)
{
	return t == DFT_ENT_PERSON || t == DFT_ENT_ORG || t == DFT_ENT_PLACE || t == DFT_ENT_MISC;
}

static int by_start(const void *a, const void *b)
{
	const dft_mention_rec *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	/* patterns first, then the longer */
	if (is_name_type(x->type) != is_name_type(y->type))
		return is_name_type(x->type) ? 1 : -1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return 0;
}

static int copy_rec(dft_mention_set *out, const dft_mention_set *from, const dft_mention_rec *r)
{
	dft_mention m;
	m.type = r->type;
	m.start = r->start;
	m.end = r->end;
	m.score = r->score;
	m.value = from->strings.ptr + r->value;
	m.extra = r->extra == SIZE_MAX ? NULL : from->strings.ptr + r->extra;
	return dft_mention_set_add(out, &m);
}

/* Does a name mention begin like the rest of an Arabic name in Latin
 * letters: an article with a hyphen (al-, el-, ash- ...) or bin/ibn? */
static int continues_name(const char *p, size_t n)
{
	static const char *const starts[] = {"al-", "el-", "Al-", "El-", "ad-", "ash-", "as-", "at-", "ar-",
					     "az-", "an-", "ad-", "bin ", "ibn ", "bint ", "Bin ", "Ibn "};
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		size_t l = strlen(starts[i]);
		if (n > l && !memcmp(p, starts[i], l))
			return 1;
	}
	return 0;
}

/* A model trained on English news splits "Abu Muhammad al-Adnani" into a
 * person and a second name ("al-Adnani", often MISC): join them when only
 * a space lies between and the second continues an Arabic name. */
static int join_split_names(dft_mention_set *out, const char *text)
{
	size_t w = 0;
	dft_buf v;
	int rc = 0;
	dft_buf_init(&v, 1 << 16);
	for (size_t i = 0; i < out->n; i++) {
		dft_mention_rec *a = w ? &out->v[w - 1] : NULL, *b = &out->v[i];
		if (a && a->type == DFT_ENT_PERSON && is_name_type(b->type) && b->start == a->end + 1 &&
		    text[a->end] == ' ' && continues_name(text + b->start, b->end - b->start)) {
			/* the joined value: both surfaces, one space between */
			dft_buf_reset(&v);
			if ((rc = dft_buf_adds(&v, out->strings.ptr + a->value)) < 0 || (rc = dft_buf_addc(&v, ' ')) < 0 ||
			    (rc = dft_buf_adds(&v, out->strings.ptr + b->value)) < 0)
				break;
			a->value = out->strings.len;
			if ((rc = dft_buf_add(&out->strings, v.ptr, v.len + 1)) < 0)
				break;
			a->end = b->end;
			a->score = a->score < b->score ? a->score : b->score;
			continue;
		}
		out->v[w++] = *b;
	}
	if (rc == 0)
		out->n = w;
	dft_buf_dispose(&v);
	return rc;
}

/* Formulae that open and close letters, which a model trained on news
 * takes for names: "بسم الله الرحمن الرحيم", "والله الموفق". Normalised
 * (dft_normalize_word), compared word by word. */
static const char *const formula_words[] = {"الله", "والله", "لله", "بالله", "الرحمن", "الرحيم", "بسم",
					    "الموفق", "وبالله", "التوفيق", "god", "allah"};

/* Is a name mention worth keeping: not a formula, and for a person more
 * than a title or a kunya marker ("أبو" alone)? */
static int worth_keeping(int type, const char *value)
{
	dft_buf norm;
	size_t pos = 0, len = strlen(value);
	int formula = 1, words = 0;
	dft_name n;
	if (!is_name_type(type))
		return 1;
	dft_buf_init(&norm, 1024);
	while (pos < len) {
		size_t st, wl, k;
		while (pos < len && value[pos] == ' ')
			pos++;
		st = pos;
		while (pos < len && value[pos] != ' ')
			pos++;
		wl = pos - st;
		if (!wl)
			break;
		words++;
		dft_buf_reset(&norm);
		if (dft_normalize_word(value + st, wl, &norm) < 0)
			break;
		for (k = 0; k < sizeof(formula_words) / sizeof(formula_words[0]); k++)
			if (!strcmp(dft_buf_cstr(&norm), formula_words[k]))
				break;
		if (k == sizeof(formula_words) / sizeof(formula_words[0]))
			formula = 0;
	}
	dft_buf_dispose(&norm);
	if (words == 0 || formula)
		return 0;
	if (type != DFT_ENT_PERSON)
		return 1;
	if (dft_name_parse(type, value, len, &n) < 0)
		return 1;
	for (int i = 0; i < n.n; i++)
		if (n.w[i].role != DFT_NAME_MARKER)
			return 1;
	return 0;
}

/* Head nouns that make a name an organisation or a place whatever the
 * model said: the models learnt from news, where "ديوان" is rare, and tag
 * a group's departments (ديوان الجند, the soldiers' department) as people.
 * Normalised (dft_normalize_word). */
static const struct {
	const char *head;
	int type;
} head_nouns[] = {
	{"ديوان", DFT_ENT_ORG},   {"مكتب", DFT_ENT_ORG},    {"وزاره", DFT_ENT_ORG},  {"هيئه", DFT_ENT_ORG},
	{"مجلس", DFT_ENT_ORG},    {"دائره", DFT_ENT_ORG},   {"لواء", DFT_ENT_ORG},   {"كتيبه", DFT_ENT_ORG},
	{"جيش", DFT_ENT_ORG},     {"جبهه", DFT_ENT_ORG},    {"حركه", DFT_ENT_ORG},   {"جماعه", DFT_ENT_ORG},
	{"شركه", DFT_ENT_ORG},    {"جامعه", DFT_ENT_ORG},   {"مؤسسه", DFT_ENT_ORG},  {"ولايه", DFT_ENT_PLACE},
	{"مدينه", DFT_ENT_PLACE}, {"محافظه", DFT_ENT_PLACE}, {"قريه", DFT_ENT_PLACE}, {"office", DFT_ENT_ORG},
	{"ministry", DFT_ENT_ORG}, {"department", DFT_ENT_ORG}, {"council", DFT_ENT_ORG}, {"committee", DFT_ENT_ORG},
	{"brigade", DFT_ENT_ORG}, {"battalion", DFT_ENT_ORG}, {"diwan", DFT_ENT_ORG},     {"wilayat", DFT_ENT_PLACE},
	{"province", DFT_ENT_PLACE}};

/* The type a name's first word imposes, or -1. */
static int head_noun_type(const char *value)
{
	dft_buf norm;
	size_t wl = strcspn(value, " ");
	int type = -1;
	dft_buf_init(&norm, 512);
	if (wl && dft_normalize_word(value, wl, &norm) == 0)
		for (size_t i = 0; i < sizeof(head_nouns) / sizeof(head_nouns[0]); i++)
			if (!strcmp(dft_buf_cstr(&norm), head_nouns[i].head)) {
				type = head_nouns[i].type;
				break;
			}
	dft_buf_dispose(&norm);
	return type;
}

int dft_entity_extract(dft_entity_extractor *x, const char *text, size_t len, const char *country,
		       dft_mention_set *out)
{
	int rc;
	size_t i, kept_end = 0;
	int kept_any = 0;
	dft_mention_set_reset(&x->found);
	if ((rc = dft_patterns_scan(x->patterns, text, len, country, dft_mention_set_add, &x->found)) < 0 ||
	    (rc = dft_dates_scan(x->dates, text, len, dft_mention_set_add, &x->found)) < 0 ||
	    (rc = run_ner(x, text, len)) < 0)
		return rc;
	if (x->found.n > 1)
		dft_sort(x->found.v, x->found.n, sizeof(x->found.v[0]), by_start);
	/* pattern spans first claim their bytes; then names not touching them */
	for (i = 0; i < x->found.n; i++) {
		const dft_mention_rec *r = &x->found.v[i];
		int overlaps_pattern = 0;
		if (kept_any && r->start < kept_end) {
			/* overlaps the last kept mention: keep it only if it is a
			 * pattern and the kept one was a name (patterns win) */
			const dft_mention_rec *last = &out->v[out->n - 1];
			if (!(is_name_type(last->type) && !is_name_type(r->type)))
				continue;
			out->n--; /* drop the name (its strings stay, unused) */
		}
		if (is_name_type(r->type))
			for (size_t j = i + 1; j < x->found.n && x->found.v[j].start < r->end; j++)
				if (!is_name_type(x->found.v[j].type))
					overlaps_pattern = 1;
		if (overlaps_pattern || !worth_keeping(r->type, x->found.strings.ptr + r->value))
			continue;
		if ((rc = copy_rec(out, &x->found, r)) < 0)
			return rc;
		if (is_name_type(r->type)) {
			int t = head_noun_type(x->found.strings.ptr + r->value);
			if (t >= 0)
				out->v[out->n - 1].type = t;
		}
		kept_end = r->end;
		kept_any = 1;
	}
	return join_split_names(out, text);
}
