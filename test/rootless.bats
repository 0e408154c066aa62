#!/usr/bin/env bats
# rootless: minc run by ordinary users, for real (runuser, no faking): a
# user with a range in /etc/subuid and /etc/subgid (the full map), and
# nobody without one (the single map, MINCS's --nopriv)

load 'lib/common'
load 'lib/rootless'

# The users and their files: made once, removed at the end (teardown_file).
setup_file() {
  need_root
  export RU=mrootless$$
  rootless_user_add "$RU"
  # a world-readable place for what the users run: root's copy of the
  # rootfs (read-only to them), and the user's own copy (its files its own)
  export UT
  UT=$(mktemp -d /tmp/mustela-rootless.XXXXXX)
  chmod 755 "$UT"
  cp -a "$(rootfs)" "$UT/rootfs"
  echo hello >"$UT/rootfs/FILE"
  install -d -o "$RU" -g "$RU" "$UT/own"
  runuser -u "$RU" -- cp -a "$UT/rootfs" "$UT/own/rootfs"
  # -n slirp opens /dev/net/tun: 0666 where udev runs (Debian's rule)
  stat -c %a /dev/net/tun >"$UT/tun.mode"
  chmod 0666 /dev/net/tun
}

teardown_file() {
  [ -n "${RU-}" ] || return 0
  [ ! -e "$UT/tun.mode" ] || chmod "$(cat "$UT/tun.mode")" /dev/net/tun
  rootless_user_del "$RU"
  rm -rf "$UT"
  # nobody's state dir (other files may run nobody's containers meanwhile)
  rm -rf "/tmp/mustela-$(id -u nobody)" 2>/dev/null || :
}

setup() {
  need_root
  R=$UT/rootfs
  uid=$(id -u "$RU")
  # the user's range (useradd may have given one)
  IFS=: read -r _ sub count < <(grep "^$RU:" /etc/subuid)
}

# The host has no mount of the user's: its state dir, the test's files.
no_user_mounts() {
  run grep -e "/tmp/mustela-$uid" -e "$UT" /proc/self/mountinfo
  assert_output ""
}

@test "rootless: a user's minc: root inside, the full map from /etc/subuid, its own state dir" {
  before=$(find /run/mustela -newer "$UT/tun.mode" 2>/dev/null | wc -l)
  run -0 --separate-stderr as "$RU" minc -r "$R" sh -c 'id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map'
  assert_equal "$stderr" ""
  read -r -d '' want <<EOF || :
0
0
         0       $uid          1
         1     $sub      $count
         0       $uid          1
         1     $sub      $count
EOF
  assert_output "$want"
  # its state under /tmp (no XDG_RUNTIME_DIR), its own, mode 700; nothing
  # new in root's /run/mustela
  run -0 stat -c '%U %a' "/tmp/mustela-$uid"
  assert_output "$RU 700"
  assert_equal "$(find /run/mustela -newer "$UT/tun.mode" 2>/dev/null | wc -l)" "$before"
}

@test "rootless: nobody (no range): MINCS's --nopriv ROOTDIR, the single map, said once" {
  run -0 --separate-stderr as nobody minc --nopriv "$R" cat /FILE
  assert_output hello
  assert_equal "$stderr" "minc: warning: no range for nobody in /etc/subuid and /etc/subgid (or no newuidmap): only uid 65534 is mapped, to 0; files of other ids show as nobody, setuid and chown to other ids fail"
  run -0 --separate-stderr as nobody minc -r "$R" sh -c 'id -u; cat /proc/self/uid_map; stat -c %U /bin/busybox; chown 5 /tmp 2>&1 || :'
  assert_line --index 0 0
  assert_line --index 1 "         0      65534          1"
  assert_line --index 2 nobody
  assert_line --index 3 --partial "chown: /tmp: Invalid argument"
}

@test "rootless: a file written in a -t DIR container is the mapped id's on the host" {
  install -d -o "$RU" -g "$RU" "$UT/own/t"
  run -0 as "$RU" minc -t "$UT/own/t" -r "$UT/own/rootfs" sh -c 'echo a >/a; echo b >/tmp/b; chown 5:7 /tmp/b'
  run -0 stat -c '%u:%g' "$UT/own/t/storage/a" "$UT/own/t/storage/tmp/b"
  assert_output "$uid:$uid"$'\n'"$((sub + 4)):$((sub + 6))"
}

