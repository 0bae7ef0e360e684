/*
 * analyzer.c - daftar's analyzer (include/daftar/text.h): one pass over
 * UTF-8 text that cuts it into words by daftar's own rules and emits, for
 * each word, its normalised surface form and, colocated with it, the
 * clitic-stripped form, the "s:" stem and the "k:" cross-script name key
 * with its finer sibling "k:=" (namekey.c).
 * The index tokenizer (src/index) and the query parser both call it, so a
 * word is indexed and searched the same way.
 *
 * Words: letters, combining marks and digits of any script (fold.c says
 * what each character is). Invisible direction and joiner characters are
 * dropped without ending a word; an apostrophe between Latin letters is
 * dropped ("Qur'an" → quran); "," "." "٫" "٬" between digits stay inside a
 * number (1,000 · 12.5 · ٣٫٥ → 3.5); a hyphen ends a word except after a
 * Latin or Cyrillic article ("al-Adnani" → aladnani, stripped adnani). A
 * change between Arabic and another script ends a word. Invalid UTF-8 ends
 * a word and is skipped. Word text is cut at 128 bytes; the token still
 * spans the whole word.
 *
 * Name keys only where a name can be: every Arabic word (the script has
 * no capitals), and a Latin or Cyrillic word with a capital letter
 * (Baghdadi, al-Adnani, ООН), unless the text is written without capitals
 * (a chat, an all-lower-case OCR), where every word is keyed as before.
 * Lower-case words of ordinary prose had half the index's keys and no
 * name among them (docs/ARCHITECTURE.md, "Search").
 *
 * Two-word names get one more key at their second word: an ʿAbd compound
 * (Abdul Kareem: k:abdkrm, as Abdulkarim; the second word's own key is
 * left out) and a kunya (Abu Bakr: k:abkr, as Abubakr); their first words
 * and a detached article get "k:_", which a ~"..." name phrase may step
 * over (query.c).
 *
 * Arabic clitics: [و|ف]? then [ب|ك]? ال, or لل, or one of ب ك ل, or و/ف
 * alone; the longest prefix that leaves at least three letters is stripped.
 * Nothing here allocates per token: the word, the stem and the key are built
 * in buffers the analyzer owns.
 */
#include "daftar/text.h"
#include "text_internal.h"

#include <libstemmer.h>
#include <stdlib.h>
#include <string.h>

struct dft_analyzer {
	unsigned flags;
	int lang_script;              /* script the lang stemmer is for */
	int lang_given;
	struct sb_stemmer *st_lang;   /* NULL: no stemmer for lang (fa) */
	struct sb_stemmer *st_ar, *st_en, *st_ru;
	char tok[2 * DFT_TEXT_WORD_MAX + 16];
	struct stem_slot *cache; /* stems of recent words (NULL: no stems) */
	/* the last word when it was an ʿAbd head ("abd", "abdul", "عبد"):
	 * the next word gets the compound's key too (namekey.c) */
	const char *text;
	char head[64];
	size_t head_len, head_end;
	int head_script;
	int head_kunya; /* the head is Abu/Umm, not ʿAbd */
	int caseless;   /* the text has (almost) no capitals: key every word */
};

/* Snowball costs ~0.4 µs a word, more than everything else together, and
 * words repeat (Zipf): a direct-mapped cache of word → stem per analyzer
 * roughly doubles the speed of a full index pass. */
#define STEM_CACHE_SLOTS 8192
#define STEM_CACHE_WORD 46
struct stem_slot {
	unsigned char wlen, slen; /* wlen 0: empty slot */
	char w[STEM_CACHE_WORD], s[STEM_CACHE_WORD];
	const void *stemmer;
};

struct word {
	size_t start, end;
	size_t len;
	int active, full, script, has_digit, has_letter;
	int upper; /* a capital letter (Latin, Cyrillic) */
	int last; /* DFT_TC_LETTER or DFT_TC_DIGIT: the last thing appended */
	size_t art_len;  /* bytes of a hyphenated article ("al") */
	size_t apos_at;  /* bytes before the first apostrophe, 0 none */
	char w[DFT_TEXT_WORD_MAX + DFT_TEXT_FOLD_MAX];
};

