/* seccomp-load - load a seccomp filter from a profile, then execute a program
 *
 * usage: seccomp-load [--compiled FILE] PROFILE [--] prog [args...]
 *        seccomp-load --compile FILE [--caps LIST] PROFILE
 *        seccomp-load --check PROFILE
 *
 * Changes: sets no_new_privs (libseccomp's default, SCMP_FLTATR_CTL_NNP) and
 * installs a seccomp filter built from PROFILE, a plain-text file of rules
 * (the language is in seccomp-load(1)). The filter covers the native
 * architecture and its compat ones (x86 and x32 on x86_64, arm on aarch64)
 * with the same rules, as Docker does: a 32-bit `int 0x80` cannot go around
 * it, and 32-bit programs still run. Calls of any other architecture kill.
 * i386 also reaches the socket and SysV IPC calls through socketcall(2) and
 * ipc(2), whose arguments lie in memory: a rule with conditions on one of
 * them is left out of the i386 part (libseccomp would widen it to every
 * call of that kind through socketcall/ipc), or, if it allows, allows the
 * call there whatever its arguments (so that an allow-list leaves i386 its
 * sockets); a rule without covers both.
 * A rule ending in `unless CAP` is skipped when CAP is in the effective set
 * now, one ending in `if CAP` when it is not: seccomp-load runs after
 * cap-drop, so it sees the container's final capabilities. PROFILE given
 * as /proc/self/fd/N (a descriptor carried across the root switch) is read
 * from N, which is then closed; started itself as /proc/self/fd/N, it makes
 * N close-on-exec.
 * Compiling is most of its time: --compile writes the BPF program to FILE
 * (atomically, with what it was made from: the profile's text, the
 * effective set the `unless`/`if` rules were judged against, or --caps LIST
 * instead, the architecture, libseccomp's version, the kernel's seccomp API
 * level), and --compiled FILE loads that program instead of compiling, if
 * all of these match now; else it compiles as without it.
 *
 * Does not: change capabilities or ids (cap-drop does, before it), or look
 * at memory: conditions compare argument values, never what a pointer
 * points to (see seccomp(2)). The profile must leave execve allowed.
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "lib.h"

#define SYNOPSIS "seccomp-load [--compiled FILE] PROFILE [--] prog [args...]" \
	" | --compile FILE [--caps LIST] PROFILE | --check PROFILE"
#define OPTIONS \
	"  --check          compile PROFILE, load nothing, run nothing\n" \
	"  --compile FILE   write the compiled filter to FILE, run nothing\n" \
	"  --caps LIST      judge unless/if rules against LIST (with --compile)\n" \
	"  --compiled FILE  load FILE if made from PROFILE, else compile it\n" \
	"  -h, --help       print this help\n"
#define SPACE " \t\r\n"

/* The profile being read: file, line, the rest of the line, the filter
 * (i386 apart, merged at the end: see the header). */
struct prof {
	const char *file;
	unsigned line;
	char *save;
	scmp_filter_ctx ctx, i386;
	uint32_t dflt;
	uint64_t caps;		/* the effective set `unless` is judged by */
};

static void bad(const struct prof *p, const char *what, const char *word)
	__attribute__((noreturn));
static void bad(const struct prof *p, const char *what, const char *word)
{
	if (word)
		diex("%s:%u: %s: %s", p->file, p->line, what, word);
	diex("%s:%u: %s", p->file, p->line, what);
}

static char *next(struct prof *p) { return strtok_r(NULL, SPACE, &p->save); }

/* Decimal or 0x hexadecimal, 64 bits. */
static int parse_num(const char *s, uint64_t *out)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *d = s + 2 * hex;

	if (!*d || strspn(d, hex ? "0123456789abcdefABCDEF" : "0123456789") !=
	    strlen(d))
		return -1;
	errno = 0;
	*out = strtoull(d, NULL, hex ? 16 : 10);
	return errno ? -1 : 0;
}

