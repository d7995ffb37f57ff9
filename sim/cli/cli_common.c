/* Argument parsing and error printing shared by the commands. */
#include "cli.h"

#include "retsim/experiment.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"

#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_fail(const retsim_error *err)
{
    char buf[1200];
    fprintf(stderr, "retsim: %s\n", retsim_error_format(err, buf, sizeof buf));
    return err->code == RETSIM_EINPUT || err->code == RETSIM_EUSAGE ? CLI_BAD_INPUT : CLI_FAILURE;
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "retsim %s: ", command);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see 'retsim %s --help')\n", command);
    va_end(ap);
    return CLI_BAD_INPUT;
}

/* Add a value to one of the repeatable options. */
static int append(const char *command, const char *option, const char **list, int *n, const char *value)
{
    if (*n == CLI_MAX_LIST) {
        return cli_usage_error(command, "at most %d %s options", CLI_MAX_LIST, option);
    }
    list[(*n)++] = value;
    return 0;
}

/* The list a repeatable option (--set, --vary, --set-a, --set-b) fills, or
 * NULL when arg is none of them (or one `allowed` does not take). */
static const char **list_of(const char *arg, unsigned allowed, cli_args *a, int **count)
{
    const struct {
        const char *name;
        unsigned flag; /* 0: every command takes it */
        const char **list;
        int *count;
    } lists[] = {{"--set", 0, a->sets, &a->n_sets},
                 {"--vary", OPT_VARY, a->vary, &a->n_vary},
                 {"--set-a", OPT_SIDES, a->set_a, &a->n_set_a},
                 {"--set-b", OPT_SIDES, a->set_b, &a->n_set_b}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (strcmp(arg, lists[i].name) == 0 && (lists[i].flag == 0 || (allowed & lists[i].flag))) {
            *count = lists[i].count;
            return lists[i].list;
        }
    }
    return NULL;
}

/* An option with one value (or the --events switch) at argv[*i]: *known says
 * whether it was one; its value is argv[*i + 1], and *i moves past it. */
static int parse_valued(const char *command, int argc, char **argv, int *i, unsigned allowed, cli_args *a,
                        bool *known)
{
    static const struct {
        const char *name;
        unsigned flag;
        size_t offset; /* where a value goes; 0 for a switch */
    } options[] = {{"--out", OPT_OUT, offsetof(cli_args, out_dir)},
                   {"--seed", OPT_SEED, offsetof(cli_args, seed)},
                   {"--trace-out", OPT_TRACE_OUT, offsetof(cli_args, trace_out)},
                   {"--until", OPT_HORIZON, offsetof(cli_args, horizon)},
                   {"--replications", OPT_REPLICATIONS, offsetof(cli_args, replications)},
                   {"--jobs", OPT_JOBS, offsetof(cli_args, jobs)},
                   {"--events", OPT_EVENTS, 0}};
    const char *arg = argv[*i];
    *known = false;
    for (size_t o = 0; o < sizeof options / sizeof options[0]; o++) {
        if (strcmp(arg, options[o].name) != 0 || !(allowed & options[o].flag)) {
            continue;
        }
        *known = true;
        if (options[o].offset == 0) {
            a->events = true;
            return 0;
        }
        if (*i + 1 >= argc) {
            return cli_usage_error(command, "%s needs a value", arg);
        }
        *i += 1;
        memcpy((char *)a + options[o].offset, &argv[*i], sizeof(char *));
        return 0;
    }
    return 0;
}

/* One argument (with its value, if it takes one) at argv[*i]. */
static int parse_arg(const char *command, int argc, char **argv, int *i, unsigned allowed, cli_args *a)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
        a->help = true;
        return 0;
    }
    if (strcmp(arg, "--force") == 0 && (allowed & OPT_FORCE)) {
        a->force = true;
        return 0;
    }
    int *count = NULL;
    const char **list = list_of(arg, allowed, a, &count);
    if (list != NULL) {
        if (*i + 1 >= argc) {
            return cli_usage_error(command, "%s needs a value", arg);
        }
        *i += 1;
        return append(command, arg, list, count, argv[*i]);
    }
    bool known = false;
    int rc = parse_valued(command, argc, argv, i, allowed, a, &known);
    if (rc != 0 || known) {
        return rc;
    }
    if (arg[0] == '-' && arg[1] != '\0') {
        return cli_usage_error(command, "unknown option '%s'", arg);
    }
    if (a->n_positional == 4) {
        return cli_usage_error(command, "too many arguments");
    }
    a->positional[a->n_positional++] = arg;
    return 0;
}

