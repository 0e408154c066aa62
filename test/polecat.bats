#!/usr/bin/env bats
# polecat: self-executable container apps: build (script, merge, pack),
# run (argv, status, stdio as minc), reproducible output, errors, no leaks

load 'lib/common'

# A user's run, for real: a user made here with a range in /etc/subuid
# and /etc/subgid (the full map), and nobody (no range: the single map);
# /dev/fuse open to users, as udev makes it (0666), for this file's run.
setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  export PU=mpolecat$$
  useradd -m "$PU"
  grep -q "^$PU:" /etc/subuid || echo "$PU:400000:65536" >>/etc/subuid
  grep -q "^$PU:" /etc/subgid || echo "$PU:400000:65536" >>/etc/subgid
  export FUSE_MODE
  FUSE_MODE=$(stat -c %a /dev/fuse)
  chmod 0666 /dev/fuse
}

teardown_file() {
  [ -n "${PU-}" ] || return 0
  local u
  [ -z "${FUSE_MODE-}" ] || chmod "$FUSE_MODE" /dev/fuse
  u=$(id -u "$PU") || return 0
  pkill -KILL -u "$PU" 2>/dev/null || :
  # a failed test's mounts (the watcher unmounts them otherwise)
  grep -o -e " /tmp/mustela-$u/polecat\.[^ ]*" \
    -e " /tmp/mustela-65534/polecat\.[^ ]*" /proc/self/mountinfo |
    while read -r m; do umount -l "$m"; done
  userdel -r "$PU" 2>/dev/null || :
  sed -i "/^$PU:/d" /etc/subuid /etc/subgid
  # the user's state directory; nobody's mount points and compiled
  # profiles of these files
  rm -rf "/tmp/mustela-$u" /tmp/mustela-65534/polecat.* \
    /tmp/mustela-65534/seccomp/%tmp%mustela-65534%polecat.*
}

setup() {
  container_setup
}

teardown() {
  # a test that failed half-way may have left its app running: its pid
  [ -z "${app_pid-}" ] || kill -KILL "$app_pid" 2>/dev/null || :
  container_teardown
}

# FILE: no process runs FILE's container, no loop device holds FILE, FILE is
# mounted nowhere (waits up to 5 s: the kernel frees them as the namespace
# goes)
nothing_left() {
  local i
  for i in $(seq 50); do
    if [ -z "$(losetup -j "$1")" ] && ! pgrep -f '^sleep 31337$' >/dev/null &&
      ! grep -q "${1##*/}" /proc/self/mountinfo; then
      return 0
    fi
    sleep 0.1
  done
  losetup -j "$1"
  pgrep -af '^sleep 31337$' || :
  return 1
}

@test "polecat: --help on stdout, exit 0; --version" {
  run -0 --separate-stderr polecat --help
  assert_line --index 0 'Usage: polecat [options] ROOTFS|IMAGE [COMMAND [ARGS...]]'
  run -0 polecat --version
  assert_output 'polecat (mustela) 0.1'
}

@test "polecat: unknown flag, a flag without argument, a bad format, no rootfs: 125" {
  run -125 polecat --bogus "$R"
  assert_output 'polecat: unknown option: --bogus (see polecat --help)'
  run -125 polecat -o
  assert_output 'polecat: -o: option requires an argument'
  run -125 polecat -f zip "$R"
  assert_output 'polecat: --format zip: unknown format (sh, squashfs, tgz)'
  run -125 polecat
  assert_output 'polecat: usage: polecat [options] ROOTFS|IMAGE [COMMAND [ARGS...]]'
  run -125 polecat -f tgz -o "$T/x.tgz" "$R" ls
  assert_output 'polecat: COMMAND: only with --format sh (an image runs what its runner says)'
}

@test "polecat: MINCS's test: ps built into a file lists the container's processes" {
  run -0 polecat -o "$T/ps.sh" "$R" ps
  assert [ -x "$T/ps.sh" ]
  run -0 "$T/ps.sh"
  assert_line --index 0 --regexp '^ *PID +USER +(TIME +)?COMMAND$'
  assert_line --index 1 --regexp '^ +1 root +ps$'
  assert_equal "${#lines[@]}" 2
  assert_file_not_exists "$T/ps.sh.polecat."*
  assert_nothing_left_mounted
}

