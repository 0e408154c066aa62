#!/usr/bin/env bats
# pivot: the root switch, pseudo-filesystems, binds (symlink-safe), masks,
# read-only paths, workdir, -x across the switch, descriptors left behind

load 'lib/common'

setup() {
  need_root
  T=$(mktemp -d)
  R="$T/root"
  mkdir -p "$R" "$T/data"
  echo data >"$T/data/f"
}

teardown() {
  # what a test mounted on the host under $T (propagation), last first
  awk -v t="$T" 'index($5, t) == 1 { print $5 }' /proc/self/mountinfo | tac |
    while read -r m; do umount -l "$m"; done
  rm -rf "$T"
}

# Every test runs in a private mount (and UTS) namespace, on a throw-away
# overlay of the shared busybox rootfs: nothing reaches the host or the image.
pv() {
  unshare -mu --propagation private \
    overlay-mount --lower "$(rootfs)" --tmpfs-upper "$R" -- pivot "$@"
}

# The same in a new pid namespace, whose pid 1 is the program.
pv_pid() {
  unshare -mpfu --mount-proc --propagation private \
    overlay-mount --lower "$(rootfs)" --tmpfs-upper "$R" -- pivot "$@"
}

@test "pivot: -h prints the usage on stdout, exit 0" {
  run -0 pivot -h
  assert_line --index 0 'pivot: usage: pivot [options] NEWROOT [--] prog [args...]'
}

@test "pivot: -h has a line for every option" {
  local o
  run -0 pivot -h
  for o in proc dev nodev device sys tmp bind mask ro mount mknod sysctl \
    root-propagation readonly workdir exec-from-host keep-fd help; do
    assert_line --regexp "^  (-h, )?--$o( |$)"
  done
}

@test "pivot: a dangling symlink in the new root is said so, not ENOENT, 127" {
  # a root made with busybox --install -s: links to a host path it lacks
  mkdir -p "$T/r/bin" "$T/r/usr/bin"
  ln -s /usr/bin/busybox "$T/r/bin/sh"
  ln -s busybox "$T/r/bin/ash"
  ln -s ../usr/bin/nope "$T/r/bin/busybox"
  run -127 unshare -m pivot "$T/r" -- /bin/sh -c true
  assert_output "pivot: exec /bin/sh: dangling symlink to /usr/bin/busybox"
  # found on PATH (the new root's), through a chain of links
  run -127 env PATH=/bin /usr/bin/unshare -m "$TOP/helpers/pivot" "$T/r" -- ash
  assert_output "pivot: exec ash (/bin/ash): dangling symlink to /bin/../usr/bin/nope"
  # the next link of the chain says it of its own program
  run -127 unshare -m pivot --exec-from-host "$T/r" -- cap-drop -- /bin/sh
  assert_output "cap-drop: exec /bin/sh: dangling symlink to /usr/bin/busybox"
  # a program that is simply missing stays ENOENT
  run -127 unshare -m pivot "$T/r" -- /bin/nope
  assert_output "pivot: exec /bin/nope: No such file or directory"
}

@test "pivot: no program, no NEWROOT, unknown option: usage errors, 125" {
  run -125 pv "$R"
  assert_output --partial 'pivot: usage:'
  run -125 pv "$R" --
  assert_output --partial 'pivot: usage:'
  run -125 unshare -m pivot
  assert_output --partial 'pivot: usage:'
  run -125 pivot --bogus x
  assert_line --index 0 'pivot: unknown option: --bogus'
  assert_line --index 1 --partial 'pivot: usage: pivot '
}

@test "pivot: a missing NEWROOT or a file as NEWROOT is named in the error" {
  run -125 unshare -m pivot "$T/nope" true
  assert_output "pivot: NEWROOT $T/nope: No such file or directory"
  run -125 unshare -m pivot "$T/data/f" true
  assert_output "pivot: NEWROOT $T/data/f: Not a directory"
}

@test "pivot: exit codes: 127 not in the new root, 126 not executable, status, signal" {
  run -127 pv "$R" -- /nonexistent
  assert_output "pivot: exec /nonexistent: No such file or directory"
  # bash is on the host, not in the busybox root: the lookup is inside
  run -127 pv "$R" -- bash -c true
  assert_output "pivot: exec bash: No such file or directory"
  run -126 pv "$R" -- /etc/passwd
  assert_output "pivot: exec /etc/passwd: Permission denied"
  run -3 pv "$R" -- sh -c 'exit 3'
  run -143 pv "$R" -- sh -c 'kill -TERM $$'
}

@test "pivot: the root is switched and the old root is gone" {
  run -0 pv --proc "$R" -- sh -c "ls /; test -e '$TOP/helpers/pivot' || echo host-gone"
  assert_output "$(printf '%s\n' bin dev etc home proc root run sbin sys tmp usr var host-gone)"
  # only the new root and its proc: not one host mount is left
  run -0 pv --proc "$R" -- awk '{ print $5 }' /proc/self/mountinfo
  assert_output $'/\n/proc'
  run -0 pv "$R" -- pwd
  assert_output /
}

