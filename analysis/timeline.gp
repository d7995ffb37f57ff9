# gnuplot script for analysis/plot-timeline: draws tmp/timeline.png from the
# files analysis/timeline-data.awk wrote into `tmp` (given with -e "tmp='...'").
# Boxes (active.tsv, soft.tsv, reserved.tsv): x, y, x_low, x_high, y_low,
# y_high; markers (ops1..4.tsv: ok, deletes, automatic purges, refusals): x, y,
# outcome (refusals only), the y of its label.
load tmp.'/vars.gp'
set datafile separator '\t'
set terminal pngcairo noenhanced size 1400, (N * 34 + 190 > 360 ? N * 34 + 190 : 360) font 'sans,10'
set output tmp.'/timeline.png'
set title TITLE."\n".'bars: ACTIVE (green), SOFT_DELETED (orange), reservation window (hatched); markers: operations by outcome; dashed: set_policy'
set xlabel XLABEL
set xrange [0:XMAX]
set yrange [0.4:N + 0.9]
set grid xtics
set key outside below horizontal samplen 1.5
set lmargin 34
set rmargin 4
set tics nomirror
set ytics scale 0

do for [c = 1:NPOL] {
    set arrow 10 + c from PAT[c], graph 0 to PAT[c], graph 1 nohead dt 2 lw 1.5 lc rgb 'black' front
    set label 10 + c PLABEL[c] at PAT[c], graph 1 left offset 0.3, -0.8 front tc rgb '#333333'
}

# an empty file (no soft delete in the story, say) is skipped with a warning;
# every name has at least one operation, so the plot is never empty
plot tmp.'/active.tsv' using 1:2:3:4:5:6 with boxxyerror fs solid 0.75 noborder lc rgb '#2ca02c' title 'ACTIVE', \
     tmp.'/soft.tsv' using 1:2:3:4:5:6 with boxxyerror fs solid 0.75 noborder lc rgb '#ff7f0e' title 'SOFT_DELETED', \
     tmp.'/reserved.tsv' using 1:2:3:4:5:6 with boxxyerror fs pattern 4 border lc rgb '#555555' title 'reservation window', \
     tmp.'/ops1.tsv' using 1:2 with points pt 7 ps 1.1 lc rgb '#08306b' title 'ok / updated', \
     tmp.'/ops2.tsv' using 1:2 with points pt 5 ps 1.1 lc rgb '#6a3d9a' title 'soft_deleted / hard_deleted', \
     tmp.'/ops3.tsv' using 1:2 with points pt 4 ps 1.3 lw 2 lc rgb '#444444' title 'auto_purge', \
     tmp.'/ops4.tsv' using 1:2 with points pt 9 ps 2.0 lc rgb '#d62728' title 'refused (conflict_*, blocked_*, forbidden, expired, ...)', \
     tmp.'/ops4.tsv' using 1:4:3 with labels font 'sans,8' tc rgb '#d62728' notitle
