/*
 * test_auth.c - users, roles, sessions, lock-out, the audit log, tags and
 * notes (auth.h): names and passwords checked, Argon2id hashes stored,
 * logins right and wrong, the same answer for an unknown user, lock-out
 * after 5 failures (the right password refused while locked), session
 * expiry and renewal on a test clock, logout, CSRF, the audit log refusing
 * UPDATE and DELETE, tags found by the query language's tag: filter, notes.
 * Hashes use libsodium's minimum limits here (DAFTAR_TEST_FAST_HASH=1); the
 * real ones are exercised by tests/e2e/test_users.sh.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daftar/auth.h"
#include "daftar/custody.h"
#include "daftar/index.h"
#include "daftar/store.h"
#include "../helpers.h"

static char case_dir[4096];
static int64_t fake_now;
static int64_t fake_clock(void) { return fake_now; }

static int setup(void **state)
{
	dft_store *st;
	(void)state;
	if (test_dir(case_dir, sizeof(case_dir), "auth") < 0 || test_case_init(case_dir) < 0 ||
	    dft_store_open(&st, case_dir, 1) < 0)
		return -1;
	*state = st;
	fake_now = 1700000000; /* 2023-11-14T22:13:20Z */
	dft_auth_set_clock(fake_clock);
	return 0;
}

static int teardown(void **state)
{
	dft_store_free(*state);
	dft_auth_set_clock(NULL);
	return test_rmrf(case_dir);
}

struct names {
	char v[8][72];
	int role[8];
	int n;
};

static int on_user(void *ctx, const char *name, int role, const char *created)
{
	struct names *u = ctx;
	assert_non_null(created);
	assert_int_equal(strlen(created), 20);
	if (u->n < 8) {
		snprintf(u->v[u->n], 72, "%s", name);
		u->role[u->n++] = role;
	}
	return 0;
}

