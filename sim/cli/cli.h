/* Shared pieces of the command-line tool (not part of the library). */
#ifndef RETSIM_CLI_H
#define RETSIM_CLI_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <stdbool.h>
#include <stdint.h>

/* Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input. */
enum { CLI_OK = 0, CLI_FAILURE = 1, CLI_BAD_INPUT = 2 };

/* Print "retsim: <error>" to stderr and return the exit code for it. */
int cli_fail(const retsim_error *err);
/* Print a usage error and return CLI_BAD_INPUT. */
int cli_usage_error(const char *command, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Options shared by commands that load a scenario. */
enum {
    OPT_OUT = 1,
    OPT_SEED = 2,
    OPT_EVENTS = 4,
    OPT_TRACE_OUT = 8,
    OPT_HORIZON = 16,
    OPT_REPLICATIONS = 32,
    OPT_JOBS = 64,
    OPT_VARY = 128,
    OPT_SIDES = 256, /* --set-a, --set-b */
    OPT_FORCE = 512, /* --force: run beyond the size limits (retsim/estimate.h) */
};

#define CLI_MAX_LIST 64

typedef struct cli_args {
    const char *positional[4];
    int n_positional;
    const char *sets[CLI_MAX_LIST];
    int n_sets;
    const char *vary[CLI_MAX_LIST];
    int n_vary;
    const char *set_a[CLI_MAX_LIST];
    int n_set_a;
    const char *set_b[CLI_MAX_LIST];
    int n_set_b;
    const char *replications;
    const char *jobs;
    const char *out_dir;
    const char *seed;
    const char *trace_out;
    const char *horizon;
    bool events;
    bool force;
    bool help;
    int argc; /* the arguments after the command, as given: for the manifest */
    char **argv;
} cli_args;

/* Parse argv after the command name, accepting the OPT_* options in `allowed`
 * besides --set and --help. Returns 0 or CLI_BAD_INPUT (printed). */
int cli_parse(const char *command, int argc, char **argv, unsigned allowed, cli_args *a);
/* Load the scenario and apply every --set. Returns 0 or an exit code (printed). */
int cli_load_scenario(const char *path, const cli_args *a, retsim_scenario **out);

/* An installed retsim's share folder (scenarios/, analysis/): <dir of the
 * binary>/../share/retsim, from /proc/self/exe, so a relocated prefix works.
 * Writes it into buf and returns 0; -1 when there is no such folder (a binary
 * in a build folder). */
int cli_share_dir(char *buf, size_t size);
/* An input file (scenario, trace) as the user named it: `path` itself when it
 * exists, is absolute or there is no share folder; else the first existing
 * share/retsim/PATH, share/retsim/scenarios/PATH, share/retsim/scenarios/traces/PATH
 * (written into buf). Not found anywhere: `path`, so errors name it as given. */
const char *cli_path_resolve(const char *path, char *buf, size_t size);

int cli_replay(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_systems(int argc, char **argv);
int cli_generate(int argc, char **argv);
int cli_explain(int argc, char **argv);
/* Install the SIGINT, SIGTERM and SIGHUP handler; the flag it sets (stop cleanly, exit 1). */
const volatile int *cli_stop_flag(void);

int cli_run(int argc, char **argv);
/* The command line and --set overrides of a command, for its manifest (points into a). */
struct retsim_provenance;
void cli_provenance(const char *command, const cli_args *a, struct retsim_provenance *out);
/* Fail fast, before computing, when --out DIR cannot take this command's outputs.
 * Returns 0 or an exit code (printed). */
int cli_check_out(const char *dir);
int cli_sweep(int argc, char **argv);
int cli_compare(int argc, char **argv);
/* Parse a whole number option (--seed, --replications, --jobs) within [lo, hi]. */
int cli_number(const char *command, const char *option, const char *text, uint64_t lo, uint64_t hi,
               uint64_t *out);
/* The progress lines on stderr (retsim_progress_fn, retsim/run.h): a run's
 * percent simulated, and replications finished. */
struct retsim_progress;
void cli_progress_run(void *ctx, const struct retsim_progress *p);
void cli_progress_replications(void *ctx, const struct retsim_progress *p);
/* Experiment options from --seed, --replications, --jobs (defaults: scenario seed,
 * 1 or 10, all cores; replications' progress when stderr is a terminal). */
struct retsim_experiment_options;
int cli_experiment_options(const char *command, const cli_args *a, const retsim_scenario *sc,
                           uint32_t default_replications, struct retsim_experiment_options *o);

#endif
