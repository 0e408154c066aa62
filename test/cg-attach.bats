#!/usr/bin/env bats
# cg-attach: a cgroup below the caller's own, its limits seen acting,
# --remove, on cgroup v1 (per-controller or hybrid) and pure v2 alike

load 'lib/common'

setup_file() {
  # Every cgroup of this file is named $P-N; the last test checks that
  # none is left. Not mustela-*: minc sweeps those.
  export P="cg-test-$$"
}

setup() {
  need_root
  V2=''
  [ "$(stat -f -c %T /sys/fs/cgroup)" != cgroup2fs ] || V2=1
}

teardown() {
  local n
  for n in $(find /sys/fs/cgroup -type d -name "$P-*" -printf '%f\n' | sort -u); do
    cg-attach --remove "$n" 2>/dev/null || :
  done
  find /sys/fs/cgroup -depth -type d -name "$P-*" -exec rmdir {} + 2>/dev/null || :
  # what a test of the list options made: its loop device, huge pages
  loop_teardown
  [ -z "${HUGEPAGES-}" ] || echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages
}

# cgdirs NAME [CONTROLLER]: the directory of cgroup NAME below this shell's
# own cgroup in every hierarchy (the cgroup2 one too on a hybrid layout),
# or only in the one holding CONTROLLER (v1; pure v2 has one hierarchy).
cgdirs() { # NAME [CONTROLLER]
  awk -v name="$1" -v want="${2:-}" -v v2="$V2" '
    FILENAME == "/proc/self/cgroup" {
      # "3:cpu,cpuacct:/a": the path under each co-mounted controller
      split($0, f, ":"); sub(/\/$/, "", f[3])
      n = split(f[2], cs, ",")
      for (j = 1; j <= n; j++)
        path[cs[j]] = f[3]
      if (f[2] == "")
        path[""] = f[3]
      next
    }
    {
      for (i = 7; $i != "-"; i++)
        ;
      key = "?"
      if ($(i + 1) == "cgroup2" && (!v2 || $5 == "/sys/fs/cgroup") &&
          (v2 || want == ""))
        key = ""
      else if ($(i + 1) == "cgroup" && !v2) {
        n = split($(i + 3), o, ",")
        for (j = 1; j <= n; j++)
          if (o[j] in path && (want == "" || want == o[j]))
            key = o[j]
        if (want != "" && key != want)
          key = "?"
      }
      if (key in path && !(key in seen)) {
        seen[key]
        print $5 path[key] "/" name
      }
    }' /proc/self/cgroup /proc/self/mountinfo
}

# pick V1 V2: the argument for this machine's cgroup version.
pick() { # V1 V2
  if [ -n "$V2" ]; then echo "$2"; else echo "$1"; fi
}

# cgcat CONTROLLER NAME V1FILE V2FILE: a control file of cgroup NAME.
cgcat() { # CONTROLLER NAME V1FILE V2FILE
  cat "$(cgdirs "$2" "$1")/$(pick "$3" "$4")"
}

# cpu_usec NAME: CPU time used in cgroup NAME, in microseconds.
cpu_usec() { # NAME
  if [ -n "$V2" ]; then
    awk '$1 == "usage_usec" { print $2 }' "$(cgdirs "$1")/cpu.stat"
  else
    echo $(($(cat "$(cgdirs "$1" cpuacct)/cpuacct.usage") / 1000))
  fi
}

