#!/bin/sh
# runc driven from a privileged test container: the lifecycle (run, exec, kill, delete), a
# read-only root, dropped and added capabilities, a memory limit that OOM-kills, a seccomp profile
# and pid/network namespaces, each area one nested TAP subtest.
#
# Inner containers share one rootfs made here from this container's static busybox. This
# container's own root lies on the initramfs, where pivot_root fails, so they run with --no-pivot.
# Their cgroups go under /harness-runc (this container sees the whole cgroup2 tree, bound rw);
# it shares the host's pid and network namespaces so the inner ones have something to differ from.

exec > /dev/harness-results
WORK=/tmp/runc-tests
ROOTFS=$WORK/rootfs
RUNC="runc --root /run/runc-tests"
DEFAULT_CAPS='"CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_FSETID","CAP_KILL","CAP_SETGID","CAP_SETUID","CAP_SETPCAP","CAP_NET_BIND_SERVICE","CAP_NET_RAW","CAP_SYS_CHROOT","CAP_MKNOD","CAP_AUDIT_WRITE","CAP_SETFCAP"'

# TAP helpers (subtest, check, end_subtest) shared with the other case scripts.
. /tap.sh

# --- Bundles: write_spec NAME ARGS_JSON (see sh_args), shaped by SPEC_* variables that reset after each call.
reset_spec() { SPEC_READONLY=false; SPEC_CAPS=$DEFAULT_CAPS; SPEC_RESOURCES=; SPEC_SECCOMP=; }
write_spec() {
    mkdir -p "$WORK/bundles/$1"
    resources=${SPEC_RESOURCES:+", $SPEC_RESOURCES"}
    seccomp=${SPEC_SECCOMP:+", \"seccomp\": $SPEC_SECCOMP"}
    cat > "$WORK/bundles/$1/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": $2,
    "env": ["PATH=/bin", "HOME=/"],
    "cwd": "/",
    "capabilities": { "bounding": [$SPEC_CAPS], "effective": [$SPEC_CAPS], "permitted": [$SPEC_CAPS] },
    "noNewPrivileges": true
  },
  "root": { "path": "$ROOTFS", "readonly": $SPEC_READONLY },
  "hostname": "$1",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    { "destination": "/dev/pts", "type": "devpts", "source": "devpts", "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"] },
    { "destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"] },
    { "destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "size=8m"] }
  ],
  "linux": {
    "cgroupsPath": "/harness-runc/$1",
    "namespaces": [{ "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" }, { "type": "mount" }],
    "resources": { "devices": [{ "allow": false, "access": "rwm" }]$resources }$seccomp
  }
}
EOF
    reset_spec
}

