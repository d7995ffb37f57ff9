# gnuplot script for analysis/plot-sweep: draws tmp/sweep.png from the files
# analysis/sweep-data.awk wrote into `tmp` (given with -e "tmp='...'"), and M2
# (1 when there is a second metric, on the right axis). Columns of
# tmp/m<metric>-g<group>.tsv: x, the value as written, mean, low, high.
load tmp.'/vars.gp'
set terminal pngcairo noenhanced size 1100, 660 font 'sans,10'
set output tmp.'/sweep.png'
set datafile separator '\t'
set grid
set title TITLE
set key below center horizontal Left reverse title KEYTITLE
set xlabel XLABEL
set ylabel Y1LABEL
eval 'set yrange '.Y1RANGE
set offsets graph 0.05, graph 0.05, 0, 0
if (M2) {
    set y2label Y2LABEL
    eval 'set y2range '.Y2RANGE
    set y2tics
    set ytics nomirror
}
# numbers on a numeric axis below, the values as written above; categories
# (distribution specs) have only their names, equally spaced
if (XCAT) {
    unset x2tics
    tics = 'xticlabels(2)'
    # no line between categories: there is nothing in between them
    style = 'yerrorbars'
} else {
    set link x2
    set x2tics () ; set xtics nomirror
    tics = 'x2ticlabels(2)'
    style = 'yerrorlines'
}
# legend: the other keys' values, and the metric when there are two
gt(g) = (NG > 1 ? GT[g] : '').(M2 ? (NG > 1 ? ': ' : '').M1NAME : '')
m2t(g) = (NG > 1 ? GT[g].': ' : '').M2NAME.' (right axis, dashed)'
cmd = "plot for [g = 1:NG] tmp.'/m1-g'.g.'.tsv' using 1:($3/YDIV1):($4/YDIV1):($5/YDIV1):".tics." with ".style." lw 2 pt 7 lc g title gt(g)"
if (M2) {
    cmd = cmd.", for [g = 1:NG] tmp.'/m2-g'.g.'.tsv' using 1:($3/YDIV2):($4/YDIV2):($5/YDIV2) axes x1y2 with ".style." lw 2 dt 2 pt 5 lc g title m2t(g)"
}
eval cmd
