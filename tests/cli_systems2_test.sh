#!/usr/bin/env bash
# End-to-end tests of the last five systems of issue 12 (azure-blob, gcs,
# azure-backup, compute-gallery-2026, aws-kms): each file loads, its
# walkthrough replays with the outcomes worked out by hand in
# scenarios/traces/README.md (and the purge times of its boundary rows), its
# workload runs, and closed forms hold.
# usage: cli_systems2_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

S="$src/scenarios"
DAY=86400000
HOUR=3600000
SYSTEMS="azure-blob gcs azure-backup compute-gallery-2026 aws-kms"

# purge_times NAME ROW:DELETION:PURGE...: in NAME's walkthrough events, data row
# ROW (1 = the first after the header) has deletion_time_ms DELETION and
# scheduled_purge_ms PURGE, both worked out by hand in milliseconds
purge_times() {
    local name=$1 spec row del pur got
    shift
    for spec in "$@"; do
        IFS=: read -r row del pur <<<"$spec"
        got=$(awk -F, -v R="$row" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
            NR == R + 1 { print $c["deletion_time_ms"] ":" $c["scheduled_purge_ms"] }' "$work/$name.walk/events.csv")
        if [ "$got" = "$del:$pur" ]; then ok; else
            bad "$name row $row: want deletion:purge $del:$pur, got $got"
        fi
    done
}

# col FILE COLUMN KIND: the value of COLUMN in summary row KIND
col() {
    awk -F, -v name="$2" -v kind="$3" 'NR == 1 { for (i = 1; i <= NF; i++) h[$i] = i; next }
        $h["kind"] == kind { print $h[name] }' "$1"
}

# close A B WHAT: A and B equal to 1e-6 relative (summary.csv prints 9 digits)
close() {
    if awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; exit !(a != "" && d <= 1e-6 * m + 1e-9) }'; then
        ok
    else
        bad "$3: got '$1', expected '$2'"
    fi
}

# --- every file loads ---
for f in $SYSTEMS; do
    expect 0 "" -- check "$S/$f.ini"
done

# --- the walkthroughs, outcome by outcome (scenarios/traces/README.md) ---
walk azure-blob create:ok create:ok create:ok create:rejected create:rejected create:ok create:ok create:ok \
    create:updated get_deleted:ok delete:soft_deleted create:conflict_soft_deleted create:ok restore:name_taken \
    purge:not_supported delete:soft_deleted restore:ok create:updated delete:soft_deleted restore:ok auto_purge:ok \
    auto_purge:ok restore:not_found create:ok create:ok delete:soft_deleted delete:soft_deleted get_deleted:ok \
    restore:ok restore:ok get_deleted:not_found create:ok delete:soft_deleted restore:ok delete:soft_deleted \
    auto_purge:ok restore:expired create:ok create:ok delete:soft_deleted create:ok delete:soft_deleted delete:hard_deleted \
    auto_purge:ok delete:hard_deleted auto_purge:ok restore:expired restore:not_found restore:expired create:ok \
    create:ok
# the default 7 days: overwritten content of 1d (row 9 keeps it), the container
# deleted at 2d; the account's change to 30 d at 4d reaches the blob deleted at 5d;
# a container deleted at 10d2h takes its blob with it, both due 40d2h (30 days);
# the 1-day account: deleted 11d1h, due 12d1h, the restore 1 ms before is in time
purge_times azure-blob "10:$DAY:$((8 * DAY))" "11:$((2 * DAY)):$((9 * DAY))" "16:$((3 * DAY)):$((10 * DAY))" \
    "19:$((5 * DAY)):$((35 * DAY))" "27:$((10 * DAY + 2 * HOUR)):$((40 * DAY + 2 * HOUR))" \
    "28:$((10 * DAY + 2 * HOUR)):$((40 * DAY + 2 * HOUR))" "33:$((11 * DAY + HOUR)):$((12 * DAY + HOUR))"
