/*
 * sql.c - one statement interface over the two databases a case can live
 * in: SQLite (a case folder, one writer) and PostgreSQL (server mode, many
 * workers). The store's functions are written once against dft_stmt, in
 * the SQL both understand (ON CONFLICT upserts, RETURNING, COALESCE,
 * quoted "end"/"user"/"offset"); the few places where the dialects part
 * (full-text search, the custody log, opening) ask st->pg.
 *
 * PostgreSQL side: `?` and `?N` become `$N`; every parameter goes as text
 * (the server infers its type from the statement), blobs as binary bytea;
 * results come back as text and are converted on read, so a column read
 * as an integer is parsed, 't'/'f' read as 1/0, and a bytea column is
 * decoded from its hex form. A statement runs when it is first stepped and
 * its whole result is kept (PQexecPrepared): fine for the store's queries,
 * which are paged or bounded; a 10-million-row scan would want a cursor.
 */
#include "store_internal.h"
#include "daftar/cryptvfs.h"

#include <stdlib.h>
#include <string.h>

#define DFT_SQL_MAX_PARAMS 256

struct dft_stmt {
	dft_store *st;
	sqlite3_stmt *lite;
	/* PostgreSQL */
	char name[24];      /* prepared statement name; "" runs unnamed */
	char *sql;          /* with $N placeholders */
	int nparams;
	unsigned char used[DFT_SQL_MAX_PARAMS]; /* used[n]: the SQL names ?n */
	Oid types[DFT_SQL_MAX_PARAMS];
	char **vals;
	int *lens, *fmts;
	PGresult *res;
	int row, nrows, ran;
	unsigned char *blob; /* the last bytea column decoded */
	size_t blob_len;
	int blob_row, blob_col;
};

/* ---- placeholders ---------------------------------------------------- */

/* SQLite's rules: ?N is parameter N; a bare ? is one more than the
 * largest number given so far. Quoted text and identifiers are copied. */
static int translate(const char *sql, dft_buf *out, int *nparams, unsigned char used[DFT_SQL_MAX_PARAMS])
{
	int maxp = 0, rc = 0;
	const char *p = sql;
	while (*p && rc == 0) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *e = p + 1;
			while (*e && *e != q)
				e++;
			if (*e)
				e++;
			rc = dft_buf_add(out, p, (size_t)(e - p));
			p = e;
		} else if (*p == '?') {
			int n = 0;
			p++;
			if (*p >= '0' && *p <= '9') {
				while (*p >= '0' && *p <= '9')
					n = n * 10 + (*p++ - '0');
			} else
				n = maxp + 1;
			if (n > maxp)
				maxp = n;
			if (n < 1 || n >= DFT_SQL_MAX_PARAMS)
				return dft_error_set(DFT_EINVAL, "SQL parameter ?%d out of range", n);
			used[n] = 1;
			rc = dft_buf_addf(out, "$%d", n);
		} else
			rc = dft_buf_addc(out, *p++);
	}
	*nparams = maxp;
	return rc;
}

/* ---- statements ------------------------------------------------------ */

static void pg_clear_result(dft_stmt *s)
{
	if (s->res)
		PQclear(s->res);
	s->res = NULL;
	s->row = -1;
	s->nrows = 0;
	s->ran = 0;
	s->blob_row = -1;
}

static int pg_err(dft_store *st, const char *what, const char *msg)
{
	size_t n;
	free(st->pg_error);
	st->pg_error = dft_strdup(msg ? msg : PQerrorMessage(st->pg));
	if (st->pg_error && (n = strlen(st->pg_error)) && st->pg_error[n - 1] == '\n')
		st->pg_error[n - 1] = '\0';
	return dft_error_set(DFT_EIO, "%s: %s: %s", st->pg_label, what, st->pg_error ? st->pg_error : "?");
}

