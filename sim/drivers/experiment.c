/* Replications on a thread pool; confidence intervals with GSL. */
#include "retsim/experiment.h"

#include "retsim/estimate.h"
#include "retsim/format.h"
#include "retsim/csv.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"
#include "retsim/run.h"
#include "retsim/tasks.h"
#include "retsim/timeseries.h"

#include "base/stopwatch.h"

#include <csv.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <ini.h>
#include <limits.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct pool {
    const retsim_scenario *const *sc; /* [points] */
    const char *const *labels;        /* [points], or NULL */
    uint32_t points;
    uint32_t from, count; /* each point's replications from .. from + count - 1 */
    const retsim_experiment_options *opt;
    retsim_experiment **e; /* [points] */
    /* run_until: asked after each landing (one point); halt is the tasks' stop then */
    retsim_experiment_enough_fn enough;
    void *enough_ctx;
    volatile int halt;
    bool enough_said;
    uint32_t done;     /* tasks finished, of points x replications */
    uint64_t events;   /* run by the finished tasks: for progress */
    uint32_t at_point; /* the first point not finished (the last when all are): what progress names */
    retsim_stopwatch watch;
} pool;

/* Close the memory streams of a replication's rows; NULL-safe. */
static void close_rows(retsim_run_sinks *s)
{
    FILE *f[] = {s->timeseries, s->outcomes, s->by_type, s->by_period};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        if (f[i] != NULL) {
            fclose(f[i]);
        }
    }
}

/* Rows of each output in memory, written out in replication order later. */
static int open_rows(const retsim_scenario *sc, retsim_replication *rep, retsim_run_sinks *s)
{
    size_t len[4];
    s->timeseries = open_memstream(&rep->timeseries, &len[0]);
    s->outcomes = open_memstream(&rep->outcomes, &len[1]);
    s->by_type = open_memstream(&rep->by_type, &len[2]);
    bool changes = sc->n_changes > 0;
    s->by_period = changes ? open_memstream(&rep->by_period, &len[3]) : NULL;
    if (s->timeseries == NULL || s->outcomes == NULL || s->by_type == NULL ||
        (changes && s->by_period == NULL)) {
        close_rows(s);
        return RETSIM_ENOMEM;
    }
    return 0;
}

/* Task t's slot: replication from + t % count of point t / count. */
static retsim_replication *slot(const pool *p, uint32_t t, uint32_t *r)
{
    *r = p->from + t % p->count;
    return &p->e[t / p->count]->reps[*r];
}

/* Task t: replication r of its point, with seed (master, r). */
static int run_one(void *ctx, uint32_t t, retsim_error *err)
{
    pool *p = ctx;
    uint32_t r;
    const retsim_scenario *sc = p->sc[t / p->count];
    retsim_replication *rep = slot(p, t, &r);
    retsim_run_sinks sinks = {0};
    sinks.replication_column = true;
    if (p->opt->keep_rows && open_rows(sc, rep, &sinks) != 0) {
        return RETSIM_ENOMEM;
    }
    if (sc->n_changes > 0) { /* per-period summaries for summary_by_period_ci.csv */
        rep->periods = malloc(sizeof *rep->periods);
        if (rep->periods == NULL) {
            close_rows(&sinks);
            return RETSIM_ENOMEM;
        }
        sinks.periods = rep->periods;
    }
    retsim_run_options ro = {.seed = p->opt->seed, .replication = r, .stop = p->opt->stop};
    retsim_run_stats stats = {0};
    int rc = retsim_run_replication(sc, &sinks, &ro, &rep->summary, &stats, err);
    close_rows(&sinks);
    rep->events = stats.events;
    rep->wall_seconds = stats.wall_seconds;
    rep->warmup_mser5_at_limit = stats.warmup_mser5_at_limit;
    return rc;
}

/* Where the experiment stands: tasks finished of those asked for. */
static void report(const pool *p, bool finished)
{
    if (p->opt->progress == NULL) {
        return;
    }
    uint32_t total = p->points * p->count;
    retsim_progress pr = {.done = p->done,
                          .total = total,
                          .fraction = total > 0 ? (double)p->done / (double)total : 1.0,
                          .events = p->events,
                          .wall_seconds = retsim_stopwatch_seconds(&p->watch),
                          .finished = finished};
    if (p->points > 1) { /* a sweep's points, a compare's sides */
        pr.stage = p->at_point;
        pr.stages = p->points;
        pr.stage_label = p->labels != NULL ? p->labels[p->at_point] : "";
    }
    p->opt->progress(p->opt->progress_ctx, &pr);
}

