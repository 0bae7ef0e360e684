/*
 * store.c - the case store on SQLite (see store.h). Every write that a
 * reader of the case must be able to trust also appends its custody entry
 * here, in the same commit, so no stage can forget one.
 */
#include "store_internal.h"
#include "daftar/cryptvfs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sodium.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(DFT_CRYPT_KEYBYTES == DFT_CRYPTVFS_KEYBYTES, "the database key is what the VFS takes");

/* ---- small helpers ------------------------------------------------------ */

static int db_err(dft_store *st, const char *what)
{
	if (st->pg)
		return dft_error_set(DFT_EIO, "%s: %s: %s", st->pg_label, what, dft_sql_errmsg(st));
	return dft_error_set(DFT_EIO, "%s/store.db: %s: %s", st->dir, what, dft_sql_errmsg(st));
}

/* for the store's other files (store_internal.h) */
int dft_store_db_err(dft_store *st, const char *what) { return db_err(st, what); }

static char *col_strdup(dft_stmt *s, int i)
{
	const unsigned char *t = (const unsigned char *)dft_sql_col_text(s, i);
	return t ? dft_strdup((const char *)t) : NULL;
}

static int path_join(dft_buf *b, const char *dir, const char *name)
{
	dft_buf_reset(b);
	return dft_buf_addf(b, "%s/%s", dir, name);
}

/* ---- init / open -------------------------------------------------------- */

