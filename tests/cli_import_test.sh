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
grep -q "1  Microsoft.Storage/storageAccounts/delete" "$T/l.err" || fail "unknown op not listed (jsonl)"
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
echo "cli_import: ok"
