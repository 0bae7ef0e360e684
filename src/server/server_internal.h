/* server_internal.h - what the server's own files share (http.c, routes.c):
 * the server, one request, and the helpers that answer it. */
#ifndef DAFTAR_SERVER_INTERNAL_H
#define DAFTAR_SERVER_INTERNAL_H

#include "daftar/auth.h"
#include "daftar/server.h"
#include "daftar/store.h"

#include <microhttpd.h>
#include <pthread.h>
#include <limits.h>

#define SRV_POOL 16

struct srv_conn; /* http.c: one connection, for the header deadline */

struct srv_audit_ev {
	char at[32];
	char *user, *addr, *action, *target, *detail;
};

struct dft_server {
	char *case_dir;
	char web_real[PATH_MAX];
	char url[128];
	int has_users;
	char local_csrf[DFT_SESSION_TOKEN_HEX]; /* with no users: the token of `local` */
	struct MHD_Daemon *d;
	pthread_mutex_t pool_mu, rw_mu;
	dft_store *pool[SRV_POOL];
	int npool;
	pthread_mutex_t audit_mu;
	pthread_cond_t audit_cv;
	pthread_t audit_tid;
	int audit_started, stopping;
	struct srv_audit_ev *audit;
	size_t naudit, capaudit;
	/* connections waiting for their request headers, oldest first; a
	 * thread of its own closes those past the deadline (http.c) */
	pthread_mutex_t conn_mu;
	pthread_cond_t conn_cv;
	pthread_t sweep_tid;
	int sweep_started, sweep_stop;
	struct srv_conn *wait_head, *wait_tail;
	unsigned header_timeout, conn_limit; /* seconds; connections at once */
	unsigned long long late_closed, late_logged;
	int64_t log_window; /* libmicrohttpd's messages: so many a minute (conn_mu) */
	unsigned log_n;
	unsigned long long log_dropped;
};

struct srv_req {
	dft_server *srv;
	struct MHD_Connection *conn;
	dft_buf body;
	int too_big;
	char addr[64];
	dft_store *st; /* read-only, from the pool */
	dft_session session;
	int has_session;
	char set_cookie[256];
};

extern const char srv_csp_page[];

int srv_store_get(dft_server *s, dft_store **st);
void srv_store_put(dft_server *s, dft_store *st);
int srv_rw_open(dft_server *s, dft_store **st);
void srv_rw_close(dft_server *s, dft_store *st);
void srv_audit(dft_server *s, const char *user, const char *addr, const char *action, const char *target,
	       const char *detail);

enum MHD_Result srv_queue(struct srv_req *q, unsigned status, struct MHD_Response *r, int page);
enum MHD_Result srv_json(struct srv_req *q, unsigned status, const dft_buf *b);
enum MHD_Result srv_error(struct srv_req *q, unsigned status, const char *msg);
enum MHD_Result srv_fail(struct srv_req *q, int rc);
unsigned srv_status_of(int rc);

/* routes.c: path is what follows "/api/" */
enum MHD_Result srv_route(struct srv_req *q, const char *path, const char *method);
enum MHD_Result srv_route_login(struct srv_req *q);

/* ---- the pure parsers of untrusted request data (http.c, routes.c), one
 * place each, exposed for tests/fuzz/fuzz_http.c. The request line, headers,
 * cookies and query string are split and percent-decoded by libmicrohttpd
 * before these see them. */
struct json_object;
int srv_static_path_ok(const char *rel);	  /* 1: may be looked up under web/ */
int srv_host_ok(const char *host);		  /* 1: a loopback Host header */
int64_t srv_parse_id(const char *s, size_t n);	  /* "7" -> 7; else 0 */
int64_t srv_parse_count(const char *v, int64_t def, int64_t max); /* -2: malformed */
struct json_object *srv_body_parse(const char *body, size_t len); /* NULL: not one object */
const char *srv_body_str(struct json_object *o, const char *key);
void srv_disposition(dft_buf *out, const char *path); /* Content-Disposition of a download */

#endif
