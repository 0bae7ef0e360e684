/*
 * worker.c - the sandboxed extraction worker (see extract.h).
 *
 * The parent (ingest) keeps the store; a worker keeps nothing but a socket.
 * Before it reads any untrusted byte a worker closes every other file
 * descriptor, lowers its rlimits, loads what it needs (libmagic's database)
 * and installs a seccomp filter that denies open, exec, socket and the
 * like. From then on the only way out is the socket to the parent.
 */
#include "daftar/extract.h"
#include "ocr.h"

#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <sched.h>
#include <seccomp.h>
#include <stdatomic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>
#include <libxml/parser.h>

#if defined(__SANITIZE_ADDRESS__)
#define DFT_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DFT_ASAN 1
#endif
#endif

#define MAP_LIMIT ((uint64_t)512 << 20) /* files up to this are mapped */
#define JOB_MAGIC 0x6466744aU            /* "dftJ" */

struct dft_worker {
	pid_t pid;
	int sock;
	int cell; /* its cell of the CPU loan, -1 for none */
	dft_buf in; /* bytes received, not yet a complete frame */
};

/* ---- CPUs lent to the pages of a document ----------------------------------
 *
 * When workers sit idle (the last documents of a trove), the parent lends
 * their CPUs (dft_worker_lend), and a worker reading a long scanned
 * document borrows them for helper threads (ocr.c), a page each. The loan
 * lives in one shared page mapped before the first worker is forked:
 * `lent` is written by the parent, `borrowed` counts what the workers hold,
 * and each worker's own count is in its cell, so that a worker that is
 * killed holding CPUs gives them back (dft_worker_stop). */
#define LOAN_CELLS 256
static struct cpu_loan {
	atomic_int lent, borrowed;
	atomic_int cell[LOAN_CELLS];
	atomic_char cell_used[LOAN_CELLS];
} *loan;
static int loan_cell = -1; /* in a worker: its cell */