# The JSON args of `sh -c SCRIPT`.
sh_args() { printf '["sh", "-c", "%s"]' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

# Runs bundle NAME in the foreground; prints its output and then "exit=STATUS".
run_inner() {
    $RUNC run --no-pivot --bundle "$WORK/bundles/$1" "$1" < /dev/null 2>&1
    echo "exit=$?"
}

# The status runc reports for container NAME (running, stopped …), or nothing once it is gone.
state_of() { $RUNC state "$1" 2>/dev/null | sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p'; }

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
is_state() { [ "$(state_of "$1")" = "$2" ]; }
log_has() { grep -q "$2" "$1" 2>/dev/null; }

make_rootfs() {
    mkdir -p "$ROOTFS/bin" "$ROOTFS/proc" "$ROOTFS/sys" "$ROOTFS/dev" "$ROOTFS/tmp" "$ROOTFS/etc"
    cp /bin/busybox "$ROOTFS/bin/busybox"
    ln -sf busybox "$ROOTFS/bin/sh"
}

test_lifecycle() {
    subtest lifecycle 4
    write_spec life "$(sh_args 'echo started; while true; do sleep 1; done')"
    $RUNC run --no-pivot --detach --bundle "$WORK/bundles/life" life < /dev/null > "$WORK/life.log" 2>&1
    wait_until 30 is_state life running
    check run $? "state: $(state_of life); output: $(cat "$WORK/life.log")"
    out=$($RUNC exec life sh -c 'echo "$(hostname) $$"' 2>&1)
    [ "${out% *}" = life ] && [ "${out#* }" != 1 ]
    check exec $? "runc exec life printed: $out"
    $RUNC kill life KILL
    wait_until 30 is_state life stopped
    check kill $? "state after kill: $(state_of life)"
    $RUNC delete life
    [ -z "$($RUNC state life 2>/dev/null)" ] && [ ! -d /sys/fs/cgroup/harness-runc/life ]
    check delete $? "state after delete: $(state_of life)"
    end_subtest
}

test_readonly_root() {
    subtest "read-only root" 3
    probe='touch /probe 2>&1 && echo root-writable; touch /tmp/probe && echo tmp-writable'
    SPEC_READONLY=true
    write_spec ro "$(sh_args "$probe")"
    out=$(run_inner ro)
    echo "$out" | grep -q "Read-only file system" && ! echo "$out" | grep -q root-writable
    check "write to the root refused" $? "$out"
    echo "$out" | grep -q tmp-writable
    check "tmpfs mount still writable" $? "$out"
    write_spec rw "$(sh_args "$probe; rm -f /probe")"
    out=$(run_inner rw)
    echo "$out" | grep -q root-writable
    check "writable root accepts the same write" $? "$out"
    end_subtest
}

# Bit 12 of a capability mask is CAP_NET_ADMIN.
has_net_admin() { [ $(((0x$1 >> 12) & 1)) = 1 ]; }

test_capabilities() {
    subtest capabilities 3
    addr='ip addr add 10.99.0.1/32 dev lo 2>&1; echo ip=$?; ip -o addr show dev lo; grep -E ^Cap[EB] /proc/self/status'
    write_spec capdrop "$(sh_args "$addr")"
    out=$(run_inner capdrop)
    echo "$out" | grep -q "ip=[1-9]" && echo "$out" | grep -q "Operation not permitted"
    check "without CAP_NET_ADMIN setting an address is refused" $? "$out"
    eff=$(echo "$out" | sed -n 's/^CapEff:[[:space:]]*//p')
    bnd=$(echo "$out" | sed -n 's/^CapBnd:[[:space:]]*//p')
    [ -n "$eff" ] && [ -n "$bnd" ] && ! has_net_admin "$eff" && ! has_net_admin "$bnd"
    check "CAP_NET_ADMIN absent from the effective and bounding sets" $? "$out"
    SPEC_CAPS="$DEFAULT_CAPS,\"CAP_NET_ADMIN\""
    write_spec capadd "$(sh_args "$addr")"
    out=$(run_inner capadd)
    echo "$out" | grep -q "ip=0" && echo "$out" | grep -q "10.99.0.1/32"
    check "with CAP_NET_ADMIN the address is set" $? "$out"
    end_subtest
}

test_memory_limit() {
    subtest "memory limit" 3
    cg=/sys/fs/cgroup/harness-runc/mem
    # dd's 64 MiB buffer is touched as /dev/zero fills it; the limit is 32 MiB and there is no swap.
    SPEC_RESOURCES='"memory": { "limit": 33554432 }'
    write_spec mem "$(sh_args 'dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd-exit=$?; while true; do sleep 1; done')"
    $RUNC run --no-pivot --detach --bundle "$WORK/bundles/mem" mem < /dev/null > "$WORK/mem.log" 2>&1
    wait_until 60 log_has "$WORK/mem.log" dd-exit=
    max=$(cat "$cg/memory.max" 2>&1)
    [ "$max" = 33554432 ]
    check "memory.max set from linux.resources.memory.limit" $? "memory.max: $max"
    grep -q "dd-exit=137" "$WORK/mem.log"
    check "a process allocating past the limit is killed (status 137)" $? "$(cat "$WORK/mem.log")"
    kills=$(sed -n 's/^oom_kill //p' "$cg/memory.events" 2>/dev/null)
    [ "${kills:-0}" -ge 1 ]
    check "memory.events counts the oom_kill" $? "$(cat "$cg/memory.events" 2>&1)"
    $RUNC delete -f mem 2>/dev/null
    end_subtest
}

test_seccomp() {
    subtest seccomp 4
    probe='mkdir /tmp/d 2>&1; echo mkdir=$?; echo data > /tmp/f && cat /tmp/f && ls / > /dev/null && echo others-ok; grep ^Seccomp: /proc/self/status'
    # mkdir on x86_64, mkdirat everywhere; runc skips names an arch does not have.
    SPEC_SECCOMP='{ "defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{ "names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1 }] }'
    write_spec sec "$(sh_args "$probe")"
    out=$(run_inner sec)
    echo "$out" | grep -q "mkdir=1" && echo "$out" | grep -q "Operation not permitted"
    check "mkdir refused with EPERM" $? "$out"
    echo "$out" | grep -q "^data$" && echo "$out" | grep -q others-ok
    check "other syscalls allowed" $? "$out"
    echo "$out" | grep -Eq "^Seccomp:[[:space:]]+2"
    check "filter mode reported in /proc/self/status" $? "$out"
    write_spec nosec "$(sh_args "$probe")"
    out=$(run_inner nosec)
    echo "$out" | grep -q "mkdir=0"
    check "without the profile mkdir works" $? "$out"
    end_subtest
}

test_namespaces() {
    subtest namespaces 4
    probe='echo pid=$$; cd /proc && set -- [0-9]* && echo pids=$*; ip -o link | cut -d: -f2 | tr -d " " | tr "\\n" " "; echo; readlink /proc/self/ns/pid; readlink /proc/self/ns/net'
    write_spec ns "$(sh_args "$probe")"
    out=$(run_inner ns)
    echo "$out" | grep -q "^pid=1$"
    check "the container sees itself as pid 1" $? "$out"
    echo "$out" | grep -q "^pids=1$"
    check "no other process is visible" $? "$out"
    echo "$out" | grep -q "^lo $"
    check "only lo in its network namespace" $? "$out (this container: $(ip -o link | cut -d: -f2 | tr '\n' ' '))"
    mine="$(readlink /proc/self/ns/pid) $(readlink /proc/self/ns/net)"
    ! echo "$out" | grep -q -e "$(readlink /proc/self/ns/pid)" -e "$(readlink /proc/self/ns/net)"
    check "namespaces differ from this container's" $? "$out (this container: $mine)"
    end_subtest
}

reset_spec
make_rootfs
echo "TAP version 13"
echo "1..6"
test_lifecycle
test_readonly_root
test_capabilities
test_memory_limit
test_seccomp
test_namespaces
for id in $($RUNC list -q 2>/dev/null); do $RUNC delete -f "$id"; done
exit "$FAILED"
