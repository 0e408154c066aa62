/* ns-enter - create namespaces or join a process's, then execute a program
 *
 * usage: ns-enter [--pid[=FILE]] [--mount[=FILE]] [--uts[=FILE]]
 *        [--ipc[=FILE]] [--net[=FILE]] [--cgroup[=FILE]] [--time[=FILE]]
 *        [--user[=FILE]] [--target PID [--keep-fd N]...] [--netns FILE]
 *        [--keep TYPE:FILE]... [--mount-proc] [--propagation MODE]
 *        [--hostname NAME] [--domainname NAME]
 *        [--map-root | [--map-uid IN:OUT:N]... [--map-gid IN:OUT:N]...]
 *        [--init] [--kill-with-parent] [--detach] [--pidfile FILE]
 *        [--] prog [args...]
 *
 * Changes: the type flags alone create those namespaces (unshare(2)): user
 * first, so that it owns the others, then mount (made recursively private:
 * nothing propagates back to the host; --propagation slave keeps the
 * host's mounts coming, unchanged leaves it as unshare(1) does), uts
 * (named by --hostname and
 * --domainname), ipc, net
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
 * exits with its status, or 128+N if signal N killed it. With --detach the
 * parent does not wait: once the child is started (its pid in --pidfile)
 * it exits 0, and the child, pid 1 of the new namespace, is re-parented
 * to the caller's subreaper (conmon, containerd-shim), as runc's init is;
 * nothing relays signals to it then. With --init that
 * child forks once more and stays as a tiny init (as tini): it relays the
 * same signals to prog, reaps every orphan, and exits when prog exits.
 * --map-uid and --map-gid ranges are written, and --keep binds made, by
 * short-lived children that stay outside the new user and mount namespaces
 * (the kernel requires it), the maps through newuidmap(1) and newgidmap(1)
 * when the caller is not root.
 *
 * Each mode that stands alone is a file of its own (what they share:
 * ns-enter.h): joining, --target and --TYPE=FILE (ns-enter-join.c); the
 * new user namespace and its maps, --map-* (ns-enter-map.c); --keep
 * (ns-enter-keep.c); the parent that waits and --init's init, relaying
 * signals (ns-enter-relay.c).
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
#include <limits.h>
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
#include <linux/close_range.h>

#include "lib.h"
#include "ns-enter.h"

#define SYNOPSIS "ns-enter [--pid[=FILE]] [--mount[=FILE]] [--uts[=FILE]]" \
	" [--ipc[=FILE]] [--net[=FILE]] [--cgroup[=FILE]] [--time[=FILE]]" \
	" [--user[=FILE]] [--target PID [--keep-fd N]...] [--netns FILE]" \
	" [--keep TYPE:FILE]... [--mount-proc] [--propagation MODE]" \
	" [--hostname NAME] [--domainname NAME]" \
	" [--map-root | [--map-uid IN:OUT:N]... [--map-gid IN:OUT:N]...]" \
	" [--init] [--kill-with-parent] [--detach] [--pidfile FILE]" \
	" [--] prog [args...]"
#define OPTIONS \
	"  --pid             new pid namespace (forks: the child is its pid 1)\n" \
	"  --mount           new mount namespace, made recursively private\n" \
	"  --propagation MODE  of the new mount namespace: private (default),\n" \
	"                    slave, shared or unchanged (as unshare(1))\n" \
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
	"  --domainname NAME  NIS domain name of the new uts namespace\n" \
	"  --map-root        map the caller to root in the new user namespace\n" \
	"  --map-uid IN:OUT:N  map N uids from IN inside to OUT (repeatable)\n" \
	"  --map-gid IN:OUT:N  map N gids from IN inside to OUT (repeatable)\n" \
	"  --init            stay as a tiny init that reaps orphans\n" \
	"  --kill-with-parent  die (SIGKILL) when the caller exits\n" \
	"  --detach          with --pid: exit 0 once pid 1 runs, not waiting\n" \
	"  --pidfile FILE    write the pid of prog (or of pid 1) to FILE\n" \
	"  -h, --help        print this help\n"

/* Some steps the kernel allows only from outside the namespaces about to be
 * made: writing a new user namespace's id maps, mounting on the caller's
 * files. Fork a child for them before unsharing; it waits until told to go
 * (a byte on *go), or exits quietly at end of file (we failed first).
 * Returns its pid to the parent, 0 to the child. */