now_usec() {
  local t=$EPOCHREALTIME
  echo $((10#${t%.*}${t#*.}))
}

# wait_in NAME PID: wait until process PID is in cgroup NAME.
wait_in() { # NAME PID
  local procs
  procs="$(cgdirs "$1" | head -n 1)/cgroup.procs"
  for _ in $(seq 100); do
    ! grep -qx "$2" "$procs" 2>/dev/null || return 0
    sleep 0.05
  done
  echo "process $2 is not in $procs"
  return 1
}

# assert_cpu_max NAME QUOTA PERIOD: NAME's CPU bandwidth, v1 or v2 files
assert_cpu_max() {
  if [ -n "$V2" ]; then
    run -0 cgcat cpu "$1" - cpu.max
    assert_output "$2 $3"
  else
    run -0 cgcat cpu "$1" cpu.cfs_quota_us -
    assert_output "$2"
    run -0 cgcat cpu "$1" cpu.cfs_period_us -
    assert_output "$3"
  fi
}

@test "cg-attach: -h prints the usage on stdout, exit 0" {
  run -0 cg-attach -h
  assert_line --index 0 'cg-attach: usage: cg-attach [options] [--] prog [args...] | cg-attach [--parent PATH] --remove NAME | cg-attach [--parent PATH] --pid PID NAME | cg-attach [--parent PATH] --stat NAME | cg-attach --sweep FILE'
}

@test "cg-attach: --help: the usage, then each option of the man page, one line each" {
  local man n o
  run -0 cg-attach --help
  assert_output "$(cg-attach -h)"
  # the OPTIONS section: one .TP paragraph an option, its name on the next line
  man=$(sed -n '/^\.SH OPTIONS/,/^\.SH FILES/p' "$TOP/share/man/man1/cg-attach.1")
  n=$(grep -c '^\.TP' <<<"$man")
  assert_equal "$((${#lines[@]} - 1))" "$n"
  for o in $(grep -A1 '^\.TP' <<<"$man" | grep -o '\\-\\-[a-z-]*' | sed 's/\\-/-/g'); do
    assert_line --regexp "^  (-h, )?$o "
  done
  assert_line --regexp '^  -h, --help  '
}

@test "cg-attach: no program is a usage error, 125" {
  run -125 cg-attach --name "$P-1"
  assert_output --partial 'cg-attach: usage:'
  [ -z "$(cgdirs "$P-1" | xargs ls -d 2>/dev/null)" ]
}

@test "cg-attach: unknown option is a usage error, 125" {
  run -125 cg-attach --bogus x
  assert_line --index 0 'cg-attach: unknown option: --bogus'
  assert_line --index 1 --partial 'cg-attach: usage: cg-attach '
  run -125 cg-attach --stat
  assert_line --index 0 'cg-attach: option needs an argument: --stat'
}

@test "cg-attach: bad values are named, 125" {
  run -125 cg-attach --memory 12Q -- true
  assert_output 'cg-attach: bad size: 12Q'
  run -125 cg-attach --cpus 0.5x -- true
  assert_output 'cg-attach: bad cpus: 0.5x'
  run -125 cg-attach --cpu-shares 1 -- true
  assert_output 'cg-attach: bad cpu shares: 1'
  run -125 cg-attach --cpu-weight 10001 -- true
  assert_output 'cg-attach: bad cpu weight: 10001'
  run -125 cg-attach --name a/b -- true
  assert_output 'cg-attach: bad name: a/b'
  run -125 cg-attach --parent /a/../b -- true
  assert_output 'cg-attach: bad parent: /a/../b'
  run -125 cg-attach --memory-swap 64M -- true
  assert_output 'cg-attach: --memory-swap needs --memory'
  run -125 cg-attach --memory 32M --memory-swap 16M -- true
  assert_output 'cg-attach: --memory-swap is less than --memory'
  run -125 cg-attach --cpu-period 50000 -- true
  assert_output 'cg-attach: --cpu-period needs --cpu-quota or --cpus'
  run -125 cg-attach --cpus 1 --cpu-quota 1000 -- true
  assert_output --partial 'cg-attach: usage:'
}

@test "cg-attach: exit codes: 127 not found, 126 not executable, status, signal" {
  run -127 cg-attach --name "$P-1" -- /nonexistent
  assert_output 'cg-attach: exec /nonexistent: No such file or directory'
  run -126 cg-attach --name "$P-2" -- /etc/passwd
  assert_output 'cg-attach: exec /etc/passwd: Permission denied'
  run -3 cg-attach --name "$P-3" -- sh -c 'exit 3'
  run -143 cg-attach --name "$P-4" -- sh -c 'kill -TERM $$'
}

@test "cg-attach: a failed exec leaves the cgroup; --remove removes it" {
  local d
  run -126 cg-attach --name "$P-1" -- /etc/passwd
  for d in $(cgdirs "$P-1"); do assert_dir_exists "$d"; done
  run -0 cg-attach --remove "$P-1"
  assert_output ''
  for d in $(cgdirs "$P-1"); do assert_not_exists "$d"; done
}

@test "cg-attach: the cgroup is below the caller's own, in every hierarchy" {
  local d expected
  # the caller's own line, with /NAME added: 4:memory:/a/b -> 4:memory:/a/b/NAME
  expected=$(sed -e 's#/$##' -e "s#\$#/$P-1#" /proc/self/cgroup)
  run -0 cg-attach --name "$P-1" -- cat /proc/self/cgroup
  assert_output "$expected"
  [ -n "$(cgdirs "$P-1")" ]
  for d in $(cgdirs "$P-1"); do assert_dir_exists "$d"; done
}

@test "cg-attach: the default name is mustela-PID" {
  run -0 cg-attach -- sh -c 'echo $$; cat /proc/self/cgroup'
  local pid=${lines[0]}
  assert_line --index 1 --regexp "/mustela-$pid\$"
  run -0 cg-attach --remove "mustela-$pid"
}

@test "cg-attach: --memory 32M: writing it, and a 100M buffer is OOM-killed" {
  run -0 cg-attach --name "$P-1" --memory 32M -- \
    cat "$(cgdirs "$P-1" memory)/$(pick memory.limit_in_bytes memory.max)"
  assert_output 33554432
  # dd fills one 100M buffer: over the limit, the kernel kills it (SIGKILL)
  run -137 cg-attach --name "$P-2" --memory 32M -- \
    dd if=/dev/zero of=/dev/null bs=100M count=1
  run -0 cg-attach --name "$P-3" --memory 256M -- \
    dd if=/dev/zero of=/dev/null bs=100M count=1
  run -0 cg-attach --name "$P-4" --memory -1 -- true
  run -0 cgcat memory "$P-4" memory.limit_in_bytes memory.max
  assert_output "$(pick 9223372036854771712 max)"
}

@test "cg-attach: --memory-swap is memory+swap (v1 memsw, v2 swap.max = SIZE - memory)" {
  run -0 cg-attach --name "$P-1" --memory 32M --memory-swap 64M -- true
  run -0 cgcat memory "$P-1" memory.memsw.limit_in_bytes memory.swap.max
  assert_output "$(pick 67108864 33554432)"
  # memory+swap 64M: the 100M buffer is killed all the same
  run -137 cg-attach --name "$P-1" --memory 32M --memory-swap 64M -- \
    dd if=/dev/zero of=/dev/null bs=100M count=1
  run -0 cg-attach --name "$P-2" --memory 32M --memory-swap -1 -- true
  run -0 cgcat memory "$P-2" memory.memsw.limit_in_bytes memory.swap.max
  assert_output "$(pick 9223372036854771712 max)"
  # joining with limits below the old ones: written in an order that works
  run -0 cg-attach --name "$P-1" --memory 16M --memory-swap 20M -- true
  run -0 cgcat memory "$P-1" memory.limit_in_bytes memory.max
  assert_output 16777216
  run -0 cgcat memory "$P-1" memory.memsw.limit_in_bytes memory.swap.max
  assert_output "$(pick 20971520 4194304)"
}

@test "cg-attach: --pids-max 5: the fifth fork fails" {
  run -0 cg-attach --name "$P-1" --pids-max 5 -- cat "$(cgdirs "$P-1" pids)/pids.max"
  assert_output 5
  run cg-attach --name "$P-1" -- \
    sh -c 'for i in 1 2 3 4 5 6 7 8; do sleep 30 >/dev/null 2>&1 & done'
  assert_output --regexp '[Ff]ork'
  # the shell and four sleeps made five; the sleeps are left
  run -0 cat "$(cgdirs "$P-1" pids)/cgroup.procs"
  assert_equal "${#lines[@]}" 4
}

@test "cg-attach: --cpus 0.3: a busy loop gets about 30% of a CPU" {
  local start end used throttled
  start=$(now_usec)
  run -124 cg-attach --name "$P-1" --cpus 0.3 -- timeout 1 sh -c 'while :; do :; done'
  end=$(now_usec)
  used=$(cpu_usec "$P-1")
  throttled=$(awk '$1 == "nr_throttled" { print $2 }' "$(cgdirs "$P-1" cpu)/cpu.stat")
  echo "used $used us in $((end - start)) us, throttled $throttled times"
  # never more than 30 ms per 100 ms period (40%: the periods the start
  # and the end cut); capped, not starved: throttled in most periods
  [ $((used * 100 / (end - start))) -le 40 ]
  # throttled, unless a loaded machine gave the loop less than the cap
  # anyway (then the cap had nothing to cut)
  [ "$throttled" -ge 3 ] || [ $((used * 100 / (end - start))) -lt 20 ]
  assert_cpu_max "$P-1" 30000 100000
}

@test "cg-attach: --cpu-quota and --cpu-period" {
  run -0 cg-attach --name "$P-1" --cpu-quota 20000 --cpu-period 50000 -- true
  assert_cpu_max "$P-1" 20000 50000
  run -0 cg-attach --name "$P-1" --cpu-quota -1 -- true
  run -0 cgcat cpu "$P-1" cpu.cfs_quota_us cpu.max
  assert_output "$(pick -1 'max 50000')"
}

@test "cg-attach: --cpu-shares and --cpu-weight convert like runc" {
  run -0 cg-attach --name "$P-1" --cpu-shares 512 -- true
  run -0 cgcat cpu "$P-1" cpu.shares cpu.weight
  assert_output "$(pick 512 20)"
  run -0 cg-attach --name "$P-2" --cpu-weight 100 -- true
  run -0 cgcat cpu "$P-2" cpu.shares cpu.weight
  # shares = 2 + ((100 - 1) * 262142) / 9999
  assert_output "$(pick 2597 100)"
}

@test "cg-attach: --cpu-shares acts: 256 against 2597 on one CPU" {
  local pa pb a0 b0 a1 b1
  cg-attach --name "$P-1" --cpuset-cpus 0 --cpu-shares 256 -- \
    sh -c 'while :; do :; done' >/dev/null 2>&1 &
  pa=$!
  cg-attach --name "$P-2" --cpuset-cpus 0 --cpu-weight 100 -- \
    sh -c 'while :; do :; done' >/dev/null 2>&1 &
  pb=$!
  wait_in "$P-1" "$pa"
  wait_in "$P-2" "$pb"
  # one second while both loops run
  a0=$(cpu_usec "$P-1") b0=$(cpu_usec "$P-2")
  sleep 1
  a1=$(cpu_usec "$P-1") b1=$(cpu_usec "$P-2")
  kill -KILL "$pa" "$pb"
  echo "256: $((a1 - a0)) us, 2597: $((b1 - b0)) us"
  [ $((b1 - b0)) -gt $((3 * (a1 - a0))) ]
}

@test "cg-attach: --cpuset-cpus and --cpuset-mems, seen in /proc/self/status" {
  run -0 cg-attach --name "$P-1" --cpuset-cpus 0 --cpuset-mems 0 -- \
    grep _allowed_list /proc/self/status
  assert_output $'Cpus_allowed_list:\t0\nMems_allowed_list:\t0'
  # without the options the cgroup keeps its parent's CPUs (v1 copies them)
  run -0 cg-attach --name "$P-2" -- grep Cpus_allowed_list /proc/self/status
  assert_output "$(grep Cpus_allowed_list /proc/self/status)"
}

@test "cg-attach: joining an existing cgroup applies the new limits" {
  run -0 cg-attach --name "$P-1" --pids-max 10 -- true
  run -0 cg-attach --name "$P-1" --pids-max 7 -- cat /proc/self/cgroup
  assert_output --partial "/$P-1"
  run -0 cgcat pids "$P-1" pids.max pids.max
  assert_output 7
}

@test "cg-attach: a failure before the exec removes what it made" {
  local d
  run -125 cg-attach --name "$P-1" --cpuset-cpus 4095 -- true
  assert_output --regexp "^cg-attach: write $(cgdirs "$P-1" cpuset)/cpuset.cpus: [A-Z]"
  for d in $(cgdirs "$P-1"); do assert_not_exists "$d"; done
}

@test "cg-attach: --remove kills what is left and removes every hierarchy's directory" {
  local pid d
  cg-attach --name "$P-1" -- sleep 1000 >/dev/null 2>&1 &
  pid=$!
  wait_in "$P-1" "$pid"
  # a nested cgroup goes too
  mkdir "$(cgdirs "$P-1" | head -n 1)/inner"
  run -0 cg-attach --remove "$P-1"
  assert_output ''
  run -137 wait "$pid"
  for d in $(cgdirs "$P-1"); do assert_not_exists "$d"; done
}

@test "cg-attach: --remove of a missing cgroup, 125" {
  run -125 cg-attach --remove "$P-nope"
  assert_output "cg-attach: remove $P-nope: No such file or directory"
  run -125 cg-attach --remove "$P-nope" -- true
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --memory 1G --remove "$P-nope"
  assert_output --partial 'cg-attach: usage:'
}

@test "cg-attach: --record: the parent's pid and every directory; --sweep removes them from anywhere" {
  local rec=$BATS_TEST_TMPDIR/rec parent d
  # the parent stays (sleeping) after cg-attach has run
  sh -c 'echo $$ >"$2"; cg-attach --name "$1" --record "$2" --pids-max 20 -- true
    exec sleep 30' sh "$P-1" "$rec" &
  parent=$!
  for _ in $(seq 100); do [ "$(wc -l <"$rec")" -gt 1 ] && break; sleep 0.05; done
  assert_equal "$(head -n 1 "$rec")" "$parent"
  assert_equal "$(tail -n +2 "$rec" | sort)" "$(cgdirs "$P-1" | sort)"
  # while the parent lives, only the parent may sweep
  run -125 cg-attach --sweep "$rec"
  assert_output "cg-attach: sweep $rec: pid $parent is alive"
  kill "$parent"
  wait "$parent" || :
  # from another cgroup, where --remove NAME would not find it
  run -0 cg-attach --name "$P-2" -- cg-attach --sweep "$rec"
  assert_output ''
  for d in $(cgdirs "$P-1"); do assert_not_exists "$d"; done
  assert_not_exists "$rec"
  # a record whose cgroup is gone already: removed, no error
  printf '1999999999\n%s\n' "$(cgdirs "$P-1")" >"$rec"
  run -0 cg-attach --sweep "$rec"
  assert_not_exists "$rec"
}

@test "cg-attach: --sweep: the supervisor sweeps its own; bad records and usage, 125" {
  local rec=$BATS_TEST_TMPDIR/rec d
  run -0 sh -c 'echo $$ >"$2"
    cg-attach --name "$1" --record "$2" -- true && cg-attach --sweep "$2"' sh "$P-1" "$rec"
  for d in $(cgdirs "$P-1"); do assert_not_exists "$d"; done
  assert_not_exists "$rec"
  run -125 cg-attach --sweep "$rec"
  assert_output "cg-attach: sweep $rec: No such file or directory"
  echo junk >"$rec"
  run -125 cg-attach --sweep "$rec"
  assert_output "cg-attach: sweep $rec: not a record of cg-attach --record"
  run -125 cg-attach --sweep "$rec" --name x
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --remove "$P-1" --record "$rec"
  assert_output --partial 'cg-attach: usage:'
  # --record: the file must name the parent, the supervisor; else nothing
  : >"$rec"
  run -125 cg-attach --name "$P-1" --record "$rec" -- true
  assert_output "cg-attach: record $rec: no supervisor's pid on its first line"
  echo 1 >"$rec"
  run -125 cg-attach --name "$P-1" --record "$rec" -- true
  assert_output "cg-attach: record $rec: the supervisor, pid 1, is not the parent (gone?)"
  rm "$rec"
  run -125 cg-attach --name "$P-1" --record "$rec" -- true
  assert_output "cg-attach: record $rec: No such file or directory"
  for d in $(cgdirs "$P-1"); do assert_not_exists "$d"; done
}

@test "cg-attach: --parent PATH: same place from any cgroup, for create and remove" {
  local d
  run -0 cg-attach --parent "/$P-p" --name "$P-1" --pids-max 20 -- cat /proc/self/cgroup
  assert_output "$(sed "s#:[^:]*\$#:/$P-p/$P-1#" /proc/self/cgroup)"
  run -0 find /sys/fs/cgroup -path "*/$P-p/$P-1/pids.max" -exec cat {} +
  assert_output 20
  # from another cgroup, the name alone is not found; with --parent it is
  run -125 cg-attach --name "$P-2" -- cg-attach --remove "$P-1"
  assert_output "cg-attach: remove $P-1: No such file or directory"
  run -0 cg-attach --name "$P-3" -- cg-attach --parent "/$P-p" --remove "$P-1"
  for d in $(find /sys/fs/cgroup -type d -name "$P-p"); do
    assert_not_exists "$d/$P-1"
    rmdir "$d"
  done
}

@test "cg-attach: nested under a cgroup with processes: v1 works, v2 says why not" {
  run cg-attach --name "$P-1" -- cg-attach --name "$P-2" --pids-max 9 -- \
    cat /proc/self/cgroup
  if [ -n "$V2" ]; then
    assert_failure 125
    # (strerror's wording is the C library's: glibc's or musl's)
    assert_output --regexp "^cg-attach: write \\+pids to /sys/fs/cgroup.*/$P-1/cgroup.subtree_control: (Device or resource|Resource) busy \\(.*/$P-1 has processes: "
  else
    assert_success
    assert_line --partial "pids:/$P-1/$P-2"
  fi
}

# stat_value KEY: the value of KEY in $output, cg-attach --stat's lines.
stat_value() { # KEY
  awk -v k="$1" '$1 == k { print $2 }' <<<"$output"
}

@test "cg-attach: --pid PID NAME moves a running process into NAME, in every hierarchy" {
  local pid d
  run -0 cg-attach --name "$P-1" --pids-max 20 -- true
  sleep 1000 &
  pid=$!
  run -0 cg-attach --pid "$pid" "$P-1"
  assert_output ''
  # the caller's own line, with /NAME added, as cg-attach -- prog would be
  run -0 cat "/proc/$pid/cgroup"
  assert_output "$(sed -e 's#/$##' -e "s#\$#/$P-1#" /proc/self/cgroup)"
  for d in $(cgdirs "$P-1"); do
    run -0 cat "$d/cgroup.procs"
    assert_output "$pid"
  done
  run -0 cgcat pids "$P-1" pids.current pids.current
  assert_output 1
  # --remove takes it along
  run -0 cg-attach --remove "$P-1"
  run -137 wait "$pid"
}

@test "cg-attach: --pid with --parent, and NAME after --" {
  local pid d
  run -0 cg-attach --parent "/$P-p" --name "$P-1" -- true
  sleep 1000 &
  pid=$!
  run -0 cg-attach --parent "/$P-p" --pid "$pid" -- "$P-1"
  run -0 cat "/proc/$pid/cgroup"
  assert_output "$(sed "s#:[^:]*\$#:/$P-p/$P-1#" /proc/self/cgroup)"
  run -0 cg-attach --parent "/$P-p" --remove "$P-1"
  run -137 wait "$pid"
  for d in $(find /sys/fs/cgroup -type d -name "$P-p"); do rmdir "$d"; done
}

@test "cg-attach: --pid: a missing process or cgroup is named; usage errors; all 125" {
  local pid
  run -0 cg-attach --name "$P-1" -- true
  # pids go up to 4194304 (PID_MAX_LIMIT): this one never runs
  run -125 cg-attach --pid 2147483647 "$P-1"
  assert_output "cg-attach: move 2147483647 to $P-1: No such process"
  sleep 1000 &
  pid=$!
  run -125 cg-attach --pid "$pid" "$P-nope"
  assert_output "cg-attach: move $pid to $P-nope: No such file or directory"
  run -125 cg-attach --pid 0 "$P-1"
  assert_output 'cg-attach: bad pid: 0'
  run -125 cg-attach --pid "$pid" a/b
  assert_output 'cg-attach: bad name: a/b'
  run -125 cg-attach --pid "$pid"
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --pid "$pid" "$P-1" extra
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --pid "$pid" --pids-max 5 "$P-1"
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --name "$P-1" --pid "$pid" "$P-1"
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --pid "$pid" --remove "$P-1"
  assert_output --partial 'cg-attach: usage:'
  # none of these moved it
  run -0 cat "/proc/$pid/cgroup"
  assert_output "$(cat /proc/self/cgroup)"
  kill "$pid"
  wait "$pid" || :
}

@test "cg-attach: --stat NAME: cpu, memory and pids in use, one key value a line" {
  local pid
  cg-attach --name "$P-1" --memory 64M --pids-max 20 --cpus 0.2 -- \
    sh -c 'while :; do :; done' >/dev/null 2>&1 &
  pid=$!
  wait_in "$P-1" "$pid"
  sleep 1
  run -0 cg-attach --stat "$P-1"
  kill -KILL "$pid"
  wait "$pid" || :
  # the same keys in the same order on v1 and v2
  assert_equal "$(cut -d ' ' -f 1 <<<"$output" | tr '\n' ' ')" \
    'cpu_usage_usec cpu_periods cpu_throttled_periods cpu_throttled_usec memory_current_bytes memory_peak_bytes pids_current '
  assert_line 'pids_current 1'
  # the loop ran for a second at 20% of a CPU: throttled in most periods
  # (unless a loaded machine gave it less than the cap anyway)
  [ "$(stat_value cpu_usage_usec)" -gt 0 ]
  [ "$(stat_value cpu_periods)" -ge 5 ]
  [ "$(stat_value cpu_throttled_periods)" -ge 3 ] ||
    [ "$(stat_value cpu_usage_usec)" -lt 100000 ]
  [ "$(stat_value cpu_throttled_usec)" -gt 0 ] ||
    [ "$(stat_value cpu_throttled_periods)" -eq 0 ]
  [ "$(stat_value memory_current_bytes)" -gt 0 ]
  [ "$(stat_value memory_peak_bytes)" -ge "$(stat_value memory_current_bytes)" ]
  # the counters are the cgroup's own files, in microseconds
  run -0 cg-attach --stat "$P-1"
  assert_equal "$(stat_value cpu_usage_usec)" "$(cpu_usec "$P-1")"
  assert_equal "$(stat_value pids_current)" "$(cgcat pids "$P-1" pids.current pids.current)"
}

@test "cg-attach: --stat: what the hierarchies do not offer is -; a missing cgroup, 125" {
  local d
  # NAME in the pids hierarchy only (v1), or without controllers (v2)
  d=$(cgdirs "$P-1" pids)
  mkdir "$d"
  run -0 cg-attach --stat "$P-1"
  rmdir "$d"
  if [ -n "$V2" ]; then
    # v2: cpu.stat's usage_usec is always there; the rest as enabled
    assert_line --regexp '^cpu_usage_usec [0-9]+$'
    assert_equal "${#lines[@]}" 7
  else
    assert_output 'cpu_usage_usec -
cpu_periods -
cpu_throttled_periods -
cpu_throttled_usec -
memory_current_bytes -
memory_peak_bytes -
pids_current 0'
  fi
  run -125 cg-attach --stat "$P-1"
  assert_output "cg-attach: stat $P-1: No such file or directory"
  run -125 cg-attach --stat "$P-1" extra
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --stat "$P-1" --memory 1G
  assert_output --partial 'cg-attach: usage:'
  run -125 cg-attach --stat "$P-1" --remove "$P-1"
  assert_output --partial 'cg-attach: usage:'
}

@test "cg-attach: the caller's memory cgroup elsewhere: made, --stat and --remove there (v1)" {
  local mem
  [ -z "$V2" ] || skip "pure cgroup v2 has one hierarchy: one place"
  # a shell whose place in the memory hierarchy is $P-m, below the
  # caller's, while in the others it is the caller's
  mem=$(cgdirs "$P-m" memory)
  mkdir "$mem"
  run -0 sh -c 'echo $$ >"$1/cgroup.procs"
    cg-attach --name "$2" --memory 32M --pids-max 9 -- true
    cat "$1/$2/memory.limit_in_bytes"
    cg-attach --stat "$2" | grep -e ^memory_ -e ^pids_
    cg-attach --remove "$2"
    ls "$1"' sh "$mem" "$P-1"
  rmdir "$mem"
  assert_line --index 0 33554432
  assert_line --index 1 --regexp '^memory_current_bytes [0-9]+$'
  assert_line --index 2 --regexp '^memory_peak_bytes [0-9]+$'
  assert_line --index 3 'pids_current 0'
  refute_line --partial "$P-1"
  run -0 find /sys/fs/cgroup -name "$P-1"
  assert_output ''
}

# The limits through minc: the cgroup cg-attach makes is the container's.

# minc_cgroup PID: wait until minc PID's cgroup (mustela-PID) holds a
# process; print its directory (v1: the pids hierarchy's).
minc_cgroup() { # PID
  local d
  d=$(cgdirs "mustela-$1" pids)
  for _ in $(seq 200); do
    [ -z "$(cat "$d/cgroup.procs" 2>/dev/null)" ] || { echo "$d"; return 0; }
    sleep 0.05
  done
  echo "no process in $d"
  return 1
}

@test "cg-attach: minc: the container sees its cgroup as /, cannot raise its limits" {
  local R pid st=0
  R=$(rootfs)
  # the cgroup namespace: every hierarchy's line ends in ":/"; no
  # cgroupfs inside, none mountable, the pids limit still acts
  minc -r "$R" --pid-max 6 sh -c '
    grep -vc ":/\$" /proc/self/cgroup
    ls /sys/fs/cgroup | wc -l
    mount -t cgroup2 none /tmp 2>&1 || echo "mount: $?"
    mount -t cgroup -o pids none /tmp 2>&1 || echo "mount: $?"
    echo max 2>&1 >/sys/fs/cgroup/pids.max || echo "write: $?"
    sh -c "for i in 1 2 3 4 5 6 7 8; do sleep 30 & echo \$i; done" 2>&1
    echo "status $?"
    kill -KILL -1' >"$BATS_TEST_TMPDIR/out" 2>&1 &
  pid=$!
  wait "$pid" || st=$?
  assert_equal "$st" 0
  run -0 cat "$BATS_TEST_TMPDIR/out"
  # six tasks: ns-enter, sh, sh and three sleeps
  assert_output "0
0
mount: permission denied (are you root?)
mount: 1
mount: permission denied (are you root?)
mount: 1
sh: can't create /sys/fs/cgroup/pids.max: nonexistent directory
write: 1
1
2
3
sh: can't fork: Resource temporarily unavailable
status 2"
  run -0 find /sys/fs/cgroup -name "mustela-$pid"
  assert_output ''
}

@test "cg-attach: minc --cpus 0.3: throttled to 30% of a CPU, never more" {
  local R pid d used wall u0 w0 t0 t1
  R=$(rootfs)
  # the loop runs until the test has measured it (a slow VM may take
  # long to start it)
  minc -r "$R" --cpus 0.3 -b "$BATS_TEST_TMPDIR:/t" \
    sh -c 'while [ ! -e /t/stop ]; do :; done; echo stopped' >"$BATS_TEST_TMPDIR/out" &
  pid=$!
  minc_cgroup "$pid" >/dev/null
  d=$(cgdirs "mustela-$pid" cpu)
  run -0 cat "$d/$(pick cpu.cfs_quota_us cpu.max)"
  assert_output "$(pick 30000 '30000 100000')"
  # the loop's second, read from the cgroup: over 10 periods it used its
  # 30 ms quota and was throttled in most of them
  sleep 0.3
  u0=$(cpu_usec "mustela-$pid") w0=$(now_usec)
  t0=$(awk '$1 == "nr_throttled" { print $2 }' "$d/cpu.stat")
  sleep 1
  used=$(($(cpu_usec "mustela-$pid") - u0)) wall=$(($(now_usec) - w0))
  t1=$(awk '$1 == "nr_throttled" { print $2 }' "$d/cpu.stat")
  echo "used $used us in $wall us, throttled $((t1 - t0)) times"
  touch "$BATS_TEST_TMPDIR/stop"
  wait "$pid"
  [ $((used * 100 / wall)) -le 40 ]
  # throttled, unless a loaded machine gave the loop less than the cap
  # anyway (then the cap had nothing to cut)
  [ $((t1 - t0)) -ge 3 ] || [ $((used * 100 / wall)) -lt 20 ]
  run -0 cat "$BATS_TEST_TMPDIR/out"
  assert_output stopped
  run -0 find /sys/fs/cgroup -name "mustela-$pid"
  assert_output ''
}

@test "cg-attach: minc: the container's cgroup is below minc's own (v2: not if it has processes)" {
  local R pid d
  R=$(rootfs)
  if [ -n "$V2" ]; then
    # the no-internal-processes rule: $P-1 holds minc, so no controller
    # can be enabled for a cgroup below it
    run -125 cg-attach --name "$P-1" -- minc -r "$R" --pid-max 9 true
    # (strerror's wording is the C library's: glibc's or musl's)
    assert_output --regexp "^cg-attach: write \\+pids to /sys/fs/cgroup/$P-1/cgroup.subtree_control: (Device or resource|Resource) busy \\(/sys/fs/cgroup/$P-1 has processes: "
    return
  fi
  cg-attach --name "$P-1" -- minc -r "$R" --pid-max 9 sleep 2 &
  pid=$!
  d=$(cgdirs "$P-1" pids)/mustela-$pid
  for _ in $(seq 200); do
    [ -z "$(cat "$d/cgroup.procs" 2>/dev/null)" ] || break
    sleep 0.05
  done
  run -0 cat "$d/pids.max"
  assert_output 9
  wait "$pid"
  assert_not_exists "$d"
}

@test "cg-attach: minc SIGKILLed: its cgroup is left; the next run kills and removes it" {
  local R pid d d2 straggler
  R=$(rootfs)
  minc -r "$R" --pid-max 20 sleep 1000 &
  pid=$!
  d=$(minc_cgroup "$pid")
  # a straggler that the container's end does not take along
  sleep 1000 &
  straggler=$!
  echo "$straggler" >"$d/cgroup.procs"
  kill -KILL "$pid"
  wait "$pid" || :
  # minc's container went with it (parent-death signal); the cgroup stays
  sleep 0.3
  run -0 cat "$d/cgroup.procs"
  assert_output "$straggler"
  # the next run sweeps it: the straggler is killed, the cgroup removed
  run -0 minc -r "$R" --pid-max 20 true
  wait "$straggler" || d2=$?
  assert_equal "$d2" 137
  assert_not_exists "$d"
  run -0 find /sys/fs/cgroup -name "mustela-$pid"
  assert_output ''
}

@test "cg-attach: minc -B with a limit: a later run spares the live container's cgroup" {
  local R pid d g=$BATS_TEST_TMPDIR/gate
  R=$(rootfs)
  # the container lives until the test opens the gate (a file in a bound
  # directory): a slow machine's later run may take seconds
  mkdir "$g"
  minc -B -t "$BATS_TEST_TMPDIR/bg" -b "$g:/gate" -r "$R" --pid-max 20 \
    sh -c 'while [ ! -e /gate/open ]; do sleep 0.1; done' 2>/dev/null &
  pid=$!
  # minc returns at once; its background job keeps the cgroup mustela-PID
  wait "$pid"
  d=$(minc_cgroup "$pid")
  run -0 minc -r "$R" true
  run -0 cat "$d/pids.max"
  assert_output 20
  # the job removes it, and its record, when the container ends
  touch "$g/open"
  for _ in $(seq 300); do [ -e "$d" ] || break; sleep 0.1; done
  assert_equal "$(cat "$BATS_TEST_TMPDIR/bg/status")" 0
  assert_not_exists "$d"
  assert_not_exists "/run/mustela/cg/mustela-$pid"
}

@test "cg-attach: --devices: only the devices the rules name open or are made (v1 devices, v2 BPF)" {
  run -0 cg-attach --name "$P-dev" --devices c:1:3:rwm,c:1:7:r -- sh -c '
    echo x >/dev/null && echo null; head -c 1 /dev/full | wc -c
    echo x 2>&1 >/dev/full; head -c 1 /dev/zero 2>&1
    mknod "$0/z" c 1 5 2>&1; true' "$BATS_TEST_TMPDIR"
  assert_line --index 0 null
  assert_line --index 1 1
  assert_line --index 2 --partial '/dev/full: Operation not permitted'
  assert_line --index 3 --partial 'Operation not permitted'
  assert_line --index 4 --partial 'Operation not permitted'
  run -0 cg-attach --remove "$P-dev"
  # any number (*), mknod (m), both types (a)
  run -0 cg-attach --name "$P-dev" --devices 'a:*:*:m,c:1:*:rw' -- sh -c '
    mknod "$0/z" c 1 5 && head -c 1 "$0/z" | wc -c && mknod "$0/b" b 7 0 &&
    echo made' "$BATS_TEST_TMPDIR"
  assert_output $'1\nmade'
}

@test "cg-attach: --devices: a bad rule: its message, 125, nothing made" {
  local r
  for r in c:1:x:rwm c:1:3:rwx x:1:3:r c:1:3 c:1:3:r:w c:1:3: ''; do
    run -125 cg-attach --name "$P-bad" --devices "$r" -- true
    if [ -n "$r" ]; then
      assert_output "cg-attach: bad device rule: $r (TYPE:MAJOR:MINOR:ACCESS)"
    else
      assert_output 'cg-attach: bad device rules: none given'
    fi
  done
  [ -z "$(cgdirs "$P-bad" | xargs ls -d 2>/dev/null)" ]
  run -125 cg-attach --devices c:1:3:rwm --remove "$P-bad"
  assert_output --partial 'cg-attach: usage:'
}

# cg2dir NAME: cgroup NAME's directory in the cgroup2 hierarchy (pure v2's
# or a hybrid layout's), below this shell's own cgroup there; nothing
# without one.
cg2dir() { # NAME
  local self mnt
  self=$(sed -n 's|^0::/*||p' /proc/self/cgroup)
  mnt=$(cg2mnt)
  [ -z "$mnt" ] || echo "$mnt${self:+/$self}/$1"
}

# cg2mnt: where the cgroup2 hierarchy is mounted, if it is
cg2mnt() {
  awk '{
      for (i = 7; $i != "-"; i++)
        ;
      if ($(i + 1) == "cgroup2") { print $5; exit }
    }' /proc/self/mountinfo
}

# hugetlb_limit NAME: the 2MB hugetlb limit file of cgroup NAME: in a v1
# hierarchy of hugetlb, or else the cgroup2 one's, if its parent offers
# the controller; nothing if neither
hugetlb_limit() { # NAME
  local d
  d=$(cgdirs "$1" hugetlb)
  if [ -z "$V2" ] && [ -n "$d" ]; then
    echo "$d/hugetlb.2MB.limit_in_bytes"
    return 0
  fi
  d=$(cg2dir "$1")
  if [ -n "$d" ] && grep -qw hugetlb "${d%/*}/cgroup.controllers"; then
    echo "$d/hugetlb.2MB.max"
  fi
}

# loopdev: a 64M loop device on a file of the test's (detached by
# loop_teardown); sets L, and LDEV to its MAJOR:MINOR
loopdev() {
  truncate -s 64M "$BATS_TEST_TMPDIR/disk"
  L=$(losetup -f --show "$BATS_TEST_TMPDIR/disk")
  LDEV=$(($(stat -c 0x%t "$L"))):$(($(stat -c 0x%T "$L")))
}

loop_teardown() {
  [ -z "${L-}" ] || losetup -d "$L"
  L=''
}

@test "cg-attach: --memory-reservation; --memory-swappiness and --oom-kill-disable (v1; v2 refuses them)" {
  run -0 cg-attach --name "$P-mem" --memory 64M --memory-reservation 32M -- true
  run -0 cgcat memory "$P-mem" memory.soft_limit_in_bytes memory.low
  assert_output 33554432
  run -0 cg-attach --name "$P-mem" --memory-reservation -1 -- true
  run -0 cgcat memory "$P-mem" memory.soft_limit_in_bytes memory.low
  assert_output "$(pick 9223372036854771712 max)"
  if [ -n "$V2" ]; then
    run -125 cg-attach --name "$P-swp" --memory-swappiness 10 -- true
    assert_output 'cg-attach: --memory-swappiness: cgroup v2 has no memory.swappiness (the kernel'"'"'s vm.swappiness applies)'
    run -125 cg-attach --name "$P-swp" --memory 32M --oom-kill-disable -- true
    assert_output 'cg-attach: --oom-kill-disable: cgroup v2 has no memory.oom_control (its OOM killer cannot be disabled)'
    [ -z "$(cgdirs "$P-swp" | xargs ls -d 2>/dev/null)" ]
    return 0
  fi
  run -0 cg-attach --name "$P-swp" --memory-swappiness 0 -- \
    cat "$(cgdirs "$P-swp" memory)/memory.swappiness"
  assert_output 0
  # at its limit the process waits for memory, alive, not OOM-killed
  # (no swap to fall back on: memory+swap is the memory limit). It grows
  # its memory itself (awk's string, written in user mode). dd's read into
  # an untouched buffer is charged inside the system call, where the
  # kernel may fail the charge (ENOMEM) instead of waiting: dd then ends
  # (as it did once in CI).
  local swap='' pid rc=0
  [ ! -e "$(cgdirs '' memory)/memory.memsw.limit_in_bytes" ] || swap='--memory-swap=32M'
  cg-attach --name "$P-oom" --memory 32M ${swap:+"$swap"} --oom-kill-disable -- \
    awk 'BEGIN { s = "x"; for (;;) s = s s }' &
  pid=$!
  wait_for grep -qx 'under_oom 1' "$(cgdirs "$P-oom" memory)/memory.oom_control"
  run -0 grep -x 'oom_kill_disable 1' "$(cgdirs "$P-oom" memory)/memory.oom_control"
  kill -0 "$pid"
  kill -9 "$pid"
  wait "$pid" || rc=$?
  assert_equal "$rc" 137
}

@test "cg-attach: --device-read-bps and the other throttles on a loop device: written, a read held to its rate" {
  loopdev
  run -0 cg-attach --name "$P-io" --device-read-bps "$L:1M" \
    --device-write-bps "$LDEV:2M" --device-read-iops "$LDEV:100" \
    --device-write-iops "$L:50" -- true
  if [ -n "$V2" ]; then
    run -0 grep "^$LDEV " "$(cgdirs "$P-io")/io.max"
    assert_output "$LDEV rbps=1048576 wbps=2097152 riops=100 wiops=50"
  else
    run -0 cat "$(cgdirs "$P-io" blkio)"/blkio.throttle.{read_bps,write_bps,read_iops,write_iops}_device
    assert_output "$LDEV 1048576"$'\n'"$LDEV 2097152"$'\n'"$LDEV 100"$'\n'"$LDEV 50"
  fi
  # 4 MiB read past the page cache at 1 MiB a second: 3 s at least (the
  # first second's budget may go at once)
  local t0 t1
  t0=$(now_usec)
  run -0 cg-attach --name "$P-io" -- dd if="$L" of=/dev/null bs=1M count=4 iflag=direct
  t1=$(now_usec)
  [ $((t1 - t0)) -ge 2500000 ] || fail "4 MiB read in $((t1 - t0)) us at 1 MiB/s"
  # a rate of 0 lifts the throttle
  run -0 cg-attach --name "$P-io" --device-read-bps "$LDEV:0" -- true
  if [ -n "$V2" ]; then
    run -0 grep "^$LDEV " "$(cgdirs "$P-io")/io.max"
    assert_output "$LDEV rbps=max wbps=2097152 riops=100 wiops=50"
  else
    run -0 cat "$(cgdirs "$P-io" blkio)/blkio.throttle.read_bps_device"
    assert_output ''
  fi
  run -0 cg-attach --remove "$P-io"
  loop_teardown
}

@test "cg-attach: --blkio-weight and --blkio-weight-device: the file the kernel has, or refused naming both" {
  loopdev
  local d f1 f2 v
  d=$(cgdirs "$P-w" blkio)
  [ -z "$V2" ] || d=$(cgdirs "$P-w")
  f1=$(pick blkio.weight io.weight) f2=$(pick blkio.bfq.weight io.bfq.weight)
  run cg-attach --name "$P-w" --blkio-weight 300 -- sh -c 'cat "$0/$1" 2>/dev/null || cat "$0/$2"' "$d" "$f1" "$f2"
  if [ "$status" -eq 0 ]; then
    # io.weight converted (runc's): 1 + (300 - 10) * 9999 / 990
    v=300
    [ -z "$V2" ] || [ ! -e "$d/io.weight" ] || v=2930
    assert_output --regexp "(^| )$v\$"
    # iocost weighs a device's I/O only where it is on (io.cost.qos, the
    # root's: v2 only); the loop device is the test's
    [ ! -e /sys/fs/cgroup/io.cost.qos ] || echo "$LDEV enable=1" >/sys/fs/cgroup/io.cost.qos
    run -0 cg-attach --name "$P-w" --blkio-weight-device "$L:400" -- true
  else
    assert_output "cg-attach: --blkio-weight 300: no $f1 or $f2 in $d ($(pick 'no CFQ since Linux 5.0, and no BFQ I/O scheduler loaded' 'the kernel has neither the iocost controller nor the BFQ I/O scheduler'))"
    assert_equal "$status" 125
    run -125 cg-attach --name "$P-w" --blkio-weight-device "$L:400" -- true
    assert_output --partial "cg-attach: --blkio-weight-device $L:400: no $f1$(pick _device '') or $f2$(pick _device '') in $d ("
    [ -z "$(cgdirs "$P-w" | xargs ls -d 2>/dev/null)" ]
  fi
  loop_teardown
}

@test "cg-attach: --hugetlb 2MB:4M: written where the controller is (v1, v2, a hybrid's cgroup2); a third page refused" {
  local f pages
  f=$(hugetlb_limit "$P-huge")
  [ -n "$f" ] || skip "no hugetlb controller in any cgroup hierarchy"
  run -0 cg-attach --name "$P-huge" --hugetlb 2MB:4M -- true
  run -0 cat "$f"
  assert_output 4194304
  run -0 cg-attach --name "$P-huge" --hugetlb 2MB:-1 -- true
  run -0 cat "$f"
  case "$f" in
    *.max) assert_output max ;;
    # (v1: the largest multiple of the page size)
    *) assert_output 9223372036852678656 ;;
  esac
  run -0 cg-attach --remove "$P-huge"
  # acting: two pages reserved for the test, two allowed, a third refused
  # (fallocate on a hugetlbfs of a mount namespace of its own)
  pages=$(cat /proc/sys/vm/nr_hugepages)
  HUGEPAGES=$pages
  echo $((pages + 3)) >/proc/sys/vm/nr_hugepages
  mkdir "$BATS_TEST_TMPDIR/huge"
  run cg-attach --name "$P-huge" --hugetlb 2MB:4M -- unshare -m sh -c '
    mount -t hugetlbfs none "$0" && fallocate -l 4M "$0/a" && echo two &&
    fallocate -l 2M "$0/b"' "$BATS_TEST_TMPDIR/huge"
  echo "$pages" >/proc/sys/vm/nr_hugepages
  HUGEPAGES=''
  assert_equal "$status" 1
  assert_line --index 0 two
  assert_line --index 1 'fallocate: fallocate failed: No space left on device'
  run -125 cg-attach --name "$P-huge2" --hugetlb 3MB:4M -- true
  assert_output --regexp "^cg-attach: --hugetlb 3MB:4M: no 3MB huge pages here \\(no hugetlb\\.3MB\\.(max|limit_in_bytes) in /sys/fs/cgroup(/.*)?/$P-huge2\\)\$"
  [ -z "$(cgdirs "$P-huge2" | xargs ls -d 2>/dev/null)" ]
}

