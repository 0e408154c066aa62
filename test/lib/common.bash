# common.bash - shared set-up for every test file (load 'lib/common')
# shellcheck shell=bash
bats_require_minimum_version 1.5.0
load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

TOP=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
export PATH="$TOP/helpers:$TOP/bin:$PATH"
POLICY="$TOP/share/seccomp/default.policy"

# The busybox rootfs shared by all tests of one run: built once, never
# written to (containers write to an overlay upper layer).
rootfs() {
  local dir="$BATS_RUN_TMPDIR/rootfs"
  (
    flock 9
    [ -e "$dir/.done" ] || { "$TOP/test/lib/mkrootfs" "$dir" && touch "$dir/.done"; }
  ) 9>"$BATS_RUN_TMPDIR/rootfs.lock"
  echo "$dir"
}

# The helpers, as the Makefile lists them (HELPERS): one list for every
# test that goes through all of them.
HELPERS=$(sed -n '/^HELPERS = /,/[^\\]$/{s/^HELPERS = //;s/\\$//;p}' "$TOP/Makefile" | tr -s ' \t\n' ' ')

# A checksum of a whole tree (names, modes, contents) to show it unchanged.
tree_sum() {
  (cd "$1" && find . -path ./.done -prune -o -printf '%p %m %s %l\n' | LC_ALL=C sort | md5sum)
}

# Skip only when the kernel lacks a feature; on the project machines
# nothing skips (see STYLE.md).
need_root() {
  [ "$(id -u)" = 0 ] || skip "needs root"
}

# need_cmds CMD...: skip unless every CMD is installed (a package of
# test/lib/install-deps, which make check runs first)
need_cmds() {
  local c
  for c; do
    command -v "$c" >/dev/null || skip "needs $c (test/lib/install-deps)"
  done
}

# The set-up of a file that runs containers: root, the shared rootfs in R,
# a scratch directory T (container_teardown removes it).
container_setup() {
  need_root
  R=$(rootfs)
  T=$(mktemp -d)
}

container_teardown() {
  rm -rf "$T"
}

# wait_for CMD...: retry CMD every 0.1 s for up to 20 s (a loaded machine);
# say what was given up on
wait_for() { # CMD...: retry CMD for up to 20 s
  local _
  for _ in $(seq 200); do
    "$@" && return 0
    sleep 0.1
  done
  echo "wait_for: gave up: $*" >&2
  return 1
}
