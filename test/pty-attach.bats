#!/usr/bin/env bats
# pty-attach: the OCI runtime's --console-socket: a socket connected on a
# descriptor (--connect), then a new terminal's master sent over it as
# runc sends it (--socket-fd), the slave prog's controlling terminal; the
# receiving end is a real one (python's recv_fds, as conmon's recvmsg)

load 'lib/common'

SYN='pty-attach: usage: pty-attach (--connect PATH --fd N | --socket-fd N [--size COLSxROWS] [--console]) [--] prog [args...]'

setup() {
  T=$(mktemp -d)
  # recv.py SOCK INPUT -- CMD...: an engine's end of the console socket:
  # listen on SOCK, run CMD, take the master it sends, write INPUT into it
  # and print what the terminal says back (\r dropped) until its slave is
  # closed everywhere, then the message's data, the number of descriptors
  # and CMD's status; "no terminal" if CMD exits without sending one
  cat >"$T/recv.py" <<'PY'
import os, socket, subprocess, sys
path, data, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
srv.settimeout(0.1)
p = subprocess.Popen(cmd)
conn = None
while conn is None:
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        if p.poll() is not None:
            print("no terminal; exit:", p.returncode)
            sys.exit(0)
conn.settimeout(None)
msg, fds, _, _ = socket.recv_fds(conn, 4096, 1)
if not fds:
    print("no descriptor; exit:", p.wait())
    sys.exit(0)
master = fds[0]
os.write(master, data.encode())
out = b""
while True:
    try:
        b = os.read(master, 4096)
    except OSError:  # EIO: no slave open any more
        break
    if not b:
        break
    out += b
st = p.wait()
sys.stdout.write(out.decode().replace("\r", ""))
print("data:", msg.decode(), "descriptors:", len(fds))
print("exit:", st)
PY
}

teardown() {
  [ -z "${SERVER:-}" ] || kill "$SERVER" 2>/dev/null || :
  rm -rf "$T"
}

@test "pty-attach: -h prints the usage and its options on stdout, exit 0" {
  run -0 --separate-stderr pty-attach -h
  assert_line --index 0 "$SYN"
  local o
  for o in connect fd socket-fd size; do
    assert_line --regexp "^  --$o [A-Z]"
  done
  assert_line --regexp '^  --console +bind'
  assert_line --regexp '^  -h, --help '
  [ -z "$stderr" ]
  run -0 pty-attach --help
  assert_line --index 0 "$SYN"
}

@test "pty-attach: usage errors, 125: no program, unknown option, modes mixed or missing" {
  run -125 pty-attach --socket-fd 0
  assert_output "$SYN"
  run -125 pty-attach --connect "$T/s" --fd 5 --
  assert_output "$SYN"
  run -125 pty-attach --bogus true
  assert_line --index 0 'pty-attach: unknown option: --bogus'
  assert_line --index 1 "$SYN"
  run -125 pty-attach -c "$T/s" true
  assert_line --index 0 'pty-attach: unknown option: -c'
  run -125 pty-attach --connect
  assert_line --index 0 'pty-attach: option needs an argument: --connect'
  run -125 pty-attach -- true
  assert_output 'pty-attach: one of --connect and --socket-fd is needed'
  run -125 pty-attach --connect "$T/s" --fd 5 --socket-fd 5 -- true
  assert_output 'pty-attach: one of --connect and --socket-fd is needed'
  run -125 pty-attach --connect "$T/s" -- true
  assert_output 'pty-attach: --connect needs --fd'
  run -125 pty-attach --connect "$T/s" --fd 5 --size 80x24 -- true
  assert_output 'pty-attach: --size and --console go with --socket-fd'
  run -125 pty-attach --connect "$T/s" --fd 5 --console -- true
  assert_output 'pty-attach: --size and --console go with --socket-fd'
  run -125 pty-attach --socket-fd 0 --fd 5 -- true
  assert_output 'pty-attach: --fd goes with --connect'
}

@test "pty-attach: bad numbers are errors naming them, 125" {
  run -125 pty-attach --fd x --connect "$T/s" -- true
  assert_output 'pty-attach: fd x: not a descriptor'
  run -125 pty-attach --socket-fd -3 -- true
  assert_output 'pty-attach: socket-fd -3: not a descriptor'
  local s
  for s in 80 80x x24 0x24 80x0 65536x24 80x24x1 ' 80x24' 80X24; do
    run -125 pty-attach --socket-fd 0 --size "$s" -- true
    assert_output "pty-attach: size $s: not COLSxROWS"
  done
}

