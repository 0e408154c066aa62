#!/usr/bin/env bats
# oci: bin/mustela-oci, the runtime-spec cases the project can check by
# itself (the life cycle, the state, the pid file, the hooks, kill's
# signals, a bad config.json refused with nothing left behind); podman and
# containerd drive it in oci-podman.bats and oci-containerd.bats

load 'lib/common'
load 'lib/oci'

setup() {
  oci_setup 60 "oci-test-$$-$BATS_TEST_NUMBER"
}

teardown() {
  local p
  # what a test started and left (by the pids it recorded)
  for p in "$T"/out/*.pid; do
    [ -e "$p" ] && kill -9 "$(cat "$p")" 2>/dev/null || :
  done
  [ -d "$O" ] && timeout 60 "$TOP/bin/mustela-oci" --root "$O" delete --force "$ID" 2>/dev/null || :
  [ -z "${U-}" ] || rm -rf "$U"
  [ -z "${L-}" ] || losetup -d "$L"
  [ -z "${PROP-}" ] || umount -R "$T/m" "$T/v" 2>/dev/null || :
  container_teardown
}

args() { # WORD...: the container's process.args
  local json='[]' a
  for a; do json=$(jq -c --arg a "$a" '. + [$a]' <<<"$json"); done
  edit ".process.args = $json"
}

create() { # ID: create the container, its output in $T/out (the container
  # keeps its stdio: a pipe of run would stay open)
  "${OCI[@]}" create --bundle "$T/b" "$@" </dev/null >"$T/out/stdout" 2>"$T/out/stderr" ||
    { local s=$?; cat "$T/out/stderr"; return "$s"; }
  cat "$T/out/stderr"
}

quiet() { # COMMAND...: run COMMAND, its stdio elsewhere than run's pipe
  "$@" </dev/null >"$T/out/quiet" 2>&1
}

nothing_left() { # no state directory, no cgroup of the container, no
  # file of minc's for its host name
  assert_not_exist "$O/$ID"
  assert_not_exist "/run/mustela/etc/$ID.hosts"
  run compgen -G "/sys/fs/cgroup/*/mustela-oci-$ID"
  assert_failure
}

@test "oci: --help, --version; an unknown command or option: 125 and why" {
  run -0 "${OCI[@]}" --help
  assert_line --partial 'create --bundle DIR'
  run -0 "${OCI[@]}" --version
  assert_line 'mustela-oci version 0.1'
  assert_line 'spec: 1.0.2'
  run -125 "${OCI[@]}" frobnicate
  assert_output 'mustela-oci: unknown command: frobnicate (see mustela-oci --help)'
  run -125 "${OCI[@]}" --frob list
  assert_output 'mustela-oci: unknown global option: --frob (see mustela-oci --help)'
  run -125 "${OCI[@]}" --systemd-cgroup list
  assert_output 'mustela-oci: --systemd-cgroup: no systemd on this system (use cgroupfs paths)'
  run -125 "${OCI[@]}" state 'a/b'
  assert_output "mustela-oci: invalid container ID: 'a/b'"
}

@test "oci: the life cycle: created, running, stopped; the state's fields; the pid file" {
  edit '.annotations = {"org.example.k": "v"}'
  args sh -c 'echo $$ >/tmp/ran; exec sleep 1000'
  run -0 create --pid-file "$T/pid" "$ID"
  assert_output ''
  status_is created
  local pid
  pid=$(jq -r .pid <<<"$output")
  assert_equal "$(cat "$T/pid")" "$pid"
  assert_equal "$(jq -r .ociVersion <<<"$output")" 1.0.2
  assert_equal "$(jq -r .id <<<"$output")" "$ID"
  assert_equal "$(jq -r .bundle <<<"$output")" "$T/b"
  assert_equal "$(jq -c .annotations <<<"$output")" '{"org.example.k":"v"}'
  # parked at the gate: in its namespaces, its program not started
  assert_not_exist "$T/out/ran"
  assert [ "$(readlink /proc/"$pid"/ns/pid)" != "$(readlink /proc/self/ns/pid)" ]
  run -0 "${OCI[@]}" start "$ID"
  wait_for test -e "$T/out/ran"
  # its pid 1, the program itself
  assert_equal "$(cat "$T/out/ran")" 1
  status_is running
  run -0 "${OCI[@]}" list
  assert_line --regexp "^$ID +$pid +running +$T/b "
  run -0 "${OCI[@]}" kill "$ID" KILL
  local _
  for _ in $(seq 100); do
    [ "$(jq -r .status <<<"$("${OCI[@]}" state "$ID")")" = stopped ] && break
    sleep 0.1
  done
  status_is stopped
  assert_equal "$(jq -r .pid <<<"$output")" 0
  run -0 "${OCI[@]}" delete "$ID"
  nothing_left
  run -125 "${OCI[@]}" state "$ID"
  assert_output "mustela-oci: container $ID does not exist"
}

@test "oci: start of a running or stopped container is an error; delete of a running one needs --force" {
  args sleep 1000
  run -0 create "$ID"
  run -0 "${OCI[@]}" start "$ID"
  run -125 "${OCI[@]}" start "$ID"
  assert_output "mustela-oci: cannot start an already running container: $ID"
  run -125 "${OCI[@]}" delete "$ID"
  assert_output "mustela-oci: cannot delete container $ID that is not stopped: running (use --force)"
  status_is running
  local pid
  pid=$(jq -r .pid <<<"$output")
  run -0 "${OCI[@]}" delete --force "$ID"
  nothing_left
  # killed (reaped by whoever its parent is now: a moment)
  for _ in $(seq 100); do [ -e "/proc/$pid" ] || break; sleep 0.1; done
  assert_not_exist "/proc/$pid"
  # gone already: --force is quiet, without it the shims' words
  run -0 "${OCI[@]}" delete --force "$ID"
  run -125 "${OCI[@]}" delete "$ID"
  assert_output "mustela-oci: container $ID does not exist"
  run -125 "${OCI[@]}" kill "$ID" KILL
  assert_output "mustela-oci: container $ID does not exist"
}

