/*
 * lang.c - language detection. Not built yet (issue #4): every text is
 * of unknown language ("") until it is.
 */
#include "daftar/extract.h"

int dft_lang_init(void) { return 0; }

int dft_detect_language(const char *utf8, size_t len, char out[8])
{
	(void)utf8;
	(void)len;
	out[0] = '\0';
	return 0;
}
