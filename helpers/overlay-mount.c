/* overlay-mount - mount an overlay filesystem, then execute a program
 *
 * usage: overlay-mount --lower DIR[:DIR...] (--upper DIR --work DIR |
 *        --tmpfs-upper) TARGET [--] prog [args...]
 *
 * Changes: mounts overlayfs at TARGET in the current mount namespace. The
 * first --lower directory is the topmost layer; --lower may be repeated and
 * the layers stack in the order given. With --tmpfs-upper a fresh tmpfs is
 * mounted on TARGET first and the upper and work directories live in it, so
 * the container's writes vanish with the mount namespace. With --userxattr
 * overlayfs keeps its own marks (opaque directories, redirects) in user.*
 * extended attributes, not trusted.*: the only kind a user namespace's root
 * may write (Linux 5.11); without it, removing a lower layer's directory
 * in a user's container fails (EIO).
 * Any number of layers works: when the option string would not fit in one
 * page (the limit of mount(2)), the layers are added one by one through the
 * new mount API ("lowerdir+", Linux 6.8), or, on older kernels, given as
 * paths relative to their longest common directory.
 *
 * Does not: create a mount namespace (run it under ns-enter --mount, or the
 * mounts stay on the host), create lower directories, or unmount anything.
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
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "lib.h"

#define SYNOPSIS "overlay-mount --lower DIR[:DIR...] (--upper DIR --work DIR" \
	" | --tmpfs-upper) [--userxattr] TARGET [--] prog [args...]"
#define OPTIONS \
	"  --lower DIR[:DIR...]  lower layers, the first on top (repeatable)\n" \
	"  --upper DIR           the writable upper layer (needs --work)\n" \
	"  --work DIR            overlayfs's work directory, on --upper's mount\n" \
	"  --tmpfs-upper         a volatile upper layer on a tmpfs on TARGET\n" \
	"  --userxattr           overlayfs's marks in user.* xattrs (a user namespace)\n" \
	"  -h, --help            print this help\n"
#define MAXOPT 4000	/* what mount(2) copies: one page, minus margin */

/* The new mount API by number: musl has no wrappers (glibc has had them
 * since 2.36). */
static int fsopen_(const char *fs) { return syscall(SYS_fsopen, fs, 0); }
static int fsconfig_(int fd, unsigned int cmd, const char *key,
		     const char *val)
{
	return syscall(SYS_fsconfig, fd, cmd, key, val, 0);
}

/* Overlay as layers added one at a time: no page limit (Linux >= 6.8). */
static int mount_by_layer(char *lower, const char *upper, const char *work,
			  int userxattr, const char *target)
{
	int fs, mnt;

	fs = fsopen_("overlay");
	if (fs < 0)
		return -1;
	for (char *l = strtok(lower, ":"); l; l = strtok(NULL, ":"))
		if (fsconfig_(fs, FSCONFIG_SET_STRING, "lowerdir+", l) < 0)
			return -1;
	if (upper && (fsconfig_(fs, FSCONFIG_SET_STRING, "upperdir", upper) ||
		      fsconfig_(fs, FSCONFIG_SET_STRING, "workdir", work)))
		return -1;
	if (userxattr &&
	    fsconfig_(fs, FSCONFIG_SET_FLAG, "userxattr", NULL) < 0)
		return -1;
	if (fsconfig_(fs, FSCONFIG_CMD_CREATE, NULL, NULL) < 0)
		return -1;
	mnt = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (mnt < 0 || syscall(SYS_move_mount, mnt, "", AT_FDCWD, target,
			       MOVE_MOUNT_F_EMPTY_PATH) < 0)
		return -1;
	close(mnt);
	close(fs);
	return 0;
}

/* Older kernels: shorten the layers to paths relative to their common
 * directory and mount from there (what containerd does). */
static int mount_relative(const char *lower, const char *opts_tail,
			  const char *target)
{
	char dir[PATH_MAX], *opts, *p, *q;
	size_t n;
	int cwd, rc;

	n = strcspn(lower, ":");
	memcpy(dir, lower, n < sizeof(dir) ? n : sizeof(dir) - 1);
	dir[n < sizeof(dir) ? n : sizeof(dir) - 1] = '\0';
	for (p = strchr(lower, ':'); p; p = strchr(p + 1, ':'))
		while (strncmp(p + 1, dir, strlen(dir)) ||
		       (p[1 + strlen(dir)] != '/' && p[1 + strlen(dir)] != ':'))
			*(strrchr(dir, '/') ? strrchr(dir, '/') : dir) = '\0';
	n = strlen(dir);
	opts = malloc(strlen(lower) + strlen(opts_tail) + 16);
	if (!opts || n == 0)
		return errno = ENAMETOOLONG, -1;
	q = opts + sprintf(opts, "lowerdir=");
	for (p = (char *)lower; *p; ) {
		p += n + 1;
		while (*p && *p != ':')
			*q++ = *p++;
		if (*p)
			*q++ = *p++;
	}
	sprintf(q, "%s", opts_tail);
	if (strlen(opts) > MAXOPT)
		return errno = ENAMETOOLONG, -1;
	cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cwd < 0 || chdir(dir) < 0)
		return -1;
	rc = mount("overlay", target, "overlay", 0, opts);
	if (fchdir(cwd) < 0)
		die("fchdir back");
	close(cwd);
	free(opts);
	return rc;
}

