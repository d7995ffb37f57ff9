#!/usr/bin/env bash
# retsim fit, the whole round trip: a trace generated from apim.ini, fitted,
# and the fitted workload run under apim's own policy must give the
# original's headline metrics back. The two runs use different workloads, so
# they are compared unpaired (compare OUT_A OUT_B --unpaired: Welch's
# interval of the difference of the means), each with its own seed.
#
# The tolerance is set before looking, from what the fit can see: its
# estimates of arrivals, lifetime and the probabilities are within 1-3% (their
# CIs, cli_fit), so a metric driven by them should come back within 10%. Data
# loss is the exception: an accident the owner never noticed looks in a trace
# like the owner's delete, so the fit's accident rate is the noticed ones only
# (the fitted file says so) and data loss comes back low, within 15%. And the
# comparison must see a real difference: the same fit with arrivals x 1.5
# must differ, by more than +30% in the counts and costs that scale with it.
. "$(dirname "$0")/cli_lib.sh" "$@"
short="--set simulation.horizon=400d --set simulation.warmup=200d"
expect 0 "" -- generate "$src/scenarios/apim.ini" -o "$work/t.csv" --set simulation.horizon=240d \
    --set simulation.warmup=0 -q
expect 0 "" -- fit "$work/t.csv" --retention 48h -o "$work/w.ini" -q
# the fitted scenario: apim.ini without its workload, then the fitted one
awk '/^\[/ { skip = ($0 ~ /^\[workload\./) } !skip' "$src/scenarios/apim.ini" >"$work/fitted.ini"
cat "$work/w.ini" >>"$work/fitted.ini"
expect 0 "" -- check "$work/fitted.ini"
# shellcheck disable=SC2086
expect 0 "" -- run "$src/scenarios/apim.ini" --replications 6 --seed 11 $short --out "$work/orig" -q
# shellcheck disable=SC2086
expect 0 "" -- run "$work/fitted.ini" --replications 6 --seed 12 $short --out "$work/fit" -q
expect 0 "" -- compare "$work/orig" "$work/fit" --unpaired --format csv
cp "$work/stdout" "$work/cmp.csv"
# rel METRIC: B vs A in percent of A, from compare's csv
rel() { awk -F, -v m="$1" '$2 == m { print $10 }' "$work/cmp.csv"; }
within() { # within METRIC PERCENT
    local r
    r=$(rel "$1")
    if [ -n "$r" ] && awk -v r="$r" -v t="$2" 'BEGIN { exit !(r <= t && r >= -t) }'; then
        ok
    else
        bad "$1: the fitted workload gives ${r:-nothing}% of the original's, beyond +-$2%"
    fi
}
for m in recovery_rate name_conflict_rate conflicts_soft_deleted conflicts_reserved recreates_abandoned \
    soft_deleted_avg reserved_avg cost_retained cost_total; do
    within "$m" 10
done
within data_loss 15
# unpaired folders need not share a seed; the paired form refuses them, and says where to go
expect 2 "seeds 11 and 12.*--unpaired" -- compare "$work/orig" "$work/fit"
expect 2 "--unpaired compares two output folders" -- compare "$src/scenarios/apim.ini" --unpaired \
    --set-b policy.apim.retention=7d

# the negative control: a workload 1.5 times as busy is seen as one
arr=$(awk -F' = ' '$1 == "arrivals" { sub(/\/d$/, "", $2); print $2 * 1.5 }' "$work/w.ini")
sed "s|^arrivals = .*|arrivals = $arr/d|" "$work/fitted.ini" >"$work/busy.ini"
# shellcheck disable=SC2086
expect 0 "" -- run "$work/busy.ini" --replications 6 --seed 12 $short --out "$work/busy" -q
expect 0 "" -- compare "$work/orig" "$work/busy" --unpaired --format csv
cp "$work/stdout" "$work/cmp.csv"
for m in soft_deleted_avg cost_total conflicts_soft_deleted; do
    r=$(rel "$m")
    sig=$(awk -F, -v m="$m" '$2 == m { print $9 }' "$work/cmp.csv")
    if [ "$sig" = yes ] && awk -v r="$r" 'BEGIN { exit !(r > 30) }'; then ok; else
        bad "$m: arrivals x 1.5 gave ${r}% (significant: $sig), expected more than +30%"
    fi
done
# a folder of one replication, or of other kinds, cannot be compared
expect 0 "" -- run "$src/scenarios/apim.ini" $short --out "$work/one" -q
expect 2 "holds 1 replication" -- compare "$work/orig" "$work/one" --unpaired
expect 0 "" -- run "$src/scenarios/key-vault.ini" --replications 2 --set simulation.horizon=60d \
    --set simulation.warmup=10d --out "$work/kv" -q
expect 2 "the runs must model the same kinds" -- compare "$work/orig" "$work/kv" --unpaired
echo "cli_fit_run: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
