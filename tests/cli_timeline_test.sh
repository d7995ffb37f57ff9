#!/usr/bin/env bash
# analysis/plot-timeline: a picture for every walkthrough, the numbers behind
# it on a hand-made events.csv, the choice of names, and bad input.
# usage: cli_timeline_test.sh RETSIM_BINARY SOURCE_DIR
. "$(dirname "$0")/cli_lib.sh" "$@"
plot=$src/analysis/plot-timeline

# tl CODE PATTERN ARGS...: plot-timeline ARGS exits CODE, stderr matching PATTERN
tl() {
    local code=$1 pattern=$2
    shift 2
    "$plot" "$@" >"$work/stdout" 2>"$work/stderr"
    local rc=$?
    if [ "$rc" -ne "$code" ]; then
        bad "plot-timeline $* exited $rc, expected $code: $(head -c 300 "$work/stderr")"
    elif [ -n "$pattern" ] && ! grep -qE -- "$pattern" "$work/stderr"; then
        bad "plot-timeline $*: stderr does not match /$pattern/: $(head -c 300 "$work/stderr")"
    else
        ok
    fi
}

# png_file FILE: FILE exists and begins with the 8 bytes of the PNG signature
png_file() {
    local sig
    sig=$(head -c 8 "$1" 2>/dev/null | od -An -tx1 | tr -d ' \n')
    [ "$sig" = "89504e470d0a1a0a" ] && [ "$(wc -c <"$1")" -gt 1000 ] && ok || bad "$1: not a PNG (signature '$sig')"
}

