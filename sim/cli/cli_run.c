/* retsim run: a generated workload, once or as replications. */
#include "cli.h"
#include "retsim/experiment.h"
#include "retsim/manifest.h"
#include "retsim/precision.h"
#include "retsim/run.h"
#include "retsim/tasks.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>

static const char run_help[] =
    "usage: retsim run SCENARIO [--seed N] [--replications N] [--jobs J] [--out DIR]\n"
    "         [--events] [--trace-out FILE] [--format text|csv|json] [--force] [-q]\n"
    "         [--precision M=REL,... [--batch B]] [--shard K/N] [--set K=V]...\n"
    "\n"
    "Simulate the scenario's workload ([workload.<kind>] sections) under its\n"
    "retention rules, from time 0 to [simulation] horizon, and report recoveries\n"
    "and data loss, name conflicts, retained replicas and their cost.\n"
    "\n"
    "  --seed N          master seed (default: [simulation] seed); same seed, same bytes\n"
    "  --replications N  N independent replications (default 1); with N > 1 the\n"
    "                    outputs get a replication column and summary_ci.csv holds\n"
    "                    mean, sd and 95% confidence interval of every metric\n"
    "  --precision M=REL[,M=REL...]\n"
    "                    run replications in batches until every named metric's 95%\n"
    "                    CI half-width is within REL x |mean| on every kind (REL as\n"
    "                    0.01 or 1%), or --replications (default 100 here) is\n"
    "                    reached: then a warning, the outputs all the same, and\n"
    "                    precision_reached = no in the manifest. The same seed gives\n"
    "                    the same number of replications for any --jobs\n"
    "  --batch B         replications per batch with --precision (default 5)\n"
    "  -j, --jobs J      threads for replications (default: all cores); results do\n"
    "                    not depend on J\n"
    "  -o, --out DIR     output folder (default: out); replaced whole by this run's\n"
    "                    files; refused if it holds files retsim did not write\n"
    "  --events          also write DIR/events.csv, one row per operation (one replication)\n"
    "  --trace-out FILE  write the generated operations as a trace; `retsim replay\n"
    "                    SCENARIO FILE --until HORIZON` gives the same events.csv\n"
    "                    (after --seed N, with --set simulation.seed=N)\n"
    "  --set K=V         override a scenario key, e.g. --set policy.apim.retention=7d\n"
    "                    or --set workload.apim.arrivals=500/d\n"
    "  --force           run even when the expected size is beyond the limits (1e10\n"
    "                    events, 2e8 names in a replication, 1e8 output rows)\n"
    "  --format F        the summary on stdout: text (default, for people), csv (the\n"
    "                    rows of summary.csv, or of summary_ci.csv with replications)\n"
    "                    or json (the same rows, an object each)\n"
    "  -q, --quiet       no messages on stderr (progress, the files written); errors\n"
    "                    and warnings still\n"
    "  --shard K/N       with --replications: run the K-th of N slices of the\n"
    "                    replications and write a part folder (DIR) instead;\n"
    "                    `retsim merge` puts the N parts together\n"
    "\n"
    "Writes DIR/summary.csv, summary_by_type.csv, outcomes.csv, timeseries.csv and\n"
    "manifest; with [change.*] sections also summary_by_period.csv; with N > 1\n"
    "replications also summary_ci.csv (and summary_by_period_ci.csv). All or\n"
    "nothing; prints a short summary on stdout; messages (the files written) and\n"
    "progress (when it is a terminal) go to stderr. Ctrl-C stops: a single run writes nothing; replications "
    "keep the\n"
    "ones that finished.\n"
    "Exit codes: 0 ok, 1 runtime failure or interrupted, 2 bad usage or bad input.\n";

/* The configured warm-up is shorter than MSER-5's truncation point for the
 * ACTIVE inventory: averages and counts include the start-up climb. */
static void warn_warmup(const retsim_scenario *sc, double days, const char *row, bool at_limit)
{
    retsim_time suggested = (retsim_time)llround(days * (double)RETSIM_MS_PER_DAY);
    if (isnan(days) || sc->settings.warmup >= suggested) {
        return;
    }
    char want[64], have[64], longer[64];
    retsim_time_format(suggested, want, sizeof want);
    retsim_time_format(sc->settings.warmup, have, sizeof have);
    retsim_time_format(2 * sc->settings.horizon, longer, sizeof longer);
    fprintf(stderr,
            "retsim: warning: MSER-5 suggests a warm-up of %s%s for the ACTIVE inventory of %s, but "
            "[simulation] warmup is %s: averages and counts include the start-up climb (try --set "
            "simulation.warmup=%s)\n",
            at_limit ? "at least " : "", want, row, have, want);
    if (at_limit) {
        fprintf(stderr,
                "retsim: warning: no steady state in the first half of the run, the most MSER-5 may cut: "
                "simulate longer (e.g. --set simulation.horizon=%s) for a firm warm-up\n",
                longer);
    }
}

