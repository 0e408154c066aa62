/* layer-unpack - unpack an image layer (a tar on stdin) into a directory
 *
 * usage: layer-unpack [--plain] [--userxattr] DIR
 *
 * Changes: creates the entries of an uncompressed tar (ustar, pax or GNU)
 * read on stdin under DIR, with their owners, modes (setuid included),
 * mtimes, xattrs, hardlinks, symlinks, device nodes and fifos. OCI
 * whiteouts become overlayfs's own form, so that DIR can be stacked as an
 * overlay lower layer: ".wh.NAME" a 0/0 character device NAME, and
 * ".wh..wh..opq" the xattr trusted.overlay.opaque=y on its directory.
 * --plain extracts ".wh." names as ordinary files (archives, not layers).
 * --userxattr marks opaque directories user.overlay.opaque=y instead: the
 * form of an overlay mounted with userxattr (in a user namespace, whose
 * root cannot write trusted.* xattrs).
 *
 * Safety: no entry can create or change anything outside DIR. Every parent
 * directory is opened with openat2(2) RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS
 * and every final name is acted on through that descriptor without
 * following it. Absolute names, "..", a path through a symlink (one the
 * archive planted included) and hardlinks to names outside DIR are refused:
 * the helper stops at that entry with an error, and the caller throws DIR
 * away. xattrs named trusted.overlay.* or user.overlay.* (overlayfs's
 * own, which could redirect a lookup) are never taken from an archive.
 *
 * The tar reader (headers, pax records, GNU long names) is a file of its
 * own, layer-unpack-tar.c (what the parts share: layer-unpack.h).
 *
 * Does not: decompress (pipe through gzip -d or zstd -d), check digests,
 * or remove DIR after a failure.
 *
 * Exit: 0 unpacked, 125 refused or failed (one line: what and why).
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
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "lib.h"
#include "layer-unpack.h"

#define SYNOPSIS "layer-unpack [--plain] [--userxattr] DIR"
#define OPTIONS \
	"  --plain      .wh. names as ordinary files (not a layer)\n" \
	"  --userxattr  opaque directories in user.overlay.* (a user namespace)\n" \
	"  -h, --help   print this help\n"

/* the xattr that marks an opaque directory: trusted.*, or user.* for an
 * overlay mounted with userxattr */
static const char *opaque_xattr = "trusted.overlay.opaque";

struct dirtime { char *path; struct timespec t; };

/* NAME as a path inside the layer: no leading "/", no "..", no empty or
 * "." parts. The result is "" for the layer's root. */
static char *clean(const char *entry, const char *name)
{
	const char *what = name == entry ? "" : "hardlink target ";
	char *out = malloc(strlen(name) + 1), *o = out;
	const char *p, *q;

	if (!out)
		die("malloc");
	if (*name == '/')
		diex("%s: %s%s%sabsolute name", entry, what,
		     *what ? name : "", *what ? ": " : "");
	for (p = name; *p; p = *q ? q + 1 : q) {
		q = strchrnul(p, '/');
		if (q == p || (q - p == 1 && *p == '.'))
			continue;
		if (q - p == 2 && !memcmp(p, "..", 2))
			diex("%s: %s%s%sname leaves the layer (..)", entry, what,
			     *what ? name : "", *what ? ": " : "");
		if (o != out)
			*o++ = '/';
		memcpy(o, p, q - p);
		o += q - p;
	}
	*o = '\0';
	return out;
}

/* The only way a directory is opened: beneath dir, never through a
 * symlink, a magic link or a mount point (see openat2(2)). */
