#!/usr/bin/env bats
# default.policy, the profile itself: default-deny (ENOSYS for what it does
# not name) in a real container, and the calls it allows for a default
# container against containers-common's seccomp.json, difference by
# difference (each one listed with its reason in the profile's comments)

load 'lib/common'

# containers-common's profile (Debian's golang-github-containers-common,
# which podman pulls in; test/lib/install-deps installs it)
CC_JSON=/usr/share/containers/seccomp.json

# Docker's 14 default capabilities: minc's default set.
DOCKER_CAPS=chown,dac_override,fowner,fsetid,kill,setgid,setuid,setpcap
DOCKER_CAPS=$DOCKER_CAPS,net_bind_service,net_raw,sys_chroot,mknod,audit_write,setfcap

# thread: a static program that starts a thread (glibc tries clone3 first).
# nr: a static program bound into containers: make system call N (by
# number, no arguments) and print "RESULT ERRNO".
# allowed FILE: run the program seccomp-load --compile wrote to FILE on
# every x86_64 call number below 1024 (no arguments), as the kernel would,
# and print the names of those it allows, one a line.
# allowed -r: print the names of stdin that x86_64 has.
setup_file() {
  cat >"$BATS_FILE_TMPDIR/nr.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		long r = syscall(atol(argv[i]), 0, 0, 0, 0, 0, 0);
		printf("%s %ld %d\n", argv[i], r, r < 0 ? errno : 0);
	}
	return 0;
}
C
  cc -static -o "$BATS_FILE_TMPDIR/nr" "$BATS_FILE_TMPDIR/nr.c"
  cat >"$BATS_FILE_TMPDIR/thread.c" <<'C'
#include <pthread.h>
#include <stdio.h>
static void *seven(void *arg) { return (void *)7L; }
int main(void)
{
	pthread_t t;
	void *r;
	if (pthread_create(&t, NULL, seven, NULL) || pthread_join(t, &r))
		return perror("pthread"), 1;
	return printf("thread %ld\n", (long)r), 0;
}
C
  cc -static -pthread -o "$BATS_FILE_TMPDIR/thread" "$BATS_FILE_TMPDIR/thread.c"
  cat >"$BATS_FILE_TMPDIR/allowed.c" <<'C'
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#define HEADER 48	/* seccomp-load's struct compiled */

/* The filter's action for one call: classic BPF, the opcodes libseccomp
 * emits. */
static unsigned run(const struct sock_filter *f, size_t n,
		    const struct seccomp_data *d)
{
	unsigned a = 0, pc = 0, jump;

	while (pc < n) {
		const struct sock_filter *i = &f[pc++];

		if (BPF_CLASS(i->code) == BPF_RET)
			return i->k;
		if (i->code == (BPF_LD | BPF_W | BPF_ABS)) {
			memcpy(&a, (const char *)d + i->k, 4);
			continue;
		}
		if (i->code == (BPF_ALU | BPF_AND | BPF_K)) {
			a &= i->k;
			continue;
		}
		if (i->code == (BPF_JMP | BPF_JA)) {
			pc += i->k;
			continue;
		}
		switch (BPF_OP(i->code)) {
		case BPF_JEQ: jump = a == i->k; break;
		case BPF_JGT: jump = a > i->k; break;
		case BPF_JGE: jump = a >= i->k; break;
		case BPF_JSET: jump = (a & i->k) != 0; break;
		default: fprintf(stderr, "opcode %#x\n", i->code); exit(2);
		}
		pc += jump ? i->jt : i->jf;
	}
	fprintf(stderr, "no return\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static char buf[HEADER + BPF_MAXINSNS * sizeof(struct sock_filter)];
	struct seccomp_data d = { .arch = AUDIT_ARCH_X86_64 };
	char name[64], *s;
	FILE *f;
	size_t len;

	if (strcmp(argv[1], "-r") == 0) {
		while (scanf("%63s", name) == 1)
			if (seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, name) >= 0)
				printf("%s\n", name);
		return 0;
	}
	if (!(f = fopen(argv[1], "rb")))
		return perror(argv[1]), 2;
	len = fread(buf, 1, sizeof(buf), f);
	if (len <= HEADER)
		return fprintf(stderr, "%s: too short\n", argv[1]), 2;
	for (d.nr = 0; d.nr < 1024; d.nr++) {
		if (run((struct sock_filter *)(buf + HEADER),
			(len - HEADER) / sizeof(struct sock_filter), &d) != SECCOMP_RET_ALLOW)
			continue;
		s = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, d.nr);
		printf("%s\n", s ? s : "?");
		free(s);
	}
	return 0;
}
C
  cc -Wall -Werror -o "$BATS_FILE_TMPDIR/allowed" "$BATS_FILE_TMPDIR/allowed.c" -lseccomp
}

