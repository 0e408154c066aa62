/* cg-attach - enter a new cgroup below the caller's, then execute a program
 *
 * usage: cg-attach [options] [--] prog [args...]
 *        cg-attach [--parent PATH] --remove NAME
 *        cg-attach [--parent PATH] --pid PID NAME
 *        cg-attach [--parent PATH] --stat NAME
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
 * is writable (cg-attach-hier.c finds the hierarchies and the caller's
 * place in each). If a step fails before the exec, what this run made is
 * undone. --record FILE adds the cgroup's directories to FILE for --sweep.
 * --devices RULES: only the devices RULES name can be opened or made in
 * the cgroup (v1's devices controller, or a v2 BPF program:
 * cg-attach-devices.c). The limits an option gives many times (block
 * I/O, --hugetlb, --unified) are cg-attach-limits.c's; a limit the
 * kernel has no file for fails, naming the file.
 *
 * The other modes run no program, each in a file of its own:
 * --remove NAME kills what runs in the cgroup and removes it
 * (cg-attach-remove.c); --sweep FILE removes the cgroup a --record named,
 * from any cgroup (cg-attach-record.c); --pid PID NAME moves a running
 * process into the cgroup (cg-attach-pid.c); --stat NAME prints what the
 * cgroup uses (cg-attach-stat.c).
 *
 * Does not: create a cgroup namespace (ns-enter --cgroup, after it in the
 * chain), fork, or remove the cgroup when prog ends (run --remove; a failed
 * exec leaves it too).
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else
 * prog's; the modes without prog 0 when done, 125 on failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "lib.h"
#include "cg-attach.h"

#define SYNOPSIS "cg-attach [options] [--] prog [args...]" \
	" | cg-attach [--parent PATH] --remove NAME" \
	" | cg-attach [--parent PATH] --pid PID NAME" \
	" | cg-attach [--parent PATH] --stat NAME | cg-attach --sweep FILE"

/* -h, --help: the usage, then every option, one line each. */
#define OPTIONS \
	"  --name NAME         the cgroup's name (default mustela-PID)\n" \
	"  --parent PATH       below cgroup PATH, not the caller's own\n" \
	"  --memory SIZE       memory limit (K, M, G, T; -1 unlimited)\n" \
	"  --memory-swap SIZE  memory plus swap, at least --memory\n" \
	"  --memory-reservation SIZE  memory kept under pressure (soft)\n" \
	"  --memory-swappiness N  how much to swap, 0-100 (v1 only)\n" \
	"  --oom-kill-disable  no OOM kill: wait at the limit (v1 only)\n" \
	"  --cpus N            CPU bandwidth in CPUs, e.g. 0.5\n" \
	"  --cpu-quota US      CPU time per period (-1 unlimited)\n" \
	"  --cpu-period US     the period of --cpu-quota or --cpus\n" \
	"  --cpu-shares N      relative CPU weight, v1 style (2-262144)\n" \
	"  --cpu-weight N      relative CPU weight, v2 style (1-10000)\n" \
	"  --pids-max N        at most N processes and threads (or max)\n" \
	"  --cpuset-cpus LIST  the CPUs to run on, e.g. 0-2,5\n" \
	"  --cpuset-mems LIST  the memory nodes to allocate from\n" \
	"  --devices RULES     only these devices, TYPE:MAJOR:MINOR:rwm,...\n" \
	"  --blkio-weight N    relative block I/O weight (10-1000)\n" \
	"  --blkio-weight-device DEVICE:N  the weight on one device\n" \
	"  --device-read-bps DEVICE:RATE  bytes per second read at most\n" \
	"  --device-write-bps DEVICE:RATE  bytes per second written\n" \
	"  --device-read-iops DEVICE:RATE  reads per second at most\n" \
	"  --device-write-iops DEVICE:RATE  writes per second at most\n" \
	"  --hugetlb SIZE:LIMIT  huge pages of SIZE (2MB) up to LIMIT bytes\n" \
	"  --unified KEY=VALUE  write VALUE to cgroup v2 file KEY\n" \
	"  --remove NAME       kill what runs in cgroup NAME, remove it\n" \
	"  --record FILE       add the cgroup's directories to FILE\n" \
	"  --sweep FILE        remove the cgroup FILE records, then FILE\n" \
	"  --pid PID NAME      move running process PID into cgroup NAME\n" \
	"  --stat NAME         print what cgroup NAME uses, key value\n" \
	"  -h, --help          print this help\n"

