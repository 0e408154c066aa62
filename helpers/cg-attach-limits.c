/* cg-attach-limits - the limits an option gives one of many times: a
 * block device's I/O weight and throttles, a huge page size's limit, a
 * cgroup v2 file
 *
 * Part of cg-attach (see cg-attach.c and cg-attach.h): --blkio-weight,
 * --blkio-weight-device, --device-read-bps, --device-write-bps,
 * --device-read-iops, --device-write-iops (Docker's names), --hugetlb and
 * --unified. Each argument is one item, parsed before anything is made
 * and written after the cgroup's other limits. A kernel without the file
 * an item needs fails it, naming the file: nothing is left out silently.
 *
 * Block I/O: cgroup v1's blkio controller (blkio.throttle.*_device, and
 * for a weight blkio.weight, which only CFQ had (removed in Linux 5.0),
 * or blkio.bfq.weight, there while the BFQ scheduler is loaded); cgroup
 * v2's io (io.max, and io.weight with the iocost controller or
 * io.bfq.weight with BFQ). A weight is Docker's (10 to 1000), converted
 * for io.weight (1 to 10000) as runc does. A rate of 0 lifts a throttle.
 * Huge pages: hugetlb.SIZE.limit_in_bytes (v1) or hugetlb.SIZE.max (v2),
 * in the v1 hierarchy of hugetlb, or else the cgroup2 one (a hybrid
 * layout may have hugetlb only there).
 * --unified KEY=VALUE: VALUE written as given to the file KEY of the
 * cgroup in the cgroup2 hierarchy, pure v2 or hybrid (runc's
 * linux.resources.unified); there is none on a v1-only layout.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "lib.h"
#include "cg-attach.h"

/* Each kind's option, and what its argument is. */
static const struct {
	const char *opt, *form;
} kinds[] = {
	[BLKIO_WEIGHT] = { "--blkio-weight", "10 to 1000" },
	[BLKIO_WEIGHT_DEVICE] = { "--blkio-weight-device",
				  "DEVICE:WEIGHT, WEIGHT 10 to 1000" },
	[READ_BPS] = { "--device-read-bps", "DEVICE:RATE" },
	[WRITE_BPS] = { "--device-write-bps", "DEVICE:RATE" },
	[READ_IOPS] = { "--device-read-iops", "DEVICE:RATE" },
	[WRITE_IOPS] = { "--device-write-iops", "DEVICE:RATE" },
	[HUGETLB_LIMIT] = { "--hugetlb", "SIZE:LIMIT, SIZE as 2MB or 1GB" },
	[UNIFIED] = { "--unified", "KEY=VALUE, KEY a file of the cgroup" },
};
/* The throttles' v1 files and v2 io.max keys. */
static const char *const throttle_v1[] = {
	[READ_BPS] = "blkio.throttle.read_bps_device",
	[WRITE_BPS] = "blkio.throttle.write_bps_device",
	[READ_IOPS] = "blkio.throttle.read_iops_device",
	[WRITE_IOPS] = "blkio.throttle.write_iops_device",
};
static const char *const throttle_v2[] = {
	[READ_BPS] = "rbps", [WRITE_BPS] = "wbps",
	[READ_IOPS] = "riops", [WRITE_IOPS] = "wiops",
};

static void bad(enum item_kind k, const char *arg) __attribute__((noreturn));
static void bad(enum item_kind k, const char *arg)
{
	diex("bad %s: %s (%s)", kinds[k].opt + 2, arg, kinds[k].form);
}

/* DEVICE: a block device's path, or MAJOR:MINOR. */
static void device(struct item *it, const char *dev)
{
	unsigned long maj, min;
	const char *colon = strchr(dev, ':');
	char num[32];
	struct stat st;

	if (dev[0] == '/') {
		if (stat(dev, &st) < 0)
			die("%s %s: stat %s", kinds[it->kind].opt, it->arg, dev);
		if (!S_ISBLK(st.st_mode))
			diex("%s %s: not a block device: %s", kinds[it->kind].opt,
			     it->arg, dev);
		it->major = major(st.st_rdev);
		it->minor = minor(st.st_rdev);
		return;
	}
	if (!colon || (size_t)(colon - dev) >= sizeof(num))
		bad(it->kind, it->arg);
	snprintf(num, sizeof(num), "%.*s", (int)(colon - dev), dev);
	if (parse_ulong(num, &maj) < 0 || parse_ulong(colon + 1, &min) < 0 ||
	    maj > 0xfff || min > 0xfffff)
		bad(it->kind, it->arg);
	it->major = maj;
	it->minor = min;
}

/* A weight, Docker's 10 to 1000. */
static long long weight(enum item_kind k, const char *s, const char *arg)
{
	unsigned long n;

	if (parse_ulong(s, &n) < 0 || n < 10 || n > 1000)
		bad(k, arg);
	return (long long)n;
}

