/* retsim: the command-line tool, built only on the public headers. */
#include "cli.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <string.h>

static const char usage[] =
    "usage: retsim COMMAND [ARGS]\n"
    "\n"
    "A discrete-event simulator for cloud soft-delete retention.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO            simulate the scenario's workload and report\n"
    "  sweep SCENARIO --vary K=v1,v2   run at every value of one or more knobs\n"
    "  compare SCENARIO --set-a K=V --set-b K=V   paired comparison of two policies\n"
    "  replay SCENARIO TRACE   replay a recorded workload, operation by operation\n"
    "  generate SCENARIO -o TRACE   write the scenario's workload as a trace\n"
    "  explain SCENARIO TRACE  what retsim answered and why, in words\n"
    "  check SCENARIO          validate a scenario and print it resolved\n"
    "  systems SCENARIO...     the scenarios' retention rules side by side, one table\n"
    "\n"
    "'retsim COMMAND --help' describes a command. 'retsim --version' prints the version.\n"
    "A SCENARIO or TRACE not found from the working folder is looked up in the installed\n"
    "share folder, PREFIX/share/retsim/ beside PREFIX/bin/retsim (e.g. quickstart.ini).\n";

static int dispatch(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? CLI_BAD_INPUT : CLI_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("retsim %s\n", RETSIM_VERSION);
        return CLI_OK;
    }
    if (strcmp(argv[1], "run") == 0) {
        return cli_run(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "sweep") == 0) {
        return cli_sweep(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "compare") == 0) {
        return cli_compare(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "replay") == 0) {
        return cli_replay(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "generate") == 0) {
        return cli_generate(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "explain") == 0) {
        return cli_explain(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "check") == 0) {
        return cli_check(argc - 2, argv + 2);
    }
    if (strcmp(argv[1], "systems") == 0) {
        return cli_systems(argc - 2, argv + 2);
    }
    fprintf(stderr, "retsim: unknown command '%s'\n\n%s", argv[1], usage);
    return CLI_BAD_INPUT;
}

/* What the command printed must have reached stdout: `retsim run ... >/dev/full`
 * or a full disk is a failure (exit 1) with the system's reason, not exit 0. */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* the one process-wide call: GSL's default handler aborts */
    int rc = dispatch(argc, argv);
    errno = 0;
    bool bad = ferror(stdout) != 0;
    bad |= fflush(stdout) != 0;
    if (bad) {
        fprintf(stderr, "retsim: cannot write to standard output: %s\n",
                errno != 0 ? strerror(errno) : "a write failed earlier");
        return rc != CLI_OK ? rc : CLI_FAILURE;
    }
    return rc;
}
