#!/usr/bin/env bash
# `cmake --install` gives a working, relocatable retsim: every bundled file
# lands where the brief of issue 14 says; the installed binary, moved with its
# prefix to another folder, finds scenarios and traces by name from any
# working folder (a file in the working folder still wins); explain --png runs
# the installed plot-timeline unless RETSIM_ANALYSIS_DIR says otherwise; and a
# program built with `pkg-config --static retsim` alone embeds the simulator
# (tests/embed/embed.c, which checks its own hand-worked replay).
# usage: cli_install_test.sh RETSIM_BINARY SOURCE_DIR BUILD_DIR C_COMPILER SANITIZE(ON|OFF)
. "$(dirname "$0")/cli_lib.sh" "$@"
build=$(realpath "$3")
cc=$4
sanitize=$5

if ! cmake --install "$build" --prefix "$work/P" >"$work/install.log" 2>&1; then
    bad "cmake --install failed: $(tail -5 "$work/install.log")"
    echo "cli_install: $passed passed, $failed failed"
    exit 1
fi
# Relocated: the prefix is moved after installing; nothing may point back.
mv "$work/P" "$work/Q"
P=$work/Q

# Every file the brief lists, compared with the source tree's own lists.
want=(bin/retsim lib/libretsim.a lib/pkgconfig/retsim.pc share/man/man1/retsim.1
    share/bash-completion/completions/retsim share/retsim/scenarios/README.md)
for f in "$src"/analysis/*; do want+=("share/retsim/analysis/${f##*/}"); done
for f in "$src"/scenarios/*.ini; do want+=("share/retsim/scenarios/${f##*/}"); done
for f in "$src"/scenarios/traces/*; do want+=("share/retsim/scenarios/traces/${f##*/}"); done
for f in "$src"/include/retsim/*.h; do want+=("include/retsim/${f##*/}"); done
for f in "${want[@]}"; do
    if [ -f "$P/$f" ]; then ok; else bad "not installed: $f"; fi
done
for f in plot-run plot-sweep plot-timeline; do
    if [ -x "$P/share/retsim/analysis/$f" ]; then ok; else bad "share/retsim/analysis/$f is not executable"; fi
done
if cmp -s "$src/scenarios/quickstart.ini" "$P/share/retsim/scenarios/quickstart.ini"; then ok; else bad "installed quickstart.ini differs"; fi

# From a folder with no scenarios/ in it: by bundled path and by bare name.
mkdir -p "$work/elsewhere"
cd "$work/elsewhere" || exit 1
short=(--set simulation.horizon=20d --set simulation.warmup=0 --set simulation.scale=0.1)
for name in scenarios/quickstart.ini quickstart.ini; do
    rm -rf out1
    if "$P/bin/retsim" run "$name" --out out1 "${short[@]}" >/dev/null 2>"$work/err" && [ -f out1/summary.csv ]; then
        ok
    else
        bad "installed retsim run $name: $(head -c 300 "$work/err")"
    fi
    # The manifest names the file read: the installed one, canonical (no bin/..).
    if grep -qx "scenario = $P/share/retsim/scenarios/quickstart.ini" out1/manifest 2>/dev/null; then
        ok
    else
        bad "run $name: manifest does not name $P/share/retsim/scenarios/quickstart.ini: $(grep '^scenario' out1/manifest 2>&1)"
    fi
done
# A file in the working folder wins over the bundled one of the same name.
mkdir -p scenarios
sed 's/^name = quickstart/name = mine/' "$src/scenarios/quickstart.ini" >scenarios/quickstart.ini
rm -rf out1
"$P/bin/retsim" run scenarios/quickstart.ini --out out1 "${short[@]}" >/dev/null 2>&1
if grep -qx "scenario = scenarios/quickstart.ini" out1/manifest 2>/dev/null && grep -q "^name = mine" out1/manifest; then
    ok
else
    bad "a local scenarios/quickstart.ini did not win: $(grep '^scenario' out1/manifest 2>&1)"
