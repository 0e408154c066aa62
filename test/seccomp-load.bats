#!/usr/bin/env bats
# seccomp-load: the profile language, its errors, the actions, argument
# conditions, "unless CAP", descriptors, and default.policy against the kernel

load 'lib/common'

# Docker's 14 default capabilities: none of them lifts a rule of
# default.policy. setpriv shrinks the bounding set; root's next exec gets it.
DOCKER_CAPS=chown,dac_override,fowner,fsetid,kill,setgid,setuid,setpcap
DOCKER_CAPS=$DOCKER_CAPS,net_bind_service,net_raw,sys_chroot,mknod,audit_write,setfcap

# probe: make one system call by name and print the errno name, or "ok".
# probe -f PID ARCH NAME|NUMBER [ARG...]: run PID's seccomp filter (as the kernel
# holds it) on that call of ARCH and print its action: how the i386 and x32
# entries are checked on a kernel that cannot run them (int 0x80 faults here).
setup_file() {
  cat >"$BATS_FILE_TMPDIR/probe.c" <<'EOF'
#define _GNU_SOURCE
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

static unsigned run_filter(pid_t pid, struct seccomp_data *d)
{
	struct sock_filter f[BPF_MAXINSNS], *i;
	long n, pc;
	unsigned a = 0;

	if (ptrace(PTRACE_SEIZE, pid, 0, 0) || ptrace(PTRACE_INTERRUPT, pid, 0, 0) ||
	    waitpid(pid, NULL, __WALL) < 0 ||
	    (n = ptrace(PTRACE_SECCOMP_GET_FILTER, pid, 0, f)) < 0)
		perror("ptrace"), exit(2);
	for (pc = 0; pc < n; pc++) {
		i = &f[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS: memcpy(&a, (char *)d + i->k, 4); break;
		case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
		case BPF_JMP | BPF_JA: pc += i->k; break;
		case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
		case BPF_JMP | BPF_JSET | BPF_K: pc += a & i->k ? i->jt : i->jf; break;
		case BPF_RET | BPF_K: return i->k;
		default: fprintf(stderr, "opcode %#x\n", i->code); exit(2);
		}
	}
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct { const char *name; unsigned tok, audit; } arches[] = {
		{ "x86_64", SCMP_ARCH_X86_64, 0xc000003e },
		{ "i386", SCMP_ARCH_X86, 0x40000003 },
		{ "x32", SCMP_ARCH_X32, 0xc000003e },
		{ "aarch64", SCMP_ARCH_AARCH64, 0xc00000b7 },
	};
	struct seccomp_data d = { 0 };
	long a[6] = { 0 }, r;
	pid_t pid = 0, self = getpid();
	unsigned tok = SCMP_ARCH_NATIVE, act;
	char *end;
	int nr;

	if (strcmp(argv[1], "-f") == 0) {
		pid = atoi(argv[2]);
		for (int i = 0; i < 4; i++)
			if (strcmp(argv[3], arches[i].name) == 0)
				tok = arches[i].tok, d.arch = arches[i].audit;
		argv += 3;
		argc -= 3;
	}
	/* a number is taken as it is: on i386, libseccomp's "socket" is both
	 * socket (359) and socketcall (102) with SYS_SOCKET */
	nr = strtol(argv[1], &end, 10);
	if (*end || end == argv[1])
		nr = seccomp_syscall_resolve_name_arch(tok, argv[1]);
	if (nr < 0)
		return printf("no such call\n"), 2;
	for (int i = 2; i < argc && i < 8; i++) {
		a[i - 2] = strtoull(argv[i], &end, 0);
		if (*end)
			a[i - 2] = (long)argv[i];
	}
	if (pid) {
		d.nr = nr;
		memcpy(d.args, a, sizeof(a));
		act = run_filter(pid, &d);
		if ((act & SECCOMP_RET_ACTION_FULL) == SECCOMP_RET_ERRNO)
			return printf("%s\n", strerrorname_np(act & 0xffff)), 0;
		return printf("%s\n", act == SECCOMP_RET_ALLOW ? "allow" :
			      act == SECCOMP_RET_KILL_THREAD ? "kill" : "other"), 0;
	}
	r = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (getpid() != self)	/* the child of a clone: leave at once */
		_exit(0);
	if (r < 0)
		return printf("%s\n", strerrorname_np(errno)), 1;
	if (nr == SCMP_SYS(clone))
		waitpid(r, NULL, 0);
	return printf("ok\n"), 0;
}
EOF
  cc -Wall -Werror -o "$BATS_FILE_TMPDIR/probe" "$BATS_FILE_TMPDIR/probe.c" -lseccomp
}

setup() {
  need_root
  T=$(mktemp -d)
  PROBE=$BATS_FILE_TMPDIR/probe
  pid=''
}

teardown() {
  if [ -n "$pid" ]; then kill "$pid"; wait "$pid" || true; fi
  rm -rf "$T"
}

# A profile in $T/NAME from the remaining arguments, one line each.
profile() {
  local name=$1
  shift
  printf '%s\n' "$@" >"$T/$name"
}

# Run a command with Docker's capabilities only.
docker_caps() {
  setpriv --inh-caps=-all --bounding-set="-all,+${DOCKER_CAPS//,/,+}" -- "$@"
}

# filtered PROFILE: start a sleep in $pid under PROFILE, with Docker's
# capabilities, for probe -f. Not "docker_caps ... &": that forks a subshell,
# so $! would be a bash that never becomes sleep, and killing it would leave
# sleep behind. A simple command runs setpriv itself as $!. Descriptor 3 is
# bats' own: a process that kept it would hold the run open.
filtered() {
  local i
  setpriv --inh-caps=-all --bounding-set="-all,+${DOCKER_CAPS//,/,+}" -- \
    seccomp-load "$1" -- sleep 100 3>&- &
  pid=$!
  for ((i = 0; i < 100; i++)); do
    grep -q '^Seccomp:.2' "/proc/$pid/status" &&
      [ "$(cat "/proc/$pid/comm")" = sleep ] && return
    sleep 0.05
  done
  fail "no filtered sleep in $pid"
}

