#!/usr/bin/env bats
# arch: minc --arch (--cross) runs a rootfs of another architecture through
# qemu-user found by binfmt_misc (the F flag); the container is otherwise
# the same as a native one; a missing interpreter is a clear error

load 'lib/common'

# An arm64 busybox rootfs from Debian's busybox-static:arm64 (apt-get
# download: the arm64 architecture must be known to dpkg, which
# test/lib/install-deps adds), its applets linked on the host with ln,
# relative links as busybox --install -s makes them.
setup_file() {
  [ "$(id -u)" = 0 ] || return 0
  local dir=$BATS_FILE_TMPDIR/arm64 applet target
  mkdir -p "$BATS_FILE_TMPDIR/deb"
  (cd "$BATS_FILE_TMPDIR/deb" && apt-get download -q busybox-static:arm64 2>&1) ||
    {
      echo "arch: apt-get download busybox-static:arm64 failed: run dpkg --add-architecture arm64 && apt-get update" >&2
      return 1
    }
  dpkg-deb -x "$BATS_FILE_TMPDIR"/deb/busybox-static_*_arm64.deb "$BATS_FILE_TMPDIR/deb/x"
  mkdir -p "$dir"/bin "$dir"/sbin "$dir"/usr/bin "$dir"/usr/sbin "$dir"/etc \
    "$dir"/proc "$dir"/sys "$dir"/dev "$dir"/tmp "$dir"/root
  cp "$BATS_FILE_TMPDIR/deb/x/bin/busybox" "$dir/bin/busybox"
  # the applet list of the host's busybox (its version is the package's);
  # each link relative: bin/x -> busybox, sbin/x -> ../bin/busybox,
  # usr/bin/x -> ../../bin/busybox
  for applet in $(busybox --list-full); do
    case "$applet" in
      bin/busybox) continue ;;
      bin/*) target=busybox ;;
      */*/*) target=../../bin/busybox ;;
      *) target=../bin/busybox ;;
    esac
    [ -L "$dir/$applet" ] || ln -s "$target" "$dir/$applet"
  done
  echo 'root:x:0:0:root:/root:/bin/sh' >"$dir/etc/passwd"
}

setup() {
  container_setup
  A=$BATS_FILE_TMPDIR/arm64
}

teardown() {
  container_teardown
}

# Docker's 14 default capabilities as a CapBnd mask (as in minc.bats).
DOCKER_CAPS=00000000a80425fb

@test "arch: the rootfs is arm64's: its busybox is an aarch64 ELF, links relative" {
  run -0 od -An -tx1 -j18 -N2 "$A/bin/busybox"
  # e_machine 183 (0xb7): EM_AARCH64
  assert_output ' b7 00'
  run -0 readlink "$A/usr/bin/wc" "$A/bin/sh" "$A/sbin/init"
  assert_output $'../../bin/busybox\nbusybox\n../bin/busybox'
}

@test "arch: --arch arm64 -r ROOTFS uname -m prints aarch64; --cross is the same" {
  run -0 --separate-stderr minc --arch arm64 -r "$A" uname -m
  assert_output aarch64
  assert_equal "$stderr" ''
  run -0 minc --cross aarch64 -r "$A" uname -m
  assert_output aarch64
  # registered with the F flag: the interpreter is the host's, nothing of
  # qemu in the container's root
  run -0 cat /proc/sys/fs/binfmt_misc/qemu-aarch64
  assert_line enabled
  assert_line --regexp '^flags: .*F'
  run -1 minc --arch arm64 -r "$A" sh -c 'ls /usr/bin/qemu* /usr/libexec/qemu-binfmt'
}

@test "arch: a shell pipeline, argv and exit statuses as natively" {
  run -0 minc --arch arm64 -r "$A" sh -c 'echo hello arm world | tr a-z A-Z | wc -w; ls /bin | grep -c busybox'
  assert_output $'3\n1'
  run -0 minc --arch arm64 -r "$A" echo 'a  b' '' "c'd"
  assert_output "a  b  c'd"
  run -3 minc --arch arm64 -r "$A" sh -c 'exit 3'
  run -127 minc --arch arm64 -r "$A" nosuchcommand
  run -0 bash -c 'echo piped | minc --arch arm64 -r "$1" cat' sh "$A"
  assert_output piped
}

@test "arch: the container is a native one: pid 1, hostname, capabilities, seccomp" {
  run -0 minc --arch arm64 -r "$A" sh -c 'echo $$; hostname; grep -e ^CapBnd -e ^Seccomp: /proc/self/status'
  assert_line --index 0 1
  assert_line --index 1 minc
  assert_line "CapBnd:	$DOCKER_CAPS"
  assert_line 'Seccomp:	2'
  # the filter sees qemu's host syscalls: unshare is still denied
  run -1 minc --arch arm64 -r "$A" unshare -m true
  assert_output --partial 'Operation not permitted'
}

@test "arch: the host's own architecture needs no qemu" {
  run -0 minc --arch amd64 -r "$R" uname -m
  assert_output x86_64
}

@test "arch: an unknown ARCH, a missing qemu: clear message, 125" {
  run -125 minc --arch vax -r "$A" true
  assert_output 'minc: --arch vax: unknown architecture (arm64 arm amd64 i386 ppc64el s390x riscv64 mips64el loong64)'
  run -125 minc --arch
  assert_output 'minc: --arch: option requires an argument'
  # an architecture not registered, and no update-binfmts on PATH (it is
  # in /usr/sbin): minc says what to run, and registers nothing
  local a
  for a in s390x riscv64 mips64el ppc64le; do
    [ -e "/proc/sys/fs/binfmt_misc/qemu-$a" ] || break
  done
  run -125 env PATH=/usr/bin:/bin "$TOP/bin/minc" --arch "$a" -r "$A" true
  assert_output "minc: --arch $a: qemu-$a is not registered in binfmt_misc and update-binfmts is missing: install binfmt-support and run update-binfmts --enable qemu-$a"
  assert_file_not_exists "/proc/sys/fs/binfmt_misc/qemu-$a"
}

# ENTRY-TEXT: run 15-arch's arch_check on a binfmt_misc entry holding it
arch_check_on() {
  printf '%s\n' "$1" >"$T/qemu-aarch64"
  MINC_ARCH=arm64 MUSTELA_LIBEXEC=$TOP/libexec/mustela sh -c '
    . "$MUSTELA_LIBEXEC/minc-lib.sh"
    . "$MUSTELA_LIBEXEC/minc/15-arch"
    arch_check "$1"' sh "$T/qemu-aarch64"
}

@test "arch: the check of a registered entry: disabled, no F flag" {
  run -0 arch_check_on $'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F\noffset 0'
  run -125 arch_check_on $'disabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: F'
  assert_output 'minc: --arch arm64: qemu-aarch64 is disabled in binfmt_misc: run update-binfmts --enable qemu-aarch64'
  run -125 arch_check_on $'enabled\ninterpreter /usr/bin/qemu-aarch64-static\nflags: P\noffset 0'
  assert_output --partial 'minc: --arch arm64: qemu-aarch64 has no F flag in binfmt_misc (its interpreter /usr/bin/qemu-aarch64-static would be looked up inside the container)'
}
