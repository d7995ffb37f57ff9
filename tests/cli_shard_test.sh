#!/usr/bin/env bash
# --shard K/N and retsim merge: the N part folders of run --replications, a
# sweep and a compare, merged in any order, are every file of the unsharded
# command's output folder, byte for byte (cmp); N = 1 works; parts that do not
# make one whole run (a shard missing or doubled, another seed, a changed
# scenario, a cut or corrupted tasks file) and an existing OUT without --force
# each exit 2 with a message naming what is wrong, and nothing is written.
# usage: cli_shard_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

S=$src/scenarios/quickstart.ini
X0=(--set simulation.horizon=120d --set simulation.warmup=20d)
X=("${X0[@]}" -q)
RUN=(run "$S" --replications 5 "${X[@]}")
SWEEP=(sweep "$S" --vary policy.apim.retention=24h,48h,7d --replications 2 "${X[@]}")
CMP=(compare "$S" --set-a policy.apim.retention=48h --set-b policy.apim.retention=7d --replications 3 "${X[@]}")
mkdir -p "$work/ref" "$work/parts"
cd "$work/ref" || exit 1

# same_folder A B: the same file names (hidden ones too), every file cmp-identical
same_folder() {
    local a=$1 b=$2 f
    if [ "$(cd "$a" && find . -type f | sort)" != "$(cd "$b" && find . -type f | sort)" ]; then
        bad "$a and $b hold different files: $(cd "$a" && find . -type f | sort | tr '\n' ' ') vs $(cd "$b" && find . -type f | sort | tr '\n' ' ')"
        return
    fi
    for f in $(cd "$a" && find . -type f | sort); do
        if ! cmp -s "$a/$f" "$b/$f"; then
            bad "$b/$f differs from the unsharded $a/$f: $(diff "$a/$f" "$b/$f" | head -4)"
            return
        fi
    done
    ok
}

# The unsharded outputs, each written as --out NAME from $work/ref.
"$bin" "${RUN[@]}" --out run >/dev/null 2>&1 && ok || bad "unsharded run failed"
"$bin" "${SWEEP[@]}" --out sweep >/dev/null && ok || bad "unsharded sweep failed"
"$bin" "${CMP[@]}" --out cmp >/dev/null && ok || bad "unsharded compare failed"

cd "$work/parts" || exit 1
for k in 1 2 3; do
    "$bin" "${RUN[@]}" --shard "$k/3" --out "r$k" >/dev/null || bad "run --shard $k/3 failed"
    "$bin" "${SWEEP[@]}" --shard="$k/3" --out "s$k" >/dev/null || bad "sweep --shard=$k/3 failed"
    "$bin" "${CMP[@]}" --out "c$k" --shard "$k/3" >/dev/null || bad "compare --shard $k/3 failed"
done
# A part holds its shard's tasks only: 5 replications, t mod 3 = K - 1, are
# {0, 3}, {1, 4} and {2}; a part's tasks file has no outputs beside it.
for k in 1 2 3; do
    want=$([ $k -eq 3 ] && echo 1 || echo 2)
    "$bin" run "$S" --replications 5 "${X0[@]}" --shard "$k/3" --out "$work/count" >/dev/null 2>"$work/note"
    grep -q "shard $k/3: $want of 5 tasks" "$work/note" && ok || bad "shard $k/3 of 5: $(cat "$work/note")"
done
[ ! -e r1/summary.csv ] && [ -s r1/tasks.bin ] && [ -s r1/shard ] && ok || bad "r1 is not a part folder: $(ls r1)"
grep -q '^shard = 2/3$' s2/shard && grep -q '^tasks = 6$' s2/shard && grep -q '^vary.1 = policy.apim.retention=24h,48h,7d$' s2/shard &&
    ok || bad "s2/shard does not say what run it is part of: $(cat s2/shard)"

# Merged in any order: the unsharded bytes, every file.
"$bin" merge r2 r3 r1 -o run -q && ok || bad "merge of the run's parts failed"
same_folder "$work/ref/run" run
"$bin" merge s3 s1 s2 -o sweep -q && ok || bad "merge of the sweep's parts failed"
same_folder "$work/ref/sweep" sweep
"$bin" merge c1 c3 c2 -o cmp -q && ok || bad "merge of the compare's parts failed"
same_folder "$work/ref/cmp" cmp
# --force replaces a merged folder, in yet another order, with the same bytes.
"$bin" merge r3 r2 r1 -o run --force -q && ok || bad "merge --force failed"
same_folder "$work/ref/run" run

