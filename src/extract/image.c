/*
 * image.c - images: metadata and OCR. Not built yet (issue #4); until it
 * is, images fail with "unsupported type" and their bytes are kept.
 */
#include "daftar/extract.h"


int dft_extract_image(dft_sink *sink, const dft_input *in)
{
	(void)sink;
	return dft_error_set(DFT_EINVAL, "unsupported type (%s): images are not read yet", in->mime ? in->mime : "unknown");
}
