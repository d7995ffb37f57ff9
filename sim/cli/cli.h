/* Shared pieces of the command-line tool (not part of the library). */
#ifndef RETSIM_CLI_H
#define RETSIM_CLI_H

#include "retsim/error.h"
#include "retsim/scenario.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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
    OPT_SIDES = 256,   /* --set-a, --set-b */
    OPT_FORCE = 512,   /* --force: run beyond the size limits (retsim/estimate.h) */
    OPT_FORMAT = 1024, /* --format text|csv|json: the terminal summary */
    OPT_SHARD = 2048,  /* --shard K/N: one slice of the tasks into a part folder (cli_shard.c) */
};

#define CLI_MAX_LIST       64
#define CLI_MAX_POSITIONAL 256
#define CLI_MAX_OPTIONS    32

typedef struct cli_args {
    const char *positional[CLI_MAX_POSITIONAL];
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
    const char *format; /* --format, NULL: text */
    const char *shard;  /* --shard K/N, NULL: the whole run */
    bool events;
    bool force;
    bool help;
    bool quiet;
    int argc; /* the arguments after the command, as given: for the manifest */
    char **argv;
} cli_args;

/* An option of a command's own (besides the shared OPT_* ones): a switch
 * (flag), one value (value) or repeatable (list, count; CLI_MAX_LIST at most). */
typedef struct cli_option {
    const char *name; /* "--limit-names" */
    char short_name;  /* 'o' for -o, or 0 */
    const char **value;
    const char **list;
    int *count;
    bool *flag;
} cli_option;

/* Parse argv after the command name, accepting the OPT_* options in
 * `allowed`, the n_own options of own, and --set, --help (-h) and --quiet
 * (-q) everywhere. Every option reads "--opt VALUE" and "--opt=VALUE" (a
 * short one "-o VALUE" and "-oVALUE"); "--" ends the options. A misspelt
 * option gets the nearest one ("did you mean"). Returns 0 or CLI_BAD_INPUT
 * (printed). */
int cli_parse_own(const char *command, int argc, char **argv, unsigned allowed, const cli_option *own,
                  size_t n_own, cli_args *a);
int cli_parse(const char *command, int argc, char **argv, unsigned allowed, cli_args *a);
/* A bad command line's help: the usage lines (the help text up to its first blank line), on stderr. */
void cli_usage_brief(const char *help);
/* --help's text on stdout (rc 0), or after a parse error (rc != 0) the usage lines on stderr. */
void cli_help(const char *help, int rc);
/* A message for the person at the terminal ("wrote ...", progress): stderr, none with --quiet. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_set_quiet(bool q);
/* --format of the terminal summary: text (the table for people), csv or json (for tools). */
typedef enum { CLI_FORMAT_TEXT, CLI_FORMAT_CSV, CLI_FORMAT_JSON } cli_format;
/* a->format as a cli_format (NULL: text); 0 or CLI_BAD_INPUT (printed). */
int cli_format_of(const char *command, const cli_args *a, cli_format *out);
/* The CSV table fill writes, on stdout as csv or as json (retsim_csv_to_json). 0 or CLI_FAILURE. */
int cli_emit_table(cli_format format, void (*fill)(FILE *out, const void *ctx), const void *ctx);
bool cli_is_quiet(void);
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
int cli_report(int argc, char **argv);
int cli_import(int argc, char **argv);
int cli_fit(int argc, char **argv);
int cli_merge(int argc, char **argv);
/* --shard K/N of run --replications, sweep and compare (a->shard set): run
 * the slice of the task list with o (vary: sweep's, else NULL) and write
 * the part folder (--out) instead of the outputs. Returns an exit code (printed). */
struct retsim_experiment_options;
struct retsim_vary;
int cli_shard_run(const char *command, const cli_args *a, const retsim_scenario *sc,
                  struct retsim_experiment_options *o, const struct retsim_vary *vary, int n_vary);
/* Install the SIGINT, SIGTERM and SIGHUP handler; the flag it sets (stop cleanly, exit 1). */
const volatile int *cli_stop_flag(void);
/* Where run --replications, sweep and compare run their tasks: the MPI
 * ranks under mpirun (retsim/ranks.h), else NULL (this process's threads). */
const struct retsim_executor *cli_executor(void);

int cli_run(int argc, char **argv);
/* The command line and --set overrides of a command, for its manifest (points into a). */
struct retsim_provenance;
void cli_provenance(const char *command, const cli_args *a, struct retsim_provenance *out);
/* Fail fast, before computing, when --out DIR cannot take this command's outputs.
 * Returns 0 or an exit code (printed). */
int cli_check_out(const char *dir);
int cli_sweep(int argc, char **argv);
int cli_compare(int argc, char **argv);
/* --until TIME (replay, explain) as a time; RETSIM_TIME_NEVER when not given. 0 or CLI_BAD_INPUT (printed).
 */
int cli_until(const char *command, const cli_args *a, retsim_time *until);
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
