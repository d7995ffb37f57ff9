/* retsim sweep and retsim compare. */
#include "cli.h"
#include "retsim/compare.h"
#include "retsim/manifest.h"
#include "retsim/sweep.h"
#include "retsim/tasks.h"

#include <limits.h>
#include <stdio.h>
#include <unistd.h>

static const char sweep_help[] =
    "usage: retsim sweep SCENARIO --vary KEY=v1,v2,... [--vary KEY2=...]... [--replications N]\n"
    "                    [--jobs J] [--seed N] [--out DIR] [--force] [--set section.key=value]...\n"
    "                    [--shard K/N]\n"
    "\n"
    "Run the scenario at every combination of the varied values (the first --vary\n"
    "changes slowest), each with the same replication seeds (common random numbers).\n"
    "KEY is any --set key, e.g. --vary policy.apim.retention=24h,48h,7d; a value may\n"
    "hold commas inside parentheses: --vary 'workload.apim.restore_delay=exp(mean=1d),\n"
    "lognormal(median=1d, sigma=1)'.\n"
    "\n"
    "  --replications N  per point (default 10)\n"
    "  --out DIR         output folder (default: out); writes sweep.csv (one row per\n"
    "                    point, replication and kind), sweep_ci.csv (mean and 95% CI\n"
    "                    per point, kind and metric) and manifest, all or nothing\n"
    "  --force           run even when all points together are expected beyond the\n"
    "                    limits (1e10 events, 2e8 names in a replication, 1e8 rows)\n"
    "  --shard K/N       run the K-th of N slices of the (point, replication) tasks\n"
    "                    and write a part folder (DIR) instead; `retsim merge` puts\n"
    "                    the N parts together\n"
    "\n"
    "analysis/plot-sweep DIR METRIC [METRIC2] draws a metric against the first key.\n"
    "Exit codes: 0 ok, 1 runtime failure or interrupted, 2 bad usage or bad input.\n";

static const char compare_help[] =
    "usage: retsim compare SCENARIO --set-a KEY=V... --set-b KEY=V... [--replications N]\n"
    "                      [--jobs J] [--seed N] [--out DIR] [--format text|csv|json] [--force]\n"
    "                      [--set section.key=value]... [--shard K/N] [-q]\n"
    "       retsim compare OUT_A OUT_B [--unpaired] [--out DIR] [--format text|csv|json]\n"
    "\n"
    "Run policy A and policy B (the scenario with each side's overrides) on the same\n"
    "workload streams, replication by replication, and report per metric A, B, the\n"
    "difference B - A with a 95% confidence interval from the paired differences,\n"
    "and whether that interval excludes 0. Pairing removes the workload's noise\n"
    "from the comparison, so far fewer replications are needed than for two\n"
    "independent experiments. For a rate, B - A is in percentage points; beside it\n"
    "the relative change (B - A) / |A| with its interval, in percent of A.\n"
    "\n"
    "  --set-a K=V        an override for side A (repeatable; none: the scenario as is)\n"
    "  --set-b K=V        an override for side B (repeatable)\n"
    "  --replications N   pairs to run (default 10)\n"
    "  -o, --out DIR      also write DIR/compare.csv (kind,metric,n,a_mean,b_mean,\n"
    "                     diff_mean,diff_ci95_low,diff_ci95_high,significant,\n"
    "                     rel_change_pct,rel_ci95_low_pct,rel_ci95_high_pct)\n"
    "  --force            run even when a side is expected beyond the size limits\n"
    "  -j, --jobs J       threads (default: all cores); results do not depend on J\n"
    "  --format F         the table on stdout: text (default: the headline metrics,\n"
    "                     for people), csv or json (compare.csv's rows: every metric)\n"
    "  -q, --quiet        no messages or progress on stderr; errors still\n"
    "  --shard K/N        run the K-th of N slices of the replications of both sides\n"
    "                     and write a part folder (--out DIR, default out) instead;\n"
    "                     `retsim merge` puts the N parts together\n"
    "\n"
    "The second form pairs the replications of two earlier runs (their summary.csv),\n"
    "which must have the same seed and number of replications (at least 2), and\n"
    "manifests that differ only in [policy.*] and [change.*] keys: otherwise B - A\n"
    "is not the policy's effect.\n"
    "  --unpaired         compare the two folders as independent samples instead:\n"
    "                     Welch's interval of the difference of the means. For two\n"
    "                     runs whose workloads differ (a scenario and the one\n"
    "                     `retsim fit` made from its trace); they need only the\n"
    "                     same kinds, the same currency and 2 replications a side\n"
    "\n"
    "Example: does 7 days instead of 48 hours cut data loss, and what does it cost?\n"
    "  retsim compare scenarios/apim.ini --set-a policy.apim.retention=48h \\\n"
    "      --set-b policy.apim.retention=7d --replications 20\n"
    "Exit codes: 0 ok, 1 runtime failure or interrupted, 2 bad usage or bad input.\n";