#define UNSET (-2LL)	/* limit not given; -1 means unlimited */

enum mode { ATTACH, REMOVE, SWEEP, PID, STAT };
/* Long options only, and -h (see mustela(7), OPTIONS). */
enum { OPT_NAME = 256, OPT_PARENT, OPT_MEMORY, OPT_SWAP, OPT_CPUS,
       OPT_QUOTA, OPT_PERIOD, OPT_SHARES, OPT_WEIGHT, OPT_PIDS,
       OPT_CPUSET_CPUS, OPT_CPUSET_MEMS, OPT_DEVICES, OPT_RECORD, OPT_REMOVE,
       OPT_SWEEP, OPT_PID, OPT_STAT, OPT_RESERVATION, OPT_SWAPPINESS,
       OPT_OOM, OPT_ITEM };

/* The cgroup v2 controllers a limit may need (cg-attach-limits.c's items
 * name theirs: a --unified file's may be any of them). */
enum { MEM, CPU, PIDS, CPUSET, IO, HUGETLB, RDMA, MISC, NCTRL };
static const char *const ctrl[NCTRL] = { "memory", "cpu", "pids", "cpuset",
	"io", "hugetlb", "rdma", "misc" };

struct lim {
	long long mem, swap;		/* --memory, --memory-swap: bytes */
	long long cpus;			/* --cpus in 1/100000 CPU; 0: not given */
	long long quota, period;	/* --cpu-quota, --cpu-period: us */
	long long shares, weight;	/* --cpu-shares, --cpu-weight */
	const char *pids;		/* --pids-max: a number or "max" */
	const char *cpuset_cpus, *cpuset_mems;
	struct devrule *dev;		/* --devices: ndev rules, or NULL */
	int ndev;
	long long reservation;		/* --memory-reservation: bytes */
	long long swappiness;		/* --memory-swappiness: 0-100 */
	int oom_off;			/* --oom-kill-disable */
	struct items *items;		/* I/O, hugetlb, --unified */
};

/* Undo this run (move back, remove what it made), then die; with err's
 * reason unless err is 0. */
