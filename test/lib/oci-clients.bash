# oci-clients.bash - podman and containerd driven by the tests of an OCI
# runtime (test/oci-podman.bats, test/oci-containerd.bats), with the
# client's whole state in the test's directory and its network in a
# namespace the test made
# shellcheck shell=bash
#
# The runtime under test is bin/mustela-oci; OCI_RUNTIME=/usr/sbin/runc
# runs the same cases against runc (the harness's own check):
#   OCI_RUNTIME=/usr/sbin/runc bats test/oci-podman.bats

OCI_RT=${OCI_RUNTIME:-$TOP/bin/mustela-oci}

# Paths the clients write to whatever their configuration says (podman
# 4.3's blob-info cache in /var/lib/containers/cache and short-name lock in
# /var/cache/containers, CNI's /var/lib/cni, network namespace files in
# /run/netns, containerd's shim sockets in /run/containerd/s): in the
# holder's mount namespace these are directories of the test.
OCI_HOST_DIRS="/run /var/lib /var/cache"
# What the tests check is left as it was on the host: the clients' own
# paths (not /run/runc nor /run/netns as a whole: other tests of the
# project use them at the same time).
OCI_WATCHED="/var/lib/containers /run/containers /var/cache/containers
/var/lib/cni /etc/cni/net.d /run/containerd /var/lib/containerd
/opt/containerd /run/libpod"

# ns_start DIR: start a process that holds a new mount and network
# namespace, in which /run, /var/lib and /var/cache are DIR/host/run, ...
# Its network has only lo: the bridges, iptables rules and forwarding
# sysctls a client sets up are the namespace's, never the host's. Sets
# NS_PID (the holder: `sleep`, ended by ns_stop) and NS_MNT (its mount
# namespace: a PID that no longer holds it is never entered nor killed).
ns_start() {
  local dir=$1 d _
  for d in $OCI_HOST_DIRS; do mkdir -p "$dir/host$d"; done
  unshare --mount --net --propagation private sh -c '
    set -e
    ip link set lo up
    dir=$1; shift
    for d; do mount --bind "$dir/host$d" "$d"; done
    : >"$dir/ns-ready"
    exec sleep infinity' ns-holder "$dir" $OCI_HOST_DIRS </dev/null >/dev/null 3>&- &
  NS_PID=$!
  for _ in $(seq 100); do
    if [ -e "$dir/ns-ready" ]; then
      NS_MNT=$(readlink "/proc/$NS_PID/ns/mnt") && return 0
    fi
    kill -0 "$NS_PID" || break
    sleep 0.1
  done
  echo "ns_start: the namespace holder did not start" >&2
  return 1
}

ns_alive() { # the holder is still the process of NS_PID
  [ -n "${NS_PID-}" ] && [ "$(readlink "/proc/$NS_PID/ns/mnt" 2>/dev/null)" = "$NS_MNT" ]
}

in_ns() { # CMD...: run CMD in the holder's mount and network namespaces
  ns_alive || {
    echo "in_ns: the namespace holder $NS_PID is gone" >&2
    return 1
  }
  nsenter -t "$NS_PID" -m -n -- "$@"
}

# ns_stop: end every process still in the holder's mount namespace (all
# started by this test, in it), then the holder; the kernel then removes
# the namespaces, their mounts, links and firewall rules.
ns_stop() {
  local p
  ns_alive || return 0
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/mnt" 2>/dev/null)" = "$NS_MNT" ] || continue
    [ "${p#/proc/}" = "$NS_PID" ] || kill -9 "${p#/proc/}" 2>/dev/null || :
  done
  kill "$NS_PID" 2>/dev/null || :
  wait "$NS_PID" 2>/dev/null || :
}

host_snapshot() { # a listing of OCI_WATCHED and CNI's network namespaces on the host
  local d
  for d in $OCI_WATCHED; do
    [ ! -e "$d" ] || find "$d" -maxdepth 3 -printf '%p %s\n' 2>/dev/null
  done | LC_ALL=C sort
  [ ! -d /run/netns ] || find /run/netns -name 'cni-*'
}

# cg_kill_remove NAME: end the processes left in the cgroup NAME (every
# hierarchy), then remove it, deepest first. The tests' containers live
# under a cgroup parent of their own.
cg_kill_remove() {
  local name=$1 c p
  for c in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
    [ -d "$c" ] || continue
    find "$c" -name cgroup.procs -exec cat {} + 2>/dev/null |
      while read -r p; do kill -9 "$p" 2>/dev/null || :; done
  done
  for c in /sys/fs/cgroup/*/"$name" /sys/fs/cgroup/"$name"; do
    [ -d "$c" ] || continue
    for p in $(seq 50); do
      find "$c" -depth -type d -exec rmdir {} + 2>/dev/null || :
      [ -d "$c" ] || break
      sleep 0.1
    done
  done
}

cg_left() { # NAME: the cgroup directories named NAME still there
  local c
  for c in /sys/fs/cgroup/*/"$1" /sys/fs/cgroup/"$1"; do
    [ ! -d "$c" ] || echo "$c"
  done
}

# oci_image DIR: a docker-archive DIR/busybox.tar of the tests' busybox
# rootfs (test/lib/mkrootfs) imported into marten and exported by it, as
# localhost/mustela-busybox:oci; marten's store in DIR/marten, removed.
oci_image() {
  local dir=$1
  MUSTELA_DIR=$dir/marten marten import "$(rootfs)" mustela-busybox:oci >/dev/null
  MUSTELA_DIR=$dir/marten marten export mustela-busybox:oci \
    "docker-archive:$dir/busybox.tar:localhost/mustela-busybox:oci"
  rm -rf "$dir/marten"
}

# The runtime's own checks: it must exist to be tested (a test of a
# runtime that is not there fails, it does not skip).
oci_need_runtime() {
  [ -x "$OCI_RT" ] || {
    echo "no runtime to test: $OCI_RT is not an executable" >&2
    return 1
  }
}
