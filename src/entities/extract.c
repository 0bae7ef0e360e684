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
 *
 * Two scanners of the trove's own register come after NER and overrule
 * it: the gazetteer of Syria and Iraq (places.c: "Raqqa" the model took
 * for a person, "Deir" cut from Deir ez-Zor) and offices (ديوان بيت المال,
 * مكتب العلاقات العامة, Office of ..., cut by the model after their first
 * words). Their span replaces every NER span it overlaps, except a longer
 * organisation or place around it ("ولاية الرقة", "Raqqa Media Office").
 * Last, a one-word nisba the model did not take for a person ("al-Adnani",
 * MISC or place) is a person when it is the distinctive part of a person
 * named in the same text ("Abu Muhammad al-Adnani").
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
	s->dropped = 0;
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
	if (s->n >= DFT_MENTIONS_MAX) {
		s->dropped++;
		return 0;
	}
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
	dft_places *places;
	dft_gazetteer *gz;
	char models[16];
	dft_mention_set found;	 /* everything, before overlaps are resolved */
	dft_mention_set special; /* gazetteer places and offices */
	dft_mention_set geo;	 /* GeoNames' towns (gazetteer.c): where nothing else is */
};

int dft_entity_extractor_new(dft_entity_extractor **out)
{
	dft_entity_extractor *x = calloc(1, sizeof *x);
	int rc;
	*out = NULL;
	if (!x)
		return dft_error_set(DFT_ENOMEM, "out of memory");
	dft_mention_set_init(&x->found);
	dft_mention_set_init(&x->special);
	dft_mention_set_init(&x->geo);
	if ((rc = dft_patterns_new(&x->patterns)) < 0 || (rc = dft_dates_new(&x->dates)) < 0 ||
	    (rc = dft_places_new(&x->places)) < 0 || (rc = dft_gazetteer_new(&x->gz)) < 0) {
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
	dft_places_free(x->places);
	dft_gazetteer_free(x->gz);
	dft_mention_set_dispose(&x->found);
	dft_mention_set_dispose(&x->special);
	dft_mention_set_dispose(&x->geo);
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

/* NER a paragraph at a time with the model of its script; the paragraphs
 * of one script are one document to their model (dft_ner_scan_parts). */
static int run_ner(dft_entity_extractor *x, const char *text, size_t len)
{
	size_t *parts[2] = {NULL, NULL}, nparts[2] = {0, 0}, cap[2] = {0, 0};
	dft_ner *models[2] = {x->ner_en, x->ner_ar};
	size_t i = 0;
	int rc = 0;
	while (i < len && rc == 0) {
		/* a paragraph ends at a blank line or a form feed; long lines
		 * without them are cut at 64 KiB on a newline */
		size_t j = i;
		while (j < len) {
			if (text[j] == '\f' || (text[j] == '\n' && j + 1 < len && text[j + 1] == '\n'))
				break;
			if (text[j] == '\n' && j - i > 65536)
				break;
			j++;
		}
		if (j > i) {
			int k = mostly_arabic(text + i, j - i) ? 1 : 0;
			if (models[k] && nparts[k] == cap[k]) {
				size_t nc = cap[k] ? cap[k] * 2 : 64;
				size_t *np = dft_realloc(parts[k], nc * 2 * sizeof *np);
				if (!np)
					rc = dft_error_set(DFT_ENOMEM, "out of memory for paragraphs");
				else {
					parts[k] = np;
					cap[k] = nc;
				}
			}
			if (models[k] && rc == 0) {
				parts[k][2 * nparts[k]] = i;
				parts[k][2 * nparts[k] + 1] = j;
				nparts[k]++;
			}
		}
		i = j + 1;
	}
	for (int k = 0; k < 2 && rc == 0; k++) {
		shifted sh = {&x->found, 0};
		if (nparts[k] && (rc = dft_ner_scan_parts(models[k], text, parts[k], nparts[k],
							  add_shifted, &sh)) > 0)
			rc = 0;
	}
	free(parts[0]);
	free(parts[1]);
	return rc;
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

/* ---- offices ------------------------------------------------------------- */

/* Arabic head nouns of an office, normalised, without article. */
static const char *const office_heads_ar[] = {"ديوان", "مكتب", "هيئه", "دائره", "وزاره", "مديريه", "قسم"};
/* Words that end an office's name: prepositions, kunya and title words, the
 * honorifics and the headings of a letter. Normalised. */
static const char *const office_stops_ar[] = {"التابع", "التابعه", "التابعين",
	"في",	  "الي",     "من",	  "علي",	"عن",	   "ابو",     "ابي",	  "ام",	   "بن",
	"الموقر", "المحترم", "المحترمين", "الكرام",	"الموضوع", "التاريخ", "الرقم",	  "العدد", "المذكور",
	"المذكوره", "المرفق", "امير",	  "مسؤول",	"الاخ",	   "الشيخ",   "الله",	  "السلام"};
static const char *const office_heads_en[] = {"Office", "Department", "Ministry", "Directorate", "Bureau",
					      "Diwan",	"Committee",  "Council",  "Dept."};

static int in_list(const char *w, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w, list[i]))
			return 1;
	return 0;
}

/* The next word from *i on one line: [start, end) of a run of letters
 * (any script, with tashkeel and tatweel), after at most one space; 0 at
 * punctuation, a line's end or a second space. */
static int next_word(const char *t, size_t len, size_t *i, size_t *ws, size_t *we, int first)
{
	size_t j = *i;
	if (!first) {
		if (j >= len || t[j] != ' ')
			return 0;
		j++;
	}
	*ws = j;
	while (j < len) {
		size_t at = j;
		uint32_t c = dft_utf8_next(t, len, &j);
		int letter = (c < 0x80 && (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '.' || c == '\'')) ||
			     (c >= 0xC0 && c < 0x250) || (c >= 0x0400 && c < 0x0500) ||
			     (c >= 0x0621 && c <= 0x065F) || (c >= 0x066E && c <= 0x06D3) || c == 0x0670;
		if (!letter) {
			j = at;
			break;
		}
	}
	/* a full stop ends the word, not the name */
	while (j > *ws && t[j - 1] == '.')
		j--;
	*we = j;
	*i = j;
	return j > *ws;
}

static int arabic_at(const char *t, size_t i)
{
	return (unsigned char)t[i] >= 0xD8 && (unsigned char)t[i] <= 0xDB;
}

/* Cheap test before the normalisation: does the word begin, maybe after
 * one clitic (و ل ب ف), with the first letter of a head noun (د م ه و ق)? */
static int office_initial(const char *w, size_t n)
{
	static const char first[][3] = {"د", "م", "ه", "و", "ق"};
	static const char clitic[][3] = {"و", "ل", "ب", "ف"};
	for (int c = -1; c < 4; c++) {
		size_t at = c < 0 ? 0 : 2;
		if (c >= 0 && (n < 4 || memcmp(w, clitic[c], 2)))
			continue;
		for (int f = 0; f < 5; f++)
			if (n >= at + 2 && !memcmp(w + at, first[f], 2))
				return 1;
	}
	return 0;
}

static int add_office(dft_mention_set *set, const char *t, size_t s, size_t e)
{
	dft_mention m;
	dft_buf v;
	int rc;
	dft_buf_init(&v, 4096);
	rc = dft_buf_add(&v, t + s, e - s);
	if (rc == 0) {
		m.type = DFT_ENT_ORG;
		m.start = s;
		m.end = e;
		m.value = dft_buf_cstr(&v);
		m.extra = NULL;
		m.score = 0.9;
		rc = dft_mention_set_add(set, &m);
	}
	dft_buf_dispose(&v);
	return rc;
}

/* Offices and departments whole: an Arabic head noun (ديوان, مكتب ...)
 * and the construct chain after it up to its first definite word and the
 * definite adjectives that follow (ديوان بيت المال, ديوان الزكاة, مكتب
 * العلاقات العامة); "Office of / Department of" and capitalised words,
 * "Diwan al-Zakat". */
static int find_offices(const char *t, size_t len, dft_mention_set *set)
{
	dft_buf norm;
	size_t i = 0;
	int rc = 0;
	dft_buf_init(&norm, 1024);
	while (i < len && rc == 0) {
		size_t ws, we, j = i, end = 0, start;
		int words = 0, definite = 0, indefinite = 0;
		if (i > 0 && ((unsigned char)t[i] & 0xC0) == 0x80) {
			i++;
			continue;
		}
		/* a word starts here: not inside one */
		if (i > 0 && t[i - 1] != ' ' && t[i - 1] != '\n' && t[i - 1] != '\t' && t[i - 1] != '"' &&
		    t[i - 1] != '(' && (unsigned char)t[i - 1] < 0x80) {
			i++;
			continue;
		}
		if (!next_word(t, len, &j, &ws, &we, 1)) {
			i++;
			continue;
		}
		start = ws;
		if (arabic_at(t, ws)) {
			const char *w;
			if (!office_initial(t + ws, we - ws)) {
				i = we > i ? we : i + 1;
				continue;
			}
			dft_buf_reset(&norm);
			if ((rc = dft_normalize_word(t + ws, we - ws, &norm)) < 0)
				break;
			w = dft_buf_cstr(&norm);
			if (!in_list(w, office_heads_ar, sizeof(office_heads_ar) / sizeof(office_heads_ar[0]))) {
				/* و ل ب ف + head */
				if (norm.len > 2 && (!strncmp(w, "و", 2) || !strncmp(w, "ل", 2) || !strncmp(w, "ب", 2) ||
						     !strncmp(w, "ف", 2)) &&
				    in_list(w + 2, office_heads_ar, sizeof(office_heads_ar) / sizeof(office_heads_ar[0])))
					start = ws + 2;
				else {
					i = we > i ? we : i + 1;
					continue;
				}
			}
			while (words < 5 && next_word(t, len, &j, &ws, &we, 0) && arabic_at(t, ws)) {
				const char *x;
				dft_buf_reset(&norm);
				if ((rc = dft_normalize_word(t + ws, we - ws, &norm)) < 0)
					break;
				x = dft_buf_cstr(&norm);
				if (in_list(x, office_stops_ar, sizeof(office_stops_ar) / sizeof(office_stops_ar[0])))
					break;
				if (norm.len > 4 && !strncmp(x, "ال", 4)) {
					definite = 1;
					end = we;
				} else if (!definite && indefinite < 2) {
					indefinite++;
				} else {
					break;
				}
				words++;
			}
			if (rc == 0 && definite && (rc = add_office(set, t, start, end)) < 0)
				break;
			i = end ? end : (we > i ? we : i + 1);
			if (!end)
				i = j > i ? j : i + 1;
			continue;
		}
		/* English: Office of ..., Diwan al-... */
		{
			size_t hl = we - ws;
			int head = 0, of = 0;
			for (size_t k = 0; k < sizeof(office_heads_en) / sizeof(office_heads_en[0]); k++)
				if (strlen(office_heads_en[k]) == hl && !memcmp(t + ws, office_heads_en[k], hl))
					head = 1;
			if (!head) {
				i = we > i ? we : i + 1;
				continue;
			}
			if (hl == 5 && !memcmp(t + ws, "Diwan", 5) && j + 4 < len && t[j] == ' ' &&
			    (!memcmp(t + j + 1, "al-", 3) || !memcmp(t + j + 1, "el-", 3))) {
				size_t k = j + 4;
				while (k < len && (((t[k] | 0x20) >= 'a' && (t[k] | 0x20) <= 'z') || t[k] == '-' || t[k] == '\''))
					k++;
				if (k > j + 5 && (rc = add_office(set, t, start, k)) < 0)
					break;
				i = k;
				continue;
			}
			if (j + 4 < len && !memcmp(t + j, " of ", 4)) {
				size_t k = j + 3;
				if (k + 5 < len && !memcmp(t + k, " the ", 5))
					k += 4;
				while (words < 6 && next_word(t, len, &k, &ws, &we, 0)) {
					if (t[ws] >= 'A' && t[ws] <= 'Z') {
						end = we;
						of = 1;
					} else if (!(we - ws == 3 && !memcmp(t + ws, "and", 3)) &&
						   !(we - ws == 3 && !memcmp(t + ws, "for", 3))) {
						break;
					}
					words++;
				}
			}
			if (of && (rc = add_office(set, t, start, end)) < 0)
				break;
			i = of ? end : (we > i ? we : i + 1);
		}
	}
	dft_buf_dispose(&norm);
	return rc;
}

/* Does text[a, b) hold a word of a name: an Arabic letter or a Latin
 * capital? A person "محمد الشدادي" keeps its family name, "de Raqqa" is
 * Raqqa. */
static int name_outside(const char *text, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 0xD8 && c <= 0xDB))
			return 1;
	}
	return 0;
}

