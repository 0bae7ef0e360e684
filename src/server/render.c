/*
 * render.c - a page of a PDF (or an image, as MuPDF opens it) as PNG for
 * the workbench's page view (GET /api/docs/ID/pages/N.png). One MuPDF
 * context per call, so requests on different threads share nothing; every
 * MuPDF call inside fz_try; the pixmap is capped at 40 megapixels.
 */
#include "daftar/server.h"

#include <mupdf/fitz.h>
#include <math.h>
#include <string.h>

#define MAX_PIXELS 40e6

static void quiet(void *user, const char *msg)
{
	(void)user;
	dft_log("mupdf: %s", msg);
}

int dft_render_page_png(const char *path, const char *mime_in, int page, double scale_in, dft_buf *png)
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
		stm = fz_open_file(ctx, path);
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
		unsigned char *data;
		size_t n = fz_buffer_storage(ctx, buf, &data);
		rc = dft_buf_add(png, data, n);
	}
	fz_drop_buffer(ctx, buf);
	fz_drop_pixmap(ctx, pix);
	fz_drop_page(ctx, pg);
	fz_drop_document(ctx, doc);
	fz_drop_stream(ctx, stm);
	fz_drop_context(ctx);
	return rc;
}
