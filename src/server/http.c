/*
 * http.c - the workbench's HTTP server on libmicrohttpd (docs/API.md):
 * binding, a pool of read-only stores (SQLite WAL: reads run beside an
 * ingest), the writable store opened per change, the audit queue, request
 * bodies (1 MiB cap), connection limits and the deadline for request
 * headers, sessions, CSRF, security headers and static files.
 * The API endpoints themselves are in routes.c.
 */
#include "server_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY ((size_t)1 << 20)
#define AUDIT_QUEUE_MAX 100000
/* Connections (tests/e2e/test_serve_limits.sh, docs/SECURITY.md):
 * - HEADER_TIMEOUT: a connection must deliver complete request headers
 *   within this many seconds of being accepted, or of the end of its
 *   previous request (keep-alive), else it is closed. MHD's own timeout
 *   (CONN_IDLE_TIMEOUT) is an idle timeout, which a client sending a
 *   byte every few seconds (slowloris) resets for ever; this one is a
 *   deadline. $DAFTAR_HEADER_TIMEOUT (1..3600) changes it.
 * - CONN_IDLE_TIMEOUT: one that sends nothing for that long while its
 *   body is read or its answer written is closed.
 * - CONN_LIMIT at once (epoll: no FD_SETSIZE bound; past it the listen
 *   socket rests and new connections wait in the kernel's backlog,
 *   LISTEN_BACKLOG), at most CONN_PER_IP of them from one address (past
 *   that they are closed on accept), so that one address cannot take
 *   every slot. The open-files limit is raised (soft up to hard) to
 *   FDS_PER_CONN descriptors a connection plus FD_RESERVE; where the
 *   hard limit is lower, CONN_LIMIT is lowered to fit.
 * Request lines and headers beyond MHD's per-connection memory (32 KiB)
 * are refused by MHD, and MHD is strict about the protocol (HTTP/1.1
 * without Host: 400). */
#define HEADER_TIMEOUT 10
#define CONN_IDLE_TIMEOUT 60
#define CONN_LIMIT 4096
#define CONN_PER_IP 1024
#define LISTEN_BACKLOG 4096
#define FDS_PER_CONN 2 /* the socket, and a static file being sent */
#define FD_RESERVE 512 /* stores, the audit log, renderers' pipes, stdio */
#define LATE_LOG_EVERY 60 /* seconds between two notes of closed late connections */
#define MHD_LOG_PER_MINUTE 20 /* libmicrohttpd's messages shown a minute */

const char srv_csp_page[] =
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; "
	"frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/* ---- stores -------------------------------------------------------------------- */

int srv_store_get(dft_server *s, dft_store **st)
{
	pthread_mutex_lock(&s->pool_mu);
	if (s->npool > 0) {
		*st = s->pool[--s->npool];
		pthread_mutex_unlock(&s->pool_mu);
		return 0;
	}
	pthread_mutex_unlock(&s->pool_mu);
	return dft_store_open(st, s->case_dir, 0);
}

void srv_store_put(dft_server *s, dft_store *st)
{
	if (!st)
		return;
	pthread_mutex_lock(&s->pool_mu);
	if (s->npool < SRV_POOL) {
		s->pool[s->npool++] = st;
		st = NULL;
	}
	pthread_mutex_unlock(&s->pool_mu);
	dft_store_free(st);
}

/* The writable store for the audit queue and session renewals: one change
 * at a time (s->rw_mu held until srv_rw_close); the shared writer, so it
 * goes beside a running ingest (fails only past its busy timeout). */
int srv_rw_open(dft_server *s, dft_store **st)
{
	int rc;
	pthread_mutex_lock(&s->rw_mu);
	if ((rc = dft_store_open(st, s->case_dir, DFT_STORE_SHARED)) < 0)
		pthread_mutex_unlock(&s->rw_mu);
	return rc;
}

void srv_rw_close(dft_server *s, dft_store *st)
{
	dft_store_free(st);
	pthread_mutex_unlock(&s->rw_mu);
}