static void users_add_list_remove(void **state)
{
	dft_store *st = *state;
	struct names u;
	int64_t n;
	char long_name[80], long_pw[1100];
	char p[4200];

	assert_string_equal(dft_role_name(DFT_ROLE_ADMIN), "admin");
	assert_string_equal(dft_role_name(DFT_ROLE_VIEWER), "viewer");
	assert_int_equal(dft_role_parse("editor"), DFT_ROLE_EDITOR);
	assert_int_equal(dft_role_parse("root"), -1);
	assert_int_equal(dft_role_parse(NULL), -1);

	assert_int_equal(dft_user_count(st, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(dft_user_add(st, "alice", "correct horse", DFT_ROLE_ADMIN), 0);
	assert_int_equal(dft_user_add(st, "bob.k_2-x@desk", "12345678", DFT_ROLE_VIEWER), 0);
	assert_int_equal(dft_user_add(st, "alice", "another one", DFT_ROLE_EDITOR), DFT_EEXISTS);
	assert_int_equal(dft_user_add(st, "ALICE", "another one", DFT_ROLE_EDITOR), DFT_EEXISTS);
	/* names */
	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_int_equal(dft_user_add(st, "", "12345678", DFT_ROLE_VIEWER), DFT_EINVAL);
	assert_int_equal(dft_user_add(st, NULL, "12345678", DFT_ROLE_VIEWER), DFT_EINVAL);
	assert_int_equal(dft_user_add(st, long_name, "12345678", DFT_ROLE_VIEWER), DFT_EINVAL);
	long_name[64] = '\0';
	assert_int_equal(dft_user_add(st, long_name, "12345678", DFT_ROLE_VIEWER), 0);
	assert_int_equal(dft_user_add(st, "a b", "12345678", DFT_ROLE_VIEWER), DFT_EINVAL);
	assert_int_equal(dft_user_add(st, "a/b", "12345678", DFT_ROLE_VIEWER), DFT_EINVAL);
	assert_int_equal(dft_user_add(st, "علي", "12345678", DFT_ROLE_VIEWER), DFT_EINVAL);
	/* passwords and roles */
	assert_int_equal(dft_user_add(st, "carol", "1234567", DFT_ROLE_VIEWER), DFT_EINVAL);
	assert_int_equal(dft_user_add(st, "carol", NULL, DFT_ROLE_VIEWER), DFT_EINVAL);
	memset(long_pw, 'x', 1025);
	long_pw[1025] = '\0';
	assert_int_equal(dft_user_add(st, "carol", long_pw, DFT_ROLE_VIEWER), DFT_EINVAL);
	long_pw[1024] = '\0';
	assert_int_equal(dft_user_add(st, "carol", long_pw, DFT_ROLE_EDITOR), 0);
	assert_int_equal(dft_user_add(st, "dave", "12345678", 0), DFT_EINVAL);
	assert_int_equal(dft_user_add(st, "dave", "12345678", 4), DFT_EINVAL);

	assert_int_equal(dft_user_count(st, &n), 0);
	assert_int_equal(n, 4);
	memset(&u, 0, sizeof(u));
	assert_int_equal(dft_user_list(st, on_user, &u), 0);
	assert_int_equal(u.n, 4);
	assert_string_equal(u.v[0], long_name);
	assert_string_equal(u.v[1], "alice");
	assert_int_equal(u.role[1], DFT_ROLE_ADMIN);
	assert_string_equal(u.v[2], "bob.k_2-x@desk");
	assert_int_equal(u.role[2], DFT_ROLE_VIEWER);
	assert_string_equal(u.v[3], "carol");
	assert_int_equal(u.role[3], DFT_ROLE_EDITOR);

	/* the hash is an Argon2id string, never the password */
	assert_int_equal(test_case_sql(case_dir, "SELECT hash FROM users WHERE name = 'alice'", p, sizeof(p), NULL, 0), 0);
	assert_memory_equal(p, "$argon2id$", 10);
	assert_null(strstr(p, "correct horse"));

	assert_int_equal(dft_user_remove(st, "bob.k_2-x@desk"), 0);
	assert_int_equal(dft_user_remove(st, "bob.k_2-x@desk"), DFT_ENOTFOUND);
	assert_int_equal(dft_user_remove(st, "a b"), DFT_EINVAL);
	assert_int_equal(dft_user_count(st, &n), 0);
	assert_int_equal(n, 3);
}

struct events {
	char action[64][32];
	char user[64][72];
	int n;
};

static int on_event(void *ctx, const dft_audit_event *e)
{
	struct events *ev = ctx;
	assert_non_null(e->at);
	if (ev->n < 64) {
		snprintf(ev->action[ev->n], 32, "%s", e->action);
		snprintf(ev->user[ev->n], 72, "%s", e->user ? e->user : "");
		ev->n++;
	}
	return 0;
}

static int count_action(const struct events *ev, const char *action)
{
	int i, n = 0;
	for (i = 0; i < ev->n; i++)
		n += !strcmp(ev->action[i], action);
	return n;
}

static void login_sessions_csrf_logout(void **state)
{
	dft_store *st = *state;
	dft_session s, g, s2;
	char bad[DFT_SESSION_TOKEN_HEX];
	struct events ev;
	size_t i;

	assert_int_equal(dft_user_add(st, "alice", "correct horse", DFT_ROLE_EDITOR), 0);
	assert_int_equal(dft_login(st, "alice", "correct horse", "127.0.0.1", &s), 0);
	assert_string_equal(s.user, "alice");
	assert_int_equal(s.role, DFT_ROLE_EDITOR);
	assert_int_equal(strlen(s.token), 64);
	assert_int_equal(strlen(s.csrf), 64);
	for (i = 0; i < 64; i++)
		assert_non_null(strchr("0123456789abcdef", s.token[i]));
	assert_string_not_equal(s.token, s.csrf);
	/* the name is matched without regard to case; the session has it as stored */
	assert_int_equal(dft_login(st, "Alice", "correct horse", "127.0.0.1", &s2), 0);
	assert_string_equal(s2.user, "alice");
	assert_string_not_equal(s.token, s2.token);

	/* wrong password and unknown user: the same answer */
	assert_int_equal(dft_login(st, "alice", "wrong horse", "10.0.0.2", &g), DFT_EINVAL);
	assert_string_equal(g.token, "");
	assert_int_equal(dft_login(st, "mallory", "correct horse", "10.0.0.2", &g), DFT_EINVAL);
	assert_int_equal(dft_login(st, "a b", "correct horse", "10.0.0.2", &g), DFT_EINVAL);
	assert_int_equal(dft_login(st, NULL, NULL, NULL, &g), DFT_EINVAL);
	assert_int_equal(dft_login(st, "alice", "", "10.0.0.2", &g), DFT_EINVAL);

	/* the cookie finds the session */
	assert_int_equal(dft_session_get(st, s.token, &g), 0);
	assert_string_equal(g.user, "alice");
	assert_int_equal(g.role, DFT_ROLE_EDITOR);
	assert_string_equal(g.csrf, s.csrf);
	assert_string_equal(g.token, s.token);
	memcpy(bad, s.token, sizeof(bad));
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	assert_int_equal(dft_session_get(st, bad, &g), DFT_ENOTFOUND);
	assert_int_equal(dft_session_get(st, "", &g), DFT_ENOTFOUND);
	assert_int_equal(dft_session_get(st, NULL, &g), DFT_ENOTFOUND);
	assert_int_equal(dft_session_get(st, "' OR 1=1 --", &g), DFT_ENOTFOUND);
	assert_int_equal(dft_session_get(st, s.csrf, &g), DFT_ENOTFOUND); /* the CSRF token is no cookie */

	/* CSRF */
	assert_true(dft_csrf_ok(&s, s.csrf));
	memcpy(bad, s.csrf, sizeof(bad));
	bad[63] = bad[63] == '0' ? '1' : '0';
	assert_false(dft_csrf_ok(&s, bad));
	assert_false(dft_csrf_ok(&s, NULL));
	assert_false(dft_csrf_ok(&s, ""));
	bad[63] = '\0';
	assert_false(dft_csrf_ok(&s, bad));
	assert_false(dft_csrf_ok(&s, s.token));
	assert_false(dft_csrf_ok(&s2, s.csrf)); /* another session's token */
	assert_false(dft_csrf_ok(NULL, s.csrf));

	/* logout ends that session only */
	assert_int_equal(dft_logout(st, s.token), 0);
	assert_int_equal(dft_session_get(st, s.token, &g), DFT_ENOTFOUND);
	assert_int_equal(dft_session_get(st, s2.token, &g), 0);
	assert_int_equal(dft_logout(st, s.token), 0);
	assert_int_equal(dft_logout(st, "nonsense"), 0);

	/* removing a user ends their sessions */
	assert_int_equal(dft_user_remove(st, "ALICE"), 0);
	assert_int_equal(dft_session_get(st, s2.token, &g), DFT_ENOTFOUND);
	assert_int_equal(dft_login(st, "alice", "correct horse", "127.0.0.1", &g), DFT_EINVAL);

	memset(&ev, 0, sizeof(ev));
	assert_int_equal(dft_audit_list(st, 0, 0, on_event, &ev), 0);
	assert_int_equal(count_action(&ev, "login"), 2);
	assert_int_equal(count_action(&ev, "login_failed"), 6);
	assert_string_equal(ev.action[0], "login_failed"); /* newest first */
	assert_string_equal(ev.user[0], "alice");
}

static void session_expiry_and_renewal(void **state)
{
	dft_store *st = *state;
	dft_session s, g;
	int64_t t0 = fake_now;
	assert_int_equal(dft_user_add(st, "ed", "password1", DFT_ROLE_VIEWER), 0);
	assert_int_equal(dft_login(st, "ed", "password1", "::1", &s), 0);
	fake_now = t0 + 11 * 3600;
	assert_int_equal(dft_session_get(st, s.token, &g), 0); /* renewed: 12 h from now */
	fake_now = t0 + 22 * 3600;
	assert_int_equal(dft_session_get(st, s.token, &g), 0);
	fake_now = t0 + 34 * 3600; /* 12 h after the last use */
	assert_int_equal(dft_session_get(st, s.token, &g), DFT_ENOTFOUND);
	fake_now = t0 + 20 * 3600; /* and gone, not only out of date */
	assert_int_equal(dft_session_get(st, s.token, &g), DFT_ENOTFOUND);

	/* unused for 12 hours: over */
	fake_now = t0 + 100 * 3600;
	assert_int_equal(dft_login(st, "ed", "password1", "::1", &s), 0);
	fake_now += 12 * 3600 - 1;
	assert_int_equal(dft_session_get(st, s.token, &g), 0);
	assert_int_equal(dft_login(st, "ed", "password1", "::1", &s), 0);
	fake_now += 12 * 3600;
	assert_int_equal(dft_session_get(st, s.token, &g), DFT_ENOTFOUND);
}

/* The workbench finds sessions with read-only stores while an ingest holds
 * the case (here: the test's own writer): a renewal still counts. */
static void renewal_through_a_read_only_store(void **state)
{
	dft_store *st = *state, *ro;
	dft_session s, g;
	int64_t t0 = fake_now;
	assert_int_equal(dft_user_add(st, "ed", "password1", DFT_ROLE_VIEWER), 0);
	assert_int_equal(dft_login(st, "ed", "password1", "::1", &s), 0);
	assert_int_equal(dft_store_open(&ro, case_dir, DFT_STORE_READ), 0);
	fake_now = t0 + 11 * 3600;
	assert_int_equal(dft_session_get(ro, s.token, &g), 0); /* renewed: 12 h from now */
	fake_now = t0 + 22 * 3600; /* past the first 12 h: alive only if renewed */
	assert_int_equal(dft_session_get(ro, s.token, &g), 0);
	assert_string_equal(g.user, "ed");
	dft_store_free(ro);
}

static void lockout(void **state)
{
	dft_store *st = *state;
	dft_session s;
	struct events ev;
	int i;
	int64_t t0 = fake_now;
	assert_int_equal(dft_user_add(st, "fay", "the right one", DFT_ROLE_ADMIN), 0);

	/* 4 failures, then the right password: fine, and the count starts over */
	for (i = 0; i < 4; i++)
		assert_int_equal(dft_login(st, "fay", "wrong", "10.1.1.1", &s), DFT_EINVAL);
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(dft_login(st, "fay", "wrong", "10.1.1.1", &s), DFT_EINVAL);
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), 0);

	/* 5 failures spread over more than 15 minutes: no lock */
	for (i = 0; i < 4; i++)
		assert_int_equal(dft_login(st, "fay", "wrong", "10.1.1.1", &s), DFT_EINVAL);
	fake_now += 16 * 60;
	assert_int_equal(dft_login(st, "fay", "wrong", "10.1.1.1", &s), DFT_EINVAL);
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), 0);

	/* 5 within 15 minutes: locked, even with the right password */
	for (i = 0; i < 5; i++) {
		fake_now += 60;
		assert_int_equal(dft_login(st, "fay", "wrong", "10.1.1.1", &s), DFT_EINVAL);
	}
	fake_now += 1;
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), DFT_ELIMIT);
	assert_string_equal(s.token, "");
	assert_int_equal(dft_login(st, "FAY", "the right one", "10.1.1.2", &s), DFT_ELIMIT);
	fake_now += 14 * 60;
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), DFT_ELIMIT);
	/* 15 minutes after the fifth failure: open again */
	fake_now += 60;
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), 0);

	/* names that do not exist lock the same way */
	for (i = 0; i < 5; i++)
		assert_int_equal(dft_login(st, "nobody", "x", "10.1.1.1", &s), DFT_EINVAL);
	assert_int_equal(dft_login(st, "nobody", "x", "10.1.1.1", &s), DFT_ELIMIT);
	/* and another user is not affected */
	assert_int_equal(dft_login(st, "fay", "the right one", "10.1.1.1", &s), 0);

	memset(&ev, 0, sizeof(ev));
	assert_int_equal(dft_audit_list(st, 0, 0, on_event, &ev), 0);
	assert_int_equal(count_action(&ev, "lockout"), 2);
	assert_int_equal(count_action(&ev, "login_locked"), 4);
	assert_int_equal(count_action(&ev, "login"), 5);
	assert_int_equal(count_action(&ev, "login_failed"), 4 + 4 + 5 + 5 + 5);
	(void)t0;
}

