#!/bin/sh
# The boot itself: the init reached its banner, the kernel is exactly the one the harness built the
# image with (/etc/harness/kernel.json, written by the builder), every staged module loads, and
# TAP reaches the harness on the results channel (a FIFO the init relays to a virtio port, so console
# noise cannot break it). A failing test says why on a comment line before it, so its name stays
# the one case.yml expects; the kernel's package and version go on a comment line too.
#
# A clean poweroff is the harness's to check, not this script's: a cell whose guest does not power
# off by itself times out, and one whose container exits non-zero fails (the init reports
# "harness-init: onboot NAME exited N"), so neither needs a test line here.

# Before TAP starts: the results channel must be the FIFO the init made.
if [ -p /dev/harness-results ]; then channel=fifo; else channel=missing; fi
exec > /dev/harness-results

release=$(uname -r)
field() { sed -n "s/.*\"$1\": *\"\\([^\"]*\\)\".*/\\1/p" /etc/harness/kernel.json 2>/dev/null; }

echo "TAP version 13"
echo "1..4"

# The harness itself waits for the banner on the console before it drives the cell; this says the
# init got past it to its onboot containers with what the banner names.
name=$(cat /etc/harness/name 2>/dev/null)
if [ -n "$name" ]; then
    echo "# banner: harness-init: booted $name kernel $release on $(uname -m)"
    echo "ok 1 - banner"
else
    echo "# /etc/harness/name is missing or empty"
    echo "not ok 1 - banner"
fi

package=$(field package)
version=$(field version)
expected=$(field release)
echo "# kernel $package $version, built for release $expected, running $release"
if [ -n "$expected" ] && [ "$release" = "$expected" ]; then
    echo "ok 2 - kernel release"
else
    [ -n "$expected" ] || echo "# /etc/harness/kernel.json is missing or names no release"
    echo "not ok 2 - kernel release"
fi

# The init loads only the drivers of the devices present at boot; every other staged module loads on first use.
# So each one is loaded here, as a first use would (modprobe, which resolves dependencies and, for
# crypto and the like, the kernel's own requests), and must then be in /proc/modules. A module
# built into this flavour is fine too; the builder stages only loadable ones.
list="/lib/modules/$release/harness.modules"
if [ ! -f "$list" ]; then
    echo "ok 3 - modules loaded # SKIP the kernel came without modules ($list is absent)"
else
    missing=""
    count=0
    for module in $(cat "$list"); do
        count=$((count + 1))
        error=$(modprobe "$module" 2>&1)
        grep -q "^$module " /proc/modules && continue
        sed "s/-/_/g" "/lib/modules/$release/modules.builtin" 2>/dev/null | grep -q "/$module\.ko" && continue
        missing="$missing $module"
        echo "# $module: $(printf '%s' "${error:-not in /proc/modules after modprobe}" | tr '\n' ' ')"
    done
    if [ -z "$missing" ]; then
        echo "# all $count staged modules load"
        echo "ok 3 - modules loaded"
    else
        echo "# of $count staged modules, these do not load:$missing"
        echo "not ok 3 - modules loaded"
    fi
fi

if [ "$channel" = fifo ]; then
    echo "ok 4 - results channel"
else
    echo "# /dev/harness-results is not the FIFO the init made"
    echo "not ok 4 - results channel"
fi
