#!/usr/bin/env bash
# End-to-end tests of the chart scripts analysis/plot-run and analysis/plot-sweep:
# every bundled scenario, a multi-kind run, a run with replications, a 2-key
# sweep and a sweep whose values hold commas give PNGs that show data; the
# numbers behind the charts (95% band, numeric sweep axis, marks) match
# hand-worked values; a folder that is not a run's or a sweep's exits 2 and
# writes nothing.
# usage: cli_charts_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
plot_run=$src/analysis/plot-run
plot_sweep=$src/analysis/plot-sweep

# expect CODE PATTERN -- COMMAND...: exit code CODE and stderr matching PATTERN
expect() {
    local code=$1 pattern=$2
    shift 3
    "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "$* exited $rc, expected $code: $(head -c 300 "$work/stderr")"
    elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$work/stderr"; then
        bad "$*: stderr does not match /$pattern/: $(head -c 300 "$work/stderr")"
    else
        ok
    fi
}

command -v gnuplot >/dev/null || { echo "FAIL: gnuplot not installed (gnuplot-nox)"; exit 1; }

# "x y r g b" for every pixel of a PNG, y counted from the bottom (gnuplot reads PNGs)
pixels() {
    gnuplot -e "set table '/dev/stdout'; plot '$1' binary filetype=png with rgbimage" 2>/dev/null |
        awk 'NF == 7 && $1 ~ /^[0-9]/ { print $1, $2, $3, $4, $5 }'
}

# png_ok FILE WIDTH HEIGHT: the PNG signature and the IHDR size
png_ok() {
    local sig size
    sig=$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    size=$(od -An -tu1 -j16 -N8 "$1" 2>/dev/null |
        awk '{ w = (($1 * 256 + $2) * 256 + $3) * 256 + $4; h = (($5 * 256 + $6) * 256 + $7) * 256 + $8; print w "x" h }')
    if [ "$sig" != "89504e470d0a1a0a" ]; then
        bad "$1: not a PNG (signature '$sig')"
    elif [ "$size" != "$2x$3" ]; then
        bad "$1: $size pixels, expected $2x$3"
    else
        ok
    fi
}

