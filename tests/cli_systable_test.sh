#!/usr/bin/env bash
# `retsim systems`: the table of every bundled scenario's rules, and
# docs/systems.md, which is that table in markdown under a hand-written intro.
# The document is regenerated here from scenarios/*.ini of the source tree and
# must match: whoever adds or changes a scenario reruns, from the repository
# root,   bash tests/cli_systable_test.sh build/retsim . --update
# usage: cli_systable_test.sh RETSIM_BINARY SOURCE_DIR [--update]
. "$(dirname "$0")/cli_lib.sh" "$@"

export LC_ALL=C # the glob's order, and so the rows', is the same everywhere
doc=$src/docs/systems.md
marker='^<!-- generated:'
update="bash tests/cli_systable_test.sh build/retsim . --update"

# The document as it must be: its intro up to the marker line, a blank line,
# then the markdown table of scenarios/*.ini (named relative to the root).
expected_doc() {
    sed -n "1,/$marker/p" "$doc"
    echo
    (cd "$src" && "$bin" systems --format markdown scenarios/*.ini)
}

if [ "${3:-}" = "--update" ]; then
    expected_doc >"$work/systems.md" && mv "$work/systems.md" "$doc" && echo "updated $doc"
    exit
fi

# 1. docs/systems.md is the table of today's scenarios.
if ! grep -q "$marker" "$doc"; then
    bad "docs/systems.md has no '<!-- generated:' line"
elif expected_doc >"$work/want.md" && cmp -s "$work/want.md" "$doc"; then
    ok
else
    bad "docs/systems.md is not the table of scenarios/*.ini; update it with
    $update
$(diff "$doc" "$work/want.md" | head -20)"
fi

# 2. A bad file: exit 2, its file:line on stderr, nothing on stdout, even when
# a good file comes first.
printf '[scenario]\nname = bad\n[policy.x]\nretention = soon\n' >"$work/bad.ini"
expect 2 "bad\.ini:4" -- systems "$src/scenarios/apim.ini" "$work/bad.ini"
if [ -s "$work/stdout" ]; then bad "systems with a bad file printed on stdout"; else ok; fi
expect 2 "missing\.ini" -- systems "$work/missing.ini"
if [ -s "$work/stdout" ]; then bad "systems with a missing file printed on stdout"; else ok; fi
expect 2 "--format is text, markdown or csv" -- systems --format html "$src/scenarios/apim.ini"
expect 2 "at least one scenario" -- systems
expect 0 "" -- systems --help
if grep -q "usage: retsim systems" "$work/stdout"; then ok; else bad "systems --help prints no usage"; fi

# The kinds of every bundled scenario, worked out from the files themselves:
# "name<TAB>kind" per [policy.<kind>] section, in file order, each once.
kinds() {
    for f in "$src"/scenarios/*.ini; do
        awk '/^name *=/ && !name { sub(/^name *= */, ""); name = $0 }
             /^\[policy\./ { k = $0; gsub(/^\[policy\.|\]$/, "", k); if (!(k in seen)) { seen[k]; order[++n] = k } }
             END { for (i = 1; i <= n; i++) print name "\t" order[i] }' "$f"
    done
}
kinds >"$work/kinds"
nk=$(wc -l <"$work/kinds")

# 3. The markdown table is well formed: a header, a |---| row, a row per kind,
# every row with as many cells as the header (an escaped \| is inside a cell).
(cd "$src" && "$bin" systems --format markdown scenarios/*.ini) >"$work/table.md"
awk '/^\|/' "$work/table.md" >"$work/rows.md"
cells=$(sed 's/\\|//g' "$work/rows.md" | awk -F'|' '{ print NF }' | sort -u)
if [ "$(echo "$cells" | wc -l)" -eq 1 ] && [ "$cells" -gt 10 ]; then ok; else
    bad "markdown rows have different numbers of cells: $(echo "$cells" | tr '\n' ' ')"
fi
if sed -n 2p "$work/rows.md" | grep -qE '^(\|---)+\|$'; then ok; else bad "no |---| row under the header"; fi
if [ "$(wc -l <"$work/rows.md")" -eq $((nk + 2)) ]; then ok; else
    bad "markdown has $(($(wc -l <"$work/rows.md") - 2)) rows, the scenarios $nk kinds"
fi

# 4. Every bundled kind has its row, in file order: system, then kind (and its parent).
awk -F' \\| ' 'NR > 2 { sub(/^\| /, "", $1); k = $2; sub(/ \(in .*/, "", k); print $1 "\t" k }' \
    "$work/rows.md" >"$work/got_kinds"
if cmp -s "$work/kinds" "$work/got_kinds"; then ok; else
    bad "the table's rows are not the scenarios' kinds: $(diff "$work/kinds" "$work/got_kinds" | head -10 | tr '\n' ' ')"
fi

# 5. csv: a header of column names, a row per kind; text: a line per kind and the legend.
expect 0 "" -- systems --format csv "$src"/scenarios/*.ini
if head -1 "$work/stdout" | grep -q '^system,kind,names,soft_delete,retention,'; then ok; else
    bad "csv header: $(head -1 "$work/stdout")"
fi
if [ "$(wc -l <"$work/stdout")" -eq $((nk + 1)) ]; then ok; else bad "csv rows: $(wc -l <"$work/stdout")"; fi
expect 0 "" -- systems "$src"/scenarios/*.ini
if [ "$(grep -c '^columns:$' "$work/stdout")" -eq 1 ] &&
    [ "$(sed '/^$/q' "$work/stdout" | wc -l)" -eq $((nk + 2)) ]; then ok; else
    bad "text table: $(head -3 "$work/stdout")"
fi

echo "cli_systable: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
