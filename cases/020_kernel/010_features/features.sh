#!/bin/sh
# What containers need from the kernel, as nested TAP subtests:
#   cgroup      cgroup v2 is mounted with the cpu, cpuset, io, memory and pids controllers, and a
#               child cgroup can be made and limited (the memory and pids limits are enforced);
#   namespaces  user, pid, net, mount, uts and ipc namespaces can be created and behave;
#   overlayfs   an overlay of tmpfs folders mounts, a new file lands in upper, a change copies up;
#   seccomp     the kernel has seccomp and the filter actions runtimes use.
# Something the kernel was built without is a SKIP with the evidence; something it has but that
# does not work is a failure. A failing test says why on a comment line before it, so its name
# stays the one case.yml expects.
exec > /dev/harness-results

top=0
subtest() { sub=$1; n=0; failed=0; echo "# Subtest: $sub"; }
pass() { n=$((n + 1)); echo "    ok $n - $1"; }
# A reason is kept to one comment line, so command output in it cannot break the TAP.
fail() { n=$((n + 1)); failed=1; echo "    # $(printf '%s' "$2" | tr '\n' ' ')"; echo "    not ok $n - $1"; }
skip() { n=$((n + 1)); echo "    ok $n - $1 # SKIP $2"; }
end_subtest() {
    top=$((top + 1))
    echo "    1..$n"
    if [ "$failed" = 0 ]; then echo "ok $top - $sub"; else echo "not ok $top - $sub"; fi
}

# $1 equals $2, or the test named $3 fails saying what it got.
expect_equal() { if [ "$1" = "$2" ]; then pass "$3"; else fail "$3" "$4: got '$1', wanted '$2'"; fi; }

echo "TAP version 13"
echo "1..4"

## cgroup ---------------------------------------------------------------------------------------

# cgroup v2 names the io controller; /proc/cgroups (compiled-in controllers) still says blkio.
v1_name() { if [ "$1" = io ]; then echo blkio; else echo "$1"; fi; }

check_controller() {
    if grep -qw "$1" /sys/fs/cgroup/cgroup.controllers; then
        pass "$1 controller"
        return
    fi
    enabled=$(awk -v c="$(v1_name "$1")" '$1 == c { print $4 }' /proc/cgroups)
    case "$enabled" in
        "") skip "$1 controller" "kernel built without the $1 controller (not in /proc/cgroups)" ;;
        0) skip "$1 controller" "the $1 controller is disabled at boot (/proc/cgroups enabled=0)" ;;
        *) fail "$1 controller" "compiled in and enabled, but not in cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)" ;;
    esac
}

# Limits go on a cgroup beside the container's own, on a writable cgroup2 mount (the container's
# /sys/fs/cgroup is read-only); only short-lived children of this script are moved into it.
# A limit needs its controller in the child: missing there but present at the root means the
# init did not hand it down (a failure); missing at the root too was a skip above already.
limit_needs() {
    grep -qw "$1" "$child/cgroup.controllers" && return 0
    if grep -qw "$1" /sys/fs/cgroup/cgroup.controllers; then
        fail "$1 limit" "the $1 controller is not enabled for children (root cgroup.subtree_control: $(cat /sys/fs/cgroup/cgroup.subtree_control))"
    else
        skip "$1 limit" "no $1 controller"
    fi
    return 1
}

check_memory_limit() {
    limit_needs memory || return
    echo 16777216 > "$child/memory.max"
    if [ "$(cat "$child/memory.max")" != 16777216 ]; then
        fail "memory limit" "memory.max reads '$(cat "$child/memory.max")' after writing 16777216"
        return
    fi
    # tmpfs pages are charged to the writer and there is no swap, so 64 MiB cannot fit in 16: the
    # memory cgroup's OOM killer ends dd, and its report on the console is expected.
    mkdir -p /mnt/fill && mount -t tmpfs tmpfs /mnt/fill
    sh -c "echo \$\$ > $child/cgroup.procs && exec dd if=/dev/zero of=/mnt/fill/blob bs=1M count=64" 2>/dev/null
    size=$(wc -c < /mnt/fill/blob 2>/dev/null || echo 0)
    hits=$(awk '$1 == "max" { print $2 }' "$child/memory.events")
    rm -f /mnt/fill/blob
    umount /mnt/fill
    if [ "$size" -le 16777216 ] && [ "${hits:-0}" -gt 0 ]; then
        echo "    # a 64 MiB write stopped at $size bytes under a 16 MiB memory.max"
        pass "memory limit"
    else
        fail "memory limit" "wrote $size bytes under a 16 MiB limit; memory.events max $hits"
    fi
}

