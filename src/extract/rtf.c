/*
 * rtf.c - RTF extraction with a small parser of our own.
 *
 * One pass over the bytes, no recursion: groups push a state (the code
 * page, \uc skip count, whether the destination is dropped) on a stack of
 * RTF_MAX_DEPTH; deeper groups are still counted, so the braces match, but
 * their text is dropped with a note. Text is kept as runs of 8-bit bytes in
 * the current code page (\ansicpg, or the \fcharset of the current \f font:
 * 178/180 is Arabic, Windows-1256) decoded with dft_decode_text, and \uN
 * code points (the \ucN replacement characters after each are skipped).
 * Destinations that hold no text for a reader are dropped: the font,
 * colour and style tables, pictures, objects' data, field instructions,
 * \* destinations. The \info group gives title, author, last_modified_by,
 * company, subject, created and modified. \par, \line, \tab, \cell, \row
 * lay the text out like the other office extractors.
 */
#include "zipxml.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RTF_MAX_DEPTH 1000
#define RTF_MAX_FONTS 4096
#define RTF_INFO_MAX 4096

enum { INFO_NONE = 0, INFO_TITLE, INFO_AUTHOR, INFO_OPERATOR, INFO_COMPANY, INFO_SUBJECT, INFO_KEYWORDS,
       INFO_CREATIM, INFO_REVTIM, INFO_N };

typedef struct rtf_state {
	int skip;  /* the destination is dropped */
	int uc;    /* bytes to skip after \uN */
	int cp;    /* code page of 8-bit text */
	int info;  /* which \info field this group is, or 0 */
	int fonttbl;
} rtf_state;

typedef struct rtf {
	dft_sink *sink;
	zx_out out;
	rtf_state st[RTF_MAX_DEPTH];
	int depth;            /* st[depth] is the current state */
	uint64_t extra;       /* groups beyond RTF_MAX_DEPTH */
	int deep_noted;
	int ansicpg;
	int font_cp[RTF_MAX_FONTS];
	int cur_font;         /* in the font table: the font being defined */
	dft_buf bytes;        /* 8-bit text not decoded yet */
	int bytes_cp;
	int skip_count;       /* replacement bytes still to skip after \uN */
	dft_buf info[INFO_N];
	int date[6];          /* \yr \mo \dy \hr \min \sec of a date group */
	int last_cell;
	dft_buf tmp;
} rtf;

static rtf_state *cur(rtf *r)
{
	return &r->st[r->depth];
}

static const char *rtf_cp_name(int cp)
{
	const char *n = dft_zx_codepage_name(cp);
	return n ? n : "windows-1252";
}

static int rtf_charset_cp(int charset, int ansicpg)
{
	switch (charset) {
	case 0: return ansicpg;
	case 2: return 1252; /* symbol */
	case 77: return 10000;
	case 128: return 932;
	case 129: return 949;
	case 134: return 936;
	case 136: return 950;
	case 161: return 1253;
	case 162: return 1254;
	case 163: return 1258;
	case 177: return 1255;
	case 178: case 179: case 180: case 181: return 1256;
	case 186: return 1257;
	case 204: return 1251;
	case 222: return 874;
	case 238: return 1250;
	default: return ansicpg;
	}
}

/* Where decoded text goes: an \info field's buffer or the output. */
static int rtf_emit(rtf *r, const char *s, size_t n)
{
	rtf_state *c = cur(r);
	if (c->info) {
		dft_buf *b = &r->info[c->info];
		return b->len + n < RTF_INFO_MAX ? dft_buf_add(b, s, n) : 0;
	}
	r->last_cell = 0;
	return dft_zx_put(&r->out, s, n);
}

static int rtf_flush_bytes(rtf *r)
{
	int rc = 0;
	if (r->bytes.len) {
		dft_buf_reset(&r->tmp);
		rc = dft_decode_text(&r->tmp, (const unsigned char *)r->bytes.ptr, r->bytes.len, rtf_cp_name(r->bytes_cp), NULL);
		dft_buf_reset(&r->bytes);
		if (rc == 0 && r->tmp.len)
			rc = rtf_emit(r, r->tmp.ptr, r->tmp.len);
	}
	return rc;
}

static int rtf_byte(rtf *r, unsigned char b)
{
	rtf_state *c = cur(r);
	int rc;
	if (r->skip_count > 0) {
		r->skip_count--;
		return 0;
	}
	if (c->skip || r->extra)
		return 0;
	if (r->bytes.len && r->bytes_cp != c->cp && (rc = rtf_flush_bytes(r)) < 0)
		return rc;
	r->bytes_cp = c->cp;
	return dft_buf_addc(&r->bytes, (char)b);
}

