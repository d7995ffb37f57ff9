#!/usr/bin/env bash
# run --precision METRIC=REL: replications in batches until each named
# metric's 95% CI half-width is within REL x |mean|. The stopping point is
# predicted here from a plain `run --replications 40` of the same seed (awk,
# with t quantiles from a printed table): the first batch count whose
# replications meet the target; the bytes are those replications' and do
# not depend on --jobs; the ceiling is reported and recorded; bad specs exit 2.
# usage: cli_precision_test.sh RETSIM_BINARY SOURCE_DIR [RETSIM_MPI]
. "$(dirname "$0")/cli_lib.sh" "$@"
sc="$src/scenarios/quickstart.ini"
short=(--set simulation.horizon=200d --set simulation.warmup=30d --seed 5)

# half WANT_N FILE: recovery_rate's relative 95% half-width over the first
# WANT_N replications of summary.csv FILE (one kind: a row each)
half() {
    awk -F, -v n="$1" '
        BEGIN { split("12.7062 4.3027 3.1824 2.7764 2.5706 2.4469 2.3646 2.3060 2.2622 2.2281 " \
                      "2.2010 2.1788 2.1604 2.1448 2.1314 2.1199 2.1098 2.1009 2.0930 2.0860 " \
                      "2.0796 2.0739 2.0687 2.0639 2.0595 2.0555 2.0518 2.0484 2.0452 2.0423 " \
                      "2.0395 2.0369 2.0345 2.0322 2.0301 2.0281 2.0262 2.0244 2.0227", t, " ") }
        NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
        $c["replication"] < n { x = $c["recovery_rate"]; s += x; ss += x * x; k++ }
        END { m = s / k; sd = sqrt((ss - k * m * m) / (k - 1)); h = t[k - 1] * sd / sqrt(k)
              printf "%.10f\n", h / (m < 0 ? -m : m) }' "$2"
}

expect 0 "" -- run "$sc" "${short[@]}" --replications 40 -j2 --out "$work/plain"
# the target: just above the half-width after 4 batches of 5, so it holds by
# then; the first batch count where it holds is the prediction
rel=$(awk -v h="$(half 20 "$work/plain/summary.csv")" 'BEGIN { printf "%.10f", h * 1.0001 }')
want=0
for b in 1 2 3 4; do
    h=$(half $((5 * b)) "$work/plain/summary.csv")
    if awk -v h="$h" -v r="$rel" 'BEGIN { exit !(h <= r) }'; then want=$b; break; fi
done
if [ "$want" -ge 2 ]; then ok; else bad "precision: the target $rel holds after $want batches: not a test of batching"; fi
n=$((5 * want))
echo "cli_precision: target $rel, predicted $want batches ($n replications)"

for j in 1 2; do
    mkdir -p "$work/j$j"
    (cd "$work/j$j" && "$bin" run "$sc" "${short[@]}" --precision recovery_rate="$rel" --replications 40 -j$j \
        --out out >stdout 2>stderr)
    rc=$?
    [ "$rc" -eq 0 ] && ok || bad "run --precision -j$j exited $rc: $(cat "$work/j$j/stderr")"
done
grep -qE "^precision: $n replications \\($want batches of 5\\): recovery_rate ±" "$work/j1/stderr" && ok ||
    bad "precision report, want $n replications ($want batches): $(cat "$work/j1/stderr")"
grep -qx "precision_reached = yes" "$work/j1/out/manifest" && ok || bad "manifest: precision_reached = yes"
grep -qx "precision_replications = $n" "$work/j1/out/manifest" && ok || bad "manifest: precision_replications = $n"
grep -qx "precision_batches = $want" "$work/j1/out/manifest" && ok || bad "manifest: precision_batches = $want"
grep -qx "replications = $n of $n" "$work/j1/out/manifest" && ok || bad "manifest: replications = $n of $n"
# the rows are the plain run's first n replications
awk -F, -v n="$n" 'NR == 1 || $2 < n' "$work/plain/summary.csv" | cmp -s - "$work/j1/out/summary.csv" && ok ||
    bad "summary.csv is not the plain run's first $n replications"
