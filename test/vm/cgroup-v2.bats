#!/usr/bin/env bats
# cgroup-v2: cg-attach on a pure cgroup v2 hierarchy, delegation to an
# unprivileged user included. Runs only in the VM (test/vm/run): root, pure
# cgroup2 at /sys/fs/cgroup with cpu, memory, pids, cpuset and io enabled in
# the root, and the user "user" (uid 1000).

# The shared fixtures (the rootfs the other files of the run use too);
# common.bash takes the top of the tree to be one level up: fix it.
load '../lib/common'
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
export PATH="$TOP/helpers:$TOP/bin:$PATH"
CG=/sys/fs/cgroup
D=$CG/deleg

setup_file() {
  export P="cg-v2-$$"
}

setup() {
  [ -x "$TOP/helpers/cg-attach" ] || fail "helpers/cg-attach is not built"
}

# purge DIR: kill every process in the cgroup DIR and below, then remove it.
purge() { # DIR
  local i
  [ -d "$1" ] || return 0
  echo 1 >"$1/cgroup.kill"
  for i in $(seq 100); do
    grep -qx 'populated 0' "$1/cgroup.events" && break
    sleep 0.1
  done
  find "$1" -depth -type d -exec rmdir {} +
}

teardown() {
  local d
  purge "$D"
  for d in "$CG/$P"-*; do
    purge "$d"
  done
}

# A shell snippet setting d to the directory of the shell's own cgroup.
own='d=/sys/fs/cgroup$(sed -n "s/^0:://p" /proc/self/cgroup)'

# delegate [CONTROLLERS]: root makes $D, enables CONTROLLERS (e.g. "+pids")
# for its children and hands it to the user: the directory (to create
# cgroups), cgroup.procs (to move between them), cgroup.subtree_control
# and cgroup.threads, as cgroups(7) "Delegation" says. The user then makes
# its own leaf: a process sits in a leaf so that $D itself has none (the
# no-internal-processes rule) and the user can make siblings of the leaf.
delegate() { # [CONTROLLERS]
  mkdir "$D"
  [ -z "${1:-}" ] || echo "$1" >"$D/cgroup.subtree_control"
  chown 1000:1000 "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" \
    "$D/cgroup.threads"
  setpriv --reuid=1000 --regid=1000 --clear-groups -- mkdir "$D/leaf"
}

# as_user COMMAND...: COMMAND as the user, started by root in $D/leaf.
as_user() { # COMMAND...
  sh -c 'echo $$ >"$0/leaf/cgroup.procs" && exec "$@"' "$D" \
    setpriv --reuid=1000 --regid=1000 --clear-groups -- "$@"
}

@test "cgroup-v2: /sys/fs/cgroup is a pure cgroup2 hierarchy" {
  run -0 stat -f -c %T "$CG"
  assert_output cgroup2fs
  run -0 grep -c ' cgroup' /proc/mounts
  assert_output 1
}

@test "cgroup-v2: cg-attach writes the v2 files: memory, swap, pids, cpu, cpuset" {
  run -0 cg-attach --name "$P-1" --memory 64M --memory-swap 96M \
    --pids-max 7 --cpu-quota 50000 --cpu-period 20000 --cpu-shares 512 \
    --cpuset-cpus 1 --cpuset-mems 0 -- sh -c "$own"'; echo "$d"; cd "$d" &&
    grep . memory.max memory.swap.max pids.max cpu.max cpu.weight \
      cpuset.cpus cpuset.mems'
  assert_output "$CG/$P-1
memory.max:67108864
memory.swap.max:33554432
pids.max:7
cpu.max:50000 20000
cpu.weight:20
cpuset.cpus:1
cpuset.mems:0"
}

@test "cgroup-v2: --cpus, --cpu-weight and unlimited values" {
  run -0 cg-attach --name "$P-1" --cpus 1.5 --cpu-weight 300 --memory -1 \
    --pids-max max -- sh -c "$own"'; cd "$d" &&
    grep . cpu.max cpu.weight memory.max pids.max'
  assert_output "cpu.max:150000 100000
cpu.weight:300
memory.max:max
pids.max:max"
}

