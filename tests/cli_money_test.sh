#!/usr/bin/env bash
# End-to-end tests of money and time as a planner reads them: the currency
# beside every cost, cost per 30 days, thousands separators and no
# e-notation, ISO-8601 times back in events.csv, and the MSER-5 warm-up advice.
# usage: cli_money_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# column NAME FILE: the values of a CSV column found by its header name (no quoted commas here)
column() { awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }' "$2"; }

# --- cost per 30 days, by hand: one instance live for 60 days ---
# apim.ini: 1 region x 2 replicas x 0.10 per replica-hour; 60 d = 1,440 h
# cost_total = 1440 x 2 x 0.10 = 288; per 30 days = 144 (nothing soft-deleted: retained 0)
printf 'time,op,kind,subscription,name\n0,create,apim,s1,a\n' >"$work/one.csv"
expect 0 "" -- replay "$src/scenarios/apim.ini" "$work/one.csv" --until 60d --out "$work/r60"
if [ "$(column cost_total "$work/r60/summary.csv")" = 288 ] &&
    [ "$(column cost_total_per_30d "$work/r60/summary.csv")" = 144 ] &&
    [ "$(column cost_retained_per_30d "$work/r60/summary.csv")" = 0 ]; then ok; else
    bad "60 days of one instance: cost_total 288, per 30 days 144: $(head -2 "$work/r60/summary.csv")"
fi

# --- the currency: default USD, a key to change it, printed beside every cost ---
q="$src/scenarios/quickstart.ini"
expect 0 "" -- run "$q" --out "$work/q" --set simulation.horizon=60d --set simulation.warmup=0
if grep -qE '^  cost [0-9,]+\.[0-9]{2} USD, of which retention [0-9,]+\.[0-9]{2} USD' "$work/stdout" &&
    grep -qE '^  per 30 days: cost [0-9,]+\.[0-9]{2} USD' "$work/stdout"; then ok; else
    bad "run: costs without USD: $(cat "$work/stdout")"
fi
# thousands separators, never e-notation, in every number the summary prints
if grep -qE 'replica-hours live [0-9]{1,3}(,[0-9]{3})+, ' "$work/stdout" && ! grep -qE '[0-9]e[+-]?[0-9]' "$work/stdout"; then ok; else
    bad "run summary: expected grouped replica-hours and no e-notation: $(cat "$work/stdout")"
fi
expect 0 "" -- run "$q" --out "$work/qe" --set simulation.horizon=60d --set simulation.warmup=0 --set simulation.currency=EUR
if grep -q ' EUR, of which retention ' "$work/stdout" && ! grep -q USD "$work/stdout" &&
    grep -qE '^currency = EUR ' "$work/qe/manifest"; then ok; else bad "currency EUR not printed or not in the manifest"; fi
expect 2 "'simulation.currency': expected a non-empty value" -- run "$q" --set simulation.currency=
expect 0 "" -- check "$q"
if grep -qE '^currency = USD ' "$work/stdout"; then ok; else bad "check: no default currency line"; fi

# replications and compare print the currency and no e-notation; compare gives the relative change
expect 0 "" -- run "$q" --replications 2 --out "$work/rep" --set simulation.horizon=60d --set simulation.warmup=0 --set simulation.currency=EUR
if grep -q '(costs in EUR)' "$work/stdout" && ! grep -qE '[0-9]e[+-]?[0-9]' "$work/stdout"; then ok; else
    bad "replications table: $(cat "$work/stdout")"
fi
expect 0 "" -- compare "$q" --set-a policy.apim.retention=48h --set-b policy.apim.retention=7d --replications 2 --set simulation.horizon=60d --set simulation.warmup=0 --out "$work/cmp"
if grep -qE '^  cost_total +[0-9,]+\.[0-9]{2} +[0-9,]+\.[0-9]{2} +[0-9,]+\.[0-9]{2} +\[[-0-9,.]+, [-0-9,.]+\] +[+-][0-9.]+% +\[[+-][0-9.]+%, [+-][0-9.]+%\]' "$work/stdout" &&
    ! grep -qE '[0-9]e[+-]?[0-9]|nan' "$work/stdout"; then ok; else bad "compare table: $(cat "$work/stdout")"; fi
# a metric whose A mean is 0 has no relative change: n/a (accidental hard deletes are 0 with no old API)
if awk -F, '$2 == "purges_not_supported" && $12 == "" && $13 == "" && $14 == "" { found = 1 } END { exit !found }' "$work/cmp/compare.csv"; then ok; else
    bad "compare.csv: a metric with A mean 0 should have empty relative columns"
