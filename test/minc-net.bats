#!/usr/bin/env bats
# minc-net: minc's networks (-n, -n raw, -n dens, -p, -n host), no leaks
#
# Every test makes its own network namespace H ("the host") and runs minc in
# it with nsenter, so the machine's own links, routes, forwarding and
# firewall are never touched; traffic goes only to addresses made here.

load 'lib/common'

NET=$TOP/libexec/mustela/minc-net

setup() {
  need_root
  R=$(rootfs)
  T=$(mktemp -d)
  H=mtest-$$-$BATS_TEST_NUMBER O=''
  PIDS=() OLD_PATH=$PATH
  ip netns add "$H"
  ip -n "$H" link set lo up
}

teardown() {
  local p
  export PATH=$OLD_PATH
  for p in "${PIDS[@]}"; do
    kill -9 "$p" 2>/dev/null || :
  done
  wait 2>/dev/null || :
  in_h "$NET" sweep || :
  ip netns del "$H" || :
  [ -z "$O" ] || ip netns del "$O" || :
  rm -rf "$T"
}

in_h() { # CMD...: run CMD in the test's "host" namespace
  nsenter --net="/run/netns/$H" "$@"
}

start() { # OUT MINC-ARGS...: start minc in H in the background; sets netid
  local out=$1
  shift
  # nsenter executes into minc, which executes into minc-exec: one PID.
  nsenter --net="/run/netns/$H" minc -r "$R" "$@" >"$out" 2>&1 3>&- &
  PIDS+=($!)
  netid=mustela-$!
}

listening() { # NETID PORT: a TCP socket listens on PORT in NETID's namespace
  [ -n "$(nsenter --net="/run/netns/$1" ss -Hltn "sport = :$2" 2>/dev/null)" ]
}

