/* cg-attach-remove - remove a cgroup with whatever still runs in it
 *
 * Part of cg-attach (see cg-attach.c): --remove NAME, and --sweep's
 * removal of what a record names. In every used hierarchy where the
 * cgroup's directory exists: v1 freezes it first, so that nothing forks
 * while it is being killed; v2 writes cgroup.kill; then every process in it
 * and in the cgroups nested in it gets SIGKILL until none is left, and the
 * directories are removed, nested ones first.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "cg-attach.h"

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

/* v1: freeze the cgroup, so that nothing forks while it is being killed;
 * wait until the kernel says FROZEN (5 s at most). */
static void freeze(const char *dir)
{
	char path[PATH_MAX], state[32] = "";

	if (put(dir, "freezer.state", "FROZEN") < 0)
		die("write %s/freezer.state", dir);
	pathf(path, "%s/freezer.state", dir);
	for (int i = 0; i < TRIES && strcmp(state, "FROZEN"); i++)
		if (get(path, state, sizeof(state)) < 0 ||
		    (strcmp(state, "FROZEN") && usleep(10000) < 0))
			break;
}

/* Remove the cgroup from every used hierarchy where it exists; how many
 * hierarchies it was in (0: nothing was done). */
int remove_cgroup(struct cg *cg)
{
	struct hier *fz;
	int found, n = 1;

	found = existing(cg);
	if (!found)
		return 0;
	fz = cg->v2 ? NULL : holder(cg, "freezer");
	if (fz)
		freeze(fz->dir);
	/* v2: the kernel kills the whole subtree (Linux 5.14). */
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].v2 && cg->h[i].used &&
		    put(cg->h[i].dir, "cgroup.kill", "1") < 0 && errno != ENOENT)
			die("write %s/cgroup.kill", cg->h[i].dir);
	/* Older kernels, and v1: SIGKILL each process until none is left
	 * (thawed after the first round, so that the signals are taken). */
	for (int t = 0; n && t < TRIES; t++) {
		n = 0;
		for (int i = 0; i < cg->n; i++)
			if (cg->h[i].used)
				n += kill_tree(cg->h[i].dir);
		if (fz && t == 0 && put(fz->dir, "freezer.state", "THAWED") < 0)
			die("write %s/freezer.state", fz->dir);
		if (n)
			usleep(10000);
	}
	/* The empty directories. */
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].used)
			rm_tree(cg->h[i].dir);
	return found;
}
