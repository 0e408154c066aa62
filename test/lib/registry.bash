# registry.bash - fixtures for the marten tests (load 'lib/registry')
# shellcheck shell=bash
#
# A Debian docker-registry on 127.0.0.1 (plain, htpasswd Basic, or Bearer
# with a token server: busybox httpd running a CGI that signs RS256 JWTs
# with openssl), images built at test time with umoci and skopeo from the
# busybox rootfs, hand-made layers (whiteouts, opaque directories, links,
# hostile entries), and tree listings to compare unpacked images.
# Everything lives under the directory given; processes are killed by PID.

REG_USER=marten
# quote, backslash, dollar and colon: what a curl config must escape (busybox
# httpd, the token server, cannot take a space)
REG_PASS='s3cr"e\t$x:y'

free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    ss -Htln "sport = :$p" | grep -q . || { echo "$p"; return; }
  done
}

# A token server for the registry's "token" auth: busybox httpd asks for
# Basic credentials (httpd.conf) and runs cgi-bin/token, which grants what
# the scope asks for to an authenticated user. It listens on 127.0.0.1;
# the realm the registry names is http://REALM_HOST:PORT/cgi-bin/token
# (REALM_HOST default 127.0.0.1; a NAME.localhost, which curl resolves to
# loopback without asking a resolver, makes a realm that is not loopback
# by name).
token_server_start() { # DIR
  local d=$1/token port
  mkdir -p "$d/cgi-bin"
  openssl req -x509 -newkey rsa:2048 -nodes -keyout "$d/key.pem" \
    -out "$d/cert.pem" -days 2 -subj /CN=mustela-token 2>/dev/null
  port=$(free_port)
  TOKEN_SERVER=127.0.0.1:$port
  TOKEN_REALM=http://${REALM_HOST:-127.0.0.1}:$port/cgi-bin/token
  printf '/cgi-bin:%s:%s\n' "$REG_USER" "$REG_PASS" >"$d/httpd.conf"
  cat >"$d/cgi-bin/token" <<EOF
#!/bin/sh
# token - issue a registry token (RS256 JWT) for the scope asked for
b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
q=\$(printf '%s' "\$QUERY_STRING" | sed 's/%3[Aa]/:/g; s/%2[Cc]/,/g; s/%2[Ff]/\//g')
scope=\$(printf '%s' "\$q" | tr '&' '\n' | sed -n 's/^scope=//p' | head -n 1)
repo=\$(printf '%s' "\$scope" | cut -d: -f2)
actions=\$(printf '%s' "\$scope" | cut -d: -f3 | sed 's/[^,][^,]*/"&"/g')
now=\$(date +%s)
x5c=\$(openssl x509 -in "$d/cert.pem" -outform der | base64 -w0)
h=\$(printf '{"alg":"RS256","typ":"JWT","x5c":["%s"]}' "\$x5c" | b64url)
access=''
[ -z "\$repo" ] || access=\$(printf '{"type":"repository","name":"%s","actions":[%s]}' "\$repo" "\$actions")
c=\$(printf '{"iss":"mustela-token","sub":"%s","aud":"mustela-registry","exp":%s,"nbf":%s,"iat":%s,"jti":"%s","access":[%s]}' \
  "\$REMOTE_USER" \$((now + 300)) \$((now - 10)) "\$now" "\$now\$\$" "\$access" | b64url)
s=\$(printf '%s.%s' "\$h" "\$c" | openssl dgst -sha256 -sign "$d/key.pem" | b64url)
echo "\$scope" >>"$d/scopes"
printf 'Content-Type: application/json\r\n\r\n{"token":"%s.%s.%s"}\n' "\$h" "\$c" "\$s"
EOF
  chmod 755 "$d/cgi-bin/token"
  busybox httpd -f -p "$TOKEN_SERVER" -h "$d" -c "$d/httpd.conf" \
    -r mustela-token >"$d/log" 2>&1 &
  TOKEN_PID=$!
}