@test "pivot: a plain directory (not a mount point) becomes the root too" {
  cp -a "$(rootfs)" "$T/copy"
  run -1 unshare -m --propagation private pivot --proc --readonly "$T/copy" -- \
    sh -c 'awk "{ print \$5 }" /proc/self/mountinfo; touch /x'
  assert_output $'/\n/proc\ntouch: /x: Read-only file system'
  assert_file_not_exists "$T/copy/x"
  assert_file_not_exists "$T/copy/proc/self"
}

@test "pivot: --proc shows only the pid namespace, nosuid,nodev,noexec" {
  run -0 pv_pid --proc "$R" -- sh -c 'cat /proc/1/comm; ls -d /proc/[0-9]* | wc -l'
  assert_line --index 0 sh
  [ "${lines[1]}" -le 4 ]
  run -0 pv_pid --proc "$R" -- grep ' /proc ' /proc/self/mountinfo
  assert_output --regexp ' / /proc rw,nosuid,nodev,noexec,[a-z]+ - proc '
  # without a pid namespace pid 1 is the host's init, not our sh
  run -0 pv --proc "$R" -- cat /proc/1/comm
  refute_output sh
}

@test "pivot: --dev is a small tmpfs with only the safe devices" {
  run -0 pv --proc --dev "$R" -- ls -A /dev </dev/null
  assert_output "$(printf '%s\n' fd full null ptmx pts random shm stderr stdin stdout tty urandom zero)"
  run -0 pv --proc --dev "$R" -- sh -c 'echo x >/dev/null; wc -c </dev/null
    head -c 5 /dev/zero | wc -c; ls /dev/pts
    for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done
    stat -c "%a %F" /dev/shm; echo s >/dev/shm/s && echo shm-ok' </dev/null
  assert_output "$(printf '%s\n' 0 5 ptmx pts/ptmx /proc/self/fd /proc/self/fd/0 \
    /proc/self/fd/1 /proc/self/fd/2 '1777 directory' shm-ok)"
  run -0 pv --proc --dev "$R" -- grep -E ' /dev(/pts)? ' /proc/self/mountinfo
  assert_line --index 0 --regexp ' /dev rw,nosuid,[a-z]+ - tmpfs tmpfs rw,size=64k,mode=755'
  assert_line --index 1 --regexp ' /dev/pts rw,nosuid,noexec,[a-z]+ - devpts devpts rw,gid=5,mode=620,ptmxmode=666'
}

@test "pivot: --dev binds the caller's terminal as /dev/console, a new pts instance" {
  run -0 script -qec "unshare -m --propagation private overlay-mount \
    --lower '$(rootfs)' --tmpfs-upper '$R' -- pivot --dev '$R' -- \
    sh -c 'ls /dev/pts; echo hi >/dev/console; test -c /dev/console && echo tty'" /dev/null
  assert_output $'ptmx\r\nhi\r\ntty\r'
}

@test "pivot: --sys is a fresh read-only sysfs" {
  run -1 pv --sys "$R" -- sh -c 'test -d /sys/kernel && touch /sys/x'
  assert_output "touch: /sys/x: Read-only file system"
}

@test "pivot: --tmp is a 1777 tmpfs, nosuid,nodev" {
  run -0 pv --proc --tmp "$R" -- sh -c 'stat -c %a /tmp; echo t >/tmp/t; cat /tmp/t
    grep " /tmp " /proc/self/mountinfo'
  assert_line --index 0 1777
  assert_line --index 1 t
  assert_line --index 2 --regexp ' /tmp rw,nosuid,nodev,[a-z]+ - tmpfs '
}

@test "pivot: --bind rw writes reach the host, :ro refuses writes" {
  echo hostfile >"$T/file"
  run -0 pv --bind "$T/data:/mnt/data" --bind "$T/file:/etc/x/file" "$R" -- \
    sh -c 'cat /mnt/data/f /etc/x/file; echo new >/mnt/data/g'
  assert_output $'data\nhostfile'
  assert_file_contains "$T/data/g" '^new$'
  run -1 pv --bind "$T/data:/mnt/data:ro" "$R" -- \
    sh -c 'cat /mnt/data/f; echo no >/mnt/data/h'
  assert_output $'data\nsh: can\'t create /mnt/data/h: Read-only file system'
  assert_file_not_exists "$T/data/h"
}

@test "pivot: --bind with a missing source or no DST fails, 125" {
  run -125 pv --bind /nope:/x "$R" -- true
  assert_output "pivot: bind /nope: No such file or directory"
  run -125 pv --bind "$T/data" "$R" -- true
  assert_output "pivot: bind $T/data: expected SRC:DST[:ro]"
}

