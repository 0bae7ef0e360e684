/*
 * compare_tlsh.cc - a C shim over libtlsh (Debian libtlsh-dev, C++ only)
 * for bench/dedup/compare.c: hash a buffer into an opaque Tlsh object and
 * diff two of them. Not part of daftar; built by bench/dedup/compare.sh.
 */
#include <tlsh.h>
#include <stddef.h>
#include <string.h>

extern "C" {
void *cmp_tlsh_new(const unsigned char *buf, size_t len);
int cmp_tlsh_diff(const void *a, const void *b);
void cmp_tlsh_free(void *t);
const char *cmp_tlsh_version(void);
}

/* NULL when TLSH cannot hash the text (too short or too little variety). */
void *cmp_tlsh_new(const unsigned char *buf, size_t len)
{
	Tlsh *t = new Tlsh();
	const char *h;
	if (len > 0xffffffffu)
		len = 0xffffffffu;
	t->update(buf, (unsigned int)len);
	t->final();
	h = t->getHash();
	if (!h || !h[0]) {
		delete t;
		return NULL;
	}
	return t;
}

/* TLSH distance (0: same; larger: more different), length included. */
int cmp_tlsh_diff(const void *a, const void *b)
{
	return static_cast<const Tlsh *>(a)->totalDiff(static_cast<const Tlsh *>(b), true);
}

void cmp_tlsh_free(void *t)
{
	delete static_cast<Tlsh *>(t);
}

const char *cmp_tlsh_version(void)
{
	return Tlsh::version();
}