/* errno names, aliases included (EWOULDBLOCK...): a table, as only glibc
 * has strerrorname_np(3). */
#define E(name) { #name, name },
static const struct {
	const char *name;
	int num;
} errnames[] = {
	E(EPERM) E(ENOENT) E(ESRCH) E(EINTR) E(EIO) E(ENXIO) E(E2BIG)
	E(ENOEXEC) E(EBADF) E(ECHILD) E(EAGAIN) E(ENOMEM) E(EACCES) E(EFAULT)
	E(ENOTBLK) E(EBUSY) E(EEXIST) E(EXDEV) E(ENODEV) E(ENOTDIR) E(EISDIR)
	E(EINVAL) E(ENFILE) E(EMFILE) E(ENOTTY) E(ETXTBSY) E(EFBIG) E(ENOSPC)
	E(ESPIPE) E(EROFS) E(EMLINK) E(EPIPE) E(EDOM) E(ERANGE) E(EDEADLK)
	E(ENAMETOOLONG) E(ENOLCK) E(ENOSYS) E(ENOTEMPTY) E(ELOOP) E(ENOMSG)
	E(EIDRM) E(ECHRNG) E(EL2NSYNC) E(EL3HLT) E(EL3RST) E(ELNRNG)
	E(EUNATCH) E(ENOCSI) E(EL2HLT) E(EBADE) E(EBADR) E(EXFULL) E(ENOANO)
	E(EBADRQC) E(EBADSLT) E(EBFONT) E(ENOSTR) E(ENODATA) E(ETIME) E(ENOSR)
	E(ENONET) E(ENOPKG) E(EREMOTE) E(ENOLINK) E(EADV) E(ESRMNT) E(ECOMM)
	E(EPROTO) E(EMULTIHOP) E(EDOTDOT) E(EBADMSG) E(EOVERFLOW) E(ENOTUNIQ)
	E(EBADFD) E(EREMCHG) E(ELIBACC) E(ELIBBAD) E(ELIBSCN) E(ELIBMAX)
	E(ELIBEXEC) E(EILSEQ) E(ERESTART) E(ESTRPIPE) E(EUSERS) E(ENOTSOCK)
	E(EDESTADDRREQ) E(EMSGSIZE) E(EPROTOTYPE) E(ENOPROTOOPT)
	E(EPROTONOSUPPORT) E(ESOCKTNOSUPPORT) E(EOPNOTSUPP) E(EPFNOSUPPORT)
	E(EAFNOSUPPORT) E(EADDRINUSE) E(EADDRNOTAVAIL) E(ENETDOWN)
	E(ENETUNREACH) E(ENETRESET) E(ECONNABORTED) E(ECONNRESET) E(ENOBUFS)
	E(EISCONN) E(ENOTCONN) E(ESHUTDOWN) E(ETOOMANYREFS) E(ETIMEDOUT)
	E(ECONNREFUSED) E(EHOSTDOWN) E(EHOSTUNREACH) E(EALREADY)
	E(EINPROGRESS) E(ESTALE) E(EUCLEAN) E(ENOTNAM) E(ENAVAIL) E(EISNAM)
	E(EREMOTEIO) E(EDQUOT) E(ENOMEDIUM) E(EMEDIUMTYPE) E(ECANCELED)
	E(ENOKEY) E(EKEYEXPIRED) E(EKEYREVOKED) E(EKEYREJECTED) E(EOWNERDEAD)
	E(ENOTRECOVERABLE) E(ERFKILL) E(EHWPOISON) E(EWOULDBLOCK) E(EDEADLOCK)
	E(ENOTSUP)
};
#undef E

/* errno N: a number up to MAX_ERRNO or a name such as ENOSYS. */
static int parse_errno(const char *s)
{
	uint64_t n;

	if (parse_num(s, &n) == 0)
		return n <= 4095 ? (int)n : -1;
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++)
		if (strcmp(errnames[i].name, s) == 0)
			return errnames[i].num;
	return -1;
}

