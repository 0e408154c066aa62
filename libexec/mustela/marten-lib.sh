# marten-lib.sh - the image store, shared by the marten backends (sourced)
# shellcheck shell=sh
#
# The store, under ${MUSTELA_DIR:-/var/lib/mustela} (a user's: under
# ${XDG_DATA_HOME:-~/.local/share}/mustela, see "A user's store" below):
#   blobs/sha256/HEX   content-addressed blobs, HEX = sha256 of the file:
#                      manifests, configs and layers as distributed (gzip,
#                      zstd or plain tar); each verified before it is kept
#   layers/HEX/        one unpacked layer per diff_id (the sha256 of the
#                      uncompressed tar): an overlay lower directory, with
#                      whiteouts as 0/0 character devices and opaque
#                      directories marked trusted.overlay.opaque=y. Layers
#                      are stacked, never extracted into one shared tree.
#   images/ID/         one image; ID = sha256 of its config (docker's rule)
#     manifest.json    its manifest (OCI or Docker v2 schema 2): the bytes
#                      a registry knows it by
#     config.json      its config (the blob ID)
#     layers           the diff_ids of its layers, topmost first
#     run              what marten-resolve prints after lower/config: env,
#                      workdir, user and arg lines, or one "refuse" line
#   names              "NAME ID" lines; NAME is REPOSITORY:TAG or
#                      REPOSITORY@DIGEST
#   containers/ID/     a kept container, made by minc: image (the image
#                      ID), root/ storage/ (the overlay upper) work/, and
#                      name (set by marten rename). While minc -B runs it:
#                      pid (the host pid of its pid 1) and confine ("KEY
#                      VALUE" lines: caps LIST, user UID:GID, groups LIST,
#                      nnp 1, seccomp PATH|unconfined), what marten exec
#                      gives a process it starts in it; status once it
#                      ended
#   empty/             the lower layer of an image without layers
#   tmp/PID.*          work in progress, swept once PID is gone
#   lock, names.lock   flock(1) locks: adding takes lock shared, removing
#                      (rmi, gc) exclusive; names.lock serialises names
#
# A user's store (rootless, as podman's): the layers are unpacked, and
# packed again (commit, export), inside a user namespace with minc's maps
# (05-user: the user's id is 0, its /etc/subuid range 1..N; else the user
# alone), so that a file the image gives to uid 1000 is owned on the host
# by the range's 1000th id; an owner outside the map is refused, naming the
# file and the id. Removing such files (rmi, gc, rm, a killed run's
# leftovers) goes through that namespace too: the user cannot outside it.
#
# Functions here read MUSTELA_DIR, MUSTELA_REGISTRY and MINC_DEBUG (a
# user's store: XDG_DATA_HOME, HOME; /etc/subuid, /etc/subgid), and set the
# globals they name. Failures exit 1 (die_status), but marten exec's.

MINC_PROG=marten
# shellcheck source=SCRIPTDIR/minc-lib.sh
. "${0%/*}/minc-lib.sh"
# the user namespace minc makes for a user (functions only)
# shellcheck source=SCRIPTDIR/minc/05-user
. "${0%/*}/minc/05-user"
mustela_paths
user_ids
user_words=''
[ -z "$rootless" ] || user_maps

# marten's own commands run no program, so their failures exit 1; marten
# exec runs one, and sets die_status=125.
die_status=1
die() { # MESSAGE: "marten: MESSAGE" on stderr, exit die_status
  printf 'marten: %s\n' "$*" >&2
  exit "$die_status"
}

note() { # MESSAGE: progress, on stderr
  printf 'marten: %s\n' "$*" >&2
}

mustela_store "$me_uid"
default_registry=${MUSTELA_REGISTRY:-docker.io}

# --- a user's store -----------------------------------------------------

in_userns() { # COMMAND...: run COMMAND in the user's namespace (root: as is)
  if [ -z "$rootless" ]; then
    "$@"
    return
  fi
  old_ifs=$IFS IFS=$NL
  set -f
  # shellcheck disable=SC2086 # ns-enter's words, one a line
  set -- "$helpers/ns-enter" $user_words --kill-with-parent -- "$@"
  set +f
  IFS=$old_ifs
  "$@"
}

