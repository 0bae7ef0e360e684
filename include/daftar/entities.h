/*
 * entities.h - the entities stage (src/entities/): what a text names, where,
 * and which mentions name the same thing.
 *
 *  - patterns.c: e-mail, URL, domain, phone (E.164 when the country is
 *    clear), IBAN (mod-97), payment card (Luhn), crypto address, IP,
 *    coordinates, money with currency, document numbers: PCRE2, compiled
 *    once, validated in C.
 *  - dates.c: Gregorian dates in English, French and Arabic forms and Hijri
 *    dates, converted to Gregorian with ICU's Islamic calendars.
 *  - ner.c: people, organisations and places in English and Arabic, by an
 *    averaged perceptron trained by tools/daftar-train.c on ../shared/corpora.
 *  - extract.c: the three together on one text, overlaps resolved.
 *  - resolve.c: mentions → entities (cross-script name keys, Arabic name
 *    structure), each merge with its reason.
 *  - xref.c: a watchlist against the case (Aho-Corasick over name keys).
 *
 * Every scanner reports mentions through a callback, in text order, with
 * byte offsets into the text it was given.
 */
#ifndef DAFTAR_ENTITIES_H
#define DAFTAR_ENTITIES_H

#include "daftar/core.h"
#include <stddef.h>

/* ---- types ---------------------------------------------------------------- */

enum dft_entity_type {
	DFT_ENT_PERSON = 0,
	DFT_ENT_ORG,
	DFT_ENT_PLACE,
	DFT_ENT_MISC,
	DFT_ENT_EMAIL,
	DFT_ENT_URL,
	DFT_ENT_DOMAIN,
	DFT_ENT_PHONE,
	DFT_ENT_IBAN,
	DFT_ENT_CARD,
	DFT_ENT_CRYPTO,
	DFT_ENT_IP,
	DFT_ENT_COORD,
	DFT_ENT_MONEY,
	DFT_ENT_DOCNUM,
	DFT_ENT_DATE,
	DFT_ENT__COUNT
};

/* "person", "organization", "place", "misc", "email", "url", "domain",
 * "phone", "iban", "card", "crypto", "ip", "coordinates", "money",
 * "document_number", "date". */
const char *dft_entity_type_name(int type);
/* The type of a name above (also "org", "location", "loc", "per"), or -1. */
int dft_entity_type_parse(const char *name);

/* One mention, valid only during the callback that receives it. */
typedef struct dft_mention {
	int type;          /* enum dft_entity_type */
	size_t start, end; /* byte offsets of the mention in the scanned text */
	/* The normalised value, NUL-terminated:
	 *   email, domain: lower case; url: as written (trailing punctuation cut)
	 *   phone: E.164 "+963944123456" when the country is known, else the
	 *          digits as written (ASCII, with a leading + if it had one)
	 *   iban: compact upper case; card: digits; crypto, ip: canonical text
	 *   coordinates: "33.51300,36.27650" (decimal degrees, 5 places)
	 *   money: "<amount> <ISO 4217>", amount as a plain decimal ("1500 USD",
	 *          "2500000 SYP", "12.5 EUR")
	 *   date: Gregorian ISO "YYYY-MM-DD" ("YYYY-MM" when no day)
	 *   person, organization, place, misc: the text as written, spaces
	 *          collapsed */
	const char *value;
	/* Dates written in the Hijri calendar: "hijri:1437-06-06"; places
	 * found in the gazetteer (places.c): "place:Raqqa;geo:35.9528,39.0079;SY"
	 * (its name, latitude, longitude, country); a place with coordinates
	 * written just after it also ";written:LAT,LON" (dft_places_mark_written,
	 * when stored); NULL else. */
	const char *extra;
	double score; /* 0..1, how sure the scanner is */
} dft_mention;

typedef int (*dft_mention_fn)(void *ctx, const dft_mention *m);

/* ---- patterns (patterns.c) ------------------------------------------------ */

typedef struct dft_patterns dft_patterns;

