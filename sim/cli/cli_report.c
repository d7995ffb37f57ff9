/* retsim report: output folders as one self-contained HTML page. */
#include "cli.h"
#include "retsim/outdir.h"
#include "retsim/report.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

static const char report_help[] =
    "usage: retsim report OUT_DIR [OUT_DIR...] -o REPORT.html [--title TEXT] [--names N] [--force]\n"
    "\n"
    "Turn the output folders of run, replay, sweep and compare into one HTML page\n"
    "for people who do not read CSV: the scenario and its rules in words, the\n"
    "headline and every metric with 95% CIs, inventory and cost over time, the\n"
    "sweep's trade-off curves, the compare table (B - A and relative change), the\n"
    "metrics of each period around a policy change and the timeline of names\n"
    "(events.csv): each section where a folder holds its data. Every number has\n"
    "its unit; costs are in the scenario's [simulation] currency.\n"
    "\n"
    "The page is self-contained (inline style, charts as inline SVG, no script,\n"
    "nothing fetched), well-formed XML as well as HTML5, and prints on white.\n"
    "\n"
    "  -o, --out REPORT.html  the page to write (required); written under a temporary\n"
    "                  name beside it and renamed at the end: a failure leaves\n"
    "                  nothing\n"
    "  --title TEXT    the page's title (default: retsim report)\n"
    "  --names N       names in each timeline of events.csv (default 40)\n"
    "  --force         replace an existing REPORT.html\n"
    "  -q, --quiet     no message on stderr; errors still\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (a folder\n"
    "retsim did not write, a CSV file that cannot be read).\n";

/* report's own options; -o/--out, --force, --help and -q are the shared ones. */
typedef struct report_args {
    const char *out;
    const char *title;
    const char *names;
    bool force;
    const char *const *folders;
    int n_folders;
} report_args;

static int write_report(const report_args *a, const retsim_report_options *o)
{
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_report_check(o, &err) != 0) {
        return cli_fail(&err);
    }
    struct stat st;
    if (!a->force && stat(a->out, &st) == 0) {
        return cli_usage_error("report", "%s exists: add --force to replace it", a->out);
    }
    char dir[RETSIM_PATH_MAX];
    const char *name = retsim_path_split(a->out, dir, sizeof dir);
    retsim_outfile f;
    memset(&f, 0, sizeof f);
    int rc = retsim_outfile_open(&f, dir, name, &err);
    if (rc == 0) {
        rc = retsim_report_write(o, f.fp, &err);
    }
    if (rc == 0) {
        rc = retsim_outfile_commit(&f, &err);
    }
    retsim_outfile_abort(&f);
    if (rc != 0) {
        return cli_fail(&err);
    }
    cli_note("wrote %s\n", a->out);
    return CLI_OK;
}

int cli_report(int argc, char **argv)
{
    report_args r = {0};
    const cli_option own[] = {{.name = "--title", .value = &r.title}, {.name = "--names", .value = &r.names}};
    cli_args a;
    int rc = cli_parse_own("report", argc, argv, OPT_OUT | OPT_FORCE, own, sizeof own / sizeof own[0], &a);
    if (rc != 0 || a.help) {
        cli_help(report_help, rc);
        return rc;
    }
    if (a.n_sets > 0) {
        return cli_usage_error("report", "--set does not apply: the report is of folders already written");
    }
    if (a.n_positional == 0) {
        return cli_usage_error("report", "expected one or more OUT_DIR folders");
    }
    if (a.n_positional > RETSIM_REPORT_MAX_FOLDERS) {
        return cli_usage_error("report", "at most %d folders", RETSIM_REPORT_MAX_FOLDERS);
    }
    r.out = a.out_dir;
    r.force = a.force;
    r.folders = a.positional;
    r.n_folders = a.n_positional;
    if (r.out == NULL || r.out[0] == '\0') {
        return cli_usage_error("report", "expected -o REPORT.html, the page to write");
    }
    uint64_t names = 40;
    if (r.names != NULL && cli_number("report", "--names", r.names, 1, 100000, &names) != 0) {
        return CLI_BAD_INPUT;
    }
    retsim_report_options o = {
        .folders = r.folders, .n_folders = r.n_folders, .title = r.title, .max_names = (int)names};
    return write_report(&r, &o);
}