assert_nothing_left_mounted() {
  run -0 nothing_left "$T/ps.sh"
}

@test "polecat: argv, status, stdin, stdout and stderr pass through as with minc" {
  polecat -o "$T/app" "$R" sh -c 'echo built'
  run -0 --separate-stderr "$T/app"
  assert_output built
  assert_equal "$stderr" ''
  # its own arguments replace the command it was built with
  run -0 --separate-stderr "$T/app" echo 'a  b' '' "c'd" '$HOME' --help
  assert_output "a  b  c'd \$HOME --help"
  run -3 "$T/app" sh -c 'echo err >&2; exit 3'
  assert_output err
  run -127 "$T/app" nosuchcommand
  run -126 "$T/app" /etc/passwd
  run -138 "$T/app" sh -c 'sh -c "kill -USR1 \$\$"; exit $?'
  run -0 bash -c 'echo piped | "$1" cat' sh "$T/app"
  assert_output piped
  # run through PATH, from another directory, with an almost empty
  # environment: the file carries its own minc
  run -0 env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ \
    bash -c 'cd / && PATH=$1:$PATH app hostname' sh "$T"
  assert_output minc
}

@test "polecat: -s SCRIPT runs in the container; its changes, deletions included, are packed" {
  local before
  before=$(tree_sum "$R")
  cat >"$T/build.sh" <<'SH'
set -e
rm /bin/vi
rm -r /home/user
mkdir -p /opt/app
echo "built in $(hostname)" >/opt/app/hello
SH
  run -0 polecat -s "$T/build.sh" -o "$T/app" "$R" cat /opt/app/hello
  run -0 "$T/app"
  assert_output 'built in minc'
  run -1 "$T/app" ls /bin/vi /home/user /dev/.polecat-script
  assert_line 'ls: /bin/vi: No such file or directory'
  assert_line 'ls: /home/user: No such file or directory'
  assert_line 'ls: /dev/.polecat-script: No such file or directory'
  # nothing of mustela in the container's root
  run -0 "$T/app" ls -a /
  refute_line --partial polecat
  refute_line mustela
  # the rootfs itself is untouched
  assert_equal "$(tree_sum "$R")" "$before"
}

@test "polecat: the same inputs give the same bytes (sh, squashfs, tgz)" {
  echo 'echo x >/x; rm /bin/vi' >"$T/s"
  local f
  for f in sh squashfs tgz; do
    polecat -f "$f" -s "$T/s" -o "$T/a.$f" "$R"
    polecat -f "$f" -s "$T/s" -o "$T/b.$f" "$R"
    cmp "$T/a.$f" "$T/b.$f"
  done
  # and SOURCE_DATE_EPOCH sets every time
  SOURCE_DATE_EPOCH=86400 polecat -f tgz -o "$T/c.tgz" "$R"
  run -0 tar -tvzf "$T/c.tgz" ./etc/passwd
  assert_output --partial '0/0 '
  assert_output --partial '1970-01-02'
}

@test "polecat: -f squashfs is the bare tree, -f tgz a tarball of it" {
  echo 'echo x >/x; rm /bin/vi' >"$T/s"
  polecat -f squashfs -s "$T/s" -o "$T/img" "$R"
  run -0 unsquashfs -d '' -l "$T/img"
  assert_line /x
  assert_line /etc/passwd
  refute_line /bin/vi
  refute_line --partial mustela
  polecat -f tgz -s "$T/s" -o "$T/t.tgz" "$R"
  run -0 tar -tzf "$T/t.tgz"
  assert_line ./x
  assert_line ./etc/passwd
  refute_line ./bin/vi
  run -0 stat -c %a "$T/img" "$T/t.tgz"
  assert_output $'644\n644'
}

@test "polecat: a marten image: its layers, and the script over them" {
  export MUSTELA_DIR=$T/store
  marten import "$R" polecat-test >/dev/null
  echo 'echo from-image >/x' >"$T/s"
  run -0 polecat -s "$T/s" -o "$T/app" polecat-test cat /x
  run -0 "$T/app"
  assert_output from-image
}