remove() { # [--one-file-system] PATH...: rm -rf; a user's files the image's
  # owners hold (mapped ids) are removed in its namespace
  rm -rf "$@" 2>/dev/null || in_userns rm -rf "$@"
}

map_text() { # describe the user's map, for a refusal: set map_text
  if [ -n "$map_note" ]; then
    map_text="the ids mapped for $me: 0 only (no range for it in /etc/subuid and /etc/subgid, or no newuidmap)"
  else
    map_text="the ids mapped for $me: 0-$((uid_count - 1)) (its /etc/subuid and /etc/subgid ranges)"
  fi
}

unmapped() { # DIR: fail, naming the file and its owner, if a file of DIR
  # (a user's) has an owner on the host that the user's map lacks: packed
  # in the namespace, it would show as nobody
  [ -n "$rootless" ] || return 0
  unmapped_dir=$1
  set -- "$me_uid" "$uid_ranges" "$me_gid" "$gid_ranges"
  for kind in uid gid; do
    # find's words: ! -uid ME ! ( -uid +START-1 -uid -START+COUNT ) ...
    words="!$NL-$kind$NL$1"
    for r in $2; do
      words="$words$NL!$NL($NL-$kind$NL+$((${r%:*} - 1))$NL-$kind$NL-$((${r%:*} + ${r#*:}))$NL)"
    done
    old_ifs=$IFS IFS=$NL
    set -f
    # shellcheck disable=SC2086 # find's words, one a line
    bad=$(find "$unmapped_dir" $words -printf '%p %U:%G\n' -quit) || bad=''
    set +f
    IFS=$old_ifs
    if [ -n "$bad" ]; then
      map_text
      die "${bad% *}: owner ${bad##* } on the host: not in $map_text"
    fi
    shift 2
  done
}

unpack_refused() { # TAR WHAT MSGFILE LAST: die with why layer-unpack
  # refused TAR (MSGFILE: its message, then LAST): for a user, what its
  # namespace cannot hold, said as WHAT: ENTRY: why
  msg=''
  [ ! -s "$3" ] || msg=$(cat "$3")
  rm -f "$3"
  # its warnings as they were; the refusal is the last line
  case "$msg" in
    *"$NL"*) printf '%s\n' "${msg%"$NL"*}" >&2; msg=${msg##*"$NL"} ;;
  esac
  msg=${msg#layer-unpack: }
  if [ -n "$rootless" ]; then
    case "$msg" in
      *": set owner and mode: Invalid argument")
        entry=${msg%: set owner and mode: Invalid argument}
        # its owner, from the archive
        owner=$(decompress "$1" | tar --numeric-owner --no-wildcards -tvf - -- "$entry" "./$entry" 2>/dev/null |
          awk 'NR == 1 { sub("/", ":", $2); print $2 }') || owner=''
        map_text
        die "$2: $entry: owner ${owner:-unknown}: not in $map_text" ;;
      *": mknod: Operation not permitted")
        die "$2: ${msg%: mknod: *}: a device node: a user namespace cannot make one" ;;
    esac
  fi
  [ -z "$msg" ] || printf 'layer-unpack: %s\n' "$msg" >&2
  die "$4"
}

store_init() { # make the store's directories; sweep what killed runs left
  # Layers and containers hold the images' setuid files and device nodes:
  # only root may reach them on the host (overlay does not check the
  # directories above a layer, so containers still see them).
  if ! mkdir -p "$store/blobs/sha256" "$store/images" "$store/empty" ||
    ! (umask 077 && mkdir -p "$store/layers" "$store/containers" "$store/tmp"); then
    die "cannot create the store in $store"
  fi
  [ -e "$store/names" ] || : >>"$store/names"
  for t in "$store/tmp"/*; do
    [ -e "$t" ] || continue
    p=${t##*/} p=${p%%.*}
    case "$p" in *[!0-9]* | '') continue ;; esac
    # (a child of the killed run may still be writing: then next time)
    [ -d "/proc/$p" ] || remove "$t" 2>/dev/null || :
  done
}

