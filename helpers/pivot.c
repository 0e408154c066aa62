/* pivot - switch the root of the mount namespace, then execute a program
 *
 * usage: pivot [options] NEWROOT [--] prog [args...]
 *
 * Changes: makes every mount of the current mount namespace private, mounts
 * the requested pseudo-filesystems (--proc --dev --sys --tmp), binds, masks
 * and read-only paths inside NEWROOT, then pivot_root(2)s into it and
 * detaches the old root: the host's mounts are gone from the namespace.
 * Paths inside NEWROOT are resolved with openat2(RESOLVE_IN_ROOT), so a
 * symlink in the image can never send a mount outside it. Descriptors above
 * 2 are closed on exec unless kept with --keep-fd.
 * --nodev: no device node in NEWROOT opens but the given ones. Every mount
 * of it becomes nodev (an image's or a bound directory's nodes, a node
 * made there later), the new /dev and the binds too, but the devices bound
 * from the host with their own flags (--dev's, --device's) and devpts's
 * ptys. A process without CAP_SYS_ADMIN cannot mount it away.
 * prog is looked up in the new root; with --exec-from-host it is opened on
 * the host before the switch and executed through that descriptor
 * (execveat(2)).
 *
 * Does not: create a mount namespace (run it under ns-enter --mount, or the
 * host's mounts are changed), fork, or drop privileges.
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "lib.h"

#define SYNOPSIS "pivot [options] NEWROOT [--] prog [args...]"
#define OPTIONS \
	"  --proc            mount a new proc on NEWROOT/proc\n" \
	"  --dev             a minimal /dev: six devices, pts, shm, on a tmpfs\n" \
	"  --nodev           no device opens but --dev's and --device's\n" \
	"  --device SRC[:DST]  bind the host's device node SRC on DST (repeatable)\n" \
	"  --sys             mount a read-only sysfs on /sys\n" \
	"  --tmp             mount a tmpfs on /tmp\n" \
	"  --bind SRC:DST[:ro]  bind host SRC on DST in NEWROOT (repeatable)\n" \
	"  --mask PATH       hide PATH under /dev/null or an empty tmpfs (repeatable)\n" \
	"  --ro PATH         make PATH read-only (repeatable)\n" \
	"  --readonly        make the new root read-only\n" \
	"  --workdir DIR     the working directory after the switch\n" \
	"  --exec-from-host  open prog on the host, execute it after the switch\n" \
	"  --keep-fd N       leave descriptor N open for prog (repeatable)\n" \
	"  -h, --help        print this help\n"

/* Open PATH inside the root as an O_PATH descriptor: "..", absolute paths and
 * symlinks stop at the root, magic links are refused (see openat2(2)). With
 * mk 'd' or 'f' a missing PATH is created (a directory or an empty file, its
 * parents as directories); a dangling symlink is followed, inside the root. */
static int in_root(int root, const char *path, int mk, int depth)
{
	const unsigned long long how = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
	char dir[PATH_MAX], link[PATH_MAX], *name;
	int fd, rc;
	size_t n;

	fd = openat2_(root, path, O_PATH | O_CLOEXEC, how);
	if (fd >= 0 || errno != ENOENT || !mk)
		return fd;
	if (depth > 40)
		return errno = ELOOP, -1;
	n = (size_t)snprintf(dir, sizeof(dir), "/%s", path);
	if (n >= sizeof(dir))
		return errno = ENAMETOOLONG, -1;
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = '\0';
	name = strrchr(dir, '/');
	*name++ = '\0';
	fd = in_root(root, dir[0] ? dir : "/", 'd', depth + 1);
	if (fd < 0)
		return -1;
	if (mk == 'd')
		rc = mkdirat(fd, name, 0755);
	else if ((rc = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL |
			      O_NOFOLLOW | O_CLOEXEC, 0644)) >= 0)
		rc = close(rc);
	if (rc < 0 && errno == EEXIST) {
		/* A dangling symlink: create what it names, in the root. */
		rc = (int)readlinkat(fd, name, link, sizeof(link) - 1);
		close(fd);
		if (rc < 0)
			return -1;
		link[rc] = '\0';
		if (link[0] == '/')
			return in_root(root, link, mk, depth + 1);
		if (strlen(dir) + strlen(link) + 2 > sizeof(dir))
			return errno = ENAMETOOLONG, -1;
		return in_root(root, strcat(strcat(dir, "/"), link), mk,
			       depth + 1);
	}
	close(fd);
	if (rc < 0)
		return -1;
	return openat2_(root, path, O_PATH | O_CLOEXEC, how);
}

