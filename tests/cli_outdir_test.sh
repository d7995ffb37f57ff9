#!/usr/bin/env bash
# End-to-end tests of output folders: a folder holds exactly one command's
# files; files retsim did not write make it refuse (exit 2) and stay; failed
# or interrupted commands leave the folder byte for byte as it was; no staging
# folder (DIR.tmp-*, DIR.old-*) is ever left behind; the manifest records the
# command line and every --set in order.
# usage: cli_outdir_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
# absolute, since the tests run inside a scratch folder

# Names, modes, sizes and bytes of everything in a folder, hidden files included.
snapshot() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f | sort | xargs cat) | md5sum; }
# The folder's entries, hidden ones included, on one line.
entries() { ls -A "$1" | paste -sd' ' -; }
# The manifest's command line, its continuation lines (command_line.2, ...) joined by single spaces.
cmdline() { grep -E '^command_line(\.[0-9]+)? = ' "$1" | sed 's/^[^=]*= //' | paste -sd' ' -; }
# No staging folder of any command is left beside the folders in $work.
no_leftovers() {
    local left
    left=$(ls -A "$work" | grep -E '\.(tmp|old)-([0-9]+-)?[a-z0-9]{6}$')
    if [ -z "$left" ]; then ok; else bad "$1: left behind: $left"; fi
}

# the quick start without its year of warm-up, so that short runs (--set "$short") are valid
q="$work/quickstart.ini"
sed 's/^warmup = 365d$/warmup = 0/' "$src/scenarios/quickstart.ini" >"$q"
grep -q '^warmup = 0$' "$q" || { echo "FAIL: no 'warmup = 365d' line in quickstart.ini to replace"; exit 1; }
short="simulation.horizon=20d"
cd "$work" || exit 1

# --- a folder holds one run: a replicated run's files go when a single run replaces it ---
expect 0 "" -- run "$q" --replications 3 --out out --set "$short"
if [ "$(entries out)" = ".retsim-files manifest outcomes.csv summary.csv summary_by_type.csv summary_ci.csv timeseries.csv" ]; then ok; else bad "3 replications wrote: $(entries out)"; fi
expect 0 "" -- run "$q" --out out --set "$short"
if [ "$(entries out)" = ".retsim-files manifest outcomes.csv summary.csv summary_by_type.csv timeseries.csv" ]; then ok; else bad "after a single run: $(entries out)"; fi
if [ "$(grep -vc '^#' out/.retsim-files)" -eq 5 ]; then ok; else bad ".retsim-files should list the 5 files: $(cat out/.retsim-files)"; fi
no_leftovers "run over run"
# a sweep, then a replay, then a comparison into the same folder: each leaves only its own files
expect 0 "" -- sweep "$q" --vary policy.apim.retention=24h,7d --replications 2 --out out --set "$short"
if [ "$(entries out)" = ".retsim-files manifest sweep.csv sweep_ci.csv" ]; then ok; else bad "after a sweep: $(entries out)"; fi
expect 0 "" -- replay "$src/scenarios/apim.ini" "$src/scenarios/traces/apim-walkthrough.csv" --out out
if [ "$(entries out)" = ".retsim-files events.csv manifest outcomes.csv summary.csv" ]; then ok; else bad "after a replay: $(entries out)"; fi
expect 0 "" -- compare "$q" --set-a policy.apim.retention=48h --set-b policy.apim.retention=7d --replications 2 --out out --set "$short"
if [ "$(entries out)" = ".retsim-files compare.csv manifest" ]; then ok; else bad "after a comparison: $(entries out)"; fi
no_leftovers "sweep, replay, compare"

# --- the manifest: the command line and every --set, in the order given ---
d="workload.apim.restore_delay=lognormal(median=1d, sigma=1)"
expect 0 "" -- run "$q" --out m --set "$short" --set "$d" --set policy.apim.retention=7d --set policy.apim.retention=3d --seed 4
want="retsim run $q --out m --set $short --set '$d' --set policy.apim.retention=7d --set policy.apim.retention=3d --seed 4"
if [ "$(cmdline m/manifest)" = "$want" ]; then ok; else bad "manifest command_line: $(cmdline m/manifest)"; fi
sets=$(grep '^set\.' m/manifest | paste -sd'|' -)
if [ "$sets" = "set.1 = $short|set.2 = $d|set.3 = policy.apim.retention=7d|set.4 = policy.apim.retention=3d" ]; then ok; else bad "manifest overrides: $sets"; fi
# the last override won, and the manifest is still a scenario that reproduces the run
if grep -q '^retention = 3d ' m/manifest; then ok; else bad "the resolved scenario should hold retention = 3d"; fi
expect 0 "" -- run m/manifest --out m2 --seed 4
if cmp -s m/summary.csv m2/summary.csv; then ok; else bad "a run from the manifest differs"; fi
# a command line too long for one scenario line is continued in command_line.2, ...
long_set="workload.apim.restore_delay=lognormal(median=1d,       sigma=1)"
expect 0 "" -- run "$q" --out ml --set "$short" --set "$d" --set "$d" --set "$d" --set "$long_set" --set simulation.seed=3
joined=$(cmdline ml/manifest)
if [ "$joined" = "retsim run $q --out ml --set $short --set '$d' --set '$d' --set '$d' --set '$long_set' --set simulation.seed=3" ] &&
    [ "$(grep -c '^command_line' ml/manifest)" -ge 2 ]; then ok; else bad "long command line: $joined"; fi
