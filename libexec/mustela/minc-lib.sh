# minc-lib.sh - functions shared by the mustela backends (sourced, no effects)
# shellcheck shell=sh
# The variables set here (NL, helpers, share, ...) are read by the scripts
# that source this file:
# shellcheck disable=SC2034

# The MINC_* contract between bin/minc and the backends, in one place: every
# variable the frontend sets. scrub_env removes them all before the user's
# program runs.
MINC_VARS="MINC_DEBUG MINC_EXPLAIN MINC_KEEP MINC_TMPDIR MINC_DIRECT
MINC_ROOTDIR MINC_BINDS MINC_BACKGROUND MINC_X11 MINC_CPUMASK MINC_UTSNAME
MINC_USER MINC_USEDEV MINC_DEBUGFS MINC_NOCAPS MINC_CAPADD MINC_PRIVILEGED
MINC_SECCOMP MINC_READONLY MINC_INIT MINC_ENVS MINC_WORKDIR MINC_MEM_LIMIT
MINC_MEM_SWAP MINC_CPU_SHARES MINC_CPU_QUOTA MINC_CPUS MINC_PID_MAX MINC_NET
MINC_PORTS MINC_SUBNET MINC_CGROUP_PARENT"

# A newline, for splitting lists that may hold spaces.
NL='
'

die() { # MESSAGE: print "minc: MESSAGE" on stderr and exit 125
  printf '%s: %s\n' "${MINC_PROG:-minc}" "$*" >&2
  exit 125
}

warn() { # MESSAGE
  printf '%s: warning: %s\n' "${MINC_PROG:-minc}" "$*" >&2
}

need() { # COMMAND: die unless COMMAND is on PATH
  command -v "$1" >/dev/null 2>&1 || die "$1: command not found (install it)"
}

scrub_env() { # unset every MINC_* contract variable
  for v in $MINC_VARS; do
    unset "$v"
  done
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

quote() { # WORD: print WORD quoted for sh, so a printed chain can be pasted
  case "$1" in
    "" | *[!A-Za-z0-9_./:=,+@%^-]*) ;;
    *) printf '%s' "$1"; return ;;
  esac
  # each ' becomes '\'' inside '...'
  replace "$1" "'" "'\\''"
  printf "'%s'" "$replaced"
}

# Where things are, relative to this library: the checkout layout
# (helpers/, share/) or the installed one (bin/, share/mustela/).
mustela_paths() {
  # MUSTELA_LIBEXEC: set by a frontend that sources its backend
  libexec=${MUSTELA_LIBEXEC:-${0%/*}}
  top=${libexec%/libexec/mustela}
  case "$top" in
    "$libexec") top=$libexec/../.. ;;
  esac
  if [ -x "$top/helpers/ns-enter" ]; then
    helpers=$top/helpers share=$top/share
  else
    helpers=$top/bin share=$top/share/mustela
  fi
}