static void audit_append_only(void **state)
{
	dft_store *st = *state;
	struct events ev;
	char err[512];
	int i;
	for (i = 0; i < 5; i++) {
		char target[16];
		snprintf(target, sizeof(target), "%d", i);
		assert_int_equal(dft_audit(st, "ann", "127.0.0.1", "view", target, NULL), 0);
	}
	assert_int_equal(dft_audit(st, "ann", "127.0.0.1", "search", NULL, "tag:x الرقة"), 0);
	assert_int_equal(dft_audit(st, "ann", NULL, "", NULL, NULL), DFT_EINVAL);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(dft_audit_list(st, 2, 1, on_event, &ev), 0);
	assert_int_equal(ev.n, 2);
	assert_string_equal(ev.action[0], "view");
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(dft_audit_list(st, 0, 0, on_event, &ev), 0);
	assert_int_equal(ev.n, 6);
	assert_string_equal(ev.action[0], "search");

	/* nothing updates or deletes it, not even SQL from outside */
	assert_int_equal(test_case_sql(case_dir, "UPDATE audit SET \"user\" = 'eve'", NULL, 0, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "append-only"));
	assert_int_equal(test_case_sql(case_dir, "DELETE FROM audit WHERE id = 1", NULL, 0, err, sizeof(err)), -1);
	assert_int_equal(test_case_sql(case_dir, "DELETE FROM audit", NULL, 0, err, sizeof(err)), -1);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(dft_audit_list(st, 0, 0, on_event, &ev), 0);
	assert_int_equal(ev.n, 6);
	assert_string_equal(ev.user[5], "ann");
}