int cli_parse(const char *command, int argc, char **argv, unsigned allowed, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    for (int i = 0; i < argc; i++) {
        int rc = parse_arg(command, argc, argv, &i, allowed, a);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* The progress line of a single run: rewritten in place on the terminal and
 * ended however the run ended, so that a stopped run's message starts a line
 * of its own. */
void cli_progress_run(void *ctx, const retsim_progress *p)
{
    (void)ctx;
    if (p->finished) {
        if (p->done > 0) {
            fputc('\n', stderr);
        }
        return;
    }
    fprintf(stderr, "\rretsim: %3d%% simulated (day %.0f of %.0f), %" PRIu64 " events, %.1f s",
            (int)(p->done * 100 / p->total), (double)p->simulated_ms / RETSIM_MS_PER_DAY,
            (double)p->horizon_ms / RETSIM_MS_PER_DAY, p->events, p->wall_seconds);
}

/* The progress line of replications: how many finished; ended at the end. */
void cli_progress_replications(void *ctx, const retsim_progress *p)
{
    (void)ctx;
    if (p->finished) {
        fputc('\n', stderr);
        return;
    }
    fprintf(stderr, "\rretsim: %" PRIu32 " of %" PRIu32 " replications, %.1f s", p->done, p->total,
            p->wall_seconds);
}

int cli_number(const char *command, const char *option, const char *text, uint64_t lo, uint64_t hi,
               uint64_t *out)
{
    /* strtoull alone takes " 5", "+5" and "-1" (as 2^64-1) and saturates
     * 99999999999999999999999 to 2^64-1 with errno ERANGE: a digit first, the
     * whole text used, and ERANGE refused */
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno == ERANGE || v < lo || v > hi) {
        return cli_usage_error(command, "%s takes a whole number from %llu to %llu, got '%s'", option,
                               (unsigned long long)lo, (unsigned long long)hi, text);
    }
    *out = v;
    return 0;
}

int cli_experiment_options(const char *command, const cli_args *a, const retsim_scenario *sc,
                           uint32_t default_replications, struct retsim_experiment_options *o)
{
    uint64_t v = 0;
    memset(o, 0, sizeof *o);
    o->seed = sc->settings.seed;
    o->replications = default_replications;
    o->progress = isatty(STDERR_FILENO) != 0 ? cli_progress_replications : NULL; /* a terminal only */
    o->force = a->force;
    if (a->seed != NULL) {
        if (cli_number(command, "--seed", a->seed, 0, UINT64_MAX, &v) != 0) {
            return CLI_BAD_INPUT;
        }
        o->seed = v;
    }
    if (a->replications != NULL) {
        if (cli_number(command, "--replications", a->replications, 1, 1000000, &v) != 0) {
            return CLI_BAD_INPUT;
        }
        o->replications = (uint32_t)v;
    }
    if (a->jobs != NULL) {
        if (cli_number(command, "--jobs", a->jobs, 1, 1024, &v) != 0) {
            return CLI_BAD_INPUT;
        }
        o->jobs = (int)v;
    }
    return 0;
}

int cli_load_scenario(const char *path, const cli_args *a, retsim_scenario **out)
{
    retsim_error err;
    retsim_error_clear(&err);
    retsim_scenario *sc = NULL;
    char found[4096];
    if (retsim_scenario_load(cli_path_resolve(path, found, sizeof found), &sc, &err) != 0) {
        return cli_fail(&err);
    }
    if (retsim_scenario_set_all(sc, a->sets, a->n_sets, &err) != 0) {
        retsim_scenario_destroy(sc);
        return cli_fail(&err);
    }
    *out = sc;
    return 0;
}

void cli_provenance(const char *command, const cli_args *a, retsim_provenance *out)
{
    out->command = command;
    out->argc = a->argc;
    out->argv = (const char *const *)a->argv;
    out->sets = a->sets;
    out->n_sets = a->n_sets;
}

int cli_check_out(const char *dir)
{
    retsim_error err;
    retsim_error_clear(&err);
    return retsim_outdir_check(dir, &err) != 0 ? cli_fail(&err) : 0;
}

/* The one piece of process-wide state: SIGINT, SIGTERM and SIGHUP set it,
 * long runs poll it, stop, remove their temporaries and exit 1. */
static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

const volatile int *cli_stop_flag(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART; /* a write cut by the signal goes on; the run stops at its next check */
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) {
        struct sigaction was;
        bool nohup = signals[i] == SIGHUP && sigaction(SIGHUP, NULL, &was) == 0 && was.sa_handler == SIG_IGN;
        if (!nohup) { /* under nohup a hangup is to be ignored, not honoured */
            sigaction(signals[i], &sa, NULL);
        }
    }
    return (const volatile int *)&interrupted;
}
