/* ns-enter-join - join namespaces: a process's (--target PID) or
 * files' (--TYPE=FILE, --netns FILE)
 *
 * Part of ns-enter (see ns-enter.c and ns-enter.h). The namespace files are
 * opened first, then joined in two passes as nsenter(1) does (user last for
 * a privileged caller, first for one that needs its privileges); joining
 * PID's mount namespace also takes its root and working directory, and
 * joining a user namespace makes the caller its root. A namespace the
 * caller is in already is skipped. Creates nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lib.h"
#include "ns-enter.h"

/* The namespace file path (relative to dir) of type i, opened; -1 if we
 * are in that namespace already (nsenter -a skips those, and setns(2)
 * refuses the caller's own user namespace). Errors name it name. */
int open_ns(int dir, const char *path, int i, const char *name)
{
	struct stat mine, theirs;
	char self[64];
	int fd;

	fd = openat(dir, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &theirs) < 0)
		die("open %s", name);
	snprintf(self, sizeof(self), "/proc/self/ns/%s", ns[i].name);
	if (stat(self, &mine) < 0)
		die("stat %s", self);
	if (mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Join the namespaces opened in fd[] (closed here; name[] for errors);
 * returns the types joined. Two passes, as nsenter(1): a privileged
 * caller joins the others before the user namespace takes its host
 * privileges away; an unprivileged one only after it grants some. */
int enter(int fd[NNS], const char *const name[NNS])
{
	int joined = 0, pass, i;

	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i < NNS; i++) {
			if (fd[i] < 0)
				continue;
			if (setns(fd[i], ns[i].type) == 0) {
				close(fd[i]);
				fd[i] = -1;
				joined |= ns[i].type;
			} else if (pass == 1) {
				die("setns %s", name[i]);
			}
		}
		if (pass == 0 && fd[0] >= 0) {
			if (setns(fd[0], CLONE_NEWUSER) < 0)
				die("setns %s", name[0]);
			close(fd[0]);
			fd[0] = -1;
			joined |= CLONE_NEWUSER;
		}
	}
	return joined;
}

/* Ids, after the joins (they may cost the capabilities the joins need):
 * become root of the joined user namespace, as nsenter(1) does, or the
 * host's ids, unmapped there, would keep no capability across exec.
 * Supplementary groups go; setgroups may be denied there. */
void become_root(const char *userns)
{
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		die("setgroups");
	if (setgid(0) < 0)
		die("setgid 0 in %s", userns);
	if (setuid(0) < 0)
		die("setuid 0 in %s", userns);
}

/* Join PID's namespaces of the given types; returns the types joined. */
int join(const char *pid, int types)
{
	int dir, fd[NNS], root = -1, cwd = -1, joined, i;
	char path[64], names[NNS][64];
	const char *name[NNS];

	/* Open everything first, through one descriptor of /proc/PID: once
	 * inside, /proc/PID may mean another process. */
	snprintf(path, sizeof(path), "/proc/%s", pid);
	dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		if (errno == ENOENT)
			errno = ESRCH;
		die("target %s", pid);
	}
	for (i = 0; i < NNS; i++) {
		fd[i] = -1;
		snprintf(names[i], sizeof(names[i]), "/proc/%s/ns/%s", pid,
			 ns[i].name);
		name[i] = names[i];
		if (types & ns[i].type)
			fd[i] = open_ns(dir, names[i] + strlen(path) + 1, i,
					names[i]);
	}
	if (fd[MNT] >= 0) {
		root = openat(dir, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		cwd = openat(dir, "cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || cwd < 0)
			die("open /proc/%s/%s", pid, root < 0 ? "root" : "cwd");
	}
	close(dir);
	/* Namespace membership. */
	joined = enter(fd, name);
	/* Root and working directory: the target's, inside its mounts. */
	if (root >= 0) {
		if (fchdir(root) < 0 || chroot(".") < 0 || fchdir(cwd) < 0)
			die("chroot /proc/%s/root", pid);
		close(root);
		close(cwd);
	}
	if (joined & CLONE_NEWUSER)
		become_root(name[0]);
	return joined;
}