# probe_all: probe -f $pid on each line of stdin; print "line|action".
probe_all() {
  local c
  while read -r c; do
    # shellcheck disable=SC2086 # c is split into arch, call and arguments
    printf '%s|%s\n' "$c" "$("$PROBE" -f "$pid" $c)"
  done
}

@test "seccomp-load: -h prints the usage on stdout, exit 0" {
  run -0 seccomp-load -h
  assert_line --index 0 'seccomp-load: usage: seccomp-load [--compiled FILE] PROFILE [--] prog [args...] | --compile FILE [--caps LIST] PROFILE | --check [--compiled FILE [--caps LIST]] PROFILE'
  run -0 seccomp-load --help
  assert_output "$(seccomp-load -h)"
  for o in check compile caps compiled help; do
    assert_line --regexp "^  (-h, )?--$o( |$)"
  done
}

@test "seccomp-load: no profile or no program is a usage error, 125" {
  run -125 seccomp-load
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load "$POLICY"
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load "$POLICY" --
  run -125 seccomp-load --check "$POLICY" -- true
  assert_output --partial 'seccomp-load: usage:'
}

@test "seccomp-load: unknown option is a usage error, 125" {
  run -125 seccomp-load --bogus "$POLICY" true
  assert_line --index 0 'seccomp-load: unknown option: --bogus'
  assert_line --index 1 --partial 'seccomp-load: usage: seccomp-load '
  run -125 seccomp-load --compile
  assert_line --index 0 'seccomp-load: option needs an argument: --compile'
}

# seccomp-load links Debian's libseccomp.a, built for glibc, into a musl
# program (the Makefile): what the archive needs from a C library must be
# in musl's libc.a or in the shim helpers/glibc-compat.c, else a newer
# libseccomp would fail at link time, or worse, link against nothing.
@test "seccomp-load: what libseccomp.a needs is in musl's libc.a or glibc-compat.c" {
  local lib libc missing unused
  command -v musl-gcc >/dev/null ||
    skip "no musl-gcc: the helpers are built with glibc, which has it all"
  lib=$(cc -print-file-name=libseccomp.a)
  assert_file_exists "$lib"
  # the libc.a musl-gcc links, as its linker names it
  libc=$(echo 'int main(void) { return 0; }' |
    musl-gcc -static -x c -o "$T/empty" - -Wl,--trace | grep '/libc\.a$' | head -n 1)
  assert_file_exists "$libc"
  musl-gcc -c -o "$T/compat.o" "$TOP/helpers/glibc-compat.c"
  # needed: undefined in a member ("U"), defined in none of the others
  nm -u "$lib" | awk '$1 == "U" { print $2 }' | sort -u >"$T/undefined"
  nm --defined-only "$lib" | awk 'NF == 3 { print $3 }' | sort -u >"$T/own"
  comm -23 "$T/undefined" "$T/own" >"$T/needed"
  nm --defined-only "$libc" 2>/dev/null | awk 'NF == 3 { print $3 }' |
    sort -u >"$T/musl"
  nm --defined-only "$T/compat.o" | awk 'NF == 3 { print $3 }' | sort -u >"$T/compat"
  # the lists were read: libseccomp allocates, musl has malloc
  grep -qx malloc "$T/needed"
  grep -qx malloc "$T/musl"
  # _GLOBAL_OFFSET_TABLE_ is the linker's own
  missing=$(sort -u "$T/musl" "$T/compat" | comm -23 "$T/needed" - |
    grep -vx _GLOBAL_OFFSET_TABLE_ || :)
  [ -z "$missing" ] ||
    fail "libseccomp.a needs, and neither musl's libc.a nor glibc-compat.c defines: $missing"
  # the shim defines only what is needed and musl lacks
  unused=$(comm -23 "$T/compat" "$T/needed" | cat - <(comm -12 "$T/compat" "$T/musl"))
  [ -z "$unused" ] ||
    fail "glibc-compat.c defines what libseccomp.a does not need or musl has: $unused"
}

@test "seccomp-load: a missing profile is named in the error, 125" {
  run -125 seccomp-load "$T/none.policy" -- true
  assert_output "seccomp-load: open $T/none.policy: No such file or directory"
  run -125 seccomp-load "$T" -- true
  assert_output "seccomp-load: read $T: Is a directory"
}

@test "seccomp-load: exit codes: 127 not found, 126 not executable, status, signal" {
  echo 'not a program' >"$T/f"
  run -127 seccomp-load "$POLICY" -- /nonexistent
  assert_output "seccomp-load: exec /nonexistent: No such file or directory"
  run -126 seccomp-load "$POLICY" -- "$T/f"
  assert_output "seccomp-load: exec $T/f: Permission denied"
  run -3 seccomp-load "$POLICY" -- sh -c 'exit 3'
  run -143 seccomp-load "$POLICY" -- sh -c 'kill -TERM $$'
}

@test "seccomp-load: the filter is on in prog, with no_new_privs, even as root" {
  run -0 grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status
  assert_output $'NoNewPrivs:\t0\nSeccomp:\t0'
  run -0 seccomp-load "$POLICY" -- grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status
  assert_output $'NoNewPrivs:\t1\nSeccomp:\t2'
}

@test "seccomp-load: --check compiles and prints nothing; errors are 125" {
  run -0 seccomp-load --check "$POLICY"
  assert_output ''
  run -125 seccomp-load -c "$POLICY"
  assert_line --index 0 'seccomp-load: unknown option: -c'
  profile bad 'default allow' 'deny frobnicate'
  run -125 seccomp-load --check "$T/bad"
  assert_output "seccomp-load: $T/bad:2: unknown syscall: frobnicate"
}