static int rtf_str(rtf *r, const char *s)
{
	int rc;
	if (cur(r)->skip || r->extra)
		return 0;
	if ((rc = rtf_flush_bytes(r)) < 0)
		return rc;
	return rtf_emit(r, s, strlen(s));
}

static int rtf_unicode(rtf *r, long v)
{
	dft_buf u;
	int rc;
	if (v < 0)
		v += 65536;
	r->skip_count = cur(r)->uc;
	if (cur(r)->skip || r->extra)
		return 0;
	dft_buf_init(&u, 0);
	rc = dft_zx_utf8(&u, (uint32_t)v);
	if (rc == 0 && (rc = rtf_flush_bytes(r)) == 0)
		rc = rtf_emit(r, u.ptr, u.len);
	dft_buf_dispose(&u);
	return rc;
}

/* Control words that start a destination whose text is dropped. */
static int rtf_dropped(const char *w)
{
	static const char *const drop[] = {
		"fonttbl", "colortbl", "stylesheet", "pict", "objdata", "fldinst", "themedata", "colorschememapping",
		"datastore", "latentstyles", "listtable", "listoverridetable", "rsidtbl", "generator", "xmlnstbl",
		"mmathPr", "filetbl", "revtbl", "pgdsctbl", "nonshppict", "bkmkstart", "bkmkend", "xe", "tc",
		"private", "docvar", "userprops", "wgrffmtfilter", "defchp", "defpap", "listtext", "pntext",
		"pntxta", "pntxtb", "objclass", "objname", "template", "falt", "panose", "fontemb", "fontfile",
		"blipuid", "passwordhash", "atnid", "atnauthor", "atndate", "atnref", "protusertbl", "shpinst", NULL,
	};
	int i;
	for (i = 0; drop[i]; i++)
		if (!strcmp(w, drop[i]))
			return 1;
	return 0;
}

static int rtf_info_field(const char *w)
{
	if (!strcmp(w, "title")) return INFO_TITLE;
	if (!strcmp(w, "author")) return INFO_AUTHOR;
	if (!strcmp(w, "operator")) return INFO_OPERATOR;
	if (!strcmp(w, "company")) return INFO_COMPANY;
	if (!strcmp(w, "subject")) return INFO_SUBJECT;
	if (!strcmp(w, "keywords")) return INFO_KEYWORDS;
	if (!strcmp(w, "creatim")) return INFO_CREATIM;
	if (!strcmp(w, "revtim")) return INFO_REVTIM;
	return 0;
}

