#!/usr/bin/env bats
# start-gate: a chain parked before its program until a byte arrives on a
# descriptor (runc's exec.fifo); --ready-fd says it reached the gate (the
# time, one line); end of file cancels; the limits, working directory and
# environment set first, also with no gate (mustela-oci exec)

load 'lib/common'

SYN='start-gate: usage: start-gate [--wait-fd N [--ready-fd M]] [--stderr-fd E] [--clear-env] [--env NAME=VALUE]... [--rlimit TYPE=SOFT:HARD]... [--chdir DIR] [--] prog [args...]'

setup() {
  T=$(mktemp -d)
  PIDS=()
}

teardown() {
  local p
  for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null || :; done
  [ -z "${MNT:-}" ] || umount -l "$MNT" 2>/dev/null || :
  rm -rf "$T"
}

@test "start-gate: -h prints the usage and its options on stdout, exit 0" {
  run -0 --separate-stderr start-gate -h
  assert_line --index 0 "$SYN"
  assert_line --regexp '^  --wait-fd N +wait'
  assert_line --regexp '^  --ready-fd M +first'
  assert_line --regexp '^  --stderr-fd E +then'
  assert_line --regexp '^  --clear-env +start'
  assert_line --regexp '^  --env NAME=VALUE +set'
  assert_line '  --rlimit TYPE=SOFT:HARD'
  assert_line --regexp '^  --chdir DIR +change'
  assert_line --regexp '^  -h, --help '
  [ -z "$stderr" ]
  run -0 start-gate --help
  assert_line --index 0 "$SYN"
}

@test "start-gate: usage errors, 125: no program, unknown option, --ready-fd alone" {
  run -125 start-gate --wait-fd 0
  assert_output "$SYN"
  run -125 start-gate --clear-env
  assert_output "$SYN"
  run -125 start-gate --wait-fd 0 --
  assert_output "$SYN"
  run -125 start-gate --bogus true
  assert_line --index 0 'start-gate: unknown option: --bogus'
  assert_line --index 1 "$SYN"
  run -125 start-gate -w 3 true
  assert_line --index 0 'start-gate: unknown option: -w'
  run -125 start-gate --wait-fd
  assert_line --index 0 'start-gate: option needs an argument: --wait-fd'
  run -125 start-gate --ready-fd 1 -- touch "$T/ran"
  assert_output 'start-gate: --ready-fd needs --wait-fd (no gate to be ready at)'
  run -125 start-gate --env
  assert_line --index 0 'start-gate: option needs an argument: --env'
  run -125 start-gate --rlimit
  assert_line --index 0 'start-gate: option needs an argument: --rlimit'
  run -125 start-gate --chdir
  assert_line --index 0 'start-gate: option needs an argument: --chdir'
  assert_not_exist "$T/ran"
}

@test "start-gate: bad descriptors are errors naming them, 125, and prog never runs" {
  run -125 start-gate --wait-fd x -- touch "$T/ran"
  assert_output 'start-gate: wait-fd x: not a descriptor'
  run -125 start-gate --wait-fd -1 -- touch "$T/ran"
  assert_output 'start-gate: wait-fd -1: not a descriptor'
  run -125 start-gate --wait-fd 99999999999 -- touch "$T/ran"
  assert_output 'start-gate: wait-fd 99999999999: not a descriptor'
  run -125 start-gate --wait-fd 9 -- touch "$T/ran"
  assert_output 'start-gate: wait-fd 9: Bad file descriptor'
  run -125 start-gate --wait-fd 0 --ready-fd 8 -- touch "$T/ran"
  assert_output 'start-gate: ready-fd 8: Bad file descriptor'
  run -125 start-gate --wait-fd 0 --ready-fd 0 -- touch "$T/ran"
  assert_output 'start-gate: --ready-fd 0 is --wait-fd too: the gate would open itself'
  # a descriptor open for reading only: the ready byte cannot be written
  run -125 start-gate --wait-fd 0 --ready-fd 5 -- touch "$T/ran" 5</dev/null
  assert_output 'start-gate: ready: write descriptor 5: Bad file descriptor'
  run -125 start-gate --wait-fd 0 --stderr-fd 8 -- touch "$T/ran"
  assert_output 'start-gate: stderr-fd 8: Bad file descriptor'
  run -125 start-gate --wait-fd 0 --stderr-fd 0 -- touch "$T/ran"
  assert_output 'start-gate: --stderr-fd 0 is --wait-fd too'
  run -125 start-gate --wait-fd 0 --ready-fd 5 --stderr-fd 5 -- touch "$T/ran" 5>/dev/null
  assert_output 'start-gate: --stderr-fd 5 is --ready-fd too'
  # a directory: the read fails
  run -125 start-gate --wait-fd 5 -- touch "$T/ran" 5<"$T"
  assert_output 'start-gate: wait: read descriptor 5: Is a directory'
  assert_not_exist "$T/ran"
}