static int script_of_lang(const char *lang)
{
	static const char *const arabic[] = {"ar", "fa", "ur", "ps", "ku", NULL};
	static const char *const cyr[] = {"ru", "uk", "bg", "sr", "be", "mk", NULL};
	int i;
	for (i = 0; arabic[i]; i++)
		if (strcmp(lang, arabic[i]) == 0)
			return DFT_SCRIPT_ARABIC;
	for (i = 0; cyr[i]; i++)
		if (strcmp(lang, cyr[i]) == 0)
			return DFT_SCRIPT_CYRILLIC;
	return DFT_SCRIPT_LATIN;
}

int dft_analyzer_new(dft_analyzer **out, const char *lang, unsigned flags)
{
	dft_analyzer *a;
	size_t i;
	*out = NULL;
	if (lang) {
		size_t n = strlen(lang);
		if (n < 2 || n > 3)
			return dft_error_set(DFT_EINVAL, "analyzer: bad language code '%s'", lang);
		for (i = 0; i < n; i++)
			if (lang[i] < 'a' || lang[i] > 'z')
				return dft_error_set(DFT_EINVAL, "analyzer: bad language code '%s'", lang);
	}
	if (dft_text_fold_init() != 0)
		return dft_error_set(DFT_ERROR, "analyzer: ICU normaliser unavailable");
	a = dft_calloc(1, sizeof *a);
	if (!a)
		return DFT_ENOMEM;
	a->flags = flags;
	if (flags & DFT_AN_STEM) {
		a->st_ar = sb_stemmer_new("arabic", "UTF_8");
		a->st_en = sb_stemmer_new("english", "UTF_8");
		a->st_ru = sb_stemmer_new("russian", "UTF_8");
		if (!a->st_ar || !a->st_en || !a->st_ru) {
			dft_analyzer_free(a);
			return dft_error_set(DFT_ENOMEM, "analyzer: cannot create stemmers");
		}
		a->cache = dft_calloc(STEM_CACHE_SLOTS, sizeof *a->cache);
		if (!a->cache) {
			dft_analyzer_free(a);
			return DFT_ENOMEM;
		}
		if (lang) {
			a->lang_given = 1;
			a->lang_script = script_of_lang(lang);
			/* NULL for languages Snowball lacks (Persian): no stems */
			a->st_lang = sb_stemmer_new(lang, "UTF_8");
		}
	}
	*out = a;
	return 0;
}

void dft_analyzer_free(dft_analyzer *a)
{
	if (!a)
		return;
	if (a->st_lang)
		sb_stemmer_delete(a->st_lang);
	if (a->st_ar)
		sb_stemmer_delete(a->st_ar);
	if (a->st_en)
		sb_stemmer_delete(a->st_en);
	if (a->st_ru)
		sb_stemmer_delete(a->st_ru);
	free(a->cache);
	free(a);
}

/* ---- Arabic clitics ------------------------------------------------------ */

#define AR_WAW "\xd9\x88"
#define AR_FA "\xd9\x81"
#define AR_BA "\xd8\xa8"
#define AR_KAF "\xd9\x83"
#define AR_LAM "\xd9\x84"
#define AR_ALEF "\xd8\xa7"