@test "cg-attach: --unified KEY=VALUE: a cgroup v2 file as given; one no v2 hierarchy offers refused" {
  local d
  d=$(cg2dir "$P-u")
  if [ -z "$d" ]; then
    run -125 cg-attach --name "$P-u" --unified pids.max=10 -- true
    assert_output 'cg-attach: --unified pids.max=10: no cgroup v2 hierarchy is mounted'
  elif [ -n "$V2" ]; then
    run -0 cg-attach --name "$P-u" --unified memory.high=64M --unified 'pids.max=7' -- \
      cat "$d/memory.high" "$d/pids.max"
    assert_output $'67108864\n7'
  else
    # a hybrid layout: its cgroup2 hierarchy has what no v1 one took
    run -125 cg-attach --name "$P-u" --unified memory.high=64M -- true
    assert_output "cg-attach: --unified memory.high=64M: no memory controller in the cgroup v2 hierarchy $(cg2mnt)"
    [ -z "$(cgdirs "$P-u" | xargs ls -d 2>/dev/null)" ]
    run -0 cg-attach --name "$P-u" --unified cgroup.max.descendants=3 -- cat "$d/cgroup.max.descendants"
    assert_output 3
  fi
}

@test "cg-attach: the list options' bad values: named, 125, nothing made" {
  local a opt val form
  for a in "--blkio-weight|5|10 to 1000" "--blkio-weight|1001|10 to 1000" \
    "--blkio-weight-device|7:0:5|DEVICE:WEIGHT, WEIGHT 10 to 1000" \
    "--device-read-bps|7:0|DEVICE:RATE" "--device-write-bps|7:x:1M|DEVICE:RATE" \
    "--device-read-iops|7:0:1M|DEVICE:RATE" "--device-write-iops|:5|DEVICE:RATE" \
    "--hugetlb|2M:4M|SIZE:LIMIT, SIZE as 2MB or 1GB" \
    "--hugetlb|2MB:4Q|SIZE:LIMIT, SIZE as 2MB or 1GB" \
    "--hugetlb|2MB|SIZE:LIMIT, SIZE as 2MB or 1GB" \
    "--unified|../cgroup.procs=1|KEY=VALUE, KEY a file of the cgroup" \
    "--unified|a/memory.max=1|KEY=VALUE, KEY a file of the cgroup" \
    "--unified|memory.max|KEY=VALUE, KEY a file of the cgroup" \
    "--unified|.x=1|KEY=VALUE, KEY a file of the cgroup"; do
    IFS='|' read -r opt val form <<<"$a"
    run -125 cg-attach --name "$P-bad" "$opt" "$val" -- true
    assert_output "cg-attach: bad ${opt#--}: $val ($form)"
  done
  run -125 cg-attach --name "$P-bad" --memory-swappiness 101 -- true
  assert_output 'cg-attach: bad memory swappiness: 101'
  run -125 cg-attach --name "$P-bad" --memory-reservation 12Q -- true
  assert_output 'cg-attach: bad size: 12Q'
  run -125 cg-attach --name "$P-bad" --memory 16M --memory-reservation 32M -- true
  assert_output 'cg-attach: --memory-reservation is more than --memory'
  run -125 cg-attach --name "$P-bad" --device-read-bps /dev/null:1M -- true
  assert_output 'cg-attach: --device-read-bps /dev/null:1M: not a block device: /dev/null'
  run -125 cg-attach --name "$P-bad" --device-read-bps /nonexistent:1M -- true
  assert_output 'cg-attach: --device-read-bps /nonexistent:1M: stat /nonexistent: No such file or directory'
  # a device the kernel does not know (a major no driver has; loop's
  # would make the device on demand where the kernel autoloads)
  run -125 cg-attach --name "$P-bad" --device-read-bps 4095:0:1M -- true
  assert_output --regexp "^cg-attach: write 4095:0 .* to /sys/fs/cgroup(/.*)?/$P-bad/(blkio\\.throttle\\.read_bps_device|io\\.max): No such device\$"
  run -125 cg-attach --oom-kill-disable --remove "$P-bad"
  assert_output --partial 'cg-attach: usage:'
  [ -z "$(cgdirs "$P-bad" | xargs ls -d 2>/dev/null)" ]
}

@test "cg-attach: no cgroup of this file is left" {
  run -0 find /sys/fs/cgroup -name "$P-*"
  assert_output ''
}