/* ---- tags and notes --------------------------------------------------------- */

static int64_t add_doc(dft_store *st, int64_t batch, const char *path, const char *text)
{
	dft_location loc;
	dft_extraction ex;
	char sha[DFT_SHA256_HEX];
	int64_t id;
	int is_new;
	dft_sha256_hex(sha, path, strlen(path));
	memset(&loc, 0, sizeof(loc));
	loc.sha256 = sha;
	loc.size = (int64_t)strlen(text);
	loc.path = path;
	loc.batch = batch;
	loc.stored = 1;
	assert_int_equal(dft_store_add_location(st, &loc, &id, &is_new), 0);
	memset(&ex, 0, sizeof(ex));
	ex.mime = "text/plain";
	ex.type = "text";
	ex.status = "ok";
	ex.text = text;
	ex.text_len = strlen(text);
	assert_int_equal(dft_store_set_extraction(st, id, &ex), 0);
	return id;
}

struct tags {
	char v[8][80];
	int n;
};

static int on_tag(void *ctx, const char *tag)
{
	struct tags *t = ctx;
	if (t->n < 8)
		snprintf(t->v[t->n++], 80, "%s", tag);
	return 0;
}

struct hits {
	int64_t id[16];
	int n;
};

static int on_hit(void *ctx, const dft_hit *h)
{
	struct hits *x = ctx;
	if (x->n < 16)
		x->id[x->n++] = h->id;
	return 0;
}

