#!/usr/bin/env bats
# oci-podman: podman (Debian's 4.3, conmon, CNI) runs its containers through
# bin/mustela-oci (--runtime); OCI_RUNTIME=/usr/sbin/runc runs the same
# cases against runc
#
# podman's whole state is in the file's directory P: --root, --runroot,
# --tmpdir, a containers.conf and a storage.conf (CONTAINERS_CONF,
# CONTAINERS_STORAGE_CONF), and the paths podman 4.3 and the runtime
# write whatever they are told (see lib/oci-clients.bash). The runtime
# gets no --root: podman's clean-up process (conmon's exit command) would
# not pass a --runtime-flag on; its default (/run/runc, /run/mustela-oci)
# is in P there. podman runs as
# root in a mount and network namespace of the file's own (in_ns): its
# bridge network (cni-podman0, iptables rules for a published port) is
# made there and dies with it; the host's links, routes and firewall are
# never touched, and traffic goes to 127.0.0.1 of that namespace only.
# The image: the tests' busybox rootfs imported into marten and exported
# as a docker-archive (marten export), read by `podman load`.

load 'lib/common'
load 'lib/oci-clients'

IMG=localhost/mustela-busybox:oci

setup_file() {
  need_root
  need_cmds podman conmon /usr/lib/cni/bridge /usr/lib/cni/portmap iptables-save curl jq
  P=$(mktemp -d)
  export P
  # the cgroup parent of every container of this file (and of conmon)
  export CG=mustela-oci-podman-${P##*.}
  host_snapshot >"$P/host.before"
  # a subnet of its own for podman's network (it exists in the namespace
  # only; its absence on the host is checked at the end)
  export SUBNET=10.231.$((RANDOM % 250)).0/24
  mkdir -p "$P/tmp" "$P/vartmp" "$P/cni" "$P/hooks"
  # podman raises nofile to 1048576 and sets nproc to 32768 in its
  # containers; without CAP_SYS_RESOURCE (this machine's bounding set
  # lacks it) the runtime cannot raise the hard limits: the defaults are
  # the limits podman itself runs with.
  cat >"$P/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
log_driver = "k8s-file"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$P/events.log"
lock_type = "file"
tmp_dir = "$P/tmp"
volume_path = "$P/volumes"
static_dir = "$P/root/libpod"
image_copy_tmp_dir = "$P/vartmp"
hooks_dir = ["$P/hooks"]
[network]
network_backend = "cni"
network_config_dir = "$P/cni"
cni_plugin_dirs = ["/usr/lib/cni"]
default_subnet = "$SUBNET"
EOF
  cat >"$P/storage.conf" <<EOF
[storage]
driver = "overlay"
runroot = "$P/runroot"
graphroot = "$P/root"
EOF
  printf 'unqualified-search-registries = []\n' >"$P/registries.conf"
  export CONTAINERS_CONF=$P/containers.conf
  export CONTAINERS_STORAGE_CONF=$P/storage.conf
  export CONTAINERS_REGISTRIES_CONF=$P/registries.conf
  export TMPDIR=$P/vartmp
  ns_start "$P"
  export NS_PID NS_MNT
  oci_image "$P"
  pm load -q -i "$P/busybox.tar" >/dev/null
}

teardown_file() {
  [ -n "${P-}" ] || return 0
  pm rm -a -f -t 0 >/dev/null 2>&1 || :
  ns_stop
  cg_kill_remove "$CG"
  rm -rf "$P"
}

teardown() {
  # each test leaves no container to the next
  pm rm -a -f -t 0 >/dev/null 2>&1 || :
  [ -z "${SUBIDS-}" ] || sed -i "/^$SUBIDS\$/d" /etc/subuid /etc/subgid
}

# the subordinate ids --userns=auto takes (podman's "containers" entry)
OCI_SUB=300000

has_log() { # NAME: the container NAME has logged something
  [ -n "$(pm logs "$1" 2>/dev/null)" ]
}

pm() { # ARGS...: podman, on the file's state, with the runtime under test
  in_ns podman --root "$P/root" --runroot "$P/runroot" --tmpdir "$P/tmp" \
    --runtime "$OCI_RT" --cgroup-manager cgroupfs --network-config-dir "$P/cni" "$@"
}

pm_rm() { # ID: podman rm -f -t 0 ID; again, for up to 20 s, while it
  # fails only on podman's own removal of its shm directory with EBUSY
  # (podman's known flake, containers/podman#11594: the container's mount
  # namespace, in its user namespace a slave of that shm, may outlive its
  # last process a moment; seen twice in CI with --uidmap and --userns).
  # rm -f removes what podman's store still holds of a container it has
  # dropped. Any other failure fails at once.
  local out _
  for _ in $(seq 200); do
    out=$(pm rm -f -t 0 "$1" 2>&1) && return 0
    case "$out" in
      *"/userdata/shm: device or resource busy"*) sleep 0.1 ;;
      *) break ;;
    esac
  done
  printf '%s\n' "$out" >&2
  return 1
}

