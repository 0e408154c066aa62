/* pivot-args - fuzz pivot's --mount TYPE:SOURCE:DEST[:OPTIONS] (its
 * escapes, flags, propagation and data), --mknod PATH:TYPE:MAJOR:MINOR
 * [:MODE[:UID:GID]] and --sysctl KEY=VALUE (an OCI runtime passes what a
 * config.json wrote)
 *
 * Input: lines (or NUL-separated words). A line "m SPEC" goes to
 * parse_mount(), "n SPEC" to parse_mknod(), "s SPEC" to sysctl_path()
 * (helpers/pivot.c); others are ignored. pivot's main mounts as it goes,
 * so it is not run: its parsers are called as its option loop and its
 * mount steps call them, and a refusal (diex) ends the input. What they
 * return is checked: a mount has a TYPE and a DEST and no more data than
 * its spec had; a sysctl's path is under /proc/sys and has no "..".
 * Seeds: fuzz/corpus/pivot-args/.
 */
#include "fuzz.h"
#include <sched.h>

#define exit fuzz_exit
#define main pivot_main
#include "../helpers/pivot.c"
#undef main
#include "../helpers/lib.c"
#undef exit

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *w, *end, *copy = NULL, path[PATH_MAX], *value;
	struct mnt m = { .data = NULL };
	struct node n;

	fuzz_begin();
	s = fuzz_str(data, size);
	if (setjmp(fuzz_jmp) == 0) {
		for (w = s, end = s + size; w < end; w = w + strlen(w) + 1) {
			w[strcspn(w, "\n")] = '\0';
			if (!w[0] || w[1] != ' ')
				continue;
			copy = strdup(w + 2);
			if (!copy)
				abort();
			if (w[0] == 'm') {
				parse_mount(copy, w + 2, &m);
				if (!m.type[0] || !m.dst[0] ||
				    strlen(m.data) > strlen(w + 2))
					abort();
				free(m.data);
				m.data = NULL;
			} else if (w[0] == 'n') {
				parse_mknod(copy, w + 2, &n);
				if (!n.path[0] || (n.mode & ~07777U))
					abort();
			} else if (w[0] == 's') {
				sysctl_path(copy, w + 2, path, sizeof(path),
					    &value);
				if (strncmp(path, "/proc/sys/", 10) ||
				    strstr(path, ".."))
					abort();
			}
			free(copy);
			copy = NULL;
		}
	}
	fuzz_end();
	return 0;
}
