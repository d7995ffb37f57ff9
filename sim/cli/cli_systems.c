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
static int load_all(char **files, int n, retsim_scenario **sc)
{
    for (int i = 0; i < n; i++) {
        retsim_error err;
        retsim_error_clear(&err);
        if (retsim_scenario_load(files[i], &sc[i], &err) != 0) {
            return cli_fail(&err);
        }
    }
    return 0;
}

/* Split argv into --format and the files (every argument not an option). */
static int parse(int argc, char **argv, char **files, int *n, retsim_systems_format *format, bool *help)
{
    *n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            *help = true;
        } else if (strcmp(argv[i], "--format") == 0) {
            if (i + 1 >= argc) {
                return cli_usage_error("systems", "--format needs a value");
            }
            i++;
            if (retsim_systems_format_parse(argv[i], format) != 0) {
                return cli_usage_error("systems", "--format is text, markdown or csv, got '%s'", argv[i]);
            }
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            return cli_usage_error("systems", "unknown option '%s'", argv[i]);
        } else {
            files[(*n)++] = argv[i];
        }
    }
    return 0;
}

int cli_systems(int argc, char **argv)
{
    retsim_systems_format format = RETSIM_SYSTEMS_TEXT;
    bool help = false;
    int n = 0;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    retsim_scenario **sc = calloc((size_t)argc + 1, sizeof *sc);
    int rc = files == NULL || sc == NULL ? CLI_FAILURE : parse(argc, argv, files, &n, &format, &help);
    if (rc == 0 && help) {
        fputs(systems_help, stdout);
    } else if (rc == 0 && n == 0) {
        rc = cli_usage_error("systems", "name at least one scenario file");
    } else if (rc == 0) {
        rc = load_all(files, n, sc);
    }
    if (rc == 0 && !help) {
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
    free(files);
    return rc;
}