prun() { # ARGS...: podman run, in the file's cgroup parent, no pull
  pm run --pull never --cgroup-parent "/$CG" "$@"
}

# cg_file PID CONTROLLER FILE: the value of FILE in PID's cgroup of
# CONTROLLER (cgroup v1, as on this machine)
cg_file() {
  local path
  path=$(awk -F: -v c="$2" '$2 ~ "(^|,)" c "(,|$)" { print $3 }' "/proc/$1/cgroup")
  cat "/sys/fs/cgroup/$2$path/$3"
}

named_after() { # EVENTS DIR: the files under DIR named after a container of
  # podman's events log EVENTS (its short ID)
  local id
  for id in $(jq -r 'select(.Type == "container") | .ID[0:12]' "$1" | sort -u); do
    find "$2" -name "*$id*"
  done
}

logged() { # NAME LINE: LINE is in the container NAME's log
  pm logs "$1" 2>/dev/null | grep -qx "$2"
}

show() { # the last run's status, stdout and stderr (bats shows them when a test fails)
  printf 'status %s\nstdout: %s\nstderr: %s\n' "$status" "$output" "${stderr-}"
}

@test "oci-podman: the runtime under test exists" {
  run oci_need_runtime
  assert_success
}

@test "oci-podman: run --rm: stdout, stderr apart, the exit status passed through" {
  run --separate-stderr prun --rm "$IMG" sh -c 'echo out; echo err >&2; exit 3'
  show
  assert_equal "$status" 3
  assert_output out
  assert_equal "$stderr" err
  run prun --rm "$IMG" true
  assert_success
  assert_output ''
  run prun --rm "$IMG" false
  assert_failure 1
}

@test "oci-podman: run of a program that is not in the image: 127" {
  run -127 prun --rm "$IMG" /no/such/program
}

@test "oci-podman: run -t: a terminal (the console socket)" {
  run prun --rm -t "$IMG" sh -c 'tty; exit 5'
  assert_failure 5
  assert_output $'/dev/pts/0\r'
}

@test "oci-podman: run -d, logs, exec, stop, rm" {
  id=$(prun -d --name mt-d "$IMG" sh -c \
    'echo started; trap "echo stopping; exit 0" TERM; while :; do sleep 0.1; done')
  wait_for logged mt-d started
  run pm inspect -f '{{.State.Status}} {{.Id}}' mt-d
  assert_success
  assert_output "running $id"
  run pm ps --format '{{.Names}} {{.Status}}'
  assert_success
  assert_output --regexp '^mt-d Up '
  run --separate-stderr pm exec mt-d sh -c 'echo in $HOSTNAME; echo e >&2; exit 4'
  show
  assert_equal "$status" 4
  assert_output "in ${id:0:12}"
  assert_equal "$stderr" e
  run pm exec mt-d ps -o pid,args
  assert_success
  assert_line --regexp '^ +1 sh -c echo started'
  run pm stop -t 10 mt-d
  assert_success
  run pm inspect -f '{{.State.Status}} {{.State.ExitCode}}' mt-d
  assert_success
  assert_output 'exited 0'
  run pm logs mt-d
  assert_success
  assert_output $'started\nstopping'
  run pm rm mt-d
  assert_success
  run pm ps -a -q
  assert_success
  assert_output ''
}