static int store_init(const char *dir, int encrypt)
{
	struct stat sb;
	dft_buf p;
	sqlite3 *db = NULL;
	dft_crypt *key = NULL;
	int rc = 0, fd, made = 0;

	dft_buf_init(&p, 8192);
	if (stat(dir, &sb) == 0) {
		DIR *d;
		struct dirent *e;
		int other = 0;
		if (!S_ISDIR(sb.st_mode))
			return dft_error_set(DFT_EEXISTS, "%s exists and is not a folder", dir);
		path_join(&p, dir, "store.db");
		if (access(p.ptr, F_OK) == 0) {
			dft_buf_dispose(&p);
			return dft_error_set(DFT_EEXISTS, "%s is already a daftar case", dir);
		}
		if (!(d = opendir(dir))) {
			dft_buf_dispose(&p);
			return dft_error_set(DFT_EIO, "cannot read %s: %s", dir, strerror(errno));
		}
		while ((e = readdir(d)))
			if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
				other = 1;
		closedir(d);
		if (other) {
			dft_buf_dispose(&p);
			return dft_error_set(DFT_EEXISTS,
					     "%s is not empty: a case needs a folder of its own", dir);
		}
	}
	/* the passphrase before anything is made: a wrong second entry
	 * leaves no half-made case */
	if (encrypt && (rc = dft_crypt_new(&key)) < 0) {
		dft_buf_dispose(&p);
		return rc;
	}
	if (stat(dir, &sb) != 0) {
		if (mkdir(dir, encrypt ? 0700 : 0755) < 0) {
			dft_crypt_free(key);
			dft_buf_dispose(&p);
			return dft_error_set(DFT_EIO, "cannot make %s: %s", dir, strerror(errno));
		}
		made = 1;
	}
	if (key && (rc = dft_crypt_save(key, dir)) < 0) {
		if (made)
			rmdir(dir);
		goto done;
	}
	if ((rc = path_join(&p, dir, "blobs")) < 0)
		goto done;
	if (mkdir(p.ptr, 0755) < 0 && errno != EEXIST) {
		rc = dft_error_set(DFT_EIO, "cannot make %s: %s", p.ptr, strerror(errno));
		goto done;
	}
	path_join(&p, dir, "blobs/tmp");
	if (mkdir(p.ptr, 0755) < 0 && errno != EEXIST) {
		rc = dft_error_set(DFT_EIO, "cannot make %s: %s", p.ptr, strerror(errno));
		goto done;
	}
	path_join(&p, dir, "custody.log");
	if ((fd = open(p.ptr, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) < 0) {
		rc = dft_error_set(DFT_EIO, "cannot make %s: %s", p.ptr, strerror(errno));
		goto done;
	}
	close(fd);
	path_join(&p, dir, "store.db");
	if (key) {
		/* every page sealed from the first one (cryptvfs.h) */
		if ((rc = dft_cryptvfs_open(&db, p.ptr, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
					    dft_crypt_db_key(key))) < 0)
			goto done;
	} else if (sqlite3_open_v2(p.ptr, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		rc = dft_error_set(DFT_EIO, "cannot make %s: %s", p.ptr, db ? sqlite3_errmsg(db) : "out of memory");
		goto done;
	}
	if (sqlite3_exec(db, key ? "PRAGMA temp_store=MEMORY; PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=WAL", NULL,
			 NULL, NULL) != SQLITE_OK) {
		rc = dft_error_set(DFT_EIO, "%s: %s", p.ptr, sqlite3_errmsg(db));
		goto done;
	}
	if ((rc = dft_index_register(db)) == 0)
		rc = dft_store_migrate(db);
done:
	sqlite3_close(db);
	dft_crypt_free(key);
	dft_buf_dispose(&p);
	return rc;
}

int dft_store_init(const char *dir) { return store_init(dir, 0); }
int dft_store_init_encrypted(const char *dir) { return store_init(dir, 1); }
int dft_store_encrypted(const dft_store *st) { return st->crypt != NULL; }
int dft_store_db_encrypted(const dft_store *st) { return st->db_encrypted; }

/* Remove temporary blob files an interrupted run left behind. */
static void clean_tmp(dft_store *st)
{
	dft_buf p;
	DIR *d;
	struct dirent *e;
	dft_buf_init(&p, 8192);
	path_join(&p, st->dir, "blobs/tmp");
	if ((d = opendir(p.ptr))) {
		while ((e = readdir(d))) {
			if (e->d_name[0] == '.')
				continue;
			path_join(&p, st->dir, "blobs/tmp/");
			dft_buf_adds(&p, e->d_name);
			unlink(p.ptr);
		}
		closedir(d);
	}
	dft_buf_dispose(&p);
}

int dft_store_open(dft_store **out, const char *dir, int writable)
{
	dft_store *st;
	dft_buf p;
	int rc = 0;

	*out = NULL;
	dft_buf_init(&p, 8192);
	if (!(st = dft_calloc(1, sizeof(*st))))
		return DFT_ENOMEM;
	st->lock_fd = -1;
	st->writable = writable;
	if (!(st->dir = dft_strdup(dir))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	{
		/* server mode: the folder's server.conf, or the URL itself */
		dft_buf url;
		int is_url = dft_store_is_url(dir);
		dft_buf_init(&url, 0);
		rc = is_url ? (dft_buf_adds(&url, dir) < 0 ? DFT_ENOMEM : 1) : dft_store_server_conf(dir, &url);
		if (rc > 0)
			rc = dft_pg_open(st, is_url ? NULL : dir, dft_buf_cstr(&url), writable) < 0 ? -1 : 1;
		dft_buf_dispose(&url);
		if (rc < 0)
			goto done;
		if (rc > 0) {
			rc = 0;
			goto opened;
		}
	}
	path_join(&p, dir, "store.db");
	if (access(p.ptr, F_OK) != 0) {
		rc = dft_error_set(DFT_ENOTFOUND,
				   "%s is not a daftar case (no store.db there); make one with 'daftar init %s'",
				   dir, dir);
		goto done;
	}
	/* an encrypted case: its key, unlocked once a process (crypt.h) */
	if ((rc = dft_crypt_for_case(dir, &st->crypt)) < 0)
		goto done;
	if (st->crypt) {
		/* through the encrypting VFS: every page authenticated */
		if ((rc = dft_cryptvfs_open(&st->db, p.ptr, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
					    dft_crypt_db_key(st->crypt))) < 0)
			goto done;
		st->db_encrypted = 1;
	} else if (sqlite3_open_v2(p.ptr, &st->db,
				   writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		rc = dft_error_set(DFT_EIO, "cannot open %s: %s", p.ptr,
				   st->db ? sqlite3_errmsg(st->db) : "out of memory");
		goto done;
	}
	sqlite3_busy_timeout(st->db, 10000); /* readers: a checkpoint's moment */
	if ((rc = dft_index_register(st->db)) < 0 || (rc = dft_store_ix_register(st)) < 0)
		goto done;
	if ((rc = dft_sql_exec(st, "PRAGMA foreign_keys=ON; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;")) < 0)
		goto done;
	/* an encrypted case: SQLite's temporary tables, sort indices and
	 * statement journals stay in memory, never plain files in TMPDIR */
	if (st->crypt && (rc = dft_sql_exec(st, "PRAGMA temp_store=MEMORY")) < 0)
		goto done;
	if (writable) {
		int64_t entries, offset;
		char head[DFT_SHA256_HEX];
		if (writable != DFT_STORE_SHARED) {
			path_join(&p, dir, "lock");
			/* A POSIX record lock, not flock(): it belongs to this
			 * process alone, so forked workers cannot keep it alive
			 * after a kill -9 of the ingest that made them. */
			struct flock fl;
			memset(&fl, 0, sizeof(fl));
			fl.l_type = F_WRLCK;
			fl.l_whence = SEEK_SET;
			fl.l_start = 0;
			fl.l_len = 1; /* byte 0; byte 1 is the writers' turnstile */
			st->lock_fd = open(p.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
			if (st->lock_fd < 0 || fcntl(st->lock_fd, F_SETLK, &fl) < 0) {
				rc = dft_error_set(DFT_EIO, "%s is in use by another daftar ingest", dir);
				goto done;
			}
			/* the ingest waits out a workbench's short write */
			sqlite3_busy_timeout(st->db, DFT_STORE_INGEST_BUSY_MS);
		} else {
			path_join(&p, dir, "lock");
			st->lock_fd = open(p.ptr, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
			if (st->lock_fd < 0) {
				rc = dft_error_set(DFT_EIO, "cannot open %s: %s", p.ptr, strerror(errno));
				goto done;
			}
			sqlite3_busy_timeout(st->db, DFT_STORE_SHARED_BUSY_MS);
		}
		if ((rc = dft_sql_exec(st, "PRAGMA journal_mode=WAL")) < 0 ||
		    (rc = dft_store_migrate(st->db)) < 0)
			goto done;
		path_join(&p, dir, "custody.log");
		if (writable == DFT_STORE_SHARED) {
			/* no wait at open: the chain's end is taken at the first
			 * commit that appends (dft_store_commit) */
			if ((rc = dft_custody_open_deferred(&st->custody, p.ptr, st->crypt)) < 0)
				goto done;
			goto opened;
		}
		/* The custody log is taken under the database's write lock, the
		 * one lock every writer of custody.log holds while it appends
		 * (dft_store_commit), so that a tail another writer is writing
		 * at this moment is never taken for a killed run's. A commit
		 * records the custody head now, with a "recovered" entry if the
		 * log had an uncommitted tail. */
		if ((rc = dft_store_begin(st)) < 0 ||
		    (rc = dft_store_custody_head(st, &entries, head, &offset)) < 0)
			goto done;
		if ((rc = dft_custody_open(&st->custody, p.ptr, entries, head, offset, st->crypt)) < 0 ||
		    (rc = dft_store_commit(st)) < 0)
			goto done;
		/* blobs an interrupted ingest was writing (never by the shared
		 * writer, which runs while an ingest writes some) */
		clean_tmp(st);
		path_join(&p, dir, "blobs/tmp");
		mkdir(p.ptr, 0755);
	} else {
		int v = 0;
		dft_stmt *s;
		if ((rc = dft_sql_cached(st, &s, "PRAGMA user_version")) < 0)
			goto done;
		if (dft_sql_step(s) == DFT_ROW)
			v = dft_sql_col_int64(s, 0);
		dft_sql_release(st, s);
		if (v < 1) {
			rc = dft_error_set(DFT_ECORRUPT, "%s/store.db has no schema", dir);
			goto done;
		}
	}
opened:
	*out = st;
	st = NULL;
done:
	dft_buf_dispose(&p);
	dft_store_free(st);
	return rc;
}

void dft_store_free(dft_store *st)
{
	if (!st)
		return;
	if (st->in_txn)
		dft_sql_exec(st, "ROLLBACK");
	dft_custody_free(st->custody);
	dft_store_ix_free(st);
	dft_store_filters_free(st);
	dft_sql_cache_free(st);
	if (st->db)
		sqlite3_close(st->db);
	if (st->pg)
		PQfinish(st->pg);
	free(st->pg_label);
	free(st->pg_error);
	free(st->pg_terms);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
	free(st->dir);
	free(st);
}

const char *dft_store_dir(const dft_store *st) { return st->dir; }
struct dft_custody *dft_store_custody(dft_store *st) { return st->custody; }

/* ---- transactions ---------------------------------------------------- */

/* ---- the writers' turnstile (SQLite) --------------------------------------
 * SQLite's busy handler is not fair: an ingest begins its next transaction
 * microseconds after each commit, while a waiting workbench writer sleeps
 * between its tries, so it could wait out its whole busy timeout. So a
 * shared writer first takes byte 1 of CASE/lock (an open file description
 * lock: the server's threads each hold their own) and keeps it until its
 * transaction ends; before each BEGIN, the ingest's writer waits while
 * anyone holds that byte. A workbench write then waits for the ingest's
 * current transaction at most, never for the next ones. */
static int turn_fcntl(int fd, int cmd, short type)
{
	struct flock fl;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = 1;
	fl.l_len = 1;
	return fcntl(fd, cmd, &fl);
}

/* A shared writer's turn: 0, or DFT_EIO (busy) after deadline */
static int turn_take(dft_store *st, double deadline)
{
	while (turn_fcntl(st->lock_fd, F_OFD_SETLK, F_WRLCK) < 0) {
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return dft_error_set(DFT_EIO, "%s/lock: %s", st->dir, strerror(errno));
		if (dft_now() >= deadline) {
			st->busy = 1;
			return dft_error_set(DFT_EIO, "%s is busy: other workbench writes kept it for longer than %d s; "
						      "try again", st->dir, DFT_STORE_SHARED_BUSY_MS / 1000);
		}
		usleep(1000);
	}
	st->turn = 1;
	return 0;
}

static void turn_give(dft_store *st)
{
	if (st->turn) {
		turn_fcntl(st->lock_fd, F_OFD_SETLK, F_UNLCK);
		st->turn = 0;
	}
}

/* Does another open file description hold the turnstile byte? */
static int turn_held(int fd)
{
	struct flock fl;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_RDLCK;
	fl.l_whence = SEEK_SET;
	fl.l_start = 1;
	fl.l_len = 1;
	return fd >= 0 && fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
}

/* The ingest's writer: let a waiting shared writer go first (bounded). */
static void turn_yield(dft_store *st)
{
	double deadline;
	if (!turn_held(st->lock_fd))
		return; /* nobody waiting: one system call */
	deadline = dft_now() + DFT_STORE_INGEST_BUSY_MS / 1000.0;
	while (turn_fcntl(st->lock_fd, F_OFD_SETLK, F_RDLCK) < 0 && dft_now() < deadline)
		usleep(1000);
	turn_fcntl(st->lock_fd, F_OFD_SETLK, F_UNLCK);
}

int dft_store_writer_waiting(dft_store *st)
{
	if (st->pg || st->writable == DFT_STORE_SHARED || !st->in_txn)
		return 0;
	return turn_held(st->lock_fd);
}

int dft_store_begin(dft_store *st)
{
	int rc;
	if (st->in_txn)
		return 0;
	st->txn_started = dft_now();
	if (st->pg)
		return dft_pg_begin(st);
	if (st->writable == DFT_STORE_SHARED) {
		double deadline = dft_now() + DFT_STORE_SHARED_BUSY_MS / 1000.0, left;
		if ((rc = turn_take(st, deadline)) < 0)
			return rc;
		left = deadline - dft_now();
		sqlite3_busy_timeout(st->db, left > 0.001 ? (int)(left * 1000) : 1);
	} else {
		turn_yield(st);
	}
	/* the write lock now, waiting at most the busy timeout for another
	 * writer's transaction */
	if ((rc = dft_sql_exec(st, "BEGIN IMMEDIATE")) < 0) {
		turn_give(st);
		if (dft_store_busy(st))
			return dft_error_set(DFT_EIO, "%s is busy: another writer (an ingest) kept it for longer than %d s; "
						      "try again", st->dir,
					     (st->writable == DFT_STORE_SHARED ? DFT_STORE_SHARED_BUSY_MS
										: DFT_STORE_INGEST_BUSY_MS) / 1000);
		return rc;
	}
	st->in_txn = 1;
	st->txn_started = dft_now();
	return 0;
}

int dft_store_cache_mib(dft_store *st, int mib)
{
	char sql[64];
	if (st->pg)
		return 0;
	snprintf(sql, sizeof(sql), "PRAGMA cache_size=-%d", mib * 1024);
	return dft_sql_exec(st, sql);
}

double dft_store_txn_age(const dft_store *st)
{
	return st->in_txn ? dft_now() - st->txn_started : 0;
}

int dft_store_busy(const dft_store *st)
{
	return st->busy;
}

int dft_store_commit(dft_store *st)
{
	dft_stmt *s = NULL;
	size_t pending = 0;
	int rc;
	if (!st->in_txn)
		return 0;
	if (st->pg)
		return dft_pg_commit(st);
	/* the index's pending segment, in this transaction */
	if ((rc = dft_store_ix_flush(st)) < 0)
		return rc;
	if (st->custody && dft_custody_pending(st->custody, &pending) && pending) {
		int64_t entries, offset;
		char head[DFT_SHA256_HEX];
		/* Under the write lock (BEGIN IMMEDIATE) nobody else appends:
		 * link our entries onto the chain's end as committed now (an
		 * ingest and the workbench both write to one log) */
		if ((rc = dft_store_custody_head(st, &entries, head, &offset)) < 0 ||
		    (rc = dft_custody_sync(st->custody, entries, head, offset)) < 0)
			return rc;
		/* log first: a row is never committed without its entry on disk */
		if ((rc = dft_custody_flush(st->custody)) < 0)
			return rc;
		dft_custody_head(st->custody, &entries, head, &offset);
		if ((rc = dft_sql_cached(st, &s, "UPDATE custody_head SET entries=?, hash=?, \"offset\"=? WHERE id=1")) < 0)
			return rc;
		dft_sql_bind_int64(s, 1, entries);
		dft_sql_bind_text(s, 2, head, -1);
		dft_sql_bind_int64(s, 3, offset);
		rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "custody head");
		dft_sql_release(st, s);
		if (rc < 0)
			return rc;
	}
	if ((rc = dft_sql_exec(st, "COMMIT")) < 0)
		return rc;
	st->in_txn = 0;
	turn_give(st);
	return 0;
}

int dft_store_own_begin(dft_store *st, int *own)
{
	*own = !st->in_txn;
	return *own ? dft_store_begin(st) : 0;
}

int dft_store_own_end(dft_store *st, int own, int rc)
{
	if (!own)
		return rc;
	if (rc == 0)
		return dft_store_commit(st);
	dft_store_rollback(st); /* and the custody entries it built */
	return rc;
}

int dft_store_step_done(dft_store *st, dft_stmt *s, const char *what)
{
	int rc = dft_sql_step(s) == DFT_DONE ? 0 : dft_store_db_err(st, what);
	dft_sql_finalize(s);
	return rc;
}

int dft_store_rollback(dft_store *st)
{
	int rc;
	if (!st->in_txn)
		return 0;
	if (st->pg) {
		dft_pg_rollback(st);
		return 0;
	}
	st->in_txn = 0;
	if (st->custody)
		dft_custody_discard(st->custody);
	dft_store_ix_discard(st);
	rc = dft_sql_exec(st, "ROLLBACK");
	turn_give(st);
	return rc;
}

int dft_store_custody_head(dft_store *st, int64_t *entries, char head[DFT_SHA256_HEX], int64_t *offset)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT entries, hash, \"offset\" FROM custody_head WHERE id=1")) < 0)
		return rc;
	if (dft_sql_step(s) != DFT_ROW) {
		dft_sql_release(st, s);
		return dft_error_set(DFT_ECORRUPT, "%s/store.db: the custody head is missing", st->dir);
	}
	*entries = dft_sql_col_int64(s, 0);
	snprintf(head, DFT_SHA256_HEX, "%s", dft_sql_col_text(s, 1));
	*offset = dft_sql_col_int64(s, 2);
	dft_sql_release(st, s);
	return 0;
}

/* ---- batches ----------------------------------------------------------- */

static int custody_batch(dft_store *st, const char *event, int64_t id, const char *label)
{
	dft_json *j = dft_custody_begin(st->custody, event);
	dft_json_key(j, "batch");
	dft_json_int(j, id);
	if (label) {
		dft_json_key(j, "label");
		dft_json_str(j, label);
	}
	return dft_custody_end(st->custody);
}

int dft_store_batch_open(dft_store *st, const char *label, int64_t *id_out, int *resumed)
{
	dft_stmt *s = NULL;
	char at[32];
	int rc;
	*resumed = 0;
	if ((rc = dft_store_begin(st)) < 0)
		return rc;
	/* a run that was killed left its batch open: resume it */
	if ((rc = dft_sql_cached(st, &s, "SELECT id, label FROM batches WHERE closed_at IS NULL ORDER BY id DESC LIMIT 1")) < 0)
		return rc;
	if (dft_sql_step(s) == DFT_ROW) {
		int64_t id = dft_sql_col_int64(s, 0);
		const char *old = dft_sql_col_text(s, 1);
		if (old && strcmp(old, label) == 0) {
			dft_sql_release(st, s);
			*id_out = id;
			*resumed = 1;
			return dft_store_commit(st);
		}
		dft_sql_release(st, s);
		/* a different label: the interrupted batch stays as it is, closed */
		if ((rc = dft_store_batch_close(st, id)) < 0)
			return rc;
	} else {
		dft_sql_release(st, s);
	}
	dft_utc_iso(at);
	if ((rc = dft_sql_cached(st, &s, "INSERT INTO batches(label, started_at) VALUES(?, ?) RETURNING id")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, label, -1);
	dft_sql_bind_text(s, 2, at, -1);
	rc = dft_sql_step(s) == DFT_ROW ? 0 : db_err(st, "open batch");
	if (rc == 0)
		*id_out = dft_sql_col_int64(s, 0);
	dft_sql_release(st, s);
	if (rc < 0)
		return rc;
	if ((rc = custody_batch(st, "batch_opened", *id_out, label)) < 0)
		return rc;
	return dft_store_commit(st);
}

int dft_store_batch_close(dft_store *st, int64_t id)
{
	dft_stmt *s = NULL;
	char at[32];
	int rc;
	if ((rc = dft_store_begin(st)) < 0)
		return rc;
	dft_utc_iso(at);
	if ((rc = dft_sql_cached(st, &s, "UPDATE batches SET closed_at=? WHERE id=? AND closed_at IS NULL")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, at, -1);
	dft_sql_bind_int64(s, 2, id);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "close batch");
	dft_sql_release(st, s);
	if (rc < 0)
		return rc;
	if (dft_sql_changes(st) && (rc = custody_batch(st, "batch_closed", id, NULL)) < 0)
		return rc;
	return 0;
}

int dft_store_batch_find(dft_store *st, const char *spec, int64_t *id)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT id FROM batches WHERE label=?1 OR CAST(id AS TEXT)=?1 "
				  "ORDER BY (CAST(id AS TEXT)=?1) DESC, id DESC LIMIT 1")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, spec, -1);
	if (dft_sql_step(s) == DFT_ROW) {
		*id = dft_sql_col_int64(s, 0);
		rc = 0;
	} else {
		rc = dft_error_set(DFT_ENOTFOUND, "no batch '%s' in %s", spec, st->dir);
	}
	dft_sql_release(st, s);
	return rc;
}