/* ---- the audit queue: events are written by a thread of their own, in
 * order, with the time they happened (an ingest in progress delays them) */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void srv_audit(dft_server *s, const char *user, const char *addr, const char *action, const char *target,
	       const char *detail)
{
	struct srv_audit_ev *e;
	char at[32];
	dft_utc_iso(at);
	pthread_mutex_lock(&s->audit_mu);
	if (s->naudit >= AUDIT_QUEUE_MAX) {
		pthread_mutex_unlock(&s->audit_mu);
		dft_warn("audit queue full (the case has been busy a long time): event %s dropped", action);
		return;
	}
	if (s->naudit == s->capaudit) {
		size_t cap = s->capaudit ? s->capaudit * 2 : 256;
		struct srv_audit_ev *p = realloc(s->audit, cap * sizeof(*p));
		if (!p) {
			pthread_mutex_unlock(&s->audit_mu);
			return;
		}
		s->audit = p;
		s->capaudit = cap;
	}
	e = &s->audit[s->naudit++];
	memcpy(e->at, at, sizeof(e->at));
	e->user = dup_or_null(user);
	e->addr = dup_or_null(addr);
	e->action = dup_or_null(action);
	e->target = dup_or_null(target);
	e->detail = dup_or_null(detail);
	pthread_cond_signal(&s->audit_cv);
	pthread_mutex_unlock(&s->audit_mu);
}

static void audit_ev_free(struct srv_audit_ev *e)
{
	free(e->user);
	free(e->addr);
	free(e->action);
	free(e->target);
	free(e->detail);
}

/* Write what is queued: 1 written, 0 nothing was queued, < 0 an error (the
 * events put back to try again). */
static int audit_flush(dft_server *s)
{
	struct srv_audit_ev *ev;
	size_t n, i;
	dft_store *st;
	int rc;
	pthread_mutex_lock(&s->audit_mu);
	ev = s->audit;
	n = s->naudit;
	s->audit = NULL;
	s->naudit = s->capaudit = 0;
	pthread_mutex_unlock(&s->audit_mu);
	if (!n)
		return 0;
	if ((rc = srv_rw_open(s, &st)) == 0) {
		rc = dft_store_begin(st);
		for (i = 0; rc == 0 && i < n; i++)
			rc = dft_store_audit_put(st, ev[i].at, ev[i].user, ev[i].addr, ev[i].action, ev[i].target,
						 ev[i].detail);
		if (rc == 0)
			rc = dft_store_commit(st);
		srv_rw_close(s, st);
	}
	if (rc < 0) { /* put them back in front, to try again */
		pthread_mutex_lock(&s->audit_mu);
		if (s->naudit + n <= AUDIT_QUEUE_MAX) {
			struct srv_audit_ev *p = malloc((s->naudit + n + 16) * sizeof(*p));
			if (p) {
				memcpy(p, ev, n * sizeof(*p));
				if (s->naudit)
					memcpy(p + n, s->audit, s->naudit * sizeof(*p));
				free(s->audit);
				s->audit = p;
				s->naudit += n;
				s->capaudit = s->naudit + 16;
				free(ev);
				ev = NULL;
				n = 0;
			}
		}
		pthread_mutex_unlock(&s->audit_mu);
	}
	for (i = 0; i < n; i++)
		audit_ev_free(&ev[i]);
	free(ev);
	return rc < 0 ? rc : 1;
}

/* At most one audit write every AUDIT_EVERY_MS: each write changes the
 * database, and SQLite then drops the whole page cache of every pooled
 * reader, so a search after it reads its pages again (and, in an
 * encrypted case, opens each: XChaCha20-Poly1305). A burst of requests
 * shares one write; an event still has the time it happened. */
#define AUDIT_EVERY_MS 500

static void *audit_thread(void *arg)
{
	dft_server *s = arg;
	for (;;) {
		struct timespec ts, next;
		int stop, rc;
		pthread_mutex_lock(&s->audit_mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		if (!s->stopping && s->naudit == 0)
			pthread_cond_timedwait(&s->audit_cv, &s->audit_mu, &ts);
		stop = s->stopping;
		pthread_mutex_unlock(&s->audit_mu);
		clock_gettime(CLOCK_REALTIME, &next);
		next.tv_nsec += AUDIT_EVERY_MS * 1000000L;
		if (next.tv_nsec >= 1000000000L) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000L;
		}
		if ((rc = audit_flush(s)) < 0 && !stop) {
			struct timespec d = {1, 0};
			nanosleep(&d, NULL); /* the case stayed busy: later */
		}
		if (stop)
			break;
		if (rc > 0) { /* something was written: the next write not before next */
			pthread_mutex_lock(&s->audit_mu);
			while (!s->stopping && pthread_cond_timedwait(&s->audit_cv, &s->audit_mu, &next) != ETIMEDOUT)
				;
			pthread_mutex_unlock(&s->audit_mu);
		}
	}
	return NULL;
}

