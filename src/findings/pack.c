/*
 * pack.c - the evidence pack (docs/FINDINGS.md): a zip a recipient checks
 * with `daftar verify-pack` and nothing else.
 *
 *   manifest.json       every other file's SHA-256 and size, the documents,
 *                       the citations with their hashes, the custody segment
 *   claims.json         the claims and their citations (quote, place)
 *   passages/claim-C-S.txt  each cited passage with context
 *   originals/<sha256>  the original bytes of each cited document
 *   texts/<sha256>.txt  each cited document's extracted text (named by its
 *                       SHA-256), where the quotations are checked
 *   custody.jsonl       the custody log from the first entry the claims
 *                       rest on to the last, verbatim, so every link is
 *                       checkable
 *
 * With redaction (person, organization, place), the names in the texts,
 * passages and claim texts are replaced by labels ("[PERSON 1]"); the
 * originals and the unredacted texts are left out (they would undo it),
 * and each redacted text carries in the manifest the map from the
 * unredacted text's byte ranges to the labels, so quotations are checked
 * at their (mapped) place in the redacted text, and their unredacted
 * SHA-256 against the chained custody entry of the claim.
 */
#include "daftar/crypt.h"
#include "daftar/custody.h"
#include "daftar/entities.h"
#include "daftar/findings.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PACK_FORMAT "daftar-evidence-pack"
#define MAX_ENTRY_BYTES ((size_t)1 << 32)

/* ---- collected while writing --------------------------------------------------- */

struct span {
	size_t ub, ue;   /* bytes in the unredacted text */
	size_t rb, re;   /* bytes of the label in the redacted text */
	char label[48];
};

struct pdoc {
	int64_t doc;
	char sha[DFT_SHA256_HEX], text_sha[DFT_SHA256_HEX];
	char *path;
	dft_buf text;     /* unredacted */
	dft_buf redacted; /* with redaction */
	struct span *spans;
	size_t nspans;
	int64_t received_n, extracted_n;
};

struct label {
	int64_t entity;
	int type;
	char *value;
	int number;
};

struct pack {
	dft_store *st;
	const dft_pack_opts *o;
	struct archive *a;
	dft_buf manifest_files; /* JSON array content of "files" */
	dft_json files;
	struct pdoc *docs;
	size_t ndocs;
	struct label *labels;
	size_t nlabels;
	int counters[3];
	/* claims, copied */
	dft_buf claims_json;
	dft_json cj;
	dft_buf cites_json;
	dft_json mj;
	int64_t *claim_ids;
	size_t nclaims;
	dft_pack_result *r;
	int rc;
};

static int add_file(struct pack *p, const char *name, const void *data, size_t len)
{
	struct archive_entry *e = archive_entry_new();
	char h[DFT_SHA256_HEX];
	int rc = 0;
	if (!e)
		return DFT_ENOMEM;
	archive_entry_set_pathname(e, name);
	archive_entry_set_size(e, (la_int64_t)len);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(p->a, e) != ARCHIVE_OK ||
	    (len && archive_write_data(p->a, data, len) != (la_ssize_t)len))
		rc = dft_error_set(DFT_EIO, "writing %s into the pack: %s", name, archive_error_string(p->a));
	archive_entry_free(e);
	if (rc < 0)
		return rc;
	if (strcmp(name, "manifest.json") != 0) {
		dft_sha256_hex(h, data, len);
		dft_json_obj_open(&p->files);
		dft_json_key(&p->files, "path");
		dft_json_str(&p->files, name);
		dft_json_key(&p->files, "sha256");
		dft_json_str(&p->files, h);
		dft_json_key(&p->files, "size");
		dft_json_int(&p->files, (int64_t)len);
		dft_json_obj_close(&p->files);
		p->r->files++;
	}
	return 0;
}

/* An original, streamed from its blob and re-hashed on the way: a blob
 * that no longer matches is not packed. */
static int add_original(struct pack *p, const struct pdoc *d)
{
	dft_doc doc;
	dft_buf name;
	struct archive_entry *e = NULL;
	struct stat sb;
	dft_sha256 h;
	char got[DFT_SHA256_HEX], buf[1 << 16];
	int fd = -1, rc = 0, hashing = 0;
	memset(&doc, 0, sizeof(doc));
	dft_buf_init(&name, 256);
	if ((rc = dft_store_doc_get(p->st, d->doc, &doc)) < 0)
		goto done;
	if ((rc = dft_buf_addf(&name, "originals/%s", d->sha)) < 0)
		goto done;
	/* decrypted in memory in an encrypted case: packs are in the clear */
	if ((rc = dft_blob_open_fd(p->st, d->sha, doc.stored ? NULL : doc.source ? doc.source : "", &fd)) < 0 ||
	    fstat(fd, &sb) < 0) {
		rc = dft_error_set(DFT_EIO, "the original of document %lld cannot be read: %s", (long long)d->doc,
				   rc < 0 ? dft_error_msg() : strerror(errno));
		goto done;
	}
	if (!(e = archive_entry_new())) {
		rc = DFT_ENOMEM;
		goto done;
	}
	archive_entry_set_pathname(e, dft_buf_cstr(&name));
	archive_entry_set_size(e, (la_int64_t)sb.st_size);
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_mtime(e, time(NULL), 0);
	if (archive_write_header(p->a, e) != ARCHIVE_OK) {
		rc = dft_error_set(DFT_EIO, "writing the pack: %s", archive_error_string(p->a));
		goto done;
	}
	if ((rc = dft_sha256_init(&h)) < 0)
		goto done;
	hashing = 1;
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = dft_error_set(DFT_EIO, "reading the original of document %lld: %s", (long long)d->doc,
					   strerror(errno));
			goto done;
		}
		if (n == 0)
			break;
		if ((rc = dft_sha256_update(&h, buf, (size_t)n)) < 0)
			goto done;
		if (archive_write_data(p->a, buf, (size_t)n) != n) {
			rc = dft_error_set(DFT_EIO, "writing the pack: %s", archive_error_string(p->a));
			goto done;
		}
	}
	hashing = 0;
	if ((rc = dft_sha256_final(&h, got)) < 0)
		goto done;
	if (strcmp(got, d->sha) != 0) {
		rc = dft_error_set(DFT_ECORRUPT,
				   "the original of document %lld no longer hashes to %.16s… (run 'daftar claim verify')",
				   (long long)d->doc, d->sha);
		goto done;
	}
	dft_json_obj_open(&p->files);
	dft_json_key(&p->files, "path");
	dft_json_str(&p->files, dft_buf_cstr(&name));
	dft_json_key(&p->files, "sha256");
	dft_json_str(&p->files, got);
	dft_json_key(&p->files, "size");
	dft_json_int(&p->files, (int64_t)sb.st_size);
	dft_json_obj_close(&p->files);
	p->r->files++;
done:
	if (hashing)
		dft_sha256_dispose(&h);
	if (e)
		archive_entry_free(e);
	if (fd >= 0)
		close(fd);
	dft_doc_dispose(&doc);
	dft_buf_dispose(&name);
	return rc;
}