walk gcs create:ok create:ok create:ok create:rejected create:rejected create:ok create:ok create:updated \
    delete:blocked_children restore:ok delete:soft_deleted create:ok restore:ok delete:soft_deleted create:ok \
    restore:name_taken delete:soft_deleted restore:ok create:ok delete:hard_deleted restore:not_found \
    purge:not_supported create:ok create:ok delete:soft_deleted delete:soft_deleted restore:ok get_deleted:ok \
    create:updated delete:soft_deleted auto_purge:ok auto_purge:ok auto_purge:ok auto_purge:ok auto_purge:ok \
    restore:expired
# acme-archive: 90 d at creation, 30 d from 5d, deleted 5d1h: due 35d1h
purge_times gcs "30:$((5 * DAY + HOUR)):$((35 * DAY + HOUR))"
walk azure-backup create:ok create:ok create:rejected create:rejected create:ok create:ok create:ok create:ok \
    create:ok delete:soft_deleted purge:not_supported delete:soft_deleted delete:blocked_children \
    set_policy:rejected delete:soft_deleted set_policy:ok auto_purge:ok restore:expired delete:hard_deleted \
    delete:hard_deleted create:updated restore:ok delete:soft_deleted auto_purge:ok restore:ok delete:soft_deleted \
    auto_purge:ok restore:expired
# vm-web: the vault's 60 d; vm-db re-deleted at 6d after the change to 14 d at 4d
purge_times azure-backup "10:$DAY:$((61 * DAY))" "23:$((6 * DAY)):$((20 * DAY))" "26:$((61 * DAY)):$((75 * DAY))"
walk compute-gallery-2026 create:ok create:rejected create:ok create:ok create:ok create:ok create:ok \
    delete:soft_deleted delete:hard_deleted restore:not_found delete:blocked_children delete:soft_deleted \
    restore:wrong_region restore:ok delete:soft_deleted create:updated delete:soft_deleted auto_purge:ok \
    restore:expired restore:ok auto_purge:ok restore:expired
# the gallery's 10 d and the 2 d grace (purged at deletion + retention + grace),
# then its 20 d for the delete after the change
purge_times compute-gallery-2026 "8:$DAY:$((13 * DAY))" "15:$((3 * DAY)):$((15 * DAY))" \
    "17:$((5 * DAY)):$((27 * DAY))"
walk aws-kms create:ok create:ok create:ok create:ok create:ok create:ok delete:rejected delete:rejected \
    delete:soft_deleted delete:not_found purge:not_supported create:not_found restore:ok delete:soft_deleted \
    auto_purge:ok delete:hard_deleted restore:expired
# the window of the request (7 d), and the default 30 d
purge_times aws-kms "9:$DAY:$((8 * DAY))" "14:$((3 * DAY)):$((33 * DAY))"

# --- every workload runs ---
for f in $SYSTEMS; do
    expect 0 "" -- run "$S/$f.ini" --out "$work/$f.run"
done

# --- closed forms ---
quiet=(--set simulation.warmup=0 --set simulation.horizon=120d --events)
H=$((120 * DAY))
# retained_gb_months DIR KIND S R: with no restores, every soft delete of KIND at t
# keeps S GB for min(R, H - t): GB-months = sum S x min(R, H - t) / 30 d, from events.csv
retained_gb_months() {
    awk -F, -v K="$2" -v S="$3" -v R="$4" -v H="$H" -v M=$((30 * DAY)) '
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["kind"] == K && $c["outcome"] == "soft_deleted" { n++; d = H - $c["time_ms"]; if (d > R) d = R; g += S * d / M }
        $c["kind"] == K && $c["op"] == "create" && $c["outcome"] == "updated" { n++; d = H - $c["time_ms"]; if (d > R) d = R; g += S * d / M }
        END { printf "%d %.9f\n", n, g }' "$1/events.csv"
}
# Cloud Storage objects of 2 GB in buckets of 10 days, no accidents, no
# re-creates: every delete and overwrite keeps 2 GB for 10 days (or to the horizon)
expect 0 "" -- run "$S/gcs.ini" --out "$work/gcsc" "${quiet[@]}" \
    --set "workload.bucket.create_retention=const(10d)" --set workload.bucket.soft_delete_on_probability=none \
    --set workload.object.accidental_deletes=0 --set workload.object.recreate_probability=0 \
    --set "workload.object.size=const(2GB)"
