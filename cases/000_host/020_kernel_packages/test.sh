#!/bin/sh
# SUMMARY: Debian's kernel packages resolve for amd64 and arm64 (arm64 is a foreign dpkg arch)
# LABELS: debian
set -u

echo "TAP version 13"
echo "1..3"
if dpkg --print-foreign-architectures | grep -qE '^(arm64|amd64)$'; then
    echo "ok 1 - a foreign dpkg architecture is configured"
else
    echo "not ok 1 - a foreign dpkg architecture is configured"
fi
i=1
fail=0
for arch in amd64 arm64; do
    i=$((i + 1))
    candidate=$(apt-cache policy "linux-image-cloud-$arch:$arch" 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ]; then
        echo "ok $i - linux-image-cloud-$arch:$arch resolves to $candidate"
    else
        echo "not ok $i - linux-image-cloud-$arch:$arch resolves"
        echo "# run ./setup (apt-get update after dpkg --add-architecture)"
        fail=1
    fi
done
exit $fail
