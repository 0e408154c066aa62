/* cg-attach-hier - the cgroup hierarchies, the cgroup's place, its files
 *
 * Part of cg-attach (see cg-attach.c and cg-attach.h), shared by its modes.
 * The hierarchies come from /proc/self/mountinfo (co-mounted v1 controllers
 * too), the caller's place in each from /proc/self/cgroup: it may differ
 * from one hierarchy to the next (memory:/a/b while the others are /), so
 * every mode finds the cgroup's directory hierarchy by hierarchy.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/vfs.h>

#include "lib.h"
#include "cg-attach.h"

void pathf(char *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(out, PATH_MAX, fmt, ap);
	va_end(ap);
	if (n < 0 || n >= PATH_MAX)
		diex("path too long: %s", out);
}

/* Is tok one of the sep-separated words of list? */
int has_token(const char *list, const char *tok, int sep)
{
	size_t n = strlen(tok);
	const char *p = list;

	while (strncmp(p, tok, n) || (p[n] && p[n] != sep && p[n] != '\n')) {
		p = strchr(p, sep);
		if (!p++)
			return 0;
	}
	return 1;
}

/* Read a small cgroup file into buf, without its final newline. */
int get(const char *path, char *buf, size_t len)
{
	ssize_t r = 0;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
		n += r;
	close(fd);
	buf[n - (n && buf[n - 1] == '\n')] = '\0';
	return r < 0 ? -1 : 0;
}

/* Write val to dir/file; on failure errno says why. */
int put(const char *dir, const char *file, const char *val)
{
	char path[PATH_MAX];
	int fd, rc, err;

	pathf(path, "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	rc = write(fd, val, strlen(val)) < 0 ? -1 : 0;
	err = errno;
	close(fd);
	errno = err;
	return rc;
}

/* A cgroup name is one path component (slash 0); --parent an absolute
 * path (slash 1). Neither has empty, "." or ".." components. */
int bad_path(const char *s, int slash)
{
	if (slash && *s++ != '/')
		return 1;
	if (slash && !*s)
		return 0;
	for (const char *p = s; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		size_t n = strcspn(p, "/");

		if ((!slash && p[n]) || n == 0 || (p[0] == '.' &&
		    (n == 1 || (n == 2 && p[1] == '.'))))
			return 1;
	}
	return 0;
}

/* The caller's cgroup in one hierarchy, from /proc/self/cgroup: the line
 * whose first controller is among the v1 mount's options, or "0::" (v2). */
static int self_path(int v2, const char *opts, char *out)
{
	char line[PATH_MAX + 256], *c, *p;
	FILE *f = fopen("/proc/self/cgroup", "re");
	int found = 0;

	if (!f)
		die("open /proc/self/cgroup");
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		c = strchr(line, ':');
		p = c ? strchr(++c, ':') : NULL;
		if (!p)
			continue;
		*p++ = '\0';
		c[strcspn(c, ",")] = '\0';
		if (v2 ? !*c : *c && has_token(opts, c, ',')) {
			pathf(out, "%s", p);
			found = 1;
		}
	}
	fclose(f);
	return found;
}

/* Every cgroup hierarchy this process can use, from /proc/self/mountinfo:
 * on pure v2 the one at /sys/fs/cgroup; otherwise every v1 hierarchy, and
 * the hybrid cgroup2 one as optional. None is used yet (see place). */