static size_t count_cps(const char *s, size_t n)
{
	size_t i, k = 0;
	for (i = 0; i < n; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			k++;
	return k;
}

static int has_prefix(const char *s, size_t n, const char *p, size_t pn)
{
	return n >= pn && memcmp(s, p, pn) == 0;
}

/* Bytes of the longest clitic prefix of the normalised Arabic word w that
 * leaves at least three letters; 0 when none. */
static size_t arabic_clitic_len(const char *w, size_t n)
{
	static const char *const conj[] = {"", AR_WAW, AR_FA};
	static const char *const prep[] = {"", AR_BA, AR_KAF};
	size_t total = count_cps(w, n), best = 0;
	size_t ci, pi;
	if (total < 4)
		return 0;
	for (ci = 0; ci < 3; ci++) {
		size_t cl = strlen(conj[ci]);
		if (!has_prefix(w, n, conj[ci], cl))
			continue;
		for (pi = 0; pi < 3; pi++) {
			size_t pl = strlen(prep[pi]), l = cl + pl;
			if (!has_prefix(w + cl, n - cl, prep[pi], pl))
				continue;
			if (has_prefix(w + l, n - l, AR_ALEF AR_LAM, 4) && l + 4 > best &&
			    count_cps(w + l + 4, n - l - 4) >= 3)
				best = l + 4;
			if (pl && l > best && count_cps(w + l, n - l) >= 3)
				best = l;
		}
		if (has_prefix(w + cl, n - cl, AR_LAM AR_LAM, 4) && cl + 4 > best &&
		    count_cps(w + cl + 4, n - cl - 4) >= 3)
			best = cl + 4;
		if (has_prefix(w + cl, n - cl, AR_LAM, 2) && cl + 2 > best &&
		    count_cps(w + cl + 2, n - cl - 2) >= 3)
			best = cl + 2;
		if (cl && cl > best && count_cps(w + cl, n - cl) >= 3)
			best = cl;
	}
	return best;
}

/* ---- emitting a word ----------------------------------------------------- */

static int emit(int (*fn)(void *, const dft_token *), void *ctx,
		const struct word *wd, const char *text, size_t len, int kind,
		int colocated)
{
	dft_token t;
	t.text = text;
	t.len = len;
	t.start = wd->start;
	t.end = wd->end;
	t.kind = kind;
	t.colocated = colocated;
	return fn(ctx, &t);
}

static struct sb_stemmer *stemmer_for(dft_analyzer *a, int script)
{
	if (a->lang_given && script == a->lang_script)
		return a->st_lang;
	switch (script) {
	case DFT_SCRIPT_ARABIC: return a->st_ar;
	case DFT_SCRIPT_CYRILLIC: return a->st_ru;
	case DFT_SCRIPT_LATIN: return a->st_en;
	default: return NULL;
	}
}

/* The stem of w (through the cache); NULL when the stemmer fails. */
static const char *stem_word(dft_analyzer *a, struct sb_stemmer *st,
			     const char *w, size_t n, size_t *outlen)
{
	struct stem_slot *slot = NULL;
	const sb_symbol *s;
	int sl;
	if (n < STEM_CACHE_WORD) {
		uint32_t h = 2166136261u;
		size_t i;
		for (i = 0; i < n; i++)
			h = (h ^ (unsigned char)w[i]) * 16777619u;
		slot = &a->cache[(h ^ (h >> 16)) & (STEM_CACHE_SLOTS - 1)];
		if (slot->wlen == n && slot->stemmer == st &&
		    memcmp(slot->w, w, n) == 0) {
			*outlen = slot->slen;
			return slot->s;
		}
	}
	s = sb_stemmer_stem(st, (const sb_symbol *)w, (int)n);
	sl = sb_stemmer_length(st);
	if (!s || sl <= 0 || (size_t)sl > 2 * DFT_TEXT_WORD_MAX)
		return NULL;
	*outlen = (size_t)sl;
	if (slot && (size_t)sl < STEM_CACHE_WORD) {
		slot->wlen = (unsigned char)n;
		slot->slen = (unsigned char)sl;
		slot->stemmer = st;
		memcpy(slot->w, w, n);
		memcpy(slot->s, s, (size_t)sl);
	}
	return (const char *)s;
}

/* Only spaces and hyphens between two words of one name? */
static int name_gap(const char *text, size_t from, size_t to)
{
	for (; from < to; from++)
		if (text[from] != ' ' && text[from] != '\t' && text[from] != '\n' &&
		    text[from] != '\r' && text[from] != '-')
			return 0;
	return 1;
}

static int detached_article(const char *w, size_t n)
{
	return (n == 2 && (memcmp(w, "al", 2) == 0 || memcmp(w, "el", 2) == 0 ||
			   memcmp(w, "ul", 2) == 0)) ||
	       (n == 6 && memcmp(w, "\xd0\xb0\xd0\xbb\xd1\x8c", 6) == 0) || /* аль */
	       (n == 6 && memcmp(w, "\xd1\x8d\xd0\xbb\xd1\x8c", 6) == 0);  /* эль */
}

/* ʿAbd compounds in two words: "Abdul Kareem", "عبد الكريم", "Abd al-Karim"
 * get the key of "Abdulkarim" (k:abdkrm), colocated with the second word
 * (which then has no key of its own, *done = 1), so that ~Abdulkarim finds
 * them and ~Karim does not; the word after an ʿAbd head (with a detached
 * article between: "Abd al Karim") and only spaces or hyphens between. */
static int kunya_head(const char *w, size_t n)
{
	static const char *const heads[] = {
		"abu", "abou", "umm", AR_ALEF AR_BA AR_WAW, AR_ALEF "\xd9\x85", /* ابو ام */
		"\xd0\xb0\xd0\xb1\xd1\x83", "\xd1\x83\xd0\xbc\xd0\xbc"}; /* абу умм */
	for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
		if (strlen(heads[i]) == n && !memcmp(w, heads[i], n))
			return 1;
	return 0;
}

/* A text with capitals on fewer than one letter in 200 (English prose has
 * 2-4 in 100: sentences and names) is written without them. ASCII letters
 * only; a text with none (Arabic, Russian) counts as without. */
static int few_capitals(const char *text, size_t len)
{
	size_t upper = 0, letters = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		upper += c >= 'A' && c <= 'Z';
		letters += (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
	}
	return upper * 200 < letters || letters == 0;
}

/* The small words inside names, often written in lower case ("Abd al-Latif
 * bin Abd al-Qadir", "abu"): keyed wherever they stand, so that a name
 * phrase's key runs on over them. */
static int name_particle(const char *w, size_t n)
{
	static const char *const words[] = {
		"bin", "ibn", "bint", "ben", "abu", "abou", "umm", "abd", "abdel", "abdul", "al", "el", "ul",
		"\xd0\xb1\xd0\xb8\xd0\xbd", "\xd0\xb8\xd0\xb1\xd0\xbd", "\xd0\xb0\xd0\xb1\xd1\x83", /* бин ибн абу */
		"\xd1\x83\xd0\xbc\xd0\xbc", "\xd0\xb0\xd0\xb1\xd0\xb4"};                                   /* умм абд */
	if (n > 6)
		return 0;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strlen(words[i]) == n && !memcmp(w, words[i], n))
			return 1;
	return 0;
}

