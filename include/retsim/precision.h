/* retsim/precision.h — replications until the answer is precise enough
 * (run --precision METRIC=REL[,METRIC=REL...]).
 *
 * Replications run in batches of a fixed size B (never derived from the
 * number of threads or ranks). After batch b (replications 0 .. b*B-1, each
 * with seed (master, r) as always), every named metric's 95% Student-t CI
 * half-width (retsim_ci_of) is compared with REL x |mean| on every summary
 * row (kind): when all hold, the run stops; else the next batch runs, up to
 * a ceiling of replications. The decision depends only on those
 * replications' results, so the same seed gives the same number of
 * replications and the same bytes for any --jobs.
 *
 * Why B = 5 by default: the first verdict then has 4 degrees of freedom
 * (t = 2.78; 2 or 3 values give t = 12.7 or 4.3, intervals too wide to mean
 * much), and the run overshoots the replications it needed by at most 4.
 * Checking after every batch is sequential stopping: the final interval's
 * coverage is a little under the nominal 95% (it stops on a narrow draw
 * more often than a fixed n would); larger batches lessen that.
 *
 * A metric whose mean is 0 or that has fewer than 2 finished values on a row
 * (NaN values are left out, as retsim_ci_of does) cannot be judged there: the
 * target counts as not met and the verdict says so.
 *
 * Ownership: the experiment made by retsim_precision_run is the caller's
 * (retsim_experiment_destroy). The library prints nothing. */
#ifndef RETSIM_PRECISION_H
#define RETSIM_PRECISION_H

#include "retsim/error.h"
#include "retsim/experiment.h"
#include "retsim/scenario.h"
#include "retsim/summary.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RETSIM_PRECISION_MAX     8   /* metrics in one spec */
#define RETSIM_PRECISION_BATCH   5   /* default batch size */
#define RETSIM_PRECISION_CEILING 100 /* default ceiling of replications */

typedef struct retsim_precision_spec {
    size_t n;
    retsim_metric metric[RETSIM_PRECISION_MAX];
    double rel[RETSIM_PRECISION_MAX]; /* > 0: 0.01 for "0.01" or "1%" */
} retsim_precision_spec;

/* Parse "METRIC=REL[,METRIC=REL...]": METRIC a summary metric's column name
 * (retsim_metric_name), REL a number > 0, as a fraction ("0.01") or a
 * percentage ("1%"). 0, or RETSIM_EUSAGE with err naming the fault (an
 * unknown metric gets the nearest name: "did you mean"). A metric named
 * twice is refused. */
int retsim_precision_parse(const char *text, retsim_precision_spec *out, retsim_error *err);

/* The stopping rule's verdict on the finished replications of e. For each
 * target i: worst[i] is the largest half-width / |mean| over the rows
 * (+inf when a row cannot be judged) and worst_row[i] that row. */
typedef struct retsim_precision_verdict {
    bool met;         /* every target on every row */
    bool unjudgeable; /* some target on some row has mean 0 or under 2 finite values */
    double worst[RETSIM_PRECISION_MAX];
    int worst_row[RETSIM_PRECISION_MAX];
} retsim_precision_verdict;

/* Judge e (its finished replications; rows from the first one) against spec.
 * Cost: one pass over e's replications per target and row. No finished
 * replication: not met, unjudgeable. */
void retsim_precision_judge(const retsim_experiment *e, const retsim_precision_spec *spec,
                            retsim_precision_verdict *out);

typedef struct retsim_precision_options {
    retsim_precision_spec spec;
    uint32_t batch;   /* replications per batch; 0: RETSIM_PRECISION_BATCH */
    uint32_t ceiling; /* at most this many replications; 0: RETSIM_PRECISION_CEILING */
} retsim_precision_options;

typedef struct retsim_precision_result {
    uint32_t batches;                 /* batches run (the last one may be cut by the ceiling or a stop) */
    uint32_t replications;            /* replications run: e->n */
    bool reached;                     /* the verdict after the last batch was met */
    bool stopped;                     /* a stop request ended it (RETSIM_EINTR) */
    retsim_precision_verdict verdict; /* after the last full batch */
} retsim_precision_result;

/* Run sc's replications until the targets hold after some batch or the
 * ceiling is reached (opt->replications is ignored: po->ceiling bounds
 * them). They run as one list of tasks (retsim_experiment_run_until) on
 * opt's threads or opt->exec's ranks, with no wait between batches: each
 * time the finished replications 0 .. b*B-1 are all in, batch b is judged
 * on them alone; once one holds, no more start and those already under way
 * are dropped, so the outcome does not depend on timing, --jobs or ranks.
 * Unless opt->force, the ceiling's size is checked first (retsim/estimate.h).
 * *out: the experiment, its n the replications kept. Returns 0 (reached or
 * not: see res), RETSIM_EINTR on a stop request before a decision (the
 * finished replications kept in *out, res->stopped), RETSIM_EUSAGE for a
 * shard (opt->shard_n > 1: the decision needs every result), or a
 * replication's error (*out NULL). */
int retsim_precision_run(const retsim_scenario *sc, const retsim_experiment_options *opt,
                         const retsim_precision_options *po, retsim_experiment **out,
                         retsim_precision_result *res, retsim_error *err);

/* "METRIC=REL,..." of spec into buf (the manifest's precision key), with REL
 * as %g. */
void retsim_precision_format(const retsim_precision_spec *spec, char *buf, size_t size);

#endif
