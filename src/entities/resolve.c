/*
 * resolve.c - the entities pass: scan the texts not scanned yet
 * (extract.c), then resolve every mentioned value into entities.
 *
 * Resolution runs over the distinct (type, value) pairs of the whole case,
 * not over mentions, so it costs one parse a spelling and is redone in full
 * after each batch (a new spelling can join, or make ambiguous, an older
 * entity). Entity ids stay with their key (entity_store.c).
 *
 *  1. Each value gets a key: for names the cross-script word keys of its
 *     parsed name (names.c: titles dropped, kunya/nasab markers unified);
 *     for patterns and dates the normalised value itself.
 *  2. Values with one key form a group, split again where the same-script
 *     check says two spellings are different names (Hassan / Hussein share
 *     a key): at most 8 subgroups a key are tried.
 *  3. People: a shorter name joins a longer one when it is that name's
 *     distinctive part (names.c: dft_name_is_part - "al-Adnani" of "Abu
 *     Muhammad al-Adnani"; never a lone given name or kunya) AND exactly
 *     one longer entity has it. Two candidates: ambiguous, kept apart.
 *     Candidates come from an index of word keys, never all pairs.
 *     A one-word family name or nisba read as misc or an organisation
 *     ("al-Adnani" in a document that names him only so) joins the one
 *     person whose name ends with it (its entity is that person's).
 *     Places the gazetteer knows (places.c) have its name for key: Raqqa,
 *     Rakka, Ar-Raqqah and الرقة are one place whatever their name keys.
 *  4. Merges and splits by hand (entity_overrides) are applied last.
 * Every variant keeps the reason it belongs to its entity.
 */
#include "daftar/entities.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct value_rec {
	int type;
	char *value;
	char *key;   /* group key */
	int64_t mentions;
	size_t group;
	const char *why; /* static: why it is in its group */
} value_rec;

typedef struct group_rec {
	int type;
	char *key;
	size_t rep;    /* value index: the spelling most mentioned */
	size_t parent; /* union-find over merges */
	int nwords;
	char *reason;  /* merged: why (owned) */
	size_t display; /* of a root: the most mentioned value of the whole entity */
	int64_t best;   /* its mentions */
} group_rec;

typedef struct resolver {
	value_rec *v;
	size_t nv, capv;
	group_rec *g;
	size_t ng, capg;
	dft_buf scratch;
	dft_places *places;
} resolver;

static char *dupstr(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);
	if (p)
		memcpy(p, s, n);
	return p;
}

static int is_name(int t)
{
	return t == DFT_ENT_PERSON || t == DFT_ENT_ORG || t == DFT_ENT_PLACE || t == DFT_ENT_MISC;
}

