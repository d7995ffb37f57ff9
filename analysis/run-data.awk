# Data for analysis/run.gp, from one `retsim run` output folder. Reads, in this
# order, OUT_DIR/manifest, OUT_DIR/summary.csv and OUT_DIR/timeseries.csv;
# writes tmp/kind<i>.tsv (one per drawn kind) and prints the gnuplot variables
# run.gp needs. Variables: tmp (folder), want (a kind, or "" for every kind).
#
# A kind's file has one row per sample time: x (days or hours), then mean, low
# and high of active, soft_deleted, reserved, cost_live_per_hour,
# cost_retained_per_hour and their sum. low/high are the 95% confidence
# interval of the mean across replications (equal to the mean for one).

BEGIN { PROG = "plot-run"; nfile = 0; nseries = 6 }
FNR == 1 { nfile++; file[nfile] = FILENAME }
nfile == 1 { manifest_line($0); next }
nfile == 2 { summary_row(); next }
nfile == 3 { series_row(); next }

function need(h, name, what) {
    if (!(name in h)) { fail(FILENAME ":1: no '" name "' column (" what ")") }
    return h[name]
}

function summary_row(    f, n, i, k, p, v) {
    n = csv_split($0, f)
    if (FNR == 1) {
        for (i = 1; i <= n; i++) { sh[f[i]] = i }
        need(sh, "kind", "is this a retsim summary.csv?")
        return
    }
    # with per-period rows (a `period` column), only the whole-run rows count
    if ("period" in sh) {
        p = f[sh["period"]]
        if (p != "" && p != "all") { return }
    }
    k = f[sh["kind"]]
    srows[k]++
    split("recovery_rate cost_live cost_retained", names, " ")
    for (i = 1; i <= 3; i++) {
        if (names[i] in sh) {
            v = f[sh[names[i]]]
            if (v != "" && is_num(v)) { ssum[k, names[i]] += v; sn[k, names[i]]++ }
        }
    }
}

function series_row(    f, n, i, k, t, key, v) {
    n = csv_split($0, f)
    if (FNR == 1) {
        tcols = n
        for (i = 1; i <= n; i++) { th[f[i]] = i }
        c_time = need(th, "time_ms", "is this a retsim timeseries.csv?")
        c_kind = need(th, "kind", "")
        split("active soft_deleted reserved cost_live_per_hour cost_retained_per_hour", cname, " ")
        for (i = 1; i <= 5; i++) { col[i] = need(th, cname[i], "") }
        c_rep = ("replication" in th) ? th["replication"] : 0
        return
    }
    if (n != tcols) { fail(FILENAME ":" FNR ": " n " fields, the header has " tcols) }
    k = f[c_kind]; t = f[c_time]
    if (!is_num(t)) { fail(FILENAME ":" FNR ": time_ms '" t "' is not a number") }
    if (!(k in kseen)) { kseen[k] = 1; kinds[++nkinds] = k }
    key = k SUBSEP t
    if (!(key in cnt)) { times[k, ++ntimes[k]] = t }
    cnt[key]++
    reps[c_rep ? f[c_rep] : 0] = 1
    for (i = 1; i <= 6; i++) {
        if (i <= 5) {
            v = f[col[i]]
            if (!is_num(v)) { fail(FILENAME ":" FNR ": " cname[i] " '" v "' is not a number") }
        } else {
            v = f[col[4]] + f[col[5]]
        }
        sum[key, i] += v; sq[key, i] += v * v
    }
    rows++
}

# mean, low, high of series i at key, into m[1..3]
function band(key, i, m,    n, mean, var, half) {
    n = cnt[key]; mean = sum[key, i] / n
    var = n > 1 ? (sq[key, i] - n * mean * mean) / (n - 1) : 0
    half = var > 0 ? t975(n - 1) * sqrt(var / n) : 0
    m[1] = mean; m[2] = mean - half; m[3] = mean + half
}

function write_kind(k, idx, out,    j, key, i, m, line) {
    invmax[idx] = 0; costmax[idx] = 0
    for (j = 1; j <= ntimes[k]; j++) {
        key = k SUBSEP times[k, j]
        if (cnt[key] != nreps) {
            fail(file[3] ": kind " k " at time_ms " times[k, j] " has " cnt[key] " rows, expected one per replication (" nreps ")")
        }
        line = sprintf("%.6f", times[k, j] / xdiv)
        for (i = 1; i <= 6; i++) {
            band(key, i, m)
            line = line sprintf("\t%.10g\t%.10g\t%.10g", m[1], m[2], m[3])
            if (i <= 3 && m[3] > invmax[idx]) { invmax[idx] = m[3] }
            if (i == 6 && m[3] > costmax[idx]) { costmax[idx] = m[3] }
        }
        print line > out
    }
    close(out)
}

