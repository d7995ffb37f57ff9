/* Argument parsing and error printing shared by the commands. */
#include "cli.h"

#include "retsim/csv.h"
#include "retsim/experiment.h"
#include "retsim/manifest.h"
#include "retsim/outdir.h"
#include "retsim/suggest.h"

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

/* The options every command takes, then those `allowed` picks, into opts;
 * returns how many. Each points into a. */
static size_t shared_options(unsigned allowed, cli_args *a, cli_option *opts)
{
    const struct {
        unsigned flag; /* 0: every command */
        cli_option opt;
    } all[] = {
        {0, {.name = "--help", .short_name = 'h', .flag = &a->help}},
        {0, {.name = "--quiet", .short_name = 'q', .flag = &a->quiet}},
        {0, {.name = "--set", .list = a->sets, .count = &a->n_sets}},
        {OPT_VARY, {.name = "--vary", .list = a->vary, .count = &a->n_vary}},
        {OPT_SIDES, {.name = "--set-a", .list = a->set_a, .count = &a->n_set_a}},
        {OPT_SIDES, {.name = "--set-b", .list = a->set_b, .count = &a->n_set_b}},
        {OPT_OUT, {.name = "--out", .short_name = 'o', .value = &a->out_dir}},
        {OPT_SEED, {.name = "--seed", .value = &a->seed}},
        {OPT_TRACE_OUT, {.name = "--trace-out", .value = &a->trace_out}},
        {OPT_HORIZON, {.name = "--until", .value = &a->horizon}},
        {OPT_REPLICATIONS, {.name = "--replications", .value = &a->replications}},
        {OPT_JOBS, {.name = "--jobs", .short_name = 'j', .value = &a->jobs}},
        {OPT_EVENTS, {.name = "--events", .flag = &a->events}},
        {OPT_FORCE, {.name = "--force", .flag = &a->force}},
        {OPT_FORMAT, {.name = "--format", .value = &a->format}},
        {OPT_SHARD, {.name = "--shard", .value = &a->shard}},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (all[i].flag == 0 || (allowed & all[i].flag)) {
            opts[n++] = all[i].opt;
        }
    }
    return n;
}

/* "unknown option '--otu'; did you mean '--out'?" */
static int unknown_option(const char *command, const char *arg, const cli_option *opts, size_t n)
{
    const char *names[CLI_MAX_OPTIONS];
    for (size_t i = 0; i < n; i++) {
        names[i] = opts[i].name;
    }
    char name[RETSIM_SUGGEST_MAX + 1];
    snprintf(name, sizeof name, "%.*s", (int)strcspn(arg, "="), arg);
    const char *near = retsim_suggest(name, names, n, 2);
    if (near != NULL) {
        return cli_usage_error(command, "unknown option '%s'; did you mean '%s'?", name, near);
    }
    return cli_usage_error(command, "unknown option '%s'", name);
}

/* The option an argument names: "--out", "--out=DIR", "-o", "-oDIR". *inline_value
 * gets what follows '=' (or a short option's letter), NULL if nothing does. */
static const cli_option *find_option(const char *arg, const cli_option *opts, size_t n,
                                     const char **inline_value)
{
    *inline_value = NULL;
    if (arg[1] == '-') {
        size_t len = strcspn(arg, "=");
        for (size_t i = 0; i < n; i++) {
            if (strlen(opts[i].name) == len && strncmp(arg, opts[i].name, len) == 0) {
                *inline_value = arg[len] == '=' ? arg + len + 1 : NULL;
                return &opts[i];
            }
        }
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (opts[i].short_name != 0 && arg[1] == opts[i].short_name) {
            bool takes = opts[i].flag == NULL;
            if (arg[2] != '\0' && !takes) {
                return NULL; /* -qx: not bundled switches */
            }
            *inline_value = arg[2] != '\0' ? arg + 2 : NULL;
            return &opts[i];
        }
    }
    return NULL;
}

/* Store an option's value: from "--opt=value", or the next argument. */
static int take_option(const char *command, const cli_option *o, const char *inline_value, int argc,
                       char **argv, int *i)
{
    if (o->flag != NULL) {
        if (inline_value != NULL) {
            return cli_usage_error(command, "%s takes no value, got '%s'", o->name, argv[*i]);
        }
        *o->flag = true;
        return 0;
    }
    const char *value = inline_value;
    if (value == NULL) {
        if (*i + 1 >= argc) {
            return cli_usage_error(command, "%s needs a value", argv[*i]); /* as typed: -o or --trace */
        }
        value = argv[++*i];
    }
    if (o->value != NULL) {
        *o->value = value;
        return 0;
    }
    if (*o->count == CLI_MAX_LIST) {
        return cli_usage_error(command, "at most %d %s options", CLI_MAX_LIST, o->name);
    }
    o->list[(*o->count)++] = value;
    return 0;
}