static int start(const char *command, int argc, char **argv, unsigned allowed, const char *help, cli_args *a,
                 retsim_scenario **sc, retsim_experiment_options *o)
{
    int rc = cli_parse(command, argc, argv, allowed, a);
    if (rc != 0 || a->help) {
        cli_help(help, rc);
        return rc != 0 ? rc : -1;
    }
    if (a->n_positional != 1) {
        return cli_usage_error(command, "expected one SCENARIO");
    }
    rc = cli_load_scenario(a->positional[0], a, sc);
    if (rc != 0) {
        return rc;
    }
    rc = cli_experiment_options(command, a, *sc, 10, o);
    if (rc != 0) {
        retsim_scenario_destroy(*sc);
        return rc;
    }
    if (!retsim_scenario_has_workload(*sc)) {
        retsim_scenario_destroy(*sc);
        return cli_usage_error(command, "%s has no [workload.<kind>] section: nothing to simulate",
                               a->positional[0]);
    }
    o->stop = cli_stop_flag();
    o->exec = cli_executor();
    return 0;
}

int cli_sweep(int argc, char **argv)
{
    cli_args a;
    retsim_scenario *sc = NULL;
    retsim_experiment_options o;
    int rc = start("sweep", argc, argv,
                   OPT_OUT | OPT_SEED | OPT_REPLICATIONS | OPT_JOBS | OPT_VARY | OPT_FORCE | OPT_SHARD,
                   sweep_help, &a, &sc, &o);
    if (rc != 0) {
        return rc < 0 ? CLI_OK : rc;
    }
    retsim_vary vary[RETSIM_MAX_VARY];
    retsim_error err;
    retsim_error_clear(&err);
    if (a.n_vary == 0 || a.n_vary > RETSIM_MAX_VARY) {
        retsim_scenario_destroy(sc);
        return cli_usage_error("sweep", "expected 1 to %d --vary KEY=v1,v2,... options", RETSIM_MAX_VARY);
    }
    for (int i = 0; i < a.n_vary; i++) {
        if (retsim_vary_parse(a.vary[i], &vary[i], &err) != 0) {
            retsim_scenario_destroy(sc);
            return cli_fail(&err);
        }
    }
    const char *out = a.out_dir != NULL ? a.out_dir : "out";
    if (cli_check_out(out) != 0) {
        retsim_scenario_destroy(sc);
        return CLI_BAD_INPUT;
    }
    if (a.shard != NULL) {
        rc = cli_shard_run("sweep", &a, sc, &o, vary, a.n_vary);
        retsim_scenario_destroy(sc);
        return rc;
    }
    retsim_sweep *s = NULL;
    rc = retsim_sweep_run(sc, vary, a.n_vary, &o, &s, &err);
    if (!retsim_executor_is_root(o.exec)) { /* an MPI rank's results went to rank 0, which writes */
        retsim_sweep_destroy(s);
        retsim_scenario_destroy(sc);
        return CLI_OK;
    }
    retsim_provenance prov;
    cli_provenance("sweep", &a, &prov);
    if (rc == 0) {
        rc = retsim_sweep_write(sc, s, out, &prov, &err);
    }
    if (rc == 0) {
        cli_note("%d point%s x %u replication%s; wrote %s/sweep.csv, sweep_ci.csv, manifest\n", s->n_points,
                 s->n_points == 1 ? "" : "s", o.replications, o.replications == 1 ? "" : "s", out);
    }
    retsim_sweep_destroy(s);
    retsim_scenario_destroy(sc);
    return rc != 0 ? cli_fail(&err) : CLI_OK;
}

typedef struct pair {
    const retsim_experiment *a, *b;
    retsim_compare_design how;
} pair;

static void fill_compare(FILE *out, const void *ctx)
{
    const pair *p = ctx;
    retsim_compare_write_csv(out, p->a, p->b, p->how);
}

/* compare.csv (with --out) and the table on stdout: for people, or as csv or json. */
static int report(const retsim_experiment *ea, const retsim_experiment *eb, retsim_compare_design how,
                  const cli_args *a, const retsim_provenance *prov, retsim_error *err)
{
    cli_format format = CLI_FORMAT_TEXT;
    cli_format_of("compare", a, &format); /* checked before running */
    int rc =
        retsim_compare_report(ea, eb, how, a->out_dir, format == CLI_FORMAT_TEXT ? stdout : NULL, prov, err);
    if (rc == 0 && format != CLI_FORMAT_TEXT) {
        pair p = {ea, eb, how};
        rc = cli_emit_table(format, fill_compare, &p) != 0 ? RETSIM_EIO : 0;
        if (rc != 0) {
            retsim_error_set(err, rc, "", 0, "", "cannot write the table to standard output");
        }
    }
    return rc;
}

/* retsim compare OUT_A OUT_B: pair the replications two earlier runs wrote
 * (or, --unpaired, compare them as independent samples). */