@test "pty-attach: --connect: no such socket, not a socket, nobody listening, 125" {
  run -125 pty-attach --connect "$T/none" --fd 5 -- touch "$T/ran"
  assert_output "pty-attach: connect $T/none: No such file or directory"
  touch "$T/file"
  run -125 pty-attach --connect "$T/file" --fd 5 -- touch "$T/ran"
  assert_output "pty-attach: connect $T/file: Connection refused"
  # a socket that was bound, but nobody listens on it
  python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$T/dead"
  run -125 pty-attach --connect "$T/dead" --fd 5 -- touch "$T/ran"
  assert_output "pty-attach: connect $T/dead: Connection refused"
  assert_not_exist "$T/ran"
}

@test "pty-attach: --socket-fd: a descriptor that is not a socket, or closed, 125" {
  run -125 pty-attach --socket-fd 0 -- touch "$T/ran" </dev/null
  assert_output 'pty-attach: socket-fd 0: not a socket'
  run -125 pty-attach --socket-fd 9 -- touch "$T/ran"
  assert_output 'pty-attach: socket-fd 9: Bad file descriptor'
  # a socket whose other end is gone: the send fails, nothing runs
  run -125 python3 -c '
import os, socket, sys
a, b = socket.socketpair()
b.close()
os.set_inheritable(a.fileno(), True)
os.dup2(a.fileno(), 5)
os.execvp("pty-attach", ["pty-attach", "--socket-fd", "5", "--", "touch", sys.argv[1]])' "$T/ran"
  assert_output 'pty-attach: send the terminal over socket-fd 5: Broken pipe'
  assert_not_exist "$T/ran"
}

@test "pty-attach: exit codes: 127 not found, 126 not executable, status, signal" {
  echo 'not a program' >"$T/f"
  # a socket that listens (and never accepts) for the time of the test
  python3 -c 'import os, socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1] + ".new"); s.listen(8)
os.rename(sys.argv[1] + ".new", sys.argv[1])
time.sleep(60)' "$T/s" 3>&- &
  SERVER=$!
  local i
  for ((i = 0; i < 500; i++)); do [ -S "$T/s" ] && break; sleep 0.02; done
  run -127 pty-attach --connect "$T/s" --fd 5 -- /nonexistent
  assert_output 'pty-attach: exec /nonexistent: No such file or directory'
  run -126 pty-attach --connect "$T/s" --fd 5 -- "$T/f"
  assert_output "pty-attach: exec $T/f: Permission denied"
  run -3 pty-attach --connect "$T/s" --fd 5 -- sh -c 'exit 3'
  run -143 pty-attach --connect "$T/s" --fd 5 -- sh -c 'kill -TERM $$'
  # the arguments pass untouched
  run -0 pty-attach --connect "$T/s" --fd 5 -- echo --fd -h -- x
  assert_output -- '--fd -h -- x'
}

@test "pty-attach: --connect puts the connected socket on --fd, open across exec; a path longer than sun_path works" {
  run -0 python3 "$T/recv.py" "$T/s" '' -- \
    pty-attach --connect "$T/s" --fd 7 -- sh -c 'readlink /proc/self/fd/7; ls /proc/self/fd'
  assert_line --regexp '^socket:\[[0-9]+\]$'
  # nothing else of pty-attach's is left open: 0 1 2, ls's directory, 7
  assert_line --index 1 0
  assert_line --index 2 1
  assert_line --index 3 2
  assert_line --index 5 7
  # the socket already on that descriptor number (3: the first free one)
  run -0 python3 "$T/recv.py" "$T/s3" '' -- \
    pty-attach --connect "$T/s3" --fd 3 -- sh -c 'readlink /proc/self/fd/3' 3>&-
  assert_line --regexp '^socket:\[[0-9]+\]$'
  local d=$T/a-directory-whose-name-is-long-enough-that-the-path-of-the-socket-in-it
  mkdir "$d"
  [ "${#d}" -gt 108 ] || d=$d/$(printf '%0100d' 0) && mkdir -p "$d"
  run -0 python3 -c '
import os, socket, subprocess, sys
d = sys.argv[1]
os.chdir(d)
s = socket.socket(socket.AF_UNIX)
s.bind("s")
s.listen(1)
p = subprocess.Popen(["pty-attach", "--connect", d + "/s", "--fd", "5", "--",
                      "sh", "-c", "echo hello >&5"])
c, _ = s.accept()
print(c.recv(100).decode().strip(), p.wait())' "$d"
  assert_output 'hello 0'
}

