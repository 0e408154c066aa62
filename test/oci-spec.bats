#!/usr/bin/env bats
# oci-spec: helpers/oci-spec, a runtime-spec config.json as mustela-oci's
# "KEY VALUE" lines (libexec/mustela/oci-config lists the keys): a golden
# corpus in test/oci-spec/ (NAME.json and the lines it gives, NAME.out;
# process-* are exec --process objects, resources-* update --resources
# ones), every refusal with its message, and mustela-oci's create, exec
# --process and update --resources refusing through it.
#
# The .out files were written by the jq program oci-spec replaced (the
# oracle, checked equal to oci-spec's lines before the switch, issue 13),
# but big-numbers.out: past 2^53 jq printed doubles (9223372036854775807
# as 9223372036854776000), oci-spec prints the integer. A key added to
# oci-spec gets a config here that gives it, and its lines.

load 'lib/common'

C=$TOP/test/oci-spec

teardown() { # the test that parks a container: it goes even when an
  # assertion failed half-way (its cgroups were left behind once)
  if [ -n "${OCI_ID-}" ] && [ -d "$T/state" ]; then
    "$TOP/bin/mustela-oci" --root "$T/state" delete --force "$OCI_ID" 2>/dev/null || :
  fi
  [ -z "${OCI_ID-}" ] || container_teardown
}

spec() { # [OPTION] FILE: run oci-spec, its stderr apart
  run --separate-stderr oci-spec "$@"
}

mode_of() { # NAME: the option the corpus file NAME is read with
  case "$1" in
    process-*) echo --process ;;
    resources-*) echo --resources ;;
  esac
}

# Refused: exit 125, nothing on stdout, the one line on stderr
refused() { # JSON MESSAGE [OPTION]: JSON refused with oci-spec: FILE: MESSAGE
  printf '%s' "$1" >"$BATS_TEST_TMPDIR/r.json"
  spec ${3:+"$3"} "$BATS_TEST_TMPDIR/r.json"
  assert_equal "$status" 125
  assert_equal "$output" ""
  assert_equal "$stderr" "oci-spec: $BATS_TEST_TMPDIR/r.json: $2"
}

@test "oci-spec: usage, -h, an unknown option, a missing file: 125 and why" {
  spec
  assert_equal "$status" 125
  assert_equal "$stderr" 'oci-spec: usage: oci-spec [--process | --resources] FILE'
  spec -x f
  assert_equal "$status" 125
  assert_equal "${stderr%%$'\n'*}" 'oci-spec: unknown option: -x'
  spec --process --resources f
  assert_equal "$status" 125
  spec a b
  assert_equal "$status" 125
  spec -h
  assert_equal "$status" 0
  assert_line --index 0 'oci-spec: usage: oci-spec [--process | --resources] FILE'
  spec "$BATS_TEST_TMPDIR/none.json"
  assert_equal "$status" 125
  assert_equal "$stderr" "oci-spec: $BATS_TEST_TMPDIR/none.json: No such file or directory"
}

