/* ns-enter - what its parts share (helpers/ns-enter*.c, see ns-enter.c)
 *
 * The namespace types (ns[], user first), and the functions of each part:
 * joining (ns-enter-join.c), the new user namespace and its id maps
 * (ns-enter-map.c), --keep (ns-enter-keep.c), the processes that stay
 * and relay signals (ns-enter-relay.c); the outsider, a child that does
 * what the kernel allows only from outside the new namespaces, is
 * ns-enter.c's.
 */
#ifndef MUSTELA_NS_ENTER_H
#define MUSTELA_NS_ENTER_H

#include <sched.h>
#include <signal.h>
#include <sys/types.h>

#define MAXMAP 32	/* ranges per map (the kernel takes up to 340) */
#define NNS 8
#define MNT 6		/* ns[MNT] is the mount namespace */

#define PIDNS 5		/* ns[PIDNS] is the pid namespace */

/* The namespace types, by their /proc/PID/ns names and options, user first;
 * a new pid or time namespace is the children's, kept from another name. */
static const struct {
	const char *name, *opt, *kept;
	int type;
} ns[NNS] = {
	{ "user", "user", "user", CLONE_NEWUSER },
	{ "cgroup", "cgroup", "cgroup", CLONE_NEWCGROUP },
	{ "ipc", "ipc", "ipc", CLONE_NEWIPC },
	{ "uts", "uts", "uts", CLONE_NEWUTS },
	{ "net", "net", "net", CLONE_NEWNET },
	{ "pid", "pid", "pid_for_children", CLONE_NEWPID },
	{ "mnt", "mount", "mnt", CLONE_NEWNS },
	{ "time", "time", "time_for_children", CLONE_NEWTIME },
};

struct idmap { unsigned long r[MAXMAP][3]; int n; };	/* in, out, count */

/* ns-enter.c: the outsider (0 in it, its pid in the parent) */
pid_t fork_outsider(int *go);
void let_go(pid_t pid, int go);

/* ns-enter-join.c: --target PID, --TYPE=FILE */
int open_ns(int dir, const char *path, int i, const char *name);
int enter(int fd[NNS], const char *const name[NNS]);
void become_root(const char *userns);
int join(const char *pid, int types);

/* ns-enter-map.c: --user with --map-root, --map-uid, --map-gid */
void add_range(struct idmap *m, const char *opt, const char *s);
void new_user(int map_root, struct idmap *uid, struct idmap *gid);

/* ns-enter-keep.c: --keep */
void add_keep(char *keep[NNS], char *arg);
void keep_all(char *const keep[NNS]) __attribute__((noreturn));

/* ns-enter-relay.c: the parent that waits, --init */
pid_t fork_child(int kill_with_parent);
void close_all(const char *target);
int relay(pid_t child, const sigset_t *set, int reap_all);

#endif
