/* cg-attach - enter a new cgroup below the caller's, then execute a program
 *
 * usage: cg-attach [options] [--] prog [args...]
 *        cg-attach [--parent PATH] --remove NAME
 *        cg-attach --sweep FILE
 *
 * Changes: creates (or joins) the cgroup NAME (default mustela-PID) below
 * the caller's own cgroup, or below --parent PATH, writes the limits into
 * it, moves this process in and executes prog, which starts limited.
 * The layout is detected at run time. If /sys/fs/cgroup is a cgroup2
 * filesystem (pure v2), the needed controllers are enabled in
 * cgroup.subtree_control from the caller's cgroup down. Otherwise (v1 or
 * hybrid) the cgroup is made in every mounted v1 hierarchy, as Docker does,
 * so the freezer is there for --remove, and in the hybrid cgroup2 one if it
 * is writable. Hierarchies come from /proc/self/mountinfo (co-mounted
 * controllers too), the caller's place in each from /proc/self/cgroup.
 * If a step fails before the exec, what this run made is undone.
 * --remove freezes (v1) or cgroup.kill's (v2) the cgroup, SIGKILLs what is
 * left, waits until it is empty and removes it, nested cgroups included.
 * --record FILE: FILE holds the pid of the supervisor, the parent that
 * removes the cgroup when prog ends (written by it); before anything is
 * made, the cgroup's directory in each hierarchy is added, and until the
 * exec cg-attach dies with the supervisor. --sweep FILE, run by that
 * supervisor or once it is gone, removes those directories as --remove
 * does, then FILE: from any cgroup, so a later run can remove what a
 * killed supervisor left without knowing where it ran.
 *
 * Does not: create a cgroup namespace (ns-enter --cgroup, after it in the
 * chain), fork, or remove the cgroup when prog ends (run --remove; a failed
 * exec leaves it too).
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include "lib.h"

#define SYNOPSIS "cg-attach [options] [--] prog [args...]" \
	" | cg-attach [--parent PATH] --remove NAME | cg-attach --sweep FILE"
#define MAXH 16		/* hierarchies handled */
#define UNSET (-2LL)	/* option not given; -1 means unlimited */
#define TRIES 500	/* polls 10 ms apart: 5 s for processes to go */

enum { MEM, CPU, PIDS, CPUSET, NCTRL };
static const char *const ctrl[NCTRL] = { "memory", "cpu", "pids", "cpuset" };

struct hier {
	char dir[PATH_MAX];	/* the cgroup to create, join or remove */
	char home[PATH_MAX];	/* the caller's own cgroup in this hierarchy */
	char mnt[PATH_MAX];	/* where the hierarchy is mounted */
	char opts[256];		/* v1: the superblock options name controllers */
	size_t start;		/* dir[0..start) exists: create from there */
	int v2, optional, skip, created, moved;
};

struct cg {
	struct hier h[MAXH];
	int n, v2;		/* v2: /sys/fs/cgroup is cgroup2 */
	const char *name, *parent, *record;
};

struct lim {
	long long mem, swap, quota, period, shares, weight;
	const char *pids, *cpus, *mems;
};

