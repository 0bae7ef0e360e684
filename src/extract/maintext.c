/*
 * maintext.c - the main text of an HTML page: the article a reader came
 * for, without the navigation, share buttons, "Font Size:" widgets,
 * related links, comments and licence footers around it. html.c stores it
 * as the meta key "main_text" next to the page's full visible text, so a
 * journalist can read (and search) what a page says rather than its menus.
 *
 * The method is the one the best open-source extractors share
 * (Readability, trafilatura, jusText), in four steps over libxml2's tree:
 *
 * 1. Prune. Elements that are never content (script, nav, aside, footer,
 *    forms and their controls, hidden elements) and elements whose class
 *    or id says they are boilerplate (comment, share, social, related,
 *    sidebar, menu, breadcrumb, cookie, subscribe, ...) unless it also
 *    says content (article, content, main, post, story, ...) are left out
 *    of all that follows. When that leaves under MT_MIN_TEXT characters,
 *    everything is done again pruning by tag only (Readability's retry).
 * 2. Measure and score. Every element gets the length of its text, of the
 *    text of its links, and its commas. Each paragraph-like block (p, pre,
 *    td, blockquote, a div with no block inside) of 25+ characters gives
 *    its parent 1 + commas + length/100 (at most 3) points, half of that to
 *    its grandparent and less further up. A container starts with points
 *    for its tag and its class/id hints; its final score is multiplied by
 *    1 - link density. The best container wins; markup that names the
 *    article (itemprop=articleBody, a single <article>) is trusted first.
 * 3. Siblings. The winner's siblings join it when they score well, or
 *    are paragraphs of prose with few links (articles split in several
 *    divs by ads).
 * 4. Lines. The kept subtrees are laid out one block a line; lines that
 *    are mostly links, or short lines that read like boilerplate ("Share
 *    this", "Follow X on Twitter", "All rights reserved"), are dropped.
 *
 * A JSON-LD articleBody, when the page has one and it is as long as what
 * the tree gave, is the publisher's own statement of the text: it wins.
 *
 * Every walk is iterative (hostile nesting costs no stack); per-element
 * data lives in one array indexed through each node's _private field,
 * which is cleared again before returning.
 */
#include "maintext.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/HTMLparser.h>

#define MT_MIN_PARA 25       /* characters for a block to count */
#define MT_MAX_NODES 2000000 /* elements considered, at most */
#define MT_MIN_TEXT 250      /* characters: less, and pruning went too far */

enum {
	MT_DROP = 1,      /* not content: never walked */
	MT_BLOCK = 2,     /* a block element */
	MT_HASBLOCK = 4,  /* has a block element child */
	MT_SCORED = 8,    /* a candidate with a score */
	MT_KEEP = 16,     /* a root of the output */
	MT_LINK = 32,     /* <a> */
};

typedef struct mt_node {
	xmlNode *n;
	int parent;   /* index, -1 for none */
	unsigned flags;
	size_t text;  /* characters of text (white space runs count one) */
	size_t link;  /* of which inside links */
	size_t commas;
	double score;
} mt_node;

typedef struct mt_ctx {
	mt_node *v;
	size_t n, cap;
	dft_buf ld;      /* the longest JSON-LD articleBody */
	int strict;      /* prune by class and id too */
	int rc;
} mt_ctx;

/* ---- small helpers -------------------------------------------------------- */