fi
rm -rf scenarios
# Traces by name, for replay and explain; a name found nowhere is an error naming it as given.
for t in apim-walkthrough.csv traces/apim-walkthrough.csv scenarios/traces/apim-walkthrough.csv; do
    rm -rf out2
    if "$P/bin/retsim" replay apim.ini "$t" --out out2 2>"$work/out" && grep -q '^replayed 21 operations' "$work/out"; then
        ok
    else
        bad "installed retsim replay apim.ini $t: $(head -c 300 "$work/out")"
    fi
done
if "$P/bin/retsim" explain apim.ini apim-walkthrough.csv --name contoso-dev-api >"$work/out" 2>&1 && grep -q contoso-dev-api "$work/out"; then
    ok
else
    bad "installed retsim explain by trace name: $(head -c 300 "$work/out")"
fi
"$P/bin/retsim" run no-such.ini >/dev/null 2>"$work/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "^retsim: no-such.ini: cannot open" "$work/err"; then ok; else bad "run no-such.ini: exit $rc, $(cat "$work/err")"; fi
# The build tree's binary has no share folder: a bare name is not found there.
"$bin" run quickstart.ini --out out3 >/dev/null 2>"$work/err"
rc=$?
if [ "$rc" -eq 2 ]; then ok; else bad "build-tree retsim run quickstart.ini from $PWD exited $rc, expected 2"; fi

# The installed completion, with no scenario on the line, offers the keys of
# the installed quickstart.ini (share/bash-completion/completions -> share/retsim).
got=$(bash -c '. "$1/share/bash-completion/completions/retsim"; COMP_WORDS=("$1/bin/retsim" run --set policy.apim.rete); COMP_CWORD=3; _retsim; printf "%s\n" "${COMPREPLY[@]}"' _ "$P")
if grep -qx 'policy.apim.retention=' <<<"$got"; then ok; else bad "installed completion: --set policy.apim.rete offers [$got]"; fi

# explain --png: the installed plot-timeline (a stub here, to see which one
# ran), unless RETSIM_ANALYSIS_DIR names another folder.
stub() { printf '#!/bin/sh\n# args: DIR -o FILE NAME...\necho %s >"$3"\n' "$1" >"$2/plot-timeline" && chmod +x "$2/plot-timeline"; }
stub installed "$P/share/retsim/analysis"
mkdir -p "$work/env-analysis"
stub from-env "$work/env-analysis"
(unset RETSIM_ANALYSIS_DIR; "$P/bin/retsim" explain apim.ini apim-walkthrough.csv --png "$work/a.png" >/dev/null 2>"$work/err")
if [ "$(cat "$work/a.png" 2>/dev/null)" = installed ]; then ok; else bad "explain --png did not run the installed plot-timeline: $(cat "$work/err")"; fi
RETSIM_ANALYSIS_DIR=$work/env-analysis "$P/bin/retsim" explain apim.ini apim-walkthrough.csv --png "$work/b.png" >/dev/null 2>"$work/err"
if [ "$(cat "$work/b.png" 2>/dev/null)" = from-env ]; then ok; else bad "RETSIM_ANALYSIS_DIR did not win: $(cat "$work/err")"; fi

# Embedding: pkg-config alone gives the flags (the archive's dependencies
# come from Requires.private and Libs.private with --static).
flags=()
[ "$sanitize" = ON ] && flags+=(-fsanitize=address,undefined)
pc=$(PKG_CONFIG_PATH=$P/lib/pkgconfig pkg-config --cflags --libs --static retsim 2>"$work/err")
if [ -z "$pc" ]; then
    bad "pkg-config retsim: $(cat "$work/err")"
elif ! "$cc" -std=c11 -Wall -Wextra -Werror "${flags[@]}" -o "$work/embed" "$src/tests/embed/embed.c" $pc 2>"$work/err"; then
    bad "embed.c does not build with pkg-config retsim ($pc): $(head -c 600 "$work/err")"
elif ! "$work/embed" "$work/embed.csv" >"$work/out" 2>&1; then
    bad "embed failed: $(cat "$work/out")"
else
    ok
fi
case $pc in *"$P/lib/pkgconfig/../../include"*) ok ;; *) bad "retsim.pc is not relative to its folder: $pc" ;; esac

echo "cli_install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
