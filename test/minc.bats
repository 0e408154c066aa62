#!/usr/bin/env bats
# minc: one-shot containers: flags, defaults, argv and status, no leaks

load 'lib/common'

setup() {
  container_setup
}

teardown() {
  container_teardown
}

# Docker's 14 default capabilities as a CapBnd mask.
DOCKER_CAPS=00000000a80425fb

@test "minc: --help on stdout, exit 0; --version" {
  run -0 --separate-stderr minc --help
  assert_line --index 0 'Usage: minc [options] [command [args...]]'
  run -0 minc --version
  assert_output --partial 'minc (mustela)'
}

@test "minc: unknown flag, -r without argument: clear message, 125" {
  run -125 minc --bogus true
  assert_output 'minc: unknown option: --bogus (see minc --help)'
  run -125 minc -r
  assert_output 'minc: -r: option requires an argument'
}

@test "minc: a missing rootfs, a file as rootfs: clear message, 125" {
  run -125 minc -r /nonexistent true
  assert_output 'minc: rootdir /nonexistent: No such directory or image'
  run -125 minc -r /etc/passwd true
  assert_output 'minc: rootdir /etc/passwd: Not a directory'
}

@test "minc: argv arrives untouched; stdout carries only the program's output" {
  run -0 --separate-stderr minc -r "$R" echo 'a  b' '' "c'd" '$HOME'
  assert_output "a  b  c'd \$HOME"
  assert_equal "$stderr" ""
}

@test "minc: exit status is the program's: 3, 128+N, 126, 127" {
  run -3 minc -r "$R" sh -c 'exit 3'
  # pid 1 ignores the signals it has no handler for, as in Docker: the
  # program dies of its signal when --init is pid 1, or when it is not pid 1
  run -143 minc -r "$R" --init sh -c 'kill -TERM $$'
  run -137 minc -r "$R" --init sh -c 'kill -KILL $$'
  run -138 minc -r "$R" sh -c 'sh -c "kill -USR1 \$\$"; exit $?'
  run -126 minc -r "$R" /etc/passwd
  run -127 minc -r "$R" nosuchcommand
  assert_output --partial 'nosuchcommand: No such file or directory'
}

@test "minc: works with stdin closed and stdout a file" {
  minc -r "$R" sh -c 'echo out; cat' <&- >"$T/out" 2>"$T/err"
  assert_equal "$(cat "$T/out")" out
  echo piped | minc -r "$R" cat >"$T/out2"
  assert_equal "$(cat "$T/out2")" piped
}

@test "minc: no command runs the rootfs's shell" {
  run -0 bash -c "echo 'echo \$0 in \$(hostname)' | SHELL=/bin/nosuch minc -r '$R'"
  assert_output '/bin/sh in minc'
}

@test "minc: its own pid 1, no host processes" {
  run -0 minc -r "$R" sh -c 'echo $$; ls /proc | grep -c "^[0-9]"'
  assert_line --index 0 1
  # sh and ls (and grep): nothing from the host
  [ "${lines[1]}" -le 3 ]
}

@test "minc: hostname, /etc/hostname and /etc/hosts; resolv.conf is the host's" {
  run -0 minc -r "$R" sh -c 'hostname; cat /etc/hostname; grep 127.0.1.1 /etc/hosts'
  assert_output $'minc\nminc\n127.0.1.1\tminc'
  run -0 minc -r "$R" --name box hostname
  assert_output box
  run -0 minc -r "$R" --hostname box2 cat /etc/hostname
  assert_output box2
  run -0 minc -r "$R" cat /etc/resolv.conf
  assert_output "$(cat /etc/resolv.conf)"
  run -125 minc -r "$R" --name 'bad name' true
  assert_output 'minc: --name: not a valid hostname: bad name'
}

@test "minc: Docker's 14 capabilities, nothing inheritable or ambient" {
  run -0 minc -r "$R" grep ^Cap /proc/self/status
  assert_line "CapBnd:	$DOCKER_CAPS"
  assert_line "CapEff:	$DOCKER_CAPS"
  assert_line "CapPrm:	$DOCKER_CAPS"
  assert_line 'CapInh:	0000000000000000'
  assert_line 'CapAmb:	0000000000000000'
}