function figure(k, name,    v) {
    if (sn[k, name] == 0) { return "" }
    return ssum[k, name] / sn[k, name]
}

# The two panel titles of kind k (index idx): recovery rate, cost after warm-up.
function titles(k, idx,    r, live, kept, s) {
    r = figure(k, "recovery_rate")
    s = k ": recovery rate " (r == "" ? "n/a (no restores)" : sprintf("%.1f%%", 100 * r))
    print "TINV[" idx "] = " gq(s)
    live = figure(k, "cost_live"); kept = figure(k, "cost_retained")
    if (live == "" || kept == "") {
        s = k
    } else {
        s = sprintf("%s: cost %s: live %s, retained %s %s (%s%% for retention)", k, period_name,
                    fmt_num(live), fmt_num(kept), currency,
                    live + kept > 0 ? sprintf("%.2f", 100 * kept / (live + kept)) : "0")
    }
    print "TCOST[" idx "] = " gq(s)
}

# The [change.*] instants as gnuplot assignments; sets n_changes.
function marks(    i, j, s, label, at, rest, kk, out) {
    n_changes = 0; out = ""
    for (i = 1; i <= man_nsec; i++) {
        s = man_sec[i]
        if (s !~ /^change\./) { continue }
        label = substr(s, 8)
        at = dur_ms(man[s SUBSEP "at"])
        if (at < 0) { fail(file[1] ": [" s "] at = '" man[s SUBSEP "at"] "' is not a duration") }
        rest = ""
        for (j = 1; j <= man_nkeys[s]; j++) {
            kk = man_key[s, j]
            if (kk != "at" && kk != "kind" && kk != "applies_to") {
                rest = rest (rest == "" ? "" : ", ") kk " = " man[s SUBSEP kk]
            }
        }
        if ((s SUBSEP "kind") in man) { rest = man[s SUBSEP "kind"] " " rest }
        n_changes++
        out = out "CAT[" n_changes "] = " at / xdiv "\n"
        out = out "CLABEL[" n_changes "] = " gq("change." label " at " man[s SUBSEP "at"] ": " rest) "\n"
    }
    return out
}

END {
    if (failed) { exit 2 }
    if (nfile < 3) { fail("expected manifest, summary.csv and timeseries.csv") }
    if (rows == 0) { fail(file[3] ": no rows (did the run finish?)") }
    for (r in reps) { nreps++ }
    horizon = dur_ms(man["simulation" SUBSEP "horizon"])
    warmup = dur_ms(man["simulation" SUBSEP "warmup"])
    if (horizon < 0) { fail(file[1] ": no [simulation] horizon (is this a retsim run's manifest?)") }
    if (warmup < 0) { warmup = 0 }
    # hours for runs of up to three days, days otherwise
    xdiv = horizon <= 3 * 86400000 ? 3600000 : 86400000
    currency = manifest_currency()
    period_name = "over " (warmup > 0 ? man["simulation" SUBSEP "warmup"] : "0") "-" man["simulation" SUBSEP "horizon"] \
                  (warmup > 0 ? " (after the warm-up)" : " (the whole run)")
    if (want != "") {
        if (!(want in kseen)) {
            s = ""; for (i = 1; i <= nkinds; i++) { s = s " " kinds[i] }
            fail(file[3] ": no kind '" want "'; the run has:" s)
        }
        draw[++ndraw] = want
    } else {
        for (i = 1; i <= nkinds; i++) {
            if (kinds[i] != "all" || nkinds == 1) { draw[++ndraw] = kinds[i] }
        }
    }
    changes = marks()
    print "array TINV[" ndraw "]; array TCOST[" ndraw "]; array INVMAX[" ndraw "]; array COSTMAX[" ndraw "]"
    print "array CAT[" (n_changes > 0 ? n_changes : 1) "]; array CLABEL[" (n_changes > 0 ? n_changes : 1) "]"
    printf "%s", changes
    for (i = 1; i <= ndraw; i++) {
        write_kind(draw[i], i, tmp "/kind" i ".tsv")
        titles(draw[i], i)
        print "INVMAX[" i "] = " invmax[i] "; COSTMAX[" i "] = " costmax[i]
    }
    print "N = " ndraw "; NREP = " nreps "; NCHANGE = " n_changes
    print "WARMUP = " warmup / xdiv "; HORIZON = " horizon / xdiv
    print "XLABEL = " gq("time since the start (" (xdiv == 3600000 ? "hours" : "days") ")")
    print "CURRENCY = " gq(currency)
    print "SCENARIO = " gq(man["scenario" SUBSEP "name"])
    print "WARMUP_TEXT = " gq(man["simulation" SUBSEP "warmup"])
}
