#!/usr/bin/env bash
# completion/retsim, sourced in bash, completes as a user expects: commands;
# each command's options, which must be every option of its --help (so a new
# option without completion fails here); --format values; scenario files and
# trace files by position; and the section.key names of --set from the
# scenario on the command line (its own kinds, its reservation.<type> keys),
# also after --set= and for --vary, --set-a, --set-b.
# usage: cli_completion_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
# shellcheck source=/dev/null
. "$src/completion/retsim"

# complete WORD...: COMP_WORDS as given, the cursor on the last word; prints COMPREPLY sorted.
complete_line() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _retsim
    printf '%s\n' "${COMPREPLY[@]}" | sort
}
# has "LABEL" WORD... -- EXPECTED...: every EXPECTED is offered
has() {
    local label=$1 got
    shift
    local -a line=()
    while [ "$1" != -- ]; do line+=("$1"); shift; done
    shift
    got=$(complete_line "${line[@]}")
    local w
    for w in "$@"; do
        if ! grep -qxF -- "$w" <<<"$got"; then
            bad "$label: '$w' not offered; got: $(echo "$got" | head -20 | tr '\n' ' ')"
            return
        fi
    done
    ok
}
# exactly "LABEL" WORD... -- EXPECTED...: the offers are EXPECTED, no more
exactly() {
    local label=$1 got
    shift
    local -a line=()
    while [ "$1" != -- ]; do line+=("$1"); shift; done
    shift
    got=$(complete_line "${line[@]}")
    local want
    want=$(printf '%s\n' "$@" | sort)
    [ "$got" = "$want" ] && ok || bad "$label: got [$(echo $got)], expected [$(echo $want)]"
}

cd "$work" || exit 1
ln -s "$bin" retsim
PATH=$work:$PATH
cp "$src/scenarios/apim.ini" "$src/scenarios/key-vault.ini" "$src/scenarios/traces/apim-walkthrough.csv" .
touch notes.txt

exactly "commands" retsim r -- run replay report
exactly "commands c" retsim c -- compare check
has "run options" retsim run apim.ini --r -- --replications
exactly "compare --set-" retsim compare apim.ini --set- -- --set-a --set-b
exactly "systems --format" retsim systems apim.ini --format '' -- text markdown csv
exactly "run --format" retsim run apim.ini --format '' -- text csv json
exactly "scenario files" retsim run '' -- apim.ini key-vault.ini
exactly "trace files" retsim replay apim.ini '' -- apim-walkthrough.csv
# Keys of the scenario on the line: apim.ini's reservation.free (APIM's free
# tier waits 30 days) and its retention, and key-vault.ini's own kind.
has "--set apim keys" retsim run apim.ini --set policy.apim.re -- policy.apim.retention= policy.apim.reservation= policy.apim.reservation.free=
has "--set key-vault keys" retsim run key-vault.ini --set policy. -- policy.key_vault.retention= policy.key_vault.purge_protection=
exactly "--set only the prefix" retsim check apim.ini --set policy.apim.retention -- policy.apim.retention= policy.apim.retention_change_applies_to= policy.apim.retention_mutable=
has "--set= form" retsim run apim.ini --set = policy.apim.soft -- policy.apim.soft_delete= policy.apim.soft_delete_supported=
has "--vary" retsim sweep apim.ini --vary simulation.ho -- simulation.horizon=
has "--set-b" retsim compare apim.ini --set-a policy.apim.retention=48h --set-b policy.apim.ret -- policy.apim.retention=
has "--set before the scenario" retsim run --set simulation.se -- simulation.seed=
exactly "a value is the user's" retsim run apim.ini --set policy.apim.retention = 7 --
grep -q key_vault <(complete_line retsim run apim.ini --set policy.) && bad "apim.ini's keys include key_vault" || ok

# Every option of every command's --help (its usage lines and its option
# list; not options of other commands its prose mentions) is offered after '-'.
for c in run sweep compare replay generate explain check systems; do
    offered=$(complete_line retsim "$c" -)
    missing=""
    for o in $("$bin" "$c" --help | awk 'NR == 1, /^$/ { print; next } /^  +-/ { print $1 }' | grep -oE -- '--[a-z][a-z-]*[a-z]|(^|[][ (|,])-[a-zA-Z]([^a-zA-Z0-9-]|$)' | grep -oE -- '-{1,2}[a-zA-Z][a-z-]*' | sort -u); do
        grep -qxF -- "$o" <<<"$offered" || missing+=" $o"
    done
    [ -z "$missing" ] && ok || bad "retsim $c -<TAB> lacks:$missing"
done

echo "cli_completion: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
