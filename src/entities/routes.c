/*
 * routes.c - movements between two places a sentence states ("the convoy
 * left Raqqa for ...", "from Palmyra to Raqqa", "نقل ... من تدمر إلى
 * الرقة", "withdrew ... to Tabqa"), read from a text and its place and
 * date mentions (extract.c) when the mentions are stored: a directed
 * edge from one place mention to another, with the sentence and its date.
 *
 * A sentence ends at . ! ? ؟ ; ؛ followed by a space, and at a line end.
 * Each place mention in it gets a role from the word just before it (a
 * few filler words such as "the city of", مدينة, محافظة stepped over):
 *   from  from, من, из, от; a verb of leaving (left, departed, fled,
 *         غادر: "left Raqqa")
 *   to    to, towards, into, إلى الى نحو باتجاه حتى, в, во, до; "for"
 *         after a verb of leaving in the sentence ("left Raqqa for Tabqa");
 *         a verb of arriving, also with "in" / "at" ("arrived in Homs",
 *         "reached Tabqa"); and the clitic ل glued to the name (للرقة)
 * Then: each "to" place gets a route from the nearest "from" place of the
 * sentence (before it, else after it: "to Y from X"); with no "from"
 * place, from the nearest place before it with no role, but only when
 * the sentence has a verb of movement (move, transfer, send, withdraw,
 * نقل، انسحب، أرسل، توجه ...). "Between X and Y", "X and Y", "in X near Y"
 * are no routes. The date is the first date mention of the sentence, else
 * the document's first one.
 *
 * Bounded: one pass over the mentions and the sentence's words, at most
 * DFT_ROUTES_MAX routes a document.
 */
#include "daftar/entities.h"
#include "daftar/text.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { ROLE_NONE = 0, ROLE_FROM, ROLE_TO, ROLE_FOR /* "for": to, after a verb of leaving */ };

/* Lower-case ASCII and Cyrillic, Arabic letters folded as the index folds
 * them (أ إ آ → ا, ى → ي, ة → ه), tashkeel dropped: enough to compare a
 * word with the short lists below. */
static size_t fold_word(const char *w, size_t n, char *out, size_t cap)
{
	size_t o = 0, i = 0;
	while (i < n && o + 4 < cap) {
		size_t at = i;
		uint32_t c = dft_utf8_next(w, n, &i);
		if (c >= 'A' && c <= 'Z')
			c += 32;
		else if (c >= 0x0410 && c <= 0x042F)
			c += 32;
		else if (c == 0x0623 || c == 0x0625 || c == 0x0622 || c == 0x0671)
			c = 0x0627;
		else if (c == 0x0649)
			c = 0x064A;
		else if (c == 0x0629)
			c = 0x0647;
		else if ((c >= 0x064B && c <= 0x0652) || c == 0x0640)
			continue;
		(void)at;
		if (c < 0x80) {
			out[o++] = (char)c;
		} else if (c < 0x800) {
			out[o++] = (char)(0xC0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3F));
		} else {
			out[o++] = (char)(0xE0 | (c >> 12));
			out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
			out[o++] = (char)(0x80 | (c & 0x3F));
		}
	}
	out[o] = 0;
	return o;
}

static int in_list(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return 1;
	return 0;
}

static const char *const from_words[] = {"from", "\xd9\x85\xd9\x86", /* من */
					 "\xd0\xb8\xd0\xb7", "\xd0\xbe\xd1\x82", /* из от */
					 "\xd9\x85\xd9\x86\xd8\xb0\xd8\xa7", NULL};
static const char *const to_words[] = {
	"to", "towards", "toward", "into", "unto",
	"\xd8\xa7\xd9\x84\xd9\x8a",                             /* الى (إلى folded) */
	"\xd9\x86\xd8\xad\xd9\x88",                             /* نحو */
	"\xd8\xa8\xd8\xa7\xd8\xaa\xd8\xac\xd8\xa7\xd9\x87",     /* باتجاه */
	"\xd8\xad\xd8\xaa\xd9\x8a",                             /* حتى (folded حتي) */
	"\xd9\x88\xd8\xa7\xd9\x84\xd9\x8a",                     /* والى */
	"\xd0\xb2",  "\xd0\xb2\xd0\xbe", "\xd0\xb4\xd0\xbe",     /* в во до */
	NULL};
