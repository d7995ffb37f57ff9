#!/usr/bin/env bash
# The documents' commands work as printed. Every line inside a ``` block of
# README.md, docs/*.md (but the tutorial: cli_tutorial runs it), scenarios/README.md and scenarios/traces/README.md, and
# every comment line of a scenario header, that starts with `build/retsim ` or
# `analysis/` is run, in document order, from a scratch copy of the repository
# root after the quick start's own commands (those of quickstart.sh), with the
# real binary as build/retsim (`analysis/` followed by a space is the Layout
# block's folder list, not a command). Each must exit 0, unless the document
# marks it with a trailing `# exits N: TEXT`: then it must exit N and say TEXT
# on stderr (so that it fails for the reason the document gives, not because,
# say, out/ already holds other runs). The README's compare table must name
# the metrics a real compare prints, in the same order.
# usage: cli_docs_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

repo=$work/repo
mkdir -p "$repo/build"
cp -r "$src/scenarios" "$src/analysis" "$src/bench" "$repo/"
mkdir -p "$repo/tests" && cp -r "$src/tests/data" "$repo/tests/"
ln -s "$bin" "$repo/build/retsim"

# commands FILE...: the command lines of code blocks (a trailing \ joins the
# next line), one per line, as "FILE<TAB>COMMAND".
commands() {
    awk '
        FNR == 1 { fence = 0; cont = "" }
        /^```/ { fence = !fence; next }
        {
            line = $0
            if (FILENAME ~ /\.ini$/) {                  # scenario headers: comment lines
                if (line !~ /^;/) { next }
                sub(/^;[ \t]*/, "", line)
            } else if (FILENAME !~ /\.sh$/ && !fence) {
                next
            }
            if (cont != "") { line = cont " " line; sub(/^[ \t]+/, "", line) }
            if (line ~ /\\$/) { sub(/[ \t]*\\$/, "", line); cont = line; next }
            cont = ""
            if (line ~ /^(build\/retsim |analysis\/[^ \t])/) { print FILENAME "\t" line }
        }' "$@"
}

# Commands whose full run would take most of the time budget get a shortening
# override appended here, not in the document (the document shows what a user
# should run; the last --replications given wins). The sweep: 6 points x 10
# replications of apim.ini are 60 two-year runs (about 20 s); 2 per point
# exercise the same code and plot-sweep. The apim compare: 20 runs (about 10
# s); 3 pairs print the same table, and only its metric names are checked.
shorten() {
    case "$1" in
    "build/retsim sweep scenarios/apim.ini "*) echo " --replications 2" ;;
    "build/retsim compare scenarios/apim.ini "*) echo " --replications 3" ;;
    esac
}

cd "$src" || exit 1
# docs/tutorial.md is cli_tutorial's: it runs every command there and checks its output
docs=(README.md scenarios/README.md scenarios/traces/README.md)
for d in docs/*.md; do
    [ "$d" = docs/tutorial.md ] || docs+=("$d")
done
list=$work/commands.tsv
{
    commands quickstart.sh
    commands "${docs[@]}"
    commands scenarios/*.ini
} >"$list"

n=0
compare_out=""
while IFS=$'\t' read -r file cmd; do
    n=$((n + 1))
    want=0 why=""
    if [[ $cmd =~ \#[[:space:]]*exits[[:space:]]+([0-9]+):?[[:space:]]*(.*)$ ]]; then
        want=${BASH_REMATCH[1]} why=${BASH_REMATCH[2]}
    fi
    cmd=${cmd%%#*}                                          # the comment is not part of the command
    cmd="${cmd%"${cmd##*[![:space:]]}"}$(shorten "$cmd")"
    (cd "$repo" && bash -c "$cmd" </dev/null >"$work/stdout.$n" 2>"$work/stderr.$n")
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        bad "$file: '$cmd' exited $rc, expected $want: $(head -c 400 "$work/stderr.$n")"
    elif [ "$want" -ne 0 ] && { [ -z "$why" ] || ! grep -qF -- "$why" "$work/stderr.$n"; }; then
        bad "$file: '$cmd' exited $rc but stderr does not say '$why': $(head -c 400 "$work/stderr.$n")"
    else
        ok
    fi
    case "$cmd" in
    "build/retsim compare scenarios/apim.ini "*) compare_out=$work/stdout.$n ;;
    esac
done <"$list"

# Enough was found: the quick start (3), the compare, the sweep and its chart at
# the least. A broken extraction must not pass by finding nothing.
if [ "$n" -ge 10 ]; then ok; else bad "only $n commands found in the documents"; fi
for want in "build/retsim compare scenarios/apim.ini" "build/retsim sweep " "analysis/plot-sweep " \
    "# exits 2: "; do
    if grep -qF -- "$want" "$list"; then ok; else bad "no '$want' command found in the documents"; fi
done

# The README's compare table: its metric column, against a real run's.
metrics() { awk '/^  metric /{on = 1; next} on && /^  [a-z_0-9]+ /{print $1} on && !/^  /{exit}' "$1"; }
awk 'blk && /^```/ {exit} blk {print} /^apim — B minus A/ && prev ~ /^```/ {blk = 1} {prev = $0}' README.md \
    >"$work/readme_table"
metrics "$work/readme_table" >"$work/readme_metrics"
if [ -z "$compare_out" ]; then
    bad "README.md has no 'build/retsim compare scenarios/apim.ini' command"
elif ! [ -s "$work/readme_metrics" ]; then
    bad "README.md has no compare table (a block starting 'apim — B minus A')"
else
    metrics "$compare_out" >"$work/run_metrics"
    if cmp -s "$work/readme_metrics" "$work/run_metrics"; then
        ok
    else
        bad "README compare table's metrics differ from a real run's: $(diff "$work/readme_metrics" "$work/run_metrics" | tr '\n' ' ')"
    fi
fi

echo "cli_docs: $passed passed, $failed failed ($n commands)"
[ "$failed" -eq 0 ]