/* Task t's slot is filled: count it (one call at a time, retsim/tasks.h). */
static void landed(void *ctx, uint32_t t)
{
    pool *p = ctx;
    uint32_t point = t / p->count, r;
    retsim_replication *rep = slot(p, t, &r);
    rep->done = true;
    p->e[point]->completed++;
    p->done++;
    p->events += rep->events;
    while (p->at_point + 1 < p->points && p->e[p->at_point]->completed == p->e[p->at_point]->n) {
        p->at_point++; /* in order, not the point that happened to finish last: the same lines for any jobs */
    }
    report(p, false);
    if (p->enough != NULL && p->halt == 0) { /* a user's stop halts the hand-out too */
        bool user = p->opt->stop != NULL && *p->opt->stop;
        p->enough_said = !user && p->enough(p->enough_ctx, p->e[point]);
        p->halt = user || p->enough_said;
    }
}

static int encode(void *ctx, uint32_t t, char **buf, size_t *len)
{
    const pool *p = ctx;
    uint32_t r;
    return retsim_replication_encode(slot(p, t, &r), buf, len);
}

static int decode(void *ctx, uint32_t t, const char *buf, size_t len, retsim_error *err)
{
    pool *p = ctx;
    uint32_t r;
    return retsim_replication_decode(slot(p, t, &r), buf, len, err);
}

int retsim_experiment_check_size(const retsim_scenario *sc, const retsim_experiment_options *opt,
                                 retsim_error *err)
{
    if (opt->force || opt->replications == 0) {
        return 0;
    }
    retsim_estimate size;
    retsim_estimate_options eo = {.replications = opt->replications};
    retsim_estimate_of(sc, &eo, &size);
    return retsim_estimate_check(sc, &size, err);
}

static int experiment_alloc(const retsim_experiment_options *opt, retsim_experiment **out, retsim_error *err)
{
    retsim_experiment *e = calloc(1, sizeof *e);
    if (e == NULL || opt->replications == 0) {
        free(e);
        return retsim_error_set(err, e == NULL ? RETSIM_ENOMEM : RETSIM_EUSAGE, "", 0, "--replications",
                                "at least one replication");
    }
    e->n = opt->replications;
    e->seed = opt->seed;
    e->reps = calloc(e->n, sizeof *e->reps);
    if (e->reps == NULL) {
        free(e);
        return retsim_error_set(err, RETSIM_ENOMEM, "", 0, "", "out of memory");
    }
    *out = e;
    return 0;
}

/* Free out[0 .. points) and clear them. */
static void destroy_all(retsim_experiment **out, uint32_t points)
{
    for (uint32_t i = 0; i < points; i++) {
        retsim_experiment_destroy(out[i]);
        out[i] = NULL;
    }
}

/* Every point's replications as one list of tasks, on opt->exec. */
static int run_tasks(pool *p, uint32_t *mine, retsim_error *err)
{
    retsim_tasks ts = {.n = p->points * p->count,
                       .shard_k = p->opt->shard_k,
                       .shard_n = p->opt->shard_n,
                       .jobs = p->opt->jobs,
                       .stop = p->enough != NULL ? &p->halt : p->opt->stop,
                       .run = run_one,
                       .encode = encode,
                       .decode = decode,
                       .landed = landed,
                       .ctx = p};
    *mine = retsim_tasks_count(&ts);
    retsim_stopwatch_start(&p->watch);
    int rc = retsim_tasks_run(p->opt->exec, &ts, err);
    report(p, true);
    for (uint32_t i = 0; i < p->points; i++) {
        p->e[i]->wall_seconds = retsim_stopwatch_seconds(&p->watch);
    }
    return rc;
}

int retsim_experiment_run_many(const retsim_scenario *const *sc, const char *const *labels, uint32_t points,
                               const retsim_experiment_options *opt, retsim_experiment **out,
                               retsim_error *err)
{
    int rc = 0;
    for (uint32_t i = 0; i < points; i++) {
        out[i] = NULL;
    }
    for (uint32_t i = 0; rc == 0 && i < points; i++) {
        rc = experiment_alloc(opt, &out[i], err);
    }
    if (rc != 0) {
        destroy_all(out, points);
        return rc;
    }
    pool p = {.sc = sc, .labels = labels, .points = points, .count = opt->replications, .opt = opt, .e = out};
    uint32_t mine = 0;
    rc = run_tasks(&p, &mine, err);
    if (rc == 0 && p.done < mine) {
        rc = RETSIM_EINTR;
    }
    if (rc != 0 && rc != RETSIM_EINTR) {
        destroy_all(out, points);
        return rc;
    }
    if (rc == RETSIM_EINTR) {
        retsim_error_set(err, rc, "", 0, "", "interrupted after %" PRIu32 " of %" PRIu32 " replications",
                         p.done, mine);
    }
    return rc;
}

