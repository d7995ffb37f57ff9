/* retsim systems: the rules of every kind of the scenarios given, side by side. */
#include "cli.h"
#include "retsim/systems.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char systems_help[] =
    "usage: retsim systems SCENARIO... [--format text|markdown|csv]\n"
    "\n"
    "Print one table of the scenarios' retention rules: a row per kind of every\n"
    "file (in the order given), a column per rule (names, soft delete, retention,\n"
    "names after purge, purge, restore, parents, grace, billing), in words, with\n"
    "the columns' meanings under it. Straight from the files: nothing is run.\n"
    "\n"
    "  --format F      text (default: aligned for a terminal), markdown (the form\n"
    "                  of docs/systems.md) or csv (a header row of column names)\n"
    "\n"
    "  retsim systems scenarios/*.ini\n"
    "\n"
    "Every file is loaded before anything is printed: a bad one prints nothing on\n"
    "stdout. Exit codes: 0 ok, 1 cannot write, 2 bad usage or bad scenario.\n";

/* The scenarios named by the non-option arguments, all loaded or none. */
static int load_all(const char *const *files, int n, retsim_scenario **sc)
{
    for (int i = 0; i < n; i++) {
        retsim_error err;
        retsim_error_clear(&err);
        char found[4096];
        if (retsim_scenario_load(cli_path_resolve(files[i], found, sizeof found), &sc[i], &err) != 0) {
            return cli_fail(&err);
        }
    }
    return 0;
}

int cli_systems(int argc, char **argv)
{
    const char *format_text = NULL;
    const cli_option own[] = {{.name = "--format", .value = &format_text}};
    cli_args a;
    retsim_systems_format format = RETSIM_SYSTEMS_TEXT;
    int rc = cli_parse_own("systems", argc, argv, 0, own, 1, &a);
    if (rc != 0 || a.help) {
        cli_help(systems_help, rc);
        return rc;
    }
    if (format_text != NULL && retsim_systems_format_parse(format_text, &format) != 0) {
        return cli_usage_error("systems", "--format is text, markdown or csv, got '%s'", format_text);
    }
    if (a.n_positional == 0) {
        return cli_usage_error("systems", "name at least one scenario file");
    }
    if (a.n_sets > 0) {
        return cli_usage_error("systems", "--set does not apply: the table is of the files as written");
    }
    int n = a.n_positional;
    retsim_scenario **sc = calloc((size_t)n, sizeof *sc);
    rc = sc == NULL ? CLI_FAILURE : load_all(a.positional, n, sc);
    if (rc == 0) {
        retsim_error err;
        retsim_error_clear(&err);
        if (retsim_systems_write((const retsim_scenario *const *)sc, (size_t)n, format, stdout, &err) != 0) {
            rc = cli_fail(&err);
        }
    }
    for (int i = 0; sc != NULL && i < n; i++) {
        retsim_scenario_destroy(sc[i]);
    }
    free(sc);
    return rc;
}
