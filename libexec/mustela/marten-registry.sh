# marten-registry.sh - the registry HTTP API v2 client (sourced by
# marten-pull and marten-push, after marten-lib.sh)
# shellcheck shell=sh
# Sourced: it sets variables its callers read (SC2034) and reads work,
# which marten-lib.sh sets (SC2154).
# shellcheck disable=SC2034,SC2154
#
# One curl per request. Credentials never reach curl's argv: they go in a
# curl config file (mode 600, in the scratch directory). A 401 answer is
# met once: "Basic" sends MARTEN_CREDS, "Bearer" fetches a token from the
# realm the registry names (with MARTEN_CREDS if given, else anonymously)
# for the scope it names. Plain http, as Docker, only for a registry (or
# token realm) on this machine's loopback (127.0.0.0/8, [::1], localhost,
# each with or without a port) or named in MUSTELA_INSECURE_REGISTRIES
# (comma or space separated).
# Reads MARTEN_CREDS, MUSTELA_INSECURE_REGISTRIES; needs work (scratch).

MANIFEST_TYPES='application/vnd.oci.image.index.v1+json,
 application/vnd.oci.image.manifest.v1+json,
 application/vnd.docker.distribution.manifest.list.v2+json,
 application/vnd.docker.distribution.manifest.v2+json'

insecure() { # HOST[:PORT]: may we speak plain http to it? Docker's rule:
  # this machine's loopback always, any other host only when named
  ! loopback "$1" || return 0
  for r in $(printf '%s' "${MUSTELA_INSECURE_REGISTRIES:-}" | tr ',' ' '); do
    [ "$r" != "$1" ] || return 0
  done
  return 1
}

loopback() { # HOST[:PORT]: localhost, [::1] or 127.0.0.0/8?
  case "$1" in
    *:) return 1 ;;
    \[*\]:*) h=${1%:*} port=${1##*:} ;;
    \[*) h=$1 port='' ;;
    *:*) h=${1%%:*} port=${1#*:} ;;
    *) h=$1 port='' ;;
  esac
  case "$port" in *[!0-9]*) return 1 ;; esac
  case "$h" in
    localhost | '[::1]') return 0 ;;
    127.*.*.*) ;;
    *) return 1 ;;
  esac
  # 127.A.B.C with decimal parts up to 255, no leading zeros: an address,
  # never a name a resolver would look up
  rest=${h#127.}.
  for _ in 1 2 3; do
    p=${rest%%.*} rest=${rest#*.}
    case "$p" in '' | *[!0-9]* | 0?* | ????*) return 1 ;; esac
    [ "$p" -le 255 ] || return 1
  done
  [ -z "$rest" ]
}

cfg_quote() { # STRING: STRING quoted for a curl config file
  printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

reg_init() { # REGISTRY: set reg_url and the registry's auth state
  reg_name=$1 reg_auth='' host=$1
  [ "$host" != docker.io ] || host=registry-1.docker.io
  if insecure "$1"; then
    reg_url=http://$host
  else
    reg_url=https://$host
  fi
  reg_cfg=$work/curl.cfg
  (umask 077 && : >"$reg_cfg")
}

header() { # NAME: the value of header NAME in the last response
  tr -d '\r' <"$work/headers" | sed -n "s/^$1: *//Ip" | tail -n 1
}

reg_curl() { # METHOD URL OUT [CURL-ARGS...]: one request; set reg_status
  # and reg_type; the response headers go to $work/headers
  m=$1 u=$2 o=$3
  shift 3
  case "$u" in http://*) protos='=http,https' ;; *) protos='=https' ;; esac
  case "$m" in
    HEAD) set -- -I -L "$@" ;;
    GET) set -- -L "$@" ;;
    *) set -- -X "$m" "$@" ;;
  esac
  set -- "${reg_progress:--sS}" -g --proto "$protos" --proto-redir "$protos" \
    -K "$reg_cfg" -D "$work/headers" -o "$o" \
    -w '%{http_code} %{content_type}' "$@" "$u"
  reg_out=$(curl "$@") || die "$reg_name: request failed: $m $u"
  reg_status=${reg_out%% *} reg_type=${reg_out#* }
  reg_type=${reg_type%%;*}
}

reg_req() { # METHOD URL OUT [CURL-ARGS...]: reg_curl, answering a 401
  reg_curl "$@"
  [ "$reg_status" = 401 ] || return 0
  reg_login
  reg_curl "$@"
  [ "$reg_status" != 401 ] || die "$reg_name: authentication failed"
}

reg_login() { # answer the challenge in $work/headers
  ch=$(header WWW-Authenticate)
  case "$ch" in
    [Bb]asic*)
      [ -n "${MARTEN_CREDS:-}" ] ||
        die "$reg_name: authentication required (marten ${MARTEN_CMD:-pull} --creds USER:PASS)"
      [ "$reg_auth" != basic ] || die "$reg_name: authentication failed"
      reg_auth=basic
      printf 'user = %s\n' "$(cfg_quote "$MARTEN_CREDS")" >"$reg_cfg" ;;
    [Bb]earer*) reg_token ;;
    *) die "$reg_name: unsupported authentication: ${ch:-none}" ;;
  esac
}

challenge() { # PARAM: a parameter of the challenge ch
  printf '%s\n' "$ch" | sed -n "s/.*[, ]$1=\"\([^\"]*\)\".*/\1/p"
}

reg_token() { # get a Bearer token as the challenge ch says
  realm=$(challenge realm) service=$(challenge service) scope=$(challenge scope)
  case "$realm" in
    https://*) ;;
    http://*)
      h=${realm#http://} h=${h%%/*}
      insecure "$h" || die "$reg_name: token realm $realm is not https" ;;
    *) die "$reg_name: bad token realm: ${realm:-none}" ;;
  esac
  tcfg=$work/token.cfg
  (umask 077 && : >"$tcfg")
  [ -z "${MARTEN_CREDS:-}" ] ||
    printf 'user = %s\n' "$(cfg_quote "$MARTEN_CREDS")" >"$tcfg"
  set -- -sS -g -G --proto =http,https -K "$tcfg" -o "$work/token.json" \
    -w '%{http_code}'
  [ -z "$service" ] || set -- "$@" --data-urlencode "service=$service"
  [ -z "$scope" ] || set -- "$@" --data-urlencode "scope=$scope"
  code=$(curl "$@" "$realm") || die "$reg_name: token request failed: $realm"
  case "$code" in
    200) ;;
    401 | 403) die "$reg_name: token refused by $realm (HTTP $code)" ;;
    *) die "$reg_name: token request failed: $realm (HTTP $code)" ;;
  esac
  token=$(jq -r '.token // .access_token // empty' "$work/token.json" 2>/dev/null) ||
    token=''
  case "$token" in
    '' | *[!A-Za-z0-9._~+/=-]*) die "$reg_name: no token from $realm" ;;
  esac
  reg_auth=bearer
  printf 'header = %s\n' "$(cfg_quote "Authorization: Bearer $token")" >"$reg_cfg"
}

reg_fail() { # BODY WHAT: die with the status and what the registry said
  msg=$(jq -r '.errors[0].message // empty' "$1" 2>/dev/null) || msg=''
  die "$reg_name: $2: HTTP $reg_status${msg:+ ($msg)}"
}
