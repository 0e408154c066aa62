# minc-lib.sh - functions shared by the mustela backends (sourced, no effects)
# shellcheck shell=sh
# The variables set here (NL, helpers, share, ...) are read by the scripts
# that source this file:
# shellcheck disable=SC2034

# The MINC_* contract between the frontend (bin/minc) and its backend, in
# one place: every variable minc sets from its flags. minc_contract makes
# them all (empty, exported); scrub_env removes them before the user's
# program runs. The second block is what mustela-oci translates a
# config.json into (no flag of minc sets them yet): MINC_NAMESPACES
# ns-enter's namespace words (one a line) instead of the default set,
# MINC_PIDFILE ns-enter --pidfile, MINC_DETACH no supervisor (ns-enter
# --detach when it has it, no --kill-with-parent), MINC_MOUNTS and
# MINC_MASKS pivot's words (one a line) instead of minc's /proc /sys /dev
# and /etc binds and Docker's masks, MINC_CAPS the kept capabilities
# (cap-drop's words, one a line) instead of Docker's set, MINC_GROUPS the
# supplementary groups as given, MINC_NONEWPRIVS no_new_privs for root
# too, MINC_CPU_PERIOD MINC_CPUSET MINC_CPUSET_MEMS more limits,
# MINC_CGROUP_NAME a cgroup always, of that name, kept after the chain,
# MINC_DEVICE_RULES cg-attach --devices's rules as given, MINC_GATE a
# FIFO the container waits on before its program, MINC_CONSOLE its
# terminal, sent over an engine's console socket (both 65-gate).
MINC_VARS="MINC_DEBUG MINC_EXPLAIN MINC_KEEP MINC_TMPDIR MINC_DIRECT
MINC_ROOTDIR MINC_BINDS MINC_BACKGROUND MINC_X11 MINC_CPUMASK MINC_UTSNAME
MINC_USER MINC_USEDEV MINC_DEBUGFS MINC_NOCAPS MINC_CAPADD MINC_PRIVILEGED
MINC_SECCOMP MINC_READONLY MINC_INIT MINC_ENVS MINC_WORKDIR MINC_MEM_LIMIT
MINC_MEM_SWAP MINC_CPU_SHARES MINC_CPU_QUOTA MINC_CPUS MINC_PID_MAX MINC_NET
MINC_PORTS MINC_SUBNET MINC_CGROUP_PARENT MINC_NET_HOOK MINC_NOPRIV MINC_DEVICES MINC_ARCH
MINC_NAMESPACES MINC_PIDFILE MINC_DETACH MINC_MOUNTS MINC_MASKS MINC_CAPS
MINC_GROUPS MINC_NONEWPRIVS MINC_CPU_PERIOD MINC_CPUSET MINC_CPUSET_MEMS
MINC_CGROUP_NAME MINC_DEVICE_RULES MINC_GATE MINC_CONSOLE MINC_CGROUP_OPTS"

# A newline, for splitting lists that may hold spaces; a tab.
NL='
'
TAB='	'

minc_contract() { # every MINC_* of the contract exported, empty
  for v in $MINC_VARS; do
    export "$v="
  done
}

scrub_env() { # unset every MINC_* contract variable
  for v in $MINC_VARS; do
    unset "$v"
  done
}

die() { # MESSAGE: print "PROG: MESSAGE" on stderr and exit 125
  printf '%s: %s\n' "${MINC_PROG:-minc}" "$*" >&2
  exit 125
}

warn() { # MESSAGE
  printf '%s: warning: %s\n' "${MINC_PROG:-minc}" "$*" >&2
}

need() { # COMMAND: die unless COMMAND is on PATH
  command -v "$1" >/dev/null 2>&1 || die "$1: command not found (install it)"
}

replace() { # STRING FROM TO: set replaced to STRING with each FROM as TO
  # (builtins only: no tr, no sed process)
  replaced='' rest=$1
  while :; do
    case "$rest" in
      *"$2"*) replaced=$replaced${rest%%"$2"*}$3 rest=${rest#*"$2"} ;;
      *) replaced=$replaced$rest; return 0 ;;
    esac
  done
}

hosts_text() { # NAME ADDRESS: set hosts to an /etc/hosts naming NAME
  hosts="127.0.0.1${TAB}localhost$NL::1${TAB}localhost ip6-localhost ip6-loopback$NL$2$TAB$1$NL"
}

quote() { # WORD: print WORD quoted for sh, so a printed chain can be pasted
  case "$1" in
    "" | *[!A-Za-z0-9_./:=,+@%^-]*) ;;
    *) printf '%s' "$1"; return ;;
  esac
  # shellcheck disable=SC2016 # the literal words $$ and $holder
  case "$1" in
    # the pasting shell's pid (see self in minc-exec), the pid of -n
    # slirp's holder (12-slirp): in double quotes
    *'$$'* | *'$holder'*)
      case "$1" in
        *[!A-Za-z0-9_./:=,+@%^\$-]*) ;;
        *) printf '"%s"' "$1"; return ;;
      esac ;;
  esac
  # each ' becomes '\'' inside '...'
  replace "$1" "'" "'\\''"
  printf "'%s'" "$replaced"
}

mustela_store() { # UID: set store, the image store: MUSTELA_DIR, else
  # root's /var/lib/mustela, else the user's own, as podman's
  # ($XDG_DATA_HOME/mustela, ~/.local/share/mustela)
  if [ -n "${MUSTELA_DIR-}" ]; then
    store=$MUSTELA_DIR
  elif [ "$1" = 0 ]; then
    store=/var/lib/mustela
  else
    case "${XDG_DATA_HOME-}" in
      /*) store=$XDG_DATA_HOME/mustela ;;
      *) store=${HOME:-/nonexistent}/.local/share/mustela ;;
    esac
  fi
}

mustela_paths() { # set libexec, helpers and share: where the tree is
  # MUSTELA_LIBEXEC: set by the frontend (its one line that make install
  # rewrites); the checkout's layout is helpers/ and share/ beside libexec/.
  libexec=${MUSTELA_LIBEXEC:-${0%/*}}
  # absolute, so that a printed chain runs from anywhere
  case "$libexec" in /*) ;; *) libexec=$PWD/$libexec ;; esac
  top=${libexec%/libexec/mustela}
  case "$top" in */bin/..) top=${top%/bin/..} libexec=$top/libexec/mustela ;; esac
  helpers=$top/helpers share=$top/share
}