const char *dft_sql_errmsg(dft_store *st)
{
	static _Thread_local char msg[768];
	if (st->pg)
		return st->pg_error ? st->pg_error : "";
	/* an encrypted database: which page did not authenticate
	 * ("disk I/O error: store.db page 17: authentication failed") */
	if (st->db_encrypted && sqlite3_extended_errcode(st->db) == SQLITE_IOERR_DATA &&
	    *dft_cryptvfs_last_error()) {
		snprintf(msg, sizeof(msg), "%s: %s", sqlite3_errmsg(st->db), dft_cryptvfs_last_error());
		return msg;
	}
	return sqlite3_errmsg(st->db);
}

static int stmt_new(dft_store *st, dft_stmt **out, const char *sql, int cached)
{
	dft_stmt *s = dft_calloc(1, sizeof(*s));
	int rc = 0;
	*out = NULL;
	if (!s)
		return DFT_ENOMEM;
	s->st = st;
	if (!st->pg) {
		if (sqlite3_prepare_v2(st->db, sql, -1, &s->lite, NULL) != SQLITE_OK) {
			rc = dft_error_set(DFT_EIO, "%s/store.db: prepare: %s", st->dir, dft_sql_errmsg(st));
			free(s);
			return rc;
		}
		*out = s;
		return 0;
	}
	{
		dft_buf b;
		memset(s->used, 0, sizeof(s->used));
		dft_buf_init(&b, 0);
		if ((rc = translate(sql, &b, &s->nparams, s->used)) < 0 || !(s->sql = dft_strdup(dft_buf_cstr(&b)))) {
			dft_buf_dispose(&b);
			free(s);
			return rc < 0 ? rc : DFT_ENOMEM;
		}
		dft_buf_dispose(&b);
	}
	if (s->nparams) {
		s->vals = dft_calloc((size_t)s->nparams, sizeof(*s->vals));
		s->lens = dft_calloc((size_t)s->nparams, sizeof(*s->lens));
		s->fmts = dft_calloc((size_t)s->nparams, sizeof(*s->fmts));
		if (!s->vals || !s->lens || !s->fmts) {
			dft_sql_finalize(s);
			return DFT_ENOMEM;
		}
	}
	s->row = -1;
	s->blob_row = -1;
	/* a parameter the SQL never names (?3 used, ?1 not) still needs a
	 * type: text; the others the server infers */
	{
		int i;
		for (i = 1; i <= s->nparams; i++)
			s->types[i - 1] = s->used[i] ? 0 : 25 /* TEXTOID */;
	}
	if (cached) {
		PGresult *r;
		snprintf(s->name, sizeof(s->name), "dft%d", ++st->pg_nprepared);
		r = PQprepare(st->pg, s->name, s->sql, s->nparams, s->types);
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			rc = pg_err(st, "prepare", PQresultErrorMessage(r));
			PQclear(r);
			dft_sql_finalize(s);
			return rc;
		}
		PQclear(r);
	}
	*out = s;
	return 0;
}

int dft_sql_prepare(dft_store *st, dft_stmt **out, const char *sql)
{
	return stmt_new(st, out, sql, 0);
}

static void clear_binds(dft_stmt *s)
{
	int i;
	for (i = 0; i < s->nparams; i++) {
		free(s->vals[i]);
		s->vals[i] = NULL;
		s->lens[i] = 0;
		s->fmts[i] = 0;
	}
}

void dft_sql_finalize(dft_stmt *s)
{
	if (!s)
		return;
	if (s->lite)
		sqlite3_finalize(s->lite);
	else {
		pg_clear_result(s);
		if (s->vals)
			clear_binds(s);
		if (s->name[0] && s->st->pg) {
			/* a prepared statement lives as long as the connection; drop
			 * it so a long-lived server does not collect them */
			char q[64];
			snprintf(q, sizeof(q), "DEALLOCATE %s", s->name);
			PQclear(PQexec(s->st->pg, q));
		}
		free(s->vals);
		free(s->lens);
		free(s->fmts);
		free(s->sql);
		free(s->blob);
	}
	free(s);
}

void dft_sql_reset(dft_stmt *s)
{
	if (s->lite) {
		sqlite3_reset(s->lite);
		sqlite3_clear_bindings(s->lite);
		return;
	}
	pg_clear_result(s);
	clear_binds(s);
}