# --- every walkthrough with its scenario (apim-walkthrough.csv is apim.ini's) ---
for trace in "$src"/scenarios/traces/*.csv; do
    name=$(basename "$trace" .csv)
    ini=$src/scenarios/$name.ini
    [ "$name" = apim-walkthrough ] && ini=$src/scenarios/apim.ini
    [ -f "$ini" ] || { bad "no scenario for $trace"; continue; }
    if ! "$bin" replay "$ini" "$trace" --out "$work/$name" >/dev/null 2>"$work/stderr"; then
        bad "retsim replay $ini $trace failed: $(head -c 300 "$work/stderr")"
        continue
    fi
    tl 0 "" "$work/$name"
    png_file "$work/$name/timeline.png"
done
# the picture is listed with the folder's files (the next retsim command replaces it)
grep -qxF timeline.png "$work/apim-walkthrough/.retsim-files" && ok || bad "timeline.png not in .retsim-files"
# -o FILE and NAME arguments (a name, kind/name, kind/parent/name)
tl 0 "" "$work/gcs" -o "$work/pick.png" acme-logs object/report.csv object/acme-tmp/part-0001
png_file "$work/pick.png"

# --- the numbers behind the picture, on a hand-made folder ---
# Columns in another order, and two more after generation (reason, detail):
# plot-timeline finds them by name. Reservation 2d, 5d for a free owner.
# shop (payg owner): created at 0, soft-deleted at 1d, purged at 2d: window
# [2d, 4d); b is refused at 3d and takes it at 5d. cart (free owner): hard
# delete at 4d: window [4d, 9d), cut at the end of the axis. The last event is
# at 5d, so the axis is in days and ends at 5d * 1.06 = 5.3.
hand=$work/hand
mkdir -p "$hand"
cat >"$hand/manifest" <<'INI'
[scenario]
name = hand                                 ; short name
[policy.k]
reuse_after_purge = owner_subscription      ; who may take a purged name at once
reservation = 2d                            ; how long everyone else waits after purge
reservation.free = 5d
INI
cat >"$hand/events.csv" <<'CSV'
name,time_ms,op,kind,subscription,sub_type,parent,outcome,state_before,state_after,generation,reason,detail
shop,0,create,k,a,payg,,ok,absent,active,,,
cart,0,create,k,c,free,,ok,absent,active,,,
shop,86400000,delete,k,a,payg,,soft_deleted,active,soft_deleted,,,
shop,172800000,purge,k,a,payg,,ok,soft_deleted,purged,,,"a detail, with a comma"
,200000000,set_policy,k,,,,ok,,,,,
shop,259200000,create,k,b,payg,,conflict_reserved,purged,purged,,reserved,
cart,345600000,delete,k,c,free,,hard_deleted,active,purged,,,
shop,432000000,create,k,b,payg,,ok,purged,active,,,
CSV
hv=$work/hand-vars
mkdir -p "$hv"
# boxes FILE: the boxes of hv/FILE as "row:x_low-x_high;"
boxes() { awk -F'\t' '{ printf "%s:%g-%g;", $2, $3, $4 }' "$hv/$1"; }
if awk -v tmp="$hv" -v want="" -v limit=30 -f "$src/analysis/lib.awk" -f "$src/analysis/timeline-data.awk" \
    "$hand/manifest" "$hand/events.csv" >"$hv/vars.gp" 2>"$work/stderr"; then
    # shop is row 2 (the top), cart row 1
    [ "$(boxes active.tsv)" = "2:0-1;2:5-5.3;1:0-4;" ] && ok || bad "active bars: $(boxes active.tsv)"
    [ "$(boxes soft.tsv)" = "2:1-2;" ] && ok || bad "soft-deleted bars: $(boxes soft.tsv)"
    [ "$(boxes reserved.tsv)" = "2:2-4;1:4-5.3;" ] && ok || bad "reservation windows: $(boxes reserved.tsv)"
    # one refusal, at 3d on shop's row, labelled with its outcome
    [ "$(cut -f1-3 "$hv/ops4.tsv")" = "$(printf '3.000000\t2\tconflict_reserved')" ] && ok || bad "refusals: $(cat "$hv/ops4.tsv")"
    grep -qx "NOPS1 = 4; NOPS2 = 2; NOPS3 = 0; NOPS4 = 1" "$hv/vars.gp" && ok || bad "markers: $(grep NOPS "$hv/vars.gp")"
    # set_policy at 200000000 ms = 2.31481... days
    grep -q "^PAT\[1\] = 2.31481" "$hv/vars.gp" && ok || bad "set_policy line: $(grep PAT "$hv/vars.gp")"
    grep -qx "set ytics ('k/shop' 2, 'k/cart' 1)" "$hv/vars.gp" && ok || bad "rows: $(grep ytics "$hv/vars.gp")"
    grep -qx "TITLE = 'hand: the life of each name'" "$hv/vars.gp" && ok || bad "title: $(grep TITLE "$hv/vars.gp")"
else
    bad "timeline-data.awk failed on the hand-made folder: $(head -c 300 "$work/stderr")"
fi
tl 0 "" "$hand"
png_file "$hand/timeline.png"

# --- a reservation that never ends, and a drawn one (its end is in the events) ---
# f/x: forever from its hard delete at 1d to the end of the axis (4d * 1.06 =
# 4.24); u/y: drawn, refused at 2d and never taken: [1d, 2d]; u/z: drawn,
# taken by another subscription at 3d: [1d, 3d). Their owners are free: the
# drawn reservation takes precedence over reservation.free = 5d (semantics.md).
kinds=$work/kinds
mkdir -p "$kinds"
printf '[scenario]\nname = kinds\n[policy.f]\nreservation = forever\n[policy.u]\nreservation = uniform(min=1h, max=72h) ; drawn per release\nreservation.free = 5d\n' >"$kinds/manifest"
cat >"$kinds/events.csv" <<'CSV'
time_ms,op,kind,subscription,sub_type,parent,name,outcome,state_before,state_after
0,create,f,a,payg,,x,ok,absent,active
0,create,u,a,free,,y,ok,absent,active
0,create,u,a,free,,z,ok,absent,active
86400000,delete,f,a,payg,,x,hard_deleted,active,purged
86400000,delete,u,a,free,,y,hard_deleted,active,purged
86400000,delete,u,a,free,,z,hard_deleted,active,purged
172800000,create,u,b,payg,,y,conflict_reserved,purged,purged
259200000,create,u,b,payg,,z,ok,purged,active
345600000,restore,f,a,payg,,x,not_found,purged,purged
CSV
if awk -v tmp="$hv" -v want="" -v limit=30 -f "$src/analysis/lib.awk" -f "$src/analysis/timeline-data.awk" \
    "$kinds/manifest" "$kinds/events.csv" >"$hv/vars.gp" 2>"$work/stderr"; then
    [ "$(boxes reserved.tsv)" = "3:1-4.24;2:1-2;1:1-3;" ] && ok || bad "forever and drawn windows: $(boxes reserved.tsv)"
else
    bad "timeline-data.awk failed on forever/drawn reservations: $(head -c 300 "$work/stderr")"
fi

# --- more than 30 names: the 30 with the most refusals, and the title says so ---
# n01..n35; n01..n05 have no refusal, the others one each: n06..n35 are drawn
many=$work/many
mkdir -p "$many"
cp "$hand/manifest" "$many/"
{
    echo "time_ms,op,kind,subscription,sub_type,parent,name,outcome,state_before,state_after"
    for i in $(seq -w 1 35); do
        echo "$((10#$i * 1000)),create,k,a,payg,,n$i,ok,absent,active"
        [ "$((10#$i))" -gt 5 ] && echo "$((10#$i * 1000 + 500)),create,k,b,payg,,n$i,conflict_active,active,active"
    done
} >"$many/events.csv"
if awk -v tmp="$hv" -v want="" -v limit=30 -f "$src/analysis/lib.awk" -f "$src/analysis/timeline-data.awk" \
    "$many/manifest" "$many/events.csv" >"$hv/vars.gp" 2>"$work/stderr"; then
    grep -q "the 30 of 35 names with the most refusals" "$hv/vars.gp" && ok || bad "cut title: $(grep TITLE "$hv/vars.gp")"
    grep -q "^set ytics ('k/n06' 30, " "$hv/vars.gp" && grep -q "'k/n35' 1)$" "$hv/vars.gp" &&
        ! grep -q "'k/n05'" "$hv/vars.gp" && ok || bad "cut rows: $(grep ytics "$hv/vars.gp")"
else
    bad "timeline-data.awk failed on 35 names: $(head -c 300 "$work/stderr")"
fi
tl 0 "" "$many"
png_file "$many/timeline.png"

# --- bad input: exit 2, a message, nothing written ---
mkdir -p "$work/empty"
tl 2 "events.csv not found" "$work/empty"
tl 2 "no such folder" "$work/missing"
tl 2 "not a folder" "$hand/events.csv"
tl 2 "usage" 
tl 2 "unknown option '-x'" "$hand" -x
tl 2 "-o needs a file name" "$hand" -o
tl 2 "does not exist" "$hand" -o "$work/nofolder/t.png"
[ -z "$(ls -A "$work/empty")" ] && ok || bad "a failed plot wrote into $work/empty: $(ls "$work/empty")"
before=$(md5sum <"$hand/timeline.png")
tl 2 "no name 'nosuch'; the events have: k/shop k/cart" "$hand" nosuch
tl 2 "no name 'nosuch'" "$hand" -o "$work/unknown.png" shop nosuch
[ ! -e "$work/unknown.png" ] && [ "$(md5sum <"$hand/timeline.png")" = "$before" ] && ok || bad "a failed plot wrote a picture"
# an events.csv that is not retsim's, or has a broken row
bogus=$work/bogus
mkdir -p "$bogus"
cp "$hand/manifest" "$bogus/"
printf 'a,b\n1,2\n' >"$bogus/events.csv"
tl 2 "no 'time_ms' column" "$bogus"
head -3 "$hand/events.csv" >"$bogus/events.csv"
echo "shop,1,create" >>"$bogus/events.csv"
tl 2 "events.csv:4: 3 fields, the header has 13" "$bogus"
head -1 "$hand/events.csv" >"$bogus/events.csv"
tl 2 "events.csv: no rows" "$bogus"
[ ! -e "$bogus/timeline.png" ] && ok || bad "a failed plot wrote $bogus/timeline.png"

echo "timeline: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