static void fail(struct cg *cg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

static void pathf(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void pathf(char *out, const char *fmt, ...)
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
static int has_token(const char *list, const char *tok, int sep)
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
static int get(const char *path, char *buf, size_t len)
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

static int put(const char *dir, const char *file, const char *val)
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

/* Undo this run (move back, remove what it made), then die. */
static void fail(struct cg *cg, const char *fmt, ...)
{
	char msg[2 * PATH_MAX], pid[16];
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (int i = 0; i < cg->n; i++) {
		if (cg->h[i].moved)
			put(cg->h[i].home, "cgroup.procs", pid);
		if (cg->h[i].created)
			rmdir(cg->h[i].dir);
	}
	errno = err;
	if (err)
		die("%s", msg);
	diex("%s", msg);
}

static void set(struct cg *cg, const char *dir, const char *file,
		const char *val)
{
	if (put(dir, file, val) < 0)
		fail(cg, "write %s/%s", dir, file);
}

/* The hierarchy that holds controller c (any, on pure v2). */
static struct hier *holder(struct cg *cg, const char *c)
{
	for (int i = 0; i < cg->n; i++)
		if (!cg->h[i].skip && (cg->v2 || (!cg->h[i].v2 &&
		    has_token(cg->h[i].opts, c, ','))))
			return &cg->h[i];
	return NULL;
}

static void setc(struct cg *cg, int c, const char *file, const char *val)
{
	struct hier *h = holder(cg, ctrl[c]);

	errno = 0;
	if (!h)
		fail(cg, "no %s cgroup hierarchy is mounted", ctrl[c]);
	set(cg, h->dir, file, val);
}

/* The caller's cgroup in one hierarchy, from /proc/self/cgroup: the line
 * whose first controller is among the v1 mount's options, or "0::" (v2). */
static int self_path(int v2, const char *opts, char *out)
{
	char line[PATH_MAX + 256], *c, *p;
	FILE *f = fopen("/proc/self/cgroup", "re");
	int rc = -1;

	if (!f)
		die("open /proc/self/cgroup");
	while (rc < 0 && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		c = strchr(line, ':');
		p = c ? strchr(++c, ':') : NULL;
		if (!p)
			continue;
		*p++ = '\0';
		c[strcspn(c, ",")] = '\0';
		if (v2 ? !*c : *c && has_token(opts, c, ',')) {
			pathf(out, "%s", p);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

/* Every cgroup hierarchy this process can use, from /proc/self/mountinfo. */
static void find(struct cg *cg)
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
		for (int i = 0; i < cg->n; i++)
			dup |= !strcmp(dev[i], dev[cg->n]);
		if (dup || self_path(v2, opts, self) < 0)
			continue;
		/* A mount of a subtree shows the paths below its root. */
		r = strcmp(root, "/") ? strlen(root) : 0;
		if (r && !strncmp(self, root, r) && (!self[r] || self[r] == '/'))
			memmove(self, self + r, strlen(self + r) + 1);
		if (!strcmp(self, "/"))
			self[0] = '\0';
		pathf(h->home, "%s%s", mnt, self);
		pathf(h->mnt, "%s", mnt);
		pathf(h->dir, "%s%s/%s", cg->parent ? mnt : h->home,
		      cg->parent ? cg->parent : "", cg->name);
		h->start = strlen(cg->parent ? mnt : h->home);
		snprintf(h->opts, sizeof(h->opts), "%s", v2 ? "" : opts);
		h->v2 = v2;
		h->optional = v2 && !cg->v2;
		cg->n++;
	}
	fclose(f);
	if (!cg->n)
		diex("no cgroup hierarchy is mounted");
}

/* cgroup v2: a controller works in a cgroup only when its parent lists it
 * in cgroup.subtree_control, which a non-root cgroup with processes cannot
 * do (the no-internal-processes rule, see cgroups(7); threaded controllers
 * could be enabled, but no process could then join the child). */
static void enable(struct cg *cg, const char *dir, unsigned int mask)
{
	char path[PATH_MAX], cur[512], procs[16] = "", plus[16];
	int busy;

	pathf(path, "%s/cgroup.type", dir);
	busy = access(path, F_OK) == 0;		/* the root has none */
	pathf(path, "%s/cgroup.procs", dir);
	busy = busy && get(path, procs, sizeof(procs)) == 0 && procs[0];
	pathf(path, "%s/cgroup.subtree_control", dir);
	if (get(path, cur, sizeof(cur)) < 0)
		fail(cg, "read %s", path);
	for (int c = 0; c < NCTRL; c++) {
		if (!(mask & 1u << c) || has_token(cur, ctrl[c], ' '))
			continue;
		snprintf(plus, sizeof(plus), "+%s", ctrl[c]);
		if (!busy && put(dir, "cgroup.subtree_control", plus) == 0)
			continue;
		if (!busy && errno != EBUSY)
			fail(cg, "write %s to %s", plus, path);
		errno = 0;
		fail(cg, "write %s to %s: %s (%s has processes: cgroup v2 enables"
		     " no controller below such a cgroup; run from a cgroup of"
		     " its own or use --parent)", plus, path, strerror(EBUSY),
		     dir);
	}
}

/* cgroup v1 cpuset: a new cgroup starts with no CPUs and no memory nodes,
 * and nothing can join it until it has some: copy its parent's. */
static void cpuset_init(struct cg *cg, const char *dir)
{
	static const char *const file[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[PATH_MAX], path[PATH_MAX], val[4096];

	pathf(parent, "%s", dir);
	*strrchr(parent, '/') = '\0';
	for (int i = 0; i < 2; i++) {
		pathf(path, "%s/%s", dir, file[i]);
		if (get(path, val, sizeof(val)) < 0)
			fail(cg, "read %s", path);
		if (val[0])
			continue;
		pathf(path, "%s/%s", parent, file[i]);
		if (get(path, val, sizeof(val)) < 0)
			fail(cg, "read %s", path);
		set(cg, dir, file[i], val);
	}
}

/* Create h->dir one level at a time from h->start down. */
static void make(struct cg *cg, struct hier *h, unsigned int mask)
{
	int cpuset = !h->v2 && has_token(h->opts, "cpuset", ',');
	size_t i = h->start, j;
	char d[PATH_MAX];

	pathf(d, "%s", h->dir);
	while (d[i] == '/') {
		d[i] = '\0';
		if (h->v2 && mask)
			enable(cg, d, mask);
		d[i] = '/';
		j = i + 1 + strcspn(d + i + 1, "/");
		d[j] = '\0';
		if (mkdir(d, 0755) == 0) {
			h->created = j == strlen(h->dir);
		} else if (errno != EEXIST) {
			if (h->optional)
				return (void)(h->skip = 1);
			fail(cg, "mkdir %s", d);
		}
		if (cpuset)
			cpuset_init(cg, d);
		d[j] = h->dir[j];
		i = j;
	}
}

static const char *num(char *buf, long long n, const char *unlimited)
{
	if (n < 0)
		return unlimited;
	snprintf(buf, 32, "%lld", n);
	return buf;
}

static void set_swap(struct cg *cg, const char *file, const char *val)
{
	struct hier *h = holder(cg, "memory");
	char path[PATH_MAX];

	pathf(path, "%s/%s", h ? h->dir : "", file);
	errno = 0;
	if (h && access(path, F_OK) < 0)
		fail(cg, "--memory-swap: swap accounting is off (no %s)", path);
	setc(cg, MEM, file, val);
}

/* The limits, in the v1 or the v2 files (see the table in cg-attach(1)). */
static void apply(struct cg *cg, const struct lim *l)
{
	char a[32], b[96], path[PATH_MAX];
	struct hier *h = holder(cg, "memory");
	int swap_first;

	if (cg->v2) {
		if (l->mem != UNSET)
			setc(cg, MEM, "memory.max", num(a, l->mem, "max"));
		if (l->swap != UNSET)
			set_swap(cg, "memory.swap.max", num(a, l->swap < 0 ? -1 :
				 l->swap - l->mem, "max"));
		snprintf(b, sizeof(b), "%s %lld", num(a, l->quota, "max"),
			 l->period);
		if (l->quota != UNSET && l->period == UNSET)
			b[strcspn(b, " ")] = '\0';
		if (l->quota != UNSET)
			setc(cg, CPU, "cpu.max", b);
		if (l->shares != UNSET || l->weight != UNSET)
			setc(cg, CPU, "cpu.weight", num(a, l->weight != UNSET ?
			     l->weight : 1 + (l->shares - 2) * 9999 / 262142, ""));
	} else {
		/* memory+swap may never be below memory: raise first the
		 * one that grows (runc's order). */
		swap_first = l->swap != UNSET && h;
		if (swap_first && l->swap >= 0) {
			pathf(path, "%s/memory.limit_in_bytes", h->dir);
			swap_first = get(path, b, sizeof(b)) == 0 &&
				     strtoull(b, NULL, 10) < (unsigned long long)l->swap;
		}
		if (swap_first)
			set_swap(cg, "memory.memsw.limit_in_bytes", num(a, l->swap, "-1"));
		if (l->mem != UNSET)
			setc(cg, MEM, "memory.limit_in_bytes", num(a, l->mem, "-1"));
		if (l->swap != UNSET && !swap_first)
			set_swap(cg, "memory.memsw.limit_in_bytes", num(a, l->swap, "-1"));
		if (l->period != UNSET)
			setc(cg, CPU, "cpu.cfs_period_us", num(a, l->period, ""));
		if (l->quota != UNSET)
			setc(cg, CPU, "cpu.cfs_quota_us", num(a, l->quota, "-1"));
		if (l->shares != UNSET || l->weight != UNSET)
			setc(cg, CPU, "cpu.shares", num(a, l->shares != UNSET ?
			     l->shares : 2 + (l->weight - 1) * 262142 / 9999, ""));
	}
	if (l->pids)
		setc(cg, PIDS, "pids.max", l->pids);
	if (l->cpus)
		setc(cg, CPUSET, "cpuset.cpus", l->cpus);
	if (l->mems)
		setc(cg, CPUSET, "cpuset.mems", l->mems);
}

/* SIGKILL every process in dir and below; how many there were. */
static int kill_tree(const char *dir)
{
	char path[PATH_MAX], buf[16384], *p, *save;
	struct dirent *e;
	int n = 0;
	DIR *d;

	pathf(path, "%s/cgroup.procs", dir);
	if (get(path, buf, sizeof(buf)) == 0)
		for (p = strtok_r(buf, "\n", &save); p; p = strtok_r(NULL, "\n", &save))
			n += kill(atoi(p), SIGKILL) == 0 || errno != ESRCH;
	d = opendir(dir);
	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			pathf(path, "%s/%s", dir, e->d_name);
			n += kill_tree(path);
		}
	if (d)
		closedir(d);
	return n;
}

/* Remove dir, the cgroups nested in it first. */
static void rm_tree(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d = opendir(dir);

	while (d && (e = readdir(d)))
		if (e->d_type == DT_DIR && e->d_name[0] != '.') {
			pathf(path, "%s/%s", dir, e->d_name);
			rm_tree(path);
		}
	if (d)
		closedir(d);
	/* ENOENT: removed meanwhile (by another --remove or --sweep) */
	for (int i = 0; rmdir(dir) < 0 && errno != ENOENT; i++)
		if (errno != EBUSY || i == TRIES || usleep(10000) < 0)
			die("rmdir %s", dir);
}

/* Remove the cgroup wherever it is (a hierarchy marked skip is left);
 * with missing_ok, nothing there at all is no error. */
static void remove_cg(struct cg *cg, int missing_ok)
{
	char path[PATH_MAX], state[32] = "";
	struct hier *fz;
	int found = 0, n = 1;

	for (int i = 0; i < cg->n; i++)
		found |= !(cg->h[i].skip = cg->h[i].skip ||
			   access(cg->h[i].dir, F_OK) < 0);
	errno = ENOENT;
	if (!found && missing_ok)
		return;
	if (!found)
		die("remove %s", cg->name);
	/* v1: freeze it, so that nothing forks while it is being killed. */
	fz = cg->v2 ? NULL : holder(cg, "freezer");
	if (fz) {
		set(cg, fz->dir, "freezer.state", "FROZEN");
		pathf(path, "%s/freezer.state", fz->dir);
		for (int i = 0; i < TRIES && strcmp(state, "FROZEN"); i++)
			if (get(path, state, sizeof(state)) < 0 ||
			    (strcmp(state, "FROZEN") && usleep(10000) < 0))
				break;
	}
	/* v2: the kernel kills the whole subtree (Linux 5.14). */
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].v2 && !cg->h[i].skip &&
		    put(cg->h[i].dir, "cgroup.kill", "1") < 0 && errno != ENOENT)
			fail(cg, "write %s/cgroup.kill", cg->h[i].dir);
	for (int t = 0; n && t < TRIES; t++) {
		n = 0;
		for (int i = 0; i < cg->n; i++)
			if (!cg->h[i].skip)
				n += kill_tree(cg->h[i].dir);
		if (fz && t == 0)
			set(cg, fz->dir, "freezer.state", "THAWED");
		if (n)
			usleep(10000);
	}
	for (int i = 0; i < cg->n; i++)
		if (!cg->h[i].skip)
			rm_tree(cg->h[i].dir);
}

/* A cgroup name is one path component; --parent an absolute path. */
static int bad_path(const char *s, int slash)
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

/* --record FILE: FILE holds the supervisor's pid (the caller wrote it: the
 * parent of this process, which removes the cgroup when prog ends); each
 * hierarchy's directory is added, one a line, under a lock (flock) held
 * until the exec, when this process is in the cgroup, or its death:
 * --sweep waits for it. Until the exec the supervisor's death kills this
 * process, and a supervisor already gone is refused: nothing is made that a
 * sweep could miss. */
static void record(struct cg *cg)
{
	char line[32];
	ssize_t n;
	long pid;
	int fd, ok = 1;

	fd = open(cg->record, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		die("record %s", cg->record);
	n = pread(fd, line, sizeof(line) - 1, 0);
	line[n > 0 ? n : 0] = '\0';
	if ((pid = atol(line)) <= 0 || !strchr(line, '\n'))
		diex("record %s: no supervisor's pid on its first line",
		     cg->record);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die("prctl PR_SET_PDEATHSIG");
	if (getppid() != (pid_t)pid)
		diex("record %s: the supervisor, pid %ld, is not the parent"
		     " (gone?)", cg->record, pid);
	for (int i = 0; i < cg->n; i++)
		ok = ok && dprintf(fd, "%s\n", cg->h[i].dir) > 0;
	if (!ok)
		die("record %s", cg->record);
	/* fd stays open, and locked, until the exec */
}

/* --sweep FILE: the cgroup --record wrote to FILE, by its parent (the
 * supervisor, our own parent then) or once that is gone. */
static void sweep(struct cg *cg, const char *file)
{
	char line[PATH_MAX + 2], *d;
	long pid = 0;
	int fd, i;
	FILE *f;

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("sweep %s", file);
	/* A cg-attach still making it holds the lock: wait for its exec or
	 * its end. */
	for (i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++)
		if (errno != EWOULDBLOCK || i == TRIES || usleep(10000) < 0)
			die("sweep %s: lock", file);
	f = fdopen(fd, "r");
	if (!f)
		die("sweep %s", file);
	if (!fgets(line, sizeof(line), f) || (pid = atol(line)) <= 0)
		diex("sweep %s: not a record of cg-attach --record", file);
	if (pid != getppid() && (kill((pid_t)pid, 0) == 0 || errno == EPERM))
		diex("sweep %s: pid %ld is alive", file, pid);
	/* Each hierarchy this process sees: the directory recorded in it. */
	cg->name = "(recorded)";
	find(cg);
	for (i = 0; i < cg->n; i++)
		cg->h[i].skip = 1;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		for (i = 0; i < cg->n; i++) {
			size_t m = strlen(cg->h[i].mnt);

			d = line + m;
			if (!strncmp(line, cg->h[i].mnt, m) && *d == '/' &&
			    !bad_path(d, 1) && strlen(d) > 1)
				break;
		}
		if (i < cg->n) {
			pathf(cg->h[i].dir, "%s", line);
			cg->h[i].skip = 0;
		}
	}
	remove_cg(cg, 1);
	if (unlink(file) < 0 && errno != ENOENT)
		die("sweep: remove %s", file);
	fclose(f);
}

static long long size_arg(const char *s)
{
	unsigned long long n;

	if (!strcmp(s, "-1"))
		return -1;
	if (parse_size(s, &n) < 0 || n > LLONG_MAX)
		diex("bad size: %s", s);
	return (long long)n;
}

static long long num_arg(const char *s, const char *what, long long lo,
			 long long hi)
{
	unsigned long n;

	if (lo < 0 && !strcmp(s, "-1"))
		return -1;
	if (parse_ulong(s, &n) < 0 || (long long)n < lo || n > (unsigned long)hi)
		diex("bad %s: %s", what, s);
	return (long long)n;
}

/* "1.5" CPUs in 1/100000 of a CPU: the quota for a 100000 us period. */
static long long cpus_arg(const char *s)
{
	long long n = 0, unit = 100000;
	const char *p = s;

	for (; *p >= '0' && *p <= '9' && n < 100000000; p++)
		n = n * 10 + *p - '0';
	n *= unit;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9' && unit > 1; p++)
			n += (*p - '0') * (unit /= 10);
	if (*p || p == s || n == 0)
		diex("bad cpus: %s", s);
	return n;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, 'n' },
		{ "parent", required_argument, NULL, 'u' },
		{ "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, 's' },
		{ "cpus", required_argument, NULL, 'c' },
		{ "cpu-quota", required_argument, NULL, 'q' },
		{ "cpu-period", required_argument, NULL, 'p' },
		{ "cpu-shares", required_argument, NULL, 'S' },
		{ "cpu-weight", required_argument, NULL, 'w' },
		{ "pids-max", required_argument, NULL, 'P' },
		{ "cpuset-cpus", required_argument, NULL, 'C' },
		{ "cpuset-mems", required_argument, NULL, 'M' },
		{ "remove", required_argument, NULL, 'r' },
		{ "record", required_argument, NULL, 'R' },
		{ "sweep", required_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct lim l = { UNSET, UNSET, UNSET, UNSET, UNSET, UNSET, NULL, NULL,
			 NULL };
	struct cg cg = { .n = 0 };
	char defname[32], pid[16], *remove = NULL, *sweep_file = NULL;
	long long cpus = 0;
	unsigned int mask = 0;
	int c, limits = 0;

	progname = "cg-attach";
	while ((c = getopt_long(argc, argv, "+n:u:m:s:c:q:p:S:w:P:C:M:r:h",
				longopts, NULL)) != -1) {
		limits += !strchr("nurRWh", c);
		switch (c) {
		case 'n': cg.name = optarg; break;
		case 'u': cg.parent = optarg; break;
		case 'm': l.mem = size_arg(optarg); break;
		case 's': l.swap = size_arg(optarg); break;
		case 'c': cpus = cpus_arg(optarg); break;
		case 'q': l.quota = num_arg(optarg, "cpu quota", -1, LLONG_MAX); break;
		case 'p': l.period = num_arg(optarg, "cpu period", 1, LLONG_MAX); break;
		case 'S': l.shares = num_arg(optarg, "cpu shares", 2, 262144); break;
		case 'w': l.weight = num_arg(optarg, "cpu weight", 1, 10000); break;
		case 'P':
			if (strcmp(optarg, "max"))
				num_arg(optarg, "pids max", 0, LLONG_MAX);
			l.pids = optarg;
			break;
		case 'C': l.cpus = optarg; break;
		case 'M': l.mems = optarg; break;
		case 'r': remove = optarg; break;
		case 'R': cg.record = optarg; break;
		case 'W': sweep_file = optarg; break;
		case 'h': usage(SYNOPSIS, 0);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (sweep_file) {
		if (limits || cg.name || cg.parent || cg.record || remove ||
		    optind < argc)
			usage(SYNOPSIS, EXIT_SELF);
		sweep(&cg, sweep_file);
		return 0;
	}
	if ((remove && (limits || cg.name || cg.record || optind < argc)) ||
	    (cpus && l.quota != UNSET) ||
	    (l.shares != UNSET && l.weight != UNSET))
		usage(SYNOPSIS, EXIT_SELF);
	if (l.swap != UNSET && l.mem == UNSET)
		diex("--memory-swap needs --memory");
	if (l.swap != UNSET && l.swap >= 0 && (l.mem < 0 || l.swap < l.mem))
		diex("--memory-swap is less than --memory");
	if (l.period != UNSET && l.quota == UNSET && !cpus)
		diex("--cpu-period needs --cpu-quota or --cpus");
	if (cpus) {
		l.period = l.period == UNSET ? 100000 : l.period;
		l.quota = cpus * l.period / 100000;
	}
	if (remove)
		cg.name = remove;
	if (!cg.name) {
		snprintf(defname, sizeof(defname), "mustela-%d", (int)getpid());
		cg.name = defname;
	}
	if (bad_path(cg.name, 0))
		diex("bad name: %s", cg.name);
	if (cg.parent && bad_path(cg.parent, 1))
		diex("bad parent: %s", cg.parent);
	if (cg.parent && !strcmp(cg.parent, "/"))
		cg.parent = "";
	if (!remove)
		argv = prog_argv(argc, argv, optind, SYNOPSIS);
	find(&cg);
	if (remove) {
		remove_cg(&cg, 0);
		return 0;
	}
	if (cg.record)
		record(&cg);
	mask = (l.mem != UNSET) << MEM | (l.quota != UNSET || l.shares != UNSET ||
		l.weight != UNSET) << CPU | !!l.pids << PIDS |
		(l.cpus || l.mems) << CPUSET;

	/* The cgroup: every hierarchy, each level set up before the next. */
	for (int i = 0; i < cg.n; i++)
		make(&cg, &cg.h[i], cg.h[i].optional ? 0 : mask);
	apply(&cg, &l);

	/* Move in: prog starts inside, limited. */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (int i = 0; i < cg.n; i++)
		if (!cg.h[i].skip) {
			set(&cg, cg.h[i].dir, "cgroup.procs", pid);
			cg.h[i].moved = 1;
		}
	/* Inside now: a sweep finds prog here; prog is not tied to the
	 * parent unless it asks. */
	if (cg.record && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		fail(&cg, "prctl PR_SET_PDEATHSIG");
	exec_or_die(argv);
}