expect 0 "" -- run ml/manifest --out ml2
if cmp -s ml/summary.csv ml2/summary.csv; then ok; else bad "a run from a manifest with a long command line differs"; fi
expect 0 "" -- run "$q" --replications 2 --out mr --set "$short"
if grep -qx "set.1 = $short" mr/manifest && grep -qx 'replications = 2 of 2' mr/manifest; then ok; else bad "replications manifest"; fi
expect 0 "" -- sweep "$q" --vary policy.apim.retention=24h,7d --replications 2 --out ms --set "$short"
if grep -qx "set.1 = $short" ms/manifest && grep -qF 'command_line = retsim sweep' ms/manifest; then ok; else bad "sweep manifest"; fi
# identical commands, identical bytes, the list included
cp -r m m_first
expect 0 "" -- run "$q" --out m --set "$short" --set "$d" --set policy.apim.retention=7d --set policy.apim.retention=3d --seed 4
if [ "$(snapshot m)" = "$(snapshot m_first)" ]; then ok; else bad "the same command gave different bytes"; fi

# --- files retsim did not write: refused with exit 2, before running, and left alone ---
expect 0 "" -- run "$q" --out user --set "$short"
echo "my notes" >user/notes.txt
before=$(snapshot user)
expect 2 "user: '--out': holds 'notes.txt' that no earlier retsim run wrote there.*move it out or choose another --out" -- run "$q" --out user --set "$short"
expect 2 "holds 'notes.txt'" -- run "$q" --out user --replications 2 --set "$short"
expect 2 "holds 'notes.txt'" -- sweep "$q" --vary policy.apim.retention=24h,7d --out user --set "$short"
expect 2 "holds 'notes.txt'" -- replay "$src/scenarios/apim.ini" "$src/scenarios/traces/apim-walkthrough.csv" --out user
expect 2 "holds 'notes.txt'" -- compare "$q" --set-b policy.apim.retention=7d --replications 2 --out user --set "$short"
mkdir user/charts
expect 2 "holds 'charts' and 1 more .*move them out" -- run "$q" --out user --set "$short"
rmdir user/charts
if [ "$(snapshot user)" = "$before" ]; then ok; else bad "a refused run changed the folder"; fi
# a file in the list that is now something else is not retsim's either
rm user/timeseries.csv && mkdir user/timeseries.csv
expect 2 "holds 'notes.txt' and 1 more" -- run "$q" --out user --set "$short"
rmdir user/timeseries.csv
# an empty folder, and a folder of an earlier retsim without .retsim-files, are retsim's to replace
mkdir empty
expect 0 "" -- run "$q" --out empty --set "$short"
if [ -s empty/summary.csv ]; then ok; else bad "a run into an empty folder"; fi
mkdir legacy && printf '; written by retsim: the run and the scenario as resolved\n[run]\n' >legacy/manifest
echo old >legacy/summary_ci.csv
expect 0 "" -- run "$q" --out legacy --set "$short"
if [ ! -e legacy/summary_ci.csv ] && [ -s legacy/summary.csv ]; then ok; else bad "legacy folder: $(entries legacy)"; fi
mkdir foreign && echo x >foreign/summary.csv
expect 2 "holds 'summary.csv'" -- run "$q" --out foreign --set "$short"

# --- what --out cannot be ---
ln -s user link
expect 2 "link: '--out': is a symbolic link" -- run "$q" --out link --set "$short"
echo text >plain
expect 2 "plain: '--out': is not a folder" -- run "$q" --out plain --set "$short"
expect 2 "not '.' or '..'" -- run "$q" --out . --set "$short"
expect 2 "not '.' or '..'" -- run "$q" --out user/.. --set "$short"
if [ "$(cat plain)" = "text" ] && [ -L link ]; then ok; else bad "a refused --out was changed"; fi

