#!/usr/bin/env bats
# completion: share/bash-completion/ completes minc's and marten's flags and
# commands and every helper's long options, and its lists agree with the code

load 'lib/common'

C=$TOP/share/bash-completion

# complete FILE WORD...: source FILE in a fresh bash, complete the last WORD
# of the command line WORD... as bash would on <Tab>, print the candidates
# one a line (sorted)
complete_line() {
  local file=$1
  shift
  bash -c '
    . "$0"
    COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
    COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
    fn=$(complete -p "${1##*/}" | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
    "$fn" "${1##*/}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' "$file" "$@" | LC_ALL=C sort -u
}

@test "completion: minc --me offers --mem-limit and --mem-swap" {
  run -0 complete_line "$C/minc" minc --me
  assert_output $'--mem-limit\n--mem-swap'
}

@test "completion: minc's flags, arguments and command" {
  run -0 complete_line "$C/minc" minc -n d
  assert_output 'dens'
  run -0 complete_line "$C/minc" minc --cap-add chown,net_b
  assert_output $'chown,net_bind_service\nchown,net_broadcast'
  # an option's argument is not a flag to complete
  run -0 complete_line "$C/minc" minc --name --
  assert_output ''
  # the command and its arguments are not minc's
  run -0 complete_line "$C/minc" minc -r / dash
  assert_line 'dash'
  run -0 complete_line "$C/minc" minc -r / ls --he
  refute_output --partial 'help'
}

@test "completion: marten pu offers pull and push; the flags of each command" {
  run -0 complete_line "$C/marten" marten pu
  assert_output $'pull\npush'
  run -0 complete_line "$C/marten" marten --debug rm
  assert_output $'rm\nrmi'
  run -0 complete_line "$C/marten" marten pull --
  assert_output $'--creds\n--help\n--platform'
  run -0 complete_line "$C/marten" marten li -
  assert_output $'--help\n--long\n-h\n-l'
}

@test "completion: marten completes image and container IDs and names from li and lc" {
  export MUSTELA_DIR=$BATS_TEST_TMPDIR/store
  run -0 marten import "$(rootfs)" compl-test
  run -0 complete_line "$C/marten" "$TOP/bin/marten" rmi compl
  assert_output 'compl-test:latest'
  run -0 marten li
  local id
  id=$(awk -F '\t' 'NR == 2 { print $1 }' <<<"$output")
  run -0 complete_line "$C/marten" "$TOP/bin/marten" export "${id:0:4}"
  assert_output "$id"
  # no containers: nothing to complete for rm
  run -0 complete_line "$C/marten" "$TOP/bin/marten" rm ''
  assert_output ''
}

@test "completion: ns-enter --ho offers --hostname; the program after the options" {
  run -0 complete_line "$C/mustela-helpers" ns-enter --ho
  assert_output '--hostname'
  run -0 complete_line "$C/mustela-helpers" helpers/pivot --proc --kee
  assert_output '--keep-fd'
  # an option's argument
  run -0 complete_line "$C/mustela-helpers" cap-drop --keep ''
  assert_output ''
  # the program: after --, after cap-drop's options, after pivot's NEWROOT
  run -0 complete_line "$C/mustela-helpers" cg-attach -- dash
  assert_line 'dash'
  run -0 complete_line "$C/mustela-helpers" cap-drop --keep chown dash
  assert_line 'dash'
  run -0 complete_line "$C/mustela-helpers" pivot --proc / dash
  assert_line 'dash'
}

# the long options of helpers/NAME.c's getopt_long table, one a line, sorted
table_options() {
  sed -n '/struct option/,/{ *0/p' "$TOP/helpers/$1.c" |
    sed -n 's/^[[:space:]]*{ *"\([a-z0-9-]*\)",.*/--\1/p' | LC_ALL=C sort
}

@test "completion: every helper's long options are those of its getopt_long table" {
  local c h bad=""
  for c in "$TOP"/helpers/*.c; do
    h=${c##*/} h=${h%.c}
    grep -q 'getopt_long(' "$c" || continue
    run -0 table_options "$h"
    [ -n "$output" ] || bad="$bad $h(no-table)"
    [ "$(complete_line "$C/mustela-helpers" "$h" --)" = "$output" ] || bad="$bad $h"
  done
  assert_equal "$bad" ""
}

# FILE START: the words of the case arms ("a | b)") from the line matching
# START to the next "done" or "esac" alone, continued lines joined; one a
# line, sorted
case_words() {
  sed -n "/$2/,/^\(done\|esac\)\$/p" "$1" | sed -e :a -e '/\\$/{N;s/\\\n//;ba' -e '}' |
    sed -n 's/^ *\([-a-zA-Z0-9][-a-zA-Z0-9 |]*\)).*/\1/p' | tr -d ' ' | tr '|' '\n' |
    LC_ALL=C sort
}

@test "completion: minc's and polecat's options are those of their option loops" {
  # the arms "-r | --rootdir)" ..., less "--)"
  local f loop
  for f in minc polecat; do
    run -0 case_words "$TOP/bin/$f" '^while \[ "\$#" -gt 0 \]; do'
    loop=$(grep -vx -e -- <<<"$output")
    assert [ -n "$loop" ]
    run -0 complete_line "$C/$f" "$f" -
    assert_output "$loop"
  done
}

@test "completion: marten's commands are those of bin/marten" {
  # the arms "lc | list)" ...; "*)" is no word
  run -0 case_words "$TOP/bin/marten" '^case "\$MARTEN_CMD" in'
  local cmds=$output
  assert [ -n "$cmds" ]
  run -0 complete_line "$C/marten" marten ''
  assert_output "$cmds"
}

@test "completion: polecat's options, formats, rootfs and command" {
  run -0 complete_line "$C/polecat" polecat -f s
  assert_output $'sh\nsquashfs'
  run -0 complete_line "$C/polecat" polecat --f
  assert_output '--format'
  # the rootfs: a directory
  run -0 complete_line "$C/polecat" polecat -o out "$TOP/shar"
  assert_output "$TOP/share"
  # after the rootfs, the command
  run -0 complete_line "$C/polecat" polecat -s x.sh / dash
  assert_line 'dash'
}
