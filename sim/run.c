/* A generated run: simulation, generator, sampler, outputs. */
#include "retsim/run.h"

#include "retsim/events.h"
#include "retsim/report.h"
#include "retsim/trace.h"
#include "retsim/workload.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

enum { F_SUMMARY, F_OUTCOMES, F_TIMESERIES, F_MANIFEST, F_EVENTS, N_FILES };
static const char *const file_names[N_FILES] = {"summary.csv", "outcomes.csv", "timeseries.csv", "manifest",
                                                "events.csv"};

typedef struct run_ctx {
    retsim_sim *sim;
    retsim_generator *gen;
    FILE *timeseries;
    long replication; /* -1: no replication column */
    uint32_t sample_type, warmup_type;
} run_ctx;

static void write_sample_row(FILE *out, long replication, retsim_time t, const char *kind,
                             retsim_registry *reg, int k, int nk)
{
    uint64_t act = retsim_registry_inventory(reg, k, RETSIM_INV_ACTIVE).now;
    uint64_t soft = retsim_registry_inventory(reg, k, RETSIM_INV_SOFT_DELETED).now;
    uint64_t res = retsim_registry_inventory(reg, k, RETSIM_INV_RESERVED).now;
    double live = 0, kept = 0, cost_live = 0, cost_kept = 0;
    for (int i = k >= 0 ? k : 0; i < (k >= 0 ? k + 1 : nk); i++) {
        const retsim_policy *p = retsim_registry_policy(reg, i);
        double a = (double)retsim_registry_inventory(reg, i, RETSIM_INV_ACTIVE).now * p->regions *
                   p->replicas_active;
        double s = (double)retsim_registry_inventory(reg, i, RETSIM_INV_SOFT_DELETED).now * p->regions *
                   p->replicas_soft_deleted;
        live += a;
        kept += s;
        cost_live += a * p->price_per_replica_hour;
        cost_kept += s * p->price_per_replica_hour;
    }
    char time[64], c1[64], c2[64];
    retsim_time_format(t, time, sizeof time);
    if (replication >= 0) {
        fprintf(out, "%ld,", replication);
    }
    fprintf(out, "%" PRId64 ",%s,", t, time);
    retsim_csv_field(out, kind);
    fprintf(out, ",%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%.0f,%.0f,%s,%s\n", act, soft, res, live, kept,
            retsim_summary_format(cost_live, c1, sizeof c1), retsim_summary_format(cost_kept, c2, sizeof c2));
}

static void on_sample(void *vctx, retsim_kernel *k, uint64_t data)
{
    (void)data;
    run_ctx *ctx = vctx;
    const retsim_scenario *sc = retsim_sim_scenario(ctx->sim);
    retsim_registry *reg = retsim_sim_registry(ctx->sim);
    retsim_time now = retsim_kernel_now(k);
    for (int i = 0; i < sc->n_policies; i++) {
        write_sample_row(ctx->timeseries, ctx->replication, now, sc->policies[i].kind, reg, i,
                         sc->n_policies);
    }
    if (sc->n_policies > 1) {
        write_sample_row(ctx->timeseries, ctx->replication, now, "all", reg, -1, sc->n_policies);
    }
    retsim_time next = now + sc->settings.sample_every;
    if (next <= sc->settings.horizon && retsim_kernel_schedule(k, next, ctx->sample_type, 0, NULL) != 0) {
        retsim_kernel_stop(k, RETSIM_ENOMEM);
    }
}