@test "seccomp-load: syntax errors name the file, the line and the word" {
  local line want got='' table
  table=$(cat <<'EOF'
frob keyctl|seccomp-load: p.policy:4: unknown action: frob
deny frobnicate|seccomp-load: p.policy:4: unknown syscall: frobnicate
deny|seccomp-load: p.policy:4: missing syscall
errno|seccomp-load: p.policy:4: missing errno value
errno EFOO keyctl|seccomp-load: p.policy:4: unknown errno: EFOO
errno 4096 keyctl|seccomp-load: p.policy:4: unknown errno: 4096
deny dup arg6 == 1|seccomp-load: p.policy:4: bad argument: arg6
deny dup argv == 1|seccomp-load: p.policy:4: bad argument: argv
deny dup arg0 =~ 1|seccomp-load: p.policy:4: bad operator: =~
deny dup arg0 &0x3 != 1|seccomp-load: p.policy:4: bad operator: !=
deny dup arg0 &0xg == 1|seccomp-load: p.policy:4: bad mask: 0xg
deny dup arg0 == 12x|seccomp-load: p.policy:4: bad value: 12x
deny dup arg0 == -1|seccomp-load: p.policy:4: bad value: -1
deny dup arg0 ==|seccomp-load: p.policy:4: incomplete condition: arg0
deny dup arg0|seccomp-load: p.policy:4: incomplete condition: arg0
deny mount unless|seccomp-load: p.policy:4: missing capability
deny mount unless sys_adnim|seccomp-load: p.policy:4: unknown capability: sys_adnim
deny mount unless sys_admin arg0 == 1|seccomp-load: p.policy:4: unexpected: arg0
default kill|seccomp-load: p.policy:4: default given twice
deny dup arg0 > 1 arg0 < 9|seccomp-load: p.policy:4: rule for dup: Invalid argument
deny dup arg0==1 arg1 == 1|seccomp-load: p.policy:4: bad argument: arg0==1
EOF
)
  cd "$T"
  while IFS='|' read -r line want; do
    printf '# a comment\n\ndefault allow\n%s\n' "$line" >p.policy
    run -125 seccomp-load --check p.policy
    got="$got$line|$output"$'\n'
  done <<<"$table"
  assert_equal "$got" "$table"$'\n'
  printf 'deny keyctl\ndefault allow\n' >p.policy
  run -125 seccomp-load p.policy -- true
  assert_output "seccomp-load: p.policy:1: default action must come first"
  printf 'default allow trap\n' >p.policy
  run -125 seccomp-load p.policy -- true
  assert_output "seccomp-load: p.policy:1: unexpected: trap"
  printf '# nothing\n\n' >p.policy
  run -125 seccomp-load p.policy -- true
  assert_output "seccomp-load: p.policy: no default action"
}

@test "seccomp-load: names known on another architecture only are accepted" {
  # vm86 is i386's; libseccomp knows it, so the rule applies there only.
  profile p 'default allow' 'deny vm86' 'deny umount' 'allow keyctl'
  run -0 seccomp-load --check "$T/p"
}

@test "seccomp-load: deny is EPERM; errno takes a number or a name" {
  run -1 "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  profile p 'default allow' 'deny keyctl' 'errno 33 add_key' \
    'errno ENOSYS request_key' 'errno 0 getppid'
  run -1 seccomp-load "$T/p" -- "$PROBE" keyctl 9999
  assert_output EPERM
  run -1 seccomp-load "$T/p" -- "$PROBE" add_key 0 0 0 0 0
  assert_output EDOM
  run -1 seccomp-load "$T/p" -- "$PROBE" request_key 0 0 0 0
  assert_output ENOSYS
  # errno 0: the call is skipped and "succeeds"
  run -0 seccomp-load "$T/p" -- "$PROBE" getppid
  assert_output ok
}

@test "seccomp-load: kill, kill-process and trap end prog with SIGSYS (159); log allows" {
  local a
  for a in kill kill-process trap; do
    profile p 'default allow' "$a keyctl"
    run -159 seccomp-load "$T/p" -- "$PROBE" keyctl 9999
    assert_output ''
  done
  profile p 'default allow' 'log keyctl'
  run -1 seccomp-load "$T/p" -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
}

@test "seccomp-load: the default action applies to every other call" {
  profile p 'default kill'
  run -159 seccomp-load "$T/p" -- true
  profile p 'default errno EACCES' 'allow write' 'allow exit_group'
  run -126 seccomp-load "$T/p" -- true
  assert_output 'seccomp-load: exec true: Permission denied'
  profile p 'default log'
  run -0 seccomp-load "$T/p" -- true
}

@test "seccomp-load: argument conditions: == != < <= > >=, masks, 64-bit values" {
  local cond v r want got='' table
  table=$(cat <<'EOF'
arg0 == 100|EINVAL EDOM EINVAL EINVAL
arg0 == 0x64|EINVAL EDOM EINVAL EINVAL
arg0 != 100|EDOM EINVAL EDOM EDOM
arg0 < 100|EDOM EINVAL EINVAL EINVAL
arg0 <= 100|EDOM EDOM EINVAL EINVAL
arg0 > 100|EINVAL EINVAL EDOM EDOM
arg0 >= 100|EINVAL EDOM EDOM EDOM
arg0 &3 == 0|EINVAL EDOM EINVAL EDOM
arg0 & 0x3 == 1|EINVAL EINVAL EDOM EINVAL
arg0 &0xffffffff00000000 == 0x100000000|EINVAL EINVAL EINVAL EDOM
arg0 > 0xffffffff|EINVAL EINVAL EINVAL EDOM
arg1 == 0 arg0 == 99|EDOM EINVAL EINVAL EINVAL
EOF
)
  # sched_get_priority_max answers EINVAL for these policies: no side effect
  while IFS='|' read -r cond want; do
    profile p 'default allow' "errno EDOM sched_get_priority_max $cond"
    got="$got$cond|"
    for v in 99 100 101 0x100000064; do
      r=$(seccomp-load "$T/p" -- "$PROBE" sched_get_priority_max "$v") || :
      got="$got$r "
    done
    got="${got% }"$'\n'
  done <<<"$table"
  assert_equal "$got" "$table"$'\n'
}