@test "polecat: a missing rootfs, a failing script, an unwritable output: clear error, 125, no partial file" {
  mkdir "$T/out"
  run -125 polecat -o "$T/out/app" /nonexistent
  assert_output 'polecat: rootfs /nonexistent: No such directory or image'
  run -125 polecat -o "$T/out/app" /etc/passwd
  assert_output 'polecat: rootfs /etc/passwd: Not a directory'
  run -125 polecat -s "$T/nosuch" -o "$T/out/app" "$R"
  assert_output "polecat: script $T/nosuch: No such file"
  echo 'echo partly; exit 4' >"$T/fail.sh"
  run -125 --separate-stderr polecat -s "$T/fail.sh" -o "$T/out/app" "$R"
  assert_equal "$stderr" 'polecat: script failed with status 4'
  run -125 polecat -o "$T/nodir/app" "$R"
  assert_output "polecat: output $T/nodir/app: No such file or directory"
  run -125 polecat -o "$T/out" "$R"
  assert_output "polecat: output $T/out: Is a directory"
  # a directory that cannot be written, even by root: read-only
  mkdir "$T/ro"
  mount -t tmpfs -o ro tmpfs "$T/ro"
  run -125 polecat -o "$T/ro/app" "$R"
  umount "$T/ro"
  assert_output "polecat: output $T/ro/app: Read-only file system"
  run -0 ls -A "$T/out"
  assert_output ''
  run -0 find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'polecat.*' -newer "$T/fail.sh"
  assert_output ''
}

@test "polecat: SIGKILL of the running file leaves no mount, loop device or process" {
  polecat -o "$T/ps.sh" "$R" sleep 31337
  "$T/ps.sh" &
  app_pid=$!
  local i
  for i in $(seq 100); do
    [ -n "$(losetup -j "$T/ps.sh")" ] && pgrep -f '^sleep 31337$' >/dev/null && break
    sleep 0.05
  done
  run -0 pgrep -f '^sleep 31337$'
  # the loop device is autoclear: freed when its mount goes
  run -0 losetup -l -n -O AUTOCLEAR -j "$T/ps.sh"
  assert_output --regexp '1$'
  kill -KILL "$app_pid"
  wait "$app_pid" || :
  app_pid=''
  run -0 nothing_left "$T/ps.sh"
}

@test "polecat: a root run execs minc's programs and 4 more; its seccomp profile is compiled once" {
  local m n id
  polecat -o "$T/app" "$R" true
  "$T/app"
  strace -f -qq -e trace=execve -e signal=none -o "$T/trace" "$T/app"
  strace -f -qq -e trace=execve -e signal=none -o "$T/mtrace" minc -r "$R" true
  n=$(grep -c 'execve(.*= 0$' "$T/trace")
  m=$(grep -c 'execve(.*= 0$' "$T/mtrace")
  grep 'execve(' "$T/trace" >&2
  # the file, unshare, sh (the mount's namespace), mount; no id, no
  # re-exec of itself, no seccomp-load --compile the second time
  assert_equal "$n" "$((m + 4))"
  run -1 grep -F -e '"--compile"' -e '["id"' -e '["readlink"' "$T/trace"
  # minc keeps the compiled profile by its path: the mount point names
  # the image, so two images never share one (a stale program is compiled
  # again in every run)
  id=$(sed -n 's/^offset=[0-9]* id=\([0-9a-f]*\) .*/\1/p' "$T/app" | head -1)
  assert [ -n "$id" ]
  run -0 ls /run/mustela/seccomp/
  assert_line --partial "%run%mustela%polecat%$id%mustela%share%seccomp%"
}

@test "polecat: a file that ends normally leaves nothing mounted either" {
  polecat -o "$T/ps.sh" "$R" true
  for _ in 1 2 3; do "$T/ps.sh"; done
  run -0 nothing_left "$T/ps.sh"
}

# as USER (a name or nobody), with a clean environment
as() { # USER COMMAND...
  local u=$1
  shift
  setpriv --reuid "$u" --regid "$(id -g "$u")" --init-groups env -i PATH="$PATH" HOME=/ "$@"
}

