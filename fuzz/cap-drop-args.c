/* cap-drop-args - fuzz cap-drop's command line: capability lists (cap_mask
 * and cap_number of helpers/lib.c), --user UID[:GID], --groups LIST
 *
 * Input: the arguments after "cap-drop", one per line (or NUL). They go
 * to cap-drop's own main (helpers/cap-drop.c), which parses them and stops
 * where it would first change the process: prctl(2) other than reading
 * the bounding set, setgroups(2), and capset (syscall(2)) jump back here.
 * Seeds: fuzz/corpus/cap-drop-args/ (Docker's default set as minc passes
 * it, --user and --groups forms).
 */
#include "fuzz.h"

static int fuzz_prctl(int option, ...)
{
	va_list ap;
	unsigned long cap;

	if (option != PR_CAPBSET_READ)
		fuzz_stop();
	va_start(ap, option);
	cap = va_arg(ap, unsigned long);
	va_end(ap);
	return prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
}

static int fuzz_setgroups(size_t n, const gid_t *list) { fuzz_stop(); }

static long fuzz_syscall(long nr, ...)
{
	fuzz_stop();
}

#define exit fuzz_exit
#define main cap_drop_main
#define prctl fuzz_prctl
#define setgroups fuzz_setgroups
#define syscall fuzz_syscall
#include "../helpers/cap-drop.c"
#undef syscall
#undef setgroups
#undef prctl
#undef main
#include "../helpers/lib.c"
#undef exit

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_main(data, size, "cap-drop", cap_drop_main);
	return 0;
}
