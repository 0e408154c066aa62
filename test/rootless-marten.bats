#!/usr/bin/env bats
# rootless marten: the image store of an ordinary user, for real (runuser,
# no faking): its store under ~/.local/share/mustela, layers unpacked in
# its user namespace (the image's owners mapped into its /etc/subuid
# range), pull from Debian's docker-registry on 127.0.0.1, run, commit,
# export, removal; owners outside the map refused; nobody (no range)

load 'lib/common'
load 'lib/registry'
load 'lib/rootless'

# The user, the fixture images in a registry: made once, removed at the end.
setup_file() {
  need_root
  export RU=mmarten$$ UT H FX
  rootless_user_add "$RU"
  H=$(getent passwd "$RU" | cut -d: -f6)
  UT=$(mktemp -d /tmp/mustela-rmarten.XXXXXX)
  chmod 755 "$UT"
  install -d -o "$RU" -g "$RU" "$UT/own"
  install -d -o nobody -g nogroup "$UT/nobody"
  FX=$UT/fx
  mkdir -p "$FX"
  local s=$FX/stage
  # base: the busybox rootfs (root's files), then a layer giving etc/owned
  # to 1000:1000 and deleting etc/group (a whiteout)
  tar --numeric-owner -C "$(rootfs)" --exclude ./.done -cf "$FX/rootfs.tar" .
  # the same without /home/user (1000's): root's files alone
  tar --numeric-owner -C "$(rootfs)" --exclude ./.done --exclude ./home/user \
    -cf "$FX/rootfs-root.tar" .
  mkdir -p "$s/etc"
  echo owned >"$s/etc/owned"
  chown 1000:1000 "$s/etc/owned"
  : >"$s/etc/.wh.group"
  layer_tar "$s" "$FX/l2.tar" etc etc/owned etc/.wh.group
  rm -rf "$s"
  # far: one file of uid 70000, beyond a 65536 range
  mkdir -p "$s/etc"
  echo far >"$s/etc/far"
  chown 70000:70000 "$s/etc/far"
  layer_tar "$s" "$FX/far.tar" etc etc/far
  rm -rf "$s"
  # dev: a device node; opq: an opaque directory
  mkdir -p "$s/etc"
  mknod "$s/etc/cdev" c 1 3
  layer_tar "$s" "$FX/dev.tar" etc etc/cdev
  rm -rf "$s"
  mkdir -p "$s/home"
  : >"$s/home/.wh..wh..opq"
  layer_tar "$s" "$FX/opq.tar" home home/.wh..wh..opq
  rm -rf "$s"
  # many: 20000 files of uid 1000 (an unpack that takes a while)
  mkdir -p "$s/many"
  (cd "$s/many" && seq 1 200000 | split -l 10 -a 5 - f)
  chown -R 1000:1000 "$s/many"
  tar --numeric-owner -C "$s" -cf "$FX/many.tar" many
  rm -rf "$s"
  # root-only: a tarball with root's files alone; five: one of uid 5
  mkdir -p "$s/etc"
  echo root >"$s/etc/rootfile"
  tar --numeric-owner -C "$s" -cf "$FX/root-only.tar" etc
  chown 5:5 "$s/etc/rootfile"
  tar --numeric-owner -C "$s" -cf "$FX/five.tar" etc
  rm -rf "$s"
  chmod -R a+rX "$FX"

  registry_start plain "$UT/reg"
  export REGISTRY REGISTRY_PID
  layout_from_tars "$FX/base" "$FX/rootfs.tar" "$FX/l2.tar"
  layout_from_tars "$FX/far" "$FX/rootfs.tar" "$FX/far.tar"
  local name
  for name in dev many; do
    layout_from_tars "$FX/$name" "$FX/$name.tar"
  done
  # opq: the busybox tree, then a layer whose /home is opaque
  layout_from_tars "$FX/opq" "$FX/rootfs.tar" "$FX/opq.tar"
  for name in base far dev opq many; do
    skopeo_to_registry "oci:$FX/$name:latest" "rm/$name:v1"
  done
}