static int mt_in(const char *name, const char *const *list)
{
	size_t i;
	for (i = 0; list[i]; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static const char *const mt_dropped_tags[] = {
	"script", "style", "noscript", "template", "svg", "math", "iframe", "object",
	"embed", "nav", "aside", "footer", "header", "button", "select", "input", "textarea",
	"label", "dialog", "menu", "canvas", "video", "audio", "map", "title", "head",
	"link", "meta", "frameset", "form", NULL,
};

static const char *const mt_block_tags[] = {
	"address", "article", "blockquote", "body", "caption", "center", "dd", "details",
	"div", "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4",
	"h5", "h6", "hgroup", "hr", "li", "main", "ol", "p", "pre", "section", "summary",
	"table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "br", NULL,
};

/* Substrings of class/id that mark boilerplate, content, or either. */
static const char *const mt_unlikely[] = {
	"-ad-", "ad-break", "agegate", "banner", "breadcrumb", "combx", "comment",
	"community", "cookie", "cover-wrap", "disqus", "extra", "footer", "gdpr",
	"header", "legends", "menu", "navbar", "newsletter", "pager", "pagination",
	"popup", "promo", "related", "remark", "replies", "rss", "share", "sharing",
	"shoutbox", "sidebar", "skyscraper", "social", "sponsor", "subscribe",
	"supplemental", "recommend", "outbrain", "taboola", "tags", "toolbar",
	"byline", "author-bio", "signup", "sign-up", "modal", "masthead", "trending",
	"most-popular", "mostpopular", "read-more", "readmore", "paywall", "caption",
	"credit", "dateline", "timestamp", "print-only", "visually-hidden", "sr-only",
	"screen-reader", "skip-link", "ad-container", "teaser", "nav-", "-nav",
	NULL,
};

static const char *const mt_maybe[] = {
	"and", "article", "body", "column", "content", "main", "shadow", "story",
	"entry", "post", "text", NULL,
};

static const char *const mt_negative[] = {
	"-ad-", "hidden", "banner", "combx", "comment", "com-", "contact", "foot",
	"footnote", "gdpr", "masthead", "media", "meta", "outbrain", "promo", "related",
	"scroll", "share", "shoutbox", "sidebar", "skyscraper", "sponsor", "shopping",
	"tags", "tool", "widget", "social", "byline", "caption", NULL,
};

static const char *const mt_positive[] = {
	"article", "body", "content", "entry", "hentry", "h-entry", "main", "page",
	"post", "text", "blog", "story", NULL,
};

static int mt_any(const char *hay, const char *const *list)
{
	size_t i;
	for (i = 0; list[i]; i++)
		if (strstr(hay, list[i]))
			return 1;
	return 0;
}

/* "class id" of n, lower case, in buf (cut at size). */
static void mt_classid(xmlNode *n, char *buf, size_t size)
{
	size_t o = 0, i;
	const char *names[2] = {"class", "id"};
	buf[0] = '\0';
	for (i = 0; i < 2; i++) {
		xmlAttr *a = xmlHasProp(n, BAD_CAST names[i]);
		const xmlChar *v;
		if (!a || !a->children || a->children->type != XML_TEXT_NODE)
			continue;
		v = a->children->content;
		if (o + 1 < size && o)
			buf[o++] = ' ';
		for (; v && *v && o + 1 < size; v++)
			buf[o++] = (char)((*v >= 'A' && *v <= 'Z') ? *v + 32 : *v);
	}
	buf[o] = '\0';
}

/* The value of attribute name when it is plain text, else NULL. */
static const char *mt_attr(xmlNode *n, const char *name)
{
	xmlAttr *a = xmlHasProp(n, BAD_CAST name);
	if (!a || !a->children || a->children->type != XML_TEXT_NODE)
		return NULL;
	return (const char *)a->children->content;
}

static int mt_hidden(xmlNode *n)
{
	const char *s;
	if (xmlHasProp(n, BAD_CAST "hidden"))
		return 1;
	if ((s = mt_attr(n, "aria-hidden")) && strcmp(s, "true") == 0)
		return 1;
	if ((s = mt_attr(n, "style"))) {
		char st[256];
		size_t o = 0;
		for (; *s && o + 1 < sizeof(st); s++)
			if (*s != ' ')
				st[o++] = (char)((*s >= 'A' && *s <= 'Z') ? *s + 32 : *s);
		st[o] = '\0';
		if (strstr(st, "display:none") || strstr(st, "visibility:hidden"))
			return 1;
	}
	return 0;
}

static int mt_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* ---- JSON-LD ---------------------------------------------------------------- */

static void mt_put_utf8(dft_buf *b, unsigned cp)
{
	char u[4];
	size_t k;
	if (cp < 0x80) {
		u[0] = (char)cp;
		k = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xC0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3F));
		k = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xE0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[2] = (char)(0x80 | (cp & 0x3F));
		k = 3;
	} else {
		u[0] = (char)(0xF0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
		u[3] = (char)(0x80 | (cp & 0x3F));
		k = 4;
	}
	dft_buf_add(b, u, k);
}

static unsigned mt_hex4(const char *p)
{
	unsigned v = 0;
	int i;
	for (i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v |= (unsigned)((c | 0x20) - 'a' + 10);
		else
			return 0xFFFFFFFFu;
	}
	return v;
}

/* Every "articleBody": "..." in a JSON-LD script; the longest is kept. */
static void mt_jsonld(mt_ctx *c, const char *s)
{
	const char *p = s;
	dft_buf b;
	dft_buf_init(&b, (size_t)16 << 20);
	while ((p = strstr(p, "\"articleBody\"")) != NULL) {
		p += 13;
		while (mt_space((unsigned char)*p))
			p++;
		if (*p != ':')
			continue;
		p++;
		while (mt_space((unsigned char)*p))
			p++;
		if (*p != '"')
			continue;
		p++;
		dft_buf_reset(&b);
		while (*p && *p != '"') {
			if (*p == '\\' && p[1]) {
				p++;
				if (*p == 'n' || *p == 'r') {
					dft_buf_addc(&b, '\n');
				} else if (*p == 't') {
					dft_buf_addc(&b, ' ');
				} else if (*p == 'u') {
					unsigned cp = mt_hex4(p + 1);
					if (cp == 0xFFFFFFFFu)
						break;
					p += 4;
					if (cp >= 0xD800 && cp <= 0xDBFF && p[1] == '\\' && p[2] == 'u') {
						unsigned lo = mt_hex4(p + 3);
						if (lo >= 0xDC00 && lo <= 0xDFFF) {
							cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
							p += 6;
						}
					}
					if (cp >= 0xD800 && cp <= 0xDFFF)
						cp = 0xFFFD;
					if (cp)
						mt_put_utf8(&b, cp);
				} else {
					dft_buf_addc(&b, *p);
				}
				p++;
			} else {
				dft_buf_addc(&b, *p++);
			}
		}
		if (b.len > c->ld.len) {
			dft_buf_reset(&c->ld);
			dft_buf_add(&c->ld, b.ptr, b.len);
		}
	}
	dft_buf_dispose(&b);
}

/* ---- step 1 and 2: collect and measure ---------------------------------- */

static int mt_index(xmlNode *n)
{
	return n && n->_private ? (int)(uintptr_t)n->_private - 1 : -1;
}

/* Whether an element is left out, with its subtree. */
static int mt_drop(xmlNode *n, const char *name, int strict)
{
	char ci[512];
	if (mt_in(name, mt_dropped_tags))
		return 1;
	if (strict && mt_hidden(n))
		return 1;
	if (strcmp(name, "body") == 0 || strcmp(name, "html") == 0 || strcmp(name, "article") == 0 ||
	    strcmp(name, "main") == 0 || strcmp(name, "a") == 0 || !strict)
		return 0;
	mt_classid(n, ci, sizeof(ci));
	if (!ci[0])
		return 0;
	if (mt_any(ci, mt_unlikely) && !mt_any(ci, mt_maybe))
		return 1;
	return 0;
}

static void mt_add_text(mt_ctx *c, int at, const unsigned char *s)
{
	mt_node *e;
	int space = 1;
	if (at < 0)
		return;
	e = &c->v[at];
	for (; *s; s++) {
		if (mt_space(*s)) {
			if (!space)
				e->text++;
			space = 1;
			continue;
		}
		space = 0;
		if ((*s & 0xC0) != 0x80)
			e->text++;
		if (*s == ',' || (s[0] == 0xD8 && s[1] == 0x8C)) /* , or Arabic ، */
			e->commas++;
	}
}

static void mt_collect(mt_ctx *c, xmlNode *root)
{
	xmlNode *n = root;
	while (n && c->rc >= 0) {
		int down = 0;
		if (n->type == XML_ELEMENT_NODE && n->name) {
			const char *name = (const char *)n->name;
			if (strcmp(name, "script") == 0) {
				const char *t = mt_attr(n, "type");
				if (t && strstr(t, "ld+json")) {
					xmlChar *s = xmlNodeGetContent(n);
					if (s)
						mt_jsonld(c, (const char *)s);
					xmlFree(s);
				}
			}
			if (strcmp(name, "head") == 0) {
				down = 1; /* not content, but its JSON-LD is wanted */
			} else if (!mt_drop(n, name, c->strict) && c->n < MT_MAX_NODES) {
				mt_node *e;
				if (c->n == c->cap) {
					size_t cap = c->cap ? c->cap * 2 : 1024;
					mt_node *v = realloc(c->v, cap * sizeof(*v));
					if (!v) {
						c->rc = dft_error_set(DFT_ENOMEM, "out of memory");
						return;
					}
					c->v = v;
					c->cap = cap;
				}
				e = &c->v[c->n];
				memset(e, 0, sizeof(*e));
				e->n = n;
				e->parent = mt_index(n->parent);
				if (mt_in(name, mt_block_tags)) {
					e->flags |= MT_BLOCK;
					if (e->parent >= 0)
						c->v[e->parent].flags |= MT_HASBLOCK;
				}
				if (strcmp(name, "a") == 0)
					e->flags |= MT_LINK;
				n->_private = (void *)(uintptr_t)(c->n + 1);
				c->n++;
				down = 1;
			}
		} else if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
			if (n->content)
				mt_add_text(c, mt_index(n->parent), n->content);
		}
		if (down && n->children) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n == root)
				return;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n || n == root)
				return;
		}
	}
}

