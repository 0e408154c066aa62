#!/usr/bin/env bats
# layer-pack: a directory (an overlay upper) as a reproducible OCI layer

load 'lib/common'
load 'lib/registry'

setup() {
  need_root
  T=$(mktemp -d)
  mkdir -p "$T/src" "$T/out"
}

teardown() {
  rm -rf "$T"
}

@test "layer-pack: -h prints the usage on stdout, exit 0" {
  run -0 layer-pack -h
  assert_line --index 0 'layer-pack: usage: layer-pack [--clamp-mtime SECONDS] [--plain] [--userxattr] DIR'
}

@test "layer-pack: -h has a line for every option" {
  local o
  run -0 layer-pack -h
  for o in clamp-mtime plain help; do
    assert_line --regexp "^  (-h, )?--$o( |$)"
  done
}

@test "layer-pack: usage errors and a bad --clamp-mtime, 125" {
  run -125 layer-pack
  assert_output --partial 'layer-pack: usage:'
  run -125 layer-pack --bogus "$T/src"
  assert_line --index 0 'layer-pack: unknown option: --bogus'
  assert_line --index 1 --partial 'layer-pack: usage: layer-pack '
  run -125 layer-pack --clamp-mtime soon "$T/src"
  assert_output 'layer-pack: --clamp-mtime: not a number: soon'
  run -125 layer-pack "$T/nope"
  assert_output "layer-pack: open $T/nope: No such file or directory"
}

@test "layer-pack: sorted entries, the same bytes every time, GNU tar reads it" {
  mkdir -p "$T/src/b/z" "$T/src/a"
  echo 1 >"$T/src/b/z/f"
  echo 2 >"$T/src/a/g"
  echo 3 >"$T/src/c"
  layer-pack "$T/src" >"$T/1.tar"
  touch -a "$T/src/c"
  layer-pack "$T/src" >"$T/2.tar"
  cmp "$T/1.tar" "$T/2.tar"
  run -0 tar -tf "$T/1.tar"
  assert_output $'a/\na/g\nb/\nb/z/\nb/z/f\nc'
}

@test "layer-pack: unpacked again, the tree is the same (links, devices, owners, xattrs)" {
  local s=$T/src long
  long=$(printf 'long-directory-name-%03d/' $(seq 1 12))
  mkdir -p "$s/d" "$s/$long"
  echo hi >"$s/d/file"
  echo deep >"$s/${long}f"
  ln "$s/d/file" "$s/hard"
  ln -s "/$long" "$s/abs"
  mknod "$s/null" c 1 3
  mkfifo "$s/fifo"
  printf x >"$s/suid"
  chmod 6755 "$s/suid"
  chown 1000:100 "$s/d/file"
  chown 70000:70000 "$s/d"
  setfattr -n user.k -v v "$s/d/file"
  touch -d '2001-02-03 04:05:06' "$s/d/file" "$s/d"
  layer-pack "$s" >"$T/l.tar"
  layer-unpack "$T/out" <"$T/l.tar"
  assert_equal "$(tree_list "$T/out")" "$(tree_list "$s")"
  assert_equal "$(stat -c %i "$T/out/hard")" "$(stat -c %i "$T/out/d/file")"
  # GNU tar agrees on the hardlink and the long name
  run -0 tar -tvf "$T/l.tar"
  assert_line --partial 'hard link to d/file'
  assert_line --partial "${long}f"
}

@test "layer-pack: --userxattr reads the opaque mark in user.overlay.*; overlay's xattrs stay home" {
  mkdir -p "$T/src/home" "$T/src/etc"
  setfattr -n user.overlay.opaque -v y "$T/src/home"
  setfattr -n trusted.overlay.opaque -v y "$T/src/etc"
  layer-pack --userxattr "$T/src" >"$T/l.tar"
  run -0 tar -tf "$T/l.tar"
  assert_output $'etc/\nhome/\nhome/.wh..wh..opq'
  run -1 grep -a overlay "$T/l.tar"
  # without it, the user.* mark is an ordinary xattr, not kept either
  layer-pack "$T/src" >"$T/l.tar"
  run -0 tar -tf "$T/l.tar"
  assert_output $'etc/\netc/.wh..wh..opq\nhome/'
}

@test "layer-pack: overlay whiteouts and opaque directories become OCI's" {
  mkdir -p "$T/src/etc" "$T/src/home"
  mknod "$T/src/etc/passwd" c 0 0
  setfattr -n trusted.overlay.opaque -v y "$T/src/home"
  setfattr -n trusted.overlay.origin -v x "$T/src/etc"
  echo n >"$T/src/home/new"
  layer-pack "$T/src" >"$T/l.tar"
  run -0 tar -tvf "$T/l.tar"
  assert_line --index 1 --regexp '^-[-]{9} 0/0 +0 .* etc/\.wh\.passwd$'
  assert_line --index 3 --regexp '^-[-]{9} 0/0 +0 .* home/\.wh\.\.wh\.\.opq$'
  run -0 tar -tf "$T/l.tar"
  assert_output $'etc/\netc/.wh.passwd\nhome/\nhome/.wh..wh..opq\nhome/new'
  # overlay's own xattrs stay home
  run -1 grep -a trusted.overlay "$T/l.tar"
  # --plain: as they are
  layer-pack --plain "$T/src" >"$T/p.tar"
  run -0 tar -tvf "$T/p.tar"
  assert_line --index 1 --regexp '^c.* 0,0 .* etc/passwd$'
}

@test "layer-pack: --clamp-mtime caps the times written" {
  echo x >"$T/src/f"
  touch -d '2030-01-01' "$T/src/f"
  mkdir "$T/src/old"
  touch -d '2000-01-01 00:00:00 UTC' "$T/src/old"
  layer-pack --clamp-mtime 1000000000 "$T/src" >"$T/l.tar"
  layer-unpack "$T/out" <"$T/l.tar"
  assert_equal "$(stat -c %Y "$T/out/f")" 1000000000
  assert_equal "$(stat -c %Y "$T/out/old")" 946684800
}

@test "layer-pack: will not write a tar to a terminal" {
  run -125 script -qec "layer-pack '$T/src'" /dev/null
  assert_output --partial 'layer-pack: refusing to write a tar to a terminal'
}

@test "layer-pack: -h and the man page SYNOPSIS agree" {
  local syn
  syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/{/^\.SH/d;p}' "$TOP/share/man/man1/layer-pack.1" |
    sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]* *//' | tr '\n' ' ' | tr -s ' ' | sed 's/ $//')
  assert_equal "$(layer-pack -h | head -n 1)" "layer-pack: usage: $syn"
}
