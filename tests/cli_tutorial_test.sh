#!/usr/bin/env bash
# docs/tutorial.md works as printed, so that it cannot rot. Every command line
# of its ```sh blocks (a trailing \ joins the next line) is run, in document
# order, in a scratch folder laid out like the repository (scenarios/,
# analysis/, docs/ linked, build/retsim the binary under test); a command that
# exits non-zero fails naming its line. `./quickstart.sh` alone is skipped: it
# installs packages and builds. Every non-blank line of a ```text block after a
# ```sh block must be a line of that sh block's output (each command's stdout,
# then its stderr), in the same order; a `...` line stands for lines left out.
# The checker first proves on small documents of its own that it fails when it
# should (a changed excerpt, a command that fails, excerpts out of order).
# usage: cli_tutorial_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"

# rtrim TEXT: TEXT without trailing blanks
rtrim() { printf '%s' "${1%"${1##*[![:space:]]}"}"; }

# find_line FILE FROM WANT: the number of the first line after line FROM of FILE
# equal to WANT (trailing blanks ignored on both sides); nothing if none
find_line() {
    WANT=$3 awk -v from="$2" 'NR > from { sub(/[ \t\r]+$/, ""); if ($0 == ENVIRON["WANT"]) { print NR; exit } }' "$1"
}

# check_doc DOC DIR LOG: run DOC's commands in DIR and check its excerpts;
# every failure is a line of LOG ("LINE: message"); counts in $ran, $checked
check_doc() {
    local doc=$1 dir=$2 log=$3
    local n=0 fence="" cont="" cont_at=0 out="" sh_at=0 cursor=0 line cmd at rc found i=0
    ran=0 checked=0
    : >"$log"
    while IFS= read -r line || [ -n "$line" ]; do
        n=$((n + 1))
        if [[ $line =~ ^\`\`\`(.*)$ ]]; then
            if [ -z "$fence" ]; then
                fence=${BASH_REMATCH[1]:-plain}
                case $fence in
                sh)
                    i=$((i + 1))
                    out=$work/block.$i
                    : >"$out"
                    sh_at=$n
                    ;;
                text) cursor=0 ;;
                *) out="" ;;
                esac
            else
                [ -z "$cont" ] || echo "$cont_at: a \\ continuation runs into the end of its block" >>"$log"
                fence="" cont=""
            fi
            continue
        fi
        case $fence in
        sh)
            if [ -n "$cont" ]; then line="$cont $(rtrim "${line#"${line%%[![:space:]]*}"}")"; else cont_at=$n; fi
            if [[ $line =~ \\$ ]]; then
                cont=$(rtrim "${line%\\}")
                continue
            fi
            cont="" at=$cont_at
            cmd=$(rtrim "$line")
            [[ -z $cmd || $cmd =~ ^[[:space:]]*# ]] && continue
            if [[ $cmd =~ ^\./quickstart\.sh([[:space:]]|$) ]]; then
                [ -n "${quiet:-}" ] || echo "cli_tutorial: skipped line $at, '$cmd' (it installs packages and builds)"
                continue
            fi
            ran=$((ran + 1))
            (cd "$dir" && timeout 120 bash -e -o pipefail -c "$cmd" </dev/null >"$work/cmd.out" 2>"$work/cmd.err")
            rc=$?
            cat "$work/cmd.out" "$work/cmd.err" >>"$out"
            [ "$rc" -eq 0 ] || echo "$at: '$cmd' exited $rc: $(head -c 400 "$work/cmd.err")" >>"$log"
            ;;
        text)
            line=$(rtrim "$line")
            [[ -z $line || $line == "..." ]] && continue
            if [ -z "$out" ]; then
                echo "$n: a text block that follows no sh block" >>"$log"
                out=/dev/null
                continue
            fi
            checked=$((checked + 1))
            found=$(find_line "$out" "$cursor" "$line")
            if [ -n "$found" ]; then
                cursor=$found
            else
                echo "$n: not in the output of the sh block at line $sh_at (or out of order): '$line'" >>"$log"
            fi
            ;;
        esac
    done <"$doc"
}

# --- the checker can fail: small documents with a known defect each ---
mini=$work/mini
mkdir -p "$mini"
selftest() { # selftest NAME EXPECTED_LOG: check mini NAME.md; its log must be EXPECTED_LOG
    quiet=1 check_doc "$mini/$1.md" "$mini" "$mini/$1.log"
    if [ "$(cat "$mini/$1.log")" = "$2" ]; then ok; else
        bad "self-test $1: want log '$2', got '$(cat "$mini/$1.log")'"
    fi
}
fence='```'
printf '%s\n' "${fence}sh" './quickstart.sh' 'echo one; echo two; echo three >&2' \
    'echo joined \' '    line' '# a comment' "$fence" 'prose' "${fence}text" 'one' '...' 'three' "$fence" \
    "${fence}text" 'joined line' "$fence" >"$mini/good.md"
selftest good ""
[ "$ran" -eq 2 ] && [ "$checked" -eq 3 ] && ok || bad "self-test good: ran $ran commands, checked $checked lines"
sed 's/^three$/four/' "$mini/good.md" >"$mini/changed.md"
selftest changed "12: not in the output of the sh block at line 1 (or out of order): 'four'"
sed 's/three >&2$/three >\&2; exit 3/' "$mini/good.md" >"$mini/broken.md"
selftest broken "3: 'echo one; echo two; echo three >&2; exit 3' exited 3: three"
awk '$0 == "one" { print "three"; print "one"; next } $0 == "three" { next } { print }' "$mini/good.md" >"$mini/order.md"
selftest order "11: not in the output of the sh block at line 1 (or out of order): 'one'"
printf '%s\n' "${fence}text" 'orphan' "$fence" >"$mini/orphan.md"
selftest orphan "2: a text block that follows no sh block"

# --- the tutorial itself, in a folder that mirrors the repository ---
tut=$work/repo
mkdir -p "$tut/build"
for d in scenarios analysis docs; do ln -s "$src/$d" "$tut/$d"; done
ln -s "$bin" "$tut/build/retsim"
check_doc "$src/docs/tutorial.md" "$tut" "$work/tutorial.log"
while IFS= read -r msg; do bad "docs/tutorial.md:$msg"; done <"$work/tutorial.log"
[ -s "$work/tutorial.log" ] || ok
# a broken extraction must not pass by finding nothing
[ "$ran" -ge 20 ] && ok || bad "only $ran commands found in docs/tutorial.md"
[ "$checked" -ge 30 ] && ok || bad "only $checked excerpt lines found in docs/tutorial.md"

echo "cli_tutorial: $passed passed, $failed failed ($ran commands run, $checked excerpt lines checked)"
[ "$failed" -eq 0 ]