/* Totals up the tree: children come after their parent in the array. */
static void mt_totals(mt_ctx *c)
{
	size_t i;
	for (i = c->n; i-- > 0;) {
		mt_node *e = &c->v[i];
		if (e->flags & MT_LINK)
			e->link = e->text;
		if (e->parent >= 0) {
			mt_node *p = &c->v[e->parent];
			p->text += e->text;
			p->link += e->link;
			p->commas += e->commas;
		}
	}
}

static double mt_class_weight(xmlNode *n)
{
	char ci[512];
	double w = 0;
	mt_classid(n, ci, sizeof(ci));
	if (!ci[0])
		return 0;
	if (mt_any(ci, mt_negative))
		w -= 25;
	if (mt_any(ci, mt_positive))
		w += 25;
	return w;
}

static void mt_init_score(mt_node *e)
{
	const char *name = (const char *)e->n->name;
	double s = 0;
	if (e->flags & MT_SCORED)
		return;
	e->flags |= MT_SCORED;
	if (strcmp(name, "div") == 0)
		s = 5;
	else if (strcmp(name, "article") == 0)
		s = 10;
	else if (strcmp(name, "main") == 0 || strcmp(name, "section") == 0)
		s = 3;
	else if (strcmp(name, "pre") == 0 || strcmp(name, "td") == 0 ||
		 strcmp(name, "blockquote") == 0)
		s = 3;
	else if (mt_in(name, (const char *const[]){"address", "ol", "ul", "dl", "dd", "dt", "li",
						   "form", NULL}))
		s = -3;
	else if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2])
		s = -5;
	else if (strcmp(name, "th") == 0)
		s = -5;
	e->score = s + mt_class_weight(e->n);
}