/* Whether a word gets name keys (see the top of the file). */
static int keyable(const dft_analyzer *a, const struct word *wd)
{
	return wd->upper || a->caseless ||
	       (wd->script != DFT_SCRIPT_LATIN && wd->script != DFT_SCRIPT_CYRILLIC) ||
	       name_particle(wd->w, wd->len);
}

static int compound_key(dft_analyzer *a, const struct word *wd,
			int (*fn)(void *, const dft_token *), void *ctx, int *done)
{
	const char *base = wd->w;
	size_t n = wd->len, kl;
	int name = wd->has_letter && !wd->has_digit && !wd->full &&
		   wd->script != DFT_SCRIPT_NONE && wd->script != DFT_SCRIPT_OTHER;
	int skip = 0;
	int joined = name && a->head_len && wd->script == a->head_script && a->text &&
		     name_gap(a->text, a->head_end, wd->start);
	int rc;
	if (joined && a->head_kunya && keyable(a, wd)) {
		/* Abu Bakr also gets the key of Abubakr, ابوبكر (k:abkr), its
		 * own key kept: a kunya names by the son's name */
		char cat[sizeof a->head + DFT_TEXT_WORD_MAX + DFT_TEXT_FOLD_MAX];
		memcpy(cat, a->head, a->head_len);
		memcpy(cat + a->head_len, base, n);
		a->tok[0] = 'k';
		a->tok[1] = ':';
		kl = dft_text_name_key(cat, a->head_len + n, a->tok + 2, sizeof a->tok - 2);
		if (kl && (rc = emit(fn, ctx, wd, a->tok, 2 + kl, DFT_TOK_KEY, 1)))
			return rc;
		a->tok[2] = '=';
		kl = kl ? dft_text_name_key_fine(cat, a->head_len + n, a->tok + 3, sizeof a->tok - 3) : 0;
		if (kl && (rc = emit(fn, ctx, wd, a->tok, 3 + kl, DFT_TOK_KEY, 1)))
			return rc;
	} else if (joined && keyable(a, wd)) {
		a->tok[0] = 'k';
		a->tok[1] = ':';
		kl = dft_text_name_key_pair(a->head, a->head_len, base, n, a->tok + 2,
					    sizeof a->tok - 2, 0);
		if (kl) {
			*done = 1;
			if ((rc = emit(fn, ctx, wd, a->tok, 2 + kl, DFT_TOK_KEY, 1)))
				return rc;
			a->tok[2] = '=';
			kl = dft_text_name_key_pair(a->head, a->head_len, base, n, a->tok + 3,
						    sizeof a->tok - 3, 1);
			if (kl && (rc = emit(fn, ctx, wd, a->tok, 3 + kl, DFT_TOK_KEY, 1)))
				return rc;
		}
	}
	if (name && n < sizeof a->head && (dft_text_abd_head(base, n) || kunya_head(base, n))) {
		memcpy(a->head, base, n);
		a->head_len = n;
		a->head_end = wd->end;
		a->head_script = wd->script;
		a->head_kunya = !dft_text_abd_head(base, n);
		skip = 1;
	} else if (joined && !a->head_kunya && detached_article(base, n) &&
		   a->head_len + n < sizeof a->head) {
		memcpy(a->head + a->head_len, base, n); /* "Abd al Karim" */
		a->head_len += n;
		a->head_end = wd->end;
		skip = 1;
	} else {
		a->head_len = 0;
		skip = name && (detached_article(base, n) || (n == 4 && !memcmp(base, AR_ALEF AR_LAM, 4)));
	}
	/* "k:_": a word a name's key phrase may step over (query.c: an ʿAbd
	 * or kunya head before its compound, a detached article: "Abdelkarim
	 * Al Juburi") */
	return skip ? emit(fn, ctx, wd, "k:_", 3, DFT_TOK_KEY, 1) : 0;
}

