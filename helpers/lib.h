/* lib - the only code shared by the mustela helpers
 *
 * Program name, error messages (name: what: reason), usage, number and size
 * parsing, capability names, openat2, exec-or-die with the 126/127 contract
 * (a dangling symlink said so), and wait-and-propagate.
 */
#ifndef MUSTELA_LIB_H
#define MUSTELA_LIB_H

#include <sys/types.h>
/* The new mount API's names (open_tree, move_mount, mount_setattr, fsopen:
 * called through syscall(2), as musl has no wrappers): glibc's
 * <sys/mount.h> has them, musl's has not, and the kernel's <linux/mount.h>
 * clashes with glibc's. So the kernel's only where the libc's lacks them. */
#include <sys/mount.h>
#ifndef MOUNT_ATTR_RDONLY
#include <linux/mount.h>
#endif

/* Exit statuses shared by the whole toolkit (see ARCHITECTURE.md). */
#define EXIT_SELF 125		/* the helper itself failed */
#define EXIT_NOEXEC 126		/* prog found but not executable */
#define EXIT_NOTFOUND 127	/* prog not found */

/* The program name, set once at the top of main from a string literal. */
extern const char *progname;

void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warn_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diex(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
void usage(const char *synopsis, int status) __attribute__((noreturn));
/* -h, --help: the usage line, then the option lines (each "  --opt  what"
 * and a newline), on stdout; exit 0. */
void help(const char *synopsis, const char *options) __attribute__((noreturn));
/* getopt's '?' (the caller sets opterr = 0): "name: unknown option: --X"
 * (or "-c"; "option needs an argument"/"takes no argument" where getopt
 * tells), then the usage line, on stderr; exit 125. */
void bad_option(char *const argv[], const char *synopsis)
	__attribute__((noreturn));

/* The program part of argv after options: consume one literal "--". */
char **prog_argv(int argc, char **argv, int optind, const char *synopsis);

int parse_ulong(const char *s, unsigned long *out);
int parse_size(const char *s, unsigned long long *out);
int parse_fd(const char *opt, const char *s);

/* Capabilities by name ("chown", "CAP_KILL", any case): the number, or -1;
 * and the name of a number ("cap_chown"), or NULL if unknown. */
int cap_number(const char *name);
const char *cap_name(int cap);
/* A comma-separated list of names, or "all", as a mask over the first ncap
 * capabilities; an unknown one is fatal: "[WHAT: ]unknown capability: X". */
unsigned long long cap_mask(const char *list, int ncap, const char *what);

/* openat(2) resolving path as resolve says (RESOLVE_* of openat2(2)). */
int openat2_(int dir, const char *path, int flags, unsigned long long resolve);

/* Exec-or-die: 127 not found (said why when prog is a dangling symlink),
 * 126 not executable. */
void exec_or_die(char **argv) __attribute__((noreturn));
void execfd_or_die(int fd, char **argv) __attribute__((noreturn));
int wait_status(pid_t pid);

#endif