@test "seccomp-load: unless CAP skips the rule when CAP is effective" {
  profile p 'default allow' 'deny keyctl unless sys_admin' \
    'errno EDOM add_key unless sys_nice,net_admin' 'deny request_key unless CAP_SYS_ADMIN'
  run -1 seccomp-load "$T/p" -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  run -1 seccomp-load "$T/p" -- "$PROBE" request_key 0 0 0 0
  assert_output EFAULT
  run -1 setpriv --bounding-set=-sys_admin seccomp-load "$T/p" -- "$PROBE" keyctl 9999
  assert_output EPERM
  run -1 setpriv --bounding-set=-sys_admin seccomp-load "$T/p" -- "$PROBE" request_key 0 0 0 0
  assert_output EPERM
  # a list: skipped when any one of them is there
  run -1 setpriv --bounding-set=-sys_nice seccomp-load "$T/p" -- "$PROBE" add_key 0 0 0 0 0
  assert_output EFAULT
  run -1 setpriv --bounding-set=-sys_nice,-net_admin seccomp-load "$T/p" -- "$PROBE" add_key 0 0 0 0 0
  assert_output EDOM
}

@test "seccomp-load: /proc/self/fd/N is read from N, which prog does not inherit" {
  profile p 'default allow' 'errno EDOM keyctl'
  run -0 seccomp-load /proc/self/fd/9 -- sh -c "ls /proc/self/fd; '$PROBE' keyctl 1 || :" 9<"$T/p"
  refute_line 9
  assert_line EDOM
  # read from the start, as a reopen would, though a line was read already
  run -1 sh -c "read -r _ <&9; exec seccomp-load /proc/self/fd/9 -- '$PROBE' keyctl 1" 9<"$T/p"
  assert_output EDOM
  # no /proc needed: after a root switch there may be none
  run -1 unshare -m sh -c "umount -l /proc && seccomp-load /proc/self/fd/9 -- '$PROBE' keyctl 1" 9<"$T/p"
  assert_output EDOM
  run -125 seccomp-load /proc/self/fd/9 -- true
  assert_output 'seccomp-load: open /proc/self/fd/9: Bad file descriptor'
}

@test "seccomp-load: started as /proc/self/fd/N, prog does not inherit N" {
  # the chain carries the host's static helper across the root switch as
  # descriptor 3: left open, root in the container could write the binary
  profile p 'default allow' 'errno EDOM keyctl'
  run -0 sh -c "exec /proc/self/fd/3 /proc/self/fd/4 -- sh -c \
    'ls -l /proc/\$\$/fd/3 || echo closed; \"\$0\" keyctl 1 || :' '$PROBE'" \
    3<"$TOP/helpers/seccomp-load" 4<"$T/p"
  assert_line --index 0 --partial 'No such file or directory'
  assert_line --index 1 closed
  assert_line --index 2 EDOM
}

# fnv FILE OFFSET: FNV-1a (64 bits) of FILE from byte OFFSET, 16 hex digits
# (bash's arithmetic wraps at 64 bits, as the helper's does)
fnv() {
  local h=-3750763034362895579 b
  for b in $(od -An -v -tu1 -j "$2" "$1"); do
    h=$(((h ^ b) * 1099511628211))
  done
  printf '%016x' "$h"
}

# le64 HEX: 16 hex digits as 8 bytes, little-endian
le64() {
  local out='' i
  for i in 14 12 10 8 6 4 2 0; do out+="\\x${1:$i:2}"; done
  printf '%b' "$out"
}

@test "seccomp-load: --compiled loads the program --compile wrote, when made from this text" {
  profile a 'default allow' 'errno EDOM keyctl'
  profile b 'default allow' 'errno ERANGE keyctl'
  run -0 seccomp-load --compile "$T/a.bpf" "$T/a"
  assert_output ''
  run -0 seccomp-load --compile "$T/b.bpf" "$T/b"
  run -1 seccomp-load --compiled "$T/a.bpf" "$T/a" -- "$PROBE" keyctl 1
  assert_output EDOM
  # a.bpf's header (48 bytes: made from a's text, for this effective set)
  # with b's program and its sum: loaded as it is, not compiled from a
  assert_equal "$(stat -c %s "$T/a.bpf")" "$(stat -c %s "$T/b.bpf")"
  { head -c 24 "$T/a.bpf"; le64 "$(fnv "$T/b.bpf" 48)"
    tail -c +33 "$T/a.bpf" | head -c 16; tail -c +49 "$T/b.bpf"; } >"$T/x.bpf"
  run -1 seccomp-load --compiled "$T/x.bpf" "$T/a" -- "$PROBE" keyctl 1
  assert_output ERANGE
  # without the right sum (torn, damaged): compiled from the profile
  { head -c 48 "$T/a.bpf"; tail -c +49 "$T/b.bpf"; } >"$T/y.bpf"
  run -1 seccomp-load --compiled "$T/y.bpf" "$T/a" -- "$PROBE" keyctl 1
  assert_output EDOM
  # read from a descriptor, closed for prog
  run -0 seccomp-load --compiled /proc/self/fd/8 "$T/a" -- sh -c \
    "ls /proc/self/fd; '$PROBE' keyctl 1 || :" 8<"$T/x.bpf"
  refute_line 8
  assert_line ERANGE
}

