/* retsim/compare.h — two policies compared on the same workload.
 *
 * A and B are the scenario with two sets of overrides, run with the same
 * master seed and replication indices (common random numbers): replication
 * r of A and of B see the same operations, so B - A per replication is the
 * policy's effect alone and its spread is small. The interval of the mean
 * difference is Student's t with n - 1 degrees of freedom over the finished
 * pairs (retsim_ci_of, retsim/experiment.h). Ownership: the experiments
 * returned are the caller's to free (retsim_experiment_destroy). Cost:
 * retsim_compare_metric is O(replications) with three small allocations;
 * the runs cost what two experiments cost. */
#ifndef RETSIM_COMPARE_H
#define RETSIM_COMPARE_H

#include "retsim/experiment.h"

#include <stdio.h>

struct retsim_provenance;

/* The paired comparison of metric m in summary row `row`: over the
 * replications r < min(a->n, b->n) finished on both sides, `a` and `b` are
 * the retsim_ci_of each side's values and `diff` that of B - A per
 * replication (a pair with a non-finite value on either side is left out of
 * diff). The relative change is that difference and its CI as percentages
 * of |mean of A|; NaN when A's mean is 0 (or not finite): a change relative
 * to nothing has no size. Out of memory gives n = 0 and NaN everywhere. */
typedef struct retsim_paired {
    retsim_ci a, b, diff;
    bool significant; /* the CI of the difference excludes 0 */
    double rel_pct, rel_low_pct, rel_high_pct;
} retsim_paired;
retsim_paired retsim_compare_metric(const retsim_experiment *a, const retsim_experiment *b, int row,
                                    retsim_metric m);

/* How B - A is estimated. PAIRED: replication r of A with replication r of B
 * (the same workload streams), a t interval of the differences. UNPAIRED: the
 * two sides are independent samples (different workloads, e.g. a scenario
 * against the one `retsim fit` made from its trace): Welch's interval, the
 * difference of the means with Welch-Satterthwaite degrees of freedom. If the
 * sides did share random streams (same seed), their positive correlation
 * makes this interval wider than the paired one, never falsely narrow. */
typedef enum { RETSIM_COMPARE_PAIRED, RETSIM_COMPARE_UNPAIRED } retsim_compare_design;

/* The unpaired comparison of metric m in summary row `row` of both sides:
 * `a`, `b` as in retsim_compare_metric over each side's finished
 * replications; `diff` has mean = mean(B) - mean(A), sd NaN, n the smaller
 * side's count and Welch's 95% interval (NaN below 2 values a side; a zero
 * spread on both sides gives the point). */
retsim_paired retsim_compare_metric_unpaired(const retsim_experiment *a, const retsim_experiment *b, int row,
                                             retsim_metric m);
/* May two output folders be compared unpaired? Each needs at least 2
 * replications and both the same kinds in the same order and the same
 * currency (their rows are matched by position). RETSIM_EINPUT naming the
 * folder and what differs. */
int retsim_compare_unpaired_ok(const char *dir_a, const retsim_experiment *a, const char *dir_b,
                               const retsim_experiment *b, retsim_error *err);

/* Run the scenario with overrides sets_a (A) and with sets_b (B), same
 * options, same seed. A bad override is its error; two sides that resolve
 * to the same scenario are RETSIM_EINPUT (nothing to compare). On error
 * *a and *b are NULL. */
int retsim_compare_run(const retsim_scenario *sc, const char *const *sets_a, int n_a,
                       const char *const *sets_b, int n_b, const retsim_experiment_options *opt,
                       retsim_experiment **a, retsim_experiment **b, retsim_error *err);
/* compare.csv: kind,metric,n,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,significant,
 * rel_change_pct,rel_ci95_low_pct,rel_ci95_high_pct and manifest (the command, with prov; no
 * scenario; an unpaired comparison adds `design = unpaired` and counts replications instead of
 * pairs) into dir, all or nothing, staged and swapped in whole (retsim/outdir.h); dir NULL: skip.
 * And a table of headline metrics on out: thousands separators, costs in A's currency, the
 * relative change beside B - A. */
int retsim_compare_report(const retsim_experiment *a, const retsim_experiment *b, retsim_compare_design how,
                          const char *dir, FILE *out, const struct retsim_provenance *prov,
                          retsim_error *err);
/* compare.csv's table (every metric of every kind) to out: the file, or --format csv on a terminal. */
void retsim_compare_write_csv(FILE *out, const retsim_experiment *a, const retsim_experiment *b,
                              retsim_compare_design how);

#endif
