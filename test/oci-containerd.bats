#!/usr/bin/env bats
# oci-containerd: containerd (Debian's 1.6) and its runc.v2 shim run their
# containers through bin/mustela-oci (ctr run --runc-binary);
# OCI_RUNTIME=/usr/sbin/runc runs the same cases against runc
#
# The file starts its own containerd: config, root, state and sockets in
# the file's directory C, the CRI plugin (and every snapshotter but
# overlayfs and native) off, no TCP listener. It runs in a mount and
# network namespace of the file's own (in_ns: /run is C/host/run there, so
# the shims' sockets in /run/containerd/s and ctr's FIFOs are C's too; the
# network has lo only). Its containers get a cgroup under the file's
# containerd namespace name. containerd is ended by its PID at the end,
# its shims by theirs, and C removed.
# The image: the tests' busybox rootfs imported into marten and exported
# as a docker-archive (marten export), read by `ctr images import`.

load 'lib/common'
load 'lib/oci-clients'

IMG=localhost/mustela-busybox:oci

setup_file() {
  need_root
  need_cmds containerd ctr containerd-shim-runc-v2 script
  C=$(mktemp -d)
  export C
  # the containerd namespace, hence the cgroup parent of its containers
  export NSNAME=mustela-oci-ctr-${C##*.}
  host_snapshot >"$C/host.before"
  cat >"$C/config.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri",
  "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$C/containerd.sock"
[ttrpc]
  address = "$C/containerd.sock.ttrpc"
[debug]
  address = ""
  level = "debug"
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
EOF
  ns_start "$C"
  export NS_PID NS_MNT
  # ctr 1.6 drops --runc-binary with --uidmap (the task's options, its
  # I/O owner, replace the container's runtime options): the shim then
  # runs "runc" from containerd's PATH, where $C/bin's runs the runtime
  # under test
  mkdir "$C/bin"
  printf '#!/bin/sh\nexec %s "$@"\n' "$OCI_RT" >"$C/bin/runc"
  chmod 755 "$C/bin/runc"
  # nsenter and env execute into containerd (no fork): $! is containerd's PID
  in_ns env PATH="$C/bin:$PATH" containerd --config "$C/config.toml" \
    </dev/null >"$C/containerd.log" 2>&1 3>&- &
  export CONTAINERD_PID=$!
  wait_for k version >/dev/null
  oci_image "$C"
  k images import "$C/busybox.tar" >/dev/null
}

teardown_file() {
  [ -n "${C-}" ] || return 0
  sweep
  ctrd_stop
  ns_stop
  cg_kill_remove "$NSNAME"
  rm -rf "$C"
}

teardown() {
  sweep
}

k() { # ARGS...: ctr on the file's containerd, in its containerd namespace
  in_ns ctr -a "$C/containerd.sock" -n "$NSNAME" "$@"
}

krun() { # ARGS...: ctr run with the runtime under test
  k run --runc-binary "$OCI_RT" "$@"
}

# sweep: kill and remove every task and container of the file (each test
# leaves none to the next)
sweep() {
  local id
  ns_alive || return 0
  for id in $(k containers ls -q 2>/dev/null); do
    k task kill -s SIGKILL "$id" >/dev/null 2>&1 || :
    wait_for task_gone "$id" 2>/dev/null || :
    k task rm -f "$id" >/dev/null 2>&1 || :
    k containers rm "$id" >/dev/null 2>&1 || :
  done
}

task_gone() { # ID: the task ID is stopped or gone
  local st
  st=$(k task ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }')
  [ -z "$st" ] || [ "$st" = STOPPED ]
}

# ctrd_stop: end containerd by its PID, then the shims it left (their
# PIDs are in its state directory)
ctrd_stop() {
  local f
  [ -n "${CONTAINERD_PID-}" ] || return 0
  [ "$(cat "/proc/$CONTAINERD_PID/comm" 2>/dev/null)" != containerd ] ||
    kill "$CONTAINERD_PID"
  for f in "$C"/state/io.containerd.runtime.v2.task/*/*/shim.pid; do
    [ -f "$f" ] || continue
    [ "$(cat "/proc/$(cat "$f")/comm" 2>/dev/null)" != containerd-shim ] ||
      kill -9 "$(cat "$f")"
  done
}

show() { # the last run's status, stdout and stderr (bats shows them when a test fails)
  printf 'status %s\nstdout: %s\nstderr: %s\n' "$status" "$output" "${stderr-}"
}

@test "oci-containerd: the runtime under test exists" {
  run oci_need_runtime
  assert_success
}

@test "oci-containerd: ctr run --rm: stdout, stderr apart, the exit status passed through" {
  run --separate-stderr krun --rm "$IMG" t-rm sh -c 'echo out; echo err >&2; exit 3'
  show
  assert_equal "$status" 3
  assert_output out
  assert_equal "$stderr" err
  run krun --rm "$IMG" t-rm true
  assert_success
  assert_output ''
  run k containers ls -q
  assert_success
  assert_output ''
}

@test "oci-containerd: ctr run of a container whose mount cannot be made: the runtime's reason in ctr's error, nothing left" {
  # a filesystem mount of a device that does not exist: the mount fails
  # in the container, before its program (mustela-oci: pivot, in the
  # chain before the start gate; its reason comes back in create's error
  # and --log, which the shim reports, as runc's does)
  run --separate-stderr krun --rm --mount 'type=ext4,src=/dev/nonexistent-mustela,dst=/mnt' "$IMG" t-nomnt true
  show
  assert_failure
  case "$OCI_RT" in
    */mustela-oci) assert_regex "$stderr" 'pivot: mount ext4 on /mnt: No such file or directory' ;;
    *) assert_regex "$stderr" '/dev/nonexistent-mustela.*[Nn]o such file or directory' ;;
  esac
  run k containers ls -q
  assert_output ''
  run find /sys/fs/cgroup/memory/"$NSNAME" -mindepth 1 -type d
  assert_output ''
}