tools_but() { # TOOL...: PATH without TOOL... (links to all other programs)
  local f t
  mkdir "$T/bin"
  for f in /usr/sbin/* /usr/bin/*; do
    ln -sf "$f" "$T/bin/"
  done
  for t; do
    rm "$T/bin/$t"
  done
  export PATH="$TOP/helpers:$TOP/bin:$T/bin"
}

addr_of() { # NETID: print the address of eth0 in NETID's namespace
  local a
  a=$(nsenter --net="/run/netns/$1" ip -4 -o addr show dev eth0)
  a=${a#* inet }
  echo "${a%%/*}"
}

leftovers() { # NETID...: print what the containers NETID... left, if anything
  local n f
  in_h ip -o link show | cut -d: -f2 | grep mustela || :
  in_h nft list tables | grep mustela || :
  for n; do
    [ ! -e "/run/netns/$n" ] || echo "/run/netns/$n"
    for f in /run/mustela/net/*; do
      [ -f "$f" ] && grep -qx "$n" "$f" 2>/dev/null && echo "lease $f"
    done
    [ ! -e "/run/mustela/net/$n" ] || echo "/run/mustela/net/$n"
    [ ! -e "/run/mustela/net/$n.hosts" ] || echo "/run/mustela/net/$n.hosts"
  done
  # Any state of a container of H's, whatever its NETID.
  grep -lx "hostns $(stat -L -c %i "/run/netns/$H")" /run/mustela/net/mustela-* 2>/dev/null || :
  [ "$(in_h cat /proc/sys/net/ipv4/ip_forward)" = 0 ] || echo "ip_forward 1"
}

@test "minc-net: -n: a namespace with only lo, up" {
  run -0 in_h minc -r "$R" -n cat /proc/net/dev
  assert_equal "$(grep -c : <<<"$output")" 1
  assert_line --partial 'lo:'
  run -0 in_h minc -r "$R" -n ip -o link show lo
  assert_output --regexp 'LOOPBACK,UP'
  run -0 in_h minc -r "$R" -n ping -c 1 -W 2 127.0.0.1
}

@test "minc-net: -n host: the host's namespace, its links" {
  ip -n "$H" link add mhost0 type veth peer name mhost1
  run -0 in_h minc -r "$R" -n host cat /proc/net/dev
  assert_line --partial 'mhost0:'
  run -0 in_h minc -r "$R" -n host readlink /proc/self/ns/net
  assert_output "net:[$(stat -L -c %i "/run/netns/$H")]"
}

@test "minc-net: -n raw,IF moves IF in, and back out when the container ends" {
  ip -n "$H" link add mraw0 type veth peer name mraw1
  ip -n "$H" link set mraw0 up
  run -0 in_h minc -r "$R" -n raw,mraw0 --cap-add net_admin sh -c \
    'ip addr add 192.0.2.9/24 dev mraw0; ip -o addr show mraw0; ip -o link show'
  assert_line --regexp '^[0-9]+: mraw0 +inet 192\.0\.2\.9/24 '
  assert_equal "$(grep -c 'link/' <<<"$output")" 2
  # Back in the host, as it left.
  run -0 ip -n "$H" -o link show mraw0
  assert_output --partial 'mraw0@mraw1'
  run -0 in_h minc -r "$R" -n raw cat /proc/net/dev
  refute_line --partial 'mraw0:'
  assert_equal "$(leftovers)" ""
}

@test "minc-net: -n raw,IF: a missing IF, an unknown mode: clear message, 125" {
  run -125 in_h minc -r "$R" -n raw,nosuch0 true
  assert_output 'minc: --net raw,nosuch0: no such interface: nosuch0'
  run -125 env MINC_NET=bogus "$NET" up "mustela-$$" box
  assert_output 'minc: --net bogus: unknown mode (none, raw[,IF], dens, host)'
  assert_equal "$(leftovers "mustela-$$")" ""
}

@test "minc-net: -n dens: an address, a default route, /etc/hosts names it" {
  run -0 in_h minc -r "$R" -n dens --name box sh -c \
    'ip -o -4 addr show eth0; ip route; cat /etc/hosts; hostname'
  assert_line --regexp '^2: eth0 +inet 10\.88\.0\.[0-9]+/16 '
  assert_line --partial 'default via 10.88.0.1 dev eth0'
  local a=${lines[0]#* inet }
  assert_line "$(printf '%s\tbox' "${a%%/*}")"
  assert_line 'box'
  assert_equal "$(leftovers)" ""
}

@test "minc-net: two dens containers exchange data over the bridge" {
  # The server answers once it has read the client's line.
  start "$T/a" -n dens -b "$T:/t" \
    nc -l -p 5000 -e sh -c 'read -r x; echo "$x" >/t/got; echo pong'
  local a=$netid
  wait_for listening "$a" 5000
  run -0 in_h minc -r "$R" -n dens sh -c "echo ping | nc $(addr_of "$a") 5000"
  assert_output pong
  wait
  assert_equal "$(cat "$T/got")" ping
  assert_equal "$(leftovers "$a")" ""
}

@test "minc-net: -p: the host port reaches the container, from the host and other containers" {
  start "$T/a" -p 8080:80 nc -ll -p 80 -e echo pong
  local a=$netid
  wait_for listening "$a" 80
  ip -n "$H" link add mdum0 type veth peer name mdum1
  ip -n "$H" addr add 192.0.2.1/24 dev mdum0
  ip -n "$H" link set mdum0 up
  ip -n "$H" link set mdum1 up
  for dst in 127.0.0.1 192.0.2.1 10.88.0.1; do
    run -0 in_h busybox nc "$dst" 8080 </dev/null
    assert_output pong
  done
  for dst in 192.0.2.1 10.88.0.1; do
    run -0 in_h minc -r "$R" -n dens nc "$dst" 8080 </dev/null
    assert_output pong
  done
  # The container itself, through its published port (hairpin).
  run -0 nsenter --net="/run/netns/$a" busybox nc 10.88.0.1 8080 </dev/null
  assert_output pong
}

@test "minc-net: -p: a port in use, a malformed port: clear message, 125" {
  start "$T/a" -p 8080:80 sleep 100
  local a=$netid
  wait_for in_h nft list map ip mustela ports 2>/dev/null
  wait_for eval 'in_h nft list map ip mustela ports | grep -q 8080'
  run -125 in_h minc -r "$R" -p 8080:80 true
  assert_output 'minc: -p 8080: port in use'
  # A socket of the host on the port.
  nsenter --net="/run/netns/$H" busybox nc -l -p 8082 </dev/null >/dev/null 3>&- &
  PIDS+=($!)
  wait_for eval "in_h ss -ltn | grep -q ':8082 '"
  run -125 in_h minc -r "$R" -p 8082:80 true
  assert_output 'minc: -p 8082: port in use'
  run -125 in_h minc -r "$R" -p 8083:80 -p 8083:81 true
  assert_output 'minc: -p 8083: given twice'
  run -125 in_h minc -r "$R" -p 80:http true
  assert_output 'minc: -p 80:http: not HOSTPORT:PORT[:udp]'
  run -125 in_h minc -r "$R" -p 70000:80 true
  assert_output 'minc: -p 70000:80: not HOSTPORT:PORT[:udp]'
  # A udp port is not a tcp one: 8080/udp is free.
  run -0 in_h minc -r "$R" -p 8080:80:udp true
}

@test "minc-net: dens: outbound NAT reaches a server in another namespace" {
  O=mtest-$$-$BATS_TEST_NUMBER-o
  ip netns add "$O"
  ip -n "$H" link add mto0 type veth peer name eth0 netns "$O"
  ip -n "$H" addr add 198.51.100.1/24 dev mto0
  ip -n "$H" link set mto0 up
  ip -n "$O" addr add 198.51.100.2/24 dev eth0
  ip -n "$O" link set eth0 up
  # O has no route to the containers' subnet: only NAT makes replies return.
  run ! ip -n "$O" route get 10.88.0.2
  nsenter --net="/run/netns/$O" busybox nc -l -p 7000 \
    -e sh -c "read -r x; echo \"\$x\" >'$T/o'; echo from-outside" >/dev/null 2>&1 3>&- &
  PIDS+=($!)
  wait_for eval "nsenter --net=/run/netns/$O ss -ltn | grep -q ':7000 '"
  run -0 in_h minc -r "$R" -n dens sh -c 'echo from-inside | nc 198.51.100.2 7000'
  assert_output from-outside
  wait
  assert_equal "$(cat "$T/o")" from-inside
  assert_equal "$(leftovers)" ""
}

@test "minc-net: --subnet: used; a bad one, an overlap with a host route: clear message" {
  run -0 in_h minc -r "$R" --subnet 172.30.5.0/24 -n dens ip -o -4 addr show eth0
  assert_output --regexp 'inet 172\.30\.5\.[0-9]+/24 '
  run -0 in_h env MINC_SUBNET=172.30.6.0/24 minc -r "$R" -n dens ip -o -4 addr show eth0
  assert_output --regexp 'inet 172\.30\.6\.[0-9]+/24 '
  run -125 in_h minc -r "$R" --subnet 10.1.2.3 -n dens true
  assert_output 'minc: --subnet 10.1.2.3: not an IPv4 CIDR from /8 to /30'
  ip -n "$H" link add mdum0 type veth peer name mdum1
  ip -n "$H" addr add 192.168.77.1/24 dev mdum0
  ip -n "$H" link set mdum0 up
  ip -n "$H" link set mdum1 up
  run -125 in_h minc -r "$R" --subnet 192.168.0.0/16 -n dens true
  assert_output 'minc: --subnet 192.168.0.0/16: overlaps a route of this host (dev mdum0)'
  assert_equal "$(leftovers)" ""
}

@test "minc-net: --subnet: no free address; another than the bridge's: clear message" {
  # Leases are machine-wide: a /30 of this run's own (one address).
  local sub=10.99.$(($$ % 256)).0/30
  start "$T/a" --subnet "$sub" -n dens -b "$T:/t" \
    sh -c 'while [ ! -e /t/go ]; do sleep 0.1; done'
  local a=$netid
  wait_for ip -n "$H" link show "$a"
  run -125 in_h minc -r "$R" --subnet "$sub" -n dens true
  assert_output "minc: --subnet $sub: no free address"
  run -125 in_h minc -r "$R" --subnet 172.30.0.0/24 -n dens true
  assert_output "minc: --subnet 172.30.0.0/24: the bridge mustela0 has $sub"
  touch "$T/go"
  wait
  assert_equal "$(leftovers "$a")" ""
}

@test "minc-net: 20 containers at once get 20 distinct addresses, and leave nothing" {
  local i ids=()
  for i in $(seq 20); do
    start "$T/out.$i" -n dens -b "$T:/t" sh -c \
      "ip -4 -o addr show eth0 >/t/addr.$i; while [ ! -e /t/go ]; do sleep 0.1; done"
    ids+=("$netid")
  done
  wait_for eval '[ "$(ls "$T" | grep -c "^addr\.")" = 20 ] && [ -z "$(find "$T" -name "addr.*" -empty)" ]'
  touch "$T/go"
  wait
  run -0 sh -c "cat '$T'/addr.* | grep -o 'inet [0-9.]*' | sort -u"
  assert_equal "${#lines[@]}" 20
  assert_equal "$(leftovers "${ids[@]}")" ""
}

@test "minc-net: SIGKILL of minc: the next run sweeps link, rule and lease" {
  start "$T/a" -p 8080:80 sleep 100
  local a=$netid
  wait_for eval "in_h nft list map ip mustela ports 2>/dev/null | grep -q 8080"
  kill -9 "${a#mustela-}"
  wait
  # What the killed run left: its link, rule and lease...
  run -0 leftovers "$a"
  assert_line --partial " $a"
  assert_line --partial "lease /run/mustela/net/"
  # ... go with the next run, and the bridge and NAT rules with it.
  run -0 in_h minc -r "$R" -n dens true
  assert_equal "$(leftovers "$a")" ""
}

@test "minc-net: SIGKILL of minc during set-up: the next run sweeps everything" {
  local i ids=()
  # Killed at 20, 50, ... 200 ms: before, during and after minc-net up
  # (which, finding its minc gone, undoes itself).
  for i in 0 1 2 3 4 5 6; do
    start "$T/a.$i" -p "808$i:80" sleep 100
    ids+=("$netid")
    sleep "0.$((i * 3 + 2))"
    kill -9 "${netid#mustela-}"
  done
  # Their minc-net up may still run (and undo itself): let them end.
  wait
  wait_for eval '! pgrep -f "minc-net up ($(IFS="|"; echo "${ids[*]}")) "'
  # And one surely after: its link, rule and lease stay for the sweep.
  start "$T/a.7" -p 8087:80 sleep 100
  ids+=("$netid")
  wait_for ip -n "$H" link show "$netid"
  kill -9 "${netid#mustela-}"
  wait
  run -0 leftovers "${ids[@]}"
  assert_line --partial " $netid"
  run -0 in_h minc -r "$R" true
  assert_equal "$(leftovers "${ids[@]}")" ""
}

@test "minc-net: minc-net sweep removes what a killed minc left, not a live one's" {
  start "$T/a" -p 8080:80 sleep 100
  local a=$netid
  wait_for eval "in_h nft list map ip mustela ports 2>/dev/null | grep -q 8080"
  start "$T/b" -p 8081:80 sleep 100
  local b=$netid
  wait_for eval "in_h nft list map ip mustela ports 2>/dev/null | grep -q 8081"
  kill -9 "${a#mustela-}"
  wait "${a#mustela-}" || :
  run -0 in_h "$NET" sweep
  assert_equal "$(leftovers "$a" | grep -v -e mustela0 -e "$b" -e 'table ip mustela' -e ip_forward)" ""
  run -0 in_h nft list map ip mustela ports
  refute_output --partial 8080
  assert_output --partial 8081
  run -0 ip -n "$H" link show "$b"
  kill -9 "${b#mustela-}"
  wait "${b#mustela-}" || :
  run -0 in_h "$NET" sweep
  assert_equal "$(leftovers "$a" "$b")" ""
}

@test "minc-net: without nft, iptables: forwards, NAT, and nothing left" {
  tools_but nft
  start "$T/a" -p 8080:80 sh -c 'echo pong | nc -l -p 80'
  local a=$netid
  wait_for listening "$a" 80
  run -0 in_h iptables-save -t nat
  assert_line "-A MUSTELA-PRE -p tcp -m tcp --dport 8080 -m comment --comment $a -j DNAT --to-destination $(addr_of "$a"):80"
  run -125 in_h minc -r "$R" -p 8080:81 true
  assert_output 'minc: -p 8080: port in use'
  run -0 in_h busybox nc 127.0.0.1 8080 </dev/null
  assert_output pong
  wait
  run -0 in_h iptables-save
  refute_output --partial MUSTELA
  assert_equal "$(leftovers "$a")" ""
}

@test "minc-net: no ip, no nft nor iptables: clear message, 125, nothing left" {
  tools_but nft iptables-restore
  run -125 in_h minc -r "$R" -n dens true
  assert_output 'minc: --net dens: nft: command not found (install nftables or iptables)'
  rm "$T/bin/ip"
  run -125 in_h minc -r "$R" -n raw true
  assert_output 'minc: ip: command not found (install it)'
  assert_equal "$(leftovers)" ""
}

@test "minc-net: a stale lease is taken over only after its network is down" {
  # Leases are machine-wide: a subnet of this run's own.
  local sub=10.98.$(($$ % 256)).0/24
  start "$T/a" --subnet "$sub" -n dens sleep 100
  local a=$netid
  wait_for ip -n "$H" link show "$a"
  local addr
  addr=$(addr_of "$a")
  kill -9 "${a#mustela-}"
  wait
  # minc-net up straight away (no minc-exec sweeping before it).
  run -0 in_h env MINC_NET=dens MINC_SUBNET="$sub" "$NET" up "mustela-$$" box
  run -0 grep -x "mustela-$$" "/run/mustela/net/$addr"
  run -0 nsenter --net="/run/netns/mustela-$$" ip -4 -o addr show eth0
  assert_output --partial "inet $addr/24 "
  run -0 in_h "$NET" down "mustela-$$"
  assert_equal "$(leftovers "$a" "mustela-$$")" ""
}

@test "minc-net: -B: the background container keeps its network until it ends" {
  run -0 in_h minc -r "$R" -B -t "$T/w" -b "$T:/t" -n dens sh -c \
    'while [ ! -e /t/go ]; do sleep 0.1; done; ip -4 -o addr show eth0'
  # minc has returned: a sweep (any later run) must spare the network.
  run -0 in_h minc -r "$R" -n true
  run -0 in_h "$NET" sweep
  touch "$T/go"
  wait_for test -s "$T/w/status"
  assert_equal "$(cat "$T/w/status")" 0
  run -0 cat "$T/w/stdout"
  assert_output --regexp 'inet 10\.88\.0\.[0-9]+/16 '
  wait_for eval '[ -z "$(leftovers)" ]'
}

@test "minc-net: -p HOSTPORT:PORT:udp forwards udp (host and containers)" {
  # busybox has no udp nc: python3 of the host's root, in the container too.
  cat >"$T/udp.py" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
if sys.argv[1] == "serve":
    s.bind(("0.0.0.0", int(sys.argv[2])))
    while True:
        d, a = s.recvfrom(100)
        s.sendto(b"pong " + d, a)
s.settimeout(5)
s.sendto(b"ping", (sys.argv[2], int(sys.argv[3])))
print(s.recvfrom(100)[0].decode())
PY
  local R=/
  start "$T/a" -b "$T:/t" -p 5353:53:udp python3 /t/udp.py serve 53
  local a=$netid
  wait_for eval "nsenter --net=/run/netns/$a ss -Hlun 'sport = :53' | grep -q 53"
  run -0 in_h python3 "$T/udp.py" send 127.0.0.1 5353
  assert_output 'pong ping'
  run -0 in_h minc -r / -b "$T:/t" -n dens python3 /t/udp.py send 10.88.0.1 5353
  assert_output 'pong ping'
}

@test "minc-net: its command line: -h, usage errors, a bad NETID, adopt checks" {
  run -0 "$NET" -h
  assert_output 'minc-net: usage: minc-net up NETID NAME | adopt NETID PID | down NETID | sweep'
  run -125 "$NET" up mustela-1
  assert_output 'minc-net: usage: minc-net up NETID NAME | adopt NETID PID | down NETID | sweep'
  run -125 "$NET" down box
  assert_output 'minc: minc-net: not a NETID (mustela-PID): box'
  run -125 "$NET" adopt "mustela-$$" 0x1
  assert_output 'minc: minc-net: not a PID: 0x1'
  run -125 "$NET" adopt "mustela-$$" "$$"
  assert_output "minc: minc-net: adopt mustela-$$: no such NETID"
}

@test "minc-net: SIGKILL of minc -n raw,IF: the sweep gives IF back" {
  ip -n "$H" link add mraw0 type veth peer name mraw1
  start "$T/a" -n raw,mraw0 sleep 100
  local a=$netid
  wait_for eval "nsenter --net=/run/netns/$a ip link show mraw0 >/dev/null 2>&1"
  run ! ip -n "$H" link show mraw0
  kill -9 "${a#mustela-}"
  wait
  run -0 in_h minc -r "$R" true
  run -0 ip -n "$H" -o link show mraw0
  assert_output --partial 'mraw0@mraw1'
  assert_equal "$(leftovers "$a")" ""
}

@test "minc-net: --explain -n dens -p changes nothing; pasted, it serves the port and leaves nothing" {
  before=$(in_h ip -o link show; in_h nft list ruleset; ls /run/mustela/net; ip netns list | grep mustela || :)
  run -0 in_h minc --explain -r "$R" -n dens -p 8080:80 sh -c 'httpd -p 80 -h /etc; echo ready; sleep 3'
  assert_equal "$(in_h ip -o link show; in_h nft list ruleset; ls /run/mustela/net; ip netns list | grep mustela || :)" "$before"
  assert_line --index 0 --partial 'minc-net up "mustela-$$" minc'
  assert_line --partial 'minc-net down "mustela-$$"'
  # nsenter executes into sh: $! is the pasting shell, $$ in the chain
  nsenter --net="/run/netns/$H" sh -c "$output" >"$T/out" 2>&1 &
  pid=$!
  PIDS+=("$pid")
  wait_for grep -q ready "$T/out"
  run -0 in_h wget -q -O - http://127.0.0.1:8080/hostname
  assert_output minc
  # the container ends; the pasted chain takes its network down
  wait "$pid"
  assert_equal "$(leftovers "mustela-$pid")" ""
}

@test "minc-net: -n raw names its namespace on stderr; --net-hook wires it before the container starts" {
  printf '#!/bin/sh\nip -n "$1" link add m7 type veth peer name m8 && ip -n "$1" addr add 10.9.9.9/32 dev m7 && ip -n "$1" link set m7 up\n' >"$T/hook"
  printf '#!/bin/sh\nexit 3\n' >"$T/bad"
  chmod +x "$T/hook" "$T/bad"
  run -0 --separate-stderr in_h minc -r "$R" -n raw --net-hook "$T/hook" ip -o -4 addr show dev m7
  assert_output --partial 'inet 10.9.9.9/32'
  [[ "$stderr" =~ ^minc:\ network\ namespace\ mustela-[0-9]+$ ]]
  id=${stderr#minc: network namespace }
  assert_equal "$(leftovers "$id")" ""
  run -125 --separate-stderr in_h minc -r "$R" -n raw --net-hook "$T/bad" echo started
  [ -z "$output" ]
  [[ "$stderr" == *$'\n'"minc: --net-hook $T/bad: failed with status 3 (nothing started)" ]]
  id=${stderr%%$'\n'*} id=${id#minc: network namespace }
  assert_equal "$(leftovers "$id")" ""
  run -125 minc -r "$R" --net-hook "$T/hook" true
  assert_output 'minc: --net-hook: only with --net raw or dens'
}
