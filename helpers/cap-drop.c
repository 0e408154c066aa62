/* cap-drop - set capabilities, user and group ids, then execute a program
 *
 * usage: cap-drop [--keep LIST | --drop LIST | [--bounding LIST]
 *        [--effective LIST] [--permitted LIST] [--inheritable LIST]
 *        [--ambient-set LIST]] [--user UID[:GID]] [--groups LIST]
 *        [--ambient] [--no-new-privs] [--] prog [args...]
 *
 * Changes (Docker's semantics): the bounding set becomes the kept set. When
 * the final uid is 0, permitted = effective = kept and inheritable = ambient
 * = empty. Otherwise every set is empty, so a non-root prog has no
 * capabilities, unless --ambient puts the kept set in inheritable and
 * ambient, so that prog runs with it in its effective set. --user sets the
 * real, effective and saved ids and clears the supplementary groups unless
 * --groups gives them.
 *
 * The five sets one by one (an OCI config's process.capabilities): with
 * any of --bounding, --effective, --permitted, --inheritable, --ambient-set
 * each set is exactly its list, and a set not given is empty (as in the
 * OCI runtime spec); effective and ambient must lie in what permits them.
 * execve(2) then computes prog's sets from them: a uid 0 prog gets the
 * bounding and inheritable sets as permitted and effective whatever was
 * asked (as under runc); another uid gets the ambient set.
 *
 * Does not: resolve user or group names (no getpwnam). It runs after the
 * root switch, where the host's /etc/passwd is gone: the frontend resolves
 * names from the container's /etc/passwd and passes numbers.
 *
 * Exit: 125 own failure, 126/127 prog not executable / not found, else prog's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <sys/prctl.h>

#include "lib.h"

#define SYNOPSIS "cap-drop [--keep LIST | --drop LIST | [--bounding LIST]" \
	" [--effective LIST] [--permitted LIST] [--inheritable LIST]" \
	" [--ambient-set LIST]] [--user UID[:GID]] [--groups LIST]" \
	" [--ambient] [--no-new-privs] [--] prog [args...]"
#define OPTIONS \
	"  --keep LIST       keep only these capabilities (names, or all)\n" \
	"  --drop LIST       remove these capabilities, keep the others\n" \
	"  --bounding LIST   the bounding set exactly (the five sets: those" \
	" not given empty)\n" \
	"  --effective LIST  the effective set exactly (within permitted)\n" \
	"  --permitted LIST  the permitted set exactly\n" \
	"  --inheritable LIST  the inheritable set exactly\n" \
	"  --ambient-set LIST  the ambient set exactly (within permitted and" \
	" inheritable)\n" \
	"  --user UID[:GID]  set the user and group ids (numbers)\n" \
	"  --groups LIST     set the supplementary groups (numbers)\n" \
	"  --ambient         a non-root uid keeps the kept set (ambient)\n" \
	"  --no-new-privs    set no_new_privs: no setuid gain for prog\n" \
	"  -h, --help        print this help\n"
#define BIT(c) (UINT64_C(1) << (c))

/* "what NAME: reason" for a call about one capability (errno kept). */
static void die_cap(const char *what, int cap) __attribute__((noreturn));
static void die_cap(const char *what, int cap)
{
	const char *name = cap_name(cap);

	if (name)
		die("%s %s", what, name);
	die("%s %d", what, cap);
}

/* The bounding set, and in *ncap how many capabilities the running kernel
 * has: PR_CAPBSET_READ answers for each one it knows (EINVAL beyond). */
static uint64_t bounding(int *ncap)
{
	uint64_t set = 0;
	int n, r;

	for (n = 0; n < 64 && (r = prctl(PR_CAPBSET_READ, n, 0, 0, 0)) >= 0;
	     n++)
		if (r == 1)
			set |= BIT(n);
	if (n == 0)
		die("prctl PR_CAPBSET_READ");
	*ncap = n;
	return set;
}

static unsigned int parse_id(const char *s, const char *what)
{
	unsigned long n;

	if (parse_ulong(s, &n) < 0 || n >= UINT_MAX)
		diex("bad %s: %s", what, s);
	return (unsigned int)n;
}

/* The first capability of mask, by name, for a message. */
static const char *first_cap(uint64_t mask)
{
	static char num[16];
	const char *name;
	int c = 0;

	while (c < 63 && !(mask & BIT(c)))
		c++;
	name = cap_name(c);
	if (name)
		return name;
	snprintf(num, sizeof(num), "%d", c);
	return num;
}

/* Comma-separated numeric gids; an empty list is no group at all. */
static size_t parse_groups(char *list, gid_t **out)
{
	size_t n = 0;
	char *g;

	*out = calloc(strlen(list) / 2 + 1, sizeof(gid_t));
	if (!*out)
		die("calloc");
	for (g = strtok(list, ","); g; g = strtok(NULL, ","))
		(*out)[n++] = parse_id(g, "gid");
	return n;
}

