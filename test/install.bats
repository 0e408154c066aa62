#!/usr/bin/env bats
# install: `make install` gives a tree that works like the checkout, from the
# default places and from any BINDIR, LIBEXECDIR, DATADIR and MANDIR, and
# `make uninstall` takes all of it away

load 'lib/common'

setup() {
  container_setup
}

teardown() {
  container_teardown
}

# Every absolute path of `minc --explain`'s output that names a file of
# mustela's (a helper, a backend, a profile), one a line.
explained_paths() {
  grep -o '/[^ '\''"<>]*' <<<"$output" |
    grep -E '/(ns-enter|cap-drop|pivot|cg-attach|overlay-mount|seccomp-load|scope-lock|minc-net|[^/]*\.policy)$' |
    sort -u
}

# COMMAND... run where the DESTDIR tree $T/d is installed: in a mount
# namespace of its own whose /usr is $T/d/usr stacked on the host's /usr
# (read-only overlay; the host's /usr is not changed).
in_usr() {
  unshare --mount --propagation private sh -c \
    'mount -t overlay -o "lowerdir=$0/usr:/usr" overlay /usr && exec "$@"' \
    "$T/d" "$@"
}

@test "install: the installed minc and helpers run a container; uninstall removes them" {
  run -0 make -s -C "$TOP" install DESTDIR="$T/d" PREFIX=/usr
  local u=$T/d/usr f
  for f in minc marten ermine mustela-oci $HELPERS; do
    assert_file_executable "$u/bin/$f"
    assert_file_exists "$u/share/man/man1/$f.1"
    assert_file_exists "$u/share/bash-completion/completions/$f"
  done
  assert_file_exists "$u/share/man/man7/mustela.7"
  assert_file_exists "$u/share/mustela/seccomp/default.policy"
  assert_file_exists "$u/share/doc/mustela/networking.md"
  # the installed frontends name the final path (no DESTDIR)
  run -0 grep -h '^MUSTELA_LIBEXEC=' "$u/bin/minc" "$u/bin/marten" "$u/bin/mustela-oci"
  assert_output $'MUSTELA_LIBEXEC=/usr/libexec/mustela\nMUSTELA_LIBEXEC=/usr/libexec/mustela\nMUSTELA_LIBEXEC=/usr/libexec/mustela'
  # programs 755, sourced files 644, as in the checkout
  run -0 stat -c '%a %n' "$u/libexec/mustela/minc-net" "$u/libexec/mustela/minc-lib.sh"
  assert_output "755 $u/libexec/mustela/minc-net
644 $u/libexec/mustela/minc-lib.sh"
  for f in "$TOP"/libexec/mustela/minc/*; do
    [ -e "$f" ] || continue
    run -0 stat -c %a "$u/libexec/mustela/minc/${f##*/}"
    assert_output 644
  done
  # installed in /usr (no checkout on this PATH), run from there
  run -0 in_usr env PATH=/usr/sbin:/usr/bin:/sbin:/bin minc -r "$R" \
    sh -c 'hostname; grep Seccomp: /proc/self/status'
  assert_output $'minc\nSeccomp:\t2'
  # the installed OCI runtime runs a bundle, through the installed helpers
  mkdir "$T/ob"
  run -0 in_usr env PATH=/usr/sbin:/usr/bin:/sbin:/bin mustela-oci spec --bundle "$T/ob"
  jq --arg r "$R" '.root.path = $r | .process.args = ["grep", "Seccomp:", "/proc/self/status"] |
    .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}' "$T/ob/config.json" >"$T/ob/c.json"
  mv "$T/ob/c.json" "$T/ob/config.json"
  run -0 in_usr env PATH=/usr/sbin:/usr/bin:/sbin:/bin mustela-oci --root "$T/oci" run --bundle "$T/ob" inst-oci
  assert_output $'Seccomp:\t2'
  run -0 in_usr env PATH=/usr/sbin:/usr/bin:/sbin:/bin minc --explain -r "$R" true
  refute_output --partial "$TOP"
  run -0 explained_paths
  assert_output "$(sort <<<"/usr/bin/cap-drop
/usr/bin/ns-enter
/usr/bin/overlay-mount
/usr/bin/pivot
/usr/bin/scope-lock
/usr/bin/seccomp-load
/usr/share/mustela/seccomp/default.policy")"
  run -0 in_usr env PATH=/usr/sbin:/usr/bin:/sbin:/bin marten --help
  assert_line --index 0 --partial 'marten'
  run -0 make -s -C "$TOP" uninstall DESTDIR="$T/d" PREFIX=/usr
  run -0 find "$T/d" ! -type d
  assert_output ''
  # its own directories went with it
  assert_not_exist "$u/libexec/mustela"
  assert_not_exist "$u/share/mustela"
  assert_not_exist "$u/share/doc/mustela"
}

@test "install: BINDIR, LIBEXECDIR, DATADIR and MANDIR anywhere; minc runs from there, --explain names only them" {
  # no DESTDIR: these are the real paths, and PREFIX keeps the rest in T
  local dirs=(PREFIX="$T/p" BINDIR="$T/x/b" LIBEXECDIR="$T/y/l"
    DATADIR="$T/z/d" MANDIR="$T/w/m")
  local b=$T/x/b f
  run -0 make -s -C "$TOP" install "${dirs[@]}"
  for f in minc marten ermine mustela-oci $HELPERS; do
    assert_file_executable "$b/$f"
    assert_file_exists "$T/w/m/man1/$f.1"
    assert_file_exists "$T/p/share/bash-completion/completions/$f"
  done
  assert_file_exists "$T/w/m/man7/mustela.7"
  assert_file_exists "$T/y/l/mustela/minc-lib.sh"
  assert_file_exists "$T/z/d/seccomp/default.policy"
  assert_file_exists "$T/p/share/doc/mustela/networking.md"
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$b/minc" -r "$R" \
    sh -c 'hostname; grep Seccomp: /proc/self/status'
  assert_output $'minc\nSeccomp:\t2'
  # from another directory, through a PATH lookup, too
  run -0 env -C / PATH="$b:/usr/sbin:/usr/bin:/sbin:/bin" minc -r "$R" true
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$b/minc" --explain -r "$R" \
    --pid-max 64 -n dens true
  refute_output --partial "$TOP"
  run -0 explained_paths
  local expected="$b/cap-drop
$b/cg-attach
$b/ns-enter
$b/overlay-mount
$b/pivot
$b/seccomp-load
$T/z/d/seccomp/default.policy"
  # minc-net: only in a chain that wires a network
  case "$output" in *minc-net*) expected="$T/y/l/mustela/minc-net
$expected" ;; esac
  assert_output "$(sort <<<"$expected")"
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$b/marten" --help
  assert_line --index 0 --partial 'marten'
  # marten's backends use the installed layer helpers
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin MUSTELA_DIR="$T/store" \
    MINC_DEBUG=1 "$b/marten" import "$R" inst-test
  assert_output --partial "$b/layer-pack"
  refute_output --partial "$TOP"
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin MUSTELA_DIR="$T/store" "$b/marten" li
  assert_line --regexp $'^[0-9a-f]{12}\t.*\tinst-test:latest$'
  run -0 make -s -C "$TOP" uninstall "${dirs[@]}"
  run -0 find "$T/x" "$T/y" "$T/z" "$T/w" "$T/p" ! -type d
  assert_output ''
  assert_not_exist "$T/y/l/mustela"
  assert_not_exist "$T/z/d"
}
