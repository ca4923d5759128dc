#!/bin/sh
# containerd driven from a privileged test container: the daemon started here with its root and
# state on tmpfs, an OCI image archive made here (from this container's static busybox) and
# imported with ctr, containers run on the overlayfs and native snapshotters, a task's lifecycle
# (run, exec, kill, delete), and containerd killed and started again under a running task, which
# must survive. Each area is one nested TAP subtest.
#
# This container's root lies on the initramfs, where pivot_root fails, so containers run with
# ctr's --no-pivot. Their cgroups go under /default (this container sees the cgroup2 tree rw).

exec > /dev/harness-results
WORK=/tmp/containerd-tests
LOG=$WORK/containerd.log
IMAGE=docker.io/harness/tiny:latest
CONTAINERD_PID=

# TAP helpers (subtest, check, end_subtest) shared with the other case scripts.
. /tap.sh

# Waits up to SECONDS for a command to succeed.
wait_until() {
    deadline=$1
    shift
    while ! "$@"; do
        [ "$deadline" -le 0 ] && return 1
        sleep 1
        deadline=$((deadline - 1))
    done
}

# --- containerd
write_config() {
    mkdir -p "$WORK"
    cat > "$WORK/config.toml" <<'EOF'
version = 2
root = "/var/lib/containerd"
state = "/run/containerd"
# Nothing here uses CRI, and these snapshotters have no backing store in the guest.
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.aufs",
]
[grpc]
  address = "/run/containerd/containerd.sock"
EOF
}
start_containerd() {
    echo "--- containerd started" >> "$LOG"
    containerd --config "$WORK/config.toml" >> "$LOG" 2>&1 &
    CONTAINERD_PID=$!
}
answers() { ctr version > /dev/null 2>&1; }
log_tail() { tail -n 15 "$LOG"; }

# The STATUS column `ctr tasks ls` shows for task ID, and its PID column.
task_status() { ctr tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { ctr tasks ls 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }
is_status() { [ "$(task_status "$1")" = "$2" ]; }

# --- The image: one uncompressed layer with busybox, as an OCI layout in a tar archive.
blob() {
    digest=$(sha256sum "$1" | cut -d' ' -f1)
    size=$(wc -c < "$1")
    mv "$1" "$WORK/oci/blobs/sha256/$digest"
    echo "\"digest\": \"sha256:$digest\", \"size\": $size"
}
make_image_archive() {
    case $(uname -m) in x86_64) arch=amd64 ;; aarch64) arch=arm64 ;; *) arch=$(uname -m) ;; esac
    rootfs=$WORK/tiny
    mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/tmp" "$rootfs/etc" "$WORK/oci/blobs/sha256"
    cp /bin/busybox "$rootfs/bin/busybox"
    ln -sf busybox "$rootfs/bin/sh"
    tar -cf "$WORK/layer.tar" -C "$rootfs" .
    diff_id=$(sha256sum "$WORK/layer.tar" | cut -d' ' -f1)
    layer=$(blob "$WORK/layer.tar")
    printf '{"architecture": "%s", "os": "linux", "config": {"Env": ["PATH=/bin"], "Cmd": ["/bin/sh"]}, "rootfs": {"type": "layers", "diff_ids": ["sha256:%s"]}}' \
        "$arch" "$diff_id" > "$WORK/config.json"
    config=$(blob "$WORK/config.json")
    printf '{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json", "config": {"mediaType": "application/vnd.oci.image.config.v1+json", %s}, "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", %s}]}' \
        "$config" "$layer" > "$WORK/manifest.json"
    manifest=$(blob "$WORK/manifest.json")
    printf '{"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", %s, "platform": {"architecture": "%s", "os": "linux"}, "annotations": {"io.containerd.image.name": "%s", "org.opencontainers.image.ref.name": "latest"}}]}' \
        "$manifest" "$arch" "$IMAGE" > "$WORK/oci/index.json"
    echo '{"imageLayoutVersion": "1.0.0"}' > "$WORK/oci/oci-layout"
    tar -cf "$WORK/tiny.tar" -C "$WORK/oci" oci-layout index.json blobs
}

test_daemon() {
    subtest daemon 2
    out=$(grep -E ' /(var/lib|run)/containerd ' /proc/mounts)
    [ "$(echo "$out" | grep -c ' tmpfs ')" = 2 ]
    check "root and state directories on tmpfs" $? "$out"
    start_containerd
    wait_until 60 answers
    check "containerd answers ctr" $? "$(log_tail)"
    end_subtest
}