# N = 1: one part, the whole run.
mkdir -p "$work/one" && cd "$work/one" || exit 1
"$bin" "${SWEEP[@]}" --shard 1/1 --out p >/dev/null && ok || bad "sweep --shard 1/1 failed"
"$bin" merge p -o sweep -q && ok || bad "merge of one part failed"
same_folder "$work/ref/sweep" sweep
cd "$work/parts" || exit 1

# nothing_written OUT: no OUT and no staging folder beside it
nothing_written() {
    if [ -e "$1" ] || compgen -G "$1.tmp-*" >/dev/null; then bad "a refused merge wrote $1: $(ls -d "$1"*)"; else ok; fi
}
expect 2 "shard 3/3 is missing" -- merge r1 r2 -o bad
nothing_written bad
expect 2 "r1: shard 1/3 given twice" -- merge r1 r2 r3 r1 -o bad
nothing_written bad
"$bin" "${RUN[@]}" --seed 7 --shard 2/3 --out seed7 >/dev/null
expect 2 "seed7: not part of the same run as r1: .*seed = 7" -- merge r1 seed7 r3 -o bad
nothing_written bad
"$bin" "${RUN[@]}" --shard 2/4 --out of4 >/dev/null
expect 2 "of4: not part of the same run as r1: split into 4 shards, not 3" -- merge r1 of4 r3 -o bad
nothing_written bad
# A changed scenario: the same command line on an edited file.
cp "$S" "$work/s.ini"
EDIT=(run "$work/s.ini" --replications 5 "${X[@]}")
for k in 1 2 3; do "$bin" "${EDIT[@]}" --shard "$k/3" --out "e$k" >/dev/null; done
sed -i 's|^arrivals = 100/d|arrivals = 90/d|' "$work/s.ini"
grep -q '^arrivals = 90/d' "$work/s.ini" && ok || bad "could not edit the scenario copy"
"$bin" "${EDIT[@]}" --shard 2/3 --out e2new >/dev/null
expect 2 "e2new: not part of the same run as e1: the resolved scenario" -- merge e1 e2new e3 -o bad
nothing_written bad
expect 2 "s.ini resolves differently now than when e1 ran" -- merge e1 e2 e3 -o bad
nothing_written bad
# A cut or corrupted tasks file.
cp -r r2 cut && truncate -s -10 cut/tasks.bin
expect 2 "cut/tasks.bin: cut short" -- merge r1 cut r3 -o bad
nothing_written bad
cp -r r2 flip && printf '\x00\xff' | dd of=flip/tasks.bin bs=1 seek=100 conv=notrunc status=none
cmp -s r2/tasks.bin flip/tasks.bin && bad "the flip changed nothing" || ok
expect 2 "flip/tasks.bin: task 1's bytes do not match their checksum" -- merge r1 flip r3 -o bad
nothing_written bad
cp -r r2 short && truncate -s 8 short/tasks.bin
expect 2 "short: task 1 of shard 2/3 is missing" -- merge r1 short r3 -o bad
nothing_written bad
expect 2 "not-there/shard: cannot read" -- merge r1 not-there r3 -o bad
nothing_written bad
# OUT exists: refused without --force, untouched.
before=$(find run -type f -exec sha256sum {} + | sort)
expect 2 "run exists; give --force" -- merge r1 r2 r3 -o run
[ "$(find run -type f -exec sha256sum {} + | sort)" = "$before" ] && ok || bad "a refused merge changed run/"
# Bad --shard values and a single run.
expect 2 "takes K/N" -- "${RUN[@]}" --shard 2-3 --out x
expect 2 "1 <= K <= N" -- "${RUN[@]}" --shard 4/3 --out x
expect 2 "1 <= K <= N" -- "${RUN[@]}" --shard 0/3 --out x
expect 2 "splits --replications" -- run "$S" "${X[@]}" --shard 1/2 --out x
expect 2 "give the output folder" -- merge r1 r2 r3

echo "cli_shard: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
