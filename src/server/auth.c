/*
 * auth.c - the rules of auth.h: who may log in, and how. Passwords are
 * Argon2id strings from libsodium's crypto_pwhash_str with the INTERACTIVE
 * limits (2 passes over 64 MiB, about 0.1 s here): the workbench runs on a
 * reporter's laptop where a login must feel instant, the lock-out below
 * bounds online guessing, and 64 MiB a guess is what makes an offline
 * attack on a stolen store.db expensive on GPUs. The parameters are kept
 * in each hash string, so they can be raised later without breaking old
 * hashes. DAFTAR_TEST_FAST_HASH=1 (read once) uses the minimum limits, for
 * tests under sanitizers only.
 *
 * Sessions: 32 random bytes as hex (the cookie), stored as their SHA-256;
 * a CSRF token of the same kind; 12 hours, renewed on use. Lock-out: 5
 * failed logins of one name within 15 minutes lock that name for 15
 * minutes (also names that do not exist, so a lock says nothing about
 * which users exist); a locked name is refused even with the right
 * password, and refusals while locked are not counted again. Unknown
 * users cost the same time as wrong passwords: a dummy hash is verified.
 * SQL is in src/store/auth_store.c.
 */
#include "daftar/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SESSION_SECONDS (12 * 3600)
#define SESSION_TOUCH_SECONDS 60 /* renew at most once a minute */
#define LOCK_FAILURES 5
#define LOCK_WINDOW (15 * 60)
#define LOCK_SECONDS (15 * 60)

static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int init_rc;
static unsigned long long ops_limit;
static size_t mem_limit;
static char dummy_hash[crypto_pwhash_STRBYTES];
static int64_t (*clock_fn)(void);

static void auth_init(void)
{
	const char *fast = getenv("DAFTAR_TEST_FAST_HASH");
	unsigned char pw[16];
	if (sodium_init() < 0) {
		init_rc = -1;
		return;
	}
	if (fast && !strcmp(fast, "1")) {
		ops_limit = crypto_pwhash_OPSLIMIT_MIN;
		mem_limit = crypto_pwhash_MEMLIMIT_MIN;
	} else {
		ops_limit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
		mem_limit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
	}
	/* the hash an unknown user's password is checked against: same
	 * parameters as a real one, so the same time */
	randombytes_buf(pw, sizeof(pw));
	if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof(pw), ops_limit, mem_limit) != 0)
		init_rc = -1;
	sodium_memzero(pw, sizeof(pw));
}

static int ensure_init(void)
{
	pthread_once(&init_once, auth_init);
	if (init_rc < 0)
		return dft_error_set(DFT_ERROR, "libsodium could not be initialised (or out of memory for a hash)");
	return 0;
}

void dft_auth_set_clock(int64_t (*now)(void)) { clock_fn = now; }

static int64_t now_s(void)
{
	return clock_fn ? clock_fn() : (int64_t)time(NULL);
}

static void iso(int64_t t, char out[32])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm) || !strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(out, 32, "1970-01-01T00:00:00Z");
}

/* ---- roles and names ------------------------------------------------------ */

const char *dft_role_name(int role)
{
	switch (role) {
	case DFT_ROLE_ADMIN: return "admin";
	case DFT_ROLE_EDITOR: return "editor";
	case DFT_ROLE_VIEWER: return "viewer";
	default: return "?";
	}
}

int dft_role_parse(const char *name)
{
	if (!name)
		return -1;
	if (!strcmp(name, "admin"))
		return DFT_ROLE_ADMIN;
	if (!strcmp(name, "editor"))
		return DFT_ROLE_EDITOR;
	if (!strcmp(name, "viewer"))
		return DFT_ROLE_VIEWER;
	return -1;
}

static int name_ok(const char *name)
{
	size_t i, n = name ? strlen(name) : 0;
	if (n < 1 || n > 64)
		return 0;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-' || c == '@'))
			return 0;
	}
	return 1;
}

static int check_name(const char *name)
{
	if (!name_ok(name))
		return dft_error_set(DFT_EINVAL, "a user name is 1 to 64 letters, digits, '.', '_', '-' or '@'");
	return 0;
}

/* ---- users ------------------------------------------------------------------ */

