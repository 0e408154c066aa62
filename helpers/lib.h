/* lib - the only code shared by the mustela helpers
 *
 * Program name, error messages (name: what: reason), usage, number and size
 * parsing, exec-or-die with the 126/127 contract, and wait-and-propagate.
 */
#ifndef MUSTELA_LIB_H
#define MUSTELA_LIB_H

#include <sys/types.h>

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

/* The program part of argv after options: consume one literal "--". */
char **prog_argv(int argc, char **argv, int optind, const char *synopsis);

int parse_ulong(const char *s, unsigned long *out);
int parse_size(const char *s, unsigned long long *out);

void exec_or_die(char **argv) __attribute__((noreturn));
void execfd_or_die(int fd, char **argv) __attribute__((noreturn));
int wait_status(pid_t pid);

#endif