@test "oci-containerd: ctr task exec: a second process in the running task" {
  run krun -d "$IMG" t-exec sleep 600
  assert_success
  wait_for task_running t-exec
  run --separate-stderr k task exec --exec-id e1 t-exec sh -c 'echo in-exec; echo e >&2; exit 4'
  show
  assert_equal "$status" 4
  assert_output in-exec
  assert_equal "$stderr" e
  run k task exec --exec-id e2 t-exec ps -o pid,args
  assert_success
  assert_line --regexp '^ +1 sleep 600$'
  run k task ps t-exec
  assert_success
  assert_line --regexp "^$(task_pid t-exec) "
}

@test "oci-containerd: ctr task kill: the signal reaches the task, its status comes back" {
  krun --rm "$IMG" t-kill sh -c \
    'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done' \
    >"$C/kill.out" 2>&1 3>&- &
  local ctr_pid=$! st=0
  wait_for grep -qx ready "$C/kill.out" || { cat "$C/kill.out"; false; }
  run k task kill -s SIGTERM t-kill
  assert_success
  wait "$ctr_pid" || st=$?
  assert_equal "$st" 7
  run cat "$C/kill.out"
  assert_success
  assert_output $'ready\ngot-term'
  # SIGKILL: the task stops
  run krun -d "$IMG" t-kill9 sleep 600
  assert_success
  wait_for task_running t-kill9
  run k task kill -s SIGKILL t-kill9
  assert_success
  wait_for task_gone t-kill9
  run k task ls
  assert_success
  assert_line --regexp '^t-kill9 +[0-9]+ +STOPPED'
}

