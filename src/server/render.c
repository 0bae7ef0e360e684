/*
 * render.c - a page of a PDF (or an image, as MuPDF opens it) as PNG for
 * the workbench's page view (GET /api/docs/ID/pages/N.png).
 *
 * The document is hostile, so MuPDF never parses it in the server: each
 * page is rendered in a child forked for it, which reads the file, then
 * enters the extraction workers' sandbox (extract.h: dft_sandbox_enter -
 * address-space and CPU limits, no file writes, seccomp: no open for
 * writing, socket, exec or fork) and sends the PNG back through a pipe.
 * The server waits at most RENDER_SECONDS and kills it after. In the
 * child: one MuPDF context, every call inside fz_try, the pixmap capped at
 * 40 megapixels.
 */
#include "daftar/extract.h"
#include "daftar/server.h"

#include <errno.h>
#include <fcntl.h>
#include <mupdf/fitz.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_PIXELS 40e6
#define RENDER_SECONDS 30
#define RENDER_MAX_INPUT ((size_t)1 << 30) /* bytes of a document the child reads */
#define RENDER_MAX_PNG ((size_t)256 << 20)

static void quiet(void *user, const char *msg)
{
	(void)user;
	dft_log("mupdf: %s", msg);
}

/* In the child, sandboxed: the document's bytes to PNG. */
static int render_png(const unsigned char *data, size_t len, const char *mime_in, int page, double scale_in,
		      dft_buf *png)
{
	volatile double scale = scale_in;
	const char *volatile mime = mime_in;
	fz_context *ctx;
	fz_document *doc = NULL;
	fz_page *pg = NULL;
	fz_pixmap *pix = NULL;
	fz_buffer *buf = NULL;
	fz_stream *stm = NULL;
	volatile int rc = 0, npages = 0;

	if (!(ctx = fz_new_context(NULL, NULL, (size_t)64 << 20)))
		return dft_error_set(DFT_ENOMEM, "cannot make a MuPDF context");
	fz_set_warning_callback(ctx, quiet, NULL);
	fz_set_error_callback(ctx, quiet, NULL);
	fz_var(doc);
	fz_var(pg);
	fz_var(pix);
	fz_var(buf);
	fz_var(stm);
	fz_try(ctx)
	{
		fz_rect r;
		double w, h;
		fz_register_document_handlers(ctx);
		/* blobs are named by their hash: the type comes from the stored MIME type */
		stm = fz_open_memory(ctx, data, len);
		doc = fz_open_document_with_stream(ctx, mime && *mime ? mime : "application/pdf", stm);
		npages = fz_count_pages(ctx, doc);
		if (page >= 1 && page <= npages) {
			pg = fz_load_page(ctx, doc, page - 1);
			r = fz_bound_page(ctx, pg);
			w = (r.x1 - r.x0) * scale;
			h = (r.y1 - r.y0) * scale;
			if (w * h > MAX_PIXELS && w > 0 && h > 0)
				scale *= 0.99 * sqrt(MAX_PIXELS / (w * h));
			pix = fz_new_pixmap_from_page(ctx, pg, fz_scale((float)scale, (float)scale), fz_device_rgb(ctx), 0);
			buf = fz_new_buffer_from_pixmap_as_png(ctx, pix, fz_default_color_params);
		}
	}
	fz_catch(ctx)
	{
		rc = dft_error_set(DFT_EINVAL, "cannot render page %d: %s", page, fz_caught_message(ctx));
	}
	if (rc == 0 && !buf)
		rc = dft_error_set(DFT_ENOTFOUND, "no page %d (the document has %d)", page, npages);
	if (rc == 0) {
		unsigned char *bytes;
		size_t n = fz_buffer_storage(ctx, buf, &bytes);
		rc = dft_buf_add(png, bytes, n);
	}
	fz_drop_buffer(ctx, buf);
	fz_drop_pixmap(ctx, pix);
	fz_drop_page(ctx, pg);
	fz_drop_document(ctx, doc);
	fz_drop_stream(ctx, stm);
	fz_drop_context(ctx);
	return rc;
}