lock() { # -s|-x: hold the store lock (fd 9) until exit
  exec 9>>"$store/lock"
  flock "$1" 9
}

# The scratch directory, and a file being written (removed unless it was
# finished: the caller empties partial then), go when the script ends.
work='' partial=''
cleanup() {
  [ -z "$work" ] || remove "$work"
  [ -z "$partial" ] || rm -f "$partial"
}

work_dir() { # make a scratch directory in the store (set work), removed
  # however the script ends
  trap cleanup EXIT
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
  work=$(mktemp -d "$store/tmp/$$.XXXXXX") || die "mktemp in $store/tmp"
}

sha256() { # FILE: print its sha256 (hex)
  set -- "$(sha256sum <"$1")"
  printf '%s\n' "${1%% *}"
}

file_size() { # FILE
  stat -c %s "$1"
}

# --- names and IDs ---------------------------------------------------------

valid_name() { # NAME: fail unless NAME can be an image or container name
  case "$1" in
    '' | -* | *[!A-Za-z0-9._:/@-]*) die "not a valid name: $1" ;;
  esac
}

tagged() { # NAME: NAME with ":latest" when it has no tag and no digest
  case "${1##*/}" in
    *[:@]*) printf '%s\n' "$1" ;;
    *) printf '%s:latest\n' "$1" ;;
  esac
}

normalize_ref() { # REF: split [REGISTRY/]REPO[:TAG][@DIGEST] into ref_*
  r=$1 ref_tag='' ref_digest=''
  case "$r" in *@*) ref_digest=${r#*@} r=${r%%@*} ;; esac
  case "${r##*/}" in *:*) ref_tag=${r##*:} r=${r%:*} ;; esac
  ref_registry=$default_registry
  case "$r" in
    */*)
      case "${r%%/*}" in
        *.* | *:* | localhost) ref_registry=${r%%/*} r=${r#*/} ;;
      esac ;;
  esac
  case "$ref_registry/$r" in docker.io/*/*) ;; docker.io/*) r=library/$r ;; esac
  ref_repo=$r
  case "$ref_repo" in
    '' | */ | /* | *//* | *[!a-z0-9._/-]*) return 1 ;;
  esac
  case "$ref_tag" in *[!A-Za-z0-9_.-]*) return 1 ;; esac
  case "$ref_digest" in
    '') [ -n "$ref_tag" ] || ref_tag=latest
      ref_canon=$ref_registry/$ref_repo:$ref_tag ;;
    sha256:*) hex_ok "${ref_digest#sha256:}" || return 1
      ref_canon=$ref_registry/$ref_repo@$ref_digest ;;
    *) return 1 ;;
  esac
}

hex_ok() { # HEX: a full sha256 in hex?
  case "$1" in *[!0-9a-f]*) return 1 ;; esac
  [ "${#1}" -eq 64 ]
}

# shellcheck disable=SC2034 # image_name: for the callers
resolve_image() { # REF: set image_id from a name or an ID (abbreviated), and
  # image_name to the name REF stands for (empty for an ID)
  image_id='' image_name='' canon='' found=''
  ! normalize_ref "$1" || canon=$ref_canon
  # 1. a name: as given, with ":latest", or in its registry's full form
  while read -r n i; do
    case "$n" in
      "$1" | "$1:latest" | "$canon") image_id=$i image_name=$n; return 0 ;;
    esac
  done <"$store/names"
  # 2. an ID or an unambiguous beginning of one
  id=${1#sha256:}
  case "$id" in
    '' | *[!0-9a-f]*) ;;
    *)
      for d in "$store/images/$id"*; do
        [ -d "$d" ] || continue
        [ -z "$found" ] || die "ambiguous image ID: $1"
        found=${d##*/}
      done ;;
  esac
  [ -z "$found" ] || { image_id=$found; return 0; }
  # 3. the end of one name only: "busybox" for "127.0.0.1:5000/busybox:latest"
  while read -r n i; do
    case "$n" in
      */"$1" | */"$1:latest")
        [ -z "$found" ] || die "ambiguous image name: $1"
        found=$i image_name=$n ;;
    esac
  done <"$store/names"
  [ -n "$found" ] || die "image not found: $1"
  image_id=$found
}