int retsim_experiment_create(const retsim_experiment_options *opt, retsim_experiment **out, retsim_error *err)
{
    *out = NULL;
    return experiment_alloc(opt, out, err);
}

int retsim_experiment_run_until(const retsim_scenario *sc, const retsim_experiment_options *opt,
                                retsim_experiment *e, retsim_experiment_enough_fn enough, void *ctx,
                                retsim_error *err)
{
    pool p = {
        .sc = &sc, .points = 1, .count = e->n, .opt = opt, .e = &e, .enough = enough, .enough_ctx = ctx};
    uint32_t mine = 0;
    int rc = run_tasks(&p, &mine, err);
    if (rc == 0 && p.done < mine && !p.enough_said) {
        rc = RETSIM_EINTR;
    }
    if (rc == RETSIM_EINTR) {
        retsim_error_set(err, rc, "", 0, "", "interrupted after %" PRIu32 " replications", e->completed);
    }
    return rc;
}

int retsim_experiment_run(const retsim_scenario *sc, const retsim_experiment_options *opt,
                          retsim_experiment **out, retsim_error *err)
{
    int rc = retsim_experiment_check_size(sc, opt, err);
    if (rc != 0) {
        *out = NULL;
        return rc;
    }
    return retsim_experiment_run_many(&sc, NULL, 1, opt, out, err);
}

void retsim_experiment_destroy(retsim_experiment *e)
{
    if (e == NULL) {
        return;
    }
    for (uint32_t r = 0; r < e->n; r++) {
        free(e->reps[r].timeseries);
        free(e->reps[r].outcomes);
        free(e->reps[r].by_type);
        free(e->reps[r].by_period);
        free(e->reps[r].periods);
    }
    free(e->reps);
    free(e);
}

retsim_ci retsim_ci_of(const double *x, size_t n)
{
    double *v = malloc((n ? n : 1) * sizeof *v);
    retsim_ci ci = {0, NAN, NAN, NAN, NAN};
    if (v == NULL) {
        return ci;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(x[i])) {
            v[k++] = x[i];
        }
    }
    ci.n = (uint32_t)k;
    if (k >= 1) {
        ci.mean = gsl_stats_mean(v, 1, k);
    }
    if (k >= 2) {
        ci.sd = gsl_stats_sd_m(v, 1, k, ci.mean);
        double half = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) * ci.sd / sqrt((double)k);
        ci.low = ci.mean - half;
        ci.high = ci.mean + half;
    }
    free(v);
    return ci;
}

size_t retsim_experiment_values(const retsim_experiment *e, int row, retsim_metric m, double *out)
{
    size_t k = 0;
    for (uint32_t r = 0; r < e->n; r++) {
        if (e->reps[r].done) {
            out[k++] = e->reps[r].summary.value[row][m];
        }
    }
    return k;
}

const retsim_summary *retsim_experiment_first(const retsim_experiment *e)
{
    for (uint32_t r = 0; r < e->n; r++) {
        if (e->reps[r].done) {
            return &e->reps[r].summary;
        }
    }
    return NULL;
}

double retsim_experiment_warmup_mser5(const retsim_experiment *e, int *row, bool *at_limit)
{
    double best = NAN;
    *row = -1;
    *at_limit = false;
    for (uint32_t r = 0; r < e->n; r++) {
        const retsim_replication *rep = &e->reps[r];
        for (int i = 0; rep->done && i < rep->summary.n_rows; i++) {
            double d = rep->summary.value[i][RETSIM_M_WARMUP_MSER5_D];
            if (!isnan(d) && (isnan(best) || d > best)) {
                best = d;
                *row = i;
            }
        }
        *at_limit |= rep->done && rep->warmup_mser5_at_limit;
    }
    return best;
}

void retsim_experiment_write_ci(FILE *out, const retsim_experiment *e)
{
    fputs("kind,metric,n,mean,sd,ci95_low,ci95_high\n", out);
    const retsim_summary *s = retsim_experiment_first(e);
    double *v = malloc(e->n * sizeof *v);
    for (int row = 0; s != NULL && v != NULL && row < s->n_rows; row++) {
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            size_t k = retsim_experiment_values(e, row, (retsim_metric)m, v);
            retsim_ci ci = retsim_ci_of(v, k);
            char a[64], b[64], c[64], d[64];
            retsim_csv_field(out, s->kind[row]);
            fprintf(out, ",%s,%" PRIu32 ",%s,%s,%s,%s\n", retsim_metric_name((retsim_metric)m), ci.n,
                    retsim_format_csv(ci.mean, a, sizeof a), retsim_format_csv(ci.sd, b, sizeof b),
                    retsim_format_csv(ci.low, c, sizeof c), retsim_format_csv(ci.high, d, sizeof d));
        }
    }
    free(v);
}

