#!/usr/bin/env bash
# End-to-end tests: command-line input that used to give a silent wrong answer
# now fails with exit 2 and a message naming file, line and key, or works.
# usage: cli_inputs_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# check DESCRIPTION COMMAND...: the command succeeds
check() {
    local what=$1
    shift
    if "$@"; then ok; else bad "$what"; fi
}

# A short quick start: 10 days is enough to exercise every path.
q="$work/q.ini"
sed -e 's/^horizon = 730d$/horizon = 10d/' -e 's/^warmup = 365d$/warmup = 0/' "$src/scenarios/quickstart.ini" >"$q"
check "test scenario has a 10d horizon" grep -q '^horizon = 10d$' "$q"

# --- sweep: a key varied twice would run every point at the last value ---
expect 2 "'policy.apim.retention': varied twice \(--vary 1 and 2\)" -- sweep "$q" --vary policy.apim.retention=24h,48h --vary policy.apim.retention=7d --replications 2 --out "$work/sw"
expect 2 "varied twice" -- sweep "$q" --vary policy.apim.retention=24h,48h --vary 'policy.apim.retention =7d' --replications 2 --out "$work/sw"
check "a refused sweep wrote nothing" test ! -e "$work/sw"
expect 0 "" -- sweep "$q" --vary 'policy.apim.retention = 24h, 48h' --replications 2 --out "$work/sw"
check "spaces around '=' and values in --vary are trimmed" grep -q '^point,policy.apim.retention,' "$work/sw/sweep_ci.csv"
check "--vary values are trimmed" grep -q '^1,48h,' "$work/sw/sweep_ci.csv"

# --- reservation.<type> for a type the population does not have ---
sed 's/^reservation.free = 30d$/reservation.fre = 30d/' "$q" >"$work/fre.ini"
line=$(grep -n '^reservation.fre' "$work/fre.ini" | cut -d: -f1)
expect 2 "fre.ini:$line: 'reservation.fre': \[policy.apim\]: subscription type 'fre' is not one of \[population\] subscription_types" -- run "$work/fre.ini" --out "$work/o"

# generation=N names one of several instances of a name: refused, with the line, where a kind has none
printf 'time,op,kind,subscription,name,options\n0,create,apim,s1,a,\n1h,restore,apim,s1,a,generation=2\n' >"$work/gen.csv"
expect 2 "gen.csv:3: 'options': generation=2: kind 'apim' has one instance per name at a time" -- replay "$src/scenarios/apim.ini" "$work/gen.csv" --out "$work/gen"
if [ ! -e "$work/gen" ]; then ok; else bad "a refused generation= left an output folder"; fi
expect 2 "fre.ini:$line: 'reservation.fre'" -- run "$work/fre.ini" --replications 2 --out "$work/o"
expect 2 "fre.ini:$line: 'reservation.fre'" -- sweep "$work/fre.ini" --vary policy.apim.retention=1d,2d --replications 2 --out "$work/o"
expect 2 "fre.ini:$line: 'reservation.fre'" -- check "$work/fre.ini"
expect 2 "fre.ini:$line: 'reservation.fre'" -- compare "$work/fre.ini" --set-a policy.apim.retention=1d --set-b policy.apim.retention=2d --replications 2
expect 2 "--set: 'reservation.fre'" -- run "$q" --set policy.apim.reservation.fre=1d --out "$work/o"
expect 2 "--set: 'reservation.fre'" -- compare "$q" --set-a policy.apim.retention=1d --set-b policy.apim.reservation.fre=1d --replications 2
check "refused runs wrote nothing" test ! -e "$work/o"
# declaring the type makes it fine
expect 0 "" -- run "$work/fre.ini" --set 'population.subscription_types=ea:0.6, fre:0.4' --out "$work/o"
# replay: the types come from the trace, so it runs, and warns about a key no row matched
printf 'time,op,kind,subscription,name,tenant,sub_type\n0,create,apim,s1,a,t1,free\n1h,delete,apim,s1,a,t1,free\n' >"$work/types.csv"
expect 0 "warning: .*fre.ini:$line: 'reservation.fre' in \[policy.apim\] matched no subscription" -- replay "$work/fre.ini" "$work/types.csv" --out "$work/r"
check "the warning comes after the summary, on stderr" awk '/^wrote / { w = NR } /warning/ && w && NR > w { f = 1 } END { exit !f }' "$work/stderr"
expect 0 "" -- replay "$q" "$work/types.csv" --out "$work/r"
check "no warning when every reservation type is in the trace" bash -c "! grep -q warning '$work/stderr'"