static int mt_paragraph_like(const mt_node *e)
{
	const char *name = (const char *)e->n->name;
	if (mt_in(name, (const char *const[]){"p", "pre", "td", "blockquote", NULL}))
		return 1;
	/* a div (or the like) holding only inline content is a paragraph */
	return !(e->flags & MT_HASBLOCK) &&
	       mt_in(name, (const char *const[]){"div", "section", "article", "span", NULL});
}

static double mt_link_density(const mt_node *e)
{
	return e->text ? (double)e->link / (double)e->text : 0;
}

/* Index of the winning container, or -1. */
static int mt_score(mt_ctx *c)
{
	size_t i;
	int best = -1, marked = -1, articles = 0, article = -1;
	double best_score = 0;
	for (i = 0; i < c->n; i++) {
		mt_node *e = &c->v[i];
		const char *ip = mt_attr(e->n, "itemprop");
		int level, a;
		double content;
		if (ip && strstr(ip, "articleBody") && e->text >= 250 && marked < 0)
			marked = (int)i;
		if (strcmp((const char *)e->n->name, "article") == 0 && e->text >= 500) {
			articles++;
			article = (int)i;
		}
		if (!mt_paragraph_like(e) || e->text < MT_MIN_PARA || e->parent < 0)
			continue;
		content = 1 + (double)e->commas + (e->text / 100 < 3 ? (double)(e->text / 100) : 3);
		for (level = 0, a = e->parent; a >= 0 && level < 5; level++, a = c->v[a].parent) {
			mt_node *anc = &c->v[a];
			double div = level == 0 ? 1 : level == 1 ? 2 : level * 3;
			mt_init_score(anc);
			anc->score += content / div;
		}
	}
	if (marked >= 0)
		return marked;
	for (i = 0; i < c->n; i++) {
		mt_node *e = &c->v[i];
		double s;
		if (!(e->flags & MT_SCORED))
			continue;
		s = e->score * (1 - mt_link_density(e));
		e->score = s;
		if (best < 0 || s > best_score) {
			best = (int)i;
			best_score = s;
		}
	}
	/* one <article> holding the winner's text is the article itself */
	if (articles == 1 && best >= 0) {
		int a;
		for (a = best; a >= 0 && a != article; a = c->v[a].parent)
			;
		if (a == article || c->v[article].text >= c->v[best].text)
			return article;
	}
	return best;
}