# registry_start MODE DIR: MODE plain, basic or bearer. Sets REGISTRY
# (host:port), REGISTRY_PID (and TOKEN_SERVER, TOKEN_REALM, TOKEN_PID).
# The access log is DIR/log. Both listen on 127.0.0.1, which marten speaks
# plain http to unasked (Docker's rule): MUSTELA_INSECURE_REGISTRIES is
# unset.
registry_start() {
  local mode=$1 dir=$2 i
  mkdir -p "$dir/storage"
  REGISTRY=127.0.0.1:$(free_port)
  TOKEN_SERVER='' TOKEN_REALM='' TOKEN_PID=''
  unset MUSTELA_INSECURE_REGISTRIES
  {
    printf 'version: 0.1\nlog:\n  level: info\n'
    printf 'storage:\n  filesystem:\n    rootdirectory: %s\n' "$dir/storage"
    printf '  delete:\n    enabled: true\n'
    printf 'http:\n  addr: %s\n' "$REGISTRY"
    case "$mode" in
      basic)
        htpasswd -Bbc "$dir/htpasswd" "$REG_USER" "$REG_PASS" 2>/dev/null
        printf 'auth:\n  htpasswd:\n    realm: mustela-test\n    path: %s\n' \
          "$dir/htpasswd" ;;
      bearer)
        token_server_start "$dir"
        printf 'auth:\n  token:\n    realm: %s\n' "$TOKEN_REALM"
        printf '    service: mustela-registry\n    issuer: mustela-token\n'
        printf '    rootcertbundle: %s\n' "$dir/token/cert.pem" ;;
    esac
  } >"$dir/config.yml"
  docker-registry serve "$dir/config.yml" >"$dir/log" 2>&1 &
  REGISTRY_PID=$!
  for i in $(seq 1 100); do
    case "$(curl -s -o /dev/null -w '%{http_code}' "http://$REGISTRY/v2/")" in
      200 | 401) break ;;
    esac
    sleep 0.1
  done
}

registry_stop() {
  local p
  for p in ${REGISTRY_PID:-} ${TOKEN_PID:-}; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  REGISTRY_PID='' TOKEN_PID=''
  return 0
}

# How many blob downloads the registry served (from its access log).
blob_gets() { # DIR
  grep -c '"GET /v2/[^ ]*/blobs/sha256:[^ ]* HTTP/1.1" 200 ' "$1/log" || true
}

# How many GET requests of manifests and blobs the registry served.
content_gets() { # DIR
  grep -c '"GET /v2/[^ ]*/\(blobs\|manifests\)/[^ ]* HTTP/1.1" 200 ' "$1/log" || true
}