/* The mount a path is on: name_to_handle_at(2) reports its id beside the
 * handle (asked for none: it fails with EOVERFLOW, the id filled in). */
static int mount_id(const char *path)
{
	struct file_handle fh = { .handle_bytes = 0 };
	int id = -1;

	if (name_to_handle_at(AT_FDCWD, path, &fh, &id, 0) < 0 &&
	    errno != EOVERFLOW)
		return -1;
	return id;
}

/* The kernel refuses a work directory with EINVAL, its reason only in its
 * log (see the overlayfs documentation): when it is on another mount than
 * the upper directory, or one of the two contains the other. Say which. */
static void mount_failed(const char *target, const char *upper,
			 const char *work) __attribute__((noreturn));
static void mount_failed(const char *target, const char *upper,
			 const char *work)
{
	char u[PATH_MAX], w[PATH_MAX];
	int err = errno, up, wk;
	size_t n;

	if (err != EINVAL || !upper)
		die("mount overlay on %s", target);
	up = mount_id(upper);
	wk = mount_id(work);
	if (up >= 0 && wk >= 0 && up != wk)
		diex("mount overlay on %s: the work directory %s is not on "
		     "the upper directory's mount (file system)", target, work);
	n = realpath(upper, u) && realpath(work, w) ?
		(strlen(u) < strlen(w) ? strlen(u) : strlen(w)) : 0;
	if (n && strncmp(u, w, n) == 0 && (!u[n] || u[n] == '/') &&
	    (!w[n] || w[n] == '/'))
		diex("mount overlay on %s: the work directory %s and the "
		     "upper directory %s must be separate, neither inside "
		     "the other", target, work, upper);
	errno = err;
	die("mount overlay on %s", target);
}

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS). */
	enum { LOWER = 256, UPPER, WORK, TMPFS_UPPER, USERXATTR };
	static const struct option longopts[] = {
		{ "lower", required_argument, NULL, LOWER },
		{ "upper", required_argument, NULL, UPPER },
		{ "work", required_argument, NULL, WORK },
		{ "tmpfs-upper", no_argument, NULL, TMPFS_UPPER },
		{ "userxattr", no_argument, NULL, USERXATTR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *lower = NULL, *upper = NULL, *work = NULL, *target, *opts;
	char up[PATH_MAX], wk[PATH_MAX];
	size_t len;
	int c, tmpfs = 0, userxattr = 0;

	progname = "overlay-mount";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case LOWER:
			len = lower ? strlen(lower) + 1 : 0;
			lower = realloc(lower, len + strlen(optarg) + 1);
			if (!lower)
				die("realloc");
			if (len)
				lower[len - 1] = ':';
			strcpy(lower + len, optarg);
			break;
		case UPPER: upper = optarg; break;
		case WORK: work = optarg; break;
		case TMPFS_UPPER: tmpfs = 1; break;
		case USERXATTR: userxattr = 1; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (tmpfs && (upper || work))
		diex("--tmpfs-upper excludes --upper and --work");
	if (upper && !work)
		diex("--upper needs --work");
	if (work && !upper)
		diex("--work needs --upper");
	if (!lower || optind >= argc)
		usage(SYNOPSIS, EXIT_SELF);
	target = argv[optind++];
	argv = prog_argv(argc, argv, optind, SYNOPSIS);

	/* A volatile upper layer: a tmpfs on TARGET, hidden by the overlay. */
	if (tmpfs) {
		if (mount("tmpfs", target, "tmpfs", MS_NOSUID, "mode=0755") < 0)
			die("mount tmpfs on %s", target);
		snprintf(up, sizeof(up), "%s/upper", target);
		snprintf(wk, sizeof(wk), "%s/work", target);
		if (mkdir(up, 0755) < 0 || mkdir(wk, 0755) < 0)
			die("mkdir %s", up);
		upper = up;
		work = wk;
	}

	/* The overlay itself: lower layers, then the writable upper. */
	len = strlen(lower) + (upper ? strlen(upper) + strlen(work) : 0) + 64;
	opts = malloc(len);
	if (!opts)
		die("malloc");
	if (upper)
		snprintf(opts, len, ",upperdir=%s,workdir=%s%s", upper, work,
			 userxattr ? ",userxattr" : "");
	else
		snprintf(opts, len, "%s", userxattr ? ",userxattr" : "");
	if (strlen(lower) + strlen(opts) + 9 <= MAXOPT) {
		char *all = malloc(len);

		if (!all)
			die("malloc");
		snprintf(all, len, "lowerdir=%s%s", lower, opts);
		if (mount("overlay", target, "overlay", 0, all) < 0) {
			mount_failed(target, upper, work);
		}
	} else {
		char *copy = strdup(lower);

		if (!copy)
			die("strdup");
		if (mount_by_layer(copy, upper, work, userxattr, target) < 0 &&
		    mount_relative(lower, opts, target) < 0) {
			mount_failed(target, upper, work);
		}
	}
	exec_or_die(argv);
}