/* Verbs of leaving: the place right after them is where the movement
 * starts ("left Raqqa", "departed Mosul", "غادر الرقة"), and "for" after
 * them names where it goes ("left Raqqa for Tabqa"). */
static const char *const leave_words[] = {
	"left", "leave", "leaves", "leaving", "departed", "depart", "departs", "departing", "quit", "quitting",
	"abandoned", "fled", "flee", "fleeing",
	"\xd8\xba\xd8\xa7\xd8\xaf\xd8\xb1",             /* غادر */
	"\xd8\xba\xd8\xa7\xd8\xaf\xd8\xb1\xd8\xaa",     /* غادرت */
	"\xd9\x88\xd8\xba\xd8\xa7\xd8\xaf\xd8\xb1",     /* وغادر */
	"\xd9\x88\xd8\xba\xd8\xa7\xd8\xaf\xd8\xb1\xd8\xaa", /* وغادرت */
	NULL};
/* Verbs of arriving: the place right after them, or after "in" / "at"
 * after them, is where the movement ends ("arrived in Homs", "reached
 * Tabqa"). */
static const char *const arrive_words[] = {
	"arrived", "arrive", "arrives", "arriving", "reached", "reach", "reaches", "reaching", "entered",
	"enter", "enters", "entering", NULL};

/* stepped over between the preposition and the name */
static const char *const filler_words[] = {
	"the", "city", "town", "village", "of", "province", "governorate", "area", "region", "district", "outskirts",
	"wilayat", "camp", "al",
	"\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd9\x87",             /* مدينه */
	"\xd8\xa8\xd9\x84\xd8\xaf\xd9\x87",                     /* بلده */
	"\xd9\x82\xd8\xb1\xd9\x8a\xd9\x87",                     /* قريه */
	"\xd9\x85\xd8\xad\xd8\xa7\xd9\x81\xd8\xb8\xd9\x87",     /* محافظه */
	"\xd9\x85\xd9\x86\xd8\xb7\xd9\x82\xd9\x87",             /* منطقه */
	"\xd8\xb1\xd9\x8a\xd9\x81",                             /* ريف */
	"\xd9\x88\xd9\x84\xd8\xa7\xd9\x8a\xd9\x87",             /* ولايه */
	"\xd0\xb3\xd0\xb5\xd0\xbb\xd0\xbe", "\xd0\xb3\xd0\xbe\xd1\x80\xd0\xbe\xd0\xb4", /* село город */
	NULL};

/* Verbs and nouns of movement: a word that begins with one of these
 * (Latin, lower case) or contains one (Arabic, folded: a clitic or a
 * prefix of the verb before it, ونقل، وانسحبت، يرسل). */
static const char *const move_latin[] = {
	"move", "moved", "moving", "transfer", "sent", "send", "withdr", "relocat", "evacuat", "deploy",
	"redeploy", "dispatch", "ship", "transport", "deliver", "convoy", "travel", "went", "drove", "driven",
	"carried", "brought", "fled", "flee", "march", "headed", "retreat", "escort", "smuggl", "left", "leave",
	"arrived", "return", "pull", "перевез", "перевел", "перебро", "отправ", "отступ", "вывез", NULL};
static const char *const move_arabic[] = {
	"\xd9\x86\xd9\x82\xd9\x84",                             /* نقل */
	"\xd8\xa7\xd9\x86\xd8\xb3\xd8\xad\xd8\xa8",             /* انسحب */
	"\xd8\xb1\xd8\xb3\xd9\x84",                             /* رسل (أرسل، إرسال، يرسل) */
	"\xd8\xaa\xd9\x88\xd8\xac\xd9\x87",                     /* توجه */
	"\xd8\xaa\xd8\xad\xd8\xb1\xd9\x83",                     /* تحرك */
	"\xd8\xb3\xd8\xad\xd8\xa8",                             /* سحب */
	"\xd8\xb1\xd8\xad\xd9\x8a\xd9\x84",                     /* رحيل (ترحيل) */
	"\xd8\xa7\xd8\xae\xd9\x84\xd8\xa7\xd8\xa1",             /* اخلاء */
	"\xd9\x86\xd8\xb2\xd8\xad",                             /* نزح */
	"\xd9\x86\xd8\xb2\xd9\x88\xd8\xad",                     /* نزوح */
	"\xd9\x82\xd8\xa7\xd9\x81\xd9\x84\xd9\x87",             /* قافله */
	"\xd8\xb4\xd8\xad\xd9\x86",                             /* شحن */
	"\xd8\xaa\xd8\xad\xd9\x88\xd9\x8a\xd9\x84",             /* تحويل */
	"\xd8\xa7\xd9\x86\xd8\xaa\xd9\x82\xd9\x84",             /* انتقل */
	"\xd8\xa7\xd9\x86\xd8\xb7\xd9\x84\xd9\x82",             /* انطلق */
	"\xd9\x88\xd8\xb5\xd9\x84",                             /* وصل */
	"\xd8\xba\xd8\xa7\xd8\xaf\xd8\xb1",                     /* غادر */
	"\xd8\xaa\xd8\xb3\xd9\x84\xd9\x8a\xd9\x85",             /* تسليم */
	"\xd9\x87\xd8\xb1\xd9\x88\xd8\xa8",                     /* هروب */
	"\xd9\x87\xd8\xb1\xd8\xa8",                             /* هرب */
	NULL};