@test "oci: kill: signal names with and without SIG, in any case, and numbers; a stopped one: container not running" {
  args sh -c 'for s in USR1 USR2 HUP TERM; do trap "echo $s >>/tmp/got" $s; done
    echo $$ >/tmp/ready; while :; do sleep 0.1; done'
  run -0 create "$ID"
  run -0 "${OCI[@]}" start "$ID"
  wait_for test -e "$T/out/ready"
  local s n=0
  for s in USR1 SIGUSR2 sighup 15; do
    run -0 "${OCI[@]}" kill "$ID" "$s"
    n=$((n + 1))
    for _ in $(seq 100); do [ "$(wc -l <"$T/out/got" 2>/dev/null)" = "$n" ] && break; sleep 0.1; done
  done
  assert_equal "$(cat "$T/out/got")" $'USR1\nUSR2\nHUP\nTERM'
  run -125 "${OCI[@]}" kill "$ID" SIGFOO
  assert_output 'mustela-oci: unknown signal: SIGFOO'
  run -125 "${OCI[@]}" kill "$ID" 65
  assert_output 'mustela-oci: unknown signal: 65'
  run -0 "${OCI[@]}" kill "$ID" 9
  for _ in $(seq 100); do
    [ "$(jq -r .status <<<"$("${OCI[@]}" state "$ID")")" = stopped ] && break
    sleep 0.1
  done
  run -125 "${OCI[@]}" kill "$ID" KILL
  assert_output "mustela-oci: kill $ID: container not running"
}

@test "oci: the hooks run in order, with the state on stdin; a hook past its timeout fails create" {
  local k hooks='{}'
  for k in prestart createRuntime poststart poststop; do
    hooks=$(jq -c --arg k "$k" --arg t "$T/out" \
      '.[$k] = [{path: "/bin/sh", args: ["sh", "-c", "s=$(cat); echo \"$0 ${s}\" >>\"$1/hooks\"", $k, $t]}]' <<<"$hooks")
  done
  # in the container's namespaces (its /bin/sh, its /tmp)
  for k in createContainer startContainer; do
    hooks=$(jq -c --arg k "$k" \
      '.[$k] = [{path: "/bin/sh", args: ["sh", "-c", "s=$(cat); echo \"$0 $(hostname) ${s}\" >>/tmp/hooks", $k]}]' <<<"$hooks")
  done
  edit ".hooks = $hooks"
  args true
  run -0 create "$ID"
  run -0 "${OCI[@]}" start "$ID"
  for _ in $(seq 100); do
    [ "$(jq -r .status <<<"$("${OCI[@]}" state "$ID")")" = stopped ] && break
    sleep 0.1
  done
  run -0 "${OCI[@]}" delete "$ID"
  run -0 cut -d ' ' -f 1 "$T/out/hooks"
  assert_output $'prestart\ncreateRuntime\ncreateContainer\nstartContainer\npoststart\npoststop'
  # the state: created before start, stopped at poststop; the container's
  # own host name inside it
  run -0 sed -n '1s/^prestart //p' "$T/out/hooks"
  assert_equal "$(jq -r .status,.id <<<"$output")" $'created\n'"$ID"
  run -0 grep "^createContainer $ID {" "$T/out/hooks"
  run -0 sed -n 's/^poststop //p' "$T/out/hooks"
  assert_equal "$(jq -r .status <<<"$output")" stopped

  # a hook that outlives its timeout: killed, create fails, nothing left
  edit '.hooks = {"createRuntime": [{"path": "/bin/sleep", "args": ["sleep", "100"], "timeout": 1}]}'
  run -125 create "$ID"
  assert_output 'mustela-oci: createRuntime hook /bin/sleep: still running after its timeout of 1 s (killed)'
  nothing_left
}

@test "oci: a bad config.json is refused at create, nothing left behind" {
  args true
  cp "$T/b/config.json" "$T/good.json"
  printf '{"ociVersion": "1.0.2", "process": ' >"$T/b/config.json"
  run -125 create "$ID"
  assert_output --partial "mustela-oci: $T/b/config.json: not a valid config.json: parse error: Unfinished JSON term"
  nothing_left

  cp "$T/good.json" "$T/b/config.json"
  edit ".root.path = \"$T/nowhere\""
  run -125 create "$ID"
  assert_output "mustela-oci: root.path $T/nowhere: No such directory"
  nothing_left

  cp "$T/good.json" "$T/b/config.json"
  edit '.linux.namespaces += [{"type": "bogus"}]'
  run -125 create "$ID"
  assert_output 'mustela-oci: linux.namespaces: unknown namespace type: bogus'
  nothing_left

  # a mount whose destination leads out of the root through a symlink
  # (pivot resolves it in the new root; an absolute link stays in it)
  mkdir -p "$T/r"
  cp -a "$R/." "$T/r/"
  ln -s ../../../../../.. "$T/r/etc/up"
  cp "$T/good.json" "$T/b/config.json"
  edit ".root.path = \"$T/r\" | .mounts += [{destination: \"/etc/up/tmp\", type: \"bind\", source: \"$T/out\"}]"
  run -125 create "$ID"
  assert_output --regexp "^mustela-oci: create $ID: the container ended before its start gate: pivot: mount bind on /etc/up/tmp: leads out of the root"
  assert_equal "${#lines[@]}" 1
  nothing_left
  assert_not_exist /tmp/tmp

  # the LSM labels: this kernel runs neither AppArmor nor SELinux
  cp "$T/good.json" "$T/b/config.json"
  edit '.process.apparmorProfile = "docker-default"'
  run -125 create "$ID"
  assert_output --partial 'mustela-oci: process.apparmorProfile docker-default: '
  nothing_left

  # an ID already in use
  cp "$T/good.json" "$T/b/config.json"
  edit '.process.args = ["sleep", "1000"]'
  run -0 create "$ID"
  run -125 create "$ID"
  assert_output "mustela-oci: container $ID already exists"
  status_is created
}