@test "minc: --cap-add and --nocaps adjust the default set" {
  run -0 minc -r "$R" --cap-add SYS_ADMIN --nocaps cap_chown,net_raw grep ^CapBnd /proc/self/status
  # + sys_admin (bit 21), - chown (bit 0), - net_raw (bit 13)
  assert_output "CapBnd:	$(printf '%016x' $((0xa80425fb + (1 << 21) - 1 - (1 << 13))))"
}

@test "minc: the default seccomp profile denies mount, unshare; Seccomp: 2" {
  run -0 minc -r "$R" grep ^Seccomp: /proc/self/status
  assert_output 'Seccomp:	2'
  run -1 minc -r "$R" unshare -m true
  assert_output --partial 'Operation not permitted'
  run -1 minc -r "$R" mount -t tmpfs none /mnt
  assert_output --partial 'ermission denied'
}

@test "minc: keyctl and open_by_handle_at are denied (probe binary bound in)" {
  cat >"$T/probe.c" <<'C'
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/syscall.h>
int main(int argc, char **argv)
{
	long nr = atol(argv[1]);
	long r = syscall(nr, 0, 0, 0, 0, 0);
	printf("%ld %d\n", r, r < 0 ? errno : 0);
	return 0;
}
C
  cc -static -o "$T/probe" "$T/probe.c"
  run -0 minc -r "$R" -b "$T/probe:/probe:ro" /probe "$(printf '%d' 250)"  # keyctl
  assert_output "-1 1"
  run -0 minc -r "$R" -b "$T/probe:/probe:ro" /probe 304  # open_by_handle_at
  assert_output "-1 1"
}

@test "minc: /proc/sys and /sys are read-only; masked paths are empty" {
  run -1 minc -r "$R" sh -c 'echo x >/proc/sys/kernel/hostname'
  assert_output --partial 'Read-only file system'
  run -1 minc -r "$R" touch /sys/x
  assert_output --partial 'Read-only file system'
  # a path the host's kernel does not have is absent inside too
  for p in /proc/kcore /proc/keys /proc/timer_list /proc/sched_debug; do
    [ -e "$p" ] || continue
    run -0 minc -r "$R" sh -c "wc -c <$p"
    assert_output 0
  done
  run -1 minc -r "$R" sh -c 'ls -A /sys/firmware | wc -l; touch /sys/firmware/x'
  assert_output --partial 'Read-only file system'
  assert_line --index 0 0
}

@test "minc: a minimal /dev" {
  run -0 minc -r "$R" ls /dev
  assert_output "$(printf '%s\n' fd full null ptmx pts random shm stderr stdin stdout tty urandom zero)"
  run -0 minc -r "$R" sh -c 'echo x >/dev/null && head -c 4 /dev/zero | wc -c'
  assert_output 4
}

@test "minc: the caller's stray descriptors are closed" {
  exec 7</etc/hostname
  run -0 minc -r "$R" ls /proc/self/fd
  exec 7<&-
  assert_output $'0\n1\n2\n3'
}

@test "minc: writes vanish after exit; the rootfs is unchanged" {
  local before
  before=$(tree_sum "$R")
  run -0 minc -r "$R" sh -c 'echo x >/etc/new; rm /bin/ls; cat /etc/new'
  assert_output x
  run -1 minc -r "$R" cat /etc/new
  assert_equal "$(tree_sum "$R")" "$before"
}

@test "minc: with no -r the host's / is the lower layer and is not changed" {
  run -0 minc sh -c "echo x >/root/.minc-test-$$; cat /root/.minc-test-$$"
  assert_output x
  [ ! -e "/root/.minc-test-$$" ]
}

@test "minc: -k keeps the working directory in MINCS's layout" {
  run -0 --separate-stderr minc -k -r "$R" sh -c 'echo kept >/kept'
  d=$(echo "$stderr" | sed -n 's/^minc: working directory //p')
  [ -n "$d" ]
  assert_file_exists "$d/storage/kept"
  assert_dir_exists "$d/root"
  assert_dir_exists "$d/work"
  rm -rf "$d"
}

@test "minc: -t DIR reuses the directory and sees its earlier writes" {
  run -0 minc -t "$T/c" -r "$R" sh -c 'echo first >/f'
  run -0 minc -t "$T/c" -r "$R" cat /f
  assert_output first
  assert_file_exists "$T/c/storage/f"
}