static int open_beneath(int dir, const char *path)
{
	return openat2_(dir, *path ? path : ".",
			O_RDONLY | O_DIRECTORY | O_CLOEXEC,
			RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
			RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
}

static void die_path(const char *entry, const char *dir)
{
	if (errno == ELOOP)
		diex("%s: path goes through a symlink (%s)", entry, dir);
	if (errno == EXDEV)
		diex("%s: path leaves the layer (%s)", entry, dir);
	die("%s: open %s", entry, dir);
}

/* Open directory DIR (a clean name) under root, creating the missing parts
 * (mode 0755) when create is set. */
static int open_dir(int root, char *dir, const char *entry, int create)
{
	char *p, *slash;
	int fd, next;

	fd = open_beneath(root, dir);
	if (fd >= 0 || errno != ENOENT || !create) {
		if (fd < 0)
			die_path(entry, dir);
		return fd;
	}
	fd = dup(root);
	if (fd < 0)
		die("dup");
	for (p = dir; *p; p = slash ? slash + 1 : p + strlen(p)) {
		slash = strchr(p, '/');
		if (slash)
			*slash = '\0';
		next = open_beneath(fd, p);
		if (next < 0 && errno == ENOENT && mkdirat(fd, p, 0755) == 0)
			next = open_beneath(fd, p);
		if (slash)
			*slash = '/';
		if (next < 0)
			die_path(entry, dir);
		close(fd);
		fd = next;
	}
	return fd;
}

/* Make room for a new entry NAME in dir: what is there goes, unless both
 * are directories (1 is returned then). */
static int make_room(int dir, const char *name, const char *entry, int isdir)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		if (errno != ENOENT)
			die("%s: stat", entry);
		return 0;
	}
	if (S_ISDIR(st.st_mode) && isdir)
		return 1;
	if (unlinkat(dir, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		die("%s: replace", entry);
	return 0;
}

/* xattrs, through fd if there is one, else by name without following. */
static void set_xattrs(struct entry *e, int fd, int dir, const char *name)
{
	char path[64 + NAME_MAX];
	struct xattr *x;
	int rc;

	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dir, name);
	for (x = e->x; x < e->x + e->nx; x++) {
		if (!strncmp(x->name, "trusted.overlay.", 16) ||
		    !strncmp(x->name, "user.overlay.", 13))
			continue;
		rc = fd >= 0 ? fsetxattr(fd, x->name, x->val, x->len, 0)
			     : lsetxattr(path, x->name, x->val, x->len, 0);
		if (rc < 0 && errno == ENOTSUP)
			warnx_("warning: %s: xattr %s: not supported here",
			       e->path, x->name);
		else if (rc < 0)
			die("%s: set xattr %s", e->path, x->name);
	}
}

static void copy_data(struct entry *e, int fd)
{
	char buf[65536];
	unsigned long long left;
	size_t n;

	for (left = e->size; left > 0; left -= n) {
		n = left < sizeof(buf) ? left : sizeof(buf);
		readn(buf, n);
		if (write(fd, buf, n) != (ssize_t)n)
			die("%s: write", e->path);
	}
	skip(pad(e->size));
}

/* ".wh.NAME": overlay's whiteout, a 0/0 character device NAME. It hides
 * lower layers only: an entry NAME of this same layer stays. */
static void whiteout(int dir, const char *base, const char *entry)
{
	const char *name = base + 4;
	struct stat st;

	if (!*name || !strcmp(name, ".") || !strcmp(name, ".."))
		diex("%s: bad whiteout name", entry);
	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		return;
	if (mknodat(dir, name, S_IFCHR | 0, makedev(0, 0)) < 0)
		die("%s: whiteout", entry);
}

static void hardlink(int root, int dir, const char *base, struct entry *e)
{
	char *target = clean(e->path, e->link), *self = clean(e->path, e->path);
	char *slash = strrchr(target, '/'), *tbase, none[1] = "";
	int tdir, same = !strcmp(self, target);

	free(self);
	if (slash)
		*slash = '\0';
	tbase = slash ? slash + 1 : target;
	if (!*tbase)
		diex("%s: hardlink to the layer's root", e->path);
	tdir = open_dir(root, slash ? target : none, e->path, 0);
	if (!same) {	/* a link to itself changes nothing */
		make_room(dir, base, e->path, 0);
		if (linkat(tdir, tbase, dir, base, 0) < 0)
			die("%s: hardlink to %s", e->path, e->link);
	}
	close(tdir);
	free(target);
}

