/*
 * email.c - e-mail (.eml) and mailboxes (mbox). Not built yet (issue #4);
 * until it is, they fail with "unsupported type" and their bytes are kept.
 */
#include "daftar/extract.h"

int dft_extract_email(dft_sink *sink, const dft_input *in)
{
	(void)sink;
	return dft_error_set(DFT_EINVAL, "unsupported type (%s): e-mail is not read yet", in->mime ? in->mime : "unknown");
}

int dft_extract_mbox(dft_sink *sink, const dft_input *in)
{
	(void)sink;
	return dft_error_set(DFT_EINVAL, "unsupported type (%s): mailboxes are not read yet", in->mime ? in->mime : "unknown");
}
