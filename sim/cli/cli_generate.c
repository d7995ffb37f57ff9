/* retsim generate: a scenario's workload as a trace file. */
#include "cli.h"
#include "retsim/experiment.h"
#include "retsim/generate.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char generate_help[] =
    "usage: retsim generate SCENARIO -o TRACE [--limit-names N] [--seed N] [--force]\n"
    "                       [--set section.key=value]...\n"
    "\n"
    "Write the scenario's generated workload ([workload.<kind>] sections) as a\n"
    "trace, and nothing else: the same bytes as `retsim run SCENARIO --trace-out\n"
    "TRACE` with the same seed and --set. `retsim replay SCENARIO TRACE --until\n"
    "HORIZON` then gives the run's events.csv (after --seed N, replay with --set\n"
    "simulation.seed=N).\n"
    "\n"
    "  -o, --trace TRACE the trace file to write (required); written under a\n"
    "                    temporary name and renamed at the end: a failure leaves\n"
    "                    nothing\n"
    "  --limit-names N   only the operations on the first N names created, in trace\n"
    "                    order (a name is kind, parent path and name, whoever the\n"
    "                    subscription), with those on their parents; kind-wide\n"
    "                    set_policy rows are always kept. The cut trace replays.\n"
    "  --seed N          master seed (default: [simulation] seed)\n"
    "  --set K=V         override a scenario key, e.g. --set workload.apim.arrivals=50/d\n"
    "  --force           replace an existing TRACE, and generate even when the\n"
    "                    expected size is beyond the limits\n"
    "\n"
    "Exit codes: 0 ok, 1 runtime failure or interrupted, 2 bad usage or bad input.\n";

/* generate's own options: -o and --limit-names. */
typedef struct gen_args {
    const char *trace;
    const char *limit;
} gen_args;

static int generate(const retsim_scenario *sc, const cli_args *a, const gen_args *g, uint64_t limit)
{
    retsim_experiment_options xo;
    int rc = cli_experiment_options("generate", a, sc, 1, &xo);
    if (rc != 0) {
        return rc;
    }
    retsim_error err;
    retsim_error_clear(&err);
    if (retsim_scenario_check_generated(sc, &err) != 0) {
        return cli_fail(&err);
    }
    retsim_generate_options o = {.seed = xo.seed,
                                 .trace_out = g->trace,
                                 .limit_names = limit,
                                 .overwrite = a->force,
                                 .force = a->force,
                                 .stop = cli_stop_flag()};
    retsim_generate_stats st;
    if (retsim_generate(sc, &o, &st, &err) != 0) {
        return cli_fail(&err);
    }
    if (limit > 0) {
        cli_note("wrote %s: %" PRIu64 " rows on %" PRIu64 " names (the first %" PRIu64
                 " created and their parents)\n",
                 g->trace, st.rows, st.names, limit);
    } else {
        cli_note("wrote %s (seed %" PRIu64 ", %" PRIu64 " events simulated)\n", g->trace, xo.seed, st.events);
    }
    return CLI_OK;
}

int cli_generate(int argc, char **argv)
{
    gen_args g = {NULL, NULL};
    const cli_option own[] = {{.name = "--trace", .short_name = 'o', .value = &g.trace},
                              {.name = "--limit-names", .value = &g.limit}};
    cli_args a;
    int rc = cli_parse_own("generate", argc, argv, OPT_SEED | OPT_FORCE, own, sizeof own / sizeof own[0], &a);
    if (rc != 0 || a.help) {
        cli_help(generate_help, rc);
        return rc;
    }
    if (a.n_positional != 1) {
        return cli_usage_error("generate", "expected one SCENARIO");
    }
    if (g.trace == NULL || g.trace[0] == '\0') {
        return cli_usage_error("generate", "expected -o TRACE, the trace file to write");
    }
    uint64_t limit = 0;
    if (g.limit != NULL && cli_number("generate", "--limit-names", g.limit, 1, UINT64_MAX, &limit) != 0) {
        return CLI_BAD_INPUT;
    }
    retsim_scenario *sc = NULL;
    rc = cli_load_scenario(a.positional[0], &a, &sc);
    if (rc == 0) {
        rc = generate(sc, &a, &g, limit);
    }
    retsim_scenario_destroy(sc);
    return rc;
}