/* Statements are prepared once and kept: ingest runs the same dozen
 * statements for every file, and preparing costs more than running them.
 * The cache is keyed by the SQL text; a statement still in use when the
 * same SQL is wanted again (a nested call) is prepared afresh and dropped
 * by dft_sql_release. */
int dft_sql_cached(dft_store *st, dft_stmt **s, const char *sql)
{
	size_t i;
	int rc;
	for (i = 0; i < st->ncached; i++) {
		if (!st->cached[i].busy && strcmp(st->cached[i].sql, sql) == 0) {
			st->cached[i].busy = 1;
			*s = st->cached[i].stmt;
			return 0;
		}
	}
	if (st->ncached >= DFT_STMT_CACHE)
		return stmt_new(st, s, sql, 0);
	if ((rc = stmt_new(st, s, sql, 1)) < 0)
		return rc;
	if (!(st->cached[st->ncached].sql = dft_strdup(sql)))
		return 0; /* runs uncached; release() finalizes it */
	st->cached[st->ncached].stmt = *s;
	st->cached[st->ncached].busy = 1;
	st->ncached++;
	return 0;
}

int dft_sql_value(dft_store *st, const char *sql, int64_t *out)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, sql)) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW)
		*out = dft_sql_col_int64(s, 0);
	dft_sql_release(st, s);
	return 0;
}

void dft_sql_release(dft_store *st, dft_stmt *s)
{
	size_t i;
	if (!s)
		return;
	for (i = 0; i < st->ncached; i++) {
		if (st->cached[i].stmt == s) {
			dft_sql_reset(s);
			st->cached[i].busy = 0;
			return;
		}
	}
	dft_sql_finalize(s);
}

void dft_sql_cache_free(dft_store *st)
{
	size_t i;
	for (i = 0; i < st->ncached; i++) {
		dft_sql_finalize(st->cached[i].stmt);
		free(st->cached[i].sql);
	}
	st->ncached = 0;
}

/* ---- binding --------------------------------------------------------- */

static int pg_bind(dft_stmt *s, int i, const void *v, size_t n, int binary)
{
	char *copy;
	if (i < 1 || i > s->nparams)
		return DFT_EINVAL;
	if (s->ran)
		pg_clear_result(s);
	free(s->vals[i - 1]);
	s->vals[i - 1] = NULL;
	if (!v)
		return 0;
	if (!(copy = malloc(n + 1)))
		return DFT_ENOMEM;
	memcpy(copy, v, n);
	copy[n] = '\0';
	s->vals[i - 1] = copy;
	s->lens[i - 1] = (int)n;
	s->fmts[i - 1] = binary;
	return 0;
}

int dft_sql_bind_int64(dft_stmt *s, int i, int64_t v)
{
	char t[24];
	int n;
	if (s->lite)
		return sqlite3_bind_int64(s->lite, i, v) == SQLITE_OK ? 0 : DFT_EINVAL;
	n = snprintf(t, sizeof(t), "%lld", (long long)v);
	return pg_bind(s, i, t, (size_t)n, 0);
}

int dft_sql_bind_double(dft_stmt *s, int i, double v)
{
	char t[40];
	int n;
	if (s->lite)
		return sqlite3_bind_double(s->lite, i, v) == SQLITE_OK ? 0 : DFT_EINVAL;
	n = snprintf(t, sizeof(t), "%.17g", v);
	return pg_bind(s, i, t, (size_t)n, 0);
}

int dft_sql_bind_null(dft_stmt *s, int i)
{
	if (s->lite)
		return sqlite3_bind_null(s->lite, i) == SQLITE_OK ? 0 : DFT_EINVAL;
	return pg_bind(s, i, NULL, 0, 0);
}

/* n < 0: up to the NUL. The text is copied. */
int dft_sql_bind_text(dft_stmt *s, int i, const char *v, int64_t n)
{
	if (s->lite) {
		if (!v)
			return sqlite3_bind_null(s->lite, i) == SQLITE_OK ? 0 : DFT_EINVAL;
		return sqlite3_bind_text64(s->lite, i, v, n < 0 ? strlen(v) : (sqlite3_uint64)n, SQLITE_TRANSIENT,
					   SQLITE_UTF8) == SQLITE_OK ? 0 : DFT_EINVAL;
	}
	if (!v)
		return pg_bind(s, i, NULL, 0, 0);
	/* PostgreSQL's text cannot hold NUL: cut there, as C readers would */
	return pg_bind(s, i, v, n < 0 ? strlen(v) : strnlen(v, (size_t)n), 0);
}