static uint32_t parse_action(struct prof *p, const char *a)
{
	const char *n;
	int e;

	if (!a)
		bad(p, "missing action", NULL);
	if (strcmp(a, "allow") == 0)
		return SCMP_ACT_ALLOW;
	if (strcmp(a, "deny") == 0)
		return SCMP_ACT_ERRNO(EPERM);
	if (strcmp(a, "kill") == 0)
		return SCMP_ACT_KILL;
	if (strcmp(a, "kill-process") == 0)
		return SCMP_ACT_KILL_PROCESS;
	if (strcmp(a, "trap") == 0)
		return SCMP_ACT_TRAP;
	if (strcmp(a, "log") == 0)
		return SCMP_ACT_LOG;
	if (strcmp(a, "errno") != 0)
		bad(p, "unknown action", a);
	n = next(p);
	if (!n)
		bad(p, "missing errno value", NULL);
	e = parse_errno(n);
	if (e < 0)
		bad(p, "unknown errno", n);
	return SCMP_ACT_ERRNO(e);
}

/* argN OP VALUE, or argN &MASK == VALUE; w is "argN". */
static struct scmp_arg_cmp parse_cond(struct prof *p, const char *w)
{
	static const char *const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	static const enum scmp_compare cmps[] = { SCMP_CMP_EQ, SCMP_CMP_NE,
		SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_GT, SCMP_CMP_GE };
	unsigned long arg;
	uint64_t mask = 0, val;
	char *op, *m = NULL, *v;
	unsigned i;

	if (strncmp(w, "arg", 3) || parse_ulong(w + 3, &arg) || arg > 5)
		bad(p, "bad argument", w);
	op = next(p);
	if (op && op[0] == '&') {
		m = op[1] ? op + 1 : next(p);
		if (!m || parse_num(m, &mask))
			bad(p, "bad mask", m ? m : op);
		op = next(p);
	}
	if (!op)
		bad(p, "incomplete condition", w);
	for (i = 0; i < 6 && strcmp(op, ops[i]); i++)
		;
	if (i == 6 || (m && i != 0))
		bad(p, "bad operator", op);
	v = next(p);
	if (!v)
		bad(p, "incomplete condition", w);
	if (parse_num(v, &val))
		bad(p, "bad value", v);
	if (m)
		return (struct scmp_arg_cmp){ arg, SCMP_CMP_MASKED_EQ, mask, val };
	return (struct scmp_arg_cmp){ arg, cmps[i], val, 0 };
}

/* The effective capability set now. */
static uint64_t effective(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d) < 0)
		die("capget");
	return (uint64_t)d[1].effective << 32 | d[0].effective;
}

/* unless|if CAP[,CAP...]: 1 if one of them is in the effective set. */
static int any_cap(struct prof *p)
{
	char *list = next(p), *extra = list ? next(p) : NULL, *c, *save;
	int n, have = 0;

	if (!list)
		bad(p, "missing capability", NULL);
	if (extra)
		bad(p, "unexpected", extra);
	for (c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		n = cap_number(c);
		if (n < 0)
			bad(p, "unknown capability", c);
		have |= p->caps >> n & 1;
	}
	return have;
}

/* A filter for the native architecture and the compat one given (0 for
 * none), or for the compat one alone. */
static scmp_filter_ctx new_filter(uint32_t dflt, uint32_t compat, int alone)
{
	scmp_filter_ctx ctx = seccomp_init(dflt);
	int rc;

	if (!ctx)
		diex("seccomp_init: failed");
	/* Real errno values from the kernel instead of ECANCELED. */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1);
	if (rc == 0 && compat)
		rc = seccomp_arch_add(ctx, compat);
	if (rc == 0 && alone)
		rc = seccomp_arch_remove(ctx, SCMP_ARCH_NATIVE);
	if (rc < 0) {
		errno = -rc;
		die("seccomp_arch_add");
	}
	return ctx;
}