@test "pty-attach: the engine gets the master as runc sends it; the slave is prog's controlling tty" {
  run -0 python3 "$T/recv.py" "$T/s" $'tty; [ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; exit 7\n' -- \
    pty-attach --connect "$T/s" --fd 5 -- pty-attach --socket-fd 5 -- sh
  assert_line --regexp '^([#$] )?/dev/pts/[0-9]+$'
  assert_line 'all-ttys'
  assert_line 'data: /dev/ptmx descriptors: 1'
  assert_line 'exit: 7'
  # a new session, the terminal its controlling one; --size sets the
  # window; no master and no socket are left in prog
  run -0 python3 "$T/recv.py" "$T/s2" '' -- \
    pty-attach --connect "$T/s2" --fd 5 -- pty-attach --socket-fd 5 --size 132x43 -- \
    sh -c 'stty size; ps -o sid=,tty= -p $$; echo $$; ls -1 /proc/self/fd' </dev/null
  assert_line '43 132'
  assert_line --regexp "^ *[0-9]+ pts/[0-9]+$"
  local sid pid
  sid=$(grep -E '^ *[0-9]+ pts/' <<<"$output" | awk '{print $1}')
  pid=$(sed -n 3p <<<"$output")
  assert_equal "$sid" "$pid"
  assert_equal "$(sed -n '4,$p' <<<"$output" | head -n 4 | tr '\n' ' ')" '0 1 2 3 '
  refute_line 5
}

@test "pty-attach: in a container: the pty of its own devpts, /dev/pts/0, sh's controlling tty" {
  need_root
  local r
  r=$(rootfs)
  mkdir "$T/root"
  run -0 python3 "$T/recv.py" "$T/s" $'tty; [ -t 0 ] && echo stdin-is-a-tty; ls /dev/pts; ps -o pid,sid,tty,comm; exit 9\n' -- \
    pty-attach --connect "$T/s" --fd 5 -- \
    ns-enter --pid --mount --uts --ipc -- \
    overlay-mount --lower "$r" --tmpfs-upper "$T/root" -- \
    pivot --proc --dev --keep-fd 5 --exec-from-host "$T/root" -- \
    "$TOP/helpers/pty-attach" --socket-fd 5 -- sh
  assert_line '/dev/pts/0'
  assert_line 'stdin-is-a-tty'
  assert_line --regexp '^0 +ptmx$'
  assert_line --regexp '^ +1 +1 136,0 +sh$'
  assert_line 'data: /dev/ptmx descriptors: 1'
  assert_line 'exit: 9'
}

@test "pty-attach: no devpts to open (/dev/ptmx missing) is an error, 125, and the engine gets nothing" {
  need_root
  local r
  r=$(rootfs)
  mkdir "$T/root"
  # pivot without --dev: the rootfs's /dev has no ptmx
  run -0 python3 "$T/recv.py" "$T/s" '' -- \
    pty-attach --connect "$T/s" --fd 5 -- \
    ns-enter --mount -- \
    overlay-mount --lower "$r" --tmpfs-upper "$T/root" -- \
    pivot --keep-fd 5 --exec-from-host "$T/root" -- \
    "$TOP/helpers/pty-attach" --socket-fd 5 -- sh
  assert_line 'pty-attach: open /dev/ptmx: No such file or directory'
  assert_line 'no descriptor; exit: 125'
}

@test "pty-attach: --console binds the terminal on the container's /dev/console" {
  need_root
  local r
  r=$(rootfs)
  mkdir "$T/root"
  # stdin is no terminal: pivot --dev binds none on /dev/console itself
  run -0 python3 "$T/recv.py" "$T/s" $'stat -c "%n %t:%T" /dev/console; echo via-console >/dev/console; exit 4\n' -- \
    pty-attach --connect "$T/s" --fd 5 -- \
    ns-enter --pid --mount --uts --ipc -- \
    overlay-mount --lower "$r" --tmpfs-upper "$T/root" -- \
    pivot --proc --dev --keep-fd 5 --exec-from-host "$T/root" -- \
    "$TOP/helpers/pty-attach" --socket-fd 5 --console -- sh </dev/null
  assert_line '/dev/console 88:0'
  assert_line 'via-console'
  assert_line 'exit: 4'
  # and the host's /dev/console is untouched
  run -0 stat -c %t:%T /dev/console
  assert_output 5:1
}
