#!/usr/bin/env bats
# workshop: every command block of share/doc/workshop/ runs and prints what
# the chapter says; the Japanese chapters hold exactly the same blocks
#
# share/doc/workshop/run does the work (one bash per chapter, in a
# directory of its own, output compared, nothing left behind); each test
# here is one chapter, and its "N blocks run, N skipped" line is shown.

load 'lib/common'

W=$TOP/share/doc/workshop

# A chapter is many commands: under the qemu lane's TCG (test/vm/init sets
# a limit of 120 s a test, for hangs) one takes minutes on a loaded host.
# The runner ends a hung block itself (timeout= in the chapter, else 30 s).
if [ -n "${BATS_TEST_TIMEOUT:-}" ] && [ "$BATS_TEST_TIMEOUT" -lt 600 ]; then
  BATS_TEST_TIMEOUT=600
fi

chapter() { # NN: run chapter NN, show its summary line
  need_root
  run "$W/run" "$1"
  echo "# $output" | tail -n 1 >&3
  assert_success
}

@test "workshop: the ja chapters have exactly the en chapters' blocks" {
  run -0 "$W/run" --same-ja
  refute_output --partial differ
  [ "$(ls "$W"/ja/[0-9][0-9]-*.md | wc -l)" = "$(ls "$W"/[0-9][0-9]-*.md | wc -l)" ]
}

@test "workshop: the runner fails a block whose output differs, and names it" {
  need_root
  local d
  d=$(mktemp -d)
  printf '%s\n' '# t' '```sh' 'echo one' '```' '```output' 'two' '```' \
    '```sh cleanup' 'echo 4242' '```' '```output' '<PID>' '```' >"$d/99-t.md"
  run -1 "$W/run" "$d/99-t.md"
  rm -rf "$d"
  assert_line 'run: 99-t: block at line 2: output differs'
  assert_line '+one'
  assert_line '99-t: 2 blocks run, 0 skipped'
}

@test "workshop: the runner fails a chapter that leaves a network namespace behind" {
  need_root
  local d
  d=$(mktemp -d)
  printf '%s\n' '# t' '```sh' "ip netns add ws-leak-$$" '```' >"$d/98-t.md"
  run -1 "$W/run" "$d/98-t.md"
  ip netns del "ws-leak-$$" || :
  rm -rf "$d"
  assert_line 'run: 98-t: left behind:'
  assert_line "netns /run/netns/ws-leak-$$"
}

# here NEED: the machine has it, as the runner's needs= says
here() { # NEED
  case $1 in
    cgroup1) [ -d /sys/fs/cgroup/cpu ] && [ -d /sys/fs/cgroup/memory ] ;;
    cgroup2) [ -f /sys/fs/cgroup/cgroup.controllers ] ;;
    *) command -v "$1" >/dev/null 2>&1 ;;
  esac
}

# in_lane LIST NN: chapter NN's test is in the qemu lane's LIST (test/vm/
# tests or tests.v1: "test/workshop.bats REGEX", REGEX choosing names)
in_lane() { # LIST NN
  local re name
  re=$(sed -n 's|^test/workshop\.bats  *||p' "$TOP/test/vm/$1")
  name=$(sed -n "s/^@test \"\(workshop: $2 [^\"]*\)\".*/\1/p" \
    "$TOP/test/workshop.bats")
  [ -n "$re" ] && [ -n "$name" ] && printf '%s\n' "$name" | grep -qE -- "$re"
}

@test "workshop: a block skipped here runs in a qemu lane: none is skipped twice" {
  local f nn line need missing=''
  for f in "$W"/[0-9][0-9]-*.md; do
    nn=${f##*/}
    nn=${nn%%-*}
    while IFS=: read -r line need; do
      here "$need" && continue
      case $need in
        cgroup2) in_lane tests "$nn" && continue ;;
        cgroup1) in_lane tests.v1 "$nn" && continue ;;
      esac
      missing="$missing ${f##*/}:$line:$need"
    done < <(grep -n '^```sh.*needs=' "$f" | sed 's/^\([0-9]*\):.*needs=\([^ ]*\).*/\1:\2/')
  done
  assert_equal "${missing# }" ""
}

@test "workshop: 01 a root filesystem in one command" { chapter 01; }
@test "workshop: 02 a first container under a 30% CPU cap" { chapter 02; }
@test "workshop: 03 namespaces: look, isolate, join, keep" { chapter 03; }
@test "workshop: 04 cgroups: CPU, an OOM kill, a fork bomb" { chapter 04; }
@test "workshop: 05 capabilities: ping without net_raw, chown without chown" { chapter 05; }
@test "workshop: 06 the chroot escape, and pivot_root" { chapter 06; }
@test "workshop: 07 OverlayFS by hand and as image layers" { chapter 07; }
@test "workshop: 08 network namespaces, NAT, minc -p" { chapter 08; }
@test "workshop: 09 seccomp: a profile that denies mkdir" { chapter 09; }
@test "workshop: 10 your own minc, compared with minc --explain" { chapter 10; }
