/*
 * ner_internal.h - what the NER tagger (ner.c) and its trainer
 * (tools/daftar-train.c) share, so that training and tagging cannot drift:
 * the word preparation (normalised, clitic-stripped and shape forms), the
 * one feature extractor, the gazetteer, Viterbi decoding over BIO tags, and
 * the model file (ner_model.c). Nothing outside src/entities, the trainer
 * and the NER unit test includes it.
 */
#ifndef DAFTAR_NER_INTERNAL_H
#define DAFTAR_NER_INTERNAL_H

#include "daftar/entities.h"

#include <stddef.h>
#include <stdint.h>

/* Tags: O, then B/I of person, organisation, place, misc: B-x = 1 + 2*x,
 * I-x = 2 + 2*x with x an enum dft_entity_type (PERSON..MISC). */
#define NER_NT 9
#define NER_TAG_B(t) (1 + 2 * (t))
#define NER_TAG_I(t) (2 + 2 * (t))
#define NER_TAG_TYPE(tag) (((tag) - 1) / 2)
#define NER_TAG_IS_B(tag) ((tag) > 0 && ((tag) & 1))
#define NER_TAG_IS_I(tag) ((tag) > 0 && !((tag) & 1))

#define NER_WMAX 64        /* bytes kept of a word's normalised forms */
#define NER_MAXFEAT 96     /* features a word at most */
#define NER_GAZ_MAXLEN 6   /* words in a gazetteer entry at most */
#define NER_SENT_MAX 256   /* words a sentence at most (longer ones are cut) */

/* One word of a sentence, prepared once for the feature extractor. */
typedef struct ner_word {
	const char *raw;
	size_t rawlen;
	char norm[NER_WMAX]; /* dft_normalize_word (lower case, letters folded) */
	size_t normlen;
	char strip[NER_WMAX]; /* Arabic: without clitics/article; else = norm */
	size_t striplen;
	char pre[16]; /* the clitics stripped ("" when none) */
	size_t prelen;
	char shape[16]; /* Xxxx-d: one class a character, cut at 15 */
	size_t shapelen;
	char sshape[8]; /* the same with runs collapsed: Xx-d */
	size_t sshapelen;
	unsigned flags; /* NER_F_* */
	uint64_t hnorm, hstrip;
} ner_word;

enum {
	NER_F_INITCAP = 1u << 0,
	NER_F_ALLCAP = 1u << 1,
	NER_F_DIGIT = 1u << 2,
	NER_F_ALLDIGIT = 1u << 3,
	NER_F_HYPHEN = 1u << 4,
	NER_F_PUNCT = 1u << 5,
	NER_F_LATIN = 1u << 6 /* has a Latin letter */
};

/* ---- the hash table: 64-bit key -> 32-bit value, open addressing -------- */

typedef struct ner_htab {
	uint64_t *keys; /* 0 = empty slot (keys are never 0) */
	uint32_t *vals;
	size_t cap, n; /* cap a power of two */
} ner_htab;

int ner_htab_init(ner_htab *t, size_t cap);
void ner_htab_dispose(ner_htab *t);
/* The value slot of key, or NULL. */
uint32_t *ner_htab_get(const ner_htab *t, uint64_t key);
/* The value slot of key, inserted with value 0 when missing (*added = 1). */
int ner_htab_put(ner_htab *t, uint64_t key, uint32_t **slot, int *added);

uint64_t ner_hash(unsigned kind, const char *s, size_t n);
/* Decode one UTF-8 sequence: its length, or 0 when invalid. */
size_t ner_utf8(const unsigned char *s, size_t n, uint32_t *cp);
uint64_t ner_hash_mix(uint64_t a, uint64_t b);

/* ---- gazetteer: token sequences (by hash) -> counts per type ------------- */

/* The value packs four saturating 8-bit counters, one per type. */
typedef struct ner_gaz {
	ner_htab tab;
	int maxlen;
} ner_gaz;

int ner_gaz_init(ner_gaz *g);
void ner_gaz_dispose(ner_gaz *g);
/* Add one entry of `type` (PERSON..MISC) given its words' normalised
 * hashes (ner_word.hnorm); entries longer than NER_GAZ_MAXLEN are ignored. */
int ner_gaz_add_hashes(ner_gaz *g, const uint64_t *h, size_t n, int type);
/* Add an entry written as text (words separated by spaces). For Arabic an
 * entry whose first word carries the article is also added without it. */
int ner_gaz_add_text(ner_gaz *g, const char *s, size_t len, int type, int arabic);
int ner_gaz_copy(ner_gaz *dst, const ner_gaz *src);
/* Entries matching words[i..i+L) for L = 1..NER_GAZ_MAXLEN: vals[L] (0 when
 * none). For Arabic the first word also matches by its stripped form. */
void ner_gaz_match(const ner_gaz *g, const ner_word *w, size_t n, size_t i, int arabic,
		   uint32_t vals[NER_GAZ_MAXLEN + 1]);
/* Bit mask of the types a value has counts for; the most frequent type. */
unsigned ner_gaz_mask(uint32_t v);
int ner_gaz_major(uint32_t v);

