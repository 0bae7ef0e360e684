/*
 * server.h - `daftar serve`: the workbench's HTTP API (docs/API.md) and its
 * static files, on libmicrohttpd (src/server/http.c, routes.c, render.c).
 */
#ifndef DAFTAR_SERVER_H
#define DAFTAR_SERVER_H

#include "daftar/core.h"
#include <stdint.h>

typedef struct dft_server dft_server;

typedef struct dft_server_opts {
	const char *case_dir;
	const char *listen;  /* "ADDR:PORT" or "[v6]:PORT"; NULL: 127.0.0.1:8080 */
	const char *web_dir; /* NULL: $DAFTAR_WEB, else beside the executable */
	int threads;         /* 0: 4 */
} dft_server_opts;

/* Check the case, bind and start serving (threads of its own). A case
 * without users is served on a loopback address only (DFT_EINVAL else). */
int dft_server_start(dft_server **out, const dft_server_opts *o);
/* "http://127.0.0.1:8080/" as bound; whether the case has users. */
const char *dft_server_url(const dft_server *s);
int dft_server_has_users(const dft_server *s);
const char *dft_server_web_dir(const dft_server *s);
/* Stop accepting, finish the requests in flight, write what the audit log
 * still holds, free. */
void dft_server_stop(dft_server *s);

/* Render page `page` (1-based) of a PDF or an image's bytes as PNG
 * (render.c). DFT_ENOTFOUND past the last page. */
int dft_render_page_png(int fd, const char *mime, int page, double scale, dft_buf *png);

#endif