set -- $(retained_gb_months "$work/gcsc" object 2 $((10 * DAY)))
if [ "$1" -gt 100 ]; then ok; else bad "gcs: only $1 soft deletes and overwrites"; fi
close "$(col "$work/gcsc/summary.csv" gb_months_retained object)" "$2" "gcs gb_months_retained (S x R / 30 d per delete)"
# Blob: the same with 1 GB blobs in accounts of 3 days
expect 0 "" -- run "$S/azure-blob.ini" --out "$work/blobc" "${quiet[@]}" \
    --set "workload.storage_account.create_retention=const(3d)" \
    --set workload.blob.accidental_deletes=0 --set workload.blob.recreate_probability=0 \
    --set "workload.blob.size=const(1GB)"
set -- $(retained_gb_months "$work/blobc" blob 1 $((3 * DAY)))
if [ "$1" -gt 100 ]; then ok; else bad "azure-blob: only $1 soft deletes and overwrites"; fi
close "$(col "$work/blobc/summary.csv" gb_months_retained blob)" "$2" "azure-blob gb_months_retained (S x R / 30 d per delete)"
# ... and at one price for live and retained data: cost = price x GB-months
close "$(col "$work/blobc/summary.csv" cost_retained blob)" "$(awk -v g="$2" 'BEGIN { printf "%.9f", g * 0.018 }')" \
    "azure-blob cost_retained = 0.018 x gb_months_retained"

# KMS: keys pending deletion are not billed - with deletes and no restores,
# cost_retained is 0 while cost_live is not
expect 0 "" -- run "$S/aws-kms.ini" --out "$work/kmsc" "${quiet[@]}" --set workload.kms_key.accidental_deletes=0
if [ "$(col "$work/kmsc/summary.csv" deletes_soft kms_key)" -gt 50 ] &&
    [ "$(col "$work/kmsc/summary.csv" cost_retained kms_key)" = 0 ] &&
    awk -v c="$(col "$work/kmsc/summary.csv" cost_live kms_key)" 'BEGIN { exit !(c > 0) }'; then ok; else
    bad "aws-kms: deletes $(col "$work/kmsc/summary.csv" deletes_soft kms_key), cost_retained $(col "$work/kmsc/summary.csv" cost_retained kms_key) (want >50, 0)"
fi

# Backup: every vault with always_on refuses soft_delete=off, whoever asks - by hand
printf '%s\n' 'time,op,kind,subscription,name,parent,options' '0,create,backup_vault,a,v,,soft_delete=always_on' \
    '0,create,backup_item,a,i,v,' '1h,delete,backup_item,a,i,v,' '2h,set_policy,backup_vault,a,v,,soft_delete=off' \
    '3h,delete,backup_vault,a,v,,' >"$work/bk.csv"
expect 0 "" -- replay "$S/azure-backup.ini" "$work/bk.csv" --out "$work/bkd" --until 15d
got=$(ops_outcomes "$work/bkd/events.csv" | tr '\n' ' ')
want="create:ok create:ok delete:soft_deleted set_policy:rejected delete:blocked_children auto_purge:ok "
if [ "$got" = "$want" ]; then ok; else bad "backup always_on: want $want got $got"; fi