@test "seccomp-load: --compiled made from another text or another capability set is not used" {
  profile a 'default allow' 'errno EDOM keyctl unless sys_admin'
  profile a2 'default allow' 'errno ERANGE keyctl unless sys_admin'
  # judged for no capabilities: the rule is in
  run -0 seccomp-load --compile "$T/a.bpf" --caps '' "$T/a"
  # root with every capability: the set differs, a is compiled (rule out)
  run -1 seccomp-load --compiled "$T/a.bpf" "$T/a" -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  # with none: the set matches, the program is used (rule in)
  run -1 setpriv --bounding-set=-all seccomp-load --compiled "$T/a.bpf" "$T/a" \
    -- "$PROBE" keyctl 9999
  assert_output EDOM
  # another text: compiled from it
  run -1 setpriv --bounding-set=-all seccomp-load --compiled "$T/a.bpf" "$T/a2" \
    -- "$PROBE" keyctl 9999
  assert_output ERANGE
  # not a compiled program at all, or missing
  run -1 seccomp-load --compiled "$T/a2" "$T/a2" -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  run -125 seccomp-load --compiled "$T/none" "$T/a2" -- true
  assert_output "seccomp-load: open $T/none: No such file or directory"
}

@test "seccomp-load: --compile, --caps and --compiled: usage and errors, 125" {
  profile a 'default allow' 'errno EDOM keyctl'
  run -125 seccomp-load --compile "$T/a.bpf" "$T/a" -- true
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load --caps chown "$T/a" -- true
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load --compile "$T/a.bpf" --compiled "$T/a.bpf" "$T/a"
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load --compile "$T/a.bpf" --caps chown,bogus "$T/a"
  assert_output 'seccomp-load: --caps: unknown capability: bogus'
  run -125 seccomp-load --compile "$T/no/a.bpf" "$T/a"
  assert_output --regexp "^seccomp-load: --compile $T/no/a\.bpf\.[0-9]+: No such file or directory\$"
  profile bad 'default allow' 'allow nosuchcall'
  run -125 seccomp-load --compile "$T/a.bpf" "$T/bad"
  assert_output --partial "$T/bad:2:"
  assert_not_exists "$T/a.bpf"
}

# le32 NUMBER: 4 bytes, little-endian
le32() {
  printf '%b' "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($1 & 255)) \
    $(($1 >> 8 & 255)) $(($1 >> 16 & 255)) $(($1 >> 24 & 255)))"
}

# poke FILE OFFSET: overwrite FILE's bytes from OFFSET with stdin
poke() {
  dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# not_used FILE REASON: the check's output is that line on stderr, exit 1
not_used() {
  assert_equal "$status" 1
  assert_equal "$output" ''
  assert_equal "$stderr" "seccomp-load: $1: not used: $2"
}

@test "seccomp-load: --check --compiled exits 0 for the program --compiled loads as it is" {
  profile a 'default allow' 'errno EDOM keyctl'
  profile b 'default allow' 'errno ERANGE keyctl'
  run -0 seccomp-load --compile "$T/a.bpf" "$T/a"
  run -0 --separate-stderr seccomp-load --check --compiled "$T/a.bpf" "$T/a"
  assert_equal "$output$stderr" ''
  # a's header with b's program and its sum: used (b's rule acts), and the
  # check says so; with a's sum left: not used (a is compiled), and it says
  # why
  run -0 seccomp-load --compile "$T/b.bpf" "$T/b"
  { head -c 24 "$T/a.bpf"; le64 "$(fnv "$T/b.bpf" 48)"
    tail -c +33 "$T/a.bpf" | head -c 16; tail -c +49 "$T/b.bpf"; } >"$T/x.bpf"
  { head -c 48 "$T/a.bpf"; tail -c +49 "$T/b.bpf"; } >"$T/y.bpf"
  run -0 seccomp-load --check --compiled "$T/x.bpf" "$T/a"
  run -1 seccomp-load --compiled "$T/x.bpf" "$T/a" -- "$PROBE" keyctl 1
  assert_output ERANGE
  run -1 --separate-stderr seccomp-load --check --compiled "$T/y.bpf" "$T/a"
  not_used "$T/y.bpf" 'checksum of the instructions wrong'
  run -1 seccomp-load --compiled "$T/y.bpf" "$T/a" -- "$PROBE" keyctl 1
  assert_output EDOM
  # descriptors, as --compiled reads them
  run -0 seccomp-load --check --compiled /proc/self/fd/8 /proc/self/fd/9 \
    8<"$T/a.bpf" 9<"$T/a"
}

@test "seccomp-load: --check --compiled judges the set of --caps, else its own" {
  local eff
  eff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)
  eff=$(printf '0x%x' "0x$eff")
  profile a 'default allow' 'errno EDOM keyctl unless sys_admin'
  run -0 seccomp-load --compile "$T/a.bpf" --caps '' "$T/a"
  run -0 seccomp-load --check --compiled "$T/a.bpf" --caps '' "$T/a"
  # root with its capabilities: not used, and --compiled compiles
  run -1 --separate-stderr seccomp-load --check --compiled "$T/a.bpf" "$T/a"
  not_used "$T/a.bpf" "made for capabilities 0x0 not $eff"
  run -1 seccomp-load --compiled "$T/a.bpf" "$T/a" -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  # with none: used, as --compiled uses it
  run -0 setpriv --bounding-set=-all seccomp-load --check --compiled \
    "$T/a.bpf" "$T/a"
  run -1 setpriv --bounding-set=-all seccomp-load --compiled "$T/a.bpf" \
    "$T/a" -- "$PROBE" keyctl 9999
  assert_output EDOM
  # made for chown and kill (bits 0 and 5)
  run -0 seccomp-load --compile "$T/b.bpf" --caps chown,kill "$T/a"
  run -0 seccomp-load --check --compiled "$T/b.bpf" --caps kill,chown "$T/a"
  run -1 --separate-stderr seccomp-load --check --compiled "$T/b.bpf" \
    --caps chown "$T/a"
  not_used "$T/b.bpf" 'made for capabilities 0x21 not 0x1'
}

