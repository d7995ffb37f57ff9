#!/usr/bin/env bash
# retsim report: one self-contained, well-formed HTML page from run, compare,
# sweep, replay and period folders. The page parses as XML (xmllint), names
# every metric of every summary.csv with its value as the CSV file has it (in
# the cell's title attribute: summary_ci.csv's mean for replicated runs,
# summary.csv's value for a replay) and, for rates and costs, formatted as
# worked out here (awk, not retsim); it references nothing outside itself;
# bad input exits 2 and writes nothing.
# usage: cli_report_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
scen="$src/scenarios"
if ! command -v xmllint >/dev/null; then
    echo "FAIL: xmllint not installed (Debian libxml2-utils; ./quickstart.sh installs it)"
    exit 1
fi
short=(--set simulation.horizon=60d --set simulation.warmup=10d)

# well_formed PAGE: a strict XML parser accepts it
well_formed() {
    if xmllint --noout "$1" 2>"$work/xmllint.err"; then ok; else bad "$1 is not well-formed: $(head -c 300 "$work/xmllint.err")"; fi
}

# external PAGE: prints every reference to something outside the page
external() {
    grep -Eio '(src|href|xlink:href)[[:space:]]*=[[:space:]]*["'\'']?[[:space:]]*(https?:|//|file:)[^"'\'' >]*' "$1"
    grep -Eio '@import[^;]*' "$1"
    # data: and #fragment (an SVG pattern of the page itself) stay inside it
    grep -Eio 'url\([^)]*\)' "$1" | grep -Eiv '^url\([[:space:]]*["'\'']?(data:|#)'
    grep -Eio '<(script|link|img|iframe|object|embed)[[:space:]>][^>]*' "$1"
}

self_contained() {
    local refs
    refs=$(external "$1")
    if [ -z "$refs" ]; then ok; else bad "$1 references outside itself: $(echo "$refs" | head -3)"; fi
}

# The checkers themselves can fail: a page with an external image, a font by
# url() and an unclosed tag is flagged by both.
printf '<html><body><img src="https://example.com/a.png"/><style>@import "x.css"; p{background:url(//e/x)}</style><p>open</body></html>\n' >"$work/badpage.html"
if [ "$(external "$work/badpage.html" | wc -l)" -ge 3 ]; then ok; else bad "the external-reference check misses a bad page"; fi
if xmllint --noout "$work/badpage.html" 2>/dev/null; then bad "xmllint accepts an unclosed <p>"; else ok; fi
printf '<html><body><svg><text>a</text></svg></body></html>\n' >"$work/goodpage.html"
if [ -z "$(external "$work/goodpage.html")" ]; then ok; else bad "the external-reference check flags a clean page"; fi

# metric_cells PAGE METRIC_FILE: every metric column of a summary.csv (after
# `kind`) is a table row of the page, and so is its value: from CI_FILE's mean
# when given (kind apim), else the summary.csv's single row as written.
metric_cells() {
    local page=$1 summary=$2 ci=${3:-}
    local names values
    names=$(head -1 "$summary" | tr ',' '\n' | awk 'f {print} $0 == "kind" {f = 1}')
    [ -n "$names" ] || { bad "$summary: no metric columns"; return; }
    local n=0 missing=""
    for m in $names; do
        local v
        if [ -n "$ci" ]; then
            v=$(awk -F, -v m="$m" '$1 == "apim" && $2 == m {print $4}' "$ci")
        else
            v=$(awk -F, -v m="$m" 'NR == 1 {for (i = 1; i <= NF; i++) c[$i] = i} NR == 2 {print $c[m]}' "$summary")
        fi
        n=$((n + 1))
        if ! grep -qF "<th>$m</th><td>" "$page"; then
            missing="$missing $m(name)"
        elif ! grep -F "<th>$m</th><td>" "$page" | grep -qF "<td class=\"num\" title=\"$v\">"; then
            missing="$missing $m=$v"
        fi
    done
    if [ -z "$missing" ]; then ok; else bad "$page lacks metrics of $summary:$missing"; fi
    [ "$n" -ge 50 ] && ok || bad "$summary has only $n metrics"
}

# commas N: N with a comma between groups of three integer digits (awk, by hand)
commas() {
    awk -v v="$1" 'BEGIN {
        s = sprintf("%.2f", v); neg = s ~ /^-/; sub(/^-/, "", s)
        split(s, p, "."); i = p[1]; out = ""
        while (length(i) > 3) { out = "," substr(i, length(i) - 2) out; i = substr(i, 1, length(i) - 3) }
        printf "%s%s%s.%s\n", neg ? "-" : "", i, out, p[2] }'
}

# formatted PAGE METRIC RAW TEXT: the metric's row shows RAW as TEXT
formatted() {
    if grep -F "<th>$2</th><td>" "$1" | grep -qF "title=\"$3\">$4</td>"; then ok; else
        bad "$1: $2 ($3) is not shown as '$4': $(grep -F "<th>$2</th><td>" "$1" | head -1 | head -c 300)"
    fi
}

