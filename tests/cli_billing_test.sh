#!/usr/bin/env bash
# End-to-end tests of billing by size: GB-months against closed forms on a
# generated workload (tests/billing/sized.ini), a replayed hand trace with
# sizes worked by hand, the size_gb trace column both ways, and its errors.
# usage: cli_billing_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# column NAME FILE: the values of a CSV column found by its header name (no quoted commas here)
column() { awk -F, -v name="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == name) c = i; next } { print $c }' "$2"; }
# near A B REL: |A - B| <= REL x |B|
near() { awk -v a="$1" -v b="$2" -v r="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(d <= r * m) }'; }

# --- closed forms on a generated workload ---
# sized.ini: 100 creates a day, each 4 GB, live exactly 20 d, soft-deleted
# exactly 10 d, then purged; no restores. Measured: 100 d .. 400 d.
# Little's law: gb_months_live = creates x 4 GB x 20 d / 30 d, and
# gb_months_retained = deletes x 4 GB x 10 d / 30 d. Both hold up to the
# edges of the measured period (instances created or deleted within 20 d /
# 10 d of its start or end are counted in part): about sqrt(2000) of 30,000
# lifetimes, so within 1%.
sized="$src/tests/billing/sized.ini"
expect 0 "" -- run "$sized" --out "$work/s" --trace-out "$work/s.trace.csv"
s="$work/s/summary.csv"
creates=$(column creates_ok "$s")
deletes=$(column deletes_soft "$s")
live=$(column gb_months_live "$s")
kept=$(column gb_months_retained "$s")
if near "$live" "$(awk -v n="$creates" 'BEGIN { printf "%.12g", n * 4 * 20 / 30 }')" 0.01; then ok; else
    bad "gb_months_live $live, expected about $creates x 4 x 20 / 30"
fi
if near "$kept" "$(awk -v n="$deletes" 'BEGIN { printf "%.12g", n * 4 * 10 / 30 }')" 0.01; then ok; else
    bad "gb_months_retained $kept, expected about $deletes x 4 x 10 / 30"
fi
# every instance is 4 GB: GB-months are instance-hours x 4 / 720 exactly (up to the
# 9 significant digits summary.csv keeps)
active_avg=$(column active_avg "$s")
if near "$live" "$(awk -v a="$active_avg" 'BEGIN { printf "%.12g", a * 300 * 24 * 4 / 720 }')" 1e-7; then ok; else
    bad "gb_months_live $live is not active_avg $active_avg x 300 d x 4 GB"
fi
# price_per_gb_month = 0.5, no replicas: the cost is GB-months x 0.5
cost_live=$(column cost_live "$s")
cost_kept=$(column cost_retained "$s")
if near "$cost_live" "$(awk -v g="$live" 'BEGIN { printf "%.12g", g * 0.5 }')" 1e-7 &&
    near "$cost_kept" "$(awk -v g="$kept" 'BEGIN { printf "%.12g", g * 0.5 }')" 1e-7 &&
    near "$(column cost_total "$s")" "$(awk -v a="$cost_live" -v b="$cost_kept" 'BEGIN { printf "%.12g", a + b }')" 1e-7; then ok; else
    bad "costs are not GB-months x 0.5: $cost_live $cost_kept"
fi
if [ "$(column cost_grace "$s")" = 0 ] && [ "$(column cost_retroactive "$s")" = 0 ] &&
    [ "$(column restores_name_taken "$s")" = 0 ]; then ok; else bad "no grace, no bills, no restores: expected 0s"; fi
# timeseries: gb_active = 4 x active and gb_soft_deleted = 4 x soft_deleted in every row
ts="$work/s/timeseries.csv"
if head -1 "$ts" | grep -q ',gb_active,gb_soft_deleted$' &&
    awk -F, 'NR > 1 && ($(NF-1) != 4 * $4 || $NF != 4 * $5) { bad = 1 } END { exit bad }' "$ts"; then ok; else
    bad "timeseries gb columns are not 4 x the counts: $(sed -n 1,3p "$ts")"
fi
# the trace carries the sizes, on creates only, and replays to the same inventory
if head -1 "$work/s.trace.csv" | grep -q ',options,size_gb$' &&
    awk -F, 'NR > 1 && (($2 == "create") != ($NF == "4")) { bad = 1 } END { exit bad }' "$work/s.trace.csv"; then ok; else
    bad "trace: expected size_gb 4 on every create and nowhere else: $(sed -n 1,3p "$work/s.trace.csv")"
fi
expect 0 "" -- replay "$sized" "$work/s.trace.csv" --until 400d --out "$work/sr"
r="$work/sr/summary.csv"
if near "$(column gb_months_live "$r")" "$(awk -v a="$(column active_avg "$r")" 'BEGIN { printf "%.12g", a * 400 * 24 * 4 / 720 }')" 1e-7; then ok; else
    bad "replayed trace: gb_months_live is not 4 GB x its instance-time"
fi
# a workload without sizes writes the trace it always did: no size_gb column
expect 0 "" -- run "$sized" --set workload.blob.size=none --set simulation.horizon=30d --set simulation.warmup=0 \
    --out "$work/n" --trace-out "$work/n.trace.csv"
if head -1 "$work/n.trace.csv" | grep -q ',options$' && [ "$(column gb_months_live "$work/n/summary.csv")" = 0 ]; then ok; else
    bad "without sizes: expected the old trace header and 0 GB-months"
fi

# --- overwrites: the owner creates its live instance again at 1/d ---
# updated = rate x live instance-time = 1/d x active_avg x 60 d (Poisson:
# about 100,000, so within 1.5%); the other streams do not move, so the
# rest of the summary is that of the run without overwrites.
base_args="--set simulation.horizon=60d --set simulation.warmup=0"
expect 0 "" -- run "$sized" $base_args --out "$work/o0"
expect 0 "" -- run "$sized" $base_args --set workload.blob.overwrites=1/d --out "$work/o1"
updated=$(awk -F, '$2 == "create" && $3 == "updated" { print $5 }' "$work/o1/outcomes.csv")
if near "$updated" "$(awk -v a="$(column active_avg "$work/o1/summary.csv")" 'BEGIN { printf "%.12g", a * 60 }')" 0.015 &&
    [ "$(column creates_ok "$work/o1/summary.csv")" = "$(column creates_ok "$work/o0/summary.csv")" ] &&
    [ "$(column gb_months_live "$work/o1/summary.csv")" = "$(column gb_months_live "$work/o0/summary.csv")" ]; then ok; else
    bad "overwrites: $updated updated, expected about active_avg x 60; creates_ok and GB-months unchanged"
fi

# --- a hand trace, worked by hand ---
# retention 10 d, 0.5 per GB-month. a: 3 GB, live 0..15 d, soft-deleted
# 15..25 d (purged), re-created at 40 d without a size (it has none then).
# b: 1.5 GB from 0, updated to 6 GB at 30 d. Until 60 d:
#   live GB-days = 3 x 15 + 1.5 x 30 + 6 x 30 = 270 -> 9 GB-months
#   retained GB-days = 3 x 10 = 30 -> 1 GB-month
#   cost_live = 4.5, cost_retained = 0.5, cost_total = 5
cat >"$work/hand.csv" <<'CSV'
time,op,kind,subscription,name,size_gb
0,create,blob,s1,a,3
0,create,blob,s1,b,1.5
15d,delete,blob,s1,a,
30d,create,blob,s1,b,6
40d,create,blob,s1,a,
CSV
expect 0 "" -- replay "$sized" "$work/hand.csv" --until 60d --out "$work/h"
h="$work/h/summary.csv"
if [ "$(column gb_months_live "$h")" = 9 ] && [ "$(column gb_months_retained "$h")" = 1 ] &&
    [ "$(column cost_live "$h")" = 4.5 ] && [ "$(column cost_retained "$h")" = 0.5 ] &&
    [ "$(column cost_total "$h")" = 5 ]; then ok; else
    bad "hand trace: expected 9 and 1 GB-months, costs 4.5 + 0.5 = 5: $(cat "$h")"
fi

# --- size_gb errors name file, line, field and what was expected ---
printf 'time,op,kind,subscription,name,size_gb\n0,create,blob,s1,a,2\n1h,delete,blob,s1,a,2\n' >"$work/e1.csv"
expect 2 "e1.csv:3: 'size_gb': only a create gives a size; delete takes none, got '2'" -- replay "$sized" "$work/e1.csv"
for v in -1 inf nan 2GB two; do
    printf 'time,op,kind,subscription,name,size_gb\n0,create,blob,s1,a,%s\n' "$v" >"$work/e2.csv"
    expect 2 "e2.csv:2: 'size_gb': expected a size in GB, a finite number >= 0, got '$v'" -- replay "$sized" "$work/e2.csv"
done
# the workload key: sizes carry the unit GB
expect 2 "expected none or a distribution of sizes in GB such as const\(10GB\)" -- check "$sized" --set workload.blob.size='const(10)'
expect 0 "" -- check "$sized" --set 'workload.blob.size=lognormal(median=8GB, sigma=1.2)'
if grep -qE '^size = lognormal\(median=8GB, sigma=1.2\)' "$work/stdout"; then ok; else bad "check: size not printed as written"; fi

# --- the late phase and the retroactive bill, worked by hand (tests/golden/rules_late_phase) ---
# image: a and b soft-deleted at 1h, 7 d retention then 2 d grace; a restored at 8d1h (1 d of grace),
#   b purged at 9d1h (2 d of grace). Retained replica-hours 1 x (192 + 216) ... of which grace
#   24 + 48 h at replicas_grace 3: cost_retained = (168 + 168) x 1 + 72 x 3 = 552, cost_grace = 216.
# backup: 30 d soft-deleted, the last 14 d free: 720 replica-hours retained, 16 d = 384 billed.
# key: soft-deleted 1h .. 10d1h, not billed then (replicas_soft_deleted 0), restored: billed
#   retroactively 240 h x 1 replica x 1 = 240.
g="$src/tests/golden/rules_late_phase"
expect 0 "" -- replay "$g/scenario.ini" "$g/trace.csv" --out "$work/late"
# cell KIND METRIC
cell() { awk -F, -v kind="$1" -v name="$2" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == name) c = i; if ($i == "kind") k = i }; next } $k == kind { print $c }' "$work/late/summary.csv"; }
for want in "image cost_retained 552" "image cost_grace 216" "image replica_hours_retained 552" \
    "backup replica_hours_retained 720" "backup cost_retained 384" "backup cost_grace 0" \
    "key cost_retained 0" "key cost_retroactive 240" "key cost_total 289" "all cost_retroactive 240"; do
    set -- $want
    got=$(cell "$1" "$2")
    if [ "$got" = "$3" ]; then ok; else bad "late phase: $1 $2 = $got, expected $3"; fi
done

echo "billing: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