@test "pivot: --bind onto an image symlink pointing outside stays in the root" {
  # the image plants etc/evil -> the host's $T/outside, via ".." and "/"
  mkdir -p "$T/evil/etc"
  ln -s "/../../..$T/outside" "$T/evil/etc/evil"
  ln -s "../../../../..$T/outside2" "$T/evil/etc/evil2"
  run -0 unshare -m --propagation private overlay-mount --lower "$T/evil" \
    --lower "$(rootfs)" --tmpfs-upper "$R" -- pivot \
    --bind "$T/data:/etc/evil" --bind "$T/data:/etc/evil2/sub" "$R" -- \
    sh -c "cat /etc/evil/f $T/outside/f $T/outside2/sub/f"
  assert_output $'data\ndata\ndata'
  assert_not_exists "$T/outside"
  assert_not_exists "$T/outside2"
  # an existing host directory behind the symlink is not touched either
  mkdir "$T/outside"
  echo host >"$T/outside/marker"
  run -0 unshare -m --propagation private overlay-mount --lower "$T/evil" \
    --lower "$(rootfs)" --tmpfs-upper "$R" -- pivot \
    --bind "$T/data:/etc/evil" "$R" -- ls /etc/evil/
  assert_output f
  run -0 ls "$T/outside"
  assert_output marker
}

@test "pivot: --mask hides a file and a directory, skips a missing path" {
  run -0 pv --proc "$R" -- sh -c 'wc -c </proc/timer_list'
  [ "$output" -gt 0 ]
  run -1 pv --proc --mask /proc/timer_list --mask /home --mask /nonexistent \
    --mask /proc/kcore "$R" -- \
    sh -c 'wc -c </proc/timer_list; stat -c %t,%T /proc/timer_list
      ls -A /home; touch /home/x'
  assert_output $'0\n1,3\ntouch: /home/x: Read-only file system'
}

@test "pivot: --ro makes a subtree read-only, recursively; a missing path is skipped" {
  # in a UTS namespace, so that a failure could not rename the host
  run -0 pv --proc "$R" -- sh -c 'echo inside >/proc/sys/kernel/hostname; hostname'
  assert_output inside
  run -1 pv --proc --ro /proc/sys --ro /nope "$R" -- \
    sh -c 'echo x >/proc/sys/kernel/hostname'
  assert_output "sh: can't create /proc/sys/kernel/hostname: Read-only file system"
  # /dev/shm is a submount of /dev
  run -1 pv --dev --ro /dev "$R" -- sh -c 'echo x >/dev/null && touch /dev/shm/x'
  assert_output "touch: /dev/shm/x: Read-only file system"
}

@test "pivot: --readonly makes the root read-only, not its submounts" {
  run -1 pv --readonly --tmp "$R" -- sh -c 'touch /tmp/x && echo tmp-ok; touch /x'
  assert_output $'tmp-ok\ntouch: /x: Read-only file system'
  run -0 pv "$R" -- sh -c 'touch /x && echo rw'
  assert_output rw
}

@test "pivot: --workdir is resolved in the new root" {
  run -0 pv --workdir /etc "$R" -- pwd
  assert_output /etc
  run -0 pv --workdir home/user "$R" -- pwd
  assert_output /home/user
  run -125 pv --workdir /nope "$R" -- pwd
  assert_output "pivot: chdir /nope: No such file or directory"
}

@test "pivot: --exec-from-host runs a host program absent from the new root" {
  mkdir "$T/bin"
  printf '%s\n' '#include <stdio.h>' '#include <unistd.h>' \
    'int main(int c, char **v) { puts(access(v[1], F_OK) ? "gone" : "here"); return 7; }' \
    >"$T/probe.c"
  cc -static -o "$T/bin/probe" "$T/probe.c"
  # it runs after the switch: its own host path is gone
  run -7 pv --exec-from-host "$R" -- "$T/bin/probe" "$T/bin/probe"
  assert_output gone
  # found on the host's PATH
  local PATH="$T/bin:$PATH"
  run -7 pv --exec-from-host "$R" -- probe "$T/bin/probe"
  assert_output gone
  run -127 pv "$R" -- "$T/bin/probe"
  assert_output "pivot: exec $T/bin/probe: No such file or directory"
  run -127 pv --exec-from-host "$R" -- no-such-program
  assert_output "pivot: exec no-such-program: No such file or directory"
}

@test "pivot: descriptors above 2 are closed unless --keep-fd names them" {
  run -0 pv --proc "$R" -- \
    sh -c 'for n in 7 8; do test -e /proc/self/fd/$n && echo $n-open || echo $n-closed; done' \
    7</etc/hostname 8</
  assert_output $'7-closed\n8-closed'
  run -0 pv --proc --keep-fd 7 "$R" -- \
    sh -c 'cat <&7; test -e /proc/self/fd/8 || echo 8-closed' 7</etc/hostname 8</
  assert_output "$(cat /etc/hostname)"$'\n8-closed'
  run -125 pv --keep-fd 9 "$R" -- true
  assert_output "pivot: keep-fd 9: Bad file descriptor"
}

@test "pivot: nothing is left mounted on the host" {
  run -0 pv --proc --dev --sys --tmp --bind "$T/data:/mnt" "$R" -- true
  run -1 grep -F "$R" /proc/self/mountinfo
}

