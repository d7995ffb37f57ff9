/* A generated run: simulation, generator, sampler, outputs. */
#include "retsim/run.h"

#include "retsim/estimate.h"
#include "retsim/events.h"
#include "retsim/csv.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"
#include "retsim/timeseries.h"
#include "retsim/trace.h"
#include "retsim/warmup.h"
#include "retsim/format.h"
#include "retsim/generator.h"

#include "base/stopwatch.h"

#include <math.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

enum { F_SUMMARY, F_OUTCOMES, F_TIMESERIES, F_MANIFEST, F_EVENTS, F_BY_TYPE, F_BY_PERIOD, N_FILES };
static const char *const file_names[N_FILES] = {
    "summary.csv", "outcomes.csv",        "timeseries.csv",       "manifest",
    "events.csv",  "summary_by_type.csv", "summary_by_period.csv"};

/* The measured time is cut at every [change.*] instant into periods. Each
 * period's counts are the difference of the tallies at its ends; its
 * inventory (integrals and peaks) is the sim's, restarted at its start;
 * the whole run's inventory adds the periods' integrals and takes the largest
 * peak, so summary.csv is what it would be without the cuts. */
typedef struct periods {
    retsim_tally *prev, *now, *diff; /* at the start of the current period; scratch; scratch */
    retsim_inventory whole[RETSIM_MAX_KINDS + 1][RETSIM_INV_COUNT];
    retsim_time start;
    int n;
    retsim_time from[RETSIM_MAX_CHANGES + 1], to[RETSIM_MAX_CHANGES + 1];
    retsim_summary *summary; /* [RETSIM_MAX_CHANGES + 2] */
} periods;

typedef struct run_ctx {
    retsim_sim *sim;
    retsim_generator *gen;
    FILE *timeseries;
    uint32_t replication;
    bool replication_column;
    uint32_t sample_type, warmup_type, period_type;
    periods per;
    retsim_warmup_series active; /* ACTIVE per kind (and all) at every sample: for MSER-5 */
} run_ctx;

/* Close the period that ends now: its summary, then restart the inventory. */
static void period_close(run_ctx *ctx, retsim_time now)
{
    periods *p = &ctx->per;
    const retsim_scenario *sc = retsim_sim_scenario(ctx->sim);
    retsim_tally_take(p->now, ctx->sim, ctx->gen, -1);
    memcpy(p->diff, p->now, sizeof *p->diff);
    retsim_tally_subtract(p->diff, p->prev);
    retsim_summary_from_tally(&p->summary[p->n], sc, p->diff, (double)(now - p->start));
    p->from[p->n] = p->start;
    p->to[p->n] = now;
    p->n++;
    for (int k = 0; k <= RETSIM_MAX_KINDS; k++) {
        for (int i = 0; i < RETSIM_INV_COUNT; i++) {
            retsim_inventory *w = &p->whole[k][i], *v = &p->now->inv[k][i];
            w->area_ms += v->area_ms;
            w->peak = v->peak > w->peak ? v->peak : w->peak;
            w->now = v->now;
        }
    }
    retsim_tally *t = p->prev;
    p->prev = p->now;
    p->now = t;
    p->start = now;
    retsim_sim_inventory_restart(ctx->sim);
}

static void on_period_end(void *vctx, retsim_kernel *k, uint64_t data)
{
    (void)data;
    run_ctx *ctx = vctx;
    if (retsim_kernel_now(k) > ctx->per.start) { /* two changes at one instant: one cut */
        period_close(ctx, retsim_kernel_now(k));
    }
}

static int periods_init(periods *p, retsim_time start)
{
    memset(p, 0, sizeof *p);
    p->prev = calloc(1, sizeof *p->prev);
    p->now = calloc(1, sizeof *p->now);
    p->diff = calloc(1, sizeof *p->diff);
    p->summary = calloc(RETSIM_MAX_CHANGES + 2, sizeof *p->summary); /* the last: scratch */
    p->start = start;
    return p->prev && p->now && p->diff && p->summary ? 0 : RETSIM_ENOMEM;
}

