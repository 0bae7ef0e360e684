/*
 * findings_cmd.c - the findings commands (docs/FINDINGS.md): tags and notes
 * on documents (auth.h), the claims ledger (`claim add|list|show|verify|
 * status`), the evidence pack (`export --claims`, `verify-pack`) and the
 * exports (`export --format jsonl|csv|ftm|gexf`). Their options are in
 * args.c with everyone's (a family of their own: the other commands'
 * options are unknown to them). The user is $USER, as for `daftar user`.
 */
#include "cli.h"
#include "daftar/crypt.h"
#include "daftar/auth.h"
#include "daftar/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *who(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "local";
}

static int resolve_doc(dft_store *st, const char *spec, int64_t *id)
{
	int rc = dft_store_doc_resolve(st, spec, id);
	if (rc < 0)
		return fail(rc);
	return 0;
}

static void json_begin(dft_json *j, dft_buf *b)
{
	dft_buf_init(b, (size_t)1 << 30);
	dft_json_init(j, b);
}

/* ---- tags and notes ------------------------------------------------------- */

static int on_tag(void *ctx, const char *tag)
{
	dft_json *j = ctx;
	if (j)
		dft_json_str(j, tag);
	else
		printf("%s\n", tag);
	return 0;
}

static int on_note(void *ctx, const dft_note *n)
{
	dft_json *j = ctx;
	if (!j) {
		printf("#%lld  %s  %s\n    %s\n", (long long)n->id, n->at, n->user ? n->user : "-", n->text);
		return 0;
	}
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_int(j, n->id);
	dft_json_key(j, "user");
	dft_json_str(j, n->user);
	dft_json_key(j, "at");
	dft_json_str(j, n->at);
	dft_json_key(j, "text");
	dft_json_str(j, n->text);
	dft_json_obj_close(j);
	return 0;
}

static int cmd_tags_notes(struct args *a)
{
	const char *cmd = a->cmd;
	int change = !strcmp(cmd, "tag") || !strcmp(cmd, "untag") || !strcmp(cmd, "note");
	int list_tags = !strcmp(cmd, "tags");
	dft_store *st = NULL;
	int64_t doc;
	dft_buf b;
	dft_json j;
	int rc;
	if (change ? a->npos != 3 : a->npos != 2) {
		if (!strcmp(cmd, "note"))
			return usage_error("usage: daftar note CASE DOC TEXT");
		if (change)
			return usage_error("usage: daftar %s CASE DOC TAG", cmd);
		return usage_error("usage: daftar %s CASE DOC [--json]", cmd);
	}
	/* a tag or a note is the workbench's kind of write: it goes beside a
	 * running ingest, as in the workbench (DFT_STORE_SHARED) */
	if ((rc = open_case(&st, a, change ? DFT_STORE_SHARED : DFT_STORE_READ)))
		return rc;
	if ((rc = resolve_doc(st, a->pos[1], &doc))) {
		dft_store_free(st);
		return rc;
	}
	json_begin(&j, &b);
	if (!strcmp(cmd, "tag"))
		rc = dft_tag_add(st, doc, a->pos[2], who());
	else if (!strcmp(cmd, "untag"))
		rc = dft_tag_remove(st, doc, a->pos[2], who());
	else if (!strcmp(cmd, "note"))
		rc = dft_note_add(st, doc, a->pos[2], who());
	if (rc < 0) {
		rc = fail(rc);
		goto done;
	}
	if (change) {
		if (a->json) {
			dft_json_obj_open(&j);
			dft_json_key(&j, "doc");
			dft_json_int(&j, doc);
			dft_json_key(&j, !strcmp(cmd, "note") ? "note" : "tag");
			dft_json_str(&j, a->pos[2]);
			dft_json_key(&j, !strcmp(cmd, "note") ? "noted" : !strcmp(cmd, "tag") ? "tagged" : "untagged");
			dft_json_bool(&j, 1);
			dft_json_obj_close(&j);
			rc = emit_json(&j, &b);
		} else {
			printf("%s document %lld%s%s\n",
			       !strcmp(cmd, "note") ? "noted on" : !strcmp(cmd, "tag") ? "tagged" : "untagged", (long long)doc,
			       !strcmp(cmd, "note") ? "" : ": ", !strcmp(cmd, "note") ? "" : a->pos[2]);
		}
		goto done;
	}
	if (a->json) {
		dft_json_obj_open(&j);
		dft_json_key(&j, "doc");
		dft_json_int(&j, doc);
		dft_json_key(&j, list_tags ? "tags" : "notes");
		dft_json_arr_open(&j);
	}
	rc = list_tags ? dft_tags(st, doc, on_tag, a->json ? &j : NULL)
		       : dft_notes(st, doc, on_note, a->json ? &j : NULL);
	if (rc < 0) {
		rc = fail(rc);
		goto done;
	}
	if (a->json) {
		dft_json_arr_close(&j);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
	}
done:
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}

