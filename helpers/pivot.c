/* pivot - switch the root of the mount namespace, then execute a program
 *
 * usage: pivot [options] NEWROOT [--] prog [args...]
 *
 * Changes: makes every mount of the current mount namespace private (or
 * as --root-propagation says), mounts the requested pseudo-filesystems
 * (--proc --dev --sys --tmp), binds, masks and read-only paths inside
 * NEWROOT, then pivot_root(2)s into it and
 * detaches the old root: the host's mounts are gone from the namespace.
 * Paths inside NEWROOT are resolved with openat2(RESOLVE_IN_ROOT), so a
 * symlink in the image can never send a mount outside it. Descriptors above
 * 2 are closed on exec unless kept with --keep-fd.
 * --nodev: no device node in NEWROOT opens but the given ones. Every mount
 * of it becomes nodev (an image's or a bound directory's nodes, a node
 * made there later), the new /dev and the binds too, but the devices bound
 * from the host with their own flags (--dev's, --device's) and devpts's
 * ptys. A process without CAP_SYS_ADMIN cannot mount it away.
 * --mount TYPE:SOURCE:DEST[:OPTIONS] (an OCI config's mounts, in the order
 * given, after the pseudo-filesystems: any filesystem type, bind and rbind,
 * the flags, the propagation, the filesystem's own data) refuses a DEST
 * whose ".." (its own, or a relative symlink's) climbs above NEWROOT.
 * --mknod makes device nodes (binds the host's where mknod(2) is not
 * permitted), --sysctl writes the namespaced sysctls to the new /proc/sys
 * (only in namespaces that are not the caller's ancestors'), and
 * --root-propagation MODE sets the namespace's and the new root's
 * propagation as runc does (rslave: the host's later mounts arrive),
 * instead of making every mount private.
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
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <linux/stat.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
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
	"  --mount TYPE:SOURCE:DEST[:OPTIONS]  mount in NEWROOT, in order given" \
	" (repeatable)\n" \
	"  --mknod PATH:TYPE:MAJOR:MINOR[:MODE[:UID:GID]]  make a device node" \
	" (repeatable)\n" \
	"  --sysctl KEY=VALUE  set a namespaced sysctl in the new /proc/sys" \
	" (repeatable)\n" \
	"  --root-propagation MODE  the new root's propagation (rslave," \
	" shared...)\n" \
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
static int mount_fs_src(int root, const char *path, const char *src,
			const char *fs, unsigned long flags, const char *data)
{
	char p[32];
	int fd, rc;

	fd = in_root(root, path, 'd', 0);
	if (fd < 0)
		return -1;
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	rc = mount(src, p, fs, flags, data);
	close(fd);
	return rc;
}

static int mount_fs(int root, const char *path, const char *fs,
		    unsigned long flags, const char *data)
{
	return mount_fs_src(root, path, fs, fs, flags, data);
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

/* --mount TYPE:SOURCE:DEST[:OPTIONS], parsed: a backslash takes the next
 * character as it is (\: in a path, \, in an option, \\). */
struct mnt {
	char *type, *src, *dst;
	unsigned long flags;	/* MS_* of mount(2), for a new filesystem */
	unsigned long prop;	/* MS_PRIVATE... (| MS_REC), or 0 */
	unsigned int set, clr;	/* MOUNT_ATTR_* of mount_setattr(2), a bind */
	int bind;		/* 1 bind, 2 rbind (recursive) */
	char *data;		/* what mount(2) passes to the filesystem */
};

/* The flags of --mount's OPTIONS; clear: the option undoes the flag. */
static const struct {
	const char *name;
	unsigned long ms;
	unsigned int attr;
	int clear;
} mount_flag[] = {
	{ "ro", MS_RDONLY, MOUNT_ATTR_RDONLY, 0 },
	{ "rw", MS_RDONLY, MOUNT_ATTR_RDONLY, 1 },
	{ "nosuid", MS_NOSUID, MOUNT_ATTR_NOSUID, 0 },
	{ "suid", MS_NOSUID, MOUNT_ATTR_NOSUID, 1 },
	{ "nodev", MS_NODEV, MOUNT_ATTR_NODEV, 0 },
	{ "dev", MS_NODEV, MOUNT_ATTR_NODEV, 1 },
	{ "noexec", MS_NOEXEC, MOUNT_ATTR_NOEXEC, 0 },
	{ "exec", MS_NOEXEC, MOUNT_ATTR_NOEXEC, 1 },
	{ "noatime", MS_NOATIME, MOUNT_ATTR_NOATIME, 0 },
	{ "atime", MS_NOATIME, 0, 1 },
	{ "relatime", MS_RELATIME, MOUNT_ATTR_RELATIME, 0 },
	{ "norelatime", MS_RELATIME, 0, 1 },
	{ "strictatime", MS_STRICTATIME, MOUNT_ATTR_STRICTATIME, 0 },
	{ "nostrictatime", MS_STRICTATIME, 0, 1 },
	{ "nodiratime", MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, 0 },
	{ "diratime", MS_NODIRATIME, MOUNT_ATTR_NODIRATIME, 1 },
	{ "sync", MS_SYNCHRONOUS, 0, 0 },
	{ "async", MS_SYNCHRONOUS, 0, 1 },
	{ "dirsync", MS_DIRSYNC, 0, 0 },
};