void find_hierarchies(struct cg *cg)
{
	char line[3 * PATH_MAX], root[PATH_MAX], mnt[PATH_MAX], self[PATH_MAX];
	char dev[MAXH + 1][32], type[32], opts[256], *p;
	struct statfs sf;
	size_t r;
	FILE *f;

	if (statfs("/sys/fs/cgroup", &sf) < 0)
		die("statfs /sys/fs/cgroup");
	cg->v2 = sf.f_type == CGROUP2_SUPER_MAGIC;
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		die("open /proc/self/mountinfo");
	while (cg->n < MAXH && fgets(line, sizeof(line), f)) {
		struct hier *h = &cg->h[cg->n];
		int v2, dup = 0;

		p = strstr(line, " - ");
		if (!p || sscanf(line, "%*d %*d %31s %4095s %4095s",
				 dev[cg->n], root, mnt) != 3 ||
		    sscanf(p + 3, "%31s %*s %255s", type, opts) != 2)
			continue;
		v2 = !strcmp(type, "cgroup2");
		if ((!v2 && strcmp(type, "cgroup")) ||
		    (cg->v2 && (!v2 || strcmp(mnt, "/sys/fs/cgroup"))))
			continue;
		/* a hierarchy mounted twice (same device) counts once */
		for (int i = 0; i < cg->n; i++)
			dup |= !strcmp(dev[i], dev[cg->n]);
		if (dup || !self_path(v2, opts, self))
			continue;
		/* A mount of a subtree shows the paths below its root. */
		r = strcmp(root, "/") ? strlen(root) : 0;
		if (r && !strncmp(self, root, r) && (!self[r] || self[r] == '/'))
			memmove(self, self + r, strlen(self + r) + 1);
		if (!strcmp(self, "/"))
			self[0] = '\0';
		pathf(h->home, "%s%s", mnt, self);
		pathf(h->mnt, "%s", mnt);
		snprintf(h->opts, sizeof(h->opts), "%s", v2 ? "" : opts);
		h->v2 = v2;
		h->optional = v2 && !cg->v2;
		h->used = 0;
		cg->n++;
	}
	fclose(f);
	if (!cg->n)
		diex("no cgroup hierarchy is mounted");
}

/* The cgroup's directory in every hierarchy, all of them used: NAME below
 * the caller's own cgroup there, or below --parent PATH. */
void place(struct cg *cg)
{
	for (int i = 0; i < cg->n; i++) {
		struct hier *h = &cg->h[i];
		const char *base = cg->parent ? h->mnt : h->home;

		pathf(h->dir, "%s%s/%s", base, cg->parent ? cg->parent : "",
		      cg->name);
		h->start = strlen(base);
		h->used = 1;
	}
}

/* Keep using only the hierarchies where the cgroup's directory exists;
 * how many they are. */
int existing(struct cg *cg)
{
	int n = 0;

	for (int i = 0; i < cg->n; i++) {
		struct hier *h = &cg->h[i];

		h->used = h->used && access(h->dir, F_OK) == 0;
		n += h->used;
	}
	return n;
}

/* The used hierarchy that holds controller c (the one, on pure v2). */
struct hier *holder(struct cg *cg, const char *c)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].used && (cg->v2 || (!cg->h[i].v2 &&
		    has_token(cg->h[i].opts, c, ','))))
			return &cg->h[i];
	return NULL;
}

/* Does cgroup2 hierarchy h offer controller c (its root's
 * cgroup.controllers)? On a hybrid layout it has only those no v1
 * hierarchy took. */
int v2_has(const struct hier *h, const char *c)
{
	char path[PATH_MAX], list[512];

	pathf(path, "%s/cgroup.controllers", h->mnt);
	return h->v2 && get(path, list, sizeof(list)) == 0 &&
	       has_token(list, c, ' ');
}

/* The used hierarchy that holds a controller named v1 in cgroup v1 and v2
 * in cgroup2 (blkio and io): a v1 one, else a cgroup2 one that has it (on
 * a hybrid layout hugetlb may be only there). */
struct hier *holder_v1v2(struct cg *cg, const char *v1, const char *v2)
{
	struct hier *h = holder(cg, v1);

	if (h || cg->v2)
		return h;
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].used && v2_has(&cg->h[i], v2))
			return &cg->h[i];
	return NULL;
}

/* The used cgroup2 hierarchy: pure v2's, or a hybrid layout's. */
struct hier *unified(struct cg *cg)
{
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].used && cg->h[i].v2)
			return &cg->h[i];
	return NULL;
}
