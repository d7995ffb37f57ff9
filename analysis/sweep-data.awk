# Data for analysis/plot-sweep, from one `retsim sweep` output folder. Reads
# OUT_DIR/manifest (for the currency and warm-up) and OUT_DIR/sweep_ci.csv;
# writes tmp/m<metric>-g<group>.tsv and prints the gnuplot variables plot-sweep
# needs. Variables: tmp (folder), m1, m2 (metric names; m2 may be ""), want
# (a kind, or "" for the only kind, or "all" when there are several).
#
# The first varied key is the x axis: numeric when every value is a duration
# (in hours up to 3 days, else days), a number or a rate (per day); equally
# spaced categories otherwise (distribution specs). Every combination of the
# other keys is one line. A data file has x, the value as written, mean, low
# and high of the 95% confidence interval (the mean itself for one replication).

BEGIN { PROG = "plot-sweep"; nfile = 0 }
FNR == 1 { nfile++; file[nfile] = FILENAME }
nfile == 1 { manifest_line($0); next }
nfile == 2 { ci_row(); next }

function need(name) {
    if (!(name in h)) { fail(FILENAME ":1: no '" name "' column (is this a retsim sweep_ci.csv?)") }
    return h[name]
}

function ci_row(    f, n, i, k, m, g, x, p) {
    n = csv_split($0, f)
    if (FNR == 1) {
        ncols = n
        for (i = 1; i <= n; i++) { h[f[i]] = i }
        need("point"); c_kind = need("kind"); c_metric = need("metric")
        c_n = need("n"); c_mean = need("mean"); c_lo = need("ci95_low"); c_hi = need("ci95_high")
        nkeys = c_kind - 2
        if (nkeys < 1) { fail(FILENAME ":1: no varied key between 'point' and 'kind'") }
        for (i = 1; i <= nkeys; i++) { key[i] = f[i + 1] }
        return
    }
    if (n != ncols) { fail(FILENAME ":" FNR ": " n " fields, the header has " ncols) }
    k = f[c_kind]; m = f[c_metric]
    if (!(k in kseen)) { kseen[k] = 1; kinds[++nkinds] = k }
    if (!(m in mseen)) { mseen[m] = 1; metrics[++nmetrics] = m }
    p = f[h["point"]]
    if (!(p in pseen)) {
        pseen[p] = 1; points[++npoints] = p
        xval[p] = f[2]
        g = ""
        for (i = 2; i <= nkeys; i++) { g = g (i > 2 ? " / " : "") f[i + 1] }
        pgroup[p] = g
        if (!(g in gseen)) { gseen[g] = ++ngroups; groups[ngroups] = g }
    }
    row[p, k, m] = f[c_mean] SUBSEP f[c_lo] SUBSEP f[c_hi]
    if (f[c_n] + 0 > maxn) { maxn = f[c_n] + 0 }
}

# How the first key's values go on the x axis: sets xmode, xdiv, xunit.
function x_axis(    i, v, all_dur, all_num, all_rate, maxms, unit) {
    all_dur = all_num = all_rate = 1; unit = 0; maxms = 0
    for (i = 1; i <= npoints; i++) {
        v = xval[points[i]]
        if (dur_ms(v) < 0) { all_dur = 0 } else { if (v != "0") { unit = 1 } if (dur_ms(v) > maxms) { maxms = dur_ms(v) } }
        if (!is_num(v)) { all_num = 0 }
        if (rate_per_day(v) < 0) { all_rate = 0 }
    }
    if (all_dur && unit) {
        xmode = "duration"; xdiv = maxms <= 3 * 86400000 ? 3600000 : 86400000
        xunit = xdiv == 3600000 ? "hours" : "days"
    } else if (all_num) {
        xmode = "number"; xunit = ""
    } else if (all_rate) {
        xmode = "rate"; xunit = "per day"
    } else {
        xmode = "category"; xunit = "not numbers: equally spaced"
    }
}

function x_of(v) {
    if (xmode == "duration") { return dur_ms(v) / xdiv }
    if (xmode == "number") { return v + 0 }
    if (xmode == "rate") { return rate_per_day(v) }
    if (!(v in cat)) { cat[v] = ++ncat }
    return cat[v]
}

# Scale and unit of a metric: rates and shares in percent, money in the
# manifest's currency, durations in hours, the rest counts.
function metric_unit(m) {
    mscale = 1
    if (m ~ /_rate$|_share$/) { mscale = 100; return "%" }
    if (m ~ /^cost_/) { return currency ", " span }
    if (m ~ /_h$/) { return "hours" }
    if (m ~ /_per_day$/) { return "per day" }
    if (m ~ /^replica_hours_/) { return "replica-hours, " span }
    if (m ~ /^reserved_(avg|peak)$/) { return "names" }
    if (m ~ /_(avg|peak)$/) { return "instances" }
    return "count, " span
}

