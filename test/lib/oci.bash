# oci.bash - a bundle for bin/mustela-oci over the shared rootfs, for the
# files that drive the runtime by itself (oci.bats, vm/oci-v2.bats); load
# it after lib/common.

# oci_setup SECONDS ID: container_setup; a state root in O; the runtime in
# OCI (each run bounded by SECONDS); a bundle in $T/b: the shared rootfs,
# read-only, with a directory of the test's, $T/out, bound on its /tmp
# (what the container and the hooks write; a destination that exists:
# the shared rootfs is never written to); the container's ID and host
# name ID
oci_setup() {
  container_setup
  O=$T/state
  OCI=(timeout "$1" "$TOP/bin/mustela-oci" --root "$O")
  mkdir -p "$T/b" "$T/out"
  "$TOP/bin/mustela-oci" spec --bundle "$T/b"
  edit ".root.path = \"$R\" | .mounts += [{destination: \"/tmp\", type: \"bind\", source: \"$T/out\", options: [\"rbind\"]}]"
  ID=$2
  edit ".hostname = \"$ID\""
}

edit() { # JQ: change the bundle's config.json
  jq "$1" "$T/b/config.json" >"$T/b/config.new" && mv "$T/b/config.new" "$T/b/config.json"
}

status_is() { # STATUS: the state's status
  run -0 "${OCI[@]}" state "$ID"
  assert_equal "$(jq -r .status <<<"$output")" "$1"
}
