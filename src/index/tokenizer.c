/*
 * tokenizer.c - daftar's analyzer (text.h) registered as the FTS5
 * tokenizer "daftar", and the "dft_page" auxiliary function that tells on
 * which page (form-feed separated) a hit's first match lies.
 *
 * Documents are analysed with every form (surface, clitic-stripped, stem,
 * cross-script key), the extra forms colocated with the surface one. Query
 * strings come from query.c already normalised: a token that starts with
 * "s:" or "k:" is a stem or key and passes through as it is; other query
 * text gets only its surface form.
 */
#include "daftar/index.h"
#include "daftar/text.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct dft_fts_tokenizer {
	dft_analyzer *doc;   /* all forms */
	dft_analyzer *query; /* surface forms only */
};

static int tok_create(void *ctx, const char **argv, int argc, Fts5Tokenizer **out)
{
	struct dft_fts_tokenizer *t;
	(void)ctx;
	(void)argv;
	(void)argc;
	if (!(t = calloc(1, sizeof(*t))))
		return SQLITE_NOMEM;
	if (dft_analyzer_new(&t->doc, NULL, DFT_AN_INDEX) < 0 || dft_analyzer_new(&t->query, NULL, 0) < 0) {
		dft_analyzer_free(t->doc);
		dft_analyzer_free(t->query);
		free(t);
		return SQLITE_ERROR;
	}
	*out = (Fts5Tokenizer *)t;
	return SQLITE_OK;
}

static void tok_delete(Fts5Tokenizer *p)
{
	struct dft_fts_tokenizer *t = (struct dft_fts_tokenizer *)p;
	if (!t)
		return;
	dft_analyzer_free(t->doc);
	dft_analyzer_free(t->query);
	free(t);
}

struct emit_ctx {
	void *fts_ctx;
	int (*xToken)(void *, int, const char *, int, int, int);
	int rc;
};

static int emit(void *ctx, const dft_token *tk)
{
	struct emit_ctx *e = ctx;
	e->rc = e->xToken(e->fts_ctx, tk->colocated ? FTS5_TOKEN_COLOCATED : 0, tk->text, (int)tk->len,
			  (int)tk->start, (int)tk->end);
	return e->rc == SQLITE_OK ? 0 : 1;
}

static int tok_tokenize(Fts5Tokenizer *p, void *fts_ctx, int flags, const char *text, int n,
			int (*xToken)(void *, int, const char *, int, int, int))
{
	struct dft_fts_tokenizer *t = (struct dft_fts_tokenizer *)p;
	struct emit_ctx e = {fts_ctx, xToken, SQLITE_OK};
	int rc;
	if (n <= 0)
		return SQLITE_OK;
	if ((flags & FTS5_TOKENIZE_QUERY) && n > 2 && (text[0] == 's' || text[0] == 'k') && text[1] == ':')
		return xToken(fts_ctx, 0, text, n, 0, n);
	rc = dft_analyze((flags & FTS5_TOKENIZE_QUERY) ? t->query : t->doc, text, (size_t)n, emit, &e);
	if (e.rc != SQLITE_OK)
		return e.rc;
	return rc < 0 ? SQLITE_ERROR : SQLITE_OK;
}

/* ---- dft_page(search): page of the first match in the body ---------------- */

struct page_ctx {
	int want; /* token position of the match */
	int pos;  /* current position */
	int start; /* byte offset found, or -1 */
};

static int page_token(void *ctx, int tflags, const char *tok, int n, int start, int end)
{
	struct page_ctx *pc = ctx;
	(void)tok;
	(void)n;
	(void)end;
	if (tflags & FTS5_TOKEN_COLOCATED)
		return SQLITE_OK;
	if (pc->pos == pc->want) {
		pc->start = start;
		return SQLITE_DONE; /* stop */
	}
	pc->pos++;
	return SQLITE_OK;
}

static void page_fn(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	int n = 0, i, phrase, col, off, body = -1, len = 0, page = 1;
	const char *text = NULL;
	struct page_ctx pc;
	(void)argc;
	(void)argv;
	if (api->xInstCount(fts, &n) != SQLITE_OK)
		return;
	for (i = 0; i < n; i++) {
		if (api->xInst(fts, i, &phrase, &col, &off) != SQLITE_OK)
			return;
		if (col == api->xColumnCount(fts) - 1) { /* the body is the last column */
			body = off;
			break;
		}
	}
	if (body < 0)
		return; /* NULL: the match is not in the body */
	if (api->xColumnText(fts, api->xColumnCount(fts) - 1, &text, &len) != SQLITE_OK || !text)
		return;
	pc.want = body;
	pc.pos = 0;
	pc.start = -1;
	api->xTokenize(fts, text, len, &pc, page_token);
	if (pc.start < 0)
		return;
	for (i = 0; i < pc.start && i < len; i++)
		page += text[i] == '\f';
	sqlite3_result_int(ctx, page);
}

static fts5_api *get_fts5(sqlite3 *db)
{
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	sqlite3_finalize(s);
	return api;
}

int dft_index_register(struct sqlite3 *db)
{
	static fts5_tokenizer tok = {tok_create, tok_delete, tok_tokenize};
	fts5_api *api = get_fts5(db);
	if (!api)
		return dft_error_set(DFT_ERROR, "this SQLite has no FTS5");
	if (api->xCreateTokenizer(api, "daftar", NULL, &tok, NULL) != SQLITE_OK ||
	    api->xCreateFunction(api, "dft_page", NULL, page_fn, NULL) != SQLITE_OK)
		return dft_error_set(DFT_ERROR, "cannot register daftar's FTS5 tokenizer");
	return 0;
}
