/* retsim/experiment.h — replications in parallel, confidence intervals,
 * sweeps over policy knobs, and paired comparisons of two policies.
 *
 * Replication r of a scenario runs with the master seed and replication index
 * r in its own simulation; replications run on `jobs` threads, each result
 * lands in its own slot, and outputs are written in replication order, so
 * the results are identical for any number of jobs. Sweep points and the two
 * sides of a comparison use the same replication seeds: common random
 * numbers, so differences between points are the policy's, not the noise's.
 * Statistics use GSL (gsl_stats_mean, gsl_stats_sd, gsl_cdf_tdist_Pinv).
 * Ownership: results are allocated by the _run functions and freed with
 * retsim_experiment_destroy. */
#ifndef RETSIM_EXPERIMENT_H
#define RETSIM_EXPERIMENT_H

#include "retsim/error.h"
#include "retsim/scenario.h"
#include "retsim/run.h"
#include "retsim/summary.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct retsim_executor;

typedef struct retsim_experiment_options {
    uint64_t seed;
    uint32_t replications;
    int jobs;       /* threads; <= 0: the number of online cores */
    bool keep_rows; /* keep each replication's timeseries and outcome rows */
    /* NULL: no progress. Else called after each replication finishes (done
     * of total replications), from the worker threads but one call at a time
     * (under the experiment's lock: keep it short), then once with finished
     * set on the calling thread when all have stopped. */
    retsim_progress_fn progress;
    void *progress_ctx;       /* handed to progress */
    const volatile int *stop; /* set non-zero to stop: replications not finished are dropped */
    bool force;               /* run even beyond the limits of retsim/estimate.h */
    /* Where the replications run (retsim/tasks.h): NULL, this process's
     * threads; or an MPI executor. On an MPI run's other ranks the results
     * are sent to the root and the experiments hold nothing to write. */
    const struct retsim_executor *exec;
    /* Run only the shard_k-th slice of shard_n (task t with t % shard_n ==
     * shard_k; shard_n 0 or 1: all): the others stay not done. */
    uint32_t shard_k, shard_n;
} retsim_experiment_options;

typedef struct retsim_replication {
    bool done;
    retsim_summary summary;
    char *timeseries; /* rows, when keep_rows */
    char *outcomes;
    char *by_type;               /* summary_by_type.csv rows, when keep_rows */
    char *by_period;             /* summary_by_period.csv rows, when keep_rows and the scenario has changes */
    retsim_run_periods *periods; /* the period summaries, when the scenario has changes */
    uint64_t events;
    double wall_seconds;
    bool warmup_mser5_at_limit; /* see retsim_run_stats */
} retsim_replication;

typedef struct retsim_experiment {
    uint32_t n;         /* replications asked for */
    uint32_t completed; /* replications finished (all n unless stopped) */
    uint64_t seed;
    retsim_replication *reps;
    double wall_seconds;
} retsim_experiment;

/* Run the replications. With a stop request: RETSIM_EINTR, and *out still
 * holds the replications that finished (reps[r].done); a replication under
 * way sees the request within RETSIM_KERNEL_POLL events. Unless opt->force,
 * replications beyond the limits of retsim/estimate.h are refused first
 * (RETSIM_EINPUT, nothing run). */
int retsim_experiment_run(const retsim_scenario *sc, const retsim_experiment_options *opt,
                          retsim_experiment **out, retsim_error *err);
void retsim_experiment_destroy(retsim_experiment *e); /* NULL-safe */
/* An experiment of opt->replications empty slots (none done), for
 * retsim_experiment_run_until. 0, RETSIM_EUSAGE (no replications) or
 * RETSIM_ENOMEM. */
int retsim_experiment_create(const retsim_experiment_options *opt, retsim_experiment **out,
                             retsim_error *err);
/* Asked after each replication lands in e (on the root, one call at a time,
 * under the experiment's lock: keep it short): true to start no more. */
typedef bool (*retsim_experiment_enough_fn)(void *ctx, const retsim_experiment *e);
/* Run e's replications 0 .. e->n-1 (each with seed (opt->seed, r), as
 * retsim_experiment_run) on opt->exec until enough says so: from then no
 * more start, those under way finish and land (enough is not asked again),
 * and the call returns 0 with the others not done. Which replications
 * finish besides the ones enough saw depends on timing: a caller keeps a
 * prefix it chose. With opt->stop: RETSIM_EINTR, finished ones kept. On an
 * error slots may be part-filled but not done (retsim_experiment_destroy
 * frees them). No size check: the caller's. */
int retsim_experiment_run_until(const retsim_scenario *sc, const retsim_experiment_options *opt,
                                retsim_experiment *e, retsim_experiment_enough_fn enough, void *ctx,
                                retsim_error *err);
/* Unless opt->force, refuse opt->replications of sc beyond the limits of
 * retsim/estimate.h (RETSIM_EINPUT), before anything is allocated. */
