/* lib - the only code shared by the mustela helpers (see lib.h) */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lib.h"

const char *progname = "mustela";

/* "name: what[: reason]" on stderr, in one write(2): a whole line even
 * when containers share a terminal, and no stdio (musl's writes with
 * writev(2), which a seccomp profile may deny). */
static void vmsg(int err, const char *fmt, va_list ap)
{
	char line[1024];
	size_t n;

	snprintf(line, sizeof(line), "%s: ", progname);
	n = strlen(line);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	n = strlen(line);
	if (err)
		snprintf(line + n, sizeof(line) - n, ": %s", strerror(err));
	n = strlen(line);
	if (n > sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (write(2, line, n) < 0)
		return;
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
}

void warn_(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(err, fmt, ap);
	va_end(ap);
}

void diex(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(0, fmt, ap);
	va_end(ap);
	exit(EXIT_SELF);
}

void die(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vmsg(err, fmt, ap);
	va_end(ap);
	exit(EXIT_SELF);
}

/* -h prints the synopsis to stdout (status 0); misuse prints it to stderr. */
void usage(const char *synopsis, int status)
{
	fprintf(status ? stderr : stdout, "%s: usage: %s\n", progname,
		synopsis);
	exit(status ? EXIT_SELF : 0);
}

/* -h prints the usage line and the option lines, to stdout. */
void help(const char *synopsis, const char *options)
{
	printf("%s: usage: %s\n%s", progname, synopsis, options);
	exit(fflush(stdout) == 0 && !ferror(stdout) ? 0 : EXIT_SELF);
}

/* After getopt_long returned '?': argv[optind - 1] is the offending word
 * of a long option (optopt 0 when unknown, else its value: an argument
 * missing or not wanted); a short one is optopt, within a cluster such as
 * -xy. musl leaves optind past argc when an option's argument is missing. */
void bad_option(char *const argv[], const char *synopsis)
{
	const char *word = optind > 0 ? argv[optind - 1] : NULL;
	int n;

	if (word && strncmp(word, "--", 2) == 0 && word[2]) {
		n = (int)strcspn(word, "=");
		if (!optopt)
			warnx_("unknown option: %.*s", n, word);
		else if (word[n])
			warnx_("option takes no argument: %.*s", n, word);
		else
			warnx_("option needs an argument: %s", word);
	} else if (!word) {
		warnx_("option needs an argument: -%c", optopt);
	} else {
		warnx_("unknown option: -%c", optopt);
	}
	usage(synopsis, EXIT_SELF);
}

char **prog_argv(int argc, char **argv, int optind, const char *synopsis)
{
	if (optind < argc && strcmp(argv[optind], "--") == 0)
		optind++;
	if (optind >= argc)
		usage(synopsis, EXIT_SELF);
	return argv + optind;
}

int parse_ulong(const char *s, unsigned long *out)
{
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	*out = strtoul(s, &end, 10);
	return (errno || *end) ? -1 : 0;
}

/* A descriptor number given for option opt: 0 to INT_MAX, or exit 125
 * saying "OPT VALUE: not a descriptor". */
int parse_fd(const char *opt, const char *s)
{
	unsigned long n;

	if (parse_ulong(s, &n) < 0 || n > INT_MAX)
		diex("%s %s: not a descriptor", opt, s);
	return (int)n;
}

/* A byte count with an optional K, M, G or T suffix (powers of 1024). */
int parse_size(const char *s, unsigned long long *out)
{
	static const char units[] = "KMGT";
	unsigned long long n;
	const char *u;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		return -1;
	n = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		u = strchr(units, *end & ~0x20);
		if (!u || end[1] != '\0' && !((end[1] | 0x20) == 'b' && !end[2]))
			return -1;
		for (int i = 0; i <= u - units; i++) {
			if (n > (~0ULL >> 10))
				return -1;
			n <<= 10;
		}
	}
	*out = n;
	return 0;
}

/* Capability names in number order, as in capabilities(7). */
static const char capnames[] = "chown dac_override dac_read_search fowner "
	"fsetid kill setgid setuid setpcap linux_immutable net_bind_service "
	"net_broadcast net_admin net_raw ipc_lock ipc_owner sys_module "
	"sys_rawio sys_chroot sys_ptrace sys_pacct sys_admin sys_boot sys_nice "
	"sys_resource sys_time sys_tty_config mknod lease audit_write "
	"audit_control setfcap mac_override mac_admin syslog wake_alarm "
	"block_suspend audit_read perfmon bpf checkpoint_restore";

/* The names one after another: the nth, its length in *len. */
static const char *cap_entry(int cap, size_t *len)
{
	const char *c = capnames;

	for (int i = 0; *c; i++) {
		*len = strcspn(c, " ");
		if (i == cap)
			return c;
		c += *len + (c[*len] == ' ');
	}
	return NULL;
}

