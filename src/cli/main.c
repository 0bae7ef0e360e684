/*
 * main.c - the `daftar` command: the commands of the case (init ... new),
 * each printing, in words or as one JSON document (--json), what the
 * library returns. No logic of its own: the HTTP server is a client of the
 * same functions. The command line is parsed by args.c, which also holds
 * every command's help and runs the command.
 *
 * Exit status: 0 success, 1 failure (or verify found a problem), 2 usage.
 */
#include "daftar/api.h"
#include "daftar/core.h"
#include "daftar/dedup.h"
#include "daftar/custody.h"
#include "daftar/entities.h"
#include "daftar/forms.h"
#include "daftar/index.h"
#include "daftar/ingest.h"
#include "daftar/store.h"
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DAFTAR_VERSION "0.1.0"

int fail(int rc)
{
	fprintf(stderr, "daftar: %s\n", dft_error_msg()[0] ? dft_error_msg() : "failed");
	return rc == DFT_EUSAGE ? 2 : 1;
}

/* Print the JSON document in b (or fail when the writer failed). */
int emit_json(dft_json *j, dft_buf *b)
{
	if (dft_json_finish(j) < 0)
		return fail(DFT_ERROR);
	fwrite(b->ptr, 1, b->len, stdout);
	fputc('\n', stdout);
	return 0;
}

/* Print what an api producer wrote, or fail with its error. */
int emit_api(int rc, dft_json *j, dft_buf *b)
{
	if (rc < 0)
		return fail(rc);
	return emit_json(j, b);
}

int open_case(dft_store **st, struct args *a, int writable)
{
	int rc;
	if (a->npos < 1)
		return usage_error("%s needs a CASE folder", a->cmd);
	if ((rc = dft_store_open(st, a->pos[0], writable)) < 0)
		return fail(rc);
	return 0;
}

/* ---- init ------------------------------------------------------------- */

int cmd_init(struct args *a)
{
	int rc;
	if (a->npos != 1)
		return cli_usage("init");
	/* server mode: --encrypt encrypts the blobs on the shared folder; the
	 * database is PostgreSQL's to encrypt (docs/SCALING.md) */
	if (a->store)
		rc = a->encrypt ? dft_store_init_server_encrypted(a->pos[0], a->store)
				: dft_store_init_server(a->pos[0], a->store);
	else
		rc = a->encrypt ? dft_store_init_encrypted(a->pos[0]) : dft_store_init(a->pos[0]);
	if (rc < 0)
		return fail(rc);
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "case");
		dft_json_str(&j, a->pos[0]);
		dft_json_key(&j, "store");
		dft_json_str(&j, a->store ? "postgresql" : "sqlite");
		dft_json_key(&j, "encrypted");
		dft_json_bool(&j, a->encrypt);
		dft_json_key(&j, "ok");
		dft_json_bool(&j, 1);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
		return rc;
	}
	if (a->store)
		printf("made server-mode case %s (store: PostgreSQL; %sblobs in %s/blobs)\n", a->pos[0],
		       a->encrypt ? "encrypted " : "", a->pos[0]);
	else
		printf("made %scase %s\n", a->encrypt ? "encrypted " : "", a->pos[0]);
	return 0;
}

/* ---- ingest ------------------------------------------------------------ */

