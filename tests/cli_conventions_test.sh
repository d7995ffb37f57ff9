#!/usr/bin/env bash
# The command line's conventions: --opt=VALUE and short forms give the same
# files as --opt VALUE, -V, -q, "did you mean" for commands, options, keys,
# sections and kinds (with the usage lines, not the whole help), data on
# stdout and messages on stderr, --format csv|json equal to the files'
# tables, progress only on a terminal, and the grammar of counts.
# usage: cli_conventions_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
S=$src/scenarios
short=(--set simulation.horizon=60d --set simulation.warmup=0)
apim=("$S/apim.ini" "$S/traces/apim-walkthrough.csv")

# same FILE...: the files are byte-identical
same() {
    local first=$1
    shift
    for f in "$@"; do
        cmp -s "$first" "$f" && ok || bad "$f differs from $first"
    done
}

# --- one option, four spellings: the same outputs ---
expect 0 "" -- replay "${apim[@]}" --out "$work/r1"
expect 0 "" -- replay "${apim[@]}" --out="$work/r2"
expect 0 "" -- replay "${apim[@]}" -o "$work/r3"
expect 0 "" -- replay "${apim[@]}" "-o$work/r4"
same "$work/r1/events.csv" "$work/r2/events.csv" "$work/r3/events.csv" "$work/r4/events.csv"
expect 0 "" -- replay "${apim[@]}" --out "$work/s1" --set policy.apim.retention=7d
expect 0 "" -- replay "${apim[@]}" --out "$work/s2" --set=policy.apim.retention=7d
same "$work/s1/events.csv" "$work/s2/events.csv"
cmp -s "$work/r1/events.csv" "$work/s1/events.csv" && bad "--set changed nothing" || ok
expect 0 "" -- run "$S/quickstart.ini" "${short[@]}" --replications=2 --jobs=1 --seed=7 --out "$work/q1"
expect 0 "" -- run "$S/quickstart.ini" "${short[@]}" --replications 2 -j 1 --seed 7 -o "$work/q2"
same "$work/q1/summary.csv" "$work/q2/summary.csv"
expect 0 "" -- generate "$S/apim.ini" --trace="$work/g1.csv" --limit-names=2 "${short[@]}"
expect 0 "" -- generate "$S/apim.ini" -o "$work/g2.csv" --limit-names 2 "${short[@]}"
same "$work/g1.csv" "$work/g2.csv"
# "--" ends the options: a file called "-x" is a file
cp "$S/apim.ini" "$work/-x.ini"
(cd "$work" && "$bin" check -- -x.ini >/dev/null 2>&1) && ok || bad "check -- -x.ini did not read the file"
expect 2 "takes no value" -- run "$S/quickstart.ini" --force=yes
expect 2 "--out needs a value" -- run "$S/quickstart.ini" --out
expect 2 "-o needs a value" -- run "$S/quickstart.ini" -o

# --- -V, --version; -q ---
v1=$("$bin" -V) && v2=$("$bin" --version) && [ "$v1" = "$v2" ] && [[ $v1 == "retsim "* ]] && ok ||
    bad "-V '$v1' is not --version '$v2'"
expect 0 "" -- replay "${apim[@]}" --out "$work/q" -q
# warnings stay (the trace has no free subscription for reservation.free); nothing else
! grep -v "warning" "$work/stderr" | grep -q . && [ ! -s "$work/stdout" ] && ok || bad "replay -q said: $(cat "$work/stderr")"
"$bin" -q replay "${apim[@]}" --out "$work/q" >"$work/stdout" 2>"$work/stderr"
[ $? -eq 0 ] && ! grep -v "warning" "$work/stderr" | grep -q . && ok || bad "retsim -q replay said: $(cat "$work/stderr")"
# -q keeps the errors
expect 2 "cannot open" -- replay "$S/apim.ini" "$work/none.csv" -q --out "$work/none"

# --- did you mean: the nearest, and a short usage instead of the whole help ---
expect 2 "unknown command 'rnu'; did you mean 'run'\?" -- rnu
expect 2 "unknown command 'explian'; did you mean 'explain'\?" -- explian x
expect 2 "unknown command 'frobnicate'$" -- frobnicate
expect 2 "unknown option '--otu'; did you mean '--out'\?" -- run "$S/quickstart.ini" --otu x
[ "$(wc -l <"$work/stderr")" -le 5 ] && ok || bad "a misspelt option printed $(wc -l <"$work/stderr") lines"
grep -q "^usage: retsim run SCENARIO" "$work/stderr" && ok || bad "no usage line after a misspelt option"
grep -q "Exit codes" "$work/stderr" && bad "the whole help after a misspelt option" || ok
expect 2 "unknown option '--repliations'; did you mean '--replications'\?" -- sweep "$S/quickstart.ini" --repliations=3
expect 2 "unknown option '--nmae'; did you mean '--name'\?" -- explain "${apim[@]}" --nmae x
expect 2 "unknown option '--limit-name'; did you mean '--limit-names'\?" -- generate "$S/apim.ini" -o x --limit-name 3
expect 2 "unknown option '--zzzzzz'$" -- run "$S/quickstart.ini" --zzzzzz
expect 2 "unknown key in \[policy.apim\]; did you mean 'retention'\?" -- check "$S/apim.ini" --set policy.apim.retnetion=7d
expect 2 "did you mean the kind 'apim'\?" -- check "$S/apim.ini" --set policy.apmi.retention=7d
printf '[scenario]\nname = x\n[policy.apim]\nretentoin = 7d\n' >"$work/key.ini"
expect 2 "key.ini:4: 'retentoin': unknown key in \[policy.apim\]; did you mean 'retention'\?" -- check "$work/key.ini"
printf '[scenaro]\nname = x\n' >"$work/sec.ini"
expect 2 "sec.ini:1: 'scenaro': unknown section \(did you mean 'scenario'\?\)" -- check "$work/sec.ini"
expect 2 "--format is text, csv or json, got 'jsn'; did you mean 'json'\?" -- run "$S/quickstart.ini" --format jsn

