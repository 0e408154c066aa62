/* scope-lock - scope abstract unix sockets and signals, then execute a program
 *
 * usage: scope-lock [--require] [--] prog [args...]
 *
 * Changes: the caller enters a new Landlock domain (landlock_restrict_self(2))
 * whose ruleset only scopes (Landlock ABI 6, Linux 6.12): prog and every
 * process it starts can no longer connect or send to an abstract unix socket
 * made outside the domain (LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET), nor signal
 * a process outside it (LANDLOCK_SCOPE_SIGNAL): both fail with EPERM. What
 * is made inside the domain works as before, and the outside still signals
 * and connects in. The domain is inherited across fork and exec and cannot
 * be left. With the host's network namespace (minc's default) a container
 * otherwise reaches every abstract socket of the host: containerd-shim's
 * was one (CVE-2020-15257).
 *
 * Needs: no_new_privs, or CAP_SYS_ADMIN in the caller's user namespace (a
 * chain has it before cap-drop).
 *
 * Does not: handle any access right (no handled_access_fs, no
 * handled_access_net), so files, mounts, pivot_root, ports and unix sockets
 * bound to a path stay as they were, for the links after it too; set
 * no_new_privs (cap-drop --no-new-privs and seccomp-load do). A kernel
 * without Landlock's scoping (ABI < 6, or Landlock not enabled): prog runs
 * unscoped, silently (best effort, as minc uses it); --require makes that an
 * error.
 *
 * Exit: 125 own failure (or --require on a kernel without scoping), 126/127
 * prog not executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "lib.h"

#define SYNOPSIS "scope-lock [--require] [--] prog [args...]"
#define OPTIONS \
	"  --require         fail (125) if the kernel cannot scope (Landlock" \
	" ABI < 6)\n" \
	"  -h, --help        print this help\n"

/* Landlock's names, defined here: the kernel headers of Debian 12
 * (<linux/landlock.h> of Linux 6.1) predate ABI 6, whose struct
 * landlock_ruleset_attr has three fields, scoped the last; the syscall
 * numbers are the same on every architecture but alpha. */
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_restrict_self 446
#endif
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#define SCOPE_ABI 6

struct ruleset_attr {
	uint64_t handled_access_fs;
	uint64_t handled_access_net;
	uint64_t scoped;
};

int main(int argc, char **argv)
{
	enum { REQUIRE = 256 };
	static const struct option longopts[] = {
		{ "require", no_argument, NULL, REQUIRE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ruleset_attr attr = {
		.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			LANDLOCK_SCOPE_SIGNAL,
	};
	int c, require = 0;
	long abi, fd;

	progname = "scope-lock";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case REQUIRE: require = 1; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	argv = prog_argv(argc, argv, optind, SYNOPSIS);

	/* Which Landlock the kernel has: ENOSYS (none), EOPNOTSUPP (built
	 * but not enabled at boot), else its ABI version. */
	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
		      LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < SCOPE_ABI) {
		if (require && abi < 0)
			die("landlock_create_ruleset");
		if (require)
			diex("Landlock ABI %ld: scoping needs ABI %d "
			     "(Linux 6.12)", abi, SCOPE_ABI);
		exec_or_die(argv);
	}

	/* A new Landlock domain: this process and all it starts, scoped. */
	fd = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (fd < 0)
		die("landlock_create_ruleset");
	if (syscall(SYS_landlock_restrict_self, (int)fd, 0) < 0) {
		if (errno == EPERM)
			die("landlock_restrict_self (needs no_new_privs or "
			    "CAP_SYS_ADMIN)");
		die("landlock_restrict_self");
	}
	/* (opened close-on-exec by the kernel: closed for tidiness) */
	if (close((int)fd) < 0)
		die("close");
	exec_or_die(argv);
}
