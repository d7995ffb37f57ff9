/* retsim import: an activity log as a trace (retsim/import.h). */
#include "cli.h"
#include "retsim/import.h"
#include "retsim/outdir.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char import_help[] =
    "usage: retsim import FORMAT LOG -o TRACE [--map FILE] [--kind K]... [--skip-bad]\n"
    "                     [--buffer-rows N] [--force]\n"
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
    "  --kind K          keep only requests of kind K (repeatable), e.g. the kinds\n"
    "                    of the scenario the trace is for (default: every kind)\n"
    "  --skip-bad        count and skip malformed records (default: stop at the\n"
    "                    first, naming its record number)\n"
    "  --buffer-rows N   requests held in memory (default 65536, about 40 MB)\n"
    "                    before the finished ones are sorted into a temporary\n"
    "                    file; the trace is the merge of those files, so memory\n"
    "                    stays flat however long the log\n"
    "  --force           replace an existing TRACE\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.\n";

typedef struct imp_args {
    const char *trace;
    const char *map;
    const char *buffer_rows;
    const char *kinds[CLI_MAX_LIST];
    int n_kinds;
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
            " record%s of %zu unknown operation%s (not in the trace; add %s with --map):\n",
            st->unknown, st->unknown == 1 ? "" : "s", st->n_unknown, st->n_unknown == 1 ? "" : "s",
            st->n_unknown == 1 ? "it" : "them");
    for (size_t i = 0; i < st->n_unknown; i++) {
        fprintf(stderr, "  %8" PRIu64 "  %s\n", st->unknowns[i].count, st->unknowns[i].operation);
    }
    if (st->unknown_more > 0) {
        fprintf(stderr, "  %8" PRIu64 "  (other operations)\n", st->unknown_more);
    }
}

static int import_write(retsim_import *im, const imp_args *g, retsim_error *err)
{
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
    if (st.late > 0) {
        fprintf(stderr,
                "retsim: import: warning: %" PRIu64 " records came after their request's row was written "
                "out (more requests in flight at once than --buffer-rows holds): those rows keep the answer "
                "they had; raise --buffer-rows\n",
                st.late);
    }
    if (st.other_kinds > 0) {
        cli_note("left out %" PRIu64 " record%s of other kinds than --kind asked for\n", st.other_kinds,
                 st.other_kinds == 1 ? "" : "s");
    }
    return 0;
}

/* Every --kind must be one the mapping tables give: a misspelt kind would keep nothing. */
static int check_kinds(const retsim_import *im, const imp_args *g, retsim_error *err)
{
    for (int i = 0; i < g->n_kinds; i++) {
        if (!retsim_import_maps_kind(im, g->kinds[i])) {
            return retsim_error_set(err, RETSIM_EUSAGE, "", 0, "--kind",
                                    "no mapping gives kind '%s': the kinds are those after the op in "
                                    "scenarios/import/*.ini (or --map)",
                                    g->kinds[i]);
        }
    }
    return 0;
}

static int import_run(retsim_import_format fmt, const char *log, const imp_args *g, size_t buffer_rows)
{
    retsim_import_options o = {.format = fmt,
                               .skip_bad = g->skip_bad,
                               .buffer_rows = buffer_rows,
                               .kinds = g->kinds,
                               .n_kinds = (size_t)g->n_kinds};
    retsim_import *im = retsim_import_create(&o);
    retsim_error err;
    retsim_error_clear(&err);
    char shipped[4200];
    shipped_map(fmt, shipped, sizeof shipped);
    int rc = im == NULL ? retsim_error_set(&err, RETSIM_ENOMEM, "", 0, "", "out of memory") : 0;
    rc = rc == 0 ? retsim_import_map_load(im, shipped, &err) : rc;
    rc = rc == 0 && g->map != NULL ? retsim_import_map_load(im, g->map, &err) : rc;
    rc = rc == 0 ? check_kinds(im, g, &err) : rc;
    rc = rc == 0 ? retsim_import_read(im, log, &err) : rc;
    rc = rc == 0 ? import_write(im, g, &err) : rc;
    retsim_import_destroy(im);
    return rc == 0 ? CLI_OK : cli_fail(&err);
}

int cli_import(int argc, char **argv)
{
    imp_args g;
    memset(&g, 0, sizeof g);
    const cli_option own[] = {{.name = "--trace", .short_name = 'o', .value = &g.trace},
                              {.name = "--map", .value = &g.map},
                              {.name = "--kind", .list = g.kinds, .count = &g.n_kinds},
                              {.name = "--buffer-rows", .value = &g.buffer_rows},
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
    if (!a.force && access(g.trace, F_OK) == 0) { /* before reading the log: it may be long */
        return cli_usage_error("import", "%s exists; --force replaces it", g.trace);
    }
    uint64_t rows = 0;
    if (g.buffer_rows != NULL &&
        cli_number("import", "--buffer-rows", g.buffer_rows, 1, 100000000, &rows) != 0) {
        return CLI_BAD_INPUT;
    }
    return import_run(fmt, a.positional[1], &g, (size_t)rows);
}