@test "rootless: a user's container removes a lower layer's directory (overlayfs's user.* marks)" {
  run -0 as "$RU" minc -r "$UT/own/rootfs" sh -c 'rm -rf /home && mkdir /home && ls -A /home && echo ok'
  assert_output ok
  [ -d "$UT/own/rootfs/home/user" ]
}

@test "rootless: no root-only host file, no host pid, /sys read-only, the filter on" {
  # no -r: the host's / cannot be a layer (said); bound in, a root-only
  # file is unreadable
  run -125 as "$RU" minc cat /etc/shadow
  assert_output "minc: a user namespace needs -r ROOTDIR: the host's / cannot be its overlay layer (the mounts below it are locked)"
  run -1 as "$RU" minc -b /etc/shadow:/shadow -r "$R" cat /shadow
  assert_output --partial "'/shadow': Permission denied"
  run -0 as "$RU" minc -r "$R" sh -c 'n=$(ls /proc | grep -c "^[0-9]"); [ "$n" -le 4 ] && echo "few pids"; cat /proc/1/comm; touch /sys/x 2>&1; grep ^Seccomp: /proc/self/status; grep ^NoNewPrivs /proc/self/status'
  assert_line --index 0 "few pids"
  assert_line --index 1 sh
  assert_line --index 2 --partial "Read-only file system"
  assert_line --index 3 --regexp $'^Seccomp:\t2$'
  assert_line --index 4 --regexp $'^NoNewPrivs:\t1$'
}

@test "rootless: mounts stay in the container's namespaces; the host's cannot be changed" {
  # Docker's capabilities: no CAP_SYS_ADMIN, even in its own namespaces
  run -0 as "$RU" minc -r "$R" sh -c 'mount -t tmpfs t /mnt 2>&1 || :; umount /proc 2>&1 || :; echo x >/proc/sys/kernel/hostname 2>&1 || :'
  assert_line --index 0 --partial "mount: permission denied"
  assert_line --index 1 --partial "umount: can't unmount /proc: Operation not permitted"
  assert_line --index 2 --partial "Read-only file system"
  no_user_mounts
  # and as the user outside: no mount at all
  run -125 as "$RU" "$TOP/helpers/ns-enter" --mount -- true
  assert_output --partial "Operation not permitted"
}

@test "rootless: --mem-limit as a user on cgroup v1 fails, naming what is missing" {
  [ ! -e /sys/fs/cgroup/cgroup.controllers ] || skip "cgroup v2 host: the qemu lane"
  run -125 as "$RU" minc --mem-limit 64M -r "$R" true
  assert_output --regexp "^minc: --mem-limit: needs a cgroup v2 subtree delegated to uid $uid \(memory is a cgroup v1 controller here"
  run -125 as "$RU" minc --pid-max 10 -r "$R" true
  assert_output --partial "minc: --pid-max: needs a cgroup v2 subtree delegated to uid $uid"
}

@test "rootless: -n dens as a user: refused, -n slirp said" {
  run -125 as "$RU" minc -n dens -r "$R" true
  assert_output "minc: --net dens: needs root (a user's network: -n slirp, with -p)"
  run -0 as "$RU" minc -n -r "$R" sh -c 'ls /sys/class/net'
  assert_output lo
}