@test "minc: -D runs on the rootdir itself" {
  cp -a "$R" "$T/r"
  run -0 minc -D -r "$T/r" sh -c 'echo direct >/direct'
  assert_file_exists "$T/r/direct"
}

@test "minc: -b binds a host path read-write, :ro read-only, to another path" {
  mkdir "$T/share"
  run -0 minc -r "$R" -b "$T/share:/mnt" sh -c 'echo hi >/mnt/f'
  assert_equal "$(cat "$T/share/f")" hi
  run -1 minc -r "$R" -b "$T/share:/mnt:ro" sh -c 'echo no >/mnt/g'
  assert_output --partial 'Read-only file system'
  run -0 minc -r "$R" -b "$T/share:ro" cat "$T/share/f"
  assert_output hi
  run -125 minc -r "$R" -b /nonexistent true
  assert_output 'minc: --bind /nonexistent: No such file or directory'
}

@test "minc: -B runs in the background, output and status in the working dir" {
  run -0 --separate-stderr minc -B -t "$T/bg" -r "$R" sh -c 'echo out; echo err >&2; exit 4'
  assert_output ''
  for _ in $(seq 50); do [ -e "$T/bg/status" ] && break; sleep 0.1; done
  assert_equal "$(cat "$T/bg/stdout")" out
  assert_equal "$(cat "$T/bg/stderr")" err
  assert_equal "$(cat "$T/bg/status")" 4
}

@test "minc: --user resolves names in the rootfs; no_new_privs; no capabilities" {
  run -0 minc -r "$R" --user user sh -c 'id; grep -E "^(NoNewPrivs|CapEff)" /proc/self/status; echo $HOME'
  assert_line --index 0 'uid=1000(user) gid=1000(user) groups=10(wheel),1000(user)'
  assert_line 'NoNewPrivs:	1'
  assert_line 'CapEff:	0000000000000000'
  assert_line /home/user
  run -0 minc -r "$R" --user 1:10 id -u
  assert_output 1
  run -125 minc -r "$R" --user nosuch true
  assert_output 'minc: --user: no such user in the container: nosuch'
}

@test "minc: --privileged: all capabilities, no seccomp, no masks" {
  run -0 minc -r "$R" --privileged sh -c 'grep -E "^(CapBnd|Seccomp):" /proc/self/status; wc -c </proc/keys'
  assert_line "CapBnd:	$(grep ^CapBnd /proc/self/status | cut -f2)"
  assert_line 'Seccomp:	0'
  refute_line 0
}

@test "minc: --seccomp unconfined and --seccomp FILE" {
  run -0 minc -r "$R" --seccomp unconfined grep ^Seccomp: /proc/self/status
  assert_output 'Seccomp:	0'
  printf 'default allow\nerrno 38 getcwd\n' >"$T/p"
  run -1 minc -r "$R" --seccomp "$T/p" pwd
  run -125 minc -r "$R" --seccomp /nonexistent true
  assert_output 'minc: --seccomp /nonexistent: No such file or directory'
}

