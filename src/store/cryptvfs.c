/*
 * cryptvfs.c - the encrypting SQLite VFS of an encrypted case (#22; see
 * include/daftar/cryptvfs.h). It sits below the pager, so everything above
 * it (WAL, FTS5 and daftar's tokenizer, incremental vacuum, the store's
 * SQL) works unchanged; it wraps the default VFS and changes only the
 * bytes that reach the disk. SQLite3MultipleCiphers' VFS shim and SQLite's
 * SEE were the models.
 *
 * Every file SQLite opens through it, and what becomes of it:
 *
 *   main database (store.db)  every page, page 1 whole, sealed with
 *       XChaCha20-Poly1305: a fresh random 24-byte nonce at each write,
 *       the nonce and the 16-byte tag in the page's last 40 bytes, which
 *       the database reserves (DFT_CRYPTVFS_RESERVE; dft_cryptvfs_prepare
 *       sets it, and a page 1 written without it is refused). The
 *       associated data is 'D' + the page number, so pages cannot be
 *       swapped or moved. The page size is fixed (4096): the VFS must find
 *       page 1's nonce before it can read the header that names the size.
 *       A partial read (the 100-byte header SQLite reads at open, the
 *       change counter) decrypts the whole page. A page is given back to
 *       SQLite with its reserved bytes zero, so that SQLite's own WAL
 *       checksums, computed over what it holds, read back the same.
 *   WAL (store.db-wal)  the 32-byte header and each frame's 24-byte header
 *       stay as SQLite wrote them (page numbers, commit sizes, salts), but
 *       for the frame's checksum: SQLite computes it over the plaintext it
 *       holds and checks it over what the VFS gives back, a running sum
 *       that would confirm a guess of a page's exact bytes, so it is
 *       masked on disk (wal_mask). Each frame's page is sealed as the
 *       database page it is, the associated data 'D' + the page number in
 *       the frame header, so the checkpoint copies it to the database
 *       sealed as it is rather than sealing it again (the thread's last
 *       frame read is kept for that). A frame moved or carried over from
 *       an older generation of the log breaks SQLite's salt and checksum
 *       chain, which recovery checks. Reads of a whole frame (recovery)
 *       and of the page inside one (readers, the checkpoint) both decrypt
 *       the whole frame.
 *   rollback journal (store.db-journal: while a database is made, and
 *       where WAL cannot be used)  header in the clear (sizes, a random
 *       checksum seed, no content); each saved page sealed, associated
 *       data 'J' + its page number (the 4-byte record SQLite writes and
 *       reads just before it).
 *   -shm  never goes through xRead/xWrite: the wrapped file maps it. It
 *       holds the WAL index only: page numbers, frame numbers, salts,
 *       read marks and a copy of the last frame's checksum.
 *   temporary files (statement journals, temp databases, sorter runs,
 *       VACUUM's copy, materialised views: every file SQLite opens
 *       without a name)  kept in memory by this VFS and wiped at close;
 *       they never reach the disk. dft_cryptvfs_prepare also sets
 *       temp_store=MEMORY, so most of them are SQLite's own memory.
 *   super-journal (a transaction over several attached databases in
 *       rollback mode)  refused: the store attaches nothing.
 *
 * Failures. A page or frame that does not authenticate (a flipped bit, a
 * wrong key, a torn write) is never given to SQLite as data: the read
 * fails with SQLITE_IOERR_DATA and dft_cryptvfs_last_error() names the
 * file and the page. One exception keeps SQLite's crash recovery: when
 * SQLite reads a whole WAL frame (only recovery and its checksum rewrite
 * do) that fails, it gets the frame with its salts inverted and its page
 * zeroed, so it sees what it sees after a torn write - an invalid frame
 * that ends the log - and takes the log up to the frame before; the
 * failure is still recorded and logged (sqlite3_log). A kill -9 cannot
 * tear a frame that a commit counts on: SQLite fsyncs or at least writes
 * a commit's frames before it reports the commit, and recovery reads only
 * frames wholly in the file.
 *
 * What it does not hide (docs/SECURITY.md): file sizes and page counts,
 * and which pages change when (WAL frame headers, the -shm index, which
 * also holds the last frame's running checksum). An old copy of a page put
 * back in place of the new one authenticates (no rollback protection), as
 * with SQLCipher and SEE.
 */
#include "daftar/cryptvfs.h"
#include "daftar/core.h"

#include <pthread.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAGE DFT_CRYPTVFS_PAGE_SIZE
#define RESERVE DFT_CRYPTVFS_RESERVE
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEALED (PAGE - RESERVE) /* the bytes of a page that are encrypted */
#define WAL_HDR 32
#define FRAME_HDR 24
#define FRAME (FRAME_HDR + PAGE)
#define JOURNAL_SECTOR 512 /* journal headers start on multiples of it */
#define HEADER_TRIES 3

_Static_assert(NONCE + TAG == RESERVE, "the reserved bytes hold exactly a nonce and a tag");
_Static_assert(DFT_CRYPTVFS_KEYBYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES, "key size");

enum file_kind { KIND_DB, KIND_WAL, KIND_JOURNAL, KIND_MEMORY };

typedef struct crypt_vfs {
	sqlite3_vfs base;
	sqlite3_vfs *real;   /* the default VFS it wraps */
	unsigned char *key;  /* sodium_malloc'd: locked, read-only; the data key, */
	unsigned char *mask; /* then the key that masks WAL checksums (wal_mask) */
	char *name;
	struct crypt_vfs *next;
} crypt_vfs;