# Backup, [S1]'s own example by hand: 60 days of retention, recovered on day 52.
# "Standard rates apply for the first 46 days" and "There are no charges for the
# last 6 days": a 10 GB item at 0.05 per GB-month, deleted at 1d, restored at 53d,
# the clock to 60d. Retained 52 d: 10 x 52 / 30 GB-months, billed 46 d of them;
# live 1 d + 7 d: 10 x 8 / 30 GB-months.
printf '%s\n' 'time,op,kind,subscription,name,parent,options,size_gb' '0,create,backup_vault,a,v,,retention=60d,' \
    '0,create,backup_item,a,i,v,,10' '1d,delete,backup_item,a,i,v,,' '53d,restore,backup_item,a,i,v,,' >"$work/bk52.csv"
expect 0 "" -- replay "$S/azure-backup.ini" "$work/bk52.csv" --out "$work/bk52" --until 60d
close "$(col "$work/bk52/summary.csv" gb_months_retained backup_item)" 17.3333333333 "backup day 52: retained GB-months"
close "$(col "$work/bk52/summary.csv" cost_retained backup_item)" 0.766666667 "backup day 52: 46 days billed"
close "$(col "$work/bk52/summary.csv" cost_live backup_item)" 0.133333333 "backup day 52: 8 live days"

# Backup in a run: vaults of R = 40 days, 100 GB items, no accidents: each soft
# delete at t keeps 100 GB for min(R, H - t) and is billed for min(R - 14 d, H - t)
# of it, so the billed share is (R - 14 d) / R for every completed one.
expect 0 "" -- run "$S/azure-backup.ini" --out "$work/bkr" "${quiet[@]}" \
    --set "workload.backup_vault.create_retention=const(40d)" --set workload.backup_item.accidental_deletes=0 \
    --set "workload.backup_item.size=const(100GB)" --set "workload.backup_item.lifetime=exp(mean=20d)"
set -- $(awk -F, -v H="$H" -v R=$((40 * DAY)) -v F=$((14 * DAY)) -v M=$((30 * DAY)) '
    NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["kind"] == "backup_item" && $c["outcome"] == "soft_deleted" { n++; d = H - $c["time_ms"]; r = d < R ? d : R
        b = d < R - F ? d : R - F; if (R <= d) done++; g += 100 * r / M; p += 100 * b / M }
    END { printf "%d %d %.9f %.9f\n", n, done, g, p * 0.05 }' "$work/bkr/events.csv")
if [ "$2" -gt 100 ]; then ok; else bad "backup run: only $2 of $1 soft deletes ran their 40 days"; fi
close "$(col "$work/bkr/summary.csv" gb_months_retained backup_item)" "$3" "backup run: retained GB-months"
close "$(col "$work/bkr/summary.csv" cost_retained backup_item)" "$4" "backup run: billed (R - 14 d) of each R"

# KMS, a cancelled deletion by hand: one replica at 0.00137 an hour; created at 0,
# scheduled at 1d, cancelled at 3d, the clock to 10d. Not billed while pending, but
# the cancel bills those 48 h as if the key had stayed live: live 192 h, retro 48 h.
printf '%s\n' 'time,op,kind,subscription,name,parent,options' '0,create,kms_key,a,k,,' \
    '1d,delete,kms_key,a,k,,retention=7d' '3d,restore,kms_key,a,k,,' >"$work/kmsr.csv"
expect 0 "" -- replay "$S/aws-kms.ini" "$work/kmsr.csv" --out "$work/kmsr" --until 10d
close "$(col "$work/kmsr/summary.csv" cost_live kms_key)" 0.26304 "kms: 192 live hours"
close "$(col "$work/kmsr/summary.csv" cost_retained kms_key)" 0 "kms: nothing while pending"
close "$(col "$work/kmsr/summary.csv" cost_retroactive kms_key)" 0.06576 "kms: the 48 pending hours billed on cancel"
close "$(col "$work/kmsr/summary.csv" cost_total kms_key)" 0.3288 "kms: total"

echo "cli_systems2: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
