/* layer-pack - write a directory as an image layer (a tar on stdout)
 *
 * usage: layer-pack [--clamp-mtime SECONDS] [--plain] [--userxattr] DIR
 *
 * Writes the tree under DIR (DIR itself excluded) as a pax tar on stdout,
 * the same bytes for the same tree: entries sorted by name (bytewise),
 * numeric owners only, whole-second mtimes (none later than SECONDS with
 * --clamp-mtime), no atime or ctime, fixed pax header names. Hardlinks
 * within DIR stay hardlinks; xattrs are kept, except overlayfs's own
 * (trusted.overlay.*, user.overlay.*).
 * overlayfs's own forms become OCI whiteouts, so that an overlay upper
 * directory becomes a layer: a 0/0 character device NAME is written as an
 * empty ".wh.NAME", a directory with trusted.overlay.opaque=y gets a
 * ".wh..wh..opq" entry. --plain writes them as they are. --userxattr reads
 * the opaque mark as user.overlay.opaque (an upper directory of an overlay
 * mounted with userxattr, in a user namespace).
 *
 * Does not: compress, follow symlinks, cross into other filesystems'
 * special files (sockets are skipped with a warning).
 *
 * Exit: 0 written, 125 failed (one line: what and why).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "lib.h"

#define SYNOPSIS "layer-pack [--clamp-mtime SECONDS] [--plain] [--userxattr] DIR"
#define OPTIONS \
	"  --clamp-mtime SECONDS  write no time later than SECONDS\n" \
	"  --plain          whiteouts as they are (not an overlay upper)\n" \
	"  --userxattr      the opaque mark in user.overlay.* (a user namespace)\n" \
	"  -h, --help       print this help\n"
#define BLK 512

struct link { dev_t dev; ino_t ino; char *name; };
struct opts { long long clamp; int plain; struct link *links; size_t nlinks;
	      const char *opaque; };

static void out(const void *buf, size_t n)
{
	if (fwrite(buf, 1, n, stdout) != n)
		die("write");
}

static void pad(unsigned long long n)
{
	static const char zero[BLK];

	out(zero, (BLK - n % BLK) % BLK);
}

/* One pax record "LEN KEY=VALUE\n", LEN counting its own digits. */
static void record(char **buf, size_t *len, const char *key, const char *val,
		   size_t vlen)
{
	size_t base = strlen(key) + vlen + 3, n;
	int digits = 1;

	while (n = base + digits, snprintf(NULL, 0, "%zu", n) != digits)
		digits++;
	*buf = realloc(*buf, *len + n + 1);
	if (!*buf)
		die("realloc");
	*len += sprintf(*buf + *len, "%zu %s=", n, key);
	memcpy(*buf + *len, val, vlen);
	*len += vlen;
	(*buf)[(*len)++] = '\n';
}