typedef struct crypt_file {
	sqlite3_file base;
	crypt_vfs *vfs;
	int kind;
	const char *label;    /* the file's name without its folder */
	unsigned char *frame; /* scratch: one WAL frame, or one page */
	/* WAL: the frame header written last (SQLite writes the header, then
	 * the page) */
	sqlite3_int64 hdr_off;
	unsigned char hdr[FRAME_HDR];
	/* journal: the page-number record written or read last */
	sqlite3_int64 pgno_off;
	uint32_t pgno;
	/* memory files */
	unsigned char *mem;
	sqlite3_int64 mem_len, mem_cap;
	sqlite3_file *real; /* the wrapped file, in the bytes after this struct */
} crypt_file;

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static crypt_vfs *registry;

/* ---- the last failure, per thread ---------------------------------------- */

static _Thread_local char last_error[512];
static _Thread_local int last_error_page1;

const char *dft_cryptvfs_last_error(void) { return last_error; }
int dft_cryptvfs_last_error_is_page1(void) { return last_error_page1; }
void dft_cryptvfs_clear_error(void)
{
	last_error[0] = '\0';
	last_error_page1 = 0;
}

static void note(int page1, const char *fmt, ...) DFT_PRINTF(2, 3);
static void note(int page1, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	last_error_page1 = page1;
	sqlite3_log(SQLITE_IOERR_DATA, "daftar cryptvfs: %s", last_error);
}

/* ---- sealing one page ---------------------------------------------------- */

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Is the key there? A forked child sees zeros in its page (MADV_WIPEONFORK,
 * dft_cryptvfs_register): it must register a VFS of its own, and never
 * seals a page with a key of zeros. */
static int key_wiped(crypt_file *f)
{
	if (!sodium_is_zero(f->vfs->key, DFT_CRYPTVFS_KEYBYTES))
		return 0;
	note(0, "%s: the key of VFS %s was wiped (in a forked process: register one there; or at the end of "
		"this one)", f->label, f->vfs->name);
	return 1;
}

/* out (PAGE bytes) = in sealed under ad: a fresh nonce each time. */
static void seal_page(const crypt_vfs *v, unsigned char *out, const unsigned char *in,
		      const unsigned char *ad, size_t adlen)
{
	unsigned char *nonce = out + SEALED, *tag = out + SEALED + NONCE;
	randombytes_buf(nonce, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out, tag, NULL, in, SEALED, ad, adlen, NULL,
							     nonce, v->key);
}

/* Open the sealed page p (PAGE bytes) in place: 0, its reserved bytes
 * zero; or -1 and the page zeroed. */
static int open_page(const crypt_vfs *v, unsigned char *p, const unsigned char *ad, size_t adlen)
{
	unsigned char nonce[NONCE], tag[TAG];
	int rc;
	memcpy(nonce, p + SEALED, NONCE);
	memcpy(tag, p + SEALED + NONCE, TAG);
	rc = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(p, NULL, p, SEALED, tag, ad, adlen, nonce,
								 v->key);
	if (rc != 0) {
		sodium_memzero(p, PAGE);
		return -1;
	}
	memset(p + SEALED, 0, RESERVE);
	return 0;
}

static int reserve_is_zero(const unsigned char *page)
{
	static const unsigned char zero[RESERVE];
	return memcmp(page + SEALED, zero, RESERVE) == 0;
}

/* Page 1 as SQLite writes it must keep room for nonce and tag. */
static int page1_fits(crypt_file *f, const unsigned char *page)
{
	unsigned size = (unsigned)page[16] << 8 | page[17];
	if (size == 1)
		size = 65536;
	if (size == PAGE && page[20] >= RESERVE)
		return 1;
	note(0, "%s: page 1 written with a page size of %u and %u reserved bytes, not %d and %d: "
		"dft_cryptvfs_prepare() was not called before the first table", f->label, size, page[20], PAGE,
	     RESERVE);
	return 0;
}

/* The page of a frame this thread read last, sealed and open: a checkpoint
 * writes it to the database next, and that write reuses the sealed bytes
 * (a third of the cost of a checkpointed page). */
static _Thread_local struct {
	const crypt_vfs *vfs;
	uint32_t pgno; /* 0: none */
	unsigned char sealed[PAGE], open[PAGE];
} last_frame;

/* Is this database write the page the checkpoint just read from the WAL?
 * Then its sealed bytes are a sealing of it, under this key and page
 * number: 1 and out set. */
static int checkpoint_copy(const crypt_vfs *v, uint32_t pgno, const unsigned char *page, const unsigned char **out)
{
	if (last_frame.pgno != pgno || last_frame.vfs != v || memcmp(last_frame.open, page, PAGE) != 0)
		return 0;
	*out = last_frame.sealed;
	return 1;
}

static void forget_frame(void)
{
	if (last_frame.pgno) {
		sodium_memzero(last_frame.open, PAGE);
		last_frame.pgno = 0;
	}
}

/* ---- the main database ---------------------------------------------------- */

/* Read page pgno whole into buf and open it. */
static int db_read_page(crypt_file *f, unsigned char *buf, uint32_t pgno)
{
	sqlite3_int64 off = (sqlite3_int64)(pgno - 1) * PAGE, size = 0;
	unsigned char ad[5];
	int rc = f->real->pMethods->xRead(f->real, buf, PAGE, off);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		/* past the end: a page SQLite has not written yet reads as
		 * zeros, as in the clear; a page cut short is a failed page */
		if (f->real->pMethods->xFileSize(f->real, &size) == SQLITE_OK && size <= off) {
			memset(buf, 0, PAGE);
			return SQLITE_IOERR_SHORT_READ;
		}
	} else if (rc != SQLITE_OK) {
		return rc;
	}
	ad[0] = 'D';
	put32(ad + 1, pgno);
	if (rc == SQLITE_OK && open_page(f->vfs, buf, ad, sizeof(ad)) == 0)
		return SQLITE_OK;
	memset(buf, 0, PAGE);
	if (pgno == 1)
		note(1, "%s page 1: authentication failed (a wrong key, a file that is no encrypted daftar "
			"database, or an altered page)", f->label);
	else
		note(0, "%s page %u: authentication failed%s", f->label, pgno,
		     rc == SQLITE_OK ? "" : " (the file ends inside it)");
	return SQLITE_IOERR_DATA;
}