# --- a section header without its ']' ---
printf '[policy.apim]\nretention = 48h\n[policy.kv\nretention = 1d\n' >"$work/header.ini"
expect 2 "header.ini:3: section header '\[policy.kv' has no closing '\]'" -- check "$work/header.ini"
printf '[policy.apim\nretention = 48h\n' >"$work/first.ini"
expect 2 "first.ini:1: section header '\[policy.apim' has no closing '\]'" -- check "$work/first.ini"

# --- --set ---
expect 2 "--set: 'kind': \[change.longr\]: no kind" -- check "$q" --set change.longr.at=100d
if grep -q "kind ''" "$work/stderr"; then bad "--set change.*: still says kind ''"; else ok; fi
expect 0 "" -- check "$q" --set change.longr.at=5d --set change.longr.kind=apim --set change.longr.retention=7d
expect 0 "" -- check "$q" --set "policy.apim.retention = 7d"
check "--set 'K = V' sets K" grep -q '^retention = 7d ' "$work/stdout"
# validated once all are applied: the order does not matter
a="$src/scenarios/apim.ini"
expect 0 "" -- check "$a" --set simulation.horizon=3d --set simulation.warmup=0
expect 0 "" -- check "$a" --set simulation.warmup=0 --set simulation.horizon=3d
expect 2 "--set: 'simulation.warmup': \[simulation\]: warmup must be shorter" -- check "$a" --set simulation.warmup=10d --set simulation.horizon=3d

# --- compare OUT_A OUT_B: only folders whose pairs mean something ---
expect 0 "" -- run "$q" --out "$work/one_a"
expect 0 "" -- run "$q" --out "$work/one_b" --set policy.apim.retention=7d
expect 2 "one_a: 'replication': holds 1 replication; a confidence interval of B - A needs at least 2" -- compare "$work/one_a" "$work/one_b"
expect 0 "" -- run "$q" --replications 2 --out "$work/ca"
expect 0 "" -- run "$q" --replications 2 --out "$work/cb" --set policy.apim.retention=7d --set policy.apim.reservation=1d
expect 0 "" -- compare "$work/ca" "$work/cb"
expect 0 "" -- run "$q" --replications 3 --out "$work/c3"
expect 2 "c3: 'replication': holds 3 replications but .*ca holds 2" -- compare "$work/ca" "$work/c3"
expect 0 "" -- run "$q" --replications 2 --out "$work/cw" --set workload.apim.arrivals=50/d
expect 2 "cw/manifest: 'arrivals': \[workload.apim\] arrivals is '50/d' here but '100/d' in .*ca/manifest" -- compare "$work/ca" "$work/cw"
expect 0 "" -- run "$q" --replications 2 --out "$work/ch" --set simulation.horizon=9d --set simulation.warmup=0
expect 2 "'horizon': \[simulation\] horizon is '9d'" -- compare "$work/ca" "$work/ch"
expect 0 "" -- run "$q" --replications 2 --seed 9 --out "$work/cs"
expect 2 "'seed': the runs used seeds 1 and 9" -- compare "$work/ca" "$work/cs"
# with no accidental deletes the recovery rate has nothing to divide: no [nan, nan]
expect 0 "" -- run "$q" --replications 2 --out "$work/na" --set workload.apim.accidental_deletes=0
expect 0 "" -- run "$q" --replications 2 --out "$work/nb" --set workload.apim.accidental_deletes=0 --set policy.apim.retention=7d
expect 0 "" -- compare "$work/na" "$work/nb"
if grep -qi 'nan' "$work/stdout"; then bad "compare printed nan: $(grep -i nan "$work/stdout" | head -2)"; else ok; fi
check "compare says n/a where there is no value" grep -q '^  recovery_rate .*n/a' "$work/stdout"