/* The first finished replication's periods (NULL: no changes, or none finished). */
static const retsim_run_periods *first_periods(const retsim_experiment *e)
{
    for (uint32_t r = 0; r < e->n; r++) {
        if (e->reps[r].done && e->reps[r].periods != NULL) {
            return e->reps[r].periods;
        }
    }
    return NULL;
}

int retsim_experiment_period_means(const retsim_experiment *e, retsim_run_periods *out)
{
    const retsim_run_periods *first = first_periods(e);
    if (first == NULL) {
        return RETSIM_ENOTFOUND;
    }
    *out = *first;
    for (int i = 0; i < first->n; i++) {
        for (int row = 0; row < first->summary[i].n_rows; row++) {
            for (int m = 0; m < RETSIM_M_COUNT; m++) {
                double sum = 0;
                uint32_t k = 0;
                for (uint32_t r = 0; r < e->n; r++) {
                    if (e->reps[r].done) {
                        sum += e->reps[r].periods->summary[i].value[row][m];
                        k++;
                    }
                }
                out->summary[i].value[row][m] = sum / k; /* NaN where a replication has none */
            }
        }
    }
    return 0;
}

/* summary_by_period_ci.csv: mean and 95% CI over the replications of every
 * metric in every period between [change.*] instants. */
static void write_period_ci(FILE *out, const retsim_experiment *e)
{
    fputs("period,period_start_ms,period_end_ms,kind,metric,n,mean,sd,ci95_low,ci95_high\n", out);
    const retsim_run_periods *first = first_periods(e);
    double *v = malloc(e->n * sizeof *v);
    for (int i = 0; first != NULL && v != NULL && i < first->n; i++) {
        char label[160];
        retsim_run_period_label(first, i, label, sizeof label);
        for (int row = 0; row < first->summary[i].n_rows; row++) {
            for (int m = 0; m < RETSIM_M_COUNT; m++) {
                size_t k = 0;
                for (uint32_t r = 0; r < e->n; r++) {
                    if (e->reps[r].done) {
                        v[k++] = e->reps[r].periods->summary[i].value[row][m];
                    }
                }
                retsim_ci ci = retsim_ci_of(v, k);
                char a[64], b[64], c[64], d[64];
                fprintf(out, "%s,%" PRId64 ",%" PRId64 ",", label, first->from_ms[i], first->to_ms[i]);
                retsim_csv_field(out, first->summary[i].kind[row]);
                fprintf(out, ",%s,%" PRIu32 ",%s,%s,%s,%s\n", retsim_metric_name((retsim_metric)m), ci.n,
                        retsim_format_csv(ci.mean, a, sizeof a), retsim_format_csv(ci.sd, b, sizeof b),
                        retsim_format_csv(ci.low, c, sizeof c), retsim_format_csv(ci.high, d, sizeof d));
            }
        }
    }
    free(v);
}

/* summary_by_type.csv and, with changes, summary_by_period.csv: every
 * finished replication's rows, in replication order. */
static void write_split_rows(const retsim_experiment *e, FILE *by_type, FILE *by_period)
{
    retsim_run_by_type_header(by_type);
    if (by_period != NULL) {
        retsim_run_by_period_header(by_period);
    }
    for (uint32_t r = 0; r < e->n; r++) {
        const retsim_replication *rep = &e->reps[r];
        if (rep->done && rep->by_type != NULL) {
            fputs(rep->by_type, by_type);
        }
        if (rep->done && rep->by_period != NULL && by_period != NULL) {
            fputs(rep->by_period, by_period);
        }
    }
}

static void write_replications(const retsim_scenario *sc, const retsim_experiment *e, retsim_outfile *summary,
                               retsim_outfile *outcomes, retsim_outfile *timeseries)
{
    retsim_summary_write_header(summary->fp);
    retsim_metrics_write_outcomes_header(outcomes->fp, true);
    retsim_timeseries_write_header(timeseries->fp, true);
    for (uint32_t r = 0; r < e->n; r++) {
        const retsim_replication *rep = &e->reps[r];
        if (!rep->done) {
            continue;
        }
        retsim_summary_write_rows(summary->fp, &rep->summary, sc->name[0] ? sc->name : sc->path, r, e->seed);
        if (rep->outcomes != NULL) {
            fputs(rep->outcomes, outcomes->fp);
            fputs(rep->timeseries, timeseries->fp);
        }
    }
}

