#!/usr/bin/env bats
# chain: the six helpers composed by hand, as issue 2 and the README show,
# make a container without minc

load 'lib/common'

setup() {
  container_setup
  mkdir "$T/target"
}

teardown() {
  # cg-attach leaves its cgroup when prog ends: removed as the README says
  if [ -n "$(find /sys/fs/cgroup -maxdepth 4 -name "chain-$$")" ]; then
    cg-attach --remove "chain-$$"
  fi
  container_teardown
}

# chain CAPS PROGRAM...: the hand-composed chain of the README
chain() {
  local caps=$1
  shift
  cg-attach --name "chain-$$" --pids-max 64 -- \
    ns-enter --pid --mount --uts --ipc --net --hostname box --kill-with-parent -- \
    overlay-mount --lower "$R" --tmpfs-upper "$T/target" -- \
    pivot --proc --dev --sys --exec-from-host --keep-fd 3 --keep-fd 4 "$T/target" -- \
    "$TOP/helpers/cap-drop" --keep "$caps" -- \
    /proc/self/fd/3 /proc/self/fd/4 -- \
    "$@" 3<"$TOP/helpers/seccomp-load" 4<"$POLICY"
}

@test "chain: pid 1, hostname, only lo, kept capabilities, mount and unshare denied" {
  local before
  before=$(tree_sum "$R")
  run -0 chain chown,kill,setuid,setgid sh -c '
    echo "pid $$"
    ps -o pid= | wc -l
    hostname
    ls /sys/class/net
    grep CapBnd /proc/self/status
    mount -t tmpfs none /mnt 2>&1 || echo "mount refused"
    unshare -m true 2>&1 || echo "unshare refused"
    echo written >/etc/written
    exit 0'
  assert_line --index 0 'pid 1'
  assert_line --index 1 3          # sh, ps and wc: no host process
  assert_line --index 2 box
  assert_line --index 3 lo
  assert_line --index 4 --regexp 'CapBnd:[[:space:]]+00000000000000e1$'
  assert_line 'mount refused'
  assert_line 'unshare refused'
  # the writes went to the tmpfs upper layer: gone, the rootfs unchanged
  assert_equal "$(tree_sum "$R")" "$before"
  assert_equal "$(ls -A "$T/target")" ""
}

@test "chain: the status is the program's; descriptors 3 and 4 do not reach it" {
  run -7 chain chown sh -c 'ls /proc/$$/fd; exit 7'
  refute_line 3
  refute_line 4
  run -127 chain chown nosuchprogram
  assert_output 'seccomp-load: exec nosuchprogram: No such file or directory'
}