/* ---- the request-header deadline ---------------------------------------------
 * Each connection is recorded when MHD accepts it (on_connection); while it
 * waits for request headers it is in s->wait_head..wait_tail with the time
 * they are due, oldest first (every wait is as long, so appending keeps the
 * order). The access handler's first call (headers complete) takes it out;
 * the end of a request puts it back for the next one. sweep_thread closes
 * the late ones with shutdown(): MHD sees the end of the stream at once and
 * closes the connection. A late one whose bytes wait unread in the kernel
 * is not the client's fault (MHD's thread for it is busy with a long
 * request): it gets another wait. MHD calls on_connection(CLOSED), which frees the
 * record under conn_mu, before it closes the descriptor, so the descriptor
 * shut down under conn_mu is always that connection's. */

struct srv_conn {
	struct srv_conn *prev, *next;
	int fd;
	int waiting; /* in the wait list */
	int64_t due; /* monotonic milliseconds */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* conn_mu held */
static void wait_del(dft_server *s, struct srv_conn *c)
{
	if (!c->waiting)
		return;
	if (c->prev)
		c->prev->next = c->next;
	else
		s->wait_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->wait_tail = c->prev;
	c->prev = c->next = NULL;
	c->waiting = 0;
}

/* conn_mu held: headers due HEADER_TIMEOUT from now */
static void wait_add(dft_server *s, struct srv_conn *c)
{
	wait_del(s, c);
	c->due = mono_ms() + (int64_t)s->header_timeout * 1000;
	c->prev = s->wait_tail;
	c->next = NULL;
	if (s->wait_tail)
		s->wait_tail->next = c;
	else
		s->wait_head = c;
	s->wait_tail = c;
	c->waiting = 1;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **sctx,
			  enum MHD_ConnectionNotificationCode toe)
{
	dft_server *s = cls;
	struct srv_conn *c = *sctx;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (!ci)
			return;
		if (!(c = calloc(1, sizeof(*c)))) {
			shutdown(ci->connect_fd, SHUT_RDWR); /* no deadline without it: not served */
			return;
		}
		c->fd = ci->connect_fd;
		pthread_mutex_lock(&s->conn_mu);
		wait_add(s, c);
		pthread_mutex_unlock(&s->conn_mu);
		*sctx = c;
		return;
	}
	if (!c)
		return;
	pthread_mutex_lock(&s->conn_mu);
	wait_del(s, c);
	pthread_mutex_unlock(&s->conn_mu);
	free(c);
	*sctx = NULL;
}

/* The connection's request headers are in (go = 0), or its request is over
 * and it waits for the next one (go = 1). */
static void conn_wait(dft_server *s, struct MHD_Connection *conn, int go)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	struct srv_conn *c = ci ? ci->socket_context : NULL;
	if (!c)
		return;
	pthread_mutex_lock(&s->conn_mu);
	if (go)
		wait_add(s, c);
	else
		wait_del(s, c);
	pthread_mutex_unlock(&s->conn_mu);
}

static void *sweep_thread(void *arg)
{
	dft_server *s = arg;
	int64_t last_note = mono_ms() - LATE_LOG_EVERY * 1000; /* the first at once */
	pthread_mutex_lock(&s->conn_mu);
	while (!s->sweep_stop) {
		struct timespec ts;
		struct srv_conn *c;
		int64_t now = mono_ms(), wait = 1000;
		while ((c = s->wait_head) && c->due <= now) {
			int unread = 0;
			/* bytes the server has not read yet: the delay is the
			 * server's (its thread busy with a long request), not
			 * the client's: another full wait */
			if (ioctl(c->fd, FIONREAD, &unread) == 0 && unread > 0) {
				wait_add(s, c);
				continue;
			}
			wait_del(s, c);
			shutdown(c->fd, SHUT_RDWR);
			s->late_closed++;
		}
		if (c && c->due - now < wait)
			wait = c->due - now;
		if (s->late_closed > s->late_logged && now - last_note >= LATE_LOG_EVERY * 1000) {
			flockfile(stderr);
			dft_warn("closed %llu connections that sent no complete request headers within %u s",
				 s->late_closed - s->late_logged, s->header_timeout);
			funlockfile(stderr);
			s->late_logged = s->late_closed;
			last_note = now;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += (time_t)(wait / 1000);
		ts.tv_nsec += (long)(wait % 1000) * 1000000L + 10000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->conn_cv, &s->conn_mu, &ts);
	}
	if (s->late_closed > s->late_logged)
		dft_warn("closed %llu connections that sent no complete request headers within %u s",
			 s->late_closed - s->late_logged, s->header_timeout);
	pthread_mutex_unlock(&s->conn_mu);
	return NULL;
}

