# gnuplot script for analysis/plot-run: draws tmp/inventory.png and tmp/cost.png,
# one panel per kind, from the files analysis/run-data.awk wrote into `tmp`
# (given with -e "tmp='...'"). Columns of tmp/kind<i>.tsv: x, then mean, low,
# high of active (2-4), soft_deleted (5-7), reserved (8-10), live cost per hour
# (11-13), retained cost per hour (14-16), their sum (17-19).
load tmp.'/vars.gp'
set datafile separator '\t'
set grid
set key outside right top vertical Left reverse samplen 2 width 2
set xrange [0:HORIZON]
set xlabel XLABEL
set lmargin 12
set rmargin 30
set style fill transparent solid 0.25 noborder
# head room above the data for the change labels
head = 1.1 + 0.07 * NCHANGE
band_note = NREP > 1 ? sprintf('mean of %d replications; 95%% confidence interval of the mean: shaded (inventory), dotted (total cost)', NREP) : '1 replication'
mark_note = (WARMUP > 0 ? 'grey: '.WARMUP_TEXT.' warm-up, left out of the summary' : '') . \
            (WARMUP > 0 && NCHANGE > 0 ? '; ' : '') . (NCHANGE > 0 ? 'dashed: [change.*] instants' : '')

# The warm-up as a grey band and every [change.*] instant as a dashed line
# with its label; objects and labels in first coordinates repeat on every panel.
if (WARMUP > 0) {
    set object 1 rect from 0, graph 0 to WARMUP, graph 1 fc rgb '#d9d9d9' fs solid 0.5 noborder behind
    set label 1 'warm-up' at WARMUP / 2, graph 0.96 center tc rgb '#555555'
}
do for [c = 1:NCHANGE] {
    set arrow 10 + c from CAT[c], graph 0 to CAT[c], graph 1 nohead dt 2 lw 1.5 lc rgb 'black' front
    # in the right half of the run the label goes left of its line, clear of the key
    if (CAT[c] > HORIZON / 2) {
        set label 10 + c CLABEL[c] at CAT[c], graph (0.97 - 0.06 * c) right offset -0.6, 0 front
    } else {
        set label 10 + c CLABEL[c] at CAT[c], graph (0.97 - 0.06 * c) left offset 0.6, 0 front
    }
}

panel_h = 340
set terminal pngcairo noenhanced size 1200, 70 + panel_h * N font 'sans,10'

set output tmp.'/inventory.png'
set multiplot layout N, 1 title SCENARIO.': inventory over time ('.band_note.')'."\n".mark_note
do for [i = 1:N] {
    f = tmp.'/kind'.i.'.tsv'
    set title TINV[i]
    set ylabel 'count (instances; names for reserved)'
    set yrange [0 : INVMAX[i] > 0 ? INVMAX[i] * head : 1]
    # whole numbers without e-notation once the tics are whole
    if (INVMAX[i] > 10) { set format y '%.0f' } else { set format y '% h' }
    plot f using 1:3:4 with filledcurves lc rgb '#1f77b4' notitle, \
         f using 1:2 with lines lw 2 lc rgb '#1f77b4' title 'active instances', \
         f using 1:6:7 with filledcurves lc rgb '#d62728' notitle, \
         f using 1:5 with lines lw 2 lc rgb '#d62728' title 'soft-deleted instances', \
         f using 1:9:10 with filledcurves lc rgb '#2ca02c' notitle, \
         f using 1:8 with lines lw 2 lc rgb '#2ca02c' title 'reserved names'
}
unset multiplot

set output tmp.'/cost.png'
set multiplot layout N, 1 title SCENARIO.': cost per hour in '.CURRENCY.' ('.band_note.')'."\n".mark_note
do for [i = 1:N] {
    f = tmp.'/kind'.i.'.tsv'
    set title TCOST[i]
    set ylabel 'cost per hour ('.CURRENCY.')'
    # a kind without cost would otherwise get gnuplot's [-1:1]: negative money
    if (COSTMAX[i] > 0) {
        set yrange [0 : COSTMAX[i] * head]
        if (COSTMAX[i] > 10) { set format y '%.0f' } else { set format y '% h' }
        unset label 2
    } else {
        set yrange [0 : 1]
        set label 2 'no cost: price_per_replica_hour = 0 (or no replicas)' at graph 0.5, graph 0.5 center front
    }
    plot f using 1:(0):11 with filledcurves fs solid 0.5 lc rgb '#1f77b4' title 'live', \
         f using 1:11:17 with filledcurves fs solid 0.5 lc rgb '#ff7f0e' title 'retained (soft-deleted)', \
         f using 1:(NREP > 1 ? $18 : NaN) with lines dt 3 lc rgb 'black' title (NREP > 1 ? 'total, 95% CI' : ''), \
         f using 1:(NREP > 1 ? $19 : NaN) with lines dt 3 lc rgb 'black' notitle
}
unset multiplot