image_names() { # ID: print its names
  while read -r n i; do
    [ "$i" != "$1" ] || printf '%s\n' "$n"
  done <"$store/names"
}

names_edit() { # ADD-NAME ADD-ID DEL-NAME DEL-ID: rewrite names, locked
  (
    flock -x 8
    while read -r n i; do
      [ "$n" = "$1" ] || [ "$n" = "$3" ] || [ "$i" = "$4" ] ||
        printf '%s %s\n' "$n" "$i"
    done <"$store/names" >"$store/names.new.$$"
    [ -z "$1" ] || printf '%s %s\n' "$1" "$2" >>"$store/names.new.$$"
    mv "$store/names.new.$$" "$store/names"
  ) 8>>"$store/names.lock" || die "cannot update $store/names"
}

resolve_container() { # REF: set container_id from a name or an ID
  container_id=''
  for d in "$store/containers"/*/; do
    [ -f "${d}name" ] || continue
    read -r n <"${d}name" || true
    [ "$n" != "$1" ] || { d=${d%/}; container_id=${d##*/}; return 0; }
  done
  case "$1" in '' | *[!0-9a-f-]*) die "container not found: $1" ;; esac
  for d in "$store/containers/$1"*/; do
    [ -d "$d" ] || continue
    [ -z "$container_id" ] || die "ambiguous container ID: $1"
    d=${d%/} container_id=${d##*/}
  done
  [ -n "$container_id" ] || die "container not found: $1"
}

container_about() { # ID: set about_image (the image's first name, else its
  # short ID, else -) and about_name (the container's name, else -)
  about_image='' about_name=''
  set -- "$store/containers/$1"
  [ ! -f "$1/image" ] || read -r about_image <"$1/image" || true
  [ ! -f "$1/name" ] || read -r about_name <"$1/name" || true
  if [ -n "$about_image" ] && [ -f "$store/names" ]; then
    set -- "$about_image" "$(image_names "$about_image")"
    about_image=${2%%"$NL"*}
    [ -n "$about_image" ] || about_image=$(printf '%.12s' "$1")
  fi
  about_image=${about_image:--} about_name=${about_name:--}
}

# shellcheck disable=SC2034 # container_pid: for the callers
container_pid() { # ID: set container_pid to the host pid of the running
  # container's pid 1 (minc -B writes it to containers/ID/pid), or fail.
  # Pids are reused: the process must still be a pid 1 (the last of its
  # NSpid) whose root is this container's overlay.
  container_pid='' p='' nspid=''
  { read -r p || :; } 2>/dev/null <"$store/containers/$1/pid" || return 1
  case "$p" in '' | *[!0-9]*) return 1 ;; esac
  while read -r k v; do
    [ "$k" != NSpid: ] || nspid=$v
  done 2>/dev/null <"/proc/$p/status" || return 1
  case "$nspid" in ?*[[:space:]]1) ;; *) return 1 ;; esac
  while read -r _ _ _ _ mnt rest; do
    [ "$mnt" = / ] || continue
    case "$rest" in
      *" - overlay "*"upperdir="*"/containers/$1/storage,"* | \
        *" - overlay "*"upperdir="*"/containers/$1/storage")
        container_pid=$p
        return 0 ;;
    esac
  done 2>/dev/null <"/proc/$p/mountinfo"
  return 1
}

running_containers() { # print the IDs of containers whose overlay is mounted
  # A container is running (or its mount leaked) while some mount
  # namespace has an overlay on its upper dir: mountinfo shows upperdir=.
  grep -ho 'upperdir=[^ ,]*/containers/[0-9a-f]*/storage' \
    /proc/[0-9]*/mountinfo 2>/dev/null | sed 's,.*/containers/,,; s,/storage$,,' |
    sort -u || true
}

