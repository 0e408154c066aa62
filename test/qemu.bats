#!/usr/bin/env bats
# qemu: minc --qemu runs the container inside a qemu VM with Debian's cloud
# kernel (ermine's image): stdout, stderr and stdin apart, argv exact, the
# status passed, the root untouched, -t keeps the writes, the VM's size and
# network, signals and SIGKILL leave nothing, a terminal on stdin keeps
# its modes after a SIGKILL, a marten image runs, --seccomp FILE; bad
# inputs and the refused flags; ermine build/list/rm. Each boot costs
# seconds without KVM: the image is built once for the file, and each test
# boots at most twice.

load 'lib/common'

setup_file() {
  need_root
  command -v qemu-system-x86_64 >/dev/null ||
    skip "qemu-system-x86_64 not installed (Debian package qemu-system-x86)"
  export MUSTELA_DIR=$BATS_FILE_TMPDIR/store
  # The kernel: the qemu lane's, unpacked once (test/vm/run kernel; the
  # lane then reuses it)
  local k rel
  k=$("$TOP/test/vm/run" kernel)
  rel=$(ls "$k/lib/modules")
  Q=--qemu=kernel=$k/boot/vmlinuz-$rel,modules=$k/lib/modules/$rel
  IMAGE=$(ermine build --kernel "$k/boot/vmlinuz-$rel" --modules "$k/lib/modules/$rel")
  export Q IMAGE
}

setup() {
  container_setup
  # the run's temporary directory, looked at for leftovers
  export TMPDIR=$T
}

teardown() {
  container_teardown
}

# qemu_left: the qemu processes of this file's images, if any
qemu_left() {
  pgrep -a -f "$MUSTELA_DIR/ermine/images" || :
}

# until_output FILE TEXT: wait (at most 120 s) until FILE holds TEXT
until_output() {
  local i
  for i in $(seq 240); do
    ! grep -q "$2" "$1" 2>/dev/null || return 0
    sleep 0.5
  done
  return 1
}

# kill_and_check PID: SIGKILL minc PID; then no qemu (it may take its
# parent-death signal a moment), no temporary directory
kill_and_check() {
  local i
  kill -KILL "$1"
  wait "$1" || :
  for i in $(seq 50); do
    [ -n "$(qemu_left)" ] || break
    sleep 0.1
  done
  assert_equal "$(qemu_left)" ""
  run -0 find "$T" -mindepth 1 -name 'minc-qemu.*'
  assert_output ""
}

