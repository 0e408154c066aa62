/* cg-attach-stat - print what a cgroup is using
 *
 * Part of cg-attach (see cg-attach.c): --stat NAME prints one "key value"
 * line for each key of the table below, in its order, the same keys on
 * cgroup v1 and v2; each is read from NAME's directory in the hierarchy
 * that holds the controller (wherever the caller's place in it is). A value
 * the hierarchy does not offer (a controller not mounted or, on v2, not
 * enabled for NAME; memory.peak before Linux 5.19) is printed as "-".
 * It changes nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib.h"
#include "cg-attach.h"

/* Where each value is: the v1 controller, file and field (NULL: the
 * file is the number), divided by div1 (nanoseconds to microseconds);
 * the v2 file and field. */
static const struct stat_key {
	const char *key, *ctrl, *v1, *field1;
	unsigned long long div1;
	const char *v2, *field2;
} keys[] = {
	{ "cpu_usage_usec", "cpuacct", "cpuacct.usage", NULL, 1000,
	  "cpu.stat", "usage_usec" },
	{ "cpu_periods", "cpu", "cpu.stat", "nr_periods", 1,
	  "cpu.stat", "nr_periods" },
	{ "cpu_throttled_periods", "cpu", "cpu.stat", "nr_throttled", 1,
	  "cpu.stat", "nr_throttled" },
	{ "cpu_throttled_usec", "cpu", "cpu.stat", "throttled_time", 1000,
	  "cpu.stat", "throttled_usec" },
	{ "memory_current_bytes", "memory", "memory.usage_in_bytes", NULL, 1,
	  "memory.current", NULL },
	{ "memory_peak_bytes", "memory", "memory.max_usage_in_bytes", NULL, 1,
	  "memory.peak", NULL },
	{ "pids_current", "pids", "pids.current", NULL, 1,
	  "pids.current", NULL },
};

/* The number in dir/file, or on its line "field N", in *out; -1 if the
 * file or the field is absent. */
static int read_value(const char *dir, const char *file, const char *field,
		      unsigned long long *out)
{
	char path[PATH_MAX], buf[4096], *p = buf, *end;
	size_t n = field ? strlen(field) : 0;

	pathf(path, "%s/%s", dir, file);
	if (get(path, buf, sizeof(buf)) < 0)
		return -1;
	while (field && p && (strncmp(p, field, n) || p[n] != ' '))
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	if (!p)
		return -1;
	p += n + (field != NULL);
	if (*p < '0' || *p > '9')
		return -1;
	errno = 0;
	*out = strtoull(p, &end, 10);
	return errno || (*end && *end != '\n') ? -1 : 0;
}

void print_stat(struct cg *cg)
{
	const struct stat_key *k;
	unsigned long long val = 0;
	struct hier *h;
	size_t i;
	int rc;

	if (!existing(cg))
		diex("stat %s: %s", cg->name, strerror(ENOENT));
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		k = &keys[i];
		h = holder(cg, k->ctrl);
		if (!h)
			rc = -1;
		else if (cg->v2)
			rc = read_value(h->dir, k->v2, k->field2, &val);
		else if ((rc = read_value(h->dir, k->v1, k->field1, &val)) == 0)
			val /= k->div1;
		if (rc == 0)
			printf("%s %llu\n", k->key, val);
		else
			printf("%s -\n", k->key);
	}
	if (fflush(stdout) == EOF)
		die("stat %s: write", cg->name);
}