@test "oci: a container killed by SIGKILL, a create killed by SIGKILL: nothing left" {
  args sleep 1000
  run -0 create "$ID"
  run -0 "${OCI[@]}" start "$ID"
  status_is running
  kill -9 "$(jq -r .pid <<<"$output")"
  for _ in $(seq 100); do
    [ "$(jq -r .status <<<"$("${OCI[@]}" state "$ID")")" = stopped ] && break
    sleep 0.1
  done
  status_is stopped
  run -0 "${OCI[@]}" delete "$ID"
  nothing_left

  # create killed while a hook runs: the next create sweeps what it left
  edit ".hooks = {\"prestart\": [{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", \"echo \$\$ >$T/out/hook.pid; exec sleep 1000\"]}]}"
  "$TOP/bin/mustela-oci" --root "$O" create --bundle "$T/b" "$ID" </dev/null >/dev/null 2>&1 &
  local create=$!
  wait_for test -e "$T/out/hook.pid"
  assert_exist "$O/$ID"
  kill -9 "$create"
  wait "$create" || :
  edit 'del(.hooks)'
  run -0 create "$ID-2"
  nothing_left
  run -0 "${OCI[@]}" delete --force "$ID-2"
  run compgen -G "/sys/fs/cgroup/*/mustela-oci-$ID-2"
  assert_failure
}

@test "oci: exec: a process in the container, its status passed through; ps lists both" {
  args sleep 1000
  run -0 create "$ID"
  run -0 "${OCI[@]}" start "$ID"
  run -3 "${OCI[@]}" exec "$ID" sh -c 'hostname; cat /proc/1/cmdline | tr "\0" " "; echo; exit 3'
  assert_output "$ID"$'\nsleep 1000 '
  run -0 "${OCI[@]}" exec --cwd /etc --env FOO=bar --user 1000:1000 "$ID" sh -c 'pwd; echo $FOO; id -u; grep CapEff /proc/self/status'
  # a user other than root keeps only the ambient set across execve, and
  # the spec's ambient capabilities are not inheritable: none (as runc)
  assert_output $'/etc\nbar\n1000\nCapEff:\t0000000000000000'
  run -0 quiet "${OCI[@]}" exec --detach --pid-file "$T/xpid" "$ID" sleep 1000
  local xpid
  xpid=$(cat "$T/xpid")
  run -0 "${OCI[@]}" ps --format json "$ID"
  assert_equal "$(jq -c 'length' <<<"$output")" 2
  assert_equal "$(jq -r ".[] | select(. == $xpid)" <<<"$output")" "$xpid"
  run -0 "${OCI[@]}" kill --all "$ID" KILL
  run -0 "${OCI[@]}" delete --force "$ID"
  nothing_left
}

@test "oci: the config's limits, capabilities and seccomp profile; update; pause and resume" {
  edit '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
  edit '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
  edit '.process.capabilities.effective = ["CAP_KILL"] | .process.capabilities.inheritable = ["CAP_KILL"]'
  args sh -c 'grep -E "^Cap(Eff|Prm|Inh|Bnd|Amb):" /proc/self/status >/tmp/caps; mkdir /tmp/x; echo $? >/tmp/mkdir; exec sleep 1000'
  run -0 create "$ID"
  assert_equal "$(cat /sys/fs/cgroup/memory/mustela-oci-"$ID"/memory.limit_in_bytes)" 67108864
  assert_equal "$(cat /sys/fs/cgroup/pids/mustela-oci-"$ID"/pids.max)" 20
  run -0 "${OCI[@]}" start "$ID"
  wait_for test -e "$T/out/mkdir"
  assert_equal "$(cat "$T/out/mkdir")" 1
  # the sets as given: kill (5) alone inheritable and ambient (in both);
  # audit_write (29), kill, net_bind_service (10) permitted and bounding;
  # effective: root's execve makes it the permitted set (capabilities(7))
  assert_equal "$(cat "$T/out/caps")" "$(printf 'CapInh:\t%016x\nCapPrm:\t%016x\nCapEff:\t%016x\nCapBnd:\t%016x\nCapAmb:\t%016x' 32 $((0x20000420)) $((0x20000420)) $((0x20000420)) 32)"
  # update: the limits cg-attach sets, on the running container
  run -0 bash -c 'echo "{\"memory\": {\"limit\": 33554432}, \"pids\": {\"limit\": 30}}" | "$@" update --resources - "$0"' "$ID" "${OCI[@]}"
  assert_equal "$(cat /sys/fs/cgroup/memory/mustela-oci-"$ID"/memory.limit_in_bytes)" 33554432
  assert_equal "$(cat /sys/fs/cgroup/pids/mustela-oci-"$ID"/pids.max)" 30
  run -125 "${OCI[@]}" update --resources - "$ID" <<<'{"devices": [{"allow": false, "access": "rwm"}]}'
  assert_output "mustela-oci: update: linux.resources.devices: cannot change (the device rules are set at create)"
  run -0 "${OCI[@]}" pause "$ID"
  status_is paused
  run -125 "${OCI[@]}" pause "$ID"
  assert_output "mustela-oci: pause $ID: container already paused"
  run -0 "${OCI[@]}" resume "$ID"
  status_is running
  run -0 "${OCI[@]}" delete --force "$ID"
  nothing_left
}

