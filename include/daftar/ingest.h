/*
 * ingest.h - adding files, folders and archives to a case: walk, hash,
 * keep the original, record where it was seen, and extract it in
 * sandboxed workers (children of archives come back as new documents).
 * Incremental (known path+size+mtime are skipped) and resumable (a killed
 * run, run again, ends where an uninterrupted run would have).
 */
#ifndef DAFTAR_INGEST_H
#define DAFTAR_INGEST_H

#include "daftar/extract.h"
#include "daftar/store.h"

typedef struct dft_ingest_opts {
	const char *label; /* batch label; NULL: "batch N" */
	int jobs;          /* worker processes; 0: number of cores */
	int no_copy;       /* record path + hash only, keep no copy */
	int progress;      /* draw a progress bar on stderr */
	int queue_only;    /* server mode: only queue the documents (workers extract) */
	int no_entities;   /* the workers do not scan texts for entities */
	dft_limits limits;
} dft_ingest_opts;

void dft_ingest_opts_default(dft_ingest_opts *o);

typedef struct dft_ingest_note {
	char *path;
	char *note;
} dft_ingest_note;

typedef struct dft_ingest_result {
	int64_t batch;
	char label[128];
	int resumed;           /* an interrupted run of this batch was resumed */
	int64_t files_seen;    /* regular files met in the walk */
	int64_t files_unchanged; /* skipped: same path, size and mtime as before */
	int64_t documents_added; /* new documents, archive members included */
	int64_t duplicates;    /* bytes already in the case, seen at a new place */
	int64_t failed;        /* documents that failed in this run */
	int64_t extracted;     /* documents extracted in this run */
	int64_t lost;          /* worker: results dropped, the lease having passed to another */
	int64_t entity_docs;   /* texts whose entity mentions the workers found and this run stored */
	int64_t terms_docs;    /* texts the workers analysed for the full-text index */
	int64_t mentions;      /* those mentions */
	uint64_t bytes;        /* bytes read from the input */
	double seconds;
	double longest_txn_s; /* the longest write transaction (what a workbench write may wait) */
	dft_ingest_note *notes; /* skipped files, symlinks, loops (first 1000) */
	size_t nnotes;
	int64_t notes_total;
} dft_ingest_result;

void dft_ingest_result_dispose(dft_ingest_result *r);

/* Ingest `paths` into the store as one batch. Fails (before anything is
 * written) if a path cannot be read. */
int dft_ingest_run(dft_store *st, const char *const *paths, size_t npaths,
		   const dft_ingest_opts *o, dft_ingest_result *r);

/* Server mode (store.h): a worker. Claims pending documents of the case
 * (leases of lease_s seconds, renewed while it works, under the name
 * `owner`, which must be unique among the workers), extracts them in o->jobs
 * sandboxed processes, and stores each result in its own transaction only
 * while the lease is still its own. Archive members become new pending
 * documents that any worker may take. With exit_when_idle it returns once
 * the case has no pending document left; otherwise it waits for more. */
typedef struct dft_work_opts {
	const char *owner;
	int lease_s;
	int exit_when_idle;
} dft_work_opts;

int dft_ingest_work(dft_store *st, const dft_ingest_opts *o, const dft_work_opts *w, dft_ingest_result *r);

/* A worker's default name, unique among workers: host:pid:start time
 * (unix seconds), then ":" and role when role is given; the form
 * dft_store_job_reap reads to free a dead worker's leases. */
void dft_ingest_worker_name(char *out, size_t n, const char *role);

#endif
