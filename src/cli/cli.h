/* cli.h - what the command files of src/cli share: the parsed command
 * line and the few helpers every command uses to fail, open a case and
 * print its one JSON document (main.c). */
#ifndef DAFTAR_CLI_H
#define DAFTAR_CLI_H

#include "daftar/core.h"
#include "daftar/store.h"

#define CLI_MAX_POS 4096
#define CLI_MAX_CITES 256
#define CLI_MAX_WHERE 32

/* The command line, parsed once by cli_parse (args.c) for every command. */
struct args {
	const char *cmd;
	const char *pos[CLI_MAX_POS];
	int npos;
	int json;
	int help;           /* --help / -h: print the command's usage, exit 0 */
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
	int encrypt;        /* init --encrypt */
	int lease;          /* worker --lease SECONDS */
	int exit_when_idle; /* worker --exit-when-idle */
	int queue_only;     /* ingest --queue-only (server mode) */
	const char *name;   /* worker --name (default host:pid) */
	/* the findings commands (findings_cmd.c) */
	const char *cites[CLI_MAX_CITES]; /* claim add --cite DOC:PAGE:START-END */
	int ncites;
	const char *source, *status, *output, *format, *table, *redact;
	int claims;      /* export --claims */
	const char *to;         /* export --claims --to KEY.pub */
	const char *secret_key; /* verify-pack --secret-key KEY */
	int64_t context; /* export --claims --context; -1: the default */
	/* records (forms_cmd.c) */
	int64_t tmpl;                       /* --template T; 0: every template */
	const char *where[CLI_MAX_WHERE];   /* --where LABEL=VALUE */
	int nwhere;
	const char *count_by;               /* --count-by LABEL[:month|:year] */
	const char *mapping;                /* --mapping FILE (records --format ftm) */
};

/* One command of the CLI: its name, its help and the function that runs it
 * (args.c holds the table of them all). */
struct cli_command;
const struct cli_command *cli_command_find(const char *name);
/* Parse argv into a (every command's options, one table in args.c).
 * Returns 0, or the exit status of a usage error (2, already printed). */
int cli_parse(struct args *a, int argc, char **argv);
/* Run the parsed command line: help, or the command. Returns the exit status. */
int cli_run(struct args *a);
/* Print the overview (cmd NULL) or one command's usage, options and exit
 * status on stdout; returns 0, or 2 (printed) for an unknown command. */
int cli_help(const char *cmd);

/* Print the UTF-8 string s in a table column of width terminal columns:
 * padded with spaces after it, or, when cut is set and s is wider, cut on
 * a character boundary and ended with an ellipsis. */
void cli_col(const char *s, int width, int cut);

/* Print the usage of command cmd (its forms, from the table in args.c) on
 * stderr; returns exit status 2. For a wrong number of arguments. */
int cli_usage(const char *cmd);
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
int cmd_places(struct args *a);
int cmd_xref(struct args *a);
/* serve_cmd.c */
int cmd_serve(struct args *a);
/* user_cmd.c */
int cmd_user(struct args *a);
/* key_cmd.c */
int cmd_key(struct args *a);
/* findings_cmd.c: tag, untag, tags, note, notes, claim, export,
 * verify-pack (a->cmd says which) */
int cmd_findings(struct args *a);
/* main.c */
int cmd_init(struct args *a);
int cmd_ingest(struct args *a);
int cmd_worker(struct args *a);
int cmd_status(struct args *a);
int cmd_docs(struct args *a);
int cmd_show(struct args *a); /* and show --diff */
int cmd_verify(struct args *a);
int cmd_log(struct args *a);
int cmd_search(struct args *a);
int cmd_dups(struct args *a);
int cmd_new(struct args *a);
int cmd_forms(struct args *a);
int cmd_records(struct args *a);
int cmd_correct(struct args *a);

#endif
