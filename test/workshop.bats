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

@test "workshop: 01 a root filesystem in one command" { chapter 01; }