static int compare_folders(const cli_args *a, bool unpaired)
{
    retsim_error err;
    retsim_error_clear(&err);
    retsim_experiment *ea = NULL, *eb = NULL;
    if (a->out_dir != NULL && cli_check_out(a->out_dir) != 0) {
        return CLI_BAD_INPUT;
    }
    int rc = retsim_experiment_read(a->positional[0], &ea, &err);
    if (rc == 0) {
        rc = retsim_experiment_read(a->positional[1], &eb, &err);
    }
    if (rc == 0 && unpaired) { /* two workloads: the same kinds and currency is all they share */
        rc = retsim_compare_unpaired_ok(a->positional[0], ea, a->positional[1], eb, &err);
    } else if (rc == 0) { /* same workload, same replications, at least 2 of them: or B - A means nothing */
        rc = retsim_experiment_comparable(a->positional[0], ea, a->positional[1], eb, &err);
    }
    retsim_provenance prov;
    cli_provenance("compare", a, &prov);
    if (rc == 0) {
        rc = report(ea, eb, unpaired ? RETSIM_COMPARE_UNPAIRED : RETSIM_COMPARE_PAIRED, a, &prov, &err);
    }
    retsim_experiment_destroy(ea);
    retsim_experiment_destroy(eb);
    return rc != 0 ? cli_fail(&err) : CLI_OK;
}

static bool is_folder(const char *path)
{
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/summary.csv", path);
    return access(probe, R_OK) == 0;
}

/* The scenario form: run both sides (or a shard of them) and report. */
static int compare_scenario(int argc, char **argv, unsigned allowed, cli_args *a)
{
    retsim_scenario *sc = NULL;
    retsim_experiment_options o;
    int rc = start("compare", argc, argv, allowed, compare_help, a, &sc, &o);
    if (rc != 0) {
        return rc < 0 ? CLI_OK : rc;
    }
    const char *wrong = a->n_set_a + a->n_set_b == 0
                            ? "give the two policies with --set-a KEY=V and --set-b KEY=V"
                        : o.replications < 2 ? "a confidence interval needs at least 2 --replications"
                                             : NULL;
    if (wrong != NULL || (a->out_dir != NULL && cli_check_out(a->out_dir) != 0)) {
        retsim_scenario_destroy(sc);
        return wrong != NULL ? cli_usage_error("compare", "%s", wrong) : CLI_BAD_INPUT;
    }
    if (a->shard != NULL) {
        rc = cli_shard_run("compare", a, sc, &o, NULL, 0);
        retsim_scenario_destroy(sc);
        return rc;
    }
    retsim_error err;
    retsim_error_clear(&err);
    retsim_experiment *ea = NULL, *eb = NULL;
    rc = retsim_compare_run(sc, a->set_a, a->n_set_a, a->set_b, a->n_set_b, &o, &ea, &eb, &err);
    if (retsim_executor_is_root(o.exec)) { /* an MPI rank's results went to rank 0, which writes */
        retsim_provenance prov;
        cli_provenance("compare", a, &prov);
        if (rc == 0) {
            rc = report(ea, eb, RETSIM_COMPARE_PAIRED, a, &prov, &err);
        }
        if (rc == 0 && a->out_dir != NULL) {
            cli_note("wrote %s/compare.csv\n", a->out_dir);
        }
    } else {
        rc = 0;
    }
    retsim_experiment_destroy(ea);
    retsim_experiment_destroy(eb);
    retsim_scenario_destroy(sc);
    return rc != 0 ? cli_fail(&err) : CLI_OK;
}

int cli_compare(int argc, char **argv)
{
    cli_args a;
    const unsigned allowed =
        OPT_OUT | OPT_SEED | OPT_REPLICATIONS | OPT_JOBS | OPT_SIDES | OPT_FORCE | OPT_FORMAT | OPT_SHARD;
    cli_format format;
    bool unpaired = false;
    const cli_option own[] = {{.name = "--unpaired", .flag = &unpaired}};
    int rc = cli_parse_own("compare", argc, argv, allowed, own, 1, &a);
    if (rc != 0 || a.help) { /* parsed once here, so a bad option is told once */
        cli_help(compare_help, rc);
        return rc;
    }
    if (cli_format_of("compare", &a, &format) != 0) {
        return CLI_BAD_INPUT;
    }
    if (a.n_positional == 2 && is_folder(a.positional[0])) {
        if (a.shard != NULL) {
            return cli_usage_error("compare", "--shard slices a scenario's run, not two folders");
        }
        return retsim_executor_is_root(cli_executor()) ? compare_folders(&a, unpaired)
                                                       : CLI_OK; /* rank 0's */
    }
    if (unpaired) {
        return cli_usage_error("compare",
                               "--unpaired compares two output folders (retsim compare OUT_A OUT_B "
                               "--unpaired); a scenario's two policies are always paired");
    }
    return compare_scenario(argc, argv, allowed, &a);
}