/* ---- step 3: siblings ---------------------------------------------------- */

static int mt_ends_sentence(xmlNode *n)
{
	xmlChar *t = xmlNodeGetContent(n);
	int r = 0;
	if (t) {
		size_t k = strlen((char *)t);
		while (k && mt_space(t[k - 1]))
			k--;
		r = k && (t[k - 1] == '.' || t[k - 1] == '!' || t[k - 1] == '?' ||
			  t[k - 1] == '"' || (k >= 3 && (unsigned char)t[k - 3] == 0xE2));
		xmlFree(t);
	}
	return r;
}

static void mt_siblings(mt_ctx *c, int top)
{
	mt_node *t = &c->v[top];
	double threshold = t->score * 0.2 > 10 ? t->score * 0.2 : 10;
	xmlNode *p = t->n->parent, *s;
	char tci[512];
	t->flags |= MT_KEEP;
	if (!p || mt_index(p) < 0 || strcmp((const char *)t->n->name, "body") == 0)
		return;
	mt_classid(t->n, tci, sizeof(tci));
	for (s = p->children; s; s = s->next) {
		int i = mt_index(s);
		mt_node *e;
		double bonus = 0;
		if (i < 0 || i == top || s->type != XML_ELEMENT_NODE)
			continue;
		e = &c->v[i];
		if (tci[0]) {
			char sci[512];
			mt_classid(s, sci, sizeof(sci));
			if (strcmp(sci, tci) == 0)
				bonus = t->score * 0.2;
		}
		if ((e->flags & MT_SCORED) && e->score + bonus >= threshold) {
			e->flags |= MT_KEEP;
		} else if (strcmp((const char *)s->name, "p") == 0 || mt_paragraph_like(e)) {
			double ld = mt_link_density(e);
			if ((e->text > 80 && ld < 0.25) ||
			    (e->text > 0 && e->text <= 80 && ld == 0 && mt_ends_sentence(s)))
				e->flags |= MT_KEEP;
		}
	}
}

/* ---- step 4: lines ------------------------------------------------------- */

typedef struct mt_out {
	dft_buf line;
	size_t line_chars, line_link;
	int link_depth;
	dft_buf *out;
	size_t max;
	int truncated;
	int rc;
} mt_out;

static const char *const mt_boiler[] = {
	"font size", "share this", "share on", "share the", "follow us", "follow @",
	"on twitter", "on facebook", "on instagram", "all rights reserved", "copyright",
	"\xc2\xa9", "licensed under", "creative commons", "click here", "read more",
	"sign up", "subscribe", "newsletter", "advertisement", "related:", "recommended",
	"cookie", "print this", "email this", "comments", "leave a comment", "image:",
	"photo:", "getty images", "loading", "skip to", "back to top", "what do you think",
	"more from", "see also", "tags:", "filed under", "this article", "reprints",
	"you may also like", "read next", "sponsored", "quiz", "whatsapp", "pinterest",
	"linkedin", "reddit", "most read", "most popular", NULL,
};

