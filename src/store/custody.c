/*
 * custody.c - the hash-chained, append-only custody log (see custody.h).
 *
 * Entries are buffered in memory and written by dft_custody_flush(), which
 * the store calls right before each database commit: log first, then the
 * database, so a crash can leave log entries the database does not know
 * (recovered on the next open), never database rows without their entry.
 *
 * In an encrypted case the lines are sealed only where they meet the file:
 * when written (flush), and opened when read back (adopt, verify).
 */
#include "daftar/custody.h"
#include "daftar/crypt.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

struct dft_custody {
	int fd;
	char *path;                     /* for messages; NULL for a log in memory */
	int64_t entries;                /* entries written or pending */
	char head[DFT_SHA256_HEX];      /* hash of the last entry */
	int64_t offset;                 /* file size once pending is written */
	dft_buf pending;                /* complete lines not yet written */
	dft_buf line;                   /* the entry being built */
	dft_json json;
	int open_entry;
	/* as last written (flush or dft_custody_written), for discard */
	int64_t flushed_entries, flushed_offset;
	char flushed_head[DFT_SHA256_HEX];
	/* the chain's end as the database held it when this log last took
	 * it (adopt) or last wrote (flush): what dft_custody_sync compares */
	int64_t base_entries, base_offset;
	char base_head[DFT_SHA256_HEX];
	const struct dft_crypt *key; /* an encrypted case: lines sealed in the file */
};

/* Bytes a plain line of len bytes takes in the file (without newline). */
static int64_t stored_len(const dft_custody *c, size_t len)
{
	return (int64_t)(c->key ? dft_crypt_sealed_len(len) : len);
}

/* Bytes the pending lines will take in the file. */
static int64_t pending_stored_len(const dft_custody *c)
{
	const char *p = c->pending.ptr, *end = p + c->pending.len, *nl;
	int64_t n = 0;
	if (!c->key)
		return (int64_t)c->pending.len;
	while (p && p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		n += stored_len(c, (size_t)(nl - p)) + 1;
		p = nl + 1;
	}
	return n;
}

/* A line as read from the file, opened when it is sealed: *plain and
 * *plen point at the plain line (in `scratch`, or the line itself). */
static int line_plain(const dft_custody *c, const char *line, size_t len, dft_buf *scratch, const char **plain,
		      size_t *plen)
{
	int rc;
	if (!c->key) {
		*plain = line;
		*plen = len;
		return 0;
	}
	dft_buf_reset(scratch);
	if ((rc = dft_crypt_open_line(c->key, line, len, scratch)) < 0)
		return rc;
	*plain = dft_buf_cstr(scratch);
	*plen = scratch->len;
	return 0;
}

/* Hash of one line (without its newline). */
static int line_hash(const char *line, size_t len, char out[DFT_SHA256_HEX])
{
	return dft_sha256_hex(out, line, len);
}

const char *dft_custody_field(const char *line, size_t len, const char *key, size_t *vlen)
{
	char pat[40];
	const char *p, *e;
	int n = snprintf(pat, sizeof(pat), "\"%s\":\"", key);
	if (!(p = memmem(line, len, pat, (size_t)n)))
		return NULL;
	p += n;
	if (!(e = memchr(p, '"', (size_t)(line + len - p))))
		return NULL;
	*vlen = (size_t)(e - p);
	return p;
}

int64_t dft_custody_field_int(const char *line, size_t len, const char *key)
{
	char pat[40];
	const char *p;
	int n = snprintf(pat, sizeof(pat), "\"%s\":", key);
	if (!(p = memmem(line, len, pat, (size_t)n)))
		return -1;
	return strtoll(p + n, NULL, 10);
}

/* A 64-hex field (a hash) of a line. */
static int field_hex(const char *line, size_t len, const char *key, char out[DFT_SHA256_HEX])
{
	size_t n;
	const char *v = dft_custody_field(line, len, key, &n);
	if (!v || n != 64)
		return -1;
	memcpy(out, v, 64);
	out[64] = '\0';
	return 0;
}

