/* layer-pack - fuzz layer-pack's walker: a small tree is described by the
 * input, made in a directory of this run's own, then packed
 *
 * Input: lines "OP PATH [ARG...]" (fields split at spaces; in a PATH,
 * "C*N" stands for the character C N times, so that long names and deep
 * trees fit in a short input):
 *   d PATH            directory        f PATH TEXT   file holding TEXT
 *   z PATH SIZE       file of SIZE zero bytes (at most 1 MiB)
 *   l PATH TARGET     symlink          h PATH OLD    hardlink to OLD
 *   p PATH            fifo             s PATH        socket
 *   c PATH MAJ MIN    character device (0 0: an overlay whiteout)
 *   b PATH MAJ MIN    block device     m PATH MODE   chmod (octal)
 *   o PATH UID GID    lchown           t PATH SECS   mtime
 *   x PATH NAME VAL   xattr (trusted.overlay.opaque y: an opaque dir)
 *   P                 --plain          C ARG         --clamp-mtime ARG
 * Missing parents are made. Names are resolved beneath the tree, never
 * through a symlink or ".." (openat2(2)): the harness writes nothing
 * outside its directory ($TMPDIR/mustela-fuzz-pack.XXXXXX, removed at exit).
 * layer-pack's own main (helpers/layer-pack.c) writes the tar to a memory
 * file; when it succeeds, the harness checks that the tar is whole blocks
 * ending in two zero blocks. Runs as root (owners, device nodes, trusted
 * xattrs). Seeds: fuzz/corpus/layer-pack/.
 */
#include "fuzz.h"

#define exit fuzz_exit
#define main layer_pack_main
#include "../helpers/layer-pack.c"
#undef main
#include "../helpers/lib.c"
#undef exit

static char tree[PATH_MAX + 8];

/* PATH with C*N expanded, leading slashes dropped; NULL if it is too long
 * or, unless any is set, has a ".." component. */
static char *expand(const char *s, char *out, size_t size, int any)
{
	size_t n = 0;
	unsigned long k;
	char *end;

	while (*s == '/')
		s++;
	for (; *s; s++) {
		if (*s == '*' && n > 0 && s[1] >= '0' && s[1] <= '9') {
			k = strtoul(s + 1, &end, 10);
			if (k > 4096 || n + k >= size)
				return NULL;
			memset(out + n, out[n - 1], k ? k - 1 : 0);
			n += k ? k - 1 : 0;
			s = end - 1;
			continue;
		}
		if (n + 1 >= size)
			return NULL;
		out[n++] = *s;
	}
	out[n] = '\0';
	for (char *p = any ? NULL : out; p;
	     p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL)
		if (!strncmp(p, "..", 2) && (!p[2] || p[2] == '/'))
			return NULL;
	return n ? out : NULL;
}

/* The directory of path (made if missing) as a descriptor, and in *base
 * the last name; -1 if it cannot be made beneath the tree. */
static int parent(int top, char *path, char **base)
{
	char *slash = strrchr(path, '/'), *p, *q;
	int fd = dup(top), next;

	*base = slash ? slash + 1 : path;
	if (!slash)
		return fd;
	*slash = '\0';
	for (p = path; fd >= 0 && p; p = q) {
		q = strchr(p, '/');
		if (q)
			*q++ = '\0';
		if (!*p)
			continue;
		mkdirat(fd, p, 0755);
		next = openat2_(fd, p, O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
				RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV);
		if (q)
			q[-1] = '/';
		close(fd);
		fd = next;
	}
	*slash = '/';
	return fd;
}

