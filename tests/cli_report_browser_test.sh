#!/usr/bin/env bash
# retsim report in a real browser: headless Chromium (Debian `chromium`)
# renders a page of a run, a compare and a replay folder to a PNG, with no
# console error. Exit 77 (ctest: skipped) where Chromium is not installed.
# usage: cli_report_browser_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
scen="$src/scenarios"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    echo "chromium not installed: skipped"
    exit 77
fi

# render PAGE PNG: Chromium's console goes to $work/console.log; the exit code is Chromium's
render() {
    HOME=$work timeout 120 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" \
        --screenshot="$2" --window-size=1280,4000 --enable-logging=stderr --v=0 "file://$1" \
        >"$work/console.out" 2>"$work/console.log"
}

# console_errors: the lines of page errors (a script error, a console message)
console_errors() {
    grep -E 'Uncaught|CONSOLE' "$work/console.log"
}

# is_png FILE: non-empty and begins with the PNG signature
is_png() {
    [ -s "$1" ] && [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
}

# The check can fail: a page with a script error is caught.
printf '<!DOCTYPE html><html><body><p>x</p><script>missingFunction();</script></body></html>\n' >"$work/bad.html"
render "$work/bad.html" "$work/bad.png"
if [ -n "$(console_errors)" ]; then ok; else bad "a script error in a page was not seen in Chromium's console"; fi

short=(--set simulation.horizon=60d --set simulation.warmup=10d)
expect 0 "" -- run "$scen/quickstart.ini" "${short[@]}" --replications 3 --out "$work/run"
expect 0 "" -- compare "$scen/quickstart.ini" "${short[@]}" --set-a policy.apim.retention=48h \
    --set-b policy.apim.retention=7d --replications 3 --out "$work/cmp"
expect 0 "" -- replay "$scen/apim.ini" "$scen/traces/apim-walkthrough.csv" --out "$work/replay"
expect 0 "" -- report "$work/run" "$work/cmp" "$work/replay" -o "$work/report.html"
if render "$work/report.html" "$work/report.png"; then ok; else
    bad "chromium exited $? on the report: $(tail -c 300 "$work/console.log")"
fi
errors=$(console_errors)
if [ -z "$errors" ]; then ok; else bad "console errors rendering the report: $(echo "$errors" | head -3)"; fi
if is_png "$work/report.png"; then ok; else bad "no PNG rendered ($(stat -c %s "$work/report.png" 2>/dev/null) bytes)"; fi

echo "cli_report_browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