/* Lower-case ASCII copy of the first bytes of s, to match phrases in. */
static int mt_boilerplate(const char *s, size_t n, size_t chars)
{
	char lc[200];
	size_t i, k = n < sizeof(lc) - 1 ? n : sizeof(lc) - 1;
	if (chars >= 160)
		return 0;
	for (i = 0; i < k; i++)
		lc[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] + 32 : s[i]);
	lc[k] = '\0';
	return mt_any(lc, mt_boiler);
}

static void mt_flush(mt_out *o)
{
	size_t n = o->line.len;
	const char *s = dft_buf_cstr(&o->line);
	if (o->rc < 0)
		return;
	while (n && s[n - 1] == ' ')
		n--;
	if (n && !o->truncated) {
		int drop = 0;
		if (o->line_chars && (double)o->line_link / (double)o->line_chars > 0.5 &&
		    o->line_chars < 300)
			drop = 1;
		else if (mt_boilerplate(s, n, o->line_chars))
			drop = 1;
		if (!drop) {
			size_t need = n + (o->out->len ? 1 : 0);
			if (o->out->len + need > o->max) {
				size_t room = o->max > o->out->len + 1 ? o->max - o->out->len - 1 : 0;
				while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
					room--;
				n = room;
				o->truncated = 1;
			}
			if (n && o->out->len)
				o->rc = dft_buf_addc(o->out, '\n');
			if (n && o->rc >= 0)
				o->rc = dft_buf_add(o->out, s, n);
		}
	}
	dft_buf_reset(&o->line);
	o->line_chars = o->line_link = 0;
}

static void mt_text(mt_out *o, const unsigned char *s)
{
	for (; *s && o->rc >= 0; s++) {
		if (mt_space(*s) || (s[0] == 0xC2 && s[1] == 0xA0)) {
			if (s[0] == 0xC2)
				s++;
			if (o->line.len && o->line.ptr[o->line.len - 1] != ' ')
				o->rc = dft_buf_addc(&o->line, ' ');
			continue;
		}
		o->rc = dft_buf_addc(&o->line, (char)*s);
		if ((*s & 0xC0) != 0x80) {
			o->line_chars++;
			if (o->link_depth)
				o->line_link++;
		}
	}
}

/* Lay out the subtree of a kept element. */
static void mt_emit(mt_out *o, xmlNode *top)
{
	xmlNode *n = top;
	while (n && o->rc >= 0) {
		int down = 0;
		if (n->type == XML_ELEMENT_NODE) {
			if (mt_index(n) >= 0) {
				const char *name = (const char *)n->name;
				down = 1;
				if (mt_in(name, mt_block_tags))
					mt_flush(o);
				else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
					mt_text(o, (const unsigned char *)" ");
				if (strcmp(name, "a") == 0)
					o->link_depth++;
			}
		} else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			   n->content) {
			mt_text(o, n->content);
		}
		if (down && n->children) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && mt_index(n) >= 0) {
				if (mt_in((const char *)n->name, mt_block_tags))
					mt_flush(o);
				if (strcmp((const char *)n->name, "a") == 0 && o->link_depth > 0)
					o->link_depth--;
			}
			if (n == top)
				return;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n)
				return;
		}
	}
}

static void mt_clear(xmlNode *root)
{
	xmlNode *n = root;
	while (n) {
		if (n->type == XML_ELEMENT_NODE)
			n->_private = NULL;
		if (n->type == XML_ELEMENT_NODE && n->children) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n == root)
				return;
			if (n->next) {
				n = n->next;
				break;
			}
			n = n->parent;
			if (!n || n == root)
				return;
		}
	}
}

