#!/usr/bin/env bash
# Slot reuse changes memory, never answers: a generated run reuses the slots
# of names nobody can name again only when the scenario has no policy change
# (include/retsim/registry.h, retsim_registry_new_name). A change scheduled
# after the horizon never fires but turns reuse off, so the same run with it
# is the run without reuse: every output but the manifest (which records the
# change) must be the same bytes, for R1 (purges, reservations, re-creates
# from other subscriptions), Secrets Manager (a retention per delete, in the
# side record a reused slot must forget) and Key Vault (retention and purge
# protection per vault).
# usage: cli_reuse_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# pair NAME SCENARIO KIND ARGS...: run SCENARIO as is and with a change to KIND after its horizon
pair() {
    local name=$1 scenario=$2 kind=$3
    shift 3
    cp "$scenario" "$work/$name.ini"
    printf '\n[change.never]\nat = 100000d\nkind = %s\nretention = 7d\n' "$kind" >>"$work/$name.ini"
    expect 0 "" -- run "$scenario" --out "$work/$name.reuse" --events --trace-out "$work/$name.reuse.csv" "$@"
    expect 0 "" -- run "$work/$name.ini" --out "$work/$name.keep" --events --trace-out "$work/$name.keep.csv" "$@"
    for f in summary.csv summary_by_type.csv outcomes.csv timeseries.csv events.csv; do
        if cmp -s "$work/$name.reuse/$f" "$work/$name.keep/$f"; then ok; else bad "$name: $f differs with reuse"; fi
    done
    if cmp -s "$work/$name.reuse.csv" "$work/$name.keep.csv"; then ok; else bad "$name: the trace differs with reuse"; fi
    if grep -q '^\[change.never\]' "$work/$name.keep/manifest"; then ok; else bad "$name: the change is not in the manifest"; fi
}

pair r1 "$src/bench/r1.ini" apim --set simulation.scale=0.2
pair secrets "$src/scenarios/aws-secrets-manager.ini" secret
pair vault "$src/scenarios/key-vault.ini" key_vault

echo "cli_reuse: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