static int loan_map(void)
{
	void *p;
	if (loan)
		return 0;
	p = mmap(NULL, sizeof(*loan), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	loan = p; /* zero-filled: nothing lent */
	return 0;
}

void dft_worker_lend(int cpus)
{
	if (loan)
		atomic_store(&loan->lent, cpus > 0 ? cpus : 0);
}

static int loan_borrow(void)
{
	int b;
	if (!loan || loan_cell < 0)
		return 0;
	b = atomic_load(&loan->borrowed);
	while (b < atomic_load(&loan->lent))
		if (atomic_compare_exchange_weak(&loan->borrowed, &b, b + 1)) {
			atomic_fetch_add(&loan->cell[loan_cell], 1);
			return 1;
		}
	return 0;
}

static void loan_give_back(void)
{
	if (!loan || loan_cell < 0)
		return;
	atomic_fetch_sub(&loan->cell[loan_cell], 1);
	atomic_fetch_sub(&loan->borrowed, 1);
}

/* Parent: a cell for a new worker, and the cell of one that ended. */
static int loan_cell_take(void)
{
	if (loan_map() < 0)
		return -1;
	for (int i = 0; i < LOAN_CELLS; i++) {
		char z = 0;
		if (atomic_compare_exchange_strong(&loan->cell_used[i], &z, 1))
			return i;
	}
	return -1;
}

static void loan_cell_free(int cell)
{
	if (!loan || cell < 0)
		return;
	atomic_fetch_sub(&loan->borrowed, atomic_exchange(&loan->cell[cell], 0));
	atomic_store(&loan->cell_used[cell], 0);
}

/* ---- worker side ------------------------------------------------------- */

static int write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n) {
		ssize_t k = write(fd, c, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return dft_error_set(DFT_EIO, "worker: the parent went away");
		}
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_frame2(int sock, int kind, const void *a, size_t an, const void *b, size_t bn)
{
	unsigned char h[5];
	uint32_t len = (uint32_t)(an + bn);
	int rc;
	h[0] = (unsigned char)kind;
	h[1] = (unsigned char)(len & 0xff);
	h[2] = (unsigned char)((len >> 8) & 0xff);
	h[3] = (unsigned char)((len >> 16) & 0xff);
	h[4] = (unsigned char)((len >> 24) & 0xff);
	if ((rc = write_all(sock, h, 5)) < 0)
		return rc;
	if (an && (rc = write_all(sock, a, an)) < 0)
		return rc;
	if (bn && (rc = write_all(sock, b, bn)) < 0)
		return rc;
	return 0;
}

static int send_frame(int sock, int kind, const void *p, size_t n)
{
	return send_frame2(sock, kind, p, n, NULL, 0);
}

/* Large payloads in frames of at most DFT_FRAME_MAX bytes. */
static int send_chunks(int sock, int kind, const char *p, size_t n)
{
	int rc;
	while (n) {
		size_t k = n > DFT_FRAME_MAX ? DFT_FRAME_MAX : n;
		if ((rc = send_frame(sock, kind, p, k)) < 0)
			return rc;
		p += k;
		n -= k;
	}
	return 0;
}

static int sock_of(dft_sink *s) { return (int)(intptr_t)s->ctx; }

/* The text hook (extract.h) and the copy of the text it reads: the text
 * the parent keeps, frame by frame by the parent's own rule (a frame that
 * would pass max_text ends the text), while it is at most the hook's
 * max_text; a longer one is not analysed here (the parent does it). */
static const dft_text_hook *text_hook;
static const dft_limits *job_limits;
static dft_buf hook_text;
static int hook_text_cut, hook_text_too_long;

static void hook_keep(const char *p, size_t n)
{
	while (text_hook && n) {
		size_t k = n > DFT_FRAME_MAX ? DFT_FRAME_MAX : n;
		if (!hook_text_cut) {
			if (hook_text.len + k > job_limits->max_text)
				hook_text_cut = 1;
			else if (!hook_text_too_long &&
				 (hook_text.len + k > text_hook->max_text || dft_buf_add(&hook_text, p, k) < 0))
				hook_text_too_long = 1;
		}
		p += k;
		n -= k;
	}
}

static int hook_send(void *sctx, int kind, const void *p, size_t n)
{
	if (n > DFT_FRAME_MAX)
		return dft_error_set(DFT_EINVAL, "text hook: a frame of %zu bytes", n);
	return send_frame(*(int *)sctx, kind, p, n);
}

/* The first bytes of a document's text, kept for language detection. */
#define LANG_SAMPLE 65536
static char lang_sample[LANG_SAMPLE];
static size_t lang_sample_len;

/* Pages (form-feed separated) get a language each, so that a mixed
 * document says which pages are Arabic and which English: the first bytes
 * of every page are kept and judged when the page ends. */
#define PAGE_SAMPLE 8192
#define PAGE_LANGS_MAX 4096
static char page_sample[PAGE_SAMPLE];
static size_t page_sample_len;
static dft_buf page_langs; /* "ar,en,ar" */
static int page_count;

static int utf8_cut(const char *p, int n)
{
	/* drop a partial character at the end */
	while (n && ((unsigned char)p[n - 1] & 0xC0) == 0x80)
		n--;
	if (n && (unsigned char)p[n - 1] >= 0xC0)
		n--;
	return n;
}

static void page_end(void)
{
	char lang[8] = "";
	size_t n = (size_t)utf8_cut(page_sample, (int)page_sample_len);
	if (page_count < PAGE_LANGS_MAX) {
		if (n)
			dft_detect_language(page_sample, n, lang);
		if (page_count)
			dft_buf_addc(&page_langs, ',');
		dft_buf_adds(&page_langs, lang[0] ? lang : "-");
	}
	page_count++;
	page_sample_len = 0;
}

static int ws_text(dft_sink *s, const char *p, size_t n)
{
	const char *q = p, *end = p + n;
	if (lang_sample_len < LANG_SAMPLE) {
		size_t k = n < LANG_SAMPLE - lang_sample_len ? n : LANG_SAMPLE - lang_sample_len;
		memcpy(lang_sample + lang_sample_len, p, k);
		lang_sample_len += k;
	}
	while (q < end) {
		const char *ff = memchr(q, '\f', (size_t)(end - q));
		const char *stop = ff ? ff : end;
		if (page_sample_len < PAGE_SAMPLE) {
			size_t k = (size_t)(stop - q);
			if (k > PAGE_SAMPLE - page_sample_len)
				k = PAGE_SAMPLE - page_sample_len;
			memcpy(page_sample + page_sample_len, q, k);
			page_sample_len += k;
		}
		if (!ff)
			break;
		page_end();
		q = ff + 1;
	}
	hook_keep(p, n);
	return send_chunks(sock_of(s), DFT_FRAME_TEXT, p, n);
}

static int ws_meta(dft_sink *s, const char *k, const char *v)
{
	return send_frame2(sock_of(s), DFT_FRAME_META, k, strlen(k) + 1, v, strlen(v) + 1);
}

static int ws_note(dft_sink *s, const char *msg) { return send_frame(sock_of(s), DFT_FRAME_NOTE, msg, strlen(msg)); }

static int ws_child_begin(dft_sink *s, const char *name, int64_t size, int64_t mtime)
{
	char h[16];
	size_t n = strlen(name);
	memcpy(h, &size, 8);
	memcpy(h + 8, &mtime, 8);
	if (n > 65536)
		n = 65536;
	return send_frame2(sock_of(s), DFT_FRAME_CHILD, h, 16, name, n);
}

static int ws_child_data(dft_sink *s, const void *p, size_t n) { return send_chunks(sock_of(s), DFT_FRAME_CHILD_DATA, p, n); }
static int ws_child_end(dft_sink *s) { return send_frame(sock_of(s), DFT_FRAME_CHILD_END, NULL, 0); }

static int ws_child_failed(dft_sink *s, const char *name, int64_t size, const char *reason)
{
	dft_buf b;
	int rc;
	dft_buf_init(&b, 1 << 20);
	if ((rc = dft_buf_add(&b, &size, 8)) == 0 && (rc = dft_buf_add(&b, name, strlen(name) + 1)) == 0 &&
	    (rc = dft_buf_adds(&b, reason)) == 0)
		rc = send_frame(sock_of(s), DFT_FRAME_CHILD_FAILED, b.ptr, b.len);
	dft_buf_dispose(&b);
	return rc;
}

static void set_limits(const dft_limits *l)
{
	struct rlimit r;
	/* CPU: a backstop; the per-document limit is the parent's wall clock.
	 * The worker leaves before it gets near (see worker_main). */
	r.rlim_cur = r.rlim_max = (rlim_t)l->timeout_s * 4 + 10;
	setrlimit(RLIMIT_CPU, &r);
#ifndef DFT_ASAN
	/* AddressSanitizer reserves terabytes of address space for its
	 * shadow memory, so the address-space limit is off in that build. */
	r.rlim_cur = r.rlim_max = (rlim_t)l->max_address_space;
	setrlimit(RLIMIT_AS, &r);
#endif
	r.rlim_cur = r.rlim_max = 0;
	setrlimit(RLIMIT_CORE, &r);
	r.rlim_cur = r.rlim_max = 0; /* no file may be written, whatever happens */
	setrlimit(RLIMIT_FSIZE, &r);
}

/* System calls that end the worker rather than fail: a parser has no
 * reason to make them, so one that does is hostile (or exploited). The
 * worker exits with status SANDBOX_EXIT + index, and the parent names the
 * call in the document's error. open and openat end it only when they ask
 * to write or create (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC): libraries open
 * files for reading lazily (GLib's time zone and charset tables on the
 * first date of an OLE document, glibc's gconv modules for a rare
 * charset) and cope with a refusal, so a read-only open fails with EPERM
 * and the document goes on without it. */
#define SANDBOX_EXIT 64
static const struct {
	int nr;
	const char *name;
} trapped[] = {
	{SCMP_SYS(open), "open"},       {SCMP_SYS(openat), "openat"},     {SCMP_SYS(openat2), "openat2"},
	{SCMP_SYS(creat), "creat"},     {SCMP_SYS(socket), "socket"},     {SCMP_SYS(connect), "connect"},
	{SCMP_SYS(bind), "bind"},       {SCMP_SYS(execve), "execve"},     {SCMP_SYS(execveat), "execveat"},
	{SCMP_SYS(fork), "fork"},       {SCMP_SYS(vfork), "vfork"},
};
#define TRAPPED_N ((int)(sizeof(trapped) / sizeof(trapped[0])))

/* SIGSYS from SCMP_ACT_TRAP: the call was not made. Leave at once with the
 * index of the call (TRAPPED_N: another one). Only _exit here. */
static void sigsys_handler(int sig, siginfo_t *si, void *uc)
{
	int i;
	(void)sig;
	(void)uc;
	for (i = 0; i < TRAPPED_N; i++)
		if (si && si->si_syscall == trapped[i].nr)
			break;
	_exit(SANDBOX_EXIT + i);
}

static int install_seccomp(void)
{
	static const int allowed[] = {
		SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev), SCMP_SYS(pread64),
		SCMP_SYS(close), SCMP_SYS(fstat), SCMP_SYS(newfstatat), SCMP_SYS(lseek),
		SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap), SCMP_SYS(mprotect), SCMP_SYS(brk),
		SCMP_SYS(madvise), SCMP_SYS(exit), SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
		SCMP_SYS(rt_sigprocmask), SCMP_SYS(rt_sigaction), SCMP_SYS(sigaltstack),
		SCMP_SYS(recvmsg), SCMP_SYS(sendmsg), SCMP_SYS(shutdown), SCMP_SYS(getrusage), SCMP_SYS(clock_gettime),
		SCMP_SYS(gettimeofday), SCMP_SYS(futex), SCMP_SYS(getpid), SCMP_SYS(gettid),
		SCMP_SYS(sched_yield), SCMP_SYS(getrandom), SCMP_SYS(nanosleep), SCMP_SYS(clock_nanosleep),
		SCMP_SYS(tgkill), SCMP_SYS(prlimit64), SCMP_SYS(fcntl), SCMP_SYS(set_robust_list),
		SCMP_SYS(rseq), SCMP_SYS(sched_getaffinity), SCMP_SYS(getuid), SCMP_SYS(geteuid),
	};
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;
	if (getenv("DAFTAR_NO_SECCOMP"))
		return 0;
	/* everything else fails with EPERM: libraries see an error they
	 * handle, rather than a dead worker */
	{
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_sigaction = sigsys_handler;
		sa.sa_flags = SA_SIGINFO;
		sigemptyset(&sa.sa_mask);
		if (sigaction(SIGSYS, &sa, NULL) < 0)
			return dft_error_set(DFT_ERROR, "cannot catch SIGSYS");
	}
	if (!(ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))))
		return dft_error_set(DFT_ERROR, "seccomp_init failed");
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	/* opening a file, a socket or a program ends the worker: the call
	 * traps (it is never made) and sigsys_handler() exits with a status
	 * that names it */
	for (i = 0; i < sizeof(trapped) / sizeof(trapped[0]) && rc == 0; i++) {
		static const unsigned long write_flags[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC};
		size_t k;
		if (trapped[i].nr == SCMP_SYS(openat2)) /* flags out of reach: libc falls back to openat */
			rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), trapped[i].nr, 0);
		else if (trapped[i].nr == SCMP_SYS(open) || trapped[i].nr == SCMP_SYS(openat))
			for (k = 0; k < sizeof(write_flags) / sizeof(write_flags[0]) && rc == 0; k++)
				rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, trapped[i].nr, 1,
						      SCMP_CMP(trapped[i].nr == SCMP_SYS(open) ? 1 : 2,
							       SCMP_CMP_MASKED_EQ, write_flags[k], write_flags[k]));
		else
			rc = seccomp_rule_add(ctx, SCMP_ACT_TRAP, trapped[i].nr, 0);
	}
	/* threads, not processes: libheif's HEVC decoder (libde265) always
	 * starts a worker thread and waits for it. A thread runs under this
	 * same filter and within this process's limits, so it opens nothing
	 * the worker could not. clone3's flags are in memory a filter cannot
	 * read: it fails with ENOSYS and glibc falls back to clone, whose
	 * flags are an argument: allowed only with CLONE_THREAD (a fork,
	 * which lacks it, still fails with EPERM). */
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), 1,
				      SCMP_CMP(0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD));
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc == 0 ? 0 : dft_error_set(DFT_ERROR, "cannot install the seccomp filter (%d)", rc);
}