/* What replications print: means and CIs, period means, the warm-up warning, the files. */
static void fill_ci(FILE *out, const void *ctx)
{
    retsim_experiment_write_ci(out, ctx);
}

static void print_replications(const retsim_scenario *sc, const retsim_experiment *e, int jobs,
                               const char *out, cli_format format)
{
    if (format != CLI_FORMAT_TEXT) {
        cli_emit_table(format, fill_ci, e);
    } else {
        retsim_experiment_print(stdout, e);
    }
    retsim_run_periods *means = format == CLI_FORMAT_TEXT && sc->n_changes > 0 ? malloc(sizeof *means) : NULL;
    if (means != NULL && retsim_experiment_period_means(e, means) == 0) {
        printf("means of %" PRIu32 " replications; CIs in summary_by_period_ci.csv\n", e->completed);
        retsim_run_print_periods(stdout, means);
    }
    free(means);
    int row;
    bool at_limit;
    double w = retsim_experiment_warmup_mser5(e, &row, &at_limit);
    warn_warmup(sc, w, row >= 0 ? retsim_experiment_first(e)->kind[row] : "", at_limit);
    cli_note("%u replication%s on %d job%s in %.2f s; wrote %s/summary.csv, summary_ci.csv, "
             "summary_by_type.csv, %soutcomes.csv, timeseries.csv, manifest\n",
             e->completed, e->completed == 1 ? "" : "s", jobs, jobs == 1 ? "" : "s", e->wall_seconds, out,
             sc->n_changes > 0 ? "summary_by_period.csv, summary_by_period_ci.csv, " : "");
}

/* What every run of several replications sets: threads, the output folder
 * checked, rows kept, the stop flag, the executor. 0 or an exit code. */
static int many_options(const cli_args *a, retsim_experiment_options *o, const char *mode)
{
    if (a->events || a->trace_out != NULL) {
        return cli_usage_error("run", "--events and --trace-out are for a single run, not %s", mode);
    }
    if (o->jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o->jobs = cores > 0 ? (int)cores : 1;
    }
    const char *out = a->out_dir != NULL ? a->out_dir : "out";
    if (cli_check_out(out) != 0) {
        return CLI_BAD_INPUT;
    }
    o->keep_rows = true;
    o->stop = cli_stop_flag();
    o->exec = cli_executor();
    return 0;
}

static int run_replications(const retsim_scenario *sc, const cli_args *a, retsim_experiment_options *o,
                            cli_format format)
{
    int rc = many_options(a, o, "--replications");
    if (rc != 0) {
        return rc;
    }
    const char *out = a->out_dir != NULL ? a->out_dir : "out";
    if (a->shard != NULL) {
        return cli_shard_run("run", a, sc, o, NULL, 0);
    }
    retsim_error err;
    retsim_error_clear(&err);
    retsim_experiment *e = NULL;
    rc = retsim_experiment_run(sc, o, &e, &err);
    if (!retsim_executor_is_root(o->exec)) { /* an MPI rank's results went to rank 0, which writes */
        retsim_experiment_destroy(e);
        return CLI_OK;
    }
    if (e != NULL && e->completed > 0) { /* completed replications are kept, even when interrupted */
        retsim_error werr;
        retsim_error_clear(&werr);
        retsim_provenance prov;
        cli_provenance("run", a, &prov);
        if (retsim_experiment_write(sc, e, out, &prov, &werr) != 0) {
            retsim_experiment_destroy(e);
            return cli_fail(&werr);
        }
        print_replications(sc, e, o->jobs, out, format);
    }
    retsim_experiment_destroy(e);
    return rc != 0 ? cli_fail(&err) : CLI_OK;
}

/* The precision mode's line on stderr: how many replications it took and
 * how precise each target came out (its worst kind); a warning when the
 * ceiling came first, a note for a target that cannot be judged. */
