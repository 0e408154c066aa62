#!/usr/bin/env bats
# ns-enter: new namespaces of every type, joining a process's (all or per
# type) and a named netns, the fork for a pid namespace (pid 1, relayed
# signals, 128+N), --init, user namespaces mapped by root and by an
# unprivileged caller (newuidmap), --kill-with-parent, --pidfile; joining
# by file (--TYPE=FILE), keeping a namespace (--keep), --mount-proc; entering
# a running container non-dumpable, the caller's descriptors closed (--keep-fd)

load 'lib/common'

SUB=231072	# the subordinate range this file gives nobody, then takes back

setup() {
  need_root
  T=$(mktemp -d)
  chmod 755 "$T"
  PIDS=()
  NETNS=
  SUBIDS=
}

teardown() {
  local p
  # last started first: a namespace's pid 1 before the ns-enter above it
  for ((p = ${#PIDS[@]} - 1; p >= 0; p--)); do
    kill -KILL "${PIDS[p]}" 2>/dev/null || true
  done
  [ -z "$NETNS" ] || ip netns delete "$NETNS"
  if [ -n "$SUBIDS" ]; then
    sed -i "/^nobody:$SUB:1000\$/d" /etc/subuid /etc/subgid
  fi
  # what a test mounted under $T (kept namespaces, private binds), last first
  awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | tac |
    while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}

# As uid/gid 65534 with no capabilities and no groups.
as_nobody() {
  setpriv --reuid 65534 --regid 65534 --clear-groups "$@"
}

# The namespace of type NS of process PID (self: this shell), as readlink
# shows it: "net:[4026531840]".
nsof() {
  readlink "/proc/$1/ns/$2"
}

# Wait until FILE exists and is not empty (a pidfile, a ready mark).
wait_file() {
  local i
  for ((i = 0; i < 500; i++)); do
    [ -s "$1" ] && return 0
    sleep 0.02
  done
  echo "wait_file: $1: never appeared" >&2
  return 1
}

# Wait until process PID is gone (or a zombie nobody has reaped yet).
wait_gone() {
  local i s
  for ((i = 0; i < 500; i++)); do
    s=$(ps -o stat= -p "$1") || return 0
    case $s in Z*) return 0 ;; esac
    sleep 0.02
  done
  echo "wait_gone: $1: still running" >&2
  return 1
}

# Start ns-enter ARGS... in the background with --pidfile $T/pid and the
# default action for every signal (bash would start it with SIGINT and
# SIGQUIT ignored); BG is ns-enter's pid, TP the pid in its pidfile (the
# program, or with --pid the namespace's pid 1). Both are killed in teardown.
start() {
  rm -f "$T/pid"
  env --default-signal ns-enter --pidfile "$T/pid" "$@" 3>&- &
  BG=$!
  PIDS+=("$BG")
  wait_file "$T/pid"
  TP=$(cat "$T/pid")
  PIDS+=("$TP")
}

# Start ns-enter ARGS... (as start does) on a shell that exits 7 on signal
# SIG; once its trap is set send SIG to WHO (BG: ns-enter, TP: the pid in
# the pidfile) and set ST to ns-enter's exit status.
trapped() { # SIG WHO ARGS...
  local sig=$1 who=$2
  shift 2
  rm -f "$T/ready"
  start "$@" -- sh -c "trap 'kill \$!; exit 7' $sig; echo ok >$T/ready; sleep 100 & wait"
  wait_file "$T/ready"
  kill -"$sig" "${!who}"
  ST=0
  wait "$BG" || ST=$?
}

@test "ns-enter: -h prints the usage on stdout, exit 0" {
  run -0 --separate-stderr ns-enter -h
  assert_line --index 0 'ns-enter: usage: ns-enter [--pid[=FILE]] [--mount[=FILE]] [--uts[=FILE]] [--ipc[=FILE]] [--net[=FILE]] [--cgroup[=FILE]] [--time[=FILE]] [--user[=FILE]] [--target PID [--keep-fd N]...] [--netns FILE] [--keep TYPE:FILE]... [--mount-proc] [--propagation MODE] [--hostname NAME] [--domainname NAME] [--map-root | [--map-uid IN:OUT:N]... [--map-gid IN:OUT:N]...] [--init] [--kill-with-parent] [--detach] [--pidfile FILE] [--] prog [args...]'
  [ -z "$stderr" ]
  run -0 ns-enter --help
  assert_output --partial 'ns-enter: usage: ns-enter [--pid'
}

@test "ns-enter: -h has a line for every option, and names pivot --proc" {
  local o
  run -0 ns-enter -h
  for o in pid mount uts ipc net cgroup time user TYPE=FILE target netns keep \
    keep-fd mount-proc hostname domainname map-root map-uid map-gid init \
    kill-with-parent detach pidfile help; do
    assert_line --regexp "^  (-h, )?--$o[ ,]"
  done
  assert_line --partial 'pivot --proc'
}

@test "ns-enter: no program is a usage error, 125" {
  run -125 --separate-stderr ns-enter
  assert_equal "$stderr" "$(ns-enter -h | head -n 1)"
  run -125 ns-enter --pid --uts
  assert_output --partial 'ns-enter: usage:'
  run -125 ns-enter --uts --
  assert_output --partial 'ns-enter: usage:'
}

@test "ns-enter: unknown options, and nsenter's letters, are usage errors, 125" {
  run -125 ns-enter --bogus true
  assert_line --index 0 'ns-enter: unknown option: --bogus'
  assert_line --index 1 --partial 'ns-enter: usage:'
  # long options only: -p and -m are pivot's --proc and --mask
  run -125 ns-enter -p true
  assert_line --index 0 'ns-enter: unknown option: -p'
  run -125 ns-enter -m true
  assert_line --index 0 'ns-enter: unknown option: -m'
  run -125 ns-enter --hostname
  assert_line --index 0 'ns-enter: option needs an argument: --hostname'
}

@test "ns-enter: exit codes: 127 not found, 126 not executable, status, signal" {
  local via
  echo 'not a program' >"$T/f"
  # without a fork, through the fork of --pid, through --init (words split)
  for via in --uts --pid '--pid --init' --init; do
    run -127 ns-enter $via -- /nonexistent
    assert_output "ns-enter: exec /nonexistent: No such file or directory"
    run -126 ns-enter $via -- "$T/f"
    assert_output "ns-enter: exec $T/f: Permission denied"
    run -3 ns-enter $via -- sh -c 'exit 3'
    run -0 ns-enter $via -- true
  done
  # a program that is not pid 1 may die of its own signal: 128+N
  run -143 ns-enter --uts -- sh -c 'kill -TERM $$'
  run -137 ns-enter --ipc -- sh -c 'kill -KILL $$'
  run -143 ns-enter --pid --init -- sh -c 'kill -TERM $$'
  run -138 ns-enter --init -- sh -c 'kill -USR1 $$'
}

@test "ns-enter: the program's arguments pass untouched, options included" {
  run -0 ns-enter --uts -- echo --pid -x -- y
  assert_output -- '--pid -x -- y'
  run -0 ns-enter --uts echo --net
  assert_output -- '--net'
}

@test "ns-enter: --pid forks: the program is pid 1 of a new pid namespace" {
  run -0 ns-enter --pid -- sh -c 'echo $$ $PPID; readlink /proc/self/ns/pid'
  assert_line --index 0 '1 0'
  refute_line --index 1 "$(nsof self pid)"
  # only --pid forks: without it the program is ns-enter's own process
  run -0 ns-enter --uts --pidfile "$T/pid" -- sh -c 'echo $$'
  assert_output "$(cat "$T/pid")"
}

@test "ns-enter: --pid relays SIGINT, SIGTERM, SIGHUP and SIGQUIT to pid 1" {
  local sig
  for sig in INT TERM HUP QUIT; do
    trapped "$sig" BG --pid
    assert_equal "$sig $ST" "$sig 7"
    wait_gone "$TP"
  done
}

@test "ns-enter: --pid exits 128+N when pid 1 is killed by signal N" {
  start --pid -- sleep 100
  kill -KILL "$TP"
  local st=0
  wait "$BG" || st=$?
  assert_equal "$st" 137
}

@test "ns-enter: --init: pid 1 is ns-enter, the program pid 2, signals reach it" {
  run -0 ns-enter --pid --mount --init -- sh -c 'mount -t proc proc /proc
    echo $$ $PPID; cat /proc/1/comm'
  assert_output $'2 1\nns-enter'
  # a program with no handler ignores SIGTERM as pid 1 (pid_namespaces(7))
  start --pid -- sleep 100
  kill -TERM "$BG"
  sleep 0.3
  run -0 ps -o stat= -p "$TP"
  kill -KILL "$TP"
  wait "$BG" || true
  # ... but under --init it is pid 2 and dies of it: 128+15
  start --pid --init -- sleep 100
  kill -TERM "$BG"
  local st=0
  wait "$BG" || st=$?
  assert_equal "$st" 143
  # and a handler of the program runs
  trapped HUP BG --pid --init
  assert_equal "$ST" 7
}

@test "ns-enter: --init reaps the orphans of the pid namespace" {
  mkdir "$T/m"
  # an orphan exits after 0.1 s; pid 1 must wait for it or it stays a zombie
  run -0 ns-enter --pid --mount --init -- sh -c 'mount -t proc proc /proc
    (sleep 0.1 &); sleep 0.2; (sleep 0.1 &); sleep 0.5
    ps -o pid,ppid,stat,comm | awk "NR > 1 && \$4 != \"ps\" && \$4 != \"awk\""'
  assert_output --regexp '^ +1 +0 +S +ns-enter
 +2 +1 +S +sh$'
}

@test "ns-enter: --init without --pid is a subreaper that relays signals" {
  run -0 ns-enter --init --pidfile "$T/pid" -- sh -c \
    "(sleep 5 & echo \$! >$T/orphan); sleep 0.2; echo \$PPID
    awk '/^PPid:/ { print \$2 }' /proc/\$(cat $T/orphan)/status; kill \$(cat $T/orphan)"
  assert_output "$(cat "$T/pid")"$'\n'"$(cat "$T/pid")"
  # the pidfile holds the init's pid: a signal to it reaches the program
  trapped TERM TP --init
  assert_equal "$ST" 7
}

@test "ns-enter: --mount is a new mount namespace; nothing propagates back" {
  mkdir "$T/m"
  # the caller's mounts are shared here, so a mount made inside would
  # propagate to the caller's namespace unless ns-enter made them private
  run -0 unshare -m --propagation shared -- sh -c "
    ns-enter --mount -- sh -c 'readlink /proc/self/ns/mnt
      findmnt -n -o PROPAGATION /; mount -t tmpfs t $T/m; findmnt -n -o FSTYPE $T/m'
    findmnt -n -o FSTYPE $T/m || echo not-mounted"
  refute_line --index 0 "$(nsof self mnt)"
  assert_line --index 1 private
  assert_line --index 2 tmpfs
  assert_line --index 3 not-mounted
}

@test "ns-enter: --uts and --hostname: a private host name" {
  local host
  host=$(hostname)
  run -0 ns-enter --uts --hostname box -- sh -c 'hostname; readlink /proc/self/ns/uts'
  assert_line --index 0 box
  refute_line --index 1 "$(nsof self uts)"
  assert_equal "$(hostname)" "$host"
  run -0 ns-enter --uts -- sh -c 'hostname other; hostname'
  assert_output other
  assert_equal "$(hostname)" "$host"
}

@test "ns-enter: --domainname: a private NIS domain name in the new uts namespace" {
  local dom
  dom=$(cat /proc/sys/kernel/domainname)
  run -0 ns-enter --uts --hostname box --domainname example.org -- \
    sh -c 'hostname; cat /proc/sys/kernel/domainname'
  assert_output $'box\nexample.org'
  assert_equal "$(cat /proc/sys/kernel/domainname)" "$dom"
  run -125 ns-enter --domainname x -- true
  assert_output "ns-enter: --domainname needs a new uts namespace (--uts)"
  run -125 ns-enter --target 1 --uts --domainname x -- true
  assert_output "ns-enter: --domainname needs a new uts namespace (--uts)"
  run -125 ns-enter --uts --domainname "$(printf '%070d' 0)" -- true
  assert_output "ns-enter: setdomainname $(printf '%070d' 0): Invalid argument"
}

@test "ns-enter: --detach: exits 0 once pid 1 runs; pid 1 goes to the caller's subreaper" {
  # a subreaper (as conmon and containerd-shim are) runs ns-enter --detach,
  # then waits for whatever it gets: ns-enter itself, then pid 1, which
  # was its grandchild (the namespace's pid 1, its status its own)
  cat >"$T/reaper.py" <<'EOF'
import ctypes, os, sys
ctypes.CDLL(None, use_errno=True).prctl(36, 1)  # PR_SET_CHILD_SUBREAPER
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, st = os.waitpid(pid, 0)
print("ns-enter", os.waitstatus_to_exitcode(st), flush=True)
with open(sys.argv[sys.argv.index("--pidfile") + 1]) as f:
    pid1 = int(f.read())
print("pidfile", pid1 > 0 and pid1 != pid, flush=True)
got, st = os.wait()
print("reaped pid 1", got == pid1, os.waitstatus_to_exitcode(st))
EOF
  run -0 python3 "$T/reaper.py" ns-enter --pid --detach --pidfile "$T/pid" -- \
    sh -c "sleep 0.3; echo \$\$ \$PPID >$T/out; exit 5"
  assert_output $'ns-enter 0\npidfile True\nreaped pid 1 True 5'
  run -0 cat "$T/out"
  assert_output '1 0'
  # a program that cannot be executed: ns-enter has already exited 0; pid
  # 1 says why and exits 127
  run -0 python3 "$T/reaper.py" ns-enter --pid --detach --pidfile "$T/pid" -- /nonexistent
  assert_line 'ns-enter 0'
  assert_line 'reaped pid 1 True 127'
  assert_line 'ns-enter: exec /nonexistent: No such file or directory'
  # --init stays as pid 1, detached too; the program is its pid 2
  run -0 python3 "$T/reaper.py" ns-enter --pid --init --detach --pidfile "$T/pid" -- \
    sh -c "echo \$\$ >$T/out; exit 4"
  assert_output $'ns-enter 0\npidfile True\nreaped pid 1 True 4'
  run -0 cat "$T/out"
  assert_output 2
}

@test "ns-enter: --detach errors: without --pid, with --kill-with-parent, 125" {
  run -125 ns-enter --uts --detach -- true
  assert_output "ns-enter: --detach needs --pid (a pid 1 to leave running)"
  run -125 ns-enter --pid --detach --kill-with-parent -- true
  assert_output "ns-enter: --detach excludes --kill-with-parent"
  # joining a process's namespaces but not its pid namespace
  run -125 ns-enter --target $$ --uts --detach -- true
  assert_output "ns-enter: --detach needs --pid (a pid 1 to leave running)"
  run -125 ns-enter --detach=x --pid -- true
  assert_line --index 0 'ns-enter: option takes no argument: --detach'
}

@test "ns-enter: --net: only lo, and it is up" {
  run -0 ns-enter --net -- sh -c 'ip -o link | cut -d" " -f2,3; readlink /proc/self/ns/net
    busybox ping -c1 -W1 127.0.0.1 >/dev/null && echo ping-ok'
  assert_line --index 0 'lo: <LOOPBACK,UP,LOWER_UP>'
  refute_line --index 1 "$(nsof self net)"
  assert_line --index 2 ping-ok
  assert_equal "${#lines[@]}" 3
}

@test "ns-enter: --ipc: System V objects made inside stay inside" {
  local before
  before=$(ipcs -q | grep -c '^0x' || true)
  run -0 ns-enter --ipc -- sh -c 'ipcmk -Q >/dev/null; ipcs -q | grep -c "^0x"
    readlink /proc/self/ns/ipc'
  assert_line --index 0 1
  refute_line --index 1 "$(nsof self ipc)"
  assert_equal "$(ipcs -q | grep -c '^0x' || true)" "$before"
}

@test "ns-enter: --cgroup: the caller's cgroups become the roots" {
  run -0 ns-enter --cgroup -- cat /proc/self/cgroup
  refute_line --regexp ':/.'
  assert_line --regexp '^0::/$'
  run -0 ns-enter --cgroup -- readlink /proc/self/ns/cgroup
  refute_output "$(nsof self cgroup)"
}

@test "ns-enter: --time forks into a new time namespace" {
  run -0 ns-enter --time -- readlink /proc/self/ns/time
  assert_output --regexp '^time:\[[0-9]+\]$'
  refute_output "$(nsof self time)"
}

@test "ns-enter: --user as root: unmapped, --map-root, explicit ranges" {
  run -0 ns-enter --user -- sh -c 'id -u; wc -c </proc/self/uid_map'
  assert_output $'65534\n0'
  run -0 ns-enter --user --map-root -- sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
  assert_output "$(printf '0\n0\n%10s %10s %10s\n%10s %10s %10s\nallow' 0 0 1 0 0 1)"
  run -0 ns-enter --user --map-uid 0:100000:65536 --map-uid 65536:0:1 \
    --map-gid 0:200000:10 -- cat /proc/self/uid_map /proc/self/gid_map
  assert_output "$(printf '%10s %10s %10s\n' 0 100000 65536 65536 0 1 0 200000 10)"
  # a file of host uid 100005 is uid 5's inside
  touch "$T/f"
  chown 100005:200003 "$T/f"
  run -0 ns-enter --user --map-uid 0:100000:65536 --map-gid 0:200000:10 -- stat -c '%u %g' "$T/f"
  assert_output '5 3'
}

@test "ns-enter: --user --map-root needs no privilege" {
  run -0 as_nobody ns-enter --user --map-root -- sh -c 'id -u; id -g
    cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups'
  assert_output "$(printf '0\n0\n%10s %10s %10s\n%10s %10s %10s\ndeny' 0 65534 1 0 65534 1)"
  # a whole unprivileged container: the user namespace owns the others
  run -0 as_nobody ns-enter --user --map-root --pid --mount --uts --ipc --net \
    --cgroup --hostname box -- sh -c 'echo $$; hostname; ip -o link | wc -l; grep CapEff /proc/self/status'
  assert_output $'1\nbox\n1\nCapEff:\t000001ffffffffff'
  # without a user namespace nobody may not make the others
  run -125 as_nobody ns-enter --net -- true
  assert_output "ns-enter: unshare net: Operation not permitted"
}

@test "ns-enter: root mapping 0 to a range (its own ids left out) becomes that root, capabilities kept" {
  run -0 ns-enter --user --map-uid 0:200000:65536 --map-gid 0:200000:65536 -- \
    sh -c 'id -u; id -g; grep ^CapEff /proc/self/status'
  assert_line --index 0 0
  assert_line --index 1 0
  assert_line --index 2 --regexp $'^CapEff:\t0*1f+$'
  # a map without 0 inside: the caller stays the unmapped nobody
  run -0 ns-enter --user --map-uid 5:200000:1 --map-gid 5:200000:1 -- id -u
  assert_output 65534
}

@test "ns-enter: --map-uid and --map-gid as nobody, through newuidmap and /etc/subuid" {
  # no subordinate ids yet: newuidmap refuses, and ns-enter says so
  run -125 as_nobody ns-enter --user --map-uid 0:65534:1 --map-uid 1:$SUB:1000 -- true
  assert_line --index 0 "newuidmap: uid range [1-1001) -> [$SUB-$((SUB + 1000))) not allowed"
  assert_line --index 1 "ns-enter: newuidmap: exited with status 1"
  SUBIDS=1
  echo "nobody:$SUB:1000" >>/etc/subuid
  echo "nobody:$SUB:1000" >>/etc/subgid
  run -0 as_nobody ns-enter --user --map-uid 0:65534:1 --map-uid 1:$SUB:1000 \
    --map-gid 0:65534:1 --map-gid 1:$SUB:1000 --uts --hostname sub -- \
    sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; hostname'
  assert_output "$(printf '%10s %10s %10s\n' 0 65534 1 1 $SUB 1000 0 65534 1 1 $SUB 1000)"$'\n0\nsub'
  # a range outside it is still refused
  run -125 as_nobody ns-enter --user --map-gid 0:$((SUB + 1000)):1 -- true
  assert_line --index 0 "newgidmap: gid range [0-1) -> [$((SUB + 1000))-$((SUB + 1001))) not allowed"
  assert_line --index 1 "ns-enter: newgidmap: exited with status 1"
}

@test "ns-enter: a bad map is an error naming it, 125" {
  run -125 ns-enter --user --map-uid 1:2 -- true
  assert_output "ns-enter: map-uid 1:2: expected IN:OUT:N"
  run -125 ns-enter --user --map-gid x:1:1 -- true
  assert_output "ns-enter: map-gid x:1:1: expected IN:OUT:N"
  run -125 ns-enter --user --map-uid 0:0:1x -- true
  assert_output "ns-enter: map-uid 0:0:1x: expected IN:OUT:N"
  run -125 ns-enter --user --map-uid 0:-1:1 -- true
  assert_output "ns-enter: map-uid 0:-1:1: expected IN:OUT:N"
  local args=() i
  for ((i = 0; i < 33; i++)); do args+=(--map-uid "$i:$i:1"); done
  run -125 ns-enter --user "${args[@]}" -- true
  assert_output "ns-enter: map-uid 32:32:1: more than 32 ranges"
  # well-formed, but the kernel refuses overlapping ranges
  run -125 ns-enter --user --map-uid 0:0:10 --map-uid 5:100:10 -- true
  assert_output --regexp '^ns-enter: write /proc/[0-9]+/uid_map: Invalid argument$'
}

@test "ns-enter: options that need another are refused, 125" {
  run -125 ns-enter --hostname box -- true
  assert_output "ns-enter: --hostname needs a new uts namespace (--uts)"
  run -125 ns-enter --map-root -- true
  assert_output "ns-enter: --map-root, --map-uid, --map-gid need a new user namespace (--user)"
  run -125 ns-enter --user --map-root --map-uid 0:0:1 -- true
  assert_output "ns-enter: --map-root excludes --map-uid and --map-gid"
  run -125 ns-enter --net --netns /run/netns/x -- true
  assert_output "ns-enter: --netns excludes --net and --target"
  run -125 ns-enter --target 1 --uts --hostname x -- true
  assert_output "ns-enter: --hostname needs a new uts namespace (--uts)"
}

@test "ns-enter: --target PID joins all its namespaces, its root and its cwd" {
  local r n
  r=$(rootfs)
  # the target's procfs is mounted in its rootfs, in its own mounts only
  start --pid --mount --uts --ipc --net --cgroup --hostname tgt -- sh -c \
    "mount -t proc proc $r/proc && exec chroot $r sh -c 'cd /etc && exec sleep 100'"
  # wait for the exec into the rootfs's sleep
  for ((i = 0; i < 500; i++)); do
    [ "$(readlink "/proc/$TP/cwd")" = "$r/etc" ] && break
    sleep 0.02
  done
  run -0 ns-enter --target "$TP" -- sh -c 'hostname; pwd; ls /bin/busybox; ls /work 2>&1
    for n in mnt uts ipc net cgroup pid; do readlink /proc/self/ns/$n; done'
  assert_line --index 0 tgt
  assert_line --index 1 /etc
  assert_line --index 2 /bin/busybox
  assert_line --index 3 'ls: /work: No such file or directory'
  i=4
  for n in mnt uts ipc net cgroup pid; do
    assert_line --index $((i++)) "$(nsof "$TP" "$n")"
  done
  # the pid namespace too: a forked child that is not its pid 1
  run -0 ns-enter --target "$TP" -- sh -c 'echo $$'
  refute_output 1
  [ "$output" -lt 100 ]
}

@test "ns-enter: --target PID with types joins only those" {
  start --pid --uts --net --hostname tgt -- sleep 100
  run -0 ns-enter --target "$TP" --uts -- sh -c 'hostname
    readlink /proc/self/ns/uts /proc/self/ns/net'
  assert_output "tgt"$'\n'"$(nsof "$TP" uts)"$'\n'"$(nsof self net)"
  run -0 ns-enter --target "$TP" --net -- sh -c 'ip -o link | wc -l; hostname'
  assert_output "1"$'\n'"$(hostname)"
}

@test "ns-enter: --target joins a user namespace as its root, with its capabilities" {
  # nobody's container: its user namespace maps 0 to 65534 and owns its uts
  install -d -o 65534 "$T/nb"
  as_nobody ns-enter --user --map-root --uts --hostname mine \
    --pidfile "$T/nb/pid" -- sleep 100 3>&- &
  wait_file "$T/nb/pid"
  TP=$(cat "$T/nb/pid")
  PIDS+=("$TP")
  run -0 ns-enter --target "$TP" -- sh -c 'id -u; id -G; hostname changed && hostname
    grep CapEff /proc/self/status'
  assert_output $'0\n0\nchanged\nCapEff:\t000001ffffffffff'
  assert_equal "$(nsenter -t "$TP" -u hostname)" changed
  # nobody joins its own container the same way
  run -0 as_nobody ns-enter --target "$TP" -- sh -c 'id -u; hostname'
  assert_output $'0\nchanged'
}

@test "ns-enter: a --target that does not exist or is no pid is an error, 125" {
  run -125 ns-enter --target 2147483647 -- true
  assert_output "ns-enter: target 2147483647: No such process"
  run -125 ns-enter --target abc -- true
  assert_output "ns-enter: target abc: not a process id"
  run -125 ns-enter --target 0 -- true
  assert_output "ns-enter: target 0: not a process id"
  run -125 ns-enter --target 99999999999 --net -- true
  assert_output "ns-enter: target 99999999999: not a process id"
}

# Which of descriptors 3, 5 and 12 the shell prog sees open.
FDS='for n in 3 5 12; do [ -e /proc/self/fd/$n ] && echo "open $n" || echo "closed $n"; done'

@test "ns-enter: --target closes the caller's descriptors above 2, but --keep-fd's" {
  start --pid --mount --uts -- sleep 100
  # without --target nothing is closed: the check sees an open one
  run -0 ns-enter --uts -- sh -c "$FDS" 3>&- 5</dev/null 12>/dev/null
  assert_output $'closed 3\nopen 5\nopen 12'
  run -0 ns-enter --target "$TP" -- sh -c "$FDS" 3</dev/null 5</dev/null 12>/dev/null
  assert_output $'closed 3\nclosed 5\nclosed 12'
  run -0 ns-enter --target "$TP" --keep-fd 5 -- sh -c "$FDS" 3</dev/null 5</dev/null 12>/dev/null
  assert_output $'closed 3\nopen 5\nclosed 12'
  run -125 ns-enter --target "$TP" --keep-fd 9 -- true 9<&-
  assert_output "ns-enter: keep-fd 9: Bad file descriptor"
  run -125 ns-enter --uts --keep-fd 5 -- true 5</dev/null
  assert_output "ns-enter: --keep-fd needs --target (without it no descriptor is closed)"
}

@test "ns-enter: --target is non-dumpable until prog executes; the waiting parent keeps no descriptor" {
  local p c b i
  start --pid --mount --uts -- setpriv --bounding-set=-sys_ptrace sleep 100
  # Root without CAP_SYS_PTRACE (as in a container) may read /proc/PID/exe
  # of a process that holds no capability it lacks only if that process is
  # dumpable (ptrace(2), "Ptrace access mode checking"); every process here
  # runs without CAP_SYS_PTRACE. The parent that waits never executes: it
  # stays as non-dumpable as the child was until its exec.
  setpriv --bounding-set=-sys_ptrace ns-enter --target "$TP" -- \
    sh -c "echo ok >$T/ready; exec sleep 100" 12>"$T/f" 3>&- &
  p=$!
  PIDS+=("$p")
  # a parent that does not enter a running container stays dumpable
  setpriv --bounding-set=-sys_ptrace ns-enter --pid -- sleep 100 3>&- &
  b=$!
  PIDS+=("$b")
  wait_file "$T/ready"
  c=$(pgrep -P "$p")
  PIDS+=("$c")
  for ((i = 0; i < 100; i++)); do
    [ "$(readlink "/proc/$b/exe")" = "$TOP/helpers/ns-enter" ] &&
      [ "$(readlink "/proc/$c/exe")" = "$(command -v sleep)" ] && break
    sleep 0.02
  done
  run -1 setpriv --bounding-set=-sys_ptrace readlink -v "/proc/$p/exe"
  assert_output "readlink: /proc/$p/exe: Permission denied"
  run -1 setpriv --bounding-set=-sys_ptrace readlink -v "/proc/$p/fd/0"
  assert_output "readlink: /proc/$p/fd/0: Permission denied"
  run -0 setpriv --bounding-set=-sys_ptrace readlink -v "/proc/$c/exe"
  assert_output "$(command -v sleep)"
  run -0 setpriv --bounding-set=-sys_ptrace readlink -v "/proc/$b/exe"
  assert_output "$TOP/helpers/ns-enter"
  # neither the parent nor prog holds the caller's descriptor 12
  for ((i = 0; i < 100; i++)); do
    [ "$(ls "/proc/$p/fd" | wc -l)" -eq 3 ] && break
    sleep 0.02
  done
  run -0 ls "/proc/$p/fd" "/proc/$c/fd"
  assert_output $'/proc/'"$p"$'/fd:\n0\n1\n2\n\n/proc/'"$c"$'/fd:\n0\n1\n2'
}

@test "ns-enter: --netns FILE joins a named network namespace" {
  NETNS=nsenter-bats-$$
  ip netns add "$NETNS"
  ip -n "$NETNS" link add v0 type veth peer name v1
  run -0 ns-enter --netns "/run/netns/$NETNS" --uts --hostname n -- sh -c \
    'readlink /proc/self/ns/net; ip -o link | cut -d" " -f2 | sort; hostname'
  assert_output "net:[$(stat -L -c %i "/run/netns/$NETNS")]"$'\nlo:\nv0@v1:\nv1@v0:\nn'
  run -125 ns-enter --netns /nonexistent -- true
  assert_output "ns-enter: open /nonexistent: No such file or directory"
  run -125 ns-enter --netns "$T" -- true
  assert_output "ns-enter: setns $T: Invalid argument"
}

@test "ns-enter: --kill-with-parent: the program dies with ns-enter's parent" {
  # the parent is a shell that becomes a short sleep; then it exits
  sh -c "ns-enter --kill-with-parent --pidfile $T/a -- sleep 100 3>&- &
    ns-enter --pid --kill-with-parent --pidfile $T/b -- sleep 100 3>&- &
    ns-enter --pidfile $T/c -- sleep 100 3>&- &
    n=0
    until [ -s $T/a ] && [ -s $T/b ] && [ -s $T/c ] || [ \$((n += 1)) -gt 200 ]; do
      sleep 0.05
    done
    exec sleep 0.2"
  PIDS+=("$(cat "$T/a")" "$(cat "$T/b")" "$(cat "$T/c")")
  wait_gone "$(cat "$T/a")"
  wait_gone "$(cat "$T/b")"
  # without the option the program outlives its parent
  run -0 ps -o stat= -p "$(cat "$T/c")"
  refute_output --regexp '^Z'
  kill "$(cat "$T/c")"
}

@test "ns-enter: --pidfile holds the program's pid, or the host pid of pid 1" {
  run -0 ns-enter --pid --pidfile "$T/pid" -- cat "$T/pid" /proc/self/status
  assert_line --index 0 "$(cat "$T/pid")"
  assert_line "$(printf 'NSpid:\t%s\t1' "$(cat "$T/pid")")"
  run -0 ns-enter --pidfile "$T/pid" --net -- sh -c 'echo $$'
  assert_output "$(cat "$T/pid")"
  run -125 ns-enter --pidfile /nonexistent/pid -- true
  assert_output "ns-enter: open /nonexistent/pid: No such file or directory"
}

@test "ns-enter: --TYPE=FILE joins the namespace a file names, every type" {
  local n files=() at=2
  start --user --map-root --pid --mount --uts --ipc --net --cgroup --time \
    --hostname tgt -- sleep 100
  for n in user mount uts ipc net cgroup time pid; do
    files+=("--$n=/proc/$TP/ns/${n/mount/mnt}")
  done
  # as a script would: no type created, all joined (pid: ns-enter forks)
  run -0 ns-enter "${files[@]}" -- sh -c 'hostname; echo $$
    for n in user mnt uts ipc net cgroup time pid; do readlink /proc/self/ns/$n; done'
  assert_line --index 0 tgt
  refute_line --index 1 1
  for n in user mnt uts ipc net cgroup time pid; do
    assert_line --index $((at++)) "$(nsof "$TP" "$n")"
  done
  # one type by file, a new one of another type beside it
  run -0 ns-enter --uts="/proc/$TP/ns/uts" --net -- sh -c 'hostname
    readlink /proc/self/ns/net'
  assert_line --index 0 tgt
  refute_line --index 1 "$(nsof "$TP" net)"
  refute_line --index 1 "$(nsof self net)"
}

@test "ns-enter: --TYPE=FILE errors name the file, 125" {
  run -125 ns-enter --uts="$T/nope" -- true
  assert_output "ns-enter: open $T/nope: No such file or directory"
  run -125 ns-enter --uts=/proc/self/ns/net -- true
  assert_output "ns-enter: setns /proc/self/ns/net: Invalid argument"
  run -125 ns-enter --uts --uts=/proc/self/ns/uts -- true
  assert_output "ns-enter: --uts=FILE excludes --uts and --target"
  run -125 ns-enter --target 1 --mount=/proc/self/ns/mnt -- true
  assert_output "ns-enter: --mount=FILE excludes --mount and --target"
}

@test "ns-enter: --keep TYPE:FILE keeps each new namespace; umount FILE; rm FILE removes it" {
  local n k=() files=() at=1 ids=() id
  # a mount namespace is kept only on a private mount (see unshare(1))
  mkdir "$T/k"
  mount --bind "$T/k" "$T/k"
  mount --make-private "$T/k"
  for n in user cgroup ipc uts net pid mount time; do
    k+=(--keep "$n:$T/k/$n")
    files+=("--$n=$T/k/$n")
  done
  start --user --map-root --pid --mount --uts --ipc --net --cgroup --time \
    --hostname kept "${k[@]}" -- sleep 100
  # the files are the namespaces of the running program ...
  for n in user cgroup ipc uts net pid mnt time; do
    assert_equal "$(stat -c %i "$T/k/${n/mnt/mount}")" "$(stat -L -c %i "/proc/$TP/ns/$n")"
  done
  # ... and a script joins them by these files
  run -0 ns-enter "${files[@]}" -- sh -c 'hostname
    for n in user mnt uts ipc net cgroup time pid; do readlink /proc/self/ns/$n; done'
  assert_line --index 0 kept
  for n in user mnt uts ipc net cgroup time pid; do
    assert_line --index $((at++)) "$(nsof "$TP" "$n")"
  done
  # they outlive the program (the pid namespace, without its pid 1, only
  # as a name: no process can enter it)
  kill -KILL "$TP"
  wait "$BG" || true
  run -0 ns-enter --uts="$T/k/uts" -- hostname
  assert_output kept
  run -125 ns-enter --pid="$T/k/pid" -- true
  assert_output "ns-enter: fork: Out of memory (a pid namespace whose pid 1 has exited takes no new process)"
  # removed as ns-enter(1) says: nothing is left
  for n in user cgroup ipc uts net pid mount time; do
    ids+=("$(stat -c %i "$T/k/$n")")
    umount "$T/k/$n"
    rm "$T/k/$n"
  done
  umount "$T/k"
  run -0 ls -A "$T/k"
  assert_output ''
  run -1 grep -F "$T" /proc/self/mountinfo
  for id in "${ids[@]}"; do
    run -1 grep -F "[$id]" /proc/self/mountinfo
  done
}

@test "ns-enter: --keep errors, 125, and a failed keep leaves nothing" {
  run -125 ns-enter --keep "uts:$T/u" -- true
  assert_output "ns-enter: --keep uts needs a new uts namespace (--uts)"
  run -125 ns-enter --keep "bogus:$T/u" --uts -- true
  assert_output "ns-enter: --keep bogus:$T/u: expected TYPE:FILE, TYPE one of user, cgroup, ipc, uts, net, pid, mount, time"
  run -125 ns-enter --keep uts --uts -- true
  assert_output "ns-enter: --keep uts: expected TYPE:FILE, TYPE one of user, cgroup, ipc, uts, net, pid, mount, time"
  run -125 ns-enter --uts --keep "uts:$T/nodir/u" -- true
  assert_output "ns-enter: create $T/nodir/u: No such file or directory"
  # a mount namespace on a mount shared with another mount namespace:
  # refused, and the uts namespace kept before it is undone
  mkdir "$T/s"
  mount -t tmpfs tmpfs "$T/s"
  mount --make-shared "$T/s"
  unshare -m --propagation unchanged sleep 100 3>&- &
  PIDS+=("$!")
  until [ "$(nsof "$!" mnt)" != "$(nsof self mnt)" ]; do sleep 0.02; done
  run -125 ns-enter --uts --mount --keep "uts:$T/s/uts" --keep "mnt:$T/s/mnt" -- true
  assert_output "ns-enter: keep mnt on $T/s/mnt: its mount is shared with other mount namespaces; keep it on a private one (mount --bind DIR DIR; mount --make-private DIR)"
  run -0 ls -A "$T/s"
  assert_output ''
  run -1 grep -F "$T/s/" /proc/self/mountinfo
}

@test "ns-enter: --propagation: slave receives the caller's later mounts, shared both ways, private (default) neither" {
  local d=$T/d m pid opt
  mkdir "$d"
  mount -t tmpfs prop "$d"
  mount --make-shared "$d"
  mkdir "$d/x" "$d/y"
  for m in default slave private shared unchanged; do
    rm -f "$d/ready" "$d/go"
    # ready once in its namespace; then it mounts on y, and looks at x
    # (teardown unmounts what is left under $T)
    opt=()
    [ "$m" = default ] || opt=(--propagation "$m")
    ns-enter --mount "${opt[@]}" -- sh -c 'touch "$0/ready"
until [ -e "$0/go" ]; do sleep 0.1; done
mount -t tmpfs inside "$0/y"
grep -q " $0/x " /proc/self/mountinfo && echo seen || echo not' "$d" >"$T/$m" &
    pid=$!
    wait_for test -e "$d/ready"
    mount -t tmpfs host "$d/x"
    touch "$d/go"
    wait "$pid"
    umount "$d/x"
    if grep -q " $d/y " /proc/self/mountinfo; then
      echo back >>"$T/$m"
      umount "$d/y"
    fi
  done
  run -0 cat "$T/default" "$T/private" "$T/slave" "$T/shared" "$T/unchanged"
  assert_output $'not\nnot\nseen\nseen\nback\nseen\nback'
  run -125 ns-enter --mount --propagation sideways -- true
  assert_output 'ns-enter: propagation sideways: not private, slave, shared or unchanged'
  run -125 ns-enter --uts --propagation slave -- true
  assert_output 'ns-enter: --propagation needs a new mount namespace (--mount)'
  run -125 ns-enter --mount-proc --propagation shared -- true
  assert_output "ns-enter: --mount-proc needs --propagation private or slave (its /proc would reach the host's)"
}

@test "ns-enter: --mount-proc: ps sees only the new pid namespace" {
  local before
  before=$(grep -c ' /proc ' /proc/self/mountinfo)
  # the trap: a new pid namespace, the host's /proc
  run -0 ns-enter --pid -- sh -c 'echo $$; ls -d /proc/[0-9]* 2>/dev/null | wc -l'
  assert_line --index 0 1
  [ "${lines[1]}" -gt 2 ]
  run -0 ns-enter --pid --mount-proc -- sh -c 'echo $$; ls -d /proc/[0-9]*'
  assert_output $'1\n/proc/1'
  run -0 ns-enter --pid --mount-proc -- ps -o pid=,comm=
  assert_output --regexp '^ +1 ps$'
  # implies --mount: the host's /proc is untouched
  assert_equal "$(grep -c ' /proc ' /proc/self/mountinfo)" "$before"
  run -125 ns-enter --mount-proc --target 1 -- true
  assert_output "ns-enter: --mount-proc needs a new mount namespace: it excludes --mount=FILE and --target"
}
