/* ns-enter - create namespaces or join a process's, then execute a program
 *
 * usage: ns-enter [--pid] [--mount] [--uts] [--ipc] [--net] [--cgroup]
 *        [--time] [--user] [--target PID] [--netns FILE] [--hostname NAME]
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
 * nsenter does), or prog would keep none of its capabilities. --netns FILE
 * joins a network namespace by path (ip netns). Options are long only:
 * nsenter's letters mean other things in the sibling helpers.
 *
 * Forks: the kernel puts only the caller's children in a new pid or time
 * namespace, so with --pid (new or joined) or --time ns-enter forks: the
 * child becomes the namespace's pid 1 and executes prog; the parent relays
 * SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 to it, waits, and
 * exits with its status, or 128+N if signal N killed it. With --init that
 * child forks once more and stays as a tiny init (as tini): it relays the
 * same signals to prog, reaps every orphan, and exits when prog exits.
 * --map-uid and --map-gid ranges are written by a short-lived child that
 * stays outside the new user namespace (the kernel requires it), through
 * newuidmap(1) and newgidmap(1) when the caller is not root.
 *
 * Does not: mount /proc for the new pid namespace or change the root (pivot
 * does), create network interfaces other than lo, or read the environment.
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

#include "lib.h"

#define SYNOPSIS "ns-enter [--pid] [--mount] [--uts] [--ipc] [--net]" \
	" [--cgroup] [--time] [--user] [--target PID] [--netns FILE]" \
	" [--hostname NAME]" \
	" [--map-root | [--map-uid IN:OUT:N]... [--map-gid IN:OUT:N]...]" \
	" [--init] [--kill-with-parent] [--pidfile FILE] [--] prog [args...]"
#define MAXMAP 32	/* ranges per map (the kernel takes up to 340) */
#define NNS 8
#define MNT 6		/* ns[MNT] is the mount namespace */

/* The namespace types, by their /proc/PID/ns names, user first. */
static const struct { const char *name; int type; } ns[NNS] = {
	{ "user", CLONE_NEWUSER }, { "cgroup", CLONE_NEWCGROUP },
	{ "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET }, { "pid", CLONE_NEWPID },
	{ "mnt", CLONE_NEWNS }, { "time", CLONE_NEWTIME },
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

/* A process inside a new user namespace may map only its own ids; other
 * ranges are written from the parent namespace. So fork a mapper before
 * unshare(CLONE_NEWUSER): it waits on a pipe until we are in the new
 * namespace, writes our maps and exits. Returns its pid; *go is the pipe. */
static pid_t start_mapper(const struct idmap *uid, const struct idmap *gid,
			  int *go)
{
	pid_t parent = getpid(), pid;
	int p[2];
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
		_exit(EXIT_SELF);	/* the parent failed before unsharing */
	if (uid->n)
		map_ids(parent, "uid", uid);
	if (gid->n)
		map_ids(parent, "gid", gid);
	_exit(0);
}

/* A new user namespace and its id maps. --map-root is the one-line map
 * "0 our-id 1": an unprivileged process may write that itself once it has
 * denied setgroups(2); from root the mapper writes it and setgroups stays. */
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
	if ((uid->n || gid->n) && (euid == 0 || !map_root))
		mapper = start_mapper(uid, gid, &go);
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare user");
	if (map_root && euid != 0) {
		snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)euid);
		write_file("/proc/self/uid_map", text);
		write_file("/proc/self/setgroups", "deny");
		snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)egid);
		write_file("/proc/self/gid_map", text);
	}
	if (mapper) {
		if (write(go, "1", 1) != 1)
			die("write to the id mapper");
		close(go);
		if (wait_status(mapper))
			exit(EXIT_SELF);	/* the mapper said why */
	}
}