/* ---- claims ------------------------------------------------------------------ */

static void json_claim(dft_json *j, const dft_claim *c, const dft_citation *cites, size_t n)
{
	size_t i;
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_int(j, c->id);
	dft_json_key(j, "text");
	dft_json_str(j, c->text);
	dft_json_key(j, "source");
	dft_json_str(j, c->source);
	dft_json_key(j, "status");
	dft_json_str(j, c->status);
	dft_json_key(j, "user");
	dft_json_str(j, c->user);
	dft_json_key(j, "created");
	dft_json_str(j, c->created);
	dft_json_key(j, "updated");
	dft_json_str(j, c->updated);
	dft_json_key(j, "citations");
	dft_json_arr_open(j);
	for (i = 0; i < n; i++) {
		const dft_citation *t = &cites[i];
		char qh[DFT_SHA256_HEX];
		dft_claim_quote_sha(t, qh);
		dft_json_obj_open(j);
		dft_json_key(j, "seq");
		dft_json_int(j, t->seq);
		dft_json_key(j, "doc");
		dft_json_int(j, t->doc);
		dft_json_key(j, "path");
		dft_json_str(j, t->path);
		dft_json_key(j, "page");
		dft_json_int(j, t->page);
		dft_json_key(j, "start");
		dft_json_int(j, t->start);
		dft_json_key(j, "end");
		dft_json_int(j, t->end);
		dft_json_key(j, "byte_start");
		dft_json_int(j, t->byte_start);
		dft_json_key(j, "byte_end");
		dft_json_int(j, t->byte_end);
		dft_json_key(j, "quote");
		dft_json_str(j, t->quote);
		dft_json_key(j, "doc_sha256");
		dft_json_str(j, t->doc_sha256);
		dft_json_key(j, "text_sha256");
		dft_json_str(j, t->text_sha256);
		dft_json_key(j, "quote_sha256");
		dft_json_str(j, qh);
		dft_json_obj_close(j);
	}
	dft_json_arr_close(j);
	dft_json_obj_close(j);
}

static void print_claim(const dft_claim *c, const dft_citation *cites, size_t n, int full)
{
	size_t i;
	printf("claim %lld [%s] %s\n", (long long)c->id, c->status, c->text);
	if (c->source)
		printf("    source: %s\n", c->source);
	if (full)
		printf("    by %s at %s (changed %s)\n", c->user ? c->user : "-", c->created, c->updated);
	for (i = 0; i < n; i++) {
		const dft_citation *t = &cites[i];
		const char *q;
		printf("    [%lld] document %lld %s, page %lld, characters %lld-%lld: «", (long long)t->seq,
		       (long long)t->doc, t->path ? t->path : "", (long long)t->page, (long long)t->start,
		       (long long)t->end);
		for (q = t->quote; *q; q++)
			putchar(*q == '\n' || *q == '\r' || *q == '\t' ? ' ' : *q);
		printf("»\n");
		if (full)
			printf("        original %s\n        text     %s\n", t->doc_sha256, t->text_sha256);
	}
}

struct show_ctx {
	dft_json *j;
	int full;
};