int cli_parse_own(const char *command, int argc, char **argv, unsigned allowed, const cli_option *own,
                  size_t n_own, cli_args *a)
{
    memset(a, 0, sizeof *a);
    a->argc = argc;
    a->argv = argv;
    cli_option opts[CLI_MAX_OPTIONS];
    size_t n = shared_options(allowed, a, opts);
    for (size_t i = 0; i < n_own && n < CLI_MAX_OPTIONS; i++) {
        opts[n++] = own[i];
    }
    bool options_end = false;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        if (!options_end && strcmp(arg, "--") == 0) {
            options_end = true; /* what follows is an argument, even "-x" */
            continue;
        }
        if (options_end || arg[0] != '-' || arg[1] == '\0') {
            if (a->n_positional == CLI_MAX_POSITIONAL) {
                return cli_usage_error(command, "too many arguments");
            }
            a->positional[a->n_positional++] = arg;
            continue;
        }
        const char *inline_value = NULL;
        const cli_option *o = find_option(arg, opts, n, &inline_value);
        int rc = o == NULL ? unknown_option(command, arg, opts, n)
                           : take_option(command, o, inline_value, argc, argv, &i);
        if (rc != 0) {
            return rc;
        }
    }
    if (a->quiet) {
        cli_set_quiet(true);
    }
    return 0;
}

int cli_parse(const char *command, int argc, char **argv, unsigned allowed, cli_args *a)
{
    return cli_parse_own(command, argc, argv, allowed, NULL, 0, a);
}

/* --quiet: the one other piece of process-wide state, the CLI's only. */
static bool quiet;

void cli_set_quiet(bool q)
{
    quiet = q;
}

bool cli_is_quiet(void)
{
    return quiet;
}

void cli_note(const char *fmt, ...)
{
    if (quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
}

int cli_format_of(const char *command, const cli_args *a, cli_format *out)
{
    static const char *const names[] = {"text", "csv", "json"};
    *out = CLI_FORMAT_TEXT;
    for (int f = 0; a->format != NULL && f < 3; f++) {
        if (strcmp(a->format, names[f]) == 0) {
            *out = (cli_format)f;
            return 0;
        }
    }
    if (a->format == NULL) {
        return 0;
    }
    const char *near = retsim_suggest(a->format, names, 3, 2);
    return cli_usage_error(command, "--format is text, csv or json, got '%s'%s%s%s", a->format,
                           near != NULL ? "; did you mean '" : "", near != NULL ? near : "",
                           near != NULL ? "'?" : "");
}

int cli_emit_table(cli_format format, void (*fill)(FILE *out, const void *ctx), const void *ctx)
{
    if (format == CLI_FORMAT_CSV) {
        fill(stdout, ctx);
        return 0;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem == NULL) {
        fprintf(stderr, "retsim: out of memory\n");
        return CLI_FAILURE;
    }
    fill(mem, ctx);
    int rc = fclose(mem) != 0 ? RETSIM_ENOMEM : retsim_csv_to_json(text, len, stdout);
    free(text);
    if (rc != 0) {
        fprintf(stderr, "retsim: cannot write the table as JSON (%s)\n",
                rc == RETSIM_ENOMEM ? "out of memory" : "not CSV");
        return CLI_FAILURE;
    }
    return 0;
}

void cli_help(const char *help, int rc)
{
    if (rc != 0) {
        cli_usage_brief(help);
    } else {
        fputs(help, stdout);
    }
}

void cli_usage_brief(const char *help)
{
    const char *end = strstr(help, "\n\n");
    fprintf(stderr, "%.*s\n", end != NULL ? (int)(end - help) : (int)strlen(help), help);
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

/* The progress line of replications: how many finished, the rate and the
 * time left; for a sweep or a compare also which point or side runs (ctx:
 * "point" or "side"). Rewritten in place; ended at the end. */
void cli_progress_replications(void *ctx, const retsim_progress *p)
{
    if (p->finished) {
        fputc('\n', stderr);
        return;
    }
    char stage[320] = "";
    if (p->stages > 0 && ctx != NULL) {
        snprintf(stage, sizeof stage, "%s %" PRIu32 " of %" PRIu32 " (%s): ", (const char *)ctx, p->stage + 1,
                 p->stages, p->stage_label != NULL ? p->stage_label : "");
    }
    double rate = p->wall_seconds > 0 ? p->done / p->wall_seconds : 0;
    char left[48] = "";
    if (rate > 0 && p->done < p->total) {
        snprintf(left, sizeof left, ", %.0f s left", (p->total - p->done) / rate);
    }
    fprintf(stderr, "\rretsim: %s%" PRIu32 " of %" PRIu32 " replication%s, %.1f/s%s, %.1f s\033[K", stage,
            p->done, p->total, p->total == 1 ? "" : "s", rate, left, p->wall_seconds);
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

int cli_until(const char *command, const cli_args *a, retsim_time *until)
{
    const char *why = NULL;
    *until = RETSIM_TIME_NEVER;
    if (a->horizon != NULL && retsim_time_parse(a->horizon, until, &why) != 0) {
        return cli_usage_error(command, "--until: %s, got '%s'", why, a->horizon);
    }
    return 0;
}

int cli_experiment_options(const char *command, const cli_args *a, const retsim_scenario *sc,
                           uint32_t default_replications, struct retsim_experiment_options *o)
{
    uint64_t v = 0;
    memset(o, 0, sizeof *o);
    o->seed = sc->settings.seed;
    o->replications = default_replications;
    /* a terminal only, and not with --quiet; sweep and compare say which point or side */
    o->progress = isatty(STDERR_FILENO) != 0 && !cli_is_quiet() ? cli_progress_replications : NULL;
    o->progress_ctx = strcmp(command, "sweep") == 0     ? (void *)"point"
                      : strcmp(command, "compare") == 0 ? (void *)"side"
                                                        : NULL;
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
