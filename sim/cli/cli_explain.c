/* retsim explain: a trace's story in words, and its picture (--png). */
#define _XOPEN_SOURCE 700 /* nftw */
#include "cli.h"
#include "retsim/explain.h"
#include "retsim/replay.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <libgen.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RETSIM_ANALYSIS_DIR
#define RETSIM_ANALYSIS_DIR "analysis"
#endif

static const char explain_help[] =
    "usage: retsim explain SCENARIO TRACE [--name NAME]... [--subscription S] [--until TIME]\n"
    "                      [--png FILE] [--width N] [--set section.key=value]...\n"
    "\n"
    "Replay the trace and tell what retsim answered and why, in words: first the\n"
    "rules in force for the kinds the story involves, then, per answer, when (in\n"
    "the trace's own time style), who did what, the outcome, and the rule that\n"
    "decided with its facts (who holds the name, until when). Automatic purges\n"
    "and the ends of reservation windows are told as events of their own. The\n"
    "answers are replay's (events.csv's outcome, reason and detail columns).\n"
    "\n"
    "  --name NAME       tell only this name (repeatable), grouped by name, with\n"
    "                    the kind-wide rule changes of its kind\n"
    "  --subscription S  tell only the answers to S (its automatic purges too)\n"
    "  --until TIME      stop the clock at TIME, as replay --until\n"
    "  --png FILE        also draw the names told as analysis/plot-timeline does\n"
    "                    (needs gnuplot; the script is found in $RETSIM_ANALYSIS_DIR,\n"
    "                    else in an installed retsim's share/retsim/analysis, else\n"
    "                    beside the sources retsim was built from)\n"
    "  --width N         wrap the sentences at N columns (default 100)\n"
    "  --set K=V         override a scenario key, e.g. --set policy.apim.retention=7d\n"
    "\n"
    "Example: why did Fabrikam's create of contoso-dev-api fail at 20d?\n"
    "  retsim explain scenarios/apim.ini scenarios/traces/apim-walkthrough.csv \\\n"
    "      --name contoso-dev-api\n"
    "Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input (a name or\n"
    "subscription no row has, too).\n";

/* explain's own options: --name (repeatable), --subscription, --png, --width. */
typedef struct explain_args {
    const char *names[CLI_MAX_LIST];
    int n_names;
    const char *subscription, *png, *width;
} explain_args;

/* The names told, for the picture. */
typedef struct told {
    char *keys[CLI_MAX_LIST];
    int n;
} told;

static void on_name(void *ctx, const char *key)
{
    told *t = ctx;
    if (t->n < CLI_MAX_LIST) {
        t->keys[t->n] = strdup(key);
        t->n += t->keys[t->n] != NULL;
    }
}

/* Run analysis/plot-timeline DIR -o FILE KEY... and wait for it. */
static int plot(const char *dir, const char *png, const told *t)
{
    const char *analysis = getenv("RETSIM_ANALYSIS_DIR");
    char script[4200];
    char share[4096];
    /* An installed retsim uses its own copy of the scripts, not the sources it was built from. */
    bool installed = cli_share_dir(share, sizeof share - 16) == 0;
    snprintf(script, sizeof script, "%s/plot-timeline",
             analysis != NULL && analysis[0] != '\0' ? analysis
             : installed                             ? strcat(share, "/analysis")
                                                     : RETSIM_ANALYSIS_DIR);
    if (access(script, X_OK) != 0) {
        fprintf(stderr, "retsim: %s: %s (set RETSIM_ANALYSIS_DIR to the folder of the analysis scripts)\n",
                script, strerror(errno));
        return CLI_FAILURE;
    }
    char *args[CLI_MAX_LIST + 6] = {script, (char *)dir, "-o", (char *)png};
    int n = 4;
    for (int i = 0; i < t->n; i++) {
        args[n++] = t->keys[i];
    }
    args[n] = NULL;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        /* its "wrote" line is a message, not the story: stderr, or nowhere with --quiet */
        int to = cli_is_quiet() ? open("/dev/null", O_WRONLY) : STDERR_FILENO;
        dup2(to >= 0 ? to : STDERR_FILENO, STDOUT_FILENO);
        execv(script, args);
        _exit(127);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "retsim: explain --png: %s failed; no picture written\n", script);
        return CLI_FAILURE;
    }
    return CLI_OK;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* The picture: the replay's events into a temporary folder, drawn from there. */