/* Propagation, applied once the mount is there. */
static const struct {
	const char *name;
	unsigned long ms;
} mount_prop[] = {
	{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE | MS_REC },
	{ "slave", MS_SLAVE }, { "rslave", MS_SLAVE | MS_REC },
	{ "shared", MS_SHARED }, { "rshared", MS_SHARED | MS_REC },
	{ "unbindable", MS_UNBINDABLE },
	{ "runbindable", MS_UNBINDABLE | MS_REC },
};

/* The next field of *s up to an unescaped sep, unescaped in place; *s
 * moves past sep, or becomes NULL at the end. */
static char *field(char **s, char sep)
{
	char *r = *s, *w = *s, *p = *s;

	if (!p)
		return NULL;
	for (; *p && *p != sep; p++) {
		if (*p == '\\' && p[1])
			p++;
		*w++ = *p;
	}
	*s = *p ? p + 1 : NULL;
	*w = '\0';
	return r;
}

/* The propagation mode named s (0 if none). */
static unsigned long propagation(const char *s)
{
	for (size_t i = 0; i < sizeof(mount_prop) / sizeof(mount_prop[0]); i++)
		if (!strcmp(s, mount_prop[i].name))
			return mount_prop[i].ms;
	return 0;
}

/* Parse --mount's argument (spec, changed in place; what is a copy for
 * messages). A refusal is fatal. */
static void parse_mount(char *spec, const char *what, struct mnt *m)
{
	char *opts, *o, *d;
	size_t i, n;

	memset(m, 0, sizeof(*m));
	m->type = field(&spec, ':');
	m->src = field(&spec, ':');
	m->dst = field(&spec, ':');
	opts = spec;
	if (!m->type || !m->type[0] || !m->src || !m->dst || !m->dst[0])
		diex("mount %s: expected TYPE:SOURCE:DEST[:OPTIONS]", what);
	n = opts ? strlen(opts) : 0;
	m->data = d = calloc(1, n + 1);
	if (!d)
		die("calloc");
	if (!strcmp(m->type, "bind"))
		m->bind = 1;
	while ((o = field(&opts, ',')) != NULL) {
		if (!o[0])
			continue;
		if (!strcmp(o, "bind") || !strcmp(o, "rbind")) {
			m->bind = o[0] == 'r' ? 2 : m->bind ? m->bind : 1;
			continue;
		}
		if (propagation(o)) {
			m->prop = propagation(o);
			continue;
		}
		if (!strcmp(o, "tmpcopyup"))
			diex("mount %s: option tmpcopyup: not supported", what);
		for (i = 0; i < sizeof(mount_flag) / sizeof(mount_flag[0]); i++)
			if (!strcmp(o, mount_flag[i].name))
				break;
		if (i == sizeof(mount_flag) / sizeof(mount_flag[0])) {
			/* the filesystem's own: mode=, size=, newinstance */
			if (d > m->data)
				*d++ = ',';
			d = stpcpy(d, o);
			continue;
		}
		if (mount_flag[i].clear) {
			m->flags &= ~mount_flag[i].ms;
			m->set &= ~mount_flag[i].attr;
			m->clr |= mount_flag[i].attr;
			continue;
		}
		m->flags |= mount_flag[i].ms;
		if (mount_flag[i].ms & (MS_NOATIME | MS_RELATIME |
					MS_STRICTATIME)) {
			/* one access-time mode (see mount_setattr(2)) */
			m->set &= ~MOUNT_ATTR__ATIME;
			m->clr |= MOUNT_ATTR__ATIME;
		}
		m->set |= mount_flag[i].attr;
		m->clr &= ~mount_flag[i].attr;
	}
	if (m->bind && !m->src[0])
		diex("mount %s: a bind needs a SOURCE", what);
	if (m->bind && m->data[0])
		diex("mount %s: a bind takes no filesystem options (%s)", what,
		     m->data);
}