static void unpack(int root, struct entry *e, int plain, struct dirtime **dt,
		   size_t *ndt)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, e->mtime };
	char *path = clean(e->path, e->path), *slash = strrchr(path, '/');
	char *base = slash ? slash + 1 : path, none[1] = "";
	int dir, fd = -1;
	mode_t type;

	if (slash)
		*slash = '\0';
	if (!*base && e->type != '5')
		diex("%s: not a directory at the layer's root", e->path);
	dir = *base ? open_dir(root, slash ? path : none, e->path, 1)
		    : dup(root);
	if (dir < 0)
		die("dup");

	if (!plain && !strncmp(base, ".wh.", 4)) {
		if (!strcmp(base, ".wh..wh..opq")) {
			/* opaque: lower layers do not show through dir */
			if (fsetxattr(dir, opaque_xattr, "y", 1, 0))
				die("%s: set opaque", e->path);
		} else if (strncmp(base, ".wh..wh.", 8)) {
			whiteout(dir, base, e->path);
		}	/* else aufs bookkeeping (.wh..wh.plnk): ignored */
		if (e->type == '0' || !e->type)
			skip(e->size + pad(e->size));
		goto out;
	}
	switch (e->type) {
	case '5':
		if (*base && !make_room(dir, base, e->path, 1) &&
		    mkdirat(dir, base, 0700) < 0)
			die("%s: mkdir", e->path);
		fd = *base ? open_beneath(dir, base) : dup(dir);
		if (fd < 0)
			die_path(e->path, e->path);
		*dt = reallocarray(*dt, *ndt + 1, sizeof(**dt));
		if (!*dt)
			die("malloc");
		(*dt)[*ndt].path = clean(e->path, e->path);
		(*dt)[(*ndt)++].t = e->mtime;
		break;
	case '0':
	case '\0':
	case '7':
		make_room(dir, base, e->path, 0);
		fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
			    O_CLOEXEC, 0600);
		if (fd < 0)
			die("%s: create", e->path);
		copy_data(e, fd);
		break;
	case '1':
		hardlink(root, dir, base, e);
		goto out;
	case '2':
		make_room(dir, base, e->path, 0);
		if (symlinkat(e->link, dir, base) < 0)
			die("%s: symlink", e->path);
		break;
	case '3':
	case '4':
	case '6':
		type = e->type == '3' ? S_IFCHR : e->type == '4' ? S_IFBLK
								  : S_IFIFO;
		make_room(dir, base, e->path, 0);
		if (mknodat(dir, base, type | 0600, makedev(e->maj, e->min)))
			die("%s: mknod", e->path);
		break;
	default:
		diex("%s: unsupported entry type '%c'", e->path, e->type);
	}

	/* Owner before mode: chown clears the setuid and setgid bits. */
	if (fd >= 0) {
		if (fchown(fd, e->uid, e->gid) < 0 || fchmod(fd, e->mode) < 0)
			die("%s: set owner and mode", e->path);
		set_xattrs(e, fd, dir, base);
		if (e->type != '5' && futimens(fd, ts) < 0)
			die("%s: set mtime", e->path);
		close(fd);
	} else {
		if (fchownat(dir, base, e->uid, e->gid, AT_SYMLINK_NOFOLLOW) ||
		    (e->type != '2' && fchmodat(dir, base, e->mode, 0)))
			die("%s: set owner and mode", e->path);
		set_xattrs(e, -1, dir, base);
		if (utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			die("%s: set mtime", e->path);
	}
out:
	free(path);
	close(dir);
}

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS). */
	enum { PLAIN = 256, USERXATTR };
	static const struct option longopts[] = {
		{ "plain", no_argument, NULL, PLAIN },
		{ "userxattr", no_argument, NULL, USERXATTR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dirtime *dt = NULL;
	struct entry e;
	size_t ndt = 0;
	char buf[65536];
	int c, plain = 0, root, fd;

	progname = "layer-unpack";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case PLAIN: plain = 1; break;
		case USERXATTR: opaque_xattr = "user.overlay.opaque"; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (optind != argc - 1)
		usage(SYNOPSIS, EXIT_SELF);
	root = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		die("open %s", argv[optind]);

	/* The entries, in archive order: a later one replaces an earlier. */
	for (memset(&e, 0, sizeof(e)); read_header(&e); memset(&e, 0, sizeof(e))) {
		unpack(root, &e, plain, &dt, &ndt);
		for (int i = 0; i < e.nx; i++) {
			free(e.x[i].name);
			free(e.x[i].val);
		}
		free(e.path);
		free(e.link);
	}

	/* Directory mtimes last: creating their entries changed them. */
	for (size_t i = 0; i < ndt; i++) {
		struct timespec ts[2] = { { 0, UTIME_OMIT }, dt[i].t };

		/* a later entry may have replaced it: then it is not ours */
		fd = open_beneath(root, dt[i].path);
		if (fd < 0 && (errno == ENOENT || errno == ENOTDIR ||
			       errno == ELOOP))
			continue;
		if (fd < 0 || futimens(fd, ts) < 0)
			die("%s: set mtime", dt[i].path);
		close(fd);
	}
	/* Read to the end, so that a digest computed upstream is complete. */
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