/* The first record of a set sorted by start that starts at or after pos. */
static size_t first_from(const dft_mention_set *set, size_t pos)
{
	size_t lo = 0, hi = set->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (set->v[mid].start < pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The longest span a record may have for the overlap search: a name
 * longer than this is left to the main loop's rule. */
#define SPAN_REACH 1024

/* The special spans (places, offices) against NER: a special span drops
 * the NER names it overlaps, unless one of them is an organisation or a
 * place that holds it and is longer. Dropped records get type -1. Both
 * sets sorted by start; each span looks only at the records that start
 * within SPAN_REACH before it, so the cost is linear in the mentions. */
static void overrule_ner(const char *text, dft_mention_set *found, dft_mention_set *special)
{
	for (size_t s = 0; s < special->n; s++) {
		dft_mention_rec *sp = &special->v[s];
		size_t from = sp->start > SPAN_REACH ? sp->start - SPAN_REACH : 0, i;
		if (sp->type < 0)
			continue;
		/* specials among themselves: an office holds a place (مكتب
		 * الرقة); of two alike, the longer, then the first */
		for (size_t o = first_from(special, from); o < special->n && special->v[o].start < sp->end; o++) {
			dft_mention_rec *q = &special->v[o];
			if (o != s && q->type >= 0 && sp->start < q->end &&
			    (q->end - q->start > sp->end - sp->start ||
			     (q->end - q->start == sp->end - sp->start && o < s))) {
				sp->type = -1;
				break;
			}
		}
		if (sp->type < 0)
			continue;
		from = first_from(found, from);
		for (i = from; i < found->n && found->v[i].start < sp->end; i++) {
			dft_mention_rec *n = &found->v[i];
			if (n->type < 0 || !is_name_type(n->type) || sp->start >= n->end)
				continue;
			if (n->start <= sp->start && n->end >= sp->end && n->end - n->start > sp->end - sp->start &&
			    (n->type == DFT_ENT_ORG || n->type == DFT_ENT_PLACE ||
			     name_outside(text, n->start, sp->start) || name_outside(text, sp->end, n->end))) {
				sp->type = -1;
				break;
			}
		}
		if (sp->type < 0)
			continue;
		for (i = from; i < found->n && found->v[i].start < sp->end; i++) {
			dft_mention_rec *n = &found->v[i];
			if (n->type >= 0 && is_name_type(n->type) && sp->start < n->end)
				n->type = -1;
		}
	}
}

/* A one-word name the model typed misc or place ("al-Adnani") that is the
 * distinctive part of a person named in the same text is that person. */
static int nisba_to_person(dft_mention_set *out)
{
	dft_name *people = NULL, part;
	size_t np = 0, cap = 0;
	for (size_t i = 0; i < out->n; i++) {
		const dft_mention_rec *r = &out->v[i];
		const char *v = out->strings.ptr + r->value;
		if (r->type != DFT_ENT_PERSON || !strchr(v, ' ') || np >= 256)
			continue;
		if (np == cap) {
			size_t c = cap ? cap * 2 : 8;
			dft_name *p = dft_realloc(people, c * sizeof(*p));
			if (!p) {
				free(people);
				return dft_error_set(DFT_ENOMEM, "out of memory");
			}
			people = p;
			cap = c;
		}
		if (dft_name_parse(DFT_ENT_PERSON, v, strlen(v), &people[np]) == 0 && people[np].n >= 2)
			np++;
	}
	for (size_t i = 0; i < out->n && np; i++) {
		dft_mention_rec *r = &out->v[i];
		const char *v = out->strings.ptr + r->value;
		if ((r->type != DFT_ENT_MISC && r->type != DFT_ENT_PLACE) || r->extra != SIZE_MAX || strchr(v, ' '))
			continue;
		/* a nisba: with its article (al-Adnani, العدناني) */
		if (strncasecmp(v, "al-", 3) && strncasecmp(v, "el-", 3) && strncmp(v, "ال", 4))
			continue;
		if (dft_name_parse(DFT_ENT_PERSON, v, strlen(v), &part) < 0 || part.n != 1)
			continue;
		for (size_t k = 0; k < np; k++)
			if (dft_name_is_part(&part, &people[k])) {
				r->type = DFT_ENT_PERSON;
				break;
			}
	}
	dft_error_clear();
	free(people);
	return 0;
}

/* Does a name read like a person's: a given name (Muhammad, Jasim ...),
 * a kunya (Abu ...) or a nasab (bin ...) among its words? */
static int person_like(const char *v)
{
	dft_name n;
	if (dft_name_parse(DFT_ENT_PERSON, v, strlen(v), &n) < 0) {
		dft_error_clear();
		return 1;
	}
	for (int i = 0; i < n.n; i++)
		if (n.w[i].given || n.w[i].role == DFT_NAME_KUNYA || n.w[i].role == DFT_NAME_NASAB ||
		    n.w[i].role == DFT_NAME_MARKER)
			return 1;
	return 0;
}

/* GeoNames' towns (dft_gazetteer_scan) where no scanner nor model found
 * anything; a span the models typed misc or organisation exactly becomes
 * that place. A person the model read stays a person. found is sorted
 * by start and stays so. */
static int add_geo(dft_entity_extractor *x, const char *text, size_t len)
{
	size_t n0 = x->found.n;
	int rc, added = 0;
	dft_mention_set_reset(&x->geo);
	if ((rc = dft_gazetteer_scan(x->gz, text, len, dft_mention_set_add, &x->geo)) < 0)
		return rc;
	for (size_t g = 0; g < x->geo.n; g++) {
		const dft_mention_rec *r = &x->geo.v[g];
		size_t from = r->start > SPAN_REACH ? r->start - SPAN_REACH : 0, i;
		int clash = 0;
		for (i = first_from(&x->found, from); i < n0 && x->found.v[i].start < r->end; i++) {
			dft_mention_rec *f = &x->found.v[i];
			if (f->type < 0 || f->end <= r->start)
				continue;
			if (f->start == r->start && f->end == r->end && (f->type == DFT_ENT_MISC || f->type == DFT_ENT_ORG))
				f->type = DFT_ENT_PLACE;
			/* after a strong cue ("in Harasta", "في حرستا") the town wins
			 * over a person the model read on the same words; so does a
			 * town the model read as a person of those words alone when
			 * none is a given name, kunya or nasab (Harasta, Khan
			 * Shaykhun; not Jasim, Abu Kamal the man) */
			else if (f->type == DFT_ENT_PERSON && f->start >= r->start && f->end <= r->end &&
				 (r->score >= 0.9 ||
				  (f->start == r->start && f->end == r->end && !person_like(x->found.strings.ptr + f->value))))
				f->type = -1;
			else
				clash = 1;
		}
		if (!clash) {
			if ((rc = copy_rec(&x->found, &x->geo, r)) < 0)
				return rc;
			added = 1;
		}
	}
	if (added && x->found.n > 1)
		dft_sort(x->found.v, x->found.n, sizeof(x->found.v[0]), by_start);
	return 0;
}

int dft_entity_extract(dft_entity_extractor *x, const char *text, size_t len, const char *country,
		       dft_mention_set *out)
{
	int rc;
	size_t i, kept_end = 0;
	int kept_any = 0;
	dft_mention_set_reset(&x->found);
	dft_mention_set_reset(&x->special);
	if ((rc = dft_patterns_scan(x->patterns, text, len, country, dft_mention_set_add, &x->found)) < 0 ||
	    (rc = dft_dates_scan(x->dates, text, len, dft_mention_set_add, &x->found)) < 0 ||
	    (rc = run_ner(x, text, len)) < 0 || (rc = find_offices(text, len, &x->special)) < 0 ||
	    (rc = dft_places_scan(x->places, text, len, dft_mention_set_add, &x->special)) < 0)
		return rc;
	if (x->found.n > 1)
		dft_sort(x->found.v, x->found.n, sizeof(x->found.v[0]), by_start);
	if (x->special.n > 1)
		dft_sort(x->special.v, x->special.n, sizeof(x->special.v[0]), by_start);
	overrule_ner(text, &x->found, &x->special);
	for (i = 0; i < x->special.n; i++)
		if (x->special.v[i].type >= 0 && (rc = copy_rec(&x->found, &x->special, &x->special.v[i])) < 0)
			return rc;
	if (x->found.n > 1)
		dft_sort(x->found.v, x->found.n, sizeof(x->found.v[0]), by_start);
	if ((rc = add_geo(x, text, len)) < 0)
		return rc;
	/* pattern spans first claim their bytes; then names not touching them */
	for (i = 0; i < x->found.n; i++) {
		const dft_mention_rec *r = &x->found.v[i];
		int overlaps_pattern = 0;
		if (r->type < 0)
			continue;
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
				if (x->found.v[j].type >= 0 && !is_name_type(x->found.v[j].type))
					overlaps_pattern = 1;
		if (overlaps_pattern || !worth_keeping(r->type, x->found.strings.ptr + r->value))
			continue;
		if ((rc = copy_rec(out, &x->found, r)) < 0)
			return rc;
		if (is_name_type(r->type) && r->extra == SIZE_MAX) {
			const char *v = x->found.strings.ptr + r->value;
			int t = head_noun_type(v), common;
			const dft_place *pl;
			if (t >= 0)
				out->v[out->n - 1].type = t;
			/* a name the gazetteer knows, unless the model read a
			 * person; a spelling that is also a common word (الباب,
			 * Duma) only where the model read a place */
			else if (r->type != DFT_ENT_PERSON && (pl = dft_places_lookup(x->places, v, strlen(v), &common)) &&
				 (!common || r->type == DFT_ENT_PLACE)) {
				char extra[96];
				dft_mention_rec *o = &out->v[out->n - 1];
				snprintf(extra, sizeof extra, "place:%s;geo:%.4f,%.4f;%s", pl->name, pl->lat, pl->lon,
					 pl->country);
				o->type = DFT_ENT_PLACE;
				if ((rc = add_string(&out->strings, extra, &o->extra)) < 0)
					return rc;
			}
		}
		kept_end = r->end;
		kept_any = 1;
	}
	if ((rc = join_split_names(out, text)) < 0)
		return rc;
	return nisba_to_person(out);
}