/* Join PID's namespaces of the given types; returns the types joined. */
static int join(const char *pid, int types)
{
	int dir, fd[NNS], root = -1, cwd = -1, joined = 0, i, pass;
	struct stat mine, theirs;
	char path[64];

	/* Open everything first, through one descriptor of /proc/PID: once
	 * inside, /proc/PID may mean another process. Namespaces we already
	 * share are skipped (nsenter -a). */
	snprintf(path, sizeof(path), "/proc/%s", pid);
	dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0) {
		if (errno == ENOENT)
			errno = ESRCH;
		die("target %s", pid);
	}
	for (i = 0; i < NNS; i++) {
		fd[i] = -1;
		if (!(types & ns[i].type))
			continue;
		snprintf(path, sizeof(path), "ns/%s", ns[i].name);
		fd[i] = openat(dir, path, O_RDONLY | O_CLOEXEC);
		if (fd[i] < 0 || fstat(fd[i], &theirs) < 0)
			die("open /proc/%s/%s", pid, path);
		snprintf(path, sizeof(path), "/proc/self/ns/%s", ns[i].name);
		if (stat(path, &mine) < 0)
			die("stat %s", path);
		if (mine.st_ino == theirs.st_ino && mine.st_dev == theirs.st_dev) {
			close(fd[i]);
			fd[i] = -1;
		}
	}
	if (fd[MNT] >= 0) {
		root = openat(dir, "root", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		cwd = openat(dir, "cwd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (root < 0 || cwd < 0)
			die("open /proc/%s/%s", pid, root < 0 ? "root" : "cwd");
	}
	close(dir);
	/* Namespace membership: two passes, as nsenter(1). A privileged
	 * caller joins the others before the user namespace takes its host
	 * privileges away; an unprivileged one only after it grants some. */
	for (pass = 0; pass < 2; pass++) {
		for (i = 1; i < NNS; i++) {
			if (fd[i] < 0)
				continue;
			if (setns(fd[i], ns[i].type) == 0) {
				close(fd[i]);
				fd[i] = -1;
				joined |= ns[i].type;
			} else if (pass == 1) {
				die("setns /proc/%s/ns/%s", pid, ns[i].name);
			}
		}
		if (pass == 0 && fd[0] >= 0) {
			if (setns(fd[0], CLONE_NEWUSER) < 0)
				die("setns /proc/%s/ns/user", pid);
			close(fd[0]);
			joined |= CLONE_NEWUSER;
		}
	}
	/* Root and working directory: the target's, inside its mounts. */
	if (root >= 0) {
		if (fchdir(root) < 0 || chroot(".") < 0 || fchdir(cwd) < 0)
			die("chroot /proc/%s/root", pid);
		close(root);
		close(cwd);
	}
	/* Ids, last (they may cost the capabilities the calls above need):
	 * become root of the joined user namespace, as nsenter(1) does, or
	 * the host's ids, unmapped there, would keep no capability across
	 * exec. Supplementary groups go; setgroups may be denied there. */
	if (joined & CLONE_NEWUSER) {
		if (setgroups(0, NULL) < 0 && errno != EPERM)
			die("setgroups");
		if (setgid(0) < 0)
			die("setgid 0 in /proc/%s/ns/user", pid);
		if (setuid(0) < 0)
			die("setuid 0 in /proc/%s/ns/user", pid);
	}
	return joined;
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

int main(int argc, char **argv)
{
	/* Long options only: the letters nsenter(1) uses mean other things
	 * in the sibling helpers (pivot -p --proc, -m --mask, -t --tmp). */
	enum { PID = 256, MOUNT, UTS, IPC, NET, CGROUP, TIME, USER, TARGET,
	       NETNS, HOSTNAME, MAP_ROOT, MAP_UID, MAP_GID, INIT, KILL, PIDFILE };
	static const struct option longopts[] = {
		{ "pid", no_argument, NULL, PID },
		{ "mount", no_argument, NULL, MOUNT },
		{ "uts", no_argument, NULL, UTS },
		{ "ipc", no_argument, NULL, IPC },
		{ "net", no_argument, NULL, NET },
		{ "cgroup", no_argument, NULL, CGROUP },
		{ "time", no_argument, NULL, TIME },
		{ "user", no_argument, NULL, USER },
		{ "target", required_argument, NULL, TARGET },
		{ "netns", required_argument, NULL, NETNS },
		{ "hostname", required_argument, NULL, HOSTNAME },
		{ "map-root", no_argument, NULL, MAP_ROOT },
		{ "map-uid", required_argument, NULL, MAP_UID },
		{ "map-gid", required_argument, NULL, MAP_GID },
		{ "init", no_argument, NULL, INIT },
		{ "kill-with-parent", no_argument, NULL, KILL },
		{ "pidfile", required_argument, NULL, PIDFILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *target = NULL, *netns = NULL, *hostname = NULL;
	const char *pidfile = NULL;
	struct idmap uid = { .n = 0 }, gid = { .n = 0 };
	int c, types = 0, map_root = 0, init = 0, kill_parent = 0, fork_pid;
	int pfd = -1, sync[2] = { -1, -1 };
	sigset_t relayed, saved;
	unsigned long n;
	pid_t ppid, child;
	char byte;

	progname = "ns-enter";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case PID: types |= CLONE_NEWPID; break;
		case MOUNT: types |= CLONE_NEWNS; break;
		case UTS: types |= CLONE_NEWUTS; break;
		case IPC: types |= CLONE_NEWIPC; break;
		case NET: types |= CLONE_NEWNET; break;
		case CGROUP: types |= CLONE_NEWCGROUP; break;
		case TIME: types |= CLONE_NEWTIME; break;
		case USER: types |= CLONE_NEWUSER; break;
		case TARGET:
			if (parse_ulong(optarg, &n) < 0 || n == 0 || n > INT_MAX)
				diex("target %s: not a process id", optarg);
			target = optarg;
			break;
		case NETNS: netns = optarg; break;
		case HOSTNAME: hostname = optarg; break;
		case MAP_ROOT: map_root = 1; break;
		case MAP_UID: add_range(&uid, "map-uid", optarg); break;
		case MAP_GID: add_range(&gid, "map-gid", optarg); break;
		case INIT: init = 1; break;
		case KILL: kill_parent = 1; break;
		case PIDFILE: pidfile = optarg; break;
		case 'h': usage(SYNOPSIS, 0);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	if (hostname && (target || !(types & CLONE_NEWUTS)))
		diex("--hostname needs a new uts namespace (--uts)");
	if ((map_root || uid.n || gid.n) && (target || !(types & CLONE_NEWUSER)))
		diex("--map-root, --map-uid, --map-gid need a new user namespace (--user)");
	if (map_root && (uid.n || gid.n))
		diex("--map-root excludes --map-uid and --map-gid");
	if (netns && (target || (types & CLONE_NEWNET)))
		diex("--netns excludes --net and --target");
	if (target && !types)
		types = ~0;	/* all of them, as nsenter -a */

	/* 1. The pidfile, opened while its path is still the caller's. */
	if (pidfile) {
		pfd = open(pidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (pfd < 0)
			die("open %s", pidfile);
	}
	/* 2. Parent-death signal: the kernel kills us when our parent exits;
	 * a changed parent means it already has. */
	if (kill_parent) {
		ppid = getppid();
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("prctl PR_SET_PDEATHSIG");
		if (getppid() != ppid)
			raise(SIGKILL);
	}
	/* 3. Namespaces: join the target's, or join --netns first (while we
	 * hold the host's privileges over it), then the user namespace, so
	 * that it owns all the others, then the others. */
	if (target) {
		types = join(target, types);
	} else {
		if (netns) {
			c = open(netns, O_RDONLY | O_CLOEXEC);
			if (c < 0)
				die("open %s", netns);
			if (setns(c, CLONE_NEWNET) < 0)
				die("setns %s", netns);
			close(c);
		}
		if (types & CLONE_NEWUSER)
			new_user(map_root, &uid, &gid);
		new_others(types, hostname);
	}
	/* 4. Fork: only children enter a new pid or time namespace; a joined
	 * time namespace applies at once (see time_namespaces(7)). The parent
	 * and the init take the relayed signals with sigwaitinfo(2). */
	fork_pid = (types & CLONE_NEWPID) ||
		   (!target && (types & CLONE_NEWTIME));
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
		if (pfd >= 0 && pipe2(sync, O_CLOEXEC) < 0)
			die("pipe");
		child = fork_child(kill_parent);
		if (child > 0) {
			if (pfd >= 0) {
				if (dprintf(pfd, "%d\n", (int)child) < 0)
					die("write %s", pidfile);
				close(pfd);
				close(sync[1]);
				close(sync[0]);
			}
			exit(relay(child, &relayed, 0));
		}
		/* The child starts prog only once the pidfile is written:
		 * the parent closes its end of the pipe when it has. */
		if (pfd >= 0) {
			close(sync[1]);
			if (read(sync[0], &byte, 1) < 0)
				die("read");
			close(sync[0]);
		}
	} else if (pfd >= 0 && dprintf(pfd, "%d\n", (int)getpid()) < 0) {
		die("write %s", pidfile);
	}
	if (pfd >= 0)
		close(pfd);
	/* 5. --init: stay as the namespace's init (or, without a new pid
	 * namespace, as a subreaper) and let a child execute prog. */
	if (init) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
			die("prctl PR_SET_CHILD_SUBREAPER");
		child = fork_child(kill_parent);
		if (child > 0)
			exit(relay(child, &relayed, 1));
	}
	if ((fork_pid || init) && sigprocmask(SIG_SETMASK, &saved, NULL) < 0)
		die("sigprocmask");
	exec_or_die(argv);
}