check_pids_limit() {
    limit_needs pids || return
    echo 1 > "$child/pids.max"
    # The shell alone fills the cgroup, so starting anything in the background must fail.
    sh -c "echo \$\$ > $child/cgroup.procs; sleep 0 & wait \$!" 2>/dev/null
    refused=$(awk '$1 == "max" { print $2 }' "$child/pids.events")
    if [ "$(cat "$child/pids.max")" = 1 ] && [ "${refused:-0}" -gt 0 ]; then
        pass "pids limit"
    else
        fail "pids limit" "pids.max reads '$(cat "$child/pids.max")', pids.events max '$refused'"
    fi
}

check_cpu_limit() {
    limit_needs cpu || return
    echo "50000 100000" > "$child/cpu.max"
    expect_equal "$(cat "$child/cpu.max")" "50000 100000" "cpu limit" "cpu.max"
}

check_io_limit() {
    limit_needs io || return
    # case.yml gives the guest a blank disk to limit (io.max takes whole disks only).
    if [ ! -f /sys/block/vda/dev ]; then
        fail "io limit" "no /sys/block/vda: the disk case.yml asks for is missing"
        return
    fi
    device=$(cat /sys/block/vda/dev)
    echo "$device wbps=1048576" > "$child/io.max"
    if grep -q "^$device .*wbps=1048576" "$child/io.max"; then
        pass "io limit"
    else
        fail "io limit" "io.max reads '$(cat "$child/io.max")' after limiting $device"
    fi
}

subtest cgroup
if awk '$2 == "/sys/fs/cgroup" && $3 == "cgroup2" { found = 1 } END { exit !found }' /proc/mounts; then
    pass "cgroup2 mounted"
else
    fail "cgroup2 mounted" "/sys/fs/cgroup is not cgroup2: $(grep /sys/fs/cgroup /proc/mounts)"
fi
for controller in cpu cpuset io memory pids; do check_controller "$controller"; done
mkdir -p /mnt/cgroup && mount -t cgroup2 cgroup2 /mnt/cgroup
child=/mnt/cgroup/harness-features
if mkdir "$child" && [ -f "$child/cgroup.procs" ]; then
    pass "child cgroup"
    check_memory_limit
    check_pids_limit
    check_cpu_limit
    check_io_limit
    rmdir "$child"
else
    fail "child cgroup" "cannot make $child"
    for limit in memory pids cpu io; do fail "$limit limit" "no child cgroup"; done
fi
umount /mnt/cgroup
end_subtest

## namespaces -----------------------------------------------------------------------------------

# Each check runs a command in a fresh namespace of one kind; it must get a namespace of its own
# (another /proc/self/ns link) and the namespace must behave. check_namespace succeeds only when
# the namespace was made, having reported a skip or failure otherwise.
check_namespace() {
    name=$1 kind=$2 config=$3
    shift 3
    if [ ! -e "/proc/self/ns/$kind" ]; then
        skip "$name" "kernel built without $config (no /proc/self/ns/$kind)"
        return 1
    fi
    outer=$(readlink "/proc/self/ns/$kind")
    inner=$(unshare "$@" readlink "/proc/self/ns/$kind" 2>&1)
    if [ -z "$inner" ] || [ "$inner" = "$outer" ] || [ "${inner#"$kind":}" = "$inner" ]; then
        fail "$name" "unshare $* gave '$inner' (outside: $outer)"
        return 1
    fi
}

subtest namespaces

# Without a mapping, root in a new user namespace is the overflow uid.
if [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null)" = 0 ]; then
    skip user "user namespaces are disabled (user.max_user_namespaces = 0)"
elif check_namespace user user CONFIG_USER_NS -U; then
    expect_equal "$(unshare -U id -u 2>&1)" "$(cat /proc/sys/kernel/overflowuid)" user "id -u in a new user namespace"
fi

if check_namespace pid pid CONFIG_PID_NS -p -f; then
    expect_equal "$(unshare -p -f -m --mount-proc sh -c 'echo $$' 2>&1)" 1 pid "\$\$ in a new pid namespace"
fi

