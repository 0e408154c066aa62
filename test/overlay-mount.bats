#!/usr/bin/env bats
# overlay-mount: layers, upper/work, volatile tmpfs upper, long layer lists

load 'lib/common'

setup() {
  need_root
  T=$(mktemp -d)
  mkdir -p "$T"/l1 "$T"/l2 "$T"/up "$T"/wk "$T"/mnt
  echo one >"$T"/l1/a
  echo two >"$T"/l2/a
  echo low >"$T"/l2/b
}

teardown() {
  rm -rf "$T"
}

# Every test mounts in a private mount namespace: nothing reaches the host.
om() {
  unshare -m --propagation private overlay-mount "$@"
}

@test "overlay-mount: -h prints the usage on stdout, exit 0" {
  run -0 overlay-mount -h
  assert_output --partial 'overlay-mount: usage: overlay-mount --lower DIR'
}

@test "overlay-mount: no program is a usage error, 125" {
  run -125 om --lower "$T/l1" --tmpfs-upper "$T/mnt"
  assert_output --partial 'overlay-mount: usage:'
}

@test "overlay-mount: unknown option is a usage error, 125" {
  run -125 overlay-mount --bogus x
  assert_line --index 0 'overlay-mount: unknown option: --bogus'
  assert_line --index 1 --partial 'overlay-mount: usage: overlay-mount '
}

@test "overlay-mount: --upper without --work is a usage error" {
  run -125 overlay-mount --lower "$T/l1" --upper "$T/up" "$T/mnt" true
  assert_output "overlay-mount: --upper needs --work"
  run -125 overlay-mount --lower "$T/l1" --work "$T/wk" "$T/mnt" true
  assert_output "overlay-mount: --work needs --upper"
  run -125 overlay-mount --lower "$T/l1" --tmpfs-upper --work "$T/wk" "$T/mnt" true
  assert_output "overlay-mount: --tmpfs-upper excludes --upper and --work"
}

@test "overlay-mount: -h has a line for every option" {
  local o
  run -0 overlay-mount -h
  assert_line --index 0 --partial 'overlay-mount: usage: overlay-mount --lower DIR'
  for o in lower upper work tmpfs-upper help; do
    assert_line --regexp "^  (-h, )?--$o( |$)"
  done
}

@test "overlay-mount: an unusable work directory is said why, not EINVAL" {
  # on another mount than the upper directory (as a script would run it)
  mkdir "$T/other"
  run -125 unshare -m sh -c "mount -t tmpfs tmpfs '$T/other' && mkdir '$T/other/wk' &&
    exec overlay-mount --lower '$T/l1' --upper '$T/up' --work '$T/other/wk' '$T/mnt' -- true"
  assert_output "overlay-mount: mount overlay on $T/mnt: the work directory $T/other/wk is not on the upper directory's mount (file system)"
  # inside the upper directory, or the same
  mkdir "$T/up/wk"
  run -125 om --lower "$T/l1" --upper "$T/up" --work "$T/up/wk" "$T/mnt" -- true
  assert_output "overlay-mount: mount overlay on $T/mnt: the work directory $T/up/wk and the upper directory $T/up must be separate, neither inside the other"
  run -125 om --lower "$T/l1" --upper "$T/up" --work "$T/up" "$T/mnt" -- true
  assert_output "overlay-mount: mount overlay on $T/mnt: the work directory $T/up and the upper directory $T/up must be separate, neither inside the other"
  # a work directory that is not empty is taken (the kernel cleans its own)
  rmdir "$T/up/wk"
  echo x >"$T/wk/junk"
  run -0 om --lower "$T/l1" --upper "$T/up" --work "$T/wk" "$T/mnt" -- cat "$T/mnt/a"
  assert_output one
}

@test "overlay-mount: a missing lower directory is named in the error" {
  run -125 om --lower "$T/nope" --tmpfs-upper "$T/mnt" -- true
  assert_output "overlay-mount: mount overlay on $T/mnt: No such file or directory"
}