/* DEST of a --mount, walked one component at a time as the kernel will
 * resolve it inside the root (an absolute symlink starts again at the
 * root): a ".." above the root, in DEST or in a relative symlink, would
 * take the mount out of it with a naive resolver, and is refused. */
static void check_dest(int root, const char *type, const char *dst)
{
	char todo[PATH_MAX * 2], cur[PATH_MAX], link[PATH_MAX];
	char rest[PATH_MAX * 2], via[PATH_MAX * 2 + 8] = "";
	char *c, *p;
	size_t len = 0;
	int links = 0;
	ssize_t n;

	if (snprintf(todo, sizeof(todo), "%s", dst) >= (int)sizeof(todo))
		diex("mount %s on %s: path too long", type, dst);
	cur[0] = '\0';
	p = todo;
	while (*p) {
		while (*p == '/')
			p++;
		if (!*p)
			break;
		c = p;
		p += strcspn(p, "/");
		if (*p)
			*p++ = '\0';
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (!len)
				diex("mount %s on %s: leads out of the root%s",
				     type, dst, via);
			while (len && cur[len] != '/')
				len--;
			cur[len] = '\0';
			continue;
		}
		if (len + strlen(c) + 2 > sizeof(cur))
			diex("mount %s on %s: path too long", type, dst);
		cur[len] = '/';
		strcpy(cur + len + 1, c);
		n = readlinkat(root, cur + 1, link, sizeof(link) - 1);
		if (n < 0) {
			len = strlen(cur);
			continue;
		}
		if (++links > 40)
			diex("mount %s on %s: too many symlinks", type, dst);
		link[n] = '\0';
		snprintf(via, sizeof(via), " (through %s -> %s)", cur, link);
		/* the link's target, then what was left of the path */
		if (snprintf(rest, sizeof(rest), "%s/%s", link, p) >=
		    (int)sizeof(rest))
			diex("mount %s on %s: path too long", type, dst);
		strcpy(todo, rest);
		p = todo;
		if (link[0] == '/')
			len = 0;
		cur[len] = '\0';
	}
}

/* Propagation of the mount on dst (inside the root), once it is there. */
static void propagate(int root, const struct mnt *m)
{
	char p[32];
	int fd;

	fd = in_root(root, m->dst, 0, 0);
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (fd < 0 || mount(NULL, p, NULL, m->prop, NULL) < 0)
		die("mount %s on %s: propagation", m->type, m->dst);
	close(fd);
}

/* A bind (rbind: with the mounts below it) of the host's SOURCE, its
 * flags set on the copy before it is attached (see bind_fd). */
static void bind_mount(int root, const struct mnt *m)
{
	struct mount_attr ma = { .attr_set = m->set, .attr_clr = m->clr };
	unsigned int rec = m->bind == 2 ? AT_RECURSIVE : 0;
	char sp[32], dp[32];
	struct stat st;
	int s, d, tree;

	s = open(m->src, O_PATH | O_CLOEXEC);
	if (s < 0 || fstat(s, &st) < 0)
		die("mount bind %s", m->src);
	d = in_root(root, m->dst, S_ISDIR(st.st_mode) ? 'd' : 'f', 0);
	if (d < 0)
		die("mount bind %s on %s", m->src, m->dst);
	/* shared, rshared: mount(2)'s bind, a peer of a shared SOURCE (a
	 * detached copy is its slave), its flags set once it is there
	 * (nothing runs in the root yet, and DEST's mount propagates
	 * nowhere: see holder_private) */
	if (m->prop & MS_SHARED) {
		snprintf(sp, sizeof(sp), "/proc/self/fd/%d", s);
		snprintf(dp, sizeof(dp), "/proc/self/fd/%d", d);
		if (mount(sp, dp, NULL, MS_BIND | (rec ? MS_REC : 0), NULL) < 0)
			die("mount bind %s on %s", m->src, m->dst);
		close(d);
		d = in_root(root, m->dst, 0, 0);
		if (d < 0 || ((ma.attr_set || ma.attr_clr) &&
			      syscall(SYS_mount_setattr, d, "", AT_EMPTY_PATH |
				      rec, &ma, sizeof(ma)) < 0))
			die("mount bind %s on %s", m->src, m->dst);
		close(d);
		close(s);
		return;
	}
	/* A copy of the tree (one mount, or all with rbind), detached;
	 * its flags; then attached on DEST. */
	tree = (int)syscall(SYS_open_tree, s, "", OPEN_TREE_CLONE |
			    OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);
	if (tree < 0 || ((ma.attr_set || ma.attr_clr) &&
			 syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH |
				 rec, &ma, sizeof(ma)) < 0) ||
	    syscall(SYS_move_mount, tree, "", d, "", MOVE_MOUNT_F_EMPTY_PATH |
		    MOVE_MOUNT_T_EMPTY_PATH) < 0)
		die("mount bind %s on %s", m->src, m->dst);
	close(tree);
	close(d);
	close(s);
}

