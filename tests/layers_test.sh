#!/usr/bin/env bash
# The library's layers (docs/architecture.md): a module may include the
# public headers of its own layer and of the layers before it in this list,
# never of a later one. The layer of retsim/X.h is the folder of sim/*/X.c.
# Checking every direct include of every source and public header is enough:
# if every edge points down, so does every chain of them.
# usage: layers_test.sh SOURCE_DIR
set -euo pipefail
cd "$1"
layers=(base engine model input output simulation drivers dist cli)
declare -A rank home
for i in "${!layers[@]}"; do rank[${layers[$i]}]=$i; done
for f in sim/*/*.c; do
    l=${f#sim/}; l=${l%%/*}
    [ -n "${rank[$l]:-}" ] || { echo "FAIL: $f is in sim/$l, which is not a layer of ${layers[*]}"; exit 1; }
    home[$(basename "$f" .c)]=$l
done
fails=0
check() { # FILE LAYER
    local m
    for m in $(sed -n 's|^#include "retsim/\([a-z_]*\)\.h".*|\1|p' "$1"); do
        if [ -z "${home[$m]:-}" ]; then
            echo "FAIL: $1 includes retsim/$m.h, which has no sim/*/$m.c"; fails=$((fails + 1))
        elif [ "${rank[${home[$m]}]}" -gt "${rank[$2]}" ]; then
            echo "FAIL: $1 ($2) includes retsim/$m.h of the later layer ${home[$m]}"; fails=$((fails + 1))
        fi
    done
}
n=0
for f in sim/*/*.c sim/*/*.h; do l=${f#sim/}; check "$f" "${l%%/*}"; n=$((n + 1)); done
for h in include/retsim/*.h; do
    m=$(basename "$h" .h)
    [ -n "${home[$m]:-}" ] || { echo "FAIL: $h has no sim/*/$m.c"; fails=$((fails + 1)); continue; }
    check "$h" "${home[$m]}"; n=$((n + 1))
done
# the command-line tool is built on the public headers only
if grep -n '#include "' sim/cli/*.c sim/cli/*.h | grep -v -e '"retsim/' -e '"cli.h"'; then
    echo "FAIL: sim/cli includes a library-internal header"; fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] || exit 1
echo "layers: $n files, every include points to its own layer or an earlier one"