static int read_all(int fd, dft_buf *out, int64_t from)
{
	char tmp[65536];
	ssize_t n;
	int rc;
	for (;;) {
		n = pread(fd, tmp, sizeof(tmp), (off_t)from);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dft_error_set(DFT_EIO, "cannot read custody.log: %s", strerror(errno));
		}
		if (n == 0)
			return 0;
		if ((rc = dft_buf_add(out, tmp, (size_t)n)) < 0)
			return rc;
		from += n;
	}
}

/* Take (entries, head, offset), the chain's end as the database recorded
 * it, as this log's committed end: the line ending at `offset` must hash to
 * `head`; a longer file (a writer killed between its log write and its
 * database commit) is kept, checked to chain on, and marked with a
 * "recovered" entry in pending, and a torn last line is cut. Called with
 * nothing pending, and only by the one writer that holds the database's
 * write lock (so nobody appends meanwhile). */
static int adopt(dft_custody *c, int64_t entries, const char *head, int64_t offset)
{
	struct stat stbuf;
	dft_buf tail, scratch;
	int rc = 0;
	int64_t tail_entries = 0;
	const char *path = c->path;

	dft_buf_init(&tail, (size_t)1 << 30);
	dft_buf_init(&scratch, (size_t)1 << 30);
	if (fstat(c->fd, &stbuf) < 0)
		return dft_error_set(DFT_EIO, "cannot stat %s: %s", path, strerror(errno));
	c->entries = entries;
	c->offset = offset;
	memcpy(c->head, head && *head ? head : ZERO_HASH, 65);
	c->base_entries = entries;
	c->base_offset = offset;
	memcpy(c->base_head, c->head, DFT_SHA256_HEX);
	if (stbuf.st_size < offset) {
		rc = dft_error_set(DFT_ECORRUPT,
				   "%s is shorter (%lld bytes) than the store recorded (%lld): "
				   "entries were removed; run 'daftar verify'",
				   path, (long long)stbuf.st_size, (long long)offset);
		goto done;
	}
	if (entries > 0) {
		/* the line ending at `offset` must hash to the recorded head */
		char h[DFT_SHA256_HEX];
		int64_t from = offset > 65536 ? offset - 65536 : 0;
		const char *end, *start;
		char tmp[65536];
		ssize_t n = pread(c->fd, tmp, (size_t)(offset - from), (off_t)from);
		if (n != offset - from) {
			rc = dft_error_set(DFT_EIO, "cannot read the end of %s", path);
			goto done;
		}
		end = tmp + n - 1; /* the newline */
		start = end;
		while (start > tmp && start[-1] != '\n')
			start--;
		if (n < 1 || (start == tmp && from > 0) || *end != '\n') {
			rc = dft_error_set(DFT_ECORRUPT, "%s: the last committed entry is damaged; run 'daftar verify'", path);
			goto done;
		}
		{
			const char *pl;
			size_t plen;
			if ((rc = line_plain(c, start, (size_t)(end - start), &scratch, &pl, &plen)) < 0) {
				rc = dft_error_set(DFT_ECORRUPT, "%s: the last committed entry (%lld): %s; run 'daftar verify'",
						   path, (long long)entries, dft_error_msg());
				goto done;
			}
			line_hash(pl, plen, h);
		}
		if (strcmp(h, c->head) != 0) {
			rc = dft_error_set(DFT_ECORRUPT,
					   "%s: entry %lld does not match the store's record; "
					   "the log was altered; run 'daftar verify'",
					   path, (long long)entries);
			goto done;
		}
	}
	c->flushed_entries = c->entries;
	c->flushed_offset = c->offset;
	memcpy(c->flushed_head, c->head, DFT_SHA256_HEX);
	if (stbuf.st_size > offset) {
		/* A writer was killed after writing entries its database
		 * commit never recorded. Keep them (they are what happened),
		 * check they chain on, and say so in a "recovered" entry. */
		const char *p, *nl;
		dft_json *j;
		if ((rc = read_all(c->fd, &tail, offset)) < 0)
			goto done;
		p = tail.ptr;
		while (p && (nl = memchr(p, '\n', (size_t)(tail.ptr + tail.len - p)))) {
			char prev[DFT_SHA256_HEX];
			const char *pl;
			size_t plen;
			if (line_plain(c, p, (size_t)(nl - p), &scratch, &pl, &plen) < 0 ||
			    field_hex(pl, plen, "prev", prev) < 0 || strcmp(prev, c->head) != 0) {
				rc = dft_error_set(DFT_ECORRUPT,
						   "%s: entry after %lld does not chain on; run 'daftar verify'",
						   path, (long long)c->entries);
				goto done;
			}
			line_hash(pl, plen, c->head);
			c->entries++;
			tail_entries++;
			p = nl + 1;
		}
		c->offset = offset + (p ? (int64_t)(p - tail.ptr) : 0);
		if (c->offset < stbuf.st_size) {
			/* a torn last line (killed inside a write): cut it */
			if (ftruncate(c->fd, (off_t)c->offset) < 0) {
				rc = dft_error_set(DFT_EIO, "cannot repair %s: %s", path, strerror(errno));
				goto done;
			}
		}
		c->flushed_entries = c->entries;
		c->flushed_offset = c->offset;
		memcpy(c->flushed_head, c->head, DFT_SHA256_HEX);
		j = dft_custody_begin(c, "recovered");
		dft_json_key(j, "uncommitted_entries");
		dft_json_int(j, tail_entries);
		dft_json_key(j, "torn_bytes");
		dft_json_int(j, (int64_t)(stbuf.st_size - c->offset));
		dft_json_key(j, "detail");
		dft_json_str(j, "an interrupted writer (an ingest, or the workbench) left entries its database commit did not record");
		rc = dft_custody_end(c);
	}
done:
	dft_buf_dispose(&tail);
	dft_buf_dispose(&scratch);
	return rc;
}