@test "qemu: the guest's kernel prints on stdout, err on stderr, status 3; argv and stdin exact; the VM's size; the root untouched" {
  local sum
  sum=$(tree_sum "$R")
  run --separate-stderr -3 minc "$Q" --mem-limit 300M --cpus 1.5 -r "$R" sh -c \
    'uname -r; echo err >&2; printf "[%s]\n" "$@"; cat; nproc;
     grep MemTotal /proc/meminfo; ip -o link | grep -c "^[0-9]*: "; echo x >/written;
     ls /written; exit 3' sh 'a b' '' $'x\ny' 'c,d' "q'\"" <<<"from stdin"
  assert_equal "$stderr" "err"
  assert_line --index 0 "$(cat "$IMAGE/release")"
  refute_line --index 0 "$(uname -r)"
  assert_equal "${lines[1]}" "[a b]"
  assert_equal "${lines[2]}" "[]"
  assert_equal "${lines[3]}" "[x"
  assert_equal "${lines[4]}" "y]"
  assert_equal "${lines[5]}" "[c,d]"
  assert_equal "${lines[6]}" "[q'\"]"
  assert_equal "${lines[7]}" "from stdin"
  # --cpus 1.5: two CPUs; --mem-limit 300M: the VM's memory, less the
  # kernel's own
  assert_equal "${lines[8]}" 2
  local kb=${lines[9]//[!0-9]/}
  [ "$kb" -gt 200000 ] && [ "$kb" -le 307200 ]
  # no network: the loopback only
  assert_equal "${lines[10]}" 1
  assert_equal "${lines[11]}" /written
  assert_equal "$(tree_sum "$R")" "$sum"
  assert_equal "$(qemu_left)" ""
  run -0 find "$T" -mindepth 1
  assert_output ""
}

@test "qemu: -t DIR keeps the writes on the host; the next run sees them; the rootfs is untouched; a limit inside" {
  local sum
  sum=$(tree_sum "$R")
  # --pid-max: a limit inside the VM, cg-attach supervised by the guest's
  # minc
  run -0 minc "$Q" --pid-max 64 -t "$T/c" -r "$R" sh -c 'echo one >/new; rm /bin/true; echo gone'
  assert_output gone
  assert_file_exists "$T/c/storage/new"
  run -0 cat "$T/c/storage/new"
  assert_output one
  # the removed file: an overlay whiteout (a 0:0 character device)
  run -0 stat -c '%F %t:%T' "$T/c/storage/bin/true"
  assert_output 'character special file 0:0'
  run -0 minc "$Q" -t "$T/c" -r "$R" sh -c 'cat /new; ls /bin/true 2>&1; echo two >>/new'
  assert_line --index 0 one
  assert_line --index 1 --partial "No such file"
  run -0 cat "$T/c/storage/new"
  assert_output $'one\ntwo'
  assert_equal "$(tree_sum "$R")" "$sum"
}

@test "qemu: SIGTERM of minc during the run ends the VM: status 143, nothing left" {
  minc "$Q" -r "$R" sh -c 'echo started; sleep 600' >"$T/out" 2>"$T/err" &
  local pid=$!
  until_output "$T/out" started
  kill -TERM "$pid"
  local status=0
  wait "$pid" || status=$?
  assert_equal "$status" 143
  assert_equal "$(qemu_left)" ""
  run -0 find "$T" -mindepth 1 -name 'minc-qemu.*'
  assert_output ""
}

@test "qemu: SIGKILL of minc at boot and during the run leaves no qemu, no temporary directory" {
  minc "$Q" -r "$R" sh -c 'echo started; sleep 600' >"$T/out" 2>"$T/err" &
  local pid=$! i
  # at boot: as soon as qemu runs (after a build of the image, if a file
  # of it changed since setup_file)
  for i in $(seq 1200); do
    [ -z "$(qemu_left)" ] || break
    sleep 0.1
  done
  [ -n "$(qemu_left)" ]
  # (the program has not started: the VM boots for seconds)
  [ ! -s "$T/out" ]
  kill_and_check "$pid"
  # during the run
  minc "$Q" -r "$R" sh -c 'echo started; sleep 600' >"$T/out" 2>"$T/err" &
  pid=$!
  until_output "$T/out" started
  kill_and_check "$pid"
}

@test "qemu: stdin a terminal: SIGKILL of minc leaves the terminal's modes as they were" {
  # under a pty of its own (script): the modes before, minc with the
  # terminal as its stdin (the line typed reaches the program) killed
  # during the run, the modes after its qemu has ended
  export Q R T MUSTELA_DIR
  # shellcheck disable=SC2016 # expanded by script's shell
  run -0 script -qec '
    stty -g >"$T/before"
    minc "$Q" -r "$R" sh -c "read -r l; echo \"[\$l]\"; echo started; sleep 600" \
      </dev/tty >"$T/out" 2>"$T/err" &
    pid=$!
    i=0
    until grep -q started "$T/out" || [ "$i" -ge 600 ]; do sleep 0.2; i=$((i + 1)); done
    kill -KILL "$pid"
    i=0
    while pgrep -f "$MUSTELA_DIR/ermine/images" >/dev/null && [ "$i" -lt 100 ]; do
      sleep 0.1; i=$((i + 1))
    done
    stty -g >"$T/after"' /dev/null <<<"typed"
  run -0 cat "$T/out"
  assert_output $'[typed]\nstarted'
  assert_equal "$(cat "$T/after")" "$(cat "$T/before")"
  assert_equal "$(qemu_left)" ""
}

@test "qemu: an image from marten runs, with its environment; -n: qemu's user network, -p a published port" {
  run -0 marten import "$R" qemutest
  local port=$((20000 + RANDOM % 20000))
  minc "$Q" -n -p "$port:8080" -e GREETING=hello -r qemutest sh -c \
    'echo "$GREETING"; ip -o -4 addr show eth0 | grep -o "inet [0-9.]*";
     mkdir /w; echo served >/w/f; httpd -p 8080 -h /w; echo ready; sleep 600' \
    >"$T/out" 2>"$T/err" &
  local pid=$!
  until_output "$T/out" ready
  run -0 curl -sS --max-time 30 "http://127.0.0.1:$port/f"
  assert_output served
  kill -TERM "$pid"
  wait "$pid" || :
  run -0 cat "$T/out"
  assert_line --index 0 hello
  assert_line --index 1 "inet 10.0.2.15"
  assert_equal "$(qemu_left)" ""
}

@test "qemu: --seccomp FILE: the profile goes into the VM with the run" {
  # a comma in its path: doubled in qemu's option
  printf 'default allow\nerrno 38 getcwd\n' >"$T/p,1"
  run --separate-stderr -1 minc "$Q" --seccomp "$T/p,1" -r "$R" pwd
  assert_equal "$stderr" "pwd: getcwd: Function not implemented"
  run -0 minc "$Q" --explain --seccomp "$T/p,1" -r "$R" pwd
  assert_line --partial -- "-fw_cfg name=opt/mustela/seccomp,file=$T/p,,1"
  # the chain inside reads qemu's copy, not the host's path
  assert_line --regexp "^exec .*4</sys/firmware/qemu_fw_cfg/by_name/opt/mustela/seccomp/raw"
  refute_line --regexp "^exec .*$T/p,1"
  assert_equal "$(qemu_left)" ""
}

@test "qemu: -b HOST:PATH:ro: a directory and a file go in as read-only copies" {
  mkdir -p "$T/src/sub"
  echo hello >"$T/src/sub/f"
  echo one >"$T/one"
  run --separate-stderr -0 minc "$Q" -b "$T/src:/data:ro" -b "$T/one:/etc/one:ro" \
    -b "$T/src::ro" -r "$R" sh -c 'cat /data/sub/f /etc/one "$1/sub/f"
      touch /data/x 2>/dev/null || echo read-only
      grep -c " /data squashfs ro," /proc/mounts' sh "$T/src"
  assert_equal "$output" "$(printf '%s\n' hello one hello read-only 1)"
  # the host's copies as they were; the bind's parts removed
  run -0 ls "$T/src" "$T/src/sub"
  assert_equal "$(cat "$T/src/sub/f")" hello
  run -0 find "$T" -mindepth 1 -name 'minc-qemu.*'
  assert_output ''
  # --explain: the guest binds its copies
  run -0 minc "$Q" --explain -b "$T/src:/data:ro" -r "$R" true
  assert_line --partial -- "--bind /run/ermine/b0:/data:ro"
  refute_line --partial -- "--bind $T/src:"
  assert_equal "$(qemu_left)" ""
}

# packs_then FILE FILE2 TEXT: --explain packs both the root and the bind;
# the run reads /FILE and /src/FILE2: TEXT
packs_then() {
  run -0 minc "$Q" --explain -b "$T/src:/src:ro" -r "$T/root" true
  assert_line --regexp "^mksquashfs $T/root "
  assert_line --regexp "^mksquashfs $T/src "
  run -0 minc "$Q" -b "$T/src:/src:ro" -r "$T/root" cat "/$1" "/src/$2"
  assert_equal "$output" "$3"
}

@test "qemu: a root directory and a bind are packed once, and again after a change" {
  cp -a "$R" "$T/root"
  echo A >"$T/root/f"
  mkdir "$T/src"
  echo a >"$T/src/g"
  packs_then f g "$(printf '%s\n' A a)"
  # nothing changed: nothing to pack
  run -0 minc "$Q" --explain -b "$T/src:/src:ro" -r "$T/root" true
  refute_line --partial mksquashfs
  # a file written, one added in the bind: both packed again
  echo B >"$T/root/f"
  echo b >"$T/src/h"
  packs_then f h "$(printf '%s\n' B b)"
  # the store's copies, named by their paths; nothing else left
  run -0 ls "$MUSTELA_DIR/ermine/dirs"
  assert_line "${T//\//%}%root.sqfs"
  assert_line "${T//\//%}%src.sqfs.stamp"
  refute_line --regexp '\.(new|stamp)\.[0-9]+$'
  run -0 find "$T" -mindepth 1 -maxdepth 1 -name 'minc-qemu.*'
  assert_output ''
  assert_equal "$(qemu_left)" ""
}

@test "qemu: the image's compiled default profiles are the ones loaded in the guest" {
  # baked on the host (its kernel, its libseccomp), checked in the guest
  # by seccomp-load --check --compiled (--debug prints its verdict)
  run --separate-stderr -0 minc "$Q" --debug -r "$R" true
  # (the console's lines end with CR)
  printf '%s\n' "$stderr" | tr -d '\r' | grep 'console: ermine-init: seccomp' >"$T/v" || :
  run -0 cat "$T/v"
  assert_line --regexp "seccomp: /run/mustela/seccomp/[^ ]*default.policy.root: loaded as compiled$"
  assert_line --regexp "seccomp: /run/mustela/seccomp/[^ ]*default.policy.user: loaded as compiled$"
  refute_output --partial 'not used'
  assert_equal "$(qemu_left)" ""
}

@test "qemu: --explain prints the qemu command and the chain inside, boots nothing" {
  run -0 minc "$Q" --explain --mem-limit 256M -r "$R" echo 'a,b'
  assert_line --regexp '^qemu-system-x86_64 '
  assert_line --regexp '^  -m 256M '
  # the image of the tree as it is now (another than IMAGE if a file of
  # it changed since setup_file: then a line says it is to be built)
  assert_line --regexp "^  -kernel $MUSTELA_DIR/ermine/images/([0-9a-f]{16}|KEY)/vmlinuz "
  assert_line --partial 'echo'
  assert_line --partial 'a,,b'
  assert_line --regexp "ns-enter .*--pid"
  assert_line --regexp "overlay-mount --lower /run/ermine/rootfs"
  assert_line --regexp "seccomp-load|/proc/self/fd/3 --compiled"
  assert_equal "$(qemu_left)" ""
}

@test "qemu: bad inputs: a clear message, status 125, nothing left" {
  run -125 minc --qemu=machine=pdp11 -r "$R" true
  assert_output "minc: --qemu machine=pdp11: unknown machine (microvm, q35)"
  run -125 minc --qemu=colour=red -r "$R" true
  assert_output "minc: --qemu colour=red: unknown option (machine=, accel=, kernel=, modules=)"
  run -125 minc --qemu=accel=hvf -r "$R" true
  assert_output "minc: --qemu accel=hvf: unknown accelerator (kvm, tcg)"
  run -125 minc --qemu=kernel=$T/nokernel -r "$R" true
  assert_output "minc: kernel $T/nokernel: No such file"
  run -125 minc "$Q" true
  assert_output "minc: --qemu: needs -r ROOTFS|IMAGE (the host's / is not packed into a VM)"
  run -125 minc "$Q" -D -r "$R" true
  assert_output "minc: --qemu: not with -D (the root filesystem is read-only in the VM)"
  run -125 minc "$Q" -b /tmp:/mnt -r "$R" true
  assert_output "minc: --qemu: -b /tmp:/mnt: a bind into the VM is a read-only copy (-b HOST[:PATH]:ro): no filesystem is shared with the VM (Debian's cloud kernel has no 9p); -t DIR keeps the container's writes"
  run -125 minc "$Q" -b "$T/nothing:/mnt:ro" -r "$R" true
  assert_output "minc: --bind $T/nothing: No such file or directory"
  run -125 minc "$Q" -B -r "$R" true
  assert_output "minc: --qemu: not with -B (qemu lives only as long as minc: its parent-death signal)"
  run -125 minc "$Q" -X -r "$R" true
  assert_output "minc: --qemu: not with -X (the VM has no host X11 socket)"
  run -125 minc "$Q" --device /dev/null -r "$R" true
  assert_output "minc: --qemu: no host device in the VM (--usedev, --device, --debugfs)"
  run -125 minc "$Q" --arch arm64 -r "$R" true
  assert_output "minc: --qemu: not with --arch (the VM's kernel runs x86_64 programs only)"
  run -125 minc "$Q" -n dens --net-hook /bin/true -r "$R" true
  assert_output "minc: --qemu: not with --net-hook (the VM's network is qemu's, no namespace on the host)"
  run -125 minc "$Q" --cgroup-parent /mustela -r "$R" true
  assert_output "minc: --qemu: not with --cgroup-parent (the limits apply in the VM's own cgroups)"
  run -125 minc "$Q" --seccomp "$T/nothing" -r "$R" true
  assert_output "minc: --seccomp $T/nothing: No such file or directory"
  run -125 minc "$Q" --mem-limit lots -r "$R" true
  assert_output "minc: --mem-limit lots: not a size for the VM (e.g. 512M)"
  run -125 minc "$Q" -r "$T/nothing" true
  assert_output "minc: rootdir $T/nothing: No such directory or image"
  mkdir "$T/bin"
  run -125 env PATH="$T/bin" "$TOP/bin/minc" "$Q" -r "$R" true
  assert_output "minc: qemu-system-x86_64: command not found (install it)"
  run -0 find "$T" -mindepth 1 ! -path "$T/bin"
  assert_output ""
}

@test "qemu: ermine lists the image, refuses bad keys and commands, removes an image" {
  run -0 ermine list
  assert_line --index 0 $'IMAGE\tKERNEL\tSIZE\tCREATED'
  assert_line --regexp "^${IMAGE##*/}	$(cat "$IMAGE/release")	"
  run -1 ermine rm ../x
  assert_output "ermine: image ../x: not an image key"
  run -1 ermine rm 0123
  assert_output "ermine: image 0123: No such image"
  run -2 ermine frob
  assert_output "ermine: unknown command: frob (see ermine --help)"
  run -2 ermine build --kernel
  assert_output "ermine: --kernel: option requires an argument (see ermine --help)"
  run -1 ermine build --kernel "$T/none"
  assert_output "ermine: kernel $T/none: No such file"
  # a copy of the image, removed by its key
  cp -a "$IMAGE" "${IMAGE%/*}/00000000000000aa"
  run -0 ermine rm 00000000000000aa
  assert_not_exist "${IMAGE%/*}/00000000000000aa"
  assert_dir_exists "$IMAGE"
}

@test "qemu: completion: minc --qemu= offers its keys, ermine its commands, flags and keys" {
  local c=$TOP/share/bash-completion
  # COMP_WORDS... of a line, the last one completed
  comp() {
    local file=$1
    shift
    bash -c '. "$0"; COMP_WORDS=("$@") COMP_CWORD=$(($# - 1))
      "_${1##*/}"; printf "%s\n" "${COMPREPLY[@]}"' "$file" "$@" | LC_ALL=C sort -u
  }
  run -0 comp "$c/minc" minc --qemu=mach
  assert_output $'--qemu=machine=microvm\n--qemu=machine=q35'
  run -0 comp "$c/minc" minc --qemu=machine=q35,acc
  assert_output $'--qemu=machine=q35,accel=kvm\n--qemu=machine=q35,accel=tcg'
  run -0 comp "$c/minc" minc --qe
  assert_output '--qemu'
  run -0 comp "$c/ermine" ermine b
  assert_output 'build'
  run -0 comp "$c/ermine" ermine build --
  assert_output $'--deb\n--kernel\n--modules'
  run -0 comp "$c/ermine" "$TOP/bin/ermine" rm ''
  assert_line -- --all
  assert_line "${IMAGE##*/}"
}