static void fail(struct cg *cg, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4), noreturn));
static void fail(struct cg *cg, int err, const char *fmt, ...)
{
	char msg[2 * PATH_MAX], pid[16], leaf[PATH_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (int i = 0; i < cg->n; i++) {
		if (cg->h[i].moved)
			put(cg->h[i].home, "cgroup.procs", pid);
		if (cg->h[i].leaf && cg->h[i].created) {
			pathf(leaf, "%s/" LEAF, cg->h[i].dir);
			rmdir(leaf);
		}
		if (cg->h[i].created)
			rmdir(cg->h[i].dir);
	}
	if (err)
		diex("%s: %s", msg, strerror(err));
	diex("%s", msg);
}

static void set(struct cg *cg, const char *dir, const char *file,
		const char *val)
{
	if (put(dir, file, val) < 0)
		fail(cg, errno, "write %s/%s", dir, file);
}

/* Write a file of controller c, in the hierarchy that holds it. */
static void setc(struct cg *cg, int c, const char *file, const char *val)
{
	struct hier *h = holder(cg, ctrl[c]);

	if (!h)
		fail(cg, 0, "no %s cgroup hierarchy is mounted", ctrl[c]);
	set(cg, h->dir, file, val);
}

/* cgroup v2: a controller works in a cgroup only when its parent lists it
 * in cgroup.subtree_control, which a non-root cgroup with processes cannot
 * do (the no-internal-processes rule, see cgroups(7); threaded controllers
 * could be enabled, but no process could then join the child). */
static void enable(struct cg *cg, const char *dir, unsigned int mask)
{
	char path[PATH_MAX], cur[512], avail[512], procs[16] = "", plus[16];
	int busy;

	pathf(path, "%s/cgroup.type", dir);
	busy = access(path, F_OK) == 0;		/* the root has none */
	pathf(path, "%s/cgroup.procs", dir);
	busy = busy && get(path, procs, sizeof(procs)) == 0 && procs[0];
	pathf(path, "%s/cgroup.subtree_control", dir);
	if (get(path, cur, sizeof(cur)) < 0)
		fail(cg, errno, "read %s", path);
	pathf(path, "%s/cgroup.controllers", dir);
	if (get(path, avail, sizeof(avail)) < 0)
		fail(cg, errno, "read %s", path);
	pathf(path, "%s/cgroup.subtree_control", dir);
	for (int c = 0; c < NCTRL; c++) {
		if (!(mask & 1u << c) || has_token(cur, ctrl[c], ' '))
			continue;
		if (!has_token(avail, ctrl[c], ' '))
			fail(cg, 0, "no %s controller in %s (cgroup.controllers:"
			     " %s)", ctrl[c], dir, avail[0] ? avail : "none");
		snprintf(plus, sizeof(plus), "+%s", ctrl[c]);
		if (!busy && put(dir, "cgroup.subtree_control", plus) == 0)
			continue;
		if (!busy && errno != EBUSY)
			fail(cg, errno, "write %s to %s", plus, path);
		fail(cg, 0, "write %s to %s: %s (%s has processes: cgroup v2"
		     " enables no controller below such a cgroup; run from a"
		     " cgroup of its own or use --parent)", plus, path,
		     strerror(EBUSY), dir);
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
			fail(cg, errno, "read %s", path);
		if (val[0])
			continue;
		pathf(path, "%s/%s", parent, file[i]);
		if (get(path, val, sizeof(val)) < 0)
			fail(cg, errno, "read %s", path);
		set(cg, dir, file[i], val);
	}
}

/* Create h->dir one level at a time from h->start down; an optional
 * hierarchy that refuses is left unused. */
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
		} else if (errno != EEXIST && h->optional) {
			h->used = 0;
			return;
		} else if (errno != EEXIST) {
			fail(cg, errno, "mkdir %s", d);
		}
		if (cpuset)
			cpuset_init(cg, d);
		d[j] = h->dir[j];
		i = j;
	}
}

/* n in decimal, or the file's word for unlimited when n is -1. */
static const char *num(char *buf, long long n, const char *unlimited)
{
	if (n < 0)
		return unlimited;
	snprintf(buf, 32, "%lld", n);
	return buf;
}

/* The swap limit, whose file exists only with swap accounting on. */
static void set_swap(struct cg *cg, const char *file, const char *val)
{
	struct hier *h = holder(cg, "memory");
	char path[PATH_MAX];

	if (h) {
		pathf(path, "%s/%s", h->dir, file);
		if (access(path, F_OK) < 0)
			fail(cg, 0, "--memory-swap: swap accounting is off"
			     " (no %s)", path);
	}
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
		if (l->reservation != UNSET)
			setc(cg, MEM, "memory.low", num(a, l->reservation, "max"));
		if (l->swappiness != UNSET)
			fail(cg, 0, "--memory-swappiness: cgroup v2 has no"
			     " memory.swappiness (the kernel's vm.swappiness"
			     " applies)");
		if (l->oom_off)
			fail(cg, 0, "--oom-kill-disable: cgroup v2 has no"
			     " memory.oom_control (its OOM killer cannot be"
			     " disabled)");
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
		if (l->reservation != UNSET)
			setc(cg, MEM, "memory.soft_limit_in_bytes",
			     num(a, l->reservation, "-1"));
		if (l->swappiness != UNSET)
			setc(cg, MEM, "memory.swappiness", num(a, l->swappiness, ""));
		if (l->oom_off)
			setc(cg, MEM, "memory.oom_control", "1");
	}
	if (l->pids)
		setc(cg, PIDS, "pids.max", l->pids);
	if (l->cpuset_cpus)
		setc(cg, CPUSET, "cpuset.cpus", l->cpuset_cpus);
	if (l->cpuset_mems)
		setc(cg, CPUSET, "cpuset.mems", l->cpuset_mems);
}

/* --devices: the policy, before anything runs inside. */
static void devices(struct cg *cg, const struct lim *l)
{
	const char *what = "";

	if (l->dev && set_devices(cg, l->dev, l->ndev, &what) < 0)
		fail(cg, errno, "--devices: %s", what);
}

