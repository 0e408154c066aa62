# rootless.bash - real users for the rootless tests (load 'lib/rootless')
# shellcheck shell=bash
#
# A user made with useradd, with a range in /etc/subuid and /etc/subgid
# (useradd gives one where /etc/login.defs says so; else 300000:65536),
# and commands run as a user for real: runuser, a clean environment.

rootless_user_add() { # NAME: make the user, its home and its ranges
  useradd -m "$1"
  grep -q "^$1:" /etc/subuid || echo "$1:300000:65536" >>/etc/subuid
  grep -q "^$1:" /etc/subgid || echo "$1:300000:65536" >>/etc/subgid
}

rootless_user_del() { # NAME: end its processes; remove it, its home, its
  # ranges and minc's state directory for it in /tmp
  local u
  u=$(id -u "$1" 2>/dev/null) || return 0
  pkill -KILL -u "$1" 2>/dev/null || :
  userdel -r "$1" 2>/dev/null || :
  sed -i "/^$1:/d" /etc/subuid /etc/subgid
  rm -rf "/tmp/mustela-$u"
}

# as USER, with a clean environment (no root's XDG_RUNTIME_DIR); HOME is
# $AS_HOME (default /), and each of AS_ENV's words is one more VAR=VALUE
as() { # USER COMMAND...
  local u=$1
  shift
  # shellcheck disable=SC2086 # AS_ENV: words
  runuser -u "$u" -- env -i PATH="$PATH" HOME="${AS_HOME:-/}" ${AS_ENV:-} "$@"
}

user_procs_gone() { # USER: wait until USER has no process left (a bound of
  # 30 s for what a killed run's children finish, not a time goal)
  local _
  for _ in $(seq 600); do
    pgrep -u "$1" >/dev/null || return 0
    sleep 0.05
  done
}