static void report_precision(const retsim_experiment *e, const retsim_precision_options *po,
                             const retsim_precision_result *res)
{
    if (res->batches == 0) {
        cli_note("precision: stopped after %u replication%s, before a batch was judged\n", e->completed,
                 e->completed == 1 ? "" : "s");
        return;
    }
    char line[1024];
    size_t used = 0;
    const retsim_summary *first = retsim_experiment_first(e);
    for (size_t i = 0; i < po->spec.n && used < sizeof line; i++) {
        const char *name = retsim_metric_name(po->spec.metric[i]);
        double w = res->verdict.worst[i];
        int row = res->verdict.worst_row[i];
        const char *kind = first != NULL && row >= 0 ? first->kind[row] : "";
        int n = isinf(w) ? snprintf(line + used, sizeof line - used,
                                    "%s%s cannot be judged on %s (mean 0, NaN "
                                    "or under 2 values)",
                                    i > 0 ? ", " : "", name, kind)
                         : snprintf(line + used, sizeof line - used,
                                    "%s%s \u00b1%.2f%% of mean (target %g%%; "
                                    "widest on %s)",
                                    i > 0 ? ", " : "", name, 100.0 * w, 100.0 * po->spec.rel[i], kind);
        used += n > 0 ? (size_t)n : 0;
    }
    cli_note("precision: %u replication%s (%u batch%s of %u): %s\n", res->replications,
             res->replications == 1 ? "" : "s", res->batches, res->batches == 1 ? "" : "es", po->batch, line);
    if (!res->reached && !res->stopped) {
        fprintf(stderr,
                "retsim: warning: precision target not reached within --replications %u; the outputs "
                "hold those %u replications (manifest: precision_reached = no)\n",
                po->ceiling, res->replications);
    }
}

/* The manifest's record of the precision mode. */
static int write_precision(const retsim_scenario *sc, const cli_args *a, const retsim_experiment *e,
                           const retsim_precision_options *po, const retsim_precision_result *res,
                           const char *out)
{
    char target[512], batch[16], batches[16], reps[16];
    retsim_precision_format(&po->spec, target, sizeof target);
    snprintf(batch, sizeof batch, "%u", po->batch);
    snprintf(batches, sizeof batches, "%u", res->batches);
    snprintf(reps, sizeof reps, "%u", res->replications);
    const char *keys[] = {"precision", "precision_batch", "precision_batches", "precision_replications",
                          "precision_reached"};
    const char *values[] = {target, batch, batches, reps, res->reached ? "yes" : "no"};
    retsim_provenance prov;
    cli_provenance("run", a, &prov);
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_experiment_write_keys(sc, e, out, &prov, keys, values, 5, &err) != 0) {
        return cli_fail(&err);
    }
    return 0;
}

static int run_precision(const retsim_scenario *sc, const cli_args *a, retsim_experiment_options *o,
                         const retsim_precision_options *po, cli_format format)
{
    int rc = many_options(a, o, "--precision");
    if (rc != 0) {
        return rc;
    }
    const char *out = a->out_dir != NULL ? a->out_dir : "out";
    retsim_error err;
    retsim_error_clear(&err);
    retsim_experiment *e = NULL;
    retsim_precision_result res;
    rc = retsim_precision_run(sc, o, po, &e, &res, &err);
    int wrc = 0;
    if (e != NULL && e->completed > 0) { /* finished replications are kept, even when interrupted */
        wrc = write_precision(sc, a, e, po, &res, out);
        if (wrc == 0) {
            print_replications(sc, e, o->jobs, out, format);
            report_precision(e, po, &res);
        }
    }
    retsim_experiment_destroy(e);
    if (wrc != 0) {
        return wrc;
    }
    return rc != 0 ? cli_fail(&err) : CLI_OK;
}

/* --precision and --batch into po (the ceiling from --replications, default
 * RETSIM_PRECISION_CEILING). 0 or an exit code (printed). */
static int precision_options(const cli_args *a, const char *spec, const char *batch,
                             retsim_precision_options *po)
{
    memset(po, 0, sizeof *po);
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_precision_parse(spec, &po->spec, &err) != 0) {
        return cli_fail(&err);
    }
    uint64_t v = RETSIM_PRECISION_BATCH;
    if (batch != NULL && cli_number("run", "--batch", batch, 2, 1000000, &v) != 0) {
        return CLI_BAD_INPUT;
    }
    po->batch = (uint32_t)v;
    v = RETSIM_PRECISION_CEILING;
    if (a->replications != NULL &&
        cli_number("run", "--replications", a->replications, 2, UINT32_MAX, &v) != 0) {
        return CLI_BAD_INPUT;
    }
    po->ceiling = (uint32_t)v;
    return 0;
}

/* What a single run prints on success: the summary, the periods, the warm-up
 * warning and the files written. */
typedef struct summary_rows {
    const retsim_scenario *sc;
    const retsim_summary *summary;
    uint64_t seed;
} summary_rows;

static void fill_summary(FILE *out, const void *ctx)
{
    const summary_rows *r = ctx;
    retsim_summary_write_header(out);
    retsim_summary_write_rows(out, r->summary, r->sc->name[0] ? r->sc->name : r->sc->path, 0, r->seed);
}

