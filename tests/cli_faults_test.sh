#!/usr/bin/env bash
# End-to-end fault tests (issue 10, items 3-7): --trace-out never replaces
# what is not a regular file; outputs never share a name; a rename failing at
# any step leaves DIR and the trace byte for byte as they were (or wholly
# new); SIGTERM, SIGHUP and SIGINT clean up and exit 1 in run and replay; a
# kill -9 run's temporaries are removed by the next run, and nothing else; a
# full disk is reported with the file and "No space left on device".
# usage: cli_faults_test.sh RETSIM_BINARY SOURCE_DIR SHIM_LIBRARY
. "$(dirname "$0")/cli_lib.sh" "$@"
shim=$(cd "$(dirname "$3")" && pwd)/$(basename "$3")
# an ASan build must let the shim come first in the preload list
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

# Names, modes, sizes and bytes of everything in a folder, hidden files included.
snapshot() { (cd "$1" && find . -printf '%p %m %s\n' | sort && find . -type f | sort | xargs cat) | md5sum; }
# No temporary of any command is left in $work: DIR.tmp-*, DIR.old-*, .NAME.tmp-*.
no_leftovers() {
    local left
    left=$(ls -A "$work" | grep -E '\.(tmp|old)-' | paste -sd' ' -)
    if [ -z "$left" ]; then ok; else bad "$1: left behind: $left"; fi
}
# A pid that no process has now.
dead_pid() { sh -c 'exit 0' & local p=$!; wait "$p"; echo "$p"; }

# the quick start without its year of warm-up, so that short runs (--set "$short") are valid
q="$work/quickstart.ini"
sed 's/^warmup = 365d$/warmup = 0/' "$src/scenarios/quickstart.ini" >"$q"
grep -q '^warmup = 0$' "$q" || { echo "FAIL: no 'warmup = 365d' line in quickstart.ini to replace"; exit 1; }
apim="$src/scenarios/apim.ini"
short="simulation.horizon=20d"
cd "$work" || exit 1

# --- item 3: --trace-out onto what is not a regular file: refused before the run, left alone ---
mkfifo fifo
echo kept >target.csv
ln -s target.csv link.csv
ln -s /dev/null null-link
mkdir folder
expect 2 "fifo: '--trace-out': is a FIFO; .*replaces only regular files" -- run "$q" --out o --trace-out fifo --set "$short"
fifo_refused=$([ -p fifo ] && echo yes)
expect 2 "link.csv: '--trace-out': is a symbolic link \(retsim does not follow it: name its target\)" -- run "$q" --out o --trace-out link.csv --set "$short"
expect 2 "null-link: '--trace-out': is a symbolic link" -- run "$q" --out o --trace-out null-link --set "$short"
expect 2 "folder: '--trace-out': is a folder" -- run "$q" --out o --trace-out folder --set "$short"
if [ -p fifo ] && [ -L link.csv ] && [ "$(cat target.csv)" = kept ] && [ -L null-link ] && [ -d folder ]; then ok; else bad "a refused --trace-out target was changed"; fi
if [ ! -e o ]; then ok; else bad "a refused --trace-out still wrote --out"; fi
# /dev/full only once a FIFO is known to be refused: the unfixed tool renamed a file over it
if [ "$fifo_refused" = yes ] && [ -c /dev/full ]; then
    expect 2 "/dev/full: '--trace-out': is a device" -- run "$q" --out o --trace-out /dev/full --set "$short"
    if [ -c /dev/full ]; then ok; else bad "/dev/full is no longer a device"; fi
fi
# the target of a link, named, is a regular file: replaced, the link still points at it
expect 0 "" -- run "$q" --out o --trace-out "$(readlink -f link.csv)" --set "$short"
if [ -L link.csv ] && head -1 target.csv | grep -q '^time,op,kind'; then ok; else bad "the link's target was not written"; fi
no_leftovers "refused traces"

