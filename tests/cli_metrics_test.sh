#!/usr/bin/env bash
# End-to-end tests of the per-intent, per-type and per-period metrics: every
# expected value is recounted from events.csv (an independent path: the rows
# the registry answered, classified here by rule) or derived by hand from a
# deterministic workload, never copied from what retsim printed.
# usage: cli_metrics_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# col FILE COLUMN [KEYCOL KEYVAL]...: the value of COLUMN in the rows matching every KEYCOL=KEYVAL
col() {
    local file=$1 name=$2
    shift 2
    awk -F, -v name="$name" -v keys="$*" '
        NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; nk = split(keys, k, " "); next }
        { for (j = 1; j < nk; j += 2) if ($(h[k[j]]) != k[j + 1]) next; print $(h[name]) }' "$file"
}

# same A B WHAT: A and B equal as numbers (to the 9 digits summary.csv prints)
same() {
    if awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = a < 0 ? -a : a; exit !(a != "" && d <= 2e-9 * m + 1e-12) }'; then
        ok
    else
        bad "$3: got '$1', expected '$2'"
    fi
}

# A deterministic lifecycle: created, deleted (soft, 48 h) after exactly 1 d,
# re-created 1 h later, which the soft-deleted name refuses; retried at +6 h
# and +12 h, refused again (still inside the 48 h), then abandoned. So per
# arrival at time t: the re-create intent exists when t + 25 h < horizon, its
# retries when t + 31 h and t + 37 h < horizon, and it is abandoned with the last.
cat >"$work/det.ini" <<'INI'
[scenario]
name = det
[policy.x]
retention = 48h
retention_mutable = true
purge_needs_permission = false
reuse_after_purge = anyone
reservation = 0
[simulation]
horizon = 30d
[population]
subscriptions = 10
subscription_types = ea:0.5, free:0.5
[workload.x]
arrivals = 20/d
lifetime = const(1d)
recreate_probability = 1
recreate_delay = const(1h)
retry_interval = 6h
retry_limit = 2
INI
expect 0 "" -- run "$work/det.ini" --events --out "$work/det"
s="$work/det/summary.csv"
H=$((30 * 86400000))
read -r arrivals r1 r2 r3 < <(awk -F, -v H=$H 'NR > 1 && $3 == "create" && $9 == "ok" {
        a++; if ($1 + 25 * 3600000 < H) r1++; if ($1 + 31 * 3600000 < H) r2++; if ($1 + 37 * 3600000 < H) r3++ }
        END { print a, r1, r2, r3 }' "$work/det/events.csv")
same "$(col "$s" create_intents)" $((arrivals + r1)) "hand-worked: create_intents = arrivals + re-creates"
same "$(col "$s" intents_refused)" "$r1" "hand-worked: every re-create refused at its first attempt"
same "$(col "$s" recreates)" "$r1" "hand-worked: recreates"
same "$(col "$s" create_retries)" $((r2 + r3)) "hand-worked: create_retries"
same "$(col "$s" recreates_abandoned)" "$r3" "hand-worked: recreates_abandoned"
same "$(col "$s" name_conflict_rate)" "$(awk -v a="$arrivals" -v r="$r1" 'BEGIN { printf "%.12g", r / (a + r) }')" "hand-worked: name_conflict_rate"
same "$(col "$s" attempt_conflict_rate)" "$(awk -v a="$arrivals" -v r="$r1" -v x=$((r2 + r3)) 'BEGIN { printf "%.12g", (r + x) / (a + r + x) }')" "hand-worked: attempt_conflict_rate"
same "$(col "$s" recreate_conflict_rate)" 1 "hand-worked: recreate_conflict_rate"
same "$(col "$s" recreate_abandoned_rate)" "$(awk -v a="$r3" -v r="$r1" 'BEGIN { printf "%.12g", a / r }')" "hand-worked: recreate_abandoned_rate"

# per subscription type: the rows add up to the total
bt="$work/det/summary_by_type.csv"
if [ "$(col "$bt" sub_type | paste -sd, -)" = "ea,free" ]; then ok; else bad "summary_by_type.csv: a row per declared type"; fi
for m in creates creates_ok conflicts_soft_deleted create_intents intents_refused recreates create_retries recreates_abandoned deletes_soft purges_automatic; do
    same "$(col "$bt" "$m" | paste -sd+ - | bc)" "$(col "$s" "$m")" "summary_by_type.csv: $m over the types"
done
# and each type's row is that type's events
for t in ea free; do
    same "$(col "$bt" creates sub_type "$t")" "$(awk -F, -v t="$t" '$3 == "create" && $6 == t' "$work/det/events.csv" | wc -l)" "summary_by_type.csv: creates of $t"
done
if [ -e "$work/det/summary_by_period.csv" ]; then bad "summary_by_period.csv without [change.*]"; else ok; fi

