#!/usr/bin/env bats
# oci-v2: bin/mustela-oci on the kernel lane's cgroups (test/vm/run): the
# life cycle, the config's limits read back from the container's own
# cgroup files (memory, pids, cpu quota), linux.cgroupsPath, update
# --resources, pause and resume through the freezer, and nothing left
# under /sys/fs/cgroup after delete. Written for the pure cgroup v2 boot
# (cgroup.freeze, memory.max, cpu.max); the v1 boot (hybrid layout) runs
# it too, reading the same limits from the v1 hierarchies' files.

# The shared fixtures (the rootfs the other files of the run use too);
# common.bash takes the top of the tree to be one level up: fix it.
load '../lib/common'
load '../lib/oci'
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/helpers:$TOP/bin:$PATH"
CG=/sys/fs/cgroup

setup() {
  oci_setup 100 "oci-vm-$$-$BATS_TEST_NUMBER"
  # a cgroup parent of the test's, below the root as kubelet's pods are
  P=oci-vm-$$
  edit '.process.args = ["sleep", "1000"]'
  if [ "$(stat -fc %T "$CG")" = cgroup2fs ]; then
    V=2
  else
    V=1
  fi
  find "$CG" -type d | LC_ALL=C sort >"$T/cgroups.before"
}

teardown() {
  [ -d "$O" ] && "${OCI[@]}" delete --force "$ID" 2>/dev/null || :
  # the parent of linux.cgroupsPath, made by the container's create:
  # gone with it, or removed here (and reported by the test)
  find "$CG" -depth -type d -path "*/$P*" -exec rmdir {} + 2>/dev/null || :
  container_teardown
}

create() { # create the container; its stdio in $T/out (the container
  # keeps it: a pipe of run would never close)
  "${OCI[@]}" create --bundle "$T/b" "$ID" </dev/null >"$T/out/stdout" 2>"$T/out/stderr" ||
    { local s=$?; cat "$T/out/stderr"; return "$s"; }
}

stopped() { # the container's state says stopped
  [ "$("${OCI[@]}" state "$ID" | jq -r .status)" = stopped ]
}

# cg FILE: the container's cgroup file FILE (v2's name), read from the
# hierarchy of its controller on v1, in the directory of cgroupsPath
# ($CGPATH) or of the default name (mustela-oci-ID)
cg() { # FILE
  local dir=${CGPATH:-/mustela-oci-$ID} ctl=${1%%.*} f=$1
  if [ "$V" = 2 ]; then
    cat "$CG$dir/$f"
    return
  fi
  case "$f" in
    memory.max) f=memory.limit_in_bytes ;;
    cpu.max)
      echo "$(cat "$CG/cpu$dir/cpu.cfs_quota_us") $(cat "$CG/cpu$dir/cpu.cfs_period_us")"
      return ;;
    cgroup.freeze)
      [ "$(cat "$CG/freezer$dir/freezer.state")" = FROZEN ] && echo 1 || echo 0
      return ;;
    cgroup.procs) ctl=pids ;;
  esac
  cat "$CG/$ctl$dir/$f"
}

nothing_left() { # the state directory gone, and every cgroup made since
  # setup (the container's and cgroupsPath's parent)
  assert_not_exist "$O/$ID"
  find "$CG" -type d | LC_ALL=C sort >"$T/cgroups.after"
  run diff "$T/cgroups.before" "$T/cgroups.after"
  assert_success
}

@test "oci-v2: create, start, state, kill, delete: the container in a cgroup of its own, nothing left after" {
  run -0 create
  status_is created
  local pid
  pid=$(jq -r .pid <<<"$output")
  # its init in its own cgroup (v2: the one line; v1: each hierarchy)
  if [ "$V" = 2 ]; then
    assert_equal "$(cat "/proc/$pid/cgroup")" "0::/mustela-oci-$ID"
  else
    run -0 grep -c ":/mustela-oci-$ID\$" "/proc/$pid/cgroup"
    assert [ "$output" -ge 4 ]
  fi
  run -0 cg cgroup.procs
  assert_line "$pid"
  run -0 "${OCI[@]}" start "$ID"
  status_is running
  # (sleep as pid 1 ignores TERM: it has no handler)
  run -0 "${OCI[@]}" kill "$ID" KILL
  wait_for stopped
  status_is stopped
  run -0 "${OCI[@]}" delete "$ID"
  nothing_left
}

@test "oci-v2: memory, pids and cpu quota in the cgroupsPath's files; update --resources; pause and resume through the freezer" {
  CGPATH=/$P/ctr
  edit ".linux.cgroupsPath = \"$CGPATH\" | .linux.resources = {memory: {limit: 67108864}, pids: {limit: 20}, cpu: {quota: 50000, period: 100000}}"
  run -0 create
  local pid
  pid=$(jq -r .pid <<<"$("${OCI[@]}" state "$ID")")
  # cgroupsPath honoured: the init is there, not under the default name
  if [ "$V" = 2 ]; then
    assert_equal "$(cat "/proc/$pid/cgroup")" "0::$CGPATH"
  else
    run -0 grep -E "^[0-9]+:memory:$CGPATH\$" "/proc/$pid/cgroup"
  fi
  run -1 compgen -G "$CG/*mustela-oci-$ID*"
  run -1 compgen -G "$CG/*/mustela-oci-$ID*"
  assert_equal "$(cg memory.max)" 67108864
  assert_equal "$(cg pids.max)" 20
  assert_equal "$(cg cpu.max)" '50000 100000'
  run -0 "${OCI[@]}" start "$ID"
  # update: the new memory limit and pids in the same files
  run -0 "${OCI[@]}" update --resources - "$ID" <<<'{"memory": {"limit": 33554432}, "pids": {"limit": 30}, "cpu": {"quota": 20000, "period": 100000}}'
  assert_equal "$(cg memory.max)" 33554432
  assert_equal "$(cg pids.max)" 30
  assert_equal "$(cg cpu.max)" '20000 100000'
  # pause: the cgroup frozen (v2 cgroup.freeze, cgroup.events says so)
  run -0 "${OCI[@]}" pause "$ID"
  status_is paused
  assert_equal "$(cg cgroup.freeze)" 1
  if [ "$V" = 2 ]; then
    wait_for grep -qx 'frozen 1' "$CG$CGPATH/cgroup.events"
  fi
  run -0 "${OCI[@]}" resume "$ID"
  status_is running
  assert_equal "$(cg cgroup.freeze)" 0
  if [ "$V" = 2 ]; then
    wait_for grep -qx 'frozen 0' "$CG$CGPATH/cgroup.events"
  fi
  assert_equal "$(awk '$1 == "State:" { print $2 }' "/proc/$pid/status")" S
  run -0 "${OCI[@]}" delete --force "$ID"
  # the container's cgroup gone; the parent cgroupsPath named is left,
  # empty, as runc leaves it (the engine that named it removes it):
  # rmdir fails on anything left in it
  run -1 compgen -G "$CG$CGPATH"
  run -1 compgen -G "$CG/*$CGPATH"
  find "$CG" -depth -type d -name "$P" -exec rmdir {} +
  nothing_left
}