static int is_word_char(uint32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= 0xC0 && c <= 0x24F) ||
	       (c >= 0x0400 && c <= 0x04FF) || (c >= 0x0621 && c <= 0x065F) || (c >= 0x066E && c <= 0x06D3) ||
	       c == '\'';
}

/* The word ending at or before `end` (skipping what is not a word) and
 * not before `floor`: [*ws, *we); 0 when none. */
static int word_before(const char *t, size_t floor, size_t end, size_t *ws, size_t *we)
{
	size_t i = end;
	while (i > floor) {
		size_t p = i - 1;
		while (p > floor && ((unsigned char)t[p] & 0xC0) == 0x80)
			p--;
		{
			size_t q = p;
			uint32_t c = dft_utf8_next(t, end, &q);
			if (is_word_char(c))
				break;
			/* a sentence mark or digit between: no preposition reaches over it */
			if (c != ' ' && c != '\t' && c != 0xA0 && c != '-' && c != ',' && c != '"' && c != '(' &&
			    c != 0x060C && c != 0xAB && c != 0xBB)
				return 0;
		}
		i = p;
	}
	if (i <= floor)
		return 0;
	*we = i;
	while (i > floor) {
		size_t p = i - 1, q;
		while (p > floor && ((unsigned char)t[p] & 0xC0) == 0x80)
			p--;
		q = p;
		if (!is_word_char(dft_utf8_next(t, *we, &q)))
			break;
		i = p;
	}
	*ws = i;
	return *we > *ws;
}

/* The role the words before a place mention at `start` give it. */
static int role_of(const char *t, size_t sent, size_t start)
{
	char w[64];
	size_t ws, we, end = start;
	/* the clitic ل glued to the name (للرقة, لتدمر): "to" */
	if (start >= 2 && start - 2 >= sent && (unsigned char)t[start - 2] == 0xD9 &&
	    (unsigned char)t[start - 1] == 0x84 &&
	    (start - 2 == sent || !(((unsigned char)t[start - 3] >= 0xD8 && (unsigned char)t[start - 3] <= 0xDB) ||
				     ((unsigned char)t[start - 3] >= 0x80 && (unsigned char)t[start - 3] < 0xC0))))
		return ROLE_TO;
	if (start >= 4 && start - 4 >= sent && !memcmp(t + start - 4, "\xd9\x88\xd9\x84", 4))
		return ROLE_TO; /* ولتدمر */
	for (int k = 0; k < 4; k++) {
		if (!word_before(t, sent, end, &ws, &we))
			return ROLE_NONE;
		if (we - ws >= sizeof w / 2)
			return ROLE_NONE;
		fold_word(t + ws, we - ws, w, sizeof w);
		if (in_list(w, from_words) || in_list(w, leave_words))
			return ROLE_FROM;
		if (in_list(w, to_words) || in_list(w, arrive_words))
			return ROLE_TO;
		if (!strcmp(w, "for"))
			return ROLE_FOR;
		if (!strcmp(w, "in") || !strcmp(w, "at")) { /* arrived in, reached at */
			if (!word_before(t, sent, ws, &ws, &we) || we - ws >= sizeof w / 2)
				return ROLE_NONE;
			fold_word(t + ws, we - ws, w, sizeof w);
			return in_list(w, arrive_words) ? ROLE_TO : ROLE_NONE;
		}
		if (!in_list(w, filler_words))
			return ROLE_NONE;
		end = ws;
	}
	return ROLE_NONE;
}