/* Read a whole file (before the sandbox forbids opening it). */
static int read_all(int fd, unsigned char **out, size_t *len)
{
	struct stat sb;
	unsigned char *p;
	size_t got = 0;
	if (fd < 0 || fstat(fd, &sb) < 0 || sb.st_size < 0 || (size_t)sb.st_size > RENDER_MAX_INPUT)
		return -1;
	p = malloc((size_t)sb.st_size + 1);
	while (p && got < (size_t)sb.st_size) {
		ssize_t n = pread(fd, p + got, (size_t)sb.st_size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	if (!p || got != (size_t)sb.st_size) {
		free(p);
		return -1;
	}
	*out = p;
	*len = got;
	return 0;
}

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The child: status byte (0 PNG, 1 not found, 2 error), then the PNG or
 * the message. Never returns. */
static void render_child(int out, int in, const char *mime, int page, double scale)
{
	unsigned char *data = NULL;
	size_t len = 0;
	dft_limits l;
	dft_buf png;
	int rc;
	char st;
	if (read_all(in, &data, &len) < 0) {
		st = 2;
		(void)write_all(out, &st, 1);
		(void)write_all(out, "cannot read the original", 24);
		_exit(0);
	}
	dft_limits_default(&l);
	l.timeout_s = RENDER_SECONDS;
	if (dft_sandbox_enter(&l) < 0)
		_exit(4);
	dft_buf_init(&png, RENDER_MAX_PNG);
	rc = render_png(data, len, mime, page, scale, &png);
	st = rc == 0 ? 0 : rc == DFT_ENOTFOUND ? 1 : 2;
	if (write_all(out, &st, 1) == 0) {
		if (rc == 0)
			(void)write_all(out, png.ptr, png.len);
		else
			(void)write_all(out, dft_error_msg(), strlen(dft_error_msg()));
	}
	_exit(0);
}

int dft_render_page_png(int fd, const char *mime, int page, double scale, dft_buf *png)
{
	int fds[2], status = 0, rc = 0;
	pid_t pid;
	dft_buf got;
	double deadline = dft_now() + RENDER_SECONDS;
	char why[256];
	if (pipe2(fds, O_CLOEXEC) < 0)
		return dft_error_set(DFT_EIO, "cannot render: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return dft_error_set(DFT_EIO, "cannot render: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		close(fds[0]);
		render_child(fds[1], fd, mime, page, scale);
	}
	close(fds[1]);
	dft_buf_init(&got, RENDER_MAX_PNG + 4096);
	for (;;) {
		char chunk[65536];
		struct pollfd pf = {fds[0], POLLIN, 0};
		int left = (int)((deadline - dft_now()) * 1000);
		ssize_t n;
		if (left <= 0 || poll(&pf, 1, left) == 0) {
			rc = dft_error_set(DFT_ELIMIT, "rendering page %d took more than %d s", page, RENDER_SECONDS);
			break;
		}
		n = read(fds[0], chunk, sizeof chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if ((rc = dft_buf_add(&got, chunk, (size_t)n)) < 0)
			break;
	}
	close(fds[0]);
	if (rc < 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (rc == 0) {
		dft_sandbox_describe(status, why, sizeof why);
		if (why[0])
			rc = dft_error_set(DFT_ERROR, "rendering page %d failed: %s", page, why);
		else if (got.len < 1)
			rc = dft_error_set(DFT_ERROR, "rendering page %d failed: no answer from the renderer", page);
		else if (got.ptr[0] == 0)
			rc = dft_buf_add(png, got.ptr + 1, got.len - 1);
		else
			rc = dft_error_set(got.ptr[0] == 1 ? DFT_ENOTFOUND : DFT_EINVAL, "%.*s", (int)(got.len - 1),
					   got.ptr + 1);
	}
	dft_buf_dispose(&got);
	return rc;
}
