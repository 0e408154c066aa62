/* ns-enter-args - fuzz ns-enter's --map-uid / --map-gid ranges and --keep
 * TYPE:FILE (a frontend passes what a user or /etc/subuid wrote)
 *
 * Input: lines (or NUL-separated words). A line "u IN:OUT:N" goes to
 * add_range() for --map-uid, "g ..." for --map-gid, "k TYPE:FILE" to
 * add_keep() (helpers/ns-enter-map.c, ns-enter-keep.c); others are
 * ignored. ns-enter's main creates namespaces as it parses, so it is not
 * run: its parsers are called as its option loop calls them, on the same
 * structures, and a refusal (diex) ends the input. Seeds:
 * fuzz/corpus/ns-enter-args/.
 */
#include "fuzz.h"
#include <sched.h>

#define exit fuzz_exit
#define main ns_enter_main
#include "../helpers/ns-enter.c"
#undef main
#include "../helpers/ns-enter-join.c"
#include "../helpers/ns-enter-map.c"
#include "../helpers/ns-enter-keep.c"
#include "../helpers/ns-enter-relay.c"
#include "../helpers/lib.c"
#undef exit

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct idmap uid = { .n = 0 }, gid = { .n = 0 };
	char *keep[NNS] = { NULL }, *s, *w, *end;

	fuzz_begin();
	s = fuzz_str(data, size);
	if (setjmp(fuzz_jmp) == 0) {
		for (w = s, end = s + size; w < end; w = w + strlen(w) + 1) {
			w[strcspn(w, "\n")] = '\0';
			if (!w[0] || w[1] != ' ')
				continue;
			if (w[0] == 'u')
				add_range(&uid, "map-uid", w + 2);
			else if (w[0] == 'g')
				add_range(&gid, "map-gid", w + 2);
			else if (w[0] == 'k')
				add_keep(keep, w + 2);
		}
		if (uid.n > MAXMAP || gid.n > MAXMAP)
			abort();
	}
	fuzz_end();
	return 0;
}