int cap_number(const char *name)
{
	const char *c;
	size_t n, w;

	if (strncasecmp(name, "cap_", 4) == 0)
		name += 4;
	n = strlen(name);
	for (int i = 0; (c = cap_entry(i, &w)); i++)
		if (w == n && strncasecmp(c, name, n) == 0)
			return i;
	return -1;
}

const char *cap_name(int cap)
{
	static char buf[32] = "cap_";
	const char *c;
	size_t w;

	c = cap_entry(cap, &w);
	if (!c || w + 4 >= sizeof(buf))
		return NULL;
	memcpy(buf + 4, c, w);
	buf[w + 4] = '\0';
	return buf;
}

unsigned long long cap_mask(const char *list, int ncap, const char *what)
{
	char *copy = strdup(list), *item, *save;
	unsigned long long mask = 0;
	int cap;

	if (!copy)
		die("strdup");
	for (item = strtok_r(copy, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(item, "all") == 0) {
			mask |= ncap < 64 ? (1ULL << ncap) - 1 : ~0ULL;
			continue;
		}
		cap = cap_number(item);
		if (cap < 0 || cap >= ncap)
			diex("%s%sunknown capability: %s", what ? what : "",
			     what ? ": " : "", item);
		mask |= 1ULL << cap;
	}
	free(copy);
	return mask;
}

/* By number: neither musl nor glibc 2.36 has openat2(). */
int openat2_(int dir, const char *path, int flags, unsigned long long resolve)
{
	struct open_how how = { .flags = (unsigned)flags, .resolve = resolve };

	return (int)syscall(SYS_openat2, dir, path, &how, sizeof(how));
}

/* The missing end of a chain of symlinks from path, in buf; NULL if path
 * is missing itself or is no symlink (or the chain does not end). */
static const char *missing_end(const char *path, char *buf, size_t size)
{
	char link[PATH_MAX], *slash;
	struct stat st;
	size_t off;
	int n;

	if (snprintf(buf, size, "%s", path) >= (int)size)
		return NULL;
	for (int i = 0; i < 40; i++) {
		if (lstat(buf, &st) < 0)
			return i && errno == ENOENT ? buf : NULL;
		if (!S_ISLNK(st.st_mode))
			return NULL;
		n = (int)readlink(buf, link, sizeof(link) - 1);
		if (n < 0)
			return NULL;
		link[n] = '\0';
		/* a relative target is relative to the link's directory */
		slash = strrchr(buf, '/');
		off = link[0] == '/' || !slash ? 0 : (size_t)(slash + 1 - buf);
		if (off + (size_t)n >= size)
			return NULL;
		strcpy(buf + off, link);
	}
	return NULL;
}

/* exec said ENOENT: a program that is there as a dangling symlink (what a
 * rootfs made with busybox --install -s holds: links to host paths) is
 * named with the path it lacks. A name without a slash: the first one on
 * PATH that exists, as execvp(3) tried it. */
static int explain_missing(const char *name)
{
	const char *path = getenv("PATH"), *p, *e, *end;
	char cand[PATH_MAX], buf[PATH_MAX];
	struct stat st;

	if (strchr(name, '/')) {
		end = missing_end(name, buf, sizeof(buf));
		if (end)
			warnx_("exec %s: dangling symlink to %s", name, end);
		return end != NULL;
	}
	for (p = path ? path : "/usr/local/bin:/bin:/usr/bin"; ; p = e + 1) {
		e = strchrnul(p, ':');
		if (snprintf(cand, sizeof(cand), "%.*s/%s", (int)(e - p), p,
			     name) < (int)sizeof(cand) &&
		    lstat(cand, &st) == 0) {
			end = missing_end(cand, buf, sizeof(buf));
			if (end)
				warnx_("exec %s (%s): dangling symlink to %s",
				       name, cand, end);
			return end != NULL;
		}
		if (!*e)
			return 0;
	}
}

static void exec_failed(const char *name) __attribute__((noreturn));
static void exec_failed(const char *name)
{
	int err = errno;

	if (err == ENOENT && explain_missing(name))
		exit(EXIT_NOTFOUND);
	errno = err;
	warn_("exec %s", name);
	exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

/* A program named /proc/self/fd/N is a host program carried across a root
 * switch as descriptor N: mark N close-on-exec so it ends with the exec. */
void exec_or_die(char **argv)
{
	unsigned long fd;

	if (strncmp(argv[0], "/proc/self/fd/", 14) == 0 &&
	    parse_ulong(argv[0] + 14, &fd) == 0 && fd > 2 && fd < 1024)
		fcntl((int)fd, F_SETFD, FD_CLOEXEC);
	execvp(argv[0], argv);
	exec_failed(argv[0]);
}

/* Execute a program opened before a root switch (see execveat(2)). */
void execfd_or_die(int fd, char **argv)
{
	extern char **environ;

	/* by number: musl has no execveat() */
	syscall(SYS_execveat, fd, "", argv, environ, AT_EMPTY_PATH);
	exec_failed(argv[0]);
}

/* Wait for pid; its exit status, or 128+N if signal N killed it. */
int wait_status(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid %d", (int)pid);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}
