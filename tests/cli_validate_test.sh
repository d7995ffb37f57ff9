#!/usr/bin/env bash
# End-to-end tests of replay validation (issue 15, part 2): a trace with a
# recorded_outcome column is checked against retsim's answers. The traces in
# tests/data/ are the APIM walkthrough (scenarios/traces/apim-walkthrough.csv)
# with each row's recorded answer set by hand from scenarios/traces/README.md;
# every count below is worked out from that table, not from retsim's output.
# usage: cli_validate_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

apim="$src/scenarios/apim.ini"
data="$src/tests/data"

# same FILE EXPECTED-TEXT: the file holds exactly that text
same() {
    if [ "$(cat "$1")" = "$2" ]; then ok; else
        bad "$1 differs from the hand-derived table:"
        diff <(printf '%s\n' "$2") "$1" | head -20
    fi
}

# the four rows of one kind and op: ss sf fs ff counts and the agreement
cells() {
    printf 'apim,%s,succeeded,succeeded,%s,%s\napim,%s,succeeded,failed,%s,%s\n' "$1" "$2" "$6" "$1" "$3" "$6"
    printf 'apim,%s,failed,succeeded,%s,%s\napim,%s,failed,failed,%s,%s\n' "$1" "$4" "$6" "$1" "$5" "$6"
}

header=kind,op,retsim_outcome_class,recorded,count,agreement
dheader=line,time,op,kind,subscription,parent,name,retsim_outcome,reason,detail,recorded_outcome

# --- every recorded answer is the README's: 21 of 21 agree ---
# create: ok at 0 (x2), 40d, 52d20m; refused at 2d, 10d1h, 20d, 46d.
# delete x5 all succeed (soft or hard); restore ok at 10d3h and 64d, expired at 33d;
# purge forbidden then ok; get_deleted, list_deleted, set_policy ok once each.
expect 0 "validation: 21 of 21 answers agree \(100\.0%\)$" -- replay "$apim" "$data/apim-walkthrough-recorded.csv" --out "$work/agree"
same "$work/agree/validation.csv" "$header
$(cells create 4 0 0 4 1)
$(cells delete 5 0 0 0 1)
$(cells restore 2 0 0 1 1)
$(cells purge 1 0 0 1 1)
$(cells get_deleted 1 0 0 0 1)
$(cells list_deleted 1 0 0 0 1)
$(cells set_policy 1 0 0 0 1)"
same "$work/agree/disagreements.csv" "$dheader"
# the column changes nothing else: events.csv as for the trace without it
expect 0 "" -- replay "$apim" "$src/scenarios/traces/apim-walkthrough.csv" --out "$work/plain"
grep -q validation "$work/stderr" && bad "validation note without recorded_outcome" || ok
if cmp -s "$work/plain/events.csv" "$work/agree/events.csv"; then ok; else bad "events.csv changed with recorded_outcome"; fi

# --- three rows flipped: line 4 (2d, Fabrikam's create: conflict_active),
# line 9 (20d, the old-API delete: hard_deleted), line 13 (33d, the late restore: expired) ---
expect 0 "validation: 18 of 21 answers agree \(85\.7%\); first disagreements: line 4 create apim contoso-api: retsim conflict_active \(held_by_other_subscription\), recorded succeeded; line 9 delete apim contoso-dev-api: retsim hard_deleted \(api_version_before_minimum\), recorded failed:Conflict; line 13 restore apim contoso-api: retsim expired \(data_purged\), recorded succeeded$" -- replay "$apim" "$data/apim-walkthrough-flipped.csv" --out "$work/flip"
same "$work/flip/validation.csv" "$header
$(cells create 4 0 1 3 0.875)
$(cells delete 4 1 0 0 0.8)
$(cells restore 2 0 1 0 0.666666667)
$(cells purge 1 0 0 1 1)
$(cells get_deleted 1 0 0 0 1)
$(cells list_deleted 1 0 0 0 1)
$(cells set_policy 1 0 0 0 1)"
# line, time, op, kind, subscription, name, outcome and reason of each, in trace order
got=$(awk -F, 'NR > 1 { print $1, $2, $3, $4, $5, $7, $8, $9, $NF }' "$work/flip/disagreements.csv")
want="4 2d create apim fabrikam contoso-api conflict_active held_by_other_subscription succeeded
9 20d delete apim contoso-dev contoso-dev-api hard_deleted api_version_before_minimum failed:Conflict
13 33d restore apim contoso-prod contoso-api expired data_purged succeeded"
if [ "$got" = "$want" ]; then ok; else bad "disagreements: got
$got"; fi
# the detail says who holds the name, and when the late restore's instance was purged
grep -q '^4,.*,contoso-prod holds a live instance' "$work/flip/disagreements.csv" && ok || bad "line 4 detail"
grep -q '^13,.*purge due at 32d' "$work/flip/disagreements.csv" && ok || bad "line 13 detail"

# --- bad values: exit 2 naming the file, line and column; nothing written ---
bad_value() {
    local value=$1 line=$2
    awk -v L="$line" -v V="$value" 'BEGIN { FS = OFS = "," } NR == L { $NF = V } { print }' \
        "$data/apim-walkthrough-recorded.csv" >"$work/bad.csv"
    expect 2 "bad.csv:$line: 'recorded_outcome': expected succeeded, failed or failed:<code>" -- replay "$apim" "$work/bad.csv" --out "$work/bad"
    if [ -e "$work/bad" ]; then bad "a refused trace ($value) left $work/bad"; rm -rf "$work/bad"; else ok; fi
}
bad_value success 3
bad_value failed: 7
bad_value Succeeded 2
bad_value '"failed:a,b"' 12
bad_value '"failed "' 20

# --- a trace without the column: no validation files, and the note says nothing of it ---
if [ -e "$work/plain/validation.csv" ] || [ -e "$work/plain/disagreements.csv" ]; then
    bad "validation files without recorded_outcome"
else ok; fi
# an all-empty column compares nothing: no files either
awk 'BEGIN { FS = OFS = "," } NR > 1 { $NF = "" } { print }' "$data/apim-walkthrough-recorded.csv" >"$work/empty.csv"
expect 0 "" -- replay "$apim" "$work/empty.csv" --out "$work/empty"
if [ -e "$work/empty/validation.csv" ]; then bad "validation.csv for an empty column"; else ok; fi
# a replay with validation replaced by one without leaves no stale validation files
expect 0 "" -- replay "$apim" "$src/scenarios/traces/apim-walkthrough.csv" --out "$work/agree"
if [ -e "$work/agree/validation.csv" ]; then bad "stale validation.csv after a plain replay"; else ok; fi

echo "cli_validate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