static int db_read(crypt_file *f, unsigned char *buf, int amt, sqlite3_int64 off)
{
	uint32_t pgno = (uint32_t)(off / PAGE) + 1;
	int rc, tries;
	if (off % PAGE == 0 && amt == PAGE)
		return db_read_page(f, buf, pgno);
	if (off / PAGE != (off + amt - 1) / PAGE) {
		note(0, "%s: a read of %d bytes at %lld crosses pages", f->label, amt, (long long)off);
		return SQLITE_IOERR_READ;
	}
	/* Part of one page: the header SQLite reads at open holds no lock,
	 * so a checkpoint may be writing page 1 at that moment; try again
	 * before calling it a failure. */
	for (tries = 0;; tries++) {
		rc = db_read_page(f, f->frame, pgno);
		if (rc != SQLITE_IOERR_DATA || pgno != 1 || off != 0 || tries + 1 >= HEADER_TRIES)
			break;
	}
	memcpy(buf, f->frame + off % PAGE, (size_t)amt);
	return rc;
}

static int db_write(crypt_file *f, const unsigned char *buf, int amt, sqlite3_int64 off)
{
	unsigned char ad[5];
	int rc = SQLITE_OK, i;
	if (off % PAGE || amt % PAGE || amt == 0) {
		note(0, "%s: a write of %d bytes at %lld is not whole pages", f->label, amt, (long long)off);
		return SQLITE_IOERR_WRITE;
	}
	for (i = 0; i < amt / PAGE && rc == SQLITE_OK; i++) {
		const unsigned char *page = buf + (size_t)i * PAGE;
		uint32_t pgno = (uint32_t)(off / PAGE) + 1 + (uint32_t)i;
		const unsigned char *sealed = f->frame;
		if (pgno == 1 && !page1_fits(f, page))
			return SQLITE_IOERR_WRITE;
		if (!checkpoint_copy(f->vfs, pgno, page, &sealed)) {
			ad[0] = 'D';
			put32(ad + 1, pgno);
			seal_page(f->vfs, f->frame, page, ad, sizeof(ad));
		}
		rc = f->real->pMethods->xWrite(f->real, sealed, PAGE, off + (sqlite3_int64)i * PAGE);
		forget_frame();
	}
	return rc;
}

/* ---- the WAL ------------------------------------------------------------- */

/* The associated data of a frame's page is that of the database page it
 * holds, 'D' + its page number: so the checkpoint, which reads a frame and
 * writes the same bytes to the database, copies the sealed page as it is
 * (checkpoint_copy) instead of sealing it again. Not the frame's salts: a
 * frame written again in the same transaction gets zero salts and
 * checksums at first, which SQLite fills in at the commit
 * (walRewriteChecksums). A sealed page moved to another frame of the same
 * page breaks SQLite's checksum chain, checked at recovery. */
static void frame_ad(unsigned char ad[5], const unsigned char *hdr)
{
	ad[0] = 'D';
	memcpy(ad + 1, hdr, 4);
}

/* SQLite's checksum in a frame header (bytes 16-23) runs over the plaintext
 * of every frame so far: against a guess of a page's exact bytes (an
 * overflow page of a known document's text) it would confirm the guess.
 * So it is masked on disk, XORed with a keyed hash of the frame's place and
 * of the rest of its header as written (page number, commit size, salts:
 * SQLite writes a header again, with new salts and checksum, only when it
 * fills in a frame it rewrote in the same transaction). */
static void wal_mask(const crypt_vfs *v, unsigned char *hdr, sqlite3_int64 start)
{
	unsigned char in[24], mask[crypto_generichash_BYTES_MIN];
	int i;
	put32(in, (uint32_t)((uint64_t)start >> 32));
	put32(in + 4, (uint32_t)start);
	memcpy(in + 8, hdr, 16);
	crypto_generichash(mask, sizeof(mask), in, sizeof(in), v->mask, DFT_CRYPTVFS_KEYBYTES);
	for (i = 0; i < 8; i++)
		hdr[16 + i] ^= mask[i];
}