static int on_claim(void *ctx, const dft_claim *c, const dft_citation *cites, size_t n)
{
	struct show_ctx *s = ctx;
	if (s->j)
		json_claim(s->j, c, cites, n);
	else
		print_claim(c, cites, n, s->full);
	return 0;
}

static int parse_id(const char *s, int64_t *id)
{
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || end == s || v < 1)
		return usage_error("'%s' is not a claim id", s);
	*id = v;
	return 0;
}

static int claim_add(struct args *a)
{
	dft_store *st = NULL;
	dft_cite_req req[CLI_MAX_CITES];
	int64_t id = 0;
	int rc, i;
	dft_buf b;
	dft_json j;
	if (a->npos != 2)
		return usage_error("usage: daftar claim add CASE \"claim text\" --cite DOC:PAGE:START-END [--cite ...]"
				   " [--source S] [--status confirmed|disputed|open]");
	if (!a->ncites)
		return usage_error("a claim needs at least one --cite DOC:PAGE:START-END");
	if (a->status && !dft_claim_status_ok(a->status))
		return usage_error("--status takes confirmed, disputed or open, not '%s'", a->status);
	if ((rc = open_case(&st, a, 1)))
		return rc;
	for (i = 0; i < a->ncites; i++) {
		char *doc;
		if ((rc = dft_cite_parse(a->cites[i], &doc, &req[i].page, &req[i].start, &req[i].end)) < 0) {
			dft_store_free(st);
			return fail(rc);
		}
		rc = resolve_doc(st, doc, &req[i].doc);
		free(doc);
		if (rc) {
			dft_store_free(st);
			return rc;
		}
	}
	if ((rc = dft_claim_add(st, a->pos[1], a->source, a->status, who(), req, (size_t)a->ncites, &id)) < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	json_begin(&j, &b);
	{
		struct show_ctx s = {a->json ? &j : NULL, 0};
		if (!a->json)
			printf("added ");
		rc = dft_claims_each(st, id, on_claim, &s);
	}
	if (rc < 0)
		rc = fail(rc);
	else if (a->json)
		rc = emit_json(&j, &b);
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}

static int claim_list_show(struct args *a, int show)
{
	dft_store *st = NULL;
	int64_t id = 0;
	int rc;
	dft_buf b;
	dft_json j;
	struct show_ctx s;
	if (show ? a->npos != 2 : a->npos != 1)
		return usage_error(show ? "usage: daftar claim show CASE ID [--json]" : "usage: daftar claim list CASE [--json]");
	if (show && (rc = parse_id(a->pos[1], &id)))
		return rc;
	if ((rc = open_case(&st, a, 0)))
		return rc;
	json_begin(&j, &b);
	s.j = a->json ? &j : NULL;
	s.full = show;
	if (a->json && !show) {
		dft_json_obj_open(&j);
		dft_json_key(&j, "claims");
		dft_json_arr_open(&j);
	}
	rc = dft_claims_each(st, id, on_claim, &s);
	if (rc < 0) {
		rc = fail(rc);
	} else if (a->json) {
		if (!show) {
			dft_json_arr_close(&j);
			dft_json_obj_close(&j);
		}
		rc = emit_json(&j, &b);
	}
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}

static int claim_status(struct args *a)
{
	dft_store *st = NULL;
	int64_t id = 0;
	int rc;
	if (a->npos != 3)
		return usage_error("usage: daftar claim status CASE ID confirmed|disputed|open");
	if ((rc = parse_id(a->pos[1], &id)))
		return rc;
	if (!dft_claim_status_ok(a->pos[2]))
		return usage_error("a claim's status is confirmed, disputed or open, not '%s'", a->pos[2]);
	if ((rc = open_case(&st, a, 1)))
		return rc;
	rc = dft_claim_set_status(st, id, a->pos[2], who());
	dft_store_free(st);
	if (rc < 0)
		return fail(rc);
	if (a->json) {
		dft_buf b;
		dft_json j;
		json_begin(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "claim");
		dft_json_int(&j, id);
		dft_json_key(&j, "status");
		dft_json_str(&j, a->pos[2]);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	printf("claim %lld is now %s\n", (long long)id, a->pos[2]);
	return 0;
}

static int on_claim_problem(void *ctx, int64_t claim, int64_t seq, const char *kind, const char *detail)
{
	dft_json *j = ctx;
	if (!j) {
		printf("claim %lld, citation %lld: %s: %s\n", (long long)claim, (long long)seq, kind, detail);
		return 0;
	}
	dft_json_obj_open(j);
	dft_json_key(j, "claim");
	dft_json_int(j, claim);
	dft_json_key(j, "citation");
	dft_json_int(j, seq);
	dft_json_key(j, "kind");
	dft_json_str(j, kind);
	dft_json_key(j, "detail");
	dft_json_str(j, detail);
	dft_json_obj_close(j);
	return 0;
}

static int claim_verify(struct args *a)
{
	dft_store *st = NULL;
	int64_t checked = 0, failed = 0, id = 0;
	int rc;
	dft_buf b;
	dft_json j;
	if (a->npos != 1 && a->npos != 2)
		return usage_error("usage: daftar claim verify CASE [ID] [--json]");
	if (a->npos == 2 && (rc = parse_id(a->pos[1], &id)))
		return rc;
	if ((rc = open_case(&st, a, 0)))
		return rc;
	json_begin(&j, &b);
	if (a->json) {
		dft_json_obj_open(&j);
		dft_json_key(&j, "problems");
		dft_json_arr_open(&j);
	}
	rc = dft_claims_verify(st, id, on_claim_problem, a->json ? &j : NULL, &checked, &failed);
	if (rc < 0) {
		rc = fail(rc);
	} else if (a->json) {
		dft_json_arr_close(&j);
		dft_json_key(&j, "ok");
		dft_json_bool(&j, failed == 0);
		dft_json_key(&j, "citations_checked");
		dft_json_int(&j, checked);
		dft_json_key(&j, "citations_failed");
		dft_json_int(&j, failed);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		if (rc == 0 && failed)
			rc = 1;
	} else {
		if (failed)
			printf("claim verify: %lld of %lld citations failed\n", (long long)failed, (long long)checked);
		else
			printf("claim verify: ok: %lld citations checked (originals re-hashed, texts re-hashed, "
			       "quotations in place)\n",
			       (long long)checked);
		rc = failed ? 1 : 0;
	}
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}

static int cmd_claim(struct args *a)
{
	const char *sub = a->npos ? a->pos[0] : NULL;
	int i;
	if (!sub)
		return usage_error("usage: daftar claim add|list|show|verify|status CASE ...");
	/* drop the subcommand: pos[0] becomes the CASE, as open_case expects */
	for (i = 0; i + 1 < a->npos; i++)
		a->pos[i] = a->pos[i + 1];
	a->npos--;
	if (!strcmp(sub, "add"))
		return claim_add(a);
	if (!strcmp(sub, "list"))
		return claim_list_show(a, 0);
	if (!strcmp(sub, "show"))
		return claim_list_show(a, 1);
	if (!strcmp(sub, "verify"))
		return claim_verify(a);
	if (!strcmp(sub, "status"))
		return claim_status(a);
	return usage_error("unknown claim command '%s' (add, list, show, verify, status)", sub);
}

/* ---- the evidence pack and the exports ------------------------------------------ */

static int parse_redact(const char *list, unsigned *out)
{
	const char *p = list;
	*out = 0;
	while (*p) {
		size_t n = strcspn(p, ",");
		if ((n == 6 && !strncmp(p, "person", 6)) || (n == 6 && !strncmp(p, "people", 6)))
			*out |= DFT_REDACT_PERSON;
		else if ((n == 12 && !strncmp(p, "organization", 12)) || (n == 12 && !strncmp(p, "organisation", 12)) ||
			 (n == 3 && !strncmp(p, "org", 3)))
			*out |= DFT_REDACT_ORG;
		else if (n == 5 && !strncmp(p, "place", 5))
			*out |= DFT_REDACT_PLACE;
		else
			return usage_error("--redact takes person, organization, place (comma-separated), not '%.*s'",
					   (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	return *out ? 0 : usage_error("--redact needs person, organization or place");
}

static int export_claims(struct args *a)
{
	dft_store *st = NULL;
	dft_pack_opts o;
	dft_pack_result r;
	int rc;
	memset(&o, 0, sizeof(o));
	o.context = a->context;
	o.to = a->to;
	if (!a->output)
		return usage_error("usage: daftar export CASE --claims -o PACK.zip [--redact person,organization]");
	if (a->redact && (rc = parse_redact(a->redact, &o.redact)))
		return rc;
	if ((rc = open_case(&st, a, 0)))
		return rc;
	rc = dft_pack_write(st, a->output, &o, &r);
	dft_store_free(st);
	if (rc < 0)
		return fail(rc);
	if (a->json) {
		dft_buf b;
		dft_json j;
		json_begin(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "pack");
		dft_json_str(&j, a->output);
		dft_json_key(&j, "sealed_to");
		dft_json_str(&j, a->to);
		dft_json_key(&j, "claims");
		dft_json_int(&j, r.claims);
		dft_json_key(&j, "citations");
		dft_json_int(&j, r.citations);
		dft_json_key(&j, "documents");
		dft_json_int(&j, r.documents);
		dft_json_key(&j, "files");
		dft_json_int(&j, r.files);
		dft_json_key(&j, "custody_entries");
		dft_json_int(&j, r.custody_entries);
		dft_json_key(&j, "redacted");
		dft_json_bool(&j, o.redact != 0);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	printf("wrote %s: %lld claims, %lld citations, %lld documents, %lld files, %lld custody entries%s\n",
	       a->output, (long long)r.claims, (long long)r.citations, (long long)r.documents, (long long)r.files,
	       (long long)r.custody_entries, o.redact ? " (redacted)" : "");
	return 0;
}

static int cmd_export(struct args *a)
{
	dft_store *st = NULL;
	dft_export_counts n;
	FILE *out = stdout;
	int rc;
	if (a->npos != 1)
		return usage_error("usage: daftar export CASE --format jsonl|csv|ftm|gexf [--table T] [-o FILE]"
				   " | daftar export CASE --claims -o PACK.zip");
	if (a->claims)
		return export_claims(a);
	if (!a->format || (strcmp(a->format, "jsonl") && strcmp(a->format, "csv") && strcmp(a->format, "ftm") &&
			   strcmp(a->format, "gexf")))
		return usage_error("--format takes jsonl, csv, ftm or gexf");
	if (a->table && strcmp(a->format, "csv"))
		return usage_error("--table is for --format csv");
	if (a->table && strcmp(a->table, "documents") && strcmp(a->table, "entities") && strcmp(a->table, "mentions"))
		return usage_error("--table takes documents, entities or mentions");
	if (a->json && !a->output)
		return usage_error("--json prints a summary: give the export a file with -o");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	if (a->output && !(out = fopen(a->output, "we"))) {
		dft_store_free(st);
		dft_error_set(DFT_EIO, "cannot write %s", a->output);
		return fail(DFT_EIO);
	}
	rc = dft_export(st, a->format, a->table, out, &n);
	if (out != stdout) {
		if (fclose(out) != 0 && rc == 0)
			rc = dft_error_set(DFT_EIO, "cannot write %s", a->output);
	} else {
		fflush(stdout);
	}
	dft_store_free(st);
	if (rc < 0)
		return fail(rc);
	if (a->json) {
		dft_buf b;
		dft_json j;
		json_begin(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "format");
		dft_json_str(&j, a->format);
		dft_json_key(&j, "file");
		dft_json_str(&j, a->output);
		dft_json_key(&j, "documents");
		dft_json_int(&j, n.documents);
		dft_json_key(&j, "entities");
		dft_json_int(&j, n.entities);
		dft_json_key(&j, "mentions");
		dft_json_int(&j, n.mentions);
		dft_json_key(&j, "edges");
		dft_json_int(&j, n.edges);
		dft_json_key(&j, "lines");
		dft_json_int(&j, n.lines);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	if (a->output)
		fprintf(stderr, "wrote %s: %lld documents, %lld entities, %lld mentions, %lld edges\n", a->output,
			(long long)n.documents, (long long)n.entities, (long long)n.mentions, (long long)n.edges);
	return 0;
}

static int on_pack_problem(void *ctx, const char *kind, const char *where, const char *detail)
{
	dft_json *j = ctx;
	if (!j) {
		printf("%-8s %s: %s\n", kind, where ? where : "-", detail);
		return 0;
	}
	dft_json_obj_open(j);
	dft_json_key(j, "kind");
	dft_json_str(j, kind);
	dft_json_key(j, "where");
	dft_json_str(j, where);
	dft_json_key(j, "detail");
	dft_json_str(j, detail);
	dft_json_obj_close(j);
	return 0;
}

static int cmd_keygen(struct args *a)
{
	int rc;
	if (a->npos != 1)
		return usage_error("usage: daftar keygen KEY");
	if ((rc = dft_crypt_keypair_write(a->pos[0])) < 0)
		return fail(rc);
	if (a->json) {
		dft_buf b;
		dft_json j;
		json_begin(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "secret_key");
		dft_json_str(&j, a->pos[0]);
		dft_json_key(&j, "public_key");
		{
			char pub[4200];
			snprintf(pub, sizeof(pub), "%s.pub", a->pos[0]);
			dft_json_str(&j, pub);
		}
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	printf("secret key: %s (keep it: it alone opens what is sealed to you)\npublic key: %s.pub (give it to "
	       "whoever sends you a pack)\n", a->pos[0], a->pos[0]);
	return 0;
}

static int cmd_verify_pack(struct args *a)
{
	dft_pack_check c;
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 1)
		return usage_error("usage: daftar verify-pack PACK.zip [--json]");
	json_begin(&j, &b);
	if (a->json) {
		dft_json_obj_open(&j);
		dft_json_key(&j, "problems");
		dft_json_arr_open(&j);
	}
	rc = dft_pack_verify(a->pos[0], a->secret_key, on_pack_problem, a->json ? &j : NULL, &c);
	if (rc < 0) {
		rc = fail(rc);
	} else if (a->json) {
		dft_json_arr_close(&j);
		dft_json_key(&j, "ok");
		dft_json_bool(&j, c.problems == 0);
		dft_json_key(&j, "files_checked");
		dft_json_int(&j, c.files);
		dft_json_key(&j, "citations_checked");
		dft_json_int(&j, c.citations);
		dft_json_key(&j, "custody_entries_checked");
		dft_json_int(&j, c.custody_entries);
		dft_json_key(&j, "redacted");
		dft_json_bool(&j, c.redacted);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		if (rc == 0 && c.problems)
			rc = 1;
	} else {
		if (c.problems)
			printf("verify-pack: %lld problems in %s\n", (long long)c.problems, a->pos[0]);
		else
			printf("verify-pack: ok: %lld files hashed, %lld quotations in place, %lld custody entries "
			       "chained%s\n",
			       (long long)c.files, (long long)c.citations, (long long)c.custody_entries,
			       c.redacted ? " (redacted pack: quotations checked in the redacted texts)" : "");
		rc = c.problems ? 1 : 0;
	}
	dft_buf_dispose(&b);
	return rc;
}

int cmd_findings(struct args *a)
{
	if (!strcmp(a->cmd, "claim"))
		return cmd_claim(a);
	if (!strcmp(a->cmd, "export"))
		return cmd_export(a);
	if (!strcmp(a->cmd, "verify-pack"))
		return cmd_verify_pack(a);
	if (!strcmp(a->cmd, "keygen"))
		return cmd_keygen(a);
	return cmd_tags_notes(a);
}