int cmd_ingest(struct args *a)
{
	dft_store *st;
	dft_ingest_opts o;
	dft_ingest_result r;
	dft_entities_stats es;
	size_t i;
	int rc, server;

	if (a->npos < 2)
		return cli_usage("ingest");
	for (i = 1; i < (size_t)a->npos; i++)
		if (access(a->pos[i], R_OK) != 0) {
			dft_error_set(DFT_EIO, "cannot read %s: %s", a->pos[i], strerror(errno));
			return fail(DFT_EIO);
		}
	if ((rc = open_case(&st, a, 1)))
		return rc;
	server = dft_store_is_server(st);
	if (!server && a->queue_only) {
		dft_store_free(st);
		return usage_error("--queue-only is for server-mode cases (daftar init --store ...)");
	}
	dft_ingest_opts_default(&o);
	o.label = a->batch;
	o.jobs = a->jobs;
	o.no_copy = a->no_copy;
	o.no_entities = a->no_entities;
	o.queue_only = a->queue_only;
	o.progress = isatty(2) && !dft_log_verbose;
	if (a->timeout)
		o.limits.timeout_s = a->timeout;
	/* server mode: queue the documents, then work the queue beside any
	 * other workers (--queue-only: leave it all to them) */
	rc = dft_ingest_run(st, (const char *const *)&a->pos[1], (size_t)a->npos - 1, &o, &r);
	/* then what the new texts name (daftar entities would do it later) */
	memset(&es, 0, sizeof(es));
	if (rc >= 0 && !a->no_entities && !a->queue_only && (rc = entities_update(st, &es)) < 0)
		dft_error_prefix("documents ingested, but scanning them for entities failed");
	/* then the forms' templates and records, stored as of these texts
	 * (docs/FORMS.md): `records` reads them back without reading the texts */
	if (rc >= 0 && !a->queue_only && (rc = dft_records_update(st, 0, NULL)) < 0)
		dft_error_prefix("documents ingested, but");
	/* most texts were scanned by the extraction workers during the ingest */
	es.scanned += r.entity_docs;
	es.mentions += r.mentions;
	if (rc < 0) {
		rc = fail(rc);
		dft_ingest_result_dispose(&r);
		dft_store_free(st);
		return rc;
	}
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "batch");
		dft_json_int(&j, r.batch);
		dft_json_key(&j, "label");
		dft_json_str(&j, r.label);
		dft_json_key(&j, "resumed");
		dft_json_bool(&j, r.resumed);
		dft_json_key(&j, "files_seen");
		dft_json_int(&j, r.files_seen);
		dft_json_key(&j, "files_unchanged");
		dft_json_int(&j, r.files_unchanged);
		dft_json_key(&j, "documents_added");
		dft_json_int(&j, r.documents_added);
		dft_json_key(&j, "duplicates");
		dft_json_int(&j, r.duplicates);
		dft_json_key(&j, "failed");
		dft_json_int(&j, r.failed);
		dft_json_key(&j, "extracted");
		dft_json_int(&j, r.extracted);
		dft_json_key(&j, "bytes");
		dft_json_int(&j, (int64_t)r.bytes);
		dft_json_key(&j, "seconds");
		dft_json_double(&j, r.seconds);
		if (server) {
			int64_t pending = 0, leased = 0;
			dft_store_job_counts(st, &pending, &leased);
			dft_json_key(&j, "queued");
			dft_json_int(&j, pending);
		}
		if (!a->no_entities && !a->queue_only) {
			dft_json_key(&j, "entities");
			dft_json_obj_open(&j);
			dft_json_key(&j, "scanned");
			dft_json_int(&j, es.scanned);
			dft_json_key(&j, "mentions");
			dft_json_int(&j, es.mentions);
			dft_json_key(&j, "entities");
			dft_json_int(&j, es.entities);
			dft_json_key(&j, "models");
			dft_json_str(&j, es.models);
			dft_json_key(&j, "seconds");
			dft_json_double(&j, es.extract_seconds + es.resolve_seconds);
			dft_json_obj_close(&j);
		}
		dft_json_key(&j, "notes");
		dft_json_arr_open(&j);
		for (i = 0; i < r.nnotes; i++) {
			dft_json_obj_open(&j);
			dft_json_key(&j, "path");
			dft_json_str(&j, r.notes[i].path);
			dft_json_key(&j, "note");
			dft_json_str(&j, r.notes[i].note);
			dft_json_obj_close(&j);
		}
		dft_json_arr_close(&j);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
	} else {
		printf("batch %lld \"%s\"%s: %lld files seen (%lld unchanged), %lld documents added, "
		       "%lld duplicates, %lld failed, %.1f s\n",
		       (long long)r.batch, r.label, r.resumed ? " (resumed)" : "", (long long)r.files_seen,
		       (long long)r.files_unchanged, (long long)r.documents_added, (long long)r.duplicates,
		       (long long)r.failed, r.seconds);
		for (i = 0; i < r.nnotes && i < 20; i++)
			printf("  note: %s: %s\n", r.notes[i].path, r.notes[i].note);
		if (r.notes_total > 20)
			printf("  ... and %lld more notes\n", (long long)(r.notes_total - 20));
		if (r.failed)
			printf("  see the failures with: daftar docs %s --failed\n", a->pos[0]);
		if (server) {
			int64_t pending = 0, leased = 0;
			dft_store_job_counts(st, &pending, &leased);
			if (pending)
				printf("  %lld documents queued: start workers with 'daftar worker %s'\n", (long long)pending,
				       a->pos[0]);
		}
	}
	dft_ingest_result_dispose(&r);
	dft_store_free(st);
	return rc;
}

