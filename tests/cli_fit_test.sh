#!/usr/bin/env bash
# retsim fit, round trip: generate a trace from apim.ini (arrivals 300/d,
# lifetime lognormal(median=30d, sigma=1.0)), fit it, and check each true
# parameter lies inside its 95% CI while a deliberately wrong one does not;
# the fitted workload with apim's [policy.apim] passes `retsim check`.
. "$(dirname "$0")/cli_lib.sh" "$@"
# 17 whole weeks, so the weekly profile averages out to the nominal rate; no
# accidents, since an unnoticed one ends a life in the trace like the owner's
# delete (with them sigma comes out about 1.03)
expect 0 "" -- generate "$src/scenarios/apim.ini" -o "$work/t.csv" --set simulation.horizon=119d \
    --set simulation.warmup=0 --set workload.apim.accidental_deletes=0
expect 0 "" -- fit "$work/t.csv" --horizon 119d -o "$work/w.ini"
cat "$work/w.ini"

# inside LO HI VALUE: LO <= VALUE <= HI
inside() { awk -v lo="$1" -v hi="$2" -v v="$3" 'BEGIN { exit !(lo <= v && v <= hi) }'; }
# ci PATTERN: the "LO HI" of the 95% CI after PATTERN on a comment line
ci() { sed -n "s/.*$1[^;]*95% CI \([0-9.e+-]*\)–\([0-9.e+-]*\).*/\1 \2/p" "$work/w.ini" | head -1; }

check() { # LABEL PATTERN TRUE WRONG
    local r
    r=$(ci "$2")
    if [ -z "$r" ]; then
        bad "$1: no CI in the output"
        return
    fi
    # shellcheck disable=SC2086
    inside $r "$3" && ok || bad "$1: true $3 outside the 95% CI $r"
    # shellcheck disable=SC2086
    inside $r "$4" && bad "$1: wrong $4 inside the 95% CI $r" || ok
}
check arrivals "new names" 300 315
check median "lognormal: median" 30 33
check sigma "sigma" 1.0 1.1
grep -q '^lifetime = lognormal(' "$work/w.ini" && ok || bad "lognormal is not the best by AIC"

# the output loads: [policy.apim] plus the fitted workload
printf '[scenario]\nname = fitted\n[policy.apim]\nretention = 48h\n' >"$work/s.ini"
cat "$work/w.ini" >>"$work/s.ini"
expect 0 "" -- check "$work/s.ini"

expect 2 "expected one TRACE" -- fit
expect 2 "horizon" -- fit "$work/t.csv" --horizon 1d
expect 2 "no create of kind" -- fit "$work/t.csv" --kind keyvault
echo "cli_fit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
