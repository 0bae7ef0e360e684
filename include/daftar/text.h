/*
 * text.h - daftar's analyzer: one module, used the same way for indexing
 * and for queries, that turns UTF-8 text into the tokens the full-text
 * index stores. It is daftar's own because no library gets Arabic and
 * transliterated names right (see ../shared/ARABIC.md):
 *
 *  - Unicode: direction/format marks dropped, NFKC + case folding, Latin
 *    diacritics folded (é → e); offsets always point into the original.
 *  - Arabic: tashkeel and tatweel removed, alef forms unified, ى → ي,
 *    ة → ه, ؤ → و, ئ → ي, Persian/Urdu letters mapped, Arabic-Indic and
 *    Persian digits → ASCII.
 *  - Clitics: و ف ب ك ل ال لل ... stripped when enough remains; the stripped
 *    form is emitted beside the surface form (colocated).
 *  - Stems (libstemmer) for the text's language, colocated, prefixed "s:".
 *  - Cross-script name keys: the same consonant skeleton from Arabic, Latin
 *    and Cyrillic ("Adnani", "العدناني", "Аднани" → one key), colocated,
 *    prefixed "k:", and a finer key for ranking, prefixed "k:=".
 */
#ifndef DAFTAR_TEXT_H
#define DAFTAR_TEXT_H

#include "daftar/core.h"
#include <stddef.h>

enum dft_token_kind {
	DFT_TOK_SURFACE = 0, /* the normalised word as written */
	DFT_TOK_STRIPPED,    /* the word without its clitics/article */
	DFT_TOK_STEM,        /* "s:" + stem */
	DFT_TOK_KEY          /* "k:" + cross-script name key, "k:=" + fine key */
};

typedef struct dft_token {
	const char *text; /* UTF-8, valid until the callback returns */
	size_t len;
	size_t start, end; /* byte offsets of the word in the analysed text */
	int kind;          /* enum dft_token_kind */
	int colocated;     /* 1: same position as the previous token */
} dft_token;

/* What to emit besides the surface form. */
enum {
	DFT_AN_STRIP = 1 << 0, /* clitic-stripped forms */
	DFT_AN_STEM = 1 << 1,  /* stems */
	DFT_AN_KEY = 1 << 2,   /* cross-script name keys */
	DFT_AN_INDEX = DFT_AN_STRIP | DFT_AN_STEM | DFT_AN_KEY
};

typedef struct dft_analyzer dft_analyzer;

/* lang: ISO 639-1 code of the text ("ar", "en", "fr", "ru", "de", "tr",
 * "fa") for stemming, or NULL to pick a stemmer per word by its script
 * (Arabic script → Arabic, Cyrillic → Russian, Latin → English). */
int dft_analyzer_new(dft_analyzer **out, const char *lang, unsigned flags);
void dft_analyzer_free(dft_analyzer *a);

/* Tokenise `text` and call fn for every token, in order; fn's non-zero
 * return stops the walk and is returned. Invalid UTF-8 is skipped, never
 * fatal. Words longer than 128 bytes are cut (still one token). */
int dft_analyze(dft_analyzer *a, const char *text, size_t len,
		int (*fn)(void *ctx, const dft_token *t), void *ctx);

/* One word's surface form as the index stores it (appended to out). */
int dft_normalize_word(const char *word, size_t len, dft_buf *out);
/* One word (or name) as its cross-script key, without the "k:" prefix;
 * empty when the word has no key (digits, one letter). */
int dft_name_key(const char *word, size_t len, dft_buf *out);
/* The finer key of the same word, without the "k:=" prefix: ش (sh, ch,
 * ш) apart from ح ه خ (h, kh, х), and a consonant repeated across a vowel
 * kept twice (Jamaame ≠ Jam). Precision beside dft_name_key's recall. */
int dft_name_key_fine(const char *word, size_t len, dft_buf *out);

/* 1 when `word` (a surface form as the index stores it: lower case) is an
 * English function word (Snowball's list: the, of, what, are ...), which
 * the ranking leaves out beside other words (stopwords.c). */
int dft_is_stopword(const char *word, size_t len);

/* ʿAbd compounds written as two words: 1 when `word` is ʿAbd with its
 * linker and no name after it (Abd, Abdul, Abdel, Abdur, عبد, Абд, Абдул
 * ...), the first half of a name that goes on in the next word. */
int dft_name_is_abd(const char *word, size_t len);
/* The key (and the fine key; fine may be NULL) of two words read as one
 * name: "Abdul" + "Kareem" → abdkrm, as dft_name_key keys "Abdulkarim"
 * and "عبدالكريم". Nothing is appended when w1 is not such a head. */
int dft_name_key_pair(const char *w1, size_t n1, const char *w2, size_t n2, dft_buf *key,
		      dft_buf *fine);

#endif