@test "pivot: --nodev: only --dev's and --device's devices open, not a node of the root, /dev or a bind" {
  mknod "$T/data/z" c 1 5
  run -0 pv --dev --nodev --bind "$T/data:/mnt" --device /dev/full:/dev/xfull \
    "$R" -- sh -c 'head -c 1 /dev/zero | wc -c; head -c 1 /dev/xfull | wc -c
      mknod /z c 1 5 && head -c 1 /z; mknod /dev/z c 1 5 && head -c 1 /dev/z
      head -c 1 /mnt/z; true' </dev/null
  assert_output "$(printf '%s\n' 1 1 'head: /z: Permission denied' \
    'head: /dev/z: Permission denied' 'head: /mnt/z: Permission denied')"
  # every mount nodev but the devices bound from the host and devpts
  run -0 pv --proc --dev --nodev --device /dev/full:/dev/xfull "$R" -- \
    sh -c 'while read -r _ _ _ _ m o _; do echo "$m $o"; done </proc/self/mountinfo' </dev/null
  assert_line --regexp '^/ rw,nodev,'
  assert_line --regexp '^/dev rw,nosuid,nodev,'
  assert_line --regexp '^/dev/zero rw,nosuid,noexec,'
  assert_line --regexp '^/dev/xfull rw,nosuid,noexec,'
  assert_line --regexp '^/dev/pts rw,nosuid,noexec,'
  # without --nodev a node made in the root opens
  run -0 pv --dev "$R" -- sh -c 'mknod /z c 1 5 && head -c 1 /z | wc -c' </dev/null
  assert_output 1
}

@test "pivot: --device of a missing file, of a file that is no device: 125, a message" {
  run -125 pv --device /nonexistent "$R" -- true
  assert_output 'pivot: device /nonexistent: No such file or directory'
  run -125 pv --device "$T/data/f:/f" "$R" -- true
  assert_output "pivot: device $T/data/f: not a device"
}

# The mount on PATH in a /proc/self/mountinfo on stdin: "OPTIONS TYPE
# SOURCE SUPER-OPTIONS".
mnt() { # PATH
  awk -v p="$1" '$5 == p { for (i = 7; $i != "-"; i++) ;
    print $6, $(i + 1), $(i + 2), $(i + 3) }'
}

@test "pivot: -h names --mount, --mknod, --sysctl and --root-propagation" {
  run -0 pivot -h
  assert_line --regexp '^  --mount TYPE:SOURCE:DEST\[:OPTIONS\]  mount in NEWROOT, in order given'
  assert_line --regexp '^  --mknod PATH:TYPE:MAJOR:MINOR\[:MODE\[:UID:GID\]\]  '
  assert_line --regexp '^  --sysctl KEY=VALUE  '
  assert_line --regexp '^  --root-propagation MODE  '
}

@test "pivot: --mount: an OCI config's mounts, in order, with their flags and data" {
  run -0 pv --mount proc:proc:/proc:nosuid,noexec,nodev \
    --mount tmpfs:tmpfs:/dev:nosuid,strictatime,mode=755,size=65536k \
    --mount devpts:devpts:/dev/pts:nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5 \
    --mount mqueue:mqueue:/dev/mqueue:nosuid,noexec,nodev \
    --mount sysfs:sysfs:/sys:nosuid,noexec,nodev,ro \
    --mount tmpfs:shm:/dev/shm:nosuid,noexec,nodev,mode=1777,size=65536k \
    --mount tmpfs::/run:noatime \
    "$R" -- cat /proc/self/mountinfo
  local m
  m=$output
  run -0 mnt /proc <<<"$m"
  assert_output 'rw,nosuid,nodev,noexec,relatime proc proc rw'
  run -0 mnt /dev <<<"$m"
  assert_output 'rw,nosuid tmpfs tmpfs rw,size=65536k,mode=755'
  run -0 mnt /dev/pts <<<"$m"
  assert_output 'rw,nosuid,noexec,relatime devpts devpts rw,gid=5,mode=620,ptmxmode=666'
  run -0 mnt /dev/mqueue <<<"$m"
  assert_output 'rw,nosuid,nodev,noexec,relatime mqueue mqueue rw'
  run -0 mnt /sys <<<"$m"
  # (the superblock's own flags are the host's sysfs's, without --net)
  assert_output --regexp '^ro,nosuid,nodev,noexec,relatime sysfs sysfs r[ow]$'
  run -0 mnt /dev/shm <<<"$m"
  assert_output 'rw,nosuid,nodev,noexec,relatime tmpfs shm rw,size=65536k'
  # an empty SOURCE is the type's name; noatime replaces relatime
  run -0 mnt /run <<<"$m"
  assert_output 'rw,noatime tmpfs tmpfs rw'
  # with --nodev every --mount is nodev, whatever it asks, but a devpts
  run -0 pv --nodev --mount tmpfs:t:/x:dev --mount "bind:$T/data:/b:rbind,dev" \
    --mount devpts:devpts:/y:newinstance --proc "$R" -- cat /proc/self/mountinfo
  run -0 awk '$5 ~ /^\/(x|b|y)$/ { print $5, $6 }' <<<"$output"
  assert_output $'/x rw,nodev,relatime\n/b rw,nodev,relatime\n/y rw,relatime'
  # in the order given: /dev/pts after /dev (else /dev would hide it)
  run -0 awk '{print $5}' <<<"$m"
  assert_line --index 2 /dev
  assert_line --index 3 /dev/pts
}