# --- periods: a retention change at 15d, a warm-up of 2d ---
# Recount every period from events.csv: a create is an intent when its name
# is new or was deleted since the name's last create (a first re-create
# attempt); anything else is a retry. The soft-deleted time integral follows
# state_before / state_after of every row.
cp "$work/det.ini" "$work/chg.ini"
printf '[change.longer]\nat = 15d\nkind = x\nretention = 7d\n' >>"$work/chg.ini"
expect 0 "" -- run "$work/chg.ini" --events --out "$work/chg" --set simulation.warmup=2d
p="$work/chg/summary_by_period.csv"
if [ "$(col "$p" period | paste -sd, -)" = "2d-15d,15d-30d" ]; then ok; else bad "periods: $(col "$p" period | paste -sd, -)"; fi
recount() { # FROM_MS TO_MS: creates refused intents intents_refused soft_deletes auto_purges soft_deleted_avg
    awk -F, -v a="$1" -v b="$2" -v H=$H '
        function advance(t) { lo = last > a ? last : a; hi = t < b ? t : b; if (hi > lo) area += cnt * (hi - lo); last = t }
        NR == 1 { next }
        {
            advance($1)
            inside = $1 >= a && $1 < b
            if ($3 == "create") {
                intent = !($8 in seen) || deleted[$8]
                seen[$8] = 1; deleted[$8] = 0
                if (inside) { c++; r += $9 ~ /^conflict_/; i += intent; ir += intent && $9 ~ /^conflict_/ }
            }
            if ($3 == "delete" && $9 ~ /deleted$/) deleted[$8] = 1
            if (inside && $3 == "delete" && $9 == "soft_deleted") sd++
            if (inside && $3 == "auto_purge") ap++
            if ($10 == "soft_deleted") cnt--
            if ($11 == "soft_deleted") cnt++
        }
        END { advance(H); printf "%d %d %d %d %d %d %.12g\n", c, r, i, ir, sd, ap, area / (b - a) }' "$work/chg/events.csv"
}
D=86400000
for period in "2d-15d $((2 * D)) $((15 * D))" "15d-30d $((15 * D)) $((30 * D))"; do
    set -- $period
    read -r c r i ir sd ap avg < <(recount "$2" "$3")
    same "$(col "$p" creates period "$1")" "$c" "period $1: creates"
    same "$(col "$p" attempt_conflict_rate period "$1")" "$(awk -v r="$r" -v c="$c" 'BEGIN { printf "%.12g", r / c }')" "period $1: attempt_conflict_rate"
    same "$(col "$p" create_intents period "$1")" "$i" "period $1: create_intents"
    same "$(col "$p" intents_refused period "$1")" "$ir" "period $1: intents_refused"
    same "$(col "$p" name_conflict_rate period "$1")" "$(awk -v r="$ir" -v c="$i" 'BEGIN { printf "%.12g", r / c }')" "period $1: name_conflict_rate"
    same "$(col "$p" deletes_soft period "$1")" "$sd" "period $1: deletes_soft"
    same "$(col "$p" purges_automatic period "$1")" "$ap" "period $1: purges_automatic"
    same "$(col "$p" soft_deleted_avg period "$1")" "$avg" "period $1: soft_deleted_avg"
done
# the whole measured time is the two periods together
for m in creates create_intents intents_refused deletes_soft purges_automatic recreates; do
    same "$(col "$p" "$m" | paste -sd+ - | bc)" "$(col "$work/chg/summary.csv" "$m")" "periods add up to summary.csv: $m"
done
# 7 days of retention after the change: the re-created names stay soft-deleted, more time soft-deleted
if awk -v a="$(col "$p" soft_deleted_avg period 2d-15d)" -v b="$(col "$p" soft_deleted_avg period 15d-30d)" 'BEGIN { exit !(b > 2 * a) }'; then ok; else bad "soft_deleted_avg should grow after the change"; fi

# --- property: retries are attempts, not intents ---
# Lifetimes of 100 d in a 150 d run: a re-created instance never ends its life
# again, so the retry limit cannot add intents; it changes only what follows a
# refused first attempt.
cat >"$work/prop.ini" <<'INI'
[policy.x]
retention = 48h
purge_needs_permission = false
reuse_after_purge = anyone
reservation = 0
[simulation]
horizon = 150d
[population]
subscriptions = 50
[workload.x]
arrivals = 40/d
lifetime = const(100d)
recreate_probability = 0.5
recreate_delay = exp(mean=30h)
retry_interval = 6h
retry_limit = 4
INI
expect 0 "" -- run "$work/prop.ini" --out "$work/p4"
expect 0 "" -- run "$work/prop.ini" --out "$work/p0" --set workload.x.retry_limit=0
for m in create_intents intents_refused name_conflict_rate recreate_conflict_rate; do
    a=$(col "$work/p0/summary.csv" "$m")
    b=$(col "$work/p4/summary.csv" "$m")
    if [ -n "$a" ] && [ "$a" = "$b" ]; then ok; else bad "retry_limit 0 vs 4 moved $m: $a vs $b"; fi