/* libmicrohttpd's messages (a connection closed early, one refused past the
 * limits ...) come one a connection: a flood of connections would flood the
 * log. MHD_LOG_PER_MINUTE a minute are shown, then how many were not. */
static void on_mhd_log(void *cls, const char *fm, va_list ap)
{
	dft_server *s = cls;
	char line[512];
	int64_t now = mono_ms();
	unsigned long long dropped = 0;
	int show;
	vsnprintf(line, sizeof(line), fm, ap);
	line[strcspn(line, "\n")] = 0;
	pthread_mutex_lock(&s->conn_mu);
	if (now - s->log_window >= 60000) {
		dropped = s->log_dropped;
		s->log_dropped = 0;
		s->log_window = now;
		s->log_n = 0;
	}
	show = s->log_n < MHD_LOG_PER_MINUTE;
	if (show)
		s->log_n++;
	else
		s->log_dropped++;
	pthread_mutex_unlock(&s->conn_mu);
	flockfile(stderr); /* one line at a time from MHD's threads */
	if (dropped)
		dft_warn("libmicrohttpd: %llu more messages in the minute before not shown", dropped);
	if (show)
		dft_warn("libmicrohttpd: %s", line);
	funlockfile(stderr);
}

/* ---- responses ------------------------------------------------------------------- */

static void security_headers(struct MHD_Response *r, int page)
{
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	if (page)
		MHD_add_response_header(r, "Content-Security-Policy", srv_csp_page);
}

enum MHD_Result srv_queue(struct srv_req *q, unsigned status, struct MHD_Response *r, int page)
{
	enum MHD_Result ret;
	security_headers(r, page);
	if (q->set_cookie[0])
		MHD_add_response_header(r, "Set-Cookie", q->set_cookie);
	ret = MHD_queue_response(q->conn, status, r);
	MHD_destroy_response(r);
	return ret;
}

enum MHD_Result srv_json(struct srv_req *q, unsigned status, const dft_buf *b)
{
	struct MHD_Response *r =
		MHD_create_response_from_buffer(b->len, (void *)dft_buf_cstr(b), MHD_RESPMEM_MUST_COPY);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	return srv_queue(q, status, r, 0);
}

enum MHD_Result srv_error(struct srv_req *q, unsigned status, const char *msg)
{
	dft_buf b;
	dft_json j;
	enum MHD_Result ret;
	dft_buf_init(&b, 1 << 16);
	dft_json_init(&j, &b);
	dft_json_obj_open(&j);
	dft_json_key(&j, "error");
	dft_json_str(&j, msg && *msg ? msg : "failed");
	dft_json_obj_close(&j);
	ret = srv_json(q, status, &b);
	dft_buf_dispose(&b);
	return ret;
}

unsigned srv_status_of(int rc)
{
	switch (rc) {
	case DFT_ENOTFOUND: return 404;
	case DFT_EINVAL: case DFT_EUSAGE: return 400;
	case DFT_ELIMIT: return 429;
	case DFT_EEXISTS: return 409;
	default: return 500;
	}
}

enum MHD_Result srv_fail(struct srv_req *q, int rc)
{
	return srv_error(q, srv_status_of(rc), dft_error_msg());
}

/* ---- static files -------------------------------------------------------------------- */

