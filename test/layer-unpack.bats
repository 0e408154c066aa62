#!/usr/bin/env bats
# layer-unpack: every entry kind, overlay whiteouts, and hostile archives
# that must leave everything outside the layer untouched

load 'lib/common'
load 'lib/registry'

setup() {
  need_root
  T=$(mktemp -d)
  mkdir -p "$T/src" "$T/layer" "$T/outside" "$T/s"
  echo precious >"$T/outside/file"
  OUTSIDE_SUM=$(tree_sum "$T/outside")
}

teardown() {
  rm -rf "$T"
}

# The outside directory is exactly as setup left it.
outside_untouched() {
  assert_equal "$(tree_sum "$T/outside")" "$OUTSIDE_SUM"
  assert_equal "$(cat "$T/outside/file")" precious
}

@test "layer-unpack: -h prints the usage on stdout, exit 0" {
  run -0 layer-unpack -h
  assert_line --index 0 'layer-unpack: usage: layer-unpack [--plain] [--userxattr] DIR'
}

@test "layer-unpack: -h has a line for every option" {
  local o
  run -0 layer-unpack -h
  for o in plain help; do
    assert_line --regexp "^  (-h, )?--$o( |$)"
  done
}

@test "layer-unpack: no DIR, two DIRs, unknown option: usage errors, 125" {
  run -125 layer-unpack
  assert_output --partial 'layer-unpack: usage:'
  run -125 layer-unpack a b
  run -125 layer-unpack --bogus "$T/layer"
  assert_line --index 0 'layer-unpack: unknown option: --bogus'
  assert_line --index 1 --partial 'layer-unpack: usage: layer-unpack '
}

@test "layer-unpack: a missing DIR is named in the error" {
  run -125 layer-unpack "$T/nope" </dev/null
  assert_output "layer-unpack: open $T/nope: No such file or directory"
}

@test "layer-unpack: files, dirs, hardlinks, symlinks, devices, fifos, setuid, owners, mtimes, xattrs" {
  local s=$T/src
  mkdir -p "$s/d/sub"
  echo hi >"$s/d/file"
  ln "$s/d/file" "$s/hard"
  ln -s d/file "$s/rel"
  ln -s /etc/shadow "$s/abs"
  mknod "$s/null" c 1 3
  mknod "$s/blk" b 7 0
  mkfifo "$s/fifo"
  printf '#!/bin/sh\n' >"$s/suid"
  chmod 4755 "$s/suid"
  chmod 2751 "$s/d/sub"
  chown 1000:100 "$s/d" "$s/d/file"
  chown -h 33:33 "$s/rel"
  setfattr -n user.color -v blue "$s/d/file"
  touch -d '2001-02-03 04:05:06' "$s/d/file" "$s/d/sub" "$s/d"
  touch -h -d '2002-01-01' "$s/rel"
  tar --xattrs --xattrs-include='user.*' -C "$s" -cf "$T/a.tar" .
  run -0 layer-unpack "$T/layer" <"$T/a.tar"
  assert_output ''
  assert_equal "$(tree_list "$T/layer")" "$(tree_list "$s")"
  # hardlinks stay one inode; setuid survives the chown
  assert_equal "$(stat -c %i "$T/layer/hard")" "$(stat -c %i "$T/layer/d/file")"
  assert_equal "$(stat -c %A "$T/layer/suid")" '-rwsr-xr-x'
  assert_equal "$(stat -c '%U %y' "$T/layer/rel")" "$(stat -c '%U %y' "$s/rel")"
  assert_equal "$(stat -c %y "$T/layer/d")" "$(stat -c %y "$s/d")"
}

@test "layer-unpack: pax and GNU long names and link targets" {
  local long
  long=$(printf 'directory-%03d/' $(seq 1 25))
  mkdir -p "$T/src/$long"
  echo deep >"$T/src/${long}file"
  ln -s "$long" "$T/src/link"
  for f in posix gnu; do
    rm -rf "$T/layer" && mkdir "$T/layer"
    tar --format=$f -C "$T/src" -cf "$T/a.tar" .
    run -0 layer-unpack "$T/layer" <"$T/a.tar"
    assert_equal "$(cat "$T/layer/${long}file")" deep
    assert_equal "$(readlink "$T/layer/link")" "$long"
  done
}