static int wal_read(crypt_file *f, unsigned char *buf, int amt, sqlite3_int64 off)
{
	sqlite3_int64 end = off + amt;
	int rc;
	while (off < end) {
		sqlite3_int64 frame, start, within, n, size = 0;
		unsigned char ad[5];
		if (off < WAL_HDR) { /* the log's header, as SQLite wrote it */
			n = (end < WAL_HDR ? end : WAL_HDR) - off;
			if ((rc = f->real->pMethods->xRead(f->real, buf, (int)n, off)) != SQLITE_OK)
				return rc;
			off += n;
			buf += n;
			continue;
		}
		frame = (off - WAL_HDR) / FRAME;
		start = WAL_HDR + frame * FRAME;
		within = off - start;
		n = end - off < FRAME - within ? end - off : FRAME - within;
		if (within + n <= FRAME_HDR) { /* only the frame's header */
			unsigned char hdr[FRAME_HDR];
			if (within + n <= 16) { /* not its checksum */
				if ((rc = f->real->pMethods->xRead(f->real, buf, (int)n, off)) != SQLITE_OK)
					return rc;
			} else {
				if ((rc = f->real->pMethods->xRead(f->real, hdr, FRAME_HDR, start)) != SQLITE_OK) {
					memset(buf, 0, (size_t)(end - off));
					return rc;
				}
				wal_mask(f->vfs, hdr, start);
				memcpy(buf, hdr + within, (size_t)n);
			}
			off += n;
			buf += n;
			continue;
		}
		rc = f->real->pMethods->xRead(f->real, f->frame, FRAME, start);
		if (rc == SQLITE_IOERR_SHORT_READ &&
		    f->real->pMethods->xFileSize(f->real, &size) == SQLITE_OK && size <= start) {
			memset(buf, 0, (size_t)(end - off));
			return SQLITE_IOERR_SHORT_READ;
		}
		if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
			return rc;
		wal_mask(f->vfs, f->frame, start);
		frame_ad(ad, f->frame);
		if (within == FRAME_HDR && n == PAGE && rc == SQLITE_OK) {
			last_frame.pgno = 0;
			memcpy(last_frame.sealed, f->frame + FRAME_HDR, PAGE);
		}
		if (rc == SQLITE_OK && open_page(f->vfs, f->frame + FRAME_HDR, ad, sizeof(ad)) == 0) {
			memcpy(buf, f->frame + within, (size_t)n);
			if (within == FRAME_HDR && n == PAGE) { /* a page, as the checkpoint reads it */
				last_frame.vfs = f->vfs;
				last_frame.pgno = get32(f->frame);
				memcpy(last_frame.open, buf, PAGE);
			}
		} else if (within == 0 && n == FRAME && rc == SQLITE_OK) {
			/* recovery: show SQLite an invalid frame, as after a
			 * torn write; it takes the log up to the one before */
			int i;
			note(0, "%s frame %lld (page %u): authentication failed; the log is taken up to the "
				"frame before it (a write cut short by a crash, or an altered file)",
			     f->label, (long long)frame + 1, get32(f->frame));
			memcpy(buf, f->frame, FRAME_HDR);
			for (i = 8; i < 16; i++)
				buf[i] = (unsigned char)~buf[i];
			memset(buf + FRAME_HDR, 0, PAGE);
		} else {
			note(0, "%s frame %lld (page %u): authentication failed", f->label, (long long)frame + 1,
			     get32(f->frame));
			memset(buf, 0, (size_t)(end - off));
			return SQLITE_IOERR_DATA;
		}
		off += n;
		buf += n;
	}
	return SQLITE_OK;
}

static int wal_write_page(crypt_file *f, const unsigned char *hdr, const unsigned char *page, sqlite3_int64 off)
{
	unsigned char ad[5];
	if (!reserve_is_zero(page)) {
		/* SQLite's checksum covers these bytes and the VFS cannot keep
		 * them: refuse rather than write a frame recovery would drop */
		note(0, "%s: page %u has data in its reserved bytes", f->label, get32(hdr));
		return SQLITE_IOERR_WRITE;
	}
	if (get32(hdr) == 1 && !page1_fits(f, page))
		return SQLITE_IOERR_WRITE;
	frame_ad(ad, hdr);
	seal_page(f->vfs, f->frame + FRAME_HDR, page, ad, sizeof(ad));
	return f->real->pMethods->xWrite(f->real, f->frame + FRAME_HDR, PAGE, off);
}

static int wal_write(crypt_file *f, const unsigned char *buf, int amt, sqlite3_int64 off)
{
	sqlite3_int64 start, within;
	int rc;
	if (off + amt <= WAL_HDR) {
		if (off == 0 && amt >= 12 && get32(buf + 8) != PAGE) {
			note(0, "%s: a log of %u-byte pages, not %d", f->label, get32(buf + 8), PAGE);
			return SQLITE_IOERR_WRITE;
		}
		return f->real->pMethods->xWrite(f->real, buf, amt, off);
	}
	if (off < WAL_HDR)
		goto odd;
	start = WAL_HDR + (off - WAL_HDR) / FRAME * FRAME;
	within = off - start;
	if (within == 0 && amt == FRAME_HDR) {
		unsigned char hdr[FRAME_HDR];
		memcpy(hdr, buf, FRAME_HDR);
		wal_mask(f->vfs, hdr, start);
		rc = f->real->pMethods->xWrite(f->real, hdr, FRAME_HDR, off);
		memcpy(f->hdr, buf, FRAME_HDR);
		f->hdr_off = rc == SQLITE_OK ? start : -1;
		return rc;
	}
	if (within + amt <= 16) /* a header's first bytes: never its checksum */
		return f->real->pMethods->xWrite(f->real, buf, amt, off);
	if (within == FRAME_HDR && amt == PAGE) {
		/* the page after its header; or a page SQLite writes again
		 * into a frame of the same transaction: read that header */
		if (f->hdr_off != start) {
			rc = f->real->pMethods->xRead(f->real, f->hdr, FRAME_HDR, start);
			if (rc != SQLITE_OK) {
				f->hdr_off = -1;
				return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_WRITE : rc;
			}
			wal_mask(f->vfs, f->hdr, start);
			f->hdr_off = start;
		}
		return wal_write_page(f, f->hdr, buf, off);
	}
	if (within == 0 && amt == FRAME) {
		unsigned char hdr[FRAME_HDR];
		memcpy(f->hdr, buf, FRAME_HDR);
		f->hdr_off = start;
		memcpy(hdr, buf, FRAME_HDR);
		wal_mask(f->vfs, hdr, start);
		if ((rc = f->real->pMethods->xWrite(f->real, hdr, FRAME_HDR, off)) != SQLITE_OK)
			return rc;
		return wal_write_page(f, buf, buf + FRAME_HDR, off + FRAME_HDR);
	}
odd:
	/* SQLite splits a frame only to pad a log to a sector boundary, which
	 * it does on devices without powersafe overwrite (URI psow=0) */
	note(0, "%s: a write of %d bytes at %lld is not a header, a frame or a page", f->label, amt,
	     (long long)off);
	return SQLITE_IOERR_WRITE;
}

/* ---- the rollback journal ------------------------------------------------ */