@test "seccomp-load: --check --compiled names the first mismatch, exit 1" {
  local api n arch
  profile a 'default allow' 'errno EDOM keyctl'
  profile a2 'default allow' 'errno ERANGE keyctl'
  run -0 seccomp-load --compile "$T/a.bpf" "$T/a"
  run -1 --separate-stderr seccomp-load --check --compiled "$T/a.bpf" "$T/a2"
  not_used "$T/a.bpf" 'made from another profile text'
  # not a compiled program: a profile, an empty file
  run -1 --separate-stderr seccomp-load --check --compiled "$T/a" "$T/a"
  not_used "$T/a" 'not a compiled program'
  : >"$T/e"
  run -1 --separate-stderr seccomp-load --check --compiled "$T/e" "$T/a"
  not_used "$T/e" 'not a compiled program'
  # cut in its header, in its instructions; longer than them
  head -c 20 "$T/a.bpf" >"$T/t"
  run -1 --separate-stderr seccomp-load --check --compiled "$T/t" "$T/a"
  not_used "$T/t" 'truncated: 20 bytes, its header is 48'
  n=$(( ($(stat -c %s "$T/a.bpf") - 48) / 8 ))
  head -c 60 "$T/a.bpf" >"$T/t"
  run -1 --separate-stderr seccomp-load --check --compiled "$T/t" "$T/a"
  not_used "$T/t" "truncated: 60 bytes, its $n instructions make $((48 + n * 8))"
  { cat "$T/a.bpf"; printf 'abc'; } >"$T/t"
  run -1 --separate-stderr seccomp-load --check --compiled "$T/t" "$T/a"
  not_used "$T/t" "3 bytes after its $n instructions"
  # one byte of an instruction changed
  cp "$T/a.bpf" "$T/c"
  printf '\xff' | poke "$T/c" 50
  run -1 --separate-stderr seccomp-load --check --compiled "$T/c" "$T/a"
  not_used "$T/c" 'checksum of the instructions wrong'
  # made elsewhere: the header's arch (offset 32), libseccomp version (36),
  # API level (40), instruction count (44)
  # (the header holds the AUDIT_ARCH_* value: a file made for x86_64 is
  # not used on aarch64)
  case $(uname -m) in
    x86_64) arch=0xc000003e ;;
    aarch64) arch=0xc00000b7 ;;
    *) fail "no AUDIT_ARCH value known for $(uname -m)" ;;
  esac
  assert_equal "$(printf '0x%x' "$(od -An -tu4 -j 32 -N 4 "$T/a.bpf")")" "$arch"
  cp "$T/a.bpf" "$T/c"
  le32 $((0x40000003)) | poke "$T/c" 32
  run -1 --separate-stderr seccomp-load --check --compiled "$T/c" "$T/a"
  not_used "$T/c" "arch 0x40000003, this is $arch"
  cp "$T/a.bpf" "$T/c"
  le32 $((2 << 16 | 4 << 8 | 1)) | poke "$T/c" 36
  run -1 --separate-stderr seccomp-load --check --compiled "$T/c" "$T/a"
  assert_equal "$status" 1
  assert_regex "$stderr" "^seccomp-load: $T/c: not used: libseccomp 2\.4\.1, this is [0-9]+\.[0-9]+\.[0-9]+\$"
  api=$(od -An -tu4 -j 40 -N 4 "$T/a.bpf" | tr -d ' ')
  cp "$T/a.bpf" "$T/c"
  le32 $((api + 1)) | poke "$T/c" 40
  run -1 --separate-stderr seccomp-load --check --compiled "$T/c" "$T/a"
  not_used "$T/c" "kernel seccomp API level $((api + 1)), this kernel $api"
  cp "$T/a.bpf" "$T/c"
  le32 0 | poke "$T/c" 44
  run -1 --separate-stderr seccomp-load --check --compiled "$T/c" "$T/a"
  not_used "$T/c" '0 instructions, not 1 to 4096'
}

@test "seccomp-load: --check --compiled: usage and errors, 125" {
  profile a 'default allow' 'errno EDOM keyctl'
  run -0 seccomp-load --compile "$T/a.bpf" "$T/a"
  # no PROFILE; a program
  run -125 seccomp-load --check --compiled "$T/a.bpf"
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load --check --compiled "$T/a.bpf" "$T/a" -- true
  assert_output --partial 'seccomp-load: usage:'
  # --caps with a program, or with --check alone
  run -125 seccomp-load --compiled "$T/a.bpf" --caps chown "$T/a" -- true
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load --check --caps chown "$T/a"
  assert_output --partial 'seccomp-load: usage:'
  run -125 seccomp-load --check --compile "$T/b.bpf" "$T/a"
  assert_output --partial 'seccomp-load: usage:'
  assert_not_exists "$T/b.bpf"
  run -125 seccomp-load --check --compiled "$T/a.bpf" --caps bogus "$T/a"
  assert_output 'seccomp-load: --caps: unknown capability: bogus'
  run -125 seccomp-load --check --compiled "$T/none" "$T/a"
  assert_output "seccomp-load: open $T/none: No such file or directory"
  run -125 seccomp-load --check --compiled "$T/a.bpf" "$T/none"
  assert_output "seccomp-load: open $T/none: No such file or directory"
}