/* ---- blobs ------------------------------------------------------------ */

int dft_store_blob_path(const dft_store *st, const char *sha, dft_buf *out)
{
	char name[DFT_SHA256_HEX];
	dft_buf_reset(out);
	if (st->crypt) {
		/* a keyed hash: the name does not confirm a known document */
		dft_crypt_blob_name(st->crypt, sha, name);
		sha = name;
	}
	return dft_buf_addf(out, "%s/blobs/%.2s/%.2s/%s", st->dir, sha, sha + 2, sha);
}

int dft_blob_writer_open(dft_store *st, dft_blob_writer *w, int copy)
{
	static unsigned counter;
	static char host[64];
	int rc;
	memset(w, 0, sizeof(*w));
	w->fd = -1;
	w->copy = copy;
	if ((rc = dft_sha256_init(&w->sha)) < 0)
		return rc;
	if (!copy)
		return 0;
	/* unique across the machines that share a server-mode case's blobs */
	if (!host[0])
		dft_hostname(host, sizeof(host));
	do {
		snprintf(w->tmp_path, sizeof(w->tmp_path), "%s/blobs/tmp/%s-%d-%u", st->dir, host, (int)getpid(),
			 counter++);
		w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	} while (w->fd < 0 && errno == EEXIST); /* left by a killed run with our pid */
	if (w->fd < 0) {
		dft_sha256_dispose(&w->sha);
		return dft_error_set(DFT_EIO, "cannot write %s: %s", w->tmp_path, strerror(errno));
	}
	if (st->crypt && (rc = dft_crypt_push_open(&w->enc, st->crypt, w->fd, w->tmp_path)) < 0) {
		dft_blob_writer_abort(w);
		return rc;
	}
	w->key = st->crypt;
	return 0;
}

