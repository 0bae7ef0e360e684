/*
 * patterns.c - the entities stage's pattern scanner: e-mail, URL, domain,
 * phone, IBAN, payment card, crypto address, IP, coordinates, money and
 * labelled document numbers (include/daftar/entities.h, "patterns").
 *
 * Each kind is one PCRE2 pattern, compiled once (JIT when the platform has
 * it) and run over the whole text; a pattern only proposes a span, C code
 * decides: checksums (mod-97, Luhn, base58check, bech32, EIP-55), ranges,
 * digit counts, the words around. Candidates of all kinds are then put in
 * text order and overlaps resolved (the more specific kind wins, then the
 * longer span), and the survivors reported. docs/ENTITIES-PATTERNS.md says
 * what is matched, how values are normalised and what is left out on purpose.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "daftar/entities.h"

#include <arpa/inet.h>
#include <openssl/evp.h>
#include <pcre2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Digits in Latin, Arabic-Indic and Extended Arabic-Indic (Persian). */
#define D "[0-9\\x{0660}-\\x{0669}\\x{06F0}-\\x{06F9}]"
#define SP "[ \\t\\x{00A0}\\x{202F}]"
#define NB "(?![\\p{L}\\p{N}])"
#define PB "(?<![\\p{L}\\p{N}])"

enum {
	P_EMAIL,
	P_URL,
	P_DOMAIN,
	P_PHONE,
	P_IBAN,
	P_CARD,
	P_BTC,
	P_BECH32,
	P_ETH,
	P_IPV4,
	P_IPV6,
	P_COORD,
	P_DMS,
	P_MONEY_PRE,
	P_MONEY_POST,
	P_DOCNUM,
	P__COUNT
};

/* Currencies, each alternative marked with its ISO 4217 code (read back with
 * pcre2_get_mark). Longer names first: alternation takes the first that fits. */
#define CUR_PRE                                                                            \
	"(?:US\\$(*MARK:USD)|USD(*MARK:USD)|\\$(*MARK:USD)|€(*MARK:EUR)|EUR(*MARK:EUR)|"  \
	"£(*MARK:GBP)|GBP(*MARK:GBP)|SYP(*MARK:SYP)|IQD(*MARK:IQD)|TRY(*MARK:TRY)|"        \
	"TL(*MARK:TRY)|₺(*MARK:TRY)|SAR(*MARK:SAR)|AED(*MARK:AED)|JOD(*MARK:JOD)|"        \
	"EGP(*MARK:EGP)|LBP(*MARK:LBP)|ل\\.\\s?س\\.?(*MARK:SYP))"
#define AR_MN "[\\x{064B}-\\x{0652}]*"
#define CUR_POST                                                                          \
	"(?:(?-i:USD)(*MARK:USD)|(?-i:US)\\$(*MARK:USD)|\\$(*MARK:USD)|dollars?(*MARK:USD)|"          \
	"(?-i:EUR)(*MARK:EUR)|euros?(*MARK:EUR)|€(*MARK:EUR)|(?-i:GBP)(*MARK:GBP)|£(*MARK:GBP)|"      \
	"pounds?\\s+sterling(*MARK:GBP)|(?-i:SYP)(*MARK:SYP)|(?-i:S\\.P)\\.?(*MARK:SYP)|"              \
	"ل\\.\\s?س\\.?(*MARK:SYP)|لير(?:ة|ات)\\s+سوري(?:ة|ه)(*MARK:SYP)|"                   \
	"لير(?:ة|ات)\\s+تركي(?:ة|ه)(*MARK:TRY)|لير(?:ة|ات)\\s+لبناني(?:ة|ه)(*MARK:LBP)|"    \
	"لير(?:ة|ات)(*MARK:SYP)|(?-i:IQD)(*MARK:IQD)|دينار\\s+[أا]ردني(*MARK:JOD)|"               \
	"(?:دينار|دنانير)(?:\\s+عراقي(?:ة)?)?" AR_MN "(*MARK:IQD)|(?-i:TRY)(*MARK:TRY)|"          \
	"(?-i:TL)(*MARK:TRY)|₺(*MARK:TRY)|(?-i:SAR)(*MARK:SAR)|(?:ريال|ريالات)(?:\\s+سعودي)?" AR_MN    \
	"(*MARK:SAR)|(?-i:AED)(*MARK:AED)|(?:درهم|دراهم)(?:\\s+[إا]ماراتي)?(*MARK:AED)|"         \
	"(?-i:JOD)(*MARK:JOD)|(?-i:EGP)(*MARK:EGP)|جني(?:ه|هات)\\s+[إا]سترليني(*MARK:GBP)|"             \
	"جني(?:ه|هات)(?:\\s+مصري)?(*MARK:EGP)|(?-i:LBP)(*MARK:LBP)|"                              \
	"دولار(?:ات)?(?:\\s+[أا]مريكي)?" AR_MN "(?:ا" AR_MN ")?(*MARK:USD)|يورو(*MARK:EUR))"
/* An amount: grouped thousands (, . ٬ ' space) or plain, then a decimal part. */
#define AMT                                                                               \
	"(" D "{1,3}(?:[,.\\x{066C}'\\x{2019}\\x{00A0}\\x{202F} ]" D "{3}){1,6}(?:[.,\\x{066B}]" D \
	"{1,3})?|" D "+(?:[.,\\x{066B}]" D "{1,3})?)"
#define SCALE                                                                               \
	"(?:" SP "?(million|millions|billion|billions|thousand|milliards?|mille|مليون|ملايين|" \
	"مليار|مليارات|[أا]لف|[آا]لاف)|(m|mn|bn|k))"