/* A new filesystem of type on path inside the root; the error names m. */
static void new_fs(int root, const struct mnt *m, const char *path,
		   const char *type, unsigned long flags, const char *data)
{
	if (mount_fs_src(root, path, m->src[0] ? m->src : type, type, flags,
			 data) < 0)
		die("mount %s on %s", m->type, path);
}

/* "cgroup": the caller's hierarchies as its cgroup namespace shows them
 * (with ns-enter --cgroup: the container's own). cgroup v2: one cgroup2
 * mount. v1: a tmpfs, one directory per hierarchy of /proc/self/cgroup
 * with a cgroup mount of its controllers (name=systemd as "systemd"), and
 * a symlink per controller of a shared hierarchy (cpu -> cpu,cpuacct), as
 * runc lays it out; ro applies to each, and to the tmpfs last. Where the
 * kernel refuses a new v1 mount (a user namespace without a cgroup
 * namespace of its own), the host's directory of the caller's cgroup in
 * that hierarchy is bound instead, as runc does. */
static void cgroup_mount(int root, const struct mnt *m)
{
	unsigned long flags = m->flags & ~MS_RDONLY;
	char line[512], dir[PATH_MAX], opts[300], host[PATH_MAX], *ctl, *end;
	char *one, *path;
	struct statfs sf;
	FILE *f;
	int d, h;

	if (statfs("/sys/fs/cgroup", &sf) == 0 &&
	    sf.f_type == CGROUP2_SUPER_MAGIC) {
		new_fs(root, m, m->dst, "cgroup2", m->flags, m->data);
		return;
	}
	new_fs(root, m, m->dst, "tmpfs", flags, "mode=755");
	f = fopen("/proc/self/cgroup", "re");
	if (!f)
		die("mount cgroup on %s: open /proc/self/cgroup", m->dst);
	while (fgets(line, sizeof(line), f)) {
		/* ID:CONTROLLERS:PATH; ID 0 is the unified (v2) one */
		ctl = strchr(line, ':');
		end = ctl ? strchr(ctl + 1, ':') : NULL;
		if (!end || !strncmp(line, "0:", 2) || end == ctl + 1)
			continue;
		*end = '\0';
		path = end + 1;
		path[strcspn(path, "\n")] = '\0';
		ctl++;
		if (!strncmp(ctl, "name=", 5)) {
			snprintf(opts, sizeof(opts), "none,%s", ctl);
			ctl += 5;
		} else {
			snprintf(opts, sizeof(opts), "%s", ctl);
		}
		if (snprintf(dir, sizeof(dir), "%s/%s", m->dst, ctl) >=
		    (int)sizeof(dir))
			diex("mount cgroup on %s: path too long", m->dst);
		if (mount_fs_src(root, dir, "cgroup", "cgroup", m->flags,
				 opts) < 0) {
			if (errno != EPERM)
				die("mount cgroup on %s", dir);
			snprintf(host, sizeof(host), "/sys/fs/cgroup/%s%s", ctl,
				 path);
			h = open(host, O_PATH | O_DIRECTORY | O_CLOEXEC);
			d = in_root(root, dir, 'd', 0);
			if (h < 0 || d < 0 || bind_fd(h, d, m->flags & MS_RDONLY ?
						      MOUNT_ATTR_RDONLY : 0) < 0)
				die("mount cgroup on %s: bind %s", dir, host);
			close(h);
			close(d);
		}
		if (!strchr(ctl, ','))
			continue;
		d = in_root(root, m->dst, 0, 0);
		if (d < 0)
			die("mount cgroup on %s", m->dst);
		for (one = strtok(ctl, ","); one; one = strtok(NULL, ","))
			if (symlinkat(dir + strlen(m->dst) + 1, d, one) < 0 &&
			    errno != EEXIST)
				die("mount cgroup on %s: symlink %s", m->dst,
				    one);
		close(d);
	}
	fclose(f);
	if (m->flags & MS_RDONLY) {
		d = in_root(root, m->dst, 0, 0);
		snprintf(dir, sizeof(dir), "/proc/self/fd/%d", d);
		if (d < 0 || mount(NULL, dir, NULL, MS_REMOUNT | MS_BIND |
				   MS_RDONLY | flags, NULL) < 0)
			die("mount cgroup on %s: read-only", m->dst);
		close(d);
	}
}