test_image() {
    subtest image 3
    make_image_archive
    [ -s "$WORK/tiny.tar" ]
    check "OCI archive made" $? "$(ls -lR "$WORK/oci" 2>&1)"
    out=$(ctr images import "$WORK/tiny.tar" 2>&1)
    check "imported with ctr images import" $? "$out"
    out=$(ctr images ls -q 2>&1)
    echo "$out" | grep -qx "$IMAGE"
    check "listed by ctr images ls" $? "$out"
    end_subtest
}

# One snapshotter: run a container in the foreground, see what its root is mounted as.
test_snapshotter() {
    name=$1
    root_type=$2
    subtest "$name snapshotter" 3
    # One write for both lines: ctr may stop copying a task's output as soon as the task exits, so
    # a second write can be lost (seen once in a nightly on 7.2.13).
    out=$(ctr run --rm --no-pivot --snapshotter "$name" "$IMAGE" "run-$name" \
        sh -c 'printf "hello from %s\n%s\n" "$$" "$(grep " / " /proc/mounts)"' 2>&1)
    status=$?
    [ "$status" = 0 ] && echo "$out" | grep -q "^hello from 1$"
    check "container runs" $? "status $status: $out"
    fstype=$(echo "$out" | awk '$2 == "/" { print $3 }' | tail -n 1)
    [ "$fstype" = "$root_type" ]
    check "its root is mounted as $root_type" $? "$out"
    out=$(ctr snapshots --snapshotter "$name" ls 2>&1)
    [ "$(echo "$out" | grep -c Committed)" -ge 1 ]
    check "the image's layer is a committed snapshot" $? "$out"
    end_subtest
}

test_lifecycle() {
    subtest lifecycle 4
    out=$(ctr run -d --null-io --no-pivot "$IMAGE" life sh -c 'while true; do sleep 1; done' 2>&1)
    wait_until 30 is_status life RUNNING
    check "run detached" $? "$out $(ctr tasks ls 2>&1)"
    # The exec'd shell is not pid 1, but pid 1 is the container's loop: it joined the pid namespace.
    out=$(ctr tasks exec --exec-id probe life sh -c 'echo "$$ $(tr "\0" " " < /proc/1/cmdline)"' 2>&1)
    [ "${out%% *}" != 1 ] && echo "$out" | grep -q "while true"
    check exec $? "ctr tasks exec printed: $out"
    out=$(ctr tasks kill -s SIGKILL life 2>&1)
    wait_until 30 is_status life STOPPED
    check kill $? "$out $(ctr tasks ls 2>&1)"
    out=$(ctr tasks delete life 2>&1 && ctr containers delete life 2>&1)
    [ $? = 0 ] && [ -z "$(task_status life)" ] && ! ctr containers ls -q | grep -qx life
    check delete $? "$out $(ctr containers ls 2>&1)"
    end_subtest
}

test_restart() {
    subtest "daemon restart" 6
    ctr run -d --null-io --no-pivot --snapshotter native "$IMAGE" survivor sh -c 'while true; do sleep 1; done' > /dev/null 2>&1
    wait_until 30 is_status survivor RUNNING
    check "task running before the restart" $? "$(ctr tasks ls 2>&1)"
    before=$(task_pid survivor)
    kill -KILL "$CONTAINERD_PID"
    wait "$CONTAINERD_PID"
    status=$?
    [ "$status" = 137 ] && ! answers
    check "containerd killed" $? "containerd pid $CONTAINERD_PID ended with status $status"
    start_containerd
    wait_until 60 answers
    check "containerd started again" $? "$(log_tail)"
    after=$(task_pid survivor)
    is_status survivor RUNNING && [ -n "$before" ] && [ "$before" = "$after" ] && kill -0 "$before"
    check "the task is still there and running, same pid" $? "pid before $before, after $after: $(ctr tasks ls 2>&1)"
    out=$(ctr tasks exec --exec-id again survivor sh -c 'echo still-here' 2>&1)
    [ "$out" = still-here ]
    check "exec after the restart" $? "$out"
    ctr tasks kill -s SIGKILL survivor > /dev/null 2>&1
    wait_until 30 is_status survivor STOPPED
    out=$(ctr tasks delete survivor 2>&1 && ctr containers delete survivor 2>&1)
    [ $? = 0 ] && [ -z "$(task_status survivor)" ]
    check "kill and delete after the restart" $? "$out $(ctr tasks ls 2>&1)"
    end_subtest
}

write_config
echo "TAP version 13"
echo "1..6"
test_daemon
test_image
test_snapshotter overlayfs overlay
test_snapshotter native tmpfs
test_lifecycle
test_restart
# containerd, the shims and any task left die with this container's pid namespace.
exit "$FAILED"