static void print_run(const retsim_scenario *sc, const retsim_run_options *opt, const retsim_summary *summary,
                      const retsim_run_stats *stats, cli_format format)
{
    if (format != CLI_FORMAT_TEXT) {
        summary_rows rows = {sc, summary, opt->seed};
        cli_emit_table(format, fill_summary, &rows);
    } else {
        retsim_summary_print(stdout, summary);
    }
    if (opt->periods != NULL && format == CLI_FORMAT_TEXT) {
        retsim_run_print_periods(stdout, opt->periods);
    }
    warn_warmup(sc, stats->warmup_mser5_d,
                stats->warmup_mser5_row >= 0 ? summary->kind[stats->warmup_mser5_row] : "",
                stats->warmup_mser5_at_limit);
    cli_note("%llu events in %.2f s; wrote %s/summary.csv, summary_by_type.csv, %soutcomes.csv, "
             "timeseries.csv, manifest%s%s%s\n",
             (unsigned long long)stats->events, stats->wall_seconds, opt->out_dir,
             sc->n_changes > 0 ? "summary_by_period.csv, " : "", opt->events ? ", events.csv" : "",
             opt->trace_out != NULL ? " and " : "", opt->trace_out != NULL ? opt->trace_out : "");
}

static int run_single(const retsim_scenario *sc, const cli_args *a, const retsim_experiment_options *xo,
                      cli_format format)
{
    if (!retsim_executor_is_root(cli_executor())) { /* under mpirun a single run is rank 0's alone */
        return CLI_OK;
    }
    retsim_provenance prov;
    cli_provenance("run", a, &prov);
    retsim_run_options opt = {.seed = xo->seed,
                              .out_dir = a->out_dir != NULL ? a->out_dir : "out",
                              .events = a->events,
                              .trace_out = a->trace_out,
                              .progress = xo->progress != NULL ? cli_progress_run : NULL,
                              .stop = cli_stop_flag(),
                              .provenance = &prov,
                              .force = a->force};
    retsim_error err;
    retsim_error_clear(&err);
    retsim_summary summary;
    retsim_run_stats stats = {0};
    opt.periods = sc->n_changes > 0 ? malloc(sizeof *opt.periods) : NULL; /* NULL: no table, no harm */
    int rc = CLI_OK;
    if (retsim_run(sc, &opt, &summary, &stats, &err) != 0) {
        rc = cli_fail(&err);
    } else {
        print_run(sc, &opt, &summary, &stats, format);
    }
    free(opt.periods);
    return rc;
}

/* The scenario with every --set, checked for what a generated run needs, and
 * the options from the command line. 0 or an exit code (printed). */
static int prepare(const cli_args *a, retsim_scenario **sc, retsim_experiment_options *xo)
{
    int rc = cli_load_scenario(a->positional[0], a, sc);
    if (rc != 0) {
        return rc;
    }
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_scenario_check_generated(*sc, &err) != 0) { /* a reservation no generated user can meet */
        return cli_fail(&err);
    }
    return cli_experiment_options("run", a, *sc, 1, xo);
}

int cli_run(int argc, char **argv)
{
    cli_args a;
    const char *precision = NULL, *batch = NULL;
    const cli_option own[] = {{.name = "--precision", .value = &precision},
                              {.name = "--batch", .value = &batch}};
    int rc = cli_parse_own("run", argc, argv,
                           OPT_OUT | OPT_SEED | OPT_EVENTS | OPT_TRACE_OUT | OPT_REPLICATIONS | OPT_JOBS |
                               OPT_FORCE | OPT_FORMAT | OPT_SHARD,
                           own, sizeof own / sizeof own[0], &a);
    if (rc != 0 || a.help) {
        cli_help(run_help, rc);
        return rc;
    }
    if (a.n_positional != 1) {
        return cli_usage_error("run", "expected one SCENARIO");
    }
    if (batch != NULL && precision == NULL) {
        return cli_usage_error("run", "--batch is for --precision");
    }
    if (a.shard != NULL && precision != NULL) { /* a shard cannot see the others' results to stop on */
        return cli_usage_error("run",
                               "--shard slices a fixed --replications N; --precision decides how many "
                               "as it goes, so it cannot be sharded (under mpirun it needs no shards)");
    }
    cli_format format;
    if (cli_format_of("run", &a, &format) != 0) {
        return CLI_BAD_INPUT;
    }
    retsim_precision_options po;
    rc = precision != NULL ? precision_options(&a, precision, batch, &po) : 0;
    if (rc != 0) {
        return rc;
    }
    retsim_scenario *sc = NULL;
    retsim_experiment_options xo;
    rc = prepare(&a, &sc, &xo);
    if (rc == 0 && precision != NULL) {
        rc = run_precision(sc, &a, &xo, &po, format);
    } else if (rc == 0) {
        rc = xo.replications > 1 || a.shard != NULL ? run_replications(sc, &a, &xo, format)
                                                    : run_single(sc, &a, &xo, format);
    }
    retsim_scenario_destroy(sc);
    return rc;
}
