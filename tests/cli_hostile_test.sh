#!/usr/bin/env bash
# End-to-end tests of hostile input: files that never end, NUL bytes, devices
# and folders where a file is expected, a byte-order mark. Each must end with
# exit 2 and a message naming file and line (or exit 0 where the input is
# fine), quickly and in bounded memory, leaving no output folder behind.
# usage: cli_hostile_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

EXPECT_TIMEOUT=60 # "reads forever" becomes a failure instead of a hung suite

# no_output DIR: a refused input leaves no output folder.
no_output() {
    if [ -e "$1" ]; then bad "$1 exists after a refused input"; else ok; fi
}

S=$src/scenarios/apim.ini
header='time,op,kind,subscription,name'

# --- traces that never end ---
expect 2 "/dev/zero: cannot open the trace file: is a device" -- replay "$S" /dev/zero --out "$work/o1"
no_output "$work/o1"
expect 2 "is a directory" -- replay "$S" "$work" --out "$work/o2"
no_output "$work/o2"
# A row that never ends, through a pipe (pipes are accepted: a trace is streamed once).
start=$SECONDS
{ echo "$header"; yes aaaaaaaa | tr -d '\n'; } | timeout 60 "$bin" replay "$S" /dev/stdin --out "$work/o3" \
    >"$work/stdout" 2>"$work/stderr"
rc=${PIPESTATUS[1]}
if [ "$rc" -eq 2 ] && grep -qE "/dev/stdin:2: 'time': field 1 is longer than 65536 bytes" "$work/stderr"; then
    ok
else
    bad "endless row on a pipe: exit $rc, $(head -c 300 "$work/stderr")"
fi
[ $((SECONDS - start)) -lt 30 ] && ok || bad "endless row took $((SECONDS - start)) s"
no_output "$work/o3"
# A good trace through a pipe runs.
printf '%s\n0,create,apim,s1,a\n' "$header" | "$bin" replay "$S" /dev/stdin --out "$work/o4" >/dev/null 2>&1 \
    && grep -q ',create,apim,s1,' "$work/o4/events.csv" && ok || bad "a trace on a pipe did not replay"

# --- NUL bytes ---
printf '%s\n0,create,apim,s1,a\0b\n' "$header" >"$work/nul-name.csv"
expect 2 "nul-name.csv:2: NUL byte" -- replay "$S" "$work/nul-name.csv" --out "$work/o5"
printf '%s\n0,create,apim,s1,a\n0\0,delete,apim,s1,a\n' "$header" >"$work/nul-time.csv"
expect 2 "nul-time.csv:3: NUL byte" -- replay "$S" "$work/nul-time.csv" --out "$work/o5"
no_output "$work/o5"
printf '[policy.apim]\nretention = 48h\0junk\n' >"$work/nul.ini"
expect 2 "nul.ini:2: NUL byte" -- check "$work/nul.ini"

# --- a byte-order mark starts a trace as it may start a scenario ---
printf '\xef\xbb\xbf%s\n0,create,apim,s1,a\n' "$header" >"$work/bom.csv"
expect 0 "" -- replay "$S" "$work/bom.csv" --out "$work/o6"
grep -q ',create,apim,s1,' "$work/o6/events.csv" && ok || bad "the BOM trace's row is missing"
{ printf '\xef\xbb\xbf'; cat "$S"; } >"$work/bom.ini"
expect 0 "" -- replay "$work/bom.ini" "$work/bom.csv" --out "$work/o7"
cmp -s "$work/o6/events.csv" "$work/o7/events.csv" && ok || bad "a BOM changed what the scenario says"

# --- scenarios and samples must be regular files ---
expect 2 "/dev/zero: cannot open the scenario file: is a device" -- check /dev/zero
mkfifo "$work/s.fifo"
expect 2 "is a pipe" -- check "$work/s.fifo"
printf '[policy.apim]\n[workload.apim]\nrestore_delay = empirical(/dev/zero)\n' >"$work/emp.ini"
expect 2 "emp.ini:3: 'restore_delay'.*empirical: cannot open '/dev/zero': is a device" -- check "$work/emp.ini"
printf '[policy.apim]\n[workload.apim]\nrestore_delay = empirical(d.csv)\n' >"$work/emp2.ini"
printf 'delay\n1h\n2h\0junk\n' >"$work/d.csv"
expect 2 "emp2.ini:3: .*line 3: NUL byte" -- check "$work/emp2.ini"

echo "cli_hostile: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
