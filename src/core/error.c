/*
 * error.c - the one error convention: a negative DFT_E* code returned up the
 * stack, and a thread-local message that callers enrich with context.
 */
#include "daftar/core.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char err_msg[1024];
static _Thread_local int err_code;

int dft_error_set(int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	err_code = code;
	return code;
}

int dft_error_prefix(const char *fmt, ...)
{
	char prefix[512], old[sizeof(err_msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err_msg, sizeof(old));
	{
		/* prefix + ": " + old, cut to fit */
		size_t pl = strlen(prefix), ol = strlen(old), cap = sizeof(err_msg) - 1;
		if (pl > cap)
			pl = cap;
		memcpy(err_msg, prefix, pl);
		if (pl + 2 <= cap) {
			memcpy(err_msg + pl, ": ", 2);
			pl += 2;
		}
		if (ol > cap - pl)
			ol = cap - pl;
		memcpy(err_msg + pl, old, ol);
		err_msg[pl + ol] = '\0';
	}
	return err_code ? err_code : DFT_ERROR;
}

const char *dft_error_msg(void) { return err_msg; }
int dft_error_code(void) { return err_code; }

void dft_error_clear(void)
{
	err_msg[0] = '\0';
	err_code = 0;
}
