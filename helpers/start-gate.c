/* start-gate - wait for a byte on a descriptor, then execute a program
 *
 * usage: start-gate [--wait-fd N [--ready-fd M]] [--stderr-fd E] [--clear-env]
 *        [--env NAME=VALUE]... [--rlimit TYPE=SOFT:HARD]... [--chdir DIR]
 *        [--] prog [args...]
 *
 * Changes: the process's resource limits (--rlimit, setrlimit(2)), its
 * working directory (--chdir) and the environment prog gets (--clear-env,
 * --env), in that order; then, with --wait-fd, it parks. These are the
 * last steps of an OCI runtime's init before the user's program (runc's
 * init does them there): the values are argv words, so an environment
 * value may hold a newline.
 *
 * With --ready-fd it writes one line to M, the time of day in RFC 3339
 * (UTC, nanoseconds: the container's creation time), and closes it (the
 * caller learns that the chain reached the gate: every namespace, mount
 * and privilege step before it is done, and the steps above); then it
 * blocks reading one byte from N, closes N and executes prog. N is a
 * pipe, or a FIFO the caller opened read-write (`exec N<>exec.fifo`, so
 * that opening it never blocks and no end of file comes while the caller
 * lives), to which `start` writes the byte: runc's exec.fifo idea, the
 * container created but parked before its program until started. An end
 * of file on N (every writer gone: the caller died or gave up) cancels:
 * start-gate exits 125 and prog never runs. Without --wait-fd there is no
 * gate: the steps, then prog at once (mustela-oci exec).
 *
 * With --stderr-fd E, descriptor E becomes standard error (dup2(2)) and E
 * is closed, after the ready line and before the wait (without --wait-fd:
 * before the exec): the chain before the gate can write its errors
 * elsewhere than the program's stderr, to the caller, which reads them
 * until the ready line (mustela-oci create: runc's init reports its
 * errors to its parent the same way, over a pipe). M may then be 2: the
 * ready line is the last thing written there, and the dup2 closes that
 * end. The program gets E's file as its descriptor 2, and no E.
 *
 * Placed after cap-drop and before seccomp-load in an OCI chain: it needs
 * no privilege but to raise a hard limit (CAP_SYS_RESOURCE), and makes
 * only read(2), write(2), close(2), dup2(2), poll(2), chdir(2) and
 * prlimit64(2).
 *
 * Does not: fork, open anything, time out (the caller kills it), or read
 * more than the one byte (what else is written stays in the pipe).
 *
 * Exit: 125 own failure (usage, a bad descriptor, a bad or refused limit,
 * a failed chdir, read or write, end of file on N), 126/127 prog not
 * executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "lib.h"

#define SYNOPSIS "start-gate [--wait-fd N [--ready-fd M]] [--stderr-fd E]" \
	" [--clear-env]" \
	" [--env NAME=VALUE]... [--rlimit TYPE=SOFT:HARD]... [--chdir DIR]" \
	" [--] prog [args...]"
#define OPTIONS \
	"  --wait-fd N       wait for one byte on descriptor N, then exec prog" \
	" (end of file: exit 125)\n" \
	"  --ready-fd M      first write the time (RFC 3339, one line) to" \
	" descriptor M and close it\n" \
	"  --stderr-fd E     then make descriptor E standard error and close" \
	" E (before the wait)\n" \
	"  --clear-env       start prog's environment empty\n" \
	"  --env NAME=VALUE  set NAME in prog's environment (repeatable)\n" \
	"  --rlimit TYPE=SOFT:HARD\n" \
	"                    set a resource limit (prlimit's names: nofile," \
	" nproc...; a number\n" \
	"                    or unlimited; repeatable)\n" \
	"  --chdir DIR       change the working directory to DIR\n" \
	"  -h, --help        print this help\n"

/* prlimit(1)'s names of the RLIMIT_* types */
static const struct {
	const char *name;
	int resource;
} rlimit_types[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU },
	{ "data", RLIMIT_DATA }, { "fsize", RLIMIT_FSIZE },
	{ "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE },
	{ "nofile", RLIMIT_NOFILE }, { "nproc", RLIMIT_NPROC },
	{ "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING },
	{ "stack", RLIMIT_STACK },
};

/* A descriptor number given for option opt, and open. */
static int open_fd(const char *opt, const char *s)
{
	int n = parse_fd(opt, s);

	if (fcntl(n, F_GETFD) < 0)
		die("%s %s", opt, s);
	return n;
}

/* One limit value: a decimal number or "unlimited" (RLIM_INFINITY). */
static int parse_limit(const char *s, size_t len, rlim_t *out)
{
	char buf[32];
	unsigned long n;

	if (len == 9 && strncmp(s, "unlimited", 9) == 0) {
		*out = RLIM_INFINITY;
		return 0;
	}
	if (len == 0 || len >= sizeof(buf))
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (parse_ulong(buf, &n) < 0)
		return -1;
	*out = (rlim_t)n;
	return 0;
}

/* --rlimit TYPE=SOFT:HARD: the resource and its limits, or exit 125
 * naming the word. TYPE is prlimit's name, in any case, RLIMIT_ before
 * it or not (runtime-spec's RLIMIT_NOFILE is nofile). */
static int parse_rlimit(const char *word, struct rlimit *rl)
{
	const char *eq = strchr(word, '='), *colon, *t = word;
	size_t i, tlen;

	if (!eq || !(colon = strchr(eq, ':')))
		diex("rlimit %s: not TYPE=SOFT:HARD", word);
	if (strncasecmp(t, "rlimit_", 7) == 0)
		t += 7;
	tlen = (size_t)(eq - t);
	for (i = 0; i < sizeof(rlimit_types) / sizeof(rlimit_types[0]); i++)
		if (strlen(rlimit_types[i].name) == tlen &&
		    strncasecmp(t, rlimit_types[i].name, tlen) == 0)
			break;
	if (i == sizeof(rlimit_types) / sizeof(rlimit_types[0]))
		diex("rlimit %s: unknown type %.*s", word, (int)(eq - word),
		     word);
	if (parse_limit(eq + 1, (size_t)(colon - eq - 1), &rl->rlim_cur) < 0 ||
	    parse_limit(colon + 1, strlen(colon + 1), &rl->rlim_max) < 0)
		diex("rlimit %s: a limit is not a number or unlimited", word);
	if (rl->rlim_cur > rl->rlim_max)
		diex("rlimit %s: the soft limit is above the hard one", word);
	return rlimit_types[i].resource;
}

/* --env NAME=VALUE: a word putenv(3) can take, or exit 125. */
static void check_env(const char *word)
{
	const char *eq = strchr(word, '=');

	if (!eq || eq == word)
		diex("env %s: not NAME=VALUE", word);
}

/* The ready line: the time of day, RFC 3339 in UTC with nanoseconds,
 * as date -u +%Y-%m-%dT%H:%M:%S.%NZ prints it. */
static int ready_line(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;
	char day[32];

	if (clock_gettime(CLOCK_REALTIME, &ts) < 0 ||
	    !gmtime_r(&ts.tv_sec, &tm) ||
	    !strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm))
		die("ready: the time of day");
	return snprintf(buf, size, "%s.%09ldZ\n", day, (long)ts.tv_nsec);
}