/* KEY=VALUE: KEY one file name of a cgroup, CONTROLLER.NAME (no slash, no
 * "..": nothing outside the cgroup's directory). */
static void unified_arg(struct item *it, const char *arg)
{
	size_t n = strcspn(arg, "=");

	if (!arg[n] || n == 0 || n >= sizeof(it->key) || arg[0] == '.' ||
	    memchr(arg, '/', n) || !memchr(arg, '.', n))
		bad(UNIFIED, arg);
	snprintf(it->key, sizeof(it->key), "%.*s", (int)n, arg);
	if (strstr(it->key, ".."))
		bad(UNIFIED, arg);
	it->val = arg + n + 1;
	/* the controller the file is of ("cgroup.*" is the core's) */
	n = strcspn(arg, ".");
	if (n < sizeof(it->ctrl) && strncmp(arg, "cgroup.", 7))
		snprintf(it->ctrl, sizeof(it->ctrl), "%.*s", (int)n, arg);
}

/* SIZE:LIMIT, SIZE as the kernel names its page sizes (2MB, 1GB, 64KB). */
static void hugetlb_arg(struct item *it, const char *arg)
{
	const char *colon = strchr(arg, ':'), *u;
	unsigned long long n;
	size_t len;

	len = colon ? (size_t)(colon - arg) : 0;
	u = arg + strspn(arg, "0123456789");
	if (!len || len >= sizeof(it->key) || u == arg || u + 2 != colon ||
	    !strchr("KMG", u[0]) || u[1] != 'B')
		bad(HUGETLB_LIMIT, arg);
	snprintf(it->key, sizeof(it->key), "%.*s", (int)len, arg);
	if (!strcmp(colon + 1, "-1"))
		it->n = -1;
	else if (parse_size(colon + 1, &n) < 0 || n > LLONG_MAX)
		bad(HUGETLB_LIMIT, arg);
	else
		it->n = (long long)n;
	snprintf(it->ctrl, sizeof(it->ctrl), "hugetlb");
}

void parse_item(struct items *l, enum item_kind kind, const char *arg)
{
	struct item *it = &l->it[l->n];
	const char *colon = strrchr(arg, ':');
	char dev[PATH_MAX];
	unsigned long long n;
	unsigned long k;

	if (l->n == MAXITEMS)
		diex("%s %s: more than %d limits of lists", kinds[kind].opt, arg,
		     MAXITEMS);
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->arg = arg;
	snprintf(it->ctrl, sizeof(it->ctrl), "io");
	switch (kind) {
	case BLKIO_WEIGHT:
		it->n = weight(kind, arg, arg);
		break;
	case BLKIO_WEIGHT_DEVICE:
	case READ_BPS:
	case WRITE_BPS:
	case READ_IOPS:
	case WRITE_IOPS:
		/* DEVICE:N, DEVICE a path or MAJOR:MINOR */
		if (!colon || colon == arg || (size_t)(colon - arg) >= sizeof(dev))
			bad(kind, arg);
		snprintf(dev, sizeof(dev), "%.*s", (int)(colon - arg), arg);
		if (kind == BLKIO_WEIGHT_DEVICE) {
			it->n = weight(kind, colon + 1, arg);
		} else if (kind == READ_BPS || kind == WRITE_BPS) {
			if (parse_size(colon + 1, &n) < 0 || n > LLONG_MAX)
				bad(kind, arg);
			it->n = (long long)n;
		} else {
			if (parse_ulong(colon + 1, &k) < 0 || k > LLONG_MAX)
				bad(kind, arg);
			it->n = (long long)k;
		}
		device(it, dev);
		break;
	case HUGETLB_LIMIT:
		hugetlb_arg(it, arg);
		break;
	case UNIFIED:
		it->ctrl[0] = '\0';
		unified_arg(it, arg);
		break;
	default:
		diex("no such limit");
	}
	l->n++;
}