# One data file per group for metric m (index mi); points sorted by x.
function write_metric(m, mi,    g, i, j, n, p, xs, ps, t, v, out, parts, lo, hi) {
    metric_unit(m)
    for (g = 1; g <= ngroups; g++) {
        n = 0
        for (i = 1; i <= npoints; i++) {
            p = points[i]
            if (pgroup[p] != groups[g] || !((p, kind, m) in row)) { continue }
            split(row[p, kind, m], parts, SUBSEP)
            if (parts[1] == "") { continue }
            n++; ps[n] = p; xs[n] = x_of(xval[p])
            for (j = n; j > 1 && xs[j - 1] > xs[j]; j--) {
                t = xs[j]; xs[j] = xs[j - 1]; xs[j - 1] = t
                t = ps[j]; ps[j] = ps[j - 1]; ps[j - 1] = t
            }
        }
        out = tmp "/m" mi "-g" g ".tsv"
        printf "" > out
        for (i = 1; i <= n; i++) {
            split(row[ps[i], kind, m], parts, SUBSEP)
            lo = parts[2] == "" ? parts[1] : parts[2]
            hi = parts[3] == "" ? parts[1] : parts[3]
            printf "%.10g\t%s\t%.10g\t%.10g\t%.10g\n", xs[i], xval[ps[i]], parts[1] * mscale, lo * mscale, hi * mscale > out
            v = lo * mscale; if (!(mi in ymin) || v < ymin[mi]) { ymin[mi] = v }
            v = hi * mscale; if (!(mi in ymax) || v > ymax[mi]) { ymax[mi] = v }
            drawn[mi]++
        }
        close(out)
    }
    if (drawn[mi] == 0) { fail(file[2] ": metric '" m "' of kind '" kind "' has no values at any point") }
}

# Large values in thousands or millions: gnuplot's own tic format would
# write 2.5e+06. Sets ydiv[mi]; the range is in the divided unit.
function ydiv_text(mi,    big) {
    big = ymax[mi] > -ymin[mi] ? ymax[mi] : -ymin[mi]
    ydiv[mi] = big >= 1e6 ? 1e6 : (big >= 1e4 ? 1e3 : 1)
    ymin[mi] /= ydiv[mi]; ymax[mi] /= ydiv[mi]
    return ydiv[mi] == 1e6 ? "millions; " : (ydiv[mi] == 1e3 ? "thousands; " : "")
}

# a y range that starts at 0 for quantities that cannot be negative, and is
# not gnuplot's [-1:1] when every value is 0
function yrange(mi,    lo, hi) {
    lo = ymin[mi] >= 0 ? 0 : ymin[mi]
    hi = ymax[mi] > lo ? ymax[mi] + 0.08 * (ymax[mi] - lo) : lo + 1
    return "[" lo ":" hi "]"
}

function list(arr, n,    i, s) {
    s = ""
    for (i = 1; i <= n; i++) { s = s " " arr[i] }
    return s
}

END {
    if (failed) { exit 2 }
    if (npoints == 0) { fail(file[2] ": no rows (did the sweep finish?)") }
    if (want != "") {
        if (!(want in kseen)) { fail(file[2] ": no kind '" want "'; the sweep has:" list(kinds, nkinds)) }
        kind = want
    } else {
        kind = nkinds == 1 ? kinds[1] : "all"
        if (!(kind in kseen)) { fail(file[2] ": several kinds and no 'all': name one of" list(kinds, nkinds)) }
    }
    for (i = 1; i <= 2; i++) {
        m = i == 1 ? m1 : m2
        if (m != "" && !(m in mseen)) { fail(file[2] ": no metric '" m "'; metrics:" list(metrics, nmetrics)) }
    }
    currency = manifest_currency()
    w = man["simulation" SUBSEP "warmup"]
    span = (w != "" && w != "0") ? "after the " w " warm-up" : "over the run"
    x_axis()
    write_metric(m1, 1)
    u1 = metric_unit(m1)
    if (m2 != "") { write_metric(m2, 2); u2 = metric_unit(m2) }
    print "NG = " ngroups "; NREP = " maxn
    print "XCAT = " (xmode == "category")
    print "array GT[" ngroups "]"
    for (g = 1; g <= ngroups; g++) { print "GT[" g "] = " gq(groups[g]) }
    s = ""; for (i = 2; i <= nkeys; i++) { s = s (i > 2 ? " / " : "") key[i] }
    print "KEYTITLE = " gq(s)
    print "M1NAME = " gq(m1) "; M2NAME = " gq(m2)
    print "XLABEL = " gq(key[1] (xunit != "" ? " (" xunit ")" : ""))
    t = ydiv_text(1)
    print "Y1LABEL = " gq(m1 " (" t u1 ")") "; YDIV1 = " ydiv[1]
    print "Y1RANGE = " gq(yrange(1))
    if (m2 != "") {
        t = ydiv_text(2)
        print "Y2LABEL = " gq(m2 " (" t u2 ")") "; YDIV2 = " ydiv[2]
        print "Y2RANGE = " gq(yrange(2))
    } else {
        print "YDIV2 = 1"
    }
    print "TITLE = " gq(man["scenario" SUBSEP "name"] ", " kind ": " m1 (m2 != "" ? " and " m2 : "") \
                        " against " key[1] (maxn > 1 ? " (mean and 95% CI over " maxn " replications)" : " (1 replication: no interval)"))
}
