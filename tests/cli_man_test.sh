#!/usr/bin/env bash
# docs/retsim.1 keeps up with the binary: every option token in `retsim
# --help` and in each `retsim COMMAND --help` (`--long-name` and `-x`) appears
# in the rendered page, every command of `retsim --help` has its entry under
# COMMANDS, the page names every environment variable the sources read
# (getenv), and groff and man render it without a warning.
# usage: cli_man_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
page=$src/docs/retsim.1

if ! command -v groff >/dev/null; then
    echo "cli_man: SKIP: groff is not installed (Debian: groff-base)"
    exit 0
fi
# Plain ASCII, one very long line per paragraph and no hyphenation, so an
# option is never split across lines.
groff -man -Tascii -P-cbou -rLL=2000n -rHY=0 -ww "$page" >"$work/page.txt" 2>"$work/groff.err"
if [ -s "$work/groff.err" ]; then bad "groff -ww warns: $(head -5 "$work/groff.err")"; else ok; fi
if command -v man >/dev/null; then
    MANROFFOPT=-ww man -l "$page" >/dev/null 2>"$work/man.err"
    if [ -s "$work/man.err" ]; then bad "man -l warns: $(head -5 "$work/man.err")"; else ok; fi
fi

# The commands: the two-space-indented words of retsim --help's list.
"$bin" --help >"$work/help.main"
commands=$(awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }' "$work/help.main")
[ "$(echo "$commands" | wc -w)" -ge 8 ] && ok || bad "found only these commands in retsim --help: $commands"
# The COMMANDS section of the page, each entry a line starting with the command.
awk '/^COMMANDS/ { on = 1; next } /^[A-Z]/ { on = 0 } on' "$work/page.txt" >"$work/commands.txt"
missing_cmds=""
for c in $commands; do
    grep -qE "^ +$c( |$)" "$work/commands.txt" || missing_cmds+=" $c"
done
[ -z "$missing_cmds" ] && ok || bad "commands without an entry under COMMANDS:$missing_cmds"

# The options: --long and -x tokens (a dash after a space, bracket or bar,
# then one letter, then not a letter), from every help text.
tokens() {
    grep -oE -- '--[a-z][a-z-]*[a-z]' "$1"
    grep -oE -- '(^|[][ (|,])-[a-zA-Z]([^a-zA-Z0-9-]|$)' "$1" | grep -oE -- '-[a-zA-Z]'
}
: >"$work/tokens"
tokens "$work/help.main" | sed 's/^/retsim /' >>"$work/tokens"
for c in $commands; do
    "$bin" "$c" --help >"$work/help.$c" 2>&1
    tokens "$work/help.$c" | sed "s/^/$c /" >>"$work/tokens"
done
n=$(sort -u "$work/tokens" | wc -l)
[ "$n" -ge 30 ] && ok || bad "only $n option tokens found in the help texts"
missing=""
while read -r where opt; do
    # the option itself, not a longer one it begins (--set in --set-a)
    grep -qE -- "(^|[^a-zA-Z-])$opt([^a-zA-Z-]|$)" "$work/page.txt" || missing+=" $opt ($where --help)"
done < <(sort -u "$work/tokens")
[ -z "$missing" ] && ok || bad "options of the help texts missing from docs/retsim.1:$missing"

# Environment variables the program reads.
missing_env=""
for v in $(grep -ohE 'getenv\("[A-Z_]+"\)' "$src"/sim/*/*.c | grep -oE '[A-Z_]{2,}' | sort -u); do
    awk '/^ENVIRONMENT/ { on = 1; next } /^[A-Z]/ { on = 0 } on' "$work/page.txt" | grep -qw "$v" || missing_env+=" $v"
done
[ -z "$missing_env" ] && ok || bad "environment variables not under ENVIRONMENT:$missing_env"
# And the sections a man page has.
for s in NAME SYNOPSIS DESCRIPTION COMMANDS OPTIONS "EXIT STATUS" "FILES AND FORMATS" ENVIRONMENT EXAMPLES "SEE ALSO"; do
    grep -qx "$s" "$work/page.txt" && ok || bad "no $s section"
done

echo "cli_man: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