# --- blobs and layers ------------------------------------------------------

blob_path() { # DIGEST: print where a sha256 digest lives in the store
  case "$1" in
    sha256:*) hex_ok "${1#sha256:}" || die "bad digest: $1" ;;
    *) die "unsupported digest: $1" ;;
  esac
  printf '%s\n' "$store/blobs/sha256/${1#sha256:}"
}

blob_add() { # FILE DIGEST SIZE: verify FILE, then move it into the store
  [ -z "$3" ] || [ "$(file_size "$1")" = "$3" ] ||
    die "blob $2: size $(file_size "$1"), expected $3"
  [ "sha256:$(sha256 "$1")" = "$2" ] || die "blob $2: digest mismatch"
  mv -f "$1" "$(blob_path "$2")"
}

compression() { # FILE: print gzip, zstd or none, from its first bytes
  case "$(od -An -tx1 -N4 "$1" | tr -d ' \n')" in
    1f8b*) echo gzip ;;
    28b52ffd) echo zstd ;;
    *) echo none ;;
  esac
}

decompress() { # FILE: write FILE uncompressed on stdout
  case "$(compression "$1")" in
    gzip) gzip -dc <"$1" ;;
    zstd) zstd -dcq <"$1" ;;
    none) cat <"$1" ;;
  esac
}

unpack_layer() { # BLOB DIFF_ID: make layers/HEX from BLOB, once
  hex=${2#sha256:}
  hex_ok "$hex" || die "unsupported diff_id: $2"
  [ ! -d "$store/layers/$hex" ] || return 0
  u=$(mktemp -d "$store/tmp/$$.layer.XXXXXX") || die "mktemp in $store/tmp"
  chmod 755 "$u" # the layer's "./" entry, if any, says otherwise
  mkfifo "$u.fifo"
  sha256sum <"$u.fifo" >"$u.sum" &
  sum_pid=$!
  # Digest and unpack in one read: the tar goes to both through tee.
  { decompress "$1" || echo decompress >>"$u.err"; } | tee "$u.fifo" |
    { in_userns "$helpers/layer-unpack" ${rootless:+--userxattr} "$u" 2>"$u.msg" ||
      echo unpack >>"$u.err"; }
  wait "$sum_pid" || true
  if [ -e "$u.err" ]; then
    remove "$u"
    rm -f "$u.fifo" "$u.sum" "$u.err"
    unpack_refused "$1" "layer $2" "$u.msg" "layer $2 refused"
  fi
  [ ! -s "$u.msg" ] || cat "$u.msg" >&2 # its warnings
  rm -f "$u.msg"
  read -r got _ <"$u.sum" || true
  rm -f "$u.fifo" "$u.sum"
  if [ "sha256:$got" != "sha256:$hex" ]; then
    remove "$u"
    die "layer $2: diff_id mismatch (sha256:$got)"
  fi
  # -T: when a concurrent run was first, fail rather than move into it
  mv -T "$u" "$store/layers/$hex" 2>/dev/null || remove "$u"
}

# --- images ----------------------------------------------------------------

manifest_check() { # MANIFEST CONFIG: fail unless they make a runnable image
  jq -e '(.schemaVersion == 2) and (.config.digest | type == "string")
    and ((.layers // []) | all(.digest | type == "string"))' "$1" \
    >/dev/null 2>&1 || die "not an image manifest (schema 2)"
  n_layers=$(jq '.layers // [] | length' "$1")
  n_diffs=$(jq '.rootfs.diff_ids // [] | length' "$2" 2>/dev/null) ||
    die "config: not JSON"
  [ "$n_layers" = "$n_diffs" ] ||
    die "config lists $n_diffs layers, the manifest $n_layers"
}

image_add() { # MANIFEST CONFIG: record an image whose blobs and layers are
  # in the store; set image_id
  image_id=$(sha256 "$2")
  d=$store/images/$image_id
  [ ! -d "$d" ] || return 0
  i=$(mktemp -d "$store/tmp/$$.image.XXXXXX") || die "mktemp in $store/tmp"
  chmod 755 "$i"
  cp "$1" "$i/manifest.json" || die "cannot write $i"
  cp "$2" "$i/config.json" || die "cannot write $i"
  jq -r '.rootfs.diff_ids | reverse | .[] | ltrimstr("sha256:")' "$2" \
    >"$i/layers" || die "config: no rootfs.diff_ids"
  # What marten-resolve says about running it, decided once.
  jq -r '.config // {} |
    if ([.Env[]?, .Entrypoint[]?, .Cmd[]?, .WorkingDir // "", .User // ""]
        | map(strings | test("\n")) | any)
    then "refuse a newline in its Env, Entrypoint, Cmd, WorkingDir or User"
    else (.Env[]? | "env " + .),
      (.WorkingDir // "" | select(. != "") | "workdir " + .),
      (.User // "" | select(. != "") | "user " + .),
      ((.Entrypoint // []) + (.Cmd // []) | .[] | "arg " + .)
    end' "$2" >"$i/run" || die "config: not an image config"
  mv -T "$i" "$d" 2>/dev/null || rm -rf "$i"
}

host_platform() { # print the host's OS/ARCH[/VARIANT] in OCI words
  case "$(uname -m)" in
    x86_64) echo linux/amd64 ;;
    aarch64) echo linux/arm64 ;;
    armv7*) echo linux/arm/v7 ;;
    armv6*) echo linux/arm/v6 ;;
    i?86) echo linux/386 ;;
    ppc64le) echo linux/ppc64le ;;
    s390x) echo linux/s390x ;;
    riscv64) echo linux/riscv64 ;;
    *) echo "linux/$(uname -m)" ;;
  esac
}