static const char *static_type(const char *path)
{
	static const struct { const char *ext, *type; } types[] = {
		{".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
		{".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
		{".svg", "image/svg+xml"}, {".png", "image/png"}, {".woff2", "font/woff2"},
		{".json", "application/json; charset=utf-8"}, {".map", "application/json; charset=utf-8"},
	};
	const char *dot = strrchr(path, '.');
	size_t i;
	if (!dot || strchr(dot, '/'))
		return NULL;
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (!strcmp(dot, types[i].ext))
			return types[i].type;
	return NULL;
}

/* rel: a path under the web folder as the URL gave it (decoded): 1 when it
 * may be looked up (no "..", ".x" part, backslash, '%', "//" or leading
 * '/'), 0 when it is refused (400) before any file is opened. */
int srv_static_path_ok(const char *rel)
{
	if (!rel || !*rel || strstr(rel, "..") || strchr(rel, '\\') || strchr(rel, '%') || rel[0] == '/' ||
	    strstr(rel, "//") || strstr(rel, "/.") || rel[0] == '.')
		return 0;
	return 1;
}

/* rel: the path under the web folder, as the URL gave it (decoded). */
static enum MHD_Result serve_static(struct srv_req *q, const char *rel)
{
	dft_buf p;
	char real[PATH_MAX];
	const char *type;
	struct stat sb;
	struct MHD_Response *r;
	size_t wl = strlen(q->srv->web_real);
	int fd;
	if (!srv_static_path_ok(rel))
		return srv_error(q, 400, "bad path");
	if (!(type = static_type(rel)))
		return srv_error(q, 404, "no such file");
	dft_buf_init(&p, PATH_MAX);
	if (dft_buf_addf(&p, "%s/%s", q->srv->web_real, rel) < 0 || !realpath(dft_buf_cstr(&p), real) ||
	    strncmp(real, q->srv->web_real, wl) != 0 || real[wl] != '/') {
		dft_buf_dispose(&p);
		return srv_error(q, 404, "no such file");
	}
	dft_buf_dispose(&p);
	fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return srv_error(q, 404, "no such file");
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return srv_error(q, 404, "no such file");
	}
	if (!(r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd))) {
		close(fd);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type);
	MHD_add_response_header(r, "Cache-Control", "no-cache");
	return srv_queue(q, 200, r, 1);
}

/* ---- requests ------------------------------------------------------------------- */

static void client_addr(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	snprintf(out, n, "?");
	if (!ci || !ci->client_addr)
		return;
	if (ci->client_addr->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ci->client_addr)->sin_addr, out,
			  (socklen_t)n);
	else if (ci->client_addr->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ci->client_addr)->sin6_addr, out,
			  (socklen_t)n);
}

/* With no users, only a loopback Host (a DNS-rebinding page names its own). */
int srv_host_ok(const char *host)
{
	size_t n;
	if (!host)
		return 0;
	n = strcspn(host, ":");
	if (host[0] == '[')
		return !strncmp(host, "[::1]", 5);
	return (n == 9 && !strncmp(host, "localhost", 9)) || !strncmp(host, "127.", 4);
}

/* The session of the request (cookie), or the local admin with no users. */
static int find_session(struct srv_req *q)
{
	const char *cookie = MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, "daftar_session");
	int rc;
	if (!q->srv->has_users) {
		snprintf(q->session.user, sizeof(q->session.user), "local");
		q->session.role = DFT_ROLE_ADMIN;
		memcpy(q->session.csrf, q->srv->local_csrf, sizeof(q->session.csrf));
		q->has_session = 1;
		return 0;
	}
	if (!cookie || !*cookie)
		return DFT_ENOTFOUND;
	rc = dft_session_get(q->st, cookie, &q->session);
	if (rc < 0 && rc != DFT_ENOTFOUND) {
		/* a session due for renewal needs the writable store */
		dft_store *rw;
		if (srv_rw_open(q->srv, &rw) == 0) {
			rc = dft_session_get(rw, cookie, &q->session);
			srv_rw_close(q->srv, rw);
		}
	}
	if (rc == 0)
		q->has_session = 1;
	return rc;
}

static enum MHD_Result handle(struct srv_req *q, const char *url, const char *method)
{
	int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	int is_change = !strcmp(method, "POST") || !strcmp(method, "DELETE");
	enum MHD_Result ret;
	int rc;

