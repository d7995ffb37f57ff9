#!/usr/bin/env bash
# retsim fit, round trip: generate a trace from apim.ini (arrivals 300/d,
# lifetime lognormal(median=30d, sigma=1.0)), fit it, and check each true
# parameter lies inside its 95% CI while a deliberately wrong one does not;
# the fitted workload with apim's [policy.apim] passes `retsim check`.
. "$(dirname "$0")/cli_lib.sh" "$@"
# 17 whole weeks, so the weekly profile averages out to the nominal rate; no
# accidents, since an unnoticed one ends a life in the trace like the owner's
# delete (with them sigma comes out about 1.03)
expect 0 "" -- generate "$src/scenarios/apim.ini" -o "$work/t.csv" --set simulation.horizon=119d \
    --set simulation.warmup=0 --set workload.apim.accidental_deletes=0
expect 0 "" -- fit "$work/t.csv" --horizon 119d -o "$work/w.ini"
cat "$work/w.ini"

# inside LO HI VALUE: LO <= VALUE <= HI
inside() { awk -v lo="$1" -v hi="$2" -v v="$3" 'BEGIN { exit !(lo <= v && v <= hi) }'; }
# ci PATTERN [FROM]: the "LO HI" of the 95% CI after PATTERN on the first
# line that has it (at or after the first line matching FROM)
ci() {
    sed -n "/${2:-.}/,\$p" "$work/w.ini" |
        sed -n "s/.*$1[^;]*95% CI \([0-9.e+-]*\)–\([0-9.e+-]*\).*/\1 \2/p" | head -1
}

check() { # LABEL PATTERN TRUE WRONG [FROM]
    local r
    r=$(ci "$2" "${5:-.}")
    if [ -z "$r" ]; then
        bad "$1: no CI in the output"
        return
    fi
    # shellcheck disable=SC2086
    inside $r "$3" && ok || bad "$1: true $3 outside the 95% CI $r"
    # shellcheck disable=SC2086
    inside $r "$4" && bad "$1: wrong $4 inside the 95% CI $r" || ok
}
check arrivals "new names" 300 315
check median "lognormal: median" 30 33
check sigma "sigma" 1.0 1.1
grep -q "^;   gamma: scale = " "$work/w.ini" && ok || bad "no gamma fit in the comments"
grep -q '^lifetime = lognormal(' "$work/w.ini" && ok || bad "lognormal is not the best by AIC"

# truth SCENARIO SECTION KEY: the value of KEY in [SECTION] of a scenario
truth() {
    awk -v sec="[$2]" -v key="$3" '/^\[/ { in_sec = ($1 == sec) }
        in_sec && $1 == key && $2 == "=" { sub(/^[^=]*= */, ""); print; exit }' "$1"
}
# days DURATION: 2h, 1d, 30m, 45s (one unit) in days
days() { awk -v d="$1" 'BEGIN { n = d + 0; u = substr(d, length(d));
    f = u == "d" ? 1 : u == "h" ? 24 : u == "m" ? 1440 : u == "s" ? 86400 : 0; print n / f }'; }
# mean_of "exp(mean=2h)": the mean, in days
mean_of() { days "$(echo "$1" | sed -n 's/^exp(mean=\(.*\))$/\1/p')"; }
# the purge, recreate and retry keys of apim.ini, and its weekly profile
apim="$src/scenarios/apim.ini"
for key in purge_probability recreate_probability recreate_other_subscription_probability; do
    v=$(truth "$apim" workload.apim "$key")
    # wrong: 10% more than the truth, about 4 standard errors at these n
    check "$key" "; $key:" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.1 }')"
done
v=$(mean_of "$(truth "$apim" workload.apim purge_delay)")
check purge_delay "exp: mean" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.08 }')" "^; purge delay"
v=$(mean_of "$(truth "$apim" workload.apim recreate_delay)")
check recreate_delay "exp: mean" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.08 }')" "^; recreate delay"
[ "$(truth "$work/w.ini" workload.apim retry_interval)" = "$(truth "$apim" workload.apim retry_interval)" ] &&
    ok || bad "retry_interval is not apim's"