/* Receive one job: the document's fd and its name. 0, or 1 at end. */
static int recv_job(int sock, int *fd, char *name, size_t namecap)
{
	struct msghdr msg;
	struct iovec iov;
	uint32_t hdr[2];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr *cm;
	ssize_t n;
	size_t got = 0;

	memset(&msg, 0, sizeof(msg));
	iov.iov_base = hdr;
	iov.iov_len = sizeof(hdr);
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return 1;
	*fd = -1;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	if (n != sizeof(hdr) || hdr[0] != JOB_MAGIC || *fd < 0 || hdr[1] >= namecap)
		return 1;
	while (got < hdr[1]) {
		n = read(sock, name + got, hdr[1] - got);
		if (n <= 0)
			return 1;
		got += (size_t)n;
	}
	name[got] = '\0';
	return 0;
}

/* Fault injection for the tests of the sandbox itself: DAFTAR_FAULT is
 * "crash:TEXT", "hang:TEXT", "spin:TEXT" or "oom:TEXT", and the worker
 * misbehaves so on a document whose name contains TEXT; "open:TEXT",
 * "open-rw:TEXT", "connect:TEXT", "socket:TEXT", "exec:TEXT" and
 * "write-file:TEXT" make it try what the seccomp filter forbids (read or
 * write /etc/passwd, connect its socket to 127.0.0.1:80, make a new socket,
 * run /bin/sh, create a file in $TMPDIR or /tmp), as code smuggled in by a
 * document would. Read once,
 * before the sandbox closes. */
