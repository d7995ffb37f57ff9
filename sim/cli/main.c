/* retsim: the command-line tool, built only on the public headers. */
#include "cli.h"
#include "retsim/ranks.h"
#include "retsim/suggest.h"

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
    "  import FORMAT LOG -o TRACE   an activity log (azure-activity) as a trace\n"
    "  fit TRACE [-o WORKLOAD.ini]   estimate a workload (arrivals, lifetime) from a trace\n"
    "  check SCENARIO          validate a scenario and print it resolved\n"
    "  systems SCENARIO...     the scenarios' retention rules side by side, one table\n"
    "  report OUT_DIR... -o REPORT.html   output folders as one self-contained HTML page\n"
    "  merge PART... -o OUT    the part folders of a --shard K/N run as its outputs\n"
    "\n"
    "options of every command: -h, --help (what it does and takes), -q, --quiet (no\n"
    "messages on stderr but errors and warnings); every option reads --opt VALUE or\n"
    "--opt=VALUE. 'retsim COMMAND --help' describes a command; 'retsim -V' or\n"
    "'retsim --version' prints the version. A SCENARIO or TRACE not found from the\n"
    "working folder is looked up in the installed share folder, PREFIX/share/retsim/\n"
    "beside PREFIX/bin/retsim (e.g. quickstart.ini).\n";

/* The ranks of an MPI run (NULL: one process), set once by main before any
 * command runs: a process-wide fact, like the signal flag. */
static retsim_ranks *ranks;

const retsim_executor *cli_executor(void)
{
    return retsim_ranks_executor(ranks);
}

typedef int (*command_fn)(int argc, char **argv);

static const struct {
    const char *name;
    command_fn fn;
} commands[] = {
    {"run", cli_run},           {"sweep", cli_sweep},     {"compare", cli_compare}, {"replay", cli_replay},
    {"generate", cli_generate}, {"explain", cli_explain}, {"check", cli_check},     {"systems", cli_systems},
    {"report", cli_report},     {"import", cli_import},   {"fit", cli_fit},         {"merge", cli_merge},
};
enum { N_COMMANDS = sizeof commands / sizeof commands[0] };

/* "retsim: unknown command 'rnu'; did you mean 'run'?" and the usage line. */
static int unknown_command(const char *word)
{
    const char *names[N_COMMANDS];
    for (size_t i = 0; i < N_COMMANDS; i++) {
        names[i] = commands[i].name;
    }
    const char *near = retsim_suggest(word, names, N_COMMANDS, 2);
    fprintf(stderr, "retsim: unknown %s '%s'%s%s%s\n", word[0] == '-' ? "option" : "command", word,
            near != NULL ? "; did you mean '" : "", near != NULL ? near : "", near != NULL ? "'?" : "");
    fprintf(stderr, "usage: retsim COMMAND [ARGS] (see 'retsim --help')\n");
    return CLI_BAD_INPUT;
}

static int dispatch(int argc, char **argv)
{
    int first = 1; /* -q before the command counts for it */
    while (first < argc && (strcmp(argv[first], "-q") == 0 || strcmp(argv[first], "--quiet") == 0)) {
        cli_set_quiet(true);
        first++;
    }
    const char *cmd = first < argc ? argv[first] : NULL;
    if (cmd == NULL || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, cmd == NULL ? stderr : stdout);
        return cmd == NULL ? CLI_BAD_INPUT : CLI_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0) {
        printf("retsim %s\n", RETSIM_VERSION);
        return CLI_OK;
    }
    bool spread = strcmp(cmd, "run") == 0 || strcmp(cmd, "sweep") == 0 || strcmp(cmd, "compare") == 0;
    if (!retsim_ranks_is_root(ranks) && !spread) { /* other commands run on rank 0 alone */
        return CLI_OK;
    }
    for (size_t i = 0; i < N_COMMANDS; i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            return commands[i].fn(argc - first - 1, argv + first + 1);
        }
    }
    return unknown_command(cmd);
}

/* What the command printed must have reached stdout: `retsim run ... >/dev/full`
 * or a full disk is a failure (exit 1) with the system's reason, not exit 0. */
int main(int argc, char **argv)
{
    gsl_set_error_handler_off();             /* the one process-wide call: GSL's default handler aborts */
    ranks = retsim_ranks_init(&argc, &argv); /* NULL unless launched by mpirun */
    if (ranks == NULL && retsim_ranks_launched()) { /* each process would run, and write, the whole command */
        fprintf(stderr, "retsim: warning: started by mpirun, but this retsim was built without MPI "
                        "(-DRETSIM_MPI=OFF, or no libopenmpi-dev): every process runs the whole command\n");
    }
    int rc = dispatch(argc, argv);
    if (!retsim_ranks_is_root(ranks)) {
        rc = CLI_OK; /* the root reports for every rank: a task's failure is its message and exit code */
    }
    rc = retsim_ranks_finish(ranks, rc);
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