# --- item 4: no two outputs of a run share a name, however the path is spelled ---
rm -rf o
for spelling in new/summary.csv ./new/summary.csv new//summary.csv new/./summary.csv; do
    expect 2 "cannot write 'summary.csv' here: that is already one of this command's outputs" -- run "$q" --out new --trace-out "$spelling" --set "$short"
done
expect 2 "'--trace-out': is the --out folder itself" -- run "$q" --out new --trace-out ./new --set "$short"
if [ ! -e new ]; then ok; else bad "a refused run created its --out"; fi
expect 0 "" -- run "$q" --out new --trace-out ./new/trace.csv --set "$short"
if grep -qx trace.csv new/.retsim-files && [ -s new/trace.csv ]; then ok; else bad "./new/trace.csv is not one of new's files"; fi
no_leftovers "colliding outputs"

# --- item 5: a rename failing at any step: all or nothing, for the folder and a trace outside it ---
run_new() { "$bin" run "$q" --out o --trace-out t.csv --seed 2 --set "$short" >/dev/null 2>"$work/stderr"; }
"$bin" run "$q" --out o --trace-out t.csv --seed 2 --set "$short" >/dev/null 2>&1
new_dir=$(snapshot o) new_trace=$(md5sum <t.csv)
for exchange in yes no; do
    failures=0 successes=0
    for n in $(seq 1 12); do
        "$bin" run "$q" --out o --trace-out t.csv --seed 1 --set "$short" >/dev/null 2>&1
        old_dir=$(snapshot o) old_trace=$(md5sum <t.csv)
        no_x=$([ $exchange = no ] && echo 1 || echo 0)
        LD_PRELOAD="$shim" RETSIM_SHIM_FAIL_RENAME=$n RETSIM_SHIM_NO_EXCHANGE=$no_x run_new
        rc=$?
        if [ $rc -eq 1 ] && [ "$(snapshot o)" = "$old_dir" ] && [ "$(md5sum <t.csv)" = "$old_trace" ] &&
            grep -q "Input/output error" "$work/stderr"; then
            failures=$((failures + 1))
        elif [ $rc -eq 0 ] && [ "$(snapshot o)" = "$new_dir" ] && [ "$(md5sum <t.csv)" = "$new_trace" ]; then
            successes=$((successes + 1))
        else
            bad "rename $n failing (exchange: $exchange): exit $rc, a mixed result: $(head -c 300 "$work/stderr")"
        fi
        no_leftovers "rename $n failing (exchange: $exchange)"
    done
    # every rename of the commit was made to fail once, and the last runs had nothing left to fail
    # (with the exchange, its failure is not one: the two-rename fallback takes over)
    want=$([ $exchange = yes ] && echo 7 || echo 9)
    if [ $failures -ge "$want" ] && [ $successes -ge 1 ]; then ok; else bad "exchange $exchange: $failures failures, $successes successes"; fi
done
# a replay into a folder that did not exist: every failure leaves no folder
for n in 1 2 3 4 5 6; do
    LD_PRELOAD="$shim" RETSIM_SHIM_FAIL_RENAME=$n "$bin" replay "$apim" "$src/scenarios/traces/apim-walkthrough.csv" --out fresh/r >/dev/null 2>&1
    rc=$?
    if { [ $rc -eq 1 ] && [ ! -e fresh ]; } || { [ $rc -eq 0 ] && [ -s fresh/r/manifest ]; }; then ok; else bad "replay with rename $n failing: exit $rc, $(find fresh 2>/dev/null | paste -sd' ' -)"; fi
    rm -rf fresh
done
no_leftovers "failing renames"