static int flush(dft_analyzer *a, struct word *wd,
		 int (*fn)(void *, const dft_token *), void *ctx)
{
	const char *base = wd->w, *stripped = NULL;
	size_t n = wd->len, slen = 0;
	int rc, compound = 0;

	wd->active = 0;
	if (n == 0)
		return 0;
	wd->w[n] = '\0';
	rc = emit(fn, ctx, wd, base, n, DFT_TOK_SURFACE, 0);
	if (rc)
		return rc;

	if (wd->has_letter && !wd->has_digit) {
		size_t cut = 0;
		if (wd->art_len && wd->art_len < n)
			cut = wd->art_len;
		else if (wd->script == DFT_SCRIPT_ARABIC)
			cut = arabic_clitic_len(base, n);
		else if (wd->script == DFT_SCRIPT_LATIN && wd->apos_at &&
			 n - wd->apos_at >= 2 &&
			 ((wd->apos_at == 1 && strchr("ldjmnstc", base[0])) ||
			  (wd->apos_at == 2 && base[0] == 'q' && base[1] == 'u')))
			cut = wd->apos_at; /* French elision: l'État, d'Alembert */
		if (cut) {
			stripped = base + cut;
			slen = n - cut;
		}
	}
	if ((a->flags & DFT_AN_STRIP) && stripped) {
		rc = emit(fn, ctx, wd, stripped, slen, DFT_TOK_STRIPPED, 1);
		if (rc)
			return rc;
	}
	if ((a->flags & DFT_AN_STEM) && wd->has_letter && !wd->has_digit) {
		struct sb_stemmer *st = stemmer_for(a, wd->script);
		/* Snowball's Arabic stemmer handles ال and بال but leaves a
		 * leading و/ف (والمعلمون → والمعلم): drop that one first */
		int conj = wd->script == DFT_SCRIPT_ARABIC && stripped &&
			   (memcmp(base, AR_WAW, 2) == 0 || memcmp(base, AR_FA, 2) == 0);
		const char *in = conj ? base + 2 : base;
		size_t inl = conj ? n - 2 : n, sl;
		const char *stem = st ? stem_word(a, st, in, inl, &sl) : NULL;
		if (stem && sl > 0 && !(sl == n && memcmp(stem, base, n) == 0) &&
		    !(stripped && sl == slen && memcmp(stem, stripped, slen) == 0)) {
			a->tok[0] = 's';
			a->tok[1] = ':';
			memcpy(a->tok + 2, stem, sl);
			a->tok[2 + sl] = '\0';
			rc = emit(fn, ctx, wd, a->tok, 2 + sl, DFT_TOK_STEM, 1);
			if (rc)
				return rc;
		}
	}
	if ((a->flags & DFT_AN_KEY) && (rc = compound_key(a, wd, fn, ctx, &compound)) != 0)
		return rc;
	/* the second word of a compound has the compound's key only: Abd
	 * al-Karim is not Karim */
	if ((a->flags & DFT_AN_KEY) && !compound && wd->has_letter && !wd->has_digit && keyable(a, wd)) {
		size_t kl;
		a->tok[0] = 'k';
		a->tok[1] = ':';
		kl = dft_text_name_key(stripped ? stripped : base,
				       stripped ? slen : n, a->tok + 2,
				       sizeof a->tok - 2);
		if (kl) {
			rc = emit(fn, ctx, wd, a->tok, 2 + kl, DFT_TOK_KEY, 1);
			if (rc)
				return rc;
			/* the fine key, "k:=" + key, as precision beside it */
			a->tok[2] = '=';
			kl = dft_text_name_key_fine(stripped ? stripped : base,
						    stripped ? slen : n, a->tok + 3,
						    sizeof a->tok - 3);
			if (kl) {
				rc = emit(fn, ctx, wd, a->tok, 3 + kl, DFT_TOK_KEY, 1);
				if (rc)
					return rc;
			}
		}
	}
	return 0;
}