@test "layer-unpack: --userxattr marks an opaque directory user.overlay.opaque; an archive's user.overlay.* dropped" {
  mkdir -p "$T/s/home"
  : >"$T/s/home/.wh..wh..opq"
  setfattr -n user.overlay.redirect -v /etc "$T/s/home"
  setfattr -n user.keep -v 1 "$T/s/home"
  tar --numeric-owner --xattrs --xattrs-include='*' -C "$T/s" -cf "$T/w.tar" home home/.wh..wh..opq
  run -0 layer-unpack --userxattr "$T/layer" <"$T/w.tar"
  run -0 getfattr --absolute-names -d -m - "$T/layer/home"
  assert_line 'user.overlay.opaque="y"'
  assert_line 'user.keep="1"'
  refute_line --partial redirect
  refute_line --partial trusted.
}

@test "layer-unpack: OCI whiteouts become overlay's; --plain keeps them as files" {
  mkdir -p "$T/s/etc" "$T/s/home"
  : >"$T/s/etc/.wh.passwd"
  : >"$T/s/home/.wh..wh..opq"
  : >"$T/s/.wh..wh.plnk"
  layer_tar "$T/s" "$T/w.tar" etc etc/.wh.passwd home home/.wh..wh..opq .wh..wh.plnk
  run -0 layer-unpack "$T/layer" <"$T/w.tar"
  assert_equal "$(stat -c '%F %t:%T' "$T/layer/etc/passwd")" 'character special file 0:0'
  assert_equal "$(getfattr --only-values -n trusted.overlay.opaque "$T/layer/home")" y
  assert_equal "$(ls -A "$T/layer" | sort | tr '\n' ' ')" 'etc home '
  mkdir "$T/plain"
  run -0 layer-unpack --plain "$T/plain" <"$T/w.tar"
  assert_file_exists "$T/plain/etc/.wh.passwd"
  assert_file_exists "$T/plain/home/.wh..wh..opq"
}

@test "layer-unpack: stacked by overlay, the layers show exactly the image" {
  mkdir -p "$T/l1" "$T/l2" "$T/mnt" "$T/s/home/user" "$T/s/etc"
  mkdir -p "$T/b/etc" "$T/b/home/user"
  echo a >"$T/b/etc/gone"
  echo b >"$T/b/etc/kept"
  echo c >"$T/b/home/user/old"
  layer_tar "$T/b" "$T/1.tar" etc etc/gone etc/kept home home/user home/user/old
  : >"$T/s/etc/.wh.gone"
  : >"$T/s/home/user/.wh..wh..opq"
  echo d >"$T/s/home/user/new"
  layer_tar "$T/s" "$T/2.tar" etc etc/.wh.gone home home/user \
    home/user/.wh..wh..opq home/user/new
  layer-unpack "$T/l1" <"$T/1.tar"
  layer-unpack "$T/l2" <"$T/2.tar"
  run -0 unshare -m --propagation private overlay-mount --lower "$T/l2:$T/l1" \
    --tmpfs-upper "$T/mnt" -- sh -c "cd '$T/mnt' && find . | sort"
  assert_output $'.\n./etc\n./etc/kept\n./home\n./home/user\n./home/user/new'
}

@test "layer-unpack: a name with .. is refused, nothing outside is written" {
  echo evil >"$T/s/x"
  tar -C "$T/s" -cPf "$T/e.tar" --transform 's,^x$,../outside/file,' x
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output 'layer-unpack: ../outside/file: name leaves the layer (..)'
  outside_untouched
  tar -C "$T/s" -cPf "$T/e.tar" --transform 's,^x$,a/../../outside/new,' x
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output 'layer-unpack: a/../../outside/new: name leaves the layer (..)'
  outside_untouched
}

@test "layer-unpack: an absolute name is refused" {
  echo evil >"$T/s/x"
  tar -C "$T/s" -cPf "$T/e.tar" --transform "s,^x\$,$T/outside/file," x
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output "layer-unpack: $T/outside/file: absolute name"
  outside_untouched
}

@test "layer-unpack: a planted symlink is not written through" {
  ln -s "$T/outside" "$T/s/link"
  tar -C "$T/s" -cf "$T/e.tar" link
  rm "$T/s/link"
  mkdir "$T/s/link"
  echo evil >"$T/s/link/file"
  tar -C "$T/s" -rf "$T/e.tar" link/file
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output 'layer-unpack: link/file: path goes through a symlink (link)'
  outside_untouched
  # relative, pointing up: the same
  rm -rf "$T/layer" "$T/s" && mkdir "$T/layer" "$T/s"
  ln -s ../outside "$T/s/up"
  tar -C "$T/s" -cf "$T/e.tar" up
  rm "$T/s/up" && mkdir -p "$T/s/up/sub"
  tar -C "$T/s" -rf "$T/e.tar" up/sub
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output 'layer-unpack: up/sub/: path goes through a symlink (up)'
  outside_untouched
}

