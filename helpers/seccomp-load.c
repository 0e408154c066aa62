/* seccomp-load - load a seccomp filter from a profile, then execute a program
 *
 * usage: seccomp-load (--check PROFILE | PROFILE [--] prog [args...])
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
 * call of that kind through socketcall/ipc); a rule without covers both.
 * A rule ending in `unless CAP` is skipped when CAP is in the effective set
 * now: seccomp-load runs after cap-drop, so it sees the container's final
 * capabilities. PROFILE given as /proc/self/fd/N (a descriptor carried
 * across the root switch) is read from N, which is then closed; started
 * itself as /proc/self/fd/N, it makes N close-on-exec.
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
#include <sys/syscall.h>

#include "lib.h"

#define SYNOPSIS "seccomp-load (--check PROFILE | PROFILE [--] prog [args...])"
#define SPACE " \t\r\n"

/* The profile being read: file, line, the rest of the line, the filter
 * (i386 apart, merged at the end: see the header). */
struct prof {
	const char *file;
	unsigned line;
	char *save;
	scmp_filter_ctx ctx, i386;
	uint32_t dflt;
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

/* unless CAP[,CAP...]: 1 if one of them is in the effective set. */
static int unless(struct prof *p)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	char *list = next(p), *extra = list ? next(p) : NULL, *c, *save;
	int n, have = 0;

	if (!list)
		bad(p, "missing capability", NULL);
	if (extra)
		bad(p, "unexpected", extra);
	if (syscall(SYS_capget, &hdr, d) < 0)
		die("capget");
	for (c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		n = cap_number(c);
		if (n < 0)
			bad(p, "unknown capability", c);
		have |= d[n / 32].effective >> (n % 32) & 1;
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

/* ACTION SYSCALL [CONDITION...] [unless CAP]; w is the action. */
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
	while ((w = next(p)) && strcmp(w, "unless") != 0) {
		if (n == 6)
			bad(p, "too many conditions", w);
		cmp[n++] = parse_cond(p, w);
	}
	/* A rule skipped for a capability, or one equal to the default. */
	if ((w && unless(p)) || act == p->dflt)
		return;
	rc = seccomp_rule_add_array(p->ctx, act, nr, n, cmp);
	if (rc == 0 && p->i386 && !(n && multiplexed_on_i386(name)))
		rc = seccomp_rule_add_array(p->i386, act, nr, n, cmp);
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

/* /proc/self/fd/N is read from N itself (the root switch may have left no
 * /proc to reopen it through), from the start, as a reopen would. */
static FILE *open_profile(const char *path)
{
	int fd = proc_fd(path);
	FILE *f;

	if (fd >= 0) {
		if (lseek(fd, 0, SEEK_SET) < 0 && errno != ESPIPE)
			die("open %s", path);
		f = fdopen(fd, "r");
	} else {
		f = fopen(path, "re");
	}
	if (!f)
		die("open %s", path);
	return f;
}

static scmp_filter_ctx read_profile(const char *path)
{
	struct prof p = { path, 0, NULL, NULL, NULL, 0 };
	FILE *f = open_profile(path);
	char *buf = NULL, *w;
	size_t size = 0;
	int rc;

	while (getline(&buf, &size, f) >= 0) {
		p.line++;
		buf[strcspn(buf, "#")] = '\0';
		w = strtok_r(buf, SPACE, &p.save);
		if (!w)
			continue;
		if (strcmp(w, "default") == 0)
			start_filter(&p, next(&p));
		else if (!p.ctx)
			bad(&p, "default action must come first", NULL);
		else
			add_rule(&p, w);
	}
	if (ferror(f))
		die("read %s", path);
	/* Closes the profile's descriptor: prog does not inherit it. */
	fclose(f);
	free(buf);
	if (!p.ctx)
		diex("%s: no default action", path);
	/* One filter again; merging frees the i386 part. */
	if (p.i386 && (rc = seccomp_merge(p.ctx, p.i386)) < 0) {
		errno = -rc;
		die("seccomp_merge");
	}
	return p.ctx;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	scmp_filter_ctx ctx;
	const char *profile;
	int c, check = 0, fd, rc;

	progname = "seccomp-load";
	while ((c = getopt_long(argc, argv, "+ch", longopts, NULL)) != -1) {
		switch (c) {
		case 'c': check = 1; break;
		case 'h': usage(SYNOPSIS, 0);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (optind >= argc || (check && optind + 1 != argc))
		usage(SYNOPSIS, EXIT_SELF);
	profile = argv[optind++];
	/* Started as /proc/self/fd/N, the way the chain carries the host's
	 * binary across the root switch: prog must not inherit N, or root in
	 * the container could reopen it for writing and replace the host's
	 * seccomp-load (CVE-2019-5736). */
	fd = proc_fd(argv[0]);
	if (fd >= 0 && fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF)
		die("close-on-exec %s", argv[0]);
	if (!check)
		argv = prog_argv(argc, argv, optind, SYNOPSIS);
	ctx = read_profile(profile);

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

	/* The filter: no_new_privs first, then seccomp(2) itself. */
	rc = seccomp_load(ctx);
	if (rc < 0) {
		errno = -rc;
		die("seccomp_load");
	}
	seccomp_release(ctx);
	exec_or_die(argv);
}