/* ---- redaction ------------------------------------------------------------------ */

static int type_redacted(const struct pack *p, int type)
{
	unsigned r = p->o->redact;
	return (type == DFT_ENT_PERSON && (r & DFT_REDACT_PERSON)) || (type == DFT_ENT_ORG && (r & DFT_REDACT_ORG)) ||
	       (type == DFT_ENT_PLACE && (r & DFT_REDACT_PLACE));
}

static const char *label_of(struct pack *p, int64_t entity, int type, const char *value)
{
	static char out[48];
	size_t i;
	int k = type == DFT_ENT_PERSON ? 0 : type == DFT_ENT_ORG ? 1 : 2;
	struct label *l;
	for (i = 0; i < p->nlabels; i++)
		if (p->labels[i].type == type &&
		    (entity ? p->labels[i].entity == entity : !strcmp(p->labels[i].value, value)))
			break;
	if (i == p->nlabels) {
		struct label *nv = dft_realloc(p->labels, (p->nlabels + 1) * sizeof(*nv));
		if (!nv)
			return NULL;
		p->labels = nv;
		l = &p->labels[p->nlabels++];
		l->entity = entity;
		l->type = type;
		l->value = dft_strdup(value);
		l->number = ++p->counters[k];
	}
	l = &p->labels[i];
	snprintf(out, sizeof(out), "[%s %d]", k == 0 ? "PERSON" : k == 1 ? "ORGANIZATION" : "PLACE", l->number);
	return out;
}

struct redact_ctx {
	struct pack *p;
	struct pdoc *d;
	int rc;
};

static int on_redact_mention(void *ctx, const dft_doc_mention *m)
{
	struct redact_ctx *c = ctx;
	struct pdoc *d = c->d;
	struct span *s;
	const char *lab;
	if (!type_redacted(c->p, m->type) || m->start < 0 || m->end <= m->start || (size_t)m->end > d->text.len)
		return 0;
	if (d->nspans && (size_t)m->start < d->spans[d->nspans - 1].ue)
		return 0; /* overlaps the one before: already covered */
	if (!(lab = label_of(c->p, m->entity, m->type, m->value)))
		return DFT_ENOMEM;
	s = dft_realloc(d->spans, (d->nspans + 1) * sizeof(*s));
	if (!s)
		return DFT_ENOMEM;
	d->spans = s;
	s = &d->spans[d->nspans++];
	s->ub = (size_t)m->start;
	s->ue = (size_t)m->end;
	snprintf(s->label, sizeof(s->label), "%s", lab);
	return 0;
}

static int redact_doc(struct pack *p, struct pdoc *d)
{
	struct redact_ctx c = {p, d, 0};
	size_t i, at = 0;
	int rc;
	if ((rc = dft_store_doc_mentions(p->st, d->doc, on_redact_mention, &c)) < 0)
		return rc;
	for (i = 0; i < d->nspans; i++) {
		struct span *s = &d->spans[i];
		if ((rc = dft_buf_add(&d->redacted, d->text.ptr + at, s->ub - at)) < 0)
			return rc;
		s->rb = d->redacted.len;
		if ((rc = dft_buf_adds(&d->redacted, s->label)) < 0)
			return rc;
		s->re = d->redacted.len;
		at = s->ue;
	}
	return dft_buf_add(&d->redacted, d->text.ptr ? d->text.ptr + at : "", d->text.len - at);
}

/* Where unredacted byte b lands in the redacted text; `end`: b closes a
 * range (inside a label: after it), else opens one (before it). */
static size_t map_pos(const struct span *sp, size_t n, size_t b, int end)
{
	size_t i;
	int64_t delta = 0;
	for (i = 0; i < n; i++) {
		if (b <= sp[i].ub)
			break;
		if (b < sp[i].ue)
			return end ? sp[i].re : sp[i].rb;
		delta = (int64_t)sp[i].re - (int64_t)sp[i].ue;
	}
	return (size_t)((int64_t)b + delta);
}

/* Labels for every redacted name met in the documents, applied to a free
 * text (a claim, a source): the longest names first. */
static int redact_free_text(struct pack *p, const char *in, dft_buf *out)
{
	dft_buf cur;
	size_t i;
	int rc = 0;
	dft_buf_init(&cur, (size_t)1 << 24);
	if ((rc = dft_buf_adds(out, in)) < 0)
		goto done;
	for (i = 0; i < p->nlabels; i++) {
		const char *v = p->labels[i].value, *lab, *s, *hit;
		size_t vl = strlen(v);
		char labbuf[48];
		if (vl < 3)
			continue;
		lab = label_of(p, p->labels[i].entity, p->labels[i].type, v);
		snprintf(labbuf, sizeof(labbuf), "%s", lab);
		dft_buf_reset(&cur);
		s = dft_buf_cstr(out);
		while ((hit = strstr(s, v))) {
			if ((rc = dft_buf_add(&cur, s, (size_t)(hit - s))) < 0 || (rc = dft_buf_adds(&cur, labbuf)) < 0)
				goto done;
			s = hit + vl;
		}
		if ((rc = dft_buf_adds(&cur, s)) < 0)
			goto done;
		dft_buf_reset(out);
		if ((rc = dft_buf_add(out, cur.ptr ? cur.ptr : "", cur.len)) < 0)
			goto done;
	}
done:
	dft_buf_dispose(&cur);
	return rc;
}

/* ---- collecting the claims -------------------------------------------------------- */

static struct pdoc *doc_of(struct pack *p, const dft_citation *c)
{
	size_t i;
	struct pdoc *d;
	int has = 0;
	for (i = 0; i < p->ndocs; i++)
		if (p->docs[i].doc == c->doc && !strcmp(p->docs[i].text_sha, c->text_sha256))
			return &p->docs[i];
	d = dft_realloc(p->docs, (p->ndocs + 1) * sizeof(*d));
	if (!d)
		return NULL;
	p->docs = d;
	d = &p->docs[p->ndocs];
	memset(d, 0, sizeof(*d));
	d->doc = c->doc;
	snprintf(d->sha, sizeof(d->sha), "%s", c->doc_sha256);
	snprintf(d->text_sha, sizeof(d->text_sha), "%s", c->text_sha256);
	d->path = dft_strdup(c->path ? c->path : "");
	dft_buf_init(&d->text, (size_t)1 << 31);
	dft_buf_init(&d->redacted, (size_t)1 << 31);
	p->ndocs++;
	if (dft_store_doc_text(p->st, c->doc, &d->text, &has) < 0)
		return NULL;
	{
		char h[DFT_SHA256_HEX];
		dft_sha256_hex(h, dft_buf_cstr(&d->text), d->text.len);
		if (!has || strcmp(h, c->text_sha256) != 0) {
			dft_error_set(DFT_ECORRUPT,
				      "the text of document %lld changed since claim %lld cited it (run 'daftar claim verify')",
				      (long long)c->doc, (long long)c->claim);
			return NULL;
		}
	}
	if (p->o->redact && redact_doc(p, d) < 0)
		return NULL;
	return d;
}