# --- data on stdout, messages on stderr ---
expect 0 "^wrote .*events.csv" -- replay "${apim[@]}" --out "$work/m1"
[ ! -s "$work/stdout" ] && ok || bad "replay printed to stdout: $(head -3 "$work/stdout")"
expect 0 "^wrote " -- generate "$S/apim.ini" -o "$work/m.csv" --limit-names 2 "${short[@]}"
[ ! -s "$work/stdout" ] && ok || bad "generate printed to stdout"
expect 0 "events in .*; wrote " -- run "$S/quickstart.ini" "${short[@]}" --out "$work/m2"
grep -q "wrote" "$work/stdout" && bad "run's stdout holds a message" || ok
grep -q "recovered" "$work/stdout" && ok || bad "run's summary is not on stdout"

# --- --format csv is the files' table; json the same rows ---
# json_as_csv FILE: the JSON array of objects back to CSV rows (strings unquoted, null empty)
json_as_csv() {
    jq -r '(.[0] | keys_unsorted) as $k | ($k | join(",")), (.[] | [.[$k[]] | if . == null then "" else tostring end] | join(","))' "$1"
}
if command -v jq >/dev/null; then
    expect 0 "" -- run "$S/quickstart.ini" "${short[@]}" --out "$work/f1" --format csv
    same "$work/f1/summary.csv" "$work/stdout"
    expect 0 "" -- run "$S/quickstart.ini" "${short[@]}" --out "$work/f1" --format json
    json_as_csv "$work/stdout" >"$work/f1.csv" 2>"$work/jq.err" || bad "run --format json is not JSON: $(cat "$work/jq.err")"
    # the CSV writes numbers as %.9g or whole; jq prints them back the same for these values
    same "$work/f1/summary.csv" "$work/f1.csv"
    expect 0 "" -- run "$S/quickstart.ini" "${short[@]}" --replications 2 --out "$work/f2" --format csv
    same "$work/f2/summary_ci.csv" "$work/stdout"
    expect 0 "" -- compare "$S/quickstart.ini" "${short[@]}" --set-a policy.apim.retention=1d \
        --set-b policy.apim.retention=2d --replications 2 --out "$work/c" --format json
    json_as_csv "$work/stdout" >"$work/c.csv" 2>"$work/jq.err" || bad "compare --format json is not JSON"
    same "$work/c/compare.csv" "$work/c.csv"
    jq -e '.[0].significant | type == "string"' "$work/stdout" >/dev/null && ok || bad "significant is not a string"
    jq -e '[.[] | select(.metric == "restores")][0].n == 2' "$work/stdout" >/dev/null && ok || bad "n is not the number 2"
else
    bad "jq not installed (./quickstart.sh installs it): --format json not checked"
fi

# --- progress: on a terminal only, saying the point or side ---
if command -v script >/dev/null; then
    script -qc "'$bin' sweep '$S/quickstart.ini' --vary policy.apim.retention=1d,2d --replications 2 \
        --set simulation.horizon=60d --set simulation.warmup=0 --out '$work/p'" /dev/null >"$work/tty" 2>&1
    grep -aq "point 2 of 2 (policy.apim.retention=2d): 4 of 4 replications" "$work/tty" && ok ||
        bad "sweep on a terminal shows no progress: $(tr '\r' '\n' <"$work/tty" | tail -3)"
    script -qc "'$bin' -q sweep '$S/quickstart.ini' --vary policy.apim.retention=1d,2d --replications 2 \
        --set simulation.horizon=60d --set simulation.warmup=0 --out '$work/p'" /dev/null >"$work/tty" 2>&1
    grep -aq "replications" "$work/tty" && bad "sweep -q on a terminal shows progress" || ok
else
    bad "script (util-linux) not found"
fi
expect 0 "" -- sweep "$S/quickstart.ini" --vary policy.apim.retention=1d,2d --replications 2 "${short[@]}" --out "$work/p"
grep -q "point 1 of" "$work/stderr" && bad "progress when stderr is not a terminal" || ok

# --- grammar ---
expect 0 "^1 point x 1 replication; wrote" -- sweep "$S/quickstart.ini" --vary policy.apim.retention=1d \
    --replications 1 "${short[@]}" --out "$work/g"
expect 0 "^2 replications on 1 job in" -- run "$S/quickstart.ini" "${short[@]}" --replications 2 --jobs 1 --out "$work/g"
printf 'time,op,kind,subscription,name\n0,create,apim,a,x\n' >"$work/one.csv"
expect 0 "^replayed 1 operation and 0 automatic purges;" -- replay "$S/apim.ini" "$work/one.csv" --out "$work/g"

echo "cli_conventions: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