/* ---- worker (server mode) ------------------------------------------------ */

int cmd_worker(struct args *a)
{
	dft_store *st;
	dft_ingest_opts o;
	dft_work_opts w;
	dft_ingest_result r;
	char name[160];
	int rc;

	if (a->npos != 1)
		return cli_usage("worker");
	if ((rc = open_case(&st, a, 1)))
		return rc;
	if (a->name)
		snprintf(name, sizeof(name), "%s", a->name);
	else
		dft_ingest_worker_name(name, sizeof(name), NULL);
	dft_ingest_opts_default(&o);
	o.jobs = a->jobs;
	if (a->timeout)
		o.limits.timeout_s = a->timeout;
	memset(&w, 0, sizeof(w));
	w.owner = name;
	/* a lease outlives the longest extraction by default; it is renewed
	 * while the worker lives, so it only matters when the worker dies */
	w.lease_s = a->lease ? a->lease : 120;
	w.exit_when_idle = a->exit_when_idle;
	rc = dft_ingest_work(st, &o, &w, &r);
	if (rc < 0) {
		rc = fail(rc);
		dft_store_free(st);
		return rc;
	}
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "worker");
		dft_json_str(&j, name);
		dft_json_key(&j, "extracted");
		dft_json_int(&j, r.extracted);
		dft_json_key(&j, "failed");
		dft_json_int(&j, r.failed);
		dft_json_key(&j, "lost");
		dft_json_int(&j, r.lost);
		{
			int64_t commits;
			double held;
			dft_store_lock_stats(st, &commits, &held);
			dft_json_key(&j, "locked_commits");
			dft_json_int(&j, commits);
			dft_json_key(&j, "lock_held_ms_per_commit");
			dft_json_double(&j, commits ? held * 1000.0 / (double)commits : 0.0);
		}
		dft_json_key(&j, "seconds");
		dft_json_double(&j, r.seconds);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
	} else
		printf("worker %s: %lld documents extracted, %lld failed, %lld results dropped (lease lost), %.1f s\n",
		       name, (long long)r.extracted, (long long)r.failed, (long long)r.lost, r.seconds);
	dft_ingest_result_dispose(&r);
	dft_store_free(st);
	return rc;
}

/* ---- status ------------------------------------------------------------ */

int cmd_status(struct args *a)
{
	dft_store *st;
	dft_status s;
	size_t i;
	int rc, labelw = 20, idw = 1;
	if (a->npos != 1)
		return cli_usage("status");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 0);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_status(st, &j), &j, &b);
		dft_buf_dispose(&b);
		dft_store_free(st);
		return rc;
	}
	if ((rc = dft_store_status(st, &s)) < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	{
		printf("%s: %lld documents, %lld originals (%.1f MB), %lld failed",
		       a->pos[0], (long long)s.documents, (long long)s.originals, (double)s.bytes / 1e6,
		       (long long)s.failed);
		if (s.pending)
			printf(dft_store_is_server(st) ? ", %lld queued for the workers (daftar worker)"
						       : ", %lld not yet extracted (run ingest again to finish)",
			       (long long)s.pending);
		if (s.notes)
			printf(", %lld notes", (long long)s.notes);
		printf("\nbatches:\n");
		/* columns by display width: a label may be Arabic; a long one is cut */
		for (i = 0; i < s.nbatches; i++) {
			size_t w = dft_utf8_width(s.batches[i].label, strlen(s.batches[i].label));
			int d = snprintf(NULL, 0, "%lld", (long long)s.batches[i].id);
			labelw = w > (size_t)labelw ? (w > 40 ? 40 : (int)w) : labelw;
			idw = d > idw ? d : idw;
		}
		for (i = 0; i < s.nbatches; i++) {
			printf("  %*lld  ", idw, (long long)s.batches[i].id);
			cli_col(s.batches[i].label, labelw, 1);
			printf(" %6lld documents  %s%s\n", (long long)s.batches[i].documents, s.batches[i].started_at,
			       s.batches[i].closed_at[0] ? "" : "  (interrupted)");
		}
		printf("by type:");
		for (i = 0; i < s.ntypes; i++)
			printf(" %s %lld%s", s.by_type[i].key, (long long)s.by_type[i].n, i + 1 < s.ntypes ? "," : "");
		printf("\n");
		if (dft_store_encrypted(st) && dft_store_is_server(st))
			printf("encrypted at rest: blobs (the database and its custody log are PostgreSQL's to protect: "
			       "docs/SCALING.md)\n");
		else if (dft_store_encrypted(st))
			printf("encrypted at rest: blobs, custody log%s\n",
			       dft_store_db_encrypted(st) ? ", database" : " (not the database: docs/SECURITY.md)");
		if (s.nlanguages) {
			printf("by language:");
			for (i = 0; i < s.nlanguages; i++)
				printf(" %s %lld", s.by_language[i].key, (long long)s.by_language[i].n);
			printf("\n");
		}
	}
	dft_status_dispose(&s);
	dft_store_free(st);
	return rc;
}