int dft_sql_bind_blob(dft_stmt *s, int i, const void *v, int64_t n)
{
	if (s->lite)
		return sqlite3_bind_blob64(s->lite, i, v, (sqlite3_uint64)n, SQLITE_TRANSIENT) == SQLITE_OK ? 0 : DFT_EINVAL;
	return pg_bind(s, i, v ? v : "", (size_t)n, 1);
}

/* ---- running --------------------------------------------------------- */

static int pg_run(dft_stmt *s)
{
	dft_store *st = s->st;
	ExecStatusType k;
	st->pg_sqlstate[0] = '\0';
	if (s->name[0])
		s->res = PQexecPrepared(st->pg, s->name, s->nparams, (const char *const *)s->vals, s->lens, s->fmts, 0);
	else
		s->res = PQexecParams(st->pg, s->sql, s->nparams, s->types, (const char *const *)s->vals, s->lens,
				      s->fmts, 0);
	s->ran = 1;
	k = PQresultStatus(s->res);
	if (k == PGRES_TUPLES_OK) {
		s->nrows = PQntuples(s->res);
		st->pg_changes = s->nrows; /* INSERT ... RETURNING */
		return 0;
	}
	if (k == PGRES_COMMAND_OK) {
		const char *n = PQcmdTuples(s->res);
		st->pg_changes = n && *n ? strtoll(n, NULL, 10) : 0;
		s->nrows = 0;
		return 0;
	}
	{
		const char *state = PQresultErrorField(s->res, PG_DIAG_SQLSTATE);
		if (state)
			snprintf(st->pg_sqlstate, sizeof(st->pg_sqlstate), "%s", state);
	}
	return pg_err(st, "query", PQresultErrorMessage(s->res));
}

int dft_sql_step(dft_stmt *s)
{
	if (s->lite) {
		int r = sqlite3_step(s->lite);
		if ((r & 0xff) == SQLITE_BUSY)
			s->st->busy = 1;
		return r;
	}
	if (!s->ran && pg_run(s) < 0)
		return SQLITE_ERROR;
	if (s->row + 1 < s->nrows) {
		s->row++;
		return DFT_ROW;
	}
	return DFT_DONE;
}

int dft_sql_next(dft_stmt *s, int *rc)
{
	int r = dft_sql_step(s);
	if (r == DFT_ROW)
		return 1;
	if (r != DFT_DONE && *rc == 0)
		*rc = dft_store_db_err(s->st, "read");
	return 0;
}

int dft_sql_exec(dft_store *st, const char *sql)
{
	if (!st->pg) {
		char *err = NULL;
		int r = sqlite3_exec(st->db, sql, NULL, NULL, &err);
		if (r != SQLITE_OK) {
			int rc;
			if ((r & 0xff) == SQLITE_BUSY)
				st->busy = 1;
			rc = dft_error_set(DFT_EIO, "%s/store.db: %s", st->dir,
					   err && r != SQLITE_IOERR_DATA ? err : dft_sql_errmsg(st));
			sqlite3_free(err);
			return rc;
		}
		return 0;
	}
	{
		PGresult *r;
		ExecStatusType k;
		int rc = 0;
		if (!strcmp(sql, "BEGIN IMMEDIATE"))
			sql = "BEGIN";
		r = PQexec(st->pg, sql);
		k = PQresultStatus(r);
		if (k != PGRES_COMMAND_OK && k != PGRES_TUPLES_OK)
			rc = pg_err(st, "exec", PQresultErrorMessage(r));
		else {
			const char *n = PQcmdTuples(r);
			st->pg_changes = n && *n ? strtoll(n, NULL, 10) : 0;
		}
		PQclear(r);
		return rc;
	}
}

int64_t dft_sql_changes(dft_store *st)
{
	return st->pg ? st->pg_changes : sqlite3_changes(st->db);
}