int dft_user_add(dft_store *st, const char *name, const char *password, int role)
{
	char hash[crypto_pwhash_STRBYTES], created[32];
	size_t plen = password ? strlen(password) : 0;
	int rc;
	if ((rc = check_name(name)) < 0)
		return rc;
	if (plen < 8 || plen > 1024)
		return dft_error_set(DFT_EINVAL, "a password is 8 to 1024 bytes");
	if (role != DFT_ROLE_VIEWER && role != DFT_ROLE_EDITOR && role != DFT_ROLE_ADMIN)
		return dft_error_set(DFT_EINVAL, "the role is admin, editor or viewer");
	if ((rc = ensure_init()) < 0)
		return rc;
	if (crypto_pwhash_str(hash, password, plen, ops_limit, mem_limit) != 0)
		return dft_error_set(DFT_ENOMEM, "not enough memory to hash the password");
	iso(now_s(), created);
	rc = dft_store_user_insert(st, name, hash, role, created);
	sodium_memzero(hash, sizeof(hash));
	return rc;
}

int dft_user_remove(dft_store *st, const char *name)
{
	int rc;
	if ((rc = check_name(name)) < 0)
		return rc;
	return dft_store_user_delete(st, name);
}

/* ---- audit -------------------------------------------------------------------- */

int dft_audit(dft_store *st, const char *user, const char *addr, const char *action, const char *target,
	      const char *detail)
{
	char at[32];
	if (!action || !*action)
		return dft_error_set(DFT_EINVAL, "an audit event needs an action");
	iso(now_s(), at);
	return dft_store_audit_put(st, at, user, addr, action, target, detail);
}

/* ---- sessions ------------------------------------------------------------------ */

static int random_hex(char out[DFT_SESSION_TOKEN_HEX])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, DFT_SESSION_TOKEN_HEX, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

static int token_ok(const char *t)
{
	size_t i;
	if (!t)
		return 0;
	for (i = 0; i < DFT_SESSION_TOKEN_HEX - 1; i++)
		if (!((t[i] >= '0' && t[i] <= '9') || (t[i] >= 'a' && t[i] <= 'f')))
			return 0;
	return t[i] == '\0';
}

/* Is the name locked at `now`? The newest LOCK_FAILURES failures within
 * LOCK_WINDOW of each other lock it until LOCK_SECONDS after the last. */
static int locked(dft_store *st, const char *name, int64_t now, int *is_locked)
{
	int64_t t[LOCK_FAILURES];
	int n, rc;
	*is_locked = 0;
	if ((rc = dft_store_login_failures(st, name, now - LOCK_WINDOW - LOCK_SECONDS, t, LOCK_FAILURES, &n)) < 0)
		return rc;
	if (n == LOCK_FAILURES && t[0] - t[LOCK_FAILURES - 1] <= LOCK_WINDOW && now < t[0] + LOCK_SECONDS)
		*is_locked = 1;
	return 0;
}

/* An attempted name as the audit log keeps it: at most 128 bytes */
static void audit_name(const char *user, char out[132])
{
	snprintf(out, 132, "%.128s", user ? user : "");
}