/* default ACTION: the filter itself, for every architecture it covers. */
static void start_filter(struct prof *p, const char *action)
{
	const char *extra;

	if (p->ctx)
		bad(p, "default given twice", NULL);
	p->dflt = parse_action(p, action);
	if ((extra = next(p)))
		bad(p, "unexpected", extra);
	if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
		p->ctx = new_filter(p->dflt, SCMP_ARCH_X32, 0);
		p->i386 = new_filter(p->dflt, SCMP_ARCH_X86, 1);
	} else if (seccomp_arch_native() == SCMP_ARCH_AARCH64) {
		p->ctx = new_filter(p->dflt, SCMP_ARCH_ARM, 0);
	} else {
		p->ctx = new_filter(p->dflt, 0, 0);
	}
}

/* socket and IPC calls i386 also makes through socketcall(2) or ipc(2):
 * libseccomp gives them a pseudo number, rewritten to the multiplexer. */
static int multiplexed_on_i386(const char *name)
{
	return seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, name) < 0 &&
	       seccomp_syscall_resolve_name_rewrite(SCMP_ARCH_X86, name) >= 0;
}

/* ACTION SYSCALL [CONDITION...] [unless|if CAP]; w is the action. */
static void add_rule(struct prof *p, const char *w)
{
	struct scmp_arg_cmp cmp[6];
	uint32_t act = parse_action(p, w);
	char *name = next(p);
	unsigned n = 0;
	int nr, rc;

	if (!name)
		bad(p, "missing syscall", NULL);
	/* A name libseccomp knows for another architecture only (vm86 on
	 * x86_64) resolves to a negative pseudo number: accepted, it applies
	 * where that call exists. Names nobody knows are errors. */
	nr = seccomp_syscall_resolve_name(name);
	if (nr == __NR_SCMP_ERROR)
		bad(p, "unknown syscall", name);
	while ((w = next(p)) && strcmp(w, "unless") != 0 &&
	       strcmp(w, "if") != 0) {
		if (n == 6)
			bad(p, "too many conditions", w);
		cmp[n++] = parse_cond(p, w);
	}
	/* A rule skipped for a capability (unless CAP: when one is there; if
	 * CAP: when none is), or one equal to the default. */
	if ((w && any_cap(p) == (*w == 'u')) || act == p->dflt)
		return;
	rc = seccomp_rule_add_array(p->ctx, act, nr, n, cmp);
	if (rc == 0 && p->i386) {
		/* i386 makes socket and IPC calls through socketcall/ipc too,
		 * where no condition can be checked: a rule with conditions is
		 * left out there, or, if it allows, allows the call whole. */
		if (!n || !multiplexed_on_i386(name))
			rc = seccomp_rule_add_array(p->i386, act, nr, n, cmp);
		else if (act == SCMP_ACT_ALLOW)
			rc = seccomp_rule_add_array(p->i386, act, nr, 0, NULL);
	}
	if (rc < 0) {
		errno = -rc;
		die("%s:%u: rule for %s", p->file, p->line, name);
	}
}

/* N of a path /proc/self/fd/N (N > 2), or -1. */
static int proc_fd(const char *path)
{
	unsigned long fd;

	if (strncmp(path, "/proc/self/fd/", 14) == 0 &&
	    parse_ulong(path + 14, &fd) == 0 && fd > 2 && fd < INT_MAX)
		return (int)fd;
	return -1;
}

/* All that is left to read of fd, NUL-terminated, its size in *len; fd is
 * closed. */