@test "seccomp-load: default.policy with Docker's capabilities refuses what Docker refuses" {
  local call unfiltered filtered u f got='' want=''
  # each call with arguments the kernel answers differently when it runs
  while IFS='|' read -r call unfiltered filtered; do
    # shellcheck disable=SC2086 # call is split into name and arguments
    u=$(docker_caps "$PROBE" $call) || :
    # shellcheck disable=SC2086
    f=$(docker_caps seccomp-load "$POLICY" -- "$PROBE" $call) || :
    got="$got$call|$u|$f"$'\n'
    want="$want$call|$unfiltered|$filtered"$'\n'
  done <<'EOF'
mount none /nonexistent tmpfs 0 0|ENOENT|EPERM
umount2 /nonexistent 0|ENOENT|EPERM
open_tree -1 0 0|EFAULT|EPERM
setns -1 0|EBADF|EPERM
unshare 0|ok|EPERM
clone 0x10020011 0 0 0 0|ok|EPERM
clone 0x10000011 0 0 0 0|ok|EPERM
clone 0x11 0 0 0 0|ok|ok
clone3 0 0|EINVAL|ENOSYS
keyctl 9999|EOPNOTSUPP|EPERM
add_key 0 0 0 0 0|EFAULT|EPERM
request_key 0 0 0 0|EFAULT|EPERM
bpf 9999 0 0|EINVAL|EPERM
perf_event_open 0 0 0 0 0|EFAULT|EPERM
open_by_handle_at -1 0 0|EFAULT|EPERM
io_uring_setup 0 0|EFAULT|EPERM
clock_settime 0 0|EFAULT|EPERM
kcmp 0 0 0 0 0|ESRCH|EPERM
get_mempolicy 0 0 0 0 0|ok|EPERM
move_pages 0 0 0 0 0 0|ok|EPERM
socket 40 1 0|ok|EPERM
sysfs 0|EINVAL|EPERM
ustat 0 0|EINVAL|EPERM
getpid|ok|ok
EOF
  assert_equal "$got" "$want"
  # unshare(1) makes a user namespace, which needs no capability
  run -0 docker_caps unshare -Ur true
  run -1 docker_caps seccomp-load "$POLICY" -- unshare -Ur true
  assert_output 'unshare: unshare failed: Operation not permitted'
}

@test "seccomp-load: every deny of default.policy is enforced without its capability" {
  local name r got='' want='' i386=''
  # The same rules with a distinctive errno, so the filter's answer cannot be
  # confused with the kernel's own EPERM; each call with no arguments.
  sed 's/^deny /errno EHWPOISON /' "$POLICY" >"$T/p"
  for name in $(awk '$1 == "deny" && (NF == 2 || $3 == "unless") { print $2 }' "$POLICY"); do
    r=$(docker_caps seccomp-load "$T/p" -- "$PROBE" "$name") || :
    if [ "$r" = "no such call" ]; then i386="$i386 $name"; continue; fi
    got="$got $name:$r"
    want="$want $name:EHWPOISON"
  done
  assert_equal "$got" "$want"
  # and the loop covered every call of Docker's denials that issue 2 lists
  for name in mount umount2 unshare setns pivot_root keyctl add_key \
    request_key bpf perf_event_open kexec_load kexec_file_load init_module \
    finit_module delete_module open_by_handle_at userfaultfd io_uring_setup \
    io_uring_enter io_uring_register reboot swapon swapoff acct \
    settimeofday clock_settime iopl ioperm open_tree move_mount fsopen \
    fsconfig fsmount fspick mount_setattr; do
    [[ "$got " == *" $name:EHWPOISON "* ]] || fail "$name is not denied"
  done
  # the calls x86_64 does not have are checked in the i386 test below
  assert_equal "$i386" " umount stime clock_settime64 vm86 vm86old"
}

@test "seccomp-load: default.policy with CAP_SYS_ADMIN kept skips its unless rules" {
  run -1 seccomp-load "$POLICY" -- "$PROBE" mount none /nonexistent tmpfs 0 0
  assert_output ENOENT
  run -1 seccomp-load "$POLICY" -- "$PROBE" clone3 0 0
  assert_output EINVAL
  run -0 unshare -m --propagation private seccomp-load "$POLICY" -- \
    sh -c "mount -t tmpfs none '$T' && unshare -m true && echo mounted"
  assert_output mounted
  # the rules without "unless" stay
  run -1 seccomp-load "$POLICY" -- "$PROBE" keyctl 9999
  assert_output EPERM
  # CAP_SYS_ADMIN alone dropped
  run -1 setpriv --inh-caps=-all --bounding-set=-sys_admin seccomp-load "$POLICY" -- \
    "$PROBE" mount none /nonexistent tmpfs 0 0
  assert_output EPERM
  run -1 setpriv --inh-caps=-all --bounding-set=-sys_admin seccomp-load "$POLICY" -- unshare -Ur true
  assert_output 'unshare: unshare failed: Operation not permitted'
}

@test "seccomp-load: i386 and x32 calls meet the same rules; other arches are killed" {
  filtered "$POLICY"
  run -0 probe_all <<'EOF'
x86_64 keyctl 9999
x86_64 getpid
i386 keyctl 9999
i386 getpid
i386 vm86 0 0
i386 umount /
i386 stime 0
i386 clock_settime64 0 0
i386 vm86old 0
i386 clone 0x20011 0 0 0 0
i386 clone 0x11 0 0 0 0
i386 clone3 0 0
x32 keyctl 9999
x32 clone 0x40000011 0 0 0 0
x32 socket 40 1 0
x32 socket 2 1 0
aarch64 getpid
EOF
  assert_output "x86_64 keyctl 9999|EPERM
x86_64 getpid|allow
i386 keyctl 9999|EPERM
i386 getpid|allow
i386 vm86 0 0|EPERM
i386 umount /|EPERM
i386 stime 0|EPERM
i386 clock_settime64 0 0|EPERM
i386 vm86old 0|EPERM
i386 clone 0x20011 0 0 0 0|EPERM
i386 clone 0x11 0 0 0 0|allow
i386 clone3 0 0|ENOSYS
x32 keyctl 9999|EPERM
x32 clone 0x40000011 0 0 0 0|EPERM
x32 socket 40 1 0|EPERM
x32 socket 2 1 0|allow
aarch64 getpid|kill"
}