static const char *fault_kind, *fault_text;
static long long burned_us; /* CPU the "burn" fault has used */
static char fault_file[512];

static void fault_setup(void)
{
	static char spec[256];
	const char *env = getenv("DAFTAR_FAULT");
	char *colon;
	if (!env || !*env)
		return;
	snprintf(spec, sizeof(spec), "%s", env);
	if (!(colon = strchr(spec, ':')))
		return;
	*colon = '\0';
	fault_kind = spec;
	fault_text = colon + 1;
	snprintf(fault_file, sizeof(fault_file), "%s/daftar-sandbox-escape",
		 getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
}

static void *fault_thread_exec(void *arg)
{
	char *const argv[] = {(char *)"sh", (char *)"-c", (char *)"exit 0", NULL};
	char *const envp[] = {NULL};
	(void)arg;
	execve("/bin/sh", argv, envp);
	return NULL;
}

static int fault_maybe(const char *name)
{
	volatile unsigned long spin = 0;
	if (!fault_kind || !strstr(name, fault_text))
		return 0;
	if (!strcmp(fault_kind, "crash"))
		raise(SIGSEGV);
	if (!strcmp(fault_kind, "hang"))
		for (;;)
			pause();
	if (!strcmp(fault_kind, "spin"))
		for (;;)
			spin++;
	/* if one of these returns, the sandbox is not there: say so */
	if (!strcmp(fault_kind, "open")) {
		/* reading is refused (EPERM), not fatal: see install_seccomp() */
		int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
		if (fd < 0 && errno == EPERM)
			return dft_error_set(DFT_ERROR, "the sandbox refused to open /etc/passwd (EPERM)");
		return dft_error_set(DFT_ERROR, "sandbox escape: open() returned %d (errno %d)", fd, fd < 0 ? errno : 0);
	}
	if (!strcmp(fault_kind, "open-rw")) {
		int fd = open("/etc/passwd", O_RDWR | O_CLOEXEC);
		return dft_error_set(DFT_ERROR, "sandbox escape: open(O_RDWR) returned %d (errno %d)", fd, fd < 0 ? errno : 0);
	}
	if (!strcmp(fault_kind, "write-file")) {
		int fd = open(fault_file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		return dft_error_set(DFT_ERROR, "sandbox escape: open(O_CREAT) returned %d (errno %d)", fd, fd < 0 ? errno : 0);
	}
	if (!strcmp(fault_kind, "connect")) {
		struct sockaddr_in a;
		int r;
		memset(&a, 0, sizeof(a));
		a.sin_family = AF_INET;
		a.sin_port = htons(80);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		r = connect(3, (const struct sockaddr *)&a, sizeof(a));
		return dft_error_set(DFT_ERROR, "sandbox escape: connect() returned %d (errno %d)", r, r < 0 ? errno : 0);
	}
	if (!strcmp(fault_kind, "socket")) {
		int r = socket(AF_INET, SOCK_STREAM, 0);
		return dft_error_set(DFT_ERROR, "sandbox escape: socket() returned %d (errno %d)", r, r < 0 ? errno : 0);
	}
	if (!strcmp(fault_kind, "exec")) {
		char *const argv[] = {(char *)"sh", (char *)"-c", (char *)"exit 0", NULL};
		char *const envp[] = {NULL};
		int r = execve("/bin/sh", argv, envp);
		return dft_error_set(DFT_ERROR, "sandbox escape: execve() returned %d (errno %d)", r, errno);
	}
	if (!strcmp(fault_kind, "fork")) {
		/* glibc's fork is clone without CLONE_THREAD: refused */
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		if (pid < 0 && errno == EPERM)
			return dft_error_set(DFT_ERROR, "the sandbox refused fork (EPERM)");
		return dft_error_set(DFT_ERROR, "sandbox escape: fork() returned %d (errno %d)", (int)pid, pid < 0 ? errno : 0);
	}
	if (!strcmp(fault_kind, "thread-exec")) {
		/* a thread may start (libheif's decoder needs one) but is under
		 * the same filter: its execve ends the worker */
		pthread_t t;
		int r = pthread_create(&t, NULL, fault_thread_exec, NULL);
		if (r == 0)
			pthread_join(t, NULL);
		return dft_error_set(DFT_ERROR, "sandbox escape: a thread's execve returned (pthread_create %d)", r);
	}
	if (!strcmp(fault_kind, "burn")) {
		/* 0.6 s of CPU and 512 MiB touched, then the document goes on
		 * as usual: a worker like an OCR one, which uses its CPU share in
		 * a few documents and takes a while to tear down */
		struct rusage ru;
		char *p = malloc((size_t)512 << 20);
		if (p)
			memset(p, 1, (size_t)512 << 20);
		free(p);
		do {
			for (int k = 0; k < 1000000; k++)
				spin++;
			getrusage(RUSAGE_SELF, &ru);
		} while (ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec < burned_us + 600000);
		burned_us = ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
		return 0;
	}
	if (!strcmp(fault_kind, "oom")) {
		/* grow until the address-space limit says no */
		for (;;) {
			char *p = malloc((size_t)64 << 20);
			if (!p)
				return dft_error_set(DFT_ENOMEM, "out of memory: the worker's memory limit was hit");
			memset(p, 1, (size_t)64 << 20);
		}
	}
	return 0;
}

/* libmagic calls a text file "data" when one stray control character (a
 * Ctrl-Z at the end of an old DOS file) is in it: such a file is still
 * text to a reader, and must be searchable. */
static int looks_like_text(const unsigned char *p, size_t n)
{
	size_t i, ctl = 0;
	if (n == 0)
		return 0;
	for (i = 0; i < n; i++) {
		if (p[i] == 0)
			return 0;
		if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r' && p[i] != '\f')
			ctl++;
	}
	return ctl * 100 <= n; /* at most 1% control characters */
}

/* An mbox starts with an envelope line "From addr Day Mon dd hh:mm:ss yyyy";
 * libmagic often calls it plain text. */
static int looks_like_mbox(const unsigned char *p, size_t n)
{
	const unsigned char *nl;
	size_t i, digits = 0, colon = 0;
	if (n < 20 || memcmp(p, "From ", 5) != 0)
		return 0;
	nl = memchr(p, '\n', n < 512 ? n : 512);
	if (!nl)
		return 0;
	for (i = 5; p + i < nl; i++) {
		digits += p[i] >= '0' && p[i] <= '9';
		colon += p[i] == ':';
	}
	return colon >= 2 && digits >= 8;
}

static int starts_with_ci(const unsigned char *p, size_t n, const char *lit)
{
	size_t k = strlen(lit), i;
	if (n < k)
		return 0;
	for (i = 0; i < k; i++) {
		unsigned char c = p[i];
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c + 32);
		if (c != (unsigned char)lit[i])
			return 0;
	}
	return 1;
}

/* Header lines of a saved e-mail: "Name: value" lines, one of them a
 * header that only mail has. */
static int looks_like_mail(const unsigned char *p, size_t n)
{
	static const char *const mail_headers[] = {"received:", "return-path:", "message-id:", "mime-version:",
						   "delivered-to:", "x-mailer:", "in-reply-to:", "from:", "subject:",
						   "date:", "to:", NULL};
	size_t pos = 0, lines = 0, strong = 0, weak = 0, i;
	while (pos < n && lines < 12) {
		const unsigned char *line = p + pos, *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		if (len == 0 || (len == 1 && line[0] == '\r'))
			break;
		if (line[0] != ' ' && line[0] != '\t') {
			for (i = 0; mail_headers[i]; i++)
				if (starts_with_ci(line, len, mail_headers[i])) {
					if (i < 7)
						strong++;
					else
						weak++;
					break;
				}
			if (!mail_headers[i] && !memchr(line, ':', len))
				return 0; /* not a header line */
		}
		lines++;
		pos += len + 1;
	}
	return strong >= 1 || weak >= 3;
}

/* The kind of a text file: HTML, XML, RTF, e-mail, mbox or plain text. */
static const char *sniff_text(const unsigned char *p, size_t n)
{
	unsigned char ascii[1024] = {0};
	size_t i = 0, k = 0, step = 1;
	/* UTF-16 text: look at its low bytes */
	if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
		i = p[0] == 0xFF ? 2 : 3;
		step = 2;
	} else if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		i = 3;
	}
	for (; i < n && k < sizeof(ascii); i += step)
		ascii[k++] = p[i];
	for (i = 0; i < k && (ascii[i] == ' ' || ascii[i] == '\t' || ascii[i] == '\r' || ascii[i] == '\n'); i++)
		;
	p = ascii + i;
	n = k - i;
	if (starts_with_ci(p, n, "{\\rtf"))
		return "text/rtf";
	if (starts_with_ci(p, n, "<?xml")) {
		if (memmem(p, n, "<html", 5) || memmem(p, n, "<HTML", 5) || memmem(p, n, "xhtml", 5))
			return "text/html";
		return "text/xml";
	}
	if (starts_with_ci(p, n, "<!doctype html") || starts_with_ci(p, n, "<html") || starts_with_ci(p, n, "<head") ||
	    starts_with_ci(p, n, "<body") || starts_with_ci(p, n, "<meta") || starts_with_ci(p, n, "<title") ||
	    starts_with_ci(p, n, "<div") || starts_with_ci(p, n, "<p>") || starts_with_ci(p, n, "<table") ||
	    (n && p[0] == '<' && (memmem(p, n, "<html", 5) || memmem(p, n, "<HTML", 5) || memmem(p, n, "<body", 5))))
		return "text/html";
	if (looks_like_mbox(p, n))
		return "application/mbox";
	if (looks_like_mail(p, n))
		return "message/rfc822";
	return "text/plain";
}