@test "oci: --log-format json: the error line the shims read back" {
  run -125 "${OCI[@]}" --log "$T/log" --log-format json state nosuch
  assert_output 'mustela-oci: container nosuch does not exist'
  run -0 jq -r '.level, .msg' "$T/log"
  assert_output $'error\ncontainer nosuch does not exist'
  run -0 jq -r '.time' "$T/log"
  assert_output --regexp '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z$'
  run -125 "${OCI[@]}" --log-format yaml list
  assert_output 'mustela-oci: --log-format yaml: not text or json'
}

no_process_of() { # DIR: no process has a file under DIR open
  local f
  for f in /proc/[0-9]*/fd/*; do
    case "$(readlink "$f" 2>/dev/null)" in "$1"/*) echo "left: $f" >&2; return 1 ;; esac
  done
}

@test "oci: a chain that fails before the gate: its helper's reason is create's error, on stderr and in --log; nothing left" {
  cp "$T/b/config.json" "$T/good.json"
  # a filesystem mount of a device that does not exist: pivot's mount(2)
  # fails in the container's mount namespace (runc reports it in its error);
  # on /home, which the shared rootfs has (a missing one would be made in
  # it, and other files' listings of / would change)
  edit '.mounts += [{destination: "/home", type: "ext4", source: "/dev/nonexistent-mustela"}]'
  run -125 create "$ID"
  assert_output "mustela-oci: create $ID: the container ended before its start gate: pivot: mount ext4 on /home: No such file or directory"
  nothing_left
  no_process_of "$O"
  # the shims read the --log file: the same reason, in JSON and in text
  run -125 "${OCI[@]}" --log "$T/log" --log-format json create --bundle "$T/b" "$ID"
  run -0 jq -r '.level, .msg' "$T/log"
  assert_output $'error\ncreate '"$ID"': the container ended before its start gate: pivot: mount ext4 on /home: No such file or directory'
  nothing_left
  run -125 "${OCI[@]}" --log "$T/log.txt" create --bundle "$T/b" "$ID"
  run -0 cat "$T/log.txt"
  assert_output --regexp "^[0-9T:.-]+Z error: create $ID: the container ended before its start gate: pivot: mount ext4 on /home: No such file or directory\$"
  nothing_left
  # a working directory that does not exist, under run: the same
  cp "$T/good.json" "$T/b/config.json"
  edit '.process.cwd = "/nonexistent"'
  run -125 quiet "${OCI[@]}" --log "$T/log.run" run --bundle "$T/b" "$ID"
  run -0 cat "$T/out/quiet"
  assert_output --partial "mustela-oci: create $ID: the container ended before its start gate: pivot: chdir /nonexistent: No such file or directory"
  run -0 cat "$T/log.run"
  assert_output --partial "error: create $ID: the container ended before its start gate: pivot: chdir /nonexistent: No such file or directory"
  nothing_left
  no_process_of "$O"
}

@test "oci: the program's stderr is the engine's, and it has no other descriptor than its stdio" {
  args sh -c 'echo to-stderr >&2; ls /proc/self/fd >/tmp/fds'
  "${OCI[@]}" run --bundle "$T/b" "$ID" </dev/null >"$T/o1" 2>"$T/e1"
  assert_equal "$(cat "$T/e1")" to-stderr
  run -0 cat "$T/out/fds"
  # 0 1 2, and ls's own directory
  assert_equal "$(sort -n "$T/out/fds" | head -3 | tr '\n' ' ')" '0 1 2 '
  assert_equal "$(wc -l <"$T/out/fds")" 4
  run -0 create "$ID"
  assert_output ''
  run -0 "${OCI[@]}" start "$ID"
  wait_for grep -q to-stderr "$T/out/stderr"
  run -0 cat "$T/out/stderr"
  assert_output to-stderr
  assert_equal "$(wc -l <"$T/out/fds")" 4
}

@test "oci: a user namespace (linux.uidMappings): its root is a range's id on the host, with the config's capabilities" {
  edit '.linux.namespaces += [{type: "user"}] | .linux.uidMappings = [{containerID: 0, hostID: 200000, size: 65536}] | .linux.gidMappings = [{containerID: 0, hostID: 200000, size: 65536}]'
  args sh -c 'id -u; id -g; cat /proc/self/uid_map; grep ^CapEff /proc/self/status; ls /sys/fs/cgroup/pids/pids.max'
  # a rootfs the range's root can reach (the tests' rootfs is below a
  # directory of root's alone)
  U=$(mktemp -d /tmp/mustela-oci-userns.XXXXXX)
  chmod 755 "$U"
  cp -a "$R" "$U/rootfs"
  edit ".root.path = \"$U/rootfs\" | .mounts |= map(select(.destination != \"/tmp\"))"
  run -0 --separate-stderr "${OCI[@]}" run --bundle "$T/b" "$ID"
  assert_line --index 0 0
  assert_line --index 1 0
  assert_line --index 2 --regexp '^ +0 +200000 +65536$'
  assert_line --index 3 --regexp $'^CapEff:\t0*[1-9a-f][0-9a-f]*$'
  # the cgroup v1 hierarchies: the container's own directories, bound
  # (no cgroup namespace: the kernel refuses a new v1 mount)
  assert_line --index 4 /sys/fs/cgroup/pids/pids.max
  nothing_left
}

@test "oci: spec writes a config.json that create takes; features is JSON" {
  run -125 "${OCI[@]}" spec --bundle "$T/b"
  assert_output "mustela-oci: spec: $T/b/config.json already exists"
  run -0 "${OCI[@]}" features
  assert_equal "$(jq -r '.linux.namespaces | length' <<<"$output")" 8
  assert_equal "$(jq -r '.linux.cgroup.systemd' <<<"$output")" false
  # run: create, start, wait, delete; a newline in an argument and in a
  # variable of the environment
  edit '.process.env += ["X=l1\nl2"]'
  args sh -c 'echo out
echo "$X"; echo err >&2; exit 7'
  run -7 --separate-stderr "${OCI[@]}" run --bundle "$T/b" "$ID"
  assert_output $'out\nl1\nl2'
  assert_equal "$stderr" err
  nothing_left
}

@test "oci: bash completion: the commands of bin/mustela-oci, their options, the containers' IDs" {
  local c=$TOP/share/bash-completion/mustela-oci cmds
  # the arms of the command dispatch, less "*)"
  cmds=$(sed -n '/^case "\$cmd" in/,/^esac/p' "$TOP/bin/mustela-oci" |
    sed -n 's/^  \([a-z]*\)).*/\1/p' | LC_ALL=C sort)
  assert [ -n "$cmds" ]
  run -0 bash -c '. "$0"; COMP_WORDS=(mustela-oci ""); COMP_CWORD=1; _mustela_oci; printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' "$c"
  assert_output "$cmds"
  run -0 bash -c '. "$0"; COMP_WORDS=(mustela-oci delete --f); COMP_CWORD=2; _mustela_oci; printf "%s\n" "${COMPREPLY[@]}"' "$c"
  assert_output '--force'
  mkdir -p "$O/c-one" "$O/c-two"
  run -0 bash -c '. "$0"; COMP_WORDS=(mustela-oci --root "$1" state c-); COMP_CWORD=4; _mustela_oci; printf "%s\n" "${COMPREPLY[@]}" | LC_ALL=C sort' "$c" "$O"
  assert_output $'c-one\nc-two'
  rmdir "$O/c-one" "$O/c-two"
}