int retsim_experiment_write(const retsim_scenario *sc, const retsim_experiment *e, const char *dir,
                            const retsim_provenance *prov, retsim_error *err)
{
    return retsim_experiment_write_keys(sc, e, dir, prov, NULL, NULL, 0, err);
}

int retsim_experiment_write_keys(const retsim_scenario *sc, const retsim_experiment *e, const char *dir,
                                 const retsim_provenance *prov, const char *const *more_keys,
                                 const char *const *more_values, size_t n_more, retsim_error *err)
{
    enum { SUMMARY, CI, OUTCOMES, TIMESERIES, MANIFEST, BY_TYPE, BY_PERIOD, PERIOD_CI, N };
    static const char *const names[N] = {
        "summary.csv", "summary_ci.csv",      "outcomes.csv",          "timeseries.csv",
        "manifest",    "summary_by_type.csv", "summary_by_period.csv", "summary_by_period_ci.csv"};
    retsim_outfile f[N];
    retsim_outdir d;
    memset(f, 0, sizeof f);
    int rc = retsim_outdir_begin(&d, dir, err);
    for (int i = 0; rc == 0 && i < N; i++) {
        if (i < BY_PERIOD || sc->n_changes > 0) {
            rc = retsim_outdir_open(&d, &f[i], names[i], err);
        }
    }
    if (rc == 0) {
        write_replications(sc, e, &f[SUMMARY], &f[OUTCOMES], &f[TIMESERIES]);
        retsim_experiment_write_ci(f[CI].fp, e);
        write_split_rows(e, f[BY_TYPE].fp, f[BY_PERIOD].fp);
        if (f[PERIOD_CI].fp != NULL) {
            write_period_ci(f[PERIOD_CI].fp, e);
        }
        char seed[32], reps[64], warmup[32] = "";
        snprintf(seed, sizeof seed, "%" PRIu64, e->seed);
        snprintf(reps, sizeof reps, "%" PRIu32 " of %" PRIu32, e->completed, e->n);
        int row;
        bool at_limit;
        double w = retsim_experiment_warmup_mser5(e, &row, &at_limit);
        if (!isnan(w)) { /* the largest over replications: where a chart marks the warm-up */
            snprintf(warmup, sizeof warmup, "%.9g", w);
        }
        enum { BASE = 6, MORE = 8 };
        const char *keys[BASE + MORE] = {"command",      "scenario", "seed",
                                         "replications", "rng",      "warmup_mser5_d"};
        const char *values[BASE + MORE] = {
            "run",
            sc->path,
            seed,
            reps,
            "retsim_splitmix64 keyed by (seed, replication, source, entity, draw)",
            warmup};
        size_t n = BASE;
        for (size_t i = 0; i < n_more && n < BASE + MORE; i++, n++) {
            keys[n] = more_keys[i];
            values[n] = more_values[i];
        }
        rc = retsim_manifest_write(f[MANIFEST].fp, keys, values, n, prov, sc);
    }
    rc = retsim_outdir_finish(rc, &d, f, N, err);
    return rc;
}

void retsim_experiment_print(FILE *out, const retsim_experiment *e)
{
    static const retsim_metric headline[] = {RETSIM_M_NAME_CONFLICT_RATE,
                                             RETSIM_M_RECREATE_CONFLICT_RATE,
                                             RETSIM_M_ATTEMPT_CONFLICT_RATE,
                                             RETSIM_M_RECOVERY_RATE,
                                             RETSIM_M_DATA_LOSS,
                                             RETSIM_M_CONFLICTS_RESERVED,
                                             RETSIM_M_SOFT_DELETED_AVG,
                                             RETSIM_M_RESERVED_AVG,
                                             RETSIM_M_COST_RETAINED,
                                             RETSIM_M_COST_TOTAL,
                                             RETSIM_M_COST_TOTAL_PER_30D,
                                             RETSIM_M_RETENTION_COST_SHARE};
    const retsim_summary *s = retsim_experiment_first(e);
    double *v = malloc(e->n * sizeof *v);
    for (int row = 0; s != NULL && v != NULL && row < s->n_rows; row++) {
        fprintf(out, "%s: mean and 95%% confidence interval over %" PRIu32 " replications (costs in %s)\n",
                s->kind[row], e->completed, s->currency);
        for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++) {
            retsim_ci ci = retsim_ci_of(v, retsim_experiment_values(e, row, headline[i], v));
            const char *name = retsim_metric_name(headline[i]);
            char mean[RETSIM_FORMAT_MAX], lo[RETSIM_FORMAT_MAX], hi[RETSIM_FORMAT_MAX];
            retsim_format_metric(name, ci.mean, mean, sizeof mean);
            retsim_format_metric(name, ci.low, lo, sizeof lo);
            retsim_format_metric(name, ci.high, hi, sizeof hi);
            if (isnan(ci.low)) {
                fprintf(out, "  %-26s %16s  (one replication: no interval)\n", name, mean);
            } else {
                fprintf(out, "  %-26s %16s  [%s, %s]\n", name, mean, lo, hi);
            }
        }
    }
    free(v);
}