# /proc/net follows the reader's namespace (sysfs would show the mounter's).
if check_namespace net net CONFIG_NET_NS -n; then
    interfaces=$(unshare -n sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' 2>&1)
    expect_equal "$interfaces" lo net "interfaces in a new net namespace"
fi

mkdir -p /mnt/private
if check_namespace mount mnt "mount namespaces" -m; then
    inside=$(unshare -m sh -c 'mount -t tmpfs tmpfs /mnt/private && touch /mnt/private/inner && ls /mnt/private' 2>&1)
    if [ "$inside" = inner ] && [ ! -e /mnt/private/inner ]; then
        pass mount
    else
        fail mount "a tmpfs mounted in a new mount namespace: inside '$inside', outside $(ls /mnt/private)"
    fi
fi

if check_namespace uts uts CONFIG_UTS_NS -u; then
    before=$(hostname)
    inside=$(unshare -u sh -c 'hostname inner-uts && hostname' 2>&1)
    if [ "$inside" = inner-uts ] && [ "$(hostname)" = "$before" ]; then
        pass uts
    else
        fail uts "hostname in a new uts namespace '$inside', outside now '$(hostname)' (was '$before')"
    fi
fi

# IPC limits belong to the IPC namespace: a change inside leaves the outside as it was.
if check_namespace ipc ipc CONFIG_IPC_NS -i; then
    before=$(cat /proc/sys/kernel/msgmax)
    inside=$(unshare -i sh -c 'echo 4321 > /proc/sys/kernel/msgmax && cat /proc/sys/kernel/msgmax' 2>&1)
    if [ "$inside" = 4321 ] && [ "$(cat /proc/sys/kernel/msgmax)" = "$before" ]; then
        pass ipc
    else
        fail ipc "kernel.msgmax in a new ipc namespace '$inside', outside now '$(cat /proc/sys/kernel/msgmax)' (was '$before')"
    fi
fi
end_subtest

## overlayfs ------------------------------------------------------------------------------------

subtest overlayfs
release=$(uname -r)
has_overlay() { grep -qw overlay /proc/filesystems; }
ships_overlay() {
    grep -qx overlay "/lib/modules/$release/harness.modules" 2>/dev/null ||
        grep -q '/overlay\.ko' "/lib/modules/$release/modules.builtin" 2>/dev/null
}
if ! has_overlay && ! ships_overlay; then
    for name in mount "write lands in upper" "copy up"; do
        skip "$name" "kernel built without overlayfs (CONFIG_OVERLAY_FS)"
    done
else
    ovl=/mnt/overlay
    mkdir -p $ovl && mount -t tmpfs tmpfs $ovl
    mkdir $ovl/lower $ovl/upper $ovl/work $ovl/merged
    echo lower > $ovl/lower/old
    if mount -t overlay overlay -o lowerdir=$ovl/lower,upperdir=$ovl/upper,workdir=$ovl/work $ovl/merged 2>/tmp/overlay.err &&
        [ "$(cat $ovl/merged/old)" = lower ]; then
        pass mount
        echo new > $ovl/merged/new
        if [ "$(cat $ovl/upper/new 2>/dev/null)" = new ] && [ ! -e $ovl/lower/new ]; then
            pass "write lands in upper"
        else
            fail "write lands in upper" "upper has: $(ls $ovl/upper), lower has: $(ls $ovl/lower)"
        fi
        echo changed > $ovl/merged/old
        if [ "$(cat $ovl/upper/old 2>/dev/null)" = changed ] && [ "$(cat $ovl/lower/old)" = lower ]; then
            pass "copy up"
        else
            fail "copy up" "upper/old '$(cat $ovl/upper/old 2>&1)', lower/old '$(cat $ovl/lower/old)'"
        fi
        umount $ovl/merged
    else
        fail mount "$(cat /tmp/overlay.err) (overlay in /proc/filesystems: $(has_overlay && echo yes || echo no))"
        fail "write lands in upper" "no overlay mounted"
        fail "copy up" "no overlay mounted"
    fi
    umount $ovl
fi
end_subtest

## seccomp --------------------------------------------------------------------------------------

subtest seccomp
if grep -q '^Seccomp:' /proc/self/status; then
    pass "status field"
else
    skip "status field" "kernel built without CONFIG_SECCOMP (no Seccomp: in /proc/self/status)"
fi
actions=/proc/sys/kernel/seccomp/actions_avail
if [ ! -f $actions ]; then
    skip "filter actions" "kernel built without CONFIG_SECCOMP_FILTER (no $actions)"
else
    missing=""
    # What runc's and containerd's profiles use: allow, errno for denied calls, kill, and user_notif
    # for seccomp agents.
    for action in allow errno kill_process kill_thread trap trace log user_notif; do
        grep -qw "$action" $actions || missing="$missing $action"
    done
    if [ -z "$missing" ]; then
        pass "filter actions"
    else
        fail "filter actions" "missing:$missing (available: $(cat $actions))"
    fi
fi
end_subtest
