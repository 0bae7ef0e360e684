/*
 * user_cmd.c - `daftar user add|list|remove`: the workbench's users
 * (auth.h). A new user's password is read from the terminal without echo
 * (asked twice), or as one line from stdin when stdin is not a terminal;
 * it never appears on the command line. Adding and removing users is
 * written to the audit log (addr "cli", user $USER).
 */
#include "cli.h"
#include "daftar/auth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PW_MAX 1024

/* One line from f into buf (without its newline); DFT_ELIMIT past PW_MAX
 * bytes, DFT_ENOTFOUND at end of input. */
static int read_line(FILE *f, char *buf, size_t size)
{
	size_t n;
	if (!fgets(buf, (int)size, f))
		return dft_error_set(DFT_ENOTFOUND, "no password given (expected one line on stdin)");
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == size - 1 && !feof(f))
		return dft_error_set(DFT_ELIMIT, "the password is longer than %d bytes", PW_MAX);
	if (n && buf[n - 1] == '\r')
		buf[--n] = '\0';
	return 0;
}

static int ask(const char *prompt, char *buf, size_t size)
{
	struct termios old, quiet;
	int rc, echo_off = 0;
	fputs(prompt, stderr);
	fflush(stderr);
	if (tcgetattr(STDIN_FILENO, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		quiet.c_lflag |= ECHONL;
		echo_off = tcsetattr(STDIN_FILENO, TCSANOW, &quiet) == 0;
	}
	rc = read_line(stdin, buf, size);
	if (echo_off)
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
	else
		fputc('\n', stderr);
	return rc;
}

static int read_password(const char *name, char *pw, size_t size)
{
	char again[PW_MAX + 2], prompt[128];
	int rc;
	if (!isatty(STDIN_FILENO))
		return read_line(stdin, pw, size);
	snprintf(prompt, sizeof(prompt), "Password for %.64s (8 to 1024 bytes): ", name);
	if ((rc = ask(prompt, pw, size)) < 0)
		return rc;
	if ((rc = ask("The same password again: ", again, sizeof(again))) < 0)
		return rc;
	if (strcmp(pw, again) != 0)
		rc = dft_error_set(DFT_EINVAL, "the two passwords differ; nothing was changed");
	memset(again, 0, sizeof(again));
	return rc;
}

static const char *who(void)
{
	const char *u = getenv("USER");
	return u && *u ? u : "local";
}

static int user_add(struct args *a)
{
	dft_store *st = NULL;
	char pw[PW_MAX + 2];
	int role, rc;
	if (a->npos != 2)
		return usage_error("usage: daftar user add CASE NAME --role admin|editor|viewer");
	if (!a->role)
		return usage_error("daftar user add needs --role admin, editor or viewer");
	if ((role = dft_role_parse(a->role)) < 0)
		return usage_error("--role takes admin, editor or viewer, not '%s'", a->role);
	if ((rc = open_case(&st, a, 1)))
		return rc;
	if ((rc = read_password(a->pos[1], pw, sizeof(pw))) == 0 &&
	    (rc = dft_user_add(st, a->pos[1], pw, role)) == 0)
		rc = dft_audit(st, who(), "cli", "user_add", a->pos[1], dft_role_name(role));
	memset(pw, 0, sizeof(pw));
	if (rc < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 1 << 16);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "user");
		dft_json_str(&j, a->pos[1]);
		dft_json_key(&j, "role");
		dft_json_str(&j, dft_role_name(role));
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
	} else {
		printf("user %s added (%s)\n", a->pos[1], dft_role_name(role));
	}
	dft_store_free(st);
	return rc;
}

static int user_remove(struct args *a)
{
	dft_store *st = NULL;
	int rc;
	if (a->npos != 2)
		return usage_error("usage: daftar user remove CASE NAME");
	if ((rc = open_case(&st, a, 1)))
		return rc;
	if ((rc = dft_user_remove(st, a->pos[1])) == 0)
		rc = dft_audit(st, who(), "cli", "user_remove", a->pos[1], NULL);
	if (rc < 0) {
		dft_store_free(st);
		return fail(rc);
	}
	if (a->json) {
		dft_buf b;
		dft_json j;
		dft_buf_init(&b, 1 << 16);
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "removed");
		dft_json_str(&j, a->pos[1]);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
		dft_buf_dispose(&b);
	} else {
		printf("user %s removed (their sessions are over)\n", a->pos[1]);
	}
	dft_store_free(st);
	return rc;
}

struct list_ctx {
	dft_json *j; /* NULL: words */
	int64_t n;
};

static int on_user(void *ctx, const char *name, int role, const char *created)
{
	struct list_ctx *c = ctx;
	c->n++;
	if (!c->j) {
		cli_col(name, 24, 0);
		printf(" %-7s %s\n", dft_role_name(role), created);
		return 0;
	}
	dft_json_obj_open(c->j);
	dft_json_key(c->j, "name");
	dft_json_str(c->j, name);
	dft_json_key(c->j, "role");
	dft_json_str(c->j, dft_role_name(role));
	dft_json_key(c->j, "created");
	dft_json_str(c->j, created);
	dft_json_obj_close(c->j);
	return 0;
}

static int user_list(struct args *a)
{
	dft_store *st = NULL;
	struct list_ctx c;
	dft_buf b;
	dft_json j;
	int rc;
	if (a->npos != 1)
		return usage_error("usage: daftar user list CASE [--json]");
	if ((rc = open_case(&st, a, 0)))
		return rc;
	dft_buf_init(&b, (size_t)1 << 26);
	memset(&c, 0, sizeof(c));
	if (a->json) {
		dft_json_init(&j, &b);
		dft_json_obj_open(&j);
		dft_json_key(&j, "users");
		dft_json_arr_open(&j);
		c.j = &j;
	}
	rc = dft_user_list(st, on_user, &c);
	/* a case no writer has opened since users came (schema 6) has none */
	if (rc < 0 && strstr(dft_error_msg(), "no such table"))
		rc = 0;
	if (rc < 0) {
		rc = fail(rc);
	} else if (a->json) {
		dft_json_arr_close(&j);
		dft_json_obj_close(&j);
		rc = emit_json(&j, &b);
	} else if (c.n == 0) {
		printf("no users: 'daftar serve' listens on loopback only, everyone a local admin\n");
	}
	dft_buf_dispose(&b);
	dft_store_free(st);
	return rc;
}

int cmd_user(struct args *a)
{
	const char *sub;
	if (a->npos < 1)
		return usage_error("usage: daftar user add|list|remove CASE ...");
	sub = a->pos[0];
	/* the rest is CASE [NAME], as open_case expects */
	memmove(&a->pos[0], &a->pos[1], (size_t)(a->npos - 1) * sizeof(a->pos[0]));
	a->npos--;
	if (!strcmp(sub, "add"))
		return user_add(a);
	if (!strcmp(sub, "list"))
		return user_list(a);
	if (!strcmp(sub, "remove"))
		return user_remove(a);
	return usage_error("daftar user: unknown action '%s' (add, list or remove)", sub);
}
