#!/usr/bin/env bats
# limits-v2: cg-attach's memory reservation, block I/O, hugetlb and
# --unified limits acting on a pure cgroup v2 hierarchy, and mustela-oci's
# linux.resources reaching the same files. Runs only in the VM
# (test/vm/run, the v2 boot): root, pure cgroup2 at /sys/fs/cgroup,
# Debian's cloud kernel (iocost's io.weight, hugetlb), a loop device made
# here on a file of the test's (the loop module is in the initramfs).

# The shared fixtures; common.bash takes the top of the tree to be one
# level up: fix it.
load '../lib/common'
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/helpers:$TOP/bin:$PATH"
CG=/sys/fs/cgroup

setup_file() {
  export P="cg-lim-$$"
}

setup() {
  [ "$(stat -fc %T "$CG")" = cgroup2fs ] || skip "not a pure cgroup v2 boot"
  [ -x "$TOP/helpers/cg-attach" ] || fail "helpers/cg-attach is not built"
  truncate -s 64M "$BATS_TEST_TMPDIR/disk"
  L=$(losetup -f --show "$BATS_TEST_TMPDIR/disk")
  LDEV=$(($(stat -c 0x%t "$L"))):$(($(stat -c 0x%T "$L")))
  HUGEPAGES=''
}

teardown() {
  local d
  for d in $(find "$CG" -type d -name "$P-*" -printf '%f\n' | sort -u); do
    cg-attach --remove "$d" 2>/dev/null || :
  done
  [ -z "${L-}" ] || losetup -d "$L"
  for d in ${EXTRA-}; do losetup -d "$d"; done
  [ -z "$HUGEPAGES" ] || echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages
  [ -z "${O-}" ] || [ ! -d "$O" ] || "$TOP/bin/mustela-oci" --root "$O" delete --force "$ID" 2>/dev/null || :
  [ -z "${T-}" ] || container_teardown
}