[ "$(truth "$work/w.ini" workload.apim retry_limit)" = "$(truth "$apim" workload.apim retry_limit)" ] &&
    ok || bad "retry_limit is not apim's"
# weekly: each true weight (normalised to mean 1, as the reader does) inside
# its interval; flat (1) outside every one; the daily profile (none in
# apim.ini) is flat within noise and not written
w=$(truth "$apim" workload.apim weekly_profile | tr -d ' ')
i=0
for day in Mon Tue Wed Thu Fri Sat Sun; do
    i=$((i + 1))
    t=$(echo "$w" | awk -F, -v i=$i '{ s = 0; for (j = 1; j <= NF; j++) s += $j; print $i * NF / s }')
    r=$(sed -n "s/.* $day [0-9.]* (\([0-9.]*\)–\([0-9.]*\)).*/\1 \2/p" "$work/w.ini")
    # shellcheck disable=SC2086
    inside $r "$t" && ok || bad "weekly $day: true $t outside $r"
    # shellcheck disable=SC2086
    inside $r 1 && bad "weekly $day: flat 1 inside $r" || ok
done
grep -q '^weekly_profile = ' "$work/w.ini" && ok || bad "no weekly_profile written"
grep -q '^; daily_profile: .*flat within noise' "$work/w.ini" && ok || bad "daily profile not flat within noise"
grep -q '^daily_profile' "$work/w.ini" && bad "a daily_profile written for a flat trace" || ok

# the output loads: [policy.apim] plus the fitted workload
printf '[scenario]\nname = fitted\n[policy.apim]\nretention = 48h\n' >"$work/s.ini"
cat "$work/w.ini" >>"$work/s.ini"
expect 0 "" -- check "$work/s.ini"

# With accidents (apim.ini as it is): the rate of the accidents the owner
# restores is accidental_deletes 1/365d x the soft deletes' share 0.97 (3% of
# deletes use an API version that hard-deletes) x notice_probability 0.9 =
# 0.0023918/d; restore_delay = lognormal(median=24h, sigma=1.0). A restore
# later than the 48h retention failed: --retention 48h says so.
expect 0 "" -- generate "$src/scenarios/apim.ini" -o "$work/t2.csv" --set simulation.horizon=119d \
    --set simulation.warmup=0
expect 0 "" -- fit "$work/t2.csv" --horizon 119d --retention 48h -o "$work/w.ini" --force
cat "$work/w.ini"
check arrivals2 "new names" 300 315
check accidents "accidents" 0.0023918 0.0028
check restore_median "lognormal: median" 1.0 1.2 "^; restore delay"
check restore_sigma "sigma" 1.0 1.15 "^; restore delay"
grep -q '^restore_delay = lognormal(' "$work/w.ini" && ok || bad "restore delay: lognormal is not the best by AIC"
printf '[scenario]\nname = fitted\n[policy.apim]\nretention = 48h\n' >"$work/s.ini"
cat "$work/w.ini" >>"$work/s.ini"
expect 0 "" -- check "$work/s.ini"

# A child kind: compute-gallery.ini's image versions live inside gallery
# images (parent "gallery/image"), which come 3 with each gallery; versions
# are hard-deleted in galleries with soft delete off, soft-deleted (and a
# recreate refused and retried at retry_interval) in the others, and a
# failed provisioning refuses the delete (retried too). No accidents, as above.
cg="$src/scenarios/compute-gallery.ini"
ck=gallery_image_version
expect 0 "" -- generate "$cg" -o "$work/g.csv" --set simulation.horizon=119d --set simulation.warmup=0 \
    --set workload.$ck.accidental_deletes=0
expect 0 "" -- fit "$work/g.csv" --horizon 119d --kind $ck -o "$work/w.ini" --force
cat "$work/w.ini"
grep -q "^\[workload.$ck\]" "$work/w.ini" && ok || bad "no [workload.$ck]"
# wrong: 5% more arrivals, 10% on the lifetime, 25% on the rest (n is a few
# hundred for the purges and recreates, so their CIs are about +-15% wide)
v=$(truth "$cg" workload.$ck arrivals | sed 's|/d$||')
check cg_arrivals "new names" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.05 }')"
lt=$(truth "$cg" workload.$ck lifetime)
v=$(days "$(echo "$lt" | sed -n 's/^lognormal(median=\([^,]*\),.*/\1/p')")
check cg_median "lognormal: median" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.1 }')"
v=$(echo "$lt" | sed -n 's/.*sigma=\([0-9.]*\))$/\1/p')
check cg_sigma "sigma" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.1 }')"
for key in purge_probability recreate_probability; do
    v=$(truth "$cg" workload.$ck "$key")
    check "cg_$key" "; $key:" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.25 }')"