/* ---- reading summary.csv back ---- */

typedef struct reader {
    const char *path;
    retsim_error *err;
    int rc;
    long line;
    int field;
    int col_of_metric[RETSIM_M_COUNT + 4]; /* header position of each metric; -1 if absent */
    int n_cols;
    char cell[RETSIM_M_COUNT + 8][64];
    retsim_experiment *e;
} reader;

enum { C_REPLICATION = RETSIM_M_COUNT, C_SEED, C_KIND };

static void read_field(void *s, size_t len, void *data)
{
    reader *rd = data;
    if (rd->field < (int)(sizeof rd->cell / sizeof rd->cell[0])) {
        snprintf(rd->cell[rd->field], sizeof rd->cell[0], "%.*s", (int)(len < 63 ? len : 63),
                 (const char *)s);
    }
    rd->field++;
}

static int header_row(reader *rd)
{
    for (int m = 0; m < RETSIM_M_COUNT + 3; m++) {
        rd->col_of_metric[m] = -1;
    }
    rd->n_cols = rd->field;
    for (int i = 0; i < rd->field && i < (int)(sizeof rd->cell / sizeof rd->cell[0]); i++) {
        for (int m = 0; m < RETSIM_M_COUNT; m++) {
            if (strcmp(rd->cell[i], retsim_metric_name((retsim_metric)m)) == 0) {
                rd->col_of_metric[m] = i;
            }
        }
        rd->col_of_metric[C_REPLICATION] =
            strcmp(rd->cell[i], "replication") == 0 ? i : rd->col_of_metric[C_REPLICATION];
        rd->col_of_metric[C_SEED] = strcmp(rd->cell[i], "seed") == 0 ? i : rd->col_of_metric[C_SEED];
        rd->col_of_metric[C_KIND] = strcmp(rd->cell[i], "kind") == 0 ? i : rd->col_of_metric[C_KIND];
    }
    if (rd->col_of_metric[C_REPLICATION] < 0 || rd->col_of_metric[C_KIND] < 0 ||
        rd->col_of_metric[C_SEED] < 0) {
        return retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, 1, "",
                                "not a retsim summary.csv: no replication, seed and kind columns");
    }
    return 0;
}

static int data_row(reader *rd)
{
    char *end = NULL;
    unsigned long r = strtoul(rd->cell[rd->col_of_metric[C_REPLICATION]], &end, 10);
    if (rd->field != rd->n_cols || *end != '\0' || r >= 1000000) {
        return retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->line, "replication",
                                "expected %d fields and a replication number", rd->n_cols);
    }
    retsim_experiment *e = rd->e;
    if (r >= e->n) {
        retsim_replication *reps = realloc(e->reps, (r + 1) * sizeof *reps);
        if (reps == NULL) {
            return retsim_error_set(rd->err, RETSIM_ENOMEM, rd->path, rd->line, "", "out of memory");
        }
        memset(reps + e->n, 0, (r + 1 - e->n) * sizeof *reps);
        e->reps = reps;
        e->n = (uint32_t)r + 1;
    }
    retsim_replication *rep = &e->reps[r];
    e->seed = strtoull(rd->cell[rd->col_of_metric[C_SEED]], NULL, 10);
    retsim_summary *s = &rep->summary;
    if (s->n_rows == RETSIM_MAX_KINDS + 1) {
        return retsim_error_set(rd->err, RETSIM_EINPUT, rd->path, rd->line, "kind", "too many kinds");
    }
    int row = s->n_rows++;
    snprintf(s->kind[row], sizeof s->kind[row], "%.47s", rd->cell[rd->col_of_metric[C_KIND]]);
    for (int m = 0; m < RETSIM_M_COUNT; m++) {
        int c = rd->col_of_metric[m];
        const char *v = c >= 0 ? rd->cell[c] : "";
        s->value[row][m] = v[0] != '\0' ? strtod(v, NULL) : NAN;
    }
    if (!rep->done) {
        rep->done = true;
        e->completed++;
    }
    return 0;
}

