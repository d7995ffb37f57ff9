#!/usr/bin/env bash
# Seed inputs for the fuzz harnesses, from the repository's own files:
#   trace     every trace in tests/golden/ and scenarios/traces/, and a short generated one
#   scenario  every scenario in scenarios/, bench/ and tests/golden/
#   parse     'd' durations, 't' timestamps, 'x' distribution specs, 's'/'S' --set
#             overrides, taken from those files' values
# usage: seed.sh SOURCE_DIR OUT_DIR [RETSIM_BINARY]
# The committed corpora (corpus/) are these seeds plus what campaigns found,
# minimised with -merge=1 (README.md).
set -euo pipefail
src=$1
out=$2
bin=${3:-}
mkdir -p "$out/trace" "$out/scenario" "$out/parse"
n=0
for f in "$src"/tests/golden/*/trace.csv "$src"/scenarios/traces/*.csv; do
    cp "$f" "$out/trace/seed-$(basename "$(dirname "$f")")-$(basename "$f")"
done
if [ -n "$bin" ]; then
    tmp=$(mktemp -d)
    "$bin" run "$src/scenarios/quickstart.ini" --set simulation.horizon=2d --set simulation.warmup=0 \
        --out "$tmp/out" --trace-out "$tmp/generated.csv" >/dev/null
    cp "$tmp/generated.csv" "$out/trace/seed-generated-quickstart-2d.csv"
    rm -rf "$tmp"
fi
for f in "$src"/scenarios/*.ini "$src"/bench/*.ini "$src"/tests/golden/*/scenario.ini; do
    cp "$f" "$out/scenario/seed-$(basename "$f")"
done
put() { # MODE TEXT
    n=$((n + 1))
    printf '%s%s' "$1" "$2" >"$out/parse/seed-$n"
}
# durations and timestamps: the time column of every trace
for t in $(cut -d, -f1 "$src"/tests/golden/*/trace.csv "$src"/scenarios/traces/*.csv | grep -v '^time$' | sort -u); do
    case $t in
    *T*) put t "$t" ;;
    *) put d "$t" ;;
    esac
done
put d "106751991167d7h12m55s807ms"
put d "9223372036854775807ms"
put t "2024-11-24 19:40:50+00:00"
put t "2026-03-01T10:00:00.123Z"
# every key = value of the quickstart scenario as an override; distribution specs as they are
section=
while IFS= read -r line; do
    case $line in
    \[*\]) section=${line#[}; section=${section%]} ;;
    *=*)
        key=$(sed 's/ *=.*//' <<<"$line")
        value=$(sed 's/^[^=]*= *//' <<<"$line")
        [ "$section" = scenario ] || put s "$section.$key=$value"
        case $value in
        *\(*\)) put x "$value" ;;
        esac
        ;;
    esac
done < <(grep -hv '^;' "$src"/scenarios/quickstart.ini "$src"/scenarios/compute-gallery.ini)
put x "empirical(e.csv)"
put x "uniform(min=1h, max=3h)"
put x "gamma(shape=2, scale=12h)"
put S "simulation.horizon = 3d
simulation.warmup = 0
policy.apim.retention=7d"
echo "seeds: $(ls "$out/trace" | wc -l) trace, $(ls "$out/scenario" | wc -l) scenario, $(ls "$out/parse" | wc -l) parse"