# colour_in_bands FILE RRGGBB BANDS MIN: splitting the image into BANDS
# horizontal bands (one per panel), each holds at least MIN pixels of the
# colour (within a small distance, for antialiasing). A chart without data has
# only its legend sample of the colour: about 50 pixels.
colour_in_bands() {
    local file=$1 rgb=$2 bands=$3 min=$4
    local r=$((16#${rgb:0:2})) g=$((16#${rgb:2:2})) b=$((16#${rgb:4:2}))
    local counts
    counts=$(pixels "$file" | awk -v r="$r" -v g="$g" -v b="$b" -v n="$bands" '
        $2 > ymax { ymax = $2 }
        { d = ($3 - r) ^ 2 + ($4 - g) ^ 2 + ($5 - b) ^ 2; if (d < 900) { y[NR] = $2 } }
        END { for (i in y) { c[int(y[i] * n / (ymax + 1))]++ }
              s = ""; for (i = 0; i < n; i++) { s = s " " (c[i] + 0) }; print s }')
    local low
    low=$(awk -v m="$min" '{ for (i = 1; i <= NF; i++) { if ($i < m) { print "low"; exit } } }' <<<"$counts")
    if [ -n "$low" ]; then
        bad "$file: pixels of #$rgb per panel:$counts, expected at least $min in each"
    else
        ok
    fi
}

# --- every bundled scenario: plot-run exits 0 with two charts of one panel per kind ---
for ini in "$src"/scenarios/*.ini; do
    name=$(basename "$ini" .ini)
    out=$work/run-$name
    if ! "$bin" run "$ini" --out "$out" >/dev/null 2>"$work/stderr"; then
        bad "retsim run $ini failed: $(head -c 300 "$work/stderr")"
        continue
    fi
    expect 0 "" -- "$plot_run" "$out"
    kinds=$(awk -F, 'NR > 1 && $4 != "all" { print $4 }' "$out/summary.csv" | sort -u | wc -l)
    png_ok "$out/inventory.png" 1200 $((70 + 340 * kinds))
    png_ok "$out/cost.png" 1200 $((70 + 340 * kinds))
    # the active-instances line (#1f77b4) drawn in every panel
    colour_in_bands "$out/inventory.png" 1f77b4 "$kinds" 500
done

# --- multi-kind run: three panels, each with its data; KIND draws one ---
gal=$work/run-compute-gallery
colour_in_bands "$gal/inventory.png" 1f77b4 3 500
# live cost (#1f77b4 at half opacity on white: #8fbbd9) fills the image-version panel
colour_in_bands "$gal/cost.png" 8fbbd9 1 20000
expect 0 "" -- "$plot_run" "$gal" gallery_image_version
png_ok "$gal/inventory.png" 1200 410
expect 0 "" -- "$plot_run" "$gal" all
png_ok "$gal/cost.png" 1200 410

# same folder, same pictures
"$plot_run" "$gal" >/dev/null
first=$(cat "$gal/inventory.png" "$gal/cost.png" | md5sum)
"$plot_run" "$gal" >/dev/null
[ "$(cat "$gal/inventory.png" "$gal/cost.png" | md5sum)" = "$first" ] && ok || bad "plot-run: two runs on one folder differ"

# --- replications, warm-up and a [change.*]: one panel, mean with a band ---
rep=$work/rep
if "$bin" run "$src/scenarios/retention-48h-vs-7d.ini" --replications 3 --set simulation.warmup=30d \
    --out "$rep" >/dev/null 2>"$work/stderr"; then
    expect 0 "" -- "$plot_run" "$rep"
    png_ok "$rep/inventory.png" 1200 410
    colour_in_bands "$rep/inventory.png" 1f77b4 1 500
    colour_in_bands "$rep/cost.png" 8fbbd9 1 20000
else
    bad "retsim run --replications 3 failed: $(head -c 300 "$work/stderr")"
fi

# --- the numbers behind plot-run, on a hand-made run folder ---
# two replications at t = 0 and 1d; at 1d active is 10 and 14: mean 12,
# sd = sqrt(8), half-width t(0.975, 1) * sd / sqrt(2) = 12.7062 * 2 = 25.4124.
hand=$work/hand-run
mkdir -p "$hand"
cat >"$hand/manifest" <<'INI'
[scenario]
name = hand                                 ; short name
[simulation]
horizon = 2d                                ; how long a run simulates
warmup = 12h                                ; time left out
currency = EUR
[change.longer]
at = 1d12h                                  ; when the change happens
kind = apim
retention = 7d                              ; new retention
INI
cat >"$hand/summary.csv" <<'CSV'
scenario,replication,seed,kind,recovery_rate,cost_live,cost_retained
hand,0,1,apim,0.5,900,100
hand,1,1,apim,0.7,1100,100
CSV
cat >"$hand/timeseries.csv" <<'CSV'
replication,time_ms,time,kind,active,soft_deleted,reserved,replicas_live,replicas_retained,cost_live_per_hour,cost_retained_per_hour
0,0,0,apim,0,0,0,0,0,0,0
0,86400000,1d,apim,10,2,0,20,2,2,0.5
1,0,0,apim,0,0,0,0,0,0,0
1,86400000,1d,apim,14,2,0,28,2,3,0.5
CSV
if awk -v tmp="$work" -v want="" -f "$src/analysis/lib.awk" -f "$src/analysis/run-data.awk" \
    "$hand/manifest" "$hand/summary.csv" "$hand/timeseries.csv" >"$work/vars.gp" 2>"$work/stderr"; then
    # horizon 2d <= 3d: hours; at 1d: active 12 [-13.4124, 37.4124], soft-deleted 2 [2, 2],
    # total cost (2.5 and 3.5) 3 [3 - 6.3531, 3 + 6.3531]
    row=$(awk -F'\t' '$1 == 24 { printf "%s %s %s %s %s %s %.4f %.4f %.4f", $1, $2, $3, $4, $5, $7, $17, $18, $19 }' "$work/kind1.tsv")
    [ "$row" = "24.000000 12 -13.4124 37.4124 2 2 3.0000 -3.3531 9.3531" ] && ok || bad "run-data at 1d: '$row'"
    grep -qx "WARMUP = 12; HORIZON = 48" "$work/vars.gp" && ok || bad "run-data: warm-up/horizon in hours: $(grep WARMUP "$work/vars.gp")"
    grep -qx "CAT\[1\] = 36" "$work/vars.gp" && ok || bad "run-data: change at 1d12h = 36 h: $(grep 'CAT\[' "$work/vars.gp")"
    grep -q "CLABEL\[1\] = 'change.longer at 1d12h: apim retention = 7d'" "$work/vars.gp" && ok || bad "run-data: change label: $(grep CLABEL "$work/vars.gp")"
    grep -qx "CURRENCY = 'EUR'" "$work/vars.gp" && ok || bad "run-data: currency: $(grep CURRENCY "$work/vars.gp")"
    # recovery rate mean 60.0%; cost means 1,000 live, 100 retained: 9.09% for retention
    grep -q "TINV\[1\] = 'apim: recovery rate 60.0%'" "$work/vars.gp" && ok || bad "run-data: title: $(grep TINV "$work/vars.gp")"
    grep -q "live 1,000, retained 100 EUR (9.09% for retention)" "$work/vars.gp" && ok || bad "run-data: cost title: $(grep TCOST "$work/vars.gp")"
    grep -qx "N = 1; NREP = 2; NCHANGE = 1" "$work/vars.gp" && ok || bad "run-data: counts: $(grep NREP "$work/vars.gp")"
else
    bad "run-data.awk failed on the hand-made run: $(head -c 300 "$work/stderr")"
fi
expect 0 "" -- "$plot_run" "$hand"
png_ok "$hand/cost.png" 1200 410
sed -i '/currency/d' "$hand/manifest"
awk -v tmp="$work" -v want="" -f "$src/analysis/lib.awk" -f "$src/analysis/run-data.awk" \
    "$hand/manifest" "$hand/summary.csv" "$hand/timeseries.csv" >"$work/vars.gp" 2>/dev/null
grep -qx "CURRENCY = 'currency units'" "$work/vars.gp" && ok || bad "run-data: no currency key: $(grep CURRENCY "$work/vars.gp")"

# --- sweeps: two keys (one line per value of the second), values with commas ---
sw2=$work/sweep2
if "$bin" sweep "$src/scenarios/quickstart.ini" --vary policy.apim.retention=24h,48h,7d \
    --vary workload.apim.retry_limit=0,3 --replications 2 --set simulation.horizon=60d --set simulation.warmup=0 \
    --out "$sw2" >/dev/null 2>"$work/stderr"; then
    expect 0 "" -- "$plot_sweep" "$sw2" recovery_rate cost_retained
    png_ok "$sw2/sweep-recovery_rate-cost_retained.png" 1100 660
    # gnuplot's first two line colours: #9400d3 (retry_limit 0) and #009e73 (3)
    colour_in_bands "$sw2/sweep-recovery_rate-cost_retained.png" 9400d3 1 200
    colour_in_bands "$sw2/sweep-recovery_rate-cost_retained.png" 009e73 1 200
else
    bad "retsim sweep with two keys failed: $(head -c 300 "$work/stderr")"
fi
swc=$work/sweep-comma
if "$bin" sweep "$src/scenarios/quickstart.ini" \
    --vary 'workload.apim.restore_delay=exp(mean=1d),lognormal(median=24h,sigma=1)' \
    --replications 2 --set simulation.horizon=60d --set simulation.warmup=0 --out "$swc" >/dev/null 2>"$work/stderr"; then
    expect 0 "" -- "$plot_sweep" "$swc" recovery_rate
    png_ok "$swc/sweep-recovery_rate.png" 1100 660
    colour_in_bands "$swc/sweep-recovery_rate.png" 9400d3 1 50
    expect 0 "" -- "$plot_sweep" "$swc" recovery_rate "" apim
    png_ok "$swc/sweep-recovery_rate-apim.png" 1100 660
else
    bad "retsim sweep with comma values failed: $(head -c 300 "$work/stderr")"
fi

# --- the numbers behind plot-sweep, on a hand-made sweep_ci.csv ---
# x: 7d, 24h and 1d12h are 7, 1 and 1.5 days, sorted by x; rates in percent;
# a point with one replication has no interval (low = high = mean).
hs=$work/hand-sweep
mkdir -p "$hs"
printf '[scenario]\nname = hs\n[simulation]\nwarmup = 0\n' >"$hs/manifest"
cat >"$hs/sweep_ci.csv" <<'CSV'
point,policy.apim.retention,workload.apim.restore_delay,kind,metric,n,mean,sd,ci95_low,ci95_high
0,7d,"exp(mean=1d)",apim,recovery_rate,2,0.9,0.01,0.8,1
1,7d,"lognormal(median=1d,sigma=1)",apim,recovery_rate,2,0.8,0.01,0.7,0.9
2,24h,"exp(mean=1d)",apim,recovery_rate,1,0.5,,,
3,24h,"lognormal(median=1d,sigma=1)",apim,recovery_rate,2,0.4,0.01,0.3,0.5
4,1d12h,"exp(mean=1d)",apim,recovery_rate,2,0.6,0.01,0.5,0.7
5,1d12h,"lognormal(median=1d,sigma=1)",apim,recovery_rate,2,0.55,0.01,0.45,0.65
0,7d,"exp(mean=1d)",apim,cost_retained,2,2400000,1,2300000,2500000
1,7d,"lognormal(median=1d,sigma=1)",apim,cost_retained,2,1200000,1,1100000,1300000
CSV
if awk -v tmp="$work" -v m1=recovery_rate -v m2="" -v want="" -f "$src/analysis/lib.awk" \
    -f "$src/analysis/sweep-data.awk" "$hs/manifest" "$hs/sweep_ci.csv" >"$work/vars.gp" 2>"$work/stderr"; then
    got=$(awk -F'\t' '{ printf "%s|%s|%s|%s|%s;", $1, $2, $3, $4, $5 }' "$work/m1-g1.tsv")
    [ "$got" = "1|24h|50|50|50;1.5|1d12h|60|50|70;7|7d|90|80|100;" ] && ok || bad "sweep-data group 1: '$got'"
    got=$(awk -F'\t' '{ printf "%s|%s;", $1, $3 }' "$work/m1-g2.tsv")
    [ "$got" = "1|40;1.5|55;7|80;" ] && ok || bad "sweep-data group 2: '$got'"
    grep -qx "GT\[2\] = 'lognormal(median=1d,sigma=1)'" "$work/vars.gp" && ok || bad "sweep-data: comma value: $(grep 'GT\[' "$work/vars.gp")"
    grep -qx "XLABEL = 'policy.apim.retention (days)'" "$work/vars.gp" && ok || bad "sweep-data: x label: $(grep XLABEL "$work/vars.gp")"
    grep -qx "Y1LABEL = 'recovery_rate (%)'; YDIV1 = 1" "$work/vars.gp" && ok || bad "sweep-data: y label: $(grep Y1LABEL "$work/vars.gp")"
    grep -qx "XCAT = 0" "$work/vars.gp" && ok || bad "sweep-data: durations are not categories"
else
    bad "sweep-data.awk failed on the hand-made sweep: $(head -c 300 "$work/stderr")"
fi
# money in millions, not 2.5e+06: 2.5 + 8% head room = 2.7
awk -v tmp="$work" -v m1=cost_retained -v m2="" -v want="" -f "$src/analysis/lib.awk" \
    -f "$src/analysis/sweep-data.awk" "$hs/manifest" "$hs/sweep_ci.csv" >"$work/vars.gp" 2>/dev/null
grep -qx "Y1LABEL = 'cost_retained (millions; currency units, over the run)'; YDIV1 = 1000000" "$work/vars.gp" &&
    grep -qx "Y1RANGE = '\[0:2.7\]'" "$work/vars.gp" && ok || bad "sweep-data: millions: $(grep Y1 "$work/vars.gp")"
expect 0 "" -- "$plot_sweep" "$hs" recovery_rate
png_ok "$hs/sweep-recovery_rate.png" 1100 660

# --- bad folders: exit 2, a message, nothing written ---
mkdir -p "$work/empty"
expect 2 "timeseries.csv not found" -- "$plot_run" "$work/empty"
expect 2 "sweep_ci.csv not found" -- "$plot_sweep" "$work/empty" recovery_rate
expect 2 "no such folder" -- "$plot_run" "$work/missing"
expect 2 "no such folder" -- "$plot_sweep" "$work/missing" recovery_rate
expect 2 "usage" -- "$plot_run"
expect 2 "usage" -- "$plot_sweep" "$work/empty"
[ -z "$(ls -A "$work/empty")" ] && ok || bad "failed plot wrote into $work/empty: $(ls "$work/empty")"
"$bin" replay "$src/scenarios/apim.ini" "$src/scenarios/traces/apim-walkthrough.csv" --out "$work/replay" >/dev/null 2>&1
expect 2 "replay' writes none" -- "$plot_run" "$work/replay"
# a run folder whose timeseries lost its rows, or has a broken one
trunc=$work/trunc
mkdir -p "$trunc"
cp "$gal/manifest" "$gal/summary.csv" "$trunc/"
head -1 "$gal/timeseries.csv" >"$trunc/timeseries.csv"
expect 2 "timeseries.csv: no rows" -- "$plot_run" "$trunc"
head -3 "$gal/timeseries.csv" >"$trunc/timeseries.csv"
echo "0,0,gallery,1,2" >>"$trunc/timeseries.csv"
expect 2 "timeseries.csv:4: 5 fields, the header has 12" -- "$plot_run" "$trunc"
[ ! -e "$trunc/inventory.png" ] && [ ! -e "$trunc/cost.png" ] && ok || bad "failed plot-run left a chart in $trunc"
# a good folder asked for what it does not have keeps its charts
before=$(cat "$gal/inventory.png" "$gal/cost.png" | md5sum)
expect 2 "no kind 'nokind'; the run has: gallery gallery_image gallery_image_version all" -- "$plot_run" "$gal" nokind
[ "$(cat "$gal/inventory.png" "$gal/cost.png" | md5sum)" = "$before" ] && ok || bad "failed plot-run changed the charts of $gal"
expect 2 "no metric 'colour'; metrics: creates" -- "$plot_sweep" "$sw2" colour
expect 2 "no metric 'colour'" -- "$plot_sweep" "$sw2" recovery_rate colour
expect 2 "no kind 'nokind'; the sweep has: apim" -- "$plot_sweep" "$sw2" recovery_rate "" nokind
expect 2 "sweep_ci.csv: no rows" -- bash -c "head -1 '$sw2/sweep_ci.csv' >'$work/empty/sweep_ci.csv' && cp '$sw2/manifest' '$work/empty/' && '$plot_sweep' '$work/empty' recovery_rate"

echo "charts: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