static void on_warmup_end(void *vctx, retsim_kernel *k, uint64_t data)
{
    (void)k;
    (void)data;
    run_ctx *ctx = vctx;
    retsim_metrics_reset(retsim_sim_metrics(ctx->sim));
    retsim_registry_inventory_restart(retsim_sim_registry(ctx->sim));
    retsim_workload_reset_stats(ctx->gen);
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Run to the horizon in slices, reporting progress and watching for a stop request. */
static int advance(retsim_kernel *k, const retsim_scenario *sc, const retsim_run_options *opt,
                   const struct timespec *t0)
{
    retsim_time horizon = sc->settings.horizon;
    int slices = opt->progress ? 200 : 1;
    for (int i = 1; i <= slices; i++) {
        retsim_time until = i == slices ? horizon : horizon / slices * i;
        int rc = retsim_kernel_run_until(k, until);
        if (rc != 0) {
            return rc;
        }
        if (opt->stop != NULL && *opt->stop) {
            return RETSIM_EINTR;
        }
        if (opt->progress) {
            double s = seconds_since(t0);
            fprintf(stderr, "\rretsim: %3d%% simulated (day %.0f of %.0f), %" PRIu64 " events, %.1f s",
                    i * 100 / slices, (double)until / RETSIM_MS_PER_DAY, (double)horizon / RETSIM_MS_PER_DAY,
                    retsim_kernel_events_run(k), s);
        }
    }
    if (opt->progress) {
        fputc('\n', stderr);
    }
    return 0;
}

/* Is the trace's folder the output folder? Then it is one of the run's
 * outputs, staged with the rest; a trace elsewhere is renamed into place. */
static bool trace_in_out_dir(const char *trace_dir, const char *out_dir)
{
    struct stat a, b;
    char clean[PATH_MAX];
    size_t len = strlen(out_dir);
    while (len > 1 && out_dir[len - 1] == '/') {
        len--;
    }
    snprintf(clean, sizeof clean, "%.*s", (int)len, out_dir);
    if (strcmp(trace_dir, clean) == 0) {
        return true;
    }
    return stat(trace_dir, &a) == 0 && stat(clean, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

static int open_outputs(const retsim_run_options *opt, retsim_outdir *d, retsim_outfile *files,
                        retsim_outfile *trace, bool *trace_staged, retsim_error *err)
{
    int rc = retsim_outdir_begin(d, opt->out_dir, err);
    for (int i = 0; rc == 0 && i < N_FILES; i++) {
        if (i != F_EVENTS || opt->events) {
            rc = retsim_outdir_open(d, &files[i], file_names[i], err);
        }
    }
    if (rc == 0 && opt->trace_out != NULL) {
        /* beside its final name, so the rename stays within one file system */
        char dir[PATH_MAX];
        const char *slash = strrchr(opt->trace_out, '/');
        const char *base = slash != NULL ? slash + 1 : opt->trace_out;
        snprintf(dir, sizeof dir, "%.*s", slash != NULL ? (int)(slash - opt->trace_out) : 1,
                 slash != NULL ? opt->trace_out : ".");
        *trace_staged = trace_in_out_dir(dir, d->dir);
        if (*trace_staged) {
            rc = retsim_outdir_open(d, trace, base, err);
        } else {
            rc = retsim_outfile_open(trace, dir, base, err);
        }
    }
    return rc;
}

static int write_manifest(FILE *out, const retsim_scenario *sc, const retsim_run_options *opt)
{
    char seed[32], rep[16];
    snprintf(seed, sizeof seed, "%" PRIu64, opt->seed);
    snprintf(rep, sizeof rep, "%" PRIu32, opt->replication);
    const char *keys[] = {"command", "scenario", "seed", "replication", "rng"};
    const char *values[] = {"run", sc->path, seed, rep,
                            "retsim_splitmix64 keyed by (seed, replication, source, entity, draw)"};
    return retsim_report_manifest(out, keys, values, 5, opt->provenance, sc);
}

void retsim_run_timeseries_header(FILE *out, bool replication_column)
{
    fprintf(out,
            "%stime_ms,time,kind,active,soft_deleted,reserved,replicas_live,replicas_retained,"
            "cost_live_per_hour,cost_retained_per_hour\n",
            replication_column ? "replication," : "");
}

static int wire(run_ctx *ctx, const retsim_scenario *sc, const retsim_run_sinks *sinks, uint32_t replication)
{
    retsim_kernel *k = retsim_sim_kernel(ctx->sim);
    int rc = 0;
    if (sinks->events != NULL) {
        retsim_events_write_header(sinks->events);
        retsim_sim_set_sink(ctx->sim, retsim_events_observer, sinks->events);
    }
    if (sinks->trace != NULL) {
        retsim_trace_write_header(sinks->trace);
        retsim_workload_set_trace(ctx->gen, sinks->trace);
    }
    rc = retsim_kernel_register(k, on_warmup_end, ctx, &ctx->warmup_type);
    if (rc == 0 && sc->settings.warmup > 0) {
        rc = retsim_kernel_schedule(k, sc->settings.warmup, ctx->warmup_type, 0, NULL);
    }
    ctx->timeseries = sinks->timeseries;
    ctx->replication = sinks->replication_column ? (long)replication : -1;
    if (rc == 0 && ctx->timeseries != NULL) {
        rc = retsim_kernel_register(k, on_sample, ctx, &ctx->sample_type);
        if (rc == 0) {
            rc = retsim_kernel_schedule(k, 0, ctx->sample_type, 0, NULL);
        }
    }
    return rc;
}

int retsim_run_replication(const retsim_scenario *sc, uint64_t seed, uint32_t replication,
                           const retsim_run_sinks *sinks, const retsim_run_options *opt,
                           retsim_summary *summary, retsim_run_stats *stats, retsim_error *err)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    run_ctx ctx = {0};
    ctx.sim = retsim_sim_create(sc);
    ctx.gen = ctx.sim != NULL ? retsim_workload_create(ctx.sim, seed, replication) : NULL;
    retsim_kernel *k = ctx.sim != NULL ? retsim_sim_kernel(ctx.sim) : NULL;
    int rc = ctx.gen == NULL ? RETSIM_ENOMEM : wire(&ctx, sc, sinks, replication);
    if (rc == 0) {
        rc = retsim_workload_start(ctx.gen);
    }
    if (rc == 0) {
        rc = advance(k, sc, opt, &t0);
        if (rc == RETSIM_EINTR) {
            retsim_error_set(err, rc, "", 0, "", "interrupted");
        }
    }
    if (rc == 0 && summary != NULL) {
        rc = retsim_summary_compute(summary, ctx.sim, ctx.gen,
                                    (double)(sc->settings.horizon - sc->settings.warmup));
    }
    if (rc == 0 && sinks->outcomes != NULL) {
        rc = retsim_metrics_write_outcome_rows(retsim_sim_metrics(ctx.sim), retsim_sim_registry(ctx.sim),
                                               sinks->outcomes,
                                               sinks->replication_column ? (long)replication : -1);
    }
    if (stats != NULL) {
        stats->events = k != NULL ? retsim_kernel_events_run(k) : 0;
        stats->wall_seconds = seconds_since(&t0);
    }
    if (rc != 0 && err != NULL && err->code == 0) {
        retsim_error_set(err, rc, "", 0, "", "%s", retsim_strerror(rc));
    }
    retsim_workload_destroy(ctx.gen);
    retsim_sim_destroy(ctx.sim);
    return rc;
}

/* Every file, then the folder swapped in, then a trace kept outside it: all
 * or nothing (but for a trace whose rename fails after the swap). */
static int commit_outputs(int rc, const retsim_run_options *opt, retsim_outdir *dir, retsim_outfile *files,
                          retsim_outfile *trace, bool staged_trace, retsim_error *err)
{
    for (int i = 0; rc == 0 && i < N_FILES; i++) {
        rc = retsim_outfile_commit(&files[i], err);
    }
    if (rc == 0 && staged_trace) {
        rc = retsim_outfile_commit(trace, err);
    }
    if (rc == 0 && opt->out_dir != NULL) {
        rc = retsim_outdir_commit(dir, err);
    }
    if (rc == 0) {
        rc = retsim_outfile_commit(trace, err);
    }
    for (int i = 0; i < N_FILES; i++) {
        retsim_outfile_abort(&files[i]);
    }
    retsim_outfile_abort(trace);
    retsim_outdir_abort(dir);
    return rc;
}

int retsim_run(const retsim_scenario *sc, const retsim_run_options *opt, retsim_summary *summary,
               retsim_run_stats *stats, retsim_error *err)
{
    if (!retsim_scenario_has_workload(sc)) {
        return retsim_error_set(err, RETSIM_EINPUT, sc->path, 0, "",
                                "no [workload.<kind>] section: nothing to generate (to replay a trace, use "
                                "retsim replay)");
    }
    retsim_outfile files[N_FILES], trace;
    retsim_outdir dir;
    memset(files, 0, sizeof files);
    memset(&trace, 0, sizeof trace);
    memset(&dir, 0, sizeof dir);
    int rc = 0;
    bool trace_staged = false;
    if (opt->out_dir != NULL) {
        rc = open_outputs(opt, &dir, files, &trace, &trace_staged, err);
    }
    retsim_summary local;
    retsim_summary *sum = summary != NULL ? summary : &local;
    if (rc == 0) {
        retsim_run_sinks sinks = {files[F_TIMESERIES].fp, files[F_OUTCOMES].fp, files[F_EVENTS].fp, trace.fp,
                                  false};
        if (sinks.timeseries != NULL) {
            retsim_run_timeseries_header(sinks.timeseries, false);
        }
        if (sinks.outcomes != NULL) {
            fputs("kind,op,outcome,sub_type,count\n", sinks.outcomes);
        }
        rc = retsim_run_replication(sc, opt->seed, opt->replication, &sinks, opt, sum, stats, err);
    }
    if (rc == 0 && files[F_SUMMARY].fp != NULL) {
        retsim_summary_write_header(files[F_SUMMARY].fp);
        retsim_summary_write_rows(files[F_SUMMARY].fp, sum, sc->name[0] ? sc->name : sc->path,
                                  opt->replication, opt->seed);
        rc = write_manifest(files[F_MANIFEST].fp, sc, opt);
    }
    rc = commit_outputs(rc, opt, &dir, files, &trace, trace_staged, err);
    if (rc == RETSIM_EINTR) {
        retsim_error_set(err, rc, "", 0, "", "interrupted: no output written");
    }
    return rc;
}
