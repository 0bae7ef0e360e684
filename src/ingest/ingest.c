/*
 * ingest.c - the first stage: walk the input, hash and keep every
 * original, record where it was seen, and drive the sandboxed extraction
 * workers (extract/worker.c). One process, one thread, one event loop: the
 * parent owns the store and the workers own the untrusted bytes.
 *
 * Order of work: files are walked in sorted order (so document ids do not
 * depend on readdir order); after each file the workers are serviced, so
 * extraction overlaps the walk. A document is first recorded "pending";
 * its extraction result, its children and its custody entries are
 * committed together. A run killed at any point leaves pending documents
 * and open batches that the next run picks up.
 */
#include "daftar/ingest.h"
#include "analysis.h"
#include "daftar/custody.h"
#include "daftar/dedup.h"
#include "daftar/entities.h"
#include "daftar/text.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* A transaction ends after this many writes, when it has held the case's
 * write lock this long, or when the full-text index it holds in memory
 * (its pending segment, written at the commit) has grown this large,
 * whichever comes first; and it ends at the next check when a workbench
 * write is waiting (login, tags, notes, merges: the writers' turnstile,
 * store.h), so that write waits about one operation, not the transaction.
 * The age is checked after every store operation, on every turn of the
 * event loop (at most 100 ms apart) and every MiB of a file being hashed.
 * Why seconds and not one: each commit writes the index's segment, a row
 * a distinct term, and merges them as they pile up; a segment of 100
 * small documents (a second on a loaded machine) costs the parent about
 * 2 ms a document to write and merge, one of 1,000 about 0.4 ms
 * (docs/BENCHMARKS.md, #21). */
#define COMMIT_EVERY_OPS 20000
#define COMMIT_EVERY_S 5.0
#define COMMIT_INDEX_BYTES ((size_t)32 << 20)
#define INGEST_CACHE_MIB 16
#define MAX_NOTES_KEPT 1000
#define MAX_DIR_DEPTH 256
#define READ_CHUNK ((size_t)1 << 20)

struct child_rec {
	char *name;
	char sha[DFT_SHA256_HEX];
	int64_t size, mtime;
	char *failed;
};

struct job {
	int64_t doc_id;
	int64_t batch; /* the document's first batch (a worker's children join it) */
	int depth;
	char *path;
	char sha[DFT_SHA256_HEX];
	double started;
	char mime[256];
	char type[32];
	dft_buf text;
	int text_truncated;
	dft_buf meta;
	dft_buf notes;
	struct child_rec *children;
	size_t nchildren;
	int in_child;
	dft_blob_writer bw;
	char *child_name;
	int64_t child_size, child_mtime;
	int child_dropped; /* a limit stopped this child: its bytes are discarded */
	int done;          /* 'Z' or 'F' received */
	int failed;
	char *error;
	dft_analysis_result an; /* the text's signature, mentions and terms, from the worker */
};

struct slot {
	dft_worker *w;
	int busy;
	struct job job;
};

struct devino {
	dev_t dev;
	ino_t ino;
};

struct ingest {
	dft_store *st;
	const dft_ingest_opts *o;
	dft_ingest_result *r;
	struct slot *slots;
	int nslots;
	int64_t *queue;
	size_t qhead, qlen, qcap;
	double last_commit;
	int ops;
	/* walking */
	int count_only;
	int64_t total_files;
	uint64_t total_bytes;
	struct devino case_dir;
	struct devino *visited;
	size_t nvisited, capvisited;
	const char *root_real;
	double t0, last_draw;
	int64_t queued_total;
	dft_analyzer *dedup_an; /* surface tokens for the duplicate signatures */
	dft_analysis *analysis; /* what the workers read in each text (analysis.c) */
	/* server mode: ingest only enqueues; workers claim with leases */
	int server;
	const dft_work_opts *work; /* set in a worker (dft_ingest_work) */
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

void dft_ingest_opts_default(dft_ingest_opts *o)
{
	memset(o, 0, sizeof(*o));
	dft_limits_default(&o->limits);
}

void dft_ingest_result_dispose(dft_ingest_result *r)
{
	size_t i;
	for (i = 0; i < r->nnotes; i++) {
		free(r->notes[i].path);
		free(r->notes[i].note);
	}
	free(r->notes);
	r->notes = NULL;
	r->nnotes = 0;
}

/* ---- small pieces ---------------------------------------------------------- */

static int commit_now(struct ingest *g)
{
	double age = dft_store_txn_age(g->st);
	int rc;
	if ((rc = dft_store_commit(g->st)) < 0)
		return rc;
	if (age > g->r->longest_txn_s)
		g->r->longest_txn_s = age;
	g->ops = 0;
	g->last_commit = dft_now();
	return 0;
}

/* Time to end the transaction: it has held the lock COMMIT_EVERY_S, its
 * index has grown to COMMIT_INDEX_BYTES, or a workbench write is waiting
 * for it. */
static int txn_due(struct ingest *g)
{
	return dft_store_txn_age(g->st) >= COMMIT_EVERY_S || dft_store_ix_pending(g->st) >= COMMIT_INDEX_BYTES ||
	       dft_store_writer_waiting(g->st);
}

static int maybe_commit(struct ingest *g, int force)
{
	g->ops++;
	if (!force && g->ops < COMMIT_EVERY_OPS && !txn_due(g))
		return 0;
	return commit_now(g);
}

/* Between operations: end a transaction that has held the lock too long,
 * or that a workbench write is waiting for. */
static int commit_if_old(struct ingest *g)
{
	return txn_due(g) ? commit_now(g) : 0;
}

static int add_note(struct ingest *g, const char *path, const char *note)
{
	dft_ingest_result *r = g->r;
	if (g->count_only)
		return 0;
	r->notes_total++;
	if (r->nnotes < MAX_NOTES_KEPT) {
		dft_ingest_note *n = dft_realloc(r->notes, (r->nnotes + 1) * sizeof(*n));
		if (!n)
			return DFT_ENOMEM;
		r->notes = n;
		n[r->nnotes].path = dft_strdup(path);
		n[r->nnotes].note = dft_strdup(note);
		r->nnotes++;
	}
	dft_log("%s: %s", path, note);
	return dft_store_add_note(g->st, r->batch, path, note);
}

static int queue_push(struct ingest *g, int64_t id)
{
	if (g->server) {
		/* the database is the queue: any worker claims it */
		g->queued_total++;
		return 0;
	}
	if (g->qhead + g->qlen == g->qcap) {
		if (g->qhead > 0) {
			memmove(g->queue, g->queue + g->qhead, g->qlen * sizeof(*g->queue));
			g->qhead = 0;
		} else {
			size_t cap = g->qcap ? g->qcap * 2 : 1024;
			int64_t *q = dft_realloc(g->queue, cap * sizeof(*q));
			if (!q)
				return DFT_ENOMEM;
			g->queue = q;
			g->qcap = cap;
		}
	}
	g->queue[g->qhead + g->qlen++] = id;
	g->queued_total++;
	return 0;
}

static int queue_pop(struct ingest *g, int64_t *id)
{
	if (!g->qlen)
		return 0;
	*id = g->queue[g->qhead++];
	g->qlen--;
	return 1;
}

/* A file name as it may be shown and stored: valid UTF-8, with any byte
 * that is not written as \xNN so that two names never look the same. */
static int add_display_name(dft_buf *b, const char *name)
{
	size_t n = strlen(name);
	const unsigned char *p = (const unsigned char *)name;
	int rc = 0;
	if (dft_utf8_valid(name, n))
		return dft_buf_add(b, name, n);
	while (*p && rc == 0) {
		size_t k = 1;
		if (*p >= 0x80) {
			k = (*p >= 0xF0) ? 4 : (*p >= 0xE0) ? 3 : (*p >= 0xC0) ? 2 : 1;
			if (strnlen((const char *)p, k) < k || !dft_utf8_valid((const char *)p, k) || k == 1) {
				rc = dft_buf_addf(b, "\\x%02X", *p);
				p++;
				continue;
			}
		}
		rc = dft_buf_add(b, p, k);
		p += k;
	}
	return rc;
}

/* ---- progress ------------------------------------------------------------ */

static void draw_progress(struct ingest *g, int final)
{
	double now = dft_now(), el;
	dft_ingest_result *r = g->r;
	char eta[32] = "";
	if (!g->o->progress || g->count_only)
		return;
	if (!final && now - g->last_draw < 0.2)
		return;
	g->last_draw = now;
	el = now - g->t0;
	if (el <= 0)
		el = 1e-9;
	if (g->total_files > 0 && r->files_seen > 0 && r->files_seen < g->total_files) {
		double left = (double)(g->total_files - r->files_seen) / ((double)r->files_seen / el);
		snprintf(eta, sizeof(eta), " ETA %dm%02ds", (int)left / 60, (int)left % 60);
	}
	fprintf(stderr, "\r\033[K%lld/%lld files  %.0f files/s  %.1f MB/s  extracted %lld/%lld%s%s",
		(long long)r->files_seen, (long long)g->total_files, (double)r->files_seen / el,
		(double)r->bytes / el / 1e6, (long long)r->extracted, (long long)g->queued_total, eta,
		final ? "\n" : "");
}

/* ---- workers --------------------------------------------------------------- */

static void job_dispose(struct job *j)
{
	size_t i;
	for (i = 0; i < j->nchildren; i++) {
		free(j->children[i].name);
		free(j->children[i].failed);
	}
	free(j->children);
	if (j->in_child)
		dft_blob_writer_abort(&j->bw);
	free(j->child_name);
	free(j->path);
	free(j->error);
	dft_buf_dispose(&j->text);
	dft_buf_dispose(&j->meta);
	dft_buf_dispose(&j->notes);
	dft_analysis_result_dispose(&j->an);
	memset(j, 0, sizeof(*j));
}

static int job_note(struct job *j, const char *fmt, ...) DFT_PRINTF(2, 3);
static int job_note(struct job *j, const char *fmt, ...)
{
	va_list ap;
	int rc;
	if (j->notes.len && (rc = dft_buf_addc(&j->notes, '\n')) < 0)
		return rc;
	va_start(ap, fmt);
	rc = dft_buf_vaddf(&j->notes, fmt, ap);
	va_end(ap);
	return rc;
}

static int add_child(struct job *j, const char *name, const char *sha, int64_t size, int64_t mtime, const char *failed)
{
	struct child_rec *c = dft_realloc(j->children, (j->nchildren + 1) * sizeof(*c));
	if (!c)
		return DFT_ENOMEM;
	j->children = c;
	c = &c[j->nchildren++];
	memset(c, 0, sizeof(*c));
	c->name = dft_strdup(name);
	if (sha)
		memcpy(c->sha, sha, DFT_SHA256_HEX);
	c->size = size;
	c->mtime = mtime;
	c->failed = failed ? dft_strdup(failed) : NULL;
	return 0;
}

struct frame_ctx {
	struct ingest *g;
	struct slot *s;
};

static int on_frame(void *ctx, int kind, const char *p, size_t n)
{
	struct frame_ctx *fc = ctx;
	struct ingest *g = fc->g;
	struct job *j = &fc->s->job;
	const dft_limits *l = &g->o->limits;
	int rc = 0;

	if (!fc->s->busy || j->done)
		return dft_error_set(DFT_EINVAL, "a worker spoke out of turn");
	switch (kind) {
	case DFT_FRAME_MIME:
		snprintf(j->mime, sizeof(j->mime), "%.*s", (int)n, p);
		break;
	case DFT_FRAME_TEXT:
		if (j->text_truncated)
			break;
		if (j->text.len + n > l->max_text) {
			/* the extractor should have cut it; this is the backstop */
			j->text_truncated = 1;
			return job_note(j, "text longer than %llu MiB: the rest was not kept",
					(unsigned long long)(l->max_text >> 20));
		}
		return dft_buf_add(&j->text, p, n);
	case DFT_FRAME_META:
		if (!memchr(p, '\0', n))
			return dft_error_set(DFT_EINVAL, "bad metadata frame");
		if ((rc = dft_buf_add(&j->meta, p, n)) < 0)
			return rc;
		if (p[n - 1] != '\0')
			rc = dft_buf_addc(&j->meta, '\0');
		return rc;
	case DFT_FRAME_NOTE:
		return job_note(j, "%.*s", (int)n, p);
	case DFT_FRAME_CHILD:
		if (n < 16 || j->in_child)
			return dft_error_set(DFT_EINVAL, "bad child frame");
		if (j->nchildren >= l->max_members) {
			j->child_dropped = 1;
			j->in_child = 0;
			break;
		}
		memcpy(&j->child_size, p, 8);
		memcpy(&j->child_mtime, p + 8, 8);
		free(j->child_name);
		if (!(j->child_name = dft_malloc(n - 16 + 1)))
			return DFT_ENOMEM;
		memcpy(j->child_name, p + 16, n - 16);
		j->child_name[n - 16] = '\0';
		if ((rc = dft_blob_writer_open(g->st, &j->bw, 1)) < 0)
			return rc;
		j->in_child = 1;
		j->child_dropped = 0;
		break;
	case DFT_FRAME_CHILD_DATA:
		if (!j->in_child)
			break; /* a dropped child */
		if (j->bw.size + n > l->max_member_size) {
			dft_blob_writer_abort(&j->bw);
			j->in_child = 0;
			j->child_dropped = 1;
			return add_child(j, j->child_name, NULL, j->child_size, j->child_mtime,
					 "member larger than the per-member limit");
		}
		return dft_blob_writer_write(&j->bw, p, n);
	case DFT_FRAME_CHILD_END: {
		char sha[DFT_SHA256_HEX];
		int64_t size;
		if (!j->in_child)
			break;
		j->in_child = 0;
		size = (int64_t)j->bw.size;
		if ((rc = dft_blob_writer_commit(g->st, &j->bw, sha)) < 0)
			return rc;
		return add_child(j, j->child_name, sha, size, j->child_mtime, NULL);
	}
	case DFT_FRAME_CHILD_FAILED: {
		int64_t size;
		const char *name, *reason;
		if (n < 9 || !memchr(p + 8, '\0', n - 8))
			return dft_error_set(DFT_EINVAL, "bad failed-child frame");
		memcpy(&size, p, 8);
		name = p + 8;
		reason = name + strlen(name) + 1;
		{
			char *r2 = strndup(reason, (size_t)(p + n - reason));
			if (!r2)
				return DFT_ENOMEM;
			rc = add_child(j, name, NULL, size, 0, r2);
			free(r2);
		}
		return rc;
	}
	case DFT_FRAME_FAILED:
		j->done = 1;
		j->failed = 1;
		j->error = strndup(p, n);
		break;
	case DFT_FRAME_DONE:
		j->done = 1;
		snprintf(j->type, sizeof(j->type), "%.*s", (int)n, p);
		break;
	case DFT_FRAME_SIG:
	case DFT_FRAME_MENTIONS:
	case DFT_FRAME_TERMS:
		return dft_analysis_take(&j->an, kind, p, n, j->text.len, j->text.ptr);
	default:
		return dft_error_set(DFT_EINVAL, "a worker sent an unknown frame '%c'", kind);
	}
	return rc;
}

/* A value from the "key\0value\0" pairs an extractor sent, or NULL. */
static const char *meta_value(const dft_buf *meta, const char *key)
{
	const char *p = meta->ptr, *end = meta->ptr + meta->len, *found = NULL;
	while (p && p < end) {
		const char *v = p + strlen(p) + 1;
		if (v >= end)
			break;
		if (!strcmp(p, key))
			found = v; /* the last one wins */
		p = v + strlen(v) + 1;
	}
	return found;
}

static int64_t meta_int(const dft_buf *meta, const char *key)
{
	const char *v = meta_value(meta, key);
	return v ? strtoll(v, NULL, 10) : 0;
}

/* Store one document's extraction: its children, then its own result. */
static int store_job(struct ingest *g, struct job *j)
{
	dft_ingest_result *r = g->r;
	const dft_limits *l = &g->o->limits;
	dft_extraction ex;
	dft_buf path;
	size_t i;
	int rc = 0;

	dft_buf_init(&path, 1 << 20);
	if (j->nchildren > 0 && j->nchildren >= l->max_members && !j->failed) {
		j->failed = 1;
		free(j->error);
		j->error = dft_strdup("archive has more members than the limit");
	}
	for (i = 0; i < j->nchildren && rc == 0; i++) {
		struct child_rec *c = &j->children[i];
		dft_location loc;
		int64_t id;
		int is_new;
		dft_buf_reset(&path);
		if ((rc = dft_buf_addf(&path, "%s!/%s", j->path, c->name)) < 0)
			break;
		memset(&loc, 0, sizeof(loc));
		loc.sha256 = c->failed ? NULL : c->sha;
		loc.size = c->size;
		loc.path = dft_buf_cstr(&path);
		loc.parent = j->doc_id;
		loc.batch = g->work ? j->batch : r->batch;
		loc.mtime = c->mtime;
		loc.depth = j->depth + 1;
		loc.stored = 1;
		loc.error = c->failed;
		if ((rc = dft_store_add_location(g->st, &loc, &id, &is_new)) < 0)
			break;
		if (!c->failed && strcmp(c->sha, j->sha) == 0)
			rc = job_note(j, "%s is a copy of the archive itself: not opened again", c->name);
		if (!is_new) {
			if (!c->failed)
				r->duplicates++;
			continue;
		}
		r->documents_added++;
		if (c->failed) {
			r->failed++;
		} else if (j->depth + 1 > l->max_depth) {
			dft_extraction fx = {0};
			char err[96];
			snprintf(err, sizeof(err), "nested more than %d archives deep: not opened", l->max_depth);
			fx.status = "failed";
			fx.error = err;
			r->failed++;
			rc = dft_store_set_extraction(g->st, id, &fx);
		} else {
			rc = queue_push(g, id);
		}
	}
	if (rc == 0) {
		memset(&ex, 0, sizeof(ex));
		ex.mime = j->mime[0] ? j->mime : NULL;
		ex.type = j->type[0] ? j->type : dft_extract_type_for(ex.mime, j->path);
		ex.status = j->failed ? "failed" : "ok";
		ex.error = j->failed ? (j->error ? j->error : "extraction failed") : NULL;
		ex.text = j->text.ptr;
		ex.text_len = j->text.len;
		ex.meta = j->meta.ptr;
		ex.meta_len = j->meta.len;
		ex.notes = j->notes.len ? j->notes.ptr : NULL;
		ex.language = meta_value(&j->meta, "language");
		ex.pages = meta_int(&j->meta, "pages");
		/* the text's terms for the index, when its worker analysed it
		 * (analysis.c); otherwise the store analyses it */
		if (j->an.terms_done && !j->failed && !j->text_truncated && ex.text_len) {
			ex.index_terms = j->an.terms.ptr;
			ex.index_terms_len = j->an.terms.len;
			r->terms_docs++;
		}
		rc = dft_store_set_extraction(g->st, j->doc_id, &ex);
		/* the near-duplicate signature and the entity mentions, in the
		 * same transaction, so that `dups`, `new` and the entity pass
		 * find nothing left to do. The worker read them (analysis.c);
		 * a text it did not sign (too long for it) is signed here, and
		 * one it did not scan is left to the entity pass. */
		if (rc == 0 && ex.text_len && !j->failed) {
			if (j->an.has_sig) {
				j->an.sig.doc_id = j->doc_id;
				rc = dft_store_dedup_put(g->st, &j->an.sig);
			} else {
				rc = dft_dedup_sign(g->st, g->dedup_an, j->doc_id, ex.text, ex.text_len);
			}
		}
		if (rc == 0 && ex.text_len && !j->failed && j->an.mentions_done) {
			rc = dft_entities_store(g->st, j->doc_id, ex.text, ex.text_len, &j->an.ms);
			r->entity_docs++;
			r->mentions += (int64_t)j->an.ms.n;
		}
	}
	if (j->failed)
		r->failed++;
	r->extracted++;
	dft_buf_dispose(&path);
	return rc;
}

/* In a worker: run write() in a transaction of its own, only while the
 * lease on doc_id is still held; a deadlock or a conflict with another
 * worker's commit (PostgreSQL's serialisation errors) is tried again, with
 * the run's counters as they were before the try. */
static int leased_write(struct ingest *g, int64_t doc_id, int (*write)(struct ingest *g, void *ctx), void *ctx)
{
	int rc = 0, held, tries;
	for (tries = 0; tries < 5; tries++) {
		dft_ingest_result saved = *g->r;
		if ((rc = dft_store_begin(g->st)) < 0)
			return rc;
		if ((held = dft_store_job_held(g->st, doc_id, g->work->owner)) <= 0) {
			dft_store_rollback(g->st);
			if (held == 0) {
				dft_log("document %lld: lease lost to another worker; its result is not stored",
					(long long)doc_id);
				g->r->lost++;
			}
			return held;
		}
		if ((rc = write(g, ctx)) == 0 && (rc = dft_store_commit(g->st)) == 0)
			return 0;
		dft_store_rollback(g->st);
		if (!dft_store_retryable(g->st))
			return rc;
		dft_log("document %lld: %s; storing it again", (long long)doc_id, dft_error_msg());
		*g->r = saved;
	}
	return rc;
}

struct job_write {
	struct job *j;
	size_t notes_len; /* the job's notes before a try added any */
};

static int write_job(struct ingest *g, void *ctx)
{
	struct job_write *jw = ctx;
	jw->j->notes.len = jw->notes_len;
	return store_job(g, jw->j);
}

/* Commit one document's extraction and free its slot. */
static int finish_job(struct ingest *g, struct slot *s)
{
	struct job *j = &s->job;
	int rc;
	if (j->in_child) {
		dft_blob_writer_abort(&j->bw);
		j->in_child = 0;
	}
	if (g->work) {
		struct job_write jw = {j, j->notes.len};
		rc = leased_write(g, j->doc_id, write_job, &jw);
	} else
		rc = store_job(g, j);
	job_dispose(j);
	s->busy = 0;
	if (rc == 0 && !g->work)
		rc = maybe_commit(g, 0);
	return rc;
}

/* The worker of slot s ended or was killed with a document in hand. */
static int worker_lost(struct ingest *g, struct slot *s, int force, const char *reason)
{
	char why[256];
	dft_worker_stop(s->w, force, why, sizeof(why));
	s->w = NULL;
	if (!s->busy)
		return 0;
	if (interrupted) {
		/* the user stopped us: the document stays pending for the next run */
		job_dispose(&s->job);
		s->busy = 0;
		return 0;
	}
	if (!s->job.done) {
		s->job.done = 1;
		s->job.failed = 1;
		free(s->job.error);
		s->job.error = dft_strdup(reason ? reason : why[0] ? why : "extractor ended without an answer");
	}
	return finish_job(g, s);
}

/* A document fails before any extractor saw it; in a worker, only while
 * its lease is still ours. */
struct failure {
	int64_t id;
	const char *error;
};

static int write_failure(struct ingest *g, void *ctx)
{
	const struct failure *f = ctx;
	dft_extraction fx = {0};
	fx.status = "failed";
	fx.error = f->error;
	g->r->failed++;
	return dft_store_set_extraction(g->st, f->id, &fx);
}

static int fail_document(struct ingest *g, int64_t id, const char *error)
{
	struct failure f = {id, error};
	return g->work ? leased_write(g, id, write_failure, &f) : write_failure(g, &f);
}

static int start_job(struct ingest *g, struct slot *s, int64_t id)
{
	dft_doc d;
	int fd, rc, tries;

	if ((rc = dft_store_doc_get(g->st, id, &d)) < 0)
		return rc;
	if (strcmp(d.status, "pending") != 0) {
		dft_doc_dispose(&d);
		return 0;
	}
	/* the file, or (an encrypted case) its bytes decrypted into memory */
	if ((rc = dft_blob_open_fd(g->st, d.sha256, d.stored ? NULL : d.source ? d.source : "", &fd)) < 0) {
		char err[512];
		if (rc == DFT_ENOMEM)
			goto done;
		snprintf(err, sizeof(err), "the original cannot be read: %s", dft_error_msg());
		rc = fail_document(g, id, err);
		goto done;
	}
	memset(&s->job, 0, sizeof(s->job));
	s->job.doc_id = id;
	s->job.batch = d.batch;
	s->job.depth = d.depth;
	memcpy(s->job.sha, d.sha256, DFT_SHA256_HEX);
	s->job.path = d.path;
	d.path = NULL;
	dft_buf_init(&s->job.text, g->o->limits.max_text + 16);
	dft_buf_init(&s->job.meta, (size_t)16 << 20);
	dft_buf_init(&s->job.notes, (size_t)1 << 20);
	dft_analysis_result_init(&s->job.an);
	s->job.started = dft_now();
	for (tries = 0; tries < 2; tries++) {
		if (!s->w && (rc = dft_worker_start(&s->w, &g->o->limits, dft_analysis_hook(g->analysis))) < 0)
			break;
		if ((rc = dft_worker_send(s->w, dup(fd), s->job.path)) == 0)
			break;
		/* the idle worker had left (recycled): start another */
		dft_worker_stop(s->w, 1, NULL, 0);
		s->w = NULL;
	}
	close(fd);
	if (rc < 0) {
		job_dispose(&s->job);
		goto done;
	}
	s->busy = 1;
done:
	dft_doc_dispose(&d);
	return rc;
}

/* Read from workers (waiting up to timeout_ms), finish what is done, kill
 * what is late, and hand out queued documents to idle workers. */
static int busy_count(struct ingest *g)
{
	int i, n = 0;
	for (i = 0; i < g->nslots; i++)
		n += g->slots[i].busy;
	return n;
}

static int service(struct ingest *g, int timeout_ms)
{
	struct pollfd pfd[64] = {{0}};
	int idx[64] = {0}, n = 0, i, rc;
	double now;

	if (!g->work && (rc = commit_if_old(g)) < 0)
		return rc;
	for (i = 0; i < g->nslots; i++) {
		if (!g->slots[i].w)
			continue;
		pfd[n].fd = dft_worker_socket(g->slots[i].w);
		pfd[n].events = POLLIN;
		idx[n++] = i;
	}
	if (n && poll(pfd, (nfds_t)n, timeout_ms) < 0 && errno != EINTR)
		return dft_error_set(DFT_EIO, "poll: %s", strerror(errno));
	for (i = 0; i < n; i++) {
		struct slot *s = &g->slots[idx[i]];
		struct frame_ctx fc = {g, s};
		if (!(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		rc = dft_worker_read(s->w, on_frame, &fc);
		if (rc < 0) {
			/* a protocol error or a store error while handling it */
			if (dft_error_code() == DFT_EINVAL) {
				char msg[512];
				snprintf(msg, sizeof(msg), "extractor protocol error: %s", dft_error_msg());
				if ((rc = worker_lost(g, s, 1, msg)) < 0)
					return rc;
				continue;
			}
			return rc;
		}
		if (s->busy && s->job.done && (rc = finish_job(g, s)) < 0)
			return rc;
		if (rc == 1 && (rc = worker_lost(g, s, 0, NULL)) < 0)
			return rc;
	}
	now = dft_now();
	for (i = 0; i < g->nslots; i++) {
		struct slot *s = &g->slots[i];
		if (s->busy && now - s->job.started > g->o->limits.timeout_s) {
			char msg[64];
			snprintf(msg, sizeof(msg), "timed out after %d s", g->o->limits.timeout_s);
			if ((rc = worker_lost(g, s, 1, msg)) < 0)
				return rc;
		}
	}
	for (i = 0; i < g->nslots && g->qlen; i++) {
		int64_t id;
		if (g->slots[i].busy || !queue_pop(g, &id))
			continue;
		if ((rc = start_job(g, &g->slots[i], id)) < 0)
			return rc;
	}
	/* nothing waiting: the idle workers' CPUs go to the pages of the
	 * documents in hand (a long scanned PDF at the end of a trove) */
	if (!g->work)
		dft_worker_lend(g->qlen ? 0 : g->nslots - busy_count(g));
	draw_progress(g, 0);
	return 0;
}

/* ---- walking ------------------------------------------------------------ */

static int ingest_file(struct ingest *g, const char *fs, const char *disp, const struct stat *sb)
{
	dft_ingest_result *r = g->r;
	dft_blob_writer bw;
	dft_location loc;
	char sha[DFT_SHA256_HEX], err[512];
	int64_t mtime_ns = (int64_t)sb->st_mtim.tv_sec * 1000000000 + sb->st_mtim.tv_nsec;
	int64_t id;
	int fd = -1, seen, is_new, rc;
	char *chunk = NULL;
	struct stat fsb;

	if (g->count_only) {
		g->total_files++;
		g->total_bytes += (uint64_t)sb->st_size;
		return 0;
	}
	r->files_seen++;
	if ((rc = dft_store_seen_file(g->st, fs, sb->st_size, mtime_ns, &seen)) < 0)
		return rc;
	if (seen) {
		r->files_unchanged++;
		return 0;
	}
	memset(&loc, 0, sizeof(loc));
	loc.path = disp;
	loc.source = fs;
	loc.batch = r->batch;
	loc.mtime = sb->st_mtim.tv_sec;
	loc.stored = !g->o->no_copy;
	fd = open(fs, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 || fstat(fd, &fsb) < 0 || !S_ISREG(fsb.st_mode)) {
		snprintf(err, sizeof(err), "cannot read the file: %s", fd < 0 ? strerror(errno) : "not a regular file");
		goto failed;
	}
	if (!(chunk = dft_malloc(READ_CHUNK))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if ((rc = dft_blob_writer_open(g->st, &bw, !g->o->no_copy)) < 0)
		goto done;
	for (;;) {
		ssize_t n = read(fd, chunk, READ_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, sizeof(err), "read error after %llu bytes: %s",
				 (unsigned long long)bw.size, strerror(errno));
			dft_blob_writer_abort(&bw);
			goto failed;
		}
		if (n == 0)
			break;
		if ((rc = dft_blob_writer_write(&bw, chunk, (size_t)n)) < 0) {
			dft_blob_writer_abort(&bw);
			goto done;
		}
		r->bytes += (uint64_t)n;
		if ((r->bytes & ((64u << 20) - 1)) < (uint64_t)n)
			draw_progress(g, 0);
		if (!g->work && (rc = commit_if_old(g)) < 0) {
			dft_blob_writer_abort(&bw);
			goto done;
		}
	}
	loc.size = (int64_t)bw.size;
	if ((rc = dft_blob_writer_commit(g->st, &bw, sha)) < 0)
		goto done;
	loc.sha256 = sha;
	if ((rc = dft_store_add_location(g->st, &loc, &id, &is_new)) < 0)
		goto done;
	if (is_new) {
		r->documents_added++;
		rc = queue_push(g, id);
	} else {
		r->duplicates++;
	}
	if (rc == 0)
		rc = dft_store_mark_seen(g->st, fs, sb->st_size, mtime_ns, id);
	goto done;
failed:
	loc.error = err;
	loc.size = sb->st_size;
	if ((rc = dft_store_add_location(g->st, &loc, &id, &is_new)) == 0 && is_new) {
		r->documents_added++;
		r->failed++;
	}
done:
	free(chunk);
	if (fd >= 0)
		close(fd);
	if (rc == 0)
		rc = maybe_commit(g, 0);
	if (rc == 0)
		rc = service(g, 0);
	return rc;
}

static int visited(struct ingest *g, const struct stat *sb)
{
	size_t i;
	struct devino *v;
	for (i = 0; i < g->nvisited; i++)
		if (g->visited[i].dev == sb->st_dev && g->visited[i].ino == sb->st_ino)
			return 1;
	if (g->nvisited == g->capvisited) {
		size_t cap = g->capvisited ? g->capvisited * 2 : 256;
		v = dft_realloc(g->visited, cap * sizeof(*v));
		if (!v)
			return -1;
		g->visited = v;
		g->capvisited = cap;
	}
	g->visited[g->nvisited].dev = sb->st_dev;
	g->visited[g->nvisited].ino = sb->st_ino;
	g->nvisited++;
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk(struct ingest *g, dft_buf *fs, dft_buf *disp, int depth);

static int walk_dir(struct ingest *g, dft_buf *fs, dft_buf *disp, int depth, const struct stat *sb)
{
	DIR *d;
	struct dirent *e;
	char **names = NULL;
	size_t n = 0, cap = 0, i, fslen = fs->len, displen = disp->len;
	int rc = 0, v;
	char note[256];

	if (sb->st_dev == g->case_dir.dev && sb->st_ino == g->case_dir.ino)
		return add_note(g, dft_buf_cstr(disp), "the case folder itself is not ingested");
	if ((v = visited(g, sb)) < 0)
		return DFT_ENOMEM;
	if (v)
		return add_note(g, dft_buf_cstr(disp), "directory already walked (a symlink loop): not entered again");
	if (depth > MAX_DIR_DEPTH)
		return add_note(g, dft_buf_cstr(disp), "folders nested too deep: not entered");
	if (!(d = opendir(dft_buf_cstr(fs)))) {
		snprintf(note, sizeof(note), "folder cannot be read: %s", strerror(errno));
		return add_note(g, dft_buf_cstr(disp), note);
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (n == cap) {
			char **nn = dft_realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!nn) {
				rc = DFT_ENOMEM;
				break;
			}
			names = nn;
		}
		if (!(names[n] = dft_strdup(e->d_name))) {
			rc = DFT_ENOMEM;
			break;
		}
		n++;
	}
	closedir(d);
	if (rc == 0)
		dft_sort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n && rc == 0 && !interrupted; i++) {
		fs->len = fslen;
		disp->len = displen;
		if ((rc = dft_buf_addc(fs, '/')) < 0 || (rc = dft_buf_adds(fs, names[i])) < 0)
			break;
		if (disp->len && (rc = dft_buf_addc(disp, '/')) < 0)
			break;
		if ((rc = add_display_name(disp, names[i])) < 0)
			break;
		rc = walk(g, fs, disp, depth + 1);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	fs->len = fslen;
	disp->len = displen;
	if (fs->ptr)
		fs->ptr[fslen] = '\0';
	if (disp->ptr)
		disp->ptr[displen] = '\0';
	return rc;
}

static int walk(struct ingest *g, dft_buf *fs, dft_buf *disp, int depth)
{
	struct stat sb;
	char note[512];
	const char *shown = disp->len ? dft_buf_cstr(disp) : dft_buf_cstr(fs);

	if (lstat(dft_buf_cstr(fs), &sb) < 0) {
		snprintf(note, sizeof(note), "cannot be read: %s", strerror(errno));
		return add_note(g, shown, note);
	}
	if (S_ISLNK(sb.st_mode)) {
		char *real = realpath(dft_buf_cstr(fs), NULL);
		size_t rl = strlen(g->root_real);
		int rc;
		if (!real) {
			snprintf(note, sizeof(note), "symlink that leads nowhere (%s): skipped", strerror(errno));
			return add_note(g, shown, note);
		}
		if (!(strncmp(real, g->root_real, rl) == 0 && (real[rl] == '/' || real[rl] == '\0' || rl == 1))) {
			snprintf(note, sizeof(note), "symlink to outside the input (%.400s): not followed", real);
			free(real);
			return add_note(g, shown, note);
		}
		free(real);
		if (stat(dft_buf_cstr(fs), &sb) < 0) {
			snprintf(note, sizeof(note), "symlink cannot be followed: %s", strerror(errno));
			return add_note(g, shown, note);
		}
		rc = 0;
		(void)rc;
	}
	if (S_ISDIR(sb.st_mode))
		return walk_dir(g, fs, disp, depth, &sb);
	if (S_ISREG(sb.st_mode))
		return ingest_file(g, dft_buf_cstr(fs), shown, &sb);
	snprintf(note, sizeof(note), "special file (%s): skipped",
		 S_ISFIFO(sb.st_mode) ? "named pipe" : S_ISSOCK(sb.st_mode) ? "socket"
		 : S_ISCHR(sb.st_mode) ? "character device" : S_ISBLK(sb.st_mode) ? "block device" : "unknown");
	return add_note(g, shown, note);
}

/* Walk one input argument: a folder's contents are named relative to it,
 * a lone file by its own name. */
static int walk_root(struct ingest *g, const char *arg)
{
	dft_buf fs, disp;
	struct stat sb;
	char *real = realpath(arg, NULL);
	int rc = 0;

	if (!real)
		return dft_error_set(DFT_EIO, "cannot read %s: %s", arg, strerror(errno));
	dft_buf_init(&fs, 1 << 20);
	dft_buf_init(&disp, 1 << 20);
	g->nvisited = 0;
	if ((rc = dft_buf_adds(&fs, real)) < 0)
		goto done;
	if (stat(real, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		g->root_real = real;
	} else {
		/* a single file: symlinks are resolved already by realpath */
		const char *base = strrchr(real, '/');
		g->root_real = real;
		if ((rc = add_display_name(&disp, base ? base + 1 : real)) < 0)
			goto done;
	}
	rc = walk(g, &fs, &disp, 0);
done:
	g->root_real = NULL;
	free(real);
	dft_buf_dispose(&fs);
	dft_buf_dispose(&disp);
	return rc;
}

/* ---- the run ------------------------------------------------------------ */

static int work_loop(struct ingest *g);

/* The extraction slots (o->jobs workers, default one a core) and the
 * analyzer for duplicate signatures; slots_free ends the workers. */
static int slots_init(struct ingest *g)
{
	int jobs = g->o->jobs > 0 ? g->o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN), rc;
	if (jobs < 1)
		jobs = 1;
	if (jobs > 64)
		jobs = 64;
	if (!(g->slots = dft_calloc((size_t)jobs, sizeof(*g->slots))))
		return DFT_ENOMEM;
	g->nslots = jobs;
	if ((rc = dft_analysis_new(&g->analysis, !g->o->no_entities, !g->server)) < 0)
		return rc;
	return dft_analyzer_new(&g->dedup_an, NULL, 0);
}

static void slots_free(struct ingest *g)
{
	int i;
	for (i = 0; i < g->nslots; i++) {
		if (g->slots[i].busy)
			job_dispose(&g->slots[i].job);
		dft_worker_stop(g->slots[i].w, 1, NULL, 0);
	}
	free(g->slots);
	g->slots = NULL;
	g->nslots = 0;
	dft_analysis_free(g->analysis);
	g->analysis = NULL;
}

static int load_pending(void *ctx, int64_t id)
{
	return queue_push(ctx, id);
}

int dft_ingest_run(dft_store *st, const char *const *paths, size_t npaths,
		   const dft_ingest_opts *o, dft_ingest_result *r)
{
	struct ingest g;
	struct stat sb;
	struct sigaction sa, old_int, old_term;
	char label[128];
	size_t i;
	int rc = 0;

	memset(&g, 0, sizeof(g));
	memset(r, 0, sizeof(*r));
	g.st = st;
	g.o = o;
	g.r = r;
	g.t0 = dft_now();
	g.server = dft_store_is_server(st);
	/* the ingest's writes are appends and its reads of the index's
	 * segments (merges) in order: a 16 MiB page cache is as fast as the
	 * default 64 and keeps the parent's peak 50 MB lower (#21) */
	if ((rc = dft_store_cache_mib(st, INGEST_CACHE_MIB)) < 0)
		return rc;
	for (i = 0; i < npaths; i++)
		if (access(paths[i], R_OK) != 0)
			return dft_error_set(DFT_EIO, "cannot read %s: %s", paths[i], strerror(errno));
	if (stat(dft_store_dir(st), &sb) == 0) {
		g.case_dir.dev = sb.st_dev;
		g.case_dir.ino = sb.st_ino;
	}
	if ((rc = slots_init(&g)) < 0)
		goto done;

	if (o->label && *o->label) {
		snprintf(label, sizeof(label), "%s", o->label);
	} else {
		dft_status s0;
		if ((rc = dft_store_status(st, &s0)) < 0)
			goto done;
		/* an interrupted unlabelled run is resumed under its own label */
		if (s0.nbatches && !s0.batches[s0.nbatches - 1].closed_at[0])
			snprintf(label, sizeof(label), "%s", s0.batches[s0.nbatches - 1].label);
		else
			snprintf(label, sizeof(label), "batch %zu", s0.nbatches + 1);
		dft_status_dispose(&s0);
	}
	if ((rc = dft_store_batch_open(st, label, &r->batch, &r->resumed)) < 0)
		goto done;
	snprintf(r->label, sizeof(r->label), "%s", label);
	if (!g.server && (rc = dft_store_pending(st, load_pending, &g)) < 0)
		goto done;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);

	if (o->progress) {
		g.count_only = 1;
		for (i = 0; i < npaths && rc == 0; i++)
			rc = walk_root(&g, paths[i]);
		g.count_only = 0;
	}
	for (i = 0; i < npaths && rc == 0 && !interrupted; i++)
		rc = walk_root(&g, paths[i]);
	if (g.server && rc == 0 && !interrupted && (rc = maybe_commit(&g, 1)) == 0 && !o->queue_only) {
		/* server mode: the queue is in the database; this process works
		 * it like any worker, beside the others, until nothing is left */
		dft_work_opts w;
		char owner[160];
		dft_ingest_worker_name(owner, sizeof(owner), "ingest");
		memset(&w, 0, sizeof(w));
		w.owner = owner;
		w.lease_s = 120;
		w.exit_when_idle = 1;
		g.work = &w;
		rc = work_loop(&g);
		g.work = NULL;
	}
	while (rc == 0 && !interrupted && (g.qlen || busy_count(&g)))
		rc = service(&g, 100);
	if (rc == 0 && interrupted)
		rc = dft_error_set(DFT_ERROR, "interrupted: run the same command again to resume");
	if (rc == 0)
		rc = dft_store_batch_close(st, r->batch);
	if (rc == 0)
		rc = maybe_commit(&g, 1);
	else
		dft_store_commit(st); /* keep what was finished; the rest resumes */
	draw_progress(&g, 1);
	dft_log("ingest: longest write transaction %.3f s; the workers scanned %lld texts for entities "
		"(%lld mentions) and analysed %lld for the index", r->longest_txn_s, (long long)r->entity_docs,
		(long long)r->mentions, (long long)r->terms_docs);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
done:
	slots_free(&g); /* the workers end: their CPU time is counted now */
	free(g.queue);
	free(g.visited);
	dft_analyzer_free(g.dedup_an);
	r->seconds = dft_now() - g.t0;
	{
		/* the parent is one process: with more cores the ingest takes at
		 * least its CPU time (docs/BENCHMARKS.md reads this line) */
		struct rusage self, kids;
		getrusage(RUSAGE_SELF, &self);
		getrusage(RUSAGE_CHILDREN, &kids);
		dft_log("ingest: CPU of the parent %.2f s, of the workers %.2f s, wall %.2f s; peak RSS of the "
			"parent %ld MB, of the largest worker %ld MB",
			(double)self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6 + (double)self.ru_stime.tv_sec +
				self.ru_stime.tv_usec / 1e6,
			(double)kids.ru_utime.tv_sec + kids.ru_utime.tv_usec / 1e6 + (double)kids.ru_stime.tv_sec +
				kids.ru_stime.tv_usec / 1e6,
			dft_now() - g.t0, self.ru_maxrss / 1024, kids.ru_maxrss / 1024);
	}
	return rc;
}

/* ---- a worker (server mode) -------------------------------------------- */

void dft_ingest_worker_name(char *out, size_t n, const char *role)
{
	char host[64];
	dft_hostname(host, sizeof(host));
	snprintf(out, n, "%s:%d:%lld%s%s", host, (int)getpid(), (long long)time(NULL), role ? ":" : "",
		 role ? role : "");
}

/* How often a worker may take a document before it is given up: a worker
 * killed on it each time (out of memory, a machine lost) does not get it
 * forever. */
#define MAX_ATTEMPTS 3

/* Claim, extract, store, until interrupted (or, with exit_when_idle, until
 * the case has nothing pending). */
static int work_loop(struct ingest *g)
{
	const dft_work_opts *w = g->work;
	dft_store *st = g->st;
	dft_ingest_result *r = g->r;
	double last_renew = 0, last_count = 0;
	int64_t pending = -1, leased = 0, freed;
	char host[64];
	int rc = 0, i;

	/* a worker of this machine killed earlier holds leases nobody renews */
	dft_hostname(host, sizeof(host));
	if ((rc = dft_store_job_reap(st, host, &freed)) < 0)
		return rc;
	while (rc == 0 && !interrupted) {
		double now = dft_now();
		int claimed = 0;
		if (now - last_renew > w->lease_s / 3.0) {
			if ((rc = dft_store_job_renew(st, w->owner, w->lease_s)) < 0)
				break;
			last_renew = now;
		}
		for (i = 0; i < g->nslots && rc == 0; i++) {
			int64_t id = 0, attempts = 0;
			if (g->slots[i].busy)
				continue;
			if ((rc = dft_store_job_claim(st, w->owner, w->lease_s, &id, &attempts)) <= 0)
				break;
			claimed++;
			if (attempts > MAX_ATTEMPTS) {
				char err[160];
				snprintf(err, sizeof(err), "given up after %lld attempts: the workers that took it "
							   "ended without an answer (killed or lost)", (long long)attempts - 1);
				rc = fail_document(g, id, err);
				r->extracted++;
				continue;
			}
			rc = start_job(g, &g->slots[i], id);
		}
		if (rc < 0)
			break;
		rc = 0;
		/* nothing to claim: the idle CPUs go to the documents in hand */
		dft_worker_lend(claimed ? 0 : g->nslots - busy_count(g));
		if (!claimed && !busy_count(g)) {
			/* nothing to take: done when the case has nothing pending at
			 * all (another worker's archive may still add children, and
			 * a dead worker's lease runs out in time) */
			if (now - last_count > 0.5) {
				if ((rc = dft_store_job_counts(st, &pending, &leased)) < 0)
					break;
				last_count = now;
				if (pending == 0 && w->exit_when_idle)
					break;
			}
			usleep(100 * 1000);
			continue;
		}
		rc = service(g, 50);
	}
	return rc;
}

int dft_ingest_work(dft_store *st, const dft_ingest_opts *o, const dft_work_opts *w, dft_ingest_result *r)
{
	struct ingest g;
	struct sigaction sa, old_int, old_term;
	int rc = 0;

	memset(&g, 0, sizeof(g));
	memset(r, 0, sizeof(*r));
	if (!dft_store_is_server(st))
		return dft_error_set(DFT_EINVAL, "%s is not a server-mode case: workers need a PostgreSQL store "
						 "(daftar init --store postgresql://... CASE); ingest extracts by itself here",
				     dft_store_dir(st));
	g.st = st;
	g.o = o;
	g.r = r;
	g.t0 = dft_now();
	g.server = 1;
	g.work = w;
	if ((rc = slots_init(&g)) < 0)
		goto done;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	signal(SIGPIPE, SIG_IGN);
	rc = work_loop(&g);
	if (rc == 0 && interrupted)
		rc = dft_error_set(DFT_ERROR, "interrupted: the documents in hand go back to the queue when their lease ends");
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
done:
	slots_free(&g);
	dft_analyzer_free(g.dedup_an);
	r->seconds = dft_now() - g.t0;
	return rc;
}
