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

# ops_outcomes FILE: "op:outcome" for every row of an events.csv, in order
ops_outcomes() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } { print $c["op"] ":" $c["outcome"] }' "$1"
}

# walk NAME EXPECTED...: replay $S/NAME.ini with $S/traces/NAME.csv (S: the scenarios folder); the
# events, row by row, must be EXPECTED (op:outcome words, from the README's tables)
walk() {
    local name=$1
    shift
    expect 0 "" -- replay "$S/$name.ini" "$S/traces/$name.csv" --out "$work/$name.walk"
    local got want
    got=$(ops_outcomes "$work/$name.walk/events.csv" | tr '\n' ' ')
    want="$* "
    if [ "$got" = "$want" ]; then ok; else
        bad "$name walkthrough:
  want: $want
  got:  $got"
    fi
}