# Mount propagation (rootfsPropagation, a bind's own options). The host's
# / may be private: the rootfs (a copy the test owns) and the bind sources
# are on shared tmpfs mounts of the test's, $T/m and $T/v (teardown
# unmounts them, and what the tests mounted below).
prop_setup() {
  PROP=1
  mkdir -p "$T/m" "$T/v"
  mount -t tmpfs prop "$T/m"
  mount --make-shared "$T/m"
  mount -t tmpfs vol "$T/v"
  mount --make-shared "$T/v"
  cp -a "$R" "$T/m/rootfs"
  mkdir -p "$T/m/rootfs/mnt/x" "$T/v/x"
  edit ".root.path = \"$T/m/rootfs\""
}

@test "oci: propagation: a host mount made after start under the rootfs or a bind source shows with rslave (the default), not with private; a bind's rprivate" {
  prop_setup
  edit ".mounts += [{destination: \"/vol1\", type: \"bind\", source: \"$T/v\", options: [\"rbind\", \"rslave\"]}, {destination: \"/vol2\", type: \"bind\", source: \"$T/v\", options: [\"rbind\", \"rprivate\"]}]"
  # the container waits for the host's mounts (/tmp is $T/out), then
  # reads through them
  args sh -c 'touch /tmp/started; until [ -e /tmp/go ]; do sleep 0.1; done
for f in /mnt/x/f /vol1/x/f /vol2/x/f; do cat "$f" 2>/dev/null || echo "$f none"; done'
  local m pid s
  for m in default rslave private; do
    [ "$m" = default ] || edit ".linux.rootfsPropagation = \"$m\""
    rm -f "$T/out/started" "$T/out/go"
    "${OCI[@]}" run --bundle "$T/b" "$ID" </dev/null >"$T/out/$m" 2>&1 &
    pid=$!
    wait_for test -e "$T/out/started"
    mount -t tmpfs x "$T/m/rootfs/mnt/x"
    mount -t tmpfs x "$T/v/x"
    echo host >"$T/m/rootfs/mnt/x/f"
    echo host >"$T/v/x/f"
    touch "$T/out/go"
    s=0
    wait "$pid" || s=$?
    umount "$T/m/rootfs/mnt/x" "$T/v/x"
    assert_equal "$m: $s" "$m: 0"
  done
  run -0 cat "$T/out/default"
  assert_output $'host\nhost\n/vol2/x/f none'
  run -0 cat "$T/out/rslave"
  assert_output $'host\nhost\n/vol2/x/f none'
  run -0 cat "$T/out/private"
  assert_output $'/mnt/x/f none\n/vol1/x/f none\n/vol2/x/f none'
  nothing_left
}