# any --jobs: the same bytes (the manifests differ in the command line's -j only)
for f in "$work"/j1/out/*; do
    name=$(basename "$f")
    if [ "$name" = manifest ]; then
        cmp -s <(grep -v '^command_line' "$f") <(grep -v '^command_line' "$work/j2/out/$name")
    else
        cmp -s "$f" "$work/j2/out/$name"
    fi && ok || bad "-j1 and -j2 differ in $name"
done

# under mpirun (a build with MPI: the third argument ON) 2 ranks stop at the
# same replication and write the same bytes; rank 0 alone writes
if [ "${3:-OFF}" = ON ] && command -v mpirun >/dev/null; then
    # as root Open MPI needs these; its allocations outlive MPI_Finalize (see cli_mpi_test.sh)
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    mkdir -p "$work/m2"
    (cd "$work/m2" && ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 timeout 300 mpirun -n 2 "$bin" run "$sc" "${short[@]}" --precision recovery_rate="$rel" \
        --replications 40 -j1 --out out >stdout 2>stderr)
    rc=$?
    [ "$rc" -eq 0 ] && ok || bad "mpirun -n 2 run --precision exited $rc: $(head -c 600 "$work/m2/stderr")"
    for f in "$work"/j1/out/*; do
        name=$(basename "$f")
        if [ "$name" = manifest ]; then
            cmp -s <(grep -v '^command_line' "$f") <(grep -v '^command_line' "$work/m2/out/$name")
        else
            cmp -s "$f" "$work/m2/out/$name"
        fi && ok || bad "mpirun -n 2 and one process differ in $name"
    done
fi

# the ceiling: an impossible target stops at --replications, the last batch
# cut short (5 + 2), with a warning, exit 0 and the outputs
expect 0 "precision target not reached within --replications 7" -- run "$sc" "${short[@]}" \
    --precision recovery_rate=1e-9 --replications 7 --out "$work/ceiling"
grep -q "^precision: 7 replications (2 batches of 5)" "$work/stderr" && ok || bad "ceiling report: $(cat "$work/stderr")"
grep -qx "precision_reached = no" "$work/ceiling/manifest" && ok || bad "ceiling: precision_reached = no"
[ "$(awk -F, 'NR > 1' "$work/ceiling/summary.csv" | wc -l)" -eq 7 ] && ok || bad "ceiling: 7 rows"
# --batch 10 and a percentage: one batch of 10 for a loose target
expect 0 "^precision: 10 replications \\(1 batch of 10\\)" -- run "$sc" "${short[@]}" \
    --precision recovery_rate=50% --batch 10 --out "$work/b10"
grep -qx "precision = recovery_rate=0.5" "$work/b10/manifest" && ok || bad "manifest: precision = recovery_rate=0.5"

# bad specs and combinations: usage errors, nothing run
expect 2 "did you mean recovery_rate" -- run "$sc" --precision recovery_rat=1% --out "$work/x"
expect 2 "relative precision > 0" -- run "$sc" --precision recovery_rate=0 --out "$work/x"
expect 2 "relative precision > 0" -- run "$sc" --precision recovery_rate=-1% --out "$work/x"
expect 2 "METRIC=REL" -- run "$sc" --precision recovery_rate --out "$work/x"
expect 2 "named twice" -- run "$sc" --precision recovery_rate=1%,recovery_rate=2% --out "$work/x"
expect 2 "batch" -- run "$sc" --precision recovery_rate=1% --batch 1 --out "$work/x"
expect 2 "--batch is for --precision" -- run "$sc" --batch 5 --out "$work/x"
expect 2 "replications" -- run "$sc" --precision recovery_rate=1% --replications 1 --out "$work/x"
expect 2 "single run" -- run "$sc" --precision recovery_rate=1% --events --out "$work/x"
[ ! -e "$work/x" ] && ok || bad "a refused --precision wrote $work/x"

echo "cli_precision: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
