# Data for analysis/timeline.gp, from one `retsim replay` (or `run --events`)
# output folder. Reads OUT_DIR/manifest, then OUT_DIR/events.csv; writes into
# `tmp` active.tsv, soft.tsv, reserved.tsv (boxes: x, y, x_low, x_high, y_low,
# y_high), ops<c>.tsv (markers of outcome class c: x, y, outcome, the y of its label) and prints
# the gnuplot variables timeline.gp needs. Variables: tmp (folder), want (the
# NAME arguments, separated by newlines; "" for every name), limit (rows).
#
# Columns are found by their header name: events.csv may gain columns.
# A row of the picture is one name: kind/parent/name (kind/name without a
# parent). A kind whose names hold several generations at once is drawn by the
# name's liveliest state (active if a generation is, else soft-deleted).
# The reservation window opens where the name is released (a row whose
# state_after is purged: purge, auto_purge, hard_deleted); its length is the
# manifest's [policy.KIND] reservation.<owner's sub_type> or reservation; a
# drawn reservation (a distribution) ends where the events show it ended (the
# next create that succeeds, else the last conflict_reserved); a create that
# takes the name ends any window early. reuse_after_purge = anyone with
# reservation 0 draws no window. A set_policy that changes the reservation is
# not followed (the window keeps the resolved scenario's length).

BEGIN { PROG = "plot-timeline"; nfile = 0; nnames = 0; npol = 0; tmax = 0 }
FNR == 1 { nfile++; file[nfile] = FILENAME }
nfile == 1 { manifest_line($0); next }
nfile == 2 { event_row(); next }

function need(name) {
    if (!(name in h)) { fail(FILENAME ":1: no '" name "' column (is this a retsim events.csv?)") }
    return h[name]
}

function event_row(    f, n, i, key, t, oc) {
    n = csv_split($0, f)
    if (FNR == 1) {
        ncols = n
        for (i = 1; i <= n; i++) { h[f[i]] = i }
        c_t = need("time_ms"); c_op = need("op"); c_kind = need("kind"); c_par = need("parent")
        c_name = need("name"); c_out = need("outcome"); c_after = need("state_after")
        c_sub = need("subscription"); c_st = need("sub_type")
        c_gen = ("generation" in h) ? h["generation"] : 0
        return
    }
    if (n != ncols) { fail(FILENAME ":" FNR ": " n " fields, the header has " ncols) }
    t = f[c_t]
    if (t !~ /^[0-9]+$/) { fail(FILENAME ":" FNR ": time_ms '" t "' is not a number") }
    t += 0
    if (t > tmax) { tmax = t }
    rows++
    if (f[c_op] == "set_policy") {
        pol_t[++npol] = t
        pol_k[npol] = f[c_kind]
        return
    }
    if (f[c_name] == "") { return }
    key = f[c_kind] "/" (f[c_par] == "" ? "" : f[c_par] "/") f[c_name]
    if (!(key in idx)) {
        idx[key] = ++nnames; label[nnames] = key
        kindof[nnames] = f[c_kind]; bare[nnames] = f[c_name]
        short[nnames] = f[c_kind] "/" f[c_name]
    }
    i = idx[key]
    ne[i]++
    e_t[i, ne[i]] = t; e_op[i, ne[i]] = f[c_op]; e_out[i, ne[i]] = f[c_out]
    e_after[i, ne[i]] = f[c_after]; e_sub[i, ne[i]] = f[c_sub]; e_st[i, ne[i]] = f[c_st]
    e_gen[i, ne[i]] = c_gen ? f[c_gen] : ""
    oc = outcome_class(f[c_op], f[c_out])
    if (oc == 4) { refusals[i]++ }
}

# 1: ok/updated, 2: a delete that answered (soft_deleted, hard_deleted),
# 3: automatic purge, 4: a refusal (every other outcome).
function outcome_class(op, out) {
    if (op == "auto_purge") { return 3 }
    if (out == "ok" || out == "updated") { return 1 }
    if (out == "soft_deleted" || out == "hard_deleted") { return 2 }
    return 4
}