@test "oci: propagation: rshared: a mount made inside under an rshared bind shows on the host; rprivate: not" {
  prop_setup
  edit ".linux.rootfsPropagation = \"rshared\" | .process.capabilities |= map_values(. + [\"CAP_SYS_ADMIN\"])"
  args sh -c 'mount -t tmpfs inside /vol/x && echo inside >/vol/x/f && cat /vol/x/f'
  local o
  for o in rshared rprivate; do
    edit "(.mounts |= map(select(.destination != \"/vol\"))) | .mounts += [{destination: \"/vol\", type: \"bind\", source: \"$T/v\", options: [\"rbind\", \"$o\"]}]"
    run -0 "${OCI[@]}" run --bundle "$T/b" "$ID" </dev/null
    assert_output inside
    if [ "$o" = rshared ]; then
      run -0 cat "$T/v/x/f"
      assert_output inside
      run -0 findmnt -no FSTYPE,SOURCE "$T/v/x"
      assert_output 'tmpfs  inside'
      umount "$T/v/x"
    else
      assert_not_exist "$T/v/x/f"
      run -1 findmnt "$T/v/x"
    fi
  done
  nothing_left
}

# start-gate's steps (issue 13): the environment, the limits, the working
# directory and the creation time, with no process of the shell's
@test "oci: exec: an --env value or a --process env value holding a newline is one variable" {
  args sleep 1000
  create "$ID"
  quiet "${OCI[@]}" start "$ID"
  run -0 "${OCI[@]}" exec --env $'MSG=line 1\nline 2' --env E= "$ID" \
    sh -c 'printf "[%s] [%s]" "$MSG" "$E"'
  assert_output $'[line 1\nline 2] []'
  # the program's whole environment as it was given (/proc/self/environ,
  # the variables separated by |): the config's, then --env's
  "${OCI[@]}" exec --env $'MSG=line 1\nline 2' --env E= "$ID" \
    cat /proc/self/environ >"$T/environ"
  run -0 tr '\0' '|' <"$T/environ"
  assert_output $'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin|TERM=xterm|MSG=line 1\nline 2|E=|'
  jq -n '{args: ["cat", "/proc/self/environ"], cwd: "/",
    env: ["MSG=a\nb", "PATH=/bin"], user: {uid: 0, gid: 0}}' >"$T/p.json"
  "${OCI[@]}" exec --process "$T/p.json" "$ID" >"$T/environ"
  run -0 tr '\0' '|' <"$T/environ"
  assert_output $'MSG=a\nb|PATH=/bin|'
  # a word that is no variable: start-gate says so, nothing runs
  run -125 "${OCI[@]}" exec --env NOEQUALS "$ID" touch /tmp/ran
  assert_output 'start-gate: env NOEQUALS: not NAME=VALUE'
  assert_not_exist "$T/out/ran"
}

@test "oci: exec --cwd in a container without /bin/sh; a missing directory is start-gate's error" {
  # a tree of one static program (busybox under another name: its
  # applets by argument), no sh
  mkdir -p "$T/tiny/proc" "$T/tiny/dev" "$T/tiny/sys" "$T/tiny/tmp" "$T/tiny/data/sub"
  cp "$(command -v busybox)" "$T/tiny/busybox-static"
  edit ".root.path = \"$T/tiny\" | .root.readonly = false | .process.env = [\"PATH=/\"]"
  args /busybox-static sleep 1000
  create "$ID"
  quiet "${OCI[@]}" start "$ID"
  assert_not_exist "$T/tiny/bin/sh"
  run -0 "${OCI[@]}" exec --cwd /data/sub "$ID" /busybox-static pwd
  assert_output '/data/sub'
  # the process file's cwd too
  jq -n '{args: ["/busybox-static", "pwd"], cwd: "/data", env: ["PATH=/"], user: {uid: 0, gid: 0}}' >"$T/p.json"
  run -0 "${OCI[@]}" exec --process "$T/p.json" "$ID"
  assert_output '/data'
  run -125 "${OCI[@]}" exec --cwd /nonexistent "$ID" /busybox-static pwd
  assert_output 'start-gate: chdir /nonexistent: No such file or directory'
  # the config's cwd is the first process's (pivot) and exec's default
  run -0 "${OCI[@]}" exec "$ID" /busybox-static pwd
  assert_output '/'
}

@test "oci: process.rlimits are seen inside, by the first process and by exec" {
  edit '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 100, hard: 200},
    {type: "RLIMIT_CORE", soft: 0, hard: 1048576},
    {type: "RLIMIT_MSGQUEUE", soft: 4096, hard: 8192}]'
  args sh -c 'cat /proc/self/limits >/tmp/limits; exec sleep 1000'
  create "$ID"
  quiet "${OCI[@]}" start "$ID"
  wait_for test -s "$T/out/limits"
  run -0 cat "$T/out/limits"
  assert_line --regexp '^Max open files +100 +200 +files'
  assert_line --regexp '^Max core file size +0 +1048576 +bytes'
  assert_line --regexp '^Max msgqueue size +4096 +8192 +bytes'
  run -0 "${OCI[@]}" exec "$ID" cat /proc/self/limits
  assert_line --regexp '^Max open files +100 +200 +files'
  assert_line --regexp '^Max msgqueue size +4096 +8192 +bytes'
  # the limits are the program's: the runtime's own are not changed
  run -0 grep '^Max open files' /proc/self/limits
  refute_output --regexp 'files +100 +200 +files'
}