static void periods_free(periods *p)
{
    free(p->prev);
    free(p->now);
    free(p->diff);
    free(p->summary);
}

/* After the horizon: the last period, and the whole measured time. */
static void periods_finish(run_ctx *ctx, retsim_summary *whole)
{
    const retsim_scenario *sc = retsim_sim_scenario(ctx->sim);
    period_close(ctx, sc->settings.horizon);
    memcpy(ctx->per.prev->inv, ctx->per.whole, sizeof ctx->per.whole);
    retsim_summary_from_tally(whole, sc, ctx->per.prev, (double)(sc->settings.horizon - sc->settings.warmup));
}

const char *retsim_run_period_label(const retsim_run_periods *p, int i, char *buf, size_t size)
{
    char a[64], b[64];
    retsim_time_format(p->from_ms[i], a, sizeof a);
    retsim_time_format(p->to_ms[i], b, sizeof b);
    snprintf(buf, size, "%s-%s", a, b);
    return buf;
}

void retsim_run_print_periods(FILE *out, const retsim_run_periods *p)
{
    static const struct {
        retsim_metric m;
        const char *label;
    } rows[] = {
        {RETSIM_M_CREATE_INTENTS, "create intents"},
        {RETSIM_M_NAME_CONFLICT_RATE, "name conflicts per intent"},
        {RETSIM_M_ATTEMPT_CONFLICT_RATE, "refused create attempts"},
        {RETSIM_M_RECOVERY_RATE, "restores recovered"},
        {RETSIM_M_DATA_LOSS, "data loss"},
        {RETSIM_M_SOFT_DELETED_AVG, "soft-deleted on average"},
        {RETSIM_M_RESERVED_AVG, "reserved names on average"},
        {RETSIM_M_COST_RETAINED_PER_30D, "retention cost per 30 days"},
        {RETSIM_M_COST_TOTAL_PER_30D, "total cost per 30 days"},
        {RETSIM_M_RETENTION_COST_SHARE, "retention cost share"},
    };
    if (p->n < 2) {
        return;
    }
    fprintf(out, "per period, cut at each [change.*] (costs in %s):\n", p->summary[0].currency);
    for (int r = 0; r < p->summary[0].n_rows; r++) {
        fprintf(out, "  %-28s", p->summary[0].kind[r]);
        for (int i = 0; i < p->n; i++) {
            char label[160];
            fprintf(out, " %16s", retsim_run_period_label(p, i, label, sizeof label));
        }
        fputc('\n', out);
        for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
            fprintf(out, "    %-26s", rows[k].label);
            for (int i = 0; i < p->n; i++) {
                char v[RETSIM_FORMAT_MAX];
                fprintf(out, " %16s",
                        retsim_format_metric(retsim_metric_name(rows[k].m), p->summary[i].value[r][rows[k].m],
                                             v, sizeof v));
            }
            fputc('\n', out);
        }
    }
}

/* The periods of this replication, as the public struct has them. */
static void periods_copy(const periods *p, retsim_run_periods *out)
{
    out->n = p->n;
    for (int i = 0; i < p->n; i++) {
        out->from_ms[i] = p->from[i];
        out->to_ms[i] = p->to[i];
        out->summary[i] = p->summary[i];
    }
}

static void write_by_period(FILE *out, const retsim_run_periods *p, const char *scenario,
                            uint32_t replication, uint64_t seed)
{
    for (int i = 0; i < p->n; i++) {
        char label[160];
        retsim_run_period_label(p, i, label, sizeof label);
        for (int r = 0; r < p->summary[i].n_rows; r++) {
            retsim_csv_field(out, scenario);
            fprintf(out, ",%" PRIu32 ",%" PRIu64 ",%s,%" PRId64 ",%" PRId64 ",", replication, seed, label,
                    p->from_ms[i], p->to_ms[i]);
            retsim_csv_field(out, p->summary[i].kind[r]);
            retsim_summary_write_values(out, &p->summary[i], r);
            fputc('\n', out);
        }
    }
}

/* A row per declared subscription type and kind: what that type's
 * subscriptions asked for and were answered (no inventory: it is not kept by type). */
