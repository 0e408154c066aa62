/* cg-attach - what its parts share (helpers/cg-attach*.c, see cg-attach.c)
 *
 * A cgroup NAME is one directory in each cgroup hierarchy: struct cg holds
 * the hierarchies this process sees (cg-attach-hier.c finds them) and the
 * cgroup's directory in each. Each mode is its own file: attach (creating,
 * limiting and moving in: cg-attach.c), --remove (cg-attach-remove.c),
 * --record and --sweep (cg-attach-record.c), --pid (cg-attach-pid.c) and
 * --stat (cg-attach-stat.c); the attach mode's --devices policy is
 * cg-attach-devices.c, its limits given as lists (block I/O, hugetlb,
 * --unified) cg-attach-limits.c.
 */
#ifndef MUSTELA_CG_ATTACH_H
#define MUSTELA_CG_ATTACH_H

#include <limits.h>
#include <sys/types.h>

#define MAXH 16		/* hierarchies handled */
#define TRIES 500	/* polls 10 ms apart: 5 s for processes to go */

struct hier {
	char mnt[PATH_MAX];	/* where the hierarchy is mounted */
	char home[PATH_MAX];	/* the caller's own cgroup in this hierarchy */
	char dir[PATH_MAX];	/* the cgroup NAME in this hierarchy */
	char opts[256];		/* v1: the superblock options name controllers */
	size_t start;		/* dir[0..start) exists: create from there */
	int v2;			/* a cgroup2 hierarchy */
	int optional;		/* hybrid's cgroup2: used only if writable */
	/* dir is the cgroup's: made or joined (attach), existing (--remove,
	 * --pid, --stat) or recorded (--sweep) */
	int used;
	int created, moved;	/* attach: what a failure undoes */
	int leaf;		/* v1 devices with --devices: processes go
				 * into dir/LEAF (cg-attach-devices.c) */
};

struct cg {
	struct hier h[MAXH];
	int n;			/* hierarchies in h */
	int v2;			/* /sys/fs/cgroup is cgroup2 (pure v2) */
	const char *name;	/* NAME */
	const char *parent;	/* --parent PATH ("" for /), or NULL */
};

/* cg-attach-hier.c: the hierarchies, the cgroup's place, its files */
void pathf(char *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int has_token(const char *list, const char *tok, int sep);
int get(const char *path, char *buf, size_t len);
int put(const char *dir, const char *file, const char *val);
int bad_path(const char *s, int slash);
void find_hierarchies(struct cg *cg);
void place(struct cg *cg);
int existing(struct cg *cg);
struct hier *holder(struct cg *cg, const char *controller);
struct hier *holder_v1v2(struct cg *cg, const char *v1, const char *v2);
struct hier *unified(struct cg *cg);
int v2_has(const struct hier *h, const char *controller);

/* cg-attach-devices.c: --devices, a rule TYPE:MAJOR:MINOR:ACCESS */
#define MAXRULES 128
#define LEAF "container"	/* v1 devices: where the processes go */
struct devrule {
	char type;		/* 'c', 'b' or 'a' (both) */
	long major, minor;	/* -1: any */
	unsigned int access;	/* BPF_DEVCG_ACC_* (mknod, read, write) */
};
/* Parse the comma list (modified): how many rules; a bad one is fatal. */
int parse_devices(char *list, struct devrule *r);
/* Allow only the rules in the cgroup (v1 files or a v2 BPF program): 0,
 * or -1 with errno (0: no reason) and *what naming what failed. */
int set_devices(struct cg *cg, const struct devrule *r, int n,
		const char **what);

/* cg-attach-limits.c: the limits an option gives one of many times */
#define MAXITEMS 64
enum item_kind { BLKIO_WEIGHT, BLKIO_WEIGHT_DEVICE, READ_BPS, WRITE_BPS,
		 READ_IOPS, WRITE_IOPS, HUGETLB_LIMIT, UNIFIED };
struct item {
	enum item_kind kind;
	const char *arg;		/* the option's argument, for messages */
	unsigned int major, minor;	/* a block device's numbers */
	long long n;			/* weight, rate or limit; -1 unlimited */
	char key[64];			/* HUGETLB's page size, UNIFIED's file */
	const char *val;		/* UNIFIED's value */
	char ctrl[16];			/* the cgroup v2 controller it needs */
};
struct items {
	struct item it[MAXITEMS];
	int n;
};
/* Add the item an option's argument gives; a bad one is fatal. */
void parse_item(struct items *l, enum item_kind kind, const char *arg);
/* Write the items into the cgroup: 0, or -1 with errno (0: no reason)
 * and msg saying what failed. */
int set_items(struct cg *cg, const struct items *l, char *msg, size_t len);

/* cg-attach-remove.c: --remove (and --sweep) */
int remove_cgroup(struct cg *cg);

/* cg-attach-record.c: --record and --sweep */
void record(struct cg *cg, const char *file);
void sweep(const char *file);

/* cg-attach-pid.c: --pid */
void move_pid(struct cg *cg, pid_t pid);

/* cg-attach-stat.c: --stat */
void print_stat(struct cg *cg);

#endif
