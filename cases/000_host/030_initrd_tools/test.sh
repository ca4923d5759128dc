#!/bin/sh
# SUMMARY: cpio writes newc archives and depmod indexes a module tree, as initrd building needs
# LABELS:
set -eu

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "TAP version 13"
echo "1..2"
mkdir -p "$work/tree/etc" "$work/modules/lib/modules/0.0.0-test/kernel"
echo hello > "$work/tree/etc/motd"
(cd "$work/tree" && find . | LC_ALL=C sort | cpio --quiet -o -H newc > "$work/initrd.cpio")
if cpio --quiet -it < "$work/initrd.cpio" | grep -qx "etc/motd"; then
    echo "ok 1 - cpio round-trips a newc archive"
else
    echo "not ok 1 - cpio round-trips a newc archive"
fi
if depmod -b "$work/modules" 0.0.0-test && [ -f "$work/modules/lib/modules/0.0.0-test/modules.dep" ]; then
    echo "ok 2 - depmod writes modules.dep for a module tree"
else
    echo "not ok 2 - depmod writes modules.dep for a module tree"
fi
