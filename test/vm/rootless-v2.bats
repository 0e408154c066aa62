#!/usr/bin/env bats
# rootless-v2: a user's minc with limits, in a cgroup v2 subtree delegated
# to it as systemd delegates user@UID.service. Runs only in the VM
# (test/vm/run): root, pure cgroup2 with cpu, memory, pids and cpuset
# enabled in the root, the user "user" (uid 1000); the set-uid newuidmap
# and newgidmap are in the initramfs (test/vm/mkinitramfs), the user's
# range in /etc/subuid and /etc/subgid is made here.

load '../lib/common'
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/helpers:$TOP/bin:$PATH"
CG=/sys/fs/cgroup
# systemd's layout: the slices root's, user@1000.service the user's, the
# user's processes in a leaf of it (init.scope)
S=$CG/user.slice/user-1000.slice
D=$S/user@1000.service

# The delegation, the user's range and a rootfs the user can read: made
# once, removed at the end.
setup_file() {
  mkdir -p "$S"
  echo '+cpu +memory +pids +cpuset' >"$CG/user.slice/cgroup.subtree_control"
  echo '+cpu +memory +pids +cpuset' >"$S/cgroup.subtree_control"
  mkdir "$D"
  # cgroups(7), "Delegation": the directory and these three files
  chown 1000:1000 "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" \
    "$D/cgroup.threads"
  setpriv --reuid=1000 --regid=1000 --init-groups -- mkdir "$D/init.scope"
  echo user:100000:65536 >>/etc/subuid
  echo user:100000:65536 >>/etc/subgid
  export UT
  UT=$(mktemp -d /tmp/rootless-v2.XXXXXX)
  chmod 755 "$UT"
  cp -a "$(rootfs)" "$UT/rootfs"
}

# purge DIR: kill every process in the cgroup DIR and below, remove it all.
purge() { # DIR
  [ -d "$1" ] || return 0
  echo 1 >"$1/cgroup.kill"
  for _ in $(seq 100); do
    # (a container's cgroup goes when its minc ends)
    [ -d "$1" ] || return 0
    grep -qx 'populated 0' "$1/cgroup.events" && break
    sleep 0.1
  done
  find "$1" -depth -type d -exec rmdir {} +
}

teardown_file() {
  purge "$CG/user.slice"
  sed -i '/^user:100000:65536$/d' /etc/subuid /etc/subgid
  rm -rf "$UT" /tmp/mustela-1000
}

setup() {
  R=$UT/rootfs
}