/* Is there a verb of leaving in [s, e)? */
static int has_leaving(const char *t, size_t s, size_t e)
{
	size_t ws, we, end = e;
	char w[64];
	/* back word by word: short sentences, a bounded walk */
	for (int k = 0; k < 48 && word_before(t, s, end, &ws, &we); k++) {
		if (we - ws < sizeof w / 2) {
			fold_word(t + ws, we - ws, w, sizeof w);
			if (in_list(w, leave_words))
				return 1;
		}
		end = ws;
	}
	return 0;
}

/* Is there a verb of movement in [s, e)? */
static int has_movement(const char *t, size_t s, size_t e)
{
	size_t i = s;
	char w[96];
	while (i < e) {
		size_t ws, at;
		uint32_t c;
		at = i;
		c = dft_utf8_next(t, e, &i);
		if (!is_word_char(c))
			continue;
		ws = at;
		while (i < e) {
			at = i;
			c = dft_utf8_next(t, e, &i);
			if (!is_word_char(c)) {
				i = at;
				break;
			}
		}
		if (i - ws >= sizeof w / 2)
			continue;
		fold_word(t + ws, i - ws, w, sizeof w);
		if ((unsigned char)w[0] >= 0xD8 && (unsigned char)w[0] <= 0xDB) {
			for (const char *const *m = move_arabic; *m; m++)
				if (strstr(w, *m))
					return 1;
		} else {
			for (const char *const *m = move_latin; *m; m++)
				if (w[0] == (*m)[0] && w[1] == (*m)[1] && !strncmp(w, *m, strlen(*m)))
					return 1;
		}
	}
	return 0;
}

static int sentence_end(const char *t, size_t len, size_t i)
{
	unsigned char c = (unsigned char)t[i];
	if (c == '\n' || c == '\f' || c == '\r')
		return 1;
	if (c == '.' || c == '!' || c == '?' || c == ';')
		return i + 1 >= len || t[i + 1] == ' ' || t[i + 1] == '\n' || t[i + 1] == '\t';
	/* ؟ ؛ (U+061F, U+061B) */
	return c == 0xD8 && i + 1 < len && ((unsigned char)t[i + 1] == 0x9F || (unsigned char)t[i + 1] == 0x9B);
}

typedef struct sent_place {
	size_t m; /* index in the mention set */
	int role;
} sent_place;

#define SENT_PLACES 64

static int emit(const dft_mention_set *ms, size_t from, size_t to, size_t s, size_t e, size_t date, size_t *count,
		int (*fn)(void *ctx, const dft_route *r), void *ctx)
{
	dft_route r;
	if (!strcmp(ms->strings.ptr + ms->v[from].value, ms->strings.ptr + ms->v[to].value))
		return 0;
	if (*count >= DFT_ROUTES_MAX)
		return 0;
	(*count)++;
	r.from = from;
	r.to = to;
	r.start = s;
	r.end = e;
	r.date = date;
	return fn(ctx, &r);
}

