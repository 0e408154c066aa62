/* ns-enter-relay - the processes that stay: fork, relay signals, reap
 *
 * Part of ns-enter (see ns-enter.c and ns-enter.h). fork_child() forks
 * (with --kill-with-parent the child dies with us); relay() is what the
 * parent that waits for a new pid namespace's pid 1, and --init's init,
 * do until their child exits: pass the relayed signals on, reap (the init
 * every orphan), and return the child's status, or 128+N if signal N
 * killed it. close_all() drops the caller's descriptors first, inside a
 * running container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lib.h"
#include "ns-enter.h"

/* Fork. With --kill-with-parent the child is sent SIGKILL when we exit;
 * if we died before it asked, our pidfd is already readable. */
pid_t fork_child(int kill_with_parent)
{
	struct pollfd p = { .fd = -1, .events = POLLIN };
	pid_t pid;

	if (kill_with_parent) {
		p.fd = syscall(SYS_pidfd_open, getpid(), 0);
		if (p.fd < 0)
			die("pidfd_open");
	}
	pid = fork();
	if (pid < 0 && errno == ENOMEM)
		diex("fork: %s (a pid namespace whose pid 1 has exited takes "
		     "no new process)", strerror(ENOMEM));
	if (pid < 0)
		die("fork");
	if (pid == 0 && kill_with_parent) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("prctl PR_SET_PDEATHSIG");
		if (poll(&p, 1, 0) != 0)
			raise(SIGKILL);
	}
	if (p.fd >= 0)
		close(p.fd);
	return pid;
}

/* A process that stays while prog runs (the parent that waits, the init)
 * holds no descriptor above 2 once inside a running container: it never
 * executes, so close-on-exec would not close the caller's. */
void close_all(const char *target)
{
	if (target && syscall(SYS_close_range, 3, ~0U, 0) < 0)
		die("close_range");
}

/* Relay the signals in set to child until it exits; as an init, reap every
 * other child too (orphans of the pid namespace are re-parented to pid 1). */
int relay(pid_t child, const sigset_t *set, int reap_all)
{
	siginfo_t si;
	pid_t pid;
	int st;

	for (;;) {
		if (sigwaitinfo(set, &si) < 0) {
			if (errno == EINTR)
				continue;
			die("sigwaitinfo");
		}
		if (si.si_signo != SIGCHLD) {
			kill(child, si.si_signo);
			continue;
		}
		while ((pid = waitpid(reap_all ? -1 : child, &st, WNOHANG)) > 0)
			if (pid == child)
				return WIFSIGNALED(st) ? 128 + WTERMSIG(st)
						       : WEXITSTATUS(st);
	}
}