# The state of the name being drawn from its per-generation states: 1 active, 2 soft-deleted, 0 neither.
function name_state(    g, s) {
    s = 0
    for (g in gstate) {
        if (gstate[g] == "active") { return 1 }
        if (gstate[g] == "soft_deleted") { s = 2 }
    }
    return s
}

# The reservation of name i released by event j, in ms: -1 none, -2 forever,
# -3 drawn (ends where the events say).
function reservation_ms(i, j,    sec, r, d) {
    sec = "policy." kindof[i]
    r = man[sec SUBSEP "reservation"]
    if ((sec SUBSEP "reservation." e_st[i, j]) in man && r !~ /\(/) { r = man[sec SUBSEP "reservation." e_st[i, j]] }
    sub(/[ \t]+;.*$/, "", r)
    if (r == "forever") { return -2 }
    if (r ~ /\(/) { return -3 }
    d = dur_ms(r)
    return d > 0 ? d : -1
}

function box(out, x0, x1, y, hw) {
    if (x1 <= x0) { return }
    printf "%.6f\t%d\t%.6f\t%.6f\t%.3f\t%.3f\n", (x0 + x1) / 2 / xdiv, y, x0 / xdiv, x1 / xdiv, y - hw, y + hw > out
}

# Bars and markers of name i drawn on row y.
function draw_name(i, y,    j, s, ns, since, rstart, rend, r, g, last_cr, oc, last_ref, last_out, side, near, text) {
    delete gstate
    s = 0; since = 0; rstart = -1; last_ref = -1; side = 1
    for (j = 1; j <= ne[i]; j++) {
        g = e_gen[i, j]
        if (e_after[i, j] != "") { gstate[g] = e_after[i, j] }
        ns = name_state()
        if (ns != s) {
            if (s == 1) { box(tmp "/active.tsv", since, e_t[i, j], y, 0.3) }
            if (s == 2) { box(tmp "/soft.tsv", since, e_t[i, j], y, 0.3) }
            s = ns; since = e_t[i, j]
        }
        if (rstart >= 0 && (ns == 1 || e_t[i, j] >= rend)) {
            close_window(i, y, rstart, rend, e_t[i, j], last_cr)
            rstart = -1
        }
        if (e_after[i, j] == "purged" && (e_op[i, j] == "auto_purge" || e_out[i, j] == "ok" || e_out[i, j] == "hard_deleted")) {
            r = reservation_ms(i, j)
            if (r != -1) {
                rstart = e_t[i, j]; last_cr = -1
                rend = r == -2 || r == -3 ? xmax_ms : rstart + r
                drawn = r == -3
            }
        }
        if (rstart >= 0 && e_out[i, j] == "conflict_reserved") { last_cr = e_t[i, j] }
        oc = outcome_class(e_op[i, j], e_out[i, j])
        # a refusal's outcome is written above its marker, below it when the
        # previous refusal of the row is too close for both to be read; a
        # close repeat of the same outcome (retries) is not labelled again
        text = ""
        if (oc == 4) {
            near = last_ref >= 0 && e_t[i, j] - last_ref < xmax_ms * 0.05
            if (!(near && e_out[i, j] == last_out)) {
                side = near ? -side : 1
                text = e_out[i, j]
            }
            last_ref = e_t[i, j]; last_out = e_out[i, j]
        }
        printf "%.6f\t%d\t%s\t%.2f\n", e_t[i, j] / xdiv, y, text, y + 0.42 * side \
            > (tmp "/ops" oc ".tsv")
        nops[oc]++
    }
    if (s == 1) { box(tmp "/active.tsv", since, xmax_ms, y, 0.3) }
    if (s == 2) { box(tmp "/soft.tsv", since, xmax_ms, y, 0.3) }
    if (rstart >= 0) { close_window(i, y, rstart, rend, xmax_ms, last_cr) }
}

# A window opened at x0, due to end at due, cut at `at` (a create that took
# the name, or the end of the axis); a drawn one ends at the take or the last
# conflict_reserved seen.
function close_window(i, y, x0, due, at, last_cr,    x1) {
    x1 = at < due ? at : due
    if (drawn && at >= xmax_ms) { x1 = last_cr > x0 ? last_cr : x0 }
    box(tmp "/reserved.tsv", x0, x1, y, 0.18)
    nres++
}

# The names to draw into pick[1..npick]: the NAME arguments (a name, kind/name
# or kind/parent/name), else every name, else the `limit` with most refusals.
function choose(    nw, w, a, i, k, found, best, bi, taken) {
    npick = 0
    if (want != "") {
        nw = split(want, w, "\n")
        for (a = 1; a <= nw; a++) {
            found = 0
            for (i = 1; i <= nnames; i++) {
                if (w[a] == label[i] || w[a] == short[i] || w[a] == bare[i]) {
                    if (!(i in taken)) { pick[++npick] = i; taken[i] = 1 }
                    found = 1
                }
            }
            if (!found) { fail(file[2] ": no name '" w[a] "'; the events have: " name_list()) }
        }
        return
    }
    if (nnames <= limit) {
        for (i = 1; i <= nnames; i++) { pick[++npick] = i }
        return
    }
    # the `limit` names with the most refusals, ties by first appearance; then
    # in order of first appearance, so the picture reads as the trace does
    for (k = 1; k <= limit; k++) {
        best = -1; bi = 0
        for (i = 1; i <= nnames; i++) {
            if (!(i in taken) && refusals[i] + 0 > best) { best = refusals[i] + 0; bi = i }
        }
        taken[bi] = 1
    }
    for (i = 1; i <= nnames; i++) { if (i in taken) { pick[++npick] = i } }
    cut = 1
}

function name_list(    i, s, n) {
    s = ""
    for (i = 1; i <= nnames && i <= 40; i++) { s = s (i > 1 ? " " : "") label[i] }
    if (nnames > 40) { s = s " ..." }
    return s
}

END {
    if (failed) { exit 2 }
    if (nfile < 2) { fail("expected manifest and events.csv") }
    if (rows == 0) { fail(file[2] ": no rows") }
    if (nnames == 0) { fail(file[2] ": no operation names a resource") }
    choose()
    # hours for stories of up to three days, days otherwise; room after the last event
    xdiv = tmax <= 3 * 86400000 ? 3600000 : 86400000
    xmax_ms = tmax > 0 ? tmax * 1.06 : xdiv
    for (k = 1; k <= npick; k++) { draw_name(pick[k], npick - k + 1) }
    for (f = 1; f <= 4; f++) { printf "" > (tmp "/ops" f ".tsv"); close(tmp "/ops" f ".tsv") }
    split("active soft reserved", bn, " ")
    for (f = 1; f <= 3; f++) { printf "" > (tmp "/" bn[f] ".tsv"); close(tmp "/" bn[f] ".tsv") }
    s = "set ytics ("
    for (k = 1; k <= npick; k++) { s = s (k > 1 ? ", " : "") gq(label[pick[k]]) " " (npick - k + 1) }
    print s ")"
    print "N = " npick "; NPOL = " npol "; XMAX = " xmax_ms / xdiv
    print "NOPS1 = " nops[1] + 0 "; NOPS2 = " nops[2] + 0 "; NOPS3 = " nops[3] + 0 "; NOPS4 = " nops[4] + 0
    print "array PAT[" (npol > 0 ? npol : 1) "]; array PLABEL[" (npol > 0 ? npol : 1) "]"
    for (k = 1; k <= npol; k++) {
        print "PAT[" k "] = " pol_t[k] / xdiv "; PLABEL[" k "] = " gq("set_policy " pol_k[k])
    }
    print "XLABEL = " gq("time since the start of the trace (" (xdiv == 3600000 ? "hours" : "days") ")")
    title = man["scenario" SUBSEP "name"] ": the life of each name"
    if (cut) { title = title " (the " npick " of " nnames " names with the most refusals)" }
    print "TITLE = " gq(title)
}
