/* ns-enter - create namespaces or join a process's, then execute a program
 *
 * usage: ns-enter [--pid[=FILE]] [--mount[=FILE]] [--uts[=FILE]]
 *        [--ipc[=FILE]] [--net[=FILE]] [--cgroup[=FILE]] [--time[=FILE]]
 *        [--user[=FILE]] [--target PID [--keep-fd N]...] [--netns FILE]
 *        [--keep TYPE:FILE]... [--mount-proc] [--hostname NAME]
 *        [--map-root | [--map-uid IN:OUT:N]... [--map-gid IN:OUT:N]...]
 *        [--init] [--kill-with-parent] [--pidfile FILE] [--] prog [args...]
 *
 * Changes: the type flags alone create those namespaces (unshare(2)): user
 * first, so that it owns the others, then mount (made recursively private:
 * nothing propagates back to the host), uts (named by --hostname), ipc, net
 * (only lo, brought up), cgroup, pid and time. With --target PID they join
 * PID's namespaces instead (setns(2)): all of them as nsenter -a, or only the
 * types given; joining the mount namespace also takes PID's root and working
 * directory, and joining a user namespace makes the caller its root (as
 * nsenter does), or prog would keep none of its capabilities. --TYPE=FILE
 * (and --netns FILE) joins the namespace a file names: /proc/PID/ns/TYPE,
 * or one kept on a file. --keep TYPE:FILE bind-mounts a new namespace on
 * FILE so that it outlives its processes (as unshare --TYPE=FILE and ip
 * netns add). --mount-proc mounts a new /proc (with --pid: the new pid
 * namespace's) in the new mount namespace. Options are long only, as in
 * every helper (mustela(7), OPTIONS).
 *
 * Entering a running container (--target, CVE-2019-5736): ns-enter makes
 * itself non-dumpable (PR_SET_DUMPABLE 0) before it joins anything, so
 * that no process of the container can open /proc/PID/exe (the host's
 * ns-enter) or /proc/PID/fd of it, or ptrace it, without CAP_SYS_PTRACE
 * where ns-enter started; prog's execve(2) makes prog dumpable again (it
 * is the container's file), unless prog is unreadable to it or set-id.
 * Every descriptor above 2 is closed on exec but those --keep-fd names,
 * and the processes that stay (the parent that waits, --init's init)
 * close theirs: the caller's descriptors do not reach the container.
 *
 * Forks: the kernel puts only the caller's children in a new pid or time
 * namespace, so with --pid (new or joined) or --time ns-enter forks: the
 * child becomes the namespace's pid 1 and executes prog; the parent relays
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it, waits, and
 * exits with its status, or 128+N if signal N killed it. With --init that
 * child forks once more and stays as a tiny init (as tini): it relays the
 * same signals to prog, reaps every orphan, and exits when prog exits.
 * --map-uid and --map-gid ranges are written, and --keep binds made, by
 * short-lived children that stay outside the new user and mount namespaces
 * (the kernel requires it), the maps through newuidmap(1) and newgidmap(1)
 * when the caller is not root.
 *
 * Does not: change the root (pivot does, and pivot --proc mounts /proc
 * there), create network interfaces other than lo, remove a kept namespace
 * (umount FILE; rm FILE), or read the environment.
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else prog's
 * status, or 128+N when the child it waits for died of signal N.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/close_range.h>

#include "lib.h"

#define SYNOPSIS "ns-enter [--pid[=FILE]] [--mount[=FILE]] [--uts[=FILE]]" \
	" [--ipc[=FILE]] [--net[=FILE]] [--cgroup[=FILE]] [--time[=FILE]]" \
	" [--user[=FILE]] [--target PID [--keep-fd N]...] [--netns FILE]" \
	" [--keep TYPE:FILE]... [--mount-proc] [--hostname NAME]" \
	" [--map-root | [--map-uid IN:OUT:N]... [--map-gid IN:OUT:N]...]" \
	" [--init] [--kill-with-parent] [--pidfile FILE] [--] prog [args...]"
#define OPTIONS \
	"  --pid             new pid namespace (forks: the child is its pid 1)\n" \
	"  --mount           new mount namespace, made recursively private\n" \
	"  --uts             new uts namespace (host name)\n" \
	"  --ipc             new ipc namespace\n" \
	"  --net             new network namespace (only lo, up)\n" \
	"  --cgroup          new cgroup namespace\n" \
	"  --time            new time namespace (forks)\n" \
	"  --user            new user namespace (first: it owns the others)\n" \
	"  --TYPE=FILE       join the namespace FILE names instead (/proc/PID/ns/TYPE)\n" \
	"  --target PID      join PID's namespaces (all, or the types given)\n" \
	"  --keep-fd N       with --target: leave descriptor N open for prog\n" \
	"  --netns FILE      join the network namespace FILE (as --net=FILE)\n" \
	"  --keep TYPE:FILE  bind the new namespace on FILE (umount FILE; rm FILE)\n" \
	"  --mount-proc      mount a new /proc (implies --mount; or pivot --proc)\n" \
	"  --hostname NAME   host name of the new uts namespace\n" \
	"  --map-root        map the caller to root in the new user namespace\n" \
	"  --map-uid IN:OUT:N  map N uids from IN inside to OUT (repeatable)\n" \
	"  --map-gid IN:OUT:N  map N gids from IN inside to OUT (repeatable)\n" \
	"  --init            stay as a tiny init that reaps orphans\n" \
	"  --kill-with-parent  die (SIGKILL) when the caller exits\n" \
	"  --pidfile FILE    write the pid of prog (or of pid 1) to FILE\n" \
	"  -h, --help        print this help\n"
#define MAXMAP 32	/* ranges per map (the kernel takes up to 340) */
#define NNS 8
#define MNT 6		/* ns[MNT] is the mount namespace */