static int write_by_type(FILE *out, run_ctx *ctx, const char *scenario, uint32_t replication, uint64_t seed)
{
    const retsim_scenario *sc = retsim_sim_scenario(ctx->sim);
    retsim_summary *s = malloc(sizeof *s);
    if (s == NULL) {
        return RETSIM_ENOMEM;
    }
    for (int t = 0; t < sc->population.sub_types.n; t++) {
        retsim_tally_take(ctx->per.now, ctx->sim, ctx->gen, t);
        retsim_summary_from_tally(s, sc, ctx->per.now, (double)(sc->settings.horizon - sc->settings.warmup));
        for (int r = 0; r < s->n_rows; r++) {
            retsim_csv_field(out, scenario);
            fprintf(out, ",%" PRIu32 ",%" PRIu64 ",", replication, seed);
            retsim_csv_field(out, sc->population.sub_types.name[t]);
            fputc(',', out);
            retsim_csv_field(out, s->kind[r]);
            retsim_summary_write_values(out, s, r);
            fputc('\n', out);
        }
    }
    free(s);
    return 0;
}

void retsim_run_by_period_header(FILE *out)
{
    fputs("scenario,replication,seed,period,period_start_ms,period_end_ms,kind", out);
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        fprintf(out, ",%s", retsim_metric_name((retsim_metric)m));
    }
    fputc('\n', out);
}

void retsim_run_by_type_header(FILE *out)
{
    fputs("scenario,replication,seed,sub_type,kind", out);
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        fprintf(out, ",%s", retsim_metric_name((retsim_metric)m));
    }
    fputc('\n', out);
}

/* One ACTIVE count per summary row: each kind, then all of them when there are several. */
static int sample_active(run_ctx *ctx, int nk)
{
    double v[RETSIM_MAX_KINDS + 1], all = 0;
    for (int i = 0; i < nk; i++) {
        v[i] = (double)retsim_sim_inventory_now(ctx->sim, i, RETSIM_INV_ACTIVE).now;
        all += v[i];
    }
    v[nk] = all;
    return retsim_warmup_series_add(&ctx->active, nk > 1 ? nk + 1 : nk, v);
}

/* The warm-up MSER-5 suggests, per summary row, in days; the largest goes to stats. */
/* Can the ACTIVE inventory of summary row r settle? Not for a kind whose
 * instances are kept for ever (no lifetime: galleries): it grows with time,
 * and MSER-5 would always say "longer". "all" settles when every generated
 * kind does. */
static bool can_settle(const retsim_scenario *sc, int r)
{
    for (int k = r < sc->n_policies ? r : 0; k < (r < sc->n_policies ? r + 1 : sc->n_policies); k++) {
        const retsim_workload *w = &sc->workloads[k];
        if (w->enabled && w->lifetime.kind == RETSIM_DIST_NONE) {
            return false;
        }
    }
    return true;
}

static void suggest_warmup(const run_ctx *ctx, const retsim_scenario *sc, retsim_summary *summary,
                           retsim_run_stats *stats)
{
    for (int r = 0; r < summary->n_rows; r++) {
        retsim_mser m;
        double days = NAN;
        if (can_settle(sc, r) && retsim_warmup_series_mser5(&ctx->active, r, &m) == 0) {
            days = (double)m.truncate * (double)sc->settings.sample_every / (double)RETSIM_MS_PER_DAY;
            if (stats != NULL && (isnan(stats->warmup_mser5_d) || days > stats->warmup_mser5_d)) {
                stats->warmup_mser5_d = days;
                stats->warmup_mser5_row = r;
            }
            if (stats != NULL) {
                stats->warmup_mser5_at_limit |= m.at_limit;
            }
        }
        summary->value[r][RETSIM_M_WARMUP_MSER5_D] = days;
    }
}