done
if [ "$(col "$work/p0/summary.csv" attempt_conflict_rate)" != "$(col "$work/p4/summary.csv" attempt_conflict_rate)" ]; then ok; else bad "retry_limit should move attempt_conflict_rate"; fi
if awk -v a="$(col "$work/p0/summary.csv" recreates_ok)" -v b="$(col "$work/p4/summary.csv" recreates_ok)" 'BEGIN { exit !(b > a) }'; then ok; else bad "retries should win back names"; fi

# --- periods with replications: every replication's rows, and their CIs ---
expect 0 "" -- run "$work/chg.ini" --replications 3 --jobs 2 --out "$work/chg3" --set simulation.warmup=2d
p3="$work/chg3/summary_by_period.csv"
if [ "$(col "$p3" replication | paste -sd, -)" = "0,0,1,1,2,2" ]; then ok; else bad "replicated periods: replications $(col "$p3" replication | paste -sd, -)"; fi
# replication 0 of the replicated run is the single run, period by period (same seed)
if [ "$(grep -v '^scenario,' "$p3" | awk -F, '$2 == 0')" = "$(grep -v '^scenario,' "$p")" ]; then ok; else bad "replication 0's period rows differ from the single run's"; fi
ci="$work/chg3/summary_by_period_ci.csv"
for period in 2d-15d 15d-30d; do
    for m in creates name_conflict_rate soft_deleted_avg cost_retained; do
        mean=$(awk -F, -v p="$period" -v m="$m" '$1 == p && $5 == m { print $7 }' "$ci")
        want=$(col "$p3" "$m" period "$period" | awk '{ s += $1; n++ } END { printf "%.12g", s / n }')
        # CSV values carry 9 significant digits: equal to that precision
        if awk -v a="$mean" -v b="$want" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 1e-8 * (b < 0 ? -b : b) + 1e-12) }'; then
            ok
        else
            bad "summary_by_period_ci.csv: $period $m is $mean, the mean of the replications' rows is $want"
        fi
    done
done
if grep -q "^per period" "$work/stdout" && grep -qE "^  x +2d-15d +15d-30d$" "$work/stdout"; then ok; else bad "no per-period table on the terminal: $(head -c 600 "$work/stdout")"; fi
expect 0 "" -- run "$work/chg.ini" --out "$work/chg1" --set simulation.warmup=2d
if grep -qE "^    create intents +[0-9,]+ +[0-9,]+$" "$work/stdout"; then ok; else bad "single run: no per-period table: $(head -c 900 "$work/stdout")"; fi

# --- a replay does not know intents: empty, the per-attempt rate is there ---
expect 0 "" -- replay "$src/scenarios/apim.ini" "$src/scenarios/traces/apim-walkthrough.csv" --out "$work/rp"
if [ -z "$(col "$work/rp/summary.csv" name_conflict_rate)" ] && [ -z "$(col "$work/rp/summary.csv" create_intents)" ] &&
    [ -n "$(col "$work/rp/summary.csv" attempt_conflict_rate)" ]; then ok; else bad "replay: per-intent cells should be empty, attempt_conflict_rate not"; fi

# --- all: replica-hours only of kinds that bill replicas ---
expect 0 "" -- run "$src/scenarios/compute-gallery.ini" --out "$work/cg" --set simulation.horizon=60d --set simulation.warmup=0
same "$(col "$work/cg/summary.csv" replica_hours_live kind all)" "$(col "$work/cg/summary.csv" replica_hours_live kind gallery_image_version)" "all: replica_hours_live of the billed kind only"
# a gallery and an image definition declare no replicas: none, whatever the price
for k in gallery gallery_image; do
    if [ "$(col "$work/cg/summary.csv" replica_hours_live kind "$k")" = "0" ]; then ok; else bad "$k holds no replicas, got $(col "$work/cg/summary.csv" replica_hours_live kind "$k")"; fi
done
expect 0 "" -- run "$src/scenarios/compute-gallery.ini" --out "$work/cg0" --set simulation.horizon=60d --set simulation.warmup=0 --set policy.gallery_image_version.price_per_replica_hour=0
v=$(col "$work/cg0/summary.csv" replica_hours_live kind gallery_image_version)
if awk -v v="$v" 'BEGIN { exit !(v > 0) }'; then ok; else bad "unpriced versions still hold replicas: $v"; fi
same "$(col "$work/cg0/summary.csv" replica_hours_live kind all)" "$v" "all: replica-hours of an unpriced kind with replicas"
same "$(col "$work/cg/summary.csv" creates kind all)" "$(col "$work/cg/summary.csv" creates | head -3 | paste -sd+ - | bc)" "all: creates of every kind"

echo "cli_metrics: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