index_pick() { # INDEX: print the digest of the manifest for our platform
  p=${MARTEN_PLATFORM:-$(host_platform)}
  jq -r --arg os "${p%%/*}" --arg arch "$(echo "$p" | cut -d/ -f2)" \
    --arg var "$(echo "$p" | cut -sd/ -f3)" '
    [.manifests[] | select(.platform.os == $os and
      .platform.architecture == $arch and
      ($var == "" or .platform.variant == $var))][0].digest // empty' "$1"
}

# --- making images ---------------------------------------------------------

media_ok() { # KIND MEDIATYPE: fail unless MEDIATYPE is a KIND we can use
  case "$1:$2" in
    config:application/vnd.oci.image.config.v1+json) ;;
    config:application/vnd.docker.container.image.v1+json) ;;
    config:*) die "not a container image (config type ${2:-none})" ;;
    layer:application/vnd.oci.image.layer.v1.tar) ;;
    layer:application/vnd.oci.image.layer.v1.tar+gzip) ;;
    layer:application/vnd.oci.image.layer.v1.tar+zstd) ;;
    layer:application/vnd.docker.image.rootfs.diff.tar.gzip) ;;
    layer:application/vnd.docker.image.rootfs.diff.tar) ;;
    layer:*nondistributable* | layer:*foreign*)
      die "foreign layers are not supported ($2)" ;;
    layer:*) die "unsupported layer type: ${2:-none}" ;;
  esac
}

layer_media() { # FILE: the OCI media type of a layer blob, from its bytes
  case "$(compression "$1")" in
    gzip) echo application/vnd.oci.image.layer.v1.tar+gzip ;;
    zstd) echo application/vnd.oci.image.layer.v1.tar+zstd ;;
    none) echo application/vnd.oci.image.layer.v1.tar ;;
  esac
}