static const struct {
	const char *re;
	uint32_t flags;
} pattern_src[P__COUNT] = {
	[P_EMAIL] = {"(?<![A-Za-z0-9_.+%-])[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@"
		     "(?:[\\p{L}\\p{N}](?:[\\p{L}\\p{N}-]{0,61}[\\p{L}\\p{N}])?\\.){1,8}"
		     "(?:[A-Za-z]{2,24}(?![A-Za-z0-9-])|\\p{Arabic}{2,24}(?![\\p{L}\\p{N}-]))",
		     0},
	[P_URL] = {"(?<![A-Za-z0-9@./])(?:(?:https?|ftp)://|www\\.)"
		   "[^\\s<>\"'\\x{00AB}\\x{00BB}\\x{201C}\\x{201D}\\x{200E}\\x{200F}\\x{202A}-"
		   "\\x{202E}\\x{2066}-\\x{2069}]+",
		   PCRE2_CASELESS},
	[P_DOMAIN] = {"(?<![A-Za-z0-9_@.\\-/:])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.){1,8}"
		      "[A-Za-z]{2,13}(?![A-Za-z0-9_\\-@]|\\.[A-Za-z0-9])",
		      0},
	[P_PHONE] = {"(?<![\\p{L}\\p{N}_+\\-/.,:])(?:\\+" SP "?)?(?:\\(" SP "?" D "{1,5}" SP "?\\)" SP
		     "?)?" D "{1,12}(?:(?:" SP "|" SP "?[.\\-\\x{2010}-\\x{2013}]" SP "?)(?:\\(" SP
		     "?" D "{1,5}" SP "?\\)|" D "{1,12})){0,9}(?![\\p{L}\\p{N}_]|[/.,\\-:]" D ")",
		     0},
	[P_IBAN] = {PB "[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,32}", 0},
	[P_CARD] = {"(?<![\\p{L}\\p{N}\\-.,])" D "(?:[ \\-]?" D "){12,18}(?![\\p{L}\\p{N}]|[\\-.,]" D
		    ")",
		    0},
	[P_BTC] = {PB "[13][1-9A-HJ-NP-Za-km-z]{25,34}" NB, 0},
	[P_BECH32] = {PB "(?:bc1[02-9ac-hj-np-z]{8,87}|BC1[02-9AC-HJ-NP-Z]{8,87})" NB, 0},
	[P_ETH] = {PB "0x[0-9a-fA-F]{40}" NB, 0},
	[P_IPV4] = {"(?<![\\p{L}\\p{N}_.\\-])(?:[0-9]{1,3}\\.){3}[0-9]{1,3}(?![\\p{L}\\p{N}_]|\\.[0-9])",
		    0},
	[P_IPV6] = {"(?<![\\p{L}\\p{N}_:.])(?=[0-9A-Fa-f.]*:[0-9A-Fa-f.]*:)[0-9A-Fa-f:.]{3,45}"
		    "(?![\\p{L}\\p{N}_:])",
		    0},
	[P_COORD] = {"(?<![\\p{L}\\p{N}.\\-])(-?[0-9]{1,2}\\.[0-9]{3,8})" SP "?(°)?" SP "?([NSns])?" SP
		     "?[,;]" SP "?(-?[0-9]{1,3}\\.[0-9]{3,8})" SP "?(°)?" SP "?([EWew])?"
		     "(?![\\p{L}\\p{N}]|\\.[0-9])",
		     0},
	[P_DMS] = {"(" D "{1,3})" SP "?°" SP "?(" D "{1,2})" SP "?['′’]" SP "?(?:(" D "{1,2}(?:[.,]" D
		   "{1,3})?)" SP "?(?:[\"″”]|''|′′)" SP "?)?([NSns]|ش|ج)" NB "[\\s,;/]{0,3}(" D
		   "{1,3})" SP "?°" SP "?(" D "{1,2})" SP "?['′’]" SP "?(?:(" D "{1,2}(?:[.,]" D
		   "{1,3})?)" SP "?(?:[\"″”]|''|′′)" SP "?)?([EWew]|ق|غ)" NB,
		   0},
	[P_MONEY_PRE] = {"(?<![\\p{L}\\p{N}])" CUR_PRE SP "?" AMT SCALE "?" NB, 0},
	[P_MONEY_POST] = {"(?<![\\p{L}\\p{N}.,\\x{066B}\\x{066C}])" AMT SCALE "?" SP "?" CUR_POST NB,
			  PCRE2_CASELESS},
	[P_DOCNUM] = {"(?:(?<![\\p{L}])((?:[Rr]ef(?:erence)?\\.?" SP "?(?:[Nn]o\\.?|[Nn]umber|#)?)|"
		      "No\\.|Nr\\.|N°|№|(?:File|Doc(?:ument)?)" SP "?[Nn]o\\.?|"
		      "رقم\\s+(?:الكتاب|القرار|المرجع|الوثيقة|المعاملة|الملف|ال[إا]حالة|البرقية|ال[أا]مر)|"
		      "الرقم\\s+ال[إا]شاري|(الرقم|رقم|العدد|المرجع)))" SP "?([:：#])?" SP "?"
		      /* the reference: letters and digits parted by / - . ; a part
		       * between two separators may be Arabic letters (17/ز/1437,
		       * 77/ب م/1437: the office's code) */
		      "([A-Z0-9\\x{0660}-\\x{0669}\\x{06F0}-\\x{06F9}](?:[A-Za-z0-9\\x{0660}-\\x{0669}"
		      "\\x{06F0}-\\x{06F9}]|[/\\-.](?=[A-Za-z0-9\\x{0660}-\\x{0669}\\x{06F0}-\\x{06F9}])|"
		      SP "?[/\\-]" SP "?\\p{Arabic}{1,4}(?:" SP "\\p{Arabic}{1,3}){0,2}" SP "?[/\\-]" SP "?(?=" D "))"
		      "{1,24})" NB,
		      0},
};

/* Which kind wins an overlap: the more specific. */
static int type_priority(int type)
{
	switch (type) {
	case DFT_ENT_EMAIL: return 100;
	case DFT_ENT_URL: return 90;
	case DFT_ENT_IBAN: return 85;
	case DFT_ENT_CRYPTO: return 82;
	case DFT_ENT_CARD: return 80;
	case DFT_ENT_COORD: return 75;
	case DFT_ENT_IP: return 70;
	case DFT_ENT_MONEY: return 65;
	case DFT_ENT_PHONE: return 60;
	case DFT_ENT_DOCNUM: return 50;
	case DFT_ENT_DOMAIN: return 40;
	default: return 0;
	}
}

typedef struct cand {
	int type;
	size_t start, end;
	size_t voff; /* value's offset in p->vals */
	double score;
	int keep;
} cand;

struct dft_patterns {
	pcre2_code *re[P__COUNT];
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	dft_buf vals;
	cand *c;
	size_t nc, capc;
};

/* ---- small helpers ---------------------------------------------------------- */


static int cp_digit(uint32_t c)
{
	if (c >= '0' && c <= '9')
		return (int)(c - '0');
	if (c >= 0x660 && c <= 0x669)
		return (int)(c - 0x660);
	if (c >= 0x6F0 && c <= 0x6F9)
		return (int)(c - 0x6F0);
	return -1;
}