@test "start-gate: end of file cancels: 125, prog never runs" {
  run -125 start-gate --wait-fd 5 -- touch "$T/ran" 5</dev/null
  assert_output 'start-gate: wait: cancelled (end of file on descriptor 5)'
  # a pipe whose writer goes away
  run -125 sh -c 'sleep 0.2 | start-gate --wait-fd 0 -- touch "$0"' "$T/ran"
  assert_output 'start-gate: wait: cancelled (end of file on descriptor 0)'
  assert_not_exist "$T/ran"
}

@test "start-gate: exit codes: 127 not found, 126 not executable, status, signal" {
  echo 'not a program' >"$T/f"
  run -127 start-gate --wait-fd 5 -- /nonexistent 5< <(echo x)
  assert_output 'start-gate: exec /nonexistent: No such file or directory'
  run -126 start-gate --wait-fd 5 -- "$T/f" 5< <(echo x)
  assert_output "start-gate: exec $T/f: Permission denied"
  run -3 start-gate --wait-fd 5 -- sh -c 'exit 3' 5< <(echo x)
  run -143 start-gate --wait-fd 5 -- sh -c 'kill -TERM $$' 5< <(echo x)
}

@test "start-gate: the program's arguments pass untouched; one byte read, the rest left" {
  run -0 start-gate --wait-fd 5 -- echo --wait-fd -h -- x 5< <(echo y)
  assert_output -- '--wait-fd -h -- x'
  # the gate read one byte of the pipe; the rest is there for the next
  run -0 bash -c '{ start-gate --wait-fd 5 -- true; cat <&5; } 5< <(printf abc)'
  assert_output 'bc'
}

@test "start-gate: waits on a FIFO opened read-write until the byte; the descriptors are closed" {
  mkfifo "$T/fifo" "$T/ready"
  exec 5<>"$T/fifo" 6<>"$T/ready"
  start-gate --wait-fd 5 --ready-fd 6 -- \
    sh -c 'ls /proc/self/fd >"$0"; date +%s%N >>"$0"' "$T/out" 5<&5 6>&6 3>&- &
  PIDS+=("$!")
  local pid=$! line
  # the gate says it is ready (the time, one line), then waits: prog has
  # not run
  read -r -u 6 line
  assert_regex "$line" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$'
  sleep 0.3
  assert_not_exist "$T/out"
  run -0 ps -o stat= -p "$pid"
  assert_output --regexp '^S'
  printf x >&5
  exec 5>&- 6>&-
  wait "$pid"
  # the wait and ready descriptors did not reach prog
  run -0 head -n -1 "$T/out"
  refute_line 5
  refute_line 6
}

@test "start-gate: a signal during the wait (EINTR) does not open the gate; SIGTERM ends it" {
  mkfifo "$T/fifo"
  exec 5<>"$T/fifo"
  # SIGCHLD and SIGWINCH are ignored by default: a stopped and continued
  # read is restarted, not an open gate
  start-gate --wait-fd 5 -- touch "$T/ran" 5<&5 &
  local pid=$! st=0
  PIDS+=("$pid")
  sleep 0.2
  kill -STOP "$pid"
  kill -CONT "$pid"
  kill -WINCH "$pid"
  sleep 0.2
  run -0 ps -o stat= -p "$pid"
  assert_output --regexp '^S'
  assert_not_exist "$T/ran"
  kill -TERM "$pid"
  wait "$pid" || st=$?
  assert_equal "$st" 143
  exec 5>&-
  assert_not_exist "$T/ran"
}