@test "pivot: --mount binds: a directory and a file, rbind, ro set before attaching, a ':' escaped" {
  mkdir -p "$T/data/sub" "$T/data/x:y"
  echo f >"$T/file"
  mount -t tmpfs sub "$T/data/sub"
  echo in-sub >"$T/data/sub/g"
  run -0 pv --mount "bind:$T/data:/a:rbind,ro" --mount "bind:$T/data:/b:bind" \
    --mount "none:$T/file:/etc/f:bind,ro,nosuid" \
    --mount "bind:$T/data/x\\:y:/c\\:d" --proc "$R" -- sh -c '
      cat /a/f /a/sub/g /etc/f; ls /b/sub; echo w >/a/f || echo a-ro
      echo w >/a/sub/h || echo a-sub-ro; echo w >/b/f && echo b-rw
      echo w >/c:d/f && echo c-rw; grep -E " /(a|a/sub|b|etc/f|c:d) " /proc/self/mountinfo | cut -d" " -f5,6'
  umount "$T/data/sub"
  assert_line --index 0 data
  assert_line --index 1 in-sub
  assert_line --index 2 f
  # a plain bind does not take the mounts below SOURCE
  refute_line g
  assert_line a-ro
  assert_line a-sub-ro
  assert_line b-rw
  assert_line c-rw
  assert_line '/a ro,relatime'
  assert_line '/a/sub ro,relatime'
  assert_line '/b rw,relatime'
  assert_line '/etc/f ro,nosuid,relatime'
  assert_line '/c:d rw,relatime'
  # the writes reached the host
  run -0 cat "$T/data/f" "$T/data/x:y/f"
  assert_output $'w\nw'
}

@test "pivot: --mount propagation: private, shared, slave as asked; --root-propagation" {
  mkdir "$T/data/d"
  run -0 pv --mount tmpfs:t:/p:rprivate --mount tmpfs:t:/s:shared \
    --mount "bind:$T/data:/b:rbind,rslave" --root-propagation shared \
    --proc "$R" -- cat /proc/self/mountinfo
  local m=$output
  run -0 awk '$5 == "/p" { print ($7 ~ /^(shared|master):/) ? "propagates" : "private" }' <<<"$m"
  assert_output private
  run -0 awk '$5 == "/s" { print $7 }' <<<"$m"
  assert_output --regexp '^shared:[0-9]+$'
  run -0 awk '$5 == "/" { print $7 }' <<<"$m"
  assert_output --regexp '^shared:[0-9]+$'
  # every mount is private before the switch (nothing may reach the
  # host), so a slave follows a shared mount made by an earlier --mount:
  # the bind of the new root's /s (the host path, before the switch)
  run -0 pv --proc --mount tmpfs:t:/s:shared --mount "bind:$R/s:/b:bind,slave" \
    "$R" -- cat /proc/self/mountinfo
  run -0 awk '$5 == "/b" { print $7 }' <<<"$output"
  assert_output --regexp '^master:[0-9]+$'
}

@test "pivot: --mount cgroup: the hierarchies as the cgroup namespace shows them, read-only" {
  run -0 unshare -muC --propagation private \
    overlay-mount --lower "$(rootfs)" --tmpfs-upper "$R" -- \
    pivot --proc --mount cgroup:cgroup:/sys/fs/cgroup:nosuid,noexec,nodev,relatime,ro \
    "$R" -- sh -c 'cat /proc/self/mountinfo; mkdir /sys/fs/cgroup/x || echo ro'
  local m=$output ctl
  assert_line ro
  if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
    run -0 mnt /sys/fs/cgroup <<<"$m"
    assert_output 'ro,nosuid,nodev,noexec,relatime cgroup2 cgroup rw'
  else
    run -0 mnt /sys/fs/cgroup <<<"$m"
    assert_output 'ro,nosuid,nodev,noexec,relatime tmpfs cgroup rw,mode=755'
    # one mount per hierarchy of /proc/self/cgroup, named by its
    # controllers, its root the cgroup namespace's: "/"
    for ctl in $(cut -d: -f2 /proc/self/cgroup | grep .); do
      run -0 mnt "/sys/fs/cgroup/${ctl#name=}" <<<"$m"
      assert_output --regexp "^ro,nosuid,nodev,noexec,relatime cgroup cgroup rw,(.*,)?${ctl}(,|\$)"
      run -0 awk -v p="/sys/fs/cgroup/${ctl#name=}" '$5 == p { print $4 }' <<<"$m"
      assert_output /
    done
  fi
}

