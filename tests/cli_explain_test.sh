#!/usr/bin/env bash
# retsim explain: the story of every walkthrough, word for word (golden text
# in tests/explain/, so a wording change is a reviewed diff), told in
# the same order with the same answers as replay's events.csv, the facts of
# the APIM walkthrough worked by hand (scenarios/traces/README.md), the
# filters, the picture, and bad input.
# Regenerate the golden texts after a reviewed wording change, from the
# repository root:   bash tests/cli_explain_test.sh build/retsim . --update
# usage: cli_explain_test.sh RETSIM_BINARY SOURCE_DIR [--update]
. "$(dirname "$0")/cli_lib.sh" "$@"
golden=$src/tests/explain
S=scenarios

# every walkthrough with its scenario (apim-walkthrough.csv is apim.ini's), as paths from $src
pairs() {
    local trace name
    for trace in "$src"/scenarios/traces/*.csv; do
        name=$(basename "$trace" .csv)
        if [ "$name" = apim-walkthrough ]; then echo "apim $name"; else echo "$name $name"; fi
    done
}

# explain ARGS...: retsim explain from $src (paths in the story are as given), stdout to $work/story
explain() {
    (cd "$src" && "$bin" explain "$@") >"$work/story" 2>"$work/stderr"
}

# the story's answer lines as "time outcome" (auto_purge for an automatic purge; reservation ends left out)
story_answers() {
    awk '/^What happened, in time order:/ { on = 1; next }
         on && /^  [^ ]/ {
             t = $1; line = $0
             if (line ~ /the reservation of .* ends$/) next
             if (line ~ /is purged automatically$/) { print t " auto_purge"; next }
             n = split(line, part, ": "); print t " " part[n]
         }' "$work/story"
}

# events.csv's rows as "time outcome" (auto_purge for op auto_purge)
event_answers() {
    awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
             { print $c["time"] " " ($c["op"] == "auto_purge" ? "auto_purge" : $c["outcome"]) }' "$1"
}

if [ "${3:-}" = "--update" ]; then
    mkdir -p "$golden"
    while read -r ini trace; do
        explain "$S/$ini.ini" "$S/traces/$trace.csv" && cp "$work/story" "$golden/$trace.txt" &&
            echo "updated $golden/$trace.txt"
    done < <(pairs)
    exit 0
fi

# --- every walkthrough: the golden text, and the answers of replay in replay's order ---
while read -r ini trace; do
    if ! explain "$S/$ini.ini" "$S/traces/$trace.csv"; then
        bad "explain $trace failed: $(head -c 300 "$work/stderr")"
        continue
    fi
    if diff -u "$golden/$trace.txt" "$work/story" >"$work/diff"; then ok; else
        bad "explain $trace differs from tests/explain/$trace.txt (review, then update with
    bash tests/cli_explain_test.sh build/retsim . --update):
$(head -40 "$work/diff")"
    fi
    "$bin" replay "$src/$S/$ini.ini" "$src/$S/traces/$trace.csv" --out "$work/$trace" >/dev/null 2>&1 ||
        bad "replay $trace failed"
    if diff <(event_answers "$work/$trace/events.csv") <(story_answers) >"$work/diff"; then ok; else
        bad "explain $trace: its answers are not replay's events.csv, row by row: $(head -10 "$work/diff")"
    fi
    # the sentences are wrapped at 100 columns (the answer lines, one per answer, are not)
    if awk '!/^  [^ ]/ && length($0) > 100 && $0 !~ /[^ ]{60}/ { exit 1 }' "$work/story"; then ok; else
        bad "explain $trace: a line is wider than 100 columns"
    fi
done < <(pairs)
[ -n "$(ls "$golden")" ] && [ "$(ls "$golden" | wc -l)" -eq "$(pairs | wc -l)" ] && ok ||
    bad "tests/explain/ does not hold one story per walkthrough"

# --- every bundled scenario: a few names of its own workload (generate), told as replay answers them ---
for ini in "$src"/scenarios/*.ini; do
    name=$(basename "$ini" .ini)
    "$bin" generate "$ini" -o "$work/gen-$name.csv" --limit-names 3 --set simulation.horizon=60d --set simulation.warmup=0 >/dev/null 2>&1 ||
        { bad "generate $name failed"; continue; }
    "$bin" replay "$ini" "$work/gen-$name.csv" --out "$work/gen-$name" >/dev/null 2>&1 || bad "replay gen-$name failed"
    if explain "$ini" "$work/gen-$name.csv" &&
        diff <(event_answers "$work/gen-$name/events.csv") <(story_answers) >"$work/diff"; then ok; else
        bad "explain of $name's generated trace: not replay's answers: $(head -c 300 "$work/stderr") $(head -5 "$work/diff")"
    fi
done

# --- the APIM walkthrough, by hand (scenarios/traces/README.md): reservation 7d after each release ---
apim=("$S/apim.ini" "$S/traces/apim-walkthrough.csv")
explain "${apim[@]}" || bad "explain apim failed"
# hard delete at 20d -> others from 27d; automatic purge at 32d (deleted 30d + 2d) -> 39d; purge at 45d20m -> 52d20m
for end in "27d the reservation of apim 'contoso-dev-api' ends" "39d the reservation of apim 'contoso-api' ends" \
    "52d20m the reservation of apim 'contoso-api' ends"; do
    t=${end%% *}
    grep -qE "^  $t +${end#* }$" "$work/story" && ok || bad "apim story lacks '$end'"
done
[ "$(grep -c 'the reservation of .* ends$' "$work/story")" -eq 3 ] && ok || bad "apim: not exactly 3 reservation ends"
grep -qE "^  32d +apim 'contoso-api' of contoso-prod is purged automatically$" "$work/story" && ok ||
    bad "apim: no automatic purge at 32d"
grep -qE "^  33d +contoso-prod \(ea\) restores apim 'contoso-api': expired$" "$work/story" && ok ||
    bad "apim: the 33d restore is not expired"
tr '\n' ' ' <"$work/story" | tr -s ' ' | grep -q "every other subscription waits 7d (30d if the owner's subscription is of type free)" && ok ||
    bad "apim: the reservation rule is not said"
grep -q "The retention goes from 2d to 7d." "$work/story" && ok || bad "apim: the 60d change is not told"
# the same trace with 7 days: the 33d restore is in time, no purge at 32d, so no reservation end at 39d
explain "${apim[@]}" --set policy.apim.retention=7d || bad "explain apim 7d failed"
grep -qE "^  33d +contoso-prod \(ea\) restores apim 'contoso-api': ok$" "$work/story" && ok ||
    bad "apim 7d: the 33d restore is not ok"
grep -q "^  39d " "$work/story" && bad "apim 7d: a reservation end at 39d" || ok
grep -q "kept 7d, restorable until then" "$work/story" && ok || bad "apim 7d: the rules do not say 7d"

# --- filters ---
explain "${apim[@]}" --name contoso-dev-api || bad "explain --name failed"
grep -q "^The life of apim/contoso-dev-api (owner contoso-dev):$" "$work/story" && ok || bad "--name: no life heading"
# its answers: create ok, hard delete, Fabrikam's refused create, the reservation end, the kind-wide change
got=$(awk '/^The life of/ { on = 1; next } on && /^  [^ ]/ { print $1 }' "$work/story" | tr '\n' ' ')
[ "$got" = "0 20d 20d 27d 60d " ] && ok || bad "--name contoso-dev-api: times '$got'"
grep -q "contoso-api'" "$work/story" && bad "--name: another name is told" || ok
explain "${apim[@]}" --subscription fabrikam --until 50d || bad "explain --subscription failed"
got=$(story_answers | tr '\n' ' ')
[ "$got" = "2d conflict_active 20d conflict_reserved 46d conflict_reserved " ] && ok ||
    bad "--subscription fabrikam --until 50d: '$got'"
explain "${apim[@]}" --until 30d || bad "explain --until failed"
got=$(story_answers | tail -1)
[ "$got" = "30d ok" ] && ok || bad "--until 30d: the last answer is '$got' (the list_deleted at 30d)"
grep -q "^  27d .*ends$" "$work/story" && ok || bad "--until 30d: the reservation end at 27d is missing"
explain "${apim[@]}" --width 60 || bad "explain --width failed"
awk '!/^  [^ ]/ && length($0) > 60 && $0 !~ /[^ ]{40}/ { exit 1 }' "$work/story" && ok || bad "--width 60: a wider line"

# --- ISO-8601 traces: times as the trace writes them ---
cat >"$work/iso.csv" <<'EOF'
time,op,kind,subscription,name
2026-03-01T10:00:00Z,create,apim,sub-a,shop
2026-03-02T10:00:00Z,delete,apim,sub-a,shop
EOF
explain "$S/apim.ini" "$work/iso.csv" || bad "explain of an ISO trace failed"
grep -qE "^  2026-03-04T10:00:00Z +apim 'shop' of sub-a is purged automatically$" "$work/story" && ok ||
    bad "ISO trace: the purge 2d after the delete is not at 2026-03-04T10:00:00Z"
grep -qE "^  2026-03-11T10:00:00Z +the reservation of apim 'shop' ends$" "$work/story" && ok ||
    bad "ISO trace: the reservation end 7d after the purge is not told"

# --- the picture ---
mkdir -p "$work/tmp"
TMPDIR=$work/tmp explain "${apim[@]}" --name contoso-api --png "$work/life.png" ||
    bad "explain --png failed: $(cat "$work/stderr")"
sig=$(head -c 8 "$work/life.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
[ "$sig" = "89504e470d0a1a0a" ] && ok || bad "--png: $work/life.png is not a PNG"
grep -q "^The life of apim/contoso-api" "$work/story" && ok || bad "--png: the story is not told too"
[ -z "$(ls -A "$work/tmp")" ] && ok || bad "--png left its temporary folder in \$TMPDIR"

# --- bad input: exit 2, a clear message, nothing on stdout ---
nothing() { [ ! -s "$work/stdout" ] && ok || bad "retsim explain $*: wrote to stdout on error"; }
cd "$src" || exit 1
expect 2 "no row names 'nope'" -- explain "${apim[@]}" --name nope
nothing --name nope
expect 2 "no row has subscription 'nobody'" -- explain "${apim[@]}" --subscription nobody
nothing --subscription nobody
expect 2 "expected SCENARIO and TRACE" -- explain "$S/apim.ini"
expect 2 "cannot open the trace" -- explain "$S/apim.ini" "$work/missing.csv"
printf 'time,op,kind,subscription,name\n1d,create,apim,a,x\n0,create,apim,a,y\n' >"$work/order.csv"
expect 2 "order.csv:3" -- explain "$S/apim.ini" "$work/order.csv"
nothing order
expect 2 "folder .* does not exist" -- explain "${apim[@]}" --png "$work/no/such/life.png"
nothing png
expect 2 "--name needs a value" -- explain "${apim[@]}" --name
expect 2 "--width" -- explain "${apim[@]}" --width 5
expect 2 "--until" -- explain "${apim[@]}" --until soon
expect 0 "" -- explain --help
grep -q "usage: retsim explain" "$work/stdout" && ok || bad "explain --help"

echo "cli_explain: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
