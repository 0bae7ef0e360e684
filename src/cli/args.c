/*
 * args.c - the one command-line parser of `daftar`, and its help. Every
 * command's options are in one table (options[]) and every command in
 * another (commands[]: its usage, what it does, the options it takes, its
 * exit status and the function that runs it); cli_parse reads argv into a
 * struct args for all of them, and `daftar COMMAND --help` (or `daftar
 * help COMMAND`) prints a command's entry. docs/CLI.md is the same in prose.
 *
 * Options may stand anywhere after the command, before `--` (after it
 * everything is an argument). An option takes its value from the next
 * argument (`--batch march`; `-j4` too). The commands of the findings
 * (tag ... verify-pack) have options of their own: an option of the other
 * commands is unknown to them, and the other way round, as when they had
 * parsers of their own. Exit status 2 on every usage error.
 */
#include "cli.h"
#include "daftar/crypt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the options -------------------------------------------------------- */

enum opt_id {
	O_JSON, O_VERBOSE, O_HELP, O_STORE, O_KEY_FILE, O_ENCRYPT, O_NEW_KEY_FILE,
	/* the commands of the case (family F_MAIN) */
	O_BATCH, O_JOBS, O_TIMEOUT, O_NO_COPY, O_NO_ENTITIES, O_QUEUE_ONLY, O_FAILED, O_TYPE, O_TEXT, O_META,
	O_FACETS, O_DIFF, O_THRESHOLD, O_DOC, O_MIN_SCORE, O_ROLE, O_LISTEN, O_BLOBS, O_LEASE, O_EXIT_WHEN_IDLE,
	O_NAME, O_SORT, O_LIMIT, O_OFFSET, O_TEMPLATE, O_WHERE, O_COUNT_BY, O_MAPPING,
	/* the findings (F_FINDINGS) */
	O_CLAIMS, O_CITE, O_SOURCE, O_STATUS, O_OUTPUT, O_FORMAT, O_TABLE, O_REDACT, O_CONTEXT, O_TO, O_SECRET_KEY
};

#define F_MAIN 1u
#define F_FINDINGS 2u
#define F_ALL (F_MAIN | F_FINDINGS)

struct cli_option {
	enum opt_id id;
	const char *name;    /* --long */
	const char *alias;   /* -s, or NULL */
	const char *arg;     /* the value's placeholder; NULL: a flag */
	unsigned family;     /* the commands that know it */
	const char *missing; /* the usage error when the value is missing */
};

static const struct cli_option options[] = {
	{O_JSON, "--json", NULL, NULL, F_ALL, NULL},
	{O_VERBOSE, "--verbose", "-v", NULL, F_ALL, NULL},
	{O_HELP, "--help", "-h", NULL, F_ALL, NULL},
	{O_STORE, "--store", NULL, "URL", F_ALL, "--store needs a postgresql:// URL"},
	{O_KEY_FILE, "--key-file", NULL, "FILE", F_ALL, "--key-file needs a file holding the passphrase"},
	{O_ENCRYPT, "--encrypt", NULL, NULL, F_MAIN, NULL},
	{O_NEW_KEY_FILE, "--new-key-file", NULL, "FILE", F_MAIN, "--new-key-file needs a file holding the new passphrase"},
	{O_BATCH, "--batch", NULL, "LABEL", F_MAIN, "--batch needs a label"},
	{O_JOBS, "--jobs", "-j", "N", F_MAIN, NULL},
	{O_TIMEOUT, "--timeout", NULL, "S", F_MAIN, NULL},
	{O_NO_COPY, "--no-copy", NULL, NULL, F_MAIN, NULL},
	{O_NO_ENTITIES, "--no-entities", NULL, NULL, F_MAIN, NULL},
	{O_QUEUE_ONLY, "--queue-only", NULL, NULL, F_MAIN, NULL},
	{O_FAILED, "--failed", NULL, NULL, F_MAIN, NULL},
	{O_TYPE, "--type", NULL, "T", F_MAIN, "--type needs a type (pdf, text, html, zip, ...)"},
	{O_TEXT, "--text", NULL, NULL, F_MAIN, NULL},
	{O_META, "--meta", NULL, NULL, F_MAIN, NULL},
	{O_FACETS, "--facets", NULL, NULL, F_MAIN, NULL},
	{O_DIFF, "--diff", NULL, "B", F_MAIN, "--diff needs a document"},
	{O_THRESHOLD, "--threshold", NULL, "J", F_MAIN, NULL},
	{O_DOC, "--doc", NULL, "DOC", F_MAIN, "--doc needs a document"},
	{O_MIN_SCORE, "--min-score", NULL, "S", F_MAIN, NULL},
	{O_ROLE, "--role", NULL, "ROLE", F_MAIN, "--role needs admin, editor or viewer"},
	{O_LISTEN, "--listen", NULL, "ADDR:PORT", F_MAIN, "--listen needs ADDR:PORT"},
	{O_BLOBS, "--blobs", NULL, "DIR", F_MAIN,
	 "--blobs needs the folder where this machine sees the case's blobs/"},
	{O_LEASE, "--lease", NULL, "S", F_MAIN, NULL},
	{O_EXIT_WHEN_IDLE, "--exit-when-idle", NULL, NULL, F_MAIN, NULL},
	{O_NAME, "--name", NULL, "NAME", F_MAIN, "--name needs a worker name"},
	{O_SORT, "--sort", NULL, "ORDER", F_MAIN, NULL},
	{O_LIMIT, "--limit", NULL, "N", F_MAIN, NULL},
	{O_OFFSET, "--offset", NULL, "N", F_MAIN, NULL},
	{O_TEMPLATE, "--template", NULL, "T", F_MAIN, "--template needs a template id (daftar forms lists them)"},
	{O_WHERE, "--where", NULL, "LABEL=VALUE", F_MAIN, "--where needs LABEL=VALUE"},
	{O_COUNT_BY, "--count-by", NULL, "LABEL", F_MAIN, "--count-by needs a label"},
	{O_MAPPING, "--mapping", NULL, "FILE", F_MAIN, "--mapping needs a file (records --format ftm-mapping writes one)"},
	{O_CLAIMS, "--claims", NULL, NULL, F_FINDINGS, NULL},
	{O_CITE, "--cite", NULL, "DOC:PAGE:START-END", F_FINDINGS, "--cite needs DOC:PAGE:START-END"},
	{O_SOURCE, "--source", NULL, "S", F_FINDINGS, NULL},
	{O_STATUS, "--status", NULL, "STATUS", F_FINDINGS, NULL},
	{O_OUTPUT, "--output", "-o", "FILE", F_ALL, NULL},
	{O_FORMAT, "--format", NULL, "FORMAT", F_ALL, NULL},
	{O_TABLE, "--table", NULL, "TABLE", F_FINDINGS, NULL},
	{O_REDACT, "--redact", NULL, "KINDS", F_FINDINGS, NULL},
	{O_CONTEXT, "--context", NULL, "N", F_FINDINGS, NULL},
	{O_TO, "--to", NULL, "KEY.pub", F_FINDINGS, "--to needs a public key file (daftar keygen makes one)"},
	{O_SECRET_KEY, "--secret-key", NULL, "KEY", F_FINDINGS, "--secret-key needs the secret key file"},
};

