#!/usr/bin/env bats
# fuzz: every fuzz harness replays its seeds and regression inputs, built
# with ASan and UBSan (fuzz/replay.c instead of libFuzzer): a parser that
# once crashed on an input (fuzz/regress/TARGET/) must not again

load 'lib/common'

setup() {
  need_root # the tar harnesses set owners and make device nodes
  command -v clang >/dev/null ||
    skip "clang missing (test/lib/install-deps installs it)"
}

# Build TARGET's replay binary (make keeps it while nothing changed), then
# give it every seed and regression input; a sanitizer report fails it.
replay() { # TARGET
  local files
  run -0 make -C "$TOP" -s "fuzz/build/$1-replay"
  files=$(find "$TOP/fuzz/corpus/$1" "$TOP/fuzz/regress/$1" -type f \
    2>/dev/null | LC_ALL=C sort)
  [ -n "$files" ] || fail "$1: no seeds in fuzz/corpus/$1"
  # shellcheck disable=SC2086 # one argument per file (no spaces in names)
  TMPDIR=$BATS_TEST_TMPDIR run "$TOP/fuzz/build/$1-replay" $files
  refute_output --partial 'runtime error'
  refute_output --partial 'ERROR: AddressSanitizer'
  assert_success
}

@test "fuzz: every harness fuzz/*.c is a target of make fuzz" {
  local targets c name
  targets=" $(make -C "$TOP" -s -f Makefile -f - print \
    <<<'print: ; @echo $(FUZZ_TARGETS)') "
  for c in "$TOP"/fuzz/*.c; do
    name=${c##*/}; name=${name%.c}
    [ "$name" = replay ] && continue
    [[ $targets == *" $name "* ]] || fail "fuzz/$name.c: not in FUZZ_TARGETS"
    [ -d "$TOP/fuzz/corpus/$name" ] || fail "fuzz/$name.c: no fuzz/corpus/$name"
  done
}

@test "fuzz: the replay binaries are built with ASan and UBSan" {
  run -0 make -C "$TOP" -s fuzz/build/cap-drop-args-replay
  run -0 nm "$TOP/fuzz/build/cap-drop-args-replay"
  assert_output --partial '__asan_report_load'
  assert_output --partial '__ubsan_handle_'
}

@test "fuzz: seccomp-profile replays (seccomp-load PROFILE text)" {
  replay seccomp-profile
}

@test "fuzz: seccomp-compiled replays (seccomp-load --compiled FILE)" {
  replay seccomp-compiled
}

@test "fuzz: cg-attach-args replays (sizes, --cpus, numbers, names)" {
  replay cg-attach-args
}

@test "fuzz: cap-drop-args replays (capability lists, --user, --groups)" {
  replay cap-drop-args
}

@test "fuzz: ns-enter-args replays (--map-uid/--map-gid ranges, --keep)" {
  replay ns-enter-args
}

@test "fuzz: pivot-args replays (--mount specs and escapes, --mknod, --sysctl names)" {
  replay pivot-args
}

@test "fuzz: layer-unpack replays (the tar reader, never outside DIR)" {
  replay layer-unpack
}

@test "fuzz: layer-pack replays (the walker over a described tree)" {
  replay layer-pack
}

@test "fuzz: oci-spec replays (config.json: the JSON reader, the lines oci-create reads)" {
  replay oci-spec
}