#define PIDNS 5		/* ns[PIDNS] is the pid namespace */

/* The namespace types, by their /proc/PID/ns names and options, user first;
 * a new pid or time namespace is the children's, kept from another name. */
static const struct {
	const char *name, *opt, *kept;
	int type;
} ns[NNS] = {
	{ "user", "user", "user", CLONE_NEWUSER },
	{ "cgroup", "cgroup", "cgroup", CLONE_NEWCGROUP },
	{ "ipc", "ipc", "ipc", CLONE_NEWIPC },
	{ "uts", "uts", "uts", CLONE_NEWUTS },
	{ "net", "net", "net", CLONE_NEWNET },
	{ "pid", "pid", "pid_for_children", CLONE_NEWPID },
	{ "mnt", "mount", "mnt", CLONE_NEWNS },
	{ "time", "time", "time_for_children", CLONE_NEWTIME },
};

struct idmap { unsigned long r[MAXMAP][3]; int n; };	/* in, out, count */

/* One IN:OUT:N range of --map-uid or --map-gid (opt names which). */
static void add_range(struct idmap *m, const char *opt, const char *s)
{
	const char *arg = s;
	char *end;

	if (m->n == MAXMAP)
		diex("%s %s: more than %d ranges", opt, arg, MAXMAP);
	for (int i = 0; i < 3; i++, s = end + 1) {
		errno = 0;
		if (*s < '0' || *s > '9')
			diex("%s %s: expected IN:OUT:N", opt, arg);
		m->r[m->n][i] = strtoul(s, &end, 10);
		if (errno || *end != (i < 2 ? ':' : '\0'))
			diex("%s %s: expected IN:OUT:N", opt, arg);
	}
	m->n++;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write %s", path);
	close(fd);
}

/* Write PID's uid_map or gid_map ("inside outside count" lines, see
 * user_namespaces(7)); unprivileged, through the set-uid newuidmap(1) or
 * newgidmap(1), which allow the ranges of /etc/subuid or /etc/subgid. */