/* A saved page: PAGE bytes just after its 4-byte page number, never at the
 * start of a journal header (those are at multiples of the sector size,
 * and records 4 + PAGE + 4 bytes long never put a page there). */
static int journal_is_page(int amt, sqlite3_int64 off) { return amt == PAGE && off % JOURNAL_SECTOR != 0; }

static int journal_pgno(crypt_file *f, sqlite3_int64 off, uint32_t *pgno)
{
	unsigned char b[4];
	int rc;
	if (f->pgno_off == off - 4) {
		*pgno = f->pgno;
		return SQLITE_OK;
	}
	if ((rc = f->real->pMethods->xRead(f->real, b, 4, off - 4)) != SQLITE_OK)
		return rc;
	*pgno = get32(b);
	return SQLITE_OK;
}

static int journal_read(crypt_file *f, unsigned char *buf, int amt, sqlite3_int64 off)
{
	unsigned char ad[5];
	uint32_t pgno;
	int rc = f->real->pMethods->xRead(f->real, buf, amt, off);
	if (amt == 4 && rc == SQLITE_OK) {
		f->pgno_off = off;
		f->pgno = get32(buf);
	}
	if (!journal_is_page(amt, off) || (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ))
		return rc;
	if (rc == SQLITE_OK && (rc = journal_pgno(f, off, &pgno)) == SQLITE_OK) {
		ad[0] = 'J';
		put32(ad + 1, pgno);
		if (open_page(f->vfs, buf, ad, sizeof(ad)) == 0)
			return SQLITE_OK;
		note(0, "%s: saved page %u at %lld: authentication failed", f->label, pgno, (long long)off);
	} else {
		note(0, "%s: the saved page at %lld is cut short", f->label, (long long)off);
	}
	memset(buf, 0, PAGE);
	return SQLITE_IOERR_DATA;
}

static int journal_write(crypt_file *f, const unsigned char *buf, int amt, sqlite3_int64 off)
{
	unsigned char ad[5];
	uint32_t pgno;
	int rc;
	if (!journal_is_page(amt, off)) {
		rc = f->real->pMethods->xWrite(f->real, buf, amt, off);
		if (amt == 4) {
			f->pgno_off = rc == SQLITE_OK ? off : -1;
			f->pgno = get32(buf);
		}
		return rc;
	}
	if ((rc = journal_pgno(f, off, &pgno)) != SQLITE_OK)
		return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_WRITE : rc;
	ad[0] = 'J';
	put32(ad + 1, pgno);
	seal_page(f->vfs, f->frame, buf, ad, sizeof(ad));
	return f->real->pMethods->xWrite(f->real, f->frame, PAGE, off);
}

/* ---- the file methods of a database, WAL or journal ----------------------- */

static int crypt_close(sqlite3_file *file)
{
	crypt_file *f = (crypt_file *)file;
	int rc = f->real->pMethods ? f->real->pMethods->xClose(f->real) : SQLITE_OK;
	if (f->frame) {
		sodium_memzero(f->frame, FRAME);
		sqlite3_free(f->frame);
		f->frame = NULL;
	}
	return rc;
}

static int crypt_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	crypt_file *f = (crypt_file *)file;
	if (key_wiped(f))
		return SQLITE_IOERR_READ;
	switch (f->kind) {
	case KIND_DB:
		return db_read(f, buf, amt, off);
	case KIND_WAL:
		return wal_read(f, buf, amt, off);
	default:
		return journal_read(f, buf, amt, off);
	}
}

static int crypt_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	crypt_file *f = (crypt_file *)file;
	if (key_wiped(f))
		return SQLITE_IOERR_WRITE;
	switch (f->kind) {
	case KIND_DB:
		return db_write(f, buf, amt, off);
	case KIND_WAL:
		return wal_write(f, buf, amt, off);
	default:
		return journal_write(f, buf, amt, off);
	}
}

#define REAL(file) (((crypt_file *)(file))->real)
static int crypt_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	crypt_file *f = (crypt_file *)file;
	f->hdr_off = f->pgno_off = -1;
	return REAL(file)->pMethods->xTruncate(REAL(file), size);
}
static int crypt_sync(sqlite3_file *file, int flags) { return REAL(file)->pMethods->xSync(REAL(file), flags); }
static int crypt_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	return REAL(file)->pMethods->xFileSize(REAL(file), size);
}
static int crypt_lock(sqlite3_file *file, int lock) { return REAL(file)->pMethods->xLock(REAL(file), lock); }
static int crypt_unlock(sqlite3_file *file, int lock) { return REAL(file)->pMethods->xUnlock(REAL(file), lock); }
static int crypt_check_reserved(sqlite3_file *file, int *out)
{
	return REAL(file)->pMethods->xCheckReservedLock(REAL(file), out);
}
static int crypt_file_control(sqlite3_file *file, int op, void *arg)
{
	return REAL(file)->pMethods->xFileControl(REAL(file), op, arg);
}
static int crypt_sector_size(sqlite3_file *file) { return REAL(file)->pMethods->xSectorSize(REAL(file)); }
static int crypt_device(sqlite3_file *file)
{
	/* no batch-atomic writes: every write goes through the VFS's pages */
	return REAL(file)->pMethods->xDeviceCharacteristics(REAL(file)) & ~SQLITE_IOCAP_BATCH_ATOMIC;
}
static int crypt_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **out)
{
	return REAL(file)->pMethods->xShmMap(REAL(file), region, size, extend, out);
}
static int crypt_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	return REAL(file)->pMethods->xShmLock(REAL(file), offset, n, flags);
}
static void crypt_shm_barrier(sqlite3_file *file) { REAL(file)->pMethods->xShmBarrier(REAL(file)); }
static int crypt_shm_unmap(sqlite3_file *file, int delete_flag)
{
	return REAL(file)->pMethods->xShmUnmap(REAL(file), delete_flag);
}