/* ---- the walk ------------------------------------------------------------ */

/* Fold the letters that follow position i (skipping invisible characters)
 * into buf, up to two letters; returns the class of the first character. */
static int peek(const char *p, size_t len, size_t i, char *buf, size_t cap,
		size_t *blen)
{
	int first = -1, nletters = 0;
	*blen = 0;
	while (i < len && nletters < 2) {
		uint32_t cp;
		char f[DFT_TEXT_FOLD_MAX];
		size_t fl, l = dft_text_utf8_decode((const unsigned char *)p + i, len - i, &cp);
		int cls;
		if (l == 0)
			break;
		cls = dft_text_fold_cp(cp, f, &fl);
		i += l;
		if (cls == DFT_TC_IGNORE)
			continue;
		if (first < 0)
			first = cls;
		if (cls != DFT_TC_LETTER && cls != DFT_TC_MARK)
			break;
		if (fl && *blen + fl <= cap) {
			memcpy(buf + *blen, f, fl);
			*blen += fl;
			nletters++;
		}
	}
	return first < 0 ? DFT_TC_SEP : first;
}

static void word_start(struct word *wd, size_t at)
{
	wd->active = 1;
	wd->start = at;
	wd->end = at;
	wd->len = 0;
	wd->full = 0;
	wd->script = DFT_SCRIPT_NONE;
	wd->has_digit = wd->has_letter = 0;
	wd->upper = 0;
	wd->last = 0;
	wd->art_len = 0;
	wd->apos_at = 0;
}

static void word_add(struct word *wd, const char *f, size_t fl)
{
	if (wd->full || fl == 0)
		return;
	if (wd->len + fl > DFT_TEXT_WORD_MAX) {
		wd->full = 1; /* cut at a character boundary */
		return;
	}
	memcpy(wd->w + wd->len, f, fl);
	wd->len += fl;
}