static void map_ids(pid_t pid, const char *kind, const struct idmap *m)
{
	char text[MAXMAP * 64], *args[3 * MAXMAP + 3], path[64];
	size_t len = 0;
	int i, st;

	if (geteuid() == 0) {
		for (i = 0; i < m->n; i++)
			len += snprintf(text + len, sizeof(text) - len,
					"%lu %lu %lu\n", m->r[i][0], m->r[i][1],
					m->r[i][2]);
		snprintf(path, sizeof(path), "/proc/%d/%s_map", (int)pid, kind);
		write_file(path, text);
		return;
	}
	args[0] = (char *)(kind[0] == 'u' ? "newuidmap" : "newgidmap");
	if (asprintf(&args[1], "%d", (int)pid) < 0)
		die("asprintf");
	for (i = 0; i < 3 * m->n; i++)
		if (asprintf(&args[i + 2], "%lu", m->r[i / 3][i % 3]) < 0)
			die("asprintf");
	args[i + 2] = NULL;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		exec_or_die(args);
	st = wait_status(pid);
	if (st)
		diex("%s: exited with status %d", args[0], st);
}

/* Some steps the kernel allows only from outside the namespaces about to be
 * made: writing a new user namespace's id maps, mounting on the caller's
 * files. Fork a child for them before unsharing; it waits until told to go
 * (a byte on *go), or exits quietly at end of file (we failed first).
 * Returns its pid to the parent, 0 to the child. */
static pid_t fork_outsider(int *go)
{
	int p[2];
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC) < 0)
		die("pipe");
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid > 0) {
		close(p[0]);
		*go = p[1];
		return pid;
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		_exit(EXIT_SELF);
	close(p[0]);
	return 0;
}

/* Tell the outsider to go and wait for it: it said why if it failed. */
static void let_go(pid_t pid, int go)
{
	if (write(go, "1", 1) != 1)
		die("write to child %d", (int)pid);
	close(go);
	if (wait_status(pid))
		exit(EXIT_SELF);
}

/* A new user namespace and its id maps. --map-root is the one-line map
 * "0 our-id 1": an unprivileged process may write that itself once it has
 * denied setgroups(2); from root an outsider writes it (a process may map
 * only its own ids in its new namespace) and setgroups stays. */
static void new_user(int map_root, struct idmap *uid, struct idmap *gid)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	pid_t mapper = 0;
	char text[64];
	int go = -1;

	if (map_root) {
		uid->r[0][0] = gid->r[0][0] = 0;
		uid->r[0][1] = euid;
		gid->r[0][1] = egid;
		uid->r[0][2] = gid->r[0][2] = 1;
		uid->n = gid->n = 1;
	}
	if ((uid->n || gid->n) && (euid == 0 || !map_root)) {
		mapper = fork_outsider(&go);
		if (mapper == 0) {
			if (uid->n)
				map_ids(getppid(), "uid", uid);
			if (gid->n)
				map_ids(getppid(), "gid", gid);
			_exit(0);
		}
	}
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare user");
	if (map_root && euid != 0) {
		snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)euid);
		write_file("/proc/self/uid_map", text);
		write_file("/proc/self/setgroups", "deny");
		snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)egid);
		write_file("/proc/self/gid_map", text);
	}
	if (mapper)
		let_go(mapper, go);
}

/* The namespace file path (relative to dir) of type i, opened; -1 if we
 * are in that namespace already (nsenter -a skips those, and setns(2)
 * refuses the caller's own user namespace). Errors name it name. */
static int open_ns(int dir, const char *path, int i, const char *name)
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
static int enter(int fd[NNS], const char *const name[NNS])
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
static void become_root(const char *userns)
{
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		die("setgroups");
	if (setgid(0) < 0)
		die("setgid 0 in %s", userns);
	if (setuid(0) < 0)
		die("setuid 0 in %s", userns);
}

/* Join PID's namespaces of the given types; returns the types joined. */
static int join(const char *pid, int types)
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

/* --keep (in an outsider): bind the parent's new namespaces on their
 * files, created empty if missing, which keeps them alive (see
 * namespaces(7), "The /proc/[pid]/ns/ directory"). The kernel refuses to
 * bind a mount namespace where the bind would propagate to other mount
 * namespaces. On failure nothing of ours is left: binds undone, files
 * made removed. */