/* Version 2: shared memory for WAL, but no xFetch, so SQLite never maps
 * the database and reads every page through crypt_read. */
static const sqlite3_io_methods crypt_methods = {
	2, crypt_close, crypt_read, crypt_write, crypt_truncate, crypt_sync, crypt_file_size, crypt_lock,
	crypt_unlock, crypt_check_reserved, crypt_file_control, crypt_sector_size, crypt_device, crypt_shm_map,
	crypt_shm_lock, crypt_shm_barrier, crypt_shm_unmap, NULL, NULL};

/* ---- temporary files, in memory ------------------------------------------- */

static int mem_close(sqlite3_file *file)
{
	crypt_file *f = (crypt_file *)file;
	if (f->mem) {
		sodium_memzero(f->mem, (size_t)f->mem_cap);
		sqlite3_free(f->mem);
		f->mem = NULL;
	}
	return SQLITE_OK;
}

static int mem_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	crypt_file *f = (crypt_file *)file;
	sqlite3_int64 have = off < f->mem_len ? f->mem_len - off : 0;
	if (have >= amt) {
		memcpy(buf, f->mem + off, (size_t)amt);
		return SQLITE_OK;
	}
	if (have > 0)
		memcpy(buf, f->mem + off, (size_t)have);
	memset((unsigned char *)buf + have, 0, (size_t)(amt - have));
	return SQLITE_IOERR_SHORT_READ;
}

static int mem_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	crypt_file *f = (crypt_file *)file;
	sqlite3_int64 need = off + amt;
	if (need > f->mem_cap) {
		sqlite3_int64 cap = f->mem_cap ? f->mem_cap : 65536;
		unsigned char *p;
		while (cap < need)
			cap *= 2;
		/* a fresh block, the old one wiped: no copy of temporary
		 * plaintext is left behind in freed memory */
		if (!(p = sqlite3_malloc64((sqlite3_uint64)cap)))
			return SQLITE_IOERR_NOMEM;
		if (f->mem) {
			memcpy(p, f->mem, (size_t)f->mem_len);
			sodium_memzero(f->mem, (size_t)f->mem_cap);
			sqlite3_free(f->mem);
		}
		f->mem = p;
		f->mem_cap = cap;
	}
	if (off > f->mem_len)
		memset(f->mem + f->mem_len, 0, (size_t)(off - f->mem_len));
	memcpy(f->mem + off, buf, (size_t)amt);
	if (need > f->mem_len)
		f->mem_len = need;
	return SQLITE_OK;
}

static int mem_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	crypt_file *f = (crypt_file *)file;
	if (size < f->mem_len) {
		sodium_memzero(f->mem + size, (size_t)(f->mem_len - size));
		f->mem_len = size;
	}
	return SQLITE_OK;
}

static int mem_sync(sqlite3_file *file, int flags) { return SQLITE_OK; }
static int mem_file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	*size = ((crypt_file *)file)->mem_len;
	return SQLITE_OK;
}
static int mem_lock(sqlite3_file *file, int lock) { return SQLITE_OK; }
static int mem_check_reserved(sqlite3_file *file, int *out)
{
	*out = 0;
	return SQLITE_OK;
}
static int mem_file_control(sqlite3_file *file, int op, void *arg) { return SQLITE_NOTFOUND; }
static int mem_sector_size(sqlite3_file *file) { return 512; }
static int mem_device(sqlite3_file *file) { return SQLITE_IOCAP_POWERSAFE_OVERWRITE | SQLITE_IOCAP_SAFE_APPEND; }

static const sqlite3_io_methods memory_methods = {
	1, mem_close, mem_read, mem_write, mem_truncate, mem_sync, mem_file_size, mem_lock, mem_lock,
	mem_check_reserved, mem_file_control, mem_sector_size, mem_device, NULL, NULL, NULL, NULL, NULL, NULL};

/* ---- the VFS -------------------------------------------------------------- */

static int crypt_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags, int *out_flags)
{
	crypt_vfs *v = (crypt_vfs *)vfs;
	crypt_file *f = (crypt_file *)file;
	const char *slash;
	int rc;

	memset(f, 0, sizeof(*f));
	f->vfs = v;
	f->hdr_off = f->pgno_off = -1;
	if (!name) {
		f->kind = KIND_MEMORY;
		f->label = "temporary file";
		f->base.pMethods = &memory_methods;
		if (out_flags)
			*out_flags = flags;
		return SQLITE_OK;
	}
	if (flags & SQLITE_OPEN_MAIN_DB)
		f->kind = KIND_DB;
	else if (flags & SQLITE_OPEN_WAL)
		f->kind = KIND_WAL;
	else if (flags & SQLITE_OPEN_MAIN_JOURNAL)
		f->kind = KIND_JOURNAL;
	else {
		note(0, "%s: an encrypted database cannot keep this file (flags %#x); it would be in the clear",
		     name, (unsigned)flags);
		return SQLITE_CANTOPEN;
	}
	slash = strrchr(name, '/');
	f->label = slash ? slash + 1 : name;
	f->real = (sqlite3_file *)(f + 1);
	if (!(f->frame = sqlite3_malloc(FRAME)))
		return SQLITE_NOMEM;
	rc = v->real->xOpen(v->real, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		if (f->real->pMethods)
			f->real->pMethods->xClose(f->real);
		sqlite3_free(f->frame);
		f->frame = NULL;
		return rc;
	}
	f->base.pMethods = &crypt_methods;
	return SQLITE_OK;
}