done
v=$(mean_of "$(truth "$cg" workload.$ck purge_delay)")
check cg_purge_delay "exp: mean" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.25 }')" "^; purge delay"
v=$(mean_of "$(truth "$cg" workload.$ck recreate_delay)")
check cg_recreate_delay "exp: mean" "$v" "$(awk -v v="$v" 'BEGIN { print v * 1.25 }')" "^; recreate delay"
for key in retry_interval retry_limit; do
    [ "$(truth "$work/w.ini" workload.$ck $key)" = "$(truth "$cg" workload.$ck $key)" ] &&
        ok || bad "$ck $key is not compute-gallery's"
done
# compute-gallery.ini sets no profile and no other-subscription recreates
grep -q '^; weekly_profile: .*flat within noise' "$work/w.ini" && ok || bad "$ck weekly profile not flat"
grep -q '^; daily_profile: .*flat within noise' "$work/w.ini" && ok || bad "$ck daily profile not flat"
[ -z "$(truth "$cg" workload.$ck recreate_other_subscription_probability)" ] && ok ||
    bad "compute-gallery.ini now sets recreate_other_subscription_probability: check it here"
r=$(ci "; recreate_other_subscription_probability:")
# shellcheck disable=SC2086
inside $r 0 && ok || bad "other-subscription recreates: 0 outside $r"

# Every kind: the image definitions come per_parent with each gallery (none
# arrive on their own); the versions' section is the one --kind wrote (every
# kind's rows are followed either way); with compute-gallery's policies the
# fitted workload is a scenario `check` takes
cp "$work/w.ini" "$work/w_kind.ini"
expect 0 "" -- fit "$work/g.csv" --horizon 119d -o "$work/w.ini" --force
v=$(truth "$cg" workload.gallery_image per_parent)
[ -n "$v" ] && [ "$(truth "$work/w.ini" workload.gallery_image per_parent)" = "$v" ] && ok ||
    bad "gallery_image per_parent is not compute-gallery's $v"
grep -q "^; children created with their gallery parent: $v each .*: exact)" "$work/w.ini" && ok ||
    bad "gallery_image: not exactly $v children per gallery"
[ "$(truth "$work/w.ini" workload.gallery_image arrivals)" = "0/d" ] && ok || bad "gallery_image arrivals not 0"
grep -q '^per_parent' <(sed -n "/^\[workload.$ck\]/,\$p" "$work/w.ini") && bad "$ck given a per_parent" || ok
cmp -s <(sed -n "/^\[workload.$ck\]/,\$p" "$work/w.ini") <(sed -n '/^\[workload/,$p' "$work/w_kind.ini") &&
    ok || bad "$ck: fit with and without --kind differ"
awk '/^\[/ { keep = ($0 !~ /^\[workload\./) } keep' "$cg" >"$work/s.ini"
cat "$work/w.ini" >>"$work/s.ini"
expect 0 "" -- check "$work/s.ini"

expect 2 "expected one TRACE" -- fit
expect 2 "horizon" -- fit "$work/t.csv" --horizon 1d
expect 2 "no create of kind" -- fit "$work/t.csv" --kind keyvault
# an existing file is kept unless --force, and a failed fit leaves it as it was
cp "$work/w.ini" "$work/keep.ini"
expect 2 "exists: add --force" -- fit "$work/t.csv" --horizon 119d -o "$work/w.ini"
cmp -s "$work/w.ini" "$work/keep.ini" && ok || bad "fit without --force changed an existing file"
expect 2 "" -- fit "$work/t.csv" --horizon 1d -o "$work/w.ini" --force
cmp -s "$work/w.ini" "$work/keep.ini" && ok || bad "a failed fit touched the file"
echo "cli_fit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