# elapsed COMMAND...: run COMMAND (its output dropped), print how long it
# took in microseconds
elapsed() { # COMMAND...
  local t0=$EPOCHREALTIME t1
  "$@" >/dev/null 2>&1 || return
  t1=$EPOCHREALTIME
  echo $((10#${t1%.*}${t1#*.} - 10#${t0%.*}${t0#*.}))
}

@test "limits-v2: --memory-reservation is memory.low; swappiness and the OOM killer's switch refused, nothing made" {
  run -0 cg-attach --name "$P-1" --memory 64M --memory-reservation 16M -- cat "$CG/$P-1/memory.low"
  assert_output 16777216
  run -125 cg-attach --name "$P-2" --memory-swappiness 0 -- true
  assert_output --partial 'cg-attach: --memory-swappiness: cgroup v2 has no memory.swappiness'
  run -125 cg-attach --name "$P-2" --oom-kill-disable -- true
  assert_output --partial 'cg-attach: --oom-kill-disable: cgroup v2 has no memory.oom_control'
  assert_not_exist "$CG/$P-2"
}

@test "limits-v2: io.max on a loop device: a direct write held to --device-write-bps, rbps lifted by 0" {
  local us
  run -0 cg-attach --name "$P-1" --device-write-bps "$L:1M" --device-read-bps "$LDEV:4M" \
    --device-read-iops "$L:1000" --device-write-iops "$L:500" -- true
  run -0 grep "^$LDEV " "$CG/$P-1/io.max"
  assert_output "$LDEV rbps=4194304 wbps=1048576 riops=1000 wiops=500"
  # 4 MiB written past the page cache at 1 MiB a second: 3 s at least
  us=$(elapsed cg-attach --name "$P-1" -- dd if=/dev/zero of="$L" bs=1M count=4 oflag=direct)
  [ "$us" -ge 2500000 ] || fail "4 MiB written in $us us at 1 MiB/s"
  run -0 cg-attach --name "$P-1" --device-read-bps "$LDEV:0" -- true
  run -0 grep "^$LDEV " "$CG/$P-1/io.max"
  assert_output "$LDEV rbps=max wbps=1048576 riops=1000 wiops=500"
}

@test "limits-v2: --blkio-weight is io.weight, converted as runc does; per device where iocost is on" {
  run -0 cg-attach --name "$P-1" --blkio-weight 300 -- true
  # 1 + (300 - 10) * 9999 / 990 = 2930
  run -0 cat "$CG/$P-1/io.weight"
  assert_output 'default 2930'
  # a device's weight needs iocost on that device's queue (io.cost.qos).
  # Once iocost has run on a queue the kernel keeps it (enable=0 or not),
  # and an earlier file's loop device may be this one: a loop device
  # io.cost.qos has never listed, attaching more until one is
  local d=$L ddev=$LDEV n=0
  EXTRA=''
  while grep -q "^$ddev " "$CG/io.cost.qos"; do
    n=$((n + 1))
    [ "$n" -le 8 ] || fail "8 loop devices, each with iocost state already"
    truncate -s 1M "$BATS_TEST_TMPDIR/disk$n"
    d=$(losetup -f --show "$BATS_TEST_TMPDIR/disk$n")
    EXTRA="$EXTRA $d"
    ddev=$(($(stat -c 0x%t "$d"))):$(($(stat -c 0x%T "$d")))
  done
  run -125 cg-attach --name "$P-1" --blkio-weight-device "$d:1000" -- true
  # (ENOTSUPP, the kernel's own 524: musl's "Not supported")
  assert_output --regexp "^cg-attach: write $ddev 10000 to $CG/$P-1/io\.weight: (Operation not supported|Not supported|Unknown error 524)\$"
  echo "$ddev enable=1" >"$CG/io.cost.qos"
  run -0 cg-attach --name "$P-1" --blkio-weight-device "$d:1000" -- true
  run -0 cat "$CG/$P-1/io.weight"
  assert_output "default 2930"$'\n'"$ddev 10000"
}

@test "limits-v2: --hugetlb 2MB:2M is hugetlb.2MB.max: a second page refused, counted in hugetlb.2MB.events" {
  HUGEPAGES=$(cat /proc/sys/vm/nr_hugepages)
  echo $((HUGEPAGES + 2)) >/proc/sys/vm/nr_hugepages
  mkdir "$BATS_TEST_TMPDIR/huge"
  run -1 cg-attach --name "$P-1" --hugetlb 2MB:2M -- unshare -m sh -c '
    mount -t hugetlbfs none "$0" && fallocate -l 2M "$0/a" && echo one &&
    fallocate -l 2M "$0/b"' "$BATS_TEST_TMPDIR/huge"
  assert_line --index 0 one
  assert_line --index 1 'fallocate: fallocate failed: No space left on device'
  run -0 cat "$CG/$P-1/hugetlb.2MB.max"
  assert_output 2097152
  run -0 cat "$CG/$P-1/hugetlb.2MB.events"
  assert_output 'max 1'
}

@test "limits-v2: --unified KEY=VALUE: files as given, their controllers enabled; pids.max acts" {
  run cg-attach --name "$P-1" --unified memory.high=48M --unified pids.max=3 \
    -- sh -c 'cat "$0/memory.high" "$0/pids.max"; for i in 1 2 3 4; do sleep 1 & done; wait' "$CG/$P-1"
  assert_line --index 0 50331648
  assert_line --index 1 3
  # a fork past pids.max failed
  run -0 cat "$CG/$P-1/pids.events"
  assert_output --regexp '^max [1-9]'
  run -125 cg-attach --name "$P-2" --unified memory.nosuch=1 -- true
  assert_output "cg-attach: write 1 to $CG/$P-2/memory.nosuch: No such file or directory"
  run -125 cg-attach --name "$P-2" --unified nosuch.max=1 -- true
  assert_output "cg-attach: --unified nosuch.max=1: no nosuch controller in the cgroup v2 hierarchy $CG"
  assert_not_exist "$CG/$P-2"
}

@test "limits-v2: mustela-oci: linux.resources' reservation, I/O throttles, hugepage limits and unified in the container's cgroup; swappiness refused" {
  container_setup
  O=$T/state ID=oci-lim-$$
  local maj=${LDEV%:*} min=${LDEV#*:} c=$CG/mustela-oci-oci-lim-$$
  mkdir -p "$T/b"
  mustela-oci spec --bundle "$T/b"
  jq --arg r "$R" --argjson maj "$maj" --argjson min "$min" '.root.path = $r |
    .process.args = ["sleep", "1000"] | .linux.resources = {
      memory: {limit: 67108864, reservation: 16777216},
      blockIO: {throttleReadBpsDevice: [{major: $maj, minor: $min, rate: 1048576}],
        throttleWriteIOPSDevice: [{major: $maj, minor: $min, rate: 50}]},
      hugepageLimits: [{pageSize: "2MB", limit: 4194304}],
      unified: {"memory.high": "50331648"}}' "$T/b/config.json" >"$T/config.json"
  mv "$T/config.json" "$T/b/config.json"
  # (the container keeps its stdio: not run's pipe, which would stay open)
  mustela-oci --root "$O" create --bundle "$T/b" "$ID" </dev/null >"$T/out" 2>&1 ||
    fail "create: $(cat "$T/out")"
  run -0 mustela-oci --root "$O" start "$ID"
  assert_equal "$(cat "$c/memory.low")" 16777216
  assert_equal "$(grep "^$LDEV " "$c/io.max")" "$LDEV rbps=1048576 wbps=max riops=max wiops=50"
  assert_equal "$(cat "$c/hugetlb.2MB.max")" 4194304
  assert_equal "$(cat "$c/memory.high")" 50331648
  run -0 mustela-oci --root "$O" update --resources - "$ID" <<<'{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}'
  assert_equal "$(cat "$c/hugetlb.2MB.max")" 2097152
  run -0 mustela-oci --root "$O" delete --force "$ID"
  assert_not_exist "$c"
  # what cgroup v2 cannot do: refused by name, nothing made
  jq '.linux.resources.memory.swappiness = 10' "$T/b/config.json" >"$T/config.json"
  mv "$T/config.json" "$T/b/config.json"
  run -125 mustela-oci --root "$O" create --bundle "$T/b" "$ID" </dev/null
  assert_output 'mustela-oci: linux.resources.memory.swappiness: not supported: cgroup v2 has no memory.swappiness'
  assert_not_exist "$O/$ID"
  assert_not_exist "$c"
}

@test "limits-v2: no cgroup of this file is left" {
  run -0 find "$CG" -name "$P-*"
  assert_output ''
}
