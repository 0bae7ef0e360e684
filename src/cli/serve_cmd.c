/*
 * serve_cmd.c - `daftar serve CASE [--listen ADDR:PORT]`: the web workbench
 * (src/server, docs/API.md) until SIGINT or SIGTERM.
 */
#include "cli.h"
#include "daftar/server.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

int cmd_serve(struct args *a)
{
	dft_server_opts o;
	dft_server *s;
	sigset_t set;
	int rc, sig = 0;
	if (a->npos != 1)
		return cli_usage("serve");
	/* the signals are taken by sigwait here, in no thread of the server */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	memset(&o, 0, sizeof o);
	o.case_dir = a->pos[0];
	o.listen = a->listen;
	if ((rc = dft_server_start(&s, &o)) < 0)
		return fail(rc);
	fprintf(stderr, "daftar: serving %s on %s%s\n", a->pos[0], dft_server_url(s),
		dft_server_has_users(s) ? "" : " (no users: loopback only, everyone is admin)");
	fflush(stderr);
	sigwait(&set, &sig);
	fprintf(stderr, "daftar: stopping (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
	dft_server_stop(s);
	return 0;
}