static void read_row(int c, void *data)
{
    (void)c;
    reader *rd = data;
    rd->line++;
    if (rd->rc == 0) {
        rd->rc = rd->line == 1 ? header_row(rd) : data_row(rd);
    }
    rd->field = 0;
}

/* The currency the run's costs are in: its manifest's "currency = X" line
 * (the resolved scenario), else the default. */
static void read_currency(const char *dir, char *out, size_t size)
{
    char path[PATH_MAX], line[512], value[RETSIM_CURRENCY_MAX];
    snprintf(out, size, "%s", RETSIM_CURRENCY_DEFAULT);
    snprintf(path, sizeof path, "%s/manifest", dir);
    FILE *f = fopen(path, "r");
    while (f != NULL && fgets(line, sizeof line, f) != NULL) {
        if (sscanf(line, "currency = %15[^ ;\n]", value) == 1) {
            snprintf(out, size, "%s", value);
            break;
        }
    }
    if (f != NULL) {
        fclose(f);
    }
}

int retsim_experiment_read(const char *dir, retsim_experiment **out, retsim_error *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                                "cannot open (is %s a retsim output folder?)", dir);
    }
    reader rd = {.path = path, .err = err};
    rd.e = calloc(1, sizeof *rd.e);
    struct csv_parser p;
    csv_init(&p, CSV_STRICT | CSV_APPEND_NULL);
    char buf[65536];
    size_t n = 1;
    while (rd.e != NULL && rd.rc == 0 && n > 0) {
        n = fread(buf, 1, sizeof buf, f);
        if (n > 0 && csv_parse(&p, buf, n, read_field, read_row, &rd) != n && rd.rc == 0) {
            rd.rc = retsim_error_set(err, RETSIM_EINPUT, path, rd.line + 1, "", "malformed CSV");
        }
    }
    if (rd.e != NULL && rd.rc == 0) {
        csv_fini(&p, read_field, read_row, &rd);
    }
    csv_free(&p);
    fclose(f);
    if (rd.e == NULL) {
        return retsim_error_set(err, RETSIM_ENOMEM, path, 0, "", "out of memory");
    }
    if (rd.rc == 0 && rd.e->completed == 0) {
        rd.rc = retsim_error_set(err, RETSIM_EINPUT, path, 0, "", "no rows below the header");
    }
    if (rd.rc != 0) {
        retsim_experiment_destroy(rd.e);
        return rd.rc;
    }
    char currency[RETSIM_CURRENCY_MAX];
    read_currency(dir, currency, sizeof currency);
    for (uint32_t r = 0; r < rd.e->n; r++) {
        snprintf(rd.e->reps[r].summary.currency, sizeof rd.e->reps[r].summary.currency, "%s", currency);
    }
    *out = rd.e;
    return 0;
}

/* ---- are two output folders comparable? ---- */

/* The keys of a manifest that are not policy: what two runs must share for
 * B - A to be the policy's effect. */
typedef struct manifest_keys {
    int n, cap;
    struct manifest_key {
        char section[128], key[128], value[512];
    } * k;
    char kinds[1024]; /* "apim,kv," : the [policy.*] sections in order */
} manifest_keys;

static bool is_policy_section(const char *section)
{
    /* [run] records the command and seed (compared from summary.csv); [scenario]
     * only names it; [policy.*] and [change.*] are what a comparison varies */
    return strcmp(section, "run") == 0 || strcmp(section, "scenario") == 0 ||
           strncmp(section, "policy.", 7) == 0 || strncmp(section, "change.", 7) == 0;
}

static int manifest_key(void *user, const char *section, const char *key, const char *value)
{
    manifest_keys *m = user;
    if (strncmp(section, "policy.", 7) == 0) { /* kinds as ",apim,kv," */
        char mark[160];
        snprintf(mark, sizeof mark, ",%s,", section + 7);
        size_t len = strlen(m->kinds);
        if (strstr(m->kinds, mark) == NULL && len + strlen(mark) < sizeof m->kinds) {
            snprintf(m->kinds + (len > 0 ? len - 1 : 0), sizeof m->kinds - len, "%s", mark);
        }
    }
    if (is_policy_section(section) || (strcmp(section, "simulation") == 0 && strcmp(key, "seed") == 0)) {
        return 1;
    }
    if (m->n == m->cap) {
        int cap = m->cap ? m->cap * 2 : 64;
        struct manifest_key *k = realloc(m->k, (size_t)cap * sizeof *k);
        if (k == NULL) {
            return 0;
        }
        m->k = k;
        m->cap = cap;
    }
    struct manifest_key *e = &m->k[m->n++];
    snprintf(e->section, sizeof e->section, "%s", section);
    snprintf(e->key, sizeof e->key, "%s", key);
    snprintf(e->value, sizeof e->value, "%s", value);
    return 1;
}