@test "overlay-mount: exit codes: 127 not found, 126 not executable, status, signal" {
  run -127 om --lower "$T/l1" --tmpfs-upper "$T/mnt" -- /nonexistent
  assert_output "overlay-mount: exec /nonexistent: No such file or directory"
  run -126 om --lower "$T/l1" --tmpfs-upper "$T/mnt" -- "$T/l1/a"
  run -3 om --lower "$T/l1" --tmpfs-upper "$T/mnt" -- sh -c 'exit 3'
  run -143 om --lower "$T/l1" --tmpfs-upper "$T/mnt" -- sh -c 'kill -TERM $$'
}

@test "overlay-mount: the first lower layer is on top; writes go to the upper dir" {
  run -0 om --lower "$T/l1:$T/l2" --upper "$T/up" --work "$T/wk" "$T/mnt" -- \
    sh -c "cat '$T/mnt/a' '$T/mnt/b'; echo new >'$T/mnt/c'; rm '$T/mnt/b'"
  assert_output $'one\nlow'
  assert_file_exists "$T/up/c"
  assert_file_exists "$T/l2/b"
  [ ! -e "$T/l1/c" ]
  # overlay's whiteout for the deleted file: a 0/0 character device
  [ -c "$T/up/b" ]
}

@test "overlay-mount: --lower repeated stacks in the order given" {
  run -0 om --lower "$T/l2" --lower "$T/l1" --tmpfs-upper "$T/mnt" -- cat "$T/mnt/a"
  assert_output two
}

@test "overlay-mount: --tmpfs-upper keeps nothing after exit" {
  run -0 om --lower "$T/l1" --tmpfs-upper "$T/mnt" -- \
    sh -c "echo x >'$T/mnt/new'; cat '$T/mnt/new'"
  assert_output x
  [ ! -e "$T/mnt/new" ]
  [ ! -e "$T/l1/new" ]
  [ -z "$(ls -A "$T/mnt")" ]
}

@test "overlay-mount: --userxattr: a user namespace removes a lower directory (an opaque one in user.*)" {
  mkdir -p "$T/l1/d"
  touch "$T/l1/d/f"
  # without it, overlayfs cannot write trusted.* in a user namespace: EIO
  run -1 unshare -Urm --propagation private overlay-mount --lower "$T/l1" \
    --upper "$T/up" --work "$T/wk" "$T/mnt" -- rm -rf "$T/mnt/d"
  assert_output --partial "Input/output error"
  rm -rf "$T/up" "$T/wk"
  mkdir "$T/up" "$T/wk"
  run -0 unshare -Urm --propagation private overlay-mount --lower "$T/l1" \
    --upper "$T/up" --work "$T/wk" --userxattr "$T/mnt" -- \
    sh -c "rm -rf '$T/mnt/d' && mkdir '$T/mnt/d' && ls -A '$T/mnt/d' && echo ok"
  assert_output ok
  run -0 getfattr --absolute-names --only-values -n user.overlay.opaque "$T/up/d"
  assert_output y
  [ -e "$T/l1/d/f" ]
}

@test "overlay-mount: 100 layers with long paths (option string over a page)" {
  local d lowers="" i
  d="$T/$(printf 'layer-directory-with-a-rather-long-name-%.0s' 1 2)"
  for i in $(seq 1 100); do
    mkdir -p "$d/$i"
    echo "$i" >"$d/$i/f$i"
    lowers="$lowers${lowers:+:}$d/$i"
  done
  [ "${#lowers}" -gt 4096 ]
  run -0 om --lower "$lowers" --tmpfs-upper "$T/mnt" -- \
    sh -c "cat '$T/mnt/f1' '$T/mnt/f100'"
  assert_output $'1\n100'
}

@test "overlay-mount: nothing is left mounted on the host" {
  run -0 om --lower "$T/l1" --tmpfs-upper "$T/mnt" -- true
  run -1 grep -F "$T/mnt" /proc/self/mountinfo
}