/* Set by run_job when this worker has used its CPU share and ends after
 * the document in hand. */
static int worker_leaving;

static int run_job(int sock, magic_t magic, int fd, const char *name, const dft_limits *l)
{
	dft_sink sink = {ws_text, ws_meta, ws_child_begin, ws_child_data, ws_child_end,
			 ws_child_failed, ws_note, (void *)(intptr_t)sock};
	dft_input in;
	struct stat sb;
	void *map = NULL;
	const char *mime = NULL, *type = NULL;
	unsigned char head[65536];
	ssize_t hn;
	int rc;

	memset(&in, 0, sizeof(in));
	if (fstat(fd, &sb) < 0)
		return dft_error_set(DFT_EIO, "cannot stat the document: %s", strerror(errno));
	in.fd = fd;
	in.size = (uint64_t)sb.st_size;
	in.name = name;
	in.limits = l;
	if (in.size > 0 && in.size <= MAP_LIMIT) {
		map = mmap(NULL, in.size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED)
			map = NULL;
		in.data = map;
	}
	if (in.size == 0) {
		mime = "application/x-empty";
	} else {
		hn = in.data ? (ssize_t)(in.size < sizeof(head) ? in.size : sizeof(head))
			     : pread(fd, head, sizeof(head), 0);
		if (hn > 0)
			mime = magic_buffer(magic, in.data ? (const void *)in.data : head, (size_t)hn);
		if (!mime)
			mime = "application/octet-stream";
		/* weak magic: two bytes such as "HK" or "80" pass for a zlib
		 * header, a few letters for HP-GL; text that says so is text */
		if (hn > 0 && (!strcmp(mime, "application/octet-stream") || !strcmp(mime, "application/zlib") ||
			       !strcmp(mime, "application/vnd.hp-HPGL"))) {
			const unsigned char *b = in.data ? in.data : head;
			size_t bn = (size_t)hn < 8192 ? (size_t)hn : 8192;
			int bom = bn >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF));
			if (bom || looks_like_text(b, bn))
				mime = sniff_text(b, bn);
		}
	}
	in.mime = mime;
	if ((rc = send_frame(sock, DFT_FRAME_MIME, mime, strlen(mime))) < 0)
		goto done;
	rc = fault_maybe(name);
	lang_sample_len = 0;
	page_sample_len = 0;
	page_count = 0;
	dft_buf_reset(&page_langs);
	dft_buf_reset(&hook_text);
	hook_text_cut = hook_text_too_long = 0;
	if (rc == 0)
		rc = dft_extract_run(&sink, &in, &type);
	if (rc == 0 && lang_sample_len) {
		char lang[8] = "";
		lang_sample_len = (size_t)utf8_cut(lang_sample, (int)lang_sample_len);
		if (dft_detect_language(lang_sample, lang_sample_len, lang) == 0 && lang[0])
			rc = ws_meta(&sink, "language", lang);
		if (rc == 0 && page_count > 0) {
			/* a document of several pages: the last one ends here */
			page_end();
			rc = ws_meta(&sink, "page_languages", dft_buf_cstr(&page_langs));
		}
	}
	/* the text's signature and entities, here rather than in the parent */
	if (rc == 0 && text_hook && hook_text.len && !hook_text_too_long)
		rc = text_hook->run(text_hook->ctx, hook_text.ptr, hook_text.len, hook_send, &sock);
	/* leave well before the CPU backstop (the parent starts a fresh worker
	 * when this one ends between documents). Decided before the last
	 * frame, and said by closing our reading side first: the parent, which
	 * sends the next document when it has this one's answer, then gets
	 * EPIPE and starts another worker, instead of handing its document to
	 * one that is already on its way out (the document was lost, "ended
	 * without an answer", when OCR-heavy workers were recycled often). */
	{
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		/* the share is the per-document time limit; 1 s under the
		 * "burn" fault, which tests this moment */
		long share = fault_kind && !strcmp(fault_kind, "burn") ? 1 : (long)l->timeout_s;
		if (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec > share) {
			shutdown(sock, SHUT_RD);
			worker_leaving = 1;
		}
	}
	if (rc == 0)
		rc = send_frame(sock, DFT_FRAME_DONE, type, strlen(type));
	else
		rc = send_frame(sock, DFT_FRAME_FAILED, dft_error_msg(), strlen(dft_error_msg()));
