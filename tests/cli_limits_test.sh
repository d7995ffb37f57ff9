#!/usr/bin/env bash
# End-to-end tests of the input limits: every duration and instant is at most
# 365000d (1,000 years) however it is written, random draws are clamped so the
# clock never wraps, and whole numbers out of their range are refused (exit 2,
# naming the file, line and field, and writing nothing).
# usage: cli_limits_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# same_results DIR_A DIR_B: the four result tables are byte for byte the same
same_results() {
    local f
    for f in summary.csv summary_by_type.csv outcomes.csv timeseries.csv; do
        if ! cmp -s "$1/$f" "$2/$f"; then
            bad "$1/$f and $2/$f differ"
            return
        fi
    done
    ok
}

# absent DIR: a refused run wrote nothing
absent() { if [ -e "$1" ]; then bad "$1 exists after a refused run"; else ok; fi; }

q=$src/scenarios/quickstart.ini
short=(--set simulation.horizon=30d --set simulation.warmup=0)
limit='longer than the maximum duration 365000d \(1,000 years\)'

# --- finding 1: a retention that wrapped the clock (negative purge times, "recovered 0.00%") ---
expect 2 "'policy.apim.retention': $limit" -- run "$q" --set policy.apim.retention=106751991167d "${short[@]}" --out "$work/wrap"
absent "$work/wrap"
# 1,000 years is still taken and gives the answer any retention longer than the
# 30-day horizon gives: nothing expires inside the run, so 31d and 365000d agree
expect 0 "" -- run "$q" --set policy.apim.retention=365000d "${short[@]}" --out "$work/r_max"
if grep -q "recovered 0.00%" "$work/stdout"; then bad "retention 365000d recovers nothing"; else ok; fi
expect 0 "" -- run "$q" --set policy.apim.retention=31d "${short[@]}" --out "$work/r_31d"
same_results "$work/r_31d" "$work/r_max"
for key in simulation.horizon policy.apim.reservation.free workload.apim.retry_interval; do
    expect 2 "'$key': $limit" -- run "$q" --set "$key=365001d" --out "$work/refused"
done
absent "$work/refused"
expect 2 "'workload.apim.restore_delay': lognormal: median '106751991167d' is $limit" -- \
    run "$q" --set 'workload.apim.restore_delay=lognormal(median=106751991167d, sigma=1)' --out "$work/refused"
expect 2 "'workload.apim.lifetime': const: value '365000d1ms' is $limit" -- \
    run "$q" --set 'workload.apim.lifetime=const(365000d1ms)' --out "$work/refused"
printf '[policy.apim]\nretention = 48h\n[simulation]\nhorizon = 30d\nwarmup = 9223372036854775807ms\n' >"$work/warm.ini"
expect 2 "warm.ini:5: 'warmup': $limit" -- check "$work/warm.ini"

# A draw from a tiny rate is 1e308 ms or inf: it used to become INT64_MIN and
# put every accident at a negative time (retention share 100%). Clamped, it lies
# past the horizon, so the run equals one without accidents (the accident draws
# have a stream of their own and disturb nothing else).
expect 0 "" -- run "$q" --set 'workload.apim.accidental_deletes=1e-300/d' "${short[@]}" --out "$work/tiny"
expect 0 "" -- run "$q" --set 'workload.apim.accidental_deletes=0' "${short[@]}" --out "$work/none"
same_results "$work/none" "$work/tiny"
# heavy tails (Pareto shape 0.01 draws up to 1e300 ms) run and stay sane
expect 0 "" -- run "$q" --set 'workload.apim.lifetime=pareto(scale=1h, shape=0.01)' \
    --set 'workload.apim.restore_delay=pareto(scale=1h, shape=0.01)' \
    --set 'workload.apim.purge_delay=pareto(scale=1h, shape=0.01)' "${short[@]}" --out "$work/tails"

# --- finding 2: one rule for every spelling, in traces too ---
a=$src/scenarios/apim.ini
h='time,op,kind,subscription,name,tenant,sub_type,api_version,options\n'
trace_case() { # NAME PATTERN CONTENT
    printf '%b' "$3" >"$work/$1.csv"
    expect 2 "$2" -- replay "$a" "$work/$1.csv" --out "$work/refused"
    absent "$work/refused"
}
for t in 106751991167d7h12m55s807ms 9223372036854775807ms 365000d1ms; do
    trace_case "t_$t" "t_$t.csv:3: 'time': $limit, got '$t'" "${h}0,create,apim,s1,a,,,,\n$t,delete,apim,s1,a,,,,\n"
done
trace_case iso_far "iso_far.csv:3: 'time': '3001-01-01T00:00:00Z' is more than the maximum 365000d" \
    "${h}2000-01-01T00:00:00Z,create,apim,s1,a,,,,\n3001-01-01T00:00:00Z,delete,apim,s1,a,,,,\n"
trace_case opt_retention "opt_retention.csv:2: 'options': retention: $limit" \
    "${h}0,set_policy,apim,,,,,,retention=365001d\n"
printf '%b' "${h}2000-01-01T00:00:00Z,create,apim,s1,a,,,,\n2100-01-01T00:00:00Z,delete,apim,s1,a,,,,\n" >"$work/iso_ok.csv"
expect 0 "" -- replay "$a" "$work/iso_ok.csv" --out "$work/iso_ok"
expect 2 "--until: $limit" -- replay "$a" "$work/iso_ok.csv" --until 106751991167d7h12m55s807ms --out "$work/refused"

# --- finding 12: whole numbers out of range, signed or with junk ---
for seed in 99999999999999999999999 18446744073709551616 -1 ' 5' +5 5x ''; do
    expect 2 "--seed takes a whole number from 0 to 18446744073709551615, got '${seed//+/\\+}'" -- \
        run "$q" --seed "$seed" "${short[@]}" --out "$work/refused"
done
absent "$work/refused"
expect 0 "" -- run "$q" --seed 18446744073709551615 --set simulation.horizon=2d --set simulation.warmup=0 --out "$work/seed_max"
if grep -q '^seed = 18446744073709551615$' "$work/seed_max/manifest"; then ok; else bad "manifest does not record seed 2^64-1"; fi
expect 2 "--replications takes a whole number from 1 to 1000000, got '99999999999999999999'" -- \
    run "$q" --replications 99999999999999999999 --out "$work/refused"
expect 2 "--replications takes a whole number from 1 to 1000000, got '1e3'" -- run "$q" --replications 1e3 --out "$work/refused"
expect 2 "--jobs takes a whole number from 1 to 1024, got '-2'" -- run "$q" --replications 2 --jobs -2 --out "$work/refused"
printf '[policy.apim]\nretention = 48h\n[simulation]\nseed = 99999999999999999999999\n' >"$work/seed.ini"
expect 2 "seed.ini:4: 'seed': expected a whole number from 0 to 18446744073709551615" -- check "$work/seed.ini"
expect 2 "'simulation.seed': expected a whole number" -- check "$a" --set simulation.seed=-1
expect 2 "'population.subscriptions': expected a whole number from 1 to 100000000" -- \
    check "$a" --set population.subscriptions=99999999999999999999
absent "$work/refused"

echo "cli_limits: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