@test "layer-unpack: a file over a planted symlink replaces the link" {
  ln -s "$T/outside/file" "$T/s/f"
  tar -C "$T/s" -cf "$T/e.tar" f
  rm "$T/s/f"
  echo mine >"$T/s/f"
  tar -C "$T/s" -rf "$T/e.tar" f
  run -0 layer-unpack "$T/layer" <"$T/e.tar"
  [ ! -L "$T/layer/f" ]
  assert_equal "$(cat "$T/layer/f")" mine
  outside_untouched
}

@test "layer-unpack: a directory replaced later by a symlink stays a symlink" {
  mkdir "$T/s/d"
  tar -C "$T/s" -cf "$T/a.tar" d
  rmdir "$T/s/d"
  ln -s "$T/outside" "$T/s/d"
  tar -C "$T/s" -rf "$T/a.tar" d
  run -0 layer-unpack "$T/layer" <"$T/a.tar"
  assert_equal "$(readlink "$T/layer/d")" "$T/outside"
  outside_untouched
}

@test "layer-unpack: hardlinks to outside are refused" {
  echo x >"$T/s/x"
  ln "$T/s/x" "$T/s/y"
  tar -C "$T/s" -cPf "$T/e.tar" --transform 's,^x$,../outside/file,RSh' x y
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output 'layer-unpack: y: hardlink target ../outside/file: name leaves the layer (..)'
  outside_untouched
  tar -C "$T/s" -cPf "$T/e.tar" --transform "s,^x\$,$T/outside/file,RSh" x y
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output "layer-unpack: y: hardlink target $T/outside/file: absolute name"
  # through a planted symlink to a directory outside
  rm -rf "$T/layer" "$T/s" && mkdir "$T/layer" "$T/s"
  ln -s "$T/outside" "$T/s/d"
  tar -C "$T/s" -cf "$T/e.tar" d
  rm "$T/s/d" && mkdir "$T/s/d" && echo x >"$T/s/d/file" && ln "$T/s/d/file" "$T/s/h"
  tar -C "$T/s" -cf "$T/h.tar" d/file h
  tar --delete -f "$T/h.tar" d/file
  tar -Af "$T/e.tar" "$T/h.tar"
  run -125 layer-unpack "$T/layer" <"$T/e.tar"
  assert_output 'layer-unpack: h: path goes through a symlink (d)'
  outside_untouched
  assert_equal "$(stat -c %h "$T/outside/file")" 1
}

@test "layer-unpack: overlay's own xattrs are never taken from an archive" {
  mkdir "$T/s/d"
  setfattr -n trusted.overlay.redirect -v /etc "$T/s/d"
  setfattr -n user.ok -v yes "$T/s/d"
  tar --xattrs --xattrs-include='*' -C "$T/s" -cf "$T/x.tar" d
  run -0 layer-unpack "$T/layer" <"$T/x.tar"
  run -1 getfattr -n trusted.overlay.redirect "$T/layer/d"
  assert_equal "$(getfattr --only-values -n user.ok "$T/layer/d")" yes
}

@test "layer-unpack: a corrupt header and a cut archive are errors" {
  echo data >"$T/s/f"
  tar -C "$T/s" -cf "$T/a.tar" f
  printf 'X' | dd of="$T/a.tar" bs=1 seek=10 conv=notrunc 2>/dev/null
  run -125 layer-unpack "$T/layer" <"$T/a.tar"
  assert_output 'layer-unpack: archive: header checksum mismatch'
  tar -C "$T/s" -cf "$T/a.tar" f
  head -c 515 "$T/a.tar" >"$T/cut.tar"
  run -125 layer-unpack "$T/layer" <"$T/cut.tar"
  assert_output 'layer-unpack: archive: unexpected end'
}

@test "layer-unpack: reads its input to the end (a digest upstream sees it all)" {
  echo data >"$T/s/f"
  tar -C "$T/s" -cf "$T/a.tar" f
  head -c 100000 /dev/zero >>"$T/a.tar"
  run -0 sh -c "tee '$T/copy' <'$T/a.tar' | layer-unpack '$T/layer'"
  assert_equal "$(stat -c %s "$T/copy")" "$(stat -c %s "$T/a.tar")"
}

@test "layer-unpack: -h and the man page SYNOPSIS agree" {
  local syn
  syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/{/^\.SH/d;p}' "$TOP/share/man/man1/layer-unpack.1" |
    sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]* *//' | tr '\n' ' ' | tr -s ' ' | sed 's/ $//')
  assert_equal "$(layer-unpack -h | head -n 1)" "layer-unpack: usage: $syn"
}
