/*
 * stopwords.c - the English function words that do not decide a ranking.
 *
 * A question typed as a sentence ("what are the effects of heating on ...")
 * asks for its content words; "what", "are", "the" and "of" occur in few
 * technical abstracts, so BM25 gives them a high idf and ranks documents
 * by them. The list is Snowball's English stop words (127 words, the list
 * PostgreSQL's english dictionary uses), kept sorted for bsearch. They are
 * still indexed and still match: only their score is dropped, and only
 * beside other words (ix_search.c).
 */
#include "daftar/text.h"

#include <stdlib.h>
#include <string.h>

static const char *const stop_en[] = {
	"a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as",
	"at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can",
	"did", "do", "does", "doing", "don", "down", "during", "each", "few", "for", "from", "further",
	"had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
	"how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my",
	"myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our",
	"ours", "ourselves", "out", "over", "own", "s", "same", "she", "should", "so", "some", "such",
	"t", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these",
	"they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we",
	"were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "you",
	"your", "yours", "yourself", "yourselves"
};

struct probe {
	const char *w;
	size_t n;
};

static int cmp_probe(const void *key, const void *elem)
{
	const struct probe *p = key;
	const char *s = *(const char *const *)elem;
	size_t sn = strlen(s);
	int c = memcmp(p->w, s, p->n < sn ? p->n : sn);
	if (c)
		return c;
	return (p->n > sn) - (p->n < sn);
}

int dft_is_stopword(const char *word, size_t len)
{
	struct probe p = {word, len};
	if (len == 0 || len > 10)
		return 0;
	return bsearch(&p, stop_en, sizeof stop_en / sizeof *stop_en, sizeof *stop_en, cmp_probe) != NULL;
}
