#!/usr/bin/env bats
# lint: every script parses under dash and passes shellcheck as POSIX sh;
# every helper's header names its file; -h and the man page SYNOPSIS agree

load 'lib/common'

# Every POSIX shell script of the tree: programs (#!/bin/sh) and the files
# they source (no shebang, "# shellcheck shell=sh" in the header: the
# backend libraries and minc's units under libexec/mustela/minc/).
scripts() {
  local f
  find "$TOP" \( -path "$TOP/.git" -o -path "$TOP/test/vm/cache" -o \
    -path "$TOP/bench/results" -o -path "$TOP/helpers" -o -path "$TOP/fuzz/build" \) -prune -o \
    -type f -size -512k -print | LC_ALL=C sort | while read -r f; do
    if head -c 64 "$f" | grep -q '^#!/bin/sh'; then
      echo "$f"
    elif ! head -c 2 "$f" | grep -q '^#!' &&
      head -n 10 "$f" | grep -qx '# shellcheck shell=sh'; then
      echo "$f"
    fi
  done
}

@test "lint: the script list holds the frontends, the backends and their sourced files" {
  run -0 scripts
  for f in bin/minc bin/marten libexec/mustela/minc-net \
    libexec/mustela/minc-lib.sh libexec/mustela/marten-lib.sh \
    libexec/mustela/marten-registry.sh test/run .ci/run; do
    assert_line "$TOP/$f"
  done
  for f in "$TOP"/libexec/mustela/minc/*; do
    [ ! -f "$f" ] || assert_line "$f"
  done
}

@test "lint: every script passes dash -n" {
  local f bad=""
  for f in $(scripts); do dash -n "$f" || bad="$bad $f"; done
  assert_equal "$bad" ""
}

@test "lint: every script passes shellcheck -s sh" {
  run shellcheck -s sh -x $(scripts)
  assert_success
}

@test "lint: every bash completion file passes bash -n and shellcheck -s bash" {
  local f
  for f in "$TOP"/share/bash-completion/*; do
    run -0 bash -n "$f"
  done
  run shellcheck -s bash "$TOP"/share/bash-completion/*
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
  for h in $HELPERS; do
    out=$("$TOP/helpers/$h" -h | head -n 1 | sed "s/^$h: usage: //")
    # the SYNOPSIS section, troff escapes removed, joined into one line
    syn=$(sed -n '/^\.SH SYNOPSIS/,/^\.SH/{/^\.SH/d;p}' "$TOP/share/man/man1/$h.1" |
      sed 's/\\f[BIRP]//g; s/\\-/-/g; s/^\.[A-Z]* *//' | tr '\n' ' ' | tr -s ' ' | sed 's/ $//')
    [ "$out" = "$syn" ] || bad="$bad $h"
  done
  assert_equal "$bad" ""
}

@test "lint: the helpers' only short option is -h (mustela(7), OPTIONS)" {
  local h l bad=""
  for h in $HELPERS; do
    grep -q 'getopt_long(argc, argv, "+h",' "$TOP/helpers/$h.c" || bad="$bad $h.c"
    for l in {a..g} {i..z} {A..Z}; do
      [ "$("$TOP/helpers/$h" "-$l" x 2>&1 >/dev/null | head -n 1)" = \
        "$h: unknown option: -$l" ] || bad="$bad $h:-$l"
    done
    "$TOP/helpers/$h" -h | head -n 1 | grep -q "^$h: usage: " || bad="$bad $h:-h"
  done
  assert_equal "$bad" ""
}

@test "lint: every man page of a command points to mustela(7)" {
  local m bad=""
  for m in "$TOP"/share/man/man1/*.1; do
    sed -n '/^\.SH SEE ALSO/,$p' "$m" | grep -q '^\.BR mustela (7),\?$' ||
      bad="$bad ${m##*/}"
  done
  assert_equal "$bad" ""
}

# FILE...: each list of 8 or more capability names spelled out in FILE
# ("chown,dac_override,..." or "chown dac_override ...", across troff \e
# and shell VAR=$VAR, continuations; CAP_ and case ignored), one line
# "FILE:LINE: name,name,...": a spelling of Docker's default set.
cap_lists() {
  local names
  names=$(sed -n 's/^#define CAP_\([A-Z_]*\)[[:space:]]\{1,\}[0-9]\{1,\}$/\1/p' \
    /usr/include/linux/capability.h | tr '[:upper:]' '[:lower:]' | tr '\n' ' ')
  awk -v names="$names" '
    BEGIN { n = split(names, a, " "); for (i = 1; i <= n; i++) cap[a[i]] = 1 }
    function flush() {
      if (run >= 8) print where ": " list
      run = 0; list = ""
    }
    FNR == 1 { flush() }
    {
      s = $0
      gsub(/\\e|\\f[A-Z]|\\-/, " ", s)
      gsub(/[A-Za-z_][A-Za-z0-9_]*=\$[A-Za-z_][A-Za-z0-9_]*,/, ",", s)
      gsub(/[A-Za-z_][A-Za-z0-9_]*=/, " ", s)
      n = split(tolower(s), w, /[^a-z0-9_]+/)
      for (i = 1; i <= n; i++) {
        if (w[i] == "") continue
        t = w[i]; sub(/^cap_/, "", t)
        if (!(t in cap)) { flush(); continue }
        if (run++ == 0) where = FILENAME ":" FNR
        list = list (list == "" ? "" : ",") t
      }
    }
    END { flush() }' "$@"
}

sorted_list() { # LIST: the comma list LIST, its names sorted, one a line
  tr ',' '\n' <<<"$1" | LC_ALL=C sort
}

@test "lint: Docker's default capabilities, wherever a page or a test spells them out, are the code's default_caps" {
  local src=$TOP/libexec/mustela/minc/60-privileges line file list bad=""
  # the one source: one line default_caps=LIST (comma list, lower case)
  run -0 grep -c '^default_caps=' "$src"
  assert_output 1
  local caps
  caps=$(sed -n 's/^default_caps=//p' "$src")
  assert_regex "$caps" '^[a-z_]+(,[a-z_]+)+$'
  run -0 cap_lists "$TOP"/share/man/man*/* "$TOP"/test/*.bats "$TOP"/test/lib/* \
    "$TOP"/README.md $(find "$TOP/share/doc" -type f)
  # the scan finds the spellings (a scan that finds none checks nothing)
  assert_line --partial "share/man/man1/minc.1:"
  while read -r file list; do
    [ "$(sorted_list "$list")" = "$(sorted_list "$caps")" ] || bad="$bad ${file#"$TOP"/}"
  done <<<"$output"
  assert_equal "$bad" ""
}
