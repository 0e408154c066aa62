/* seccomp-load - what its parts share (helpers/seccomp-load*.c, see
 * seccomp-load.c)
 *
 * The profile's text parser is its own file, seccomp-load-profile.c: it
 * turns the text of PROFILE into a libseccomp filter; seccomp-load.c reads
 * the file, compiles or loads the filter, and keeps --compile's and
 * --compiled's header.
 */
#ifndef MUSTELA_SECCOMP_LOAD_H
#define MUSTELA_SECCOMP_LOAD_H

#include <seccomp.h>
#include <stdint.h>

/* The filter of the profile text (changed in place), with the `unless` and
 * `if` rules judged against caps; path names it in messages. */
scmp_filter_ctx parse_profile(const char *path, char *text, uint64_t caps);

#endif
