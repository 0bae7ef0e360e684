/*
 * routes.c - the endpoints of docs/API.md: each parses its parameters,
 * checks the role, calls the one producer of its shape (src/api) or the
 * auth functions, and writes the audit events. http.c has already found
 * the session and checked the CSRF token of every change.
 */
#include "server_internal.h"
#include "daftar/api.h"
#include "daftar/entities.h"
#include "daftar/forms.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- helpers --------------------------------------------------------------------- */

static const char *arg(struct srv_req *q, const char *name)
{
	return MHD_lookup_connection_value(q->conn, MHD_GET_ARGUMENT_KIND, name);
}

/* A count parameter's value: def when absent or empty, -2 when malformed
 * or negative, at most max. */
int64_t srv_parse_count(const char *v, int64_t def, int64_t max)
{
	char *end;
	long long x;
	if (!v || !*v)
		return def;
	x = strtoll(v, &end, 10);
	if (*end || x < 0)
		return -2;
	return x > max ? max : x;
}

/* An integer parameter; -2 when malformed, def when absent. */
static int64_t arg_int(struct srv_req *q, const char *name, int64_t def, int64_t max)
{
	return srv_parse_count(arg(q, name), def, max);
}

/* "7" -> 7; anything else 0 */
int64_t srv_parse_id(const char *s, size_t n)
{
	int64_t v = 0;
	size_t i;
	if (!n || n > 18)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int need_role(struct srv_req *q, int role)
{
	return q->session.role >= role;
}

static void audit(struct srv_req *q, const char *action, const char *target, const char *detail)
{
	srv_audit(q->srv, q->session.user[0] ? q->session.user : NULL, q->addr, action, target, detail);
}

/* The workbench's own writes (login, logout, tags, notes, merges and
 * splits) go through a DFT_STORE_SHARED store opened for the one change:
 * it never takes the ingest's CASE/lock, so they succeed while an ingest
 * runs. A change waits at most DFT_STORE_SHARED_BUSY_MS for the ingest's
 * current transaction (the ingest commits at least once a second), then
 * answers 503. */
static int wb_open(struct srv_req *q, dft_store **rw)
{
	return dft_store_open(rw, q->srv->case_dir, DFT_STORE_SHARED);
}

#define BUSY_MSG "the case is busy (an ingest's commit held it for more than 5 s): try again"

/* The answer to a failed change: 503 when another writer kept the case
 * past the busy timeout, else the error's own status. */
static enum MHD_Result wb_fail(struct srv_req *q, dft_store *rw, int rc)
{
	if (!rw || dft_store_busy(rw))
		return srv_error(q, 503, rw ? BUSY_MSG : dft_error_msg());
	return srv_fail(q, rc);
}

/* Finish j into b and send it, or the producer's error. */
static enum MHD_Result reply(struct srv_req *q, int rc, dft_json *j, dft_buf *b)
{
	enum MHD_Result ret;
	if (rc >= 0 && (rc = dft_json_finish(j)) < 0)
		dft_error_set(rc, "the answer is too large");
	ret = rc < 0 ? srv_fail(q, rc) : srv_json(q, 200, b);
	dft_buf_dispose(b);
	return ret;
}

#define START_JSON(b, j)                          \
	do {                                      \
		dft_buf_init(&(b), (size_t)1 << 30); \
		dft_json_init(&(j), &(b));           \
	} while (0)

/* A request body (len bytes, at most MAX_BODY; empty is {}) as one JSON
 * object, strict and valid UTF-8, nesting 16 at most; NULL when it is not. */
json_object *srv_body_parse(const char *body, size_t len)
{
	json_tokener *tok;
	json_object *o = NULL;
	if (!len) {
		body = "{}";
		len = 2;
	}
	if (len > INT_MAX || !(tok = json_tokener_new_ex(16)))
		return NULL;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (!o || json_tokener_get_error(tok) != json_tokener_success ||
	    (size_t)json_tokener_get_parse_end(tok) != len || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* The JSON object of a request body; NULL (and the answer sent) when not. */
static json_object *body_object(struct srv_req *q, enum MHD_Result *ret)
{
	json_object *o = srv_body_parse(q->body.ptr, q->body.len);
	if (!o)
		*ret = srv_error(q, 400, "the body must be one JSON object");
	return o;
}

/* A string member of a request body; NULL when absent or not a string. */
const char *srv_body_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* ---- session ------------------------------------------------------------------- */

static void json_session(dft_json *j, const dft_session *s)
{
	dft_json_obj_open(j);
	dft_json_key(j, "user");
	dft_json_str(j, s->user);
	dft_json_key(j, "role");
	dft_json_str(j, dft_role_name(s->role));
	dft_json_key(j, "csrf");
	dft_json_str(j, s->csrf);
	dft_json_obj_close(j);
}

enum MHD_Result srv_route_login(struct srv_req *q)
{
	enum MHD_Result ret = MHD_NO;
	json_object *o = body_object(q, &ret);
	const char *user, *pw, *proto;
	dft_store *rw;
	dft_buf b;
	dft_json j;
	int rc, busy;
	if (!o)
		return ret;
	user = srv_body_str(o, "user");
	pw = srv_body_str(o, "password");
	if (!user || !pw) {
		json_object_put(o);
		return srv_error(q, 400, "login needs \"user\" and \"password\"");
	}
	if (!q->srv->has_users) {
		json_object_put(o);
		return srv_error(q, 400, "this case has no users: everyone on this machine is the local admin");
	}
	if ((rc = wb_open(q, &rw)) < 0) {
		json_object_put(o);
		return wb_fail(q, NULL, rc);
	}
	rc = dft_login(rw, user, pw, q->addr, &q->session);
	busy = rc < 0 && dft_store_busy(rw);
	dft_store_free(rw);
	json_object_put(o);
	if (busy)
		return srv_error(q, 503, BUSY_MSG);
	if (rc == DFT_ELIMIT)
		return srv_error(q, 429, "too many failed logins: this user is locked for 15 minutes");
	if (rc < 0)
		return srv_error(q, rc == DFT_EINVAL ? 401 : 500, rc == DFT_EINVAL ? "wrong user or password" : dft_error_msg());
	proto = MHD_lookup_connection_value(q->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	snprintf(q->set_cookie, sizeof(q->set_cookie), "daftar_session=%s; HttpOnly; SameSite=Strict; Path=/%s",
		 q->session.token, proto && !strcmp(proto, "https") ? "; Secure" : "");
	/* dft_login wrote the login (and any failure) to the audit log */
	START_JSON(b, j);
	json_session(&j, &q->session);
	return reply(q, 0, &j, &b);
}

static enum MHD_Result route_logout(struct srv_req *q)
{
	const char *cookie = MHD_lookup_connection_value(q->conn, MHD_COOKIE_KIND, "daftar_session");
	dft_store *rw;
	dft_buf b;
	dft_json j;
	if (q->srv->has_users && cookie) {
		int rc;
		if ((rc = wb_open(q, &rw)) < 0)
			return wb_fail(q, NULL, rc);
		if ((rc = dft_logout(rw, cookie)) < 0) {
			enum MHD_Result ret = wb_fail(q, rw, rc);
			dft_store_free(rw);
			return ret;
		}
		dft_store_free(rw);
		snprintf(q->set_cookie, sizeof(q->set_cookie),
			 "daftar_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0");
	}
	audit(q, "logout", q->session.user, NULL);
	START_JSON(b, j);
	dft_json_obj_open(&j);
	dft_json_key(&j, "ok");
	dft_json_bool(&j, 1);
	dft_json_obj_close(&j);
	return reply(q, 0, &j, &b);
}

/* ---- documents ------------------------------------------------------------------ */

static int on_tag(void *ctx, const char *tag)
{
	dft_json_str(ctx, tag);
	return 0;
}

static int on_note(void *ctx, const dft_note *n)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_json_key(j, "id");
	dft_json_int(j, n->id);
	dft_json_key(j, "user");
	dft_json_str(j, n->user);
	dft_json_key(j, "at");
	dft_json_str(j, n->at);
	dft_json_key(j, "text");
	dft_json_str(j, n->text);
	dft_json_obj_close(j);
	return 0;
}

static int json_tags(dft_store *st, int64_t id, dft_json *j)
{
	int rc;
	dft_json_key(j, "tags");
	dft_json_arr_open(j);
	if ((rc = dft_tags(st, id, on_tag, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	return 0;
}

static int json_user_notes(dft_store *st, int64_t id, dft_json *j)
{
	int rc;
	dft_json_key(j, "notes");
	dft_json_arr_open(j);
	if ((rc = dft_notes(st, id, on_note, j)) < 0)
		return rc;
	dft_json_arr_close(j);
	return 0;
}

static int show_extra(void *ctx, dft_store *st, int64_t id, dft_json *j)
{
	int rc;
	(void)ctx;
	if ((rc = json_tags(st, id, j)) < 0)
		return rc;
	return json_user_notes(st, id, j);
}

/* The Content-Disposition filename: the last part of the path, ASCII
 * letters, digits and . _ - only (the rest as _), plus filename*. */
void srv_disposition(dft_buf *out, const char *path)
{
	const char *base = path ? path : "document";
	const char *p;
	if (strrchr(base, '/'))
		base = strrchr(base, '/') + 1;
	if (!*base)
		base = "document";
	dft_buf_adds(out, "attachment; filename=\"");
	for (p = base; *p; p++) {
		unsigned char c = (unsigned char)*p;
		dft_buf_addc(out, (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
					  c == '.' || c == '_' || c == '-'
				  ? (char)c
				  : '_');
	}
	dft_buf_adds(out, "\"; filename*=UTF-8''");
	for (p = base; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		    c == '_' || c == '-')
			dft_buf_addc(out, (char)c);
		else
			dft_buf_addf(out, "%%%02X", c);
	}
}

/* Types a browser shows inertly: served inline; the rest as a download. */
static const char *inline_type(const char *mime)
{
	static const char *const ok[] = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"};
	size_t i;
	if (!mime)
		return NULL;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(mime, ok[i]))
			return ok[i];
	if (!strcmp(mime, "text/plain"))
		return "text/plain; charset=utf-8";
	return NULL;
}

/* A document's bytes (its blob, decrypted in memory in an encrypted
 * case, or the source with --no-copy), as an fd at offset 0. */
static int doc_file(struct srv_req *q, const dft_doc *d, int *fd)
{
	*fd = -1;
	if (!d->sha256[0])
		return dft_error_set(DFT_ENOTFOUND, "document %lld has no bytes (it could not be read)", (long long)d->id);
	if (!d->stored && !d->source)
		return dft_error_set(DFT_ENOTFOUND, "the bytes of document %lld are not kept in the case",
				     (long long)d->id);
	return dft_blob_open_fd(q->st, d->sha256, d->stored ? NULL : d->source, fd);
}

static enum MHD_Result route_original(struct srv_req *q, int64_t id)
{
	dft_doc d;
	dft_buf disp;
	struct stat sb;
	struct MHD_Response *r;
	const char *type;
	char target[32];
	int rc, fd;
	if ((rc = dft_store_doc_get(q->st, id, &d)) < 0)
		return srv_fail(q, rc);
	dft_buf_init(&disp, 8192);
	if ((rc = doc_file(q, &d, &fd)) < 0 && rc != DFT_ENOTFOUND && rc != DFT_EIO) {
		dft_buf_dispose(&disp);
		dft_doc_dispose(&d);
		return srv_fail(q, rc);
	}
	if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		if (fd >= 0)
			close(fd);
		dft_buf_dispose(&disp);
		dft_doc_dispose(&d);
		return srv_error(q, 404, "the original is missing from the case (run daftar verify)");
	}
	type = inline_type(d.mime);
	if (!type)
		srv_disposition(&disp, d.path);
	snprintf(target, sizeof(target), "%lld", (long long)id);
	audit(q, "download", target, d.path);
	dft_doc_dispose(&d);
	if (!(r = MHD_create_response_from_fd((uint64_t)sb.st_size, fd))) {
		close(fd);
		dft_buf_dispose(&disp);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", type ? type : "application/octet-stream");
	if (!type)
		MHD_add_response_header(r, "Content-Disposition", dft_buf_cstr(&disp));
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	MHD_add_response_header(r, "Cache-Control", "private, no-store");
	dft_buf_dispose(&disp);
	return srv_queue(q, 200, r, 0);
}

static enum MHD_Result route_page(struct srv_req *q, int64_t id, const char *rest)
{
	dft_doc d;
	dft_buf png;
	int fd = -1;
	const char *dot = strchr(rest, '.');
	int64_t page = dot && !strcmp(dot, ".png") ? srv_parse_id(rest, (size_t)(dot - rest)) : 0;
	const char *sv = arg(q, "scale");
	double scale = 1.5;
	char target[64];
	struct MHD_Response *r;
	int rc;
	if (page < 1)
		return srv_error(q, 404, "pages are /pages/N.png, N from 1");
	if (sv) {
		char *end;
		scale = strtod(sv, &end);
		if (*end || end == sv || !(scale > 0.05 && scale <= 4))
			return srv_error(q, 400, "scale: a number above 0 and at most 4");
	}
	if ((rc = dft_store_doc_get(q->st, id, &d)) < 0)
		return srv_fail(q, rc);
	if (!d.mime || (strcmp(d.mime, "application/pdf") && strncmp(d.mime, "image/", 6))) {
		dft_doc_dispose(&d);
		return srv_error(q, 404, "only PDFs and images have pages to show");
	}
	dft_buf_init(&png, (size_t)256 << 20);
	if ((rc = doc_file(q, &d, &fd)) == 0 &&
	    (rc = dft_render_page_png(fd, d.mime, (int)(page > 100000 ? 100000 : page), scale, &png)) == 0) {
		snprintf(target, sizeof(target), "%lld/%lld", (long long)id, (long long)page);
		audit(q, "page", target, NULL);
	}
	dft_doc_dispose(&d);
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		dft_buf_dispose(&png);
		return srv_fail(q, rc);
	}
	r = MHD_create_response_from_buffer(png.len, png.ptr, MHD_RESPMEM_MUST_COPY);
	dft_buf_dispose(&png);
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "image/png");
	MHD_add_response_header(r, "Content-Security-Policy", "default-src 'none'; sandbox");
	/* an encrypted case's pages stay out of the browser's disk cache */
	MHD_add_response_header(r, "Cache-Control",
				dft_store_encrypted(q->st) ? "private, no-store" : "private, max-age=3600");
	return srv_queue(q, 200, r, 0);
}

/* POST /docs/ID/tags, DELETE /docs/ID/tags/TAG, POST /docs/ID/notes */
static enum MHD_Result route_annotate(struct srv_req *q, int64_t id, const char *what, const char *method)
{
	enum MHD_Result ret = MHD_NO;
	json_object *o = NULL;
	const char *v = NULL, *action;
	dft_store *rw;
	dft_buf b;
	dft_json j;
	char target[32];
	int rc, is_note = !strcmp(what, "notes");
	if (!need_role(q, DFT_ROLE_EDITOR))
		return srv_error(q, 403, "viewers cannot change documents");
	if (!strcmp(method, "POST")) {
		if (strcmp(what, "tags") && !is_note)
			return srv_error(q, 404, "no such endpoint");
		if (!(o = body_object(q, &ret)))
			return ret;
		if (!(v = srv_body_str(o, is_note ? "text" : "tag"))) {
			json_object_put(o);
			return srv_error(q, 400, is_note ? "a note needs \"text\"" : "a tag needs \"tag\"");
		}
		if (is_note && strlen(v) > 65536) {
			json_object_put(o);
			return srv_error(q, 400, "a note is 64 KiB at most");
		}
		action = is_note ? "note" : "tag";
	} else if (!strncmp(what, "tags/", 5) && what[5]) {
		v = what + 5; /* MHD has decoded the URL */
		action = "untag";
	} else {
		return srv_error(q, 405, "method not allowed");
	}
	if ((rc = wb_open(q, &rw)) < 0) {
		json_object_put(o);
		return wb_fail(q, NULL, rc);
	}
	rc = is_note ? dft_note_add(rw, id, v, q->session.user)
	     : !strcmp(action, "tag") ? dft_tag_add(rw, id, v, q->session.user)
				      : dft_tag_remove(rw, id, v, q->session.user);
	if (rc == DFT_EEXISTS)
		rc = 0; /* tagged already: the answer is the same */
	if (rc < 0 && dft_store_busy(rw)) {
		dft_store_free(rw);
		json_object_put(o);
		return srv_error(q, 503, BUSY_MSG);
	}
	snprintf(target, sizeof(target), "%lld", (long long)id);
	if (rc == 0)
		audit(q, action, target, v);
	START_JSON(b, j);
	if (rc == 0) {
		dft_json_obj_open(&j);
		rc = is_note ? json_user_notes(rw, id, &j) : json_tags(rw, id, &j);
		dft_json_obj_close(&j);
	}
	dft_store_free(rw);
	json_object_put(o);
	return reply(q, rc, &j, &b);
}

/* POST /docs/ID/fields {"label": L, "value": V}: an editor corrects a value
 * of the document's filled form (docs/FORMS.md); the answer is the record. */
static enum MHD_Result route_correct(struct srv_req *q, int64_t id, const char *method)
{
	json_object *o;
	const char *label, *value;
	enum MHD_Result ret = MHD_NO;
	dft_store *rw;
	dft_record_set rs;
	dft_buf b;
	dft_json j;
	char target[32];
	int rc;
	int64_t tmpl = 0;
	memset(&rs, 0, sizeof(rs));
	if (strcmp(method, "POST"))
		return srv_error(q, 405, "method not allowed");
	if (!need_role(q, DFT_ROLE_EDITOR))
		return srv_error(q, 403, "viewers cannot correct records");
	if (!(o = body_object(q, &ret)))
		return ret;
	if (!(label = srv_body_str(o, "label")) || !(value = srv_body_str(o, "value"))) {
		json_object_put(o);
		return srv_error(q, 400, "a correction needs \"label\" and \"value\"");
	}
	if ((rc = wb_open(q, &rw)) < 0) {
		json_object_put(o);
		return wb_fail(q, NULL, rc);
	}
	rc = dft_records_correct(rw, id, label, value, q->session.user[0] ? q->session.user : "local");
	if (rc < 0 && dft_store_busy(rw)) {
		dft_store_free(rw);
		json_object_put(o);
		return srv_error(q, 503, BUSY_MSG);
	}
	if (rc == DFT_EINVAL) {
		ret = srv_error(q, 400, dft_error_msg());
		dft_store_free(rw);
		json_object_put(o);
		return ret;
	}
	snprintf(target, sizeof(target), "%lld", (long long)id);
	if (rc == 0)
		audit(q, "correct", target, label);
	START_JSON(b, j);
	if (rc == 0 && (rc = dft_store_forms_doc_template(rw, id, &tmpl)) == 0) {
		/* the document's record, as `records` shows it */
		size_t t = 0;
		if ((rc = dft_store_forms_templates(rw, &rs)) == 0) {
			while (t < rs.ntmpl && rs.tmpl[t].id != tmpl)
				t++;
			rc = t < rs.ntmpl ? dft_store_forms_records(rw, &rs, t, &id, 1) : DFT_ENOTFOUND;
		}
		if (rc == 0) {
			size_t r;
			dft_json_obj_open(&j);
			dft_json_key(&j, "document");
			dft_json_int(&j, id);
			dft_json_key(&j, "template");
			dft_json_int(&j, tmpl);
			for (r = 0; r < rs.nrec; r++)
				if (rs.rec[r].doc == id) {
					dft_api_record_fields(&j, &rs, &rs.rec[r]);
					break;
				}
			dft_json_obj_close(&j);
		}
		dft_record_set_dispose(&rs);
	}
	dft_store_free(rw);
	json_object_put(o);
	return reply(q, rc, &j, &b);
}

static enum MHD_Result route_doc(struct srv_req *q, const char *rest, const char *method)
{
	size_t n = strcspn(rest, "/");
	int64_t id = srv_parse_id(rest, n);
	const char *sub = rest[n] ? rest + n + 1 : NULL;
	int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	dft_buf b;
	dft_json j;
	char target[32];
	if (!id)
		return srv_error(q, 404, "no such document");
	if (sub && (!strncmp(sub, "tags", 4) || !strcmp(sub, "notes")) && !is_get)
		return route_annotate(q, id, sub, method);
	if (sub && !strcmp(sub, "fields"))
		return route_correct(q, id, method);
	if (!is_get)
		return srv_error(q, 405, "method not allowed");
	snprintf(target, sizeof(target), "%lld", (long long)id);
	if (!sub) {
		int rc;
		START_JSON(b, j);
		rc = dft_api_show(q->st, id, DFT_API_SHOW_ANNOTATE | (arg(q, "text") && !strcmp(arg(q, "text"), "1") ? DFT_API_SHOW_TEXT : 0),
				  show_extra, NULL, &j);
		if (rc == 0)
			audit(q, "view", target, NULL);
		return reply(q, rc, &j, &b);
	}
	if (!strcmp(sub, "original"))
		return route_original(q, id);
	if (!strncmp(sub, "pages/", 6))
		return route_page(q, id, sub + 6);
	if (!strcmp(sub, "entities")) {
		START_JSON(b, j);
		return reply(q, dft_api_doc_entities(q->st, id, &j), &j, &b);
	}
	if (!strncmp(sub, "diff/", 5)) {
		int64_t other = srv_parse_id(sub + 5, strlen(sub + 5));
		dft_doc d;
		int rc;
		if (!other)
			return srv_error(q, 404, "no such document");
		if ((rc = dft_store_doc_get(q->st, id, &d)) < 0)
			return srv_fail(q, rc);
		dft_doc_dispose(&d);
		if ((rc = dft_store_doc_get(q->st, other, &d)) < 0)
			return srv_fail(q, rc);
		dft_doc_dispose(&d);
		START_JSON(b, j);
		return reply(q, dft_api_diff(q->st, id, other, &j), &j, &b);
	}
	return srv_error(q, 404, "no such endpoint");
}

/* ---- entities -------------------------------------------------------------------- */

static enum MHD_Result route_override(struct srv_req *q, const char *action)
{
	enum MHD_Result ret = MHD_NO;
	json_object *o;
	const char *type, *value, *target = NULL;
	dft_entities_stats stats;
	dft_store *rw;
	int t, rc;
	int64_t id = 0;
	dft_buf b;
	dft_json j;
	if (!need_role(q, DFT_ROLE_EDITOR))
		return srv_error(q, 403, "viewers cannot merge or split entities");
	if (!(o = body_object(q, &ret)))
		return ret;
	type = srv_body_str(o, "type");
	value = srv_body_str(o, "value");
	if (!strcmp(action, "merge"))
		target = srv_body_str(o, "target");
	if (!type || (t = dft_entity_type_parse(type)) < 0 || !value || !*value ||
	    (!strcmp(action, "merge") && (!target || !*target))) {
		json_object_put(o);
		return srv_error(q, 400, !strcmp(action, "merge") ? "merge needs \"type\", \"value\" and \"target\""
								 : "split needs \"type\" and \"value\"");
	}
	if ((rc = wb_open(q, &rw)) < 0) {
		json_object_put(o);
		return wb_fail(q, NULL, rc);
	}
	memset(&stats, 0, sizeof stats);
	/* The merge and the resolution it causes in one transaction, begun
	 * before anything is read: an ingest's commit of new mentions cannot
	 * fall between what the resolution reads and what it writes. */
	if ((rc = dft_store_begin(rw)) == 0 && (rc = dft_store_entity_of(rw, t, value, &id)) == 0 &&
	    (!target || (rc = dft_store_entity_of(rw, t, target, &id)) == 0) &&
	    (rc = dft_store_entity_override(rw, t, value, action, target, q->session.user)) == 0 &&
	    (rc = dft_entities_resolve(rw, &stats)) == 0 && (rc = dft_store_commit(rw)) == 0)
		rc = dft_store_entity_of(rw, t, value, &id);
	if (rc < 0)
		dft_store_rollback(rw);
	if (rc < 0 && dft_store_busy(rw)) {
		dft_store_free(rw);
		json_object_put(o);
		return srv_error(q, 503, BUSY_MSG);
	}
	if (rc == 0)
		audit(q, action, value, target);
	START_JSON(b, j);
	if (rc == 0)
		rc = dft_api_entity(rw, id, &j);
	dft_store_free(rw);
	json_object_put(o);
	return reply(q, rc, &j, &b);
}

static enum MHD_Result route_entities(struct srv_req *q, const char *rest, const char *method)
{
	dft_buf b;
	dft_json j;
	if (!strcmp(rest, "merge") || !strcmp(rest, "split")) {
		if (strcmp(method, "POST"))
			return srv_error(q, 405, "method not allowed");
		return route_override(q, rest);
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return srv_error(q, 405, "method not allowed");
	if (!*rest) {
		dft_entity_filter f;
		const char *type = arg(q, "type"), *doc = arg(q, "doc");
		memset(&f, 0, sizeof f);
		f.type = -1;
		if (type && *type && (f.type = dft_entity_type_parse(type)) < 0)
			return srv_error(q, 400, "type: not an entity type");
		if (doc && *doc && !(f.doc = srv_parse_id(doc, strlen(doc))))
			return srv_error(q, 400, "doc: a document id");
		f.limit = arg_int(q, "limit", 100, 10000);
		f.offset = arg_int(q, "offset", 0, INT64_MAX / 2);
		if (f.limit < 0 || f.offset < 0)
			return srv_error(q, 400, "limit and offset are numbers");
		START_JSON(b, j);
		return reply(q, dft_api_entities(q->st, &f, arg(q, "q"), NULL, &j), &j, &b);
	}
	{
		int64_t id = srv_parse_id(rest, strlen(rest));
		if (!id)
			return srv_error(q, 404, "no such entity");
		START_JSON(b, j);
		return reply(q, dft_api_entity(q->st, id, &j), &j, &b);
	}
}

struct types_ctx {
	unsigned types;
	int bad;
};

static enum MHD_Result on_type_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct types_ctx *c = cls;
	int t;
	(void)kind;
	if (!key || strcmp(key, "type") != 0)
		return MHD_YES;
	if (!value || (t = dft_entity_type_parse(value)) < 0)
		c->bad = 1;
	else
		c->types |= 1u << t;
	return MHD_YES;
}

/* ---- admin -------------------------------------------------------------------------- */

static int on_audit_event(void *ctx, const dft_audit_event *e)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_json_key(j, "at");
	dft_json_str(j, e->at);
	dft_json_key(j, "user");
	dft_json_str(j, e->user);
	dft_json_key(j, "addr");
	dft_json_str(j, e->addr);
	dft_json_key(j, "action");
	dft_json_str(j, e->action);
	dft_json_key(j, "target");
	dft_json_str(j, e->target);
	dft_json_key(j, "detail");
	dft_json_str(j, e->detail);
	dft_json_obj_close(j);
	return 0;
}

static int on_user(void *ctx, const char *name, int role, const char *created)
{
	dft_json *j = ctx;
	dft_json_obj_open(j);
	dft_json_key(j, "name");
	dft_json_str(j, name);
	dft_json_key(j, "role");
	dft_json_str(j, dft_role_name(role));
	dft_json_key(j, "created");
	dft_json_str(j, created);
	dft_json_obj_close(j);
	return 0;
}

/* ---- the table ---------------------------------------------------------------------- */

enum MHD_Result srv_route(struct srv_req *q, const char *path, const char *method)
{
	int is_get = !strcmp(method, "GET") || !strcmp(method, "HEAD");
	dft_buf b;
	dft_json j;
	int rc;

	if (!strcmp(path, "logout"))
		return !strcmp(method, "POST") ? route_logout(q) : srv_error(q, 405, "method not allowed");
	if (!strncmp(path, "docs/", 5))
		return route_doc(q, path + 5, method);
	if (!strcmp(path, "entities") || !strncmp(path, "entities/", 9))
		return route_entities(q, path[8] ? path + 9 : "", method);
	if (!strcmp(path, "me") || !strcmp(path, "status") || !strcmp(path, "search") || !strcmp(path, "docs") ||
	    !strcmp(path, "dups") || !strcmp(path, "new") || !strcmp(path, "graph") || !strcmp(path, "timeline") ||
	    !strcmp(path, "places") || !strcmp(path, "forms") || !strcmp(path, "records") || !strcmp(path, "audit") || !strcmp(path, "users")) {
		if (!is_get)
			return srv_error(q, 405, "method not allowed");
	} else {
		return srv_error(q, 404, "no such endpoint");
	}
	START_JSON(b, j);
	if (!strcmp(path, "me")) {
		json_session(&j, &q->session);
		return reply(q, 0, &j, &b);
	}
	if (!strcmp(path, "status"))
		return reply(q, dft_api_status(q->st, &j), &j, &b);
	if (!strcmp(path, "search")) {
		dft_api_search_params p;
		const char *sort = arg(q, "sort"), *f = arg(q, "facets");
		memset(&p, 0, sizeof p);
		p.q = arg(q, "q");
		p.limit = arg_int(q, "limit", 20, 200);
		p.offset = arg_int(q, "offset", 0, 100000);
		p.facets = f && !strcmp(f, "1");
		p.marks = 1;
		if (sort && *sort && strcmp(sort, "relevance") && strcmp(sort, "date") && strcmp(sort, "oldest")) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, "sort: relevance, date or oldest");
		}
		p.sort = sort && *sort ? sort : NULL;
		if (!p.q || !*p.q || p.limit < 0 || p.offset < 0) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, !p.q || !*p.q ? "q: the query is missing" : "limit and offset are numbers");
		}
		rc = dft_api_search(q->st, &p, &j);
		if (rc == 0)
			audit(q, "search", NULL, p.q);
		if (rc == DFT_ERROR)
			rc = DFT_EINVAL; /* the query did not compile */
		return reply(q, rc, &j, &b);
	}
	if (!strcmp(path, "docs")) {
		dft_api_docs_params p;
		const char *fl = arg(q, "failed");
		memset(&p, 0, sizeof p);
		p.batch = arg(q, "batch");
		p.type = arg(q, "type");
		p.failed = fl && !strcmp(fl, "1");
		p.limit = arg_int(q, "limit", 100, 10000);
		p.offset = arg_int(q, "offset", 0, INT64_MAX / 2);
		if (p.limit < 0 || p.offset < 0) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, "limit and offset are numbers");
		}
		return reply(q, dft_api_docs(q->st, &p, &j), &j, &b);
	}
	if (!strcmp(path, "dups") || !strcmp(path, "new")) {
		dft_dedup_opts o;
		const char *t = arg(q, "threshold");
		memset(&o, 0, sizeof o);
		o.threshold = 0.8;
		if (t) {
			char *end;
			o.threshold = strtod(t, &end);
			if (*end || end == t || !(o.threshold >= 0.3 && o.threshold <= 1)) {
				dft_buf_dispose(&b);
				return srv_error(q, 400, "threshold: a Jaccard similarity from 0.3 to 1");
			}
		}
		if (path[0] == 'd')
			return reply(q, dft_api_dups(q->st, &o, &j), &j, &b);
		{
			int64_t batch;
			const char *bl = arg(q, "batch");
			if (!bl || !*bl) {
				dft_buf_dispose(&b);
				return srv_error(q, 400, "batch: which batch");
			}
			if ((rc = dft_store_batch_find(q->st, bl, &batch)) < 0) {
				dft_buf_dispose(&b);
				return srv_fail(q, rc);
			}
			return reply(q, dft_api_new(q->st, batch, &o, &j), &j, &b);
		}
	}
	if (!strcmp(path, "graph")) {
		dft_api_graph_params p;
		struct types_ctx tc = {0, 0};
		MHD_get_connection_values(q->conn, MHD_GET_ARGUMENT_KIND, on_type_arg, &tc);
		memset(&p, 0, sizeof p);
		p.types = tc.types;
		p.min_weight = arg_int(q, "min_weight", 1, INT64_MAX / 2);
		p.limit = arg_int(q, "limit", 300, 5000);
		if (tc.bad || p.min_weight < 0 || p.limit < 0) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, "type: entity types; min_weight, limit: numbers");
		}
		return reply(q, dft_api_graph(q->st, &p, &j), &j, &b);
	}
	if (!strcmp(path, "forms") || !strcmp(path, "records")) {
		/* the templates, or one template's records (docs/FORMS.md): the stored
		 * ones, or computed from the texts when these changed since */
		dft_record_set rs;
		dft_api_records_params rp;
		int rc2;
		memset(&rp, 0, sizeof(rp));
		rp.tmpl = arg_int(q, "template", 0, INT64_MAX / 2);
		if (rp.tmpl < 0) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, "template: a template id");
		}
		if ((rc2 = dft_records_load(&rs, q->st, rp.tmpl, NULL, 0,
					       !strcmp(path, "records") ? DFT_RECORDS_RECORDS | DFT_RECORDS_ENTITIES
									: DFT_RECORDS_TEMPLATES)) < 0) {
			dft_buf_dispose(&b);
			return srv_fail(q, rc2);
		}
		if (!strcmp(path, "forms"))
			rc2 = dft_api_forms(&rs, &j);
		else if (!rp.tmpl)
			rc2 = dft_error_set(DFT_EINVAL, "records: give ?template=ID (GET /api/forms lists them)");
		else
			rc2 = dft_api_records(&rs, &rp, &j);
		dft_record_set_dispose(&rs);
		if (rc2 == DFT_EINVAL) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, dft_error_msg());
		}
		return reply(q, rc2, &j, &b);
	}
	if (!strcmp(path, "places")) {
		dft_places_data pd;
		int r = dft_places_load(q->st, &pd);
		if (r == 0) {
			r = dft_api_places(&pd, &j);
			dft_places_data_dispose(&pd);
		}
		return reply(q, r, &j, &b);
	}
	if (!strcmp(path, "timeline")) {
		const char *from = arg(q, "from"), *to = arg(q, "to");
		return reply(q, dft_api_timeline(q->st, from && *from ? from : NULL, to && *to ? to : NULL, 0, &j), &j,
			     &b);
	}
	/* admin */
	if (!need_role(q, DFT_ROLE_ADMIN)) {
		dft_buf_dispose(&b);
		return srv_error(q, 403, "admins only");
	}
	if (!strcmp(path, "audit")) {
		int64_t limit = arg_int(q, "limit", 100, 10000), offset = arg_int(q, "offset", 0, INT64_MAX / 2);
		if (limit < 0 || offset < 0) {
			dft_buf_dispose(&b);
			return srv_error(q, 400, "limit and offset are numbers");
		}
		dft_json_obj_open(&j);
		dft_json_key(&j, "events");
		dft_json_arr_open(&j);
		rc = dft_audit_list(q->st, limit, offset, on_audit_event, &j);
		dft_json_arr_close(&j);
		dft_json_obj_close(&j);
		return reply(q, rc, &j, &b);
	}
	dft_json_obj_open(&j);
	dft_json_key(&j, "users");
	dft_json_arr_open(&j);
	rc = dft_user_list(q->st, on_user, &j);
	dft_json_arr_close(&j);
	dft_json_obj_close(&j);
	return reply(q, rc, &j, &b);
}