# --- a run folder ---------------------------------------------------------
expect 0 "" -- run "$scen/quickstart.ini" "${short[@]}" --replications 3 --out "$work/run"
expect 0 "wrote $work/run.html" -- report "$work/run" -o "$work/run.html"
well_formed "$work/run.html"
self_contained "$work/run.html"
metric_cells "$work/run.html" "$work/run/summary.csv" "$work/run/summary_ci.csv"
ci=$work/run/summary_ci.csv
for m in recovery_rate name_conflict_rate retention_cost_share; do
    raw=$(awk -F, -v m="$m" '$2 == m {print $4}' "$ci")
    formatted "$work/run.html" "$m" "$raw" "$(awk -v v="$raw" 'BEGIN {printf "%.2f%%", 100 * v}')"
done
for m in cost_total cost_retained; do
    raw=$(awk -F, -v m="$m" '$2 == m {print $4}' "$ci")
    formatted "$work/run.html" "$m" "$raw" "$(commas "$raw")"
    # the cost's unit is the manifest's currency
    if grep -F "<th>$m</th><td>USD</td>" "$work/run.html" >/dev/null; then ok; else bad "$m has no USD unit"; fi
done
for want in "The scenario and its rules" "Inventory and cost over time" "end of warm-up" "<svg " \
    "A delete is soft: the instance is kept 2d"; do
    if grep -qF "$want" "$work/run.html"; then ok; else bad "run page lacks '$want'"; fi
done
# the same page from a folder in EUR: costs carry the currency of its manifest
expect 0 "" -- run "$scen/quickstart.ini" "${short[@]}" --set simulation.currency=EUR --out "$work/eur"
expect 0 "" -- report "$work/eur" -o "$work/eur.html"
if grep -qF "<th>cost_total</th><td>EUR</td>" "$work/eur.html" && ! grep -qF "<td>USD" "$work/eur.html"; then ok; else
    bad "EUR run: costs not in EUR"
fi
metric_cells "$work/eur.html" "$work/eur/summary.csv" # one replication: summary.csv as it is

# --- a replay folder --------------------------------------------------------
expect 0 "" -- replay "$scen/apim.ini" "$scen/traces/apim-walkthrough.csv" --out "$work/replay"
expect 0 "" -- report "$work/replay" -o "$work/replay.html"
well_formed "$work/replay.html"
self_contained "$work/replay.html"
metric_cells "$work/replay.html" "$work/replay/summary.csv"
# every events.csv row is a row of the timeline (the only rows that start with <td>)
rows=$(($(wc -l <"$work/replay/events.csv") - 1))
got=$(grep -c '^<tr><td>' "$work/replay.html")
if [ "$rows" -gt 10 ] && [ "$got" -eq "$rows" ]; then ok; else bad "timeline has $got rows, events.csv $rows"; fi
for want in "<h4>apim contoso-api</h4>" "<h4>apim contoso-dev-api</h4>" "The timeline of names"; do
    if grep -qF "$want" "$work/replay.html"; then ok; else bad "replay page lacks '$want'"; fi
done
# the lanes: a marker per named row, red triangles for the refusals (counted here from events.csv)
want=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
    $c["name"] != "" && $c["outcome"] ~ /^(conflict_|blocked_|forbidden|rejected|expired|name_taken|not_found|wrong_region|purge_protected|not_supported)/ { n++ }
    END { print n + 0 }' "$work/replay/events.csv")
got=$(grep -c 'fill="#c0392b"/></g>' "$work/replay.html")
[ "$want" -gt 3 ] && [ "$got" -eq "$want" ] && ok || bad "lanes: $got refusal markers, events.csv has $want refusals"
named=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next } $c["name"] != "" { n++ } END { print n }' \
    "$work/replay/events.csv")
got=$(grep -c '</title><\(path\|circle\) ' "$work/replay.html")
[ "$got" -eq "$named" ] && ok || bad "lanes: $got markers, events.csv has $named named rows"
# contoso-dev-api is active from 0 to its hard delete at 20d: a green bar 20d / (last time) of the 650 px plot
width=$(awk -F, 'NR > 1 && $1 > t { t = $1 } END { printf "%.1f", 20 * 86400000 / t * 650 }' "$work/replay/events.csv")
grep -qF "width=\"$width\" height=\"12\" fill=\"#5cb85c\"" "$work/replay.html" && ok ||
    bad "lanes: no active bar $width px wide (0 to 20d) for contoso-dev-api"

# --- a compare folder -------------------------------------------------------
expect 0 "" -- compare "$scen/quickstart.ini" "${short[@]}" --set-a policy.apim.retention=48h \
    --set-b policy.apim.retention=7d --replications 3 --out "$work/cmp"
