/*
 * html.c - the HTML extractor: the visible text of a page and what its
 * head says about it (title, lang, description, author, og:* ...).
 *
 * The page is first decoded to UTF-8 NFC with dft_decode_text (a charset
 * in a <meta> tag of the first 4 KB is the hint; a BOM beats it, as in
 * browsers), then parsed by libxml2's forgiving HTML parser as UTF-8. The
 * tree is walked without recursion, through the parent/next pointers,
 * so hostile nesting costs no stack. Text is laid out roughly as a browser
 * would: block elements start lines, runs of white space collapse, <pre>
 * is kept as is; script, style and the like are dropped.
 */
#include "daftar/extract.h"
#include "maintext.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#define HTML_PRESCAN 4096              /* bytes searched for a meta charset */
#define HTML_MAX_PARSE ((uint64_t)512 << 20) /* larger pages: read as text */
#define HTML_META_MAX 4096             /* bytes kept of one meta value */

/* ---- charset prescan ----------------------------------------------------- */

static int html_lc(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int html_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int html_ieq(const unsigned char *p, size_t n, const char *word)
{
	size_t i, k = strlen(word);
	if (n < k)
		return 0;
	for (i = 0; i < k; i++)
		if (html_lc(p[i]) != word[i])
			return 0;
	return 1;
}

/* Copy a charset label: letters, digits and ._:- only. */
static void html_label(char out[40], const unsigned char *p, size_t n)
{
	size_t i, k = 0;
	while (n && html_space(*p)) {
		p++;
		n--;
	}
	if (n && (*p == '"' || *p == '\'')) {
		p++;
		n--;
	}
	for (i = 0; i < n && k < 39; i++) {
		int c = p[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.' || c == ':'))
			break;
		out[k++] = (char)c;
	}
	out[k] = '\0';
}

/* The charset= part of a Content-Type value. */
static void html_ct_charset(char out[40], const unsigned char *p, size_t n)
{
	size_t i;
	out[0] = '\0';
	for (i = 0; i + 7 <= n; i++) {
		if (html_ieq(p + i, n - i, "charset")) {
			size_t j = i + 7;
			while (j < n && html_space(p[j]))
				j++;
			if (j < n && p[j] == '=') {
				html_label(out, p + j + 1, n - j - 1);
				return;
			}
		}
	}
}

/* The charset a <meta charset> or <meta http-equiv=Content-Type> in the
 * first HTML_PRESCAN bytes declares (a simplified form of the prescan in
 * the HTML standard): "" when none. */
static void html_prescan(char out[40], const unsigned char *d, size_t n)
{
	size_t i = 0;
	out[0] = '\0';
	if (n > HTML_PRESCAN)
		n = HTML_PRESCAN;
	while (i < n) {
		char cs[40] = "", ct[40] = "";
		int is_ct = 0;
		if (d[i] != '<') {
			i++;
			continue;
		}
		if (html_ieq(d + i, n - i, "<!--")) {
			for (i += 4; i < n && !html_ieq(d + i, n - i, "-->"); i++)
				;
			i += 3;
			continue;
		}
		if (!html_ieq(d + i, n - i, "<meta") || i + 5 >= n ||
		    !(html_space(d[i + 5]) || d[i + 5] == '/')) {
			i++;
			continue;
		}
		i += 5;
		/* attributes up to '>' */
		while (i < n && d[i] != '>') {
			size_t ns, ne, vs = 0, ve = 0;
			while (i < n && (html_space(d[i]) || d[i] == '/'))
				i++;
			ns = i;
			while (i < n && !html_space(d[i]) && d[i] != '=' && d[i] != '>' && d[i] != '/')
				i++;
			ne = i;
			while (i < n && html_space(d[i]))
				i++;
			if (i < n && d[i] == '=') {
				i++;
				while (i < n && html_space(d[i]))
					i++;
				if (i < n && (d[i] == '"' || d[i] == '\'')) {
					unsigned char q = d[i++];
					vs = i;
					while (i < n && d[i] != q)
						i++;
					ve = i;
					if (i < n)
						i++;
				} else {
					vs = i;
					while (i < n && !html_space(d[i]) && d[i] != '>')
						i++;
					ve = i;
				}
			}
			if (ne == ns) {
				if (i < n && d[i] != '>')
					i++;
				continue;
			}
			if (ne - ns == 7 && html_ieq(d + ns, 7, "charset"))
				html_label(cs, d + vs, ve - vs);
			else if (ne - ns == 10 && html_ieq(d + ns, 10, "http-equiv"))
				is_ct = ve - vs == 12 && html_ieq(d + vs, 12, "content-type");
			else if (ne - ns == 7 && html_ieq(d + ns, 7, "content"))
				html_ct_charset(ct, d + vs, ve - vs);
		}
		if (cs[0] || (is_ct && ct[0])) {
			memcpy(out, cs[0] ? cs : ct, 40);
			break;
		}
	}
	/* A label readable in ASCII cannot be UTF-16 (HTML standard). */
	if (html_ieq((const unsigned char *)out, strlen(out), "utf-16"))
		snprintf(out, 40, "%s", "UTF-8");
	else if (html_ieq((const unsigned char *)out, strlen(out), "x-user-defined"))
		snprintf(out, 40, "%s", "WINDOWS-1252");
}

/* ---- the walk ------------------------------------------------------------ */

typedef struct html_ctx {
	dft_sink *sink;
	dft_buf text;     /* the visible text, at most max bytes */
	uint64_t max;     /* max_text less room for the final newline */
	uint64_t total;   /* bytes the text would have without the limit */
	int truncated;
	char last;        /* last byte of text (stored or not), 0 at start */
	int need_space, need_nl;
	int pre, head;    /* depth inside <pre>, <head> */
	int got_title, got_lang;
	dft_buf seen;     /* "\nkey\n" of meta keys emitted */
	dft_buf tmp;
	int rc;
} html_ctx;

/* Append to the text, counting what goes past the limit. */
static void html_put(html_ctx *c, const char *s, size_t n)
{
	if (!n || c->rc < 0)
		return;
	c->total += n;
	c->last = s[n - 1];
	if (c->truncated)
		return;
	if (c->text.len + n > c->max) {
		size_t room = (size_t)(c->max - c->text.len);
		while (room > 0 && ((unsigned char)s[room] & 0xC0) == 0x80)
			room--;
		n = room;
		c->truncated = 1;
	}
	if (n)
		c->rc = dft_buf_add(&c->text, s, n);
}

/* Before visible text: the line break or space owed, if any. */
static void html_sep(html_ctx *c)
{
	if (c->last && c->need_nl && c->last != '\n')
		html_put(c, "\n", 1);
	else if (c->last && c->need_space && c->last != '\n' && c->last != ' ')
		html_put(c, " ", 1);
	c->need_nl = c->need_space = 0;
}

static void html_text(html_ctx *c, const char *s)
{
	const char *run;
	if (c->pre) {
		size_t n = strlen(s);
		if (n) {
			html_sep(c);
			html_put(c, s, n);
		}
		return;
	}
	while (*s) {
		if (html_space((unsigned char)*s)) {
			c->need_space = 1;
			s++;
			continue;
		}
		if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
			c->need_space = 1; /* &nbsp; separates words as well */
			s += 2;
			continue;
		}
		run = s;
		while (*s && !html_space((unsigned char)*s) &&
		       !((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0))
			s++;
		html_sep(c);
		html_put(c, run, (size_t)(s - run));
	}
}

static int html_in(const char *name, const char *const *list)
{
	size_t i;
	for (i = 0; list[i]; i++)
		if (strcmp(name, list[i]) == 0)
			return 1;
	return 0;
}

static const char *const html_dropped[] = {
	"script", "style", "noscript", "template", "svg", "math", "title",
	"iframe", "object", "embed", "frameset", NULL,
};

static const char *const html_blocks[] = {
	"address", "article", "aside", "blockquote", "body", "br", "caption",
	"center", "dd", "details", "dialog", "dir", "div", "dl", "dt",
	"fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
	"h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li",
	"main", "menu", "nav", "ol", "option", "p", "pre", "section", "summary",
	"table", "tbody", "tfoot", "thead", "tr", "ul", NULL,
};

/* Whitespace-collapsed copy of s into c->tmp, at most max bytes. */
static const char *html_collapse(html_ctx *c, const char *s, size_t max)
{
	int space = 0;
	dft_buf_reset(&c->tmp);
	while (*s && c->tmp.len < max) {
		size_t k = 1;
		if (html_space((unsigned char)*s) ||
		    ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)) {
			space = c->tmp.len > 0;
			s += html_space((unsigned char)*s) ? 1 : 2;
			continue;
		}
		while (((unsigned char)s[k] & 0xC0) == 0x80)
			k++; /* whole UTF-8 characters only */
		if (c->tmp.len + space + k > max)
			break;
		if (space && (c->rc = dft_buf_addc(&c->tmp, ' ')) < 0)
			return NULL;
		if ((c->rc = dft_buf_add(&c->tmp, s, k)) < 0)
			return NULL;
		space = 0;
		s += k;
	}
	return dft_buf_cstr(&c->tmp);
}

/* Emit key=value once per key (the first wins), value collapsed. */
static void html_meta(html_ctx *c, const char *key, const char *value)
{
	char k[80];
	size_t i, n = strlen(key);
	const char *v;
	if (c->rc < 0 || n == 0 || n >= sizeof(k) - 2)
		return;
	k[0] = '\n';
	for (i = 0; i < n; i++)
		k[i + 1] = (char)html_lc((unsigned char)key[i]);
	k[n + 1] = '\n';
	k[n + 2] = '\0';
	if (strstr(dft_buf_cstr(&c->seen), k))
		return;
	v = html_collapse(c, value, HTML_META_MAX);
	if (!v || !*v)
		return;
	if ((c->rc = dft_buf_adds(&c->seen, k)) < 0)
		return;
	k[n + 1] = '\0';
	c->rc = c->sink->meta(c->sink, k + 1, v);
}

static int html_meta_name_wanted(const char *name)
{
	static const char *const names[] = {
		"description", "author", "keywords", "generator", "date", "copyright",
		"publisher", "subject", "language", "creator", NULL,
	};
	char lc[64];
	size_t i;
	for (i = 0; i < sizeof(lc) - 1 && name[i]; i++)
		lc[i] = (char)html_lc((unsigned char)name[i]);
	lc[i] = '\0';
	return html_in(lc, names) || strncmp(lc, "og:", 3) == 0 ||
	       strncmp(lc, "article:", 8) == 0 || strncmp(lc, "dc.", 3) == 0 ||
	       strncmp(lc, "dcterms.", 8) == 0;
}

static void html_meta_tag(html_ctx *c, xmlNode *n)
{
	xmlChar *name = xmlGetProp(n, BAD_CAST "name");
	xmlChar *content;
	if (!name)
		name = xmlGetProp(n, BAD_CAST "property");
	if (!name)
		return;
	if (html_meta_name_wanted((const char *)name)) {
		content = xmlGetProp(n, BAD_CAST "content");
		if (content)
			html_meta(c, (const char *)name, (const char *)content);
		xmlFree(content);
	}
	xmlFree(name);
}

/* Entering element n: 1 to walk its children, 0 to skip them. */
static int html_enter(html_ctx *c, xmlNode *n)
{
	const char *name = (const char *)n->name;
	if (!name)
		return 0;
	if (strcmp(name, "title") == 0 && !c->got_title) {
		xmlChar *t = xmlNodeGetContent(n);
		if (t) {
			c->got_title = 1;
			html_meta(c, "title", (const char *)t);
			xmlFree(t);
		}
		return 0;
	}
	if (strcmp(name, "meta") == 0) {
		html_meta_tag(c, n);
		return 0;
	}
	if (strcmp(name, "html") == 0 && !c->got_lang) {
		xmlChar *lang = xmlGetProp(n, BAD_CAST "lang");
		if (!lang)
			lang = xmlGetProp(n, BAD_CAST "xml:lang");
		if (lang) {
			c->got_lang = 1;
			html_meta(c, "lang", (const char *)lang);
			xmlFree(lang);
		}
	}
	if (html_in(name, html_dropped))
		return 0;
	if (strcmp(name, "head") == 0)
		c->head++;
	else if (strcmp(name, "pre") == 0)
		c->pre++;
	if (html_in(name, html_blocks))
		c->need_nl = 1;
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		c->need_space = 1;
	return 1;
}

static void html_leave(html_ctx *c, xmlNode *n)
{
	const char *name = (const char *)n->name;
	if (!name || html_in(name, html_dropped))
		return;
	if (strcmp(name, "head") == 0 && c->head > 0)
		c->head--;
	else if (strcmp(name, "pre") == 0 && c->pre > 0)
		c->pre--;
	if (html_in(name, html_blocks))
		c->need_nl = 1;
	else if (strcmp(name, "td") == 0 || strcmp(name, "th") == 0)
		c->need_space = 1;
}

/* Depth-first over the tree from top, with no recursion and no stack. */
static void html_walk(html_ctx *c, xmlNode *top)
{
	xmlNode *n = top;
	while (n && c->rc >= 0) {
		int down = 0;
		if (n->type == XML_ELEMENT_NODE)
			down = html_enter(c, n);
		else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
			 !c->head && n->content)
			html_text(c, (const char *)n->content);
		if (down && n->children) {
			n = n->children;
			continue;
		}
		for (;;) {
			if (n->type == XML_ELEMENT_NODE && down)
				html_leave(c, n);
			down = 1; /* the parents we climb to were all entered */
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

/* ---- the extractor ------------------------------------------------------- */

static int html_as_text(dft_sink *sink, const dft_input *in, const char *why)
{
	char msg[320];
	int rc;
	snprintf(msg, sizeof(msg), "%.200s: extracted as plain text, markup included", why);
	if ((rc = sink->note(sink, msg)) < 0)
		return rc;
	return dft_extract_text(sink, in);
}

int dft_extract_html(dft_sink *sink, const dft_input *in)
{
	dft_limits defaults;
	const dft_limits *lim = in->limits;
	dft_decode_info info;
	dft_buf page;
	html_ctx c;
	htmlDocPtr doc = NULL;
	xmlNode *root;
	char hint[40], num[24], msg[200];
	int rc = 0;

	if (!in->data || in->size > HTML_MAX_PARSE) {
		snprintf(msg, sizeof(msg), "HTML page of %.1f MiB too large to parse",
			 (double)in->size / 1048576.0);
		return html_as_text(sink, in, msg);
	}
	if (!lim) {
		dft_limits_default(&defaults);
		lim = &defaults;
	}
	memset(&c, 0, sizeof(c));
	c.sink = sink;
	c.max = lim->max_text > 0 ? lim->max_text - 1 : 0;
	/* html_put keeps the text within c.max; the buffer's own bound
	 * leaves room for the final newline */
	dft_buf_init(&c.text, c.max >= SIZE_MAX / 2 ? SIZE_MAX / 2 : (size_t)c.max + 1);
	dft_buf_init(&c.seen, 0);
	dft_buf_init(&c.tmp, 0);
	dft_buf_init(&page, (size_t)in->size * 9 + 4096);

	html_prescan(hint, in->data, (size_t)in->size);
	rc = dft_decode_text(&page, in->data, (size_t)in->size, hint[0] ? hint : NULL, &info);
	if (rc < 0)
		goto done;
	if (page.len > INT_MAX) {
		dft_buf_dispose(&page);
		rc = html_as_text(sink, in, "decoded HTML page larger than 2 GiB");
		goto done;
	}
	if ((rc = sink->meta(sink, "charset", info.charset)) < 0)
		goto done;
	if (page.len) {
		/* No HTML_PARSE_NOBLANKS: it drops the space in
		 * "<mark>a</mark> <mark>b</mark>", gluing words together.
		 * XML_PARSE_HUGE: without it libxml2 silently stops the whole
		 * parse at 256 levels of nesting, which old pages with
		 * unclosed <font> tags reach; our walk needs no stack. */
		doc = htmlReadMemory(page.ptr, (int)page.len, NULL, "UTF-8",
				     HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
				     HTML_PARSE_NOWARNING | HTML_PARSE_NONET | XML_PARSE_HUGE);
		if (!doc) {
			rc = sink->note(sink, "HTML could not be parsed: no text extracted");
			goto notes;
		}
	}
	dft_buf_dispose(&page);
	root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root)
		html_walk(&c, root);
	if ((rc = c.rc) < 0)
		goto done;
	if (c.text.len) {
		/* ends with exactly one newline (pre may leave several) */
		while (c.text.len && html_space((unsigned char)c.text.ptr[c.text.len - 1]))
			c.text.len--;
		c.text.ptr[c.text.len] = '\0';
		if ((rc = dft_buf_addc(&c.text, '\n')) < 0)
			goto done;
		if ((rc = sink->text(sink, c.text.ptr, c.text.len)) < 0)
			goto done;
	}
	if (doc) { /* the article without its menus and footers (maintext.c) */
		dft_buf mt;
		int cut = 0;
		size_t cap = DFT_FRAME_MAX - 64; /* one meta frame; max_text too */
		if (c.max < cap)
			cap = (size_t)c.max;
		dft_buf_init(&mt, 0);
		rc = dft_main_text_doc(doc, cap, &mt, &cut);
		if (rc == 0 && mt.len)
			rc = sink->meta(sink, "main_text", dft_buf_cstr(&mt));
		if (rc == 0 && cut)
			rc = sink->note(sink, "main text truncated");
		dft_buf_dispose(&mt);
		if (rc < 0)
			goto done;
	}
notes:
	if (rc < 0)
		goto done;
	if (info.invalid) {
		snprintf(num, sizeof(num), "%" PRIu64, info.invalid);
		if ((rc = sink->meta(sink, "invalid_bytes", num)) < 0)
			goto done;
		snprintf(msg, sizeof(msg), "%s invalid bytes replaced (charset %s)", num,
			 info.charset);
		if ((rc = sink->note(sink, msg)) < 0)
			goto done;
	}
	if (c.truncated) {
		uint64_t kept = c.text.len, total = c.total + 1;
		snprintf(msg, sizeof(msg),
			 "text truncated at %.1f MiB of %.1f MiB (%" PRIu64 " of %" PRIu64
			 " bytes kept)",
			 (double)kept / 1048576.0, (double)total / 1048576.0, kept, total);
		if ((rc = sink->note(sink, msg)) < 0)
			goto done;
	}
done:
	if (doc)
		xmlFreeDoc(doc);
	dft_buf_dispose(&page);
	dft_buf_dispose(&c.text);
	dft_buf_dispose(&c.seen);
	dft_buf_dispose(&c.tmp);
	return rc;
}
