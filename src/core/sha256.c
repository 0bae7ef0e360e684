/*
 * sha256.c - SHA-256 through OpenSSL's EVP interface, which uses the CPU's
 * SHA extensions where present: hashing every original must not be the
 * bottleneck of ingest (see docs/BENCHMARKS.md for the floor, sha256sum).
 */
#include "daftar/core.h"

#include <openssl/evp.h>

int dft_sha256_init(dft_sha256 *s)
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(md);
		s->md = NULL;
		return dft_error_set(DFT_ENOMEM, "cannot start SHA-256");
	}
	s->md = md;
	return 0;
}

int dft_sha256_update(dft_sha256 *s, const void *data, size_t len)
{
	if (len && EVP_DigestUpdate((EVP_MD_CTX *)s->md, data, len) != 1)
		return dft_error_set(DFT_ERROR, "SHA-256 update failed");
	return 0;
}

int dft_sha256_final(dft_sha256 *s, char hex[DFT_SHA256_HEX])
{
	static const char digits[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	int ok = EVP_DigestFinal_ex((EVP_MD_CTX *)s->md, md, &n) == 1;
	dft_sha256_dispose(s);
	if (!ok || n != 32)
		return dft_error_set(DFT_ERROR, "SHA-256 final failed");
	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[64] = '\0';
	return 0;
}

void dft_sha256_dispose(dft_sha256 *s)
{
	EVP_MD_CTX_free((EVP_MD_CTX *)s->md);
	s->md = NULL;
}

int dft_sha256_hex(char hex[DFT_SHA256_HEX], const void *data, size_t len)
{
	dft_sha256 s;
	int rc;
	if ((rc = dft_sha256_init(&s)) < 0)
		return rc;
	if ((rc = dft_sha256_update(&s, data, len)) < 0) {
		dft_sha256_dispose(&s);
		return rc;
	}
	return dft_sha256_final(&s, hex);
}