@test "pivot: --mount DEST through a symlink: inside the root followed there, '..' out of it refused" {
  mkdir -p "$T/img/etc"
  ln -s ../../../../../../../etc "$T/img/evil"
  ln -s /etc "$T/img/abs"
  ln -s sub/../../.. "$T/img/rel"
  # an absolute symlink is the container's: /abs/x is /etc/x inside
  run -0 unshare -mu overlay-mount --lower "$(rootfs):$T/img" --tmpfs-upper "$R" -- \
    pivot --proc --mount tmpfs:t:/abs/x "$R" -- sh -c 'grep -c " /etc/x " /proc/self/mountinfo'
  assert_output 1
  run -125 unshare -mu overlay-mount --lower "$(rootfs):$T/img" --tmpfs-upper "$R" -- \
    pivot --mount tmpfs:t:/evil/x "$R" -- true
  assert_output 'pivot: mount tmpfs on /evil/x: leads out of the root (through /evil -> ../../../../../../../etc)'
  run -125 unshare -mu overlay-mount --lower "$(rootfs):$T/img" --tmpfs-upper "$R" -- \
    pivot --mount "bind:$T/data:/rel/x:rbind" "$R" -- true
  assert_output 'pivot: mount bind on /rel/x: leads out of the root (through /rel -> sub/../../..)'
  run -125 pv --mount tmpfs:t:/tmp/../../x "$R" -- true
  assert_output 'pivot: mount tmpfs on /tmp/../../x: leads out of the root'
  # nothing was made on the host
  assert_not_exist /x
  assert_not_exist /etc/x
}

@test "pivot: --mount bad specs and failed mounts: 125, the mount named" {
  run -125 pv --mount tmpfs "$R" -- true
  assert_output 'pivot: mount tmpfs: expected TYPE:SOURCE:DEST[:OPTIONS]'
  run -125 pv --mount tmpfs:t "$R" -- true
  assert_output 'pivot: mount tmpfs:t: expected TYPE:SOURCE:DEST[:OPTIONS]'
  run -125 pv --mount :t:/x "$R" -- true
  assert_output 'pivot: mount :t:/x: expected TYPE:SOURCE:DEST[:OPTIONS]'
  run -125 pv --mount tmpfs:t: "$R" -- true
  assert_output 'pivot: mount tmpfs:t:: expected TYPE:SOURCE:DEST[:OPTIONS]'
  run -125 pv --mount bind::/x "$R" -- true
  assert_output 'pivot: mount bind::/x: a bind needs a SOURCE'
  run -125 pv --mount "bind:$T/data:/x:rbind,mode=755" "$R" -- true
  assert_output "pivot: mount bind:$T/data:/x:rbind,mode=755: a bind takes no filesystem options (mode=755)"
  run -125 pv --mount tmpfs:t:/x:tmpcopyup "$R" -- true
  assert_output 'pivot: mount tmpfs:t:/x:tmpcopyup: option tmpcopyup: not supported'
  run -125 pv --mount tmpfs:t:/x:bogus=1 "$R" -- true
  assert_output 'pivot: mount tmpfs on /x: Invalid argument'
  run -125 pv --mount nofs:t:/x "$R" -- true
  assert_output 'pivot: mount nofs on /x: No such device'
  run -125 pv --mount bind:/nonexistent:/x "$R" -- true
  assert_output 'pivot: mount bind /nonexistent: No such file or directory'
  run -125 pv --mount "bind:$T/data:/bin/sh/x" "$R" -- true
  assert_output "pivot: mount bind $T/data on /bin/sh/x: Not a directory"
  run -125 pv --root-propagation sideways "$R" -- true
  assert_output 'pivot: root-propagation sideways: not private, rprivate, slave, rslave, shared, rshared, unbindable or runbindable'
  run -125 pivot --mount
  assert_line --index 0 'pivot: option needs an argument: --mount'
}

@test "pivot: --mknod makes device nodes and FIFOs with mode and owner, into a --mount /dev" {
  run -0 pv --mount tmpfs:tmpfs:/dev:nosuid,mode=755 \
    --mknod /dev/null:c:1:3 --mknod /dev/fuse:c:10:229:0600:0:0 \
    --mknod /dev/loop9:b:7:9:0660:12:6 --mknod /dev/pipe:p:0:0:0640 \
    --mknod /dev/u:u:1:5:0444 --mknod /dev/sub/zero:c:1:5 \
    "$R" -- sh -c 'stat -c "%n %F %t:%T %a %u:%g" /dev/null /dev/fuse /dev/loop9 /dev/pipe /dev/u /dev/sub/zero
      echo x >/dev/null && echo null-ok; head -c 3 /dev/sub/zero | od -An -tx1'
  assert_line '/dev/null character special file 1:3 666 0:0'
  assert_line '/dev/fuse character special file a:e5 600 0:0'
  assert_line '/dev/loop9 block special file 7:9 660 12:6'
  assert_line '/dev/pipe fifo 0:0 640 0:0'
  assert_line '/dev/u character special file 1:5 444 0:0'
  assert_line '/dev/sub/zero character special file 1:5 666 0:0'
  assert_line null-ok
  assert_line ' 00 00 00'
  # a node there already: the same device is kept, another refused
  run -0 pv --dev --mknod /dev/null:c:1:3 "$R" -- true
  run -125 pv --dev --mknod /dev/null:c:1:5 "$R" -- true
  assert_output 'pivot: mknod /dev/null: exists, and is not that device'
}