static int on_pack_claim(void *ctx, const dft_claim *cl, const dft_citation *cites, size_t n)
{
	struct pack *p = ctx;
	size_t i;
	int rc = 0;
	int64_t *ids;
	for (i = 0; i < n; i++)
		if (!doc_of(p, &cites[i]))
			return dft_error_code() ? dft_error_code() : DFT_ENOMEM;
	if (!(ids = dft_realloc(p->claim_ids, (p->nclaims + 1) * sizeof(*ids))))
		return DFT_ENOMEM;
	p->claim_ids = ids;
	p->claim_ids[p->nclaims++] = cl->id;
	p->r->claims++;
	dft_json_obj_open(&p->cj);
	dft_json_key(&p->cj, "id");
	dft_json_int(&p->cj, cl->id);
	{
		dft_buf t;
		dft_buf_init(&t, (size_t)1 << 24);
		dft_json_key(&p->cj, "text");
		if (p->o->redact && (rc = redact_free_text(p, cl->text, &t)) == 0)
			dft_json_str(&p->cj, dft_buf_cstr(&t));
		else
			dft_json_str(&p->cj, cl->text);
		dft_json_key(&p->cj, "source");
		dft_buf_reset(&t);
		if (p->o->redact && cl->source && (rc = redact_free_text(p, cl->source, &t)) == 0)
			dft_json_str(&p->cj, dft_buf_cstr(&t));
		else
			dft_json_str(&p->cj, cl->source);
		dft_buf_dispose(&t);
		if (rc < 0)
			return rc;
	}
	dft_json_key(&p->cj, "status");
	dft_json_str(&p->cj, cl->status);
	dft_json_key(&p->cj, "user");
	dft_json_str(&p->cj, cl->user);
	dft_json_key(&p->cj, "created");
	dft_json_str(&p->cj, cl->created);
	dft_json_key(&p->cj, "updated");
	dft_json_str(&p->cj, cl->updated);
	if (!p->o->redact) {
		char h[DFT_SHA256_HEX];
		dft_sha256_hex(h, cl->text, strlen(cl->text));
		dft_json_key(&p->cj, "text_sha256");
		dft_json_str(&p->cj, h);
	}
	dft_json_key(&p->cj, "citations");
	dft_json_arr_open(&p->cj);
	for (i = 0; i < n; i++) {
		const dft_citation *c = &cites[i];
		struct pdoc *d = doc_of(p, c);
		char qh[DFT_SHA256_HEX], name[96], tname[128];
		size_t bs = (size_t)c->byte_start, be = (size_t)c->byte_end, cs, ce, k;
		int64_t ctx_chars = p->o->context >= 0 ? p->o->context : 300;
		const char *txt;
		size_t tlen;
		dft_buf passage;
		dft_claim_quote_sha(c, qh);
		p->r->citations++;
		snprintf(name, sizeof(name), "passages/claim-%lld-%lld.txt", (long long)cl->id, (long long)c->seq);
		snprintf(tname, sizeof(tname), "texts/%s%s.txt", d->text_sha, p->o->redact ? ".redacted" : "");
		if (p->o->redact) {
			size_t rb = map_pos(d->spans, d->nspans, bs, 0), re = map_pos(d->spans, d->nspans, be, 1);
			bs = rb;
			be = re;
			txt = d->redacted.ptr ? d->redacted.ptr : "";
			tlen = d->redacted.len;
		} else {
			txt = d->text.ptr ? d->text.ptr : "";
			tlen = d->text.len;
		}
		/* context: ctx_chars code points either side, within the page */
		for (cs = bs, k = 0; cs > 0 && txt[cs - 1] != '\f' && (int64_t)k < ctx_chars; k++) {
			cs--;
			while (cs > 0 && (txt[cs] & 0xC0) == 0x80)
				cs--;
		}
		for (ce = be, k = 0; ce < tlen && txt[ce] != '\f' && (int64_t)k < ctx_chars; k++) {
			ce++;
			while (ce < tlen && (txt[ce] & 0xC0) == 0x80)
				ce++;
		}
		dft_buf_init(&passage, (size_t)1 << 24);
		dft_buf_addf(&passage, "%sdocument %lld (%s), page %lld, characters %lld-%lld\noriginal %s\ntext %s\n\n",
			     p->o->redact ? "(redacted)\n" : "", (long long)c->doc, d->path, (long long)c->page,
			     (long long)c->start, (long long)c->end, c->doc_sha256, c->text_sha256);
		dft_buf_add(&passage, txt + cs, bs - cs);
		dft_buf_adds(&passage, "⟦");
		dft_buf_add(&passage, txt + bs, be - bs);
		dft_buf_adds(&passage, "⟧");
		rc = dft_buf_add(&passage, txt + be, ce - be);
		if (rc == 0)
			rc = add_file(p, name, dft_buf_cstr(&passage), passage.len);
		dft_buf_dispose(&passage);
		if (rc < 0)
			return rc;
		dft_json_obj_open(&p->cj);
		dft_json_key(&p->cj, "seq");
		dft_json_int(&p->cj, c->seq);
		dft_json_key(&p->cj, "doc");
		dft_json_int(&p->cj, c->doc);
		dft_json_key(&p->cj, "path");
		dft_json_str(&p->cj, c->path);
		dft_json_key(&p->cj, "page");
		dft_json_int(&p->cj, c->page);
		dft_json_key(&p->cj, "start");
		dft_json_int(&p->cj, c->start);
		dft_json_key(&p->cj, "end");
		dft_json_int(&p->cj, c->end);
		dft_json_key(&p->cj, "quote");
		dft_json_strn(&p->cj, txt + bs, be - bs);
		dft_json_key(&p->cj, "passage");
		dft_json_str(&p->cj, name);
		dft_json_obj_close(&p->cj);
		/* the manifest's record of the citation: the unredacted hashes */
		dft_json_obj_open(&p->mj);
		dft_json_key(&p->mj, "claim");
		dft_json_int(&p->mj, cl->id);
		dft_json_key(&p->mj, "seq");
		dft_json_int(&p->mj, c->seq);
		dft_json_key(&p->mj, "doc");
		dft_json_int(&p->mj, c->doc);
		dft_json_key(&p->mj, "doc_sha256");
		dft_json_str(&p->mj, c->doc_sha256);
		dft_json_key(&p->mj, "text_sha256");
		dft_json_str(&p->mj, c->text_sha256);
		dft_json_key(&p->mj, "page");
		dft_json_int(&p->mj, c->page);
		dft_json_key(&p->mj, "start");
		dft_json_int(&p->mj, c->start);
		dft_json_key(&p->mj, "end");
		dft_json_int(&p->mj, c->end);
		dft_json_key(&p->mj, "byte_start");
		dft_json_int(&p->mj, c->byte_start);
		dft_json_key(&p->mj, "byte_end");
		dft_json_int(&p->mj, c->byte_end);
		dft_json_key(&p->mj, "quote_sha256");
		dft_json_str(&p->mj, qh);
		dft_json_key(&p->mj, "text");
		dft_json_str(&p->mj, tname);
		if (p->o->redact) {
			dft_json_key(&p->mj, "redacted_byte_start");
			dft_json_int(&p->mj, (int64_t)bs);
			dft_json_key(&p->mj, "redacted_byte_end");
			dft_json_int(&p->mj, (int64_t)be);
		}
		dft_json_obj_close(&p->mj);
	}
	dft_json_arr_close(&p->cj);
	dft_json_obj_close(&p->cj);
	return 0;
}