int dft_custody_open(dft_custody **out, const char *path, int64_t entries,
		     const char *head, int64_t offset, const struct dft_crypt *key)
{
	dft_custody *c = NULL;
	int rc = 0;

	*out = NULL;
	if (!(c = dft_calloc(1, sizeof(*c))))
		return DFT_ENOMEM;
	dft_buf_init(&c->pending, 0);
	dft_buf_init(&c->line, 0);
	c->key = key;
	if (!(c->path = dft_strdup(path))) {
		free(c);
		return DFT_ENOMEM;
	}
	c->fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (c->fd < 0) {
		rc = dft_error_set(DFT_EIO, "cannot open %s: %s", path, strerror(errno));
		goto done;
	}
	if ((rc = adopt(c, entries, head, offset)) < 0)
		goto done;
	*out = c;
	c = NULL;
done:
	dft_custody_free(c);
	return rc;
}

int dft_custody_open_deferred(dft_custody **out, const char *path, const struct dft_crypt *key)
{
	dft_custody *c;
	int rc;
	*out = NULL;
	if (!(c = dft_calloc(1, sizeof(*c))))
		return DFT_ENOMEM;
	dft_buf_init(&c->pending, 0);
	dft_buf_init(&c->line, 0);
	memcpy(c->head, ZERO_HASH, 65);
	memcpy(c->flushed_head, ZERO_HASH, 65);
	c->base_entries = -1; /* unknown: the first sync adopts the chain's end */
	c->key = key;
	if (!(c->path = dft_strdup(path))) {
		free(c);
		return DFT_ENOMEM;
	}
	c->fd = open(path, O_RDWR | O_APPEND | O_CLOEXEC);
	if (c->fd < 0) {
		rc = dft_error_set(DFT_EIO, "cannot open %s: %s", path, strerror(errno));
		dft_custody_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

int dft_custody_sync(dft_custody *c, int64_t entries, const char *head, int64_t offset)
{
	struct stat stbuf;
	dft_buf mine;
	int rc;
	if (c->fd < 0)
		return dft_error_set(DFT_EINVAL, "this custody log is kept by the database");
	if (c->open_entry)
		return dft_error_set(DFT_EINVAL, "custody entry still open");
	if (fstat(c->fd, &stbuf) < 0)
		return dft_error_set(DFT_EIO, "cannot stat %s: %s", c->path, strerror(errno));
	if (entries == c->base_entries && offset == c->base_offset && stbuf.st_size == c->flushed_offset &&
	    !strcmp(head && *head ? head : ZERO_HASH, c->base_head))
		return 0; /* nobody else wrote since we last did */
	/* another writer committed (or was killed half-way): take the chain's
	 * end as it is now, then link our pending entries onto it */
	dft_buf_init(&mine, (size_t)1 << 31);
	if ((rc = dft_buf_add(&mine, c->pending.ptr ? c->pending.ptr : "", c->pending.len)) < 0)
		goto done;
	dft_buf_reset(&c->pending);
	if ((rc = adopt(c, entries, head, offset)) < 0)
		goto done;
	if ((rc = dft_buf_add(&c->pending, mine.ptr ? mine.ptr : "", mine.len)) < 0 ||
	    (rc = dft_custody_rechain(c, c->flushed_entries, c->flushed_head)) < 0)
		goto done;
	c->offset = c->flushed_offset + pending_stored_len(c);
done:
	if (rc < 0)
		dft_custody_discard(c);
	dft_buf_dispose(&mine);
	return rc;
}

void dft_custody_free(dft_custody *c)
{
	if (!c)
		return;
	if (c->fd >= 0)
		close(c->fd);
	free(c->path);
	dft_buf_dispose(&c->pending);
	dft_buf_dispose(&c->line);
	free(c);
}

dft_json *dft_custody_begin(dft_custody *c, const char *event)
{
	char at[32];
	dft_utc_iso(at);
	dft_buf_reset(&c->line);
	dft_json_init(&c->json, &c->line);
	dft_json_obj_open(&c->json);
	dft_json_key(&c->json, "n");
	dft_json_int(&c->json, c->entries + 1);
	dft_json_key(&c->json, "at");
	dft_json_str(&c->json, at);
	dft_json_key(&c->json, "prev");
	dft_json_str(&c->json, c->head);
	dft_json_key(&c->json, "event");
	dft_json_str(&c->json, event);
	c->open_entry = 1;
	return &c->json;
}

int dft_custody_end(dft_custody *c)
{
	int rc;
	if (!c->open_entry)
		return dft_error_set(DFT_EINVAL, "custody entry not begun");
	c->open_entry = 0;
	dft_json_obj_close(&c->json);
	if ((rc = dft_json_finish(&c->json)) < 0)
		return rc;
	if ((rc = line_hash(c->line.ptr, c->line.len, c->head)) < 0)
		return rc;
	if ((rc = dft_buf_add(&c->pending, c->line.ptr, c->line.len)) < 0 ||
	    (rc = dft_buf_addc(&c->pending, '\n')) < 0)
		return rc;
	c->entries++;
	c->offset += stored_len(c, c->line.len) + 1;
	return 0;
}

int dft_custody_flush(dft_custody *c)
{
	size_t done = 0;
	dft_buf sealed;
	const char *out = c->pending.ptr;
	size_t len = c->pending.len;
	int rc = 0;
	if (c->fd < 0)
		return dft_error_set(DFT_EINVAL, "this custody log is kept by the database");
	dft_buf_init(&sealed, (size_t)1 << 31);
	if (c->key && len) {
		/* one sealed line a plain one */
		const char *p = c->pending.ptr, *end = p + len, *nl;
		while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
			if ((rc = dft_crypt_seal_line(c->key, p, (size_t)(nl - p), &sealed)) < 0 ||
			    (rc = dft_buf_addc(&sealed, '\n')) < 0) {
				dft_buf_dispose(&sealed);
				return rc;
			}
			p = nl + 1;
		}
		out = sealed.ptr;
		len = sealed.len;
	}
	while (done < len) {
		ssize_t n = write(c->fd, out + done, len - done);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			dft_buf_dispose(&sealed);
			return dft_error_set(DFT_EIO, "cannot write custody.log: %s", strerror(errno));
		}
		done += (size_t)n;
	}
	dft_buf_dispose(&sealed);
	if (len && fdatasync(c->fd) < 0)
		return dft_error_set(DFT_EIO, "cannot sync custody.log: %s", strerror(errno));
	dft_custody_written(c);
	/* what the store now records as the head */
	c->base_entries = c->entries;
	c->base_offset = c->offset;
	memcpy(c->base_head, c->head, DFT_SHA256_HEX);
	return 0;
}

