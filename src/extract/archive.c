/*
 * archive.c - the archive extractor. Reads zip, 7z, tar, cpio, rar, iso,
 * cab, ar, lha, xar and warc archives, and lone compressed files (x.txt.gz,
 * .bz2, .xz, .zst, .lz4, .lzma, .lz, .Z), with libarchive, and hands every
 * regular member to the sink as a child document. The archive's own text is
 * the list of its member names, one a line, so that a search for a file name
 * finds the archive that holds it; meta "members" counts those lines and
 * "format" is libarchive's name for the format.
 *
 * It runs inside the sandboxed worker, so it opens no file, starts no
 * program and writes nothing to disk:
 *  - filters are registered one by one, and only those libarchive decodes
 *    itself: a filter it would run as an external program (lrzip, grzip,
 *    and gzip, xz ... when built without their library) is left out;
 *  - formats are those of archive_read_support_format_all() except mtree,
 *    whose reader opens the files a manifest names;
 *  - a member's name is only a label for the child: "../../etc/passwd" and
 *    "/etc/passwd" stay as they are so a reviewer sees the hostile name.
 *
 * A member whose bytes cannot all be read must not become a document. So
 * every member is first read into memory, up to ARC_BUFFER_MAX (64 MiB):
 * one that ends within that is given to the sink only once it is whole,
 * and if its read fails it is reported with child_failed() instead
 * ("encrypted", "truncated: ...", a limit hit such as a zip bomb). Whatever
 * declared size a header gives, this decides: a member that goes on past
 * 64 MiB is begun then and streamed to the sink as it is read; if that read
 * fails midway, the extractor notes it and fails the whole archive, and the
 * caller must drop the open child (child_begin() without child_end()).
 * Since ratio_floor (32 MiB by default) is below 64 MiB, a bomb is caught
 * while its first member is still in the buffer.
 *
 * Limits (dft_limits; a field left 0 takes its dft_limits_default() value)
 * are checked on the bytes actually decoded, not on declared sizes, which
 * an archive can fake: more than max_members entries, a member beyond
 * max_member_size, all members beyond max_expanded, or, once more than
 * ratio_floor bytes have been expanded, more than max_ratio bytes out per
 * compressed byte read (a zip bomb) stop the archive with DFT_ELIMIT.
 * Members delivered before the stop stay: they are complete.
 */
#include "daftar/extract.h"

#include <archive.h>
#include <archive_entry.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ARC_CHUNK ((size_t)64 << 10)       /* bytes read from libarchive at a time */
#define ARC_BUFFER_MAX ((size_t)64 << 20)  /* members up to this are read whole first */
#define ARC_NAME_MAX ((size_t)4096)        /* bytes of a member's label */
#define ARC_MAX_RETRIES 16                 /* ARCHIVE_RETRY from one header read */

typedef struct arc {
	dft_sink *sink;
	const dft_input *in;
	dft_limits lim;
	struct archive *a;
	struct archive_entry *entry;
	unsigned char *chunk; /* ARC_CHUNK bytes */
	dft_buf name;         /* the current member's label */
	dft_buf member;       /* the current member's bytes, while buffered */
	dft_buf tmp;          /* scratch */
	uint64_t entries;     /* headers read */
	uint64_t members;     /* entries named in the listing ("./" is not) */
	uint64_t listed;      /* lines the listing did take before max_text */
	uint64_t listed_bytes;
	uint64_t expanded;    /* decoded bytes of all members */
	int listing_cut;
	int fault;            /* the error is the archive's, not the sink's */
	char format[64];
} arc;

/* Record an error that is the archive's fault (bad data, a limit) rather
 * than the sink's, so that the listing's meta still goes out. */
