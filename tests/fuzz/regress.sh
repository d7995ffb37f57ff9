#!/usr/bin/env bash
# Regression pass of one fuzz harness: every committed corpus input and every
# crash input that is fixed, each run once (no fuzzing). Crash inputs listed in
# crashes/unfixed.txt are skipped, and said so: they still crash today's code.
# usage: regress.sh HARNESS_BINARY FUZZ_SOURCE_DIR NAME   (NAME: trace, scenario, parse)
set -euo pipefail
bin=$1
src=$2
name=$3
inputs=()
while IFS= read -r -d '' f; do
    inputs+=("$f")
done < <(find "$src/corpus/$name" -type f -print0 | sort -z)
skipped=0
if [ -d "$src/crashes/$name" ]; then
    while IFS= read -r -d '' f; do
        rel=${f#"$src/crashes/"}
        if grep -qxF -- "$rel" <(sed -e 's/[[:space:]]*#.*//' -e '/^$/d' "$src/crashes/unfixed.txt" 2>/dev/null); then
            echo "skipped (unfixed, crashes/unfixed.txt): $rel"
            skipped=$((skipped + 1))
        else
            inputs+=("$f")
        fi
    done < <(find "$src/crashes/$name" -type f ! -name '*.txt' ! -name '*.md' -print0 | sort -z)
fi
if [ ${#inputs[@]} -eq 0 ]; then
    echo "no inputs for $name" >&2
    exit 1
fi
# One process runs every file in turn; any crash, leak or UBSan report fails it.
# Files go in batches so the command line stays short.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
printf '%s\0' "${inputs[@]}" | xargs -0 -n 500 "$bin" -timeout=30 -rss_limit_mb=2048 >/dev/null 2>"${TMPDIR:-/tmp}/fuzz-$name-$$.log" || {
    cat "${TMPDIR:-/tmp}/fuzz-$name-$$.log" >&2
    rm -f "${TMPDIR:-/tmp}/fuzz-$name-$$.log"
    exit 1
}
rm -f "${TMPDIR:-/tmp}/fuzz-$name-$$.log"
echo "$name: ${#inputs[@]} inputs ran clean, $skipped unfixed crash inputs skipped"