static int read_manifest(const char *dir, manifest_keys *m, char *path, size_t size, retsim_error *err)
{
    memset(m, 0, sizeof m[0]);
    snprintf(path, size, "%s/manifest", dir);
    int rc = ini_parse(path, manifest_key, m);
    if (rc == -1) {
        return retsim_error_set(err, RETSIM_EINPUT, path, 0, "",
                                "cannot open: compare needs the manifest retsim writes beside summary.csv");
    }
    if (rc != 0) {
        return retsim_error_set(err, rc == -2 ? RETSIM_ENOMEM : RETSIM_EINPUT, path, rc > 0 ? rc : 0, "",
                                "not a retsim manifest");
    }
    return 0;
}

static const struct manifest_key *find_key(const manifest_keys *m, const char *section, const char *key)
{
    for (int i = 0; i < m->n; i++) {
        if (strcmp(m->k[i].section, section) == 0 && strcmp(m->k[i].key, key) == 0) {
            return &m->k[i];
        }
    }
    return NULL;
}

/* The first non-policy key whose value differs between x and y (or that one lacks). */
static int manifests_differ(const manifest_keys *x, const char *px, const manifest_keys *y, const char *py,
                            retsim_error *err)
{
    if (strcmp(x->kinds, y->kinds) != 0) {
        return retsim_error_set(err, RETSIM_EINPUT, py, 0, "policy",
                                "the runs simulate different kinds (%s in %s, %s here): nothing to pair",
                                x->kinds, px, y->kinds);
    }
    for (int pass = 0; pass < 2; pass++) {
        const manifest_keys *a = pass == 0 ? x : y, *b = pass == 0 ? y : x;
        const char *pa = pass == 0 ? px : py, *pb = pass == 0 ? py : px;
        for (int i = 0; i < a->n; i++) {
            const struct manifest_key *k = &a->k[i], *o = find_key(b, k->section, k->key);
            if (o == NULL || strcmp(o->value, k->value) != 0) {
                return retsim_error_set(
                    err, RETSIM_EINPUT, pb, 0, k->key,
                    "[%s] %s is '%s' here but '%s' in %s: the runs differ in more than policy keys, so "
                    "B - A would not be the policy's effect (--unpaired compares them as independent "
                    "samples)",
                    k->section, k->key, o != NULL ? o->value : "(not set)", k->value, pa);
            }
        }
    }
    return 0;
}

int retsim_experiment_enough(const char *dir_a, const retsim_experiment *a, const char *dir_b,
                             const retsim_experiment *b, retsim_error *err)
{
    const char *dir = a->completed < 2 ? dir_a : dir_b;
    const retsim_experiment *e = a->completed < 2 ? a : b;
    if (e->completed >= 2) {
        return 0;
    }
    return retsim_error_set(err, RETSIM_EINPUT, dir, 0, "replication",
                            "holds %" PRIu32 " replication; a confidence interval of B - A needs at least 2 "
                            "(retsim run ... --replications 10)",
                            e->completed);
}

int retsim_experiment_comparable(const char *dir_a, const retsim_experiment *a, const char *dir_b,
                                 const retsim_experiment *b, retsim_error *err)
{
    int rc = retsim_experiment_enough(dir_a, a, dir_b, b, err);
    if (rc != 0) {
        return rc;
    }
    if (a->completed != b->completed) {
        return retsim_error_set(
            err, RETSIM_EINPUT, dir_b, 0, "replication",
            "holds %" PRIu32 " replications but %s holds %" PRIu32
            ": pairs need the same replications on both sides (--unpaired compares them as "
            "independent samples)",
            b->completed, dir_a, a->completed);
    }
    if (a->seed != b->seed) {
        return retsim_error_set(
            err, RETSIM_EINPUT, dir_b, 0, "seed",
            "the runs used seeds %llu and %llu: their replications share no workload to pair "
            "(--unpaired compares them as independent samples)",
            (unsigned long long)a->seed, (unsigned long long)b->seed);
    }
    manifest_keys ma, mb;
    char pa[PATH_MAX], pb[PATH_MAX];
    rc = read_manifest(dir_a, &ma, pa, sizeof pa, err);
    if (rc == 0) {
        rc = read_manifest(dir_b, &mb, pb, sizeof pb, err);
        if (rc == 0) {
            rc = manifests_differ(&ma, pa, &mb, pb, err);
        }
        free(mb.k);
    }
    free(ma.k);
    return rc;
}
