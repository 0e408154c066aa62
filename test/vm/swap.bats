#!/usr/bin/env bats
# swap: --memory-swap acts: with swap on, memory+swap decides whether a
# process over --memory is swapped or OOM-killed. Runs only in the VM
# (test/vm/run), on v2 and v1: /dev/zram0 is a swap device made by
# test/vm/init, switched on here only, so that no other test sees swap.

load '../lib/common'
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/helpers:$TOP/bin:$PATH"

setup_file() {
  export P="cg-swap-$$"
}

setup() {
  swapon /dev/zram0
}

teardown() {
  local d
  swapoff /dev/zram0
  for d in $(find /sys/fs/cgroup -type d -name "$P-*" -printf '%f\n' | sort -u); do
    cg-attach --remove "$d" 2>/dev/null || :
  done
}

# A shell holding a 32 MB string prints how much of itself is swapped out
# (dash: busybox sh copies the string, which brings it back from zram).
hog='x=$(head -c 32000000 /dev/zero | tr "\0" a); grep VmSwap /proc/$$/status'
# The same in the container's busybox sh, smaller (its copies swap a lot):
# it prints the string's length.
hog_bb='x=$(head -c 24000000 /dev/zero | tr "\0" a); echo ${#x}'

@test "swap: --memory 16M --memory-swap 64M: a 32 MB process is swapped, not killed" {
  run -0 cg-attach --name "$P-1" --memory 16M --memory-swap 64M -- sh -c "$hog"
  assert_output --regexp '^VmSwap:[[:space:]]+[1-9][0-9]{4} kB$'
}

@test "swap: --memory 16M --memory-swap 16M: no swap, the 32 MB process is killed" {
  run -137 cg-attach --name "$P-1" --memory 16M --memory-swap 16M -- sh -c "$hog"
  # it never gets to print (when the OOM killer picks a pipeline's child
  # first, sh says "Killed" before it is killed itself)
  refute_output --partial VmSwap
}

@test "swap: minc --mem-limit 16M --mem-swap 64M swaps 24 MB; --mem-swap 16M: 137" {
  local R
  R=$(rootfs)
  run -0 minc -r "$R" --mem-limit 16M --mem-swap 64M sh -c "$hog_bb"
  assert_output 24000000
  run -137 minc -r "$R" --mem-limit 16M --mem-swap 16M sh -c "$hog_bb"
}

@test "swap: no cgroup of this file is left" {
  run -0 find /sys/fs/cgroup -name "$P-*"
  assert_output ''
}