int dft_analyze(dft_analyzer *a, const char *text, size_t len,
		int (*fn)(void *ctx, const dft_token *t), void *ctx)
{
	struct word wd;
	size_t i = 0;
	int rc;

	if (!a || !fn || (!text && len))
		return dft_error_set(DFT_EINVAL, "dft_analyze: bad arguments");
	wd.active = 0;
	a->text = text;
	a->head_len = 0;
	a->caseless = (a->flags & DFT_AN_KEY) && few_capitals(text, len);
	while (i < len) {
		uint32_t cp;
		char f[DFT_TEXT_FOLD_MAX];
		size_t fl, l;
		int cls;
		unsigned char c0 = (unsigned char)text[i];

		/* ASCII fast path */
		if (c0 < 0x80) {
			if ((c0 | 0x20) >= 'a' && (c0 | 0x20) <= 'z') {
				char lc = (char)(c0 | 0x20);
				int up = c0 < 'a';
				if (wd.active && wd.script == DFT_SCRIPT_ARABIC) {
					if ((rc = flush(a, &wd, fn, ctx)))
						return rc;
				}
				if (!wd.active)
					word_start(&wd, i);
				if (wd.script == DFT_SCRIPT_NONE)
					wd.script = DFT_SCRIPT_LATIN;
				word_add(&wd, &lc, 1);
				wd.upper |= up;
				wd.has_letter = 1;
				wd.last = DFT_TC_LETTER;
				wd.end = ++i;
				continue;
			}
			if (c0 >= '0' && c0 <= '9') {
				if (!wd.active)
					word_start(&wd, i);
				word_add(&wd, (const char *)text + i, 1);
				wd.has_digit = 1;
				wd.last = DFT_TC_DIGIT;
				wd.end = ++i;
				continue;
			}
			if (c0 == ' ' || c0 == '\n' || c0 == '\t' || c0 == '\r') {
				if (wd.active && (rc = flush(a, &wd, fn, ctx)))
					return rc;
				i++;
				continue;
			}
		}
		l = dft_text_utf8_decode((const unsigned char *)text + i, len - i, &cp);
		if (l == 0) { /* invalid UTF-8: ends the word, skipped */
			if (wd.active && (rc = flush(a, &wd, fn, ctx)))
				return rc;
			i++;
			continue;
		}
		cls = dft_text_fold_cp(cp, f, &fl);
		switch (cls) {
		case DFT_TC_LETTER: {
			int sc = dft_text_script_of(cp);
			if (wd.active && sc != DFT_SCRIPT_NONE &&
			    wd.script != DFT_SCRIPT_NONE &&
			    (sc == DFT_SCRIPT_ARABIC) != (wd.script == DFT_SCRIPT_ARABIC)) {
				if ((rc = flush(a, &wd, fn, ctx)))
					return rc;
			}
			if (!wd.active)
				word_start(&wd, i);
			if (wd.script == DFT_SCRIPT_NONE)
				wd.script = sc;
			word_add(&wd, f, fl);
			if (sc == DFT_SCRIPT_LATIN || sc == DFT_SCRIPT_CYRILLIC)
				wd.upper |= dft_text_is_upper(cp);
			wd.has_letter = 1;
			wd.last = DFT_TC_LETTER;
			wd.end = i + l;
			break;
		}
		case DFT_TC_MARK:
			if (wd.active) {
				word_add(&wd, f, fl);
				wd.end = i + l;
			}
			break;
		case DFT_TC_DIGIT:
			if (!wd.active)
				word_start(&wd, i);
			word_add(&wd, f, fl);
			wd.has_digit = 1;
			wd.last = DFT_TC_DIGIT;
			wd.end = i + l;
			break;
		case DFT_TC_IGNORE:
			break;
		case DFT_TC_APOS:
		case DFT_TC_NUMSEP:
		case DFT_TC_HYPHEN: {
			char nb[16];
			size_t nl = 0;
			int next = wd.active ? peek(text, len, i + l, nb, sizeof nb, &nl)
					     : DFT_TC_SEP;
			int keep = 0;
			if (cls == DFT_TC_APOS) {
				keep = wd.last == DFT_TC_LETTER &&
				       wd.script == DFT_SCRIPT_LATIN &&
				       next == DFT_TC_LETTER && nl > 0 &&
				       (unsigned char)nb[0] < 0x80;
				if (keep && !wd.apos_at)
					wd.apos_at = wd.len;
			} else if (cls == DFT_TC_NUMSEP) {
				keep = wd.last == DFT_TC_DIGIT && next == DFT_TC_DIGIT;
				if (keep)
					word_add(&wd, f, fl);
			} else {
				keep = wd.last == DFT_TC_LETTER && !wd.art_len &&
				       !wd.has_digit && !wd.full &&
				       (wd.script == DFT_SCRIPT_LATIN ||
					wd.script == DFT_SCRIPT_CYRILLIC) &&
				       next == DFT_TC_LETTER &&
				       dft_text_hyphen_article(wd.w, wd.len, nb, nl);
				if (keep)
					wd.art_len = wd.len;
			}
			if (!keep && wd.active && (rc = flush(a, &wd, fn, ctx)))
				return rc;
			break;
		}
		default:
			if (wd.active && (rc = flush(a, &wd, fn, ctx)))
				return rc;
			break;
		}
		i += l;
	}
	if (wd.active && (rc = flush(a, &wd, fn, ctx)))
		return rc;
	return 0;
}

/* ---- single words -------------------------------------------------------- */