/* A new filesystem on PATH inside the root (created if missing). mount(2)
 * takes a path: /proc/self/fd/N names the safely opened directory. */
static int mount_fs(int root, const char *path, const char *fs,
		    unsigned long flags, const char *data)
{
	char p[32];
	int fd, rc;

	fd = in_root(root, path, 'd', 0);
	if (fd < 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	rc = mount(fs, p, fs, flags, data);
	close(fd);
	return rc;
}

/* A copy of the mount tree at src attached on dst (descriptors), with the
 * new mount API: mount_setattr(2) sets attr (read-only...) before the copy
 * is attached, so it is never writable, not even briefly, and it keeps its
 * other flags (nosuid, nodev). */
static int bind_fd(int src, int dst, unsigned int attr)
{
	struct mount_attr ma = { .attr_set = attr };
	int tree;

	tree = (int)syscall(SYS_open_tree, src, "", OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | AT_RECURSIVE);
	if (tree < 0 || (attr && syscall(SYS_mount_setattr, tree, "",
					 AT_EMPTY_PATH | AT_RECURSIVE, &ma,
					 sizeof(ma)) < 0) ||
	    syscall(SYS_move_mount, tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return -1;
	return close(tree);
}

/* Host SRC on DST inside the root, created like SRC if missing; what
 * says which option asked ("bind", "device": a device node only). */
static void bind(int root, const char *src, const char *dst,
		 unsigned int attr, const char *what)
{
	struct stat st;
	int s, d;

	s = open(src, O_PATH | O_CLOEXEC);
	if (s < 0 || fstat(s, &st) < 0)
		die("%s %s", what, src);
	if (!strcmp(what, "device") && !S_ISCHR(st.st_mode) &&
	    !S_ISBLK(st.st_mode))
		diex("device %s: not a device", src);
	d = in_root(root, dst, S_ISDIR(st.st_mode) ? 'd' : 'f', 0);
	if (d < 0 || bind_fd(s, d, attr) < 0)
		die("%s %s on %s", what, src, dst);
	close(d);
	close(s);
}

/* --bind SRC:DST[:ro]; attr: nodev or 0 */
static void bind_spec(int root, char *spec, unsigned int attr)
{
	char *dst = strchr(spec, ':'), *ro;

	if (!dst || dst == spec || !dst[1])
		diex("bind %s: expected SRC:DST[:ro]", spec);
	*dst++ = '\0';
	ro = strrchr(dst, ':');
	if (ro && strcmp(ro, ":ro") == 0)
		*ro = '\0';
	bind(root, spec, dst, attr | (ro && !*ro ? MOUNT_ATTR_RDONLY : 0),
	     "bind");
}

/* --device SRC[:DST]: the host's device node, with its mount's flags (not
 * nodev: /dev's is not), on DST (default SRC) */
static void device(int root, char *spec)
{
	char *dst = strchr(spec, ':');

	if (dst)
		*dst++ = '\0';
	if (!spec[0] || (dst && !dst[0]))
		diex("device %s: expected SRC[:DST]", spec);
	bind(root, spec, dst ? dst : spec, MOUNT_ATTR_NOSUID |
	     MOUNT_ATTR_NOEXEC, "device");
}

/* Hide PATH: /dev/null over a file, an empty read-only tmpfs over a
 * directory. A missing PATH is skipped, as Docker does. */
static void mask(int root, const char *path)
{
	struct stat st;
	int fd;

	fd = in_root(root, path, 0, 0);
	if (fd < 0 && errno == ENOENT)
		return;
	if (fd < 0 || fstat(fd, &st) < 0)
		die("mask %s", path);
	close(fd);
	if (!S_ISDIR(st.st_mode))
		bind(root, "/dev/null", path, MOUNT_ATTR_NOSUID |
		     MOUNT_ATTR_NOEXEC, "bind");
	else if (mount_fs(root, path, "tmpfs", MS_RDONLY | MS_NOSUID |
			  MS_NODEV | MS_NOEXEC, "mode=0755,size=4k") < 0)
		die("mask %s", path);
}

/* A minimal /dev: a small tmpfs (nodev with --nodev) with the host's
 * harmless devices bound on empty files (a bound node keeps its own
 * mount's flags, so it opens on a nodev /dev; and it needs no mknod, which
 * a user namespace refuses), a private devpts instance, a tmpfs for POSIX
 * shared memory, the usual symlinks, and the caller's terminal as console.
 */
static void make_dev(int root, unsigned long nodev)
{
	static const char *const node[] = { "null", "zero", "full", "random",
		"urandom", "tty" };
	static const char *const link[][2] = { { "ptmx", "pts/ptmx" },
		{ "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
		{ "stdout", "/proc/self/fd/1" },
		{ "stderr", "/proc/self/fd/2" } };
	char p[16], *tty, pts[] = "newinstance,ptmxmode=0666,mode=0620,gid=5";
	struct stat st;
	int dev, rc;

	/* The tmpfs, then the host's devices bound in it. */
	if (mount_fs(root, "/dev", "tmpfs", MS_NOSUID | nodev,
		     "mode=755,size=64k") < 0)
		die("mount tmpfs on /dev");
	for (size_t i = 0; i < sizeof(node) / sizeof(node[0]); i++) {
		snprintf(p, sizeof(p), "/dev/%s", node[i]);
		if (stat(p, &st) < 0 || !S_ISCHR(st.st_mode))
			die("%s: not a character device", p);
		bind(root, p, p, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, "bind");
	}
	/* A private devpts instance. gid 5 is the tty group; a user namespace
	 * may not map it (EINVAL), then the mount goes without it. */
	rc = mount_fs(root, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, pts);
	if (rc < 0 && errno == EINVAL) {
		pts[strlen(pts) - strlen(",gid=5")] = '\0';
		rc = mount_fs(root, "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
			      pts);
	}
	if (rc < 0)
		die("mount devpts on /dev/pts");
	/* POSIX shared memory, then the symlinks. */
	if (mount_fs(root, "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV,
		     "mode=1777") < 0)
		die("mount tmpfs on /dev/shm");
	dev = in_root(root, "/dev", 0, 0);
	if (dev < 0)
		die("open /dev");
	for (size_t i = 0; i < sizeof(link) / sizeof(link[0]); i++)
		if (symlinkat(link[i][1], dev, link[i][0]) < 0)
			die("symlink /dev/%s", link[i][0]);
	close(dev);
	/* By name: descriptor 0 may come from another mount namespace. */
	if (isatty(0) && (tty = ttyname(0)))
		bind(root, tty, "/dev/console", MOUNT_ATTR_NOSUID |
		     MOUNT_ATTR_NOEXEC, "bind");
}

/* -x: look prog up on the host's PATH now, as execvp(3) would. */
static int open_host(const char *prog)
{
	const char *path = getenv("PATH"), *p, *e;
	char buf[PATH_MAX];
	struct stat st;

	if (strchr(prog, '/'))
		return open(prog, O_PATH | O_CLOEXEC);
	for (p = path ? path : "/bin:/usr/bin"; ; p = e + 1) {
		e = strchrnul(p, ':');
		if (snprintf(buf, sizeof(buf), "%.*s%s%s", (int)(e - p), p,
			     e > p ? "/" : "", prog) < (int)sizeof(buf) &&
		    stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    access(buf, X_OK) == 0)
			return open(buf, O_PATH | O_CLOEXEC);
		if (!*e)
			return errno = ENOENT, -1;
	}
}

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS). */
	enum { PROC = 256, DEV, NODEV, DEVICE, SYS, TMP, BIND, MASK, RO,
	       READONLY, WORKDIR, EXEC_FROM_HOST, KEEP_FD };
	static const struct option longopts[] = {
		{ "proc", no_argument, NULL, PROC },
		{ "dev", no_argument, NULL, DEV },
		{ "nodev", no_argument, NULL, NODEV },
		{ "device", required_argument, NULL, DEVICE },
		{ "sys", no_argument, NULL, SYS },
		{ "tmp", no_argument, NULL, TMP },
		{ "bind", required_argument, NULL, BIND },
		{ "mask", required_argument, NULL, MASK },
		{ "ro", required_argument, NULL, RO },
		{ "readonly", no_argument, NULL, READONLY },
		{ "workdir", required_argument, NULL, WORKDIR },
		{ "exec-from-host", no_argument, NULL, EXEC_FROM_HOST },
		{ "keep-fd", required_argument, NULL, KEEP_FD },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct mount_attr nodev_attr = { .attr_set = MOUNT_ATTR_NODEV };
	const char *workdir = "/";
	char **binds, **masks, **ros, **devs, *newroot;
	int nb = 0, nm = 0, nr = 0, ndevs = 0, c, err, fd, root, prog = -1;
	int proc = 0, dev = 0, nodev = 0, sys = 0, tmp = 0, rdonly = 0;
	int host = 0;
	struct statx stx;
	unsigned long n;

	progname = "pivot";
	binds = calloc(4 * (size_t)argc, sizeof(*binds));
	if (!binds)
		die("calloc");
	masks = binds + argc;
	ros = masks + argc;
	devs = ros + argc;
	/* No host descriptor crosses into the container unless kept: an open
	 * directory is a way back out. Ours are all O_CLOEXEC anyway. */
	if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
		die("close_range");
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case PROC: proc = 1; break;
		case DEV: dev = 1; break;
		case NODEV: nodev = 1; break;
		case DEVICE: devs[ndevs++] = optarg; break;
		case SYS: sys = 1; break;
		case TMP: tmp = 1; break;
		case BIND: binds[nb++] = optarg; break;
		case MASK: masks[nm++] = optarg; break;
		case RO: ros[nr++] = optarg; break;
		case READONLY: rdonly = 1; break;
		case WORKDIR: workdir = optarg; break;
		case EXEC_FROM_HOST: host = 1; break;
		case KEEP_FD:
			if (parse_ulong(optarg, &n) < 0 || n > INT_MAX)
				diex("keep-fd %s: not a descriptor", optarg);
			if (fcntl((int)n, F_SETFD, 0) < 0)
				die("keep-fd %lu", n);
			break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (optind >= argc)
		usage(SYNOPSIS, EXIT_SELF);
	newroot = argv[optind++];
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	/* by number: musl 1.2.3 has no statx() */
	if (syscall(SYS_statx, AT_FDCWD, newroot, 0, STATX_TYPE, &stx) < 0)
		die("NEWROOT %s", newroot);
	if (!S_ISDIR(stx.stx_mode))
		errno = ENOTDIR, die("NEWROOT %s", newroot);
	if (host && (prog = open_host(argv[0])) < 0) {
		err = errno;
		warn_("exec %s", argv[0]);
		exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}

	/* Propagation: pivot_root(2) refuses shared mounts, and nothing done
	 * below may propagate to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");

	/* pivot_root(2) needs a mount point: bind NEWROOT on itself. */
	if (!(stx.stx_attributes_mask & stx.stx_attributes &
	      STATX_ATTR_MOUNT_ROOT) &&
	    mount(newroot, newroot, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind %s", newroot);
	root = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die("open %s", newroot);

	/* --nodev: the new root and every mount below it, before anything is
	 * mounted there; the mounts made below carry their own flags. */
	if (nodev && syscall(SYS_mount_setattr, root, "", AT_EMPTY_PATH |
			     AT_RECURSIVE, &nodev_attr, sizeof(nodev_attr)) < 0)
		die("nodev %s", newroot);

	/* Pseudo-filesystems first: binds, masks and read-only paths may name
	 * paths inside them (/proc/kcore, /proc/sys, /dev/shm, /tmp/x). */
	if (proc && mount_fs(root, "/proc", "proc", MS_NOSUID | MS_NODEV |
			     MS_NOEXEC, NULL) < 0)
		die("mount proc on /proc");
	if (dev)
		make_dev(root, nodev ? MS_NODEV : 0);
	if (sys && mount_fs(root, "/sys", "sysfs", MS_RDONLY | MS_NOSUID |
			    MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount sysfs on /sys");
	if (tmp && mount_fs(root, "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
			    "mode=1777") < 0)
		die("mount tmpfs on /tmp");

	/* Binds after them, or a new /tmp or /dev would hide a bind into it;
	 * the devices after the binds (one may go into a bound directory). */
	for (int i = 0; i < nb; i++)
		bind_spec(root, binds[i], nodev ? MOUNT_ATTR_NODEV : 0);
	for (int i = 0; i < ndevs; i++)
		device(root, devs[i]);

	/* Masks after the mounts whose files they hide. */
	for (int i = 0; i < nm; i++)
		mask(root, masks[i]);

	/* Read-only paths after the masks, whole subtrees: PATH bound on
	 * itself read-only (--ro /proc/sys needs --proc first). */
	for (int i = 0; i < nr; i++) {
		fd = in_root(root, ros[i], 0, 0);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0 || bind_fd(fd, fd, MOUNT_ATTR_RDONLY) < 0)
			die("ro %s", ros[i]);
		close(fd);
	}

	/* The root itself last (mount points were created in it), its top
	 * mount only: submounts keep their own flags. */
	if (chdir(newroot) < 0)
		die("chdir %s", newroot);
	if (rdonly &&
	    syscall(SYS_mount_setattr, AT_FDCWD, ".", 0, &ro, sizeof(ro)) < 0)
		die("readonly %s", newroot);

	/* The switch: the old root is stacked on ".", then detached (see
	 * pivot_root(2), NOTES); the host's mounts leave the namespace. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root %s", newroot);
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	if (chdir("/") < 0 || chdir(workdir) < 0)
		die("chdir %s", workdir);
	if (host)
		execfd_or_die(prog, argv);
	exec_or_die(argv);
}