# UID FILE: no live process of UID runs a file of $T or from FILE's mount
# point, or the tests' sleep 3133N (zombies wait for init; other tests may run as nobody meanwhile),
# FILE is not mounted in UID's state directory, its runs' mount points
# and the seccomp profiles minc compiled below them are gone (waits up to
# 20 s: the watcher polls every 0.1 s, on a loaded machine)
user_nothing_left() {
  local i id
  id=$(sed -n 's/^offset=[0-9]* id=\([0-9a-f]*\) .*/\1/p' "$2" | head -1)
  for i in $(seq 200); do
    if ! ps -o stat=,args= -u "$1" | grep -v '^Z' |
      grep -q -F -e "$T/" -e "/polecat.$id." -e 'sleep 3133' &&
      ! grep -q " /tmp/mustela-$1/polecat\.$id\." /proc/self/mountinfo &&
      ! compgen -G "/tmp/mustela-$1/polecat.$id.*" >/dev/null &&
      ! compgen -G "/tmp/mustela-$1/seccomp/*%polecat.$id.*" >/dev/null; then
      return 0
    fi
    sleep 0.1
  done
  ps -o pid,stat,args -u "$1"
  grep " /tmp/mustela-$1/" /proc/self/mountinfo
  ls -A "/tmp/mustela-$1" "/tmp/mustela-$1/seccomp"
  return 1
}

@test "polecat: as a user: MINCS's ps test; argv, status, stdin, stdout, stderr as with minc; nothing left" {
  local u
  u=$(id -u "$PU")
  chmod 755 "$T"
  polecat -o "$T/ps.sh" "$R" ps
  run -0 --separate-stderr as "$PU" "$T/ps.sh"
  assert_line --index 0 --regexp '^ *PID +USER +(TIME +)?COMMAND$'
  assert_line --index 1 --regexp '^ +1 root +ps$'
  assert_equal "${#lines[@]}" 2
  assert_equal "$stderr" ''
  run -0 --separate-stderr as "$PU" "$T/ps.sh" echo 'a  b' '' "c'd" '$HOME' --help
  assert_output "a  b  c'd \$HOME --help"
  run -3 as "$PU" "$T/ps.sh" sh -c 'echo err >&2; exit 3'
  assert_output err
  run -127 as "$PU" "$T/ps.sh" nosuchcommand
  run -0 as "$PU" sh -c 'echo piped | "$1" cat' sh "$T/ps.sh"
  assert_output piped
  # the container's root is the user, and owns its tree: it can write it
  run -0 as "$PU" "$T/ps.sh" sh -c 'cat /proc/self/uid_map; echo x >/etc/x; stat -c %U /etc/passwd'
  assert_line --index 0 --regexp "^ +0 +$u +1$"
  assert_line --index 2 root
  user_nothing_left "$u" "$T/ps.sh"
}

@test "polecat: as nobody (no range): the single map, minc's warning once" {
  chmod 755 "$T"
  polecat -o "$T/ps.sh" "$R" ps
  run -0 --separate-stderr as nobody "$T/ps.sh"
  assert_line --index 1 --regexp '^ +1 root +ps$'
  assert_equal "${#lines[@]}" 2
  assert_equal "$stderr" "minc: warning: no range for nobody in /etc/subuid and /etc/subgid (or no newuidmap): only uid 65534 is mapped, to 0; files of other ids show as nobody, setuid and chown to other ids fail"
  user_nothing_left 65534 "$T/ps.sh"
}

