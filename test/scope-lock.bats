#!/usr/bin/env bats
# scope-lock: a Landlock domain that keeps abstract unix sockets and signals
# inside; best effort on a kernel without scoping, --require demands it

load 'lib/common'

# The abstract socket names of one test: its own, so that parallel runs
# and other tests do not meet.
setup() {
  need_root
  T=$(mktemp -d)
  N=mustela-scope-$$-$BATS_TEST_NUMBER
  SERVERS=''
  # abs.py serve NAME: bind and listen on the abstract socket NAME, print
  # the pid of a child that accepts (for 60 s at most), and return once
  # it listens; abs.py connect NAME: "connected" (0) or the error (1)
  cat >"$T/abs.py" <<'EOF'
import os, socket, sys, time
mode, name = sys.argv[1], "\0" + sys.argv[2]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
if mode == "serve":
    s.bind(name)
    s.listen(8)
    pid = os.fork()
    if pid:
        print(pid)
        sys.exit(0)
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 1)
    s.settimeout(1)
    end = time.time() + 60
    while time.time() < end:
        try:
            s.accept()[0].close()
        except OSError:
            pass
    sys.exit(0)
try:
    s.connect(name)
except OSError as e:
    print(e.strerror)
    sys.exit(1)
print("connected")
EOF
}

teardown() {
  local p
  for p in $SERVERS; do kill "$p" 2>/dev/null || :; done
  rm -rf "$T"
}

# The kernel's Landlock ABI (asked without the helper), or a reason to skip.
need_scoping() {
  local abi
  abi=$(python3 -c 'import ctypes
libc = ctypes.CDLL(None, use_errno=True)
print(libc.syscall(444, None, 0, 1))')
  [ "$abi" -ge 6 ] ||
    skip "Landlock ABI $abi: scoping needs 6 (Linux 6.12, Landlock enabled)"
}

# serve NAME: a server on the abstract socket NAME, outside any domain
serve() {
  local pid
  pid=$(python3 "$T/abs.py" serve "$1")
  SERVERS="$SERVERS $pid"
}

@test "scope-lock: -h prints the usage and its options on stdout, exit 0" {
  run -0 scope-lock -h
  assert_line --index 0 'scope-lock: usage: scope-lock [--require] [--] prog [args...]'
  assert_line --regexp '^  --require +fail'
  assert_line --regexp '^  -h, --help '
  run -0 scope-lock --help
}

@test "scope-lock: -h and the man page SYNOPSIS agree" {
  local syn
  syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/{/^\.SH/d;p}' "$TOP/share/man/man1/scope-lock.1" |
    sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]* *//' | tr '\n' ' ' | tr -s ' ' | sed 's/ $//')
  run -0 scope-lock -h
  assert_line --index 0 "scope-lock: usage: $syn"
}

@test "scope-lock: no program is a usage error, 125" {
  run -125 scope-lock
  assert_output 'scope-lock: usage: scope-lock [--require] [--] prog [args...]'
  run -125 scope-lock --require --
  assert_output --partial 'scope-lock: usage:'
}

@test "scope-lock: unknown option is a usage error, 125" {
  run -125 scope-lock --bogus true
  assert_line --index 0 'scope-lock: unknown option: --bogus'
  assert_line --index 1 'scope-lock: usage: scope-lock [--require] [--] prog [args...]'
  run -125 scope-lock --require=yes true
  assert_line --index 0 'scope-lock: option takes no argument: --require'
  # no short letter but -h
  run -125 scope-lock -r true
  assert_line --index 0 'scope-lock: unknown option: -r'
}

@test "scope-lock: exit codes: 127 not found, 126 not executable, status, signal" {
  echo 'not a program' >"$T/f"
  run -127 scope-lock -- /nonexistent
  assert_output 'scope-lock: exec /nonexistent: No such file or directory'
  run -126 scope-lock -- "$T/f"
  assert_output "scope-lock: exec $T/f: Permission denied"
  run -3 scope-lock -- sh -c 'exit 3'
  run -143 scope-lock --require -- sh -c 'kill -TERM $$'
}

@test "scope-lock: the program's arguments pass untouched, options included" {
  run -0 scope-lock --require -- echo --require -h -- x
  assert_output -- '--require -h -- x'
  run -0 scope-lock echo --bogus
  assert_output -- '--bogus'
}

