/* cg-attach-args - fuzz cg-attach's command line: sizes (--memory,
 * --memory-swap), --cpus, the numbers, names and paths, and the checks
 * between them (a frontend passes what a user wrote)
 *
 * Input: the arguments after "cg-attach", one per line (or NUL). They go
 * to cg-attach's own main (helpers/cg-attach.c), which parses them with
 * size_arg(), cpus_arg(), num_arg() and parse_size() (and the rules of
 * --devices, where cg-attach has it), checks them (check_limits(),
 * bad_path()), and stops where it would first touch the system:
 * find_hierarchies() and --sweep's sweep() are replaced by a jump back
 * here. Seeds: fuzz/corpus/cg-attach-args/ (chains from minc and the
 * man page).
 */
#include "fuzz.h"
#include "cg-attach.h"

static void fuzz_find_hierarchies(struct cg *cg) { fuzz_stop(); }
static void fuzz_sweep(const char *file) { fuzz_stop(); }

#define exit fuzz_exit
#define main cg_attach_main
#define find_hierarchies fuzz_find_hierarchies
#define sweep fuzz_sweep
#include "../helpers/cg-attach.c"
#undef sweep
#undef find_hierarchies
#undef main
#include "../helpers/cg-attach-hier.c"
#include "../helpers/cg-attach-remove.c"
#include "../helpers/cg-attach-record.c"
#include "../helpers/cg-attach-pid.c"
#include "../helpers/cg-attach-stat.c"
#if __has_include("../helpers/cg-attach-devices.c")
#include "../helpers/cg-attach-devices.c"	/* --devices (issue 12) */
#endif
#include "../helpers/cg-attach-limits.c"	/* block I/O, hugetlb, --unified */
#include "../helpers/lib.c"
#undef exit

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_main(data, size, "cg-attach", cg_attach_main);
	return 0;
}