done:
	if (map)
		munmap(map, in.size);
	if (hook_text.cap > ((size_t)16 << 20))
		dft_buf_dispose(&hook_text); /* a long text's copy is not kept for the next */
	return rc;
}

static void worker_main(int sock, const dft_limits *l, const dft_text_hook *hook)
{
	magic_t magic;
	char name[65536];
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGINT, SIG_IGN); /* Ctrl-C is for the parent, which stops cleanly */
	signal(SIGTERM, SIG_DFL);
	if (sock != 3) {
		dup2(sock, 3);
		sock = 3;
	}
	close_range(4, ~0U, 0);
	/* A library that prints must not corrupt the parent's --json output:
	 * stdout goes nowhere. stderr stays (terminal or pipe); where it is a
	 * file, RLIMIT_FSIZE makes writes fail with EFBIG, and SIGXFSZ is
	 * ignored so that a library's warning does not kill the worker. */
	{
		int devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (devnull >= 0) {
			dup2(devnull, 1);
			close(devnull);
		}
	}
	signal(SIGXFSZ, SIG_IGN);
	set_limits(l);
	/* libmagic's text tests (encodings, then regular expressions over the
	 * text) cost about a millisecond a file and were most of a worker's
	 * time on a trove of letters; binary formats are found without them,
	 * and sniff_text() below names the text kinds daftar reads. */
	magic = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_ELF |
			   MAGIC_NO_CHECK_TEXT | MAGIC_NO_CHECK_ENCODING | MAGIC_NO_CHECK_TOKENS);
	if (!magic || magic_load(magic, NULL) != 0)
		_exit(3);
	xmlInitParser();
	dft_buf_init(&page_langs, PAGE_LANGS_MAX * 4);
	job_limits = l;
	if (hook) {
		/* models and tables are read now: the sandbox refuses it later */
		if (hook->setup && hook->setup(hook->ctx) != 0)
			_exit(6);
		text_hook = hook;
		dft_buf_init(&hook_text, hook->max_text < l->max_text ? hook->max_text + 1 : l->max_text + 1);
	}
	dft_extract_worker_init();
	dft_ocr_set_cpu_lender(loan_borrow, loan_give_back);
	fault_setup();
	/* the time zone is read from /etc/localtime on first use (GLib's
	 * dates in OLE documents): read it now, before the filter forbids open */
	tzset();
	if (install_seccomp() < 0)
		_exit(4);
	for (;;) {
		if (recv_job(sock, &fd, name, sizeof(name)))
			break;
		dft_error_clear();
		if (run_job(sock, magic, fd, name, l) < 0)
			_exit(5);
		close(fd);
		if (worker_leaving) /* run_job decided it (see there) */
			break;
	}
	_exit(0);
}

