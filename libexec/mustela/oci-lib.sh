# oci-lib.sh - mustela-oci's state directory, errors, signals and status
# shellcheck shell=sh
# Globals are shared with bin/mustela-oci and oci-create:
# shellcheck disable=SC2034,SC2154
#
# A library, sourced by bin/mustela-oci (no effects when sourced). Reads
# the global options' variables: oci_root (--root), oci_log (--log),
# oci_log_format (--log-format).
#
# The state of a container is a directory, $oci_root/ID (the lock of its
# creation is the mkdir itself):
#   bundle      the bundle's absolute path
#   config      oci-config's lines of its config.json (hooks, cgroup)
#   hooks       the hook lines of config, when there are any
#   created     the creation time, RFC 3339
#   pid         "PID START": the container's pid 1 on the host and its
#               start time (field 22 of /proc/PID/stat), so that a reused
#               pid is not taken for the container
#   cgroup      cg-attach's --parent and --name, one a line
#   exec.fifo   the FIFO its first process waits on until start
#               (present, and no started: status created)
#   started     (empty) start wrote the byte
#   ready       the FIFO create reads: the chain's stderr until the gate,
#               then start-gate's ready line (the creation time)
#   creating    the pid of the create that makes it
#   made        (empty) create is done: the directory is no killed
#               create's leftover
# status: created while the process waits at the gate, running after start
# while its pid lives, paused while frozen, stopped after.

oci_version=0.1
# the record separator: a newline inside an argument, from oci-config
# (the byte itself, 0x1e: no process made to print it)
RS=''
oci_spec=1.0.2

oci_log_line() { # LEVEL MESSAGE: add MESSAGE to the --log file
  [ -n "$oci_log" ] || return 0
  t=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
  if [ "$oci_log_format" = json ]; then
    json_string "$2"
    printf '{"level":"%s","msg":%s,"time":"%s"}\n' "$1" "$json" "$t" \
      >>"$oci_log" 2>/dev/null || :
  else
    printf '%s %s: %s\n' "$t" "$1" "$2" >>"$oci_log" 2>/dev/null || :
  fi
}

# minc-lib.sh's die and warn, with the --log file: a unit's error is the
# runtime's (the shims read the log back).
die() { # MESSAGE: print "mustela-oci: MESSAGE" on stderr, log it, exit 125
  printf 'mustela-oci: %s\n' "$*" >&2
  oci_log_line error "$*"
  exit 125
}

warn() { # MESSAGE
  printf 'mustela-oci: warning: %s\n' "$*" >&2
  oci_log_line warning "$*"
}

json_string() { # TEXT: set json to TEXT as a JSON string (builtins only)
  # shellcheck disable=SC1003 # a backslash, then two
  replace "$1" '\' '\\'
  replace "$replaced" '"' '\"'
  replace "$replaced" "$TAB" '\t'
  replace "$replaced" "$NL" '\n'
  json=\"$replaced\"
}

check_id() { # ID: die unless ID is a container ID (runc's: [A-Za-z0-9_+.-])
  case "$1" in
    '' | . | .. | *[!A-Za-z0-9_+.-]*) die "invalid container ID: '$1'" ;;
  esac
  [ "${#1}" -le 1024 ] || die "invalid container ID: too long"
}

state_dir() { # ID: set dir to the container's state directory; die if none
  check_id "$1"
  oci_dir=$oci_root/$1
  [ -d "$oci_dir" ] || die "container $1 does not exist"
}

start_time() { # PID: set started to field 22 of /proc/PID/stat, state to
  # field 3; return 1 if PID is gone
  started='' state=''
  line=''
  { read -r line </proc/"$1"/stat; } 2>/dev/null || return 1
  # after the last ')': the command name may hold spaces and parentheses
  rest=${line##*) }
  # shellcheck disable=SC2086 # fields separated by blanks
  set -- $rest
  state=$1
  # field 22 is the 20th after the name
  shift 19
  started=$1
}

status_of() { # ID: set status, pid (0 when stopped) for container ID
  # (dir set by state_dir)
  status=stopped pid=0
  if [ ! -e "$oci_dir/pid" ]; then
    status=creating
    return 0
  fi
  read -r p s <"$oci_dir/pid" || return 0
  start_time "$p" || return 0
  [ "$started" = "$s" ] || return 0
  case "$state" in Z | X) return 0 ;; esac
  pid=$p status=running
  if [ -e "$oci_dir/exec.fifo" ] && [ ! -e "$oci_dir/started" ]; then
    status=created
  elif frozen; then
    status=paused
  fi
}