static int is_alnum_ascii(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int lower_ascii(int c)
{
	return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int add_cand(dft_patterns *p, int type, size_t start, size_t end, const char *val,
		    size_t vlen, double score)
{
	cand *c;
	if (p->nc == p->capc) {
		size_t ncap = p->capc ? p->capc * 2 : 64;
		cand *nc = dft_realloc(p->c, ncap * sizeof *nc);
		if (!nc)
			return DFT_ENOMEM;
		p->c = nc;
		p->capc = ncap;
	}
	c = &p->c[p->nc];
	c->type = type;
	c->start = start;
	c->end = end;
	c->voff = p->vals.len;
	c->score = score;
	c->keep = 0;
	if (dft_buf_add(&p->vals, val, vlen) != 0 || dft_buf_addc(&p->vals, '\0') != 0)
		return dft_error_set(DFT_ELIMIT, "patterns: too many mentions in one text");
	p->nc++;
	return 0;
}

/* Does the text just before `start` (within `win` bytes) contain one of the
 * words (ASCII compared without case)? */
static int preceded_by(const char *text, size_t start, size_t win, const char *const *words)
{
	size_t from = start > win ? start - win : 0;
	char tmp[96];
	size_t n = start - from;
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	from = start - n;
	for (size_t i = 0; i < n; i++)
		tmp[i] = (char)lower_ascii((unsigned char)text[from + i]);
	tmp[n] = '\0';
	for (; *words; words++)
		if (strstr(tmp, *words))
			return 1;
	return 0;
}

/* ---- checksums ------------------------------------------------------------ */

int dft_luhn_valid(const char *digits, size_t len)
{
	int sum = 0, dbl = 0;
	if (!digits || len < 2)
		return 0;
	for (size_t i = len; i-- > 0;) {
		int d = digits[i] - '0';
		if (d < 0 || d > 9)
			return 0;
		if (dbl) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
		dbl = !dbl;
	}
	return sum % 10 == 0;
}

static const struct {
	char cc[3];
	int len;
} iban_lengths[] = {
	{"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16},
	{"BG", 22}, {"BH", 22}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28},
	{"CZ", 24}, {"DE", 22}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24},
	{"FI", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18},
	{"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23},
	{"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
	{"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24},
	{"ME", 22}, {"MK", 19}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NL", 18}, {"NO", 15},
	{"PK", 24}, {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22},
	{"SA", 24}, {"SC", 31}, {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27},
	{"ST", 25}, {"SV", 28}, {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22},
	{"VG", 24}, {"XK", 20},
};

static int iban_length(const char *cc)
{
	for (size_t i = 0; i < sizeof iban_lengths / sizeof iban_lengths[0]; i++)
		if (iban_lengths[i].cc[0] == cc[0] && iban_lengths[i].cc[1] == cc[1])
			return iban_lengths[i].len;
	return 0;
}

int dft_iban_valid(const char *iban, size_t len)
{
	unsigned rem = 0;
	if (!iban || len < 15 || len > 34)
		return 0;
	if (iban_length(iban) != (int)len)
		return 0;
	if (iban[2] < '0' || iban[2] > '9' || iban[3] < '0' || iban[3] > '9')
		return 0;
	for (size_t k = 0; k < len; k++) {
		char c = iban[(k + 4) % len];
		if (c >= '0' && c <= '9')
			rem = (rem * 10 + (unsigned)(c - '0')) % 97;
		else if (c >= 'A' && c <= 'Z')
			rem = (rem * 100 + (unsigned)(c - 'A' + 10)) % 97;
		else
			return 0;
	}
	return rem == 1;
}

static int sha256d(const unsigned char *in, size_t n, unsigned char out[32])
{
	unsigned char h[32];
	unsigned int l = 0;
	if (EVP_Digest(in, n, h, &l, EVP_sha256(), NULL) != 1)
		return -1;
	if (EVP_Digest(h, 32, out, &l, EVP_sha256(), NULL) != 1)
		return -1;
	return 0;
}

static int base58check_valid(const char *s, size_t n)
{
	static const char alpha[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	unsigned char b[25] = {0}, h[32];
	size_t ones = 0;
	for (size_t i = 0; i < n; i++) {
		const char *q = memchr(alpha, s[i], 58);
		unsigned carry;
		if (!q)
			return 0;
		carry = (unsigned)(q - alpha);
		for (int j = 24; j >= 0; j--) {
			carry += 58u * b[j];
			b[j] = (unsigned char)(carry & 0xFF);
			carry >>= 8;
		}
		if (carry)
			return 0; /* more than 25 bytes */
	}
	while (ones < n && s[ones] == '1')
		ones++;
	if (ones > 25)
		return 0; /* more leading zero bytes than an address has (found by fuzz_text) */
	for (size_t i = 0; i < ones; i++)
		if (b[i] != 0)
			return 0;
	if (ones < 25 && b[ones] == 0)
		return 0; /* a zero byte not written as '1' */
	if (!((s[0] == '1' && b[0] == 0x00) || (s[0] == '3' && b[0] == 0x05)))
		return 0;
	if (sha256d(b, 21, h) != 0)
		return 0;
	return memcmp(h, b + 21, 4) == 0;
}

static uint32_t bech32_polymod(const unsigned char *v, size_t n)
{
	static const uint32_t gen[5] = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
	uint32_t chk = 1;
	for (size_t i = 0; i < n; i++) {
		uint32_t top = chk >> 25;
		chk = ((chk & 0x1ffffff) << 5) ^ v[i];
		for (int k = 0; k < 5; k++)
			if ((top >> k) & 1)
				chk ^= gen[k];
	}
	return chk;
}

/* A Bitcoin segwit address "bc1..." (BIP-173 bech32, BIP-350 bech32m). */
static int bech32_valid(const char *s, size_t n)
{
	static const char cs[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
	unsigned char v[100];
	size_t nv = 0, ndata;
	uint32_t pm, acc = 0;
	int bits = 0, ver, plen = 0;
	if (n < 14 || n > 90)
		return 0;
	v[nv++] = 'b' >> 5;
	v[nv++] = 'c' >> 5;
	v[nv++] = 0;
	v[nv++] = 'b' & 31;
	v[nv++] = 'c' & 31;
	for (size_t i = 3; i < n; i++) {
		const char *q = memchr(cs, lower_ascii((unsigned char)s[i]), 32);
		if (!q)
			return 0;
		v[nv++] = (unsigned char)(q - cs);
	}
	pm = bech32_polymod(v, nv);
	ndata = n - 3;
	if (ndata < 7)
		return 0;
	ver = v[5];
	if (ver > 16)
		return 0;
	if (!((ver == 0 && pm == 1) || (ver > 0 && pm == 0x2bc830a3)))
		return 0;
	for (size_t i = 6; i < nv - 6; i++) {
		acc = (acc << 5) | v[i];
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			plen++;
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return 0;
	if (plen < 2 || plen > 40)
		return 0;
	if (ver == 0 && plen != 20 && plen != 32)
		return 0;
	return 1;
}

/* Keccak-256 (the original padding, as Ethereum uses; not SHA3-256). OpenSSL
 * 3.0 has only SHA-3, so this is the reference permutation, for EIP-55. */
static void keccakf(uint64_t st[25])
{
	static const uint64_t rc[24] = {
		0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL,
		0x8000000080008000ULL, 0x000000000000808bULL, 0x0000000080000001ULL,
		0x8000000080008081ULL, 0x8000000000008009ULL, 0x000000000000008aULL,
		0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
		0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL,
		0x8000000000008003ULL, 0x8000000000008002ULL, 0x8000000000000080ULL,
		0x000000000000800aULL, 0x800000008000000aULL, 0x8000000080008081ULL,
		0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
	static const int rotc[24] = {1,	 3,  6,	 10, 15, 21, 28, 36, 45, 55, 2,	 14,
				     27, 41, 56, 8,  25, 43, 62, 18, 39, 61, 20, 44};
	static const int piln[24] = {10, 7,  11, 17, 18, 3, 5,	16, 8,	21, 24, 4,
				     15, 23, 19, 13, 12, 2, 20, 14, 22, 9,  6,	1};
	uint64_t bc[5], t;
	for (int r = 0; r < 24; r++) {
		for (int i = 0; i < 5; i++)
			bc[i] = st[i] ^ st[i + 5] ^ st[i + 10] ^ st[i + 15] ^ st[i + 20];
		for (int i = 0; i < 5; i++) {
			t = bc[(i + 4) % 5] ^ ((bc[(i + 1) % 5] << 1) | (bc[(i + 1) % 5] >> 63));
			for (int j = 0; j < 25; j += 5)
				st[j + i] ^= t;
		}
		t = st[1];
		for (int i = 0; i < 24; i++) {
			int j = piln[i];
			uint64_t b0 = st[j];
			st[j] = (t << rotc[i]) | (t >> (64 - rotc[i]));
			t = b0;
		}
		for (int j = 0; j < 25; j += 5) {
			for (int i = 0; i < 5; i++)
				bc[i] = st[j + i];
			for (int i = 0; i < 5; i++)
				st[j + i] ^= (~bc[(i + 1) % 5]) & bc[(i + 2) % 5];
		}
		st[0] ^= rc[r];
	}
}

int dft_keccak256(const void *data, size_t n, unsigned char out[32])
{
	uint64_t st[25] = {0};
	unsigned char block[136];
	const unsigned char *in = data;
	const size_t rate = 136;
	for (;;) {
		size_t take = n < rate ? n : rate;
		memset(block, 0, sizeof block);
		if (take)
			memcpy(block, in, take);
		if (take < rate) {
			block[take] ^= 0x01;
			block[rate - 1] ^= 0x80;
		}
		for (size_t i = 0; i < rate / 8; i++) {
			uint64_t lane = 0;
			for (int b = 7; b >= 0; b--)
				lane = (lane << 8) | block[i * 8 + (size_t)b];
			st[i] ^= lane;
		}
		keccakf(st);
		if (take < rate)
			break;
		in += take;
		n -= take;
	}
	for (size_t i = 0; i < 32; i++)
		out[i] = (unsigned char)(st[i / 8] >> (8 * (i % 8)));
	return 0;
}

/* 0x + 40 hex: all lower or all upper is accepted unchecked (EIP-55 says
 * such addresses carry no checksum); mixed case must match EIP-55. */
static int eth_valid(const char *s)
{
	char lowhex[40];
	unsigned char h[32];
	int up = 0, lo = 0;
	for (int i = 0; i < 40; i++) {
		char c = s[2 + i];
		if (c >= 'A' && c <= 'F')
			up = 1;
		else if (c >= 'a' && c <= 'f')
			lo = 1;
		lowhex[i] = (char)lower_ascii((unsigned char)c);
	}
	if (!(up && lo))
		return 1;
	dft_keccak256(lowhex, 40, h);
	for (int i = 0; i < 40; i++) {
		char c = s[2 + i];
		int nib = (h[i / 2] >> ((i % 2) ? 0 : 4)) & 0xF;
		if (c >= 'a' && c <= 'f' && nib >= 8)
			return 0;
		if (c >= 'A' && c <= 'F' && nib < 8)
			return 0;
	}
	return 1;
}

/* ---- per-kind checks ------------------------------------------------------ */

static const char *const tlds[] = {
	/* generic */
	"com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "name", "pro", "mobi",
	"aero", "coop", "museum", "jobs", "travel", "io", "tv", "me", "xyz", "online", "site",
	"news", "app", "dev", "shop", "store", "tech", "club", "live", "world", "email", "media",
	"press", "blog", "cloud", "global", "agency", "foundation", "ngo", "tk", "top", "arpa",
	/* country */
	"ae", "af", "al", "am", "ar", "at", "au", "az", "ba", "bd", "be", "bg", "bh", "br", "by",
	"ca", "ch", "cl", "cn", "co", "cy", "cz", "de", "dk", "dz", "ee", "eg", "es", "eu", "fi",
	"fr", "ge", "gr", "hk", "hr", "hu", "id", "ie", "il", "in", "iq", "ir", "is", "it", "jo",
	"jp", "ke", "kg", "kr", "kw", "kz", "lb", "lk", "lt", "lu", "lv", "ly", "ma", "mx", "my",
	"ng", "nl", "no", "nz", "om", "pe", "ph", "pk", "ps", "pt", "qa", "ro", "ru", "sa", "sd",
	"se", "sg", "si", "sk", "so", "su", "sy", "tj", "tm", "tn", "tr", "tw", "ua", "uk", "us",
	"uz", "ve", "vn", "ye", "za", "ly", "md", "pl", "rs", "sh", "cc", "ws", "to", "fm", "ly",
	NULL};
/* Real TLDs that are more often file extensions: only with 3+ labels. */
static const char *const ambiguous_tlds[] = {"ps", "md", "pl", "rs", "sh", "cc", "so",
					     "to", "is", "it", "me", "in", "no", "tv", NULL};

static int in_list(const char *const *list, const char *s, size_t n)
{
	for (; *list; list++)
		if (strlen(*list) == n && strncasecmp(*list, s, n) == 0)
			return 1;
	return 0;
}

static int check_domain(dft_patterns *p, const char *t, size_t s, size_t e)
{
	size_t dot = e, labels = 1;
	char low[256];
	int has_upper = 0, has_lower = 0;
	if (e - s >= sizeof low)
		return 0;
	for (size_t i = s; i < e; i++) {
		if (t[i] == '.') {
			dot = i;
			labels++;
		}
		if (t[i] >= 'A' && t[i] <= 'Z')
			has_upper = 1;
		if (t[i] >= 'a' && t[i] <= 'z')
			has_lower = 1;
		low[i - s] = (char)lower_ascii((unsigned char)t[i]);
	}
	if (dot == e || !in_list(tlds, t + dot + 1, e - dot - 1))
		return 0;
	if (labels < 3 && in_list(ambiguous_tlds, t + dot + 1, e - dot - 1))
		return 0;
	/* "end.It": a capitalised last label after lower case is a sentence */
	if (has_upper && has_lower && t[dot + 1] >= 'A' && t[dot + 1] <= 'Z')
		return 0;
	return add_cand(p, DFT_ENT_DOMAIN, s, e, low, e - s, 0.6);
}

static int check_email(dft_patterns *p, const char *t, size_t s, size_t e)
{
	char low[320];
	size_t at = s;
	while (at < e && t[at] != '@')
		at++;
	if (e - s >= sizeof low || at == e)
		return 0;
	for (size_t i = s; i + 1 < at; i++)
		if (t[i] == '.' && t[i + 1] == '.')
			return 0;
	for (size_t i = s; i < e; i++)
		low[i - s] = (char)lower_ascii((unsigned char)t[i]);
	return add_cand(p, DFT_ENT_EMAIL, s, e, low, e - s, 0.95);
}

static int check_url(dft_patterns *p, const char *t, size_t s, size_t e)
{
	/* "www.site.comللتواصل": Arabic glued to the host is the next word */
	{
		size_t h = s, i;
		for (i = s; i + 2 < e; i++)
			if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') {
				h = i + 3;
				break;
			}
		for (i = h; i < e && !strchr("/?#", t[i]); i++)
			if ((unsigned char)t[i] >= 0x80) {
				e = i;
				break;
			}
	}
	/* cut trailing punctuation and closing brackets without an opener */
	while (e > s) {
		unsigned char c = (unsigned char)t[e - 1];
		if (c && strchr(".,;:!?'\"*", c)) {
			e--;
			continue;
		}
		/* Arabic comma, semicolon, question mark; ellipsis */
		if (e - s >= 2 && (unsigned char)t[e - 2] == 0xD8 && (c == 0x8C || c == 0x9B || c == 0x9F)) {
			e -= 2;
			continue;
		}
		if (e - s >= 3 && (unsigned char)t[e - 3] == 0xE2 && (unsigned char)t[e - 2] == 0x80 &&
		    c == 0xA6) {
			e -= 3;
			continue;
		}
		if (c == ')' || c == ']' || c == '}') {
			char open = c == ')' ? '(' : c == ']' ? '[' : '{';
			int bal = 0;
			for (size_t i = s; i < e; i++)
				bal += t[i] == open ? 1 : t[i] == (char)c ? -1 : 0;
			if (bal < 0) {
				e--;
				continue;
			}
		}
		break;
	}
	/* a host with a dot (or localhost) after the scheme or www. */
	{
		size_t h = s, i;
		int dot = 0;
		for (i = s; i + 2 < e; i++)
			if (t[i] == ':' && t[i + 1] == '/' && t[i + 2] == '/') {
				h = i + 3;
				break;
			}
		for (i = h; i < e && !strchr("/?#:", t[i]); i++)
			if (t[i] == '.' && i + 1 < e && !strchr("/?#:.", t[i + 1]) && i > h)
				dot = 1;
		if (!dot && !(i - h == 9 && strncasecmp(t + h, "localhost", 9) == 0))
			return 0;
	}
	return add_cand(p, DFT_ENT_URL, s, e, t + s, e - s, 0.95);
}

static const struct {
	char iso[3];
	const char *cc;
	int minl, maxl; /* national significant number length */
} countries[] = {
	{"SY", "963", 8, 9},   {"IQ", "964", 8, 10},  {"TR", "90", 10, 10},	{"JO", "962", 8, 9},
	{"LB", "961", 7, 8},   {"SA", "966", 8, 9},   {"EG", "20", 8, 10},	{"AE", "971", 8, 9},
	{"KW", "965", 8, 8},   {"QA", "974", 7, 8},   {"YE", "967", 7, 9},	{"PS", "970", 8, 9},
	{"IR", "98", 10, 10},  {"LY", "218", 8, 9},   {"TN", "216", 8, 8},	{"MA", "212", 9, 9},
	{"DZ", "213", 8, 9},   {"SD", "249", 9, 9},   {"DE", "49", 6, 11},	{"FR", "33", 9, 9},
	{"GB", "44", 9, 10},   {"NL", "31", 9, 9},    {"SE", "46", 7, 9},	{"BE", "32", 8, 9},
	{"AT", "43", 6, 12},   {"CH", "41", 9, 9},    {"IT", "39", 6, 11},	{"ES", "34", 9, 9},
	{"RU", "7", 10, 10},   {"US", "1", 10, 10},   {"CA", "1", 10, 10},	{"IL", "972", 8, 9},
	{"AF", "93", 9, 9},    {"PK", "92", 9, 10},   {"DK", "45", 8, 8},	{"NO", "47", 8, 8},
	{"GR", "30", 10, 10},  {"BH", "973", 8, 8},   {"OM", "968", 8, 8},
};

static int country_index_iso(const char *iso)
{
	if (!iso)
		return -1;
	for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++)
		if (lower_ascii((unsigned char)iso[0]) == lower_ascii((unsigned char)countries[i].iso[0]) &&
		    lower_ascii((unsigned char)iso[1]) == lower_ascii((unsigned char)countries[i].iso[1]) &&
		    iso[2] == '\0')
			return (int)i;
	return -1;
}

static int country_index_digits(const char *dg, size_t n)
{
	int best = -1;
	size_t bl = 0;
	for (size_t i = 0; i < sizeof countries / sizeof countries[0]; i++) {
		size_t l = strlen(countries[i].cc);
		if (l <= n && l > bl && memcmp(dg, countries[i].cc, l) == 0) {
			best = (int)i;
			bl = l;
		}
	}
	return best;
}

typedef struct group {
	size_t start, end;  /* bytes */
	char dg[24];
	size_t nd;
	int paren;
	char sep; /* separator before the group: 0 first, ' ', '.', '-' */
} group;

static const char *const phone_words[] = {
	"tel:", "tel.", "tel :", "phone", "mobile", "mob:", "mob.", "cell", "fax", "whatsapp", "gsm",
	"هاتف", "جوال", "موبايل", "خلوي", "تلفون", "واتس", "فاكس", "الرقم", "رقم", NULL};

static int is_year(const group *g)
{
	return g->nd == 4 && ((g->dg[0] == '1' && g->dg[1] == '9') || (g->dg[0] == '2' && g->dg[1] == '0'));
}

/* Is groups[a..b) a phone number? Writes the value. */
static int phone_eval(const group *g, size_t a, size_t b, int plus, const char *country, int kw,
		      char *val, size_t vcap, double *score)
{
	char dg[40];
	size_t nd = 0, ng = b - a;
	int intl = 0, ci;
	int all3 = 1;
	for (size_t i = a; i < b; i++) {
		if (i > a && g[i].paren && g[i].nd == 1 && g[i].dg[0] == '0')
			continue; /* "+963 (0) 944 ..." */
		if (nd + g[i].nd >= sizeof dg)
			return 0;
		memcpy(dg + nd, g[i].dg, g[i].nd);
		nd += g[i].nd;
		if (i > a && g[i].nd != 3)
			all3 = 0;
	}
	dg[nd] = '\0';
	if (plus && a == 0)
		intl = 1;
	else if (nd > 2 && dg[0] == '0' && dg[1] == '0') {
		intl = 1;
		memmove(dg, dg + 2, nd - 1);
		nd -= 2;
	}
	/* one-digit groups: only a country or area code ("+32 2 287 6810");
	 * "12 6 4 2 21 14 22" is a row of scores */
	for (size_t i = a, k = 0; i < b; i++) {
		if (g[i].paren && g[i].nd == 1 && g[i].dg[0] == '0')
			continue;
		if (g[i].nd == 1 && !(plus && a == 0 && k < 2) &&
		    !(a == 0 && k == 1 && g[a].nd >= 3 && g[a].dg[0] == '0' && g[a].dg[1] == '0'))
			return 0;
		k++;
	}
	if (ng > 7)
		return 0;
	/* dots: "0944.123.456" or the French "01.23.45.67.89"; not "01.0421.002" */
	if (ng > 1 && g[a + 1].sep == '.') {
		int pairs = 1;
		for (size_t i = a; i < b; i++)
			if (g[i].nd != 2)
				pairs = 0;
		if (!pairs && (g[a].nd < 3 || (g[a].dg[0] == '0' && g[a].dg[1] == '0' && g[a].nd == 2)))
			return 0;
	}
	/* dates and year ranges written with dots or dashes */
	if (ng == 3 && ((g[a].nd <= 2 && g[a + 1].nd <= 2 && g[a + 2].nd == 4) ||
			(g[a].nd == 4 && g[a + 1].nd <= 2 && g[a + 2].nd <= 2)))
		return 0;
	if (ng == 2 && is_year(&g[a]) && is_year(&g[a + 1]))
		return 0;
	{
		char ref = 0; /* one separator throughout (a bracketed group aside) */
		for (size_t i = a + 1; i < b; i++) {
			if (g[i].paren || g[i - 1].paren)
				continue;
			if (!ref)
				ref = g[i].sep;
			else if (g[i].sep != ref)
				return 0; /* mixed: two numbers side by side */
		}
	}
	if (intl) {
		size_t nl;
		if (nd < 8 || nd > 15 || dg[0] == '0')
			return 0;
		ci = country_index_digits(dg, nd);
		if (ci >= 0) {
			size_t cl = strlen(countries[ci].cc);
			if (dg[cl] == '0') { /* trunk 0 written after the code */
				memmove(dg + cl, dg + cl + 1, nd - cl);
				nd--;
			}
			nl = nd - cl;
			if ((int)nl < countries[ci].minl || (int)nl > countries[ci].maxl)
				return 0;
		}
		snprintf(val, vcap, "+%s", dg);
		*score = 0.9;
		return 1;
	}
	/* local forms */
	if (nd < 7 || nd > 12)
		return 0;
	if (dg[0] != '0') {
		int usfmt = g[a].paren && g[a].nd == 3 && nd == 10;
		if (!kw && !usfmt)
			return 0;
		if (!kw && all3 && ng > 1)
			return 0;
		ci = country_index_iso(country);
		if (ci >= 0 && strcmp(countries[ci].cc, "1") == 0 && nd == 10) {
			snprintf(val, vcap, "+1%s", dg);
			*score = 0.7;
			return 1;
		}
		snprintf(val, vcap, "%s", dg);
		*score = 0.5;
		return 1;
	}
	if (nd < 9 && !kw)
		return 0;
	ci = country_index_iso(country);
	*score = (ng > 1 || kw) ? 0.75 : 0.55;
	if ((nd == 10 && dg[1] == '9') || (nd == 11 && dg[1] == '7') || (nd == 11 && dg[1] == '5'))
		*score += 0.1; /* Syrian, Iraqi, Turkish mobile shapes */
	if (ci >= 0) {
		size_t nl = nd - 1;
		if ((int)nl < countries[ci].minl || (int)nl > countries[ci].maxl)
			return 0;
		snprintf(val, vcap, "+%s%s", countries[ci].cc, dg + 1);
		return 1;
	}
	snprintf(val, vcap, "%s", dg);
	return 1;
}

static int check_phone(dft_patterns *p, const char *t, size_t len, size_t s, size_t e,
		       const char *country, int *whole)
{
	group g[12];
	size_t ng = 0, i = s;
	int plus = 0, kw;
	char sep = 0;
	if (t[i] == '+') {
		plus = 1;
		i++;
	}
	while (i < e) {
		size_t k = i;
		uint32_t c = dft_utf8_next(t, len, &k);
		int d = cp_digit(c);
		if (d >= 0 || c == '(') {
			group *gr;
			int paren = c == '(';
			if (ng == sizeof g / sizeof g[0])
				return 0;
			gr = &g[ng++];
			gr->start = i;
			gr->nd = 0;
			gr->paren = paren;
			gr->sep = sep;
			if (paren)
				i = k;
			while (i < e) {
				size_t k2 = i;
				uint32_t c2 = dft_utf8_next(t, len, &k2);
				int d2 = cp_digit(c2);
				if (d2 >= 0) {
					if (gr->nd + 1 >= sizeof gr->dg)
						return 0;
					gr->dg[gr->nd++] = (char)('0' + d2);
				} else if (paren && c2 == ')') {
					i = k2;
					break;
				} else if (!(paren && (c2 == ' ' || c2 == '\t' || c2 == 0xA0 || c2 == 0x202F))) {
					break;
				}
				i = k2;
			}
			gr->end = i;
			sep = ' ';
			continue;
		}
		if (c == '.' || c == '-' || (c >= 0x2010 && c <= 0x2013))
			sep = c == '.' ? '.' : '-';
		i = k;
	}
	if (ng == 0)
		return 0;
	/* fewer groups than the pattern allows: every phone inside was tried */
	*whole = ng < 10;
	kw = preceded_by(t, s, 24, phone_words);
	/* the whole run, else the longest run of groups inside it that is one */
	for (size_t w = ng; w >= 1; w--) {
		for (size_t a = 0; a + w <= ng; a++) {
			char val[48];
			double score;
			int lkw = a == 0 ? kw : 0;
			if (phone_eval(g, a, a + w, plus, country, lkw, val, sizeof val, &score)) {
				size_t ms = a == 0 ? s : g[a].start;
				return add_cand(p, DFT_ENT_PHONE, ms, g[a + w - 1].end, val, strlen(val),
						score);
			}
		}
	}
	return 0;
}

static int check_iban(dft_patterns *p, const char *t, size_t len, size_t s, size_t e)
{
	char comp[40];
	size_t n = 0, i, want = (size_t)iban_length(t + s);
	if (!want)
		return 0;
	for (i = s; i < e && n < want; i++) {
		if (t[i] == ' ')
			continue;
		comp[n++] = t[i];
	}
	if (n != want)
		return 0;
	/* the cut must fall between groups, not inside one */
	if (i < len && is_alnum_ascii((unsigned char)t[i]))
		return 0;
	if (!dft_iban_valid(comp, n))
		return 0;
	return add_cand(p, DFT_ENT_IBAN, s, i, comp, n, 0.95);
}

static int card_brand_ok(const char *d, size_t n)
{
	int p2 = (d[0] - '0') * 10 + (d[1] - '0');
	int p3 = p2 * 10 + (d[2] - '0');
	int p4 = p3 * 10 + (d[3] - '0');
	if (d[0] == '4')
		return n == 13 || n == 16 || n == 19; /* Visa */
	if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720))
		return n == 16; /* Mastercard */
	if (p2 == 34 || p2 == 37)
		return n == 15; /* American Express */
	if (p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65)
		return n >= 16 && n <= 19; /* Discover */
	if (p4 >= 3528 && p4 <= 3589)
		return n >= 16 && n <= 19; /* JCB */
	if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39)
		return n >= 14 && n <= 19; /* Diners */
	if (p2 == 62)
		return n >= 16 && n <= 19; /* UnionPay */
	if (p4 >= 2200 && p4 <= 2204)
		return n >= 16 && n <= 19; /* Mir */
	if (p2 == 50 || (p2 >= 56 && p2 <= 58) || p2 == 67 || p4 == 6304)
		return n >= 12 && n <= 19; /* Maestro */
	return 0;
}

static int check_card(dft_patterns *p, const char *t, size_t len, size_t s, size_t e)
{
	char dg[24];
	size_t nd = 0, glen[20], ng = 0, cur = 0;
	char sep = 0;
	for (size_t i = s; i < e;) {
		uint32_t c = dft_utf8_next(t, len, &i);
		int d = cp_digit(c);
		if (d >= 0) {
			if (nd + 1 >= sizeof dg)
				return 0;
			dg[nd++] = (char)('0' + d);
			cur++;
		} else {
			if (sep && sep != (char)c)
				return 0;
			sep = (char)c;
			if (ng < 20)
				glen[ng++] = cur;
			cur = 0;
		}
	}
	if (ng < 20)
		glen[ng++] = cur;
	if (nd < 13 || nd > 19)
		return 0;
	if (ng > 1) { /* 4-4-4-4(-x), 4-6-5 (Amex), 4-6-4 (Diners) */
		int ok = 1;
		if (ng == 3 && glen[0] == 4 && glen[1] == 6)
			ok = 1;
		else
			for (size_t k = 0; k < ng; k++)
				if (glen[k] != 4 && !(k == ng - 1 && glen[k] >= 1 && glen[k] <= 4))
					ok = 0;
		if (!ok)
			return 0;
	}
	dg[nd] = '\0';
	if (!card_brand_ok(dg, nd) || !dft_luhn_valid(dg, nd))
		return 0;
	return add_cand(p, DFT_ENT_CARD, s, e, dg, nd, 0.9);
}

static const char *const version_words[] = {"version", "ver.", "ver ", "v.", "release",
					    "build", "إصدار", "الإصدار", "الاصدار", "نسخة",
					    "النسخة", NULL};

static int check_ipv4(dft_patterns *p, const char *t, size_t s, size_t e)
{
	size_t i = s;
	for (int k = 0; k < 4; k++) {
		int v = 0, nd = 0;
		while (i < e && t[i] >= '0' && t[i] <= '9') {
			v = v * 10 + (t[i] - '0');
			nd++;
			i++;
		}
		if (v > 255 || (nd > 1 && t[i - (size_t)nd] == '0'))
			return 0;
		i++;
	}
	if (preceded_by(t, s, 16, version_words))
		return 0;
	return add_cand(p, DFT_ENT_IP, s, e, t + s, e - s, 0.85);
}

static int check_ipv6(dft_patterns *p, const char *t, size_t s, size_t e)
{
	char tmp[64], out[INET6_ADDRSTRLEN];
	unsigned char a[16];
	int hex = 0;
	while (e > s && (t[e - 1] == '.'))
		e--;
	if (e - s >= sizeof tmp)
		return 0;
	memcpy(tmp, t + s, e - s);
	tmp[e - s] = '\0';
	for (size_t i = s; i < e; i++)
		hex += t[i] != ':' && t[i] != '.';
	if (hex < 2 || inet_pton(AF_INET6, tmp, a) != 1)
		return 0;
	if (!inet_ntop(AF_INET6, a, out, sizeof out))
		return 0;
	return add_cand(p, DFT_ENT_IP, s, e, out, strlen(out), 0.85);
}

static size_t ov_len(const PCRE2_SIZE *ov, int g)
{
	return ov[2 * g] == PCRE2_UNSET ? 0 : ov[2 * g + 1] - ov[2 * g];
}

static double parse_dec(const char *s, size_t n)
{
	char tmp[32];
	if (n >= sizeof tmp)
		n = sizeof tmp - 1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return strtod(tmp, NULL);
}

static int check_coord(dft_patterns *p, const char *t, const PCRE2_SIZE *ov)
{
	double lat = parse_dec(t + ov[2], ov_len(ov, 1));
	double lon = parse_dec(t + ov[8], ov_len(ov, 4));
	int marked = ov_len(ov, 2) || ov_len(ov, 3) || ov_len(ov, 5) || ov_len(ov, 6);
	size_t dlat = 0, dlon = 0;
	char val[48];
	for (size_t i = ov[2]; i < ov[3]; i++)
		if (t[i] == '.')
			dlat = ov[3] - i - 1;
	for (size_t i = ov[8]; i < ov[9]; i++)
		if (t[i] == '.')
			dlon = ov[9] - i - 1;
	if (!marked && (dlat < 4 || dlon < 4))
		return 0;
	if (ov_len(ov, 3) && (t[ov[6]] == 'S' || t[ov[6]] == 's'))
		lat = -lat;
	if (ov_len(ov, 6) && (t[ov[12]] == 'W' || t[ov[12]] == 'w'))
		lon = -lon;
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return 0;
	snprintf(val, sizeof val, "%.5f,%.5f", lat, lon);
	return add_cand(p, DFT_ENT_COORD, ov[0], ov[1], val, strlen(val), marked ? 0.9 : 0.75);
}

/* A number written with any digits and '.' or ',' as decimal point. */
static double parse_num_any(const char *t, size_t len, size_t s, size_t e)
{
	char tmp[32];
	size_t n = 0;
	for (size_t i = s; i < e && n + 1 < sizeof tmp;) {
		uint32_t c = dft_utf8_next(t, len, &i);
		int d = cp_digit(c);
		if (d >= 0)
			tmp[n++] = (char)('0' + d);
		else if (c == '.' || c == ',' || c == 0x66B)
			tmp[n++] = '.';
	}
	tmp[n] = '\0';
	return strtod(tmp, NULL);
}

static int check_dms(dft_patterns *p, const char *t, size_t len, const PCRE2_SIZE *ov)
{
	double v[2];
	char val[48];
	for (int k = 0; k < 2; k++) {
		int g = 1 + 4 * k;
		double deg = parse_num_any(t, len, ov[2 * g], ov[2 * g + 1]);
		double min = parse_num_any(t, len, ov[2 * g + 2], ov[2 * g + 3]);
		double sec = ov_len(ov, g + 2) ? parse_num_any(t, len, ov[2 * g + 4], ov[2 * g + 5]) : 0;
		const char *h = t + ov[2 * g + 6];
		int neg;
		if (min >= 60 || sec >= 60)
			return 0;
		neg = *h == 'S' || *h == 's' || *h == 'W' || *h == 'w' ||
		      strncmp(h, "ج", 2) == 0 || strncmp(h, "غ", 2) == 0;
		v[k] = (deg + min / 60 + sec / 3600) * (neg ? -1 : 1);
	}
	if (v[0] < -90 || v[0] > 90 || v[1] < -180 || v[1] > 180)
		return 0;
	snprintf(val, sizeof val, "%.5f,%.5f", v[0], v[1]);
	return add_cand(p, DFT_ENT_COORD, ov[0], ov[1], val, strlen(val), 0.95);
}

/* The amount in group ag, scaled by the word in groups sg (words) or sg+1
 * (letters glued to the number), as a plain decimal. */
static int money_value(const char *t, size_t len, const PCRE2_SIZE *ov, int ag, int sg,
		       const char *iso, char *out, size_t cap)
{
	char num[64];
	size_t nn = 0, ndot = 0, ncomma = 0, i;
	int last_sep = 0, scale = 0;
	size_t after_last = 0, dec_at = (size_t)-1;
	char ip[64], fp[16];
	size_t ni = 0, nf = 0;
	const char *sw = NULL;
	size_t swl = 0;
	int lead_zero = 1, seen_sep = 0;
	/* first pass: which separator is the decimal point */
	for (i = ov[2 * ag]; i < ov[2 * ag + 1];) {
		uint32_t c = dft_utf8_next(t, len, &i);
		int dg = cp_digit(c);
		if (dg >= 0) {
			after_last++;
			if (!seen_sep && dg != 0)
				lead_zero = 0;
			continue;
		}
		seen_sep = 1;
		if (c == '.')
			ndot++;
		if (c == ',')
			ncomma++;
		last_sep = (int)c;
		after_last = 0;
	}
	if (ov_len(ov, sg)) {
		sw = t + ov[2 * sg];
		swl = ov_len(ov, sg);
	} else if (ov_len(ov, sg + 1)) {
		sw = t + ov[2 * (sg + 1)];
		swl = ov_len(ov, sg + 1);
	}
	if (sw) {
		if ((swl >= 7 && strncasecmp(sw, "million", 7) == 0) || strncmp(sw, "مليون", swl) == 0 ||
		    strncmp(sw, "ملايين", swl) == 0 || (swl <= 2 && (*sw == 'm' || *sw == 'M')))
			scale = 6;
		else if (strncasecmp(sw, "billion", swl < 7 ? swl : 7) == 0 ||
			 strncasecmp(sw, "milliard", swl < 8 ? swl : 8) == 0 ||
			 strncmp(sw, "مليار", swl < 10 ? swl : 10) == 0 || (swl == 2 && (*sw == 'b' || *sw == 'B')))
			scale = 9;
		else
			scale = 3; /* thousand, mille, ألف, آلاف, k */
	}
	if (last_sep == 0x66B)
		dec_at = 1;
	else if (last_sep == '.' || last_sep == ',') {
		size_t same = last_sep == '.' ? ndot : ncomma;
		size_t other = last_sep == '.' ? ncomma : ndot;
		/* "1.500" is 1500 in Syria, Turkey and most of Europe; "$15.575"
		 * and "0.533" are decimals */
		int anglo = last_sep == '.' && (strcmp(iso, "USD") == 0 || strcmp(iso, "GBP") == 0);
		if (same == 1 && (other > 0 || after_last != 3 || scale || lead_zero || anglo))
			dec_at = 1;
	}
	/* second pass: integer and fraction digits */
	{
		int in_frac = 0;
		size_t nseps = 0, total_seps = 0;
		for (i = ov[2 * ag]; i < ov[2 * ag + 1];) {
			uint32_t c = dft_utf8_next(t, len, &i);
			if (cp_digit(c) < 0)
				total_seps++;
		}
		for (i = ov[2 * ag]; i < ov[2 * ag + 1];) {
			uint32_t c = dft_utf8_next(t, len, &i);
			int d = cp_digit(c);
			if (d >= 0) {
				if (in_frac) {
					if (nf + 1 < sizeof fp)
						fp[nf++] = (char)('0' + d);
				} else if (ni + 1 < sizeof ip) {
					ip[ni++] = (char)('0' + d);
				}
				continue;
			}
			nseps++;
			if (dec_at != (size_t)-1 && nseps == total_seps)
				in_frac = 1;
		}
	}
	/* shift the decimal point by the scale */
	for (i = 0; i < ni; i++)
		num[nn++] = ip[i];
	for (i = 0; i < (size_t)scale; i++) {
		if (nn + 2 >= sizeof num)
			return 0;
		num[nn++] = i < nf ? fp[i] : '0';
	}
	{
		size_t rest = nf > (size_t)scale ? nf - (size_t)scale : 0, z = 0;
		size_t o = 0;
		while (z + 1 < nn && num[z] == '0')
			z++;
		for (i = z; i < nn && o + 1 < cap; i++)
			out[o++] = num[i];
		while (rest && fp[scale + rest - 1] == '0')
			rest--;
		if (rest && o + 1 < cap)
			out[o++] = '.';
		for (i = 0; i < rest && o + 1 < cap; i++)
			out[o++] = fp[scale + i];
		out[o] = '\0';
		snprintf(out + o, cap - o, " %s", iso);
	}
	return 1;
}

static int check_money(dft_patterns *p, const char *t, size_t len, const PCRE2_SIZE *ov,
		       pcre2_match_data *md)
{
	const char *iso = (const char *)pcre2_get_mark(md);
	char val[96];
	size_t i = ov[2];
	if (!iso)
		return 0;
	/* "0001TL", "05 $": a code, not an amount */
	if (cp_digit(dft_utf8_next(t, len, &i)) == 0 && i < ov[3] && cp_digit(dft_utf8_next(t, len, &i)) >= 0)
		return 0;
	if (!money_value(t, len, ov, 1, 2, iso, val, sizeof val))
		return 0;
	return add_cand(p, DFT_ENT_MONEY, ov[0], ov[1], val, strlen(val), 0.9);
}

static int check_docnum(dft_patterns *p, const char *t, size_t len, const PCRE2_SIZE *ov)
{
	char val[128];
	size_t n = 0, nd = 0;
	int slash = 0;
	/* the value: digits in ASCII, letters (an office's code: ز, ب م) and
	 * separators as written, one space where the code had any */
	for (size_t i = ov[8]; i < ov[9] && n + 5 < sizeof val;) {
		size_t at = i;
		uint32_t c = dft_utf8_next(t, len, &i);
		int d = cp_digit(c);
		if (d >= 0) {
			val[n++] = (char)('0' + d);
			nd++;
		} else if (c == ' ' || c == '\t' || c == 0xA0 || c == 0x202F) {
			if (n && val[n - 1] != ' ' && val[n - 1] != '/' && val[n - 1] != '-')
				val[n++] = ' ';
		} else if (c < 0x80) {
			if (c == '/')
				slash = 1;
			if (n && val[n - 1] == ' ' && (c == '/' || c == '-'))
				n--; /* "104 / ص / 2016" is 104/ص/2016 */
			val[n++] = (char)c;
		} else {
			memcpy(val + n, t + at, i - at);
			n += i - at;
		}
	}
	/* the bare words رقم / الرقم / العدد / المرجع: with a colon after, or
	 * before a reference in parts (رقم 45/3), not before a lone number */
	if (ov_len(ov, 2) && !ov_len(ov, 3) && !slash)
		return 0;
	if (nd < 2)
		return 0;
	return add_cand(p, DFT_ENT_DOCNUM, ov[8], ov[9], val, n, 0.6);
}

/* ---- the scanner ---------------------------------------------------------- */

int dft_patterns_new(dft_patterns **out)
{
	dft_patterns *p;
	int rc = 0;
	*out = NULL;
	p = dft_calloc(1, sizeof *p);
	if (!p)
		return DFT_ENOMEM;
	dft_buf_init(&p->vals, DFT_BUF_MAX_DEFAULT);
	for (int i = 0; i < P__COUNT; i++) {
		int err;
		PCRE2_SIZE off;
		p->re[i] = pcre2_compile((PCRE2_SPTR)pattern_src[i].re, PCRE2_ZERO_TERMINATED,
					 PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF |
						 pattern_src[i].flags,
					 &err, &off, NULL);
		if (!p->re[i]) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof msg);
			rc = dft_error_set(DFT_ERROR, "patterns: pattern %d at %zu: %s", i, (size_t)off,
					   (const char *)msg);
			goto done;
		}
		(void)pcre2_jit_compile(p->re[i], PCRE2_JIT_COMPLETE); /* slower without, not wrong */
	}
	p->md = pcre2_match_data_create(20, NULL);
	p->mctx = pcre2_match_context_create(NULL);
	p->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	if (p->mctx && p->jstack)
		pcre2_jit_stack_assign(p->mctx, NULL, p->jstack);
	if (!p->md || !p->mctx || !p->jstack) {
		rc = dft_error_set(DFT_ENOMEM, "patterns: out of memory");
		goto done;
	}
	*out = p;
	p = NULL;
done:
	dft_patterns_free(p);
	return rc;
}

void dft_patterns_free(dft_patterns *p)
{
	if (!p)
		return;
	for (int i = 0; i < P__COUNT; i++)
		pcre2_code_free(p->re[i]);
	pcre2_match_data_free(p->md);
	pcre2_match_context_free(p->mctx);
	pcre2_jit_stack_free(p->jstack);
	dft_buf_dispose(&p->vals);
	free(p->c);
	free(p);
}

static int cand_cmp(const void *a, const void *b)
{
	const cand *x = a, *y = b;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	return type_priority(y->type) - type_priority(x->type);
}

/* Within one cluster of overlapping candidates keep, greedily, the most
 * specific kind first, then the longest. */
static void resolve_cluster(cand *c, size_t n)
{
	for (;;) {
		size_t best = n;
		for (size_t i = 0; i < n; i++) {
			int ok = c[i].keep == 0;
			if (!ok)
				continue;
			if (best == n || type_priority(c[i].type) > type_priority(c[best].type) ||
			    (type_priority(c[i].type) == type_priority(c[best].type) &&
			     c[i].end - c[i].start > c[best].end - c[best].start))
				best = i;
		}
		if (best == n)
			return;
		c[best].keep = 1;
		for (size_t i = 0; i < n; i++)
			if (c[i].keep == 0 && c[i].start < c[best].end && c[best].start < c[i].end)
				c[i].keep = -1;
	}
}

int dft_patterns_scan(dft_patterns *p, const char *text, size_t len, const char *country,
		      dft_mention_fn fn, void *ctx)
{
	int rc = 0;
	if (!p || (!text && len))
		return dft_error_set(DFT_EINVAL, "dft_patterns_scan: NULL argument");
	p->nc = 0;
	dft_buf_reset(&p->vals);
	for (int k = 0; k < P__COUNT && rc == 0; k++) {
		PCRE2_SIZE off = 0;
		while (off < len) {
			int m = pcre2_match(p->re[k], (PCRE2_SPTR)text, len, off, 0, p->md, p->mctx);
			PCRE2_SIZE *ov;
			size_t s, e, before = p->nc;
			int whole = 0;
			if (m == PCRE2_ERROR_NOMATCH)
				break;
			if (m < 0) {
				PCRE2_UCHAR msg[256];
				pcre2_get_error_message(m, msg, sizeof msg);
				rc = dft_error_set(m == PCRE2_ERROR_MATCHLIMIT || m == PCRE2_ERROR_JIT_STACKLIMIT
							   ? DFT_ELIMIT
							   : DFT_ERROR,
						   "patterns: %s", (const char *)msg);
				goto done;
			}
			ov = pcre2_get_ovector_pointer(p->md);
			s = ov[0];
			e = ov[1];
			switch (k) {
			case P_EMAIL: rc = check_email(p, text, s, e); break;
			case P_URL: rc = check_url(p, text, s, e); break;
			case P_DOMAIN: rc = check_domain(p, text, s, e); break;
			case P_PHONE: rc = check_phone(p, text, len, s, e, country, &whole); break;
			case P_IBAN: rc = check_iban(p, text, len, s, e); break;
			case P_CARD: rc = check_card(p, text, len, s, e); break;
			case P_BTC:
				if (base58check_valid(text + s, e - s))
					rc = add_cand(p, DFT_ENT_CRYPTO, s, e, text + s, e - s, 0.95);
				break;
			case P_BECH32:
				if (bech32_valid(text + s, e - s)) {
					char low[96];
					for (size_t i = s; i < e; i++)
						low[i - s] = (char)lower_ascii((unsigned char)text[i]);
					rc = add_cand(p, DFT_ENT_CRYPTO, s, e, low, e - s, 0.95);
				}
				break;
			case P_ETH:
				if (eth_valid(text + s)) {
					char low[42];
					for (size_t i = s; i < e; i++)
						low[i - s] = (char)lower_ascii((unsigned char)text[i]);
					rc = add_cand(p, DFT_ENT_CRYPTO, s, e, low, e - s, 0.9);
				}
				break;
			case P_IPV4: rc = check_ipv4(p, text, s, e); break;
			case P_IPV6: rc = check_ipv6(p, text, s, e); break;
			case P_COORD: rc = check_coord(p, text, ov); break;
			case P_DMS: rc = check_dms(p, text, len, ov); break;
			case P_MONEY_PRE:
			case P_MONEY_POST: rc = check_money(p, text, len, ov, p->md); break;
			case P_DOCNUM: rc = check_docnum(p, text, len, ov); break;
			default: break;
			}
			if (rc != 0)
				goto done;
			/* go on after what was taken: a trimmed IBAN, phone or card
			 * may leave the start of the next one inside this match */
			if (p->nc > before)
				off = p->c[p->nc - 1].end > s ? p->c[p->nc - 1].end : s + 1;
			else if (k == P_IBAN || (k == P_PHONE && !whole) || k == P_CARD)
				off = s + 1;
			else
				off = e > s ? e : s + 1;
			while (off < len && ((unsigned char)text[off] & 0xC0) == 0x80)
				off++;
		}
	}
	/* overlaps: clusters of candidates that overlap each other */
	if (p->nc > 1)
		dft_sort(p->c, p->nc, sizeof *p->c, cand_cmp);
	for (size_t i = 0; i < p->nc;) {
		size_t j = i + 1, cend = p->c[i].end;
		while (j < p->nc && p->c[j].start < cend) {
			if (p->c[j].end > cend)
				cend = p->c[j].end;
			j++;
		}
		resolve_cluster(p->c + i, j - i);
		i = j;
	}
	for (size_t i = 0; i < p->nc; i++) {
		dft_mention m;
		if (p->c[i].keep != 1)
			continue;
		memset(&m, 0, sizeof m);
		m.type = p->c[i].type;
		m.start = p->c[i].start;
		m.end = p->c[i].end;
		m.value = p->vals.ptr + p->c[i].voff;
		m.extra = NULL;
		m.score = p->c[i].score;
		rc = fn(ctx, &m);
		if (rc != 0)
			goto done;
	}
done:
	return rc;
}
