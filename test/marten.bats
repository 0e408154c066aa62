#!/usr/bin/env bats
# marten: the image store, import, resolve, names, containers, commit,
# export, minc -r IMAGE, pull and push, against umoci, skopeo, podman and
# Debian's docker-registry on 127.0.0.1

load 'lib/common'
load 'lib/registry'

setup_file() {
  need_root
  export FX=$BATS_FILE_TMPDIR/fx
  mkdir -p "$FX"
  build_fixtures "$FX"
  # the reference tree of each fixture, as umoci unpacks it
  for tag in layered amd64; do
    umoci unpack --image "$FX/oci:$tag" "$FX/$tag.bundle" >/dev/null
    tree_list "$FX/$tag.bundle/rootfs" >"$FX/$tag.tree"
  done
}

setup() {
  need_root
  T=$(mktemp -d)
  export MUSTELA_DIR=$T/store
  mkdir -p "$T/mnt" "$T/outside"
  echo precious >"$T/outside/file"
}

teardown() {
  registry_stop
  bg_teardown
  rm -rf "$T"
}

# minc -B [OPTIONS] -r IMAGE CMD...: a stored container in the background.
# Sets cid (its ID), pid (its pid 1, once marten ps lists it) and
# supervisor (minc's background job, the parent of pid 1's ns-enter),
# whose end bg_teardown waits for (the container's cgroup goes then).
bg_run() {
  local i
  minc -B "$@" 2>"$T/minc.err"
  cid=$(sed -n 's/^minc: container //p' "$T/minc.err")
  for i in $(seq 200); do
    pid=$(marten ps -l | awk -F '\t' -v c="$cid" '$1 == c { print $3 }')
    [ -z "$pid" ] || break
    sleep 0.05
  done
  [ -n "$pid" ]
  supervisor=$(ps -o ppid= -p "$(ps -o ppid= -p "$pid")" | tr -d ' ')
  echo "$supervisor" >>"$T/supervisors"
}

# Stop what bg_run started and is still running, then wait for minc's
# background jobs to end.
bg_teardown() {
  local c p
  [ -d "${T:-}" ] || return 0
  for c in "$MUSTELA_DIR"/containers/*/pid; do
    [ -e "$c" ] || continue
    c=${c%/pid}
    marten stop --time 0 "${c##*/}" || true
  done
  [ -f "$T/supervisors" ] || return 0
  for p in $(cat "$T/supervisors"); do
    while kill -0 "$p" 2>/dev/null; do sleep 0.05; done
  done
}

podman_() {
  private_var_lib podman --root "$T/podman" --runroot "$T/podman-run" --tmpdir "$T/podman-tmp" \
    --storage-driver vfs \
    --cgroup-manager cgroupfs --events-backend none "$@"
}

# A container as minc leaves it (containers/ID: image, root/ storage/
# work/), having run COMMAND on the image's layers in a private mount
# namespace. Prints the ID; the tree it saw is in $T/container.tree.
fake_container() { # IMAGE COMMAND
  local id c lower
  id=$(tr -d - </proc/sys/kernel/random/uuid)
  c=$MUSTELA_DIR/containers/$id
  mkdir -p "$c/root" "$c/storage" "$c/work"
  marten resolve "$1" | sed -n 's/^id //p' >"$c/image"
  lower=$(marten resolve "$1" | sed -n 's/^lower //p')
  unshare -m --propagation private overlay-mount --lower "$lower" \
    --upper "$c/storage" --work "$c/work" "$c/root" -- \
    bash -c "cd '$c/root' && $2 && $(declare -f tree_list); tree_list '$c/root'" \
    >"$T/container.tree"
  echo "$id"
}

@test "marten: -h prints the usage on stdout; no or an unknown command exits 1" {
  run -0 marten -h
  assert_line --index 0 'usage: marten [--debug] COMMAND [ARGS...]'
  run -1 marten
  assert_line --index 0 'usage: marten [--debug] COMMAND [ARGS...]'
  run -1 marten frobnicate
  assert_output 'marten: unknown command: frobnicate (see marten --help)'
  run -1 marten pull --bogus x
  assert_output 'marten: pull: unknown option: --bogus'
}

@test "marten: import a rootfs directory: one layer, the same tree, the same ID again" {
  local rfs
  rfs=$(rootfs)
  run -0 marten import "$rfs" bb
  assert_output --regexp '^[0-9a-f]{64}$'
  id=$output
  run -0 marten resolve bb
  assert_line --index 0 "id $id"
  assert_line --index 1 --regexp "^lower $MUSTELA_DIR/layers/[0-9a-f]{64}\$"
  assert_line --index 2 "config $MUSTELA_DIR/images/$id/config.json"
  assert_equal "${#lines[@]}" 3
  assert_equal "$(image_tree bb "$T/mnt")" "$(tree_list "$rfs")"
  run -0 marten import "$rfs"
  assert_output "$id"
  # the layer blob is gzip, its digest in the manifest; the config lists it
  run -0 jq -r '.layers[0].mediaType' "$MUSTELA_DIR/images/$id/manifest.json"
  assert_output application/vnd.oci.image.layer.v1.tar+gzip
}

@test "marten: import a rootfs tarball (gzip) gives the directory's image" {
  local rfs
  rfs=$(rootfs)
  tar -C "$rfs" -czf "$T/rootfs.tar.gz" .
  run -0 marten import "$rfs"
  id=$output
  run -0 marten import "$T/rootfs.tar.gz" fromtar
  assert_output "$id"
}