# The file where the registry keeps a blob.
registry_blob() { # DIR DIGEST
  local h=${2#sha256:}
  echo "$1/storage/docker/registry/v2/blobs/sha256/${h:0:2}/$h/data"
}

# PROG run with a tmpfs on /var/lib, in a mount namespace of its own:
# skopeo and podman keep a blob-info cache in /var/lib/containers/cache
# (as root) whatever their options say; a test leaves nothing there.
private_var_lib() { # PROG [ARGS...]
  unshare -m --propagation private sh -c \
    'mount -t tmpfs mustela-test /var/lib && exec "$@"' "$1" \
    "$(type -P "$1")" "${@:2}"
}

skopeo() {
  private_var_lib skopeo "$@"
}

# skopeo to and from the test registry (plain http, no TLS).
skopeo_to_registry() { # SRC DEST-REPO:TAG [skopeo options...]
  local src=$1 dest=$2
  shift 2
  skopeo copy -q --dest-tls-verify=false "$@" "$src" "docker://$REGISTRY/$dest"
}

# A layer tar made by hand from a staging directory whose entries are
# listed in order (GNU tar, pax, xattrs). Names are kept verbatim.
layer_tar() { # DIR OUT NAME...
  local dir=$1 out=$2
  shift 2
  tar --format=posix --xattrs --xattrs-include='user.*' --numeric-owner \
    --no-recursion -C "$dir" -cf "$out" "$@"
}

# The second layer of the "layered" image: adds, deletes (whiteout),
# replaces, an opaque directory, hardlinks, symlinks, setuid, a device
# node, a fifo, an xattr, owners and mtimes.
make_layer2() { # DIR OUT
  local s=$1/l2
  mkdir -p "$s/etc" "$s/home/user" "$s/bin" "$s/opt/data"
  echo added >"$s/etc/added"
  setfattr -n user.mustela -v layered "$s/etc/added"
  : >"$s/etc/.wh.group"
  echo 'root:x:0:0:root:/root:/bin/sh' >"$s/etc/passwd"
  : >"$s/home/user/.wh..wh..opq"
  echo new >"$s/home/user/new"
  echo linked >"$s/opt/data/one"
  ln "$s/opt/data/one" "$s/opt/data/two"
  ln -s ../etc/added "$s/opt/rel-link"
  ln -s /etc/passwd "$s/opt/abs-link"
  printf '#!/bin/sh\nid -u\n' >"$s/bin/suid-tool"
  chmod 4755 "$s/bin/suid-tool"
  mknod "$s/etc/cdev" c 1 3
  mkfifo "$s/etc/fifo"
  echo owned >"$s/etc/owned"
  chown 1000:1000 "$s/etc/owned"
  touch -d '2001-02-03 04:05:06' "$s/etc/added" "$s/opt/data/one"
  (cd "$s" && layer_tar . "$2" etc etc/added etc/.wh.group etc/passwd \
    etc/cdev etc/fifo etc/owned home home/user home/user/.wh..wh..opq \
    home/user/new bin bin/suid-tool opt opt/data opt/data/one \
    opt/data/two opt/rel-link opt/abs-link)
}

# One more layer with a marker file (and its platform's config).
add_marker_layer() { # LAYOUT FROM-TAG NEW-TAG ARCH
  local s
  s=$(mktemp -d)
  mkdir "$s/etc"
  echo "$4" >"$s/etc/arch"
  layer_tar "$s" "$s.tar" etc etc/arch
  umoci raw add-layer --image "$1:$2" --tag "$3" "$s.tar"
  umoci config --image "$1:$3" --architecture "$4"
  rm -rf "$s" "$s.tar"
}

# The fixture images, built once per file in DIR/oci (an OCI layout):
#   base     the busybox rootfs plus /home/user/old and /etc/keep; Cmd,
#            Env, WorkingDir, User set
#   layered  base + make_layer2
#   amd64, arm64  layered + /etc/arch, for those platforms
#   multi    an index of amd64 and arm64
build_fixtures() { # DIR
  local d=$1 rfs m a
  rfs=$(rootfs)
  umoci init --layout "$d/oci"
  umoci new --image "$d/oci:base"
  umoci unpack --image "$d/oci:base" "$d/bundle" >/dev/null
  cp -a "$rfs/." "$d/bundle/rootfs/"
  rm -f "$d/bundle/rootfs/.done"
  mkdir -p "$d/bundle/rootfs/home/user"
  echo old >"$d/bundle/rootfs/home/user/old"
  echo keep >"$d/bundle/rootfs/etc/keep"
  umoci repack --image "$d/oci:base" "$d/bundle"
  rm -rf "$d/bundle"
  umoci config --image "$d/oci:base" --config.cmd /bin/sh \
    --config.cmd -c --config.cmd 'echo "$FOO"' --config.env FOO=bar \
    --config.env 'SPACES=a b  c' --config.workingdir /home/user \
    --config.user 0:0
  make_layer2 "$d" "$d/layer2.tar"
  umoci raw add-layer --image "$d/oci:base" --tag layered "$d/layer2.tar"
  add_marker_layer "$d/oci" layered amd64 amd64
  add_marker_layer "$d/oci" layered arm64 arm64
  # An index of the two, as buildx would make it.
  jq -c '{schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [.manifests[] | select(.annotations."org.opencontainers.image.ref.name" as $r
      | $r == "amd64" or $r == "arm64")
      | {mediaType, digest, size,
         platform: {os: "linux", architecture: .annotations."org.opencontainers.image.ref.name"}}]}' \
    "$d/oci/index.json" >"$d/index.json"
  m=$(sha256sum <"$d/index.json" | cut -d' ' -f1)
  cp "$d/index.json" "$d/oci/blobs/sha256/$m"
  a=$(jq -c --arg d "sha256:$m" --argjson s "$(stat -c %s "$d/index.json")" \
    '.manifests += [{mediaType: "application/vnd.oci.image.index.v1+json",
      digest: $d, size: $s,
      annotations: {"org.opencontainers.image.ref.name": "multi"}}]' \
    "$d/oci/index.json")
  printf '%s' "$a" >"$d/oci/index.json"
  umoci gc --layout "$d/oci"
}

