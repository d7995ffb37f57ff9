/* retsim/run.h — one generated run of a scenario, from start to outputs.
 *
 * Builds a simulation and a workload generator, runs the kernel to the
 * horizon (resetting every counter at the end of the warm-up), samples the
 * inventory every sample_every, and writes, all or nothing, into the folder
 * (staged and swapped in whole, see retsim/outdir.h):
 *   summary.csv      one row per kind (and "all"): every headline metric
 *   outcomes.csv     counts by kind, op, outcome, subscription type
 *   timeseries.csv   time_ms,time,kind,active,soft_deleted,reserved,
 *                    replicas_live,replicas_retained,cost_live_per_hour,
 *                    cost_retained_per_hour
 *   summary_by_type.csv    sub_type and kind: the metrics of what each
 *                    subscription type did (inventory and cost empty)
 *   summary_by_period.csv  with [change.*] sections: the metrics of each
 *                    period between changes (after the warm-up)
 *   manifest         the run (with warmup_mser5_d) and the resolved scenario
 *   events.csv       with events: every operation (as replay writes it)
 * and, with trace_out, the generated operations as a replayable trace (one of
 * the folder's files when it is in out_dir, else renamed into place after it).
 * Same scenario and seed: byte-identical files, with or without progress.
 * The library prints nothing: progress comes back through a callback.
 * Thread safety: runs of one scenario may go on in parallel threads, each
 * with its own sinks (the scenario is only read). */
#ifndef RETSIM_RUN_H
#define RETSIM_RUN_H

#include "retsim/error.h"
#include "retsim/scenario.h"
#include "retsim/summary.h"
#include "retsim/time.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The measured time cut at every [change.*] instant (periods start no
 * earlier than the warm-up's end): the summary of each period, as
 * summary_by_period.csv has them. About 0.6 MB: allocate it. */
typedef struct retsim_run_periods {
    int n; /* periods filled, in time order */
    retsim_time from_ms[RETSIM_MAX_CHANGES + 1];
    retsim_time to_ms[RETSIM_MAX_CHANGES + 1];
    retsim_summary summary[RETSIM_MAX_CHANGES + 1];
} retsim_run_periods;

/* "0d-182d": a period's label in summary_by_period.csv and on the terminal. */
const char *retsim_run_period_label(const retsim_run_periods *p, int i, char *buf, size_t size);

/* A table a person reads: the headline metrics of each period side by side,
 * per kind (nothing when there is only one period). */
void retsim_run_print_periods(FILE *out, const retsim_run_periods *p);

/* Where a long computation stands, for a progress display: the library
 * reports it through a callback and never prints it. */
typedef struct retsim_progress {
    /* Units of work done of total: a run's slices of the horizon (of 200),
     * an experiment's replications finished (of those asked for). */
    uint32_t done, total;
    double fraction;          /* done / total, 0 to 1 */
    retsim_time simulated_ms; /* a run: the simulated clock, end of the slice; an experiment: 0 */
    retsim_time horizon_ms;   /* a run: [simulation] horizon; an experiment: 0 */
    uint64_t events;          /* kernel events run (an experiment: by the finished replications) */
    double wall_seconds;      /* since the run or experiment began; not deterministic */
    /* Work in stages (a sweep's points, a compare's two sides, run as one
     * list of tasks: retsim_experiment_run_many): the first stage (0-based)
     * of stages not yet finished (the last when all are; a shard's points
     * never finish, so it stays at the first), and its label
     * ("policy.apim.retention=7d", "B"); done and total count the tasks of
     * every stage. stages 0: not staged. */
    uint32_t stage, stages;
    const char *stage_label;
    /* The last call, made once when the work is over, completed or not
     * (failed, stopped): the other fields repeat the last report. */
    bool finished;
} retsim_progress;

/* ctx is the caller's, passed through untouched. */
typedef void (*retsim_progress_fn)(void *ctx, const retsim_progress *p);

/* How one run goes. The seed and the replication travel here only: every
 * function of this header that simulates takes them from its options. */
typedef struct retsim_run_options {
    uint64_t seed;         /* master seed */
    uint32_t replication;  /* stream family (retsim/rng.h): 0 for a single run */
    const char *out_dir;   /* NULL: write no files */
    bool events;           /* write events.csv */
    const char *trace_out; /* write the generated operations here (NULL: no) */
    /* NULL: no progress. Else called on the caller's thread after each 1/200
     * of the horizon (the kernel runs in 200 slices for it: the results are
     * the same bytes either way), then once with finished set. */
    retsim_progress_fn progress;
    void *progress_ctx;       /* handed to progress */
    const volatile int *stop; /* set non-zero (from a signal handler) to stop early; may be NULL */
    const struct retsim_provenance *provenance; /* the command line, for the manifest; may be NULL */
    retsim_run_periods *periods; /* if set, retsim_run fills it with the summary of each period */
    bool force; /* run even beyond the limits of retsim/estimate.h (retsim_run checks them otherwise) */
} retsim_run_options;

typedef struct retsim_run_stats {
    uint64_t events;     /* kernel events run */
    double wall_seconds; /* not part of any output file: not deterministic */
    /* MSER-5 over the ACTIVE samples (every sample_every from 0), the largest
     * suggestion over the summary rows (NaN: too few samples) and its row;
     * at_limit: some row found no steady state in the run's first half. Each
     * row's own suggestion is the summary metric warmup_mser5_d. */
    double warmup_mser5_d;
    int warmup_mser5_row;
    bool warmup_mser5_at_limit;
} retsim_run_stats;

/* Where one replication writes its rows; any may be NULL. timeseries and
 * outcomes get rows only (no header), each preceded by "replication," when
 * replication_column is set; events and trace get their header. */
typedef struct retsim_run_sinks {
    FILE *timeseries;
    FILE *outcomes;
    FILE *events;
    FILE *trace;
    bool replication_column;
    FILE *by_period;             /* summary_by_period.csv rows */
    FILE *by_type;               /* summary_by_type.csv rows */
    retsim_run_periods *periods; /* the period summaries, copied here when set */
} retsim_run_sinks;

/* Simulate replication opt->replication of the scenario with master seed
 * opt->seed into the sinks. Of opt only seed, replication, progress and stop
 * are used: the sinks say where rows go, and no size limit is checked.
 * *summary and *stats may be NULL. */
int retsim_run_replication(const retsim_scenario *sc, const retsim_run_sinks *sinks,
                           const retsim_run_options *opt, retsim_summary *summary, retsim_run_stats *stats,
                           retsim_error *err);

/* The header rows of summary_by_period.csv and summary_by_type.csv. */
void retsim_run_by_period_header(FILE *out);
void retsim_run_by_type_header(FILE *out);

/* timeseries.csv's header: retsim_timeseries_write_header (retsim/timeseries.h). */

/* One run into opt->out_dir; *summary (may be NULL) receives the headline metrics.
 * Unless opt->force, a run beyond the limits of retsim/estimate.h is refused
 * (RETSIM_EINPUT) before anything is written. opt->stop is polled in the
 * event loop (every RETSIM_KERNEL_POLL events): RETSIM_EINTR, nothing written. */
int retsim_run(const retsim_scenario *sc, const retsim_run_options *opt, retsim_summary *summary,
               retsim_run_stats *stats, retsim_error *err);

#endif