static int arc_fail(arc *x, int code, const char *fmt, ...) DFT_PRINTF(3, 4);
static int arc_fail(arc *x, int code, const char *fmt, ...)
{
	char msg[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->fault = 1;
	return dft_error_set(code, "%s", msg);
}

static const char *arc_errmsg(arc *x)
{
	const char *m = archive_error_string(x->a);
	return m && *m ? m : "unknown libarchive error";
}

static int arc_is_encryption_msg(const char *m)
{
	return strcasestr(m, "encrypt") || strcasestr(m, "passphrase") ||
	       strcasestr(m, "password");
}

/* "8 GiB", "1.5 MiB", "300 bytes" */
static void arc_size_str(char out[32], uint64_t n)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
	uint64_t unit = 1024;
	int u = 0;
	if (n < 1024) {
		snprintf(out, 32, "%" PRIu64 " bytes", n);
		return;
	}
	while (u < 4 && n / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	if (n % unit == 0)
		snprintf(out, 32, "%" PRIu64 " %s", n / unit, units[u]);
	else
		snprintf(out, 32, "%.1f %s", (double)n / (double)unit, units[u]);
}

/* ---- opening ------------------------------------------------------------- */

typedef int (*arc_support_fn)(struct archive *);

/* Does libarchive decode this filter itself? It answers ARCHIVE_WARN
 * ("Using external gzip program") when it would exec a program instead,
 * so ask a scratch handle, where registering it costs nothing. */
static int arc_filter_builtin(arc_support_fn fn)
{
	struct archive *probe = archive_read_new();
	int r;
	if (!probe)
		return 0;
	r = fn(probe);
	archive_read_free(probe);
	return r == ARCHIVE_OK;
}

static int arc_open(arc *x)
{
	static const arc_support_fn filters[] = {
		archive_read_support_filter_bzip2, archive_read_support_filter_compress,
		archive_read_support_filter_gzip,  archive_read_support_filter_lzip,
		archive_read_support_filter_lzma,  archive_read_support_filter_xz,
		archive_read_support_filter_uu,    archive_read_support_filter_rpm,
		archive_read_support_filter_lrzip, archive_read_support_filter_lzop,
		archive_read_support_filter_grzip, archive_read_support_filter_lz4,
		archive_read_support_filter_zstd,  NULL,
	};
	/* archive_read_support_format_all() without mtree (it opens files) */
	static const arc_support_fn formats[] = {
		archive_read_support_format_ar,   archive_read_support_format_cpio,
		archive_read_support_format_empty, archive_read_support_format_lha,
		archive_read_support_format_tar,  archive_read_support_format_xar,
		archive_read_support_format_warc, archive_read_support_format_7zip,
		archive_read_support_format_cab,  archive_read_support_format_rar,
		archive_read_support_format_rar5, archive_read_support_format_iso9660,
		archive_read_support_format_zip,
		/* last resort: a lone compressed file is one member, "data" */
		archive_read_support_format_raw,  NULL,
	};
	size_t i;
	int r;

	x->a = archive_read_new();
	if (!x->a)
		return dft_error_set(DFT_ENOMEM, "out of memory creating an archive reader");
	for (i = 0; filters[i]; i++)
		if (arc_filter_builtin(filters[i]) && filters[i](x->a) != ARCHIVE_OK)
			return dft_error_set(DFT_ERROR, "libarchive: %s", arc_errmsg(x));
	for (i = 0; formats[i]; i++)
		if (formats[i](x->a) < ARCHIVE_WARN)
			return dft_error_set(DFT_ERROR, "libarchive: %s", arc_errmsg(x));

	if (x->in->data)
		r = archive_read_open_memory(x->a, x->in->data, (size_t)x->in->size);
	else
		r = archive_read_open_fd(x->a, x->in->fd, ARC_CHUNK);
	if (r < ARCHIVE_WARN)
		return arc_fail(x, DFT_ECORRUPT, "not a readable archive: %s", arc_errmsg(x));
	return 0;
}

/* ---- member names -------------------------------------------------------- */

/* The child's name for a lone compressed file: the document's basename
 * without its compression suffix ("notes.txt.gz" -> "notes.txt"). */
static int arc_raw_label(arc *x)
{
	static const char *const suffixes[][2] = {
		{".gz", ""},  {".bz2", ""}, {".xz", ""},   {".zst", ""},    {".lz4", ""},
		{".lzma", ""}, {".lz", ""}, {".Z", ""},    {".bz", ""},     {".zstd", ""},
		{".tgz", ".tar"}, {".tbz2", ".tar"}, {".tbz", ".tar"}, {".txz", ".tar"},
		{".tzst", ".tar"}, {NULL, NULL},
	};
	const char *base = x->in->name, *slash;
	size_t len, i;
	if (!base || !*base)
		return dft_buf_adds(&x->tmp, "data");
	if ((slash = strrchr(base, '/')) != NULL)
		base = slash + 1;
	len = strlen(base);
	for (i = 0; suffixes[i][0]; i++) {
		size_t sl = strlen(suffixes[i][0]);
		if (len > sl && strcasecmp(base + len - sl, suffixes[i][0]) == 0) {
			int rc = dft_buf_add(&x->tmp, base, len - sl);
			return rc < 0 ? rc : dft_buf_adds(&x->tmp, suffixes[i][1]);
		}
	}
	return dft_buf_add(&x->tmp, base, len);
}

/* Append s to out as a label: valid UTF-8 (invalid bytes become U+FFFD),
 * control characters (a newline would split the listing, an escape could
 * drive a reviewer's terminal) become U+FFFD too, cut at ARC_NAME_MAX. */
static int arc_clean_label(dft_buf *out, dft_buf *tmp, const char *s, size_t n)
{
	const unsigned char *p;
	size_t i, run = 0;
	int rc;
	dft_buf_reset(tmp);
	if ((rc = dft_utf8_sanitize(tmp, s, n, NULL)) < 0)
		return rc;
	p = (const unsigned char *)dft_buf_cstr(tmp);
	n = tmp->len;
	if (n > ARC_NAME_MAX) {
		n = ARC_NAME_MAX;
		while (n > 0 && (p[n] & 0xC0) == 0x80) /* not inside a sequence */
			n--;
	}
	for (i = 0; i < n; i++) {
		if (p[i] >= 0x20 && p[i] != 0x7f)
			continue;
		if ((rc = dft_buf_add(out, p + run, i - run)) < 0 ||
		    (rc = dft_buf_add(out, "\xEF\xBF\xBD", 3)) < 0)
			return rc;
		run = i + 1;
	}
	if ((rc = dft_buf_add(out, p + run, n - run)) < 0)
		return rc;
	if (n < tmp->len)
		rc = dft_buf_adds(out, "...");
	return rc;
}

/* The current entry's label in x->name: UTF-8, "./" prefixes dropped,
 * otherwise as the archive gives it ("" when nothing is left). */
static int arc_label(arc *x)
{
	const char *s;
	int rc;
	dft_buf_reset(&x->name);
	dft_buf_reset(&x->tmp);
	if (archive_format(x->a) == ARCHIVE_FORMAT_RAW) {
		if ((rc = arc_raw_label(x)) < 0)
			return rc;
		s = dft_buf_cstr(&x->tmp);
	} else {
		s = archive_entry_pathname_utf8(x->entry);
		if (!s)
			s = archive_entry_pathname(x->entry);
		if (!s)
			s = "";
	}
	while (s[0] == '.' && s[1] == '/') {
		s += 2;
		while (*s == '/')
			s++;
	}
	if (strcmp(s, ".") == 0)
		s = "";
	/* s may point into x->tmp, which arc_clean_label reuses: copy first */
	{
		char *copy = dft_strdup(s);
		if (!copy)
			return DFT_ENOMEM;
		rc = arc_clean_label(&x->name, &x->tmp, copy, strlen(copy));
		free(copy);
	}
	return rc;
}

/* "symlink a -> b not followed" */
static int arc_link_note(arc *x, const char *kind, const char *target)
{
	dft_buf msg;
	int rc;
	dft_buf_init(&msg, 0);
	if ((rc = dft_buf_addf(&msg, "%s %s -> ", kind, dft_buf_cstr(&x->name))) < 0 ||
	    (rc = arc_clean_label(&msg, &x->tmp, target ? target : "", target ? strlen(target) : 0)) < 0 ||
	    (rc = dft_buf_adds(&msg, " not followed")) < 0)
		goto done;
	rc = x->sink->note(x->sink, dft_buf_cstr(&msg));
done:
	dft_buf_dispose(&msg);
	return rc;
}

/* One line of the archive's text; past max_text the listing stops, with a
 * note saying so (the members are still read). */
static int arc_list(arc *x, const char *label)
{
	size_t len = strlen(label);
	int rc;
	if (x->listing_cut)
		return 0;
	if (x->listed_bytes + len + 1 > x->lim.max_text) {
		char lim[32];
		x->listing_cut = 1;
		arc_size_str(lim, x->lim.max_text);
		dft_buf_reset(&x->tmp);
		if ((rc = dft_buf_addf(&x->tmp, "member listing stops after %" PRIu64
				       " names: the text limit of %s is reached", x->listed, lim)) < 0)
			return rc;
		return x->sink->note(x->sink, dft_buf_cstr(&x->tmp));
	}
	if ((rc = x->sink->text(x->sink, label, len)) < 0 || (rc = x->sink->text(x->sink, "\n", 1)) < 0)
		return rc;
	x->listed++;
	x->listed_bytes += len + 1;
	return 0;
}

/* ---- members ------------------------------------------------------------- */

/* After `got` bytes of the current member: is a limit passed? */
static int arc_check_limits(arc *x, uint64_t got)
{
	char s1[32], s2[32];
	if (got > x->lim.max_member_size) {
		arc_size_str(s1, x->lim.max_member_size);
		return arc_fail(x, DFT_ELIMIT, "member %s expands beyond %s: stopped",
				dft_buf_cstr(&x->name), s1);
	}
	if (x->expanded > x->lim.max_expanded) {
		arc_size_str(s1, x->lim.max_expanded);
		return arc_fail(x, DFT_ELIMIT, "archive expands beyond %s: stopped", s1);
	}
	if (x->expanded > x->lim.ratio_floor) {
		la_int64_t in = archive_filter_bytes(x->a, -1);
		double ratio = (double)x->expanded / (double)(in > 0 ? in : 1);
		if (ratio > x->lim.max_ratio) {
			arc_size_str(s1, x->expanded);
			arc_size_str(s2, in > 0 ? (uint64_t)in : 0);
			return arc_fail(x, DFT_ELIMIT,
					"zip bomb: expands %.0f:1 (%s from %s of compressed input), "
					"beyond the %.0f:1 limit: stopped",
					ratio, s1, s2, x->lim.max_ratio);
		}
	}
	return 0;
}

/* A member that could not be delivered: tell the sink, keep the archive's
 * error (code, message) as it was. */
static int arc_member_failed(arc *x, int64_t size, const char *reason, int code)
{
	char saved[1024], why[1024];
	int rc;
	snprintf(saved, sizeof(saved), "%s", dft_error_msg());
	snprintf(why, sizeof(why), "%s", reason); /* may be dft_error_msg() itself */
	if ((rc = x->sink->child_failed(x->sink, dft_buf_cstr(&x->name), size, why)) < 0)
		return rc;
	return code < 0 ? dft_error_set(code, "%s", saved) : 0;
}

/* A streamed member failed after child_begin(): note it and fail the
 * archive; the open child is the caller's to drop. */
static int arc_stream_failed(arc *x, uint64_t got, int code)
{
	char saved[1024];
	int rc;
	snprintf(saved, sizeof(saved), "%s", dft_error_msg());
	dft_buf_reset(&x->tmp);
	if ((rc = dft_buf_addf(&x->tmp, "member %s failed after %" PRIu64
			       " bytes (%s); its partial bytes are not a document",
			       dft_buf_cstr(&x->name), got, saved)) < 0 ||
	    (rc = x->sink->note(x->sink, dft_buf_cstr(&x->tmp))) < 0)
		return rc;
	return dft_error_set(code, "%s", saved);
}

static int arc_begin(arc *x, int64_t size)
{
	int64_t mtime = archive_entry_mtime_is_set(x->entry) ? (int64_t)archive_entry_mtime(x->entry) : 0;
	return x->sink->child_begin(x->sink, dft_buf_cstr(&x->name), size, mtime);
}

/* Read the current regular member and deliver it (see the top comment for
 * when it is buffered and when streamed). 0 to go on with the next member,
 * or the archive's error. */
static int arc_member(arc *x)
{
	int64_t declared = archive_entry_size_is_set(x->entry) ? (int64_t)archive_entry_size(x->entry) : -1;
	int streaming = 0;
	uint64_t got = 0;
	char reason[1024];
	int rc;

	if (archive_entry_is_encrypted(x->entry))
		return arc_member_failed(x, declared, "encrypted", 0);
	if (declared > 0 && (uint64_t)declared > x->lim.max_member_size) {
		char lim[32];
		arc_size_str(lim, x->lim.max_member_size);
		arc_fail(x, DFT_ELIMIT, "member %s declares %" PRId64 " bytes, beyond %s: stopped",
			 dft_buf_cstr(&x->name), declared, lim);
		return arc_member_failed(x, declared, dft_error_msg(), DFT_ELIMIT);
	}

	dft_buf_reset(&x->member);
	for (;;) {
		la_ssize_t n = archive_read_data(x->a, x->chunk, ARC_CHUNK);
		if (n == 0)
			break;
		if (n < 0) {
			const char *m = arc_errmsg(x);
			int fatal = n == ARCHIVE_FATAL;
			if (arc_is_encryption_msg(m) && !streaming) {
				rc = arc_member_failed(x, declared, "encrypted", 0);
				if (rc < 0 || !fatal)
					return rc;
				return arc_fail(x, DFT_ECORRUPT, "truncated archive: %s", m);
			}
			snprintf(reason, sizeof(reason), "%s: %s", fatal ? "truncated" : "corrupt", m);
			if (!fatal && !streaming)
				/* a damaged member that libarchive can step over (bad
				 * CRC, unsupported method) fails alone */
				return arc_member_failed(x, declared, reason, 0);
			if (fatal)
				arc_fail(x, DFT_ECORRUPT, "truncated archive: %s", m);
			else
				arc_fail(x, DFT_ECORRUPT, "corrupt member %s: %s", dft_buf_cstr(&x->name), m);
			if (streaming)
				return arc_stream_failed(x, got, DFT_ECORRUPT);
			return arc_member_failed(x, declared, reason, DFT_ECORRUPT);
		}
		got += (uint64_t)n;
		x->expanded += (uint64_t)n;
		if ((rc = arc_check_limits(x, got)) < 0) {
			if (streaming)
				return arc_stream_failed(x, got, rc);
			return arc_member_failed(x, declared, dft_error_msg(), rc);
		}
		if (!streaming && x->member.len + (size_t)n > ARC_BUFFER_MAX) {
			/* past the buffer: the sink gets what came so far and
			 * the rest as it is read */
			streaming = 1;
			if ((rc = arc_begin(x, declared)) < 0 ||
			    (rc = x->sink->child_data(x->sink, x->member.ptr, x->member.len)) < 0)
				return rc;
			dft_buf_reset(&x->member);
		}
		if (streaming)
			rc = x->sink->child_data(x->sink, x->chunk, (size_t)n);
		else
			rc = dft_buf_add(&x->member, x->chunk, (size_t)n);
		if (rc < 0)
			return rc;
	}
	if (!streaming) {
		if ((rc = arc_begin(x, (int64_t)x->member.len)) < 0)
			return rc;
		if (x->member.len && (rc = x->sink->child_data(x->sink, x->member.ptr, x->member.len)) < 0)
			return rc;
	}
	return x->sink->child_end(x->sink);
}

/* One header's entry: list it, deliver it if it is a regular file. */
static int arc_entry(arc *x)
{
	mode_t type = archive_entry_filetype(x->entry);
	const char *link;
	int rc;

	if ((rc = arc_label(x)) < 0)
		return rc;
	if (x->name.len == 0) {
		if (type == AE_IFDIR)
			return 0; /* "./": the archive's root, not a member */
		dft_buf_reset(&x->name);
		if ((rc = dft_buf_addf(&x->name, "unnamed-%" PRIu64, x->entries)) < 0)
			return rc;
	}
	x->members++;
	if ((rc = arc_list(x, dft_buf_cstr(&x->name))) < 0)
		return rc;

	if ((link = archive_entry_hardlink_utf8(x->entry)) != NULL ||
	    (link = archive_entry_hardlink(x->entry)) != NULL)
		return arc_link_note(x, "hardlink", link);
	if (type == AE_IFLNK) {
		link = archive_entry_symlink_utf8(x->entry);
		if (!link)
			link = archive_entry_symlink(x->entry);
		return arc_link_note(x, "symlink", link);
	}
	/* 0: a format that does not say; read it as a file */
	if (type == AE_IFREG || type == 0)
		return arc_member(x);
	return 0; /* directories, devices, fifos, sockets: nothing to read */
}

static int arc_meta(arc *x)
{
	char num[32];
	int rc;
	snprintf(num, sizeof(num), "%" PRIu64, x->members);
	if (!x->format[0] && archive_format_name(x->a))
		snprintf(x->format, sizeof(x->format), "%s", archive_format_name(x->a));
	if ((rc = x->sink->meta(x->sink, "members", num)) < 0)
		return rc;
	if (x->format[0] && (rc = x->sink->meta(x->sink, "format", x->format)) < 0)
		return rc;
	if (archive_filter_count(x->a) > 1 && archive_filter_code(x->a, 0) != ARCHIVE_FILTER_NONE)
		rc = x->sink->meta(x->sink, "compression", archive_filter_name(x->a, 0));
	return rc;
}

int dft_extract_archive(dft_sink *sink, const dft_input *in)
{
	arc x;
	int rc = 0, retries = 0;

	memset(&x, 0, sizeof(x));
	x.sink = sink;
	x.in = in;
	dft_limits_default(&x.lim);
	if (in->limits) {
		const dft_limits *l = in->limits;
		if (l->max_text)
			x.lim.max_text = l->max_text;
		if (l->max_members)
			x.lim.max_members = l->max_members;
		if (l->max_member_size)
			x.lim.max_member_size = l->max_member_size;
		if (l->max_expanded)
			x.lim.max_expanded = l->max_expanded;
		if (l->max_ratio > 0)
			x.lim.max_ratio = l->max_ratio;
		if (l->ratio_floor)
			x.lim.ratio_floor = l->ratio_floor;
	}
	dft_buf_init(&x.name, 0);
	dft_buf_init(&x.member, ARC_BUFFER_MAX);
	dft_buf_init(&x.tmp, 0);
	if (!in->data && in->fd < 0) {
		rc = dft_error_set(DFT_EINVAL, "archive: no data and no file descriptor");
		goto done;
	}
	if (!(x.chunk = dft_malloc(ARC_CHUNK))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	if ((rc = arc_open(&x)) < 0)
		goto done;

	for (;;) {
		int r = archive_read_next_header(x.a, &x.entry);
		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_RETRY && ++retries <= ARC_MAX_RETRIES)
			continue;
		if (r < ARCHIVE_WARN) { /* FAILED, FATAL, or RETRY too often */
			const char *m = arc_errmsg(&x);
			if (arc_is_encryption_msg(m))
				rc = arc_fail(&x, DFT_EENCRYPTED, "encrypted archive: %s", m);
			else if (x.entries == 0)
				rc = arc_fail(&x, DFT_ECORRUPT, "not a readable archive: %s", m);
			else
				rc = arc_fail(&x, DFT_ECORRUPT, "truncated archive: %s", m);
			goto done;
		}
		/* ARCHIVE_WARN is mostly "name cannot be converted": read on */
		retries = 0;
		if (x.entries == 0) {
			/* the raw format takes anything: only a decompressed
			 * stream is a member, plain unknown bytes are not */
			if (archive_format(x.a) == ARCHIVE_FORMAT_RAW &&
			    archive_filter_code(x.a, 0) == ARCHIVE_FILTER_NONE) {
				rc = arc_fail(&x, DFT_ECORRUPT, "not a readable archive: "
					      "no archive format or compression recognised");
				goto done;
			}
			/* zip names each entry's method ("ZIP 1.0 (uncompressed)"
			 * for a directory): the archive's format is just "ZIP" */
			if ((archive_format(x.a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_ZIP)
				snprintf(x.format, sizeof(x.format), "ZIP");
			else
				snprintf(x.format, sizeof(x.format), "%s",
					 archive_format_name(x.a) ? archive_format_name(x.a) : "unknown");
		}
		if (++x.entries > x.lim.max_members) {
			rc = arc_fail(&x, DFT_ELIMIT, "archive has more than %" PRIu64 " members: stopped",
				      x.lim.max_members);
			goto done;
		}
		if ((rc = arc_entry(&x)) < 0)
			goto done;
	}

done:
	/* the listing so far goes out with the archive's own error too (a
	 * truncated archive stays findable by the names it did show), but
	 * not after a failing sink or a setup error */
	if (x.a && (rc == 0 || x.fault)) {
		char saved[1024];
		int r2;
		snprintf(saved, sizeof(saved), "%s", dft_error_msg());
		if ((r2 = arc_meta(&x)) < 0)
			rc = r2;
		else if (rc < 0)
			dft_error_set(rc, "%s", saved);
	}
	if (x.a)
		archive_read_free(x.a);
	free(x.chunk);
	dft_buf_dispose(&x.name);
	dft_buf_dispose(&x.member);
	dft_buf_dispose(&x.tmp);
	return rc;
}