teardown() {
  local d
  # a failed test's containers: everything of the user's but its leaf
  for d in "$D"/*/; do
    [ "$d" = "$D/init.scope/" ] || purge "${d%/}"
  done
}

# in_cgroup CGROUP COMMAND...: COMMAND as the user, started by root in CGROUP (a
# path below /sys/fs/cgroup), with a clean environment, as a login would.
in_cgroup() { # CGROUP COMMAND...
  local cg=$1
  shift
  sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$cg" \
    setpriv --reuid=1000 --regid=1000 --init-groups -- \
    env -i PATH="$PATH" HOME=/home/user "$@"
}

# as_user COMMAND...: COMMAND as the user, its shell in the leaf
# user@1000.service/init.scope.
as_user() { # COMMAND...
  in_cgroup "${D#"$CG"}/init.scope" "$@"
}

# container_cgroup: print the cgroup of the user's container once a
# process is in it.
container_cgroup() {
  local d
  for _ in $(seq 300); do
    for d in "$D"/mustela-*; do
      # (cgroup files have no size: read it)
      grep -qs . "$d/cgroup.procs" && { echo "$d"; return 0; }
    done
    sleep 0.1
  done
  echo "no container cgroup in $D" >&2
  return 1
}

@test "rootless-v2: a user's --mem-limit, --pid-max, --cpus, -c act, beside its shell's leaf" {
  as_user minc -r "$R" --mem-limit 32M --pid-max 20 --cpus 0.5 -c 2 \
    sleep 1000 3>&- &
  pid=$!
  d=$(container_cgroup)
  # beside init.scope, in the subtree delegated to the user, its own
  assert_equal "${d%/mustela-*}" "$D"
  run -0 stat -c %U "$d" "$d/memory.max"
  assert_output $'user\nuser'
  run -0 cat "$d/memory.max" "$d/pids.max" "$d/cpu.max" "$d/cpuset.cpus"
  assert_output $'33554432\n20\n50000 100000\n1'
  # minc turned the controllers on for the user's children
  run -0 cat "$D/cgroup.subtree_control"
  assert_output 'cpuset cpu memory pids'
  # the container's processes are the user's (its root is uid 1000), on
  # CPU 1; minc itself waits in the user's leaf, alone there
  p=$(head -n 1 "$d/cgroup.procs")
  run -0 stat -c %u "/proc/$p"
  assert_output 1000
  run -0 grep '^Cpus_allowed_list:' "/proc/$p/status"
  assert_output $'Cpus_allowed_list:\t1'
  q=$(cat "$D/init.scope/cgroup.procs")
  run -0 cat "/proc/$q/comm"
  assert_output minc
  # the container killed: minc removes its cgroup and passes the status on
  echo 1 >"$d/cgroup.kill"
  st=0
  wait "$pid" || st=$?
  assert_equal "$st" 137
  assert_not_exists "$d"
}

@test "rootless-v2: a user's container past --mem-limit is OOM-killed in its cgroup" {
  n=$(dmesg | grep -c 'oom-kill:' || :)
  run -137 as_user minc -r "$R" --mem-limit 32M \
    sh -c 'head -c 100m /dev/zero | tail -n 1 >/dev/null'
  # the kernel's verdict, its first kill of this run: the container's memory
  # cgroup, the task, the user. (While tail's memory is still being freed
  # the cgroup can go over again and the kernel kills another of its tasks,
  # ns-enter: the last line is not always tail's.)
  run -0 sh -c "dmesg | grep 'oom-kill:' | sed -n '$((n + 1))p'"
  assert_output --regexp "oom_memcg=/user.slice/user-1000.slice/user@1000.service/mustela-[0-9]+,.*task=tail,pid=[0-9]+,uid=1000$"
  run -0 find "$D" -name 'mustela-*'
  assert_output ''
}

@test "rootless-v2: a user's fork bomb stays within --pid-max 20" {
  # the orphans go to pid 1, a sleep that reaps none: the bomb fills its
  # 20 slots and stays there
  as_user minc -r "$R" --pid-max 20 --cpus 0.5 sh -c \
    'bomb() { bomb | bomb & }; bomb 2>/dev/null; exec sleep 1000' 3>&- &
  pid=$!
  d=$(container_cgroup)
  for _ in $(seq 300); do
    grep -q '^max [1-9]' "$d/pids.events" && break
    sleep 0.1
  done
  run -0 cat "$d/pids.max"
  assert_output 20
  run -0 grep '^max ' "$d/pids.events"
  assert_output --regexp '^max [1-9][0-9]*$'
  run -0 cat "$d/pids.current"
  [ "$output" -le 20 ]
  # the host still forks, and the user's other processes too
  run -0 as_user sh -c 'echo $(echo forks)'
  assert_output forks
  echo 1 >"$d/cgroup.kill"
  st=0
  wait "$pid" || st=$?
  assert_equal "$st" 137
  assert_not_exists "$d"
  run pgrep -u 1000
  assert_output ''
}

@test "rootless-v2: without a delegated subtree, a user's limit fails, saying why" {
  # the user's shell in root's cgroup: nothing is delegated
  run -125 in_cgroup / minc -r "$R" --mem-limit 32M true
  assert_output "minc: --mem-limit: needs a cgroup v2 subtree delegated to uid 1000 (/sys/fs/cgroup: cgroup.subtree_control not writable by it)"
  # the shell in the delegated cgroup itself, not in a leaf of it: no
  # controller can be enabled below a cgroup with processes
  echo '-cpuset -cpu -memory -pids' >"$D/cgroup.subtree_control"
  run -125 in_cgroup "${D#"$CG"}" minc -r "$R" --pid-max 9 true
  assert_output "minc: --pid-max: needs a cgroup v2 subtree delegated to uid 1000 ($D holds processes, minc among them, and cgroup v2 enables no controller below such a cgroup: run minc from a leaf cgroup below it, as systemd does with user@UID.service/init.scope, or give --cgroup-parent)"
  # a controller the parent does not hand down
  echo -cpuset >"$S/cgroup.subtree_control"
  run -125 as_user minc -r "$R" -c 1 true
  echo +cpuset >"$S/cgroup.subtree_control"
  assert_output "minc: --cpu: needs a cgroup v2 subtree delegated to uid 1000 (cpuset is not enabled for $D: cgroup.controllers has: cpu memory pids)"
  run -0 find "$CG" -name 'mustela-*'
  assert_output ''
}

@test "rootless-v2: nothing of the user's is left" {
  run pgrep -u 1000
  assert_output ''
  run -0 find "$D" -mindepth 1 -type d
  assert_output "$D/init.scope"
  run -0 cat "$D/init.scope/cgroup.procs"
  assert_output ''
}
