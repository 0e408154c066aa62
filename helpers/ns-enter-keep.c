/* ns-enter-keep - keep new namespaces on files (--keep TYPE:FILE)
 *
 * Part of ns-enter (see ns-enter.c and ns-enter.h). TYPE:FILE is parsed as
 * the option comes; the binds are made by an outsider (a child that stays
 * in the caller's mount namespace, see fork_outsider() in ns-enter.c) once
 * the new namespaces exist: each namespace file of the parent is
 * bind-mounted on its FILE (as unshare --TYPE=FILE and ip netns add). It
 * does not remove a kept namespace (umount FILE; rm FILE).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/mount.h>

#include "lib.h"
#include "ns-enter.h"


/* --keep (in an outsider): bind the parent's new namespaces on their
 * files, created empty if missing, which keeps them alive (see
 * namespaces(7), "The /proc/[pid]/ns/ directory"). The kernel refuses to
 * bind a mount namespace where the bind would propagate to other mount
 * namespaces. On failure nothing of ours is left: binds undone, files
 * made removed. */
void keep_all(char *const keep[NNS])
{
	int made[NNS] = { 0 }, bound[NNS] = { 0 }, i, fd, ok = 1;
	pid_t parent = getppid();
	char path[64];

	for (i = 0; i < NNS && ok; i++) {
		if (!keep[i])
			continue;
		fd = open(keep[i], O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC,
			  0444);
		made[i] = fd >= 0;
		if (fd >= 0)
			close(fd);
		else if (errno != EEXIST) {
			warn_("create %s", keep[i]);
			ok = 0;
			break;
		}
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)parent,
			 ns[i].kept);
		/* A bind mount of the namespace file. */
		bound[i] = mount(path, keep[i], NULL, MS_BIND, NULL) == 0;
		if (bound[i])
			continue;
		ok = 0;
		if (i == MNT && errno == EINVAL)
			warnx_("keep mnt on %s: its mount is shared with "
			       "other mount namespaces; keep it on a private "
			       "one (mount --bind DIR DIR; mount "
			       "--make-private DIR)", keep[i]);
		else
			warn_("keep %s on %s", ns[i].name, keep[i]);
	}
	for (i = 0; !ok && i < NNS; i++) {
		if (bound[i])
			umount2(keep[i], MNT_DETACH);
		if (made[i])
			unlink(keep[i]);
	}
	_exit(ok ? 0 : EXIT_SELF);
}

/* --keep TYPE:FILE: TYPE by its /proc name or its option (mnt, mount). */
void add_keep(char *keep[NNS], char *arg)
{
	char *file = strchr(arg, ':');
	size_t n = file ? (size_t)(file - arg) : 0;

	for (int i = 0; file && file[1] && i < NNS; i++) {
		if ((strlen(ns[i].name) == n && !strncmp(arg, ns[i].name, n)) ||
		    (strlen(ns[i].opt) == n && !strncmp(arg, ns[i].opt, n))) {
			keep[i] = file + 1;
			return;
		}
	}
	diex("--keep %s: expected TYPE:FILE, TYPE one of user, cgroup, ipc, "
	     "uts, net, pid, mount, time", arg);
}