int dft_login(dft_store *st, const char *user, const char *password, const char *addr, dft_session *out)
{
	dft_buf hash;
	char canon[72], who[132], token_hash[DFT_SHA256_HEX];
	const char *pw = password ? password : "";
	size_t plen = strlen(pw);
	int rc, role = 0, known, good, is_locked, in_txn = 0;
	int64_t now = now_s();

	memset(out, 0, sizeof(*out));
	if ((rc = ensure_init()) < 0)
		return rc;
	audit_name(user, who);
	dft_buf_init(&hash, 4096);
	if ((rc = locked(st, who, now, &is_locked)) < 0)
		goto done;
	if (is_locked) {
		if (dft_store_begin(st) == 0 &&
		    dft_audit(st, who, addr, "login_locked", who, "refused: locked after repeated failures") == 0)
			dft_store_commit(st);
		dft_store_rollback(st); /* (nothing left when the commit was made) */
		rc = dft_error_set(DFT_ELIMIT, "too many failed logins: %s is locked for 15 minutes", who);
		goto done;
	}
	known = 0;
	if (name_ok(user)) {
		rc = dft_store_user_get(st, user, canon, &role, &hash);
		if (rc == 0)
			known = 1;
		else if (rc != DFT_ENOTFOUND)
			goto done;
		rc = 0;
	}
	/* the same work whatever is wrong */
	good = crypto_pwhash_str_verify(known ? hash.ptr : dummy_hash, pw, plen) == 0;
	good = good && known && plen >= 1 && plen <= 1024;
	/* The writes of a login in one short transaction, after the hash:
	 * beside a running ingest (the workbench's DFT_STORE_SHARED store)
	 * it waits once for the write lock and holds it for milliseconds. */
	if ((rc = dft_store_begin(st)) < 0)
		goto done;
	in_txn = 1;
	if (!good) {
		if ((rc = dft_store_login_failure_add(st, who, now)) < 0)
			goto done;
		if ((rc = dft_audit(st, who, addr, "login_failed", who, known ? "wrong password" : "unknown user")) < 0)
			goto done;
		if ((rc = locked(st, who, now, &is_locked)) < 0)
			goto done;
		if (is_locked && (rc = dft_audit(st, who, addr, "lockout", who, "5 failed logins within 15 minutes: locked for 15 minutes")) < 0)
			goto done;
		if ((rc = dft_store_commit(st)) < 0)
			goto done;
		in_txn = 0;
		rc = dft_error_set(DFT_EINVAL, "wrong user name or password");
		goto done;
	}
	if ((rc = dft_store_login_failures_clear(st, canon)) < 0 || (rc = dft_store_sessions_expire(st, now)) < 0)
		goto done;
	snprintf(out->user, sizeof(out->user), "%s", canon);
	out->role = role;
	random_hex(out->token);
	random_hex(out->csrf);
	if ((rc = dft_sha256_hex(token_hash, out->token, strlen(out->token))) < 0 ||
	    (rc = dft_store_session_put(st, token_hash, canon, out->csrf, now, now + SESSION_SECONDS)) < 0)
		goto done;
	if ((rc = dft_audit(st, canon, addr, "login", canon, dft_role_name(role))) < 0)
		goto done;
	rc = dft_store_commit(st);
	in_txn = rc < 0;
done:
	if (in_txn)
		dft_store_rollback(st);
	if (rc < 0)
		sodium_memzero(out, sizeof(*out));
	dft_buf_dispose(&hash);
	return rc;
}

int dft_session_get(dft_store *st, const char *token, dft_session *out)
{
	char token_hash[DFT_SHA256_HEX];
	int64_t last_used, expires, now = now_s();
	int rc;
	memset(out, 0, sizeof(*out));
	if (!token_ok(token))
		return dft_error_set(DFT_ENOTFOUND, "no such session");
	if ((rc = dft_sha256_hex(token_hash, token, strlen(token))) < 0)
		return rc;
	if ((rc = dft_store_session_get(st, token_hash, out, &last_used, &expires)) < 0)
		return rc;
	if (now >= expires) {
		dft_store_session_delete(st, token_hash);
		memset(out, 0, sizeof(*out));
		return dft_error_set(DFT_ENOTFOUND, "the session has expired: log in again");
	}
	if (now - last_used >= SESSION_TOUCH_SECONDS &&
	    (rc = dft_store_session_touch(st, token_hash, now, now + SESSION_SECONDS)) < 0)
		return rc;
	snprintf(out->token, sizeof(out->token), "%s", token);
	return 0;
}

int dft_logout(dft_store *st, const char *token)
{
	char token_hash[DFT_SHA256_HEX];
	int rc;
	if (!token_ok(token))
		return 0;
	if ((rc = dft_sha256_hex(token_hash, token, strlen(token))) < 0 || (rc = dft_store_begin(st)) < 0)
		return rc;
	if ((rc = dft_store_session_delete(st, token_hash)) == 0)
		rc = dft_store_commit(st);
	if (rc < 0)
		dft_store_rollback(st);
	return rc;
}

int dft_csrf_ok(const dft_session *s, const char *header)
{
	if (!s || !header || !token_ok(s->csrf) || strlen(header) != DFT_SESSION_TOKEN_HEX - 1)
		return 0;
	return sodium_memcmp(s->csrf, header, DFT_SESSION_TOKEN_HEX - 1) == 0;
}
