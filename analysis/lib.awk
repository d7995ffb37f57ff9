# Functions shared by analysis/plot-run and analysis/plot-sweep. POSIX awk
# (Debian's mawk is enough), loaded with `awk -f lib.awk -f PROGRAM.awk`.

# Split one CSV line into f[1..n] and return n. A field may be quoted
# ("lognormal(median=1d,sigma=1)"), with "" standing for one quote.
function csv_split(line, f,    n, i, c, cur, q, len) {
    n = 0; cur = ""; q = 0; len = length(line)
    sub(/\r$/, "", line)
    for (i = 1; i <= len; i++) {
        c = substr(line, i, 1)
        if (q) {
            if (c == "\"") {
                if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ } else { q = 0 }
            } else {
                cur = cur c
            }
        } else if (c == "\"") {
            q = 1
        } else if (c == ",") {
            f[++n] = cur; cur = ""
        } else {
            cur = cur c
        }
    }
    f[++n] = cur
    return n
}

# A retsim duration ("0", "90s", "48h", "1d12h", "250ms", "2w") in
# milliseconds, or -1 when the text is not one.
function dur_ms(s,    total, num, unit, seen) {
    if (s == "0") { return 0 }
    if (s == "" || s !~ /^([0-9]+(ms|w|d|h|m|s))+$/) { return -1 }
    total = 0
    while (s != "") {
        match(s, /^[0-9]+/)
        num = substr(s, 1, RLENGTH) + 0
        s = substr(s, RLENGTH + 1)
        unit = substr(s, 1, 2) == "ms" ? "ms" : substr(s, 1, 1)
        s = substr(s, length(unit) + 1)
        if (unit in seen) { return -1 }
        seen[unit] = 1
        total += num * unit_ms(unit)
    }
    return total
}

function unit_ms(u) {
    if (u == "w") { return 604800000 }
    if (u == "d") { return 86400000 }
    if (u == "h") { return 3600000 }
    if (u == "m") { return 60000 }
    if (u == "s") { return 1000 }
    return 1
}

function is_num(s) {
    return s ~ /^-?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/
}

# A rate "500/d", "1/180d", "2.5/h" (or "0") in events per day, or -1.
function rate_per_day(s,    p, d) {
    if (s == "0") { return 0 }
    if (index(s, "/") == 0) { return -1 }
    p = substr(s, 1, index(s, "/") - 1)
    d = substr(s, index(s, "/") + 1)
    if (d ~ /^(w|d|h|m|s|ms)$/) { d = "1" d }
    if (!is_num(p) || dur_ms(d) <= 0) { return -1 }
    return p * 86400000 / dur_ms(d)
}

# The 0.975 quantile of Student's t with df degrees of freedom: a table to 30,
# then the Cornish-Fisher expansion around z (error below 1e-4 there).
function t975(df,    z, t) {
    if (df < 1) { return 0 }
    if (df <= 30) {
        split("12.7062 4.3027 3.1824 2.7764 2.5706 2.4469 2.3646 2.3060 2.2622 2.2281 " \
              "2.2010 2.1788 2.1604 2.1448 2.1314 2.1199 2.1098 2.1009 2.0930 2.0860 " \
              "2.0796 2.0739 2.0687 2.0639 2.0595 2.0555 2.0518 2.0484 2.0452 2.0423", t, " ")
        return t[df] + 0
    }
    z = 1.959964
    return z + (z ^ 3 + z) / (4 * df) + (5 * z ^ 5 + 16 * z ^ 3 + 3 * z) / (96 * df ^ 2)
}

# x with thousands separators and no e-notation: whole numbers from 100 up,
# three significant digits below.
function fmt_num(x,    s, neg, r, d) {
    neg = x < 0; if (neg) { x = -x }
    if (x >= 100 || x == 0) {
        s = sprintf("%.0f", x); r = ""
        while (length(s) > 3) { r = "," substr(s, length(s) - 2) r; s = substr(s, 1, length(s) - 3) }
        s = s r
    } else {
        d = x >= 10 ? 1 : (x >= 1 ? 2 : 3)
        if (x < 0.01) { d = 4 }
        s = sprintf("%." d "f", x)
    }
    return (neg ? "-" : "") s
}

# A gnuplot string literal.
function gq(s) {
    gsub(/'/, "''", s)
    return "'" s "'"
}

function trim(s) {
    sub(/^[ \t]+/, "", s); sub(/[ \t\r]+$/, "", s)
    return s
}

# One manifest (INI) line: fills man[section SUBSEP key] = value and remembers
# the order of sections in man_sec[1..man_nsec] and of a section's keys in
# man_key[section, 1..man_nkeys[section]].
function manifest_line(line,    k, v) {
    sub(/\r$/, "", line)
    if (line ~ /^[ \t]*(;|#|$)/) { return }
    if (line ~ /^[ \t]*\[/) {
        man_cur = trim(line); gsub(/^\[|\].*$/, "", man_cur)
        man_sec[++man_nsec] = man_cur
        return
    }
    if (index(line, "=") == 0) { return }
    k = trim(substr(line, 1, index(line, "=") - 1))
    v = substr(line, index(line, "=") + 1)
    sub(/[ \t]+;.*$/, "", v)
    if (!((man_cur SUBSEP k) in man)) { man_key[man_cur, ++man_nkeys[man_cur]] = k }
    man[man_cur SUBSEP k] = trim(v)
}

# The currency named in the manifest (any section's `currency` key), else a
# neutral name: retsim prices are in whatever unit the scenario used.
function manifest_currency(    i) {
    for (i = 1; i <= man_nsec; i++) {
        if ((man_sec[i] SUBSEP "currency") in man && man[man_sec[i] SUBSEP "currency"] != "") {
            return man[man_sec[i] SUBSEP "currency"]
        }
    }
    return "currency units"
}

function fail(msg) {
    print PROG ": " msg > "/dev/stderr"
    failed = 1
    exit 2
}
