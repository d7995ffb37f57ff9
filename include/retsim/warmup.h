/* retsim/warmup.h — where the start-up transient ends: MSER-5.
 *
 * A run starts from an empty world, so counts such as ACTIVE climb before
 * they settle; averages that include the climb are biased. MSER (White 1997;
 * MSER-5: Franklin & White 2008) picks the truncation point d that minimises
 *     MSER(d) = 1 / (k - d)^2 * sum_{j=d+1..k} (Z_j - mean(Z_{d+1..k}))^2
 * over batch means Z_1..Z_k of b consecutive samples (b = 5 for MSER-5),
 * with d restricted to the first half (d <= k / 2): near the end the
 * statistic is small by chance. A minimum at that limit means no steady
 * state was found in the first half: the run is too short to say.
 * Pure functions, thread-safe; O(n) time, O(1) extra memory. */
#ifndef RETSIM_WARMUP_H
#define RETSIM_WARMUP_H

#include <stdbool.h>
#include <stddef.h>

#define RETSIM_MSER_BATCH 5

typedef struct retsim_mser {
    size_t batches;   /* k = n / batch (a last partial batch is left out) */
    size_t d;         /* batches to drop */
    size_t truncate;  /* samples to drop: d * batch */
    double statistic; /* MSER(d) */
    bool at_limit;    /* d = k / 2: no steady state in the first half */
} retsim_mser;

/* MSER over x[0..n) in batches of `batch` samples. Returns 0, or
 * RETSIM_EINPUT when there are fewer than 2 batches (nothing to choose). */
int retsim_warmup_mser(const double *x, size_t n, size_t batch, retsim_mser *out);

/* Samples of several series (rows) taken at the same instants, growing as
 * a run goes; values of row r are x[r * cap ...]. Zero-initialise, then add. */
typedef struct retsim_warmup_series {
    int n_rows;
    size_t n, cap;
    double *x;
} retsim_warmup_series;

/* Append one sample of every row (values[0..n_rows)). RETSIM_ENOMEM on failure. */
int retsim_warmup_series_add(retsim_warmup_series *s, int n_rows, const double *values);
/* MSER-5 of one row. */
int retsim_warmup_series_mser5(const retsim_warmup_series *s, int row, retsim_mser *out);
void retsim_warmup_series_free(retsim_warmup_series *s); /* leaves it empty; NULL-safe */

#endif