/* Compile every pattern once. One dft_patterns per thread. */
int dft_patterns_new(dft_patterns **out);
void dft_patterns_free(dft_patterns *p);
/* Scan text. country: ISO 3166 alpha-2 ("SY", "IQ", ...) used to put local
 * phone numbers in E.164, or NULL (then only numbers written with their
 * country code are normalised). */
int dft_patterns_scan(dft_patterns *p, const char *text, size_t len, const char *country,
		      dft_mention_fn fn, void *ctx);

/* Checksums the scanners use, exposed for tests. digits: ASCII. */
int dft_luhn_valid(const char *digits, size_t len);
int dft_iban_valid(const char *iban, size_t len); /* compact, upper case */
/* Keccak-256 (Ethereum's, not SHA3-256), for EIP-55 address checksums. */
int dft_keccak256(const void *data, size_t n, unsigned char out[32]);

/* ---- dates (dates.c) -------------------------------------------------------- */

typedef struct dft_dates dft_dates;

int dft_dates_new(dft_dates **out);
void dft_dates_free(dft_dates *d);
int dft_dates_scan(dft_dates *d, const char *text, size_t len, dft_mention_fn fn, void *ctx);

/* Hijri (Umm al-Qura, falling back to the civil tabular calendar outside
 * its range) ↔ proleptic Gregorian. Months 1..12. */
int dft_hijri_to_gregorian(int hy, int hm, int hd, int *gy, int *gm, int *gd);
int dft_gregorian_to_hijri(int gy, int gm, int gd, int *hy, int *hm, int *hd);

/* ---- named entities (ner.c) ------------------------------------------------- */

typedef struct dft_ner dft_ner;

/* Load the model of a language ("en", "ar") from `path`, or when path is
 * NULL from the default places: $DAFTAR_MODELS/ner-<lang>.model, then
 * models/ beside the daftar executable, then ../share/daftar/models/.
 * DFT_ENOTFOUND when there is none. */
int dft_ner_load(dft_ner **out, const char *lang, const char *path);
void dft_ner_free(dft_ner *n);
/* Tag a text: person, organization, place and misc mentions. The English
 * model also reads what the rest of the text says about each word (how it
 * is written elsewhere, the words around it there): the text is one
 * document. */
int dft_ner_scan(dft_ner *n, const char *text, size_t len, dft_mention_fn fn, void *ctx);
/* The same over parts of one document: nparts pairs parts[2k] (start) and
 * parts[2k+1] (end) of byte offsets into text, each part cut into
 * sentences on its own; mentions' offsets are into text. */
int dft_ner_scan_parts(dft_ner *n, const char *text, const size_t *parts, size_t nparts,
		       dft_mention_fn fn, void *ctx);
/* Tag one pre-tokenised sentence (evaluation, training tools): words[i]
 * of lens[i] bytes; tags[i] gets 0 outside a mention, 1 + 2*type on the
 * first word of a mention of that type (DFT_ENT_PERSON..DFT_ENT_MISC) and
 * 2 + 2*type on the words that continue it. Sentences longer than 256
 * words are tagged in pieces. */
int dft_ner_tag_words(dft_ner *n, const char *const *words, const size_t *lens, size_t count,
		      int *tags);
/* Tag a pre-tokenised document: nsent sentences of sent_lens[k] words,
 * words and lens in order; tags as dft_ner_tag_words gives them. Unlike
 * tagging each sentence alone, the English model sees the whole document
 * (as dft_ner_scan does). */
int dft_ner_tag_doc(dft_ner *n, const char *const *words, const size_t *lens,
		    const size_t *sent_lens, size_t nsent, int *tags);

/* ---- places of Syria and Iraq (places.c) ------------------------------------ */

/* One place of the gazetteer compiled into daftar. */
typedef struct dft_place {
	const char *country;   /* ISO 3166-1 alpha-2: "SY", "IQ" */
	const char *kind;      /* "country", "governorate", "city" */
	double lat, lon;       /* decimal degrees, WGS84 */
	const char *name;      /* the display name ("Deir ez-Zor") */
	const char *spellings; /* Arabic, Latin, Cyrillic, '|' between; '?': not scanned for */
} dft_place;