static void keep_all(char *const keep[NNS])
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

/* New namespaces other than user, one call each so an error names it. */
static void new_others(int types, const char *hostname)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s;

	for (int i = 1; i < NNS; i++)
		if ((types & ns[i].type) && unshare(ns[i].type) < 0)
			die("unshare %s", ns[i].name);
	/* Mount propagation: our mounts must not reach the host's tree. */
	if ((types & CLONE_NEWNS) &&
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	/* The host name, private to the new uts namespace. */
	if (hostname && sethostname(hostname, strlen(hostname)) < 0)
		die("sethostname %s", hostname);
	/* The loopback link of a new network namespace is born down. */
	if (types & CLONE_NEWNET) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
			die("get flags of lo");
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			die("bring lo up");
		close(s);
	}
}

/* Fork. With --kill-with-parent the child is sent SIGKILL when we exit;
 * if we died before it asked, our pidfd is already readable. */
static pid_t fork_child(int kill_with_parent)
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
static void close_all(const char *target)
{
	if (target && syscall(SYS_close_range, 3, ~0U, 0) < 0)
		die("close_range");
}

/* Relay the signals in set to child until it exits; as an init, reap every
 * other child too (orphans of the pid namespace are re-parented to pid 1). */
static int relay(pid_t child, const sigset_t *set, int reap_all)
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