int dft_routes_find(const char *text, size_t len, const dft_mention_set *ms,
		    int (*fn)(void *ctx, const dft_route *r), void *ctx)
{
	size_t *order = NULL, n = 0, doc_date = SIZE_MAX, count = 0, k = 0;
	sent_place sp[SENT_PLACES];
	int rc = 0;
	if (!ms->n)
		return 0;
	/* the place and date mentions, by start */
	if (!(order = malloc(ms->n * sizeof(*order))))
		return dft_error_set(DFT_ENOMEM, "out of memory reading routes");
	for (size_t i = 0; i < ms->n; i++)
		if ((ms->v[i].type == DFT_ENT_PLACE || ms->v[i].type == DFT_ENT_DATE) && ms->v[i].end <= len &&
		    ms->v[i].start < ms->v[i].end)
			order[n++] = i;
	for (size_t i = 1; i < n; i++) { /* mentions come sorted: usually no move */
		size_t v = order[i], j = i;
		while (j > 0 && ms->v[order[j - 1]].start > ms->v[v].start) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = v;
	}
	for (size_t i = 0; i < n && doc_date == SIZE_MAX; i++)
		if (ms->v[order[i]].type == DFT_ENT_DATE)
			doc_date = order[i];
	/* sentence by sentence, only where a place is */
	while (k < n && rc == 0 && count < DFT_ROUTES_MAX) {
		size_t s = ms->v[order[k]].start, e = ms->v[order[k]].end, np = 0, date = SIZE_MAX;
		int have_to = 0, have_from = 0;
		/* the sentence around this mention */
		while (s > 0 && !sentence_end(text, len, s - 1) && ms->v[order[k]].start - s < 4096)
			s--;
		while (e < len && !sentence_end(text, len, e) && e - ms->v[order[k]].end < 4096)
			e++;
		for (; k < n && ms->v[order[k]].start < e; k++) {
			const dft_mention_rec *m = &ms->v[order[k]];
			if (m->type == DFT_ENT_DATE) {
				if (date == SIZE_MAX)
					date = order[k];
				continue;
			}
			if (np < SENT_PLACES) {
				sp[np].m = order[k];
				sp[np].role = role_of(text, s, m->start);
				if (sp[np].role == ROLE_FOR)
					sp[np].role = has_leaving(text, s, m->start) ? ROLE_TO : ROLE_NONE;
				have_to |= sp[np].role == ROLE_TO;
				have_from |= sp[np].role == ROLE_FROM;
				np++;
			}
		}
		if (date == SIZE_MAX)
			date = doc_date;
		if (np < 2 || !have_to)
			continue;
		if (!have_from && !has_movement(text, s, e))
			continue;
		for (size_t i = 0; i < np && rc == 0; i++) {
			size_t src = SIZE_MAX;
			if (sp[i].role != ROLE_TO)
				continue;
			/* the nearest "from" before, else after; else the nearest
			 * place with no role before it */
			for (size_t j = i; j-- > 0 && src == SIZE_MAX;)
				if (sp[j].role == ROLE_FROM)
					src = j;
			for (size_t j = i + 1; j < np && src == SIZE_MAX; j++)
				if (sp[j].role == ROLE_FROM)
					src = j;
			for (size_t j = i; !have_from && j-- > 0 && src == SIZE_MAX;)
				if (sp[j].role == ROLE_NONE)
					src = j;
			if (src != SIZE_MAX)
				rc = emit(ms, sp[src].m, sp[i].m, s, e, date, &count, fn, ctx);
		}
	}
	free(order);
	return rc;
}

/* Arabic nouns that put a place name after them (قرية أم عداسة). */
static const char *const place_nouns[] = {
	"\xd9\x82\xd8\xb1\xd9\x8a\xd9\x87", "\xd8\xa8\xd9\x84\xd8\xaf\xd9\x87", "\xd9\x85\xd8\xaf\xd9\x8a\xd9\x86\xd9\x87",
	"\xd9\x85\xd9\x86\xd8\xb7\xd9\x82\xd9\x87", "\xd9\x85\xd9\x88\xd9\x82\xd8\xb9", "\xd9\x85\xd8\xae\xd9\x8a\xd9\x85",
	"\xd8\xad\xd9\x8a", "\xd9\x86\xd8\xa7\xd8\xad\xd9\x8a\xd9\x87", NULL};
/* قريه بلده مدينه منطقه موقع مخيم حي ناحيه (folded) */

/* A name written just before coordinates no scanner took for a place
 * ("Umm Adasa (35.8123, 39.4567)", "قرية أم عداسة 35.8123, 39.4567"): up
 * to four capitalised Latin words (a leading "The" left out), or up to
 * three Arabic words after a noun of place, in the coordinates' sentence.
 * Each becomes a place mention with extra "written:LAT,LON" where no
 * other mention stands. ms sorted by start (dft_entity_extract's). */