	if (!q->srv->has_users && !srv_host_ok(MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "Host")))
		return srv_error(q, 403, "this workbench answers on loopback names only (127.0.0.1, localhost)");
	if (!strcmp(url, "/") || !strcmp(url, "/index.html")) {
		if (!is_get)
			return srv_error(q, 405, "method not allowed");
		return serve_static(q, "index.html");
	}
	if (!strncmp(url, "/static/", 8)) {
		if (!is_get)
			return srv_error(q, 405, "method not allowed");
		return serve_static(q, url + 8);
	}
	if (strncmp(url, "/api/", 5) != 0)
		return srv_error(q, 404, "no such page");
	if (!is_get && !is_change)
		return srv_error(q, 405, "method not allowed");
	if (q->too_big)
		return srv_error(q, 413, "request body too large (1 MiB at most)");
	if ((rc = srv_store_get(q->srv, &q->st)) < 0)
		return srv_error(q, 500, dft_error_msg());
	if (!strcmp(url, "/api/login")) {
		ret = is_change && !strcmp(method, "POST") ? srv_route_login(q) : srv_error(q, 405, "method not allowed");
		goto done;
	}
	if ((rc = find_session(q)) < 0) {
		ret = rc == DFT_ENOTFOUND ? srv_error(q, 401, "log in first") : srv_fail(q, rc);
		goto done;
	}
	if (is_change &&
	    !dft_csrf_ok(&q->session, MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "X-CSRF-Token"))) {
		ret = srv_error(q, 403, "missing or wrong X-CSRF-Token");
		goto done;
	}
	ret = srv_route(q, url + 5, method);
done:
	srv_store_put(q->srv, q->st);
	q->st = NULL;
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
				  const char *version, const char *upload_data, size_t *upload_data_size,
				  void **con_cls)
{
	dft_server *s = cls;
	struct srv_req *q = *con_cls;
	enum MHD_Result ret;
	(void)version;
	if (!q) {
		const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (!(q = calloc(1, sizeof(*q))))
			return MHD_NO;
		q->srv = s;
		q->conn = conn;
		conn_wait(s, conn, 0); /* the headers are in: no deadline while it is served */
		dft_buf_init(&q->body, MAX_BODY);
		client_addr(conn, q->addr, sizeof(q->addr));
		*con_cls = q;
		/* a declared body over the cap: 413 at once, the body is never
		 * read (MHD closes the connection after the answer) */
		if (cl && strtoull(cl, NULL, 10) > MAX_BODY) {
			q->too_big = 1;
			return srv_error(q, 413, "request body too large (1 MiB at most)");
		}
		return MHD_YES;
	}
	if (*upload_data_size) {
		if (!q->too_big && dft_buf_add(&q->body, upload_data, *upload_data_size) < 0) {
			/* a chunked body past the cap: MHD cannot answer before
			 * the body ends, and it may not end: close the connection */
			dft_error_clear();
			return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	q->conn = conn;
	ret = handle(q, url, method);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct srv_req *q = *con_cls;
	(void)toe;
	conn_wait(cls, conn, 1); /* keep-alive: the next request's headers are due */
	if (!q)
		return;
	dft_buf_dispose(&q->body);
	free(q);
	*con_cls = NULL;
}

/* ---- start and stop ------------------------------------------------------------------ */

static int find_web(dft_server *s, const char *given)
{
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	const char *env = getenv("DAFTAR_WEB");
	ssize_t n;
	const char *tries[2] = {"/../web", "/../share/daftar/web"};
	size_t i;
	if (given || (env && *env)) {
		if (!realpath(given ? given : env, s->web_real))
			return dft_error_set(DFT_ENOTFOUND, "web folder %s: %s", given ? given : env, strerror(errno));
		return 0;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return dft_error_set(DFT_ENOTFOUND, "cannot find the daftar executable's folder");
	exe[n] = 0;
	if (strrchr(exe, '/'))
		*strrchr(exe, '/') = 0;
	for (i = 0; i < 2; i++) {
		struct stat sb;
		snprintf(cand, sizeof(cand), "%s%s", exe, tries[i]);
		if (stat(cand, &sb) == 0 && S_ISDIR(sb.st_mode) && realpath(cand, s->web_real))
			return 0;
	}
	return dft_error_set(DFT_ENOTFOUND, "no web folder beside %s (set DAFTAR_WEB)", exe);
}

static int parse_listen(const char *listen, struct sockaddr_storage *ss, socklen_t *len, int *loopback)
{
	char host[256];
	const char *port, *h = listen;
	size_t hl;
	long p;
	char *end;
	memset(ss, 0, sizeof(*ss));
	if (listen[0] == '[') {
		const char *rb = strchr(listen, ']');
		if (!rb || rb[1] != ':')
			return dft_error_set(DFT_EUSAGE, "--listen: '%s' is not ADDR:PORT", listen);
		h = listen + 1;
		hl = (size_t)(rb - h);
		port = rb + 2;
	} else {
		port = strrchr(listen, ':');
		if (!port)
			return dft_error_set(DFT_EUSAGE, "--listen: '%s' is not ADDR:PORT", listen);
		hl = (size_t)(port - listen);
		port++;
	}
	if (hl >= sizeof(host))
		return dft_error_set(DFT_EUSAGE, "--listen: address too long");
	memcpy(host, h, hl);
	host[hl] = 0;
	p = strtol(port, &end, 10);
	if (*end || end == port || p < 0 || p > 65535)
		return dft_error_set(DFT_EUSAGE, "--listen: '%s' is not a port", port);
	if (!strcmp(host, "localhost"))
		snprintf(host, sizeof(host), "127.0.0.1");
	if (inet_pton(AF_INET, host, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_port = htons((uint16_t)p);
		*len = sizeof(*a);
		*loopback = (ntohl(a->sin_addr.s_addr) >> 24) == 127;
	} else if (inet_pton(AF_INET6, host, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_port = htons((uint16_t)p);
		*len = sizeof(*a);
		*loopback = IN6_IS_ADDR_LOOPBACK(&a->sin6_addr);
	} else {
		return dft_error_set(DFT_EUSAGE, "--listen: '%s' is not an IP address", host);
	}
	return 0;
}

/* The deadline for request headers: HEADER_TIMEOUT, or $DAFTAR_HEADER_TIMEOUT. */
static int header_timeout(unsigned *out)
{
	const char *env = getenv("DAFTAR_HEADER_TIMEOUT");
	char *end;
	long v;
	*out = HEADER_TIMEOUT;
	if (!env || !*env)
		return 0;
	v = strtol(env, &end, 10);
	if (*end || v < 1 || v > 3600)
		return dft_error_set(DFT_EUSAGE, "DAFTAR_HEADER_TIMEOUT: '%s' is not a number of seconds (1 to 3600)",
				     env);
	*out = (unsigned)v;
	return 0;
}

/* Room for CONN_LIMIT connections: the soft open-files limit raised towards
 * what they need (up to the hard limit); the connection limit is what fits. */
static unsigned conn_limit(void)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)CONN_LIMIT * FDS_PER_CONN + FD_RESERVE, have;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return CONN_LIMIT;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
		struct rlimit up = rl;
		up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &up) == 0)
			rl = up;
	}
	have = rl.rlim_cur;
	if (have == RLIM_INFINITY || have >= want)
		return CONN_LIMIT;
	if (have < FD_RESERVE + 64 * FDS_PER_CONN)
		have = FD_RESERVE + 64 * FDS_PER_CONN;
	dft_warn("the open-files limit is %llu (ulimit -n): %llu connections at once instead of %d",
		 (unsigned long long)rl.rlim_cur, (unsigned long long)((have - FD_RESERVE) / FDS_PER_CONN), CONN_LIMIT);
	return (unsigned)((have - FD_RESERVE) / FDS_PER_CONN);
}