static int search(dft_store *st, const char *text, struct hits *h)
{
	dft_query q;
	dft_search_opts o;
	dft_search_result r;
	int rc;
	memset(h, 0, sizeof(*h));
	memset(&o, 0, sizeof(o));
	if ((rc = dft_query_compile(&q, text, dft_store_fuzzy, st)) == 0)
		rc = dft_store_search(st, &q, &o, on_hit, NULL, h, &r);
	dft_query_dispose(&q);
	assert_int_equal(rc, 0);
	assert_int_equal(r.total, h->n);
	return h->n;
}

static int chain_problems;
static int on_chain_problem(void *ctx, const char *kind, const char *sha256, const char *detail)
{
	(void)ctx;
	(void)sha256;
	fprintf(stderr, "custody: %s: %s\n", kind, detail);
	chain_problems++;
	return 0;
}

static void tags_and_search(void **state)
{
	dft_store *st = *state;
	struct tags t;
	struct hits h;
	int64_t batch, a, b, c;
	int resumed;
	char long_tag[80];

	assert_int_equal(dft_store_batch_open(st, "one", &batch, &resumed), 0);
	a = add_doc(st, batch, "a.txt", "رسالة إلى والي الرقة عن رواتب شهر تموز");
	b = add_doc(st, batch, "b.txt", "A letter about the salaries paid in Raqqa in July.");
	c = add_doc(st, batch, "c.txt", "رسالة أخرى عن الطرق بين الطبقة ومنبج");
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_store_batch_close(st, batch), 0);
	assert_int_equal(dft_store_commit(st), 0); /* batch_close leaves its transaction open */

	assert_int_equal(dft_tag_add(st, a, "Important", "alice"), 0);
	assert_int_equal(dft_tag_add(st, a, "important", "bob"), 0); /* the same tag */
	assert_int_equal(dft_tag_add(st, a, "مهم", "alice"), 0);
	assert_int_equal(dft_tag_add(st, b, "IMPORTANT", "alice"), 0);
	assert_int_equal(dft_tag_add(st, c, "to check", "alice"), 0);
	/* validation */
	memset(long_tag, 'x', 65);
	long_tag[65] = '\0';
	assert_int_equal(dft_tag_add(st, a, long_tag, "alice"), DFT_EINVAL);
	long_tag[64] = '\0';
	assert_int_equal(dft_tag_add(st, c, long_tag, "alice"), 0);
	assert_int_equal(dft_tag_add(st, a, "", "alice"), DFT_EINVAL);
	assert_int_equal(dft_tag_add(st, a, NULL, "alice"), DFT_EINVAL);
	assert_int_equal(dft_tag_add(st, a, "a\tb", "alice"), DFT_EINVAL);
	assert_int_equal(dft_tag_add(st, a, "a\nb", "alice"), DFT_EINVAL);
	assert_int_equal(dft_tag_add(st, a, "a\x7f", "alice"), DFT_EINVAL);
	assert_int_equal(dft_tag_add(st, a, "a\xc2\x85", "alice"), DFT_EINVAL); /* NEL, a C1 control */
	assert_int_equal(dft_tag_add(st, a, "a\xff", "alice"), DFT_EINVAL);
	assert_int_equal(dft_tag_add(st, 9999, "x", "alice"), DFT_ENOTFOUND);

	memset(&t, 0, sizeof(t));
	assert_int_equal(dft_tags(st, a, on_tag, &t), 0);
	assert_int_equal(t.n, 2);
	assert_string_equal(t.v[0], "Important"); /* kept as first given */
	assert_string_equal(t.v[1], "مهم");

	/* tag: alone, with words, with other filters, negated */
	assert_int_equal(search(st, "tag:important", &h), 2);
	assert_int_equal(h.id[0], a);
	assert_int_equal(h.id[1], b);
	assert_int_equal(search(st, "tag:IMPORTANT الرقة", &h), 1);
	assert_int_equal(h.id[0], a);
	assert_int_equal(search(st, "salaries tag:Important", &h), 1);
	assert_int_equal(h.id[0], b);
	assert_int_equal(search(st, "tag:ＩＭＰＯＲＴＡＮＴ type:text", &h), 2); /* full-width: NFKC */
	assert_int_equal(search(st, "tag:important lang:xx", &h), 0);
	assert_int_equal(search(st, "tag:مهم", &h), 1);
	assert_int_equal(search(st, "tag:\"to check\"", &h), 1);
	assert_int_equal(h.id[0], c);
	assert_int_equal(search(st, "tag:to", &h), 0); /* the whole tag, not a part */
	assert_int_equal(search(st, "رسالة -tag:important", &h), 1);
	assert_int_equal(h.id[0], c);
	assert_int_equal(search(st, "tag:nothing", &h), 0);

	/* remove: by any case; twice is "not found" */
	assert_int_equal(dft_tag_remove(st, a, "IMPORTANT", "alice"), 0);
	assert_int_equal(dft_tag_remove(st, a, "important", "alice"), DFT_ENOTFOUND);
	assert_int_equal(dft_tag_remove(st, 9999, "important", "alice"), DFT_ENOTFOUND);
	assert_int_equal(dft_tag_remove(st, a, "", "alice"), DFT_EINVAL);
	assert_int_equal(search(st, "tag:important", &h), 1);
	assert_int_equal(h.id[0], b);
	memset(&t, 0, sizeof(t));
	assert_int_equal(dft_tags(st, a, on_tag, &t), 0);
	assert_int_equal(t.n, 1);

	/* every change is in the custody log, and the chain still verifies */
	assert_int_equal(test_log_count(st, "\"event\":\"tagged\""), 5);
	assert_int_equal(test_log_count(st, "\"event\":\"untagged\""), 1);
	{
		dft_custody_check chk;
		int64_t entries, offset, checked = 0;
		char head[DFT_SHA256_HEX];
		memset(&chk, 0, sizeof(chk));
		chk.problem = on_chain_problem;
		assert_int_equal(dft_store_custody_head(st, &entries, head, &offset), 0);
		assert_int_equal(dft_store_custody_check(st, &chk, &checked), 0);
		assert_int_equal(checked, entries);
		assert_int_equal(chain_problems, 0);
	}
}