/* ---- parent side ------------------------------------------------------- */

int dft_worker_start(dft_worker **out, const dft_limits *limits, const dft_text_hook *hook)
{
	int sv[2];
	dft_worker *w;
	pid_t pid;

	int cell;

	*out = NULL;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return dft_error_set(DFT_EIO, "cannot make a worker socket: %s", strerror(errno));
	cell = loan_cell_take(); /* -1: this worker borrows nothing */
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		loan_cell_free(cell);
		return dft_error_set(DFT_EIO, "cannot start a worker: %s", strerror(errno));
	}
	if (pid == 0) {
		close(sv[0]);
		loan_cell = cell;
		worker_main(sv[1], limits, hook);
		_exit(0);
	}
	close(sv[1]);
	if (!(w = dft_calloc(1, sizeof(*w)))) {
		close(sv[0]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		loan_cell_free(cell);
		return DFT_ENOMEM;
	}
	w->cell = cell;
	w->pid = pid;
	w->sock = sv[0];
	fcntl(w->sock, F_SETFL, fcntl(w->sock, F_GETFL) | O_NONBLOCK);
	dft_buf_init(&w->in, DFT_FRAME_MAX * 2 + 64);
	*out = w;
	return 0;
}

int dft_worker_socket(const dft_worker *w) { return w->sock; }
pid_t dft_worker_pid(const dft_worker *w) { return w->pid; }

