/* ns-enter-map - a new user namespace and its id maps (--map-root,
 * --map-uid IN:OUT:N, --map-gid IN:OUT:N)
 *
 * Part of ns-enter (see ns-enter.c and ns-enter.h). The ranges are parsed
 * as the options come; the maps are written by an outsider (a child that
 * stays in the caller's user namespace, see fork_outsider() in
 * ns-enter.c) once the namespace exists: as root into /proc/PID/uid_map
 * and gid_map, else through the set-uid newuidmap(1) and newgidmap(1).
 * --map-root as an unprivileged caller writes its one-line maps itself.
 * When the maps give the namespace a root but leave the caller's own ids
 * out (root mapping 0 to a range, as an OCI config does), the caller
 * becomes that root (setresgid, setresuid 0), as runc's init does: an
 * unmapped uid is nobody inside, whose next execve drops every capability.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib.h"
#include "ns-enter.h"

/* One IN:OUT:N range of --map-uid or --map-gid (opt names which). */
void add_range(struct idmap *m, const char *opt, const char *s)
{
	const char *arg = s;
	char *end;

	if (m->n == MAXMAP)
		diex("%s %s: more than %d ranges", opt, arg, MAXMAP);
	for (int i = 0; i < 3; i++, s = end + 1) {
		errno = 0;
		if (*s < '0' || *s > '9')
			diex("%s %s: expected IN:OUT:N", opt, arg);
		m->r[m->n][i] = strtoul(s, &end, 10);
		if (errno || *end != (i < 2 ? ':' : '\0'))
			diex("%s %s: expected IN:OUT:N", opt, arg);
	}
	m->n++;
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die("write %s", path);
	close(fd);
}

/* Write PID's uid_map or gid_map ("inside outside count" lines, see
 * user_namespaces(7)); unprivileged, through the set-uid newuidmap(1) or
 * newgidmap(1), which allow the ranges of /etc/subuid or /etc/subgid. */
static void map_ids(pid_t pid, const char *kind, const struct idmap *m)
{
	char text[MAXMAP * 64], *args[3 * MAXMAP + 3], path[64];
	size_t len = 0;
	int i, st;

	if (geteuid() == 0) {
		for (i = 0; i < m->n; i++)
			len += snprintf(text + len, sizeof(text) - len,
					"%lu %lu %lu\n", m->r[i][0], m->r[i][1],
					m->r[i][2]);
		snprintf(path, sizeof(path), "/proc/%d/%s_map", (int)pid, kind);
		write_file(path, text);
		return;
	}
	args[0] = (char *)(kind[0] == 'u' ? "newuidmap" : "newgidmap");
	if (asprintf(&args[1], "%d", (int)pid) < 0)
		die("asprintf");
	for (i = 0; i < 3 * m->n; i++)
		if (asprintf(&args[i + 2], "%lu", m->r[i / 3][i % 3]) < 0)
			die("asprintf");
	args[i + 2] = NULL;
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0)
		exec_or_die(args);
	st = wait_status(pid);
	if (st)
		diex("%s: exited with status %d", args[0], st);
}

/* Whether map M gives an id inside to 0. */
static int maps_zero(const struct idmap *m)
{
	for (int i = 0; i < m->n; i++)
		if (m->r[i][0] == 0 && m->r[i][2] > 0)
			return 1;
	return 0;
}

/* A new user namespace and its id maps. --map-root is the one-line map
 * "0 our-id 1": an unprivileged process may write that itself once it has
 * denied setgroups(2); from root an outsider writes it (a process may map
 * only its own ids in its new namespace) and setgroups stays. */
void new_user(int map_root, struct idmap *uid, struct idmap *gid)
{
	uid_t euid = geteuid();
	gid_t egid = getegid();
	pid_t mapper = 0;
	char text[64];
	int go = -1;

	if (map_root) {
		uid->r[0][0] = gid->r[0][0] = 0;
		uid->r[0][1] = euid;
		gid->r[0][1] = egid;
		uid->r[0][2] = gid->r[0][2] = 1;
		uid->n = gid->n = 1;
	}
	if ((uid->n || gid->n) && (euid == 0 || !map_root)) {
		mapper = fork_outsider(&go);
		if (mapper == 0) {
			if (uid->n)
				map_ids(getppid(), "uid", uid);
			if (gid->n)
				map_ids(getppid(), "gid", gid);
			_exit(0);
		}
	}
	if (unshare(CLONE_NEWUSER) < 0)
		die("unshare user");
	if (map_root && euid != 0) {
		snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)euid);
		write_file("/proc/self/uid_map", text);
		write_file("/proc/self/setgroups", "deny");
		snprintf(text, sizeof(text), "0 %u 1\n", (unsigned)egid);
		write_file("/proc/self/gid_map", text);
	}
	if (mapper)
		let_go(mapper, go);
	if (maps_zero(gid) && getgid() != 0 && setresgid(0, 0, 0) < 0)
		die("setresgid 0 in the new user namespace");
	if (maps_zero(uid) && getuid() != 0 && setresuid(0, 0, 0) < 0)
		die("setresuid 0 in the new user namespace");
}