@test "oci-podman: kill: the signal reaches the container, wait gives its status" {
  prun -d --name mt-k "$IMG" sh -c \
    'trap "exit 7" USR1; while :; do sleep 0.1; done' >/dev/null
  run pm kill -s USR1 mt-k
  assert_success
  run pm wait mt-k
  assert_success
  assert_output 7
  prun -d --name mt-k9 "$IMG" sleep 600 >/dev/null
  run pm kill -s KILL mt-k9
  assert_success
  run pm wait mt-k9
  assert_output 137
}

@test "oci-podman: pause, unpause (the freezer), top" {
  prun -d --name mt-p "$IMG" sh -c 'while :; do echo tick >/dev/null; sleep 0.1; done' >/dev/null
  run pm pause mt-p
  assert_success
  run pm inspect -f '{{.State.Status}}' mt-p
  assert_output paused
  pid=$(pm inspect -f '{{.State.Pid}}' mt-p)
  run cg_file "$pid" freezer freezer.state
  assert_output FROZEN
  run pm unpause mt-p
  assert_success
  run pm inspect -f '{{.State.Status}}' mt-p
  assert_output running
  run pm top mt-p pid args
  assert_success
  assert_line --regexp '^1 +sh -c while'
}

@test "oci-podman: --memory sets the container's memory limit" {
  id=$(prun -d --memory 64m "$IMG" sleep 60)
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  run cg_file "$pid" memory memory.limit_in_bytes
  assert_success
  assert_output 67108864
  run cat "/proc/$pid/cgroup"
  assert_success
  assert_line --regexp "^[0-9]+:memory:/$CG/"
}

@test "oci-podman: --pids-limit: the container cannot fork past it" {
  id=$(prun -d --pids-limit 7 "$IMG" sleep 60)
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  run cg_file "$pid" pids pids.max
  assert_success
  assert_output 7
  run prun --rm --pids-limit 4 "$IMG" sh -c \
    'for i in 1 2 3 4 5 6; do sleep 5 & done 2>&1; exit 0'
  assert_output --partial "can't fork"
}