# --- item 6: SIGTERM, SIGHUP, SIGINT stop, clean up, exit 1; the folder stays as it was ---
"$bin" run "$apim" --out big --trace-out big.csv --set simulation.horizon=300d --set simulation.warmup=0 >/dev/null 2>&1
expect 0 "" -- replay "$apim" "$src/scenarios/traces/apim-walkthrough.csv" --out sig
before=$(snapshot sig)
# The trace comes through a FIFO a row every 20 ms, so the replay is still
# reading when the signal comes, however fast the build: no race with the clock.
slow_feed() {
    head -1 big.csv
    tail -n +2 big.csv | while IFS= read -r line; do
        printf '%s\n' "$line"
        sleep 0.02
    done
}
for sig in INT TERM HUP; do
    # a FIFO of its own each time: a writer of the last round may linger until SIGPIPE
    mkfifo "feed-$sig"
    slow_feed >"feed-$sig" 2>/dev/null &
    feeder=$!
    "$bin" replay "$apim" "feed-$sig" --out sig >/dev/null 2>sig.err &
    pid=$!
    sleep 1
    kill -$sig $pid
    wait $pid
    rc=$?
    kill $feeder 2>/dev/null
    wait $feeder 2>/dev/null
    if [ $rc -eq 1 ] && grep -q "interrupted: no output written" sig.err; then ok; else bad "replay, SIG$sig: exit $rc, $(head -c 300 sig.err)"; fi
    if [ "$(snapshot sig)" = "$before" ]; then ok; else bad "replay, SIG$sig: the folder changed"; fi
    no_leftovers "replay, SIG$sig"
done
for sig in TERM HUP; do
    "$bin" run "$apim" --replications 200 --jobs 1 --out sigr >/dev/null 2>sig.err &
    pid=$!
    sleep 1
    kill -$sig $pid
    wait $pid
    rc=$?
    if [ $rc -eq 1 ] && grep -q "interrupted after [0-9]* of 200" sig.err; then ok; else bad "run, SIG$sig: exit $rc, $(head -c 300 sig.err)"; fi
    no_leftovers "run, SIG$sig"
    rm -rf sigr
done

# --- item 6: after kill -9 the next run removes that run's temporaries, and nothing else ---
mkfifo feed
slow_feed >feed 2>/dev/null &
feeder=$!
"$bin" replay "$apim" feed --out k9 --set simulation.horizon=300d --set simulation.warmup=0 >/dev/null 2>&1 &
pid=$!
sleep 1
kill -KILL $pid
wait $pid 2>/dev/null
kill $feeder 2>/dev/null
wait $feeder 2>/dev/null
if ls -A | grep -qE "^k9\.tmp-$pid-[a-z0-9]{6}$"; then ok; else bad "kill -9 left no staging folder to clean up (too fast?)"; fi
dead=$(dead_pid)
mkdir "k9.old-$dead-abcdef" "k9.tmp-$$-abcdef" "k9.tmp-$dead-zzzzzz" k9.tmp-notapid
printf 'summary.csv\n' >"k9.tmp-$dead-zzzzzz/.retsim-staging"
echo mine >"k9.tmp-$dead-zzzzzz/notes.txt" # not retsim's: the folder stays
echo partial >"k9.tmp-$dead-zzzzzz/summary.csv"
printf '; written by retsim: the run and the scenario as resolved\n[run]\n' >"k9.old-$dead-abcdef/manifest"
expect 0 "" -- replay "$apim" "$src/scenarios/traces/apim-walkthrough.csv" --out k9
left=$(ls -A | grep '^k9\.' | sort | paste -sd' ' -)
want=$(printf '%s\n' "k9.tmp-$$-abcdef" "k9.tmp-$dead-zzzzzz" k9.tmp-notapid | sort | paste -sd' ' -)
if [ "$left" = "$want" ]; then ok; else bad "after kill -9, the next run left: $left (expected $want)"; fi
if [ "$(ls -A "k9.tmp-$dead-zzzzzz")" = notes.txt ]; then ok; else bad "a stale folder with a foreign file: $(ls -A "k9.tmp-$dead-zzzzzz")"; fi
rm -rf k9.tmp-* big big.csv feed feed-*
echo mine >"$work/.t.csv.tmp-$dead-qwerty.keep"
echo stale >"$work/.t.csv.tmp-$dead-qwerty"
expect 0 "" -- run "$q" --out o --trace-out t.csv --set "$short"
if [ ! -e ".t.csv.tmp-$dead-qwerty" ] && [ -e ".t.csv.tmp-$dead-qwerty.keep" ]; then ok; else bad "stale trace temporaries: $(ls -A | grep tmp)"; fi
rm -f ".t.csv.tmp-$dead-qwerty.keep"
no_leftovers "after kill -9"