int dft_blob_writer_write(dft_blob_writer *w, const void *data, size_t len)
{
	const char *p = data;
	int rc;
	if ((rc = dft_sha256_update(&w->sha, data, len)) < 0)
		return rc;
	w->size += len;
	if (w->copy && w->enc)
		return dft_crypt_push(w->enc, data, len);
	while (w->copy && len) {
		ssize_t n = write(w->fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return dft_error_set(DFT_EIO, "cannot write %s: %s", w->tmp_path, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void dft_blob_writer_abort(dft_blob_writer *w)
{
	dft_sha256_dispose(&w->sha);
	dft_crypt_stream_free(w->enc);
	w->enc = NULL;
	if (w->fd >= 0) {
		close(w->fd);
		unlink(w->tmp_path);
	}
	w->fd = -1;
}

int dft_blob_writer_commit(dft_store *st, dft_blob_writer *w, char sha_out[DFT_SHA256_HEX])
{
	dft_buf p;
	struct stat sb;
	uint64_t stored;
	int rc;
	if ((rc = dft_sha256_final(&w->sha, sha_out)) < 0) {
		dft_blob_writer_abort(w);
		return rc;
	}
	if (!w->copy)
		return 0;
	if (w->enc) {
		/* the last chunk is bound to the SHA-256 it is stored under */
		rc = dft_crypt_push_final(w->enc, sha_out);
		dft_crypt_stream_free(w->enc);
		w->enc = NULL;
		if (rc < 0) {
			dft_blob_writer_abort(w);
			return rc;
		}
	}
	stored = w->key ? dft_crypt_stored_size(w->size) : w->size;
	close(w->fd);
	w->fd = -1;
	dft_buf_init(&p, 8192);
	dft_store_blob_path(st, sha_out, &p);
	if (stat(p.ptr, &sb) == 0 && (uint64_t)sb.st_size == stored) {
		unlink(w->tmp_path); /* already there: same bytes */
		dft_buf_dispose(&p);
		return 0;
	}
	/* into blobs/ab/cd/, made the first time it is needed */
	if (rename(w->tmp_path, p.ptr) == 0) {
		dft_buf_dispose(&p);
		return 0;
	}
	if (errno == ENOENT) {
		p.ptr[p.len - 64 - 4] = '\0';
		mkdir(p.ptr, 0755);
		p.ptr[p.len - 64 - 4] = '/';
		p.ptr[p.len - 64 - 1] = '\0';
		mkdir(p.ptr, 0755);
		p.ptr[p.len - 64 - 1] = '/';
	}
	if (rename(w->tmp_path, p.ptr) < 0) {
		rc = dft_error_set(DFT_EIO, "cannot move a blob into %s: %s", p.ptr, strerror(errno));
		unlink(w->tmp_path);
	}
	dft_buf_dispose(&p);
	return rc;
}

struct dft_blob_reader {
	int fd;
	char *path;
	dft_crypt_stream *dec; /* an encrypted blob */
};

int dft_blob_reader_open(dft_store *st, const char *sha, const char *source, dft_blob_reader **out)
{
	dft_blob_reader *r;
	dft_buf p;
	int rc = 0;
	*out = NULL;
	if (!(r = dft_calloc(1, sizeof(*r))))
		return DFT_ENOMEM;
	r->fd = -1;
	dft_buf_init(&p, 1 << 16);
	if ((rc = source ? dft_buf_adds(&p, source) : dft_store_blob_path(st, sha, &p)) < 0 ||
	    !(r->path = dft_buf_detach(&p))) {
		rc = rc < 0 ? rc : DFT_ENOMEM;
		goto fail;
	}
	if ((r->fd = open(r->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0) {
		rc = dft_error_set(errno == ENOENT ? DFT_ENOTFOUND : DFT_EIO, "%s: %s", r->path, strerror(errno));
		goto fail;
	}
	if (!source && st->crypt && (rc = dft_crypt_pull_open(&r->dec, st->crypt, r->fd, r->path, sha)) < 0)
		goto fail;
	*out = r;
	return 0;
fail:
	dft_buf_dispose(&p);
	dft_blob_reader_free(r);
	return rc;
}

int dft_blob_reader_read(dft_blob_reader *r, void *buf, size_t cap, size_t *got)
{
	ssize_t n;
	if (r->dec)
		return dft_crypt_pull(r->dec, buf, cap, got);
	*got = 0;
	while ((n = read(r->fd, buf, cap)) < 0) {
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN) {
			/* a FIFO given as a --no-copy source; it blocks here */
			struct pollfd pf = {r->fd, POLLIN, 0};
			poll(&pf, 1, -1);
			continue;
		}
		return dft_error_set(DFT_EIO, "read error on %s: %s", r->path, strerror(errno));
	}
	*got = (size_t)n;
	return 0;
}

const char *dft_blob_reader_path(const dft_blob_reader *r) { return r->path; }

void dft_blob_reader_free(dft_blob_reader *r)
{
	if (!r)
		return;
	dft_crypt_stream_free(r->dec);
	if (r->fd >= 0)
		close(r->fd);
	free(r->path);
	free(r);
}

int dft_blob_open_fd(dft_store *st, const char *sha, const char *source, int *fd)
{
	dft_blob_reader *r = NULL;
	char *chunk = NULL;
	size_t n;
	int rc, mfd = -1;
	*fd = -1;
	if (source || !st->crypt) {
		dft_buf p;
		dft_buf_init(&p, 1 << 16);
		if ((rc = source ? dft_buf_adds(&p, source) : dft_store_blob_path(st, sha, &p)) == 0 &&
		    (*fd = open(dft_buf_cstr(&p), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
			rc = dft_error_set(errno == ENOENT ? DFT_ENOTFOUND : DFT_EIO, "%s: %s", dft_buf_cstr(&p),
					   strerror(errno));
		dft_buf_dispose(&p);
		return rc;
	}
	/* decrypted into memory: never a plain copy on disk */
	if ((rc = dft_blob_reader_open(st, sha, NULL, &r)) < 0)
		return rc;
	if ((mfd = memfd_create("daftar-blob", MFD_CLOEXEC | MFD_ALLOW_SEALING)) < 0) {
		rc = dft_error_set(DFT_EIO, "memfd_create: %s", strerror(errno));
		goto done;
	}
	if (!(chunk = dft_malloc(DFT_CRYPT_CHUNK))) {
		rc = DFT_ENOMEM;
		goto done;
	}
	while ((rc = dft_blob_reader_read(r, chunk, DFT_CRYPT_CHUNK, &n)) == 0 && n > 0) {
		size_t done = 0;
		while (done < n) {
			ssize_t w = write(mfd, chunk + done, n - done);
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0) {
				rc = dft_error_set(DFT_EIO, "cannot hold %s in memory: %s", dft_blob_reader_path(r),
						   strerror(errno));
				goto done;
			}
			done += (size_t)w;
		}
	}
	if (rc < 0)
		goto done;
	/* read-only from here on, for whoever maps it */
	fcntl(mfd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL);
	if (lseek(mfd, 0, SEEK_SET) < 0) {
		rc = dft_error_set(DFT_EIO, "lseek: %s", strerror(errno));
		goto done;
	}
	*fd = mfd;
	mfd = -1;
done:
	if (chunk) {
		sodium_memzero(chunk, DFT_CRYPT_CHUNK);
		free(chunk);
	}
	if (mfd >= 0)
		close(mfd);
	dft_blob_reader_free(r);
	return rc;
}

/* ---- documents and locations ------------------------------------------ */

static int custody_location(dft_store *st, const dft_location *loc, int64_t doc_id, const char *parent_sha)
{
	dft_json *j = dft_custody_begin(st->custody, loc->parent ? "derived" : "received");
	dft_json_key(j, "doc");
	dft_json_int(j, doc_id);
	dft_json_key(j, "sha256");
	dft_json_str(j, loc->sha256);
	dft_json_key(j, "size");
	dft_json_int(j, loc->size);
	dft_json_key(j, "path");
	dft_json_str(j, loc->path);
	if (parent_sha) {
		dft_json_key(j, "from");
		dft_json_str(j, parent_sha);
	}
	if (loc->source) {
		dft_json_key(j, "source");
		dft_json_str(j, loc->source);
	}
	dft_json_key(j, "batch");
	dft_json_int(j, loc->batch);
	if (loc->error) {
		dft_json_key(j, "error");
		dft_json_str(j, loc->error);
	}
	return dft_custody_end(st->custody);
}

static int parent_sha(dft_store *st, int64_t parent, char out[DFT_SHA256_HEX])
{
	dft_stmt *s;
	int rc;
	out[0] = '\0';
	if (!parent)
		return 0;
	if ((rc = dft_sql_cached(st, &s, "SELECT sha256 FROM documents WHERE id=?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, parent);
	if (dft_sql_step(s) == DFT_ROW && (const unsigned char *)dft_sql_col_text(s, 0))
		snprintf(out, DFT_SHA256_HEX, "%s", dft_sql_col_text(s, 0));
	dft_sql_release(st, s);
	return 0;
}

int dft_store_add_location(dft_store *st, const dft_location *loc, int64_t *doc_id, int *is_new)
{
	dft_stmt *s = NULL;
	char psha[DFT_SHA256_HEX];
	int rc, step;

	*doc_id = 0;
	*is_new = 0;
	if ((rc = dft_store_begin(st)) < 0)
		return rc;
	if (loc->sha256) {
		if ((rc = dft_sql_cached(st, &s, "SELECT id FROM documents WHERE sha256=?")) < 0)
			return rc;
		dft_sql_bind_text(s, 1, loc->sha256, -1);
		if (dft_sql_step(s) == DFT_ROW)
			*doc_id = dft_sql_col_int64(s, 0);
		dft_sql_release(st, s);
	} else {
		/* an unreadable thing at a path already recorded as unreadable */
		if ((rc = dft_sql_cached(st, &s, "SELECT d.id FROM documents d JOIN locations l ON l.doc_id=d.id "
					  "WHERE d.sha256 IS NULL AND l.path=? AND l.parent_id IS NOT DISTINCT FROM ? LIMIT 1")) < 0)
			return rc;
		dft_sql_bind_text(s, 1, loc->path, -1);
		if (loc->parent)
			dft_sql_bind_int64(s, 2, loc->parent);
		else
			dft_sql_bind_null(s, 2);
		if (dft_sql_step(s) == DFT_ROW) {
			*doc_id = dft_sql_col_int64(s, 0);
			dft_sql_release(st, s);
			return 0;
		}
		dft_sql_release(st, s);
	}
	if (!*doc_id) {
		/* ON CONFLICT: in server mode another worker may add the same
		 * bytes (a member of another archive) at the same time; this
		 * insert waits for its commit and then finds the row below */
		if ((rc = dft_sql_cached(st, &s, "INSERT INTO documents(sha256, size, path, parent_id, batch_id, depth, "
					  "stored, source, status, error) VALUES(?,?,?,?,?,?,?,?,?,?) "
					  "ON CONFLICT DO NOTHING RETURNING id")) < 0)
			return rc;
		if (loc->sha256)
			dft_sql_bind_text(s, 1, loc->sha256, -1);
		dft_sql_bind_int64(s, 2, loc->size);
		dft_sql_bind_text(s, 3, loc->path, -1);
		if (loc->parent)
			dft_sql_bind_int64(s, 4, loc->parent);
		dft_sql_bind_int64(s, 5, loc->batch);
		dft_sql_bind_int64(s, 6, loc->depth);
		dft_sql_bind_int64(s, 7, loc->stored);
		if (loc->source)
			dft_sql_bind_blob(s, 8, loc->source, (int)strlen(loc->source));
		dft_sql_bind_text(s, 9, loc->error ? "failed" : "pending", -1);
		if (loc->error)
			dft_sql_bind_text(s, 10, loc->error, -1);
		step = dft_sql_step(s);
		rc = step == DFT_ROW || step == DFT_DONE ? 0 : db_err(st, "add document");
		if (step == DFT_ROW) {
			*doc_id = dft_sql_col_int64(s, 0);
			*is_new = 1;
		}
		dft_sql_release(st, s);
		if (rc < 0)
			return rc;
		if (!*is_new) {
			if ((rc = dft_sql_cached(st, &s, "SELECT id FROM documents WHERE sha256=?")) < 0)
				return rc;
			dft_sql_bind_text(s, 1, loc->sha256, -1);
			rc = dft_sql_step(s) == DFT_ROW ? 0 : db_err(st, "add document");
			if (rc == 0)
				*doc_id = dft_sql_col_int64(s, 0);
			dft_sql_release(st, s);
			if (rc < 0)
				return rc;
		}
	}
	if ((rc = dft_sql_cached(st, &s, "INSERT INTO locations(doc_id, path, parent_id, batch_id, mtime) "
				  "VALUES(?,?,?,?,?) ON CONFLICT DO NOTHING")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, *doc_id);
	dft_sql_bind_text(s, 2, loc->path, -1);
	if (loc->parent)
		dft_sql_bind_int64(s, 3, loc->parent);
	dft_sql_bind_int64(s, 4, loc->batch);
	dft_sql_bind_int64(s, 5, loc->mtime);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "add location");
	dft_sql_release(st, s);
	if (rc < 0 || dft_sql_changes(st) == 0)
		return rc;
	/* a document that failed before extraction (a damaged archive member,
	 * a bomb) is never extracted: indexed now by its name and path, as an
	 * index rebuilt from the case has it (every stored document once) */
	if (*is_new && loc->error)
		rc = st->pg ? dft_pg_index(st, *doc_id, NULL, 0, NULL) : dft_store_ix_add(st, *doc_id, NULL, 0, NULL, 0);
	if (rc < 0)
		return rc;
	if ((rc = parent_sha(st, loc->parent, psha)) < 0)
		return rc;
	return custody_location(st, loc, *doc_id, loc->parent ? psha : NULL);
}

int dft_store_seen_file(dft_store *st, const char *source, int64_t size, int64_t mtime_ns, int *seen)
{
	dft_stmt *s;
	int rc;
	*seen = 0;
	if ((rc = dft_sql_cached(st, &s, "SELECT 1 FROM seen_files WHERE source=? AND size=? AND mtime_ns=?")) < 0)
		return rc;
	dft_sql_bind_blob(s, 1, source, (int)strlen(source));
	dft_sql_bind_int64(s, 2, size);
	dft_sql_bind_int64(s, 3, mtime_ns);
	*seen = dft_sql_step(s) == DFT_ROW;
	dft_sql_release(st, s);
	return 0;
}

int dft_store_mark_seen(dft_store *st, const char *source, int64_t size, int64_t mtime_ns, int64_t doc_id)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "INSERT INTO seen_files(source, size, mtime_ns, doc_id) VALUES(?,?,?,?) ON CONFLICT(source) DO UPDATE "
				  "SET size = excluded.size, mtime_ns = excluded.mtime_ns, doc_id = excluded.doc_id")) < 0)
		return rc;
	dft_sql_bind_blob(s, 1, source, (int)strlen(source));
	dft_sql_bind_int64(s, 2, size);
	dft_sql_bind_int64(s, 3, mtime_ns);
	dft_sql_bind_int64(s, 4, doc_id);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "mark seen");
	dft_sql_release(st, s);
	return rc;
}

int dft_store_set_extraction(dft_store *st, int64_t doc_id, const dft_extraction *ex)
{
	dft_stmt *s = NULL;
	char sha[DFT_SHA256_HEX];
	const char *p, *end;
	int rc;

	if ((rc = dft_store_begin(st)) < 0)
		return rc;
	if ((rc = dft_sql_cached(st, &s, "UPDATE documents SET mime=?, type=?, status=?, error=?, notes=?, pages=?, language=? WHERE id=?")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, ex->mime, -1);
	dft_sql_bind_text(s, 2, ex->type, -1);
	dft_sql_bind_text(s, 3, ex->status, -1);
	dft_sql_bind_text(s, 4, ex->error, -1);
	dft_sql_bind_text(s, 5, ex->notes && *ex->notes ? ex->notes : NULL, -1);
	if (ex->pages > 0)
		dft_sql_bind_int64(s, 6, ex->pages);
	if (ex->language && *ex->language)
		dft_sql_bind_text(s, 7, ex->language, -1);
	dft_sql_bind_int64(s, 8, doc_id);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "store extraction");
	dft_sql_release(st, s);
	if (rc < 0)
		return rc;
	sha[0] = '\0';
	if (ex->text && ex->text_len) {
		if ((rc = dft_sha256_hex(sha, ex->text, ex->text_len)) < 0)
			return rc;
		if ((rc = dft_sql_cached(st, &s, "INSERT INTO texts(doc_id, text, sha256) VALUES(?,?,?) ON CONFLICT(doc_id) DO UPDATE "
					  "SET text = excluded.text, sha256 = excluded.sha256")) < 0)
			return rc;
		dft_sql_bind_int64(s, 1, doc_id);
		dft_sql_bind_text(s, 2, ex->text, ex->text_len);
		dft_sql_bind_text(s, 3, sha, -1);
		rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "store text");
		dft_sql_release(st, s);
		if (rc < 0)
			return rc;
	}
	if (ex->meta_len) {
		if ((rc = dft_sql_cached(st, &s, "INSERT INTO meta(doc_id, key, value) VALUES(?,?,?) ON CONFLICT(doc_id, key) DO UPDATE "
					  "SET value = excluded.value")) < 0)
			return rc;
		for (p = ex->meta, end = ex->meta + ex->meta_len; p < end;) {
			const char *k = p, *v = k + strlen(k) + 1;
			if (v >= end)
				break;
			dft_sql_bind_int64(s, 1, doc_id);
			dft_sql_bind_text(s, 2, k, -1);
			dft_sql_bind_text(s, 3, v, -1);
			if (dft_sql_step(s) != DFT_DONE) {
				rc = db_err(st, "store metadata");
				break;
			}
			dft_sql_reset(s);
			p = v + strlen(v) + 1;
		}
		dft_sql_release(st, s);
		if (rc < 0)
			return rc;
	}
	/* the full-text index: title, first path and text of the document */
	if (st->pg)
		rc = dft_pg_index(st, doc_id, ex->text, ex->text_len, ex->language);
	else
		rc = dft_store_ix_add(st, doc_id, ex->text, ex->text_len, ex->index_terms, ex->index_terms_len);
	if (rc < 0)
		return rc;
	{
		dft_json *j = dft_custody_begin(st->custody, "extracted");
		dft_json_key(j, "doc");
		dft_json_int(j, doc_id);
		dft_json_key(j, "status");
		dft_json_str(j, ex->status);
		dft_json_key(j, "text_sha256");
		dft_json_str(j, sha[0] ? sha : NULL);
		if (ex->error) {
			dft_json_key(j, "error");
			dft_json_str(j, ex->error);
		}
		return dft_custody_end(st->custody);
	}
}

int dft_store_pending(dft_store *st, int (*fn)(void *ctx, int64_t id), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT id FROM documents WHERE status='pending' ORDER BY id")) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc))
		rc = fn(ctx, dft_sql_col_int64(s, 0));
	dft_sql_release(st, s);
	return rc;
}

/* ---- reading documents ------------------------------------------------- */

#define DOC_COLUMNS "id, sha256, size, path, parent_id, batch_id, depth, stored, source, " \
		    "mime, type, language, status, error, notes, pages"

static int doc_from_row(dft_stmt *s, dft_doc *d)
{
	const unsigned char *sha;
	memset(d, 0, sizeof(*d));
	d->id = dft_sql_col_int64(s, 0);
	sha = (const unsigned char *)dft_sql_col_text(s, 1);
	snprintf(d->sha256, sizeof(d->sha256), "%s", sha ? (const char *)sha : "");
	d->size = dft_sql_col_int64(s, 2);
	d->path = col_strdup(s, 3);
	d->parent = dft_sql_col_int64(s, 4);
	d->batch = dft_sql_col_int64(s, 5);
	d->depth = dft_sql_col_int64(s, 6);
	d->stored = dft_sql_col_int64(s, 7);
	d->source = dft_sql_col_bytes_strdup(s, 8);
	d->mime = col_strdup(s, 9);
	d->type = col_strdup(s, 10);
	d->language = col_strdup(s, 11);
	d->status = col_strdup(s, 12);
	d->error = col_strdup(s, 13);
	d->notes = col_strdup(s, 14);
	d->pages = dft_sql_col_int64(s, 15);
	return d->path && d->status ? 0 : DFT_ENOMEM;
}

void dft_doc_dispose(dft_doc *d)
{
	free(d->path);
	free(d->source);
	free(d->mime);
	free(d->type);
	free(d->language);
	free(d->status);
	free(d->error);
	free(d->notes);
	memset(d, 0, sizeof(*d));
}

int dft_store_doc_get(dft_store *st, int64_t id, dft_doc *out)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT " DOC_COLUMNS " FROM documents WHERE id=?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	if (dft_sql_step(s) == DFT_ROW)
		rc = doc_from_row(s, out);
	else
		rc = dft_error_set(DFT_ENOTFOUND, "no document %lld in %s", (long long)id, st->dir);
	dft_sql_release(st, s);
	return rc;
}

static int all_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') || (*s >= 'A' && *s <= 'F')))
			return 0;
	return 1;
}

int dft_store_doc_resolve(dft_store *st, const char *spec, int64_t *id)
{
	dft_stmt *s;
	size_t n = strlen(spec);
	int rc, found = 0;
	*id = 0;
	if (n && n <= 18 && strspn(spec, "0123456789") == n) {
		dft_doc d;
		int64_t v = strtoll(spec, NULL, 10);
		if (dft_store_doc_get(st, v, &d) == 0) {
			dft_doc_dispose(&d);
			*id = v;
			return 0;
		}
	}
	if (n >= 6 && n <= 64 && all_hex(spec)) {
		char lo[65];
		size_t i;
		for (i = 0; i <= n; i++)
			lo[i] = (char)((spec[i] >= 'A' && spec[i] <= 'F') ? spec[i] + 32 : spec[i]);
		if ((rc = dft_sql_cached(st, &s, "SELECT id FROM documents WHERE sha256 >= ?1 AND sha256 < ?1 || 'g' LIMIT 2")) < 0)
			return rc;
		dft_sql_bind_text(s, 1, lo, -1);
		while (rc == 0 && dft_sql_next(s, &rc)) {
			*id = dft_sql_col_int64(s, 0);
			found++;
		}
		dft_sql_release(st, s);
		if (rc < 0)
			return rc;
		if (found > 1)
			return dft_error_set(DFT_EINVAL, "SHA-256 prefix '%s' matches several documents: give more digits", spec);
		if (found == 1)
			return 0;
	}
	/* a path: the latest document seen there */
	if ((rc = dft_sql_cached(st, &s, "SELECT doc_id FROM locations WHERE path=? ORDER BY batch_id DESC, id DESC LIMIT 1")) < 0)
		return rc;
	dft_sql_bind_text(s, 1, spec, -1);
	if (dft_sql_step(s) == DFT_ROW) {
		*id = dft_sql_col_int64(s, 0);
		found = 1;
	}
	dft_sql_release(st, s);
	if (!found)
		return dft_error_set(DFT_ENOTFOUND, "no document '%s' in %s (give an id, a SHA-256 prefix or a path)",
				     spec, st->dir);
	return 0;
}

int dft_store_doc_locations(dft_store *st, int64_t id,
			    int (*fn)(void *ctx, const char *path, int64_t batch), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT path, batch_id FROM locations WHERE doc_id=? ORDER BY id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	while (rc == 0 && dft_sql_next(s, &rc))
		rc = fn(ctx, dft_sql_col_text(s, 0), dft_sql_col_int64(s, 1));
	dft_sql_release(st, s);
	return rc;
}

int dft_store_doc_children(dft_store *st, int64_t id,
			   int (*fn)(void *ctx, int64_t child, const char *path), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT doc_id, min(path) FROM locations WHERE parent_id=? GROUP BY doc_id ORDER BY doc_id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	while (rc == 0 && dft_sql_next(s, &rc))
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1));
	dft_sql_release(st, s);
	return rc;
}