/* ---- words and features --------------------------------------------------- */

int ner_word_prep(ner_word *w, const char *raw, size_t len, int arabic);

/* Gazetteer spans of a sentence: gz[i] has bit t when an entry of type t
 * starts at word i, bit 4 + t when one continues there; glen[i] is the
 * longest entry over word i. */
void ner_gaz_spans(const ner_gaz *g, const ner_word *w, size_t n, int arabic, uint16_t *gz,
		   uint8_t *glen);

/* ---- the document a sentence is part of (English only) ---------------------
 * What the other sentences of the same document say about a word: how it
 * is written elsewhere (lower case, capitalised inside a sentence), the
 * gazetteer entries it is part of elsewhere, its place in runs of
 * capitalised words, and the words around its other occurrences. Built
 * from all the document's words before any is tagged. */
typedef struct ner_doc_type {
	uint32_t first;      /* its first token */
	uint16_t nlow, ncap; /* lower case; capitalised, not first in a sentence */
	uint8_t gzc[8];      /* occurrences inside gazetteer entries, by gz bit */
	uint8_t runc[3];     /* first / inside / last of a run of capitalised words */
} ner_doc_type;

typedef struct ner_doc {
	size_t n, cap, ntypes, captypes;
	uint64_t *h;      /* per token: ner_word.hnorm */
	uint32_t *type;   /* per token: index into types */
	uint32_t *next;   /* per token: the next token of the same type, UINT32_MAX */
	uint8_t *info;    /* per token: NER_DI_* */
	uint16_t *gz;     /* per token: gazetteer bits (ner_gaz_spans) */
	uint8_t *glen;    /* per token: the longest gazetteer entry over it */
	ner_doc_type *types;
	ner_htab index;   /* hnorm -> type + 1 */
} ner_doc;

enum {
	NER_DI_CAP = 1,    /* initial capital, not all capitals */
	NER_DI_ALLCAP = 2, /* all capitals */
	NER_DI_LOW = 4,    /* begins with a lower-case letter */
	NER_DI_FIRST = 8,  /* first word of its sentence */
	NER_DI_LAST = 16,  /* last word of its sentence */
	NER_DI_RUN0 = 32   /* two bits: 1 first, 2 inside, 3 last of a run of capitals */
};

void ner_doc_init(ner_doc *d);
void ner_doc_dispose(ner_doc *d);
void ner_doc_reset(ner_doc *d);
/* Append one sentence (its words prepared, its gazetteer spans computed
 * with the gazetteer the tagger will use: ner_features takes them from
 * the document instead of matching the sentence again). */
int ner_doc_add(ner_doc *d, const ner_word *w, size_t n, const uint16_t *gz,
		const uint8_t *glen);
/* Count the words' occurrences once every sentence is in. */
int ner_doc_finish(ner_doc *d);

/* Features of every word of a sentence: feats[i*NER_MAXFEAT ...], nf[i].
 * doc (NULL: none) is the sentence's document, its first word at doc
 * token `off` (English only: Arabic text has no capitals to compare). */
void ner_features(const ner_word *w, size_t n, const ner_gaz *g, int arabic,
		  const ner_doc *doc, size_t off, uint64_t *feats, uint8_t *nf);

/* ---- decoding ------------------------------------------------------------- */

/* trans[NER_NT][NER_NT]: row = previous tag; start[NER_NT]. Impossible
 * transitions (O -> I-x, B-x/I-x -> I-y) are never chosen. emit[i*NER_NT+t].
 * back: n*NER_NT ints of scratch. */
void ner_viterbi(const float *emit, size_t n, const float *trans, const float *start, int *tags,
		 int *back);
/* Map a corpus tag ("B-PER", "I-LOC", "B-PERS", "B-MIS1", "O", IOB1 or 2)
 * to a tag index given the previous index (IOB1 I-x after O becomes B-x). */
int ner_tag_parse(const char *s, size_t n, int prev);

/* ---- the model --------------------------------------------------------------- */

struct dft_ner {
	char lang[8];
	int arabic;
	size_t nfeat;
	uint64_t *keys; /* nfeat */
	float *w;       /* nfeat * NER_NT */
	ner_htab ftab;  /* key -> index */
	float trans[NER_NT * NER_NT];
	float start[NER_NT];
	ner_gaz gaz;
};

#define NER_MAGIC "DFTNER\r\n"
#define NER_VERSION 2u
#define NER_PRUNE_DEFAULT 1e-4f /* weights of smaller magnitude are not stored */

/* Emission scores of a sentence's words from their features. */
void ner_emit(const struct dft_ner *m, const uint64_t *feats, const uint8_t *nf, size_t n,
	      float *emit);
/* Write the model: weights of magnitude <= prune are dropped, the others
 * quantised to 16-bit fixed point (ner_model.c). */
int ner_model_save(const struct dft_ner *m, const char *path, float prune);
int ner_model_read(struct dft_ner **out, const char *path);
void ner_model_free(struct dft_ner *m);

#endif
