#!/usr/bin/env bash
# End-to-end tests of the retsim command line: exit codes, error messages that
# name file, line and field, output folders left untouched by failed runs, and
# byte-identical outputs for identical runs.
# usage: cli_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# Same bytes, but for the manifest's command_line, which records how each run was asked for (its --out).
same() { cmp -s <(grep -v '^command_line = ' "$1") <(grep -v '^command_line = ' "$2"); }

# A folder with the results of an earlier good run; failed runs must leave it as it is.
snapshot() { (cd "$work/out" && ls -A | sort && cat ./*) | md5sum; }

cp "$src/scenarios/apim.ini" "$work/apim.ini"
cat >"$work/good.csv" <<'CSV'
time,op,kind,subscription,name
0,create,apim,s1,a
1h,delete,apim,s1,a
CSV
expect 0 "" -- replay "$work/apim.ini" "$work/good.csv" --out "$work/out"
before=$(snapshot)

# --- usage ---
expect 0 "" -- --help
expect 0 "" -- --version
expect 0 "" -- replay --help
expect 0 "" -- check --help
expect 2 "usage" -- 
expect 2 "unknown command" -- explode
expect 2 "expected SCENARIO and TRACE" -- replay "$work/apim.ini"
expect 2 "unknown option" -- replay "$work/apim.ini" "$work/good.csv" --colour
expect 2 "needs a value" -- replay "$work/apim.ini" "$work/good.csv" --out

# --- bad scenarios: file, line, key ---
scenario_case() { # NAME PATTERN CONTENT
    printf '%s\n' "$3" >"$work/$1.ini"
    expect 2 "$2" -- replay "$work/$1.ini" "$work/good.csv" --out "$work/out"
}
scenario_case unknown_key "unknown_key.ini:3: 'colour': unknown key" $'[policy.apim]\nretention = 48h\ncolour = red'
scenario_case bad_duration "bad_duration.ini:2: 'retention': expected a duration" $'[policy.apim]\nretention = two days'
scenario_case negative "negative.ini:2: 'retention': expected a duration" $'[policy.apim]\nretention = -48h'
scenario_case bad_choice "bad_choice.ini:2: 'reuse_after_purge': expected one of" $'[policy.apim]\nreuse_after_purge = whoever'
scenario_case bad_bool "bad_bool.ini:2: 'purge_protection': expected true or false" $'[policy.apim]\npurge_protection = 1.5'
expect 2 "cannot open the scenario" -- replay "$work/missing.ini" "$work/good.csv" --out "$work/out"
expect 2 "'policy.apim.retention': expected a duration" -- replay "$work/apim.ini" "$work/good.csv" --out "$work/out" --set policy.apim.retention=never
expect 2 "no \[policy.nokind\]" -- check "$work/apim.ini" --set policy.nokind.retention=1d

# --- bad traces: file, line, column ---
trace_case() { # NAME PATTERN CONTENT
    printf '%b' "$3" >"$work/$1.csv"
    expect 2 "$2" -- replay "$work/apim.ini" "$work/$1.csv" --out "$work/out"
}
h='time,op,kind,subscription,name\n'
trace_case unknown_op "unknown_op.csv:3: 'op': unknown operation 'launch'" "${h}0,create,apim,s1,a\n1h,launch,apim,s1,a\n"
trace_case unknown_kind "unknown_kind.csv:2: 'kind': unknown kind 'dragon'" "${h}0,create,dragon,s1,a\n"
trace_case bad_time "bad_time.csv:2: 'time': expected a duration" "${h}tomorrow,create,apim,s1,a\n"
trace_case backwards "backwards.csv:3: 'time': time goes backwards" "${h}2h,create,apim,s1,a\n1h,delete,apim,s1,a\n"
trace_case missing_col "missing_col.csv:1: 'subscription': missing column" 'time,op,kind,name\n0,create,apim,a\n'
trace_case bad_bytes "bad_bytes.csv:2: 'name': field 5 is not valid UTF-8" "${h}0,create,apim,s1,caf\xe9\n"
trace_case short_row "short_row.csv:2: 'name': missing required field" "${h}0,create,apim,s1\n"
trace_case bad_option "bad_option.csv:2: 'options'" 'time,op,kind,subscription,name,options\n0,purge,apim,s1,a,purge_permission=maybe\n'
expect 2 "cannot open the trace" -- replay "$work/apim.ini" "$work/nothing.csv" --out "$work/out"

after=$(snapshot)
if [ "$before" = "$after" ]; then ok; else bad "a failed run changed the output folder"; fi
if ls -A "$work/out" | grep -q tmp; then bad "temporary files left behind"; else ok; fi

# --- runtime failure: exit 1 ---
expect 1 "cannot" -- replay "$work/apim.ini" "$work/good.csv" --out /proc/retsim-cannot-write-here

# --- good runs ---
for s in "$src"/scenarios/*.ini; do
    expect 0 "" -- check "$s"
done
walk="$src/scenarios/traces/apim-walkthrough.csv"
expect 0 "" -- replay "$src/scenarios/apim.ini" "$walk" --out "$work/r1"
expect 0 "" -- replay "$src/scenarios/apim.ini" "$walk" --out "$work/r2"
for f in events.csv outcomes.csv summary.csv manifest; do
    if same "$work/r1/$f" "$work/r2/$f"; then ok; else bad "$f differs between identical runs"; fi
done
if head -1 "$work/r1/events.csv" | grep -q '^time_ms,time,op,kind,subscription,sub_type,parent,name,outcome,state_before,state_after,deletion_time_ms,scheduled_purge_ms,count,generation,reason,detail$'; then ok; else bad "events.csv header"; fi
if head -1 "$work/r1/outcomes.csv" | grep -q '^kind,op,outcome,sub_type,count$'; then ok; else bad "outcomes.csv header"; fi
# the manifest is a scenario: replaying with it reproduces the run byte for byte
expect 0 "" -- replay "$work/r1/manifest" "$walk" --out "$work/r4"
if cmp -s "$work/r1/events.csv" "$work/r4/events.csv"; then ok; else bad "replay from the manifest differs"; fi
# --set changes the answer: with 7 days of retention the walkthrough's late restore succeeds
expect 0 "" -- replay "$src/scenarios/apim.ini" "$walk" --out "$work/r3" --set policy.apim.retention=7d
if [ "$(grep -c ',restore,.*,expired,' "$work/r1/events.csv")" -gt "$(grep -c ',restore,.*,expired,' "$work/r3/events.csv")" ]; then ok; else bad "--set retention=7d did not change the late restore"; fi

# --- retsim run ---
expect 0 "" -- run --help
expect 2 "expected one SCENARIO" -- run
expect 2 "'workload.nothing.arrivals': no \[policy.nothing\]" -- run "$src/scenarios/apim-2020-preview.ini" --set workload.nothing.arrivals=1/d
printf '[policy.x]\nretention = 1d\n' >"$work/no_workload.ini"
expect 2 "no \[workload.<kind>\] section: nothing to generate" -- run "$work/no_workload.ini" --out "$work/out"
expect 2 "--seed takes a whole number" -- run "$src/scenarios/quickstart.ini" --seed -4 --out "$work/out"
knob_case() { # NAME PATTERN CONTENT
    printf '%s\n' "$3" >"$work/$1.ini"
    expect 2 "$2" -- run "$work/$1.ini" --out "$work/out"
}
knob_case prob "prob.ini:4: 'notice_probability': expected a probability between 0 and 1, got '1.5'" $'[policy.x]\n[workload.x]\narrivals = 1/d\nnotice_probability = 1.5'
knob_case rate "rate.ini:3: 'arrivals': a rate cannot be negative" $'[policy.x]\n[workload.x]\narrivals = -10/d'
knob_case dist "dist.ini:4: 'lifetime': expected a distribution such as" $'[policy.x]\n[workload.x]\narrivals = 1/d\nlifetime = cauchy(1h)'
after_run=$(snapshot)
if [ "$before" = "$after_run" ]; then ok; else bad "a failed run changed the output folder"; fi

# the quick start over one year from an empty world, nothing left out: the
# replay of its trace then counts exactly what the run counted
q="$work/quick.ini"
sed -e 's/^horizon = 730d$/horizon = 365d/' -e 's/^warmup = 365d$/warmup = 0/' "$src/scenarios/quickstart.ini" >"$q"
if grep -q '^horizon = 365d$' "$q" && grep -q '^warmup = 0$' "$q"; then ok; else bad "quick.ini: horizon or warmup not found in quickstart.ini"; fi
expect 0 "" -- run "$q" --out "$work/q1" --events --trace-out "$work/q1.trace.csv"
expect 0 "" -- run "$q" --out "$work/q2"
for f in summary.csv outcomes.csv timeseries.csv manifest; do
    if same "$work/q1/$f" "$work/q2/$f"; then ok; else bad "run: $f differs between identical runs"; fi
done
expect 0 "" -- run "$q" --out "$work/q3" --seed 2
if cmp -s "$work/q1/summary.csv" "$work/q3/summary.csv"; then bad "another seed gave the same summary"; else ok; fi
# the generated trace replays to the same events and outcomes
expect 0 "" -- replay "$q" "$work/q1.trace.csv" --until 365d --out "$work/q1r"
for f in events.csv outcomes.csv; do
    if cmp -s "$work/q1/$f" "$work/q1r/$f"; then ok; else bad "replay of --trace-out: $f differs"; fi
done
# the run's manifest reproduces it
expect 0 "" -- run "$work/q1/manifest" --out "$work/q4"
if cmp -s "$work/q1/summary.csv" "$work/q4/summary.csv"; then ok; else bad "run from its manifest differs"; fi
if head -1 "$work/q1/timeseries.csv" | grep -q '^time_ms,time,kind,active,soft_deleted,reserved,replicas_live,replicas_retained,cost_live_per_hour,cost_retained_per_hour,gb_active,gb_soft_deleted$'; then ok; else bad "timeseries.csv header"; fi
if [ "$(wc -l <"$work/q1/timeseries.csv")" -eq 367 ]; then ok; else bad "timeseries.csv should have a row a day, 0 to 365d"; fi

# --- replications, sweeps, comparisons ---
expect 0 "" -- run "$q" --replications 4 --jobs 1 --out "$work/j1" --set simulation.horizon=60d --set simulation.warmup=0
expect 0 "" -- run "$q" --replications 4 --jobs 2 --out "$work/j2" --set simulation.horizon=60d --set simulation.warmup=0
for f in summary.csv summary_ci.csv outcomes.csv timeseries.csv manifest; do
    if same "$work/j1/$f" "$work/j2/$f"; then ok; else bad "--jobs 1 and 2 differ in $f"; fi
done
if [ "$(head -1 "$work/j1/summary_ci.csv")" = "kind,metric,n,mean,sd,ci95_low,ci95_high" ]; then ok; else bad "summary_ci.csv header"; fi
if [ "$(grep -c '^quickstart,' "$work/j1/summary.csv")" -eq 4 ]; then ok; else bad "summary.csv: a row per replication"; fi
if head -1 "$work/j1/outcomes.csv" | grep -q '^replication,kind,op,outcome,sub_type,count$'; then ok; else bad "outcomes.csv with replications"; fi
expect 2 "--events and --trace-out are for a single run" -- run "$q" --replications 3 --events
expect 2 "--replications takes a whole number from 1" -- run "$q" --replications 0
expect 2 "--jobs takes a whole number" -- run "$q" --replications 2 --jobs lots
expect 0 "" -- sweep --help
expect 2 "expected 1 to 8 --vary" -- sweep "$q" --out "$work/sw"
expect 2 "expected KEY=v1,v2" -- sweep "$q" --vary policy.apim.retention --out "$work/sw"
expect 2 "'policy.apim.retention': expected a duration" -- sweep "$q" --vary policy.apim.retention=48h,later --out "$work/sw"
if [ -e "$work/sw" ]; then bad "a failed sweep created its folder"; else ok; fi
expect 0 "" -- sweep "$q" --vary policy.apim.retention=24h,7d --vary policy.apim.reservation=1d,7d --replications 2 --out "$work/sw" --set simulation.horizon=30d --set simulation.warmup=0
if [ "$(head -1 "$work/sw/sweep_ci.csv")" = "point,policy.apim.retention,policy.apim.reservation,kind,metric,n,mean,sd,ci95_low,ci95_high" ]; then ok; else bad "sweep_ci.csv header"; fi
if [ "$(cut -d, -f1-3 "$work/sw/sweep.csv" | sort -u | grep -c '^[0-9]')" -eq 4 ]; then ok; else bad "sweep.csv: 4 points"; fi
expect 0 "" -- compare --help
expect 2 "give the two policies" -- compare "$q"
expect 2 "at least 2 --replications" -- compare "$q" --set-b policy.apim.retention=7d --replications 1
expect 0 "" -- compare "$q" --set-a policy.apim.retention=48h --set-b policy.apim.retention=7d --replications 3 --out "$work/cmp" --set simulation.horizon=60d --set simulation.warmup=0
if [ "$(head -1 "$work/cmp/compare.csv")" = "kind,metric,n,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,significant,rel_change_pct,rel_ci95_low_pct,rel_ci95_high_pct" ]; then ok; else bad "compare.csv header"; fi
if grep -q '^apim,recovery_rate,3,.*,yes,' "$work/cmp/compare.csv"; then ok; else bad "7d vs 48h: recovery should differ"; fi

# comparing two earlier runs' folders: pairs by replication, needs the same seed
expect 0 "" -- run "$q" --replications 3 --out "$work/fa" --set simulation.horizon=60d --set simulation.warmup=0
expect 0 "" -- run "$q" --replications 3 --out "$work/fb" --set simulation.horizon=60d --set simulation.warmup=0 --set policy.apim.retention=7d
expect 0 "" -- compare "$work/fa" "$work/fb" --out "$work/fc"
if grep -q '^apim,recovery_rate,3,.*,yes,' "$work/fc/compare.csv"; then ok; else bad "folder compare: recovery should differ"; fi
expect 0 "" -- run "$q" --replications 3 --seed 5 --out "$work/fd" --set simulation.horizon=60d --set simulation.warmup=0
expect 2 "'seed': the runs used seeds 1 and 5" -- compare "$work/fa" "$work/fd"

expect 2 "--until: expected a duration" -- replay "$work/apim.ini" "$work/good.csv" --until later --out "$work/out"
mkdir -p "$work/broken" && printf 'scenario,replication,seed,kind,creates\nq,zero,1,apim,5\n' >"$work/broken/summary.csv"
expect 2 "broken/summary.csv:2: 'replication'" -- compare "$work/fa" "$work/broken"

# Ctrl-C during replications: what finished is kept, and the files agree with each other
"$bin" run "$src/scenarios/apim.ini" --replications 200 --jobs 1 --out "$work/int" >"$work/int.out" 2>"$work/int.err" &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
rc=$?
if [ "$rc" -eq 1 ] && grep -q "interrupted after [0-9]* of 200" "$work/int.err"; then ok; else bad "interrupted run: exit $rc, $(cat "$work/int.err")"; fi
done_reps=$(grep -o "interrupted after [0-9]*" "$work/int.err" | grep -o "[0-9]*$")
if [ "$done_reps" -eq 0 ]; then
    if [ -e "$work/int/summary.csv" ]; then bad "no replication finished but summary.csv was written"; else ok; fi
elif [ "$(grep -c '^apim,' "$work/int/summary.csv")" -eq "$done_reps" ] && grep -q "^replications = $done_reps of 200$" "$work/int/manifest"; then
    ok
else
    bad "interrupted run: summary.csv and manifest do not hold the $done_reps finished replications"
fi

# a refused purge still reports when the instance was deleted and will be purged:
# Key Vault deleted at 1h = 3600000 ms, purge at 1h + 90d = 3600000 + 7776000000 ms
expect 0 "" -- replay "$src/scenarios/key-vault.ini" "$src/tests/golden/kv_purge_protection/trace.csv" --out "$work/kv"
for outcome in forbidden purge_protected; do
    row=$(awk -F, -v o="$outcome" '$3 == "purge" && $9 == o {print $12 "," $13}' "$work/kv/events.csv")
    if [ "$row" = "3600000,7779600000" ]; then ok; else bad "$outcome purge row carries '$row', not the deletion and purge times"; fi
done

# the README documents exactly the columns summary.csv has, in order
documented=$(sed -n '/^`summary.csv`/,/^`outcomes.csv`/p' "$src/README.md" | grep -oE '^\| `[a-z_0-9]+` \|' | tr -d '|` ' | paste -sd, -)
if [ "scenario,replication,seed,kind,$documented" = "$(head -1 "$work/q1/summary.csv")" ]; then ok; else bad "README's summary.csv table does not match the header: $documented"; fi

echo "cli: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