/* --stderr-fd: fd becomes descriptor 2 (what was there closed by it) and
 * is closed; nothing when fd is -1 or 2. */
static void set_stderr(int fd)
{
	if (fd < 0 || fd == 2)
		return;
	if (dup2(fd, 2) < 0)
		die("stderr: dup2 descriptor %d", fd);
	if (close(fd) < 0)
		die("stderr: close descriptor %d", fd);
}

/* Wait until fd is readable: a descriptor in non-blocking mode (a shell's
 * or an engine's) would otherwise say EAGAIN at once. */
static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, -1) < 0)
		if (errno != EINTR)
			die("wait: poll descriptor %d", fd);
}

int main(int argc, char **argv)
{
	enum { WAIT_FD = 256, READY_FD, STDERR_FD, CLEAR_ENV, ENV, RLIMIT,
	       CHDIR };
	static const struct option longopts[] = {
		{ "wait-fd", required_argument, NULL, WAIT_FD },
		{ "ready-fd", required_argument, NULL, READY_FD },
		{ "stderr-fd", required_argument, NULL, STDERR_FD },
		{ "clear-env", no_argument, NULL, CLEAR_ENV },
		{ "env", required_argument, NULL, ENV },
		{ "rlimit", required_argument, NULL, RLIMIT },
		{ "chdir", required_argument, NULL, CHDIR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *wait_arg = NULL, *ready_arg = NULL, *err_arg = NULL;
	const char *dir = NULL;
	/* at most one --env or --rlimit a word of argv */
	char **envs = calloc((size_t)argc, sizeof(*envs));
	const char **limit_words = calloc((size_t)argc, sizeof(*limit_words));
	struct rlimit *limits = calloc((size_t)argc, sizeof(*limits));
	int *resources = calloc((size_t)argc, sizeof(*resources));
	int c, i, wait_fd = -1, ready_fd = -1, err_fd = -1, clear = 0;
	int nenv = 0, nlim = 0;
	char line[64];
	ssize_t n;
	char byte;

	progname = "start-gate";
	if (!envs || !limit_words || !limits || !resources)
		die("calloc");
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case WAIT_FD: wait_arg = optarg; break;
		case READY_FD: ready_arg = optarg; break;
		case STDERR_FD: err_arg = optarg; break;
		case CLEAR_ENV: clear = 1; break;
		case ENV:
			check_env(optarg);
			envs[nenv++] = optarg;
			break;
		case RLIMIT:
			resources[nlim] = parse_rlimit(optarg, &limits[nlim]);
			limit_words[nlim++] = optarg;
			break;
		case CHDIR: dir = optarg; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	if (ready_arg && !wait_arg)
		diex("--ready-fd needs --wait-fd (no gate to be ready at)");
	if (wait_arg)
		wait_fd = open_fd("wait-fd", wait_arg);
	if (ready_arg)
		ready_fd = open_fd("ready-fd", ready_arg);
	if (ready_fd >= 0 && ready_fd == wait_fd)
		diex("--ready-fd %d is --wait-fd too: the gate would open "
		     "itself", ready_fd);
	if (err_arg) {
		err_fd = open_fd("stderr-fd", err_arg);
		if (err_fd == wait_fd || err_fd == ready_fd)
			diex("--stderr-fd %d is --%s-fd too", err_fd,
			     err_fd == wait_fd ? "wait" : "ready");
	}

	/* The resource limits (a hard limit raised needs CAP_SYS_RESOURCE). */
	for (i = 0; i < nlim; i++)
		if (setrlimit(resources[i], &limits[i]) < 0)
			die("rlimit %s", limit_words[i]);
	free(limits);
	free(resources);
	free(limit_words);

	/* The working directory, in whatever root the chain has switched to. */
	if (dir && chdir(dir) < 0)
		die("chdir %s", dir);

	/* The environment prog gets; the words stay in argv, which outlives
	 * the exec's copy (putenv(3) keeps the pointer). */
	if (clear && clearenv() != 0)
		diex("clearenv failed");
	for (i = 0; i < nenv; i++)
		if (putenv(envs[i]) != 0)
			die("env %s", envs[i]);
	free(envs);

	if (wait_fd < 0) {
		set_stderr(err_fd);
		exec_or_die(argv);
	}

	/* Tell the caller we are at the gate: one line, our end closed. */
	if (ready_fd >= 0) {
		i = ready_line(line, sizeof(line));
		while ((n = write(ready_fd, line, (size_t)i)) < 0 &&
		       errno == EINTR)
			;
		if (n != i)
			die("ready: write descriptor %d", ready_fd);
		/* (2 is closed by the dup2 below, never left without a file) */
		if ((ready_fd != 2 || err_fd < 0) && close(ready_fd) < 0)
			die("ready: close descriptor %d", ready_fd);
	}
	set_stderr(err_fd);

	/* The gate: one byte opens it; end of file cancels. */
	for (;;) {
		n = read(wait_fd, &byte, 1);
		if (n >= 0)
			break;
		if (errno == EAGAIN)
			wait_readable(wait_fd);
		else if (errno != EINTR)
			die("wait: read descriptor %d", wait_fd);
	}
	if (n == 0)
		diex("wait: cancelled (end of file on descriptor %d)",
		     wait_fd);
	if (close(wait_fd) < 0)
		die("wait: close descriptor %d", wait_fd);
	exec_or_die(argv);
}
