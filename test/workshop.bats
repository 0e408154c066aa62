#!/usr/bin/env bats
# workshop: every command block of share/doc/workshop/ runs and prints what
# the chapter says; the Japanese chapters hold exactly the same blocks
#
# share/doc/workshop/run does the work (one bash per chapter, in a
# directory of its own, output compared, nothing left behind); each test
# here is one chapter, and its "N blocks run, N skipped" line is shown.

load 'lib/common'

W=$TOP/share/doc/workshop

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
