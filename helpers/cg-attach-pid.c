/* cg-attach-pid - move a running process into an existing cgroup
 *
 * Part of cg-attach (see cg-attach.c): --pid PID NAME, as cgclassify(1)
 * does. PID is written to cgroup.procs of NAME in every hierarchy where
 * NAME exists (below the caller's own cgroup there, or below --parent):
 * the process moves with all its threads; its children stay where they
 * are, those it forks later start in NAME. It does not create NAME or set
 * limits (cg-attach --name NAME with limits does), nor move PID back when
 * a write fails half-way (the error names the file).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "lib.h"
#include "cg-attach.h"

void move_pid(struct cg *cg, pid_t pid)
{
	char val[16];

	if (kill(pid, 0) < 0 && errno == ESRCH)
		die("move %d to %s", (int)pid, cg->name);
	if (!existing(cg))
		diex("move %d to %s: %s", (int)pid, cg->name, strerror(ENOENT));
	/* The cgroup membership of the process, hierarchy by hierarchy. */
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (int i = 0; i < cg->n; i++)
		if (cg->h[i].used && put(cg->h[i].dir, "cgroup.procs", val) < 0)
			die("write %s/cgroup.procs", cg->h[i].dir);
}