/* Say what failed in msg; -1 with errno err. */
static int failed(char *msg, size_t len, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int failed(char *msg, size_t len, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	errno = err;
	return -1;
}

/* Write val to h->dir/file; on failure say which file. */
static int write_file(const struct hier *h, const char *file, const char *val,
		      char *msg, size_t len)
{
	if (put(h->dir, file, val) < 0)
		return failed(msg, len, errno, "write %s to %s/%s", val,
			      h->dir, file);
	return 0;
}

/* Does h->dir/file exist? */
static int exists(const struct hier *h, const char *file)
{
	char path[PATH_MAX];

	pathf(path, "%s/%s", h->dir, file);
	return access(path, F_OK) == 0;
}

/* A weight, for the whole cgroup or one device: the first of the files
 * the kernel has (see the header). */
static int set_weight(const struct hier *h, const struct item *it,
		      char *msg, size_t len)
{
	const char *v1[2] = { "blkio.weight", "blkio.bfq.weight" };
	const char *v2[2] = { "io.weight", "io.bfq.weight" };
	const char **f = h->v2 ? v2 : v1;
	const char *suffix = it->kind == BLKIO_WEIGHT_DEVICE && !h->v2 ?
			     "_device" : "";
	char file[2][64], val[64];
	long long w = it->n;
	int dev = it->kind == BLKIO_WEIGHT_DEVICE;

	for (int i = 0; i < 2; i++) {
		snprintf(file[i], sizeof(file[i]), "%s%s", f[i], suffix);
		if (!exists(h, file[i]))
			continue;
		/* io.weight is 1 to 10000 (runc's conversion) */
		if (h->v2 && i == 0)
			w = 1 + (w - 10) * 9999 / 990;
		if (dev)
			snprintf(val, sizeof(val), "%u:%u %lld", it->major,
				 it->minor, w);
		else
			snprintf(val, sizeof(val), "%lld", w);
		return write_file(h, file[i], val, msg, len);
	}
	return failed(msg, len, 0, "%s %s: no %s or %s in %s (%s)",
		      kinds[it->kind].opt, it->arg, file[0], file[1], h->dir, h->v2 ?
		      "the kernel has neither the iocost controller nor the BFQ"
		      " I/O scheduler" : "no CFQ since Linux 5.0, and no BFQ"
		      " I/O scheduler loaded");
}

/* A throttle: v1 its file, v2 a key of io.max; a rate of 0 lifts it. */
static int set_throttle(const struct hier *h, const struct item *it,
			char *msg, size_t len)
{
	char val[96], n[32];

	if (!h->v2) {
		snprintf(val, sizeof(val), "%u:%u %lld", it->major, it->minor,
			 it->n);
		return write_file(h, throttle_v1[it->kind], val, msg, len);
	}
	snprintf(n, sizeof(n), "%lld", it->n);
	snprintf(val, sizeof(val), "%u:%u %s=%s", it->major, it->minor,
		 throttle_v2[it->kind], it->n ? n : "max");
	return write_file(h, "io.max", val, msg, len);
}

static int set_hugetlb(const struct hier *h, const struct item *it,
		       char *msg, size_t len)
{
	char file[96], val[32];

	snprintf(file, sizeof(file), "hugetlb.%s.%s", it->key,
		 h->v2 ? "max" : "limit_in_bytes");
	if (!exists(h, file))
		return failed(msg, len, 0, "--hugetlb %s: no %s huge pages"
			      " here (no %s in %s)", it->arg, it->key, file,
			      h->dir);
	if (it->n < 0)
		snprintf(val, sizeof(val), "%s", h->v2 ? "max" : "-1");
	else
		snprintf(val, sizeof(val), "%lld", it->n);
	return write_file(h, file, val, msg, len);
}

static int set_unified(struct cg *cg, const struct item *it, char *msg,
		       size_t len)
{
	struct hier *h = unified(cg);

	if (!h)
		return failed(msg, len, 0, "--unified %s: no cgroup v2"
			      " hierarchy is mounted", it->arg);
	if (it->ctrl[0] && !v2_has(h, it->ctrl))
		return failed(msg, len, 0, "--unified %s: no %s controller in"
			      " the cgroup v2 hierarchy %s", it->arg, it->ctrl,
			      h->mnt);
	return write_file(h, it->key, it->val, msg, len);
}

int set_items(struct cg *cg, const struct items *l, char *msg, size_t len)
{
	const struct item *it;
	struct hier *h;

	for (int i = 0; i < l->n; i++) {
		it = &l->it[i];
		if (it->kind == UNIFIED) {
			if (set_unified(cg, it, msg, len) < 0)
				return -1;
			continue;
		}
		h = it->kind == HUGETLB_LIMIT ? holder_v1v2(cg, "hugetlb", "hugetlb") :
		    holder_v1v2(cg, "blkio", "io");
		if (!h)
			return failed(msg, len, 0, "%s %s: no %s cgroup"
				      " controller is mounted", kinds[it->kind].opt,
				      it->arg, it->kind == HUGETLB_LIMIT ?
				      "hugetlb" : "blkio (io)");
		if ((it->kind == BLKIO_WEIGHT || it->kind == BLKIO_WEIGHT_DEVICE ?
		     set_weight(h, it, msg, len) : it->kind == HUGETLB_LIMIT ?
		     set_hugetlb(h, it, msg, len) :
		     set_throttle(h, it, msg, len)) < 0)
			return -1;
	}
	return 0;
}