/* ---- docs --------------------------------------------------------------- */

struct docs_ctx {
	int64_t n;
};

static int docs_one(void *ctx, const dft_doc *d)
{
	struct docs_ctx *c = ctx;
	c->n++;
	printf("%6lld  %-7s %-6s %.12s  %s%s%s\n", (long long)d->id, d->status, d->type ? d->type : "-",
	       d->sha256[0] ? d->sha256 : "------------", d->path, d->error ? "  -- " : "",
	       d->error ? d->error : "");
	return 0;
}

int cmd_docs(struct args *a)
{
	dft_store *st;
	dft_doc_filter f;
	struct docs_ctx c;
	int rc;
	if (a->npos != 1)
		return cli_usage("docs");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	if (a->json) {
		dft_api_docs_params p = {a->batch, a->type, a->failed, a->limit, a->offset};
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, (size_t)1 << 31);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_docs(st, &p, &j), &j, &b);
		dft_buf_dispose(&b);
		dft_store_free(st);
		return rc;
	}
	memset(&f, 0, sizeof(f));
	f.failed_only = a->failed;
	f.type = a->type;
	f.limit = a->limit;
	f.offset = a->offset;
	if (a->batch && (rc = dft_store_batch_find(st, a->batch, &f.batch)) < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	memset(&c, 0, sizeof(c));
	rc = dft_store_docs(st, &f, docs_one, &c);
	if (rc < 0)
		rc = fail(rc);
	else if (c.n == 0)
		fprintf(stderr, "no documents%s\n", a->failed ? " failed" : "");
	dft_store_free(st);
	return rc;
}

/* ---- show --------------------------------------------------------------- */

/* Keys kept in the meta table that show prints as fields of their own. */
static int is_own_field(const char *k)
{
	return !strcmp(k, "main_text") || !strcmp(k, "ocr_words");
}

static int print_path(void *ctx, const char *path, int64_t batch)
{
	(void)ctx;
	printf("  seen at:  %s (batch %lld)\n", path, (long long)batch);
	return 0;
}

static int print_child(void *ctx, int64_t id, const char *path)
{
	dft_doc d;
	if (dft_store_doc_get(ctx, id, &d) == 0) {
		printf("  child:    %lld  %s  %s\n", (long long)id, d.status, path);
		dft_doc_dispose(&d);
	}
	return 0;
}

static int print_meta(void *ctx, const char *k, const char *v)
{
	(void)ctx;
	if (is_own_field(k))
		return 0;
	printf("  ");
	cli_col(k, 9, 0);
	printf(" %s\n", v);
	return 0;
}

static int cmd_diff(struct args *a);

static int print_copy(void *ctx, const dft_dedup_copy *c)
{
	dft_doc d;
	if (dft_store_doc_get(ctx, c->id, &d) < 0)
		return 0;
	printf("  copy:     %-4s %.2f  %lld  %s%s\n", c->kind, c->similarity, (long long)c->id, d.path,
	       c->media ? "  (OCR'd: aligned words)" : "");
	dft_doc_dispose(&d);
	return 0;
}

