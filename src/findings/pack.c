/* pack.c - the evidence pack (being written) */
#include "daftar/findings.h"

int dft_pack_write(dft_store *st, const char *path, const dft_pack_opts *o, dft_pack_result *r)
{
	return dft_error_set(DFT_ERROR, "not yet");
}

int dft_pack_verify(const char *path,
		    int (*problem)(void *ctx, const char *kind, const char *where, const char *detail), void *ctx,
		    dft_pack_check *out)
{
	return dft_error_set(DFT_ERROR, "not yet");
}
