/* layer-unpack - fuzz layer-unpack's tar reader (an image's layer: pax
 * headers, GNU long names and links (L, K), sparse files, hardlinks and
 * symlinks, whiteouts), and check it never writes outside DIR
 *
 * Input: a tar, given to layer-unpack's own main (helpers/layer-unpack.c)
 * on its standard input (a memory file); --plain when byte 511 (padding
 * of the first header) is not 0. It unpacks into a fresh directory
 * S/a/b/c/d/root, S being this run's own directory under $TMPDIR
 * (mustela-fuzz-unpack.XXXXXX), so that ".." escapes and relative
 * symlinks up to five levels land in S; next to root lies a file,
 * "sentinel". After each input the harness aborts if S holds
 * anything else than a/b/c/d/{root,sentinel} or if the sentinel changed
 * (mode, owner, size, links, mtime: a hardlink from inside DIR to it
 * counts). Then root is removed. S is removed at exit. Runs as root (the
 * tar sets owners and device nodes). Seeds: fuzz/corpus/layer-unpack/
 * (tars made by layer-pack and by GNU tar in ustar, pax and gnu formats).
 */
#include "fuzz.h"
#include <linux/openat2.h>

#define exit fuzz_exit
#define main layer_unpack_main
#include "../helpers/layer-unpack.c"
#undef main
#include "../helpers/layer-unpack-tar.c"
#include "../helpers/lib.c"
#undef exit

static char here[PATH_MAX + 16], root[PATH_MAX + 32],
	sentinel_path[PATH_MAX + 32];
static const char *sandbox;
static struct stat sentinel;

static void setup(void)
{
	int fd;

	sandbox = fuzz_sandbox("unpack");
	snprintf(here, sizeof(here), "%s/a/b/c/d", sandbox);
	snprintf(root, sizeof(root), "%s/root", here);
	snprintf(sentinel_path, sizeof(sentinel_path), "%s/sentinel", here);
	for (char *p = here + strlen(sandbox) + 1; ; p += 2) {
		p[1] = '\0';
		if (mkdir(here, 0755) < 0)
			abort();
		if (!p[2] && p[0] == 'd')
			break;
		p[1] = '/';
	}
	fd = open(sentinel_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		  0644);
	if (fd < 0 || write(fd, "x\n", 2) != 2 || close(fd) < 0 ||
	    lstat(sentinel_path, &sentinel) < 0)
		abort();
}

/* Only the expected names anywhere in the sandbox, root's contents apart. */
static void check_dir(const char *path, const char *const *want)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int ok;

	if (!d)
		abort();
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		ok = 0;
		for (const char *const *w = want; *w; w++)
			ok |= !strcmp(e->d_name, *w);
		if (!ok) {
			fprintf(stderr, "layer-unpack harness: wrote outside "
				"DIR: %s/%s\n", path, e->d_name);
			abort();
		}
	}
	closedir(d);
}

static void check_sandbox(void)
{
	static const char *const a[] = { "a", NULL },
		*const b[] = { "b", NULL }, *const c[] = { "c", NULL },
		*const d[] = { "d", NULL },
		*const in_d[] = { "root", "sentinel", NULL };
	const char *const *want[] = { a, b, c, d, in_d };
	char path[PATH_MAX + 16];
	struct stat st;

	for (int i = 0; i < 5; i++) {
		snprintf(path, sizeof(path), "%.*s", (int)(strlen(sandbox) +
			 2 * i), here);
		check_dir(path, want[i]);
	}
	if (lstat(sentinel_path, &st) < 0 ||
	    st.st_mode != sentinel.st_mode ||
	    st.st_uid != sentinel.st_uid || st.st_gid != sentinel.st_gid ||
	    st.st_size != sentinel.st_size ||
	    st.st_nlink != sentinel.st_nlink ||
	    st.st_mtim.tv_sec != sentinel.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != sentinel.st_mtim.tv_nsec) {
		fprintf(stderr, "layer-unpack harness: the sentinel outside "
			"DIR changed\n");
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int in = -1;
	char *argv[4] = { "layer-unpack", NULL, NULL, NULL };
	int argc = 1;

	if (in < 0) {
		setup();
		in = memfd_create("tar", MFD_CLOEXEC);
		if (in < 0)
			abort();
	}
	if (ftruncate(in, 0) < 0 ||
	    pwrite(in, data, size, 0) != (ssize_t)size ||
	    lseek(in, 0, SEEK_SET) < 0 || dup2(in, 0) < 0 ||
	    mkdir(root, 0755) < 0)
		abort();
	if (size > 511 && data[511])
		argv[argc++] = "--plain";
	argv[argc++] = root;
	fuzz_begin();
	optind = 0;	/* glibc: start getopt afresh */
	if (setjmp(fuzz_jmp) == 0)
		layer_unpack_main(argc, argv);
	fuzz_end();
	check_sandbox();
	fuzz_rmrf(root);
	return 0;
}
