# Shell helpers for rtf-style host-script cases, sourced through "${RT_LIB}".
# Written for the harness; compatible with the functions rtf's own library offers.

RT_TEST_CANCEL=253

# Print to stderr.
echoerr() {
    echo "$@" 1>&2
}

# Succeeds when label $1 is among the run's labels (RT_LABELS is colon-separated).
rt_label_set() {
    _rt_want=$1
    _rt_old_ifs=$IFS
    IFS=:
    for _rt_label in $RT_LABELS; do
        if [ "$_rt_label" = "$_rt_want" ]; then
            IFS=$_rt_old_ifs
            return 0
        fi
    done
    IFS=$_rt_old_ifs
    return 1
}

# Usage: command | assert_contains PATTERN  (echoes the input, then greps it)
assert_contains() {
    _rt_in=$(cat)
    echo "$_rt_in"
    echo "$_rt_in" | grep -q -- "$1"
}

# Usage: command | assert_empty
assert_empty() {
    _rt_in=$(cat)
    echo "$_rt_in"
    [ -z "$_rt_in" ]
}

# Usage: assert_equals [MESSAGE] EXPECTED ACTUAL
assert_equals() {
    _rt_msg=""
    if [ $# -eq 3 ]; then _rt_msg=$1; shift; fi
    if [ "$1" = "$2" ]; then
        return 0
    fi
    echo "${_rt_msg:+$_rt_msg - }expected <$1> but got <$2>"
    return 1
}