#define REALVFS(vfs) (((crypt_vfs *)(vfs))->real)
static int crypt_delete(sqlite3_vfs *vfs, const char *name, int sync)
{
	return REALVFS(vfs)->xDelete(REALVFS(vfs), name, sync);
}
static int crypt_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return REALVFS(vfs)->xAccess(REALVFS(vfs), name, flags, out);
}
static int crypt_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return REALVFS(vfs)->xFullPathname(REALVFS(vfs), name, n, out);
}
static void *crypt_dlopen(sqlite3_vfs *vfs, const char *name) { return REALVFS(vfs)->xDlOpen(REALVFS(vfs), name); }
static void crypt_dlerror(sqlite3_vfs *vfs, int n, char *out) { REALVFS(vfs)->xDlError(REALVFS(vfs), n, out); }
static void (*crypt_dlsym(sqlite3_vfs *vfs, void *lib, const char *sym))(void)
{
	return REALVFS(vfs)->xDlSym(REALVFS(vfs), lib, sym);
}
static void crypt_dlclose(sqlite3_vfs *vfs, void *lib) { REALVFS(vfs)->xDlClose(REALVFS(vfs), lib); }
static int crypt_randomness(sqlite3_vfs *vfs, int n, char *out)
{
	return REALVFS(vfs)->xRandomness(REALVFS(vfs), n, out);
}
static int crypt_sleep(sqlite3_vfs *vfs, int us) { return REALVFS(vfs)->xSleep(REALVFS(vfs), us); }
static int crypt_current_time(sqlite3_vfs *vfs, double *out)
{
	return REALVFS(vfs)->xCurrentTime(REALVFS(vfs), out);
}
static int crypt_last_error(sqlite3_vfs *vfs, int n, char *out)
{
	return REALVFS(vfs)->xGetLastError(REALVFS(vfs), n, out);
}
static int crypt_current_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	return REALVFS(vfs)->xCurrentTimeInt64(REALVFS(vfs), out);
}

static crypt_vfs *find_locked(const char *name)
{
	crypt_vfs *v;
	for (v = registry; v; v = v->next)
		if (strcmp(v->name, name) == 0)
			return v;
	return NULL;
}

static void wipe_at_exit(void);
static pid_t wipe_pid;

int dft_cryptvfs_register(const char *name, const unsigned char key[DFT_CRYPTVFS_KEYBYTES])
{
	sqlite3_vfs *real;
	crypt_vfs *v = NULL;
	int rc = 0;

	if (!name || !*name || !key)
		return dft_error_set(DFT_EINVAL, "cryptvfs: a name and a key are needed");
	if (sodium_init() < 0)
		return dft_error_set(DFT_ERROR, "cryptvfs: libsodium could not be initialised");
	/* a key of zeros is a wiped one (dft_crypt_wipe_keys, or a forked
	 * child's copy): never a VFS that would seal pages with it */
	if (sodium_is_zero(key, DFT_CRYPTVFS_KEYBYTES))
		return dft_error_set(DFT_EINVAL, "cryptvfs: the key was wiped");
	if (sqlite3_initialize() != SQLITE_OK)
		return dft_error_set(DFT_ERROR, "cryptvfs: SQLite could not be initialised");
	pthread_mutex_lock(&registry_lock);
	if (sqlite3_vfs_find(name)) {
		rc = dft_error_set(DFT_EEXISTS, "cryptvfs: an SQLite VFS named %s is already registered", name);
		goto done;
	}
	if (!(real = sqlite3_vfs_find(NULL)) || real->iVersion < 2) {
		rc = dft_error_set(DFT_ERROR, "cryptvfs: SQLite has no default VFS to wrap");
		goto done;
	}
	if (!(v = dft_calloc(1, sizeof(*v))) || !(v->name = dft_strdup(name)) ||
	    !(v->key = sodium_malloc(2 * DFT_CRYPTVFS_KEYBYTES))) {
		rc = dft_error_set(DFT_ENOMEM, "cryptvfs: out of memory (or locked memory) for the key");
		goto done;
	}
	memcpy(v->key, key, DFT_CRYPTVFS_KEYBYTES);
	v->mask = v->key + DFT_CRYPTVFS_KEYBYTES;
	crypto_generichash(v->mask, DFT_CRYPTVFS_KEYBYTES, (const unsigned char *)"daftar cryptvfs: WAL checksums", 30,
			   key, DFT_CRYPTVFS_KEYBYTES);
	sodium_mprotect_readonly(v->key);
#ifdef MADV_WIPEONFORK
	{
		/* forked extraction workers (untrusted parsers) see zeros
		 * there: the page belongs to sodium_malloc's own mapping */
		uintptr_t pg = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)v->key & ~(pg - 1);
		uintptr_t e = ((uintptr_t)v->key + 2 * DFT_CRYPTVFS_KEYBYTES + pg - 1) & ~(pg - 1);
		(void)madvise((void *)a, e - a, MADV_WIPEONFORK);
	}
#endif
	v->real = real;
	v->base.iVersion = real->iVersion < 2 ? real->iVersion : 2;
	v->base.szOsFile = (int)sizeof(crypt_file) + real->szOsFile;
	v->base.mxPathname = real->mxPathname;
	v->base.zName = v->name;
	v->base.pAppData = NULL;
	v->base.xOpen = crypt_open;
	v->base.xDelete = crypt_delete;
	v->base.xAccess = crypt_access;
	v->base.xFullPathname = crypt_full_pathname;
	v->base.xDlOpen = crypt_dlopen;
	v->base.xDlError = crypt_dlerror;
	v->base.xDlSym = crypt_dlsym;
	v->base.xDlClose = crypt_dlclose;
	v->base.xRandomness = crypt_randomness;
	v->base.xSleep = crypt_sleep;
	v->base.xCurrentTime = crypt_current_time;
	v->base.xGetLastError = crypt_last_error;
	v->base.xCurrentTimeInt64 = crypt_current_time64;
	if (sqlite3_vfs_register(&v->base, 0) != SQLITE_OK) {
		rc = dft_error_set(DFT_ERROR, "cryptvfs: SQLite refused to register %s", name);
		goto done;
	}
	v->next = registry;
	registry = v;
	v = NULL;
	/* wiped at exit: a dead process's pages keep their bytes until the
	 * kernel gives them to another one */
	if (wipe_pid != getpid()) {
		wipe_pid = getpid();
		atexit(wipe_at_exit);
	}