@test "seccomp-load: i386 socketcall and ipc: rules with conditions stay off" {
  # i386 makes socket(2) directly (359) or through socketcall(2) (102,
  # SYS_SOCKET 1), shmctl(2) directly (396) or through ipc(2) (117, SHMCTL
  # 24). Arguments behind socketcall/ipc lie in memory: a rule with
  # conditions is left out on i386, not widened to all of socketcall.
  profile p 'default allow' 'deny socket' 'errno EDOM shmctl arg1 == 1' \
    'errno EDOM semctl' 'deny socketpair arg0 == 1'
  filtered "$T/p"
  run -0 probe_all <<'EOF'
x86_64 socket 2 1 0
x86_64 shmctl 0 1
x86_64 shmctl 0 2
x86_64 socketpair 1
x86_64 socketpair 2
i386 359 2 1 0
i386 102 1 0
i386 102 2 0
i386 394 0 1
i386 117 3 0
i386 396 0 1
i386 117 24 1
i386 360 1
i386 102 8 0
EOF
  assert_output "x86_64 socket 2 1 0|EPERM
x86_64 shmctl 0 1|EDOM
x86_64 shmctl 0 2|allow
x86_64 socketpair 1|EPERM
x86_64 socketpair 2|allow
i386 359 2 1 0|EPERM
i386 102 1 0|EPERM
i386 102 2 0|allow
i386 394 0 1|EDOM
i386 117 3 0|EDOM
i386 396 0 1|allow
i386 117 24 1|allow
i386 360 1|allow
i386 102 8 0|allow"
  # default.policy: AF_VSOCK is refused on x86_64 and x32 only; i386's
  # programs (glibc calls socket through socketcall) keep their sockets
  kill "$pid"
  wait "$pid" || :
  filtered "$POLICY"
  run -0 probe_all <<'EOF'
x86_64 socket 40 1 0
i386 359 40 1 0
i386 102 1 0
EOF
  assert_output "x86_64 socket 40 1 0|EPERM
i386 359 40 1 0|allow
i386 102 1 0|allow"
}

@test "seccomp-load: if CAP applies the rule only when CAP is effective" {
  profile p 'default allow' 'errno EDOM keyctl if sys_admin' \
    'errno EDOM add_key if sys_nice,net_admin'
  run -1 seccomp-load "$T/p" -- "$PROBE" keyctl 9999
  assert_output EDOM
  run -1 setpriv --bounding-set=-sys_admin seccomp-load "$T/p" -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  # a list: applied when any one of them is there
  run -1 setpriv --bounding-set=-sys_nice seccomp-load "$T/p" -- "$PROBE" add_key 0 0 0 0 0
  assert_output EDOM
  run -1 setpriv --bounding-set=-sys_nice,-net_admin seccomp-load "$T/p" -- "$PROBE" add_key 0 0 0 0 0
  assert_output EFAULT
  # --caps judges if rules too
  run -0 seccomp-load --compile "$T/p.bpf" --caps '' "$T/p"
  run -1 setpriv --bounding-set=-all seccomp-load --compiled "$T/p.bpf" "$T/p" \
    -- "$PROBE" keyctl 9999
  assert_output EOPNOTSUPP
  profile p 'default allow' 'deny mount if'
  run -125 seccomp-load --check "$T/p"
  assert_output "seccomp-load: $T/p:2: missing capability"
  profile p 'default allow' 'deny mount if sys_admin arg0 == 1'
  run -125 seccomp-load --check "$T/p"
  assert_output "seccomp-load: $T/p:2: unexpected: arg0"
}

@test "seccomp-load: default.policy answers ENOSYS for every call it does not name" {
  filtered "$POLICY"
  # statmount (457), lsm_list_modules (461), mseal (462) are newer than
  # the profile on x86_64, 1000 is no call at all; i386 the same
  run -0 probe_all <<'EOF'
x86_64 457 0 0
x86_64 461 0 0
x86_64 462 0 0
x86_64 1000
i386 457 0 0
i386 1000
x86_64 getpid
i386 getpid
EOF
  assert_output "x86_64 457 0 0|ENOSYS
x86_64 461 0 0|ENOSYS
x86_64 462 0 0|ENOSYS
x86_64 1000|ENOSYS
i386 457 0 0|ENOSYS
i386 1000|ENOSYS
x86_64 getpid|allow
i386 getpid|allow"
}

@test "seccomp-load: i386: an allow rule with conditions on a socketcall/ipc call allows it whole" {
  # default.policy's socket (arg0 != 40) and a shmctl for IPC_STAT (2) only:
  # x86_64 checks the argument, i386 cannot and allows the direct call
  sed 's/^allow shmctl$/allow shmctl arg1 == 2/' "$POLICY" >"$T/p"
  filtered "$T/p"
  run -0 probe_all <<'EOF'
x86_64 shmctl 0 2
x86_64 shmctl 0 1
i386 396 0 2
i386 396 0 1
x86_64 socket 40 1 0
x86_64 socket 2 1 0
i386 359 40 1 0
i386 359 2 1 0
EOF
  assert_output "x86_64 shmctl 0 2|allow
x86_64 shmctl 0 1|ENOSYS
i386 396 0 2|allow
i386 396 0 1|allow
x86_64 socket 40 1 0|EPERM
x86_64 socket 2 1 0|allow
i386 359 40 1 0|allow
i386 359 2 1 0|allow"
}