static void make(int top, char *line, char **argv, int *argc, char *clamp)
{
	static char path[8192], arg[8192];
	char *op = strtok(line, " "), *p = strtok(NULL, " "), *a, *b, *base;
	char via[64 + NAME_MAX];
	int dir, fd;

	if (!op)
		return;
	if (!strcmp(op, "P")) {
		argv[(*argc)++] = "--plain";
		return;
	}
	if (!strcmp(op, "C") && p) {
		snprintf(clamp, 32, "%s", p);
		argv[(*argc)++] = "--clamp-mtime";
		argv[(*argc)++] = clamp;
		return;
	}
	if (!p || !expand(p, path, sizeof(path), 0) ||
	    (dir = parent(top, path, &base)) < 0)
		return;
	a = strtok(NULL, " ");
	b = strtok(NULL, " ");
	snprintf(via, sizeof(via), "/proc/self/fd/%d/%s", dir, base);
	switch (op[0]) {
	case 'd': mkdirat(dir, base, 0755); break;
	case 'f': case 'z':
		fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0)
			break;
		if (op[0] == 'f' && a && write(fd, a, strlen(a)) < 0)
			abort();
		if (op[0] == 'z' && a && strtoul(a, NULL, 10) <= 1 << 20 &&
		    ftruncate(fd, (off_t)strtoul(a, NULL, 10)) < 0)
			abort();
		close(fd);
		break;
	case 'l':
		if (a && expand(a, arg, sizeof(arg), 1))
			symlinkat(a[0] == '/' ? a : arg, dir, base);
		break;
	case 'h':
		if (a && expand(a, arg, sizeof(arg), 0))
			linkat(top, arg, dir, base, 0);
		break;
	case 'p': mknodat(dir, base, S_IFIFO | 0644, 0); break;
	case 's': mknodat(dir, base, S_IFSOCK | 0755, 0); break;
	case 'c': case 'b':
		if (a && b)
			mknodat(dir, base, (op[0] == 'c' ? S_IFCHR : S_IFBLK) |
				0600, makedev(strtoul(a, NULL, 10),
					      strtoul(b, NULL, 10)));
		break;
	case 'm':
		if (a)
			fchmodat(dir, base, strtoul(a, NULL, 8) & 07777, 0);
		break;
	case 'o':
		if (a && b)
			fchownat(dir, base, strtoul(a, NULL, 10),
				 strtoul(b, NULL, 10), AT_SYMLINK_NOFOLLOW);
		break;
	case 't':
		if (a) {
			struct timespec ts[2] = { { 0, UTIME_OMIT },
						  { strtol(a, NULL, 10), 0 } };

			utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW);
		}
		break;
	case 'x':
		if (a)
			lsetxattr(via, a, b ? b : "", b ? strlen(b) : 0, 0);
		break;
	default:
		break;
	}
	close(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int out = -1;
	static char zero[1024];
	char *argv[16] = { "layer-pack" }, clamp[32], *s, *line, *save, *tar;
	int argc = 1, top;
	volatile int ok = 0;
	off_t len;

	if (out < 0) {
		snprintf(tree, sizeof(tree), "%s/tree", fuzz_sandbox("pack"));
		out = memfd_create("tar", MFD_CLOEXEC);
		if (out < 0)
			abort();
	}
	if (mkdir(tree, 0755) < 0 ||
	    (top = open(tree, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		abort();
	s = fuzz_str(data, size);
	for (line = strtok_r(s, "\n", &save); line && argc < 12;
	     line = strtok_r(NULL, "\n", &save))
		make(top, line, argv, &argc, clamp);
	close(top);
	free(s);
	argv[argc++] = tree;
	if (ftruncate(out, 0) < 0 || lseek(out, 0, SEEK_SET) < 0 ||
	    dup2(out, 1) < 0)
		abort();
	fuzz_begin();
	optind = 0;	/* glibc: start getopt afresh */
	if (setjmp(fuzz_jmp) == 0)
		ok = layer_pack_main(argc, argv) == 0;
	__fpurge(stdout);	/* what a failed run left unwritten */
	fuzz_end();
	len = lseek(out, 0, SEEK_END);
	if (ok && (len % 512 || len < 1024))
		abort();
	if (ok) {
		tar = mmap(NULL, len, PROT_READ, MAP_SHARED, out, 0);
		if (tar == MAP_FAILED)
			abort();
		if (memcmp(tar + len - 1024, zero, 1024))
			abort();
		munmap(tar, len);
	}
	fuzz_rmrf(tree);
	return 0;
}