@test "minc: a profile is compiled once for the container's capabilities, then loaded" {
  local key ino
  printf 'default allow\nerrno 38 getcwd\n' >"$T/p"
  key=/run/mustela/seccomp/${T//\//%}%p
  run -1 minc -r "$R" --seccomp "$T/p" pwd
  assert_exists "$key.root"
  ino=$(stat -c %i "$key.root")
  # the next run loads it: not written again (a new one is renamed in)
  run -1 minc -r "$R" --seccomp "$T/p" pwd
  assert_equal "$(stat -c %i "$key.root")" "$ino"
  run -0 minc --explain -r "$R" --seccomp "$T/p" pwd
  refute_output --partial -- '--compile '
  assert_output --partial " 5<$key.root"
  # another uid has no capabilities: its own program
  run -1 minc -r "$R" --user 1000 --seccomp "$T/p" pwd
  assert_exists "$key.user"
  # a changed profile is compiled again
  printf 'default allow\n' >"$T/p"
  touch -d '+2 seconds' "$T/p"
  run -0 minc --explain -r "$R" --seccomp "$T/p" pwd
  assert_line --index 0 --partial -- "--compile $key.root --caps chown,"
  run -0 minc -r "$R" --seccomp "$T/p" pwd
  [ "$(stat -c %i "$key.root")" != "$ino" ]
  rm -f "$key.root" "$key.user"
}

@test "minc: --readonly, -w, -e; MINC_* never reaches the program" {
  run -1 minc -r "$R" --readonly touch /x
  assert_output --partial 'Read-only file system'
  run -0 minc -r "$R" -w /etc pwd
  assert_output /etc
  run -0 minc -r "$R" -e 'FOO=a b' -e BAR=2 sh -c 'echo "$FOO/$BAR"; env | grep -c ^MINC_ || :'
  assert_output $'a b/2\n0'
  run -125 minc -r "$R" -e NOEQUALS true
  assert_output 'minc: -e: not KEY=VALUE: NOEQUALS'
}

@test "minc: --init puts a reaping init at pid 1" {
  run -0 minc -r "$R" --init sh -c 'echo $$; sh -c "sleep 0 &"; sleep 0.3; ps -o stat | grep -c Z || :'
  refute_line --index 0 1
  assert_line --index 1 0
}

@test "minc: -c MASK and --pid-max act through a cgroup, removed after exit" {
  minc -r "$R" -c 1 --pid-max 8 sh -c 'grep Cpus_allowed_list /proc/self/status; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null; sleep 0.5' >"$T/out" &
  pid=$!
  until [ -n "$(cgroup_file "$pid" pids.max 2>/dev/null)" ]; do sleep 0.05; done
  assert_equal "$(cgroup_file "$pid" pids.max)" 8
  wait "$pid"
  run -0 cat "$T/out"
  assert_line --index 0 --regexp 'Cpus_allowed_list:[[:space:]]+0$'
  run -0 find /sys/fs/cgroup -maxdepth 4 -name "mustela-$pid"
  assert_output ''
}

@test "minc: --mem-limit: a process past it is OOM-killed, minc reports 137" {
  run -137 minc -r "$R" --mem-limit 16M sh -c 'x=$(head -c 64000000 /dev/zero | tr "\0" a); echo survived'
  refute_output --partial survived
}

@test "minc: --explain prints a chain that runs as printed, and runs nothing" {
  run -0 --separate-stderr minc --explain -r "$R" sh -c "touch /explained; cat /explained"
  [ ! -e "$R/explained" ]
  assert_line --index 0 --partial 'exec 3<'
  assert_output --partial 'ns-enter --pid --mount --uts --ipc'
  run -0 sh -c "$output"
  [ ! -e "$R/explained" ]   # the command ran inside the container's overlay
  run -0 sh -c "$(minc --explain -r "$R" echo pasted)"
  assert_output pasted
}

@test "minc: --debug traces every backend step on stderr, not stdout" {
  run -0 --separate-stderr minc --debug -r "$R" echo out
  assert_output out
  [[ "$stderr" == *"Capabilities: Docker"* ]]
}

@test "minc: a one-shot run execs at most 10 programs" {
  command -v strace || skip "strace missing"
  strace -f -qq -e trace=execve -e signal=none -o "$T/trace" minc -r "$R" true
  n=$(grep -c 'execve(.*= 0$' "$T/trace")
  echo "execs: $n" >&2
  grep 'execve(' "$T/trace" >&2
  [ "$n" -le 10 ]
}

@test "minc: 10 containers side by side do not collide" {
  local i pids=()
  for i in $(seq 10); do
    minc -r "$R" --name "c$i" sh -c "echo \$(hostname) >/tmp/x; sleep 0.5; cat /tmp/x" >"$T/o$i" &
    pids+=($!)
  done
  for i in $(seq 10); do
    wait "${pids[$((i - 1))]}"
    assert_equal "$(cat "$T/o$i")" "c$i"
  done
}

# The container's mounts live in its own namespace: none on the host.
host_mounts() {
  grep -cE "/run/mustela|$R" /proc/self/mountinfo || :
}

# signal_status SIG PID: half a second after the start of background job
# PID, send it SIG; set status to its exit status (no subshell: only this
# shell can wait for its job)
signal_status() {
  status=0
  sleep 0.5
  kill -"$1" "$2"
  wait "$2" || status=$?
}

@test "minc: SIGTERM to minc reaches the program; nothing remains" {
  minc -r "$R" sh -c 'trap "exit 7" TERM; sleep 100 & wait' &
  pid=$!
  signal_status TERM "$pid"
  assert_equal "$status" 7
  assert_equal "$(host_mounts)" 0
}

@test "minc: SIGKILL of minc during the run and during setup leaves nothing" {
  minc -r "$R" --pid-max 20 sleep 1234 &
  pid=$!
  sleep 0.5
  kill -KILL "$pid"
  wait "$pid" || :
  sleep 0.3
  run pgrep -f 'sleep 1234$'
  assert_failure
  for d in 0.001 0.005 0.01 0.02 0.05; do
    minc -r "$R" --pid-max 20 true &
    pid=$!
    sleep "$d"
    kill -KILL "$pid" 2>/dev/null || :
    wait "$pid" || :
  done
  assert_equal "$(host_mounts)" 0
  # a later run sweeps the cgroups the killed runs left
  run -0 minc -r "$R" --pid-max 20 true
  for d in $(find /sys/fs/cgroup -maxdepth 4 -name 'mustela-*'); do
    [ -d "/proc/${d##*-}" ] || fail "left behind: $d"
  done
}

# cgroup_file PID FILE: FILE of minc PID's cgroup (v1: in any controller).
cgroup_file() {
  local f
  for f in /sys/fs/cgroup/*/mustela-"$1"/"$2" /sys/fs/cgroup/*/*/*/mustela-"$1"/"$2" \
    /sys/fs/cgroup/mustela-"$1"/"$2"; do
    [ ! -e "$f" ] || { cat "$f"; return; }
  done
  echo "no $2 for mustela-$1" >&2
  return 1
}

@test "minc: --mem-limit, --mem-swap, --cpu-shares, --cpu-quota reach the cgroup" {
  minc -r "$R" --init --mem-limit 64M --mem-swap 128M --cpu-shares 512 --cpu-quota 50000 \
    sh -c 'touch /ready; sleep 1234' &
  pid=$!
  until [ -n "$(cgroup_file "$pid" cgroup.procs 2>/dev/null)" ]; do sleep 0.05; done
  if [ -e /sys/fs/cgroup/cgroup.subtree_control ]; then
    assert_equal "$(cgroup_file "$pid" memory.max)" $((64 << 20))
    assert_equal "$(cgroup_file "$pid" memory.swap.max)" $((64 << 20))
    assert_equal "$(cgroup_file "$pid" cpu.max)" "50000 100000"
  else
    assert_equal "$(cgroup_file "$pid" memory.limit_in_bytes)" $((64 << 20))
    assert_equal "$(cgroup_file "$pid" memory.memsw.limit_in_bytes)" $((128 << 20))
    assert_equal "$(cgroup_file "$pid" cpu.shares)" 512
    assert_equal "$(cgroup_file "$pid" cpu.cfs_quota_us)" 50000
  fi
  kill -TERM "$pid"
  wait "$pid" || :
  run -0 find /sys/fs/cgroup -maxdepth 4 -name "mustela-$pid"
  assert_output ''
}

@test "minc: --usedev gives the host's /dev; --pivot is accepted" {
  run -1 minc -r "$R" ls /dev/loop-control
  run -0 minc -r "$R" --usedev ls /dev/loop-control
  assert_output /dev/loop-control
  run -0 minc -r "$R" --pivot true
}

@test "minc: --debugfs binds the host's debugfs; without it mounted, 125" {
  if ! mountpoint -q /sys/kernel/debug; then
    run -125 minc -r "$R" --debugfs true
    assert_output 'minc: --debugfs: debugfs is not mounted on /sys/kernel/debug'
  fi
  # mounted in a private mount namespace of the test's own: the host's
  # mount table is not touched
  run -0 unshare -m --propagation private sh -c \
    'mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
     minc -r "$1" --debugfs ls /sys/kernel/debug | grep -x sched' _ "$R"
  assert_output sched
}

@test "minc: -X binds /tmp/.X11-unix and the XAUTHORITY file" {
  # The socket directory is made here when the host has none (no X server),
  # and removed again; a host's own is never touched (a private bind).
  local made=''
  [ -d /tmp/.X11-unix ] || { mkdir -m 1777 /tmp/.X11-unix && made=1; }
  mkdir "$T/x11" && touch "$T/x11/X7" && echo cookie >"$T/xauth"
  run -0 unshare -m --propagation private sh -c '
    mount --bind "$2/x11" /tmp/.X11-unix || exit 9
    XAUTHORITY=$2/xauth DISPLAY=:7 minc -r "$1" -X sh -c \
      "ls /tmp/.X11-unix; cat \$XAUTHORITY; echo \$DISPLAY"' _ "$R" "$T"
  [ -z "$made" ] || rmdir /tmp/.X11-unix
  assert_output $'X7\ncookie\n:7'
}

@test "minc: SIGINT relayed; SIGKILL of the container's pid 1 is 137; -t keeps writes across SIGKILL" {
  # bash starts background jobs with SIGINT ignored: give it back
  env --default-signal=INT minc -r "$R" --pid-max 20 \
    sh -c 'trap "exit 9" INT; sleep 1235 & wait' &
  pid=$!
  signal_status INT "$pid"
  assert_equal "$status" 9
  # the container's pid 1 killed from the host
  minc -r "$R" sleep 1236 &
  pid=$!
  until c=$(pgrep -f '^sleep 1236$'); do sleep 0.05; done
  kill -KILL "$c"
  status=0
  wait "$pid" || status=$?
  assert_equal "$status" 137
  # minc killed: the upper dir on disk keeps what was written
  minc -t "$T/w" -r "$R" sh -c 'echo kept >/kept; sleep 1237' &
  pid=$!
  until [ -e "$T/w/storage/kept" ]; do sleep 0.05; done
  kill -KILL "$pid"
  wait "$pid" || :
  sleep 0.3
  run pgrep -f 'sleep 123[567]$'
  assert_failure
  assert_equal "$(cat "$T/w/storage/kept")" kept
  assert_equal "$(host_mounts)" 0
}

@test "minc: --cgroup-parent PATH: the cgroup goes below PATH (v2: from a busy cgroup)" {
  local p=/mustela-test-$$ f d
  # the container runs until the test has looked (a gate file)
  minc -r "$R" -b "$BATS_TEST_TMPDIR:/g" --cgroup-parent "$p" --pid-max 7 \
    sh -c 'until [ -e /g/go ]; do sleep 0.05; done' &
  pid=$!
  f=''
  until [ -n "$f" ]; do
    kill -0 "$pid"
    for d in "/sys/fs/cgroup$p/mustela-$pid" "/sys/fs/cgroup/pids$p/mustela-$pid"; do
      [ ! -e "$d/pids.max" ] || f=$d
    done
    sleep 0.05
  done
  assert_equal "$(cat "$f/pids.max")" 7
  touch "$BATS_TEST_TMPDIR/go"
  wait "$pid"
  [ ! -e "$f" ]
  if [ -e /sys/fs/cgroup/cgroup.subtree_control ]; then
    # v2: a cgroup with processes cannot have limited children (the "no
    # internal processes" rule): minc says so, --cgroup-parent goes around
    mkdir "/sys/fs/cgroup$p-busy"
    run -125 sh -c 'echo $$ >"$1/cgroup.procs"; exec minc -r "$2" --pid-max 7 true' _ \
      "/sys/fs/cgroup$p-busy" "$R"
    assert_output --partial 'cg-attach: '
    run -0 sh -c 'echo $$ >"$1/cgroup.procs"; exec minc -r "$2" --cgroup-parent "$3" --pid-max 7 true' _ \
      "/sys/fs/cgroup$p-busy" "$R" "$p"
    rmdir "/sys/fs/cgroup$p-busy"
  fi
  run -125 minc -r "$R" --cgroup-parent rel --pid-max 7 true
  assert_output 'minc: --cgroup-parent rel: not an absolute path'
  for d in "/sys/fs/cgroup$p" /sys/fs/cgroup/*"$p"; do [ ! -d "$d" ] || rmdir "$d"; done
}

# host_state: what a run may leave on the host (for --explain: nothing)
host_state() {
  find /run/mustela "$T" 2>/dev/null | grep -v '^/run/mustela/net/lock$' | sort
  find /sys/fs/cgroup -maxdepth 4 -name 'mustela-*' 2>/dev/null | sort
  ls -d /tmp/minc.* 2>/dev/null || :
  ip netns list
  wc -l </proc/self/mountinfo
}

# an image of the test rootfs in a store of the test's own
image_setup() {
  export MUSTELA_DIR=$T/store
  marten import "$R" img >/dev/null 2>&1
}

@test "minc: --explain changes nothing on the host, whatever the mode" {
  image_setup
  before=$(host_state)
  run -0 minc --explain -r "$R" true
  run -0 minc --explain -k -r "$R" true
  run -0 minc --explain -t "$T/new" -r "$R" true
  run -0 minc --explain -r img true
  run -0 minc --explain -t "$T/new" -r img true
  run -0 minc --explain -r "$R" --pid-max 8 --mem-limit 64M true
  run -0 minc --explain -B -r img true
  run -0 minc --explain -r "$R" --name fresh-name-$$ --user 1000 true
  run -0 minc --explain -r "$R" -n true
  assert_equal "$(host_state)" "$before"
  [ ! -e "/run/mustela/etc/fresh-name-$$.hosts" ]
}

@test "minc: --explain pasted runs the container with limits and cleans up after itself" {
  run -0 --separate-stderr minc --explain -r "$R" --pid-max 8 sh -c 'echo started; sleep 1'
  [[ "$output" == *'cg-attach --sweep'* ]]
  before=$(find /sys/fs/cgroup -maxdepth 4 -name 'mustela-*' | sort; ls /run/mustela/cg)
  sh -c "$output" >"$T/out" &
  pid=$!
  until [ -s "$T/out" ]; do sleep 0.05; done
  assert_equal "$(cat /sys/fs/cgroup/pids/mustela-$pid/pids.max /sys/fs/cgroup/*/*/mustela-$pid/pids.max 2>/dev/null)" 8
  wait "$pid"
  assert_equal "$(cat "$T/out")" started
  assert_equal "$(find /sys/fs/cgroup -maxdepth 4 -name 'mustela-*' | sort; ls /run/mustela/cg)" "$before"
}