int cmd_show(struct args *a)
{
	dft_store *st;
	dft_doc d;
	dft_buf text, b;
	int64_t id;
	int rc, has_text = 0;
	if (a->diff)
		return cmd_diff(a);
	if (a->npos != 2)
		return cli_usage("show");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	if ((rc = dft_store_doc_resolve(st, a->pos[1], &id)) < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	if (a->json) {
		dft_json j;
		dft_buf_init(&b, (size_t)1 << 31);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_show(st, id, a->text ? DFT_API_SHOW_TEXT : 0, NULL, NULL, &j), &j, &b);
		dft_buf_dispose(&b);
		dft_store_free(st);
		return rc;
	}
	if ((rc = dft_store_doc_get(st, id, &d)) < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	dft_buf_init(&text, (size_t)1 << 31);
	if (a->text && (rc = dft_store_doc_text(st, id, &text, &has_text)) < 0)
		goto done;
	printf("document %lld  %s\n", (long long)d.id, d.path);
	printf("  sha256:   %s\n", d.sha256[0] ? d.sha256 : "(bytes could not be read)");
	printf("  type:     %s (%s), %lld bytes\n", d.type ? d.type : "-", d.mime ? d.mime : "-", (long long)d.size);
	printf("  status:   %s%s%s\n", d.status, d.error ? ": " : "", d.error ? d.error : "");
	printf("  batch:    %lld\n", (long long)d.batch);
	if (d.parent)
		printf("  parent:   %lld\n", (long long)d.parent);
	dft_store_doc_locations(st, id, print_path, NULL);
	dft_store_doc_children(st, id, print_child, st);
	if ((rc = dft_dedup_copies(st, id, 0, print_copy, st)) < 0)
		goto done;
	if (d.notes)
		printf("  notes:    %s\n", d.notes);
	if (a->meta || !a->text)
		dft_store_doc_meta(st, id, print_meta, NULL);
	if (a->text) {
		if (has_text) {
			printf("\n");
			fwrite(text.ptr, 1, text.len, stdout);
			if (text.len && text.ptr[text.len - 1] != '\n')
				printf("\n");
		} else {
			printf("  (no text)\n");
		}
	}
	rc = 0;
done:
	if (rc < 0)
		rc = fail(rc);
	dft_buf_dispose(&text);
	dft_doc_dispose(&d);
	dft_store_free(st);
	return rc;
}

/* ---- verify ------------------------------------------------------------ */

struct verify_ctx {
	dft_json *j;
};

static int on_verify_problem(void *ctx, const char *kind, const char *sha, const char *detail)
{
	struct verify_ctx *v = ctx;
	if (v->j) {
		dft_json_obj_open(v->j);
		dft_json_key(v->j, "kind");
		dft_json_str(v->j, kind);
		dft_json_key(v->j, "sha256");
		dft_json_str(v->j, sha);
		dft_json_key(v->j, "detail");
		dft_json_str(v->j, detail);
		dft_json_obj_close(v->j);
	} else {
		printf("%-8s %s\n", kind, detail);
	}
	return 0;
}

/* ---- log: the custody log as it is kept (file or table) ------------------ */

static int print_log_line(void *ctx, int64_t n, const char *line, size_t len)
{
	(void)ctx;
	(void)n;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	return 0;
}

static int log_problem(void *ctx, const char *kind, const char *sha256, const char *detail)
{
	(void)sha256;
	(*(int64_t *)ctx)++;
	fprintf(stderr, "daftar: %s: %s\n", kind, detail);
	return 0;
}

int cmd_log(struct args *a)
{
	dft_store *st;
	int64_t problems = 0, checked = 0;
	dft_custody_check chk;
	int rc;
	if (a->npos != 1)
		return cli_usage("log");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	chk.ctx = &problems;
	chk.entry = print_log_line;
	chk.problem = log_problem;
	rc = dft_store_custody_check(st, &chk, &checked);
	dft_store_free(st);
	if (rc < 0)
		return fail(rc);
	return problems ? 1 : 0;
}

int cmd_verify(struct args *a)
{
	dft_store *st;
	dft_verify_result r;
	struct verify_ctx v = {0};
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 1)
		return cli_usage("verify");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	dft_buf_init(&b, (size_t)1 << 30);
	if (a->json) {
		dft_json_init(&j, &b);
		v.j = &j;
		dft_json_obj_open(&j);
		dft_json_key(&j, "problems");
		dft_json_arr_open(&j);
	}
	rc = dft_verify(st, on_verify_problem, &v, &r);
	if (rc < 0) {
		rc = fail(rc);
	} else if (a->json) {
		dft_json_arr_close(&j);
		dft_json_key(&j, "ok");
		dft_json_bool(&j, r.problems == 0);
		dft_json_key(&j, "originals_checked");
		dft_json_int(&j, r.originals_checked);
		dft_json_key(&j, "entries_checked");
		dft_json_int(&j, r.entries_checked);
		dft_json_key(&j, "index_rows_checked");
		dft_json_int(&j, r.index_rows_checked);
		dft_json_key(&j, "custody_head");
		dft_json_str(&j, r.head);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		if (rc == 0 && r.problems)
			rc = 1;
	} else {
		if (r.problems)
			printf("verify: %lld problems in %s (%lld documents re-hashed, %lld custody entries)\n",
			       (long long)r.problems, a->pos[0], (long long)r.originals_checked,
			       (long long)r.entries_checked);
		else
			printf("verify: ok: %lld documents re-hashed, %lld custody entries chained, %lld index rows "
			       "decoded, head %s\n",
			       (long long)r.originals_checked, (long long)r.entries_checked,
			       (long long)r.index_rows_checked, r.head);
		rc = r.problems ? 1 : 0;
	}
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}