int dft_store_doc_text(dft_store *st, int64_t id, dft_buf *out, int *has_text)
{
	dft_stmt *s;
	int rc;
	*has_text = 0;
	if ((rc = dft_sql_cached(st, &s, "SELECT text FROM texts WHERE doc_id=?")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	if (dft_sql_step(s) == DFT_ROW) {
		*has_text = 1;
		rc = dft_buf_add(out, (const unsigned char *)dft_sql_col_text(s, 0), (size_t)dft_sql_col_bytes(s, 0));
	}
	dft_sql_release(st, s);
	return rc;
}

int dft_store_text_sha(dft_store *st, int64_t id, char out[DFT_SHA256_HEX])
{
	dft_buf t;
	int has, rc;
	out[0] = '\0';
	dft_buf_init(&t, (size_t)1 << 31);
	if ((rc = dft_store_doc_text(st, id, &t, &has)) == 0 && has)
		rc = dft_sha256_hex(out, dft_buf_cstr(&t), t.len);
	dft_buf_dispose(&t);
	return rc;
}

int dft_store_doc_meta(dft_store *st, int64_t id,
		       int (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT key, value FROM meta WHERE doc_id=? ORDER BY key")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, id);
	while (rc == 0 && dft_sql_next(s, &rc))
		rc = fn(ctx, dft_sql_col_text(s, 0), dft_sql_col_text(s, 1));
	dft_sql_release(st, s);
	return rc;
}

int dft_store_docs(dft_store *st, const dft_doc_filter *f,
		   int (*fn)(void *ctx, const dft_doc *d), void *ctx)
{
	dft_stmt *s;
	dft_buf sql;
	int rc;
	dft_buf_init(&sql, 0);
	if (f->batch) /* the documents of that batch, each with its first path there;
		       * driven by the locations_batch index, not by every document */
		dft_buf_adds(&sql, "SELECT d.id, d.sha256, d.size, l.path, d.parent_id, d.batch_id, d.depth, d.stored, "
				   "d.source, d.mime, d.type, d.language, d.status, d.error, d.notes, d.pages "
				   "FROM (SELECT doc_id, min(id) AS first FROM locations WHERE batch_id=?1 GROUP BY doc_id) b "
				   "JOIN documents d ON d.id = b.doc_id JOIN locations l ON l.id = b.first WHERE 1=1");
	else
		dft_buf_adds(&sql, "SELECT " DOC_COLUMNS " FROM documents d WHERE 1=1");
	if (f->failed_only)
		dft_buf_adds(&sql, " AND d.status='failed'");
	if (f->type)
		dft_buf_adds(&sql, " AND d.type=?2");
	dft_buf_adds(&sql, " ORDER BY d.id LIMIT ?3 OFFSET ?4");
	rc = dft_sql_cached(st, &s, dft_buf_cstr(&sql));
	dft_buf_dispose(&sql);
	if (rc < 0)
		return rc;
	if (f->batch)
		dft_sql_bind_int64(s, 1, f->batch);
	if (f->type)
		dft_sql_bind_text(s, 2, f->type, -1);
	dft_sql_bind_int64(s, 3, f->limit > 0 ? f->limit : INT64_MAX);
	dft_sql_bind_int64(s, 4, f->offset);
	while (rc == 0 && dft_sql_next(s, &rc)) {
		dft_doc d;
		if ((rc = doc_from_row(s, &d)) == 0)
			rc = fn(ctx, &d);
		dft_doc_dispose(&d);
	}
	dft_sql_release(st, s);
	return rc;
}

/* ---- status ------------------------------------------------------------ */

static int64_t scalar(dft_store *st, const char *sql)
{
	dft_stmt *s;
	int64_t v = 0;
	if (dft_sql_cached(st, &s, sql) < 0)
		return -1;
	if (dft_sql_step(s) == DFT_ROW)
		v = dft_sql_col_int64(s, 0);
	dft_sql_release(st, s);
	return v;
}

static int counts(dft_store *st, const char *sql, dft_count **out, size_t *n)
{
	dft_stmt *s;
	int rc;
	*out = NULL;
	*n = 0;
	if ((rc = dft_sql_cached(st, &s, sql)) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		dft_count *c = dft_realloc(*out, (*n + 1) * sizeof(**out));
		if (!c) {
			rc = DFT_ENOMEM;
			break;
		}
		*out = c;
		snprintf(c[*n].key, sizeof(c[*n].key), "%s",
			 (const unsigned char *)dft_sql_col_text(s, 0) ? dft_sql_col_text(s, 0) : "");
		c[*n].n = dft_sql_col_int64(s, 1);
		(*n)++;
	}
	dft_sql_release(st, s);
	return rc;
}

int dft_store_status(dft_store *st, dft_status *out)
{
	dft_stmt *s;
	int rc;
	memset(out, 0, sizeof(*out));
	out->documents = scalar(st, "SELECT count(*) FROM documents");
	out->originals = scalar(st, "SELECT count(*) FROM documents WHERE parent_id IS NULL AND sha256 IS NOT NULL");
	out->bytes = scalar(st, "SELECT coalesce(sum(size),0) FROM documents WHERE parent_id IS NULL AND sha256 IS NOT NULL");
	out->failed = scalar(st, "SELECT count(*) FROM documents WHERE status='failed'");
	out->pending = scalar(st, "SELECT count(*) FROM documents WHERE status='pending'");
	out->notes = scalar(st, "SELECT count(*) FROM notes");
	if (out->documents < 0)
		return db_err(st, "status");
	if ((rc = counts(st, "SELECT type, count(*) FROM documents WHERE type IS NOT NULL GROUP BY type ORDER BY 2 DESC, 1",
			 &out->by_type, &out->ntypes)) < 0 ||
	    (rc = counts(st, "SELECT language, count(*) FROM documents WHERE language IS NOT NULL AND language != '' "
			     "GROUP BY language ORDER BY 2 DESC, 1", &out->by_language, &out->nlanguages)) < 0)
		return rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT b.id, b.label, b.started_at, coalesce(b.closed_at,''), "
				  "(SELECT count(DISTINCT doc_id) FROM locations l WHERE l.batch_id=b.id) "
				  "FROM batches b ORDER BY b.id")) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		dft_batch *b = dft_realloc(out->batches, (out->nbatches + 1) * sizeof(*b));
		if (!b) {
			rc = DFT_ENOMEM;
			break;
		}
		out->batches = b;
		b = &b[out->nbatches++];
		b->id = dft_sql_col_int64(s, 0);
		snprintf(b->label, sizeof(b->label), "%s", dft_sql_col_text(s, 1));
		snprintf(b->started_at, sizeof(b->started_at), "%s", dft_sql_col_text(s, 2));
		snprintf(b->closed_at, sizeof(b->closed_at), "%s", dft_sql_col_text(s, 3));
		b->documents = dft_sql_col_int64(s, 4);
	}
	dft_sql_release(st, s);
	return rc;
}

