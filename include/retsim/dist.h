/* retsim/dist.h — distributions of durations, written in scenario files.
 *
 *   const(48h)                           always 48h
 *   exp(mean=2h)              exp(2h)     exponential
 *   lognormal(median=24h, sigma=1.0)     log-normal: ln X ~ N(ln median, sigma^2)
 *   weibull(scale=30d, shape=0.7)
 *   gamma(shape=2, scale=12h)
 *   pareto(scale=1h, shape=1.5)          X >= scale, P(X > x) = (scale/x)^shape
 *   uniform(1h, 3h)    uniform(min=1h, max=3h)
 *   empirical(file.csv)                  a measured sample: a CSV whose first
 *                                        column holds durations (header row
 *                                        first); sampled by its interpolated
 *                                        empirical distribution function;
 *                                        a regular file of at most
 *                                        RETSIM_EMPIRICAL_MAX_BYTES bytes and
 *                                        RETSIM_EMPIRICAL_MAX_VALUES values,
 *                                        no NUL byte, no field longer than
 *                                        RETSIM_EMPIRICAL_FIELD_MAX bytes
 * Durations take units (see retsim/time.h); shapes and sigma are plain numbers.
 * Duration parameters are at most RETSIM_TIME_MAX (365000d). Samples are
 * rounded to whole milliseconds, never negative, and clamped to
 * RETSIM_TIME_MAX (a tail draw of 1e300 ms or inf becomes 1,000 years, which is
 * past any horizon and keeps now + sample inside int64). Sampling is
 * O(1) (empirical: O(1) after an O(n log n) load). Ownership: a parsed
 * empirical dist owns its values; free with retsim_dist_free. */
#ifndef RETSIM_DIST_H
#define RETSIM_DIST_H

#include "retsim/error.h"
#include "retsim/time.h"

#include <gsl/gsl_rng.h>
#include <stddef.h>

#define RETSIM_EMPIRICAL_MAX_VALUES 10000000            /* 10^7 values: 80 MB of doubles */
#define RETSIM_EMPIRICAL_MAX_BYTES  (256 * 1024 * 1024) /* bytes in the file */
#define RETSIM_EMPIRICAL_FIELD_MAX  (64 * 1024)         /* bytes in one field */

typedef enum {
    RETSIM_DIST_NONE,
    RETSIM_DIST_CONST,
    RETSIM_DIST_EXP,
    RETSIM_DIST_LOGNORMAL,
    RETSIM_DIST_WEIBULL,
    RETSIM_DIST_GAMMA,
    RETSIM_DIST_PARETO,
    RETSIM_DIST_UNIFORM,
    RETSIM_DIST_EMPIRICAL,
} retsim_dist_kind;

typedef struct retsim_dist {
    retsim_dist_kind kind;
    double a, b;    /* parameters; durations in ms (see dist.c for which is which) */
    double *values; /* empirical: sorted sample, ms */
    size_t n;
    char text[160]; /* the spec as written, for manifests */
} retsim_dist;

/* Parse spec. base_dir resolves empirical file paths (NULL: current folder).
 * On error: RETSIM_EINPUT with err's msg saying what was expected (the caller
 * fills in file, line and field). */
int retsim_dist_parse(const char *spec, const char *base_dir, retsim_dist *out, retsim_error *err);
void retsim_dist_free(retsim_dist *d); /* frees values; NULL-safe */

retsim_time retsim_dist_sample(const retsim_dist *d, gsl_rng *rng);
/* E[X] in ms (INFINITY for a Pareto with shape <= 1). */
double retsim_dist_mean(const retsim_dist *d);
/* P(X <= x_ms). */
double retsim_dist_cdf(const retsim_dist *d, double x_ms);

#endif