@test "oci-spec: the corpus gives its golden lines (podman's, containerd's, runc spec's, oci.bats's configs, every key)" {
  local f n bad=""
  for f in "$C"/*.json; do
    n=${f##*/} n=${n%.json}
    [ -e "$C/$n.out" ] || fail "$n.json: no $n.out"
    oci-spec $(mode_of "$n") "$f" >"$BATS_TEST_TMPDIR/$n.out" || bad="$bad $n(status)"
    cmp -s "$C/$n.out" "$BATS_TEST_TMPDIR/$n.out" || bad="$bad $n"
  done
  assert_equal "$bad" ""
  # the corpus covers every key oci-config lists (its header: "KEY ...")
  local keys k
  keys=$(sed -n '/^# The keys/,/^[^#]/p' "$TOP/libexec/mustela/oci-config" |
    grep -o '\(^#   \|· \)[a-z]\+' | sed 's/.* //' | sort -u)
  [ -n "$keys" ] || fail "no keys read from oci-config's header"
  for k in $keys; do
    cat "$C"/*.out | grep -q "^$k " || bad="$bad $k"
  done
  assert_equal "$bad" ""
}

@test "oci-spec: the default config.json of mustela-oci spec is the corpus's spec-default.json" {
  "$TOP/bin/mustela-oci" spec --bundle "$BATS_TEST_TMPDIR"
  run -0 cmp "$BATS_TEST_TMPDIR/config.json" "$C/spec-default.json"
}

@test "oci-spec: JSON's escapes: \\uXXXX and surrogate pairs out as UTF-8, jq's escapes in annotations, a repeated key's last value" {
  spec "$C/escapes.json"
  assert_success
  assert_line 'version 1.0.2-dup'
  assert_line 'root /rootfs'
  assert_line $'arg A\xc3\x9f\xe2\x82\xac\xf0\x90\x80\x80'
  assert_line $'annotations {"quote\\"back\\\\slash":"\\b\\f\\n\\r\\t\\u0001\\u001f\\u007f//","uni\xc3\xa9":"\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x98\x80 \xc3\xa9 \xf0\x9f\x98\x80","cr":"a\\rb","z":"second"}'
  # a newline in an argument comes as the record separator 0x1e
  assert_line $'arg x\x1ey'
  # 1.0 1e3 -0 are integers, printed as jq prints them
  assert_line 'user 1 1000'
  assert_line 'umask -0'
  assert_line 'group 100'
}

@test "oci-spec: integers of 64 bits exactly (jq's doubles round past 2^53); past them, or a fraction, refused" {
  spec "$C/big-numbers.json"
  assert_success
  assert_line 'rlimit RLIMIT_NOFILE 18446744073709551615 18446744073709551615'
  assert_line 'memory 9223372036854775807'
  assert_line 'swap -9223372036854775808'
  assert_line 'user 9007199254740993 0'
  assert_line 'seccomp errno 1 ioctl arg1 &18446744073709551615 == 18446744073709551614'
  refused '{"process": {"user": {"uid": 18446744073709551616}}}' \
    'process.user.uid: out of the range of 64 bits: 18446744073709551616'
  refused '{"linux": {"resources": {"memory": {"limit": -9223372036854775809}}}}' \
    'linux.resources.memory.limit: out of the range of 64 bits: -9223372036854775809'
  refused '{"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "soft": 1.5, "hard": 2}]}}' \
    'process.rlimits[0].soft: not an integer: 1.5'
  refused '{"process": {"oomScoreAdj": 1e400}}' \
    'process.oomScoreAdj: out of the range of 64 bits: 1e400'
}

@test "oci-spec: malformed JSON refused with its line, column and byte offset" {
  refused '{"ociVersion": "1.0.2", "process": ' \
    'parse error: Unfinished JSON term at EOF at line 1, column 36 (byte offset 35)'
  refused $'{\n  "a": [1,\n  2 3]}' \
    'parse error: Expected separator between values at line 3, column 5 (byte offset 17)'
  refused '' 'parse error: no JSON value (an empty file) at line 1, column 1 (byte offset 0)'
  refused '{"a": 1} {"a": 2}' \
    'parse error: a second JSON value after the first at line 1, column 10 (byte offset 9)'
  refused '{"a": "\q"}' 'parse error: Invalid escape \q at line 1, column 8 (byte offset 7)'
  refused '{"a": "\u12"}' 'parse error: Invalid \uXXXX escape at line 1, column 8 (byte offset 7)'
  refused '{"a": "\ud83dx"}' \
    'parse error: Invalid \uXXXX\uXXXX surrogate pair escape at line 1, column 8 (byte offset 7)'
  refused '{"a": "\ude00"}' \
    'parse error: Invalid \uXXXX escape: a low surrogate without its high one at line 1, column 8 (byte offset 7)'
  refused $'{"a": "\x01"}' \
    'parse error: a control character (0x01) in a string: write it as \u0001 at line 1, column 8 (byte offset 7)'
  refused $'{"a": "\xc3("}' 'parse error: not UTF-8 at line 1, column 8 (byte offset 7)'
  # an encoded surrogate (CESU-8) is not UTF-8
  refused $'{"a": "\xed\xa0\x80"}' 'parse error: not UTF-8 at line 1, column 8 (byte offset 7)'
  refused '{"a": 01}' 'parse error: Expected separator between values at line 1, column 8 (byte offset 7)'
  refused '{"a": 1.}' 'parse error: Invalid numeric literal at line 1, column 9 (byte offset 8)'
  refused '{"a": -}' 'parse error: Invalid numeric literal at line 1, column 8 (byte offset 7)'
  refused '{"a": tru}' 'parse error: Invalid literal at line 1, column 7 (byte offset 6)'
  refused '{1: 2}' 'parse error: Object keys must be strings at line 1, column 2 (byte offset 1)'
  refused '{"a" 1}' 'parse error: Objects must consist of key:value pairs at line 1, column 6 (byte offset 5)'
  refused '"unfinished' 'parse error: Unfinished string at EOF at line 1, column 12 (byte offset 11)'
  # jq's depth limit: 256 levels
  refused "$(printf '[%.0s' {1..257})" \
    'parse error: Exceeds depth limit for parsing at line 1, column 257 (byte offset 256)'
  printf '{"a": %s1%s}' "$(printf '[%.0s' {1..255})" "$(printf ']%.0s' {1..255})" >"$BATS_TEST_TMPDIR/deep.json"
  spec "$BATS_TEST_TMPDIR/deep.json"
  assert_success
}

@test "oci-spec: a value that would break its line, a wrong JSON type, an unknown seccomp word: refused, nothing printed" {
  refused '[]' 'config: not a JSON object (an array)'
  refused '{"hostname": "a\nb"}' 'hostname: a newline in a one-line value: "a\nb"'
  refused '{"root": {"path": "/r\n"}}' 'root.path: a newline in a one-line value: "/r\n"'
  refused '{"hostname": "a\u0000b"}' 'hostname: a NUL byte (\u0000) in a value: "a\u0000b"'
  refused '{"process": {"args": ["sh", "a\u001eb"]}}' \
    'process.args[1]: a record separator (0x1e) in an argument or environment entry: "a\u001eb"'
  refused '{"process": {"env": ["A=\u001e"]}}' \
    'process.env[0]: a record separator (0x1e) in an argument or environment entry: "A=\u001e"'
  refused '{"mounts": [{"destination": "/a\tb"}]}' \
    'mounts[0].destination: a tab in a tab-separated field: "/a\tb"'
  refused '{"mounts": [{"destination": "/a", "options": ["ro", "x\ty"]}]}' \
    'mounts[0].options[1]: a tab in a tab-separated field: "x\ty"'
  refused '{"linux": {"devices": [{"path": "/dev/a\tb", "type": "c", "major": 1, "minor": 1}]}}' \
    'linux.devices[0].path: a tab in a tab-separated field: "/dev/a\tb"'
  refused '{"hooks": {"prestart": [{"path": "/x", "env": ["A=\u001f"]}]}}' \
    'hooks.prestart[0].env[0]: a unit separator (0x1f) in a hook'\''s argument or environment entry: "A=\u001f"'
  refused '{"hooks": {"prestart": [{"path": "/x", "args": ["a\tb"]}]}}' \
    'hooks.prestart[0].args[0]: a tab in a tab-separated field: "a\tb"'
  refused '{"linux": {"sysctl": {"a\nb": "1"}}}' \
    'linux.sysctl["a\nb"]: a newline in a one-line value: "a\nb"'
  refused '{"process": {"capabilities": {"bounding": ["CAP_KILL,CAP_CHOWN"]}}}' \
    'process.capabilities.bounding[0]: a comma in a capability name: "CAP_KILL,CAP_CHOWN"'
  refused '{"process": "sh"}' 'process: not an object (a string)'
  refused '{"process": {"args": "sh"}}' 'process.args: not an array (a string)'
  refused '{"process": {"args": [1]}}' 'process.args[0]: not a string (a number)'
  refused '{"process": {"user": {"uid": "0"}}}' 'process.user.uid: not an integer (a string)'
  refused '{"process": {"terminal": "yes"}}' 'process.terminal: not a boolean (a string)'
  refused '{"root": {"readonly": 1}}' 'root.readonly: not a boolean (a number)'
  refused '{"annotations": {"k": 1}}' 'annotations.k: not a string (a number)'
  refused '{"hooks": {"poststop": {}}}' 'hooks.poststop: not an array (an object)'
  refused '{"process": {"rlimits": [{"soft": 1, "hard": 1}]}}' 'process.rlimits[0].type: missing'
  refused '{"mounts": [{"type": "tmpfs"}]}' 'mounts[0].destination: missing'
  refused '{"linux": {"resources": {"devices": [{"access": "rwm"}]}}}' \
    'linux.resources.devices[0].allow: missing'
  refused '{"linux": {"uidMappings": [{"containerID": 0, "hostID": 1000}]}}' \
    'linux.uidMappings[0].size: missing'
  refused '{"linux": {"seccomp": {"defaultAction": "SCMP_ACT_NOTIFY"}}}' \
    'linux.seccomp.defaultAction: seccomp action "SCMP_ACT_NOTIFY" is not supported (ALLOW, ERRNO, KILL, KILL_PROCESS, TRAP, LOG)'
  refused '{"linux": {"seccomp": {}}}' \
    'linux.seccomp.defaultAction: seccomp action null is not supported (ALLOW, ERRNO, KILL, KILL_PROCESS, TRAP, LOG)'
  refused '{"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_TRACE"}]}}}' \
    'linux.seccomp.syscalls[0].action: seccomp action "SCMP_ACT_TRACE" is not supported (ALLOW, ERRNO, KILL, KILL_PROCESS, TRAP, LOG)'
  refused '{"linux": {"seccomp": {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["a"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BITS"}]}]}}}' \
    'linux.seccomp.syscalls[0].args[0].op: seccomp operator "SCMP_CMP_BITS" is unknown'
  # --process and --resources: the object itself
  refused '["sh"]' 'process: not an object (an array)' --process
  refused '{"args": ["a\u001e"]}' \
    'process.args[0]: a record separator (0x1e) in an argument or environment entry: "a\u001e"' --process
  refused '7' 'linux.resources: not an object (a number)' --resources
  refused '{"pids": {"limit": "max"}}' 'linux.resources.pids.limit: not an integer (a string)' --resources
}

@test "oci-spec: keys it does not use are ignored, null is as missing, - reads standard input" {
  printf '%s' '{"ociVersion": "1.0.2", "root": null, "x": [1, {"y": "\n"}], "process": {"args": ["true"], "user": null, "what": {}}}' \
    >"$BATS_TEST_TMPDIR/in.json"
  spec - <"$BATS_TEST_TMPDIR/in.json"
  assert_success
  assert_output $'version 1.0.2\nroot \nannotations {}\narg true\ncwd /\nuser 0 0'
}

@test "oci-spec: mustela-oci's create, exec --process and update --resources refuse through it, with its message; create leaves nothing" {
  container_setup
  local o=$T/state b=$T/b id=oci-spec-$$
  OCI_ID=$id
  mkdir -p "$b"
  "$TOP/bin/mustela-oci" spec --bundle "$b"
  jq ".root.path = \"$R\" | .process.args = [\"true\", \"a\u001eb\"]" "$b/config.json" >"$T/c.json"
  cp "$T/c.json" "$b/config.json"
  run -125 "$TOP/bin/mustela-oci" --root "$o" create --bundle "$b" "$id"
  assert_output "mustela-oci: $b/config.json: not a valid config.json: process.args[1]: a record separator (0x1e) in an argument or environment entry: \"a\\u001eb\""
  assert_not_exist "$o/$id"
  printf '{"ociVersion": "1.0.2",\n "process": {"args": ["true"' >"$b/config.json"
  run -125 "$TOP/bin/mustela-oci" --root "$o" create --bundle "$b" "$id"
  assert_output "mustela-oci: $b/config.json: not a valid config.json: parse error: Unfinished JSON term at EOF at line 2, column 29 (byte offset 52)"
  assert_not_exist "$o/$id"
  # a container parked at its start gate: exec and update read through it
  jq ".root.path = \"$R\" | .process.args = [\"true\"]" "$T/c.json" >"$b/config.json"
  # (its stdio a file's: the parked container keeps it open)
  "$TOP/bin/mustela-oci" --root "$o" create --bundle "$b" "$id" </dev/null >"$T/create.out" 2>&1 ||
    fail "create: $(cat "$T/create.out")"
  printf '{"args": ["sh"], "user": {"uid": -1.5}}' >"$T/p.json"
  run -125 "$TOP/bin/mustela-oci" --root "$o" exec --process "$T/p.json" "$id"
  assert_output "mustela-oci: exec: --process $T/p.json: not a valid process: process.user.uid: not an integer: -1.5"
  run -125 "$TOP/bin/mustela-oci" --root "$o" update --resources - "$id" <<<'{"memory": {"limit": "1g"}}'
  assert_output 'mustela-oci: --resources: not valid: linux.resources.memory.limit: not an integer (a string)'
  run -0 "$TOP/bin/mustela-oci" --root "$o" delete --force "$id"
  assert_not_exist "$o/$id"
}