@test "oci: the created time in state is the time of create, and stays" {
  args sleep 1000
  local before after created
  before=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  create "$ID"
  after=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  run -0 "${OCI[@]}" state "$ID"
  created=$(jq -r .created <<<"$output")
  assert_regex "$created" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}Z$'
  # RFC 3339 strings of one format compare as times
  [[ ! "$created" < "$before" ]]
  [[ ! "$created" > "$after" ]]
  sleep 0.1
  quiet "${OCI[@]}" start "$ID"
  run -0 "${OCI[@]}" state "$ID"
  assert_equal "$(jq -r .created,.status <<<"$output")" "$created"$'\nrunning'
}

@test "oci: a hard limit above the runtime's own is raised by the runtime as root, not refused at the gate" {
  # (a raise needs CAP_SYS_RESOURCE in the initial user namespace: a VM
  # or a container without it cannot make one, runc neither)
  local eff
  eff=$(awk '/^CapEff/ { print $2 }' /proc/self/status)
  (( (16#$eff >> 24) & 1 )) || skip "no CAP_SYS_RESOURCE here: no hard limit can be raised"
  edit '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 3000, hard: 3000}]'
  args sh -c 'grep "^Max open files" /proc/self/limits >/tmp/limits'
  # the runtime's own hard limit below the config's
  run -0 bash -c 'ulimit -Hn 2000 && ulimit -Sn 1000 && exec "$@" </dev/null' _ \
    "${OCI[@]}" run --bundle "$T/b" "$ID"
  run -0 cat "$T/out/limits"
  assert_output --regexp 'files +3000 +3000 +files'
}

# loop_device: a 64M loop device on a file of the test's (detached by
# teardown); sets L, and LMAJ and LMIN to its numbers
loop_device() {
  truncate -s 64M "$T/disk"
  L=$(losetup -f --show "$T/disk")
  LMAJ=$(($(stat -c 0x%t "$L"))) LMIN=$(($(stat -c 0x%T "$L")))
}

@test "oci: linux.resources beyond memory, cpu and pids act through cg-attach: reservation, swappiness, the OOM killer, I/O throttles, hugepages, unified; update" {
  loop_device
  local d="major: $LMAJ, minor: $LMIN" m=/sys/fs/cgroup/memory/mustela-oci-$ID
  local b=/sys/fs/cgroup/blkio/mustela-oci-$ID u=/sys/fs/cgroup/unified/mustela-oci-$ID
  edit ".linux.resources = {memory: {limit: 67108864, reservation: 33554432, swappiness: 10, disableOOMKiller: true, useHierarchy: true}, blockIO: {throttleReadBpsDevice: [{$d, rate: 1048576}], throttleWriteBpsDevice: [{$d, rate: 2097152}], throttleReadIOPSDevice: [{$d, rate: 100}], throttleWriteIOPSDevice: [{$d, rate: 50}]}, hugepageLimits: [{pageSize: \"2MB\", limit: 4194304}], unified: {\"cgroup.max.descendants\": \"5\"}, cpu: {realtimeRuntime: 0, idle: 0}}"
  args sleep 1000
  run -0 create "$ID"
  run -0 "${OCI[@]}" start "$ID"
  status_is running
  local pid
  pid=$(jq -r .pid <<<"$output")
  # the container's process in the cgroup, in the v1 hierarchies and in
  # this hybrid layout's cgroup2 one (where hugetlb is)
  run -0 grep -E "^[0-9]+:(blkio|memory|):/mustela-oci-$ID\$" "/proc/$pid/cgroup"
  assert_equal "${#lines[@]}" 3
  assert_equal "$(cat "$m/memory.soft_limit_in_bytes")" 33554432
  assert_equal "$(cat "$m/memory.swappiness")" 10
  assert_equal "$(grep oom_kill_disable "$m/memory.oom_control")" 'oom_kill_disable 1'
  run -0 cat "$b"/blkio.throttle.{read_bps,write_bps,read_iops,write_iops}_device
  assert_output "$LMAJ:$LMIN 1048576"$'\n'"$LMAJ:$LMIN 2097152"$'\n'"$LMAJ:$LMIN 100"$'\n'"$LMAJ:$LMIN 50"
  assert_equal "$(cat "$u/hugetlb.2MB.max")" 4194304
  assert_equal "$(cat "$u/cgroup.max.descendants")" 5
  # update: the same keys on the running container (a rate of 0 lifts it)
  run -0 "${OCI[@]}" update --resources - "$ID" <<<"{\"memory\": {\"reservation\": 16777216}, \"blockIO\": {\"throttleReadBpsDevice\": [{\"major\": $LMAJ, \"minor\": $LMIN, \"rate\": 0}]}, \"hugepageLimits\": [{\"pageSize\": \"2MB\", \"limit\": 2097152}], \"unified\": {\"cgroup.max.descendants\": \"7\"}}"
  assert_equal "$(cat "$m/memory.soft_limit_in_bytes")" 16777216
  assert_equal "$(cat "$b/blkio.throttle.read_bps_device")" ''
  assert_equal "$(cat "$u/hugetlb.2MB.max")" 2097152
  assert_equal "$(cat "$u/cgroup.max.descendants")" 7
  run -125 "${OCI[@]}" update --resources - "$ID" <<<'{"network": {"classID": 1}}'
  assert_output 'mustela-oci: linux.resources.network.classID: not supported: cg-attach has no net_cls controller (cgroup v1 only)'
  run -125 "${OCI[@]}" update --resources - "$ID" <<<'{"cpu": {"burst": 1000}}'
  assert_output 'mustela-oci: linux.resources.cpu.burst: not supported: unknown to mustela-oci'
  assert_equal "$(cat "$u/hugetlb.2MB.max")" 2097152
  run -0 "${OCI[@]}" delete --force "$ID"
  nothing_left
}

@test "oci: linux.resources it cannot act on are refused at create, by name and why, nothing left" {
  args true
  cp "$T/b/config.json" "$T/good.json"
  local c edit want r=linux.resources
  for c in \
    ".memory.kernel = 1048576|$r.memory.kernel: not supported: kernel memory limits are deprecated (cgroup v1 only; the memory limit counts kernel memory)" \
    ".memory.kernelTCP = 1048576|$r.memory.kernelTCP: not supported: kernel memory limits are deprecated (cgroup v1 only; the memory limit counts TCP buffers)" \
    ".memory.useHierarchy = false|$r.memory.useHierarchy false: not supported: the kernel's memory cgroups are always hierarchical" \
    ".cpu.realtimeRuntime = 950000|$r.cpu.realtimeRuntime: not supported: cg-attach gives no realtime budget" \
    ".cpu.realtimePeriod = 1000000|$r.cpu.realtimePeriod: not supported: cg-attach gives no realtime budget" \
    ".cpu.idle = 1|$r.cpu.idle: not supported: cg-attach sets no cpu.idle (on cgroup v2, $r.unified can)" \
    ".blockIO.leafWeight = 300|$r.blockIO.leafWeight: not supported: no kernel has had a leaf weight since CFQ was removed (Linux 5.0)" \
    ".blockIO.weightDevice = [{major: 7, minor: 0, weight: 200, leafWeight: 100}]|$r.blockIO.leafWeight: not supported: no kernel has had a leaf weight since CFQ was removed (Linux 5.0)" \
    ".network.classID = 1048577|$r.network.classID: not supported: cg-attach has no net_cls controller (cgroup v1 only)" \
    ".network.priorities = [{name: \"eth0\", priority: 5}]|$r.network.priorities: not supported: cg-attach has no net_prio controller (cgroup v1 only)" \
    ".rdma = {mlx5_1: {hcaHandles: 3, hcaObjects: 10000}}|$r.rdma: not supported: cg-attach has no rdma controller" \
    ".cpu.burst = 1000|$r.cpu.burst: not supported: unknown to mustela-oci" \
    ".memory.checkBeforeUpdate = true|$r.memory.checkBeforeUpdate: not supported: unknown to mustela-oci" \
    ".bogus = 1|$r.bogus: not supported: unknown to mustela-oci"; do
    edit=${c%%|*} want=${c#*|}
    cp "$T/good.json" "$T/b/config.json"
    edit ".linux.resources |= (. // {} | $edit)"
    run -125 create "$ID"
    assert_output "mustela-oci: $want"
    nothing_left
  done
  # what this kernel lacks, cg-attach names in the chain, in create's
  # error (a block I/O weight needs CFQ, gone, or BFQ; a page size; a v1
  # controller through the hybrid layout's cgroup2 hierarchy)
  for c in \
    ".blockIO.weight = 500|cg-attach: --blkio-weight 500: no blkio.weight or blkio.bfq.weight in /sys/fs/cgroup/blkio/mustela-oci-$ID (no CFQ since Linux 5.0, and no BFQ I/O scheduler loaded)" \
    ".hugepageLimits = [{pageSize: \"3MB\", limit: 4194304}]|cg-attach: --hugetlb 3MB:4194304: no 3MB huge pages here (no hugetlb.3MB.max in /sys/fs/cgroup/unified/mustela-oci-$ID)" \
    ".unified = {\"memory.high\": \"64M\"}|cg-attach: --unified memory.high=64M: no memory controller in the cgroup v2 hierarchy /sys/fs/cgroup/unified" \
    ".unified = {\"../cgroup.procs\": \"1\"}|cg-attach: bad unified: ../cgroup.procs=1 (KEY=VALUE, KEY a file of the cgroup)"; do
    edit=${c%%|*} want=${c#*|}
    [[ $want != *blkio.weight* ]] || ! compgen -G '/sys/fs/cgroup/blkio/blkio*.weight' >/dev/null ||
      continue # a scheduler with weights: nothing to refuse
    cp "$T/good.json" "$T/b/config.json"
    edit ".linux.resources |= (. // {} | $edit)"
    run -125 create "$ID"
    assert_output "mustela-oci: create $ID: $want"
    nothing_left
  done
}

@test "oci: supplementary groups are process.user.additionalGids exactly: none when it names none (as runc), for the first process and exec" {
  args sh -c 'grep ^Groups: /proc/self/status >/tmp/groups; exec sleep 1000'
  create "$ID"
  quiet "${OCI[@]}" start "$ID"
  wait_for test -s "$T/out/groups"
  run -0 cat "$T/out/groups"
  assert_output --regexp $'^Groups:\t *$'
  run -0 "${OCI[@]}" exec "$ID" grep ^Groups: /proc/self/status
  assert_output --regexp $'^Groups:\t *$'
  run -0 "${OCI[@]}" exec --user 1000:1000 "$ID" grep ^Groups: /proc/self/status
  assert_output --regexp $'^Groups:\t *$'
  quiet "${OCI[@]}" delete --force "$ID"
  edit '.process.user.additionalGids = [10, 20]'
  create "$ID"
  quiet "${OCI[@]}" start "$ID"
  wait_for test -s "$T/out/groups"
  run -0 cat "$T/out/groups"
  assert_output --regexp $'^Groups:\t10 20 *$'
}
