#!/usr/bin/env bash
# MPI (retsim/ranks.h): run --replications, sweep and compare under mpirun
# write the same bytes as one process, for 2 and 3 ranks and 1 and 2 threads
# a rank; a task failing on another rank fails the run (exit 1, its message,
# nothing written) without a hang; SIGINT to mpirun keeps finished tasks.
# Registered only in a build with MPI (-DRETSIM_MPI=ON).
# As root, Open MPI's mpirun refuses to start without --allow-run-as-root or
# these two variables; -n 3 on 2 cores needs --oversubscribe.
# usage: cli_mpi_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
export OMPI_MCA_rmaps_base_oversubscribe=1 # -n 3 on 2 cores
# Under -DRETSIM_SANITIZE Open MPI's own allocations outlive MPI_Finalize (in
# plugins it has unloaded by then, so no suppression can name them): leak
# checking is off for this script; AddressSanitizer's other checks stay on,
# and the other tests check retsim's own leaks.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
command -v mpirun >/dev/null || { echo "FAIL: mpirun not found (Debian: openmpi-bin)"; exit 1; }
S="$src/scenarios"
short=(--set simulation.horizon=60d --set simulation.warmup=0)
cases=(
    "run:run $S/apim.ini --replications 6 ${short[*]}"
    "sweep:sweep $S/apim.ini --vary policy.apim.retention=24h,7d --replications 3 ${short[*]}"
    "compare:compare $S/apim.ini --set-a policy.apim.retention=24h --set-b policy.apim.retention=7d --replications 4 ${short[*]}"
)

# one DIR NAME LAUNCH... -- ARGS: in DIR (the same --out name everywhere, so
# the manifests' command lines match), LAUNCH retsim ARGS --out out
one() {
    local dir=$1
    shift
    local launch=()
    while [ "$1" != "--" ]; do launch+=("$1"); shift; done
    shift
    mkdir -p "$dir"
    (cd "$dir" && timeout 120 "${launch[@]}" "$bin" "$@" --out out >stdout 2>stderr)
}

for c in "${cases[@]}"; do
    name=${c%%:*}
    read -r -a args <<<"${c#*:}"
    for j in 1 2; do # the manifest records --jobs: each against the one process with the same
        one "$work/$name/single-j$j" -- "${args[@]}" --jobs "$j" || bad "$name: one process failed: $(cat "$work/$name/single-j$j/stderr")"
    done
    for n in 2 3; do
        for j in 1 2; do
            d="$work/$name/n$n-j$j"
            base="$work/$name/single-j$j"
            if ! one "$d" mpirun -n "$n" -- "${args[@]}" --jobs "$j"; then
                bad "$name: mpirun -n $n --jobs $j failed: $(head -c 400 "$d/stderr")"
                continue
            fi
            same=true
            for f in "$base/out"/*; do
                cmp -s "$f" "$d/out/$(basename "$f")" || { same=false; bad "$name -n $n --jobs $j: $(basename "$f") differs"; }
            done
            [ "$(ls "$base/out")" = "$(ls "$d/out")" ] || { same=false; bad "$name -n $n: other files"; }
            cmp -s "$base/stdout" "$d/stdout" || { same=false; bad "$name -n $n --jobs $j: stdout differs"; }
            $same && ok
        done
    done
done
# the outputs were compared at all: the single runs wrote them
[ -s "$work/run/single-j1/out/summary.csv" ] && [ -s "$work/sweep/single-j1/out/sweep.csv" ] &&
    [ -s "$work/compare/single-j1/out/compare.csv" ] && ok || bad "the single-process runs wrote no outputs"

# more threads than tasks (rank 0's idle threads finish at once): no hang, the same bytes
read -r -a args <<<"run $S/apim.ini --replications 2 ${short[*]} --jobs 3"
one "$work/few/single" -- "${args[@]}" && one "$work/few/n3" mpirun -n 3 -- "${args[@]}" &&
    diff -r "$work/few/single/out" "$work/few/n3/out" >/dev/null && ok || bad "2 tasks on 3 ranks x 3 threads"

# a task failing on rank 1 (the test hook of retsim/ranks.h): exit 1 with that task's message, nothing written
d="$work/fault"
read -r -a args <<<"${cases[1]#*:}"
RETSIM_MPI_FAIL_RANK=1 one "$d" mpirun -x RETSIM_MPI_FAIL_RANK -n 2 -- "${args[@]}" --jobs 1
rc=$?
[ "$rc" -eq 1 ] && ok || bad "a task failing on rank 1: mpirun exited $rc, expected 1: $(head -c 400 "$d/stderr")"
grep -qE "task [0-9]+ failed on rank 1" "$d/stderr" && ok || bad "the failing task's message: $(head -c 400 "$d/stderr")"
[ ! -e "$d/out" ] && ok || bad "a failed run wrote $d/out"

# SIGINT to mpirun: the root writes the replications that finished and exits 1
d="$work/sigint"
mkdir -p "$d"
(cd "$d" && exec mpirun -n 2 "$bin" run "$S/apim.ini" --replications 400 --set simulation.horizon=120d \
    --set simulation.warmup=0 --jobs 1 --out out >stdout 2>stderr) &
pid=$!
for _ in $(seq 1 100); do # until the run is under way (both ranks started)
    [ "$(pgrep -c -P "$pid" || true)" -ge 2 ] && break
    sleep 0.1
done
sleep 2
kill -INT "$pid"
timeout 60 tail --pid="$pid" -f /dev/null
wait "$pid"
rc=$?
[ "$rc" -eq 1 ] && ok || bad "SIGINT: mpirun exited $rc, expected 1: $(head -c 400 "$d/stderr")"
grep -q "interrupted after" "$d/stderr" && ok || bad "SIGINT: no 'interrupted after' message: $(head -c 400 "$d/stderr")"
reps=$(awk -F, 'NR > 1 { print $1 }' "$d/out/outcomes.csv" 2>/dev/null | sort -u | wc -l)
[ "$reps" -ge 1 ] && [ "$reps" -lt 400 ] && ok || bad "SIGINT: $reps replications written, expected some but not all 400"

echo "cli_mpi: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
