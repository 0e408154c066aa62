#!/usr/bin/env bats
# smoke: the VM lane itself: pure cgroup v2, overlayfs, veth, bridge, nft NAT

bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup() {
  T=$(mktemp -d)
}

teardown() {
  rm -rf "$T"
}

@test "smoke: pure cgroup v2, its root enabling cpu, memory, pids, cpuset, io" {
  run -0 awk '$3 ~ /^cgroup/ { print $2, $3 }' /proc/mounts
  assert_output '/sys/fs/cgroup cgroup2'
  run -0 cat /proc/self/cgroup /sys/fs/cgroup/cgroup.subtree_control
  assert_output $'0::/\ncpuset cpu io memory pids'
}

@test "smoke: overlayfs mounts and merges in a private mount namespace" {
  mkdir "$T"/low "$T"/up "$T"/work "$T"/mnt
  echo low >"$T"/low/a
  run -0 unshare -m --propagation private sh -c "
    mount -t overlay overlay -o lowerdir=$T/low,upperdir=$T/up,workdir=$T/work $T/mnt &&
    cat $T/mnt/a && echo new >$T/mnt/b"
  assert_output low
  run -0 cat "$T"/up/b
  assert_output new
}

@test "smoke: a veth pair and a bridge work in a new network namespace" {
  run -0 unshare -n sh -c '
    ip link add br0 type bridge &&
    ip link add v0 type veth peer name v1 &&
    ip link set v0 master br0 &&
    ip link set br0 up && ip link set v0 up && ip link set v1 up &&
    ip -o link show master br0'
  assert_output --partial 'v0@v1:'
  assert_output --partial 'master br0'
}

@test "smoke: nftables masquerading loads in a new network namespace" {
  run -0 unshare -n sh -c '
    nft add table ip nat &&
    nft add chain ip nat post "{ type nat hook postrouting priority 100; }" &&
    nft add rule ip nat post oifname "v0" masquerade &&
    nft list chain ip nat post'
  assert_output --partial 'oifname "v0" masquerade'
}
