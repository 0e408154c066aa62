#!/usr/bin/env bats
# lint: every script parses under dash and passes shellcheck as POSIX sh;
# every helper's header names its file; -h and the man page SYNOPSIS agree

load 'lib/common'

scripts() {
  local f
  for f in "$TOP"/bin/* "$TOP"/libexec/mustela/* "$TOP"/test/lib/install-deps \
    "$TOP"/test/lib/mkrootfs "$TOP"/test/run "$TOP"/test/vm/run "$TOP"/bench/run \
    "$TOP"/.ci/run; do
    [ -f "$f" ] && head -c 64 "$f" | grep -q '^#!/bin/sh' && echo "$f"
  done
  return 0
}

@test "lint: every script passes dash -n" {
  local f bad=""
  for f in $(scripts); do dash -n "$f" || bad="$bad $f"; done
  assert_equal "$bad" ""
}

@test "lint: every script passes shellcheck -s sh" {
  run shellcheck -s sh -x $(scripts) "$TOP"/libexec/mustela/minc-lib.sh
  assert_success
}

@test "lint: each helper's header starts with its own name" {
  local c name bad=""
  for c in "$TOP"/helpers/*.c; do
    name=${c##*/}; name=${name%.c}
    head -n 1 "$c" | grep -q "^/\* $name - " || bad="$bad $name"
  done
  assert_equal "$bad" ""
}

@test "lint: -h output and the man page SYNOPSIS agree, for every helper" {
  local h out syn bad=""
  for h in ns-enter cap-drop pivot cg-attach overlay-mount seccomp-load \
    layer-pack layer-unpack; do
    out=$("$TOP/helpers/$h" -h | sed "s/^$h: usage: //")
    # the SYNOPSIS section, troff escapes removed, joined into one line
    syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/{/^\.SH/d;p}' "$TOP/share/man/man1/$h.1" |
      sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]* *//' | tr '\n' ' ' | tr -s ' ' | sed 's/ $//')
    [ "$out" = "$syn" ] || bad="$bad $h"
  done
  assert_equal "$bad" ""
}