@test "scope-lock: an abstract socket made outside is refused (EPERM), without it reached" {
  need_scoping
  serve "$N"
  run -0 python3 "$T/abs.py" connect "$N"
  assert_output connected
  run -1 scope-lock -- python3 "$T/abs.py" connect "$N"
  assert_output 'Operation not permitted'
  # and for a child of prog: the domain is inherited
  run -1 scope-lock -- sh -c 'python3 "$0" connect "$1"' "$T/abs.py" "$N"
  assert_output 'Operation not permitted'
}

@test "scope-lock: an abstract socket made inside the domain works" {
  need_scoping
  run -0 scope-lock --require -- sh -c '
    pid=$(python3 "$0" serve "$1") || exit 9
    python3 "$0" connect "$1"; s=$?
    kill "$pid"; exit "$s"' "$T/abs.py" "$N"
  assert_output connected
  # a nested domain (scope-lock again) is refused its parent's sockets;
  # the parent reaches the nested one's
  run -1 scope-lock --require -- sh -c '
    pid=$(python3 "$0" serve "$1") || exit 9
    scope-lock --require python3 "$0" connect "$1"; s=$?
    kill "$pid"; exit "$s"' "$T/abs.py" "$N"
  assert_output 'Operation not permitted'
  run -0 scope-lock --require -- sh -c '
    pid=$(scope-lock --require python3 "$0" serve "$1") || exit 9
    python3 "$0" connect "$1"; s=$?
    kill "$pid"; exit "$s"' "$T/abs.py" "$N"
  assert_output connected
}

@test "scope-lock: a signal to a process outside fails with EPERM; inside, and in from outside, works" {
  need_scoping
  sleep 60 3>&- &
  local out=$!
  SERVERS=$out
  run -1 scope-lock -- sh -c 'kill -TERM "$0"' "$out"
  assert_output --partial 'Operation not permitted'
  run -0 kill -0 "$out"
  # inside: prog's own children
  run -0 scope-lock --require -- sh -c 'sleep 60 & kill -TERM $!; wait $!; echo $?'
  assert_line --index 1 143
  # from outside in: the caller still stops what runs in the domain
  scope-lock --require -- sleep 60 3>&- &
  local in=$! st=0
  sleep 0.2
  kill -TERM "$in"
  wait "$in" || st=$?
  assert_equal "$st" 143
}

@test "scope-lock: mounts, the overlay and pivot_root after it are allowed (no file access handled)" {
  need_scoping
  local r
  r=$(rootfs)
  mkdir "$T/root"
  run -0 scope-lock --require -- \
    ns-enter --pid --mount --uts --ipc --kill-with-parent -- \
    overlay-mount --lower "$r" --tmpfs-upper "$T/root" -- \
    pivot --proc --dev --sys "$T/root" -- \
    sh -c 'mount -t tmpfs t /tmp && echo mounted; echo x >/w && cat /w'
  assert_output $'mounted\nx'
}

@test "scope-lock: needs no_new_privs or CAP_SYS_ADMIN, and says so" {
  need_scoping
  run -125 setpriv --reuid 65534 --regid 65534 --clear-groups scope-lock true
  assert_output 'scope-lock: landlock_restrict_self (needs no_new_privs or CAP_SYS_ADMIN): Operation not permitted'
  run -0 setpriv --reuid 65534 --regid 65534 --clear-groups --no-new-privs \
    scope-lock --require -- id -u
  assert_output 65534
}

@test "scope-lock: without scoping (ENOSYS, EOPNOTSUPP) prog runs as before; --require fails, 125" {
  # a kernel without Landlock, or with it not enabled at boot, as a
  # seccomp filter makes it look
  printf 'default allow\nerrno ENOSYS landlock_create_ruleset\n' >"$T/nosys"
  printf 'default allow\nerrno EOPNOTSUPP landlock_create_ruleset\n' >"$T/off"
  serve "$N"
  run -0 seccomp-load "$T/nosys" -- scope-lock -- python3 "$T/abs.py" connect "$N"
  assert_output connected
  run -125 seccomp-load "$T/nosys" -- scope-lock --require -- true
  assert_output 'scope-lock: landlock_create_ruleset: Function not implemented'
  run -125 seccomp-load "$T/off" -- scope-lock --require -- true
  # (musl's strerror, or glibc's)
  assert_output --regexp '^scope-lock: landlock_create_ruleset: (Operation )?[Nn]ot supported$'
}