@test "minc: --explain pasted, with -t DIR and with an image: same container, no leftovers" {
  image_setup
  run -0 sh -c "$(minc --explain -t "$T/c" -r "$R" sh -c 'echo pasted >/f; cat /f')"
  assert_output pasted
  assert_file_exists "$T/c/storage/f"
  run -0 minc -t "$T/c" -r "$R" cat /f
  assert_output pasted
  run -0 sh -c "$(minc --explain -r img sh -c 'hostname; echo x >/g')"
  c=$(ls "$MUSTELA_DIR/containers")
  assert_equal "${#c}" 32
  assert_output "${c:0:12}"
  assert_file_exists "$MUSTELA_DIR/containers/$c/storage/g"
  run -0 marten lc
  assert_output --partial "${c:0:12}"
}

@test "minc: --explain prints absolute paths, one line per link, in run order" {
  cd /
  run -0 minc --explain -r "$R" --pid-max 8 true
  assert_line --partial "$TOP/helpers/cg-attach --name"
  run -0 grep -c -- ' -- \\$' <<<"$output"
  assert_output 6
  run -0 sh -c "minc --explain -r '$R' true | grep -o '^ *[^ ]*' | sed 's/^ *//; s,.*/,,'"
  assert_output "$(printf '%s\n' exec scope-lock ns-enter overlay-mount pivot cap-drop 3)"
}