free_port() { # print a TCP port nobody listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

@test "rootless: -n slirp -p HOST:80 serves a page to 127.0.0.1:HOST" {
  command -v pasta >/dev/null || skip "pasta (package passt) not installed"
  port=$(free_port)
  mkdir -p "$UT/www"
  echo "rootless page" >"$UT/www/index.html"
  chmod -R a+rX "$UT/www"
  as "$RU" minc -n slirp -p "$port:80" -b "$UT/www:/www:ro" -r "$R" \
    httpd -f -p 80 -h /www 3>&- &
  pid=$!
  for _ in $(seq 50); do
    out=$(curl -s --max-time 1 "http://127.0.0.1:$port/index.html") && break
    sleep 0.1
  done
  kill "$pid"
  wait "$pid" || :
  assert_equal "$out" "rootless page"
}

@test "rootless: SIGKILL of a user's minc leaves no process, mount or pasta behind" {
  command -v pasta >/dev/null || skip "pasta (package passt) not installed"
  as "$RU" minc -n slirp -p "$(free_port):80" -r "$R" sleep 100 3>&- &
  runner=$!
  # minc: the chain's first ns-enter, once minc has become it (it joins
  # the holder's namespaces)
  for _ in $(seq 50); do
    pasta=$(pgrep -u "$RU" -x pasta || pgrep -u "$RU" -f '^pasta ' || :)
    [ -z "$pasta" ] || break
    sleep 0.1
  done
  [ -n "$pasta" ]
  minc=$(pgrep -u "$RU" -f -- "ns-enter --user=/proc/")
  kill -KILL "$minc"
  wait "$runner" || :
  user_procs_gone "$RU"
  run pgrep -a -u "$RU"
  assert_output ""
  no_user_mounts
}

@test "rootless: --explain prints the user's chain, which runs as that user when pasted" {
  run -0 as "$RU" minc --explain -r "$R" true
  assert_output --partial "ns-enter --user --map-uid=0:$uid:1 --map-uid=1:$sub:$count --map-gid=0:$uid:1 --map-gid=1:$sub:$count --pid"
  refute_output --partial /run/mustela
  run -0 as "$RU" sh -c "minc --explain -r '$R' sh -c 'id -u; cat /FILE' | sh"
  assert_output $'0\nhello'
  run -0 as "$RU" sh -c "minc --explain -n slirp -r '$R' sh -c 'ip -4 route' | sh"
  assert_output --partial "default via"
  run pgrep -u "$RU" -x pasta
  assert_output ""
}

@test "rootless: --device short of rw is refused for a user; rw gets what the host's modes give" {
  run -125 as "$RU" minc --device /dev/null:/dev/n:r -r "$R" true
  assert_output "minc: --device /dev/null:/dev/n:r: a user's container cannot narrow a device to r (no device cgroup for a user: the host's file modes decide): give rw or rwm, or run as root"
  run -125 as "$RU" minc --device /dev/null:wm -r "$R" true
  assert_output --partial "cannot narrow a device to wm"
  run -0 as "$RU" minc --device /dev/null:/dev/n:rw -r "$R" sh -c 'echo x >/dev/n && echo wrote'
  assert_output wrote
  # a device only root may open on the host: not the user's inside either
  mknod "$UT/rootdev" c 1 3
  chmod 600 "$UT/rootdev"
  run -1 as "$RU" minc --device "$UT/rootdev:/dev/rootdev" -r "$R" sh -c 'cat /dev/rootdev'
  assert_output --partial "Permission denied"
  rm -f "$UT/rootdev"
}

@test "rootless: --cap-add sys_admin as a user: mounts in its own namespaces, no device, nothing on the host" {
  run -0 as "$RU" minc --cap-add sys_admin -r "$R" sh -c 'mount -t tmpfs t /tmp && echo mounted; mknod /tmp/x c 1 3 2>&1 || :; grep -c " /tmp .* - tmpfs t " /proc/self/mountinfo'
  assert_line --index 0 mounted
  assert_line --index 1 --partial "mknod: /tmp/x: Operation not permitted"
  assert_line --index 2 1
  no_user_mounts
}

@test "rootless: a user's minc --qemu: its own store and image, root in the VM, its files root's" {
  command -v qemu-system-x86_64 >/dev/null ||
    skip "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
  local k rel deb home
  k=$("$TOP/test/vm/run" kernel)
  rel=$(ls "$k/lib/modules")
  deb=$(ls "$TOP"/test/vm/cache/linux-image-*-cloud-amd64_*_amd64.deb)
  install -m 644 "$deb" "$UT/kernel.deb"
  home=$(getent passwd "$RU" | cut -d: -f6)
  install -d -o "$RU" -g "$RU" "$UT/tmp"
  # ermine as the user: the package unpacked into the user's store
  AS_HOME=$home run -0 --separate-stderr as "$RU" ermine build --deb "$UT/kernel.deb"
  assert_output --regexp "^$home/.local/share/mustela/ermine/images/[0-9a-f]{16}$"
  assert_equal "$(stat -c %U "$output")" "$RU"
  AS_HOME=$home AS_ENV="TMPDIR=$UT/tmp" run -0 --separate-stderr as "$RU" \
    minc --qemu -r "$UT/own/rootfs" sh -c 'id -u; stat -c %u /bin/busybox; uname -r'
  assert_equal "$output" "$(printf '%s\n' 0 0 "$rel")"
  user_procs_gone "$RU"
  run -0 find "$UT/tmp" -mindepth 1
  assert_output ''
}