cgroup_dirs() { # PID: set cgroups to PID's cgroup directories, one a line
  # (each v1 hierarchy's and the v2 one's, from /proc/PID/cgroup and the
  # mount table: one pass over the mount table, the first mount of each
  # hierarchy taken; the shell reads a byte a call)
  cgroups='' left_lines=''
  while IFS= read -r l; do left_lines=$left_lines$l$NL; done <"/proc/$1/cgroup"
  while read -r _ _ _ mroot mnt rest; do
    [ -n "$left_lines" ] || break
    opts=${rest##* } fs=${rest#* - } fs=${fs%% *}
    case "$fs" in cgroup | cgroup2) ;; *) continue ;; esac
    todo=$left_lines left_lines=''
    while [ -n "$todo" ]; do
      l=${todo%%"$NL"*} todo=${todo#*"$NL"}
      hid=${l%%:*} path=${l#*:} ctrls=${path%%:*} path=${path#*:}
      case "$hid:$fs" in
        0:cgroup2) match=1 ;;
        0:* | *:cgroup2) match='' ;;
        *)
          match=1 left=$ctrls,
          while [ -n "$left" ]; do
            case ",$opts," in *",${left%%,*},"*) left=${left#*,} ;; *) match=''; break ;; esac
          done ;;
      esac
      if [ -n "$match" ]; then
        case "$mroot" in
          /) cgroups=$cgroups$mnt$path$NL; continue ;;
          *) case "$path" in "$mroot" | "$mroot"/*) cgroups=$cgroups$mnt${path#"$mroot"}$NL; continue ;; esac ;;
        esac
      fi
      left_lines=$left_lines$l$NL
    done
  done </proc/self/mountinfo
}

frozen() { # is the container's cgroup frozen? (dir: its state)
  [ -e "$oci_dir/cgroups" ] || return 1
  while IFS= read -r c; do
    if [ -e "$c/freezer.state" ]; then
      read -r f <"$c/freezer.state"
      [ "$f" != THAWED ] && return 0
    elif [ -e "$c/cgroup.freeze" ]; then
      read -r f <"$c/cgroup.freeze"
      [ "$f" = 1 ] && return 0
    fi
  done <"$oci_dir/cgroups"
  return 1
}

container_pids() { # set pids to every process in the container's cgroup
  # (the first hierarchy that lists them), one a line
  pids=''
  [ -e "$oci_dir/cgroups" ] || return 0
  while IFS= read -r c; do
    [ -r "$c/cgroup.procs" ] || continue
    while read -r p; do pids=$pids$p$NL; done <"$c/cgroup.procs"
    [ -z "$pids" ] || return 0
  done <"$oci_dir/cgroups"
}

# Linux's signal numbers (x86, arm, most others; signal(7))
oci_signals='HUP 1 INT 2 QUIT 3 ILL 4 TRAP 5 ABRT 6 IOT 6 BUS 7 FPE 8 KILL 9
USR1 10 SEGV 11 USR2 12 PIPE 13 ALRM 14 TERM 15 STKFLT 16 CHLD 17 CONT 18
STOP 19 TSTP 20 TTIN 21 TTOU 22 URG 23 XCPU 24 XFSZ 25 VTALRM 26 PROF 27
WINCH 28 IO 29 POLL 29 PWR 30 SYS 31 RTMIN 34 RTMAX 64'

signal_number() { # SIGNAL: set sig to SIGNAL's number, from a name (with
  # or without SIG, any case; RTMIN+N, RTMAX-N) or a number
  case "$1" in
    '' | *[!A-Za-z0-9+-]*) die "unknown signal: $1" ;;
    *[!0-9]*)
      caps_norm "$1"
      n=${norm#sig} off=0
      case "$n" in
        rtmin+[0-9]* | rtmax-[0-9]*)
          off=${n#rtm??[+-]} n=${n%%[+-]*}
          case "$off" in *[!0-9]*) die "unknown signal: $1" ;; esac ;;
      esac
      sig=''
      # shellcheck disable=SC2086 # NAME NUMBER pairs
      set -- "$1" $oci_signals
      name=$1
      shift
      while [ "$#" -ge 2 ]; do
        caps_norm "$1"
        [ "$norm" != "$n" ] || { sig=$2; break; }
        shift 2
      done
      [ -n "$sig" ] || die "unknown signal: $name"
      case "$n" in
        rtmin) sig=$((sig + off)) ;;
        rtmax) sig=$((sig - off)) ;;
      esac ;;
    *) sig=$1 ;;
  esac
  if [ "$sig" -lt 1 ] || [ "$sig" -gt 64 ]; then die "unknown signal: $1"; fi
}

send_signal() { # NUMBER PID: send signal NUMBER to PID
  kill -"$1" "$2"
}

state_json() { # ID: print the runtime-spec state of container ID
  state_of "$1"
  printf '%s\n' "$st"
}

state_of() { # ID: set st to the runtime-spec state of container ID (one
  # line, builtins only)
  status_of "$1"
  read -r bundle <"$oci_dir/bundle" || bundle=''
  created=''
  [ ! -e "$oci_dir/created" ] || read -r created <"$oci_dir/created"
  annotations={}
  [ ! -e "$oci_dir/annotations" ] || read -r annotations <"$oci_dir/annotations"
  rootfs=''
  if [ -e "$oci_dir/rootfs" ] && read -r r <"$oci_dir/rootfs"; then
    json_string "$r"
    rootfs=$json
  fi
  json_string "$bundle"
  [ "$status" != creating ] || status=stopped
  st="{\"ociVersion\":\"$oci_spec\",\"id\":\"$1\",\"status\":\"$status\",\"pid\":$pid,\"bundle\":$json,\"rootfs\":$rootfs,\"created\":\"$created\",\"owner\":\"\",\"annotations\":$annotations}"
}

run_hooks() { # KIND STATE [PID]: run the config's KIND hooks in order, the
  # state JSON on their stdin; with PID, in PID's namespaces (nsenter);
  # die when one fails or outlives its timeout
  [ -e "$oci_dir/hooks" ] || return 0
  while IFS= read -r line; do
    case "$line" in "hook $1$TAB"*) ;; *) continue ;; esac
    line=${line#hook "$1$TAB"}
    timeout=${line%%"$TAB"*} line=${line#*"$TAB"}
    path=${line%%"$TAB"*} line=${line#*"$TAB"}
    args=${line%%"$TAB"*} envs=${line#*"$TAB"}
    hook_status=0
    hook_run "$1" "$2" "${3-}" "$timeout" "$path" "$args" "$envs" || hook_status=$?
    [ "$hook_status" -ne 124 ] || [ "$timeout" -le 0 ] ||
      die "$1 hook $path: still running after its timeout of $timeout s (killed)"
    [ "$hook_status" -eq 0 ] || die "$1 hook $path: failed with status $hook_status"
  done <"$oci_dir/hooks"
}

hook_run() { # KIND STATE PID TIMEOUT PATH ARGS ENV: one hook (ARGS and
  # ENV: unit-separated, ARGS[0] its argv[0], shown by nothing here)
  us=$(printf '\037')
  set -f
  old_ifs=$IFS IFS=$us
  # shellcheck disable=SC2086 # split on the unit separator
  set -- "$1" "$2" "$3" "$4" "$5" $7 -- $6
  IFS=$old_ifs
  set +f
  kind=$1 json=$2 target=$3 timeout=$4 path=$5
  shift 5
  envs=''
  while [ "$1" != -- ]; do envs=$envs$1$NL; shift; done
  shift
  # argv[0] is the path (sh cannot set another)
  [ "$#" -eq 0 ] || shift
  old_ifs=$IFS IFS=$NL
  set -f
  # shellcheck disable=SC2086 # one variable a line
  set -- env -i $envs "$path" "$@"
  set +f
  IFS=$old_ifs
  [ -z "$target" ] || set -- nsenter --target "$target" --mount --uts --ipc --net --pid --root --wd -- "$@"
  # past its timeout: TERM, then KILL a second later; status 124
  [ "$timeout" -le 0 ] 2>/dev/null || set -- timeout -k 1 "$timeout" "$@"
  oci_log_line debug "$kind hook: $path"
  printf '%s\n' "$json" | "$@" >&2
}