@test "pivot: --mknod where mknod is not permitted binds the host's node" {
  # a user namespace refuses mknod(2) of a device: the host's /dev/null,
  # same number, is bound instead; a node the host lacks is an error
  run -0 unshare -Urmu --propagation private sh -c '
    mkdir -p "$1" && overlay-mount --lower "$0" --tmpfs-upper "$1" -- \
    pivot --mount tmpfs:tmpfs:/dev --mknod /dev/null:c:1:3 "$1" -- \
    sh -c "stat -c \"%n %t:%T\" /dev/null; echo x >/dev/null && echo ok"' "$(rootfs)" "$T/u"
  assert_output $'/dev/null 1:3\nok'
  run -125 unshare -Urmu --propagation private sh -c '
    mkdir -p "$1" && overlay-mount --lower "$0" --tmpfs-upper "$1" -- \
    pivot --mount tmpfs:tmpfs:/dev --mknod /dev/nope:c:1:3 "$1" -- true' "$(rootfs)" "$T/u"
  assert_output 'pivot: mknod /dev/nope: Operation not permitted, and no such host node to bind'
}

@test "pivot: --mknod bad specs: 125" {
  local s
  for s in /dev/x /dev/x:c /dev/x:c:1 :c:1:3 /dev/x:q:1:3 /dev/x:cc:1:3 \
    /dev/x:c:a:3 /dev/x:c:1:-3 /dev/x:c:4096:0 /dev/x:c:1:3:0666:0 \
    /dev/x:c:1:3:0:0:0:0; do
    run -125 pv --mknod "$s" "$R" -- true
    assert_output "pivot: mknod $s: expected PATH:TYPE:MAJOR:MINOR[:MODE[:UID:GID]] (TYPE c, b, u or p)"
  done
  run -125 pv --mknod /dev/x:c:1:3:999 "$R" -- true
  assert_output 'pivot: mknod /dev/x:c:1:3:999: mode 999: not an octal mode'
  run -125 pv --mknod /dev/x:c:1:3:0666:root:0 "$R" -- true
  assert_output 'pivot: mknod /dev/x:c:1:3:0666:root:0: expected numeric UID:GID'
  run -125 pv --mknod /dev/..:c:1:3 "$R" -- true
  assert_output 'pivot: mknod /dev/..: not a file name'
}

@test "pivot: --sysctl writes namespaced sysctls in the new /proc/sys, before --ro /proc/sys" {
  local shm
  shm=$(cat /proc/sys/kernel/shmmax)
  run -0 unshare -muin --propagation private \
    overlay-mount --lower "$(rootfs)" --tmpfs-upper "$R" -- \
    pivot --proc --ro /proc/sys --sysctl kernel.shmmax=123456 \
    --sysctl net.ipv4.ip_forward=1 --sysctl fs.mqueue.msg_max=42 \
    --sysctl net/ipv4/tcp_syncookies=0 --sysctl kernel.msgmax=9000 \
    "$R" -- sh -c 'cat /proc/sys/kernel/shmmax /proc/sys/net/ipv4/ip_forward \
      /proc/sys/fs/mqueue/msg_max /proc/sys/net/ipv4/tcp_syncookies \
      /proc/sys/kernel/msgmax; echo 1 >/proc/sys/kernel/shmmax || echo ro'
  assert_line --index 0 123456
  assert_line --index 1 1
  assert_line --index 2 42
  assert_line --index 3 0
  assert_line --index 4 9000
  assert_line ro
  # the host's are unchanged
  assert_equal "$(cat /proc/sys/kernel/shmmax)" "$shm"
  run -0 unshare -mu --uts --propagation private \
    overlay-mount --lower "$(rootfs)" --tmpfs-upper "$R" -- \
    pivot --proc --sysctl kernel.hostname=sys-box "$R" -- hostname
  assert_output sys-box
}