void dft_custody_head(const dft_custody *c, int64_t *entries, char head[DFT_SHA256_HEX], int64_t *offset)
{
	*entries = c->entries;
	memcpy(head, c->head, DFT_SHA256_HEX);
	*offset = c->offset;
}

/* The chain check itself, over lines from any source (the file, or the
 * custody_log table of a server-mode case). */
int dft_custody_verify_lines(int (*next)(void *src, const char **line, size_t *len), void *src,
			     int64_t entries, const char *head, const dft_custody_check *chk, int64_t *checked)
{
	const char *line;
	size_t len;
	char prev[DFT_SHA256_HEX] = ZERO_HASH, want[DFT_SHA256_HEX], at_head[DFT_SHA256_HEX] = "";
	int64_t n = 0;
	int rc = 0, broken = 0, got;
	char detail[256];

	*checked = 0;
	while ((got = next(src, &line, &len)) > 0) {
		n++;
		if (field_hex(line, len, "prev", want) < 0 || dft_custody_field_int(line, len, "n") != n) {
			snprintf(detail, sizeof(detail), "entry %lld is malformed or out of order", (long long)n);
			if ((rc = chk->problem(chk->ctx, "chain", NULL, detail)) < 0)
				break;
			broken = 1;
		} else if (strcmp(want, prev) != 0) {
			snprintf(detail, sizeof(detail),
				 "chain broken at entry %lld: it does not carry the hash of entry %lld "
				 "(an entry was edited, removed or moved)", (long long)n, (long long)(n - 1));
			if ((rc = chk->problem(chk->ctx, "chain", NULL, detail)) < 0)
				break;
			broken = 1;
		}
		line_hash(line, len, prev);
		if (n == entries)
			memcpy(at_head, prev, DFT_SHA256_HEX);
		if (chk->entry && (rc = chk->entry(chk->ctx, n, line, len)) < 0)
			break;
	}
	*checked = n;
	if (rc == 0 && got < 0)
		rc = got;
	if (rc < 0)
		return rc;
	if (n < entries) {
		snprintf(detail, sizeof(detail),
			 "the custody log ends at entry %lld but the store recorded %lld entries "
			 "(entries were cut off the end)", (long long)n, (long long)entries);
		rc = chk->problem(chk->ctx, "chain", NULL, detail);
	} else if (!broken && entries > 0 && strcmp(at_head, head) != 0) {
		snprintf(detail, sizeof(detail),
			 "entry %lld differs from the one the store recorded (the log was rewritten)",
			 (long long)entries);
		rc = chk->problem(chk->ctx, "chain", NULL, detail);
	}
	return rc;
}

