#!/usr/bin/env bats
# devices: a container opens only the devices it is given (issue 11), with
# and without a cgroup (a limit), on cgroup v1 here and v2 in the VM lane
#
# The probe that must fail is /dev/kmsg's number (c 1:11), opened
# write-only: every kernel has it, it needs no capability, and it is in no
# container's list; a block one, the host's loop0 (b 7:0, read), where the
# host has it. The probes that must open are c 1:5 (/dev/zero) and
# /dev/full's.

load 'lib/common'

setup_file() {
  # the shared rootfs, built before the first test's time limit starts
  # (the VM lane's is 60 s)
  rootfs >/dev/null
}

setup() {
  container_setup
  export MUSTELA_DIR=$T/store
}

teardown() {
  container_teardown
}

# The runs of a case: without a cgroup, and with one (a limit).
LIMITS=('' '--pid-max 64')

# no_cgroup_left: no mustela-* cgroup of a minc of this test remains.
no_cgroup_left() {
  run -0 find /sys/fs/cgroup -maxdepth 4 -name 'mustela-*' -newer "$T"
  assert_output ''
}

@test "devices: the given ones open in a default container" {
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086 # lim: words
    run -0 minc -r "$R" $lim sh -c '
      head -c 1 /dev/zero | wc -c; echo x >/dev/null && echo null
      head -c 1 /dev/urandom | wc -c; exec 5</dev/random && echo random
      head -c 1 /dev/full | wc -c; echo x 2>&1 >/dev/full
      exec 3<>/dev/ptmx && ls /dev/pts
      (exec 4</dev/tty && echo tty) 2>&1; true'
    assert_line --index 0 1
    assert_line --index 1 null
    assert_line --index 2 1
    assert_line --index 3 random
    assert_line --index 4 1
    assert_line --index 5 --partial 'No space left on device'
    assert_line --index 6 0
    assert_line --index 7 ptmx
    # opened; without a controlling terminal refused by the tty driver
    assert_line --index 8 --regexp '^tty$|No such device or address'
  done
  no_cgroup_left
}

@test "devices: a node made in the rootfs does not open (mknod is allowed, as Docker)" {
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim sh -c 'mknod /x c 1 11 && echo made &&
      echo probe >/x'
    assert_line --index 0 made
    assert_line --index 1 --regexp '/x: (Permission denied|Operation not permitted)'
    # even the number of an allowed device: only the given nodes open
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim sh -c 'mknod /z c 1 5 && head -c 1 /z'
    assert_output --regexp '/z: (Permission denied|Operation not permitted)'
    [ -b /dev/loop0 ] || continue
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim sh -c 'mknod /x b 7 0 &&
      dd if=/x of=/dev/null count=1'
    assert_output --regexp "/x'?: (Permission denied|Operation not permitted)"
  done
  no_cgroup_left
}

@test "devices: a node made in /dev does not open" {
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim sh -c 'mknod /dev/x c 1 11 && echo probe >/dev/x'
    assert_output --regexp '/dev/x: (Permission denied|Operation not permitted)'
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim sh -c 'mknod /dev/shm/z c 1 5 && head -c 1 /dev/shm/z'
    assert_output --regexp '/dev/shm/z: (Permission denied|Operation not permitted)'
  done
  no_cgroup_left
}

@test "devices: a node in an image layer does not open" {
  mkdir "$T/layer"
  cp -a "$R/." "$T/layer/"
  mknod "$T/layer/kmsg" c 1 11
  mknod "$T/layer/zero" c 1 5
  tar -C "$T/layer" -cf "$T/layer.tar" .
  run -0 marten import "$T/layer.tar" nodes
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -1 minc -r nodes $lim sh -c 'test -c /kmsg && echo probe >/kmsg'
    assert_output --regexp '/kmsg: (Permission denied|Operation not permitted)'
    # shellcheck disable=SC2086
    run -1 minc -r nodes $lim sh -c 'test -c /zero && head -c 1 /zero'
    assert_output --regexp '/zero: (Permission denied|Operation not permitted)'
  done
  no_cgroup_left
}

@test "devices: a node in a bound directory (-b) does not open" {
  mkdir "$T/nodes"
  mknod "$T/nodes/kmsg" c 1 11
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim -b "$T/nodes:/mnt" sh -c 'test -c /mnt/kmsg &&
      echo probe >/mnt/kmsg'
    assert_output --regexp '/mnt/kmsg: (Permission denied|Operation not permitted)'
  done
  no_cgroup_left
}