@test "cgroup-v2: cg-attach enables the controllers at every level it creates" {
  run -0 cg-attach --parent "/$P-a/b" --name c --memory 16M --pids-max 9 \
    -- cat /proc/self/cgroup
  assert_output "0::/$P-a/b/c"
  run -0 cat "$CG/$P-a/cgroup.subtree_control" \
    "$CG/$P-a/b/cgroup.subtree_control" "$CG/$P-a/b/c/memory.max"
  assert_output $'memory pids\nmemory pids\n16777216'
}

@test "cgroup-v2: --remove kills a forking subtree (cgroup.kill) and removes it" {
  local pid inner i
  cg-attach --name "$P-r" -- sh -c \
    'while :; do sleep 1000 >/dev/null 2>&1 & sleep 0.05; done' \
    >/dev/null 2>&1 &
  pid=$!
  for i in $(seq 100); do
    [ "$(wc -l <"$CG/$P-r/cgroup.procs" 2>/dev/null)" -ge 3 ] && break
    sleep 0.1
  done
  mkdir "$CG/$P-r/inner"
  sh -c 'echo $$ >"$0/cgroup.procs" && exec sleep 1000' "$CG/$P-r/inner" &
  inner=$!
  run -0 cg-attach --remove "$P-r"
  assert_output ''
  run -137 wait "$pid"
  run -137 wait "$inner"
  assert_not_exists "$CG/$P-r"
}

@test "cgroup-v2: delegation: the user makes a limited cgroup without root" {
  delegate '+pids +memory'
  run -0 as_user cg-attach --parent /deleg --pids-max 5 --name c1 -- \
    sh -c 'id -u; cat /proc/self/cgroup /sys/fs/cgroup/deleg/c1/pids.max'
  assert_output $'1000\n0::/deleg/c1\n5'
  run -0 stat -c %U "$D/c1" "$D/c1/pids.max"
  assert_output $'user\nuser'
  # the user is really unprivileged: outside its subtree it may not write
  run -125 as_user cg-attach --parent /elsewhere --name c2 -- true
  assert_output 'cg-attach: mkdir /sys/fs/cgroup/elsewhere: Permission denied'
}

@test "cgroup-v2: delegation: the user's pids limit acts, the fifth task fails" {
  delegate '+pids'
  run -2 as_user cg-attach --parent /deleg --pids-max 5 --name c1 -- \
    sh -c 'i=0; while [ $i -lt 8 ]; do
      sleep 1000 >/dev/null 2>&1 & i=$((i + 1)); echo $i; done'
  assert_output --regexp $'^1\n2\n3\n4\nsh: [0-9]+: Cannot fork$'
  run -0 cat "$D/c1/pids.events" "$D/c1/pids.current"
  assert_output $'max 1\n4'
}

@test "cgroup-v2: delegation: the user's cg-attach enables a controller itself" {
  delegate
  run -0 cat "$D/cgroup.subtree_control"
  assert_output ''
  run -0 as_user cg-attach --parent /deleg --memory 32M --name c1 -- \
    cat /sys/fs/cgroup/deleg/c1/memory.max
  assert_output 33554432
  run -0 cat "$D/cgroup.subtree_control"
  assert_output memory
}

@test "cgroup-v2: nsdelegate: even a privileged container cannot raise its limits" {
  local R
  R=$(rootfs)
  # all capabilities, no seccomp: it mounts cgroup2 and sees its own
  # cgroup as the root, limits included; the namespace's root is the
  # delegation boundary (nsdelegate), so writing them is denied
  run -0 minc -r "$R" --privileged --pid-max 9 --mem-limit 32M sh -c '
    cat /proc/self/cgroup
    mount -t cgroup2 none /tmp && cd /tmp && cat pids.max memory.max
    echo max >pids.max || echo "denied: $?"
    echo max >memory.max || echo "denied: $?"
    cat pids.max memory.max'
  assert_output "0::/
9
33554432
sh: write error: Operation not permitted
denied: 1
sh: write error: Operation not permitted
denied: 1
9
33554432"
}

@test "cgroup-v2: no cgroup of this file is left" {
  run -0 find "$CG" -name "$P-*" -o -name deleg
  assert_output ''
}
