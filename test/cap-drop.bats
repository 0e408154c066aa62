#!/usr/bin/env bats
# cap-drop: bounding/permitted/effective/inheritable/ambient sets, ids,
# groups, no_new_privs, and the unprivileged caller

load 'lib/common'

setup() {
  need_root
  T=$(mktemp -d)
  # the bounding set this test runs with (the host may lack some caps)
  BND=$((16#$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)))
}

teardown() {
  rm -rf "$T"
}

# The line /proc/self/status shows for capability set NAME holding MASK.
capline() {
  printf '%s:\t%016x' "$1" "$2"
}

# Run cap-drop's prog as uid/gid 65534 with no capabilities (setpriv clears
# them when it leaves uid 0); extra setpriv options first, then "--".
as_nobody() {
  local opts=()
  while [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  setpriv --reuid 65534 --regid 65534 --clear-groups "${opts[@]}" cap-drop "$@"
}

@test "cap-drop: -h prints the usage on stdout, exit 0" {
  run -0 cap-drop -h
  assert_output --partial 'cap-drop: usage: cap-drop [--keep LIST | --drop LIST | [--bounding LIST]'
  run -0 cap-drop --help
}

@test "cap-drop: -h has a line for every option" {
  local o
  run -0 cap-drop -h
  for o in keep drop bounding effective permitted inheritable ambient-set user \
    groups ambient no-new-privs help; do
    assert_line --regexp "^  (-h, )?--$o( |$)"
  done
}

@test "cap-drop: no program is a usage error, 125" {
  run -125 cap-drop --keep chown
  assert_output --partial 'cap-drop: usage:'
  run -125 cap-drop --
}

@test "cap-drop: unknown option is a usage error, 125" {
  run -125 cap-drop --bogus x
  assert_line --index 0 'cap-drop: unknown option: --bogus'
  assert_line --index 1 --partial 'cap-drop: usage: cap-drop '
}

@test "cap-drop: --keep and --drop together is a usage error" {
  run -125 cap-drop --keep chown --drop kill -- true
  assert_output --partial 'cap-drop: usage:'
}

@test "cap-drop: exit codes: 127 not found, 126 not executable, status, signal" {
  echo 'not a program' >"$T/f"
  run -127 cap-drop --keep chown -- /nonexistent
  assert_output "cap-drop: exec /nonexistent: No such file or directory"
  run -126 cap-drop --keep chown -- "$T/f"
  assert_output "cap-drop: exec $T/f: Permission denied"
  run -3 cap-drop --keep chown -- sh -c 'exit 3'
  run -143 cap-drop --keep chown -- sh -c 'kill -TERM $$'
  run -137 cap-drop --user 1000 -- sh -c 'kill -KILL $$'
}

@test "cap-drop: the program's arguments pass untouched, options included" {
  run -0 cap-drop --drop all -- echo --keep -x -- y
  assert_output -- '--keep -x -- y'
}

@test "cap-drop: an unknown capability name is an error, 125" {
  run -125 cap-drop --keep chown,foo -- true
  assert_output "cap-drop: unknown capability: foo"
  run -125 cap-drop --drop cap_chown-x -- true
  assert_output "cap-drop: unknown capability: cap_chown-x"
  run -125 cap-drop --keep 5 -- true
  assert_output "cap-drop: unknown capability: 5"
}

@test "cap-drop: a non-numeric uid or gid is an error, 125" {
  run -125 cap-drop --user alice -- true
  assert_output "cap-drop: bad uid: alice"
  run -125 cap-drop --user 1000:staff -- true
  assert_output "cap-drop: bad gid: staff"
  run -125 cap-drop --groups 10,wheel -- true
  assert_output "cap-drop: bad gid: wheel"
  run -125 cap-drop --user -1 -- true
  assert_output "cap-drop: bad uid: -1"
}

@test "cap-drop: --keep chown,kill leaves exactly those two, as root" {
  local mask=$(((1 << 0) | (1 << 5)))
  [ "$(printf %016x "$mask")" = 0000000000000021 ]
  run -0 cap-drop --keep chown,kill -- cat /proc/self/status
  assert_line "$(capline CapBnd "$mask")"
  assert_line "$(capline CapPrm "$mask")"
  assert_line "$(capline CapEff "$mask")"
  assert_line "$(capline CapInh 0)"
  assert_line "$(capline CapAmb 0)"
}

@test "cap-drop: names with the CAP_ prefix, in any case" {
  run -0 cap-drop --keep CAP_CHOWN,Kill,cap_Net_Bind_Service -- cat /proc/self/status
  assert_line "$(capline CapBnd $(((1 << 0) | (1 << 5) | (1 << 10))))"
}

@test "cap-drop: --drop net_raw removes bit 13 only" {
  [ $((BND & (1 << 13))) -ne 0 ]
  run -0 cap-drop --drop net_raw -- cat /proc/self/status
  assert_line "$(capline CapBnd $((BND & ~(1 << 13))))"
  assert_line "$(capline CapEff $((BND & ~(1 << 13))))"
}

@test "cap-drop: --keep all keeps the whole bounding set; --drop all and --keep '' empty it" {
  run -0 cap-drop --keep all -- cat /proc/self/status
  assert_line "$(capline CapBnd "$BND")"
  assert_line "$(capline CapEff "$BND")"
  run -0 cap-drop --drop all -- cat /proc/self/status
  assert_line "$(capline CapBnd 0)"
  assert_line "$(capline CapEff 0)"
  run -0 cap-drop --keep '' -- cat /proc/self/status
  assert_line "$(capline CapBnd 0)"
  assert_line "$(capline CapPrm 0)"
}

@test "cap-drop: a capability dropped from the bounding set is not regained by root" {
  touch "$T/f"
  chown 2000:2000 "$T/f"
  # chown needs CAP_CHOWN (kept); chmod of another user's file CAP_FOWNER
  run -1 cap-drop --keep chown -- sh -c "chown 1000 '$T/f' && chmod 600 '$T/f'"
  assert_output --partial 'Operation not permitted'
  [ "$(stat -c '%u %a' "$T/f")" = '1000 644' ]
  run -0 cap-drop --keep chown,fowner -- chmod 600 "$T/f"
  [ "$(stat -c '%a' "$T/f")" = 600 ]
}

@test "cap-drop: a file capability outside the bounding set cannot be regained" {
  cp "$(command -v chmod)" "$T/chmod"
  setcap cap_fowner+ep "$T/chmod"
  touch "$T/f"
  chown 2000:2000 "$T/f"
  chmod 755 "$T"
  run -0 cap-drop --user 1000 --keep fowner -- "$T/chmod" 600 "$T/f"
  [ "$(stat -c '%a' "$T/f")" = 600 ]
  # the kernel refuses to run a file whose caps the bounding set withholds
  run -126 cap-drop --user 1000 --keep chown -- "$T/chmod" 644 "$T/f"
  assert_output "cap-drop: exec $T/chmod: Operation not permitted"
  [ "$(stat -c '%a' "$T/f")" = 600 ]
}

@test "cap-drop: --user 1000:1000 sets all ids, clears groups and capabilities" {
  # the caller has supplementary groups: they must not be inherited
  run -0 setpriv --groups 4,27 -- grep Groups /proc/self/status
  assert_output "$(printf 'Groups:\t4 27 ')"
  run -0 setpriv --groups 4,27 -- \
    cap-drop --user 1000:1000 --keep chown,kill -- cat /proc/self/status
  assert_line "$(printf 'Uid:\t1000\t1000\t1000\t1000')"
  assert_line "$(printf 'Gid:\t1000\t1000\t1000\t1000')"
  assert_line --regexp $'^Groups:\t *$'
  assert_line "$(capline CapEff 0)"
  assert_line "$(capline CapPrm 0)"
  assert_line "$(capline CapInh 0)"
  assert_line "$(capline CapAmb 0)"
  assert_line "$(capline CapBnd $(((1 << 0) | (1 << 5))))"
}

@test "cap-drop: --user UID without a gid uses the uid's number" {
  run -0 cap-drop --user 1234 -- sh -c 'echo $(id -u) $(id -g) $(id -G)'
  assert_output '1234 1234 1234'
}

@test "cap-drop: --ambient gives a non-root program the kept capabilities" {
  local b10=$((1 << 10))
  run -0 cap-drop --user 1000 --keep net_bind_service --ambient -- cat /proc/self/status
  assert_line "$(capline CapAmb "$b10")"
  assert_line "$(capline CapEff "$b10")"
  assert_line "$(capline CapPrm "$b10")"
  assert_line "$(capline CapInh "$b10")"
  assert_line "$(capline CapBnd "$b10")"
}

@test "cap-drop: the ambient capability works for a non-root program" {
  touch "$T/f"
  chown 1000:1000 "$T/f"
  chmod 755 "$T"
  run -1 cap-drop --user 1000 --keep chown -- chown 2000 "$T/f"
  assert_output --partial 'Operation not permitted'
  run -0 cap-drop --user 1000 --keep chown --ambient -- chown 2000 "$T/f"
  [ "$(stat -c %u "$T/f")" = 2000 ]
}

@test "cap-drop: --ambient does not change root's sets" {
  run -0 cap-drop --keep kill --ambient -- cat /proc/self/status
  assert_line "$(capline CapEff $((1 << 5)))"
  assert_line "$(capline CapInh 0)"
  assert_line "$(capline CapAmb 0)"
}

@test "cap-drop: --groups sets the supplementary groups" {
  run -0 cap-drop --groups 10,20 -- cat /proc/self/status
  assert_line "$(printf 'Groups:\t10 20 ')"
  run -0 cap-drop --user 1000:1000 --groups 10,20 -- cat /proc/self/status
  assert_line "$(printf 'Gid:\t1000\t1000\t1000\t1000')"
  assert_line "$(printf 'Groups:\t10 20 ')"
  run -0 cap-drop --groups '' -- id -G
  assert_output 0
}

@test "cap-drop: --no-new-privs sets NoNewPrivs" {
  run -0 cap-drop --keep all -- grep NoNewPrivs /proc/self/status
  assert_output "$(printf 'NoNewPrivs:\t0')"
  run -0 cap-drop --no-new-privs -- grep NoNewPrivs /proc/self/status
  assert_output "$(printf 'NoNewPrivs:\t1')"
  run -0 cap-drop --no-new-privs --user 1000 -- grep NoNewPrivs /proc/self/status
  assert_output "$(printf 'NoNewPrivs:\t1')"
}

@test "cap-drop: an unprivileged caller cannot shrink the bounding set" {
  run -125 as_nobody -- --drop all -- id
  assert_output "cap-drop: prctl PR_CAPBSET_DROP cap_chown: Operation not permitted"
  run -125 as_nobody -- --keep all --groups 10 -- id
  assert_output "cap-drop: setgroups: Operation not permitted"
}

@test "cap-drop: an unprivileged caller asking for nothing it cannot do succeeds" {
  run -0 as_nobody -- --keep all --no-new-privs -- cat /proc/self/status
  assert_line "$(printf 'Uid:\t65534\t65534\t65534\t65534')"
  assert_line "$(capline CapBnd "$BND")"
  assert_line "$(capline CapEff 0)"
  assert_line "$(printf 'NoNewPrivs:\t1')"
  run -0 as_nobody --bounding-set -all -- --drop all -- id -u
  assert_output 65534
  run -0 as_nobody --bounding-set -all,+kill -- --keep kill,chown -- cat /proc/self/status
  assert_line "$(capline CapBnd $((1 << 5)))"
  assert_line "$(capline CapEff 0)"
}

@test "cap-drop: the five sets one by one, as a non-root program sees them after execve" {
  local chown=1 kill=$((1 << 5)) nbs=$((1 << 10))
  run -0 cap-drop --bounding chown,kill,net_bind_service --permitted chown,kill \
    --effective chown --inheritable chown,kill --ambient-set kill --user 1000 \
    -- cat /proc/self/status
  assert_line "$(capline CapBnd $((chown | kill | nbs)))"
  assert_line "$(capline CapInh $((chown | kill)))"
  assert_line "$(capline CapAmb "$kill")"
  # execve(2): a non-root program's permitted and effective sets are the
  # ambient one
  assert_line "$(capline CapPrm "$kill")"
  assert_line "$(capline CapEff "$kill")"
}

@test "cap-drop: the five sets as root: bounding, inheritable, ambient exact; execve gives root the bounding set" {
  local chown=1 kill=$((1 << 5)) nbs=$((1 << 10))
  run -0 cap-drop --bounding chown,kill,net_bind_service --permitted chown,kill \
    --effective chown --inheritable chown --ambient-set chown \
    -- cat /proc/self/status
  assert_line "$(capline CapBnd $((chown | kill | nbs)))"
  assert_line "$(capline CapInh "$chown")"
  assert_line "$(capline CapAmb "$chown")"
  assert_line "$(capline CapPrm $((chown | kill | nbs)))"
  assert_line "$(capline CapEff $((chown | kill | nbs)))"
}

@test "cap-drop: a set not given is empty, as in the OCI runtime spec" {
  run -0 cap-drop --bounding chown -- cat /proc/self/status
  assert_line "$(capline CapBnd 1)"
  assert_line "$(capline CapInh 0)"
  assert_line "$(capline CapAmb 0)"
  run -0 cap-drop --bounding '' --user 1000 -- cat /proc/self/status
  assert_line "$(capline CapBnd 0)"
  assert_line "$(capline CapPrm 0)"
  assert_line "$(capline CapEff 0)"
}

@test "cap-drop: --inheritable reaches a program through its inheritable file capabilities" {
  cp "$(command -v chown)" "$T/chown"
  setcap cap_chown+ei "$T/chown"
  touch "$T/f"
  chown 1000:1000 "$T/f"
  chmod 755 "$T"
  # uid 1000, chown only inheritable (not ambient): the file's fI gives it
  run -0 cap-drop --bounding chown --permitted chown --inheritable chown \
    --user 1000 -- "$T/chown" 2000 "$T/f"
  [ "$(stat -c %u "$T/f")" = 2000 ]
  run -1 cap-drop --bounding chown --permitted chown --user 1000 \
    -- "$T/chown" 3000 "$T/f"
  assert_output --partial 'Operation not permitted'
  [ "$(stat -c %u "$T/f")" = 2000 ]
}

@test "cap-drop: the five sets: bad lists and sets that do not fit are errors, 125" {
  run -125 cap-drop --effective chown --permitted kill -- true
  assert_output 'cap-drop: effective cap_chown: not in the permitted set'
  run -125 cap-drop --permitted kill,chown --inheritable chown --ambient-set kill -- true
  assert_output 'cap-drop: ambient-set cap_kill: not in both the permitted and the inheritable set'
  run -125 cap-drop --bounding chown,bogus -- true
  assert_output 'cap-drop: bounding: unknown capability: bogus'
  run -125 cap-drop --inheritable nope -- true
  assert_output 'cap-drop: inheritable: unknown capability: nope'
  run -125 cap-drop --ambient-set CAP_NOPE -- true
  assert_output 'cap-drop: ambient-set: unknown capability: CAP_NOPE'
  run -125 cap-drop --keep chown --bounding chown -- true
  assert_output 'cap-drop: --bounding, --effective, --permitted, --inheritable and --ambient-set exclude --keep, --drop and --ambient'
  run -125 cap-drop --ambient --ambient-set chown -- true
  assert_output --partial 'exclude --keep, --drop and --ambient'
  run -125 cap-drop --permitted
  assert_line --index 0 'cap-drop: option needs an argument: --permitted'
  # more than the caller has: the kernel refuses (capset), nothing runs
  run -125 setpriv --reuid 65534 --regid 65534 --clear-groups --inh-caps=-all \
    cap-drop --bounding all --permitted chown -- touch "$T/ran"
  assert_output 'cap-drop: capset: Operation not permitted'
  assert_not_exist "$T/ran"
}