/* The limits given as lists (cg-attach-limits.c). */
static void items(struct cg *cg, const struct lim *l)
{
	char msg[2 * PATH_MAX];

	if (set_items(cg, l->items, msg, sizeof(msg)) < 0)
		fail(cg, errno, "%s", msg);
}

/* The controllers the limits need (once --cpus is a quota). */
static unsigned int controllers(const struct lim *l)
{
	unsigned int mask = 0;

	for (int i = 0; i < l->items->n; i++)
		for (int c = 0; c < NCTRL; c++)
			if (!strcmp(l->items->it[i].ctrl, ctrl[c]))
				mask |= 1u << c;
	if (l->mem != UNSET || l->reservation != UNSET ||
	    l->swappiness != UNSET || l->oom_off)
		mask |= 1u << MEM;
	if (l->quota != UNSET || l->shares != UNSET || l->weight != UNSET)
		mask |= 1u << CPU;
	if (l->pids)
		mask |= 1u << PIDS;
	if (l->cpuset_cpus || l->cpuset_mems)
		mask |= 1u << CPUSET;
	return mask;
}

/* The controllers of mask a hybrid layout's cgroup2 hierarchy h holds (no
 * v1 one has them: hugetlb on some hosts), and those a --unified file of
 * it needs. */
static unsigned int hybrid_mask(struct cg *cg, struct hier *h,
				const struct lim *l, unsigned int mask)
{
	unsigned int m = 0;

	for (int c = 0; c < NCTRL; c++)
		if (mask & 1u << c && holder_v1v2(cg, c == IO ? "blkio" :
		    ctrl[c], ctrl[c]) == h)
			m |= 1u << c;
	for (int i = 0; i < l->items->n; i++)
		for (int c = 0; c < NCTRL; c++)
			if (l->items->it[i].kind == UNIFIED &&
			    !strcmp(l->items->it[i].ctrl, ctrl[c]) &&
			    v2_has(h, ctrl[c]))
				m |= 1u << c;
	return m;
}

/* Does a limit need the cgroup2 hierarchy of a hybrid layout? */
static int needs_v2(const struct lim *l, unsigned int m)
{
	for (int i = 0; i < l->items->n; i++)
		if (l->items->it[i].kind == UNIFIED)
			return 1;
	return m != 0;
}

/* The attach mode: the cgroup in every hierarchy, each level set up before
 * the next, the limits, then move in and become prog. */
static void attach(struct cg *cg, const struct lim *l, const char *rec,
		   char **prog) __attribute__((noreturn));
static void attach(struct cg *cg, const struct lim *l, const char *rec,
		   char **prog)
{
	unsigned int mask = controllers(l);
	char pid[16];

	if (rec)
		record(cg, rec);
	/* The cgroup's directories, then its limits. A hybrid layout's
	 * cgroup2 hierarchy is optional unless a limit is there. */
	for (int i = 0; i < cg->n; i++) {
		struct hier *h = &cg->h[i];
		unsigned int m = mask;

		if (h->optional) {
			m = hybrid_mask(cg, h, l, mask);
			h->optional = !needs_v2(l, m);
		}
		make(cg, h, m);
	}
	apply(cg, l);
	items(cg, l);
	devices(cg, l);

	/* Move in: prog starts inside, limited (below the device policy's
	 * cgroup on v1: see cg-attach-devices.c). */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].used) {
			set(cg, cg->h[i].dir, cg->h[i].leaf ?
			    LEAF "/cgroup.procs" : "cgroup.procs", pid);
			cg->h[i].moved = 1;
		}
	/* Inside now: a sweep finds prog here; prog is not tied to the
	 * parent unless it asks. */
	if (rec && prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0) < 0)
		fail(cg, errno, "prctl PR_SET_PDEATHSIG");
	exec_or_die(prog);
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

/* How many limits were given. */
static int nlimits(const struct lim *l)
{
	return (l->mem != UNSET) + (l->swap != UNSET) + (l->cpus != 0) +
	       (l->quota != UNSET) + (l->period != UNSET) +
	       (l->shares != UNSET) + (l->weight != UNSET) + (l->pids != NULL) +
	       (l->cpuset_cpus != NULL) + (l->cpuset_mems != NULL) +
	       (l->dev != NULL) + (l->reservation != UNSET) +
	       (l->swappiness != UNSET) + l->oom_off + l->items->n;
}