int retsim_experiment_check_size(const retsim_scenario *sc, const retsim_experiment_options *opt,
                                 retsim_error *err);
/* Several experiments as one list of tasks: the replications of sc[0], then
 * of sc[1], ... (task t = replication t % replications of point t /
 * replications), on opt->exec, so a sweep's or a compare's points share the
 * threads (or ranks) instead of running one after another. labels[i] (NULL:
 * none) names point i in progress reports (stage, stages, stage_label).
 * out[0 .. points) receive the experiments; errors and a stop as
 * retsim_experiment_run (on error every out[i] is NULL). No size check:
 * the caller's. */
int retsim_experiment_run_many(const retsim_scenario *const *sc, const char *const *labels, uint32_t points,
                               const retsim_experiment_options *opt, retsim_experiment **out,
                               retsim_error *err);
/* One replication's results as bytes, to move them between processes (MPI)
 * or through files (shards): everything retsim_replication holds, in this
 * machine's byte order with a marker that a machine of the other order
 * refuses. encode: *buf malloc'd (the caller frees), 0 or RETSIM_ENOMEM.
 * decode: fills rep (which must be empty: zeroed) and sets done;
 * RETSIM_EINPUT when the bytes are not such a record (err says why). */
int retsim_replication_encode(const retsim_replication *rep, char **buf, size_t *len);
int retsim_replication_decode(retsim_replication *rep, const char *buf, size_t len, retsim_error *err);

/* Mean, standard deviation and a 95% Student-t confidence interval of the
 * finite values among x[0..n) (NaN are left out); n < 2 gives NaN sd and CI. */
typedef struct retsim_ci {
    uint32_t n;
    double mean, sd, low, high;
} retsim_ci;
retsim_ci retsim_ci_of(const double *x, size_t n);

/* The summary of the first finished replication (its rows name the kinds), or NULL. */
const retsim_summary *retsim_experiment_first(const retsim_experiment *e);

/* The mean over finished replications of every metric in every period
 * between [change.*] instants. 0, or RETSIM_ENOTFOUND without changes or
 * without a finished replication. */
int retsim_experiment_period_means(const retsim_experiment *e, retsim_run_periods *out);

/* The values of one metric of one summary row over the finished replications. */
size_t retsim_experiment_values(const retsim_experiment *e, int row, retsim_metric m, double *out);

/* Write summary.csv (a row per replication and kind), summary_ci.csv
 * (kind,metric,n,mean,sd,ci95_low,ci95_high), outcomes.csv and
 * timeseries.csv (with a leading replication column) and manifest into dir,
 * all or nothing: the folder is staged and swapped in whole (retsim/outdir.h), so
 * it holds this run's files only. prov (may be NULL) goes into the manifest. */
struct retsim_provenance;
int retsim_experiment_write(const retsim_scenario *sc, const retsim_experiment *e, const char *dir,
                            const struct retsim_provenance *prov, retsim_error *err);
/* retsim_experiment_write with n_more (at most 8) more key/value pairs in the
 * manifest's [run], after the usual ones (e.g. the precision mode's). */
int retsim_experiment_write_keys(const retsim_scenario *sc, const retsim_experiment *e, const char *dir,
                                 const struct retsim_provenance *prov, const char *const *more_keys,
                                 const char *const *more_values, size_t n_more, retsim_error *err);

/* Read the summary.csv of an earlier run (single or replicated) back into an
 * experiment, for comparing output folders. Columns are found by name;
 * errors name the file, line and column. */
int retsim_experiment_read(const char *dir, retsim_experiment **out, retsim_error *err);

/* Do the experiments of folders dir_a and dir_b each hold at least 2
 * finished replications (an interval needs 2)? 0, or RETSIM_EINPUT naming
 * the first folder that does not. */
int retsim_experiment_enough(const char *dir_a, const retsim_experiment *a, const char *dir_b,
                             const retsim_experiment *b, retsim_error *err);
/* May the replications of two output folders (read with retsim_experiment_read)
 * be paired? Each needs at least 2 replications, both the same number and the
 * same seed, and their manifests must agree on every key outside [policy.*],
 * [change.*], [scenario] and [run]. RETSIM_EINPUT naming the folder and key. */
int retsim_experiment_comparable(const char *dir_a, const retsim_experiment *a, const char *dir_b,
                                 const retsim_experiment *b, retsim_error *err);
/* The largest warm-up MSER-5 suggests over the finished replications and
 * summary rows, in days (NaN: none), with its row and whether any
 * replication found no steady state in its first half. */
double retsim_experiment_warmup_mser5(const retsim_experiment *e, int *row, bool *at_limit);

/* summary_ci.csv's table (kind,metric,n,mean,sd,ci95_low,ci95_high: every
 * metric of every kind) to out: the file, or --format csv on a terminal. */
void retsim_experiment_write_ci(FILE *out, const retsim_experiment *e);

/* Print per-kind means and CIs of the headline metrics. */
void retsim_experiment_print(FILE *out, const retsim_experiment *e);

#endif