done:
	pthread_mutex_unlock(&registry_lock);
	if (v) {
		sodium_free(v->key);
		free(v->name);
		free(v);
	}
	return rc;
}

void dft_cryptvfs_unregister(const char *name)
{
	crypt_vfs **p, *v = NULL;
	if (!name)
		return;
	pthread_mutex_lock(&registry_lock);
	for (p = &registry; *p; p = &(*p)->next)
		if (strcmp((*p)->name, name) == 0) {
			v = *p;
			*p = v->next;
			break;
		}
	if (v)
		sqlite3_vfs_unregister(&v->base);
	pthread_mutex_unlock(&registry_lock);
	if (!v)
		return;
	sodium_free(v->key); /* wipes it */
	free(v->name);
	free(v);
}

/* the process whose exit wipes the keys (a forked child's are zeros) */

static void wipe_at_exit(void)
{
	if (wipe_pid == getpid())
		dft_cryptvfs_wipe_keys();
}

void dft_cryptvfs_wipe_keys(void)
{
	crypt_vfs *v;
	pthread_mutex_lock(&registry_lock);
	for (v = registry; v; v = v->next) {
		sodium_mprotect_readwrite(v->key);
		sodium_memzero(v->key, 2 * DFT_CRYPTVFS_KEYBYTES);
		sodium_mprotect_readonly(v->key);
	}
	pthread_mutex_unlock(&registry_lock);
	forget_frame();
}

int dft_cryptvfs_prepare(sqlite3 *db)
{
	sqlite3_vfs *vfs = NULL;
	char *err = NULL;
	int n = DFT_CRYPTVFS_RESERVE, rc;

	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_VFS_POINTER, &vfs) != SQLITE_OK || !vfs ||
	    vfs->xOpen != crypt_open)
		return dft_error_set(DFT_EINVAL, "cryptvfs: the database was not opened through an encrypting VFS");
	pthread_mutex_lock(&registry_lock);
	rc = find_locked(vfs->zName) != NULL;
	pthread_mutex_unlock(&registry_lock);
	if (!rc)
		return dft_error_set(DFT_EINVAL, "cryptvfs: %s is no longer registered", vfs->zName);
	if (sqlite3_exec(db, "PRAGMA temp_store=MEMORY; PRAGMA page_size=4096;", NULL, NULL, &err) != SQLITE_OK) {
		rc = dft_error_set(DFT_EIO, "cryptvfs: %s", err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return rc;
	}
	sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &n);
	n = -1;
	sqlite3_file_control(db, "main", SQLITE_FCNTL_RESERVE_BYTES, &n);
	if (n < DFT_CRYPTVFS_RESERVE)
		return dft_error_set(DFT_EIO, "cryptvfs: SQLite kept %d reserved bytes a page, not %d", n,
				     DFT_CRYPTVFS_RESERVE);
	/* read page 1 now, so that a wrong key fails here */
	dft_cryptvfs_clear_error();
	if (sqlite3_exec(db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, &err) != SQLITE_OK) {
		rc = dft_error_set(DFT_EIO, "%s", *last_error ? last_error : err ? err : sqlite3_errmsg(db));
		sqlite3_free(err);
		return rc;
	}
	return 0;
}

int dft_cryptvfs_open(sqlite3 **out, const char *path, int flags, const unsigned char key[DFT_CRYPTVFS_KEYBYTES])
{
	static const unsigned char label[] = "daftar cryptvfs name";
	unsigned char id[8];
	char name[40], hex[2 * sizeof(id) + 1];
	sqlite3 *db = NULL;
	int rc, known;

	*out = NULL;
	if (sodium_init() < 0)
		return dft_error_set(DFT_ERROR, "cryptvfs: libsodium could not be initialised");
	/* a name that tells one key's VFS from another's, and nothing of the key */
	crypto_generichash(id, sizeof(id), label, sizeof(label) - 1, key, DFT_CRYPTVFS_KEYBYTES);
	sodium_bin2hex(hex, sizeof(hex), id, sizeof(id));
	snprintf(name, sizeof(name), "daftar-crypt-%s", hex);
	pthread_mutex_lock(&registry_lock);
	known = find_locked(name) != NULL;
	pthread_mutex_unlock(&registry_lock);
	if (!known && (rc = dft_cryptvfs_register(name, key)) < 0 && rc != DFT_EEXISTS)
		return rc;
	dft_cryptvfs_clear_error();
	if (sqlite3_open_v2(path, &db, flags, name) != SQLITE_OK) {
		if (last_error_page1)
			rc = dft_error_set(DFT_EENCRYPTED, "%s: wrong passphrase or not a daftar case (%s)", path,
					   last_error);
		else
			rc = dft_error_set(DFT_EIO, "cannot open %s: %s%s%s", path,
					   db ? sqlite3_errmsg(db) : "out of memory", *last_error ? ": " : "", last_error);
		sqlite3_close(db);
		return rc;
	}
	sqlite3_extended_result_codes(db, 1);
	if ((rc = dft_cryptvfs_prepare(db)) < 0) {
		if (last_error_page1)
			rc = dft_error_set(DFT_EENCRYPTED, "%s: wrong passphrase or not a daftar case (%s)", path,
					   last_error);
		else
			dft_error_prefix("%s", path);
		sqlite3_close(db);
		return rc;
	}
	*out = db;
	return 0;
}