struct file_lines {
	FILE *f;
	char *line;
	size_t cap;
	int64_t n;
	const struct dft_crypt *key;
	dft_buf plain;
	const dft_custody_check *chk;
};

static int next_file_line(void *src, const char **line, size_t *len)
{
	struct file_lines *fl = src;
	ssize_t n = getline(&fl->line, &fl->cap, fl->f);
	int rc;
	if (n <= 0)
		return 0;
	fl->n++;
	if (fl->line[n - 1] == '\n')
		fl->line[--n] = '\0';
	*line = fl->line;
	*len = (size_t)n;
	if (fl->key) {
		dft_buf_reset(&fl->plain);
		if ((rc = dft_crypt_open_line(fl->key, fl->line, (size_t)n, &fl->plain)) == DFT_ECORRUPT) {
			/* name the line; the chain check then reports it malformed */
			char detail[256];
			snprintf(detail, sizeof(detail), "custody.log line %lld: %s", (long long)fl->n, dft_error_msg());
			if ((rc = fl->chk->problem(fl->chk->ctx, "chain", NULL, detail)) < 0)
				return rc;
			*line = "";
			*len = 0;
			return 1;
		}
		if (rc < 0)
			return rc;
		*line = dft_buf_cstr(&fl->plain);
		*len = fl->plain.len;
	}
	return 1;
}