int dft_server_start(dft_server **out, const dft_server_opts *o)
{
	dft_server *s;
	dft_store *st = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = 0;
	int loopback = 0, rc;
	int64_t users = 0;
	unsigned char raw[32];
	size_t i;
	const union MHD_DaemonInfo *di;

	*out = NULL;
	if (!(s = dft_calloc(1, sizeof(*s))))
		return DFT_ENOMEM;
	pthread_mutex_init(&s->pool_mu, NULL);
	pthread_mutex_init(&s->rw_mu, NULL);
	pthread_mutex_init(&s->audit_mu, NULL);
	pthread_cond_init(&s->audit_cv, NULL);
	pthread_mutex_init(&s->conn_mu, NULL);
	pthread_cond_init(&s->conn_cv, NULL);
	if (!(s->case_dir = dft_strdup(o->case_dir))) {
		rc = DFT_ENOMEM;
		goto fail;
	}
	if ((rc = parse_listen(o->listen ? o->listen : "127.0.0.1:8080", &ss, &sl, &loopback)) < 0)
		goto fail;
	if ((rc = header_timeout(&s->header_timeout)) < 0)
		goto fail;
	/* the schema up to date (users, audit) before anyone reads; a running ingest did it already */
	if (dft_store_open(&st, s->case_dir, 1) == 0)
		dft_store_free(st);
	if ((rc = dft_store_open(&st, s->case_dir, 0)) < 0)
		goto fail;
	rc = dft_user_count(st, &users);
	dft_store_free(st);
	if (rc < 0)
		goto fail;
	s->has_users = users > 0;
	if (!s->has_users && !loopback) {
		rc = dft_error_set(DFT_EUSAGE,
				   "%s has no users: it is served on a loopback address only (add one with "
				   "'daftar user add %s NAME --role admin' to listen on %s)",
				   s->case_dir, s->case_dir, o->listen);
		goto fail;
	}
	if ((rc = find_web(s, o->web_dir)) < 0)
		goto fail;
	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		rc = dft_error_set(DFT_EIO, "getrandom: %s", strerror(errno));
		goto fail;
	}
	for (i = 0; i < sizeof(raw); i++)
		snprintf(s->local_csrf + 2 * i, 3, "%02x", raw[i]);
	s->stopping = 0;
	if (pthread_create(&s->audit_tid, NULL, audit_thread, s) != 0) {
		rc = dft_error_set(DFT_ERROR, "cannot start the audit thread");
		goto fail;
	}
	s->audit_started = 1;
	s->conn_limit = conn_limit();
	if (pthread_create(&s->sweep_tid, NULL, sweep_thread, s) != 0) {
		rc = dft_error_set(DFT_ERROR, "cannot start the connection deadline thread");
		goto fail;
	}
	s->sweep_started = 1;
	s->d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
					(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
				0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, s, /* first */
				MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
				MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(o->threads > 0 ? o->threads : 4),
				MHD_OPTION_NOTIFY_COMPLETED, on_completed, s, MHD_OPTION_NOTIFY_CONNECTION,
				on_connection, s, MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_IDLE_TIMEOUT,
				MHD_OPTION_CONNECTION_LIMIT, s->conn_limit, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				(unsigned)(CONN_PER_IP < s->conn_limit ? CONN_PER_IP : s->conn_limit),
				MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)LISTEN_BACKLOG,
				MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
	if (!s->d) {
		rc = dft_error_set(DFT_EIO, "cannot listen on %s: %s", o->listen ? o->listen : "127.0.0.1:8080",
				   strerror(errno ? errno : EADDRINUSE));
		goto fail;
	}
	di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
	{
		char host[INET6_ADDRSTRLEN];
		if (ss.ss_family == AF_INET)
			inet_ntop(AF_INET, &((struct sockaddr_in *)&ss)->sin_addr, host, sizeof(host));
		else
			inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&ss)->sin6_addr, host, sizeof(host));
		snprintf(s->url, sizeof(s->url), ss.ss_family == AF_INET ? "http://%s:%u/" : "http://[%s]:%u/", host,
			 di ? (unsigned)di->port : 0);
	}
	*out = s;
	return 0;
