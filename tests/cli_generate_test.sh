#!/usr/bin/env bash
# retsim generate: the trace `run --trace-out` writes, and nothing else; the
# trace replays into run's events.csv; --limit-names cuts a trace that still
# replays; bad usage writes nothing.
. "$(dirname "$0")/cli_lib.sh" "$@"
scen="$src/scenarios"

# The horizon of a scenario file ([simulation] horizon), for replay --until.
horizon() { sed -n 's/^horizon *= *\([^ ;]*\).*/\1/p' "$1" | head -1; }

# generate == run --trace-out, and replay of it == run's events.csv, byte for
# byte. same_as_run LABEL SCENARIO [ARGS...]: the trace goes to $work/LABEL/ alone.
same_as_run() {
    local label=$1 ini="$scen/$2.ini"
    shift 2
    mkdir "$work/$label"
    expect 0 "" -- run "$ini" --events --trace-out "$work/$label-run.csv" --out "$work/$label-run" "$@"
    expect 0 "" -- generate "$ini" -o "$work/$label/trace.csv" "$@"
    if cmp -s "$work/$label-run.csv" "$work/$label/trace.csv"; then ok; else
        bad "$label: generate differs from run --trace-out"
    fi
    if [ "$(ls -A "$work/$label")" = trace.csv ]; then ok; else bad "$label: generate wrote $(ls -A "$work/$label")"; fi
    local sets=()
    if [ "$#" -gt 0 ] && [ "$1" = --seed ]; then sets=(--set "simulation.seed=$2"); fi
    expect 0 "" -- replay "$ini" "$work/$label/trace.csv" --until "$(horizon "$ini")" --out "$work/$label-replay" \
        "${sets[@]}"
    if cmp -s "$work/$label-run/events.csv" "$work/$label-replay/events.csv"; then ok; else
        bad "$label: replay of the generated trace differs from run's events.csv"
    fi
}
same_as_run qs quickstart
same_as_run cg compute-gallery
same_as_run cg7 compute-gallery --seed 7 --set workload.gallery.arrivals=2/d
# another seed is another trace
if cmp -s "$work/cg/trace.csv" "$work/cg7/trace.csv"; then bad "seed 7 gave the same trace as seed 1"; else ok; fi

# A name is kind, parent path and name (the columns 3, 8 and 5 of a trace).
# names FILE: the distinct names of its create rows, in order of first create.
names() { awk -F, 'NR > 1 && $2 == "create" && !seen[$3 "|" $8 "|" $5]++ { print $3 "|" $8 "|" $5 }' "$1"; }

# --limit-names 5 on the gallery trace: the rows whose name is among the first
# 5 created, computed here with awk from the whole trace (no quoted names in it).
full="$work/cg/trace.csv"
expect 0 "" -- generate "$scen/compute-gallery.ini" -o "$work/cg5.csv" --limit-names 5
if grep -q "on 5 names" "$work/stderr"; then ok; else bad "--limit-names 5 said: $(cat "$work/stderr")"; fi
names "$full" | head -5 >"$work/first5"
awk -F, 'NR == FNR { keep[$0] = 1; next } FNR == 1 || $5 == "" || keep[$3 "|" $8 "|" $5]' \
    "$work/first5" "$full" >"$work/cg5-expected.csv"
if cmp -s "$work/cg5-expected.csv" "$work/cg5.csv"; then ok; else bad "--limit-names 5: not the rows of the first 5 names"; fi
if [ "$(names "$work/cg5.csv" | wc -l)" -eq 5 ]; then ok; else bad "--limit-names 5: not 5 created names"; fi
# every parent path of a kept row names kept instances: gallery-X/gallery_image-Y
parents_ok=1
while IFS= read -r p; do
    [ -z "$p" ] && continue
    g=${p%%/*}
    grep -q "^gallery||$g\$" "$work/first5" || parents_ok=0
    if [ "$g" != "$p" ]; then grep -q "^gallery_image|$g|${p#*/}\$" "$work/first5" || parents_ok=0; fi
