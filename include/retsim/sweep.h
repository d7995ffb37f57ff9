/* retsim/sweep.h — a scenario run over a grid of knob values (two policies
 * compared on the same workload: retsim/compare.h).
 *
 * --vary KEY=v1,v2,... : each KEY is a --set key; a value may contain commas
 * inside parentheses (lognormal(median=24h, sigma=1)). Points are the
 * cartesian product, first key varying slowest. Every point uses the same
 * master seed and replication indices: common random numbers, so that a
 * difference between points is the knob's, not the workload's. Ownership:
 * results are the caller's to free (retsim_sweep_destroy). */
#ifndef RETSIM_SWEEP_H
#define RETSIM_SWEEP_H

#include "retsim/experiment.h"

struct retsim_provenance;

#define RETSIM_MAX_VARY   8
#define RETSIM_MAX_VALUES 32
#define RETSIM_MAX_POINTS 100000 /* points in one sweep (the product of the --vary counts) */

typedef struct retsim_vary {
    char key[128];
    int n;
    char value[RETSIM_MAX_VALUES][128];
} retsim_vary;

/* Parse "KEY=v1,v2,...". RETSIM_EUSAGE with err naming what was wrong. */
int retsim_vary_parse(const char *spec, retsim_vary *out, retsim_error *err);

typedef struct retsim_sweep {
    int n_vary;
    retsim_vary vary[RETSIM_MAX_VARY];
    int n_points;
    int (*index)[RETSIM_MAX_VARY];   /* [point][vary]: which value */
    retsim_experiment **experiments; /* [point] */
} retsim_sweep;

/* Run every point (each validated first: a bad value fails before any run).
 * Unless opt->force, a sweep whose points together are beyond the limits of
 * retsim/estimate.h is refused before any runs (RETSIM_EINPUT). */
int retsim_sweep_run(const retsim_scenario *sc, const retsim_vary *vary, int n_vary,
                     const retsim_experiment_options *opt, retsim_sweep **out, retsim_error *err);
void retsim_sweep_destroy(retsim_sweep *s); /* NULL-safe */
/* sweep.csv (point, the varied keys, replication, seed, kind, metrics),
 * sweep_ci.csv (point, keys, kind, metric, n, mean, sd, ci95_low, ci95_high)
 * and manifest (with prov, may be NULL) into dir, all or nothing: the folder
 * is staged and swapped in whole (retsim/outdir.h). */
int retsim_sweep_write(const retsim_scenario *sc, const retsim_sweep *s, const char *dir,
                       const struct retsim_provenance *prov, retsim_error *err);

#endif