/* Fold a word the way the walk does, keeping '-' when keep_hyphen. */
static size_t fold_word(const char *s, size_t n, char *out, size_t cap,
			int keep_hyphen)
{
	size_t i = 0, k = 0;
	int last = 0;
	while (i < n) {
		uint32_t cp;
		char f[DFT_TEXT_FOLD_MAX];
		size_t fl, l = dft_text_utf8_decode((const unsigned char *)s + i, n - i, &cp);
		int cls;
		if (l == 0) {
			i++;
			continue;
		}
		cls = dft_text_fold_cp(cp, f, &fl);
		i += l;
		if (cls == DFT_TC_HYPHEN && keep_hyphen && k > 0 && k + 1 < cap) {
			out[k++] = '-';
			continue;
		}
		if (cls == DFT_TC_NUMSEP) {
			uint32_t nx;
			char nf[DFT_TEXT_FOLD_MAX];
			size_t nfl, nl2 = i < n ? dft_text_utf8_decode((const unsigned char *)s + i, n - i, &nx) : 0;
			if (last != DFT_TC_DIGIT || nl2 == 0 ||
			    dft_text_fold_cp(nx, nf, &nfl) != DFT_TC_DIGIT)
				continue;
		} else if (cls != DFT_TC_LETTER && cls != DFT_TC_MARK &&
			   cls != DFT_TC_DIGIT) {
			continue;
		}
		if (k + fl >= cap)
			break;
		memcpy(out + k, f, fl);
		k += fl;
		if (cls != DFT_TC_MARK)
			last = cls;
	}
	out[k] = '\0';
	return k;
}

int dft_normalize_word(const char *word, size_t len, dft_buf *out)
{
	char tmp[DFT_TEXT_WORD_MAX + 1];
	size_t n;
	if (!word && len)
		return dft_error_set(DFT_EINVAL, "dft_normalize_word: NULL word");
	if (dft_text_fold_init() != 0)
		return dft_error_set(DFT_ERROR, "analyzer: ICU normaliser unavailable");
	n = fold_word(word, len, tmp, sizeof tmp, 0);
	return dft_buf_add(out, tmp, n);
}

int dft_name_key(const char *word, size_t len, dft_buf *out)
{
	char tmp[4 * DFT_TEXT_WORD_MAX];
	char key[2 * DFT_TEXT_WORD_MAX];
	size_t n, kl;
	if (!word && len)
		return dft_error_set(DFT_EINVAL, "dft_name_key: NULL word");
	if (dft_text_fold_init() != 0)
		return dft_error_set(DFT_ERROR, "analyzer: ICU normaliser unavailable");
	n = fold_word(word, len, tmp, sizeof tmp, 1);
	kl = dft_text_name_key(tmp, n, key, sizeof key);
	return dft_buf_add(out, key, kl);
}

int dft_name_key_fine(const char *word, size_t len, dft_buf *out)
{
	char tmp[4 * DFT_TEXT_WORD_MAX];
	char key[2 * DFT_TEXT_WORD_MAX];
	size_t n, kl;
	if (!word && len)
		return dft_error_set(DFT_EINVAL, "dft_name_key_fine: NULL word");
	if (dft_text_fold_init() != 0)
		return dft_error_set(DFT_ERROR, "analyzer: ICU normaliser unavailable");
	n = fold_word(word, len, tmp, sizeof tmp, 1);
	kl = dft_text_name_key_fine(tmp, n, key, sizeof key);
	return dft_buf_add(out, key, kl);
}

int dft_name_is_abd(const char *word, size_t len)
{
	char tmp[4 * DFT_TEXT_WORD_MAX];
	size_t n;
	if (!word || dft_text_fold_init() != 0)
		return 0;
	n = fold_word(word, len, tmp, sizeof tmp, 1);
	return dft_text_abd_head(tmp, n);
}

int dft_name_key_pair(const char *w1, size_t n1, const char *w2, size_t n2, dft_buf *key,
		      dft_buf *fine)
{
	char t1[4 * DFT_TEXT_WORD_MAX], t2[4 * DFT_TEXT_WORD_MAX];
	char k[2 * DFT_TEXT_WORD_MAX];
	size_t l1, l2, kl;
	int rc;
	if ((!w1 && n1) || (!w2 && n2))
		return dft_error_set(DFT_EINVAL, "dft_name_key_pair: NULL word");
	if (dft_text_fold_init() != 0)
		return dft_error_set(DFT_ERROR, "analyzer: ICU normaliser unavailable");
	l1 = fold_word(w1, n1, t1, sizeof t1, 1);
	l2 = fold_word(w2, n2, t2, sizeof t2, 1);
	kl = dft_text_name_key_pair(t1, l1, t2, l2, k, sizeof k, 0);
	if (!kl)
		return 0;
	if ((rc = dft_buf_add(key, k, kl)) < 0)
		return rc;
	if (fine) {
		kl = dft_text_name_key_pair(t1, l1, t2, l2, k, sizeof k, 1);
		if ((rc = dft_buf_add(fine, k, kl)) < 0)
			return rc;
	}
	return 0;
}