@test "marten: resolve by name, name:latest, full or abbreviated ID; the config's lines" {
  run -0 marten import oci:"$FX/oci":layered layered:v1
  id=$output
  for ref in layered:v1 "$id" "${id:0:7}" "sha256:$id"; do
    run -0 marten resolve "$ref"
    assert_line --index 0 "id $id"
  done
  run -0 marten resolve layered:v1
  assert_equal "$(printf '%s\n' "${lines[@]:3}")" 'env FOO=bar
env SPACES=a b  c
workdir /home/user
user 0:0
arg /bin/sh
arg -c
arg echo "$FOO"'
  # two layers, the topmost first
  lower=${lines[1]#lower }
  assert_equal "${lower%%:*}" "$MUSTELA_DIR/layers/$(jq -r '.rootfs.diff_ids[1]' "$MUSTELA_DIR/images/$id/config.json" | cut -d: -f2)"
  marten tag "$id" plain
  run -0 marten resolve plain
  assert_line --index 0 "id $id"
}

@test "marten: resolve: an unknown image and an ambiguous ID exit 1 with one line" {
  run -1 marten resolve nope
  assert_output 'marten: image not found: nope'
  marten import "$(rootfs)" >/dev/null
  mkdir -p "$MUSTELA_DIR/images/$(printf 'a%.0s' $(seq 64))" \
    "$MUSTELA_DIR/images/aaab$(printf '0%.0s' $(seq 60))"
  run -1 marten resolve aaa
  assert_output 'marten: ambiguous image ID: aaa'
  run -1 marten resolve 0123456789
  assert_output 'marten: image not found: 0123456789'
}

@test "marten: resolve refuses an image with a newline in its Cmd or Env" {
  mkdir "$T/s"
  echo x >"$T/s/f"
  layer_tar "$T/s" "$T/l.tar" f
  IMAGE_CONFIG='{"Cmd":["sh","-c","echo a\necho b"]}' layout_from_tars "$T/lay" "$T/l.tar"
  run -0 marten import "$T/lay" nl
  id=$output
  run -1 marten resolve nl
  assert_output "marten: image $id: a newline in its Env, Entrypoint, Cmd, WorkingDir or User"
}

@test "marten: an OCI layout (umoci): the stacked layers are umoci unpack's tree" {
  run -0 marten import oci:"$FX/oci":layered
  id=$output
  m=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == "layered") | .digest' "$FX/oci/index.json")
  assert_equal "sha256:$id" "$(jq -r .config.digest "$FX/oci/blobs/sha256/${m#sha256:}")"
  image_tree "$id" "$T/mnt" >"$T/ours"
  diff "$T/ours" "$FX/layered.tree"
  # what the hand-made layer did, seen in the stacked view
  run -0 grep -E '^\./(etc/(group|added|cdev|fifo|owned)|home/user/(old|new)|bin/suid-tool) [a-z] ' "$T/ours"
  assert_output "./bin/suid-tool f 4755 0:0 16  $(stat -c %Y "$FX/layered.bundle/rootfs/bin/suid-tool")
./etc/added f 644 0:0 6  981173106
./etc/cdev c 644 0:0 0  $(stat -c %Y "$FX/layered.bundle/rootfs/etc/cdev")
./etc/fifo p 644 0:0 0  $(stat -c %Y "$FX/layered.bundle/rootfs/etc/fifo")
./etc/owned f 644 1000:1000 6  $(stat -c %Y "$FX/layered.bundle/rootfs/etc/owned")
./home/user/new f 644 0:0 4  $(stat -c %Y "$FX/layered.bundle/rootfs/home/user/new")"
  grep -qx '# file: etc/added' "$T/ours"
  grep -qx 'user.mustela="layered"' "$T/ours"
  # one directory per layer, never one shared tree
  assert_equal "$(ls "$MUSTELA_DIR/layers" | wc -l)" 2
}

@test "marten: docker-archive and oci-archive tarballs (skopeo) give the same image" {
  run -0 marten import oci:"$FX/oci":layered
  id=$output
  skopeo copy -q oci:"$FX/oci":layered docker-archive:"$T/d.tar":test/layered:v2
  skopeo copy -q oci:"$FX/oci":layered oci-archive:"$T/o.tar":layered
  gzip -k "$T/d.tar"
  run -0 marten import "$T/d.tar"
  assert_output "$id"
  run -0 marten import docker-archive:"$T/d.tar.gz"
  assert_output "$id"
  run -0 marten import oci-archive:"$T/o.tar":layered named
  assert_output "$id"
  run -0 marten images
  # skopeo writes the name in its full form
  assert_line --regexp "^${id:0:12}	[0-9.]+[KM]?	docker.io/test/layered:v2\$"
  assert_line --regexp "^${id:0:12}	[0-9.]+[KM]?	named:latest\$"
  image_tree test/layered:v2 "$T/mnt" >"$T/ours"
  diff "$T/ours" "$FX/layered.tree"
}

@test "marten: an OCI index: the host's platform is taken" {
  run -0 marten import oci:"$FX/oci":multi multi
  id=$output
  image_tree multi "$T/mnt" >"$T/ours"
  diff "$T/ours" "$FX/amd64.tree"
  run -0 jq -r .architecture "$MUSTELA_DIR/images/$id/config.json"
  assert_output amd64
}

@test "marten: a corrupted blob is refused and nothing of it is kept" {
  cp -a "$FX/oci" "$T/oci"
  m=$(jq -r '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == "layered") | .digest' "$T/oci/index.json")
  l=$(jq -r '.layers[1].digest' "$T/oci/blobs/sha256/${m#sha256:}")
  printf 'X' | dd of="$T/oci/blobs/sha256/${l#sha256:}" bs=1 seek=100 conv=notrunc 2>/dev/null
  run -1 marten import oci:"$T/oci":layered
  assert_output "marten: blob $l: digest mismatch"
  [ ! -e "$MUSTELA_DIR/blobs/sha256/${l#sha256:}" ]
  assert_equal "$(ls "$MUSTELA_DIR/images")" ''
  assert_equal "$(ls "$MUSTELA_DIR/tmp")" ''
}

# hostile_import KIND: build a one-layer image of that kind, import it:
# it must fail, name the entry, and leave $T/outside and the store clean.
hostile_import() {
  run -1 marten import "$T/lay"
  assert_line --index 0 "$1"
  assert_line --index 1 --regexp '^marten: layer sha256:[0-9a-f]{64} refused$'
  assert_equal "$(cat "$T/outside/file")" precious
  assert_equal "$(ls "$T/outside")" file
  assert_equal "$(ls -A "$MUSTELA_DIR/layers" "$MUSTELA_DIR/images" "$MUSTELA_DIR/tmp" | tr -d '\n')" "$MUSTELA_DIR/images:$MUSTELA_DIR/layers:$MUSTELA_DIR/tmp:"
  rm -rf "$T/lay" "$T/s" "$T"/*.tar
}

@test "marten: hostile layers are refused with a clear error; the host is untouched" {
  # ../ in a name
  mkdir -p "$T/s" && echo evil >"$T/s/x"
  tar -C "$T/s" -cPf "$T/e.tar" --transform "s,^x\$,../../../../../../../../..$T/outside/file," x
  layout_from_tars "$T/lay" "$T/e.tar"
  hostile_import "layer-unpack: ../../../../../../../../..$T/outside/file: name leaves the layer (..)"
  # an absolute name
  mkdir -p "$T/s" && echo evil >"$T/s/x"
  tar -C "$T/s" -cPf "$T/e.tar" --transform "s,^x\$,$T/outside/new," x
  layout_from_tars "$T/lay" "$T/e.tar"
  hostile_import "layer-unpack: $T/outside/new: absolute name"
  # a symlink planted, then written through
  mkdir -p "$T/s" && ln -s "$T/outside" "$T/s/l"
  tar -C "$T/s" -cf "$T/e.tar" l
  rm "$T/s/l" && mkdir "$T/s/l" && echo evil >"$T/s/l/file"
  tar -C "$T/s" -rf "$T/e.tar" l/file
  layout_from_tars "$T/lay" "$T/e.tar"
  hostile_import 'layer-unpack: l/file: path goes through a symlink (l)'
  # a hardlink to a file outside
  mkdir -p "$T/s" && echo x >"$T/s/x" && ln "$T/s/x" "$T/s/y"
  tar -C "$T/s" -cPf "$T/e.tar" --transform "s,^x\$,../../../../../../../..$T/outside/file,RSh" x y
  layout_from_tars "$T/lay" "$T/e.tar"
  hostile_import "layer-unpack: y: hardlink target ../../../../../../../..$T/outside/file: name leaves the layer (..)"
  assert_equal "$(stat -c %h "$T/outside/file")" 1
}

@test "marten: images, tag, renamei, rmi of one name of several, inspect" {
  run -0 marten import "$(rootfs)" one
  id=$output
  marten tag one two:v2
  marten renamei two:v2 three
  run -0 marten li
  assert_output "ID	SIZE	NAME
${id:0:12}	$(jq '.layers[0].size' "$MUSTELA_DIR/images/$id/manifest.json" | numfmt --to=iec)	one:latest
${id:0:12}	$(jq '.layers[0].size' "$MUSTELA_DIR/images/$id/manifest.json" | numfmt --to=iec)	three:latest"
  run -0 marten images -l
  assert_line --index 1 --partial "$id"
  run -0 marten rmi three
  assert_output 'marten: untagged three:latest'
  run -0 marten inspect one
  assert_equal "$(jq -r .Id <<<"$output")" "sha256:$id"
  assert_equal "$(jq -r '.RepoTags | join(",")' <<<"$output")" one:latest
  assert_equal "$(jq -r .Digest <<<"$output")" "sha256:$(sha256sum <"$MUSTELA_DIR/images/$id/manifest.json" | cut -d' ' -f1)"
  assert_equal "$(jq -r '.Layers | length' <<<"$output")" 1
  run -1 marten inspect nothing
  assert_output 'marten: no such image or container: nothing'
  run -1 marten tag one 'bad name'
  assert_output 'marten: not a valid name: bad name'
}

@test "marten: rmi refuses an image a container uses; rmi and gc remove what no image uses" {
  run -0 marten import "$(rootfs)" base
  base=$output
  cid=$(fake_container base 'echo hi >new')
  run -1 marten rmi base
  assert_output "marten: image $base is used by container $cid"
  marten commit "$cid" child >/dev/null
  marten rm "$cid"
  assert_equal "$(ls "$MUSTELA_DIR/layers" | wc -l)" 2
  run -0 marten rmi child
  assert_output --regexp '^marten: deleted [0-9a-f]{64}$'
  assert_equal "$(ls "$MUSTELA_DIR/layers" | wc -l)" 1
  assert_equal "$(ls "$MUSTELA_DIR/blobs/sha256" | wc -l)" 3
  # gc: a stray blob, a stray layer and a killed run's scratch go
  echo stray >"$MUSTELA_DIR/blobs/sha256/$(printf 'f%.0s' $(seq 64))"
  mkdir "$MUSTELA_DIR/layers/$(printf 'e%.0s' $(seq 64))" "$MUSTELA_DIR/tmp/99999999.x"
  run -0 marten gc
  assert_output 'marten: removed 2 unused blobs and layers'
  assert_equal "$(ls "$MUSTELA_DIR/tmp")" ''
  run -0 marten resolve base
}

@test "marten: lc, rename, rm; rm refuses a running container" {
  marten import "$(rootfs)" base >/dev/null
  cid=$(fake_container base true)
  run -0 marten lc
  assert_output "ID	IMAGE	STATUS	NAME
${cid:0:12}	base:latest	stopped	-"
  marten rename "${cid:0:6}" web
  run -0 marten list -l
  assert_line --index 1 "$cid	base:latest	stopped	web"
  # running: its overlay is mounted in some mount namespace
  c=$MUSTELA_DIR/containers/$cid
  lower=$(marten resolve base | sed -n 's/^lower //p')
  unshare -m --propagation private overlay-mount --lower "$lower" \
    --upper "$c/storage" --work "$c/work" "$c/root" -- sleep 60 &
  pid=$!
  for _ in $(seq 50); do grep -q "/containers/$cid/storage" /proc/$pid/mountinfo 2>/dev/null && break; sleep 0.1; done
  run -0 marten lc
  assert_line --index 1 "${cid:0:12}	base:latest	running	web"
  run -0 marten inspect web
  assert_equal "$(jq -r .Status <<<"$output")" running
  run -1 marten rm web
  assert_output "marten: container $cid is running"
  kill "$pid"
  wait "$pid" || true
  run -0 marten rm web
  [ ! -e "$c" ]
  run -1 marten rm web
  assert_output 'marten: container not found: web'
}

@test "marten: commit: the container's tree as a new image; the same container, the same digests" {
  marten import oci:"$FX/oci":layered layered >/dev/null
  cid=$(fake_container layered 'rm etc/keep && echo hi >etc/new && rm -r home/user && mkdir home/user && echo y >home/user/z && mkdir -p srv && ln etc/new srv/hl')
  [ -c "$MUSTELA_DIR/containers/$cid/storage/etc/keep" ]
  run -0 marten commit "$cid" committed
  id=$output
  run -0 marten commit "$cid"
  assert_output "$id"
  # the new layer: OCI whiteouts, sorted, on top of the base's two
  m=$MUSTELA_DIR/images/$id/manifest.json
  assert_equal "$(jq '.layers | length' "$m")" 3
  run -0 tar -tzf "$MUSTELA_DIR/blobs/sha256/$(jq -r '.layers[2].digest' "$m" | cut -d: -f2)"
  assert_output 'etc/
etc/.wh.keep
etc/new
home/
home/user/
home/user/.wh..wh..opq
home/user/z
srv/
srv/hl'
  image_tree committed "$T/mnt" >"$T/ours"
  diff "$T/ours" "$T/container.tree"
}

@test "marten: export oci, oci-archive, docker-archive: skopeo, umoci, podman load read the same files" {
  marten import oci:"$FX/oci":layered layered >/dev/null
  cid=$(fake_container layered 'echo hi >etc/new && rm bin/suid-tool')
  id=$(marten commit "$cid" out:v3)
  image_tree out:v3 "$T/mnt" >"$T/ours"
  marten export out:v3 oci:"$T/layout"
  marten export out:v3 oci-archive:"$T/o.tar"
  marten export out:v3 "$T/d.tar"
  # skopeo reads each, and the image is the same image
  for src in oci:"$T/layout":v3 oci-archive:"$T/o.tar":v3 docker-archive:"$T/d.tar"; do
    run -0 skopeo inspect --config "$src"
    assert_equal "$(jq -c .rootfs <<<"$output")" "$(jq -c .rootfs "$MUSTELA_DIR/images/$id/config.json")"
  done
  # the OCI layout keeps the manifest: the same digest
  assert_equal "$(jq -r '.manifests[0].digest' "$T/layout/index.json")" \
    "sha256:$(sha256sum <"$MUSTELA_DIR/images/$id/manifest.json" | cut -d' ' -f1)"
  # umoci unpacks the layout into the same tree
  umoci unpack --image "$T/layout:v3" "$T/bundle" >/dev/null
  tree_list "$T/bundle/rootfs" >"$T/umoci"
  diff "$T/ours" "$T/umoci"
  # skopeo copies it on, and the copy unpacks the same
  skopeo copy -q oci:"$T/layout":v3 oci:"$T/copy":v3
  umoci unpack --image "$T/copy:v3" "$T/bundle2" >/dev/null
  tree_list "$T/bundle2/rootfs" | diff "$T/ours" -
  # podman loads the docker-archive and the oci-archive
  run -0 podman_ load -i "$T/d.tar"
  assert_line --partial 'Loaded image: localhost/out:v3'
  run -0 podman_ load -i "$T/o.tar"
  run -0 podman_ images --format '{{.ID}}' --no-trunc
  assert_line "sha256:$id"
  dir=$(podman_ image mount localhost/out:v3)
  tree_list "$dir" | diff "$T/ours" -
  podman_ image unmount -a >/dev/null
  podman_ rmi -a -f >/dev/null
}

# minc -r IMAGE sleep N in the background (stdout and stderr to files);
# sets pid to the host PID of that sleep once it runs.
run_image() { # IMAGE
  local n=$((7000 + RANDOM % 2000)) i
  minc -r "$1" sleep "$n" >"$T/minc.out" 2>"$T/minc.err" &
  for i in $(seq 100); do
    pid=$(pgrep -fx "sleep $n") && return 0
    sleep 0.05
  done
  return 1
}

@test "marten: minc -r IMAGE (deletions, opaque dirs): the container's tree is umoci's; the container ID on stderr only" {
  marten import oci:"$FX/oci":layered layered >/dev/null
  umoci unpack --image "$FX/oci:layered" "$T/bundle" >/dev/null
  run_image layered
  # the tree the container sees, but for what minc binds in
  tree_list "/proc/$pid/root" | grep -Ev '^(\./etc/(hosts|hostname|resolv\.conf) |[0-9a-f]{32}  \./etc/(hosts|hostname|resolv\.conf)$)' >"$T/ours"
  kill -KILL "$pid" # pid 1 of its namespace ignores TERM
  wait
  tree_list "$T/bundle/rootfs" | diff - "$T/ours"
  assert_equal "$(cat "$T/minc.out")" ''
  run -0 cat "$T/minc.err"
  assert_output --regexp '^minc: container [0-9a-f]{32}$'
  cid=${output#minc: container }
  run -0 marten lc -l
  assert_line --index 1 "$cid	layered:latest	stopped	-"
}

@test "marten: minc -r IMAGE runs its Cmd with its Env, WorkingDir and User" {
  marten import oci:"$FX/oci":base base >/dev/null
  run -0 --separate-stderr minc -r base
  assert_output 'bar'
  run -0 --separate-stderr minc -r base sh -c 'pwd; echo "$SPACES"; id -u'
  assert_output $'/home/user\na b  c\n0'
  run -0 --separate-stderr minc -r "$(marten resolve base | sed -n 's/^id //p' | cut -c1-10)" cat /etc/keep
  assert_output keep
  run -125 minc -r nosuchimage true
  assert_output 'minc: rootdir nosuchimage: No such directory or image'
}

@test "marten: minc -r, commit, minc -r the commit: the changes are there" {
  marten import oci:"$FX/oci":base base >/dev/null
  run -0 --separate-stderr minc -r base sh -c 'echo hi >/etc/new && rm /etc/keep && rm -r /home/user && mkdir /home/user && echo z >/home/user/z'
  cid=$(marten lc -l | sed -n '2s/\t.*//p')
  run -0 marten commit "$cid" changed
  run -0 --separate-stderr minc -r changed sh -c 'cat /etc/new; ls /etc/keep 2>&1; ls /home/user'
  assert_output $'hi\nls: /etc/keep: No such file or directory\nz'
  # the committed image still runs the base's Cmd
  run -0 --separate-stderr minc -r changed
  assert_output bar
}

# The manifest digest of a tag of the fixture layout.
fixture_digest() { # TAG
  jq -r --arg t "$1" '.manifests[] | select(.annotations."org.opencontainers.image.ref.name" == $t) | .digest' "$FX/oci/index.json"
}

@test "marten: pull from a plain registry: umoci's tree; a second pull downloads nothing" {
  registry_start plain "$T/reg"
  skopeo_to_registry oci:"$FX/oci":layered test/layered:v1
  run -0 --separate-stderr marten pull "$REGISTRY/test/layered:v1"
  id=$output
  assert_equal "sha256:$id" "$(jq -r .config.digest "$FX/oci/blobs/sha256/$(fixture_digest layered | cut -d: -f2)")"
  assert_equal "${stderr_lines[0]}" "marten: pulling $REGISTRY/test/layered:v1"
  assert_equal "${#stderr_lines[@]}" 5 # pulling, 3 blobs, pulled
  image_tree "$REGISTRY/test/layered:v1" "$T/mnt" | diff - "$FX/layered.tree"
  image_tree test/layered:v1 "$T/mnt" | diff - "$FX/layered.tree"
  gets=$(content_gets "$T/reg")
  assert_equal "$(blob_gets "$T/reg")" 3
  run -0 --separate-stderr marten pull "$REGISTRY/test/layered:v1"
  assert_output "$id"
  assert_equal "$(content_gets "$T/reg")" "$gets"
  # the manifest digest names the same image
  run -0 --separate-stderr marten pull "$REGISTRY/test/layered@$(fixture_digest layered)"
  assert_output "$id"
  assert_equal "$(content_gets "$T/reg")" "$gets"
  # unqualified names go to MUSTELA_REGISTRY
  MUSTELA_REGISTRY=$REGISTRY run -0 --separate-stderr marten pull test/layered:v1
  assert_output "$id"
  run -0 marten images
  assert_line --regexp "^${id:0:12}	.*	$REGISTRY/test/layered@sha256:[0-9a-f]{64}\$"
}

@test "marten: pull: gzip, zstd and plain layers, OCI and Docker manifests: the same image" {
  registry_start plain "$T/reg"
  skopeo_to_registry oci:"$FX/oci":layered t/zstd --dest-compress-format zstd
  skopeo_to_registry oci:"$FX/oci":layered t/docker --format v2s2
  for r in zstd docker; do
    export MUSTELA_DIR=$T/store-$r
    run -0 --separate-stderr marten pull "$REGISTRY/t/$r"
    assert_equal "sha256:$output" "$(jq -r .config.digest "$FX/oci/blobs/sha256/$(fixture_digest layered | cut -d: -f2)")"
    image_tree "t/$r" "$T/mnt" | diff - "$FX/layered.tree"
  done
  run -0 jq -r '[.layers[].mediaType] | unique | join(" ")' "$T"/store-zstd/images/*/manifest.json
  assert_output 'application/vnd.oci.image.layer.v1.tar+zstd'
  run -0 jq -r '[.mediaType, .layers[].mediaType] | unique | join(" ")' "$T"/store-docker/images/*/manifest.json
  assert_output 'application/vnd.docker.distribution.manifest.v2+json application/vnd.docker.image.rootfs.diff.tar.gzip'
  # exported as an OCI layout, the Docker manifest takes OCI's media types
  MUSTELA_DIR=$T/store-docker marten export t/docker oci:"$T/dl"
  umoci unpack --image "$T/dl:latest" "$T/dbundle" >/dev/null
  tree_list "$T/dbundle/rootfs" | diff - "$FX/layered.tree"
  # skopeo compresses what it pushes: plain layers go up with marten push
  tar -C "$(rootfs)" --exclude ./.done -cf "$T/1.tar" .
  LAYER_PLAIN=1 layout_from_tars "$T/lay" "$T/1.tar" "$FX/layer2.tar"
  umoci unpack --image "$T/lay:latest" "$T/bundle" >/dev/null
  export MUSTELA_DIR=$T/store-up
  marten import oci:"$T/lay":latest plain >/dev/null
  marten push plain "$REGISTRY/t/plain" >/dev/null 2>&1
  export MUSTELA_DIR=$T/store-plain
  run -0 --separate-stderr marten pull "$REGISTRY/t/plain"
  run -0 jq -r '[.layers[].mediaType] | unique | join(" ")' "$MUSTELA_DIR/images/$output/manifest.json"
  assert_output 'application/vnd.oci.image.layer.v1.tar'
  image_tree t/plain "$T/mnt" | diff - <(tree_list "$T/bundle/rootfs")
}

@test "marten: pull from an index: the host's platform, or --platform's" {
  registry_start plain "$T/reg"
  skopeo_to_registry oci:"$FX/oci":multi t/multi --all
  run -0 --separate-stderr marten pull "$REGISTRY/t/multi"
  image_tree t/multi "$T/mnt" | diff - "$FX/amd64.tree"
  run -0 --separate-stderr marten pull --platform linux/arm64 "$REGISTRY/t/multi:latest"
  run -0 jq -r .architecture "$MUSTELA_DIR/images/$output/config.json"
  assert_output arm64
  run -1 --separate-stderr marten pull --platform linux/s390x "$REGISTRY/t/multi"
  assert_equal "$stderr" "marten: pulling $REGISTRY/t/multi:latest
marten: $REGISTRY/t/multi:latest: no image for linux/s390x (there are: linux/amd64 linux/arm64)"
  # a Docker manifest list, the same
  skopeo_to_registry oci:"$FX/oci":multi t/dlist --all --format v2s2
  run -0 skopeo inspect --raw --tls-verify=false "docker://$REGISTRY/t/dlist"
  assert_equal "$(jq -r .mediaType <<<"$output")" application/vnd.docker.distribution.manifest.list.v2+json
  run -0 --separate-stderr marten pull "$REGISTRY/t/dlist"
  image_tree t/dlist "$T/mnt" | diff - "$FX/amd64.tree"
}

@test "marten: pull refuses a corrupted or a cut blob and keeps nothing of it" {
  registry_start plain "$T/reg"
  skopeo_to_registry oci:"$FX/oci":layered t/bad
  m=$(fixture_digest layered)
  l=$(jq -r '.layers[1].digest' "$FX/oci/blobs/sha256/${m#sha256:}")
  b=$(registry_blob "$T/reg" "$l")
  printf 'X' | dd of="$b" bs=1 seek=100 conv=notrunc 2>/dev/null
  run -1 --separate-stderr marten pull "$REGISTRY/t/bad"
  assert_equal "${stderr_lines[-1]}" "marten: blob $l: digest mismatch"
  [ ! -e "$MUSTELA_DIR/blobs/sha256/${l#sha256:}" ]
  assert_equal "$(ls "$MUSTELA_DIR/images" "$MUSTELA_DIR/tmp")" "$MUSTELA_DIR/images:

$MUSTELA_DIR/tmp:"
  truncate -s 100 "$b"
  run -1 --separate-stderr marten pull "$REGISTRY/t/bad"
  assert_equal "${stderr_lines[-1]}" "marten: blob $l: size 100, expected $(jq -r '.layers[1].size' "$FX/oci/blobs/sha256/${m#sha256:}")"
  [ ! -e "$MUSTELA_DIR/blobs/sha256/${l#sha256:}" ]
}

@test "marten: plain http to loopback registries unasked (Docker's rule); https to any other unless named" {
  local h
  # the decision, for names no test may send traffic to
  for h in 127.0.0.1 127.0.0.1:5000 127.1.2.3:1 127.255.255.255 localhost \
    localhost:5000 '[::1]' '[::1]:5000'; do
    run -0 sh -c '. "$1" && insecure "$2"' sh "$TOP/libexec/mustela/marten-registry.sh" "$h"
  done
  for h in 127.0.0.256 127.00.0.1 127.0.0.1.nip.io 127.0.0 128.0.0.1 10.0.0.1 \
    localhost.example mirror.localhost:5000 '[::2]:5000' '[::1]:' 127.0.0.1: \
    127.0.0.1:x localhost:1:2 docker.io; do
    run -1 sh -c '. "$1" && insecure "$2"' sh "$TOP/libexec/mustela/marten-registry.sh" "$h"
  done
  MUSTELA_INSECURE_REGISTRIES=a.example:1,b.example run -0 sh -c \
    '. "$1" && insecure a.example:1 && insecure b.example && ! insecure a.example' \
    sh "$TOP/libexec/mustela/marten-registry.sh"
  # the test registry on 127.0.0.1 and as localhost, MUSTELA_INSECURE_REGISTRIES unset
  registry_start plain "$T/reg"
  [ -z "${MUSTELA_INSECURE_REGISTRIES+set}" ]
  skopeo_to_registry oci:"$FX/oci":layered t/x
  run -0 --separate-stderr marten pull "$REGISTRY/t/x"
  id=$output
  run -0 --separate-stderr marten pull "localhost:${REGISTRY##*:}/t/x"
  assert_output "$id"
  # a name that is not loopback (curl resolves NAME.localhost to 127.0.0.1
  # itself, asking no resolver): https, which the registry cannot read
  n=$(grep -c 'curl/' "$T/reg/log")
  mirror=mirror.localhost:${REGISTRY##*:}
  run -1 --separate-stderr marten pull "$mirror/t/x"
  assert_equal "${stderr_lines[-1]}" "marten: $mirror: request failed: HEAD https://$mirror/v2/t/x/manifests/latest"
  run -1 --separate-stderr marten --debug pull "$mirror/t/x"
  [[ $stderr == *"reg_url=https://$mirror"$'\n'* ]]
  assert_equal "$(grep -c 'curl/' "$T/reg/log")" "$n"
  # named insecure: plain http
  MUSTELA_INSECURE_REGISTRIES=other,$mirror run -0 --separate-stderr marten pull "$mirror/t/x"
  assert_output "$id"
}

# A curl first in PATH that logs its arguments to $T/cmdlines.
curl_logger() {
  mkdir -p "$T/bin"
  printf '#!/bin/sh\nprintf "%%s\\n" "$*" >>"%s"\nexec %s "$@"\n' \
    "$T/cmdlines" "$(command -v curl)" >"$T/bin/curl"
  chmod 755 "$T/bin/curl"
}

@test "marten: Basic auth (htpasswd): no, wrong and right credentials; never on curl's command line" {
  registry_start basic "$T/reg"
  skopeo_to_registry oci:"$FX/oci":layered t/x --dest-creds "$REG_USER:$REG_PASS"
  run -1 --separate-stderr marten pull "$REGISTRY/t/x"
  assert_equal "${stderr_lines[-1]}" "marten: $REGISTRY: authentication required (marten pull --creds USER:PASS)"
  run -1 --separate-stderr marten pull --creds "$REG_USER:wrong" "$REGISTRY/t/x"
  assert_equal "${stderr_lines[-1]}" "marten: $REGISTRY: authentication failed"
  curl_logger
  PATH=$T/bin:$PATH run -0 --separate-stderr marten pull --creds "$REG_USER:$REG_PASS" "$REGISTRY/t/x"
  image_tree t/x "$T/mnt" | diff - "$FX/layered.tree"
  grep -q "/v2/t/x/blobs/" "$T/cmdlines"
  run -1 grep -aF 's3cr' "$T/cmdlines"
  # push needs them too
  id=$(marten resolve t/x | sed -n 's/^id //p')
  run -0 --separate-stderr env MARTEN_CREDS="$REG_USER:$REG_PASS" marten push "$id" "$REGISTRY/t/y:v1"
  assert_output "$(fixture_digest layered)"
}

@test "marten: Bearer tokens: pull and push get tokens for their scopes" {
  registry_start bearer "$T/reg"
  skopeo_to_registry oci:"$FX/oci":layered t/x --dest-creds "$REG_USER:$REG_PASS"
  : >"$T/reg/token/scopes"
  run -1 --separate-stderr marten pull "$REGISTRY/t/x"
  assert_equal "${stderr_lines[-1]}" "marten: $REGISTRY: token refused by $TOKEN_REALM (HTTP 401)"
  curl_logger
  PATH=$T/bin:$PATH run -0 --separate-stderr marten pull --creds "$REG_USER:$REG_PASS" "$REGISTRY/t/x"
  image_tree t/x "$T/mnt" | diff - "$FX/layered.tree"
  grep -q "cgi-bin/token" "$T/cmdlines"
  run -1 grep -aF 's3cr' "$T/cmdlines"
  run -0 --separate-stderr marten push --creds "$REG_USER:$REG_PASS" t/x "$REGISTRY/t/pushed:v1"
  assert_output "$(fixture_digest layered)"
  # docker-registry names a push's actions in either order (push,pull or
  # pull,push): one spelling, then the set
  run -0 sh -c 'sed "s/:push,pull\$/:pull,push/" "$1" | sort -u' sh "$T/reg/token/scopes"
  assert_output 'repository:t/pushed:pull
repository:t/pushed:pull,push
repository:t/x:pull'
}

@test "marten: a plain http token realm must be loopback or named insecure" {
  # (no image: the realm is asked before the registry says "not found";
  # and no Go client here, which would ask a resolver for token.localhost)
  REALM_HOST=token.localhost registry_start bearer "$T/reg"
  : >"$T/reg/token/scopes"
  run -1 --separate-stderr marten pull --creds "$REG_USER:$REG_PASS" "$REGISTRY/t/x"
  assert_equal "${stderr_lines[-1]}" "marten: $REGISTRY: token realm $TOKEN_REALM is not https"
  assert_equal "$(cat "$T/reg/token/scopes")" ''
  MUSTELA_INSECURE_REGISTRIES=token.localhost:${TOKEN_SERVER##*:} run -1 --separate-stderr \
    marten pull --creds "$REG_USER:$REG_PASS" "$REGISTRY/t/x"
  assert_equal "${stderr_lines[-1]}" "marten: $REGISTRY: manifest t/x:latest: HTTP 404 (manifest unknown)"
  assert_equal "$(cat "$T/reg/token/scopes")" repository:t/x:pull
}

@test "marten: commit, push, pull into another store: the same digests; skopeo reads the push" {
  registry_start plain "$T/reg"
  marten import oci:"$FX/oci":layered layered >/dev/null
  cid=$(fake_container layered 'echo pushed >etc/pushed && rm etc/added')
  id=$(marten commit "$cid" "$REGISTRY/mine/app:v1")
  digest=sha256:$(sha256sum <"$MUSTELA_DIR/images/$id/manifest.json" | cut -d' ' -f1)
  run -0 --separate-stderr marten push "$REGISTRY/mine/app:v1"
  assert_output "$digest"
  assert_equal "${#stderr_lines[@]}" 6 # pushing, 4 blobs, pushed
  # pushed again, under another tag: every blob is there already
  run -0 --separate-stderr marten push "$id" "$REGISTRY/mine/app:v2"
  assert_equal "$(printf '%s\n' "${stderr_lines[@]}" | grep -c '^marten: exists sha256:')" 4
  run -0 skopeo inspect --tls-verify=false "docker://$REGISTRY/mine/app:v2"
  assert_equal "$(jq -r .Digest <<<"$output")" "$digest"
  export MUSTELA_DIR=$T/other
  run -0 --separate-stderr marten pull "$REGISTRY/mine/app:v1"
  assert_output "$id"
  assert_equal "sha256:$(sha256sum <"$MUSTELA_DIR/images/$id/manifest.json" | cut -d' ' -f1)" "$digest"
  image_tree "$id" "$T/mnt" | diff - "$T/container.tree"
}

@test "marten: an archive whose files are symlinks to the host's is refused" {
  mkdir -p "$T/s" "$T/d"
  echo secret >"$T/s/secret"
  tar -C "$T/s" -cf "$T/outside/secret.tar" secret
  ln -s "$T/outside/secret.tar" "$T/d/layer.tar"
  jq -nc --arg h "sha256:$(sha256sum <"$T/outside/secret.tar" | cut -d' ' -f1)" \
    '{architecture: "amd64", os: "linux", config: {}, rootfs: {type: "layers", diff_ids: [$h]}}' >"$T/d/c.json"
  echo '[{"Config":"c.json","RepoTags":["h:1"],"Layers":["layer.tar"]}]' >"$T/d/manifest.json"
  tar -C "$T/d" -cf "$T/h.tar" .
  run -1 marten import "$T/h.tar"
  assert_output "marten: $T/h.tar: path leaves the archive: layer.tar"
  # an OCI layout's blob, the same
  layout_from_tars "$T/lay" "$T/outside/secret.tar"
  l=$(ls "$T/lay/blobs/sha256" | head -n 1)
  mv "$T/lay/blobs/sha256/$l" "$T/outside/blob"
  ln -s "$T/outside/blob" "$T/lay/blobs/sha256/$l"
  tar -C "$T/lay" -cf "$T/o.tar" .
  run -1 marten import "$T/o.tar"
  assert_output "marten: $T/o.tar: path leaves the archive: blobs/sha256/$l"
  assert_equal "$(ls "$MUSTELA_DIR/images")" ''
}

@test "marten: import, minc -r, commit, export: skopeo copy and podman load give the same files back" {
  marten import "$(rootfs)" rt >/dev/null
  minc -r rt sh -c 'echo round >/etc/trip && rm /bin/ls && mkdir -p /srv/a && ln -s ../etc/trip /srv/a/l' 2>/dev/null
  cid=$(marten lc -l | sed -n '2s/\t.*//p')
  id=$(marten commit "$cid" rt:done)
  image_tree rt:done "$T/mnt" >"$T/ours"
  grep -q '^\./etc/trip f ' "$T/ours"
  run -1 grep '^\./bin/ls ' "$T/ours"
  marten export rt:done oci:"$T/layout"
  marten export rt:done docker-archive:"$T/d.tar"
  skopeo copy -q oci:"$T/layout":done oci:"$T/copy":done
  umoci unpack --image "$T/copy:done" "$T/bundle" >/dev/null
  tree_list "$T/bundle/rootfs" | diff "$T/ours" -
  run -0 podman_ load -i "$T/d.tar"
  dir=$(podman_ image mount localhost/rt:done)
  tree_list "$dir" | diff "$T/ours" -
  podman_ image unmount -a >/dev/null
  podman_ rmi -a -f >/dev/null
  # and back: the docker-archive imports as the same image
  marten rmi rt:done >/dev/null 2>&1
  run -0 marten import "$T/d.tar"
  assert_output "$id"
}

@test "marten: the layers (setuid files, devices) are root's alone on the host; a container's user still reads them" {
  marten import oci:"$FX/oci":layered layered >/dev/null
  run -0 stat -c '%a %n' "$MUSTELA_DIR/layers" "$MUSTELA_DIR/containers" "$MUSTELA_DIR/tmp"
  assert_output "700 $MUSTELA_DIR/layers
700 $MUSTELA_DIR/containers
700 $MUSTELA_DIR/tmp"
  chmod 755 "$T" # a user reaches the store, and images/, but not layers/
  run -0 setpriv --reuid 1000 --regid 1000 --clear-groups ls "$MUSTELA_DIR/images"
  run -2 setpriv --reuid 1000 --regid 1000 --clear-groups ls "$MUSTELA_DIR/layers"
  assert_output --partial "Permission denied"
  marten import oci:"$FX/oci":base base >/dev/null
  run -0 --separate-stderr minc -r base --user 1000:1000 sh -c 'id -u; cat /etc/keep /home/user/old'
  assert_output $'1000\nkeep\nold'
}

@test "marten: what a killed import left is swept by the next one" {
  local i
  marten import "$(rootfs)" >/dev/null # the store exists
  marten rmi "$(marten images -l | sed -n '2s/\t.*//p')" >/dev/null 2>&1
  tar -C "$(rootfs)" -cf "$T/r.tar" .
  # in a process group of its own: killed whole, as by ^C or a crash
  setsid marten import "$T/r.tar" big >/dev/null &
  pid=$!
  for i in $(seq 200); do
    ls "$MUSTELA_DIR/tmp/$pid".* >/dev/null 2>&1 && break
    sleep 0.01
  done
  kill -KILL -- "-$pid"
  wait "$pid" || true
  # a live run's scratch stays, a dead one's goes
  mkdir "$MUSTELA_DIR/tmp/$$.live" "$MUSTELA_DIR/tmp/99999999.dead"
  run -0 marten import "$T/r.tar" big
  assert_equal "$(ls "$MUSTELA_DIR/tmp")" "$$.live"
  marten resolve big >/dev/null
}

@test "marten: four imports of one image at once: one image, one directory per layer" {
  local i
  for i in 1 2 3 4; do
    marten import oci:"$FX/oci":layered "l$i" >"$T/id$i" 2>"$T/err$i" &
  done
  wait
  cat "$T"/err*
  assert_equal "$(sort -u "$T"/id* | wc -l)" 1
  id=$(cat "$T/id1")
  assert_equal "$(ls "$MUSTELA_DIR/images")" "$id"
  assert_equal "$(ls "$MUSTELA_DIR/images/$id" | tr '\n' ' ')" 'config.json layers manifest.json run '
  assert_equal "$(ls "$MUSTELA_DIR/layers" | wc -l)" 2
  for l in "$MUSTELA_DIR"/layers/*; do
    run -0 find "$l" -maxdepth 1 -name '*.layer.*' -print -quit
    assert_output ''
  done
  assert_equal "$(ls "$MUSTELA_DIR/tmp")" ''
  image_tree l3 "$T/mnt" | diff - "$FX/layered.tree"
}

@test "marten ps, exec, stop: bad input says what is wrong (exec: 125, the others: 1)" {
  run -1 marten ps extra
  assert_output 'marten: usage: marten ps [-l]'
  run -1 marten ps -x
  assert_output 'marten: ps: unknown option: -x'
  run -125 marten exec
  assert_output 'marten: usage: marten exec ID CMD [ARGS...]'
  run -125 marten exec -x abc true
  assert_output 'marten: exec: unknown option: -x'
  run -125 marten exec abc
  assert_output 'marten: exec abc: no command (usage: marten exec ID CMD [ARGS...])'
  run -125 marten exec nosuch true
  assert_output 'marten: container not found: nosuch'
  run -1 marten stop
  assert_output 'marten: usage: marten stop [--time S] ID...'
  run -1 marten stop nosuch
  assert_output 'marten: container not found: nosuch'
  run -1 marten stop abc --time
  assert_output 'marten: --time: option requires an argument'
  for t in x -1 1.5 010; do
    run -1 marten stop --time "$t" abc
    assert_output "marten: stop: --time: not a number of seconds: $t"
  done
  # a kept container that does not run: exec refuses, stop has nothing to do
  marten import "$(rootfs)" base >/dev/null
  cid=$(fake_container base true)
  run -125 marten exec "${cid:0:8}" true
  assert_output "marten: exec ${cid:0:8}: container not running"
  run -0 marten stop "$cid"
  assert_output ''
  # a stale pid file whose pid is now another process's: not the container
  # (not pid 1 of a namespace, not on its overlay), and left alone
  sleep 60 3>&- &
  other=$!
  echo "$other" >"$MUSTELA_DIR/containers/$cid/pid"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: container not running"
  run -0 marten ps
  assert_output "ID	IMAGE	PID	NAME	COMMAND"
  run -0 marten stop --time 0 "$cid"
  kill -0 "$other"
  kill "$other"
  rm "$MUSTELA_DIR/containers/$cid/pid"
}

@test "marten ps, exec, stop: a minc -B container, entered and stopped by its ID" {
  marten import oci:"$FX/oci":base base >/dev/null
  bg_run --pid-max 64 -r base sleep 1000
  run -0 marten ps
  assert_output "ID	IMAGE	PID	NAME	COMMAND
${cid:0:12}	base:latest	$pid	-	sleep 1000"
  marten rename "$cid" web
  run -0 marten ps -l
  assert_line --index 1 "$cid	base:latest	$pid	web	sleep 1000"
  run -0 marten inspect web
  assert_equal "$(jq -r '"\(.Status) \(.Pid)"' <<<"$output")" "running $pid"
  # the image's environment and working directory, the container's name
  run -0 --separate-stderr marten exec web sh -c 'echo "$FOO"; pwd; hostname'
  assert_output "bar
/home/user
${cid:0:12}"
  # stdin, and the status of the program: its own, 126, 127, 128+N
  run -0 --separate-stderr marten exec "${cid:0:6}" cat <<<'to stdin'
  assert_output 'to stdin'
  run -3 marten exec web sh -c 'exit 3'
  run -127 --separate-stderr marten exec web nosuch
  assert_equal "$stderr" 'seccomp-load: exec nosuch: No such file or directory'
  run -126 --separate-stderr marten exec web /etc/keep
  assert_equal "$stderr" 'seccomp-load: exec /etc/keep: Permission denied'
  run -137 marten exec web sh -c 'kill -KILL $$'
  # seen from the host, a process exec started is where pid 1 is: the same
  # namespaces, root, cgroups, capabilities, ids, no_new_privs, seccomp;
  # no descriptor of the caller's (7, 12) or of the helpers is open in it
  local n=$((7000 + RANDOM % 2000)) p ns
  marten exec web sleep "$n" 7<"$T/outside/file" 12>/dev/null 3>&- &
  for _ in $(seq 100); do p=$(pgrep -fx "sleep $n") && break; sleep 0.05; done
  for ns in mnt uts ipc pid net cgroup; do
    assert_equal "$(readlink "/proc/$p/ns/$ns")" "$(readlink "/proc/$pid/ns/$ns")"
  done
  assert_equal "$(stat -L -c %d:%i "/proc/$p/root")" "$(stat -L -c %d:%i "/proc/$pid/root")"
  assert_equal "$(cat "/proc/$p/cgroup")" "$(cat "/proc/$pid/cgroup")"
  grep -q ':/.*mustela-[0-9]*$' "/proc/$p/cgroup"
  assert_equal "$(grep -E '^(Uid|Gid|Groups|Cap...|NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$p/status")" \
    "$(grep -E '^(Uid|Gid|Groups|Cap...|NoNewPrivs|Seccomp|Seccomp_filters):' "/proc/$pid/status")"
  grep -qx 'Seccomp:	2' "/proc/$p/status"
  run -0 ls "/proc/$p/fd"
  assert_output $'0\n1\n2'
  for f in "/proc/$p/fd"/*; do
    case "$(readlink "$f")" in
      *"$T/outside/file" | */cap-drop | */seccomp-load | */default.policy) false ;;
    esac
  done
  # stop: SIGTERM, which sleep as pid 1 ignores, then SIGKILL after --time
  # (at least its 2 s; under the default 10 s however loaded the machine)
  SECONDS=0
  run -0 marten stop web --time 2
  [ "$SECONDS" -ge 2 ] && [ "$SECONDS" -lt 10 ]
  run -137 wait "$!" # the exec'd sleep went with its container
  run -0 marten ps
  assert_output "ID	IMAGE	PID	NAME	COMMAND"
  run -125 marten exec web true
  assert_output 'marten: exec web: container not running'
  run -0 marten inspect web
  assert_equal "$(jq -r '"\(.Status) \(.Pid)"' <<<"$output")" "stopped 0"
  # gone: its mounts too, so it can be removed at once
  run -0 marten rm web
  run -1 marten stop web
  assert_output 'marten: container not found: web'
}

@test "marten exec: as the container's user (no capabilities, no_new_privs), or privileged (all, no seccomp)" {
  marten import oci:"$FX/oci":base base >/dev/null
  bg_run -r base --user 1000:1000 sleep 1000
  run -0 --separate-stderr marten exec "$cid" sh -c 'id -u; id -g; grep -E "^(CapEff|CapBnd|NoNewPrivs|Seccomp):" /proc/self/status'
  assert_output "1000
1000
$(grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' "/proc/$pid/status")"
  assert_line 'CapEff:	0000000000000000'
  assert_line 'NoNewPrivs:	1'
  bg_run -r base --privileged sleep 1000
  run -0 --separate-stderr marten exec "$cid" grep -E '^(CapEff|CapBnd|Seccomp):' /proc/self/status
  assert_output "$(grep -E '^(CapEff|CapBnd|Seccomp):' "/proc/$pid/status")"
  assert_line 'Seccomp:	0'
  assert_line "CapBnd:	$(grep '^CapBnd:' /proc/self/status | cut -f2)"
  # unconfined, only cap-drop crosses (3): the caller's 4, 5 and 12 do not
  run -0 --separate-stderr marten exec "$cid" sh -c \
    'for n in 3 4 5 12; do [ ! -e /proc/self/fd/$n ] || echo "open $n"; done' \
    4</dev/null 5</dev/null 12>/dev/null
  assert_output ''
  # nothing is guessed: without its confine file, exec refuses
  local f=$MUSTELA_DIR/containers/$cid/confine
  mv "$f" "$T/confine"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: $f: No such file"
  printf 'seccomp unconfined\n' >"$f"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: $f: no caps line"
  printf 'caps all\n' >"$f"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: $f: no seccomp line"
  printf 'caps all\nseccomp %s\n' "$T/none" >"$f"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: seccomp profile $T/none: No such file"
  printf 'caps all\nuser 1000\nseccomp unconfined\n' >"$f"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: $f: bad user: 1000"
  printf 'caps all\nuser 0:0\ngroups 1,x\nseccomp unconfined\n' >"$f"
  run -125 marten exec "$cid" true
  assert_output "marten: exec $cid: $f: bad groups: 1,x"
  printf 'caps nosuch\nseccomp unconfined\n' >"$f"
  run -125 marten exec "$cid" true
  assert_output 'cap-drop: unknown capability: nosuch'
  mv "$T/confine" "$f"
}

@test "marten stop: SIGTERM first; a program that handles it (or minc --init) ends without the SIGKILL" {
  marten import oci:"$FX/oci":base base >/dev/null
  bg_run -r base sh -c 'trap "exit 7" TERM; while :; do sleep 1; done'
  SECONDS=0
  run -0 marten stop -t 30 "$cid"
  [ "$SECONDS" -lt 5 ]
  for _ in $(seq 100); do [ -e "$MUSTELA_DIR/containers/$cid/status" ] && break; sleep 0.05; done
  assert_equal "$(cat "$MUSTELA_DIR/containers/$cid/status")" 7
  # --init: pid 1 is ns-enter's init; ps shows the program it started
  bg_run --init -r base sleep 1000
  run -0 marten ps
  assert_line --index 1 "${cid:0:12}	base:latest	$pid	-	sleep 1000"
  SECONDS=0
  run -0 marten stop "$cid"
  [ "$SECONDS" -lt 5 ]
  for _ in $(seq 100); do [ -e "$MUSTELA_DIR/containers/$cid/status" ] && break; sleep 0.05; done
  assert_equal "$(cat "$MUSTELA_DIR/containers/$cid/status")" 143
}
