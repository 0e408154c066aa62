/* seccomp-compiled - fuzz seccomp-load --compiled FILE: the header check
 * of a compiled program (a file that crosses into the container's root)
 *
 * Input: the whole of FILE, given to load_compiled() of
 * helpers/seccomp-load.c as /proc/self/fd/N (a memory file), for the
 * profile text "default allow\n". A FILE that passes every check would be
 * loaded: here prctl(PR_SET_NO_NEW_PRIVS) and seccomp(2) are intercepted,
 * and the program handed to seccomp(2) is read through (ASan sees any byte
 * outside FILE) and not loaded. Seeds: fuzz/corpus/seccomp-compiled/
 * (files written by seccomp-load --compile, as root with every capability:
 * the header records the effective set, which main passes, as here).
 */
#include "fuzz.h"
#include <seccomp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

/* seccomp(2) and prctl(2) of the helper: nothing loaded into the fuzzer.
 * The other calls (capget, openat2, execveat) go through, with as many
 * arguments as they take. */
static long fuzz_syscall(long nr, ...)
{
	const struct sock_fprog *prog;
	volatile unsigned char sink = 0;
	int n = nr == SYS_capget ? 2 : nr == SYS_seccomp ? 3 :
		nr == SYS_openat2 ? 4 : 5;
	long a[6] = { 0 };
	va_list ap;

	va_start(ap, nr);
	for (int i = 0; i < n; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	if (nr == SYS_seccomp) {
		prog = (const struct sock_fprog *)a[2];
		for (size_t i = 0; i < prog->len * sizeof(*prog->filter); i++)
			sink ^= ((const unsigned char *)prog->filter)[i];
		(void)sink;
		return 0;
	}
	return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static int fuzz_prctl(int option, ...)
{
	return option == PR_SET_NO_NEW_PRIVS ? 0 : -1;
}

#define exit fuzz_exit
#define main seccomp_load_main
#define syscall fuzz_syscall
#define prctl fuzz_prctl
#include "../helpers/seccomp-load.c"
#include "../helpers/seccomp-load-profile.c"
#include "../helpers/lib.c"
#undef prctl
#undef syscall
#undef main
#undef exit

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char text[] = "default allow\n";
	char path[32];
	int fd;

	fuzz_begin();
	/* read_file() reads /proc/self/fd/N from N, then closes it */
	fd = memfd_create("compiled", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (setjmp(fuzz_jmp) == 0)
		load_compiled(path, fnv(text, sizeof(text) - 1, FNV_START),
			      effective());
	fuzz_end();
	return 0;
}