static int name_written_coords(const char *text, size_t len, dft_mention_set *ms)
{
	size_t n = ms->n, prev_end = 0;
	for (size_t k = 0; k < n; k++) {
		const dft_mention_rec *c = &ms->v[k];
		size_t e, s, ws, we, words = 0, name_s = 0;
		int arabic = 0, rc;
		if (c->type != DFT_ENT_COORD || c->start > len || c->start < prev_end) {
			if (ms->v[k].end > prev_end && ms->v[k].type >= 0)
				prev_end = ms->v[k].end;
			continue;
		}
		/* back over " (", ": ", ", " to the name's end */
		e = c->start;
		while (e > 0 && (text[e - 1] == ' ' || text[e - 1] == '(' || text[e - 1] == ':' || text[e - 1] == ','))
			e--;
		/* a name the models read as a person or an organisation right
		 * there ("Umm Adasa (35.81, 39.45)") is that place */
		if (k > 0 && ms->v[k - 1].end == e &&
		    (ms->v[k - 1].type == DFT_ENT_PERSON || ms->v[k - 1].type == DFT_ENT_ORG ||
		     ms->v[k - 1].type == DFT_ENT_MISC)) {
			char extra[80];
			size_t off = ms->strings.len;
			snprintf(extra, sizeof extra, "written:%s", ms->strings.ptr + c->value);
			if ((rc = dft_buf_add(&ms->strings, extra, strlen(extra) + 1)) < 0)
				return rc;
			ms->v[k - 1].type = DFT_ENT_PLACE;
			ms->v[k - 1].extra = off;
			prev_end = ms->v[k].end;
			continue;
		}
		if (e < prev_end)
			e = prev_end;
		s = e;
		while (words < 4 && word_before(text, prev_end, s, &ws, &we) && we == s) {
			char w[64];
			unsigned char c0 = (unsigned char)text[ws];
			int ar = c0 >= 0xD8 && c0 <= 0xDB;
			if (words && ar != arabic)
				break;
			arabic = ar;
			if (arabic) {
				if (we - ws >= sizeof w / 2)
					break;
				fold_word(text + ws, we - ws, w, sizeof w);
				if (in_list(w, place_nouns)) {
					name_s = s;
					break;
				}
				if (words == 3)
					break;
			} else if (!(c0 >= 'A' && c0 <= 'Z')) {
				break;
			}
			words++;
			s = ws;
			/* one space or hyphen between the words of a name */
			if (s > prev_end && (text[s - 1] == ' ' || text[s - 1] == '-'))
				s--;
			else
				break;
		}
		if (!arabic) {
			while (s < e && (text[s] == ' ' || text[s] == '-'))
				s++;
			if (e - s > 4 && !strncmp(text + s, "The ", 4))
				s += 4;
			name_s = words ? s : 0;
		}
		if (name_s && e > name_s && e - name_s < 128) {
			char value[160], extra[80];
			dft_mention m;
			while (name_s < e && text[name_s] == ' ')
				name_s++;
			snprintf(value, sizeof value, "%.*s", (int)(e - name_s), text + name_s);
			snprintf(extra, sizeof extra, "written:%s", ms->strings.ptr + c->value);
			memset(&m, 0, sizeof m);
			m.type = DFT_ENT_PLACE;
			m.start = name_s;
			m.end = e;
			m.value = value;
			m.extra = extra;
			m.score = 0.6;
			if ((rc = dft_mention_set_add(ms, &m)) < 0)
				return rc;
			c = &ms->v[k]; /* the set may have moved */
		}
		prev_end = c->end;
	}
	return 0;
}

/* Coordinates written just after a place's name, in its sentence
 * ("Raqqa (35.95, 39.01)", "بلدة المزرعة 35.1234, 38.4567"): the place
 * mention's extra gets ";written:LAT,LON" (or "written:LAT,LON" when it
 * had none), which locate.c reads. */
int dft_places_mark_written(const char *text, size_t len, dft_mention_set *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		dft_mention_rec *p = &ms->v[i];
		size_t off;
		int rc;
		if (p->type != DFT_ENT_PLACE || p->end > len)
			continue;
		for (size_t k = i + 1; k < ms->n && ms->v[k].start < p->end + 48; k++) {
			const dft_mention_rec *c = &ms->v[k];
			size_t x;
			if (c->start < p->end)
				continue;
			if (c->type == DFT_ENT_PLACE)
				break;
			if (c->type != DFT_ENT_COORD)
				continue;
			for (x = p->end; x < c->start && !sentence_end(text, len, x); x++)
				;
			if (x < c->start)
				break;
			/* copied out first: adding to ms->strings may move it */
			{
				char tmp[256];
				int n = snprintf(tmp, sizeof tmp, "%s%swritten:%s",
						 p->extra != SIZE_MAX ? ms->strings.ptr + p->extra : "",
						 p->extra != SIZE_MAX ? ";" : "", ms->strings.ptr + c->value);
				if (n < 0 || (size_t)n >= sizeof tmp)
					break;
				off = ms->strings.len;
				if ((rc = dft_buf_add(&ms->strings, tmp, (size_t)n + 1)) < 0)
					return rc;
			}
			p->extra = off;
			break;
		}
	}
	return name_written_coords(text, len, ms);
}