layer_from_dir() { # DIR: pack DIR as a gzip layer into the store; set
  # layer_diff (its diff_id) and layer_desc (its JSON descriptor)
  t=$work/layer.tar
  unmapped "$1"
  if [ -n "${SOURCE_DATE_EPOCH:-}" ]; then
    in_userns "$helpers/layer-pack" ${rootless:+--userxattr} --clamp-mtime "$SOURCE_DATE_EPOCH" "$1" >"$t"
  else
    in_userns "$helpers/layer-pack" ${rootless:+--userxattr} "$1" >"$t"
  fi || die "cannot pack $1"
  layer_diff=sha256:$(sha256 "$t")
  unpack_layer "$t" "$layer_diff"
  gzip -n <"$t" >"$t.gz" || die "gzip $t"
  rm -f "$t"
  set -- "sha256:$(sha256 "$t.gz")" "$(file_size "$t.gz")"
  blob_add "$t.gz" "$1" "$2"
  # shellcheck disable=SC2034 # the caller's result
  layer_desc=$(jq -nc --arg d "$1" --argjson s "$2" \
    '{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: $d, size: $s}')
}

image_make() { # CONFIG LAYERS-JSON: store CONFIG and an OCI manifest for it
  # and the layer descriptors LAYERS-JSON; record the image (image_id)
  set -- "$1" "$2" "sha256:$(sha256 "$1")" "$(file_size "$1")"
  cp "$1" "$work/config.blob" && blob_add "$work/config.blob" "$3" "$4"
  jq -nc --arg c "$3" --argjson s "$4" --argjson l "$2" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json",
        digest: $c, size: $s}, layers: $l}' >"$work/manifest.json"
  manifest_digest=sha256:$(sha256 "$work/manifest.json")
  cp "$work/manifest.json" "$work/manifest.blob"
  blob_add "$work/manifest.blob" "$manifest_digest" ''
  image_add "$work/manifest.json" "$(blob_path "$3")"
}

image_from_manifest() { # MANIFEST: get the config and layers it names (with
  # the caller's blob_fetch DIGEST SIZE), unpack, record (image_id)
  jq -e '.schemaVersion == 2 and (.config | type == "object")' "$1" \
    >/dev/null 2>&1 || die "not an image manifest (schema 2)"
  set -- "$1" "$(jq -r '.config.digest' "$1")" "$(jq -r '.config.size' "$1")"
  media_ok config "$(jq -r '.config.mediaType // empty' "$1")"
  blob_fetch "$2" "$3"
  manifest_check "$1" "$(blob_path "$2")"
  jq -r --slurpfile c "$(blob_path "$2")" \
    '[.layers // [], $c[0].rootfs.diff_ids] | transpose[] |
     "\(.[0].mediaType) \(.[0].digest) \(.[0].size) \(.[1])"' "$1" \
    >"$work/layers.list" || die "cannot read the layers of $1"
  while read -r media digest size diff; do
    media_ok layer "$media"
    blob_fetch "$digest" "$size"
    unpack_layer "$(blob_path "$digest")" "$diff"
  done <"$work/layers.list"
  cp "$1" "$work/manifest.blob"
  blob_add "$work/manifest.blob" "sha256:$(sha256 "$1")" ''
  image_add "$1" "$(blob_path "$2")"
}

name_image() { # NAME ID: NAME now means image ID (moved from any other)
  names_edit "$1" "$2" "" ""
}

now() { # [EPOCH]: the time of a new config in RFC 3339: SOURCE_DATE_EPOCH,
  # else EPOCH, else the present
  set -- "${SOURCE_DATE_EPOCH:-${1:-}}"
  if [ -n "$1" ]; then
    date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
  else
    date -u +%Y-%m-%dT%H:%M:%SZ
  fi
}

collect() { # remove the blobs and layers that no image uses (store locked
  # exclusively); set collected to how many went
  collected=0
  for d in "$store/images"/*/; do
    [ -d "$d" ] || continue
    jq -r '.config.digest, .layers[]?.digest | ltrimstr("sha256:")' \
      "$d/manifest.json" || die "cannot read $d/manifest.json"
    sha256 "$d/manifest.json"
    cat "$d/layers"
  done | sort -u >"$work/keep"
  for kind in blobs/sha256 layers; do
    find "$store/$kind" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort |
      comm -23 - "$work/keep" >"$work/drop"
    while read -r hex; do
      hex_ok "$hex" || continue
      remove "${store:?}/$kind/$hex"
      collected=$((collected + 1))
    done <"$work/drop"
  done
}
