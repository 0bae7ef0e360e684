/*
 * annotate.c - tags and notes on documents (findings.h), the one
 * implementation the command line (`daftar tag|untag|note`) and the
 * workbench (POST /api/docs/ID/tags, /notes) both call. The rules live
 * here: what a tag or a note may hold; the SQL and the custody entries
 * (tagged, untagged, noted) in src/store/annotations_store.c.
 *
 * The workbench calls these with a DFT_STORE_SHARED store while an ingest
 * may be running: each change is one short transaction of its own.
 */
#include "daftar/findings.h"

#include <string.h>

static int tag_ok(const char *tag)
{
	size_t n = tag ? strlen(tag) : 0, i;
	if (n < 1 || n > 64 || !dft_utf8_valid(tag, n))
		return dft_error_set(DFT_EINVAL, "a tag is 1 to 64 bytes of UTF-8");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)tag[i];
		/* C0, DEL, and C1 (U+0080-U+009F: C2 80-9F) */
		if (c < 0x20 || c == 0x7F || (c == 0xC2 && i + 1 < n && (unsigned char)tag[i + 1] < 0xA0))
			return dft_error_set(DFT_EINVAL, "a tag cannot hold control characters");
	}
	return 0;
}

int dft_tag_add(dft_store *st, int64_t doc, const char *tag, const char *user)
{
	char at[32];
	int rc;
	if ((rc = tag_ok(tag)) < 0)
		return rc;
	dft_utc_iso(at);
	rc = dft_store_tag_put(st, doc, tag, user, at);
	return rc == DFT_EEXISTS ? 0 : rc; /* already there: nothing to do */
}

int dft_tag_remove(dft_store *st, int64_t doc, const char *tag, const char *user)
{
	char at[32];
	int rc;
	if ((rc = tag_ok(tag)) < 0)
		return rc;
	dft_utc_iso(at);
	return dft_store_tag_delete(st, doc, tag, user, at);
}

int dft_note_add(dft_store *st, int64_t doc, const char *text, const char *user)
{
	char at[32];
	size_t n = text ? strlen(text) : 0, i;
	int blank = 1;
	if (n < 1 || n > 65536 || !dft_utf8_valid(text, n))
		return dft_error_set(DFT_EINVAL, "a note is 1 byte to 64 KiB of UTF-8");
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		if ((c < 0x20 && c != '\n' && c != '\t' && c != '\r') || c == 0x7F)
			return dft_error_set(DFT_EINVAL, "a note cannot hold control characters");
		if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
			blank = 0;
	}
	if (blank)
		return dft_error_set(DFT_EINVAL, "a note cannot be blank");
	dft_utc_iso(at);
	return dft_store_note_put(st, doc, text, user, at, NULL);
}
