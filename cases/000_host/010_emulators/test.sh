#!/bin/sh
# SUMMARY: The qemu emulators for both guest arches start and offer the machines the harness boots
# LABELS:
set -u

n=0
fail=0
check() {
    n=$((n + 1))
    desc=$1
    shift
    if "$@" >/dev/null 2>&1; then
        echo "ok $n - $desc"
    else
        echo "not ok $n - $desc"
        fail=1
    fi
}
machines() { "$1" -machine help 2>/dev/null | awk '{print $1}' | grep -qx "$2"; }
starts() { echo quit | timeout 20 "$1" -machine none -display none -nodefaults -monitor stdio; }

echo "TAP version 13"
echo "1..5"
check "x86_64 emulator starts" starts qemu-system-x86_64
check "x86_64 offers q35" machines qemu-system-x86_64 q35
check "x86_64 offers microvm" machines qemu-system-x86_64 microvm
check "aarch64 emulator starts" starts qemu-system-aarch64
check "aarch64 offers virt" machines qemu-system-aarch64 virt
exit $fail