static int collect_value(void *ctx, const dft_entity_value *ev)
{
	resolver *r = ctx;
	value_rec *v;
	int rc;
	if (r->nv == r->capv) {
		size_t c = r->capv ? r->capv * 2 : 1024;
		value_rec *p = dft_realloc(r->v, c * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
		r->v = p;
		r->capv = c;
	}
	v = &r->v[r->nv];
	memset(v, 0, sizeof *v);
	v->type = ev->type;
	v->mentions = ev->mentions;
	v->value = dupstr(ev->value);
	dft_buf_reset(&r->scratch);
	if (ev->type == DFT_ENT_PLACE && r->places) {
		const dft_place *pl = dft_places_lookup(r->places, ev->value, strlen(ev->value), NULL);
		if (pl && (rc = dft_buf_addf(&r->scratch, "@%s %s", pl->country, pl->name)) < 0)
			return rc;
	}
	if (!r->scratch.len && is_name(ev->type)) {
		dft_name n;
		if ((rc = dft_name_parse(ev->type, ev->value, strlen(ev->value), &n)) < 0)
			return rc;
		if ((rc = dft_name_key_string(&n, &r->scratch)) < 0)
			return rc;
	}
	if (!r->scratch.len && (rc = dft_buf_addf(&r->scratch, "=%s", ev->value)) < 0)
		return rc;
	v->key = dupstr(dft_buf_cstr(&r->scratch));
	if (!v->value || !v->key)
		return dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
	r->nv++;
	return 0;
}

static int by_type_key(const void *a, const void *b)
{
	const value_rec *x = a, *y = b;
	int c;
	if (x->type != y->type)
		return x->type - y->type;
	if ((c = strcmp(x->key, y->key)) != 0)
		return c;
	if (x->mentions != y->mentions)
		return x->mentions > y->mentions ? -1 : 1;
	return strcmp(x->value, y->value);
}

static int new_group(resolver *r, size_t rep, const char *key)
{
	group_rec *g;
	if (r->ng == r->capg) {
		size_t c = r->capg ? r->capg * 2 : 1024;
		group_rec *p = dft_realloc(r->g, c * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
		r->g = p;
		r->capg = c;
	}
	g = &r->g[r->ng];
	memset(g, 0, sizeof *g);
	g->type = r->v[rep].type;
	g->rep = rep;
	g->parent = r->ng;
	g->key = dupstr(key);
	if (!g->key)
		return dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
	g->nwords = 1;
	for (const char *p = key; *p; p++)
		g->nwords += *p == ' ';
	r->ng++;
	return 0;
}

static size_t find_root(resolver *r, size_t g)
{
	while (r->g[g].parent != g) {
		r->g[g].parent = r->g[r->g[g].parent].parent;
		g = r->g[g].parent;
	}
	return g;
}

/* Step 2: groups of one key, split by the same-script check. */
static int make_groups(resolver *r)
{
	size_t i = 0, j;
	int rc;
	while (i < r->nv) {
		size_t first = r->ng;
		for (j = i; j < r->nv && r->v[j].type == r->v[i].type && !strcmp(r->v[j].key, r->v[i].key); j++) {
			value_rec *v = &r->v[j];
			size_t k, tried = 0;
			for (k = first; k < r->ng && tried < 8; k++, tried++) {
				const char *why = "same value";
				const value_rec *rep = &r->v[r->g[k].rep];
				double s = 1.0;
				if (v->key[0] == '@') /* the gazetteer's place: any spelling */
					why = "same place (gazetteer)";
				else if (is_name(v->type))
					s = dft_name_compare_text(v->type, rep->value, strlen(rep->value), v->value,
								  strlen(v->value), &why);
				if (s > 0) {
					v->group = k;
					v->why = why;
					break;
				}
			}
			if (k < r->ng && tried < 8)
				continue;
			if (r->ng == first) {
				rc = new_group(r, j, v->key);
			} else {
				dft_buf_reset(&r->scratch);
				rc = dft_buf_addf(&r->scratch, "%s|%s", v->key, v->value);
				if (rc == 0)
					rc = new_group(r, j, dft_buf_cstr(&r->scratch));
			}
			if (rc < 0)
				return rc;
			v->group = r->ng - 1;
			v->why = "name as written";
		}
		i = j;
	}
	return 0;
}

/* Step 3: the word-key index of people's names of two words or more. */
typedef struct word_ref {
	const char *word; /* points into a group key */
	size_t wlen;
	size_t group;
} word_ref;

/* The first of n sorted entries (by cmp) that is not below key: where
 * its equals begin. */
static size_t first_geq(const void *base, size_t n, size_t size, const void *key,
			int (*cmp)(const void *, const void *))
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (cmp((const char *)base + mid * size, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int by_word(const void *a, const void *b)
{
	const word_ref *x = a, *y = b;
	size_t n = x->wlen < y->wlen ? x->wlen : y->wlen;
	int c = memcmp(x->word, y->word, n);
	if (c)
		return c;
	return x->wlen < y->wlen ? -1 : x->wlen > y->wlen;
}

static int by_words_desc(const void *a, const void *b, void *ctx)
{
	const resolver *r = ctx;
	const group_rec *x = &r->g[*(const size_t *)a], *y = &r->g[*(const size_t *)b];
	if (x->nwords != y->nwords)
		return y->nwords - x->nwords;
	return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static int merge_people(resolver *r, int64_t *merged)
{
	word_ref *idx = NULL;
	size_t nidx = 0, cap = 0, *order = NULL, no = 0;
	int rc = 0;
	for (size_t g = 0; g < r->ng; g++) {
		const char *p = r->g[g].key;
		if (r->g[g].type != DFT_ENT_PERSON || r->g[g].nwords < 2 || strchr(p, '|') || p[0] == '=')
			continue;
		while (*p) {
			const char *e = strchr(p, ' ');
			size_t wl = e ? (size_t)(e - p) : strlen(p);
			if (nidx == cap) {
				size_t c = cap ? cap * 2 : 1024;
				word_ref *q = dft_realloc(idx, c * sizeof(*q));
				if (!q) {
					rc = dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
					goto done;
				}
				idx = q;
				cap = c;
			}
			idx[nidx].word = p;
			idx[nidx].wlen = wl;
			idx[nidx].group = g;
			nidx++;
			p += wl;
			while (*p == ' ')
				p++;
		}
	}
	if (idx)
		dft_sort(idx, nidx, sizeof(*idx), by_word);
	order = dft_realloc(NULL, (r->ng ? r->ng : 1) * sizeof(*order));
	if (!order) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
		goto done;
	}
	for (size_t g = 0; g < r->ng; g++)
		if (r->g[g].type == DFT_ENT_PERSON && r->g[g].key[0] != '=')
			order[no++] = g;
	if (no > 1)
		dft_sort_r(order, no, sizeof(*order), by_words_desc, r);
	for (size_t oi = 0; oi < no; oi++) {
		size_t s = order[oi], cand_root = SIZE_MAX, cand_group = SIZE_MAX;
		int ambiguous = 0;
		dft_name ns;
		const value_rec *sv = &r->v[r->g[s].rep];
		if ((rc = dft_name_parse(DFT_ENT_PERSON, sv->value, strlen(sv->value), &ns)) < 0)
			goto done;
		for (int w = 0; w < ns.n && !ambiguous; w++) {
			word_ref key = {ns.w[w].key, strlen(ns.w[w].key), 0};
			if (ns.w[w].role == DFT_NAME_MARKER || ns.w[w].given)
				continue;
			for (size_t k = first_geq(idx, nidx, sizeof *idx, &key, by_word);
			     k < nidx && !by_word(&idx[k], &key) && !ambiguous; k++) {
				size_t l = idx[k].group, root;
				dft_name nl;
				const value_rec *lv = &r->v[r->g[l].rep];
				if (r->g[l].nwords <= r->g[s].nwords || l == s)
					continue;
				root = find_root(r, l);
				if (root == cand_root)
					continue;
				if ((rc = dft_name_parse(DFT_ENT_PERSON, lv->value, strlen(lv->value), &nl)) < 0)
					goto done;
				if (!dft_name_is_part(&ns, &nl) ||
				    dft_name_compare_text(DFT_ENT_PERSON, sv->value, strlen(sv->value), lv->value,
							  strlen(lv->value), NULL) <= 0)
					continue;
				if (cand_root != SIZE_MAX)
					ambiguous = 1;
				cand_root = root;
				cand_group = l;
			}
			break; /* one distinctive word gives every candidate */
		}
		if (cand_root == SIZE_MAX || ambiguous || find_root(r, s) != s)
			continue;
		r->g[s].parent = cand_root;
		dft_buf_reset(&r->scratch);
		if ((rc = dft_buf_addf(&r->scratch, "part of the longer name \"%s\", the only one it is part of",
				       r->v[r->g[cand_group].rep].value)) < 0)
			goto done;
		r->g[s].reason = dupstr(dft_buf_cstr(&r->scratch));
		(*merged)++;
	}
done:
	free(idx);
	free(order);
	return rc;
}

/* Step 3b: a one-word family name or nisba the model read as misc or as an
 * organisation ("al-Adnani", "Al-Adnani", "العدناني": documents that name
 * the man only by it) joins the one person of the case whose name of two
 * words or more ends with it. Two such people: ambiguous, kept apart. */
typedef struct last_ref {
	const char *key; /* the last word's key (into a group key) */
	size_t group;
} last_ref;

static int by_last(const void *a, const void *b)
{
	const last_ref *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	return c ? c : (x->group < y->group ? -1 : x->group > y->group);
}

/* Written with an article: al-X, el-X, ash-X, Al X, аль-X, الX. */
static int with_article(const char *v)
{
	static const char *const arts[] = {"al", "el", "ad", "adh", "an", "ar", "as", "ash", "at",
					   "ath", "az", "ed", "en", "er", "es", "esh", "et", "ez",
					   "\xd0\xb0\xd0\xbb\xd1\x8c", "\xd0\xb0\xd0\xbb"};
	const char *h = strchr(v, '-'), *sp = strchr(v, ' ');
	if (!strncmp(v, "\xd8\xa7\xd9\x84", 4) && strlen(v) > 8) /* ال */
		return 1;
	if ((v[0] == 'A' || v[0] == 'a' || v[0] == 'E' || v[0] == 'e') && (v[1] == 'l' || v[1] == 'L') &&
	    v[2] == ' ' && v[3])
		return 1;
	if (!h || (sp && sp < h) || h == v || h - v > 6 || !h[1])
		return 0;
	for (size_t i = 0; i < sizeof arts / sizeof *arts; i++) {
		size_t n = strlen(arts[i]);
		if ((size_t)(h - v) != n)
			continue;
		size_t k = 0;
		while (k < n && ((unsigned char)v[k] < 0x80 ? (v[k] | 0x20) : v[k]) == arts[i][k])
			k++;
		/* Cyrillic capital А (d0 90) of Аль */
		if (k == 0 && n >= 2 && !strncmp(v, "\xd0\x90", 2) && !strncmp(arts[i], "\xd0\xb0", 2)) {
			k = 2;
			while (k < n && v[k] == arts[i][k])
				k++;
		}
		if (k == n)
			return 1;
	}
	return 0;
}

static int merge_nisbas(resolver *r, int64_t *merged)
{
	last_ref *idx = NULL;
	size_t nidx = 0;
	int rc = 0;
	idx = dft_realloc(NULL, (r->ng ? r->ng : 1) * sizeof(*idx));
	if (!idx)
		return dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
	for (size_t g = 0; g < r->ng; g++) {
		const char *k = r->g[g].key, *last;
		if (r->g[g].type != DFT_ENT_PERSON || r->g[g].nwords < 2 || k[0] == '=' || k[0] == '@')
			continue;
		if (strchr(k, '|') || !(last = strrchr(k, ' ')))
			continue;
		idx[nidx].key = last + 1;
		idx[nidx].group = g;
		nidx++;
	}
	if (nidx > 1)
		dft_sort(idx, nidx, sizeof(*idx), by_last);
	for (size_t s = 0; s < r->ng && nidx; s++) {
		group_rec *sg = &r->g[s];
		const value_rec *sv = &r->v[sg->rep];
		size_t cand_root = SIZE_MAX, cand_group = SIZE_MAX;
		int ambiguous = 0;
		dft_name ns;
		last_ref key;
		if ((sg->type != DFT_ENT_MISC && sg->type != DFT_ENT_ORG) || find_root(r, s) != s ||
		    sg->nwords != 1 || sg->key[0] == '=' || sg->key[0] == '@' || strchr(sg->key, '|') ||
		    !with_article(sv->value))
			continue;
		if ((rc = dft_name_parse(DFT_ENT_PERSON, sv->value, strlen(sv->value), &ns)) < 0)
			break;
		if (ns.n != 1 || ns.w[0].role == DFT_NAME_MARKER || ns.w[0].given)
			continue;
		key.key = ns.w[0].key;
		key.group = 0; /* below every group: by_last finds the key's first entry */
		for (size_t k = first_geq(idx, nidx, sizeof *idx, &key, by_last);
		     k < nidx && !strcmp(idx[k].key, key.key) && !ambiguous; k++) {
			size_t l = idx[k].group, root = find_root(r, l);
			const value_rec *lv = &r->v[r->g[l].rep];
			if (root == cand_root)
				continue;
			/* the same name in-script too (al-Hassani is no al-Hussaini) */
			if (dft_name_compare_text(DFT_ENT_PERSON, sv->value, strlen(sv->value), lv->value,
						  strlen(lv->value), NULL) <= 0)
				continue;
			if (cand_root != SIZE_MAX)
				ambiguous = 1;
			cand_root = root;
			cand_group = l;
		}
		if (cand_root == SIZE_MAX || ambiguous)
			continue;
		sg->parent = cand_root;
		dft_buf_reset(&r->scratch);
		if ((rc = dft_buf_addf(&r->scratch,
				       "the family name or nisba of \"%s\", the only person whose name ends "
				       "with it (read as %s)",
				       r->v[r->g[cand_group].rep].value, dft_entity_type_name(sg->type))) < 0)
			break;
		sg->reason = dupstr(dft_buf_cstr(&r->scratch));
		(*merged)++;
	}
	free(idx);
	return rc;
}

/* Step 4: merges and splits by hand. */
typedef struct override_ctx {
	resolver *r;
} override_ctx;

static value_rec *find_value(resolver *r, int type, const char *value)
{
	for (size_t i = 0; i < r->nv; i++)
		if (r->v[i].type == type && !strcmp(r->v[i].value, value))
			return &r->v[i];
	return NULL;
}

static int apply_override(void *ctx, int type, const char *value, const char *action, const char *target)
{
	resolver *r = ctx;
	value_rec *v = find_value(r, type, value);
	int rc;
	if (!v)
		return 0; /* no longer mentioned */
	if (!strcmp(action, "split")) {
		dft_buf_reset(&r->scratch);
		if ((rc = dft_buf_addf(&r->scratch, "split|%s", value)) < 0 ||
		    (rc = new_group(r, (size_t)(v - r->v), dft_buf_cstr(&r->scratch))) < 0)
			return rc;
		v->group = r->ng - 1;
		v->why = "split by hand";
	} else if (target) {
		value_rec *t = find_value(r, type, target);
		if (!t)
			return 0;
		/* a group of its own, joined to the target's entity */
		dft_buf_reset(&r->scratch);
		if ((rc = dft_buf_addf(&r->scratch, "merged|%s", value)) < 0 ||
		    (rc = new_group(r, (size_t)(v - r->v), dft_buf_cstr(&r->scratch))) < 0)
			return rc;
		v->group = r->ng - 1;
		r->g[v->group].parent = find_root(r, t->group);
		r->g[v->group].reason = dupstr("merged by hand");
		v->why = "merged by hand";
	}
	return 0;
}

static void resolver_dispose(resolver *r)
{
	for (size_t i = 0; i < r->nv; i++) {
		free(r->v[i].value);
		free(r->v[i].key);
	}
	for (size_t i = 0; i < r->ng; i++) {
		free(r->g[i].key);
		free(r->g[i].reason);
	}
	free(r->v);
	free(r->g);
	dft_buf_dispose(&r->scratch);
	dft_places_free(r->places);
}

static int resolve_all(dft_store *st, dft_entities_stats *stats)
{
	resolver r;
	dft_entity_assign *a = NULL;
	char **reasons = NULL;
	int rc;
	memset(&r, 0, sizeof r);
	dft_buf_init(&r.scratch, 1 << 20);
	if ((rc = dft_places_new(&r.places)) < 0 || (rc = dft_store_entity_values(st, collect_value, &r)) < 0)
		goto done;
	if (r.nv > 1)
		dft_sort(r.v, r.nv, sizeof(*r.v), by_type_key);
	if ((rc = make_groups(&r)) < 0 || (rc = merge_people(&r, &stats->merged)) < 0 ||
	    (rc = merge_nisbas(&r, &stats->merged)) < 0 ||
	    (rc = dft_store_entity_overrides(st, apply_override, &r)) < 0)
		goto done;
	/* the display name of each entity: the most mentioned spelling of
	 * its root group (a short name merged into a longer one never names
	 * the entity: "Abu Muhammad al-Adnani", not "al-Adnani") */
	for (size_t i = 0; i < r.ng; i++)
		r.g[i].best = -1;
	for (size_t i = 0; i < r.nv; i++) {
		size_t root = find_root(&r, r.v[i].group);
		if (r.v[i].group != root)
			continue;
		/* ties: the shorter spelling (no tashkeel, no title) */
		if (r.v[i].mentions > r.g[root].best ||
		    (r.v[i].mentions == r.g[root].best && strlen(r.v[i].value) < strlen(r.v[r.g[root].display].value))) {
			r.g[root].best = r.v[i].mentions;
			r.g[root].display = i;
		}
	}
	a = calloc(r.nv ? r.nv : 1, sizeof(*a));
	reasons = calloc(r.nv ? r.nv : 1, sizeof(*reasons));
	if (!a || !reasons) {
		rc = dft_error_set(DFT_ENOMEM, "out of memory resolving entities");
		goto done;
	}
	for (size_t i = 0; i < r.nv; i++) {
		size_t g = r.v[i].group, root = find_root(&r, g);
		a[i].type = r.v[i].type;
		a[i].entity_type = r.g[root].type;
		a[i].value = r.v[i].value;
		a[i].key = r.g[root].key;
		a[i].name = r.v[r.g[root].display].value;
		a[i].mentions = r.v[i].mentions;
		a[i].reason = r.v[i].why;
		if (g != root) { /* merged: say why, through the chain */
			dft_buf_reset(&r.scratch);
			for (size_t k = g; k != root; k = r.g[k].parent)
				if (r.g[k].reason &&
				    (rc = dft_buf_addf(&r.scratch, "%s%s", r.scratch.len ? "; " : "", r.g[k].reason)) < 0)
					goto done;
			reasons[i] = dupstr(dft_buf_cstr(&r.scratch));
			a[i].reason = reasons[i];
		}
	}
	stats->values = (int64_t)r.nv;
	for (size_t i = 0; i < r.ng; i++)
		stats->entities += find_root(&r, i) == i;
	if ((rc = dft_store_entities_replace(st, a, r.nv)) == 0)
		rc = dft_places_locate(st);
done:
	if (reasons)
		for (size_t i = 0; i < r.nv; i++)
			free(reasons[i]);
	free(reasons);
	free(a);
	resolver_dispose(&r);
	return rc;
}

int dft_entities_resolve(dft_store *st, dft_entities_stats *stats)
{
	double t0 = dft_now();
	int rc = resolve_all(st, stats);
	stats->resolve_seconds = dft_now() - t0;
	return rc;
}

/* ---- the pass ------------------------------------------------------------------ */


typedef struct scan_ctx {
	dft_store *st;
	dft_entity_extractor *x;
	dft_mention_set ms;
	dft_buf text;
	dft_entities_stats *stats;
	int64_t total, done;
	double last_commit;
	void (*progress)(void *ctx, int64_t done, int64_t total);
	void *pctx;
} scan_ctx;

static int count_one(void *ctx, int64_t id)
{
	(void)id;
	((scan_ctx *)ctx)->total++;
	return 0;
}

typedef struct route_ctx {
	const dft_mention_set *ms;
	dft_route_rec *v;
	size_t n, cap;
} route_ctx;

static int collect_route(void *ctx, const dft_route *r)
{
	route_ctx *c = ctx;
	const char *str = c->ms->strings.ptr;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 16;
		dft_route_rec *p = dft_realloc(c->v, cap * sizeof(*p));
		if (!p)
			return dft_error_set(DFT_ENOMEM, "out of memory for routes");
		c->v = p;
		c->cap = cap;
	}
	c->v[c->n].from = str + c->ms->v[r->from].value;
	c->v[c->n].to = str + c->ms->v[r->to].value;
	c->v[c->n].date = r->date == SIZE_MAX ? NULL : str + c->ms->v[r->date].value;
	c->v[c->n].start = r->start;
	c->v[c->n].end = r->end;
	c->n++;
	return 0;
}

int dft_entities_store(dft_store *st, int64_t doc_id, const char *text, size_t len, dft_mention_set *ms)
{
	route_ctx rt;
	int rc;
	if (ms->n > DFT_MENTIONS_STORED || ms->dropped) {
		/* a text that names one place a million times (the hostile
		 * 100 MB line) keeps the first ones, in text order: keeping them
		 * all took over 1 GiB, storing them minutes on PostgreSQL, and
		 * says nothing more (the extractor's sets stop at
		 * DFT_MENTIONS_MAX too) */
		dft_warn("document %lld: more than %d entity mentions, the first ones kept", (long long)doc_id,
			 DFT_MENTIONS_STORED);
		if (ms->n > DFT_MENTIONS_STORED)
			ms->n = DFT_MENTIONS_STORED;
	}
	if ((rc = dft_places_mark_written(text, len, ms)) < 0 ||
	    (rc = dft_store_mentions_put(st, doc_id, text, len, ms)) < 0)
		return rc;
	/* the routes its sentences state, by the values of its place mentions */
	rt.ms = ms;
	rt.n = 0;
	rt.cap = 0;
	rt.v = NULL;
	if ((rc = dft_routes_find(text, len, ms, collect_route, &rt)) == 0)
		rc = dft_store_routes_put(st, doc_id, rt.v, rt.n);
	free(rt.v);
	return rc;
}

static int scan_one(void *ctx, int64_t id)
{
	scan_ctx *c = ctx;
	int rc, has;
	dft_buf_reset(&c->text);
	if ((rc = dft_store_doc_text(c->st, id, &c->text, &has)) < 0)
		return rc;
	dft_mention_set_reset(&c->ms);
	if (has && (rc = dft_entity_extract(c->x, c->text.ptr ? c->text.ptr : "", c->text.len, NULL, &c->ms)) < 0)
		return dft_error_prefix("document %lld", (long long)id);
	if ((rc = dft_store_begin(c->st)) < 0 ||
	    (rc = dft_entities_store(c->st, id, c->text.ptr ? c->text.ptr : "", c->text.len, &c->ms)) < 0)
		return rc;
	c->stats->scanned++;
	c->stats->mentions += (int64_t)c->ms.n;
	c->stats->text_bytes += (int64_t)c->text.len;
	c->done++;
	if (dft_now() - c->last_commit > 2.0) {
		if ((rc = dft_store_commit(c->st)) < 0)
			return rc;
		c->last_commit = dft_now();
	}
	if (c->progress)
		c->progress(c->pctx, c->done, c->total);
	return 0;
}

int dft_entities_update(dft_store *st, dft_entities_stats *stats,
			void (*progress)(void *ctx, int64_t done, int64_t total), void *pctx)
{
	scan_ctx c;
	int rc, unresolved = 0;
	double t0 = dft_now(), t1;
	memset(stats, 0, sizeof *stats);
	memset(&c, 0, sizeof c);
	c.st = st;
	c.stats = stats;
	c.progress = progress;
	c.pctx = pctx;
	c.last_commit = t0;
	dft_mention_set_init(&c.ms);
	dft_buf_init(&c.text, (size_t)1 << 30);
	if ((rc = dft_entity_extractor_new(&c.x)) < 0)
		goto done;
	snprintf(stats->models, sizeof stats->models, "%s", dft_entity_extractor_models(c.x));
	if ((rc = dft_store_entity_pending(st, count_one, &c)) < 0)
		goto done;
	if (c.total > 0) {
		if ((rc = dft_store_entity_pending(st, scan_one, &c)) < 0 || (rc = dft_store_commit(st)) < 0)
			goto done;
	}
	t1 = dft_now();
	stats->extract_seconds = t1 - t0;
	/* nothing stored since the last resolution: the entities stand */
	if ((rc = dft_store_entity_unresolved(st, &unresolved)) < 0)
		goto done;
	if (c.total > 0 || unresolved) {
		rc = resolve_all(st, stats);
		stats->resolve_seconds = dft_now() - t1;
	}
done:
	dft_entity_extractor_free(c.x);
	dft_mention_set_dispose(&c.ms);
	dft_buf_dispose(&c.text);
	return rc;
}