static int picture(const retsim_scenario *sc, const char *trace, retsim_time until, const char *png,
                   const told *t)
{
    char tmpl[] = "/tmp/retsim-explain-XXXXXX";
    const char *base = getenv("TMPDIR");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/retsim-explain-XXXXXX", base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(dir) == NULL && mkdtemp(strcpy(dir, tmpl)) == NULL) {
        fprintf(stderr, "retsim: explain --png: cannot make a temporary folder: %s\n", strerror(errno));
        return CLI_FAILURE;
    }
    char out[4200];
    snprintf(out, sizeof out, "%s/out", dir);
    retsim_error err;
    retsim_error_clear(&err);
    int rc = retsim_replay_to_dir(sc, trace, out, until, NULL, NULL, &err) != 0 ? cli_fail(&err) : 0;
    if (rc == 0) {
        rc = plot(out, png, t);
    }
    if (nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS) != 0) {
        fprintf(stderr, "retsim: could not remove the temporary folder %s\n", dir);
    }
    return rc;
}

/* --png FILE must be writable before the story is told: checked up front. */
static int check_png(const char *png)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", png);
    struct stat st;
    const char *folder = dirname(copy);
    if (stat(folder, &st) != 0 || !S_ISDIR(st.st_mode)) {
        return cli_usage_error("explain", "--png %s: folder %s does not exist", png, folder);
    }
    if (stat(png, &st) == 0 && S_ISDIR(st.st_mode)) {
        return cli_usage_error("explain", "--png %s is a folder; it takes a file name", png);
    }
    return 0;
}

static int explain(const retsim_scenario *sc, const cli_args *a, const explain_args *e, retsim_time until)
{
    uint64_t width = 0;
    if (e->width != NULL && cli_number("explain", "--width", e->width, 40, 1000, &width) != 0) {
        return CLI_BAD_INPUT;
    }
    told t = {.n = 0};
    if (e->subscription != NULL && e->subscription[0] == '\0') {
        return cli_usage_error("explain", "--subscription needs a value");
    }
    retsim_explain_options o = {.names = e->names,
                                .n_names = (size_t)e->n_names,
                                .subscription = e->subscription,
                                .until = until,
                                .scenario_label = a->positional[0],
                                .trace_label = a->positional[1],
                                .width = (int)width,
                                .on_name =
                                    e->png != NULL && (e->n_names > 0 || e->subscription) ? on_name : NULL,
                                .ctx = &t};
    retsim_error err;
    retsim_error_clear(&err);
    int rc =
        retsim_explain_write(sc, a->positional[1], &o, stdout, NULL, &err) != 0 ? cli_fail(&err) : CLI_OK;
    if (rc == CLI_OK && e->png != NULL) {
        rc = picture(sc, a->positional[1], until, e->png, &t);
    }
    for (int i = 0; i < t.n; i++) {
        free(t.keys[i]);
    }
    return rc;
}

int cli_explain(int argc, char **argv)
{
    explain_args e;
    memset(&e, 0, sizeof e);
    const cli_option own[] = {{.name = "--name", .list = e.names, .count = &e.n_names},
                              {.name = "--subscription", .value = &e.subscription},
                              {.name = "--png", .value = &e.png},
                              {.name = "--width", .value = &e.width}};
    cli_args a;
    int rc = cli_parse_own("explain", argc, argv, OPT_HORIZON, own, sizeof own / sizeof own[0], &a);
    if (rc != 0 || a.help) {
        cli_help(explain_help, rc);
        return rc;
    }
    if (a.n_positional != 2) {
        return cli_usage_error("explain", "expected SCENARIO and TRACE");
    }
    char trace[4096];
    a.positional[1] = cli_path_resolve(a.positional[1], trace, sizeof trace); /* an installed trace by name */
    retsim_time until;
    rc = cli_until("explain", &a, &until);
    if (rc == 0 && e.png != NULL) {
        rc = check_png(e.png);
    }
    retsim_scenario *sc = NULL;
    if (rc == 0) {
        rc = cli_load_scenario(a.positional[0], &a, &sc);
    }
    if (rc == 0) {
        rc = explain(sc, &a, &e, until);
    }
    retsim_scenario_destroy(sc);
    return rc;
}