typedef struct dft_places dft_places;

/* The gazetteer's lookup table (built from the compiled list). One a thread. */
int dft_places_new(dft_places **out);
void dft_places_free(dft_places *p);
/* The place a name written in any script names ("Ar-Raqqah", "Rakka",
 * "الرقة" → Raqqa); NULL when none. The pointer is to static data.
 * *common (may be NULL) is 1 when that spelling is also a common word or
 * name (الباب, Duma): trust it only where a place is expected. */
const dft_place *dft_places_lookup(dft_places *p, const char *name, size_t len, int *common);
/* The i-th place of the list and how many there are (count may be NULL). */
const dft_place *dft_places_get(size_t i, size_t *count);
/* Places named in a text: place mentions, value as written (a clitic cut
 * off: بالرقة → الرقة), extra "place:NAME;geo:LAT,LON;CC". */
int dft_places_scan(dft_places *p, const char *text, size_t len, dft_mention_fn fn, void *ctx);

/* ---- names: structure, keys, comparison (names.c) ------------------------- */

/* What a word of a name is. Arabic names (../shared/ARABIC.md): kunya
 * (Abu/Umm + name), nasab (bin/ibn/bint + name), nisba (al-... , -i),
 * ism; titles (Sheikh, Dr, al-Hajj, الأخ ...) are dropped. */
enum { DFT_NAME_ISM = 0, DFT_NAME_KUNYA, DFT_NAME_NASAB, DFT_NAME_NISBA, DFT_NAME_MARKER };
/* What dft_name_word_key says of one word besides DFT_NAME_ISM. */
enum { DFT_NAME_SKIP = 10, DFT_NAME_KUNYA_MARKER, DFT_NAME_NASAB_MARKER };

#define DFT_NAME_MAX_WORDS 12
typedef struct dft_name {
	struct {
		char key[48];  /* dft_name_key; markers: "ab", "am", "bn" */
		char fine[48]; /* dft_name_key_fine */
		int role;
		int given;     /* a common given name (Muhammad, Ali ...): not distinctive alone */
	} w[DFT_NAME_MAX_WORDS];
	int n;
} dft_name;

/* Parse a person, organisation or place name (any script). Words without
 * a key (digits, punctuation) are dropped. */
int dft_name_parse(int type, const char *s, size_t len, dft_name *out);
/* One word as a name reads it: its key (abu/umm/bin markers unified) and
 * DFT_NAME_ISM, a *_MARKER, or DFT_NAME_SKIP (a title, a detached article,
 * no key); more: another word follows. fine may be NULL. The watchlist
 * scanner reads running text with it, so text and names key alike. */
int dft_name_word_key(int type, const char *w, size_t len, int more, dft_buf *norm, dft_buf *key,
		      dft_buf *fine);
/* A kunya written as one word (Abubakr, Aboubakr, Abulhasan, ابوبكر,
 * Абубакр): the bytes of its marker (Abu, Abul, ابو ...), to be read as two
 * words; 0 when w is none. */
size_t dft_name_kunya_split(const char *w, size_t len);
/* The resolution key: the words' keys joined by one space ("" when none). */
int dft_name_key_string(const dft_name *n, dft_buf *out);
/* How likely two names of one type name the same entity, 0..1, and why
 * (a static string). 0 when they must not be merged. */
double dft_name_compare(int type, const dft_name *a, const dft_name *b, const char **why);
/* 1 when `part` is the distinctive part of `whole` (its words in order,
 * not only given names or a kunya), the test resolve.c merges on. */
int dft_name_is_part(const dft_name *part, const dft_name *whole);
/* dft_name_compare on two spellings, plus what the keys cannot see: in one
 * script, words the keys equate must also be spelled alike (Hassan and
 * Hussein share a key; see names.c). */
double dft_name_compare_text(int type, const char *a, size_t alen, const char *b, size_t blen,
			     const char **why);

/* ---- collected mentions (extract.c) ----------------------------------------- */

