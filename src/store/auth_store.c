/*
 * auth_store.c - the store's side of auth.h (schema migration 6): users,
 * sessions (by the SHA-256 of their token), failed logins, the append-only
 * audit log. SQL only: the rules (hashing, lock-out, expiry, validation)
 * are in src/server/auth.c. Tags and notes on documents are in
 * annotations_store.c (findings.h).
 */
#include "store_internal.h"
#include "daftar/auth.h"

#include <stdlib.h>
#include <string.h>

static const char *role_text(int role)
{
	return role == DFT_ROLE_ADMIN ? "admin" : role == DFT_ROLE_EDITOR ? "editor" : "viewer";
}

static int role_int(const unsigned char *t)
{
	if (!t)
		return DFT_ROLE_VIEWER;
	if (!strcmp((const char *)t, "admin"))
		return DFT_ROLE_ADMIN;
	if (!strcmp((const char *)t, "editor"))
		return DFT_ROLE_EDITOR;
	return DFT_ROLE_VIEWER;
}

/* ---- users ------------------------------------------------------------------ */

int dft_store_user_insert(dft_store *st, const char *name, const char *hash, int role, const char *created)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO users(name, role, hash, created) VALUES(?, ?, ?, ?)")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, name, -1);
	dft_sql_bind_text(s, 2, role_text(role), -1);
	dft_sql_bind_text(s, 3, hash, -1);
	dft_sql_bind_text(s, 4, created, -1);
	r = dft_sql_step(s);
	if (r == DFT_DONE)
		rc = 0;
	else if (dft_store_unique_violation(st))
		rc = dft_error_set(DFT_EEXISTS, "there is already a user named %s", name);
	else
		rc = dft_store_db_err(st, "adding a user");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_user_delete(dft_store *st, const char *name)
{
	dft_stmt *s;
	int rc, own, changed = 0;
	if ((rc = dft_store_own_begin(st, &own)) < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM users WHERE name = ?")) < 0)
		goto done;
	dft_sql_bind_text(s, 1, name, -1);
	if ((rc = dft_store_step_done(st, s, "removing a user")) < 0)
		goto done;
	changed = dft_sql_changes(st);
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM sessions WHERE \"user\" = ?")) < 0)
		goto done;
	dft_sql_bind_text(s, 1, name, -1);
	if ((rc = dft_store_step_done(st, s, "ending a user's sessions")) < 0)
		goto done;
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM login_failures WHERE \"user\" = ?")) < 0)
		goto done;
	dft_sql_bind_text(s, 1, name, -1);
	if ((rc = dft_store_step_done(st, s, "forgetting a user's failed logins")) < 0)
		goto done;
	if (!changed)
		rc = dft_error_set(DFT_ENOTFOUND, "there is no user named %s", name);
done:
	return dft_store_own_end(st, own, rc);
}

int dft_store_user_get(dft_store *st, const char *name, char canon[72], int *role, dft_buf *hash)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s, "SELECT name, role, hash FROM users WHERE name = ?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, name, -1);
	r = dft_sql_step(s);
	if (r == DFT_ROW) {
		snprintf(canon, 72, "%s", dft_sql_col_text(s, 0));
		*role = role_int((const unsigned char *)dft_sql_col_text(s, 1));
		dft_buf_reset(hash);
		rc = dft_buf_adds(hash, dft_sql_col_text(s, 2));
	} else if (r == DFT_DONE) {
		rc = dft_error_set(DFT_ENOTFOUND, "there is no user named %s", name);
	} else {
		rc = dft_store_db_err(st, "reading a user");
	}
	dft_sql_finalize(s);
	return rc;
}

int dft_user_count(dft_store *st, int64_t *n)
{
	dft_stmt *s;
	int rc;
	*n = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT count(*) FROM users")) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW)
		*n = dft_sql_col_int64(s, 0);
	else
		rc = dft_store_db_err(st, "counting users");
	dft_sql_finalize(s);
	return rc;
}

int dft_user_list(dft_store *st, int (*fn)(void *ctx, const char *name, int role, const char *created), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, "SELECT name, role, created FROM users ORDER BY name")) < 0)
		return rc;
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW)
		rc = fn(ctx, dft_sql_col_text(s, 0), role_int((const unsigned char *)dft_sql_col_text(s, 1)),
			dft_sql_col_text(s, 2));
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "listing users");
	dft_sql_finalize(s);
	return rc;
}

/* ---- failed logins ------------------------------------------------------------ */

int dft_store_login_failure_add(dft_store *st, const char *name, int64_t at)
{
	dft_stmt *s;
	int rc;
	/* a day of failures is more than the lock-out ever looks at */
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM login_failures WHERE at < ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, at - 86400);
	if ((rc = dft_store_step_done(st, s, "forgetting old failed logins")) < 0)
		return rc;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO login_failures(\"user\", at) VALUES(?, ?)")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, name, -1);
	dft_sql_bind_int64(s, 2, at);
	return dft_store_step_done(st, s, "recording a failed login");
}