/* ---- columns --------------------------------------------------------- */

static const char *pg_value(dft_stmt *s, int i)
{
	if (!s->res || s->row < 0 || s->row >= s->nrows || i >= PQnfields(s->res) ||
	    PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

int dft_sql_col_null(dft_stmt *s, int i)
{
	if (s->lite)
		return sqlite3_column_type(s->lite, i) == SQLITE_NULL;
	return pg_value(s, i) == NULL;
}

int64_t dft_sql_col_int64(dft_stmt *s, int i)
{
	const char *v;
	if (s->lite)
		return sqlite3_column_int64(s->lite, i);
	if (!(v = pg_value(s, i)))
		return 0;
	if (v[0] == 't' && !v[1])
		return 1;
	if (v[0] == 'f' && !v[1])
		return 0;
	return strtoll(v, NULL, 10);
}

double dft_sql_col_double(dft_stmt *s, int i)
{
	const char *v;
	if (s->lite)
		return sqlite3_column_double(s->lite, i);
	return (v = pg_value(s, i)) ? strtod(v, NULL) : 0.0;
}

const char *dft_sql_col_text(dft_stmt *s, int i)
{
	if (s->lite)
		return (const char *)sqlite3_column_text(s->lite, i);
	return pg_value(s, i);
}

/* bytea arrives as "\x" + hex; a text column read as a blob is its bytes */
static int pg_blob(dft_stmt *s, int i)
{
	const char *v = pg_value(s, i);
	size_t n, k;
	if (s->blob_row == s->row && s->blob_col == i)
		return 0;
	s->blob_len = 0;
	s->blob_row = s->row;
	s->blob_col = i;
	if (!v)
		return 0;
	n = (size_t)PQgetlength(s->res, s->row, i);
	free(s->blob);
	if (!(s->blob = malloc(n + 1)))
		return DFT_ENOMEM;
	if (n >= 2 && v[0] == '\\' && v[1] == 'x' && PQftype(s->res, i) == 17 /* bytea */) {
		for (k = 2; k + 1 < n; k += 2) {
			int hi = dft_hex_digit(v[k]), lo = dft_hex_digit(v[k + 1]);
			if (hi < 0 || lo < 0)
				break;
			s->blob[s->blob_len++] = (unsigned char)(hi << 4 | lo);
		}
	} else {
		memcpy(s->blob, v, n);
		s->blob_len = n;
	}
	s->blob[s->blob_len] = 0;
	return 0;
}

const void *dft_sql_col_blob(dft_stmt *s, int i)
{
	if (s->lite)
		return sqlite3_column_blob(s->lite, i);
	if (pg_blob(s, i) < 0 || !pg_value(s, i))
		return NULL;
	return s->blob;
}

int dft_sql_col_bytes(dft_stmt *s, int i)
{
	if (s->lite)
		return sqlite3_column_bytes(s->lite, i);
	if (pg_blob(s, i) < 0)
		return 0;
	return (int)s->blob_len;
}

int dft_store_unique_violation(dft_store *st)
{
	if (st->pg)
		return strcmp(st->pg_sqlstate, "23505") == 0;
	return sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_PRIMARYKEY ||
	       sqlite3_extended_errcode(st->db) == SQLITE_CONSTRAINT_UNIQUE;
}

char *dft_sql_col_bytes_strdup(dft_stmt *s, int i)
{
	const void *p = dft_sql_col_blob(s, i);
	int n = dft_sql_col_bytes(s, i);
	char *out;
	if (!p || dft_sql_col_null(s, i))
		return NULL;
	if (!(out = malloc((size_t)n + 1)))
		return NULL;
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	return out;
}

/* PostgreSQL's "try again" errors: deadlock, serialisation failure, lock
 * not available, and a unique key taken by a transaction that committed
 * meanwhile. */
int dft_store_retryable(dft_store *st)
{
	static const char *const states[] = {"40P01", "40001", "55P03", "23505"};
	size_t i;
	if (!st->pg)
		return 0;
	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++)
		if (!strcmp(st->pg_sqlstate, states[i]))
			return 1;
	return 0;
}