/* Mentions kept past their callback: strings copied into one buffer. */
typedef struct dft_mention_rec {
	int type;
	size_t start, end;
	size_t value, extra; /* offsets into strings; extra SIZE_MAX: none */
	double score;
} dft_mention_rec;

/* At most DFT_MENTIONS_MAX mentions a set: past it they are counted in
 * `dropped`, not kept (a text that names one place a million times). */
#define DFT_MENTIONS_MAX 200000
#define DFT_MENTIONS_STORED 100000 /* stored a document at most (dft_entities_store) */
typedef struct dft_mention_set {
	dft_mention_rec *v;
	size_t n, cap, dropped;
	dft_buf strings;
} dft_mention_set;

void dft_mention_set_init(dft_mention_set *s);
void dft_mention_set_dispose(dft_mention_set *s);
void dft_mention_set_reset(dft_mention_set *s);
/* A dft_mention_fn: ctx is the set. */
int dft_mention_set_add(void *set, const dft_mention *m);

/* ---- GeoNames cities: coordinates for the map (gazetteer.c) ------------------ */

/* One city a name may be (GeoNames, tools/gazetteer/gen-gazetteer.mjs). */
typedef struct dft_geo_match {
	int64_t geonameid;
	const char *name, *country, *feature; /* static data */
	double lat, lon;
	int64_t population;
	int exact; /* 1: the spelling (diacritics and articles aside); 0: the cross-script key */
} dft_geo_match;

typedef struct dft_gazetteer dft_gazetteer;

/* The lookup tables of the compiled-in GeoNames cities. One a thread. */
int dft_gazetteer_new(dft_gazetteer **out);
void dft_gazetteer_free(dft_gazetteer *g);
/* The cities a name written in any script may be, best first (exact
 * spellings, then population), at most max; returns how many or < 0. */
int dft_gazetteer_find(dft_gazetteer *g, const char *name, size_t len, dft_geo_match *out, size_t max);
/* GeoNames' towns of Syria and Iraq named in running text (the big
 * ones places.c scans for are found again): capitalised Latin phrases by
 * their spelling, and after a word that announces a place (from, to, in,
 * من، إلى، في، مدينة ...) also Arabic ones and cross-script keys; place
 * mentions with extra "geonames:ID". extract.c keeps them where nothing
 * else found a name. */
int dft_gazetteer_scan(dft_gazetteer *g, const char *text, size_t len, dft_mention_fn fn, void *ctx);
/* Great-circle distance, km. */
double dft_geo_distance_km(double lat1, double lon1, double lat2, double lon2);

/* ---- routes: movements between places a sentence states (routes.c) ------------- */

#define DFT_ROUTES_MAX 1000 /* a document at most */
typedef struct dft_route {
	size_t from, to;   /* place mentions: indexes into the set's v */
	size_t start, end; /* the sentence, bytes of the text */
	size_t date;       /* a date mention (the sentence's, else the document's first), SIZE_MAX: none */
} dft_route;
/* The routes of a text from its mentions (dft_entity_extract's set), in
 * text order; fn's non-zero return stops and is returned. */
int dft_routes_find(const char *text, size_t len, const dft_mention_set *ms,
		    int (*fn)(void *ctx, const dft_route *r), void *ctx);
/* Coordinates written just after a place's name in its sentence: that
 * place mention's extra gets "written:LAT,LON" (after ';' when it had
 * one). dft_entities_store calls it before storing. */
int dft_places_mark_written(const char *text, size_t len, dft_mention_set *ms);

/* ---- all extractors on one text (extract.c) --------------------------------- */

typedef struct dft_entity_extractor dft_entity_extractor;

/* Patterns and dates always; NER for each language whose model is found (a
 * missing model is reported by dft_entity_extractor_models, not fatal). */
int dft_entity_extractor_new(dft_entity_extractor **out);
void dft_entity_extractor_free(dft_entity_extractor *x);
/* "en ar", "en", "" : the NER models loaded. */
const char *dft_entity_extractor_models(const dft_entity_extractor *x);
/* Every mention in `text`, in order, overlaps resolved (a pattern or a
 * date wins over a name found by NER; of two names, the longer). NER runs
 * a paragraph at a time with the model of the paragraph's script. country:
 * for phone numbers (see dft_patterns_scan), or NULL. */