struct notes {
	int64_t id[8];
	char text[8][64];
	char user[8][16];
	int n;
};

static int on_note(void *ctx, const dft_note *n)
{
	struct notes *x = ctx;
	assert_non_null(n->at);
	if (x->n < 8) {
		x->id[x->n] = n->id;
		snprintf(x->text[x->n], 64, "%s", n->text);
		snprintf(x->user[x->n], 16, "%s", n->user);
		x->n++;
	}
	return 0;
}

static void notes(void **state)
{
	dft_store *st = *state;
	struct notes x;
	int64_t batch, a;
	int resumed;
	char *big;
	assert_int_equal(dft_store_batch_open(st, "one", &batch, &resumed), 0);
	a = add_doc(st, batch, "a.txt", "a letter");
	assert_int_equal(dft_store_commit(st), 0);
	assert_int_equal(dft_note_add(st, a, "The signature matches letter 17.", "alice"), 0);
	assert_int_equal(dft_note_add(st, a, "يؤكد ذلك شاهد\nفي مقابلة", "bob"), 0);
	assert_int_equal(dft_note_add(st, a, "", "bob"), DFT_EINVAL);
	assert_int_equal(dft_note_add(st, a, NULL, "bob"), DFT_EINVAL);
	assert_int_equal(dft_note_add(st, a, " \n\t", "bob"), DFT_EINVAL);
	assert_int_equal(dft_note_add(st, a, "bell\a", "bob"), DFT_EINVAL);
	assert_int_equal(dft_note_add(st, a, "bad \xff", "bob"), DFT_EINVAL);
	assert_int_equal(dft_note_add(st, 9999, "a note", "bob"), DFT_ENOTFOUND);
	big = malloc(65538);
	assert_non_null(big);
	memset(big, 'n', 65537);
	big[65537] = '\0';
	assert_int_equal(dft_note_add(st, a, big, "bob"), DFT_EINVAL);
	big[65536] = '\0';
	assert_int_equal(dft_note_add(st, a, big, "bob"), 0);
	free(big);
	memset(&x, 0, sizeof(x));
	assert_int_equal(dft_notes(st, a, on_note, &x), 0);
	assert_int_equal(x.n, 3);
	assert_string_equal(x.text[0], "The signature matches letter 17.");
	assert_string_equal(x.user[0], "alice");
	assert_string_equal(x.text[1], "يؤكد ذلك شاهد\nفي مقابلة");
	assert_true(x.id[0] < x.id[1] && x.id[1] < x.id[2]);
	memset(&x, 0, sizeof(x));
	assert_int_equal(dft_notes(st, 9999, on_note, &x), 0);
	assert_int_equal(x.n, 0);
	assert_int_equal(test_log_count(st, "\"event\":\"noted\""), 3);
}