# --- failures leave the folder exactly as it was, and nothing beside it ---
expect 0 "" -- replay "$src/scenarios/apim.ini" "$src/scenarios/traces/apim-walkthrough.csv" --out keep
before=$(snapshot keep)
printf 'time,op,kind,subscription,name\n0,create,apim,s1,a\n1h,nonsense,apim,s1,a\n' >bad.csv
expect 2 "bad.csv:3: 'op'" -- replay "$src/scenarios/apim.ini" bad.csv --out keep
expect 2 "'policy.apim.retention': expected a duration" -- run "$q" --out keep --set policy.apim.retention=soon
expect 2 "'policy.apim.retention': expected a duration" -- sweep "$q" --vary policy.apim.retention=1d,soon --out keep
if [ "$(snapshot keep)" = "$before" ]; then ok; else bad "a failed command changed the folder"; fi
# a failure into a folder that did not exist creates neither it nor its parents
expect 2 "bad.csv:3: 'op'" -- replay "$src/scenarios/apim.ini" bad.csv --out new/deeper/out
if [ ! -e new ]; then ok; else bad "a failed replay left $(find new)"; fi
no_leftovers "failed commands"

# --- --trace-out: inside the folder it is one of the run's files; elsewhere renamed into place ---
expect 0 "" -- run "$q" --out tr --trace-out tr/trace.csv --set "$short"
if grep -qx 'trace.csv' tr/.retsim-files && [ -s tr/trace.csv ]; then ok; else bad "trace inside --out: $(entries tr)"; fi
expect 0 "" -- run "$q" --out tr --set "$short"
if [ ! -e tr/trace.csv ]; then ok; else bad "the earlier run's trace survived"; fi
expect 2 "cannot write 'summary.csv' here: that is already one of this command's outputs" -- run "$q" --out tr --trace-out tr/summary.csv --set "$short"
expect 0 "" -- run "$q" --out tr --trace-out elsewhere.csv --set "$short"
if [ -s elsewhere.csv ] && [ ! -e tr/elsewhere.csv ]; then ok; else bad "trace outside --out"; fi
if ls -A | grep -q '^\.elsewhere\.csv\.tmp'; then bad "the trace's temporary was left"; else ok; fi
no_leftovers "traces"

# --- charts drawn by analysis/plot-run belong to their run: the next run replaces them ---
if command -v gnuplot >/dev/null; then
    expect 0 "" -- run "$q" --out charts --set "$short"
    if "$src/analysis/plot-run" charts >/dev/null 2>&1 && grep -qx 'inventory.png' charts/.retsim-files; then ok; else bad "plot-run did not list its charts"; fi
    expect 0 "" -- run "$q" --out charts --set "$short"
    if [ ! -e charts/inventory.png ] && [ ! -e charts/cost.png ]; then ok; else bad "the earlier run's charts survived"; fi
fi

# --- Ctrl-C during replications keeps the finished ones, through the same swap ---
expect 0 "" -- run "$q" --out int --set "$short"
before=$(snapshot int)
"$bin" run "$src/scenarios/apim.ini" --replications 200 --jobs 1 --out int >int.out 2>int.err &
pid=$!
sleep 2
kill -INT "$pid"
wait "$pid"
rc=$?
done_reps=$(grep -o "interrupted after [0-9]* of 200" int.err | grep -o "after [0-9]*" | grep -o "[0-9]*")
if [ "$rc" -eq 1 ] && [ -n "$done_reps" ]; then ok; else bad "interrupted run: exit $rc, $(cat int.err)"; fi
if [ "${done_reps:-0}" -eq 0 ]; then
    if [ "$(snapshot int)" = "$before" ]; then ok; else bad "nothing finished but the folder changed"; fi
elif [ "$(grep -c '^apim,' int/summary.csv)" -eq "$done_reps" ] && grep -qx "replications = $done_reps of 200" int/manifest &&
    [ "$(entries int)" = ".retsim-files manifest outcomes.csv summary.csv summary_by_type.csv summary_ci.csv timeseries.csv" ]; then
    ok
else
    bad "interrupted run: the folder does not hold the $done_reps finished replications: $(entries int)"
fi
# a file that appears while the command runs is found before the swap: refused, and kept
"$bin" run "$src/scenarios/apim.ini" --replications 200 --jobs 1 --out int >int.out 2>int.err &
pid=$!
sleep 1
echo late >int/late.txt
kill -INT "$pid"
wait "$pid"
rc=$?
if grep -q "interrupted after 0 of" int.err; then
    ok # nothing finished, so nothing was to be swapped in
elif [ "$rc" -eq 2 ] && grep -q "holds 'late.txt'" int.err && [ "$(cat int/late.txt)" = late ]; then
    ok
else
    bad "a file that appeared during the run: exit $rc, $(cat int.err)"
fi
no_leftovers "interrupted runs"

echo "cli_outdir: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