static int rtf_word(rtf *r, const char *w, int has_num, long num, int group_start)
{
	rtf_state *c = cur(r);
	int f;
	if (!strcmp(w, "u") && has_num)
		return rtf_unicode(r, num);
	if (r->skip_count > 0 && strcmp(w, "par") && strcmp(w, "line")) {
		r->skip_count--; /* a control word counts as one replacement character */
		return 0;
	}
	if (group_start && rtf_dropped(w)) {
		int rc = rtf_flush_bytes(r);
		c->skip = 1;
		if (!strcmp(w, "fonttbl"))
			c->fonttbl = 1;
		return rc;
	}
	if (group_start && (f = rtf_info_field(w))) {
		int rc = rtf_flush_bytes(r);
		c->info = f;
		c->skip = 0;
		dft_buf_reset(&r->info[f]);
		memset(r->date, 0, sizeof(r->date));
		return rc;
	}
	switch (w[0]) {
	case 'a':
		if (!strcmp(w, "ansicpg") && has_num && dft_zx_codepage_name((int)num)) {
			r->ansicpg = (int)num;
			c->cp = (int)num;
		}
		break;
	case 'b':
		if (!strcmp(w, "bullet")) return rtf_str(r, "\xE2\x80\xA2");
		if (!strcmp(w, "bin") && has_num) return 1; /* the caller skips num bytes */
		break;
	case 'c':
		if (!strcmp(w, "cell") || !strcmp(w, "nestcell")) {
			int rc = rtf_str(r, "\t");
			r->last_cell = 1;
			return rc;
		}
		break;
	case 'd':
		if (!strcmp(w, "dy")) r->date[2] = (int)num;
		break;
	case 'e':
		if (!strcmp(w, "emdash")) return rtf_str(r, "\xE2\x80\x94");
		if (!strcmp(w, "endash")) return rtf_str(r, "\xE2\x80\x93");
		if (!strcmp(w, "emspace") || !strcmp(w, "enspace")) return rtf_str(r, " ");
		break;
	case 'f':
		if (!strcmp(w, "f") && has_num) {
			if (c->fonttbl) {
				r->cur_font = num >= 0 && num < RTF_MAX_FONTS ? (int)num : -1;
			} else if (num >= 0 && num < RTF_MAX_FONTS && r->font_cp[num]) {
				c->cp = r->font_cp[num];
			} else {
				c->cp = r->ansicpg;
			}
		} else if (!strcmp(w, "fcharset") && has_num && c->fonttbl && r->cur_font >= 0) {
			r->font_cp[r->cur_font] = rtf_charset_cp((int)num, r->ansicpg);
		}
		break;
	case 'h':
		if (!strcmp(w, "hr")) r->date[3] = (int)num;
		break;
	case 'l':
		if (!strcmp(w, "line")) return rtf_str(r, "\n");
		if (!strcmp(w, "lquote")) return rtf_str(r, "\xE2\x80\x98");
		if (!strcmp(w, "ldblquote")) return rtf_str(r, "\xE2\x80\x9C");
		break;
	case 'm':
		if (!strcmp(w, "mo")) r->date[1] = (int)num;
		else if (!strcmp(w, "min")) r->date[4] = (int)num;
		break;
	case 'p':
		if (!strcmp(w, "par") || !strcmp(w, "page")) return rtf_str(r, "\n");
		if (!strcmp(w, "plain") && c->cp == 0) c->cp = r->ansicpg;
		break;
	case 'r':
		if (!strcmp(w, "row") || !strcmp(w, "nestrow")) {
			int rc;
			if (cur(r)->skip || r->extra)
				return 0;
			if ((rc = rtf_flush_bytes(r)) < 0)
				return rc;
			if (r->last_cell)
				dft_zx_untab(&r->out);
			return rtf_emit(r, "\n", 1);
		}
		if (!strcmp(w, "rquote")) return rtf_str(r, "\xE2\x80\x99");
		if (!strcmp(w, "rdblquote")) return rtf_str(r, "\xE2\x80\x9D");
		break;
	case 's':
		if (!strcmp(w, "sect")) return rtf_str(r, "\n");
		if (!strcmp(w, "sec")) r->date[5] = (int)num;
		break;
	case 't':
		if (!strcmp(w, "tab")) return rtf_str(r, "\t");
		break;
	case 'u':
		if (!strcmp(w, "uc") && has_num) c->uc = num >= 0 && num <= 8 ? (int)num : 1;
		break;
	case 'y':
		if (!strcmp(w, "yr")) r->date[0] = (int)num;
		break;
	}
	return 0;
}

/* A group ends: an \info field goes out as meta. */
static int rtf_group_end(rtf *r)
{
	rtf_state *c = cur(r);
	int rc = rtf_flush_bytes(r);
	if (rc < 0)
		return rc;
	if (c->info && (r->depth == 0 || r->st[r->depth - 1].info != c->info)) {
		static const char *const keys[INFO_N] = {NULL, "title", "author", "last_modified_by", "company",
							 "subject", "keywords", "created", "modified"};
		char date[40];
		const char *v = dft_buf_cstr(&r->info[c->info]);
		if (c->info == INFO_CREATIM || c->info == INFO_REVTIM) {
			if (r->date[0] > 0) {
				snprintf(date, sizeof(date), "%04d-%02d-%02dT%02d:%02d:%02d", r->date[0], r->date[1],
					 r->date[2], r->date[3], r->date[4], r->date[5]);
				v = date;
			} else {
				v = "";
			}
		}
		while (*v == ' ')
			v++;
		if (*v && (rc = r->sink->meta(r->sink, keys[c->info], v)) < 0)
			return rc;
	}
	return 0;
}