pid_t fork_outsider(int *go)
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
void let_go(pid_t pid, int go)
{
	if (write(go, "1", 1) != 1)
		die("write to child %d", (int)pid);
	close(go);
	if (wait_status(pid))
		exit(EXIT_SELF);
}

/* New namespaces other than user, one call each so an error names it. */
static void new_others(int types, unsigned long prop, const char *hostname,
		       const char *domainname)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int s;

	for (int i = 1; i < NNS; i++)
		if ((types & ns[i].type) && unshare(ns[i].type) < 0)
			die("unshare %s", ns[i].name);
	/* Mount propagation: our mounts must not reach the host's tree
	 * (private, slave), unless asked (shared, unchanged). */
	if ((types & CLONE_NEWNS) && prop &&
	    mount(NULL, "/", NULL, MS_REC | prop, NULL) < 0)
		die("propagation of /");
	/* The host name, private to the new uts namespace. */
	if (hostname && sethostname(hostname, strlen(hostname)) < 0)
		die("sethostname %s", hostname);
	if (domainname && setdomainname(domainname, strlen(domainname)) < 0)
		die("setdomainname %s", domainname);
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

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS):
	 * nsenter(1)'s letters are not ours. The type options first, in the
	 * order of ns[]. */
	enum { USER = 256, CGROUP, IPC, UTS, NET, PID, MOUNT, TIME, TARGET,
	       NETNS, KEEP, MOUNT_PROC, HOSTNAME, MAP_ROOT, MAP_UID, MAP_GID,
	       INIT, KILL, PIDFILE, KEEP_FD, DOMAINNAME, DETACH, PROPAGATION };
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
		{ "domainname", required_argument, NULL, DOMAINNAME },
		{ "detach", no_argument, NULL, DETACH },
		{ "propagation", required_argument, NULL, PROPAGATION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *target = NULL, *hostname = NULL, *pidfile = NULL;
	const char *domainname = NULL;
	const char *file[NNS] = { NULL }, *spelled[NNS] = { NULL };
	char *keep[NNS] = { NULL };
	struct idmap uid = { .n = 0 }, gid = { .n = 0 };
	int c, i, types = 0, joined = 0, map_root = 0, init = 0, mount_proc = 0;
	int kill_parent = 0, fork_pid, keeps = 0, go = -1, pfd = -1;
	int detach = 0, prop_given = 0;
	unsigned long prop = MS_PRIVATE;
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
		case DOMAINNAME: domainname = optarg; break;
		case DETACH: detach = 1; break;
		case PROPAGATION:
			prop_given = 1;
			if (!strcmp(optarg, "private"))
				prop = MS_PRIVATE;
			else if (!strcmp(optarg, "slave"))
				prop = MS_SLAVE;
			else if (!strcmp(optarg, "shared"))
				prop = MS_SHARED;
			else if (!strcmp(optarg, "unchanged"))
				prop = 0;
			else
				diex("propagation %s: not private, slave, shared"
				     " or unchanged", optarg);
			break;
		case KEEP_FD:
			kept[nkept++] = parse_fd("keep-fd", optarg);
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
	if (prop_given && (target || !(types & CLONE_NEWNS)))
		diex("--propagation needs a new mount namespace (--mount)");
	if (mount_proc && prop != MS_PRIVATE && prop != MS_SLAVE)
		diex("--mount-proc needs --propagation private or slave (its"
		     " /proc would reach the host's)");
	if (hostname && (target || !(types & CLONE_NEWUTS)))
		diex("--hostname needs a new uts namespace (--uts)");
	if (domainname && (target || !(types & CLONE_NEWUTS)))
		diex("--domainname needs a new uts namespace (--uts)");
	if (detach && !(types & (CLONE_NEWPID | CLONE_NEWTIME)) &&
	    !file[PIDNS] && !target)
		diex("--detach needs --pid (a pid 1 to leave running)");
	if (detach && kill_parent)
		diex("--detach excludes --kill-with-parent");
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
		new_others(types, prop, hostname, domainname);
	}
	/* 4. Fork: only children enter a new pid or time namespace; a joined
	 * time namespace applies at once (see time_namespaces(7)). The parent
	 * and the init take the relayed signals with sigwaitinfo(2). */
	fork_pid = ((types | joined) & CLONE_NEWPID) || (types & CLONE_NEWTIME);
	if (detach && !fork_pid)
		diex("--detach needs --pid (a pid 1 to leave running)");
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
			/* --detach: pid 1 runs; leave it to our parent's
			 * subreaper (or init), as runc leaves its init. */
			if (detach)
				exit(0);
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