static const struct cli_option *option_find(const char *s)
{
	size_t i;
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (!strcmp(s, options[i].name) || (options[i].alias && !strcmp(s, options[i].alias)))
			return &options[i];
	return NULL;
}

static const struct cli_option *option_by_id(enum opt_id id)
{
	size_t i;
	for (i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (options[i].id == id)
			return &options[i];
	return NULL;
}

/* ---- the commands -------------------------------------------------------- */

#define CMD_FINDINGS 1 /* options of family F_FINDINGS */
#define CMD_SUB 2      /* a subcommand comes before CASE (user add, claim list) */
#define CMD_NOCASE 4   /* takes no CASE (verify-pack) */
#define CMD_MAX_OPTS 12

struct cli_opt_help {
	enum opt_id id;
	const char *help; /* what the option does for this command */
};

struct cli_command {
	const char *name;
	const char *usage; /* the forms, one a line, without "daftar " */
	const char *about; /* what it does */
	struct cli_opt_help opts[CMD_MAX_OPTS];
	int nopts;
	const char *exits; /* NULL: 0 success, 1 failure, 2 usage error */
	int flags;
	int (*run)(struct args *a);
};

#define OPTS(...) {__VA_ARGS__}, (int)(sizeof((struct cli_opt_help[]){__VA_ARGS__}) / sizeof(struct cli_opt_help))

static const char exits_default[] = "0 success\n1 failure\n2 usage error";

static const struct cli_command commands[] = {
	{"init", "init CASE [--encrypt [--key-file FILE]]\ninit --store postgresql://HOST/DB CASE [--encrypt [--key-file FILE]]",
	 "Make a new, empty case folder; refuses a folder that holds other things.\n"
	 "With --encrypt everything daftar writes in it is ciphertext (docs/SECURITY.md): the passphrase\n"
	 "is asked twice on the terminal, or read as one line on stdin when stdin is not a terminal, or\n"
	 "from the key file; every command on the case then reads it the same way.\n"
	 "With --store the case is kept in PostgreSQL (server mode, docs/SCALING.md):\n"
	 "CASE then holds server.conf and blobs/ only; with --encrypt also keys, and the blobs are\n"
	 "ciphertext (the database is PostgreSQL's to protect: its disk encryption, and TLS in the URL,\n"
	 "e.g. ?sslmode=verify-full&sslrootcert=ca.crt).",
	 OPTS({O_ENCRYPT, "encrypt the case at rest (a passphrase unlocks it)"},
	      {O_KEY_FILE, "--encrypt: the passphrase is this file's first line"},
	      {O_STORE, "the server-mode case's database"}), NULL, 0, cmd_init},
	{"key", "key add CASE [--key-file FILE] [--new-key-file FILE]\nkey remove CASE SLOT [--key-file FILE]\n"
		"key list CASE [--key-file FILE]",
	 "The passphrases (key slots) of an encrypted case. Each command first unlocks the case with a\n"
	 "passphrase it knows (terminal, one line on stdin, or --key-file). add then reads the new\n"
	 "passphrase (asked twice on the terminal, the next line of stdin, or --new-key-file) into a new\n"
	 "slot; remove drops a slot (never the last one); list shows them. The case itself is never\n"
	 "re-encrypted: only CASE/keys changes.",
	 OPTS({O_KEY_FILE, "the passphrase that unlocks is this file's first line"},
	      {O_NEW_KEY_FILE, "key add: the new passphrase is this file's first line"}),
	 NULL, CMD_SUB, cmd_key},
	{"ingest", "ingest CASE PATH... [--batch LABEL] [-j N] [--timeout S] [--no-copy] [--no-entities] [--queue-only]",
	 "Add files, folders and archives to the case: one run is one batch. Incremental (a file seen\n"
	 "before with the same size and mtime is skipped) and resumable (after a kill, the same command\n"
	 "again ends as an uninterrupted run would). Then scans the new texts for entities.",
	 OPTS({O_BATCH, "the batch's label (default: a number; the same label resumes an interrupted batch)"},
	      {O_JOBS, "extraction workers (default: the cores, at most 64; -jN too)"},
	      {O_TIMEOUT, "seconds a document may take to extract (default 120)"},
	      {O_NO_COPY, "keep only the path and the hash of originals, not their bytes"},
	      {O_NO_ENTITIES, "do not scan the new texts for entities now (entities and xref will)"},
	      {O_QUEUE_ONLY, "server mode: only queue the documents; workers extract them"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_ingest},
	{"worker", "worker CASE [-j N] [--timeout S] [--exit-when-idle] [--lease S] [--name NAME] [--blobs DIR]",
	 "Server mode: extract the documents ingest queued, beside any number of other workers on any\n"
	 "machine. CASE may be --store URL with --blobs where this machine mounts the case's blobs/.",
	 OPTS({O_JOBS, "extraction workers (default: the cores, at most 64)"},
	      {O_TIMEOUT, "seconds a document may take to extract (default 120)"},
	      {O_EXIT_WHEN_IDLE, "stop when the queue is empty (default: wait for more)"},
	      {O_LEASE, "seconds a claimed document stays leased without renewal (default 120, at least 2)"},
	      {O_NAME, "this worker's name in the queue (default HOST:PID:START-TIME)"},
	      {O_BLOBS, "where this machine mounts the case's blobs/ (with --store)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_worker},
	{"status", "status CASE",
	 "Counts: documents, originals, bytes, failures, batches, documents by type and by language.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, 0, cmd_status},
	{"docs", "docs CASE [--batch B] [--failed] [--type T] [--limit N] [--offset N]",
	 "List documents: id, status, type, SHA-256 prefix, path (and why it failed).",
	 OPTS({O_BATCH, "only the documents of batch B (label or id)"},
	      {O_FAILED, "only the documents that could not be read"},
	      {O_TYPE, "only documents of type T (pdf, text, html, zip, docx, email, ...)"},
	      {O_LIMIT, "at most N documents (default: all)"},
	      {O_OFFSET, "skip the first N"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_docs},
	{"show", "show CASE DOC [--text] [--meta]\nshow CASE A --diff B",
	 "One document: hashes, type, status, where it was seen, children, metadata, and its text.\n"
	 "DOC is an id, a SHA-256 prefix (6+ hex digits) or a path such as letters.zip!/2016/a.txt.\n"
	 "With --diff: the word-level differences between documents A and B.",
	 OPTS({O_TEXT, "print the extracted text (in JSON: \"text\" and \"main_text\")"},
	      {O_META, "print the metadata with --text too"},
	      {O_DIFF, "compare with document B: [-deleted-] {+inserted+}"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_show},
	{"verify", "verify CASE",
	 "Re-hash every original, walk the custody chain, and check the database against the log.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 "0 every original intact and the chain whole\n1 a problem found (or the case could not be read)\n"
	 "2 usage error",
	 0, cmd_verify},
	{"log", "log CASE",
	 "The chain-of-custody log, one JSON entry a line, checked as it is printed.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 "0 the chain is whole\n1 a problem (named on stderr), or the case could not be read\n2 usage error", 0, cmd_log},
	{"search", "search CASE QUERY [--limit N] [--offset N] [--facets] [--sort relevance|date|oldest]",
	 "Full-text search; the query language (phrases, NEAR, prefix*, fuzzy~, ~Name, OR, NOT,\n"
	 "type: lang: batch: path: from: to: subject: date: tag:) is in docs/QUERY.md.",
	 OPTS({O_LIMIT, "at most N hits (default 20)"},
	      {O_OFFSET, "skip the first N hits"},
	      {O_FACETS, "count the hits by type, language and batch"},
	      {O_SORT, "relevance (default), date (newest first) or oldest"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_search},
	{"dups", "dups CASE [--threshold J]",
	 "Copies: exact (one document, several places), the same text in other bytes, near-duplicates,\n"
	 "and filled-in forms grouped by their template (docs/DEDUP.md).",
	 OPTS({O_THRESHOLD, "near-duplicates from Jaccard similarity J (0.3 to 1, default 0.8)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_dups},
	{"new", "new CASE --batch B [--threshold J]",
	 "What batch B adds that no earlier batch had: new documents, copies, near copies.",
	 OPTS({O_BATCH, "the batch (label or id); required"},
	      {O_THRESHOLD, "near copies from Jaccard similarity J (0.3 to 1, default 0.8)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_new},
	{"forms", "forms CASE",
	 "The form templates found in the case (filled copies of one form, found from the short labels\n"
	 "they share): each with its labels in form order, their kinds, its language and how many filled\n"
	 "copies (docs/FORMS.md).",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, 0, cmd_forms},
	{"records", "records CASE [--template T] [--where LABEL=VALUE]... [--count-by LABEL[:month|:year]]\n"
		    "records CASE --format csv|jsonl|ftm|ftm-mapping [--template T] [--where ...] [--mapping FILE] [-o FILE]",
	 "The records filled into the forms: one row a filled form, each field's value as written and\n"
	 "normalised (dates ISO, nationalities ISO 3166, phones E.164, numbers), with its page and\n"
	 "characters, its OCR box and confidence; records probably of one person are linked.",
	 OPTS({O_TEMPLATE, "only template T (an id from daftar forms)"},
	      {O_WHERE, "only records whose field LABEL holds VALUE (as written or normalised: TN or\n"
			"تونسية); repeat for several"},
	      {O_COUNT_BY, "count the records by this field's normalised value (:month or :year for dates)"},
	      {O_FORMAT, "csv (UTF-8 with a BOM, for spreadsheets; needs --template when there are several),\n"
			 "jsonl (one record a line), ftm (FollowTheMoney Person entities, one a line, for Aleph)\n"
			 "or ftm-mapping (the labels' default FtM properties, a file to edit for --mapping)"},
	      {O_MAPPING, "with --format ftm: labels to Person properties (\"LABEL = property\" lines; needs --template)"},
	      {O_OUTPUT, "write to FILE (default stdout)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_records},
	{"correct", "correct CASE DOC LABEL VALUE",
	 "Correct a value of a filled form (a misreading): `records` then shows VALUE, marked corrected\n"
	 "by you, with the first reading kept; written to the custody log (docs/FORMS.md).",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, 0, cmd_correct},
	{"entities", "entities CASE [--type T] [--doc DOC] [--limit N] [--offset N]",
	 "People, organisations, places, e-mails, phones, IBANs, dates ... named in the case, merged\n"
	 "across spellings and scripts (docs/ENTITIES.md). Scans texts not scanned yet first.",
	 OPTS({O_TYPE, "only one type: person, organization, place, misc, email, url, domain, phone,\n"
		       "iban, card, crypto, ip, coordinates, money, document_number, date"},
	      {O_DOC, "only what document DOC names"},
	      {O_LIMIT, "at most N entities (default 100 in words, all with --json)"},
	      {O_OFFSET, "skip the first N"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_entities},
	{"places", "places CASE",
	 "The places named in the case with their coordinates from the offline gazetteers (Syria and\n"
	 "Iraq's, then GeoNames' cities) or written beside the name, the reason for each, and the\n"
	 "routes between them: sentences that move something or someone from one place to another,\n"
	 "with their documents and dates (docs/ENTITIES.md, \"Places on the map\"). Scans texts not\n"
	 "scanned yet first.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, 0, cmd_places},
	{"xref", "xref CASE LIST.csv [--min-score S]",
	 "A watchlist in the case: a CSV with a header (name, aliases separated by ';', type, birth,\n"
	 "country); every listed name found, across scripts, with a score and evidence.",
	 OPTS({O_MIN_SCORE, "report matches scoring at least S (0 to 1, default 0.6)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, 0, cmd_xref},
	{"serve", "serve CASE [--listen ADDR:PORT]",
	 "The web workbench (docs/API.md) until SIGINT or SIGTERM. Without users it listens on\n"
	 "loopback only and everyone is a local admin.",
	 OPTS({O_LISTEN, "where to listen (default 127.0.0.1:8080)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 "0 stopped by SIGINT or SIGTERM\n1 could not start (the case, the address)\n2 usage error", 0, cmd_serve},
	{"user", "user add CASE NAME --role admin|editor|viewer\nuser list CASE\nuser remove CASE NAME",
	 "The workbench's users. A new user's password is read from the terminal (twice, without\n"
	 "echo), or as one line on stdin when stdin is not a terminal. Removing a user ends their sessions.",
	 OPTS({O_ROLE, "user add: admin, editor or viewer"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, CMD_SUB, cmd_user},
	{"tag", "tag CASE DOC TAG", "Tag a document (search it with tag:TAG); written to the custody log.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, CMD_FINDINGS,
	 cmd_findings},
	{"untag", "untag CASE DOC TAG", "Take a tag off a document.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, CMD_FINDINGS,
	 cmd_findings},
	{"tags", "tags CASE DOC", "A document's tags.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, CMD_FINDINGS,
	 cmd_findings},
	{"note", "note CASE DOC TEXT", "A note on a document; written to the custody log.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, CMD_FINDINGS,
	 cmd_findings},
	{"notes", "notes CASE DOC", "A document's notes.",
	 OPTS({O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}), NULL, CMD_FINDINGS,
	 cmd_findings},
	{"claim",
	 "claim add CASE TEXT --cite DOC:PAGE:START-END [--cite ...] [--source S] [--status STATUS]\n"
	 "claim list CASE\nclaim show CASE ID\nclaim verify CASE [ID]\nclaim status CASE ID confirmed|disputed|open",
	 "The claims ledger (docs/FINDINGS.md): a claim cites passages; each citation keeps the quoted\n"
	 "text, its place and the hashes of the original and of the text. verify re-checks them all.",
	 OPTS({O_CITE, "claim add: a passage: document, page (from 1), characters START-END of that page"},
	      {O_SOURCE, "claim add: where the claim comes from"},
	      {O_STATUS, "claim add: confirmed, disputed or open (default open)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 "0 success (claim verify: every citation in place)\n1 failure (claim verify: a citation failed)\n"
	 "2 usage error",
	 CMD_FINDINGS | CMD_SUB, cmd_findings},
	{"export",
	 "export CASE --format jsonl|csv|ftm|gexf [--table documents|entities|mentions] [-o FILE]\n"
	 "export CASE --claims -o PACK.zip [--redact person,organization,place] [--context N] [--to KEY.pub]",
	 "Documents, entities and the graph for other tools: JSON lines, CSV, FollowTheMoney (Aleph),\n"
	 "GEXF (Gephi); or the evidence pack of the claims, which verify-pack checks without the case.",
	 OPTS({O_FORMAT, "jsonl, csv, ftm or gexf"},
	      {O_TABLE, "with --format csv: documents (default), entities or mentions"},
	      {O_OUTPUT, "write to FILE (default stdout; required with --claims and with --json)"},
	      {O_CLAIMS, "the evidence pack: claims, cited originals, texts, custody entries"},
	      {O_REDACT, "with --claims: black out names of these kinds (person, organization, place)"},
	      {O_CONTEXT, "with --claims: characters of text kept around each quotation (0 to 100000)"},
	      {O_TO, "with --claims: seal the pack to the holder of this public key (daftar keygen)"},
	      {O_STORE, "in place of CASE: a server-mode case by its PostgreSQL URL"}),
	 NULL, CMD_FINDINGS, cmd_findings},
	{"verify-pack", "verify-pack PACK.zip [--secret-key KEY]",
	 "Check an evidence pack without the case: every file's hash, every quotation in its text,\n"
	 "the custody entries' chain. A pack sealed to a recipient (export --to) is opened with the\n"
	 "recipient's secret key.",
	 OPTS({O_SECRET_KEY, "the secret key of a pack sealed to you (daftar keygen made it)"}),
	 "0 the pack is intact\n1 a problem found (or the pack could not be read)\n2 usage error",
	 CMD_FINDINGS | CMD_NOCASE, cmd_findings},
	{"keygen", "keygen KEY",
	 "Make a key pair for receiving evidence packs: the secret key in KEY (mode 0600: keep it, it\n"
	 "alone opens what is sealed to you), the public key in KEY.pub (give it to whoever sends you a\n"
	 "pack: daftar export CASE --claims -o PACK --to KEY.pub). Never overwrites a key.",
	 {{O_JSON, NULL}}, 0, NULL, CMD_FINDINGS | CMD_NOCASE, cmd_findings},
};

const struct cli_command *cli_command_find(const char *name)
{
	size_t i;
	for (i = 0; name && i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* ---- usage errors ---------------------------------------------------------- */

static const char *error_cmd; /* the command the hint names */
static int quiet_errors;      /* --help was asked for: errors are not printed */

int usage_error(const char *fmt, ...)
{
	va_list ap;
	if (quiet_errors)
		return 2;
	fputs("daftar: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (error_cmd)
		fprintf(stderr, "\n(daftar %s --help for usage)\n", error_cmd);
	else
		fputs("\n(daftar --help for usage)\n", stderr);
	return 2;
}

int cli_usage(const char *cmd)
{
	const struct cli_command *c = cli_command_find(cmd);
	const char *p;
	if (!c)
		return usage_error("unknown command '%s'", cmd);
	fputs("daftar: usage: daftar ", stderr);
	for (p = c->usage; *p; p++) {
		fputc(*p, stderr);
		if (*p == '\n')
			fputs("              daftar ", stderr);
	}
	fprintf(stderr, "\n(daftar %s --help for the options)\n", c->name);
	return 2;
}

/* ---- parsing --------------------------------------------------------------- */

static int parse_int(const char *opt, const char *v, int64_t min, int64_t *out)
{
	char *end;
	long long x;
	if (!v)
		return usage_error("%s needs a number", opt);
	x = strtoll(v, &end, 10);
	if (*end || end == v || x < min)
		return usage_error("%s: '%s' is not a number of at least %lld", opt, v, (long long)min);
	*out = x;
	return 0;
}

static int parse_double(const char *v, double min, double max, double *out)
{
	char *end;
	double x;
	if (!v)
		return -1;
	x = strtod(v, &end);
	if (*end || end == v || !(x >= min && x <= max))
		return -1;
	*out = x;
	return 0;
}

/* One option o (spelled s) with its value next (NULL: none); *used: next was taken. */
static int parse_option(struct args *a, const struct cli_option *o, const char *s, const char *next, int *used)
{
	int rc;
	int64_t v;
	*used = o->arg != NULL;
	if (o->arg && !next && o->missing)
		return usage_error("%s", o->missing);
	switch (o->id) {
	case O_JSON: a->json = 1; break;
	case O_VERBOSE: dft_log_verbose = 1; break;
	case O_HELP: a->help = 1; break;
	case O_KEY_FILE: dft_crypt_use_key_file(next); break;
	case O_NEW_KEY_FILE: dft_crypt_use_new_key_file(next); break;
	case O_ENCRYPT: a->encrypt = 1; break;
	case O_STORE:
		if (!dft_store_is_url(next))
			return usage_error("%s", o->missing);
		a->store = next;
		break;
	case O_BATCH: a->batch = next; break;
	case O_JOBS:
		if ((rc = parse_int(s, next, 1, &v)))
			return rc;
		a->jobs = (int)(v > 64 ? 64 : v);
		break;
	case O_TIMEOUT:
		if ((rc = parse_int(s, next, 1, &v)))
			return rc;
		a->timeout = (int)(v > 86400 ? 86400 : v);
		break;
	case O_NO_COPY: a->no_copy = 1; break;
	case O_NO_ENTITIES: a->no_entities = 1; break;
	case O_QUEUE_ONLY: a->queue_only = 1; break;
	case O_FAILED: a->failed = 1; break;
	case O_TYPE: a->type = next; break;
	case O_TEXT: a->text = 1; break;
	case O_META: a->meta = 1; break;
	case O_FACETS: a->facets = 1; break;
	case O_DIFF: a->diff = next; break;
	case O_THRESHOLD:
		if (parse_double(next, 0.3, 1.0, &a->threshold))
			return usage_error("--threshold takes a Jaccard similarity from 0.3 to 1");
		break;
	case O_DOC: a->doc = next; break;
	case O_MIN_SCORE:
		if (parse_double(next, 0, 1.0, &a->min_score))
			return usage_error("--min-score takes a score from 0 to 1");
		break;
	case O_ROLE: a->role = next; break;
	case O_LISTEN: a->listen = next; break;
	case O_BLOBS:
		/* server mode: where this machine mounts the case's blobs/ */
		setenv("DAFTAR_BLOBS", next, 1);
		break;
	case O_LEASE:
		if ((rc = parse_int(s, next, 2, &v)))
			return rc;
		a->lease = (int)(v > 86400 ? 86400 : v);
		break;
	case O_EXIT_WHEN_IDLE: a->exit_when_idle = 1; break;
	case O_NAME: a->name = next; break;
	case O_SORT:
		if (!next || (strcmp(next, "relevance") && strcmp(next, "date") && strcmp(next, "oldest")))
			return usage_error("--sort takes relevance, date or oldest");
		a->sort = next;
		break;
	case O_LIMIT: return parse_int(s, next, 0, &a->limit);
	case O_TEMPLATE: return parse_int(s, next, 1, &a->tmpl);
	case O_WHERE:
		if (a->nwhere == CLI_MAX_WHERE)
			return usage_error("at most %d --where filters", CLI_MAX_WHERE);
		if (!strchr(next, '=') || next[0] == '=')
			return usage_error("--where takes LABEL=VALUE, not '%s'", next);
		a->where[a->nwhere++] = next;
		break;
	case O_COUNT_BY: a->count_by = next; break;
	case O_MAPPING: a->mapping = next; break;
	case O_OFFSET: return parse_int(s, next, 0, &a->offset);
	case O_CLAIMS: a->claims = 1; break;
	case O_CITE:
		if (a->ncites == CLI_MAX_CITES)
			return usage_error("at most %d citations a claim", CLI_MAX_CITES);
		a->cites[a->ncites++] = next;
		break;
	case O_TO: a->to = next; break;
	case O_SECRET_KEY: a->secret_key = next; break;
	case O_SOURCE:
	case O_STATUS:
	case O_OUTPUT:
	case O_FORMAT:
	case O_TABLE:
	case O_REDACT:
	case O_CONTEXT:
		if (!next)
			return usage_error("%s needs a value", s);
		if (o->id == O_SOURCE)
			a->source = next;
		else if (o->id == O_STATUS)
			a->status = next;
		else if (o->id == O_OUTPUT)
			a->output = next;
		else if (o->id == O_FORMAT)
			a->format = next;
		else if (o->id == O_TABLE)
			a->table = next;
		else if (o->id == O_REDACT)
			a->redact = next;
		else {
			char *end;
			long long x = strtoll(next, &end, 10);
			if (*end || end == next || x < 0 || x > 100000)
				return usage_error("--context takes a number of characters (0 to 100000)");
			a->context = x;
		}
		break;
	}
	return 0;
}

static int add_pos(struct args *a, const char *s)
{
	if (a->npos >= CLI_MAX_POS)
		return usage_error("too many arguments");
	a->pos[a->npos++] = s;
	return 0;
}

/* --store URL stands for CASE: after the subcommand of user and claim,
 * first for the others; init takes both, CASE and the URL. */
static int place_store(struct args *a, const struct cli_command *c)
{
	int at;
	if (!a->store || !a->cmd || !strcmp(a->cmd, "init"))
		return 0;
	if (c && (c->flags & CMD_NOCASE))
		return usage_error("%s reads no case: --store is not for it", a->cmd);
	if (a->npos >= CLI_MAX_POS)
		return usage_error("too many arguments");
	at = c && (c->flags & CMD_SUB) && a->npos > 0 ? 1 : 0;
	memmove(&a->pos[at + 1], &a->pos[at], (size_t)(a->npos - at) * sizeof(a->pos[0]));
	a->pos[at] = a->store;
	a->npos++;
	return 0;
}

int cli_parse(struct args *a, int argc, char **argv)
{
	const struct cli_command *c = NULL;
	unsigned family = F_MAIN;
	int i, rc, used;

	memset(a, 0, sizeof(*a));
	a->limit = -1;
	a->min_score = -1;
	a->context = -1;
	error_cmd = NULL;
	/* with --help anywhere, the help is printed whatever else is wrong */
	quiet_errors = 0;
	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			quiet_errors = 1;
	for (i = 1; i < argc; i++) {
		const char *s = argv[i];
		const char *next = i + 1 < argc ? argv[i + 1] : NULL;
		const struct cli_option *o;
		if (!strcmp(s, "--")) {
			for (i++; i < argc; i++)
				if ((rc = add_pos(a, argv[i])))
					goto out;
			break;
		}
		if (s[0] != '-' || !s[1]) {
			if (!a->cmd) {
				a->cmd = s;
				if ((c = cli_command_find(s)))
					error_cmd = c->name;
				family = c && (c->flags & CMD_FINDINGS) ? F_FINDINGS : F_MAIN;
			} else if ((rc = add_pos(a, s))) {
				goto out;
			}
			continue;
		}
		o = option_find(s);
		if (!o && (family & F_MAIN) && !strncmp(s, "-j", 2) && s[2]) {
			int64_t v;
			if ((rc = parse_int("-j", s + 2, 1, &v)))
				goto out;
			a->jobs = (int)(v > 64 ? 64 : v);
			continue;
		}
		if (!o || !(o->family & family)) {
			rc = usage_error("unknown option '%s'", s);
			goto out;
		}
		if ((rc = parse_option(a, o, s, next, &used)))
			goto out;
		i += used;
	}
	rc = place_store(a, c);
out:
	if (rc && a->help)
		rc = 0; /* cli_run prints the help */
	else if (rc && quiet_errors) {
		a->help = 1;
		rc = 0;
	}
	quiet_errors = 0;
	return rc;
}

/* ---- help -------------------------------------------------------------------- */

static const char overview[] =
	"usage: daftar COMMAND CASE [ARGS] [--json]\n"
	"\n"
	"  init CASE [--encrypt] [--store postgresql://...]\n"
	"                                     make a new, empty case folder (--encrypt: ciphertext at rest,\n"
	"                                     docs/SECURITY.md; --store: server mode, docs/SCALING.md)\n"
	"  key add|remove|list CASE [SLOT]    the passphrases (key slots) of an encrypted case\n"
	"  ingest CASE PATH... [--batch LABEL] [-j N] [--no-copy] [--no-entities] [--queue-only]\n"
	"                                     add files, folders, archives (incremental, resumable);\n"
	"                                     server mode: --queue-only leaves the extraction to workers\n"
	"  worker CASE [-j N] [--exit-when-idle] [--lease S] [--name NAME] [--blobs DIR]\n"
	"                                     server mode: extract what ingest queued (any number, any machine;\n"
	"                                     CASE may be --store URL, --blobs where this machine mounts blobs/)\n"
	"  status CASE                        counts: documents, originals, failures, batches, types\n"
	"  docs CASE [--batch B] [--failed] [--type T] [--limit N] [--offset N]\n"
	"                                     list documents\n"
	"  show CASE DOC [--text] [--meta]    one document (DOC: id, SHA-256 prefix or path)\n"
	"  verify CASE                        re-hash every original, check the custody chain\n"
	"  log CASE                           the chain-of-custody log, one JSON entry a line (chain checked)\n"
	"  search CASE QUERY [--limit N] [--offset N] [--facets] [--sort relevance|date|oldest]\n"
	"                                     full-text search (query language: docs/QUERY.md)\n"
	"  dups CASE [--threshold J]          copies: exact, same text, near (Jaccard >= J, default 0.8)\n"
	"  new CASE --batch B [--threshold J] what batch B adds that no earlier batch had\n"
	"  show CASE A --diff B               word-level differences between two documents\n"
	"  forms CASE                         form templates: filled copies of one form, their labels\n"
	"  records CASE [--template T] [--where LABEL=VALUE] [--count-by LABEL] [--format csv|jsonl|ftm]\n"
	"                                     the records filled into the forms: a table, counts, FtM Persons\n"
	"  entities CASE [--type T] [--doc DOC] [--limit N] [--offset N]\n"
	"                                     people, places, organisations, phones, dates ... named\n"
	"  places CASE                        places with coordinates (offline gazetteer) and routes between them\n"
	"  xref CASE LIST.csv [--min-score S] a watchlist (name, aliases, type, birth, country) in the case\n"
	"  serve CASE [--listen ADDR:PORT]    the web workbench (docs/API.md); default 127.0.0.1:8080\n"
	"  user add CASE NAME --role admin|editor|viewer\n"
	"                                     a workbench user (password from the terminal, or one line on stdin)\n"
	"  user list CASE                     the workbench's users and their roles\n"
	"  user remove CASE NAME              remove a user (their sessions end)\n"
	"  tag CASE DOC TAG                   tag a document (search the tagged with tag:TAG)\n"
	"  untag CASE DOC TAG                 take a tag off a document\n"
	"  tags CASE DOC                      a document's tags\n"
	"  note CASE DOC TEXT                 a note on a document\n"
	"  notes CASE DOC                     a document's notes\n"
	"  claim add CASE TEXT --cite DOC:PAGE:START-END [--cite ...] [--source S] [--status confirmed|disputed|open]\n"
	"                                     a claim citing passages (START-END: characters within the page)\n"
	"  claim list|show|verify|status CASE [ID] [STATUS]\n"
	"                                     the claims ledger; verify re-checks every citation\n"
	"  export CASE --format jsonl|csv|ftm|gexf [--table documents|entities|mentions] [-o FILE]\n"
	"                                     documents, entities, graph for other tools (docs/FINDINGS.md)\n"
	"  export CASE --claims -o PACK.zip [--redact person,organization,place]\n"
	"                                     the evidence pack of the claims\n"
	"  verify-pack PACK.zip [--secret-key KEY]\n"
	"                                     check an evidence pack without the case\n"
	"  keygen KEY                         a key pair for receiving sealed packs (export --claims --to KEY.pub)\n"
	"\n"
	"  --store URL  in place of CASE: a server-mode case by its PostgreSQL URL\n"
	"  --key-file F an encrypted case's passphrase is F's first line (else the terminal, or a line of stdin)\n"
	"  --json       print exactly one JSON document on stdout\n"
	"  -v           say more on stderr\n"
	"\n"
	"daftar COMMAND --help (or daftar help COMMAND): a command's usage, options and exit status.\n"
	"Exit status: 0 success, 1 failure (or verify found a problem), 2 usage error.\n"
	"Every command, option and JSON shape: docs/CLI.md.\n";

/* "  --opt ARG, -o" and its help, continued lines indented under it */
static void print_option(enum opt_id id, const char *help)
{
	const struct cli_option *o = option_by_id(id);
	char left[64];
	const char *p;
	if (!o)
		return;
	if (o->alias)
		snprintf(left, sizeof(left), "%s, %s%s%s", o->alias, o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	else
		snprintf(left, sizeof(left), "%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	printf("  %-22s", left);
	if (strlen(left) > 22)
		printf("\n  %-22s", "");
	for (p = help; *p; p++) {
		putchar(' ');
		while (*p && *p != '\n')
			putchar(*p++);
		if (!*p)
			break;
		printf("\n  %-22s", "");
	}
	putchar('\n');
}

int cli_help(const char *cmd)
{
	const struct cli_command *c;
	const char *p;
	int i;
	if (!cmd) {
		fputs(overview, stdout);
		return 0;
	}
	if (!(c = cli_command_find(cmd))) {
		error_cmd = NULL;
		return usage_error("unknown command '%s'", cmd);
	}
	printf("usage: daftar ");
	for (p = c->usage; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("       daftar ");
	}
	printf(" [--json]\n\n%s\n\noptions:\n", c->about);
	for (i = 0; i < c->nopts; i++)
		if (c->opts[i].help)
			print_option(c->opts[i].id, c->opts[i].help);
	print_option(O_JSON, "print exactly one JSON document on stdout (docs/CLI.md has its shape)");
	print_option(O_VERBOSE, "say more on stderr");
	print_option(O_HELP, "this help");
	printf("\nexit status:\n  ");
	for (p = c->exits ? c->exits : exits_default; *p; p++) {
		putchar(*p);
		if (*p == '\n')
			printf("  ");
	}
	putchar('\n');
	return 0;
}

/* ---- running ----------------------------------------------------------------- */

int cli_run(struct args *a)
{
	const struct cli_command *c;
	if (a->cmd && !strcmp(a->cmd, "help") && !a->help) {
		if (a->npos > 1)
			return usage_error("usage: daftar help [COMMAND]");
		return cli_help(a->npos ? a->pos[0] : NULL);
	}
	if (a->help) {
		if (!a->cmd || !strcmp(a->cmd, "help"))
			return cli_help(a->npos && a->cmd ? a->pos[0] : NULL);
		return cli_help(a->cmd);
	}
	if (!a->cmd)
		return usage_error("no command given");
	if (!(c = cli_command_find(a->cmd)))
		return usage_error("unknown command '%s'", a->cmd);
	return c->run(a);
}

/* ---- table columns ------------------------------------------------------------ */

void cli_col(const char *s, int width, int cut)
{
	size_t n = strlen(s), cols, fit;
	size_t w = width > 0 ? (size_t)width : 0;
	if (cut && dft_utf8_width(s, n) > w) {
		/* one column for the ellipsis */
		fit = dft_utf8_fit(s, n, w ? w - 1 : 0, &cols);
		fwrite(s, 1, fit, stdout);
		if (w)
			fputs("…", stdout);
		cols += w ? 1 : 0;
	} else {
		fwrite(s, 1, n, stdout);
		cols = dft_utf8_width(s, n);
	}
	for (; cols < w; cols++)
		putchar(' ');
}