@test "start-gate: a non-blocking descriptor is waited on, not an error" {
  # python makes the pipe's read end non-blocking (O_NONBLOCK is the open
  # file's: start-gate inherits it)
  run -0 python3 -c '
import os, subprocess, sys, time
r, w = os.pipe()
os.set_blocking(r, False)
p = subprocess.Popen(["start-gate", "--wait-fd", str(r), "--", "echo", "opened"],
                     pass_fds=(r,))
time.sleep(0.3)
print("waiting", p.poll() is None, flush=True)
os.write(w, b"x")
sys.exit(p.wait())'
  assert_output $'waiting True\nopened'
}

@test "start-gate: parks a whole chain after the root switch and cap-drop, until started" {
  need_root
  local r
  r=$(rootfs)
  mkdir "$T/root"
  mkfifo "$T/fifo" "$T/ready"
  exec 5<>"$T/fifo" 6<>"$T/ready"
  ns-enter --pid --mount --uts --ipc --detach --pidfile "$T/pid" -- \
    overlay-mount --lower "$r" --tmpfs-upper "$T/root" -- \
    pivot --proc --dev --keep-fd 4 --keep-fd 5 --keep-fd 6 \
    --exec-from-host "$T/root" -- \
    "$TOP/helpers/cap-drop" --keep kill -- \
    /proc/self/fd/4 --wait-fd 5 --ready-fd 6 -- \
    sh -c 'echo "$$ $(grep CapEff /proc/self/status)" >/proc/1/fd/1' \
    4<"$TOP/helpers/start-gate" 5<&5 6>&6 >"$T/out"
  PIDS+=("$(cat "$T/pid")")
  local line
  read -r -u 6 line
  assert_regex "$line" '^20[0-9-]+T[0-9:]+\.[0-9]{9}Z$'
  # parked: pid 1 of the container is start-gate itself, unprivileged
  run -0 cat "/proc/$(cat "$T/pid")/status"
  assert_line --regexp '^CapEff:	0000000000000020$'
  assert_equal "$(cat "$T/out")" ''
  printf x >&5
  exec 5>&- 6>&-
  local i
  for ((i = 0; i < 500; i++)); do
    [ -s "$T/out" ] && break
    sleep 0.02
  done
  run -0 cat "$T/out"
  assert_output $'1 CapEff:\t0000000000000020'
}

@test "start-gate: a parked container killed with SIGKILL leaves nothing on the host" {
  need_root
  local r pid i
  r=$(rootfs)
  mkdir "$T/root"
  mkfifo "$T/fifo"
  exec 5<>"$T/fifo"
  ns-enter --pid --mount --uts --ipc --detach --pidfile "$T/pid" -- \
    overlay-mount --lower "$r" --tmpfs-upper "$T/root" -- \
    pivot --proc --dev --keep-fd 5 --keep-fd 4 --exec-from-host "$T/root" -- \
    "$TOP/helpers/cap-drop" --keep kill -- \
    /proc/self/fd/4 --wait-fd 5 -- true 4<"$TOP/helpers/start-gate" 5<&5
  pid=$(cat "$T/pid")
  PIDS+=("$pid")
  # parked: its own mount namespace has the overlay as its root; the
  # host has no mount of it
  for ((i = 0; i < 500; i++)); do
    grep -q start-gate "/proc/$pid/cmdline" 2>/dev/null && break
    sleep 0.02
  done
  run -0 awk '$5 == "/" && / - overlay / { print "overlay root" }' "/proc/$pid/mountinfo"
  assert_output 'overlay root'
  run -1 grep -c " $T/root" /proc/self/mountinfo
  kill -KILL "$pid"
  for ((i = 0; i < 500; i++)); do
    [ -e "/proc/$pid" ] || break
    sleep 0.02
  done
  assert_not_exist "/proc/$pid"
  exec 5>&-
  run -1 grep -c " $T/root" /proc/self/mountinfo
  # the upper layer was a tmpfs of that namespace: nothing on disk either
  run -0 ls -A "$T/root"
  assert_output ''
}