/* --mount, in the order given: the destination checked, the mount made,
 * its propagation set. With --nodev each is nodev too, but devpts (its
 * ptys, as --dev's). */
static void mount_spec(int root, const char *spec, int nodev)
{
	char *copy = strdup(spec);
	struct mnt m;

	if (!copy)
		die("strdup");
	parse_mount(copy, spec, &m);
	if (nodev && strcmp(m.type, "devpts")) {
		m.flags |= MS_NODEV;
		m.set |= MOUNT_ATTR_NODEV;
		m.clr &= ~MOUNT_ATTR_NODEV;
	}
	check_dest(root, m.bind ? "bind" : m.type, m.dst);
	if (m.bind)
		bind_mount(root, &m);
	else if (!strcmp(m.type, "cgroup"))
		cgroup_mount(root, &m);
	else
		new_fs(root, &m, m.dst, m.type, m.flags, m.data);
	if (m.prop)
		propagate(root, &m);
	free(m.data);
	free(copy);
}

/* --mknod PATH:TYPE:MAJOR:MINOR[:MODE[:UID:GID]], parsed. */
struct node {
	char *path;
	mode_t type, mode;
	dev_t dev;
	unsigned long uid, gid;
	int owner;
};

static void parse_mknod(char *spec, const char *what, struct node *n)
{
	char *f[7], *s = spec;
	unsigned long major, minor, mode = 0666;
	int nf = 0;
	char *end;

	while (nf < 7 && (f[nf] = field(&s, ':')) != NULL)
		nf++;
	if (s || (nf != 4 && nf != 5 && nf != 7) || !f[0][0] ||
	    strlen(f[1]) != 1 || !strchr("cbup", f[1][0]) ||
	    parse_ulong(f[2], &major) < 0 || parse_ulong(f[3], &minor) < 0 ||
	    major > 0xfff || minor > 0xfffff)
		diex("mknod %s: expected PATH:TYPE:MAJOR:MINOR[:MODE[:UID:GID]]"
		     " (TYPE c, b, u or p)", what);
	if (nf >= 5) {
		errno = 0;
		mode = strtoul(f[4], &end, 8);
		if (errno || *end || !f[4][0] || f[4][0] == '-' || mode > 07777)
			diex("mknod %s: mode %s: not an octal mode", what, f[4]);
	}
	n->owner = nf == 7;
	if (n->owner && (parse_ulong(f[5], &n->uid) < 0 ||
			 parse_ulong(f[6], &n->gid) < 0 ||
			 n->uid >= 0xffffffffUL || n->gid >= 0xffffffffUL))
		diex("mknod %s: expected numeric UID:GID", what);
	n->path = f[0];
	n->type = f[1][0] == 'b' ? S_IFBLK : f[1][0] == 'p' ? S_IFIFO : S_IFCHR;
	n->mode = (mode_t)mode;
	n->dev = makedev(major, minor);
}

/* A device node (or FIFO) made in the root. Where mknod(2) is not
 * permitted (a user namespace), the host's node of the same path, type
 * and number is bound on an empty file instead, as --device does; its
 * mode and owner are the host's then. */
