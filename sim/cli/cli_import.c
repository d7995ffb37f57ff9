/* retsim import: an activity log as a trace (retsim/import.h). */
#include "cli.h"
#include "retsim/import.h"
#include "retsim/outdir.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char import_help[] =
    "usage: retsim import FORMAT LOG -o TRACE [--map FILE] [--skip-bad] [--force]\n"
    "\n"
    "Turn a cloud activity log into a trace: one row per request, in time order,\n"
    "with the service's recorded answer in a recorded_outcome column (succeeded,\n"
    "failed or failed:<code>). Records of one request collapse into one row\n"
    "(Azure: Started, Accepted, Succeeded or Failed with the same correlationId;\n"
    "CloudTrail: the same eventID; Google: the same operation.id, or insertId).\n"
    "FORMAT (array or JSON lines detected from the first bytes):\n"
    "  azure-activity  the JSON array `az monitor activity-log list` prints, or\n"
    "                  JSON lines from a diagnostic setting; key operationName\n"
    "  aws-cloudtrail  a {\"Records\": [...]} file as CloudTrail delivers it\n"
    "                  (gunzip it first), or JSON lines; key eventSource/eventName;\n"
    "                  failed:<errorCode>; recoveryWindowInDays/pendingWindowInDays\n"
    "                  -> retention=<n>d, forceDeleteWithoutRecovery -> force=true\n"
    "  gcp-audit       audit LogEntry records, JSON lines or the JSON array\n"
    "                  `gcloud logging read --format=json` prints; key\n"
    "                  protoPayload.methodName; failed:<status.code>\n"
    "Operations map to retsim ops and kinds through scenarios/import/FORMAT.ini;\n"
    "unknown operations are counted and listed on stderr at the end.\n"
    "\n"
    "  -o, --trace TRACE the trace file to write (required); written under a\n"
    "                    temporary name and renamed at the end: a failure leaves\n"
    "                    nothing\n"
    "  --map FILE        more mappings, adding to or overriding the shipped ones:\n"
    "                    an INI file, section [operations], lines\n"
    "                    OPERATION = OP KIND [OPTIONS]\n"
    "  --skip-bad        count and skip malformed records (default: stop at the\n"
    "                    first, naming its record number)\n"
    "  --force           replace an existing TRACE\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.\n";

typedef struct imp_args {
    const char *trace;
    const char *map;
    bool skip_bad;
} imp_args;

/* The shipped table: share/retsim/scenarios/import/<format>.ini when installed, else the sources'. */
static void shipped_map(retsim_import_format f, char *buf, size_t size)
{
    char share[4096];
    if (cli_share_dir(share, sizeof share) == 0) {
        snprintf(buf, size, "%s/scenarios/import/%s.ini", share, retsim_import_format_name(f));
        if (access(buf, R_OK) == 0) {
            return;
        }
    }
    snprintf(buf, size, "%s/%s.ini", RETSIM_IMPORT_DIR, retsim_import_format_name(f));
}

static void report_unknown(const retsim_import_stats *st)
{
    if (st->unknown == 0) {
        return;
    }
    fprintf(stderr,
            "retsim: import: %" PRIu64
            " records of %zu unknown operations (not in the trace; add them with --map):\n",
            st->unknown, st->n_unknown);
    for (size_t i = 0; i < st->n_unknown; i++) {
        fprintf(stderr, "  %8" PRIu64 "  %s\n", st->unknowns[i].count, st->unknowns[i].operation);
    }
    if (st->unknown_more > 0) {
        fprintf(stderr, "  %8" PRIu64 "  (other operations)\n", st->unknown_more);
    }
}

static int import_write(retsim_import *im, const imp_args *g, bool force, retsim_error *err)
{
    if (!force && access(g->trace, F_OK) == 0) {
        return retsim_error_set(err, RETSIM_EUSAGE, g->trace, 0, "", "exists; --force replaces it");
    }
    char dir[4096];
    const char *name = retsim_path_split(g->trace, dir, sizeof dir);
    retsim_outfile f;
    memset(&f, 0, sizeof f);
    int rc = retsim_outfile_open(&f, dir, name, err);
    retsim_import_stats st;
    if (rc == 0) {
        rc = retsim_import_write(im, f.fp, &st, err);
    }
    rc = rc == 0 ? retsim_outfile_commit(&f, err) : rc;
    if (rc != 0) {
        retsim_outfile_abort(&f);
        return rc;
    }
    report_unknown(&st);
    cli_note("wrote %s: %" PRIu64 " requests from %" PRIu64 " records (%" PRIu64 " collapsed, %" PRIu64
             " unknown, %" PRIu64 " bad skipped, %" PRIu64 " restores)\n",
             g->trace, st.rows, st.records + st.bad, st.collapsed, st.unknown, st.bad, st.restores);
    return 0;
}

static int import_run(retsim_import_format fmt, const char *log, const imp_args *g, bool force)
{
    retsim_import_options o = {.format = fmt, .skip_bad = g->skip_bad};
    retsim_import *im = retsim_import_create(&o);
    retsim_error err;
    retsim_error_clear(&err);
    char shipped[4200];
    shipped_map(fmt, shipped, sizeof shipped);
    int rc = im == NULL ? retsim_error_set(&err, RETSIM_ENOMEM, "", 0, "", "out of memory") : 0;
    rc = rc == 0 ? retsim_import_map_load(im, shipped, &err) : rc;
    rc = rc == 0 && g->map != NULL ? retsim_import_map_load(im, g->map, &err) : rc;
    rc = rc == 0 ? retsim_import_read(im, log, &err) : rc;
    rc = rc == 0 ? import_write(im, g, force, &err) : rc;
    retsim_import_destroy(im);
    return rc == 0 ? CLI_OK : cli_fail(&err);
}

int cli_import(int argc, char **argv)
{
    imp_args g = {NULL, NULL, false};
    const cli_option own[] = {{.name = "--trace", .short_name = 'o', .value = &g.trace},
                              {.name = "--map", .value = &g.map},
                              {.name = "--skip-bad", .flag = &g.skip_bad}};
    cli_args a;
    int rc = cli_parse_own("import", argc, argv, OPT_FORCE, own, sizeof own / sizeof own[0], &a);
    if (rc != 0 || a.help) {
        cli_help(import_help, rc);
        return rc;
    }
    retsim_import_format fmt;
    if (a.n_positional != 2) {
        return cli_usage_error("import", "expected FORMAT and LOG");
    }
    if (retsim_import_format_parse(a.positional[0], &fmt) != 0) {
        return cli_usage_error("import",
                               "unknown FORMAT '%s' (known: azure-activity, aws-cloudtrail, gcp-audit)",
                               a.positional[0]);
    }
    if (g.trace == NULL || g.trace[0] == '\0') {
        return cli_usage_error("import", "expected -o TRACE, the trace file to write");
    }
    return import_run(fmt, a.positional[1], &g, a.force);
}
