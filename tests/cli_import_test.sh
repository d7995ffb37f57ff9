#!/usr/bin/env bash
# retsim import azure-activity: the sample logs (written by hand from the
# Activity Log schema) give the hand-derived traces exactly; bad records.
# usage: cli_import_test.sh RETSIM SOURCE_DIR
set -euo pipefail
R=$1; D=$2/tests/data
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
# array: collapse (Started+Succeeded -> one row at the first time), restore, failed:<code>, parent from the id
"$R" import azure-activity "$D/azure-activity.json" -o "$T/a.csv" 2>"$T/a.err"
diff "$T/a.csv" "$D/azure-activity.expected.csv" || fail "array trace differs"
grep -q "1  Microsoft.Resources/deployments/write" "$T/a.err" || fail "unknown op not listed"
# JSON lines: detected, blank line skipped, properties.statusCode as the code
"$R" import azure-activity "$D/azure-activity.jsonl" -o "$T/l.csv" 2>"$T/l.err"
diff "$T/l.csv" "$D/azure-activity-jsonl.expected.csv" || fail "jsonl trace differs"
grep -q "1  Microsoft.Storage/storageAccounts/listKeys/action" "$T/l.err" || fail "unknown op not listed (jsonl)"
# the imported trace replays (its apim rows: apim.ini has no gallery kinds)
grep -v gallery "$T/a.csv" >"$T/apim.csv"
"$R" replay "$2/scenarios/apim.ini" "$T/apim.csv" --out "$T/rp2" -q >/dev/null || fail "imported trace does not replay"
# a malformed record (3rd: no time) is exit 2 naming it; --skip-bad counts it
sed -n 1,2p "$D/azure-activity.jsonl" >"$T/bad.jsonl"
echo '{"operationName": "Microsoft.KeyVault/vaults/delete", "resultType": "Success"}' >>"$T/bad.jsonl"
echo '{"time": "2024-11-24T12:00:00Z", "resourceId": "/subscriptions/s/resourceGroups/g/providers/Microsoft.KeyVault/vaults/kv9", "operationName": "Microsoft.KeyVault/vaults/delete", "resultType": "Success"' >>"$T/bad.jsonl"
set +e; "$R" import azure-activity "$T/bad.jsonl" -o "$T/b.csv" 2>"$T/b.err"; rc=$?; set -e
[ "$rc" = 2 ] || fail "bad record: exit $rc, expected 2"
grep -q "record 3" "$T/b.err" || fail "bad record not named: $(cat "$T/b.err")"
[ ! -e "$T/b.csv" ] || fail "a failed import left a trace"
"$R" import azure-activity "$T/bad.jsonl" -o "$T/b.csv" --skip-bad 2>"$T/b.err" || fail "--skip-bad failed"
grep -q "2 bad skipped" "$T/b.err" || fail "--skip-bad count: $(cat "$T/b.err")"
[ "$(wc -l <"$T/b.csv")" = 2 ] || fail "--skip-bad rows"
# --map overrides a shipped mapping
printf '[operations]\nMicrosoft.KeyVault/vaults/delete = delete key_vault force=true\n' >"$T/m.ini"
"$R" import azure-activity "$D/azure-activity.jsonl" -o "$T/m.csv" --map "$T/m.ini" 2>/dev/null
grep -q ",kv1,,force=true,succeeded" "$T/m.csv" || fail "--map did not override"
# the other bundled Azure systems (App Configuration, blob accounts and
# containers, Backup vaults and items, galleries and image definitions): a
# container's parent is its account (blobServices/default is no parent), a
# backup item's its vault (backupFabrics/protectionContainers are none), a
# protected item written again after its delete is a restore
"$R" import azure-activity "$D/azure-activity-systems.jsonl" -o "$T/sy.csv" 2>"$T/sy.err"
diff "$T/sy.csv" "$D/azure-activity-systems.expected.csv" || fail "azure systems trace differs"
grep -q "0 unknown, 0 bad skipped, 1 restores" "$T/sy.err" || fail "azure systems counts: $(cat "$T/sy.err")"
for pair in "app_config_store:app-configuration" "backup_:azure-backup" "storage_account\|,container,:azure-blob" \
    "gallery:compute-gallery"; do
    { head -1 "$T/sy.csv"; grep "${pair%%:*}" "$T/sy.csv"; } >"$T/sy-${pair##*:}.csv"
    "$R" replay "$2/scenarios/${pair##*:}.ini" "$T/sy-${pair##*:}.csv" --out "$T/rsy-${pair##*:}" -q >/dev/null ||
        fail "${pair##*:} rows do not replay"
    # each recorded answer agrees (the gallery delete with an image in it is refused, as Azure did)
    [ "$(awk -F, 'NR > 1 && $5 > 0 && $6 != 1' "$T/rsy-${pair##*:}/validation.csv" | wc -l)" = 0 ] ||
        fail "${pair##*:} disagreements: $(cat "$T/rsy-${pair##*:}/validation.csv")"
done

grep -q "unknown FORMAT 'cloudtrail'" <("$R" import cloudtrail "$D/aws-cloudtrail.json" -o "$T/u.csv" 2>&1) ||
    fail "an unknown format is not refused by name"

# aws-cloudtrail, a {"Records": [...]} file (sample written from the CloudTrail
# record-contents reference): ARN -> the secret's name without its 6-character
# suffix, recoveryWindowInDays -> retention=7d, forceDeleteWithoutRecovery ->
# force=true, errorCode -> failed:<code>, a duplicated eventID collapsed, time order
"$R" import aws-cloudtrail "$D/aws-cloudtrail.json" -o "$T/ct.csv" 2>"$T/ct.err"
diff "$T/ct.csv" "$D/aws-cloudtrail.expected.csv" || fail "cloudtrail Records trace differs"
grep -q "1  secretsmanager.amazonaws.com/GetSecretValue" "$T/ct.err" || fail "cloudtrail unknown op not listed"
grep -q "7 requests from 9 records (1 collapsed, 1 unknown" "$T/ct.err" || fail "cloudtrail counts: $(cat "$T/ct.err")"
"$R" replay "$2/scenarios/aws-secrets-manager.ini" "$T/ct.csv" --out "$T/rct" -q >/dev/null ||
    fail "imported cloudtrail trace does not replay"
# every recorded answer agrees with aws-secrets-manager.ini's (hand-checked: the
# failed delete is of a secret never created, not_found)
[ "$(awk -F, 'NR > 1 && $5 > 0 && $6 != 1' "$T/rct/validation.csv" | wc -l)" = 0 ] ||
    fail "secrets manager disagreements: $(cat "$T/rct/validation.csv")"
# JSON lines (KMS and S3): a key ARN -> its id, CreateKey's id from responseElements,
# pendingWindowInDays -> retention=, blank line skipped
"$R" import aws-cloudtrail "$D/aws-cloudtrail.jsonl" -o "$T/ctl.csv" 2>"$T/ctl.err"
diff "$T/ctl.csv" "$D/aws-cloudtrail-jsonl.expected.csv" || fail "cloudtrail jsonl trace differs"
grep -q "1  kms.amazonaws.com/DescribeKey" "$T/ctl.err" || fail "cloudtrail jsonl unknown op not listed"
grep -v s3_bucket "$T/ctl.csv" >"$T/kms.csv"
"$R" replay "$2/scenarios/aws-kms.ini" "$T/kms.csv" --out "$T/rkms" -q >/dev/null || fail "kms trace does not replay"
# the 5-day window is rejected by aws-kms.ini (7-30d) as KMS refused it: all agree
[ "$(awk -F, 'NR > 1 && $5 > 0 && $6 != 1' "$T/rkms/validation.csv" | wc -l)" = 0 ] ||
    fail "kms disagreements: $(cat "$T/rkms/validation.csv")"
grep -v kms_key "$T/ctl.csv" >"$T/s3.csv"
"$R" replay "$2/scenarios/aws-s3-bucket.ini" "$T/s3.csv" --out "$T/rs3" -q >/dev/null || fail "s3 trace does not replay"
# a bad record in a Records file (3rd: no eventTime) is named; --skip-bad skips it
sed '0,/"eventTime": "2024-03-02T10:00:00Z",/s///' "$D/aws-cloudtrail.json" >"$T/ctbad.json"
set +e; "$R" import aws-cloudtrail "$T/ctbad.json" -o "$T/ctb.csv" 2>"$T/ctb.err"; rc=$?; set -e
[ "$rc" = 2 ] || fail "cloudtrail bad record: exit $rc, expected 2"
grep -q "record 3: expected eventTime" "$T/ctb.err" || fail "cloudtrail bad record not named: $(cat "$T/ctb.err")"
"$R" import aws-cloudtrail "$T/ctbad.json" -o "$T/ctb.csv" --skip-bad 2>"$T/ctb.err" || fail "cloudtrail --skip-bad"
grep -q "1 bad skipped" "$T/ctb.err" || fail "cloudtrail --skip-bad count"
! grep -q "retention=7d" "$T/ctb.csv" && [ "$(wc -l <"$T/ctb.csv")" = 7 ] || fail "cloudtrail --skip-bad rows"
echo '{"Records": {"eventTime": "2024-03-01T10:00:00Z"}}' >"$T/ctshape.json"
set +e; "$R" import aws-cloudtrail "$T/ctshape.json" -o "$T/cts.csv" 2>"$T/cts.err"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "Records must be an array" "$T/cts.err" || fail "Records not an array: $rc $(cat "$T/cts.err")"

# gcp-audit, JSON lines (sample written from the LogEntry / AuditLog references):
# operation.first + .last collapse (the first's time, the last's answer),
# status.code 7 -> failed:7, absent or 0 -> succeeded, v1 and v3 method names,
# a //service/ resource name, a duplicated insertId collapsed
"$R" import gcp-audit "$D/gcp-audit.jsonl" -o "$T/g.csv" 2>"$T/g.err"
diff "$T/g.csv" "$D/gcp-audit.expected.csv" || fail "gcp jsonl trace differs"
grep -q "1  SetIamPolicy" "$T/g.err" || fail "gcp unknown op not listed"
grep -q "7 requests from 10 records (2 collapsed, 1 unknown" "$T/g.err" || fail "gcp counts: $(cat "$T/g.err")"
# the same entries as one JSON array (gcloud logging read --format=json): the same trace
{ echo '['; grep -v '^$' "$D/gcp-audit.jsonl" | paste -sd,; echo ']'; } >"$T/g.json"
"$R" import gcp-audit "$T/g.json" -o "$T/ga.csv" 2>/dev/null
diff "$T/ga.csv" "$D/gcp-audit.expected.csv" || fail "gcp array trace differs"
grep -v ',bucket,' "$T/g.csv" >"$T/proj.csv"
"$R" replay "$2/scenarios/gcp-project.ini" "$T/proj.csv" --out "$T/rgp" -q >/dev/null || fail "gcp trace does not replay"
# the PERMISSION_DENIED undelete is one the trace cannot tell retsim about (no
# restore_permission=false): retsim restores it, so that restore and the next
# (then on an active project) disagree; the rest agree
grep -q "^project,restore,succeeded,failed,1,0" "$T/rgp/validation.csv" &&
    grep -q "^project,restore,failed,succeeded,1,0" "$T/rgp/validation.csv" &&
    grep -q "^project,delete,succeeded,succeeded,1,1" "$T/rgp/validation.csv" ||
    fail "gcp validation: $(cat "$T/rgp/validation.csv")"
grep -v ',project,' "$T/g.csv" >"$T/gcs.csv"
"$R" replay "$2/scenarios/gcs.ini" "$T/gcs.csv" --out "$T/rgcs" -q >/dev/null || fail "gcs trace does not replay"
# a bad record (2nd line: no timestamp) is named
sed '2s/"timestamp": "[^"]*", //' "$D/gcp-audit.jsonl" >"$T/gbad.jsonl"
set +e; "$R" import gcp-audit "$T/gbad.jsonl" -o "$T/gb.csv" 2>"$T/gb.err"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "record 2: expected timestamp" "$T/gb.err" || fail "gcp bad record: $rc $(cat "$T/gb.err")"
"$R" import gcp-audit "$T/gbad.jsonl" -o "$T/gb.csv" --skip-bad 2>"$T/gb.err" || fail "gcp --skip-bad"
grep -q "1 bad skipped" "$T/gb.err" || fail "gcp --skip-bad count"
# a log of unknown operations only: a header-only trace, the operations listed
head -1 "$D/aws-cloudtrail.jsonl" | sed 's/"CreateKey"/"ListKeys"/' >"$T/none.jsonl"
"$R" import aws-cloudtrail "$T/none.jsonl" -o "$T/none.csv" 2>"$T/none.err" || fail "no rows: import failed"
[ "$(cat "$T/none.csv")" = "time,op,kind,subscription,name,parent,options,recorded_outcome" ] || fail "no rows: not header-only"
grep -q "1  kms.amazonaws.com/ListKeys" "$T/none.err" || fail "no rows: unknown op not listed"
# flat memory: with a buffer of 1, 2 or 3 requests every sample spills sorted
# runs to temporary files and the merge is the same trace as held whole
for n in 1 2 3; do
    "$R" import azure-activity "$D/azure-activity.json" -o "$T/buf-a$n.csv" --buffer-rows $n -q 2>/dev/null
    diff "$T/buf-a$n.csv" "$D/azure-activity.expected.csv" || fail "azure --buffer-rows $n differs"
    "$R" import azure-activity "$D/azure-activity-systems.jsonl" -o "$T/buf-s$n.csv" --buffer-rows $n -q 2>/dev/null
    diff "$T/buf-s$n.csv" "$D/azure-activity-systems.expected.csv" || fail "systems --buffer-rows $n differs"
    "$R" import aws-cloudtrail "$D/aws-cloudtrail.json" -o "$T/buf-c$n.csv" --buffer-rows $n -q 2>/dev/null
    diff "$T/buf-c$n.csv" "$D/aws-cloudtrail.expected.csv" || fail "cloudtrail --buffer-rows $n differs"
done
# 3000 requests (each Started then Succeeded, a delete and a re-create of
# every fourth name, out of time order in blocks): a buffer of 100 spills
# about 30 runs; their merge equals the trace held whole, written by hand
# below from the same loop: time order, restores told from the merged order
awk 'BEGIN {
    for (b = 9; b >= 0; b--) for (i = b * 300; i < b * 300 + 300; i++) {
        n = int(i / 3); op = (i % 3 == 1 && n % 4 == 0) ? "delete" : "write"
        s = sprintf("2024-01-01T%02d:%02d:%02dZ", int(i / 3600), int(i / 60) % 60, i % 60)
        for (k = 0; k < 2; k++)
            printf "{\"time\": \"%s\", \"resourceId\": \"/subscriptions/s%d/resourceGroups/g/providers/Microsoft.ApiManagement/service/n%d\", \"operationName\": \"Microsoft.ApiManagement/service/%s\", \"resultType\": \"%s\", \"correlationId\": \"c%d\"}\n", s, n % 7, n, op, k ? "Success" : "Start", i
    } }' >"$T/many.jsonl"
"$R" import azure-activity "$T/many.jsonl" -o "$T/m-whole.csv" -q
"$R" import azure-activity "$T/many.jsonl" -o "$T/m-runs.csv" --buffer-rows 100 -q
cmp -s "$T/m-whole.csv" "$T/m-runs.csv" || fail "a log spilled in runs is not the trace held whole"
awk 'BEGIN {
    print "time,op,kind,subscription,name,parent,options,recorded_outcome"
    for (i = 0; i < 3000; i++) {
        n = int(i / 3); del = i % 3 == 1 && n % 4 == 0
        op = del ? "delete" : (i % 3 == 2 && n % 4 == 0 ? "restore" : "create")
        printf "2024-01-01T%02d:%02d:%02dZ,%s,apim,s%d,n%d,,,succeeded\n", int(i / 3600), int(i / 60) % 60, i % 60, op, n % 7, n
    } }' >"$T/m-expected.csv"
diff -q "$T/m-runs.csv" "$T/m-expected.csv" >/dev/null || fail "spilled trace differs from the one worked out"
# more requests in flight than the buffer holds: the late answer is told, not lost silently
printf '%s\n' \
    '{"time": "2024-11-24T10:00:00Z", "resourceId": "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ApiManagement/service/a1", "operationName": "Microsoft.ApiManagement/service/write", "resultType": "Start", "correlationId": "A"}' \
    '{"time": "2024-11-24T10:00:01Z", "resourceId": "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ApiManagement/service/b1", "operationName": "Microsoft.ApiManagement/service/write", "resultType": "Start", "correlationId": "B"}' \
    '{"time": "2024-11-24T10:05:00Z", "resourceId": "/subscriptions/s1/resourceGroups/g/providers/Microsoft.ApiManagement/service/a1", "operationName": "Microsoft.ApiManagement/service/write", "resultType": "Success", "correlationId": "A"}' >"$T/late.jsonl"
"$R" import azure-activity "$T/late.jsonl" -o "$T/late.csv" --buffer-rows 1 2>"$T/late.err" || fail "late: import failed"
grep -q "warning: 1 records came after their request's row was written" "$T/late.err" || fail "late record not told"
"$R" import azure-activity "$T/late.jsonl" -o "$T/late2.csv" --buffer-rows 2 2>"$T/late2.err"
grep -q "warning" "$T/late2.err" && fail "a buffer of 2 holds both requests: no warning"
grep -q "a1,,,succeeded" "$T/late2.csv" || fail "a buffer of 2: a1 succeeded"
# --kind keeps one scenario's kinds; an unknown kind is refused before reading
"$R" import azure-activity "$D/azure-activity.json" -o "$T/k.csv" --kind apim 2>"$T/k.err"
grep -v gallery_image_version "$D/azure-activity.expected.csv" | diff - "$T/k.csv" || fail "--kind apim"
grep -q "left out 1 record of other kinds" "$T/k.err" || fail "--kind count: $(cat "$T/k.err")"
"$R" replay "$2/scenarios/apim.ini" "$T/k.csv" --out "$T/rk" -q >/dev/null || fail "--kind apim trace does not replay"
set +e; "$R" import azure-activity "$D/azure-activity.json" -o "$T/k2.csv" --kind apimm 2>"$T/k2.err"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "no mapping gives kind 'apimm'" "$T/k2.err" && [ ! -e "$T/k2.csv" ] || fail "--kind apimm: $rc"
set +e; "$R" import azure-activity "$D/azure-activity.json" -o "$T/k.csv" 2>"$T/k3.err"; rc=$?; set -e
[ "$rc" = 2 ] && grep -q "exists; --force replaces it" "$T/k3.err" || fail "an existing trace: $rc"
for bad in 0 -1 x 1e3; do
    set +e; "$R" import azure-activity "$D/azure-activity.json" -o "$T/bb.csv" --buffer-rows "$bad" 2>/dev/null; rc=$?; set -e
    [ "$rc" = 2 ] && [ ! -e "$T/bb.csv" ] || fail "--buffer-rows $bad: $rc"
done
echo "cli_import: ok"
