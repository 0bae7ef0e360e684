/* text_internal.h - what the analyzer's own files share (the per-character
 * folding table and the name-key core); nothing outside src/text includes
 * it. */
#ifndef DAFTAR_TEXT_INTERNAL_H
#define DAFTAR_TEXT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Longest token text, in bytes (text.h: "words longer than 128 bytes are
 * cut"). */
#define DFT_TEXT_WORD_MAX 128

/* What a code point does to tokenisation. */
enum dft_text_class {
	DFT_TC_SEP = 0,    /* ends a word */
	DFT_TC_LETTER,     /* part of a word (letters; ʿ ʾ fold to nothing) */
	DFT_TC_MARK,       /* combining mark: part of a word, mostly dropped */
	DFT_TC_DIGIT,      /* decimal digit of any script; folds to 0-9 */
	DFT_TC_IGNORE,     /* invisible format character: dropped, never breaks */
	DFT_TC_APOS,       /* apostrophe: kept inside Latin words, then dropped */
	DFT_TC_HYPHEN,     /* splits words, except after a Latin article */
	DFT_TC_NUMSEP      /* , . ٫ ٬ : inside numbers between digits */
};

/* Scripts the analyzer tells apart. */
enum dft_text_script {
	DFT_SCRIPT_NONE = 0,
	DFT_SCRIPT_LATIN,
	DFT_SCRIPT_ARABIC,
	DFT_SCRIPT_CYRILLIC,
	DFT_SCRIPT_OTHER
};

#define DFT_TEXT_FOLD_MAX 64 /* bytes one code point can fold to */

/* Decode one UTF-8 sequence at s (n bytes available, n >= 1): its length,
 * or 0 when the bytes are not valid UTF-8 (overlong, surrogate, > U+10FFFF,
 * truncated). */
size_t dft_text_utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Build the folding table (once per process; thread-safe): 0 or -1 when
 * ICU's normalisers are unavailable. */
int dft_text_fold_init(void);

/* Class of cp and its folded form (NFKC, case fold, diacritics and Arabic
 * letter variants unified, digits to ASCII) written into out
 * (DFT_TEXT_FOLD_MAX bytes); *outlen 0 means the character folds away. */
int dft_text_fold_cp(uint32_t cp, char *out, size_t *outlen);

int dft_text_script_of(uint32_t cp);

/* Whether cp is an upper-case or title-case letter (ICU). */
int dft_text_is_upper(uint32_t cp);

/* The cross-script key of one already-normalised word (as
 * dft_normalize_word makes it; '-' kept where the word had hyphens).
 * Writes at most cap-1 bytes and a NUL into out; returns the length
 * (0 = no key). */
size_t dft_text_name_key(const char *s, size_t n, char *out, size_t cap);
/* The fine key of the same word: ش apart from ح/خ/ه, repeats collapsed
 * only when adjacent (namekey.c). */
size_t dft_text_name_key_fine(const char *s, size_t n, char *out, size_t cap);

/* ʿAbd compounds written as two words (namekey.c): is the normalised word
 * an ʿAbd head (abd, abdul, abdel, abdur, عبد, абд, абдул ...) that joins
 * the next word? And the key of the two words as one name (0 when w1 is
 * no head): Abdul Kareem = Abdulkarim = عبد الكريم → abdkrm. */
int dft_text_abd_head(const char *s, size_t n);
size_t dft_text_name_key_pair(const char *w1, size_t n1, const char *w2,
			      size_t n2, char *out, size_t cap, int fine);

/* Is the normalised Latin/Cyrillic word (len bytes) an article that may
 * join the next word with a hyphen ("al", "ash", "аль")?  next is the
 * normalised first letters after the hyphen (may be shorter); returns 1
 * when the pair reads as article + name (assimilated articles need the
 * matching consonant: "ad-d", "ash-sh"). */
int dft_text_hyphen_article(const char *w, size_t len, const char *next,
			    size_t nlen);

#endif