fail:
	dft_server_stop(s);
	return rc;
}

const char *dft_server_url(const dft_server *s) { return s->url; }
int dft_server_has_users(const dft_server *s) { return s->has_users; }
const char *dft_server_web_dir(const dft_server *s) { return s->web_real; }

void dft_server_stop(dft_server *s)
{
	int i;
	if (!s)
		return;
	if (s->d)
		MHD_stop_daemon(s->d); /* closes every connection: on_connection frees its record */
	if (s->sweep_started) {
		pthread_mutex_lock(&s->conn_mu);
		s->sweep_stop = 1;
		pthread_cond_signal(&s->conn_cv);
		pthread_mutex_unlock(&s->conn_mu);
		pthread_join(s->sweep_tid, NULL);
	}
	if (s->log_dropped)
		dft_warn("libmicrohttpd: %llu more messages in the last minute not shown", s->log_dropped);
	if (s->audit_started) {
		pthread_mutex_lock(&s->audit_mu);
		s->stopping = 1;
		pthread_cond_signal(&s->audit_cv);
		pthread_mutex_unlock(&s->audit_mu);
		pthread_join(s->audit_tid, NULL);
		if (audit_flush(s) < 0)
			dft_warn("%zu audit events could not be written: %s", s->naudit, dft_error_msg());
	}
	for (i = 0; i < s->npool; i++)
		dft_store_free(s->pool[i]);
	for (size_t k = 0; k < s->naudit; k++)
		audit_ev_free(&s->audit[k]);
	free(s->audit);
	free(s->case_dir);
	pthread_cond_destroy(&s->conn_cv);
	pthread_mutex_destroy(&s->conn_mu);
	pthread_cond_destroy(&s->audit_cv);
	pthread_mutex_destroy(&s->audit_mu);
	pthread_mutex_destroy(&s->rw_mu);
	pthread_mutex_destroy(&s->pool_mu);
	free(s);
}