@test "oci-containerd: ctr task pause, resume (the freezer)" {
  run krun -d "$IMG" t-pause sleep 600
  assert_success
  wait_for task_running t-pause
  run k task pause t-pause
  assert_success
  run k task ls
  assert_line --regexp '^t-pause +[0-9]+ +PAUSED'
  run cat "/sys/fs/cgroup/freezer/$NSNAME/t-pause/freezer.state"
  assert_output FROZEN
  run k task resume t-pause
  assert_success
  run k task ls
  assert_line --regexp '^t-pause +[0-9]+ +RUNNING'
}

@test "oci-containerd: ctr run -t: a terminal (the console socket)" {
  # ctr -t needs a terminal on its own stdin: script(1) gives it one
  run script -qec "nsenter -t $NS_PID -m -n -- ctr -a $C/containerd.sock -n $NSNAME run --rm -t --runc-binary $OCI_RT $IMG t-tty sh -c 'tty; exit 5'" /dev/null
  assert_failure 5
  assert_output --partial $'/dev/pts/0\r'
}

@test "oci-containerd: the tasks' cgroups are under the namespace's cgroup, removed with them" {
  run krun -d "$IMG" t-cg sleep 600
  assert_success
  wait_for task_running t-cg
  run cat "/proc/$(task_pid t-cg)/cgroup"
  assert_success
  assert_line --regexp "^[0-9]+:memory:/$NSNAME/t-cg$"
  sweep
  run find /sys/fs/cgroup/memory/"$NSNAME" -mindepth 1 -type d
  assert_success
  assert_output ''
}

# A user namespace: ctr run --uidmap/--gidmap (the snapshot chowned into
# the range by ctr), linux.uidMappings through the runtime's ns-enter
@test "oci-containerd: ctr run --uidmap, --gidmap: root inside is 100000 on the host, so is a file it writes to a bind" {
  # the range's root must reach the rootfs (in C/state) and the bind
  chmod 711 "$C"
  mkdir -p "$C/uvol"
  chown 100000:100000 "$C/uvol"
  run krun -d --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
    --mount "type=bind,src=$C/uvol,dst=/v,options=rbind:rw" "$IMG" t-userns \
    sh -c 'id >/v/id; echo x >/v/f; exec sleep 600'
  show
  assert_success
  wait_for test -s "$C/uvol/f"
  run cat "$C/uvol/id"
  assert_output --regexp '^uid=0\(root\) gid=0\(root\)'
  run awk '$1 == "Uid:" || $1 == "Gid:" { print $1, $2, $3, $4, $5 }' "/proc/$(task_pid t-userns)/status"
  assert_output $'Uid: 100000 100000 100000 100000\nGid: 100000 100000 100000 100000'
  run stat -c %u:%g "$C/uvol/f" "$C/uvol/id"
  assert_output $'100000:100000\n100000:100000'
}

@test "oci-containerd: nothing of containerd is left on the host" {
  sweep
  run k images rm "$IMG"
  assert_success
  # the runtime's state (the shim's --root) of every task removed with it
  local rt=$C/host/run/containerd/runc/$NSNAME
  if [ -d "$rt" ]; then
    run find "$rt" -mindepth 1
    assert_output ''
  fi
  # nor anything named after one of the file's tasks in /run (the
  # namespace's: C/host/run)
  run find "$C/host/run" -name 't-*'
  assert_output ''
  ctrd_stop
  ns_stop
  cg_kill_remove "$NSNAME"
  run cg_left "$NSNAME"
  assert_success
  assert_output ''
  run host_snapshot
  assert_success
  assert_output "$(cat "$C/host.before")"
  run pgrep -f -- "$C/"
  assert_failure 1
}

task_running() { # ID: the task ID runs
  k task ls 2>/dev/null | awk -v id="$1" '$1 == id && $3 == "RUNNING" { f = 1 } END { exit !f }'
}

task_pid() { # ID: the host PID of task ID's first process
  k task ls | awk -v id="$1" '$1 == id { print $2 }'
}