int dft_extract_rtf(dft_sink *sink, const dft_input *in)
{
	const unsigned char *p = in->data, *end;
	rtf *r;
	int rc = 0, i;
	int group_start = 0; /* the last thing read was '{' (or '{\*') */

	if (!p && in->size) {
		/* not mapped (over 512 MiB): too large for an RTF worth reading */
		return dft_error_set(DFT_ELIMIT, "RTF file too large to read (%" PRIu64 " bytes)", in->size);
	}
	if (in->size < 5 || memcmp(p, "{\\rtf", 5) != 0)
		return dft_error_set(DFT_EINVAL, "not an RTF file: no {\\rtf header");
	end = p + in->size;
	r = dft_calloc(1, sizeof(*r));
	if (!r)
		return DFT_ENOMEM;
	r->sink = sink;
	dft_zx_out_init(&r->out, sink, in);
	dft_buf_init(&r->bytes, 0);
	dft_buf_init(&r->tmp, 0);
	for (i = 0; i < INFO_N; i++)
		dft_buf_init(&r->info[i], 0);
	r->ansicpg = 1252;
	r->cur_font = -1;
	r->st[0].uc = 1;
	r->st[0].cp = 1252;
	r->depth = 0;

	while (p < end && rc == 0) {
		unsigned char ch = *p;
		if (ch == '{') {
			p++;
			if ((rc = rtf_flush_bytes(r)) < 0)
				break;
			if (r->extra || r->depth + 1 >= RTF_MAX_DEPTH) {
				r->extra++;
				if (!r->deep_noted) {
					r->deep_noted = 1;
					rc = sink->note(sink, "RTF groups nested deeper than 1000: their text is skipped");
				}
				continue;
			}
			r->st[r->depth + 1] = r->st[r->depth];
			r->depth++;
			group_start = 1;
			continue;
		}
		if (ch == '}') {
			p++;
			if (r->extra) {
				r->extra--;
				continue;
			}
			if ((rc = rtf_group_end(r)) < 0)
				break;
			if (r->depth > 0)
				r->depth--;
			r->skip_count = 0;
			group_start = 0;
			continue;
		}
		if (ch == '\\') {
			char word[40];
			size_t k = 0;
			long num = 0;
			int has_num = 0, neg = 0, ndig = 0;
			p++;
			if (p >= end)
				break;
			if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
				unsigned char sym = *p++;
				if (sym == '\'') {
					int v = 0, j;
					for (j = 0; j < 2 && p < end; j++, p++) {
						int d = (*p >= '0' && *p <= '9') ? *p - '0' :
							(*p >= 'a' && *p <= 'f') ? *p - 'a' + 10 :
							(*p >= 'A' && *p <= 'F') ? *p - 'A' + 10 : -1;
						if (d < 0)
							break;
						v = v * 16 + d;
					}
					rc = rtf_byte(r, (unsigned char)v);
				} else if (sym == '*') {
					/* an ignorable destination: dropped (its text, if any,
					 * is an alternative form of text given elsewhere) */
					if (group_start) {
						if ((rc = rtf_flush_bytes(r)) < 0)
							break;
						cur(r)->skip = 1;
					}
					continue;
				} else if (sym == '\\' || sym == '{' || sym == '}') {
					rc = rtf_byte(r, sym);
				} else if (sym == '~') {
					rc = rtf_str(r, "\xC2\xA0");
				} else if (sym == '_') {
					rc = rtf_str(r, "-");
				} else if (sym == '\n' || sym == '\r') {
					rc = rtf_str(r, "\n"); /* \<newline> is \par */
				} else if (sym == '\t') {
					rc = rtf_str(r, "\t");
				}
				group_start = 0;
				continue;
			}
			while (p < end && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) {
				if (k < sizeof(word) - 1)
					word[k++] = (char)*p;
				p++;
			}
			word[k] = '\0';
			if (p < end && *p == '-') {
				neg = 1;
				p++;
			}
			while (p < end && *p >= '0' && *p <= '9') {
				if (ndig < 10)
					num = num * 10 + (*p - '0');
				ndig++;
				p++;
			}
			has_num = ndig > 0;
			if (neg)
				num = -num;
			if (p < end && *p == ' ')
				p++;
			rc = rtf_word(r, word, has_num, num, group_start);
			if (rc == 1) { /* \binN: skip N raw bytes */
				rc = 0;
				if (num > 0 && (uint64_t)num <= (uint64_t)(end - p))
					p += num;
				else if (num > 0)
					p = end;
			}
			group_start = 0;
			continue;
		}
		p++;
		if (ch == '\r' || ch == '\n')
			continue;
		group_start = 0;
		rc = rtf_byte(r, ch);
	}
	if (rc == 0)
		rc = rtf_flush_bytes(r);
	if (rc == 0 && (r->depth > 0 || r->extra))
		rc = sink->note(sink, "RTF ends inside an open group: the file may be truncated");
	if (rc == 0)
		rc = dft_zx_flush(&r->out);
	for (i = 0; i < INFO_N; i++)
		dft_buf_dispose(&r->info[i]);
	dft_buf_dispose(&r->bytes);
	dft_buf_dispose(&r->tmp);
	dft_zx_out_dispose(&r->out);
	free(r);
	return rc;
}