static char *read_fd(int fd, const char *name, size_t *len)
{
	size_t size = 4096, n = 0;
	char *buf = malloc(size);
	ssize_t r;

	if (!buf)
		die("malloc");
	while ((r = read(fd, buf + n, size - n - 1)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			die("read %s", name);
		n += (size_t)r;
		if (n + 1 == size && !(buf = realloc(buf, size *= 2)))
			die("realloc");
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The whole of a file. /proc/self/fd/N is read from N itself (the root
 * switch may have left no /proc to reopen it through), from the start, as
 * a reopen would, and N is closed: prog does not inherit it. */
static char *read_file(const char *path, size_t *len)
{
	int fd = proc_fd(path);

	if (fd >= 0) {
		if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
			die("open %s", path);
	} else if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		die("open %s", path);
	}
	return read_fd(fd, path, len);
}

/* FNV-1a, 64 bits: what a compiled program was made from, and that it is
 * whole. */
static uint64_t fnv(const void *data, size_t len, uint64_t h)
{
	const unsigned char *c = data;

	while (len--)
		h = (h ^ *c++) * UINT64_C(0x100000001b3);
	return h;
}
#define FNV_START UINT64_C(0xcbf29ce484222325)

static scmp_filter_ctx parse_profile(const char *path, char *text,
				     uint64_t caps)
{
	struct prof p = { path, 0, NULL, NULL, NULL, 0, caps };
	char *line, *end, *w;
	int rc;

	for (line = text; *line; line = end) {
		end = line + strcspn(line, "\n");
		if (*end)
			*end++ = '\0';
		p.line++;
		line[strcspn(line, "#")] = '\0';
		w = strtok_r(line, SPACE, &p.save);
		if (!w)
			continue;
		if (strcmp(w, "default") == 0)
			start_filter(&p, next(&p));
		else if (!p.ctx)
			bad(&p, "default action must come first", NULL);
		else
			add_rule(&p, w);
	}
	if (!p.ctx)
		diex("%s: no default action", path);
	/* One filter again; merging frees the i386 part. */
	if (p.i386 && (rc = seccomp_merge(p.ctx, p.i386)) < 0) {
		errno = -rc;
		die("seccomp_merge");
	}
	return p.ctx;
}

/* A compiled program: this header, then len BPF instructions. */
struct compiled {
	char magic[8];		/* "mustbpf1" */
	uint64_t text;		/* fnv of the profile's text */
	uint64_t caps;		/* the effective set `unless` was judged by */
	uint64_t prog;		/* fnv of the instructions */
	uint32_t arch;		/* SCMP_ARCH_NATIVE */
	uint32_t version;	/* libseccomp's, major.minor.micro */
	uint32_t api;		/* the kernel's seccomp API level */
	uint32_t len;		/* instructions */
};
#define MAGIC "mustbpf1"
#define VERSION (SCMP_VER_MAJOR << 16 | SCMP_VER_MINOR << 8 | SCMP_VER_MICRO)

/* --compile FILE: the program, written to FILE.PID then renamed. */
static void compile(const char *out, scmp_filter_ctx ctx, uint64_t text,
		    uint64_t caps)
{
	struct compiled h = { MAGIC, text, caps, 0, SCMP_ARCH_NATIVE, VERSION,
		seccomp_api_get(), 0 };
	char tmp[PATH_MAX], *prog;
	size_t len;
	int fd, rc;

	/* libseccomp exports to a descriptor: a memory file, read back. */
	fd = memfd_create("bpf", MFD_CLOEXEC);
	if (fd < 0)
		die("memfd_create");
	rc = seccomp_export_bpf(ctx, fd);
	if (rc < 0) {
		errno = -rc;
		die("compile");
	}
	if (lseek(fd, 0, SEEK_SET) < 0)
		die("lseek");
	prog = read_fd(fd, "the compiled program", &len);
	h.len = (uint32_t)(len / 8);
	h.prog = fnv(prog, len, FNV_START);
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.%d", out, (int)getpid()) >=
	    sizeof(tmp))
		errno = ENAMETOOLONG, die("--compile %s", out);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("--compile %s", tmp);
	if (write(fd, &h, sizeof(h)) != (ssize_t)sizeof(h) ||
	    write(fd, prog, len) != (ssize_t)len || close(fd) < 0) {
		unlink(tmp);
		die("--compile %s", tmp);
	}
	if (rename(tmp, out) < 0) {
		unlink(tmp);
		die("--compile %s", out);
	}
	free(prog);
}

/* --compiled FILE: load its program if it was made from this text for the
 * effective set now, here; 0 when loaded, -1 when it does not match (and
 * the profile is compiled instead). */
static int load_compiled(const char *path, uint64_t text)
{
	struct sock_fprog fprog;
	struct compiled h;
	size_t len;
	char *data = read_file(path, &len);

	if (len < sizeof(h))
		return free(data), -1;
	memcpy(&h, data, sizeof(h));
	if (memcmp(h.magic, MAGIC, sizeof(h.magic)) != 0 || h.text != text ||
	    h.caps != effective() || h.arch != SCMP_ARCH_NATIVE ||
	    h.version != VERSION || h.len == 0 || h.len > BPF_MAXINSNS ||
	    len != sizeof(h) + (size_t)h.len * 8 ||
	    h.prog != fnv(data + sizeof(h), len - sizeof(h), FNV_START) ||
	    h.api != (uint32_t)seccomp_api_get())
		return free(data), -1;
	/* As seccomp_load(3) does: no_new_privs, then the filter. */
	fprog.len = (unsigned short)h.len;
	fprog.filter = (struct sock_filter *)(void *)(data + sizeof(h));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl PR_SET_NO_NEW_PRIVS");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		die("seccomp %s", path);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS). */
	enum { CHECK = 256, COMPILE, CAPS, COMPILED };
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, CHECK },
		{ "compile", required_argument, NULL, COMPILE },
		{ "caps", required_argument, NULL, CAPS },
		{ "compiled", required_argument, NULL, COMPILED },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *profile, *out = NULL, *in = NULL, *caps = NULL;
	scmp_filter_ctx ctx;
	char *text;
	size_t len;
	uint64_t sum, judge;
	int c, check = 0, fd, rc;

	progname = "seccomp-load";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case CHECK: check = 1; break;
		case COMPILE: out = optarg; break;
		case CAPS: caps = optarg; break;
		case COMPILED: in = optarg; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	/* --check and --compile take the profile alone, --caps goes with
	 * --compile, --compiled with a program. */
	if (optind >= argc || (check || out) && optind + 1 != argc ||
	    check + !!out + !!in > 1 || caps && !out)
		usage(SYNOPSIS, EXIT_SELF);
	profile = argv[optind++];
	/* Started as /proc/self/fd/N, the way the chain carries the host's
	 * binary across the root switch: prog must not inherit N, or root in
	 * the container could reopen it for writing and replace the host's
	 * seccomp-load (CVE-2019-5736). */
	fd = proc_fd(argv[0]);
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
		die("close-on-exec %s", argv[0]);
	if (!check && !out)
		argv = prog_argv(argc, argv, optind, SYNOPSIS);
	text = read_file(profile, &len);
	sum = fnv(text, len, FNV_START);
	if (in && load_compiled(in, sum) == 0)
		exec_or_die(argv);
	judge = caps ? cap_mask(caps, 64, "--caps") : effective();
	ctx = parse_profile(profile, text, judge);

	/* --check: compile the filter to BPF, and throw it away. */
	if (check) {
		fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			die("open /dev/null");
		rc = seccomp_export_bpf(ctx, fd);
		if (rc < 0) {
			errno = -rc;
			die("compile %s", profile);
		}
		return 0;
	}
	if (out) {
		compile(out, ctx, sum, judge);
		return 0;
	}

	/* The filter: no_new_privs first, then seccomp(2) itself. */
	rc = seccomp_load(ctx);
	if (rc < 0) {
		errno = -rc;
		die("seccomp_load");
	}
	seccomp_release(ctx);
	exec_or_die(argv);
}