/* Tags and notes inside a caller's transaction are committed by the caller */
static void inside_a_transaction(void **state)
{
	dft_store *st = *state;
	struct tags t;
	int64_t batch, a;
	int resumed;
	assert_int_equal(dft_store_batch_open(st, "one", &batch, &resumed), 0);
	a = add_doc(st, batch, "a.txt", "a letter");
	assert_int_equal(dft_tag_add(st, a, "first", "alice"), 0);
	assert_int_equal(dft_tag_add(st, 4242, "x", "alice"), DFT_ENOTFOUND);
	assert_int_equal(dft_store_commit(st), 0);
	memset(&t, 0, sizeof(t));
	assert_int_equal(dft_tags(st, a, on_tag, &t), 0);
	assert_int_equal(t.n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(users_add_list_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(login_sessions_csrf_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(session_expiry_and_renewal, setup, teardown),
		cmocka_unit_test_setup_teardown(lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_append_only, setup, teardown),
		cmocka_unit_test_setup_teardown(tags_and_search, setup, teardown),
		cmocka_unit_test_setup_teardown(notes, setup, teardown),
		cmocka_unit_test_setup_teardown(inside_a_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(renewal_through_a_read_only_store, setup, teardown),
	};
	setenv("DAFTAR_TEST_FAST_HASH", "1", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