setup() {
  container_setup
  NR=$BATS_FILE_TMPDIR/nr
  THREAD=$BATS_FILE_TMPDIR/thread
  ALLOWED=$BATS_FILE_TMPDIR/allowed
}

teardown() {
  container_teardown
}

@test "seccomp-profile: default.policy is default-deny: ENOSYS for calls it does not name" {
  local n
  # x86_64: statmount 457, listmount 458, lsm_list_modules 461, mseal 462
  # (newer than the profile); 1000, above every kernel's last call.
  # Unconfined, the kernel has the first four (EFAULT, EINVAL...).
  run -0 minc -r "$R" --seccomp unconfined -b "$NR:/nr:ro" /nr 457 458 461 462 1000
  for n in 457 458 461 462; do
    refute_line "$n -1 38"
  done
  assert_line "1000 -1 38"
  # In a default container, each of them is ENOSYS (38), from the filter;
  # getpid (39) runs, keyctl (250) is refused with EPERM (1).
  run -0 minc -r "$R" -b "$NR:/nr:ro" /nr 457 458 461 462 1000 39 250
  assert_output "457 -1 38
458 -1 38
461 -1 38
462 -1 38
1000 -1 38
39 1 0
250 -1 1"
}

@test "seccomp-profile: glibc falls back from clone3 (ENOSYS) to clone for a thread" {
  run -0 minc -r "$R" -b "$THREAD:/thread:ro" /thread
  assert_output 'thread 7'
}

@test "seccomp-profile: the calls allowed to a default container, against containers-common's" {
  local ours theirs listed only_ours only_theirs name got=''
  [ -r "$CC_JSON" ] || skip "no $CC_JSON: install golang-github-containers-common"
  # ours: the filter minc compiles for Docker's capabilities, call by call
  seccomp-load --compile "$T/p.bpf" --caps "$DOCKER_CAPS" "$POLICY"
  ours=$("$ALLOWED" "$T/p.bpf" | sort -u)
  # theirs: the names allowed on x86_64 for the same capabilities
  # (includes.caps all held, excludes.caps none held), that x86_64 has
  theirs=$(jq -r --arg caps "$DOCKER_CAPS" '($caps | ascii_upcase | split(",")
    | map("CAP_" + .)) as $caps
    | .syscalls[] | select(.action == "SCMP_ACT_ALLOW")
    | select((.includes.arches // []) as $a | $a == [] or any($a[]; . == "amd64"))
    | select(any((.excludes.arches // [])[]; . == "amd64") | not)
    | select(all((.includes.caps // [])[]; . as $c | any($caps[]; . == $c)))
    | select(any((.excludes.caps // [])[]; . as $c | any($caps[]; . == $c)) | not)
    | .names[]' "$CC_JSON" | "$ALLOWED" -r | sort -u)
  [ "$(wc -l <<<"$theirs")" -gt 300 ] || fail "too few names read from $CC_JSON"
  listed=$(sed -n 's/^# differs: \([a-z0-9_]*\): .*/\1/p' "$POLICY" | sort)
  only_ours=$(comm -23 <(echo "$ours") <(echo "$theirs"))
  only_theirs=$(comm -13 <(echo "$ours") <(echo "$theirs"))
  for name in $only_ours; do
    grep -qx "$name" <<<"$listed" ||
      got="$got$name: allowed here, not by containers-common, and not listed"$'\n'
  done
  for name in $only_theirs; do
    grep -qx "$name" <<<"$listed" ||
      got="$got$name: allowed by containers-common, not here, and not listed"$'\n'
  done
  for name in $listed; do
    grep -qx "$name" <<<"$only_ours"$'\n'"$only_theirs" ||
      got="$got$name: listed as a difference, but is none"$'\n'
  done
  assert_equal "$got" ''
}
