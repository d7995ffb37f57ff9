# gnuplot script for analysis/plot-run: reads dir/timeseries.csv and dir/summary.csv
# (variables `dir` and `kind` come from the command line).
set datafile separator ','
set terminal pngcairo noenhanced size 1100,600 font 'sans,10'
set key outside top center horizontal
set grid
set autoscale xfix
set xlabel 'day'
days(ms) = ms / 86400000.0
pick(col) = strcol(3) eq kind ? column(col) : NaN

# totals from summary.csv, for the titles
stats dir.'/summary.csv' using (strcol(4) eq kind ? column('cost_live') : NaN) name 'LIVE' nooutput
stats dir.'/summary.csv' using (strcol(4) eq kind ? column('cost_retained') : NaN) name 'KEPT' nooutput
stats dir.'/summary.csv' using (strcol(4) eq kind ? column('recovery_rate') : NaN) name 'REC' nooutput
scenario = system("awk -F, 'NR == 2 { print $1 }' ".dir.'/summary.csv')

set output dir.'/inventory.png'
set title sprintf("%s (%s): inventory over time — recovery rate %.1f%%", scenario, kind, 100 * REC_mean)
set ylabel 'instances / names'
plot dir.'/timeseries.csv' using (days($1)):(pick(4)) skip 1 with lines lw 2 title 'active', \
     ''                    using (days($1)):(pick(5)) skip 1 with lines lw 2 title 'soft-deleted', \
     ''                    using (days($1)):(pick(6)) skip 1 with lines lw 2 title 'reserved names'

set output dir.'/cost.png'
share = LIVE_mean + KEPT_mean > 0 ? 100 * KEPT_mean / (LIVE_mean + KEPT_mean) : 0
set title sprintf("%s (%s): cost per hour — total live %.0f, retained %.0f (%.2f%% for retention)", \
                  scenario, kind, LIVE_mean, KEPT_mean, share)
set ylabel 'cost per hour'
set style fill solid 0.5 noborder
plot dir.'/timeseries.csv' using (days($1)):(pick(9) + pick(10)) skip 1 with filledcurves x1 title 'retained (soft-deleted)', \
     ''                    using (days($1)):(pick(9)) skip 1 with filledcurves x1 title 'live'