/* Collapse the JSON-LD body into lines like ours and append it. */
static int mt_put_ld(const dft_buf *ld, size_t max, dft_buf *out, int *truncated)
{
	mt_out o;
	const char *s = dft_buf_cstr(ld), *e;
	int rc;
	memset(&o, 0, sizeof(o));
	dft_buf_init(&o.line, 0);
	o.out = out;
	o.max = max;
	while (*s && o.rc >= 0) {
		e = strchr(s, '\n');
		if (!e)
			e = s + strlen(s);
		{
			char *piece = strndup(s, (size_t)(e - s));
			if (!piece) {
				o.rc = dft_error_set(DFT_ENOMEM, "out of memory");
				break;
			}
			mt_text(&o, (const unsigned char *)piece);
			free(piece);
		}
		o.line_link = 0;
		if (o.line_chars)
			mt_flush(&o);
		else
			dft_buf_reset(&o.line);
		s = *e ? e + 1 : e;
	}
	rc = o.rc;
	if (truncated)
		*truncated = o.truncated;
	dft_buf_dispose(&o.line);
	return rc < 0 ? rc : 0;
}

/* Characters of UTF-8 text, white space runs counted once. */
static size_t mt_chars(const char *s, size_t n)
{
	size_t i, c = 0;
	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* One pass: prune (by class and id too when strict), score, lay out. */
static int mt_pass(mt_ctx *c, xmlNode *root, size_t max, dft_buf *out, int *truncated)
{
	mt_out o;
	size_t i;
	int top, rc;
	memset(&o, 0, sizeof(o));
	dft_buf_init(&o.line, 0);
	c->n = 0;
	mt_collect(c, root);
	if ((rc = c->rc) < 0)
		goto done;
	mt_totals(c);
	top = mt_score(c);
	if (top >= 0) {
		mt_siblings(c, top);
		o.out = out;
		o.max = max;
		for (i = 0; i < c->n && o.rc >= 0; i++) {
			if (!(c->v[i].flags & MT_KEEP))
				continue;
			mt_emit(&o, c->v[i].n);
			mt_flush(&o);
		}
		rc = o.rc;
		if (truncated)
			*truncated = o.truncated;
	}
done:
	mt_clear(root);
	dft_buf_dispose(&o.line);
	return rc;
}

int dft_main_text_doc(xmlDoc *doc, size_t max, dft_buf *out, int *truncated)
{
	mt_ctx c;
	xmlNode *root;
	size_t start = out->len;
	int rc = 0;
	if (truncated)
		*truncated = 0;
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (!root)
		return 0;
	memset(&c, 0, sizeof(c));
	dft_buf_init(&c.ld, (size_t)16 << 20);
	c.strict = 1;
	if ((rc = mt_pass(&c, root, max, out, truncated)) < 0)
		goto done;
	/* Pruning by class and id took the article too ("header-style-2" on
	 * the page's wrapper), or the page hides it until a script shows it:
	 * as Readability does, try again without. */
	if (mt_chars(dft_buf_cstr(out) + start, out->len - start) < MT_MIN_TEXT) {
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
		dft_buf_reset(&c.ld);
		c.strict = 0;
		if ((rc = mt_pass(&c, root, max, out, truncated)) < 0)
			goto done;
	}
	/* the publisher's own articleBody, unless it is a teaser */
	if (mt_chars(dft_buf_cstr(&c.ld), c.ld.len) >= 200 &&
	    c.ld.len * 10 >= (out->len - start) * 8) {
		out->len = start;
		if (out->ptr)
			out->ptr[start] = '\0';
		rc = mt_put_ld(&c.ld, max, out, truncated);
	}
done:
	free(c.v);
	dft_buf_dispose(&c.ld);
	return rc;
}

int dft_main_text(const char *html_utf8, size_t len, dft_buf *out)
{
	htmlDocPtr doc;
	int rc;
	if (len > INT32_MAX)
		return dft_error_set(DFT_ELIMIT, "HTML page larger than 2 GiB");
	if (len == 0)
		return 0;
	doc = htmlReadMemory(html_utf8, (int)len, NULL, "UTF-8",
			     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
				     HTML_PARSE_NONET | XML_PARSE_HUGE);
	if (!doc)
		return 0;
	rc = dft_main_text_doc(doc, SIZE_MAX / 2, out, NULL);
	xmlFreeDoc(doc);
	return rc;
}
