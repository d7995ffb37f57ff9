/* retsim fit: a [workload.<kind>] section estimated from a trace. */
#include "cli.h"
#include "retsim/fit.h"
#include "retsim/outdir.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char fit_help[] =
    "usage: retsim fit TRACE [--kind K] [--horizon D] [--retention D] [-o WORKLOAD.ini] [--force]\n"
    "\n"
    "Estimate a [workload.<kind>] section for each kind of the trace: the arrival\n"
    "rate of new names (Poisson, exact 95% CI) and the lifetime, create to the\n"
    "owner's delete, right-censored at the end of the trace for instances still\n"
    "alive; a delete the owner restores later counts as an accident, not the end:\n"
    "their rate per active instance-day and the restore delay are fitted too.\n"
    "The lifetime is fitted by maximum likelihood as exponential, lognormal,\n"
    "Weibull and gamma, and the lowest AIC is written; every estimate has its n,\n"
    "95% CI and KS distance (against the Kaplan-Meier curve) as comments. Also:\n"
    "daily and weekly arrival profiles (only when a chi-square test rejects a flat\n"
    "one at 1%), purge and re-create probabilities and delays, the share of\n"
    "re-creates from another subscription, the retry interval and limit, and\n"
    "per_parent for children made with their parent. Add a\n"
    "[policy.<kind>] section and the file is a scenario for `retsim check`/`run`.\n"
    "\n"
    "  --kind K          only kind K\n"
    "  --horizon D       the end of observation (default: the last row's time);\n"
    "                    not before the last row\n"
    "  --retention D     the kind's retention: a restore later than D after the\n"
    "                    delete failed, so the instance ended there by accident\n"
    "                    (its lifetime is censored at the delete)\n"
    "  -o, --out FILE    the file to write (default: stdout); written under a\n"
    "                    temporary name and renamed at the end\n"
    "  --force           replace an existing FILE\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.\n";

typedef struct fit_args {
    const char *out;
    const char *kind;
    const char *horizon;
    const char *retention;
} fit_args;

/* To stdout, or to -o FILE written under a temporary name and renamed at the
 * end (a failure leaves nothing); an existing FILE only with --force. */
static int fit_write(const fit_args *f, bool force, const retsim_fit_result *r, const char *trace)
{
    if (f->out == NULL || strcmp(f->out, "-") == 0) {
        retsim_fit_write_ini(stdout, r, trace);
        return fflush(stdout) == 0 ? CLI_OK : CLI_FAILURE;
    }
    struct stat st;
    if (!force && stat(f->out, &st) == 0) {
        return cli_usage_error("fit", "%s exists: add --force to replace it", f->out);
    }
    retsim_error err;
    retsim_error_clear(&err);
    char dir[RETSIM_PATH_MAX];
    const char *name = retsim_path_split(f->out, dir, sizeof dir);
    retsim_outfile file;
    memset(&file, 0, sizeof file);
    int rc = retsim_outfile_open(&file, dir, name, &err);
    if (rc == 0) {
        retsim_fit_write_ini(file.fp, r, trace);
        rc = retsim_outfile_commit(&file, &err);
    }
    retsim_outfile_abort(&file);
    if (rc != 0) {
        return cli_fail(&err);
    }
    cli_note("wrote %s: %zu kind%s\n", f->out, r->n_kinds, r->n_kinds == 1 ? "" : "s");
    return CLI_OK;
}

int cli_fit(int argc, char **argv)
{
    fit_args f = {NULL, NULL, NULL, NULL};
    const cli_option own[] = {{.name = "--out", .short_name = 'o', .value = &f.out},
                              {.name = "--kind", .value = &f.kind},
                              {.name = "--horizon", .value = &f.horizon},
                              {.name = "--retention", .value = &f.retention}};
    cli_args a;
    int rc = cli_parse_own("fit", argc, argv, OPT_FORCE, own, sizeof own / sizeof own[0], &a);
    if (rc != 0 || a.help) {
        cli_help(fit_help, rc);
        return rc;
    }
    if (a.n_positional != 1) {
        return cli_usage_error("fit", "expected one TRACE");
    }
    retsim_fit_options o = {.kind = f.kind, .horizon = 0};
    if (f.horizon != NULL && (retsim_time_parse(f.horizon, &o.horizon, NULL) != 0 || o.horizon <= 0)) {
        return cli_usage_error("fit", "--horizon: expected a positive duration such as 120d, got '%s'",
                               f.horizon);
    }
    if (f.retention != NULL &&
        (retsim_time_parse(f.retention, &o.retention, NULL) != 0 || o.retention <= 0)) {
        return cli_usage_error("fit", "--retention: expected a positive duration such as 48h, got '%s'",
                               f.retention);
    }
    char buf[4096];
    const char *trace = cli_path_resolve(a.positional[0], buf, sizeof buf);
    retsim_error err;
    retsim_error_clear(&err);
    retsim_fit_result r;
    if (retsim_fit_trace(trace, &o, &r, &err) != 0) {
        return cli_fail(&err);
    }
    rc = fit_write(&f, a.force, &r, a.positional[0]);
    retsim_fit_result_free(&r);
    return rc;
}
