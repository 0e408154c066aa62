/* oci-spec - fuzz oci-spec's JSON reader and its translation of a
 * config.json into mustela-oci's "KEY VALUE" lines (a config.json is what
 * an engine, or whoever wrote the bundle, controls)
 *
 * Input: the JSON text. It goes to translate() of helpers/oci-spec.c (its
 * reader helpers/oci-spec-json.c) three
 * times: as a config.json, as exec's --process object and as update's
 * --resources object. A refused input ends in oci-spec's exit, caught
 * (see fuzz.h). What is accepted must keep oci-create's reading sound:
 * every line "KEY VALUE" with KEY one known word, no NUL; a line that
 * breaks that (a value's newline become a line of its own) aborts.
 * Seeds: fuzz/corpus/oci-spec/ (test/oci-spec/'s configs: podman's,
 * containerd's, runc spec's, every key, the escapes).
 */
#include "fuzz.h"

#define exit fuzz_exit
#define main oci_spec_main
#include "../helpers/oci-spec.c"
#include "../helpers/oci-spec-json.c"
#include "../helpers/lib.c"
#undef main
#undef exit

/* The keys of oci-config's list: a line starts with one of them. */
static const char *const fuzz_keys[] = { "version", "root", "readonly",
	"arg", "env", "cwd", "user", "umask", "group", "terminal", "console",
	"nnp", "oom", "apparmor", "selinux", "cap", "rlimit", "hostname",
	"domainname", "ns", "uidmap", "gidmap", "mount", "masked", "ropath",
	"sysctl", "device", "memory", "swap", "shares", "quota", "period",
	"cpus", "mems", "pids", "devrule", "hugepage", "cgroups",
	"propagation", "intelrdt", "reservation", "kmem", "kmemtcp",
	"swappiness", "nooom", "hierarchy", "rtruntime", "rtperiod",
	"cpuidle", "blkweight", "blkleafweight", "blkwdev", "blkthrottle",
	"netclass", "netprio", "rdma", "unified", "resource", "personality",
	"seccomp", "hook", "annotations", NULL };

static void fuzz_check_lines(const struct out *o)
{
	size_t i = 0, j, k, n;

	if (o->len && o->buf[o->len - 1] != '\n')
		abort();	/* a last line without its newline */
	if (memchr(o->buf, '\0', o->len))
		abort();
	while (i < o->len) {
		for (j = i; o->buf[j] != '\n'; j++)
			;
		for (n = i; n < j && o->buf[n] != ' '; n++)
			;
		if (n == j)
			abort();	/* no "KEY " */
		for (k = 0; fuzz_keys[k]; k++)
			if (strlen(fuzz_keys[k]) == n - i &&
			    !memcmp(fuzz_keys[k], o->buf + i, n - i))
				break;
		if (!fuzz_keys[k])
			abort();	/* a line that is no key's */
		i = j + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const int modes[] = { 0, 'p', 'r' };
	struct out o;
	char *text;

	for (size_t m = 0; m < 3; m++) {
		fuzz_begin();
		text = fuzz_str(data, size);
		memset(&o, 0, sizeof(o));
		if (setjmp(fuzz_jmp) == 0) {
			translate("fuzz.json", text, size, modes[m], &o);
			fuzz_check_lines(&o);
		}
		fuzz_end();
	}
	return 0;
}
