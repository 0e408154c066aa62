/* seccomp-profile - fuzz seccomp-load's profile parser (the text of a
 * PROFILE: a user's file, or one an image brings)
 *
 * Input: 8 bytes, the effective capability set the `unless` rules are
 * judged against (little-endian), then the profile's text. The text is
 * parsed by parse_profile() of helpers/seccomp-load-profile.c into a
 * libseccomp filter, which is exported as BPF (as --check does) and
 * released; a profile seccomp-load refuses ends in its exit, caught (see
 * fuzz.h).
 * Nothing is loaded. Seeds: fuzz/corpus/seccomp-profile/ (share/seccomp's
 * profile, and small ones for each construct of seccomp-load(1)).
 */
#include "fuzz.h"
#include <seccomp.h>

#define exit fuzz_exit
#define main seccomp_load_main
#include "../helpers/seccomp-load.c"
#include "../helpers/seccomp-load-profile.c"
#include "../helpers/lib.c"
#undef main
#undef exit

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null = -1;
	scmp_filter_ctx ctx;
	uint64_t caps = 0;
	char *text;

	if (null < 0) {
		null = open("/dev/null", O_WRONLY | O_CLOEXEC);
		if (null < 0)
			abort();
	}
	if (size < 8)
		return 0;
	memcpy(&caps, data, 8);
	fuzz_begin();
	text = fuzz_str(data + 8, size - 8);
	if (setjmp(fuzz_jmp) == 0) {
		ctx = parse_profile("fuzz.policy", text, caps);
		if (seccomp_export_bpf(ctx, null) < 0)
			abort();	/* parsed, yet no filter made */
		seccomp_release(ctx);
	}
	fuzz_end();
	return 0;
}