@test "oci-podman: --cap-drop removes the capability" {
  run prun --rm "$IMG" sh -c 'touch /f && chown 1000 /f && echo chowned'
  assert_success
  assert_output chowned
  run prun --rm --cap-drop CHOWN "$IMG" sh -c 'touch /f && chown 1000 /f && echo chowned'
  assert_failure
  assert_output --partial 'Operation not permitted'
  run prun --rm --cap-drop CHOWN "$IMG" sh -c 'grep ^CapEff /proc/self/status'
  assert_success
  eff=${output##*[[:space:]]}
  assert_equal "$(( 0x$eff & 1 ))" 0
  assert [ "$(( 0x$eff ))" -ne 0 ]
}

@test "oci-podman: --read-only: the root is read-only" {
  run prun --rm --read-only "$IMG" touch /f
  assert_failure
  assert_output --partial 'Read-only file system'
  run prun --rm "$IMG" touch /f
  assert_success
}

@test "oci-podman: --user, -e, -w" {
  run prun --rm --user 1000:1000 "$IMG" id
  assert_success
  assert_output --regexp '^uid=1000( |\().*gid=1000'
  run prun --rm -e MUSTELA_T=some-value "$IMG" sh -c 'echo "$MUSTELA_T"'
  assert_success
  assert_output some-value
  run prun --rm -w /etc "$IMG" pwd
  assert_success
  assert_output /etc
}

@test "oci-podman: a published port on podman's bridge network, from 127.0.0.1" {
  local port=$((20000 + RANDOM % 20000))
  run prun -d --name mt-port -p "127.0.0.1:$port:80" "$IMG" sh -c \
    'mkdir /w && echo hello-from-mustela >/w/index.html && exec httpd -f -p 80 -h /w'
  assert_success
  # the bridge and the port's DNAT rule, in the namespace only
  run in_ns ip -o -4 addr show cni-podman0
  assert_success
  assert_output --partial "${SUBNET%.0/24}.1/24"
  run in_ns iptables-save -t nat
  assert_success
  assert_output --partial "--dport $port"
  wait_for in_ns curl -sf -m 2 -o "$P/got" "http://127.0.0.1:$port/"
  run cat "$P/got"
  assert_success
  assert_output hello-from-mustela
  run pm_rm mt-port
  assert_success
  # the container's rules are gone with it
  run in_ns iptables-save
  assert_success
  refute_output --partial "--dport $port"
  refute_output --partial "${SUBNET%.0/24}."
  run in_ns sh -c 'ls /run/netns'
  assert_success
  assert_output ''
}

# A user namespace (--uidmap/--gidmap): linux.uidMappings through the
# runtime's ns-enter --map-uid/--map-gid
@test "oci-podman: --uidmap, --gidmap: root inside is 100000 on the host, so is a file it writes to a volume" {
  mkdir -p "$P/uvol"
  chown 100000:100000 "$P/uvol"
  id=$(prun -d --uidmap 0:100000:65536 --gidmap 0:100000:65536 \
    -v "$P/uvol:/v" "$IMG" sh -c 'id >/v/id; echo x >/v/f; exec sleep 600')
  wait_for test -s "$P/uvol/f"
  run cat "$P/uvol/id"
  assert_output --regexp '^uid=0\(root\) gid=0\(root\)'
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  # the process's ids on the host: real, effective, saved, file system
  run awk '$1 == "Uid:" || $1 == "Gid:" { print $1, $2, $3, $4, $5 }' "/proc/$pid/status"
  assert_output $'Uid: 100000 100000 100000 100000\nGid: 100000 100000 100000 100000'
  run cat "/proc/$pid/uid_map" "/proc/$pid/gid_map"
  assert_output --regexp '^ +0 +100000 +65536'$'\n'' +0 +100000 +65536$'
  run stat -c %u:%g "$P/uvol/f" "$P/uvol/id"
  assert_output $'100000:100000\n100000:100000'
  run pm_rm "$id"
  assert_success
}

@test "oci-podman: --userns=auto: a range of /etc/subuid's containers entry, root inside" {
  # the range podman takes from (teardown removes the lines)
  SUBIDS="containers:$OCI_SUB:65536"
  echo "$SUBIDS" >>/etc/subuid
  echo "$SUBIDS" >>/etc/subgid
  id=$(prun -d --userns=auto:size=65536 "$IMG" sh -c 'id; exec sleep 600')
  wait_for has_log "$id"
  run pm logs "$id"
  assert_output --regexp '^uid=0\(root\) gid=0\(root\)'
  pid=$(pm inspect -f '{{.State.Pid}}' "$id")
  run awk '$1 == "Uid:" || $1 == "Gid:" { print $1, $2, $3, $4, $5 }' "/proc/$pid/status"
  assert_output "Uid: $OCI_SUB $OCI_SUB $OCI_SUB $OCI_SUB"$'\n'"Gid: $OCI_SUB $OCI_SUB $OCI_SUB $OCI_SUB"
  run pm_rm "$id"
  assert_success
}

@test "oci-podman: nothing of podman is left on the host" {
  pm rm -a -f -t 0 >/dev/null
  run pm rmi -a -f
  assert_success
  # the runtime's state (its default --root, runc's /run/runc or
  # /run/mustela-oci: in P/host/run) of every container removed with it
  run find "$P/host/run" -mindepth 2 -maxdepth 2 -path "*/run/${OCI_RT##*/}/*"
  assert_output ''
  # nor anything named after one of the file's containers in /run (the
  # namespace's: P/host/run)
  run named_after "$P/events.log" "$P/host/run"
  assert_success
  assert_output ''
  ns_stop
  cg_kill_remove "$CG"
  run cg_left "$CG"
  assert_success
  assert_output ''
  run host_snapshot
  assert_success
  assert_output "$(cat "$P/host.before")"
  run ip -4 -o addr
  assert_success
  refute_output --partial "${SUBNET%.0/24}."
  run iptables-save
  assert_success
  refute_output --partial "${SUBNET%.0/24}."
}