void dft_status_dispose(dft_status *s)
{
	free(s->batches);
	free(s->by_type);
	free(s->by_language);
	memset(s, 0, sizeof(*s));
}

int dft_store_each_blob(dft_store *st,
			int (*fn)(void *ctx, int64_t id, const char *sha256, int stored, const char *source, int64_t size),
			void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT id, sha256, stored, source, size FROM documents "
				  "WHERE sha256 IS NOT NULL ORDER BY id")) < 0)
		return rc;
	while (rc == 0 && dft_sql_next(s, &rc)) {
		char *source = dft_sql_col_bytes_strdup(s, 3);
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1),
			dft_sql_col_int64(s, 2), source, dft_sql_col_int64(s, 4));
		free(source);
	}
	dft_sql_release(st, s);
	return rc;
}

int dft_store_add_note(dft_store *st, int64_t batch, const char *path, const char *note)
{
	dft_stmt *s;
	dft_json *j;
	int rc;
	if ((rc = dft_store_begin(st)) < 0)
		return rc;
	if ((rc = dft_sql_cached(st, &s, "INSERT INTO notes(batch_id, path, note) VALUES(?,?,?) ON CONFLICT DO NOTHING")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, batch);
	dft_sql_bind_text(s, 2, path, -1);
	dft_sql_bind_text(s, 3, note, -1);
	rc = dft_sql_step(s) == DFT_DONE ? 0 : db_err(st, "add note");
	dft_sql_release(st, s);
	if (rc < 0 || dft_sql_changes(st) == 0)
		return rc;
	j = dft_custody_begin(st->custody, "skipped");
	dft_json_key(j, "path");
	dft_json_str(j, path);
	dft_json_key(j, "note");
	dft_json_str(j, note);
	dft_json_key(j, "batch");
	dft_json_int(j, batch);
	return dft_custody_end(st->custody);
}

int dft_store_notes(dft_store *st, int64_t batch,
		    int (*fn)(void *ctx, int64_t batch, const char *path, const char *note), void *ctx)
{
	dft_stmt *s;
	int rc;
	if ((rc = dft_sql_cached(st, &s, "SELECT batch_id, path, note FROM notes WHERE ?1 = 0 OR batch_id = ?1 ORDER BY id")) < 0)
		return rc;
	dft_sql_bind_int64(s, 1, batch);
	while (rc == 0 && dft_sql_next(s, &rc))
		rc = fn(ctx, dft_sql_col_int64(s, 0), dft_sql_col_text(s, 1),
			dft_sql_col_text(s, 2));
	dft_sql_release(st, s);
	return rc;
}