int dft_entity_extract(dft_entity_extractor *x, const char *text, size_t len, const char *country,
		       dft_mention_set *out);

/* ---- the case's entities (src/store/entity_store.c) ------------------------- */

#include "daftar/store.h"

#define DFT_ENTITIES_VERSION 5 /* of extraction: texts scanned by another are redone
				* (3: ʿAbd compounds are one name, names.c: a rescan
				* resolves older cases with the new keys; 4: document
				* numbers whole, places of Syria and Iraq, offices;
				* 5: routes between places, routes.c) */

/* Documents with a text not yet scanned by this version (or re-extracted). */
int dft_store_entity_pending(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx);
/* *any = 1 when some document's mentions were stored since the last
 * resolution (entity_state.version is the negated version until
 * dft_store_entities_replace marks them resolved). */
int dft_store_entity_unresolved(dft_store *st, int *any);
/* Replace a document's mentions; text is what they point into (for the
 * page number and the surface form). */
int dft_store_mentions_put(dft_store *st, int64_t doc_id, const char *text, size_t len,
			   const dft_mention_set *ms);

/* Every distinct (type, value) mentioned, with counts. */
typedef struct dft_entity_value {
	int type;
	const char *value;
	int64_t mentions, documents;
} dft_entity_value;
int dft_store_entity_values(dft_store *st, int (*fn)(void *ctx, const dft_entity_value *v), void *ctx);

/* Resolution's result: each (type, value) to the entity of
 * (entity_type, key). entity_type is the value's own type but for a
 * one-word family name or nisba read as misc or an organisation that
 * resolution gave to the one person whose name ends with it. */
typedef struct dft_entity_assign {
	int type, entity_type;
	const char *value, *key, *name, *reason;
	int64_t mentions;
} dft_entity_assign;
/* Rewrite variants, entities (ids kept per type and key), counts and the
 * co-occurrence edges, in one transaction. */
int dft_store_entities_replace(dft_store *st, const dft_entity_assign *a, size_t n);

typedef struct dft_entity_row {
	int64_t id;
	int type;
	const char *name;
	int64_t mentions, documents;
} dft_entity_row;
typedef struct dft_entity_filter {
	int type;     /* -1: all */
	int64_t doc;  /* 0: all documents */
	int64_t id;   /* 0: all entities */
	int64_t limit, offset;
} dft_entity_filter;
int dft_store_entities_list(dft_store *st, const dft_entity_filter *f,
			    int (*fn)(void *ctx, const dft_entity_row *r), void *ctx);
int dft_store_entity_variants(dft_store *st, int64_t id,
			      int (*fn)(void *ctx, const char *value, int64_t mentions, const char *reason),
			      void *ctx);
/* The entity of a name mention overlapping [start, end) of a document (0: none). */
int dft_store_entity_at(dft_store *st, int64_t doc, size_t start, size_t end, int64_t *id);

/* The spans of a document's person, organisation, place and misc
 * mentions, by start. */
int dft_store_name_spans(dft_store *st, int64_t doc, int (*fn)(void *ctx, size_t start, size_t end), void *ctx);
/* How many documents have a text. */
int dft_store_texts_count(dft_store *st, int64_t *n);
/* Every text of the case, in document order. */
int dft_store_texts_each(dft_store *st, int (*fn)(void *ctx, int64_t id, const char *text, size_t len),
			 void *ctx);

/* Merges and splits by hand: `value` (of `type`) joins the entity that has
 * the variant `target` (action "merge"), or stands alone ("split"). */
int dft_store_entity_override(dft_store *st, int type, const char *value, const char *action,
			      const char *target, const char *by);
int dft_store_entity_overrides(dft_store *st,
			       int (*fn)(void *ctx, int type, const char *value, const char *action,
					 const char *target),
			       void *ctx);

/* ---- resolution and the update pass (resolve.c) ------------------------------ */