/* ---- search ------------------------------------------------------------ */

struct search_ctx {
	int64_t n;
	char facet[32];
};

static int on_hit(void *ctx, const dft_hit *h)
{
	struct search_ctx *c = ctx;
	c->n++;
	printf("%6lld  %s%s%s", (long long)h->id, h->path, h->title ? "  — " : "", h->title ? h->title : "");
	if (h->page > 0)
		printf("  (page %lld)", (long long)h->page);
	printf("\n");
	if (h->snippet && *h->snippet) {
		const char *p;
		printf("        ");
		for (p = h->snippet; *p; p++)
			putchar(*p == '\n' || *p == '\f' || *p == '\r' ? ' ' : *p);
		printf("\n");
	}
	return 0;
}

static int on_facet(void *ctx, const char *facet, const char *value, int64_t n)
{
	struct search_ctx *c = ctx;
	if (strcmp(c->facet, facet) != 0) {
		printf("\n%s:", facet);
		snprintf(c->facet, sizeof(c->facet), "%s", facet);
	}
	printf(" %s %lld", value, (long long)n);
	return 0;
}

int cmd_search(struct args *a)
{
	dft_store *st;
	dft_query q;
	dft_search_opts o;
	dft_search_result r;
	struct search_ctx c;
	int rc;
	if (a->npos != 2)
		return cli_usage("search");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	if (a->json) {
		dft_api_search_params p = {a->pos[1], a->limit, a->offset, a->facets, a->sort, 0};
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, (size_t)1 << 30);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_search(st, &p, &j), &j, &b);
		dft_buf_dispose(&b);
		dft_store_free(st);
		return rc;
	}
	if ((rc = dft_query_compile(&q, a->pos[1], dft_store_fuzzy, st)) < 0 ||
	    (rc = dft_records_resolve_query(st, &q)) < 0) { /* form.LABEL:VALUE */
		dft_query_dispose(&q);
		dft_store_free(st);
		return fail(rc);
	}
	dft_log("FTS5 expression: %s", dft_buf_cstr(&q.match));
	memset(&o, 0, sizeof(o));
	o.limit = a->limit >= 0 ? a->limit : 20;
	o.offset = a->offset;
	o.facets = a->facets;
	o.sort = a->sort;
	memset(&c, 0, sizeof(c));
	rc = dft_store_search(st, &q, &o, on_hit, on_facet, &c, &r);
	if (rc < 0) {
		rc = fail(rc);
	} else {
		if (c.facet[0])
			printf("\n");
		printf("%lld documents match (%.1f ms)%s\n", (long long)r.total, r.took_ms,
		       r.total > c.n + a->offset ? "; --offset and --limit page through them" : "");
	}
	dft_query_dispose(&q);
	dft_store_free(st);
	return rc;
}

/* ---- dups, new, show --diff (src/dedup) ---------------------------------- */

/* Signatures are stored when the case can be opened for writing; while an
 * ingest holds it, they are computed for this run only. */
static int open_case_dedup(dft_store **st, struct args *a, dft_dedup_opts *o)
{
	int rc;
	memset(o, 0, sizeof(*o));
	o->threshold = a->threshold > 0 ? a->threshold : 0.8;
	o->progress = isatty(2) && !a->json;
	if (a->npos < 1)
		return usage_error("%s needs a CASE folder", a->cmd);
	if (dft_store_open(st, a->pos[0], 1) == 0) {
		o->save = 1;
		return 0;
	}
	dft_log("cannot open %s for writing (%s): signatures are not saved", a->pos[0], dft_error_msg());
	if ((rc = dft_store_open(st, a->pos[0], 0)) < 0)
		return fail(rc);
	return 0;
}

struct dups_ctx {
	dft_store *st;
	int64_t n[4]; /* exact, text, near, template */
};

static int print_dup_path(void *ctx, const char *path, int64_t batch)
{
	(void)ctx;
	printf("      %s (batch %lld)\n", path, (long long)batch);
	return 0;
}