# --- replay --until before the last row: the clock stops there ---
printf 'time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,delete,apim,s1,a\n2h,create,apim,s2,b\n3h,delete,apim,s2,b\n' >"$work/four.csv"
expect 0 "" -- replay "$q" "$work/four.csv" --until 1h --out "$work/u"
check "--until 1h: 2 rows applied, clock at 1h" grep -q '^replayed 2 operations .*clock ends at 1h$' "$work/stderr"
check "--until 1h: the 2 later rows are counted" grep -q '^2 trace rows after --until 1h were not applied$' "$work/stderr"
check "--until 1h: events.csv holds only the 2 applied rows" test "$(grep -cE ',(create|delete),' "$work/u/events.csv" 2>/dev/null)" = 2
expect 0 "" -- replay "$q" "$work/four.csv" --until 3h --out "$work/u"
check "--until at the last row: every row applied" grep -q '^replayed 4 operations' "$work/stderr"
if grep -q 'not applied' "$work/stderr"; then bad "--until 3h: no row is left"; else ok; fi

# --- trace rows may leave off trailing optional fields, not required ones ---
printf 'time,op,kind,subscription,name,tenant,sub_type,options\n0,create,apim,s1,a,t1,free,provisioning=succeeded\n1h,delete,apim,s1,a\n2h,create,apim,s2,b,t2\n' >"$work/short.csv"
expect 0 "" -- replay "$q" "$work/short.csv" --out "$work/t"
check "short rows are replayed" grep -q '^replayed 3 operations' "$work/stderr"
printf 'time,op,kind,subscription,name,tenant\n0,create,apim,s1,a\n1h,delete,apim,s1\n' >"$work/noname.csv"
expect 2 "noname.csv:3: 'name': missing required field" -- replay "$q" "$work/noname.csv" --out "$work/t2"
printf 'time,op,kind,subscription,name\n0,create,apim,s1,a,surplus\n' >"$work/long.csv"
expect 2 "long.csv:2: expected at most 5 fields" -- replay "$q" "$work/long.csv" --out "$work/t2"

# trailing fields an op does not need may be left off: list_deleted names no
# instance, a kind-wide set_policy neither instance nor subscription
printf 'time,op,kind,options,subscription,name\n0,create,apim,,s1,a\n1h,delete,apim,,s1,a\n2h,list_deleted,apim,,s1\n3h,set_policy,apim,retention=7d\n' >"$work/opt.csv"
expect 0 "" -- replay "$q" "$work/opt.csv" --out "$work/opt"
if [ "$(cut -d, -f3,9 "$work/opt/events.csv" | sed -n '4,5p' | paste -sd' ' -)" = "list_deleted,ok set_policy,ok" ]; then ok; else bad "short list_deleted / set_policy rows: $(cat "$work/opt/events.csv")"; fi
printf 'time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,list_deleted,apim,s1\n2h,restore,apim,s1\n' >"$work/need.csv"
expect 2 "need.csv:4: 'name': missing required field" -- replay "$q" "$work/need.csv" --out "$work/need"

# --set values a scenario file cannot hold are refused: the manifest must read back the same
expect 2 "'scenario.name': a ';' after a space starts a comment" -- check "$q" --set 'scenario.name=x ;y'
expect 2 "'simulation.currency': a ';' at the start of a value" -- check "$q" --set 'simulation.currency=;x'
long=$(printf 'd%.0s' $(seq 1 250))
expect 2 "'description = ...' is 264 characters, more than a scenario line holds \(197\)" -- check "$q" --set "scenario.description=$long"
expect 0 "" -- check "$q" --set 'scenario.name=a;b'
# names in a scenario are UTF-8, as trace fields are (a region is written into traces)
LC_ALL=C sed "s/^regions = eastus, westeurope\$/regions = eastus, west$(printf '\377')europe/" "$q" >"$work/utf.ini"
line=$(LC_ALL=C grep -an "west$(printf '\377')europe" "$work/utf.ini" | cut -d: -f1)
if [ -n "$line" ]; then
    expect 2 "utf.ini:$line: 'regions': the value is not valid UTF-8" -- check "$work/utf.ini"
else
    bad "utf.ini: no regions line to break"
fi

# compare with two sides that resolve to the same scenario: refused before any run
# (retention=48h is apim's default, and an empty --set-b leaves B as the scenario is)
expect 2 "A and B are the same scenario" -- compare "$q" --set-a policy.apim.retention=48h --replications 2
if [ ! -e "$work/same" ]; then ok; else bad "a refused compare wrote a folder"; fi
expect 2 "A and B are the same scenario" -- compare "$q" --set-a policy.apim.retention=2d --set-b policy.apim.retention=48h --replications 2 --out "$work/same"

echo "cli_inputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
