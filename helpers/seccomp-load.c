/* seccomp-load - load a seccomp filter from a profile, then execute a program
 *
 * usage: seccomp-load [--compiled FILE] PROFILE [--] prog [args...]
 *        seccomp-load --compile FILE [--caps LIST] PROFILE
 *        seccomp-load --check [--compiled FILE [--caps LIST]] PROFILE
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
 * all of these match now; else it compiles as without it, silently.
 * --check --compiled FILE says which it would be: exit 0 when FILE would
 * be loaded as it is (for --caps LIST, or the effective set now), else 1
 * and the first mismatch on stderr; the same comparison, not_used(),
 * serves both.
 *
 * The profile's text is parsed in a file of its own,
 * seccomp-load-profile.c (what the parts share: seccomp-load.h).
 *
 * Does not: change capabilities or ids (cap-drop does, before it), or look
 * at memory: conditions compare argument values, never what a pointer
 * points to (see seccomp(2)). The profile must leave execve allowed.
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else prog's;
 * --check, --compile: 0 done; --check --compiled: 0 used, 1 not used.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <seccomp.h>
#include <stdarg.h>
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
#include "seccomp-load.h"

#define SYNOPSIS "seccomp-load [--compiled FILE] PROFILE [--] prog [args...]" \
	" | --compile FILE [--caps LIST] PROFILE" \
	" | --check [--compiled FILE [--caps LIST]] PROFILE"
#define OPTIONS \
	"  --check          compile PROFILE, load nothing, run nothing\n" \
	"  --compile FILE   write the compiled filter to FILE, run nothing\n" \
	"  --caps LIST      judge unless/if rules against LIST (with --compile,\n" \
	"                   --check --compiled)\n" \
	"  --compiled FILE  load FILE if made from PROFILE, else compile it;\n" \
	"                   with --check: exit 0 if FILE would be loaded, else\n" \
	"                   1 and why not\n" \
	"  -h, --help       print this help\n"

/* The effective capability set now. */
static uint64_t effective(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &hdr, d) < 0)
		die("capget");
	return (uint64_t)d[1].effective << 32 | d[0].effective;
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

/* A compiled program: this header, then len BPF instructions. */
struct compiled {
	char magic[8];		/* "mustbpf1" */
	uint64_t text;		/* fnv of the profile's text */
	uint64_t caps;		/* the effective set `unless` was judged by */
	uint64_t prog;		/* fnv of the instructions */
	uint32_t arch;		/* seccomp_arch_native(): AUDIT_ARCH_* */
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
	struct compiled h = { MAGIC, text, caps, 0, seccomp_arch_native(),
		VERSION, seccomp_api_get(), 0 };
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

/* reason(why, fmt, ...): why, the reason written into it. */
#define WHY 96
__attribute__((format(printf, 2, 3)))
static const char *reason(char *why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, WHY, fmt, ap);
	va_end(ap);
	return why;
}

/* Why the compiled program data (len bytes, a whole file) cannot be loaded
 * for this profile text and effective set caps, on this architecture, with
 * this libseccomp and this kernel: the first mismatch, written into why; or
 * NULL when it can be loaded as it is. Whole first (a program seccomp(2)
 * may take), then made for the same things. --compiled asks it before
 * loading, --check --compiled to say so. */
static const char *not_used(const char *data, size_t len, uint64_t text,
			    uint64_t caps, char *why)
{
	size_t magic = len < sizeof(MAGIC) - 1 ? len : sizeof(MAGIC) - 1;
	struct compiled h;
	uint32_t api;
	size_t want;

	if (len == 0 || memcmp(data, MAGIC, magic) != 0)
		return "not a compiled program";
	if (len < sizeof(h))
		return reason(why, "truncated: %zu bytes, its header is %zu",
			      len, sizeof(h));
	memcpy(&h, data, sizeof(h));
	if (h.len == 0 || h.len > BPF_MAXINSNS)
		return reason(why, "%u instructions, not 1 to %u", h.len,
			      BPF_MAXINSNS);
	want = sizeof(h) + (size_t)h.len * 8;
	if (len < want)
		return reason(why, "truncated: %zu bytes, its %u instructions "
			      "make %zu", len, h.len, want);
	if (len > want)
		return reason(why, "%zu bytes after its %u instructions",
			      len - want, h.len);
	if (h.prog != fnv(data + sizeof(h), len - sizeof(h), FNV_START))
		return "checksum of the instructions wrong";
	if (h.text != text)
		return "made from another profile text";
	if (h.caps != caps)
		return reason(why, "made for capabilities 0x%" PRIx64 " not 0x%"
			      PRIx64, h.caps, caps);
	if (h.arch != seccomp_arch_native())
		return reason(why, "arch 0x%x, this is 0x%x", h.arch,
			      seccomp_arch_native());
	if (h.version != VERSION)
		return reason(why, "libseccomp %u.%u.%u, this is %u.%u.%u",
			      h.version >> 16, h.version >> 8 & 0xff,
			      h.version & 0xff, SCMP_VER_MAJOR, SCMP_VER_MINOR,
			      SCMP_VER_MICRO);
	api = (uint32_t)seccomp_api_get();
	if (h.api != api)
		return reason(why, "kernel seccomp API level %u, this kernel %u",
			      h.api, api);
	return NULL;
}

/* --compiled FILE: load its program if it was made from this text for the
 * set caps (main's: the effective set now), here; 0 when loaded, -1 when it
 * does not match (and the profile is compiled instead). */
static int load_compiled(const char *path, uint64_t text, uint64_t caps)
{
	struct sock_fprog fprog;
	char why[WHY];
	size_t len;
	char *data = read_file(path, &len);

	if (not_used(data, len, text, caps, why))
		return free(data), -1;
	/* As seccomp_load(3) does: no_new_privs, then the filter. */
	fprog.len = (unsigned short)((len - sizeof(struct compiled)) / 8);
	fprog.filter = (struct sock_filter *)(void *)(data +
						       sizeof(struct compiled));
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl PR_SET_NO_NEW_PRIVS");
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
		die("seccomp %s", path);
	free(data);
	return 0;
}

/* --check --compiled FILE: 0 when --compiled FILE would load it as it is
 * for this text and the effective set caps; else 1, saying why. */
static int check_compiled(const char *path, uint64_t text, uint64_t caps)
{
	char why[WHY];
	size_t len;
	char *data = read_file(path, &len);
	const char *r = not_used(data, len, text, caps, why);

	if (r)
		warnx_("%s: not used: %s", path, r);
	free(data);
	return r ? 1 : 0;
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
	/* --check and --compile take the profile alone, --compiled a program
	 * unless with --check; --caps goes with --compile or --check
	 * --compiled. */
	if (optind >= argc || (check || out) && optind + 1 != argc ||
	    out && (in || check) || caps && !out && !(check && in))
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
	judge = caps ? cap_mask(caps, 64, "--caps") : effective();
	if (check && in)
		return check_compiled(in, sum, judge);
	if (in && load_compiled(in, sum, judge) == 0)
		exec_or_die(argv);
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
