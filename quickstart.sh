#!/usr/bin/env bash
# One command from a fresh Debian machine to a first result: install what is
# missing, configure and build (Release, binary at build/retsim), then run
# two years of API Management, the second measured (scenarios/quickstart.ini),
# into out/quickstart/,
# with its charts, and replay the bundled walkthrough trace into out/apim/.
set -euo pipefail
cd "$(dirname "$0")"

packages=(build-essential cmake pkg-config libgsl-dev libcsv-dev libcmocka-dev libinih-dev libyajl-dev gnuplot-nox jq libxml2-utils groff-base man-db libopenmpi-dev openmpi-bin)
missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)" >/dev/null
echo "built build/retsim"
echo
echo "\$ build/retsim run scenarios/quickstart.ini --out out/quickstart"
build/retsim run scenarios/quickstart.ini --out out/quickstart
analysis/plot-run out/quickstart
echo
echo "\$ build/retsim replay scenarios/apim.ini scenarios/traces/apim-walkthrough.csv --out out/apim"
build/retsim replay scenarios/apim.ini scenarios/traces/apim-walkthrough.csv --out out/apim