/* ---- the custody segment ------------------------------------------------------------- */

struct log_lines {
	dft_buf all;
	size_t *off; /* start of line n (1-based) at off[n-1] */
	size_t n, cap;
	int64_t problems;
};

static int on_log_entry(void *ctx, int64_t n, const char *line, size_t len)
{
	struct log_lines *l = ctx;
	int rc;
	if (l->n == l->cap) {
		size_t *nv = dft_realloc(l->off, (l->cap ? l->cap * 2 : 1024) * sizeof(*nv));
		if (!nv)
			return DFT_ENOMEM;
		l->off = nv;
		l->cap = l->cap ? l->cap * 2 : 1024;
	}
	l->off[l->n++] = l->all.len;
	if ((rc = dft_buf_add(&l->all, line, len)) < 0 || (rc = dft_buf_addc(&l->all, '\n')) < 0)
		return rc;
	return 0;
}

static int on_log_problem(void *ctx, const char *kind, const char *sha256, const char *detail)
{
	struct log_lines *l = ctx;
	l->problems++;
	dft_warn("custody.log: %s", detail);
	return 0;
}

static int field_is(const char *line, size_t len, const char *key, const char *want)
{
	size_t vl;
	const char *v = dft_custody_field(line, len, key, &vl);
	return v && vl == strlen(want) && !memcmp(v, want, vl);
}

static int is_claim_event(const char *line, size_t len)
{
	return field_is(line, len, "event", "claim") || field_is(line, len, "event", "claim_status");
}

/* libarchive's writer into a stream sealed to a recipient (--to) */
static la_ssize_t sealed_write(struct archive *a, void *ctx, const void *buf, size_t n)
{
	if (dft_crypt_push(ctx, buf, n) < 0) {
		archive_set_error(a, EIO, "%s", dft_error_msg());
		return -1;
	}
	return (la_ssize_t)n;
}

