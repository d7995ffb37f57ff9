#!/usr/bin/env bash
# A timed fuzzing campaign: each harness in turn for SECONDS (default 1200),
# one job, growing a scratch corpus seeded from corpus/<harness>. Crashes,
# timeouts and out-of-memory inputs go to OUT/<harness>/ and do not stop the
# campaign (fork mode), so one known bug does not hide the next. The last
# lines of each log give the inputs executed.
# usage: campaign.sh BUILD_DIR [SECONDS] [OUT] [HARNESS...]
#   BUILD_DIR  configured with -DCMAKE_C_COMPILER=clang -DRETSIM_FUZZ=ON
#   OUT        default fuzz-campaign/ (outside the source tree is best)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
secs=${2:-1200}
out=${3:-fuzz-campaign}
shift $(($# < 3 ? $# : 3))
harnesses=("$@")
[ ${#harnesses[@]} -gt 0 ] || harnesses=(trace scenario parse)
mkdir -p "$out"
out=$(cd "$out" && pwd)
for h in "${harnesses[@]}"; do
    mkdir -p "$out/$h/corpus" "$out/$h/artifacts"
    echo "== $h: $secs s, log in $out/$h/log"
    (cd "$out/$h" && "$build/tests/fuzz/fuzz_$h" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -dict="$here/retsim.dict" \
        -artifact_prefix="$out/$h/artifacts/" "$out/$h/corpus" "$here/corpus/$h" >"$out/$h/log" 2>&1) || true
    grep -E '^#[0-9]+:' "$out/$h/log" | tail -1 || true
    echo "   artifacts: $(find "$out/$h/artifacts" -type f | wc -l)"
done
