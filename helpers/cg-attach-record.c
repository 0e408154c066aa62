/* cg-attach-record - the record of a cgroup: --record writes it, --sweep
 * removes what it names
 *
 * Part of cg-attach (see cg-attach.c). A record is a file: its first line
 * the pid of the supervisor (the parent of cg-attach, which removes the
 * cgroup when prog ends; the supervisor writes it), then the cgroup's
 * directory in each hierarchy, one a line, added by --record before
 * anything is made. --sweep needs nothing but the record, so it works from
 * any cgroup: a later run removes what a killed supervisor left without
 * knowing where it ran.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/prctl.h>

#include "lib.h"
#include "cg-attach.h"

/* --record FILE: each hierarchy's directory is added under a lock (flock)
 * held until the exec, when this process is in the cgroup, or its death:
 * --sweep waits for it. Until the exec the supervisor's death kills this
 * process, and a supervisor already gone is refused: nothing is made that
 * a sweep could miss. */
void record(struct cg *cg, const char *file)
{
	char line[32];
	ssize_t n;
	long pid;
	int fd, ok = 1;

	fd = open(file, O_RDWR | O_APPEND | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		die("record %s", file);
	n = pread(fd, line, sizeof(line) - 1, 0);
	line[n > 0 ? n : 0] = '\0';
	if ((pid = atol(line)) <= 0 || !strchr(line, '\n'))
		diex("record %s: no supervisor's pid on its first line", file);
	/* This process dies with the supervisor, from now until the exec. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		die("prctl PR_SET_PDEATHSIG");
	if (getppid() != (pid_t)pid)
		diex("record %s: the supervisor, pid %ld, is not the parent"
		     " (gone?)", file, pid);
	for (int i = 0; i < cg->n; i++)
		ok = ok && dprintf(fd, "%s\n", cg->h[i].dir) > 0;
	if (!ok)
		die("record %s", file);
	/* fd stays open, and locked, until the exec (O_CLOEXEC) */
}

/* The hierarchy a recorded directory is in, or NULL: its mount point is a
 * prefix, and below it a cgroup other than the root. */
static struct hier *recorded_in(struct cg *cg, const char *dir)
{
	for (int i = 0; i < cg->n; i++) {
		size_t m = strlen(cg->h[i].mnt);
		const char *d = dir + m;

		if (!strncmp(dir, cg->h[i].mnt, m) && *d == '/' &&
		    !bad_path(d, 1) && strlen(d) > 1)
			return &cg->h[i];
	}
	return NULL;
}

/* --sweep FILE: the cgroup --record wrote to FILE, by its parent (the
 * supervisor, our own parent then) or once that is gone; then FILE. */
void sweep(const char *file)
{
	char line[PATH_MAX + 2];
	struct cg cg = { .n = 0 };
	struct hier *h;
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
	find_hierarchies(&cg);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		h = recorded_in(&cg, line);
		if (h) {
			pathf(h->dir, "%s", line);
			h->used = 1;
		}
	}
	/* a cgroup already gone is no error */
	remove_cgroup(&cg);
	if (unlink(file) < 0 && errno != ENOENT)
		die("sweep: remove %s", file);
	fclose(f);
}