/* --keep TYPE:FILE: TYPE by its /proc name or its option (mnt, mount). */
static void add_keep(char *keep[NNS], char *arg)
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

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS):
	 * nsenter(1)'s letters are not ours. The type options first, in the
	 * order of ns[]. */
	enum { USER = 256, CGROUP, IPC, UTS, NET, PID, MOUNT, TIME, TARGET,
	       NETNS, KEEP, MOUNT_PROC, HOSTNAME, MAP_ROOT, MAP_UID, MAP_GID,
	       INIT, KILL, PIDFILE, KEEP_FD };
	static const struct option longopts[] = {
		{ "pid", optional_argument, NULL, PID },
		{ "mount", optional_argument, NULL, MOUNT },
		{ "uts", optional_argument, NULL, UTS },
		{ "ipc", optional_argument, NULL, IPC },
		{ "net", optional_argument, NULL, NET },
		{ "cgroup", optional_argument, NULL, CGROUP },
		{ "time", optional_argument, NULL, TIME },
		{ "user", optional_argument, NULL, USER },
		{ "target", required_argument, NULL, TARGET },
		{ "netns", required_argument, NULL, NETNS },
		{ "keep", required_argument, NULL, KEEP },
		{ "mount-proc", no_argument, NULL, MOUNT_PROC },
		{ "hostname", required_argument, NULL, HOSTNAME },
		{ "map-root", no_argument, NULL, MAP_ROOT },
		{ "map-uid", required_argument, NULL, MAP_UID },
		{ "map-gid", required_argument, NULL, MAP_GID },
		{ "init", no_argument, NULL, INIT },
		{ "kill-with-parent", no_argument, NULL, KILL },
		{ "pidfile", required_argument, NULL, PIDFILE },
		{ "keep-fd", required_argument, NULL, KEEP_FD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *target = NULL, *hostname = NULL, *pidfile = NULL;
	const char *file[NNS] = { NULL }, *spelled[NNS] = { NULL };
	char *keep[NNS] = { NULL };
	struct idmap uid = { .n = 0 }, gid = { .n = 0 };
	int c, i, types = 0, joined = 0, map_root = 0, init = 0, mount_proc = 0;
	int kill_parent = 0, fork_pid, keeps = 0, go = -1, pfd = -1;
	int fd[NNS], sync[2] = { -1, -1 }, *kept, nkept = 0;
	sigset_t relayed, saved;
	unsigned long n;
	pid_t ppid, child, keeper = 0;
	char byte;

	progname = "ns-enter";
	kept = calloc((size_t)argc, sizeof(*kept));
	if (!kept)
		die("calloc");
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case USER: case CGROUP: case IPC: case UTS:
		case NET: case PID: case MOUNT: case TIME:
			i = c - USER;
			if (!optarg) {
				types |= ns[i].type;
				break;
			}
			file[i] = optarg;
			spelled[i] = "=FILE";
			break;
		case TARGET:
			if (parse_ulong(optarg, &n) < 0 || n == 0 || n > INT_MAX)
				diex("target %s: not a process id", optarg);
			target = optarg;
			break;
		case NETNS:
			file[NET - USER] = optarg;
			spelled[NET - USER] = "ns";
			break;
		case KEEP: add_keep(keep, optarg); keeps = 1; break;
		case MOUNT_PROC: mount_proc = 1; break;
		case HOSTNAME: hostname = optarg; break;
		case MAP_ROOT: map_root = 1; break;
		case MAP_UID: add_range(&uid, "map-uid", optarg); break;
		case MAP_GID: add_range(&gid, "map-gid", optarg); break;
		case INIT: init = 1; break;
		case KILL: kill_parent = 1; break;
		case PIDFILE: pidfile = optarg; break;
		case KEEP_FD:
			if (parse_ulong(optarg, &n) < 0 || n > INT_MAX)
				diex("keep-fd %s: not a descriptor", optarg);
			kept[nkept++] = (int)n;
			break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	if (mount_proc && (target || file[MNT]))
		diex("--mount-proc needs a new mount namespace: it excludes "
		     "--mount=FILE and --target");
	if (mount_proc)
		types |= CLONE_NEWNS;
	if (hostname && (target || !(types & CLONE_NEWUTS)))
		diex("--hostname needs a new uts namespace (--uts)");
	if ((map_root || uid.n || gid.n) && (target || !(types & CLONE_NEWUSER)))
		diex("--map-root, --map-uid, --map-gid need a new user namespace (--user)");
	if (map_root && (uid.n || gid.n))
		diex("--map-root excludes --map-uid and --map-gid");
	for (i = 0; i < NNS; i++) {
		if (file[i] && (target || (types & ns[i].type)))
			diex("--%s%s excludes --%s and --target", ns[i].opt,
			     spelled[i], ns[i].opt);
		if (keep[i] && (target || !(types & ns[i].type)))
			diex("--keep %s needs a new %s namespace (--%s)",
			     ns[i].name, ns[i].opt, ns[i].opt);
	}
	if (nkept && !target)
		diex("--keep-fd needs --target (without it no descriptor is "
		     "closed)");
	if (target && !types)
		types = ~0;	/* all of them, as nsenter -a */

	/* 0. Entering a running container: nothing of ours may be reached
	 * from it. Non-dumpable before any join, so that its processes
	 * cannot open /proc/PID/exe or /proc/PID/fd of ours nor ptrace us
	 * (see ptrace(2), "Ptrace access mode checking"); every descriptor
	 * above 2 close-on-exec, but the kept ones. */
	if (target) {
		if (prctl(PR_SET_DUMPABLE, 0) < 0)
			die("prctl PR_SET_DUMPABLE");
		if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
			die("close_range");
		for (i = 0; i < nkept; i++)
			if (fcntl(kept[i], F_SETFD, 0) < 0)
				die("keep-fd %d", kept[i]);
	}
	free(kept);

	/* 1. Files, opened while their paths are still the caller's: the
	 * pidfile and the namespaces to join. */
	if (pidfile) {
		pfd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (pfd < 0)
			die("open %s", pidfile);
	}
	for (i = 0; i < NNS; i++)
		fd[i] = file[i] ? open_ns(AT_FDCWD, file[i], i, file[i]) : -1;
	/* 2. Parent-death signal: the kernel kills us when our parent exits;
	 * a changed parent means it already has. */
	if (kill_parent) {
		ppid = getppid();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("prctl PR_SET_PDEATHSIG");
		if (getppid() != ppid)
			raise(SIGKILL);
	}
	/* 3. Namespaces: join the target's, or those named by files first
	 * (while we hold the host's privileges over them), then create the
	 * user namespace, so that it owns all the others, then the others.
	 * The keeper binds them from outside once they all exist. */
	if (keeps && (keeper = fork_outsider(&go)) == 0)
		keep_all(keep);
	if (target) {
		joined = join(target, types);
		types = 0;
	} else {
		joined = enter(fd, file);
		if (joined & CLONE_NEWUSER)
			become_root(file[0]);
		if (types & CLONE_NEWUSER)
			new_user(map_root, &uid, &gid);
		new_others(types, hostname);
	}
	/* 4. Fork: only children enter a new pid or time namespace; a joined
	 * time namespace applies at once (see time_namespaces(7)). The parent
	 * and the init take the relayed signals with sigwaitinfo(2). */
	fork_pid = ((types | joined) & CLONE_NEWPID) || (types & CLONE_NEWTIME);
	if (keeper && !fork_pid)
		let_go(keeper, go);
	if (fork_pid || init) {
		sigemptyset(&relayed);
		sigaddset(&relayed, SIGINT);
		sigaddset(&relayed, SIGTERM);
		sigaddset(&relayed, SIGHUP);
		sigaddset(&relayed, SIGQUIT);
		sigaddset(&relayed, SIGUSR1);
		sigaddset(&relayed, SIGUSR2);
		sigaddset(&relayed, SIGCHLD);
		if (sigprocmask(SIG_BLOCK, &relayed, &saved) < 0)
			die("sigprocmask");
		/* An ignored signal is discarded even while blocked, and a shell
		 * starts its background jobs with SIGINT and SIGQUIT ignored:
		 * take them back to the default, which prog inherits too (its
		 * shell could not trap them otherwise, as under runc). */
		for (n = 1; n < NSIG; n++)
			if (sigismember(&relayed, (int)n) == 1 &&
			    signal((int)n, SIG_DFL) == SIG_ERR)
				die("signal %lu", n);
	}
	if (fork_pid) {
		if ((pfd >= 0 || keeper) && pipe2(sync, O_CLOEXEC) < 0)
			die("pipe");
		child = fork_child(kill_parent);
		if (child > 0) {
			/* A new pid namespace can be kept (or joined) only
			 * once it has its pid 1. */
			if (keeper)
				let_go(keeper, go);
			if (pfd >= 0 && dprintf(pfd, "%d\n", (int)child) < 0)
				die("write %s", pidfile);
			if (sync[1] >= 0 && write(sync[1], "1", 1) != 1)
				die("write to child %d", (int)child);
			if (sync[1] >= 0) {
				close(sync[1]);
				close(sync[0]);
			}
			if (pfd >= 0)
				close(pfd);
			close_all(target);
			exit(relay(child, &relayed, 0));
		}
		/* The child starts prog only once the namespaces are kept and
		 * the pidfile written: a byte on the pipe (end of file: the
		 * parent failed, and said why). */
		if (sync[0] >= 0) {
			close(sync[1]);
			if (read(sync[0], &byte, 1) != 1)
				_exit(EXIT_SELF);
			close(sync[0]);
		}
	} else if (pfd >= 0 && dprintf(pfd, "%d\n", (int)getpid()) < 0) {
		die("write %s", pidfile);
	}
	if (pfd >= 0)
		close(pfd);
	/* 5. --mount-proc: a new proc on /proc, in the new mount namespace:
	 * it shows the pid namespace of its mounter (after the fork, the one
	 * whose pid 1 we are), not the host's processes. */
	if (mount_proc && mount("proc", "/proc", "proc",
				MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount proc on /proc");
	/* 6. --init: stay as the namespace's init (or, without a new pid
	 * namespace, as a subreaper) and let a child execute prog. */
	if (init) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
			die("prctl PR_SET_CHILD_SUBREAPER");
		child = fork_child(kill_parent);
		if (child > 0) {
			close_all(target);
			exit(relay(child, &relayed, 1));
		}
	}
	if ((fork_pid || init) && sigprocmask(SIG_SETMASK, &saved, NULL) < 0)
		die("sigprocmask");
	exec_or_die(argv);
}
