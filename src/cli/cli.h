/* cli.h - what the command files of src/cli share: the parsed command
 * line and the few helpers every command uses to fail, open a case and
 * print its one JSON document (main.c). */
#ifndef DAFTAR_CLI_H
#define DAFTAR_CLI_H

#include "daftar/core.h"
#include "daftar/store.h"

struct args {
	const char *cmd;
	const char *pos[4096];
	int npos;
	int json;
	const char *batch;
	int jobs;
	int no_copy;
	int failed;
	const char *type;
	int text;
	int meta;
	int64_t limit, offset;
	int timeout;
	int facets;
	const char *sort;
	const char *diff;
	double threshold;
	const char *doc;  /* entities --doc */
	double min_score; /* xref; -1: the default */
	int no_entities;  /* ingest --no-entities */
	const char *listen; /* serve --listen ADDR:PORT */
	const char *role;   /* user add --role */
	const char *store;  /* --store postgresql://... (server mode) */
	int lease;          /* worker --lease SECONDS */
	int exit_when_idle; /* worker --exit-when-idle */
	int queue_only;     /* ingest --queue-only (server mode) */
	const char *name;   /* worker --name (default host:pid) */
};

/* Print "daftar: <message>" and the usage hint; returns exit status 2. */
int usage_error(const char *fmt, ...) DFT_PRINTF(1, 2);
/* Print the current error; returns the exit status for rc (1, or 2). */
int fail(int rc);
/* Print the JSON document in b, or fail when the writer failed. */
int emit_json(dft_json *j, dft_buf *b);
/* Print what an api.h producer wrote (rc: its return), or fail with its error. */
int emit_api(int rc, dft_json *j, dft_buf *b);
int open_case(dft_store **st, struct args *a, int writable);

/* entities_cmd.c; entities_update brings a case's entities up to date
 * and says so on stderr (ingest calls it after the documents) */
struct dft_entities_stats;
int entities_update(dft_store *st, struct dft_entities_stats *stats);
int cmd_entities(struct args *a);
int cmd_xref(struct args *a);
/* serve_cmd.c */
int cmd_serve(struct args *a);
/* user_cmd.c */
int cmd_user(struct args *a);
/* findings_cmd.c: tag, untag, tags, note, notes, claim, export,
 * verify-pack; these parse their own options from argv */
int findings_command(const char *cmd);
int cmd_findings(int argc, char **argv);

#endif