@test "start-gate: the ready line is the time the gate was reached, as date -u prints it" {
  mkfifo "$T/fifo" "$T/ready"
  exec 5<>"$T/fifo" 6<>"$T/ready"
  local before after line
  before=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  start-gate --wait-fd 5 --ready-fd 6 -- true 5<&5 6>&6 &
  PIDS+=("$!")
  read -r -u 6 line
  after=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  # RFC 3339 strings of one format compare as times
  [[ ! "$line" < "$before" ]]
  [[ ! "$line" > "$after" ]]
  # one line, nothing more
  printf x >&5
  wait "$!"
  run -124 timeout 0.3 head -c 1 <&6
  exec 5>&- 6>&-
}

@test "start-gate: no gate: --clear-env and --env make exactly the program's environment" {
  local sg
  sg=$(command -v start-gate)
  run -0 env -i A=1 B=2 "$sg" --clear-env --env C=3 -- /usr/bin/env
  assert_output 'C=3'
  # without --clear-env: added, and a later one of a name wins
  run -0 env -i A=1 B=2 "$sg" --env A=x --env C=3 --env C=4 -- /usr/bin/env
  assert_output $'A=x\nB=2\nC=4'
  # a value holding a newline, an empty value, an = in a value
  run -0 start-gate --clear-env --env $'M=line 1\nline 2' --env E= --env 'Q=a=b' \
    -- /usr/bin/env
  assert_output $'M=line 1\nline 2\nE=\nQ=a=b'
  # the program is looked up on the new PATH
  mkdir "$T/bin"
  printf '#!/bin/sh\necho mine\n' >"$T/bin/prog"
  chmod +x "$T/bin/prog"
  run -0 start-gate --clear-env --env "PATH=$T/bin" -- prog
  assert_output 'mine'
}

@test "start-gate: bad --env words are refused, 125, and prog never runs" {
  run -125 start-gate --env NOEQUALS -- touch "$T/ran"
  assert_output 'start-gate: env NOEQUALS: not NAME=VALUE'
  run -125 start-gate --env =value -- touch "$T/ran"
  assert_output 'start-gate: env =value: not NAME=VALUE'
  run -125 start-gate --env '' -- touch "$T/ran"
  assert_output 'start-gate: env : not NAME=VALUE'
  assert_not_exist "$T/ran"
}

@test "start-gate: --rlimit sets soft and hard limits, seen in /proc/self/limits" {
  run -0 start-gate --rlimit nofile=64:128 --rlimit RLIMIT_CORE=0:unlimited \
    --rlimit Msgqueue=1000:2000 -- cat /proc/self/limits
  assert_line --regexp '^Max open files +64 +128 +files'
  assert_line --regexp '^Max core file size +0 +unlimited +bytes'
  assert_line --regexp '^Max msgqueue size +1000 +2000 +bytes'
  # the last of one type wins
  run -0 start-gate --rlimit nofile=64:128 --rlimit nofile=32:64 -- cat /proc/self/limits
  assert_line --regexp '^Max open files +32 +64 +files'
}

@test "start-gate: bad --rlimit words are refused, 125, and prog never runs" {
  run -125 start-gate --rlimit nofile -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile: not TYPE=SOFT:HARD'
  run -125 start-gate --rlimit nofile=10 -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile=10: not TYPE=SOFT:HARD'
  run -125 start-gate --rlimit files=1:2 -- touch "$T/ran"
  assert_output 'start-gate: rlimit files=1:2: unknown type files'
  run -125 start-gate --rlimit =1:2 -- touch "$T/ran"
  assert_output 'start-gate: rlimit =1:2: unknown type '
  run -125 start-gate --rlimit nofile=x:2 -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile=x:2: a limit is not a number or unlimited'
  run -125 start-gate --rlimit nofile=-1:2 -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile=-1:2: a limit is not a number or unlimited'
  run -125 start-gate --rlimit nofile=1: -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile=1:: a limit is not a number or unlimited'
  run -125 start-gate --rlimit nofile=99999999999999999999:unlimited -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile=99999999999999999999:unlimited: a limit is not a number or unlimited'
  run -125 start-gate --rlimit nofile=20:10 -- touch "$T/ran"
  assert_output 'start-gate: rlimit nofile=20:10: the soft limit is above the hard one'
  # the kernel's refusal: a hard limit raised without CAP_SYS_RESOURCE
  local hard
  hard=$(ulimit -Hn)
  run -125 setpriv --reuid=65534 --regid=65534 --clear-groups \
    start-gate --rlimit "nofile=10:$((hard + 1))" -- touch "$T/ran"
  assert_output "start-gate: rlimit nofile=10:$((hard + 1)): Operation not permitted"
  assert_not_exist "$T/ran"
}

