/* seccomp-load-profile - the profile's text: a libseccomp filter from it
 *
 * Part of seccomp-load (see seccomp-load.c and seccomp-load.h): the
 * language of seccomp-load(1), read line by line. `default ACTION` comes
 * first and makes the filter (native architecture and its compat ones, the
 * i386 part kept apart and merged at the end: see seccomp-load.c); each
 * other line is a rule, ACTION SYSCALL [CONDITION...] [unless|if CAP],
 * judged against the capability set given. A profile it refuses ends in
 * "FILE:LINE: what: word", exit 125. Loads nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "seccomp-load.h"

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

scmp_filter_ctx parse_profile(const char *path, char *text, uint64_t caps)
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