int main(int argc, char **argv)
{
	/* Long options only, and -h (see mustela(7), OPTIONS). */
	enum { KEEP = 256, DROP, USER, GROUPS, AMBIENT, NNP, BOUNDING,
	       EFFECTIVE, PERMITTED, INHERITABLE, AMBIENT_SET };
	/* the five sets, in the order of the options above */
	static const char *const setname[5] = { "bounding", "effective",
		"permitted", "inheritable", "ambient-set" };
	static const struct option longopts[] = {
		{ "keep", required_argument, NULL, KEEP },
		{ "drop", required_argument, NULL, DROP },
		{ "user", required_argument, NULL, USER },
		{ "groups", required_argument, NULL, GROUPS },
		{ "ambient", no_argument, NULL, AMBIENT },
		{ "no-new-privs", no_argument, NULL, NNP },
		{ "bounding", required_argument, NULL, BOUNDING },
		{ "effective", required_argument, NULL, EFFECTIVE },
		{ "permitted", required_argument, NULL, PERMITTED },
		{ "inheritable", required_argument, NULL, INHERITABLE },
		{ "ambient-set", required_argument, NULL, AMBIENT_SET },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *keep = NULL, *drop = NULL, *list[5] = { NULL };
	uint64_t set[5] = { 0 };
	int explicit = 0;
	char *user = NULL, *groups = NULL, *colon;
	int c, ncap, ambient = 0, nnp = 0;
	uid_t uid = geteuid();
	gid_t gid = 0, *gids = NULL;
	size_t ngids = 0;
	uint64_t kept = 0, bset;
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct sets[2] = { { 0, 0, 0 }, { 0, 0, 0 } };

	progname = "cap-drop";
	opterr = 0;	/* bad_option says it */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case KEEP: keep = optarg; break;
		case DROP: drop = optarg; break;
		case USER: user = optarg; break;
		case GROUPS: groups = optarg; break;
		case AMBIENT: ambient = 1; break;
		case NNP: nnp = 1; break;
		case BOUNDING: case EFFECTIVE: case PERMITTED:
		case INHERITABLE: case AMBIENT_SET:
			list[c - BOUNDING] = optarg;
			explicit = 1;
			break;
		case 'h': help(SYNOPSIS, OPTIONS);
		case '?': bad_option(argv, SYNOPSIS);
		default: usage(SYNOPSIS, EXIT_SELF);
		}
	}
	if (keep && drop)
		usage(SYNOPSIS, EXIT_SELF);
	argv = prog_argv(argc, argv, optind, SYNOPSIS);
	if (explicit && (keep || drop || ambient))
		diex("--bounding, --effective, --permitted, --inheritable and "
		     "--ambient-set exclude --keep, --drop and --ambient");

	/* What to keep: the list, or everything but the list, and never more
	 * than the bounding set already holds (a dropped cap stays dropped). */
	bset = bounding(&ncap);
	kept = cap_mask(keep ? keep : "all", ncap, NULL);
	if (drop)
		kept &= ~cap_mask(drop, ncap, NULL);
	kept &= bset;
	/* The five sets: each its list (a set not given is empty). */
	for (c = 0; explicit && c < 5; c++)
		set[c] = list[c] ? cap_mask(list[c], ncap, setname[c]) : 0;
	if (set[1] & ~set[2])
		diex("effective %s: not in the permitted set",
		     first_cap(set[1] & ~set[2]));
	if (set[4] & ~(set[2] & set[3]))
		diex("ambient-set %s: not in both the permitted and the "
		     "inheritable set", first_cap(set[4] & ~(set[2] & set[3])));
	if (explicit)
		kept = set[0] & bset;
	if (user) {
		colon = strchr(user, ':');
		if (colon)
			*colon++ = '\0';
		uid = parse_id(user, "uid");
		gid = colon ? parse_id(colon, "gid") : uid;
	}
	if (groups)
		ngids = parse_groups(groups, &gids);

	/* Bounding set: needs CAP_SETPCAP, so before the ids are given up.
	 * Only caps still in it are dropped: an unprivileged caller whose set
	 * is already small enough asks for nothing it cannot do. */
	for (c = 0; c < ncap; c++) {
		if (kept & BIT(c) || !(bset & BIT(c)))
			continue;
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			die_cap("prctl PR_CAPBSET_DROP", c);
	}

	/* Ids: keep the permitted set across setresuid (it would be cleared
	 * when uid 0 goes away), then groups and gid while CAP_SETGID is
	 * still effective, the uid last. Never inherit root's groups. */
	if (user && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		die("prctl PR_SET_KEEPCAPS");
	if ((user || groups) && setgroups(ngids, gids) < 0)
		die("setgroups");
	if (user && setresgid(gid, gid, gid) < 0)
		die("setresgid %u", (unsigned int)gid);
	if (user && setresuid(uid, uid, uid) < 0)
		die("setresuid %u", (unsigned int)uid);

	/* Permitted, effective, inheritable: the kept set for root (execve
	 * gives root the bounding set anyway); for another uid nothing, or
	 * the kept set in all three when it is to become ambient. */
	if (uid != 0 && !ambient)
		kept = 0;
	for (c = 0; c < 2; c++) {
		sets[c].permitted = sets[c].effective = (uint32_t)(kept >> 32 * c);
		if (uid != 0)
			sets[c].inheritable = sets[c].permitted;
		/* or, set by set, as they were given */
		if (explicit) {
			sets[c].effective = (uint32_t)(set[1] >> 32 * c);
			sets[c].permitted = (uint32_t)(set[2] >> 32 * c);
			sets[c].inheritable = (uint32_t)(set[3] >> 32 * c);
		}
	}
	if (syscall(SYS_capset, &hdr, sets) < 0)
		die("capset");
	if (explicit)
		kept = set[4];

	/* Ambient set: survives execve of a plain file by a non-root uid;
	 * each raise needs the cap in both permitted and inheritable. */
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		die("prctl PR_CAP_AMBIENT_CLEAR_ALL");
	for (c = 0; (uid != 0 || explicit) && c < ncap; c++)
		if (kept & BIT(c) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			die_cap("prctl PR_CAP_AMBIENT_RAISE", c);

	/* No new privileges: setuid bits and file caps no longer add any. */
	if (nnp && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("prctl PR_SET_NO_NEW_PRIVS");
	exec_or_die(argv);
}