@test "start-gate: --chdir, and its failure names the directory, 125" {
  mkdir "$T/d"
  run -0 start-gate --chdir "$T/d" -- /bin/pwd
  assert_output "$T/d"
  run -125 start-gate --chdir "$T/none" -- touch "$T/ran"
  assert_output "start-gate: chdir $T/none: No such file or directory"
  : >"$T/file"
  run -125 start-gate --chdir "$T/file" -- touch "$T/ran"
  assert_output "start-gate: chdir $T/file: Not a directory"
  assert_not_exist "$T/ran"
}

@test "start-gate: the steps come before the ready line: a failing one is no container at its gate" {
  mkfifo "$T/fifo" "$T/ready"
  exec 5<>"$T/fifo" 6<>"$T/ready"
  # the failure ends it before the ready line: the reader sees none
  run -125 start-gate --wait-fd 5 --ready-fd 6 --chdir "$T/none" -- touch "$T/ran" 5<&5 6>&6
  assert_output "start-gate: chdir $T/none: No such file or directory"
  run -124 timeout 0.3 head -c 1 <&6
  # and the steps have happened when the line comes: the parked process
  # has its limits and directory already
  start-gate --wait-fd 5 --ready-fd 6 --rlimit nofile=50:60 --chdir "$T" \
    --clear-env --env X=1 -- true 5<&5 6>&6 &
  local pid=$! line
  PIDS+=("$pid")
  read -r -u 6 line
  run -0 grep '^Max open files' "/proc/$pid/limits"
  assert_output --regexp 'files +50 +60 +files'
  assert_equal "$(readlink "/proc/$pid/cwd")" "$T"
  printf x >&5
  wait "$pid"
  exec 5>&- 6>&-
}

@test "start-gate: --stderr-fd: errors before the gate and the ready line on 2, the program's stderr E's file, E closed" {
  mkfifo "$T/fifo"
  exec 5<>"$T/fifo"
  # the steps' error, then the ready line, go to 2 (the caller's); the
  # program writes on E's file as its 2, and has no 7
  start-gate --wait-fd 5 --ready-fd 2 --stderr-fd 7 -- \
    sh -c 'ls /proc/self/fd >"$0"; echo prog-err >&2' "$T/fds" \
    5<&5 2>"$T/before" 7>"$T/after" &
  PIDS+=("$!")
  local pid=$!
  wait_for test -s "$T/before"
  run -0 cat "$T/before"
  assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{9}Z$'
  printf x >&5
  exec 5>&-
  wait "$pid"
  run -0 cat "$T/after"
  assert_output prog-err
  run -0 cat "$T/before"
  refute_output --partial prog-err
  run -0 head -n -1 "$T/fds"
  refute_line 5
  refute_line 7
  # a failing step is said on 2, not on E; without a gate, E is 2 at the exec
  run -125 start-gate --wait-fd 5 --ready-fd 2 --stderr-fd 7 --chdir /nonexistent \
    -- touch "$T/ran" 5</dev/null 7>"$T/after"
  assert_output 'start-gate: chdir /nonexistent: No such file or directory'
  assert_equal "$(cat "$T/after")" ''
  run -0 start-gate --stderr-fd 7 -- sh -c 'echo no-gate >&2; ls /proc/self/fd' 7>"$T/after"
  refute_line 7
  assert_equal "$(cat "$T/after")" no-gate
  assert_not_exist "$T/ran"
}