teardown_file() {
  [ -n "${RU-}" ] || return 0
  registry_stop
  rootless_user_del "$RU"
  rm -rf "$UT"
}

setup() {
  need_root
  uid=$(id -u "$RU")
  IFS=: read -r _ sub count < <(grep "^$RU:" /etc/subuid)
  S=$H/.local/share/mustela
  export AS_HOME=$H
}

teardown() {
  # what the user's processes left: killed by the test user's uid only
  pkill -KILL -u "$RU" 2>/dev/null || :
  rm -rf "$S" "$UT/own"/* "$UT/nobody"/*
}

# A listing of root's store, to show it untouched: marten's entries of
# /var/lib/mustela (others keep their own things there too)
root_store() {
  local e
  for e in blobs containers empty images layers tmp lock names names.lock; do
    [ ! -e "/var/lib/mustela/$e" ] ||
      find "/var/lib/mustela/$e" -printf '%p %m %U:%G %s %T@\n'
  done | LC_ALL=C sort | md5sum
}

# The diff_id of a fixture layer.
diff_of() { # NAME
  sha256sum <"$FX/$1.tar" | cut -d' ' -f1
}

@test "rootless marten: a user pulls into its own store, the image's owners mapped into its range" {
  before=$(root_store)
  run -0 --separate-stderr as "$RU" marten pull "$REGISTRY/rm/base:v1"
  assert_equal "${stderr_lines[-1]}" "marten: pulled $REGISTRY/rm/base:v1"
  # the store: the user's, its layers reachable by it alone
  run -0 stat -c '%U %a' "$S" "$S/layers" "$S/tmp"
  assert_output "$RU 755"$'\n'"$RU 700"$'\n'"$RU 700"
  l=$S/layers/$(diff_of l2) r=$S/layers/$(diff_of rootfs)
  # the image's 1000 is the range's 1000th id, its root the user
  run -0 stat -c '%u:%g' "$l/etc/owned" "$r/bin/busybox"
  assert_output "$((sub + 999)):$((sub + 999))"$'\n'"$uid:$uid"
  # the whiteout: overlay's 0/0 character device, made in the namespace
  run -0 stat -c '%F %t:%T' "$l/etc/group"
  assert_output "character special file 0:0"
  run -0 as "$RU" marten images
  assert_line --regexp "	$REGISTRY/rm/base:v1\$"
  # root's store: untouched, and root's listing does not show the user's
  assert_equal "$(root_store)" "$before"
  run -0 marten images
  refute_output --partial rm/base
}

@test "rootless marten: run, commit and export as the user; the image's ids inside and in the archives" {
  before=$(root_store)
  as "$RU" marten pull "$REGISTRY/rm/base:v1" 2>/dev/null
  run -0 --separate-stderr as "$RU" minc -r "$REGISTRY/rm/base:v1" sh -c 'id -u; stat -c %u:%g /etc/owned; [ ! -e /etc/group ] && echo no group'
  assert_output $'0\n1000:1000\nno group'
  # a kept container writes a file of 5:7: on the host the range's
  run -0 --separate-stderr as "$RU" minc -k -r "$REGISTRY/rm/base:v1" sh -c 'echo new >/etc/new; chown 5:7 /etc/new'
  cid=$(sed -n 's/^minc: container //p' <<<"$stderr")
  run -0 stat -c '%u:%g' "$S/containers/$cid/storage/etc/new"
  assert_output "$((sub + 4)):$((sub + 6))"
  # commit packs it back as 5:7, in the namespace; the new image runs
  run -0 as "$RU" marten commit "$cid" committed
  run -0 --separate-stderr as "$RU" minc -r committed stat -c %u:%g /etc/new /etc/owned
  assert_output $'5:7\n1000:1000'
  # export: a docker archive whose layers carry the image's ids
  run -0 as "$RU" marten export committed "$UT/own/out.tar"
  mkdir "$BATS_TEST_TMPDIR/x"
  tar -C "$BATS_TEST_TMPDIR/x" -xf "$UT/own/out.tar"
  run -0 tar --numeric-owner -tvf "$BATS_TEST_TMPDIR/x/$(diff_of l2).tar" etc/owned
  assert_output --regexp '^-rw-r--r-- 1000/1000 '
  top=$(jq -r '.[0].Layers[-1]' "$BATS_TEST_TMPDIR/x/manifest.json")
  run -0 tar --numeric-owner -tvf "$BATS_TEST_TMPDIR/x/$top" etc/new
  assert_output --regexp '^-rw-r--r-- 5/7 '
  # an OCI layout too, imported back by root into a store of its own
  run -0 as "$RU" marten export committed "oci:$UT/own/layout"
  run -0 env MUSTELA_DIR="$BATS_TEST_TMPDIR/store" marten import "oci:$UT/own/layout:latest" back
  run -0 --separate-stderr env MUSTELA_DIR="$BATS_TEST_TMPDIR/store" minc -r back stat -c %u:%g /etc/new
  assert_output 5:7
  assert_equal "$(root_store)" "$before"
}

@test "rootless marten: rm, rmi and gc remove the user's files, the range's included" {
  as "$RU" marten pull "$REGISTRY/rm/base:v1" 2>/dev/null
  run -0 --separate-stderr as "$RU" minc -k -r "$REGISTRY/rm/base:v1" sh -c 'mkdir /d; echo x >/d/x; chown -R 1000 /d'
  cid=$(sed -n 's/^minc: container //p' <<<"$stderr")
  # the user cannot remove them outside its namespace...
  run as "$RU" rm -rf "$S/containers/$cid/storage/d"
  assert_output --partial "Permission denied"
  # ...marten does, inside it
  run -0 as "$RU" marten rm "$cid"
  assert_file_not_exists "$S/containers/$cid"
  run -0 as "$RU" marten lc -l
  for c in $(awk 'NR > 1 { print $1 }' <<<"$output"); do
    as "$RU" marten rm "$c"
  done
  run -0 --separate-stderr as "$RU" marten rmi "$REGISTRY/rm/base:v1"
  run -0 find "$S/layers" "$S/blobs/sha256" "$S/images" "$S/containers" "$S/tmp" -mindepth 1
  assert_output ""
  # a killed run's leftovers (files of the range) go with gc
  install -d -o "$RU" "$S/tmp/1.x"
  as "$RU" "$TOP/helpers/ns-enter" --user --map-uid "0:$uid:1" --map-uid "1:$sub:$count" \
    --map-gid "0:$uid:1" --map-gid "1:$sub:$count" -- sh -c "echo y >$S/tmp/1.x/y; chown 1000 $S/tmp/1.x/y"
  run -0 --separate-stderr as "$RU" marten gc
  run -0 find "$S/tmp" -mindepth 1
  assert_output ""
}

@test "rootless marten: an owner beyond the range is refused, naming the file and the id; nothing half-unpacked" {
  run -1 --separate-stderr as "$RU" marten pull "$REGISTRY/rm/far:v1"
  assert_equal "${stderr_lines[-1]}" "marten: layer sha256:$(diff_of far): etc/far: owner 70000:70000: not in the ids mapped for $RU: 0-$count (its /etc/subuid and /etc/subgid ranges)"
  # the first layer is whole; of the refused one nothing; no image
  run -0 ls "$S/layers" "$S/tmp" "$S/images"
  assert_output "$S/images:"$'\n\n'"$S/layers:"$'\n'"$(diff_of rootfs)"$'\n\n'"$S/tmp:"
  run -0 as "$RU" marten images
  assert_output $'ID\tSIZE\tNAME'
}

@test "rootless marten: a device node is refused as a user, said why" {
  run -1 --separate-stderr as "$RU" marten pull "$REGISTRY/rm/dev:v1"
  assert_equal "${stderr_lines[-1]}" "marten: layer sha256:$(diff_of dev): etc/cdev: a device node: a user namespace cannot make one"
  run -0 find "$S/layers" "$S/tmp" "$S/images" -mindepth 1
  assert_output ""
}

@test "rootless marten: an opaque directory: user.overlay.opaque in a user's store, hides the lower layer, survives commit" {
  run -0 --separate-stderr as "$RU" marten pull "$REGISTRY/rm/opq:v1"
  run -0 getfattr --absolute-names --only-values -n user.overlay.opaque "$S/layers/$(diff_of opq)/home"
  assert_output y
  run -0 --separate-stderr as "$RU" minc -r "$REGISTRY/rm/opq:v1" sh -c 'ls -A /home; echo end'
  assert_output end
  # a directory replaced in a user's container: opaque in its upper dir,
  # an opaque directory in the committed layer
  as "$RU" marten pull "$REGISTRY/rm/base:v1" 2>/dev/null
  run -0 --separate-stderr as "$RU" minc -k -r "$REGISTRY/rm/base:v1" sh -c 'rm -rf /home && mkdir /home && echo x >/home/only'
  cid=$(sed -n 's/^minc: container //p' <<<"$stderr")
  run -0 as "$RU" marten commit "$cid" replaced
  run -0 --separate-stderr as "$RU" minc -r replaced ls -A /home
  assert_output only
  run -0 as "$RU" marten rm "$cid"
}

@test "rootless marten: XDG_DATA_HOME moves a user's store; MUSTELA_DIR still wins" {
  run -0 as "$RU" env XDG_DATA_HOME="$UT/own/data" marten import "$FX/root-only.tar" ro
  assert_file_exists "$UT/own/data/mustela/names"
  run -0 as "$RU" env MUSTELA_DIR="$UT/own/m" marten import "$FX/root-only.tar" ro
  assert_file_exists "$UT/own/m/names"
  assert_file_not_exists "$S/names"
}

@test "rootless marten: nobody (no range): root's files alone import and run; other owners refused" {
  AS_HOME=/nonexistent AS_ENV="XDG_DATA_HOME=$UT/nobody"
  # the busybox rootfs: with 1000's /home/user, refused; without, imported
  run -1 --separate-stderr as nobody marten import "$FX/rootfs.tar" bb
  assert_equal "$stderr" "marten: $FX/rootfs.tar: ./home/user/: owner 1000:1000: not in the ids mapped for nobody: 0 only (no range for it in /etc/subuid and /etc/subgid, or no newuidmap)"
  run -0 --separate-stderr as nobody marten import "$FX/rootfs-root.tar" bb
  run -0 stat -c %U "$UT/nobody/mustela/layers/"*/bin/busybox
  assert_output nobody
  run -0 --separate-stderr as nobody minc -r bb sh -c 'id -u; stat -c %u /bin/busybox'
  assert_output $'0\n0'
  run -1 --separate-stderr as nobody marten import "$FX/five.tar" five
  assert_equal "$stderr" "marten: $FX/five.tar: etc/rootfile: owner 5:5: not in the ids mapped for nobody: 0 only (no range for it in /etc/subuid and /etc/subgid, or no newuidmap)"
  # a directory of files nobody does not own: named, with the host's owner
  mkdir -p "$UT/nobody/tree/etc"
  chown -R nobody:nogroup "$UT/nobody/tree"
  echo r >"$UT/nobody/tree/etc/root-owned"
  run -1 --separate-stderr as nobody marten import "$UT/nobody/tree" tree
  assert_equal "$stderr" "marten: $UT/nobody/tree/etc/root-owned: owner 0:0 on the host: not in the ids mapped for nobody: 0 only (no range for it in /etc/subuid and /etc/subgid, or no newuidmap)"
  rm "$UT/nobody/tree/etc/root-owned"
  run -0 --separate-stderr as nobody marten import "$UT/nobody/tree" tree
  run -0 find "$UT/nobody/mustela/tmp" -mindepth 1
  assert_output ""
}

