/* fuzz - what every mustela fuzz harness shares (see fuzz/TARGET.c)
 *
 * A harness includes one helper's source (`#include "../helpers/X.c"`,
 * its main renamed X_main), so that every static parser is reachable
 * without changing the helper. The helpers end in exit(3) (diex, usage):
 * before the include, a harness renames exit to fuzz_exit, which jumps
 * back into LLVMFuzzerTestOneInput. What the input left behind is undone
 * by fuzz_end(): the memory it allocated and did not free (a helper that
 * exits never frees: only the jump makes that a leak) and the descriptors
 * it opened. Include this file first: it includes the system headers the
 * helpers use, so the renaming macros touch the helper's code only.
 */
#ifndef MUSTELA_FUZZ_H
#define MUSTELA_FUZZ_H

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <sanitizer/allocator_interface.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf fuzz_jmp;
static int fuzz_armed;

/* exit(3) of the helper: back to the harness (setjmp returns 1). */
static void fuzz_exit(int status) __attribute__((noreturn, unused));
static void fuzz_exit(int status)
{
	if (fuzz_armed)
		longjmp(fuzz_jmp, 1);
	exit(status);
}

/* The helper reached its first side effect (a cgroup, a capability, a
 * filter): parsing is over, back to the harness (setjmp returns 2). */
static void fuzz_stop(void) __attribute__((noreturn, unused));
static void fuzz_stop(void)
{
	if (fuzz_armed)
		longjmp(fuzz_jmp, 2);
	abort();
}

/* The blocks allocated while an input runs and not freed yet: an open
 * addressing set fed by the sanitizer's malloc and free hooks. */
#define FUZZ_SLOTS (1 << 18)
#define FUZZ_GONE ((const volatile void *)1)
static const volatile void *fuzz_live[FUZZ_SLOTS];
static size_t fuzz_used[FUZZ_SLOTS / 2 + 1];	/* the slots taken */
static size_t fuzz_nused;
static int fuzz_tracking;

static size_t fuzz_slot(const volatile void *p)
{
	return ((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ULL >> (64 - 18);
}

static void fuzz_malloc_hook(const volatile void *p, size_t n)
{
	size_t i;

	(void)n;
	if (!fuzz_tracking || !p)
		return;
	if (fuzz_nused > FUZZ_SLOTS / 2)
		return;	/* left to leak: the set is for small inputs */
	for (i = fuzz_slot(p); fuzz_live[i] && fuzz_live[i] != FUZZ_GONE;
	     i = (i + 1) % FUZZ_SLOTS)
		;
	if (!fuzz_live[i])
		fuzz_used[fuzz_nused++] = i;
	fuzz_live[i] = p;
}

static void fuzz_free_hook(const volatile void *p)
{
	if (!fuzz_tracking || !p)
		return;
	for (size_t i = fuzz_slot(p); fuzz_live[i]; i = (i + 1) % FUZZ_SLOTS)
		if (fuzz_live[i] == p) {
			fuzz_live[i] = FUZZ_GONE;
			return;
		}
}

/* The descriptors open before the first input: the others are the
 * input's. */
static unsigned char fuzz_fds[1024];
static int fuzz_maxfd;

static void fuzz_begin(void)
{
	static int ready;

	if (!ready) {
		for (int fd = 0; fd < 1024; fd++)
			if ((fuzz_fds[fd] = fcntl(fd, F_GETFD) >= 0))
				fuzz_maxfd = fd;
		__sanitizer_install_malloc_and_free_hooks(fuzz_malloc_hook,
							  fuzz_free_hook);
		ready = 1;
	}
	fuzz_tracking = 1;
	fuzz_armed = 1;
}

static void fuzz_end(void)
{
	static void *left[FUZZ_SLOTS / 2 + 1];
	size_t n = 0, i;

	fuzz_armed = 0;
	fuzz_tracking = 0;
	for (size_t u = 0; u < fuzz_nused; u++) {
		i = fuzz_used[u];
		if (fuzz_live[i] && fuzz_live[i] != FUZZ_GONE)
			left[n++] = (void *)(uintptr_t)fuzz_live[i];
		fuzz_live[i] = NULL;
	}
	fuzz_nused = 0;
	for (i = 0; i < n; i++)
		free(left[i]);
	for (int fd = 3; fd <= fuzz_maxfd; fd++)
		if (!fuzz_fds[fd])
			close(fd);
	syscall(SYS_close_range, fuzz_maxfd + 1, ~0U, 0);
}

/* A NUL-terminated copy of the input. */
static char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* nftw(3)'s callback for fuzz_rmrf: what will not go stays, no error. */
static int fuzz_rm(const char *path, const struct stat *st, int type,
		   struct FTW *ftw)
{
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* rm -rf path (never following a symlink). */
static void fuzz_rmrf(const char *path)
{
	chmod(path, 0700);
	nftw(path, fuzz_rm, 64, FTW_DEPTH | FTW_PHYS);
}

/* The harness's own directory $TMPDIR/mustela-fuzz-NAME.XXXXXX, in
 * fuzz_sandbox_dir, removed at exit (a crash leaves it). */
static char fuzz_sandbox_dir[PATH_MAX];

static void fuzz_sandbox_rm(void)
{
	fuzz_rmrf(fuzz_sandbox_dir);
}

static const char *fuzz_sandbox(const char *name)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(fuzz_sandbox_dir, sizeof(fuzz_sandbox_dir),
		 "%s/mustela-fuzz-%s.XXXXXX", tmp ? tmp : "/tmp", name);
	if (!mkdtemp(fuzz_sandbox_dir))
		abort();
	atexit(fuzz_sandbox_rm);
	return fuzz_sandbox_dir;
}

/* A helper's main run on the input as its arguments after argv0, one per
 * line (or NUL); its exit, or fuzz_stop, comes back here. */
static void fuzz_main(const uint8_t *data, size_t size, const char *argv0,
		      int (*main_)(int, char **))
{
	char *argv[64], *s, *p, *end;
	int argc = 0;

	fuzz_begin();
	s = fuzz_str(data, size);
	argv[argc++] = (char *)argv0;
	for (p = s, end = s + size; p <= end && argc < 63; p++) {
		argv[argc++] = p;
		p += strcspn(p, "\n");
		*p = '\0';
	}
	argv[argc] = NULL;
	optind = 0;	/* glibc: start getopt afresh */
	if (setjmp(fuzz_jmp) == 0)
		main_(argc, argv);
	fuzz_end();
}

#endif
