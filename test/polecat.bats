#!/usr/bin/env bats
# polecat: self-executable container apps: build (script, merge, pack),
# run (argv, status, stdio as minc), reproducible output, errors, no leaks

load 'lib/common'

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
    if [ -z "$(losetup -j "$1")" ] && ! pgrep -f 'sleep 31337' >/dev/null &&
      ! grep -q "${1##*/}" /proc/self/mountinfo; then
      return 0
    fi
    sleep 0.1
  done
  losetup -j "$1"
  pgrep -af 'sleep 31337' || :
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
    [ -n "$(losetup -j "$T/ps.sh")" ] && pgrep -f "sleep 31337" >/dev/null && break
    sleep 0.05
  done
  run -0 pgrep -f 'sleep 31337'
  # the loop device is autoclear: freed when its mount goes
  run -0 losetup -l -n -O AUTOCLEAR -j "$T/ps.sh"
  assert_output --regexp '1$'
  kill -KILL "$app_pid"
  wait "$app_pid" || :
  app_pid=''
  run -0 nothing_left "$T/ps.sh"
}

@test "polecat: a file that ends normally leaves nothing mounted either" {
  polecat -o "$T/ps.sh" "$R" true
  for _ in 1 2 3; do "$T/ps.sh"; done
  run -0 nothing_left "$T/ps.sh"
}

@test "polecat: as a user, what is missing is said plainly: 125" {
  polecat -o "$T/app" "$R" true
  chmod 755 "$T"
  run -125 setpriv --reuid 65534 --regid 65534 --clear-groups "$T/app"
  assert_output --regexp '^polecat: running as a user needs .*; run as root$'
}