@test "rootless marten: SIGKILL during a user's pull leaves no process; the next pull sweeps its leftovers" {
  as "$RU" marten pull "$REGISTRY/rm/many:v1" 2>/dev/null 3>&- &
  runner=$!
  # once a layer is being unpacked in the store's tmp/
  for _ in $(seq 600); do
    ! compgen -G "$S/tmp/*.layer.*/many" >/dev/null || break
    sleep 0.05
  done
  compgen -G "$S/tmp/*.layer.*/many" >/dev/null
  pull=$(pgrep -o -u "$RU" -f marten-pull)
  kill -KILL "$pull"
  wait "$runner" || :
  user_procs_gone "$RU"
  run pgrep -a -u "$RU"
  assert_output ""
  # what it left: its work in tmp/, files of the range among it
  run find "$S/tmp" -uid "$((sub + 999))" -print -quit
  assert_output --partial "$S/tmp/"
  # the next run removes them (in the namespace: the user cannot outside)
  run -0 --separate-stderr as "$RU" marten pull "$REGISTRY/rm/many:v1"
  run -0 find "$S/tmp" -mindepth 1
  assert_output ""
  run -0 stat -c %u "$S/layers/$(diff_of many)/many/faaaaa"
  assert_output "$((sub + 999))"
}

@test "rootless marten: push as the user; root pulls the image's ids back" {
  as "$RU" marten pull "$REGISTRY/rm/base:v1" 2>/dev/null
  run -0 --separate-stderr as "$RU" minc -k -r "$REGISTRY/rm/base:v1" sh -c 'echo new >/etc/new; chown 5:7 /etc/new'
  cid=$(sed -n 's/^minc: container //p' <<<"$stderr")
  run -0 as "$RU" marten commit "$cid" "$REGISTRY/rm/pushed:v1"
  run -0 --separate-stderr as "$RU" marten push "$REGISTRY/rm/pushed:v1"
  export MUSTELA_DIR=$BATS_TEST_TMPDIR/store
  run -0 --separate-stderr marten pull "$REGISTRY/rm/pushed:v1"
  run -0 --separate-stderr minc -r "$REGISTRY/rm/pushed:v1" stat -c %u:%g /etc/new /etc/owned
  assert_output $'5:7\n1000:1000'
}

@test "rootless marten: ps, exec and stop of a user's background container" {
  as "$RU" marten pull "$REGISTRY/rm/base:v1" 2>/dev/null
  run -0 --separate-stderr as "$RU" minc -B -r "$REGISTRY/rm/base:v1" sleep 1000 3>&-
  cid=$(sed -n 's/^minc: container //p' <<<"$stderr")
  for _ in $(seq 200); do
    pid=$(as "$RU" marten ps -l | awk -F '\t' -v c="$cid" '$1 == c { print $3 }')
    [ -z "$pid" ] || break
    sleep 0.05
  done
  [ -n "$pid" ]
  # root's marten ps does not list it: another store
  run -0 marten ps -l
  refute_output --partial "$cid"
  run -0 as "$RU" marten exec "$cid" sh -c 'id -u; head -n 1 /proc/self/uid_map; cat /proc/1/comm'
  assert_output "0"$'\n'"         0       $uid          1"$'\n'"sleep"
  run -0 as "$RU" marten stop --time 1 "$cid"
  run -0 as "$RU" marten ps -l
  refute_output --partial "$cid"
  user_procs_gone "$RU"
  run pgrep -a -u "$RU"
  assert_output ""
}