static int on_cluster(void *ctx, const dft_dedup_cluster *c)
{
	struct dups_ctx *d = ctx;
	size_t i;
	d->n[!strcmp(c->kind, "exact") ? 0 : !strcmp(c->kind, "text") ? 1 : !strcmp(c->kind, "template") ? 3 : 2]++;
	if (!strcmp(c->kind, "template")) {
		size_t f;
		printf("template %.2f  %zu forms, representative %lld, fields:", c->similarity, c->ndocs,
		       (long long)c->representative);
		for (f = 0; f < c->nfields; f++)
			printf("%s %s", f ? "," : "", c->fields[f].label);
		printf("\n");
		return 0;
	}
	printf("%-5s %.2f ", c->kind, c->similarity);
	for (i = 0; i < c->ndocs; i++)
		printf(" %lld", (long long)c->docs[i]);
	printf("%s\n", c->media ? "  (an OCR'd text: aligned words)" : "");
	if (c->kind[0] == 'e') {
		dft_store_doc_locations(d->st, c->docs[0], print_dup_path, NULL);
	} else {
		for (i = 0; i < c->ndocs; i++) {
			dft_doc doc;
			if (dft_store_doc_get(d->st, c->docs[i], &doc) == 0) {
				printf("      %6lld  %s\n", (long long)doc.id, doc.path);
				dft_doc_dispose(&doc);
			}
		}
	}
	return 0;
}

int cmd_dups(struct args *a)
{
	dft_store *st;
	dft_dedup_opts o;
	dft_dedup_summary sum;
	struct dups_ctx c;
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 1)
		return cli_usage("dups");
	if ((rc = open_case_dedup(&st, a, &o)))
		return rc;
	if (a->json) {
		dft_buf_init(&b, (size_t)1 << 31);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_dups(st, &o, &j), &j, &b);
		dft_buf_dispose(&b);
		dft_store_free(st);
		return rc;
	}
	memset(&c, 0, sizeof(c));
	c.st = st;
	rc = dft_dedup_clusters(st, &o, on_cluster, &c, &sum);
	if (rc < 0) {
		rc = fail(rc);
	} else {
		printf("%lld exact (one document, several places), %lld same text, %lld near (Jaccard >= %.2f); "
		       "%lld texts compared in %.2f s\n",
		       (long long)c.n[0], (long long)c.n[1], (long long)c.n[2], o.threshold,
		       (long long)sum.documents, sum.seconds);
		if (c.n[3])
			printf("%lld form templates (%zu forms, compared on what was filled in)\n", (long long)c.n[3],
			       sum.form_members);
	}
	dft_store_free(st);
	return rc;
}


int cmd_new(struct args *a)
{
	dft_store *st;
	dft_dedup_opts o;
	dft_dedup_summary sum;
	dft_dedup_verdicts c = {0};
	int64_t batch;
	size_t i;
	int rc;
	if (a->npos != 1 || !a->batch)
		return cli_usage("new");
	if ((rc = open_case_dedup(&st, a, &o)))
		return rc;
	if ((rc = dft_store_batch_find(st, a->batch, &batch)) < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, (size_t)1 << 31);
		dft_json_init(&j, &b);
		rc = emit_api(dft_api_new(st, batch, &o, &j), &j, &b);
		dft_buf_dispose(&b);
		dft_store_free(st);
		return rc;
	}
	if ((rc = dft_dedup_new(st, batch, &o, dft_dedup_verdicts_add, &c, &sum)) < 0) {
		rc = fail(rc);
	} else {
		size_t counts[3] = {0, 0, 0};
		for (i = 0; i < c.n; i++) {
			dft_doc d;
			const dft_dedup_verdict *v = &c.v[i];
			counts[!strcmp(v->kind, "new") ? 0 : !strcmp(v->kind, "near") ? 2 : 1]++;
			if (dft_store_doc_get(st, v->id, &d) < 0)
				continue;
			if (v->of)
				printf("%-5s %6lld  %s  (of %lld, %.2f%s)\n", v->kind, (long long)v->id, d.path,
				       (long long)v->of, v->similarity, v->media ? ", OCR'd: aligned words" : "");
			else
				printf("new   %6lld  %s%s\n", (long long)v->id, d.path,
				       v->compared ? "" : "  (no text: compared by its bytes only)");
			dft_doc_dispose(&d);
		}
		printf("batch %lld: %zu new, %zu copies, %zu near copies of earlier batches\n", (long long)batch,
		       counts[0], counts[1], counts[2]);
	}
	free(c.v);
	dft_store_free(st);
	return rc;
}