static void on_sample(void *vctx, retsim_kernel *k, uint64_t data)
{
    (void)data;
    run_ctx *ctx = vctx;
    const retsim_scenario *sc = retsim_sim_scenario(ctx->sim);
    retsim_time now = retsim_kernel_now(k);
    if (ctx->timeseries != NULL) {
        retsim_timeseries_write_sample(ctx->timeseries, ctx->replication_column ? &ctx->replication : NULL,
                                       now, retsim_sim_registry(ctx->sim), retsim_sim_inventory(ctx->sim));
    }
    if (sample_active(ctx, sc->n_policies) != 0) {
        retsim_kernel_stop(k, RETSIM_ENOMEM);
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
    retsim_sim_inventory_restart(ctx->sim);
    retsim_generator_reset_stats(ctx->gen);
    memset(ctx->per.prev, 0, sizeof *ctx->per.prev); /* counts start again from 0 */
}

/* Where the run stands after `done` slices (the library itself prints nothing). */
static void progress_at(retsim_progress *p, uint32_t done, retsim_time now, retsim_kernel *k,
                        const retsim_stopwatch *w)
{
    p->done = done;
    p->fraction = (double)done / (double)p->total;
    p->simulated_ms = now;
    p->events = retsim_kernel_events_run(k);
    p->wall_seconds = retsim_stopwatch_seconds(w);
}

/* Run to the horizon in slices, reporting progress and watching for a stop
 * request. Slices only cut the kernel's run_until: the events, their order
 * and so every output are the same with 1 slice or 200. */
static int advance(retsim_kernel *k, const retsim_scenario *sc, const retsim_run_options *opt,
                   const retsim_stopwatch *w)
{
    retsim_time horizon = sc->settings.horizon;
    uint32_t slices = opt->progress != NULL ? 200 : 1;
    retsim_progress p = {.total = slices, .horizon_ms = horizon};
    int rc = 0;
    for (uint32_t i = 1; rc == 0 && i <= slices; i++) {
        retsim_time until = i == slices ? horizon : horizon / slices * i;
        rc = retsim_kernel_run_until(k, until);
        if (rc == 0 && opt->stop != NULL && *opt->stop) {
            rc = RETSIM_EINTR;
        }
        if (rc == 0 && opt->progress != NULL) {
            progress_at(&p, i, until, k, w);
            opt->progress(opt->progress_ctx, &p);
        }
    }
    if (opt->progress != NULL) { /* once, however the run ended */
        p.finished = true;
        opt->progress(opt->progress_ctx, &p);
    }
    return rc;
}

/* path spelled one way: no empty or "." components, no trailing slash
 * (".." is kept: it depends on symbolic links). "" stands for ".". */
static void lexical_path(const char *path, char *out, size_t size)
{
    size_t n = 0;
    if (path[0] == '/' && size > 1) {
        out[n++] = '/';
    }
    for (const char *p = path; *p != '\0';) {
        size_t len = strcspn(p, "/");
        bool skip = len == 0 || (len == 1 && p[0] == '.');
        if (!skip && n + len + 2 < size) {
            if (n > 0 && out[n - 1] != '/') {
                out[n++] = '/';
            }
            memcpy(out + n, p, len);
            n += len;
        }
        p += len + (p[len] == '/');
    }
    out[n] = '\0';
}

/* Is the trace's folder the output folder? Then it is one of the run's
 * outputs, staged with the rest; a trace elsewhere is renamed into place. */
static bool trace_in_out_dir(const char *trace_dir, const char *out_dir)
{
    struct stat a, b;
    char x[PATH_MAX], y[PATH_MAX];
    lexical_path(trace_dir, x, sizeof x);
    lexical_path(out_dir, y, sizeof y);
    if (strcmp(x, y) == 0) {
        return true;
    }
    return stat(trace_dir, &a) == 0 && stat(out_dir, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The trace file: staged in the output folder when it is in it, else opened
 * beside its final name (so the rename stays within one file system). It may
 * not be the output folder itself, and must be a regular file or new. */
static int open_trace(const char *trace_out, retsim_outdir *d, retsim_outfile *trace, bool *staged,
                      retsim_error *err)
{
    char dir[PATH_MAX], x[PATH_MAX], y[PATH_MAX];
    const char *base = retsim_path_split(trace_out, dir, sizeof dir);
    lexical_path(trace_out, x, sizeof x);
    lexical_path(d->dir, y, sizeof y);
    int rc = 0;
    *staged = trace_in_out_dir(dir, d->dir);
    if (strcmp(x, y) == 0) {
        rc = retsim_error_set(err, RETSIM_EUSAGE, trace_out, 0, "--trace-out", "is the --out folder itself");
    } else if (*staged) {
        rc = retsim_outdir_open(d, trace, base, err);
    } else {
        rc = retsim_outfile_open(trace, dir, base, err);
    }
    if (rc != 0 && err != NULL) {
        snprintf(err->field, sizeof err->field, "--trace-out");
    }
    return rc;
}

static int open_outputs(const retsim_scenario *sc, const retsim_run_options *opt, retsim_outdir *d,
                        retsim_outfile *files, retsim_outfile *trace, bool *trace_staged, retsim_error *err)
{
    int rc = retsim_outdir_begin(d, opt->out_dir, err);
    for (int i = 0; rc == 0 && i < N_FILES; i++) {
        if ((i != F_EVENTS || opt->events) && (i != F_BY_PERIOD || sc->n_changes > 0)) {
            rc = retsim_outdir_open(d, &files[i], file_names[i], err);
        }
    }
    if (rc == 0 && opt->trace_out != NULL) {
        rc = open_trace(opt->trace_out, d, trace, trace_staged, err);
    }
    return rc;
}

static int write_manifest(FILE *out, const retsim_scenario *sc, const retsim_run_options *opt,
                          const retsim_run_stats *stats)
{
    char seed[32], rep[16], warmup[32] = "";
    snprintf(seed, sizeof seed, "%" PRIu64, opt->seed);
    snprintf(rep, sizeof rep, "%" PRIu32, opt->replication);
    if (stats != NULL && !isnan(stats->warmup_mser5_d)) { /* where a chart marks the suggested warm-up */
        snprintf(warmup, sizeof warmup, "%.9g", stats->warmup_mser5_d);
    }
    const char *keys[] = {"command", "scenario", "seed", "replication", "rng", "warmup_mser5_d"};
    const char *values[] = {
        "run", sc->path, seed, rep, "retsim_splitmix64 keyed by (seed, replication, source, entity, draw)",
        warmup};
    return retsim_manifest_write(out, keys, values, 6, opt->provenance, sc);
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
        retsim_trace_write_header_sized(sinks->trace, retsim_generator_sized(ctx->gen));
        retsim_generator_set_trace(ctx->gen, sinks->trace);
    }
    rc = retsim_kernel_register(k, on_warmup_end, ctx, &ctx->warmup_type);
    if (rc == 0 && sc->settings.warmup > 0) {
        rc = retsim_kernel_schedule(k, sc->settings.warmup, ctx->warmup_type, 0, NULL);
    }
    if (rc == 0) {
        rc = retsim_kernel_register(k, on_period_end, ctx, &ctx->period_type);
    }
    /* scheduled before the generator schedules the changes: at the same
     * instant the cut comes first, so a change's own request opens its period */
    for (int c = 0; rc == 0 && c < sc->n_changes; c++) {
        if (sc->changes[c].at > sc->settings.warmup && sc->changes[c].at < sc->settings.horizon) {
            rc = retsim_kernel_schedule(k, sc->changes[c].at, ctx->period_type, 0, NULL);
        }
    }
    ctx->timeseries = sinks->timeseries;
    ctx->replication = replication;
    ctx->replication_column = sinks->replication_column;
    if (rc == 0) { /* samples feed timeseries.csv (when asked for) and MSER-5 (always) */
        rc = retsim_kernel_register(k, on_sample, ctx, &ctx->sample_type);
        if (rc == 0) {
            rc = retsim_kernel_schedule(k, 0, ctx->sample_type, 0, NULL);
        }
    }
    return rc;
}

/* The periods to sinks->periods and summary_by_period.csv, as asked. */
static int write_periods(const run_ctx *ctx, const retsim_run_sinks *sinks, const char *name,
                         uint32_t replication, uint64_t seed)
{
    if (sinks->by_period == NULL && sinks->periods == NULL) {
        return 0;
    }
    retsim_run_periods *copy = sinks->periods != NULL ? sinks->periods : malloc(sizeof *copy);
    if (copy == NULL) {
        return RETSIM_ENOMEM;
    }
    periods_copy(&ctx->per, copy);
    if (sinks->by_period != NULL) {
        write_by_period(sinks->by_period, copy, name, replication, seed);
    }
    if (copy != sinks->periods) {
        free(copy);
    }
    return 0;
}

/* After the horizon: the summaries, the suggested warm-up and the rows of
 * this replication in every file that has them. */
static int finish_replication(run_ctx *ctx, const retsim_scenario *sc, const retsim_run_sinks *sinks,
                              uint32_t replication, uint64_t seed, retsim_summary *summary,
                              retsim_run_stats *stats)
{
    const char *name = sc->name[0] ? sc->name : sc->path;
    retsim_summary *whole = summary != NULL ? summary : &ctx->per.summary[RETSIM_MAX_CHANGES + 1];
    periods_finish(ctx, whole);
    suggest_warmup(ctx, sc, whole, stats);
    int rc = write_periods(ctx, sinks, name, replication, seed);
    if (rc == 0 && sinks->by_type != NULL) {
        rc = write_by_type(sinks->by_type, ctx, name, replication, seed);
    }
    if (rc == 0 && sinks->outcomes != NULL) {
        rc = retsim_metrics_write_outcome_rows(retsim_sim_metrics(ctx->sim), retsim_sim_registry(ctx->sim),
                                               sinks->outcomes,
                                               sinks->replication_column ? &replication : NULL);
    }
    return rc;
}

int retsim_run_replication(const retsim_scenario *sc, const retsim_run_sinks *sinks,
                           const retsim_run_options *opt, retsim_summary *summary, retsim_run_stats *stats,
                           retsim_error *err)
{
    uint64_t seed = opt->seed;
    uint32_t replication = opt->replication;
    retsim_stopwatch watch;
    retsim_stopwatch_start(&watch);
    run_ctx ctx = {0};
    if (stats != NULL) {
        stats->warmup_mser5_d = NAN;
        stats->warmup_mser5_row = -1;
        stats->warmup_mser5_at_limit = false;
    }
    int rc = periods_init(&ctx.per, sc->settings.warmup);
    ctx.sim = rc == 0 ? retsim_sim_create(sc) : NULL;
    retsim_kernel *k = ctx.sim != NULL ? retsim_sim_kernel(ctx.sim) : NULL;
    if (k != NULL) { /* before the population is made: that can take seconds too */
        retsim_kernel_set_interrupt(k, opt->stop);
        /* drawn reservation windows follow the run's seed and replication, as every other draw does */
        rc = retsim_sim_set_release_seed(ctx.sim, seed, replication);
    }
    if (rc == 0) {
        rc = ctx.sim != NULL ? retsim_generator_create(ctx.sim, seed, replication, &ctx.gen) : RETSIM_ENOMEM;
    }
    if (rc == 0) {
        rc = wire(&ctx, sc, sinks, replication);
    }
    if (rc == 0) {
        rc = retsim_generator_start(ctx.gen);
    }
    if (rc == 0) {
        rc = advance(k, sc, opt, &watch);
        if (rc == RETSIM_EINTR) {
            retsim_error_set(err, rc, "", 0, "", "interrupted");
        }
    }
    if (rc == 0) {
        rc = finish_replication(&ctx, sc, sinks, replication, seed, summary, stats);
    }
    if (stats != NULL) {
        stats->events = k != NULL ? retsim_kernel_events_run(k) : 0;
        stats->wall_seconds = retsim_stopwatch_seconds(&watch);
    }
    if (rc != 0 && err != NULL && err->code == 0) {
        retsim_error_set(err, rc, "", 0, "", "%s", retsim_strerror(rc));
    }
    retsim_warmup_series_free(&ctx.active);
    retsim_generator_destroy(ctx.gen);
    retsim_sim_destroy(ctx.sim);
    periods_free(&ctx.per);
    return rc;
}

/* Every file, then the folder swapped in with a trace kept outside it: all
 * or nothing (a failed trace rename undoes the swap). A write error a writer
 * could only call RETSIM_EIO is told with its file and the system's reason. */
static int commit_outputs(int rc, const retsim_run_options *opt, retsim_outdir *dir, retsim_outfile *files,
                          retsim_outfile *trace, bool staged_trace, retsim_error *err)
{
    retsim_outfiles_explain(retsim_outfiles_explain(rc, trace, 1, err), files, N_FILES, err);
    for (int i = 0; rc == 0 && i < N_FILES; i++) {
        rc = retsim_outfile_commit(&files[i], err);
    }
    if (rc == 0 && staged_trace) {
        rc = retsim_outfile_commit(trace, err);
    }
    if (rc == 0 && opt->out_dir != NULL) { /* a trace elsewhere goes in with the folder, or neither does */
        rc = retsim_outdir_commit_with(dir, staged_trace ? NULL : trace, err);
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

/* The header rows of a single run's files (an experiment writes its own,
 * with the replication column). */
static void write_headers(const retsim_run_sinks *sinks)
{
    if (sinks->by_period != NULL) {
        retsim_run_by_period_header(sinks->by_period);
    }
    if (sinks->by_type != NULL) {
        retsim_run_by_type_header(sinks->by_type);
    }
    if (sinks->timeseries != NULL) {
        retsim_timeseries_write_header(sinks->timeseries, false);
    }
    if (sinks->outcomes != NULL) {
        retsim_metrics_write_outcomes_header(sinks->outcomes, false);
    }
}

int retsim_run(const retsim_scenario *sc, const retsim_run_options *opt, retsim_summary *summary,
               retsim_run_stats *stats, retsim_error *err)
{
    if (!retsim_scenario_has_workload(sc)) {
        return retsim_error_set(err, RETSIM_EINPUT, sc->path, 0, "",
                                "no [workload.<kind>] section: nothing to generate (to replay a trace, use "
                                "retsim replay)");
    }
    if (!opt->force) { /* before anything is staged: a refusal leaves no trace */
        retsim_estimate size;
        retsim_estimate_options eo = {.replications = 1,
                                      .events_csv = opt->out_dir != NULL && opt->events,
                                      .trace = opt->out_dir != NULL && opt->trace_out != NULL};
        retsim_estimate_of(sc, &eo, &size);
        int rc = retsim_estimate_check(sc, &size, err);
        if (rc != 0) {
            return rc;
        }
    }
    retsim_outfile files[N_FILES], trace;
    retsim_outdir dir;
    memset(files, 0, sizeof files);
    memset(&trace, 0, sizeof trace);
    memset(&dir, 0, sizeof dir);
    int rc = 0;
    bool trace_staged = false;
    if (opt->out_dir != NULL) {
        rc = open_outputs(sc, opt, &dir, files, &trace, &trace_staged, err);
    }
    retsim_summary local;
    retsim_summary *sum = summary != NULL ? summary : &local;
    retsim_run_stats own; /* the manifest's warm-up suggestion needs them even when the caller does not */
    stats = stats != NULL ? stats : &own;
    if (rc == 0) {
        retsim_run_sinks sinks = {
            files[F_TIMESERIES].fp, files[F_OUTCOMES].fp, files[F_EVENTS].fp, trace.fp, false,
            files[F_BY_PERIOD].fp,  files[F_BY_TYPE].fp,  opt->periods};
        write_headers(&sinks);
        rc = retsim_run_replication(sc, &sinks, opt, sum, stats, err);
    }
    if (rc == 0 && files[F_SUMMARY].fp != NULL) {
        retsim_summary_write_header(files[F_SUMMARY].fp);
        retsim_summary_write_rows(files[F_SUMMARY].fp, sum, sc->name[0] ? sc->name : sc->path,
                                  opt->replication, opt->seed);
        rc = write_manifest(files[F_MANIFEST].fp, sc, opt, stats);
    }
    rc = commit_outputs(rc, opt, &dir, files, &trace, trace_staged, err);
    if (rc == RETSIM_EINTR) {
        retsim_error_set(err, rc, "", 0, "", "interrupted: no output written");
    }
    return rc;
}