typedef struct dft_entities_stats {
	int64_t scanned, mentions, values, entities, merged;
	double extract_seconds, resolve_seconds;
	int64_t text_bytes;
	char models[16];
} dft_entities_stats;

/* Scan the texts not scanned yet (the ingest's workers scan most of them
 * as they extract), then (when any mentions were stored since the last
 * resolution) resolve every mention into entities. progress (may be NULL) is called after
 * each document. */
int dft_entities_update(dft_store *st, dft_entities_stats *stats,
			void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx);
/* Store one document's mentions (in the caller's transaction) as the
 * pass does: at most 100,000 a document, the first in text order, with a
 * warning past that. The ingest calls it with the mentions its extraction
 * workers found. */
int dft_entities_store(dft_store *st, int64_t doc_id, const char *text, size_t len, dft_mention_set *ms);
/* Resolve again without scanning (after a merge or split by hand). */
int dft_entities_resolve(dft_store *st, dft_entities_stats *stats);

/* ---- watchlist cross-reference (xref.c) ----------------------------------------- */

typedef struct dft_watch_entry {
	char *label;   /* the row's name */
	char **names;  /* the name, then its aliases */
	size_t nnames;
	int type;      /* DFT_ENT_PERSON unless the row says otherwise */
	char *birth, *country; /* as written, or NULL */
	size_t line;   /* in the CSV, from 1 */
} dft_watch_entry;

typedef struct dft_watchlist {
	dft_watch_entry *e;
	size_t n, cap;
} dft_watchlist;

/* Read a watchlist: CSV (RFC 4180 quoting), columns name, aliases (split
 * at ';'), type, birth date, country; a first row whose first field is
 * "name" is a header. Errors name the file and the line. */
int dft_watchlist_load(dft_watchlist *w, const char *path);
int dft_watchlist_parse(dft_watchlist *w, const char *data, size_t len, const char *source);
void dft_watchlist_dispose(dft_watchlist *w);

typedef struct dft_xref_match {
	const dft_watch_entry *watch;
	const char *matched;  /* which of the row's names matched best */
	int64_t entity;       /* the resolved entity at the best hit, 0: none */
	const char *name;     /* that entity's name, else the text as written */
	double score;
	const int64_t *documents;
	size_t ndocuments;
	int64_t hits;
	const char *evidence; /* the text around the best hit */
	int64_t evidence_doc;
	const char *why;
} dft_xref_match;

typedef struct dft_xref_stats {
	int64_t names, sequences, documents, bytes, words, hits, matches;
	int64_t common; /* rows found only as a common word of the case (xref.c) */
	double seconds;
} dft_xref_stats;

/* Find the watchlist's names in every text of the case, across scripts
 * and spellings (names.c), with one pass over the texts whatever the size
 * of the list; matches scoring under min_score are left out. */
int dft_xref(dft_store *st, const dft_watchlist *w, double min_score,
	     int (*fn)(void *ctx, const dft_xref_match *m), void *ctx, dft_xref_stats *stats);


/* ---- what the workbench reads (src/store/entity_store.c; docs/API.md) ------------- */

/* The documents that mention an entity, most mentions first. */
int dft_store_entity_documents(dft_store *st, int64_t entity, int64_t limit,
			       int (*fn)(void *ctx, int64_t doc, const char *path, int64_t mentions), void *ctx);
/* The entities named in the same documents as `entity`, by shared documents. */
int dft_store_entity_cooccurring(dft_store *st, int64_t entity, int64_t limit,
				 int (*fn)(void *ctx, const dft_entity_row *r, int64_t shared), void *ctx);
/* The co-occurrence graph: the `limit` entities of the types in `types`
 * (",person,place," or NULL: all) named in most documents, then the edges
 * between them that join at least min_weight documents. */
int dft_store_entity_graph(dft_store *st, const char *types, int64_t min_weight, int64_t limit,
			   int (*node)(void *ctx, const dft_entity_row *r),
			   int (*edge)(void *ctx, int64_t a, int64_t b, int64_t documents), void *ctx);