int dft_worker_send(dft_worker *w, int fd, const char *name)
{
	struct msghdr msg;
	struct iovec iov[2];
	uint32_t hdr[2];
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr *cm;
	size_t n = strlen(name);
	ssize_t k;
	int rc = 0;

	if (n > 65000)
		n = 65000;
	hdr[0] = JOB_MAGIC;
	hdr[1] = (uint32_t)n;
	memset(&msg, 0, sizeof(msg));
	memset(cbuf, 0, sizeof(cbuf));
	iov[0].iov_base = hdr;
	iov[0].iov_len = sizeof(hdr);
	iov[1].iov_base = (void *)name;
	iov[1].iov_len = n;
	msg.msg_iov = iov;
	msg.msg_iovlen = 2;
	msg.msg_control = cbuf;
	msg.msg_controllen = sizeof(cbuf);
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		k = sendmsg(w->sock, &msg, MSG_NOSIGNAL);
	while (k < 0 && errno == EINTR);
	if (k < 0)
		rc = dft_error_set(DFT_EIO, "cannot send a document to a worker: %s", strerror(errno));
	else if ((size_t)k < sizeof(hdr) + n)
		rc = dft_error_set(DFT_EIO, "short send to a worker");
	close(fd);
	return rc;
}

int dft_worker_read(dft_worker *w, int (*on_frame)(void *ctx, int kind, const char *p, size_t n), void *ctx)
{
	char tmp[65536];
	int rc, eof = 0;
	for (;;) {
		ssize_t n = read(w->sock, tmp, sizeof(tmp));
		size_t used = 0;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			eof = 1;
			break;
		}
		if (n == 0) {
			eof = 1;
			break;
		}
		if ((rc = dft_buf_add(&w->in, tmp, (size_t)n)) < 0)
			return dft_error_set(DFT_EINVAL, "worker sent an oversized frame");
		/* hand out every complete frame */
		while (w->in.len - used >= 5) {
			const unsigned char *h = (const unsigned char *)w->in.ptr + used;
			uint32_t len = (uint32_t)h[1] | ((uint32_t)h[2] << 8) | ((uint32_t)h[3] << 16) |
				       ((uint32_t)h[4] << 24);
			if (len > DFT_FRAME_MAX + 65536 + 16)
				return dft_error_set(DFT_EINVAL, "worker sent a frame of %u bytes", len);
			if (w->in.len - used < 5 + (size_t)len)
				break;
			if ((rc = on_frame(ctx, h[0], (const char *)h + 5, len)) < 0)
				return rc;
			used += 5 + (size_t)len;
		}
		if (used) {
			memmove(w->in.ptr, w->in.ptr + used, w->in.len - used);
			w->in.len -= used;
		}
		if ((size_t)n < sizeof(tmp))
			break;
	}
	return eof ? 1 : 0;
}

/* Why a sandboxed process ended, in words ("" when it exited 0). */
static void describe_exit(int status, int force, char *why, size_t whylen)
{
	why[0] = '\0';
	if (WIFSIGNALED(status)) {
		int sig = WTERMSIG(status);
		if (sig == SIGXCPU)
			snprintf(why, whylen, "CPU time limit hit");
		else if (sig == SIGSYS)
			snprintf(why, whylen, "killed by the sandbox (seccomp): a forbidden system call");
		else if (sig == SIGKILL && force)
			snprintf(why, whylen, "stopped");
		else
			snprintf(why, whylen, "extractor crashed (%s)", strsignal(sig));
	} else if (WIFEXITED(status) && WEXITSTATUS(status) >= SANDBOX_EXIT &&
		   WEXITSTATUS(status) <= SANDBOX_EXIT + TRAPPED_N) {
		int k = WEXITSTATUS(status) - SANDBOX_EXIT;
		snprintf(why, whylen, "killed by the sandbox (seccomp): forbidden system call %s",
			 k < TRAPPED_N ? trapped[k].name : "(another)");
	} else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
		int code = WEXITSTATUS(status);
		snprintf(why, whylen, "extractor exited with status %d%s", code,
			 code == 3 ? " (libmagic database missing)" : code == 4 ? " (sandbox setup failed)"
			 : code == 6 ? " (the text analysis could not load its models)" : "");
	}
}

int dft_sandbox_enter(const dft_limits *l)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	signal(SIGXFSZ, SIG_IGN);
	set_limits(l);
	tzset();
	return install_seccomp();
}

void dft_sandbox_describe(int status, char *why, size_t whylen)
{
	if (why && whylen)
		describe_exit(status, 0, why, whylen);
}

void dft_worker_stop(dft_worker *w, int force, char *why, size_t whylen)
{
	int status = 0;
	if (why && whylen)
		why[0] = '\0';
	if (!w)
		return;
	if (force)
		kill(w->pid, SIGKILL);
	close(w->sock);
	while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
		;
	if (why && whylen)
		describe_exit(status, force, why, whylen);
	loan_cell_free(w->cell); /* what it still held, were it killed */
	dft_buf_dispose(&w->in);
	free(w);
}