fi
# the relative change is diff / |a| x 100: recompute it from the same row
if awk -F, '$2 == "cost_total" { d = $6 / $4 * 100 - $10; if (d < 0) d = -d; ok = d < 1e-6 } END { exit !ok }' "$work/cmp/compare.csv"; then ok; else
    bad "compare.csv: rel_change_pct is not diff_mean / a_mean x 100"
fi

# --- ISO-8601 in, ISO-8601 out: events.csv times equal the trace's ---
cat >"$work/iso.csv" <<'CSV'
time,op,kind,subscription,name
2026-03-01T10:00:00Z,create,apim,s1,a
2026-03-01T11:30:00Z,delete,apim,s1,a
2026-03-02T09:15:30.250Z,restore,apim,s1,a
2026-03-05T00:00:00Z,delete,apim,s1,a
2026-03-05T00:00:00Z,create,apim,s2,b
CSV
expect 0 "" -- replay "$src/scenarios/apim.ini" "$work/iso.csv" --out "$work/iso"
if [ "$(awk -F, 'NR > 1 && $3 != "auto_purge" { print $2 }' "$work/iso/events.csv")" = "$(tail -n +2 "$work/iso.csv" | cut -d, -f1)" ]; then ok; else
    bad "events.csv times differ from the ISO trace's: $(cut -d, -f1-3 "$work/iso/events.csv")"
fi
# the automatic purge 48 h after the second delete, at first row + time_ms
if grep -q '^482400000,2026-03-07T00:00:00Z,auto_purge,' "$work/iso/events.csv"; then ok; else
    bad "auto_purge row: expected 482400000,2026-03-07T00:00:00Z"
fi
# a trace with durations keeps durations
printf 'time,op,kind,subscription,name\n0,create,apim,s1,a\n1d2h,delete,apim,s1,a\n' >"$work/dur.csv"
expect 0 "" -- replay "$src/scenarios/apim.ini" "$work/dur.csv" --out "$work/dur"
if [ "$(awk -F, 'NR > 1 { print $2 }' "$work/dur/events.csv" | paste -sd' ')" = "0 1d2h 3d2h" ]; then ok; else
    bad "duration trace: times $(awk -F, 'NR > 1 { print $2 }' "$work/dur/events.csv" | paste -sd' ')"
fi

# --- warm-up: MSER-5 on the ACTIVE inventory ---
a="$src/scenarios/apim.ini"
# a year with warmup 30d: still climbing at half the run (73 batches of 5 days, at most 36 cut = 180d)
expect 0 "MSER-5 suggests a warm-up of at least 180d for the ACTIVE inventory of apim, but \[simulation\] warmup is 30d" -- run "$a" --out "$work/a1" --set simulation.horizon=365d --set simulation.warmup=30d
if grep -q 'simulate longer' "$work/stderr" && grep -qE '^warmup_mser5_d = 180$' "$work/a1/manifest" &&
    [ "$(column warmup_mser5_d "$work/a1/summary.csv")" = 180 ]; then ok; else
    bad "apim.ini: expected the 180d limit in stderr, manifest and summary.csv"
fi
# two years: a firm suggestion inside the first half; a warm-up past it silences the warning
expect 0 "MSER-5 suggests a warm-up of [0-9]+d" -- run "$a" --out "$work/a2" --set simulation.horizon=730d --set simulation.warmup=0
w=$(sed -n 's/^warmup_mser5_d = //p' "$work/a2/manifest")
if [ -n "$w" ] && [ "$w" -gt 180 ] && [ "$w" -lt 365 ] && ! grep -q 'simulate longer' "$work/stderr"; then ok; else
    bad "two years: expected a suggestion between 180d and 365d, got '$w'"
fi
expect 0 "" -- run "$a" --out "$work/a3" --set simulation.horizon=730d --set "simulation.warmup=$((w + 5))d"
if ! grep -q 'MSER-5' "$work/stderr" && grep -qE "^warmup_mser5_d = $w$" "$work/a3/manifest"; then ok; else
    bad "warmup past the suggestion still warns: $(cat "$work/stderr")"
fi
# a replay has no samples: no suggestion, an empty cell
if [ -z "$(column warmup_mser5_d "$work/r60/summary.csv")" ]; then ok; else bad "replay: warmup_mser5_d should be empty"; fi

echo "cli_money: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