@test "devices: --device HOST:CONTAINER gives one device (a cgroup's rule too)" {
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -0 minc -r "$R" $lim --device /dev/full:/dev/xfull sh -c '
      head -c 1 /dev/xfull | wc -c; echo x 2>&1 >/dev/xfull; true'
    assert_line --index 0 1
    assert_line --index 1 --partial 'No space left on device'
    # a device of no default rule: the cgroup allows it too
    # shellcheck disable=SC2086
    run -0 minc -r "$R" $lim --device /dev/kmsg:/dev/xk sh -c \
      'echo "mustela test/devices.bats: --device /dev/kmsg" >/dev/xk && echo ok'
    assert_output ok
  done
  no_cgroup_left
}

@test "devices: --device HOST:CONTAINER:MODE: a mode short of rwm holds (a cgroup)" {
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim --device /dev/kmsg:/dev/xk:r sh -c \
      'echo "mustela test/devices.bats: --device :r" >/dev/xk'
    assert_output --partial '/dev/xk: Operation not permitted'
    # shellcheck disable=SC2086
    run -0 minc -r "$R" $lim --device /dev/kmsg:/dev/xk:w sh -c \
      'echo "mustela test/devices.bats: --device :w" >/dev/xk && echo ok'
    assert_output ok
  done
  no_cgroup_left
}

@test "devices: --privileged and --usedev give all devices" {
  run -0 minc -r "$R" --privileged sh -c 'mknod /x c 1 11 &&
    echo "mustela test/devices.bats: --privileged" >/x && echo ok'
  assert_output ok
  run -0 minc -r "$R" --privileged --pid-max 64 sh -c 'mknod /dev/z c 1 5 &&
    head -c 1 /dev/z | wc -c'
  assert_output 1
  run -0 minc -r "$R" --usedev sh -c \
    'echo "mustela test/devices.bats: --usedev" >/dev/kmsg && echo ok'
  assert_output ok
  if [ -b /dev/loop0 ]; then
    run -0 minc -r "$R" --privileged sh -c 'mknod /x b 7 0 &&
      dd if=/x of=/dev/null count=1 2>/dev/null && echo ok'
    assert_output ok
  fi
  no_cgroup_left
}

@test "devices: with --cap-add sys_admin a mount without nodev still opens only the given" {
  # CAP_SYS_ADMIN could mount again without nodev: the cgroup's policy
  # holds then (minc makes the cgroup for it, with or without a limit)
  for lim in "${LIMITS[@]}"; do
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim --cap-add sys_admin sh -c '
      mkdir /m && mount -t tmpfs t /m && mknod /m/z c 1 5 &&
      mknod /m/k c 1 11 && head -c 1 /m/z | wc -c && echo probe >/m/k'
    assert_line --index 0 1
    assert_line --index 1 --partial '/m/k: Operation not permitted'
    # v1: nor by writing its own cgroup's devices.allow (the container is
    # in a cgroup nested in the policy's, which it cannot loosen)
    # shellcheck disable=SC2086
    run -1 minc -r "$R" $lim --cap-add sys_admin sh -c '
      mkdir /c /m && if mount -t cgroup -o devices none /c 2>/dev/null; then
        echo a >/c/devices.allow; fi
      mount -t tmpfs t /m && mknod /m/k c 1 11 && echo probe >/m/k'
    assert_line --partial '/m/k: Operation not permitted'
  done
  no_cgroup_left
}

@test "devices: --explain shows the policy: pivot --nodev; with a cgroup, cg-attach --devices" {
  run -0 minc --explain -r "$R" true
  assert_output --partial ' --nodev '
  refute_output --partial 'cg-attach'
  run -0 minc --explain -r "$R" --pid-max 64 --device /dev/full:/dev/xfull:r true
  assert_output --partial "--devices 'c:*:*:m,b:*:*:m,c:1:3:rwm,c:1:5:rwm,c:1:7:rwm,c:1:8:rwm,c:1:9:rwm,c:5:0:rwm,c:5:1:rwm,c:5:2:rwm,c:136:*:rwm,c:1:7:r'"
  assert_output --partial ' --device /dev/full:/dev/xfull '
  run -0 minc --explain -r "$R" --privileged true
  refute_output --partial 'nodev'
}

@test "devices: --device of a missing file, of a file, a bad mode: clear message, 125, nothing left" {
  run -125 minc -r "$R" --pid-max 64 --device /nonexistent true
  assert_output 'minc: --device /nonexistent: No such file or directory'
  run -125 minc -r "$R" --pid-max 64 --device /etc/passwd true
  assert_output 'minc: --device /etc/passwd: not a device'
  run -125 minc -r "$R" --pid-max 64 --device /dev/full:/dev/xfull:rwx true
  assert_output 'minc: --device /dev/full:/dev/xfull:rwx: bad mode rwx (r, w, m)'
  run -125 minc -r "$R" --device /dev/full:xfull true
  assert_output 'minc: --device /dev/full:xfull: bad mode xfull (r, w, m)'
  no_cgroup_left
  run -0 find /run/mustela/cg -newer "$T" -name 'mustela-*'
  assert_output ''
}
