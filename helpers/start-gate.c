/* start-gate - wait for a byte on a descriptor, then execute a program
 *
 * usage: start-gate --wait-fd N [--ready-fd M] [--] prog [args...]
 *
 * Changes: nothing of the process's state but its descriptors. With
 * --ready-fd it writes one byte to M and closes it (the caller learns that
 * the chain reached the gate: every namespace, mount and privilege step
 * before it is done); then it blocks reading one byte from N, closes N and
 * executes prog. N is a pipe, or a FIFO the caller opened read-write
 * (`exec N<>exec.fifo`, so that opening it never blocks and no end of file
 * comes while the caller lives), to which `start` writes the byte: runc's
 * exec.fifo idea, the container created but parked before its program
 * until started. An end of file on N (every writer gone: the caller died
 * or gave up) cancels: start-gate exits 125 and prog never runs.
 *
 * Placed after cap-drop and before seccomp-load in an OCI chain: it needs
 * no privilege and makes only read(2), write(2), close(2) and poll(2).
 *
 * Does not: fork, open anything, time out (the caller kills it), or read
 * more than the one byte (what else is written stays in the pipe).
 *
 * Exit: 125 own failure (a bad descriptor, a failed read or write, end of
 * file on N), 126/127 prog not executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

#include "lib.h"

#define SYNOPSIS "start-gate --wait-fd N [--ready-fd M] [--] prog [args...]"
#define OPTIONS \
	"  --wait-fd N       wait for one byte on descriptor N, then exec prog" \
	" (end of file: exit 125)\n" \
	"  --ready-fd M      first write one byte to descriptor M and close it\n" \
	"  -h, --help        print this help\n"

/* A descriptor number given for option opt, and open. */
static int open_fd(const char *opt, const char *s)
{
	int n = parse_fd(opt, s);

	if (fcntl(n, F_GETFD) < 0)
		die("%s %s", opt, s);
	return n;
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
	enum { WAIT_FD = 256, READY_FD };
	static const struct option longopts[] = {
		{ "wait-fd", required_argument, NULL, WAIT_FD },
		{ "ready-fd", required_argument, NULL, READY_FD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *wait_arg = NULL, *ready_arg = NULL;
	int c, wait_fd, ready_fd = -1;
	ssize_t n;
	char byte = 'r';

	progname = "start-gate";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case WAIT_FD: wait_arg = optarg; break;
		case READY_FD: ready_arg = optarg; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	if (!wait_arg)
		diex("--wait-fd is required");
	wait_fd = open_fd("wait-fd", wait_arg);
	if (ready_arg)
		ready_fd = open_fd("ready-fd", ready_arg);
	if (ready_fd == wait_fd)
		diex("--ready-fd %d is --wait-fd too: the gate would open "
		     "itself", ready_fd);

	/* Tell the caller we are at the gate: one byte, and our end closed. */
	if (ready_fd >= 0) {
		while ((n = write(ready_fd, &byte, 1)) < 0 && errno == EINTR)
			;
		if (n != 1)
			die("ready: write descriptor %d", ready_fd);
		if (close(ready_fd) < 0)
			die("ready: close descriptor %d", ready_fd);
	}

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