@test "pivot: --sysctl refuses what is not namespaced, or not in a namespace of its own, before any mount" {
  run -125 pv --proc --sysctl kernel.core_pattern=x "$R" -- true
  assert_output 'pivot: sysctl kernel.core_pattern: not namespaced (only kernel.msg*, kernel.sem, kernel.shm*, fs.mqueue.*, net.*, kernel.hostname, kernel.domainname)'
  run -125 pv --proc --sysctl vm.overcommit_memory=1 "$R" -- true
  assert_output --partial 'pivot: sysctl vm.overcommit_memory: not namespaced'
  run -125 pv --proc --sysctl kernel.semx=1 "$R" -- true
  assert_output --partial 'pivot: sysctl kernel.semx: not namespaced'
  # pv makes mount and uts namespaces only: the host's ipc and net
  run -125 pv --proc --sysctl kernel.shmmax=1 "$R" -- true
  assert_output 'pivot: sysctl kernel.shmmax: needs its own ipc namespace (ns-enter --ipc)'
  run -125 pv --proc --sysctl net.ipv4.ip_forward=1 "$R" -- true
  assert_output 'pivot: sysctl net.ipv4.ip_forward: needs its own net namespace (ns-enter --net)'
  run -125 pv --proc --sysctl fs.mqueue.msg_max=1 "$R" -- true
  assert_output 'pivot: sysctl fs.mqueue.msg_max: needs its own ipc namespace (ns-enter --ipc)'
  local s
  for s in 'net..x=1' '../x=1' 'net/../kernel/core_pattern=1' '.net.x=1' 'net.x/=1' 'net x=1'; do
    run -125 pv --proc --sysctl "$s" "$R" -- true
    assert_output "pivot: sysctl ${s%%=*}: not a sysctl name"
  done
  run -125 pv --proc --sysctl net.ipv4.ip_forward "$R" -- true
  assert_output 'pivot: sysctl net.ipv4.ip_forward: expected KEY=VALUE'
  run -125 pv --proc --sysctl =1 "$R" -- true
  assert_output 'pivot: sysctl =1: expected KEY=VALUE'
  # a key the kernel does not have, no proc in the new root, a bad value
  run -125 unshare -mun --propagation private overlay-mount --lower "$(rootfs)" \
    --tmpfs-upper "$R" -- pivot --proc --sysctl net.nope=1 "$R" -- true
  assert_output 'pivot: sysctl net.nope: open /proc/sys/net/nope: No such file or directory'
  run -125 unshare -mun --propagation private overlay-mount --lower "$(rootfs)" \
    --tmpfs-upper "$R" -- pivot --sysctl net.ipv4.ip_forward=1 "$R" -- true
  assert_output 'pivot: sysctl net.ipv4.ip_forward: open /proc/sys/net/ipv4/ip_forward: No such file or directory'
  run -125 unshare -mun --propagation private overlay-mount --lower "$(rootfs)" \
    --tmpfs-upper "$R" -- pivot --proc --sysctl net.ipv4.ip_forward=x "$R" -- true
  assert_output 'pivot: sysctl net.ipv4.ip_forward=x: Invalid argument'
}

# A namespace that follows the host's mounts (slave) or shares them
# (unchanged), NEWROOT a copy of the rootfs on a shared tmpfs of the
# test's ($T/m), a bind source on another ($T/v): runc's layout.
prop_setup() {
  mkdir -p "$T/m" "$T/v"
  mount -t tmpfs prop "$T/m"
  mount --make-shared "$T/m"
  mount -t tmpfs vol "$T/v"
  mount --make-shared "$T/v"
  cp -a "$(rootfs)" "$T/m/root"
  mkdir -p "$T/m/root/mnt/x" "$T/v/x"
}

@test "pivot: --root-propagation rslave: the host's mounts made later under NEWROOT and a bind source arrive, not through rprivate" {
  prop_setup
  local m pid
  for m in rslave rprivate; do
    rm -f "$T/m/ready" "$T/m/go"
    ns-enter --mount --propagation slave -- pivot --proc \
      --mount "bind:$T/v:/v1:rbind,rslave" --mount "bind:$T/v:/v2:rbind,rprivate" \
      --mount "bind:$T/m:/m:bind" --root-propagation "$m" "$T/m/root" -- \
      sh -c 'touch /m/ready; until [ -e /m/go ]; do sleep 0.1; done
for f in /mnt/x/f /v1/x/f /v2/x/f; do cat "$f" 2>/dev/null || echo "$f none"; done' \
      >"$T/$m" 2>&1 &
    pid=$!
    wait_for test -e "$T/m/ready"
    mount -t tmpfs host "$T/m/root/mnt/x"
    mount -t tmpfs host "$T/v/x"
    echo host | tee "$T/m/root/mnt/x/f" >"$T/v/x/f"
    touch "$T/m/go"
    wait "$pid"
    umount "$T/m/root/mnt/x" "$T/v/x"
  done
  run -0 cat "$T/rslave"
  assert_output $'host\nhost\n/v2/x/f none'
  run -0 cat "$T/rprivate"
  assert_output $'/mnt/x/f none\n/v1/x/f none\n/v2/x/f none'
}

@test "pivot: --root-propagation rshared: a mount made under an rshared bind reaches the host; the old root's detach does not" {
  prop_setup
  local before
  before=$(wc -l </proc/self/mountinfo)
  run -0 ns-enter --mount --propagation unchanged -- pivot --proc \
    --mount "bind:$T/v:/v:rbind,rshared" --root-propagation rshared "$T/m/root" -- \
    sh -c 'mount -t tmpfs inside /v/x && echo inside >/v/x/f && awk '\''$5 == "/" || $5 == "/proc" { print $5, ($7 ~ /^shared:/) ? "shared" : $7 }'\'' /proc/self/mountinfo'
  assert_output $'/ shared\n/proc shared'
  run -0 cat "$T/v/x/f"
  assert_output inside
  umount "$T/v/x"
  # the host lost none of its mounts (the detached old root was a peer
  # of its shared ones), and NEWROOT's holder stays shared on the host
  assert_equal "$(wc -l </proc/self/mountinfo)" "$before"
  run -0 findmnt -no PROPAGATION "$T/m"
  assert_output shared
}
