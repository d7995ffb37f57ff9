# tests/cli_lib.sh — what every end-to-end test script shares. Sourced, not
# run:   . "$(dirname "$0")/cli_lib.sh" "$@"     (with RETSIM_BINARY SOURCE_DIR)
# gives $bin and $src as absolute paths, $work (a scratch folder removed at
# exit: a script that needs more clean-up sets its own EXIT trap, removing
# $work too), the pass/fail counters and ok, bad and expect.
set -u
bin=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
bad() { failed=$((failed + 1)); echo "FAIL: $*"; }

# expect CODE PATTERN -- ARGS...: retsim ARGS exits CODE with stderr matching
# PATTERN (an extended regex; empty: anything). EXPECT_TIMEOUT (seconds), if
# set, bounds each command: a hang fails instead of blocking the suite.
expect() {
    local code=$1 pattern=$2
    shift 3
    if [ -n "${EXPECT_TIMEOUT:-}" ]; then
        timeout "$EXPECT_TIMEOUT" "$bin" "$@" >"$work/stdout" 2>"$work/stderr"
    else
        "$bin" "$@" >"$work/stdout" 2>"$work/stderr"
    fi
    local rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "retsim $* exited $rc, expected $code: $(head -c 300 "$work/stderr")"
    elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$work/stderr"; then
        bad "retsim $*: stderr does not match /$pattern/: $(head -c 300 "$work/stderr")"
    else
        ok
    fi
}