int dft_pack_write(dft_store *st, const char *path, const dft_pack_opts *o, dft_pack_result *r)
{
	dft_crypt_stream *sealed = NULL;
	int sealed_fd = -1;
	struct pack p;
	struct log_lines log;
	dft_buf logpath, tmp, man, seg;
	dft_json m;
	int64_t entries, offset, first = 0, last = 0;
	char head[DFT_SHA256_HEX], at[32];
	size_t i, k;
	int rc = 0, opened = 0;
	memset(&p, 0, sizeof(p));
	memset(r, 0, sizeof(*r));
	memset(&log, 0, sizeof(log));
	p.st = st;
	p.o = o;
	p.r = r;
	dft_buf_init(&p.manifest_files, (size_t)1 << 28);
	dft_json_init(&p.files, &p.manifest_files);
	dft_json_arr_open(&p.files);
	dft_buf_init(&p.claims_json, (size_t)1 << 30);
	dft_json_init(&p.cj, &p.claims_json);
	dft_buf_init(&p.cites_json, (size_t)1 << 28);
	dft_json_init(&p.mj, &p.cites_json);
	dft_json_arr_open(&p.mj);
	dft_buf_init(&log.all, (size_t)1 << 31);
	dft_buf_init(&logpath, 8192);
	dft_buf_init(&tmp, 8192);
	dft_buf_init(&man, (size_t)1 << 30);
	dft_buf_init(&seg, (size_t)1 << 31);

	/* the custody log, checked, kept in memory */
	if ((rc = dft_store_custody_head(st, &entries, head, &offset)) < 0)
		goto done;
	{
		dft_custody_check chk = {&log, on_log_entry, on_log_problem};
		int64_t checked;
		if ((rc = dft_store_custody_check(st, &chk, &checked)) < 0)
			goto done;
		if (log.problems) {
			rc = dft_error_set(DFT_ECORRUPT, "the case's custody log has problems; run 'daftar verify'");
			goto done;
		}
	}

	if ((rc = dft_buf_addf(&tmp, "%s.tmp", path)) < 0)
		goto done;
	if (!(p.a = archive_write_new())) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if (o->to) {
		/* sealed to a recipient as it is written: no plain copy on disk */
		if ((sealed_fd = open(dft_buf_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0) {
			rc = dft_error_set(DFT_EIO, "cannot write %s: %s", dft_buf_cstr(&tmp), strerror(errno));
			goto done;
		}
		if ((rc = dft_crypt_push_open_to(&sealed, o->to, sealed_fd, path)) < 0)
			goto done;
		archive_write_set_bytes_in_last_block(p.a, 1);
		if (archive_write_set_format_zip(p.a) != ARCHIVE_OK ||
		    archive_write_open(p.a, sealed, NULL, sealed_write, NULL) != ARCHIVE_OK) {
			rc = dft_error_set(DFT_EIO, "cannot write %s: %s", path, archive_error_string(p.a));
			goto done;
		}
	} else if (archive_write_set_format_zip(p.a) != ARCHIVE_OK ||
		   archive_write_open_filename(p.a, dft_buf_cstr(&tmp)) != ARCHIVE_OK) {
		rc = dft_error_set(DFT_EIO, "cannot write %s: %s", path, archive_error_string(p.a));
		goto done;
	}
	opened = 1;

	dft_json_obj_open(&p.cj);
	dft_json_key(&p.cj, "claims");
	dft_json_arr_open(&p.cj);
	if ((rc = dft_claims_each(st, 0, on_pack_claim, &p)) < 0)
		goto done;
	dft_json_arr_close(&p.cj);
	dft_json_obj_close(&p.cj);
	if (!p.nclaims) {
		rc = dft_error_set(DFT_EINVAL, "the case has no claims to pack");
		goto done;
	}
	if ((rc = dft_json_finish(&p.cj)) < 0 || (rc = add_file(&p, "claims.json", p.claims_json.ptr, p.claims_json.len)) < 0)
		goto done;

	/* the entries the claims rest on, and the segment that chains them */
	for (i = 0; i < log.n; i++) {
		const char *line = log.all.ptr + log.off[i];
		size_t len = (i + 1 < log.n ? log.off[i + 1] : log.all.len) - log.off[i] - 1;
		int64_t n = (int64_t)i + 1, rel = 0;
		if (is_claim_event(line, len)) {
			int64_t cid = dft_custody_field_int(line, len, "claim");
			for (k = 0; k < p.nclaims; k++)
				if (p.claim_ids[k] == cid)
					rel = 1;
		} else if (field_is(line, len, "event", "received") || field_is(line, len, "event", "derived")) {
			for (k = 0; k < p.ndocs; k++)
				if (!p.docs[k].received_n && field_is(line, len, "sha256", p.docs[k].sha))
					p.docs[k].received_n = rel = n;
		} else if (field_is(line, len, "event", "extracted")) {
			for (k = 0; k < p.ndocs; k++)
				if (dft_custody_field_int(line, len, "doc") == p.docs[k].doc &&
				    field_is(line, len, "text_sha256", p.docs[k].text_sha))
					p.docs[k].extracted_n = rel = n;
		}
		if (rel) {
			if (!first)
				first = n;
			last = n;
		}
	}
	if (first) {
		size_t from = log.off[first - 1], to = (size_t)last < log.n ? log.off[last] : log.all.len;
		if ((rc = dft_buf_add(&seg, log.all.ptr + from, to - from)) < 0 ||
		    (rc = add_file(&p, "custody.jsonl", seg.ptr, seg.len)) < 0)
			goto done;
		r->custody_entries = last - first + 1;
	}

	/* originals and texts */
	for (k = 0; k < p.ndocs; k++) {
		struct pdoc *d = &p.docs[k];
		char tname[128];
		r->documents++;
		if (!o->redact && (rc = add_original(&p, d)) < 0)
			goto done;
		snprintf(tname, sizeof(tname), "texts/%s%s.txt", d->text_sha, o->redact ? ".redacted" : "");
		if (o->redact)
			rc = add_file(&p, tname, d->redacted.ptr ? d->redacted.ptr : "", d->redacted.len);
		else
			rc = add_file(&p, tname, d->text.ptr ? d->text.ptr : "", d->text.len);
		if (rc < 0)
			goto done;
	}

	/* the manifest */
	dft_json_arr_close(&p.files);
	dft_json_arr_close(&p.mj);
	if ((rc = dft_json_finish(&p.files)) < 0 || (rc = dft_json_finish(&p.mj)) < 0)
		goto done;
	dft_utc_iso(at);
	dft_json_init(&m, &man);
	dft_json_obj_open(&m);
	dft_json_key(&m, "format");
	dft_json_str(&m, PACK_FORMAT);
	dft_json_key(&m, "version");
	dft_json_int(&m, 1);
	dft_json_key(&m, "created");
	dft_json_str(&m, at);
	dft_json_key(&m, "case_custody_head");
	dft_json_obj_open(&m);
	dft_json_key(&m, "entries");
	dft_json_int(&m, entries);
	dft_json_key(&m, "hash");
	dft_json_str(&m, head);
	dft_json_obj_close(&m);
	dft_json_key(&m, "documents");
	dft_json_arr_open(&m);
	for (k = 0; k < p.ndocs; k++) {
		struct pdoc *d = &p.docs[k];
		char name[128];
		dft_json_obj_open(&m);
		dft_json_key(&m, "doc");
		dft_json_int(&m, d->doc);
		dft_json_key(&m, "path");
		dft_json_str(&m, d->path);
		dft_json_key(&m, "sha256");
		dft_json_str(&m, d->sha);
		dft_json_key(&m, "text_sha256");
		dft_json_str(&m, d->text_sha);
		dft_json_key(&m, "original");
		snprintf(name, sizeof(name), "originals/%s", d->sha);
		dft_json_str(&m, o->redact ? NULL : name);
		dft_json_key(&m, "text");
		snprintf(name, sizeof(name), "texts/%s%s.txt", d->text_sha, o->redact ? ".redacted" : "");
		dft_json_str(&m, name);
		dft_json_key(&m, "received_entry");
		dft_json_int(&m, d->received_n);
		dft_json_key(&m, "extracted_entry");
		dft_json_int(&m, d->extracted_n);
		if (o->redact) {
			dft_json_key(&m, "redactions");
			dft_json_arr_open(&m);
			for (i = 0; i < d->nspans; i++) {
				dft_json_arr_open(&m);
				dft_json_int(&m, (int64_t)d->spans[i].ub);
				dft_json_int(&m, (int64_t)d->spans[i].ue);
				dft_json_int(&m, (int64_t)d->spans[i].rb);
				dft_json_int(&m, (int64_t)d->spans[i].re);
				dft_json_str(&m, d->spans[i].label);
				dft_json_arr_close(&m);
			}
			dft_json_arr_close(&m);
		}
		dft_json_obj_close(&m);
	}
	dft_json_arr_close(&m);
	dft_json_key(&m, "citations");
	if ((rc = dft_buf_add(&man, p.cites_json.ptr, p.cites_json.len)) < 0)
		goto done;
	m.after_key = 0; /* the raw array was the key's value */
	dft_json_key(&m, "custody");
	dft_json_obj_open(&m);
	dft_json_key(&m, "file");
	dft_json_str(&m, first ? "custody.jsonl" : NULL);
	dft_json_key(&m, "first");
	dft_json_int(&m, first);
	dft_json_key(&m, "last");
	dft_json_int(&m, last);
	dft_json_key(&m, "rests_on");
	dft_json_arr_open(&m);
	for (k = 0; k < p.ndocs; k++) {
		if (p.docs[k].received_n)
			dft_json_int(&m, p.docs[k].received_n);
		if (p.docs[k].extracted_n)
			dft_json_int(&m, p.docs[k].extracted_n);
	}
	for (i = 0; first && i < (size_t)(last - first + 1); i++) {
		size_t li = (size_t)first - 1 + i;
		const char *line = log.all.ptr + log.off[li];
		size_t len = (li + 1 < log.n ? log.off[li + 1] : log.all.len) - log.off[li] - 1;
		if (is_claim_event(line, len)) {
			int64_t cid = dft_custody_field_int(line, len, "claim");
			for (k = 0; k < p.nclaims; k++)
				if (p.claim_ids[k] == cid)
					dft_json_int(&m, (int64_t)li + 1);
		}
	}
	dft_json_arr_close(&m);
	dft_json_obj_close(&m);
	dft_json_key(&m, "redaction");
	if (o->redact) {
		dft_json_obj_open(&m);
		dft_json_key(&m, "types");
		dft_json_arr_open(&m);
		if (o->redact & DFT_REDACT_PERSON)
			dft_json_str(&m, "person");
		if (o->redact & DFT_REDACT_ORG)
			dft_json_str(&m, "organization");
		if (o->redact & DFT_REDACT_PLACE)
			dft_json_str(&m, "place");
		dft_json_arr_close(&m);
		dft_json_key(&m, "labels");
		dft_json_int(&m, (int64_t)p.nlabels);
		dft_json_key(&m, "note");
		dft_json_str(&m, "names in texts, passages, claims and sources are replaced by labels; originals and "
				 "unredacted texts are not in this pack. Quotations are checked at their mapped place "
				 "in the redacted texts; their unredacted SHA-256 (quote_sha256, text_sha256, "
				 "doc_sha256) are those of the chained custody entry of the claim, checkable against "
				 "the originals by whoever holds them. custody.jsonl is not redacted.");
		dft_json_obj_close(&m);
	} else {
		dft_json_null(&m);
	}
	dft_json_key(&m, "files");
	if ((rc = dft_buf_add(&man, p.manifest_files.ptr, p.manifest_files.len)) < 0)
		goto done;
	m.after_key = 0; /* the raw array was the key's value */
	dft_json_obj_close(&m);
	if ((rc = dft_json_finish(&m)) < 0 || (rc = add_file(&p, "manifest.json", man.ptr, man.len)) < 0)
		goto done;
	if (archive_write_close(p.a) != ARCHIVE_OK) {
		rc = dft_error_set(DFT_EIO, "cannot write %s: %s", path, archive_error_string(p.a));
		goto done;
	}
	if (sealed) {
		if ((rc = dft_crypt_push_end(sealed)) < 0)
			goto done;
		if (fsync(sealed_fd) < 0 || close(sealed_fd) < 0) {
			sealed_fd = -1;
			rc = dft_error_set(DFT_EIO, "cannot write %s: %s", path, strerror(errno));
			goto done;
		}
		sealed_fd = -1;
	}
	if (rename(dft_buf_cstr(&tmp), path) < 0)
		rc = dft_error_set(DFT_EIO, "cannot write %s: %s", path, strerror(errno));
done:
	if (p.a) {
		if (rc < 0 && opened)
			archive_write_close(p.a);
		archive_write_free(p.a);
	}
	dft_crypt_stream_free(sealed);
	if (sealed_fd >= 0)
		close(sealed_fd);
	if (rc < 0 && tmp.len)
		unlink(dft_buf_cstr(&tmp));
	for (k = 0; k < p.ndocs; k++) {
		free(p.docs[k].path);
		dft_buf_dispose(&p.docs[k].text);
		dft_buf_dispose(&p.docs[k].redacted);
		free(p.docs[k].spans);
	}
	free(p.docs);
	for (k = 0; k < p.nlabels; k++)
		free(p.labels[k].value);
	free(p.labels);
	free(p.claim_ids);
	free(log.off);
	dft_buf_dispose(&log.all);
	dft_buf_dispose(&p.manifest_files);
	dft_buf_dispose(&p.claims_json);
	dft_buf_dispose(&p.cites_json);
	dft_buf_dispose(&logpath);
	dft_buf_dispose(&tmp);
	dft_buf_dispose(&man);
	dft_buf_dispose(&seg);
	return rc;
}

/* ---- verify-pack ------------------------------------------------------------------------ */

struct vfile {
	char *name;
	dft_buf data;
	int listed;
};

struct vpack {
	struct vfile *f;
	size_t n;
	int (*problem)(void *ctx, const char *kind, const char *where, const char *detail);
	void *ctx;
	dft_pack_check *out;
};

static int vproblem(struct vpack *v, const char *kind, const char *where, const char *fmt, ...) DFT_PRINTF(4, 5);
static int vproblem(struct vpack *v, const char *kind, const char *where, const char *fmt, ...)
{
	char detail[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	v->out->problems++;
	return v->problem(v->ctx, kind, where, detail);
}

static struct vfile *vfind(struct vpack *v, const char *name)
{
	size_t i;
	if (!name)
		return NULL;
	for (i = 0; i < v->n; i++)
		if (!strcmp(v->f[i].name, name))
			return &v->f[i];
	return NULL;
}

/* A pack sealed to a recipient, opened with its secret key into memory
 * (a memfd: never a plain copy on disk); its fd at offset 0. */
static int open_sealed(const char *path, const char *secret_key, int fd, int *out)
{
	dft_crypt_stream *s = NULL;
	char *buf = NULL;
	size_t n;
	int rc, mfd = -1;
	*out = -1;
	if (!secret_key)
		return dft_error_set(DFT_EINVAL, "%s is sealed to a recipient: its secret key opens it (--secret-key FILE)",
				     path);
	if ((rc = dft_crypt_pull_open_sealed(&s, secret_key, fd, path)) < 0)
		return rc;
	if (!(buf = dft_malloc(DFT_CRYPT_CHUNK))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if ((mfd = memfd_create("daftar-pack", MFD_CLOEXEC)) < 0) {
		rc = dft_error_set(DFT_EIO, "memfd_create: %s", strerror(errno));
		goto done;
	}
	while ((rc = dft_crypt_pull(s, buf, DFT_CRYPT_CHUNK, &n)) == 0 && n > 0)
		if (write(mfd, buf, n) != (ssize_t)n) {
			rc = dft_error_set(DFT_EIO, "cannot hold %s in memory: %s", path, strerror(errno));
			break;
		}
	if (rc == 0 && lseek(mfd, 0, SEEK_SET) == 0) {
		*out = mfd;
		mfd = -1;
	} else if (rc == 0) {
		rc = dft_error_set(DFT_EIO, "lseek: %s", strerror(errno));
	}
done:
	if (mfd >= 0)
		close(mfd);
	free(buf);
	dft_crypt_stream_free(s);
	return rc;
}

static int read_pack(struct vpack *v, const char *path, const char *secret_key)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int rc = 0, r, fd = -1, plain = -1;
	if (!a)
		return DFT_ENOMEM;
	archive_read_support_format_zip(a);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		rc = dft_error_set(DFT_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (dft_crypt_is_sealed(fd)) {
		if ((rc = open_sealed(path, secret_key, fd, &plain)) < 0)
			goto done;
		if (archive_read_open_fd(a, plain, 1 << 16) != ARCHIVE_OK) {
			rc = dft_error_set(DFT_EIO, "%s: %s", path, archive_error_string(a));
			goto done;
		}
	} else if (archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		rc = dft_error_set(DFT_EIO, "%s: %s", path, archive_error_string(a));
		goto done;
	}
	while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
		struct vfile *f;
		const char *name = archive_entry_pathname(e);
		char buf[1 << 16];
		la_ssize_t n;
		if (!name || archive_entry_filetype(e) != AE_IFREG)
			continue;
		if (v->n >= 1000000) {
			rc = dft_error_set(DFT_ELIMIT, "%s: too many files for a pack", path);
			goto done;
		}
		if (vfind(v, name) && (rc = vproblem(v, "pack", name, "the file is in the pack twice")) < 0)
			goto done;
		f = dft_realloc(v->f, (v->n + 1) * sizeof(*f));
		if (!f) {
			rc = DFT_ENOMEM;
			goto done;
		}
		v->f = f;
		f = &v->f[v->n++];
		memset(f, 0, sizeof(*f));
		dft_buf_init(&f->data, MAX_ENTRY_BYTES);
		if (!(f->name = dft_strdup(name))) {
			rc = DFT_ENOMEM;
			goto done;
		}
		while ((n = archive_read_data(a, buf, sizeof(buf))) > 0)
			if ((rc = dft_buf_add(&f->data, buf, (size_t)n)) < 0)
				goto done;
		if (n < 0) {
			rc = dft_error_set(DFT_ECORRUPT, "%s: %s: %s", path, name, archive_error_string(a));
			goto done;
		}
	}
	if (r != ARCHIVE_EOF)
		rc = dft_error_set(DFT_ECORRUPT, "%s: not a readable zip: %s", path, archive_error_string(a));
done:
	archive_read_free(a);
	if (plain >= 0)
		close(plain);
	if (fd >= 0)
		close(fd);
	return rc;
}

static json_object *jget(json_object *o, const char *key)
{
	json_object *v = NULL;
	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static const char *jstr(json_object *o, const char *key)
{
	json_object *v = jget(o, key);
	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static int64_t jint(json_object *o, const char *key)
{
	json_object *v = jget(o, key);
	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
}

static json_object *parse_json(struct vpack *v, const char *name)
{
	struct vfile *f = vfind(v, name);
	json_tokener *tok;
	json_object *o;
	if (!f)
		return NULL;
	if (!(tok = json_tokener_new_ex(64)))
		return NULL;
	o = json_tokener_parse_ex(tok, f->data.ptr ? f->data.ptr : "", (int)f->data.len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

static const char *line_at(const dft_buf *b, const size_t *off, size_t n, size_t i, size_t *len)
{
	*len = (i + 1 < n ? off[i + 1] : b->len) - off[i] - 1;
	return b->ptr + off[i];
}

static int check_custody(struct vpack *v, json_object *man, json_object *claims)
{
	json_object *cus = jget(man, "custody"), *rests = jget(cus, "rests_on"), *cites = jget(man, "citations");
	struct vfile *f = vfind(v, jstr(cus, "file"));
	size_t *off = NULL, n = 0, i, k;
	int64_t first = jint(cus, "first");
	char h[DFT_SHA256_HEX], prev[DFT_SHA256_HEX];
	int rc = 0;
	if (!f)
		return vproblem(v, "custody", "custody.jsonl", "the pack has no custody segment");
	/* split into lines */
	for (i = 0; i < f->data.len; i++)
		if (i == 0 || f->data.ptr[i - 1] == '\n') {
			size_t *nv = dft_realloc(off, (n + 1) * sizeof(*nv));
			if (!nv) {
				free(off);
				return DFT_ENOMEM;
			}
			off = nv;
			off[n++] = i;
		}
	if (!f->data.len || f->data.ptr[f->data.len - 1] != '\n') {
		rc = vproblem(v, "custody", "custody.jsonl", "the segment does not end with a complete line");
		goto done;
	}
	for (i = 0; i < n; i++) {
		size_t len;
		const char *line = line_at(&f->data, off, n, i, &len);
		size_t pl;
		const char *pv = dft_custody_field(line, len, "prev", &pl);
		char where[64];
		v->out->custody_entries++;
		snprintf(where, sizeof(where), "custody entry %lld", (long long)(first + (int64_t)i));
		if (dft_custody_field_int(line, len, "n") != first + (int64_t)i) {
			if ((rc = vproblem(v, "custody", where, "the entry is numbered %lld: entries are missing, added or moved",
					   (long long)dft_custody_field_int(line, len, "n"))) < 0)
				goto done;
		} else if (i > 0 && (!pv || pl != 64 || memcmp(pv, prev, 64) != 0)) {
			if ((rc = vproblem(v, "custody", where,
					   "chain broken: the entry does not carry the SHA-256 of the entry before it "
					   "(an entry was edited, removed or moved)")) < 0)
				goto done;
		}
		dft_sha256_hex(prev, line, len);
	}
	/* the entries the claims rest on are in the segment */
	for (k = 0; rests && k < json_object_array_length(rests); k++) {
		int64_t e = json_object_get_int64(json_object_array_get_idx(rests, k));
		if (e < first || e >= first + (int64_t)n) {
			char where[64];
			snprintf(where, sizeof(where), "custody entry %lld", (long long)e);
			if ((rc = vproblem(v, "custody", where, "the manifest rests on it but it is not in the segment")) < 0)
				goto done;
		}
	}
	/* every citation is as its claim's chained entry recorded it */
	for (k = 0; cites && k < json_object_array_length(cites); k++) {
		json_object *c = json_object_array_get_idx(cites, k);
		int64_t claim = jint(c, "claim"), seq = jint(c, "seq");
		int found = 0;
		char where[64];
		snprintf(where, sizeof(where), "claim %lld, citation %lld", (long long)claim, (long long)seq);
		for (i = 0; i < n && !found; i++) {
			size_t len;
			const char *line = line_at(&f->data, off, n, i, &len);
			json_object *e, *ec;
			size_t m;
			if (!field_is(line, len, "event", "claim") || dft_custody_field_int(line, len, "claim") != claim)
				continue;
			found = 1;
			if (!(e = json_tokener_parse(line)) || !(ec = jget(e, "citations"))) {
				json_object_put(e);
				rc = vproblem(v, "custody", where, "the claim's custody entry cannot be read");
				break;
			}
			for (m = 0; m < json_object_array_length(ec); m++) {
				json_object *x = json_object_array_get_idx(ec, m);
				static const char *const keys[] = {"doc_sha256", "text_sha256", "quote_sha256"};
				static const char *const ikeys[] = {"doc", "page", "start", "end", "byte_start", "byte_end"};
				size_t q;
				int same = 1;
				if (jint(x, "seq") != seq)
					continue;
				for (q = 0; q < 3; q++)
					if (!jstr(x, keys[q]) || !jstr(c, keys[q]) || strcmp(jstr(x, keys[q]), jstr(c, keys[q])))
						same = 0;
				for (q = 0; q < 6; q++)
					if (jint(x, ikeys[q]) != jint(c, ikeys[q]))
						same = 0;
				found = same ? 2 : 1;
			}
			json_object_put(e);
		}
		if (rc < 0)
			goto done;
		if (found != 2 &&
		    (rc = vproblem(v, "claim", where,
				   found ? "the citation differs from the one its claim's custody entry recorded"
					 : "no custody entry records this claim")) < 0)
			goto done;
	}
	/* claim texts (unredacted packs) hash to the recorded claim_sha256 */
	{
		json_object *arr = jget(claims, "claims");
		for (k = 0; arr && k < json_object_array_length(arr); k++) {
			json_object *c = json_object_array_get_idx(arr, k);
			const char *t = jstr(c, "text");
			char where[32];
			int ok = 0;
			if (!jstr(c, "text_sha256"))
				continue; /* redacted */
			snprintf(where, sizeof(where), "claim %lld", (long long)jint(c, "id"));
			dft_sha256_hex(h, t ? t : "", t ? strlen(t) : 0);
			for (i = 0; i < n; i++) {
				size_t len, vl;
				const char *line = line_at(&f->data, off, n, i, &len), *cs;
				if (!field_is(line, len, "event", "claim") || dft_custody_field_int(line, len, "claim") != jint(c, "id"))
					continue;
				cs = dft_custody_field(line, len, "claim_sha256", &vl);
				ok = cs && vl == 64 && !memcmp(cs, h, 64);
			}
			if (!ok && (rc = vproblem(v, "claim", where,
						  "the claim's text is not the one its custody entry recorded")) < 0)
				goto done;
		}
	}
done:
	free(off);
	return rc;
}

/* Is byte range [bs, be) of the text file of a citation the quote? */
static int check_quotes(struct vpack *v, json_object *man, json_object *claims, int redacted)
{
	json_object *cites = jget(man, "citations"), *arr = jget(claims, "claims");
	size_t k, i, m;
	int rc = 0;
	for (k = 0; cites && k < json_object_array_length(cites); k++) {
		json_object *c = json_object_array_get_idx(cites, k), *cc = NULL;
		int64_t claim = jint(c, "claim"), seq = jint(c, "seq");
		struct vfile *t = vfind(v, jstr(c, "text"));
		const char *quote = NULL;
		char where[64], h[DFT_SHA256_HEX];
		size_t bs, be, ql;
		snprintf(where, sizeof(where), "claim %lld, citation %lld", (long long)claim, (long long)seq);
		v->out->citations++;
		for (i = 0; arr && i < json_object_array_length(arr) && !cc; i++) {
			json_object *cl = json_object_array_get_idx(arr, i), *cs = jget(cl, "citations");
			if (jint(cl, "id") != claim)
				continue;
			for (m = 0; cs && m < json_object_array_length(cs); m++)
				if (jint(json_object_array_get_idx(cs, m), "seq") == seq)
					cc = json_object_array_get_idx(cs, m);
		}
		if (!cc || !(quote = jstr(cc, "quote"))) {
			if ((rc = vproblem(v, "quote", where, "claims.json has no such citation")) < 0)
				return rc;
			continue;
		}
		if (!t) {
			if ((rc = vproblem(v, "quote", where, "the cited text %s is not in the pack",
					   jstr(c, "text") ? jstr(c, "text") : "?")) < 0)
				return rc;
			continue;
		}
		ql = strlen(quote);
		if (redacted) {
			bs = (size_t)jint(c, "redacted_byte_start");
			be = (size_t)jint(c, "redacted_byte_end");
		} else {
			size_t b2, e2;
			bs = (size_t)jint(c, "byte_start");
			be = (size_t)jint(c, "byte_end");
			/* the place given as page + characters must be the same bytes */
			if (dft_cite_locate(dft_buf_cstr(&t->data), t->data.len, jint(c, "page"), jint(c, "start"),
					    jint(c, "end"), &b2, &e2) < 0 || b2 != bs || e2 != be) {
				if ((rc = vproblem(v, "quote", where,
						   "page %lld, characters %lld-%lld are not where the citation says",
						   (long long)jint(c, "page"), (long long)jint(c, "start"),
						   (long long)jint(c, "end"))) < 0)
					return rc;
				continue;
			}
			dft_sha256_hex(h, quote, ql);
			if (!jstr(c, "quote_sha256") || strcmp(h, jstr(c, "quote_sha256")) != 0) {
				if ((rc = vproblem(v, "quote", where,
						   "the quotation in claims.json is not the one recorded (quote_sha256)")) < 0)
					return rc;
				continue;
			}
		}
		if (be < bs || be > t->data.len || be - bs != ql || memcmp(t->data.ptr + bs, quote, ql) != 0) {
			if ((rc = vproblem(v, "quote", where, "the quotation is not at its place in %s", t->name)) < 0)
				return rc;
		}
	}
	return 0;
}

int dft_pack_verify(const char *path, const char *secret_key,
		    int (*problem)(void *ctx, const char *kind, const char *where, const char *detail), void *ctx,
		    dft_pack_check *out)
{
	struct vpack v;
	json_object *man = NULL, *claims = NULL, *files, *docs;
	size_t i;
	int rc;
	memset(&v, 0, sizeof(v));
	memset(out, 0, sizeof(*out));
	v.problem = problem;
	v.ctx = ctx;
	v.out = out;
	if ((rc = read_pack(&v, path, secret_key)) < 0)
		goto done;
	if (!(man = parse_json(&v, "manifest.json")) || !jstr(man, "format") || strcmp(jstr(man, "format"), PACK_FORMAT)) {
		rc = vproblem(&v, "pack", "manifest.json", "no readable manifest: not an evidence pack, or it was altered");
		goto done;
	}
	out->redacted = jget(man, "redaction") && json_object_is_type(jget(man, "redaction"), json_type_object);
	/* 1. every file as listed */
	files = jget(man, "files");
	for (i = 0; files && i < json_object_array_length(files); i++) {
		json_object *f = json_object_array_get_idx(files, i);
		const char *name = jstr(f, "path"), *want = jstr(f, "sha256");
		struct vfile *vf = vfind(&v, name);
		char h[DFT_SHA256_HEX];
		if (!vf) {
			if ((rc = vproblem(&v, "file", name, "listed in the manifest but missing from the pack")) < 0)
				goto done;
			continue;
		}
		vf->listed = 1;
		out->files++;
		dft_sha256_hex(h, dft_buf_cstr(&vf->data), vf->data.len);
		if (!want || strcmp(h, want) != 0) {
			if ((rc = vproblem(&v, "file", name, "hashes to %.16s…, the manifest says %.16s…", h,
					   want ? want : "(nothing)")) < 0)
				goto done;
		}
	}
	for (i = 0; i < v.n; i++)
		if (!v.f[i].listed && strcmp(v.f[i].name, "manifest.json") &&
		    (rc = vproblem(&v, "file", v.f[i].name, "in the pack but not in the manifest")) < 0)
			goto done;
	/* 2. originals and texts are what their names and the manifest say */
	docs = jget(man, "documents");
	for (i = 0; docs && i < json_object_array_length(docs); i++) {
		json_object *d = json_object_array_get_idx(docs, i);
		struct vfile *o = vfind(&v, jstr(d, "original")), *t = vfind(&v, jstr(d, "text"));
		char h[DFT_SHA256_HEX], where[48];
		snprintf(where, sizeof(where), "document %lld", (long long)jint(d, "doc"));
		if (o) {
			dft_sha256_hex(h, dft_buf_cstr(&o->data), o->data.len);
			if (!jstr(d, "sha256") || strcmp(h, jstr(d, "sha256")) != 0 ||
			    strcmp(o->name + strlen("originals/"), h) != 0)
				if ((rc = vproblem(&v, "file", o->name, "the original does not hash to its recorded SHA-256")) < 0)
					goto done;
		} else if (!out->redacted) {
			if ((rc = vproblem(&v, "file", where, "its original is not in the pack")) < 0)
				goto done;
		}
		if (t && !out->redacted) {
			dft_sha256_hex(h, dft_buf_cstr(&t->data), t->data.len);
			if (!jstr(d, "text_sha256") || strcmp(h, jstr(d, "text_sha256")) != 0)
				if ((rc = vproblem(&v, "file", t->name, "the text does not hash to its recorded SHA-256")) < 0)
					goto done;
		}
	}
	/* 3. quotations, 4. custody */
	if (!(claims = parse_json(&v, "claims.json"))) {
		rc = vproblem(&v, "pack", "claims.json", "missing or not JSON");
		goto done;
	}
	if ((rc = check_quotes(&v, man, claims, out->redacted)) < 0)
		goto done;
	rc = check_custody(&v, man, claims);
done:
	json_object_put(man);
	json_object_put(claims);
	for (i = 0; i < v.n; i++) {
		free(v.f[i].name);
		dft_buf_dispose(&v.f[i].data);
	}
	free(v.f);
	return rc < 0 ? rc : 0;
}