@test "polecat: as a user, SIGKILL of the running file, or a hangup of its group, leaves no mount, squashfuse or process" {
  local u i
  u=$(id -u "$PU")
  chmod 755 "$T"
  polecat -o "$T/app" "$R" sleep 31337
  # setpriv and env exec: $! is the file's process (not through the
  # function as: a subshell of bash's would be $!)
  setpriv --reuid "$u" --regid "$(id -g "$PU")" --init-groups \
    env -i PATH="$PATH" HOME=/ "$T/app" &
  app_pid=$!
  for i in $(seq 100); do
    pgrep -u "$u" -f '^sleep 31337$' >/dev/null &&
      grep -q " /tmp/mustela-$u/polecat\." /proc/self/mountinfo && break
    sleep 0.05
  done
  run -0 pgrep -u "$u" -x squashfuse
  run -0 pgrep -u "$u" -f '^sleep 31337$'
  kill -KILL "$app_pid"
  wait "$app_pid" || :
  app_pid=''
  user_nothing_left "$u" "$T/app"
  # a hangup of its whole process group (a closed terminal): the watcher
  # outlives it (setsid: a group of its own, led by the file's process;
  # the container's pid 1 ends on a hangup only with a handler)
  polecat -o "$T/happ" "$R" sh -c 'trap "exit 129" HUP; sleep 31338 & wait'
  setsid setpriv --reuid "$u" --regid "$(id -g "$PU")" --init-groups \
    env -i PATH="$PATH" HOME=/ "$T/happ" &
  app_pid=$!
  for i in $(seq 100); do
    pgrep -u "$u" -f '^sleep 31338$' >/dev/null &&
      grep -q " /tmp/mustela-$u/polecat\." /proc/self/mountinfo && break
    sleep 0.05
  done
  run -0 pgrep -u "$u" -f '^sleep 31338$'
  kill -HUP -- "-$app_pid"
  # (a file the hangup did not end is killed after 30 s: 137, not 129)
  for i in $(seq 300); do
    kill -0 "$app_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$app_pid" 2>/dev/null || :
  run -129 wait "$app_pid"
  app_pid=''
  user_nothing_left "$u" "$T/happ"
}

@test "polecat: as a user, no squashfuse, no fusermount3, /dev/fuse closed: said plainly, 125" {
  chmod 755 "$T"
  polecat -o "$T/app" "$R" true
  # the stub needs no program before these checks
  run -125 as "$PU" env PATH=/nonexistent "$T/app"
  assert_output "polecat: running as a user needs squashfuse (not found in PATH; Debian: squashfuse); run as root"
  mkdir "$T/bin"
  ln -s "$(command -v squashfuse)" "$T/bin/"
  run -125 as "$PU" env PATH="$T/bin" "$T/app"
  assert_output "polecat: running as a user needs fusermount3 (not found in PATH; Debian: fuse3); run as root"
  chmod 0600 /dev/fuse
  run -125 as "$PU" "$T/app"
  chmod 0666 /dev/fuse
  assert_output "polecat: /dev/fuse: Permission denied (udev makes it 0666: chmod 0666 /dev/fuse)"
  user_nothing_left "$(id -u "$PU")" "$T/app"
}

# an arm64 tree of three applets, from Debian's busybox-static:arm64 (the
# arm64 architecture of dpkg: test/lib/install-deps); print its path
arm64_tree() {
  local a=$T/arm64 x
  mkdir -p "$T/deb" "$a/bin" "$a/etc" "$a/dev" "$a/proc" "$a/sys" "$a/tmp"
  (cd "$T/deb" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1) ||
    return 1
  dpkg-deb -x "$T"/deb/busybox-static_*_arm64.deb "$T/deb/x"
  cp "$T/deb/x/bin/busybox" "$a/bin/"
  for x in sh uname cat; do ln -s busybox "$a/bin/$x"; done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$a/etc/passwd"
  echo "$a"
}

@test "polecat: --arch arm64: the script and the file run the arm64 tree through qemu-user; a bad name: 125" {
  local a
  a=$(arm64_tree)
  echo 'uname -m >/built' >"$T/s"
  run -0 polecat --arch arm64 -s "$T/s" -o "$T/app" "$a" cat /built
  run -0 --separate-stderr "$T/app"
  assert_output aarch64
  run -3 "$T/app" sh -c 'uname -m; exit 3'
  assert_output aarch64
  chmod 755 "$T"
  run -0 --separate-stderr as "$PU" "$T/app" uname -m
  assert_output aarch64
  user_nothing_left "$(id -u "$PU")" "$T/app"
  # --cross is the same; a name minc does not know is said at build time
  run -125 polecat --cross arm65 -o "$T/bad" "$a"
  assert_output "polecat: --arch arm65: unknown architecture (arm64 arm amd64 i386 ppc64el s390x riscv64 mips64el loong64)"
  assert_file_not_exists "$T/bad"
}

