#!/usr/bin/env bash
# End-to-end tests of the five systems of issue 12 (key-vault, app-configuration,
# aws-secrets-manager, gcp-project, aws-s3-bucket): each file loads, its
# walkthrough replays with the outcomes worked out by hand in
# scenarios/traces/README.md, its workload runs, and a closed form holds.
# usage: cli_systems_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

S="$src/scenarios"
DAY=86400000
HOUR=3600000

# purged_after NAME W_MS H_MS: in the run's events.csv, every delete that soft-deleted
# at t with t + W < H has its auto_purge at exactly t + W, and there are no
# other automatic purges (no restores, no explicit purges in these runs).
# Times are printed with %.0f: awk would write large numbers as 1.728e+09.
purged_after() {
    local dir=$1 w=$2 h=$3 line
    line=$(awk -F, -v W="$w" -v H="$h" '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["op"] == "delete" && $c["outcome"] == "soft_deleted" { if ($c["time_ms"] + W < H) { want[$c["name"] "," sprintf("%.0f", $c["time_ms"] + W)] = 1; nw++ } }
        $c["op"] == "auto_purge" { np++; got[$c["name"] "," sprintf("%.0f", $c["time_ms"])] = 1 }
        END { miss = 0; for (k in want) if (!(k in got)) miss++; print nw + 0, np + 0, miss }' "$dir/events.csv")
    set -- $line
    if [ "$1" -gt 100 ] && [ "$1" = "$2" ] && [ "$3" = 0 ]; then ok; else
        bad "$dir: soft deletes due before the horizon $1, automatic purges $2, missing at t+W $3"
    fi
}

# --- every file loads ---
for f in key-vault app-configuration aws-secrets-manager gcp-project aws-s3-bucket; do
    expect 0 "" -- check "$S/$f.ini"
done

# --- the generator's keys for these rules: refused where the kind cannot take
# them, and left out of a resolved scenario (a manifest) while at their defaults ---
expect 2 "delete_retention needs retention_set_at = delete" -- check "$S/key-vault.ini" --set "workload.key_vault.delete_retention=const(7d)"
expect 2 "create_retention needs retention_set_at = create" -- check "$S/aws-secrets-manager.ini" --set "workload.secret.create_retention=const(7d)"
expect 0 "" -- check "$S/apim.ini"
if ! grep -qE '^(delete_retention|create_retention|force_delete_probability|restore_permission_probability) ' "$work/stdout"; then ok; else
    bad "check apim.ini prints a new workload key at its default: $(grep -E '_retention|_probability' "$work/stdout")"
fi
expect 0 "" -- check "$S/aws-secrets-manager.ini"
if grep -qE '^delete_retention = uniform' "$work/stdout" && grep -qE '^force_delete_probability = 0.1 ' "$work/stdout"; then ok; else
    bad "check aws-secrets-manager.ini does not print the keys it sets"
fi

# --- the walkthroughs, outcome by outcome (scenarios/traces/README.md) ---
walk key-vault create:ok create:ok create:rejected create:conflict_active delete:soft_deleted purge:purge_protected \
    create:conflict_soft_deleted delete:soft_deleted purge:forbidden purge:ok create:ok auto_purge:ok restore:expired \
    create:ok set_policy:rejected
walk app-configuration create:ok create:ok create:rejected delete:soft_deleted create:conflict_soft_deleted \
    purge:forbidden purge:ok create:ok delete:soft_deleted purge:purge_protected auto_purge:ok restore:expired \
    create:ok delete:soft_deleted auto_purge:ok restore:expired
walk aws-secrets-manager create:ok create:ok delete:soft_deleted create:conflict_soft_deleted restore:ok \
    delete:rejected delete:rejected delete:soft_deleted auto_purge:ok restore:expired create:ok delete:hard_deleted \
    create:conflict_reserved restore:not_found create:ok delete:soft_deleted purge:ok create:ok
walk gcp-project create:ok create:conflict_active delete:soft_deleted create:conflict_soft_deleted restore:forbidden \
    restore:ok purge:not_supported delete:soft_deleted auto_purge:ok restore:expired create:conflict_reserved \
    create:conflict_reserved
walk aws-s3-bucket create:ok create:conflict_active delete:hard_deleted restore:not_found create:conflict_reserved \
    create:conflict_reserved create:ok create:conflict_active

# --- every workload runs ---
for f in key-vault app-configuration aws-secrets-manager gcp-project aws-s3-bucket; do
    expect 0 "" -- run "$S/$f.ini" --out "$work/$f.run"
done

# --- closed forms ---
# No accidents (so no restores) and no purges: with a fixed retention W every
# soft-deleted instance is purged exactly W after its delete, so the automatic
# purges are the soft deletes made before horizon - W, one for one.
quiet=(--set simulation.warmup=0 --set simulation.horizon=200d --events)
# secrets: W chosen per delete (delete_retention), 10 days
expect 0 "" -- run "$S/aws-secrets-manager.ini" --out "$work/sm" "${quiet[@]}" \
    --set workload.secret.accidental_deletes=0 --set workload.secret.purge_probability=0 \
    --set workload.secret.force_delete_probability=0 --set "workload.secret.delete_retention=const(10d)"
purged_after "$work/sm" $((10 * DAY)) $((200 * DAY))
# key vault: W chosen at creation (create_retention), 20 days
expect 0 "" -- run "$S/key-vault.ini" --out "$work/kv" "${quiet[@]}" \
    --set workload.key_vault.accidental_deletes=0 --set workload.key_vault.purge_probability=0 \
    --set "workload.key_vault.create_retention=const(20d)"
purged_after "$work/kv" $((20 * DAY)) $((200 * DAY))
# app configuration: W chosen at creation, the minimum of 1 day
expect 0 "" -- run "$S/app-configuration.ini" --out "$work/ac" "${quiet[@]}" \
    --set workload.app_config_store.accidental_deletes=0 --set workload.app_config_store.purge_probability=0 \
    --set "workload.app_config_store.create_retention=const(1d)"
purged_after "$work/ac" $((1 * DAY)) $((200 * DAY))

# force deletes: with force_delete_probability = 1 every intentional delete of a
# secret is hard, so no soft delete and no automatic purge happens at all
expect 0 "" -- run "$S/aws-secrets-manager.ini" --out "$work/smf" "${quiet[@]}" \
    --set workload.secret.accidental_deletes=0 --set workload.secret.force_delete_probability=1
counts=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["op"] == "delete" { d[$c["outcome"]]++ } $c["op"] == "auto_purge" { p++ }
    END { print d["hard_deleted"] + 0, d["soft_deleted"] + 0, p + 0 }' "$work/smf/events.csv")
set -- $counts
if [ "$1" -gt 100 ] && [ "$2" = 0 ] && [ "$3" = 0 ]; then ok; else
    bad "force_delete_probability=1: hard $1, soft $2, automatic purges $3 (want >100, 0, 0)"
fi

# gcp-project: a project ID is never created twice. Every name has exactly one
# successful create, and every create of a name after its first delete is
# refused, whoever asks (half the re-creates come from another organisation).
expect 0 "" -- run "$S/gcp-project.ini" --out "$work/gp" "${quiet[@]}" \
    --set workload.project.recreate_probability=1 --set workload.project.recreate_other_subscription_probability=0.5
counts=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["op"] == "delete" { deleted[$c["name"]] = 1 }
    $c["op"] == "create" && ($c["name"] in deleted) { after++; if ($c["outcome"] == "ok") wrong++ }
    $c["op"] == "create" && $c["outcome"] == "ok" { oks[$c["name"]]++ }
    END { twice = 0; for (n in oks) if (oks[n] > 1) twice++; print after + 0, wrong + 0, twice }' "$work/gp/events.csv")
set -- $counts
if [ "$1" -gt 100 ] && [ "$2" = 0 ] && [ "$3" = 0 ]; then ok; else
    bad "gcp-project: creates after a delete $1 (want >100), of which ok $2 (want 0), names created twice $3 (want 0)"
fi
# gcp-project: without the undelete permission every restore is forbidden
expect 0 "" -- run "$S/gcp-project.ini" --out "$work/gpf" "${quiet[@]}" \
    --set workload.project.restore_permission_probability=0
counts=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["op"] == "restore" { n++; if ($c["outcome"] == "forbidden") f++ } END { print n + 0, f + 0 }' "$work/gpf/events.csv")
set -- $counts
if [ "$1" -gt 10 ] && [ "$1" = "$2" ]; then ok; else
    bad "gcp-project without the undelete permission: restores $1 (want >10), forbidden $2 (want all)"
fi

# s3, a constant propagation delay d = 5h, by hand: after a delete at 1d a
# create of the name before 1d5h is refused, the owner included; at 1d5h it succeeds.
printf '%s\n' 'time,op,kind,subscription,name' '0,create,s3_bucket,a,b1' '1d,delete,s3_bucket,a,b1' \
    '1d4h59m59s,create,s3_bucket,a,b1' '1d4h59m59s,create,s3_bucket,b,b1' '1d5h,create,s3_bucket,b,b1' >"$work/s3.csv"
expect 0 "" -- replay "$S/aws-s3-bucket.ini" "$work/s3.csv" --out "$work/s3d" --set "policy.s3_bucket.reservation=const(5h)"
got=$(ops_outcomes "$work/s3d/events.csv" | tr '\n' ' ')
want="create:ok delete:hard_deleted create:conflict_reserved create:conflict_reserved create:ok "
if [ "$got" = "$want" ]; then ok; else bad "s3 const(5h): want $want got $got"; fi
# ... and in a run: every create of a name whose last delete is less than 5h
# old is conflict_reserved, and none 5h or more after it is
expect 0 "" -- run "$S/aws-s3-bucket.ini" --out "$work/s3r" "${quiet[@]}" --set "policy.s3_bucket.reservation=const(5h)"
counts=$(awk -F, -v D=$((5 * HOUR)) 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["op"] == "delete" && $c["outcome"] == "hard_deleted" { last[$c["name"]] = $c["time_ms"] }
    $c["op"] == "create" && ($c["name"] in last) {
        age = $c["time_ms"] - last[$c["name"]]
        if (age < D) { early++; if ($c["outcome"] != "conflict_reserved") wrong++ }
        else { late++; if ($c["outcome"] == "conflict_reserved") wrong++ } }
    END { print early + 0, late + 0, wrong + 0 }' "$work/s3r/events.csv")
set -- $counts
if [ "$1" -gt 100 ] && [ "$2" -gt 100 ] && [ "$3" = 0 ]; then ok; else
    bad "s3 const(5h) run: creates before 5h $1, after $2 (want >100 each), wrong outcomes $3 (want 0)"
fi

# drawn windows follow the run's seed: a run with --seed 5 and the replay of its
# trace under [simulation] seed = 5 draw the same windows, so their events.csv
# are the same bytes (with the scenario's seed 1 the draws, and so the answers, differ)
expect 0 "" -- run "$S/aws-s3-bucket.ini" --out "$work/s3s" "${quiet[@]}" --seed 5 --trace-out "$work/s3s.csv"
expect 0 "" -- replay "$S/aws-s3-bucket.ini" "$work/s3s.csv" --out "$work/s3p" --until 200d --set simulation.seed=5
if cmp -s "$work/s3s/events.csv" "$work/s3p/events.csv"; then ok; else
    bad "s3 run --seed 5 and its replay with simulation.seed=5 answer differently"
fi
expect 0 "" -- replay "$S/aws-s3-bucket.ini" "$work/s3s.csv" --out "$work/s3q" --until 200d
if ! cmp -s "$work/s3s/events.csv" "$work/s3q/events.csv"; then ok; else
    bad "s3 replay under seed 1 drew the windows of seed 5: the seed does not reach the draws"
fi

echo "cli_systems: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