/* An unchanged stretch: whole when short, else its ends around " … "
 * (only the end before the first change, only the start after the last). */
static void print_context(const char *p, size_t n, int first, int last)
{
	const size_t keep = 120;
	size_t h, t;
	if (n <= 3 * keep) {
		fwrite(p, 1, n, stdout);
		return;
	}
	h = first ? 0 : keep;
	t = last ? n : n - keep;
	while (h > 0 && h < n && ((unsigned char)p[h] & 0xC0) == 0x80)
		h--;
	while (t < n && ((unsigned char)p[t] & 0xC0) == 0x80)
		t++;
	fwrite(p, 1, h, stdout);
	printf(" … ");
	fwrite(p + t, 1, n - t, stdout);
}

static int cmd_diff(struct args *a)
{
	dft_store *st;
	dft_buf ta, tb, out;
	dft_diff d;
	int64_t ia, ib;
	int rc, ha = 0, hb = 0;
	size_t i, apos;
	if (a->npos != 2)
		return cli_usage("show");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	dft_buf_init(&ta, (size_t)1 << 31);
	dft_buf_init(&tb, (size_t)1 << 31);
	dft_buf_init(&out, (size_t)1 << 31);
	dft_diff_init(&d);
	if ((rc = dft_store_doc_resolve(st, a->pos[1], &ia)) < 0 || (rc = dft_store_doc_resolve(st, a->diff, &ib)) < 0) {
		rc = fail(rc);
		goto done;
	}
	if (a->json) {
		dft_json j;
		dft_json_init(&j, &out);
		rc = emit_api(dft_api_diff(st, ia, ib, &j), &j, &out);
		goto done;
	}
	if ((rc = dft_store_doc_text(st, ia, &ta, &ha)) < 0 || (rc = dft_store_doc_text(st, ib, &tb, &hb)) < 0 ||
	    (rc = dft_diff_texts(&d, dft_buf_cstr(&ta), ta.len, dft_buf_cstr(&tb), tb.len)) < 0) {
		rc = fail(rc);
		goto done;
	}
	printf("--- %lld (%zu words)\n+++ %lld (%zu words)\n", (long long)ia, d.words_a, (long long)ib, d.words_b);
	for (i = 0, apos = 0; i < d.nops; i++) {
		const dft_diff_op *op = &d.ops[i];
		if (op->op == DFT_DIFF_INSERT) {
			/* set off from the words of A around it */
			if (apos > 0 && !strchr(" \t\r\n", ta.ptr[apos - 1]))
				putchar(' ');
			printf("{+");
			fwrite(tb.ptr + op->b_start, 1, op->b_end - op->b_start, stdout);
			printf("+}");
			if (apos < ta.len && !strchr(" \t\r\n", ta.ptr[apos]))
				putchar(' ');
			continue;
		}
		/* what lies between words of A (spaces, punctuation) is printed as is */
		if (op->op == DFT_DIFF_EQUAL) {
			print_context(ta.ptr + apos, op->a_end - apos, i == 0, i + 1 == d.nops);
		} else {
			fwrite(ta.ptr + apos, 1, op->a_start - apos, stdout);
			printf("[-");
			fwrite(ta.ptr + op->a_start, 1, op->a_end - op->a_start, stdout);
			printf("-]");
		}
		apos = op->a_end;
	}
	if (apos < ta.len)
		print_context(ta.ptr + apos, ta.len - apos, d.nops == 0, 1);
	printf("\n%zu words deleted, %zu inserted; similarity %.2f (Jaccard of word 3-shingles)%s\n", d.deleted,
	       d.inserted, d.similarity,
	       d.anchored ? " (long texts far apart: cut at shared unique words, not a minimal diff)" : "");
	rc = 0;
done:
	dft_diff_dispose(&d);
	dft_buf_dispose(&ta);
	dft_buf_dispose(&tb);
	dft_buf_dispose(&out);
	dft_store_free(st);
	return rc;
}

int main(int argc, char **argv)
{
	struct args a;
	int rc;
	if (argc < 2)
		return usage_error("no command given");
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
		printf("daftar %s\n", DAFTAR_VERSION);
		return 0;
	}
	if ((rc = cli_parse(&a, argc, argv)))
		return rc;
	return cli_run(&a);
}
