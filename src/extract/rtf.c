/*
 * rtf.c - RTF files extraction: not built yet (issue #4); until it is, these
 * documents fail with "unsupported type" and their bytes are kept.
 */
#include "daftar/extract.h"

int dft_extract_rtf(dft_sink *sink, const dft_input *in)
{
	(void)sink;
	return dft_error_set(DFT_EINVAL, "unsupported type (%s): RTF files are not read yet", in->mime ? in->mime : "unknown");
}
