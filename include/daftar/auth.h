/*
 * auth.h - who may use a case's workbench, what they did, and what they
 * wrote on documents: users and roles (passwords as Argon2id, libsodium),
 * sessions with a CSRF token, lock-out after failed logins, and the
 * append-only audit log (docs/API.md). Tags and notes on documents are
 * findings (findings.h, src/findings/annotate.c); this header includes it
 * for the callers that used to find them here.
 *
 * SQL lives in src/store (auth_store.c); the rules (hashing, lock-out,
 * expiry) in src/server/auth.c.
 */
#ifndef DAFTAR_AUTH_H
#define DAFTAR_AUTH_H

#include "daftar/core.h"
#include "daftar/findings.h"
#include "daftar/store.h"
#include <stdint.h>

enum { DFT_ROLE_VIEWER = 1, DFT_ROLE_EDITOR = 2, DFT_ROLE_ADMIN = 3 };

const char *dft_role_name(int role); /* "viewer", "editor", "admin" */
int dft_role_parse(const char *name); /* a DFT_ROLE_*, or -1 */

/* ---- users ----------------------------------------------------------------- */

/* name: 1-64 bytes of letters, digits, . _ - @; password: 8-1024 bytes.
 * DFT_EEXISTS when the name is taken. */
int dft_user_add(dft_store *st, const char *name, const char *password, int role);
int dft_user_remove(dft_store *st, const char *name); /* also ends their sessions */
int dft_user_count(dft_store *st, int64_t *n);
int dft_user_list(dft_store *st, int (*fn)(void *ctx, const char *name, int role, const char *created),
		  void *ctx);

/* ---- sessions ---------------------------------------------------------------- */

#define DFT_SESSION_TOKEN_HEX 65 /* 32 random bytes as hex + NUL */

typedef struct dft_session {
	char user[72];
	int role;
	char token[DFT_SESSION_TOKEN_HEX]; /* the cookie's value */
	char csrf[DFT_SESSION_TOKEN_HEX];  /* the X-CSRF-Token every change must carry */
} dft_session;

/* Check a password and open a session (12 hours, renewed by use).
 * DFT_EINVAL: unknown user or wrong password (the same answer for both,
 * and the same time: a dummy hash is verified for unknown users);
 * DFT_ELIMIT: locked out (5 failures within 15 minutes lock the name for
 * 15 minutes). Both are recorded in the audit log with addr. */
int dft_login(dft_store *st, const char *user, const char *password, const char *addr, dft_session *out);
/* The session of a cookie token; DFT_ENOTFOUND when none or expired. */
int dft_session_get(dft_store *st, const char *token, dft_session *out);
int dft_logout(dft_store *st, const char *token);
/* Constant-time comparison of a request's CSRF header with the session's. */
int dft_csrf_ok(const dft_session *s, const char *header);

/* ---- audit -------------------------------------------------------------------- */

/* Append one event (never updated or deleted). */
int dft_audit(dft_store *st, const char *user, const char *addr, const char *action, const char *target,
	      const char *detail);
typedef struct dft_audit_event {
	int64_t id;
	const char *at, *user, *addr, *action, *target, *detail;
} dft_audit_event;
int dft_audit_list(dft_store *st, int64_t limit, int64_t offset,
		   int (*fn)(void *ctx, const dft_audit_event *e), void *ctx);

/* ---- added with the implementation (src/server/auth.c, src/store/auth_store.c) ---- */

/* For tests: the clock of the rules (session expiry, lock-out, audit and
 * created times), in unix seconds; NULL restores the real clock. Not
 * thread-safe: set it before any other call. */
void dft_auth_set_clock(int64_t (*now)(void));

/* The store side of this header (src/store/auth_store.c): SQL only, no
 * rules; src/server/auth.c is their one caller. Times are unix seconds,
 * `at`/`created` ISO text. */
int dft_store_user_insert(dft_store *st, const char *name, const char *hash, int role, const char *created);
int dft_store_user_delete(dft_store *st, const char *name); /* and their sessions; DFT_ENOTFOUND */
/* canon gets the name as stored; DFT_ENOTFOUND when there is no such user */
int dft_store_user_get(dft_store *st, const char *name, char canon[72], int *role, dft_buf *hash);
int dft_store_login_failure_add(dft_store *st, const char *name, int64_t at);
/* Failures of `name` at or after `since`, newest first, at most max */
int dft_store_login_failures(dft_store *st, const char *name, int64_t since, int64_t *times, int max, int *n);
int dft_store_login_failures_clear(dft_store *st, const char *name);
int dft_store_session_put(dft_store *st, const char *token_hash, const char *user, const char *csrf,
			  int64_t now, int64_t expires);
/* out gets user, role and csrf (not the token); DFT_ENOTFOUND */
int dft_store_session_get(dft_store *st, const char *token_hash, dft_session *out, int64_t *last_used,
			  int64_t *expires);
int dft_store_session_touch(dft_store *st, const char *token_hash, int64_t now, int64_t expires);
int dft_store_session_delete(dft_store *st, const char *token_hash);
int dft_store_sessions_expire(dft_store *st, int64_t now);
int dft_store_audit_put(dft_store *st, const char *at, const char *user, const char *addr, const char *action,
			const char *target, const char *detail);
#endif