/* Dated mentions (type date) from..to (ISO, inclusive; NULL: open), by date. */
typedef struct dft_dated_mention {
	const char *date;  /* "YYYY-MM-DD" or "YYYY-MM" */
	const char *extra; /* "hijri:1437-06-06" or NULL */
	int64_t doc, page;
	const char *surface;
} dft_dated_mention;
int dft_store_timeline(dft_store *st, const char *from, const char *to, int64_t limit,
		       int (*fn)(void *ctx, const dft_dated_mention *m), void *ctx);
/* A document's mentions by start, with their entity (0: not resolved). */
typedef struct dft_doc_mention {
	int64_t entity;
	int type;
	const char *value;
	int64_t start, end, page;
} dft_doc_mention;
int dft_store_doc_mentions(dft_store *st, int64_t doc, int (*fn)(void *ctx, const dft_doc_mention *m),
			   void *ctx);

/* ---- places on the map and routes (src/store/places_store.c, locate.c) ------------- */

/* A document's routes (replacing its old ones), values of its place mentions. */
typedef struct dft_route_rec {
	const char *from, *to, *date; /* date: "YYYY-MM-DD", "YYYY-MM" or NULL */
	size_t start, end;
} dft_route_rec;
int dft_store_routes_put(dft_store *st, int64_t doc_id, const dft_route_rec *r, size_t n);

/* What locate.c reads: each place variant with its entity and the
 * gazetteer's extra of one of its mentions (NULL when none) ... */
int dft_store_place_variants(dft_store *st,
			     int (*fn)(void *ctx, int64_t entity, const char *value, int64_t mentions,
				       const char *extra),
			     void *ctx);
/* ... coordinates written just after a place's name (its mentions'
 * extra "written:LAT,LON", dft_places_mark_written) ... */
int dft_store_place_written(dft_store *st,
			    int (*fn)(void *ctx, int64_t entity, int64_t doc, const char *coordinates), void *ctx);
/* ... and the documents two places share (co-occurrence edges of two places). */
int dft_store_place_edges(dft_store *st, int (*fn)(void *ctx, int64_t a, int64_t b, int64_t documents), void *ctx);

/* Where a place entity is, and why so. */
typedef struct dft_place_geo {
	int64_t entity;
	double lat, lon;
	const char *country; /* ISO alpha-2 or NULL */
	int64_t geonameid;   /* 0: none */
	const char *source;  /* "places", "geonames", "written" */
	const char *why;
} dft_place_geo;
/* Replace the coordinates of every place, and the documents of each
 * place by month (place_months), in one transaction. */
int dft_store_place_geo_replace(dft_store *st, const dft_place_geo *g, size_t n);

/* The places of the case for `daftar places` and the map: each place
 * entity with its coordinates (has_geo 0: none found), by documents. */
typedef struct dft_place_row {
	int64_t id, documents, mentions;
	const char *name;
	int has_geo;
	dft_place_geo geo;
} dft_place_row;
int dft_store_places_list(dft_store *st, int (*fn)(void *ctx, const dft_place_row *r), void *ctx);
/* Every place's variants (entity order). */
int dft_store_places_names(dft_store *st, int (*fn)(void *ctx, int64_t entity, const char *value), void *ctx);
/* The documents of each place by month (the first date of each document):
 * entity, "YYYY-MM", documents; entity order. */
int dft_store_places_months(dft_store *st,
			    int (*fn)(void *ctx, int64_t entity, const char *month, int64_t documents), void *ctx);
/* The routes between two different place entities: from, to, document,
 * date (NULL: none), by from, to, document. */
int dft_store_routes_list(dft_store *st,
			  int (*fn)(void *ctx, int64_t from, int64_t to, int64_t doc, const char *date), void *ctx);

/* Coordinates of every place entity from the gazetteers (places.c, then
 * GeoNames), coordinates written beside the name in the documents, and
 * for an ambiguous name the countries of the places named with it, then
 * population; stored with the reason (locate.c). Resolution calls it. */
int dft_places_locate(dft_store *st);

/* The entity a (type, value) belongs to; DFT_ENOTFOUND when none. */
int dft_store_entity_of(dft_store *st, int type, const char *value, int64_t *id);

#endif