# --- item 7: a full disk: the file and the system's reason, exit 1, nothing changed ---
before=$(snapshot o)
LD_PRELOAD="$shim" RETSIM_SHIM_WRITE_LIMIT=20000 "$bin" run "$q" --out o --events --set "$short" >/dev/null 2>full.err
rc=$?
if [ $rc -eq 1 ] && grep -qx "retsim: o/events.csv: cannot write: No space left on device" full.err; then ok; else bad "full disk in a run: exit $rc, $(cat full.err)"; fi
LD_PRELOAD="$shim" RETSIM_SHIM_WRITE_LIMIT=3000 "$bin" replay "$apim" "$src/scenarios/traces/apim-walkthrough.csv" --out o >/dev/null 2>full.err
rc=$?
if [ $rc -eq 1 ] && grep -qE "^retsim: o/[a-z_]+\.csv: cannot write: No space left on device$" full.err; then ok; else bad "full disk in a replay: exit $rc, $(cat full.err)"; fi
LD_PRELOAD="$shim" RETSIM_SHIM_WRITE_LIMIT=3000 "$bin" run "$q" --out o --replications 2 --set "$short" >/dev/null 2>full.err
rc=$?
if [ $rc -eq 1 ] && grep -qE "^retsim: o/[a-z_]+(\.csv)?: cannot write: No space left on device$" full.err; then ok; else bad "full disk with replications: exit $rc, $(cat full.err)"; fi
if [ "$(snapshot o)" = "$before" ]; then ok; else bad "a full disk changed the folder"; fi
if grep -qiE "success|^retsim: input/output error" full.err; then bad "a full disk reported as: $(cat full.err)"; else ok; fi
"$bin" run "$q" --out o --set "$short" --seed 5 >/dev/full 2>full.err
rc=$?
if [ $rc -eq 1 ] && grep -qx "retsim: cannot write to standard output: No space left on device" full.err; then ok; else bad "stdout on /dev/full: exit $rc, $(cat full.err)"; fi
# a real full file system, where a user namespace may mount a tmpfs
if unshare -rm true 2>/dev/null; then
    mkdir small
    unshare -rm sh -c "mount -t tmpfs -o size=64k tmpfs small && cd small &&
        '$bin' run '$q' --out o --set $short >/dev/null 2>/dev/null && (cd o && find . -type f | sort | xargs cat | md5sum) >../small.before &&
        '$bin' run '$q' --out o --events --set simulation.horizon=200d --set simulation.warmup=0 >/dev/null 2>../small.err; echo \$? >../small.rc;
        (cd o && find . -type f | sort | xargs cat | md5sum) >../small.after; ls -A >../small.ls"
    if [ "$(cat small.rc 2>/dev/null)" = 1 ] && grep -qE "^retsim: o/[a-z_]+\.csv: cannot write: No space left on device$" small.err &&
        cmp -s small.before small.after && [ "$(cat small.ls)" = o ]; then
        ok
    else
        bad "tmpfs full: exit $(cat small.rc 2>/dev/null), $(cat small.err 2>/dev/null), left: $(cat small.ls 2>/dev/null)"
    fi
    rmdir small
    rm -f small.*
else
    echo "cli_faults: no user namespaces here: the tmpfs test is skipped"
fi
rm -f full.err sig.err
no_leftovers "full disks"

echo "cli_faults: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