@test "minc: SHELL that names a command runs it from the container's PATH; no command waits for no stdin" {
  run -0 timeout 20 env SHELL=ps minc --net -r "$R"
  assert_line --index 0 --regexp '^PID +USER'
  run -0 timeout 20 env SHELL=/nonexistent minc -r "$R" </dev/null
  assert_output ''
}

@test "minc: -t DIR with -r IMAGE keeps the writes in DIR; -k -t is -t; -t UUID runs a stored container again" {
  image_setup
  run -0 minc -k -t "$T/d" -r img sh -c 'echo one >/one'
  assert_file_exists "$T/d/storage/one"
  run -0 --separate-stderr minc -r img sh -c 'echo two >/two'
  id=${stderr#minc: container }
  run -0 minc -t "$id" cat /two
  assert_output two
  run -0 minc -t "$id" sh -c 'hostname; ls /one 2>&1 || :'
  assert_line --index 0 "${id:0:12}"
  assert_line --index 1 --partial 'No such file'
}

@test "minc: a stored container's /etc/hosts and hostname live in its directory, not in /run/mustela/etc" {
  image_setup
  before=$(ls /run/mustela/etc)
  run -0 --separate-stderr minc -r img cat /etc/hostname /etc/hosts
  id=${stderr#minc: container }
  assert_line --index 0 "${id:0:12}"
  assert_line --partial "127.0.1.1	${id:0:12}"
  assert_file_exists "$MUSTELA_DIR/containers/$id/hosts"
  assert_equal "$(ls /run/mustela/etc)" "$before"
}

@test "minc: -t DIR: the files bound on /etc leave no placeholder in DIR/storage" {
  mkdir "$T/r"
  cp -a "$R/." "$T/r/"
  rm -f "$T/r/etc/hosts" "$T/r/etc/hostname" "$T/r/etc/resolv.conf"
  run -0 minc -t "$T/c" -r "$T/r" sh -c 'cat /etc/hostname; echo x >/y'
  assert_output minc
  run -0 find "$T/c/storage" -mindepth 1
  assert_output "$T/c/storage/y"
}

# Landlock's scoping (ABI 6, Linux 6.12), asked without the helpers, or skip.
need_landlock_scoping() {
  local abi
  abi=$(python3 -c 'import ctypes
print(ctypes.CDLL(None).syscall(444, None, 0, 1))')
  [ "$abi" -ge 6 ] || skip "Landlock ABI $abi: scoping needs 6 (Linux 6.12)"
}

# abstract_server NAME: a process of the host listening on the abstract
# unix socket NAME (for 30 s at most); its pid in ABS_PID
abstract_server() {
  python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind("\0" + sys.argv[1]); s.listen(8)
time.sleep(30)' "$1" 3>&- &
  ABS_PID=$!
  for _ in $(seq 100); do
    ! grep -q "@$1\$" /proc/net/unix || return 0
    sleep 0.05
  done
  return 1
}

ABS_CONNECT='import socket, sys
socket.socket(socket.AF_UNIX).connect("\0" + sys.argv[1]); print("connected")'

@test "minc: with the host's network, a host abstract socket is refused (EPERM); --privileged reaches it" {
  need_landlock_scoping
  local n=mustela-minc-$$
  abstract_server "$n"
  run -0 python3 -c "$ABS_CONNECT" "$n"
  assert_output connected
  run -1 minc -r / python3 -c "$ABS_CONNECT" "$n"
  assert_output --partial 'PermissionError: [Errno 1] Operation not permitted'
  run -1 minc -r / --net=host python3 -c "$ABS_CONNECT" "$n"
  assert_output --partial 'Operation not permitted'
  run -0 minc -r / --privileged python3 -c "$ABS_CONNECT" "$n"
  assert_output connected
  kill "$ABS_PID"
}

@test "minc: with the host's network, the container's own abstract sockets and signals work, --init's pid 1 too" {
  need_landlock_scoping
  run -0 minc -r / sh -c '
    python3 -c "import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(\"\0\" + sys.argv[1]); s.listen(8)
print(\"up\", flush=True); time.sleep(30)" "$0" | { read -r _; python3 -c "$1" "$0"; }' \
    "mustela-in-$$" "$ABS_CONNECT"
  assert_output connected
  run -0 minc -r "$R" --init sh -c 'kill -0 1 && sleep 30 & kill $!; echo signalled'
  assert_output signalled
}

@test "minc: --explain: scope-lock before ns-enter with the host's network; not with -n, nor --privileged" {
  run -0 minc --explain -r "$R" true
  assert_line --regexp '^[^ ].*/helpers/scope-lock -- \\$'
  assert_line --index 1 --regexp '/helpers/scope-lock -- \\$'
  assert_line --index 2 --regexp '^  .*/helpers/ns-enter '
  run -0 minc --explain -r "$R" --net=host true
  assert_output --partial '/helpers/scope-lock -- '
  for opt in -n --privileged; do
    run -0 minc --explain -r "$R" "$opt" true
    refute_output --partial scope-lock
  done
}