expect 0 "" -- report "$work/cmp" -o "$work/cmp.html"
well_formed "$work/cmp.html"
self_contained "$work/cmp.html"
missing=""
while IFS=, read -r kind metric n a b d lo hi sig rel rlo rhi; do
    row=$(grep -F "<th>$metric</th><td>" "$work/cmp.html" | head -1)
    want_rel=$(awk -v v="$rel" 'BEGIN { if (v == "") print "n/a"; else if (sprintf("%.1f", v) + 0 == 0) print "0.0%"; else printf "%+.1f%%", v }')
    case "$row" in
    *"title=\"$a\">"*"title=\"$b\">"*"title=\"$d\">"*"title=\"[$lo, $hi]\">"*"title=\"$rel\">$want_rel</td>"*) ;;
    *) missing="$missing $metric" ;;
    esac
done < <(tail -n +2 "$work/cmp/compare.csv")
if [ -z "$missing" ]; then ok; else bad "compare page rows differ from compare.csv:$missing"; fi
for want in "B − A" "policy.apim.retention=48h" "policy.apim.retention=7d"; do
    if grep -qF "$want" "$work/cmp.html"; then ok; else bad "compare page lacks '$want'"; fi
done

# --- a sweep folder and a policy change --------------------------------------
expect 0 "" -- sweep "$scen/quickstart.ini" --vary policy.apim.retention=24h,7d --set simulation.horizon=40d \
    --set simulation.warmup=10d --replications 2 --out "$work/sweep"
expect 0 "" -- run "$scen/retention-48h-vs-7d.ini" --set simulation.horizon=120d --set simulation.warmup=30d \
    --set change.longer.at=75d --replications 2 --out "$work/change"
expect 0 "" -- report "$work/sweep" "$work/change" "$work/run" "$work/cmp" "$work/replay" -o "$work/all.html" \
    --title 'All & <everything>'
well_formed "$work/all.html"
self_contained "$work/all.html"
if [ "$(grep -c '<section class="folder">' "$work/all.html")" -eq 5 ]; then ok; else bad "all.html: not 5 folders"; fi
if grep -qF '<title>All &amp; &lt;everything&gt;</title>' "$work/all.html"; then ok; else bad "title not escaped"; fi
for want in "policy.apim.retention=24h: mean, 95% CI" "policy.apim.retention=7d: mean, 95% CI" \
    "recovery_rate against the cost of retention" "<th colspan=\"2\">30d-75d: mean, 95% CI</th>" \
    "<th colspan=\"2\">75d-120d: mean, 95% CI</th>" "change longer" "longer: at = 75d"; do
    if grep -qF "$want" "$work/all.html"; then ok; else bad "all.html lacks '$want'"; fi
done
metric_cells "$work/all.html" "$work/change/summary.csv" "$work/change/summary_ci.csv"

# --- bad input: exit 2, a message naming the file, nothing written --------------
mkdir "$work/out" "$work/empty" "$work/notours"
echo "; my notes" >"$work/notours/manifest"
nothing_written() {
    if [ -z "$(ls -A "$work/out")" ]; then ok; else bad "$1: wrote $(ls -A "$work/out")"; fi
}
expect 2 "$work/empty/manifest" -- report "$work/empty" -o "$work/out/r.html"
nothing_written "empty folder"
expect 2 "not a retsim manifest.*|$work/notours/manifest" -- report "$work/notours" -o "$work/out/r.html"
nothing_written "foreign manifest"
expect 2 "$work/missing" -- report "$work/run" "$work/missing" -o "$work/out/r.html"
nothing_written "missing folder"
expect 2 "expected -o" -- report "$work/run"
expect 2 "expected one or more" -- report -o "$work/out/r.html"
expect 2 "unknown option" -- report "$work/run" --bogus -o "$work/out/r.html"
nothing_written "usage errors"
cp -r "$work/run" "$work/broken"
echo "quickstart,9,1,apim,1,2" >>"$work/broken/summary.csv"
expect 2 "$work/broken/summary.csv:5" -- report "$work/run" "$work/broken" -o "$work/out/r.html"
nothing_written "a short row"
cp -r "$work/run" "$work/quoted"
printf '0,0,0,apim,"unterminated\n' >>"$work/quoted/timeseries.csv"
expect 2 "$work/quoted/timeseries.csv" -- report "$work/quoted" -o "$work/out/r.html"
nothing_written "a bad quote"
: >"$work/out/r.html"
expect 2 "exists: add --force" -- report "$work/run" -o "$work/out/r.html"
if [ ! -s "$work/out/r.html" ]; then ok; else bad "an existing page was replaced without --force"; fi
expect 0 "" -- report "$work/run" -o "$work/out/r.html" --force
if cmp -s "$work/out/r.html" "$work/run.html"; then ok; else bad "--force did not write the page"; fi
expect 0 "" -- report --help
if grep -q -- "-o REPORT.html" "$work/stdout"; then ok; else bad "report --help lacks -o"; fi

echo "cli_report: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