int dft_custody_verify(const char *path, int64_t entries, const char *head,
		       const dft_custody_check *chk, int64_t *checked, const struct dft_crypt *key)
{
	struct file_lines fl = {NULL, NULL, 0, 0, key, {0}, chk};
	char detail[256];
	int rc;

	*checked = 0;
	if (!(fl.f = fopen(path, "re"))) {
		snprintf(detail, sizeof(detail), "custody.log cannot be opened: %s", strerror(errno));
		return chk->problem(chk->ctx, "chain", NULL, detail);
	}
	dft_buf_init(&fl.plain, (size_t)1 << 30);
	rc = dft_custody_verify_lines(next_file_line, &fl, entries, head, chk, checked);
	dft_buf_dispose(&fl.plain);
	free(fl.line);
	fclose(fl.f);
	return rc;
}

/* ---- a log kept by the database (server mode) ------------------------- */

int dft_custody_open_memory(dft_custody **out)
{
	dft_custody *c = dft_calloc(1, sizeof(*c));
	*out = NULL;
	if (!c)
		return DFT_ENOMEM;
	c->fd = -1;
	dft_buf_init(&c->pending, 0);
	dft_buf_init(&c->line, 0);
	memcpy(c->head, ZERO_HASH, 65);
	memcpy(c->flushed_head, ZERO_HASH, 65);
	*out = c;
	return 0;
}

const char *dft_custody_pending(const dft_custody *c, size_t *len)
{
	*len = c->pending.len;
	return c->pending.ptr;
}

void dft_custody_written(dft_custody *c)
{
	dft_buf_reset(&c->pending);
	c->flushed_entries = c->entries;
	memcpy(c->flushed_head, c->head, 65);
	c->flushed_offset = c->offset;
}

void dft_custody_discard(dft_custody *c)
{
	dft_buf_reset(&c->pending);
	c->open_entry = 0;
	c->entries = c->flushed_entries;
	c->offset = c->flushed_offset;
	memcpy(c->head, c->flushed_head, 65);
}

int dft_custody_rechain(dft_custody *c, int64_t entries, const char *head)
{
	dft_buf out;
	const char *p = c->pending.ptr, *end = p + c->pending.len;
	char h[DFT_SHA256_HEX];
	int64_t n = entries;
	int rc = 0;

	if (c->open_entry)
		return dft_error_set(DFT_EINVAL, "custody entry still open");
	memcpy(h, head && *head ? head : ZERO_HASH, DFT_SHA256_HEX);
	dft_buf_init(&out, (size_t)1 << 31);
	while (rc == 0 && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *q, *prev;
		size_t start = out.len;
		if (!nl || (size_t)(nl - p) < 6 || memcmp(p, "{\"n\":", 5) != 0) {
			rc = dft_error_set(DFT_EINVAL, "custody: a pending entry is malformed");
			break;
		}
		for (q = p + 5; q < nl && *q >= '0' && *q <= '9'; q++)
			;
		prev = memmem(q, (size_t)(nl - q), "\"prev\":\"", 8);
		if (!prev || nl - (prev + 8) < 64) {
			rc = dft_error_set(DFT_EINVAL, "custody: a pending entry has no prev");
			break;
		}
		prev += 8;
		if ((rc = dft_buf_addf(&out, "{\"n\":%lld", (long long)++n)) < 0 ||
		    (rc = dft_buf_add(&out, q, (size_t)(prev - q))) < 0 || (rc = dft_buf_add(&out, h, 64)) < 0 ||
		    (rc = dft_buf_add(&out, prev + 64, (size_t)(nl - (prev + 64)))) < 0)
			break;
		if ((rc = line_hash(out.ptr + start, out.len - start, h)) < 0 || (rc = dft_buf_addc(&out, '\n')) < 0)
			break;
		p = nl + 1;
	}
	if (rc == 0) {
		dft_buf_reset(&c->pending);
		rc = dft_buf_add(&c->pending, out.ptr ? out.ptr : "", out.len);
		c->entries = n;
		memcpy(c->head, h, DFT_SHA256_HEX);
	}
	dft_buf_dispose(&out);
	return rc;
}