/* The limits that cannot go together; --cpus becomes a quota. */
static void check_limits(struct lim *l)
{
	if ((l->cpus && l->quota != UNSET) ||
	    (l->shares != UNSET && l->weight != UNSET))
		usage(SYNOPSIS, EXIT_SELF);
	if (l->swap != UNSET && l->mem == UNSET)
		diex("--memory-swap needs --memory");
	if (l->swap != UNSET && l->swap >= 0 && (l->mem < 0 || l->swap < l->mem))
		diex("--memory-swap is less than --memory");
	if (l->reservation > 0 && l->mem >= 0 && l->reservation > l->mem)
		diex("--memory-reservation is more than --memory");
	if (l->period != UNSET && l->quota == UNSET && !l->cpus)
		diex("--cpu-period needs --cpu-quota or --cpus");
	if (l->cpus) {
		l->period = l->period == UNSET ? 100000 : l->period;
		/* cpus * period must not wrap: a negative quota is unlimited */
		if (l->period > LLONG_MAX / l->cpus)
			diex("--cpu-period %lld: too long for --cpus", l->period);
		l->quota = l->cpus * l->period / 100000;
	}
}

/* One mode a run: another one given too is a usage error. */
static enum mode one_mode(enum mode mode, enum mode m)
{
	if (mode != ATTACH && mode != m)
		usage(SYNOPSIS, EXIT_SELF);
	return m;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "name", required_argument, NULL, OPT_NAME },
		{ "parent", required_argument, NULL, OPT_PARENT },
		{ "memory", required_argument, NULL, OPT_MEMORY },
		{ "memory-swap", required_argument, NULL, OPT_SWAP },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "cpu-quota", required_argument, NULL, OPT_QUOTA },
		{ "cpu-period", required_argument, NULL, OPT_PERIOD },
		{ "cpu-shares", required_argument, NULL, OPT_SHARES },
		{ "cpu-weight", required_argument, NULL, OPT_WEIGHT },
		{ "pids-max", required_argument, NULL, OPT_PIDS },
		{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET_CPUS },
		{ "cpuset-mems", required_argument, NULL, OPT_CPUSET_MEMS },
		{ "devices", required_argument, NULL, OPT_DEVICES },
		{ "record", required_argument, NULL, OPT_RECORD },
		{ "remove", required_argument, NULL, OPT_REMOVE },
		{ "sweep", required_argument, NULL, OPT_SWEEP },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "stat", required_argument, NULL, OPT_STAT },
		{ "memory-reservation", required_argument, NULL, OPT_RESERVATION },
		{ "memory-swappiness", required_argument, NULL, OPT_SWAPPINESS },
		{ "oom-kill-disable", no_argument, NULL, OPT_OOM },
		{ "blkio-weight", required_argument, NULL, OPT_ITEM + BLKIO_WEIGHT },
		{ "blkio-weight-device", required_argument, NULL,
		  OPT_ITEM + BLKIO_WEIGHT_DEVICE },
		{ "device-read-bps", required_argument, NULL, OPT_ITEM + READ_BPS },
		{ "device-write-bps", required_argument, NULL, OPT_ITEM + WRITE_BPS },
		{ "device-read-iops", required_argument, NULL, OPT_ITEM + READ_IOPS },
		{ "device-write-iops", required_argument, NULL,
		  OPT_ITEM + WRITE_IOPS },
		{ "hugetlb", required_argument, NULL, OPT_ITEM + HUGETLB_LIMIT },
		{ "unified", required_argument, NULL, OPT_ITEM + UNIFIED },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct items lists;
	struct lim l = { .mem = UNSET, .swap = UNSET, .quota = UNSET,
			 .period = UNSET, .shares = UNSET, .weight = UNSET,
			 .reservation = UNSET, .swappiness = UNSET,
			 .items = &lists };
	static struct devrule rules[MAXRULES];
	struct cg cg = { .n = 0 };
	const char *rec = NULL, *arg = NULL;
	enum mode mode = ATTACH;
	char defname[32], **prog = NULL;
	pid_t pid = 0;
	int c;

	progname = "cg-attach";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_NAME: cg.name = optarg; break;
		case OPT_PARENT: cg.parent = optarg; break;
		case OPT_MEMORY: l.mem = size_arg(optarg); break;
		case OPT_SWAP: l.swap = size_arg(optarg); break;
		case OPT_CPUS: l.cpus = cpus_arg(optarg); break;
		case OPT_QUOTA:
			l.quota = num_arg(optarg, "cpu quota", -1, LLONG_MAX);
			break;
		case OPT_PERIOD:
			l.period = num_arg(optarg, "cpu period", 1, LLONG_MAX);
			break;
		case OPT_SHARES:
			l.shares = num_arg(optarg, "cpu shares", 2, 262144);
			break;
		case OPT_WEIGHT:
			l.weight = num_arg(optarg, "cpu weight", 1, 10000);
			break;
		case OPT_PIDS:
			if (strcmp(optarg, "max"))
				num_arg(optarg, "pids max", 0, LLONG_MAX);
			l.pids = optarg;
			break;
		case OPT_CPUSET_CPUS: l.cpuset_cpus = optarg; break;
		case OPT_CPUSET_MEMS: l.cpuset_mems = optarg; break;
		case OPT_DEVICES:
			l.ndev = parse_devices(optarg, rules);
			l.dev = rules;
			break;
		case OPT_RESERVATION: l.reservation = size_arg(optarg); break;
		case OPT_SWAPPINESS:
			l.swappiness = num_arg(optarg, "memory swappiness", 0, 100);
			break;
		case OPT_OOM: l.oom_off = 1; break;
		case OPT_ITEM + BLKIO_WEIGHT:
		case OPT_ITEM + BLKIO_WEIGHT_DEVICE:
		case OPT_ITEM + READ_BPS:
		case OPT_ITEM + WRITE_BPS:
		case OPT_ITEM + READ_IOPS:
		case OPT_ITEM + WRITE_IOPS:
		case OPT_ITEM + HUGETLB_LIMIT:
		case OPT_ITEM + UNIFIED:
			parse_item(&lists, c - OPT_ITEM, optarg);
			break;
		case OPT_RECORD: rec = optarg; break;
		case OPT_REMOVE: mode = one_mode(mode, REMOVE); arg = optarg; break;
		case OPT_SWEEP: mode = one_mode(mode, SWEEP); arg = optarg; break;
		case OPT_PID: mode = one_mode(mode, PID); arg = optarg; break;
		case OPT_STAT: mode = one_mode(mode, STAT); arg = optarg; break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}

	/* What each mode takes: the attach mode limits and prog; --remove,
	 * --pid and --stat NAME (--pid's after the options) and --parent
	 * only; --sweep FILE alone. */
	if (mode != ATTACH && (nlimits(&l) || cg.name || rec))
		usage(SYNOPSIS, EXIT_SELF);
	if (mode == SWEEP && cg.parent)
		usage(SYNOPSIS, EXIT_SELF);
	if (mode == PID && optind < argc && !strcmp(argv[optind], "--"))
		optind++;
	if ((mode == PID && optind != argc - 1) ||
	    (mode != ATTACH && mode != PID && optind < argc))
		usage(SYNOPSIS, EXIT_SELF);
	if (mode == SWEEP) {
		sweep(arg);
		return 0;
	}
	if (mode == ATTACH)
		check_limits(&l);
	if (mode == PID) {
		pid = num_arg(arg, "pid", 1, INT_MAX);
		arg = argv[optind];
	}
	cg.name = mode == ATTACH ? cg.name : arg;
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
	if (mode == ATTACH)
		prog = prog_argv(argc, argv, optind, SYNOPSIS);

	/* The cgroup's directory in every hierarchy, then the mode. */
	find_hierarchies(&cg);
	place(&cg);
	switch (mode) {
	case ATTACH:
		attach(&cg, &l, rec, prog);
	case REMOVE:
		if (!remove_cgroup(&cg))
			diex("remove %s: %s", cg.name, strerror(ENOENT));
		break;
	case PID:
		move_pid(&cg, pid);
		break;
	case STAT:
		print_stat(&cg);
		break;
	default:
		diex("no such mode");
	}
	return 0;
}