int dft_store_login_failures(dft_store *st, const char *name, int64_t since, int64_t *times, int max, int *n)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	*n = 0;
	if ((rc = dft_sql_prepare(st, &s, "SELECT at FROM login_failures WHERE \"user\" = ? AND at >= ?"
					    " ORDER BY at DESC, id DESC LIMIT ?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, name, -1);
	dft_sql_bind_int64(s, 2, since);
	dft_sql_bind_int64(s, 3, max);
	while (*n < max && (r = dft_sql_step(s)) == DFT_ROW)
		times[(*n)++] = dft_sql_col_int64(s, 0);
	if (r != DFT_DONE && r != DFT_ROW)
		rc = dft_store_db_err(st, "reading failed logins");
	dft_sql_finalize(s);
	return rc;
}

int dft_store_login_failures_clear(dft_store *st, const char *name)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM login_failures WHERE \"user\" = ?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, name, -1);
	return dft_store_step_done(st, s, "forgetting failed logins");
}

/* ---- sessions ---------------------------------------------------------------- */

int dft_store_session_put(dft_store *st, const char *token_hash, const char *user, const char *csrf,
			  int64_t now, int64_t expires)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO sessions(token_hash, \"user\", csrf, created, last_used, expires)"
					    " VALUES(?, ?, ?, ?, ?, ?)")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, token_hash, -1);
	dft_sql_bind_text(s, 2, user, -1);
	dft_sql_bind_text(s, 3, csrf, -1);
	dft_sql_bind_int64(s, 4, now);
	dft_sql_bind_int64(s, 5, now);
	dft_sql_bind_int64(s, 6, expires);
	return dft_store_step_done(st, s, "opening a session");
}

int dft_store_session_get(dft_store *st, const char *token_hash, dft_session *out, int64_t *last_used,
			  int64_t *expires)
{
	dft_stmt *s;
	int rc, r;
	if ((rc = dft_sql_prepare(st, &s, "SELECT u.name, u.role, s.csrf, s.last_used, s.expires FROM sessions s"
					    " JOIN users u ON u.name = s.\"user\" WHERE s.token_hash = ?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, token_hash, -1);
	r = dft_sql_step(s);
	if (r == DFT_ROW) {
		snprintf(out->user, sizeof(out->user), "%s", dft_sql_col_text(s, 0));
		out->role = role_int((const unsigned char *)dft_sql_col_text(s, 1));
		snprintf(out->csrf, sizeof(out->csrf), "%s", dft_sql_col_text(s, 2));
		*last_used = dft_sql_col_int64(s, 3);
		*expires = dft_sql_col_int64(s, 4);
	} else if (r == DFT_DONE) {
		rc = dft_error_set(DFT_ENOTFOUND, "no such session");
	} else {
		rc = dft_store_db_err(st, "reading a session");
	}
	dft_sql_finalize(s);
	return rc;
}

int dft_store_session_touch(dft_store *st, const char *token_hash, int64_t now, int64_t expires)
{
	dft_stmt *s;
	int rc;
	if (!st->pg && !st->writable) {
		/* The workbench finds sessions with its read-only stores; a
		 * renewal (once a minute at most) goes through a short shared
		 * writer, which an ingest running does not keep out. */
		dft_store *rw;
		if ((rc = dft_store_open(&rw, st->dir, DFT_STORE_SHARED)) < 0)
			return rc;
		if ((rc = dft_store_begin(rw)) == 0 && (rc = dft_store_session_touch(rw, token_hash, now, expires)) == 0)
			rc = dft_store_commit(rw);
		dft_store_free(rw); /* (rolls back what is left) */
		return rc;
	}
	if ((rc = dft_sql_prepare(st, &s, "UPDATE sessions SET last_used = ?, expires = ? WHERE token_hash = ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, now);
	dft_sql_bind_int64(s, 2, expires);
	dft_sql_bind_text(s, 3, token_hash, -1);
	return dft_store_step_done(st, s, "renewing a session");
}

int dft_store_session_delete(dft_store *st, const char *token_hash)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM sessions WHERE token_hash = ?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, token_hash, -1);
	return dft_store_step_done(st, s, "ending a session");
}

int dft_store_sessions_expire(dft_store *st, int64_t now)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "DELETE FROM sessions WHERE expires <= ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, now);
	return dft_store_step_done(st, s, "ending expired sessions");
}

/* ---- audit ----------------------------------------------------------------------- */

int dft_store_audit_put(dft_store *st, const char *at, const char *user, const char *addr, const char *action,
			const char *target, const char *detail)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_prepare(st, &s, "INSERT INTO audit(at, \"user\", addr, action, target, detail)"
					    " VALUES(?, ?, ?, ?, ?, ?)")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, at, -1);
	dft_sql_bind_text(s, 2, user, -1);
	dft_sql_bind_text(s, 3, addr, -1);
	dft_sql_bind_text(s, 4, action, -1);
	dft_sql_bind_text(s, 5, target, -1);
	dft_sql_bind_text(s, 6, detail, -1);
	return dft_store_step_done(st, s, "writing the audit log");
}

int dft_audit_list(dft_store *st, int64_t limit, int64_t offset,
		   int (*fn)(void *ctx, const dft_audit_event *e), void *ctx)
{
	dft_stmt *s;
	int rc, r = DFT_DONE;
	if ((rc = dft_sql_prepare(st, &s, "SELECT id, at, \"user\", addr, action, target, detail FROM audit"
					    " ORDER BY id DESC LIMIT ? OFFSET ?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, limit > 0 ? limit : INT64_MAX);
	dft_sql_bind_int64(s, 2, offset > 0 ? offset : 0);
	while (rc == 0 && (r = dft_sql_step(s)) == DFT_ROW) {
		dft_audit_event e;
		e.id = dft_sql_col_int64(s, 0);
		e.at = dft_sql_col_text(s, 1);
		e.user = dft_sql_col_text(s, 2);
		e.addr = dft_sql_col_text(s, 3);
		e.action = dft_sql_col_text(s, 4);
		e.target = dft_sql_col_text(s, 5);
		e.detail = dft_sql_col_text(s, 6);
		rc = fn(ctx, &e);
	}
	if (rc == 0 && r != DFT_DONE)
		rc = dft_store_db_err(st, "reading the audit log");
	dft_sql_finalize(s);
	return rc;
}