static void make_node(int root, const char *spec)
{
	char *copy = strdup(spec), dir[PATH_MAX], *name;
	struct node n;
	struct stat st;
	int d;

	if (!copy)
		die("strdup");
	parse_mknod(copy, spec, &n);
	if (snprintf(dir, sizeof(dir), "/%s", n.path) >= (int)sizeof(dir))
		diex("mknod %s: path too long", n.path);
	name = strrchr(dir, '/');
	*name++ = '\0';
	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		diex("mknod %s: not a file name", n.path);
	d = in_root(root, dir[0] ? dir : "/", 'd', 0);
	if (d < 0)
		die("mknod %s", n.path);
	if (fstatat(d, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		/* there already (an image's, or a --dev node): the same
		 * device is kept, anything else refused */
		if ((st.st_mode & S_IFMT) != n.type ||
		    (n.type != S_IFIFO && st.st_rdev != n.dev))
			diex("mknod %s: exists, and is not that device",
			     n.path);
	} else if (mknodat(d, name, n.type | n.mode, n.dev) < 0) {
		if (errno != EPERM || n.type == S_IFIFO)
			die("mknod %s", n.path);
		if (stat(n.path, &st) < 0 || (st.st_mode & S_IFMT) != n.type ||
		    st.st_rdev != n.dev)
			diex("mknod %s: %s, and no such host node to bind",
			     n.path, strerror(EPERM));
		close(d);
		bind(root, n.path, n.path, MOUNT_ATTR_NOSUID |
		     MOUNT_ATTR_NOEXEC, "device");
		free(copy);
		return;
	}
	/* The mode as given (mknod(2) applied the umask), the owner. */
	if (fchmodat(d, name, n.mode, 0) < 0)
		die("mknod %s: chmod", n.path);
	if (n.owner && fchownat(d, name, (uid_t)n.uid, (gid_t)n.gid,
				AT_SYMLINK_NOFOLLOW) < 0)
		die("mknod %s: chown", n.path);
	close(d);
	free(copy);
}

/* The namespaced sysctls (runc's list): each needs a namespace of its own
 * of that type, which the caller has when its namespace differs from
 * pid 1's (as /proc shows them before the switch). */
static const struct {
	const char *key;	/* a prefix where it ends in '.' or '*' */
	int type;
	const char *opt;
} sysctl_ns[] = {
	{ "kernel.msg*", CLONE_NEWIPC, "ipc" },
	{ "kernel.sem", CLONE_NEWIPC, "ipc" },
	{ "kernel.shm*", CLONE_NEWIPC, "ipc" },
	{ "fs.mqueue.", CLONE_NEWIPC, "ipc" },
	{ "net.", CLONE_NEWNET, "net" },
	{ "kernel.hostname", CLONE_NEWUTS, "uts" },
	{ "kernel.domainname", CLONE_NEWUTS, "uts" },
};

/* KEY=VALUE: its path under /proc/sys in path ("net.ipv4.ip_forward":
 * dots are slashes, unless KEY has slashes already); the index of its
 * sysctl_ns entry, or -1. */
static int sysctl_path(char *spec, const char *what, char *path, size_t size,
		       char **value)
{
	char *eq = strchr(spec, '='), dotted[PATH_MAX], *c;
	const char *key;
	size_t k;
	int slashes, match;

	if (!eq || eq == spec)
		diex("sysctl %s: expected KEY=VALUE", what);
	*eq = '\0';
	*value = eq + 1;
	if (strspn(spec, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789_-./") != strlen(spec) || strstr(spec, "..") ||
	    strstr(spec, "//") || strstr(spec, "./") || strstr(spec, "/.") ||
	    strchr("./", spec[0]) || strchr("./", spec[strlen(spec) - 1]))
		diex("sysctl %s: not a sysctl name", spec);
	slashes = strchr(spec, '/') != NULL;
	if (snprintf(path, size, "/proc/sys/%s", spec) >= (int)size ||
	    strlen(spec) >= sizeof(dotted))
		diex("sysctl %s: name too long", spec);
	for (c = path + 10; !slashes && *c; c++)
		if (*c == '.')
			*c = '/';
	/* matched in its dotted form */
	strcpy(dotted, spec);
	for (c = dotted; slashes && *c; c++)
		if (*c == '/')
			*c = '.';
	for (size_t i = 0; i < sizeof(sysctl_ns) / sizeof(sysctl_ns[0]); i++) {
		key = sysctl_ns[i].key;
		k = strlen(key);
		if (key[k - 1] == '*')
			match = !strncmp(dotted, key, k - 1) && dotted[k - 1];
		else if (key[k - 1] == '.')
			match = !strncmp(dotted, key, k) && dotted[k];
		else
			match = !strcmp(dotted, key);
		if (match)
			return (int)i;
	}
	return -1;
}

/* Whether the caller's namespace of /proc name ns is its own: one of its
 * ancestors (as the caller's /proc shows them, before the switch: with a
 * new pid namespace its parent is outside it) is in another. None is, up
 * to pid 1 or one that cannot be read: it is the host's, or cannot be told
 * from it. */
static int own_ns(const char *ns)
{
	char path[64], buf[512], *p;
	struct stat self, other;
	long pid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/ns/%s", ns);
	if (stat(path, &self) < 0)
		die("sysctl: %s", path);
	snprintf(path, sizeof(path), "/proc/self/stat");
	for (int hops = 0; hops < 64; hops++) {
		/* the parent: the field after the state, after the ")" */
		f = fopen(path, "re");
		if (!f)
			return 0;
		p = fgets(buf, sizeof(buf), f);
		fclose(f);
		if (!p || !(p = strrchr(buf, ')')) ||
		    sscanf(p + 1, " %*c %ld", &pid) != 1 || pid <= 0)
			return 0;
		snprintf(path, sizeof(path), "/proc/%ld/ns/%s", pid, ns);
		if (stat(path, &other) < 0)
			return 0;
		if (other.st_ino != self.st_ino || other.st_dev != self.st_dev)
			return 1;
		if (pid == 1)
			return 0;
		snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	}
	return 0;
}

/* --sysctl KEY=VALUE, checked before anything is mounted: the name is a
 * namespaced one, and its namespace the caller's own. */
static void check_sysctl(const char *spec)
{
	char *copy = strdup(spec), path[PATH_MAX], *value;
	int i;

	if (!copy)
		die("strdup");
	i = sysctl_path(copy, spec, path, sizeof(path), &value);
	if (i < 0)
		diex("sysctl %s: not namespaced (only kernel.msg*, kernel.sem,"
		     " kernel.shm*, fs.mqueue.*, net.*, kernel.hostname,"
		     " kernel.domainname)", copy);
	if (!own_ns(sysctl_ns[i].opt))
		diex("sysctl %s: needs its own %s namespace (ns-enter --%s)",
		     copy, sysctl_ns[i].opt, sysctl_ns[i].opt);
	free(copy);
}

/* Write VALUE to the new root's /proc/sys/KEY (its proc, mounted by
 * --proc or --mount proc:...; never a path out of the root). */
static void write_sysctl(int root, const char *spec)
{
	char *copy = strdup(spec), path[PATH_MAX], *value;
	size_t len;
	int fd;

	if (!copy)
		die("strdup");
	sysctl_path(copy, spec, path, sizeof(path), &value);
	fd = openat2_(root, path, O_WRONLY | O_TRUNC | O_CLOEXEC,
		      RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
	if (fd < 0)
		die("sysctl %s: open %s", copy, path);
	len = strlen(value);
	if (write(fd, value, len) != (ssize_t)len)
		die("sysctl %s=%s", copy, value);
	close(fd);
	free(copy);
}

/* Whether mount id's line of /proc/self/mountinfo says it is shared (its
 * optional fields, before " - ", hold "shared:N"). */
static int is_shared(unsigned long long id)
{
	char line[8192], *end;
	unsigned long long n;
	int shared = 0;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		die("open /proc/self/mountinfo");
	while (fgets(line, sizeof(line), f)) {
		errno = 0;
		n = strtoull(line, &end, 10);
		if (errno || end == line || n != id)
			continue;
		end = strstr(line, " - ");
		if (end)
			*end = '\0';
		shared = strstr(line, " shared:") != NULL;
		break;
	}
	fclose(f);
	return shared;
}

/* The mount that holds NEWROOT made private if it is shared (runc's
 * rootfsParentMountPrivate): its root is found by climbing ".." from
 * NEWROOT until a mount's root, named by descriptor. */
static void holder_private(const char *newroot)
{
	struct statx stx;
	char p[32];
	int fd, up;

	fd = open(newroot, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die("open %s", newroot);
	for (int hops = 0; ; hops++) {
		if (syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_MNT_ID,
			    &stx) < 0)
			die("statx %s", newroot);
		if (!(stx.stx_mask & STATX_MNT_ID) ||
		    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT))
			diex("root-propagation: this kernel does not tell mounts"
			     " apart (statx: no mount id)");
		if ((stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || hops > 4096)
			break;
		up = openat(fd, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (up < 0)
			die("open %s/..", newroot);
		close(fd);
		fd = up;
	}
	snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
	if (is_shared(stx.stx_mnt_id) && mount(NULL, p, NULL, MS_PRIVATE,
					      NULL) < 0)
		die("make the mount of %s private", newroot);
	close(fd);
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
	       READONLY, WORKDIR, EXEC_FROM_HOST, KEEP_FD, MOUNT, MKNOD, SYSCTL,
	       ROOT_PROPAGATION };
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
		{ "mount", required_argument, NULL, MOUNT },
		{ "mknod", required_argument, NULL, MKNOD },
		{ "sysctl", required_argument, NULL, SYSCTL },
		{ "root-propagation", required_argument, NULL, ROOT_PROPAGATION },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };
	struct mount_attr nodev_attr = { .attr_set = MOUNT_ATTR_NODEV };
	const char *workdir = "/";
	char **binds, **masks, **ros, **devs, **mounts, **nodes, **sysctls;
	char *newroot;
	int nb = 0, nm = 0, nr = 0, ndevs = 0, c, err, fd, root, prog = -1;
	int nmounts = 0, nnodes = 0, nsysctls = 0;
	unsigned long root_prop = 0;
	const char *prop_name = NULL;
	int old_root;
	int proc = 0, dev = 0, nodev = 0, sys = 0, tmp = 0, rdonly = 0;
	int host = 0;
	struct statx stx;

	progname = "pivot";
	binds = calloc(7 * (size_t)argc, sizeof(*binds));
	if (!binds)
		die("calloc");
	masks = binds + argc;
	ros = masks + argc;
	devs = ros + argc;
	mounts = devs + argc;
	nodes = mounts + argc;
	sysctls = nodes + argc;
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
			if (fcntl(parse_fd("keep-fd", optarg), F_SETFD, 0) < 0)
				die("keep-fd %s", optarg);
			break;
		case MOUNT: mounts[nmounts++] = optarg; break;
		case MKNOD: nodes[nnodes++] = optarg; break;
		case SYSCTL: sysctls[nsysctls++] = optarg; break;
		case ROOT_PROPAGATION:
			prop_name = optarg;
			root_prop = propagation(optarg);
			if (!root_prop)
				diex("root-propagation %s: not private, "
				     "rprivate, slave, rslave, shared, rshared, "
				     "unbindable or runbindable", optarg);
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
	/* The sysctls asked for are namespaced ones, in namespaces of the
	 * caller's own: refused before anything is mounted. */
	for (int i = 0; i < nsysctls; i++)
		check_sysctl(sysctls[i]);
	if (host && (prog = open_host(argv[0])) < 0) {
		err = errno;
		warn_("exec %s", argv[0]);
		exit(err == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
	}

	/* Propagation. Without --root-propagation every mount is made
	 * private: nothing done below may propagate to the host. With it,
	 * runc's order: / as asked (rslave: the host's mounts keep reaching
	 * the namespace, none goes back; rshared: both ways, through binds
	 * of shared sources), the mount that holds NEWROOT private if it is
	 * shared (pivot_root(2) refuses a shared parent; the mounts below
	 * are made in its private copy), NEWROOT always bound on itself. The
	 * caller's namespace must not be private already (ns-enter
	 * --propagation slave or unchanged), or there is nothing to follow. */
	if (!root_prop && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (root_prop && mount(NULL, "/", NULL, root_prop, NULL) < 0)
		die("root-propagation %s: /", prop_name);
	if (root_prop)
		holder_private(newroot);

	/* pivot_root(2) needs a mount point: bind NEWROOT on itself. */
	if ((root_prop || !(stx.stx_attributes_mask & stx.stx_attributes &
			    STATX_ATTR_MOUNT_ROOT)) &&
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

	/* The generic mounts, in the order given (an OCI config's: /dev
	 * before /dev/pts), then the device nodes, which may go into them. */
	for (int i = 0; i < nmounts; i++)
		mount_spec(root, mounts[i], nodev);
	for (int i = 0; i < nnodes; i++)
		make_node(root, nodes[i]);

	/* Binds after them, or a new /tmp or /dev would hide a bind into it;
	 * the devices after the binds (one may go into a bound directory). */
	for (int i = 0; i < nb; i++)
		bind_spec(root, binds[i], nodev ? MOUNT_ATTR_NODEV : 0);
	for (int i = 0; i < ndevs; i++)
		device(root, devs[i]);

	/* The sysctls once the new /proc is there, before --ro /proc/sys. */
	for (int i = 0; i < nsysctls; i++)
		write_sysctl(root, sysctls[i]);

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
	old_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (old_root < 0)
		die("open /");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root %s", newroot);
	/* The old root's mounts slaves first (runc's pivotRoot): a mount of
	 * it still shared with the host's would take the detach there. By
	 * its descriptor: "." names the new root to mount(2). */
	if (fchdir(old_root) < 0 ||
	    mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		die("make the old root a slave");
	close(old_root);
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	/* The new root's propagation (OCI's rootfsPropagation); private
	 * until here, as nothing above may reach the host. */
	if (root_prop && mount(NULL, "/", NULL, root_prop, NULL) < 0)
		die("root-propagation");
	if (chdir("/") < 0 || chdir(workdir) < 0)
		die("chdir %s", workdir);
	if (host)
		execfd_or_die(prog, argv);
	exec_or_die(argv);
}
