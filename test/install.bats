#!/usr/bin/env bats
# install: `make install` gives a tree that works like the checkout, and
# `make uninstall` takes all of it away

load 'lib/common'

setup() {
  container_setup
}

teardown() {
  container_teardown
}

@test "install: the installed minc and helpers run a container; uninstall removes them" {
  run -0 make -s -C "$TOP" install DESTDIR="$T/d" PREFIX=/usr
  for f in minc marten ns-enter cap-drop pivot cg-attach overlay-mount seccomp-load; do
    assert_file_executable "$T/d/usr/bin/$f"
    assert_file_exists "$T/d/usr/share/man/man1/$f.1"
  done
  assert_file_exists "$T/d/usr/share/mustela/seccomp/default.policy"
  # nothing of the checkout is used: its helpers are not on this PATH
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$T/d/usr/bin/minc" -r "$R" \
    sh -c 'hostname; grep Seccomp: /proc/self/status'
  assert_output $'minc\nSeccomp:\t2'
  run -0 env PATH=/usr/sbin:/usr/bin:/sbin:/bin "$T/d/usr/bin/minc" --explain -r "$R" true
  assert_output --partial "$T/d/usr/bin/ns-enter"
  assert_output --partial "$T/d/usr/share/mustela/seccomp/default.policy"
  refute_output --partial "$TOP"
  run -0 make -s -C "$TOP" uninstall DESTDIR="$T/d" PREFIX=/usr
  run -0 find "$T/d" -type f
  assert_output ''
}
