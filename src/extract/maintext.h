/*
 * maintext.h - the main text of an HTML page (the article, without
 * navigation, share buttons, related links, comments and footers).
 * Internal to the extractors: html.c stores it as the meta key
 * "main_text". See maintext.c for how it is found.
 */
#ifndef DAFTAR_MAINTEXT_H
#define DAFTAR_MAINTEXT_H

#include "daftar/core.h"

#include <libxml/tree.h>

/* The main text of a parsed HTML page, appended to out as UTF-8, one
 * paragraph or heading a line, at most max bytes (cut at a character
 * boundary; *truncated, when not NULL, says so). Nothing is appended when
 * the page has no clear main text. The tree is left as it was (the walk
 * uses each node's _private field and clears it again). 0 or DFT_ENOMEM. */
int dft_main_text_doc(xmlDoc *doc, size_t max, dft_buf *out, int *truncated);

/* The same from UTF-8 HTML: parsed here with the forgiving HTML parser and
 * no network. */
int dft_main_text(const char *html_utf8, size_t len, dft_buf *out);

#endif