# An OCI layout DIR holding one image (tag "latest") whose layers are the
# given tar files, gzipped (plain tar with LAYER_PLAIN=1): for layers umoci
# would not write. The config's "config" object is $IMAGE_CONFIG (JSON,
# default {}).
layout_from_tars() { # DIR TAR...
  local d=$1 t diffs='[]' layers='[]' h g c m media=application/vnd.oci.image.layer.v1.tar
  shift
  mkdir -p "$d/blobs/sha256"
  for t in "$@"; do
    h=$(sha256sum <"$t" | cut -d' ' -f1)
    if [ -n "${LAYER_PLAIN:-}" ]; then
      cp "$t" "$d/layer.gz"
    else
      gzip -n <"$t" >"$d/layer.gz"
      media=application/vnd.oci.image.layer.v1.tar+gzip
    fi
    g=$(sha256sum <"$d/layer.gz" | cut -d' ' -f1)
    diffs=$(jq -c --arg h "sha256:$h" '. + [$h]' <<<"$diffs")
    layers=$(jq -c --arg g "sha256:$g" --argjson s "$(stat -c %s "$d/layer.gz")" --arg m "$media" \
      '. + [{mediaType: $m, digest: $g, size: $s}]' <<<"$layers")
    mv "$d/layer.gz" "$d/blobs/sha256/$g"
  done
  jq -nc --argjson d "$diffs" --argjson c "${IMAGE_CONFIG:-{\}}" \
    '{architecture: "amd64", os: "linux", config: $c,
    rootfs: {type: "layers", diff_ids: $d}}' >"$d/config"
  c=$(sha256sum <"$d/config" | cut -d' ' -f1)
  jq -nc --arg c "sha256:$c" --argjson s "$(stat -c %s "$d/config")" --argjson l "$layers" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $s},
      layers: $l}' >"$d/manifest"
  m=$(sha256sum <"$d/manifest" | cut -d' ' -f1)
  jq -nc --arg m "sha256:$m" --argjson s "$(stat -c %s "$d/manifest")" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: $m, size: $s, annotations: {"org.opencontainers.image.ref.name": "latest"}}]}' \
    >"$d/index.json"
  mv "$d/config" "$d/blobs/sha256/$c"
  mv "$d/manifest" "$d/blobs/sha256/$m"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$d/oci-layout"
}

# Every entry of a tree, to compare two unpackings of an image: type,
# mode, owner, size, link target and mtime (directories: type, mode and
# owner only), device numbers, contents, user.* xattrs. The root itself
# and what a running container mounts over (proc sys dev) are left out.
tree_list() { # DIR
  (
    cd "$1" || exit 1
    find . -mindepth 1 \( -path ./proc -o -path ./sys -o -path ./dev \) -prune \
      -o -type d -printf '%p d %m %U:%G\n' \
      -o -printf '%p %y %m %U:%G %s %l %Ts\n' | LC_ALL=C sort
    find . \( -path ./proc -o -path ./sys -o -path ./dev \) -prune \
      -o \( -type c -o -type b \) -exec stat -c '%n %t:%T' {} + | LC_ALL=C sort
    find . \( -path ./proc -o -path ./sys -o -path ./dev \) -prune \
      -o -type f -exec md5sum {} + | LC_ALL=C sort -k2
    getfattr -R -h -d -m '^user\.' . 2>/dev/null
  )
}

# The tree of an image in the store, as overlay stacks its layers (in a
# private mount namespace, on a volatile upper).
image_tree() { # REF MOUNTPOINT
  local lower
  lower=$(marten resolve "$1" | sed -n 's/^lower //p')
  unshare -m --propagation private overlay-mount --lower "$lower" \
    --tmpfs-upper "$2" -- bash -c "$(declare -f tree_list); tree_list '$2'"
}