static void header(const char *name, const char *link, char type,
		   const struct stat *st, unsigned long long size,
		   long long mtime)
{
	unsigned char h[BLK] = { 0 };
	unsigned int sum = 0;

	snprintf((char *)h, 101, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", st->st_mode & 07777);
	snprintf((char *)h + 108, 8, "%07o", st->st_uid & 07777777);
	snprintf((char *)h + 116, 8, "%07o", st->st_gid & 07777777);
	snprintf((char *)h + 124, 12, "%011llo", size & 077777777777ULL);
	snprintf((char *)h + 136, 12, "%011llo",
		 (unsigned long long)mtime & 077777777777ULL);
	memset(h + 148, ' ', 8);
	h[156] = type;
	snprintf((char *)h + 157, 101, "%s", link);
	memcpy(h + 257, "ustar\00000", 8);
	if (type == '3' || type == '4') {
		snprintf((char *)h + 329, 8, "%07o", major(st->st_rdev));
		snprintf((char *)h + 337, 8, "%07o", minor(st->st_rdev));
	}
	for (int i = 0; i < BLK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	out(h, BLK);
}

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A pax header for what ustar cannot hold, then the ustar header. */
static void entry(int dir, const char *base, const char *name,
		  const char *link, char type, const struct stat *st,
		  unsigned long long size, struct opts *o)
{
	char path[64 + NAME_MAX], list[65536], *keys[512], key[300];
	char *p, *pax = NULL, val[65536], num[32];
	long long mtime = st->st_mtim.tv_sec;
	ssize_t n, vlen;
	size_t len = 0, nk = 0;
	struct stat hs = *st;

	if (o->clamp >= 0 && mtime > o->clamp)
		mtime = o->clamp;
	if (strlen(name) > 100)
		record(&pax, &len, "path", name, strlen(name));
	if (strlen(link) > 100)
		record(&pax, &len, "linkpath", link, strlen(link));
	if (size > 077777777777ULL) {
		snprintf(num, sizeof(num), "%llu", size);
		record(&pax, &len, "size", num, strlen(num));
	}
	if (st->st_uid > 07777777 || st->st_gid > 07777777) {
		snprintf(num, sizeof(num), "%u", st->st_uid);
		record(&pax, &len, "uid", num, strlen(num));
		snprintf(num, sizeof(num), "%u", st->st_gid);
		record(&pax, &len, "gid", num, strlen(num));
	}
	/* xattrs, sorted by name; overlayfs's own are not the image's */
	if (base)
		snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", dir, base);
	n = base ? llistxattr(path, list, sizeof(list)) : 0;
	if (n < 0 && errno != ENOTSUP)
		die("%s: list xattrs", name);
	for (p = list; n > 0 && p < list + n && nk < 512; p += strlen(p) + 1)
		if (strncmp(p, "trusted.overlay.", 16) &&
		    strncmp(p, "user.overlay.", 13))
			keys[nk++] = p;
	qsort(keys, nk, sizeof(*keys), cmp);
	for (size_t i = 0; i < nk; i++) {
		vlen = lgetxattr(path, keys[i], val, sizeof(val));
		if (vlen < 0)
			die("%s: get xattr %s", name, keys[i]);
		snprintf(key, sizeof(key), "SCHILY.xattr.%s", keys[i]);
		record(&pax, &len, key, val, vlen);
	}
	if (pax) {
		snprintf(key, sizeof(key), "PaxHeaders/%.88s", name);
		header(key, "", 'x', &hs, len, mtime);
		out(pax, len);
		pad(len);
		free(pax);
	}
	header(name, link, type, st, size, mtime);
}

/* An empty regular file: the OCI form of a whiteout or opaque marker. */
static void marker(const char *name, const struct stat *like, struct opts *o)
{
	struct stat st = *like;

	st.st_mode = S_IFREG;
	st.st_uid = st.st_gid = 0;
	entry(-1, NULL, name, "", '0', &st, 0, o);
}

static void copy(int dir, const char *base, const char *name, off_t size)
{
	char buf[65536];
	ssize_t n;
	off_t left = size;
	int fd = openat(dir, base, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		die("%s: open", name);
	for (; left > 0; left -= n) {
		n = read(fd, buf, left < (off_t)sizeof(buf) ? (size_t)left
								 : sizeof(buf));
		if (n < 0)
			die("%s: read", name);
		if (n == 0)
			diex("%s: file shrank while it was read", name);
		out(buf, n);
	}
	pad(size);
	close(fd);
}

static const char *first_link(const struct stat *st, const char *name,
			      struct opts *o)
{
	for (size_t i = 0; i < o->nlinks; i++)
		if (o->links[i].dev == st->st_dev && o->links[i].ino == st->st_ino)
			return o->links[i].name;
	o->links = reallocarray(o->links, o->nlinks + 1, sizeof(*o->links));
	if (!o->links)
		die("realloc");
	o->links[o->nlinks++] = (struct link){ st->st_dev, st->st_ino,
					       strdup(name) };
	return NULL;
}

/* Write the entries of directory fd (named prefix in the archive). */
static void walk(int fd, const char *prefix, struct opts *o)
{
	char **names = NULL, name[PATH_MAX + 1], target[PATH_MAX], opq[2];
	const char *first;
	size_t n = 0, i;
	struct dirent *d;
	struct stat st;
	ssize_t len;
	DIR *dp = fdopendir(fd);
	int sub;

	if (!dp)
		die("%s: open directory", prefix);
	while ((errno = 0, d = readdir(dp))) {
		if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, ".."))
			continue;
		names = reallocarray(names, n + 1, sizeof(*names));
		if (!names || !(names[n++] = strdup(d->d_name)))
			die("malloc");
	}
	if (errno)
		die("%s: read directory", prefix);
	if (n)	/* an empty directory: qsort(3) takes no NULL */
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		if (fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW) < 0)
			die("%s%s: stat", prefix, names[i]);
		snprintf(name, sizeof(name), "%s%s", prefix, names[i]);
		if (S_ISDIR(st.st_mode)) {
			strcat(name, "/");
			entry(fd, names[i], name, "", '5', &st, 0, o);
			sub = openat(fd, names[i], O_RDONLY | O_DIRECTORY |
				     O_NOFOLLOW | O_CLOEXEC);
			if (sub < 0)
				die("%s: open", name);
			if (!o->plain && fgetxattr(sub, o->opaque,
						   opq, 2) == 1 && opq[0] == 'y') {
				snprintf(name + strlen(name), PATH_MAX + 1 -
					 strlen(name), ".wh..wh..opq");
				marker(name, &st, o);
				name[strlen(name) - 12] = '\0';
			}
			walk(sub, name, o);
		} else if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0) &&
			   !o->plain) {
			snprintf(name, sizeof(name), "%s.wh.%s", prefix,
				 names[i]);
			marker(name, &st, o);
		} else if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 &&
			   !S_ISLNK(st.st_mode) &&
			   (first = first_link(&st, name, o))) {
			entry(fd, names[i], name, first, '1', &st, 0, o);
		} else if (S_ISREG(st.st_mode)) {
			entry(fd, names[i], name, "", '0', &st, st.st_size, o);
			copy(fd, names[i], name, st.st_size);
		} else if (S_ISLNK(st.st_mode)) {
			len = readlinkat(fd, names[i], target,
					 sizeof(target) - 1);
			if (len < 0)
				die("%s: readlink", name);
			target[len] = '\0';
			entry(fd, names[i], name, target, '2', &st, 0, o);
		} else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ||
			   S_ISFIFO(st.st_mode)) {
			entry(fd, names[i], name, "", S_ISCHR(st.st_mode) ? '3' :
			      S_ISBLK(st.st_mode) ? '4' : '6', &st, 0, o);
		} else {
			warnx_("warning: %s: socket skipped", name);
		}
		free(names[i]);
	}
	free(names);
	closedir(dp);
}

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS). */
	enum { CLAMP = 256, PLAIN, USERXATTR };
	static const struct option longopts[] = {
		{ "clamp-mtime", required_argument, NULL, CLAMP },
		{ "plain", no_argument, NULL, PLAIN },
		{ "userxattr", no_argument, NULL, USERXATTR },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = { .clamp = -1, .opaque = "trusted.overlay.opaque" };
	static const char end[2 * BLK];
	static char buf[1 << 20];
	unsigned long clamp;
	int c, fd;

	progname = "layer-pack";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case CLAMP:
			if (parse_ulong(optarg, &clamp) < 0)
				diex("--clamp-mtime: not a number: %s", optarg);
			o.clamp = clamp;
			break;
		case PLAIN: o.plain = 1; break;
		case USERXATTR: o.opaque = "user.overlay.opaque"; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (optind != argc - 1)
		usage(SYNOPSIS, EXIT_SELF);
	if (isatty(1))
		diex("refusing to write a tar to a terminal");
	fd = open(argv[optind], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		die("open %s", argv[optind]);
	setvbuf(stdout, buf, _IOFBF, sizeof(buf));
	walk(fd, "", &o);
	out(end, sizeof(end));
	if (fflush(stdout) != 0)
		die("write");
	return 0;
}