done < <(awk -F, 'NR > 1 { print $8 }' "$work/cg5.csv" | sort -u)
if [ "$parents_ok" -eq 1 ]; then ok; else bad "--limit-names 5: a row's parent is not kept"; fi
expect 0 "" -- replay "$scen/compute-gallery.ini" "$work/cg5.csv" --out "$work/cg5-replay"
if [ "$(wc -l <"$work/cg5-replay/events.csv")" -eq "$(wc -l <"$work/cg5.csv")" ]; then ok; else
    bad "--limit-names 5: replay did not answer every row"
fi
# kind-wide set_policy rows ([change.*]) are always kept
expect 0 "" -- generate "$scen/retention-48h-vs-7d.ini" -o "$work/ch1.csv" --limit-names 1
n_sp=$(grep -c '^[^,]*,set_policy,[^,]*,,,' "$work/ch1.csv")
if [ "$n_sp" -ge 1 ] && [ "$(names "$work/ch1.csv" | wc -l)" -eq 1 ]; then ok; else
    bad "--limit-names 1 with [change.*]: $n_sp set_policy rows, names: $(names "$work/ch1.csv" | head -3)"
fi
expect 0 "" -- replay "$scen/retention-48h-vs-7d.ini" "$work/ch1.csv" --out "$work/ch1-replay"
# a limit above the names there are is the whole trace (here with the size_gb column)
expect 0 "" -- generate "$scen/gcs.ini" -o "$work/gcs.csv" --set simulation.horizon=20d --set simulation.warmup=0
expect 0 "" -- generate "$scen/gcs.ini" -o "$work/gcs-all.csv" --set simulation.horizon=20d --set simulation.warmup=0 --limit-names 100000000
if head -1 "$work/gcs.csv" | grep -q size_gb && cmp -s "$work/gcs.csv" "$work/gcs-all.csv"; then ok; else
    bad "--limit-names above the count is not the whole trace"
fi

# Bad usage: exit 2, a clear message, nothing written.
bu="$work/bad"
mkdir "$bu"
expect 2 "expected -o TRACE" -- generate "$scen/quickstart.ini"
expect 2 "-o needs a value" -- generate "$scen/quickstart.ini" -o
expect 2 "expected one SCENARIO" -- generate -o "$bu/x.csv"
expect 2 "--limit-names takes a whole number" -- generate "$scen/quickstart.ini" -o "$bu/x.csv" --limit-names 0
expect 2 "--limit-names takes a whole number" -- generate "$scen/quickstart.ini" -o "$bu/x.csv" --limit-names -3
expect 2 "--limit-names takes a whole number" -- generate "$scen/quickstart.ini" -o "$bu/x.csv" --limit-names five
expect 2 "unknown option" -- generate "$scen/quickstart.ini" -o "$bu/x.csv" --events
if [ -z "$(ls -A "$bu")" ]; then ok; else bad "bad usage wrote $(ls -A "$bu")"; fi
echo "keep me" >"$bu/old.csv"
expect 2 "exists.*--force" -- generate "$scen/quickstart.ini" -o "$bu/old.csv"
if [ "$(cat "$bu/old.csv")" = "keep me" ] && [ "$(ls -A "$bu")" = old.csv ]; then ok; else bad "a refused generate touched the folder"; fi
expect 0 "" -- generate "$scen/quickstart.ini" -o "$bu/old.csv" --force
if cmp -s "$bu/old.csv" "$work/qs/trace.csv" && [ "$(ls -A "$bu")" = old.csv ]; then ok; else bad "--force did not replace the file"; fi
# a folder in the way stays a folder, even with --force
mkdir "$bu/dir.csv"
expect 2 "" -- generate "$scen/quickstart.ini" -o "$bu/dir.csv" --force
if [ -d "$bu/dir.csv" ] && [ -z "$(ls -A "$bu/dir.csv")" ]; then ok; else bad "generate replaced a folder"; fi
# a scenario with no workload
printf '[simulation]\nhorizon = 10d\n[policy.apim]\nretention = 48h\n' >"$work/nowl.ini"
expect 2 "nothing to generate" -- generate "$work/nowl.ini" -o "$bu/none.csv"
if [ ! -e "$bu/none.csv" ] && [ "$(ls -A "$bu" | sort | tr '\n' ' ')" = "dir.csv old.csv " ]; then ok; else
    bad "a failed generate left $(ls -A "$bu")"
fi

echo "cli_generate: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
