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
  for o in proc dev nodev device sys tmp bind mask ro readonly workdir exec-from-host keep-fd help; do
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
