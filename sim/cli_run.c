/* retsim run: a generated workload from start to outputs. */
#include "cli.h"
#include "retsim/run.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const char run_help[] =
    "usage: retsim run SCENARIO [--seed N] [--out DIR] [--events] [--trace-out FILE]\n"
    "                  [--set section.key=value]...\n"
    "\n"
    "Simulate the scenario's workload ([workload.<kind>] sections) under its\n"
    "retention rules, from time 0 to [simulation] horizon, and report recoveries\n"
    "and data loss, name conflicts, retained replicas and their cost.\n"
    "\n"
    "  --seed N          master seed (default: [simulation] seed); same seed, same bytes\n"
    "  --out DIR         output folder (default: out); created if missing\n"
    "  --events          also write DIR/events.csv, one row per operation\n"
    "  --trace-out FILE  write the generated operations as a trace; `retsim replay\n"
    "                    SCENARIO FILE --until HORIZON` gives the same outcomes\n"
    "  --set K=V         override a scenario key, e.g. --set policy.apim.retention=7d\n"
    "                    or --set workload.apim.arrivals=500/d\n"
    "\n"
    "Writes DIR/summary.csv, outcomes.csv, timeseries.csv and manifest, all or\n"
    "nothing; prints a short summary. Progress goes to stderr when it is a\n"
    "terminal; Ctrl-C stops without writing anything.\n"
    "Exit codes: 0 ok, 1 runtime failure or interrupted, 2 bad usage or bad input.\n";

/* The one piece of process state: set by SIGINT, read by the run loop. */
static volatile int interrupted;

static void on_sigint(int sig)
{
    (void)sig;
    interrupted = 1;
}

static int cli_parse_seed(const char *text, uint64_t *out)
{
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0' || text[0] == '-') {
        return cli_usage_error("run", "--seed takes a whole number of 0 or more, got '%s'", text);
    }
    *out = v;
    return 0;
}

int cli_run(int argc, char **argv)
{
    cli_args a;
    int rc = cli_parse("run", argc, argv, OPT_OUT | OPT_SEED | OPT_EVENTS | OPT_TRACE_OUT, &a);
    if (rc != 0 || a.help) {
        fputs(run_help, rc != 0 ? stderr : stdout);
        return rc;
    }
    if (a.n_positional != 1) {
        return cli_usage_error("run", "expected one SCENARIO");
    }
    retsim_scenario *sc = NULL;
    if ((rc = cli_load_scenario(a.positional[0], &a, &sc)) != 0) {
        return rc;
    }
    retsim_run_options opt = {.seed = sc->settings.seed,
                              .out_dir = a.out_dir != NULL ? a.out_dir : "out",
                              .events = a.events,
                              .trace_out = a.trace_out,
                              .progress = isatty(STDERR_FILENO) != 0,
                              .stop = &interrupted};
    if (a.seed != NULL && cli_parse_seed(a.seed, &opt.seed) != 0) {
        retsim_scenario_destroy(sc);
        return CLI_BAD_INPUT;
    }
    signal(SIGINT, on_sigint);
    retsim_error err;
    retsim_error_clear(&err);
    retsim_summary summary;
    retsim_run_stats stats = {0};
    if (retsim_run(sc, &opt, &summary, &stats, &err) != 0) {
        rc = cli_fail(&err);
    } else {
        retsim_summary_print(stdout, &summary);
        printf("%llu events in %.2f s; wrote %s/summary.csv, outcomes.csv, timeseries.csv, manifest%s%s%s\n",
               (unsigned long long)stats.events, stats.wall_seconds, opt.out_dir,
               opt.events ? ", events.csv" : "", opt.trace_out != NULL ? " and " : "",
               opt.trace_out != NULL ? opt.trace_out : "");
    }
    retsim_scenario_destroy(sc);
    return rc;
}
