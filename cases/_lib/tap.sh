# TAP helpers for guest test scripts: one subtest per area; a failed check prints what was seen
# as indented diagnostics. Sourced by the case scripts; shipped into images by their files: entries.
TOP=0
FAILED=0
subtest() { SUB=$1; SUB_N=0; SUB_FAILED=0; echo "# Subtest: $1"; echo "    1..$2"; }
check() {
    SUB_N=$((SUB_N + 1))
    if [ "$2" = 0 ]; then echo "    ok $SUB_N - $1"; return; fi
    echo "    not ok $SUB_N - $1"
    SUB_FAILED=1
    [ -n "$3" ] && printf '%s\n' "$3" | sed 's/^/    # /'
}
end_subtest() {
    TOP=$((TOP + 1))
    if [ "$SUB_FAILED" = 0 ]; then echo "ok $TOP - $SUB"; else echo "not ok $TOP - $SUB"; FAILED=1; fi
}
